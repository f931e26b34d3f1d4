using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The processes a computer's running services run in, beside those its Get-Process rule lists: each own-process
/// service's (MsMpEng for WinDefend, msdtc for MSDTC, a script's agent.exe once started), and one per other image that
/// hosts shared services (lsass for SamSs, KeyIso and VaultSvc); the svchost the rule lists hosts the svchost groups.
/// Their ids are Win32_Service's ProcessId, so Get-Process -Id, Win32_Process, tasklist (<c>/svc</c>) and sc queryex
/// agree. Memory and handle counts are made up from the image's name (stable across runs). UNVERIFIED: Windows Server
/// 2019 on 3.5 GB or more splits the svchost groups into a process per service; here one svchost hosts them all.
/// </summary>
internal static class ServiceProcesses
{
    private static readonly string[] ProcessTypeNames = ["System.Diagnostics.Process", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"];

    // The version resource's description of Windows' own service programs (Get-Process's Description).
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lsass"] = "Local Security Authority Process",
        ["MsMpEng"] = "Antimalware Service Executable",
        ["NisSrv"] = "Microsoft Network Realtime Inspection Service",
        ["msdtc"] = "Microsoft Distributed Transaction Coordinator Service",
        ["SgrmBroker"] = "System Guard Runtime Monitor Broker Service",
        ["svchost"] = "Host Process for Windows Services",
        ["spoolsv"] = "Spooler SubSystem App",
        ["dns"] = "Domain Name System (DNS) Server",
        ["dfsrs"] = "Distributed File System Replication",
        ["dfssvc"] = "Windows NT Distributed File System Service",
        ["snmp"] = "SNMP Service",
        ["vmms"] = "Virtual Machine Management Service",
        ["inetinfo"] = "Internet Information Services",
        ["vds"] = "Virtual Disk Service",
        ["VSSVC"] = "Microsoft® Volume Shadow Copy Service",
        ["TrustedInstaller"] = "Windows Modules Installer",
        ["msiexec"] = "Windows® installer",
    };

    /// <summary>Whether the program runs as a protected process (Defender's, System Guard's): ending it is "Access is denied".</summary>
    public static bool IsProtected(string name) => Protected.Contains(name);

    private static readonly HashSet<string> Protected = new(StringComparer.OrdinalIgnoreCase) { "MsMpEng", "NisSrv", "SgrmBroker" };

    /// <summary>Whether ending the program ends Windows (lsass, services): not emulated.</summary>
    public static bool IsCritical(string name) => name.Equals("lsass", StringComparison.OrdinalIgnoreCase) || name.Equals("services", StringComparison.OrdinalIgnoreCase);

    /// <summary>One process that runs services: its id, image name (agent.exe), full path and the services in it, by name.</summary>
    internal sealed record HostProcess(int Id, string Image, string Path, IReadOnlyList<ServiceDefinition> Services)
    {
        /// <summary>The process name Get-Process gives (the image without .exe).</summary>
        public string Name => Image.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? Image[..^4] : Image;

        /// <summary>The account it runs as (DOMAIN\user): its first service's, by name, as Windows names it.</summary>
        public string Account(string? computer) => Services[0].StartName switch
        {
            var a when a.Equals("LocalSystem", StringComparison.OrdinalIgnoreCase) => @"NT AUTHORITY\SYSTEM",
            var a when a.Equals(@"NT AUTHORITY\LocalService", StringComparison.OrdinalIgnoreCase) => @"NT AUTHORITY\LOCAL SERVICE",
            var a when a.Equals(@"NT AUTHORITY\NetworkService", StringComparison.OrdinalIgnoreCase) => @"NT AUTHORITY\NETWORK SERVICE",
            var a when a.StartsWith(@".\", StringComparison.Ordinal) => $"{computer}\\{a[2..]}",
            var a => a,
        };
    }

    /// <summary>The processes the computer's running services run in, by id.</summary>
    public static IReadOnlyList<HostProcess> Running(ComputerServices services) =>
        [.. services.All()
            .Where(s => services.CurrentStatus(s).Equals("Running", StringComparison.OrdinalIgnoreCase))
            .GroupBy(s => s.RunningProcessId)
            .Select(g => new HostProcess(g.Key, ImageName(ProgramPath(g.First().BinaryPathName)), ProgramPath(g.First().BinaryPathName), [.. g.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)]))
            .OrderBy(p => p.Id)];

    /// <summary>
    /// The program of a service's command line: the quoted path, else the text up to the first ".exe" (or the first
    /// blank), %SystemRoot% expanded as the Service Control Manager does.
    /// </summary>
    public static string ProgramPath(string commandLine)
    {
        var text = commandLine.Trim();
        string path;
        if (text.StartsWith('"'))
        {
            var end = text.IndexOf('"', 1);
            path = end > 0 ? text[1..end] : text[1..];
        }
        else
        {
            var exe = text.IndexOf(".exe", StringComparison.OrdinalIgnoreCase);
            var blank = text.IndexOf(' ', StringComparison.Ordinal);
            path = exe >= 0 ? text[..(exe + 4)] : blank >= 0 ? text[..blank] : text;
        }

        return Expanded(path);
    }

    /// <summary>A command line with %SystemRoot% (%windir%) expanded, as the Service Control Manager starts it.</summary>
    public static string Expanded(string commandLine) =>
        commandLine.Replace("%SystemRoot%", @"C:\Windows", StringComparison.OrdinalIgnoreCase).Replace("%windir%", @"C:\Windows", StringComparison.OrdinalIgnoreCase);

    private static string ImageName(string path) => path[(path.LastIndexOfAny(['\\', '/']) + 1)..];

    /// <summary>
    /// A process's object as Get-Process writes it, up to its version resource and path: its names, id and counters
    /// (the properties and types the rule's own processes have, the types.ps1xml aliases beside the .NET properties).
    /// </summary>
    internal static PsObject Counters(string name, int id, int sessionId, int handles, int nonpaged, int privateBytes, int workingSet, long virtualSize, double cpu) =>
        new PsObject(ProcessTypeNames) { ToStringValue = $"System.Diagnostics.Process ({name})" }
            .With("Name", name).With("ProcessName", name).With("Id", id)
            .With("Handles", handles).With("NPM", nonpaged).With("PM", privateBytes).With("WS", workingSet)
            .With("CPU", PsPrimitive.Double(cpu)).With("SI", sessionId).With("HandleCount", handles)
            .With("NonpagedSystemMemorySize64", PsPrimitive.Int64(nonpaged)).With("PrivateMemorySize64", PsPrimitive.Int64(privateBytes))
            .With("VirtualMemorySize64", PsPrimitive.Int64(virtualSize)).With("WorkingSet64", PsPrimitive.Int64(workingSet))
            .With("SessionId", sessionId).With("WorkingSet", workingSet).With("VM", PsPrimitive.Int64(virtualSize)).With("PrivateMemorySize", privateBytes)
            .With("TotalProcessorTime", PsPrimitive.Duration(TimeSpan.FromSeconds(cpu)));

    /// <summary>The process as Get-Process writes it (the properties and their types the rule's own processes have).</summary>
    public static PsObject ProcessObject(HostProcess process)
    {
        var hash = ServiceDefinition.StableHash(process.Image);
        var workingSet = 4_096 * (1_500 + (int)(hash % 6_000));
        var privateBytes = 4_096 * (600 + (int)(hash / 7 % 4_000));
        var handles = 150 + (int)(hash / 13 % 900);
        var cpu = (hash / 17 % 3_000) / 100.0;
        var windows = process.Path.StartsWith(@"C:\Windows\", StringComparison.OrdinalIgnoreCase) || process.Path.Contains(@"\Windows Defender\", StringComparison.OrdinalIgnoreCase);
        var o = Counters(process.Name, process.Id, sessionId: 0, handles, 8_192 + (int)(hash % 32) * 512, privateBytes, workingSet, 2_203_318_000_000L + hash % 100_000_000L * 4_096, cpu);
        if (IsProtected(process.Name))
        {
            // An antimalware-protected process (MsMpEng, NisSrv, SgrmBroker): PowerShell 5.1 reads these from its main
            // module, which an administrator cannot open either, as for Windows' own protected processes.
            return o.With("Company", PsNil.Instance).With("Description", PsNil.Instance).With("FileVersion", PsNil.Instance).With("ProductVersion", PsNil.Instance)
                .With("Path", PsNil.Instance);
        }

        if (windows)
        {
            o.With("Company", "Microsoft Corporation").With("Description", Descriptions.GetValueOrDefault(process.Name) ?? process.Name)
                .With("FileVersion", "10.0.17763.1 (WinBuild.160101.0800)").With("ProductVersion", "10.0.17763.1");
        }
        else
        {
            // A script's own program: no version resource the emulator knows.
            o.With("Company", PsNil.Instance).With("Description", PsNil.Instance).With("FileVersion", PsNil.Instance).With("ProductVersion", PsNil.Instance);
        }

        return o.With("Path", process.Path);
    }
}

/// <summary>
/// <c>{ $withServiceProcesses: [ processes ] }</c>: the processes listed, and those the computer's running services run
/// in that the list has not (<see cref="ServiceProcesses"/>), sorted as Get-Process sorts them (by name, then id).
/// <c>{ $withWindowsProcesses: [ processes ] }</c> adds Windows' own processes too (<see cref="WindowsProcesses"/>:
/// smss, csrss, wininit, services...).
/// </summary>
internal sealed class ServiceProcessesValueTemplate(ValueTemplate listed, bool windows = false) : ValueTemplate
{
    public override PsValue Build(RunScope scope) => PsObjects.List([.. BuildForPipeline(scope)]);

    public override IEnumerable<PsValue> BuildForPipeline(RunScope scope)
    {
        var items = listed.BuildForPipeline(scope).ToList();
        var ids = items.OfType<PsObject>().Select(p => p["Id"]).Where(v => v is not null and not PsNil).Select(v => PipelineVariables.Display(v!)).ToHashSet(StringComparer.Ordinal);
        var all = items.Concat(ServiceProcesses.Running(scope.Variables.Services)
                .Where(p => !ids.Contains(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Select(p => (PsValue)ServiceProcesses.ProcessObject(p)))
            .Concat(windows
                ? WindowsProcesses.All.Where(p => !ids.Contains(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Select(p => (PsValue)WindowsProcesses.ProcessObject(p))
                : [])
            .ToList();
        var boot = scope.Variables.Power?.LastBoot ?? EventLogs.DefaultBoot;
        var session = scope.Variables.Get("PID") is { } pid and not PsNil ? PipelineVariables.Display(pid) : null;
        foreach (var process in all.OfType<PsObject>())
        {
            WithStartTime(process, boot, session, scope.Variables.Runspace.Opened);
            WithPriorityAndThreads(process);
            WithProductAndNounName(process);
            WithDotNetProperties(process);
        }

        return all.OrderBy(v => v is PsObject o && o["ProcessName"] is { } n ? PipelineVariables.Display(n) : string.Empty, StringComparer.OrdinalIgnoreCase)
            .ThenBy(v => v is PsObject o && o["Id"] is { } id && int.TryParse(PipelineVariables.Display(id), out var number) ? number : 0);
    }

    /// <summary>
    /// types.ps1xml's last two members of a process when its object has none: the script property Product (its main
    /// module's ProductName: Windows' for a program Microsoft Corporation made, none for another or a protected one) and
    /// the note __NounName (Process), which Format-List * and the CSV header show after Description.
    /// </summary>
    private static void WithProductAndNounName(PsObject process)
    {
        if (process["Product"] is null)
        {
            var microsoft = process["Company"] is { } company && PipelineVariables.Display(company) == "Microsoft Corporation";
            process.With("Product", microsoft ? PsPrimitive.String("Microsoft® Windows® Operating System") : PsNil.Instance);
        }

        if (process["__NounName"] is null) process.With("__NounName", "Process");
    }

    /// <summary>
    /// The rest of System.Diagnostics.Process's properties when the object has none, as 5.1 reads them for a running
    /// process (Select-Object * and Format-List * list them all, scripts read Responding, HasExited, MainModule): not
    /// exited (ExitCode, ExitTime and the redirected streams unreadable, so empty), MachineName ".", no window (handle 0,
    /// title empty), responding, the 32-bit sizes the 64-bit ones cut to an Int32 (VirtualMemorySize goes negative past
    /// 2 GB, as on Windows), peaks a little above the current values, the processor time split between kernel and user,
    /// affinity the two processors, the main module and the first modules Windows loads. A protected process (no Path:
    /// Idle, System, csrss...) has what 5.1 cannot open empty: Handle, MainModule, Modules, working set limits, affinity.
    /// UNVERIFIED values: the handle numbers, paged pool sizes, peaks and the kernel/user split.
    /// </summary>
    private static void WithDotNetProperties(PsObject process)
    {
        if (process["Responding"] is not null || process["Id"] is not { } idValue || ScriptExpressions.AsNumberOrNull(idValue) is not { } idNumber) return;
        var id = (long)idNumber;
        long Number(string name) => process[name] is { } v && ScriptExpressions.AsNumberOrNull(v) is { } n ? (long)n : 0;
        var name = process["ProcessName"] is { } n ? PipelineVariables.Display(n) : string.Empty;
        var path = process["Path"] is PsPrimitive { Value: string p } ? p : null;
        var opened = path is not null;
        var hash = ServiceDefinition.StableHash(name + id);
        var (nonpaged, paged, workingSet, virtualSize) = (Number("NPM"), Number("PM"), Number("WS"), Number("VM"));
        var cpu = process["TotalProcessorTime"] is PsPrimitive { Value: TimeSpan total } ? total : TimeSpan.Zero;
        var kernel = TimeSpan.FromTicks(cpu.Ticks * 2 / 5);
        var pagedPool = 40_000L + (long)(hash % 400) * 1_000;
        PsValue Int32(long value) => PsPrimitive.Int32(unchecked((int)value));
        PsValue Int64(long value) => PsPrimitive.Int64(value);
        PsValue Opened(PsValue value) => opened ? value : PsNil.Instance;
        static PsObject Opaque(string typeName) => new([typeName, "System.Object"]) { ToStringValue = typeName };

        var add = new (string Name, PsValue Value)[]
        {
            ("ExitCode", PsNil.Instance),
            ("HasExited", PsPrimitive.Boolean(false)),
            ("ExitTime", PsNil.Instance),
            ("Handle", Opened(Int64(1_000 + (long)(hash % 3_000) * 4))),
            ("SafeHandle", Opened(Opaque("Microsoft.Win32.SafeHandles.SafeProcessHandle"))),
            ("MachineName", PsPrimitive.String(".")),
            ("MainWindowHandle", Int64(0)),
            ("MainWindowTitle", PsPrimitive.String(string.Empty)),
            ("MainModule", opened ? Module(path!, workingSet) : PsNil.Instance),
            ("MaxWorkingSet", Opened(Int64(1_413_120))),
            ("MinWorkingSet", Opened(Int64(204_800))),
            ("Modules", opened ? PsObjects.List(
                [Module(path!, workingSet), Module(@"C:\Windows\SYSTEM32\ntdll.dll", 2_011_136), Module(@"C:\Windows\System32\KERNEL32.DLL", 729_088), Module(@"C:\Windows\System32\KERNELBASE.dll", 2_637_824)],
                ["System.Diagnostics.ProcessModuleCollection", "System.Collections.ReadOnlyCollectionBase", "System.Object"]) : PsNil.Instance),
            ("NonpagedSystemMemorySize", Int32(nonpaged)),
            ("PagedMemorySize", Int32(paged)),
            ("PagedMemorySize64", Int64(paged)),
            ("PagedSystemMemorySize", Int32(pagedPool)),
            ("PagedSystemMemorySize64", Int64(pagedPool)),
            ("PeakPagedMemorySize", Int32(paged * 6 / 5)),
            ("PeakPagedMemorySize64", Int64(paged * 6 / 5)),
            ("PeakWorkingSet", Int32(workingSet * 13 / 10)),
            ("PeakWorkingSet64", Int64(workingSet * 13 / 10)),
            ("PeakVirtualMemorySize", Int32(virtualSize + 4_194_304)),
            ("PeakVirtualMemorySize64", Int64(virtualSize + 4_194_304)),
            ("PriorityBoostEnabled", Opened(PsPrimitive.Boolean(true))),
            ("PrivilegedProcessorTime", PsPrimitive.Duration(kernel)),
            ("ProcessorAffinity", Opened(Int64(3))),
            ("Responding", PsPrimitive.Boolean(true)),
            ("StartInfo", Opaque("System.Diagnostics.ProcessStartInfo")),
            ("SynchronizingObject", PsNil.Instance),
            ("UserProcessorTime", PsPrimitive.Duration(cpu - kernel)),
            ("VirtualMemorySize", Int32(virtualSize)),
            ("EnableRaisingEvents", PsPrimitive.Boolean(false)),
            ("StandardInput", PsNil.Instance),
            ("StandardOutput", PsNil.Instance),
            ("StandardError", PsNil.Instance),
            ("Site", PsNil.Instance),
            ("Container", PsNil.Instance),
        };
        foreach (var (property, value) in add)
        {
            if (process[property] is null) process.With(property, value);
        }
    }

    // A module of a process: "System.Diagnostics.ProcessModule (name)", its file and size.
    private static PsObject Module(string fileName, long size)
    {
        var moduleName = fileName[(fileName.LastIndexOf('\\') + 1)..];
        var o = new PsObject(["System.Diagnostics.ProcessModule", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"])
        {
            ToStringValue = $"System.Diagnostics.ProcessModule ({moduleName})",
        };
        o.AdaptedProperties.AddRange(
        [
            new("ModuleName", PsPrimitive.String(moduleName)),
            new("FileName", PsPrimitive.String(fileName)),
            new("ModuleMemorySize", PsPrimitive.Int32(unchecked((int)size))),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
        return o;
    }

    /// <summary>
    /// A process's StartTime when its object has none: the session's own wsmprovhost.exe ($PID) when the runspace opened;
    /// System at the boot; the others a few seconds after it, by their name (a service a command started later keeps
    /// the boot's: UNVERIFIED). The Idle process has none (5.1 cannot read it).
    /// </summary>
    private static void WithStartTime(PsObject process, DateTimeOffset boot, string? sessionPid, DateTimeOffset opened)
    {
        if (process["StartTime"] is not null || process["Id"] is not { } idValue) return;
        var id = PipelineVariables.Display(idValue);
        if (id == "0") return;
        var name = process["ProcessName"] is { } n ? PipelineVariables.Display(n) : string.Empty;
        var started = id == sessionPid ? opened
            : id == "4" ? boot
            : boot + TimeSpan.FromSeconds(3 + ServiceDefinition.StableHash(name) % 40);
        process.With("StartTime", PsPrimitive.DateTime(started));
    }

    /// <summary>
    /// A process's PriorityClass (Normal; the Idle and System processes have none 5.1 can read), BasePriority (8; Idle
    /// 0) and Threads when its object has none: one ProcessThread (its Id, waiting at the base priority) per 25 handles
    /// of the process, as Get-Counter's Thread Count reads it (UNVERIFIED ratio; the ids are made up from the process id).
    /// </summary>
    private static void WithPriorityAndThreads(PsObject process)
    {
        if (process["Threads"] is not null || process["Id"] is not { } idValue || ScriptExpressions.AsNumberOrNull(idValue) is not { } idNumber) return;
        var id = (int)idNumber;
        var system = id is 0 or 4;
        if (process["PriorityClass"] is null)
        {
            process.With("PriorityClass", system ? PsNil.Instance : PsObjects.Enum("System.Diagnostics.ProcessPriorityClass", "Normal", 32));
        }

        if (process["BasePriority"] is null) process.With("BasePriority", PsPrimitive.Int32(id == 0 ? 0 : 8));
        var handles = process["Handles"] is { } h && ScriptExpressions.AsNumberOrNull(h) is { } count ? count : 0;
        var threads = id == 0 ? 2 : (int)Math.Max(1, Math.Floor(handles / 25));
        var items = new List<PsValue>(threads);
        for (var i = 0; i < threads; i++)
        {
            var thread = new PsObject(["System.Diagnostics.ProcessThread", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"])
            {
                ToStringValue = "System.Diagnostics.ProcessThread",
            };
            thread.AdaptedProperties.AddRange(
            [
                new("Id", PsPrimitive.Int32(id == 0 ? i : id + 4 * (i + 1))),
                new("BasePriority", PsPrimitive.Int32(id == 0 ? 0 : 8)),
                new("CurrentPriority", PsPrimitive.Int32(id == 0 ? 0 : 8)),
                new("ThreadState", PsObjects.Enum("System.Diagnostics.ThreadState", "Wait", 5)),
                new("WaitReason", PsObjects.Enum("System.Diagnostics.ThreadWaitReason", "UserRequest", 6)),
            ]);
            items.Add(thread);
        }

        process.With("Threads", PsObjects.List(items, ["System.Diagnostics.ProcessThreadCollection", "System.Collections.ReadOnlyCollectionBase", "System.Object"]));
    }
}
