using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Psrp;

/// <summary>
/// The client side of one output stream (pool or command): a <see cref="Defragmenter"/> that can be prepared for a
/// stream connect. Like PowerShell's <c>ReceiveDataCollection.PrepareForStreamConnect</c>, a connect or reconnect
/// drops any partly assembled object; the fragments that continue it (no S flag) are then skipped until the next
/// object starts, instead of being reported as a protocol error.
/// </summary>
public sealed class StreamDefragmenter(int maxMessageLength = 10 * 1024 * 1024)
{
    private readonly Defragmenter _inner = new(maxMessageLength);
    private bool _discardUntilStart;

    /// <summary>Fragments skipped because they continued an object begun before the last connect.</summary>
    public int DiscardedFragments { get; private set; }

    /// <summary>Drops partial data; continuation fragments are skipped until an object starts.</summary>
    public void PrepareForStreamConnect()
    {
        _inner.Reset();
        _discardUntilStart = true;
    }

    /// <summary>Decodes one WS-Man stream chunk; see <see cref="Defragmenter.Add"/>.</summary>
    public IReadOnlyList<PsrpMessage> Add(ReadOnlyMemory<byte> data)
    {
        if (_discardUntilStart)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                // An unreadable fragment is left to the inner defragmenter, which reports it with the exact reason.
                if (!FragmentCodec.TryRead(data[offset..], _inner.MaxMessageLength, out var fragment, out var consumed, out _)) break;
                if (fragment.IsStart)
                {
                    _discardUntilStart = false;
                    break;
                }

                DiscardedFragments++;
                offset += consumed;
            }

            data = data[offset..];
            if (data.IsEmpty) return [];
        }

        return _inner.Add(data);
    }
}
