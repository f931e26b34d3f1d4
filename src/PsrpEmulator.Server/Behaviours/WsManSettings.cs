namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What scripts changed of one computer's WinRM configuration (the WSMan: drive's Set-Item, New-Item and Remove-Item,
/// <c>winrm set</c>): values set, listeners made, containers removed, laid over the configuration the emulator
/// reports (<see cref="Apply"/>). The changes are kept and read back, not acted on: the emulator's own behaviour (its
/// authentication, listeners, quotas) follows its options. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class WsManSettings
{
    // A script that loops over made-up listeners cannot grow the configuration without bound.
    private const int MaxAdded = 1_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<WsManConfigEntry> _added = [];
    private readonly HashSet<string> _removed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The configuration with the changes: removed containers gone with what they held, values set, added items after their container's last.</summary>
    public IReadOnlyList<WsManConfigEntry> Apply(IReadOnlyList<WsManConfigEntry> entries)
    {
        lock (_gate)
        {
            if (_values.Count == 0 && _added.Count == 0 && _removed.Count == 0) return entries;
            var result = new List<WsManConfigEntry>(entries.Count + _added.Count);
            foreach (var entry in entries)
            {
                if (IsRemoved(entry.Path)) continue;
                result.Add(entry is { IsContainer: false } && _values.TryGetValue(entry.Path, out var value) ? entry with { Value = value } : entry);
            }

            foreach (var entry in _added)
            {
                if (IsRemoved(entry.Path)) continue;
                var added = entry is { IsContainer: false } && _values.TryGetValue(entry.Path, out var value) ? entry with { Value = value } : entry;
                // After the last item of its container (or the container itself).
                var at = result.FindLastIndex(e => e.Path.Equals(added.Parent, StringComparison.OrdinalIgnoreCase) ||
                    e.Path.StartsWith(added.Parent + "\\", StringComparison.OrdinalIgnoreCase));
                result.Insert(at + 1, added);
            }

            return result;
        }
    }

    private bool IsRemoved(string path)
    {
        foreach (var removed in _removed)
        {
            if (path.Equals(removed, StringComparison.OrdinalIgnoreCase) || path.StartsWith(removed + "\\", StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    /// <summary>Sets a value (a leaf's path under localhost).</summary>
    public void Set(string path, string value)
    {
        lock (_gate) _values[path] = value;
    }

    /// <summary>Adds a container and its items (a listener); false when the configuration holds too many added items.</summary>
    public bool Add(IReadOnlyList<WsManConfigEntry> entries)
    {
        lock (_gate)
        {
            if (_added.Count + entries.Count > MaxAdded) return false;
            foreach (var entry in entries)
            {
                _removed.Remove(entry.Path);
                _values.Remove(entry.Path);
                _added.RemoveAll(e => e.Path.Equals(entry.Path, StringComparison.OrdinalIgnoreCase));
                _added.Add(entry);
            }

            return true;
        }
    }

    /// <summary>The resource URI WinRM's configuration lives under (winrm/config's full form).</summary>
    public const string ConfigNamespace = "http://schemas.microsoft.com/wbem/wsman/1/config";

    /// <summary>
    /// The configuration's parts by resource URI (<c>winrm/config/service/auth</c> or its full URI; winrm/config/winrs
    /// is the Shell container): their path among the entries and their element's name; null for another URI (the
    /// listeners are a resource of their own).
    /// </summary>
    public static (string Path, string Name)? ConfigResource(string? uri)
    {
        var name = uri?.Trim().TrimEnd('/').ToLowerInvariant();
        if (name is not null && name.StartsWith(ConfigNamespace, StringComparison.Ordinal)) name = "winrm/config" + name[ConfigNamespace.Length..];
        return name switch
        {
            "winrm/config" => (string.Empty, "Config"),
            "winrm/config/client" => ("Client", "Client"),
            "winrm/config/client/auth" => (@"Client\Auth", "Auth"),
            "winrm/config/client/defaultports" => (@"Client\DefaultPorts", "DefaultPorts"),
            "winrm/config/service" => ("Service", "Service"),
            "winrm/config/service/auth" => (@"Service\Auth", "Auth"),
            "winrm/config/service/defaultports" => (@"Service\DefaultPorts", "DefaultPorts"),
            "winrm/config/winrs" => ("Shell", "Winrs"),
            _ => null,
        };
    }

    /// <summary>Whether the URI is the listeners' resource (<c>winrm/config/Listener</c> or its full URI).</summary>
    public static bool IsListenerResource(string uri) =>
        uri.Trim().TrimEnd('/').Equals("winrm/config/listener", StringComparison.OrdinalIgnoreCase) ||
        uri.Trim().TrimEnd('/').Equals(ConfigNamespace + "/listener", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The name WinRM gives a listener of these keys: Windows' own for the usual ones (Enable-PSRemoting's HTTP listener,
    /// a certificate's HTTPS one on every address), a stable hash of the keys for others (UNVERIFIED).
    /// </summary>
    public static string ListenerName(string transport, string address) => (transport.ToUpperInvariant(), address) switch
    {
        ("HTTP", "*") => "Listener_1084132640",
        ("HTTPS", "*") => "Listener_1305953032",
        _ => "Listener_" + ((uint)StringComparer.OrdinalIgnoreCase.GetHashCode(transport + "|" + address) % 900_000_000 + 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A listener's container and values, in WinRM's order (the port HTTPS's or HTTP's when not given); null when too many items were added.</summary>
    public WsManConfigEntry? AddListener(string transport, string address, string? port, string? hostname, string? enabled, string? urlPrefix, string? thumbprint)
    {
        transport = transport.ToUpperInvariant();
        var path = @"Listener\" + ListenerName(transport, address);
        var listener = new WsManConfigEntry(path, null, [$"Transport={transport}", $"Address={address}"]);
        return Add(
        [
            listener,
            new(path + @"\Address", address),
            new(path + @"\Transport", transport),
            new(path + @"\Port", port ?? (transport == "HTTPS" ? "5986" : "5985")),
            new(path + @"\Hostname", hostname ?? string.Empty),
            new(path + @"\Enabled", enabled?.ToLowerInvariant() is "false" or "0" ? "false" : "true"),
            new(path + @"\URLPrefix", urlPrefix ?? "wsman"),
            new(path + @"\CertificateThumbprint", thumbprint?.Replace(" ", string.Empty, StringComparison.Ordinal) ?? string.Empty),
        ]) ? listener : null;
    }

    /// <summary>Removes a container with what it holds.</summary>
    public void Remove(string path)
    {
        lock (_gate)
        {
            _added.RemoveAll(e => e.Path.Equals(path, StringComparison.OrdinalIgnoreCase) || e.Path.StartsWith(path + "\\", StringComparison.OrdinalIgnoreCase));
            _removed.Add(path);
        }
    }
}
