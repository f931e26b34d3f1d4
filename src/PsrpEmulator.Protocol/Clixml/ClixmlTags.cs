using System.Globalization;
using System.Xml;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>Element names of CLIXML (MS-PSRP 2.2.5) and the text form of primitive values.</summary>
internal static class ClixmlTags
{
    public const string Obj = "Obj";
    public const string Ref = "Ref";
    public const string Nil = "Nil";
    public const string Objs = "Objs";
    public const string TN = "TN";
    public const string TNRef = "TNRef";
    public const string T = "T";
    public const string ToStringTag = "ToString";
    public const string Props = "Props";
    public const string MS = "MS";
    public const string LST = "LST";
    public const string IE = "IE";
    public const string STK = "STK";
    public const string QUE = "QUE";
    public const string DCT = "DCT";
    public const string En = "En";
    public const string RefIdAttr = "RefId";
    public const string NameAttr = "N";
    public const string KeyName = "Key";
    public const string ValueName = "Value";

    private static readonly string[] PrimitiveTags =
    [
        "S", "C", "B", "DT", "TS", "By", "SB", "U16", "I16", "U32", "I32", "U64", "I64", "Sg", "Db", "D", "BA", "G",
        "URI", "Version", "SemanticVersion", "XD", "SBK", "SS",
    ];

    private static readonly Dictionary<string, PsPrimitiveType> ByTag = CreateByTag();

    private static Dictionary<string, PsPrimitiveType> CreateByTag()
    {
        var d = new Dictionary<string, PsPrimitiveType>(StringComparer.Ordinal);
        for (var i = 0; i < PrimitiveTags.Length; i++) d.Add(PrimitiveTags[i], (PsPrimitiveType)i);
        return d;
    }

    public static string TagOf(PsPrimitiveType type)
    {
        var i = (int)type;
        if ((uint)i >= (uint)PrimitiveTags.Length) throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown primitive type.");
        return PrimitiveTags[i];
    }

    public static bool TryGetPrimitive(string tag, out PsPrimitiveType type) => ByTag.TryGetValue(tag, out type);

    public static string CollectionTag(PsCollectionKind kind) => kind switch
    {
        PsCollectionKind.List => LST,
        PsCollectionKind.Enumerable => IE,
        PsCollectionKind.Stack => STK,
        PsCollectionKind.Queue => QUE,
        PsCollectionKind.Dictionary => DCT,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryGetCollection(string tag, out PsCollectionKind kind)
    {
        kind = tag switch
        {
            LST => PsCollectionKind.List,
            IE => PsCollectionKind.Enumerable,
            STK => PsCollectionKind.Stack,
            QUE => PsCollectionKind.Queue,
            DCT => PsCollectionKind.Dictionary,
            _ => PsCollectionKind.None,
        };
        return kind != PsCollectionKind.None;
    }

    /// <summary>The element text of a primitive (already <c>_xHHHH_</c>-escaped where the type is a string).</summary>
    public static string Format(PsPrimitive p)
    {
        var inv = CultureInfo.InvariantCulture;
        var v = p.Value;
        try
        {
            return p.Type switch
            {
                PsPrimitiveType.Char => ((int)Convert.ToChar(v, inv)).ToString(inv),
                PsPrimitiveType.Boolean => Convert.ToBoolean(v, inv) ? "true" : "false",
                PsPrimitiveType.DateTime => FormatDateTime(v, p.DateKind),
                PsPrimitiveType.Duration => XmlConvert.ToString(v is TimeSpan ts ? ts : throw Mismatch(p)),
                PsPrimitiveType.Byte => Convert.ToByte(v, inv).ToString(inv),
                PsPrimitiveType.SByte => Convert.ToSByte(v, inv).ToString(inv),
                PsPrimitiveType.UInt16 => Convert.ToUInt16(v, inv).ToString(inv),
                PsPrimitiveType.Int16 => Convert.ToInt16(v, inv).ToString(inv),
                PsPrimitiveType.UInt32 => Convert.ToUInt32(v, inv).ToString(inv),
                PsPrimitiveType.Int32 => Convert.ToInt32(v, inv).ToString(inv),
                PsPrimitiveType.UInt64 => Convert.ToUInt64(v, inv).ToString(inv),
                PsPrimitiveType.Int64 => Convert.ToInt64(v, inv).ToString(inv),
                PsPrimitiveType.Single => XmlConvert.ToString(Convert.ToSingle(v, inv)),
                PsPrimitiveType.Double => XmlConvert.ToString(Convert.ToDouble(v, inv)),
                PsPrimitiveType.Decimal => XmlConvert.ToString(Convert.ToDecimal(v, inv)),
                PsPrimitiveType.ByteArray => Convert.ToBase64String(v as byte[] ?? throw Mismatch(p)),
                PsPrimitiveType.Guid => (v is Guid g ? g : throw Mismatch(p)).ToString("D"),
                PsPrimitiveType.String or PsPrimitiveType.Uri or PsPrimitiveType.Version or PsPrimitiveType.SemanticVersion
                    or PsPrimitiveType.XmlDocument or PsPrimitiveType.ScriptBlock or PsPrimitiveType.SecureString
                    => ClixmlString.Encode(Convert.ToString(v, inv) ?? string.Empty),
                _ => throw new ArgumentOutOfRangeException(nameof(p), p.Type, "Unknown primitive type."),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"Value of type {v.GetType()} cannot be written as {p.Type}.", nameof(p), ex);
        }
    }

    private static ArgumentException Mismatch(PsPrimitive p)
        => new($"Value of type {p.Value.GetType()} cannot be written as {p.Type}.", nameof(p));

    private static string FormatDateTime(object v, DateTimeKind kind)
    {
        const string Body = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff";
        var inv = CultureInfo.InvariantCulture;
        switch (v)
        {
            // As XmlConvert RoundtripKind writes the DateTime the value stands for.
            case DateTimeOffset dto:
                return kind switch
                {
                    DateTimeKind.Utc => dto.UtcDateTime.ToString(Body + "'Z'", inv),
                    DateTimeKind.Local => dto.ToString(Body + "zzz", inv),
                    _ => dto.DateTime.ToString(Body, inv),
                };
            case DateTime dt:
                // As XmlConvert RoundtripKind: Utc → Z, Local → offset, Unspecified → no zone.
                return dt.Kind switch
                {
                    DateTimeKind.Utc => dt.ToString(Body + "'Z'", inv),
                    DateTimeKind.Local => new DateTimeOffset(dt).ToString(Body + "zzz", inv),
                    _ => dt.ToString(Body, inv),
                };
            default:
                throw new InvalidCastException();
        }
    }

    /// <summary>Parses element text into a primitive; throws <see cref="ClixmlException"/> (InvalidPrimitiveValue).</summary>
    public static PsPrimitive Parse(PsPrimitiveType type, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        const NumberStyles Int = NumberStyles.Integer;
        var dateKind = DateTimeKind.Local;
        try
        {
            object value = type switch
            {
                PsPrimitiveType.Char => (char)ushort.Parse(text, Int, inv),
                PsPrimitiveType.Boolean => XmlConvert.ToBoolean(text),
                PsPrimitiveType.DateTime => ParseDateTime(text, out dateKind),
                PsPrimitiveType.Duration => XmlConvert.ToTimeSpan(text),
                PsPrimitiveType.Byte => byte.Parse(text, Int, inv),
                PsPrimitiveType.SByte => sbyte.Parse(text, Int, inv),
                PsPrimitiveType.UInt16 => ushort.Parse(text, Int, inv),
                PsPrimitiveType.Int16 => short.Parse(text, Int, inv),
                PsPrimitiveType.UInt32 => uint.Parse(text, Int, inv),
                PsPrimitiveType.Int32 => int.Parse(text, Int, inv),
                PsPrimitiveType.UInt64 => ulong.Parse(text, Int, inv),
                PsPrimitiveType.Int64 => long.Parse(text, Int, inv),
                PsPrimitiveType.Single => XmlConvert.ToSingle(text),
                PsPrimitiveType.Double => XmlConvert.ToDouble(text),
                PsPrimitiveType.Decimal => XmlConvert.ToDecimal(text),
                PsPrimitiveType.ByteArray => Convert.FromBase64String(text),
                PsPrimitiveType.Guid => Guid.Parse(text.Trim()),
                _ => ClixmlString.Decode(text),
            };
            return type == PsPrimitiveType.DateTime ? PsPrimitive.DateTime((DateTimeOffset)value, dateKind) : new PsPrimitive(type, value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new ClixmlException(ClixmlError.InvalidPrimitiveValue,
                $"'{Truncate(text)}' is not a valid {TagOf(type)} value.", ex);
        }
    }

    private static DateTimeOffset ParseDateTime(string text, out DateTimeKind kind)
    {
        // Strict xs:dateTime: Z is a Utc DateTime, an offset a Local one, no zone an Unspecified one (its time taken as UTC's).
        var dt = XmlConvert.ToDateTime(text, XmlDateTimeSerializationMode.RoundtripKind);
        kind = dt.Kind;
        return dt.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(dt, TimeSpan.Zero) : XmlConvert.ToDateTimeOffset(text);
    }

    internal static string Truncate(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "…");
}
