using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Get-Date's DisplayHint note: on the object Get-Date writes (and wherever that object goes), not on a date made from
/// it or from elsewhere; the DateTime script property and the DateTime view read it.
/// </summary>
public class DateDisplayHintTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 15, TimeSpan.Zero);

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(new FakeTimeProvider(Now)) };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        return host;
    }

    [TestCase("(Get-Date).DisplayHint", "DateTime")]
    [TestCase("(Get-Date -DisplayHint Date).DisplayHint", "Date")]
    [TestCase("(Get-Date -DisplayHint time).DisplayHint", "Time")]
    [TestCase("(Get-Date -DisplayHint 0).DisplayHint", "Date")]
    [TestCase("(Get-Date).DateTime", "Tuesday, December 1, 2026 9:30:15 AM")]
    [TestCase("(Get-Date -DisplayHint Date).DateTime", "Tuesday, December 1, 2026")]
    [TestCase("(Get-Date -DisplayHint Time).DateTime", "9:30:15 AM")]
    [TestCase("[datetime]::Now.DateTime", "Tuesday, December 1, 2026 9:30:15 AM")]
    [TestCase("$null -eq [datetime]::Now.DisplayHint", "True")]
    [TestCase("$d = Get-Date -DisplayHint Date; $d.DisplayHint; @($d)[0].DisplayHint; $null -eq $d.AddDays(1).DisplayHint; $null -eq $d.Date.DisplayHint", "Date|Date|True|True")]
    [TestCase("$d = Get-Date -DisplayHint Time; \"$d\"; $d.ToString()", "12/01/2026 09:30:15|12/1/2026 9:30:15 AM")]
    [TestCase("Get-Date -DisplayHint Date -Format yyyy", "2026")]
    public async Task Get_Date_s_note_goes_with_the_date_it_wrote(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Get-Date -DisplayHint Date | Out-String", "Tuesday, December 1, 2026")]
    [TestCase("Get-Date -DisplayHint Time | Out-String", "9:30:15 AM")]
    [TestCase("Get-Date | Out-String", "Tuesday, December 1, 2026 9:30:15 AM")]
    public async Task The_DateTime_view_shows_what_the_note_asks_for(string script, string shown)
    {
        var host = await RunAsync(script);

        Assert.That(host.OutputTexts.Single().Trim(), Is.EqualTo(shown));
    }

    [Test]
    public async Task A_DisplayHint_that_is_no_DisplayHintType_is_the_binding_error_and_the_script_goes_on()
    {
        var host = await RunAsync("Get-Date -DisplayHint Week; 'next'");

        var error = host.Errors.Single();
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetDateCommand"));
        Assert.That(error.Message, Is.EqualTo("Cannot bind parameter 'DisplayHint'. Cannot convert value \"Week\" to type \"Microsoft.PowerShell.Commands.DisplayHintType\". Error: \"Unable to match the identifier name Week to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nDate, Time, DateTime\""));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task The_note_is_an_instance_member_of_that_date_only()
    {
        var host = await RunAsync("Get-Date -DisplayHint Time; [datetime]::Now");

        Assert.That(DateDisplayHints.Of(host.Outputs[0])?.ToDisplayString(), Is.EqualTo("Time"));
        Assert.That(DateDisplayHints.Of(host.Outputs[1]), Is.Null);
        var wire = DateDisplayHints.ForWire((PsPrimitive)host.Outputs[0])!;
        Assert.That(wire.BaseValue, Is.SameAs(host.Outputs[0]));
        var hint = (PsObject)wire["DisplayHint"]!;
        Assert.That(hint.TypeNames, Is.EqualTo(new[] { "Microsoft.PowerShell.Commands.DisplayHintType", "System.Enum", "System.ValueType", "System.Object" }));
        Assert.That(hint.BaseValue, Is.EqualTo(PsPrimitive.Int32(1)));
        Assert.That(DateDisplayHints.ForWire((PsPrimitive)host.Outputs[1]), Is.Null);
    }
}
