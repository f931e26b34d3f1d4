using System.Buffers;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// An XmlReader over the plain subset of XML that WS-Man envelopes are written in: ASCII without control characters
/// other than tab and line feed, no DTD, comment, processing instruction, CDATA, entity or character reference,
/// names of ASCII letters, digits and <c>_.-</c> with at most one colon, attribute values without tab or line feed
/// (nothing for the reader to normalize). Within that subset it reports what XmlReader reports for the members the
/// envelope parser uses (node type, depth, names, namespaces, attributes, values); everything else, well-formed or
/// not, throws <see cref="UnsupportedException"/> and the envelope is read again by XmlReader, which decides.
/// </summary>
/// <remarks>
/// XmlReader allocates about 8 KB per document (its buffers and state cannot be reused) and spends about as long
/// setting up as reading a small envelope: a Receive request, its response, a Command, all of them are in this
/// subset. One reader per thread is reset for each envelope; names and namespace URIs are atomized in the thread's
/// name table (and kept by their bytes), so the parser finds the strings it compares with. Names are compared by value here:
/// a name kept from before the thread's table was replaced is equal to, not the same string as, one added since.
/// </remarks>
internal sealed class PlainXmlReader : XmlReader
{
    /// <summary>The input is outside the subset (or not well-formed): read it with XmlReader.</summary>
    internal sealed class UnsupportedException(string why) : Exception(why);

    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    // Bytes that send a document to XmlReader: control characters other than tab and line feed (carriage returns are
    // normalized by XmlReader), markup this reader does not read ('&'), and anything not ASCII.
    private static readonly SearchValues<byte> Outside = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b != '\t' && b != '\n').Select(b => (byte)b), (byte)'&', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private static readonly SearchValues<byte> NameStart = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"u8);
    private static readonly SearchValues<byte> NameBytes = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789.-"u8);
    private static readonly SearchValues<byte> TagEnd = SearchValues.Create(" \t\n/>"u8);

    /// <summary>True when <paramref name="xml"/> has nothing outside the subset that a byte search can see.</summary>
    public static bool MayRead(ReadOnlySpan<byte> xml) =>
        xml.IndexOfAny(Outside) < 0 && xml.IndexOf("<!"u8) < 0 && xml.IndexOf("<?"u8) < 0 && xml.IndexOf("]]>"u8) < 0;

    private byte[] _buffer = [];
    private int _end;
    private int _pos;
    private XmlNameTable _names = null!;
    private char[] _chars = new char[64];

    // The current node.
    private XmlNodeType _nodeType;
    private int _depth;
    private bool _isEmpty;
    private string _localName = string.Empty;
    private string _namespaceUri = string.Empty;
    private int _valueStart, _valueLength;
    private string? _value;
    private bool _eof;
    private bool _rootSeen;

    // Open elements: their qualified names (to match end tags), names and the namespace scope they opened.
    private (int Start, int Length, string LocalName, string Namespace, int Scope)[] _open = new (int, int, string, string, int)[16];
    private int _openCount;
    // Set when the current node is an empty element or an end tag: its element's scope ends at the next Read.
    private bool _popPending;

    // In-scope namespace declarations (innermost last); prefix "" is the default namespace.
    private (string Prefix, string Uri)[] _scope = new (string, string)[16];
    private int _scopeCount;

    // The current element's attributes.
    private Attribute[] _attributes = new Attribute[8];
    private int _attributeCount;

    private struct Attribute
    {
        public int NameStart, NameLength, Colon; // Colon: index of ':' in the name, or -1
        public int ValueStart, ValueLength;
        public bool Declaration; // xmlns or xmlns:prefix
        public string LocalName, Namespace;
        public string? Value;
    }

    /// <summary>Starts reading <paramref name="length"/> bytes of <paramref name="buffer"/>.</summary>
    public void Reset(byte[] buffer, int length, XmlNameTable names)
    {
        _buffer = buffer;
        _end = length;
        _pos = 0;
        _names = names;
        _nodeType = XmlNodeType.None;
        _depth = 0;
        _isEmpty = false;
        _localName = _namespaceUri = string.Empty;
        _value = string.Empty;
        _valueLength = 0;
        _eof = false;
        _rootSeen = false;
        _openCount = 0;
        _popPending = false;
        _scopeCount = 0;
        _attributeCount = 0;
    }

    /// <summary>Lets go of the document (the buffer goes back to its pool).</summary>
    public void Release()
    {
        _buffer = [];
        _end = 0;
        Array.Clear(_attributes, 0, _attributeCount);
        _attributeCount = 0;
    }

    private static UnsupportedException Unsupported(string why) => new(why);

    public override bool Read()
    {
        if (_popPending)
        {
            _popPending = false;
            if (_nodeType == XmlNodeType.EndElement)
            {
                _openCount--;
                _scopeCount = _open[_openCount].Scope;
            }
            else
            {
                // An empty element: it opened a scope but no element.
                _scopeCount = _emptyScope;
            }
        }

        _attributeCount = 0;
        _value = null;
        _isEmpty = false;
        var buffer = _buffer.AsSpan(0, _end);
        while (true)
        {
            if (_pos >= _end)
            {
                if (_openCount > 0 || !_rootSeen) throw Unsupported("The document ended inside an element or before its root.");
                _eof = true;
                _nodeType = XmlNodeType.None;
                _depth = 0;
                _localName = _namespaceUri = string.Empty;
                _value = string.Empty;
                return false;
            }

            if (buffer[_pos] != (byte)'<')
            {
                var lt = buffer[_pos..].IndexOf((byte)'<');
                var length = lt < 0 ? _end - _pos : lt;
                var text = buffer.Slice(_pos, length);
                var whitespace = text.IndexOfAnyExcept(" \t\n"u8) < 0;
                if (_openCount == 0)
                {
                    // Outside the root only whitespace is allowed; the envelope parser never looks at it.
                    if (!whitespace) throw Unsupported("Text outside the root element.");
                    _pos += length;
                    continue;
                }

                _nodeType = whitespace ? XmlNodeType.Whitespace : XmlNodeType.Text;
                _depth = _openCount;
                _localName = _namespaceUri = string.Empty;
                _valueStart = _pos;
                _valueLength = length;
                _pos += length;
                return true;
            }

            if (_pos + 1 < _end && buffer[_pos + 1] == (byte)'/')
            {
                ReadEndTag(buffer);
                return true;
            }

            ReadStartTag(buffer);
            return true;
        }
    }

    private int _emptyScope;

    private void ReadEndTag(ReadOnlySpan<byte> buffer)
    {
        if (_openCount == 0) throw Unsupported("An end tag without an open element.");
        var start = _pos + 2;
        var (nameStart, nameLength, _) = ReadName(buffer, start);
        ref var open = ref _open[_openCount - 1];
        if (!buffer.Slice(nameStart, nameLength).SequenceEqual(buffer.Slice(open.Start, open.Length))) throw Unsupported("The end tag does not match.");
        var pos = SkipSpace(buffer, nameStart + nameLength);
        if (pos >= buffer.Length || buffer[pos] != (byte)'>') throw Unsupported("An end tag is not closed.");
        _pos = pos + 1;
        _nodeType = XmlNodeType.EndElement;
        _depth = _openCount - 1;
        _localName = open.LocalName;
        _namespaceUri = open.Namespace;
        _popPending = true;
    }

    private void ReadStartTag(ReadOnlySpan<byte> buffer)
    {
        if (_openCount == 0 && _rootSeen) throw Unsupported("A second root element.");
        var (nameStart, nameLength, colon) = ReadName(buffer, _pos + 1);
        var pos = nameStart + nameLength;
        _attributeCount = 0;
        var scopeBefore = _scopeCount;
        while (true)
        {
            var afterSpace = SkipSpace(buffer, pos);
            if (afterSpace >= buffer.Length) throw Unsupported("A start tag is not closed.");
            var b = buffer[afterSpace];
            if (b == (byte)'>')
            {
                _isEmpty = false;
                pos = afterSpace + 1;
                break;
            }

            if (b == (byte)'/')
            {
                if (afterSpace + 1 >= buffer.Length || buffer[afterSpace + 1] != (byte)'>') throw Unsupported("A start tag is not closed.");
                _isEmpty = true;
                pos = afterSpace + 2;
                break;
            }

            // An attribute needs whitespace before it.
            if (afterSpace == pos) throw Unsupported("No whitespace before an attribute.");
            var (attributeStart, attributeLength, attributeColon) = ReadName(buffer, afterSpace);
            pos = SkipSpace(buffer, attributeStart + attributeLength);
            if (pos >= buffer.Length || buffer[pos] != (byte)'=') throw Unsupported("An attribute has no value.");
            pos = SkipSpace(buffer, pos + 1);
            if (pos >= buffer.Length || buffer[pos] is not ((byte)'"' or (byte)'\'')) throw Unsupported("An attribute value is not quoted.");
            var quote = buffer[pos];
            var close = buffer[(pos + 1)..].IndexOf(quote);
            if (close < 0) throw Unsupported("An attribute value is not closed.");
            var value = buffer.Slice(pos + 1, close);
            // '<' is not allowed; tab and line feed would be normalized to spaces.
            if (value.IndexOfAny("<\t\n"u8) >= 0) throw Unsupported("An attribute value the reader would change.");
            if (_attributeCount == _attributes.Length) Array.Resize(ref _attributes, _attributes.Length * 2);
            _attributes[_attributeCount++] = new Attribute
            {
                NameStart = attributeStart,
                NameLength = attributeLength,
                Colon = attributeColon,
                ValueStart = pos + 1,
                ValueLength = close,
                LocalName = string.Empty,
                Namespace = string.Empty,
            };
            pos = pos + 1 + close + 1;
        }

        // Namespace declarations first: they apply to the element's own name and attributes.
        for (var i = 0; i < _attributeCount; i++)
        {
            ref var a = ref _attributes[i];
            var name = buffer.Slice(a.NameStart, a.NameLength);
            string prefix;
            if (a.Colon < 0 && name.SequenceEqual("xmlns"u8))
            {
                prefix = string.Empty;
                a.LocalName = Atom(name);
            }
            else if (a.Colon == 5 && name.StartsWith("xmlns:"u8))
            {
                var declared = name[6..];
                if (declared.SequenceEqual("xml"u8) || declared.SequenceEqual("xmlns"u8)) throw Unsupported("A reserved prefix is declared.");
                if (a.ValueLength == 0) throw Unsupported("A prefix is declared empty.");
                prefix = Atom(declared);
                a.LocalName = prefix;
            }
            else
            {
                continue;
            }

            var uri = Atom(buffer.Slice(a.ValueStart, a.ValueLength));
            if (string.Equals(uri, XmlnsNamespace, StringComparison.Ordinal) || string.Equals(uri, WsManNamespaces.Xml, StringComparison.Ordinal)) throw Unsupported("A reserved namespace is declared.");
            for (var s = scopeBefore; s < _scopeCount; s++)
            {
                if (string.Equals(_scope[s].Prefix, prefix, StringComparison.Ordinal)) throw Unsupported("A prefix is declared twice.");
            }

            if (_scopeCount == _scope.Length) Array.Resize(ref _scope, _scope.Length * 2);
            _scope[_scopeCount++] = (prefix, uri);
            a.Declaration = true;
            a.Namespace = XmlnsNamespace;
        }

        // The element's name.
        var qname = buffer.Slice(nameStart, nameLength);
        if (colon >= 0)
        {
            var elementPrefix = qname[..colon];
            if (elementPrefix.SequenceEqual("xml"u8) || elementPrefix.SequenceEqual("xmlns"u8)) throw Unsupported("An element in a reserved prefix.");
            _namespaceUri = Lookup(Atom(elementPrefix)) ?? throw Unsupported("An undeclared prefix.");
            _localName = Atom(qname[(colon + 1)..]);
        }
        else
        {
            _namespaceUri = Lookup(string.Empty) ?? string.Empty;
            _localName = Atom(qname);
        }

        // The other attributes: unprefixed ones are in no namespace.
        for (var i = 0; i < _attributeCount; i++)
        {
            ref var a = ref _attributes[i];
            if (a.Declaration) continue;
            var name = buffer.Slice(a.NameStart, a.NameLength);
            if (a.Colon < 0)
            {
                a.LocalName = Atom(name);
                a.Namespace = string.Empty;
            }
            else
            {
                var prefix = name[..a.Colon];
                if (prefix.SequenceEqual("xmlns"u8)) throw Unsupported("An xmlns attribute of another form.");
                // Of the xml: attributes only xml:lang, whose value XmlReader does not check (xml:space's it does).
                if (prefix.SequenceEqual("xml"u8) && !name.SequenceEqual("xml:lang"u8)) throw Unsupported("An xml: attribute other than xml:lang.");
                a.Namespace = prefix.SequenceEqual("xml"u8) ? WsManNamespaces.Xml : Lookup(Atom(prefix)) ?? throw Unsupported("An undeclared attribute prefix.");
                a.LocalName = Atom(name[(a.Colon + 1)..]);
            }
        }

        // No attribute twice, by qualified or by expanded name.
        for (var i = 1; i < _attributeCount; i++)
        {
            ref var a = ref _attributes[i];
            for (var j = 0; j < i; j++)
            {
                ref var other = ref _attributes[j];
                if (buffer.Slice(a.NameStart, a.NameLength).SequenceEqual(buffer.Slice(other.NameStart, other.NameLength)) ||
                    (string.Equals(a.LocalName, other.LocalName, StringComparison.Ordinal) && string.Equals(a.Namespace, other.Namespace, StringComparison.Ordinal)))
                {
                    throw Unsupported("An attribute appears twice.");
                }
            }
        }

        _nodeType = XmlNodeType.Element;
        _depth = _openCount;
        _rootSeen = true;
        _pos = pos;
        if (_isEmpty)
        {
            _emptyScope = scopeBefore;
            _popPending = true;
        }
        else
        {
            if (_openCount == _open.Length) Array.Resize(ref _open, _open.Length * 2);
            _open[_openCount++] = (nameStart, nameLength, _localName, _namespaceUri, scopeBefore);
        }
    }

    private string? Lookup(string prefix)
    {
        for (var s = _scopeCount - 1; s >= 0; s--)
        {
            if (string.Equals(_scope[s].Prefix, prefix, StringComparison.Ordinal)) return _scope[s].Uri;
        }

        return null;
    }

    /// <summary>A name at <paramref name="start"/>: letters, digits and <c>_.-</c>, not starting with a digit, '.' or '-', at most one colon between two such parts.</summary>
    private static (int Start, int Length, int Colon) ReadName(ReadOnlySpan<byte> buffer, int start)
    {
        if (start >= buffer.Length || !NameStart.Contains(buffer[start])) throw Unsupported("Not a name.");
        var first = buffer[(start + 1)..].IndexOfAnyExcept(NameBytes);
        var end = first < 0 ? buffer.Length : start + 1 + first;
        var colon = -1;
        if (end < buffer.Length && buffer[end] == (byte)':')
        {
            colon = end - start;
            if (end + 1 >= buffer.Length || !NameStart.Contains(buffer[end + 1])) throw Unsupported("Not a name.");
            var second = buffer[(end + 2)..].IndexOfAnyExcept(NameBytes);
            end = second < 0 ? buffer.Length : end + 2 + second;
        }

        // A name ends at whitespace, '/', '>' or '=' (checked by the caller).
        if (end < buffer.Length && !TagEnd.Contains(buffer[end]) && buffer[end] != (byte)'=') throw Unsupported("Not a name.");
        return (start, end - start, colon);
    }

    private static int SkipSpace(ReadOnlySpan<byte> buffer, int pos)
    {
        while (pos < buffer.Length && buffer[pos] is (byte)' ' or (byte)'\t' or (byte)'\n') pos++;
        return pos;
    }

    private const int MaxAtomLength = 256;

    // The names and namespace URIs of earlier envelopes by their bytes: the same few dozen, envelope after envelope.
    // Looking them up in the name table meant widening them to chars and hashing them (a fifth of reading a small
    // envelope). A fixed number of slots, an entry replaced on collision: hostile input cannot grow it.
    private readonly (byte[]? Key, string? Value)[] _atoms = new (byte[]?, string?)[1024];

    /// <summary>The name table's string for ASCII <paramref name="bytes"/> (no string made when it is there already).</summary>
    private string Atom(ReadOnlySpan<byte> bytes)
    {
        // A long name (no WS-Man name or namespace is) is neither kept here nor in the name table: a string of its own.
        if (bytes.Length > MaxAtomLength) return Encoding.ASCII.GetString(bytes);

        // Four entries per set: a fifth name of one set replaces the oldest.
        var set = Slot(bytes) & ~3;
        for (var i = set; i < set + 4; i++)
        {
            if (_atoms[i].Key is { } key && bytes.SequenceEqual(key)) return _atoms[i].Value!;
        }

        if (_chars.Length < bytes.Length) _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        var length = Encoding.ASCII.GetChars(bytes, _chars);
        var atom = _names.Add(_chars, 0, length);
        Array.Copy(_atoms, set, _atoms, set + 1, 3);
        _atoms[set] = (bytes.ToArray(), atom);
        return atom;
    }

    // A slot (of 1,024: 256 sets of four for a few dozen names) from the length and the first and last eight bytes:
    // namespace URIs are long, and hashing every byte of them was most of the look-up.
    private static int Slot(ReadOnlySpan<byte> bytes)
    {
        ulong hash;
        if (bytes.Length >= 8)
        {
            hash = (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) * 0x9E3779B97F4A7C15UL) ^
                (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]) * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)bytes.Length;
        }
        else
        {
            hash = (ulong)bytes.Length;
            foreach (var b in bytes) hash = (hash << 8) | b;
            hash *= 0x9E3779B97F4A7C15UL;
        }

        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        return (int)(hash >> 54);
    }

    private string Text(int start, int length)
    {
        var bytes = _buffer.AsSpan(start, length);
        if (length < KnownValues.Length && KnownValues[length] is { } candidates)
        {
            foreach (var candidate in candidates)
            {
                if (Ascii.Equals(bytes, candidate)) return candidate;
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    // Values that come in envelope after envelope (actions, addresses, resource URIs, signal codes, stream names,
    // locales), by length: the constant instead of a new string each time.
    private static readonly string[]?[] KnownValues = KnownValueTable();

    private static string[]?[] KnownValueTable()
    {
        var values = new[] { typeof(WsManActions), typeof(WsManResourceUris), typeof(WsManAddresses), typeof(WsManCommandStates), typeof(WsManSignalCodes) }
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(["en-US", "stdout", "stderr", "stdin", "pr", "stdin pr", "stdout stderr", "true", "false", "TRUE", "FALSE"])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var table = new string[]?[values.Max(v => v.Length) + 1];
        foreach (var group in values.GroupBy(v => v.Length)) table[group.Key] = [.. group];
        return table;
    }

    // ---------------------------------------------------------------- XmlReader

    public override XmlNodeType NodeType => _nodeType;

    public override int Depth => _depth;

    public override bool IsEmptyElement => _nodeType == XmlNodeType.Element && _isEmpty;

    public override string LocalName => _localName;

    public override string NamespaceURI => _namespaceUri;

    public override string Value => _value ??= _nodeType is XmlNodeType.Text or XmlNodeType.Whitespace ? Text(_valueStart, _valueLength) : string.Empty;

    public override int AttributeCount => _nodeType == XmlNodeType.Element ? _attributeCount : 0;

    public override string? GetAttribute(string name)
    {
        if (_nodeType != XmlNodeType.Element) return null;
        for (var i = 0; i < _attributeCount; i++)
        {
            ref var a = ref _attributes[i];
            if (name.Length == a.NameLength && Ascii.Equals(_buffer.AsSpan(a.NameStart, a.NameLength), name)) return AttributeValue(ref a);
        }

        return null;
    }

    public override string? GetAttribute(string name, string? namespaceURI)
    {
        if (_nodeType != XmlNodeType.Element) return null;
        namespaceURI ??= string.Empty;
        for (var i = 0; i < _attributeCount; i++)
        {
            ref var a = ref _attributes[i];
            if (string.Equals(a.LocalName, name, StringComparison.Ordinal) && string.Equals(a.Namespace, namespaceURI, StringComparison.Ordinal)) return AttributeValue(ref a);
        }

        return null;
    }

    public override string GetAttribute(int i)
    {
        if (_nodeType != XmlNodeType.Element || (uint)i >= (uint)_attributeCount) throw new ArgumentOutOfRangeException(nameof(i));
        return AttributeValue(ref _attributes[i]);
    }

    private string AttributeValue(ref Attribute a) => a.Value ??= Text(a.ValueStart, a.ValueLength);

    public override bool EOF => _eof;

    public override ReadState ReadState => _eof ? ReadState.EndOfFile : _nodeType == XmlNodeType.None ? ReadState.Initial : ReadState.Interactive;

    public override XmlNameTable NameTable => _names;

    public override string BaseURI => string.Empty;

    public override string Prefix => throw new NotSupportedException();

    public override string? LookupNamespace(string prefix) => throw new NotSupportedException();

    public override bool MoveToAttribute(string name) => throw new NotSupportedException();

    public override bool MoveToAttribute(string name, string? ns) => throw new NotSupportedException();

    public override bool MoveToElement() => false;

    public override bool MoveToFirstAttribute() => throw new NotSupportedException();

    public override bool MoveToNextAttribute() => throw new NotSupportedException();

    public override bool ReadAttributeValue() => throw new NotSupportedException();

    public override void ResolveEntity() => throw new NotSupportedException();
}
