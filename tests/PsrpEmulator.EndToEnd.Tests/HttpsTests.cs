using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Testing;

namespace PsrpEmulator.EndToEnd.Tests;

public class HttpsTests
{
    private EmulatorInstance _emulator = null!;

    [SetUp]
    public async Task StartAsync() => _emulator = await EmulatorInstance.StartAsync(useHttps: true);

    [TearDown]
    public async Task StopAsync()
    {
        _emulator.WriteJournalIfFailed();
        await _emulator.DisposeAsync();
    }

    [Test]
    public async Task A_client_pinning_the_generated_certificate_runs_a_command_over_https()
    {
        var thumbprint = _emulator.Certificate!.Thumbprint;
        using var transport = new WsManTransport(new WsManClientOptions
        {
            ConnectionUri = _emulator.WsManUri,
            UserName = "psrp",
            Password = "psrp",
            ServerCertificateValidation = (_, certificate, _, _) => certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
        });
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("'over tls'");

        Assert.That(_emulator.WsManUri.Scheme, Is.EqualTo("https"));
        Assert.That(events.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("over tls"));
        Assert.That(_emulator.Certificate.Generated, Is.True);
    }

    [Test]
    public async Task An_untrusted_certificate_is_refused_by_default()
    {
        using var transport = new WsManTransport(new WsManClientOptions { ConnectionUri = _emulator.WsManUri, UserName = "psrp", Password = "psrp" });

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.Message, Does.Contain("failed"));
        Assert.That(_emulator.Journal.Snapshot(), Is.Empty, "nothing reached the endpoint");
    }

    [Test]
    public async Task A_client_asking_for_http2_is_answered_in_http_1_1_where_connection_bound_authentication_holds()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.WsManUri)
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new StringContent("<x/>"),
        };

        using var response = await http.SendAsync(request);

        Assert.That(response.Version, Is.EqualTo(System.Net.HttpVersion.Version11));
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Unauthorized));
    }
}
