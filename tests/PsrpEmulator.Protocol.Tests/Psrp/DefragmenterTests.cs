using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class DefragmenterTests
{
    private static readonly Guid Rpid = new("B6631D8E-65A0-49F2-9053-A1B156C95777");

    private static byte[] Message(int dataLength, PsrpMessageType type = PsrpMessageType.PipelineOutput)
        => new PsrpMessage(PsrpDestination.Client, type, Rpid, Guid.Empty, Enumerable.Range(0, dataLength).Select(i => (byte)(i % 251)).ToArray()).ToArray();

    private static byte[] Fragment(ulong objectId, ulong fragmentId, bool start, bool end, byte[] blob)
    {
        var f = new Fragment(objectId, fragmentId, start, end, blob);
        var bytes = new byte[f.EncodedLength];
        FragmentCodec.Write(bytes, f);
        return bytes;
    }

    private static FragmentError ErrorOf(Defragmenter d, params byte[][] chunks)
    {
        try
        {
            foreach (var c in chunks) d.Add(c);
        }
        catch (FragmentException ex)
        {
            return ex.Reason;
        }

        return FragmentError.None;
    }

    [Test]
    public void Single_fragment_message_is_returned_at_once()
    {
        var message = Message(10);
        var d = new Defragmenter();
        var result = d.Add(FragmentCodec.Split(1, message, 1000)[0]);
        Assert.That(result, Has.Count.EqualTo(1));
        Assert.That(result[0].ToArray(), Is.EqualTo(message));
        Assert.That(d.IsIdle, Is.True);
    }

    [Test]
    public void Every_split_point_of_a_message_into_fragments_reassembles()
    {
        var message = Message(60);
        for (var max = 22; max <= message.Length + 22; max++)
        {
            var fragments = FragmentCodec.Split(1, message, max);

            // One fragment per chunk.
            var d = new Defragmenter();
            var results = fragments.SelectMany(f => d.Add(f)).ToList();
            Assert.That(results, Has.Count.EqualTo(1), $"max {max}");
            Assert.That(results[0].ToArray(), Is.EqualTo(message));
            Assert.That(d.IsIdle, Is.True);

            // Every grouping of consecutive fragments into two chunks.
            for (var cut = 0; cut <= fragments.Count; cut++)
            {
                var d2 = new Defragmenter();
                var first = d2.Add(fragments.Take(cut).SelectMany(b => b).ToArray());
                Assert.That(d2.IsIdle, Is.EqualTo(cut == 0 || cut == fragments.Count));
                var second = d2.Add(fragments.Skip(cut).SelectMany(b => b).ToArray());
                Assert.That(first.Concat(second).Single().ToArray(), Is.EqualTo(message));
            }
        }
    }

    [Test]
    public void Several_messages_in_one_chunk_come_out_in_order()
    {
        var a = Message(5, PsrpMessageType.ProgressRecord);
        var b = Message(50, PsrpMessageType.PipelineOutput);
        var c = Message(0, PsrpMessageType.PipelineState);
        var chunk = FragmentCodec.Split(1, a, 1000).Concat(FragmentCodec.Split(2, b, 40)).Concat(FragmentCodec.Split(3, c, 1000)).SelectMany(x => x).ToArray();
        var result = new Defragmenter().Add(chunk);
        Assert.That(result.Select(m => m.MessageType), Is.EqualTo(new[] { PsrpMessageType.ProgressRecord, PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineState }));
        Assert.That(result[1].ToArray(), Is.EqualTo(b));
    }

    [Test]
    public void Fragment_split_across_chunks_is_truncated()
    {
        var fragment = FragmentCodec.Split(1, Message(10), 1000)[0];
        for (var cut = 1; cut < fragment.Length; cut++)
        {
            Assert.That(ErrorOf(new Defragmenter(), fragment[..cut], fragment[cut..]), Is.EqualTo(FragmentError.Truncated), $"cut {cut}");
        }
    }

    [Test]
    public void Reserved_flags_and_invalid_ids_are_reported()
    {
        var fragment = FragmentCodec.Split(1, Message(10), 1000)[0];
        var flags = (byte[])fragment.Clone();
        flags[16] = 0x13;
        Assert.That(ErrorOf(new Defragmenter(), flags), Is.EqualTo(FragmentError.ReservedFlagsSet));
        var id = (byte[])fragment.Clone();
        id[0] = 0x80;
        Assert.That(ErrorOf(new Defragmenter(), id), Is.EqualTo(FragmentError.InvalidId));
    }

    [Test]
    public void First_fragment_without_start_flag_is_missing_start()
        => Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 1, false, true, new byte[40])), Is.EqualTo(FragmentError.MissingStart));

    [Test]
    public void Fragment_zero_without_start_flag_is_missing_start()
    {
        Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 0, false, true, new byte[40])), Is.EqualTo(FragmentError.MissingStart));
        Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 0, true, false, new byte[20]), Fragment(1, 0, false, true, new byte[20])), Is.EqualTo(FragmentError.MissingStart));
    }

    [Test]
    public void Skipped_or_repeated_fragment_id_is_out_of_order()
    {
        var fragments = FragmentCodec.Split(1, Message(60), 21 + 30);
        Assert.That(fragments, Has.Count.EqualTo(4));
        Assert.That(ErrorOf(new Defragmenter(), fragments[0], fragments[2]), Is.EqualTo(FragmentError.OutOfOrder));
        Assert.That(ErrorOf(new Defragmenter(), fragments[0], fragments[1], fragments[1]), Is.EqualTo(FragmentError.OutOfOrder));
        Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 1, true, true, new byte[40])), Is.EqualTo(FragmentError.OutOfOrder));
    }

    [Test]
    public void New_object_while_another_is_incomplete_is_interleaved()
    {
        var a = FragmentCodec.Split(1, Message(60), 51);
        var b = FragmentCodec.Split(2, Message(60), 51);
        Assert.That(ErrorOf(new Defragmenter(), a[0], b[0]), Is.EqualTo(FragmentError.Interleaved));
        Assert.That(ErrorOf(new Defragmenter(), a[0], b[1]), Is.EqualTo(FragmentError.Interleaved));
        Assert.That(ErrorOf(new Defragmenter(), a[0], a[0]), Is.EqualTo(FragmentError.Interleaved));
    }

    [Test]
    public void Message_larger_than_the_maximum_is_too_large()
    {
        var message = Message(100);
        Assert.That(ErrorOf(new Defragmenter(139), FragmentCodec.Split(1, message, 51).ToArray()), Is.EqualTo(FragmentError.MessageTooLarge));
        Assert.That(ErrorOf(new Defragmenter(139), FragmentCodec.Split(1, message, 1000).ToArray()), Is.EqualTo(FragmentError.MessageTooLarge));
        Assert.That(new Defragmenter(140).Add(FragmentCodec.Split(1, message, 51).SelectMany(f => f).ToArray()), Has.Count.EqualTo(1));
    }

    [Test]
    public void A_message_too_large_reports_its_size_as_PowerShell_counts_it_with_the_fragment_headers()
    {
        var message = Message(100); // 140 bytes with the message header
        var split = FragmentCodec.Split(1, message, 51); // blobs of 30, 30, 30, 30, 20: the fifth passes 139

        Assert.That(SizeOf(new Defragmenter(139), split.ToArray()), Is.EqualTo(140 + 5 * 21));
        Assert.That(SizeOf(new Defragmenter(139), FragmentCodec.Split(1, message, 1000).ToArray()), Is.EqualTo(21 + 140), "one fragment whose blob alone is too large");

        static long? SizeOf(Defragmenter d, byte[][] chunks)
        {
            var e = Assert.Throws<FragmentException>(() =>
            {
                foreach (var c in chunks) d.Add(c);
            })!;
            Assert.That(e.Reason, Is.EqualTo(FragmentError.MessageTooLarge));
            return e.ObjectSize;
        }
    }

    [Test]
    public void Message_shorter_than_its_header_is_too_short()
    {
        Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 0, true, true, new byte[39])), Is.EqualTo(FragmentError.MessageTooShort));
        Assert.That(ErrorOf(new Defragmenter(), Fragment(1, 0, true, false, new byte[20]), Fragment(1, 1, false, true, new byte[19])), Is.EqualTo(FragmentError.MessageTooShort));
    }

    [Test]
    public void Message_with_an_unknown_destination_has_an_invalid_header()
    {
        var message = Message(10);
        message[0] = 3;
        Assert.That(ErrorOf(new Defragmenter(), FragmentCodec.Split(1, message, 1000)[0]), Is.EqualTo(FragmentError.InvalidMessageHeader));
    }

    [Test]
    public void After_an_error_the_defragmenter_keeps_failing_with_the_same_reason()
    {
        var d = new Defragmenter();
        Assert.That(ErrorOf(d, Fragment(1, 1, false, true, new byte[40])), Is.EqualTo(FragmentError.MissingStart));
        var ex = Assert.Throws<FragmentException>(() => d.Add(FragmentCodec.Split(2, Message(1), 1000)[0]));
        Assert.That(ex!.Reason, Is.EqualTo(FragmentError.MissingStart));
    }

    [Test]
    public void Reset_drops_a_partly_assembled_object()
    {
        var a = FragmentCodec.Split(1, Message(60), 51);
        var d = new Defragmenter();
        Assert.That(d.Add(a[0]), Is.Empty);
        Assert.That(d.IsIdle, Is.False);
        d.Reset();
        Assert.That(d.IsIdle, Is.True);
        var b = Message(3);
        Assert.That(d.Add(FragmentCodec.Split(2, b, 1000)[0]).Single().ToArray(), Is.EqualTo(b));
    }

    [Test]
    public void Empty_chunk_yields_nothing()
        => Assert.That(new Defragmenter().Add(ReadOnlyMemory<byte>.Empty), Is.Empty);
}
