using System.Threading.Channels;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Shells;

/// <summary>A PSRP message waiting to be received, with how much of it has been sent already.</summary>
internal sealed class OutboundMessage(ulong objectId, PsrpMessageType type, byte[] bytes, bool startsNewBatch = false)
{
    public ulong ObjectId { get; } = objectId;
    public PsrpMessageType Type { get; } = type;
    public byte[] Bytes { get; } = bytes;

    /// <summary>When set, a Receive that already carries data stops before this message (mirrors Windows' batching).</summary>
    public bool StartsNewBatch { get; } = startsNewBatch;

    public int Sent { get; set; }
    public ulong NextFragmentId { get; set; }
}

/// <summary>What one Receive takes out of a stream.</summary>
internal sealed record ReceiveBatch(IReadOnlyList<byte[]> Fragments, IReadOnlyList<PsrpMessageType> MessageTypes, bool Completed);

/// <summary>
/// The server-to-client buffer of one pool or pipeline: a channel of whole messages (bounded for pipelines:
/// Block waits when full), fragmented on the way out to fit the client's envelope. Whatever a Receive takes is
/// consumed: it is never replayed to another client. A terminal message (PIPELINE_STATE) bypasses the bound and
/// is always sent last.
/// </summary>
internal sealed class OutputStream
{
    /// <summary>
    /// Each fragment travels in its own rsp:Stream element (about 90 bytes of XML with the CommandId), counted here
    /// in raw bytes (3 per 4 characters) so that many small fragments still fit the client's MaxEnvelopeSize.
    /// </summary>
    internal const int StreamElementCost = 96;

    private readonly Channel<OutboundMessage> _channel;
    private readonly ReceiveGate _gate = new();
    private OutboundMessage? _partial;
    private OutboundMessage? _final;
    private bool _finalSent;

    public OutputStream(int? capacity)
    {
        _channel = capacity is { } c
            ? Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(c) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false, SingleWriter = false })
            : Channel.CreateUnbounded<OutboundMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    }

    public bool IsCompleted => _finalSent && _partial is null;

    /// <summary>Buffers a message; waits while a bounded buffer is full (BufferMode Block).</summary>
    public ValueTask WriteAsync(OutboundMessage message, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Buffers without waiting; false when full or completed.</summary>
    public bool TryWrite(OutboundMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>Discards the oldest buffered message (BufferMode Drop); false when there is none.</summary>
    public bool TryDiscardOldest(out OutboundMessage? discarded)
    {
        var found = _channel.Reader.TryRead(out var message);
        discarded = message;
        return found;
    }

    /// <summary>
    /// A connecting client cannot use the rest of a message another connection half received (PowerShell drops
    /// partial fragments on connect): that message is sent again from its first fragment.
    /// </summary>
    public Task RestartPartialMessageAsync() => _gate.RunExclusiveAsync(() =>
    {
        if (_partial is { Sent: > 0 } partial)
        {
            partial.Sent = 0;
            partial.NextFragmentId = 0;
        }
    });

    /// <summary>Throws away everything buffered that is not the final message (stale pool replies for a previous client).</summary>
    public Task ClearAsync() => _gate.RunExclusiveAsync(() =>
    {
        _partial = null;
        while (_channel.Reader.TryRead(out _))
        {
        }
    });

    /// <summary>Messages buffered and not yet taken by a Receive.</summary>
    public int BufferedCount => _channel.Reader.Count + (_partial is null ? 0 : 1);

    /// <summary>Ends the stream; <paramref name="final"/> is sent after everything already buffered.</summary>
    public void Complete(OutboundMessage? final)
    {
        _final = final;
        if (final is null) _finalSent = true;
        _channel.Writer.TryComplete();
        Publish();
    }

    /// <summary>
    /// Wakes a waiting Receive. Writers publish when they stop writing for a while (the behaviour sleeps, waits for
    /// input or for room, or ends), so one Receive carries everything a burst wrote, as on Windows, instead of
    /// racing the burst and returning its first object alone.
    /// </summary>
    public void Publish() => _gate.Publish();

    /// <summary>
    /// Waits for published data (or completion) until <paramref name="hold"/> is cancelled, then takes fragments up
    /// to <paramref name="budget"/> encoded bytes. Returns null when nothing arrived within the hold.
    /// </summary>
    public Task<ReceiveBatch?> ReceiveAsync(int budget, int maxFragmentLength, CancellationToken hold) =>
        _gate.ReceiveAsync(HasPending, () => Take(budget, maxFragmentLength), hold);

    private static int EncodedLength(int length, int maxFragmentLength)
    {
        var perFragment = maxFragmentLength - Fragment.HeaderLength;
        var fragments = Math.Max(1, (length + perFragment - 1) / perFragment);
        return length + fragments * (Fragment.HeaderLength + StreamElementCost);
    }

    private bool HasPending() => _partial is not null || _channel.Reader.Count > 0 || (_channel.Reader.Completion.IsCompleted && !_finalSent);

    private ReceiveBatch Take(int budget, int maxFragmentLength)
    {
        var fragments = new List<byte[]>();
        var types = new List<PsrpMessageType>();
        var used = 0;
        while (true)
        {
            var message = _partial;
            if (message is null)
            {
                if (_channel.Reader.TryPeek(out var next))
                {
                    if (next.StartsNewBatch && fragments.Count > 0) break;
                    _channel.Reader.TryRead(out message);
                }
                else if (_channel.Reader.Completion.IsCompleted && !_finalSent)
                {
                    message = _final;
                    _finalSent = true;
                }
            }

            if (message is null) break;

            // Like Windows, a response carries whole messages; a message starts in a response that already has data
            // only if all of it fits there. One larger than a whole envelope is split across responses.
            if (message.Sent == 0 && fragments.Count > 0 && EncodedLength(message.Bytes.Length, maxFragmentLength) > budget - used)
            {
                _partial = message;
                break;
            }

            var room = Math.Min(budget - used - StreamElementCost, maxFragmentLength) - Fragment.HeaderLength;
            if (room <= 0)
            {
                // No room left in this envelope: the rest goes with the next Receive.
                _partial = message;
                break;
            }

            var length = Math.Min(room, message.Bytes.Length - message.Sent);
            var isStart = message.Sent == 0;
            var isEnd = message.Sent + length == message.Bytes.Length;
            var fragment = new Fragment(message.ObjectId, message.NextFragmentId, isStart, isEnd, message.Bytes.AsMemory(message.Sent, length));
            var encoded = new byte[fragment.EncodedLength];
            FragmentCodec.Write(encoded, fragment);
            message.Sent += length;
            message.NextFragmentId++;
            fragments.Add(encoded);
            used += encoded.Length + StreamElementCost;
            if (isStart) types.Add(message.Type);
            // A message not yet complete goes on in the next fragment of this same envelope while there is room
            // (Windows sends several fragments of one large object per ReceiveResponse).
            _partial = isEnd ? null : message;
        }

        return new ReceiveBatch(fragments, types, IsCompleted);
    }
}
