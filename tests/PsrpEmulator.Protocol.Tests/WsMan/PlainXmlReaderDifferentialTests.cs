using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>
/// The plain-subset reader (<see cref="PlainXmlReader"/>) reads an envelope in place of XmlReader only where it makes
/// exactly what XmlReader makes of it: every envelope it reads must equal XmlReader's reading, and every input
/// XmlReader rejects must be refused by it (the envelope is then read by XmlReader, which reports the error). Seeded
/// mutations of the requests and responses of a round trip probe the XML syntax it checks itself (names, prefixes,
/// quotes, duplicate attributes, end tags, text outside the root).
/// </summary>
public sealed class PlainXmlReaderDifferentialTests
{
    private const string ShellId = "5F2C8A64-8A2E-4E54-8B4B-8C4D0E3F1A2B";
    private const string CommandId = "9A1C2C1D-6A5B-4D43-8B4B-0E4C3B2D1A00";

    private static WsManHeader RequestHeader(string action) => new()
    {
        Action = action,
        To = "http://127.0.0.1:5985/wsman",
        MessageId = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = WsManResourceUris.DefaultPowerShell,
        Selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = ShellId },
        Options = [new WsManOption("WSMAN_CMDSHELL_OPTION_KEEPALIVE", "TRUE")],
        OperationTimeout = TimeSpan.FromSeconds(180),
        MaxEnvelopeSize = 512000,
        Locale = "en-US",
        DataLocale = "en-US",
        SessionId = "uuid:AECF49AF-7164-43E6-B10A-E38E8C4986AD",
        OperationId = "uuid:7A1C9F3E-0000-0000-0000-000000000001",
        SequenceId = 1,
    };

    private static WsManHeader ResponseHeader(string action) => new()
    {
        Action = action,
        MessageId = "uuid:0D2A2E4B-4F0B-4E7A-8F3B-2C1D0E9F8A7B",
        To = WsManAddresses.Anonymous,
        RelatesTo = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
        OperationId = "uuid:7A1C9F3E-0000-0000-0000-000000000001",
    };

    private static byte[] Data(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The envelopes of an open, a command and a close, as the client and the emulator write them.</summary>
    private static IEnumerable<(string Name, byte[] Xml)> RoundTripEnvelopes()
    {
        WsManEnvelope Request(string action, WsManBody body) => new(RequestHeader(action), body);
        WsManEnvelope Response(string action, WsManBody body) => new(ResponseHeader(action), body);
        var created = new CreateResponseBody(
            new ResourceCreated("http://127.0.0.1:5985/wsman", WsManResourceUris.DefaultPowerShell, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = ShellId }),
            new ShellInfo { ShellId = ShellId, Name = "Runspace1", ResourceUri = WsManResourceUris.DefaultPowerShell, Owner = "psrp", ClientIP = "127.0.0.1", IdleTimeOut = TimeSpan.FromMinutes(2), State = "Connected" });
        var envelopes = new (string, WsManEnvelope)[]
        {
            ("Create", Request(WsManActions.Create, new ShellCreateBody(ShellId, "Runspace1", "stdin pr", "stdout", TimeSpan.FromMinutes(2), null, Data(900, 1)))),
            ("CreateResponse", Response(WsManActions.CreateResponse, created)),
            ("Receive pool", Request(WsManActions.Receive, new ReceiveBody("stdout", null))),
            ("Receive command", Request(WsManActions.Receive, new ReceiveBody("stdout", CommandId))),
            ("ReceiveResponse", Response(WsManActions.ReceiveResponse, new ReceiveResponseBody(
                [new ShellStream("stdout", CommandId, Data(180, 2)), new ShellStream("stdout", CommandId, Data(40, 3)), new ShellStream("stdout", CommandId, Data(20, 4), End: true)],
                new CommandState(CommandId, WsManCommandStates.Done, 0)))),
            ("ReceiveResponse pool", Response(WsManActions.ReceiveResponse, new ReceiveResponseBody([new ShellStream("stdout", null, Data(30, 5))], null))),
            ("Command", Request(WsManActions.Command, new CommandLineBody(CommandId, "", Data(600, 6)))),
            ("CommandResponse", Response(WsManActions.CommandResponse, new CommandResponseBody(CommandId))),
            ("Send", Request(WsManActions.Send, new SendBody([new ShellStream("stdin", CommandId, Data(50, 7), End: true)]))),
            ("Signal", Request(WsManActions.Signal, new SignalBody(CommandId, WsManSignalCodes.Terminate))),
            ("SignalResponse", Response(WsManActions.SignalResponse, new SignalResponseBody())),
            ("Delete", Request(WsManActions.Delete, EmptyBody.Instance)),
            ("DeleteResponse", Response(WsManActions.DeleteResponse, EmptyBody.Instance)),
            ("Fault", Response(WsManFaults.Describe(WsManFaultReason.ShellNotFound).Action, WsManFaults.CreateBody(WsManFaultReason.ShellNotFound, "127.0.0.1", ShellId))),
        };
        foreach (var (name, envelope) in envelopes) yield return (name, WsManEnvelopeWriter.Write(envelope));
    }

    public static IEnumerable<TestCaseData> RoundTripCases() => RoundTripEnvelopes().Select(e => new TestCaseData(e.Xml).SetArgDisplayNames(e.Name));

    /// <summary>XmlReader's reading (no shortcuts), canonical; or the error.</summary>
    private static string Reference(byte[] xml)
    {
        try
        {
            return EnvelopeAssert.Canonical(WsManEnvelopeReader.Read(xml, null, shortcuts: false));
        }
        catch (EnvelopeException e)
        {
            return "error " + e.Reason + ": " + e.Message;
        }
    }

    private static string Outcome(byte[] xml)
    {
        try
        {
            return EnvelopeAssert.Canonical(WsManEnvelopeReader.Read(xml));
        }
        catch (EnvelopeException e)
        {
            return "error " + e.Reason + ": " + e.Message;
        }
    }

    /// <summary>Fails when the plain reader read <paramref name="xml"/> differently from XmlReader (or read what XmlReader rejects).</summary>
    private static bool AssertAgrees(byte[] xml, string where)
    {
        var reference = Reference(xml);
        WsManEnvelope? plain;
        try
        {
            plain = WsManEnvelopeReader.ReadPlainOnly(xml);
        }
        catch (Exception e)
        {
            Assert.Fail($"{where}: the plain reader threw {e.GetType().Name}: {e.Message}");
            return false;
        }

        if (plain is not null && EnvelopeAssert.Canonical(plain) != reference)
        {
            Assert.Fail($"{where}: the plain reader and XmlReader disagree.\nXmlReader: {Trim(reference)}\nplain:     {Trim(EnvelopeAssert.Canonical(plain))}\ninput: {Encoding.UTF8.GetString(xml)}");
        }

        // And the reader as used (plain reader, base64 runs, fallbacks) says what XmlReader says, errors included.
        var used = Outcome(xml);
        if (used != reference) Assert.Fail($"{where}: the reader with its shortcuts and XmlReader disagree.\nXmlReader: {Trim(reference)}\nused:      {Trim(used)}\ninput: {Encoding.UTF8.GetString(xml)}");
        return plain is not null;
    }

    private static string Trim(string s) => s.Length > 600 ? s[..600] + "…" : s;

    [TestCaseSource(nameof(RoundTripCases))]
    public void Every_envelope_of_a_round_trip_is_read_by_the_plain_reader_as_XmlReader_reads_it(byte[] xml)
    {
        // Taken, not declined: a plain reader that refused everything would agree trivially.
        Assert.That(AssertAgrees(xml, "unmutated"), Is.True, "the plain reader declined: " + Encoding.UTF8.GetString(xml));
    }

    [TestCaseSource(typeof(EnvelopeRoundTripTests), nameof(EnvelopeRoundTripTests.Bodies))]
    public void Every_body_type_reads_alike_through_the_plain_reader_and_XmlReader(WsManBody body)
    {
        AssertAgrees(WsManEnvelopeWriter.Write(new WsManEnvelope(RequestHeader(WsManActions.Command), body)), "request");
        AssertAgrees(WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.CommandResponse), body)), "response");
    }

    [TestCaseSource(typeof(ConformanceTests), nameof(ConformanceTests.TrafficFiles))]
    public void Every_envelope_recorded_from_Windows_reads_alike_through_the_plain_reader_and_XmlReader(string fileName)
    {
        var dir = SharedFixtures.RequireFixtures();
        foreach (var m in SharedFixtures.LoadTraffic(Path.Combine(dir, "real-traffic", fileName)))
        {
            AssertAgrees(Encoding.UTF8.GetBytes(m.Request), $"{m.File} #{m.Index} request");
            if (m.Response is not null) AssertAgrees(Encoding.UTF8.GetBytes(m.Response), $"{m.File} #{m.Index} response");
        }
    }

    [TestCaseSource(typeof(ConformanceTests), nameof(ConformanceTests.PwshRequests))]
    public void Every_request_of_real_pwsh_reads_alike_through_the_plain_reader_and_XmlReader(string relativePath)
    {
        var dir = SharedFixtures.RequireFixtures();
        var raw = File.ReadAllBytes(Path.Combine(dir, "real-clients", "pwsh-7.6.9-linux", relativePath));
        AssertAgrees(SharedFixtures.HttpBody(raw), relativePath);
    }

    // Inputs XmlReader rejects (or reads in a way the subset does not cover) that a careless tokenizer would accept.
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body></s:Bodx></s:Envelope>", TestName = "An end tag that does not match")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body><q:Receive/></s:Body></s:Envelope>", TestName = "An undeclared element prefix")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body a='1' a='2'/></s:Envelope>", TestName = "An attribute twice")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:t='http://www.w3.org/2003/05/soap-envelope'><s:Body s:a='1' t:a='2'/></s:Envelope>", TestName = "An attribute twice by its expanded name")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope><s:Envelope xmlns:s='x'/>", TestName = "A second root element")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope>text", TestName = "Text after the root element")]
    [TestCase("text<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope>", TestName = "Text before the root element")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body a='1'b='2'/></s:Envelope>", TestName = "No whitespace between attributes")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body xml:space='bogus'/></s:Envelope>", TestName = "An invalid xml:space")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body a='<'/></s:Envelope>", TestName = "A less-than sign in an attribute value")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body a='x\ty'/></s:Envelope>", TestName = "A tab in an attribute value (normalized)")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:a=''><s:Body/></s:Envelope>", TestName = "An empty prefixed namespace declaration")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:s='x'><s:Body/></s:Envelope>", TestName = "A prefix declared twice on one element")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:xml='x'><s:Body/></s:Envelope>", TestName = "The xml prefix declared")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><1a/><s:Body/></s:Envelope>", TestName = "A name starting with a digit")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/>", TestName = "An unclosed root")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope  >", TestName = "Whitespace in an end tag (well-formed)")]
    [TestCase("<s:Envelope\nxmlns:s = \"http://www.w3.org/2003/05/soap-envelope\" ><s:Header>\n<a:Action xmlns:a='http://schemas.xmlsoap.org/ws/2004/08/addressing'> A </a:Action></s:Header><s:Body\t/></s:Envelope>\n", TestName = "Whitespace between attributes and around the equals sign (well-formed)")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns='http://schemas.microsoft.com/wbem/wsman/1/windows/shell'><s:Body><Receive><DesiredStream>stdout</DesiredStream></Receive></s:Body></s:Envelope>", TestName = "A default namespace (well-formed)")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns='http://schemas.microsoft.com/wbem/wsman/1/windows/shell'><s:Body><Receive xmlns=''><DesiredStream>stdout</DesiredStream></Receive></s:Body></s:Envelope>", TestName = "A default namespace undeclared (well-formed, not a Receive)")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Header><w:Locale xmlns:w='http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd' xml:lang='de-DE'/></s:Header><s:Body/></s:Envelope>", TestName = "xml:lang read (well-formed)")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body>]]></s:Body></s:Envelope>", TestName = "A CDATA end in text")]
    [TestCase("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body><s:Body:x/></s:Body></s:Envelope>", TestName = "A name with two colons")]
    public void Inputs_XmlReader_rejects_are_refused_and_well_formed_ones_read_alike(string xml)
    {
        AssertAgrees(Encoding.UTF8.GetBytes(xml), "case");
    }

    [Test]
    public void Long_and_many_unknown_names_read_alike_through_the_plain_reader_and_XmlReader()
    {
        // Names past the length the reader keeps, and more names than its slots, envelope after envelope.
        for (var round = 0; round < 3; round++)
        {
            var sb = new StringBuilder("<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:x='urn:x'><s:Header>");
            sb.Append("<x:").Append('L', 300 + round).Append(" x:").Append('A', 280).Append("='v'/>");
            for (var i = 0; i < 1500; i++) sb.Append("<x:N").Append(round).Append('_').Append(i).Append("/>");
            sb.Append("<a:Action xmlns:a='http://schemas.xmlsoap.org/ws/2004/08/addressing'>").Append(WsManActions.Delete).Append("</a:Action></s:Header><s:Body/></s:Envelope>");
            Assert.That(AssertAgrees(Encoding.UTF8.GetBytes(sb.ToString()), "round " + round), Is.True);
        }
    }

    private static readonly byte[][] Interesting =
    [
        .. "<>/\"'=: \t\n\r&#!?-_.]xX0".Select(c => new[] { (byte)c }),
        "xmlns"u8.ToArray(), "xmlns:s=\"x\" "u8.ToArray(), " a=\"1\""u8.ToArray(), "</"u8.ToArray(), "/>"u8.ToArray(), "s:"u8.ToArray(), "rsp:"u8.ToArray(),
        " xml:lang=\"x\""u8.ToArray(), "<a>"u8.ToArray(), "</a>"u8.ToArray(), "]]>"u8.ToArray(), " xmlns=\"\""u8.ToArray(), [0xC3, 0xA9],
    ];

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count);
            var pick = Interesting[random.Next(Interesting.Length)];
            switch (random.Next(5))
            {
                case 0: bytes.RemoveAt(at); bytes.InsertRange(at, pick); break;
                case 1: bytes.InsertRange(at, pick); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at)); break;
                default:
                    // A piece of the document copied elsewhere (tags and attributes out of place).
                    var from = random.Next(bytes.Count);
                    var piece = bytes.GetRange(from, Math.Min(random.Next(1, 60), bytes.Count - from));
                    bytes.InsertRange(Math.Min(at, bytes.Count), piece);
                    break;
            }
        }

        return [.. bytes];
    }

    [Test]
    public void Mutated_envelopes_of_a_round_trip_read_alike_through_the_plain_reader_and_XmlReader([Range(0, 7)] int batch)
    {
        var samples = RoundTripEnvelopes().ToList();
        var random = new Random(Fuzz.Seed(2000) + batch);
        var read = 0;
        for (var i = 0; i < Fuzz.Runs(500); i++)
        {
            var (name, xml) = samples[random.Next(samples.Count)];
            if (AssertAgrees(Mutate(xml, random), $"case {batch}/{i} ({name})")) read++;
        }

        // Many mutations stay in the subset (a changed value, a moved attribute): the plain reader was exercised.
        Assert.That(read, Is.GreaterThan(50));
    }
}
