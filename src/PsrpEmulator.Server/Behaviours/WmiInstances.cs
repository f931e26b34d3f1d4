using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// WMI instances as PowerShell's cmdlets write them: a CimInstance (Get-CimInstance) and a ManagementObject
/// (Get-WmiObject), shaped by the class's schema (<see cref="WmiSchema"/>), for the computer's WMI classes and the
/// scenario's <c>{ $services: ... }</c> alike.
/// </summary>
internal static class WmiInstances
{
    private const string CimPrefix = "Microsoft.Management.Infrastructure.CimInstance#";

    /// <summary>
    /// A CimInstance as the CIM cmdlets write it: its type names down the class's derivation, its properties in CIM's
    /// order (WmiSchema.CimOrder), the adapter's PSComputerName last (none for the local computer), the text
    /// CimInstance.ToString() gives (class, Caption, keys), and its own CimClass, CimInstanceProperties and
    /// CimSystemProperties (<see cref="CimInstanceMembers"/>) of the class <paramref name="serverName"/> serves.
    /// </summary>
    public static PsObject CimInstance(string className, IReadOnlyList<PsProperty> properties, IEnumerable<string> keyNames, string serverName, string wmiNamespace = "root/cimv2")
    {
        var instanceObject = new PsObject(CimTypeNames(className, wmiNamespace));
        instanceObject.AdaptedProperties.AddRange(WmiSchema.CimOrder(className, properties, p => p.Name));
        if (!properties.Any(p => p.Name.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase))) instanceObject.AdaptedProperties.Add(new PsProperty("PSComputerName", PsNil.Instance));
        var keys = keyNames.ToList();
        instanceObject.ToStringValue = CimInstanceText(className, instanceObject.AdaptedProperties, keys);
        return CimInstanceMembers.With(instanceObject, serverName, keys);
    }

    /// <summary>A CimInstance's type names: the class and its superclasses with the namespace, then without, then CimInstance's.</summary>
    public static string[] CimTypeNames(string className, string wmiNamespace = "root/cimv2")
    {
        var classes = new[] { className }.Concat(WmiSchema.Derivation(className)).ToList();
        return [.. classes.Select(c => CimPrefix + wmiNamespace + "/" + c), .. classes.Select(c => CimPrefix + c), "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];
    }

    /// <summary>
    /// CimInstance.ToString(): "Class: Caption (Key = "value", ...)", without the caption or the keys when it has none
    /// (Microsoft.Management.Infrastructure's CimInstanceToStringFullData/NoKeys/NoCaption), the class name alone when neither.
    /// </summary>
    public static string CimInstanceText(string className, IEnumerable<PsProperty> properties, IEnumerable<string> keyNames)
    {
        var list = properties as IReadOnlyList<PsProperty> ?? [.. properties];
        var caption = list.FirstOrDefault(p => p.Name.Equals("Caption", StringComparison.OrdinalIgnoreCase))?.Value is PsPrimitive { Value: string text } ? text : null;
        var keys = string.Join(", ", keyNames.Select(k => list.FirstOrDefault(p => p.Name.Equals(k, StringComparison.OrdinalIgnoreCase))).OfType<PsProperty>()
            .Select(p => p.Value is PsPrimitive { Value: string s } ? $"{p.Name} = \"{s}\"" : $"{p.Name} = {PipelineVariables.Display(p.Value)}"));
        return (string.IsNullOrEmpty(caption), keys.Length == 0) switch
        {
            (true, true) => className,
            (true, false) => $"{className} ({keys})",
            (false, true) => $"{className}: {caption}",
            (false, false) => $"{className}: {caption} ({keys})",
        };
    }

    // A ManagementObject: its system properties (__GENUS ... __PATH), then the class's, as Get-WmiObject writes it.
    /// <summary>
    /// A ManagementObject; <paramref name="projected"/> for a WQL query's selected properties only, which WMI returns as
    /// a class-less instance: no superclass, dynasty, derivation, server, namespace or path, its relative path only when
    /// the keys were selected (<paramref name="relativePath"/> null otherwise).
    /// </summary>
    public static PsObject ManagementObject(string computer, string className, string? relativePath, IReadOnlyList<PsProperty> properties, bool projected = false)
    {
        var path = projected || relativePath is null ? null : $@"\\{computer}\root\cimv2:{relativePath}";
        IReadOnlyList<string> derivation = projected ? [] : WmiSchema.Derivation(className);
        var o = new PsObject([$@"System.Management.ManagementObject#root\cimv2\{className}", "System.Management.ManagementObject", "System.Management.ManagementBaseObject",
            "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = path ?? string.Empty };
        AddManagementMembers(o, 2, className, derivation, projected ? null : derivation.Count > 0 ? derivation[^1] : className, relativePath,
            projected ? null : computer, projected ? null : @"root\cimv2", path, properties, $@"\\{computer}\root\cimv2:{className}", []);
        // types.ps1xml's AliasProperty PSComputerName = __SERVER: a member, first in Format-List * and Select-Object *.
        return o.With("PSComputerName", projected ? PsNil.Instance : PsPrimitive.String(computer));
    }

    /// <summary>
    /// A ManagementClass as Get-WmiObject -List and [wmiclass] give it: the class's system properties (__GENUS 1, its
    /// __RELPATH and __PATH the class), its properties without values in WMI's order (by name), ManagementBaseObject's
    /// .NET properties with its Properties and ManagementClass's Methods and Derivation, and types.ps1xml's Name alias
    /// of __CLASS. Its namespace is ROOT\cimv2, as WMI spells it.
    /// </summary>
    public static PsObject ManagementClass(string computer, string className, IEnumerable<string> propertyNames, IReadOnlyList<WmiMethods.Method> methods)
    {
        const string ClassTypeName = "System.Management.ManagementClass";
        var path = $@"\\{computer}\ROOT\cimv2:{className}";
        var derivation = WmiSchema.Derivation(className);
        var o = new PsObject([$@"{ClassTypeName}#ROOT\cimv2\{className}", ClassTypeName, "System.Management.ManagementObject", "System.Management.ManagementBaseObject",
            "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = path };
        var properties = propertyNames.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).Select(n => new PsProperty(n, PsNil.Instance)).ToList();
        AddManagementMembers(o, 1, className, derivation, derivation.Count > 0 ? derivation[^1] : className, className, computer, @"ROOT\cimv2", path, properties, path,
        [
            new("Derivation", PsObjects.List([.. derivation.Select(d => (PsValue)PsPrimitive.String(d))], ["System.Collections.Specialized.StringCollection", "System.Object"])),
            new("Methods", PsObjects.List([.. methods.Select(m => (PsValue)MethodData(m))], ["System.Management.MethodDataCollection", "System.Object"])),
        ]);
        return o.With("Name", className).With("PSComputerName", computer);
    }

    // A ManagementBaseObject's members, a ManagementObject's and a ManagementClass's: the system properties (__GENUS ...
    // __PATH), the class's properties, then the .NET properties (a ManagementClass's own first), which Format-List * and
    // ConvertTo-Json show after the WMI ones and scripts read (InSpec's wmi resource walks $obj.Properties for each
    // property's Name and Value).
    private static void AddManagementMembers(PsObject o, int genus, string className, IReadOnlyList<string> derivation, string? dynasty, string? relativePath,
        string? server, string? wmiNamespace, string? path, IReadOnlyList<PsProperty> properties, string classPath, IEnumerable<PsProperty> classMembers)
    {
        static PsValue Text(string? value) => value is null ? PsNil.Instance : PsPrimitive.String(value);
        static PsObject Opaque(string typeName) => new([typeName, "System.Object"]) { ToStringValue = typeName };
        o.AdaptedProperties.Add(new PsProperty("__GENUS", PsPrimitive.Int32(genus)));
        o.AdaptedProperties.Add(new PsProperty("__CLASS", PsPrimitive.String(className)));
        o.AdaptedProperties.Add(new PsProperty("__SUPERCLASS", Text(derivation.Count > 0 ? derivation[0] : null)));
        o.AdaptedProperties.Add(new PsProperty("__DYNASTY", Text(dynasty)));
        o.AdaptedProperties.Add(new PsProperty("__RELPATH", Text(relativePath)));
        o.AdaptedProperties.Add(new PsProperty("__PROPERTY_COUNT", PsPrimitive.Int32(properties.Count)));
        o.AdaptedProperties.Add(new PsProperty("__DERIVATION", PsObjects.List([.. derivation.Select(d => (PsValue)PsPrimitive.String(d))], ["System.String[]", "System.Array", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("__SERVER", Text(server)));
        o.AdaptedProperties.Add(new PsProperty("__NAMESPACE", Text(wmiNamespace)));
        o.AdaptedProperties.Add(new PsProperty("__PATH", Text(path)));
        var system = o.AdaptedProperties.ToList();
        o.AdaptedProperties.AddRange(properties);
        o.AdaptedProperties.AddRange(classMembers);
        o.AdaptedProperties.AddRange(
        [
            new("Scope", Opaque("System.Management.ManagementScope")),
            new("Path", new PsObject(["System.Management.ManagementPath", "System.Object"]) { ToStringValue = path ?? string.Empty }),
            new("Options", Opaque("System.Management.ObjectGetOptions")),
            new("ClassPath", new PsObject(["System.Management.ManagementPath", "System.Object"]) { ToStringValue = classPath }),
            new("Properties", PropertyDataCollection(properties, className)),
            new("SystemProperties", PropertyDataCollection(system, "___SYSTEM")),
            new("Qualifiers", PsObjects.List([], ["System.Management.QualifierDataCollection", "System.Object"])),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
    }

    // A MethodData: its name (how a collection of them shows) and the class that declares it. Its in- and
    // out-parameters and qualifiers are not emulated (null, empty).
    private static PsObject MethodData(WmiMethods.Method method) =>
        new PsObject(["System.Management.MethodData", "System.Object"]) { ToStringValue = "System.Management.MethodData" }
            .With("Name", method.Name)
            .With("InParameters", PsNil.Instance)
            .With("OutParameters", PsNil.Instance)
            .With("Origin", method.DeclaringClass)
            .With("Qualifiers", PsObjects.List([], ["System.Management.QualifierDataCollection", "System.Object"]));

    // A PropertyDataCollection: a PropertyData per property (shown by its name, as in "{Caption, Name...}"); Origin is
    // the class that declares the property (WmiSchema), ___SYSTEM for a system property.
    private static PsObject PropertyDataCollection(IEnumerable<PsProperty> properties, string className) =>
        PsObjects.List([.. properties.Select(p => (PsValue)PropertyData(p, className))], ["System.Management.PropertyDataCollection", "System.Object"]);

    private static PsObject PropertyData(PsProperty property, string className)
    {
        var (type, number) = CimTypeOf(WmiSchema.CimType(className, property.Name), property.Value);
        var origin = className == "___SYSTEM" ? className : WmiSchema.Origin(className, property.Name) ?? className;
        return new PsObject(["System.Management.PropertyData", "System.Object"]) { ToStringValue = property.Name }
            .With("Name", property.Name)
            .With("Value", property.Value)
            .With("Type", PsObjects.Enum("System.Management.CimType", type, number))
            .With("IsLocal", origin.Equals(className, StringComparison.OrdinalIgnoreCase) && className != "___SYSTEM")
            .With("IsArray", property.Value is PsObject { CollectionKind: not PsCollectionKind.None })
            .With("Origin", origin)
            .With("Qualifiers", PsObjects.List([], ["System.Management.QualifierDataCollection", "System.Object"]));
    }

    // CimType as WMI gives a property's: the class's declared type, else the value's (UNVERIFIED for a null property
    // the schema does not know: String).
    private static (string Name, int Number) CimTypeOf(string? declared, PsValue? value) => declared?.TrimEnd(']', '[') switch
    {
        "boolean" => ("Boolean", 11),
        "sint8" => ("SInt8", 16),
        "uint8" => ("UInt8", 17),
        "sint16" => ("SInt16", 2),
        "uint16" => ("UInt16", 18),
        "sint32" => ("SInt32", 3),
        "uint32" => ("UInt32", 19),
        "sint64" => ("SInt64", 20),
        "uint64" => ("UInt64", 21),
        "real32" => ("Real32", 4),
        "real64" => ("Real64", 5),
        "string" => ("String", 8),
        "datetime" => ("DateTime", 101),
        "char16" => ("Char16", 103),
        "object" => ("Object", 13),
        { } other when other.EndsWith(" ref", StringComparison.OrdinalIgnoreCase) => ("Reference", 102),
        _ => (value is PsObject { CollectionKind: not PsCollectionKind.None } list && list.Items.Count > 0 ? list.Items[0] : value) switch
        {
            PsPrimitive { Value: bool } => ("Boolean", 11),
            PsPrimitive { Value: uint } => ("UInt32", 19),
            PsPrimitive { Value: ulong } => ("UInt64", 21),
            PsPrimitive { Value: int } => ("SInt32", 3),
            PsPrimitive { Value: string text } when text.Length == 25 && text[14] == '.' && text[21] is '+' or '-' => ("DateTime", 101),
            _ => ("String", 8),
        },
    };
}
