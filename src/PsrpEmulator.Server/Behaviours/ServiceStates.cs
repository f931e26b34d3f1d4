using System.Collections.Concurrent;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's services as commands changed them: those commands installed (New-Service, <c>sc create</c>), and what Start-Service, Stop-Service, Restart-Service and Set-Service changed of them: each changed
/// service's status (Running, Stopped) and start type (Automatic, Manual, Disabled). Get-Service, Win32_Service, sc, net
/// and the registry list them with the computer's own (<see cref="ComputerServices"/>); a scenario's own objects follow the changes
/// through <c>{ $service: { name: Spooler, status: Stopped } }</c> values (their value until a command changes it), so a
/// later Get-Service, in this session or another, sees the change. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class ServiceStates
{
    private readonly ConcurrentDictionary<string, (string? Status, string? StartType)> _changes = new(StringComparer.OrdinalIgnoreCase);

    // Services one computer keeps changes for at most (a script that loops over made-up names cannot grow it without bound).
    private const int MaxServices = 10_000;

    /// <summary>The service's status a command set; null when none did.</summary>
    public string? Status(string name) => _changes.TryGetValue(name, out var change) ? change.Status : null;

    /// <summary>The service's start type a command set; null when none did.</summary>
    public string? StartType(string name) => _changes.TryGetValue(name, out var change) ? change.StartType : null;

    /// <summary>The computer's Windows features: a service a feature brings (W3SVC) is there while it is installed.</summary>
    public WindowsFeatureStates? Features { get; init; }

    /// <summary>Told the name of a service a command stopped (the computer's WinRM going down ends its sessions).</summary>
    internal Action<string>? Stopped { get; init; }

    /// <summary>Told a service's display name and new status (the System log's Service Control Manager entry).</summary>
    internal Action<string, string>? Entered { get; init; }

    /// <param name="displayName">The service's display name, for the System log's entry (none without it).</param>
    public void SetStatus(string name, string status, string? displayName = null)
    {
        if (_changes.Count >= MaxServices && !_changes.ContainsKey(name)) return;
        _changes.AddOrUpdate(name, (status, null), (_, old) => (status, old.StartType));
        if (status.Equals("Running", StringComparison.OrdinalIgnoreCase) && _run.Count < MaxServices) _run.TryAdd(name, true);
        if (displayName is not null) Entered?.Invoke(displayName, status);
        if (status.Equals("Stopped", StringComparison.OrdinalIgnoreCase)) Stopped?.Invoke(name);
    }

    /// <summary>A restart: each changed service comes back as its start type says (Automatic running, else stopped; a service whose start type no command changed, as the scenario has it).</summary>
    public void Restart()
    {
        foreach (var (name, (_, startType)) in _changes)
        {
            if (startType is null) _changes.TryRemove(name, out _);
            else _changes[name] = (startType.Equals("Automatic", StringComparison.OrdinalIgnoreCase) ? "Running" : "Stopped", startType);
        }
    }

    private readonly ConcurrentDictionary<string, ServiceDefinition> _installed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The services commands installed, by name.</summary>
    public IReadOnlyList<ServiceDefinition> Installed() => [.. _installed.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];

    private readonly ConcurrentDictionary<string, bool> _run = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a command has started the service (an installed one's Win32_Service ExitCode is 1077 until then).</summary>
    public bool HasRun(string name) => _run.ContainsKey(name);

    /// <summary>The installed service of that name (case aside); null when no command installed one.</summary>
    public ServiceDefinition? FindInstalled(string name) => _installed.GetValueOrDefault(name);

    /// <summary>Installs a service, stopped; false when one of that name (or display name) was installed already (the computer's own: the caller asks <see cref="ComputerServices"/>).</summary>
    public bool TryInstall(ServiceDefinition service)
    {
        if (_installed.Count >= MaxServices || _installed.Values.Any(s => s.DisplayName.Equals(service.DisplayName, StringComparison.OrdinalIgnoreCase))) return false;
        if (!_installed.TryAdd(service.Name, service)) return false;
        _changes[service.Name] = ("Stopped", service.StartType);
        return true;
    }

    /// <summary>Changes an installed service's configuration (sc config, sc description); false when none of that name was installed.</summary>
    public bool TryUpdateInstalled(string name, Func<ServiceDefinition, ServiceDefinition> change)
    {
        while (_installed.TryGetValue(name, out var old))
        {
            if (_installed.TryUpdate(name, change(old), old)) return true;
        }

        return false;
    }

    /// <summary>Removes an installed service (sc delete); false when none of that name was installed.</summary>
    public bool Uninstall(string name)
    {
        if (!_installed.TryRemove(name, out _)) return false;
        _changes.TryRemove(name, out _);
        _run.TryRemove(name, out _);
        return true;
    }

    private readonly ConcurrentDictionary<string, ServiceDefinition> _configured = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a command has changed the configuration of one of the computer's own services.</summary>
    public bool HasConfigured => !_configured.IsEmpty;

    /// <summary>The computer's own service as a command configured it; null when none did.</summary>
    public ServiceDefinition? Configured(string name) => _configured.GetValueOrDefault(name);

    /// <summary>Keeps a changed configuration of one of the computer's own services; false when the computer keeps too many.</summary>
    public bool Configure(ServiceDefinition service)
    {
        if (_configured.Count >= MaxServices && !_configured.ContainsKey(service.Name)) return false;
        _configured[service.Name] = service;
        return true;
    }

    public void SetStartType(string name, string startType)
    {
        if (_changes.Count >= MaxServices && !_changes.ContainsKey(name)) return;
        _changes.AddOrUpdate(name, (null, startType), (_, old) => (old.Status, startType));
    }
}
