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
public sealed partial class PersistentEnvironment
{
    // The machine's Path as Windows Server 2019's registry keeps it (REG_EXPAND_SZ; Path is the machine's part only), with
    // the OpenSSH client's folder build 1809 adds (a real Server 2019's PATH has it, ssh.exe there).
    private const string MachinePath = @"%SystemRoot%\system32;%SystemRoot%;%SystemRoot%\System32\Wbem;%SYSTEMROOT%\System32\WindowsPowerShell\v1.0\;%SYSTEMROOT%\System32\OpenSSH\";

    private readonly Lock _lock = new();

    // What scripts changed: a null value is a variable removed.
    private readonly Dictionary<string, Stored?> _machine = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, Stored?>> _users = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A value as the registry keeps it: its text, and whether it is REG_EXPAND_SZ (its %NAME% references expanded when it is read and when a process starts).</summary>
    private readonly record struct Stored(string Text, bool Expand);

    // Variables one store keeps at most, and their total size: a script that loops cannot grow the emulator without bound.
    private const int MaxVariables = 1_000;
    private const int MaxValueLength = 32_767;

    /// <summary>
    /// A variable's value in the machine's or the user's store, expanded as <c>[Environment]::GetEnvironmentVariable</c>
    /// reads it (Windows' default when no script changed it: the machine Path without the user's part, TEMP
    /// C:\Windows\TEMP for the machine); null when there is none.
    /// </summary>
    /// <param name="process">The reading process's variables: the %NAME% references of a REG_EXPAND_SZ value are expanded from them (an unknown one stays as written).</param>
    public string? Get(EnvironmentScope scope, string profile, string name, Func<string, string?> process)
    {
        Stored? value;
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: false);
            value = changes is not null && changes.TryGetValue(name, out var changed) ? changed : Default(scope, name, process);
        }

        return value is { } v ? v.Expand ? Expand(v.Text, process) : v.Text : null;
    }

    /// <summary>
    /// Sets (or, with null or an empty value, removes) a variable for the processes started from now on, as REG_SZ or,
    /// with <paramref name="expand"/>, REG_EXPAND_SZ; false past the store's bounds.
    /// </summary>
    public bool Set(EnvironmentScope scope, string profile, string name, string? value, bool expand = false)
    {
        if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || value?.Length > MaxValueLength) return false;
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: true)!;
            if (!changes.ContainsKey(name) && changes.Count >= MaxVariables) return false;
            changes[name] = string.IsNullOrEmpty(value) ? null : new Stored(value, expand);
            return true;
        }
    }

    /// <summary>
    /// Applies the stores to a new process's block of Windows' defaults (<paramref name="variables"/>, changed in place):
    /// REG_EXPAND_SZ values expanded from the block as it is built, as Windows does.
    /// </summary>
    public void ApplyTo(IDictionary<string, string> variables, string profile)
    {
        string? Lookup(string name) => variables.TryGetValue(name, out var value) ? value : null;
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
                    if (value is not { } v) variables.Remove(name);
                    else variables[name] = v.Expand ? Expand(v.Text, Lookup) : v.Text;
                }
            }

            // Path: the machine's, then the user's.
            if (_machine.ContainsKey("Path") || user?.ContainsKey("Path") == true)
            {
                var machinePath = _machine.TryGetValue("Path", out var m) ? m : Default(EnvironmentScope.Machine, "Path", Lookup);
                var userPath = user is not null && user.TryGetValue("Path", out var u) ? u : Default(EnvironmentScope.User, "Path", Lookup);
                var path = string.Join(';', new[] { machinePath, userPath }
                    .Select(p => p is { } v ? v.Expand ? Expand(v.Text, Lookup) : v.Text : null)
                    .Where(p => !string.IsNullOrEmpty(p)));
                if (path.Length == 0) variables.Remove("Path");
                else variables["Path"] = path;
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> with each %NAME% replaced by <paramref name="lookup"/>'s value (ExpandEnvironmentStrings,
    /// [Environment]::ExpandEnvironmentVariables): an unknown name, or a lone %, stays as written.
    /// </summary>
    public static string Expand(string text, Func<string, string?> lookup) =>
        text.Contains('%', StringComparison.Ordinal) ? EnvironmentReference().Replace(text, m => lookup(m.Groups["name"].Value) ?? m.Value) : text;

    [System.Text.RegularExpressions.GeneratedRegex(@"%(?<name>[^%=]+)%", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex EnvironmentReference();

    // The names Windows Server 2019's registry has in each store, as it spells them (the machine's Environment key, a
    // user's HKCU\Environment).
    private static readonly string[] MachineNames = ["ComSpec", "DriverData", "NUMBER_OF_PROCESSORS", "OS", "Path", "PATHEXT", "PROCESSOR_ARCHITECTURE", "PROCESSOR_IDENTIFIER", "PROCESSOR_LEVEL", "PROCESSOR_REVISION", "PSModulePath", "TEMP", "TMP", "USERNAME", "windir"];
    private static readonly string[] UserNames = ["Path", "TEMP", "TMP"];

    // The machine values a process's block gives (Default reads them from a process): Windows' process defaults.
    private static string? StandardProcessValue(string name) =>
        Shells.WinRs.WinRsEnvironment.Defaults(string.Empty, string.Empty, string.Empty, string.Empty).FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A variable as its store's registry key lists it: the text as kept, and whether it is REG_EXPAND_SZ.</summary>
    public readonly record struct Variable(string Name, string Text, bool Expand);

    /// <summary>
    /// Every variable of the machine's or the user's store, as its registry key lists them (REG_EXPAND_SZ values not
    /// expanded): Windows' defaults in its order, then the variables scripts added; a removed one is left out.
    /// </summary>
    public IReadOnlyList<Variable> List(EnvironmentScope scope, string profile)
    {
        var list = new List<Variable>();
        var defaults = scope == EnvironmentScope.Machine ? MachineNames : UserNames;
        lock (_lock)
        {
            var changes = Changes(scope, profile, create: false);
            foreach (var name in defaults)
            {
                var value = changes is not null && changes.TryGetValue(name, out var changed) ? changed : Default(scope, name, StandardProcessValue);
                if (value is { } v) list.Add(new(name, v.Text, v.Expand));
            }

            foreach (var (name, value) in changes ?? [])
            {
                if (value is { } v && !defaults.Contains(name, StringComparer.OrdinalIgnoreCase)) list.Add(new(name, v.Text, v.Expand));
            }
        }

        return list;
    }

    private Dictionary<string, Stored?>? Changes(EnvironmentScope scope, string profile, bool create)
    {
        if (scope == EnvironmentScope.Machine) return _machine;
        if (_users.TryGetValue(profile, out var user) || !create) return user;
        return _users[profile] = new Dictionary<string, Stored?>(StringComparer.OrdinalIgnoreCase);
    }

    // Windows Server 2019's registry defaults, with their types: the machine's are the system variables; a user's are
    // Path, TEMP and TMP, all three REG_EXPAND_SZ of %USERPROFILE%.
    private static Stored? Default(EnvironmentScope scope, string name, Func<string, string?> process)
    {
        var upper = name.ToUpperInvariant();
        if (scope == EnvironmentScope.User)
        {
            return upper switch
            {
                "PATH" => new Stored(@"%USERPROFILE%\AppData\Local\Microsoft\WindowsApps", true),
                "TEMP" or "TMP" => new Stored(@"%USERPROFILE%\AppData\Local\Temp", true),
                _ => null,
            };
        }

        return upper switch
        {
            "PATH" => new Stored(MachinePath, true),
            "TEMP" or "TMP" => new Stored(@"%SystemRoot%\TEMP", true),
            "COMSPEC" => new Stored(@"%SystemRoot%\system32\cmd.exe", true),
            "WINDIR" => new Stored("%SystemRoot%", true),
            "PSMODULEPATH" => new Stored(@"%ProgramFiles%\WindowsPowerShell\Modules;%SystemRoot%\system32\WindowsPowerShell\v1.0\Modules", true),
            "USERNAME" => new Stored("SYSTEM", false),
            "DRIVERDATA" => new Stored(@"C:\Windows\System32\Drivers\DriverData", false),
            "NUMBER_OF_PROCESSORS" or "OS" or "PATHEXT" or "PROCESSOR_ARCHITECTURE" or "PROCESSOR_IDENTIFIER" or "PROCESSOR_LEVEL" or "PROCESSOR_REVISION" => process(name) is { } value ? new Stored(value, false) : null,
            _ => null,
        };
    }
}
