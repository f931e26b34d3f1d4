using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// The runspace pool's own calls over HTTP (PowerShell's RunspacePool API, pypsrp's pool methods): GET_AVAILABLE_RUNSPACES,
/// SET_MAX/MIN_RUNSPACES and RESET_RUNSPACE_STATE, each a pool-level Send answered by RUNSPACE_AVAILABILITY with its call id.
/// </summary>
public class RunspacePoolCallTests : EmulatorTestBase
{
    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    [Test]
    public async Task Reset_runspace_state_clears_the_sessions_variables_in_a_pool_of_one_runspace()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.InvokeAsync("$kept = 'before'; function Get-Kept { 'f' }; Set-Location C:\\Windows");

        var reset = await pool.ResetRunspaceStateAsync();
        var after = await pool.InvokeAsync("\"[$kept]\"; (Get-Location).Path; try { Get-Kept } catch { 'no Get-Kept' }");

        Assert.That(reset, Is.True);
        Assert.That(after.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { "[]", @"C:\Users\psrp\Documents", "no Get-Kept" }));
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Where(e => e.Action == "Send").SelectMany(e => e.RequestMessages), Is.EqualTo(new[] { PsrpMessageType.ResetRunspaceState }));
        Assert.That(journal.Where(e => e.Action == "Receive" && e.CommandId is null).SelectMany(e => e.ResponseMessages), Does.Contain(PsrpMessageType.RunspaceAvailability));
    }

    /// <summary>
    /// GET_COMMAND_METADATA (Import-PSSession's discovery, pypsrp's get_command_metadata): the count, then each command
    /// the patterns and the type mask take, functions before cmdlets, as Get-Command orders them.
    /// </summary>
    [Test]
    public async Task Command_metadata_lists_the_sessions_functions_and_the_cmdlets_the_patterns_match()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.InvokeAsync("function Test-Deploy { [CmdletBinding()] param([string]$Target, [switch]$Force) }; function Get-ServiceReport { param($Name) }");

        var all = await pool.GetCommandMetadataAsync(["Get-Serv*", "Test-Deploy", "Write-Output", "gsv"]);
        var functions = await pool.GetCommandMetadataAsync(["*"], commandTypes: 2);

        Assert.That(all.Select(c => (c["Name"]!.ToDisplayString(), c["CommandType"]!.ToDisplayString())), Is.EqualTo(new[]
        {
            ("gsv", "Alias"), ("Get-ServiceReport", "Function"), ("Test-Deploy", "Function"), ("Get-Service", "Cmdlet"), ("Write-Output", "Cmdlet"),
        }));
        Assert.That(all[0]["ResolvedCommandName"]!.ToDisplayString(), Is.EqualTo("Get-Service"), "an alias resolves to the command it stands for");
        Assert.That(((PsObject)all[0]["Parameters"]!).Entries.Select(e => e.Key.ToDisplayString()), Does.Contain("ErrorAction"), "an alias of a cmdlet has the cmdlet's parameters");
        var deploy = (PsObject)all[2]["Parameters"]!;
        Assert.That(deploy.Entries.Select(e => e.Key.ToDisplayString()), Is.EqualTo(new[]
        {
            "Target", "Force", "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
        }), "an advanced function has the common parameters after its own");
        var force = (PsObject)deploy.Entries[1].Value;
        Assert.That((force["ParameterType"]!.ToDisplayString(), force["SwitchParameter"]!.ToDisplayString()), Is.EqualTo(("System.Management.Automation.SwitchParameter", "True")));
        Assert.That(((PsObject)all[1]["Parameters"]!).Entries.Select(e => e.Key.ToDisplayString()), Is.EqualTo(new[] { "Name" }), "a plain function has its own only");
        Assert.That(functions.Select(c => c["Name"]!.ToDisplayString()), Is.SupersetOf(new[] { "Get-ServiceReport", "Test-Deploy", "Clear-Host", "prompt" }));
        Assert.That(functions.Select(c => c["CommandType"]!.ToDisplayString()).Distinct(), Is.EqualTo(new[] { "Function" }));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Command").SelectMany(e => e.RequestMessages),
            Is.EqualTo(new[] { PsrpMessageType.CreatePipeline, PsrpMessageType.GetCommandMetadata, PsrpMessageType.GetCommandMetadata }));
    }

    [Test]
    public async Task A_pool_of_more_runspaces_refuses_the_reset_and_answers_its_size_calls()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var available = await pool.GetAvailableRunspacesAsync();
        var raised = await pool.SetMaxRunspacesAsync(3);
        var belowMin = await pool.SetMaxRunspacesAsync(0);
        var minTooHigh = await pool.SetMinRunspacesAsync(4);
        var reset = await pool.ResetRunspaceStateAsync();
        var nowAvailable = await pool.GetAvailableRunspacesAsync();

        Assert.That((available, raised, belowMin, minTooHigh, reset, nowAvailable), Is.EqualTo((1L, true, false, false, false, 3L)));
    }
}
