using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>netsh advfirewall firewall</c>'s rule commands over the computer's firewall rules (<see cref="FirewallRules"/>,
/// what NetSecurity's cmdlets see): <c>add rule</c> (a netsh rule's name is the rule's DisplayName; its InstanceID a
/// new GUID), <c>delete rule</c>, <c>set rule ... new</c> and <c>show rule</c>, with netsh's answers ("Ok.", "Deleted 1
/// rule(s).", "No rules match the specified criteria." and exit code 1). What provisioning scripts send, Ansible's
/// ConfigureRemotingForAnsible.ps1 among them (it counts the lines <c>show rule</c> prints before it adds one). The
/// other contexts (<c>advfirewall set allprofiles</c>, <c>show currentprofile</c>, <c>http</c>, <c>interface</c>) are
/// not emulated. Layouts from Windows Server 2019's netsh (UNVERIFIED: usage texts for bad syntax are not written; such
/// a line gets the emulator's not-emulated message).
/// </summary>
internal sealed class NetshFirewallScript(string verb, IReadOnlyList<(string Key, string Value)> options, IReadOnlyList<(string Key, string Value)> changes) : ICommandLineScript
{
    public string Description => $"netsh advfirewall firewall {verb} rule";

    public static bool TryParse(string line, out NetshFirewallScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count < 5 || !CommandLineText.IsProgram(tokens[0], "netsh") || !tokens[1].Equals("advfirewall", StringComparison.OrdinalIgnoreCase) ||
            !tokens[2].Equals("firewall", StringComparison.OrdinalIgnoreCase) || !tokens[4].Equals("rule", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var verb = tokens[3].ToLowerInvariant();
        if (verb is not ("add" or "delete" or "set" or "show")) return false;
        var options = new List<(string, string)>();
        var changes = new List<(string, string)>();
        var target = options;
        foreach (var token in tokens.Skip(5))
        {
            if (verb == "set" && token.Equals("new", StringComparison.OrdinalIgnoreCase))
            {
                target = changes;
                continue;
            }

            if (token.Equals("verbose", StringComparison.OrdinalIgnoreCase) && verb == "show") continue;
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return false;
            target.Add((token[..equals].ToLowerInvariant(), token[(equals + 1)..]));
        }

        // Each verb's required options (netsh prints its usage without them: not emulated here).
        var given = options.Select(o => o.Item1).ToHashSet();
        var complete = verb switch
        {
            "add" => given.Contains("name") && given.Contains("dir") && given.Contains("action"),
            "set" => (given.Contains("name") || given.Contains("group")) && changes.Count > 0,
            _ => given.Contains("name"),
        };
        if (!complete) return false;
        script = new NetshFirewallScript(verb, options, changes);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.FirewallRules is not { } rules)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("netsh"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        string? Option(string key) => options.LastOrDefault(o => o.Key == key).Value;

        if (verb == "add")
        {
            var rule = Apply(new FirewallRules.Rule("{" + Guid.NewGuid().ToString() + "}", Option("name")!), options);
            if (rule is null || !rules.TryAdd(rule)) return await InvalidAsync(host, cancellationToken).ConfigureAwait(false);
            await host.WriteTextAsync(WinRsStreams.Stdout, "Ok.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var chosen = rules.All().Where(Matches).ToList();
        if (chosen.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, verb == "show" ? "No rules match the specified criteria.\r\n" : "\r\nNo rules match the specified criteria.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        switch (verb)
        {
            case "delete":
                foreach (var rule in chosen) rules.Remove(rule.Name);
                await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\nDeleted {chosen.Count} rule(s).\r\nOk.\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "set":
                foreach (var rule in chosen)
                {
                    if (Apply(rule, changes) is not { } changed) return await InvalidAsync(host, cancellationToken).ConfigureAwait(false);
                    rules.Update(rule.Name, _ => changed);
                }

                await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\nUpdated {chosen.Count} rule(s).\r\nOk.\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            default:
                var text = new StringBuilder();
                foreach (var rule in chosen) Show(text, rule);
                text.Append("Ok.\r\n\r\n");
                await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
                return 0;
        }
    }

    // name= (all: every rule) or group= picks the rules; dir=, profile= and protocol= narrow them.
    private bool Matches(FirewallRules.Rule rule)
    {
        foreach (var (key, value) in options)
        {
            var matches = key switch
            {
                "name" => value.Equals("all", StringComparison.OrdinalIgnoreCase) || value.Equals(rule.DisplayName, StringComparison.OrdinalIgnoreCase),
                "group" => value.Equals(rule.DisplayGroup, StringComparison.OrdinalIgnoreCase),
                "dir" => Direction(value) == rule.Direction,
                "profile" => Profile(value) is { } profile && (profile == "Any" || rule.Profile == "Any" || profile.Split(", ").Any(p => rule.Profile.Contains(p, StringComparison.Ordinal))),
                "protocol" => value.Equals(rule.Protocol, StringComparison.OrdinalIgnoreCase),
                "localport" => value.Equals(rule.LocalPort, StringComparison.OrdinalIgnoreCase),
                _ => true,
            };
            if (!matches) return false;
        }

        return true;
    }

    // The rule with netsh's settings; null for a value netsh refuses.
    private static FirewallRules.Rule? Apply(FirewallRules.Rule rule, IEnumerable<(string Key, string Value)> settings)
    {
        foreach (var (key, value) in settings)
        {
            FirewallRules.Rule? next = key switch
            {
                "name" => rule with { DisplayName = value },
                "dir" => Direction(value) is { } direction ? rule with { Direction = direction } : null,
                "action" => value.ToLowerInvariant() switch { "allow" => rule with { Action = "Allow" }, "block" => rule with { Action = "Block" }, _ => null },
                "enable" => value.ToLowerInvariant() switch { "yes" => rule with { Enabled = true }, "no" => rule with { Enabled = false }, _ => null },
                "profile" => Profile(value) is { } profile ? rule with { Profile = profile } : null,
                "protocol" => value.Equals("any", StringComparison.OrdinalIgnoreCase) ? rule with { Protocol = "Any" }
                    : FirewallRules.ProtocolName(value) is { } protocol ? rule with { Protocol = protocol } : null,
                "localport" => rule with { LocalPort = Any(value) },
                "remoteport" => rule with { RemotePort = Any(value) },
                "remoteip" => rule with { RemoteAddress = Any(value) },
                "localip" => rule with { LocalAddress = Any(value) },
                "program" => rule with { Program = value },
                "description" => rule with { Description = value },
                "group" => rule with { DisplayGroup = value, Group = value },
                _ => rule,
            };
            if (next is null) return null;
            rule = next;
        }

        return rule;

        static string Any(string value) => value.Equals("any", StringComparison.OrdinalIgnoreCase) ? "Any" : value;
    }

    private static string? Direction(string value) => value.ToLowerInvariant() switch { "in" => "Inbound", "out" => "Outbound", _ => null };

    // netsh's profile list (public,private) as the cmdlets' enum text (Private, Public); any: Any.
    private static string? Profile(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => v.ToLowerInvariant()).ToList();
        if (names.Count == 0 || names.Any(n => n is not ("any" or "domain" or "private" or "public"))) return null;
        return FirewallRules.ProfileText(names);
    }

    // show rule's block: the labels 38 wide, then its values as netsh writes them.
    private static void Show(StringBuilder text, FirewallRules.Rule rule)
    {
        void Line(string label, string value) => text.Append((label + ":").PadRight(38)).Append(value).Append("\r\n");

        text.Append("\r\n");
        Line("Rule Name", rule.DisplayName);
        text.Append('-', 70).Append("\r\n");
        Line("Enabled", rule.Enabled ? "Yes" : "No");
        Line("Direction", rule.Direction == "Inbound" ? "In" : "Out");
        Line("Profiles", rule.Profile == "Any" ? "Domain,Private,Public" : rule.Profile.Replace(", ", ",", StringComparison.Ordinal));
        Line("Grouping", rule.DisplayGroup);
        Line("LocalIP", rule.LocalAddress);
        Line("RemoteIP", rule.RemoteAddress);
        Line("Protocol", rule.Protocol);
        if (rule.Protocol is "TCP" or "UDP")
        {
            Line("LocalPort", rule.LocalPort);
            Line("RemotePort", rule.RemotePort);
            Line("Edge traversal", "No");
        }
        else if (rule.Protocol.StartsWith("ICMP", StringComparison.Ordinal))
        {
            text.Append("                                      Type    Code\r\n");
            text.Append("                                      ").Append(rule.IcmpType.PadRight(8)).Append("Any \r\n");
            Line("Edge traversal", "No");
        }
        else
        {
            Line("Edge traversal", "No");
        }

        Line("Action", rule.Action);
    }

    private static async Task<int> InvalidAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, "A specified value is not valid.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// <c>netsh advfirewall set &lt;profile&gt; state on|off</c> and <c>netsh advfirewall show &lt;profile&gt; [state]</c> over
/// the computer's firewall profiles (what Get-/Set-NetFirewallProfile see): <c>allprofiles</c>, <c>domainprofile</c>,
/// <c>privateprofile</c>, <c>publicprofile</c>, and <c>currentprofile</c>: the network's category
/// (<see cref="NetworkSettings.NetworkCategory"/>, Public until Set-NetConnectionProfile changes it). show's other settings are a fresh server's (UNVERIFIED layout); setting them
/// (<c>firewallpolicy</c>, <c>logging</c>...) is not emulated.
/// </summary>
internal sealed class NetshProfileScript(bool set, IReadOnlyList<string> profiles, bool? state, bool stateOnly) : ICommandLineScript
{
    public string Description => set ? "netsh advfirewall set state" : "netsh advfirewall show";

    public static bool TryParse(string line, out NetshProfileScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value.ToLowerInvariant()).ToList();
        if (tokens.Count < 4 || !CommandLineText.IsProgram(tokens[0], "netsh") || tokens[1] != "advfirewall" || tokens[2] is not ("set" or "show")) return false;
        string[]? profiles = tokens[3] switch
        {
            "allprofiles" => FirewallRules.Profiles,
            "domainprofile" => ["Domain"],
            "privateprofile" => ["Private"],
            "publicprofile" => ["Public"],
            // The profile of the network's category (Set-NetConnectionProfile), resolved when it runs.
            "currentprofile" => [CurrentProfile],
            _ => null,
        };
        if (profiles is null) return false;
        if (tokens[2] == "set")
        {
            if (tokens.Count != 6 || tokens[4] != "state" || tokens[5] is not ("on" or "off")) return false;
            script = new NetshProfileScript(true, profiles, tokens[5] == "on", false);
            return true;
        }

        if (tokens.Count > 5 || tokens.Count == 5 && tokens[4] != "state") return false;
        script = new NetshProfileScript(false, profiles, null, tokens.Count == 5);
        return true;
    }

    private const string CurrentProfile = "(current)";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.FirewallRules is not { } rules)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("netsh"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (profiles is [CurrentProfile]) profiles = [host.NetworkSettings?.NetworkCategory ?? "Public"];

        if (set)
        {
            foreach (var profile in profiles) rules.SetProfileEnabled(profile, state!.Value);
            await host.WriteTextAsync(WinRsStreams.Stdout, "Ok.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(label.PadRight(38)).Append(value).Append("\r\n");
        for (var i = 0; i < profiles.Count; i++)
        {
            text.Append(i == 0 ? "\r\n" : "\r\n").Append(profiles[i]).Append(" Profile Settings: \r\n").Append('-', 70).Append("\r\n");
            Line("State", rules.IsProfileEnabled(profiles[i]) ? "ON" : "OFF");
            if (stateOnly) continue;
            // NotConfigured is Windows' default: block inbound, allow outbound.
            var inbound = rules.ProfileSetting(profiles[i], "DefaultInboundAction") == "Allow" ? "AllowInbound" : "BlockInbound";
            var outbound = rules.ProfileSetting(profiles[i], "DefaultOutboundAction") == "Block" ? "BlockOutbound" : "AllowOutbound";
            Line("Firewall Policy", inbound + "," + outbound);
            Line("LocalFirewallRules", "N/A (GPO-store only)");
            Line("LocalConSecRules", "N/A (GPO-store only)");
            Line("InboundUserNotification", "Disable");
            Line("RemoteManagement", "Disable");
            Line("UnicastResponseToMulticast", "Enable");
            text.Append("\r\nLogging:\r\n");
            Line("LogAllowedConnections", rules.ProfileSetting(profiles[i], "LogAllowed") == "True" ? "Enable" : "Disable");
            Line("LogDroppedConnections", rules.ProfileSetting(profiles[i], "LogBlocked") == "True" ? "Enable" : "Disable");
            Line("FileName", rules.ProfileSetting(profiles[i], "LogFileName"));
            Line("MaxFileSize", rules.ProfileSetting(profiles[i], "LogMaxSizeKilobytes"));
        }

        text.Append("Ok.\r\n\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
