using System.Buffers;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class FragmentCodecTests
{
    private static byte[] Encode(ulong objectId, ulong fragmentId, bool start, bool end, byte[] blob)
    {
        var fragment = new Fragment(objectId, fragmentId, start, end, blob);
        var bytes = new byte[fragment.EncodedLength];
        Assert.That(FragmentCodec.Write(bytes, fragment), Is.EqualTo(bytes.Length));
        return bytes;
    }

    [Test]
    public void Header_is_big_endian_with_flags_and_blob_length()
    {
        var bytes = Encode(0x0102030405060708, 0x1112131415161718, true, false, [0xAA, 0xBB]);
        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("0102030405060708" + "1112131415161718" + "01" + "00000002" + "AABB"));
    }

    [Test]
    public void Written_fragment_reads_back_and_consumes_exactly_its_length()
    {
        var bytes = Encode(7, 3, false, true, [1, 2, 3]).Concat(new byte[] { 0xFF, 0xFF }).ToArray();
        Assert.That(FragmentCodec.TryRead(bytes, 100, out var f, out var consumed, out var error), Is.True);
        Assert.That(error, Is.EqualTo(FragmentError.None));
        Assert.That(consumed, Is.EqualTo(24));
        Assert.That((f.ObjectId, f.FragmentId, f.IsStart, f.IsEnd), Is.EqualTo((7UL, 3UL, false, true)));
        Assert.That(f.Blob.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Every_prefix_of_a_valid_fragment_sequence_is_truncated_and_consumes_nothing()
    {
        var message = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var stream = FragmentCodec.Split(5, message, 21 + 30).SelectMany(b => b).ToArray();

        var offset = 0;
        while (offset < stream.Length)
        {
            Assert.That(FragmentCodec.TryRead(stream.AsMemory(offset), 1000, out _, out var fullLength, out _), Is.True);
            for (var prefix = 0; prefix < fullLength; prefix++)
            {
                var ok = FragmentCodec.TryRead(stream.AsMemory(offset, prefix), 1000, out _, out var consumed, out var error);
                Assert.That(ok, Is.False, $"prefix {prefix} at {offset}");
                Assert.That(error, Is.EqualTo(FragmentError.Truncated));
                Assert.That(consumed, Is.Zero);
            }

            offset += fullLength;
        }

        Assert.That(offset, Is.EqualTo(stream.Length));
    }

    [TestCase((byte)0x04)]
    [TestCase((byte)0x80)]
    [TestCase((byte)0x07)]
    public void Fragment_with_reserved_flag_bits_is_rejected(byte flags)
    {
        var bytes = Encode(1, 0, true, true, [1]);
        bytes[16] = flags;
        Assert.That(FragmentCodec.TryRead(bytes, 100, out _, out var consumed, out var error), Is.False);
        Assert.That(error, Is.EqualTo(FragmentError.ReservedFlagsSet));
        Assert.That(consumed, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(8)]
    public void Id_with_the_sign_bit_set_is_rejected(int offset)
    {
        var bytes = Encode(1, 0, true, true, [1]);
        bytes[offset] |= 0x80;
        Assert.That(FragmentCodec.TryRead(bytes, 100, out _, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(FragmentError.InvalidId));
    }

    [Test]
    public void Blob_larger_than_the_maximum_is_rejected_before_it_arrives()
    {
        var header = Encode(1, 0, true, true, new byte[101])[..21];
        Assert.That(FragmentCodec.TryRead(header, 100, out _, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(FragmentError.BlobTooLarge));
    }

    [Test]
    public void Blob_length_above_int_max_is_too_large_not_an_overflow()
    {
        var header = Encode(1, 0, true, true, [])[..21];
        header[17] = 0xFF;
        Assert.That(FragmentCodec.TryRead(header, int.MaxValue, out _, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(FragmentError.BlobTooLarge));
    }

    [Test]
    public void Empty_message_is_one_fragment_with_start_and_end()
    {
        var fragments = FragmentCodec.Split(9, [], 100);
        Assert.That(fragments, Has.Count.EqualTo(1));
        Assert.That(Convert.ToHexString(fragments[0]), Is.EqualTo("0000000000000009" + "0000000000000000" + "03" + "00000000"));
    }

    [TestCase(-1)]
    [TestCase(0)]
    [TestCase(21)]
    public void Fragment_length_that_leaves_no_room_for_a_blob_is_rejected(int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentCodec.Split(1, [1], max));
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentCodec.WriteMessage(new ArrayBufferWriter<byte>(), 1, [1], max));
    }

    [TestCase(1, 22)]
    [TestCase(10, 31)]
    [TestCase(11, 31)]
    [TestCase(100, 31)]
    [TestCase(100, 121)]
    [TestCase(100, 122)]
    [TestCase(100, 1000)]
    public void Split_respects_the_maximum_and_flags_and_ids_are_in_sequence(int messageLength, int max)
    {
        var message = Enumerable.Range(0, messageLength).Select(i => (byte)(i * 7)).ToArray();
        var fragments = FragmentCodec.Split(42, message, max);
        var expectedCount = (messageLength + max - 22) / (max - 21);
        Assert.That(fragments, Has.Count.EqualTo(expectedCount));

        var reassembled = new List<byte>();
        for (var i = 0; i < fragments.Count; i++)
        {
            Assert.That(fragments[i], Has.Length.LessThanOrEqualTo(max));
            Assert.That(FragmentCodec.TryRead(fragments[i], max, out var f, out var consumed, out _), Is.True);
            Assert.That(consumed, Is.EqualTo(fragments[i].Length));
            Assert.That((f.ObjectId, f.FragmentId, f.IsStart, f.IsEnd), Is.EqualTo((42UL, (ulong)i, i == 0, i == fragments.Count - 1)));
            reassembled.AddRange(f.Blob.ToArray());
        }

        Assert.That(reassembled, Is.EqualTo(message));
    }

    [Test]
    public void WriteMessage_writes_the_same_bytes_as_Split()
    {
        var message = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var writer = new ArrayBufferWriter<byte>(1);
        FragmentCodec.WriteMessage(writer, 3, message, 121);
        Assert.That(writer.WrittenSpan.ToArray(), Is.EqualTo(FragmentCodec.Split(3, message, 121).SelectMany(b => b).ToArray()));
    }

    [Test]
    public void WriteHeader_writes_the_header_Write_writes_before_the_blob()
    {
        var blob = new byte[] { 1, 2, 3, 4, 5 };
        var fragment = new Fragment(7, 0, true, true, blob);
        var whole = new byte[fragment.EncodedLength];
        FragmentCodec.Write(whole, fragment);
        var header = new byte[Fragment.HeaderLength];

        FragmentCodec.WriteHeader(header, fragment);

        Assert.That(header, Is.EqualTo(whole.AsSpan(0, Fragment.HeaderLength).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentCodec.WriteHeader(header, new Fragment(1UL << 63, 0, true, true, blob)));
    }
}
