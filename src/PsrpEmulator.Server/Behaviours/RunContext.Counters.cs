using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Counter (Microsoft.PowerShell.Diagnostics' GetCounterCommand) over a few performance counters of the computer,
/// their values agreeing with what its other commands report: Processor's % Processor Time is Win32_Processor's
/// LoadPercentage (3), Memory's Available MBytes Win32_OperatingSystem's FreePhysicalMemory, LogicalDisk's % Free Space
/// and Free Megabytes the computer's disk (C:, and System Reserved's HarddiskVolume1), System Up Time the time since the
/// last boot; the others an idle server's (0). As the cmdlet samples: a first collection for the baseline, then one
/// sample set each SampleInterval seconds on the session's clock (-MaxSamples, 1 by default; -Continuous until stopped),
/// each a PerformanceCounterSampleSet (Timestamp, CounterSamples with their lower-case paths, the Readings script
/// property) in its table. A path naming an object, counter or instance the computer has not is the PDH error
/// (CounterApiError), written and gone on from; without a path, the cmdlet's default counters. -ListSet and other
/// computers are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    private const string CounterSampleTypeName = "Microsoft.PowerShell.Commands.GetCounter.PerformanceCounterSample";

    // System.Diagnostics.PerformanceCounterType's values.
    private const int NumberOfItems32 = 65536, NumberOfItems64 = 65792, RateOfCountsPerSecond32 = 272696320, RateOfCountsPerSecond64 = 272696576,
        RawFraction = 537003008, Timer100Ns = 542180608, Timer100NsInverse = 558957824, ElapsedTime = 807666944;

    private static readonly Dictionary<int, string> CounterTypeNames = new()
    {
        [NumberOfItems32] = "NumberOfItems32", [NumberOfItems64] = "NumberOfItems64", [RateOfCountsPerSecond32] = "RateOfCountsPerSecond32",
        [RateOfCountsPerSecond64] = "RateOfCountsPerSecond64", [RawFraction] = "RawFraction", [Timer100Ns] = "Timer100Ns",
        [Timer100NsInverse] = "Timer100NsInverse", [ElapsedTime] = "ElapsedTime",
    };

    /// <summary>A counter object of the computer: its instances (null: a single-instance object) and counters.</summary>
    private sealed record CounterObject(string Name, string[]? Instances, (string Name, int Type, Func<string?, double> Value)[] Counters);

    // Get-Counter's own default paths (GetCounterCommand's _defaultCounters).
    private static readonly string[] DefaultCounterPaths =
    [
        @"\network interface(*)\bytes total/sec", @"\processor(_total)\% processor time", @"\memory\% committed bytes in use", @"\memory\cache faults/sec",
        @"\physicaldisk(_total)\% disk time", @"\physicaldisk(_total)\current disk queue length",
    ];

    private const string CounterApiError = "CounterApiError";

    private List<CounterObject> CounterObjects()
    {
        // The default scenario's Win32_OperatingSystem: 8,388,148 KB of memory, 5,242,880 KB free; Win32_Processor's load 3 %.
        const double TotalKb = 8_388_148, FreeKb = 5_242_880, Load = 3;
        var disk = Host.FileSystem;
        double capacity = disk?.Size ?? 0, free = disk?.FreeBytes ?? 0;
        // System Reserved's volume (HarddiskVolume1) as Get-Volume reports it.
        var boot = Host.Power?.LastBoot ?? EventLogs.DefaultBoot;
        var upTime = Math.Max(0, (time.GetUtcNow() - boot).TotalSeconds);
        double Percent(double part, double whole) => whole <= 0 ? 0 : part / whole * 100;
        return
        [
            new("processor", ["0", "1", "_total"],
            [
                ("% processor time", Timer100NsInverse, _ => Load), ("% idle time", Timer100Ns, _ => 100 - Load), ("% user time", Timer100Ns, _ => 2),
                ("% privileged time", Timer100Ns, _ => 1), ("% interrupt time", Timer100Ns, _ => 0),
            ]),
            new("memory", null,
            [
                ("available mbytes", NumberOfItems64, _ => Math.Floor(FreeKb / 1024)), ("available bytes", NumberOfItems64, _ => FreeKb * 1024),
                ("% committed bytes in use", RawFraction, _ => Percent(TotalKb - FreeKb, TotalKb)), ("committed bytes", NumberOfItems64, _ => (TotalKb - FreeKb) * 1024),
                ("cache faults/sec", RateOfCountsPerSecond32, _ => 0), ("pages/sec", RateOfCountsPerSecond32, _ => 0),
            ]),
            new("logicaldisk", ["c:", "harddiskvolume1", "_total"],
            [
                ("% free space", RawFraction, i => i switch { "c:" => Percent(free, capacity), "harddiskvolume1" => Percent(ReservedFree, ReservedSize), _ => Percent(free + ReservedFree, capacity + ReservedSize) }),
                ("free megabytes", NumberOfItems32, i => Math.Floor((i switch { "c:" => free, "harddiskvolume1" => ReservedFree, _ => free + ReservedFree }) / 1_048_576)),
                ("% disk time", Timer100Ns, _ => 0), ("current disk queue length", NumberOfItems32, _ => 0),
            ]),
            new("physicaldisk", ["0 c:", "_total"],
            [
                ("% disk time", Timer100Ns, _ => 0), ("current disk queue length", NumberOfItems32, _ => 0), ("avg. disk queue length", Timer100Ns, _ => 0),
                ("disk bytes/sec", RateOfCountsPerSecond64, _ => 0),
            ]),
            new("network interface", ["microsoft hyper-v network adapter"],
            [
                ("bytes total/sec", RateOfCountsPerSecond64, _ => 0), ("bytes received/sec", RateOfCountsPerSecond64, _ => 0), ("bytes sent/sec", RateOfCountsPerSecond64, _ => 0),
            ]),
            new("system", null,
            [
                ("processor queue length", NumberOfItems32, _ => 0), ("system up time", ElapsedTime, _ => Math.Floor(upTime)), ("processes", NumberOfItems32, _ => 4),
            ]),
        ];
    }

    private async ValueTask GetCounterAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Get-Counter";
        RefuseNotEmulated(Command, arguments, "ListSet");
        foreach (var computer in await OptionalTextsAsync(arguments, "ComputerName", to, blockNesting) ?? [])
        {
            if (!IsThisComputer(computer))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-Counter -ComputerName {computer} is not emulated: another computer's counters are read from its own session"));
            }
        }

        ValueTask<long?> Number(string parameter, long minimum) => RangedArgumentAsync(Command, arguments, parameter, minimum, long.MaxValue, to, blockNesting);

        var interval = await Number("SampleInterval", 1) ?? 1;
        var maxSamples = await Number("MaxSamples", 1);
        var continuous = arguments.Has("Continuous");
        if (continuous && maxSamples is not null)
        {
            throw new StatementTerminatedException(new ScriptedError("The Continuous parameter and the MaxSamples parameter cannot be used in the same command.",
                $"CounterContinuousOrMaxSamples,{CmdletClass(Command)}", ErrorCategory.InvalidArgument, "System.Exception") { Activity = Command });
        }

        var paths = await OptionalTextsAsync(arguments, "Counter", to, blockNesting) ?? [.. DefaultCounterPaths];
        var computerName = ComputerName.ToLowerInvariant();
        var objects = CounterObjects();
        // Each path expanded to the counters it names (its wildcards), checked as PDH checks them.
        var chosen = new List<(string Path, string Object, string? Instance, string Counter)>();
        foreach (var path in paths)
        {
            if (ParseCounterPath(path) is not var (objectPattern, instancePattern, counterPattern))
            {
                await CounterErrorAsync("Unable to parse the counter path. Check the format and syntax of the specified path.");
                continue;
            }

            var matchingObjects = objects.Where(o => VirtualFileSystem.Wildcard(objectPattern).IsMatch(o.Name)).ToList();
            if (matchingObjects.Count == 0)
            {
                await CounterErrorAsync("The specified object was not found on the computer.");
                continue;
            }

            var before = chosen.Count;
            var reason = "The specified counter could not be found.";
            foreach (var counterObject in matchingObjects)
            {
                var counters = counterObject.Counters.Where(c => VirtualFileSystem.Wildcard(counterPattern).IsMatch(c.Name)).ToList();
                if (counters.Count == 0) continue;
                // A single-instance object takes no instance; another needs one (a pattern chooses among them).
                var instanceList = new List<string?>();
                if (counterObject.Instances is null && instancePattern is null) instanceList.Add(null);
                else if (counterObject.Instances is { } all && instancePattern is not null) instanceList.AddRange(all.Where(i => VirtualFileSystem.Wildcard(instancePattern).IsMatch(i)));
                if (instanceList.Count == 0) reason = "The specified instance is not present.";
                foreach (var instance in instanceList)
                {
                    foreach (var counter in counters)
                    {
                        chosen.Add(($@"\\{computerName}\{counterObject.Name}{(instance is null ? string.Empty : "(" + instance + ")")}\{counter.Name}", counterObject.Name, instance, counter.Name));
                    }
                }
            }

            if (chosen.Count == before) await CounterErrorAsync(reason);
        }

        if (chosen.Count == 0) return;
        for (var sample = 0L; continuous || sample < (maxSamples ?? 1); sample++)
        {
            // PDH's first collection is the baseline: each sample set comes an interval after the one before.
            await (to ?? Host).SleepAsync(TimeSpan.FromSeconds(interval), time, cancellationToken);
            var now = time.GetUtcNow();
            var current = CounterObjects();
            var samples = chosen.Select(c =>
            {
                var (_, type, value) = current.First(o => o.Name == c.Object).Counters.First(k => k.Name == c.Counter);
                return CounterSample(c.Path, c.Instance, value(c.Instance), type, now);
            }).ToList();
            await output.WriteAsync(new PipelineOutput(CounterSampleSet(now, samples)), cancellationToken);
        }

        ValueTask CounterErrorAsync(string message) =>
            WriteErrorAsync(new ScriptedError(message, $"{CounterApiError},{CmdletClass(Command)}", ErrorCategory.InvalidResult, "System.Exception") { Activity = Command }, output);
    }

    /// <summary>A counter path's object, instance (null: none given) and counter, lower-cased, the computer part dropped; null when it is not one.</summary>
    private static (string Object, string? Instance, string Counter)? ParseCounterPath(string path)
    {
        var text = path.Trim().ToLowerInvariant();
        if (text.StartsWith(@"\\", StringComparison.Ordinal))
        {
            var next = text.IndexOf('\\', 2);
            if (next < 0) return null;
            text = text[next..];
        }

        if (!text.StartsWith('\\')) return null;
        var counterAt = text.LastIndexOf('\\');
        if (counterAt <= 1 || counterAt == text.Length - 1) return null;
        var objectPart = text[1..counterAt];
        var counter = text[(counterAt + 1)..];
        string? instance = null;
        var open = objectPart.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!objectPart.EndsWith(')') || open == 0) return null;
            instance = objectPart[(open + 1)..^1];
            objectPart = objectPart[..open];
        }

        return (objectPart, instance, counter);
    }

    private static PsObject CounterSample(string path, string? instance, double value, int type, DateTimeOffset at)
    {
        var o = new PsObject([CounterSampleTypeName, "System.Object"]) { ToStringValue = CounterSampleTypeName };
        o.AdaptedProperties.AddRange(
        [
            new("Path", PsPrimitive.String(path)),
            new("InstanceName", instance is null ? PsNil.Instance : PsPrimitive.String(instance)),
            new("CookedValue", PsPrimitive.Double(value)),
            new("RawValue", PsPrimitive.UInt64((ulong)Math.Max(0, Math.Round(value)))),
            new("SecondValue", PsPrimitive.UInt64((ulong)at.UtcDateTime.ToFileTimeUtc())),
            new("MultipleCount", PsPrimitive.UInt32(1)),
            new("CounterType", PsObjects.Enum("System.Diagnostics.PerformanceCounterType", CounterTypeNames[type], type)),
            new("Timestamp", PsPrimitive.DateTime(at)),
            new("Timestamp100NSec", PsPrimitive.UInt64((ulong)at.UtcDateTime.ToFileTimeUtc())),
            new("Status", PsPrimitive.UInt32(0)),
            new("DefaultScale", PsPrimitive.UInt32(0)),
            new("TimeBase", PsPrimitive.UInt64(10_000_000)),
        ]);
        return o;
    }

    // A sample set with its Readings (the type data's script property: each path, " :", its value, a blank line).
    private static PsObject CounterSampleSet(DateTimeOffset at, IReadOnlyList<PsObject> samples)
    {
        const string TypeName = "Microsoft.PowerShell.Commands.GetCounter.PerformanceCounterSampleSet";
        var o = new PsObject([TypeName, "System.Object"]) { ToStringValue = TypeName };
        o.AdaptedProperties.AddRange(
        [
            new("Timestamp", PsPrimitive.DateTime(at)),
            new("CounterSamples", PsObjects.List([.. samples], [CounterSampleTypeName + "[]", "System.Array", "System.Object"])),
        ]);
        var readings = string.Concat(samples.Select(s => $"{s["Path"].AsString()} :\n{WindowsText.Double((double)s["CookedValue"]!.AsPrimitive()!.Value!)}\n\n"));
        o.With("Readings", readings);
        return o;
    }
}
