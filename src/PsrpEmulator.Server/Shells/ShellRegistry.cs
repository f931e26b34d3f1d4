using System.Collections.Concurrent;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells;

/// <summary>All live shells of the emulator, by ShellId (upper case, as PowerShell sends it).</summary>
internal sealed class ShellRegistry
{
    private readonly ConcurrentDictionary<string, Shell> _shells = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<Shell> Shells => (IReadOnlyCollection<Shell>)_shells.Values;

    public void Add(Shell shell, int maxShellsPerUser)
    {
        if (_shells.Values.Count(s => string.Equals(s.Owner, shell.Owner, StringComparison.OrdinalIgnoreCase) &&
                                      string.Equals(s.ComputerName, shell.ComputerName, StringComparison.OrdinalIgnoreCase)) >= maxShellsPerUser)
        {
            throw new WsManFaultException(WsManFaultReason.MaxShellsPerUserExceeded, maxShellsPerUser);
        }

        if (!_shells.TryAdd(shell.ShellId, shell)) throw new WsManFaultException(WsManFaultReason.ShellAlreadyExists, shell.ShellId);
    }

    /// <summary>The shell with this id, owned by <paramref name="user"/>; faults exactly as WinRM does otherwise.</summary>
    public Shell Get(string? shellId, string user, string computer)
    {
        if (string.IsNullOrEmpty(shellId) || !_shells.TryGetValue(shellId, out var shell) ||
            !string.Equals(shell.ComputerName, computer, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.ShellNotFound, shellId ?? string.Empty);
        }

        if (!string.Equals(shell.Owner, user, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.AccessDenied);
        }

        return shell;
    }

    /// <summary>The shells <paramref name="user"/> may see (only their own), oldest first.</summary>
    public IReadOnlyList<Shell> OwnedBy(string user, string computer) =>
        [.. _shells.Values.Where(s => string.Equals(s.Owner, user, StringComparison.OrdinalIgnoreCase) &&
                                      string.Equals(s.ComputerName, computer, StringComparison.OrdinalIgnoreCase)).OrderBy(s => s.CreatedAt).ThenBy(s => s.CreationSequence)];

    /// <summary>The shell with this id whoever owns it, or null (for routing; <see cref="Get"/> checks access).</summary>
    public Shell? Find(string? shellId) => shellId is not null && _shells.TryGetValue(shellId, out var shell) ? shell : null;

    public bool Remove(Shell shell) => _shells.TryRemove(new KeyValuePair<string, Shell>(shell.ShellId, shell));
}
