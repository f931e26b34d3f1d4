using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// Streaming envelope writer (XmlWriter). Uses Windows' prefixes (s, a, x, w, rsp, p, n, f, cfg, wsmid), puts
/// <c>xml:lang="en-US"</c> on responses, writes only header fields that are set.
/// </summary>
/// <remarks>
/// Request or response: an envelope is written as a response when <see cref="WsManHeader.RelatesTo"/> is set or the
/// body is a <see cref="FaultBody"/>; otherwise as a request. Responses get <c>xml:lang="en-US"</c> on the root;
/// requests get <c>s:mustUnderstand="true"</c> on Action, ResourceURI, ReplyTo/Address, MaxEnvelopeSize, OptionSet
/// and CompressionType, and <c>s:mustUnderstand="false"</c> on Locale, DataLocale, SessionId and OperationID (true
/// when <see cref="WsManHeader.OperationIdMustUnderstand"/>). The root always declares s, a, x, w, rsp and p
/// (plus n for enumeration bodies); f, cfg, wsmid and the PowerShell namespace are declared where used.
/// UTF-8 without BOM, no XML declaration, no indentation.
/// </remarks>
public static class WsManEnvelopeWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize,
        CloseOutput = false,
        CheckCharacters = true,
    };

    private const string S = WsManNamespaces.Soap;
    private const string A = WsManNamespaces.Addressing;
    private const string X = WsManNamespaces.Transfer;
    private const string W = WsManNamespaces.WsMan;
    private const string P = WsManNamespaces.WsManMicrosoft;
    private const string Rsp = WsManNamespaces.Shell;
    private const string N = WsManNamespaces.Enumeration;
    private const string F = WsManNamespaces.WsManFault;
    private const string Cfg = WsManNamespaces.Config;
    private const string Id = WsManNamespaces.Identity;
    private const string Ps = WsManNamespaces.PowerShell;
    private const string SelectorFilterDialect = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter";

    // The same settings as a fragment writer: one XmlWriter per thread writes envelope after envelope (an
    // XmlWriter cannot be reset, and a new one per envelope costs its 6 KB buffer and state). The bytes of each
    // envelope are those a fresh Document writer writes: one root element, no declaration.
    private static readonly XmlWriterSettings ReusedSettings = new()
    {
        Encoding = Settings.Encoding,
        OmitXmlDeclaration = Settings.OmitXmlDeclaration,
        Indent = Settings.Indent,
        NewLineHandling = Settings.NewLineHandling,
        CloseOutput = Settings.CloseOutput,
        CheckCharacters = Settings.CheckCharacters,
        ConformanceLevel = ConformanceLevel.Fragment,
    };

    /// <summary>This thread's writer, kept between envelopes; dropped after a write that failed (its state is unknown).</summary>
    [ThreadStatic]
    private static ReusedWriter? t_writer;

    private sealed class ReusedWriter
    {
        public ReusedWriter() => Xml = XmlWriter.Create(Stream, ReusedSettings);

        public BufferWriterStream Stream { get; } = new();

        public XmlWriter Xml { get; }

        public bool InUse { get; set; }
    }

    public static void Write(IBufferWriter<byte> output, WsManEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(envelope);
        var previous = t_output;
        t_output = output;
        try
        {
            var reused = t_writer ??= new ReusedWriter();
            if (reused.InUse)
            {
                // Written while this thread's writer is busy (not done today): a writer of its own.
                using var stream = new BufferWriterStream { Output = output };
                using var w = XmlWriter.Create(stream, Settings);
                WriteEnvelope(w, envelope);
                return;
            }

            reused.InUse = true;
            reused.Stream.Output = output;
            var written = false;
            try
            {
                WriteEnvelope(reused.Xml, envelope);
                reused.Xml.Flush();
                written = true;
            }
            finally
            {
                reused.Stream.Output = null;
                reused.InUse = false;
                if (!written) t_writer = null;
            }
        }
        finally
        {
            t_output = previous;
        }
    }

    /// <summary>The output of the envelope being written on this thread (base64 content goes straight into it).</summary>
    [ThreadStatic]
    private static IBufferWriter<byte>? t_output;

    public static byte[] Write(WsManEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, envelope);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when <paramref name="envelope"/> is written as a response (RelatesTo set, or a fault).</summary>
    public static bool IsResponse(WsManEnvelope envelope) => envelope.Header.RelatesTo is not null || envelope.Body is FaultBody;

    private static void WriteEnvelope(XmlWriter w, WsManEnvelope envelope)
    {
        var response = IsResponse(envelope);
        w.WriteStartElement("s", "Envelope", S);
        if (response) w.WriteAttributeString("xml", "lang", null, "en-US");
        w.WriteAttributeString("xmlns", "s", null, S);
        w.WriteAttributeString("xmlns", "a", null, A);
        w.WriteAttributeString("xmlns", "x", null, X);
        if (envelope.Body is EnumerateBody or PullBody or ReleaseBody or EnumerationResponseBody || envelope.Body is FaultBody { Subcode: ['n', ':', ..] }) w.WriteAttributeString("xmlns", "n", null, N);
        w.WriteAttributeString("xmlns", "w", null, W);
        w.WriteAttributeString("xmlns", "rsp", null, Rsp);
        w.WriteAttributeString("xmlns", "p", null, P);

        WriteHeader(w, envelope.Header, response);

        w.WriteStartElement("s", "Body", S);
        WriteBody(w, envelope.Body);
        w.WriteEndElement();

        w.WriteEndElement();
    }

    // ---------------------------------------------------------------- header

    private static void WriteHeader(XmlWriter w, WsManHeader h, bool response)
    {
        if (!t_headerThroughXmlWriter && TryWriteHeaderRaw(w, h, response)) return;
        WriteHeaderThroughXmlWriter(w, h, response);
    }

    /// <summary>Tests: true writes this thread's headers through the XmlWriter (the reference the raw path matches).</summary>
    [ThreadStatic]
    internal static bool t_headerThroughXmlWriter;

    /// <summary>
    /// The header written as bytes, exactly as <see cref="WriteHeaderThroughXmlWriter"/> writes it, when every value
    /// is plain text (printable ASCII without markup characters: nothing to escape or check) and not empty. Every
    /// prefix it uses is declared on s:Envelope, so the XmlWriter would add no declarations. A header with anything
    /// else goes through the XmlWriter. Envelope after envelope, the XmlWriter's namespace bookkeeping for the dozen
    /// header elements was about half of writing a small envelope.
    /// </summary>
    private static bool TryWriteHeaderRaw(XmlWriter w, WsManHeader h, bool response)
    {
        var request = !response;
        if (h.Action is null) return false;
        var max = h.MaxEnvelopeSize?.ToString(CultureInfo.InvariantCulture);
        var timeout = h.OperationTimeout is { } t ? XsDuration.FormatSeconds(t) : null;
        var sequence = h.SequenceId?.ToString(CultureInfo.InvariantCulture);
        var length = 1024;
        if (!Plain(h.Action, ref length) || !Plain(h.MessageId, ref length) || !Plain(h.To, ref length) || !Plain(h.RelatesTo, ref length) ||
            !Plain(h.ResourceUri, ref length) || !Plain(h.ReplyTo, ref length) || !Plain(max, ref length) || !Plain(timeout, ref length) ||
            !Plain(h.Locale, ref length) || !Plain(h.DataLocale, ref length) || !Plain(h.SessionId, ref length) || !Plain(h.OperationId, ref length) ||
            !Plain(sequence, ref length) || !Plain(h.CompressionType, ref length))
        {
            return false;
        }

        foreach (var (name, value) in h.Selectors)
        {
            if (!Plain(name, ref length) || !Plain(value, ref length)) return false;
            length += 64;
        }

        foreach (var o in h.Options)
        {
            if (!Plain(o.Name, ref length) || !Plain(o.Value, ref length)) return false;
            length += 64;
        }

        // Close s:Envelope's start tag and hand what the XmlWriter holds to the output; the header follows it there.
        w.WriteString(string.Empty);
        w.Flush();
        var output = t_output!;
        var span = output.GetSpan(length);
        var at = 0;
        Raw(span, ref at, "<s:Header>"u8);
        RawElement(span, ref at, "a:Action"u8, h.Action, request ? true : null);
        RawElement(span, ref at, "a:MessageID"u8, h.MessageId);
        RawElement(span, ref at, "a:To"u8, h.To);
        RawElement(span, ref at, "a:RelatesTo"u8, h.RelatesTo);
        RawElement(span, ref at, "w:ResourceURI"u8, h.ResourceUri, request ? true : null);
        if (h.ReplyTo is not null)
        {
            Raw(span, ref at, "<a:ReplyTo>"u8);
            RawElement(span, ref at, "a:Address"u8, h.ReplyTo, request ? true : null);
            Raw(span, ref at, "</a:ReplyTo>"u8);
        }

        RawElement(span, ref at, "w:MaxEnvelopeSize"u8, max, request ? true : null);
        RawElement(span, ref at, "w:OperationTimeout"u8, timeout);
        if (h.Locale is not null) RawLangElement(span, ref at, "w:Locale"u8, h.Locale, request);
        if (h.DataLocale is not null) RawLangElement(span, ref at, "p:DataLocale"u8, h.DataLocale, request);
        RawElement(span, ref at, "p:SessionId"u8, h.SessionId, request ? false : null);
        if (h.OperationId is not null)
        {
            RawElement(span, ref at, "p:OperationID"u8, h.OperationId, h.OperationIdMustUnderstand ? true : request ? false : null);
        }

        RawElement(span, ref at, "p:SequenceId"u8, sequence);
        RawElement(span, ref at, "rsp:CompressionType"u8, h.CompressionType, request ? true : null);
        if (h.Selectors.Count > 0)
        {
            Raw(span, ref at, "<w:SelectorSet>"u8);
            foreach (var (name, value) in h.Selectors)
            {
                Raw(span, ref at, "<w:Selector Name=\""u8);
                Ascii(span, ref at, name);
                Raw(span, ref at, "\">"u8);
                Ascii(span, ref at, value);
                Raw(span, ref at, "</w:Selector>"u8);
            }

            Raw(span, ref at, "</w:SelectorSet>"u8);
        }

        if (h.Options.Count > 0)
        {
            Raw(span, ref at, request ? "<w:OptionSet s:mustUnderstand=\"true\">"u8 : "<w:OptionSet>"u8);
            foreach (var o in h.Options)
            {
                Raw(span, ref at, "<w:Option Name=\""u8);
                Ascii(span, ref at, o.Name);
                Raw(span, ref at, o.MustComply ? "\" MustComply=\"true\">"u8 : "\">"u8);
                Ascii(span, ref at, o.Value);
                Raw(span, ref at, "</w:Option>"u8);
            }

            Raw(span, ref at, "</w:OptionSet>"u8);
        }

        Raw(span, ref at, "</s:Header>"u8);
        output.Advance(at);
        return true;
    }

    /// <summary>Absent (null), or text written as it is; counts its bytes (ASCII: one per character).</summary>
    private static bool Plain(string? value, ref int length)
    {
        if (value is null) return true;
        if (value.Length == 0 || !IsPlainAttribute(value)) return false;
        length += value.Length;
        return true;
    }

    private static void Raw(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    private static void Ascii(Span<byte> span, ref int at, string value) => at += Encoding.ASCII.GetBytes(value, span[at..]);

    private static void RawElement(Span<byte> span, ref int at, ReadOnlySpan<byte> name, string? value, bool? mustUnderstand = null)
    {
        if (value is null) return;
        span[at++] = (byte)'<';
        Raw(span, ref at, name);
        if (mustUnderstand is { } mu) Raw(span, ref at, mu ? " s:mustUnderstand=\"true\""u8 : " s:mustUnderstand=\"false\""u8);
        span[at++] = (byte)'>';
        Ascii(span, ref at, value);
        Raw(span, ref at, "</"u8);
        Raw(span, ref at, name);
        span[at++] = (byte)'>';
    }

    private static void RawLangElement(Span<byte> span, ref int at, ReadOnlySpan<byte> name, string lang, bool request)
    {
        span[at++] = (byte)'<';
        Raw(span, ref at, name);
        Raw(span, ref at, " xml:lang=\""u8);
        Ascii(span, ref at, lang);
        Raw(span, ref at, request ? "\" s:mustUnderstand=\"false\" />"u8 : "\" />"u8);
    }

    private static void WriteHeaderThroughXmlWriter(XmlWriter w, WsManHeader h, bool response)
    {
        var request = !response;
        w.WriteStartElement("s", "Header", S);
        Element(w, "a", "Action", A, h.Action, request ? true : null);
        Element(w, "a", "MessageID", A, h.MessageId);
        Element(w, "a", "To", A, h.To);
        Element(w, "a", "RelatesTo", A, h.RelatesTo);
        Element(w, "w", "ResourceURI", W, h.ResourceUri, request ? true : null);
        if (h.ReplyTo is not null)
        {
            w.WriteStartElement("a", "ReplyTo", A);
            Element(w, "a", "Address", A, h.ReplyTo, request ? true : null);
            w.WriteEndElement();
        }

        if (h.MaxEnvelopeSize is { } max) Element(w, "w", "MaxEnvelopeSize", W, max.ToString(CultureInfo.InvariantCulture), request ? true : null);
        if (h.OperationTimeout is { } timeout) Element(w, "w", "OperationTimeout", W, XsDuration.FormatSeconds(timeout));
        if (h.Locale is not null) LangElement(w, "w", "Locale", W, h.Locale, request);
        if (h.DataLocale is not null) LangElement(w, "p", "DataLocale", P, h.DataLocale, request);
        Element(w, "p", "SessionId", P, h.SessionId, request ? false : null);
        if (h.OperationId is not null)
        {
            Element(w, "p", "OperationID", P, h.OperationId, h.OperationIdMustUnderstand ? true : request ? false : null);
        }

        if (h.SequenceId is { } seq) Element(w, "p", "SequenceId", P, seq.ToString(CultureInfo.InvariantCulture));
        Element(w, "rsp", "CompressionType", Rsp, h.CompressionType, request ? true : null);
        if (h.Selectors.Count > 0) WriteSelectorSet(w, h.Selectors);
        if (h.Options.Count > 0)
        {
            w.WriteStartElement("w", "OptionSet", W);
            if (request) MustUnderstand(w, true);
            foreach (var o in h.Options)
            {
                w.WriteStartElement("w", "Option", W);
                w.WriteAttributeString("Name", o.Name);
                if (o.MustComply) w.WriteAttributeString("MustComply", "true");
                w.WriteString(o.Value);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Element(XmlWriter w, string prefix, string name, string ns, string? value, bool? mustUnderstand = null)
    {
        if (value is null) return;
        w.WriteStartElement(prefix, name, ns);
        if (mustUnderstand is { } mu) MustUnderstand(w, mu);
        w.WriteString(value);
        w.WriteEndElement();
    }

    private static void LangElement(XmlWriter w, string prefix, string name, string ns, string lang, bool request)
    {
        w.WriteStartElement(prefix, name, ns);
        w.WriteAttributeString("xml", "lang", null, lang);
        if (request) MustUnderstand(w, false);
        w.WriteEndElement();
    }

    private static void MustUnderstand(XmlWriter w, bool value) => w.WriteAttributeString("s", "mustUnderstand", S, value ? "true" : "false");

    private static void WriteSelectorSet(XmlWriter w, IReadOnlyDictionary<string, string> selectors)
    {
        w.WriteStartElement("w", "SelectorSet", W);
        foreach (var (name, value) in selectors)
        {
            w.WriteStartElement("w", "Selector", W);
            w.WriteAttributeString("Name", name);
            w.WriteString(value);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    // ---------------------------------------------------------------- body

    private static void WriteBody(XmlWriter w, WsManBody body)
    {
        switch (body)
        {
            case EmptyBody:
                break;
            case IdentifyBody:
                w.WriteStartElement("wsmid", "Identify", Id);
                w.WriteAttributeString("xmlns", "wsmid", null, Id);
                w.WriteEndElement();
                break;
            case IdentifyResponseBody b:
                w.WriteStartElement("wsmid", "IdentifyResponse", Id);
                w.WriteAttributeString("xmlns", "wsmid", null, Id);
                Element(w, "wsmid", "ProtocolVersion", Id, b.ProtocolVersion);
                Element(w, "wsmid", "ProductVendor", Id, b.ProductVendor);
                Element(w, "wsmid", "ProductVersion", Id, b.ProductVersion);
                if (b.SecurityProfiles is not null)
                {
                    w.WriteStartElement("wsmid", "SecurityProfiles", Id);
                    foreach (var profile in b.SecurityProfiles) Element(w, "wsmid", "SecurityProfileName", Id, profile);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                break;
            case ShellCreateBody b:
                w.WriteStartElement("rsp", "Shell", Rsp);
                if (b.ShellId is not null) w.WriteAttributeString("ShellId", b.ShellId);
                if (b.Name is not null) w.WriteAttributeString("Name", b.Name);
                if (b.Environment.Count > 0)
                {
                    w.WriteStartElement("rsp", "Environment", Rsp);
                    foreach (var (name, value) in b.Environment)
                    {
                        w.WriteStartElement("rsp", "Variable", Rsp);
                        w.WriteAttributeString("Name", name);
                        w.WriteString(value);
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                Element(w, "rsp", "WorkingDirectory", Rsp, b.WorkingDirectory);
                Element(w, "rsp", "InputStreams", Rsp, b.InputStreams);
                Element(w, "rsp", "OutputStreams", Rsp, b.OutputStreams);
                if (b.IdleTimeOut is { } idle) Element(w, "rsp", "IdleTimeOut", Rsp, XsDuration.FormatSeconds(idle));
                Element(w, "rsp", "BufferMode", Rsp, b.BufferMode);
                if (b.CreationXml is { } creation) PowerShellBase64(w, "creationXml", creation);
                w.WriteEndElement();
                break;
            case CreateResponseBody b:
                w.WriteStartElement("x", "ResourceCreated", X);
                Element(w, "a", "Address", A, b.ResourceCreated.Address);
                w.WriteStartElement("a", "ReferenceParameters", A);
                Element(w, "w", "ResourceURI", W, b.ResourceCreated.ResourceUri);
                WriteSelectorSet(w, b.ResourceCreated.Selectors);
                w.WriteEndElement();
                w.WriteEndElement();
                if (b.Shell is not null) WriteShellInfo(w, b.Shell);
                break;
            case ShellBody b:
                WriteShellInfo(w, b.Shell);
                break;
            case ConfigBody b:
                w.WriteStartElement("cfg", "Config", Cfg);
                w.WriteAttributeString("xmlns", "cfg", null, Cfg);
                Element(w, "cfg", "MaxEnvelopeSizekb", Cfg, Int(b.MaxEnvelopeSizeKb));
                Element(w, "cfg", "MaxTimeoutms", Cfg, Int(b.MaxTimeoutMs));
                Element(w, "cfg", "MaxBatchItems", Cfg, Int(b.MaxBatchItems));
                w.WriteEndElement();
                break;
            case CommandLineBody b:
                w.WriteStartElement("rsp", "CommandLine", Rsp);
                if (b.CommandId is not null) w.WriteAttributeString("CommandId", b.CommandId);
                Element(w, "rsp", "Command", Rsp, b.Command);
                if (b.Arguments is { } args) Base64Element(w, "rsp", "Arguments", Rsp, args);
                foreach (var text in b.TextArguments ?? []) Element(w, "rsp", "Arguments", Rsp, text);
                w.WriteEndElement();
                break;
            case CommandResponseBody b:
                w.WriteStartElement("rsp", "CommandResponse", Rsp);
                Element(w, "rsp", "CommandId", Rsp, b.CommandId);
                w.WriteEndElement();
                break;
            case SendBody b:
                w.WriteStartElement("rsp", "Send", Rsp);
                foreach (var stream in b.Streams) WriteStream(w, stream);
                w.WriteEndElement();
                break;
            case SendResponseBody:
                EmptyElement(w, "rsp", "SendResponse", Rsp);
                break;
            case ReceiveBody b:
                w.WriteStartElement("rsp", "Receive", Rsp);
                w.WriteStartElement("rsp", "DesiredStream", Rsp);
                if (b.CommandId is not null) w.WriteAttributeString("CommandId", b.CommandId);
                w.WriteString(b.DesiredStream);
                w.WriteEndElement();
                w.WriteEndElement();
                break;
            case ReceiveResponseBody b:
                w.WriteStartElement("rsp", "ReceiveResponse", Rsp);
                WriteStreams(w, b.Streams);
                if (b.CommandState is { } state)
                {
                    w.WriteStartElement("rsp", "CommandState", Rsp);
                    w.WriteAttributeString("CommandId", state.CommandId);
                    w.WriteAttributeString("State", state.State);
                    if (state.ExitCode is { } exit) Element(w, "rsp", "ExitCode", Rsp, Int(exit));
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                break;
            case SignalBody b:
                w.WriteStartElement("rsp", "Signal", Rsp);
                if (b.CommandId is not null) w.WriteAttributeString("CommandId", b.CommandId);
                Element(w, "rsp", "Code", Rsp, b.Code);
                w.WriteEndElement();
                break;
            case SignalResponseBody:
                EmptyElement(w, "rsp", "SignalResponse", Rsp);
                break;
            case DisconnectBody b:
                w.WriteStartElement("rsp", "Disconnect", Rsp);
                if (b.IdleTimeOut is { } disconnectIdle) Element(w, "rsp", "IdleTimeOut", Rsp, XsDuration.FormatSeconds(disconnectIdle));
                Element(w, "rsp", "BufferMode", Rsp, b.BufferMode);
                w.WriteEndElement();
                break;
            case ReconnectBody b:
                w.WriteStartElement("rsp", "Reconnect", Rsp);
                if (b.CommandId is not null) w.WriteAttributeString("CommandId", b.CommandId);
                Element(w, "rsp", "BufferMode", Rsp, b.BufferMode);
                w.WriteEndElement();
                break;
            case ConnectBody b:
                w.WriteStartElement("rsp", "Connect", Rsp);
                if (b.CommandId is not null) w.WriteAttributeString("CommandId", b.CommandId);
                Element(w, "rsp", "BufferMode", Rsp, b.BufferMode);
                if (b.ConnectXml is { } connectXml) PowerShellBase64(w, "connectXml", connectXml);
                w.WriteEndElement();
                break;
            case ConnectResponseBody b:
                w.WriteStartElement("rsp", "ConnectResponse", Rsp);
                Element(w, "rsp", "InputStreams", Rsp, b.InputStreams);
                Element(w, "rsp", "OutputStreams", Rsp, b.OutputStreams);
                if (b.ConnectResponseXml is { } responseXml) PowerShellBase64(w, "connectResponseXml", responseXml);
                w.WriteEndElement();
                break;
            case EnumerateBody b:
                w.WriteStartElement("n", "Enumerate", N);
                if (b.OptimizeEnumeration) EmptyElement(w, "w", "OptimizeEnumeration", W);
                if (b.MaxElements is { } maxElements) Element(w, "w", "MaxElements", W, Int(maxElements));
                if (b.SelectorFilter is not null)
                {
                    w.WriteStartElement("w", "Filter", W);
                    w.WriteAttributeString("Dialect", SelectorFilterDialect);
                    WriteSelectorSet(w, b.SelectorFilter);
                    w.WriteEndElement();
                }
                else if (b.FilterText is not null)
                {
                    w.WriteStartElement("w", "Filter", W);
                    if (b.FilterDialect is { } dialect) w.WriteAttributeString("Dialect", dialect);
                    w.WriteString(b.FilterText);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                break;
            case PullBody b:
                w.WriteStartElement("n", "Pull", N);
                Element(w, "n", "EnumerationContext", N, b.EnumerationContext);
                if (b.MaxElements is { } pullMax) Element(w, "n", "MaxElements", N, Int(pullMax));
                w.WriteEndElement();
                break;
            case ReleaseBody b:
                w.WriteStartElement("n", "Release", N);
                Element(w, "n", "EnumerationContext", N, b.EnumerationContext);
                w.WriteEndElement();
                break;
            case EnumerationResponseBody b:
                WriteEnumerationResponse(w, b);
                break;
            case WmiInstanceBody b:
                WriteWmiInstance(w, b.Instance);
                break;
            case FaultBody b:
                WriteFault(w, b);
                break;
            default:
                throw new ArgumentException($"The body type {body.GetType().Name} cannot be written.", nameof(body));
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void EmptyElement(XmlWriter w, string prefix, string name, string ns)
    {
        w.WriteStartElement(prefix, name, ns);
        w.WriteEndElement();
    }

    /// <summary>
    /// The rsp:Stream elements of a response: one per PSRP fragment, so thousands per envelope. When every Name and
    /// CommandId is plain text (what XmlWriter writes unchanged), they are written straight into the output, bytes
    /// exactly as XmlWriter writes them, without going through XmlWriter for each element.
    /// </summary>
    private static void WriteStreams(XmlWriter w, IReadOnlyList<ShellStream> streams)
    {
        if (streams is ShellStreamBatch list && IsPlainAttribute(list.Name) && (list.CommandId is null || IsPlainAttribute(list.CommandId)))
        {
            WriteStreamList(w, list);
            return;
        }

        var plain = true;
        string? checkedName = null, checkedId = null;
        foreach (var stream in streams)
        {
            // Consecutive streams share their Name and CommandId strings: each looked at once.
            if (ReferenceEquals(stream.Name, checkedName) && ReferenceEquals(stream.CommandId, checkedId)) continue;
            if (!IsPlainAttribute(stream.Name) || (stream.CommandId is { } id && !IsPlainAttribute(id)))
            {
                plain = false;
                break;
            }

            (checkedName, checkedId) = (stream.Name, stream.CommandId);
        }

        if (!plain || streams.Count == 0)
        {
            foreach (var stream in streams) WriteStream(w, stream);
            return;
        }

        // Close the parent's start tag and hand everything written so far to the output.
        w.WriteString(string.Empty);
        w.Flush();
        var output = t_output!;
        string? lastName = null, lastCommandId = null;
        var lastEnd = false;
        byte[]? startTag = null;
        foreach (var stream in streams)
        {
            // Consecutive streams almost always share the start tag: encode it once.
            if (startTag is null || stream.Name != lastName || stream.CommandId != lastCommandId || stream.End != lastEnd)
            {
                startTag = StreamStartTag(stream);
                (lastName, lastCommandId, lastEnd) = (stream.Name, stream.CommandId, stream.End);
            }

            output.Write(startTag);
            EncodeStreamContent(output, stream);
            output.Write("</rsp:Stream>"u8);
        }
    }

    /// <summary>
    /// The elements of a <see cref="ShellStreamBatch"/> with plain Name and CommandId: one start tag for all, each
    /// element's content encoded straight from its bytes (the same output as <see cref="WriteStreams"/> gives for the
    /// ShellStreams the list stands for).
    /// </summary>
    private static void WriteStreamList(XmlWriter w, ShellStreamBatch list)
    {
        if (list.Count == 0) return;
        w.WriteString(string.Empty);
        w.Flush();
        var output = t_output!;
        var startTag = StreamStartTag(list.Name, list.CommandId, end: false);
        foreach (ref readonly var content in list.Contents)
        {
            if (content.Fragments > 0)
            {
                WriteFragmentRun(output, startTag, content.Data.Span, content.Fragments);
                continue;
            }

            var header = content.Header.Span;
            var data = content.Data.Span;
            if (!header.IsEmpty || data.Length > 3 * 16 * 1024)
            {
                output.Write(startTag);
                EncodeStreamContent(output, header, data);
                output.Write(StreamEndTag);
                continue;
            }

            // A small fragment: the whole element into one span of the output.
            var into = output.GetSpan(startTag.Length + Base64.GetMaxEncodedToUtf8Length(data.Length) + StreamEndTag.Length);
            output.Advance(WriteSmallElement(into, startTag, data));
        }
    }

    private static ReadOnlySpan<byte> StreamEndTag => "</rsp:Stream>"u8;

    // What one span of the output is asked for at a time while a run is written (elements are small; a larger one
    // gets a span of its own size).
    private const int RunSpan = 64 * 1024;

    /// <summary>
    /// The elements of a fragment run (the small objects of a response: thousands, each split off by its header's blob
    /// length), written into spans of the output taken a run's worth at a time rather than one per element.
    /// </summary>
    private static void WriteFragmentRun(IBufferWriter<byte> output, byte[] startTag, ReadOnlySpan<byte> run, int count)
    {
        var perElement = startTag.Length + StreamEndTag.Length;
        var span = Span<byte>.Empty;
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            var length = ShellStreamBatch.RunFragmentLength(run);
            var size = perElement + Base64.GetMaxEncodedToUtf8Length(length);
            if (span.Length - at < size)
            {
                output.Advance(at);
                // Enough for the rest of the run (each fragment's base64 is at most 4 bytes per 3 plus 4), up to RunSpan.
                var rest = (run.Length / 3 * 4) + ((count - n) * (perElement + 4));
                span = output.GetSpan(Math.Max(size, Math.Min(rest, RunSpan)));
                at = 0;
            }

            at += WriteSmallElement(span[at..], startTag, run[..length]);
            run = run[length..];
        }

        output.Advance(at);
        if (!run.IsEmpty) throw new InvalidOperationException("A fragment run holds more than its count of fragments.");
    }

    // startTag, the base64 of data, the end tag; returns the bytes written (into holds them all).
    private static int WriteSmallElement(Span<byte> into, byte[] startTag, ReadOnlySpan<byte> data)
    {
        startTag.CopyTo(into);
        var status = Base64.EncodeToUtf8(data, into[startTag.Length..], out _, out var written);
        if (status != OperationStatus.Done) throw new InvalidOperationException("Base64 encoding failed.");
        var end = startTag.Length + written;
        StreamEndTag.CopyTo(into[end..]);
        return end + StreamEndTag.Length;
    }

    private static byte[] StreamStartTag(ShellStream stream) => StreamStartTag(stream.Name, stream.CommandId, stream.End);

    private static byte[] StreamStartTag(string name, string? commandId, bool end)
    {
        var sb = new StringBuilder("<rsp:Stream Name=\"", 96).Append(name).Append('"');
        if (commandId is not null) sb.Append(" CommandId=\"").Append(commandId).Append('"');
        if (end) sb.Append(" End=\"true\"");
        return Encoding.UTF8.GetBytes(sb.Append('>').ToString());
    }

    // Printable ASCII that XmlWriter writes in an attribute value as it is (no entity, no character check).
    private static readonly SearchValues<char> PlainAttributeText = SearchValues.Create(
        " !#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static bool IsPlainAttribute(string value) => value.AsSpan().IndexOfAnyExcept(PlainAttributeText) < 0;

    private static void WriteStream(XmlWriter w, ShellStream stream)
    {
        w.WriteStartElement("rsp", "Stream", Rsp);
        w.WriteAttributeString("Name", stream.Name);
        if (stream.CommandId is not null) w.WriteAttributeString("CommandId", stream.CommandId);
        if (stream.End) w.WriteAttributeString("End", "true");
        if (!stream.Header.IsEmpty || !stream.Data.IsEmpty)
        {
            // Close the start tag and hand everything written so far to the output (as WriteBase64).
            w.WriteString(string.Empty);
            w.Flush();
            EncodeStreamContent(t_output!, stream);
        }

        w.WriteFullEndElement();
    }

    /// <summary>The base64 of <see cref="ShellStream.Header"/> followed by <see cref="ShellStream.Data"/>.</summary>
    private static void EncodeStreamContent(IBufferWriter<byte> output, ShellStream stream) =>
        EncodeStreamContent(output, stream.Header.Span, stream.Data.Span);

    private static void EncodeStreamContent(IBufferWriter<byte> output, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        if (header.IsEmpty)
        {
            EncodeBase64(output, data);
        }
        else if (header.Length % 3 == 0)
        {
            // Whole 3-byte groups: base64(header + data) is base64(header) + base64(data), no padding between.
            EncodeBase64(output, header);
            EncodeBase64(output, data);
        }
        else
        {
            var joined = new byte[header.Length + data.Length];
            header.CopyTo(joined);
            data.CopyTo(joined.AsSpan(header.Length));
            EncodeBase64(output, joined);
        }
    }

    private static void Base64Element(XmlWriter w, string prefix, string name, string ns, ReadOnlyMemory<byte> data)
    {
        w.WriteStartElement(prefix, name, ns);
        WriteBase64(w, data);
        w.WriteFullEndElement();
    }

    /// <summary><c>&lt;name xmlns="http://schemas.microsoft.com/powershell"&gt;base64&lt;/name&gt;</c>.</summary>
    private static void PowerShellBase64(XmlWriter w, string name, ReadOnlyMemory<byte> data)
    {
        w.WriteStartElement("", name, Ps);
        WriteBase64(w, data);
        w.WriteFullEndElement();
    }

    private static void WriteBase64(XmlWriter w, ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty) return;
        var output = t_output!;
        // Close the start tag and hand everything written so far to the output, then encode the data straight into
        // the output (span-based base64: XmlWriter.WriteBase64 is several times slower on large streams).
        w.WriteString(string.Empty);
        w.Flush();
        EncodeBase64(output, data.Span);
    }

    private static void EncodeBase64(IBufferWriter<byte> output, ReadOnlySpan<byte> span)
    {
        const int Chunk = 3 * 16 * 1024;
        while (!span.IsEmpty)
        {
            var n = Math.Min(span.Length, Chunk);
            var destination = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(n));
            var status = Base64.EncodeToUtf8(span[..n], destination, out var consumed, out var written, isFinalBlock: n == span.Length);
            if (status != OperationStatus.Done || consumed != n) throw new InvalidOperationException("Base64 encoding failed.");
            output.Advance(written);
            span = span[n..];
        }
    }

    private static void WriteShellInfo(XmlWriter w, ShellInfo s)
    {
        w.WriteStartElement("rsp", "Shell", Rsp);
        w.WriteAttributeString("xmlns", "rsp", null, Rsp);
        Element(w, "rsp", "ShellId", Rsp, s.ShellId);
        Element(w, "rsp", "Name", Rsp, s.Name);
        Element(w, "rsp", "ResourceUri", Rsp, s.ResourceUri);
        Element(w, "rsp", "Owner", Rsp, s.Owner);
        Element(w, "rsp", "ClientIP", Rsp, s.ClientIP);
        if (s.ProcessId is { } pid) Element(w, "rsp", "ProcessId", Rsp, Int(pid));
        if (s.IdleTimeOut is { } idle) Element(w, "rsp", "IdleTimeOut", Rsp, XsDuration.FormatSeconds(idle));
        Element(w, "rsp", "InputStreams", Rsp, s.InputStreams);
        Element(w, "rsp", "OutputStreams", Rsp, s.OutputStreams);
        if (s.MaxIdleTimeOut is { } maxIdle) Element(w, "rsp", "MaxIdleTimeOut", Rsp, XsDuration.FormatSeconds(maxIdle));
        Element(w, "rsp", "Locale", Rsp, s.Locale);
        Element(w, "rsp", "DataLocale", Rsp, s.DataLocale);
        Element(w, "rsp", "CompressionMode", Rsp, s.CompressionMode);
        Element(w, "rsp", "ProfileLoaded", Rsp, s.ProfileLoaded);
        Element(w, "rsp", "Encoding", Rsp, s.Encoding);
        Element(w, "rsp", "BufferMode", Rsp, s.BufferMode);
        Element(w, "rsp", "State", Rsp, s.State);
        if (s.ShellRunTime is { } runTime) Element(w, "rsp", "ShellRunTime", Rsp, XsDuration.FormatDayTime(runTime));
        if (s.ShellInactivity is { } inactivity) Element(w, "rsp", "ShellInactivity", Rsp, XsDuration.FormatDayTime(inactivity));
        Element(w, "rsp", "MemoryUsed", Rsp, s.MemoryUsed);
        if (s.ChildProcesses is { } children) Element(w, "rsp", "ChildProcesses", Rsp, Int(children));
        w.WriteEndElement();
    }

    private static void WriteCommandInfo(XmlWriter w, CommandInfo c)
    {
        w.WriteStartElement("rsp", "Command", Rsp);
        w.WriteAttributeString("xmlns", "rsp", null, Rsp);
        Element(w, "rsp", "CommandId", Rsp, c.CommandId);
        if (c.CommandLine is not null)
        {
            w.WriteStartElement("rsp", "CommandLine", Rsp);
            w.WriteString(c.CommandLine);
            w.WriteFullEndElement();
        }

        Element(w, "rsp", "CommandState", Rsp, c.CommandState);
        w.WriteEndElement();
    }

    private static void WriteEnumerationResponse(XmlWriter w, EnumerationResponseBody b)
    {
        // EnumerateResponse: items and EndOfSequence in the wsman namespace (optimized enumeration);
        // PullResponse: in the enumeration namespace.
        var (itemPrefix, itemNs) = b.IsPull ? ("n", N) : ("w", W);
        w.WriteStartElement("n", b.IsPull ? "PullResponse" : "EnumerateResponse", N);
        w.WriteStartElement("n", "EnumerationContext", N);
        w.WriteString(b.EnumerationContext ?? "");
        w.WriteFullEndElement();
        if (b.Shells.Count > 0 || b.Commands.Count > 0 || b.Instances.Count > 0)
        {
            w.WriteStartElement(itemPrefix, "Items", itemNs);
            foreach (var shell in b.Shells) WriteShellInfo(w, shell);
            foreach (var command in b.Commands) WriteCommandInfo(w, command);
            foreach (var instance in b.Instances) WriteWmiInstance(w, instance);
            w.WriteEndElement();
        }

        if (b.EndOfSequence) EmptyElement(w, itemPrefix, "EndOfSequence", itemNs);
        w.WriteEndElement();
    }

    private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private const string CimCommon = "http://schemas.dmtf.org/wbem/wscim/1/common";

    /// <summary>
    /// A WMI instance as WinRM writes it: the class's element in the class's resource URI (prefix p), xsi and cim
    /// declared on it, <c>xsi:type="p:Class_Type"</c>; each property an element per value, a null one <c>xsi:nil</c>,
    /// a datetime or interval inside <c>cim:Datetime</c> / <c>cim:Interval</c>.
    /// </summary>
    private static void WriteWmiInstance(XmlWriter w, WmiInstance instance)
    {
        w.WriteStartElement("p", instance.ClassName, instance.ResourceUri);
        w.WriteAttributeString("xmlns", "xsi", null, Xsi);
        w.WriteAttributeString("xmlns", "cim", null, CimCommon);
        w.WriteAttributeString("xsi", "type", Xsi, "p:" + instance.ClassName + "_Type");
        foreach (var property in instance.Properties)
        {
            if (property.Kind == WmiValueKind.Null || property.Values.Count == 0)
            {
                w.WriteStartElement("p", property.Name, instance.ResourceUri);
                w.WriteAttributeString("xsi", "nil", Xsi, "true");
                w.WriteEndElement();
                continue;
            }

            foreach (var value in property.Values)
            {
                w.WriteStartElement("p", property.Name, instance.ResourceUri);
                switch (property.Kind)
                {
                    case WmiValueKind.Datetime: Element(w, "cim", "Datetime", CimCommon, value); break;
                    case WmiValueKind.Interval: Element(w, "cim", "Interval", CimCommon, value); break;
                    default: w.WriteString(value); break;
                }

                w.WriteFullEndElement();
            }
        }

        w.WriteEndElement();
    }

    private static void WriteFault(XmlWriter w, FaultBody b)
    {
        w.WriteStartElement("s", "Fault", S);
        w.WriteStartElement("s", "Code", S);
        Element(w, "s", "Value", S, b.Code);
        w.WriteStartElement("s", "Subcode", S);
        Element(w, "s", "Value", S, b.Subcode);
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("s", "Reason", S);
        w.WriteStartElement("s", "Text", S);
        w.WriteAttributeString("xml", "lang", null, "en-US");
        w.WriteString(b.Reason);
        w.WriteEndElement();
        w.WriteEndElement();

        var wsmanFault = b.WsManFaultCode is not null || b.Machine is not null || b.Message is not null;
        if (b.FaultDetail is not null || wsmanFault)
        {
            w.WriteStartElement("s", "Detail", S);
            Element(w, "w", "FaultDetail", W, b.FaultDetail);
            if (wsmanFault)
            {
                w.WriteStartElement("f", "WSManFault", F);
                w.WriteAttributeString("xmlns", "f", null, F);
                if (b.WsManFaultCode is { } code) w.WriteAttributeString("Code", code.ToString(CultureInfo.InvariantCulture));
                if (b.Machine is not null) w.WriteAttributeString("Machine", b.Machine);
                if (b.Provider is { } provider && b.Message is not null)
                {
                    w.WriteStartElement("f", "Message", F);
                    w.WriteStartElement("f", "ProviderFault", F);
                    w.WriteAttributeString("provider", provider.Provider);
                    w.WriteAttributeString("path", provider.Path);
                    if (provider.Nested)
                    {
                        w.WriteStartElement("f", "WSManFault", F);
                        w.WriteAttributeString("xmlns", "f", null, F);
                        if (b.WsManFaultCode is { } nestedCode) w.WriteAttributeString("Code", nestedCode.ToString(CultureInfo.InvariantCulture));
                        if (b.Machine is not null) w.WriteAttributeString("Machine", b.Machine);
                        Element(w, "f", "Message", F, b.Message);
                        w.WriteEndElement();
                    }
                    else
                    {
                        w.WriteString(b.Message);
                    }

                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                else
                {
                    Element(w, "f", "Message", F, b.Message);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    /// <summary>A write-only stream over an <see cref="IBufferWriter{T}"/>.</summary>
    private sealed class BufferWriterStream : Stream
    {
        public IBufferWriter<byte>? Output { get; set; }

        private IBufferWriter<byte> Target => Output ?? throw new InvalidOperationException("The envelope writer has no output.");

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Target.Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => Target.Write(buffer);
        public override void WriteByte(byte value) => Target.Write([value]);
    }
}
