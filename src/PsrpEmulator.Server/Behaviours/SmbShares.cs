namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's SMB shares, as the SmbShare module's cmdlets (Get-/New-/Set-/Remove-SmbShare, Get-/Grant-/Revoke-/
/// Block-/Unblock-SmbShareAccess) and <c>net share</c> see and change them. A fresh Windows Server 2019 has its
/// administrative shares, ADMIN$ (C:\Windows), C$ (C:\) and IPC$, each open to Administrators, Backup Operators and
/// INTERACTIVE (their share permissions UNVERIFIED). Share permissions are kept and listed, not checked (nothing
/// connects over SMB). Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class SmbShares
{
    /// <summary>A share permission: the account (as the cmdlets name it), allow or deny, and Full, Change or Read.</summary>
    public sealed record Access(string AccountName, bool Deny, string Right);

    /// <summary>A share: its name, folder, remark and settings, and its permissions in the order they were given.</summary>
    public sealed record Share(string Name, string Path, string Description)
    {
        public bool Special { get; init; }
        public bool Temporary { get; init; }
        public bool EncryptData { get; init; }
        public uint ConcurrentUserLimit { get; init; }
        public string FolderEnumerationMode { get; init; } = "Unrestricted";
        public string CachingMode { get; init; } = "Manual";
        public string ShareType { get; init; } = "FileSystemDirectory";
        public IReadOnlyList<Access> Permissions { get; init; } = [];
    }

    // A script that loops over made-up shares cannot grow the list without bound.
    private const int MaxShares = 10_000;

    private static readonly Access[] AdministrativeAccess =
    [
        new(@"BUILTIN\Administrators", false, "Full"),
        new(@"BUILTIN\Backup Operators", false, "Full"),
        new(@"NT AUTHORITY\INTERACTIVE", false, "Full"),
    ];

    private readonly Lock _gate = new();

    // In the order the server enumerates them (net share lists C$, IPC$, ADMIN$, then the others as made).
    private readonly List<Share> _shares =
    [
        new("C$", @"C:\", "Default share") { Special = true, Permissions = AdministrativeAccess },
        new("IPC$", string.Empty, "Remote IPC") { Special = true, ShareType = "InterprocessCommunication", Permissions = AdministrativeAccess },
        new("ADMIN$", @"C:\Windows", "Remote Admin") { Special = true, Permissions = AdministrativeAccess },
    ];

    /// <summary>Every share, in the server's order.</summary>
    public IReadOnlyList<Share> List()
    {
        lock (_gate) return [.. _shares];
    }

    /// <summary>Whether Windows takes the name for a share: not empty, at most 80 characters, none of <c>\ / : * ? " &lt; &gt; |</c> (NetShareAdd's rule; its limits UNVERIFIED).</summary>
    public static bool IsValidName(string name) => name.Length is > 0 and <= 80 && name.IndexOfAny(['\\', '/', ':', '*', '?', '"', '<', '>', '|']) < 0 && !name.Any(char.IsControl);

    /// <summary>The share of that name (names compare without case); null when there is none.</summary>
    public Share? Find(string name)
    {
        lock (_gate) return _shares.Find(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds a share; false when the name is shared already (or the list is full).</summary>
    public bool TryAdd(Share share)
    {
        lock (_gate)
        {
            if (_shares.Count >= MaxShares || _shares.Exists(s => s.Name.Equals(share.Name, StringComparison.OrdinalIgnoreCase))) return false;
            _shares.Add(share);
            return true;
        }
    }

    /// <summary>Changes a share; the changed share, or null when there is none of that name.</summary>
    public Share? Update(string name, Func<Share, Share> change)
    {
        lock (_gate)
        {
            var at = _shares.FindIndex(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (at < 0) return null;
            _shares[at] = change(_shares[at]);
            return _shares[at];
        }
    }

    /// <summary>Stops sharing; false when there is no share of that name.</summary>
    public bool Remove(string name)
    {
        lock (_gate) return _shares.RemoveAll(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    /// <summary>
    /// A share's permissions with an account's allow entry set to a right (Grant-SmbShareAccess: it replaces the
    /// account's allow entry), a deny entry for it (Block-SmbShareAccess), or its entries gone (Revoke: allows,
    /// Unblock: denies).
    /// </summary>
    public static IReadOnlyList<Access> WithAccess(IReadOnlyList<Access> permissions, string account, string? right, bool deny, bool remove)
    {
        var kept = permissions.Where(p => !(p.AccountName.Equals(account, StringComparison.OrdinalIgnoreCase) && p.Deny == deny)).ToList();
        if (remove) return kept;
        var entry = new Access(account, deny, right ?? "Full");
        // Denies first, as Windows orders a share's ACL.
        if (deny) kept.Insert(kept.TakeWhile(p => p.Deny).Count(), entry);
        else kept.Add(entry);
        return kept;
    }
}
