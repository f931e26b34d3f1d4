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
}
