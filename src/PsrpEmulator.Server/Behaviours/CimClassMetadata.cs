using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The <c>__ClassMetadata</c> note PowerShell's serializer gives each CimInstance it sends
/// (InternalSerializer.PrepareCimInstanceForSerialization): the instance's class and its superclasses, root first, each
/// with ClassName, Namespace, ServerName and Hash, and its schema (MiXml) only the first time the stream carries that
/// class. One of these lives per pipeline, as the server's serialization context does (one per command's Fragmentor):
/// a later instance of a class names it without MiXml, and a second client connecting to the pipeline gets the names
/// only, as on Windows (its deserializer then keeps the instance as a property bag). The cache forgets everything at
/// 100 classes (DeserializationContext.MaxItemsInCimClassCache).
/// </summary>
/// <remarks>
/// The schema is the class's properties and CIM types (<see cref="WmiSchema"/>; for a class it does not know, the
/// leaf's properties as the instance has them, typed by their values) with a key qualifier on the class's keys.
/// Windows's MiXml also carries the provider's class and property qualifiers (dynamic, provider, read, MaxLen...),
/// which the emulator has no source for: it leaves them out.
/// </remarks>
internal sealed class CimClassMetadata(string serverName, Func<string, string, IReadOnlyList<string>?> keysOf)
{
    /// <summary>The type name a CimInstance's class names are under (<c>...CimInstance#root/cimv2/Win32_BIOS</c>).</summary>
    public const string CimPrefix = "Microsoft.Management.Infrastructure.CimInstance#";
    private const int MaxClassesHeld = 100;

    private readonly HashSet<(string Namespace, string ClassName)> _held = new(ClassComparer.Instance);

    /// <summary>
    /// The instance as PowerShell's serializer sends it, with its <c>__ClassMetadata</c>; the value itself when it is no
    /// CimInstance (no namespace-qualified CimInstance type name).
    /// </summary>
    public PsValue ForWire(PsValue value)
    {
        if (value is not PsObject { TypeNames: { } typeNames } instance || Classes(typeNames) is not { Count: > 0 } classes) return value;
        var entries = new List<PsValue>();
        var newlyHeld = new List<(string, string)>();
        for (var i = 0; i < classes.Count; i++)
        {
            var (ns, className) = classes[i];
            var entry = new PsObject();
            entry.ExtendedProperties.Add(new PsProperty("ClassName", PsPrimitive.String(className)));
            entry.ExtendedProperties.Add(new PsProperty("Namespace", PsPrimitive.String(ns)));
            entry.ExtendedProperties.Add(new PsProperty("ServerName", PsPrimitive.String(serverName)));
            entry.ExtendedProperties.Add(new PsProperty("Hash", PsPrimitive.Int32(Hash(ns, className))));
            entries.Add(entry);
            // The deserializer has this class (and so its superclasses) already: its name is enough.
            if (_held.Contains((ns, className))) break;
            newlyHeld.Add((ns, className));
            var superclass = i + 1 < classes.Count ? classes[i + 1].ClassName : null;
            entry.ExtendedProperties.Add(new PsProperty("MiXml", PsPrimitive.String(MiXml(ns, className, superclass, leaf: i == 0 ? instance : null))));
        }

        entries.Reverse();
        foreach (var held in newlyHeld)
        {
            if (_held.Count >= MaxClassesHeld) _held.Clear();
            _held.Add(held);
        }

        var list = new PsObject(["System.Collections.ArrayList", "System.Object"]) { CollectionKind = PsCollectionKind.List };
        list.Items.AddRange(entries);
        var sent = instance.ShallowCopy();
        sent.ExtendedProperties.RemoveAll(p => p.Name.Equals("__ClassMetadata", StringComparison.OrdinalIgnoreCase));
        sent.ExtendedProperties.Add(new PsProperty("__ClassMetadata", list));
        return sent;
    }

    /// <summary>The (namespace, class) of each namespace-qualified CimInstance type name, the instance's class first.</summary>
    public static List<(string Namespace, string ClassName)> Classes(IReadOnlyList<string> typeNames)
    {
        var classes = new List<(string, string)>();
        foreach (var typeName in typeNames)
        {
            if (!typeName.StartsWith(CimPrefix, StringComparison.Ordinal)) continue;
            var path = typeName.AsSpan(CimPrefix.Length);
            var slash = path.LastIndexOf('/');
            if (slash <= 0 || slash == path.Length - 1) continue;
            classes.Add((path[..slash].ToString(), path[(slash + 1)..].ToString()));
        }

        return classes;
    }

    // CimClass.GetHashCode() is the native class's; any number the same for the same class does, and a fixed one keeps
    // recordings stable.
    private static int Hash(string ns, string className)
    {
        var hash = 2166136261u;
        foreach (var c in (ns + ":" + className).ToUpperInvariant())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    // MI's class XML (CimSerializer.Serialize(cimClass)): every property of the class, the inherited ones first, each
    // with its CIM type; an array a PROPERTY.ARRAY; an embedded instance a string with the EmbeddedInstance qualifier.
    private string MiXml(string ns, string className, string? superclass, PsObject? leaf)
    {
        var keys = keysOf(ns, className) ?? [];
        var xml = new StringBuilder("<CLASS NAME=\"").Append(className).Append('"');
        if (superclass is not null) xml.Append(" SUPERCLASS=\"").Append(superclass).Append('"');
        xml.Append('>');
        foreach (var (name, type, embedded) in PropertyTypes(className, leaf))
        {
            var isArray = type.EndsWith("[]", StringComparison.Ordinal);
            var element = isArray ? "PROPERTY.ARRAY" : "PROPERTY";
            xml.Append('<').Append(element).Append(" NAME=\"").Append(name).Append("\" TYPE=\"").Append(isArray ? type[..^2] : type).Append("\">");
            if (keys.Contains(name, StringComparer.OrdinalIgnoreCase)) xml.Append("<QUALIFIER NAME=\"key\" TYPE=\"boolean\" OVERRIDABLE=\"false\"><VALUE>true</VALUE></QUALIFIER>");
            if (embedded is not null) xml.Append("<QUALIFIER NAME=\"EmbeddedInstance\" TYPE=\"string\"><VALUE>").Append(embedded).Append("</VALUE></QUALIFIER>");
            xml.Append("</").Append(element).Append('>');
        }

        return xml.Append("</CLASS>").ToString();
    }

    /// <summary>
    /// The class's properties and their CIM types ("uint32", "string[]"), the inherited first: the schema's; for a class
    /// it does not know, the instance's (<paramref name="leaf"/>'s; a superclass's none); a type the schema leaves out
    /// read from the value. An embedded instance is a string naming its class.
    /// </summary>
    public static IEnumerable<(string Name, string Type, string? EmbeddedClass)> PropertyTypes(string className, PsObject? leaf)
    {
        if (WmiSchema.Properties(className) is { } declared)
        {
            foreach (var name in WmiSchema.CimOrder(className, declared, n => n))
            {
                var type = WmiSchema.CimType(className, name) ?? (WmiSchema.Origin(className, name) is { } origin ? WmiSchema.CimType(origin, name) : null);
                yield return type is not null ? (name, type, null) : ValueType(name, leaf?.AdaptedProperties.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value);
            }

            yield break;
        }

        if (leaf is null) yield break;
        foreach (var property in leaf.AdaptedProperties)
        {
            if (property.Name.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase) || CimInstanceMembers.IsMember(property.Name)) continue;
            yield return ValueType(property.Name, property.Value);
        }
    }

    // The CIM type a value has on the wire; null (and what it cannot tell) a string.
    private static (string Name, string Type, string? EmbeddedClass) ValueType(string name, PsValue? value)
    {
        // An array's type is its first item's (CIM has no arrays of arrays: an array in an array is a string's).
        if (value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable, Items: var items })
        {
            var (_, itemType, embedded) = items.FirstOrDefault() is PsObject { CollectionKind: not PsCollectionKind.None } ? (name, "string", null) : ValueType(name, items.FirstOrDefault());
            return (name, itemType + "[]", embedded);
        }

        if (value is PsObject { TypeNames: { } typeNames } && Classes(typeNames) is [var (_, embeddedClass), ..]) return (name, "string", embeddedClass);
        var type = value is PsPrimitive primitive ? primitive.Type switch
        {
            PsPrimitiveType.Boolean => "boolean",
            PsPrimitiveType.Char => "char16",
            PsPrimitiveType.DateTime or PsPrimitiveType.Duration => "datetime",
            PsPrimitiveType.Byte => "uint8",
            PsPrimitiveType.SByte => "sint8",
            PsPrimitiveType.UInt16 => "uint16",
            PsPrimitiveType.Int16 => "sint16",
            PsPrimitiveType.UInt32 => "uint32",
            PsPrimitiveType.Int32 => "sint32",
            PsPrimitiveType.UInt64 => "uint64",
            PsPrimitiveType.Int64 => "sint64",
            PsPrimitiveType.Single => "real32",
            PsPrimitiveType.Double => "real64",
            PsPrimitiveType.ByteArray => "uint8[]",
            _ => "string",
        } : "string";
        return (name, type, null);
    }

    private sealed class ClassComparer : IEqualityComparer<(string Namespace, string ClassName)>
    {
        public static readonly ClassComparer Instance = new();

        public bool Equals((string Namespace, string ClassName) x, (string Namespace, string ClassName) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Namespace, y.Namespace) && StringComparer.OrdinalIgnoreCase.Equals(x.ClassName, y.ClassName);

        public int GetHashCode((string Namespace, string ClassName) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Namespace), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.ClassName));
    }
}
