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

    // A buffer of the length the pieces would have if they were all verbatim: the copy checks them as it goes and
    // refuses the one that needs escaping, wherever it is (short pieces, vector blocks, the overlapping last block).
    [TestCase("obj |7| " + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx<xxxxxxxxxxxxxxx")]
    [TestCase("obj |7| " + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx&")]
    [TestCase("_|x")]
    [TestCase("abc\u00e9")]
    [TestCase("surrogate \ud83d\ude00 pair in a longer piece of text")]
    [TestCase("lone \udc00")]
    [TestCase("|||\u007f")]
    [TestCase("\u0000")]
    public void A_string_output_that_needs_escaping_is_refused_by_a_buffer_of_its_unescaped_length(string joined)
    {
        var pieces = System.Text.RegularExpressions.Regex.Unescape(joined).Split('|');
        var unescaped = PsrpMessage.HeaderLength + 3 + "<S></S>".Length + pieces.Sum(p => p.Length);

        Assert.That(PsrpMessage.StringOutputLength(pieces), Is.EqualTo(-1));
        Assert.Throws<ArgumentException>(() => PsrpMessage.WriteStringOutput(new byte[unescaped], PsrpDestination.Client, Guid.Empty, Guid.Empty, pieces));
    }

    [Test]
    public void Random_pieces_written_into_a_buffer_are_the_bytes_of_their_string_or_are_refused()
    {
        // Verbatim characters mostly, now and then one CLIXML escapes or that could start an escape; empty and null
        // pieces; lengths around the vector widths.
        const string Plain = "obj 0123456789 xyzXYZ{}[]!?'\" -";
        string[] odd = ["_", "<", ">", "&", "\t", "\u00e9", "\ud83d", "\ude00", "\u007f", "\u0085", "\uffff", "_x0041_"];
        var random = new Random(20261128);
        var pool = Guid.Parse("8d4a5d8e-1b4c-4a39-9b6f-5a0c1e2f3a4b");
        var pipeline = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        var written = 0;
        var refused = 0;
        for (var n = 0; n < 3000; n++)
        {
            var pieces = new string?[random.Next(1, 5)];
            for (var p = 0; p < pieces.Length; p++)
            {
                if (random.Next(10) == 0) continue; // null
                var text = new StringBuilder();
                var length = random.Next(0, 4) switch { 0 => random.Next(0, 4), 1 => random.Next(4, 17), 2 => random.Next(17, 70), _ => random.Next(70, 200) };
                for (var c = 0; c < length; c++)
                {
                    text.Append(random.Next(150) == 0 ? System.Text.RegularExpressions.Regex.Unescape(odd[random.Next(odd.Length)]) : Plain[random.Next(Plain.Length)].ToString());
                }

                pieces[p] = text.ToString();
            }

            var joined = string.Concat(pieces);
            var measured = PsrpMessage.StringOutputLength(pieces);
            var plain = joined.All(c => c is >= ' ' and <= '~' and not ('<' or '>' or '&' or '_'));
            Assert.That(measured >= 0, Is.EqualTo(plain), joined);
            var unescaped = PsrpMessage.HeaderLength + 3 + "<S></S>".Length + joined.Length;
            var buffer = new byte[unescaped];
            if (!plain)
            {
                refused++;
                Assert.Throws<ArgumentException>(() => PsrpMessage.WriteStringOutput(buffer, PsrpDestination.Client, pool, pipeline, pieces), joined);
                continue;
            }

            written++;
            PsrpMessage.WriteStringOutput(buffer, PsrpDestination.Client, pool, pipeline, pieces);
            var expected = PsrpMessage.Encode(PsrpDestination.Client, pool, pipeline, new PipelineOutput(PsPrimitive.String(joined)));
            Assert.That(buffer, Is.EqualTo(expected), joined);
        }

        // Both kinds were tried, many times.
        Assert.That(written, Is.GreaterThan(300));
        Assert.That(refused, Is.GreaterThan(300));
    }
}
