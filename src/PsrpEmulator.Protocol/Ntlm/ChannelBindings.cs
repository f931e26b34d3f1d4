using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>
/// WinRM's <c>Service/Auth/CbtHardeningLevel</c>: how an HTTPS listener checks the channel binding token (Extended
/// Protection for Authentication) in a client's NTLMv2 response.
/// </summary>
public enum CbtHardeningLevel
{
    /// <summary>Not checked.</summary>
    None,

    /// <summary>Windows' default: a token the client sends must match the TLS channel; a client that sends none (or
    /// an all-zero one, "unbound") is accepted.</summary>
    Relaxed,

    /// <summary>The client must send the token of the TLS channel.</summary>
    Strict,
}

/// <summary>
/// The channel binding token of a TLS channel as NTLMv2 carries it in <c>MsvAvChannelBindings</c> (MS-NLMP 2.2.2.1):
/// the MD5 of a <c>gss_channel_bindings_struct</c> (RFC 2744 3.11, no addresses) whose application data is RFC 5929's
/// <c>tls-server-end-point</c> binding, the hash of the server's certificate.
/// </summary>
public static class ChannelBindings
{
    /// <summary>The length of the token (an MD5 hash).</summary>
    public const int HashLength = 16;

    private static ReadOnlySpan<byte> EndPointPrefix => "tls-server-end-point:"u8;

    /// <summary>The token of a TLS channel whose server presented <paramref name="serverCertificate"/>.</summary>
    public static byte[] ForServerCertificate(X509Certificate2 serverCertificate) => Hash(TlsServerEndPoint(serverCertificate));

    /// <summary>
    /// RFC 5929 4.1: <c>tls-server-end-point:</c> and the certificate's hash, by the hash of its signature algorithm,
    /// MD5 and SHA-1 replaced by SHA-256 (as are algorithms that name no single hash, such as RSASSA-PSS).
    /// </summary>
    public static byte[] TlsServerEndPoint(X509Certificate2 serverCertificate)
    {
        ArgumentNullException.ThrowIfNull(serverCertificate);
        var raw = serverCertificate.RawDataMemory.Span;
        byte[] hash = serverCertificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => SHA384.HashData(raw),
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => SHA512.HashData(raw),
            _ => SHA256.HashData(raw),
        };
        return [.. EndPointPrefix, .. hash];
    }

    /// <summary>The MD5 of the <c>gss_channel_bindings_struct</c> carrying <paramref name="applicationData"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> applicationData)
    {
        // initiator_addrtype, initiator_address.length, acceptor_addrtype, acceptor_address.length (all 0), then
        // application_data.length and its bytes, every integer little-endian.
        var structure = new byte[20 + applicationData.Length];
        BinaryPrimitives.WriteInt32LittleEndian(structure.AsSpan(16), applicationData.Length);
        applicationData.CopyTo(structure.AsSpan(20));
        return MD5.HashData(structure);
    }

    /// <summary>Whether a token says "no binding" (absent, or all zeros as clients send outside TLS).</summary>
    public static bool IsUnbound(ReadOnlySpan<byte> token) => token.IndexOfAnyExcept((byte)0) < 0;
}
