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
        Assert.That(((PsObject)all[0]["Parameters"]!).Entries.Select(e => e.Key.ToDisplayString()), Does.Contain("ErrorAction").And.Contain("DisplayName"), "an alias of a cmdlet has the cmdlet's parameters");
        // A cmdlet's own parameters come first, as its compiled metadata orders them, with their types and aliases
        // (Import-PSSession's proxy functions declare them).
        var output = (PsObject)all[4]["Parameters"]!;
        Assert.That(output.Entries.Select(e => e.Key.ToDisplayString()).Take(3), Is.EqualTo(new[] { "InputObject", "NoEnumerate", "Verbose" }));
        var inputObject = (PsObject)output.Entries[0].Value;
        Assert.That((inputObject["ParameterType"]!.ToDisplayString(), inputObject["SwitchParameter"]!.ToDisplayString()), Is.EqualTo(("System.Management.Automation.PSObject[]", "False")));
        var name = (PsObject)((PsObject)all[3]["Parameters"]!).Entries[0].Value;
        Assert.That((name["Name"]!.ToDisplayString(), ((PsObject)name["Aliases"]!).Items.Select(a => a.ToDisplayString())), Is.EqualTo(("Name", new[] { "ServiceName" })));
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

    private async Task<(RunspacePoolClient Pool, PowerShellPipeline Holder, IAsyncEnumerator<PipelineEvent> HolderEvents, PipelineHostCall Call)> HoldTheRunspaceAsync(WsManTransport transport)
    {
        // The first pipeline holds the pool's runspace while it waits for the client's Read-Host answer.
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });
        var holder = await pool.StartAsync("$global:shared = Read-Host; 'answered'");
        var events = holder.ReadAllAsync().GetAsyncEnumerator();
        while (await events.MoveNextAsync())
        {
            if (events.Current is HostCallEvent call) return (pool, holder, events, call.Call);
        }

        throw new AssertionException("the first pipeline ended without a host call");
    }

    private static async Task<string[]> OutputsAsync(IAsyncEnumerator<PipelineEvent> events)
    {
        var outputs = new List<string>();
        while (await events.MoveNextAsync())
        {
            if (events.Current is OutputEvent output) outputs.Add(output.Value.ToDisplayString());
        }

        return [.. outputs];
    }

    private static async Task<(string[] Outputs, PSInvocationState State)> ReadAsync(PowerShellPipeline pipeline)
    {
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
        return ([.. events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString())], events.OfType<StateEvent>().Last().State);
    }

    /// <summary>As PowerShell's RunspacePool: a pipeline beyond MaxRunspaces is taken (CommandResponse) and runs when a runspace is free.</summary>
    [Test]
    public async Task A_pipeline_beyond_MaxRunspaces_runs_only_when_the_running_one_ends()
    {
        using var transport = NewTransport();
        var (pool, holder, holderEvents, call) = await HoldTheRunspaceAsync(transport);
        await using var _ = pool;
        await using var __ = holderEvents;

        var waiting = await pool.StartAsync("\"[$shared]\"");
        var available = await pool.GetAvailableRunspacesAsync();
        await holder.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));

        Assert.That(available, Is.EqualTo(0L));
        Assert.That(await OutputsAsync(holderEvents), Is.EqualTo(new[] { "answered" }));
        Assert.That(await ReadAsync(waiting), Is.EqualTo((new[] { "[x]" }, PSInvocationState.Completed)), "it ran after the first set $shared");
    }

    [Test]
    public async Task Raising_MaxRunspaces_starts_a_waiting_pipeline_at_once()
    {
        using var transport = NewTransport();
        var (pool, holder, holderEvents, call) = await HoldTheRunspaceAsync(transport);
        await using var _ = pool;
        await using var __ = holderEvents;

        var waiting = await pool.StartAsync("\"[$shared]\"");
        var raised = await pool.SetMaxRunspacesAsync(2);
        var result = await ReadAsync(waiting);
        await holder.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));

        Assert.That((raised, result), Is.EqualTo((true, (new[] { "[]" }, PSInvocationState.Completed))), "it ran while the first still waited");
        Assert.That(await OutputsAsync(holderEvents), Is.EqualTo(new[] { "answered" }));
    }

    /// <summary>A nested pipeline (IsNested, as a client makes one while its parent waits in a host call) runs in the parent's runspace at once.</summary>
    [Test]
    public async Task A_nested_pipeline_runs_at_once_beside_its_waiting_parent()
    {
        using var transport = NewTransport();
        var (pool, holder, holderEvents, call) = await HoldTheRunspaceAsync(transport);
        await using var _ = pool;
        await using var __ = holderEvents;

        var nested = await pool.StartAsync(new CreatePipeline([new PipelineCommand("\"[$shared]\"", IsScript: true, [])], IsNested: true, HostInfo: PsrpObjects.DefaultHostInfo()));
        var result = await ReadAsync(nested);
        await holder.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));

        Assert.That(result, Is.EqualTo((new[] { "[]" }, PSInvocationState.Completed)));
        Assert.That(await OutputsAsync(holderEvents), Is.EqualTo(new[] { "answered" }));
        Assert.That(await pool.GetAvailableRunspacesAsync(), Is.EqualTo(1L), "the nested pipeline took no runspace of its own");
    }

    /// <summary>
    /// On a pool of more than one runspace PowerShell runs a nested pipeline as any other (ServerRunspacePoolDriver
    /// clears its IsNested): it takes a runspace of its own.
    /// </summary>
    [Test]
    public async Task On_a_larger_pool_a_nested_pipeline_takes_a_runspace_as_any_other()
    {
        using var transport = NewTransport();
        var (pool, holder, holderEvents, call) = await HoldTheRunspaceAsync(transport);
        await using var _ = pool;
        await using var __ = holderEvents;
        await pool.SetMaxRunspacesAsync(2);

        var nested = await pool.StartAsync(new CreatePipeline([new PipelineCommand("$null = Read-Host; 'nested'", IsScript: true, [])], IsNested: true,
            HostInfo: HostInfoData.ForHost(new HostRawUI())));
        var nestedEvents = nested.ReadAllAsync().GetAsyncEnumerator();
        await using var ___ = nestedEvents;
        PipelineHostCall? nestedCall = null;
        while (nestedCall is null && await nestedEvents.MoveNextAsync()) nestedCall = (nestedEvents.Current as HostCallEvent)?.Call;
        var available = await pool.GetAvailableRunspacesAsync();
        await nested.SendHostResponseAsync(new PipelineHostResponse(nestedCall!.CallId, nestedCall.MethodId, PsPrimitive.String("y")));
        await holder.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));

        Assert.That(available, Is.EqualTo(0L), "the parent and the nested pipeline each hold one of the two runspaces");
        Assert.That(await OutputsAsync(nestedEvents), Is.EqualTo(new[] { "nested" }));
        Assert.That(await OutputsAsync(holderEvents), Is.EqualTo(new[] { "answered" }));
    }

    [Test]
    public async Task Stopping_a_waiting_pipeline_stops_it_unrun_and_the_runspace_still_serves_the_next()
    {
        using var transport = NewTransport();
        var (pool, holder, holderEvents, call) = await HoldTheRunspaceAsync(transport);
        await using var _ = pool;
        await using var __ = holderEvents;

        var stopped = await pool.StartAsync("$global:shared = 'ran'; 'ran'");
        await stopped.StopAsync();
        var stoppedResult = await ReadAsync(stopped);
        await holder.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));
        var holderOutputs = await OutputsAsync(holderEvents);
        var next = await ReadAsync(await pool.StartAsync("\"[$shared]\""));

        Assert.That(stoppedResult, Is.EqualTo((Array.Empty<string>(), PSInvocationState.Stopped)));
        Assert.That(holderOutputs, Is.EqualTo(new[] { "answered" }));
        Assert.That(next, Is.EqualTo((new[] { "[x]" }, PSInvocationState.Completed)));
        Assert.That(await pool.GetAvailableRunspacesAsync(), Is.EqualTo(1L), "every runspace is back in the pool");
    }
}
