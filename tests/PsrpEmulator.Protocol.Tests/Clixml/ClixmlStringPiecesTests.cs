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
}
