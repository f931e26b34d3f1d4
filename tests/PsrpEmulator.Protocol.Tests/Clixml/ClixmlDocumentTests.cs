using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>Documents of several objects (Export-Clixml's files), read whole.</summary>
public class ClixmlDocumentTests
{
    [Test]
    public void Every_object_of_an_Objs_document_is_read_with_type_name_lists_and_references_shared_across_them()
    {
        const string Document = """
            <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
              <Obj RefId="0"><TN RefId="0"><T>Selected.Thing</T><T>System.Object</T></TN><MS><S N="Name">a</S></MS></Obj>
              <Obj RefId="1"><TNRef RefId="0" /><MS><S N="Name">b</S><Ref N="Previous" RefId="0" /></MS></Obj>
              <S>tail</S>
            </Objs>
            """;

        var all = ClixmlDeserializer.DeserializeAll(System.Text.Encoding.UTF8.GetBytes(Document));

        Assert.That(all, Has.Count.EqualTo(3));
        var second = (PsObject)all[1];
        Assert.That(second.TypeNames, Is.EqualTo(new[] { "Selected.Thing", "System.Object" }));
        Assert.That(second["Previous"], Is.SameAs(all[0]));
        Assert.That(all[2], Is.EqualTo(PsPrimitive.String("tail")));
        Assert.That(((PsObject)ClixmlDeserializer.Deserialize(Document))["Name"], Is.EqualTo(PsPrimitive.String("a")), "the one-object reader still takes the first");
    }

    [TestCase("")]
    [TestCase("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Ref RefId=\"9\" /></Objs>")]
    [TestCase("<!DOCTYPE x []><Objs/>")]
    public void A_document_that_cannot_be_read_whole_is_a_clixml_exception(string document) =>
        Assert.Throws<ClixmlException>(() => ClixmlDeserializer.DeserializeAll(System.Text.Encoding.UTF8.GetBytes(document)));

    [Test]
    public void A_bare_element_is_a_document_of_one_object() =>
        Assert.That(ClixmlDeserializer.DeserializeAll("<I32>5</I32>"u8), Is.EqualTo(new PsValue[] { PsPrimitive.Int32(5) }));
}
