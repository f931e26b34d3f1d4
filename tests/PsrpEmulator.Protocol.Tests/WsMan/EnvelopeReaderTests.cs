using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

public class EnvelopeReaderTests
{
    private const string Ns =
        "xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " +
        "xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\" " +
        "xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\"";

    private const string MessageId = "uuid:CB510148-6150-0006-0000-000000020000";

    private static string Envelope(string body, string header = "") =>
        $"<s:Envelope {Ns}><s:Header><a:MessageID>{MessageId}</a:MessageID>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>";

    private static WsManEnvelope Read(string xml, EnvelopeLimits? limits = null) => WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(xml), limits);

    private static EnvelopeException Rejected(string xml, EnvelopeLimits? limits = null) =>
        Assert.Throws<EnvelopeException>(() => Read(xml, limits))!;

    // ------------------------------------------------------------ headers

    [Test]
    public void Receive_request_from_real_pwsh_parses_desired_stream()
    {
        // Prefix p is the wsman.xsd namespace on the root and the shell namespace inside the body.
        const string xml =
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema\" xmlns:h=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\" xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\" >" +
            "<s:Header><a:To>HTTPS://127.0.0.1:16008/wsman?PSVersion=7.6.9</a:To><w:ResourceURI s:mustUnderstand=\"true\">http://schemas.microsoft.com/powershell/Microsoft.PowerShell</w:ResourceURI>" +
            "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>" +
            "<a:Action>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive</a:Action><w:MaxEnvelopeSize s:mustUnderstand=\"true\">512000</w:MaxEnvelopeSize>" +
            "<a:MessageID>uuid:CB510148-6150-0006-0000-000000060000</a:MessageID><w:OperationTimeout>PT3M</w:OperationTimeout>" +
            "<w:Locale xml:lang=\"en-us\" s:mustUnderstand=\"false\"/><p:DataLocale xml:lang=\"en-us\" s:mustUnderstand=\"false\"/><w:OptionSet s:mustUnderstand=\"true\"></w:OptionSet>" +
            "<w:SelectorSet><w:Selector Name=\"ShellId\">C7FBB1E1-B5FA-4B80-AF30-AD674DC365F6</w:Selector></w:SelectorSet></s:Header>" +
            "<s:Body><p:Receive xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\"><p:DesiredStream CommandId=\"8124C0D7-A3C8-4F49-87BF-39F93BE7CABA\">stdout</p:DesiredStream></p:Receive></s:Body></s:Envelope>";

        var envelope = Read(xml);

        Assert.That(envelope.Body, Is.EqualTo(new ReceiveBody("stdout", "8124C0D7-A3C8-4F49-87BF-39F93BE7CABA")));
        var h = envelope.Header;
        Assert.That(h.Action, Is.EqualTo(WsManActions.Receive));
        Assert.That(h.To, Is.EqualTo("HTTPS://127.0.0.1:16008/wsman?PSVersion=7.6.9"));
        Assert.That(h.MessageId, Is.EqualTo("uuid:CB510148-6150-0006-0000-000000060000"));
        Assert.That(h.ReplyTo, Is.EqualTo(WsManAddresses.Anonymous));
        Assert.That(h.ResourceUri, Is.EqualTo(WsManResourceUris.DefaultPowerShell));
        Assert.That(h.MaxEnvelopeSize, Is.EqualTo(512000));
        Assert.That(h.OperationTimeout, Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(h.Locale, Is.EqualTo("en-us"));
        Assert.That(h.DataLocale, Is.EqualTo("en-us"));
        Assert.That(h.Options, Is.Empty);
        Assert.That(h.Selector("shellid"), Is.EqualTo("C7FBB1E1-B5FA-4B80-AF30-AD674DC365F6"), "selector names are case-insensitive");
        Assert.That(h.SessionId, Is.Null);
    }

    [Test]
    public void Option_with_undeclared_type_prefix_and_no_MustComply_is_read()
    {
        var envelope = Read(Envelope("", "<w:OptionSet s:mustUnderstand=\"true\"><w:Option Name=\"protocolversion\" Type=\"x:string\">2.4</w:Option><w:Option Name=\"WINRS_NOPROFILE\" MustComply=\"true\">TRUE</w:Option></w:OptionSet>"));

        Assert.That(envelope.Header.Options, Is.EqualTo(new[] { new WsManOption("protocolversion", "2.4"), new WsManOption("WINRS_NOPROFILE", "TRUE", true) }));
        Assert.That(envelope.Header.Option("ProtocolVersion"), Is.EqualTo("2.4"));
        Assert.That(envelope.Body, Is.SameAs(EmptyBody.Instance));
    }

    [Test]
    public void Headers_are_matched_by_namespace_whatever_their_prefix_and_order()
    {
        const string xml =
            "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Header>" +
            "<m:SequenceId xmlns:m=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">3</m:SequenceId>" +
            "<m:OperationID xmlns:m=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\" env:mustUnderstand=\"true\">uuid:1</m:OperationID>" +
            "<m:ActivityId xmlns:m=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">60D161C2-02EC-0001-EF8D-D160EC02D401</m:ActivityId>" +
            "<z:Unknown xmlns:z=\"urn:unknown\"><z:Deep><z:Deeper/></z:Deep></z:Unknown>" +
            "<m:SessionId xmlns:m=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">uuid:S</m:SessionId>" +
            "<wsa:RelatesTo xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">uuid:R</wsa:RelatesTo>" +
            "<rsp:CompressionType xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\" env:mustUnderstand=\"true\">xpress</rsp:CompressionType>" +
            "<wsa:Action xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete</wsa:Action>" +
            "<a:Action xmlns:a=\"urn:not-addressing\">wrong</a:Action>" +
            "</env:Header><env:Body/></env:Envelope>";

        var h = Read(xml).Header;

        Assert.That(h.Action, Is.EqualTo(WsManActions.Delete));
        Assert.That(h.SequenceId, Is.EqualTo(3));
        Assert.That(h.OperationId, Is.EqualTo("uuid:1"));
        Assert.That(h.OperationIdMustUnderstand, Is.True);
        Assert.That(h.SessionId, Is.EqualTo("uuid:S"));
        Assert.That(h.RelatesTo, Is.EqualTo("uuid:R"));
        Assert.That(h.CompressionType, Is.EqualTo("xpress"));
    }

    [Test]
    public void Identify_with_an_empty_header_is_read()
    {
        var envelope = Read("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>");

        Assert.That(envelope.Body, Is.InstanceOf<IdentifyBody>());
        Assert.That(envelope.Header.Action, Is.Null);
    }

    // ------------------------------------------------------------ bodies

    [Test]
    public void Reconnect_accepts_the_CommandId_as_a_child_element()
    {
        var body = Read(Envelope("<rsp:Reconnect><rsp:CommandId>C1</rsp:CommandId><rsp:BufferMode>Drop</rsp:BufferMode></rsp:Reconnect>")).Body;

        Assert.That(body, Is.EqualTo(new ReconnectBody("C1", "Drop")));
    }

    [Test]
    public void Reconnect_accepts_the_CommandId_as_an_attribute()
    {
        Assert.That(Read(Envelope("<rsp:Reconnect CommandId=\"C1\"/>")).Body, Is.EqualTo(new ReconnectBody("C1", null)));
    }

    [Test]
    public void Disconnect_reads_idle_timeout_in_any_duration_form()
    {
        Assert.That(Read(Envelope("<rsp:Disconnect><rsp:BufferMode>Block</rsp:BufferMode><rsp:IdleTimeOut>PT60S</rsp:IdleTimeOut></rsp:Disconnect>")).Body,
            Is.EqualTo(new DisconnectBody(TimeSpan.FromSeconds(60), "Block")));
    }

    [Test]
    public void Create_body_of_a_cmd_shell_without_attributes_is_a_ShellCreateBody()
    {
        var body = Read(Envelope("<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>")).Body;

        Assert.That(body, Is.EqualTo(new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)));
    }

    [Test]
    public void Shell_with_a_ShellId_element_is_a_ShellBody()
    {
        var body = Read(Envelope("<rsp:Shell><rsp:ShellId>S1</rsp:ShellId><rsp:State>Disconnected</rsp:State><rsp:ShellInactivity>P0DT0H1M2S</rsp:ShellInactivity></rsp:Shell>")).Body;

        Assert.That(body, Is.InstanceOf<ShellBody>());
        var shell = ((ShellBody)body).Shell;
        Assert.That(shell.ShellId, Is.EqualTo("S1"));
        Assert.That(shell.State, Is.EqualTo("Disconnected"));
        Assert.That(shell.ShellInactivity, Is.EqualTo(TimeSpan.FromSeconds(62)));
    }

    [Test]
    public void Base64_content_may_contain_whitespace()
    {
        var body = (SendBody)Read(Envelope("<rsp:Send><rsp:Stream Name=\"stdin\">\r\n  AQID\n  BAU=  </rsp:Stream></rsp:Send>")).Body;

        Assert.That(body.Streams[0].Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void Command_text_keeps_its_spaces()
    {
        var body = (CommandLineBody)Read(Envelope("<rsp:CommandLine CommandId=\"C\"><rsp:Command> </rsp:Command><rsp:Arguments>AQ==</rsp:Arguments></rsp:CommandLine>")).Body;

        Assert.That(body.Command, Is.EqualTo(" "));
    }

    [Test]
    public void Enumerate_with_a_selector_filter_gives_the_selectors()
    {
        var body = Read(Envelope(
            "<wsen:Enumerate xmlns:wsen=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"><w:OptimizeEnumeration /><w:MaxElements>32000</w:MaxElements>" +
            "<w:Filter Dialect=\"http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter\"><w:SelectorSet><w:Selector Name=\"ShellId\">S1</w:Selector></w:SelectorSet></w:Filter></wsen:Enumerate>")).Body;

        var enumerate = (EnumerateBody)body;
        Assert.That(enumerate.OptimizeEnumeration, Is.True);
        Assert.That(enumerate.MaxElements, Is.EqualTo(32000));
        Assert.That(enumerate.SelectorFilter!["ShellId"], Is.EqualTo("S1"));
    }

    [Test]
    public void Fault_reads_the_nested_provider_fault_text_as_the_message()
    {
        var body = Read(Envelope(
            "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidParameter</s:Value></s:Subcode></s:Code>" +
            "<s:Reason><s:Text xml:lang=\"en-US\">The parameter is incorrect. </s:Text></s:Reason><s:Detail>" +
            "<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue</w:FaultDetail>" +
            "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"87\" Machine=\"127.0.0.1\"><f:Message>" +
            "<f:ProviderFault provider=\"Shell cmd plugin\" path=\"%systemroot%\\system32\\winrscmd.dll\">The parameter is incorrect. </f:ProviderFault>" +
            "</f:Message></f:WSManFault></s:Detail></s:Fault>")).Body;

        Assert.That(body, Is.EqualTo(new FaultBody("s:Sender", "w:InvalidParameter", "The parameter is incorrect. ",
            "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue", 87, "127.0.0.1", "The parameter is incorrect. ") { Provider = ProviderFault.CmdShell }));
    }

    [Test]
    public void Fault_code_written_as_a_signed_integer_is_accepted()
    {
        var body = (FaultBody)Read(Envelope(
            "<s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text>x</s:Text></s:Reason>" +
            "<s:Detail><f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"-2144108453\" /></s:Detail></s:Fault>")).Body;

        Assert.That(body.WsManFaultCode, Is.EqualTo(2150858843u));
    }

    [Test]
    public void Trailing_body_elements_are_ignored_and_CreateResponse_takes_the_following_shell()
    {
        var body = (CreateResponseBody)Read(Envelope(
            "<x:ResourceCreated xmlns:x=\"http://schemas.xmlsoap.org/ws/2004/09/transfer\"><a:Address>http://h/wsman</a:Address><a:ReferenceParameters>" +
            "<w:ResourceURI>http://schemas.microsoft.com/powershell/Microsoft.PowerShell</w:ResourceURI><w:SelectorSet><w:Selector Name=\"ShellId\">S1</w:Selector></w:SelectorSet>" +
            "</a:ReferenceParameters></x:ResourceCreated><rsp:Shell><rsp:ShellId>S1</rsp:ShellId></rsp:Shell><z:Extra xmlns:z=\"urn:z\"/>")).Body;

        Assert.That(body.ResourceCreated.Selectors["ShellId"], Is.EqualTo("S1"));
        Assert.That(body.Shell!.ShellId, Is.EqualTo("S1"));
    }

    // ------------------------------------------------------------ every EnvelopeError

    [Test]
    public void Input_longer_than_the_limit_is_TooLarge_before_parsing()
    {
        var e = Rejected("not even xml" + new string(' ', 100), new EnvelopeLimits { MaxEnvelopeBytes = 50 });

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.TooLarge));
    }

    [Test]
    public void Envelope_at_exactly_the_limit_is_read()
    {
        var xml = Envelope("");
        Assert.That(Read(xml, new EnvelopeLimits { MaxEnvelopeBytes = Encoding.UTF8.GetByteCount(xml) }).Body, Is.SameAs(EmptyBody.Instance));
    }

    [Test]
    public void Nesting_deeper_than_the_limit_is_TooDeep()
    {
        var deep = string.Concat(Enumerable.Repeat("<z:a xmlns:z=\"urn:z\">", 40)) + string.Concat(Enumerable.Repeat("</z:a>", 40));

        Assert.That(Rejected(Envelope("", deep)).Reason, Is.EqualTo(EnvelopeError.TooDeep));
        Assert.That(Rejected(Envelope("<rsp:Send>" + deep + "</rsp:Send>")).Reason, Is.EqualTo(EnvelopeError.TooDeep));
    }

    [TestCase("<s:Envelope")]
    [TestCase("")]
    [TestCase("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body></s:Envelope>")]
    [TestCase("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><x:Undeclared/></s:Body></s:Envelope>")]
    [TestCase("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope><second/>")]
    [TestCase("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>&bogus;")]
    public void Malformed_xml_is_MalformedXml(string xml) =>
        Assert.That(Rejected(xml).Reason, Is.EqualTo(EnvelopeError.MalformedXml));

    [Test]
    public void Malformed_xml_after_a_complete_header_still_reports_the_header()
    {
        var e = Rejected(Envelope("<rsp:Receive><rsp:DesiredStream>stdout</rsp:Receive>"));

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.MalformedXml));
        Assert.That(e.Header!.MessageId, Is.EqualTo(MessageId));
    }

    [Test]
    public void A_DTD_is_DtdProhibited()
    {
        const string xml = "<!DOCTYPE s:Envelope [<!ENTITY lol \"lol\">]><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&lol;</s:Body></s:Envelope>";

        Assert.That(Rejected(xml).Reason, Is.EqualTo(EnvelopeError.DtdProhibited));
    }

    [TestCase("<Envelope><Body/></Envelope>")]
    [TestCase("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>")]
    [TestCase("<s:Body xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"/>")]
    public void A_root_that_is_not_a_SOAP_1_2_envelope_is_NotAnEnvelope(string xml) =>
        Assert.That(Rejected(xml).Reason, Is.EqualTo(EnvelopeError.NotAnEnvelope));

    [TestCase("<w:MaxEnvelopeSize>big</w:MaxEnvelopeSize>", "MaxEnvelopeSize")]
    [TestCase("<w:MaxEnvelopeSize>-1</w:MaxEnvelopeSize>", "MaxEnvelopeSize")]
    [TestCase("<w:MaxEnvelopeSize>99999999999</w:MaxEnvelopeSize>", "MaxEnvelopeSize")]
    [TestCase("<p:SequenceId>x</p:SequenceId>", "SequenceId")]
    public void A_bad_header_value_is_InvalidHeaderValue_and_the_header_is_still_available(string header, string element)
    {
        var e = Rejected(Envelope("", header));

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.InvalidHeaderValue));
        Assert.That(e.InHeader, Is.True);
        Assert.That(e.Element, Is.EqualTo(element));
        Assert.That(e.Header!.MessageId, Is.EqualTo(MessageId));
    }

    [TestCase("PT-1S")]
    [TestCase("-PT1S")]
    [TestCase("20")]
    [TestCase("")]
    public void A_bad_or_negative_OperationTimeout_is_InvalidDuration_in_the_header(string value)
    {
        var e = Rejected(Envelope("", $"<w:OperationTimeout>{value}</w:OperationTimeout>"));

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.InvalidDuration));
        Assert.That(e.InHeader, Is.True);
        Assert.That(e.Element, Is.EqualTo("OperationTimeout"));
        Assert.That(e.Header!.MessageId, Is.EqualTo(MessageId));
    }

    [TestCase("<rsp:Disconnect><rsp:IdleTimeOut>sixty</rsp:IdleTimeOut></rsp:Disconnect>")]
    [TestCase("<rsp:Disconnect><rsp:IdleTimeOut>-PT60S</rsp:IdleTimeOut></rsp:Disconnect>")]
    [TestCase("<rsp:Shell ShellId=\"S\"><rsp:IdleTimeOut>PT</rsp:IdleTimeOut></rsp:Shell>")]
    public void A_bad_duration_in_the_body_is_InvalidDuration(string body)
    {
        var e = Rejected(Envelope(body));

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.InvalidDuration));
        Assert.That(e.InHeader, Is.False);
        Assert.That(e.Header!.MessageId, Is.EqualTo(MessageId));
    }

    [TestCase("<rsp:Send><rsp:Stream Name=\"stdin\">not*base64</rsp:Stream></rsp:Send>")]
    [TestCase("<rsp:CommandLine><rsp:Arguments>AQI</rsp:Arguments></rsp:CommandLine>")]
    [TestCase("<rsp:Shell ShellId=\"S\"><creationXml xmlns=\"http://schemas.microsoft.com/powershell\">%%%</creationXml></rsp:Shell>")]
    [TestCase("<rsp:Connect><connectXml xmlns=\"http://schemas.microsoft.com/powershell\">A</connectXml></rsp:Connect>")]
    public void Bad_base64_is_InvalidBase64(string body) =>
        Assert.That(Rejected(Envelope(body)).Reason, Is.EqualTo(EnvelopeError.InvalidBase64));

    [TestCase("<rsp:Unknown/>")]
    [TestCase("<z:Subscribe xmlns:z=\"http://schemas.xmlsoap.org/ws/2004/08/eventing\"/>")]
    [TestCase("<Receive><DesiredStream>stdout</DesiredStream></Receive>")]
    public void An_unknown_body_element_is_UnknownBody(string body)
    {
        var e = Rejected(Envelope(body));

        Assert.That(e.Reason, Is.EqualTo(EnvelopeError.UnknownBody));
        Assert.That(e.Header!.MessageId, Is.EqualTo(MessageId));
    }

    [TestCase("<rsp:Signal CommandId=\"C\"/>")]
    [TestCase("<rsp:Receive/>")]
    [TestCase("<rsp:Receive><rsp:Stream>stdout</rsp:Stream></rsp:Receive>")]
    [TestCase("<rsp:CommandResponse/>")]
    [TestCase("<wsen:Pull xmlns:wsen=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>")]
    [TestCase("<cfg:Config xmlns:cfg=\"http://schemas.microsoft.com/wbem/wsman/1/config\"/>")]
    [TestCase("<rsp:Send><rsp:Stream>AQ==</rsp:Stream></rsp:Send>")]
    [TestCase("<rsp:ReceiveResponse><rsp:CommandState CommandId=\"C\"/></rsp:ReceiveResponse>")]
    [TestCase("<rsp:ReceiveResponse><rsp:CommandState CommandId=\"C\" State=\"Done\"><rsp:ExitCode>zero</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>")]
    [TestCase("<s:Fault><s:Reason><s:Text>x</s:Text></s:Reason></s:Fault>")]
    public void A_missing_or_invalid_required_element_is_InvalidBody(string body) =>
        Assert.That(Rejected(Envelope(body)).Reason, Is.EqualTo(EnvelopeError.InvalidBody));

    [Test]
    public void An_envelope_without_a_body_is_InvalidBody() =>
        Assert.That(Rejected($"<s:Envelope {Ns}><s:Header/></s:Envelope>").Reason, Is.EqualTo(EnvelopeError.InvalidBody));

    [Test]
    public void Every_envelope_error_reason_is_covered_by_a_test()
    {
        var tested = new[]
        {
            EnvelopeError.MalformedXml, EnvelopeError.DtdProhibited, EnvelopeError.NotAnEnvelope, EnvelopeError.TooLarge, EnvelopeError.TooDeep,
            EnvelopeError.InvalidHeaderValue, EnvelopeError.InvalidDuration, EnvelopeError.InvalidBase64, EnvelopeError.UnknownBody, EnvelopeError.InvalidBody,
        };

        Assert.That(tested, Is.EquivalentTo(Enum.GetValues<EnvelopeError>()));
    }
}
