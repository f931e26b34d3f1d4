using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// Streaming envelope reader (XmlReader, DTD prohibited, no resolver, size and depth limits).
/// </summary>
/// <remarks>
/// Elements are matched by namespace and local name, never by prefix; header order does not matter and unknown
/// headers are ignored. Header value errors are reported after the whole header was read, so
/// <see cref="EnvelopeException.Header"/> still carries the MessageID for the fault's RelatesTo.
/// An <c>rsp:Shell</c> body with an <c>rsp:ShellId</c> child element is a <see cref="ShellBody"/> (Get response);
/// without one it is a <see cref="ShellCreateBody"/> (Create request, including cmd shells with neither attributes
/// nor creationXml). An empty <c>n:EnumerationContext</c> is read as null.
/// <c>rsp:DisconnectResponse</c> and <c>rsp:ReconnectResponse</c> elements are read as <see cref="EmptyBody"/>.
/// </remarks>
public static class WsManEnvelopeReader
{
    public static WsManEnvelope Read(ReadOnlySpan<byte> utf8, EnvelopeLimits? limits = null) => Read(utf8, limits, shortcuts: true);

    /// <summary>
    /// As <see cref="Read(ReadOnlySpan{byte}, EnvelopeLimits?)"/>, except that the streams of an
    /// <c>rsp:ReceiveResponse</c> are a <see cref="ShellStreamList"/>: struct entries, data decoded into pooled
    /// buffers that the caller gives back with <see cref="ShellStreamList.Return"/> once it has decoded them (a
    /// client reading thousands of small outputs per response allocates neither a stream object nor data per output).
    /// Bytes at the start of an array are read in place (not copied first); nothing of them is kept.
    /// </summary>
    public static WsManEnvelope ReadPooled(ReadOnlyMemory<byte> utf8, EnvelopeLimits? limits = null) =>
        Read(utf8.Span, limits, shortcuts: true, pooled: true, MemoryMarshal.TryGetArray(utf8, out var segment) && segment.Offset == 0 ? segment.Array : null);

    /// <summary>
    /// With <paramref name="shortcuts"/> false, the XmlReader reads every byte (no base64 runs or stream groups taken
    /// from the raw bytes): the reference the shortcuts must agree with (tests compare the two).
    /// <paramref name="whole"/>, when given, is an array that starts with <paramref name="utf8"/>: read in place.
    /// </summary>
    internal static WsManEnvelope Read(ReadOnlySpan<byte> utf8, EnvelopeLimits? limits, bool shortcuts, bool pooled = false, byte[]? whole = null)
    {
        limits ??= EnvelopeLimits.Default;
        if (utf8.Length > limits.MaxEnvelopeBytes)
        {
            throw new EnvelopeException(EnvelopeError.TooLarge, $"The envelope is {utf8.Length} bytes; the limit is {limits.MaxEnvelopeBytes}.");
        }

        // The reader needs the document in an array (a MemoryStream over it, the runs decoded from it): the caller's
        // own when it has one (a response body of several hundred KB is not copied again), else a pooled copy.
        var rented = whole ?? ArrayPool<byte>.Shared.Rent(Math.Max(utf8.Length, 1));
        byte[]? cut = null;
        Base64Runs? runs = null;
        try
        {
            if (whole is null) utf8.CopyTo(rented);
            // Long base64 runs (stream data) are taken out of what the XmlReader parses and decoded from the raw
            // bytes: XmlReader would turn each into a string first. Any failure re-reads the original document so
            // that errors are reported exactly as before.
            runs = shortcuts ? Base64Runs.Find(utf8) : null;
            if (runs is not null)
            {
                cut = ArrayPool<byte>.Shared.Rent(utf8.Length);
                var length = runs.Rewrite(utf8, cut);
                try
                {
                    return TryParsePlain(cut, length, limits, runs, rented, pooled) ?? Parse(cut, length, limits, utf8, runs, rented, pooled);
                }
#pragma warning disable CA1031 // the original document decides
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            return (shortcuts ? TryParsePlain(rented, utf8.Length, limits, null, rented, pooled) : null) ?? Parse(rented, utf8.Length, limits, utf8, null, rented, pooled);
        }
        finally
        {
            if (cut is not null) ArrayPool<byte>.Shared.Return(cut);
            runs?.Return();
            if (whole is null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Tests: the envelope as <see cref="PlainXmlReader"/> reads it (no base64 runs), or null when it does not (the
    /// input is outside its subset, or anything failed): what <see cref="Read(ReadOnlySpan{byte}, EnvelopeLimits?)"/>
    /// returns for such an input must be exactly what XmlReader makes of it.
    /// </summary>
    internal static WsManEnvelope? ReadPlainOnly(ReadOnlySpan<byte> utf8, EnvelopeLimits? limits = null)
    {
        limits ??= EnvelopeLimits.Default;
        if (utf8.Length > limits.MaxEnvelopeBytes) return null;
        var buffer = utf8.ToArray();
        return TryParsePlain(buffer, buffer.Length, limits, null, buffer, pooled: false);
    }

    // This thread's plain reader, reset for each envelope.
    [ThreadStatic]
    private static PlainXmlReader? t_plain;

    /// <summary>
    /// The envelope read with <see cref="PlainXmlReader"/> when the document is in its subset; null when it is not or
    /// when anything failed (XmlReader then reads it and reports errors as always).
    /// </summary>
    private static WsManEnvelope? TryParsePlain(byte[] buffer, int length, EnvelopeLimits limits, Base64Runs? runs, byte[] original, bool pooled)
    {
        if (!PlainXmlReader.MayRead(buffer.AsSpan(0, length))) return null;
        var reader = t_plain ?? new PlainXmlReader();
        t_plain = null; // not shared by a nested read
        try
        {
            reader.Reset(buffer, length, ThreadNames());
            return new Parser(reader, limits.MaxDepth) { Runs = runs, Original = original, Pooled = pooled }.ReadEnvelope();
        }
#pragma warning disable CA1031 // XmlReader decides
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
        finally
        {
            reader.Release();
            t_plain = reader;
        }
    }

    private static WsManEnvelope Parse(byte[] buffer, int length, EnvelopeLimits limits, ReadOnlySpan<byte> utf8, Base64Runs? runs, byte[] original, bool pooled)
    {
        using var stream = new MemoryStream(buffer, 0, length, writable: false);
        var settings = ThreadSettings(limits);
        using var xml = XmlReader.Create(stream, settings);
        var parser = new Parser(xml, limits.MaxDepth) { Runs = runs, Original = original, Pooled = pooled };
        try
        {
            return parser.ReadEnvelope();
        }
        catch (XmlException e)
        {
            if (utf8.IndexOf("<!DOCTYPE"u8) >= 0 || utf8.IndexOf("<!ENTITY"u8) >= 0)
            {
                throw new EnvelopeException(EnvelopeError.DtdProhibited, "The envelope contains a DTD or entity declaration, which is not allowed.", e);
            }

            throw new EnvelopeException(EnvelopeError.MalformedXml, "The envelope is not well-formed XML: " + e.Message, e) { Header = parser.Header };
        }
    }

    /// <summary>
    /// Text runs of at least <see cref="MinLength"/> base64 characters between '&gt;' and '&lt;', replaced by
    /// <c>#index</c> markers (only in documents without any '#', so a marker is never mistaken for data).
    /// </summary>
    internal sealed class Base64Runs
    {
        // Stream data of one small object is about 200 characters; shorter runs are not worth a marker.
        private const int MinLength = 64;
        private static readonly System.Buffers.SearchValues<byte> Alphabet =
            System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

        // A pooled array (thousands of runs in a response of small objects: a list grown by doubling left about
        // 30 bytes of garbage per stream); the runs are only used while the envelope is read.
        private Run[] _runs = ArrayPool<Run>.Shared.Rent(64);
        private int _count;

        // RepeatsGap: the bytes before this run are the bytes between the two runs before it (the scan matched them).
        private readonly record struct Run(int Start, int Length, bool RepeatsGap);

        public (int Start, int Length) this[int index] => index < _count ? (_runs[index].Start, _runs[index].Length) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => _count;

        /// <summary>
        /// True when the bytes between runs <paramref name="index"/> - 1 and <paramref name="index"/> are the same as
        /// between runs <paramref name="index"/> - 2 and <paramref name="index"/> - 1 (the scan compared them): a
        /// separator already checked need not be compared again.
        /// </summary>
        public bool RepeatsGap(int index) => index < _count && _runs[index].RepeatsGap;

        private void Add(int start, int length, bool repeatsGap)
        {
            if (_count == _runs.Length)
            {
                var larger = ArrayPool<Run>.Shared.Rent(_count * 2);
                _runs.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<Run>.Shared.Return(_runs);
                _runs = larger;
            }

            _runs[_count++] = new Run(start, length, repeatsGap);
        }

        /// <summary>Gives the runs' array back to the pool (the envelope has been read).</summary>
        public void Return()
        {
            ArrayPool<Run>.Shared.Return(_runs);
            _runs = [];
            _count = 0;
        }

        /// <summary>What the runs small enough to share chunks decode to at most: the chunk space the envelope needs.</summary>
        public int ChunkedBytes { get; private set; }

        public static int DecodedSize(int base64Length) => (base64Length / 4 * 3) + 3;

        public static Base64Runs? Find(ReadOnlySpan<byte> xml)
        {
            if (xml.Length < MinLength * 2) return null;
            Base64Runs? result = null;
            var pos = 0;
            // The bytes between the last two runs. When the bytes after a run repeat them (the next rsp:Stream of a
            // group: thousands in a response of small objects), the scan would take the same steps through them
            // and come to the same '>' before a run: it resumes there at once.
            ReadOnlySpan<byte> gap = default;
            var lastRunEnd = -1;
            // Bytes before this were looked at for '#' and CDATA (or repeat bytes that were; runs are base64 only),
            // so the document is not scanned for them separately.
            var cleanTo = 0;
            while (true)
            {
                int start;
                var repeated = false;
                if (pos == lastRunEnd && !gap.IsEmpty && xml[pos..].StartsWith(gap))
                {
                    start = pos + gap.Length;
                    cleanTo = start;
                    repeated = true;
                }
                else
                {
                    var gt = xml[pos..].IndexOf((byte)'>');
                    if (gt < 0) break;
                    start = pos + gt + 1;
                }

                // One pass over the text: where the base64 alphabet ends, and whether the '<' that ends the text is there.
                var text = xml[start..];
                var other = text.IndexOfAnyExcept(Alphabet);
                if (other < 0) break; // no '<' follows
                int lt;
                var run = false;
                if (text[other] == (byte)'<')
                {
                    lt = other;
                    run = lt >= MinLength;
                }
                else
                {
                    var rest = text[other..].IndexOf((byte)'<');
                    if (rest < 0) break;
                    lt = other + rest;
                }

                if (!Clean(xml[cleanTo..(run ? start : start + lt)]))
                {
                    result?.Return();
                    return null;
                }

                cleanTo = start + lt;
                if (run)
                {
                    if (lastRunEnd >= 0) gap = xml[lastRunEnd..start];
                    (result ??= new()).Add(start, lt, repeated);
                    if (DecodedSize(lt) <= Parser.ChunkSize / 4) result.ChunkedBytes += DecodedSize(lt);
                    lastRunEnd = start + lt;
                }

                pos = start + lt;
            }

            if (!Clean(xml[cleanTo..]))
            {
                result?.Return();
                return null;
            }

            result?.FindGroups(xml);
            return result;
        }

        /// <summary>
        /// Not in a document with '#' (a marker must never be mistaken for data) or CDATA (a run inside a CDATA
        /// section is text the reader must see as it is). A CDATA start has no '&gt;' and only one '&lt;', its first
        /// byte, so it never straddles two of the stretches looked at (each begins at a '&lt;' or after a '&gt;').
        /// </summary>
        private static bool Clean(ReadOnlySpan<byte> bytes) => bytes.IndexOf((byte)'#') < 0 && bytes.IndexOf("<![CDATA["u8) < 0;

        // For a run that starts a group of rsp:Stream elements: the index of the group's last run.
        private Dictionary<int, int>? _groups;

        /// <summary>The last run of the group <paramref name="index"/> starts, or <paramref name="index"/> itself.</summary>
        public int GroupEnd(int index) => _groups is not null && _groups.TryGetValue(index, out var end) ? end : index;

        /// <summary>
        /// Consecutive rsp:Stream elements (one per fragment: thousands in a response of small objects) written
        /// exactly as Windows writes them, each holding one run: the XmlReader sees only the first element, whose
        /// content stands for all of them; the others are read from the original bytes. Only this one form is
        /// grouped (start tags without namespace declarations, attribute values of plain characters, nothing
        /// between the elements), so every member is well-formed and in the first element's namespace.
        /// </summary>
        private void FindGroups(ReadOnlySpan<byte> xml)
        {
            var i = 0;
            while (i < _count - 1)
            {
                var start = _runs[i].Start;
                var lt = xml[..start].LastIndexOf((byte)'<');
                if (lt < 0 || !StreamStartTag.TryParse(xml[lt..start], out _))
                {
                    i++;
                    continue;
                }

                var j = i;
                ReadOnlySpan<byte> previous = default;
                while (j + 1 < _count)
                {
                    // A separator the scan found equal to the one before it, checked already: no need to look again.
                    if (j > i && _runs[j + 1].RepeatsGap)
                    {
                        j++;
                        continue;
                    }

                    // Separators almost always repeat: one checked already is the same bytes again.
                    var between = xml[(_runs[j].Start + _runs[j].Length).._runs[j + 1].Start];
                    if (!between.SequenceEqual(previous))
                    {
                        if (!StreamStartTag.TryParseSeparator(between, out _)) break;
                        previous = between;
                    }

                    j++;
                }

                if (j > i) (_groups ??= [])[i] = j;
                i = j + 1;
            }
        }

        /// <summary>Writes <paramref name="xml"/> with each run replaced by its marker; returns the length written.</summary>
        public int Rewrite(ReadOnlySpan<byte> xml, Span<byte> destination)
        {
            var from = 0;
            var to = 0;
            for (var i = 0; i < _count; i++)
            {
                var (start, length, _) = _runs[i];
                var last = GroupEnd(i);
                xml[from..start].CopyTo(destination[to..]);
                to += start - from;
                destination[to++] = (byte)'#';
                i.TryFormat(destination[to..], out var written, default, CultureInfo.InvariantCulture);
                to += written;
                // A group's marker stands for everything up to the end of its last run.
                from = last == i ? start + length : _runs[last].Start + _runs[last].Length;
                i = last;
            }

            xml[from..].CopyTo(destination[to..]);
            return to + (xml.Length - from);
        }

        /// <summary>The run index a text node stands for, or -1.</summary>
        public int MarkerIndex(string text) =>
            text.Length >= 2 && text[0] == '#' && int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < _count ? i : -1;
    }

    /// <summary>
    /// The one rsp:Stream start tag form that is grouped: <c>&lt;rsp:Stream Name="v"[ CommandId="v"][ End="true"]&gt;</c>,
    /// values of letters, digits and <c>-_.:/{}</c> only (so the bytes are the attribute values XmlReader reports).
    /// </summary>
    private readonly record struct StreamStartTag(Range Name, Range? CommandId, bool End)
    {
        private static readonly System.Buffers.SearchValues<byte> ValueBytes =
            System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/{}"u8);

        /// <summary><c>&lt;/rsp:Stream&gt;</c> directly followed by a grouped start tag (ranges relative to the start tag).</summary>
        public static bool TryParseSeparator(ReadOnlySpan<byte> between, out StreamStartTag tag)
        {
            tag = default;
            return between.StartsWith("</rsp:Stream>"u8) && TryParse(between["</rsp:Stream>".Length..], out tag);
        }

        public static bool TryParse(ReadOnlySpan<byte> tag, out StreamStartTag parsed)
        {
            parsed = default;
            var pos = 0;
            if (!Attribute(tag, "<rsp:Stream Name=\""u8, ref pos, out var name)) return false;
            Range? commandId = null;
            if (tag[pos..].StartsWith(" CommandId=\""u8))
            {
                if (!Attribute(tag, " CommandId=\""u8, ref pos, out var id)) return false;
                commandId = id;
            }

            var end = false;
            if (tag[pos..].StartsWith(" End=\"true\""u8))
            {
                end = true;
                pos += " End=\"true\"".Length;
            }

            if (pos != tag.Length - 1 || tag[pos] != (byte)'>') return false;
            parsed = new StreamStartTag(name, commandId, end);
            return true;
        }

        private static bool Attribute(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> open, ref int pos, out Range value)
        {
            value = default;
            if (!tag[pos..].StartsWith(open)) return false;
            var start = pos + open.Length;
            var quote = tag[start..].IndexOf((byte)'"');
            if (quote <= 0 || tag.Slice(start, quote).IndexOfAnyExcept(ValueBytes) >= 0) return false;
            value = start..(start + quote);
            pos = start + quote + 1;
            return true;
        }
    }

    // Each thread reads with its own settings whose name table keeps the names of earlier envelopes (the same few
    // dozen WS-Man names, envelope after envelope): a name already seen is found, not made again as a string and
    // added to a new table per envelope. The table is dropped when an envelope added many names (hostile input).
    [ThreadStatic]
    private static AtomTable? t_names;

    [ThreadStatic]
    private static List<XmlReaderSettings>? t_settings;

    private const int MaxThreadNames = 2048;

    private static AtomTable ThreadNames()
    {
        if (t_names is null || t_names.Added >= MaxThreadNames)
        {
            // The first envelope on this thread, or the table grew too large: a new table.
            t_names = new AtomTable();
            t_settings = [];
        }

        return t_names;
    }

    private static XmlReaderSettings ThreadSettings(EnvelopeLimits limits)
    {
        var names = ThreadNames();
        var kept = t_settings!;
        foreach (var settings in kept)
        {
            if (settings.MaxCharactersInDocument == limits.MaxEnvelopeBytes) return settings;
        }

        // A thread reads with a few limits (the server's, a client's); beyond those, settings are made per envelope.
        if (kept.Count >= 4) return NewSettings(limits);
        var added = NewSettings(limits);
        added.NameTable = names;
        kept.Add(added);
        return added;
    }

    /// <summary>A name table that counts the names added to it.</summary>
    private sealed class AtomTable : XmlNameTable
    {
        private readonly NameTable _names = new();

        // The parser's own literals go in first: the reader then hands back these very strings, and comparing a
        // name with them is a reference check.
        private static readonly string[] Known =
        [
            Ns.S, Ns.A, Ns.W, Ns.P, Ns.Rsp, Ns.X, Ns.N, Ns.F, Ns.Id, Ns.Ps, Ns.Cfg, WsManNamespaces.Xml,
            "Envelope", "Header", "Body", "Action", "To", "MessageID", "RelatesTo", "ReplyTo", "Address", "ResourceURI",
            "SelectorSet", "Selector", "OptionSet", "Option", "Name", "MustComply", "mustUnderstand", "lang", "Locale",
            "DataLocale", "SessionId", "OperationID", "OperationTimeout", "MaxEnvelopeSize", "SequenceId", "CompressionType",
            "Shell", "ShellId", "InputStreams", "OutputStreams", "IdleTimeOut", "creationXml", "ResourceCreated",
            "ReferenceParameters", "CommandLine", "Command", "Arguments", "CommandId", "CommandResponse", "Send", "Stream",
            "End", "Receive", "DesiredStream", "ReceiveResponse", "CommandState", "State", "ExitCode", "Signal", "Code",
        ];

        public AtomTable()
        {
            foreach (var name in Known) _names.Add(name);
        }

        public int Added { get; private set; }

        public override string Add(char[] array, int offset, int length) => _names.Get(array, offset, length) ?? Counted(_names.Add(array, offset, length));

        public override string Add(string array) => _names.Get(array) ?? Counted(_names.Add(array));

        public override string? Get(char[] array, int offset, int length) => _names.Get(array, offset, length);

        public override string? Get(string array) => _names.Get(array);

        private string Counted(string name)
        {
            Added++;
            return name;
        }
    }

    private static XmlReaderSettings NewSettings(EnvelopeLimits limits) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = limits.MaxEnvelopeBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CloseInput = false,
    };

    private static class Ns
    {
        public const string S = WsManNamespaces.Soap;
        public const string A = WsManNamespaces.Addressing;
        public const string W = WsManNamespaces.WsMan;
        public const string P = WsManNamespaces.WsManMicrosoft;
        public const string Rsp = WsManNamespaces.Shell;
        public const string X = WsManNamespaces.Transfer;
        public const string N = WsManNamespaces.Enumeration;
        public const string F = WsManNamespaces.WsManFault;
        public const string Id = WsManNamespaces.Identity;
        public const string Ps = WsManNamespaces.PowerShell;
        public const string Cfg = WsManNamespaces.Config;
    }

    private sealed class Parser(XmlReader r, int maxDepth)
    {
        private WsManHeader? _header;

        /// <summary>Base64 runs taken out of the document the reader sees, and the original bytes they are in.</summary>
        public Base64Runs? Runs { get; init; }

        public byte[]? Original { get; init; }

        /// <summary>A ReceiveResponse's streams go into a <see cref="ShellStreamList"/> (pooled buffers).</summary>
        public bool Pooled { get; init; }

        // While the streams of a pooled ReceiveResponse are read: where their decoded data are rented from.
        private ShellStreamList? _pooledStreams;

        private string Restore(string text)
        {
            if (Runs is null) return text;
            var i = Runs.MarkerIndex(text);
            if (i < 0) return text;
            // A group read as text: not what the original document says there; it is parsed again as it is.
            if (Runs.GroupEnd(i) != i) throw new InvalidOperationException("A group of streams was read as text.");
            var (start, length) = Runs[i];
            return Encoding.ASCII.GetString(Original!, start, length);
        }

        /// <summary>The header once it has been read completely.</summary>
        public WsManHeader? Header => _header;

        public WsManEnvelope ReadEnvelope()
        {
            if (!MoveToContent() || !Is(Ns.S, "Envelope"))
            {
                throw new EnvelopeException(EnvelopeError.NotAnEnvelope, "The root element is not a SOAP 1.2 s:Envelope.");
            }

            var header = new WsManHeader();
            WsManBody? body = null;
            var envDepth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(envDepth))
                {
                    if (body is null && Is(Ns.S, "Header"))
                    {
                        header = ReadHeader();
                        _header = header;
                    }
                    else if (body is null && Is(Ns.S, "Body"))
                    {
                        _header = header;
                        body = ReadBody();
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            // The rest of the document must be well-formed too.
            while (Read())
            {
            }

            if (body is null)
            {
                throw Error(EnvelopeError.InvalidBody, "The envelope has no s:Body.", "Body");
            }

            return new WsManEnvelope(header, body);
        }

        // ---------------------------------------------------------------- header

        private WsManHeader ReadHeader()
        {
            string? action = null, to = null, messageId = null, relatesTo = null, replyTo = null, resourceUri = null;
            string? locale = null, dataLocale = null, sessionId = null, operationId = null, compression = null;
            bool operationIdMustUnderstand = false;
            Dictionary<string, string>? selectors = null;
            List<WsManOption>? options = null;
            TimeSpan? operationTimeout = null;
            int? maxEnvelopeSize = null;
            long? sequenceId = null;
            EnvelopeException? firstError = null;

            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    var ns = r.NamespaceURI;
                    var name = r.LocalName;
                    switch (ns)
                    {
                        case Ns.A when name == "Action": action = ReadText().Trim(); break;
                        case Ns.A when name == "To": to = ReadText().Trim(); break;
                        case Ns.A when name == "MessageID": messageId = ReadText().Trim(); break;
                        case Ns.A when name == "RelatesTo": relatesTo = ReadText().Trim(); break;
                        case Ns.A when name == "ReplyTo": replyTo = ReadReplyTo(); break;
                        case Ns.W when name == "ResourceURI": resourceUri = ReadText().Trim(); break;
                        case Ns.W when name == "SelectorSet": selectors = ReadSelectorSet(); break;
                        case Ns.W when name == "OptionSet": options = ReadOptionSet(); break;
                        case Ns.W when name == "Locale": locale = r.GetAttribute("lang", WsManNamespaces.Xml); SkipElement(); break;
                        case Ns.P when name == "DataLocale": dataLocale = r.GetAttribute("lang", WsManNamespaces.Xml); SkipElement(); break;
                        case Ns.P when name == "SessionId": sessionId = ReadText().Trim(); break;
                        case Ns.Rsp when name == "CompressionType": compression = ReadText().Trim(); break;
                        case Ns.P when name == "OperationID":
                            operationIdMustUnderstand = IsTrue(r.GetAttribute("mustUnderstand", Ns.S));
                            operationId = ReadText().Trim();
                            break;
                        case Ns.W when name == "OperationTimeout":
                        {
                            var text = ReadText().Trim();
                            if (XsDuration.TryParse(text, out var t) && t >= TimeSpan.Zero) operationTimeout = t;
                            else firstError ??= HeaderError(EnvelopeError.InvalidDuration, $"The XML contains an invalid timeout field in the SOAP header: {text}", name);
                            break;
                        }
                        case Ns.W when name == "MaxEnvelopeSize":
                        {
                            var text = ReadText().Trim();
                            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0) maxEnvelopeSize = v;
                            else firstError ??= HeaderError(EnvelopeError.InvalidHeaderValue, $"The MaxEnvelopeSize header value is invalid: {text}", name);
                            break;
                        }
                        case Ns.P when name == "SequenceId":
                        {
                            var text = ReadText().Trim();
                            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) sequenceId = v;
                            else firstError ??= HeaderError(EnvelopeError.InvalidHeaderValue, $"The SequenceId header value is invalid: {text}", name);
                            break;
                        }
                        default: SkipElement(); break;
                    }
                }
            }

            var header = new WsManHeader
            {
                Action = action,
                To = to,
                MessageId = messageId,
                RelatesTo = relatesTo,
                ReplyTo = replyTo,
                ResourceUri = resourceUri,
                // Set here, not by a copy of the whole header afterwards.
                Selectors = selectors ?? WsManHeader.EmptySelectors,
                Options = options ?? [],
                OperationTimeout = operationTimeout,
                MaxEnvelopeSize = maxEnvelopeSize,
                Locale = locale,
                DataLocale = dataLocale,
                SessionId = sessionId,
                OperationId = operationId,
                OperationIdMustUnderstand = operationIdMustUnderstand,
                SequenceId = sequenceId,
                CompressionType = compression,
            };

            if (firstError is not null)
            {
                throw new EnvelopeException(firstError.Reason, firstError.Message) { Header = header, Element = firstError.Element, InHeader = true };
            }

            return header;
        }

        private static EnvelopeException HeaderError(EnvelopeError reason, string message, string element) =>
            new(reason, message) { Element = element, InHeader = true };

        private string? ReadReplyTo()
        {
            string? address = null;
            var depth = r.Depth;
            if (r.IsEmptyElement) return null;
            while (NextChild(depth))
            {
                if (Is(Ns.A, "Address")) address = ReadText().Trim();
                else SkipElement();
            }

            return address;
        }

        private Dictionary<string, string> ReadSelectorSet()
        {
            var selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var depth = r.Depth;
            if (r.IsEmptyElement) return selectors;
            while (NextChild(depth))
            {
                if (Is(Ns.W, "Selector"))
                {
                    var name = r.GetAttribute("Name") ?? "";
                    selectors[name] = ReadText().Trim();
                }
                else
                {
                    SkipElement();
                }
            }

            return selectors;
        }

        private List<WsManOption> ReadOptionSet()
        {
            var options = new List<WsManOption>();
            var depth = r.Depth;
            if (r.IsEmptyElement) return options;
            while (NextChild(depth))
            {
                if (Is(Ns.W, "Option"))
                {
                    var name = r.GetAttribute("Name") ?? "";
                    var mustComply = IsTrue(r.GetAttribute("MustComply"));
                    options.Add(new WsManOption(name, ReadText().Trim(), mustComply));
                }
                else
                {
                    SkipElement();
                }
            }

            return options;
        }

        // ---------------------------------------------------------------- body

        private WsManBody ReadBody()
        {
            var depth = r.Depth;
            if (r.IsEmptyElement || !NextChild(depth)) return EmptyBody.Instance;

            var body = ReadBodyElement();

            // CreateResponse continues with rsp:Shell; anything else after the first body element is ignored.
            while (NextChild(depth))
            {
                if (body is CreateResponseBody { Shell: null } created && Is(Ns.Rsp, "Shell")) body = created with { Shell = ReadShellInfoElement() };
                else SkipElement();
            }

            return body;
        }

        private WsManBody ReadBodyElement()
        {
            var ns = r.NamespaceURI;
            var name = r.LocalName;
            switch (ns)
            {
                case Ns.Rsp:
                    switch (name)
                    {
                        case "Shell": return ReadShellBody();
                        case "CommandLine": return ReadCommandLine();
                        case "CommandResponse": return new CommandResponseBody(Required(ReadSimpleChildren(Ns.Rsp, "CommandId"), "CommandId", "CommandResponse"));
                        case "Send": return new SendBody(ReadStreams("Send")!);
                        case "SendResponse": SkipElement(); return new SendResponseBody();
                        case "Receive": return ReadReceive();
                        case "ReceiveResponse": return ReadReceiveResponse();
                        case "Signal": return ReadSignal();
                        case "SignalResponse": SkipElement(); return new SignalResponseBody();
                        case "Disconnect": return ReadDisconnect();
                        case "DisconnectResponse":
                        case "ReconnectResponse": SkipElement(); return EmptyBody.Instance;
                        case "Reconnect": return ReadReconnect();
                        case "Connect": return ReadConnect();
                        case "ConnectResponse": return ReadConnectResponse();
                    }

                    break;
                case Ns.X when name == "ResourceCreated": return new CreateResponseBody(ReadResourceCreated(), null);
                case Ns.Cfg when name == "Config": return ReadConfig();
                case Ns.Id when name == "Identify": SkipElement(); return new IdentifyBody();
                case Ns.Id when name == "IdentifyResponse": return ReadIdentifyResponse();
                case Ns.N when name == "Enumerate": return ReadEnumerate();
                case Ns.N when name == "Pull": return ReadPull();
                case Ns.N when name == "Release": return new ReleaseBody(ReadPull().EnumerationContext);
                case Ns.N when name is "EnumerateResponse" or "PullResponse": return ReadEnumerationResponse(name == "PullResponse");
                case Ns.S when name == "Fault": return ReadFault();
            }

            throw Error(EnvelopeError.UnknownBody, $"The body element {{{ns}}}{name} is not a known WS-Man body.", name);
        }

        private WsManBody ReadShellBody()
        {
            var shellIdAttr = r.GetAttribute("ShellId");
            var nameAttr = r.GetAttribute("Name");
            var info = new ShellFields();
            ReadShellChildren(info, allowCreationXml: true);
            if (info.ShellId is not null)
            {
                return new ShellBody(info.ToShellInfo());
            }

            return new ShellCreateBody(shellIdAttr, nameAttr, info.InputStreams ?? "", info.OutputStreams ?? "", info.IdleTimeOut, info.BufferMode, info.CreationXml)
            {
                // No rsp:Environment: the same empty list as a body built in code, so the two compare equal.
                Environment = info.Environment is { } environment ? environment : Array.Empty<KeyValuePair<string, string>>(),
                WorkingDirectory = info.WorkingDirectory,
            };
        }

        private ShellInfo ReadShellInfoElement()
        {
            var info = new ShellFields();
            ReadShellChildren(info, allowCreationXml: false);
            if (info.ShellId is null) throw Error(EnvelopeError.InvalidBody, "An rsp:Shell element has no rsp:ShellId.", "ShellId");
            return info.ToShellInfo();
        }

        private void ReadShellChildren(ShellFields f, bool allowCreationXml)
        {
            var depth = r.Depth;
            if (r.IsEmptyElement) return;
            while (NextChild(depth))
            {
                if (allowCreationXml && Is(Ns.Ps, "creationXml"))
                {
                    f.CreationXml = ReadBase64("creationXml");
                    continue;
                }

                if (r.NamespaceURI != Ns.Rsp)
                {
                    SkipElement();
                    continue;
                }

                var name = r.LocalName;
                switch (name)
                {
                    case "ShellId": f.ShellId = ReadText().Trim(); break;
                    case "Name": f.Name = ReadText(); break;
                    case "ResourceUri": f.ResourceUri = ReadText().Trim(); break;
                    case "Owner": f.Owner = ReadText(); break;
                    case "ClientIP": f.ClientIP = ReadText().Trim(); break;
                    case "ProcessId": f.ProcessId = ReadInt(name); break;
                    case "IdleTimeOut": f.IdleTimeOut = ReadDuration(name); break;
                    case "InputStreams": f.InputStreams = ReadText().Trim(); break;
                    case "OutputStreams": f.OutputStreams = ReadText().Trim(); break;
                    case "MaxIdleTimeOut": f.MaxIdleTimeOut = ReadDuration(name); break;
                    case "Locale": f.Locale = ReadText().Trim(); break;
                    case "DataLocale": f.DataLocale = ReadText().Trim(); break;
                    case "CompressionMode": f.CompressionMode = ReadText().Trim(); break;
                    case "ProfileLoaded": f.ProfileLoaded = ReadText().Trim(); break;
                    case "Encoding": f.Encoding = ReadText().Trim(); break;
                    case "BufferMode": f.BufferMode = ReadText().Trim(); break;
                    case "State": f.State = ReadText().Trim(); break;
                    case "ShellRunTime": f.ShellRunTime = ReadDuration(name); break;
                    case "ShellInactivity": f.ShellInactivity = ReadDuration(name); break;
                    case "MemoryUsed": f.MemoryUsed = ReadText().Trim(); break;
                    case "ChildProcesses": f.ChildProcesses = ReadInt(name); break;
                    case "WorkingDirectory": f.WorkingDirectory = ReadText(); break;
                    case "Environment": f.Environment = ReadEnvironment(); break;
                    default: SkipElement(); break;
                }
            }
        }

        /// <summary><c>rsp:Environment</c>: its <c>rsp:Variable Name="..."</c> children, in order.</summary>
        private List<KeyValuePair<string, string>> ReadEnvironment()
        {
            var variables = new List<KeyValuePair<string, string>>();
            var depth = r.Depth;
            if (r.IsEmptyElement) return variables;
            while (NextChild(depth))
            {
                if (Is(Ns.Rsp, "Variable"))
                {
                    var name = r.GetAttribute("Name") ?? throw Error(EnvelopeError.InvalidBody, "An rsp:Variable has no Name.", "Variable");
                    variables.Add(new(name, ReadText()));
                }
                else
                {
                    SkipElement();
                }
            }

            return variables;
        }

        private sealed class ShellFields
        {
            public string? WorkingDirectory;
            public List<KeyValuePair<string, string>>? Environment;
            public string? ShellId, Name, ResourceUri, Owner, ClientIP, InputStreams, OutputStreams, Locale, DataLocale;
            public string? CompressionMode, ProfileLoaded, Encoding, BufferMode, State, MemoryUsed;
            public int? ProcessId, ChildProcesses;
            public TimeSpan? IdleTimeOut, MaxIdleTimeOut, ShellRunTime, ShellInactivity;
            public ReadOnlyMemory<byte>? CreationXml;

            public ShellInfo ToShellInfo()
            {
                var info = new ShellInfo
                {
                    ShellId = ShellId!,
                    Name = Name,
                    ResourceUri = ResourceUri,
                    Owner = Owner,
                    ClientIP = ClientIP,
                    ProcessId = ProcessId,
                    IdleTimeOut = IdleTimeOut,
                    MaxIdleTimeOut = MaxIdleTimeOut,
                    Locale = Locale,
                    DataLocale = DataLocale,
                    CompressionMode = CompressionMode,
                    ProfileLoaded = ProfileLoaded,
                    Encoding = Encoding,
                    BufferMode = BufferMode,
                    State = State,
                    ShellRunTime = ShellRunTime,
                    ShellInactivity = ShellInactivity,
                    MemoryUsed = MemoryUsed,
                    ChildProcesses = ChildProcesses,
                };
                if (InputStreams is not null) info = info with { InputStreams = InputStreams };
                if (OutputStreams is not null) info = info with { OutputStreams = OutputStreams };
                return info;
            }
        }

        private ResourceCreated ReadResourceCreated()
        {
            string? address = null, resourceUri = null;
            Dictionary<string, string>? selectors = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.A, "Address"))
                    {
                        address = ReadText().Trim();
                    }
                    else if (Is(Ns.A, "ReferenceParameters") && !r.IsEmptyElement)
                    {
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.W, "ResourceURI")) resourceUri = ReadText().Trim();
                            else if (Is(Ns.W, "SelectorSet")) selectors = ReadSelectorSet();
                            else SkipElement();
                        }
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new ResourceCreated(address ?? "", resourceUri ?? "", selectors ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
        }

        private ConfigBody ReadConfig()
        {
            int? maxEnvelope = null, maxTimeout = null, maxBatch = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Cfg, "MaxEnvelopeSizekb")) maxEnvelope = ReadInt("MaxEnvelopeSizekb");
                    else if (Is(Ns.Cfg, "MaxTimeoutms")) maxTimeout = ReadInt("MaxTimeoutms");
                    else if (Is(Ns.Cfg, "MaxBatchItems")) maxBatch = ReadInt("MaxBatchItems");
                    else SkipElement();
                }
            }

            if (maxEnvelope is null) throw Error(EnvelopeError.InvalidBody, "cfg:Config has no cfg:MaxEnvelopeSizekb.", "MaxEnvelopeSizekb");
            var body = new ConfigBody(maxEnvelope.Value);
            if (maxTimeout is not null) body = body with { MaxTimeoutMs = maxTimeout.Value };
            if (maxBatch is not null) body = body with { MaxBatchItems = maxBatch.Value };
            return body;
        }

        private IdentifyResponseBody ReadIdentifyResponse()
        {
            string? version = null, vendor = null, product = null;
            List<string>? profiles = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Id, "ProtocolVersion")) version = ReadText().Trim();
                    else if (Is(Ns.Id, "ProductVendor")) vendor = ReadText().Trim();
                    else if (Is(Ns.Id, "ProductVersion")) product = ReadText().Trim();
                    else if (Is(Ns.Id, "SecurityProfiles"))
                    {
                        profiles = [];
                        if (r.IsEmptyElement) continue;
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.Id, "SecurityProfileName")) profiles.Add(ReadText().Trim());
                            else SkipElement();
                        }
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new IdentifyResponseBody(version ?? "", vendor ?? "", product ?? "", profiles);
        }

        private CommandLineBody ReadCommandLine()
        {
            var commandId = r.GetAttribute("CommandId");
            var resourceUri = _header?.ResourceUri;
            var textMode = resourceUri is not null && !resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase);
            string? command = null;
            ReadOnlyMemory<byte>? arguments = null;
            List<string>? textArguments = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "Command")) command = ReadText();
                    else if (Is(Ns.Rsp, "Arguments") && textMode) (textArguments ??= []).Add(ReadText());
                    else if (Is(Ns.Rsp, "Arguments")) arguments ??= ReadBase64("Arguments");
                    else SkipElement();
                }
            }

            return new CommandLineBody(commandId, command, arguments) { TextArguments = textArguments };
        }

        /// <summary>The streams in a list of <see cref="ShellStream"/>s, or into <paramref name="pooled"/> (then null is returned).</summary>
        private List<ShellStream>? ReadStreams(string parent, Action? onOther = null, ShellStreamList? pooled = null)
        {
            var streams = pooled is null ? new List<ShellStream>() : null;
            var depth = r.Depth;
            if (r.IsEmptyElement) return streams;
            while (NextChild(depth))
            {
                if (Is(Ns.Rsp, "Stream"))
                {
                    var name = r.GetAttribute("Name") ?? throw Error(EnvelopeError.InvalidBody, $"An rsp:Stream in rsp:{parent} has no Name.", "Stream");
                    var commandId = r.GetAttribute("CommandId");
                    var end = IsTrue(r.GetAttribute("End"));
                    _pooledStreams = pooled;
                    ReadOnlyMemory<byte> data;
                    int group;
                    try
                    {
                        data = ReadBase64("Stream", out group);
                    }
                    finally
                    {
                        _pooledStreams = null;
                    }

                    if (pooled is null) streams!.Add(new ShellStream(name, commandId, data, end));
                    else pooled.Add(name, commandId, data, end);
                    if (group >= 0) ReadGroup(group, streams, pooled);
                }
                else if (onOther is not null)
                {
                    onOther();
                }
                else
                {
                    SkipElement();
                }
            }

            return streams;
        }

        private ReceiveBody ReadReceive()
        {
            string? desired = null, commandId = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "DesiredStream"))
                    {
                        commandId = r.GetAttribute("CommandId");
                        desired = ReadText().Trim();
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new ReceiveBody(Required(desired, "DesiredStream", "Receive"), commandId);
        }

        private ReceiveResponseBody ReadReceiveResponse()
        {
            CommandState? state = null;
            var pooled = Pooled ? new ShellStreamList() : null;
            var streams = ReadStreams("ReceiveResponse", () =>
            {
                if (Is(Ns.Rsp, "CommandState")) state = ReadCommandState();
                else SkipElement();
            }, pooled);
            return new ReceiveResponseBody((IReadOnlyList<ShellStream>?)pooled ?? streams!, state);
        }

        private CommandState ReadCommandState()
        {
            var commandId = r.GetAttribute("CommandId") ?? "";
            var state = r.GetAttribute("State") ?? throw Error(EnvelopeError.InvalidBody, "rsp:CommandState has no State.", "CommandState");
            int? exitCode = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "ExitCode")) exitCode = ReadInt("ExitCode");
                    else SkipElement();
                }
            }

            return new CommandState(commandId, state, exitCode);
        }

        private SignalBody ReadSignal()
        {
            var commandId = r.GetAttribute("CommandId");
            var code = ReadSimpleChildren(Ns.Rsp, "Code");
            return new SignalBody(commandId, Required(code, "Code", "Signal"));
        }

        private DisconnectBody ReadDisconnect()
        {
            TimeSpan? idle = null;
            string? bufferMode = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "IdleTimeOut")) idle = ReadDuration("IdleTimeOut");
                    else if (Is(Ns.Rsp, "BufferMode")) bufferMode = ReadText().Trim();
                    else SkipElement();
                }
            }

            return new DisconnectBody(idle, bufferMode);
        }

        private ReconnectBody ReadReconnect()
        {
            var commandId = r.GetAttribute("CommandId");
            string? bufferMode = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "CommandId")) commandId ??= ReadText().Trim();
                    else if (Is(Ns.Rsp, "BufferMode")) bufferMode = ReadText().Trim();
                    else SkipElement();
                }
            }

            return new ReconnectBody(commandId, bufferMode);
        }

        private ConnectBody ReadConnect()
        {
            var commandId = r.GetAttribute("CommandId");
            string? bufferMode = null;
            ReadOnlyMemory<byte>? connectXml = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "BufferMode")) bufferMode = ReadText().Trim();
                    else if (Is(Ns.Ps, "connectXml")) connectXml = ReadBase64("connectXml");
                    else SkipElement();
                }
            }

            return new ConnectBody(commandId, bufferMode, connectXml);
        }

        private ConnectResponseBody ReadConnectResponse()
        {
            string? input = null, output = null;
            ReadOnlyMemory<byte>? xml = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "InputStreams")) input = ReadText().Trim();
                    else if (Is(Ns.Rsp, "OutputStreams")) output = ReadText().Trim();
                    else if (Is(Ns.Ps, "connectResponseXml")) xml = ReadBase64("connectResponseXml");
                    else SkipElement();
                }
            }

            return new ConnectResponseBody(input, output, xml);
        }

        private EnumerateBody ReadEnumerate()
        {
            var optimize = false;
            int? maxElements = null;
            Dictionary<string, string>? filter = null;
            string? filterDialect = null, filterText = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.W, "OptimizeEnumeration"))
                    {
                        optimize = true;
                        SkipElement();
                    }
                    else if (Is(Ns.W, "MaxElements") || Is(Ns.N, "MaxElements"))
                    {
                        maxElements = ReadInt("MaxElements");
                    }
                    else if (Is(Ns.W, "Filter"))
                    {
                        var dialect = r.GetAttribute("Dialect");
                        if (dialect is not null && !dialect.EndsWith("/SelectorFilter", StringComparison.OrdinalIgnoreCase))
                        {
                            // A text filter (WQL): its dialect and text.
                            filterDialect = dialect;
                            filterText = ReadText();
                            continue;
                        }

                        filter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        if (r.IsEmptyElement) continue;
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.W, "SelectorSet")) filter = ReadSelectorSet();
                            else SkipElement();
                        }
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new EnumerateBody(optimize, maxElements, filter) { FilterDialect = filterDialect, FilterText = filterText };
        }

        private PullBody ReadPull()
        {
            string? context = null;
            int? maxElements = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.N, "EnumerationContext")) context = ReadText().Trim();
                    else if (Is(Ns.N, "MaxElements") || Is(Ns.W, "MaxElements")) maxElements = ReadInt("MaxElements");
                    else SkipElement();
                }
            }

            return new PullBody(Required(context, "EnumerationContext", "Pull"), maxElements);
        }

        private EnumerationResponseBody ReadEnumerationResponse(bool isPull)
        {
            string? context = null;
            var end = false;
            var shells = new List<ShellInfo>();
            var commands = new List<CommandInfo>();
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.N, "EnumerationContext"))
                    {
                        context = ReadText().Trim();
                    }
                    else if (Is(Ns.W, "Items") || Is(Ns.N, "Items"))
                    {
                        if (r.IsEmptyElement) continue;
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.Rsp, "Shell")) shells.Add(ReadShellInfoElement());
                            else if (Is(Ns.Rsp, "Command")) commands.Add(ReadCommandInfo());
                            else SkipElement();
                        }
                    }
                    else if (Is(Ns.W, "EndOfSequence") || Is(Ns.N, "EndOfSequence"))
                    {
                        end = true;
                        SkipElement();
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new EnumerationResponseBody(isPull, string.IsNullOrEmpty(context) ? null : context, shells, commands, end);
        }

        private CommandInfo ReadCommandInfo()
        {
            string? id = null, line = null, state = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.Rsp, "CommandId")) id = ReadText().Trim();
                    else if (Is(Ns.Rsp, "CommandLine")) line = ReadText();
                    else if (Is(Ns.Rsp, "CommandState")) state = ReadText().Trim();
                    else SkipElement();
                }
            }

            return new CommandInfo(Required(id, "CommandId", "Command"), line, state);
        }

        private FaultBody ReadFault()
        {
            string? code = null, subcode = null, reason = null, detail = null, machine = null, message = null;
            ProviderFault? provider = null;
            uint? wsmanCode = null;
            var depth = r.Depth;
            if (!r.IsEmptyElement)
            {
                while (NextChild(depth))
                {
                    if (Is(Ns.S, "Code") && !r.IsEmptyElement)
                    {
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.S, "Value")) code = ReadText().Trim();
                            else if (Is(Ns.S, "Subcode")) subcode ??= ReadSimpleChildren(Ns.S, "Value")?.Trim();
                            else SkipElement();
                        }
                    }
                    else if (Is(Ns.S, "Reason"))
                    {
                        reason = ReadSimpleChildren(Ns.S, "Text");
                    }
                    else if (Is(Ns.S, "Detail") && !r.IsEmptyElement)
                    {
                        var d2 = r.Depth;
                        while (NextChild(d2))
                        {
                            if (Is(Ns.W, "FaultDetail"))
                            {
                                detail = ReadText().Trim();
                            }
                            else if (Is(Ns.F, "WSManFault"))
                            {
                                wsmanCode = ParseFaultCode(r.GetAttribute("Code"));
                                machine = r.GetAttribute("Machine");
                                (message, provider) = ReadFaultMessage();
                            }
                            else
                            {
                                SkipElement();
                            }
                        }
                    }
                    else
                    {
                        SkipElement();
                    }
                }
            }

            return new FaultBody(Required(code, "Value", "Fault"), subcode ?? "", reason ?? "", detail, wsmanCode, machine, message) { Provider = provider };
        }

        /// <summary>The f:Message text of an f:WSManFault, unwrapping an f:ProviderFault (a shell plugin's fault).</summary>
        private (string? Message, ProviderFault? Provider) ReadFaultMessage()
        {
            string? message = null;
            ProviderFault? provider = null;
            if (r.IsEmptyElement) return (null, null);
            var depth = r.Depth;
            while (NextChild(depth))
            {
                if (message is null && Is(Ns.F, "Message"))
                {
                    if (r.IsEmptyElement)
                    {
                        message = string.Empty;
                        continue;
                    }

                    var d2 = r.Depth;
                    var builder = new StringBuilder();
                    while (Read() && !(r.NodeType == XmlNodeType.EndElement && r.Depth == d2))
                    {
                        if (r.NodeType == XmlNodeType.Element && r.NamespaceURI == Ns.F && r.LocalName == "ProviderFault")
                        {
                            provider = new ProviderFault(r.GetAttribute("provider") ?? string.Empty, r.GetAttribute("path") ?? string.Empty);
                        }
                        else if (provider is not null && r.NodeType == XmlNodeType.Element && r.NamespaceURI == Ns.F && r.LocalName == "WSManFault")
                        {
                            // WinRM's shell provider nests a second WSManFault; its f:Message text is the message.
                            provider = provider with { Nested = true };
                        }
                        else if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                        {
                            builder.Append(Restore(r.Value));
                        }
                    }

                    message = builder.ToString();
                }
                else
                {
                    SkipElement();
                }
            }

            return (message, provider);
        }

        private static uint? ParseFaultCode(string? text)
        {
            if (text is null) return null;
            text = text.Trim();
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u)) return u;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return unchecked((uint)i);
            return null;
        }

        // ---------------------------------------------------------------- primitives

        private bool Read()
        {
            if (!r.Read()) return false;
            if (r.NodeType == XmlNodeType.Element && r.Depth >= maxDepth)
            {
                throw new EnvelopeException(EnvelopeError.TooDeep, $"The envelope nests elements deeper than {maxDepth}.") { Header = _header };
            }

            return true;
        }

        private bool MoveToContent()
        {
            while (Read())
            {
                if (r.NodeType == XmlNodeType.Element) return true;
            }

            return false;
        }

        private bool Is(string ns, string localName) => r.LocalName == localName && r.NamespaceURI == ns;

        /// <summary>Moves to the next child element of the element at <paramref name="parentDepth"/>; false at its end.</summary>
        private bool NextChild(int parentDepth)
        {
            // If positioned on a (non-empty) child start element that was not consumed, the caller skipped it.
            while (Read())
            {
                if (r.NodeType == XmlNodeType.EndElement && r.Depth == parentDepth) return false;
                if (r.NodeType == XmlNodeType.Element && r.Depth == parentDepth + 1) return true;
            }

            return false;
        }

        /// <summary>Consumes the current element (leaves the reader on its end tag, or on it when empty).</summary>
        private void SkipElement()
        {
            if (r.NodeType != XmlNodeType.Element || r.IsEmptyElement) return;
            var depth = r.Depth;
            while (Read())
            {
                if (r.NodeType == XmlNodeType.EndElement && r.Depth == depth) return;
            }
        }

        /// <summary>All descendant text of the current element, which is consumed.</summary>
        private string ReadText()
        {
            if (r.IsEmptyElement) return "";
            var depth = r.Depth;
            string? first = null;
            StringBuilder? sb = null;
            while (Read())
            {
                switch (r.NodeType)
                {
                    case XmlNodeType.EndElement when r.Depth == depth:
                        return sb?.ToString() ?? first ?? "";
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.Whitespace:
                    case XmlNodeType.SignificantWhitespace:
                        if (first is null)
                        {
                            first = Restore(r.Value);
                        }
                        else
                        {
                            sb ??= new StringBuilder(first);
                            sb.Append(Restore(r.Value));
                        }

                        break;
                }
            }

            return sb?.ToString() ?? first ?? "";
        }

        /// <summary>Reads the text of the first child <paramref name="ns"/>:<paramref name="name"/>; consumes the current element.</summary>
        private string? ReadSimpleChildren(string ns, string name)
        {
            string? value = null;
            if (r.IsEmptyElement) return null;
            var depth = r.Depth;
            while (NextChild(depth))
            {
                if (value is null && Is(ns, name)) value = ReadText();
                else SkipElement();
            }

            return value;
        }

        /// <summary>The members of a stream group after its first, from the original bytes.</summary>
        private void ReadGroup(int first, List<ShellStream>? streams, ShellStreamList? pooled)
        {
            var original = Original!;
            var last = Runs!.GroupEnd(first);
            // The group's size is known: the list grows once, not by doubling (thousands of streams).
            if (pooled is null) streams!.EnsureCapacity(streams.Count + (last - first));
            else pooled.EnsureRoom(last - first);
            // Consecutive members repeat the same start tag: its strings are made once.
            ReadOnlySpan<byte> previous = default;
            StreamStartTag tag = default;
            string name = "", commandId = "";
            for (var k = first + 1; k <= last; k++)
            {
                var between = original.AsSpan((Runs[k - 1].Start + Runs[k - 1].Length)..Runs[k].Start);
                // The same bytes as the previous member's separator (the scan compared them): its tag still holds.
                if (!(k > first + 1 && Runs.RepeatsGap(k)) && !between.SequenceEqual(previous))
                {
                    if (!StreamStartTag.TryParseSeparator(between, out tag)) throw new InvalidOperationException("A stream group changed.");
                    var startTag = between["</rsp:Stream>".Length..];
                    name = Encoding.ASCII.GetString(startTag[tag.Name]);
                    commandId = tag.CommandId is { } id ? Encoding.ASCII.GetString(startTag[id]) : "";
                    previous = between;
                }

                var (start, length) = Runs[k];
                var decoded = Allocate(Base64Runs.DecodedSize(length), pooled);
                if (System.Buffers.Text.Base64.DecodeFromUtf8(original.AsSpan(start, length), decoded.Span, out _, out var n) != OperationStatus.Done)
                {
                    // Reported exactly as before by reading the original document.
                    throw new InvalidOperationException("A stream in a group is not valid base64.");
                }

                if (pooled is null) streams!.Add(new ShellStream(name, tag.CommandId is null ? null : commandId, decoded[..n], tag.End));
                else pooled.Add(name, tag.CommandId is null ? null : commandId, decoded[..n], tag.End);
            }
        }

        private ReadOnlyMemory<byte> ReadBase64(string element)
        {
            var data = ReadBase64(element, out var group);
            if (group >= 0) throw new InvalidOperationException("A group of streams was read as one element.");
            return data;
        }

        /// <summary>The decoded content; <paramref name="group"/> is the marker index when it starts a stream group, else -1.</summary>
        private ReadOnlyMemory<byte> ReadBase64(string element, out int group)
        {
            group = -1;
            string text;
            if (Runs is not null && !r.IsEmptyElement)
            {
                // Content that is exactly one marker: decode the run from the original bytes; else as ReadText.
                var depth = r.Depth;
                var nodes = 0;
                var marker = -1;
                string? first = null;
                StringBuilder? sb = null;
                while (Read())
                {
                    if (r.NodeType == XmlNodeType.EndElement && r.Depth == depth) break;
                    if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                    {
                        var value = r.Value;
                        if (++nodes == 1)
                        {
                            marker = r.NodeType == XmlNodeType.Text ? Runs.MarkerIndex(value) : -1;
                            first = value;
                        }
                        else
                        {
                            (sb ??= new StringBuilder(Restore(first!))).Append(Restore(value));
                        }
                    }
                }

                if (nodes == 1 && marker >= 0)
                {
                    if (Runs.GroupEnd(marker) != marker) group = marker;
                    var (start, length) = Runs[marker];
                    var raw = Original.AsSpan(start, length);
                    var decoded = Allocate(Base64Runs.DecodedSize(length), _pooledStreams);
                    if (System.Buffers.Text.Base64.DecodeFromUtf8(raw, decoded.Span, out _, out var n) == OperationStatus.Done) return decoded[..n];
                    if (Convert.TryFromBase64String(Encoding.ASCII.GetString(raw), decoded.Span, out n)) return decoded[..n];
                    throw Error(EnvelopeError.InvalidBase64, $"The content of {element} is not valid base64.", element);
                }

                text = sb?.ToString() ?? (first is null ? "" : Restore(first));
            }
            else
            {
                text = ReadText();
            }

            if (text.Length == 0) return ReadOnlyMemory<byte>.Empty;
            var buffer = _pooledStreams is { } pooled ? pooled.RentBuffer((text.Length / 4 * 3) + 3) : new byte[(text.Length / 4 * 3) + 3];
            if (!Convert.TryFromBase64String(text, buffer, out var written))
            {
                throw Error(EnvelopeError.InvalidBase64, $"The content of {element} is not valid base64.", element);
            }

            return buffer.AsMemory(0, written);
        }

        // Decoded stream data of one envelope shares chunks (slices, not an array per stream): a response of small
        // objects carries thousands of streams. Chunks stay below the large object heap; large data gets its own.
        // Each chunk is sized to what the envelope's data still need (up to ChunkSize): a small Receive, a Command or
        // a Create carries a few hundred bytes, and a whole 32 KB chunk (zeroed) for each was most of what a round
        // trip allocated.
        internal const int ChunkSize = 32 * 1024;
        private byte[]? _chunk;
        private int _chunkUsed;
        private int _chunkedLeft = -1;
        private bool _chunkPooled;

        /// <summary>Room for decoded data; rented from <paramref name="pooled"/> when given (chunks rented whole: pooled chunks never mix with owned ones).</summary>
        private Memory<byte> Allocate(int size, ShellStreamList? pooled = null)
        {
            // Not zeroed: only the bytes decoded into a slice are ever exposed.
            if (size > ChunkSize / 4) return pooled is null ? GC.AllocateUninitializedArray<byte>(size) : pooled.RentBuffer(size).AsMemory(0, size);
            if (_chunkedLeft < 0) _chunkedLeft = Runs?.ChunkedBytes ?? ChunkSize;
            if (_chunk is null || _chunk.Length - _chunkUsed < size || _chunkPooled != (pooled is not null))
            {
                var chunkSize = Math.Clamp(_chunkedLeft, size, ChunkSize);
                _chunk = pooled is null ? GC.AllocateUninitializedArray<byte>(chunkSize) : pooled.RentBuffer(chunkSize);
                _chunkPooled = pooled is not null;
                _chunkUsed = 0;
            }

            _chunkedLeft -= size;

            var memory = _chunk.AsMemory(_chunkUsed, size);
            _chunkUsed += size;
            return memory;
        }

        private int ReadInt(string element)
        {
            var text = ReadText().Trim();
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                throw Error(EnvelopeError.InvalidBody, $"The content of {element} is not an integer: {text}", element);
            }

            return v;
        }

        private TimeSpan ReadDuration(string element)
        {
            var text = ReadText().Trim();
            if (!XsDuration.TryParse(text, out var v) || v < TimeSpan.Zero)
            {
                throw Error(EnvelopeError.InvalidDuration, $"The content of {element} is not a valid xs:duration: {text}", element);
            }

            return v;
        }

        private string Required(string? value, string element, string parent) =>
            value ?? throw Error(EnvelopeError.InvalidBody, $"The {parent} body has no {element}.", element);

        private EnvelopeException Error(EnvelopeError reason, string message, string element) =>
            new(reason, message) { Header = _header, Element = element };

        private static bool IsTrue(string? value) =>
            value is not null && (value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || value.Trim() == "1");
    }
}
