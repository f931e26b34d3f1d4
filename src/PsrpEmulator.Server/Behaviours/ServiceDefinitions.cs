using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One service of a computer as the Service Control Manager keeps it: its name, display name, command line, start type
/// (Automatic, Manual, Disabled), description, the services it depends on and its account; the scenario's
/// <c>services:</c> give a fresh computer's (with how they are when it has booted), commands install more (New-Service,
/// <c>sc create</c>). Get-Service, Win32_Service, sc, net and the registry's Services key all read them.
/// </summary>
public sealed record ServiceDefinition(string Name, string DisplayName, string BinaryPathName, string StartType, string Description, IReadOnlyList<string> DependsOn, string StartName)
{
    /// <summary>The status a fresh computer has it in (Running, Stopped); an installed service starts Stopped.</summary>
    public string Status { get; init; } = "Stopped";

    /// <summary>What the Service Control Manager does when the service fails (sc failure); null: nothing.</summary>
    public ServiceFailureActions? FailureActions { get; init; }

    /// <summary>The ServiceType enum's name: Win32OwnProcess, Win32ShareProcess, KernelDriver or FileSystemDriver.</summary>
    public string ServiceType { get; init; } = "Win32OwnProcess";

    /// <summary>An Automatic service that starts after the others (Automatic (Delayed Start)); Win32_Service's DelayedAutoStart.</summary>
    public bool DelayedAutoStart { get; init; }

    /// <summary>The controls the service accepts while it runs (a stopped one accepts none): ServiceController's CanStop, ...</summary>
    public bool AcceptsStop { get; init; } = true;

    public bool AcceptsShutdown { get; init; }

    public bool AcceptsPauseAndContinue { get; init; }

    /// <summary>The process it runs in while it runs; null: one made from its command line (the services of one svchost group share it).</summary>
    public int? ProcessId { get; init; }

    /// <summary>Win32_Service's ExitCode on a fresh computer; null: 0, or 1077 (never started) for a service a command installed until it has run.</summary>
    public uint? ExitCode { get; init; }

    /// <summary>The scenario's computer it belongs to; null: every computer.</summary>
    public string? Computer { get; init; }

    /// <summary>The Windows feature that brings it (W3SVC: Web-WebServer): the computer has it while the feature is installed; null: always.</summary>
    public string? Feature { get; init; }

    /// <summary>A device driver (KernelDriver, FileSystemDriver): services depend on it, but Get-Service and Win32_Service do not list it.</summary>
    public bool IsDriver => ServiceType is "KernelDriver" or "FileSystemDriver";

    /// <summary>Win32_Service's ServiceType text (Own Process, Share Process, Kernel Driver, File System Driver).</summary>
    public string WmiServiceType => ServiceType switch
    {
        "Win32ShareProcess" => "Share Process",
        "KernelDriver" => "Kernel Driver",
        "FileSystemDriver" => "File System Driver",
        _ => "Own Process",
    };

    /// <summary>The ServiceType enum's number (the registry's Type value).</summary>
    public int ServiceTypeValue => ServiceType switch
    {
        "Win32ShareProcess" => 32,
        "KernelDriver" => 1,
        "FileSystemDriver" => 2,
        _ => 16,
    };

    /// <summary>
    /// The process the service runs in while it runs: the given one; else a shared one's is the computer's svchost
    /// (<see cref="ListeningSockets.ServiceHostId"/>, the one Get-Process lists), or the one of its program (lsass.exe),
    /// an own one's made from its name (stable across runs, a multiple of 4 as Windows' are; past Windows' own processes' ids).
    /// </summary>
    public int RunningProcessId => ProcessId ?? PastWindowsProcesses(ServiceType != "Win32ShareProcess" ? 2000 + (int)(StableHash(Name) % 1500) * 4
        : ServiceProcesses.ProgramPath(BinaryPathName).EndsWith(@"\svchost.exe", StringComparison.OrdinalIgnoreCase) ? ListeningSockets.ServiceHostId
        // Another program that hosts several services (lsass.exe: SamSs, KeyIso, VaultSvc): one process for them all.
        : 600 + (int)(StableHash(ServiceProcesses.ProgramPath(BinaryPathName)) % 100) * 4);

    private static int PastWindowsProcesses(int id)
    {
        while (WindowsProcesses.Find(id) is not null) id += 4;
        return id;
    }

    /// <summary>FNV-1a of the upper-cased text: stable across runs (string.GetHashCode is not).</summary>
    internal static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text.ToUpperInvariant()) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}

/// <summary>
/// Reads the <c>services:</c> section of a scenario: a fresh computer's services, each a mapping with <c>name:</c>,
/// <c>displayName:</c>, <c>startType:</c> (Automatic, Manual, Disabled; <c>delayed: true</c> for a delayed Automatic),
/// <c>status:</c> (Running, Stopped: how the service is once the computer has booted), <c>type:</c> (Win32OwnProcess,
/// Win32ShareProcess, KernelDriver, FileSystemDriver), <c>path:</c> (its command line), <c>account:</c>,
/// <c>dependsOn:</c> (service names), <c>accepts:</c> (the controls it takes while it runs: Stop, Shutdown,
/// PauseContinue), <c>description:</c>, <c>processId:</c>, <c>exitCode:</c>, <c>computer:</c> (that computer only) and
/// <c>feature:</c> (a Windows feature's name, such as Web-WebServer: the service exists while the feature is installed).
/// A later scenario's service of the same name replaces the default's. Complaints name the file, line and column.
/// </summary>
internal static class ServiceDefinitionParser
{
    private static readonly string[] Keys = ["name", "displayName", "startType", "delayed", "status", "type", "path", "account", "dependsOn", "accepts", "description", "processId", "exitCode", "computer", "feature"];
    private static readonly string[] StartTypes = ["Automatic", "Manual", "Disabled", "Boot", "System"];
    private static readonly string[] Statuses = ["Running", "Stopped", "Paused"];
    private static readonly string[] Types = ["Win32OwnProcess", "Win32ShareProcess", "KernelDriver", "FileSystemDriver"];
    private static readonly string[] Controls = ["Stop", "Shutdown", "PauseContinue"];

    public static List<ServiceDefinition> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "services") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'services:' is a list of services, each with 'name:' and 'displayName:'");
        var read = new List<ServiceDefinition>();
        foreach (var item in items.Children)
        {
            var service = Read(source, item);
            if (read.Exists(s => s.Name.Equals(service.Name, StringComparison.OrdinalIgnoreCase) && s.Computer == service.Computer))
            {
                throw Error(source, item, $"the service '{service.Name}' is given twice");
            }

            read.Add(service);
        }

        return read;
    }

    private static ServiceDefinition Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "a service is a mapping with 'name:', 'displayName:', 'startType:' and 'status:'");
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var field = key is YamlScalarNode k ? k.Value : null;
            if (field is null || !Keys.Contains(field)) throw Error(source, key, $"unknown service key '{field}'; expected one of: {string.Join(", ", Keys)}");
            if (!fields.TryAdd(field, value)) throw Error(source, key, $"'{field}' is given twice");
        }

        string? Text(string field) => fields.TryGetValue(field, out var value) ? Scalar(source, value, field) : null;
        string OneOf(string field, string[] allowed, string fallback)
        {
            if (Text(field) is not { } given) return fallback;
            return allowed.FirstOrDefault(a => a.Equals(given, StringComparison.OrdinalIgnoreCase))
                ?? throw Error(source, fields[field], $"'{field}: {given}' is not one of {string.Join(", ", allowed)}");
        }

        List<string> List(string field)
        {
            if (!fields.TryGetValue(field, out var value)) return [];
            return value is YamlSequenceNode list ? [.. list.Children.Select(c => Scalar(source, c, field))] : [Scalar(source, value, field)];
        }

        var name = Text("name") ?? throw Error(source, map, "a service needs 'name:' (its service name, such as Spooler)");
        if (name.IndexOfAny(['\\', '/', ' ']) >= 0) throw Error(source, fields["name"], $"'{name}' is not a service name (no spaces or slashes)");
        var type = OneOf("type", Types, "Win32OwnProcess");
        var accepts = List("accepts");
        foreach (var control in accepts.Where(c => !Controls.Contains(c, StringComparer.OrdinalIgnoreCase)))
        {
            throw Error(source, fields["accepts"], $"'{control}' is not a control a service accepts ({string.Join(", ", Controls)})");
        }

        return new ServiceDefinition(name, Text("displayName") ?? name, Text("path") ?? string.Empty, OneOf("startType", StartTypes, "Manual"), Text("description") ?? string.Empty,
            List("dependsOn"), Text("account") ?? (type is "KernelDriver" or "FileSystemDriver" ? string.Empty : "LocalSystem"))
        {
            Status = OneOf("status", Statuses, "Stopped"),
            ServiceType = type,
            DelayedAutoStart = Flag("delayed"),
            AcceptsStop = accepts.Contains("Stop", StringComparer.OrdinalIgnoreCase),
            AcceptsShutdown = accepts.Contains("Shutdown", StringComparer.OrdinalIgnoreCase),
            AcceptsPauseAndContinue = accepts.Contains("PauseContinue", StringComparer.OrdinalIgnoreCase),
            ProcessId = Number("processId") is { } pid ? (int)pid : null,
            ExitCode = Number("exitCode"),
            Computer = Text("computer"),
            Feature = Text("feature") is { } feature
                ? WindowsFeatureStates.Find(feature)?.Name ?? throw Error(source, fields["feature"], $"'feature: {feature}' is not a Windows feature's name (Get-WindowsFeature's Name, such as Web-WebServer)")
                : null,
        };

        bool Flag(string field) => Text(field) is { } flag && (flag.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
            : flag.Equals("false", StringComparison.OrdinalIgnoreCase) ? false : throw Error(source, fields[field], $"'{field}' takes true or false"));

        uint? Number(string field) => Text(field) is { } number
            ? uint.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Error(source, fields[field], $"'{field}: {number}' is not a whole number")
            : null;
    }

    private static string Scalar(string source, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(source, node, $"'{key}' takes a single value");

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}

/// <summary>
/// The services a computer has now: the scenario's <c>services:</c> for it (a fresh computer's), then those commands
/// installed (<see cref="ServiceStates"/>), each as commands left it. What Get-Service, Win32_Service, sc, net and the
/// registry's Services key list (<c>{ $services: ServiceController }</c>). Without a <c>services:</c> section the
/// scenario's own rules say which services there are; this then holds the installed ones alone.
/// </summary>
internal sealed class ComputerServices(ServiceTable seeded, ServiceStates? states)
{
    public ServiceStates? States => states;

    /// <summary>Whether the scenario lists the computer's services (<c>services:</c>).</summary>
    public bool HasSeeded => seeded.Services.Count > 0;

    /// <summary>
    /// The services as the Service Control Manager enumerates them (Get-Service, Win32_Service, sc query): the
    /// computer's own and those commands installed, by name, without the drivers.
    /// </summary>
    public IReadOnlyList<ServiceDefinition> All()
    {
        var installed = states?.Installed() ?? [];
        if (installed.Count == 0 && !seeded.HasFeatureServices && states?.HasConfigured != true) return seeded.Listed;
        return [.. seeded.Listed.Where(s => Present(s) && !installed.Any(i => i.Name.Equals(s.Name, StringComparison.OrdinalIgnoreCase))).Select(Current).Concat(installed)
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }

    // The computer's own service as commands configured it (sc config, sc description, Set-Service -DisplayName).
    private ServiceDefinition Current(ServiceDefinition service) => states?.Configured(service.Name) ?? service;

    // A service a feature brings is there while the feature is installed (none without the computer's features).
    private bool Present(ServiceDefinition service) =>
        service.Feature is not { } feature || (states?.Features is { } features && WindowsFeatureStates.Find(feature) is { } found && features.IsInstalled(found));

    /// <summary>The services and drivers (the registry's Services key has them all), by name.</summary>
    public IReadOnlyList<ServiceDefinition> AllWithDrivers()
    {
        var installed = states?.Installed() ?? [];
        return installed.Count == 0 && !seeded.HasFeatureServices && states?.HasConfigured != true ? seeded.Services
            : [.. seeded.Services.Where(s => Present(s) && !installed.Any(i => i.Name.Equals(s.Name, StringComparison.OrdinalIgnoreCase))).Select(Current).Concat(installed).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The service (or driver) of that name, case aside: one a command installed, else the computer's own; null when there is none.</summary>
    public ServiceDefinition? Find(string name) => states?.FindInstalled(name) ?? (seeded.ByName.GetValueOrDefault(name) is { } found && Present(found) ? Current(found) : null);

    /// <summary>
    /// Changes a service's configuration (sc config, sc description, sc failure, Set-Service -DisplayName): an installed
    /// one's own, the computer's own as a changed copy; false when the computer has no service of that name.
    /// </summary>
    public bool TryReconfigure(string name, Func<ServiceDefinition, ServiceDefinition> change)
    {
        if (states is null) return false;
        if (states.TryUpdateInstalled(name, change)) return true;
        if (Find(name) is not { } service) return false;
        return states.Configure(change(service));
    }

    /// <summary>The services that depend on <paramref name="name"/> (its DependentServices), by name.</summary>
    public IReadOnlyList<ServiceDefinition> DependentsOf(string name) =>
        [.. All().Where(s => s.DependsOn.Contains(name, StringComparer.OrdinalIgnoreCase))];

    /// <summary>The service's status now: what a command set, else how the computer has it since it booted.</summary>
    public string CurrentStatus(ServiceDefinition service) => states?.Status(service.Name) ?? service.Status;

    /// <summary>The service's start type now: what a command set, else the computer's own.</summary>
    public string CurrentStartType(ServiceDefinition service) => states?.StartType(service.Name) ?? service.StartType;

    /// <summary>
    /// Win32_Service's ExitCode: 0 once a command has started the service; before, the computer's: 1077
    /// (ERROR_SERVICE_NEVER_STARTED) for one stopped since the computer booted or installed since, unless the scenario says.
    /// </summary>
    public uint ExitCode(ServiceDefinition service) =>
        states?.HasRun(service.Name) == true ? 0u
        : service.ExitCode ?? (states?.FindInstalled(service.Name) is not null || service.Status.Equals("Stopped", StringComparison.OrdinalIgnoreCase) ? 1077u : 0u);
}

/// <summary>One computer's services as the scenarios give them (<c>services:</c>): by name, and those Get-Service lists.</summary>
internal sealed class ServiceTable
{
    public static readonly ServiceTable Empty = new([]);

    public ServiceTable(IEnumerable<ServiceDefinition> services)
    {
        foreach (var service in services) ByName.TryAdd(service.Name, service);
        Services = [.. ByName.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
        Listed = [.. Services.Where(s => !s.IsDriver)];
        HasFeatureServices = Services.Any(s => s.Feature is not null);
    }

    /// <summary>Whether some services come with a Windows feature (the list depends on what is installed).</summary>
    public bool HasFeatureServices { get; }

    public Dictionary<string, ServiceDefinition> ByName { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every service and driver, by name.</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>The services without the drivers, by name.</summary>
    public IReadOnlyList<ServiceDefinition> Listed { get; }
}

/// <summary>System.ServiceProcess.ServiceControllerStatus's members and values (the assembly is Windows' only).</summary>
internal enum ServiceControllerStatusKind
{
    Stopped = 1,
    StartPending = 2,
    StopPending = 3,
    Running = 4,
    ContinuePending = 5,
    PausePending = 6,
    Paused = 7,
}

/// <summary>System.ServiceProcess.ServiceStartMode's members and values.</summary>
internal enum ServiceStartModeKind
{
    Boot = 0,
    System = 1,
    Automatic = 2,
    Manual = 3,
    Disabled = 4,
}

/// <summary>System.ServiceProcess.ServiceType's members and values (a flags enum).</summary>
[Flags]
#pragma warning disable CA1714 // The members are .NET's own names.
internal enum ServiceTypeKind
#pragma warning restore CA1714
{
    KernelDriver = 1,
    FileSystemDriver = 2,
    Adapter = 4,
    RecognizerDriver = 8,
    Win32OwnProcess = 16,
    Win32ShareProcess = 32,
    InteractiveProcess = 256,
}

/// <summary>A service's failure actions (sc failure / sc qfailure): the seconds after which the failure count resets, each failure's action (RESTART, RUN PROCESS, REBOOT) with its delay in milliseconds, the command and the reboot message.</summary>
public sealed record ServiceFailureActions(long ResetPeriod, IReadOnlyList<(string Action, long Delay)> Actions, string Command, string RebootMessage);
