using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// tasklist.exe over a fresh server's processes (System Idle Process, System, svchost.exe, Windows' own processes in
/// their sessions (<see cref="WindowsProcesses"/>: csrss.exe in Services and Console...), wsmprovhost.exe), as scripts check whether a program runs: <c>/FI "IMAGENAME eq name"</c> (a
/// trailing <c>*</c> a wildcard), <c>PID</c>, <c>SESSION</c> and <c>MEMUSAGE</c> (in KB) with eq, ne, gt, lt, ge, le,
/// <c>SESSIONNAME</c>, <c>STATUS</c> and <c>USERNAME</c> with eq and ne, several filters all applying; <c>/FO TABLE</c>
/// (the default), <c>LIST</c> or <c>CSV</c>, <c>/NH</c>. No process left is tasklist's INFO line on stdout with exit
/// code 0; a filter it cannot read its "The search filter cannot be recognized." with 1. With the computer's services
/// (<see cref="ServiceProcesses"/>) it lists the processes running services run in too, and <c>/SVC</c> the services
/// each runs (<c>/FI "SERVICES eq WinRM"</c>), and <c>/V</c> each one's status, account, processor time and window title. <c>/M</c> and the remote options are not emulated. The layouts
/// are Windows'; LIST's spacing and the /SVC column's trailing blanks UNVERIFIED.
/// </summary>
internal sealed class TasklistScript(string arguments, BehaviourCatalog? catalog = null) : ICommandLineScript
{
    private sealed record Process(string ImageName, int Pid, int MemoryKb, bool System)
    {
        /// <summary>The services it runs (tasklist /svc), by name.</summary>
        public IReadOnlyList<string> Services { get; init; } = [];

        /// <summary>Its session: 0 (Services) or 1 (Console, the logon screen's).</summary>
        public int Session { get; init; }

        /// <summary>Its account when not SYSTEM's nor the logon's (the font hosts', DWM's, WmiPrvSE's).</summary>
        public string? User { get; init; }

        /// <summary>Its processor time in seconds, Get-Process's CPU (tasklist /V's CPU Time).</summary>
        public double Cpu { get; init; }

        public string SessionName => Session == 0 ? "Services" : "Console";
    }

    // In the order the system made them (by id), the session's own process last.
    private static readonly Process[] Processes =
    [
        .. new[]
        {
            new Process("System Idle Process", 0, 8, true),
            // Mem Usage is the working set, Get-Process's WS (147,456, 20,430,848 and 62,914,560 bytes) in KB, CPU Time
            // its CPU (the default scenario's).
            new Process("System", 4, 144, true) { Cpu = 812.5 },
            new Process("svchost.exe", 1868, 19_952, true) { Cpu = 25.13, User = @"NT AUTHORITY\NETWORK SERVICE" },
        }.Concat(WindowsProcesses.All.Select(p => new Process(p.Path is null ? p.Name : p.Name + ".exe", p.Id, p.WorkingSetKb, true)
        {
            Session = p.SessionId,
            User = p.Owner.Equals(@"NT AUTHORITY\SYSTEM", StringComparison.Ordinal) ? null : p.Owner,
            Cpu = p.Cpu,
        })).OrderBy(p => p.Pid),
        // The remote session's own host process runs as the connected user (in a session, its $PID).
        new("wsmprovhost.exe", 3120, 61_440, false) { Cpu = 1.2 },
    ];

    public string Description => ("tasklist " + arguments).Trim();

    public static bool TryParse(string line, out TasklistScript script) => TryParse(null, line, out script);

    public static bool TryParse(BehaviourCatalog? catalog, string line, out TasklistScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!name.Equals("tasklist", StringComparison.OrdinalIgnoreCase) && !name.Equals("tasklist.exe", StringComparison.OrdinalIgnoreCase)) return false;
        script = new TasklistScript(line[name.Length..].Trim(), catalog);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var words = CommandLineText.Tokenize(arguments).Select(t => t.Value).ToList();
        var format = "TABLE";
        var noHeader = false;
        var services = false;
        var verbose = false;
        var filters = new List<Func<Process, bool>>();
        for (var i = 0; i < words.Count; i++)
        {
            var option = words[i].ToUpperInvariant().Replace('-', '/');
            switch (option)
            {
                case "/NH":
                    noHeader = true;
                    break;
                case "/FO" when i + 1 < words.Count && words[i + 1].ToUpperInvariant() is "TABLE" or "LIST" or "CSV":
                    format = words[++i].ToUpperInvariant();
                    break;
                case "/FI" when i + 1 < words.Count:
                    if (Filter(words[++i], host.LogonName()) is not { } filter)
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: The search filter cannot be recognized.\r\n", cancellationToken).ConfigureAwait(false);
                        return 1;
                    }

                    filters.Add(filter);
                    break;
                case "/SVC" when catalog is not null:
                    services = true;
                    break;
                case "/V":
                    verbose = true;
                    break;
                case "/SVC" or "/M" or "/S" or "/U" or "/P" or "/APPS":
                    await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
                    return 1;
                default:
                    await host.WriteTextAsync(WinRsStreams.Stderr, $"ERROR: Invalid argument/option - '{words[i]}'.\r\nType \"TASKLIST /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
                    return 1;
            }
        }

        if (verbose && services)
        {
            // /V with /SVC (or /M) is a usage error of tasklist's whose text is not known here.
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (noHeader && format == "LIST")
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: /NH switch cannot be used with the LIST format.\r\nType \"TASKLIST /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var found = Running(host, catalog).Where(p => filters.TrueForAll(f => f(p))).ToList();
        if (found.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, "INFO: No tasks are running which match the specified criteria.\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var text = services ? RenderServices(found, format, noHeader)
            : Render(found, format, noHeader, verbose, host.LogonName(), verbose ? IdleSeconds(host, time, catalog) : 0);
        await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // tasklist /svc: each process's services ("N/A" for none); the table wraps them at its 44-character column, after a comma.
    private static string RenderServices(List<Process> found, string format, bool noHeader)
    {
        var text = new StringBuilder();
        switch (format)
        {
            case "CSV":
                if (!noHeader) text.Append("\"Image Name\",\"PID\",\"Services\"\r\n");
                foreach (var p in found) text.Append(CultureInfo.InvariantCulture, $"\"{p.ImageName}\",\"{p.Pid}\",\"{(p.Services.Count == 0 ? "N/A" : string.Join(',', p.Services))}\"\r\n");
                break;
            case "LIST":
                foreach (var p in found)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\r\nImage Name: {p.ImageName}\r\nPID:        {p.Pid}\r\n");
                    var first = true;
                    foreach (var service in p.Services.Count == 0 ? ["N/A"] : p.Services)
                    {
                        text.Append(first ? "Services:   " : "            ").Append(service).Append("\r\n");
                        first = false;
                    }
                }

                break;
            default:
                text.Append("\r\n");
                if (!noHeader)
                {
                    text.Append("Image Name                     PID Services                                    \r\n");
                    text.Append("========================= ======== ============================================\r\n");
                }

                foreach (var p in found)
                {
                    var lines = Wrap(p.Services.Count == 0 ? ["N/A"] : p.Services, 44);
                    text.Append(CultureInfo.InvariantCulture, $"{p.ImageName,-25} {p.Pid,8} {lines[0],-44}\r\n");
                    foreach (var more in lines.Skip(1)) text.Append(' ', 35).Append(CultureInfo.InvariantCulture, $"{more,-44}").Append("\r\n");
                }

                break;
        }

        return text.ToString();
    }

    // Names joined by ", " in lines of at most width characters, each line but the last ending in a comma.
    private static List<string> Wrap(IReadOnlyList<string> names, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            var piece = names[i] + (i < names.Count - 1 ? "," : string.Empty);
            if (line.Length > 0 && line.Length + 1 + piece.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0) line.Append(' ');
            line.Append(piece);
        }

        lines.Add(line.ToString());
        return lines;
    }

    /// <summary>The computer's processes: in a remote session its own wsmprovhost.exe is the session's ($PID, as Get-Process and Win32_Process have it).</summary>
    internal static IEnumerable<(string ImageName, int Pid)> RunningProcesses(ICommandLineHost host) => Running(host).Select(p => (p.ImageName, p.Pid));

    private static IEnumerable<Process> Running(ICommandLineHost host, BehaviourCatalog? catalog = null)
    {
        var listed = host.AutomaticVariable("PSSenderInfo") is not (null or Protocol.Clixml.PsNil) && host.AutomaticVariable("PID") is Protocol.Clixml.PsPrimitive { Value: int pid }
            ? Processes.Select(p => p.ImageName == "wsmprovhost.exe" ? p with { Pid = pid } : p)
            : Processes;
        if (catalog is null) return listed;

        // The processes the running services run in (the svchost listed hosts the shared ones), in the order the system
        // made them: by id, the session's own process last.
        var hosts = ServiceProcesses.Running(catalog.ServicesOf(host.EnvironmentVariable("COMPUTERNAME"), host.ServiceStates));
        var known = listed.Select(p => hosts.FirstOrDefault(h => h.Id == p.Pid) is { } h ? p with { Services = [.. h.Services.Select(s => s.Name)] } : p).ToList();
        var added = hosts.Where(h => known.TrueForAll(p => p.Pid != h.Id))
            .Select(h =>
            {
                var o = ServiceProcesses.ProcessObject(h);
                return new Process(h.Image, h.Id, o["WS"] is Protocol.Clixml.PsPrimitive { Value: int ws } ? ws / 1024 : 8_192, System: true)
                {
                    Services = [.. h.Services.Select(s => s.Name)],
                    User = h.Account(host.EnvironmentVariable("COMPUTERNAME")),
                    Cpu = o["CPU"] is Protocol.Clixml.PsPrimitive { Value: double cpu } ? cpu : 0,
                };
            });
        return known.Where(p => p.ImageName != "wsmprovhost.exe").Concat(added).OrderBy(p => p.Pid).Concat(known.Where(p => p.ImageName == "wsmprovhost.exe"));
    }

    // The account a process runs as: its own, else SYSTEM for the system's and the logon's for the session's.
    private static string Owner(Process p, string logon) => p.User ?? (p.System ? @"NT AUTHORITY\SYSTEM" : logon);

    /// <summary>
    /// System Idle Process's processor time: what the computer's processors did not spend on the others since its boot
    /// (Win32_OperatingSystem's LastBootUpTime, or its last restart here), with NumberOfLogicalProcessors' 2.
    /// </summary>
    private static double IdleSeconds(ICommandLineHost host, TimeProvider time, BehaviourCatalog? catalog)
    {
        var boot = host.Power?.LastBoot ?? ScenarioBoot(host.Wmi) ?? EventLogs.DefaultBoot;
        var busy = Running(host, catalog).Sum(p => p.Cpu);
        return Math.Max(0, (time.GetUtcNow() - boot).TotalSeconds * 2 - busy);
    }

    private static DateTimeOffset? ScenarioBoot(ComputerWmi? wmi) =>
        wmi?.Find("root/cimv2", "Win32_OperatingSystem") is { } seed && wmi.Instances(seed).FirstOrDefault() is { } os
        && os.FirstOrDefault(p => p.Name.Equals("LastBootUpTime", StringComparison.OrdinalIgnoreCase)) is { Values: [var text, ..] }
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var boot) ? boot : null;

    // tasklist /V's CPU Time: hours (any number), minutes and seconds of the processor time, the fraction dropped.
    private static string CpuTime(double seconds)
    {
        var whole = (long)seconds;
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 3600}:{whole / 60 % 60:00}:{whole % 60:00}");
    }

    /// <summary>
    /// The processes in the format asked for; with <paramref name="verbose"/> (/V) also Status, User Name, CPU Time and
    /// Window Title. From a remote session (session 0, with no desktop of its own) tasklist sees no process's windows:
    /// every Status is Unknown and every Window Title N/A. An administrator cannot read System's token: its User Name is
    /// N/A (UNVERIFIED for Registry, shown as SYSTEM).
    /// </summary>
    private static string Render(List<Process> found, string format, bool noHeader, bool verbose, string logon, double idleSeconds)
    {
        var text = new StringBuilder();
        var rows = found.Select(p => (Process: p, User: p.Pid == 4 ? "N/A" : Owner(p, logon), Cpu: CpuTime(p.Pid == 0 ? idleSeconds : p.Cpu)));
        switch (format)
        {
            case "CSV":
                if (!noHeader) text.Append("\"Image Name\",\"PID\",\"Session Name\",\"Session#\",\"Mem Usage\"").Append(verbose ? ",\"Status\",\"User Name\",\"CPU Time\",\"Window Title\"\r\n" : "\r\n");
                foreach (var (p, user, cpu) in rows)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\"{p.ImageName}\",\"{p.Pid}\",\"{p.SessionName}\",\"{p.Session}\",\"{Memory(p)}\"");
                    text.Append(verbose ? $",\"Unknown\",\"{user}\",\"{cpu}\",\"N/A\"\r\n" : "\r\n");
                }

                break;
            case "LIST":
                foreach (var (p, user, cpu) in rows)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\r\nImage Name:   {p.ImageName}\r\nPID:          {p.Pid}\r\nSession Name: {p.SessionName}\r\nSession#:     {p.Session}\r\nMem Usage:    {Memory(p)}\r\n");
                    if (verbose) text.Append(CultureInfo.InvariantCulture, $"Status:       Unknown\r\nUser Name:    {user}\r\nCPU Time:     {cpu}\r\nWindow Title: N/A\r\n");
                }

                break;
            default:
                text.Append("\r\n");
                if (!noHeader)
                {
                    text.Append("Image Name                     PID Session Name        Session#    Mem Usage")
                        .Append(verbose ? " Status          User Name                                              CPU Time Window Title                                                            \r\n" : "\r\n");
                    text.Append("========================= ======== ================ =========== ============")
                        .Append(verbose ? " =============== ================================================== ============ ========================================================================\r\n" : "\r\n");
                }

                foreach (var (p, user, cpu) in rows)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{p.ImageName,-25} {p.Pid,8} {p.SessionName,-16} {p.Session,11} {Memory(p),12}");
                    text.Append(verbose ? string.Create(CultureInfo.InvariantCulture, $" {"Unknown",-15} {user,-50} {cpu,12} {"N/A",-72}\r\n") : "\r\n");
                }

                break;
        }

        return text.ToString();
    }

    private static string Memory(Process p) => p.MemoryKb.ToString("N0", CultureInfo.InvariantCulture) + " K";

    // "NAME OP VALUE": the test of one filter; null for one tasklist does not recognize.
    private static Func<Process, bool>? Filter(string text, string logon)
    {
        var parts = text.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3) return null;
        var (name, op, value) = (parts[0].ToUpperInvariant(), parts[1].ToUpperInvariant(), parts[2].Trim());
        bool? Text(string actual) => op switch
        {
            "EQ" => Like(actual, value),
            "NE" => !Like(actual, value),
            _ => null,
        };
        bool? Number(long actual) => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? op switch
        {
            "EQ" => actual == n,
            "NE" => actual != n,
            "GT" => actual > n,
            "LT" => actual < n,
            "GE" => actual >= n,
            "LE" => actual <= n,
            _ => null,
        } : null;

        // Each filter is checked once against a process to see whether tasklist reads it at all.
        Func<Process, bool?> test = name switch
        {
            "IMAGENAME" => p => Text(p.ImageName),
            "PID" => p => Number(p.Pid),
            "SESSION" => p => Number(p.Session),
            "MEMUSAGE" => p => Number(p.MemoryKb),
            "SESSIONNAME" => p => Text(p.SessionName),
            "STATUS" => _ => Text("Running"),
            // A process runs the service when one of its services matches (tasklist /svc /fi "SERVICES eq WinRM").
            "SERVICES" => p => op switch { "EQ" => p.Services.Any(s => Like(s, value)), "NE" => !p.Services.Any(s => Like(s, value)), _ => null },
            "USERNAME" => p =>
            {
                var user = Owner(p, logon);
                var matches = Like(user, value) || Like(user[(user.IndexOf('\\') + 1)..], value);
                return op switch { "EQ" => matches, "NE" => !matches, _ => null };
            },
            _ => _ => null,
        };
        if (test(Processes[0]) is null) return null;
        return p => test(p) is true;
    }

    // tasklist compares without case; a value ending in * matches what starts with the rest.
    private static bool Like(string actual, string pattern) =>
        pattern.EndsWith('*') ? actual.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) : actual.Equals(pattern, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// taskkill.exe <c>/IM name</c> (a <c>*</c> wildcard) or <c>/PID n</c>, several of either, <c>/F</c> and <c>/T</c>, as
/// cleanup scripts run it (<c>taskkill /im app.exe /f 2&gt;nul</c>): a process that is not running is taskkill's
/// "ERROR: The process "NAME" not found." with exit code 128; System Idle Process and System cannot be ended ("critical
/// system process", "Access is denied", exit code 1). The emulated computers' processes do not end, so ending another
/// (svchost, the session's own wsmprovhost) is a scenario error. /FI, /S, /U and /P are not emulated.
/// </summary>
internal sealed class TaskkillScript(string arguments) : ICommandLineScript
{
    public string Description => ("taskkill " + arguments).Trim();

    public static bool TryParse(string line, out TaskkillScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!CommandLineText.IsProgram(name, "taskkill")) return false;
        script = new TaskkillScript(line[name.Length..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var words = CommandLineText.Tokenize(arguments).Select(t => t.Value).ToList();
        var targets = new List<(bool ByPid, string Value)>();
        for (var i = 0; i < words.Count; i++)
        {
            switch (words[i].ToUpperInvariant().Replace('-', '/'))
            {
                case "/F" or "/T":
                    break;
                case "/IM" when i + 1 < words.Count:
                    targets.Add((false, words[++i]));
                    break;
                case "/PID" when i + 1 < words.Count:
                    targets.Add((true, words[++i]));
                    break;
                case "/FI" or "/S" or "/U" or "/P":
                    await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
                    return 1;
                default:
                    await host.WriteTextAsync(WinRsStreams.Stderr, $"ERROR: Invalid argument/option - '{words[i]}'.\r\nType \"TASKKILL /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
                    return 1;
            }
        }

        if (targets.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Invalid syntax. Neither /FI nor /PID nor /IM were specified.\r\nType \"TASKKILL /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var running = TasklistScript.RunningProcesses(host).ToList();
        var exitCode = 0;
        var errors = new StringBuilder();
        foreach (var (byPid, value) in targets)
        {
            var matched = running.Where(p => byPid
                ? p.Pid.ToString(CultureInfo.InvariantCulture) == value
                : value.EndsWith('*') ? p.ImageName.StartsWith(value[..^1], StringComparison.OrdinalIgnoreCase) : p.ImageName.Equals(value, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matched.Count == 0)
            {
                errors.Append($"ERROR: The process \"{value}\" not found.\r\n");
                exitCode = 128;
                continue;
            }

            foreach (var (image, pid) in matched)
            {
                // Windows protects System and its protected processes (smss, csrss, wininit, services): access denied.
                if (pid is 0 or 4 || WindowsProcesses.Find(pid) is { Protected: true })
                {
                    var reason = pid == 0 ? "This is critical system process. Taskkill cannot end this process." : "Access is denied.";
                    var process = byPid ? $"with PID {pid}" : $"\"{image}\" with PID {pid}";
                    errors.Append(CultureInfo.InvariantCulture, $"ERROR: The process {process} could not be terminated.\r\nReason: {reason}\r\n");
                    exitCode = exitCode == 0 ? 1 : exitCode;
                    continue;
                }

                // The emulated computers' processes do not end.
                await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
                return 1;
            }
        }

        await host.WriteTextAsync(WinRsStreams.Stderr, errors.ToString(), cancellationToken).ConfigureAwait(false);
        return exitCode;
    }
}
