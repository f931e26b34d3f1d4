using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Behaviours;

public sealed partial class BehaviourCatalog
{
    /// <summary>The <c>cmd:</c> rules (WinRS command lines), in match order.</summary>
    private IReadOnlyList<CommandLineRule> commandLineRules = [];

    internal IReadOnlyList<CommandLineRule> CommandLineRules => commandLineRules;

    /// <summary>The <c>wmi:</c> classes of the scenario (the first scenario's first: they win).</summary>
    private IReadOnlyList<WmiClassSeed> wmiClasses = [];

    /// <summary>
    /// The class <paramref name="className"/> of <paramref name="wmiNamespace"/> as <paramref name="computer"/> has
    /// it: the first scenario's definition for that computer (or for every computer); null when no scenario has it.
    /// </summary>
    internal WmiClassSeed? FindWmiClass(string wmiNamespace, string className, string computer) =>
        wmiClasses.FirstOrDefault(c => c.ClassName.Equals(className, StringComparison.OrdinalIgnoreCase) &&
            c.Namespace.Equals(wmiNamespace.Replace('\\', '/').Trim('/'), StringComparison.OrdinalIgnoreCase) &&
            (c.Computer is null || c.Computer.Equals(computer, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The classes of <paramref name="wmiNamespace"/> the scenarios give <paramref name="computer"/> (a name once, the first scenario's).</summary>
    internal IEnumerable<WmiClassSeed> WmiClassesOf(string wmiNamespace, string computer) =>
        wmiClasses.Where(c => c.Namespace.Equals(wmiNamespace.Replace('\\', '/').Trim('/'), StringComparison.OrdinalIgnoreCase) &&
                (c.Computer is null || c.Computer.Equals(computer, StringComparison.OrdinalIgnoreCase)))
            .DistinctBy(c => c.ClassName, StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>services:</c> of the scenario (the first scenario's first: a service it gives replaces the fallback's of that name).</summary>
    private IReadOnlyList<ServiceDefinition> serviceDefinitions = [];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ServiceTable> _serviceTables = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A fresh <paramref name="computer"/>'s services: the first scenario's definition of each name for that computer,
    /// else for every computer (made once per computer).
    /// </summary>
    internal ServiceTable ServicesFor(string computer) =>
        serviceDefinitions.Count == 0 ? ServiceTable.Empty : _serviceTables.GetOrAdd(computer, static (name, all) =>
            new ServiceTable(all.Where(s => s.Computer is not null && s.Computer.Equals(name, StringComparison.OrdinalIgnoreCase)).Concat(all.Where(s => s.Computer is null))), serviceDefinitions);

    /// <summary>The services <paramref name="computer"/> has now: the scenario's, then those <paramref name="states"/> installed.</summary>
    internal ComputerServices ServicesOf(string? computer, ServiceStates? states) => new(ServicesFor(computer ?? string.Empty), states);

    /// <summary>The <c>files:</c> of the scenario (the fallback's first, so the first scenario's win).</summary>
    private IReadOnlyList<FileSeed> fileSeeds = [];

    /// <summary>The <c>registry:</c> keys of the scenario (the fallback's first, so the first scenario's values win).</summary>
    private IReadOnlyList<RegistrySeed> registrySeeds = [];

    /// <summary>The <c>eventLog:</c> entries of the scenario (the fallback's first).</summary>
    private IReadOnlyList<EventLogs.Seed> eventLogSeeds = [];

    /// <summary>The scenario's <c>eventLog:</c> entries for <paramref name="computer"/>.</summary>
    internal IEnumerable<EventLogs.Seed> EventLogSeeds(string computer) =>
        eventLogSeeds.Where(seed => seed.Computer is null || seed.Computer.Equals(computer, StringComparison.OrdinalIgnoreCase));

    /// <summary>The <c>certificates:</c> of the scenario (the fallback's first; a later one of the same thumbprint replaces it).</summary>
    private IReadOnlyList<CertificateSeed> certificateSeeds = [];

    /// <summary>A new computer's certificate stores: the scenario's <c>certificates:</c> for <paramref name="computer"/>.</summary>
    internal CertificateStores NewCertificateStores(string computer) =>
        new(certificateSeeds.Where(seed => seed.Computer is null || seed.Computer.Equals(computer, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A new computer's registry: the scenario's <c>registry:</c> keys for <paramref name="computer"/>.</summary>
    internal VirtualRegistry NewRegistry(string computer) =>
        new(registrySeeds.Where(seed => seed.Computer is null || seed.Computer.Equals(computer, StringComparison.OrdinalIgnoreCase))
            .Select(seed => seed.Values.Any(v => v.Data is string text && text.Contains('{', StringComparison.Ordinal))
                ? seed with { Values = [.. seed.Values.Select(v => v.Data is string text ? v with { Data = ComputerIdentity.Substitute(text, computer) } : v)] }
                : seed));

    /// <summary>A new computer's disk: Windows' folders, then the scenario's <c>files:</c> for <paramref name="computer"/>.</summary>
    internal VirtualFileSystem NewFileSystem(string computer, TimeProvider time, long capacity, long? size = null, long? freeAtStart = null)
    {
        var disk = new VirtualFileSystem(time, capacity, size, freeAtStart);
        foreach (var seed in fileSeeds)
        {
            if (seed.Computer is { } only && !only.Equals(computer, StringComparison.OrdinalIgnoreCase)) continue;
            if (seed.Content is null)
            {
                disk.CreateDirectory(seed.FullPath);
                continue;
            }

            disk.CreateDirectory(VirtualFileSystem.ParentOf(seed.FullPath)!);
            disk.Write(seed.FullPath, seed.Content, FileWriteMode.Create);
        }

        return disk;
    }

    /// <summary>
    /// Finds the behaviour for a WinRS command line (rsp:Command and its arguments joined with spaces). A leading
    /// <c>cmd /c</c> is removed first. The <c>cmd:</c> rules are tried in order; then cmd.exe's <c>set</c>; then a powershell.exe line runs its
    /// script through the PowerShell behaviours; a command Windows has (a System32 program, a cmd.exe internal command) says
    /// the emulator does not emulate it; otherwise cmd.exe's "is not recognized" answer (exit code 1).
    /// </summary>
    internal ICommandLineScript ResolveCommandLine(string commandLine)
    {
        var line = CommandLineText.StripCmdShell(commandLine.Trim());
        if (line.Length == 0) return EmptyCommandLineScript.Instance;
        bool RuleNamesWholeLine() => commandLineRules.Any(rule => rule.IsExact && rule.TryMatch(line, out _));

        // A parenthesized block on its own, quiet or not (a for's "do @(echo %i& ping -n 2 ... >nul)"): its commands,
        // as one line, a redirection inside it its own command's. A match: rule naming the whole line still wins.
        var block = line[0] == '@' ? line[1..].TrimStart() : line;
        if (block.Length > 1 && block[0] == '(' && IfCommandScript.MatchingParen(block, 0) == block.Length - 1 &&
            !RuleNamesWholeLine())
        {
            return ResolveCommandLine(block[1..^1]);
        }

        // for and if take the rest of the line as their command, with its &, &&, ||, pipes and redirections: cmd.exe
        // runs "for %i in (a b) do echo %i & echo x" as both commands for each value, "for ... do echo %i >>log" appends
        // each. Their commands are resolved as lines of their own when they run.
        if (CommandLineText.CommandWord(block) is "for" or "if" && !RuleNamesWholeLine() &&
            (ForCommandScript.TryParse(this, block, out _) || IfCommandScript.TryParse(this, block, out _)))
        {
            return Resolve(line);
        }

        // Commands chained with &, && and || (outside quotes): each runs as a command line of its own, as cmd.exe runs
        // them. A match: rule naming the whole line still wins.
        if (line.Contains('&') || line.Contains("||", StringComparison.Ordinal))
        {
            if (!RuleNamesWholeLine() && ChainedCommandLineScript.Split(line) is { Count: > 1 } chain)
            {
                return new ChainedCommandLineScript([.. chain.Select(c => (c.Operator, c.Command, ResolveChained(c.Command)))]);
            }
        }

        // Commands joined by pipes: side by side, each one's stdout the next one's stdin (a pipe binds tighter than
        // &, && and ||, which split the line above). A match: rule naming the whole line still wins.
        if (line.Contains('|') && PipedCommandLineScript.Split(line) is { } piped && !RuleNamesWholeLine())
        {
            return new PipedCommandLineScript([.. piped.Select(ResolveChained)]);
        }

        // cmd.exe's redirections (> file, >> file, 2>nul, 2>&1): the command without them, its streams sent on. A
        // match: rule naming the whole line still wins (a regex: rule matches the command, as a pattern such as
        // 'echo (?<text>.*)' would match any redirection too). Only echo keeps the space before the '>' (cmd's echo prints it).
        if (!RuleNamesWholeLine() && CommandLineRedirection.TryParse(line, out var bare, out var redirections))
        {
            return new RedirectedCommandLineScript(Resolve(IsEcho(bare) ? bare.TrimStart() : bare.Trim()), redirections);
        }

        return Resolve(line);
    }

    /// <summary>One command of a chained line (a batch file's too), the blanks before its operator kept for echo.</summary>
    internal ICommandLineScript ResolveChainMember(string command) => ResolveChained(command);

    // One command of a chain or a pipe: echo prints the blanks before the next operator ("echo a & echo b" prints
    // "a "), so its text keeps them; any other command's are trimmed (and a chained command may be a pipe).
    private ICommandLineScript ResolveChained(string command)
    {
        // set keeps them too (set /p's prompt "Name: ").
        if (!(IsEcho(command) || CommandLineText.FirstWord(command).Equals("set", StringComparison.OrdinalIgnoreCase)) ||
            command.TrimEnd().Length == command.Length ||
            PipedCommandLineScript.Split(command) is not null)
        {
            return ResolveCommandLine(command);
        }

        if (CommandLineRedirection.TryParse(command, out var bare, out var redirections)) return new RedirectedCommandLineScript(Resolve(bare.TrimStart()), redirections);
        return Resolve(command);
    }

    // echo, quiet or not ("@echo a >x" writes "a "), echo.text and echo:text too.
    private static bool IsEcho(string command) => CommandLineText.IsEchoCommand(command);

    private ICommandLineScript Resolve(string line)
    {
        if (line.Length == 0) return EmptyCommandLineScript.Instance;
        // cmd.exe's '@' before a command (not echoed) is accepted on a command line too.
        if (line[0] == '@' && !commandLineRules.Any(rule => rule.IsExact && rule.TryMatch(line, out _))) return Resolve(line[1..].TrimStart());
        // A System32 program named by its path (C:\Windows\system32\ipconfig.exe, %windir%\system32\defrag.exe once
        // expanded) runs as cmd runs the program of that name; a match: rule naming the whole line still wins.
        if ((line.Contains('\\') || line.Contains('/')) && CommandLineText.Tokenize(line) is [var first, ..] &&
            WindowsCommands.ProgramOfPath(first.Value) is { } program && !commandLineRules.Any(rule => rule.IsExact && rule.TryMatch(line, out _)))
        {
            var end = first.Start + CommandLineText.TokenLength(line, first.Start);
            return Resolve(System.IO.Path.GetFileNameWithoutExtension(program) + line[end..]);
        }

        // cmd.exe takes a command's escapes out once its line is split (echo a ^(b^) prints "a (b)"); if, for, call and a
        // block keep them for the commands they run, which are resolved (and unescaped) as lines of their own.
        if (CommandLineText.CommandWord(line) is not ("if" or "for" or "call") && line[0] != '(') line = CommandLineText.Unescape(line);
        if (line.Length == 0) return EmptyCommandLineScript.Instance;
        foreach (var rule in commandLineRules)
        {
            if (rule.TryMatch(line, out var captures)) return new CommandLineBehaviour(rule, captures);
        }

        if (SetCommandScript.TryParse(line, out var set)) return set;
        if (SetArithmeticScript.TryParse(line, out var arithmetic)) return arithmetic;
        if (SetPromptScript.TryParse(line, out var prompt)) return prompt;
        // rem (a remark) does nothing on a command line either.
        if (CommandLineText.FirstWord(line).Equals("rem", StringComparison.OrdinalIgnoreCase)) return EmptyCommandLineScript.Instance;
        if (IfCommandScript.TryParse(this, line, out var condition)) return condition;
        if (ForCommandScript.TryParse(this, line, out var loop)) return loop;
        if (DirectoryCommandScript.TryParse(line, out var directory)) return directory;
        // A parenthesized block on its own: its commands, as one line.
        if (line[0] == '(' && IfCommandScript.MatchingParen(line, 0) == line.Length - 1) return ResolveCommandLine(line[1..^1]);
        if (FileCommandScript.TryParse(line, out var file)) return file;
        if (FilterCommandScript.TryParse(line, out var filter)) return filter;
        if (BatchFileScript.TryParse(this, line, out var batch)) return batch;
        if (CallCommandScript.TryParse(this, line, out var call)) return call;
        if (PingCommandScript.TryParse(line, out var ping)) return ping;
        if (NslookupCommandScript.TryParse(line, out var nslookup)) return nslookup;
        if (SetxCommandScript.TryParse(line, out var setx)) return setx;
        if (NetShareScript.TryParse(line, out var netShare)) return netShare;
        if (NetUseScript.TryParse(line, out var netUse)) return netUse;
        if (NetServiceScript.TryParse(this, line, out var net)) return net;
        if (NetAccountsScript.TryParse(line, out var netAccounts)) return netAccounts;
        if (NetAccountsPolicyScript.TryParse(line, out var netPolicy)) return netPolicy;
        if (SeceditScript.TryParse(line, out var secedit)) return secedit;
        if (AuditpolScript.TryParse(line, out var auditpol)) return auditpol;
        if (NetstatScript.TryParse(line, out var netstat)) return netstat;
        if (DismScript.TryParse(line, out var dism)) return dism;
        if (NetSessionsScript.TryParse(line, out var netSessions)) return netSessions;
        if (WinrmScript.TryParse(line, out var winrm)) return winrm;
        if (NetshFirewallScript.TryParse(line, out var netsh)) return netsh;
        if (NetshProfileScript.TryParse(line, out var netshProfile)) return netshProfile;
        if (NetshWinHttpScript.TryParse(line, out var netshWinHttp)) return netshWinHttp;
        if (SchtasksScript.TryParse(this, line, out var schtasks)) return schtasks;
        if (IpconfigAllScript.TryParse(line, out var ipconfigAll)) return ipconfigAll;
        if (IpconfigDnsScript.TryParse(line, out var ipconfigDns)) return ipconfigDns;
        if (RoutePrintScript.TryParse(line, out var routePrint)) return routePrint;
        if (WhoamiScript.TryParse(line, out var whoami)) return whoami;
        if (WhoamiDomainNameScript.TryParse(line, out var whoamiDomain)) return whoamiDomain;
        if (ClockCommandScript.TryParse(this, line, out var clock)) return clock;
        if (PowercfgScript.TryParse(line, out var powercfg)) return powercfg;
        if (ScServiceScript.TryParse(this, line, out var sc)) return sc;
        if (ShutdownCommandScript.TryParse(line, out var shutdown)) return shutdown;
        if (TasklistScript.TryParse(this, line, out var tasklist)) return tasklist;
        if (TaskkillScript.TryParse(line, out var taskkill)) return taskkill;
        if (XcopyScript.TryParse(line, out var xcopy)) return xcopy;
        if (RobocopyScript.TryParse(line, out var robocopy)) return robocopy;
        if (AttribScript.TryParse(line, out var attrib)) return attrib;
        if (IcaclsScript.TryParse(line, out var icacls)) return icacls;
        if (WhereScript.TryParse(line, out var where)) return where;
        if (EventCreateScript.TryParse(line, out var eventCreate)) return eventCreate;
        if (WevtutilScript.TryParse(line, out var wevtutil)) return wevtutil;
        if (RegCommandScript.TryParse(line, out var reg)) return reg;
        if (WmicScript.TryParse(line, out var wmic)) return wmic;
        if (CertutilScript.TryParse(line, out var certutil)) return certutil;
        if (QueryUserScript.TryParse(line, out var queryUser)) return queryUser;
        if (CmdInfoScript.TryParse(line, out var cmdInfo)) return cmdInfo;
        if (PowerShellExe.Resolve(this, line) is { } powershell) return powershell;
        var name = CommandLineText.FirstWord(line);
        return WindowsCommands.HasCmdCommand(name) ? new NotEmulatedCommandScript(name) : new NotRecognizedScript(name);
    }
}
