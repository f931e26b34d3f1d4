using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>System.Text.StringBuilder as scripts build reports and files with it.</summary>
public class StringBuilderTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        return (host, await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider()));
    }

    private static async Task<string> OutputOfAsync(string script)
    {
        var (host, outcome) = await RunAsync(script);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("$sb = New-Object System.Text.StringBuilder; [void]$sb.Append('a'); [void]$sb.AppendLine('b'); [void]$sb.AppendLine(); $sb.ToString() -replace \"`r`n\", '/'", "ab//")]
    [TestCase("$sb = [Text.StringBuilder]::new(); $null = $sb.Append('x').Append(1).Append($true); \"$sb\"; $sb.Length", "x1True|6")]
    [TestCase("$sb = New-Object Text.StringBuilder 'init'; [void]$sb.Insert(0, '>'); [void]$sb.Replace('i', 'I'); [void]$sb.Remove(0, 1); $sb.ToString()", "InIt")]
    [TestCase("$sb = [System.Text.StringBuilder]::new(); [void]$sb.AppendFormat('{0}-{1:D3}', 'a', 7); $sb.ToString(); $sb.Clear().Length", "a-007|0")]
    [TestCase("$sb = [System.Text.StringBuilder]::new(); foreach ($n in 'a', 'b') { [void]$sb.Append(\"$n, \") }; $sb.Length -= 2; $sb.ToString(); $sb.ToString(0, 1)", "a, b|a")]
    [TestCase("$sb = New-Object System.Text.StringBuilder 100; $sb.Capacity; $sb.MaxCapacity; $sb.GetType().FullName", "100|2147483647|System.Text.StringBuilder")]
    [TestCase("$sb = [System.Text.StringBuilder]'q'; [void]$sb.Append('r'); \"$sb\"; ([Text.StringBuilder]16).Capacity; $b = [Text.StringBuilder]::new(); [Text.StringBuilder]$c = $b; [void]$c.Append('z'); \"$b\"", "qr|16|z")]
    public async Task A_string_builder_builds_text_as_dotnets_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task An_append_not_discarded_writes_the_builder_which_shows_its_capacity_table()
    {
        var text = await OutputOfAsync("$sb = New-Object System.Text.StringBuilder; $sb.Append('abc') | Out-String");

        Assert.That(text, Is.EqualTo("\r\nCapacity MaxCapacity Length\r\n-------- ----------- ------\r\n      16  2147483647      3\r\n\r\n\r\n"));
    }

    [Test]
    public async Task A_removal_outside_the_text_is_the_method_invocation_error()
    {
        var (host, _) = await RunAsync("$sb = [Text.StringBuilder]::new('ab'); $sb.Remove(1, 5); 'next'");

        Assert.That(host.Errors.Single().Message, Does.StartWith("Exception calling \"Remove\" with \"2\" argument(s): "));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
