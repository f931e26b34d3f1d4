using System.Net;
using System.Net.Http.Headers;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Testing;

namespace PsrpEmulator.EndToEnd.Tests.Authentication;

/// <summary>
/// Extended Protection over HTTPS (WinRM's CbtHardeningLevel): Negotiate/NTLM logons carry the channel binding
/// token of their TLS connection, checked against the certificate the emulator presented on it.
/// </summary>
[NonParallelizable]
public class ChannelBindingTests
{
    private EmulatorInstance? _emulator;

    static ChannelBindingTests() => AppContext.SetSwitch("System.Net.Security.UseManagedNtlm", true);

    private async Task<EmulatorInstance> StartAsync(CbtHardeningLevel level) =>
        _emulator = await EmulatorInstance.StartAsync(o =>
        {
            o.CbtHardeningLevel = level;
            o.Authentication = [WsManAuthScheme.Negotiate, WsManAuthScheme.Ntlm];
        }, useHttps: true);

    [TearDown]
    public async Task StopAsync()
    {
        if (_emulator is null) return;
        _emulator.WriteJournalIfFailed();
        await _emulator.DisposeAsync();
        _emulator = null;
    }

    private static bool Trusted(EmulatorInstance emulator, System.Security.Cryptography.X509Certificates.X509Certificate? certificate) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(), emulator.Certificate!.Thumbprint, StringComparison.OrdinalIgnoreCase);

    private static WsManClientOptions Options(EmulatorInstance emulator, WsManAuthenticationMechanism mechanism) => new()
    {
        ConnectionUri = emulator.WsManUri,
        UserName = "psrp",
        Password = "psrp",
        Authentication = mechanism,
        RobustConnection = false,
        ServerCertificateValidation = (_, certificate, _, _) => Trusted(emulator, certificate),
    };

    [TestCase(WsManAuthenticationMechanism.Negotiate)]
    [TestCase(WsManAuthenticationMechanism.Ntlm)]
    public async Task With_Strict_the_client_binds_its_logon_to_the_TLS_channel_and_runs_a_command(WsManAuthenticationMechanism mechanism)
    {
        var emulator = await StartAsync(CbtHardeningLevel.Strict);
        using var transport = new WsManTransport(Options(emulator, mechanism));
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("'bound'");

        Assert.That(events.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("bound"));
        Assert.That(emulator.Journal.Snapshot().Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
    }

    [TestCase(CbtHardeningLevel.Strict, HttpStatusCode.Unauthorized)]
    [TestCase(CbtHardeningLevel.Relaxed, HttpStatusCode.OK)]
    [TestCase(CbtHardeningLevel.None, HttpStatusCode.OK)]
    public async Task A_client_that_sends_no_token_over_https_gets_in_unless_Strict(CbtHardeningLevel level, HttpStatusCode expected)
    {
        var emulator = await StartAsync(level);
        // A handler of the caller's own: the transport does not see the TLS connection, so it sends the all-zero
        // "unbound" token, as a client without Extended Protection does.
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusted(emulator, certificate) } };
        using var transport = new WsManTransport(Options(emulator, WsManAuthenticationMechanism.Negotiate), handler);

        if (expected == HttpStatusCode.OK)
        {
            await using var pool = await RunspacePoolClient.OpenAsync(transport);
            Assert.That((await pool.InvokeAsync("'unbound'")).OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("unbound"));
        }
        else
        {
            var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));
            Assert.That(e!.HttpStatus, Is.EqualTo(401));
            Assert.That(emulator.Journal.Snapshot().Select(j => j.Refusal), Does.Contain("ChannelBindingsMissing"));
            Assert.That(emulator.Journal.Snapshot().Where(j => j.HttpStatus == 200), Is.Empty);
        }
    }

    [TestCase(CbtHardeningLevel.Relaxed, HttpStatusCode.Unauthorized)]
    [TestCase(CbtHardeningLevel.Strict, HttpStatusCode.Unauthorized)]
    [TestCase(CbtHardeningLevel.None, HttpStatusCode.OK)]
    public async Task A_logon_bound_to_another_TLS_channel_is_refused_as_relayed_unless_None(CbtHardeningLevel level, HttpStatusCode expected)
    {
        var emulator = await StartAsync(level);
        // What a client behind a TLS-terminating relay sends: the token of the relay's certificate, not the server's.
        using var relay = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
            new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=relay", System.Security.Cryptography.RSA.Create(2048), System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).RawData);
        var initiator = new NtlmInitiator("psrp", "psrp", "", "CLIENT") { ChannelBindingsHash = ChannelBindings.ForServerCertificate(relay) };
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusted(emulator, certificate) },
        });

        var (status, challenge) = await LegAsync(http, emulator, initiator.Negotiate());
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        var (final, _) = await LegAsync(http, emulator, initiator.Authenticate(challenge!, DateTimeOffset.UtcNow));

        Assert.That(final, Is.EqualTo(expected));
        Assert.That(emulator.Journal.Snapshot().Where(j => j.Action == "(refused)").Select(j => j.Refusal),
            Is.EqualTo(expected == HttpStatusCode.OK ? Array.Empty<string>() : new[] { "ChannelBindingsMismatch" }));
    }

    [Test]
    public async Task Dotnets_HttpClient_with_Negotiate_credentials_passes_Strict_over_https()
    {
        // SocketsHttpHandler's own Negotiate (managed NTLM here) with the binding of the connection's SslStream:
        // how a .NET WinRM client authenticates, written by nobody here.
        var emulator = await StartAsync(CbtHardeningLevel.Strict);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            Credentials = new NetworkCredential("psrp", "psrp"),
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusted(emulator, certificate) },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.WsManUri) { Content = new ByteArrayContent(NegotiateTests.EnumerateShells(emulator.WsManUri)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/soap+xml;charset=UTF-8");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.Contain("EnumerateResponse"));
    }

    private static async Task<(HttpStatusCode Status, byte[]? Token)> LegAsync(HttpClient http, EmulatorInstance emulator, byte[] token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.WsManUri) { Content = new ByteArrayContent([]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("NTLM", Convert.ToBase64String(token));
        using var response = await http.SendAsync(request);
        var answer = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == "NTLM" && !string.IsNullOrEmpty(h.Parameter))?.Parameter;
        return (response.StatusCode, answer is null ? null : Convert.FromBase64String(answer));
    }
}
