using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// The fast path of <see cref="ClixmlDeserializer"/>: a recursive-descent reader straight over the UTF-8 bytes for
/// the XML that CLIXML actually uses (known element names, no prefixes, no DTD, comments, CDATA or processing
/// instructions, no CR, entities and character references). Anything else, and every error, makes it give up
/// (<see cref="TryRead"/> returns false) so the <c>XmlReader</c> path reads the document and reports exactly as
/// before; on documents it accepts it builds the very values that path builds.
/// </summary>
internal ref struct ClixmlFastReader
{
    private static readonly SearchValues<byte> TextSpecial = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
         (byte)'&', (byte)']', (byte)'<']);

    private readonly ReadOnlySpan<byte> _xml;
    private readonly ClixmlLimits _limits;
    private int _pos;
    private Dictionary<int, PsObject>? _objects;
    private Dictionary<int, IReadOnlyList<string>>? _typeNames;
    private int _objectCount;
    private int _referenceCount;

    // Attributes of the current start tag (only the ones CLIXML uses).
    private string? _attrN;
    private int _attrRefId;
    private bool _hasRefId;
    private bool _empty;

    private ClixmlFastReader(ReadOnlySpan<byte> xml, ClixmlLimits limits)
    {
        _xml = xml;
        _limits = limits;
    }

    /// <summary>False when the document is not in the subset handled here or is not valid (then use the slow path).</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, ClixmlLimits limits, out PsValue? value)
    {
        var reader = new ClixmlFastReader(utf8, limits);
        try
        {
            value = reader.ReadDocument();
            return value is not null;
        }
#pragma warning disable CA1031 // any failure means: let the XmlReader path decide and report
        catch (Exception)
#pragma warning restore CA1031
        {
            value = null;
            return false;
        }
    }

    private sealed class GiveUpException : Exception
    {
        public static readonly GiveUpException Instance = new();
    }

    private static GiveUpException GiveUp() => GiveUpException.Instance;

    private PsValue? ReadDocument()
    {
        SkipWhitespace();
        var tag = ReadStartTag();
        PsValue result;
        if (tag == Tag.Objs)
        {
            if (_empty) return null;
            PsValue? first = null;
            while (NextChild(1, Tag.Objs, out var child))
            {
                var v = ReadValue(child, 2);
                first ??= v;
            }

            result = first ?? throw GiveUp();
        }
        else
        {
            result = ReadValue(tag, 1);
        }

        SkipWhitespace();
        if (_pos != _xml.Length) throw GiveUp();
        return result;
    }

    // ------------------------------------------------------------------ values

    private PsValue ReadValue(Tag tag, int depth)
    {
        if (depth > _limits.MaxDepth) throw GiveUp();
        switch (tag)
        {
            case Tag.Nil:
                SkipEmptyContent(tag);
                return PsNil.Instance;
            case Tag.Ref:
            {
                if (++_referenceCount > _limits.MaxReferences || !_hasRefId) throw GiveUp();
                var id = _attrRefId;
                SkipEmptyContent(tag);
                if (_objects is null || !_objects.TryGetValue(id, out var target)) throw GiveUp();
                return target;
            }

            case Tag.Obj:
                return ReadObject(depth);
            default:
                if (tag >= Tag.FirstPrimitive) return ReadPrimitive(tag);
                throw GiveUp();
        }
    }

    private PsPrimitive ReadPrimitive(Tag tag)
    {
        var type = (PsPrimitiveType)(tag - Tag.FirstPrimitive);
        if (_empty) return ClixmlTags.Parse(type, string.Empty);
        var start = _pos;
        var end = ScanText();
        var raw = _xml[start..end];
        ReadEndTag(tag);
        if (!_textHadEntity)
        {
            switch (type)
            {
                case PsPrimitiveType.Int32 when int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i):
                    return new PsPrimitive(type, i);
                case PsPrimitiveType.Int64 when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                    return new PsPrimitive(type, l);
                case PsPrimitiveType.Boolean when raw.SequenceEqual("true"u8):
                    return new PsPrimitive(type, true);
                case PsPrimitiveType.Boolean when raw.SequenceEqual("false"u8):
                    return new PsPrimitive(type, false);
            }
        }

        return ClixmlTags.Parse(type, DecodeText(raw));
    }

    private PsObject ReadObject(int depth)
    {
        if (++_objectCount > _limits.MaxObjects) throw GiveUp();
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var obj = new PsObject();
        if (_hasRefId) (_objects ??= [])[_attrRefId] = obj;
        if (_empty) return obj;

        while (NextChild(depth, Tag.Obj, out var tag))
        {
            var childDepth = depth + 1;
            if (childDepth > _limits.MaxDepth) throw GiveUp();
            switch (tag)
            {
                case Tag.TN:
                    obj.TypeNames = ReadTypeNames(childDepth);
                    break;
                case Tag.TNRef:
                {
                    if (!_hasRefId) throw GiveUp();
                    var id = _attrRefId;
                    SkipEmptyContent(tag);
                    obj.TypeNames = _typeNames is not null && _typeNames.TryGetValue(id, out var names) ? names : throw GiveUp();
                    break;
                }

                case Tag.ToString:
                    obj.ToStringValue = ClixmlString.Decode(ReadLeafText(tag));
                    break;
                case Tag.Props:
                    ReadProperties(childDepth, tag, obj.AdaptedProperties);
                    break;
                case Tag.MS:
                    ReadProperties(childDepth, tag, obj.ExtendedProperties);
                    break;
                case Tag.DCT:
                    obj.CollectionKind = PsCollectionKind.Dictionary;
                    ReadEntries(childDepth, obj.Entries);
                    break;
                case Tag.LST or Tag.IE or Tag.STK or Tag.QUE:
                    obj.CollectionKind = tag switch
                    {
                        Tag.LST => PsCollectionKind.List,
                        Tag.IE => PsCollectionKind.Enumerable,
                        Tag.STK => PsCollectionKind.Stack,
                        _ => PsCollectionKind.Queue,
                    };
                    if (!_empty)
                    {
                        ReadItems(childDepth, tag, obj.Items);
                    }

                    break;
                default:
                    if (tag >= Tag.FirstPrimitive) obj.BaseValue = ReadPrimitive(tag);
                    else throw GiveUp();
                    break;
            }
        }

        return obj;
    }

    private IReadOnlyList<string> ReadTypeNames(int depth)
    {
        var hasId = _hasRefId;
        var refId = _attrRefId;
        var names = new List<string>(4);
        if (!_empty)
        {
            while (NextChild(depth, Tag.TN, out var child))
            {
                if (child != Tag.T || depth + 1 > _limits.MaxDepth) throw GiveUp();
                names.Add(ClixmlString.Decode(ReadLeafText(child)));
            }
        }

        IReadOnlyList<string> result = names.AsReadOnly();
        if (hasId) (_typeNames ??= [])[refId] = result;
        return result;
    }

    private void ReadProperties(int depth, Tag parent, List<PsProperty> into)
    {
        if (_empty) return;
        while (NextChild(depth, parent, out var child))
        {
            var name = _attrN ?? throw GiveUp();
            into.Add(new PsProperty(ClixmlString.Decode(name), ReadValue(child, depth + 1)));
        }
    }

    private void ReadEntries(int depth, List<KeyValuePair<PsValue, PsValue>> into)
    {
        if (_empty) return;
        while (NextChild(depth, Tag.DCT, out var entry))
        {
            if (entry != Tag.En || depth + 1 > _limits.MaxDepth) throw GiveUp();
            PsValue? key = null;
            PsValue? value = null;
            if (!_empty)
            {
                while (NextChild(depth + 1, Tag.En, out var child))
                {
                    var n = _attrN;
                    if (n == ClixmlTags.KeyName) key = ReadValue(child, depth + 2);
                    else if (n == ClixmlTags.ValueName) value = ReadValue(child, depth + 2);
                    else throw GiveUp();
                }
            }

            into.Add(new KeyValuePair<PsValue, PsValue>(key ?? throw GiveUp(), value ?? PsNil.Instance));
        }
    }

    // ------------------------------------------------------------------ XML

    private enum Tag
    {
        Unknown,
        Objs,
        Obj,
        Ref,
        Nil,
        TN,
        TNRef,
        T,
        ToString,
        Props,
        MS,
        LST,
        IE,
        STK,
        QUE,
        DCT,
        En,
        FirstPrimitive, // + (int)PsPrimitiveType
    }

    private bool _textHadEntity;

    /// <summary>
    /// Items are gathered in a pooled array and added at once: the list is allocated at exactly its size instead of
    /// doubling its way there (a 10,000-item list would otherwise allocate about 26 bytes more per item).
    /// </summary>
    private void ReadItems(int childDepth, Tag tag, List<PsValue> items)
    {
        var buffer = ArrayPool<PsValue>.Shared.Rent(16);
        var count = 0;
        try
        {
            while (NextChild(childDepth, tag, out var item))
            {
                var value = ReadValue(item, childDepth + 1);
                if (count == buffer.Length)
                {
                    var bigger = ArrayPool<PsValue>.Shared.Rent(count * 2);
                    Array.Copy(buffer, bigger, count);
                    Array.Clear(buffer, 0, count);
                    ArrayPool<PsValue>.Shared.Return(buffer);
                    buffer = bigger;
                }

                buffer[count++] = value;
            }

            items.AddRange(new ArraySegment<PsValue>(buffer, 0, count));
        }
        finally
        {
            // The pool must not keep the values alive.
            Array.Clear(buffer, 0, count);
            ArrayPool<PsValue>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Inside the content of <paramref name="parent"/>: skips whitespace and reads the next child's start tag (true),
    /// or the parent's end tag (false). Depth is checked by the caller.
    /// </summary>
    private bool NextChild(int depth, Tag parent, out Tag child)
    {
        _ = depth;
        SkipWhitespace();
        if (_pos + 1 >= _xml.Length || _xml[_pos] != (byte)'<') throw GiveUp();
        if (_xml[_pos + 1] == (byte)'/')
        {
            ReadEndTag(parent);
            child = Tag.Unknown;
            return false;
        }

        child = ReadStartTag();
        return true;
    }

    private void SkipWhitespace()
    {
        while (_pos < _xml.Length && _xml[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n') _pos++;
    }

    private Tag ReadStartTag()
    {
        if (_pos >= _xml.Length || _xml[_pos] != (byte)'<') throw GiveUp();
        _pos++;
        var tag = ReadName();
        _attrN = null;
        _hasRefId = false;
        _attrRefId = 0;
        var seenN = false;
        var seenVersion = false;
        var seenXmlns = false;
        while (true)
        {
            var hadSpace = _pos < _xml.Length && _xml[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n';
            SkipWhitespace();
            if (_pos >= _xml.Length) throw GiveUp();
            var b = _xml[_pos];
            if (b == (byte)'>')
            {
                _pos++;
                _empty = false;
                return tag;
            }

            if (b == (byte)'/')
            {
                if (_pos + 1 >= _xml.Length || _xml[_pos + 1] != (byte)'>') throw GiveUp();
                _pos += 2;
                _empty = true;
                return tag;
            }

            if (!hadSpace) throw GiveUp();
            var nameStart = _pos;
            while (_pos < _xml.Length && IsNameByte(_xml[_pos])) _pos++;
            var name = _xml[nameStart.._pos];
            SkipWhitespace();
            if (_pos >= _xml.Length || _xml[_pos] != (byte)'=') throw GiveUp();
            _pos++;
            SkipWhitespace();
            if (_pos >= _xml.Length || _xml[_pos] is not ((byte)'"' or (byte)'\'')) throw GiveUp();
            var quote = _xml[_pos++];
            var valueStart = _pos;
            var close = _xml[_pos..].IndexOf(quote);
            if (close < 0) throw GiveUp();
            _pos += close + 1;
            var raw = _xml.Slice(valueStart, close);
            if (raw.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || raw.IndexOf((byte)'<') >= 0) throw GiveUp();

            if (name.SequenceEqual("N"u8))
            {
                if (seenN) throw GiveUp();
                seenN = true;
                _attrN = DecodeAttribute(raw);
            }
            else if (name.SequenceEqual("RefId"u8))
            {
                if (_hasRefId || raw.IndexOf((byte)'&') >= 0 ||
                    !int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _attrRefId)) throw GiveUp();
                _hasRefId = true;
            }
            else if (name.SequenceEqual("Version"u8))
            {
                // Its value is not read, but an entity in it must be one XML knows: XmlReader decides.
                if (seenVersion || raw.IndexOf((byte)'&') >= 0) throw GiveUp();
                seenVersion = true;
            }
            else if (name.SequenceEqual("xmlns"u8))
            {
                if (seenXmlns) throw GiveUp();
                seenXmlns = true;
                if (raw.IndexOf((byte)'&') >= 0) throw GiveUp();
            }
            else
            {
                throw GiveUp();
            }
        }
    }

    private static bool IsNameByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9');

    private Tag ReadName()
    {
        var start = _pos;
        while (_pos < _xml.Length && IsNameByte(_xml[_pos])) _pos++;
        var name = _xml[start.._pos];
        if (name.IsEmpty || _pos >= _xml.Length || _xml[_pos] == (byte)':') throw GiveUp();
        return Lookup(name);
    }

    private static Tag Lookup(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 1:
                switch (name[0])
                {
                    case (byte)'S': return Tag.FirstPrimitive + (int)PsPrimitiveType.String;
                    case (byte)'T': return Tag.T;
                    case (byte)'B': return Tag.FirstPrimitive + (int)PsPrimitiveType.Boolean;
                    case (byte)'C': return Tag.FirstPrimitive + (int)PsPrimitiveType.Char;
                    case (byte)'D': return Tag.FirstPrimitive + (int)PsPrimitiveType.Decimal;
                    case (byte)'G': return Tag.FirstPrimitive + (int)PsPrimitiveType.Guid;
                }

                break;
            case 2:
                if (name.SequenceEqual("MS"u8)) return Tag.MS;
                if (name.SequenceEqual("TN"u8)) return Tag.TN;
                if (name.SequenceEqual("En"u8)) return Tag.En;
                if (name.SequenceEqual("IE"u8)) return Tag.IE;
                break;
            case 3:
                if (name.SequenceEqual("Obj"u8)) return Tag.Obj;
                if (name.SequenceEqual("I32"u8)) return Tag.FirstPrimitive + (int)PsPrimitiveType.Int32;
                if (name.SequenceEqual("Ref"u8)) return Tag.Ref;
                if (name.SequenceEqual("Nil"u8)) return Tag.Nil;
                if (name.SequenceEqual("LST"u8)) return Tag.LST;
                if (name.SequenceEqual("DCT"u8)) return Tag.DCT;
                if (name.SequenceEqual("STK"u8)) return Tag.STK;
                if (name.SequenceEqual("QUE"u8)) return Tag.QUE;
                break;
            case 4:
                if (name.SequenceEqual("Objs"u8)) return Tag.Objs;
                break;
            case 5:
                if (name.SequenceEqual("Props"u8)) return Tag.Props;
                if (name.SequenceEqual("TNRef"u8)) return Tag.TNRef;
                break;
            case 8:
                if (name.SequenceEqual("ToString"u8)) return Tag.ToString;
                break;
        }

        // The other primitive tags.
        var text = Encoding.ASCII.GetString(name);
        if (ClixmlTags.TryGetPrimitive(text, out var type)) return Tag.FirstPrimitive + (int)type;
        throw GiveUp();
    }

    private void ReadEndTag(Tag expected)
    {
        if (_pos + 1 >= _xml.Length || _xml[_pos] != (byte)'<' || _xml[_pos + 1] != (byte)'/') throw GiveUp();
        _pos += 2;
        if (ReadName() != expected) throw GiveUp();
        SkipWhitespace();
        if (_pos >= _xml.Length || _xml[_pos] != (byte)'>') throw GiveUp();
        _pos++;
    }

    /// <summary>Content of Nil, Ref, TNRef: nothing or whitespace, then the end tag.</summary>
    private void SkipEmptyContent(Tag tag)
    {
        if (_empty) return;
        SkipWhitespace();
        ReadEndTag(tag);
    }

    /// <summary>Scans text from <c>_pos</c> up to the next '&lt;' (left there); gives up on what needs the XmlReader.</summary>
    private int ScanText()
    {
        _textHadEntity = false;
        while (true)
        {
            var i = _xml[_pos..].IndexOfAny(TextSpecial);
            if (i < 0) throw GiveUp();
            _pos += i;
            var b = _xml[_pos];
            if (b == (byte)'<')
            {
                if (_pos + 1 < _xml.Length && _xml[_pos + 1] is (byte)'!' or (byte)'?') throw GiveUp();
                return _pos;
            }

            if (b == (byte)'&')
            {
                _textHadEntity = true;
                _pos++;
                continue;
            }

            if (b == (byte)']')
            {
                if (_xml[_pos..].StartsWith("]]>"u8)) throw GiveUp();
                _pos++;
                continue;
            }

            throw GiveUp(); // a control character or CR
        }
    }

    private string ReadLeafText(Tag tag)
    {
        if (_empty) return string.Empty;
        var start = _pos;
        var end = ScanText();
        var text = DecodeText(_xml[start..end]);
        ReadEndTag(tag);
        return text;
    }

    private string DecodeText(ReadOnlySpan<byte> raw) => _textHadEntity ? DecodeEntities(raw) : Utf8String(raw);

    private static string DecodeAttribute(ReadOnlySpan<byte> raw) => raw.IndexOf((byte)'&') >= 0 ? DecodeEntities(raw) : Utf8String(raw);

    private static string Utf8String(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty) return string.Empty;
        if (System.Text.Ascii.IsValid(raw)) return Encoding.ASCII.GetString(raw);
        var rented = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            if (Utf8.ToUtf16(raw, rented, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done) throw GiveUp();
            var chars = rented.AsSpan(0, written);
            if (chars.IndexOfAny('\uFFFE', '\uFFFF') >= 0) throw GiveUp();
            return new string(chars);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static string DecodeEntities(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var amp = raw.IndexOf((byte)'&');
            if (amp < 0)
            {
                sb.Append(Utf8String(raw));
                break;
            }

            sb.Append(Utf8String(raw[..amp]));
            raw = raw[(amp + 1)..];
            var semi = raw.IndexOf((byte)';');
            if (semi <= 0 || semi > 10) throw GiveUp();
            var name = raw[..semi];
            raw = raw[(semi + 1)..];
            if (name.SequenceEqual("lt"u8)) sb.Append('<');
            else if (name.SequenceEqual("gt"u8)) sb.Append('>');
            else if (name.SequenceEqual("amp"u8)) sb.Append('&');
            else if (name.SequenceEqual("quot"u8)) sb.Append('"');
            else if (name.SequenceEqual("apos"u8)) sb.Append('\'');
            else if (name[0] == (byte)'#')
            {
                var hex = name.Length > 1 && name[1] == (byte)'x';
                var digits = name[(hex ? 2 : 1)..];
                if (digits.IsEmpty || !uint.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var cp)) throw GiveUp();
                var valid = cp is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
                if (!valid) throw GiveUp();
                sb.Append(char.ConvertFromUtf32((int)cp));
            }
            else
            {
                throw GiveUp();
            }
        }

        return sb.ToString();
    }
}
