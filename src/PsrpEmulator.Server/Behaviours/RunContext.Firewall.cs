using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetSecurity's firewall cmdlets over the computer's rules (<see cref="FirewallRules"/>): Get-, New-, Set-, Remove-,
/// Enable- and Disable-NetFirewallRule and Get-NetFirewallPortFilter, with MSFT_NetFirewallRule and
/// MSFT_NetProtocolPortFilter CIM instances, the cmdletization's not-found error for a name, display name or group no
/// rule has (a pattern that matches none is nothing), and the store's "already exists" error for a name taken. Rules
/// piped in are their -InputObject (their InstanceID). The other filters (address, application, service...), -PolicyStore
/// and -GPOSession, and rules' effect on connections are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] FirewallCommands =
    [
        "Get-NetFirewallRule", "New-NetFirewallRule", "Set-NetFirewallRule", "Remove-NetFirewallRule", "Enable-NetFirewallRule",
        "Disable-NetFirewallRule", "Get-NetFirewallPortFilter", "Get-NetFirewallProfile", "Set-NetFirewallProfile",
    ];

    private static readonly HashSet<string> FirewallCommandNames = new(FirewallCommands, StringComparer.Ordinal);

    private const string FirewallNamespace = "Microsoft.Management.Infrastructure.CimInstance#root/standardcimv2/";

    private static readonly string[] FirewallRuleTypeNames =
        [FirewallNamespace + "MSFT_NetFirewallRule", "Microsoft.Management.Infrastructure.CimInstance#MSFT_NetFirewallRule", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];

    private static readonly string[] ProfileTypeNames =
        [FirewallNamespace + "MSFT_NetFirewallProfile", "Microsoft.Management.Infrastructure.CimInstance#MSFT_NetFirewallProfile", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];

    private static readonly string[] PortFilterTypeNames =
        [FirewallNamespace + "MSFT_NetProtocolPortFilter", "Microsoft.Management.Infrastructure.CimInstance#MSFT_NetProtocolPortFilter", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];

    // The rule parameters' enums, as the module's generated types name their values.
    // NetSecurity's GpoBoolean (declared before the table that uses it: static fields start in order).
    private static readonly string[] GpoBoolean = ["True", "False", "NotConfigured"];

    private static readonly Dictionary<string, string[]> FirewallEnums = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Enabled"] = ["True", "False"],
        ["Direction"] = ["Inbound", "Outbound"],
        ["Action"] = ["NotConfigured", "Allow", "Block"],
        ["Profile"] = ["Any", "Domain", "Private", "Public", "NotApplicable"],
        ["DefaultInboundAction"] = ["NotConfigured", "Allow", "Block"],
        ["DefaultOutboundAction"] = ["NotConfigured", "Allow", "Block"],
        ["AllowInboundRules"] = GpoBoolean,
        ["AllowLocalFirewallRules"] = GpoBoolean,
        ["AllowLocalIPsecRules"] = GpoBoolean,
        ["AllowUserApps"] = GpoBoolean,
        ["AllowUserPorts"] = GpoBoolean,
        ["AllowUnicastResponseToMulticast"] = GpoBoolean,
        ["NotifyOnListen"] = GpoBoolean,
        ["EnableStealthModeForIPsec"] = GpoBoolean,
        ["LogAllowed"] = GpoBoolean,
        ["LogBlocked"] = GpoBoolean,
        ["LogIgnored"] = GpoBoolean,
    };

    private static readonly string[] RuleSettingParameters = ["Description", "Group", "Enabled", "Profile", "Direction", "Action", "Protocol", "LocalPort", "RemotePort", "RemoteAddress", "LocalAddress", "Program", "IcmpType"];

    private async ValueTask RunFirewallCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunFirewallCommandAsync(command, a, to, o, blockNesting))) return;
        var rules = Host.FirewallRules ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        RefuseNotEmulated(command, arguments, "PolicyStore", "GPOSession", "WhatIf", "Confirm", "AsJob");

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(value, WmiServerName())), cancellationToken);

        ValueTask<List<string>?> Texts(string parameter) => OptionalTextsAsync(arguments, parameter, to, blockNesting);

        // An enum parameter's value by its name (any case), else the module's transformation error.
        async ValueTask<string?> EnumValue(string parameter)
        {
            if (await Texts(parameter) is not { } values) return null;
            var names = FirewallEnums[parameter];
            var chosen = new List<string>();
            foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            {
                var name = value.Equals("$true", StringComparison.OrdinalIgnoreCase) && parameter == "Enabled" ? "True"
                    : value.Equals("$false", StringComparison.OrdinalIgnoreCase) && parameter == "Enabled" ? "False"
                    : names.FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
                if (name is null)
                {
                    throw new StatementTerminatedException(new ScriptedError(
                        $"Cannot process argument transformation on parameter '{parameter}'. Cannot convert value \"{value}\" to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetSecurity.{(names == GpoBoolean ? "GpoBoolean" : parameter.StartsWith("Default", StringComparison.Ordinal) ? "Action" : parameter)}\". " +
                        $"Error: \"Unable to match the identifier name {value} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", names)}\"",
                        $"ParameterArgumentTransformationError,{command}", ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingArgumentTransformationException")
                    {
                        Activity = command,
                    });
                }

                if (!chosen.Contains(name)) chosen.Add(name);
            }

            return parameter == "Profile" ? FirewallRules.ProfileText(chosen) : chosen.LastOrDefault();
        }

        ValueTask NotFound(string property, string value) => WriteErrorAsync(CimNotFound(command, "MSFT_NetFirewallRule", property, value), output);

        // The rules the call names: -Name (the rule's InstanceID), -DisplayName, -DisplayGroup, -InputObject (rules
        // piped in); each name or pattern in turn, a name no rule has its not-found error. Null: the call names none.
        async ValueTask<List<FirewallRules.Rule>?> Selected()
        {
            var all = rules.All();
            (string Parameter, string Property, Func<FirewallRules.Rule, string> Of)[] selectors =
            [
                ("Name", "InstanceID", r => r.Name), ("InputObject", "InstanceID", r => r.Name), ("AssociatedNetFirewallRule", "InstanceID", r => r.Name),
                ("DisplayName", "DisplayName", r => r.DisplayName), ("DisplayGroup", "DisplayGroup", r => r.DisplayGroup), ("Group", "Group", r => r.Group),
            ];
            List<FirewallRules.Rule>? chosen = null;
            foreach (var (parameter, property, of) in selectors)
            {
                if (await Texts(parameter) is not { } values) continue;
                chosen ??= [];
                foreach (var given in values)
                {
                    var value = parameter is "InputObject" or "AssociatedNetFirewallRule" ? InstanceIdOf(given) : given;
                    var pattern = VirtualFileSystem.Wildcard(value);
                    var found = all.Where(r => pattern.IsMatch(of(r))).ToList();
                    if (found.Count == 0 && !VirtualFileSystem.HasWildcard(value)) await NotFound(property, value);
                    chosen.AddRange(found.Where(r => !chosen.Contains(r)));
                }
            }

            return chosen;
        }

        // The rule filters Get-NetFirewallRule takes besides the names.
        async ValueTask<Func<FirewallRules.Rule, bool>> Filter()
        {
            var enabled = await EnumValue("Enabled");
            var direction = await EnumValue("Direction");
            var action = await EnumValue("Action");
            return r => (enabled is null || (r.Enabled ? "True" : "False") == enabled) && (direction is null || r.Direction == direction) && (action is null || r.Action == action);
        }

        switch (command)
        {
            case "Get-NetFirewallProfile" or "Set-NetFirewallProfile":
                {
                    // -Name (or its alias -Profile) picks profiles by name or pattern; a name no profile has is the not-found error.
                    var chosen = new List<string>();
                    var names = await Texts("Name") ?? await Texts("Profile") ?? (await Texts("InputObject"))?.Select(InstanceIdOf).ToList();
                    if (names is not null)
                    {
                        foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                        {
                            var pattern = VirtualFileSystem.Wildcard(name);
                            var found = FirewallRules.Profiles.Where(p => pattern.IsMatch(p)).ToList();
                            if (found.Count == 0 && !VirtualFileSystem.HasWildcard(name))
                            {
                                await WriteErrorAsync(CimNotFound(command, "MSFT_NetFirewallProfile", "Name", name), output);
                            }

                            chosen.AddRange(found.Where(p => !chosen.Contains(p)));
                        }
                    }
                    else
                    {
                        chosen.AddRange(FirewallRules.Profiles);
                    }

                    if (command == "Get-NetFirewallProfile")
                    {
                        foreach (var profile in chosen) await Write(FirewallProfileObject(profile, rules));
                        return;
                    }

                    var other = arguments.Named.Keys.FirstOrDefault(k => k is not ("Name" or "Profile" or "InputObject" or "Enabled" or "PassThru" or "All" or "PolicyStore" or "WhatIf" or "Confirm") &&
                        !FirewallRules.ProfileSettingDefaults.ContainsKey(k));
                    if (other is not null) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -{other} is not emulated: give the command a rule"));
                    if (await Texts("PolicyStore") is [var store, ..] && !store.Equals("PersistentStore", StringComparison.OrdinalIgnoreCase) && !store.Equals("ActiveStore", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -PolicyStore {store} (a GPO) is not emulated: the computer's own store is"));
                    }

                    // Every value bound first (a wrong one changes nothing), then set on each profile chosen (-All: every one).
                    var enabled = await EnumValue("Enabled");
                    var settings = new List<(string Setting, string Value)>();
                    foreach (var setting in FirewallRules.ProfileSettingDefaults.Keys)
                    {
                        if (!arguments.Has(setting)) continue;
                        if (FirewallEnums.ContainsKey(setting))
                        {
                            if (await EnumValue(setting) is { } chosenValue) settings.Add((setting, chosenValue));
                        }
                        else if (setting == "LogMaxSizeKilobytes")
                        {
                            var size = await RangedArgumentAsync(command, arguments, setting, 1, 32767, to, blockNesting);
                            settings.Add((setting, size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        }
                        else if (await Texts(setting) is [var text, ..])
                        {
                            settings.Add((setting, text));
                        }
                    }

                    if (await WhatIfAsync(arguments, "Set", string.Join(", ", chosen))) return;
                    foreach (var profile in chosen)
                    {
                        if (enabled is not null) rules.SetProfileEnabled(profile, enabled == "True");
                        foreach (var (setting, value) in settings) rules.SetProfileSetting(profile, setting, value);
                        if (arguments.Has("PassThru")) await Write(FirewallProfileObject(profile, rules));
                    }

                    return;
                }

            case "Get-NetFirewallRule":
                {
                    var filter = await Filter();
                    foreach (var rule in (await Selected() ?? [.. rules.All()]).Where(filter)) await Write(FirewallRuleObject(rule));
                    return;
                }

            case "Get-NetFirewallPortFilter":
                {
                    var protocol = await Texts("Protocol");
                    foreach (var rule in await Selected() ?? [.. rules.All()])
                    {
                        if (protocol is { } wanted && !wanted.Any(p => VirtualFileSystem.Wildcard(p).IsMatch(rule.Protocol))) continue;
                        await Write(PortFilterObject(rule));
                    }

                    return;
                }

            case "New-NetFirewallRule":
                {
                    if (await Texts("DisplayName") is not [var displayName, ..])
                    {
                        throw new StatementTerminatedException(FunctionMissingParameter(command, "DisplayName"));
                    }

                    var name = (await Texts("Name"))?.FirstOrDefault() ?? "{" + Guid.NewGuid().ToString() + "}";
                    var rule = await Apply(new FirewallRules.Rule(name, displayName));
                    if (!rules.TryAdd(rule))
                    {
                        await WriteErrorAsync(new ScriptedError(
                            "Cannot create a file when that file already exists.", $"Windows System Error 183,{command}", ErrorCategory.ResourceExists,
                            "Microsoft.Management.Infrastructure.CimException", "MSFT_NetFirewallRule")
                        {
                            Activity = command,
                        }, output);
                        return;
                    }

                    await Write(FirewallRuleObject(rule));
                    return;
                }

            case "Set-NetFirewallRule" or "Enable-NetFirewallRule" or "Disable-NetFirewallRule" or "Remove-NetFirewallRule":
                {
                    if (await Selected() is not { } chosen)
                    {
                        throw new StatementTerminatedException(FunctionMissingParameter(command, "Name"));
                    }

                    foreach (var rule in chosen)
                    {
                        if (command == "Remove-NetFirewallRule")
                        {
                            rules.Remove(rule.Name);
                            continue;
                        }

                        var changed = command switch
                        {
                            "Enable-NetFirewallRule" => rule with { Enabled = true },
                            "Disable-NetFirewallRule" => rule with { Enabled = false },
                            _ => await Apply(rule),
                        };
                        if ((await Texts("NewDisplayName"))?.FirstOrDefault() is { } newName) changed = changed with { DisplayName = newName };
                        if (rules.Update(rule.Name, _ => changed) is { } updated && arguments.Has("PassThru")) await Write(FirewallRuleObject(updated));
                    }

                    return;
                }
        }

        // The settings a call gives (New- and Set-NetFirewallRule).
        async ValueTask<FirewallRules.Rule> Apply(FirewallRules.Rule rule)
        {
            foreach (var parameter in RuleSettingParameters)
            {
                if (!arguments.Has(parameter)) continue;
                if (FirewallEnums.ContainsKey(parameter))
                {
                    var value = (await EnumValue(parameter))!;
                    rule = parameter switch
                    {
                        "Enabled" => rule with { Enabled = value == "True" },
                        "Direction" => rule with { Direction = value },
                        "Action" => rule with { Action = value },
                        _ => rule with { Profile = value },
                    };
                    continue;
                }

                var text = string.Join(",", await Texts(parameter) ?? []);
                rule = parameter switch
                {
                    "Description" => rule with { Description = text },
                    "Group" => rule with { Group = text, DisplayGroup = text },
                    "Protocol" => rule with { Protocol = FirewallRules.ProtocolName(text) ?? text },
                    "LocalPort" => rule with { LocalPort = text },
                    "RemotePort" => rule with { RemotePort = text },
                    "RemoteAddress" => rule with { RemoteAddress = text },
                    "LocalAddress" => rule with { LocalAddress = text },
                    "Program" => rule with { Program = text },
                    _ => rule with { IcmpType = text },
                };
            }

            return rule;
        }
    }

    // A rule piped in is its CIM instance's text, MSFT_NetFirewallRule (InstanceID = "name"): the name inside.
    private static string InstanceIdOf(string text) =>
        InstanceIdText().Match(text) is { Success: true } m ? m.Groups["id"].Value : text;

    [GeneratedRegex("""^MSFT_Net\w+ \(InstanceID = "(?<id>.*)"\)$""", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceIdText();

    internal static PsObject FirewallRuleObject(FirewallRules.Rule rule)
    {
        var o = new PsObject(FirewallRuleTypeNames) { ToStringValue = $"MSFT_NetFirewallRule (InstanceID = \"{rule.Name}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(rule.Name)),
            new("ID", PsPrimitive.String(rule.Name)),
            new("InstanceID", PsPrimitive.String(rule.Name)),
            new("DisplayName", PsPrimitive.String(rule.DisplayName)),
            new("Description", PsPrimitive.String(rule.Description)),
            new("DisplayGroup", rule.DisplayGroup.Length > 0 ? PsPrimitive.String(rule.DisplayGroup) : PsNil.Instance),
            new("Group", rule.Group.Length > 0 ? PsPrimitive.String(rule.Group) : PsNil.Instance),
            new("Enabled", PsPrimitive.String(rule.Enabled ? "True" : "False")),
            new("Profile", PsPrimitive.String(rule.Profile)),
            new("Platform", PsObjects.List([], ScriptExpressions.StringArrayTypeNames)),
            new("Direction", PsPrimitive.String(rule.Direction)),
            new("Action", PsPrimitive.String(rule.Action)),
            new("EdgeTraversalPolicy", PsPrimitive.String("Block")),
            new("LooseSourceMapping", PsPrimitive.Boolean(false)),
            new("LocalOnlyMapping", PsPrimitive.Boolean(false)),
            new("Owner", PsNil.Instance),
            new("PrimaryStatus", PsPrimitive.String("OK")),
            new("Status", PsPrimitive.String("The rule was parsed successfully from the store. (65536)")),
            new("EnforcementStatus", PsPrimitive.String("NotApplicable")),
            new("PolicyStoreSource", PsPrimitive.String("PersistentStore")),
            new("PolicyStoreSourceType", PsPrimitive.String("Local")),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // A profile as Get-NetFirewallProfile writes it from the persistent store: its state, the rest NotConfigured.
    internal static PsObject FirewallProfileObject(string profile, FirewallRules rules)
    {
        var o = new PsObject(ProfileTypeNames) { ToStringValue = $"MSFT_NetFirewallProfile (InstanceID = \"{profile}\")" };
        o.AdaptedProperties.Add(new("Name", PsPrimitive.String(profile)));
        o.AdaptedProperties.Add(new("Enabled", PsPrimitive.String(rules.IsProfileEnabled(profile) ? "True" : "False")));
        foreach (var setting in FirewallRules.ProfileSettingDefaults.Keys)
        {
            var value = rules.ProfileSetting(profile, setting);
            o.AdaptedProperties.Add(new(setting, setting == "LogMaxSizeKilobytes" ? PsPrimitive.UInt64(ulong.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : PsPrimitive.String(value)));
        }

        o.AdaptedProperties.AddRange(
        [
            new("DisabledInterfaceAliases", PsObjects.List([PsPrimitive.String("NotConfigured")], ScriptExpressions.StringArrayTypeNames)),
            new("InstanceID", PsPrimitive.String(profile)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    internal static PsObject PortFilterObject(FirewallRules.Rule rule)
    {
        var o = new PsObject(PortFilterTypeNames) { ToStringValue = $"MSFT_NetProtocolPortFilter (InstanceID = \"{rule.Name}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("Protocol", PsPrimitive.String(rule.Protocol)),
            new("LocalPort", Ports(rule.LocalPort)),
            new("RemotePort", Ports(rule.RemotePort)),
            new("IcmpType", Ports(rule.IcmpType)),
            new("DynamicTarget", PsPrimitive.String("Any")),
            new("InstanceID", PsPrimitive.String(rule.Name)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;

        // One port is its text; several (80,443) an array of them, as the filter's string[] holds them.
        static PsValue Ports(string ports) =>
            ports.Contains(',', StringComparison.Ordinal)
                ? PsObjects.List(ports.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => (PsValue)PsPrimitive.String(p)), ScriptExpressions.StringArrayTypeNames)
                : PsPrimitive.String(ports);
    }
}
