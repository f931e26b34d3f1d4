using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>The client's stream defragmenter against a hostile server: what it keeps is bounded, errors are PowerShell's.</summary>
public class HostileStreamDefragmenterTests
{
    private static readonly Guid Rpid = new("B6631D8E-65A0-49F2-9053-A1B156C95777");

    private static byte[] Fragment(ulong objectId, ulong fragmentId, bool start, bool end, byte[] blob)
    {
        var f = new Fragment(objectId, fragmentId, start, end, blob);
        var bytes = new byte[f.EncodedLength];
        FragmentCodec.Write(bytes, f);
        return bytes;
    }

    private static byte[] Message(int dataLength) =>
        new PsrpMessage(PsrpDestination.Client, PsrpMessageType.PipelineOutput, Rpid, Guid.Empty, new byte[dataLength]).ToArray();

    [Test]
    public void An_object_that_never_ends_fails_at_the_maximum_message_size()
    {
        var defragmenter = new StreamDefragmenter(maxMessageLength: 64 * 1024);
        defragmenter.Add(Fragment(1, 0, start: true, end: false, new byte[1000]));

        var e = Assert.Throws<FragmentException>(() =>
        {
            for (ulong id = 1; id < 1_000; id++) defragmenter.Add(Fragment(1, id, start: false, end: false, new byte[1000]));
        });

        Assert.That(e!.Reason, Is.EqualTo(FragmentError.MessageTooLarge));
    }

    [Test]
    public void Repeated_start_fragments_restart_the_object_and_keep_nothing_of_the_old_one()
    {
        var defragmenter = new StreamDefragmenter(maxMessageLength: 64 * 1024);
        // 1000 starts of 1000 bytes each: 1 MB if the partial objects were kept, far over the maximum.
        for (var i = 0; i < 1000; i++) defragmenter.Add(Fragment(1, 0, start: true, end: false, new byte[1000]));

        var message = Message(10);
        var messages = defragmenter.Add(Fragment(2, 0, start: true, end: true, message));

        Assert.That(messages.Single().MessageType, Is.EqualTo(PsrpMessageType.PipelineOutput));
    }

    [Test]
    public void A_repeated_whole_message_is_delivered_twice_and_a_repeated_middle_fragment_fails_as_powershell()
    {
        var defragmenter = new StreamDefragmenter();
        var whole = Fragment(1, 0, start: true, end: true, Message(5));
        Assert.That(defragmenter.Add(whole.Concat(whole).ToArray()), Has.Count.EqualTo(2));

        var parts = FragmentCodec.Split(2, Message(300), 100);
        defragmenter.Add(parts[0]);
        defragmenter.Add(parts[1]);
        var e = Assert.Throws<FragmentException>(() => defragmenter.Add(parts[1]));
        Assert.That(e!.Message, Is.EqualTo(StreamDefragmenter.FragmentIdsNotInSequence));
    }

    /// <summary>What one chunk gives: its messages (type and payload) and the error it ends with, if any.</summary>
    private static string Outcome(Func<List<string>> add)
    {
        try
        {
            return string.Join(";", add());
        }
        catch (FragmentException e)
        {
            return "error " + e.Reason + ": " + e.Message;
        }
    }

    [Test]
    public void Lending_messages_as_header_and_payload_gives_what_copying_gives_on_hostile_chunks([Range(0, 3)] int batch)
    {
        // Pieces of three messages (one of several fragments), repeated, swapped, cut and run together, some after a
        // stream connect: the lending path (each fragment read once, handed over as read) must deliver and fail
        // exactly as the copying path.
        var random = new Random(300 + batch);
        for (var run = 0; run < 50; run++)
        {
            var copying = new StreamDefragmenter(maxMessageLength: 4096);
            var lending = new StreamDefragmenter(maxMessageLength: 4096);
            if (random.Next(3) == 0)
            {
                copying.PrepareForStreamConnect();
                lending.PrepareForStreamConnect();
            }

            var pieces = new List<byte[]>();
            pieces.AddRange(FragmentCodec.Split(1, Message(10 + random.Next(50)), 1000));
            pieces.AddRange(FragmentCodec.Split(2, Message(300 + random.Next(200)), 100));
            pieces.AddRange(FragmentCodec.Split(3, Message(random.Next(20)), 1000));
            pieces.Add(Fragment(4, 0, start: true, end: true, new byte[5000])); // over the maximum
            pieces.Add(Fragment(5, 0, start: true, end: true, new byte[12])); // shorter than a message header
            for (var chunkNo = 0; chunkNo < 12; chunkNo++)
            {
                var chunk = Enumerable.Range(0, random.Next(1, 4)).SelectMany(_ => pieces[random.Next(pieces.Count)]).ToArray();
                if (random.Next(6) == 0) chunk = chunk[..random.Next(chunk.Length)];
                var copied = Outcome(() => copying.Add(chunk).Select(m => m.MessageType + ":" + Convert.ToHexString(m.Data.Span)).ToList());
                var lent = Outcome(() =>
                {
                    var got = new List<string>();
                    lending.Add(chunk, (in PsrpMessageHeader header, ReadOnlyMemory<byte> data) => got.Add(header.MessageType + ":" + Convert.ToHexString(data.Span)));
                    return got;
                });
                if (lent != copied) Assert.Fail($"batch {batch} run {run} chunk {chunkNo}:\ncopying: {copied}\nlending: {lent}");
            }

            Assert.That(lending.DiscardedFragments, Is.EqualTo(copying.DiscardedFragments));
        }
    }

    private static byte[] Message(int dataLength, byte fill) =>
        new PsrpMessage(PsrpDestination.Client, PsrpMessageType.PipelineOutput, Rpid, Guid.Empty, Enumerable.Repeat(fill, dataLength).ToArray()).ToArray();

    private static List<string> Lend(StreamDefragmenter defragmenter, byte[] chunk)
    {
        var got = new List<string>();
        defragmenter.Add(chunk, (in PsrpMessageHeader header, ReadOnlyMemory<byte> data) => got.Add(header.MessageType + ":" + Convert.ToHexString(data.Span)));
        return got;
    }

    private static List<string> Copy(StreamDefragmenter defragmenter, byte[] chunk) =>
        defragmenter.Add(chunk).Select(m => m.MessageType + ":" + Convert.ToHexString(m.Data.Span)).ToList();

    [Test]
    public void A_fragment_cut_anywhere_between_two_stream_chunks_waits_for_the_rest_as_PowerShell_does()
    {
        // Two whole messages and a two-fragment one, cut at every byte: nothing is reported at the cut, each message
        // comes out once, when its last byte has arrived (PowerShell's ReceiveDataCollection keeps the bytes).
        var first = FragmentCodec.Split(1, Message(30, 0xA1), 1000).Single();
        var second = FragmentCodec.Split(2, Message(200, 0xB2), 150);
        var third = FragmentCodec.Split(3, Message(10, 0xC3), 1000).Single();
        var stream = first.Concat(second[0]).Concat(second[1]).Concat(third).ToArray();
        var expected = new[] { Message(30, 0xA1), Message(200, 0xB2), Message(10, 0xC3) }
            .Select(m => PsrpMessageType.PipelineOutput + ":" + Convert.ToHexString(PsrpMessage.Parse(m).Data.Span)).ToList();
        foreach (var (name, add) in new (string, Func<StreamDefragmenter, byte[], List<string>>)[] { ("copying", Copy), ("lending", Lend) })
        {
            for (var cut = 1; cut < stream.Length; cut++)
            {
                var defragmenter = new StreamDefragmenter();
                var got = add(defragmenter, stream[..cut]);
                var complete = new[] { first.Length, first.Length + second[0].Length + second[1].Length, stream.Length }.Count(end => end <= cut);
                Assert.That(got, Is.EqualTo(expected.Take(complete)), $"{name}, cut at {cut}: before the cut");
                var boundary = cut == first.Length || cut == first.Length + second[0].Length || cut == first.Length + second[0].Length + second[1].Length;
                Assert.That(defragmenter.PendingBytes, boundary ? Is.Zero : Is.GreaterThan(0), $"{name}, cut at {cut}");
                got.AddRange(add(defragmenter, stream[cut..]));
                Assert.That(got, Is.EqualTo(expected), $"{name}, cut at {cut}");
                Assert.That(defragmenter.PendingBytes, Is.Zero, $"{name}, cut at {cut}");
            }
        }
    }

    [Test]
    public void A_fragment_arriving_a_byte_at_a_time_is_delivered_once_whole()
    {
        var whole = FragmentCodec.Split(7, Message(64, 0x5A), 1000).Single();
        var defragmenter = new StreamDefragmenter();
        var got = new List<string>();
        foreach (var b in whole) got.AddRange(Lend(defragmenter, [b]));

        Assert.That(got, Has.Count.EqualTo(1));
        Assert.That(got[0], Does.EndWith(Convert.ToHexString(PsrpMessage.Parse(Message(64, 0x5A)).Data.Span)));
    }

    [Test]
    public void A_broken_header_completed_by_the_next_chunk_fails_with_its_reason()
    {
        // Reserved flag bits set: the error comes once the header is whole, as for a header that arrives in one piece.
        var bad = Fragment(1, 0, start: true, end: true, Message(5));
        bad[16] |= 0x80;
        var defragmenter = new StreamDefragmenter();
        Assert.That(defragmenter.Add(bad[..10]), Is.Empty);

        var e = Assert.Throws<FragmentException>(() => defragmenter.Add(bad[10..]));
        Assert.That(e!.Reason, Is.EqualTo(FragmentError.ReservedFlagsSet));
        Assert.That(defragmenter.PendingBytes, Is.Zero);
    }

    [Test]
    public void A_chunk_no_longer_than_a_header_waits_even_when_it_is_a_whole_empty_fragment()
    {
        // PowerShell tests Length <= HeaderLength: an empty continuation fragment alone is held, and goes on with the
        // next chunk.
        var message = Message(40);
        var start = Fragment(4, 0, start: true, end: false, message);
        var empty = Fragment(4, 1, start: false, end: false, []);
        var end = Fragment(4, 2, start: false, end: true, []);
        var defragmenter = new StreamDefragmenter();

        Assert.That(defragmenter.Add(start), Is.Empty);
        Assert.That(defragmenter.Add(empty), Is.Empty);
        Assert.That(defragmenter.PendingBytes, Is.EqualTo(empty.Length));
        // The end fragment is empty too: held as well, until anything more comes.
        Assert.That(defragmenter.Add(end), Is.Empty);
        Assert.That(defragmenter.PendingBytes, Is.EqualTo(end.Length));
        var next = Fragment(5, 0, start: true, end: true, Message(3));
        var got = defragmenter.Add(next);
        Assert.That(got.Select(m => m.Data.Length), Is.EqualTo(new[] { 40, 3 }));
        Assert.That(got[0].Data.ToArray(), Is.EqualTo(PsrpMessage.Parse(message).Data.ToArray()));
        Assert.That(defragmenter.PendingBytes, Is.Zero);
    }
}
