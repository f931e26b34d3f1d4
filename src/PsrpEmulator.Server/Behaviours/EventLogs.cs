namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's classic event logs, as Get-EventLog, Write-EventLog, New-EventLog, Remove-EventLog, Clear-EventLog,
/// Limit-EventLog and Get-WinEvent see and change them: Windows Server 2019's logs (Application, HardwareEvents,
/// Internet Explorer, Key Management Service, Security, System, Windows PowerShell) with the sources registered to each,
/// the entries the computer's boot wrote (UNVERIFIED: a real server has thousands), the scenario's <c>eventLog:</c>
/// entries, and what happens later: a service entering the running or stopped state (Service Control Manager 7036),
/// a restart (User32 1074, EventLog 6006, then the boot's entries), Write-EventLog. A log keeps at most
/// <see cref="MaxEntriesPerLog"/> entries and its Max(K) of bytes, overwriting the oldest whatever its OverflowAction.
/// Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class EventLogs
{
    /// <summary>System.Diagnostics.EventLogEntryType.</summary>
    public enum EntryType
    {
        Error = 1,
        Warning = 2,
        Information = 4,
        SuccessAudit = 8,
        FailureAudit = 16,
    }

    /// <summary>An entry: its log's record number (Index), source, InstanceId (the event id with its severity bits), type, category, text.</summary>
    public sealed record Entry(int Index, string Log, string Source, long InstanceId, EntryType Type, short Category, string Message,
        IReadOnlyList<string> ReplacementStrings, byte[] Data, DateTimeOffset TimeGenerated, string? UserName)
    {
        /// <summary>EventLogEntry.EventID: the InstanceId without its severity and customer bits.</summary>
        public int EventId => (int)(InstanceId & 0x3FFFFFFF);

        /// <summary>EventLogRecord.Qualifiers (Get-WinEvent): the InstanceId's high 16 bits.</summary>
        public int Qualifiers => (int)((InstanceId >> 16) & 0xFFFF);
    }

    /// <summary>A log's settings (Limit-EventLog's) and how many entries it holds.</summary>
    public sealed record LogInfo(string Name, int MaximumKilobytes, string OverflowAction, int MinimumRetentionDays, int Count);

    /// <summary>An entry the scenario puts in a log before any session starts.</summary>
    public sealed record Seed(string Log, string Source, long InstanceId, EntryType Type, short Category, string Message, DateTimeOffset? Time, string? Computer);

    /// <summary>Entries one log keeps at most: a script that writes in a loop overwrites the oldest.</summary>
    public const int MaxEntriesPerLog = 10_000;

    /// <summary>Logs a computer has at most (New-EventLog with made-up names cannot grow it without bound).</summary>
    public const int MaxLogs = 256;

    /// <summary>Bytes one log keeps at most, whatever Limit-EventLog set (its Max(K) when smaller).</summary>
    public const long MaxBytesPerLog = 20L * 1024 * 1024;

    /// <summary>Bytes a computer's logs keep together at most.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <summary>Sources a computer has at most.</summary>
    public const int MaxSources = 10_000;

    private sealed class Log(string name, int maximumKilobytes, string overflowAction, int retentionDays)
    {
        public string Name { get; } = name;
        public int MaximumKilobytes { get; set; } = maximumKilobytes;
        public string OverflowAction { get; set; } = overflowAction;
        public int MinimumRetentionDays { get; set; } = retentionDays;
        public Queue<Entry> Entries { get; } = new();
        public long Bytes { get; set; }
        public int NextIndex { get; set; } = 1;
    }

    // Windows Server 2019's classic logs (Max(K), Retain, OverflowAction as Get-EventLog -List shows a new server's:
    // UNVERIFIED except Application's and System's) and the sources of Windows' own that the emulator's entries use.
    private static readonly (string Name, int MaxKb, string Overflow, int Retain, string[] Sources)[] WindowsLogs =
    [
        ("Application", 20_480, "OverwriteAsNeeded", 0, ["Application", "MsiInstaller", "Windows Error Reporting", "Microsoft-Windows-RestartManager", "Desktop Window Manager"]),
        ("HardwareEvents", 20_480, "OverwriteAsNeeded", 0, []),
        ("Internet Explorer", 512, "OverwriteOlder", 7, []),
        ("Key Management Service", 20_480, "OverwriteAsNeeded", 0, []),
        ("Security", 20_480, "OverwriteAsNeeded", 0, ["Microsoft-Windows-Security-Auditing", "Security"]),
        ("System", 20_480, "OverwriteAsNeeded", 0, ["System", "Service Control Manager", "EventLog", "User32", "Microsoft-Windows-Kernel-General", "Microsoft-Windows-WinRM", "Microsoft-Windows-Eventlog"]),
        ("Windows PowerShell", 15_360, "OverwriteAsNeeded", 0, ["PowerShell"]),
    ];

    /// <summary>
    /// Windows Server 2019's event channels beside the classic logs that scripts read with Get-WinEvent (PowerShell's,
    /// WinRM's, Task Scheduler's, Defender's, the sessions', Group Policy's, setup's): their maximum size in KB. They are
    /// empty here (nothing the emulator does writes to them), and Get-EventLog does not know them, as on Windows.
    /// UNVERIFIED: the sizes; a real server has some 350 channels.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, int MaxKb)> Channels =
    [
        ("ForwardedEvents", 20_480), ("Microsoft-Windows-GroupPolicy/Operational", 4_096), ("Microsoft-Windows-PowerShell/Admin", 1_028),
        ("Microsoft-Windows-PowerShell/Operational", 15_360), ("Microsoft-Windows-TaskScheduler/Operational", 10_240),
        ("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", 1_028), ("Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", 1_028),
        ("Microsoft-Windows-Windows Defender/Operational", 16_384), ("Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", 1_028),
        ("Microsoft-Windows-WindowsUpdateClient/Operational", 1_028), ("Microsoft-Windows-WinRM/Operational", 1_028), ("Setup", 1_028),
    ];

    /// <summary>Service Control Manager's 7036 (informational: 0x40000000 | 7036).</summary>
    public const long ServiceStateInstanceId = 1073748860;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<Log> _logs = [];
    private readonly Dictionary<string, string> _sources = new(StringComparer.OrdinalIgnoreCase);
    private long _totalBytes;

    // The sources eventcreate registered (it writes only to those, and to sources it has not met).
    private readonly HashSet<string> _customSources = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="boot">When the computer booted: the boot's entries' time.</param>
    /// <param name="seeds">The scenario's entries for this computer (their source registered to their log if new).</param>
    public EventLogs(TimeProvider time, DateTimeOffset boot, IEnumerable<Seed>? seeds = null)
    {
        _time = time;
        foreach (var (name, maxKb, overflow, retain, sources) in WindowsLogs)
        {
            _logs.Add(new Log(name, maxKb, overflow, retain));
            foreach (var source in sources) _sources[source] = name;
        }

        Booted(boot);
        foreach (var seed in (seeds ?? []).OrderBy(s => s.Time ?? boot))
        {
            lock (_gate)
            {
                var log = FindLog(seed.Log) ?? AddLog(seed.Log);
                if (log is null) continue;
                if (!_sources.ContainsKey(seed.Source)) _sources[seed.Source] = log.Name;
                Append(log, seed.Source, seed.InstanceId, seed.Type, seed.Category, seed.Message, [seed.Message], [], seed.Time ?? boot, null);
            }
        }
    }

    /// <summary>The boot's entries: the event log service starting, the Windows version, WinRM's service starting (Security: Windows starting up).</summary>
    public void Booted(DateTimeOffset at)
    {
        lock (_gate)
        {
            var system = FindLog("System")!;
            Append(system, "EventLog", 2147489657, EntryType.Information, 0, "Microsoft (R) Windows (R) 10.00. 17763  Multiprocessor Free.", ["10.00.", "17763", "", "Multiprocessor Free", "0"], [], at, null);
            Append(system, "EventLog", 2147489653, EntryType.Information, 0, "The Event log service was started.", [], [], at, null);
            Append(system, "Service Control Manager", ServiceStateInstanceId, EntryType.Information, 0,
                "The Windows Remote Management (WS-Management) service entered the running state.", ["Windows Remote Management (WS-Management)", "running"], [], at.AddSeconds(20), null);
            Append(FindLog("Security")!, "Microsoft-Windows-Security-Auditing", 4608, EntryType.SuccessAudit, 12288,
                "Windows is starting up.\r\n\r\nThis event is logged when LSASS.EXE starts and the auditing subsystem is initialized.", [], [], at, null);
        }
    }

    /// <summary>The default scenario's boot time (its Win32_OperatingSystem's LastBootUpTime): the boot's entries of a computer never restarted.</summary>
    public static readonly DateTimeOffset DefaultBoot = new(2026, 1, 12, 9, 35, 0, TimeSpan.Zero);

    /// <summary>A restart asked for: User32's 1074 naming the program and the user who asked (<c>DOMAIN\user</c>).</summary>
    public void RestartRequested(string computer, string user, string process)
    {
        var upper = computer.ToUpperInvariant();
        lock (_gate)
        {
            Append(FindLog("System")!, "User32", 2147484722, EntryType.Information, 0,
                $"The process {process} ({upper}) has initiated the restart of computer {upper} on behalf of user {user} for the following reason: No title for this reason could be found\r\n Reason Code: 0x800000ff\r\n Shutdown Type: restart\r\n Comment: ",
                [$"{process} ({upper})", upper, "No title for this reason could be found", "0x800000ff", "restart", string.Empty, user], [], _time.GetUtcNow(), user);
        }
    }

    /// <summary>The computer restarted at <paramref name="at"/>: the event log service stopping, then the boot's entries.</summary>
    public void Restarted(DateTimeOffset at)
    {
        lock (_gate) Append(FindLog("System")!, "EventLog", 2147489654, EntryType.Information, 0, "The Event log service was stopped.", [], [], at, null);
        Booted(at);
    }

    /// <summary>Service Control Manager's 7036: the service entered the running or stopped state.</summary>
    public void ServiceEntered(string displayName, string status)
    {
        var state = status.Equals("Running", StringComparison.OrdinalIgnoreCase) ? "running" : status.Equals("Paused", StringComparison.OrdinalIgnoreCase) ? "paused" : "stopped";
        lock (_gate)
        {
            Append(FindLog("System")!, "Service Control Manager", ServiceStateInstanceId, EntryType.Information, 0,
                $"The {displayName} service entered the {state} state.", [displayName, state], [], _time.GetUtcNow(), null);
        }
    }

    /// <summary>Every log, by name (as the registry's EventLog key lists them).</summary>
    public IReadOnlyList<LogInfo> Logs()
    {
        lock (_gate)
        {
            return [.. _logs.OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).Select(Info)];
        }
    }

    /// <summary>A log by name (case ignored); null when the computer has none.</summary>
    public LogInfo? Find(string name)
    {
        lock (_gate) return FindLog(name) is { } log ? Info(log) : null;
    }

    /// <summary>The log a source is registered to; null when it is not.</summary>
    public string? LogOfSource(string source)
    {
        lock (_gate) return _sources.GetValueOrDefault(source);
    }

    /// <summary>A log's entries, newest first.</summary>
    public IReadOnlyList<Entry> Entries(string log)
    {
        lock (_gate) return FindLog(log) is { } found ? [.. found.Entries.Reverse()] : [];
    }

    /// <summary>Writes an entry (Write-EventLog); null when the source is not registered.</summary>
    public Entry? Write(string source, long instanceId, EntryType type, short category, string message, byte[] data, string? user)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var logName) || FindLog(logName) is not { } log) return null;
            return Append(log, source, instanceId, type, category, message, [message], data, _time.GetUtcNow(), user);
        }
    }

    /// <summary>The outcome of registering a source (New-EventLog).</summary>
    public enum RegisterResult
    {
        Registered,
        SourceExists,
        Full,
    }

    /// <summary>Registers <paramref name="source"/> to <paramref name="log"/>, making the log if it is new.</summary>
    public RegisterResult Register(string log, string source)
    {
        lock (_gate)
        {
            if (_sources.ContainsKey(source)) return RegisterResult.SourceExists;
            if (_sources.Count >= MaxSources) return RegisterResult.Full;
            var found = FindLog(log) ?? AddLog(log);
            if (found is null) return RegisterResult.Full;
            _sources[source] = found.Name;
            return RegisterResult.Registered;
        }
    }

    /// <summary>
    /// eventcreate's source: registered to <paramref name="log"/> as a custom source at first use; one registered by
    /// another program (New-EventLog, Windows), or to another log, is <see cref="RegisterResult.SourceExists"/>.
    /// </summary>
    public RegisterResult RegisterCustom(string log, string source)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(source, out var registered))
            {
                return _customSources.Contains(source) && registered.Equals(log, StringComparison.OrdinalIgnoreCase) ? RegisterResult.Registered : RegisterResult.SourceExists;
            }

            if (_sources.Count >= MaxSources || FindLog(log) is not { } found) return RegisterResult.Full;
            _sources[source] = found.Name;
            _customSources.Add(source);
            return RegisterResult.Registered;
        }
    }

    /// <summary>Removes a log with its sources (Remove-EventLog -LogName); false when there is none.</summary>
    public bool RemoveLog(string name)
    {
        lock (_gate)
        {
            if (FindLog(name) is not { } log) return false;
            _logs.Remove(log);
            _totalBytes -= log.Bytes;
            foreach (var source in _sources.Where(s => s.Value.Equals(log.Name, StringComparison.OrdinalIgnoreCase)).Select(s => s.Key).ToList())
            {
                _sources.Remove(source);
                _customSources.Remove(source);
            }

            return true;
        }
    }

    /// <summary>Unregisters a source (Remove-EventLog -Source); false when it is not registered.</summary>
    public bool RemoveSource(string source)
    {
        lock (_gate)
        {
            _customSources.Remove(source);
            return _sources.Remove(source);
        }
    }

    /// <summary>
    /// Empties a log (Clear-EventLog, wevtutil cl); false when there is none. Record numbers go on from where they were.
    /// The event log service says so, as Windows does: the System log's 104 ("The Application log file was cleared.")
    /// naming <paramref name="user"/>, or for Security the audit 1102 in the cleared log itself.
    /// </summary>
    public bool Clear(string name, string? user = null)
    {
        lock (_gate)
        {
            if (FindLog(name) is not { } log) return false;
            _totalBytes -= log.Bytes;
            log.Bytes = 0;
            log.Entries.Clear();
            var now = _time.GetUtcNow();
            if (log.Name.Equals("Security", StringComparison.OrdinalIgnoreCase))
            {
                Append(log, "Microsoft-Windows-Eventlog", 1102, EntryType.SuccessAudit, 104, "The audit log was cleared.", [], [], now, user);
            }
            else
            {
                Append(FindLog("System")!, "Microsoft-Windows-Eventlog", 104, EntryType.Information, 0, $"The {log.Name} log file was cleared.", [log.Name], [], now, user);
            }

            return true;
        }
    }

    /// <summary>Changes a log's settings (Limit-EventLog); false when there is none.</summary>
    public bool Limit(string name, int? maximumKilobytes, string? overflowAction, int? retentionDays)
    {
        lock (_gate)
        {
            if (FindLog(name) is not { } log) return false;
            if (maximumKilobytes is { } size) log.MaximumKilobytes = size;
            // EventLog.ModifyOverflowPolicy: OverwriteOlder keeps the days, OverwriteAsNeeded is 0 days, DoNotOverwrite -1.
            if (overflowAction is not null) log.OverflowAction = overflowAction;
            if (retentionDays is { } days) log.MinimumRetentionDays = days;
            if (log.OverflowAction == "OverwriteAsNeeded") log.MinimumRetentionDays = 0;
            else if (log.OverflowAction == "DoNotOverwrite") log.MinimumRetentionDays = -1;
            return true;
        }
    }

    private Log? FindLog(string name) => _logs.Find(l => l.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private Log? AddLog(string name)
    {
        if (_logs.Count >= MaxLogs) return null;
        var log = new Log(name, 512, "OverwriteOlder", 7);
        _logs.Add(log);
        return log;
    }

    private static LogInfo Info(Log log) => new(log.Name, log.MaximumKilobytes, log.OverflowAction, log.MinimumRetentionDays, log.Entries.Count);

    private Entry Append(Log log, string source, long instanceId, EntryType type, short category, string message, IReadOnlyList<string> replacementStrings,
        byte[] data, DateTimeOffset at, string? user)
    {
        var entry = new Entry(log.NextIndex++, log.Name, source, instanceId, type, category, message, replacementStrings, data, at, user);
        log.Entries.Enqueue(entry);
        log.Bytes += SizeOf(entry);
        _totalBytes += SizeOf(entry);
        // A full log overwrites its oldest entries (its Max(K), at most MaxBytesPerLog); the computer's logs together
        // keep MaxBytes at most, the largest giving up its oldest first.
        var logLimit = Math.Min(log.MaximumKilobytes * 1024L, MaxBytesPerLog);
        while (log.Entries.Count > 1 && (log.Entries.Count > MaxEntriesPerLog || log.Bytes > logLimit)) Drop(log);
        while (_totalBytes > MaxBytes && _logs.MaxBy(l => l.Bytes) is { Entries.Count: > 1 } largest) Drop(largest);
        return entry;
    }

    private void Drop(Log log)
    {
        var size = SizeOf(log.Entries.Dequeue());
        log.Bytes -= size;
        _totalBytes -= size;
    }

    // What an entry costs a log (its record's size, roughly: its texts as UTF-16, its data, a fixed part).
    private static long SizeOf(Entry entry) =>
        96 + 2L * (entry.Message.Length + entry.Source.Length + entry.ReplacementStrings.Sum(r => r.Length)) + entry.Data.Length;
}
