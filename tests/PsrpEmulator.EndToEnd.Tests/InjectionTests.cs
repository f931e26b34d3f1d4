using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>Injected faults, redirects, robust retransmission and the admin API, over real HTTP.</summary>
public class InjectionTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected override string? ScenarioYaml => """
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
        """;

    private HttpClient Admin => new() { BaseAddress = Emulator.BaseUri };

    [TestCase("{\"kind\":\"HttpError\",\"status\":99999}", "status 99999 is not an HTTP error status")]
    [TestCase("{\"kind\":\"DropBeforeProcessing\",\"probability\":5}", "probability 5 is not between 0 and 1")]
    [TestCase("{\"kind\":\"Outage\",\"duration\":\"-00:00:01\"}", "duration -00:00:01 is not between 0 and 100 years")]
    [TestCase("{\"kind\":\"DropBeforeProcessing\",\"count\":-3}", "count -3 is negative")]
    [TestCase("{\"kind\":\"Bogus\"}", "The body is not a FaultRule:")]
    [TestCase("{", "The body is not a FaultRule:")]
    [TestCase("null", "The body must be a JSON object")]
    public async Task A_fault_rule_the_emulator_cannot_use_is_refused_with_the_reason_and_not_kept(string json, string reason)
    {
        using var admin = Admin;
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("/_emulator/faults", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(reason));
        using var kept = await admin.GetAsync("/_emulator/faults");
        Assert.That(await kept.Content.ReadAsStringAsync(), Does.Contain("\"faults\":[]"));
    }

    [Test]
    public async Task A_connection_dropped_before_processing_changes_nothing_on_the_server()
    {
        await AddFaultAsync(new { kind = "DropBeforeProcessing", action = "Create", count = 1 });
        using var transport = CreateTransport();

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));
        var pool = await RunspacePoolClient.OpenAsync(transport);

        Assert.That(e!.HttpStatus, Is.Null);
        Assert.That((await transport.EnumerateShellsAsync()).Select(s => s.ShellId), Is.EqualTo(new[] { pool.ShellId }));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Injected == "DropBeforeProcessing"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_lost_receive_response_is_recovered_by_retransmitting_the_same_operation()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 3");
        await AddFaultAsync(new { kind = "DropAfterProcessing", action = "Receive", count = 1 });
        var header = pool.ShellHeader(WsManActions.Receive) with
        {
            OperationId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
        };
        var body = new ReceiveBody("stdout", pipeline.CommandId);

        await Assert.ThrowsAsync<WsManTransportException>(() => transport.SendAsync(header, body));
        var resent = await transport.SendAsync(header with { OperationIdMustUnderstand = true }, body);

        var messages = ((ReceiveResponseBody)resent.Body).Streams.SelectMany(s => new Defragmenter().Add(s.Data)).ToList();
        Assert.That(messages.Where(m => m.MessageType == PsrpMessageType.PipelineOutput).Select(m => m.ReadData().ToDisplayString()), Is.EqualTo(new[] { "n1", "n2", "n3" }));
        Assert.That(Emulator.Journal.Snapshot().Select(j => j.Injected), Does.Contain("DropAfterProcessing").And.Contain("Retransmission"));
    }

    [Test]
    public async Task Http_errors_and_timed_out_faults_are_injected_without_processing()
    {
        await AddFaultAsync(new { kind = "HttpError", action = "Create", status = 503, count = 1 });
        await AddFaultAsync(new { kind = "TimedOut", action = "Create", count = 1 });
        using var transport = CreateTransport();

        var unavailable = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));
        var timedOut = await Assert.ThrowsAsync<WsManFaultException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(unavailable!.HttpStatus, Is.EqualTo(503));
        Assert.That(timedOut!.IsTimedOut, Is.True);
        Assert.That(await transport.EnumerateShellsAsync(), Is.Empty);
    }

    [Test]
    public async Task An_outage_refuses_every_request_until_its_virtual_duration_has_passed()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await AddFaultAsync(new { kind = "Outage", duration = "00:05:00", count = 1 });

        await Assert.ThrowsAsync<WsManTransportException>(() => transport.GetShellAsync(pool.ShellId));
        await Assert.ThrowsAsync<WsManTransportException>(() => transport.GetShellAsync(pool.ShellId));
        Clock!.Advance(TimeSpan.FromMinutes(5));

        Assert.That((await transport.GetShellAsync(pool.ShellId)).ShellId, Is.EqualTo(pool.ShellId));
    }

    [Test]
    public async Task A_delayed_response_arrives_when_the_virtual_delay_has_passed()
    {
        await AddFaultAsync(new { kind = "Delay", action = "Create", delay = "00:00:30", count = 1 });
        using var transport = CreateTransport();

        var open = RunspacePoolClient.OpenAsync(transport);
        await Task.Delay(50);
        Assert.That(open.IsCompleted, Is.False);
        var pool = await AdvanceUntilAsync(open, TimeSpan.FromSeconds(10));

        Assert.That(pool.State, Is.EqualTo(RunspacePoolState.Opened));
    }

    /// <summary>
    /// PSSessionOption.OpenTimeout is the Create's time limit (PowerShell gives it to WinRM as the create-shell
    /// timeout): a Create answered later fails New-PSSession with WinRM's client timeout, which is not retried.
    /// </summary>
    [Test]
    public async Task A_create_answered_after_the_OpenTimeout_fails_the_session_with_WinRMOperationTimeout()
    {
        await AddFaultAsync(new { kind = "Delay", action = "Create", delay = "00:05:00", count = 1 });
        await using var client = new PsrpEmulator.Client.Remoting.PSRemotingClient(new PsrpEmulator.Client.Remoting.PSRemotingClientOptions { TimeProvider = Clock! });
        var option = new PsrpEmulator.Client.Remoting.PSSessionOption { OpenTimeout = TimeSpan.FromMinutes(1), OperationTimeout = TimeSpan.FromMinutes(3) };

        var open = client.NewSessionAsync(PsrpEmulator.Client.Remoting.RemoteTarget.FromUri(Emulator.WsManUri), new PsrpEmulator.Client.Remoting.PSCredential("psrp", "psrp"), sessionOption: option);
        await Task.Delay(50);
        Assert.That(open.IsCompleted, Is.False);
        Clock!.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(50);
        Assert.That(open.IsCompleted, Is.False, "not before the OpenTimeout");
        Clock.Advance(TimeSpan.FromSeconds(2));

        // Bounded in real time: without the limit the open would wait for the delayed answer's five virtual minutes.
        Assert.That(await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(open), "failed at the OpenTimeout");
        var e = await Assert.ThrowsAsync<PsrpEmulator.Client.Remoting.PSRemotingException>(() => open);
        Assert.That(e!.FullyQualifiedErrorId, Is.EqualTo("WinRMOperationTimeout,PSSessionOpenFailed"));
        Assert.That(e.Message, Does.StartWith($"Connecting to remote server {Emulator.WsManUri.Host} failed with the following error message : WinRM cannot complete the operation."));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Create"), Is.LessThanOrEqualTo(1), "a timeout is not retried");
    }

    [Test]
    public async Task A_create_answered_within_the_OpenTimeout_opens_the_session()
    {
        await AddFaultAsync(new { kind = "Delay", action = "Create", delay = "00:00:30", count = 1 });
        await using var client = new PsrpEmulator.Client.Remoting.PSRemotingClient(new PsrpEmulator.Client.Remoting.PSRemotingClientOptions { TimeProvider = Clock! });
        var option = new PsrpEmulator.Client.Remoting.PSSessionOption { OpenTimeout = TimeSpan.FromMinutes(1) };

        var open = client.NewSessionAsync(PsrpEmulator.Client.Remoting.RemoteTarget.FromUri(Emulator.WsManUri), new PsrpEmulator.Client.Remoting.PSCredential("psrp", "psrp"), sessionOption: option);
        var session = await AdvanceUntilAsync(open, TimeSpan.FromSeconds(10));

        Assert.That(session.State, Is.EqualTo(PsrpEmulator.Client.Remoting.RunspaceState.Opened));
    }

    [Test]
    public async Task A_redirect_rule_answers_create_with_302_and_the_location()
    {
        using (var admin = Admin)
        {
            using var response = await admin.PostAsJsonAsync("/_emulator/redirects", new { location = "https://other.example:5986/wsman", count = 1 });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var transport = CreateTransport();
        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.HttpStatus, Is.EqualTo(302));
        Assert.That(e.RedirectLocation, Is.EqualTo(new Uri("https://other.example:5986/wsman")));
        Assert.That((await RunspacePoolClient.OpenAsync(transport)).State, Is.EqualTo(RunspacePoolState.Opened), "count 1: only the first Create");
    }

    [Test]
    public async Task The_admin_api_lists_shells_with_buffer_fill_and_drops()
    {
        await RestartEmulatorAsync(o => o.OutputBufferCapacity = 2);
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { BufferMode = "Drop", Name = "S1" });
        var pipeline = await pool.StartAsync("Emit-Range 5");
        // Drop discards while no client is connected.
        await transport.DisconnectAsync(pool.ShellId);
        for (var i = 0; i < 1000 && Emulator.Journal.Snapshot().Count(e => e.Action == "OutputDropped") < 3; i++) await Task.Delay(10);

        using var admin = Admin;
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/_emulator/shells"));

        var shell = document.RootElement[0];
        Assert.That(shell.GetProperty("shellId").GetString(), Is.EqualTo(pool.ShellId));
        Assert.That(shell.GetProperty("name").GetString(), Is.EqualTo("S1"));
        var p = shell.GetProperty("pipelines")[0];
        Assert.That(p.GetProperty("commandId").GetString(), Is.EqualTo(pipeline.CommandId));
        Assert.That(p.GetProperty("buffered").GetInt32(), Is.EqualTo(2));
        Assert.That(p.GetProperty("dropped").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public async Task The_admin_api_moves_a_virtual_clock_and_filters_the_journal()
    {
        await RestartEmulatorAsync(o => o.VirtualTime = true);
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await transport.DisconnectAsync(pool.ShellId, TimeSpan.FromSeconds(60));
        using var admin = Admin;

        using (var response = await admin.PostAsJsonAsync("/_emulator/clock/advance", new { seconds = 61 }))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => transport.GetShellAsync(pool.ShellId));
        Assert.That(fault!.Code, Is.EqualTo(WsManFaultException.ShellNotFound));
        using var journal = JsonDocument.Parse(await admin.GetStringAsync("/_emulator/journal?action=Disconnect"));
        Assert.That(journal.RootElement.GetArrayLength(), Is.EqualTo(1));
        Assert.That(journal.RootElement[0].GetProperty("shellId").GetString(), Is.EqualTo(pool.ShellId));
    }

    [Test]
    public async Task The_admin_api_requires_the_token_when_one_is_set_and_reset_clears_everything()
    {
        await RestartEmulatorAsync(o => o.AdminToken = "s3cret");
        using var transport = CreateTransport();
        await RunspacePoolClient.OpenAsync(transport);
        using var admin = Admin;

        using (var refused = await admin.PostAsync("/_emulator/reset", null))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        using (var reset = await admin.PostAsync("/_emulator/reset", null))
        {
            Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        Assert.That(await transport.EnumerateShellsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_probabilistic_fault_fires_the_same_way_for_the_same_seed()
    {
        async Task<string> RunAsync()
        {
            await RestartEmulatorAsync(o =>
            {
                o.FaultSeed = 42;
                o.Faults = [new FaultRule { Kind = InjectedFaultKind.HttpError, Action = "Get", Probability = 0.5 }];
            });
            using var transport = CreateTransport();
            var pool = await RunspacePoolClient.OpenAsync(transport);
            var outcome = new System.Text.StringBuilder();
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    await transport.GetShellAsync(pool.ShellId);
                    outcome.Append('.');
                }
                catch (WsManTransportException)
                {
                    outcome.Append('X');
                }
            }

            return outcome.ToString();
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain("X").And.Contain("."));
    }
}

/// <summary>The client's robust connections against injected network failures, on the virtual clock.</summary>
public class RobustConnectionTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected override string? ScenarioYaml => """
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
        """;

    [Test]
    public async Task A_short_outage_is_ridden_out_with_powershells_warnings_and_nothing_lost()
    {
        var events = new List<NetworkEvent>();
        using var transport = CreateTransport(robust: true, notifications: n => events.Add(n.Kind));
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 3");
        await AddFaultAsync(new { kind = "Outage", duration = "00:00:10", count = 1 });

        var output = await AdvanceUntilAsync(ReadAllAsync(pipeline), TimeSpan.FromSeconds(1));

        Assert.That(Outputs(output), Is.EqualTo(new[] { "n1", "n2", "n3" }));
        Assert.That(events[0], Is.EqualTo(NetworkEvent.NetworkFailureDetected));
        Assert.That(events, Does.Contain(NetworkEvent.RetryAttempt));
        Assert.That(events[^1], Is.EqualTo(NetworkEvent.Reconnected));
    }

    [Test]
    public async Task A_lost_response_is_retransmitted_automatically_without_loss_or_duplication()
    {
        using var transport = CreateTransport(robust: true);
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 5");
        await AddFaultAsync(new { kind = "DropAfterProcessing", action = "Receive", count = 1 });

        var output = await AdvanceUntilAsync(ReadAllAsync(pipeline), TimeSpan.FromSeconds(1));

        Assert.That(Outputs(output), Is.EqualTo(new[] { "n1", "n2", "n3", "n4", "n5" }));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.Injected), Does.Contain("DropAfterProcessing").And.Contain("Retransmission"));
    }

    [Test]
    public async Task Retransmission_gives_up_after_four_minutes_of_outage()
    {
        var events = new List<(NetworkEvent Kind, DateTimeOffset At)>();
        using var transport = CreateTransport(robust: true, notifications: n => events.Add((n.Kind, Clock!.GetUtcNow())));
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await AddFaultAsync(new { kind = "Outage", duration = "01:00:00", count = 1 });

        var attempt = transport.SendAsync(pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", null));
        var failure = await AdvanceUntilAsync(attempt.ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default), TimeSpan.FromSeconds(1));

        Assert.That(failure, Is.TypeOf<WsManTransportException>().With.Property(nameof(WsManTransportException.IsNetworkFailure)).True);
        Assert.That(events[0].Kind, Is.EqualTo(NetworkEvent.NetworkFailureDetected));
        Assert.That(events[^1].Kind, Is.EqualTo(NetworkEvent.RetryAborted));
        // Retransmitted once per second of the clock for four minutes; the attempt is announced once.
        Assert.That(events[^1].At - events[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(4)));
        Assert.That(events.Count(e => e.Kind == NetworkEvent.RetryAttempt), Is.EqualTo(1));
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Injected == "Outage"), Is.GreaterThan(10));
    }

    [Test]
    public async Task The_transport_reports_each_request_and_each_retransmission_wait_as_it_starts_and_ends()
    {
        var activity = new System.Collections.Concurrent.ConcurrentQueue<TransportActivity>();
        using var plain = CreateTransport(robust: true);
        using var transport = new WsManTransport(plain.Options) { Activity = activity.Enqueue };
        var pool = await RunspacePoolClient.OpenAsync(plain);
        await AddFaultAsync(new { kind = "Outage", duration = "00:00:03", count = 1 });

        var shell = await AdvanceUntilAsync(transport.GetShellAsync(pool.ShellId), TimeSpan.FromSeconds(1));

        Assert.That(shell.ShellId, Is.EqualTo(pool.ShellId));
        var seen = activity.ToList();
        // Refused, then retried once a second until the outage ends: every wait sits between two whole requests.
        Assert.That(seen.Count(a => a == TransportActivity.RetryWaitStarted), Is.GreaterThanOrEqualTo(1));
        Assert.That(seen.Count(a => a == TransportActivity.RequestStarted), Is.EqualTo(seen.Count(a => a == TransportActivity.RetryWaitStarted) + 1));
        var expected = Enumerable.Range(0, seen.Count(a => a == TransportActivity.RetryWaitStarted))
            .SelectMany(_ => new[] { TransportActivity.RequestStarted, TransportActivity.RequestEnded, TransportActivity.RetryWaitStarted, TransportActivity.RetryWaitEnded })
            .Append(TransportActivity.RequestStarted).Append(TransportActivity.RequestEnded);
        Assert.That(seen, Is.EqualTo(expected));
    }
}
