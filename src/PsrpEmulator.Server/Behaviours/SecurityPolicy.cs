using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A computer's local security policy, what secpol.msc edits and security baselines (CIS, DISA STIG through InSpec's
/// security_policy) read: the account policy (SAM's: password ages, length, history, complexity, lockout), the legacy
/// audit categories and the user rights assignments (LSA's), with Windows Server 2019's defaults for a computer outside
/// a domain (UNVERIFIED beyond Microsoft's documented defaults: the rights' order as secedit lists them is remembered).
/// secedit exports and configures it as an INF template, net accounts shows and sets the account policy, and ADSI's
/// user entries carry its fields. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class SecurityPolicy
{
    /// <summary>The [System Access] numbers a template may set (the account names and Enable*Account come from the accounts).</summary>
    public static readonly IReadOnlyList<string> AccessKeys =
    [
        "MinimumPasswordAge", "MaximumPasswordAge", "MinimumPasswordLength", "PasswordComplexity", "PasswordHistorySize", "LockoutBadCount",
        "ResetLockoutCount", "LockoutDuration", "RequireLogonToChangePassword", "ForceLogoffWhenHourExpire", "ClearTextPassword", "LSAAnonymousNameLookup",
    ];

    /// <summary>The [Event Audit] categories (0 none, 1 success, 2 failure, 3 both).</summary>
    public static readonly IReadOnlyList<string> AuditKeys =
    [
        "AuditSystemEvents", "AuditLogonEvents", "AuditObjectAccess", "AuditPrivilegeUse", "AuditPolicyChange", "AuditAccountManage",
        "AuditProcessTracking", "AuditDSAccess", "AuditAccountLogon",
    ];

    // The user rights a stand-alone Windows Server 2019 assigns, in the order secedit writes them: accounts as SIDs.
    private static readonly (string Right, string[] Sids)[] DefaultRights =
    [
        ("SeNetworkLogonRight", ["S-1-1-0", "S-1-5-32-544", "S-1-5-32-545", "S-1-5-32-551"]),
        ("SeBackupPrivilege", ["S-1-5-32-544", "S-1-5-32-551"]),
        ("SeChangeNotifyPrivilege", ["S-1-1-0", "S-1-5-19", "S-1-5-20", "S-1-5-32-544", "S-1-5-32-545", "S-1-5-32-551"]),
        ("SeSystemtimePrivilege", ["S-1-5-19", "S-1-5-32-544"]),
        ("SeCreatePagefilePrivilege", ["S-1-5-32-544"]),
        ("SeDebugPrivilege", ["S-1-5-32-544"]),
        ("SeRemoteShutdownPrivilege", ["S-1-5-32-544"]),
        ("SeAuditPrivilege", ["S-1-5-19", "S-1-5-20"]),
        ("SeIncreaseQuotaPrivilege", ["S-1-5-19", "S-1-5-20", "S-1-5-32-544"]),
        ("SeIncreaseBasePriorityPrivilege", ["S-1-5-32-544", "S-1-5-90-0"]),
        ("SeLoadDriverPrivilege", ["S-1-5-32-544"]),
        ("SeBatchLogonRight", ["S-1-5-32-544", "S-1-5-32-551", "S-1-5-32-559"]),
        ("SeServiceLogonRight", ["S-1-5-80-0"]),
        ("SeInteractiveLogonRight", ["S-1-5-32-544", "S-1-5-32-545", "S-1-5-32-551"]),
        ("SeSecurityPrivilege", ["S-1-5-32-544"]),
        ("SeSystemEnvironmentPrivilege", ["S-1-5-32-544"]),
        ("SeProfileSingleProcessPrivilege", ["S-1-5-32-544"]),
        ("SeSystemProfilePrivilege", ["S-1-5-32-544", "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420"]),
        ("SeAssignPrimaryTokenPrivilege", ["S-1-5-19", "S-1-5-20"]),
        ("SeRestorePrivilege", ["S-1-5-32-544", "S-1-5-32-551"]),
        ("SeShutdownPrivilege", ["S-1-5-32-544", "S-1-5-32-551"]),
        ("SeTakeOwnershipPrivilege", ["S-1-5-32-544"]),
        ("SeDenyNetworkLogonRight", [GuestRid]),
        ("SeDenyInteractiveLogonRight", [GuestRid]),
        ("SeUndockPrivilege", ["S-1-5-32-544"]),
        ("SeManageVolumePrivilege", ["S-1-5-32-544"]),
        ("SeRemoteInteractiveLogonRight", ["S-1-5-32-544", "S-1-5-32-555"]),
        ("SeImpersonatePrivilege", ["S-1-5-19", "S-1-5-20", "S-1-5-32-544", "S-1-5-6"]),
        ("SeCreateGlobalPrivilege", ["S-1-5-19", "S-1-5-20", "S-1-5-32-544", "S-1-5-6"]),
        ("SeIncreaseWorkingSetPrivilege", ["S-1-5-32-545"]),
        ("SeTimeZonePrivilege", ["S-1-5-19", "S-1-5-32-544"]),
        ("SeCreateSymbolicLinkPrivilege", ["S-1-5-32-544"]),
        ("SeDelegateSessionUserImpersonatePrivilege", ["S-1-5-32-544"]),
    ];

    // The computer's Guest account, whose SID is the computer's own: filled in when the policy is made.
    private const string GuestRid = "-501";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _access = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MinimumPasswordAge"] = 0, ["MaximumPasswordAge"] = 42, ["MinimumPasswordLength"] = 0, ["PasswordComplexity"] = 1,
        ["PasswordHistorySize"] = 0, ["LockoutBadCount"] = 0, ["ResetLockoutCount"] = 30, ["LockoutDuration"] = 30,
        ["RequireLogonToChangePassword"] = 0, ["ForceLogoffWhenHourExpire"] = 0, ["ClearTextPassword"] = 0, ["LSAAnonymousNameLookup"] = 0,
    };

    private readonly Dictionary<string, int> _audit = AuditKeys.ToDictionary(k => k, _ => 0, StringComparer.OrdinalIgnoreCase);

    // Each right's accounts (SIDs, or the names a template gave that no account has), in the order they were given.
    private readonly List<(string Right, List<string> Accounts)> _rights;

    /// <param name="computerSid">The computer's SID (S-1-5-21-x-y-z), its Guest's prefix.</param>
    public SecurityPolicy(string computerSid)
    {
        _rights = [.. DefaultRights.Select(r => (r.Right, r.Sids.Select(s => s == GuestRid ? computerSid + GuestRid : s).ToList()))];
    }

    /// <summary>A [System Access] number (MaximumPasswordAge -1: passwords never expire).</summary>
    public int Access(string key)
    {
        lock (_gate) return _access.GetValueOrDefault(key);
    }

    /// <summary>Sets a [System Access] number; a key the policy does not have is left.</summary>
    public void SetAccess(string key, int value) => Set(_access, key, value);

    /// <summary>Sets an [Event Audit] category; another key is left.</summary>
    public void SetAudit(string key, int value) => Set(_audit, key, value);

    private void Set(Dictionary<string, int> settings, string key, int value)
    {
        lock (_gate)
        {
            if (settings.ContainsKey(key)) settings[key] = value;
        }
    }

    /// <summary>Assigns a right to exactly these accounts (none: the right is no one's); a new right goes last.</summary>
    public void SetRight(string right, IEnumerable<string> accounts)
    {
        lock (_gate)
        {
            var index = _rights.FindIndex(r => r.Right.Equals(right, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) _rights[index] = (_rights[index].Right, [.. accounts]);
            else _rights.Add((right, [.. accounts]));
        }
    }

    /// <summary>How long a password lasts before it must change; null when passwords never expire (MaximumPasswordAge -1 or 0).</summary>
    public TimeSpan? MaximumPasswordAge => Access("MaximumPasswordAge") is var days and > 0 ? TimeSpan.FromDays(days) : null;

    /// <summary>How long a password must be kept before it may change.</summary>
    public TimeSpan MinimumPasswordAge => TimeSpan.FromDays(Access("MinimumPasswordAge"));

    /// <summary>
    /// The INF template secedit exports: [Unicode], [System Access] (the lockout's duration and reset only with a
    /// threshold), [Event Audit], [Registry Values], [Privilege Rights] (well-known and BUILTIN accounts as *SID, the
    /// computer's own accounts by name), [Version]; CRLF lines. <paramref name="areas"/> null: every area.
    /// </summary>
    public string Export(LocalAccounts accounts, IReadOnlyList<(string Name, string Value)> registryValues, ISet<string>? areas)
    {
        Dictionary<string, int> access, audit;
        List<(string Right, string[] Accounts)> rights;
        lock (_gate)
        {
            access = new(_access, StringComparer.OrdinalIgnoreCase);
            audit = new(_audit, StringComparer.OrdinalIgnoreCase);
            rights = [.. _rights.Where(r => r.Accounts.Count > 0).Select(r => (r.Right, r.Accounts.ToArray()))];
        }

        var administrator = accounts.UserByRid(500);
        var guest = accounts.UserByRid(501);
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append("\r\n");
        Line("[Unicode]");
        Line("Unicode=yes");
        if (areas is null || areas.Contains("SECURITYPOLICY"))
        {
            Line("[System Access]");
            foreach (var key in AccessKeys)
            {
                if (key is "ResetLockoutCount" or "LockoutDuration" && access["LockoutBadCount"] == 0) continue;
                Line($"{key} = {access[key].ToString(CultureInfo.InvariantCulture)}");
                if (key == "ForceLogoffWhenHourExpire")
                {
                    Line($"NewAdministratorName = \"{administrator?.Name ?? "Administrator"}\"");
                    Line($"NewGuestName = \"{guest?.Name ?? "Guest"}\"");
                }
            }

            Line($"EnableAdminAccount = {(administrator?.Enabled == true ? 1 : 0)}");
            Line($"EnableGuestAccount = {(guest?.Enabled == true ? 1 : 0)}");
            Line("[Event Audit]");
            foreach (var key in AuditKeys) Line($"{key} = {audit[key].ToString(CultureInfo.InvariantCulture)}");
            Line("[Registry Values]");
            foreach (var (name, value) in registryValues) Line($"{name}={value}");
        }

        if (areas is null || areas.Contains("USER_RIGHTS"))
        {
            Line("[Privilege Rights]");
            foreach (var (right, holders) in rights) Line($"{right} = {string.Join(',', holders.Select(h => TemplateAccount(h, accounts)))}");
        }

        Line("[Version]");
        Line("signature=\"$CHICAGO$\"");
        Line("Revision=1");
        return text.ToString();
    }

    // A right's account as secedit writes it: *SID for a well-known or BUILTIN account, the name of one of the computer's own.
    private static string TemplateAccount(string account, LocalAccounts accounts)
    {
        if (!account.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return account;
        if (!account.StartsWith(accounts.ComputerSid + "-", StringComparison.OrdinalIgnoreCase)) return "*" + account;
        var name = FileAccessControl.NameOf(account, accounts);
        return name == account ? "*" + account : name[(name.IndexOf('\\') + 1)..];
    }

    /// <summary>
    /// An INF template's sections (secedit /configure's /cfg), as section name to its lines' keys and values; null when
    /// the text has no [Version] signature of "$CHICAGO$" (secedit refuses such a template).
    /// </summary>
    public static Dictionary<string, List<(string Key, string Value)>>? ParseTemplate(string text)
    {
        var sections = new Dictionary<string, List<(string Key, string Value)>>(StringComparer.OrdinalIgnoreCase);
        List<(string Key, string Value)>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line[0] == ';') continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                var name = line[1..^1].Trim();
                if (!sections.TryGetValue(name, out current)) sections[name] = current = [];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is null || equals <= 0) continue;
            current.Add((line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }

        return sections.TryGetValue("Version", out var version) &&
            version.Any(v => v.Key.Equals("signature", StringComparison.OrdinalIgnoreCase) && v.Value.Trim('"').Equals("$CHICAGO$", StringComparison.OrdinalIgnoreCase))
            ? sections : null;
    }

    /// <summary>
    /// secedit /configure: a template's [System Access] and [Event Audit] numbers and [Privilege Rights] (each named
    /// right to exactly the accounts listed: *SID or a name, resolved when an account has it) take effect; what the
    /// areas leave out stays, as does a key the policy does not know (the account names, Enable*Account).
    /// </summary>
    public void Configure(Dictionary<string, List<(string Key, string Value)>> template, LocalAccounts accounts, ISet<string>? areas)
    {
        if ((areas is null || areas.Contains("SECURITYPOLICY")) && template.TryGetValue("System Access", out var access))
        {
            foreach (var (key, value) in access)
            {
                if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) SetAccess(key, number);
            }
        }

        if ((areas is null || areas.Contains("SECURITYPOLICY")) && template.TryGetValue("Event Audit", out var audit))
        {
            foreach (var (key, value) in audit)
            {
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) SetAudit(key, number);
            }
        }

        if ((areas is null || areas.Contains("USER_RIGHTS")) && template.TryGetValue("Privilege Rights", out var rights))
        {
            foreach (var (right, value) in rights)
            {
                var holders = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(a => a.StartsWith('*') ? a[1..].ToUpperInvariant() : FileAccessControl.SidOf(a, accounts) ?? a);
                SetRight(right, holders);
            }
        }
    }

    /// <summary>One subcategory of the advanced audit policy: its category, name, GUID and Windows Server 2019's setting (1 success, 2 failure).</summary>
    public sealed record AuditSubcategory(string Category, string Name, Guid Id, int Default);

    // auditpol's categories and subcategories in the order it lists them, with a stand-alone server's defaults (UNVERIFIED
    // beyond Microsoft's documented defaults).
    private static AuditSubcategory Sub(string category, string name, int suffix, int setting) =>
        new(category, name, Guid.Parse($"0CCE{suffix:X4}-69AE-11D9-BED3-505054503030"), setting);

    /// <summary>The advanced audit policy's subcategories, as auditpol lists them.</summary>
    public static readonly IReadOnlyList<AuditSubcategory> AuditSubcategories =
    [
        Sub("System", "Security System Extension", 0x9211, 0), Sub("System", "System Integrity", 0x9212, 3), Sub("System", "IPsec Driver", 0x9213, 0),
        Sub("System", "Other System Events", 0x9214, 3), Sub("System", "Security State Change", 0x9210, 1),
        Sub("Logon/Logoff", "Logon", 0x9215, 3), Sub("Logon/Logoff", "Logoff", 0x9216, 1), Sub("Logon/Logoff", "Account Lockout", 0x9217, 1),
        Sub("Logon/Logoff", "IPsec Main Mode", 0x9218, 0), Sub("Logon/Logoff", "IPsec Quick Mode", 0x9219, 0), Sub("Logon/Logoff", "IPsec Extended Mode", 0x921A, 0),
        Sub("Logon/Logoff", "Special Logon", 0x921B, 1), Sub("Logon/Logoff", "Other Logon/Logoff Events", 0x921C, 0), Sub("Logon/Logoff", "Network Policy Server", 0x9243, 3),
        Sub("Logon/Logoff", "User / Device Claims", 0x9247, 0), Sub("Logon/Logoff", "Group Membership", 0x9249, 0),
        Sub("Object Access", "File System", 0x921D, 0), Sub("Object Access", "Registry", 0x921E, 0), Sub("Object Access", "Kernel Object", 0x921F, 0),
        Sub("Object Access", "SAM", 0x9220, 0), Sub("Object Access", "Certification Services", 0x9221, 0), Sub("Object Access", "Application Generated", 0x9222, 0),
        Sub("Object Access", "Handle Manipulation", 0x9223, 0), Sub("Object Access", "File Share", 0x9224, 0), Sub("Object Access", "Filtering Platform Packet Drop", 0x9225, 0),
        Sub("Object Access", "Filtering Platform Connection", 0x9226, 0), Sub("Object Access", "Other Object Access Events", 0x9227, 0), Sub("Object Access", "Detailed File Share", 0x9244, 0),
        Sub("Object Access", "Removable Storage", 0x9245, 0), Sub("Object Access", "Central Policy Staging", 0x9246, 0),
        Sub("Privilege Use", "Non Sensitive Privilege Use", 0x9229, 0), Sub("Privilege Use", "Other Privilege Use Events", 0x922A, 0), Sub("Privilege Use", "Sensitive Privilege Use", 0x9228, 0),
        Sub("Detailed Tracking", "Process Creation", 0x922B, 0), Sub("Detailed Tracking", "Process Termination", 0x922C, 0), Sub("Detailed Tracking", "DPAPI Activity", 0x922D, 0),
        Sub("Detailed Tracking", "RPC Events", 0x922E, 0), Sub("Detailed Tracking", "Plug and Play Events", 0x9248, 0), Sub("Detailed Tracking", "Token Right Adjusted Events", 0x924A, 0),
        Sub("Policy Change", "Audit Policy Change", 0x922F, 1), Sub("Policy Change", "Authentication Policy Change", 0x9230, 1), Sub("Policy Change", "Authorization Policy Change", 0x9231, 0),
        Sub("Policy Change", "MPSSVC Rule-Level Policy Change", 0x9232, 0), Sub("Policy Change", "Filtering Platform Policy Change", 0x9233, 0), Sub("Policy Change", "Other Policy Change Events", 0x9234, 0),
        Sub("Account Management", "Computer Account Management", 0x9236, 0), Sub("Account Management", "Security Group Management", 0x9237, 1),
        Sub("Account Management", "Distribution Group Management", 0x9238, 0), Sub("Account Management", "Application Group Management", 0x9239, 0),
        Sub("Account Management", "Other Account Management Events", 0x923A, 0), Sub("Account Management", "User Account Management", 0x9235, 1),
        Sub("DS Access", "Directory Service Access", 0x923B, 0), Sub("DS Access", "Directory Service Changes", 0x923C, 0), Sub("DS Access", "Directory Service Replication", 0x923D, 0),
        Sub("DS Access", "Detailed Directory Service Replication", 0x923E, 0),
        Sub("Account Logon", "Kerberos Service Ticket Operations", 0x9240, 0), Sub("Account Logon", "Other Account Logon Events", 0x9241, 0),
        Sub("Account Logon", "Kerberos Authentication Service", 0x9242, 0), Sub("Account Logon", "Credential Validation", 0x923F, 0),
    ];

    private readonly Dictionary<Guid, int> _auditSubcategories = AuditSubcategories.ToDictionary(s => s.Id, s => s.Default);

    /// <summary>A subcategory's setting now: 0 No Auditing, 1 Success, 2 Failure, 3 Success and Failure.</summary>
    public int SubcategoryAudit(AuditSubcategory subcategory)
    {
        lock (_gate) return _auditSubcategories[subcategory.Id];
    }

    /// <summary>Turns a subcategory's success and failure auditing on or off (null leaves it).</summary>
    public void SetSubcategoryAudit(AuditSubcategory subcategory, bool? success, bool? failure)
    {
        lock (_gate)
        {
            var setting = _auditSubcategories[subcategory.Id];
            if (success is { } s) setting = s ? setting | 1 : setting & ~1;
            if (failure is { } f) setting = f ? setting | 2 : setting & ~2;
            _auditSubcategories[subcategory.Id] = setting;
        }
    }

    /// <summary>A setting as auditpol writes it.</summary>
    public static string AuditSettingText(int setting) => setting switch
    {
        1 => "Success",
        2 => "Failure",
        3 => "Success and Failure",
        _ => "No Auditing",
    };
}
