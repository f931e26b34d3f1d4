using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using static PsrpEmulator.Server.Behaviours.CommandLines.ComputerPowerShell;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// net.exe's service commands in a cmd shell: <c>net start</c> lists the started services by display name,
/// <c>net start X</c> / <c>net stop X</c> start or stop one (by name or display name) as Start-Service and Stop-Service
/// do (<see cref="ServiceStates"/>), with net's messages: "The X service is starting." / "... was started successfully.",
/// and its errors on stderr with exit code 2 (already started: NET HELPMSG 2182; not started: 3521; no such service:
/// 2185; disabled: System error 1058). The services are those Get-Service lists (the PowerShell rules'). net user and
/// net localgroup are NetAccountsScript's; other net commands (use, share...) are not emulated.
/// </summary>
internal sealed class NetServiceScript(BehaviourCatalog catalog, bool start, string service) : ICommandLineScript
{
    /// <summary>/y: yes to stopping the services that depend on the one stopped.</summary>
    public bool AnswerYes { get; init; }

    public string Description => $"net {(start ? "start" : "stop")} {service}";

    public static bool TryParse(BehaviourCatalog catalog, string line, out NetServiceScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant();
        if (verb is not ("start" or "stop")) return false;
        var rest = tokens.Count > 2 ? line[tokens[2].Start..].Trim() : string.Empty;
        // /y (/yes) answers net's question about dependent services before it is asked.
        var yes = false;
        while (System.Text.RegularExpressions.Regex.Match(rest, @"\s+/(y|yes|n|no)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } option)
        {
            yes |= option.Groups[1].Value.StartsWith('y') || option.Groups[1].Value.StartsWith('Y');
            rest = rest[..option.Index].TrimEnd();
        }

        script = new NetServiceScript(catalog, verb == "start", rest.Trim('"')) { AnswerYes = yes };
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var services = await ServicesAsync(catalog, host, time, cancellationToken).ConfigureAwait(false);
        var states = host.ServiceStates;
        string Status(PsObject s) => states?.Status(Text(s, "Name")) ?? Text(s, "Status");
        string StartType(PsObject s) => states?.StartType(Text(s, "Name")) ?? Text(s, "StartType");
        if (service.Length == 0)
        {
            if (!start) return await FailAsync(host, "The syntax of this command is:\r\n\r\nNET STOP\r\nservice\r\n\r\n", 1, cancellationToken).ConfigureAwait(false);
            var started = services.Where(s => Status(s).Equals("Running", StringComparison.OrdinalIgnoreCase)).Select(s => Text(s, "DisplayName")).Order(StringComparer.OrdinalIgnoreCase);
            await host.WriteTextAsync(WinRsStreams.Stdout, "These Windows services are started:\r\n\r\n" + string.Concat(started.Select(n => "   " + n + "\r\n")) +
                "\r\nThe command completed successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var target = services.FirstOrDefault(s => Text(s, "Name").Equals(service, StringComparison.OrdinalIgnoreCase) || Text(s, "DisplayName").Equals(service, StringComparison.OrdinalIgnoreCase));
        if (target is null) return await FailAsync(host, "The service name is invalid.\r\n\r\nMore help is available by typing NET HELPMSG 2185.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        var name = Text(target, "Name");
        var display = Text(target, "DisplayName");
        var running = Status(target).Equals("Running", StringComparison.OrdinalIgnoreCase);
        if (start && running) return await FailAsync(host, "The requested service has already been started.\r\n\r\nMore help is available by typing NET HELPMSG 2182.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        if (!start && !running) return await FailAsync(host, $"The {display} service is not started.\r\n\r\nMore help is available by typing NET HELPMSG 3521.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        if (!start && !Stoppable(target)) return await FailAsync(host, "The requested pause, continue, or stop is not valid for this service.\r\n\r\nMore help is available by typing NET HELPMSG 2191.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        if (start && StartType(target).Equals("Disabled", StringComparison.OrdinalIgnoreCase))
        {
            return await FailAsync(host, "System error 1058 has occurred.\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        }

        if (states is null) return await FailAsync(host, NotEmulatedCommandScript.MessageFor("net " + (start ? "start" : "stop")), 1, cancellationToken).ConfigureAwait(false);
        var text = new System.Text.StringBuilder();
        if (start && StoppedDependencies(target, services, Status) is { Count: > 0 } needed)
        {
            // The Service Control Manager starts what the service needs first (net says nothing of them); a disabled one
            // fails the start: ERROR_SERVICE_DEPENDENCY_FAIL.
            if (needed.Any(n => StartType(n).Equals("Disabled", StringComparison.OrdinalIgnoreCase)))
            {
                return await FailAsync(host, "System error 1068 has occurred.\r\n\r\nThe dependency service or group failed to start.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
            }

            foreach (var dependency in needed) states.SetStatus(Text(dependency, "Name"), "Running", Text(dependency, "DisplayName"));
        }

        if (!start && RunningDependents(target, services, Status) is { Count: > 0 } dependents)
        {
            // net names the running services that depend on it and asks before stopping them too; /y answers yes. Over
            // WinRS nobody answers: no is the default, and nothing stops (UNVERIFIED: net's exit code then).
            text.Append($"The following services are dependent on the {display} service.\r\nStopping the {display} service will also stop these services.\r\n\r\n")
                .Append(string.Concat(dependents.Select(d => "   " + Text(d, "DisplayName") + "\r\n"))).Append("\r\n");
            if (!AnswerYes)
            {
                text.Append("Do you want to continue this operation? (Y/N) [N]: \r\n");
                await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
                return 2;
            }

            foreach (var dependent in dependents)
            {
                states.SetStatus(Text(dependent, "Name"), "Stopped", Text(dependent, "DisplayName"));
                text.Append($"The {Text(dependent, "DisplayName")} service is stopping.\r\nThe {Text(dependent, "DisplayName")} service was stopped successfully.\r\n\r\n");
            }
        }

        states.SetStatus(name, start ? "Running" : "Stopped", display);
        var (doing, done) = start ? ("starting", "started") : ("stopping", "stopped");
        text.Append($"The {display} service is {doing}.\r\nThe {display} service was {done} successfully.\r\n\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // The running services that depend on the service, directly or through others (as Get-Service lists them): those depending on them first.
    internal static List<PsObject> RunningDependents(PsObject service, IReadOnlyList<PsObject> services, Func<PsObject, string> status) =>
        Related(service, services, s => s["DependentServices"], s => status(s).Equals("Running", StringComparison.OrdinalIgnoreCase));

    // The stopped services the service needs, directly or through others (as Get-Service lists them; drivers are not
    // listed and count as running): those they need first. The Service Control Manager starts them before it.
    internal static List<PsObject> StoppedDependencies(PsObject service, IReadOnlyList<PsObject> services, Func<PsObject, string> status) =>
        Related(service, services, s => s["ServicesDependedOn"] ?? s["RequiredServices"], s => status(s).Equals("Stopped", StringComparison.OrdinalIgnoreCase));

    // The listed services a service names through one property, and those they name in turn, that pass the test: the
    // farthest first.
    private static List<PsObject> Related(PsObject service, IReadOnlyList<PsObject> services, Func<PsObject, PsValue?> next, Func<PsObject, bool> wanted)
    {
        var found = new List<PsObject>();
        void Visit(PsObject of, int depth)
        {
            if (depth > 32 || next(of) is not { } named) return;
            foreach (var entry in ScriptExpressions.Enumerate(named).OfType<PsObject>())
            {
                var listed = services.FirstOrDefault(s => Text(s, "Name").Equals(Text(entry, "Name"), StringComparison.OrdinalIgnoreCase));
                if (listed is null || found.Contains(listed) || !wanted(listed)) continue;
                Visit(listed, depth + 1);
                found.Add(listed);
            }
        }

        Visit(service, 0);
        return found;
    }

    private static async Task<int> FailAsync(ICommandLineHost host, string message, int code, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
        return code;
    }
}

/// <summary>
/// What the computer's PowerShell says, for a cmd program that shows the same things (net and sc the services, reg a
/// registry key): a command run through the rules in a runspace of its own, its output objects kept.
/// </summary>
internal static class ComputerPowerShell
{
    /// <summary>The computer's services as its PowerShell lists them (Get-Service through the rules).</summary>
    internal static async Task<List<PsObject>> ServicesAsync(BehaviourCatalog catalog, ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken) =>
        [.. (await ObjectsAsync(catalog, host, time, cancellationToken, "Get-Service").ConfigureAwait(false)).Where(s => s["Name"] is not null)];

    /// <summary>Whether a running service accepts the stop control (its CanStop; one without the property does).</summary>
    internal static bool Stoppable(PsObject service) => !Text(service, "CanStop").Equals("False", StringComparison.OrdinalIgnoreCase);

    /// <summary>A property's text ("" when the object has none).</summary>
    internal static string Text(PsObject item, string property) => item[property] is { } value ? PipelineVariables.Display(value) : string.Empty;

    /// <summary>The objects a PowerShell command writes on the computer, in a runspace of its own.</summary>
    internal static async Task<List<PsObject>> ObjectsAsync(BehaviourCatalog catalog, ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken, string command)
    {
        var runspace = new RunspaceState(time);
        try
        {
            var collector = new Collector(host, runspace);
            var script = catalog.Resolve(new CreatePipeline([new PipelineCommand(command, IsScript: true, [])], NoInput: true));
            await script.RunAsync(collector, time, cancellationToken).ConfigureAwait(false);
            return collector.Objects;
        }
        finally
        {
            runspace.Close();
        }
    }

    private sealed class Collector(ICommandLineHost host, RunspaceState runspace) : IPipelineHost
    {
        public List<PsObject> Objects { get; } = [];

        public RunspaceState? Runspace => runspace;

        public VirtualFileSystem? FileSystem => host.FileSystem;

        public ServiceStates? ServiceStates => host.ServiceStates;

        public LocalAccounts? LocalAccounts => host.LocalAccounts;

        public FirewallRules? FirewallRules => host.FirewallRules;

        public ScheduledTasks? ScheduledTasks => host.ScheduledTasks;

        public SmbShares? SmbShares => host.SmbShares;

        public ComputerWmi? Wmi => host.Wmi;

        public CertificateStores? CertificateStores => host.CertificateStores;

        public WsManSettings? WsManSettings => host.WsManSettings;

        public EventLogs? EventLogs => host.EventLogs;

        public NetworkSettings? NetworkSettings => host.NetworkSettings;

        public IReadOnlyList<WsManConfigEntry>? WsManConfiguration => host.WsManConfiguration;

        public VirtualRegistry? Registry => host.Registry;

        public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => host.Environment;

        public string? EnvironmentVariable(string name) => host.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            if (record is PipelineOutput { Value: PsObject item } && Objects.Count < 10_000) Objects.Add(item);
            return ValueTask.CompletedTask;
        }

        public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) => ValueTask.FromResult<PsValue?>(null);
    }
}

/// <summary>
/// sc.exe's service commands in a cmd shell, on the services Get-Service lists (their type from Win32_Service):
/// <c>sc query [name]</c> (a block per service; without a name the running ones), <c>sc start name</c> and
/// <c>sc stop name</c> (the change made, the block with START_PENDING / STOP_PENDING as sc prints it at once), <c>sc config
/// name start= auto|demand|disabled</c> ("[SC] ChangeServiceConfig SUCCESS"), <c>sc qc name</c> (its configuration), and
/// <c>sc create name binPath= ...</c>, <c>sc delete name</c> and <c>sc description name text</c> of the services scripts
/// install (<see cref="ServiceStates.TryInstall"/>: Get-Service and Win32_Service list them too). Failures are sc's "[SC] ... FAILED n:"
/// with Windows' message and exit code n (1060 no such service, 1056 already running, 1062 not started, 1058 disabled).
/// The blocks' layout follows Windows' (trailing blanks UNVERIFIED); other sc commands are not emulated.
/// </summary>
internal sealed class ScServiceScript(BehaviourCatalog catalog, string verb, List<string> words) : ICommandLineScript
{
    public string Description => "sc " + verb;

    public static bool TryParse(BehaviourCatalog catalog, string line, out ScServiceScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("sc", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("sc.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant();
        if (verb is not ("query" or "queryex" or "start" or "stop" or "config" or "create" or "delete" or "description" or "qc" or "qdescription" or "failure" or "qfailure" or "getkeyname" or "getdisplayname")) return false;
        script = new ScServiceScript(catalog, verb, [.. tokens.Skip(2).Select(t => t.Value)]);
        return true;
    }

    // sc query's listing options ("type= service", "state= all", each name and '=' then its value): the state to list
    // ("active", "inactive", "all"); "" for options the emulator does not list (drivers, groups); null when a service is named.
    private static string? QueryListState(List<string> words)
    {
        var state = "active";
        for (var i = 0; i < words.Count; i++)
        {
            var option = words[i].ToLowerInvariant();
            if (option is not ("type=" or "state=" or "bufsize=" or "ri=" or "group=")) return null;
            if (++i >= words.Count) return string.Empty;
            var value = words[i].ToLowerInvariant();
            switch (option)
            {
                case "state=" when value is "active" or "inactive" or "all":
                    state = value;
                    break;
                case "type=" when value is "service" or "all":
                case "bufsize=" or "ri=":
                    break;
                default:
                    return string.Empty;
            }
        }

        return state;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var services = await ServicesAsync(catalog, host, time, cancellationToken).ConfigureAwait(false);
        var types = await ObjectsAsync(catalog, host, time, cancellationToken, "Get-WmiObject Win32_Service").ConfigureAwait(false);
        var states = host.ServiceStates;
        string Status(PsObject s) => states?.Status(Text(s, "Name")) ?? Text(s, "Status");
        bool Shared(PsObject s) => types.FirstOrDefault(t => Text(t, "Name").Equals(Text(s, "Name"), StringComparison.OrdinalIgnoreCase)) is { } w && Text(w, "ServiceType").StartsWith("Share", StringComparison.OrdinalIgnoreCase);
        var computer = catalog.ServicesOf(host.EnvironmentVariable("COMPUTERNAME"), states);
        // The process a running service runs in: Win32_Service's ProcessId (0 when it is not running).
        int ProcessId(PsObject s, string status) => !status.Equals("Running", StringComparison.OrdinalIgnoreCase) ? 0
            : computer.Find(Text(s, "Name")) is { } known ? known.RunningProcessId : 4 * (1000 + StableHash(Text(s, "Name")) % 2000);
        var extended = verb == "queryex";
        if (verb is "query" or "queryex" && QueryListState(words) is { } listed)
        {
            // sc query[ex] [type= service] [state= active|inactive|all]: the services in that state (active, running, by default).
            if (listed.Length == 0) return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc {verb} " + string.Join(' ', words)), 1, cancellationToken).ConfigureAwait(false);
            var text = string.Concat(services.Where(s => listed == "all" || Status(s).Equals("Running", StringComparison.OrdinalIgnoreCase) == (listed == "active"))
                .OrderBy(s => Text(s, "Name"), StringComparer.OrdinalIgnoreCase)
                .Select(s => Block(Text(s, "Name"), Shared(s), Status(s), includeName: true, display: Text(s, "DisplayName"), stoppable: Stoppable(s), pid: extended ? ProcessId(s, Status(s)) : null, pausable: Controls(s))));
            await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (verb is "getkeyname" or "getdisplayname" && words.Count > 0)
        {
            // sc GetKeyName "display name" / sc GetDisplayName name: the other name of the service.
            var byDisplay = verb == "getkeyname";
            var api = byDisplay ? "GetServiceKeyName" : "GetServiceDisplayName";
            var found = services.FirstOrDefault(s => Text(s, byDisplay ? "DisplayName" : "Name").Equals(words[0], StringComparison.OrdinalIgnoreCase));
            return found is null
                ? await WriteAsync(host, $"[SC] {api} FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n", 1060, cancellationToken).ConfigureAwait(false)
                : await WriteAsync(host, $"[SC] {api} SUCCESS\r\nName = {Text(found, byDisplay ? "Name" : "DisplayName")}\r\n", 0, cancellationToken).ConfigureAwait(false);
        }

        var operation = verb switch { "query" or "queryex" => "EnumQueryServicesStatus:OpenService", "start" => "StartService: OpenService", "stop" => "ControlService: OpenService", _ => "OpenService" };
        if (words.Count == 0) return await WriteAsync(host, $"DESCRIPTION:\r\n        sc {verb} is used with a service name.\r\n", 1639, cancellationToken).ConfigureAwait(false);
        if (verb == "create") return await CreateAsync(host, services, cancellationToken).ConfigureAwait(false);
        var service = services.FirstOrDefault(s => Text(s, "Name").Equals(words[0], StringComparison.OrdinalIgnoreCase));
        if (service is null)
        {
            return await WriteAsync(host, $"[SC] {operation} FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n", 1060, cancellationToken).ConfigureAwait(false);
        }

        var name = Text(service, "Name");
        var status = Status(service);
        var running = status.Equals("Running", StringComparison.OrdinalIgnoreCase);
        var installed = states?.FindInstalled(name);
        switch (verb)
        {
            case "qc":
                return await WriteAsync(host, QueryConfig(service, types.FirstOrDefault(t => Text(t, "Name").Equals(name, StringComparison.OrdinalIgnoreCase)), states?.StartType(name),
                    computer.Find(name)?.DelayedAutoStart == true), 0, cancellationToken).ConfigureAwait(false);
            case "qdescription":
            {
                var description = computer.Find(name)?.Description ?? Text(types.FirstOrDefault(t => Text(t, "Name").Equals(name, StringComparison.OrdinalIgnoreCase)) ?? service, "Description");
                return await WriteAsync(host, $"[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: {name}\r\nDESCRIPTION:  {description}\r\n", 0, cancellationToken).ConfigureAwait(false);
            }

            case "qfailure":
                return await WriteAsync(host, QueryFailure(name, computer.Find(name)?.FailureActions), 0, cancellationToken).ConfigureAwait(false);
            case "failure":
                return await FailureAsync(host, computer, name, cancellationToken).ConfigureAwait(false);
            case "delete" when installed is null:
                // Windows' own services: deleting them is not emulated.
                return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc {verb} {name}"), 1, cancellationToken).ConfigureAwait(false);
            case "delete":
                states!.Uninstall(name);
                return await WriteAsync(host, "[SC] DeleteService SUCCESS\r\n", 0, cancellationToken).ConfigureAwait(false);
            case "description":
                if (!computer.TryReconfigure(name, s => s with { Description = string.Join(' ', words.Skip(1)) }))
                {
                    return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc {verb} {name}"), 1, cancellationToken).ConfigureAwait(false);
                }

                return await WriteAsync(host, "[SC] ChangeServiceConfig2 SUCCESS\r\n", 0, cancellationToken).ConfigureAwait(false);
            case "query" or "queryex":
                return await WriteAsync(host, Block(name, Shared(service), status, includeName: false, display: null, stoppable: Stoppable(service), pid: extended ? ProcessId(service, status) : null, pausable: Controls(service)), 0, cancellationToken).ConfigureAwait(false);
            case "start" when running:
                return await WriteAsync(host, "[SC] StartService FAILED 1056:\r\n\r\nAn instance of the service is already running.\r\n\r\n", 1056, cancellationToken).ConfigureAwait(false);
            case "start" when (states?.StartType(name) ?? Text(service, "StartType")).Equals("Disabled", StringComparison.OrdinalIgnoreCase):
                return await WriteAsync(host, "[SC] StartService FAILED 1058:\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n\r\n", 1058, cancellationToken).ConfigureAwait(false);
            case "stop" when !running:
                return await WriteAsync(host, "[SC] ControlService FAILED 1062:\r\n\r\nThe service has not been started.\r\n\r\n", 1062, cancellationToken).ConfigureAwait(false);
            case "stop" when !Stoppable(service):
                // A service that does not accept the stop control (RPC, the firewall, the Task Scheduler...).
                return await WriteAsync(host, "[SC] ControlService FAILED 1052:\r\n\r\nThe requested control is not valid for this service.\r\n\r\n", 1052, cancellationToken).ConfigureAwait(false);
            case "stop" when NetServiceScript.RunningDependents(service, services, Status).Count > 0:
                // ControlService refuses to stop a service running services depend on (sc stops no dependents).
                return await WriteAsync(host, "[SC] ControlService FAILED 1051:\r\n\r\nA stop control has been sent to a service that other running services are dependent on.\r\n\r\n", 1051, cancellationToken).ConfigureAwait(false);
            case "start" when NetServiceScript.StoppedDependencies(service, services, Status).Any(n => (states?.StartType(Text(n, "Name")) ?? Text(n, "StartType")).Equals("Disabled", StringComparison.OrdinalIgnoreCase)):
                // A service it needs is disabled: the Service Control Manager cannot start it first.
                return await WriteAsync(host, "[SC] StartService FAILED 1068:\r\n\r\nThe dependency service or group failed to start.\r\n\r\n", 1068, cancellationToken).ConfigureAwait(false);
            case "start" or "stop":
                if (states is null) return await WriteAsync(host, NotEmulatedCommandScript.MessageFor("sc " + verb), 1, cancellationToken).ConfigureAwait(false);
                if (verb == "start")
                {
                    // The Service Control Manager starts the stopped services it needs first.
                    foreach (var dependency in NetServiceScript.StoppedDependencies(service, services, Status)) states.SetStatus(Text(dependency, "Name"), "Running", Text(dependency, "DisplayName"));
                }

                states.SetStatus(name, verb == "start" ? "Running" : "Stopped", Text(service, "DisplayName"));
                return await WriteAsync(host, Block(name, Shared(service), verb == "start" ? "StartPending" : "StopPending", includeName: false, display: null,
                    pid: verb == "start" ? ProcessId(service, "Running") : null), 0, cancellationToken).ConfigureAwait(false);
            default:
                return await ConfigAsync(host, computer, name, cancellationToken).ConfigureAwait(false);
        }
    }

    // sc config NAME option= value...: each option's name with its '=' is a word and its value the next, as sc wants
    // them; start= auto|demand|disabled|delayed-auto (boot and system are drivers' only: FAILED 87), binPath=,
    // DisplayName=, obj= [password=], depend= A/B (/ alone: none), type= and error= (taken, not kept).
    private async Task<int> ConfigAsync(ICommandLineHost host, ComputerServices computer, string name, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < words.Count; i += 2)
        {
            var option = words[i].ToLowerInvariant();
            if (option is not ("start=" or "binpath=" or "displayname=" or "obj=" or "password=" or "depend=" or "type=" or "error=") || i + 1 >= words.Count || computer.States is null)
            {
                return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc config {name} " + string.Join(' ', words.Skip(1))), 1, cancellationToken).ConfigureAwait(false);
            }

            options[option] = words[i + 1];
        }

        string? startType = null;
        bool? delayed = null;
        if (options.TryGetValue("start=", out var start))
        {
            switch (start.ToLowerInvariant())
            {
                case "auto": (startType, delayed) = ("Automatic", false); break;
                case "delayed-auto": (startType, delayed) = ("Automatic", true); break;
                case "demand": startType = "Manual"; break;
                case "disabled": startType = "Disabled"; break;
                case "boot" or "system":
                    // A Win32 service cannot be started by the boot loader or the kernel.
                    return await WriteAsync(host, "[SC] ChangeServiceConfig FAILED 87:\r\n\r\nThe parameter is incorrect.\r\n\r\n", 87, cancellationToken).ConfigureAwait(false);
                default:
                    return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc config {name} " + string.Join(' ', words.Skip(1))), 1, cancellationToken).ConfigureAwait(false);
            }
        }

        var changed = computer.TryReconfigure(name, s => s with
        {
            BinaryPathName = options.GetValueOrDefault("binpath=") ?? s.BinaryPathName,
            DisplayName = options.GetValueOrDefault("displayname=") ?? s.DisplayName,
            StartName = options.GetValueOrDefault("obj=") ?? s.StartName,
            DependsOn = options.TryGetValue("depend=", out var depend) ? depend.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : s.DependsOn,
            DelayedAutoStart = delayed ?? s.DelayedAutoStart,
        });
        if (!changed && options.Keys.Any(k => k is not ("start=" or "type=" or "error=" or "password=")))
        {
            // A service the scenario's rules list without a services: entry: only its start type follows.
            return await WriteAsync(host, NotEmulatedCommandScript.MessageFor($"sc config {name} " + string.Join(' ', words.Skip(1))), 1, cancellationToken).ConfigureAwait(false);
        }

        if (startType is not null) computer.States!.SetStartType(name, startType);
        return await WriteAsync(host, "[SC] ChangeServiceConfig SUCCESS\r\n", 0, cancellationToken).ConfigureAwait(false);
    }

    // sc failure NAME reset= SECONDS actions= ACTION/DELAY[/ACTION/DELAY...] [command= "..."] [reboot= "..."]: the
    // Service Control Manager's recovery (ChangeServiceConfig2); actions are restart, run, reboot, or "" / none.
    private async Task<int> FailureAsync(ICommandLineHost host, ComputerServices computer, string name, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i + 1 < words.Count; i += 2) options[words[i].ToLowerInvariant()] = words[i + 1];
        var notEmulated = NotEmulatedCommandScript.MessageFor($"sc failure {name} " + string.Join(' ', words.Skip(1)));
        if ((words.Count - 1) % 2 != 0 || options.Keys.Any(k => k is not ("reset=" or "actions=" or "command=" or "reboot=")) ||
            options.ContainsKey("actions=") != options.ContainsKey("reset="))
        {
            return await WriteAsync(host, notEmulated, 1, cancellationToken).ConfigureAwait(false);
        }

        var old = computer.Find(name)?.FailureActions;
        long reset = old?.ResetPeriod ?? 0;
        if (options.TryGetValue("reset=", out var resetText))
        {
            if (resetText.Equals("INFINITE", StringComparison.OrdinalIgnoreCase)) reset = uint.MaxValue;
            else if (!long.TryParse(resetText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out reset)) return await WriteAsync(host, notEmulated, 1, cancellationToken).ConfigureAwait(false);
        }

        var actions = old?.Actions ?? [];
        if (options.TryGetValue("actions=", out var actionText))
        {
            var parts = actionText.Split('/');
            var parsed = new List<(string, long)>();
            for (var i = 0; i + 1 < parts.Length; i += 2)
            {
                var action = parts[i].ToLowerInvariant() switch { "restart" => "RESTART", "run" => "RUN PROCESS", "reboot" => "REBOOT", "" or "none" => "NONE", _ => null };
                if (action is null || !long.TryParse(parts[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var delay))
                {
                    return await WriteAsync(host, notEmulated, 1, cancellationToken).ConfigureAwait(false);
                }

                parsed.Add((action, delay));
            }

            if (parts.Length % 2 != 0) return await WriteAsync(host, notEmulated, 1, cancellationToken).ConfigureAwait(false);
            actions = parsed;
        }

        var failure = new ServiceFailureActions(reset, actions, options.GetValueOrDefault("command=") ?? old?.Command ?? string.Empty, options.GetValueOrDefault("reboot=") ?? old?.RebootMessage ?? string.Empty);
        if (!computer.TryReconfigure(name, s => s with { FailureActions = failure })) return await WriteAsync(host, notEmulated, 1, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(host, "[SC] ChangeServiceConfig2 SUCCESS\r\n", 0, cancellationToken).ConfigureAwait(false);
    }

    // sc qfailure NAME: the recovery sc failure set (none for the computer's own services: UNVERIFIED, Windows gives
    // many of them restart actions); the layout is Windows' (UNVERIFIED: the blanks after empty values).
    private static string QueryFailure(string name, ServiceFailureActions? failure)
    {
        var text = new System.Text.StringBuilder("[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: ").Append(name).Append("\r\n")
            .Append("        RESET_PERIOD (in seconds)    : ").Append(failure?.ResetPeriod.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0").Append("\r\n")
            .Append("        REBOOT_MESSAGE               : ").Append(failure?.RebootMessage).Append("\r\n")
            .Append("        COMMAND_LINE                 : ").Append(failure?.Command).Append("\r\n");
        var first = true;
        foreach (var (action, delay) in failure?.Actions ?? [])
        {
            text.Append(first ? "        FAILURE_ACTIONS              : " : "                                       ")
                .Append(action).Append(" -- Delay = ").Append(delay.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" milliseconds.\r\n");
            first = false;
        }

        return text.ToString();
    }

    // sc create NAME binPath= PATH [start= auto|demand|disabled] [DisplayName= X] [obj= ACCOUNT] [password= P] [depend= A/B]
    // [type= own]: each option's name with its '=' is a word and its value the next, as sc wants them; demand start by default.
    private async Task<int> CreateAsync(ICommandLineHost host, List<PsObject> services, CancellationToken cancellationToken)
    {
        var name = words[0];
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < words.Count; i += 2)
        {
            var option = words[i].ToLowerInvariant();
            if (option is not ("binpath=" or "start=" or "displayname=" or "obj=" or "password=" or "depend=" or "type=" or "error=") || i + 1 >= words.Count)
            {
                return await WriteAsync(host, NotEmulatedCommandScript.MessageFor("sc create " + string.Join(' ', words)), 1, cancellationToken).ConfigureAwait(false);
            }

            options[option] = words[i + 1];
        }

        var startType = options.TryGetValue("start=", out var start) ? start.ToLowerInvariant() switch { "auto" or "delayed-auto" => "Automatic", "demand" => "Manual", "disabled" => "Disabled", _ => null } : "Manual";
        if (host.ServiceStates is not { } states || !options.TryGetValue("binpath=", out var path) || startType is null ||
            options.TryGetValue("type=", out var type) && !type.Equals("own", StringComparison.OrdinalIgnoreCase))
        {
            return await WriteAsync(host, NotEmulatedCommandScript.MessageFor("sc create " + string.Join(' ', words)), 1, cancellationToken).ConfigureAwait(false);
        }

        var display = options.GetValueOrDefault("displayname=") ?? name;
        if (services.Any(s => Text(s, "Name").Equals(name, StringComparison.OrdinalIgnoreCase)))
        {
            return await WriteAsync(host, "[SC] CreateService FAILED 1073:\r\n\r\nThe specified service already exists.\r\n\r\n", 1073, cancellationToken).ConfigureAwait(false);
        }

        var dependsOn = options.TryGetValue("depend=", out var depend) ? depend.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : [];
        if (services.Any(s => Text(s, "DisplayName").Equals(display, StringComparison.OrdinalIgnoreCase)) ||
            !states.TryInstall(new ServiceDefinition(name, display, path, startType, string.Empty, dependsOn, options.GetValueOrDefault("obj=") ?? "LocalSystem")))
        {
            return await WriteAsync(host, "[SC] CreateService FAILED 1078:\r\n\r\nThe name is already in use as either a service name or a service display name.\r\n\r\n", 1078, cancellationToken).ConfigureAwait(false);
        }

        return await WriteAsync(host, "[SC] CreateService SUCCESS\r\n", 0, cancellationToken).ConfigureAwait(false);
    }

    // sc qc NAME: the service's configuration (Win32_Service's path, account and type; Get-Service's start type, display
    // name and the services it depends on, each on a line of its own). UNVERIFIED: the blanks after empty values.
    private static string QueryConfig(PsObject service, PsObject? wmi, string? startTypeNow, bool delayed)
    {
        var startType = startTypeNow ?? Text(service, "StartType");
        var (number, word) = startType.ToUpperInvariant() switch { "AUTOMATIC" => (2, delayed ? "AUTO_START  (DELAYED)" : "AUTO_START"), "DISABLED" => (4, "DISABLED"), _ => (3, "DEMAND_START") };
        var shared = wmi is not null && Text(wmi, "ServiceType").StartsWith("Share", StringComparison.OrdinalIgnoreCase);
        var dependencies = service["ServicesDependedOn"] is { } needed ? ScriptExpressions.Enumerate(needed).OfType<PsObject>().Select(d => Text(d, "Name")).ToList() : [];
        var text = new System.Text.StringBuilder("[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: ").Append(Text(service, "Name")).Append("\r\n")
            .Append(shared ? "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n" : "        TYPE               : 10  WIN32_OWN_PROCESS\r\n")
            .Append("        START_TYPE         : ").Append(number).Append("   ").Append(word).Append("\r\n")
            .Append("        ERROR_CONTROL      : 1   NORMAL\r\n")
            .Append("        BINARY_PATH_NAME   : ").Append(wmi is null ? string.Empty : Text(wmi, "PathName")).Append("\r\n")
            .Append("        LOAD_ORDER_GROUP   : \r\n        TAG                : 0\r\n")
            .Append("        DISPLAY_NAME       : ").Append(Text(service, "DisplayName")).Append("\r\n")
            .Append("        DEPENDENCIES       : ").Append(dependencies.FirstOrDefault() ?? string.Empty).Append("\r\n");
        foreach (var more in dependencies.Skip(1)) text.Append("                           : ").Append(more).Append("\r\n");
        return text.Append("        SERVICE_START_NAME : ").Append(wmi is null ? "LocalSystem" : Text(wmi, "StartName")).Append("\r\n").ToString();
    }

    // A service's block as sc query (and sc start / stop) prints it.
    // Whether a running service accepts pause and continue (its ServiceController's CanPauseAndContinue), as sc query
    // names it. The shutdown flag stays ACCEPTS_SHUTDOWN: the services table's Shutdown controls are not all known.
    private static bool Controls(PsObject service) => service["CanPauseAndContinue"] is { } pausable && ScriptExpressions.IsTrue(pausable);

    private static string Block(string name, bool shared, string status, bool includeName, string? display, bool stoppable = true, int? pid = null, bool pausable = false)
    {
        var accepted = (pausable ? "PAUSABLE" : "NOT_PAUSABLE") + ", ACCEPTS_SHUTDOWN";
        var (number, word, flags) = status.ToUpperInvariant() switch
        {
            "RUNNING" => (4, "RUNNING", (stoppable ? "STOPPABLE, " : "NOT_STOPPABLE, ") + accepted),
            "STARTPENDING" => (2, "START_PENDING", "NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN"),
            "STOPPENDING" => (3, "STOP_PENDING", "STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN"),
            "PAUSED" => (7, "PAUSED", "STOPPABLE, " + accepted),
            _ => (1, "STOPPED", "NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN"),
        };
        var text = new System.Text.StringBuilder("\r\nSERVICE_NAME: ").Append(name).Append("\r\n");
        if (includeName) text.Append("DISPLAY_NAME: ").Append(display).Append("\r\n");
        text.Append(shared ? "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n" : "        TYPE               : 10  WIN32_OWN_PROCESS\r\n")
            .Append("        STATE              : ").Append(number).Append("  ").Append(word).Append("\r\n")
            .Append("                                (").Append(flags).Append(")\r\n")
            .Append(number == 1 ? "        WIN32_EXIT_CODE    : 1077  (0x435)\r\n" : "        WIN32_EXIT_CODE    : 0  (0x0)\r\n")
            .Append("        SERVICE_EXIT_CODE  : 0  (0x0)\r\n        CHECKPOINT         : 0x0\r\n")
            .Append(number is 2 or 3 ? "        WAIT_HINT          : 0x7d0\r\n" : "        WAIT_HINT          : 0x0\r\n");
        // sc queryex, and sc start: the process it runs in (Win32_Service's ProcessId; 0 when it is not running).
        if (pid is { } id) text.Append("        PID                : ").Append(id).Append("\r\n        FLAGS              :\r\n");
        return text.ToString();
    }

    // FNV-1a of the upper-cased name (string.GetHashCode changes from run to run).
    private static int StableHash(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name.ToUpperInvariant()) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7FFFFFFF);
    }

    private static async Task<int> WriteAsync(ICommandLineHost host, string text, int code, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
        return code;
    }
}
