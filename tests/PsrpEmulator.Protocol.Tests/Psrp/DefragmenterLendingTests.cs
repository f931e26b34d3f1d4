using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class DefragmenterLendingTests
{
    private static readonly Guid Rpid = new("B6631D8E-65A0-49F2-9053-A1B156C95777");

    private static byte[] Message(int dataLength, byte seed) =>
        new PsrpMessage(PsrpDestination.Client, PsrpMessageType.PipelineOutput, Rpid, Guid.Empty,
            Enumerable.Range(0, dataLength).Select(i => (byte)((i + seed) % 251)).ToArray()).ToArray();

    [Test]
    public void Lent_messages_are_the_messages_the_copying_overload_returns_in_the_same_order()
    {
        // A small message, one of several fragments, and another small one, each fragment its own chunk.
        var chunks = new List<byte[]>();
        chunks.AddRange(FragmentCodec.Split(1, Message(100, 1), 1000));
        chunks.AddRange(FragmentCodec.Split(2, Message(100_000, 2), 32 * 1024));
        chunks.AddRange(FragmentCodec.Split(3, Message(50, 3), 1000));
        var copying = new Defragmenter();
        var expected = chunks.SelectMany(c => copying.Add(c)).Select(m => m.ToArray()).ToList();

        var lending = new Defragmenter();
        var lent = new List<byte[]>();
        foreach (var chunk in chunks) lending.Add(chunk, message => lent.Add(message.ToArray()));

        Assert.That(expected, Has.Count.EqualTo(3));
        Assert.That(lent, Is.EqualTo(expected));
        Assert.That(lending.IsIdle, Is.True);
    }

    [Test]
    public void A_fragment_error_after_a_lent_message_leaves_the_message_delivered_and_reports_the_error()
    {
        var first = FragmentCodec.Split(1, Message(100, 1), 1000)[0];
        var truncated = FragmentCodec.Split(2, Message(100, 2), 1000)[0][..30];
        var chunk = first.Concat(truncated).ToArray();
        var lent = 0;

        var error = Assert.Throws<FragmentException>(() => new Defragmenter().Add(chunk, _ => lent++));

        Assert.That(error!.Reason, Is.EqualTo(FragmentError.Truncated));
        Assert.That(lent, Is.EqualTo(1));
    }

    // A whole fragment whose message is cut to length bytes; a header that is all there names neither Client nor Server.
    private static byte[] BadHeaderFragment(int length)
    {
        var message = Message(100, 1)[..length];
        if (length >= PsrpMessage.HeaderLength) message[0] = 3;
        return FragmentCodec.Split(1, message, 1000)[0];
    }

    private static byte[] MessageTo(PsrpDestination destination, PsrpMessageType type, Guid pid, int dataLength, byte seed) =>
        new PsrpMessage(destination, type, Rpid, pid,
            Enumerable.Range(0, dataLength).Select(i => (byte)((i + seed) % 251)).ToArray()).ToArray();

    [Test]
    public void Messages_lent_as_header_and_payload_carry_the_fields_and_data_of_the_parsed_messages()
    {
        // Different destinations, types and pipeline ids, so that a header field read from the wrong offset shows.
        var pid = new Guid("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0");
        var chunks = new List<byte[]>();
        chunks.AddRange(FragmentCodec.Split(1, MessageTo(PsrpDestination.Client, PsrpMessageType.PipelineOutput, pid, 100, 1), 1000));
        chunks.AddRange(FragmentCodec.Split(2, MessageTo(PsrpDestination.Server, PsrpMessageType.ErrorRecord, Guid.Empty, 70_000, 2), 32 * 1024));
        chunks.AddRange(FragmentCodec.Split(3, MessageTo(PsrpDestination.Client, (PsrpMessageType)0x7777, pid, 0, 3), 1000));
        var copying = new Defragmenter();
        var parsed = chunks.SelectMany(c => copying.Add(c))
            .Select(m => (m.Destination, m.MessageType, m.RunspacePoolId, m.PipelineId, Data: m.Data.ToArray())).ToList();

        var lending = new Defragmenter();
        var lent = new List<(PsrpDestination, PsrpMessageType, Guid, Guid, byte[])>();
        foreach (var chunk in chunks)
        {
            lending.Add(chunk, (in PsrpMessageHeader header, ReadOnlyMemory<byte> data) =>
                lent.Add((header.Destination, header.MessageType, header.RunspacePoolId, header.PipelineId, data.ToArray())));
        }

        Assert.That(parsed, Has.Count.EqualTo(3));
        Assert.That(lent.Select(m => (m.Item1, m.Item2, m.Item3, m.Item4)), Is.EqualTo(parsed.Select(m => (m.Destination, m.MessageType, m.RunspacePoolId, m.PipelineId))));
        Assert.That(lent.Select(m => m.Item5), Is.EqualTo(parsed.Select(m => m.Data)));
        Assert.That(lent[0].Item4, Is.EqualTo(pid));
        Assert.That(lent[1].Item5, Has.Length.EqualTo(70_000));
    }

    [TestCase(30, FragmentError.MessageTooShort)]
    [TestCase(100, FragmentError.InvalidMessageHeader)]
    public void A_bad_message_header_fails_the_header_lending_overload_as_the_copying_one(int length, FragmentError reason)
    {
        var fragment = BadHeaderFragment(length);
        var lent = 0;

        var copying = Assert.Throws<FragmentException>(() => new Defragmenter().Add(fragment));
        var lending = Assert.Throws<FragmentException>(() => new Defragmenter().Add(fragment, (in PsrpMessageHeader _, ReadOnlyMemory<byte> _) => lent++));

        Assert.That(lending!.Reason, Is.EqualTo(reason));
        Assert.That(lending.Message, Is.EqualTo(copying!.Message));
        Assert.That(lent, Is.Zero);
    }

    // One fragment read as StreamDefragmenter reads it, then handed to the fragment overload (which lends a whole
    // single-fragment message straight from the fragment).
    private static void AddFragment(Defragmenter defragmenter, byte[] encoded, LentPsrpMessage lent)
    {
        Assert.That(FragmentCodec.TryRead(encoded, defragmenter.MaxMessageLength, out var fragment, out _, out _), Is.True);
        defragmenter.Add(fragment, lent);
    }

    [Test]
    public void Whole_messages_lent_by_the_fragment_overload_carry_the_fields_and_data_the_copying_overload_parses()
    {
        var pid = new Guid("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0");
        var fragments = new List<byte[]>
        {
            FragmentCodec.Split(1, MessageTo(PsrpDestination.Client, PsrpMessageType.PipelineOutput, pid, 100, 1), 1000)[0],
            FragmentCodec.Split(2, MessageTo(PsrpDestination.Server, PsrpMessageType.ErrorRecord, Guid.Empty, 0, 2), 1000)[0],
            FragmentCodec.Split(3, MessageTo(PsrpDestination.Client, (PsrpMessageType)0x7777, pid, 900, 3), 1000)[0],
        };
        fragments.AddRange(FragmentCodec.Split(4, MessageTo(PsrpDestination.Client, PsrpMessageType.PipelineState, pid, 3000, 4), 1000));
        var copying = new Defragmenter();
        var parsed = fragments.SelectMany(f => copying.Add(f))
            .Select(m => (m.Destination, m.MessageType, m.RunspacePoolId, m.PipelineId, Convert.ToHexString(m.Data.Span))).ToList();

        var lending = new Defragmenter();
        var lent = new List<(PsrpDestination, PsrpMessageType, Guid, Guid, string)>();
        foreach (var f in fragments)
        {
            AddFragment(lending, f, (in PsrpMessageHeader header, ReadOnlyMemory<byte> data) =>
                lent.Add((header.Destination, header.MessageType, header.RunspacePoolId, header.PipelineId, Convert.ToHexString(data.Span))));
        }

        Assert.That(parsed, Has.Count.EqualTo(4));
        Assert.That(lent, Is.EqualTo(parsed));
        Assert.That(lending.IsIdle, Is.True);
    }

    [TestCase(0, FragmentError.MessageTooShort)]
    [TestCase(39, FragmentError.MessageTooShort)]
    [TestCase(100, FragmentError.InvalidMessageHeader)]
    public void A_bad_header_in_a_whole_fragment_fails_the_fragment_overload_as_the_copying_one_and_leaves_it_unusable(int length, FragmentError reason)
    {
        var fragment = BadHeaderFragment(length);
        var good = FragmentCodec.Split(2, Message(10, 2), 1000)[0];
        var lent = 0;
        var copying = new Defragmenter();
        var lending = new Defragmenter();

        var copyingError = Assert.Throws<FragmentException>(() => copying.Add(fragment));
        var lendingError = Assert.Throws<FragmentException>(() => AddFragment(lending, fragment, (in PsrpMessageHeader _, ReadOnlyMemory<byte> _) => lent++));

        Assert.That(lendingError!.Reason, Is.EqualTo(reason));
        Assert.That(lendingError.Message, Is.EqualTo(copyingError!.Message));
        Assert.That(lent, Is.Zero);
        // A whole good message after the error is refused as by the copying overload, not lent.
        var next = Assert.Throws<FragmentException>(() => AddFragment(lending, good, (in PsrpMessageHeader _, ReadOnlyMemory<byte> _) => lent++));
        Assert.That(next!.Message, Is.EqualTo(Assert.Throws<FragmentException>(() => copying.Add(good))!.Message));
        Assert.That(lent, Is.Zero);
    }

    [Test]
    public void A_whole_fragment_with_a_nonzero_FragmentId_or_inside_another_object_is_reported_not_lent()
    {
        var whole = FragmentCodec.Split(5, Message(10, 1), 1000)[0];
        var notFirst = (byte[])whole.Clone();
        notFirst[15] = 1; // FragmentId 1 with both S and E set
        var lent = 0;
        LentPsrpMessage count = (in PsrpMessageHeader _, ReadOnlyMemory<byte> _) => lent++;

        var outOfOrder = Assert.Throws<FragmentException>(() => AddFragment(new Defragmenter(), notFirst, count));
        Assert.That(outOfOrder!.Reason, Is.EqualTo(FragmentError.OutOfOrder));

        var partial = new Defragmenter();
        AddFragment(partial, FragmentCodec.Split(6, Message(3000, 2), 1000)[0], count);
        var interleaved = Assert.Throws<FragmentException>(() => AddFragment(partial, whole, count));
        Assert.That(interleaved!.Reason, Is.EqualTo(FragmentError.Interleaved));
        Assert.That(lent, Is.Zero);
    }

    [Test]
    public void A_whole_fragment_larger_than_the_maximum_message_is_reported_not_lent()
    {
        var whole = FragmentCodec.Split(7, Message(200, 1), 1000)[0];
        var lent = 0;
        var small = new Defragmenter(maxMessageLength: 100);
        Assert.That(FragmentCodec.TryRead(whole, 1000, out var fragment, out _, out _), Is.True);

        var error = Assert.Throws<FragmentException>(() => small.Add(fragment, (in PsrpMessageHeader _, ReadOnlyMemory<byte> _) => lent++));

        Assert.That(error!.Reason, Is.EqualTo(FragmentError.MessageTooLarge));
        Assert.That(lent, Is.Zero);
    }
}
