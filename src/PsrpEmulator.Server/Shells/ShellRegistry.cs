using System.Collections.Concurrent;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells;

/// <summary>All live shells of the emulator, by ShellId (upper case, as PowerShell sends it).</summary>
internal sealed class ShellRegistry
{
    private readonly ConcurrentDictionary<string, Shell> _shells = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<Shell> Shells => (IReadOnlyCollection<Shell>)_shells.Values;

    public void Add(Shell shell)
    {
        if (!_shells.TryAdd(shell.ShellId, shell)) throw new WsManFaultException(WsManFaultReason.ShellAlreadyExists, shell.ShellId);
    }

    /// <summary>The shell with this id, owned by <paramref name="user"/>; faults exactly as WinRM does otherwise.</summary>
    public Shell Get(string? shellId, string user)
    {
        if (string.IsNullOrEmpty(shellId) || !_shells.TryGetValue(shellId, out var shell))
        {
            throw new WsManFaultException(WsManFaultReason.ShellNotFound, shellId ?? string.Empty);
        }

        if (!string.Equals(shell.Owner, user, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.AccessDenied);
        }

        return shell;
    }

    public bool Remove(Shell shell) => _shells.TryRemove(new KeyValuePair<string, Shell>(shell.ShellId, shell));
}
