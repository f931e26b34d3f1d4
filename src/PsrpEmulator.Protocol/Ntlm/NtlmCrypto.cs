using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>The NTLMv2 computations of MS-NLMP 3.3.2 and the key derivations of 3.4.5.</summary>
public static class NtlmCrypto
{
    private static ReadOnlySpan<byte> ClientSigningMagic => "session key to client-to-server signing key magic constant\0"u8;
    private static ReadOnlySpan<byte> ServerSigningMagic => "session key to server-to-client signing key magic constant\0"u8;
    private static ReadOnlySpan<byte> ClientSealingMagic => "session key to client-to-server sealing key magic constant\0"u8;
    private static ReadOnlySpan<byte> ServerSealingMagic => "session key to server-to-client sealing key magic constant\0"u8;

    /// <summary>NTOWFv1: MD4 of the UTF-16LE password (the NT hash).</summary>
    public static byte[] NtowfV1(string password) => Md4.HashData(Encoding.Unicode.GetBytes(password));

    /// <summary>NTOWFv2 = HMAC_MD5(MD4(UNICODE(password)), UNICODE(Uppercase(user) + domain)): the domain keeps its case.</summary>
    public static byte[] NtowfV2(string password, string user, string domain) =>
        HMACMD5.HashData(NtowfV1(password), Encoding.Unicode.GetBytes(user.ToUpperInvariant() + domain));

    /// <summary>
    /// The NTLMv2 "temp" blob: RespType 1, HiRespType 1, Z(6), time, client challenge, Z(4), AV pairs, Z(4).
    /// </summary>
    public static byte[] ClientBlob(long fileTime, ReadOnlySpan<byte> clientChallenge, ReadOnlySpan<byte> avPairs)
    {
        var blob = new byte[28 + avPairs.Length + 4];
        blob[0] = 1;
        blob[1] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(8), fileTime);
        clientChallenge.CopyTo(blob.AsSpan(16));
        avPairs.CopyTo(blob.AsSpan(28));
        return blob;
    }

    /// <summary>NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge + temp).</summary>
    public static byte[] NtProof(ReadOnlySpan<byte> responseKeyNt, ReadOnlySpan<byte> serverChallenge, ReadOnlySpan<byte> blob)
    {
        var data = new byte[serverChallenge.Length + blob.Length];
        serverChallenge.CopyTo(data);
        blob.CopyTo(data.AsSpan(serverChallenge.Length));
        return HMACMD5.HashData(responseKeyNt, data);
    }

    /// <summary>LMv2 = HMAC_MD5(ResponseKeyLM, ServerChallenge + ClientChallenge) + ClientChallenge.</summary>
    public static byte[] LmV2Response(ReadOnlySpan<byte> responseKeyNt, ReadOnlySpan<byte> serverChallenge, ReadOnlySpan<byte> clientChallenge)
    {
        var proof = NtProof(responseKeyNt, serverChallenge, clientChallenge);
        return [.. proof, .. clientChallenge];
    }

    /// <summary>SessionBaseKey (= KeyExchangeKey for NTLMv2) = HMAC_MD5(ResponseKeyNT, NTProofStr).</summary>
    public static byte[] SessionBaseKey(ReadOnlySpan<byte> responseKeyNt, ReadOnlySpan<byte> ntProof) => HMACMD5.HashData(responseKeyNt, ntProof);

    /// <summary>MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE with a zero MIC).</summary>
    public static byte[] Mic(ReadOnlySpan<byte> exportedSessionKey, ReadOnlySpan<byte> negotiate, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> authenticate, int micOffset)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.MD5, exportedSessionKey);
        hmac.AppendData(negotiate);
        hmac.AppendData(challenge);
        var copy = authenticate.ToArray();
        if (micOffset >= 0) copy.AsSpan(micOffset, 16).Clear();
        hmac.AppendData(copy);
        return hmac.GetHashAndReset();
    }

    /// <summary>SIGNKEY with extended session security: MD5(ExportedSessionKey + magic).</summary>
    public static byte[] SignKey(ReadOnlySpan<byte> exportedSessionKey, bool clientToServer) =>
        Derive(exportedSessionKey, clientToServer ? ClientSigningMagic : ServerSigningMagic);

    /// <summary>SEALKEY with extended session security: the key cut to 128, 56 or 40 bits, then MD5(key + magic).</summary>
    public static byte[] SealKey(ReadOnlySpan<byte> exportedSessionKey, NtlmFlags flags, bool clientToServer)
    {
        var key = (flags & NtlmFlags.Key128) != 0 ? exportedSessionKey
            : (flags & NtlmFlags.Key56) != 0 ? exportedSessionKey[..7]
            : exportedSessionKey[..5];
        return Derive(key, clientToServer ? ClientSealingMagic : ServerSealingMagic);
    }

    private static byte[] Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> magic)
    {
        var data = new byte[key.Length + magic.Length];
        key.CopyTo(data);
        magic.CopyTo(data.AsSpan(key.Length));
        return MD5.HashData(data);
    }
}

/// <summary>
/// An established NTLM context's message security (MS-NLMP 3.4, extended session security): per direction a
/// signing key, a sealing RC4 handle that runs on across messages, and a sequence number.
/// </summary>
public sealed class NtlmSecurityContext
{
    public const int SignatureLength = 16;

    private readonly byte[] _outSignKey;
    private readonly byte[] _inSignKey;
    private readonly byte[] _outSealKey;
    private readonly byte[] _inSealKey;
    private Rc4 _outSeal;
    private Rc4 _inSeal;
    private uint _outSequence;
    private uint _inSequence;

    public NtlmSecurityContext(ReadOnlySpan<byte> exportedSessionKey, NtlmFlags flags, bool isServer)
    {
        Flags = flags;
        _outSignKey = NtlmCrypto.SignKey(exportedSessionKey, clientToServer: !isServer);
        _inSignKey = NtlmCrypto.SignKey(exportedSessionKey, clientToServer: isServer);
        _outSealKey = NtlmCrypto.SealKey(exportedSessionKey, flags, clientToServer: !isServer);
        _inSealKey = NtlmCrypto.SealKey(exportedSessionKey, flags, clientToServer: isServer);
        _outSeal = new Rc4(_outSealKey);
        _inSeal = new Rc4(_inSealKey);
    }

    public NtlmFlags Flags { get; }

    /// <summary>GSS_WrapEx: seals <paramref name="message"/> in place and returns the 16-byte signature.</summary>
    public byte[] Wrap(Span<byte> message)
    {
        var plain = message.ToArray();
        _outSeal.Transform(message, message);
        return Sign(plain, _outSignKey, _outSeal, _outSequence++);
    }

    /// <summary>GSS_UnwrapEx: unseals <paramref name="sealedMessage"/> in place and checks the signature.</summary>
    public void Unwrap(ReadOnlySpan<byte> signature, Span<byte> sealedMessage)
    {
        _inSeal.Transform(sealedMessage, sealedMessage);
        var expected = Sign(sealedMessage, _inSignKey, _inSeal, _inSequence++);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw new NtlmException(NtlmError.BadSignature, "The message signature does not match (tampered, replayed or out of order).");
        }
    }

    /// <summary>GSS_GetMICEx: a signature without sealing (SPNEGO's mechListMIC).</summary>
    public byte[] GetMic(ReadOnlySpan<byte> message) => Sign(message, _outSignKey, _outSeal, _outSequence++);

    /// <summary>GSS_VerifyMICEx.</summary>
    public bool VerifyMic(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        CryptographicOperations.FixedTimeEquals(Sign(message, _inSignKey, _inSeal, _inSequence++), signature);

    /// <summary>
    /// SPNEGO's mechListMIC: each side restarts a direction's RC4 handle (not its sequence number) right after
    /// signing or verifying the MIC in that direction, so the first sealed message starts a fresh key stream
    /// (MS-SPNG 3.3.5.1; pyspnego does the same per direction, .NET's managed NTLM both at once at the end).
    /// </summary>
    public void ResetOutgoingSealing() => _outSeal = new Rc4(_outSealKey);

    /// <inheritdoc cref="ResetOutgoingSealing"/>
    public void ResetIncomingSealing() => _inSeal = new Rc4(_inSealKey);

    private byte[] Sign(ReadOnlySpan<byte> message, byte[] signKey, Rc4 seal, uint sequence)
    {
        var signature = new byte[SignatureLength];
        BinaryPrimitives.WriteUInt32LittleEndian(signature, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(signature.AsSpan(12), sequence);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.MD5, signKey);
        hmac.AppendData(signature.AsSpan(12, 4));
        hmac.AppendData(message);
        var checksum = hmac.GetHashAndReset().AsSpan(0, 8);
        if ((Flags & NtlmFlags.KeyExchange) != 0) seal.Transform(checksum, checksum);
        checksum.CopyTo(signature.AsSpan(4));
        return signature;
    }
}
