using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Authentication;

/// <summary>
/// Negotiate and NTLM over HTTP with WinRM message encryption, with AllowUnencrypted=false as on Windows, so a
/// plain body would be refused: the real client against the real server, and .NET's own managed NTLM client.
/// </summary>
[NonParallelizable]
public class NegotiateTests : EmulatorTestBase
{
    protected override string? ScenarioYaml => """
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
        """;

    protected override void Configure(EmulatorOptions options)
    {
        options.AllowUnencrypted = false;
        options.Authentication = [WsManAuthScheme.Negotiate, WsManAuthScheme.Ntlm, WsManAuthScheme.Basic];
    }

    private WsManTransport Transport(WsManAuthenticationMechanism mechanism, string user = "psrp", string password = "psrp") => new(new WsManClientOptions
    {
        ConnectionUri = Emulator.WsManUri,
        UserName = user,
        Password = password,
        Authentication = mechanism,
        OperationTimeout = TimeSpan.FromSeconds(20),
        RobustConnection = false,
    });

    [TestCase(WsManAuthenticationMechanism.Negotiate)]
    [TestCase(WsManAuthenticationMechanism.Ntlm)]
    public async Task A_pool_opens_and_runs_a_command_with_every_body_sealed(WsManAuthenticationMechanism mechanism)
    {
        using var transport = Transport(mechanism);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("'sealed'");

        Assert.That(events.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("sealed"));
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
        Assert.That(journal.Select(e => e.Action), Has.None.EqualTo("(unencrypted)").And.None.EqualTo("(bad encrypted body)"));
    }

    [Test]
    public async Task A_lost_sealed_response_is_retransmitted_on_a_newly_authenticated_connection_and_sealed_again()
    {
        using var transport = Transport(WsManAuthenticationMechanism.Negotiate);
        var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 3");
        await AddFaultAsync(new { kind = "DropAfterProcessing", action = "Receive", count = 1 });

        var header = pool.ShellHeader(WsManActions.Receive) with
        {
            OperationId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
        };
        var body = new ReceiveBody("stdout", pipeline.CommandId);
        var handshakesBefore = Emulator.Journal.Snapshot().Count(e => e.Action == "(authenticating)");

        await Assert.ThrowsAsync<WsManTransportException>(() => transport.SendAsync(header, body));
        var resent = await transport.SendAsync(header with { OperationIdMustUnderstand = true }, body);

        var messages = ((ReceiveResponseBody)resent.Body).Streams.SelectMany(s => new Defragmenter().Add(s.Data)).ToList();
        Assert.That(messages.Where(m => m.MessageType == PsrpMessageType.PipelineOutput).Select(m => m.ReadData().ToDisplayString()), Is.EqualTo(new[] { "n1", "n2", "n3" }));
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Select(e => e.Injected), Does.Contain("Retransmission"));
        Assert.That(journal.Count(e => e.Action == "(authenticating)"), Is.EqualTo(handshakesBefore + 1));
    }

    [Test]
    public async Task A_domain_qualified_user_signs_in_as_the_bare_user()
    {
        using var transport = Transport(WsManAuthenticationMechanism.Negotiate, user: @"SERVER01\psrp");
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        Assert.That((await pool.InvokeAsync("'in'")).OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("in"));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
    }

    [TestCase(WsManAuthenticationMechanism.Negotiate)]
    [TestCase(WsManAuthenticationMechanism.Ntlm)]
    public async Task A_wrong_password_is_refused_with_401(WsManAuthenticationMechanism mechanism)
    {
        using var transport = Transport(mechanism, password: "wrong");

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.HttpStatus, Is.EqualTo(401));
        Assert.That(e.Message, Does.StartWith("Access is denied"));
        Assert.That(Emulator.Journal.Snapshot().Where(j => j.Action == "(refused)").Select(j => j.Refusal), Is.EqualTo(new[] { "WrongPassword" }));
    }

    [Test]
    public async Task Basic_over_http_is_refused_with_401_when_unencrypted_traffic_is_not_allowed()
    {
        using var transport = Transport(WsManAuthenticationMechanism.Basic);

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.HttpStatus, Is.EqualTo(401));
        Assert.That(Emulator.Journal.Snapshot().Select(j => (j.Action, j.Refusal)), Does.Contain(("(refused)", (string?)"BasicNeedsAllowUnencrypted")));
    }

    /// <summary>
    /// NTLM authenticates a connection: an AUTHENTICATE sent on another connection than the NEGOTIATE it answers
    /// (what a client that sends each handshake leg as its own pooled request can do under concurrency) is refused,
    /// as by Windows, and the journal says why.
    /// </summary>
    [Test]
    public async Task An_authenticate_sent_on_another_connection_than_its_negotiate_is_refused_as_unexpected()
    {
        var initiator = new NtlmInitiator("psrp", "psrp", "", "CLIENT");
        using var first = SingleConnectionClient();
        using var second = SingleConnectionClient();

        var challenge = await LegAsync(first, initiator.Negotiate(), "NTLM");
        var (status, _) = await LegAsync2(second, initiator.Authenticate(challenge!, DateTimeOffset.UtcNow), "NTLM");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        var last = Emulator.Journal.Snapshot()[^1];
        Assert.That((last.Action, last.Refusal, last.HttpStatus), Is.EqualTo(("(refused)", (string?)"UnexpectedMessage", 401)));
        Assert.That(last.ToString(), Does.EndWith("http=401 REFUSED UnexpectedMessage"));
    }

    [Test]
    public async Task A_server_offering_only_basic_does_not_speak_negotiate()
    {
        await RestartEmulatorAsync(options => options.Authentication = [WsManAuthScheme.Basic]);
        using var transport = Transport(WsManAuthenticationMechanism.Negotiate);

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.HttpStatus, Is.EqualTo(401));
        Assert.That(e.Message, Does.Contain("not supported by the server"));
    }

    [Test]
    public async Task The_401_lists_the_offered_schemes_in_www_authenticate()
    {
        using var http = new HttpClient();

        using var response = await http.PostAsync(Emulator.WsManUri, new StringContent("<x/>"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.ToString()), Is.EqualTo(new[] { "Negotiate", "NTLM", "Basic realm=\"WSMAN\"" }));
    }

    [TestCase(false, HttpStatusCode.Unauthorized)]
    [TestCase(true, HttpStatusCode.OK)]
    public async Task A_plain_body_on_an_authenticated_connection_follows_allow_unencrypted(bool allowUnencrypted, HttpStatusCode expected)
    {
        if (allowUnencrypted) await RestartEmulatorAsync(options => options.Authentication = [WsManAuthScheme.Negotiate]);
        using var http = SingleConnectionClient();
        var initiator = new NegotiateInitiator(new NtlmInitiator("psrp", "psrp", "", "CLIENT"), spnego: true, TimeProvider.System);
        var challenge = await LegAsync(http, initiator.Initial());
        var (status, final) = await LegAsync2(http, initiator.Step(challenge!));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        initiator.Complete(final);

        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent(EnumerateShells(Emulator.WsManUri)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var response = await http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_tampered_encrypted_body_gets_400_and_no_processing()
    {
        using var http = SingleConnectionClient();
        var initiator = new NegotiateInitiator(new NtlmInitiator("psrp", "psrp", "", "CLIENT"), spnego: false, TimeProvider.System);
        var challenge = await LegAsync(http, initiator.Initial(), "NTLM");
        Assert.That((await LegAsync2(http, initiator.Step(challenge!), "NTLM")).Status, Is.EqualTo(HttpStatusCode.OK));
        var body = EncryptedMessage.Encrypt(initiator.Context!, EnumerateShells(Emulator.WsManUri));
        body[^40] ^= 0x20;

        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", EncryptedMessage.ContentType);
        using var response = await http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.Action), Does.Contain("(bad encrypted body)"));
    }

    [Test]
    public async Task A_sealed_envelope_over_max_envelope_size_gets_413_like_a_plain_one()
    {
        await RestartEmulatorAsync(options =>
        {
            Configure(options);
            options.MaxEnvelopeSizeKb = 32;
        });
        using var http = SingleConnectionClient();
        var initiator = new NegotiateInitiator(new NtlmInitiator("psrp", "psrp", "", "CLIENT"), spnego: true, TimeProvider.System);
        var challenge = await LegAsync(http, initiator.Initial());
        var (status, final) = await LegAsync2(http, initiator.Step(challenge!));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        initiator.Complete(final);
        // Just over 32 KiB inside, so the sealed body itself stays under the bound on what is read.
        var soap = Encoding.UTF8.GetBytes("<s:Envelope>" + new string('x', 32 * 1024) + "</s:Envelope>");

        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent(EncryptedMessage.Encrypt(initiator.Context!, soap)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", EncryptedMessage.ContentType);
        using var response = await http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    /// <summary>
    /// .NET's managed SPNEGO/NTLM client (System.Net.Security.UseManagedNtlm), an implementation nobody here wrote:
    /// it completes the handshake (checking the server's mechListMIC), and its Wrap output in WinRM's layout is
    /// understood by the server, whose sealed answer it unwraps.
    /// </summary>
    [Test]
    public async Task Dotnets_managed_negotiate_client_authenticates_and_exchanges_sealed_messages()
    {
        AppContext.SetSwitch("System.Net.Security.UseManagedNtlm", true);
        using var client = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
        {
            Package = "Negotiate",
            Credential = new NetworkCredential("psrp", "psrp", ""),
            TargetName = "HTTP/" + Emulator.WsManUri.Host,
            RequiredProtectionLevel = ProtectionLevel.EncryptAndSign,
        });
        using var http = SingleConnectionClient();

        var first = client.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out var status);
        Assert.That(status, Is.EqualTo(NegotiateAuthenticationStatusCode.ContinueNeeded));
        var challenge = await LegAsync(http, first!);
        var authenticate = client.GetOutgoingBlob(challenge, out status);
        var (httpStatus, final) = await LegAsync2(http, authenticate!);
        Assert.That(httpStatus, Is.EqualTo(HttpStatusCode.OK));
        client.GetOutgoingBlob(final, out status);
        Assert.That(status, Is.EqualTo(NegotiateAuthenticationStatusCode.Completed));
        Assert.That(client.IsEncrypted, Is.True);

        var soap = EnumerateShells(Emulator.WsManUri);
        var wrapped = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.That(client.Wrap(soap, wrapped, requestEncryption: true, out _), Is.EqualTo(NegotiateAuthenticationStatusCode.Completed));
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent(WinRmBody(wrapped.WrittenSpan, soap.Length)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", EncryptedMessage.ContentType);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), () => Encoding.UTF8.GetString(body));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Does.StartWith("multipart/encrypted"));
        var plain = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.That(client.Unwrap(SealedPart(body), plain, out _), Is.EqualTo(NegotiateAuthenticationStatusCode.Completed));
        Assert.That(Encoding.UTF8.GetString(plain.WrittenSpan), Does.Contain("EnumerateResponse"));
    }

    private static HttpClient SingleConnectionClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, AllowAutoRedirect = false });

    private async Task<byte[]?> LegAsync(HttpClient http, byte[] token, string scheme = "Negotiate")
    {
        var (status, answer) = await LegAsync2(http, token, scheme);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        return answer;
    }

    private async Task<(HttpStatusCode Status, byte[]? Token)> LegAsync2(HttpClient http, byte[] token, string scheme = "Negotiate")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent([]) };
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, Convert.ToBase64String(token));
        using var response = await http.SendAsync(request);
        var value = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == scheme && h.Parameter is not null);
        return (response.StatusCode, value is null ? null : Convert.FromBase64String(value.Parameter!));
    }

    /// <summary>An Enumerate of the PowerShell shells: a request any authenticated user may send.</summary>
    /// <summary>A shell Enumerate envelope to <paramref name="to"/> (the request these tests send once authenticated).</summary>
    internal static byte[] EnumerateShells(Uri to)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        WsManEnvelopeWriter.Write(buffer, new WsManEnvelope(new WsManHeader
        {
            Action = WsManActions.Enumerate,
            To = to.ToString(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            ReplyTo = WsManAddresses.Anonymous,
            ResourceUri = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
            MaxEnvelopeSize = 512000,
            OperationTimeout = TimeSpan.FromSeconds(20),
        }, new EnumerateBody(true, 20, null)));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>WinRM's multipart layout around a signature + sealed blob as .NET's Wrap produces it.</summary>
    private static byte[] WinRmBody(ReadOnlySpan<byte> wrapped, int length)
    {
        var head = Encoding.ASCII.GetBytes(
            "--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n" +
            $"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length={length}\r\n" +
            "--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n");
        var size = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, 16);
        return [.. head, .. size, .. wrapped, .. "--Encrypted Boundary--\r\n"u8];
    }

    /// <summary>The signature + sealed bytes of an encrypted body, as .NET's Unwrap takes them.</summary>
    private static byte[] SealedPart(byte[] body)
    {
        var marker = "Content-Type: application/octet-stream\r\n"u8;
        var at = body.AsSpan().IndexOf(marker) + marker.Length;
        var end = body.AsSpan().LastIndexOf("--Encrypted Boundary--\r\n"u8);
        return body.AsSpan(at + 4, end - at - 4).ToArray();
    }
}
