using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>Writing any body and reading it back gives an equal envelope (compared by content).</summary>
public class EnvelopeRoundTripTests
{
    private const string ShellId = "B6631D8E-65A0-49F2-9053-A1B156C95777";
    private const string CommandId = "DB4E8DCF-51CC-423F-A7DF-5D0EA0D6FA08";
    private static readonly byte[] Fragments = [0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFE, 0x3C, 0x4F, 0x62, 0x6A];

    private static readonly ShellInfo FullShell = EnvelopeWriterTests.CreatedShell with
    {
        Name = "Runspace1",
        ShellRunTime = TimeSpan.FromSeconds(9),
        ShellInactivity = TimeSpan.FromSeconds(62),
        MemoryUsed = "46MB",
        ChildProcesses = 0,
        State = "Disconnected",
    };

    private static Dictionary<string, string> Selectors(string shellId) => new(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };

    public static IEnumerable<TestCaseData> Bodies()
    {
        TestCaseData Case(string name, WsManBody body) => new TestCaseData(body).SetArgDisplayNames(name);

        yield return Case("Empty", EmptyBody.Instance);
        yield return Case("Identify", new IdentifyBody());
        yield return Case("IdentifyResponse", new IdentifyResponseBody(WsManNamespaces.WsMan, "Microsoft Corporation", "OS: 10.0.17763 SP: 0.0 Stack: 3.0", ["http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic"]));
        yield return Case("IdentifyResponse without profiles", new IdentifyResponseBody(WsManNamespaces.WsMan, "Microsoft Corporation", "OS: 0.0.0 SP: 0.0 Stack: 3.0"));
        yield return Case("ShellCreate", new ShellCreateBody(ShellId, "Runspace1", "stdin pr", "stdout", TimeSpan.FromSeconds(60), "Drop", Fragments));
        yield return Case("ShellCreate minimal", new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null));
        yield return Case("CreateResponse", new CreateResponseBody(new ResourceCreated("http://host:5985/wsman?PSVersion=7.4.10", WsManResourceUris.DefaultPowerShell, Selectors(ShellId)), EnvelopeWriterTests.CreatedShell));
        yield return Case("CreateResponse v2.1 without shell", new CreateResponseBody(new ResourceCreated("http://host:5985/wsman", WsManResourceUris.DefaultPowerShell, Selectors(ShellId)), null));
        yield return Case("Shell", new ShellBody(FullShell));
        yield return Case("Shell minimal", new ShellBody(new ShellInfo { ShellId = ShellId }));
        yield return Case("Config", new ConfigBody(500));
        yield return Case("Config custom", new ConfigBody(150, 30000, 100));
        yield return Case("CommandLine", new CommandLineBody(CommandId, " 'hello' ", Fragments));
        yield return Case("CommandLine empty command", new CommandLineBody(CommandId, "", Fragments));
        yield return Case("CommandLine without command", new CommandLineBody(null, null, null));
        yield return Case("CommandResponse", new CommandResponseBody(CommandId));
        yield return Case("Send", new SendBody([new ShellStream("stdin", CommandId, Fragments), new ShellStream("pr", null, Fragments, End: true)]));
        yield return Case("SendResponse", new SendResponseBody());
        yield return Case("Receive pool", new ReceiveBody("stdout", null));
        yield return Case("Receive command", new ReceiveBody("stdout", CommandId));
        yield return Case("ReceiveResponse", new ReceiveResponseBody([new ShellStream("stdout", CommandId, Fragments), new ShellStream("stdout", CommandId, ReadOnlyMemory<byte>.Empty, true)], new CommandState(CommandId, WsManCommandStates.Done, 0)));
        yield return Case("ReceiveResponse running", new ReceiveResponseBody([new ShellStream("stdout", null, Fragments)], new CommandState(CommandId, WsManCommandStates.Running, null)));
        yield return Case("ReceiveResponse pool", new ReceiveResponseBody([new ShellStream("stdout", null, Fragments)], null));
        yield return Case("Signal", new SignalBody(CommandId, WsManSignalCodes.PowerShellCrtlC));
        yield return Case("SignalResponse", new SignalResponseBody());
        yield return Case("Disconnect", new DisconnectBody(TimeSpan.FromMinutes(5), "Block"));
        yield return Case("Disconnect empty", new DisconnectBody(null, null));
        yield return Case("Reconnect", new ReconnectBody(null, "Drop"));
        yield return Case("Reconnect command", new ReconnectBody(CommandId, null));
        yield return Case("Connect pool", new ConnectBody(null, "Block", Fragments));
        yield return Case("Connect command", new ConnectBody(CommandId, null, null));
        yield return Case("ConnectResponse pool", new ConnectResponseBody("stdin pr", "stdout", Fragments));
        yield return Case("ConnectResponse command", new ConnectResponseBody(null, null, null));
        yield return Case("Enumerate shells", new EnumerateBody(true, 32000, null));
        yield return Case("Enumerate commands", new EnumerateBody(true, 32000, Selectors(ShellId)));
        yield return Case("Enumerate plain", new EnumerateBody(false, null, null));
        yield return Case("Enumerate WQL", new EnumerateBody(true, 32000, null) { FilterDialect = WmiResourceUris.WqlDialect, FilterText = "select Name from Win32_Service where Name < 'x&y'" });
        yield return Case("Pull", new PullBody("uuid:1D6A6F7F-0000-0000-0000-000000000001", 10));
        yield return Case("EnumerateResponse shells", new EnumerationResponseBody(false, null, [FullShell, FullShell with { ShellId = "01AA3E43-9E21-424B-A7FC-BC16AA34F4CE" }], [], true));
        yield return Case("EnumerateResponse commands", new EnumerationResponseBody(false, null, [], [new CommandInfo(CommandId, "", "Running")], true));
        yield return Case("EnumerateResponse empty", new EnumerationResponseBody(false, null, [], [], true));
        yield return Case("PullResponse partial", new EnumerationResponseBody(true, "ctx-2", [FullShell], [], false));
        yield return Case("Fault", WsManFaults.CreateBody(WsManFaultReason.ShellNotFound, "127.0.0.1", ShellId));
        yield return Case("Fault addressing", WsManFaults.CreateBody(WsManFaultReason.InvalidHeader, "host", "PT-1S"));
        yield return Case("Fault minimal", new FaultBody("s:Receiver", "w:InternalError", "Boom", null, null, null, null));
    }

    [TestCaseSource(nameof(Bodies))]
    public void Every_body_type_round_trips_as_a_response(WsManBody body)
    {
        var envelope = new WsManEnvelope(new WsManHeader
        {
            Action = "http://example/Response",
            MessageId = "uuid:0D2A2E4B-4F0B-4E7A-8F3B-2C1D0E9F8A7B",
            To = WsManAddresses.Anonymous,
            RelatesTo = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
            OperationId = "uuid:7A1C9F3E-0000-0000-0000-000000000001",
            SequenceId = 1,
        }, body);

        EnvelopeAssert.AreEqual(WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)), envelope);
    }

    [TestCaseSource(nameof(Bodies))]
    public void Every_body_type_round_trips_as_a_request(WsManBody body)
    {
        var envelope = new WsManEnvelope(FullRequestHeader, body);

        EnvelopeAssert.AreEqual(WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)), envelope);
    }

    private static WsManHeader FullRequestHeader => new()
    {
        Action = WsManActions.Command,
        To = "https://host:5986/wsman?PSVersion=7.6.9",
        MessageId = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = WsManResourceUris.DefaultPowerShell,
        Selectors = Selectors(ShellId),
        Options = [new WsManOption("protocolversion", "2.3", true), new WsManOption("WINRS_SKIP_CMD_SHELL", "False")],
        OperationTimeout = TimeSpan.FromSeconds(180),
        MaxEnvelopeSize = 512000,
        Locale = "en-US",
        DataLocale = "en-CA",
        SessionId = "uuid:AECF49AF-7164-43E6-B10A-E38E8C4986AD",
        OperationId = "uuid:7A1C9F3E-0000-0000-0000-000000000001",
        OperationIdMustUnderstand = true,
        SequenceId = 42,
        CompressionType = "xpress",
    };

    [Test]
    public void WinRS_text_arguments_round_trip()
    {
        var header = FullRequestHeader with { ResourceUri = WsManResourceUris.CmdShell };
        var envelope = new WsManEnvelope(header, new CommandLineBody(null, "cmd.exe", null) { TextArguments = ["/c", "echo", "hi"] });

        var read = WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope));

        Assert.That(((CommandLineBody)read.Body).TextArguments, Is.EqualTo(new[] { "/c", "echo", "hi" }));
        EnvelopeAssert.AreEqual(read, envelope);
    }

    [Test]
    public void Comparison_helper_sees_a_changed_byte()
    {
        var a = new SendBody([new ShellStream("stdin", null, new byte[] { 1, 2, 3 })]);
        var b = new SendBody([new ShellStream("stdin", null, new byte[] { 1, 2, 4 })]);

        Assert.That(EnvelopeAssert.Canonical(a), Is.Not.EqualTo(EnvelopeAssert.Canonical(b)));
        Assert.That(EnvelopeAssert.Canonical(a), Is.EqualTo(EnvelopeAssert.Canonical(new SendBody([new ShellStream("stdin", null, new byte[] { 1, 2, 3 })]))));
    }
}
