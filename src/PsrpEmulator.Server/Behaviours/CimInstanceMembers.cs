using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A CimInstance's own .NET properties, CimClass, CimInstanceProperties and CimSystemProperties: the session shows
/// them (Format-List * ends with them, Select-Object * and ConvertTo-Json take them, scripts read
/// <c>$_.CimClass.CimClassName</c> and <c>$_.CimSystemProperties.ServerName</c>), but PowerShell's serializer does
/// not send them (CimInstanceAdapter adapts the class's properties and PSComputerName only), so they are dropped on
/// the wire (<see cref="CimClassMetadata.ForWire"/>).
/// </summary>
/// <remarks>
/// The class is the schema's (<see cref="WmiSchema"/>) or, for a class it does not know, the instance's properties;
/// its keys carry the key qualifier and the Key flag. Other qualifiers (read, MaxLen, ValueMap...) and the class's
/// methods are not emulated: CimClassQualifiers and CimClassMethods are empty.
/// </remarks>
internal static class CimInstanceMembers
{
    /// <summary>The three members, in the order Format-List * shows them after PSComputerName.</summary>
    public static readonly string[] Names = ["CimClass", "CimInstanceProperties", "CimSystemProperties"];

    /// <summary>
    /// The instance (changed in place) with its CimClass, CimInstanceProperties and CimSystemProperties, its class
    /// served by <paramref name="serverName"/>; as it is when it has them already or is no CimInstance.
    /// </summary>
    public static PsObject With(PsObject instance, string serverName, IEnumerable<string> keyNames)
    {
        if (instance.TypeNames is not { } typeNames || CimClassMetadata.Classes(typeNames) is not [var (ns, className), ..] classes ||
            instance.AdaptedProperties.Exists(p => p.Name.Equals("CimClass", StringComparison.OrdinalIgnoreCase)))
        {
            return instance;
        }

        var keys = keyNames.ToList();
        var properties = instance.AdaptedProperties.Where(p => !p.Name.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase)).ToList();
        var declared = CimClassMetadata.PropertyTypes(className, instance).ToList();
        var types = declared.ToDictionary(t => t.Name, t => t, StringComparer.OrdinalIgnoreCase);
        instance.AdaptedProperties.Add(new PsProperty("CimClass", CimClass(classes, 0, serverName, declared, keys)));
        instance.AdaptedProperties.Add(new PsProperty("CimInstanceProperties", PsObjects.List(
            properties.Select(p => (PsValue)InstanceProperty(p, types.GetValueOrDefault(p.Name), keys.Contains(p.Name, StringComparer.OrdinalIgnoreCase))),
            ["Microsoft.Management.Infrastructure.Internal.Data.CimPropertiesCollection", "Microsoft.Management.Infrastructure.CimKeyedCollection`1[[Microsoft.Management.Infrastructure.CimProperty, Microsoft.Management.Infrastructure, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"])));
        instance.AdaptedProperties.Add(new PsProperty("CimSystemProperties", SystemProperties(ns, serverName, className)));
        return instance;
    }

    /// <summary>
    /// The value with every CimInstance in it given its members (<see cref="With"/>): itself, the instances in its
    /// properties and in its collections (a task's Triggers, Actions, Principal and Settings), to a few levels. Each
    /// instance's keys are those its text names (<c>MSFT_ScheduledTask (TaskName = "x", TaskPath = "\")</c>).
    /// </summary>
    public static PsValue WithNested(PsValue value, string serverName, int depth = 0)
    {
        if (value is not PsObject o || depth > 3) return value;
        if (o.CollectionKind is PsCollectionKind.None)
        {
            With(o, serverName, KeysOf(o.ToStringValue));
            foreach (var property in o.AdaptedProperties)
            {
                if (!IsMember(property.Name)) WithNested(property.Value, serverName, depth + 1);
            }
        }
        else
        {
            foreach (var item in o.Items) WithNested(item, serverName, depth + 1);
        }

        return value;
    }

    // The key names CimInstance.ToString() lists: `Class (A = "x", B = 3)`, `Class: Caption (A = "x")`.
    private static IEnumerable<string> KeysOf(string? text)
    {
        if (text is null || !text.EndsWith(')')) return [];
        var open = text.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0) return [];
        return text[(open + 2)..^1].Split(", ").Select(pair => pair.IndexOf(" = ", StringComparison.Ordinal) is var at and > 0 ? pair[..at] : null).OfType<string>();
    }

    /// <summary>
    /// The instance as the serializer sees it, without the three (CimInstanceAdapter does not send them); the value
    /// itself when it has none. The wire drops them before it cuts the object to depth, so their graphs are never walked.
    /// </summary>
    public static PsValue Without(PsValue value)
    {
        if (value is not PsObject instance || !instance.AdaptedProperties.Exists(p => IsMember(p.Name))) return value;
        var sent = instance.ShallowCopy();
        sent.AdaptedProperties.RemoveAll(p => IsMember(p.Name));
        return sent;
    }

    /// <summary>Whether the property is one of the three (which the serializer does not send).</summary>
    public static bool IsMember(string name) => Array.Exists(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

    // The class at classes[index] and its superclasses: CimClass's ToString is "namespace:class"; CimClassName is
    // types.ps1xml's script property over CimSystemProperties.ClassName.
    private static PsObject CimClass(List<(string Namespace, string ClassName)> classes, int index, string serverName,
        List<(string Name, string Type, string? EmbeddedClass)> leafTypes, List<string> keys)
    {
        var (ns, className) = classes[index];
        var superclass = index + 1 < classes.Count ? classes[index + 1].ClassName : null;
        var o = new PsObject(["Microsoft.Management.Infrastructure.CimClass", "System.Object"]) { ToStringValue = $"{ns}:{className}" };
        o.AdaptedProperties.Add(new PsProperty("CimSuperClassName", superclass is null ? PsNil.Instance : PsPrimitive.String(superclass)));
        o.AdaptedProperties.Add(new PsProperty("CimSuperClass", superclass is null ? PsNil.Instance : CimClass(classes, index + 1, serverName, leafTypes, keys)));
        o.AdaptedProperties.Add(new PsProperty("CimClassProperties", PsObjects.List(
            (index == 0 ? leafTypes : CimClassMetadata.PropertyTypes(className, null)).Select(t => (PsValue)PropertyDeclaration(t, index == 0 && keys.Contains(t.Name, StringComparer.OrdinalIgnoreCase))),
            ["Microsoft.Management.Infrastructure.Internal.Data.CimClassPropertiesCollection", "Microsoft.Management.Infrastructure.Generic.CimReadOnlyKeyedCollection`1[[Microsoft.Management.Infrastructure.CimPropertyDeclaration, Microsoft.Management.Infrastructure, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("CimClassQualifiers", PsObjects.List([], ["Microsoft.Management.Infrastructure.Internal.Data.CimClassQualifierCollection", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("CimClassMethods", PsObjects.List(WmiMethods.Of(className).Select(m => (PsValue)MethodDeclaration(m)),
            ["Microsoft.Management.Infrastructure.Internal.Data.CimMethodDeclarationCollection", "Microsoft.Management.Infrastructure.Generic.CimReadOnlyKeyedCollection`1[[Microsoft.Management.Infrastructure.CimMethodDeclaration, Microsoft.Management.Infrastructure, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("CimSystemProperties", SystemProperties(ns, serverName, className)));
        return o.With("CimClassName", className);
    }

    /// <summary>
    /// The declaration of <paramref name="className"/> of <paramref name="ns"/> as Get-CimClass returns it, served by
    /// <paramref name="serverName"/>: its superclass chain, properties (the schema's; for a class it does not know,
    /// <paramref name="sample"/>'s, an instance of it), keys and methods.
    /// </summary>
    public static PsObject ClassDeclaration(string ns, string className, string serverName, IReadOnlyList<string> keys, PsObject? sample)
    {
        var classes = new List<(string Namespace, string ClassName)> { (ns, WmiSchema.Spelling(className)) };
        classes.AddRange(WmiSchema.Derivation(className).Select(c => (ns, c)));
        var declared = CimClassMetadata.PropertyTypes(className, sample).ToList();
        return CimClass(classes, 0, serverName, declared, [.. keys]);
    }

    // A method of the class: CimMethodDeclaration's Name, ReturnType, Parameters and Qualifiers (Static on a static
    // one; the provider's others, Implemented, ValueMap, Privileges..., have no source here and are left out).
    private static PsObject MethodDeclaration(WmiMethods.Method method)
    {
        var o = new PsObject(["Microsoft.Management.Infrastructure.Internal.Data.CimMethodDeclarationOfClass", "Microsoft.Management.Infrastructure.CimMethodDeclaration", "System.Object"])
        {
            ToStringValue = method.Name,
        };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(method.Name)));
        o.AdaptedProperties.Add(new PsProperty("ReturnType", CimType(method.ReturnType, null)));
        o.AdaptedProperties.Add(new PsProperty("Parameters", PsObjects.List(method.Parameters.Select((p, i) => (PsValue)ParameterDeclaration(p, i)),
            ["Microsoft.Management.Infrastructure.Internal.Data.CimMethodParameterDeclarationCollection", "Microsoft.Management.Infrastructure.Generic.CimReadOnlyKeyedCollection`1[[Microsoft.Management.Infrastructure.CimMethodParameterDeclaration, Microsoft.Management.Infrastructure, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("Qualifiers", PsObjects.List(method.Static ? [Qualifier("Static", PsPrimitive.Boolean(true), "Boolean", 1, "Method")] : [],
            ["Microsoft.Management.Infrastructure.Internal.Data.CimMethodQualifierCollection", "System.Object"])));
        return o;
    }

    // A parameter of a method: its CIM type (an embedded object an Instance, a reference a Reference naming its class)
    // and its qualifiers by name, as MI lists them: EmbeddedInstance, ID (its place), In / Out.
    private static PsObject ParameterDeclaration(WmiMethods.Parameter parameter, int index)
    {
        var type = parameter.Type.Trim();
        var isArray = type.EndsWith("[]", StringComparison.Ordinal);
        var scalar = isArray ? type[..^2].Trim() : type;
        var reference = scalar.EndsWith(" ref", StringComparison.OrdinalIgnoreCase) ? scalar[..^4].Trim() : null;
        var embedded = reference is null && IsClassName(scalar) ? scalar : null;
        var cimType = reference is not null
            ? PsObjects.Enum("Microsoft.Management.Infrastructure.CimType", isArray ? "ReferenceArray" : "Reference", isArray ? 31 : 15)
            : CimType(type, embedded);
        var qualifiers = new List<PsValue>();
        if (embedded is not null) qualifiers.Add(Qualifier("EmbeddedInstance", PsPrimitive.String(embedded), "String", 14, "Parameter"));
        qualifiers.Add(Qualifier("ID", PsPrimitive.Int32(index), "SInt32", 7, "Parameter"));
        if (parameter.Direction.Contains("in", StringComparison.OrdinalIgnoreCase)) qualifiers.Add(Qualifier("In", PsPrimitive.Boolean(true), "Boolean", 1, "Parameter"));
        if (parameter.Direction.Contains("out", StringComparison.OrdinalIgnoreCase)) qualifiers.Add(Qualifier("Out", PsPrimitive.Boolean(true), "Boolean", 1, "Parameter"));
        var o = new PsObject(["Microsoft.Management.Infrastructure.Internal.Data.CimMethodParameterDeclarationOfMethod", "Microsoft.Management.Infrastructure.CimMethodParameterDeclaration", "System.Object"])
        {
            ToStringValue = parameter.Name,
        };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(parameter.Name)));
        o.AdaptedProperties.Add(new PsProperty("CimType", cimType));
        o.AdaptedProperties.Add(new PsProperty("Qualifiers", PsObjects.List(qualifiers,
            ["Microsoft.Management.Infrastructure.Internal.Data.CimMethodParameterQualifierCollection", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("ReferenceClassName", reference is null ? PsNil.Instance : PsPrimitive.String(reference)));
        return o;
    }

    // A MOF type that is a class's name (an embedded object): not one of CIM's own types.
    private static bool IsClassName(string type) => type.Contains('_', StringComparison.Ordinal) ||
        type is not ("boolean" or "uint8" or "sint8" or "uint16" or "sint16" or "uint32" or "sint32" or "uint64" or "sint64" or "real32" or "real64" or "char16" or "datetime" or "string" or "object");

    // A qualifier of a property, method or parameter: CimQualifier's Name, Value, CimType and Flags; its text "Name = value".
    private static PsObject Qualifier(string name, PsValue value, string cimTypeName, int cimTypeNumber, string of)
    {
        var o = new PsObject([$"Microsoft.Management.Infrastructure.Internal.Data.CimQualifierOf{of}", "Microsoft.Management.Infrastructure.CimQualifier", "System.Object"])
        {
            ToStringValue = value is PsPrimitive { Value: string text } ? $"{name} = \"{text}\"" : $"{name} = {PipelineVariables.Display(value)}",
        };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(name)));
        o.AdaptedProperties.Add(new PsProperty("Value", value));
        o.AdaptedProperties.Add(new PsProperty("CimType", PsObjects.Enum("Microsoft.Management.Infrastructure.CimType", cimTypeName, cimTypeNumber)));
        o.AdaptedProperties.Add(new PsProperty("Flags", PsObjects.Enum("Microsoft.Management.Infrastructure.CimFlags", "DisableOverride, ToSubclass", 256 | 1024)));
        return o;
    }

    private static PsObject SystemProperties(string ns, string serverName, string className)
    {
        const string TypeName = "Microsoft.Management.Infrastructure.CimSystemProperties";
        var o = new PsObject([TypeName, "System.Object"]) { ToStringValue = TypeName };
        o.AdaptedProperties.Add(new PsProperty("Namespace", PsPrimitive.String(ns)));
        o.AdaptedProperties.Add(new PsProperty("ServerName", PsPrimitive.String(serverName)));
        o.AdaptedProperties.Add(new PsProperty("ClassName", PsPrimitive.String(className)));
        o.AdaptedProperties.Add(new PsProperty("Path", PsNil.Instance));
        return o;
    }

    // A declaration in the class: no value (NullValue), the key qualifier on a key.
    private static PsObject PropertyDeclaration((string Name, string Type, string? EmbeddedClass) property, bool key)
    {
        var o = new PsObject(["Microsoft.Management.Infrastructure.Internal.Data.CimClassPropertyOfClass", "Microsoft.Management.Infrastructure.CimPropertyDeclaration", "System.Object"])
        {
            ToStringValue = property.Name,
        };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(property.Name)));
        o.AdaptedProperties.Add(new PsProperty("Value", PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("CimType", CimType(property.Type, property.EmbeddedClass)));
        o.AdaptedProperties.Add(new PsProperty("Flags", Flags(key, modifiedKnown: false, isNull: true)));
        o.AdaptedProperties.Add(new PsProperty("Qualifiers", PsObjects.List(key ? [Qualifier("key", PsPrimitive.Boolean(true), "Boolean", 1, "Property")] : [],
            ["Microsoft.Management.Infrastructure.Internal.Data.CimPropertyQualifierCollection", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("ReferenceClassName", PsNil.Instance));
        return o;
    }

    // A property of the instance: CimProperty.ToString() is `Name = "value"` (Name alone when null, "..." for an array
    // or an instance); Format-List shows the collection by the items' names (its runtime type inherits ToString).
    private static PsObject InstanceProperty(PsProperty property, (string Name, string Type, string? EmbeddedClass) type, bool key)
    {
        var isNull = property.Value is PsNil;
        var elided = property.Value is PsObject { CollectionKind: not PsCollectionKind.None } ||
            (property.Value is PsObject { TypeNames: [var first, ..] } && first.StartsWith(CimClassMetadata.CimPrefix, StringComparison.Ordinal));
        var text = isNull ? property.Name
            : elided ? $"{property.Name} = ..."
            : property.Value is PsPrimitive { Value: string or char } ? $"{property.Name} = \"{property.Value.ToDisplayString()}\""
            : $"{property.Name} = {PipelineVariables.Display(property.Value)}";
        var o = new PsObject(["Microsoft.Management.Infrastructure.Internal.Data.CimPropertyOfInstance", "Microsoft.Management.Infrastructure.CimProperty", "System.Object"]) { ToStringValue = text };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(property.Name)));
        o.AdaptedProperties.Add(new PsProperty("Value", property.Value));
        o.AdaptedProperties.Add(new PsProperty("CimType", CimType(type.Type ?? "string", type.EmbeddedClass)));
        o.AdaptedProperties.Add(new PsProperty("Flags", Flags(key, modifiedKnown: true, isNull)));
        o.AdaptedProperties.Add(new PsProperty("IsValueModified", PsPrimitive.Boolean(false)));
        return o;
    }

    // CimFlags: Property, [Key,] ReadOnly, [NotModified (an instance's),] [NullValue]. ReadOnly for every property:
    // the emulator has no write qualifiers (UNVERIFIED for a writable one, which has it not).
    private static PsObject Flags(bool key, bool modifiedKnown, bool isNull)
    {
        var names = new List<string> { "Property" };
        var value = 4;
        if (key) { names.Add("Key"); value |= 4096; }
        names.Add("ReadOnly");
        value |= 2097152;
        if (modifiedKnown) { names.Add("NotModified"); value |= 33554432; }
        if (isNull) { names.Add("NullValue"); value |= 536870912; }
        return PsObjects.Enum("Microsoft.Management.Infrastructure.CimFlags", string.Join(", ", names), value);
    }

    // Microsoft.Management.Infrastructure.CimType: the scalar's number, its array's 16 more.
    private static PsObject CimType(string type, string? embeddedClass)
    {
        var isArray = type.EndsWith("[]", StringComparison.Ordinal);
        var scalar = embeddedClass is not null ? "instance" : isArray ? type[..^2] : type;
        var (name, number) = scalar switch
        {
            "boolean" => ("Boolean", 1),
            "uint8" => ("UInt8", 2),
            "sint8" => ("SInt8", 3),
            "uint16" => ("UInt16", 4),
            "sint16" => ("SInt16", 5),
            "uint32" => ("UInt32", 6),
            "sint32" => ("SInt32", 7),
            "uint64" => ("UInt64", 8),
            "sint64" => ("SInt64", 9),
            "real32" => ("Real32", 10),
            "real64" => ("Real64", 11),
            "char16" => ("Char16", 12),
            "datetime" => ("DateTime", 13),
            "instance" => ("Instance", 16),
            _ => ("String", 14),
        };
        return isArray ? PsObjects.Enum("Microsoft.Management.Infrastructure.CimType", name + "Array", number + 16) : PsObjects.Enum("Microsoft.Management.Infrastructure.CimType", name, number);
    }
}
