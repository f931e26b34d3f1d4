using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>The byte-level fast path of the deserializer builds exactly what the XmlReader path builds, or gives up.</summary>
public sealed class ClixmlFastPathTests
{
    private const string Ns = " xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"";

    public static IEnumerable<string> Documents =>
    [
        "<S>plain</S>",
        "<S></S>",
        "<S />",
        "<S>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42; &#x1F600; é ü 日本</S>",
        "<S>tab\tand\nnewline _x000D__x000A_ _x005F_x</S>",
        "<I32> 42 </I32>",
        "<I32>-2147483648</I32>",
        "<I64>9223372036854775807</I64>",
        "<B>true</B>",
        "<B> 1 </B>",
        "<Db>1.5</Db>",
        "<DT>2024-01-02T03:04:05.1234567Z</DT>",
        "<G>01234567-89ab-cdef-0123-456789abcdef</G>",
        "<BA>AQID</BA>",
        "<Version>5.1.17763.1</Version>",
        "<Nil />",
        "<Nil></Nil>",
        "<Objs Version=\"1.1.0.1\"" + Ns + "><S>first</S><I32>2</I32></Objs>",
        "<Objs Version=\"1.1.0.1\"" + Ns + ">\n  <Obj RefId=\"0\">\n    <TN RefId=\"0\">\n      <T>System.Management.Automation.PSCustomObject</T>\n      <T>System.Object</T>\n    </TN>\n    <MS>\n      <S N=\"Name\">x</S>\n      <I32 N=\"Count\">3</I32>\n      <Obj N=\"Child\" RefId=\"1\">\n        <TNRef RefId=\"0\" />\n        <MS>\n          <Ref N=\"Parent\" RefId=\"0\" />\n        </MS>\n      </Obj>\n    </MS>\n  </Obj>\n</Objs>",
        "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT><En><S N=\"Key\">a</S><I32 N=\"Value\">1</I32></En><En><S N=\"Key\">b</S></En></DCT></Obj>",
        "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Object[]</T></TN><LST><S>a</S><Nil /><Obj RefId=\"1\"><ToString>x &amp; y</ToString><I32>7</I32></Obj></LST></Obj>",
        "<Obj RefId='0'><IE /><Props><S N='A &amp; B'>v</S></Props><MS><B N=\"_x005F_x\">false</B></MS></Obj>",
        "<Obj RefId=\"0\"><STK><I32>1</I32></STK></Obj>",
        "<Obj RefId=\"0\"><QUE></QUE></Obj>",
        "<Obj  RefId = \"0\" ><MS ><S N=\"a\" >b</S ></MS></Obj >",
    ];

    /// <summary>Documents the fast path must leave to the XmlReader path (which accepts or rejects them).</summary>
    public static IEnumerable<string> GiveUps =>
    [
        "<!-- c --><S>a</S>",
        "<S><![CDATA[x]]></S>",
        "<?xml version=\"1.0\"?><S>a</S>",
        "<S>a\r\nb</S>",
        "<S>a]]>b</S>",
        "<ps:S xmlns:ps=\"urn:x\">a</ps:S>",
        "<S>a</S><S>b</S>",
        "<S>a</I32>",
        "<Obj RefId=\"0\"><Unknown /></Obj>",
        "<Obj RefId=\"0\" RefId=\"1\" />",
        "<I32>abc</I32>",
        "<S>&bogus;</S>",
        "<S>&#0;</S>",
        "<Ref RefId=\"5\" />",
        "<S foo=\"bar\">a</S>",
        // A bare '&' in the Version the fast path does not read is still not well-formed (found by ClixmlMutationTests).
        "<Objs Version=\"1.&.0.1\"" + Ns + "><S>a</S></Objs>",
    ];

    [TestCaseSource(nameof(Documents))]
    public void Fast_path_reads_what_the_XmlReader_path_reads(string xml)
    {
        var utf8 = Encoding.UTF8.GetBytes(xml);
        Assert.That(ClixmlFastReader.TryRead(utf8, ClixmlLimits.Default, out var fast), Is.True, "the fast path should take this document");
        var slow = ClixmlReaderCore.ReadWithXmlReader(utf8, ClixmlLimits.Default);
        Assert.That(Encoding.UTF8.GetString(ClixmlSerializer.Serialize(fast!)), Is.EqualTo(Encoding.UTF8.GetString(ClixmlSerializer.Serialize(slow))));
    }

    [TestCaseSource(nameof(GiveUps))]
    public void Fast_path_gives_up_on_what_it_does_not_handle(string xml)
    {
        Assert.That(ClixmlFastReader.TryRead(Encoding.UTF8.GetBytes(xml), ClixmlLimits.Default, out _), Is.False);
    }

    [Test]
    public void Fast_path_gives_up_past_the_limits()
    {
        var deep = string.Concat(Enumerable.Repeat("<Obj><LST>", 10)) + "<S>x</S>" + string.Concat(Enumerable.Repeat("</LST></Obj>", 10));
        Assert.That(ClixmlFastReader.TryRead(Encoding.UTF8.GetBytes(deep), ClixmlLimits.Default with { MaxDepth = 5 }, out _), Is.False);
        Assert.That(ClixmlFastReader.TryRead(Encoding.UTF8.GetBytes(deep), ClixmlLimits.Default with { MaxObjects = 3 }, out _), Is.False);
        Assert.That(ClixmlFastReader.TryRead(Encoding.UTF8.GetBytes(deep), ClixmlLimits.Default, out _), Is.True);
    }
}
