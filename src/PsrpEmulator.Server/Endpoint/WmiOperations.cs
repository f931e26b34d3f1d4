using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// WMI over WS-Man, as WinRM's WMI plugin answers it from the scenario's <c>wmi:</c> classes: an Enumerate of a class
/// (<c>.../wmi/root/cimv2/Win32_Service</c>), or of a namespace's <c>*</c> with a WQL filter (Ruby WinRM's
/// <c>run_wql</c>, <c>winrm enumerate wmicimv2/* -filter:"select ..."</c>); a Get of one instance by its key
/// selectors (of the one instance of a singleton class without them). Win32_Service instances follow what
/// Start-Service, Stop-Service, Set-Service, net and sc changed (State, Started, StartMode), before a WQL filter is applied.
/// </summary>
internal static class WmiOperations
{
    public static List<WmiInstance> Enumerate(BehaviourCatalog catalog, string computer, string wmiNamespace, string className, string? dialect, string? filter, ServiceStates? services = null, DateTimeOffset? lastBoot = null, VirtualFileSystem? disk = null)
    {
        if (filter is not null)
        {
            if (dialect is not null && !dialect.Equals(WmiResourceUris.WqlDialect, StringComparison.OrdinalIgnoreCase))
            {
                throw new WsManFaultException(WsManFaultReason.WmiFilterRequired, $"the filter dialect {dialect} is not WQL ({WmiResourceUris.WqlDialect})");
            }

            WqlQuery query;
            try
            {
                query = WqlQuery.Parse(filter);
            }
            catch (WqlException e)
            {
                throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, e.Message);
            }

            var queried = Class(catalog, computer, wmiNamespace, query.ClassName);
            if (query.UnknownProperties(queried.PropertyNames).FirstOrDefault() is { } unknown)
            {
                throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, $"{queried.ClassName} has no property {unknown}");
            }

            try
            {
                return [.. queried.Instances.Select(i => Current(queried, Substituted(i, computer), services, lastBoot, disk)).Where(query.Matches).Select(i => Instance(queried, query.Project(i)))];
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, "a LIKE pattern took too long to match");
            }
        }

        if (className == "*") throw new WsManFaultException(WsManFaultReason.WmiFilterRequired, $"enumerating {wmiNamespace}/* needs a WQL filter (Dialect {WmiResourceUris.WqlDialect})");
        var seed = Class(catalog, computer, wmiNamespace, className);
        return [.. seed.Instances.Select(i => Instance(seed, Current(seed, Substituted(i, computer), services, lastBoot, disk)))];
    }

    public static WmiInstance Get(BehaviourCatalog catalog, string computer, string wmiNamespace, string className, IReadOnlyDictionary<string, string> selectors, ServiceStates? services = null, DateTimeOffset? lastBoot = null, VirtualFileSystem? disk = null)
    {
        var seed = Class(catalog, computer, wmiNamespace, className);
        // Selectors name key properties; __cimnamespace is the namespace again (winrm.cmd sends it for some classes).
        var keys = selectors.Where(s => !s.Key.Equals("__cimnamespace", StringComparison.OrdinalIgnoreCase)).ToList();
        var matches = seed.Instances.Select(i => Current(seed, Substituted(i, computer), services, lastBoot, disk)).Where(instance => keys.All(selector =>
            instance.FirstOrDefault(p => p.Name.Equals(selector.Key, StringComparison.OrdinalIgnoreCase)) is { Kind: not WmiValueKind.Null } property &&
            property.Values.Any(v => v.Equals(selector.Value, StringComparison.OrdinalIgnoreCase)))).ToList();
        if (keys.Count > 0 && keys.Any(k => !seed.PropertyNames.Contains(k.Key, StringComparer.OrdinalIgnoreCase))) throw new WsManFaultException(WsManFaultReason.WmiInstanceNotFound);
        // Without selectors only a class of one instance (a singleton: Win32_OperatingSystem) answers.
        if (matches.Count != 1 || (keys.Count == 0 && seed.Instances.Count != 1)) throw new WsManFaultException(WsManFaultReason.WmiInstanceNotFound);
        return Instance(seed, matches[0]);
    }

    private static WmiClassSeed Class(BehaviourCatalog catalog, string computer, string wmiNamespace, string className) =>
        catalog.FindWmiClass(wmiNamespace, className, computer) ?? throw new WsManFaultException(WsManFaultReason.WmiInvalidClass);

    private static WmiInstance Instance(WmiClassSeed seed, IReadOnlyList<WmiProperty> properties) =>
        new(WmiResourceUris.Of(seed.Namespace, seed.ClassName), seed.ClassName, properties);

    private static IReadOnlyList<WmiProperty> Substituted(IReadOnlyList<WmiProperty> properties, string computer) =>
        properties.Any(p => p.Values.Any(v => v.Contains('{', StringComparison.Ordinal)))
            ? [.. properties.Select(p => p with { Values = [.. p.Values.Select(v => Substitute(v, computer))] })]
            : properties;

    // A Win32_Service instance as the commands left the service: State, Started and StartMode from its changed status
    // and start type; a Win32_OperatingSystem's LastBootUpTime the computer's last restart here.
    private static IReadOnlyList<WmiProperty> Current(WmiClassSeed seed, IReadOnlyList<WmiProperty> properties, ServiceStates? services, DateTimeOffset? lastBoot, VirtualFileSystem? disk)
    {
        // C:'s Size and FreeSpace are the computer's disk's (what dir, Get-PSDrive and Get-Volume report).
        if (disk is not null && seed.ClassName.Equals("Win32_LogicalDisk", StringComparison.OrdinalIgnoreCase) &&
            properties.Any(p => p.Name.Equals("DeviceID", StringComparison.OrdinalIgnoreCase) && p.Values is [var device] && device.Equals("C:", StringComparison.OrdinalIgnoreCase)))
        {
            return [.. properties.Select(p => p.Name.ToUpperInvariant() switch
            {
                "SIZE" when p.Kind != WmiValueKind.Null => p with { Values = [disk.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)] },
                "FREESPACE" when p.Kind != WmiValueKind.Null => p with { Values = [disk.FreeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)] },
                _ => p,
            })];
        }

        if (lastBoot is { } booted && seed.ClassName.Equals("Win32_OperatingSystem", StringComparison.OrdinalIgnoreCase))
        {
            return [.. properties.Select(p => p.Name.Equals("LastBootUpTime", StringComparison.OrdinalIgnoreCase) && p.Kind == WmiValueKind.Datetime
                ? p with { Values = [System.Xml.XmlConvert.ToString(booted.ToUniversalTime())] } : p)];
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

    // {computername} is the computer's name, as in the cmd rules.
    private static string Substitute(string value, string computer) =>
        value.Replace("{computername}", computer.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase);
}
