using System.Formats.Asn1;
using System.Text;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.Ntlm;

/// <summary>
/// Hostile NTLM/SPNEGO tokens and encrypted bodies: every one is refused with an <see cref="NtlmException"/> (which
/// the server turns into 400/401), never another exception (which would be a 500).
/// </summary>
public class HostileTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    private static NegotiateAcceptor Acceptor() => new(new NtlmAcceptor("SERVER01", user => user.Equals("psrp", StringComparison.OrdinalIgnoreCase) ? "secret" : null, () => Now));

    private static NegotiateInitiator Initiator(bool spnego) => new(new NtlmInitiator("psrp", "secret", "", "CLIENT"), spnego, TimeProvider.System);

    private static (NegotiateInitiator Client, NegotiateAcceptor Server) Handshake(bool spnego)
    {
        var client = Initiator(spnego);
        var server = Acceptor();
        client.Complete(server.Step(client.Step(server.Step(client.Initial())!)));
        return (client, server);
    }

    private static byte[] Body(string length) => Encoding.Latin1.GetBytes(
        "--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n" +
        $"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length={length}\r\n" +
        "--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n\u0010\0\0\0" + new string('x', 16) + "abcd--Encrypted Boundary--\r\n");

    [TestCase("2147483647")]
    [TestCase("2147483628")]
    [TestCase("2147483640")]
    public void An_original_content_length_near_int_max_is_malformed_not_an_overflow(string length)
    {
        var (_, server) = Handshake(true);

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(server.Context!, Body(length), int.MaxValue))!.Reason,
            Is.EqualTo(NtlmError.MalformedEncryptedBody));
    }

    [Test]
    public void A_replayed_encrypted_body_fails_its_signature()
    {
        var (client, server) = Handshake(true);
        var first = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope>one</s:Envelope>"u8);
        Assert.That(EncryptedMessage.Decrypt(server.Context!, first, 1000), Is.Not.Empty);

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(server.Context!, first, 1000))!.Reason, Is.EqualTo(NtlmError.BadSignature));
    }

    [Test]
    public void Encrypted_bodies_out_of_order_fail_their_signature()
    {
        var (client, server) = Handshake(false);
        _ = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope>one</s:Envelope>"u8);
        var second = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope>two</s:Envelope>"u8);

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(server.Context!, second, 1000))!.Reason, Is.EqualTo(NtlmError.BadSignature));
    }

    [Test]
    public void A_body_sealed_for_another_connections_context_fails_its_signature()
    {
        var (client, _) = Handshake(true);
        var (_, other) = Handshake(true);
        var body = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope/>"u8);

        Assert.That(Assert.Throws<NtlmException>(() => EncryptedMessage.Decrypt(other.Context!, body, 1000))!.Reason, Is.EqualTo(NtlmError.BadSignature));
    }

    /// <summary>NegTokenInit fields that are not context-specific [n] wrappers (a universal INTEGER, NULL, a primitive [0]).</summary>
    [TestCase(new byte[] { 0x02, 0x01, 0x00 })]
    [TestCase(new byte[] { 0x05, 0x00 })]
    [TestCase(new byte[] { 0x80, 0x00 })]
    [TestCase(new byte[] { 0x30, 0x00 })]
    public void A_negtokeninit_with_a_field_of_the_wrong_kind_is_malformed_spnego(byte[] field)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(Spnego.SpnegoOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(field);
            }
        }

        Assert.That(Assert.Throws<NtlmException>(() => Acceptor().Step(writer.Encode()))!.Reason, Is.EqualTo(NtlmError.MalformedSpnego));
    }

    [Test]
    public void A_negtokenresp_with_a_universal_field_is_malformed_spnego()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
        }

        Assert.That(Assert.Throws<NtlmException>(() => Spnego.Parse(writer.Encode()))!.Reason, Is.EqualTo(NtlmError.MalformedSpnego));
    }

    [Test]
    public void Ntlm_fields_pointing_outside_the_message_are_malformed()
    {
        var client = Initiator(false);
        var server = Acceptor();
        var authenticate = client.Step(server.Step(client.Initial())!);
        // The user name field's offset (at 40) past the end; then one with the sign bit set.
        var beyond = authenticate.ToArray();
        BitConverter.GetBytes(authenticate.Length - 1).CopyTo(beyond, 40);
        var negative = authenticate.ToArray();
        BitConverter.GetBytes(0x8000_0000u).CopyTo(negative, 40);

        Assert.That(Assert.Throws<NtlmException>(() => NtlmAuthenticateMessage.Parse(beyond))!.Reason, Is.EqualTo(NtlmError.MalformedMessage));
        Assert.That(Assert.Throws<NtlmException>(() => NtlmAuthenticateMessage.Parse(negative))!.Reason, Is.EqualTo(NtlmError.MalformedMessage));
    }

    [Test]
    public void An_av_pair_list_without_its_end_is_malformed()
    {
        var pairs = new byte[4 * 1000];
        for (var i = 0; i < pairs.Length; i += 4) pairs[i] = 0x0A;

        Assert.That(Assert.Throws<NtlmException>(() => NtlmAvPairs.Parse(pairs))!.Reason, Is.EqualTo(NtlmError.MalformedMessage));
    }

    /// <summary>
    /// A small deterministic fuzz loop: seeded mutations (bit flips, truncations, insertions, 16/32-bit field
    /// overwrites) of valid NEGOTIATE/AUTHENTICATE tokens, raw and SPNEGO-wrapped, on the server side.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Mutated_handshake_tokens_are_refused_only_with_ntlm_exceptions(bool spnego)
    {
        var random = new Random(spnego ? 1234 : 4321);
        var client = Initiator(spnego);
        var server = Acceptor();
        var negotiate = client.Initial();
        var authenticate = client.Step(server.Step(negotiate)!);
        for (var i = 0; i < 1500; i++)
        {
            var target = Acceptor();
            var mutated = Mutate(random, i % 2 == 0 ? negotiate : authenticate);
            try
            {
                if (i % 2 == 1) target.Step(negotiate);
                target.Step(mutated);
            }
            catch (NtlmException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for token {Convert.ToBase64String(mutated)}: {e.Message}");
            }
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Mutated_challenge_tokens_are_refused_by_the_client_only_with_ntlm_exceptions(bool spnego)
    {
        var random = new Random(spnego ? 99 : 98);
        var challenge = Acceptor().Step(Initiator(spnego).Initial())!;
        for (var i = 0; i < 1500; i++)
        {
            var client = Initiator(spnego);
            client.Initial();
            var mutated = Mutate(random, challenge);
            try
            {
                client.Step(mutated);
            }
            catch (NtlmException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for token {Convert.ToBase64String(mutated)}: {e.Message}");
            }
        }
    }

    [Test]
    public void Mutated_encrypted_bodies_are_refused_only_with_ntlm_exceptions()
    {
        var random = new Random(2026);
        var (client, _) = Handshake(true);
        var body = EncryptedMessage.Encrypt(client.Context!, "<s:Envelope>mutate me</s:Envelope>"u8);
        for (var i = 0; i < 3000; i++)
        {
            // Any context will do: the layout is checked before the signature.
            var context = new NtlmSecurityContext(new byte[16], NtlmInitiator.DefaultFlags, isServer: true);
            var mutated = Mutate(random, body);
            try
            {
                EncryptedMessage.Decrypt(context, mutated, i % 3 == 0 ? int.MaxValue : 1000);
            }
            catch (NtlmException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for body {Convert.ToBase64String(mutated)}: {e.Message}");
            }
        }
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), random.Next(1, 8)));
                    break;
                case 3:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 4:
                    // A length or offset field: a 16-bit value.
                    var word = BitConverter.GetBytes((ushort)(random.Next(2) == 0 ? 0xFFFF : random.Next(0x200)));
                    for (var k = 0; k < 2 && at + k < bytes.Count; k++) bytes[at + k] = word[k];
                    break;
                default:
                    var dword = BitConverter.GetBytes(random.Next(3) switch { 0 => int.MaxValue, 1 => -1, _ => random.Next(0x400) });
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++) bytes[at + k] = dword[k];
                    break;
            }
        }

        return [.. bytes];
    }
}
