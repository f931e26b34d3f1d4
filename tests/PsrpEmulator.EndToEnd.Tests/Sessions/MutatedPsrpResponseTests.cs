using System.Runtime.CompilerServices;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// The client against seeded mutations of what a server sends back: the PSRP messages in Receive responses (their
/// CLIXML, message headers and fragment headers) changed on the way. Opening, invoking and closing ends in a result
/// or in one of the client's own failures (a fault, a transport, payload, CLIXML or fragment error), never in an
/// exception the client did not expect, and never hangs.
/// </summary>
public sealed class MutatedPsrpResponseTests : EmulatorTestBase
{
    // A Create whose response was damaged leaves its shell on the server (the client never learnt it exists), as
    // with WinRM: the runs below would otherwise reach the per-user shell quota.
    protected override void Configure(Server.Hosting.EmulatorOptions options) => options.MaxShellsPerUser = 10_000;

    /// <summary>Rewrites each Receive response: one stream element in a few has its PSRP message mutated.</summary>
    private sealed class MutatingHandler(Random random, int everyNth, StrongBox<int> mutated) : RewritingHandler
    {
        protected override byte[]? Rewrite(byte[] fragment)
        {
            lock (random)
            {
                if (random.Next(everyNth) != 0) return null;
                mutated.Value++;
                return MutateFragment(fragment, random);
            }
        }
    }

    /// <summary>Rewrites the stream elements (one fragment each) of every Receive response.</summary>
    private abstract class RewritingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        /// <summary>The fragment to send instead, or null to keep it.</summary>
        protected abstract byte[]? Rewrite(byte[] fragment);

        /// <summary>The connectResponseXml (fragments) to send instead, or null to keep it.</summary>
        protected virtual byte[]? RewriteConnectResponse(byte[] fragments) => null;


        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (bytes.AsSpan().IndexOf("ConnectResponse"u8) >= 0 && WsManEnvelopeReader.Read(bytes) is { Body: ConnectResponseBody { ConnectResponseXml: { } xml } connect } connected &&
                RewriteConnectResponse(xml.ToArray()) is { } rewrittenXml)
            {
                response.Content = Copy(WsManEnvelopeWriter.Write(connected with { Body = connect with { ConnectResponseXml = rewrittenXml } }), response.Content);
                return response;
            }

            if (bytes.AsSpan().IndexOf("ReceiveResponse"u8) < 0)
            {
                response.Content = Copy(bytes, response.Content);
                return response;
            }

            var envelope = WsManEnvelopeReader.Read(bytes);
            var body = (ReceiveResponseBody)envelope.Body;
            var streams = body.Streams.ToList();
            for (var i = 0; i < streams.Count; i++)
            {
                if (Rewrite(streams[i].Data.ToArray()) is { } rewritten) streams[i] = streams[i] with { Data = rewritten };
            }

            response.Content = Copy(WsManEnvelopeWriter.Write(envelope with { Body = body with { Streams = streams } }), response.Content);
            return response;
        }

        private static ByteArrayContent Copy(byte[] bytes, HttpContent original)
        {
            var content = new ByteArrayContent(bytes);
            foreach (var header in original.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            content.Headers.ContentLength = bytes.Length;
            return content;
        }
    }

    /// <summary>A fragment with its message mutated (a whole one), or its header damaged.</summary>
    private static byte[] MutateFragment(byte[] fragment, Random random)
    {
        const int Header = 21;
        if (fragment.Length <= Header || random.Next(6) == 0)
        {
            fragment[random.Next(Math.Min(Header, fragment.Length))] ^= (byte)(1 << random.Next(8));
            return fragment;
        }

        var blob = fragment.AsSpan(Header).ToArray();
        var whole = (fragment[16] & 0x3) == 0x3;
        if (!whole || blob.Length < PsrpMessage.HeaderLength)
        {
            blob[random.Next(blob.Length)] = (byte)random.Next(256);
            return [.. fragment.AsSpan(0, Header), .. blob];
        }

        var mutated = MutatedPsrpRequestTests.Mutate(PsrpMessage.Parse(blob), random);
        var result = new byte[Header + mutated.Length];
        fragment.AsSpan(0, 17).CopyTo(result);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(17, 4), mutated.Length);
        mutated.CopyTo(result.AsSpan(Header));
        return result;
    }

    private static readonly string[] Scripts =
    [
        "'hello'",
        "Write-Error 'it failed'",
        "Write-Warning 'careful'; 'after'",
        "Write-Host 'to the host'",
        "Write-Information 'info'",
        "1..5",
        "Get-Process",
        "Get-Service",
        "Unknown-Command",
        "throw 'stop'",
    ];

    /// <summary>The client's own failures: what a caller (and the module's error records) expect.</summary>
    private static bool Expected(Exception e) => e is PsrpClientException or WsManFaultException or WsManTransportException or OperationCanceledException;

    /// <summary>What each run ended in, counted by name; runs that ended in an exception the client did not expect, in full.</summary>
    private sealed class Outcomes
    {
        private readonly Dictionary<string, int> _counts = [];

        public List<string> Unexpected { get; } = [];

        public int this[string outcome] => _counts.GetValueOrDefault(outcome);

        public IEnumerable<string> Names => _counts.Keys;

        /// <summary>
        /// Runs <paramref name="run"/> and counts what it returns, or the type name of an expected exception (after
        /// <paramref name="where"/>, when given); an unexpected one is kept under <paramref name="label"/>. Returns what
        /// was counted.
        /// </summary>
        public async Task<string> RecordAsync(string label, Func<Task<string>> run, Func<string>? where = null, Func<Exception, bool>? alsoExpected = null)
        {
            string outcome;
            try
            {
                outcome = await run();
            }
            catch (Exception e) when (Expected(e) || alsoExpected?.Invoke(e) == true)
            {
                outcome = where?.Invoke() + e.GetType().Name;
            }
            catch (Exception e)
            {
                outcome = "unexpected " + e.GetType().Name;
                Unexpected.Add($"{label} {where?.Invoke()}{e}");
            }

            _counts[outcome] = _counts.GetValueOrDefault(outcome) + 1;
            return outcome;
        }

        public override string ToString() => string.Join(", ", _counts.Select(o => $"{o.Key}: {o.Value}"));
    }

    /// <summary>Changes a few bytes of one response body in a few (any response: faults, Create, Receive, Delete).</summary>
    /// <remarks>
    /// <paramref name="mutate"/> false changes nothing: the control run that shows the same steps complete when no
    /// response is damaged.
    /// </remarks>
    private sealed class ByteMutatingHandler(Random random, bool mutate = true) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _mutated;

        /// <summary>How many response bodies were changed.</summary>
        public int Mutated => Volatile.Read(ref _mutated);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            lock (random)
            {
                if (mutate && bytes.Length > 0 && random.Next(4) == 0)
                {
                    Interlocked.Increment(ref _mutated);
                    for (var n = random.Next(1, 4); n > 0; n--) bytes[random.Next(bytes.Length)] = Noise[random.Next(Noise.Length)];
                }
            }

            var content = new ByteArrayContent(bytes);
            foreach (var header in response.Content.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            content.Headers.ContentLength = bytes.Length;
            response.Content = content;
            return response;
        }

        private static readonly byte[] Noise = "<>\"&/=:09aZ_ \u0001\u00ff"u8.ToArray();
    }

    /// <summary>Mutates one message of each connectResponseXml and nothing else.</summary>
    private sealed class ConnectMutatingHandler(Random random) : RewritingHandler
    {
        protected override byte[]? Rewrite(byte[] fragment) => null;

        protected override byte[]? RewriteConnectResponse(byte[] fragments)
        {
            var messages = new Defragmenter().Add(fragments);
            var victim = random.Next(messages.Count);
            var objectId = 1UL;
            return [.. messages.SelectMany((m, i) => FragmentCodec.Split(objectId++, i == victim ? MutatedPsrpRequestTests.Mutate(m, random) : m.ToArray(), int.MaxValue).SelectMany(f => f))];
        }
    }

    /// <summary>Replaces the data of every whole message of one type in the pool's Receive responses.</summary>
    private sealed class MessageRewritingHandler(PsrpMessageType type, Func<PsrpMessage, byte[]> rewrite) : RewritingHandler
    {
        protected override byte[]? Rewrite(byte[] fragment)
        {
            const int Header = 21;
            if (fragment.Length < Header + PsrpMessage.HeaderLength || (fragment[16] & 0x3) != 0x3) return null;
            var message = PsrpMessage.Parse(fragment.AsMemory(Header));
            if (message.MessageType != type) return null;
            var replaced = rewrite(message);
            var result = new byte[Header + replaced.Length];
            fragment.AsSpan(0, 17).CopyTo(result);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(17, 4), replaced.Length);
            replaced.CopyTo(result.AsSpan(Header));
            return result;
        }
    }

    private WsManTransport TransportThrough(DelegatingHandler handler) => new(new WsManClientOptions
    {
        ConnectionUri = Emulator.WsManUri,
        UserName = "psrp",
        Password = "psrp",
        OperationTimeout = TimeSpan.FromSeconds(1),
    }, handler);

    [Test]
    public async Task An_open_whose_session_capability_is_not_clixml_fails_with_the_clients_error_and_deletes_its_shell()
    {
        using var transport = TransportThrough(new MessageRewritingHandler(PsrpMessageType.SessionCapability,
            m => new PsrpMessage(m.Destination, m.MessageType, m.RunspacePoolId, m.PipelineId, "<Obj RefId=\"0\"><MS>"u8.ToArray()).ToArray()));

        var e = await Assert.ThrowsAsync<PsrpClientException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.Message, Does.StartWith("The server sent an invalid SessionCapability message: "));
        Assert.That(e.InnerException, Is.InstanceOf<ClixmlException>());
        using var clean = CreateTransport();
        Assert.That(await RunspacePoolClient.GetShellsAsync(clean), Is.Empty);
        Assert.That(Emulator.Journal.Snapshot().Select(j => j.Action), Does.Contain("Delete"));
    }

    [Test]
    public async Task Output_that_is_not_clixml_fails_the_pipeline_as_a_transport_error_and_the_server_forgets_the_command()
    {
        using var transport = TransportThrough(new MessageRewritingHandler(PsrpMessageType.PipelineOutput,
            m => new PsrpMessage(m.Destination, m.MessageType, m.RunspacePoolId, m.PipelineId, "<Obj RefId=\"0\"><MS>"u8.ToArray()).ToArray()));
        var pool = await RunspacePoolClient.OpenAsync(transport);

        // The remote script would run for ten minutes: only the client's Signal ends it.
        var pipeline = await pool.StartAsync("'first'; Write-Warning 'after'; Start-Sleep -Seconds 600");
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);

        // As PowerShell's ProcessRawData: the deserializer's error is the command's transport error, which fails it
        // (JobFailure, PSRemotingTransportException); nothing after the bad message is handed out.
        var failed = events.OfType<StateEvent>().Single();
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(failed.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(failed.Reason!.FullyQualifiedErrorId, Is.EqualTo("JobFailure"));
        Assert.That(failed.Reason.ExceptionType, Is.EqualTo("System.Management.Automation.Remoting.PSRemotingTransportException"));
        Assert.That(failed.Reason.Message, Does.StartWith("The server sent an invalid PipelineOutput message: "));
        Assert.That(pipeline.State, Is.EqualTo(PSInvocationState.Failed));

        Assert.That(Emulator.Journal.Snapshot().Where(j => j.Action == "Signal").Select(j => j.CommandId), Does.Contain(pipeline.CommandId));
        Assert.That(await RunspacePoolClient.GetCommandsAsync(transport, pool.ShellId), Is.Empty, "the command is gone from the server");
        var next = await pool.InvokeAsync("Write-Warning 'the pool is still open'");
        Assert.That(next.OfType<StateEvent>().Single().State, Is.EqualTo(PSInvocationState.Completed));
        await pool.CloseAsync();
    }

    [Test]
    public async Task An_open_cancelled_while_it_waits_for_the_pool_state_deletes_its_shell()
    {
        // The Opened state arrives as a message type the client does not act on: it waits, as PowerShell would.
        using var transport = TransportThrough(new MessageRewritingHandler(PsrpMessageType.RunspacePoolState,
            m => new PsrpMessage(m.Destination, PsrpMessageType.UserEvent, m.RunspacePoolId, m.PipelineId, m.Data).ToArray()));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        Assert.That(async () => await RunspacePoolClient.OpenAsync(transport, cancellationToken: cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        using var clean = CreateTransport();
        Assert.That(await RunspacePoolClient.GetShellsAsync(clean), Is.Empty);
    }

    [Test]
    public async Task Responses_with_changed_bytes_end_in_results_or_the_clients_own_errors()
    {
        var random = new Random(Fuzz.Seed(8985));
        var outcomes = new Outcomes();
        var untouchedNotCompleted = new List<string>();

        // Run -1 is the control: nothing changed, so it must complete, whatever the seed.
        for (var i = -1; i < Fuzz.Runs(150); i++)
        {
            var handler = new ByteMutatingHandler(random, mutate: i >= 0);
            using var transport = TransportThrough(handler);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var script = Scripts[(i + Scripts.Length) % Scripts.Length];
            var outcome = await outcomes.RecordAsync($"{i} {script}:", async () =>
            {
                var pool = await RunspacePoolClient.OpenAsync(transport, cancellationToken: cancel.Token);
                await pool.InvokeAsync(script, cancellationToken: cancel.Token);
                await pool.CloseAsync(cancel.Token);
                return "completed";
            });
            if (handler.Mutated == 0 && outcome != "completed") untouchedNotCompleted.Add($"{i} {script}: {outcome}");
        }

        TestContext.Out.WriteLine(outcomes);
        Assert.That(outcomes.Unexpected, Is.Empty);
        Assert.That(untouchedNotCompleted, Is.Empty, "a run whose responses were all unchanged completes");
        Assert.That(outcomes[nameof(WsManTransportException)], Is.GreaterThan(0), "damaged envelopes are transport errors");
    }

    [Test]
    public async Task Responses_with_changed_bytes_to_disconnect_enumerate_and_connect_end_in_results_or_the_clients_own_errors()
    {
        var random = new Random(Fuzz.Seed(10985));
        var outcomes = new Outcomes();
        var untouchedNotCompleted = new List<string>();

        // Run -1 is the control: nothing changed, so it must complete, whatever the seed. (At 30 runs of a dozen
        // requests each, every run may meet a damaged response: seed 3802 did.)
        for (var i = -1; i < Fuzz.Runs(120); i++)
        {
            var handler = new ByteMutatingHandler(random, mutate: i >= 0);
            using var transport = TransportThrough(handler);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var step = "open";
            var name = "s" + i;
            var outcome = await outcomes.RecordAsync($"{i}", async () =>
            {
                var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { Name = name, IdleTimeout = TimeSpan.FromMinutes(5) }, cancel.Token);
                step = "start";
                var running = await pool.StartAsync("Write-Output 'a'; Start-Sleep -Seconds 600", cancellationToken: cancel.Token);
                step = "disconnect";
                await pool.DisconnectAsync(cancellationToken: cancel.Token);
                step = "enumerate";
                await RunspacePoolClient.GetShellsAsync(transport, cancel.Token);
                await RunspacePoolClient.GetCommandsAsync(transport, pool.ShellId, cancel.Token);
                step = "connect";
                var connected = await RunspacePoolClient.ConnectAsync(transport, pool.ShellId, pool.ResourceUri, cancellationToken: cancel.Token);
                await connected.ConnectCommandAsync(running.CommandId, cancellationToken: cancel.Token);
                step = "close";
                await connected.CloseAsync(cancel.Token);
                return "completed";
            }, where: () => step + " ", alsoExpected: e => e is InvalidOperationException { Source: "PsrpEmulator.Client" });
            if (handler.Mutated == 0 && outcome != "completed") untouchedNotCompleted.Add($"{i}: {outcome}");
        }

        TestContext.Out.WriteLine(outcomes);
        Assert.That(outcomes.Unexpected, Is.Empty);
        Assert.That(untouchedNotCompleted, Is.Empty, "a run whose responses were all unchanged completes");
    }

    [Test]
    public async Task Mutated_connect_responses_end_in_a_connected_pool_or_the_clients_own_error()
    {
        var random = new Random(Fuzz.Seed(7985));
        var outcomes = new Outcomes();
        using var owner = CreateTransport();
        for (var i = 0; i < Fuzz.Runs(60); i++)
        {
            var pool = await RunspacePoolClient.OpenAsync(owner);
            await pool.DisconnectAsync();
            using var transport = TransportThrough(new ConnectMutatingHandler(random));
            await outcomes.RecordAsync($"{i}:", async () => (await RunspacePoolClient.ConnectAsync(transport, pool.ShellId, pool.ResourceUri)).State.ToString());
            await pool.CloseAsync();
        }

        TestContext.Out.WriteLine(outcomes);
        Assert.That(outcomes.Unexpected, Is.Empty);
        Assert.That(outcomes[nameof(PsrpClientException)], Is.GreaterThan(0), "bad connect responses are refused");
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Fault == Protocol.WsMan.WsManFaultReason.InternalError), Is.Empty);
    }

    [Test]
    public async Task Mutated_receive_responses_end_in_results_or_the_clients_own_errors_and_leave_no_shell_behind()
    {
        var random = new Random(Fuzz.Seed(6985));
        var outcomes = new Outcomes();
        var mutated = new StrongBox<int>();
        var runs = Fuzz.Runs(200);
        for (var i = 0; i < runs; i++)
        {
            using var transport = TransportThrough(new MutatingHandler(random, everyNth: 3, mutated));

            // A message the client waits for may have been turned into one it ignores: it then keeps receiving, as
            // PowerShell does, until cancelled.
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var script = Scripts[i % Scripts.Length];
            await outcomes.RecordAsync($"{i} {script}:", async () =>
            {
                var pool = await RunspacePoolClient.OpenAsync(transport, cancellationToken: cancel.Token);
                try
                {
                    await pool.InvokeAsync(script, cancellationToken: cancel.Token);
                }
                finally
                {
                    await pool.CloseAsync();
                }

                return "completed";
            });
        }

        TestContext.Out.WriteLine(outcomes);
        Assert.That(outcomes.Unexpected, Is.Empty);
        Assert.That(mutated.Value, Is.GreaterThan(runs / 2), "responses mutated (every third)");
        Assert.That(outcomes["completed"], Is.GreaterThan(0), "some runs still complete");
        Assert.That(outcomes.Names.Count(k => k is not "completed" and not nameof(OperationCanceledException) and not nameof(TaskCanceledException)), Is.GreaterThan(0), "some runs fail on bad data");

        // Every open that failed deleted its shell, as every close did.
        using var clean = CreateTransport();
        Assert.That(await RunspacePoolClient.GetShellsAsync(clean), Is.Empty);
    }
}
