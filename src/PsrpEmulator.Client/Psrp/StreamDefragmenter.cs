using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Psrp;

/// <summary>
/// The client side of one output stream (pool or command), with the rules of PowerShell's
/// <c>ReceiveDataCollection.ProcessRawData</c> (PriorityCollection.cs) rather than the strict
/// <see cref="Defragmenter"/>'s:
/// <list type="bullet">
/// <item>a start fragment always begins a new object; a partly assembled one is dropped silently (so a repeated start
/// fragment restarts its object, and a repeated whole message is delivered twice: PowerShell does not de-duplicate);</item>
/// <item>a continuation fragment of another object is <c>ObjectIdsNotMatching</c> and one whose FragmentId is not the
/// next is <c>FragmentIdsNotInSequence</c> (a repeated or swapped middle fragment): the partial object is dropped and
/// the error reported, which fails the command;</item>
/// <item>after <see cref="PrepareForStreamConnect"/> (a connect or reconnect) those two cases are skipped instead,
/// until the next start fragment; a partial object whose next fragment does come is still completed;</item>
/// <item>a chunk that ends inside a fragment (its header, or its blob) is not an error: the bytes wait for the next
/// chunk of the stream (PowerShell's _pendingDataStream), so a fragment may be split across rsp:Stream elements or
/// responses. As there, 21 bytes or fewer always wait, even a whole header with an empty blob.</item>
/// </list>
/// </summary>
public sealed class StreamDefragmenter(int maxMessageLength = 10 * 1024 * 1024)
{
    /// <summary>PowerShell's RemotingErrorIdStrings.ObjectIdsNotMatching.</summary>
    public const string ObjectIdsNotMatching =
        "Unexpected ObjectId received. This can happen if the fragments are not properly constructed by the remote computer, or the data might have been corrupted or changed.";

    /// <summary>PowerShell's RemotingErrorIdStrings.FragmentIdsNotInSequence.</summary>
    public const string FragmentIdsNotInSequence =
        "The FragmentIDs of the same object must be in sequence, incrementally changing by 1. This can happen if the fragments are not properly constructed by the remote computer. The data might also have been corrupted or changed.";

    private readonly Defragmenter _inner = new(maxMessageLength);
    private bool _ignoreOffSyncFragments;
    // The start of a fragment the last chunk ended inside (at most a header and a blob of the maximum length).
    private byte[]? _pending;
    private int _pendingLength;

    /// <summary>The largest object accepted (PSSessionOption.MaximumReceivedObjectSize).</summary>
    public int MaxMessageLength => _inner.MaxMessageLength;

    /// <summary>Bytes of an incomplete fragment held for the next chunk.</summary>
    public int PendingBytes => _pendingLength;

    /// <summary>Off-sync fragments skipped after a stream connect.</summary>
    public int DiscardedFragments { get; private set; }

    /// <summary>Off-sync continuation fragments are skipped (not errors) until the next object starts.</summary>
    public void PrepareForStreamConnect() => _ignoreOffSyncFragments = true;

    /// <summary>Decodes one WS-Man stream chunk; errors are <see cref="FragmentException"/>s as from <see cref="Defragmenter.Add"/>.</summary>
    public IReadOnlyList<PsrpMessage> Add(ReadOnlyMemory<byte> data)
    {
        List<PsrpMessage>? messages = null;
        Add(data, ref messages, null);
        return messages ?? (IReadOnlyList<PsrpMessage>)[];
    }

    /// <summary>
    /// As <see cref="Add(ReadOnlyMemory{byte})"/>, lending each message as its header and payload as it completes, valid
    /// only during that call (see <see cref="Defragmenter.Add(ReadOnlyMemory{byte}, LentPsrpMessage)"/>).
    /// </summary>
    public void Add(ReadOnlyMemory<byte> data, LentPsrpMessage lent)
    {
        ArgumentNullException.ThrowIfNull(lent);
        List<PsrpMessage>? none = null;
        Add(data, ref none, lent);
    }

    private void Add(ReadOnlyMemory<byte> data, ref List<PsrpMessage>? messages, LentPsrpMessage? lent)
    {
        if (_pendingLength == 0)
        {
            var rest = AddWhole(data, ref messages, lent);
            if (rest < data.Length) Hold(data.Span[rest..]);
            return;
        }

        // The held bytes and this chunk as one: messages lent from it are used before it is written again.
        var length = _pendingLength + data.Length;
        if (_pending!.Length < length) Array.Resize(ref _pending, Math.Max(length, _pending.Length * 2));
        data.Span.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = 0;
        var combined = new ReadOnlyMemory<byte>(_pending, 0, length);
        var left = AddWhole(combined, ref messages, lent);
        if (left < length) Hold(combined.Span[left..]);
        else if (_pending.Length > 64 * 1024) _pending = null; // a large object's buffer is not kept once it is used
    }

    // Keeps the incomplete fragment at the end of a chunk for the next one (moved to the front of the held bytes).
    private void Hold(ReadOnlySpan<byte> rest)
    {
        if (_pending is null || _pending.Length < rest.Length) _pending = new byte[Math.Max(rest.Length, 256)];
        rest.CopyTo(_pending);
        _pendingLength = rest.Length;
    }

    // The chunk's whole fragments; returns where an incomplete last one starts (data.Length when there is none).
    private int AddWhole(ReadOnlyMemory<byte> data, ref List<PsrpMessage>? messages, LentPsrpMessage? lent)
    {
        var offset = 0;
        while (offset < data.Length)
        {
            // As PowerShell: up to a header's length, wait for more (it tests Length <= HeaderLength).
            if (data.Length - offset <= Fragment.HeaderLength) return offset;

            // An unreadable fragment is left to the inner defragmenter, which reports it with the exact reason; one
            // whose blob goes on in the next chunk waits for it.
            if (!FragmentCodec.TryRead(data[offset..], _inner.MaxMessageLength, out var fragment, out var consumed, out var error))
            {
                if (error == FragmentError.Truncated) return offset;
                if (lent is null) _inner.Add(data[offset..], ref messages);
                else _inner.Add(data[offset..], lent);
                return data.Length;
            }

            var bytes = data.Slice(offset, consumed);
            offset += consumed;
            if (fragment.IsStart)
            {
                _ignoreOffSyncFragments = false;
                _inner.Reset();
            }
            else if (_inner.IsIdle || fragment.ObjectId != _inner.CurrentObjectId)
            {
                if (OffSync(FragmentError.Interleaved, ObjectIdsNotMatching)) continue;
            }
            else if (fragment.FragmentId != _inner.NextFragmentId)
            {
                if (OffSync(FragmentError.OutOfOrder, FragmentIdsNotInSequence)) continue;
            }

            if (lent is null) _inner.Add(bytes, ref messages);
            else _inner.Add(fragment, lent); // read once: handed over as read
        }

        return data.Length;
    }

    /// <summary>Drops the partial object; true when the fragment is to be skipped, else throws PowerShell's error.</summary>
    private bool OffSync(FragmentError reason, string message)
    {
        _inner.Reset();
        if (!_ignoreOffSyncFragments) throw new FragmentException(reason, message);
        DiscardedFragments++;
        return true;
    }
}
