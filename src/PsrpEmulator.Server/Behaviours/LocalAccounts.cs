using System.Security.Cryptography;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's local users and groups (its SAM), as the LocalAccounts cmdlets and <c>net user</c> / <c>net
/// localgroup</c> see and change them: a Windows Server 2019's built-in accounts (Administrator, DefaultAccount, Guest,
/// WDAGUtilityAccount) and groups, and the users the emulator lets in (each an administrator: a remote session's user is
/// one on Windows' default configuration). The computer's SID is the emulator's own, made from its name (the same on
/// every start). A user a command creates cannot log on to the emulator (its users come from the configuration).
/// Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class LocalAccounts
{
    /// <summary>A local user: its name, RID (its SID's last part) and the properties the cmdlets show.</summary>
    public sealed record User(string Name, int Rid)
    {
        public bool Enabled { get; init; } = true;
        public string Description { get; init; } = string.Empty;
        public string FullName { get; init; } = string.Empty;
        public DateTimeOffset? PasswordLastSet { get; init; }
        public bool PasswordNeverExpires { get; init; }
        public bool UserMayChangePassword { get; init; } = true;
        public bool PasswordRequired { get; init; } = true;
        public DateTimeOffset? AccountExpires { get; init; }
        public DateTimeOffset? LastLogon { get; init; }

        /// <summary>The password a command gave it (null: none, or the emulator's own user, whose password is the configuration's).</summary>
        public string? Password { get; init; }

        // Never shown: a record's generated text would print the password.
        public override string ToString() => Name;
    }

    /// <summary>A local group (a BUILTIN alias or one a command created) and its description.</summary>
    public sealed record Group(string Name, string Sid, string Description);

    /// <summary>
    /// An account a group can hold: its name as LocalAccounts writes it (<c>SERVER01\bob</c>, <c>NT AUTHORITY\INTERACTIVE</c>),
    /// its SID, its class (User, Group) and source (Local for the computer's own, Unknown for well-known ones).
    /// </summary>
    public sealed record Principal(string Name, string Sid, string ObjectClass, string PrincipalSource);

    // Windows' 20-character limit on a user name, and the characters no account name may hold.
    public const int MaxUserNameLength = 20;
    private static readonly char[] InvalidNameCharacters = ['"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>', '@'];

    // A script that loops over made-up names cannot grow the store without bound.
    private const int MaxAccounts = 10_000;

    private readonly Lock _gate = new();
    private readonly string _computer;
    private readonly Dictionary<string, User> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Group> _groups = new(StringComparer.OrdinalIgnoreCase);
    // Each group's members' SIDs, in the order they joined.
    private readonly Dictionary<string, List<string>> _members = new(StringComparer.OrdinalIgnoreCase);
    private int _nextRid = 1000;

    /// <summary>The computer's SID (S-1-5-21-x-y-z), its users' SIDs' prefix.</summary>
    public string ComputerSid { get; }

    // The date the image's accounts had their passwords set (the default computers' installation day).
    private static readonly DateTimeOffset Installed = new(2026, 1, 12, 9, 38, 0, TimeSpan.Zero);

    // Windows Server 2019's BUILTIN groups (S-1-5-32-rid) and their descriptions (UNVERIFIED wording).
    private static readonly (string Name, int Rid, string Description)[] BuiltInGroups =
    [
        ("Access Control Assistance Operators", 579, "Members of this group can remotely query authorization attributes and permissions for resources on this computer."),
        ("Administrators", 544, "Administrators have complete and unrestricted access to the computer/domain"),
        ("Backup Operators", 551, "Backup Operators can override security restrictions for the sole purpose of backing up or restoring files"),
        ("Certificate Service DCOM Access", 574, "Members of this group are allowed to connect to Certification Authorities in the enterprise"),
        ("Cryptographic Operators", 569, "Members are authorized to perform cryptographic operations."),
        ("Distributed COM Users", 562, "Members are allowed to launch, activate and use Distributed COM objects on this machine."),
        ("Event Log Readers", 573, "Members of this group can read event logs from local machine"),
        ("Guests", 546, "Guests have the same access as members of the Users group by default, except for the Guest account which is further restricted"),
        ("Hyper-V Administrators", 578, "Members of this group have complete and unrestricted access to all features of Hyper-V."),
        ("IIS_IUSRS", 568, "Built-in group used by Internet Information Services."),
        ("Network Configuration Operators", 556, "Members in this group can have some administrative privileges to manage configuration of networking features"),
        ("Performance Log Users", 559, "Members of this group may schedule logging of performance counters, enable trace providers, and collect event traces both locally and via remote access to this computer"),
        ("Performance Monitor Users", 558, "Members of this group can access performance counter data locally and remotely"),
        ("Power Users", 547, "Power Users are included for backwards compatibility and possess limited administrative powers"),
        ("Print Operators", 550, "Members can administer printers installed on domain controllers"),
        ("RDS Endpoint Servers", 576, "Servers in this group run virtual machines and host sessions where users RemoteApp programs and personal virtual desktops run. This group needs to be populated on servers running RD Connection Broker. RD Session Host servers and RD Virtualization Host servers used in the deployment need to be in this group."),
        ("RDS Management Servers", 577, "Servers in this group can perform routine administrative actions on servers running Remote Desktop Services. This group needs to be populated on all servers in a Remote Desktop Services deployment. The servers running the RDS Central Management service must be included in this group."),
        ("RDS Remote Access Servers", 575, "Servers in this group enable users of RemoteApp programs and personal virtual desktops access to these resources. In Internet-facing deployments, these servers are typically deployed in an edge network. This group needs to be populated on servers running RD Connection Broker. RD Gateway servers and RD Web Access servers used in the deployment need to be in this group."),
        ("Remote Desktop Users", 555, "Members in this group are granted the right to logon remotely"),
        ("Remote Management Users", 580, "Members of this group can access WMI resources over management protocols (such as WS-Management via the Windows Remote Management service). This applies only to WMI namespaces that grant access to the user."),
        ("Replicator", 552, "Supports file replication in a domain"),
        ("Storage Replica Administrators", 582, "Members of this group have complete and unrestricted access to all features of Storage Replica."),
        ("System Managed Accounts Group", 581, "Members of this group are managed by the system."),
        ("Users", 545, "Users are prevented from making accidental or intentional system-wide changes and can run most applications"),
    ];

    // Well-known principals a group may hold (NT AUTHORITY's), by name.
    private static readonly Principal[] WellKnown =
    [
        new(@"NT AUTHORITY\INTERACTIVE", "S-1-5-4", "Group", "Unknown"),
        new(@"NT AUTHORITY\Authenticated Users", "S-1-5-11", "Group", "Unknown"),
        new(@"NT AUTHORITY\SYSTEM", "S-1-5-18", "User", "Unknown"),
        new(@"NT AUTHORITY\LOCAL SERVICE", "S-1-5-19", "User", "Unknown"),
        new(@"NT AUTHORITY\NETWORK SERVICE", "S-1-5-20", "User", "Unknown"),
        new(@"NT AUTHORITY\NETWORK", "S-1-5-2", "Group", "Unknown"),
        new(@"NT AUTHORITY\SERVICE", "S-1-5-6", "Group", "Unknown"),
        new(@"Everyone", "S-1-1-0", "Group", "Unknown"),
    ];

    /// <param name="computer">The computer's name (its accounts' prefix, and what its SID is made from).</param>
    /// <param name="logonUsers">The users the emulator lets in: each a local administrator.</param>
    public LocalAccounts(string computer, IEnumerable<string> logonUsers)
    {
        _computer = computer.ToUpperInvariant();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(_computer));
        ComputerSid = $"S-1-5-21-{BitConverter.ToUInt32(hash, 0)}-{BitConverter.ToUInt32(hash, 4)}-{BitConverter.ToUInt32(hash, 8)}";
        Policy = new SecurityPolicy(ComputerSid);

        foreach (var (name, rid, description) in BuiltInGroups)
        {
            _groups[name] = new Group(name, $"S-1-5-32-{rid}", description);
            _members[name] = [];
        }

        AddSeedUser(new User("Administrator", 500) { Description = "Built-in account for administering the computer/domain", PasswordLastSet = Installed, PasswordNeverExpires = true }, "Administrators");
        AddSeedUser(new User("DefaultAccount", 503) { Enabled = false, Description = "A user account managed by the system.", PasswordRequired = false, PasswordNeverExpires = true }, "System Managed Accounts Group");
        AddSeedUser(new User("Guest", 501) { Enabled = false, Description = "Built-in account for guest access to the computer/domain", PasswordRequired = false, UserMayChangePassword = false, PasswordNeverExpires = true }, "Guests");
        AddSeedUser(new User("WDAGUtilityAccount", 504) { Enabled = false, Description = "A user account managed and used by the system for Windows Defender Application Guard scenarios.", PasswordLastSet = Installed }, null);
        _members["Users"].AddRange(["S-1-5-4", "S-1-5-11"]);
        foreach (var logon in logonUsers)
        {
            if (_users.ContainsKey(logon) || !IsValidName(logon)) continue;
            var user = new User(logon, _nextRid++) { PasswordLastSet = Installed, PasswordNeverExpires = true };
            AddSeedUser(user, "Administrators");
            _members["Users"].Add(SidOf(user));
        }
    }

    private void AddSeedUser(User user, string? group)
    {
        _users[user.Name] = user;
        if (group is not null) _members[group].Add(SidOf(user));
    }

    private string SidOf(User user) => $"{ComputerSid}-{user.Rid}";

    /// <summary>The computer's name as its accounts are prefixed with (upper case).</summary>
    public string ComputerName => _computer;

    /// <summary>Whether a user or group name is one Windows takes: not empty, no more than 20 characters for a user, none of the characters account names may not hold, not only dots and spaces.</summary>
    public static bool IsValidName(string name, int maxLength = MaxUserNameLength) =>
        name.Length > 0 && name.Length <= maxLength && name.IndexOfAny(InvalidNameCharacters) < 0 && name.Trim('.', ' ').Length > 0 && !name.Any(char.IsControl);

    /// <summary>Every user, by name (as SAM enumerates them to Get-LocalUser and net user).</summary>
    public IReadOnlyList<User> Users()
    {
        lock (_gate) return [.. _users.Values.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Every group: the computer's own (ones commands created) by name, then the BUILTIN ones by name (SAM enumerates the account domain first).</summary>
    public IReadOnlyList<Group> Groups()
    {
        lock (_gate)
        {
            return [.. OrderedGroups()];
        }
    }

    public User? FindUser(string name)
    {
        lock (_gate) return _users.GetValueOrDefault(name);
    }

    public Group? FindGroup(string name)
    {
        lock (_gate) return _groups.GetValueOrDefault(name);
    }

    /// <summary>
    /// The password a user a command created logs on with over the network, as Windows lets a local account into a remote
    /// session: enabled, with a password (a blank one is for the console only), and a member of Administrators or Remote
    /// Management Users (the default endpoint's permissions); null for another (or a name no command created).
    /// </summary>
    public string? LogonPassword(string name)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(name, out var user) || !user.Enabled || string.IsNullOrEmpty(user.Password)) return null;
            var sid = SidOf(user);
            return _members["Administrators"].Contains(sid) || _members["Remote Management Users"].Contains(sid) ? user.Password : null;
        }
    }

    // The computer's own groups by name, then the BUILTIN ones by name (callers hold the lock).
    private IEnumerable<Group> OrderedGroups() => _groups.Values.OrderBy(IsBuiltIn).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>When the user's password must change: its last setting plus the policy's age; null when it never expires (or was never set).</summary>
    public DateTimeOffset? PasswordExpires(User user) =>
        user.PasswordNeverExpires || user.PasswordLastSet is null || Policy.MaximumPasswordAge is not { } age ? null : user.PasswordLastSet + age;

    /// <summary>The computer's local security policy (account policy, audit categories, user rights).</summary>
    public SecurityPolicy Policy { get; }

    /// <summary>The user with the RID (500 the built-in Administrator, 501 Guest, whatever their names now); null for none.</summary>
    public User? UserByRid(int rid)
    {
        lock (_gate) return _users.Values.FirstOrDefault(u => u.Rid == rid);
    }

    /// <summary>The SIDs of the groups the user is a member of, in the order Get-LocalGroup lists them.</summary>
    public IReadOnlyList<string> GroupSidsOf(User user)
    {
        lock (_gate)
        {
            var sid = SidOf(user);
            return [.. OrderedGroups().Where(g => _members[g.Name].Contains(sid)).Select(g => g.Sid)];
        }
    }

    /// <summary>The user's SID.</summary>
    public string UserSid(User user) => SidOf(user);

    /// <summary>A new user (its next RID); false when a user or group of that name exists, or the store is full.</summary>
    public bool TryAddUser(string name, Func<User, User> configure, out User user)
    {
        lock (_gate)
        {
            user = null!;
            if (_users.ContainsKey(name) || _groups.ContainsKey(name) || _users.Count >= MaxAccounts) return false;
            user = configure(new User(name, _nextRid++));
            _users[name] = user;
            return true;
        }
    }

    /// <summary>The user changed (its name and RID kept); false when there is none of that name.</summary>
    public bool TryUpdateUser(string name, Func<User, User> change, out User user)
    {
        lock (_gate)
        {
            user = null!;
            if (!_users.TryGetValue(name, out var old)) return false;
            user = change(old) with { Name = old.Name, Rid = old.Rid };
            _users[old.Name] = user;
            return true;
        }
    }

    /// <summary>Whether the account is one of Windows' own (a built-in user, a BUILTIN group): SAM deletes none of them.</summary>
    public static bool IsBuiltIn(User user) => user.Rid < 1000;

    public static bool IsBuiltIn(Group group) => group.Sid.StartsWith("S-1-5-32-", StringComparison.Ordinal);

    /// <summary>The user gone, and from every group; false when there was none of that name (or it is a built-in one).</summary>
    public bool RemoveUser(string name)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(name, out var user) || IsBuiltIn(user)) return false;
            _users.Remove(name);
            var sid = SidOf(user);
            foreach (var members in _members.Values) members.Remove(sid);
            return true;
        }
    }

    /// <summary>A new group; false when a user or group of that name exists, or the store is full.</summary>
    public bool TryAddGroup(string name, string description, out Group group)
    {
        lock (_gate)
        {
            group = null!;
            if (_users.ContainsKey(name) || _groups.ContainsKey(name) || _groups.Count >= MaxAccounts) return false;
            group = new Group(name, $"{ComputerSid}-{_nextRid++}", description);
            _groups[name] = group;
            _members[name] = [];
            return true;
        }
    }

    /// <summary>The group gone; false when there was none of that name (or it is a BUILTIN one).</summary>
    public bool RemoveGroup(string name)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(name, out var group) || IsBuiltIn(group)) return false;
            _groups.Remove(name);
            _members.Remove(name);
            return true;
        }
    }

    /// <summary>
    /// The account a name stands for, as LookupAccountName finds it: a user or group of the computer (<c>bob</c>,
    /// <c>SERVER01\bob</c>, <c>.\bob</c>, <c>BUILTIN\Administrators</c>), a well-known one (<c>NT AUTHORITY\SYSTEM</c>),
    /// or a SID of one of them; null for another (a domain's accounts: the computer is in no domain).
    /// </summary>
    public Principal? Resolve(string name)
    {
        lock (_gate)
        {
            if (name.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return AllPrincipals().FirstOrDefault(p => p.Sid.Equals(name, StringComparison.OrdinalIgnoreCase));
            var slash = name.IndexOf('\\');
            var domain = slash < 0 ? null : name[..slash];
            var bare = slash < 0 ? name : name[(slash + 1)..];
            // LookupAccountName: the domain as LSA names it, the account part as it was typed.
            Principal? found = null;
            if (domain is null || domain == "." || domain.Equals(_computer, StringComparison.OrdinalIgnoreCase))
            {
                if (_users.TryGetValue(bare, out var user)) found = UserPrincipal(user);
                else if (_groups.TryGetValue(bare, out var own) && !IsBuiltIn(own)) found = GroupPrincipal(own);
            }

            if (found is null && (domain is null || domain.Equals("BUILTIN", StringComparison.OrdinalIgnoreCase)) && _groups.TryGetValue(bare, out var group)) found = GroupPrincipal(group);
            found ??= WellKnown.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || domain is null && p.Name.EndsWith("\\" + bare, StringComparison.OrdinalIgnoreCase));
            if (found is null) return null;
            var separator = found.Name.IndexOf('\\');
            return found with { Name = separator < 0 ? bare : found.Name[..(separator + 1)] + bare };
        }
    }

    /// <summary>The group's members by name (Get-LocalGroupMember sorts them so); null when there is no group of that name.</summary>
    public IReadOnlyList<Principal>? Members(string group)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(group, out var sids)) return null;
            var all = AllPrincipals().ToDictionary(p => p.Sid, StringComparer.OrdinalIgnoreCase);
            return [.. sids.Select(s => all.GetValueOrDefault(s)).OfType<Principal>().OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>The account joins the group; false when it is a member already (or the group is gone).</summary>
    public bool AddMember(string group, Principal member)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(group, out var sids) || sids.Contains(member.Sid, StringComparer.OrdinalIgnoreCase) || sids.Count >= MaxAccounts) return false;
            sids.Add(member.Sid);
            return true;
        }
    }

    /// <summary>The account leaves the group; false when it was no member.</summary>
    public bool RemoveMember(string group, Principal member)
    {
        lock (_gate) return _members.TryGetValue(group, out var sids) && sids.RemoveAll(s => s.Equals(member.Sid, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    private Principal UserPrincipal(User user) => new($@"{_computer}\{user.Name}", SidOf(user), "User", "Local");

    private Principal GroupPrincipal(Group group) =>
        IsBuiltIn(group) ? new($@"BUILTIN\{group.Name}", group.Sid, "Group", "Local") : new($@"{_computer}\{group.Name}", group.Sid, "Group", "Local");

    private IEnumerable<Principal> AllPrincipals() =>
        _users.Values.Select(UserPrincipal).Concat(_groups.Values.Select(GroupPrincipal)).Concat(WellKnown);
}
