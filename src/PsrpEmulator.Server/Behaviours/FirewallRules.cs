namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's Windows Firewall rules (its persistent store), as NetSecurity's cmdlets (Get-/New-/Set-/Remove-/
/// Enable-/Disable-NetFirewallRule, Get-NetFirewallPortFilter) and <c>netsh advfirewall firewall</c> see and change
/// them. A fresh computer has the rules provisioning scripts look for: WinRM's two HTTP-In rules (enabled; the Public
/// profile's limited to the local subnet, as on Windows Server), Remote Desktop's TCP and UDP rules and File and Printer
/// Sharing's ICMPv4 echo request (disabled). Windows has about 400 more; their absence is a divergence (UNVERIFIED:
/// the listed rules' descriptions and groups' resource strings are written from memory of Windows Server 2019).
/// Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class FirewallRules
{
    /// <summary>A rule: its name (InstanceID), display name, group, state and the port filter the cmdlets show.</summary>
    public sealed record Rule(string Name, string DisplayName)
    {
        public string Description { get; init; } = string.Empty;
        public string DisplayGroup { get; init; } = string.Empty;
        public string Group { get; init; } = string.Empty;
        public bool Enabled { get; init; } = true;

        /// <summary>"Any", or the profiles as the enum's text lists them ("Domain, Private").</summary>
        public string Profile { get; init; } = "Any";

        public string Direction { get; init; } = "Inbound";
        public string Action { get; init; } = "Allow";
        public string Protocol { get; init; } = "Any";
        public string LocalPort { get; init; } = "Any";
        public string RemotePort { get; init; } = "Any";
        public string RemoteAddress { get; init; } = "Any";
        public string LocalAddress { get; init; } = "Any";
        public string Program { get; init; } = "Any";
        public string IcmpType { get; init; } = "Any";
    }

    // A script that loops over made-up rules cannot grow the store without bound.
    private const int MaxRules = 10_000;

    private readonly Lock _gate = new();
    // In the order they were added, as the store enumerates them.
    private readonly List<Rule> _rules =
    [
        new("WINRM-HTTP-In-TCP", "Windows Remote Management (HTTP-In)")
        {
            Description = "Inbound rule for Windows Remote Management via WS-Management. [TCP 5985]",
            DisplayGroup = "Windows Remote Management", Group = "@FirewallAPI.dll,-35002", Profile = "Domain, Private",
            Protocol = "TCP", LocalPort = "5985", Program = "System",
        },
        new("WINRM-HTTP-In-TCP-PUBLIC", "Windows Remote Management (HTTP-In)")
        {
            Description = "Inbound rule for Windows Remote Management via WS-Management. [TCP 5985]",
            DisplayGroup = "Windows Remote Management", Group = "@FirewallAPI.dll,-35002", Profile = "Public",
            Protocol = "TCP", LocalPort = "5985", RemoteAddress = "LocalSubnet", Program = "System",
        },
        new("RemoteDesktop-UserMode-In-TCP", "Remote Desktop - User Mode (TCP-In)")
        {
            Description = "Inbound rule for the Remote Desktop service to allow RDP traffic. [TCP 3389]",
            DisplayGroup = "Remote Desktop", Group = "@FirewallAPI.dll,-28752", Enabled = false,
            Protocol = "TCP", LocalPort = "3389", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteDesktop-UserMode-In-UDP", "Remote Desktop - User Mode (UDP-In)")
        {
            Description = "Inbound rule for the Remote Desktop service to allow RDP traffic. [UDP 3389]",
            DisplayGroup = "Remote Desktop", Group = "@FirewallAPI.dll,-28752", Enabled = false,
            Protocol = "UDP", LocalPort = "3389", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("FPS-ICMP4-ERQ-In", "File and Printer Sharing (Echo Request - ICMPv4-In)")
        {
            Description = "Echo Request messages are sent as ping requests to other nodes.",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Enabled = false,
            Protocol = "ICMPv4", IcmpType = "8",
        },
    ];

    /// <summary>The firewall's profiles, in the order Windows lists them.</summary>
    public static readonly string[] Profiles = ["Domain", "Private", "Public"];

    // Each profile's state (Set-NetFirewallProfile -Enabled, netsh advfirewall set ... state): on, as on a fresh server.
    private readonly Dictionary<string, bool> _profileEnabled = new(StringComparer.OrdinalIgnoreCase) { ["Domain"] = true, ["Private"] = true, ["Public"] = true };

    public bool IsProfileEnabled(string profile)
    {
        lock (_gate) return _profileEnabled[profile];
    }

    public void SetProfileEnabled(string profile, bool enabled)
    {
        lock (_gate) _profileEnabled[profile] = enabled;
    }

    /// <summary>The profile settings Set-NetFirewallProfile changes besides Enabled, with a fresh server's values (NotConfigured: Windows' defaults apply).</summary>
    public static readonly IReadOnlyDictionary<string, string> ProfileSettingDefaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["DefaultInboundAction"] = "NotConfigured",
        ["DefaultOutboundAction"] = "NotConfigured",
        ["AllowInboundRules"] = "NotConfigured",
        ["AllowLocalFirewallRules"] = "NotConfigured",
        ["AllowLocalIPsecRules"] = "NotConfigured",
        ["AllowUserApps"] = "NotConfigured",
        ["AllowUserPorts"] = "NotConfigured",
        ["AllowUnicastResponseToMulticast"] = "NotConfigured",
        ["NotifyOnListen"] = "False",
        ["EnableStealthModeForIPsec"] = "NotConfigured",
        ["LogFileName"] = @"%systemroot%\system32\LogFiles\Firewall\pfirewall.log",
        ["LogMaxSizeKilobytes"] = "4096",
        ["LogAllowed"] = "False",
        ["LogBlocked"] = "False",
        ["LogIgnored"] = "NotConfigured",
    };

    private readonly Dictionary<(string Profile, string Setting), string> _profileSettings = [];

    public string ProfileSetting(string profile, string setting)
    {
        lock (_gate) return _profileSettings.TryGetValue((profile.ToUpperInvariant(), setting.ToUpperInvariant()), out var value) ? value : ProfileSettingDefaults[setting];
    }

    public void SetProfileSetting(string profile, string setting, string value)
    {
        lock (_gate) _profileSettings[(profile.ToUpperInvariant(), setting.ToUpperInvariant())] = value;
    }

    // The Profile enum's flags in the order its text lists them.
    private static readonly string[] ProfileOrder = ["Domain", "Private", "Public", "NotApplicable"];

    /// <summary>Profiles (names already checked, any case) as the Profile enum's text writes them: "Domain, Private", or Any.</summary>
    public static string ProfileText(IReadOnlyCollection<string> names) =>
        names.Contains("Any", StringComparer.OrdinalIgnoreCase) ? "Any" : string.Join(", ", ProfileOrder.Where(p => names.Contains(p, StringComparer.OrdinalIgnoreCase)));

    /// <summary>TCP, UDP, ICMPv4 or ICMPv6 as a rule writes it, whatever the case it was given in; null for another protocol.</summary>
    public static string? ProtocolName(string text) => text.ToUpperInvariant() switch
    {
        "TCP" => "TCP",
        "UDP" => "UDP",
        "ICMPV4" => "ICMPv4",
        "ICMPV6" => "ICMPv6",
        _ => null,
    };

    /// <summary>Every rule, in the store's order.</summary>
    public IReadOnlyList<Rule> All()
    {
        lock (_gate) return [.. _rules];
    }

    public Rule? Find(string name)
    {
        lock (_gate) return _rules.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds a rule; false when one of its name exists (or the store is full).</summary>
    public bool TryAdd(Rule rule)
    {
        lock (_gate)
        {
            if (_rules.Count >= MaxRules || _rules.Any(r => string.Equals(r.Name, rule.Name, StringComparison.OrdinalIgnoreCase))) return false;
            _rules.Add(rule);
            return true;
        }
    }

    /// <summary>Replaces the rule of <paramref name="name"/> with what <paramref name="change"/> makes of it; the new rule, or null.</summary>
    public Rule? Update(string name, Func<Rule, Rule> change)
    {
        lock (_gate)
        {
            var index = _rules.FindIndex(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return null;
            var changed = change(_rules[index]) with { Name = _rules[index].Name };
            _rules[index] = changed;
            return changed;
        }
    }

    public bool Remove(string name)
    {
        lock (_gate) return _rules.RemoveAll(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) > 0;
    }
}
