using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Disconnected;

public class DisconnectedShellTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected override void Configure(EmulatorOptions options) => options.Users = ["psrp:psrp", "alice:a", "bob:b"];

    protected override string? ScenarioYaml => """
        endpoints:
          ITTasks: { bufferMode: Drop, outputBufferCapacity: 2, idleTimeoutSeconds: 600 }
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
          - regex: 'Slow-Lines (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "line{_}" }, { sleep: 1 } ] }
        """;

    [Test]
    public async Task Disconnected_shell_is_enumerated_with_its_state_buffer_mode_and_idle_timeout()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { Name = "Session1" });
        await pool.StartAsync("Slow-Lines 3");

        await transport.DisconnectAsync(pool.ShellId, TimeSpan.FromSeconds(600), "Drop");
        Clock!.Advance(TimeSpan.FromSeconds(9));

        using var other = CreateTransport();
        var shell = (await other.EnumerateShellsAsync()).Single();
        Assert.That(shell.ShellId, Is.EqualTo(pool.ShellId));
        Assert.That(shell.Name, Is.EqualTo("Session1"));
        Assert.That(shell.State, Is.EqualTo("Disconnected"));
        Assert.That(shell.BufferMode, Is.EqualTo("Drop"));
        Assert.That(shell.IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(600)));
        Assert.That(shell.MaxIdleTimeOut, Is.EqualTo(TimeSpan.FromMilliseconds(int.MaxValue)));
        Assert.That(shell.ShellInactivity, Is.EqualTo(TimeSpan.FromSeconds(9)));
        Assert.That(shell.ResourceUri, Is.EqualTo(WsManResourceUris.DefaultPowerShell));
        Assert.That(shell.Owner, Is.EqualTo("psrp"));
        Assert.That(shell.ClientIP, Is.EqualTo("127.0.0.1"));

        var command = (await other.EnumerateCommandsAsync(pool.ShellId)).Single();
        Assert.That(command.CommandLine, Is.EqualTo("Slow-Lines 3"));
        Assert.That(command.CommandState, Is.EqualTo("Running"));
    }

    [Test]
    public async Task Output_is_delivered_exactly_once_across_disconnect_and_connect_from_a_second_client()
    {
        using var first = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(first);
        var pipeline = await pool.StartAsync("Slow-Lines 5");
        var defragmenter = new Defragmenter();
        var seen = new List<string>();
        while (seen.Count < 2)
        {
            var (messages, _) = await AdvanceUntilAsync(first.ReceiveOnceAsync(pool.ShellId, pipeline.CommandId, defragmenter), TimeSpan.FromMilliseconds(500));
            seen.AddRange(messages.Where(m => m.MessageType == PsrpMessageType.PipelineOutput).Select(m => m.ReadData().ToDisplayString()));
        }

        await first.DisconnectAsync(pool.ShellId);

        using var second = CreateTransport();
        var connectResponse = await second.ConnectPoolAsync(pool.ShellId);
        Assert.That(connectResponse.Select(m => m.MessageType), Is.EqualTo(new[] { PsrpMessageType.SessionCapability, PsrpMessageType.RunspacePoolInitData }));
        var (poolMessages, _) = await second.ReceiveOnceAsync(pool.ShellId, null, new Defragmenter());
        Assert.That(poolMessages.Select(m => m.MessageType), Is.EqualTo(new[] { PsrpMessageType.ApplicationPrivateData }));
        await second.ConnectCommandAsync(pool.ShellId, pipeline.CommandId);
        var (rest, state) = await AdvanceUntilAsync(second.ReceiveAllAsync(pool.ShellId, pipeline.CommandId), TimeSpan.FromSeconds(1));

        Assert.That(seen, Is.EqualTo(new[] { "line1", "line2" }));
        Assert.That(rest, Is.EqualTo(new[] { "line3", "line4", "line5" }));
        Assert.That(state, Is.EqualTo(PSInvocationState.Completed));
    }

    /// <summary>
    /// The first client took the command's end and disconnected before its Signal Terminate: a client connecting to
    /// the command gets the final state again (no output twice) instead of waiting for ever.
    /// </summary>
    [Test]
    public async Task A_client_connecting_to_a_command_whose_end_was_taken_but_not_terminated_gets_the_final_state_again()
    {
        using var first = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(first);
        var pipeline = await pool.StartAsync("Emit-Range 2");
        var (taken, takenState) = await first.ReceiveAllAsync(pool.ShellId, pipeline.CommandId);
        await first.DisconnectAsync(pool.ShellId);

        using var second = CreateTransport();
        await second.ConnectPoolAsync(pool.ShellId);
        await second.ReceiveOnceAsync(pool.ShellId, null, new Defragmenter());
        await second.ConnectCommandAsync(pool.ShellId, pipeline.CommandId);
        var receive = second.ReceiveAllAsync(pool.ShellId, pipeline.CommandId);
        var (rest, state) = await receive.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((taken, takenState), Is.EqualTo((new List<string> { "n1", "n2" }, PSInvocationState.Completed)));
        Assert.That(rest, Is.Empty, "no output twice");
        Assert.That(state, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task Block_pauses_the_script_while_the_buffer_is_full_and_loses_nothing()
    {
        await RestartAsync(o => o.OutputBufferCapacity = 3);
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 10");
        await transport.DisconnectAsync(pool.ShellId, bufferMode: "Block");
        Clock!.Advance(TimeSpan.FromMinutes(5));

        Assert.That((await transport.EnumerateCommandsAsync(pool.ShellId)).Single().CommandState, Is.EqualTo("Running"), "the script waits for room");

        await transport.ReconnectAsync(pool.ShellId);
        await transport.ReconnectAsync(pool.ShellId, pipeline.CommandId);
        var (output, state) = await transport.ReceiveAllAsync(pool.ShellId, pipeline.CommandId);

        Assert.That(output, Is.EqualTo(Enumerable.Range(1, 10).Select(i => $"n{i}")));
        Assert.That(state, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "OutputDropped"), Is.Zero);
    }

    [TestCase(DropPolicy.Oldest, new[] { "n8", "n9", "n10" })]
    [TestCase(DropPolicy.Newest, new[] { "n1", "n2", "n3" })]
    public async Task Drop_discards_whole_objects_by_policy_and_journals_each_drop(DropPolicy policy, string[] expected)
    {
        await RestartAsync(o =>
        {
            o.OutputBufferCapacity = 3;
            o.DropPolicy = policy;
        });
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { BufferMode = "Drop" });

        // Connected, the script waits at n4 for room; disconnected, it goes on and Drop discards.
        var pipeline = await pool.StartAsync("Emit-Range 10");
        Assert.That(Drops(), Is.Zero, "nothing is dropped while a client is connected");
        await transport.DisconnectAsync(pool.ShellId);
        await WaitUntilAsync(() => Drops() == 7);
        await transport.ReconnectAsync(pool.ShellId);
        await transport.ReconnectAsync(pool.ShellId, pipeline.CommandId);
        var (output, state) = await transport.ReceiveAllAsync(pool.ShellId, pipeline.CommandId);

        Assert.That(output, Is.EqualTo(expected));
        Assert.That(state, Is.EqualTo(PSInvocationState.Completed), "the state message is never dropped");
        var drops = Emulator.Journal.Snapshot().Where(e => e.Action == "OutputDropped").ToList();
        Assert.That(drops, Has.Count.EqualTo(7));
        Assert.That(drops.SelectMany(d => d.RequestMessages), Is.All.EqualTo(PsrpMessageType.PipelineOutput));
    }

    /// <summary>
    /// MS-WSMV 2.2.5.10 and the OutputBufferingMode docs give Drop to a disconnected shell: while a client is connected
    /// its Receives pace the script, whatever the mode.
    /// </summary>
    [Test]
    public async Task Drop_while_a_client_is_connected_waits_for_its_receives_and_loses_nothing()
    {
        await RestartAsync(o => o.OutputBufferCapacity = 3);
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { BufferMode = "Drop" });

        var pipeline = await pool.StartAsync("Emit-Range 50");
        var (output, state) = await transport.ReceiveAllAsync(pool.ShellId, pipeline.CommandId);

        Assert.That(output, Is.EqualTo(Enumerable.Range(1, 50).Select(i => $"n{i}")));
        Assert.That(state, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(Drops(), Is.Zero);
    }

    /// <summary>A connected client that goes silent is disconnected by the idle timeout; from then on Drop discards.</summary>
    [Test]
    public async Task A_silent_client_is_auto_disconnected_and_drop_then_discards_what_its_script_writes()
    {
        await RestartAsync(o =>
        {
            o.OutputBufferCapacity = 3;
            o.IdleTimeout = TimeSpan.FromSeconds(60);
        });
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { BufferMode = "Drop" });
        await pool.StartAsync("Emit-Range 10");

        for (var second = 0; second < 30; second++)
        {
            Clock!.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(2);
        }

        Assert.That(Drops(), Is.Zero, "connected: the script waits for the client");
        for (var second = 0; second < 90 && Drops() < 7; second++)
        {
            Clock!.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        await WaitUntilAsync(() => Drops() == 7);
        Assert.That((await transport.EnumerateShellsAsync()).Single().State, Is.EqualTo("Disconnected"));
    }

    [Test]
    public async Task A_scenario_endpoint_brings_its_own_buffer_mode_capacity_and_idle_timeout()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { ConfigurationName = "ITTasks" });

        var pipeline = await pool.StartAsync("Emit-Range 5");
        await transport.DisconnectAsync(pool.ShellId, resourceUri: pool.ResourceUri);
        await WaitUntilAsync(() => Drops() == 3);
        await transport.ReconnectAsync(pool.ShellId, resourceUri: pool.ResourceUri);
        await transport.ReconnectAsync(pool.ShellId, pipeline.CommandId, resourceUri: pool.ResourceUri);
        var (output, _) = await transport.ReceiveAllAsync(pool.ShellId, pipeline.CommandId, pool.ResourceUri);

        Assert.That(pool.Shell!.BufferMode, Is.EqualTo("Drop"));
        Assert.That(pool.Shell.IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(600)));
        Assert.That(pool.Shell.ResourceUri, Is.EqualTo("http://schemas.microsoft.com/powershell/ITTasks"));
        Assert.That(output, Is.EqualTo(new[] { "n4", "n5" }));
    }

    [Test]
    public async Task Options_endpoint_settings_win_over_the_scenario()
    {
        await RestartAsync(o => o.Endpoints["ITTasks"] = new EndpointOptions { BufferMode = OutputBufferMode.Block, OutputBufferCapacity = 100 });
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { ConfigurationName = "ITTasks" });

        var pipeline = await pool.StartAsync("Emit-Range 5");
        var (output, _) = await transport.ReceiveAllAsync(pool.ShellId, pipeline.CommandId, pool.ResourceUri);

        Assert.That(pool.Shell!.BufferMode, Is.EqualTo("Block"));
        Assert.That(pool.Shell.IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(600)), "unset values still come from the scenario");
        Assert.That(output, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task A_disconnected_shell_expires_after_its_idle_timeout_even_while_its_command_runs()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.StartAsync("Slow-Lines 100000");
        await transport.DisconnectAsync(pool.ShellId, TimeSpan.FromSeconds(60));

        Clock!.Advance(TimeSpan.FromSeconds(59));
        Assert.That((await transport.GetShellAsync(pool.ShellId)).State, Is.EqualTo("Disconnected"));
        Clock.Advance(TimeSpan.FromSeconds(2));

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => transport.GetShellAsync(pool.ShellId));
        Assert.That(fault!.Code, Is.EqualTo(WsManFaultException.ShellNotFound));
        Assert.That(await transport.EnumerateShellsAsync(), Is.Empty);
    }

    [Test]
    public async Task Idle_timeouts_below_sixty_seconds_are_raised_to_sixty()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await transport.DisconnectAsync(pool.ShellId, TimeSpan.FromSeconds(5));

        Assert.That((await transport.GetShellAsync(pool.ShellId)).IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task A_connected_shell_whose_client_goes_silent_auto_disconnects_then_expires()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { IdleTimeout = TimeSpan.FromSeconds(60) });
        Assert.That(pool.Shell!.IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(60)));

        Clock!.Advance(TimeSpan.FromSeconds(62));
        var shell = await transport.GetShellAsync(pool.ShellId);
        Assert.That(shell.State, Is.EqualTo("Disconnected"));
        Assert.That(shell.ShellInactivity, Is.EqualTo(TimeSpan.FromSeconds(62)), "as Windows: inactivity counts from the last request");

        Clock.Advance(TimeSpan.FromSeconds(61));
        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => transport.GetShellAsync(pool.ShellId));
        Assert.That(fault!.Code, Is.EqualTo(2150858843u));
    }

    [Test]
    public async Task A_shell_connected_to_one_client_is_busy_for_another()
    {
        using var first = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(first);
        using var second = CreateTransport();

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => second.ConnectPoolAsync(pool.ShellId));

        Assert.That(fault!.Code, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.ShellInUse).WsManCode));
        Assert.That((await second.EnumerateShellsAsync()).Single().State, Is.EqualTo("Connected"));
    }

    [Test]
    public async Task Reconnect_by_a_different_client_is_refused_and_connect_takes_the_shell_over()
    {
        using var first = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(first);
        await first.DisconnectAsync(pool.ShellId);
        using var second = CreateTransport();

        var refused = await Assert.ThrowsAsync<WsManFaultException>(() => second.ReconnectAsync(pool.ShellId));
        await second.ConnectPoolAsync(pool.ShellId);
        var busy = await Assert.ThrowsAsync<WsManFaultException>(() => first.ReconnectAsync(pool.ShellId));

        Assert.That(refused!.Subcode, Is.EqualTo("w:InternalError"));
        Assert.That(busy!.Code, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.ShellInUse).WsManCode));
    }

    [Test]
    public async Task Receive_waiting_at_disconnect_completes_with_what_it_has()
    {
        using var transport = CreateTransport();
        // The journal records a request when it is answered, so nothing tells that the Receive is held yet: it goes out
        // first, on its own connection, and a Disconnect that overtook it (its answer then the Disconnected fault) means
        // another try with a new shell.
        for (var attempt = 1; ; attempt++)
        {
            var pool = await RunspacePoolClient.OpenAsync(transport);
            var pending = transport.SendAsync(RawShellOperations.Header(WsManActions.Receive, pool.ShellId), new ReceiveBody("stdout", null));
            await WaitForJournalAsync(() => Emulator.Journal.Snapshot().Count(e => e.Action == "Receive") >= 2, pending);

            await transport.DisconnectAsync(pool.ShellId);

            WsManEnvelope answered;
            try
            {
                answered = await pending;
            }
            catch (WsManFaultException overtaken) when (attempt < 5 && overtaken.Code == WsManFaults.Describe(WsManFaultReason.ShellDisconnected).WsManCode)
            {
                continue;
            }

            var response = (ReceiveResponseBody)answered.Body;
            Assert.That(response.Streams, Is.Empty);
            var fault = await Assert.ThrowsAsync<WsManFaultException>(() => transport.ReceiveOnceAsync(pool.ShellId, null, new Defragmenter()));
            Assert.That(fault!.Code, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.ShellDisconnected).WsManCode));
            return;
        }
    }

    [Test]
    public async Task Receive_waiting_at_disconnect_faults_when_configured_like_omi()
    {
        await RestartAsync(o => o.PendingReceiveOnDisconnect = PendingReceiveOnDisconnect.Fault);
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pending = transport.SendAsync(RawShellOperations.Header(WsManActions.Receive, pool.ShellId), new ReceiveBody("stdout", null));
        await Task.Delay(50);

        await transport.DisconnectAsync(pool.ShellId);

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => pending);
        Assert.That(fault!.Code, Is.EqualTo(2150859230u));
    }

    [Test]
    public async Task Another_user_can_neither_see_nor_touch_the_shell()
    {
        using var alice = CreateTransport("alice", "a");
        using var bob = CreateTransport("bob", "b");
        var pool = await RunspacePoolClient.OpenAsync(alice);
        var pipeline = await pool.StartAsync("Slow-Lines 3");
        await alice.DisconnectAsync(pool.ShellId);

        Assert.That(await bob.EnumerateShellsAsync(), Is.Empty);
        foreach (var attempt in new Func<Task>[]
        {
            () => bob.ConnectPoolAsync(pool.ShellId),
            () => bob.ReconnectAsync(pool.ShellId),
            () => bob.ReceiveOnceAsync(pool.ShellId, pipeline.CommandId, new Defragmenter()),
            () => bob.SendAsync(RawShellOperations.Header(WsManActions.Signal, pool.ShellId), new SignalBody(pipeline.CommandId, WsManSignalCodes.Terminate)),
            () => bob.SendAsync(RawShellOperations.Header(WsManActions.Delete, pool.ShellId), EmptyBody.Instance),
            () => bob.EnumerateCommandsAsync(pool.ShellId),
        })
        {
            var fault = await Assert.ThrowsAsync<WsManFaultException>(() => attempt());
            Assert.That(fault!.Subcode, Is.EqualTo("w:AccessDenied"));
        }

        Assert.That((await alice.EnumerateShellsAsync()).Single().ShellId, Is.EqualTo(pool.ShellId));
    }

    [Test]
    public async Task Closing_a_connected_pool_removes_it_from_the_enumeration()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        Assert.That(await transport.EnumerateShellsAsync(), Has.Count.EqualTo(1));

        await pool.CloseAsync();

        Assert.That(await transport.EnumerateShellsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_user_gets_at_most_MaxShellsPerUser_shells()
    {
        await RestartAsync(o => o.MaxShellsPerUser = 2);
        using var transport = CreateTransport();
        await RunspacePoolClient.OpenAsync(transport);
        await RunspacePoolClient.OpenAsync(transport);

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(fault!.Code, Is.EqualTo(2150859173u));
        Assert.That(fault.Message, Does.Contain("maximum number of 2 concurrent shells"));
    }

    [Test]
    public async Task Enumeration_without_optimization_hands_items_out_through_pull()
    {
        using var transport = CreateTransport();
        var pools = new[] { await RunspacePoolClient.OpenAsync(transport), await RunspacePoolClient.OpenAsync(transport), await RunspacePoolClient.OpenAsync(transport) };
        var header = new WsManHeader { Action = WsManActions.Enumerate, ResourceUri = WsManResourceUris.Shell };

        var start = (EnumerationResponseBody)(await transport.SendAsync(header, new EnumerateBody(false, null, null))).Body;
        var pulled = new List<string>();
        var context = start.EnumerationContext;
        while (context is not null)
        {
            var pull = (EnumerationResponseBody)(await transport.SendAsync(header with { Action = WsManActions.Pull }, new PullBody(context, 2))).Body;
            pulled.AddRange(pull.Shells.Select(s => s.ShellId));
            context = pull.EndOfSequence ? null : pull.EnumerationContext;
        }

        Assert.That(start.Shells, Is.Empty);
        Assert.That(pulled, Is.EquivalentTo(pools.Select(p => p.ShellId)));
        var stale = await Assert.ThrowsAsync<WsManFaultException>(() => transport.SendAsync(header with { Action = WsManActions.Pull }, new PullBody(start.EnumerationContext!, 1)));
        Assert.That(stale!.Subcode, Is.EqualTo("n:InvalidEnumerationContext"));
    }

    private async Task RestartAsync(Action<EmulatorOptions> configure)
    {
        await RestartEmulatorAsync(o =>
        {
            Configure(o);
            configure(o);
        });
    }

    private int Drops() => Emulator.Journal.Snapshot().Count(e => e.Action == "OutputDropped");

    /// <summary>Waits (bounded, real time) for the script to get where the test looks: it runs on without the test.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), Is.True, "the condition never held");
    }

    private static async Task WaitForJournalAsync(Func<bool> condition, Task pending)
    {
        for (var i = 0; i < 200 && !condition() && !pending.IsCompleted; i++) await Task.Delay(10);
    }
}
