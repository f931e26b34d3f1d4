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
/// until the next start fragment; a partial object whose next fragment does come is still completed.</item>
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
        var offset = 0;
        while (offset < data.Length)
        {
            // An unreadable fragment is left to the inner defragmenter, which reports it with the exact reason.
            if (!FragmentCodec.TryRead(data[offset..], _inner.MaxMessageLength, out var fragment, out var consumed, out _))
            {
                if (lent is null) _inner.Add(data[offset..], ref messages);
                else _inner.Add(data[offset..], lent);
                break;
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
