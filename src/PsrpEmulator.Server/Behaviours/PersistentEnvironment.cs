namespace PsrpEmulator.Server.Behaviours;

/// <summary>Where Windows keeps an environment variable for the processes it starts later: the machine's or a user's.</summary>
public enum EnvironmentScope
{
    /// <summary>HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment (<c>setx /M</c>, EnvironmentVariableTarget.Machine).</summary>
    Machine,

    /// <summary>HKCU\Environment of the user (<c>setx</c>, EnvironmentVariableTarget.User).</summary>
    User,
}

/// <summary>
/// The environment variables one computer keeps for the processes it starts later
/// (<c>[Environment]::SetEnvironmentVariable(name, value, 'Machine')</c>, <c>setx</c>): the machine's and each user's,
/// which a session or cmd shell made after a change starts with, and which a running process does not see, as on
/// Windows. A new process's block is Windows' defaults with the machine's changes and then the user's on top; Path is
/// the machine's Path, a semicolon and the user's, as Windows joins them. Users are told apart by their profile
/// folder. Thread-safe: sessions of one computer share it.
/// </summary>
public sealed class PersistentEnvironment
{
    // The machine's defaults that differ from what a user's process sees (Path is the machine's part only).
    private const string MachinePath = @"C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\";

    private readonly Lock _lock = new();

    // What scripts changed: a null value is a variable removed.
    private readonly Dictionary<string, string?> _machine = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, string?>> _users = new(StringComparer.OrdinalIgnoreCase);

    // Variables one store keeps at most, and their total size: a script that loops cannot grow the emulator without bound.
    private const int MaxVariables = 1_000;
    private const int MaxValueLength = 32_767;

    /// <summary>
    /// A variable's value in the machine's or the user's store (Windows' default when no script changed it: the machine
    /// Path without the user's part, TEMP C:\Windows\TEMP for the machine); null when there is none.
    /// </summary>
    /// <param name="process">The user's process variables, for the defaults that name the profile.</param>
    public string? Get(EnvironmentScope scope, string profile, string name, Func<string, string?> process)
    {
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: false);
            if (changes is not null && changes.TryGetValue(name, out var changed)) return changed;
        }

        return Default(scope, profile, name, process);
    }

    /// <summary>Sets (or, with null or an empty value, removes) a variable for the processes started from now on; false past the store's bounds.</summary>
    public bool Set(EnvironmentScope scope, string profile, string name, string? value)
    {
        if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || value?.Length > MaxValueLength) return false;
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: true)!;
            if (!changes.ContainsKey(name) && changes.Count >= MaxVariables) return false;
            changes[name] = string.IsNullOrEmpty(value) ? null : value;
            return true;
        }
    }

    /// <summary>Applies the stores to a new process's block of Windows' defaults (<paramref name="variables"/>, changed in place).</summary>
    public void ApplyTo(IDictionary<string, string> variables, string profile)
    {
        lock (_lock)
        {
            var user = Changes(EnvironmentScope.User, profile, create: false);
            if (_machine.Count == 0 && user is null) return;
            foreach (var changes in new[] { _machine, user })
            {
                if (changes is null) continue;
                foreach (var (name, value) in changes)
                {
                    if (name.Equals("Path", StringComparison.OrdinalIgnoreCase)) continue;
                    if (value is null) variables.Remove(name);
                    else variables[name] = value;
                }
            }

            // Path: the machine's, then the user's.
            if (_machine.ContainsKey("Path") || user?.ContainsKey("Path") == true)
            {
                var machinePath = _machine.TryGetValue("Path", out var m) ? m : MachinePath;
                var userPath = user is not null && user.TryGetValue("Path", out var u) ? u : profile + @"\AppData\Local\Microsoft\WindowsApps";
                var path = string.Join(';', new[] { machinePath, userPath }.Where(p => !string.IsNullOrEmpty(p)));
                if (path.Length == 0) variables.Remove("Path");
                else variables["Path"] = path;
            }
        }
    }

    // The names Windows Server 2019's registry has in each store, as it spells them (the machine's Environment key, a
    // user's HKCU\Environment).
    private static readonly string[] MachineNames = ["ComSpec", "DriverData", "NUMBER_OF_PROCESSORS", "OS", "Path", "PATHEXT", "PROCESSOR_ARCHITECTURE", "PSModulePath", "TEMP", "TMP", "USERNAME", "windir"];
    private static readonly string[] UserNames = ["Path", "TEMP", "TMP"];

    // The machine values a process's block gives (Default reads them from a process): Windows' process defaults.
    private static string? StandardProcessValue(string name) =>
        Shells.WinRs.WinRsEnvironment.Defaults(string.Empty, string.Empty, string.Empty, string.Empty).FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// Every variable of the machine's or the user's store, as its registry key lists them: Windows' defaults in its
    /// order, then the variables scripts added; a removed one is left out.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> List(EnvironmentScope scope, string profile)
    {
        var list = new List<KeyValuePair<string, string>>();
        var defaults = scope == EnvironmentScope.Machine ? MachineNames : UserNames;
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: false);
            foreach (var name in defaults)
            {
                var value = changes is not null && changes.TryGetValue(name, out var changed) ? changed : Default(scope, profile, name, StandardProcessValue);
                if (value is not null) list.Add(new(name, value));
            }

            foreach (var (name, value) in changes ?? [])
            {
                if (value is not null && !defaults.Contains(name, StringComparer.OrdinalIgnoreCase)) list.Add(new(name, value));
            }
        }

        return list;
    }

    private Dictionary<string, string?>? Changes(EnvironmentScope scope, string profile, bool create)
    {
        if (scope == EnvironmentScope.Machine) return _machine;
        if (_users.TryGetValue(profile, out var user) || !create) return user;
        return _users[profile] = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
    }

    // Windows Server 2019's registry defaults: the machine's are the system variables; a user's are Path, TEMP and TMP.
    private static string? Default(EnvironmentScope scope, string profile, string name, Func<string, string?> process)
    {
        var upper = name.ToUpperInvariant();
        if (scope == EnvironmentScope.User)
        {
            return upper switch
            {
                "PATH" => profile + @"\AppData\Local\Microsoft\WindowsApps",
                "TEMP" or "TMP" => profile + @"\AppData\Local\Temp",
                _ => null,
            };
        }

        return upper switch
        {
            "PATH" => MachinePath,
            "TEMP" or "TMP" => @"C:\Windows\TEMP",
            "USERNAME" => "SYSTEM",
            "COMSPEC" or "NUMBER_OF_PROCESSORS" or "OS" or "PATHEXT" or "PROCESSOR_ARCHITECTURE" or "WINDIR" => process(name),
            "DRIVERDATA" => @"C:\Windows\System32\Drivers\DriverData",
            "PSMODULEPATH" => @"C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules",
            _ => null,
        };
    }
}
