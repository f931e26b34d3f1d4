using System.Text;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.Ntlm;

/// <summary>The acceptor against the initiator, raw and SPNEGO-wrapped, and WinRM's encrypted body.</summary>
public class NtlmHandshakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    private static NegotiateAcceptor Acceptor() => new(new NtlmAcceptor("SERVER01", user => user.Equals("psrp", StringComparison.OrdinalIgnoreCase) ? "secret" : null, () => Now));

    private static NegotiateInitiator Initiator(bool spnego, string user = "psrp", string password = "secret", string domain = "") =>
        new(new NtlmInitiator(user, password, domain, "CLIENT"), spnego, TimeProvider.System);

    private static (NegotiateInitiator Client, NegotiateAcceptor Server) Handshake(bool spnego, string domain = "")
    {
        var client = Initiator(spnego, domain: domain);
        var server = Acceptor();
        var challenge = server.Step(client.Initial());
        var final = server.Step(client.Step(challenge!));
        client.Complete(final);
        return (client, server);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_handshake_completes_and_names_the_user(bool spnego)
    {
        var (client, server) = Handshake(spnego, domain: "WORKGROUP");

        Assert.That(server.IsCompleted, Is.True);
        Assert.That(server.UsesSpnego, Is.EqualTo(spnego));
        Assert.That(server.Ntlm.UserName, Is.EqualTo("psrp"));
        Assert.That(server.Ntlm.DomainName, Is.EqualTo("WORKGROUP"));
        Assert.That(server.Ntlm.HadMic, Is.True);
        Assert.That(client.Context, Is.Not.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void After_the_handshake_both_sides_exchange_encrypted_bodies(bool spnego)
    {
        var (client, server) = Handshake(spnego);
        var soap = "<s:Envelope>request</s:Envelope>"u8.ToArray();

        var body = EncryptedMessage.Encrypt(client.Context!, soap);
        Assert.That(Encoding.ASCII.GetString(body), Does.StartWith(
            "--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=32\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n\u0010\0\0\0"));
        Assert.That(Encoding.ASCII.GetString(body), Does.EndWith("--Encrypted Boundary--\r\n"));
        Assert.That(Encoding.ASCII.GetString(body), Does.Not.Contain("request"));
        Assert.That(EncryptedMessage.Decrypt(server.Context!, body, 1000), Is.EqualTo(soap));

        var reply = EncryptedMessage.Encrypt(server.Context!, "<s:Envelope>response</s:Envelope>"u8);
        Assert.That(Encoding.UTF8.GetString(EncryptedMessage.Decrypt(client.Context!, reply, 1000)), Is.EqualTo("<s:Envelope>response</s:Envelope>"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_body_sealed_with_the_authenticate_message_is_unsealed_before_the_server_answers(bool spnego)
    {
        // Clients may seal the first request's body on the AUTHENTICATE leg, before the server's last token.
        var client = Initiator(spnego);
        var server = Acceptor();
        var authenticate = client.Step(server.Step(client.Initial())!);
        var body = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope>first</s:Envelope>"u8);
        var final = server.Step(authenticate);

        Assert.That(Encoding.UTF8.GetString(EncryptedMessage.Decrypt(server.Context!, body, 1000)), Is.EqualTo("<s:Envelope>first</s:Envelope>"));
        client.Complete(final);
        var reply = EncryptedMessage.Encrypt(server.Context!, "<s:Envelope>reply</s:Envelope>"u8);
        Assert.That(Encoding.UTF8.GetString(EncryptedMessage.Decrypt(client.Context!, reply, 1000)), Is.EqualTo("<s:Envelope>reply</s:Envelope>"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_wrong_password_is_refused_as_wrong_password(bool spnego)
    {
        var client = Initiator(spnego, password: "wrong");
        var server = Acceptor();
        var authenticate = client.Step(server.Step(client.Initial())!);

        var e = Assert.Throws<NtlmException>(() => server.Step(authenticate));
        Assert.That(e!.Reason, Is.EqualTo(NtlmError.WrongPassword));
        Assert.That(server.IsCompleted, Is.False);
    }

    [Test]
    public void An_unknown_user_is_refused_as_unknown_user()
    {
        var client = Initiator(false, user: "mallory");
        var server = Acceptor();
        var authenticate = client.Step(server.Step(client.Initial())!);

        Assert.That(Assert.Throws<NtlmException>(() => server.Step(authenticate))!.Reason, Is.EqualTo(NtlmError.UnknownUser));
    }

    [Test]
    public void A_tampered_authenticate_message_fails_its_mic()
    {
        var client = Initiator(false);
        var server = Acceptor();
        var authenticate = client.Step(server.Step(client.Initial())!);
        // The workstation name is covered by the MIC only: change one byte of it.
        var message = NtlmAuthenticateMessage.Parse(authenticate);
        var workstationOffset = BitConverter.ToInt32(authenticate, 48);
        authenticate[workstationOffset] ^= 0x01;

        Assert.That(message.Workstation, Is.EqualTo("CLIENT"));
        Assert.That(Assert.Throws<NtlmException>(() => server.Step(authenticate))!.Reason, Is.EqualTo(NtlmError.BadMic));
    }

    [Test]
    public void A_tampered_encrypted_body_fails_its_signature()
    {
        var (client, server) = Handshake(true);
        var body = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope/>"u8);
        body[^30] ^= 0x01;

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(server.Context!, body, 1000))!.Reason, Is.EqualTo(NtlmError.BadSignature));
    }

    [TestCase("")]
    [TestCase("--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n")]
    [TestCase("--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n")]
    [TestCase("--Encrypted Boundary\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=99999999\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n")]
    [TestCase("--Encrypted Boundary\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=4\r\n--Encrypted Boundary\r\n\tContent-Type: text/plain\r\n\u0010\0\0\0")]
    [TestCase("--Encrypted Boundary\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=4\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n\u0010\0\0\0abc")]
    public void A_body_not_in_winrm_layout_is_malformed(string body)
    {
        var (_, server) = Handshake(false);

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(server.Context!, Encoding.Latin1.GetBytes(body), 1000))!.Reason,
            Is.EqualTo(NtlmError.MalformedEncryptedBody));
    }

    [Test]
    public void Spnego_with_kerberos_first_gets_request_mic_and_ntlm_follows()
    {
        var server = Acceptor();
        var client = new NtlmInitiator("psrp", "secret", "", "CLIENT");
        var mechTypes = SpnegoNegTokenInit.EncodeMechTypes(Spnego.KerberosOid, Spnego.NtlmOid);
        var init = new SpnegoNegTokenInit { MechTypes = [Spnego.KerberosOid, Spnego.NtlmOid], MechTypesEncoded = mechTypes, MechToken = [1, 2, 3] }.Write();

        var first = (SpnegoNegTokenResp)Spnego.Parse(server.Step(init));
        Assert.That(first.NegState, Is.EqualTo(SpnegoNegState.RequestMic));
        Assert.That(first.SupportedMech, Is.EqualTo(Spnego.NtlmOid));
        Assert.That(first.ResponseToken, Is.Null);

        var challenge = (SpnegoNegTokenResp)Spnego.Parse(server.Step(new SpnegoNegTokenResp { ResponseToken = client.Negotiate() }.Write())!);
        var authenticate = client.Authenticate(challenge.ResponseToken, Now);
        var withoutMic = new SpnegoNegTokenResp { ResponseToken = authenticate }.Write();
        Assert.That(Assert.Throws<NtlmException>(() => server.Step(withoutMic))!.Reason, Is.EqualTo(NtlmError.BadMechListMic));
    }

    [Test]
    public void Spnego_offering_no_ntlm_has_no_common_mechanism()
    {
        var init = new SpnegoNegTokenInit { MechTypes = [Spnego.KerberosOid], MechTypesEncoded = SpnegoNegTokenInit.EncodeMechTypes(Spnego.KerberosOid), MechToken = [1] }.Write();

        Assert.That(Assert.Throws<NtlmException>(() => Acceptor().Step(init))!.Reason, Is.EqualTo(NtlmError.NoCommonMechanism));
    }

    [TestCase("")]
    [TestCase("NTLMSSP")]
    [TestCase("garbage that is not DER")]
    public void Malformed_first_tokens_are_refused_with_a_reason(string token)
    {
        var e = Assert.Throws<NtlmException>(() => Acceptor().Step(Encoding.ASCII.GetBytes(token)));
        Assert.That(e!.Reason, Is.AnyOf(NtlmError.MalformedSpnego, NtlmError.MalformedMessage));
    }

    [Test]
    public void An_authenticate_message_first_is_out_of_order()
    {
        var (_, done) = Handshake(false);
        var client = Initiator(false);
        var other = Acceptor();
        var authenticate = client.Step(other.Step(client.Initial())!);
        var fresh = Acceptor();
        fresh.Step(Initiator(false).Initial());
        // A fresh acceptor fed NEGOTIATE then AUTHENTICATE of another handshake: the proof does not match its challenge.
        Assert.That(Assert.Throws<NtlmException>(() => fresh.Step(authenticate))!.Reason, Is.AnyOf(NtlmError.WrongPassword, NtlmError.BadMic));
        Assert.That(Assert.Throws<NtlmException>(() => done.Step(authenticate))!.Reason, Is.EqualTo(NtlmError.UnexpectedMessage));
    }
}
