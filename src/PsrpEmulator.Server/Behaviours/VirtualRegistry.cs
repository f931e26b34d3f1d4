namespace PsrpEmulator.Server.Behaviours;

/// <summary>A registry value's type, as Microsoft.Win32.RegistryValueKind names it (REG_SZ is String...).</summary>
public enum RegistryValueKind
{
    String,
    ExpandString,
    Binary,
    DWord,
    MultiString,
    QWord,
}

/// <summary>
/// One registry value: its name ("" for the key's default value), type and data (a string for String and
/// ExpandString, an int for DWord as .NET reads it, a long for QWord, a string[] for MultiString, a byte[] for Binary).
/// </summary>
public sealed record RegistryValue(string Name, RegistryValueKind Kind, object Data);

/// <summary>What a registry change failed on.</summary>
public enum RegistryFailure
{
    None,
    KeyNotFound,
    ParentNotFound,
    KeyExists,
    HasSubKeys,
    ValueNotFound,
    ValueExists,
    TooLarge,
}

/// <summary>A key as it was when read: its full name (HKEY_LOCAL_MACHINE\...), values in the order they were made, and subkey names.</summary>
public sealed record RegistryKeySnapshot(string Name, IReadOnlyList<RegistryValue> Values, IReadOnlyList<string> SubKeys);

/// <summary>
/// The registry of one virtual computer: HKEY_LOCAL_MACHINE, and HKEY_CURRENT_USER for each user (a user's hive is
/// made from the scenario's HKCU keys at that user's first use). Keys are named by their full path below the hive
/// ("SOFTWARE\Microsoft\Windows NT\CurrentVersion"), case-insensitively, and keep their values in the order they were
/// made, as Windows lists them. The scenario's <c>registry:</c> keys are there from the start; what commands change
/// (Set-ItemProperty, New-Item, reg add...) lasts for the computer's life, restarts included, and every session of the
/// computer sees it. The two Environment keys are the environment kept for later processes (<see cref="Environment"/>).
/// Thread-safe: one lock (changes are rare and small). Bounded: at most <see cref="MaxKeys"/> keys
/// and <see cref="MaxValueBytes"/> bytes of data per computer, so a script looping over made-up names cannot grow it
/// without bound.
/// </summary>
public sealed class VirtualRegistry
{
    public const string LocalMachine = "HKEY_LOCAL_MACHINE";
    public const string CurrentUser = "HKEY_CURRENT_USER";

    internal const int MaxKeys = 20_000;
    internal const long MaxValueBytes = 16L * 1024 * 1024;

    private sealed class Key(string name)
    {
        public string Name = name;
        public readonly List<RegistryValue> Values = [];
        public readonly Dictionary<string, Key> SubKeys = new(StringComparer.OrdinalIgnoreCase);
        // The subkeys in the order they were made (Windows lists them sorted; see Snapshot).
        public readonly List<Key> Order = [];
    }

    /// <summary>
    /// The environment the computer keeps for later processes (<see cref="PersistentEnvironment"/>): on Windows it is
    /// the registry's Environment keys, so here those two keys are that store seen as values (a user's hive being the
    /// user's profile folder's). Null: they are plain keys.
    /// </summary>
    internal PersistentEnvironment? Environment { get; set; }

    /// <summary>Where the machine's environment variables are (HKLM).</summary>
    public const string MachineEnvironmentKey = @"SYSTEM\CurrentControlSet\Control\Session Manager\Environment";

    // Which store a key is, when it is one of the Environment keys.
    private EnvironmentScope? EnvironmentKey(string hive, string path)
    {
        if (Environment is null) return null;
        var normalized = string.Join('\\', Segments(path));
        if (hive == LocalMachine && normalized.Equals(MachineEnvironmentKey, StringComparison.OrdinalIgnoreCase)) return EnvironmentScope.Machine;
        return hive == CurrentUser && normalized.Equals("Environment", StringComparison.OrdinalIgnoreCase) ? EnvironmentScope.User : null;
    }

    private IReadOnlyList<RegistryValue> EnvironmentValues(EnvironmentScope scope, string? user) =>
        [.. Environment!.List(scope, user ?? string.Empty).Select(v => new RegistryValue(v.Name, v.Expand ? RegistryValueKind.ExpandString : RegistryValueKind.String, v.Text))];

    // A value written into an Environment key keeps its type when it is REG_EXPAND_SZ; any other is kept as its text.
    private static bool Expands(RegistryValue value) => value.Kind == RegistryValueKind.ExpandString;

    private static string EnvironmentText(RegistryValue value) => value.Data switch
    {
        string text => text,
        string[] texts => string.Join(';', texts),
        byte[] bytes => Convert.ToHexString(bytes),
        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>
    /// The computer's services as the registry keeps them (<see cref="IServiceRegistry"/>): each has its key under
    /// SYSTEM\CurrentControlSet\Services, made when a script first looks there, whose Start value follows the service's
    /// start type (Set-Service, sc config) and sets it when a script writes it; an installed service's key comes with
    /// it and goes when it is deleted. Null: the Services key is a plain key.
    /// </summary>
    internal IServiceRegistry? Services { get; set; }

    public const string ServicesKey = @"SYSTEM\CurrentControlSet\Services";

    // The services whose keys the registry made (a key a script deleted is not made again).
    private readonly HashSet<string> _serviceKeys = new(StringComparer.OrdinalIgnoreCase);

    // The service whose key the path is (SYSTEM\CurrentControlSet\Services\<name>, not below it); null for another path.
    private static string? ServiceOf(string hive, string path)
    {
        if (hive != LocalMachine) return null;
        var segments = Segments(path).ToList();
        return segments.Count == 4 && string.Join('\\', segments.Take(3)).Equals(ServicesKey, StringComparison.OrdinalIgnoreCase) ? segments[3] : null;
    }

    /// <summary>Brings the services' keys up to date before an operation on the Services key or below it.</summary>
    private void SyncServices(string hive, string path)
    {
        if (Services is null || hive != LocalMachine) return;
        var normalized = string.Join('\\', Segments(path));
        if (!normalized.StartsWith(ServicesKey, StringComparison.OrdinalIgnoreCase) || (normalized.Length > ServicesKey.Length && normalized[ServicesKey.Length] != '\\')) return;
        var current = Services.Services();
        foreach (var (name, values) in current)
        {
            var keyPath = ServicesKey + "\\" + name;
            var existing = Find(LocalMachine, null, keyPath);
            if (_serviceKeys.Add(name))
            {
                var key = existing ?? Create(_machine, keyPath, createParents: true, out _);
                if (key is null) continue;
                foreach (var value in values.Where(v => !key.Values.Exists(k => k.Name.Equals(v.Name, StringComparison.OrdinalIgnoreCase)))) Set(key, value);
            }
            else if (existing is not null && values.FirstOrDefault(v => v.Name == "Start") is { Data: int start } &&
                     existing.Values.Find(v => v.Name.Equals("Start", StringComparison.OrdinalIgnoreCase)) is { Data: int kept } && kept is 2 or 3 or 4 && kept != start)
            {
                // Set-Service or sc config changed the start type since: the value says so (a boot or system start a script wrote stays).
                Set(existing, new RegistryValue("Start", RegistryValueKind.DWord, start));
            }
        }

        // A service deleted since (sc delete): its key goes with it.
        foreach (var gone in _serviceKeys.Where(n => !current.Any(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            _serviceKeys.Remove(gone);
            if (Find(LocalMachine, null, ServicesKey) is { } services && services.SubKeys.Remove(gone, out var key))
            {
                services.Order.Remove(key);
                Forget(key);
            }
        }
    }

    private readonly object _gate = new();
    private readonly Key _machine = new(LocalMachine);
    private readonly Dictionary<string, Key> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyList<RegistrySeed> _seeds;
    private int _keys;
    private long _bytes;

    internal VirtualRegistry(IEnumerable<RegistrySeed> seeds)
    {
        _seeds = [.. seeds];
        foreach (var seed in _seeds.Where(s => s.Hive == LocalMachine)) Seed(_machine, seed);
    }

    public VirtualRegistry()
        : this([])
    {
    }

    private void Seed(Key hive, RegistrySeed seed)
    {
        var key = Create(hive, seed.Path, createParents: true, out _)!;
        foreach (var value in seed.Values) Set(key, value);
    }

    /// <summary>The hive <paramref name="hive"/> names for <paramref name="user"/> (HKCU is the user's own), made at first use.</summary>
    private Key Hive(string hive, string? user)
    {
        if (hive == LocalMachine) return _machine;
        user ??= string.Empty;
        if (_users.TryGetValue(user, out var own)) return own;
        own = new Key(CurrentUser);
        _users[user] = own;
        foreach (var seed in _seeds.Where(s => s.Hive == CurrentUser)) Seed(own, seed);
        return own;
    }

    private static IEnumerable<string> Segments(string path) => path.Split('\\', StringSplitOptions.RemoveEmptyEntries);

    private Key? Find(string hive, string? user, string path)
    {
        var key = Hive(hive, user);
        foreach (var segment in Segments(path))
        {
            if (!key.SubKeys.TryGetValue(segment, out var sub)) return null;
            key = sub;
        }

        return key;
    }

    private Key? Create(Key hive, string path, bool createParents, out RegistryFailure failure)
    {
        failure = RegistryFailure.None;
        var key = hive;
        var segments = Segments(path).ToList();
        for (var i = 0; i < segments.Count; i++)
        {
            if (key.SubKeys.TryGetValue(segments[i], out var sub))
            {
                key = sub;
                continue;
            }

            if (i < segments.Count - 1 && !createParents)
            {
                failure = RegistryFailure.ParentNotFound;
                return null;
            }

            if (_keys >= MaxKeys)
            {
                failure = RegistryFailure.TooLarge;
                return null;
            }

            sub = new Key(segments[i]);
            key.SubKeys[segments[i]] = sub;
            key.Order.Add(sub);
            _keys++;
            key = sub;
        }

        return key;
    }

    private static long Size(RegistryValue value) => value.Name.Length * 2L + value.Data switch
    {
        string text => text.Length * 2L,
        string[] texts => texts.Sum(t => t.Length * 2L + 2),
        byte[] bytes => bytes.Length,
        _ => 8,
    };

    private bool Set(Key key, RegistryValue value)
    {
        var index = key.Values.FindIndex(v => v.Name.Equals(value.Name, StringComparison.OrdinalIgnoreCase));
        var old = index < 0 ? 0 : Size(key.Values[index]);
        if (_bytes - old + Size(value) > MaxValueBytes) return false;
        _bytes += Size(value) - old;
        // A value set again keeps its place and the name it was made with (Windows keeps the first spelling).
        if (index < 0) key.Values.Add(value);
        else key.Values[index] = value with { Name = key.Values[index].Name };
        return true;
    }

    private static RegistryKeySnapshot Snapshot(Key key, string fullName) =>
        new(fullName, [.. key.Values], [.. key.Order.Select(k => k.Name).Order(StringComparer.OrdinalIgnoreCase)]);

    private static string FullName(string hive, string path)
    {
        var trimmed = string.Join('\\', Segments(path));
        return trimmed.Length == 0 ? hive : hive + "\\" + trimmed;
    }

    /// <summary>The key (its name as it was made, values and subkeys); null when it does not exist.</summary>
    public RegistryKeySnapshot? Get(string hive, string? user, string path)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            if (Find(hive, user, path) is not { } key) return null;
            // The name as the keys spell it, not as the caller did.
            var names = new List<string>();
            var at = Hive(hive, user);
            foreach (var segment in Segments(path))
            {
                at = at.SubKeys[segment];
                names.Add(at.Name);
            }

            var snapshot = Snapshot(key, FullName(hive, string.Join('\\', names)));
            return EnvironmentKey(hive, path) is { } scope ? snapshot with { Values = EnvironmentValues(scope, user) } : snapshot;
        }
    }

    /// <summary>Makes the key (and, with <paramref name="createParents"/>, the keys above it). KeyExists when it was there already.</summary>
    public RegistryFailure CreateKey(string hive, string? user, string path, bool createParents)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            if (Find(hive, user, path) is not null) return RegistryFailure.KeyExists;
            var parent = ParentPath(path);
            if (!createParents && parent.Length > 0 && Find(hive, user, parent) is null) return RegistryFailure.ParentNotFound;
            return Create(Hive(hive, user), path, createParents, out var failure) is null ? failure : RegistryFailure.None;
        }
    }

    /// <summary>Deletes the key: with <paramref name="recurse"/> its subkeys too, else HasSubKeys when it has some. A hive itself cannot be deleted (KeyNotFound).</summary>
    public RegistryFailure DeleteKey(string hive, string? user, string path, bool recurse)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            var parentPath = ParentPath(path);
            if (Segments(path).LastOrDefault() is not { } name || Find(hive, user, parentPath) is not { } parent || !parent.SubKeys.TryGetValue(name, out var key)) return RegistryFailure.KeyNotFound;
            if (key.SubKeys.Count > 0 && !recurse) return RegistryFailure.HasSubKeys;
            parent.SubKeys.Remove(name);
            parent.Order.Remove(key);
            Forget(key);
            return RegistryFailure.None;
        }
    }

    private void Forget(Key key)
    {
        _keys--;
        foreach (var value in key.Values) _bytes -= Size(value);
        foreach (var sub in key.Order) Forget(sub);
    }

    /// <summary>Sets a value of an existing key (made, or replaced in its place); KeyNotFound when the key is not there.</summary>
    public RegistryFailure SetValue(string hive, string? user, string path, RegistryValue value)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            if (Find(hive, user, path) is not { } key) return RegistryFailure.KeyNotFound;
            // A service's Start is its start type from now on (2 Automatic, 3 Manual, 4 Disabled), as the Service Control Manager reads it.
            if (ServiceOf(hive, path) is { } service && value.Name.Equals("Start", StringComparison.OrdinalIgnoreCase) && value.Data is int start) Services?.StartWritten(service, start);
            // An Environment key's value is a variable for the processes started from now on (its text: the store keeps text).
            if (EnvironmentKey(hive, path) is { } scope) return Environment!.Set(scope, user ?? string.Empty, value.Name, EnvironmentText(value), Expands(value)) ? RegistryFailure.None : RegistryFailure.TooLarge;
            return Set(key, value) ? RegistryFailure.None : RegistryFailure.TooLarge;
        }
    }

    /// <summary>Deletes a value; KeyNotFound or ValueNotFound when it is not there.</summary>
    public RegistryFailure DeleteValue(string hive, string? user, string path, string name)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            if (Find(hive, user, path) is not { } key) return RegistryFailure.KeyNotFound;
            if (EnvironmentKey(hive, path) is { } scope)
            {
                if (!EnvironmentValues(scope, user).Any(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) return RegistryFailure.ValueNotFound;
                Environment!.Set(scope, user ?? string.Empty, name, null);
                return RegistryFailure.None;
            }

            var index = key.Values.FindIndex(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return RegistryFailure.ValueNotFound;
            _bytes -= Size(key.Values[index]);
            key.Values.RemoveAt(index);
            return RegistryFailure.None;
        }
    }

    /// <summary>Renames a value in its place; ValueNotFound, or ValueExists when the new name is taken.</summary>
    public RegistryFailure RenameValue(string hive, string? user, string path, string name, string newName)
    {
        lock (_gate)
        {
            SyncServices(hive, path);
            if (Find(hive, user, path) is not { } key) return RegistryFailure.KeyNotFound;
            if (EnvironmentKey(hive, path) is { } scope)
            {
                var values = EnvironmentValues(scope, user);
                if (values.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } old) return RegistryFailure.ValueNotFound;
                if (!name.Equals(newName, StringComparison.OrdinalIgnoreCase) && values.Any(v => v.Name.Equals(newName, StringComparison.OrdinalIgnoreCase))) return RegistryFailure.ValueExists;
                Environment!.Set(scope, user ?? string.Empty, name, null);
                return Environment.Set(scope, user ?? string.Empty, newName, EnvironmentText(old), Expands(old)) ? RegistryFailure.None : RegistryFailure.TooLarge;
            }

            var index = key.Values.FindIndex(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return RegistryFailure.ValueNotFound;
            if (!name.Equals(newName, StringComparison.OrdinalIgnoreCase) && key.Values.Exists(v => v.Name.Equals(newName, StringComparison.OrdinalIgnoreCase))) return RegistryFailure.ValueExists;
            key.Values[index] = key.Values[index] with { Name = newName };
            return RegistryFailure.None;
        }
    }

    /// <summary>The path of the key above <paramref name="path"/> ("" for a key right below the hive).</summary>
    public static string ParentPath(string path)
    {
        var segments = Segments(path).ToList();
        return segments.Count <= 1 ? string.Empty : string.Join('\\', segments.Take(segments.Count - 1));
    }
}

/// <summary>The services of a computer, for its registry's Services keys (<see cref="VirtualRegistry.Services"/>).</summary>
internal interface IServiceRegistry
{
    /// <summary>Each service now: its key's name and the values its key is made with (Start: its start type now).</summary>
    IReadOnlyList<(string Name, IReadOnlyList<RegistryValue> Values)> Services();

    /// <summary>A script wrote the Start value of the service's key (2 Automatic, 3 Manual, 4 Disabled; others are kept as values only).</summary>
    void StartWritten(string name, int start);
}
