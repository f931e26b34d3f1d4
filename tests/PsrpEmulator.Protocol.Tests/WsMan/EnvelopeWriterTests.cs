using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

public class EnvelopeWriterTests
{
    private const string Root =
        "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " +
        "xmlns:x=\"http://schemas.xmlsoap.org/ws/2004/09/transfer\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" " +
        "xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\" xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">";

    private const string ShellId = "76056A84-51DC-4F24-9262-CA2A55464B2B";
    private const string CommandId = "D644AE56-61E5-4C1A-A135-E599B76B3035";

    private static WsManHeader ResponseHeader(string action) => new()
    {
        Action = action,
        MessageId = "uuid:B33F9E2C-03F6-4852-8C42-DF9F010F9C5F",
        To = WsManAddresses.Anonymous,
        RelatesTo = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
    };

    private static string ResponseHeaderXml(string action) =>
        $"<s:Header><a:Action>{action}</a:Action><a:MessageID>uuid:B33F9E2C-03F6-4852-8C42-DF9F010F9C5F</a:MessageID>" +
        "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227</a:RelatesTo></s:Header>";

    private static string Written(WsManEnvelope envelope) => Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(envelope));

    public static ShellInfo CreatedShell => new()
    {
        ShellId = ShellId,
        ResourceUri = WsManResourceUris.DefaultPowerShell,
        Owner = "WIN-NNMU24VVKJ0\\vagrant",
        ClientIP = "10.0.2.2",
        ProcessId = 1868,
        IdleTimeOut = TimeSpan.FromHours(2),
        MaxIdleTimeOut = TimeSpan.FromMilliseconds(int.MaxValue),
        Locale = "en-US",
        DataLocale = "en-US",
        CompressionMode = "NoCompression",
        ProfileLoaded = "Yes",
        Encoding = "UTF8",
        BufferMode = "Block",
        State = "Connected",
        ShellRunTime = TimeSpan.Zero,
        ShellInactivity = TimeSpan.Zero,
    };

    [Test]
    public void CreateResponse_is_written_as_Windows_writes_it()
    {
        var body = new CreateResponseBody(
            new ResourceCreated("https://127.0.0.1:55986/wsman", WsManResourceUris.DefaultPowerShell, new Dictionary<string, string> { ["ShellId"] = ShellId }),
            CreatedShell);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.CreateResponse), body));

        Assert.That(xml, Is.EqualTo(Root + ResponseHeaderXml(WsManActions.CreateResponse) +
            "<s:Body><x:ResourceCreated><a:Address>https://127.0.0.1:55986/wsman</a:Address><a:ReferenceParameters>" +
            "<w:ResourceURI>http://schemas.microsoft.com/powershell/Microsoft.PowerShell</w:ResourceURI>" +
            "<w:SelectorSet><w:Selector Name=\"ShellId\">76056A84-51DC-4F24-9262-CA2A55464B2B</w:Selector></w:SelectorSet>" +
            "</a:ReferenceParameters></x:ResourceCreated>" +
            "<rsp:Shell xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\"><rsp:ShellId>76056A84-51DC-4F24-9262-CA2A55464B2B</rsp:ShellId>" +
            "<rsp:ResourceUri>http://schemas.microsoft.com/powershell/Microsoft.PowerShell</rsp:ResourceUri><rsp:Owner>WIN-NNMU24VVKJ0\\vagrant</rsp:Owner>" +
            "<rsp:ClientIP>10.0.2.2</rsp:ClientIP><rsp:ProcessId>1868</rsp:ProcessId><rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut>" +
            "<rsp:InputStreams>stdin pr</rsp:InputStreams><rsp:OutputStreams>stdout</rsp:OutputStreams><rsp:MaxIdleTimeOut>PT2147483.647S</rsp:MaxIdleTimeOut>" +
            "<rsp:Locale>en-US</rsp:Locale><rsp:DataLocale>en-US</rsp:DataLocale><rsp:CompressionMode>NoCompression</rsp:CompressionMode>" +
            "<rsp:ProfileLoaded>Yes</rsp:ProfileLoaded><rsp:Encoding>UTF8</rsp:Encoding><rsp:BufferMode>Block</rsp:BufferMode><rsp:State>Connected</rsp:State>" +
            "<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime><rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell></s:Body></s:Envelope>"));
    }

    [Test]
    public void TimedOut_fault_is_written_as_Windows_writes_it()
    {
        var body = WsManFaults.CreateBody(WsManFaultReason.OperationTimedOut, "127.0.0.1");

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.Fault), body));

        const string text = "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ";
        Assert.That(xml, Is.EqualTo(Root + ResponseHeaderXml(WsManActions.Fault) +
            "<s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code>" +
            $"<s:Reason><s:Text xml:lang=\"en-US\">{text}</s:Text></s:Reason><s:Detail>" +
            "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858793\" Machine=\"127.0.0.1\">" +
            $"<f:Message>{text}</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>"));
    }

    [Test]
    public void InvalidSelectors_fault_carries_the_fault_detail_before_the_WSManFault()
    {
        var body = WsManFaults.CreateBody(WsManFaultReason.ShellNotFound, "host", ShellId);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.Fault), body));

        Assert.That(xml, Does.Contain("<s:Subcode><s:Value>w:InvalidSelectors</s:Value></s:Subcode>"));
        Assert.That(xml, Does.Contain("<s:Detail><w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors</w:FaultDetail>" +
            "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858843\" Machine=\"host\">"));
    }

    [Test]
    public void ReceiveResponse_is_written_as_Windows_writes_it()
    {
        var body = new ReceiveResponseBody(
            [
                new ShellStream("stdout", CommandId, "hi"u8.ToArray()),
                new ShellStream("stdout", CommandId, ReadOnlyMemory<byte>.Empty, End: true),
            ],
            new CommandState(CommandId, WsManCommandStates.Done, 0));

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), body));

        Assert.That(xml, Is.EqualTo(Root + ResponseHeaderXml(WsManActions.ReceiveResponse) +
            "<s:Body><rsp:ReceiveResponse>" +
            $"<rsp:Stream Name=\"stdout\" CommandId=\"{CommandId}\">aGk=</rsp:Stream>" +
            $"<rsp:Stream Name=\"stdout\" CommandId=\"{CommandId}\" End=\"true\"></rsp:Stream>" +
            $"<rsp:CommandState CommandId=\"{CommandId}\" State=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done\"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState>" +
            "</rsp:ReceiveResponse></s:Body></s:Envelope>"));
    }

    [Test]
    public void ReceiveResponse_stream_attributes_that_need_escaping_are_escaped_as_XmlWriter_does()
    {
        var body = new ReceiveResponseBody(
            [
                new ShellStream("stdout", CommandId, "hi"u8.ToArray()),
                new ShellStream("a&b\"<c>", "x\ty", "hi"u8.ToArray()),
            ],
            null);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), body));

        Assert.That(xml, Does.Contain(
            $"<rsp:ReceiveResponse><rsp:Stream Name=\"stdout\" CommandId=\"{CommandId}\">aGk=</rsp:Stream>" +
            "<rsp:Stream Name=\"a&amp;b&quot;&lt;c&gt;\" CommandId=\"x&#x9;y\">aGk=</rsp:Stream></rsp:ReceiveResponse>"));
    }

    [Test]
    public void ReceiveResponse_streams_that_change_name_or_end_get_their_own_start_tags()
    {
        var body = new ReceiveResponseBody(
            [
                new ShellStream("stdout", CommandId, "a"u8.ToArray()),
                new ShellStream("stdout", CommandId, "b"u8.ToArray()),
                new ShellStream("pr", CommandId, "c"u8.ToArray()),
                new ShellStream("pr", null, "d"u8.ToArray()),
                new ShellStream("pr", null, "e"u8.ToArray(), End: true),
            ],
            null);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), body));

        Assert.That(xml, Does.Contain(
            $"<rsp:ReceiveResponse><rsp:Stream Name=\"stdout\" CommandId=\"{CommandId}\">YQ==</rsp:Stream>" +
            $"<rsp:Stream Name=\"stdout\" CommandId=\"{CommandId}\">Yg==</rsp:Stream>" +
            $"<rsp:Stream Name=\"pr\" CommandId=\"{CommandId}\">Yw==</rsp:Stream>" +
            "<rsp:Stream Name=\"pr\">ZA==</rsp:Stream><rsp:Stream Name=\"pr\" End=\"true\">ZQ==</rsp:Stream></rsp:ReceiveResponse>"));
    }

    private static IEnumerable<TestCaseData> StreamLists()
    {
        // A fragment as one slice; a 21-byte header (whole base64 groups) in front of a slice; a 2-byte header (not);
        // empty contents; a fragment longer than the writer's base64 chunk.
        ShellStreamContent[] contents =
        [
            new(default, "first fragment"u8.ToArray()),
            new(Enumerable.Range(0, 21).Select(i => (byte)i).ToArray(), "data after a header"u8.ToArray()),
            new(new byte[] { 0xFF, 0xFE }, "odd header"u8.ToArray()),
            new(default, default),
            new(default, new byte[] { 1, 2, 3, 4 }.AsMemory(1, 2)),
            new(default, Enumerable.Range(0, 60_000).Select(i => (byte)(i * 7)).ToArray()),
        ];
        yield return new TestCaseData("stdout", CommandId, contents).SetName("A stream list with a CommandId is written as its ShellStreams are");
        yield return new TestCaseData("stdout", null, contents).SetName("A stream list without CommandId is written as its ShellStreams are");
        yield return new TestCaseData("a&b\"<c>", "x\ty", contents).SetName("A stream list whose attributes need escaping is written as its ShellStreams are");
        yield return new TestCaseData("stdout", CommandId, Array.Empty<ShellStreamContent>()).SetName("An empty stream list is written as no streams are");
    }

    [TestCaseSource(nameof(StreamLists))]
    public void ReceiveResponse_with_a_stream_list_is_written_byte_for_byte_as_with_its_ShellStreams(string name, string? commandId, ShellStreamContent[] contents)
    {
        // More room in the array than the list covers: only the first Count are elements.
        var array = contents.Append(new ShellStreamContent(default, "not an element"u8.ToArray())).ToArray();
        var list = new ShellStreamBatch(name, commandId, array, contents.Length);
        var streams = contents.Select(c => new ShellStream(name, commandId, c.Data) { Header = c.Header }).ToList();
        var state = new CommandState(CommandId, WsManCommandStates.Done, 0);

        var expected = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(streams, state)));
        var actual = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(list, state)));

        Assert.That(Encoding.UTF8.GetString(actual), Is.EqualTo(Encoding.UTF8.GetString(expected)));
        Assert.That(list, Has.Count.EqualTo(contents.Length));
        Assert.That(list.Select(s => (s.Name, s.CommandId, s.End, s.Header.ToArray(), s.Data.ToArray())),
            Is.EqualTo(streams.Select(s => (s.Name, s.CommandId, s.End, s.Header.ToArray(), s.Data.ToArray()))));
    }

    // A PSRP fragment of objectId with a blob of length bytes (varied content), as FragmentCodec writes it.
    private static byte[] EncodedFragment(ulong objectId, int length)
    {
        var blob = Enumerable.Range(0, length).Select(i => (byte)((i * 31) + (int)objectId)).ToArray();
        var fragment = new PsrpEmulator.Protocol.Psrp.Fragment(objectId, 0, true, true, blob);
        var bytes = new byte[fragment.EncodedLength];
        PsrpEmulator.Protocol.Psrp.FragmentCodec.Write(bytes, fragment);
        return bytes;
    }

    // Contents and the fragments they stand for, one per element: fragment runs (whole fragments back to back in one
    // array, as a sender's buffer holds them, taken from the middle of it) among contents of one element each.
    private static (ShellStreamContent[] Contents, List<byte[]> Elements) WithRuns(params int[][] runs)
    {
        var contents = new List<ShellStreamContent>();
        var elements = new List<byte[]>();
        ulong id = 1;
        foreach (var lengths in runs)
        {
            if (lengths.Length == 0)
            {
                // One element of its own between the runs.
                var single = EncodedFragment(id++, 40);
                contents.Add(new ShellStreamContent(default, single));
                elements.Add(single);
                continue;
            }

            var fragments = lengths.Select(l => EncodedFragment(id++, l)).ToList();
            var run = new byte[7 + fragments.Sum(f => f.Length) + 5];
            var at = 7;
            foreach (var fragment in fragments)
            {
                fragment.CopyTo(run, at);
                at += fragment.Length;
            }

            contents.Add(ShellStreamContent.FragmentRun(run.AsMemory(7, at - 7), fragments.Count));
            elements.AddRange(fragments);
        }

        return (contents.ToArray(), elements);
    }

    private static IEnumerable<TestCaseData> FragmentRuns()
    {
        // Small objects (thousands, more than one span of the output), blob lengths of every remainder mod 3, a run of
        // one, a fragment longer than the span a run asks for at a time, and contents of one element between runs.
        var small = Enumerable.Range(0, 3000).Select(i => 100 + (i % 7)).ToArray();
        var (contents, elements) = WithRuns(small, [], [0, 1, 2, 3, 4, 5], [300], [], [120, 70_000, 90], [5_000, 8_000]);
        yield return new TestCaseData("stdout", CommandId, contents, elements).SetName("A stream list with fragment runs is written as a ShellStream per fragment");
        yield return new TestCaseData("stdout", null, contents, elements).SetName("A stream list with fragment runs and no CommandId is written as a ShellStream per fragment");
        yield return new TestCaseData("stdout", CommandId.ToLowerInvariant(), contents, elements).SetName("A stream list with fragment runs and a lower-case CommandId is written with it");
        yield return new TestCaseData("a&b\"<c>", "x\ty", contents, elements).SetName("A stream list with fragment runs whose attributes need escaping is written as a ShellStream per fragment");
    }

    [TestCaseSource(nameof(FragmentRuns))]
    public void ReceiveResponse_with_fragment_runs_is_written_byte_for_byte_as_with_a_ShellStream_per_fragment(string name, string? commandId, ShellStreamContent[] contents, List<byte[]> elements)
    {
        var list = new ShellStreamBatch(name, commandId, contents, contents.Length);
        var streams = elements.Select(e => new ShellStream(name, commandId, e)).ToList();
        var state = new CommandState(CommandId, WsManCommandStates.Done, 0);

        var expected = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(streams, state)));
        var actual = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(list, state)));

        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(Encoding.UTF8.GetString(actual), Does.Contain(Convert.ToBase64String(elements[^1]) + "</rsp:Stream>"));
        // Counted, indexed and enumerated per element, a run's fragments one by one.
        Assert.That(list, Has.Count.EqualTo(elements.Count));
        Assert.That(list.Select(s => s.Data.ToArray()), Is.EqualTo(elements));
        Assert.That(Enumerable.Range(0, list.Count).Select(i => list[i].Data.ToArray()), Is.EqualTo(elements));
    }

    [Test]
    public void A_fragment_run_is_written_as_elements_that_read_back_as_its_fragments()
    {
        // Independent of the writer's other paths: the response read back gives each fragment in an element of its own.
        var (contents, elements) = WithRuns(Enumerable.Range(0, 500).Select(i => 90 + (i % 5)).ToArray(), [], [70_000, 1]);
        var list = new ShellStreamBatch("stdout", CommandId, contents, contents.Length);

        var bytes = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(list, null)));
        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(bytes, new EnvelopeLimits { MaxEnvelopeBytes = 10 * 1024 * 1024 }).Body;

        Assert.That(read.Streams.Select(s => (s.Name, s.CommandId, s.End)), Is.All.EqualTo(("stdout", (string?)CommandId, false)));
        Assert.That(read.Streams.Select(s => s.Data.ToArray()), Is.EqualTo(elements));
    }

    private static IEnumerable<TestCaseData> BrokenRuns()
    {
        var two = EncodedFragment(1, 50).Concat(EncodedFragment(2, 60)).ToArray();
        yield return new TestCaseData(ShellStreamContent.FragmentRun(two, 3)).SetName("A fragment run counted with more fragments than it holds is refused");
        yield return new TestCaseData(ShellStreamContent.FragmentRun(two, 1)).SetName("A fragment run counted with fewer fragments than it holds is refused");
        yield return new TestCaseData(ShellStreamContent.FragmentRun(two.AsMemory(0, two.Length - 1), 2)).SetName("A fragment run cut inside its last fragment is refused");
        yield return new TestCaseData(ShellStreamContent.FragmentRun(two.AsMemory(0, two.Length - 1 - 60), 2)).SetName("A fragment run cut inside a header is refused");
    }

    [TestCaseSource(nameof(BrokenRuns))]
    public void A_fragment_run_that_is_not_whole_fragments_is_refused_not_sent(ShellStreamContent run)
    {
        var list = new ShellStreamBatch("stdout", CommandId, [run], 1);

        Assert.Throws<InvalidOperationException>(() => WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), new ReceiveResponseBody(list, null))));
        // The writer is whole again for the next envelope.
        Assert.That(Written(new WsManEnvelope(ResponseHeader(WsManActions.DeleteResponse), EmptyBody.Instance)), Does.EndWith("<s:Body /></s:Envelope>"));
    }

    [Test]
    public void A_fragment_run_of_no_fragments_cannot_be_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShellStreamContent.FragmentRun(EncodedFragment(1, 10), 0));
    }

    [Test]
    public void A_stream_list_refuses_a_count_beyond_its_array_and_an_index_beyond_its_count()
    {
        ShellStreamContent[] contents = [new(default, "a"u8.ToArray()), new(default, "b"u8.ToArray())];
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ShellStreamBatch("stdout", null, contents, 3));
        var list = new ShellStreamBatch("stdout", null, contents, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[1]);
        Assert.That(list[0].Data.ToArray(), Is.EqualTo("a"u8.ToArray()));
    }

    [Test]
    public void Empty_body_is_written_as_a_self_closing_Body()
    {
        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.DeleteResponse), EmptyBody.Instance));

        Assert.That(xml, Does.EndWith("</s:Header><s:Body /></s:Envelope>"));
    }

    [Test]
    public void An_envelope_written_after_a_write_that_failed_is_whole_and_alone()
    {
        // Each thread keeps its XmlWriter between envelopes: a write that threw must not leave half an envelope,
        // an open element or a namespace scope behind for the next one.
        var expected = Written(new WsManEnvelope(ResponseHeader(WsManActions.CommandResponse), new CommandResponseBody(CommandId)));
        var bad = ResponseHeader(WsManActions.CommandResponse) with { RelatesTo = "uuid:\u0001 not an XML character" };

        Assert.Throws<ArgumentException>(() => WsManEnvelopeWriter.Write(new WsManEnvelope(bad, new CommandResponseBody(CommandId))));
        var after = Written(new WsManEnvelope(ResponseHeader(WsManActions.CommandResponse), new CommandResponseBody(CommandId)));

        Assert.That(after, Is.EqualTo(expected));
        Assert.That(after, Does.StartWith("<s:Envelope ").And.EndWith("</s:Envelope>"));
    }

    [Test]
    public void Envelopes_written_one_after_another_on_a_thread_are_each_a_whole_document()
    {
        var first = Written(new WsManEnvelope(ResponseHeader(WsManActions.DeleteResponse), EmptyBody.Instance));
        var second = Written(new WsManEnvelope(ResponseHeader(WsManActions.DeleteResponse), EmptyBody.Instance));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(second.IndexOf("<s:Envelope", StringComparison.Ordinal), Is.EqualTo(second.LastIndexOf("<s:Envelope", StringComparison.Ordinal)));
        Assert.That(second, Does.StartWith(Root.Replace("\">", string.Empty, StringComparison.Ordinal)));
    }

    [Test]
    public void Output_is_utf8_without_bom_and_without_xml_declaration()
    {
        var bytes = WsManEnvelopeWriter.Write(new WsManEnvelope(ResponseHeader(WsManActions.SendResponse), new SendResponseBody()));

        Assert.That(bytes[0], Is.EqualTo((byte)'<'));
        Assert.That(Encoding.UTF8.GetString(bytes), Does.StartWith("<s:Envelope "));
    }

    [Test]
    public void EnumerateResponse_uses_wsman_items_and_PullResponse_uses_enumeration_items()
    {
        var commands = new[] { new CommandInfo(CommandId, "", "Running") };
        var enumerate = Written(new WsManEnvelope(ResponseHeader(WsManActions.EnumerateResponse), new EnumerationResponseBody(false, null, [], commands, true)));
        var pull = Written(new WsManEnvelope(ResponseHeader(WsManActions.PullResponse), new EnumerationResponseBody(true, "ctx", [], commands, true)));

        Assert.That(enumerate, Does.Contain(
            "<s:Body><n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:Items>" +
            $"<rsp:Command xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\"><rsp:CommandId>{CommandId}</rsp:CommandId>" +
            "<rsp:CommandLine></rsp:CommandLine><rsp:CommandState>Running</rsp:CommandState></rsp:Command></w:Items><w:EndOfSequence /></n:EnumerateResponse></s:Body>"));
        Assert.That(enumerate, Does.Contain("xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\""));
        Assert.That(pull, Does.Contain("<n:PullResponse><n:EnumerationContext>ctx</n:EnumerationContext><n:Items>"));
        Assert.That(pull, Does.Contain("</n:Items><n:EndOfSequence /></n:PullResponse>"));
    }

    [Test]
    public void Request_header_marks_the_headers_pypsrp_and_PowerShell_mark_mustUnderstand()
    {
        var header = new WsManHeader
        {
            Action = WsManActions.Create,
            To = "http://host:5985/wsman",
            MessageId = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
            ReplyTo = WsManAddresses.Anonymous,
            ResourceUri = WsManResourceUris.DefaultPowerShell,
            MaxEnvelopeSize = 512000,
            OperationTimeout = TimeSpan.FromSeconds(20),
            Locale = "en-US",
            DataLocale = "en-CA",
            SessionId = "uuid:AECF49AF-7164-43E6-B10A-E38E8C4986AD",
            Options = [new WsManOption("protocolversion", "2.3", MustComply: true)],
        };

        var xml = Written(new WsManEnvelope(header, new ShellCreateBody(ShellId, "Runspace1", "stdin pr", "stdout", null, null, new byte[] { 1, 2, 3 })));

        Assert.That(xml, Does.StartWith("<s:Envelope xmlns:s="), "requests carry no xml:lang on the root");
        Assert.That(xml, Does.Contain("<s:Header><a:Action s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>" +
            "<a:MessageID>uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227</a:MessageID><a:To>http://host:5985/wsman</a:To>" +
            "<w:ResourceURI s:mustUnderstand=\"true\">http://schemas.microsoft.com/powershell/Microsoft.PowerShell</w:ResourceURI>" +
            "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>" +
            "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">512000</w:MaxEnvelopeSize><w:OperationTimeout>PT20.000S</w:OperationTimeout>" +
            "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\" /><p:DataLocale xml:lang=\"en-CA\" s:mustUnderstand=\"false\" />" +
            "<p:SessionId s:mustUnderstand=\"false\">uuid:AECF49AF-7164-43E6-B10A-E38E8C4986AD</p:SessionId>" +
            "<w:OptionSet s:mustUnderstand=\"true\"><w:Option Name=\"protocolversion\" MustComply=\"true\">2.3</w:Option></w:OptionSet></s:Header>"));
        Assert.That(xml, Does.Contain("<s:Body><rsp:Shell ShellId=\"76056A84-51DC-4F24-9262-CA2A55464B2B\" Name=\"Runspace1\"><rsp:InputStreams>stdin pr</rsp:InputStreams>" +
            "<rsp:OutputStreams>stdout</rsp:OutputStreams><creationXml xmlns=\"http://schemas.microsoft.com/powershell\">AQID</creationXml></rsp:Shell></s:Body>"));
    }

    [Test]
    public void Large_stream_data_is_written_as_one_base64_text()
    {
        var data = new byte[300_001];
        new Random(42).NextBytes(data);
        var body = new ReceiveResponseBody([new ShellStream("stdout", null, data.AsMemory(1))], null);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.ReceiveResponse), body));

        Assert.That(xml, Does.Contain("<rsp:Stream Name=\"stdout\">" + Convert.ToBase64String(data.AsSpan(1)) + "</rsp:Stream>"));
    }

    [Test]
    public void CreateResponse_matches_the_Windows_bytes_except_ActivityId()
    {
        var dir = SharedFixtures.RequireFixtures();
        var message = SharedFixtures.LoadTraffic(Path.Combine(dir, "real-traffic", "test_psrp_open_runspace.yml"))[0];
        var windows = message.Response!;

        var written = Written(WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(windows)));

        var withoutActivityId = System.Text.RegularExpressions.Regex.Replace(windows, "<p:ActivityId>[^<]*</p:ActivityId>", "");
        Assert.That(written, Is.EqualTo(withoutActivityId));
    }

    /// <summary>
    /// A WMI instance as WinRM's WMI plugin writes it (the shape of winrm.cmd's and the Go wsman library's samples): the
    /// class element in the class's resource URI with xsi:type, a null as xsi:nil, a datetime inside cim:Datetime, an
    /// array as the property's element repeated.
    /// </summary>
    [Test]
    public void A_WMI_instance_is_written_as_WinRMs_WMI_plugin_writes_it()
    {
        const string uri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process";
        var instance = new WmiInstance(uri, "Win32_Process",
        [
            new WmiProperty("Caption", WmiValueKind.Text, ["System Idle Process"]),
            new WmiProperty("CommandLine", WmiValueKind.Null, []),
            new WmiProperty("CreationDate", WmiValueKind.Datetime, ["2014-04-03T14:45:50.46875+08:00"]),
            new WmiProperty("Delay", WmiValueKind.Interval, ["P0DT0H1M40S"]),
            new WmiProperty("IPAddress", WmiValueKind.Text, ["192.168.1.103", "fe80::1"]),
        ]);

        var xml = Written(new WsManEnvelope(ResponseHeader(WsManActions.EnumerateResponse), new EnumerationResponseBody(false, null, [], [], true) { Instances = [instance] }));
        var get = Written(new WsManEnvelope(ResponseHeader(WsManActions.GetResponse), new WmiInstanceBody(instance)));

        const string element =
            "<p:Win32_Process xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\" xsi:type=\"p:Win32_Process_Type\" " +
            "xmlns:p=\"" + uri + "\"><p:Caption>System Idle Process</p:Caption><p:CommandLine xsi:nil=\"true\" />" +
            "<p:CreationDate><cim:Datetime>2014-04-03T14:45:50.46875+08:00</cim:Datetime></p:CreationDate><p:Delay><cim:Interval>P0DT0H1M40S</cim:Interval></p:Delay>" +
            "<p:IPAddress>192.168.1.103</p:IPAddress><p:IPAddress>fe80::1</p:IPAddress></p:Win32_Process>";
        Assert.That(xml, Does.Contain("<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:Items>" + element + "</w:Items><w:EndOfSequence /></n:EnumerateResponse>"));
        Assert.That(get, Does.Contain("<s:Body>" + element + "</s:Body>"));
    }
}
