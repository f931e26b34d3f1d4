using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using PsrpEmulator.Benchmarks.Clixml;
using PsrpEmulator.Benchmarks.Harness;
using PsrpEmulator.Benchmarks.Protocol;

namespace PsrpEmulator.Benchmarks;

public enum RunMode
{
    Dry,
    Quick,
    Full,
}

/// <summary>
/// The performance suite of issue 7: BenchmarkDotNet for the codecs (1, 2), a loopback harness for 3 to 6, the
/// scenario suite's wall time in a process of its own (7), and one table of figures and same-run ratios.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/PsrpEmulator.Benchmarks -- quick|full|dry [--only clixml,protocol,e2e,roundtrip,scale,growth,scenarios]</c>;
/// any other arguments go to BenchmarkDotNet's own switcher (for example <c>-- --filter *Envelope*</c>).
/// </remarks>
public static class Runner
{
    public static readonly Type[] BenchmarkTypes =
        [typeof(ClixmlSerializeBenchmarks), typeof(ClixmlDeserializeBenchmarks), typeof(FragmentBenchmarks), typeof(EnvelopeBenchmarks)];

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length == 0 || !Enum.TryParse<RunMode>(args[0], ignoreCase: true, out var mode))
        {
            BenchmarkSwitcher.FromTypes(BenchmarkTypes).Run(args, Config(RunMode.Quick, null));
            return 0;
        }

        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var figures = await RunAsync(mode, only, ConsoleLogger.Default).ConfigureAwait(false);
        var table = Format(mode, figures);
        Console.WriteLine();
        Console.WriteLine(table);
        var path = Path.Combine("BenchmarkDotNet.Artifacts", $"perf-report-{mode.ToString().ToLowerInvariant()}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, table).ConfigureAwait(false);
        Console.WriteLine($"(written to {Path.GetFullPath(path)})");
        return 0;
    }

    /// <summary>The BenchmarkDotNet configuration: in-process (no per-benchmark build), short iterations.</summary>
    public static IConfig Config(RunMode mode, string? artifacts, ILogger? logger = null)
    {
        var job = mode switch
        {
            RunMode.Dry => Job.Dry,
            RunMode.Quick => Job.Default.WithWarmupCount(2).WithIterationCount(7).WithIterationTime(TimeInterval.FromMilliseconds(120)),
            _ => Job.Default.WithWarmupCount(4).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250)),
        };
        job = job.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance).WithId(mode.ToString());
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddLogger(logger ?? ConsoleLogger.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        if (artifacts is not null) config = config.WithArtifactsPath(artifacts);
        return config;
    }

    public static async Task<List<Figure>> RunAsync(RunMode mode, IReadOnlyCollection<string>? only, ILogger? logger = null, string? artifacts = null)
    {
        bool Wanted(string part) => only is null || only.Contains(part, StringComparer.OrdinalIgnoreCase);
        var figures = new List<Figure>();

        var size = mode switch { RunMode.Dry => HarnessSize.Dry, RunMode.Quick => HarnessSize.Quick, _ => HarnessSize.Full };
        // More rounds for a profile (perf record) long enough to read.
        if (int.TryParse(Environment.GetEnvironmentVariable("PSRP_BENCH_ROUNDS"), CultureInfo.InvariantCulture, out var rounds) && rounds > 0) size = size with { Rounds = rounds };
        var yaml = Measurements.ScenarioYaml(size);
        // The scenario suite runs first, in a process of its own, while this one is still idle; its row comes last.
        Figure? suite = Wanted("scenarios") ? await ScenarioSuiteFigureAsync(mode).ConfigureAwait(false) : null;
        if (Wanted("e2e") || Wanted("e2e-small") || Wanted("e2e-large") || Wanted("roundtrip") || Wanted("growth"))
        {
            await using var server = await BenchServer.StartAsync(o =>
            {
                // The product's default output buffer (1,000 messages, Block mode) unless PSRP_BENCH_OUTPUT_BUFFER_CAPACITY
                // says otherwise. Until session 10 the harness used 200,000: the behaviour then buffered all 100,000
                // small objects (about 23 MB of slabs, more than the slab pool keeps), so that each round allocated
                // fresh slabs that survived into gen1 and gen2 (1.2 gen1 and 0.3 gen2 collections per round, none with
                // 1,000), which no default configuration does.
                if (int.TryParse(Environment.GetEnvironmentVariable("PSRP_BENCH_OUTPUT_BUFFER_CAPACITY"), CultureInfo.InvariantCulture, out var capacity)) o.OutputBufferCapacity = capacity;
                o.MaxShellsPerUser = 1000;
                o.JournalCapacity = 1000;
            }, yaml).ConfigureAwait(false);

            if (Wanted("e2e") || Wanted("e2e-small"))
            {
                var small = await Measurements.ReceiveThroughputAsync(server, 100, size.SmallObjects, size.Rounds).ConfigureAwait(false);
                figures.AddRange(ThroughputFigures("3 Receive throughput", $"{size.SmallObjects:N0} × 100 B objects", small));
            }

            if (Wanted("e2e") || Wanted("e2e-large"))
            {
                var large = await Measurements.ReceiveThroughputAsync(server, size.LargeObjectBytes, size.LargeObjects, size.Rounds).ConfigureAwait(false);
                figures.AddRange(ThroughputFigures("3 Receive throughput", $"{size.LargeObjects:N0} × {size.LargeObjectBytes / 1024} KB objects (full envelopes)", large));
            }

            if (Wanted("roundtrip"))
            {
                // Round trips on an emulator whose buffer holds all the output that the "written beforehand" Receives
                // take from (Block mode would otherwise keep the producer running), as they have been measured since
                // session 1.
                await using var roundTrips = await BenchServer.StartAsync(o =>
                {
                    o.OutputBufferCapacity = 200_000;
                    o.MaxShellsPerUser = 1000;
                    o.JournalCapacity = 1000;
                }, yaml).ConfigureAwait(false);
                await using var stateInFirstReceive = await BenchServer.StartAsync(o =>
                {
                    o.MaxShellsPerUser = 1000;
                    o.JournalCapacity = 1000;
                    o.SeparateRunspacePoolState = false;
                }, yaml).ConfigureAwait(false);
                var rt = await Measurements.RoundTripAsync(roundTrips, size.RoundTripSamples, size.OpenCloseCycles, size.RoundTripWarmUp, stateInFirstReceive).ConfigureAwait(false);
                const string G = "4 Round trips";
                figures.Add(new Figure(G, "raw HTTP POST round trip p50 / p99", $"{rt.RawP50Ms:F3} / {rt.RawP99Ms:F3} ms"));
                figures.Add(new Figure(G, "small Receive (data waiting) p50 / p99", $"{rt.ReceiveP50Ms:F3} / {rt.ReceiveP99Ms:F3} ms"));
                figures.Add(Ratio(G, "small Receive ÷ raw round trip, p50", rt.ReceiveP50Ms / rt.RawP50Ms, "≤ 1.5×", v => v <= 1.5));
                figures.Add(Ratio(G, "small Receive ÷ raw round trip, p99", rt.ReceiveP99Ms / rt.RawP99Ms, "≤ 2×", v => v <= 2));
                figures.Add(new Figure(G, "small Receive ÷ raw, output all written beforehand, p50 / p99",
                    $"{rt.WrittenBeforehand.P50:F2}× / {rt.WrittenBeforehand.P99:F2}×", null, null, "diagnostic: no producer refilling the buffer meanwhile"));
                figures.Add(new Figure(G, "open + \"hello\" + close: HTTP requests (journal)", rt.RequestsPerCycle.ToString("F1", CultureInfo.InvariantCulture), "≈ 6 (protocol)", null));
                figures.Add(Ratio(G, "open + \"hello\" + close p50 in raw round trips", rt.OpenCloseP50Ms / rt.CycleRawP50Ms, "≤ 8", v => v <= 8,
                    $"{rt.OpenCloseP50Ms:F2} ms; raw round trip {rt.CycleRawP50Ms * 1000:F0} µs, one after each cycle"));
                if (rt.StateInFirstReceive is { } fast)
                {
                    figures.Add(new Figure(G, "open + \"hello\" + close, pool state in the first Receive (SeparateRunspacePoolState=false)",
                        FormattableString.Invariant($"{fast.P50Ms / fast.RawP50Ms:F2}×"), null, null,
                        FormattableString.Invariant($"diagnostic: {fast.Requests:F1} requests, {fast.P50Ms:F2} ms; raw round trip {fast.RawP50Ms * 1000:F0} µs")));
                }
            }

            if (Wanted("growth"))
            {
                const string G = "6 Growth";
                double? one = null;
                foreach (var clients in size.GrowthClients)
                {
                    var rate = await Measurements.OpenInvokeCloseRateAsync(server, clients, size.GrowthDuration).ConfigureAwait(false);
                    one ??= rate;
                    figures.Add(new Figure(G, $"open/\"hello\"/close, {clients} concurrent client(s)", $"{rate:F0} cycles/s", null, null, $"{rate / one.Value:F2}× of 1 client"));
                }

                foreach (var (payload, count) in size.PayloadCurve)
                {
                    var t = await Measurements.ReceiveThroughputAsync(server, payload, count, Math.Max(1, size.Rounds - 1)).ConfigureAwait(false);
                    figures.Add(new Figure(G, $"Receive, {FormatBytes(payload)} objects × {count:N0}: client end to end",
                        $"{t.EndToEndMBps:F1} MB/s", null, null,
                        $"{t.EndToEndRatio:F2} of baseline ({t.BaselineMBps:F0} MB/s); server side {t.ServerRatio:F2}; {t.Responses} responses; CPU {t.ServerCpuMultiple:F1}× / {t.EndToEndCpuMultiple:F1}× the baseline's"));
                }
            }
        }

        if (Wanted("scale"))
        {
            const string G = "5 Scale";
            foreach (var shells in size.ScaleShells)
            {
                var perShell = await Measurements.BytesPerDisconnectedShellAsync(shells, yaml).ConfigureAwait(false);
                figures.Add(new Figure(G, $"managed heap per disconnected shell, {shells:N0} shells", $"{perShell:N0} B",
                    "≤ 2048 B", mode == RunMode.Dry ? null : perShell <= 2048));
            }

            var polls = await Measurements.LongPollsAsync(size.LongPolls, size.LongPollHold, yaml).ConfigureAwait(false);
            figures.Add(new Figure(G, $"{polls.Completed:N0} concurrent long-poll Receives ({polls.HoldSeconds:F0} s hold)",
                $"max {polls.MaxThreads} thread-pool threads", "few threads", mode == RunMode.Dry ? null : polls.MaxThreads <= 64,
                $"{polls.TimedOut} answered TimedOut after the hold; wall {polls.WallSeconds:F1} s"));
            figures.Add(new Figure(G, "heartbeat (100 ms) during the long polls", $"max {polls.HeartbeatMaxLateMs:F0} ms late",
                "on time (≤ 100 ms late)", mode == RunMode.Dry ? null : polls.HeartbeatMaxLateMs <= 100, $"{polls.Beats} beats"));
        }

        if (suite is not null) figures.Add(suite);

        // The codec benchmarks (BenchmarkDotNet, in this process) run last, their rows first. Run first, they left the
        // process in a state that cost the loopback parts after them: the 100 B end-to-end leg took 10 % more CPU
        // (42 against 37-38 ms per round) and came out at 0.39-0.41 of the baseline against 0.43-0.45 alone.
        var types = new List<Type>();
        if (Wanted("clixml")) types.AddRange([typeof(ClixmlSerializeBenchmarks), typeof(ClixmlDeserializeBenchmarks)]);
        if (Wanted("protocol")) types.AddRange([typeof(FragmentBenchmarks), typeof(EnvelopeBenchmarks)]);
        if (types.Count > 0)
        {
            var summaries = BenchmarkRunner.Run([.. types], Config(mode, artifacts, logger ?? NullLogger.Instance));
            var reports = summaries.SelectMany(s => s.Reports).ToList();
            if (reports.Any(r => !r.Success)) throw new InvalidOperationException("A benchmark failed: " + string.Join(", ", reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo)));
            figures.InsertRange(0, BenchmarkFigures(reports, dry: mode == RunMode.Dry));
        }

        return figures;
    }

    /// <summary>
    /// Benchmark 7: <c>psrp-emulator run scenarios/</c> from start to exit, the median of 3 runs (quick) or 5 (full);
    /// the dry run times one small file once, to prove the harness.
    /// </summary>
    private static async Task<Figure> ScenarioSuiteFigureAsync(RunMode mode)
    {
        var runs = await ScenarioSuite.RunAsync(
            mode == RunMode.Dry ? ["scenarios/edge-cases/02-no-commands.yaml"] : ["scenarios"],
            mode switch { RunMode.Dry => 1, RunMode.Quick => 3, _ => 5 }).ConfigureAwait(false);
        var walls = runs.Select(r => r.WallSeconds).Order().ToList();
        var median = walls[walls.Count / 2];
        var first = runs[0];
        var failed = runs.Sum(r => r.ScenariosFailed);
        var note = FormattableString.Invariant($"{first.Scenarios} scenarios, {first.Steps} steps; {runs.Count} run(s): {string.Join(", ", runs.Select(r => r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)))} s")
            + (failed > 0 ? $"; {failed} scenario(s) FAILED: the time is not the suite's" : string.Empty);
        return new Figure("7 Scenario suite", mode == RunMode.Dry ? "psrp-emulator run (one file), wall" : "psrp-emulator run scenarios/, wall (median)",
            median.ToString("F1", CultureInfo.InvariantCulture) + " s", "≤ 15 s", mode == RunMode.Dry ? null : failed == 0 && median <= 15, note);
    }

    private static string FormatBytes(int n) => n >= 1_000_000 ? $"{n / 1_000_000} MB" : n >= 1000 ? $"{n / 1000} KB" : $"{n} B";

    private static IEnumerable<Figure> ThroughputFigures(string group, string what, Measurements.Throughput t)
    {
        yield return new Figure(group, $"{what}: baseline (same bytes, no protocol work)", $"{t.BaselineMBps:F1} MB/s", null, null, $"{t.Responses} responses, {t.Bytes / 1e6:F1} MB");
        yield return Ratio(group, $"{what}: server side ÷ baseline", t.ServerRatio, "≥ 0.5", v => v >= 0.5, $"{t.ServerMBps:F1} MB/s; CPU {t.ServerCpuMultiple:F1}× the baseline's");
        yield return Ratio(group, $"{what}: end to end incl. client decode ÷ baseline", t.EndToEndRatio, "≥ 0.4", v => v >= 0.4, $"{t.EndToEndMBps:F1} MB/s; CPU {t.EndToEndCpuMultiple:F1}× the baseline's");
    }

    private static Figure Ratio(string group, string name, double value, string target, Func<double, bool> met, string? note = null) =>
        new(group, name, value.ToString("F2", CultureInfo.InvariantCulture) + "×", target, met(value), note);

    private static IEnumerable<Figure> BenchmarkFigures(List<BenchmarkReport> reports, bool dry)
    {
        double Median(string type, string method, string param)
        {
            var r = Find(type, method, param);
            return r.ResultStatistics?.Median ?? double.NaN;
        }

        long Allocated(string type, string method, string param)
        {
            var r = Find(type, method, param);
            return r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1;
        }

        BenchmarkReport Find(string type, string method, string param) => reports.Single(r =>
            r.BenchmarkCase.Descriptor.Type.Name == type && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method &&
            r.BenchmarkCase.Parameters.Items.Single().Value.ToString() == param);

        bool? Met(bool value) => dry ? null : value;
        var types = reports.Select(r => r.BenchmarkCase.Descriptor.Type.Name).ToHashSet();

        if (types.Contains(nameof(ClixmlSerializeBenchmarks)))
        {
            const string G = "1 CLIXML";
            foreach (var name in ClixmlCase.Names)
            {
                var objects = name switch { "List10000" => 10_000, "CustomObject20" => 2, _ => 1 };
                var primitive = name is "String" or "Int32";
                var ser = Median(nameof(ClixmlSerializeBenchmarks), "PSSerializer_Serialize", name) / Median(nameof(ClixmlSerializeBenchmarks), "Ours_Serialize", name);
                var des = Median(nameof(ClixmlDeserializeBenchmarks), "PSSerializer_Deserialize", name) / Median(nameof(ClixmlDeserializeBenchmarks), "Ours_Deserialize", name);
                var serAllocOurs = Allocated(nameof(ClixmlSerializeBenchmarks), "Ours_Serialize", name);
                var serAllocPs = Allocated(nameof(ClixmlSerializeBenchmarks), "PSSerializer_Serialize", name);
                var desAllocOurs = Allocated(nameof(ClixmlDeserializeBenchmarks), "Ours_Deserialize", name);
                var desAllocPs = Allocated(nameof(ClixmlDeserializeBenchmarks), "PSSerializer_Deserialize", name);
                yield return new Figure(G, $"{name}: serialize speed-up over PSSerializer", $"{ser:F2}×", "≥ 4×", Met(ser >= 4),
                    $"{Median(nameof(ClixmlSerializeBenchmarks), "Ours_Serialize", name) / 1000:F2} µs vs {Median(nameof(ClixmlSerializeBenchmarks), "PSSerializer_Serialize", name) / 1000:F2} µs");
                var desTarget = primitive ? 1.5 : 2;
                yield return new Figure(G, $"{name}: deserialize speed-up over PSSerializer", $"{des:F2}×", $"≥ {desTarget}×", Met(des >= desTarget),
                    $"{Median(nameof(ClixmlDeserializeBenchmarks), "Ours_Deserialize", name) / 1000:F2} µs vs {Median(nameof(ClixmlDeserializeBenchmarks), "PSSerializer_Deserialize", name) / 1000:F2} µs");
                yield return new Figure(G, $"{name}: allocated per object, serialize (ours / PS)", $"{serAllocOurs / objects:N0} B / {serAllocPs / objects:N0} B",
                    "below PS", Met(serAllocOurs < serAllocPs), $"{(double)serAllocOurs / serAllocPs:F2}×");
                yield return new Figure(G, $"{name}: allocated per object, deserialize (ours / PS)", $"{desAllocOurs / objects:N0} B / {desAllocPs / objects:N0} B",
                    "below PS", Met(desAllocOurs < desAllocPs), $"{(double)desAllocOurs / desAllocPs:F2}×");
            }
        }

        if (types.Contains(nameof(FragmentBenchmarks)))
        {
            const string G = "2 Fragments";
            foreach (var (param, bytes) in new[] { ("Large", ProtocolData.Fragments(ProtocolData.LargeMessage(), 32 * 1024).Length), ("Small", ProtocolData.Fragments(ProtocolData.SmallMessage(), 32 * 1024).Length) })
            {
                var copy = Median(nameof(FragmentBenchmarks), "Copy", param);
                foreach (var method in new[] { "Fragment", "Defragment" })
                {
                    var m = Median(nameof(FragmentBenchmarks), method, param);
                    yield return new Figure(G, $"{method} {param} ({bytes:N0} B)", $"{bytes / m * 1e9 / 1e6:F0} MB/s", null, null,
                        $"{copy / m:F2} of memcpy; {Allocated(nameof(FragmentBenchmarks), method, param):N0} B allocated");
                }
            }

            const string E = "2 Envelopes";
            foreach (var payload in new[] { "200", "368640" })
            {
                var bytes = Measurements_EnvelopeBytes(int.Parse(payload, CultureInfo.InvariantCulture));
                var enc = Median(nameof(EnvelopeBenchmarks), "Base64Encode", payload);
                var dec = Median(nameof(EnvelopeBenchmarks), "Base64Decode", payload);
                var w = Median(nameof(EnvelopeBenchmarks), "Write", payload);
                var r = Median(nameof(EnvelopeBenchmarks), "Read", payload);
                yield return new Figure(E, $"write ReceiveResponse, {payload} B of fragments ({bytes:N0} B XML)", $"{bytes / w * 1e9 / 1e6:F0} MB/s", null, null,
                    $"{enc / w:F2} of base64 encode alone; {Allocated(nameof(EnvelopeBenchmarks), "Write", payload):N0} B allocated");
                yield return new Figure(E, $"read ReceiveResponse, {payload} B of fragments ({bytes:N0} B XML)", $"{bytes / r * 1e9 / 1e6:F0} MB/s", null, null,
                    $"{dec / r:F2} of base64 decode alone; {Allocated(nameof(EnvelopeBenchmarks), "Read", payload):N0} B allocated");
            }
        }
    }

    private static int Measurements_EnvelopeBytes(int payload) => PsrpEmulator.Protocol.WsMan.WsManEnvelopeWriter.Write(ProtocolData.ReceiveResponse(payload)).Length;

    public static string Format(RunMode mode, IReadOnlyList<Figure> figures)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"PsrpEmulator performance ({mode.ToString().ToLowerInvariant()} mode), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine(CultureInfo.InvariantCulture, $"CPU: {CpuName()} ({Environment.ProcessorCount} logical cores); {RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription}");
        sb.AppendLine();
        sb.AppendLine("| # | Figure | Value | Target | Met | Note |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in figures)
        {
            var met = f.Met switch { true => "yes", false => "**no**", null => "" };
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {f.Group} | {f.Name} | {f.Value} | {f.Target} | {met} | {f.Note} |");
        }

        return sb.ToString();
    }

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
