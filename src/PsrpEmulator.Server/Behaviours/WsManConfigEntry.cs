namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One item of a computer's WinRM configuration as the WSMan: drive shows it: its path under <c>localhost</c>
/// (<c>Shell\IdleTimeout</c>), its value (null: a container) and, for a container WinRM names by selectors (a
/// listener), its keys (<c>Transport=HTTP</c>).
/// </summary>
public sealed record WsManConfigEntry(string Path, string? Value, IReadOnlyList<string>? Keys = null)
{
    public bool IsContainer => Value is null;

    /// <summary>The item's own name (the path's last part).</summary>
    public string Name => Path[(Path.LastIndexOf('\\') + 1)..];

    /// <summary>The container it is in (empty: <c>localhost</c> itself).</summary>
    public string Parent => Path.LastIndexOf('\\') is var slash and > 0 ? Path[..slash] : string.Empty;
}
