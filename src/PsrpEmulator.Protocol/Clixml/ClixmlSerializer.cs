using System.Buffers;
using System.Globalization;
using System.Text;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// Streaming CLIXML writer. Writes the single element a PSRP message carries (for example
/// <c>&lt;Obj RefId="0"&gt;…&lt;/Obj&gt;</c> or <c>&lt;S&gt;a&lt;/S&gt;</c>): UTF-8, no XML declaration, no
/// whitespace; Obj and TN RefIds are separate counters starting at 0 for each call; a PsObject instance met
/// again is written as <c>&lt;Ref RefId="n" /&gt;</c>; a type-name list met again as <c>&lt;TNRef&gt;</c>.
/// </summary>
public static class ClixmlSerializer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Serialize(PsValue value, bool writeBom = false) => Serialize(value, writeBom, []);

    /// <summary>The CLIXML of <paramref name="value"/> after <paramref name="prefix"/>, in one array (a PSRP message: header, then data).</summary>
    public static byte[] Serialize(PsValue value, bool writeBom, ReadOnlySpan<byte> prefix)
    {
        var buffer = RentScratch(prefix);
        try
        {
            Serialize(buffer, value, writeBom);
            return CopyOut(buffer);
        }
        finally
        {
            ReturnScratch(buffer);
        }
    }

    // One scratch buffer per thread (dropped when it grew past 1 MB): the result is the only allocation.
    private static ArrayBufferWriter<byte> RentScratch(ReadOnlySpan<byte> prefix)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        t_buffer = null;
        buffer.Write(prefix);
        return buffer;
    }

    // Not zeroed first: every byte is copied over at once (a large object's message would be cleared for nothing).
    private static byte[] CopyOut(ArrayBufferWriter<byte> buffer)
    {
        var result = GC.AllocateUninitializedArray<byte>(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(result);
        return result;
    }

    private static void ReturnScratch(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= 1 << 20)
        {
            buffer.ResetWrittenCount();
            t_buffer = buffer;
        }
    }

    /// <summary>
    /// The CLIXML of the string <paramref name="pieces"/> make together, exactly as <see cref="PsPrimitive.String"/> of
    /// their concatenation is written, after <paramref name="prefix"/> — without making that string (an output loop's
    /// template would otherwise build one string per object, large objects on the large object heap). Null when a
    /// piece holds an underscore or a character CLIXML escapes as <c>_xHHHH_</c>: serialize the string itself then.
    /// </summary>
    public static byte[]? SerializeString(ReadOnlySpan<string?> pieces, bool writeBom, ReadOnlySpan<byte> prefix)
    {
        // The usual case, printable ASCII that is written as it is: straight into an array of the exact length (one
        // search and one copy per piece; an output loop of small objects does this once per object).
        var length = VerbatimStringLength(pieces, writeBom);
        if (length >= 0)
        {
            var result = GC.AllocateUninitializedArray<byte>(prefix.Length + length);
            prefix.CopyTo(result);
            // Measured as verbatim just now: the write cannot fail.
            TryWriteVerbatimString(result.AsSpan(prefix.Length), pieces, writeBom);
            return result;
        }

        foreach (var piece in pieces)
        {
            // An underscore could start "_x" with the next piece: only pieces that stay as they are on their own.
            if (piece is not null && !ClixmlString.IsPlainPiece(piece)) return null;
        }

        var buffer = RentScratch(prefix);
        try
        {
            ClixmlWriterCore.WriteString(buffer, pieces, writeBom);
            return CopyOut(buffer);
        }
        finally
        {
            ReturnScratch(buffer);
        }
    }

    /// <summary>
    /// The length of the CLIXML of the string <paramref name="pieces"/> make together when every piece is text CLIXML
    /// carries as it is (see <see cref="VerbatimText"/>); -1 when one needs escaping or could start an escape.
    /// </summary>
    internal static int VerbatimStringLength(ReadOnlySpan<string?> pieces, bool writeBom) => VerbatimStringLength(pieces, 0, writeBom);

    /// <summary>
    /// As <see cref="VerbatimStringLength(ReadOnlySpan{string?}, bool)"/>, taking the pieces whose bit is set in
    /// <paramref name="verbatimPieces"/> (bit i for piece i) as checked already.
    /// </summary>
    internal static int VerbatimStringLength(ReadOnlySpan<string?> pieces, ulong verbatimPieces, bool writeBom)
    {
        var length = 0;
        for (var i = 0; i < pieces.Length; i++)
        {
            if (pieces[i] is not { } piece) continue;
            if ((i >= 64 || (verbatimPieces >> i & 1) == 0) && !VerbatimText.IsAll(piece)) return -1;
            length += piece.Length;
        }

        return VerbatimStringLength(length, writeBom);
    }

    /// <summary>The length of the CLIXML of a string of <paramref name="textLength"/> characters that CLIXML carries as they are.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int VerbatimStringLength(int textLength, bool writeBom) => (writeBom ? 3 : 0) + "<S></S>"u8.Length + textLength;

    /// <summary>
    /// Writes the CLIXML of the string <paramref name="pieces"/> make together into <paramref name="destination"/>,
    /// exactly <see cref="VerbatimStringLength(ReadOnlySpan{string?}, bool)"/> bytes, checking each piece as it is
    /// copied (one pass over the text); false when a piece needs escaping, with <paramref name="destination"/> partly written.
    /// </summary>
    internal static bool TryWriteVerbatimString(Span<byte> destination, ReadOnlySpan<string?> pieces, bool writeBom)
    {
        var at = destination;
        if (writeBom)
        {
            at[0] = 0xEF;
            at[1] = 0xBB;
            at[2] = 0xBF;
            at = at[3..];
        }

        "<S>"u8.CopyTo(at);
        at = at[3..];
        foreach (var piece in pieces)
        {
            if (piece is null) continue;
            if (!VerbatimText.TryCopy(piece, at)) return false;
            at = at[piece.Length..];
        }

        "</S>"u8.CopyTo(at);
        return true;
    }

    /// <summary>The bytes of <see cref="VerbatimText"/> (UTF-8: the same ASCII characters).</summary>
    internal static readonly SearchValues<byte> VerbatimBytes = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(VerbatimText.Characters));

    public static void Serialize(IBufferWriter<byte> output, PsValue value, bool writeBom = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        ClixmlWriterCore.Write(output, value, writeBom);
    }

    public static string SerializeToString(PsValue value)
        => System.Text.Encoding.UTF8.GetString(Serialize(value));

    /// <summary>
    /// An <c>&lt;Objs&gt;</c> document of the values as Export-Clixml writes it: one serializer for them all (RefIds go
    /// on from one value to the next, an object met again is a Ref to it), and PowerShell's XmlWriterSettings (Indent,
    /// OmitXmlDeclaration): two spaces a level, <paramref name="newLine"/> between lines ("\r\n" on Windows), an element
    /// holding text on its line, no line break after the last.
    /// </summary>
    public static string SerializeDocument(IEnumerable<PsValue> values, string newLine)
    {
        ArgumentNullException.ThrowIfNull(values);
        var compact = new ArrayBufferWriter<byte>();
        compact.Write("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"u8);
        ClixmlWriterCore.WriteAll(compact, values);
        compact.Write("</Objs>"u8);

        using var stream = new MemoryStream(compact.WrittenMemory.ToArray(), writable: false);
        using var reader = System.Xml.XmlReader.Create(stream, new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null });
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = System.Xml.XmlWriter.Create(text, new System.Xml.XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = newLine, OmitXmlDeclaration = true }))
        {
            writer.WriteNode(reader, defattr: true);
        }

        return text.ToString();
    }
}

/// <summary>
/// Streaming CLIXML reader (<c>XmlReader</c>, DTD prohibited, no resolver). Accepts an optional UTF-8 BOM and
/// either a bare element or an <c>&lt;Objs&gt;</c> document (then returns the first child). Ref elements resolve
/// to the same <see cref="PsObject"/> instance. Throws <see cref="ClixmlException"/> with a reason.
/// </summary>
public static class ClixmlDeserializer
{
    public static PsValue Deserialize(ReadOnlySpan<byte> utf8, ClixmlLimits? limits = null)
        => ClixmlReaderCore.Read(utf8, limits ?? ClixmlLimits.Default);

    public static PsValue Deserialize(string xml, ClixmlLimits? limits = null)
        => Deserialize(System.Text.Encoding.UTF8.GetBytes(xml), limits);

    /// <summary>Every object of an <c>&lt;Objs&gt;</c> document (Import-Clixml's file), their references shared.</summary>
    public static IReadOnlyList<PsValue> DeserializeAll(ReadOnlySpan<byte> utf8, ClixmlLimits? limits = null)
        => ClixmlReaderCore.ReadAll(utf8, limits ?? ClixmlLimits.Default);
}

/// <summary>The <c>_xHHHH_</c> escaping of strings and property names (MS-PSRP 2.2.5.3.2).</summary>
public static class ClixmlString
{
    /// <summary>
    /// True when CLIXML carries <paramref name="text"/> as it is, its UTF-8 bytes being its characters: printable
    /// ASCII without XML markup (&lt;, &gt;, &amp;) and without the underscore (it could start an escape with what follows).
    /// </summary>
    public static bool IsVerbatim(ReadOnlySpan<char> text) => VerbatimText.IsAll(text);

    /// <summary>
    /// Escapes every UTF-16 code unit that is not allowed in XML 1.0 text or is otherwise unsafe on the wire (C0
    /// controls including TAB/CR/LF, U+007F–U+009F, surrogates, U+FFFE/U+FFFF) as <c>_xHHHH_</c> (upper-case hex), and
    /// protects a literal <c>_x</c>/<c>_X</c> by escaping its underscore as <c>_x005F_</c>.
    /// </summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = IndexOfFirstToEscape(value, 0);
        if (i < 0) return value;

        var sb = new StringBuilder(value.Length + 16);
        var start = 0;
        while (i >= 0)
        {
            sb.Append(value, start, i - start);
            AppendEscape(sb, value[i]);
            start = i + 1;
            i = IndexOfFirstToEscape(value, start);
        }

        sb.Append(value, start, value.Length - start);
        return sb.ToString();
    }

    /// <summary>
    /// Inverse of <see cref="Encode"/>: <c>_xHHHH_</c> (either case of x and of the hex digits) becomes the code unit;
    /// <c>_xHHHHHHHH_</c> naming a supplementary code point becomes its surrogate pair; anything malformed stays literal.
    /// </summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var first = value.IndexOf('_', StringComparison.Ordinal);
        if (first < 0) return value;

        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, first);
        var i = first;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '_' && i + 6 < value.Length && (value[i + 1] == 'x' || value[i + 1] == 'X'))
            {
                if (value[i + 6] == '_' && TryParseHex(value.AsSpan(i + 2, 4), out var unit))
                {
                    sb.Append((char)unit);
                    i += 7;
                    continue;
                }

                if (i + 10 < value.Length && value[i + 10] == '_' && TryParseHex(value.AsSpan(i + 2, 8), out var cp)
                    && cp is >= 0x10000 and <= 0x10FFFF)
                {
                    sb.Append(char.ConvertFromUtf32((int)cp));
                    i += 11;
                    continue;
                }
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    // Printable ASCII but '_': never escaped; anything else is looked at one by one. Lets the search skip plain text
    // vectorized (a 256 KB output string was checked a character at a time).
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>True when <paramref name="piece"/> has no underscore and nothing <see cref="Encode"/> escapes.</summary>
    internal static bool IsPlainPiece(string piece) => piece.IndexOf('_') < 0 && IndexOfFirstToEscape(piece, 0) < 0;

    private static int IndexOfFirstToEscape(string value, int from)
    {
        var i = from;
        while (true)
        {
            var next = value.AsSpan(i).IndexOfAnyExcept(Plain);
            if (next < 0) return -1;
            i += next;
            if (NeedsEscape(value, i)) return i;
            i++;
        }
    }

    private static bool NeedsEscape(string s, int i)
    {
        var c = s[i];
        return c switch
        {
            <= '\u001F' => true,
            >= '\u007F' and <= '\u009F' => true,
            >= '\uD800' and <= '\uDFFF' => true,
            '\uFFFE' or '\uFFFF' => true,
            '_' => i + 1 < s.Length && (s[i + 1] == 'x' || s[i + 1] == 'X'),
            _ => false,
        };
    }

    private static void AppendEscape(StringBuilder sb, char c)
    {
        const string Hex = "0123456789ABCDEF";
        sb.Append("_x")
            .Append(Hex[(c >> 12) & 0xF])
            .Append(Hex[(c >> 8) & 0xF])
            .Append(Hex[(c >> 4) & 0xF])
            .Append(Hex[c & 0xF])
            .Append('_');
    }

    private static bool TryParseHex(ReadOnlySpan<char> digits, out uint value)
    {
        value = 0;
        foreach (var d in digits)
        {
            uint v;
            if (d is >= '0' and <= '9') v = (uint)(d - '0');
            else if (d is >= 'A' and <= 'F') v = (uint)(d - 'A' + 10);
            else if (d is >= 'a' and <= 'f') v = (uint)(d - 'a' + 10);
            else return false;
            value = (value << 4) | v;
        }

        return true;
    }
}
