using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>The vectorized check-and-copy of text CLIXML carries as it is, against the character list it stands for.</summary>
public class VerbatimTextTests
{
    // Lengths around the vector widths (8 and 16 characters to a vector, 16 and 32 to a copied block), where the
    // overlapping last block and the character-at-a-time tail take over.
    private static readonly int[] Lengths = [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 47, 48, 63, 64, 65, 81, 100];

    private static bool Reference(char c) => VerbatimText.Characters.Contains(c);

    [Test]
    public void The_character_list_is_printable_ASCII_without_markup_and_underscore()
    {
        var expected = Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('<' or '>' or '&' or '_'));
        Assert.That(string.Concat(expected), Is.EqualTo(VerbatimText.Characters));
    }

    [Test]
    public void Every_UTF16_code_unit_is_judged_as_the_list_says_at_every_kind_of_position()
    {
        var failures = new List<string>();
        var text = new char[128];
        var copy = new byte[128];
        for (var c = 0; c <= char.MaxValue && failures.Count < 10; c++)
        {
            var expected = Reference((char)c);
            if (VerbatimText.Is((char)c) != expected) failures.Add($"Is(U+{c:X4})");
            foreach (var length in Lengths)
            {
                // First, last, middle, and inside the block the overlapping last one rewrites.
                foreach (var at in new[] { 0, length - 1, length / 2, Math.Max(0, length - 17), Math.Max(0, length - 33) }.Distinct())
                {
                    var span = text.AsSpan(0, length);
                    span.Fill('x');
                    span[at] = (char)c;
                    if (VerbatimText.IsAll(span) != expected) failures.Add($"IsAll U+{c:X4} at {at} of {length}");
                    if (VerbatimText.TryCopy(span, copy) != expected) failures.Add($"TryCopy U+{c:X4} at {at} of {length}");
                    else if (expected && copy[at] != c) failures.Add($"TryCopy U+{c:X4} at {at} of {length} wrote {copy[at]:X2}");
                }
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void A_copy_is_the_ASCII_bytes_of_the_text_and_nothing_past_it()
    {
        var random = new Random(7);
        foreach (var length in Lengths.Append(0).Append(1000))
        {
            var text = string.Concat(Enumerable.Range(0, length).Select(_ => VerbatimText.Characters[random.Next(VerbatimText.Characters.Length)]));
            var copy = new byte[length + 8];
            copy.AsSpan().Fill(0xAA);

            Assert.That(VerbatimText.TryCopy(text, copy), Is.True, text);
            Assert.That(copy[..length], Is.EqualTo(Encoding.ASCII.GetBytes(text)), text);
            Assert.That(copy[length..], Is.All.EqualTo((byte)0xAA), "nothing past the text is written");
            Assert.That(VerbatimText.IsAll(text), Is.True, text);
        }
    }

    [Test]
    public void A_destination_shorter_than_the_text_is_refused() =>
        Assert.Throws<ArgumentException>(() => VerbatimText.TryCopy("abc", new byte[2]));
}
