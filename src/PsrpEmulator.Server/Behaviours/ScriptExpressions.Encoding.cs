using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>[Convert]</c>'s and <c>[Text.Encoding]</c>'s members scripts use to encode text (an -EncodedCommand, a payload):
/// <c>[Convert]::ToBase64String / FromBase64String</c>, <c>ToInt32(text, base)</c> and <c>ToString(number, base)</c>;
/// <c>[Text.Encoding]::UTF8</c>, <c>Unicode</c>, <c>BigEndianUnicode</c>, <c>UTF32</c>, <c>ASCII</c> with
/// <c>GetBytes</c> and <c>GetString</c>. Bytes are a <c>byte[]</c>, as .NET gives them; .NET's errors are the methods'.
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string ConvertTypeName = "System.Convert";
    internal const string EncodingTypeName = "System.Text.Encoding";

    private static readonly string[] ByteArrayTypeNames = ["System.Byte[]", "System.Array", "System.Object"];

    private static PsValue? ConvertStaticMember(string name, IReadOnlyList<PsValue>? arguments)
    {
        var count = arguments?.Count ?? -1;
        var method = name switch
        {
            "TOBASE64STRING" => "ToBase64String",
            "FROMBASE64STRING" => "FromBase64String",
            "TOINT32" => "ToInt32",
            "TOSTRING" => "ToString",
            "TOBOOLEAN" => "ToBoolean",
            "TOINT64" => "ToInt64",
            "TODOUBLE" => "ToDouble",
            "TOBYTE" => "ToByte",
            _ => name,
        };
        try
        {
            return (name, count) switch
            {
                ("TOBASE64STRING", 1) => PsPrimitive.String(Convert.ToBase64String(Bytes(arguments![0]))),
                ("FROMBASE64STRING", 1) => ByteList(Convert.FromBase64String(Text(arguments![0]))),
                ("TOINT32", 2) => PsPrimitive.Int32(Convert.ToInt32(Text(arguments![0]), (int)(AsNumber(arguments[1]) ?? 10))),
                ("TOINT32", 1) => Cast(arguments![0], ResolveType("int")!),
                ("TOSTRING", 2) when AsNumber(arguments![0]) is { } number => PsPrimitive.String(Convert.ToString((long)number, (int)(AsNumber(arguments[1]) ?? 10))),
                // Convert's own rules, not PowerShell's casts: text is bool.Parse's ("True"/"False") or the number's
                // invariant parse; a number rounds half to even.
                ("TOSTRING", 1) => PsPrimitive.String(IsNull(arguments![0]) ? string.Empty : Text(arguments[0])),
                ("TOBOOLEAN", 1) => PsPrimitive.Boolean(arguments![0] is PsPrimitive { Value: string flag } ? bool.Parse(flag.Trim()) : IsNull(arguments[0]) ? false : AsNumber(arguments[0]) is { } nonzero ? nonzero != 0 : IsTrue(arguments[0])),
                ("TOINT64", 1) => PsPrimitive.Int64(arguments![0] is PsPrimitive { Value: string longText } ? long.Parse(longText, NumberStyles.Integer, CultureInfo.InvariantCulture) : IsNull(arguments[0]) ? 0 : checked((long)Math.Round(AsNumber(arguments[0]) ?? throw new InvalidCastException(), MidpointRounding.ToEven))),
                ("TOBYTE", 1) => PsPrimitive.Byte(arguments![0] is PsPrimitive { Value: string byteText } ? byte.Parse(byteText, NumberStyles.Integer, CultureInfo.InvariantCulture) : IsNull(arguments[0]) ? (byte)0 : checked((byte)Math.Round(AsNumber(arguments[0]) ?? throw new InvalidCastException(), MidpointRounding.ToEven))),
                ("TODOUBLE", 1) => PsPrimitive.Double(arguments![0] is PsPrimitive { Value: string doubleText } ? double.Parse(doubleText, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : IsNull(arguments[0]) ? 0 : AsNumber(arguments[0]) ?? throw new InvalidCastException()),
                _ => null,
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            // .NET Framework's texts for the common ones.
            var framework = e switch
            {
                FormatException when name == "TOBOOLEAN" => new FormatException("String was not recognized as a valid Boolean."),
                FormatException when name is "TOINT64" or "TOBYTE" or "TODOUBLE" => new FormatException("Input string was not in a correct format."),
                OverflowException when name == "TOBYTE" => new OverflowException("Value was either too large or too small for an unsigned byte."),
                OverflowException when name == "TOINT64" => new OverflowException("Value was either too large or too small for an Int64."),
                FormatException when name == "FROMBASE64STRING" => new FormatException("The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. "),
                FormatException => new FormatException("Could not find any recognizable digits."),
                ArgumentException when e is not ArgumentOutOfRangeException && name is "TOINT32" or "TOSTRING" => new ArgumentException("Invalid Base."),
                _ => e,
            };
            throw MethodError(method, count, framework);
        }
    }

    private static PsValue? EncodingStaticMember(string name, IReadOnlyList<PsValue>? arguments) => (name, arguments?.Count ?? -1) switch
    {
        ("UTF8", -1) => EncodingObject("System.Text.UTF8Encoding", 65001, "utf-8", "Unicode (UTF-8)"),
        ("UNICODE", -1) => EncodingObject("System.Text.UnicodeEncoding", 1200, "utf-16", "Unicode"),
        ("BIGENDIANUNICODE", -1) => EncodingObject("System.Text.UnicodeEncoding", 1201, "utf-16BE", "Unicode (Big-Endian)"),
        ("UTF32", -1) => EncodingObject("System.Text.UTF32Encoding", 12000, "utf-32", "Unicode (UTF-32)"),
        ("ASCII", -1) => EncodingObject("System.Text.ASCIIEncoding", 20127, "us-ascii", "US-ASCII"),
        _ => null,
    };

    /// <summary>The concrete encodings scripts construct (<c>New-Object System.Text.UTF8Encoding $false</c>, <c>[Text.UTF8Encoding]::new()</c>).</summary>
    internal static readonly string[] ConstructedEncodingTypeNames = ["System.Text.UTF8Encoding", "System.Text.UnicodeEncoding", "System.Text.ASCIIEncoding", "System.Text.UTF32Encoding"];

    /// <summary>
    /// A new encoding of one of <see cref="ConstructedEncodingTypeNames"/> (its constructor's flags, a BOM or big-endian
    /// bytes, are not kept: UnicodeEncoding's first argument true is UTF-16BE); null for another type or argument count.
    /// </summary>
    internal static PsValue? NewEncoding(string typeFullName, IReadOnlyList<PsValue> arguments)
    {
        var made = (typeFullName, arguments.Count) switch
        {
            ("System.Text.UTF8Encoding", <= 2) => EncodingStaticMember("UTF8", null),
            ("System.Text.UnicodeEncoding", 0) => EncodingStaticMember("UNICODE", null),
            ("System.Text.UnicodeEncoding", 2 or 3) => EncodingStaticMember(IsTrue(arguments[0]) ? "BIGENDIANUNICODE" : "UNICODE", null),
            ("System.Text.UTF32Encoding", 0 or 2 or 3) => EncodingStaticMember("UTF32", null),
            ("System.Text.ASCIIEncoding", 0) => EncodingStaticMember("ASCII", null),
            _ => null,
        };

        // Its byte order mark, as the constructor says: UTF8Encoding() and UTF8Encoding($false) write none (the
        // "UTF-8 without BOM" scripts make so), UnicodeEncoding and UTF32Encoding one unless their second flag is false.
        var preamble = typeFullName switch
        {
            "System.Text.UTF8Encoding" => arguments.Count > 0 && IsTrue(arguments[0]),
            "System.Text.UnicodeEncoding" or "System.Text.UTF32Encoding" => arguments.Count < 2 || IsTrue(arguments[1]),
            _ => false,
        };
        if (made is PsObject encoding && !preamble) WithoutPreamble.AddOrUpdate(encoding, new object());
        return made;
    }

    // The encodings made without a byte order mark (a file written with one starts with none).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, object> WithoutPreamble = [];

    /// <summary>Whether an encoding object writes its byte order mark (the static ones do; a constructed one as it was made).</summary>
    internal static bool WritesPreamble(PsValue encoding) => encoding is not PsObject o || !WithoutPreamble.TryGetValue(o, out _);

    /// <summary>
    /// The OEM code page 437's Encoding, as a remote session's <c>[Console]::OutputEncoding</c> is (UNVERIFIED: its .NET
    /// Framework type name); it is no UTF-8, so <c>-eq [Text.Encoding]::UTF8</c> is false.
    /// </summary>
    internal static PsValue OemEncodingObject() => EncodingObject("System.Text.SBCSCodePageEncoding", 437, "IBM437", "OEM United States");

    private static PsObject EncodingObject(string typeName, int codePage, string webName, string encodingName) =>
        new PsObject([typeName, EncodingTypeName, "System.Object"]) { ToStringValue = typeName }
            .With("BodyName", webName)
            .With("EncodingName", encodingName)
            .With("WebName", webName)
            .With("CodePage", codePage)
            .With("IsSingleByte", codePage is 20127 or 437);

    /// <summary>An encoding object's GetBytes(text) / GetString(bytes); null for another method.</summary>
    private static PsValue? EncodingMethod(PsObject encoding, string name, IReadOnlyList<PsValue> arguments)
    {
        if (encoding["CodePage"] is not PsPrimitive { Value: int codePage } || arguments.Count != 1) return null;
        var dotnet = codePage switch
        {
            65001 => new UTF8Encoding(false),
            1200 => new UnicodeEncoding(false, false),
            1201 => new UnicodeEncoding(true, false),
            12000 => new UTF32Encoding(false, false),
            437 => PsrpEmulator.Protocol.WsMan.WinRsCodePages.TryGet(437) ?? Encoding.Latin1,
            _ => (Encoding)Encoding.ASCII,
        };
        return name.ToUpperInvariant() switch
        {
            "GETBYTES" => ByteList(dotnet.GetBytes(Text(arguments[0]))),
            "GETSTRING" => PsPrimitive.String(dotnet.GetString(Bytes(arguments[0]))),
            _ => null,
        };
    }

    /// <summary>The bytes of a byte[] as the session holds one (a list of bytes typed System.Byte[], or CLIXML's BA); null for another value.</summary>
    internal static byte[]? ByteArrayOf(PsValue? value) => value switch
    {
        PsPrimitive { Value: byte[] raw } => raw,
        PsObject { CollectionKind: PsCollectionKind.List, TypeNames: ["System.Byte[]", ..] } list when list.Items.TrueForAll(i => i is PsPrimitive { Value: byte }) =>
            [.. list.Items.Select(i => (byte)((PsPrimitive)i).Value!)],
        _ => null,
    };

    // A value as bytes: a byte[] (or any list of numbers 0-255), a CLIXML byte array; another value is .NET's cast error.
    private static byte[] Bytes(PsValue value)
    {
        if (value is PsPrimitive { Value: byte[] raw }) return raw;
        var items = Enumerate(value).ToList();
        if (items.Count > MaxByteArrayItems) throw TooLarge();
        var bytes = new byte[items.Count];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = AsNumber(items[i]) is { } n && n is >= 0 and <= 255 && n == Math.Floor(n)
                ? (byte)n
                : throw new ScriptExpressionException(new ScriptedError(
                    $"Cannot convert value \"{Text(items[i])}\" to type \"System.Byte\". Error: \"Value was either too large or too small for an unsigned byte.\"",
                    "InvalidCastIConvertible", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
        }

        return bytes;
    }

    /// <summary>A byte[] as scripts hold one (a list of bytes; at most <see cref="MaxCollectionItems"/>).</summary>
    internal static PsObject ByteArray(byte[] bytes) => ByteList(bytes);

    /// <summary>
    /// A value the client sent (an argument, a <c>$using:</c> value, input) as PowerShell's deserializer leaves it on the
    /// server (InternalDeserializer.ReadPSObject): every object's type names get "Deserialized." before them, at every
    /// depth, so a PSCustomObject is a <c>Deserialized.System.Management.Automation.PSCustomObject</c> (the name
    /// PowerShell's conversion errors show) and an array a <c>Deserialized.System.Object[]</c> over an ArrayList (see
    /// <see cref="DeserializedRuntimeType"/>). A byte[], which CLIXML carries as BA, is an array of bytes
    /// (<c>$b.Length</c>, <c>$b[0]</c>); a script block is its text. Left as they came: primitives, a primitive with notes (its type is its base
    /// value's), and the types PowerShell's type table rehydrates into live objects (<see cref="RehydratedTypeNames"/>).
    /// A primitive is the same object; an object is always a copy.
    /// </summary>
    internal static PsValue FromClient(PsValue value) =>
        FromClient(value, 0, value is PsObject o && HoldsObjects(o) ? new Dictionary<PsObject, PsObject>(ReferenceEqualityComparer.Instance) : null);

    // Whether an object holds another (only then can the graph share or repeat one): a flat object (the usual input,
    // a PSCustomObject of primitives) is copied without a table.
    private static bool HoldsObjects(PsObject o) =>
        o.Items.Exists(i => i is PsObject) || o.Entries.Exists(e => e.Key is PsObject || e.Value is PsObject) ||
        o.ExtendedProperties.Exists(p => p.Value is PsObject) || o.AdaptedProperties.Exists(p => p.Value is PsObject);

    // The graph the client sent may share objects and even hold itself (CLIXML's Ref, registered before its object is
    // read): each object is copied once, its copy registered before its members are, so a shared object stays shared
    // and a cycle stays a cycle, in time linear in the graph's size.
    private static PsValue FromClient(PsValue value, int depth, Dictionary<PsObject, PsObject>? copies)
    {
        switch (value)
        {
            case PsPrimitive { Type: PsPrimitiveType.ByteArray, Value: byte[] bytes } when bytes.Length <= MaxByteArrayItems:
                return ByteList(bytes);
            // A script block is its text: remoting deserializes without DeserializeScriptBlocks (DeserializeScriptBlock
            // returns the SBK's string), so no code a client sends runs as a script block unless the script makes one.
            case PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string script }:
                return PsPrimitive.String(script);
            case PsObject o when copies is not null && copies.TryGetValue(o, out var copied):
                return copied;
            case PsObject o when depth < MaxClientValueDepth:
                var copy = o.ShallowCopy();
                copies?.Add(o, copy);
                if (IsDeserializable(o)) copy.TypeNames = [.. o.TypeNames!.Select(n => n.StartsWith(DeserializedPrefix, StringComparison.Ordinal) ? n : DeserializedPrefix + n)];
                for (var i = 0; i < copy.Items.Count; i++) copy.Items[i] = FromClient(copy.Items[i], depth + 1, copies);
                for (var i = 0; i < copy.Entries.Count; i++) copy.Entries[i] = new(FromClient(copy.Entries[i].Key, depth + 1, copies), FromClient(copy.Entries[i].Value, depth + 1, copies));
                for (var i = 0; i < copy.ExtendedProperties.Count; i++) copy.ExtendedProperties[i] = copy.ExtendedProperties[i] with { Value = FromClient(copy.ExtendedProperties[i].Value, depth + 1, copies) };
                for (var i = 0; i < copy.AdaptedProperties.Count; i++) copy.AdaptedProperties[i] = copy.AdaptedProperties[i] with { Value = FromClient(copy.AdaptedProperties[i].Value, depth + 1, copies) };
                return copy;
            default:
                return value;
        }
    }

    internal const string DeserializedPrefix = "Deserialized.";

    // Deeper than PowerShell's deserializer reads (50 levels) is never reached: the CLIXML reader's own limit comes first.
    private const int MaxClientValueDepth = 64;

    /// <summary>
    /// The types whose type-table entry (Deserialized.X with TargetTypeForDeserialization DeserializingTypeConverter)
    /// makes PowerShell rehydrate them into live objects as it reads them; their type names stay undecorated.
    /// </summary>
    internal static readonly FrozenSet<string> RehydratedTypeNames = FrozenSet.ToFrozenSet(
    [
        "System.Management.Automation.PSPrimitiveDictionary", "System.Management.Automation.SwitchParameter",
        "System.Management.Automation.PSListModifier", PSCredentialTypeName, "System.Management.Automation.Remoting.PSSenderInfo",
        "System.Globalization.CultureInfo", "System.Management.Automation.ParameterSetMetadata",
        "System.Security.Cryptography.X509Certificates.X509Certificate2", "System.Security.Cryptography.X509Certificates.X500DistinguishedName",
        "System.Net.IPAddress", "System.Net.Mail.MailAddress", "System.Security.AccessControl.DirectorySecurity",
        "System.Security.AccessControl.FileSecurity", "System.Security.AccessControl.RegistrySecurity",
    ], StringComparer.Ordinal);

    // An object whose type names the deserializer decorates: any that carried type names (an enum, a primitive with
    // notes written with its TN, as ReadPSObject keeps the names it read over its base value's), not a rehydrated type.
    private static bool IsDeserializable(PsObject o) =>
        o is { TypeNames: [var first, ..] } && !first.StartsWith(DeserializedPrefix, StringComparison.Ordinal) && !RehydratedTypeNames.Contains(first);

    /// <summary>A value as bytes (a byte[], a list of numbers 0-255); another value is .NET's cast error.</summary>
    internal static byte[] BytesOf(PsValue value) => Bytes(value);

    private static PsObject ByteList(byte[] bytes)
    {
        if (bytes.Length > MaxByteArrayItems) throw TooLarge();
        var items = new List<PsValue>(bytes.Length);
        foreach (var b in bytes) items.Add(PsPrimitive.Byte(b));
        return PsObjects.List(items, ByteArrayTypeNames);
    }
}
