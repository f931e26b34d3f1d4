using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Authentication;

/// <summary>
/// Basic authenticates every request, also on a connection where an earlier request succeeded (the server keeps
/// the last proven header of a connection so as not to decode it again: only that exact header is let through).
/// </summary>
public class BasicConnectionTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options) => options.Users = ["psrp:psrp", "other:secret"];

    private const string Identify =
        """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>""";

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private async Task<HttpStatusCode> IdentifyAsync(HttpClient http, string authorization)
    {
        using var content = new StringContent(Identify, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    [Test]
    public async Task A_wrong_password_after_a_successful_request_on_the_same_connection_is_refused()
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        Assert.That(await IdentifyAsync(http, Basic("psrp", "psrp")), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await IdentifyAsync(http, Basic("psrp", "wrong")), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await IdentifyAsync(http, Basic("psrp", "psrp")), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Emulator.Journal.Snapshot().Select(j => (j.Action, j.Refusal)), Is.EqualTo(new[]
        {
            ("(none)", (string?)null), ("(refused)", "WrongCredentials"), ("(none)", null),
        }));
    }

    [Test]
    public async Task Another_user_on_a_connection_is_checked_with_its_own_password()
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        Assert.That(await IdentifyAsync(http, Basic("psrp", "psrp")), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await IdentifyAsync(http, Basic("other", "psrp")), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await IdentifyAsync(http, Basic("other", "secret")), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await IdentifyAsync(http, Basic("psrp", "secret")), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Shells_made_on_one_connection_by_two_users_belong_to_each()
    {
        // The user a request runs as is the one its own header names, not the connection's earlier one.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        using var psrp = CreateTransport();
        await using var pool = await Client.Psrp.RunspacePoolClient.OpenAsync(psrp);
        var enumerate = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration"><s:Header><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action><a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID><w:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell</w:ResourceURI></s:Header><s:Body><n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate></s:Body></s:Envelope>""";

        async Task<string> EnumerateAsync(string authorization)
        {
            using var content = new StringContent(enumerate, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
            using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = content };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            return await response.Content.ReadAsStringAsync();
        }

        Assert.That(await EnumerateAsync(Basic("psrp", "psrp")), Does.Contain(pool.ShellId));
        Assert.That(await EnumerateAsync(Basic("other", "secret")), Does.Not.Contain(pool.ShellId));
        Assert.That(await EnumerateAsync(Basic("psrp", "psrp")), Does.Contain(pool.ShellId));
    }
}
