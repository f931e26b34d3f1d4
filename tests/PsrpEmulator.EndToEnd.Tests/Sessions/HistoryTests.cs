using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// The session's history: a pipeline the client asked to add (AddToHistory: PowerShell's Invoke-Command, pypsrp's
/// invoke(add_to_history=True)) is an entry once it ends; Get-History and Clear-History read and clear it.
/// </summary>
public class HistoryTests : EmulatorTestBase
{
    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    private static CreatePipeline Script(string script, bool addToHistory) =>
        new([new PipelineCommand(script, IsScript: true, [])], AddToHistory: addToHistory, HostInfo: PsrpObjects.DefaultHostInfo());

    [Test]
    public async Task Get_History_lists_the_pipelines_added_to_the_history_once_they_ended()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, Script("'h1'", addToHistory: true));
        await RunAsync(pool, Script("'not added'", addToHistory: false));
        await RunAsync(pool, Script("Get-Nothing", addToHistory: true));

        var (outputs, _) = await RunAsync(pool, Script("Get-History | ForEach-Object { \"$($_.Id) $($_.CommandLine) $($_.ExecutionStatus)\" }; (h).Count", addToHistory: true));
        var (after, _) = await RunAsync(pool, Script("Clear-History; (Get-History).Count", addToHistory: false));

        Assert.That(outputs, Is.EqualTo(new[] { "1 'h1' Completed", "2 Get-Nothing Completed", "2" }), "the running pipeline is not in its own history");
        Assert.That(after, Is.EqualTo(new[] { "0" }));
    }

    /// <summary>
    /// $^ and $$: the first and last token of the script added to the history before this one, as the parser's
    /// SetPreviousFirstLastToken sets them. A string token is its value, and a "..." string's variables come before it.
    /// A script of blanks and comments, a script not added to the history, and a token that is $^ or $$ itself leave
    /// them as they were. Expected values are from pwsh 7.6.9 run side by side through a runspace with AddToHistory.
    /// </summary>
    [Test]
    public async Task Dollar_hat_and_dollar_dollar_are_the_first_and_last_token_of_the_history_script_before()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        const string Check = "\"first=[$^] last=[$$]\"";
        var seen = new List<string>();
        foreach (var script in new[]
        {
            "Get-Service WinRM -ErrorAction SilentlyContinue | Out-Null",
            "# comment\n\"hello $x\" ; 42 # trailing",
            "'single' + 'it''s'\n\n",
            "@{ a = 1 }",
            "$a = 1, 2",
            "-join (1..3)",
            "Write-Output -InputObject x;",
            "   ",
            "{ script } ",
            "@'\nhere\n'@",
            "1.5e3 + 0x10",
            "$x.Length",
            "[int]::MaxValue",
        })
        {
            await RunAsync(pool, Script(script, addToHistory: true));
            var (outputs, errors) = await RunAsync(pool, Script(Check, addToHistory: true));
            Assert.That(errors, Is.Empty);
            seen.Add(outputs.Single());
        }

        await RunAsync(pool, Script("'not added'", addToHistory: false));
        var (notAdded, _) = await RunAsync(pool, Script(Check, addToHistory: true));

        Assert.That(seen, Is.EqualTo(new[]
        {
            "first=[Get-Service] last=[Out-Null]",
            "first=[$x] last=[42]",
            "first=[single] last=[it's]",
            "first=[@{] last=[}]",
            "first=[$a] last=[2]",
            "first=[-join] last=[)]",
            "first=[Write-Output] last=[;]",
            "first=[Write-Output] last=[first=[$^] last=[$$]]",
            "first=[{] last=[}]",
            "first=[here] last=[here]",
            "first=[1.5e3] last=[0x10]",
            "first=[$x] last=[Length]",
            "first=[[] last=[MaxValue]",
        }));
        Assert.That(notAdded, Is.EqualTo(new[] { "first=[[] last=[first=[$^] last=[$$]]" }));
    }

    /// <summary>Invoke-Expression sent as a command (pypsrp's execute_ps) is in the history as the command's text, as GetCommandStringForHistory takes it.</summary>
    [Test]
    public async Task Invoke_Expression_sent_as_a_command_is_in_the_history_as_the_commands_text()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, new CreatePipeline([new PipelineCommand("Invoke-Expression", IsScript: false, [new PipelineArgument("Command", PsPrimitive.String("'from iex'"))])],
            AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo()));

        var (outputs, _) = await RunAsync(pool, Script("(Get-History).CommandLine", addToHistory: false));

        Assert.That(outputs, Is.EqualTo(new[] { "Invoke-Expression" }));
    }

    /// <summary>Shown as text, the history is Windows PowerShell 5.1's table: Id (right-aligned) and CommandLine.</summary>
    [Test]
    public async Task Get_History_as_text_is_the_Id_and_CommandLine_table()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, Script("'h1'", addToHistory: true));
        await RunAsync(pool, Script("Get-Date", addToHistory: true));

        var (outputs, _) = await RunAsync(pool, Script("Get-History | Out-String", addToHistory: false));

        // Out-String pads a table's lines to the width, as 5.1's does.
        Assert.That(outputs.Single().Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0), Is.EqualTo(new[] { "  Id CommandLine", "  -- -----------", "   1 'h1'", "   2 Get-Date" }));
    }

    [Test]
    public async Task Get_History_by_id_writes_the_entry_and_an_error_for_an_id_it_has_not()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, Script("'h1'", addToHistory: true));

        var (outputs, errors) = await RunAsync(pool, Script("(Get-History -Id 1, 7).CommandLine; (Get-History).Count", addToHistory: false));

        Assert.That(outputs, Is.EqualTo(new[] { "'h1'", "1" }), "one entry's Count is a scalar's, 1");
        Assert.That(errors.Select(e => (e.Message, e.FullyQualifiedErrorId)),
            Is.EqualTo(new[] { ("Cannot locate the history for Id 7.", "GetHistoryNoHistoryForId,Microsoft.PowerShell.Commands.GetHistoryCommand") }));
    }

    /// <summary>
    /// Invoke-History (r, ihy) as 5.1's InvokeHistoryCommand: the entry by id, by the start of its command line (the
    /// newest that starts so) or the newest; its command line echoed to the host and taking the place of the
    /// invoking pipeline's own in the history.
    /// </summary>
    [Test]
    public async Task Invoke_History_runs_an_entry_echoes_it_and_is_in_the_history_as_that_entry()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var (none, noHistory) = await RunAsync(pool, Script("Invoke-History; 'after'", addToHistory: false));
        await RunAsync(pool, Script("'one'", addToHistory: true));
        await RunAsync(pool, Script("$n = 2; \"n=$n\"", addToHistory: true));

        var echoed = new List<string>();
        // With a host UI (the echo is Host.UI.WriteLine; without one it is dropped, as the cmdlet drops HostException).
        var byId = await pool.StartAsync(Script("r 1", addToHistory: true) with { HostInfo = HostInfoData.ForHost(new HostRawUI()) });
        var byIdOutputs = new List<string>();
        await foreach (var e in byId.ReadAllAsync())
        {
            if (e is OutputEvent output) byIdOutputs.Add(output.Value.ToDisplayString());
            if (e is HostCallEvent { Call: { MethodId: RemoteHostMethodId.WriteLine2 } call }) echoed.Add(call.Parameters[0].ToDisplayString());
        }

        var (newest, _) = await RunAsync(pool, Script("Invoke-History", addToHistory: true));
        var (byText, _) = await RunAsync(pool, Script("ihy '$n'", addToHistory: true));
        var (lines, _) = await RunAsync(pool, Script("(Get-History).CommandLine", addToHistory: false));
        var (after, errors) = await RunAsync(pool, Script("r 99; r 0; r 'Get-Nothing'; 'after'", addToHistory: false));

        Assert.That(none, Is.EqualTo(new[] { "after" }));
        Assert.That(noHistory.Select(e => (e.Message, e.FullyQualifiedErrorId)),
            Is.EqualTo(new[] { ("Cannot locate most recent history.", "InvokeHistoryNoLastHistoryEntryFound,Microsoft.PowerShell.Commands.InvokeHistoryCommand") }));
        Assert.That(byIdOutputs, Is.EqualTo(new[] { "one" }));
        Assert.That(echoed, Is.EqualTo(new[] { "'one'" }));
        Assert.That(newest, Is.EqualTo(new[] { "one" }), "r 1 is in the history as 'one'");
        Assert.That(byText, Is.EqualTo(new[] { "n=2" }));
        Assert.That(lines, Is.EqualTo(new[] { "'one'", "$n = 2; \"n=$n\"", "'one'", "'one'", "$n = 2; \"n=$n\"" }));
        Assert.That(after, Is.EqualTo(new[] { "after" }));
        Assert.That(errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot locate the history for Id 99.", "InvokeHistoryNoHistoryForId,Microsoft.PowerShell.Commands.InvokeHistoryCommand"),
            ("The identifier 0 is not a valid value for a History identifier. Specify a positive number, and then try again.\r\nParameter name: Id", "InvokeHistoryInvalidIdGetHistory,Microsoft.PowerShell.Commands.InvokeHistoryCommand"),
            ("Cannot locate the history for command line Get-Nothing.", "InvokeHistoryNoHistoryForCommandline,Microsoft.PowerShell.Commands.InvokeHistoryCommand"),
        }));
    }

    [Test]
    public async Task An_InvocationInfos_HistoryId_is_the_sessions_next_history_id()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, Script("'h1'", addToHistory: true));
        await RunAsync(pool, Script("'h2'", addToHistory: true));

        var pipeline = await pool.StartAsync(Script("Write-Warning 'careful'; Write-Error 'bad'", addToHistory: true) with { RemoteStreamOptions = 15 });
        PsObject? record = null, warning = null;
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is ErrorEvent error) record = (PsObject)error.Record;
            if (e is InformationalEvent { Record: PsObject informational }) warning = informational;
        }

        Assert.That(record!["InvocationInfo_HistoryId"]!.ToDisplayString(), Is.EqualTo("3"));
        Assert.That(warning!["InvocationInfo_HistoryId"]!.ToDisplayString(), Is.EqualTo("3"));
    }

    private static async Task<(List<string> Outputs, List<ErrorRecordInfo> Errors)> RunAsync(RunspacePoolClient pool, CreatePipeline create)
    {
        var pipeline = await pool.StartAsync(create);
        var outputs = new List<string>();
        var errors = new List<ErrorRecordInfo>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent output) outputs.Add(output.Value.ToDisplayString());
            if (e is ErrorEvent error) errors.Add(error.Error);
        }

        return (outputs, errors);
    }
}
