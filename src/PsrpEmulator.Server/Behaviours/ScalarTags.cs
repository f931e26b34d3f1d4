using System.Globalization;
using System.Xml;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The YAML tags a scenario value takes to be a CLIXML primitive other than a string, number or boolean, so that an
/// object's LastWriteTime is a DateTime as Windows serializes it (a Deserialized DateTime the client can format,
/// sort and compare), not text: YAML's own <c>!!timestamp</c> and <c>!!binary</c>, and local tags named as .NET and
/// PowerShell name the types (<c>!datetime</c>, <c>!timespan</c>, <c>!guid</c>, <c>!version</c>, <c>!long</c>...).
/// </summary>
internal static class ScalarTags
{
    private static readonly Dictionary<string, PsPrimitiveType> LocalTags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["datetime"] = PsPrimitiveType.DateTime,
        ["timespan"] = PsPrimitiveType.Duration,
        ["guid"] = PsPrimitiveType.Guid,
        ["version"] = PsPrimitiveType.Version,
        ["semver"] = PsPrimitiveType.SemanticVersion,
        ["semanticversion"] = PsPrimitiveType.SemanticVersion,
        ["uri"] = PsPrimitiveType.Uri,
        ["char"] = PsPrimitiveType.Char,
        ["byte"] = PsPrimitiveType.Byte,
        ["sbyte"] = PsPrimitiveType.SByte,
        ["int16"] = PsPrimitiveType.Int16,
        ["short"] = PsPrimitiveType.Int16,
        ["uint16"] = PsPrimitiveType.UInt16,
        ["ushort"] = PsPrimitiveType.UInt16,
        ["int32"] = PsPrimitiveType.Int32,
        ["int"] = PsPrimitiveType.Int32,
        ["uint32"] = PsPrimitiveType.UInt32,
        ["uint"] = PsPrimitiveType.UInt32,
        ["int64"] = PsPrimitiveType.Int64,
        ["long"] = PsPrimitiveType.Int64,
        ["uint64"] = PsPrimitiveType.UInt64,
        ["ulong"] = PsPrimitiveType.UInt64,
        ["single"] = PsPrimitiveType.Single,
        ["float"] = PsPrimitiveType.Single,
        ["double"] = PsPrimitiveType.Double,
        ["decimal"] = PsPrimitiveType.Decimal,
        ["bytes"] = PsPrimitiveType.ByteArray,
    };

    /// <summary>What the load error lists.</summary>
    public const string Supported =
        "!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!binary, or a type: !datetime, !timespan, !guid, !version, !semver, !uri, " +
        "!char, !byte, !sbyte, !int16, !uint16, !int32, !uint32, !int64 (!long), !uint64, !single, !double, !decimal, !bytes";

    /// <summary>The primitive type a tag names (YAML's timestamp and binary, or a local tag); false for any other tag.</summary>
    public static bool TryGetPrimitive(string tag, out PsPrimitiveType type)
    {
        switch (tag)
        {
            case "tag:yaml.org,2002:timestamp":
                type = PsPrimitiveType.DateTime;
                return true;
            case "tag:yaml.org,2002:binary":
                type = PsPrimitiveType.ByteArray;
                return true;
        }

        type = default;
        return tag.Length > 1 && tag[0] == '!' && tag[1] != '!' && LocalTags.TryGetValue(tag[1..], out type);
    }

    /// <summary>The text as that primitive, in the forms people write (and CLIXML's own); a scenario error otherwise.</summary>
    public static PsPrimitive Convert(string text, PsPrimitiveType type, string location)
    {
        var trimmed = text.Trim();
        var inv = CultureInfo.InvariantCulture;
        PsPrimitive? value = type switch
        {
            // Z is a Utc DateTime; a time without it the computer's local time (UTC), as most dates Windows gives are.
            PsPrimitiveType.DateTime => ParseDateTime(trimmed) is { } dt ? PsPrimitive.DateTime(dt, trimmed.EndsWith('Z') || trimmed.EndsWith('z') ? DateTimeKind.Utc : DateTimeKind.Local) : null,
            PsPrimitiveType.Duration => ParseTimeSpan(trimmed) is { } ts ? PsPrimitive.Duration(ts) : null,
            // A char is the character itself ("!char A"); its number only as CLIXML writes it is not what people mean.
            PsPrimitiveType.Char => text.Length == 1 ? PsPrimitive.Char(text[0]) : null,
            PsPrimitiveType.Guid => Guid.TryParse(trimmed, out var g) ? PsPrimitive.Guid(g) : null,
            PsPrimitiveType.Version => System.Version.TryParse(trimmed, out var v) ? PsPrimitive.Version(v.ToString()) : null,
            PsPrimitiveType.SemanticVersion => IsSemanticVersion(trimmed) ? PsPrimitive.SemanticVersion(trimmed) : null,
            PsPrimitiveType.Uri => Uri.TryCreate(trimmed, UriKind.RelativeOrAbsolute, out _) ? PsPrimitive.Uri(trimmed) : null,
            PsPrimitiveType.ByteArray => TryBase64(trimmed) is { } bytes ? PsPrimitive.ByteArray(bytes) : null,
            PsPrimitiveType.Single => float.TryParse(trimmed, NumberStyles.Float, inv, out var f) ? PsPrimitive.Single(f) : null,
            PsPrimitiveType.Double => double.TryParse(trimmed, NumberStyles.Float, inv, out var d) ? PsPrimitive.Double(d) : null,
            PsPrimitiveType.Decimal => decimal.TryParse(trimmed, NumberStyles.Float, inv, out var m) ? PsPrimitive.Decimal(m) : null,
            _ => ParseInteger(type, trimmed),
        };
        return value ?? throw new ScenarioRuntimeException($"{location}: value '{text}' is not a {Describe(type)}");
    }

    private static PsPrimitive? ParseInteger(PsPrimitiveType type, string text)
    {
        const NumberStyles Integer = NumberStyles.AllowLeadingSign;
        var inv = CultureInfo.InvariantCulture;
        if (type == PsPrimitiveType.UInt64)
            return ulong.TryParse(text, Integer, inv, out var big) ? PsPrimitive.UInt64(big) : null;
        if (!long.TryParse(text, Integer, inv, out var n)) return null;
        return type switch
        {
            PsPrimitiveType.Byte when n is >= byte.MinValue and <= byte.MaxValue => PsPrimitive.Byte((byte)n),
            PsPrimitiveType.SByte when n is >= sbyte.MinValue and <= sbyte.MaxValue => PsPrimitive.SByte((sbyte)n),
            PsPrimitiveType.Int16 when n is >= short.MinValue and <= short.MaxValue => PsPrimitive.Int16((short)n),
            PsPrimitiveType.UInt16 when n is >= ushort.MinValue and <= ushort.MaxValue => PsPrimitive.UInt16((ushort)n),
            PsPrimitiveType.Int32 when n is >= int.MinValue and <= int.MaxValue => PsPrimitive.Int32((int)n),
            PsPrimitiveType.UInt32 when n is >= uint.MinValue and <= uint.MaxValue => PsPrimitive.UInt32((uint)n),
            PsPrimitiveType.Int64 => PsPrimitive.Int64(n),
            _ => null,
        };
    }

    internal static DateTimeOffset? ParseDateTime(string text)
    {
        // xs:dateTime and YAML's timestamp forms (2026-01-12, 2026-01-12 09:35:00, ...T09:35:00Z, ...+01:00). A time
        // without a zone is UTC: the emulated computers keep UTC, as Get-Date on them does.
        const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-' || text.AsSpan(0, 4).ContainsAnyExceptInRange('0', '9'))
            return null; // an ISO date first (yyyy-mm-dd), never a culture's 12/14/2001
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Styles, out var value) ? value : null;
    }

    private static TimeSpan? ParseTimeSpan(string text)
    {
        // .NET's "c" form (1.02:03:04.5, 00:30:00) or xs:duration (PT30M), as CLIXML writes it.
        if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var value)) return value;
        if (!text.StartsWith('P') && !text.StartsWith("-P", StringComparison.Ordinal)) return null;
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool IsSemanticVersion(string text)
    {
        var core = text.AsSpan();
        var cut = core.IndexOfAny('-', '+');
        if (cut >= 0) core = core[..cut];
        var parts = 0;
        foreach (var range in core.Split('.'))
        {
            if (!int.TryParse(core[range], NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
            parts++;
        }

        return parts is >= 1 and <= 3 && (cut < 0 || cut < text.Length - 1);
    }

    private static byte[]? TryBase64(string text)
    {
        try
        {
            return System.Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Describe(PsPrimitiveType type) => type switch
    {
        PsPrimitiveType.DateTime => "date and time (2026-01-12T09:35:00Z, 2026-01-12 09:35:00, 2026-01-12)",
        PsPrimitiveType.Duration => "time span (1.02:03:04, 00:30:00 or PT30M)",
        PsPrimitiveType.Char => "single character",
        PsPrimitiveType.Guid => "GUID",
        PsPrimitiveType.Version => "version (major.minor[.build[.revision]])",
        PsPrimitiveType.SemanticVersion => "semantic version (1.2.3, 1.2.3-preview)",
        PsPrimitiveType.Uri => "URI",
        PsPrimitiveType.ByteArray => "base64 byte array",
        _ => $"{type} number",
    };
}
