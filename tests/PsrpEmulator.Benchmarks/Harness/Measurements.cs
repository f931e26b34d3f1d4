using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Benchmarks.Harness;

/// <summary>One line of the report.</summary>
public sealed record Figure(string Group, string Name, string Value, string? Target = null, bool? Met = null, string? Note = null);

/// <summary>How big and how long: quick (a few minutes), full, or dry (checks the harness in seconds).</summary>
public sealed record HarnessSize(
    int SmallObjects,
    int LargeObjects,
    int LargeObjectBytes,
    int Rounds,
    int RoundTripSamples,
    int OpenCloseCycles,
    int[] ScaleShells,
    int LongPolls,
    TimeSpan LongPollHold,
    TimeSpan GrowthDuration,
    int[] GrowthClients,
    (int Size, int Count)[] PayloadCurve)
{
    /// <summary>The least warm-up time of each round-trip measurement (none in the dry run, which checks the harness only).</summary>
    public TimeSpan RoundTripWarmUp { get; init; } = TimeSpan.FromSeconds(2);

    public static readonly HarnessSize Dry = new(200, 2, 300_000, 1, 20, 2, [10], 20, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300), [1, 2], [(100, 50), (10_000, 5)]) { RoundTripWarmUp = TimeSpan.Zero };
    // Quick mode measures memory per shell at 10,000 shells too: what the process-wide pools and stores happen to hold
    // at each snapshot moves the 1,000-shell figure by a few hundred bytes per shell from run to run (1,835-2,563 B for
    // one build; session 4's code gave 2,068-2,425 B the same day), and 10,000 shells divide that by ten (1,825 and
    // 1,828 B in two runs); about 10 s more.
    public static readonly HarnessSize Quick = new(100_000, 100, 256 * 1024, 9, 1000, 300, [1000, 10_000], 1000, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), [1, 10, 100], [(100, 100_000), (10_000, 2000), (1_000_000, 20)]);
    public static readonly HarnessSize Full = new(100_000, 200, 256 * 1024, 15, 5000, 2000, [1000, 10_000], 1000, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10), [1, 10, 100], [(100, 100_000), (10_000, 5000), (1_000_000, 50)]);
}

/// <summary>Benchmarks 3 to 6: the emulator over loopback HTTP against baselines in the same Kestrel process.</summary>
public static class Measurements
{
    private static readonly byte[] DoneMarker = Encoding.UTF8.GetBytes(WsManCommandStates.Done);
    private static readonly MediaTypeHeaderValue Soap = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");

    private static readonly int[] StreamSizes = [100];

    public static string ScenarioYaml(HarnessSize size) =>
        BenchScenario.Yaml([100, size.LargeObjectBytes, .. size.PayloadCurve.Select(p => p.Size)]);

    // ------------------------------------------------------------------ 3 and 6b: Receive throughput

    /// <summary>
    /// Ratios of bytes per second (wall time), and the process CPU seconds of the server-side and end-to-end legs as
    /// multiples of the baseline leg's (same bytes).
    /// </summary>
    public sealed record Throughput(double ServerRatio, double EndToEndRatio, double ServerMBps, double EndToEndMBps, double BaselineMBps, int Responses, long Bytes,
        double ServerCpuMultiple, double EndToEndCpuMultiple);

    /// <summary>
    /// Streams <paramref name="count"/> objects of about <paramref name="size"/> bytes through one pipeline, in
    /// rounds of three runs: raw Receives (server side: no client decode), the baseline replaying the very bytes of a
    /// recorded run in as many responses, and our client (ReadAllAsync: envelope parse, defragment, CLIXML).
    /// </summary>
    public static async Task<Throughput> ReceiveThroughputAsync(BenchServer server, int size, int count, int rounds)
    {
        using var transport = server.Transport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
        using var raw = BenchServer.RawClient();
        var script = $"Stream-{size} {count}";

        // Recording run (untimed): the baseline answers with exactly these responses, those of a run of our client.
        // Each Receive takes what is buffered when it comes, so how many responses carry the output depends on how
        // fast the receiving side is: recorded from the raw Receives (as until session 10), a run could have 127
        // responses where our client's had 100 (the product's 1,000-message buffer), and the baseline paid for 27
        // round trips the client did not make.
        var recorded = new List<byte[]>();
        await RecordClientRunAsync(server, script, recorded).ConfigureAwait(false);
        server.SetReplay(recorded);
        var recordedBytes = recorded.Sum(r => (long)r.Length);
        if (Verbose && Environment.GetEnvironmentVariable("PSRP_BENCH_CLIENT_REPLAY") is { } replays) ClientReplay(recorded, count, int.Parse(replays, System.Globalization.CultureInfo.InvariantCulture));
        if (Verbose && Environment.GetEnvironmentVariable("PSRP_BENCH_CLIENT_REPLAY_PIPELINE") is { } pipelineReplays)
        {
            await PipelineReplayAsync(server, recorded, count, int.Parse(pipelineReplays, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }

        var serverRatios = new List<double>();
        var e2eRatios = new List<double>();
        double serverRate = 0, e2eRate = 0, baseRate = 0;
        // Untimed warm-up rounds first: the three legs run the same number of times before any is timed, so that
        // every leg is measured on tiered-up code (the baseline's few methods tier up at once; the protocol code of
        // the other two legs, measured cold, spent a third of its time in the JIT and in instrumented code).
        //
        // Thirty of them: tiered compilation optimizes a method after 30 calls (PGO adds an instrumented stage before
        // that), and the behaviour's loop and the per-response methods are called once per round or a few dozen times:
        // with two warm-up rounds a third of the server leg's CPU time was still unoptimized or instrumented code
        // (100 B objects: 185 ms per round after 3 rounds, 95 ms from the 30th on; the baseline barely moves).
        // Then on until the JIT has settled (as for the round trips): with tiered PGO it went on compiling well past
        // 30 rounds on a loaded machine (the 100 B server leg fell from 110 to 27 ms over 95 rounds in session 4).
        var warmups = rounds > 1 ? 30 : 0;
        var warming = new JitWarmUp(rounds > 1 ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);
        var cpu = new List<(double Server, double Baseline, double EndToEnd)>();
        for (var round = -warmups; round < rounds; round++)
        {
            if (round == 0 && !warming.Done()) round = -1; // still warming up
            if (round == 0) warming.Timed();
            var cpu0 = CpuSeconds();
            var alloc0 = GC.GetTotalAllocatedBytes();
            var requests0 = server.Journal.LastSequence;
            var sw = Stopwatch.StartNew();
            var (rawBytes, _) = await RawStreamAsync(pool, raw, script).ConfigureAwait(false);
            var rawSeconds = sw.Elapsed.TotalSeconds;

            var cpu1 = CpuSeconds();
            var alloc1 = GC.GetTotalAllocatedBytes();
            sw.Restart();
            var baseBytes = await ReplayAsync(server, raw, recorded.Count).ConfigureAwait(false);
            var baseSeconds = sw.Elapsed.TotalSeconds;

            var cpu2 = CpuSeconds();
            var alloc2 = GC.GetTotalAllocatedBytes();
            var requests2 = server.Journal.LastSequence;
            sw.Restart();
            var pipeline = await pool.StartAsync(script).ConfigureAwait(false);
            var outputs = 0;
            await foreach (var e in pipeline.ReadAllAsync().ConfigureAwait(false))
            {
                if (e is OutputEvent) outputs++;
            }

            var e2eSeconds = sw.Elapsed.TotalSeconds;
            if (outputs != count) throw new InvalidOperationException($"Expected {count} outputs, got {outputs}.");

            if (round < 0) continue;
            cpu.Add((cpu1 - cpu0, cpu2 - cpu1, CpuSeconds() - cpu2));

            // The client run moves about the recorded bytes (ids differ, lengths do not).
            serverRate = rawBytes / rawSeconds;
            baseRate = baseBytes / baseSeconds;
            e2eRate = recordedBytes / e2eSeconds;
            serverRatios.Add(serverRate / baseRate);
            e2eRatios.Add(e2eRate / baseRate);
            if (Verbose)
            {
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"round {round}: server {serverRate / baseRate:F2} e2e {e2eRate / baseRate:F2} baseline {baseRate / 1e6:F0} MB/s; CPU ms server {(cpu1 - cpu0) * 1e3:F0} baseline {(cpu2 - cpu1) * 1e3:F0} e2e {cpu[^1].EndToEnd * 1e3:F0}; allocated MB server {(alloc1 - alloc0) / 1e6:F1} baseline {(alloc2 - alloc1) / 1e6:F1} e2e {(GC.GetTotalAllocatedBytes() - alloc2) / 1e6:F1}; gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; requests server {requests2 - requests0} e2e {server.Journal.LastSequence - requests2} (baseline {recorded.Count} responses)"));
            }
        }

        if (Verbose) Console.Error.WriteLine($"{script} rounds: {warming}");
        if (AllocationSampler.Enabled)
        {
            // PSRP_BENCH_ALLOC=1: the sampled allocation types of each leg, per object, over 5 runs of it in a row
            // (the runtime delivers its events late: a stretch of one leg at a time, then a pause, keeps them apart).
            using var sampler = new AllocationSampler();
            (string Name, Func<Task> Run)[] legs =
            [
                ("server", () => RawStreamAsync(pool, raw, script)),
                ("baseline", () => ReplayAsync(server, raw, recorded.Count)),
                ("end to end", async () =>
                {
                    var pipeline = await pool.StartAsync(script).ConfigureAwait(false);
                    await foreach (var e in pipeline.ReadAllAsync().ConfigureAwait(false))
                    {
                    }
                }),
            ];
            foreach (var (name, run) in legs)
            {
                await Task.Delay(1500).ConfigureAwait(false);
                sampler.Start();
                for (var i = 0; i < 5; i++) await run().ConfigureAwait(false);
                await Task.Delay(1500).ConfigureAwait(false);
                Console.Error.WriteLine($"sampled allocations per object, {name} leg:{Environment.NewLine}{sampler.Stop(count * 5)}");
            }
        }

        return new Throughput(Stats.Median(serverRatios), Stats.Median(e2eRatios), serverRate / 1e6, e2eRate / 1e6, baseRate / 1e6, recorded.Count, recordedBytes,
            Stats.Median(cpu.Select(c => c.Server / c.Baseline).ToList()), Stats.Median(cpu.Select(c => c.EndToEnd / c.Baseline).ToList()));
    }

    /// <summary>
    /// The client's decode alone, on one thread, over the recorded responses (PSRP_BENCH_CLIENT_REPLAY=rounds with
    /// PSRP_BENCH_VERBOSE=1): envelope read (pooled), defragmenting, CLIXML, as ReadAllAsync does them, without HTTP
    /// or the server. CPU ms and MB allocated per pass are steadier than the end-to-end leg's; run it under perf to
    /// see where the client's time goes.
    /// </summary>
    private static void ClientReplay(List<byte[]> recorded, int count, int rounds)
    {
        var limits = new EnvelopeLimits { MaxEnvelopeBytes = 10 * 1024 * 1024 };
        for (var round = -30; round < rounds; round++)
        {
            var cpu0 = CpuSeconds();
            var alloc0 = GC.GetTotalAllocatedBytes();
            var gen2 = GC.CollectionCount(2);
            var pause0 = GC.GetTotalPauseDuration();
            var defragmenter = new StreamDefragmenter();
            var outputs = 0;
            long envelopeTicks = 0, clixmlTicks = 0, defragmentTicks = 0;
            void Read(in PsrpMessageHeader header, ReadOnlyMemory<byte> data)
            {
                var t = Stopwatch.GetTimestamp();
                if (header.MessageType == PsrpMessageType.PipelineOutput && PsrpEmulator.Protocol.Clixml.ClixmlDeserializer.Deserialize(data.Span) is not null) outputs++;
                clixmlTicks += Stopwatch.GetTimestamp() - t;
            }

            LentPsrpMessage read = Read;
            foreach (var response in recorded)
            {
                var t0 = Stopwatch.GetTimestamp();
                var envelope = WsManEnvelopeReader.ReadPooled(response, limits);
                var t1 = Stopwatch.GetTimestamp();
                envelopeTicks += t1 - t0;
                if (envelope.Body is not ReceiveResponseBody { Streams: ShellStreamList streams }) continue;
                for (var i = 0; i < streams.Count; i++) defragmenter.Add(streams.DataAt(i), read);
                streams.Return();
                defragmentTicks += Stopwatch.GetTimestamp() - t1;
            }

            defragmentTicks -= clixmlTicks;

            if (outputs != count) throw new InvalidOperationException($"Replay: expected {count} outputs, got {outputs}.");
            if (round >= 0)
            {
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"client replay {round}: CPU {(CpuSeconds() - cpu0) * 1e3:F1} ms, allocated {(GC.GetTotalAllocatedBytes() - alloc0) / 1e6:F1} MB, gen2 {GC.CollectionCount(2) - gen2}, GC pauses {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds:F1} ms; wall ms envelopes {envelopeTicks * 1e3 / Stopwatch.Frequency:F1} defragmenting {defragmentTicks * 1e3 / Stopwatch.Frequency:F1} CLIXML {clixmlTicks * 1e3 / Stopwatch.Frequency:F1}"));
            }
        }
    }

    /// <summary>
    /// The whole client path over the recorded responses (PSRP_BENCH_CLIENT_REPLAY_PIPELINE=rounds with
    /// PSRP_BENCH_VERBOSE=1): a pipeline's ReadAllAsync as the end-to-end leg runs it (transport body read, envelope,
    /// defragmenting, CLIXML, events), its Receives answered in the client's HTTP handler from the recording (their
    /// RelatesTo set to the request's MessageID) instead of over loopback; the Command and the Signal go to the
    /// server. Process CPU and bytes allocated per pass, one thread at a time.
    /// </summary>
    private static async Task PipelineReplayAsync(BenchServer server, List<byte[]> recorded, int count, int rounds)
    {
        var handler = new ReceiveReplayHandler(recorded.Select(r => (byte[])r.Clone()).ToList());
        using var transport = new WsManTransport(server.Transport().Options, handler);
        await using var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
        for (var round = -30; round < rounds; round++)
        {
            var pipeline = await pool.StartAsync("Stream-100 1").ConfigureAwait(false);
            handler.Next = 0;
            handler.Active = true;
            var cpu0 = CpuSeconds();
            var alloc0 = GC.GetTotalAllocatedBytes();
            var outputs = 0;
            await foreach (var e in pipeline.ReadAllAsync().ConfigureAwait(false))
            {
                if (e is OutputEvent) outputs++;
            }

            var cpu = CpuSeconds() - cpu0;
            var allocated = GC.GetTotalAllocatedBytes() - alloc0;
            handler.Active = false;
            if (outputs != count) throw new InvalidOperationException($"Pipeline replay: expected {count} outputs, got {outputs}.");
            if (round >= 0)
            {
                Console.Error.WriteLine(FormattableString.Invariant($"pipeline replay {round}: CPU {cpu * 1e3:F1} ms, allocated {allocated / 1e6:F1} MB ({cpu * 1e9 / count:F0} ns, {(double)allocated / count:F0} B per object)"));
            }
        }
    }

    /// <summary>Answers Receive requests from recorded responses (while active); anything else goes to the server.</summary>
    private sealed class ReceiveReplayHandler(List<byte[]> responses) : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Next { get; set; }

        public bool Active { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Active && request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                if (IsReceive(body))
                {
                    var id = Between(body, "<a:MessageID>"u8);
                    var response = responses[Next++];
                    var relates = Between(response, "<a:RelatesTo>"u8);
                    body.AsSpan(id.Start, id.Length).CopyTo(response.AsSpan(relates.Start, relates.Length));
                    var answer = new ByteArrayContent(response);
                    answer.Headers.ContentType = Soap;
                    return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = answer, RequestMessage = request };
                }
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        private static (int Start, int Length) Between(byte[] xml, ReadOnlySpan<byte> open)
        {
            var start = xml.AsSpan().IndexOf(open) + open.Length;
            return (start, xml.AsSpan(start).IndexOf((byte)'<'));
        }
    }

    // Per-round figures on stderr (PSRP_BENCH_VERBOSE=1), for looking at one measurement's spread.
    private static readonly bool Verbose = Environment.GetEnvironmentVariable("PSRP_BENCH_VERBOSE") == "1";

    // CPU time of the whole process (both cores): less sensitive than wall time to other work on a shared machine.
    // getrusage where there is one: microseconds, where the process times from /proc count 10 ms ticks.
    private static double CpuSeconds()
    {
        if (OperatingSystem.IsLinux() && GetRusage(0, out var usage) == 0)
        {
            return usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6);
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage", SetLastError = false)]
    private static extern int GetRusage(int who, out RUsage usage);

    // struct rusage on 64-bit Linux: two timevals, then 14 longs.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
#pragma warning disable CS0169, IDE0051 // the rest of the struct: room only
        private long _r0, _r1, _r2, _r3, _r4, _r5, _r6, _r7, _r8, _r9, _r10, _r11, _r12, _r13;
#pragma warning restore CS0169, IDE0051
    }

    private static byte[] ReceiveRequest(RunspacePoolClient pool, string? commandId, int maxEnvelope = 512000)
    {
        var header = pool.ShellHeader(WsManActions.Receive) with
        {
            To = pool.Transport.Options.ConnectionUri.ToString(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            ReplyTo = WsManAddresses.Anonymous,
            MaxEnvelopeSize = maxEnvelope,
            OperationTimeout = TimeSpan.FromSeconds(60),
            Locale = "en-US",
            DataLocale = "en-US",
            SessionId = pool.Transport.SessionId,
        };
        return WsManEnvelopeWriter.Write(new WsManEnvelope(header, new ReceiveBody("stdout", commandId)));
    }

    // A SOAP POST as both legs send it (the replay index for the baseline); disposing it disposes its content.
    private static HttpRequestMessage Request(Uri uri, byte[] body, int? replay)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Soap;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", BenchServer.BasicAuthorization);
        if (replay is { } i) request.Headers.TryAddWithoutValidation("X-Replay", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private static async Task<byte[]> PostAsync(HttpClient raw, Uri uri, byte[] body, int? replay = null)
    {
        using var request = Request(uri, body, replay);
        using var response = await raw.SendAsync(request).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// POSTs and reads the response through one reused buffer, counting its bytes and looking for
    /// <paramref name="marker"/> (also across reads). The timed legs of both sides read this way: a fresh array per
    /// response (about 450 KB, on the large object heap) made the measuring client trigger full collections that
    /// then had to mark whatever the emulator held at the time, charging the client's garbage to the server leg.
    /// </summary>
    private static async Task<(long Length, bool HasMarker)> PostCountingAsync(HttpClient raw, Uri uri, byte[] body, int? replay, byte[] marker)
    {
        using var request = Request(uri, body, replay);
        using var response = await raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        // The read lands after the last marker.Length - 1 bytes of the previous one, so a marker split by two reads is found.
        var keep = marker.Length - 1;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65536 + keep);
        try
        {
            long length = 0;
            var carried = 0;
            var found = false;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(carried, 65536)).ConfigureAwait(false)) > 0)
            {
                length += read;
                var window = buffer.AsSpan(0, carried + read);
                found |= window.IndexOf(marker) >= 0;
                carried = Math.Min(keep, window.Length);
                window[^carried..].CopyTo(buffer);
            }

            return (length, found);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A request body whose action is Receive (the recording and replaying handlers look only at those).
    private static bool IsReceive(ReadOnlySpan<byte> body) => body.IndexOf("windows/shell/Receive<"u8) >= 0;

    /// <summary>Runs <paramref name="script"/> with our client (ReadAllAsync, as the end-to-end leg) and keeps its Receive responses.</summary>
    private static async Task RecordClientRunAsync(BenchServer server, string script, List<byte[]> record)
    {
        var recorder = new ReceiveRecorder(record);
        using var settings = server.Transport();
        using var transport = new WsManTransport(settings.Options, recorder);
        await using var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
        var pipeline = await pool.StartAsync(script).ConfigureAwait(false);
        recorder.Active = true;
        await foreach (var e in pipeline.ReadAllAsync().ConfigureAwait(false))
        {
        }

        recorder.Active = false;
        if (record.Count == 0 || record[^1].AsSpan().IndexOf(DoneMarker) < 0) throw new InvalidOperationException("The recorded run did not end with CommandState Done.");
    }

    /// <summary>Keeps the bodies of the responses to Receive requests (while active); they still reach the client.</summary>
    private sealed class ReceiveRecorder(List<byte[]> record) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool Active { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var receive = Active && request.Content is { } content && IsReceive(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!receive) return response;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            lock (record) record.Add(body);
            var copy = new ByteArrayContent(body);
            foreach (var h in response.Content.Headers) copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = copy;
            return response;
        }
    }

    /// <summary>Starts <paramref name="script"/> and receives with prebuilt raw requests until CommandState Done (no decode).</summary>
    private static async Task<(long Bytes, int Responses)> RawStreamAsync(RunspacePoolClient pool, HttpClient raw, string script)
    {
        var pipeline = await pool.StartAsync(script).ConfigureAwait(false);
        var request = ReceiveRequest(pool, pipeline.CommandId);
        long bytes = 0;
        var responses = 0;
        while (true)
        {
            var (length, done) = await PostCountingAsync(raw, pool.Transport.Options.ConnectionUri, request, null, DoneMarker).ConfigureAwait(false);
            bytes += length;
            responses++;
            if (done) break;
        }

        await pipeline.TerminateAsync().ConfigureAwait(false);
        return (bytes, responses);
    }

    private static async Task<long> ReplayAsync(BenchServer server, HttpClient raw, int responses)
    {
        var request = new byte[1200]; // about a Receive request
        long bytes = 0;
        for (var i = 0; i < responses; i++) bytes += (await PostCountingAsync(raw, server.ReplayUri, request, i, DoneMarker).ConfigureAwait(false)).Length;
        return bytes;
    }

    // ------------------------------------------------------------------ 4: round trips

    public sealed record RoundTrip(double ReceiveP50Ms, double ReceiveP99Ms, double RawP50Ms, double RawP99Ms, double OpenCloseP50Ms, double RequestsPerCycle)
    {
        /// <summary>Receive ÷ raw at p50 and p99 with all output written beforehand (no producer running meanwhile).</summary>
        public (double P50, double P99) WrittenBeforehand { get; init; }

        /// <summary>p50 of the raw round trips made one after each open/"hello"/close cycle (the cycle's yardstick).</summary>
        public double CycleRawP50Ms { get; init; }

        /// <summary>The cycle against an emulator answering the pool's state in the first Receive: p50, its raw p50, requests per cycle.</summary>
        public (double P50Ms, double RawP50Ms, double Requests)? StateInFirstReceive { get; init; }
    }

    /// <param name="stateInFirstReceiveServer">An emulator with SeparateRunspacePoolState off, for a diagnostic run of the cycles.</param>
    public static async Task<RoundTrip> RoundTripAsync(BenchServer server, int samples, int cycles, TimeSpan warmUp = default, BenchServer? stateInFirstReceiveServer = null)
    {
        using var transport = server.Transport(maxEnvelopeSize: 5120); // a small Receive: budget 1 KB of fragments
        await using var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
        using var raw = BenchServer.RawClient();
        var pipeline = await pool.StartAsync("Stream-100 100000000").ConfigureAwait(false);
        var request = ReceiveRequest(pool, pipeline.CommandId, 5120);
        var header = pool.ShellHeader(WsManActions.Receive);
        var body = new ReceiveBody("stdout", pipeline.CommandId);

        // The raw POST carries the same request and gets a response of the same size.
        var sample = await PostAsync(raw, server.WsManUri, request).ConfigureAwait(false);
        server.SetEcho(sample);

        var receive = new List<double>(samples);
        var rawTimes = new List<double>(samples);
        // Warm-up: a fifth of the samples and at least warmUp of time, then until the JIT has settled, so that both
        // sides are measured after the JIT has optimized them (tiered compilation promotes a method only after 30
        // calls and 100 ms without new JIT work): a count alone ended a cold run's warm-up with the emulator's code
        // still at tier 0 while the raw side runs the framework's precompiled HTTP code.
        var warming = new JitWarmUp(warmUp);
        for (var i = -samples / 5; i < samples; i++)
        {
            if (i == -1 && !warming.Done()) i = -2; // still warming up
            var t0 = Stopwatch.GetTimestamp();
            var response = await transport.SendAsync(header, body).ConfigureAwait(false);
            var t1 = Stopwatch.GetTimestamp();
            await PostAsync(raw, server.EchoUri, request).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            if (((ReceiveResponseBody)response.Body).Streams.Count == 0) throw new InvalidOperationException("A Receive found no data waiting.");
            if (i < 0) continue; // warm-up
            if (i == 0) warming.Timed();
            receive.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            rawTimes.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        }

        if (Verbose) Console.Error.WriteLine($"small Receive samples: {warming}");

        if (Verbose)
        {
            // The same cost while the producer runs (what the timed loop above measures): each Receive frees room that
            // wakes the behaviour, which refills it on another thread.
            var running = new List<(double Cpu, double Bytes)>();
            for (var round = 0; round < 7; round++)
            {
                running.Add(await CostAsync(500, async () => await transport.SendAsync(header, body).ConfigureAwait(false)).ConfigureAwait(false));
            }

            Console.Error.WriteLine(FormattableString.Invariant(
                $"per Receive with the producer running: client+server {Stats.Median(running.Select(r => r.Cpu).ToList()):F1} µs CPU {Stats.Median(running.Select(r => r.Bytes).ToList()):F0} B"));
        }

        await pipeline.TerminateAsync().ConfigureAwait(false);

        // The same Receive once the pipeline has written all its output (a diagnostic row, not the target's figure):
        // above, each Receive frees room that the still-running producer fills again on the other core meanwhile;
        // here nothing runs besides the two round trips. A Receive carries about five 100 B objects: twenty per
        // sample always leave data waiting.
        var written = await pool.StartAsync($"Stream-100 {Math.Min(150_000, Verbose ? 150_000 : samples * 20)}").ConfigureAwait(false);
        await Task.Delay(warmUp > TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        var idleBody = new ReceiveBody("stdout", written.CommandId);
        var idleReceive = new List<double>(samples);
        var idleRaw = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var response = await transport.SendAsync(header, idleBody).ConfigureAwait(false);
            var t1 = Stopwatch.GetTimestamp();
            await PostAsync(raw, server.EchoUri, request).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            if (((ReceiveResponseBody)response.Body).Streams.Count == 0) throw new InvalidOperationException("A Receive found no data waiting.");
            idleReceive.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            idleRaw.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        }

        if (Verbose)
        {
            // Cost per request with nothing else running (the output is all written): process CPU time and bytes
            // allocated (client and server together; the raw Receive leg posts prebuilt bytes, so it is the server
            // alone plus the measuring client), steadier than wall time on a shared machine. Rounds of the three
            // legs in turn; the median round of each.
            var serverOnly = ReceiveRequest(pool, written.CommandId, 5120);
            var legs = new List<(double Cpu, double Bytes)>[3];
            for (var k = 0; k < legs.Length; k++) legs[k] = [];
            for (var round = 0; round < 7; round++)
            {
                legs[0].Add(await CostAsync(500, async () =>
                {
                    var response = await transport.SendAsync(header, idleBody).ConfigureAwait(false);
                    if (((ReceiveResponseBody)response.Body).Streams.Count == 0) throw new InvalidOperationException("A Receive found no data waiting.");
                }).ConfigureAwait(false));
                legs[1].Add(await CostAsync(500, () => PostAsync(raw, server.WsManUri, serverOnly)).ConfigureAwait(false));
                legs[2].Add(await CostAsync(500, () => PostAsync(raw, server.EchoUri, request)).ConfigureAwait(false));
            }

            // The three legs, for the loops below.
            (string Name, Func<Task> Run)[] requests =
            [
                ("client+server Receive", async () => await transport.SendAsync(header, idleBody).ConfigureAwait(false)),
                ("prebuilt request to the server", () => PostAsync(raw, server.WsManUri, serverOnly)),
                ("raw echo", () => PostAsync(raw, server.EchoUri, request)),
            ];

            // Wall time of the same three legs in turn, request by request: which side a slow process's extra time is on
            // (the small Receive comes out at 46-48 or 57-59 us from one process to the next).
            var walls = new List<double>[] { [], [], [] };
            for (var i = 0; i < 3000; i++)
            {
                for (var k = 0; k < requests.Length; k++)
                {
                    var w0 = Stopwatch.GetTimestamp();
                    await requests[k].Run().ConfigureAwait(false);
                    walls[k].Add(Stopwatch.GetElapsedTime(w0).TotalMicroseconds);
                }
            }

            Console.Error.WriteLine(FormattableString.Invariant(
                $"wall p50 per request: client+server Receive {Stats.Median(walls[0]):F1} us, prebuilt request to the server {Stats.Median(walls[1]):F1} us, raw echo {Stats.Median(walls[2]):F1} us"));

            // Thread-pool work items per request of each leg (each is a hand-over between threads: a wake-up).
            var items = new double[3];
            for (var k = 0; k < requests.Length; k++)
            {
                var before = ThreadPool.CompletedWorkItemCount;
                for (var i = 0; i < 2000; i++) await requests[k].Run().ConfigureAwait(false);
                items[k] = (ThreadPool.CompletedWorkItemCount - before) / 2000.0;
            }

            Console.Error.WriteLine(FormattableString.Invariant(
                $"thread-pool work items per request: client+server Receive {items[0]:F2}, prebuilt request to the server {items[1]:F2}, raw echo {items[2]:F2}"));

            if (AllocationSampler.Enabled)
            {
                using var sampler = new AllocationSampler();
                foreach (var (name, leg) in requests)
                {
                    sampler.Start();
                    for (var i = 0; i < 2000; i++) await leg().ConfigureAwait(false);
                    Console.Error.WriteLine($"sampled allocations per request, {name}:{Environment.NewLine}{sampler.Stop(2000)}");
                }
            }

            if (Environment.GetEnvironmentVariable("PSRP_BENCH_PROFILE_LEG") is { } profiled and not "cycle")
            {
                // A long run of one leg to profile (perf record).
                Console.Error.WriteLine($"PROFILE START {profiled}");
                var count = int.TryParse(Environment.GetEnvironmentVariable("PSRP_BENCH_PROFILE_COUNT"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 20000;
                var profiledLeg = requests[profiled switch { "client" => 0, "server" => 1, _ => 2 }].Run;
                for (var i = 0; i < count; i++) await profiledLeg().ConfigureAwait(false);
                Console.Error.WriteLine("PROFILE END");
            }

            string Leg(int k) => FormattableString.Invariant($"{Stats.Median(legs[k].Select(l => l.Cpu).ToList()):F1} µs CPU {Stats.Median(legs[k].Select(l => l.Bytes).ToList()):F0} B");
            Console.Error.WriteLine($"per Receive: client+server {Leg(0)}; prebuilt request to the server {Leg(1)}; raw echo {Leg(2)}");
        }

        await written.TerminateAsync().ConfigureAwait(false);

        // Open, "hello", close; with a second emulator, its cycles in turn with these (either one measured first
        // came out slower: whatever the earlier parts left behind runs down meanwhile).
        using var t = server.Transport();
        using var fast = stateInFirstReceiveServer?.Transport();
        warming = new JitWarmUp(warmUp);
        var standard = new CycleVariant(server, t);
        CycleVariant[] variants = stateInFirstReceiveServer is null ? [standard] : [standard, new CycleVariant(stateInFirstReceiveServer, fast!)];
        await TimeCyclesAsync(variants, raw, server.EchoUri, request, cycles, warming).ConfigureAwait(false);
        if (Verbose) Console.Error.WriteLine($"open + \"hello\" + close samples: {warming}");
        (double P50Ms, double RawP50Ms, double Requests)? stateInFirstReceive = variants.Length < 2 ? null
            : (Stats.Median(variants[1].Times), Stats.Median(variants[1].RawTimes), (double)variants[1].Requests / cycles);


        if (Verbose)
        {
            var rounds = new List<(double Cpu, double Bytes)>();
            for (var round = 0; round < 7; round++)
            {
                rounds.Add(await CostAsync(Math.Max(cycles, 100), async () =>
                {
                    var p = await RunspacePoolClient.OpenAsync(t).ConfigureAwait(false);
                    await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                    await p.CloseAsync().ConfigureAwait(false);
                }).ConfigureAwait(false));
            }

            if (Environment.GetEnvironmentVariable("PSRP_BENCH_CYCLE_SPLIT") == "1")
            {
                // Wall time of each part of the cycle (p50 over 2000 cycles): open (3 requests), invoke (3), close (1).
                var open = new List<double>(); var invoke = new List<double>(); var close = new List<double>();
                for (var i = 0; i < 2000; i++)
                {
                    var a = Stopwatch.GetTimestamp();
                    var p = await RunspacePoolClient.OpenAsync(t).ConfigureAwait(false);
                    var b = Stopwatch.GetTimestamp();
                    await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                    var c = Stopwatch.GetTimestamp();
                    await p.CloseAsync().ConfigureAwait(false);
                    var d = Stopwatch.GetTimestamp();
                    open.Add(Stopwatch.GetElapsedTime(a, b).TotalMicroseconds); invoke.Add(Stopwatch.GetElapsedTime(b, c).TotalMicroseconds); close.Add(Stopwatch.GetElapsedTime(c, d).TotalMicroseconds);
                }

                Console.Error.WriteLine(FormattableString.Invariant($"cycle split p50 µs: open {Stats.Median(open):F0} invoke {Stats.Median(invoke):F0} close {Stats.Median(close):F0}"));
            }

            {
                // Thread-pool work items per cycle, against 4 per raw round trip (each is a hand-over: a wake-up).
                var before = ThreadPool.CompletedWorkItemCount;
                for (var i = 0; i < 2000; i++)
                {
                    var p = await RunspacePoolClient.OpenAsync(t).ConfigureAwait(false);
                    await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                    await p.CloseAsync().ConfigureAwait(false);
                }

                Console.Error.WriteLine(FormattableString.Invariant(
                    $"thread-pool work items per open + \"hello\" + close: {(ThreadPool.CompletedWorkItemCount - before) / 2000.0:F2} (7 requests × 4 = 28 for raw round trips)"));
            }

            if (Environment.GetEnvironmentVariable("PSRP_BENCH_CYCLE_REQUESTS") == "1")
            {
                await CycleRequestsAsync(server, raw, request).ConfigureAwait(false);
            }

            if (AllocationSampler.Enabled)
            {
                using var sampler = new AllocationSampler();
                sampler.Start();
                for (var i = 0; i < 1000; i++)
                {
                    var p = await RunspacePoolClient.OpenAsync(t).ConfigureAwait(false);
                    await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                    await p.CloseAsync().ConfigureAwait(false);
                }

                Console.Error.WriteLine($"sampled allocations per open + \"hello\" + close:{Environment.NewLine}{sampler.Stop(1000)}");
            }

            if (Environment.GetEnvironmentVariable("PSRP_BENCH_PROFILE_LEG") == "cycle")
            {
                // A long run of cycles to profile (perf record).
                Console.Error.WriteLine("PROFILE START cycle");
                for (var i = 0; i < 30000; i++)
                {
                    var p = await RunspacePoolClient.OpenAsync(t).ConfigureAwait(false);
                    await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                    await p.CloseAsync().ConfigureAwait(false);
                }

                Console.Error.WriteLine("PROFILE END");
            }

            Console.Error.WriteLine(FormattableString.Invariant(
                $"per open + \"hello\" + close: {Stats.Median(rounds.Select(r => r.Cpu).ToList()):F1} µs CPU {Stats.Median(rounds.Select(r => r.Bytes).ToList()):F0} B"));
        }

        return new RoundTrip(Stats.Median(receive), Stats.Percentile(receive, 99), Stats.Median(rawTimes), Stats.Percentile(rawTimes, 99),
            Stats.Median(standard.Times), (double)standard.Requests / cycles)
        {
            CycleRawP50Ms = Stats.Median(standard.RawTimes),
            StateInFirstReceive = stateInFirstReceive,
            WrittenBeforehand = (Stats.Median(idleReceive) / Stats.Median(idleRaw), Stats.Percentile(idleReceive, 99) / Stats.Percentile(idleRaw, 99)),
        };
    }

    /// <summary>
    /// Each request of an open/"hello"/close cycle as the client sees it (p50 over 2,000 cycles, from the transport's
    /// activity callback: writing the request, the HTTP exchange, reading the response), named from the journal, and
    /// the time between requests (the client's work on a response before it sends the next request), beside a raw round
    /// trip made after each cycle (PSRP_BENCH_CYCLE_REQUESTS=1 with PSRP_BENCH_VERBOSE=1).
    /// </summary>
    private static async Task CycleRequestsAsync(BenchServer server, HttpClient raw, byte[] request)
    {
        var stamps = new List<long>(16);
        using var template = server.Transport();
        using var transport = new WsManTransport(template.Options)
        {
            Activity = a =>
            {
                if (a is TransportActivity.RequestStarted or TransportActivity.RequestEnded) stamps.Add(Stopwatch.GetTimestamp());
            },
        };
        List<double>[] spans = [];
        List<double>[] gaps = [];
        string[] actions = [];
        var rawTimes = new List<double>();
        var skipped = 0;
        for (var i = -200; i < 2000; i++)
        {
            stamps.Clear();
            var before = server.Journal.Snapshot().LastOrDefault()?.Sequence ?? 0;
            var p = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
            await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
            await p.CloseAsync().ConfigureAwait(false);
            var r0 = Stopwatch.GetTimestamp();
            await PostAsync(raw, server.EchoUri, request).ConfigureAwait(false);
            var rawElapsed = Stopwatch.GetElapsedTime(r0).TotalMicroseconds;
            if (i < 0) continue;
            var journal = server.Journal.Snapshot().Where(e => e.Sequence > before).Select(e => e.Action).ToArray();
            if (spans.Length == 0)
            {
                actions = journal;
                spans = [.. actions.Select(_ => new List<double>())];
                gaps = [.. actions.Select(_ => new List<double>())];
            }

            // A cycle with other requests than the first one's (a retry, a pool Receive) is not comparable.
            if (stamps.Count != 2 * actions.Length || !journal.SequenceEqual(actions))
            {
                skipped++;
                continue;
            }

            for (var k = 0; k < actions.Length; k++)
            {
                spans[k].Add(Stopwatch.GetElapsedTime(stamps[2 * k], stamps[(2 * k) + 1]).TotalMicroseconds);
                if (k > 0) gaps[k].Add(Stopwatch.GetElapsedTime(stamps[(2 * k) - 1], stamps[2 * k]).TotalMicroseconds);
            }

            rawTimes.Add(rawElapsed);
        }

        var rawP50 = Stats.Median(rawTimes);
        var lines = actions.Select((action, k) => FormattableString.Invariant(
            $"  {k + 1}. {action,-8} {Stats.Median(spans[k]),6:F1} µs ({Stats.Median(spans[k]) / rawP50:F2}× raw){(k > 0 ? FormattableString.Invariant($", {Stats.Median(gaps[k]):F1} µs after the previous response") : "")}"));
        Console.Error.WriteLine(FormattableString.Invariant(
            $"open + \"hello\" + close, request by request (p50 of {rawTimes.Count} cycles{(skipped > 0 ? FormattableString.Invariant($", {skipped} with other requests left out") : "")}; raw round trip {rawP50:F1} µs):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}"));
    }

    /// <summary>One emulator's open/"hello"/close cycles, their raw yardsticks and their requests (journal).</summary>
    private sealed class CycleVariant(BenchServer server, WsManTransport transport)
    {
        public BenchServer Server { get; } = server;
        public WsManTransport Transport { get; } = transport;
        public List<double> Times { get; } = [];
        public List<double> RawTimes { get; } = [];
        public long Requests { get; set; }
    }

    /// <summary>
    /// Open/"hello"/close cycles after a warm-up, the variants in turn, each cycle followed by a raw round trip, the
    /// cycle's own yardstick: raw round trips made alongside a producer that keeps one core busy came out slow, and a
    /// cycle divided by those showed 2.6-5.7x in runs where, side by side, it is 10x or more.
    /// </summary>
    private static async Task TimeCyclesAsync(IReadOnlyList<CycleVariant> variants, HttpClient raw, Uri echo, byte[] request, int cycles, JitWarmUp warming)
    {
        for (var i = -2; i < cycles; i++)
        {
            if (i == -1 && !warming.Done()) i = -2; // still warming up (see RoundTripAsync)
            if (i == 0) warming.Timed();
            foreach (var variant in variants)
            {
                var before = variant.Server.Journal.Snapshot().LastOrDefault()?.Sequence ?? 0;
                var t0 = Stopwatch.GetTimestamp();
                var p = await RunspacePoolClient.OpenAsync(variant.Transport).ConfigureAwait(false);
                var events = await p.InvokeAsync("\"hello\"").ConfigureAwait(false);
                await p.CloseAsync().ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var after = variant.Server.Journal.Snapshot().LastOrDefault()?.Sequence ?? 0;
                var r0 = Stopwatch.GetTimestamp();
                await PostAsync(raw, echo, request).ConfigureAwait(false);
                var rawElapsed = Stopwatch.GetElapsedTime(r0).TotalMilliseconds;
                if (events.OfType<OutputEvent>().Single().Value.ToDisplayString() != "hello") throw new InvalidOperationException("\"hello\" did not answer hello.");
                if (i < 0) continue;
                variant.Times.Add(elapsed);
                variant.RawTimes.Add(rawElapsed);
                variant.Requests += after - before;
            }
        }
    }

    /// <summary>
    /// The end of a round-trip warm-up: at least the given time, then until a whole second passes with (almost) no
    /// method compiled. The tiers (tier 0, instrumented, tier 1) are compiled on one background thread, and on a
    /// loaded 2-core machine that thread was still busy 8–10 s into the run: the timed samples then measured the JIT
    /// (in one run 100–200 ms of compiling inside a 300–500 ms window, instrumented code, call counting), ~200 µs of
    /// CPU per small Receive against ~45 µs once settled, and a p50 ratio of 2.6× against 1.5×. Open/"hello"/close
    /// went on compiling for about 12,000 cycles (4,300 → 9,000 methods, 4.5 s of JIT), a cycle taking 1.6 ms after
    /// 2,000 of them and 0.4 ms once settled.
    /// </summary>
    private sealed class JitWarmUp(TimeSpan least)
    {
        // A settled process still compiles a method now and then (a timer, a rare path).
        private const int SettledCompilations = 2;
        private static readonly TimeSpan Most = TimeSpan.FromSeconds(30);

        private readonly long _start = Stopwatch.GetTimestamp();
        private long _window = Stopwatch.GetTimestamp();
        private long _windowCount = System.Runtime.JitInfo.GetCompiledMethodCount();
        private long _timedAt;
        private long _timedCount;
        private TimeSpan _timedJit;
        private bool _settled;

        /// <summary>True once warm; called between samples.</summary>
        public bool Done()
        {
            // No warm-up asked (the dry run checks the harness only).
            if (least <= TimeSpan.Zero) return true;
            var elapsed = Stopwatch.GetElapsedTime(_start);
            if (elapsed < least) return false;
            if (elapsed >= Most) return true;
            if (Stopwatch.GetElapsedTime(_window) < TimeSpan.FromSeconds(1)) return false;
            var count = System.Runtime.JitInfo.GetCompiledMethodCount();
            _settled = count - _windowCount <= SettledCompilations;
            _window = Stopwatch.GetTimestamp();
            _windowCount = count;
            return _settled;
        }

        /// <summary>The timed samples start.</summary>
        public void Timed()
        {
            _timedAt = Stopwatch.GetTimestamp();
            _timedCount = System.Runtime.JitInfo.GetCompiledMethodCount();
            _timedJit = System.Runtime.JitInfo.GetCompilationTime();
        }

        /// <summary>The warm-up's length, and what the JIT did while the samples were timed (should be about nothing).</summary>
        public override string ToString() => FormattableString.Invariant(
            $"warm-up {Stopwatch.GetElapsedTime(_start, _timedAt).TotalSeconds:F1} s{(least > TimeSpan.Zero && !_settled ? " (JIT not settled)" : "")}; while timed ({Stopwatch.GetElapsedTime(_timedAt).TotalMilliseconds:F0} ms) {System.Runtime.JitInfo.GetCompiledMethodCount() - _timedCount} methods compiled, {(System.Runtime.JitInfo.GetCompilationTime() - _timedJit).TotalMilliseconds:F0} ms of JIT");
    }

    /// <summary>Process CPU µs and bytes allocated per call of <paramref name="action"/>, over <paramref name="count"/> calls in a row.</summary>
    private static async Task<(double CpuMicroseconds, double Bytes)> CostAsync(int count, Func<Task> action)
    {
        var cpu0 = CpuSeconds();
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++) await action().ConfigureAwait(false);
        var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        return ((CpuSeconds() - cpu0) * 1e6 / count, (double)alloc / count);
    }

    // ------------------------------------------------------------------ 5: scale

    /// <summary>Managed heap per disconnected shell (one pipeline whose 50 outputs were received: empty, drained buffer).</summary>
    /// <remarks>
    /// A measurement during which the thread pool added threads is made again (up to three times): each new thread
    /// that runs the emulator's code keeps its thread-local state (reused XML writer and reader, CLIXML writer, array
    /// pool caches, about 120 KB), which was counted as the shells' (1,000 shells: 2,087 B per shell with threads 3 →
    /// 5, 1,841 and 1,878 B with none added; runs of the same code had given 1,895-2,506 B).
    /// </remarks>
    public static async Task<double> BytesPerDisconnectedShellAsync(int shells, string scenarioYaml)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (perShell, threadsAdded) = await MeasureBytesPerDisconnectedShellAsync(shells, scenarioYaml).ConfigureAwait(false);
            if (threadsAdded == 0 || attempt == 3) return perShell;
            if (Verbose) Console.Error.WriteLine($"{shells} shells: the thread pool added {threadsAdded} thread(s) meanwhile; measuring again");
        }
    }

    private static async Task<(double PerShell, int ThreadsAdded)> MeasureBytesPerDisconnectedShellAsync(int shells, string scenarioYaml)
    {
        await using var server = await BenchServer.StartAsync(o =>
        {
            o.MaxShellsPerUser = shells + 400;
            o.JournalCapacity = 16;
        }, scenarioYaml).ConfigureAwait(false);

        // Warm every path and pool, and fill the bounded process-wide stores (the robust-connection response cache
        // keeps the last 1,024 responses, the journal its capacity): they hold as much before as after, so what the
        // difference counts is what each shell keeps.
        // (The dry run checks the harness only: a few shells do.)
        await CreateDisconnectedShellsAsync(server, shells >= 1000 ? 250 : 20, 4).ConfigureAwait(false);
        var before = HeapAfterFullCollection();
        var threads = ThreadPool.ThreadCount;
        await CreateDisconnectedShellsAsync(server, shells, 8).ConfigureAwait(false);
        var after = HeapAfterFullCollection();
        var added = Math.Max(0, ThreadPool.ThreadCount - threads);
        if (Verbose) Console.Error.WriteLine($"{shells} shells: thread-pool threads {threads} -> {ThreadPool.ThreadCount}, heap {before:N0} -> {after:N0} B");
        if (Environment.GetEnvironmentVariable("PSRP_BENCH_HOLD") is { Length: > 0 } hold)
        {
            Console.WriteLine($"HOLD pid {Environment.ProcessId} per shell {(double)(after - before) / shells:F0}");
            while (!File.Exists(hold)) await Task.Delay(200).ConfigureAwait(false);
        }

        return ((double)(after - before) / shells, added);
    }

    private static long HeapAfterFullCollection()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task CreateDisconnectedShellsAsync(BenchServer server, int count, int workers)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            using var transport = server.Transport();
            while (Interlocked.Increment(ref next) < count)
            {
                var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
                var pipeline = await pool.StartAsync("Scale-Shell").ConfigureAwait(false);
                var defragmenter = new Defragmenter();
                var outputs = 0;
                while (outputs < 50)
                {
                    var response = await transport.SendAsync(pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", pipeline.CommandId)).ConfigureAwait(false);
                    foreach (var s in ((ReceiveResponseBody)response.Body).Streams)
                    {
                        outputs += defragmenter.Add(s.Data).Count(m => m.MessageType == PsrpMessageType.PipelineOutput);
                    }
                }

                await transport.SendAsync(pool.ShellHeader(WsManActions.Disconnect), new DisconnectBody(null, null)).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
    }

    public sealed record LongPolls(int Completed, int TimedOut, int MaxThreads, double HeartbeatMaxLateMs, int Beats, double HoldSeconds, double WallSeconds);

    /// <summary>Many Receives held at once on pipelines that produce nothing: threads used and heartbeat lateness meanwhile.</summary>
    public static async Task<LongPolls> LongPollsAsync(int polls, TimeSpan hold, string scenarioYaml)
    {
        var heartbeat = TimeSpan.FromMilliseconds(100);
        var time = new ObservedTimeProvider(heartbeat);
        await using var server = await BenchServer.StartAsync(o =>
        {
            o.MaxReceiveHold = hold;
            o.HeartbeatInterval = heartbeat;
            o.JournalCapacity = 16;
        }, scenarioYaml, time).ConfigureAwait(false);

        var pools = new List<RunspacePoolClient>();
        var commandIds = new List<(RunspacePoolClient Pool, string CommandId)>();
        using var transport = server.Transport();
        var perPool = Math.Min(100, polls);
        for (var i = 0; i < polls; i += perPool)
        {
            var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
            pools.Add(pool);
            for (var j = 0; j < perPool && i + j < polls; j++)
            {
                commandIds.Add((pool, (await pool.StartAsync("Wait-Long").ConfigureAwait(false)).CommandId));
            }
        }

        var requests = commandIds.Select(c => ReceiveRequest(c.Pool, c.CommandId)).ToList();
        using var raw = BenchServer.RawClient();
        // Open the connections first so that connection setup is not what is measured.
        await Task.WhenAll(Enumerable.Range(0, polls).Select(_ => PostAsync(raw, server.EchoUri, [1]))).ConfigureAwait(false);

        var maxThreads = ThreadPool.ThreadCount;
        time.Reset();
        var sw = Stopwatch.StartNew();
        var tasks = requests.Select(r => PostAsync(raw, server.WsManUri, r)).ToList();
        var all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
            await Task.WhenAny(all, Task.Delay(50)).ConfigureAwait(false);
        }

        var responses = await all.ConfigureAwait(false);
        var wall = sw.Elapsed.TotalSeconds;
        var timedOut = responses.Count(r => Encoding.UTF8.GetString(r).Contains("TimedOut", StringComparison.Ordinal));
        foreach (var pool in pools) await pool.CloseAsync().ConfigureAwait(false);
        return new LongPolls(responses.Length, timedOut, maxThreads, time.MaxLatenessMs(), time.Beats, hold.TotalSeconds, wall);
    }

    // ------------------------------------------------------------------ 6a: growth

    /// <summary>open/"hello"/close cycles per second with <paramref name="clients"/> concurrent clients.</summary>
    public static async Task<double> OpenInvokeCloseRateAsync(BenchServer server, int clients, TimeSpan duration)
    {
        var cycles = 0;
        var stop = DateTime.UtcNow + duration;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var transport = server.Transport();
            while (DateTime.UtcNow < stop)
            {
                var pool = await RunspacePoolClient.OpenAsync(transport).ConfigureAwait(false);
                await pool.InvokeAsync("\"hello\"").ConfigureAwait(false);
                await pool.CloseAsync().ConfigureAwait(false);
                Interlocked.Increment(ref cycles);
            }
        })).ConfigureAwait(false);
        return cycles / sw.Elapsed.TotalSeconds;
    }
}
