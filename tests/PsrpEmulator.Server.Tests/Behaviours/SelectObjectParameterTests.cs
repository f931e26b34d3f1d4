using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Select-Object -ExcludeProperty (names and patterns left out; * when -Property is not given), -Property with
/// -ExpandProperty (each expanded value carries the selected properties as notes) and -Wait, as SelectObjectCommand does.
/// </summary>
public class SelectObjectParameterTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        return host;
    }

    private static string Joined(RecordingHost host) => string.Join("|", host.OutputTexts);

    [TestCase("[pscustomobject]@{ a = 1; b = 2; c = 3 } | Select-Object -ExcludeProperty b | ForEach-Object { $_.PSObject.Properties.Name -join ',' }", "a,c")]
    [TestCase("[pscustomobject]@{ a = 1; b = 2; c = 3 } | Select-Object * -ExcludeProperty a, c | ForEach-Object { $_.PSObject.Properties.Name -join ',' }", "b")]
    [TestCase("[pscustomobject]@{ a = 1; b = 2; c = 3 } | Select-Object a, b -ExcludeProperty B | ForEach-Object { $_.PSObject.Properties.Name -join ',' }", "a")]
    [TestCase("[pscustomobject]@{ Name = 'x'; DisplayName = 'y'; Status = 'z' } | Select-Object -ExcludeProperty *Name | ForEach-Object { $_.PSObject.Properties.Name -join ',' }", "Status")]
    [TestCase("[pscustomobject]@{ a = 1; b = 2 } | Select-Object a, @{ n = 'd'; e = { $_.b * 2 } } -ExcludeProperty d | ForEach-Object { \"$_\" }", "@{a=1; d=4}")]
    [TestCase("(Get-Service WinRM | Select-Object -ExcludeProperty *Services*, Can*).PSObject.Properties.Name -join ','", "Name,DisplayName,MachineName,ServiceName,ServiceHandle,Status,ServiceType,StartType,Site,Container")]
    [TestCase("(Get-Service WinRM | Select-Object -ExcludeProperty *Services, Can*).PSObject.TypeNames[0]", "Selected.System.ServiceProcess.ServiceController")]
    public async Task ExcludeProperty_leaves_out_the_names_and_patterns_it_gives(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(Joined(host), Is.EqualTo(expected));
    }

    [Test]
    public async Task Property_with_ExpandProperty_gives_each_expanded_value_the_selected_properties_as_notes()
    {
        var host = await RunAsync(
            "$o = [pscustomobject]@{ Name = 'group'; Members = 'ann', 'bob' }; " +
            "$m = $o | Select-Object Name -ExpandProperty Members; $m.Count; $m[0]; $m[1].Name; \"$($m[0])\"; $m[0].Length; $null -eq $o.Members[0].Name; " +
            "$m[0] -is [string]; $m[0].GetType().FullName; $m[0].PSObject.TypeNames -join ','; $m[0].ToUpper()");

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "ann", "group", "ann", "3", "True", "True", "System.String", "System.String,System.Object", "ANN" }));
    }

    [Test]
    public async Task Expanded_objects_get_the_notes_on_a_copy_and_the_original_keeps_its_properties()
    {
        var host = await RunAsync(
            "$inner = [pscustomobject]@{ Id = 7 }; $o = [pscustomobject]@{ Name = 'n'; Inner = $inner }; " +
            "$e = $o | Select-Object Name -ExpandProperty Inner; $e.Id; $e.Name; $inner.PSObject.Properties.Name -join ','");

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "7", "n", "Id" }));
    }

    [Test]
    public async Task A_note_the_expanded_value_already_has_is_an_error_and_the_value_is_written_without_it()
    {
        var host = await RunAsync("$o = [pscustomobject]@{ Id = 1; Inner = [pscustomobject]@{ Id = 2 } }; ($o | Select-Object Id -ExpandProperty Inner).Id; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "next" }));
        var error = host.Errors.Single();
        Assert.That(error.Message, Is.EqualTo("The property cannot be processed because the property \"Id\" already exists."));
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("AlreadyExistingUserSpecifiedPropertyExpand,Microsoft.PowerShell.Commands.SelectObjectCommand"));
        Assert.That(error.Category, Is.EqualTo(ErrorCategory.InvalidOperation));
    }

    [Test]
    public async Task ExcludeProperty_with_ExpandProperty_adds_every_other_property_as_a_note()
    {
        var host = await RunAsync("$o = [pscustomobject]@{ Name = 'g'; Kind = 'k'; Members = 'ann' }; $m = $o | Select-Object -ExpandProperty Members -ExcludeProperty Members; $m.Name; $m.Kind");

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "g", "k" }));
    }

    [Test]
    public async Task A_string_with_notes_goes_on_the_wire_as_the_string_with_its_notes()
    {
        var host = await RunAsync("[pscustomobject]@{ Name = 'group'; Members = 'ann' } | Select-Object Name -ExpandProperty Members");

        var written = (PsObject)host.Outputs.Single();
        Assert.That(written.BaseValue?.Value, Is.EqualTo("ann"));
        Assert.That(written.TypeNames, Is.Null, "the serializer writes no TN for a primitive whose type names are its own");
        Assert.That(written.ToStringValue, Is.Null, "nor a ToString it did not override");
        Assert.That(written.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())), Is.EqualTo(new[] { ("Name", "group") }));
    }

    [TestCase("$n = 0; 1..5 | ForEach-Object { $n++; $_ } | Select-Object -First 2; $n", "1|2|2")]
    [TestCase("$n = 0; 1..5 | ForEach-Object { $n++; $_ } | Select-Object -First 2 -Wait; $n", "1|2|5")]
    [TestCase("$n = 0; 1..5 | ForEach-Object { $n++; $_ } | Select-Object -Index 1 -Wait; $n", "2|5")]
    [TestCase("$n = 0; 1..5 | ForEach-Object { $n++; $_ } | Select-Object -Index 1; $n", "2|2")]
    [TestCase("$n = 0; 1..5 | ForEach-Object { $n++; $_ } | Select-Object -First 0 -Wait; $n", "5")]
    public async Task Wait_lets_the_commands_before_run_to_their_end_after_First_or_Index_has_its_objects(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(Joined(host), Is.EqualTo(expected));
    }
}
