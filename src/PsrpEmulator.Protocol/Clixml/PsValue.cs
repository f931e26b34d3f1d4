namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// A CLIXML value as data. Nothing named on the wire is ever instantiated as a CLR type: a
/// deserialized object is a <see cref="PsObject"/> carrying its type names as strings.
/// </summary>
public abstract class PsValue
{
    /// <summary>The string PowerShell would show for this value (ToString for objects, invariant text for primitives).</summary>
    public abstract string ToDisplayString();
}

/// <summary>CLIXML <c>&lt;Nil /&gt;</c>.</summary>
public sealed class PsNil : PsValue
{
    public static readonly PsNil Instance = new();

    /// <summary>
    /// PowerShell's AutomationNull: what a pipeline that wrote nothing gives (<c>$x = &amp; {}</c>). It is $null to
    /// every test, and nil on the wire, but is never itself written to a pipeline, so <c>@($x)</c> is empty.
    /// </summary>
    public static readonly PsNil AutomationNull = new();
    private PsNil() { }
    public override string ToDisplayString() => string.Empty;
}

/// <summary>The primitive CLIXML tags (MS-PSRP 2.2.5.1).</summary>
public enum PsPrimitiveType
{
    String,          // S        string
    Char,            // C        char
    Boolean,         // B        bool
    DateTime,        // DT       DateTimeOffset
    Duration,        // TS       TimeSpan
    Byte,            // By       byte
    SByte,           // SB       sbyte
    UInt16,          // U16      ushort
    Int16,           // I16      short
    UInt32,          // U32      uint
    Int32,           // I32      int
    UInt64,          // U64      ulong
    Int64,           // I64      long
    Single,          // Sg       float
    Double,          // Db       double
    Decimal,         // D        decimal
    ByteArray,       // BA       byte[]
    Guid,            // G        Guid
    Uri,             // URI      string
    Version,         // Version  string
    SemanticVersion, // SemanticVersion string
    XmlDocument,     // XD       string
    ScriptBlock,     // SBK      string
    SecureString,    // SS       string (base64 text as on the wire)
}

/// <summary>A primitive value; <see cref="Value"/> has the CLR type listed beside each <see cref="PsPrimitiveType"/>.</summary>
public sealed class PsPrimitive : PsValue
{
    public PsPrimitive(PsPrimitiveType type, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Type = type;
        Value = value;
    }

    public PsPrimitiveType Type { get; }
    public object Value { get; }

    /// <summary>
    /// A DateTime's Kind, which decides the zone its DT text carries (Local: the offset; Utc: Z; Unspecified: none) and
    /// so what a PowerShell client turns it into. Local is what most dates a Windows computer gives are (Get-Date, file
    /// and event times); Utc is UtcNow's and ToUniversalTime's; Unspecified a parsed text's without a zone. Not part of
    /// equality, as DateTime.Equals ignores it.
    /// </summary>
    public DateTimeKind DateKind { get; private init; } = DateTimeKind.Local;

    public static PsPrimitive String(string value) => new(PsPrimitiveType.String, value);
    public static PsPrimitive Boolean(bool value) => new(PsPrimitiveType.Boolean, value);
    public static PsPrimitive Int32(int value) => new(PsPrimitiveType.Int32, value);
    public static PsPrimitive Int64(long value) => new(PsPrimitiveType.Int64, value);
    public static PsPrimitive UInt32(uint value) => new(PsPrimitiveType.UInt32, value);
    public static PsPrimitive Double(double value) => new(PsPrimitiveType.Double, value);
    public static PsPrimitive Version(string value) => new(PsPrimitiveType.Version, value);
    public static PsPrimitive Guid(Guid value) => new(PsPrimitiveType.Guid, value);
    public static PsPrimitive DateTime(DateTimeOffset value) => new(PsPrimitiveType.DateTime, value);
    public static PsPrimitive DateTime(DateTimeOffset value, DateTimeKind kind) => new(PsPrimitiveType.DateTime, value) { DateKind = kind };
    public static PsPrimitive ByteArray(byte[] value) => new(PsPrimitiveType.ByteArray, value);
    public static PsPrimitive Char(char value) => new(PsPrimitiveType.Char, value);
    // Immutable, so the 256 bytes are made once: a script's byte[] of 512 KB is a list of references to them.
    private static readonly PsPrimitive[] Bytes = [.. Enumerable.Range(0, 256).Select(b => new PsPrimitive(PsPrimitiveType.Byte, (byte)b))];

    public static PsPrimitive Byte(byte value) => Bytes[value];
    public static PsPrimitive SByte(sbyte value) => new(PsPrimitiveType.SByte, value);
    public static PsPrimitive UInt16(ushort value) => new(PsPrimitiveType.UInt16, value);
    public static PsPrimitive Int16(short value) => new(PsPrimitiveType.Int16, value);
    public static PsPrimitive UInt64(ulong value) => new(PsPrimitiveType.UInt64, value);
    public static PsPrimitive Single(float value) => new(PsPrimitiveType.Single, value);
    public static PsPrimitive Decimal(decimal value) => new(PsPrimitiveType.Decimal, value);
    public static PsPrimitive Duration(TimeSpan value) => new(PsPrimitiveType.Duration, value);
    public static PsPrimitive Uri(string value) => new(PsPrimitiveType.Uri, value);
    public static PsPrimitive SemanticVersion(string value) => new(PsPrimitiveType.SemanticVersion, value);
    public static PsPrimitive XmlDocument(string value) => new(PsPrimitiveType.XmlDocument, value);
    public static PsPrimitive ScriptBlock(string value) => new(PsPrimitiveType.ScriptBlock, value);
    public static PsPrimitive SecureString(string base64) => new(PsPrimitiveType.SecureString, base64);

    public override string ToDisplayString() => Value switch
    {
        bool b => b ? "True" : "False",
        byte[] bytes => Convert.ToBase64String(bytes),
        // PowerShell's text of a DateTime ("$date", [string]$date): the invariant culture's, without a zone.
        DateTimeOffset date => date.DateTime.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    public override bool Equals(object? obj) => obj is PsPrimitive other && other.Type == Type &&
        (Value is byte[] a && other.Value is byte[] b ? a.AsSpan().SequenceEqual(b) : Equals(Value, other.Value));

    public override int GetHashCode() => HashCode.Combine(Type, Value is byte[] ? 0 : Value.GetHashCode());
}

/// <summary>How an object's contents are serialized: the container tag inside <c>&lt;Obj&gt;</c>.</summary>
public enum PsCollectionKind
{
    None,
    List,        // LST
    Enumerable,  // IE
    Stack,       // STK
    Queue,       // QUE
    Dictionary,  // DCT
}

/// <summary>A named property (adapted <c>Props</c> or extended <c>MS</c>).</summary>
public sealed record PsProperty(string Name, PsValue Value);

/// <summary>
/// A complex object (<c>&lt;Obj&gt;</c>): type names, ToString, an optional primitive base value (enums, wrapped
/// primitives), adapted and extended properties, and collection items or dictionary entries.
/// </summary>
public sealed class PsObject : PsValue
{
    public PsObject() { }

    public PsObject(IEnumerable<string>? typeNames) => TypeNames = typeNames?.ToArray();

    /// <summary>Most derived first, as in <c>&lt;TN&gt;</c>; null when the object has no TN.</summary>
    public IReadOnlyList<string>? TypeNames { get; set; }

    /// <summary><c>&lt;ToString&gt;</c>; null when absent (PSCustomObject and property bags).</summary>
    public string? ToStringValue { get; set; }

    /// <summary>A primitive element directly inside Obj (an enum's <c>&lt;I32&gt;</c>, a wrapped string).</summary>
    public PsPrimitive? BaseValue { get; set; }

    /// <summary><c>&lt;Props&gt;</c>.</summary>
    public List<PsProperty> AdaptedProperties { get; } = [];

    /// <summary><c>&lt;MS&gt;</c>.</summary>
    public List<PsProperty> ExtendedProperties { get; } = [];

    public PsCollectionKind CollectionKind { get; set; }

    /// <summary>Items of LST/IE/STK/QUE.</summary>
    public List<PsValue> Items { get; } = [];

    /// <summary>Entries of DCT (key, value), in wire order.</summary>
    public List<KeyValuePair<PsValue, PsValue>> Entries { get; } = [];

    /// <summary>A new object with the same type names, text, base value, properties, items and entries (the values themselves shared).</summary>
    public PsObject ShallowCopy()
    {
        var copy = new PsObject(TypeNames) { ToStringValue = ToStringValue, BaseValue = BaseValue, CollectionKind = CollectionKind };
        copy.AdaptedProperties.AddRange(AdaptedProperties);
        copy.ExtendedProperties.AddRange(ExtendedProperties);
        copy.Items.AddRange(Items);
        copy.Entries.AddRange(Entries);
        return copy;
    }

    /// <summary>Looks a property up by name (extended first, then adapted), ordinal-ignore-case as PowerShell does.</summary>
    public PsValue? this[string name]
    {
        get
        {
            foreach (var p in ExtendedProperties)
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
            }

            foreach (var p in AdaptedProperties)
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
            }

            return null;
        }
    }

    /// <summary>Adds (or replaces) an extended property and returns this object, for building.</summary>
    public PsObject With(string name, PsValue value)
    {
        // A loop, not FindIndex: a lambda capturing name cost a closure and a delegate per property (messages are
        // built property by property, dozens per round trip).
        var properties = ExtendedProperties;
        for (var i = 0; i < properties.Count; i++)
        {
            if (string.Equals(properties[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                properties[i] = new PsProperty(name, value);
                return this;
            }
        }

        properties.Add(new PsProperty(name, value));
        return this;
    }

    public PsObject With(string name, string? value) => With(name, value is null ? PsNil.Instance : PsPrimitive.String(value));
    public PsObject With(string name, int value) => With(name, PsPrimitive.Int32(value));
    public PsObject With(string name, bool value) => With(name, PsPrimitive.Boolean(value));

    public override string ToDisplayString() => ToStringValue ?? BaseValue?.ToDisplayString() ?? string.Empty;
}
