using System.Buffers;
using System.Threading.Channels;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// What an <see cref="OutputStream"/>'s queue links: a message of its own, or a slab of small ones. A pooled node's
/// bytes go back to their pool only once the buffer has let go of the node and every response holding a slice of it
/// was written; other nodes keep no count (idle shells hold some: no field is added to them for it).
/// </summary>
internal abstract class BufferedNode
{
    /// <summary>While queued: the next newer node (the newest: the oldest, the queue is a ring).</summary>
    public BufferedNode? Next { get; set; }

    /// <summary>Whether the bytes go back to a pool (then each slice taken is <see cref="Lend"/>ed and released).</summary>
    public virtual bool IsPooled => false;

    /// <summary>A slice of the bytes goes out in a response (under the buffer's lock, before the buffer lets go of it).</summary>
    public virtual void Lend()
    {
    }

    /// <summary>The response with a slice of the bytes was written (or given up): it no longer reads them.</summary>
    public virtual void Release()
    {
    }

    /// <summary>The buffer let go of the node (sent, drained, discarded or cleared): nothing more is written into it or lent.</summary>
    public virtual void Unlink()
    {
    }
}

/// <summary>
/// The count a pooled node keeps: slices lent out (Receives whose responses hold slices of its bytes) plus a flag once
/// the buffer has let go of it. The array goes back exactly once, at the last of the unlink and the releases of the
/// slices lent before it; a node dropped with slices never released (a Receive that failed before its response was
/// written) is left to the GC, never recycled early.
/// </summary>
internal static class PooledHolds
{
    private const int UnlinkedFlag = 1 << 30;

    public static void Lend(ref int holds) => Interlocked.Increment(ref holds);

    /// <summary>True when the array is to go back now.</summary>
    public static bool Release(ref int holds) => Interlocked.Decrement(ref holds) == UnlinkedFlag;

    /// <summary>True when the array is to go back now.</summary>
    public static bool Unlink(ref int holds) => Interlocked.Add(ref holds, UnlinkedFlag) == UnlinkedFlag;
}

/// <summary>
/// Small messages written back to back into one array, each as the one fragment it is sent as (the fragment header,
/// then the message): what a busy buffer holds is a few large arrays rather than an object and an array per message,
/// which the GC had to promote and mark while the behaviour ran ahead of the Receives. Taken messages are a slice of
/// the array (no copy; the messages of a slab that fit a Receive go out as one run); the bytes of a message never
/// change once written, and a pooled array is reused only after every response holding a slice of it was written.
/// </summary>
internal sealed class MessageSlab : BufferedNode
{
    private readonly ArrayPool<byte>? _pool;
    private int _holds;

    /// <summary>A slab of <paramref name="size"/> bytes, rented from <paramref name="pool"/> (if any) and given back once drained and no response holds it.</summary>
    public MessageSlab(int size, ArrayPool<byte>? pool = null)
    {
        _pool = pool;
        Bytes = pool is not null ? pool.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
    }

    public override bool IsPooled => _pool is not null;

    public override void Lend() => PooledHolds.Lend(ref _holds);

    public override void Release()
    {
        if (PooledHolds.Release(ref _holds)) _pool?.Return(Bytes);
    }

    public override void Unlink()
    {
        if (PooledHolds.Unlink(ref _holds)) _pool?.Return(Bytes);
    }

    /// <summary>Where a message's type is, from its fragment's start: after the fragment header and the destination.</summary>
    public const int TypeOffset = Fragment.HeaderLength + 4;

    public byte[] Bytes { get; }

    /// <summary>Bytes written.</summary>
    public int End { get; private set; }

    // What the slab's messages have in common, noted as they are written: a Receive with room for all of them takes
    // the slab whole without reading each one's header (written by the behaviour on the other core, every header read
    // was a cache miss, one after the other since each gives the next one's place).
    private PsrpMessageType _type;
    private bool _mixedTypes;

    /// <summary>The longest fragment written into the slab.</summary>
    public int MaxLength { get; private set; }

    /// <summary>The type of every message written into the slab; false when they differ.</summary>
    public bool HasOneType(out PsrpMessageType type)
    {
        type = _type;
        return !_mixedTypes;
    }

    /// <summary>A fragment of <paramref name="length"/> bytes, a message of <paramref name="type"/>, was written at <see cref="End"/>.</summary>
    public void Written(int length, PsrpMessageType type)
    {
        if (Count++ == 0 && End == 0) _type = type;
        else if (type != _type) _mixedTypes = true;
        End += length;
        MaxLength = Math.Max(MaxLength, length);
    }

    /// <summary>Where the oldest message not yet taken starts.</summary>
    public int Start { get; set; }

    /// <summary>Messages between <see cref="Start"/> and <see cref="End"/>.</summary>
    public int Count { get; set; }

    public int Room => Bytes.Length - End;

    /// <summary>The length of the fragment (header and message) at <see cref="Start"/>.</summary>
    public int FirstLength => Fragment.EncodedLengthAt(Bytes.AsSpan(Start));

    public ulong FirstObjectId => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(Bytes.AsSpan(Start));

    public PsrpMessageType FirstType => (PsrpMessageType)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(Start + TypeOffset));

    /// <summary>The fragment of the oldest message, now taken.</summary>
    public ReadOnlyMemory<byte> TakeFirst()
    {
        var length = FirstLength;
        var taken = Bytes.AsMemory(Start, length);
        Start += length;
        Count--;
        return taken;
    }
}

/// <summary>A PSRP message waiting to be received, with how much of it has been sent already.</summary>
/// <remarks>
/// The message is <paramref name="buffer"/> after its first <paramref name="headroom"/> bytes: with room for a fragment
/// header there, the first fragment is the buffer itself (header written in front of the data), not a copy.
/// </remarks>
internal class OutboundMessage(ulong objectId, PsrpMessageType type, byte[] buffer, bool startsNewBatch = false, int headroom = 0) : BufferedNode
{
    public ulong ObjectId { get; } = objectId;
    public PsrpMessageType Type { get; } = type;
    public byte[] Buffer { get; } = buffer;
    public int Headroom { get; } = headroom;

    /// <summary>Length of the message.</summary>
    public virtual int Length => Buffer.Length - Headroom;

    public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(Headroom, Length);

    /// <summary>When set, a Receive that already carries data stops before this message (mirrors Windows' batching).</summary>
    public bool StartsNewBatch { get; } = startsNewBatch;

    public int Sent { get; set; }
    public ulong NextFragmentId { get; set; }
}

/// <summary>
/// A message that is the first <paramref name="length"/> bytes after the headroom of an array rented from
/// <paramref name="pool"/>, which takes it back once the message was sent whole (or discarded) and every response
/// holding a slice of it was written.
/// </summary>
internal sealed class PooledOutboundMessage(ulong objectId, PsrpMessageType type, byte[] buffer, int headroom, int length, ArrayPool<byte> pool)
    : OutboundMessage(objectId, type, buffer, headroom: headroom)
{
    private int _holds;

    public override int Length { get; } = length;

    public override bool IsPooled => true;

    public override void Lend() => PooledHolds.Lend(ref _holds);

    public override void Release()
    {
        if (PooledHolds.Release(ref _holds)) pool.Return(Buffer);
    }

    public override void Unlink()
    {
        if (PooledHolds.Unlink(ref _holds)) pool.Return(Buffer);
    }
}

/// <summary>
/// What one Receive takes out of a stream: the first <see cref="Count"/> of <see cref="Fragments"/>, each
/// a fragment as sent (Header empty, or the 21-byte fragment header in front of a slice of its message) or a run of
/// whole fragments from a slab (<see cref="ShellStreamContent.FragmentRun"/>).
/// </summary>
internal sealed class ReceiveBatch(ShellStreamContent[] fragments, int count, bool completed, BufferedNode[] lent, int lentCount)
{
    private BufferedNode[]? _lent = lentCount > 0 ? lent : null;

    public ShellStreamContent[] Fragments { get; } = fragments;

    public int Count { get; } = count;

    public bool Completed { get; } = completed;

    /// <summary>
    /// The response made of <see cref="Fragments"/> was written (or will not be): the pooled slabs its runs are
    /// slices of may be reused once drained. Only once; not calling it only leaves those slabs to the GC.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _lent, null) is not { } lent) return;
        foreach (var node in lent.AsSpan(0, lentCount)) node.Release();
    }
}

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

    /// <summary>
    /// Messages whose fragment (header included) is at most this long wait in slabs; a longer one keeps its own array
    /// (sent without a copy, its header written into the room in front of it).
    /// </summary>
    internal const int SlabMessageLimit = ChunkSize / 4;

    // Slabs start small (a pipeline writing one object, thousands of idle shells) and double while the buffer
    // fills, from this up to the largest (below the large object heap).
    private const int FirstSlabSize = 512;
    private const int MaxSlabSize = 32 * 1024;

    // Messages the buffer holds before writers wait; -1: unbounded (a pool's).
    private readonly int _capacity;
    // This buffer is its own gate; its monitor guards the fields below, as the gate's own.
    private ReceiveGate Gate => this;

    // Guarded by Gate's monitor. The queue: nodes in a ring, _tail the newest and _tail.Next the oldest (one field for
    // both ends: thousands of idle shells each have two buffers), _count messages in them. A drained buffer keeps no
    // node (idle disconnected shells hold no slab).
    private BufferedNode? _tail;
    private int _count;
    private bool _completed;
    private List<(OutboundMessage Message, TaskCompletionSource Written)>? _blocked;
    private OutboundMessage? _partial;
    private OutboundMessage? _final;
    private bool _finalSent;

    // The largest slabs' arrays, shared by all buffers: up to 8 MB kept by a process that streamed many small objects
    // (the shared array pool keeps 32 per core, a fraction of what a buffer running ahead of its Receives holds).
    private static readonly ArrayPool<byte> SlabPool = new SlabArrayPool(MaxSlabSize, 256);

    // Where the largest slabs come from (tests watch it).
    private readonly ArrayPool<byte> _slabPool;

    // Where the arrays of string outputs too long for a slab come from, and those of the slabs between the first and
    // the largest (tests watch it).
    private readonly ArrayPool<byte> _messagePool;

    public OutputStream(int? capacity, ArrayPool<byte>? slabPool = null, ArrayPool<byte>? messagePool = null)
    {
        _capacity = capacity ?? -1;
        _slabPool = slabPool ?? SlabPool;
        _messagePool = messagePool ?? ArrayPool<byte>.Shared;
    }

    /// <summary>
    /// The PIPELINE_OUTPUT of a string too long for a slab (<paramref name="messageLength"/> from
    /// <see cref="PsrpMessage.StringOutputLength(ReadOnlySpan{string?}, bool)"/>, not -1), written into a pooled array
    /// that goes back once the message was sent whole and the responses holding it were written: a fresh array per
    /// object cost the page faults of new large-object-heap memory on every large output, in the emulator and again in
    /// the GC. Not buffered yet: write it as any message.
    /// </summary>
    public OutboundMessage RentStringOutput(ulong objectId, Guid runspacePoolId, Guid pipelineId, ReadOnlySpan<string?> pieces, int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLength);
        var buffer = _messagePool.Rent(Fragment.HeaderLength + messageLength);
        try
        {
            PsrpMessage.WriteStringOutput(buffer.AsSpan(Fragment.HeaderLength, messageLength), PsrpDestination.Client, runspacePoolId, pipelineId, pieces);
        }
        catch
        {
            _messagePool.Return(buffer);
            throw;
        }

        return new PooledOutboundMessage(objectId, PsrpMessageType.PipelineOutput, buffer, Fragment.HeaderLength, messageLength, _messagePool);
    }

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

    /// <summary>
    /// Buffers the PIPELINE_OUTPUT of a string made of <paramref name="pieces"/>, written straight into a slab
    /// (<paramref name="messageLength"/> is <see cref="PsrpMessage.StringOutputLength"/>, not -1): no array of its
    /// own. False when full or completed, or when the message is too long for a slab: then write it as an
    /// <see cref="OutboundMessage"/>.
    /// </summary>
    public bool TryWriteStringOutput(ulong objectId, Guid runspacePoolId, Guid pipelineId, ReadOnlySpan<string?> pieces, int messageLength)
    {
        var length = Fragment.HeaderLength + messageLength;
        if (length > SlabMessageLimit) return false;
        lock (Gate)
        {
            if (_completed || IsFull) return false;
            var slab = SlabWithRoom(length);
            var into = slab.Bytes.AsSpan(slab.End, length);
            PsrpMessage.WriteStringOutput(into[Fragment.HeaderLength..], PsrpDestination.Client, runspacePoolId, pipelineId, pieces);
            CommitToSlab(slab, objectId, length);
            return true;
        }
    }

    /// <summary>Discards the oldest buffered message (BufferMode Drop); false when there is none.</summary>
    public bool TryDiscardOldest(out PsrpMessageType discarded)
    {
        lock (Gate)
        {
            switch (Head)
            {
                case MessageSlab slab:
                    discarded = slab.FirstType;
                    slab.TakeFirst();
                    Taken(slab);
                    return true;
                case OutboundMessage message:
                    discarded = message.Type;
                    Taken(message);
                    message.Unlink(); // never lent: queued messages have sent nothing
                    return true;
                default:
                    discarded = default;
                    return false;
            }
        }
    }

    /// <summary>Whether writers wait for room (BufferMode Block, or Drop while a client was connected).</summary>
    public bool HasBlockedWriters
    {
        get
        {
            lock (Gate) return _blocked is { Count: > 0 };
        }
    }

    /// <summary>
    /// Discards the message of the first writer waiting for room, which goes on as if it was written (BufferMode Drop,
    /// Newest policy, on a disconnect); false when no writer waits.
    /// </summary>
    public bool TryDiscardBlocked(out PsrpMessageType discarded)
    {
        lock (Gate)
        {
            if (_blocked is not { Count: > 0 } blocked)
            {
                discarded = default;
                return false;
            }

            var (message, written) = blocked[0];
            blocked.RemoveAt(0);
            if (blocked.Count == 0) _blocked = null;
            discarded = message.Type;
            message.Unlink(); // never buffered: a pooled array goes back now
            written.TrySetResult();
            return true;
        }
    }

    /// <summary>
    /// A connecting client cannot use the rest of a message another connection half received (PowerShell drops
    /// partial fragments on connect): that message is sent again from its first fragment.
    /// </summary>
    public Task RestartPartialMessageAsync() => Gate.RunExclusiveAsync(RestartPartialMessage);

    private void RestartPartialMessage()
    {
        if (_partial is { Sent: > 0 } partial)
        {
            partial.Sent = 0;
            partial.NextFragmentId = 0;
        }
    }

    /// <summary>
    /// A client connects to this command (Connect or Reconnect with its CommandId): the rest of a half-received message
    /// is sent again whole (<see cref="RestartPartialMessageAsync"/>), and when an earlier connection already took the
    /// command's final state without ending the command (it disconnected before its Signal Terminate), that state is
    /// sent again, so the connecting client learns how the command ended instead of waiting for it for ever. Output is
    /// never sent twice.
    /// </summary>
    public async Task ResumeForConnectingClientAsync()
    {
        await Gate.RunExclusiveAsync(() =>
        {
            lock (Gate)
            {
                RestartPartialMessage();
                if (_finalSent && _partial is null && _final is { } final)
                {
                    final.Sent = 0;
                    final.NextFragmentId = 0;
                    _finalSent = false;
                }
            }
        }).ConfigureAwait(false);
        Publish();
    }

    /// <summary>Throws away everything buffered that is not the final message (stale pool replies for a previous client).</summary>
    public Task ClearAsync() => Gate.RunExclusiveAsync(() =>
    {
        lock (Gate)
        {
            _partial?.Unlink();
            _partial = null;
            // The nodes let go of (their pooled bytes go back once no response holds them).
            for (var node = _tail?.Next; node is not null;)
            {
                var next = node == _tail ? null : node.Next;
                node.Next = null;
                node.Unlink();
                node = next;
            }

            _tail = null;
            _count = 0;
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
            lock (Gate) return _count + (_partial is null ? 0 : 1);
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

            FailBlockedWriters();
        }

        Publish();
    }

    // Writers still waiting for room find the stream closed (under the gate's monitor).
    private void FailBlockedWriters()
    {
        foreach (var (_, written) in _blocked ?? []) written.TrySetException(new ChannelClosedException());
        _blocked = null;
    }

    /// <summary>
    /// Ends the stream with no final message, even one already given to <see cref="Complete"/>: the pipeline's
    /// transport closed. A waiting Receive wakes up to a completed batch (of whatever was still buffered, which the
    /// caller discards).
    /// </summary>
    public void Close()
    {
        lock (Gate)
        {
            _completed = true;
            _final = null;
            _finalSent = false;
            FailBlockedWriters();
        }

        Publish();
    }

    // Publish (the gate's) wakes a waiting Receive. Writers publish when they stop writing for a while (the behaviour
    // sleeps, waits for input or for room, or ends), so one Receive carries everything a burst wrote, as on Windows,
    // instead of racing the burst and returning its first object alone.

    /// <summary>
    /// Waits for published data (or completion) until <paramref name="hold"/> is cancelled, then takes fragments up
    /// to <paramref name="budget"/> encoded bytes, adding the types of the messages they start to
    /// <paramref name="types"/>. Returns null when nothing arrived within the hold.
    /// </summary>
    public Task<ReceiveBatch?> ReceiveAsync(int budget, int maxFragmentLength, Diagnostics.MessageTypeList types, CancellationToken hold) =>
        Gate.ReceiveAsync(HasPending, () => Take(budget, maxFragmentLength, types), hold);

    /// <summary>
    /// What <see cref="ReceiveAsync"/> would take at once when data is waiting and no other Receive holds the
    /// buffer; null otherwise (then wait with <see cref="ReceiveAsync"/>). Lets a Receive with data waiting answer
    /// without setting up its hold (timer, linked tokens) or any await.
    /// </summary>
    public ReceiveBatch? TryReceiveNow(int budget, int maxFragmentLength, Diagnostics.MessageTypeList types)
    {
        if (!TryEnter()) return null;
        try
        {
            return HasPending() ? Take(budget, maxFragmentLength, types) : null;
        }
        finally
        {
            Exit();
        }
    }

    // The oldest node.
    private BufferedNode? Head => _tail?.Next;

    private bool IsFull => _capacity >= 0 && _count >= _capacity;

    private void Enqueue(OutboundMessage message)
    {
        var length = Fragment.HeaderLength + message.Length;
        if (message.StartsNewBatch || length > SlabMessageLimit)
        {
            Link(message);
            _count++;
            return;
        }

        // A small message is copied into a slab: the array it came in is dropped young, not kept while it waits.
        var slab = SlabWithRoom(length);
        message.Bytes.Span.CopyTo(slab.Bytes.AsSpan(slab.End + Fragment.HeaderLength));
        CommitToSlab(slab, message.ObjectId, length);
    }

    private void Link(BufferedNode node)
    {
        if (_tail is null)
        {
            node.Next = node;
        }
        else
        {
            node.Next = _tail.Next;
            _tail.Next = node;
        }

        _tail = node;
    }

    // The tail slab when the next length bytes fit there; a new slab otherwise.
    private MessageSlab SlabWithRoom(int length)
    {
        if (_tail is MessageSlab tail && tail.Room >= length) return tail;
        // Each slab twice the one before it. After a drain (or a message of its own) the first holds just the message:
        // most buffers hold one message or a few at a time (state messages, the pool's replies kept by idle shells).
        var size = _tail is MessageSlab full ? Math.Min(Math.Max(full.Bytes.Length * 2, FirstSlabSize), MaxSlabSize) : length;
        // The largest slabs (what a busy buffer is made of) come from the array pool and go back to it once drained
        // and written: a long stream of small objects reuses a few arrays instead of allocating its bytes again, and
        // the GC does not copy young slabs that a buffer running ahead keeps alive. The ones on the way there (512 B
        // to 16 KB) come from the shared pool: a producer that a Receiver keeps draining (the default 1,000-message
        // buffer, Block mode) starts over after every drain, and made about 32 KB of them per refill, a third of the
        // server's allocations per object streaming 100 B objects. Only the first slab after a drain, sized to its
        // message (what most buffers ever hold), is the GC's.
        var pool = length > size ? null : size == MaxSlabSize ? _slabPool : _tail is MessageSlab ? _messagePool : null;
        var slab = new MessageSlab(Math.Max(size, length), pool);
        Link(slab);
        return slab;
    }

    // The message's fragment header in front of the message just written at the slab's end: it is sent as one
    // fragment whenever it fits a Receive whole (else it is taken out as an OutboundMessage and split).
    private void CommitToSlab(MessageSlab slab, ulong objectId, int length)
    {
        var fragment = slab.Bytes.AsSpan(slab.End, length);
        FragmentCodec.WriteHeader(fragment, new Fragment(objectId, 0, true, true, slab.Bytes.AsMemory(slab.End + Fragment.HeaderLength, length - Fragment.HeaderLength)));
        slab.Written(length, (PsrpMessageType)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(fragment[MessageSlab.TypeOffset..]));
        _count++;
    }

    // The oldest messages (count of them) were taken from node (the head): unlink what is used up and let waiting
    // writers in.
    private void Taken(BufferedNode node, int count = 1)
    {
        _count -= count;
        if (node is not MessageSlab { Count: > 0 })
        {
            // node is the oldest, _tail.Next.
            if (node == _tail) _tail = null;
            else _tail!.Next = node.Next;
            node.Next = null;
            (node as MessageSlab)?.Unlink();
        }

        SignalRoom();
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
        lock (Gate) return _partial is not null || _tail is not null || (_completed && !_finalSent);
    }

    private ReceiveBatch Take(int budget, int maxFragmentLength, Diagnostics.MessageTypeList types)
    {
        var fragments = new FragmentList();
        // Fragments that are not slices of a slab or of their message are encoded into shared chunks (slices, not an
        // array each). Chunks stay below the large object heap unless a fragment needs more.
        byte[] chunk = [];
        var chunkUsed = 0;
        // The first chunk is small and each next one twice as large (up to ChunkSize): most Receives carry a message
        // or two (a state, one output), and a whole chunk for each was most of what a small Receive allocated.
        var nextChunk = FirstChunkSize;
        var used = 0;
        // Only the Receive holding the gate takes: the monitor is held per message (per run of a slab's messages, which
        // are taken without encoding), not per batch, so a behaviour writing meanwhile is not held up while fragments
        // are encoded.
        while (true)
        {
            var message = _partial;
            if (message is null)
            {
                lock (Gate)
                {
                    if (Head is MessageSlab slab)
                    {
                        // Whole in this envelope as one fragment: the slab's bytes are the fragment as sent. Taking one
                        // is a few reads, so the slab's messages that fit go under this one lock, and out as one run
                        // (a slice of the slab; the envelope writer splits it at the fragments' headers).
                        if (slab.HasOneType(out var type) && slab.MaxLength <= maxFragmentLength &&
                            slab.End - slab.Start + ((long)slab.Count * StreamElementCost) <= budget - used)
                        {
                            // All of it fits (each message then fits after the ones before it, as the walk below checks
                            // one by one): taken whole, its headers left to the envelope writer, which reads the
                            // messages anyway.
                            var count = slab.Count;
                            types.Add(type, count);
                            fragments.Add(ShellStreamContent.FragmentRun(new ReadOnlyMemory<byte>(slab.Bytes, slab.Start, slab.End - slab.Start), count), _count - count);
                            if (slab.IsPooled) fragments.Lend(slab);
                            used += slab.End - slab.Start + (count * StreamElementCost);
                            slab.Start = slab.End;
                            slab.Count = 0;
                            Taken(slab, count);
                            continue;
                        }

                        var length = slab.FirstLength;
                        if (length <= Math.Min(budget - used - StreamElementCost, maxFragmentLength))
                        {
                            // The slab's fields in locals while its messages are walked (the same reads as FirstLength,
                            // FirstType and TakeFirst).
                            var bytes = slab.Bytes;
                            var runStart = slab.Start;
                            var start = runStart;
                            var taken = 0;
                            while (true)
                            {
                                types.Add((PsrpMessageType)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(start + MessageSlab.TypeOffset)));
                                start += length;
                                used += length + StreamElementCost;
                                if (++taken == slab.Count) break;
                                length = Fragment.EncodedLengthAt(bytes.AsSpan(start));
                                if (length > Math.Min(budget - used - StreamElementCost, maxFragmentLength)) break;
                            }

                            fragments.Add(ShellStreamContent.FragmentRun(new ReadOnlyMemory<byte>(bytes, runStart, start - runStart), taken), _count - taken);
                            if (slab.IsPooled) fragments.Lend(slab);
                            slab.Start = start;
                            slab.Count -= taken;
                            Taken(slab, taken);
                            continue;
                        }

                        // Not in this envelope at all (the rule below: a message starts in a response that already
                        // has data only if all of it fits): it stays in the slab, counted against the capacity, for
                        // the next Receive. Taking it out here copied it and let a waiting writer past the capacity.
                        if (fragments.Count > 0 && EncodedLength(length - Fragment.HeaderLength, maxFragmentLength) > budget - used) break;

                        // Not whole here: as a message of its own, sent in fragments (or in the next Receive) below.
                        var at = slab.Start;
                        message = new OutboundMessage(slab.FirstObjectId, slab.FirstType, slab.Bytes.AsSpan(at, length).ToArray(), headroom: Fragment.HeaderLength);
                        slab.TakeFirst();
                        Taken(slab);
                    }
                    else if (Head is OutboundMessage queued)
                    {
                        if (queued.StartsNewBatch && fragments.Count > 0) break;
                        // A message that starts in the next response stays queued (and counted): taking it out here
                        // freed its slot for a writer while it still waited, one object past the capacity.
                        if (fragments.Count > 0 && EncodedLength(queued.Length, maxFragmentLength) > budget - used) break;
                        message = queued;
                        Taken(queued);
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

            var take = Math.Min(room, message.Length - message.Sent);
            var isStart = message.Sent == 0;
            var isEnd = message.Sent + take == message.Length;
            var fragment = new Fragment(message.ObjectId, message.NextFragmentId, isStart, isEnd, message.Bytes.Slice(message.Sent, take));
            var size = fragment.EncodedLength;
            ShellStreamContent encoded;
            if (isStart && isEnd && size > ChunkSize / 4 && message.Headroom >= Fragment.HeaderLength)
            {
                // A large message in one fragment: its header goes into the room left in front of the message, no
                // copy. Only a whole message: its header is the same whenever it is written.
                var at = message.Headroom - Fragment.HeaderLength;
                FragmentCodec.WriteHeader(message.Buffer.AsSpan(at, Fragment.HeaderLength), fragment);
                encoded = new ShellStreamContent(default, message.Buffer.AsMemory(at, size));
                if (message.IsPooled) fragments.Lend(message);
            }
            else if (take > ChunkSize / 4)
            {
                // A large fragment of a longer message: its header in the chunk, its data the message's own bytes
                // (the envelope writer encodes both into one rsp:Stream), not copied.
                var header = Reserve(ref chunk, ref chunkUsed, ref nextChunk, Fragment.HeaderLength, budget);
                FragmentCodec.WriteHeader(header.Span, fragment);
                encoded = new ShellStreamContent(header, fragment.Blob);
                if (message.IsPooled) fragments.Lend(message);
            }
            else
            {
                var into = Reserve(ref chunk, ref chunkUsed, ref nextChunk, size, budget);
                FragmentCodec.Write(into.Span, fragment);
                encoded = new ShellStreamContent(default, into);
            }

            message.Sent += take;
            message.NextFragmentId++;
            // Read without the lock: only an estimate of what follows.
            fragments.Add(encoded, _count);
            used += encoded.Length + StreamElementCost;
            if (isStart) types.Add(message.Type);
            // A message not yet complete goes on in the next fragment of this same envelope while there is room
            // (Windows sends several fragments of one large object per ReceiveResponse).
            _partial = isEnd ? null : message;
            // Sent whole: the buffer is done with it (a pooled one goes back once the responses holding it are written).
            if (isEnd) message.Unlink();
        }

        return new ReceiveBatch(fragments.Items, fragments.Count, IsCompleted, fragments.Lent, fragments.LentCount);

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

    /// <summary>
    /// The contents of one Receive's elements: few, since a slab's messages go out as one run each (a response of
    /// small objects has a dozen runs, one of large objects a fragment or two, most Receives one message).
    /// </summary>
    private struct FragmentList()
    {
        private ShellStreamContent[] _items = [];

        public int Count { get; private set; }

        public readonly ShellStreamContent[] Items => _items;

        /// <summary>The pooled slabs and messages the items are slices of (one entry per slice).</summary>
        public BufferedNode[] Lent { get; private set; } = [];

        public int LentCount { get; private set; }

        /// <summary>Adds <paramref name="content"/>; the first array has room for up to three of the <paramref name="queued"/> messages after it.</summary>
        public void Add(ShellStreamContent content, int queued)
        {
            if (Count == _items.Length) Array.Resize(ref _items, Count == 0 ? 1 + Math.Clamp(queued, 0, 3) : Count * 2);
            _items[Count++] = content;
        }

        /// <summary>The content just added is a slice of <paramref name="node"/>'s bytes: lent until the batch is released.</summary>
        public void Lend(BufferedNode node)
        {
            node.Lend();
            if (LentCount == Lent.Length)
            {
                var lent = Lent;
                Array.Resize(ref lent, Math.Max(4, LentCount * 2));
                Lent = lent;
            }

            Lent[LentCount++] = node;
        }
    }
}
