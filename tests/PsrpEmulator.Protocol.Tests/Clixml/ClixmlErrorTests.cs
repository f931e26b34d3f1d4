using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class ClixmlErrorTests
{
    private static ClixmlError ReasonFor(string xml, ClixmlLimits? limits = null)
        => Assert.Throws<ClixmlException>(() => ClixmlDeserializer.Deserialize(xml, limits))!.Reason;

    private static string Nested(int objects)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < objects; i++) sb.Append(i == 0 ? "<Obj" : "<Obj N=\"c\"").Append(" RefId=\"").Append(i).Append("\"><MS>");
        sb.Append("<I32 N=\"leaf\">1</I32>");
        for (var i = 0; i < objects; i++) sb.Append("</MS></Obj>");
        return sb.ToString();
    }

    [Test]
    public void Document_with_a_DTD_is_rejected_as_DtdProhibited() =>
        Assert.That(ReasonFor("<!DOCTYPE S [<!ENTITY x \"boom\">]><S>&x;</S>"), Is.EqualTo(ClixmlError.DtdProhibited));

    [Test]
    public void Billion_laughs_DTD_is_rejected_before_any_expansion() =>
        Assert.That(ReasonFor("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>" +
            "<S>&lol2;</S>"), Is.EqualTo(ClixmlError.DtdProhibited));

    [Test]
    public void External_entity_DTD_is_rejected() =>
        Assert.That(ReasonFor("<!DOCTYPE S SYSTEM \"file:///etc/passwd\"><S>x</S>"), Is.EqualTo(ClixmlError.DtdProhibited));

    [Test]
    public void Nesting_deeper_than_MaxDepth_is_rejected()
    {
        var limits = new ClixmlLimits { MaxDepth = 8 };
        // Obj, MS per level, then the leaf: 3 levels = depth 7, 4 levels = depth 9.
        Assert.That(ClixmlDeserializer.Deserialize(Nested(3), limits), Is.TypeOf<PsObject>());
        Assert.That(ReasonFor(Nested(4), limits), Is.EqualTo(ClixmlError.DepthLimitExceeded));
    }

    [Test]
    public void Very_deep_nesting_is_rejected_by_the_default_limit_without_stack_overflow() =>
        Assert.That(ReasonFor(Nested(10_000)), Is.EqualTo(ClixmlError.DepthLimitExceeded));

    [Test]
    public void Raised_MaxDepth_still_fails_cleanly_instead_of_overflowing_the_stack() =>
        Assert.That(ReasonFor(Nested(50_000), new ClixmlLimits { MaxDepth = int.MaxValue, MaxObjects = int.MaxValue, MaxDocumentBytes = int.MaxValue }),
            Is.EqualTo(ClixmlError.DepthLimitExceeded));

    [Test]
    public void More_objects_than_MaxObjects_is_rejected()
    {
        var limits = new ClixmlLimits { MaxObjects = 2 };
        Assert.That(ClixmlDeserializer.Deserialize(Nested(2), limits), Is.TypeOf<PsObject>());
        Assert.That(ReasonFor(Nested(3), limits), Is.EqualTo(ClixmlError.ObjectLimitExceeded));
    }

    [Test]
    public void More_references_than_MaxReferences_is_rejected()
    {
        var limits = new ClixmlLimits { MaxReferences = 2 };
        const string Two = "<Obj RefId=\"0\"><LST><Ref RefId=\"0\" /><Ref RefId=\"0\" /></LST></Obj>";
        const string Three = "<Obj RefId=\"0\"><LST><Ref RefId=\"0\" /><Ref RefId=\"0\" /><Ref RefId=\"0\" /></LST></Obj>";
        Assert.That(ClixmlDeserializer.Deserialize(Two, limits), Is.TypeOf<PsObject>());
        Assert.That(ReasonFor(Three, limits), Is.EqualTo(ClixmlError.ReferenceLimitExceeded));
    }

    [Test]
    public void Input_longer_than_MaxDocumentBytes_is_rejected_before_parsing()
    {
        var limits = new ClixmlLimits { MaxDocumentBytes = 17 };
        Assert.That(ClixmlDeserializer.Deserialize("<S>0123456789</S>"u8, limits).AsString(), Is.EqualTo("0123456789"));
        // Not even well-formed: the size check must come first.
        Assert.That(ReasonFor("<S>0123456789ABCDEF", limits), Is.EqualTo(ClixmlError.DocumentTooLarge));
    }

    [TestCase("<Foo />")]
    [TestCase("<Obj RefId=\"0\"><Bar /></Obj>")]
    [TestCase("<Obj RefId=\"0\"><MS><Baz N=\"x\">1</Baz></MS></Obj>")]
    [TestCase("<Obj RefId=\"0\"><LST><Qux /></LST></Obj>")]
    [TestCase("<Obj RefId=\"0\"><TN RefId=\"0\"><X>a</X></TN></Obj>")]
    [TestCase("<Obj RefId=\"0\"><DCT><Entry /></DCT></Obj>")]
    [TestCase("<Obj RefId=\"0\"><Obj RefId=\"1\" /></Obj>")]
    public void Unknown_element_is_rejected(string xml) => Assert.That(ReasonFor(xml), Is.EqualTo(ClixmlError.UnknownElement));

    [TestCase("<I32>abc</I32>")]
    [TestCase("<I32>2147483648</I32>")]
    [TestCase("<I32></I32>")]
    [TestCase("<By>-1</By>")]
    [TestCase("<B>yes</B>")]
    [TestCase("<C>70000</C>")]
    [TestCase("<DT>yesterday</DT>")]
    [TestCase("<TS>9 seconds</TS>")]
    [TestCase("<Db>1,5</Db>")]
    [TestCase("<G>not-a-guid</G>")]
    [TestCase("<BA>***</BA>")]
    [TestCase("<I32><S>1</S></I32>")]
    [TestCase("<Obj RefId=\"0\"><ToString>x</ToString><I32>x</I32></Obj>")]
    public void Bad_primitive_text_is_rejected(string xml) =>
        Assert.That(ReasonFor(xml), Is.EqualTo(ClixmlError.InvalidPrimitiveValue));

    [Test]
    public void Ref_to_an_unknown_RefId_is_rejected() =>
        Assert.That(ReasonFor("<Obj RefId=\"0\"><MS><Ref N=\"a\" RefId=\"5\" /></MS></Obj>"), Is.EqualTo(ClixmlError.UnknownReference));

    [Test]
    public void Ref_to_an_object_defined_later_is_rejected() =>
        Assert.That(ReasonFor("<Obj RefId=\"0\"><LST><Ref RefId=\"1\" /><Obj RefId=\"1\" /></LST></Obj>"),
            Is.EqualTo(ClixmlError.UnknownReference));

    [Test]
    public void TNRef_to_an_unknown_RefId_is_rejected() =>
        Assert.That(ReasonFor("<Obj RefId=\"0\"><TNRef RefId=\"3\" /></Obj>"), Is.EqualTo(ClixmlError.UnknownTypeNameReference));

    [TestCase("<S>abc")]
    [TestCase("<S>a</T>")]
    [TestCase("<S>a</S><S>b</S>")]
    [TestCase("<S>a</S>trailing")]
    [TestCase("not xml at all")]
    [TestCase("<Obj RefId=\"0\"><MS>text<I32 N=\"a\">1</I32></MS></Obj>")]
    [TestCase("<Obj RefId=\"zero\" />")]
    [TestCase("<Ref />")]
    [TestCase("<Obj RefId=\"0\"><MS><I32>1</I32></MS></Obj>")]
    [TestCase("<Obj RefId=\"0\"><DCT><En><S N=\"Value\">v</S></En></DCT></Obj>")]
    [TestCase("<S>\u0001</S>")]
    public void Malformed_document_is_rejected(string xml) => Assert.That(ReasonFor(xml), Is.EqualTo(ClixmlError.MalformedXml));

    [Test]
    public void Invalid_UTF8_is_rejected_as_malformed()
    {
        byte[] bytes = [.. "<S>"u8, 0xC3, 0x28, .. "</S>"u8];
        Assert.That(Assert.Throws<ClixmlException>(() => ClixmlDeserializer.Deserialize(bytes))!.Reason, Is.EqualTo(ClixmlError.MalformedXml));
    }

    [TestCase("")]
    [TestCase("  \r\n")]
    [TestCase("\uFEFF")]
    [TestCase("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\" />")]
    public void Empty_document_is_rejected_as_Empty(string xml) => Assert.That(ReasonFor(xml), Is.EqualTo(ClixmlError.Empty));

    [Test]
    public void Malformed_error_keeps_the_XmlException_as_inner_exception()
    {
        var ex = Assert.Throws<ClixmlException>(() => ClixmlDeserializer.Deserialize("<S>abc"))!;
        Assert.That(ex.InnerException, Is.TypeOf<System.Xml.XmlException>());
    }
}
