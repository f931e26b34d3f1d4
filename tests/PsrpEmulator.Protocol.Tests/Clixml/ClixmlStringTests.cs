using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class ClixmlStringTests
{
    [TestCase("a\nb", "a_x000A_b")]
    [TestCase("a\r\nb", "a_x000D__x000A_b")]
    [TestCase("\t", "_x0009_")]
    [TestCase("\0", "_x0000_")]
    [TestCase("\u001F", "_x001F_")]
    [TestCase("\u007F", "_x007F_")]
    [TestCase("\u0080", "_x0080_")]
    [TestCase("\u009F", "_x009F_")]
    [TestCase("\uFFFE\uFFFF", "_xFFFE__xFFFF_")]
    [TestCase("\uD801\uDC37", "_xD801__xDC37_")]
    [TestCase("_x", "_x005F_x")]
    [TestCase("_X", "_x005F_X")]
    [TestCase("a_x000A_b", "a_x005F_x000A_b")]
    [TestCase("\u00A0é€", "\u00A0é€")]
    public void Encode_escapes_as_MS_PSRP_and_Decode_inverts_it(string plain, string encoded)
    {
        Assert.That(ClixmlString.Encode(plain), Is.EqualTo(encoded));
        Assert.That(ClixmlString.Decode(encoded), Is.EqualTo(plain));
    }

    [TestCase("plain text")]
    [TestCase("a_b_c_")]
    [TestCase("_")]
    [TestCase("<&>\"'")]
    [TestCase("")]
    public void Text_without_special_characters_is_left_unchanged(string text)
    {
        Assert.That(ClixmlString.Encode(text), Is.SameAs(text));
        Assert.That(ClixmlString.Decode(text), Is.EqualTo(text));
    }

    [Test]
    public void Characters_to_escape_far_into_a_long_string_are_each_escaped()
    {
        // Past the vectorized search's first blocks, and several in one string, '_' both plain and before an x.
        var plain = new string('a', 300) + "\n" + new string('b', 100) + "_x_y" + new string('c', 70) + "\u0085" + new string('_', 40) + "\u00E9";
        var encoded = new string('a', 300) + "_x000A_" + new string('b', 100) + "_x005F_x_y" + new string('c', 70) + "_x0085_" + new string('_', 40) + "\u00E9";

        Assert.That(ClixmlString.Encode(plain), Is.EqualTo(encoded));
        Assert.That(ClixmlString.Decode(encoded), Is.EqualTo(plain));
    }

    [Test]
    public void Lone_high_surrogate_is_escaped_on_its_own() =>
        Assert.That(ClixmlString.Encode("a\uD800b"), Is.EqualTo("a_xD800_b"));

    [Test]
    public void Decode_accepts_lower_case_hex() =>
        Assert.That(ClixmlString.Decode("a_x000a__xd801__xdc37_"), Is.EqualTo("a\n\uD801\uDC37"));

    [Test]
    public void Decode_accepts_upper_case_X() => Assert.That(ClixmlString.Decode("_X0041_"), Is.EqualTo("A"));

    [Test]
    public void Decode_accepts_eight_digit_form_for_a_supplementary_code_point() =>
        Assert.That(ClixmlString.Decode("_x0001F600_"), Is.EqualTo("\U0001F600"));

    [TestCase("_x00G1_")]
    [TestCase("_x0041")]
    [TestCase("_x041_")]
    [TestCase("_y0041_")]
    [TestCase("_x_")]
    [TestCase("abc_x")]
    public void Decode_leaves_malformed_escape_as_literal_text(string text) =>
        Assert.That(ClixmlString.Decode(text), Is.EqualTo(text));

    [Test]
    public void Every_UTF16_code_unit_survives_encode_then_decode()
    {
        var all = new char[0x10000];
        for (var i = 0; i < all.Length; i++) all[i] = (char)i;
        var text = "_x" + new string(all) + "_X_x0041_";
        Assert.That(ClixmlString.Decode(ClixmlString.Encode(text)), Is.EqualTo(text));
    }
}
