using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Ntlm;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// WinRM message encryption over HTTP (MS-WSMV 2.2.9.1.1, as Windows and pywinrm lay it out): a
/// <c>multipart/encrypted</c> body whose first part names the original SOAP type and length, and whose second
/// (<c>application/octet-stream</c>) holds a 4-byte little-endian signature length, the NTLM signature and the
/// sealed SOAP envelope, closed by <c>--Encrypted Boundary--</c>.
/// </summary>
public static class EncryptedMessage
{
    public const string SpnegoProtocol = "application/HTTP-SPNEGO-session-encrypted";

    /// <summary>The HTTP Content-Type of an encrypted body.</summary>
    public const string ContentType = "multipart/encrypted;protocol=\"" + SpnegoProtocol + "\";boundary=\"Encrypted Boundary\"";

    private static ReadOnlySpan<byte> Boundary => "--Encrypted Boundary\r\n"u8;
    private static ReadOnlySpan<byte> FinalBoundary => "--Encrypted Boundary--\r\n"u8;
    private static ReadOnlySpan<byte> OctetStreamLine => "\tContent-Type: application/octet-stream\r\n"u8;

    /// <summary>Whether an HTTP Content-Type announces a SPNEGO-encrypted body.</summary>
    public static bool IsEncrypted(string? contentType) =>
        contentType is not null &&
        contentType.StartsWith("multipart/encrypted", StringComparison.OrdinalIgnoreCase) &&
        contentType.Contains(SpnegoProtocol, StringComparison.OrdinalIgnoreCase);

    /// <summary>Seals a SOAP envelope into an encrypted body (the context's next outgoing sequence number).</summary>
    public static byte[] Encrypt(NtlmSecurityContext context, ReadOnlySpan<byte> soap)
    {
        var sealedData = soap.ToArray();
        var signature = context.Wrap(sealedData);
        var header = Encoding.ASCII.GetBytes(
            "--Encrypted Boundary\r\n" +
            $"\tContent-Type: {SpnegoProtocol}\r\n" +
            $"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length={soap.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "--Encrypted Boundary\r\n" +
            "\tContent-Type: application/octet-stream\r\n");
        var body = new byte[header.Length + 4 + signature.Length + sealedData.Length + FinalBoundary.Length];
        header.CopyTo(body, 0);
        var at = header.Length;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(at), signature.Length);
        signature.CopyTo(body, at + 4);
        sealedData.CopyTo(body, at + 4 + signature.Length);
        FinalBoundary.CopyTo(body.AsSpan(at + 4 + signature.Length + sealedData.Length));
        return body;
    }

    /// <summary>
    /// Unseals an encrypted body and checks its signature and length; throws <see cref="NtlmException"/>
    /// (MalformedEncryptedBody, BadSignature) when it is not WinRM's layout or was tampered with.
    /// </summary>
    public static byte[] Decrypt(NtlmSecurityContext context, ReadOnlySpan<byte> body, int maxLength)
    {
        if (!body.StartsWith(Boundary)) throw Malformed("it does not start with --Encrypted Boundary");
        var rest = body[Boundary.Length..];
        var second = rest.IndexOf(Boundary);
        if (second < 0) throw Malformed("it has no second part");
        var headers = Encoding.ASCII.GetString(rest[..second]);
        var length = -1;
        foreach (var raw in headers.Split("\r\n"))
        {
            var line = raw.Trim();
            if (!line.StartsWith("OriginalContent:", StringComparison.OrdinalIgnoreCase)) continue;
            var at = line.IndexOf("Length=", StringComparison.OrdinalIgnoreCase);
            if (at < 0 || !int.TryParse(line.AsSpan(at + 7).TrimEnd(';'), NumberStyles.None, CultureInfo.InvariantCulture, out length)) throw Malformed("OriginalContent has no Length");
        }

        if (length < 0) throw Malformed("it has no OriginalContent header");
        if (length > maxLength) throw Malformed($"the original content ({length} bytes) exceeds the maximum of {maxLength}");
        var part = rest[(second + Boundary.Length)..];
        // The part's own header line, tab-indented as WinRM writes it (tolerating no tab).
        var endOfLine = part.IndexOf("\r\n"u8);
        if (endOfLine < 0 || !Encoding.ASCII.GetString(part[..endOfLine]).Trim().Equals("Content-Type: application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            throw Malformed("the second part is not application/octet-stream");
        }

        part = part[(endOfLine + 2)..];
        if (part.Length < 4) throw Malformed("the signature length is missing");
        var signatureLength = BinaryPrimitives.ReadInt32LittleEndian(part);
        if (signatureLength != NtlmSecurityContext.SignatureLength) throw Malformed($"the signature is {signatureLength} bytes, not 16");
        // Compared as a difference: 4 + 16 + a Length near int.MaxValue would overflow.
        if (part.Length - 4 - signatureLength < length) throw Malformed("the sealed data is shorter than OriginalContent's Length");
        var signature = part.Slice(4, signatureLength);
        var message = part.Slice(4 + signatureLength, length).ToArray();
        if (!part[(4 + signatureLength + length)..].SequenceEqual(FinalBoundary)) throw Malformed("the sealed data is not followed by --Encrypted Boundary--");
        context.Unwrap(signature, message);
        return message;
    }

    private static NtlmException Malformed(string why) => new(NtlmError.MalformedEncryptedBody, "The encrypted body is not valid: " + why + ".");
}
