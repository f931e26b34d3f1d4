using System.Buffers;
using System.Buffers.Binary;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>One PSRP fragment (MS-PSRP 2.2.4): 21-byte big-endian header then a blob.</summary>
public readonly record struct Fragment(ulong ObjectId, ulong FragmentId, bool IsStart, bool IsEnd, ReadOnlyMemory<byte> Blob)
{
    public const int HeaderLength = 21;

    /// <summary>Where the header holds the blob's length (big-endian): after ObjectId (8 bytes), FragmentId (8) and the flags (1).</summary>
    public const int BlobLengthOffset = 17;

    public int EncodedLength => HeaderLength + Blob.Length;

    /// <summary>
    /// The encoded length (header and blob) of the fragment that <paramref name="fragments"/> starts with, read from its
    /// header: how a run of whole fragments written back to back is split (the header must be there; the blob is not
    /// checked).
    /// </summary>
    public static int EncodedLengthAt(ReadOnlySpan<byte> fragments) =>
        HeaderLength + (int)BinaryPrimitives.ReadUInt32BigEndian(fragments[BlobLengthOffset..]);
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

    /// <summary>
    /// <see cref="FragmentError.MessageTooLarge"/>: the object's size as PowerShell counts it for its
    /// MaximumReceivedObjectSize error, its fragments so far with their headers (this one included).
    /// </summary>
    public long? ObjectSize { get; init; }
}

/// <summary>Sans-IO fragment codec.</summary>
public static class FragmentCodec
{
    private const byte StartFlag = 0x1;
    private const byte EndFlag = 0x2;
    private const ulong SignBit = 1UL << 63;

    /// <summary>
    /// Reads one fragment from the start of <paramref name="input"/>. Returns false and consumes nothing when the
    /// input is incomplete (<paramref name="error"/> = Truncated) or invalid (other reasons). The blob of the
    /// returned fragment is a slice of <paramref name="input"/>.
    /// </summary>
    /// <remarks>
    /// Header fields are validated as soon as the whole 21-byte header is present, so an invalid header (reserved
    /// flags, sign bit, BlobLength above <paramref name="maxBlobLength"/>) is reported even when the blob has not
    /// arrived yet. A prefix of a valid fragment is always reported as Truncated.
    /// </remarks>
    public static bool TryRead(ReadOnlyMemory<byte> input, int maxBlobLength, out Fragment fragment, out int consumed, out FragmentError error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBlobLength);
        fragment = default;
        consumed = 0;

        var span = input.Span;
        if (span.Length < Fragment.HeaderLength)
        {
            error = FragmentError.Truncated;
            return false;
        }

        var objectId = BinaryPrimitives.ReadUInt64BigEndian(span);
        var fragmentId = BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
        var flags = span[16];
        var blobLength = BinaryPrimitives.ReadUInt32BigEndian(span[17..]);

        if ((objectId & SignBit) != 0 || (fragmentId & SignBit) != 0)
        {
            error = FragmentError.InvalidId;
            return false;
        }

        if ((flags & ~(StartFlag | EndFlag)) != 0)
        {
            error = FragmentError.ReservedFlagsSet;
            return false;
        }

        if (blobLength > (uint)maxBlobLength)
        {
            error = FragmentError.BlobTooLarge;
            return false;
        }

        var total = Fragment.HeaderLength + (int)blobLength;
        if (span.Length < total)
        {
            error = FragmentError.Truncated;
            return false;
        }

        fragment = new Fragment(objectId, fragmentId, (flags & StartFlag) != 0, (flags & EndFlag) != 0,
            input.Slice(Fragment.HeaderLength, (int)blobLength));
        consumed = total;
        error = FragmentError.None;
        return true;
    }

    /// <summary>Writes the fragment; returns bytes written. Destination must hold <see cref="Fragment.EncodedLength"/>.</summary>
    public static int Write(Span<byte> destination, in Fragment fragment)
    {
        if ((fragment.ObjectId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(fragment), "ObjectId must not have the sign bit set.");
        if ((fragment.FragmentId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(fragment), "FragmentId must not have the sign bit set.");
        var length = fragment.EncodedLength;
        if (destination.Length < length) throw new ArgumentException($"Destination holds {destination.Length} bytes; the fragment needs {length}.", nameof(destination));

        WriteHeader(destination, fragment.ObjectId, fragment.FragmentId, fragment.IsStart, fragment.IsEnd, fragment.Blob.Length);
        fragment.Blob.Span.CopyTo(destination[Fragment.HeaderLength..]);
        return length;
    }

    /// <summary>
    /// Writes only the header of <paramref name="fragment"/> into <paramref name="destination"/> (<see
    /// cref="Fragment.HeaderLength"/> bytes), for a blob that is already in place right after it.
    /// </summary>
    public static void WriteHeader(Span<byte> destination, in Fragment fragment)
    {
        if ((fragment.ObjectId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(fragment), "ObjectId must not have the sign bit set.");
        if ((fragment.FragmentId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(fragment), "FragmentId must not have the sign bit set.");
        if (destination.Length < Fragment.HeaderLength) throw new ArgumentException($"Destination holds {destination.Length} bytes; a header needs {Fragment.HeaderLength}.", nameof(destination));
        WriteHeader(destination, fragment.ObjectId, fragment.FragmentId, fragment.IsStart, fragment.IsEnd, fragment.Blob.Length);
    }

    /// <summary>
    /// Splits a message into fragments whose encoded length (header included) is at most
    /// <paramref name="maxFragmentLength"/> and writes them to <paramref name="output"/>.
    /// </summary>
    /// <remarks>FragmentIds start at 0; S is set on the first, E on the last; an empty message is one fragment (0x3).</remarks>
    public static void WriteMessage(IBufferWriter<byte> output, ulong objectId, ReadOnlySpan<byte> message, int maxFragmentLength)
    {
        ArgumentNullException.ThrowIfNull(output);
        var maxBlob = MaxBlob(maxFragmentLength);
        if ((objectId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(objectId), "ObjectId must not have the sign bit set.");

        var count = FragmentCount(message.Length, maxBlob);
        for (var i = 0; i < count; i++)
        {
            var chunk = message.Slice(i * maxBlob, Math.Min(maxBlob, message.Length - (i * maxBlob)));
            var length = Fragment.HeaderLength + chunk.Length;
            var span = output.GetSpan(length);
            WriteHeader(span, objectId, (ulong)i, i == 0, i == count - 1, chunk.Length);
            chunk.CopyTo(span[Fragment.HeaderLength..]);
            output.Advance(length);
        }
    }

    /// <summary>Fragments of one message, as separate encoded byte arrays (each at most maxFragmentLength).</summary>
    public static IReadOnlyList<byte[]> Split(ulong objectId, ReadOnlySpan<byte> message, int maxFragmentLength)
    {
        var maxBlob = MaxBlob(maxFragmentLength);
        if ((objectId & SignBit) != 0) throw new ArgumentOutOfRangeException(nameof(objectId), "ObjectId must not have the sign bit set.");

        var count = FragmentCount(message.Length, maxBlob);
        var result = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var chunk = message.Slice(i * maxBlob, Math.Min(maxBlob, message.Length - (i * maxBlob)));
            var bytes = new byte[Fragment.HeaderLength + chunk.Length];
            WriteHeader(bytes, objectId, (ulong)i, i == 0, i == count - 1, chunk.Length);
            chunk.CopyTo(bytes.AsSpan(Fragment.HeaderLength));
            result[i] = bytes;
        }

        return result;
    }

    private static int MaxBlob(int maxFragmentLength)
    {
        if (maxFragmentLength <= Fragment.HeaderLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFragmentLength), maxFragmentLength,
                $"A fragment needs more than its {Fragment.HeaderLength}-byte header.");
        }

        return maxFragmentLength - Fragment.HeaderLength;
    }

    private static int FragmentCount(int messageLength, int maxBlob)
        => messageLength == 0 ? 1 : (int)(((long)messageLength + maxBlob - 1) / maxBlob);

    private static void WriteHeader(Span<byte> destination, ulong objectId, ulong fragmentId, bool isStart, bool isEnd, int blobLength)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, objectId);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], fragmentId);
        destination[16] = (byte)((isStart ? StartFlag : 0) | (isEnd ? EndFlag : 0));
        BinaryPrimitives.WriteUInt32BigEndian(destination[17..], (uint)blobLength);
    }
}

/// <summary>
/// Reassembles messages from a stream of fragments: per object id, in order, contiguous (PowerShell's rule).
/// Throws <see cref="FragmentException"/> with the exact reason; after an error the instance is unusable.
/// </summary>
/// <remarks>
/// Each <see cref="Add"/> call is one WS-Man stream chunk; a fragment never spans two chunks, so bytes left over
/// after the last whole fragment are reported as <see cref="FragmentError.Truncated"/>. A fragment whose blob alone
/// exceeds <see cref="MaxMessageLength"/> is reported as <see cref="FragmentError.MessageTooLarge"/>. Returned
/// messages own their bytes (copied once from the chunk); the caller may reuse the chunk buffer afterwards.
/// When an error occurs, messages completed earlier in the same chunk are lost with the exception (with the overload
/// that appends to a list, they are in the list).
/// </remarks>
public sealed class Defragmenter(int maxMessageLength = 10 * 1024 * 1024)
{
    private byte[]? _buffer;
    private int _length;
    private bool _inProgress;
    private ulong _objectId;
    private ulong _nextFragmentId;
    private FragmentException? _failure;

    public int MaxMessageLength { get; } = maxMessageLength > 0
        ? maxMessageLength
        : throw new ArgumentOutOfRangeException(nameof(maxMessageLength), maxMessageLength, "Must be positive.");

    /// <summary>Decodes every fragment in <paramref name="data"/> (one WS-Man stream chunk) and returns completed messages.</summary>
    public IReadOnlyList<PsrpMessage> Add(ReadOnlyMemory<byte> data)
    {
        List<PsrpMessage>? messages = null;
        Add(data, ref messages);
        return messages ?? (IReadOnlyList<PsrpMessage>)[];
    }

    /// <summary>As <see cref="Add(ReadOnlyMemory{byte})"/>, appending completed messages to <paramref name="messages"/> (made when the first completes).</summary>
    public void Add(ReadOnlyMemory<byte> data, ref List<PsrpMessage>? messages) => Add(data, ref messages, null);

    /// <summary>
    /// As <see cref="Add(ReadOnlyMemory{byte})"/>, handing each message to <paramref name="lent"/> as it completes. A
    /// lent message is valid only during that call: its bytes are the chunk's or a pooled buffer's, not copied (for a
    /// caller that reads each message at once, as a client turning output into events).
    /// </summary>
    public void Add(ReadOnlyMemory<byte> data, Action<PsrpMessage> lent)
    {
        ArgumentNullException.ThrowIfNull(lent);
        Add(data, (in PsrpMessageHeader header, ReadOnlyMemory<byte> payload) =>
            lent(new PsrpMessage(header.Destination, header.MessageType, header.RunspacePoolId, header.PipelineId, payload)));
    }

    /// <summary>
    /// As <see cref="Add(ReadOnlyMemory{byte}, Action{PsrpMessage})"/>, lending each message as its header and payload
    /// (no <see cref="PsrpMessage"/> made: a client reading thousands of small outputs per response).
    /// </summary>
    public void Add(ReadOnlyMemory<byte> data, LentPsrpMessage lent)
    {
        ArgumentNullException.ThrowIfNull(lent);
        List<PsrpMessage>? none = null;
        Add(data, ref none, lent);
    }

    /// <summary>
    /// As <see cref="Add(ReadOnlyMemory{byte}, LentPsrpMessage)"/> for one fragment its caller has read from the chunk
    /// already (with <see cref="FragmentCodec.TryRead"/> and at most <see cref="MaxMessageLength"/> of blob), so that
    /// its header is not read twice.
    /// </summary>
    public void Add(in Fragment fragment, LentPsrpMessage lent)
    {
        ArgumentNullException.ThrowIfNull(lent);
        // A whole message in one fragment with a valid header (each small output object): lent straight from the
        // fragment. Anything else (an error to report included) takes the general path below.
        if (fragment.IsStart && fragment.IsEnd && fragment.FragmentId == 0 && !_inProgress && _failure is null &&
            fragment.Blob.Length <= MaxMessageLength && PsrpMessageHeader.TryParse(fragment.Blob.Span, out var header))
        {
            lent(header, fragment.Blob[PsrpMessage.HeaderLength..]);
            return;
        }

        if (_failure is not null) throw new FragmentException(_failure.Reason, "The defragmenter is unusable after an earlier error: " + _failure.Message);
        if (fragment.Blob.Length > MaxMessageLength)
        {
            Fail(FragmentError.MessageTooLarge, $"A fragment has a blob larger than the maximum message size of {MaxMessageLength} bytes.",
                SizeSoFar() + Fragment.HeaderLength + fragment.Blob.Length);
        }

        if (Accept(fragment, lend: true, out var bytes)) Lend(bytes, lent);
    }

    private void Lend(ReadOnlyMemory<byte> bytes, LentPsrpMessage lent)
    {
        try
        {
            var header = CompleteHeader(bytes.Span);
            lent(header, bytes[PsrpMessage.HeaderLength..]);
        }
        finally
        {
            ReturnLent();
        }
    }

    private void Add(ReadOnlyMemory<byte> data, ref List<PsrpMessage>? messages, LentPsrpMessage? lent)
    {
        if (_failure is not null) throw new FragmentException(_failure.Reason, "The defragmenter is unusable after an earlier error: " + _failure.Message);

        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            if (!FragmentCodec.TryRead(rest, MaxMessageLength, out var fragment, out var consumed, out var error))
            {
                switch (error)
                {
                    case FragmentError.Truncated:
                        Fail(FragmentError.Truncated, $"{rest.Length} byte(s) at offset {offset} of the chunk do not form a whole fragment (a fragment never spans two WS-Man messages).");
                        break;
                    case FragmentError.BlobTooLarge:
                        Fail(FragmentError.MessageTooLarge, $"A fragment at offset {offset} has a blob larger than the maximum message size of {MaxMessageLength} bytes.",
                            SizeSoFar() + Fragment.HeaderLength + BinaryPrimitives.ReadUInt32BigEndian(rest.Span[Fragment.BlobLengthOffset..]));
                        break;
                    case FragmentError.InvalidId:
                        Fail(error, $"The fragment at offset {offset} has an ObjectId or FragmentId with the sign bit set.");
                        break;
                    case FragmentError.ReservedFlagsSet:
                        Fail(error, $"The fragment at offset {offset} has reserved flag bits set (flags 0x{rest.Span[16]:x2}).");
                        break;
                    default:
                        Fail(error, $"The fragment at offset {offset} is invalid ({error}).");
                        break;
                }
            }

            offset += consumed;
            if (!Accept(fragment, lend: lent is not null, out var bytes)) continue;
            if (lent is null)
            {
                (messages ??= []).Add(Complete(bytes));
                continue;
            }

            Lend(bytes, lent);
        }
    }

    /// <summary>True when no object is partly assembled.</summary>
    public bool IsIdle => !_inProgress;

    /// <summary>The ObjectId of the partly assembled object (meaningful when not <see cref="IsIdle"/>).</summary>
    public ulong CurrentObjectId => _objectId;

    /// <summary>The FragmentId that continues the partly assembled object (meaningful when not <see cref="IsIdle"/>).</summary>
    public ulong NextFragmentId => _nextFragmentId;

    /// <summary>Drops a partly assembled object (PowerShell does this on connect/reconnect).</summary>
    /// <remarks>Does not clear an earlier error: a failed instance stays unusable.</remarks>
    public void Reset()
    {
        _inProgress = false;
        _length = 0;
        _nextFragmentId = 0;
        ReturnBuffer();
    }

    /// <summary>True when <paramref name="fragment"/> completes a message: <paramref name="message"/> holds its bytes (own, or lent when <paramref name="lend"/>).</summary>
    private bool Accept(in Fragment fragment, bool lend, out ReadOnlyMemory<byte> message)
    {
        message = default;
        if (fragment.IsStart)
        {
            if (_inProgress)
            {
                Fail(FragmentError.Interleaved, $"Object {fragment.ObjectId} starts while object {_objectId} is incomplete (expected its fragment {_nextFragmentId}).");
            }

            if (fragment.FragmentId != 0)
            {
                Fail(FragmentError.OutOfOrder, $"Start fragment of object {fragment.ObjectId} has FragmentId {fragment.FragmentId}; expected 0.");
            }

            if (fragment.IsEnd)
            {
                // Single-fragment message: one copy, straight from the chunk (none when lent).
                message = lend ? fragment.Blob : Copy(fragment.Blob.Span);
                return true;
            }

            _inProgress = true;
            _objectId = fragment.ObjectId;
            _nextFragmentId = 1;
            _length = 0;
            Append(fragment.Blob.Span, fragments: 1);
            return false;
        }

        if (!_inProgress)
        {
            Fail(FragmentError.MissingStart, $"Fragment {fragment.FragmentId} of object {fragment.ObjectId} arrived without a start fragment.");
        }

        if (fragment.FragmentId == 0)
        {
            Fail(FragmentError.MissingStart, $"Fragment 0 of object {fragment.ObjectId} lacks the start flag.");
        }

        if (fragment.ObjectId != _objectId)
        {
            Fail(FragmentError.Interleaved, $"A fragment of object {fragment.ObjectId} arrived while object {_objectId} is incomplete.");
        }

        if (fragment.FragmentId != _nextFragmentId)
        {
            Fail(FragmentError.OutOfOrder, $"Object {_objectId}: got FragmentId {fragment.FragmentId}, expected {_nextFragmentId}.");
        }

        Append(fragment.Blob.Span, fragments: (long)_nextFragmentId + 1);
        _nextFragmentId++;
        if (!fragment.IsEnd) return false;

        if (lend)
        {
            // The assembly buffer itself, back to the pool once the message has been looked at.
            var length = _length;
            _lent = _buffer;
            _buffer = null;
            Reset();
            message = _lent.AsMemory(0, length);
            return true;
        }

        message = Copy(_buffer.AsSpan(0, _length));
        Reset();
        return true;
    }

    // The assembly buffer of a message lent to the caller.
    private byte[]? _lent;

    private void ReturnLent()
    {
        if (_lent is null) return;
        ArrayPool<byte>.Shared.Return(_lent);
        _lent = null;
    }

    // The message's own array, not zeroed first: every byte is copied over at once.
    private static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }

    // The object in progress as PowerShell counts it: its fragments' blobs and headers.
    private long SizeSoFar() => _inProgress ? _length + (long)_nextFragmentId * Fragment.HeaderLength : 0;

    private void Append(ReadOnlySpan<byte> blob, long fragments)
    {
        var needed = (long)_length + blob.Length;
        if (needed > MaxMessageLength)
        {
            Fail(FragmentError.MessageTooLarge, $"Object {_objectId} exceeds the maximum message size of {MaxMessageLength} bytes.",
                needed + fragments * Fragment.HeaderLength);
        }

        if (_buffer is null || _buffer.Length < needed)
        {
            // A message of several fragments is usually several times its first one: room for 16 of them at once
            // (a pooled buffer, reused), rather than growing and copying it fragment by fragment.
            var size = (int)Math.Min(MaxMessageLength, Math.Max(needed, Math.Max(_buffer is null ? blob.Length * 16L : 4096L, (_buffer?.Length ?? 0) * 2L)));
            var next = ArrayPool<byte>.Shared.Rent(size);
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _length).CopyTo(next);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = next;
        }

        blob.CopyTo(_buffer.AsSpan(_length));
        _length = (int)needed;
    }

    private PsrpMessage Complete(ReadOnlyMemory<byte> bytes)
    {
        var header = CompleteHeader(bytes.Span);
        return new PsrpMessage(header.Destination, header.MessageType, header.RunspacePoolId, header.PipelineId, bytes[PsrpMessage.HeaderLength..]);
    }

    private PsrpMessageHeader CompleteHeader(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return PsrpMessageHeader.Parse(bytes);
        }
        catch (FragmentException ex)
        {
            Fail(ex.Reason, ex.Message);
            throw; // unreachable
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(FragmentError reason, string message, long? objectSize = null)
    {
        _inProgress = false;
        _length = 0;
        ReturnBuffer();
        ReturnLent();
        _failure = new FragmentException(reason, message) { ObjectSize = objectSize };
        throw _failure;
    }
}
