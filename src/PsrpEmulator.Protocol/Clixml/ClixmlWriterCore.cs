using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>One Serialize call: an XmlWriter over the caller's buffer plus the Obj/TN RefId bookkeeping.</summary>
internal sealed class ClixmlWriterCore
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
        NewLineHandling = NewLineHandling.None,
        ConformanceLevel = ConformanceLevel.Fragment,
        CloseOutput = false,
        CheckCharacters = true,
    };

    private readonly XmlWriter _writer;
    private readonly Dictionary<PsObject, int> _objects = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<IReadOnlyList<string>, int> _typeNames = new(TypeNameListComparer.Instance);

    private ClixmlWriterCore(XmlWriter writer) => _writer = writer;

    public static void Write(IBufferWriter<byte> output, PsValue value, bool writeBom)
    {
        if (writeBom)
        {
            var span = output.GetSpan(3);
            span[0] = 0xEF;
            span[1] = 0xBB;
            span[2] = 0xBF;
            output.Advance(3);
        }

        using var stream = new BufferWriterStream(output);
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            new ClixmlWriterCore(writer).WriteValue(value, name: null);
            writer.Flush();
        }
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
            case PsObject o:
                WriteObject(o, name);
                break;
            default:
                throw new ArgumentException($"Unsupported PsValue type {value.GetType()}.", nameof(value));
        }
    }

    private void WriteName(string? name)
    {
        if (name is not null) _writer.WriteAttributeString(ClixmlTags.NameAttr, ClixmlString.Encode(name));
    }

    private void WritePrimitive(PsPrimitive p, string? name)
    {
        _writer.WriteStartElement(ClixmlTags.TagOf(p.Type));
        WriteName(name);
        // Always write text (even empty) so an empty string is <S></S>, as PowerShell writes it.
        _writer.WriteString(ClixmlTags.Format(p));
        _writer.WriteEndElement();
    }

    private void WriteObject(PsObject o, string? name)
    {
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
            var h = new HashCode();
            foreach (var s in obj) h.Add(s, StringComparer.Ordinal);
            return h.ToHashCode();
        }
    }

    /// <summary>Write-only stream that appends to an <see cref="IBufferWriter{T}"/>.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.IsEmpty) return;
            var span = output.GetSpan(buffer.Length);
            buffer.CopyTo(span);
            output.Advance(buffer.Length);
        }

        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
