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
