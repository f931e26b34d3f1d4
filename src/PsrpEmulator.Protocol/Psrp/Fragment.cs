using System.Buffers;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>One PSRP fragment (MS-PSRP 2.2.4): 21-byte big-endian header then a blob.</summary>
public readonly record struct Fragment(ulong ObjectId, ulong FragmentId, bool IsStart, bool IsEnd, ReadOnlyMemory<byte> Blob)
{
    public const int HeaderLength = 21;
    public int EncodedLength => HeaderLength + Blob.Length;
}

/// <summary>Why fragment bytes were rejected.</summary>
public enum FragmentError
{
    None,
    /// <summary>Input ends inside a header or a blob.</summary>
    Truncated,
    /// <summary>Flags byte has bits other than S (0x1) and E (0x2).</summary>
    ReservedFlagsSet,
    /// <summary>ObjectId or FragmentId has the sign bit set.</summary>
    InvalidId,
    /// <summary>BlobLength larger than the configured maximum.</summary>
    BlobTooLarge,
    /// <summary>First fragment of an object lacks the S flag, or FragmentId 0 lacks it.</summary>
    MissingStart,
    /// <summary>FragmentId is not the next one of the object being assembled.</summary>
    OutOfOrder,
    /// <summary>A new object starts while another one is still incomplete.</summary>
    Interleaved,
    /// <summary>Assembled message exceeds the maximum message size.</summary>
    MessageTooLarge,
    /// <summary>Assembled message is shorter than the 40-byte message header.</summary>
    MessageTooShort,
    /// <summary>A whole message arrived but its header is invalid (destination or type).</summary>
    InvalidMessageHeader,
}

public sealed class FragmentException(FragmentError reason, string message) : Exception(message)
{
    public FragmentError Reason { get; } = reason;
}

/// <summary>Sans-IO fragment codec.</summary>
public static class FragmentCodec
{
    /// <summary>
    /// Reads one fragment from the start of <paramref name="input"/>. Returns false and consumes nothing when the
    /// input is incomplete (<paramref name="error"/> = Truncated) or invalid (other reasons). The blob of the
    /// returned fragment is a slice of <paramref name="input"/>.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> input, int maxBlobLength, out Fragment fragment, out int consumed, out FragmentError error)
        => throw new NotImplementedException();

    /// <summary>Writes the fragment; returns bytes written. Destination must hold <see cref="Fragment.EncodedLength"/>.</summary>
    public static int Write(Span<byte> destination, in Fragment fragment) => throw new NotImplementedException();

    /// <summary>
    /// Splits a message into fragments whose encoded length (header included) is at most
    /// <paramref name="maxFragmentLength"/> and writes them to <paramref name="output"/>.
    /// </summary>
    public static void WriteMessage(IBufferWriter<byte> output, ulong objectId, ReadOnlySpan<byte> message, int maxFragmentLength)
        => throw new NotImplementedException();

    /// <summary>Fragments of one message, as separate encoded byte arrays (each at most maxFragmentLength).</summary>
    public static IReadOnlyList<byte[]> Split(ulong objectId, ReadOnlySpan<byte> message, int maxFragmentLength)
        => throw new NotImplementedException();
}

/// <summary>
/// Reassembles messages from a stream of fragments: per object id, in order, contiguous (PowerShell's rule).
/// Throws <see cref="FragmentException"/> with the exact reason; after an error the instance is unusable.
/// </summary>
public sealed class Defragmenter(int maxMessageLength = 10 * 1024 * 1024)
{
    public int MaxMessageLength { get; } = maxMessageLength;

    /// <summary>Decodes every fragment in <paramref name="data"/> (one WS-Man stream chunk) and returns completed messages.</summary>
    public IReadOnlyList<PsrpMessage> Add(ReadOnlyMemory<byte> data) => throw new NotImplementedException();

    /// <summary>True when no object is partly assembled.</summary>
    public bool IsIdle => throw new NotImplementedException();

    /// <summary>Drops a partly assembled object (PowerShell does this on connect/reconnect).</summary>
    public void Reset() => throw new NotImplementedException();
}
