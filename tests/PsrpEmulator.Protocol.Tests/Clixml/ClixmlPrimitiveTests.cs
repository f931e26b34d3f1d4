using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class ClixmlPrimitiveTests
{
    private static IEnumerable<TestCaseData> Primitives()
    {
        TestCaseData Case(PsPrimitive value, string xml) => new TestCaseData(value, xml).SetArgDisplayNames(xml);

        yield return Case(PsPrimitive.String("hello world"), "<S>hello world</S>");
        yield return Case(PsPrimitive.String(""), "<S></S>");
        yield return Case(PsPrimitive.String("  "), "<S>  </S>");
        yield return Case(PsPrimitive.String("<a & 'b' \"c\">"), "<S>&lt;a &amp; 'b' \"c\"&gt;</S>");
        yield return Case(PsPrimitive.Char('a'), "<C>97</C>");
        yield return Case(PsPrimitive.Char('\uFFFF'), "<C>65535</C>");
        yield return Case(PsPrimitive.Boolean(true), "<B>true</B>");
        yield return Case(PsPrimitive.Boolean(false), "<B>false</B>");
        yield return Case(PsPrimitive.DateTime(new DateTimeOffset(2012, 6, 1, 9, 36, 28, TimeSpan.FromHours(-7)).AddTicks(3561298)),
            "<DT>2012-06-01T09:36:28.3561298-07:00</DT>");
        yield return Case(PsPrimitive.DateTime(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero), DateTimeKind.Utc),
            "<DT>2024-02-29T23:59:59.0000000Z</DT>");
        yield return Case(PsPrimitive.DateTime(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero)),
            "<DT>2024-02-29T23:59:59.0000000+00:00</DT>");
        yield return Case(PsPrimitive.DateTime(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero), DateTimeKind.Unspecified),
            "<DT>2024-02-29T23:59:59.0000000</DT>");
        yield return Case(PsPrimitive.DateTime(new DateTimeOffset(2001, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(330))),
            "<DT>2001-01-02T03:04:05.0000000+05:30</DT>");
        yield return Case(PsPrimitive.Duration(TimeSpan.FromTicks(90269026)), "<TS>PT9.0269026S</TS>");
        yield return Case(PsPrimitive.Duration(new TimeSpan(1, 2, 3, 4)), "<TS>P1DT2H3M4S</TS>");
        yield return Case(PsPrimitive.Duration(TimeSpan.FromMinutes(-90)), "<TS>-PT1H30M</TS>");
        yield return Case(PsPrimitive.Byte(255), "<By>255</By>");
        yield return Case(PsPrimitive.SByte(-128), "<SB>-128</SB>");
        yield return Case(PsPrimitive.UInt16(65535), "<U16>65535</U16>");
        yield return Case(PsPrimitive.Int16(-32768), "<I16>-32768</I16>");
        yield return Case(PsPrimitive.UInt32(4294967295), "<U32>4294967295</U32>");
        yield return Case(PsPrimitive.Int32(-2147483648), "<I32>-2147483648</I32>");
        yield return Case(PsPrimitive.UInt64(18446744073709551615), "<U64>18446744073709551615</U64>");
        yield return Case(PsPrimitive.Int64(-9223372036854775808), "<I64>-9223372036854775808</I64>");
        yield return Case(PsPrimitive.Single(1.5f), "<Sg>1.5</Sg>");
        yield return Case(PsPrimitive.Single(0.1f), "<Sg>0.1</Sg>");
        yield return Case(PsPrimitive.Single(float.NegativeInfinity), "<Sg>-INF</Sg>");
        yield return Case(PsPrimitive.Double(0.1), "<Db>0.1</Db>");
        yield return Case(PsPrimitive.Double(1e20), "<Db>1E+20</Db>");
        yield return Case(PsPrimitive.Double(double.PositiveInfinity), "<Db>INF</Db>");
        yield return Case(PsPrimitive.Double(double.NegativeInfinity), "<Db>-INF</Db>");
        yield return Case(PsPrimitive.Double(double.NaN), "<Db>NaN</Db>");
        yield return Case(PsPrimitive.Decimal(1.5m), "<D>1.5</D>");
        yield return Case(PsPrimitive.Decimal(decimal.MaxValue), "<D>79228162514264337593543950335</D>");
        yield return Case(PsPrimitive.ByteArray([1, 2, 3]), "<BA>AQID</BA>");
        yield return Case(PsPrimitive.ByteArray([]), "<BA></BA>");
        yield return Case(PsPrimitive.Guid(new Guid("c7fbb1e1-b5fa-4b80-af30-ad674dc365f6")),
            "<G>c7fbb1e1-b5fa-4b80-af30-ad674dc365f6</G>");
        yield return Case(PsPrimitive.Uri("http://example.com/a?b=1&c=2"), "<URI>http://example.com/a?b=1&amp;c=2</URI>");
        yield return Case(PsPrimitive.Version("2.3"), "<Version>2.3</Version>");
        yield return Case(PsPrimitive.SemanticVersion("7.6.9-preview.1"), "<SemanticVersion>7.6.9-preview.1</SemanticVersion>");
        yield return Case(PsPrimitive.XmlDocument("<a>b</a>"), "<XD>&lt;a&gt;b&lt;/a&gt;</XD>");
        yield return Case(PsPrimitive.ScriptBlock("Get-Item .\n'x'"), "<SBK>Get-Item ._x000A_'x'</SBK>");
        yield return Case(PsPrimitive.SecureString("AQID"), "<SS>AQID</SS>");
    }

    [TestCaseSource(nameof(Primitives))]
    public void Primitive_is_written_as_its_tag_and_read_back_to_an_equal_value(PsPrimitive value, string xml)
    {
        Assert.That(ClixmlSerializer.SerializeToString(value), Is.EqualTo(xml));
        var back = ClixmlDeserializer.Deserialize(xml);
        Assert.That(back, Is.EqualTo(value));
        Assert.That(back, Is.TypeOf<PsPrimitive>());
        Assert.That(((PsPrimitive)back).Value.GetType(), Is.EqualTo(value.Value.GetType()));
        Assert.That(ClixmlSerializer.SerializeToString(back), Is.EqualTo(xml), "re-serialized text (keeps offset, scale, NaN)");
    }

    [TestCase("<DT>2024-02-29T23:59:59.0000000Z</DT>", DateTimeKind.Utc)]
    [TestCase("<DT>2024-02-29T23:59:59.0000000+00:00</DT>", DateTimeKind.Local)]
    [TestCase("<DT>2024-02-29T23:59:59.0000000-07:00</DT>", DateTimeKind.Local)]
    [TestCase("<DT>2024-02-29T23:59:59.0000000</DT>", DateTimeKind.Unspecified)]
    public void A_DateTime_reads_its_Kind_from_its_zone_as_XmlConvert_RoundtripKind_does(string xml, DateTimeKind kind)
    {
        var date = (PsPrimitive)ClixmlDeserializer.Deserialize(xml);

        Assert.That(date.DateKind, Is.EqualTo(kind));
        Assert.That(ClixmlSerializer.SerializeToString(date), Is.EqualTo(xml));
    }

    [Test]
    public void Nil_is_written_as_empty_Nil_element()
    {
        Assert.That(ClixmlSerializer.SerializeToString(PsNil.Instance), Is.EqualTo("<Nil />"));
        Assert.That(ClixmlDeserializer.Deserialize("<Nil />"), Is.SameAs(PsNil.Instance));
    }

    [Test]
    public void Markup_characters_far_apart_in_a_long_string_are_each_written_as_entities()
    {
        // Plain runs longer than the writer's 8 KB chunks, between and after the characters XML escapes.
        var text = new string('a', 20_000) + "<" + new string('b', 9_000) + "&>" + new string('c', 17_000) + "\u00E9" + new string('d', 100);

        var xml = ClixmlSerializer.SerializeToString(PsPrimitive.String(text));

        Assert.That(xml, Is.EqualTo("<S>" + new string('a', 20_000) + "&lt;" + new string('b', 9_000) + "&amp;&gt;" + new string('c', 17_000) + "\u00E9" + new string('d', 100) + "</S>"));
        Assert.That(((PsPrimitive)ClixmlDeserializer.Deserialize(xml)).Value, Is.EqualTo(text));
    }

    [Test]
    public void Newline_in_string_is_written_as_x000A_escape() =>
        Assert.That(ClixmlSerializer.SerializeToString(PsPrimitive.String("a\nb")), Is.EqualTo("<S>a_x000A_b</S>"));

    [Test]
    public void Literal_underscore_x_in_string_is_protected_with_x005F_escape() =>
        Assert.That(ClixmlSerializer.SerializeToString(PsPrimitive.String("_x")), Is.EqualTo("<S>_x005F_x</S>"));

    [Test]
    public void Surrogate_pair_in_string_is_written_as_two_escapes()
    {
        Assert.That(ClixmlSerializer.SerializeToString(PsPrimitive.String("\uD801\uDC37")), Is.EqualTo("<S>_xD801__xDC37_</S>"));
        Assert.That(ClixmlDeserializer.Deserialize("<S>_xD801__xDC37_</S>").AsString(), Is.EqualTo("\uD801\uDC37"));
    }

    [Test]
    public void C1_control_in_string_is_escaped() =>
        Assert.That(ClixmlSerializer.SerializeToString(PsPrimitive.String("\u0080")), Is.EqualTo("<S>_x0080_</S>"));

    [Test]
    public void Unescaped_supplementary_character_is_read_as_is() =>
        Assert.That(ClixmlDeserializer.Deserialize("<S>\U0001F600</S>").AsString(), Is.EqualTo("\U0001F600"));

    [TestCase("<S />", "")]
    [TestCase("<S></S>", "")]
    [TestCase("<S> </S>", " ")]
    [TestCase("<S>\n  a b \n</S>", "\n  a b \n")]
    [TestCase("<S>a<!-- c -->b</S>", "ab")]
    [TestCase("<S><![CDATA[<x>]]></S>", "<x>")]
    [TestCase("<S>&#x41;&lt;</S>", "A<")]
    public void String_text_is_read_exactly_including_whitespace(string xml, string expected) =>
        Assert.That(ClixmlDeserializer.Deserialize(xml).AsString(), Is.EqualTo(expected));

    [Test]
    public void Empty_BA_element_is_an_empty_array() =>
        Assert.That(ClixmlDeserializer.Deserialize("<BA />").AsByteArray(), Is.Empty);

    [Test]
    public void DateTime_without_zone_is_read_as_UTC() =>
        Assert.That(ClixmlDeserializer.Deserialize("<DT>2012-06-01T09:36:28.3561298</DT>").AsDateTime(),
            Is.EqualTo(new DateTimeOffset(2012, 6, 1, 9, 36, 28, TimeSpan.Zero).AddTicks(3561298)));

    [Test]
    public void Plain_DateTime_value_is_written_by_its_kind()
    {
        var utc = new PsPrimitive(PsPrimitiveType.DateTime, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var unspecified = new PsPrimitive(PsPrimitiveType.DateTime, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Unspecified));
        Assert.That(ClixmlSerializer.SerializeToString(utc), Is.EqualTo("<DT>2020-01-02T03:04:05.0000000Z</DT>"));
        Assert.That(ClixmlSerializer.SerializeToString(unspecified), Is.EqualTo("<DT>2020-01-02T03:04:05.0000000</DT>"));
    }

    [TestCase("<I32> 42 </I32>", 42)]
    [TestCase("<I32>+7</I32>", 7)]
    public void Integer_text_with_surrounding_whitespace_or_sign_is_accepted(string xml, int expected) =>
        Assert.That(ClixmlDeserializer.Deserialize(xml).AsInt32(), Is.EqualTo(expected));

    [Test]
    public void Value_of_the_wrong_CLR_type_is_rejected_when_serializing() =>
        Assert.Throws<ArgumentException>(() => ClixmlSerializer.Serialize(new PsPrimitive(PsPrimitiveType.Guid, "not a guid")));

    [Test]
    public void Compatible_integral_value_is_converted_when_serializing() =>
        Assert.That(ClixmlSerializer.SerializeToString(new PsPrimitive(PsPrimitiveType.Int64, 5)), Is.EqualTo("<I64>5</I64>"));

    [Test]
    public void Serialize_with_BOM_prefixes_UTF8_byte_order_mark()
    {
        var bytes = ClixmlSerializer.Serialize(PsPrimitive.String("é"), writeBom: true);
        Assert.That(bytes, Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("<S>é</S>")).ToArray()));
        Assert.That(ClixmlDeserializer.Deserialize(bytes).AsString(), Is.EqualTo("é"));
    }

    [Test]
    public void Serialize_appends_to_an_existing_buffer_writer()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        System.Buffers.BuffersExtensions.Write(buffer, "xy"u8);
        ClixmlSerializer.Serialize(buffer, PsPrimitive.Int32(1));
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("xy<I32>1</I32>"));
    }
}
