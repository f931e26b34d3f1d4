using System.Buffers;
using System.Runtime.InteropServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// The output buffer of a pipeline: small messages wait in shared slabs as the fragments they are sent as, others as
/// messages of their own. What a Receive takes must be exactly the fragments of the messages in the order they were
/// written, however they were stored.
/// </summary>
public class OutputStreamTests
{
    private static readonly Guid Pool = Guid.Parse("8d4a5d8e-1b4c-4a39-9b6f-5a0c1e2f3a4b");
    private static readonly Guid PipelineId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private const int Large = 512_000;

    private static string[] Pieces(ulong objectId, int padding = 20) => ["obj ", objectId.ToString(System.Globalization.CultureInfo.InvariantCulture), " " + new string('x', padding)];

    // The message as the pipeline would encode it on its own.
    private static byte[] Message(ulong objectId, int padding = 20) =>
        PsrpMessage.EncodeStringOutput(PsrpDestination.Client, Pool, PipelineId, Pieces(objectId, padding))!;

    private static bool WriteString(OutputStream stream, ulong objectId, int padding = 20)
    {
        var pieces = Pieces(objectId, padding);
        return stream.TryWriteStringOutput(objectId, Pool, PipelineId, pieces, PsrpMessage.StringOutputLength(pieces));
    }

    private static OutboundMessage Outbound(ulong objectId, int padding = 20, bool startsNewBatch = false)
    {
        var message = PsrpMessage.EncodeStringOutput(PsrpDestination.Client, Pool, PipelineId, Pieces(objectId, padding), headroom: Fragment.HeaderLength)!;
        return new OutboundMessage(objectId, PsrpMessageType.PipelineOutput, message, startsNewBatch, Fragment.HeaderLength);
    }

    // The fragments of messages as FragmentCodec makes them, one array each.
    private static List<byte[]> Fragments(int maxFragmentLength, params (ulong ObjectId, byte[] Message)[] messages)
    {
        var fragments = new List<byte[]>();
        foreach (var (objectId, message) in messages) fragments.AddRange(FragmentCodec.Split(objectId, message, maxFragmentLength));
        return fragments;
    }

    private static (List<byte[]> Fragments, IReadOnlyList<PsrpMessageType> Types, ReceiveBatch Batch)? Receive(OutputStream stream, int budget = Large, int maxFragmentLength = Large)
    {
        var types = new PsrpEmulator.Server.Diagnostics.MessageTypeList();
        if (stream.TryReceiveNow(budget, maxFragmentLength, types) is not { } batch) return null;
        // Each element as the envelope writer sends it (a slab's run split at its fragments' headers).
        var fragments = new ShellStreamBatch("stdout", null, batch.Fragments, batch.Count).Select(f => f.Header.ToArray().Concat(f.Data.ToArray()).ToArray()).ToList();
        return (fragments, types, batch);
    }

    private static ulong ObjectIdOf(byte[] fragment) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(fragment);

    [Test]
    public void A_message_left_for_the_next_Receive_still_counts_against_the_capacity()
    {
        var stream = new OutputStream(capacity: 2);
        Assert.That((stream.TryWrite(Outbound(1, padding: 10_000)), stream.TryWrite(Outbound(2, padding: 10_000)), stream.TryWrite(Outbound(3, padding: 10_000))),
            Is.EqualTo((true, true, false)));

        // Room for one of them only: the second waits for the next Receive, still in the buffer.
        var first = Receive(stream, budget: 15_000)!.Value;
        Assert.That(first.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 1 }));

        Assert.That((stream.TryWrite(Outbound(3, padding: 10_000)), stream.TryWrite(Outbound(4, padding: 10_000))), Is.EqualTo((true, false)),
            "one slot was freed, not two");
        Assert.That(stream.BufferedCount, Is.EqualTo(2));
        Assert.That(Receive(stream, budget: 15_000)!.Value.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 2 }));
        Assert.That(Receive(stream, budget: 15_000)!.Value.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 3 }));
    }

    [Test]
    public void String_outputs_written_into_the_buffer_are_received_as_the_fragments_of_their_messages()
    {
        var stream = new OutputStream(100);
        for (ulong id = 1; id <= 3; id++) Assert.That(WriteString(stream, id), Is.True);

        var received = Receive(stream)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)), (2, Message(2)), (3, Message(3)))));
        Assert.That(received.Types, Is.EqualTo(Enumerable.Repeat(PsrpMessageType.PipelineOutput, 3)));
        Assert.That(stream.BufferedCount, Is.Zero);
    }

    [Test]
    public void Messages_in_slabs_and_messages_of_their_own_keep_the_order_they_were_written_in()
    {
        var stream = new OutputStream(100);
        var large = Outbound(3, padding: 20_000);
        Assert.That(stream.TryWrite(Outbound(1)), Is.True);
        Assert.That(WriteString(stream, 2), Is.True);
        Assert.That(stream.TryWrite(large), Is.True);
        Assert.That(WriteString(stream, 4), Is.True);
        Assert.That(stream.TryWrite(Outbound(5, padding: 3_000)), Is.True);

        var received = Receive(stream)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)), (2, Message(2)), (3, Message(3, 20_000)), (4, Message(4)), (5, Message(5, 3_000)))));
        // The large message is sent from its own array (header written into the room in front of it), not copied.
        Assert.That(received.Batch.Fragments.Take(received.Batch.Count).Count(f => MemoryMarshal.TryGetArray(f.Data, out var segment) && ReferenceEquals(segment.Array, large.Buffer)), Is.EqualTo(1));
    }

    [Test]
    public void Many_messages_across_many_slabs_arrive_whole_in_order_and_within_each_Receive_s_budget()
    {
        var stream = new OutputStream(null);
        var expected = new List<(ulong, byte[])>();
        for (ulong id = 1; id <= 3000; id++)
        {
            // Lengths vary (some written as objects, a few too long for a slab) so that slab boundaries fall anywhere.
            var padding = (int)(id * 37 % 400) + (id % 500 == 0 ? 9_000 : 0);
            if (id % 7 == 0 || padding > OutputStream.SlabMessageLimit) Assert.That(stream.TryWrite(Outbound(id, padding)), Is.True);
            else Assert.That(WriteString(stream, id, padding), Is.True);
            expected.Add((id, Message(id, padding)));
        }

        const int budget = 20_000;
        var all = new List<byte[]>();
        while (Receive(stream, budget, budget) is { } received)
        {
            Assert.That(received.Fragments.Sum(f => f.Length + OutputStream.StreamElementCost), Is.LessThanOrEqualTo(budget));
            all.AddRange(received.Fragments);
        }

        Assert.That(all, Is.EqualTo(Fragments(budget, [.. expected])));
    }

    [Test]
    public void A_slab_s_messages_go_out_as_one_run_and_the_response_is_byte_for_byte_a_stream_per_fragment()
    {
        var stream = new OutputStream(null);
        var expected = new List<(ulong, byte[])>();
        for (ulong id = 1; id <= 1000; id++)
        {
            var padding = (int)(id * 13 % 150);
            if (id % 9 == 0) Assert.That(stream.TryWrite(Outbound(id, padding)), Is.True);
            else Assert.That(WriteString(stream, id, padding), Is.True);
            expected.Add((id, Message(id, padding)));
        }

        Assert.That(stream.TryWrite(Outbound(1001, padding: 20_000)), Is.True);
        expected.Add((1001, Message(1001, 20_000)));
        var received = Receive(stream)!.Value;
        var commandId = Guid.NewGuid().ToString().ToUpperInvariant();
        var header = new WsManHeader { Action = WsManActions.ReceiveResponse, MessageId = "uuid:" + Guid.NewGuid(), RelatesTo = "uuid:" + Guid.NewGuid() };
        var batch = new ShellStreamBatch("stdout", commandId, received.Batch.Fragments, received.Batch.Count);

        var written = WsManEnvelopeWriter.Write(new WsManEnvelope(header, new ReceiveResponseBody(batch, null)));
        var oneEach = Fragments(Large, [.. expected]).Select(f => new ShellStream("stdout", commandId, f)).ToList();
        var reference = WsManEnvelopeWriter.Write(new WsManEnvelope(header, new ReceiveResponseBody(oneEach, null)));

        Assert.That(written, Is.EqualTo(reference));
        // Far fewer contents than elements: the slabs' messages were taken as runs, not one content each.
        Assert.That(batch, Has.Count.EqualTo(1001));
        Assert.That(received.Batch.Count, Is.LessThan(50));
        Assert.That(received.Types, Is.EqualTo(Enumerable.Repeat(PsrpMessageType.PipelineOutput, 1001)));
    }

    /// <summary>
    /// An array pool that hands a returned array out again first (as the shared pool may), so that an array given back
    /// while a response still holds slices of it would be overwritten under that response; refuses a double return.
    /// </summary>
    private sealed class ReusingPool : ArrayPool<byte>
    {
        private readonly Stack<byte[]> _free = new();

        public HashSet<byte[]> Out { get; } = new(ReferenceEqualityComparer.Instance);

        public int Rents { get; private set; }

        public int Returns { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            var array = _free.Count > 0 && _free.Peek().Length >= minimumLength ? _free.Pop() : new byte[minimumLength];
            Assert.That(Out.Add(array), Is.True, "an array rented twice");
            Rents++;
            return array;
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Assert.That(Out.Remove(array), Is.True, "an array returned that is not out");
            Returns++;
            _free.Push(array);
        }
    }

    // Each element of a batch as sent, copied now.
    private static List<byte[]> Elements(ReceiveBatch batch) =>
        new ShellStreamBatch("stdout", null, batch.Fragments, batch.Count).Select(f => f.Header.ToArray().Concat(f.Data.ToArray()).ToArray()).ToList();

    private static (OutputStream Stream, ReusingPool Pool, List<(ulong, byte[])> Expected) PooledStream(int messages, ulong firstId = 1)
    {
        var pool = new ReusingPool();
        var stream = new OutputStream(null, pool);
        var expected = new List<(ulong, byte[])>();
        WriteMore(stream, expected, messages, firstId);
        return (stream, pool, expected);
    }

    private static void WriteMore(OutputStream stream, List<(ulong, byte[])> expected, int messages, ulong firstId)
    {
        for (var id = firstId; id < firstId + (ulong)messages; id++)
        {
            Assert.That(WriteString(stream, id, padding: 150), Is.True);
            expected.Add((id, Message(id, 150)));
        }
    }

    [Test]
    public void A_drained_slab_s_array_goes_back_to_the_pool_only_when_every_response_holding_it_is_released()
    {
        // Enough for the slabs to reach their largest size (the pooled ones) several times over.
        var (stream, pool, expected) = PooledStream(1500);
        Assert.That(pool.Rents, Is.GreaterThan(3));
        var types = new PsrpEmulator.Server.Diagnostics.MessageTypeList();

        // The first Receive stops inside a pooled slab; the second drains the buffer, that slab included.
        var first = stream.TryReceiveNow(100_000, Large, types)!;
        var second = stream.TryReceiveNow(Large, Large, types)!;
        var firstSent = Elements(first);
        Assert.That(stream.BufferedCount, Is.Zero);
        Assert.That(pool.Returns, Is.Zero, "no array goes back while a response holds slices of it");

        var secondSent = Elements(second);
        second.Release();
        var back = pool.Returns;
        Assert.That(back, Is.GreaterThan(0).And.LessThan(pool.Rents), "the slab both responses hold stays out");

        // New output takes the arrays given back; the first response's bytes are not touched.
        WriteMore(stream, expected, 600, 1501);
        Assert.That(Elements(first), Is.EqualTo(firstSent));
        Assert.That(firstSent.Concat(secondSent), Is.EqualTo(Fragments(Large, [.. expected.Take(1500)])));

        first.Release();
        first.Release();
        Assert.That(pool.Returns, Is.GreaterThan(back));
        var rest = new List<byte[]>();
        while (stream.TryReceiveNow(Large, Large, types) is { } batch)
        {
            rest.AddRange(Elements(batch));
            batch.Release();
        }

        Assert.That(rest, Is.EqualTo(Fragments(Large, [.. expected.Skip(1500)])));
        Assert.That(pool.Out, Is.Empty, "every pooled array back once the buffer is drained and every response released");
    }

    [Test]
    public void Slabs_between_the_first_and_the_largest_come_from_the_message_pool_and_go_back_once_drained_and_released()
    {
        var slabs = new ReusingPool();
        var arrays = new ReusingPool();
        var stream = new OutputStream(null, slabs, arrays);
        var expected = new List<(ulong, byte[])>();
        var sent = new List<byte[]>();
        // A producer that a Receiver keeps draining: after each drain its slabs grow again from the first.
        for (var round = 0; round < 3; round++)
        {
            var rentsBefore = arrays.Rents;
            WriteMore(stream, expected, 300, ((ulong)round * 300) + 1);
            // 512 B to 16 KB: five of them the first time; after that this pool may hand out a larger array given
            // back (as a pool may), and the slabs double from its size.
            Assert.That(arrays.Rents - rentsBefore, Is.GreaterThanOrEqualTo(round == 0 ? 5 : 1), $"round {round}: the slabs on the way to the largest are rented");
            Assert.That(slabs.Out, Is.Not.Empty, $"round {round}: and the largest from the slab pool");
            Assert.That(arrays.Out.All(a => a.Length is >= 512 and < 32 * 1024), Is.True);

            var batch = stream.TryReceiveNow(Large, Large, [])!;
            Assert.That(stream.BufferedCount, Is.Zero);
            Assert.That(arrays.Out, Is.Not.Empty, "no array goes back while the response holds slices of it");
            sent.AddRange(Elements(batch));
            batch.Release();
            Assert.That(arrays.Out, Is.Empty, $"round {round}: every array back once drained and released");
            Assert.That(slabs.Out, Is.Empty);
        }

        Assert.That(sent, Is.EqualTo(Fragments(Large, [.. expected])));
    }

    [Test]
    public void A_response_never_released_keeps_its_slabs_out_of_the_pool()
    {
        var (stream, pool, _) = PooledStream(1500);
        var taken = stream.TryReceiveNow(Large, Large, [])!;
        while (stream.TryReceiveNow(Large, Large, []) is { } batch) batch.Release();

        Assert.That(pool.Out, Is.Not.Empty);
        Assert.That(pool.Out.All(array => taken.Fragments.Take(taken.Count).Any(f => MemoryMarshal.TryGetArray(f.Data, out var segment) && segment.Array == array)), Is.True);
    }

    [Test]
    public void Slabs_discarded_or_cleared_go_back_to_the_pool_unless_a_response_holds_them()
    {
        var (stream, pool, _) = PooledStream(1500);
        // Past the small slabs the buffer starts with, into its first pooled one.
        var taken = stream.TryReceiveNow(60_000, Large, [])!;
        // Drop mode: discarded messages drain slabs like a Receive.
        for (var i = 0; i < 400; i++) Assert.That(stream.TryDiscardOldest(out _), Is.True);
        stream.ClearAsync().GetAwaiter().GetResult();
        Assert.That(stream.BufferedCount, Is.Zero);

        // Only the slab the response holds slices of is still out.
        Assert.That(pool.Out, Has.Count.EqualTo(1));
        taken.Release();
        Assert.That(pool.Out, Is.Empty);
    }

    [Test]
    public void A_Receive_takes_exactly_the_messages_its_budget_holds_whether_slabs_go_whole_or_one_by_one()
    {
        // Equal lengths (three-digit ids): k messages cost exactly k × (fragment + element cost). The slabs double in
        // size, so a budget ends anywhere: after whole slabs, inside one, at a slab's last message.
        var length = Message(100).Length + Fragment.HeaderLength + OutputStream.StreamElementCost;
        for (var k = 1; k <= 60; k++)
        {
            // (A budget below one message's would split it instead.)
            foreach (var budget in k == 1 ? [length] : new[] { k * length, (k * length) - 1 })
            {
                var stream = new OutputStream(null);
                for (ulong id = 100; id < 200; id++) Assert.That(WriteString(stream, id), Is.True);

                var received = Receive(stream, budget)!.Value;

                var expected = budget == k * length ? k : k - 1;
                Assert.That(received.Fragments.Select(ObjectIdOf), Is.EqualTo(Enumerable.Range(100, expected).Select(i => (ulong)i)), $"k {k}, budget {budget}");
                Assert.That(received.Types, Has.Count.EqualTo(expected));
                Assert.That(stream.BufferedCount, Is.EqualTo(100 - expected));
            }
        }
    }

    [Test]
    public void Small_messages_longer_than_the_client_s_fragments_are_split_even_when_the_envelope_holds_them_all()
    {
        var stream = new OutputStream(null);
        for (ulong id = 1; id <= 3; id++) Assert.That(WriteString(stream, id, padding: 300), Is.True);

        var received = Receive(stream, Large, maxFragmentLength: 100)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(100, (1, Message(1, 300)), (2, Message(2, 300)), (3, Message(3, 300)))));
        Assert.That(received.Fragments, Has.All.Length.LessThanOrEqualTo(100));
    }

    [Test]
    public void The_types_of_a_slab_s_messages_are_recorded_in_order_when_they_differ()
    {
        var stream = new OutputStream(null);
        var state = PsrpMessage.Create(PsrpDestination.Client, Pool, PipelineId, new PipelineStateMessage(PSInvocationState.Running, null)).ToArray();
        Assert.That(WriteString(stream, 1), Is.True);
        Assert.That(WriteString(stream, 2), Is.True);
        Assert.That(stream.TryWrite(new OutboundMessage(3, PsrpMessageType.PipelineState, state)), Is.True);
        Assert.That(WriteString(stream, 4), Is.True);

        var received = Receive(stream)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)), (2, Message(2)), (3, state), (4, Message(4)))));
        Assert.That(received.Types, Is.EqualTo(new[] { PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineState, PsrpMessageType.PipelineOutput }));
    }

    [Test]
    public void Capacity_counts_messages_whether_they_wait_in_slabs_or_not()
    {
        var stream = new OutputStream(3);
        Assert.That(WriteString(stream, 1), Is.True);
        Assert.That(stream.TryWrite(Outbound(2)), Is.True);
        Assert.That(WriteString(stream, 3), Is.True);

        Assert.That(WriteString(stream, 4), Is.False);
        Assert.That(stream.TryWrite(Outbound(4)), Is.False);
        Assert.That(stream.BufferedCount, Is.EqualTo(3));

        Assert.That(Receive(stream)!.Value.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 1, 2, 3 }));
        Assert.That(stream.BufferedCount, Is.Zero);
        Assert.That(WriteString(stream, 4), Is.True);
        Assert.That(stream.TryWrite(Outbound(5)), Is.True);
        Assert.That(WriteString(stream, 6), Is.True);
        Assert.That(WriteString(stream, 7), Is.False);
    }

    [Test]
    public void A_string_output_too_long_for_a_slab_is_left_to_be_written_as_a_message_of_its_own()
    {
        var stream = new OutputStream(10);
        Assert.That(WriteString(stream, 1, padding: OutputStream.SlabMessageLimit), Is.False);
        Assert.That(stream.BufferedCount, Is.Zero);
    }

    [Test]
    public void Discarding_the_oldest_drops_whole_messages_oldest_first()
    {
        var stream = new OutputStream(10);
        Assert.That(WriteString(stream, 1), Is.True);
        Assert.That(stream.TryWrite(Outbound(2)), Is.True);
        Assert.That(stream.TryWrite(Outbound(3, padding: 20_000)), Is.True);
        Assert.That(WriteString(stream, 4), Is.True);

        Assert.That(stream.TryDiscardOldest(out var first), Is.True);
        Assert.That(stream.TryDiscardOldest(out var second), Is.True);
        Assert.That(stream.TryDiscardOldest(out var third), Is.True);

        Assert.That(new[] { first, second, third }, Is.All.EqualTo(PsrpMessageType.PipelineOutput));
        Assert.That(stream.BufferedCount, Is.EqualTo(1));
        Assert.That(Receive(stream)!.Value.Fragments, Is.EqualTo(Fragments(Large, (4, Message(4)))));
        Assert.That(stream.TryDiscardOldest(out _), Is.False);
    }

    [Test]
    public void A_message_that_does_not_fit_whole_after_others_waits_for_the_next_Receive()
    {
        var stream = new OutputStream(10);
        Assert.That(WriteString(stream, 1), Is.True);
        Assert.That(WriteString(stream, 2, padding: 200), Is.True);
        var first = Message(1).Length + Fragment.HeaderLength + OutputStream.StreamElementCost;

        // Room for the first and half the second: the second is not started here.
        var budget = first + (Message(2, 200).Length / 2);
        Assert.That(Receive(stream, budget)!.Value.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)))));
        Assert.That(stream.BufferedCount, Is.EqualTo(1));
        Assert.That(Receive(stream)!.Value.Fragments, Is.EqualTo(Fragments(Large, (2, Message(2, 200)))));
    }

    [Test]
    public void A_small_message_longer_than_a_Receive_s_room_is_split_and_sent_again_from_its_start_after_a_connect()
    {
        var stream = new OutputStream(10);
        Assert.That(WriteString(stream, 1, padding: 300), Is.True);
        const int maxFragment = 100;
        var expected = Fragments(maxFragment, (1, Message(1, 300)));
        Assert.That(expected, Has.Count.GreaterThan(3));

        // Two fragments fit: the message is split.
        var two = Receive(stream, 2 * (maxFragment + OutputStream.StreamElementCost), maxFragment)!.Value;
        Assert.That(two.Fragments, Is.EqualTo(expected.Take(2)));
        Assert.That(two.Types, Is.EqualTo(new[] { PsrpMessageType.PipelineOutput }));

        // A client connecting cannot use the half it did not get: the message starts over.
        stream.RestartPartialMessageAsync().GetAwaiter().GetResult();
        var all = new List<byte[]>();
        while (Receive(stream, Large, maxFragment) is { } received) all.AddRange(received.Fragments);
        Assert.That(all, Is.EqualTo(expected));
    }

    [Test]
    public void A_message_that_starts_a_new_batch_is_not_sent_after_messages_from_slabs()
    {
        var stream = new OutputStream(null);
        Assert.That(WriteString(stream, 1), Is.True);
        Assert.That(stream.TryWrite(Outbound(2, startsNewBatch: true)), Is.True);
        Assert.That(WriteString(stream, 3), Is.True);

        Assert.That(Receive(stream)!.Value.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 1 }));
        Assert.That(Receive(stream)!.Value.Fragments.Select(ObjectIdOf), Is.EqualTo(new ulong[] { 2, 3 }));
    }

    [Test]
    public async Task A_writer_waiting_for_room_moves_in_when_a_Receive_takes_and_goes_out_in_that_Receive()
    {
        var stream = new OutputStream(1);
        Assert.That(WriteString(stream, 1), Is.True);
        var waiting = stream.WriteAsync(Outbound(2), CancellationToken.None).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);

        var received = Receive(stream)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)), (2, Message(2)))));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void The_final_message_goes_after_everything_buffered_and_completes_the_stream()
    {
        var stream = new OutputStream(10);
        Assert.That(WriteString(stream, 1), Is.True);
        var state = PsrpMessage.Create(PsrpDestination.Client, Pool, PipelineId, new PipelineStateMessage(PSInvocationState.Completed, null)).ToArray();
        stream.Complete(new OutboundMessage(2, PsrpMessageType.PipelineState, state));
        Assert.That(WriteString(stream, 3), Is.False);

        var received = Receive(stream)!.Value;

        Assert.That(received.Fragments, Is.EqualTo(Fragments(Large, (1, Message(1)), (2, state))));
        Assert.That(received.Types, Is.EqualTo(new[] { PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineState }));
        Assert.That(received.Batch.Completed, Is.True);
    }

    [Test]
    public void Clearing_drops_what_waits_in_slabs_and_the_buffer_takes_new_messages_after()
    {
        var stream = new OutputStream(null);
        for (ulong id = 1; id <= 50; id++) Assert.That(WriteString(stream, id), Is.True);
        stream.ClearAsync().GetAwaiter().GetResult();
        Assert.That(stream.BufferedCount, Is.Zero);
        Assert.That(Receive(stream), Is.Null);

        Assert.That(WriteString(stream, 51), Is.True);
        Assert.That(Receive(stream)!.Value.Fragments, Is.EqualTo(Fragments(Large, (51, Message(51)))));
    }

    // A string output too long for a slab, written into an array of the stream's message pool.
    private static OutboundMessage RentLarge(OutputStream stream, ulong objectId, int padding)
    {
        var pieces = Pieces(objectId, padding);
        return stream.RentStringOutput(objectId, Pool, PipelineId, pieces, PsrpMessage.StringOutputLength(pieces));
    }

    // What Receives of budget and maxFragmentLength take of a message sent from an array of its own (the reference).
    private static List<byte[]> SentOnItsOwn(ulong objectId, int padding, int budget, int maxFragmentLength)
    {
        var stream = new OutputStream(null);
        Assert.That(stream.TryWrite(Outbound(objectId, padding)), Is.True);
        var sent = new List<byte[]>();
        while (Receive(stream, budget, maxFragmentLength) is { } received) sent.AddRange(received.Fragments);
        return sent;
    }

    [Test]
    public void A_long_string_output_in_a_pooled_array_is_sent_as_from_an_array_of_its_own()
    {
        var pool = new ReusingPool();
        var stream = new OutputStream(null, messagePool: pool);
        foreach (var padding in new[] { 9_000, 100_000, 700_000 })
        {
            var id = (ulong)padding;
            var message = RentLarge(stream, id, padding);
            // Rented arrays are longer than the message: only its own bytes are it.
            Assert.That(message.Bytes.ToArray(), Is.EqualTo(Message(id, padding)));
            Assert.That(stream.TryWrite(message), Is.True);
            var sent = new List<byte[]>();
            while (Receive(stream, 100_000, 60_000) is { } received)
            {
                sent.AddRange(received.Fragments);
                received.Batch.Release();
            }

            Assert.That(sent, Is.EqualTo(SentOnItsOwn(id, padding, 100_000, 60_000)), $"padding {padding}");
            var defragmenter = new Defragmenter();
            var messages = sent.SelectMany(f => defragmenter.Add(f)).ToList();
            Assert.That(messages.Single().ToArray(), Is.EqualTo(Message(id, padding)));
        }

        Assert.That(pool.Rents, Is.EqualTo(3));
        Assert.That(pool.Out, Is.Empty, "each array back once its message was sent whole and its responses released");
    }

    [Test]
    public void A_long_string_output_s_array_goes_back_only_once_sent_whole_and_every_response_holding_it_is_released()
    {
        // A pool that hands a returned array out again at once: an array given back while a response still held a
        // slice of it would be overwritten by the next message, under that response.
        var pool = new ReusingPool();
        var stream = new OutputStream(null, messagePool: pool);
        Assert.That(stream.TryWrite(RentLarge(stream, 1, 300_000)), Is.True);

        var first = Receive(stream, 100_000, 60_000)!.Value;
        var second = Receive(stream, 100_000, 60_000)!.Value;
        Assert.That(pool.Returns, Is.Zero, "not sent whole yet");
        var rest = new List<(List<byte[]> Fragments, ReceiveBatch Batch)>();
        while (Receive(stream, 100_000, 60_000) is { } more) rest.Add((more.Fragments, more.Batch));
        Assert.That(pool.Returns, Is.Zero, "sent whole, but responses hold slices of it");

        first.Batch.Release();
        foreach (var (_, batch) in rest) batch.Release();
        Assert.That(pool.Returns, Is.Zero, "the second response still holds it");
        var secondElements = new ShellStreamBatch("stdout", null, second.Batch.Fragments, second.Batch.Count).Select(f => f.Header.ToArray().Concat(f.Data.ToArray()).ToArray()).ToList();
        second.Batch.Release();
        second.Batch.Release();
        Assert.That(pool.Returns, Is.EqualTo(1));

        // The next message takes the same array: from then on the responses' slices show its bytes, which is why
        // the array stayed out until they were written.
        Assert.That(stream.TryWrite(RentLarge(stream, 2, 300_000)), Is.True);
        Assert.That(pool.Rents, Is.EqualTo(2));
        var sent = first.Fragments.Concat(secondElements).Concat(rest.SelectMany(r => r.Fragments)).ToList();
        Assert.That(sent, Is.EqualTo(SentOnItsOwn(1, 300_000, 100_000, 60_000)));
    }

    [Test]
    public void Long_string_outputs_discarded_or_cleared_go_back_to_the_pool_unless_a_response_holds_them()
    {
        var pool = new ReusingPool();
        var stream = new OutputStream(null, messagePool: pool);
        for (ulong id = 1; id <= 3; id++) Assert.That(stream.TryWrite(RentLarge(stream, id, 50_000)), Is.True);

        // Drop mode discards the oldest, never sent: back at once.
        Assert.That(stream.TryDiscardOldest(out var type), Is.True);
        Assert.That(type, Is.EqualTo(PsrpMessageType.PipelineOutput));
        Assert.That(pool.Returns, Is.EqualTo(1));

        // The second partly sent, the third queued; Clear lets go of both, but the response keeps the second's array out.
        var taken = Receive(stream, 30_000, 20_000)!.Value;
        Assert.That(taken.Fragments, Is.EqualTo(SentOnItsOwn(2, 50_000, 30_000, 20_000).Take(taken.Fragments.Count)));
        stream.ClearAsync().GetAwaiter().GetResult();
        Assert.That(pool.Returns, Is.EqualTo(2));
        taken.Batch.Release();
        Assert.That(pool.Out, Is.Empty);
    }
}
