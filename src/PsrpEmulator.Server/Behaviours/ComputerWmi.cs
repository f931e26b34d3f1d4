using System.Globalization;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's WMI classes as its tools read them (WMI over WS-Man, wmic): the scenario's <c>wmi:</c> instances,
/// <c>{computername}</c> the computer's name (<c>{smbiosuuid}</c>, <c>{machineguid}</c>: <see cref="ComputerIdentity"/>), with what commands changed since: a Win32_Service's State, Started and
/// StartMode follow Start-Service, Stop-Service, Set-Service, net and sc; Win32_OperatingSystem's LastBootUpTime is the
/// computer's last restart here and its LocalDateTime the clock's now; Win32_LogicalDisk C:'s Size and FreeSpace are the computer's disk's (what dir,
/// Get-PSDrive and Get-Volume report). Win32_UserAccount and Win32_Group are the computer's local accounts
/// (<see cref="LocalAccounts"/>) unless a scenario gives the class.
/// </summary>
public sealed class ComputerWmi(BehaviourCatalog catalog, string computer, ServiceStates? services, DateTimeOffset? lastBoot, VirtualFileSystem? disk)
{
    public string Computer => computer;

    /// <summary>The computer's users and groups, the instances of Win32_UserAccount and Win32_Group.</summary>
    public LocalAccounts? Accounts { get; init; }

    /// <summary>The computer's SMB shares, the instances of Win32_Share.</summary>
    public SmbShares? Shares { get; init; }

    /// <summary>The computer's clock: Win32_OperatingSystem's LocalDateTime is its time now.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>The computer's network: the Ethernet adapter's Win32_NetworkAdapterConfiguration (InterfaceIndex 4) shows its gateway and DNS servers now.</summary>
    public NetworkSettings? Network { get; init; }

    /// <summary>The computer's roles and features: the installed ones are the instances of Win32_ServerFeature.</summary>
    public WindowsFeatureStates? Features { get; init; }

    /// <summary>The computer's services now (the scenario's <c>services:</c> and those commands installed).</summary>
    internal ComputerServices Services => catalog.ServicesOf(computer, services);

    /// <summary>The class <paramref name="className"/> of <paramref name="wmiNamespace"/> on this computer; null when no scenario has it.</summary>
    internal WmiClassSeed? Find(string wmiNamespace, string className) =>
        catalog.FindWmiClass(wmiNamespace, className, computer) ??
        (Accounts is { } accounts && wmiNamespace.Equals("root/cimv2", StringComparison.OrdinalIgnoreCase) ? AccountClass(accounts, className) : null) ??
        (Shares is { } shares && wmiNamespace.Equals("root/cimv2", StringComparison.OrdinalIgnoreCase) && className.Equals("Win32_Share", StringComparison.OrdinalIgnoreCase) ? ShareClass(shares) : null) ??
        (wmiNamespace.Replace('\\', '/').Trim('/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase) && className.Equals("Win32_Service", StringComparison.OrdinalIgnoreCase) &&
         catalog.ServicesOf(computer, services) is { HasSeeded: true } listed ? ServiceClass(listed) : null) ??
        (wmiNamespace.Replace('\\', '/').Trim('/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase) ? ClockOrFeatureClass(className) : null);

    /// <summary>
    /// The names of the classes of <paramref name="wmiNamespace"/> this computer has instances of: the scenarios'
    /// <c>wmi:</c> classes, and the live ones (its accounts, shares and services) in root/cimv2.
    /// </summary>
    internal IEnumerable<string> ClassNames(string wmiNamespace)
    {
        foreach (var seed in catalog.WmiClassesOf(wmiNamespace, computer)) yield return seed.ClassName;
        if (!wmiNamespace.Replace('\\', '/').Trim('/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase)) yield break;
        if (Accounts is not null)
        {
            yield return "Win32_UserAccount";
            yield return "Win32_Group";
            yield return "Win32_GroupUser";
        }

        if (Shares is not null) yield return "Win32_Share";
        if (catalog.ServicesOf(computer, services) is { HasSeeded: true }) yield return "Win32_Service";
        if (Clock is not null)
        {
            yield return "Win32_LocalTime";
            yield return "Win32_UTCTime";
        }

        if (Features is not null)
        {
            yield return "Win32_OptionalFeature";
            yield return "Win32_ServerFeature";
        }
    }

    // The clock's classes (Win32_LocalTime, Win32_UTCTime: singletons of the time now; the computers keep UTC, so the two
    // agree), Win32_ServerFeature (the installed roles, role services and features, by their IDs) and Win32_OptionalFeature
    // (DISM's optional features, those Get-WindowsOptionalFeature lists).
    private WmiClassSeed? ClockOrFeatureClass(string className)
    {
        if (Clock is { } clock && (className.Equals("Win32_LocalTime", StringComparison.OrdinalIgnoreCase) || className.Equals("Win32_UTCTime", StringComparison.OrdinalIgnoreCase)))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // Weeks start on Sunday: the first week of the month is the one its 1st falls in.
            var firstDay = (int)new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).DayOfWeek;
            static WmiProperty Number(string name, int value) => new(name, WmiValueKind.Text, [value.ToString(CultureInfo.InvariantCulture)]);
            return new WmiClassSeed("root/cimv2", WmiSchema.Spelling(className), computer, [],
            [
                [
                    Number("Day", now.Day), Number("DayOfWeek", (int)now.DayOfWeek), Number("Hour", now.Hour),
                    // "Not implemented", as the class's page says.
                    new("Milliseconds", WmiValueKind.Null, []),
                    Number("Minute", now.Minute), Number("Month", now.Month), Number("Quarter", (now.Month - 1) / 3 + 1), Number("Second", now.Second),
                    Number("WeekInMonth", (now.Day - 1 + firstDay) / 7 + 1), Number("Year", now.Year),
                ],
            ]) { IsLive = true };
        }

        if (Features is { } features && className.Equals("Win32_ServerFeature", StringComparison.OrdinalIgnoreCase))
        {
            static WmiProperty Number(string name, uint value) => new(name, WmiValueKind.Text, [value.ToString(CultureInfo.InvariantCulture)]);
            return new WmiClassSeed("root/cimv2", "Win32_ServerFeature", computer, ["ID"], [.. WindowsFeatureStates.All
                .Where(f => features.IsInstalled(f) && WindowsFeatureStates.ServerFeatureId(f) is not null)
                .Select(f => (IReadOnlyList<WmiProperty>)
                [
                    Number("ID", WindowsFeatureStates.ServerFeatureId(f)!.Value),
                    Number("ParentID", f.Parent is { } parent && WindowsFeatureStates.Find(parent) is { } up ? WindowsFeatureStates.ServerFeatureId(up) ?? 0 : 0),
                    new("Name", WmiValueKind.Text, [f.DisplayName]),
                ])]) { IsLive = true };
        }

        if (Features is { } optional && className.Equals("Win32_OptionalFeature", StringComparison.OrdinalIgnoreCase))
        {
            // DISM's optional features (Get-WindowsOptionalFeature -Online's), InstallState 1 enabled, 2 disabled.
            static WmiProperty Null(string name) => new(name, WmiValueKind.Null, []);
            return new WmiClassSeed("root/cimv2", "Win32_OptionalFeature", computer, ["Name"], [.. DismFeatures.All.Select(f => (IReadOnlyList<WmiProperty>)
            [
                new("Caption", WmiValueKind.Text, [f.DisplayName]), Null("Description"), Null("InstallDate"),
                new("InstallState", WmiValueKind.Text, [optional.IsEnabled(f) ? "1" : "2"]), new("Name", WmiValueKind.Text, [f.Name]), Null("Status"),
            ])]) { IsLive = true };
        }

        return null;
    }

    // The superclasses whose instances on a Windows Server 2019 are all of subclasses the emulator has (CIM_Process's
    // are Win32_Process's, CIM_LogicalDisk's Win32_LogicalDisk's: a session has no mapped drives). A broader one
    // (CIM_Service, whose instances include Win32_SystemDriver's; CIM_LogicalDevice) would list only some of its
    // instances, so it is not enumerated.
    private static readonly HashSet<string> DeepEnumeratedClasses = new(StringComparer.OrdinalIgnoreCase)
    {
        "CIM_OperatingSystem", "CIM_ComputerSystem", "CIM_UnitaryComputerSystem", "CIM_Processor", "CIM_BIOSElement", "CIM_Process",
        "CIM_LogicalDisk", "CIM_DiskDrive", "CIM_DiskPartition", "CIM_PhysicalMemory", "CIM_NetworkAdapter", "CIM_Card", "CIM_Chassis",
        "CIM_VideoController", "CIM_PCVideoController", "CIM_StorageVolume", "Win32_CurrentTime",
    };

    /// <summary>
    /// Whether a query of the class is answered by its subclasses' instances (WMI enumerates deep): one of the
    /// superclasses whose instances the emulator has all of.
    /// </summary>
    internal static bool EnumeratesDeep(string className) => DeepEnumeratedClasses.Contains(className) && WmiSchema.Knows(className);

    /// <summary>
    /// The root/cimv2 classes the emulator knows (the schema's, those this computer has instances of, Win32_Process),
    /// each after its superclass: a depth-first walk of the class tree, the children of a class by name (UNVERIFIED:
    /// Windows lists its repository's order).
    /// </summary>
    internal List<string> KnownClassNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in WmiSchemaData.Classes.Select(c => c.ClassName).Concat(ClassNames("root/cimv2")).Append("Win32_Process"))
        {
            names.TryAdd(name, WmiSchema.Spelling(name));
        }

        var children = names.Values
            .GroupBy(name => WmiSchema.Derivation(name) is [var parent, ..] && names.ContainsKey(parent) ? names[parent] : string.Empty, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.OrdinalIgnoreCase);
        var ordered = new List<string>(names.Count);
        void Walk(string parent)
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                ordered.Add(child);
                Walk(child);
            }
        }

        Walk(string.Empty);
        return ordered;
    }

    /// <summary>The known classes below <paramref name="className"/> in the class tree, in <see cref="KnownClassNames"/>' order.</summary>
    internal IEnumerable<string> SubclassesOf(string className) =>
        KnownClassNames().Where(name => WmiSchema.Derivation(name).Contains(className, StringComparer.OrdinalIgnoreCase));

    /// <summary>The classes below <paramref name="className"/> this computer has instances of (the scenario's and the live ones), in that order.</summary>
    internal IEnumerable<WmiClassSeed> SubclassSeeds(string className) => SubclassesOf(className).Select(c => Find("root/cimv2", c)).OfType<WmiClassSeed>();

    // Win32_Service's instances now: the scenario's services: and those commands installed, as commands left them.
    private WmiClassSeed ServiceClass(ComputerServices listed) =>
        new("root/cimv2", "Win32_Service", computer, ["Name"], [.. listed.All().Select(s => Service(s, listed))]) { IsLive = true };

    // Win32_Share's instances now: the shares New-SmbShare and net share made too. Type is the disk share's 0, with
    // 2147483648 added for an administrative (special) share; IPC$ is 2147483651.
    private WmiClassSeed ShareClass(SmbShares shares)
    {
        static WmiProperty Text(string name, string? value) => value is null ? new(name, WmiValueKind.Null, []) : new(name, WmiValueKind.Text, [value]);
        static WmiProperty Null(string name) => new(name, WmiValueKind.Null, []);
        return new("root/cimv2", "Win32_Share", computer, ["Name"], [.. shares.List().Select(share => (IReadOnlyList<WmiProperty>)
        [
            Text("AccessMask", null),
            Text("AllowMaximum", share.ConcurrentUserLimit == 0 ? "true" : "false"),
            Text("Caption", share.Description),
            Text("Description", share.Description),
            Null("InstallDate"),
            Text("MaximumAllowed", share.ConcurrentUserLimit == 0 ? null : share.ConcurrentUserLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Text("Name", share.Name),
            Text("Path", share.Path),
            Text("Status", "OK"),
            Text("Type", share.ShareType == "InterprocessCommunication" ? "2147483651" : share.Special ? "2147483648" : "0"),
        ])]);
    }

    // Win32_UserAccount's, Win32_Group's and Win32_GroupUser's instances now, with the properties in the order Windows lists them.
    private WmiClassSeed? AccountClass(LocalAccounts accounts, string className)
    {
        var domain = computer.ToUpperInvariant();
        if (className.Equals("Win32_UserAccount", StringComparison.OrdinalIgnoreCase))
        {
            return new WmiClassSeed("root/cimv2", "Win32_UserAccount", computer, ["Domain", "Name"], [.. accounts.Users().Select(u => (IReadOnlyList<WmiProperty>)
            [
                Text("AccountType", "512"),
                Text("Caption", $"{domain}\\{u.Name}"),
                Text("Description", u.Description),
                Text("Disabled", Bool(!u.Enabled)),
                Text("Domain", domain),
                Text("FullName", u.FullName),
                Null("InstallDate"),
                Text("LocalAccount", "true"),
                Text("Lockout", "false"),
                Text("Name", u.Name),
                Text("PasswordChangeable", Bool(u.UserMayChangePassword)),
                Text("PasswordExpires", Bool(!u.PasswordNeverExpires)),
                Text("PasswordRequired", Bool(u.PasswordRequired)),
                Text("SID", accounts.UserSid(u)),
                Text("SIDType", "1"),
                // A disabled account is Degraded, as Windows reports it.
                Text("Status", u.Enabled ? "OK" : "Degraded"),
            ])]);
        }

        if (className.Equals("Win32_Group", StringComparison.OrdinalIgnoreCase))
        {
            return new WmiClassSeed("root/cimv2", "Win32_Group", computer, ["Domain", "Name"], [.. accounts.Groups().Select(g => (IReadOnlyList<WmiProperty>)
            [
                Text("Caption", $"{domain}\\{g.Name}"),
                Text("Description", g.Description),
                Text("Domain", domain),
                Null("InstallDate"),
                Text("LocalAccount", "true"),
                Text("Name", g.Name),
                Text("SID", g.Sid),
                // An alias (a local group): SidTypeAlias.
                Text("SIDType", "4"),
                Text("Status", "OK"),
            ])]);
        }

        if (className.Equals("Win32_GroupUser", StringComparison.OrdinalIgnoreCase))
        {
            // The association of each local group with each member: references to the group and to the member's
            // account (Win32_UserAccount, Win32_Group, or Win32_SystemAccount for NT AUTHORITY's), as WMI writes them.
            var prefix = $"\\\\{domain}\\root\\cimv2:";
            return new WmiClassSeed("root/cimv2", "Win32_GroupUser", computer, ["GroupComponent", "PartComponent"], [.. accounts.Groups().SelectMany(g =>
                (accounts.Members(g.Name) ?? []).Select(m => (IReadOnlyList<WmiProperty>)
                [
                    Text("GroupComponent", $"{prefix}Win32_Group.Domain=\"{domain}\",Name=\"{g.Name}\""),
                    Text("PartComponent", prefix + MemberReference(m)),
                ]))]);
        }

        return null;

        string MemberReference(LocalAccounts.Principal member)
        {
            var slash = member.Name.IndexOf('\\');
            var memberDomain = slash < 0 ? domain : member.Name[..slash];
            var account = slash < 0 ? member.Name : member.Name[(slash + 1)..];
            var memberClass = memberDomain.Equals("NT AUTHORITY", StringComparison.OrdinalIgnoreCase) ? "Win32_SystemAccount"
                : member.ObjectClass.Equals("Group", StringComparison.OrdinalIgnoreCase) ? "Win32_Group"
                : "Win32_UserAccount";
            // A system account's Domain is the computer's (WMI's, UNVERIFIED); a domain account's its domain.
            if (memberClass == "Win32_SystemAccount") memberDomain = domain;
            return $"{memberClass}.Domain=\"{memberDomain}\",Name=\"{account}\"";
        }

        static WmiProperty Text(string name, string value) => new(name, WmiValueKind.Text, [value]);
        static WmiProperty Null(string name) => new(name, WmiValueKind.Null, []);
        static string Bool(bool value) => value ? "true" : "false";
    }

    /// <summary>The class's instances as they are now.</summary>
    internal IEnumerable<IReadOnlyList<WmiProperty>> Instances(WmiClassSeed seed)
    {
        if (seed.IsLive) return seed.Instances;
        var seeded = seed.Instances.Select(i => Current(seed, Substituted(i)));
        // Win32_Service: the services scripts installed (New-Service, sc create) after the class's own.
        return services is null || !seed.ClassName.Equals("Win32_Service", StringComparison.OrdinalIgnoreCase)
            ? seeded
            : seeded.Concat(services.Installed().Select(s => Service(s, catalog.ServicesOf(computer, services))));
    }

    // A service as Win32_Service has it now, its properties in WinRM's order (by name).
    private IReadOnlyList<WmiProperty> Service(ServiceDefinition service, ComputerServices listed)
    {
        var state = listed.CurrentStatus(service);
        var running = !state.Equals("Stopped", StringComparison.OrdinalIgnoreCase);
        static WmiProperty Text(string name, string value) => new(name, WmiValueKind.Text, [value]);
        // The class's every property (as { $services: Win32_Service } has them), by name.
        return
        [
            Text("AcceptPause", running && service.AcceptsPauseAndContinue ? "true" : "false"), Text("AcceptStop", running && service.AcceptsStop ? "true" : "false"),
            Text("Caption", service.DisplayName), Text("CheckPoint", "0"), Text("CreationClassName", "Win32_Service"),
            Text("DelayedAutoStart", service.DelayedAutoStart ? "true" : "false"),
            service.Description.Length > 0 ? Text("Description", service.Description) : new WmiProperty("Description", WmiValueKind.Null, []),
            Text("DesktopInteract", "false"), Text("DisplayName", service.DisplayName), Text("ErrorControl", "Normal"),
            Text("ExitCode", listed.ExitCode(service).ToString(CultureInfo.InvariantCulture)), new WmiProperty("InstallDate", WmiValueKind.Null, []),
            Text("Name", service.Name), Text("PathName", service.BinaryPathName),
            Text("ProcessId", (running ? service.RunningProcessId : 0).ToString(CultureInfo.InvariantCulture)),
            Text("ServiceSpecificExitCode", "0"), Text("ServiceType", service.WmiServiceType), Text("Started", running ? "true" : "false"),
            Text("StartMode", ServicesValueTemplate.StartMode(listed.CurrentStartType(service))), Text("StartName", service.StartName),
            Text("State", state), Text("Status", "OK"), Text("SystemCreationClassName", "Win32_ComputerSystem"), Text("SystemName", computer.ToUpperInvariant()),
            Text("TagId", "0"), Text("WaitHint", "0"),
        ];
    }

    private IReadOnlyList<WmiProperty> Substituted(IReadOnlyList<WmiProperty> properties) =>
        properties.Any(p => p.Values.Any(v => v.Contains('{', StringComparison.Ordinal)))
            ? [.. properties.Select(p => p with { Values = [.. p.Values.Select(v => ComputerIdentity.Substitute(v, computer, Network))] })]
            : properties;

    private IReadOnlyList<WmiProperty> Current(WmiClassSeed seed, IReadOnlyList<WmiProperty> properties)
    {
        if (disk is not null && seed.ClassName.Equals("Win32_LogicalDisk", StringComparison.OrdinalIgnoreCase) &&
            properties.Any(p => p.Name.Equals("DeviceID", StringComparison.OrdinalIgnoreCase) && p.Values is [var device] && device.Equals("C:", StringComparison.OrdinalIgnoreCase)))
        {
            return [.. properties.Select(p => p.Name.ToUpperInvariant() switch
            {
                "SIZE" when p.Kind != WmiValueKind.Null => p with { Values = [disk.Size.ToString(CultureInfo.InvariantCulture)] },
                "FREESPACE" when p.Kind != WmiValueKind.Null => p with { Values = [disk.FreeBytes.ToString(CultureInfo.InvariantCulture)] },
                _ => p,
            })];
        }

        // Win32_Volume's C: is the same disk (its Capacity and FreeSpace).
        if (disk is not null && seed.ClassName.Equals("Win32_Volume", StringComparison.OrdinalIgnoreCase) &&
            properties.Any(p => p.Name.Equals("DriveLetter", StringComparison.OrdinalIgnoreCase) && p.Values is [var letter] && letter.Equals("C:", StringComparison.OrdinalIgnoreCase)))
        {
            return [.. properties.Select(p => p.Name.ToUpperInvariant() switch
            {
                "CAPACITY" when p.Kind != WmiValueKind.Null => p with { Values = [disk.Size.ToString(CultureInfo.InvariantCulture)] },
                "FREESPACE" when p.Kind != WmiValueKind.Null => p with { Values = [disk.FreeBytes.ToString(CultureInfo.InvariantCulture)] },
                _ => p,
            })];
        }

        // The Ethernet adapter's configuration: its default gateway and DNS servers as configured and as
        // Set-DnsClientServerAddress left them (arrays; null when there are none).
        if (Network is { } network && seed.ClassName.Equals("Win32_NetworkAdapterConfiguration", StringComparison.OrdinalIgnoreCase) &&
            properties.Any(p => p.Name.Equals("InterfaceIndex", StringComparison.OrdinalIgnoreCase) && p.Values is [var index] && index == NetworkSettings.Interfaces[0].Index.ToString(CultureInfo.InvariantCulture)))
        {
            static WmiProperty List(WmiProperty p, IReadOnlyList<string> values) =>
                values.Count == 0 ? p with { Kind = WmiValueKind.Null, Values = [], IsArray = false } : p with { Kind = WmiValueKind.Text, Values = values, IsArray = true };
            var dns = network.DnsServers(NetworkSettings.Interfaces[0], ipv6: false);
            return [.. properties.Select(p => p.Name.ToUpperInvariant() switch
            {
                "DEFAULTIPGATEWAY" => List(p, network.IPv4.DefaultGateway is { } gateway ? [gateway] : []),
                "DNSSERVERSEARCHORDER" => List(p, dns),
                _ => p,
            })];
        }

        if ((lastBoot is not null || Clock is not null) && seed.ClassName.Equals("Win32_OperatingSystem", StringComparison.OrdinalIgnoreCase))
        {
            return [.. properties.Select(p => p.Kind != WmiValueKind.Datetime ? p : p.Name.ToUpperInvariant() switch
            {
                "LASTBOOTUPTIME" when lastBoot is { } booted => p with { Values = [System.Xml.XmlConvert.ToString(booted.ToUniversalTime())] },
                "LOCALDATETIME" when Clock is { } clock => p with { Values = [System.Xml.XmlConvert.ToString(clock.GetUtcNow())] },
                _ => p,
            })];
        }

        if (services is null || !seed.ClassName.Equals("Win32_Service", StringComparison.OrdinalIgnoreCase) ||
            properties.FirstOrDefault(p => p.Name.Equals("Name", StringComparison.OrdinalIgnoreCase)) is not { Values: [var name] })
        {
            return properties;
        }

        var status = services.Status(name);
        var startType = services.StartType(name);
        if (status is null && startType is null) return properties;
        return [.. properties.Select(p => p.Name.ToUpperInvariant() switch
        {
            "STATE" when status is not null => p with { Values = [status] },
            "STARTED" when status is not null => p with { Values = [status.Equals("Running", StringComparison.OrdinalIgnoreCase) ? "true" : "false"] },
            "STARTMODE" when startType is not null => p with { Values = [startType.Equals("Automatic", StringComparison.OrdinalIgnoreCase) ? "Auto" : startType] },
            _ => p,
        })];
    }
}
