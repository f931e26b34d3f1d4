using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>One Serialize call: an XmlWriter over the caller's buffer plus the Obj/TN RefId bookkeeping.</summary>
internal sealed class ClixmlWriterCore
{
    private readonly Utf8Writer _writer = new();
    private Dictionary<PsObject, int>? _objects;
    private Dictionary<IReadOnlyList<string>, int>? _typeNames;

    // One writer per thread, reused (a behaviour serializes one object per output): taken while in use, so a
    // nested call (none today) would make its own.
    [ThreadStatic]
    private static ClixmlWriterCore? t_cached;

    public static void Write(IBufferWriter<byte> output, PsValue value, bool writeBom)
    {
        var core = Begin(output, writeBom);
        try
        {
            core.WriteValue(value, name: null);
        }
        finally
        {
            // RefIds start again at 0 for every call; large tables are let go rather than kept per thread.
            core._objects = core._objects is { Count: <= 64 } objects ? Cleared(objects) : null;
            core._typeNames = core._typeNames is { Count: <= 64 } typeNames ? Cleared(typeNames) : null;
            End(core);
        }
    }

    /// <summary>The values one after the other through one writer: RefIds and type name RefIds go on from one to the next, an object met again is a Ref.</summary>
    public static void WriteAll(IBufferWriter<byte> output, IEnumerable<PsValue> values)
    {
        var core = new ClixmlWriterCore();
        core._writer.Start(output);
        foreach (var value in values) core.WriteValue(value, name: null);
        core._writer.End();
    }

    /// <summary>
    /// <c>&lt;S&gt;</c> with the text of <paramref name="pieces"/> one after the other: the bytes of the string they
    /// make (no piece needs <see cref="ClixmlString.Encode"/>; XML escaping is per character).
    /// </summary>
    internal static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<string?> pieces, bool writeBom)
    {
        var core = Begin(output, writeBom);
        try
        {
            core._writer.WriteStartElement(ClixmlTags.TagOf(PsPrimitiveType.String));
            // As WritePrimitive: text always (an empty string is <S></S>).
            core._writer.WriteString(string.Empty);
            foreach (var piece in pieces)
            {
                if (!string.IsNullOrEmpty(piece)) core._writer.WriteString(piece);
            }

            core._writer.WriteEndElement();
        }
        finally
        {
            End(core);
        }
    }

    /// <summary>The byte order mark if asked for, and this thread's writer (or a new one) started on <paramref name="output"/>.</summary>
    private static ClixmlWriterCore Begin(IBufferWriter<byte> output, bool writeBom)
    {
        if (writeBom)
        {
            var span = output.GetSpan(3);
            span[0] = 0xEF;
            span[1] = 0xBB;
            span[2] = 0xBF;
            output.Advance(3);
        }

        var core = t_cached ?? new ClixmlWriterCore();
        t_cached = null;
        core._writer.Start(output);
        return core;
    }

    /// <summary>Ends the write and keeps the writer for this thread's next call.</summary>
    private static void End(ClixmlWriterCore core)
    {
        core._writer.End();
        t_cached = core;
    }

    private static Dictionary<TKey, int> Cleared<TKey>(Dictionary<TKey, int> table)
        where TKey : notnull
    {
        table.Clear();
        return table;
    }

    private void WriteValue(PsValue value, string? name)
    {
        switch (value)
        {
            case PsNil:
                _writer.WriteStartElement(ClixmlTags.Nil);
                WriteName(name);
                _writer.WriteEndElement();
                break;
            case PsPrimitive p:
                WritePrimitive(p, name);
                break;
            case PsObject o when AsByteArray(o) is { } bytes:
                // A byte[] is <BA> (MS-PSRP 2.2.5.1.17), however a producer holds it (a list of bytes typed System.Byte[]).
                WritePrimitive(PsPrimitive.ByteArray(bytes), name);
                break;
            case PsObject o:
                WriteObject(o, name);
                break;
            default:
                throw new ArgumentException($"Unsupported PsValue type {value.GetType()}.", nameof(value));
        }
    }

    // A list typed System.Byte[] whose items are all bytes, as its bytes; null for anything else.
    private static byte[]? AsByteArray(PsObject o)
    {
        if (o.CollectionKind != PsCollectionKind.List || o.TypeNames is not ["System.Byte[]", ..] || o.AdaptedProperties.Count > 0 || o.ExtendedProperties.Count > 0) return null;
        var bytes = new byte[o.Items.Count];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (o.Items[i] is not PsPrimitive { Value: byte b }) return null;
            bytes[i] = b;
        }

        return bytes;
    }

    private void WriteName(string? name)
    {
        if (name is not null) _writer.WriteAttributeString(ClixmlTags.NameAttr, ClixmlString.Encode(name));
    }

    private void WritePrimitive(PsPrimitive p, string? name)
    {
        var tag = ClixmlTags.TagOf(p.Type);
        _writer.WriteStartElement(tag);
        WriteName(name);
        // Always write text (even empty) so an empty string is <S></S>, as PowerShell writes it.
        switch (p.Value)
        {
            case int i when p.Type == PsPrimitiveType.Int32:
                _writer.WriteFormatted(i);
                break;
            case long l when p.Type == PsPrimitiveType.Int64:
                _writer.WriteFormatted(l);
                break;
            case bool b when p.Type == PsPrimitiveType.Boolean:
                _writer.WriteStartContent();
                _writer.WriteRaw(b ? "true"u8 : "false"u8);
                break;
            case string s when p.Type == PsPrimitiveType.String:
                _writer.WriteString(ClixmlString.Encode(s));
                break;
            default:
                _writer.WriteString(ClixmlTags.Format(p));
                break;
        }

        _writer.WriteEndElement();
    }

    private void WriteObject(PsObject o, string? name)
    {
        _objects ??= new Dictionary<PsObject, int>(ReferenceEqualityComparer.Instance);
        if (_objects.TryGetValue(o, out var existing))
        {
            _writer.WriteStartElement(ClixmlTags.Ref);
            WriteName(name);
            _writer.WriteAttributeString(ClixmlTags.RefIdAttr, Int(existing));
            _writer.WriteEndElement();
            return;
        }

        var refId = _objects.Count;
        _objects.Add(o, refId);
        RuntimeHelpers.EnsureSufficientExecutionStack();

        _writer.WriteStartElement(ClixmlTags.Obj);
        WriteName(name);
        _writer.WriteAttributeString(ClixmlTags.RefIdAttr, Int(refId));

        if (o.TypeNames is { } typeNames) WriteTypeNames(typeNames);

        if (o.ToStringValue is { } toString)
        {
            _writer.WriteStartElement(ClixmlTags.ToStringTag);
            _writer.WriteString(ClixmlString.Encode(toString));
            _writer.WriteEndElement();
        }

        if (o.BaseValue is { } baseValue) WritePrimitive(baseValue, name: null);

        WriteProperties(ClixmlTags.Props, o.AdaptedProperties);
        WriteProperties(ClixmlTags.MS, o.ExtendedProperties);

        switch (o.CollectionKind)
        {
            case PsCollectionKind.None:
                break;
            case PsCollectionKind.Dictionary:
                _writer.WriteStartElement(ClixmlTags.DCT);
                foreach (var entry in o.Entries)
                {
                    _writer.WriteStartElement(ClixmlTags.En);
                    WriteValue(entry.Key, ClixmlTags.KeyName);
                    WriteValue(entry.Value, ClixmlTags.ValueName);
                    _writer.WriteEndElement();
                }

                _writer.WriteEndElement();
                break;
            default:
                _writer.WriteStartElement(ClixmlTags.CollectionTag(o.CollectionKind));
                foreach (var item in o.Items) WriteValue(item, name: null);
                _writer.WriteEndElement();
                break;
        }

        _writer.WriteEndElement();
    }

    private void WriteTypeNames(IReadOnlyList<string> typeNames)
    {
        _typeNames ??= new Dictionary<IReadOnlyList<string>, int>(TypeNameListComparer.Instance);
        if (_typeNames.TryGetValue(typeNames, out var existing))
        {
            _writer.WriteStartElement(ClixmlTags.TNRef);
            _writer.WriteAttributeString(ClixmlTags.RefIdAttr, Int(existing));
            _writer.WriteEndElement();
            return;
        }

        var refId = _typeNames.Count;
        _typeNames.Add(typeNames.ToArray(), refId); // snapshot: the caller may mutate its list later
        _writer.WriteStartElement(ClixmlTags.TN);
        _writer.WriteAttributeString(ClixmlTags.RefIdAttr, Int(refId));
        foreach (var t in typeNames)
        {
            _writer.WriteStartElement(ClixmlTags.T);
            _writer.WriteString(ClixmlString.Encode(t));
            _writer.WriteEndElement();
        }

        _writer.WriteEndElement();
    }

    private void WriteProperties(string tag, List<PsProperty> properties)
    {
        if (properties.Count == 0) return;
        _writer.WriteStartElement(tag);
        foreach (var p in properties) WriteValue(p.Value, p.Name);
        _writer.WriteEndElement();
    }

    private static string Int(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class TypeNameListComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public static readonly TypeNameListComparer Instance = new();

        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null || x.Count != y.Count) return false;
            for (var i = 0; i < x.Count; i++)
            {
                if (!string.Equals(x[i], y[i], StringComparison.Ordinal)) return false;
            }

            return true;
        }

        public int GetHashCode(IReadOnlyList<string> obj)
        {
            // The count and each name's length and last characters, not every character of every name: the lists of
            // one document differ there (an object's names are long dotted paths), and Equals decides anyway.
            var h = obj.Count;
            for (var i = 0; i < obj.Count; i++)
            {
                var s = obj[i];
                h = (h * 31) + s.Length;
                if (s.Length >= 2) h = (h * 31) + (s[^1] | (s[^2] << 16));
            }

            return h;
        }
    }

    /// <summary>
    /// The subset of XmlWriter that CLIXML needs, straight into the output as UTF-8, producing the bytes XmlWriter
    /// produced (no declaration, <c>&lt;a /&gt;</c> for an empty element, &amp;lt; &amp;gt; &amp;amp; in text and also
    /// &amp;quot; in attributes). Text reaching it is already <c>_xHHHH_</c>-escaped, so it holds only valid XML
    /// characters and no surrogates.
    /// </summary>
    private sealed class Utf8Writer
    {
        private static readonly SearchValues<char> TextSpecial = SearchValues.Create("<>&");
        private static readonly SearchValues<char> AttributeSpecial = SearchValues.Create("<>&\"");
        private readonly List<string> _open = new(8);
        private IBufferWriter<byte> output = null!;
        private bool _startTagOpen;

        public void Start(IBufferWriter<byte> destination)
        {
            output = destination;
            _open.Clear();
            _startTagOpen = false;
        }

        /// <summary>Lets the output go (the writer is kept for the next call).</summary>
        public void End()
        {
            output = null!;
            _open.Clear();
        }

        public void WriteStartElement(string name)
        {
            CloseStartTag();
            var span = output.GetSpan(name.Length + 1);
            span[0] = (byte)'<';
            var n = System.Text.Encoding.UTF8.GetBytes(name, span[1..]);
            output.Advance(n + 1);
            _open.Add(name);
            _startTagOpen = true;
        }

        public void WriteAttributeString(string name, string value)
        {
            WriteRaw(" "u8);
            WriteAscii(name);
            WriteRaw("=\""u8);
            WriteEscaped(value, AttributeSpecial);
            WriteRaw("\""u8);
        }

        /// <summary>Ends the start tag, if open, so that content follows.</summary>
        public void WriteStartContent() => CloseStartTag();

        public void WriteString(string text)
        {
            CloseStartTag();
            WriteEscaped(text, TextSpecial);
        }

        public void WriteFormatted<T>(T value) where T : IUtf8SpanFormattable
        {
            CloseStartTag();
            var span = output.GetSpan(32);
            if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("Formatting failed.");
            output.Advance(written);
        }

        public void WriteEndElement()
        {
            var name = _open[^1];
            _open.RemoveAt(_open.Count - 1);
            if (_startTagOpen)
            {
                WriteRaw(" />"u8);
                _startTagOpen = false;
                return;
            }

            var span = output.GetSpan(name.Length + 3);
            span[0] = (byte)'<';
            span[1] = (byte)'/';
            var n = System.Text.Encoding.UTF8.GetBytes(name, span[2..]);
            span[n + 2] = (byte)'>';
            output.Advance(n + 3);
        }

        public void WriteRaw(ReadOnlySpan<byte> bytes)
        {
            var span = output.GetSpan(bytes.Length);
            bytes.CopyTo(span);
            output.Advance(bytes.Length);
        }

        private void CloseStartTag()
        {
            if (!_startTagOpen) return;
            WriteRaw(">"u8);
            _startTagOpen = false;
        }

        private void WriteAscii(string s)
        {
            var span = output.GetSpan(s.Length);
            var n = System.Text.Encoding.UTF8.GetBytes(s, span);
            output.Advance(n);
        }

        private void WriteEscaped(ReadOnlySpan<char> text, SearchValues<char> special)
        {
            // Where the next special character is, relative to text (-1: none left); searched again only once the
            // text before it has been written, not for every chunk of a long plain run.
            var next = text.IndexOfAny(special);
            while (!text.IsEmpty)
            {
                var plain = next < 0 ? text : text[..next];
                if (!plain.IsEmpty)
                {
                    var span = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(Math.Min(plain.Length, 8192)));
                    // Chunked so the requested span stays small for long strings.
                    var chunk = plain.Length <= 8192 ? plain : plain[..8192];
                    if (chunk.Length == 8192 && char.IsHighSurrogate(chunk[^1])) chunk = chunk[..^1];
                    var n = System.Text.Encoding.UTF8.GetBytes(chunk, span);
                    output.Advance(n);
                    text = text[chunk.Length..];
                    if (next >= 0) next -= chunk.Length;
                    continue;
                }

                WriteRaw(text[0] switch
                {
                    '<' => "&lt;"u8,
                    '>' => "&gt;"u8,
                    '&' => "&amp;"u8,
                    _ => "&quot;"u8,
                });
                text = text[1..];
                next = text.IndexOfAny(special);
            }
        }
    }
}
