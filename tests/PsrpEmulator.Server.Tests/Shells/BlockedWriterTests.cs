using System.Threading.Channels;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// BufferMode Block in the output buffer itself: writers wait while it is full, move in oldest first as Receives make
/// room (never past the capacity), and a stream that ends or a cancelled wait ends a waiting writer without its message.
/// </summary>
public class BlockedWriterTests
{
    private static readonly Guid Pool = Guid.Parse("8d4a5d8e-1b4c-4a39-9b6f-5a0c1e2f3a4b");
    private static readonly Guid PipelineId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private const int Large = 512_000;

    private static OutboundMessage Outbound(ulong objectId)
    {
        var message = PsrpMessage.EncodeStringOutput(PsrpDestination.Client, Pool, PipelineId, ["obj ", objectId.ToString(System.Globalization.CultureInfo.InvariantCulture)], headroom: Fragment.HeaderLength)!;
        return new OutboundMessage(objectId, PsrpMessageType.PipelineOutput, message, headroom: Fragment.HeaderLength);
    }

    // A Receive's budget with room for exactly one message as long as this one's (sent as one fragment of its own).
    private static int OneMessage(ulong like = 1) => Fragment.HeaderLength + Outbound(like).Length + OutputStream.StreamElementCost;

    private static ulong[] Receive(OutputStream stream, int budget = Large)
    {
        var batch = stream.TryReceiveNow(budget, Large, []);
        if (batch is null) return [];
        // Each element as sent (a run of a slab's messages split at their fragments' headers).
        return new ShellStreamBatch("stdout", null, batch.Fragments, batch.Count).Select(f => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(f.Header.IsEmpty ? f.Data.Span : f.Header.Span)).ToArray();
    }

    private static OutputStream Full(int capacity)
    {
        var stream = new OutputStream(capacity);
        for (ulong id = 1; id <= (ulong)capacity; id++) Assert.That(stream.TryWrite(Outbound(id)), Is.True);
        Assert.That(stream.TryWrite(Outbound(99)), Is.False, "the buffer is full");
        return stream;
    }

    [Test]
    public async Task Writers_waiting_for_room_move_in_oldest_first_one_per_message_taken_and_never_past_the_capacity()
    {
        var stream = Full(2);
        var third = stream.WriteAsync(Outbound(3), CancellationToken.None).AsTask();
        var fourth = stream.WriteAsync(Outbound(4), CancellationToken.None).AsTask();
        var fifth = stream.WriteAsync(Outbound(5), CancellationToken.None).AsTask();

        Assert.That(Receive(stream, OneMessage()), Is.EqualTo(new ulong[] { 1 }));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(stream.BufferedCount, Is.EqualTo(2), "one message out, the oldest waiting one in");
        Assert.That(fourth.IsCompleted || fifth.IsCompleted, Is.False, "no room for the others yet");

        Assert.That(Receive(stream, OneMessage()), Is.EqualTo(new ulong[] { 2 }));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(fifth.IsCompleted, Is.False);
        Assert.That(stream.BufferedCount, Is.EqualTo(2));

        // A Receive with room for everything carries the last waiting message too: it moves in as the others go out.
        Assert.That(Receive(stream), Is.EqualTo(new ulong[] { 3, 4, 5 }));
        await fifth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(stream.BufferedCount, Is.Zero);
    }

    [Test]
    public async Task A_writer_resumed_by_a_Receive_can_fill_the_room_left_and_then_waits_again()
    {
        var stream = Full(3);
        var waiting = stream.WriteAsync(Outbound(4), CancellationToken.None).AsTask();

        Assert.That(Receive(stream, 2 * OneMessage()), Is.EqualTo(new ulong[] { 1, 2 }));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        // Two taken, one waiting message moved in: one place is left for the resumed writer, and no more.
        Assert.That(stream.TryWrite(Outbound(5)), Is.True);
        Assert.That(stream.TryWrite(Outbound(6)), Is.False);
        var next = stream.WriteAsync(Outbound(6), CancellationToken.None).AsTask();
        Assert.That(next.IsCompleted, Is.False);

        Assert.That(Receive(stream), Is.EqualTo(new ulong[] { 3, 4, 5, 6 }));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Writers_racing_Receives_lose_nothing_and_keep_each_writer_s_order()
    {
        // Two writers on other threads against a buffer of 4 and Receives of one or two messages (all of one length,
        // each whole in a Receive): every message arrives once, each writer's in the order it wrote them, and the
        // buffer never holds more than its capacity.
        const int PerWriter = 2000;
        var stream = new OutputStream(4);
        async Task WriteAll(ulong first)
        {
            await Task.Yield();
            for (var i = 0UL; i < PerWriter; i++)
            {
                var message = Outbound(first + i);
                if (!stream.TryWrite(message)) await stream.WriteAsync(message, CancellationToken.None);
            }
        }

        var writers = Task.WhenAll(Task.Run(() => WriteAll(1_000_001)), Task.Run(() => WriteAll(2_000_001)));
        var received = new List<ulong>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var round = 0; received.Count < 2 * PerWriter; round++)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the writers stopped before writing everything");
            Assert.That(stream.BufferedCount, Is.LessThanOrEqualTo(4));
            var taken = Receive(stream, (1 + round % 2) * OneMessage(1_000_001));
            if (taken.Length == 0) await Task.Yield();
            received.AddRange(taken);
        }

        await writers.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(received.Where(id => id < 2_000_001), Is.EqualTo(Enumerable.Range(1_000_001, PerWriter).Select(i => (ulong)i)));
        Assert.That(received.Where(id => id >= 2_000_001), Is.EqualTo(Enumerable.Range(2_000_001, PerWriter).Select(i => (ulong)i)));
    }

    [Test]
    public async Task Completing_the_stream_ends_waiting_writers_and_their_messages_are_never_sent()
    {
        var stream = Full(1);
        var waiting = stream.WriteAsync(Outbound(2), CancellationToken.None).AsTask();

        stream.Complete(null);

        Assert.That(async () => await waiting.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<ChannelClosedException>());
        Assert.That(Receive(stream), Is.EqualTo(new ulong[] { 1 }));
        Assert.That(stream.IsCompleted, Is.True);
    }

    [Test]
    public async Task A_cancelled_writer_leaves_its_message_out_and_the_next_waiting_writer_takes_the_room()
    {
        var stream = Full(1);
        using var stop = new CancellationTokenSource();
        var cancelled = stream.WriteAsync(Outbound(2), stop.Token).AsTask();
        var next = stream.WriteAsync(Outbound(3), CancellationToken.None).AsTask();

        await stop.CancelAsync();

        Assert.That(async () => await cancelled.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Receive(stream, OneMessage()), Is.EqualTo(new ulong[] { 1 }));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Receive(stream), Is.EqualTo(new ulong[] { 3 }));
    }
}
