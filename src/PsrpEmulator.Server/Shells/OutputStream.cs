using System.Threading.Channels;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Shells;

/// <summary>A PSRP message waiting to be received, with how much of it has been sent already.</summary>
/// <remarks>
/// The message is <paramref name="buffer"/> after its first <paramref name="headroom"/> bytes: with room for a fragment
/// header there, the first fragment is the buffer itself (header written in front of the data), not a copy.
/// </remarks>
internal sealed class OutboundMessage(ulong objectId, PsrpMessageType type, byte[] buffer, bool startsNewBatch = false, int headroom = 0)
{
    public ulong ObjectId { get; } = objectId;
    public PsrpMessageType Type { get; } = type;
    public byte[] Buffer { get; } = buffer;
    public int Headroom { get; } = headroom;

    /// <summary>Length of the message.</summary>
    public int Length => Buffer.Length - Headroom;

    public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(Headroom);

    /// <summary>When set, a Receive that already carries data stops before this message (mirrors Windows' batching).</summary>
    public bool StartsNewBatch { get; } = startsNewBatch;

    public int Sent { get; set; }
    public ulong NextFragmentId { get; set; }
}

/// <summary>
/// One fragment as sent: <paramref name="Header"/> (empty, or the 21-byte fragment header) followed by
/// <paramref name="Data"/> (the encoded fragment, or with a header: a slice of its message, not copied).
/// </summary>
internal readonly record struct OutboundFragment(ReadOnlyMemory<byte> Header, ReadOnlyMemory<byte> Data)
{
    public int Length => Header.Length + Data.Length;
}

/// <summary>What one Receive takes out of a stream.</summary>
internal sealed record ReceiveBatch(IReadOnlyList<OutboundFragment> Fragments, IReadOnlyList<PsrpMessageType> MessageTypes, bool Completed);

/// <summary>
/// The server-to-client buffer of one pool or pipeline: a queue of whole messages (bounded for pipelines:
/// Block waits when full), fragmented on the way out to fit the client's envelope. Whatever a Receive takes is
/// consumed: it is never replayed to another client. A terminal message (PIPELINE_STATE) bypasses the bound and
/// is always sent last.
/// </summary>
internal sealed class OutputStream : ReceiveGate
{
    /// <summary>
    /// Each fragment travels in its own rsp:Stream element (about 90 bytes of XML with the CommandId), counted here
    /// in raw bytes (3 per 4 characters) so that many small fragments still fit the client's MaxEnvelopeSize.
    /// </summary>
    internal const int StreamElementCost = 96;

    // Messages the buffer holds before writers wait; -1: unbounded (a pool's).
    private readonly int _capacity;
    // This buffer is its own gate; its monitor guards the fields below, as the gate's own.
    private ReceiveGate Gate => this;

    // Guarded by Gate's monitor. The queue exists only while something is buffered: a drained buffer keeps no
    // array (thousands of idle disconnected shells hold no grown capacity).
    private Queue<OutboundMessage>? _queue;
    private bool _completed;
    private List<(OutboundMessage Message, TaskCompletionSource Written)>? _blocked;
    private OutboundMessage? _partial;
    private OutboundMessage? _final;
    private bool _finalSent;

    public OutputStream(int? capacity) => _capacity = capacity ?? -1;

    public bool IsCompleted => _finalSent && _partial is null;

    /// <summary>
    /// Buffers a message; waits while a bounded buffer is full (BufferMode Block). A waiting message moves into the
    /// buffer the moment a Receive takes one out, so that same Receive can carry it (as Windows does).
    /// </summary>
    public async ValueTask WriteAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        TaskCompletionSource written;
        lock (Gate)
        {
            if (_completed) throw new ChannelClosedException();
            if (!IsFull)
            {
                Enqueue(message);
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_blocked ??= []).Add((message, written));
        }

        using (cancellationToken.Register(() =>
        {
            lock (Gate)
            {
                // Not moved in yet: the message is not written.
                if (_blocked is { } blocked && blocked.RemoveAll(b => b.Written == written) > 0) written.TrySetCanceled(cancellationToken);
            }
        }))
        {
            await written.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Buffers without waiting; false when full or completed.</summary>
    public bool TryWrite(OutboundMessage message)
    {
        lock (Gate)
        {
            if (_completed || IsFull) return false;
            Enqueue(message);
            return true;
        }
    }

    /// <summary>Discards the oldest buffered message (BufferMode Drop); false when there is none.</summary>
    public bool TryDiscardOldest(out OutboundMessage? discarded)
    {
        lock (Gate)
        {
            discarded = TryDequeue();
            return discarded is not null;
        }
    }

    /// <summary>
    /// A connecting client cannot use the rest of a message another connection half received (PowerShell drops
    /// partial fragments on connect): that message is sent again from its first fragment.
    /// </summary>
    public Task RestartPartialMessageAsync() => Gate.RunExclusiveAsync(() =>
    {
        if (_partial is { Sent: > 0 } partial)
        {
            partial.Sent = 0;
            partial.NextFragmentId = 0;
        }
    });

    /// <summary>Throws away everything buffered that is not the final message (stale pool replies for a previous client).</summary>
    public Task ClearAsync() => Gate.RunExclusiveAsync(() =>
    {
        lock (Gate)
        {
            _partial = null;
            _queue = null;
            // Messages waiting for room would have moved in and been discarded with the rest.
            foreach (var (_, written) in _blocked ?? []) written.TrySetResult();
            _blocked = null;
        }
    });

    /// <summary>Messages buffered and not yet taken by a Receive.</summary>
    public int BufferedCount
    {
        get
        {
            lock (Gate) return (_queue?.Count ?? 0) + (_partial is null ? 0 : 1);
        }
    }

    /// <summary>Ends the stream; <paramref name="final"/> is sent after everything already buffered.</summary>
    public void Complete(OutboundMessage? final)
    {
        lock (Gate)
        {
            if (!_completed)
            {
                _final = final;
                if (final is null) _finalSent = true;
                _completed = true;
            }

            // Writers still waiting for room find the stream closed.
            foreach (var (_, written) in _blocked ?? []) written.TrySetException(new ChannelClosedException());
            _blocked = null;
        }

        Publish();
    }

    // Publish (the gate's) wakes a waiting Receive. Writers publish when they stop writing for a while (the behaviour
    // sleeps, waits for input or for room, or ends), so one Receive carries everything a burst wrote, as on Windows,
    // instead of racing the burst and returning its first object alone.

    /// <summary>
    /// Waits for published data (or completion) until <paramref name="hold"/> is cancelled, then takes fragments up
    /// to <paramref name="budget"/> encoded bytes. Returns null when nothing arrived within the hold.
    /// </summary>
    public Task<ReceiveBatch?> ReceiveAsync(int budget, int maxFragmentLength, CancellationToken hold) =>
        Gate.ReceiveAsync(HasPending, () => Take(budget, maxFragmentLength), hold);

    /// <summary>
    /// What <see cref="ReceiveAsync"/> would take at once when data is waiting and no other Receive holds the
    /// buffer; null otherwise (then wait with <see cref="ReceiveAsync"/>). Lets a Receive with data waiting answer
    /// without setting up its hold (timer, linked tokens) or any await.
    /// </summary>
    public ReceiveBatch? TryReceiveNow(int budget, int maxFragmentLength)
    {
        if (!TryEnter()) return null;
        try
        {
            return HasPending() ? Take(budget, maxFragmentLength) : null;
        }
        finally
        {
            Exit();
        }
    }

    private bool IsFull => _capacity >= 0 && _queue is { } q && q.Count >= _capacity;

    private void Enqueue(OutboundMessage message) => (_queue ??= new Queue<OutboundMessage>()).Enqueue(message);

    private OutboundMessage? TryDequeue()
    {
        if (_queue is not { } queue || !queue.TryDequeue(out var message)) return null;
        // Drained: let the grown array go.
        if (queue.Count == 0) _queue = null;
        SignalRoom();
        return message;
    }

    // Room was made: writers waiting for it move their messages in, oldest first.
    private void SignalRoom()
    {
        while (_blocked is { Count: > 0 } blocked && !IsFull)
        {
            var (message, written) = blocked[0];
            blocked.RemoveAt(0);
            if (_completed)
            {
                written.TrySetException(new ChannelClosedException());
                continue;
            }

            Enqueue(message);
            written.TrySetResult();
        }

        if (_blocked is { Count: 0 }) _blocked = null;
    }

    private const int ChunkSize = 32 * 1024;
    private const int FirstChunkSize = 2 * 1024;

    private static int EncodedLength(int length, int maxFragmentLength)
    {
        var perFragment = maxFragmentLength - Fragment.HeaderLength;
        var fragments = Math.Max(1, (length + perFragment - 1) / perFragment);
        return length + fragments * (Fragment.HeaderLength + StreamElementCost);
    }

    private bool HasPending()
    {
        lock (Gate) return _partial is not null || _queue is { Count: > 0 } || (_completed && !_finalSent);
    }

    private ReceiveBatch Take(int budget, int maxFragmentLength)
    {
        var fragments = new List<OutboundFragment>();
        // Fragments are encoded into shared chunks (slices, not an array each): a response of small objects
        // carries thousands of them. Chunks stay below the large object heap unless a fragment needs more.
        byte[] chunk = [];
        var chunkUsed = 0;
        // The first chunk is small and each next one twice as large (up to ChunkSize): most Receives carry a message
        // or two (a state, one output), and a whole chunk for each was most of what a small Receive allocated.
        var nextChunk = FirstChunkSize;
        var types = new List<PsrpMessageType>();
        var used = 0;
        // Only the Receive holding the gate takes: the monitor is held per message, not per batch, so a behaviour
        // writing meanwhile is not held up while fragments are encoded.
        while (true)
        {
            var message = _partial;
            if (message is null)
            {
                lock (Gate)
                {
                    if (_queue is { Count: > 0 } queue)
                    {
                        if (queue.Peek().StartsNewBatch && fragments.Count > 0) break;
                        message = TryDequeue();
                    }
                    else if (_completed && !_finalSent)
                    {
                        message = _final;
                        _finalSent = true;
                    }
                }
            }

            if (message is null) break;

            // Like Windows, a response carries whole messages; a message starts in a response that already has data
            // only if all of it fits there. One larger than a whole envelope is split across responses.
            if (message.Sent == 0 && fragments.Count > 0 && EncodedLength(message.Length, maxFragmentLength) > budget - used)
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

            var length = Math.Min(room, message.Length - message.Sent);
            var isStart = message.Sent == 0;
            var isEnd = message.Sent + length == message.Length;
            var fragment = new Fragment(message.ObjectId, message.NextFragmentId, isStart, isEnd, message.Bytes.Slice(message.Sent, length));
            var size = fragment.EncodedLength;
            OutboundFragment encoded;
            if (isStart && isEnd && size > ChunkSize / 4 && message.Headroom >= Fragment.HeaderLength)
            {
                // A large message in one fragment: its header goes into the room left in front of the message, no
                // copy. Only a whole message: its header is the same whenever it is written.
                var at = message.Headroom - Fragment.HeaderLength;
                FragmentCodec.WriteHeader(message.Buffer.AsSpan(at, Fragment.HeaderLength), fragment);
                encoded = new OutboundFragment(default, message.Buffer.AsMemory(at, size));
            }
            else if (length > ChunkSize / 4)
            {
                // A large fragment of a longer message: its header in the chunk, its data the message's own bytes
                // (the envelope writer encodes both into one rsp:Stream), not copied.
                var header = Reserve(ref chunk, ref chunkUsed, ref nextChunk, Fragment.HeaderLength, budget);
                FragmentCodec.WriteHeader(header.Span, fragment);
                encoded = new OutboundFragment(header, fragment.Blob);
            }
            else
            {
                var into = Reserve(ref chunk, ref chunkUsed, ref nextChunk, size, budget);
                FragmentCodec.Write(into.Span, fragment);
                encoded = new OutboundFragment(default, into);
            }

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

        // The next size bytes of the shared chunk (a new chunk when they do not fit).
        static Memory<byte> Reserve(ref byte[] chunk, ref int chunkUsed, ref int nextChunk, int size, int budget)
        {
            if (chunk.Length - chunkUsed < size)
            {
                // Not zeroed: only the bytes written into a slice are ever sent.
                chunk = GC.AllocateUninitializedArray<byte>(Math.Max(Math.Min(nextChunk, budget), size));
                chunkUsed = 0;
                nextChunk = Math.Min(nextChunk * 2, ChunkSize);
            }

            var into = chunk.AsMemory(chunkUsed, size);
            chunkUsed += size;
            return into;
        }
    }
}
