using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>
/// The plain-string shortcut of the deserializer (<c>&lt;S&gt;text&lt;/S&gt;</c> read straight from the bytes) makes
/// what the other readers make, and takes nothing they would read differently.
/// </summary>
public sealed class ClixmlPlainStringTests
{
    private static string Described(PsValue value) => Encoding.UTF8.GetString(ClixmlSerializer.Serialize(value));

    private static string Outcome(Func<PsValue> read)
    {
        try
        {
            var value = read();
            return value is PsPrimitive { Value: string s } ? "string:" + s + "|" + Described(value) : Described(value);
        }
        catch (ClixmlException e)
        {
            return "error " + e.Reason + ": " + e.Message;
        }
    }

    [TestCase("<S>obj 1 xxxxxxxxxxxxxxxxxxxx</S>", "obj 1 xxxxxxxxxxxxxxxxxxxx")]
    [TestCase("<S></S>", "")]
    [TestCase("<S>tab\tnewline\n > \" ' [ } ~</S>", "tab\tnewline\n > \" ' [ } ~")]
    public void A_plain_string_document_is_read_by_the_shortcut_as_the_XmlReader_reads_it(string xml, string expected)
    {
        var utf8 = Encoding.UTF8.GetBytes(xml);

        var plain = ClixmlReaderCore.TryReadPlainString(utf8, ClixmlLimits.Default);

        Assert.That(plain, Is.Not.Null);
        Assert.That(plain!.Type, Is.EqualTo(PsPrimitiveType.String));
        Assert.That(plain.Value, Is.EqualTo(expected));
        Assert.That(Outcome(() => plain), Is.EqualTo(Outcome(() => ClixmlReaderCore.ReadWithXmlReader(utf8, ClixmlLimits.Default))));
    }

    [TestCase("<S>a_x000D_b</S>")]
    [TestCase("<S>a &amp; b</S>")]
    [TestCase("<S>a\r\nb</S>")]
    [TestCase("<S>a]]>b</S>")]
    [TestCase("<S>é</S>")]
    [TestCase("<S>a</S> ")]
    [TestCase(" <S>a</S>")]
    [TestCase("<S xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">a</S>")]
    [TestCase("<S>a</S><S>b</S>")]
    [TestCase("<S/>")]
    [TestCase("<I32>1</I32>")]
    public void Documents_other_than_a_plain_string_are_left_to_the_readers(string xml)
    {
        Assert.That(ClixmlReaderCore.TryReadPlainString(Encoding.UTF8.GetBytes(xml), ClixmlLimits.Default), Is.Null);
    }

    [Test]
    public void A_depth_limit_below_one_element_leaves_even_a_plain_string_to_the_readers()
    {
        Assert.That(ClixmlReaderCore.TryReadPlainString("<S>a</S>"u8, ClixmlLimits.Default with { MaxDepth = 0 }), Is.Null);
    }

    [Test]
    public void Random_string_documents_read_the_same_through_the_deserializer_and_the_XmlReader([Range(0, 3)] int batch)
    {
        // Bytes that matter to XML or CLIXML in text, around plain ones; with and without a BOM.
        var pieces = "a|b| |Z|0|9|\t|\n|\r|&|<|>|]|]]>|_|x|_x000A_|_x005F_|&amp;|&#65;|;|#|\"|'|é".Split('|').Select(Encoding.UTF8.GetBytes)
            .Concat([[0x01], [0x7F], [0xFF]]).ToArray();
        var random = new Random(500 + batch);
        var taken = 0;
        for (var i = 0; i < 500; i++)
        {
            var text = Enumerable.Range(0, random.Next(0, 12)).SelectMany(_ => random.Next(4) == 0 ? pieces[random.Next(pieces.Length)] : [(byte)('a' + random.Next(26))]).ToArray();
            var bom = random.Next(3) == 0 ? new byte[] { 0xEF, 0xBB, 0xBF } : [];
            var doc = bom.Concat("<S>"u8.ToArray()).Concat(text).Concat("</S>"u8.ToArray()).ToArray();
            if (ClixmlReaderCore.TryReadPlainString(doc.AsSpan(bom.Length), ClixmlLimits.Default) is not null) taken++;

            var viaDeserializer = Outcome(() => ClixmlDeserializer.Deserialize(doc));
            var viaXmlReader = Outcome(() => ClixmlReaderCore.ReadWithXmlReader(doc.AsSpan(bom.Length), ClixmlLimits.Default));
            if (viaDeserializer != viaXmlReader) Assert.Fail($"case {batch}/{i}: {Convert.ToHexString(doc)}\ndeserializer: {viaDeserializer}\nXmlReader:    {viaXmlReader}");
        }

        Assert.That(taken, Is.GreaterThan(50), "the shortcut should take many of these documents");
    }
}
