using System.Security.Cryptography;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>New identifiers as WinRM writes them: upper-case GUIDs, message ids with the <c>uuid:</c> prefix.</summary>
public static class WsManIds
{
    // Random bytes for new GUIDs, drawn a batch at a time: Guid.NewGuid asks the kernel (getrandom) for every GUID,
    // and every request and response makes one or two MessageIDs.
    private const int RandomBatchBytes = 512;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomOffset;

    /// <summary>A new GUID in upper case (<c>ToString().ToUpperInvariant()</c>, made as one string).</summary>
    public static string NewGuid() => string.Create(36, NewRandomGuid(), static (span, guid) => Format(span, guid));

    /// <summary>A new <c>uuid:GUID</c> (upper case): a MessageID, OperationID or SessionId.</summary>
    public static string NewUuid() => string.Create(41, NewRandomGuid(), static (span, guid) =>
    {
        "uuid:".CopyTo(span);
        Format(span[5..], guid);
    });

    /// <summary><paramref name="guid"/> as WinRM writes it: <c>ToString().ToUpperInvariant()</c>, made as one string.</summary>
    public static string ToUpperString(Guid guid) => string.Create(36, guid, static (span, g) => Format(span, g));

    /// <summary>
    /// A random (version 4, RFC 4122 variant) GUID as <see cref="Guid.NewGuid"/> makes, from cryptographically random
    /// bytes fetched in batches.
    /// </summary>
    public static Guid NewRandomGuid()
    {
        var random = t_random;
        var offset = t_randomOffset;
        if (random is null || offset > RandomBatchBytes - 16)
        {
            random ??= t_random = new byte[RandomBatchBytes];
            RandomNumberGenerator.Fill(random);
            offset = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(offset, 16).CopyTo(bytes);
        // Used once: the batch's bytes are not handed out twice.
        random.AsSpan(offset, 16).Clear();
        t_randomOffset = offset + 16;
        // Guid's byte order (little-endian fields): byte 7 is the high byte of the third field, whose top nibble is
        // the version; the top two bits of byte 8 are the variant (10).
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static void Format(Span<char> span, Guid guid)
    {
        guid.TryFormat(span, out _, "D");
        // "D" writes lower-case hex digits; the rest of the span is digits and dashes, which stay as they are.
        System.Text.Ascii.ToUpperInPlace(span, out _);
    }
}
