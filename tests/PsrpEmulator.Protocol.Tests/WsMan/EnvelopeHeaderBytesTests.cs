using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>Headers of plain values are written as bytes: exactly the bytes the XmlWriter writes for them.</summary>
public sealed class EnvelopeHeaderBytesTests
{
    private static readonly Dictionary<string, string> ShellSelector = new(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = "2B0D2E6C-4C6C-4E0B-9D3B-2A7E6C0E1F11" };

    private static WsManHeader FullRequest() => new()
    {
        Action = WsManActions.Receive,
        To = "http://127.0.0.1:5985/wsman?PSVersion=7.6.0",
        MessageId = "uuid:6E3A3F9B-0C0F-4B8C-8E1C-111111111111",
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell",
        Selectors = ShellSelector,
        Options = [new WsManOption("WSMAN_CMDSHELL_OPTION_KEEPALIVE", "TRUE"), new WsManOption("protocolversion", "2.3", MustComply: true)],
        OperationTimeout = TimeSpan.FromSeconds(20),
        MaxEnvelopeSize = 512000,
        Locale = "en-US",
        DataLocale = "de-DE",
        SessionId = "uuid:0A1B2C3D-0000-4000-8000-222222222222",
        OperationId = "uuid:0A1B2C3D-0000-4000-8000-333333333333",
        OperationIdMustUnderstand = true,
        SequenceId = 7,
        CompressionType = "xpress",
    };

    private static IEnumerable<TestCaseData> Headers()
    {
        yield return new TestCaseData(FullRequest()).SetName("A request with every header");
        yield return new TestCaseData(FullRequest() with { OperationIdMustUnderstand = false, CompressionType = null, SequenceId = null, Locale = null })
            .SetName("A request without some headers");
        yield return new TestCaseData(new WsManHeader { Action = WsManActions.ReceiveResponse, MessageId = "uuid:1", To = WsManAddresses.Anonymous, RelatesTo = "uuid:2", OperationId = "uuid:3" })
            .SetName("A response with an operation id");
        yield return new TestCaseData(new WsManHeader { Action = WsManActions.CreateResponse, MessageId = "uuid:1", RelatesTo = "uuid:2", OperationId = "uuid:3", OperationIdMustUnderstand = true, SequenceId = 1 })
            .SetName("A response whose operation id must be understood");
        yield return new TestCaseData(FullRequest() with { To = "http://host/wsman?a=1&b=2" }).SetName("A request with an ampersand in To");
        yield return new TestCaseData(FullRequest() with { Selectors = new Dictionary<string, string> { ["Id"] = "a<b" } }).SetName("A selector with markup");
        yield return new TestCaseData(FullRequest() with { Options = [new WsManOption("Name", "")] }).SetName("An empty option value");
        yield return new TestCaseData(FullRequest() with { SessionId = "uuid:é" }).SetName("A non-ASCII session id");
        yield return new TestCaseData(FullRequest() with { MessageId = "" }).SetName("An empty message id");
    }

    [TestCaseSource(nameof(Headers))]
    public void Header_bytes_are_those_the_XmlWriter_writes(WsManHeader header)
    {
        var bodies = new WsManBody[] { new ReceiveBody("stdout", "C0A8F1E2-0000-4000-8000-444444444444"), new CommandResponseBody("C0A8F1E2-0000-4000-8000-444444444444") };
        foreach (var body in bodies)
        {
            var envelope = new WsManEnvelope(header, body);
            var written = Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(envelope));
            string reference;
            WsManEnvelopeWriter.t_headerThroughXmlWriter = true;
            try
            {
                reference = Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(envelope));
            }
            finally
            {
                WsManEnvelopeWriter.t_headerThroughXmlWriter = false;
            }

            Assert.That(written, Is.EqualTo(reference));
            Assert.That(WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(written)).Header.Action, Is.EqualTo(header.Action));
        }
    }
}

/// <summary>Envelopes are read with a name table kept per thread; one full of new names does not stay in it.</summary>
public sealed class EnvelopeNameTableTests
{
    [Test]
    public void Envelopes_read_alike_after_one_with_thousands_of_unknown_header_names()
    {
        var receive = WsManEnvelopeWriter.Write(new WsManEnvelope(
            new WsManHeader { Action = WsManActions.Receive, MessageId = "uuid:1", ResourceUri = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell" },
            new ReceiveBody("stdout", "CMD")));
        var before = WsManEnvelopeReader.Read(receive);

        var unknown = string.Concat(Enumerable.Range(0, 3000).Select(i => $"<u{i}:H{i} xmlns:u{i}=\"urn:x{i}\">v</u{i}:H{i}>"));
        var hostile = System.Text.Encoding.UTF8.GetString(receive).Replace("<s:Header>", "<s:Header>" + unknown, StringComparison.Ordinal);
        var read = WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(hostile));
        var after = WsManEnvelopeReader.Read(receive);

        Assert.That(read.Header.Action, Is.EqualTo(WsManActions.Receive));
        Assert.That(after.Header, Is.EqualTo(before.Header).Using<WsManHeader>((a, b) => a.Action == b.Action && a.MessageId == b.MessageId && a.ResourceUri == b.ResourceUri));
        Assert.That(((ReceiveBody)after.Body).CommandId, Is.EqualTo("CMD"));
    }
}
