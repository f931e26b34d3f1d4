using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class ClixmlStringPiecesTests
{
    private static readonly byte[] Prefix = [1, 2, 3, 4, 5];

    [TestCase("obj |1| xxx")]
    [TestCase("a < b| & |c > d")]
    [TestCase("||")]
    [TestCase("Grüße |日本| é")]
    [TestCase("quote \" and apostrophe '|x")]
    public void Pieces_serialize_to_the_bytes_of_their_concatenated_string(string joined)
    {
        var pieces = joined.Split('|'); // the pieces, | between them
        var expected = ClixmlSerializer.Serialize(PsPrimitive.String(string.Concat(pieces)), writeBom: true, Prefix);

        var actual = ClixmlSerializer.SerializeString(pieces, writeBom: true, Prefix);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void A_long_piece_is_written_whole_across_the_writer_s_chunks()
    {
        string[] pieces = ["obj 7 ", new string('x', 100_000) + "<&>" + new string('y', 50_000)];
        var expected = ClixmlSerializer.Serialize(PsPrimitive.String(string.Concat(pieces)), writeBom: false, []);

        Assert.That(ClixmlSerializer.SerializeString(pieces, writeBom: false, []), Is.EqualTo(expected));

        string[] plain = ["obj 7 ", new string('x', 300_000), "!"];
        Assert.That(ClixmlSerializer.SerializeString(plain, writeBom: true, Prefix),
            Is.EqualTo(ClixmlSerializer.Serialize(PsPrimitive.String(string.Concat(plain)), writeBom: true, Prefix)));
    }

    // An underscore can make "_x" with the next piece; the others are characters CLIXML writes as _xHHHH_.
    [TestCase("a_|x0041_")]
    [TestCase("tab\there")]
    [TestCase("line\nbreak")]
    [TestCase("smile \U0001F600|x")]
    [TestCase("ok|\u0085")]
    public void Pieces_that_need_CLIXML_escaping_are_left_to_the_string_serializer(string joined) =>
        Assert.That(ClixmlSerializer.SerializeString(joined.Split('|'), writeBom: true, []), Is.Null);

    [Test]
    public void A_string_output_message_equals_the_message_of_the_concatenated_string()
    {
        var pool = Guid.NewGuid();
        var pipeline = Guid.NewGuid();
        string?[] pieces = ["obj ", "42", " padding"];
        var expected = PsrpMessage.Encode(PsrpDestination.Client, pool, pipeline, new PipelineOutput(PsPrimitive.String("obj 42 padding")), headroom: Fragment.HeaderLength);

        var actual = PsrpMessage.EncodeStringOutput(PsrpDestination.Client, pool, pipeline, pieces, headroom: Fragment.HeaderLength);

        Assert.That(actual, Is.EqualTo(expected));
        var message = PsrpMessage.Parse(actual.AsMemory(Fragment.HeaderLength));
        Assert.That(message.ReadData(), Is.TypeOf<PsPrimitive>().With.Property(nameof(PsPrimitive.Value)).EqualTo("obj 42 padding"));
        Assert.That(Encoding.UTF8.GetString(message.Data.Span), Does.Contain("<S>obj 42 padding</S>"));
    }

    [TestCase("obj |42| padding", true)]
    [TestCase("||", true)]
    [TestCase("quote \" and apostrophe '|x", false)]
    [TestCase("{}[]|()!?", true)]
    public void A_string_output_written_into_a_buffer_is_the_message_EncodeStringOutput_makes(string joined, bool writeBom)
    {
        var pool = Guid.Parse("8d4a5d8e-1b4c-4a39-9b6f-5a0c1e2f3a4b");
        var pipeline = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        var pieces = joined.Split('|');
        var expected = PsrpMessage.EncodeStringOutput(PsrpDestination.Client, pool, pipeline, pieces, writeBom)!;

        var length = PsrpMessage.StringOutputLength(pieces, writeBom);
        var actual = new byte[length + 2];
        actual.AsSpan().Fill(0xAA);
        PsrpMessage.WriteStringOutput(actual.AsSpan(1, length), PsrpDestination.Client, pool, pipeline, pieces, writeBom);

        Assert.That(length, Is.EqualTo(expected.Length));
        Assert.That(actual[1..^1], Is.EqualTo(expected));
        Assert.That((actual[0], actual[^1]), Is.EqualTo(((byte)0xAA, (byte)0xAA)), "nothing is written outside the message");
    }

    // Text CLIXML escapes, or that could start an escape with the next piece: no length, the message has to be encoded.
    [TestCase("a_|x0041_")]
    [TestCase("a < b")]
    [TestCase("a & b")]
    [TestCase("Grüße")]
    [TestCase("tab\there")]
    public void A_string_output_that_needs_escaping_has_no_length_to_write_into(string joined)
    {
        var pieces = joined.Split('|');
        Assert.That(PsrpMessage.StringOutputLength(pieces), Is.EqualTo(-1));
        Assert.Throws<ArgumentException>(() => PsrpMessage.WriteStringOutput(new byte[1000], PsrpDestination.Client, Guid.Empty, Guid.Empty, pieces));
    }

    [Test]
    public void A_string_output_is_not_written_into_a_buffer_of_another_length()
    {
        string[] pieces = ["obj ", "1"];
        var length = PsrpMessage.StringOutputLength(pieces);
        Assert.Throws<ArgumentException>(() => PsrpMessage.WriteStringOutput(new byte[length + 1], PsrpDestination.Client, Guid.Empty, Guid.Empty, pieces));
    }
}
