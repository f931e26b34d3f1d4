using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>Bad requests over real HTTP: each gets WinRM's answer, and the emulator keeps serving other shells.</summary>
public class BadInputTests : EmulatorTestBase
{
    private HttpClient _http = null!;

    [SetUp]
    public void CreateHttpClient()
    {
        _http = new HttpClient();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("psrp:psrp")));
    }

    [TearDown]
    public void DisposeHttpClient() => _http.Dispose();

    private const string Head = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">""";

    private static string Envelope(string action, string body, string? shellId = null, string resourceUri = WsManResourceUris.DefaultPowerShell, string operationTimeout = "PT20S", string options = "") =>
        Head + "<s:Header>" +
        $"<a:Action s:mustUnderstand=\"true\">{action}</a:Action>" +
        "<a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID>" +
        $"<w:ResourceURI s:mustUnderstand=\"true\">{resourceUri}</w:ResourceURI>" +
        $"<w:OperationTimeout>{operationTimeout}</w:OperationTimeout>" +
        (shellId is null ? string.Empty : $"<w:SelectorSet><w:Selector Name=\"ShellId\">{shellId}</w:Selector></w:SelectorSet>") +
        options +
        $"</s:Header><s:Body>{body}</s:Body></s:Envelope>";

    private async Task<(HttpStatusCode Status, WsManEnvelope? Envelope)> PostAsync(string xml)
    {
        using var content = new StringContent(xml, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var response = await _http.PostAsync(Emulator.WsManUri, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, bytes.Length == 0 ? null : WsManEnvelopeReader.Read(bytes));
    }

    private async Task<FaultBody> FaultOfAsync(string xml)
    {
        var (status, envelope) = await PostAsync(xml);
        Assert.That(status, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(envelope!.Body, Is.TypeOf<FaultBody>());
        var fault = (FaultBody)envelope.Body;
        Assert.That(fault.Reason, Does.Not.Contain("   at "), "no stack trace on the wire");
        return fault;
    }

    private async Task AssertStillServingAsync()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        Assert.That(Outputs(await pool.InvokeAsync("'alive'")), Is.EqualTo(new[] { "alive" }));
    }

    [Test]
    public async Task Malformed_xml_gets_a_schema_fault()
    {
        var fault = await FaultOfAsync(Head + "<s:Header><a:Action>x</a:Action></s:Header><s:Body><rsp:Receive>");
        Assert.That(fault.WsManFaultCode, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.MalformedRequest).WsManCode));
        await AssertStillServingAsync();
    }

    [Test]
    public async Task A_document_type_declaration_is_refused()
    {
        var xml = "<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + Envelope(WsManActions.Receive, "<rsp:Receive><rsp:DesiredStream>&x;</rsp:DesiredStream></rsp:Receive>", Guid.NewGuid().ToString());
        var fault = await FaultOfAsync(xml);
        Assert.That(fault.Message, Does.Contain("DTD"));
        Assert.That(fault.Message, Does.Not.Contain("root:"));
    }

    [Test]
    public async Task A_request_over_MaxEnvelopeSizekb_gets_http_413()
    {
        var xml = Envelope(WsManActions.Receive, "<rsp:Receive><rsp:DesiredStream>" + new string('a', 600 * 1024) + "</rsp:DesiredStream></rsp:Receive>", Guid.NewGuid().ToString());
        var (status, _) = await PostAsync(xml);
        Assert.That(status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        await AssertStillServingAsync();
    }

    [Test]
    public async Task An_unknown_action_gets_action_not_supported()
    {
        var fault = await FaultOfAsync(Envelope("http://example.org/NoSuchAction", string.Empty));
        Assert.That(fault.Subcode, Is.EqualTo("a:ActionNotSupported"));
    }

    [Test]
    public async Task Create_on_an_unknown_configuration_gets_invalid_resource_uri()
    {
        var fault = await FaultOfAsync(Envelope(WsManActions.Create,
            "<rsp:Shell><rsp:InputStreams>stdin pr</rsp:InputStreams><rsp:OutputStreams>stdout</rsp:OutputStreams></rsp:Shell>",
            resourceUri: WsManResourceUris.PowerShellPrefix + "NoSuchEndpoint",
            options: "<w:OptionSet><w:Option Name=\"protocolversion\">2.3</w:Option></w:OptionSet>"));
        Assert.That(fault.WsManFaultCode, Is.EqualTo(2150858811u));
    }

    [Test]
    public async Task Create_without_protocolversion_is_refused()
    {
        var fault = await FaultOfAsync(Envelope(WsManActions.Create,
            "<rsp:Shell><rsp:InputStreams>stdin pr</rsp:InputStreams><rsp:OutputStreams>stdout</rsp:OutputStreams></rsp:Shell>"));
        Assert.That(fault.WsManFaultCode, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.ProtocolVersionNotFound).WsManCode));
    }

    [Test]
    public async Task A_negative_OperationTimeout_is_an_invalid_header()
    {
        var fault = await FaultOfAsync(Envelope(WsManActions.Get, string.Empty, Guid.NewGuid().ToString(), WsManResourceUris.Shell, operationTimeout: "PT-1S"));
        Assert.That(fault.Subcode, Is.EqualTo("a:InvalidMessageInformationHeader"));
        Assert.That(fault.WsManFaultCode, Is.EqualTo(2150858767u));
    }

    [Test]
    public async Task Bad_base64_in_a_send_is_a_schema_error_and_the_shell_survives()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var fault = await FaultOfAsync(Envelope(WsManActions.Send, "<rsp:Send><rsp:Stream Name=\"stdin\">!!not base64!!</rsp:Stream></rsp:Send>", pool.ShellId));

        Assert.That(fault.Subcode, Is.EqualTo("w:SchemaValidationError"));
        Assert.That(Outputs(await pool.InvokeAsync("'still here'")), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    public async Task A_garbage_fragment_is_refused_and_the_shell_keeps_working()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var garbage = Convert.ToBase64String([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0xF3, 0, 0, 0, 1, 42]);

        var fault = await FaultOfAsync(Envelope(WsManActions.Send, $"<rsp:Send><rsp:Stream Name=\"stdin\">{garbage}</rsp:Stream></rsp:Send>", pool.ShellId));

        Assert.That(fault.WsManFaultCode, Is.EqualTo(WsManFaults.Describe(WsManFaultReason.InvalidPsrpData).WsManCode));
        Assert.That(Outputs(await pool.InvokeAsync("'ok'")), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    public async Task A_request_without_credentials_gets_401_listing_negotiate_then_basic_as_winrm_does()
    {
        using var anonymous = new HttpClient();
        using var content = new StringContent(Envelope(WsManActions.Get, string.Empty), Encoding.UTF8, "application/soap+xml");
        using var response = await anonymous.PostAsync(Emulator.WsManUri, content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        // Windows: Negotiate, Kerberos, Basic realm="WSMAN", CredSSP (Kerberos and CredSSP are not emulated).
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.ToString()), Is.EqualTo(new[] { "Negotiate", "Basic realm=\"WSMAN\"" }));
    }

    [Test]
    public async Task The_401_lists_schemes_in_winrm_s_order_whatever_the_configured_order()
    {
        await RestartEmulatorAsync(options => options.Authentication = [WsManAuthScheme.Basic, WsManAuthScheme.Ntlm, WsManAuthScheme.Negotiate]);
        using var anonymous = new HttpClient();
        using var content = new StringContent(Envelope(WsManActions.Get, string.Empty), Encoding.UTF8, "application/soap+xml");

        using var response = await anonymous.PostAsync(Emulator.WsManUri, content);

        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.ToString()), Is.EqualTo(new[] { "Negotiate", "NTLM", "Basic realm=\"WSMAN\"" }));
    }

    [Test]
    public async Task The_wsman_path_accepts_the_PSVersion_query_PowerShell_appends()
    {
        using var content = new StringContent(Envelope(WsManActions.Get, string.Empty, resourceUri: WsManResourceUris.Config), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var response = await _http.PostAsync(new Uri(Emulator.WsManUri + "?PSVersion=7.6.9"), content);
        var envelope = WsManEnvelopeReader.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.That(envelope.Body, Is.EqualTo(new ConfigBody(500)));
        Assert.That(envelope.Header.RelatesTo, Is.EqualTo("uuid:11111111-2222-3333-4444-555555555555"));
    }

    [Test]
    public async Task Health_endpoint_answers_when_ready()
    {
        using var response = await _http.GetAsync(new Uri(Emulator.BaseUri, "/_emulator/health"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
