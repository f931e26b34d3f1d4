using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// WMI over WS-Man, as WinRM's WMI plugin answers it from the scenario's <c>wmi:</c> classes: an Enumerate of a class
/// (<c>.../wmi/root/cimv2/Win32_Service</c>), or of a namespace's <c>*</c> with a WQL filter (Ruby WinRM's
/// <c>run_wql</c>, <c>winrm enumerate wmicimv2/* -filter:"select ..."</c>); a Get of one instance by its key
/// selectors (of the one instance of a singleton class without them). Instances are the computer's as they are now
/// (<see cref="ComputerWmi"/>), before a WQL filter is applied.
/// </summary>
internal static class WmiOperations
{
    public static List<WmiInstance> Enumerate(ComputerWmi wmi, string wmiNamespace, string className, string? dialect, string? filter)
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

            // A superclass's query is answered by its subclasses' instances, each checked and projected as its own; its
            // properties must be the superclass's.
            IReadOnlyList<WmiClassSeed> seeds;
            if (Subclasses(wmi, wmiNamespace, query.ClassName) is { } deep)
            {
                if (query.UnknownProperties(WmiSchema.Properties(query.ClassName) ?? []).FirstOrDefault() is { } unknownOfSuperclass)
                {
                    throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, $"{query.ClassName} has no property {unknownOfSuperclass}");
                }

                seeds = deep;
            }
            else
            {
                var queried = Class(wmi, wmiNamespace, query.ClassName);
                // A class without instances gives no property names to check against.
                if (queried.Instances.Count > 0 && query.UnknownProperties(queried.PropertyNames).FirstOrDefault() is { } unknown)
                {
                    throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, $"{queried.ClassName} has no property {unknown}");
                }

                seeds = [queried];
            }

            try
            {
                return [.. seeds.SelectMany(seed => wmi.Instances(seed).Where(query.Matches).Select(i => Instance(seed, query.Project(i))))];
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                throw new WsManFaultException(WsManFaultReason.WmiInvalidQuery, "a LIKE pattern took too long to match");
            }
        }

        if (className == "*") throw new WsManFaultException(WsManFaultReason.WmiFilterRequired, $"enumerating {wmiNamespace}/* needs a WQL filter (Dialect {WmiResourceUris.WqlDialect})");
        var classes = Subclasses(wmi, wmiNamespace, className) ?? [Class(wmi, wmiNamespace, className)];
        return [.. classes.SelectMany(seed => wmi.Instances(seed).Select(i => Instance(seed, i)))];
    }

    public static WmiInstance Get(ComputerWmi wmi, string wmiNamespace, string className, IReadOnlyDictionary<string, string> selectors)
    {
        var seed = Class(wmi, wmiNamespace, className);
        // Selectors name key properties; __cimnamespace is the namespace again (winrm.cmd sends it for some classes).
        var keys = selectors.Where(s => !s.Key.Equals("__cimnamespace", StringComparison.OrdinalIgnoreCase)).ToList();
        var matches = wmi.Instances(seed).Where(instance => keys.All(selector =>
            instance.FirstOrDefault(p => p.Name.Equals(selector.Key, StringComparison.OrdinalIgnoreCase)) is { Kind: not WmiValueKind.Null } property &&
            property.Values.Any(v => v.Equals(selector.Value, StringComparison.OrdinalIgnoreCase)))).ToList();
        if (keys.Count > 0 && keys.Any(k => !seed.PropertyNames.Contains(k.Key, StringComparer.OrdinalIgnoreCase))) throw new WsManFaultException(WsManFaultReason.WmiInstanceNotFound);
        // Without selectors only a class of one instance (a singleton: Win32_OperatingSystem) answers.
        if (matches.Count != 1 || (keys.Count == 0 && seed.Instances.Count != 1)) throw new WsManFaultException(WsManFaultReason.WmiInstanceNotFound);
        return Instance(seed, matches[0]);
    }

    // A superclass whose instances are all its subclasses' (CIM_LogicalDisk: Win32_LogicalDisk's): their classes, each
    // answering with its own instances and resource URI, as WMI enumerates deep and WinRM's default polymorphism
    // (IncludeSubClassProperties) returns them; null for another class.
    private static List<WmiClassSeed>? Subclasses(ComputerWmi wmi, string wmiNamespace, string className) =>
        wmi.Find(wmiNamespace, className) is null && wmiNamespace.Replace('\\', '/').Trim('/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase) && ComputerWmi.EnumeratesDeep(className)
            ? [.. wmi.SubclassSeeds(className)]
            : null;

    private static WmiClassSeed Class(ComputerWmi wmi, string wmiNamespace, string className) =>
        wmi.Find(wmiNamespace, className) ?? throw new WsManFaultException(WsManFaultReason.WmiInvalidClass);

    private static WmiInstance Instance(WmiClassSeed seed, IReadOnlyList<WmiProperty> properties) =>
        new(WmiResourceUris.Of(seed.Namespace, seed.ClassName), seed.ClassName, properties);
}
