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

        // The built-in groups hardening and monitoring scripts enable (Enable-NetFirewallRule -DisplayGroup, netsh ... set
        // rule group=...): their rules as remembered (names and groups as Windows has them; descriptions, resource
        // numbers, the defaults' enabled state and the RPC rules' details UNVERIFIED). SMB-In is on: a fresh server's
        // admin shares answer; the rest are off until a script turns them on.
        new("FPS-ICMP6-ERQ-In", "File and Printer Sharing (Echo Request - ICMPv6-In)")
        {
            Description = "Echo Request messages are sent as ping requests to other nodes.",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Enabled = false,
            Protocol = "ICMPv6", IcmpType = "128",
        },
        new("FPS-SMB-In-TCP", "File and Printer Sharing (SMB-In)")
        {
            Description = "Inbound rule for File and Printer Sharing to allow Server Message Block transmission and reception via Named Pipes. [TCP 445]",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Protocol = "TCP", LocalPort = "445", Program = "System",
        },
        new("FPS-NB_Session-In-TCP", "File and Printer Sharing (NB-Session-In)")
        {
            Description = "Inbound rule for File and Printer Sharing to allow NetBIOS Session Service connections. [TCP 139]",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Enabled = false, Protocol = "TCP", LocalPort = "139", Program = "System",
        },
        new("FPS-NB_Name-In-UDP", "File and Printer Sharing (NB-Name-In)")
        {
            Description = "Inbound rule for File and Printer Sharing to allow NetBIOS Name Resolution. [UDP 137]",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Enabled = false, Protocol = "UDP", LocalPort = "137", Program = "System",
        },
        new("FPS-NB_Datagram-In-UDP", "File and Printer Sharing (NB-Datagram-In)")
        {
            Description = "Inbound rule for File and Printer Sharing to allow NetBIOS Datagram transmission and reception. [UDP 138]",
            DisplayGroup = "File and Printer Sharing", Group = "@FirewallAPI.dll,-28502", Enabled = false, Protocol = "UDP", LocalPort = "138", Program = "System",
        },
        new("RemoteDesktop-Shadow-In-TCP", "Remote Desktop - Shadow (TCP-In)")
        {
            Description = "Inbound rule for the Remote Desktop service to allow shadowing of an existing Remote Desktop session. (TCP-In)",
            DisplayGroup = "Remote Desktop", Group = "@FirewallAPI.dll,-28752", Enabled = false, Protocol = "TCP", Program = @"%SystemRoot%\system32\RdpSa.exe",
        },
        new("WMI-RPCSS-In-TCP", "Windows Management Instrumentation (DCOM-In)")
        {
            Description = "Inbound rule to allow DCOM traffic for remote Windows Management Instrumentation. [TCP 135]",
            DisplayGroup = "Windows Management Instrumentation (WMI)", Group = "@FirewallAPI.dll,-34251", Enabled = false,
            Protocol = "TCP", LocalPort = "135", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("WMI-WINMGMT-In-TCP", "Windows Management Instrumentation (WMI-In)")
        {
            Description = "Inbound rule to allow WMI traffic for remote Windows Management Instrumentation. [TCP]",
            DisplayGroup = "Windows Management Instrumentation (WMI)", Group = "@FirewallAPI.dll,-34251", Enabled = false,
            Protocol = "TCP", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("WMI-WINMGMT-In-TCP-ASYNC", "Windows Management Instrumentation (ASync-In)")
        {
            Description = "Inbound rule to allow Asynchronous WMI traffic for remote Windows Management Instrumentation. [TCP]",
            DisplayGroup = "Windows Management Instrumentation (WMI)", Group = "@FirewallAPI.dll,-34251", Enabled = false,
            Protocol = "TCP", Program = @"%systemroot%\system32\wbem\unsecapp.exe",
        },
        new("WMI-WINMGMT-Out-TCP", "Windows Management Instrumentation (WMI-Out)")
        {
            Description = "Outbound rule to allow WMI traffic for remote Windows Management Instrumentation. [TCP]",
            DisplayGroup = "Windows Management Instrumentation (WMI)", Group = "@FirewallAPI.dll,-34251", Enabled = false, Direction = "Outbound",
            Protocol = "TCP", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteEventLogSvc-In-TCP", "Remote Event Log Management (RPC)")
        {
            Description = "Inbound rule for the local Event Log service to be remotely managed via RPC/TCP.",
            DisplayGroup = "Remote Event Log Management", Group = "@FirewallAPI.dll,-29252", Enabled = false,
            Protocol = "TCP", LocalPort = "RPC", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteEventLogSvc-NP-In-TCP", "Remote Event Log Management (NP-In)")
        {
            Description = "Inbound rule for the local Event Log service to be remotely managed over Named Pipes.",
            DisplayGroup = "Remote Event Log Management", Group = "@FirewallAPI.dll,-29252", Enabled = false, Protocol = "TCP", LocalPort = "445", Program = "System",
        },
        new("RemoteEventLogSvc-RPCSS-In-TCP", "Remote Event Log Management (RPC-EPMAP)")
        {
            Description = "Inbound rule for the RPCSS service to allow RPC/TCP traffic for the local Event Log Service.",
            DisplayGroup = "Remote Event Log Management", Group = "@FirewallAPI.dll,-29252", Enabled = false,
            Protocol = "TCP", LocalPort = "RPCEPMap", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteSvcAdmin-In-TCP", "Remote Service Management (RPC)")
        {
            Description = "Inbound rule for the local Service Control Manager to be remotely managed via RPC/TCP.",
            DisplayGroup = "Remote Service Management", Group = "@FirewallAPI.dll,-29502", Enabled = false,
            Protocol = "TCP", LocalPort = "RPC", Program = @"%SystemRoot%\system32\services.exe",
        },
        new("RemoteSvcAdmin-NP-In-TCP", "Remote Service Management (NP-In)")
        {
            Description = "Inbound rule for the local Service Control Manager to be remotely managed over Named Pipes.",
            DisplayGroup = "Remote Service Management", Group = "@FirewallAPI.dll,-29502", Enabled = false, Protocol = "TCP", LocalPort = "445", Program = "System",
        },
        new("RemoteSvcAdmin-RPCSS-In-TCP", "Remote Service Management (RPC-EPMAP)")
        {
            Description = "Inbound rule for the RPCSS service to allow RPC/TCP traffic for the local Service Control Manager.",
            DisplayGroup = "Remote Service Management", Group = "@FirewallAPI.dll,-29502", Enabled = false,
            Protocol = "TCP", LocalPort = "RPCEPMap", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteTask-In-TCP", "Remote Scheduled Tasks Management (RPC)")
        {
            Description = "Inbound rule for the Task Scheduler service to be remotely managed via RPC/TCP.",
            DisplayGroup = "Remote Scheduled Tasks Management", Group = "@FirewallAPI.dll,-33252", Enabled = false,
            Protocol = "TCP", LocalPort = "RPC", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteTask-RPCSS-In-TCP", "Remote Scheduled Tasks Management (RPC-EPMAP)")
        {
            Description = "Inbound rule for the RPCSS service to allow RPC/TCP traffic for the Task Scheduler service.",
            DisplayGroup = "Remote Scheduled Tasks Management", Group = "@FirewallAPI.dll,-33252", Enabled = false,
            Protocol = "TCP", LocalPort = "RPCEPMap", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteFwAdmin-In-TCP", "Windows Defender Firewall Remote Management (RPC)")
        {
            Description = "Inbound rule for the Windows Defender Firewall to be remotely managed via RPC/TCP.",
            DisplayGroup = "Windows Defender Firewall Remote Management", Group = "@FirewallAPI.dll,-30002", Enabled = false,
            Protocol = "TCP", LocalPort = "RPC", Program = @"%SystemRoot%\system32\svchost.exe",
        },
        new("RemoteFwAdmin-RPCSS-In-TCP", "Windows Defender Firewall Remote Management (RPC-EPMAP)")
        {
            Description = "Inbound rule for the RPCSS service to allow RPC/TCP traffic for the Windows Defender Firewall.",
            DisplayGroup = "Windows Defender Firewall Remote Management", Group = "@FirewallAPI.dll,-30002", Enabled = false,
            Protocol = "TCP", LocalPort = "RPCEPMap", Program = @"%SystemRoot%\system32\svchost.exe",
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

    /// <summary>
    /// Whether the firewall lets an inbound packet in on <paramref name="profile"/>'s network: a TCP connection to
    /// <paramref name="port"/>, or an ICMPv4 message of that type (8: an echo request). Let in when the profile is off;
    /// else an enabled Block rule matching it keeps it out, an enabled Allow rule lets it in, and the default inbound
    /// action (Block unless Set-NetFirewallProfile made it Allow) decides the rest. Rules' remote addresses (WinRM's
    /// Public rule's LocalSubnet) and programs are not looked at: the emulator's computers share one subnet.
    /// </summary>
    public bool AllowsInbound(string profile, string protocol, int port)
    {
        lock (_gate)
        {
            if (!_profileEnabled[profile]) return true;
            var blocked = false;
            var allowed = false;
            foreach (var rule in _rules)
            {
                if (!rule.Enabled || !rule.Direction.Equals("Inbound", StringComparison.OrdinalIgnoreCase) || !Applies(rule, profile, protocol, port)) continue;
                if (rule.Action.Equals("Block", StringComparison.OrdinalIgnoreCase)) blocked = true;
                else allowed = true;
            }

            var byDefault = _profileSettings.TryGetValue((profile.ToUpperInvariant(), "DEFAULTINBOUNDACTION"), out var action) && action.Equals("Allow", StringComparison.OrdinalIgnoreCase);
            return !blocked && (allowed || byDefault);
        }
    }

    private static bool Applies(Rule rule, string profile, string protocol, int port)
    {
        if (!rule.Profile.Equals("Any", StringComparison.OrdinalIgnoreCase) && !rule.Profile.Split(',', StringSplitOptions.TrimEntries).Contains(profile, StringComparer.OrdinalIgnoreCase)) return false;
        if (!rule.Protocol.Equals("Any", StringComparison.OrdinalIgnoreCase) && !rule.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase)) return false;
        var values = protocol.StartsWith("ICMP", StringComparison.OrdinalIgnoreCase) ? rule.IcmpType : rule.LocalPort;
        return values.Equals("Any", StringComparison.OrdinalIgnoreCase) || values.Split(',', StringSplitOptions.TrimEntries).Any(value => Covers(value, port));
    }

    // "5985", "5985-5986", and ICMP's "8" or "8:*" (type and code).
    private static bool Covers(string value, int number)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0) value = value[..colon];
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            ? int.TryParse(value[..dash], System.Globalization.CultureInfo.InvariantCulture, out var low) && int.TryParse(value[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var high) && number >= low && number <= high
            : int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var single) && single == number;
    }

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
