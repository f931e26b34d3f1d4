using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// One Deserialize call. Recursive descent over an <see cref="XmlReader"/>; recursion depth is bounded by
/// <see cref="ClixmlLimits.MaxDepth"/> (counted in elements, the outermost element being depth 1). Element names are
/// matched by local name, so the PowerShell default namespace may be present or absent.
/// </summary>
internal sealed class ClixmlReaderCore
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Doctype => "<!DOCTYPE"u8;

    private readonly XmlReader _reader;
    private readonly ClixmlLimits _limits;
    private readonly Dictionary<int, PsObject> _objects = [];
    private readonly Dictionary<int, IReadOnlyList<string>> _typeNames = [];
    private int _objectCount;
    private int _referenceCount;

    private ClixmlReaderCore(XmlReader reader, ClixmlLimits limits)
    {
        _reader = reader;
        _limits = limits;
    }

    public static PsValue Read(ReadOnlySpan<byte> utf8, ClixmlLimits limits)
    {
        utf8 = Checked(utf8, limits);
        if (TryReadPlainString(utf8, limits) is { } plain) return plain;
        if (ClixmlFastReader.TryRead(utf8, limits, out var fast)) return fast!;
        return ReadWithXmlReader(utf8, limits);
    }

    // The document within its size limit, without its byte order mark; an empty one is refused.
    private static ReadOnlySpan<byte> Checked(ReadOnlySpan<byte> utf8, ClixmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (utf8.Length > limits.MaxDocumentBytes)
        {
            throw new ClixmlException(ClixmlError.DocumentTooLarge,
                $"CLIXML document of {utf8.Length} bytes exceeds the limit of {limits.MaxDocumentBytes} bytes.");
        }

        if (utf8.StartsWith(Bom)) utf8 = utf8[3..];
        if (utf8.Trim(" \t\r\n"u8).IsEmpty) throw new ClixmlException(ClixmlError.Empty, "CLIXML document is empty.");
        return utf8;
    }

    // Printable ASCII, tab and line feed, except what XML or CLIXML gives a meaning in text: '&' (entities), '<'
    // (markup), ']' (a "]]>" is an error), '_' (CLIXML's _xHHHH_ escapes). CR is left out too (XML normalizes it).
    private static readonly SearchValues<byte> PlainStringBytes = SearchValues.Create(
        "\t\n !\"#$%'()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\^`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>
    /// A document that is exactly <c>&lt;S&gt;text&lt;/S&gt;</c> with text of <see cref="PlainStringBytes"/> only
    /// (what a script writing plain strings sends as each PIPELINE_OUTPUT): its string, straight from the bytes,
    /// as both readers below would make it; null for anything else, which they read.
    /// </summary>
    internal static PsPrimitive? TryReadPlainString(ReadOnlySpan<byte> utf8, ClixmlLimits limits)
    {
        if (limits.MaxDepth < 1 || utf8.Length < "<S></S>".Length || !utf8.StartsWith("<S>"u8) || !utf8.EndsWith("</S>"u8)) return null;
        var text = utf8[3..^4];
        if (text.IndexOfAnyExcept(PlainStringBytes) >= 0) return null;
        return new PsPrimitive(PsPrimitiveType.String, text.IsEmpty ? string.Empty : Encoding.ASCII.GetString(text));
    }

    /// <summary>Every object of an <c>&lt;Objs&gt;</c> document (references shared across them), or the one bare element.</summary>
    public static IReadOnlyList<PsValue> ReadAll(ReadOnlySpan<byte> utf8, ClixmlLimits limits)
    {
        var all = ReadWithXmlReader(Checked(utf8, limits), limits, all: true);
        return all is PsObject { TypeNames: null, CollectionKind: PsCollectionKind.List } list ? list.Items : [all];
    }

    /// <summary>The XmlReader path: any document, exact error reports (the fast path gives up to it).</summary>
    internal static PsValue ReadWithXmlReader(ReadOnlySpan<byte> utf8, ClixmlLimits limits, bool all = false)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreWhitespace = false, // whitespace inside <S> is data; skipped explicitly between elements
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            ConformanceLevel = ConformanceLevel.Document,
            MaxCharactersInDocument = limits.MaxDocumentBytes,
            CloseInput = true,
        };

        var rented = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            utf8.CopyTo(rented);
            using var stream = new MemoryStream(rented, 0, utf8.Length, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            return new ClixmlReaderCore(reader, limits).ReadDocument(all);
        }
        catch (XmlException ex)
        {
            if (utf8.IndexOf(Doctype) >= 0)
            {
                throw new ClixmlException(ClixmlError.DtdProhibited, "CLIXML document contains a DTD, which is prohibited.", ex);
            }

            throw new ClixmlException(ClixmlError.MalformedXml, $"CLIXML document is not well-formed XML: {ex.Message}", ex);
        }
        catch (InsufficientExecutionStackException ex)
        {
            throw new ClixmlException(ClixmlError.DepthLimitExceeded, "CLIXML nesting is too deep for the stack.", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ClixmlException(ClixmlError.MalformedXml, "CLIXML document is not valid UTF-8.", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // all: every child of <Objs>, as a list without type names (ReadAll unwraps it).
    private PsValue ReadDocument(bool all = false)
    {
        if (!MoveToElement()) throw new ClixmlException(ClixmlError.Empty, "CLIXML document has no element.");

        PsValue result;
        if (_reader.LocalName == ClixmlTags.Objs && all)
        {
            EnterElement(1);
            var children = new List<PsValue>();
            ForEachChild(depth: 1, child => children.Add(ReadValue(child)));
            result = PsObjects.List(children, null);
        }
        else if (_reader.LocalName == ClixmlTags.Objs)
        {
            EnterElement(1);
            PsValue? first = null;
            ForEachChild(depth: 1, child =>
            {
                if (first is null) first = ReadValue(child);
                else _reader.Skip();
            });
            result = first ?? throw new ClixmlException(ClixmlError.Empty, "<Objs> document holds no object.");
        }
        else
        {
            result = ReadValue(1);
        }

        // Read on to the end so trailing garbage or a second root element is reported as malformed.
        while (_reader.Read())
        {
        }

        return result;
    }

    /// <summary>Advances to the next element at this level; false at an end element or end of input.</summary>
    private bool MoveToElement()
    {
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    return false;
                case XmlNodeType.None:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                case XmlNodeType.Comment:
                case XmlNodeType.ProcessingInstruction:
                case XmlNodeType.XmlDeclaration:
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                    if (string.IsNullOrWhiteSpace(_reader.Value)) break;
                    throw new ClixmlException(ClixmlError.MalformedXml,
                        $"Unexpected text '{ClixmlTags.Truncate(_reader.Value)}' where an element was expected.");
                default:
                    throw new ClixmlException(ClixmlError.MalformedXml, $"Unexpected {_reader.NodeType} node.");
            }

            if (!_reader.Read()) return false;
        }
    }

    /// <summary>Reader on a start element at <paramref name="depth"/>: calls <paramref name="onChild"/> (with the
    /// child depth) for each child element, which must consume it; ends after the parent's end tag.</summary>
    private void ForEachChild(int depth, Action<int> onChild)
    {
        if (_reader.IsEmptyElement)
        {
            _reader.Read();
            return;
        }

        _reader.Read();
        while (MoveToElement())
        {
            EnterElement(depth + 1);
            onChild(depth + 1);
        }
        if (_reader.NodeType != XmlNodeType.EndElement) throw new XmlException("Unexpected end of document.");
        _reader.Read();
    }

    private void EnterElement(int depth)
    {
        if (depth > _limits.MaxDepth)
        {
            throw new ClixmlException(ClixmlError.DepthLimitExceeded,
                $"CLIXML nesting exceeds the depth limit of {_limits.MaxDepth}.");
        }
    }

    /// <summary>Text content of a leaf element (whitespace kept); ends after its end tag.</summary>
    private string ReadText()
    {
        if (_reader.IsEmptyElement)
        {
            _reader.Read();
            return string.Empty;
        }

        var tag = _reader.LocalName;
        string? single = null;
        StringBuilder? sb = null;
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    if (single is null) single = _reader.Value;
                    else (sb ??= new StringBuilder(single)).Append(_reader.Value);
                    break;
                case XmlNodeType.Comment:
                case XmlNodeType.ProcessingInstruction:
                    break;
                case XmlNodeType.EndElement:
                    _reader.Read();
                    return sb?.ToString() ?? single ?? string.Empty;
                default:
                    throw new ClixmlException(ClixmlError.InvalidPrimitiveValue,
                        $"<{tag}> must hold text only, found {_reader.NodeType} '{_reader.LocalName}'.");
            }
        }

        throw new XmlException("Unexpected end of document.");
    }

    private PsValue ReadValue(int depth)
    {
        EnterElement(depth);
        var tag = _reader.LocalName;
        switch (tag)
        {
            case ClixmlTags.Nil:
                _reader.Skip();
                return PsNil.Instance;
            case ClixmlTags.Ref:
                return ReadRef();
            case ClixmlTags.Obj:
                return ReadObject(depth);
            default:
                if (ClixmlTags.TryGetPrimitive(tag, out var type)) return ClixmlTags.Parse(type, ReadText());
                throw UnknownElement(tag);
        }
    }

    private static ClixmlException UnknownElement(string tag, string where = "")
        => new(ClixmlError.UnknownElement, $"Unknown CLIXML element <{tag}>{where}.");

    private PsObject ReadRef()
    {
        if (++_referenceCount > _limits.MaxReferences)
        {
            throw new ClixmlException(ClixmlError.ReferenceLimitExceeded,
                $"CLIXML document has more than {_limits.MaxReferences} references.");
        }

        var refId = ReadRefIdAttribute(required: true)!.Value;
        if (!_objects.TryGetValue(refId, out var target))
        {
            throw new ClixmlException(ClixmlError.UnknownReference, $"<Ref RefId=\"{refId}\" /> names no earlier object.");
        }

        _reader.Skip();
        return target;
    }

    private int? ReadRefIdAttribute(bool required)
    {
        var text = _reader.GetAttribute(ClixmlTags.RefIdAttr);
        if (text is null)
        {
            if (required) throw new ClixmlException(ClixmlError.MalformedXml, $"<{_reader.LocalName}> lacks a RefId attribute.");
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) return id;
        throw new ClixmlException(ClixmlError.MalformedXml, $"RefId '{ClixmlTags.Truncate(text)}' is not an integer.");
    }

    private PsObject ReadObject(int depth)
    {
        if (++_objectCount > _limits.MaxObjects)
        {
            throw new ClixmlException(ClixmlError.ObjectLimitExceeded,
                $"CLIXML document has more than {_limits.MaxObjects} objects.");
        }

        RuntimeHelpers.EnsureSufficientExecutionStack(); // a caller may have raised MaxDepth very high
        var obj = new PsObject();
        if (ReadRefIdAttribute(required: false) is { } refId) _objects[refId] = obj; // registered first: cycles resolve

        ForEachChild(depth, childDepth =>
        {
            EnterElement(childDepth);
            var tag = _reader.LocalName;
            switch (tag)
            {
                case ClixmlTags.TN:
                    obj.TypeNames = ReadTypeNames(childDepth);
                    break;
                case ClixmlTags.TNRef:
                {
                    var id = ReadRefIdAttribute(required: true)!.Value;
                    obj.TypeNames = _typeNames.TryGetValue(id, out var names)
                        ? names
                        : throw new ClixmlException(ClixmlError.UnknownTypeNameReference,
                            $"<TNRef RefId=\"{id}\" /> names no earlier type-name list.");
                    _reader.Skip();
                    break;
                }

                case ClixmlTags.ToStringTag:
                    obj.ToStringValue = ClixmlString.Decode(ReadText());
                    break;
                case ClixmlTags.Props:
                    ReadProperties(childDepth, obj.AdaptedProperties);
                    break;
                case ClixmlTags.MS:
                    ReadProperties(childDepth, obj.ExtendedProperties);
                    break;
                case ClixmlTags.DCT:
                    obj.CollectionKind = PsCollectionKind.Dictionary;
                    ReadEntries(childDepth, obj.Entries);
                    break;
                default:
                    if (ClixmlTags.TryGetCollection(tag, out var kind))
                    {
                        obj.CollectionKind = kind;
                        ForEachChild(childDepth, itemDepth => obj.Items.Add(ReadValue(itemDepth)));
                    }
                    else if (ClixmlTags.TryGetPrimitive(tag, out var type))
                    {
                        obj.BaseValue = ClixmlTags.Parse(type, ReadText());
                    }
                    else
                    {
                        throw UnknownElement(tag, " inside <Obj>");
                    }

                    break;
            }
        });

        return obj;
    }

    private IReadOnlyList<string> ReadTypeNames(int depth)
    {
        var refId = ReadRefIdAttribute(required: false);
        var names = new List<string>();
        ForEachChild(depth, childDepth =>
        {
            EnterElement(childDepth);
            if (_reader.LocalName != ClixmlTags.T) throw UnknownElement(_reader.LocalName, " inside <TN>");
            names.Add(ClixmlString.Decode(ReadText()));
        });

        IReadOnlyList<string> result = names.AsReadOnly();
        if (refId is { } id) _typeNames[id] = result;
        return result;
    }

    private void ReadProperties(int depth, List<PsProperty> into)
    {
        ForEachChild(depth, childDepth =>
        {
            var name = _reader.GetAttribute(ClixmlTags.NameAttr);
            if (name is null)
            {
                throw new ClixmlException(ClixmlError.MalformedXml, $"Property element <{_reader.LocalName}> lacks an N attribute.");
            }

            into.Add(new PsProperty(ClixmlString.Decode(name), ReadValue(childDepth)));
        });
    }

    private void ReadEntries(int depth, List<KeyValuePair<PsValue, PsValue>> into)
    {
        ForEachChild(depth, entryDepth =>
        {
            EnterElement(entryDepth);
            if (_reader.LocalName != ClixmlTags.En) throw UnknownElement(_reader.LocalName, " inside <DCT>");
            PsValue? key = null;
            PsValue? value = null;
            ForEachChild(entryDepth, childDepth =>
            {
                var n = _reader.GetAttribute(ClixmlTags.NameAttr);
                if (n == ClixmlTags.KeyName) key = ReadValue(childDepth);
                else if (n == ClixmlTags.ValueName) value = ReadValue(childDepth);
                else throw new ClixmlException(ClixmlError.MalformedXml, "A dictionary entry element must have N=\"Key\" or N=\"Value\".");
            });

            if (key is null) throw new ClixmlException(ClixmlError.MalformedXml, "Dictionary entry without a Key.");
            into.Add(new KeyValuePair<PsValue, PsValue>(key, value ?? PsNil.Instance));
        });
    }
}
