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

    /// <summary>
    /// Export-Clixml's document: one serializer for all the objects (RefIds go on, the same object again is a Ref, a type
    /// name list again a TNRef), indented two spaces a level, an empty string's element closed in full. The expected text is
    /// pwsh 7.6.9's Export-Clixml of the same objects (with "\n"; Windows writes "\r\n").
    /// </summary>
    [Test]
    public void A_document_of_several_objects_is_written_as_Export_Clixml_writes_it()
    {
        var first = PsObjects.CustomObject().With("a", 1).With("s", "x  y").With("e", string.Empty).With("n", (string?)null)
            .With("l", PsObjects.List([PsPrimitive.Int32(1), PsPrimitive.String("two")], ["System.Object[]", "System.Array", "System.Object"]));
        var second = PsObjects.CustomObject().With("b", 2);

        var document = ClixmlSerializer.SerializeDocument([first, first, PsPrimitive.String("a\nb"), PsPrimitive.Int32(5), second], "\n");

        Assert.That(document, Is.EqualTo("""
            <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
              <Obj RefId="0">
                <TN RefId="0">
                  <T>System.Management.Automation.PSCustomObject</T>
                  <T>System.Object</T>
                </TN>
                <MS>
                  <I32 N="a">1</I32>
                  <S N="s">x  y</S>
                  <S N="e"></S>
                  <Nil N="n" />
                  <Obj N="l" RefId="1">
                    <TN RefId="1">
                      <T>System.Object[]</T>
                      <T>System.Array</T>
                      <T>System.Object</T>
                    </TN>
                    <LST>
                      <I32>1</I32>
                      <S>two</S>
                    </LST>
                  </Obj>
                </MS>
              </Obj>
              <Ref RefId="0" />
              <S>a_x000A_b</S>
              <I32>5</I32>
              <Obj RefId="2">
                <TNRef RefId="0" />
                <MS>
                  <I32 N="b">2</I32>
                </MS>
              </Obj>
            </Objs>
            """.ReplaceLineEndings("\n")));
        Assert.That(ClixmlDeserializer.DeserializeAll(System.Text.Encoding.UTF8.GetBytes(document))[1], Is.InstanceOf<PsObject>().And.Property(nameof(PsObject.ExtendedProperties)).Count.EqualTo(5));
    }

    [Test]
    public void A_bare_element_is_a_document_of_one_object() =>
        Assert.That(ClixmlDeserializer.DeserializeAll("<I32>5</I32>"u8), Is.EqualTo(new PsValue[] { PsPrimitive.Int32(5) }));
}
