using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>
/// PUBLIC_KEY (2.2.2.3): the client's RSA public key, a CAPI PUBLICKEYBLOB in base64, sent when it first has to
/// serialize a SecureString (PowerShell before protocol 2.4 on both sides; a 5.1 endpoint says 2.3).
/// </summary>
public sealed record PublicKey(string Blob) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PublicKey;

    public PsValue ToPsValue() => new PsObject().With("PublicKey", Blob);

    public static PublicKey FromPsValue(PsValue value) => new(Payload.Of(value, PsrpMessageType.PublicKey).RequireString("PublicKey"));
}

/// <summary>ENCRYPTED_SESSION_KEY (2.2.2.4): the server's AES-256 session key, encrypted with the client's public key, as a CAPI SIMPLEBLOB in base64.</summary>
public sealed record EncryptedSessionKey(string Blob) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.EncryptedSessionKey;

    public PsValue ToPsValue() => new PsObject().With("EncryptedSessionKey", Blob);

    public static EncryptedSessionKey FromPsValue(PsValue value) => new(Payload.Of(value, PsrpMessageType.EncryptedSessionKey).RequireString("EncryptedSessionKey"));
}

/// <summary>
/// The session key exchange and SecureString encryption of PSRP (MS-PSRP 3.1.5.4.3, 2.2.5.1.24): the client's RSA
/// key travels as a CAPI PUBLICKEYBLOB (little-endian modulus), the 32-byte AES key back RSA-PKCS#1 v1.5 encrypted in a
/// SIMPLEBLOB (the ciphertext byte-reversed, as CryptoAPI writes it), and each SecureString is its UTF-16LE text
/// encrypted AES-256-CBC with a zero IV and PKCS#7 padding, in base64.
/// </summary>
public static class SessionKeys
{
    private const byte PublicKeyBlobType = 0x06, SimpleBlobType = 0x01, CurrentBlobVersion = 0x02;
    private const uint CalgRsaKeyExchange = 0x0000A400, CalgAes256 = 0x00006610, RsaPublicMagic = 0x31415352; // "RSA1"
    private const int BlobHeaderLength = 8, RsaPubKeyLength = 12;

    /// <summary>The length of the AES-256 session key.</summary>
    public const int SessionKeyLength = 32;

    /// <summary>The PUBLICKEYBLOB of an RSA public key, as PowerShell's and pypsrp's clients send it.</summary>
    public static byte[] ExportPublicKeyBlob(RSAParameters key)
    {
        var modulus = key.Modulus ?? throw new ArgumentException("The key has no modulus.", nameof(key));
        var exponent = key.Exponent ?? throw new ArgumentException("The key has no exponent.", nameof(key));
        var blob = new byte[BlobHeaderLength + RsaPubKeyLength + modulus.Length];
        blob[0] = PublicKeyBlobType;
        blob[1] = CurrentBlobVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), CalgRsaKeyExchange);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), RsaPublicMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)modulus.Length * 8);
        uint e = 0;
        foreach (var b in exponent) e = (e << 8) | b;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), e);
        modulus.CopyTo(blob, BlobHeaderLength + RsaPubKeyLength);
        blob.AsSpan(BlobHeaderLength + RsaPubKeyLength).Reverse();
        return blob;
    }

    /// <summary>Reads a PUBLICKEYBLOB; <see cref="FormatException"/> when it is none (a 1024- to 16384-bit RSA exchange key).</summary>
    public static RSAParameters ImportPublicKeyBlob(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < BlobHeaderLength + RsaPubKeyLength || blob[0] != PublicKeyBlobType ||
            BinaryPrimitives.ReadUInt32LittleEndian(blob[8..]) != RsaPublicMagic)
        {
            throw new FormatException("The public key is not a CAPI PUBLICKEYBLOB of an RSA key.");
        }

        var bits = BinaryPrimitives.ReadUInt32LittleEndian(blob[12..]);
        var exponent = BinaryPrimitives.ReadUInt32LittleEndian(blob[16..]);
        if (bits is < 1024 or > 16384 || bits % 8 != 0 || blob.Length != BlobHeaderLength + RsaPubKeyLength + bits / 8 || exponent == 0)
        {
            throw new FormatException($"The public key's length ({bits} bits, {blob.Length} bytes) does not fit a PUBLICKEYBLOB.");
        }

        var modulus = blob[(BlobHeaderLength + RsaPubKeyLength)..].ToArray();
        Array.Reverse(modulus);
        var e = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(e, exponent);
        return new RSAParameters { Modulus = modulus, Exponent = e.AsSpan().TrimStart((byte)0).ToArray() };
    }

    /// <summary>The SIMPLEBLOB of <paramref name="sessionKey"/> encrypted for the holder of <paramref name="publicKey"/>.</summary>
    public static byte[] WrapSessionKey(RSAParameters publicKey, ReadOnlySpan<byte> sessionKey)
    {
        using var rsa = RSA.Create(publicKey);
        var encrypted = rsa.Encrypt(sessionKey.ToArray(), RSAEncryptionPadding.Pkcs1);
        Array.Reverse(encrypted);
        var blob = new byte[12 + encrypted.Length];
        blob[0] = SimpleBlobType;
        blob[1] = CurrentBlobVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), CalgAes256);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), CalgRsaKeyExchange);
        encrypted.CopyTo(blob, 12);
        return blob;
    }

    /// <summary>The session key in a SIMPLEBLOB, decrypted with the client's private key; <see cref="FormatException"/> for a blob that is none.</summary>
    public static byte[] UnwrapSessionKey(RSA privateKey, ReadOnlySpan<byte> simpleBlob)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (simpleBlob.Length <= 12 || simpleBlob[0] != SimpleBlobType) throw new FormatException("The encrypted session key is not a CAPI SIMPLEBLOB.");
        var encrypted = simpleBlob[12..].ToArray();
        Array.Reverse(encrypted);
        try
        {
            var key = privateKey.Decrypt(encrypted, RSAEncryptionPadding.Pkcs1);
            return key.Length == SessionKeyLength ? key : throw new FormatException($"The session key is {key.Length} bytes, not {SessionKeyLength}.");
        }
        catch (CryptographicException e)
        {
            throw new FormatException("The encrypted session key does not decrypt with this client's key.", e);
        }
    }

    /// <summary>The <c>SS</c> text of <paramref name="text"/> under <paramref name="sessionKey"/>.</summary>
    public static string EncryptSecureString(ReadOnlySpan<byte> sessionKey, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var aes = Aes.Create();
        aes.Key = sessionKey.ToArray();
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.Unicode.GetBytes(text), new byte[16], PaddingMode.PKCS7));
    }

    /// <summary>The text of an <c>SS</c> value under <paramref name="sessionKey"/>; <see cref="FormatException"/> when it does not decrypt.</summary>
    public static string DecryptSecureString(ReadOnlySpan<byte> sessionKey, string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        using var aes = Aes.Create();
        aes.Key = sessionKey.ToArray();
        try
        {
            return Encoding.Unicode.GetString(aes.DecryptCbc(Convert.FromBase64String(base64), new byte[16], PaddingMode.PKCS7));
        }
        catch (CryptographicException e)
        {
            throw new FormatException("The SecureString does not decrypt with the session key.", e);
        }
    }
}
