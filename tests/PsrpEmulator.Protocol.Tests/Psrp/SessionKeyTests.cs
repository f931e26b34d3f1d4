using System.Security.Cryptography;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class SessionKeyTests
{
    [Test]
    public void A_session_key_wrapped_for_a_public_key_unwraps_with_its_private_key_and_carries_SecureStrings()
    {
        using var rsa = RSA.Create(2048);
        var blob = SessionKeys.ExportPublicKeyBlob(rsa.ExportParameters(false));
        // pypsrp's header: PUBLICKEYBLOB, version 2, CALG_RSA_KEYX, "RSA1", 2048 bits, exponent 65537.
        Assert.That(Convert.ToHexString(blob.AsSpan(0, 20)), Is.EqualTo("0602000000A40000525341310008000001000100"));
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = SessionKeys.WrapSessionKey(SessionKeys.ImportPublicKeyBlob(blob), key);
        Assert.That(Convert.ToHexString(wrapped.AsSpan(0, 12)), Is.EqualTo("010200001066000000A40000"));
        Assert.That(SessionKeys.UnwrapSessionKey(rsa, wrapped), Is.EqualTo(key));
        var secure = SessionKeys.EncryptSecureString(key, "pässwörd");
        Assert.That(SessionKeys.DecryptSecureString(key, secure), Is.EqualTo("pässwörd"));
        // Another key: a padding error (FormatException) or, rarely, other text; never the secret.
        string? other;
        try
        {
            other = SessionKeys.DecryptSecureString(RandomNumberGenerator.GetBytes(32), secure);
        }
        catch (FormatException)
        {
            other = null;
        }

        Assert.That(other, Is.Not.EqualTo("pässwörd"));
    }

    [TestCase("")]
    [TestCase("0602000000A4000052534131")]
    [TestCase("0702000000A40000525341310008000001000100")]
    [TestCase("0602000000A400005253413100080000010001000102")]
    [TestCase("0602000000A40000525341310002000001000100")]
    public void What_is_no_RSA_public_key_blob_is_a_format_error(string hex)
    {
        Assert.That(() => SessionKeys.ImportPublicKeyBlob(Convert.FromHexString(hex)), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void The_key_exchange_messages_carry_their_blobs_under_PowerShell_s_names()
    {
        Assert.That(ClixmlSerializer.SerializeToString(new PublicKey("AAA=").ToPsValue()), Does.Contain("<S N=\"PublicKey\">AAA=</S>"));
        Assert.That(EncryptedSessionKey.FromPsValue(new PsObject().With("EncryptedSessionKey", "BBB=")).Blob, Is.EqualTo("BBB="));
        Assert.That(() => PublicKey.FromPsValue(new PsObject()), Throws.TypeOf<PsrpPayloadException>());
    }
}
