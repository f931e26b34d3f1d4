using System.Text;
using PsrpEmulator.Protocol.Ntlm;

namespace PsrpEmulator.Protocol.Tests.Ntlm;

/// <summary>The primitives and NTLMv2 computations against published vectors (RFC 1320, MS-NLMP 4.2.2 and 4.2.4).</summary>
public class NtlmCryptoTests
{
    // MS-NLMP 4.2.4: User / Domain / Password, server challenge 0123456789abcdef, client challenge aa*8, time 0.
    private static readonly byte[] ServerChallenge = Convert.FromHexString("0123456789abcdef");
    private static readonly byte[] ClientChallenge = Convert.FromHexString("aaaaaaaaaaaaaaaa");
    private static readonly byte[] RandomSessionKey = Convert.FromHexString("55555555555555555555555555555555");
    private const NtlmFlags VectorFlags = (NtlmFlags)0xe28a8233;

    private static byte[] VectorAvPairs() => NtlmAvPairs.Write(
    [
        (NtlmAvId.NbDomainName, Encoding.Unicode.GetBytes("Domain")),
        (NtlmAvId.NbComputerName, Encoding.Unicode.GetBytes("Server")),
    ]);

    [TestCase("", "31d6cfe0d16ae931b73c59d7e0c089c0")]
    [TestCase("a", "bde52cb31de33e46245e05fbdbd6fb24")]
    [TestCase("abc", "a448017aaf21d8525fc10ae87aa6729d")]
    [TestCase("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "e33b4ddc9c38f2199c3e7b164fcc0536")]
    public void Md4_matches_the_rfc_1320_test_suite(string input, string expected) =>
        Assert.That(Convert.ToHexStringLower(Md4.HashData(Encoding.ASCII.GetBytes(input))), Is.EqualTo(expected));

    [Test]
    public void Rc4_matches_the_classic_key_plaintext_vector() =>
        Assert.That(Convert.ToHexString(Rc4.Encrypt("Key"u8, "Plaintext"u8)), Is.EqualTo("BBF316E8D940AF0AD3"));

    [Test]
    public void Ntowf_v1_of_password_is_the_ms_nlmp_nt_hash() =>
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.NtowfV1("Password")), Is.EqualTo("a4f49c406510bdcab6824ee7c30fd852"));

    [Test]
    public void Ntowf_v2_uppercases_the_user_but_not_the_domain() =>
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.NtowfV2("Password", "User", "Domain")), Is.EqualTo("0c868a403bfd7a93a3001ef22ef02e3f"));

    [Test]
    public void Ntlmv2_proof_session_base_key_and_lmv2_response_match_ms_nlmp_4_2_4()
    {
        var key = NtlmCrypto.NtowfV2("Password", "User", "Domain");
        var blob = NtlmCrypto.ClientBlob(0, ClientChallenge, VectorAvPairs());
        var proof = NtlmCrypto.NtProof(key, ServerChallenge, blob);

        Assert.That(Convert.ToHexStringLower(proof), Is.EqualTo("68cd0ab851e51c96aabc927bebef6a1c"));
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.SessionBaseKey(key, proof)), Is.EqualTo("8de40ccadbc14a82f15cb0ad0de95ca3"));
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.LmV2Response(key, ServerChallenge, ClientChallenge)),
            Is.EqualTo("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"));
        Assert.That(Convert.ToHexStringLower(Rc4.Encrypt(NtlmCrypto.SessionBaseKey(key, proof), RandomSessionKey)),
            Is.EqualTo("c5dad2544fc9799094ce1ce90bc9d03e"));
    }

    [Test]
    public void Sealing_keys_and_the_first_wrapped_message_match_ms_nlmp_4_2_4_4()
    {
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.SealKey(RandomSessionKey, VectorFlags, clientToServer: true)), Is.EqualTo("59f600973cc4960a25480a7c196e4c58"));
        Assert.That(Convert.ToHexStringLower(NtlmCrypto.SignKey(RandomSessionKey, clientToServer: true)), Is.EqualTo("4788dc861b4782f35d43fd98fe1a2d39"));

        var client = new NtlmSecurityContext(RandomSessionKey, VectorFlags, isServer: false);
        var message = Encoding.Unicode.GetBytes("Plaintext");
        var signature = client.Wrap(message);

        Assert.That(Convert.ToHexStringLower(message), Is.EqualTo("54e50165bf1936dc996020c1811b0f06fb5f"));
        Assert.That(Convert.ToHexStringLower(signature), Is.EqualTo("010000007fb38ec5c55d497600000000"));
    }

    [Test]
    public void The_server_unwraps_what_the_client_wraps_and_the_other_way_round_across_several_messages()
    {
        var client = new NtlmSecurityContext(RandomSessionKey, VectorFlags, isServer: false);
        var server = new NtlmSecurityContext(RandomSessionKey, VectorFlags, isServer: true);
        for (var i = 0; i < 3; i++)
        {
            var request = Encoding.UTF8.GetBytes($"request {i}");
            var signature = client.Wrap(request);
            server.Unwrap(signature, request);
            Assert.That(Encoding.UTF8.GetString(request), Is.EqualTo($"request {i}"));

            var response = Encoding.UTF8.GetBytes($"response {i}");
            var responseSignature = server.Wrap(response);
            client.Unwrap(responseSignature, response);
            Assert.That(Encoding.UTF8.GetString(response), Is.EqualTo($"response {i}"));
        }
    }

    [Test]
    public void A_replayed_message_fails_its_signature_check()
    {
        var client = new NtlmSecurityContext(RandomSessionKey, VectorFlags, isServer: false);
        var server = new NtlmSecurityContext(RandomSessionKey, VectorFlags, isServer: true);
        var message = Encoding.UTF8.GetBytes("once");
        var signature = client.Wrap(message);
        server.Unwrap(signature, message.ToArray());

        var e = Assert.Throws<NtlmException>(() => server.Unwrap(signature, message.ToArray()));
        Assert.That(e!.Reason, Is.EqualTo(NtlmError.BadSignature));
    }
}
