using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Get-PSCallStack: the frames the statement runs in, innermost first, at the lines an error raised there would list
/// (a logging helper's <c>(Get-PSCallStack)[1]</c> is its caller, at the line that called it).
/// </summary>
public class CallStackTests : EmulatorTestBase
{
    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    private async Task<List<PsValue>> OutputsAsync(string script)
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var events = await pool.InvokeAsync(script);
        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
        return [.. events.OfType<OutputEvent>().Select(o => o.Value)];
    }

    [Test]
    public async Task Get_PSCallStack_lists_the_calls_innermost_first_at_their_lines()
    {
        var outputs = await OutputsAsync("function inner {\n  Get-PSCallStack\n}\nfunction outer {\n\n  inner\n}\nouter");

        var frames = outputs.Cast<PsObject>().ToList();
        Assert.That(frames.Select(f => f.ToStringValue), Is.EqualTo(new[]
        {
            "at inner, <No file>: line 2", "at outer, <No file>: line 6", "at <ScriptBlock>, <No file>: line 8",
        }));
        Assert.That(frames.Select(f => (f["Command"]!.ToDisplayString(), f["Location"]!.ToDisplayString(), f["Arguments"]!.ToDisplayString())), Is.EqualTo(new[]
        {
            ("inner", "<No file>", "{}"), ("outer", "<No file>", "{}"), ("<ScriptBlock>", "<No file>", "{}"),
        }));
        Assert.That(frames[1]["ScriptLineNumber"], Is.EqualTo(PsPrimitive.Int32(6)));
        Assert.That(frames[0].TypeNames![0], Is.EqualTo("System.Management.Automation.CallStackFrame"));
    }

    [Test]
    // The bound ones in the binder's order (-s named before the positional a, as pwsh 7.6.9 shows them).
    public async Task A_frame_s_arguments_are_its_bound_parameters_then_its_unbound_ones()
    {
        var outputs = await OutputsAsync("function inner($a, [switch]$s) { Get-PSCallStack }\nfunction outer { inner 5 -s x $null }\nouter 1 2");

        Assert.That(outputs.Cast<PsObject>().Select(f => f["Arguments"]!.ToDisplayString()), Is.EqualTo(new[] { "{s=True, a=5, x, $null}", "{1, 2}", "{}" }));
    }

    [Test]
    public async Task A_logging_helper_names_its_caller_and_the_line_that_called_it()
    {
        var outputs = await OutputsAsync(
            "function Write-Log($m) { $c = (Get-PSCallStack)[1]; \"$($c.Command) line $($c.ScriptLineNumber): $m\" }\nfunction Deploy {\n  Write-Log 'start'\n}\nDeploy\ngcs | ForEach-Object FunctionName");

        Assert.That(outputs.Select(o => o.ToDisplayString()), Is.EqualTo(new[] { "Deploy line 3: start", "<ScriptBlock>" }));
    }
}
