using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Counter (Microsoft.PowerShell.Diagnostics' GetCounterCommand) over a few performance counters of the computer,
/// their values agreeing with what its other commands report: Processor's % Processor Time is Win32_Processor's
/// LoadPercentage (3), Memory's Available MBytes Win32_OperatingSystem's FreePhysicalMemory, LogicalDisk's % Free Space
/// and Free Megabytes the computer's disk (C:, and System Reserved's HarddiskVolume1), System Up Time the time since the
/// last boot, Committed Bytes and Commit Limit Win32_OperatingSystem's virtual memory, Paging File's % Usage its paging
/// file, Process's instances Get-Process's processes (their ids, memory and handles; System's Processes their count);
/// the others an idle server's (0). As the cmdlet samples: a first collection for the baseline, then one
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
        RawFraction = 537003008, Timer100Ns = 542180608, Timer100NsInverse = 558957824, ElapsedTime = 807666944, AverageTimer32 = 805438464;

    private static readonly Dictionary<int, string> CounterTypeNames = new()
    {
        [NumberOfItems32] = "NumberOfItems32", [NumberOfItems64] = "NumberOfItems64", [RateOfCountsPerSecond32] = "RateOfCountsPerSecond32",
        [RateOfCountsPerSecond64] = "RateOfCountsPerSecond64", [RawFraction] = "RawFraction", [Timer100Ns] = "Timer100Ns",
        [Timer100NsInverse] = "Timer100NsInverse", [ElapsedTime] = "ElapsedTime", [AverageTimer32] = "AverageTimer32",
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

    /// <summary>
    /// The computer's counter objects now. <paramref name="processes"/> are Get-Process's processes with their PDH
    /// instance names (the name lower-cased, a second of a name "#1" and so on), the Process object's instances.
    /// </summary>
    private List<CounterObject> CounterObjects(IReadOnlyList<(string Instance, PsObject Process)> processes)
    {
        // The default scenario's Win32_OperatingSystem: 8,388,148 KB of memory, 5,242,880 KB free, 9,829,376 KB of virtual
        // memory (the commit limit), 6,553,600 KB of it free, a paging file of 1,441,228 KB with 1,310,720 KB free;
        // Win32_Processor's load 3 % over its 2 logical processors.
        const double FreeKb = 5_242_880, CommitLimitKb = 9_829_376, FreeVirtualKb = 6_553_600, PagingKb = 1_441_228, PagingFreeKb = 1_310_720, Load = 3, Processors = 2;
        var processInstances = processes.Select(p => p.Instance).Append("_total").ToArray();
        double ProcessValue(string? instance, Func<PsObject, double> value) =>
            instance == "_total" ? processes.Sum(p => value(p.Process)) : processes.Where(p => p.Instance == instance).Select(p => value(p.Process)).FirstOrDefault();
        static double Number(PsObject process, string name) => process[name] is { } v && ScriptExpressions.AsNumberOrNull(v) is { } n ? n : 0;
        // Threads: the ProcessThreads Get-Process gives the process (ServiceProcesses); one for a process without them.
        static double Threads(PsObject process) => process["Threads"] is PsObject { CollectionKind: not PsCollectionKind.None } threads ? threads.Items.Count : 1;
        var started = time.GetUtcNow();
        double Elapsed(PsObject process) => process["StartTime"]?.AsDateTime() is { } at ? Math.Max(0, Math.Floor((started - at).TotalSeconds)) : 0;
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
                ("available mbytes", NumberOfItems64, _ => Math.Floor(FreeKb / 1024)), ("available kbytes", NumberOfItems64, _ => FreeKb),
                ("available bytes", NumberOfItems64, _ => FreeKb * 1024),
                ("% committed bytes in use", RawFraction, _ => Percent(CommitLimitKb - FreeVirtualKb, CommitLimitKb)), ("committed bytes", NumberOfItems64, _ => (CommitLimitKb - FreeVirtualKb) * 1024),
                ("commit limit", NumberOfItems64, _ => CommitLimitKb * 1024), ("cache faults/sec", RateOfCountsPerSecond32, _ => 0), ("pages/sec", RateOfCountsPerSecond32, _ => 0),
                ("page faults/sec", RateOfCountsPerSecond32, _ => 0), ("pages input/sec", RateOfCountsPerSecond32, _ => 0), ("page reads/sec", RateOfCountsPerSecond32, _ => 0),
                ("pool nonpaged bytes", NumberOfItems64, _ => 188_743_680), ("pool paged bytes", NumberOfItems64, _ => 318_767_104),
                ("cache bytes", NumberOfItems64, _ => 104_857_600), ("free system page table entries", NumberOfItems32, _ => 12_521_875),
            ]),
            new("paging file", [@"\??\c:\pagefile.sys", "_total"],
            [
                ("% usage", RawFraction, _ => Percent(PagingKb - PagingFreeKb, PagingKb)), ("% usage peak", RawFraction, _ => Percent(PagingKb - PagingFreeKb, PagingKb)),
            ]),
            new("logicaldisk", ["c:", "harddiskvolume1", "_total"],
            [
                ("% free space", RawFraction, i => i switch { "c:" => Percent(free, capacity), "harddiskvolume1" => Percent(ReservedFree, ReservedSize), _ => Percent(free + ReservedFree, capacity + ReservedSize) }),
                ("free megabytes", NumberOfItems32, i => Math.Floor((i switch { "c:" => free, "harddiskvolume1" => ReservedFree, _ => free + ReservedFree }) / 1_048_576)),
                ("% disk time", Timer100Ns, _ => 0), ("current disk queue length", NumberOfItems32, _ => 0),
            ]),
            new("physicaldisk", ["0 c:", "_total"],
            [
                ("% disk time", Timer100Ns, _ => 0), ("% idle time", Timer100Ns, _ => 100), ("current disk queue length", NumberOfItems32, _ => 0),
                ("avg. disk queue length", Timer100Ns, _ => 0), ("avg. disk read queue length", Timer100Ns, _ => 0), ("avg. disk write queue length", Timer100Ns, _ => 0),
                ("avg. disk sec/read", AverageTimer32, _ => 0), ("avg. disk sec/write", AverageTimer32, _ => 0), ("avg. disk sec/transfer", AverageTimer32, _ => 0),
                ("disk reads/sec", RateOfCountsPerSecond32, _ => 0), ("disk writes/sec", RateOfCountsPerSecond32, _ => 0), ("disk transfers/sec", RateOfCountsPerSecond32, _ => 0),
                ("disk bytes/sec", RateOfCountsPerSecond64, _ => 0), ("disk read bytes/sec", RateOfCountsPerSecond64, _ => 0), ("disk write bytes/sec", RateOfCountsPerSecond64, _ => 0),
            ]),
            new("network interface", ["microsoft hyper-v network adapter"],
            [
                ("bytes total/sec", RateOfCountsPerSecond64, _ => 0), ("bytes received/sec", RateOfCountsPerSecond64, _ => 0), ("bytes sent/sec", RateOfCountsPerSecond64, _ => 0),
                ("packets/sec", RateOfCountsPerSecond32, _ => 0), ("packets received errors", NumberOfItems32, _ => 0), ("packets outbound errors", NumberOfItems32, _ => 0),
                ("packets received discarded", NumberOfItems32, _ => 0), ("output queue length", NumberOfItems32, _ => 0), ("current bandwidth", NumberOfItems64, _ => 10_000_000_000),
            ]),
            // No connection is listed (netstat lists none; the emulator's own WinRM clients are not), so none is counted.
            new("tcpv4", null, TcpCounters()),
            new("tcpv6", null, TcpCounters()),
            new("system", null,
            [
                ("processor queue length", NumberOfItems32, _ => 0), ("system up time", ElapsedTime, _ => Math.Floor(upTime)), ("processes", NumberOfItems32, _ => processes.Count),
                ("threads", NumberOfItems32, _ => processes.Sum(p => Threads(p.Process))), ("context switches/sec", RateOfCountsPerSecond32, _ => 0),
                ("system calls/sec", RateOfCountsPerSecond32, _ => 0), ("file read operations/sec", RateOfCountsPerSecond32, _ => 0),
            ]),
            // Get-Process's processes: the Idle process's time is what the processors did not spend (over both of them).
            new("process", processInstances,
            [
                ("% processor time", Timer100Ns, i => i == "_total" ? 100 * Processors : i == "idle" ? (100 - Load) * Processors : i == "system" ? Load * Processors : 0),
                ("working set", NumberOfItems64, i => ProcessValue(i, p => Number(p, "WS"))), ("working set - private", NumberOfItems64, i => ProcessValue(i, p => Number(p, "PM"))),
                ("private bytes", NumberOfItems64, i => ProcessValue(i, p => Number(p, "PM"))), ("virtual bytes", NumberOfItems64, i => ProcessValue(i, p => Number(p, "VM"))),
                ("handle count", NumberOfItems32, i => ProcessValue(i, p => Number(p, "Handles"))), ("thread count", NumberOfItems32, i => ProcessValue(i, Threads)),
                ("id process", NumberOfItems32, i => i == "_total" ? 0 : ProcessValue(i, p => Number(p, "Id"))), ("elapsed time", ElapsedTime, i => i == "_total" ? 0 : ProcessValue(i, Elapsed)),
                ("io data bytes/sec", RateOfCountsPerSecond64, _ => 0), ("page faults/sec", RateOfCountsPerSecond32, _ => 0),
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
        var processes = await CounterProcessesAsync(blockNesting);
        var objects = CounterObjects(processes);
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
            var current = CounterObjects(processes);
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

    private static (string Name, int Type, Func<string?, double> Value)[] TcpCounters() =>
    [
        ("connections established", NumberOfItems32, _ => 0), ("connections active", NumberOfItems32, _ => 0), ("connections passive", NumberOfItems32, _ => 0),
        ("connection failures", NumberOfItems32, _ => 0), ("connections reset", NumberOfItems32, _ => 0), ("segments/sec", RateOfCountsPerSecond32, _ => 0),
        ("segments received/sec", RateOfCountsPerSecond32, _ => 0), ("segments sent/sec", RateOfCountsPerSecond32, _ => 0), ("segments retransmitted/sec", RateOfCountsPerSecond32, _ => 0),
    ];

    /// <summary>Get-Process's processes with their PDH instance names: the process name lower-cased, the n-th other of one name "name#n".</summary>
    private async ValueTask<List<(string Instance, PsObject Process)>> CounterProcessesAsync(int blockNesting)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<(string, PsObject)>();
        foreach (var process in ScriptExpressions.Enumerate(await CaptureAsync("Get-Process", null, blockNesting + 1)).OfType<PsObject>())
        {
            var name = (process["ProcessName"] ?? process["Name"]) is { } n ? PipelineVariables.Display(n).ToLowerInvariant() : string.Empty;
            var count = seen.GetValueOrDefault(name);
            seen[name] = count + 1;
            list.Add((count == 0 ? name : $"{name}#{count}", process));
        }

        return list;
    }
}
