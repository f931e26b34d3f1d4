using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Authentication;

/// <summary>
/// Hostile Authorization headers and encrypted bodies over Kestrel: every one gets 401 (authentication) or 400
/// (a sealed body), as Windows answers, and never a 500.
/// </summary>
[NonParallelizable]
public class HostileAuthenticationTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.AllowUnencrypted = false;
        options.Authentication = [WsManAuthScheme.Negotiate, WsManAuthScheme.Ntlm, WsManAuthScheme.Basic];
    }

    private static HttpClient SingleConnectionClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, AllowAutoRedirect = false });

    private static NegotiateInitiator Initiator(bool spnego, string user = "psrp", string password = "psrp") =>
        new(new NtlmInitiator(user, password, "", "CLIENT"), spnego, TimeProvider.System);

    private async Task<(HttpStatusCode Status, byte[]? Token)> LegAsync(HttpClient http, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent([]) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        var value = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme is "Negotiate" or "NTLM" && h.Parameter is not null);
        return (response.StatusCode, value is null ? null : Convert.FromBase64String(value.Parameter!));
    }

    private Task<(HttpStatusCode Status, byte[]? Token)> LegAsync(HttpClient http, byte[] token, string scheme = "Negotiate") =>
        LegAsync(http, scheme + " " + Convert.ToBase64String(token));

    private async Task<NegotiateInitiator> AuthenticateAsync(HttpClient http, bool spnego = true)
    {
        var initiator = Initiator(spnego);
        var scheme = spnego ? "Negotiate" : "NTLM";
        var (_, challenge) = await LegAsync(http, initiator.Initial(), scheme);
        var (status, final) = await LegAsync(http, initiator.Step(challenge!), scheme);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        initiator.Complete(final);
        return initiator;
    }

    private async Task<HttpStatusCode> PostSealedAsync(HttpClient http, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", EncryptedMessage.ContentType);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static string SpnegoWithUniversalField()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(Spnego.SpnegoOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
            }
        }

        return "Negotiate " + Convert.ToBase64String(writer.Encode());
    }

    private static IEnumerable<TestCaseData> HostileHeaders()
    {
        yield return new TestCaseData("Negotiate").SetName("A Negotiate header without a token gets 401");
        yield return new TestCaseData("Negotiate !!!not-base64!!!").SetName("A token that is not base64 gets 401");
        yield return new TestCaseData("Negotiate AAAA").SetName("A token of zero bytes gets 401");
        yield return new TestCaseData("NTLM " + Convert.ToBase64String("NTLMSSP\0\u0003\0\0\0"u8)).SetName("A truncated NTLM AUTHENTICATE first gets 401");
        yield return new TestCaseData(SpnegoWithUniversalField()).SetName("A SPNEGO token with a universal field gets 401");
        yield return new TestCaseData("Negotiate " + Convert.ToBase64String(new byte[] { 0x60, 0x84, 0x7F, 0xFF, 0xFF, 0xFF })).SetName("A SPNEGO token announcing 2 GB gets 401");
        yield return new TestCaseData("Basic " + Convert.ToBase64String("psrp"u8)).SetName("Basic without a colon gets 401");
        yield return new TestCaseData("Kerberos abc").SetName("An unknown scheme gets 401");
        yield return new TestCaseData("Negotiate " + new string('A', 20_000)).SetName("A 15 KB token of zeros gets 401");
    }

    [TestCaseSource(nameof(HostileHeaders))]
    public async Task Hostile_authorization_headers_get_401(string authorization)
    {
        using var http = SingleConnectionClient();

        var (status, _) = await LegAsync(http, authorization);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_unknown_user_and_a_wrong_password_get_the_same_answer()
    {
        async Task<(HttpStatusCode, string)> TryAsync(string user, string password)
        {
            using var http = SingleConnectionClient();
            var initiator = Initiator(true, user, password);
            var (_, challenge) = await LegAsync(http, initiator.Initial());
            using var request = new HttpRequestMessage(HttpMethod.Post, Emulator.WsManUri) { Content = new ByteArrayContent([]) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Negotiate", Convert.ToBase64String(initiator.Step(challenge!)));
            using var response = await http.SendAsync(request);
            return (response.StatusCode, string.Join(", ", response.Headers.WwwAuthenticate));
        }

        var unknown = await TryAsync("nobody", "psrp");
        var wrong = await TryAsync("psrp", "wrong");

        Assert.That(unknown, Is.EqualTo(wrong));
        Assert.That(unknown.Item1, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_authenticate_token_on_another_connection_than_its_negotiate_gets_401()
    {
        using var first = SingleConnectionClient();
        using var second = SingleConnectionClient();
        var initiator = Initiator(false);
        var (_, challenge) = await LegAsync(first, initiator.Initial(), "NTLM");

        var (status, _) = await LegAsync(second, initiator.Step(challenge!), "NTLM");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_body_sealed_on_one_connection_gets_401_on_another()
    {
        using var first = SingleConnectionClient();
        using var second = SingleConnectionClient();
        var initiator = await AuthenticateAsync(first);

        Assert.That(await PostSealedAsync(second, EncryptedMessage.Encrypt(initiator.Context!, "<s:Envelope/>"u8)), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_replayed_sealed_body_gets_400()
    {
        using var http = SingleConnectionClient();
        var initiator = await AuthenticateAsync(http);
        var body = EncryptedMessage.Encrypt(initiator.Context!, "<s:Envelope/>"u8);
        // The first is a malformed envelope (a fault), but its signature was good; the replay's is not.
        Assert.That(await PostSealedAsync(http, body), Is.Not.EqualTo(HttpStatusCode.BadRequest));

        Assert.That(await PostSealedAsync(http, body), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("2147483647")]
    [TestCase("-1")]
    [TestCase("99999999999")]
    [TestCase("12abc")]
    public async Task A_sealed_body_whose_original_length_lies_gets_400(string length)
    {
        using var http = SingleConnectionClient();
        var initiator = await AuthenticateAsync(http, spnego: false);
        var body = Encoding.Latin1.GetString(EncryptedMessage.Encrypt(initiator.Context!, "<s:Envelope/>"u8));
        body = body.Replace("Length=13", "Length=" + length, StringComparison.Ordinal);

        Assert.That(await PostSealedAsync(http, Encoding.Latin1.GetBytes(body)), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_failed_second_handshake_on_an_authenticated_connection_leaves_it_unauthenticated()
    {
        using var http = SingleConnectionClient();
        await AuthenticateAsync(http);

        Assert.That((await LegAsync(http, "Negotiate " + Convert.ToBase64String("garbage"u8))).Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await PostSealedAsync(http, "--Encrypted Boundary\r\n"u8.ToArray()), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    /// <summary>Seeded mutations of the real handshake's tokens over HTTP: only 401s (a mutation may still be valid: then 200).</summary>
    [Test]
    public async Task Mutated_handshake_tokens_over_http_get_401_never_500()
    {
        var random = new Random(7);
        var statuses = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var http = SingleConnectionClient();
            var spnego = i % 2 == 0;
            var scheme = spnego ? "Negotiate" : "NTLM";
            var initiator = Initiator(spnego);
            var negotiate = initiator.Initial();
            if (i % 4 < 2)
            {
                statuses.Add((await LegAsync(http, Mutate(random, negotiate), scheme)).Status);
                continue;
            }

            var (_, challenge) = await LegAsync(http, negotiate, scheme);
            statuses.Add((await LegAsync(http, Mutate(random, initiator.Step(challenge!)), scheme)).Status);
        }

        Assert.That(statuses, Is.SubsetOf(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.OK }));
    }

    /// <summary>
    /// Seeded mutations of sealed bodies (the multipart layout, the length, the signature, the sealed envelope) on an
    /// authenticated connection: 400 when the body cannot be unsealed, a WS-Man answer when it still can, never a 500
    /// of an exception the endpoint did not expect.
    /// </summary>
    [Test]
    public async Task Mutated_sealed_bodies_get_400_or_a_wsman_answer_never_an_internal_error()
    {
        var random = new Random(Fuzz.Seed(9));
        var envelope = WsManEnvelopeWriter.Write(new WsManEnvelope(new WsManHeader
        {
            Action = WsManActions.Enumerate,
            To = Emulator.WsManUri.ToString(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            ReplyTo = WsManAddresses.Anonymous,
            ResourceUri = WsManResourceUris.Shell,
            MaxEnvelopeSize = 153600,
            OperationTimeout = TimeSpan.FromSeconds(1),
        }, new EnumerateBody(true, 20, null)));
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < Fuzz.Runs(150); i++)
        {
            using var http = SingleConnectionClient();
            var initiator = await AuthenticateAsync(http, spnego: i % 2 == 0);
            var status = await PostSealedAsync(http, Mutate(random, EncryptedMessage.Encrypt(initiator.Context!, envelope)));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        Assert.That(statuses.Keys, Is.SubsetOf(new[] { HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.RequestEntityTooLarge }));
        Assert.That(statuses.GetValueOrDefault(HttpStatusCode.BadRequest), Is.GreaterThan(0), "damaged bodies are refused");
        Assert.That(Emulator.Journal.Snapshot().Where(j => j.Fault == WsManFaultReason.InternalError), Is.Empty, "500s are WS-Man faults, not internal errors");
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToArray();
        switch (random.Next(3))
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes[..random.Next(1, bytes.Length)];
            default:
                var at = random.Next(bytes.Length - 4);
                BitConverter.GetBytes(random.Next(2) == 0 ? -1 : random.Next(0x1000)).CopyTo(bytes, at);
                return bytes;
        }
    }
}
