using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class ClixmlObjectTests
{
    private static readonly string[] EnumTail = ["System.Enum", "System.ValueType", "System.Object"];

    [Test]
    public void Property_bag_is_written_as_Obj_with_MS_properties()
    {
        var bag = PsObjects.Bag().With("a", 1).With("b", "x").With("c", (string?)null);
        Assert.That(ClixmlSerializer.SerializeToString(bag),
            Is.EqualTo("<Obj RefId=\"0\"><MS><I32 N=\"a\">1</I32><S N=\"b\">x</S><Nil N=\"c\" /></MS></Obj>"));
    }

    [Test]
    public void Enum_object_has_type_names_ToString_and_I32_base_value()
    {
        var e = PsObjects.Enum("System.Management.Automation.Runspaces.PSThreadOptions", "Default", 0);
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.Runspaces.PSThreadOptions</T>" +
            "<T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Default</ToString><I32>0</I32></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(e), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.Runspaces.PSThreadOptions" }.Concat(EnumTail)));
        Assert.That(back.ToStringValue, Is.EqualTo("Default"));
        Assert.That(back.BaseValue, Is.EqualTo(PsPrimitive.Int32(0)));
        Assert.That(back.AsInt32(), Is.EqualTo(0));
        Assert.That(back.ToDisplayString(), Is.EqualTo("Default"));
    }

    [Test]
    public void PSCustomObject_has_type_names_no_ToString_and_MS_properties()
    {
        var o = PsObjects.CustomObject().With("Name", "x").With("Count", 2);
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN>" +
            "<MS><S N=\"Name\">x</S><I32 N=\"Count\">2</I32></MS></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(o), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.ToStringValue, Is.Null);
        Assert.That(back["name"].AsString(), Is.EqualTo("x"));
        Assert.That(back["COUNT"].AsInt32(), Is.EqualTo(2));
    }

    [Test]
    public void Equal_type_name_list_met_again_is_written_as_TNRef()
    {
        var bag = PsObjects.Bag()
            .With("A", PsObjects.Enum("My.Enum", "One", 1))
            .With("B", PsObjects.Enum("My.Other", "Two", 2))
            .With("C", PsObjects.Enum(new List<string> { "My.Enum", "System.Enum", "System.ValueType", "System.Object" }, "Three", 3));
        const string Xml = "<Obj RefId=\"0\"><MS>" +
            "<Obj N=\"A\" RefId=\"1\"><TN RefId=\"0\"><T>My.Enum</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>One</ToString><I32>1</I32></Obj>" +
            "<Obj N=\"B\" RefId=\"2\"><TN RefId=\"1\"><T>My.Other</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Two</ToString><I32>2</I32></Obj>" +
            "<Obj N=\"C\" RefId=\"3\"><TNRef RefId=\"0\" /><ToString>Three</ToString><I32>3</I32></Obj>" +
            "</MS></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(bag), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back["C"].AsObject()!.TypeNames, Is.EqualTo(back["A"].AsObject()!.TypeNames));
    }

    [Test]
    public void RefIds_restart_at_zero_for_each_Serialize_call()
    {
        var e = PsObjects.Enum("My.Enum", "One", 1);
        var first = ClixmlSerializer.SerializeToString(e);
        Assert.That(ClixmlSerializer.SerializeToString(e), Is.EqualTo(first));
        Assert.That(first, Does.StartWith("<Obj RefId=\"0\"><TN RefId=\"0\">"));
    }

    [Test]
    public void Shared_instance_is_written_once_and_then_as_Ref()
    {
        var shared = PsObjects.Bag().With("x", 1);
        var bag = PsObjects.Bag().With("a", shared).With("b", shared);
        const string Xml = "<Obj RefId=\"0\"><MS><Obj N=\"a\" RefId=\"1\"><MS><I32 N=\"x\">1</I32></MS></Obj><Ref N=\"b\" RefId=\"1\" /></MS></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(bag), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back["b"], Is.SameAs(back["a"]));
    }

    [Test]
    public void Cycle_is_written_as_Ref_to_the_enclosing_object()
    {
        var self = PsObjects.Bag();
        self.With("self", self);
        const string Xml = "<Obj RefId=\"0\"><MS><Ref N=\"self\" RefId=\"0\" /></MS></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(self), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back["self"], Is.SameAs(back));
    }

    [Test]
    public void Ref_inside_a_list_resolves_to_the_same_instance()
    {
        var item = PsObjects.CustomObject().With("v", 1);
        var list = PsObjects.List([item, item], ["System.Object[]", "System.Array", "System.Object"]);
        var xml = ClixmlSerializer.SerializeToString(list);
        Assert.That(xml, Does.EndWith("</Obj><Ref RefId=\"1\" /></LST></Obj>"));
        var back = (PsObject)ClixmlDeserializer.Deserialize(xml);
        Assert.That(back.Items[1], Is.SameAs(back.Items[0]));
    }

    [Test]
    public void List_is_written_as_LST_items_without_names()
    {
        var list = PsObjects.List([PsPrimitive.Int32(1), PsPrimitive.String("two"), PsNil.Instance],
            ["System.Object[]", "System.Array", "System.Object"]);
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN>" +
            "<LST><I32>1</I32><S>two</S><Nil /></LST></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(list), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.CollectionKind, Is.EqualTo(PsCollectionKind.List));
        Assert.That(back.Items, Is.EqualTo(new PsValue[] { PsPrimitive.Int32(1), PsPrimitive.String("two"), PsNil.Instance }));
    }

    [Test]
    public void Empty_list_is_written_as_empty_LST() =>
        Assert.That(ClixmlSerializer.SerializeToString(PsObjects.List([])), Is.EqualTo("<Obj RefId=\"0\"><LST /></Obj>"));

    [TestCase(PsCollectionKind.Enumerable, "IE")]
    [TestCase(PsCollectionKind.Stack, "STK")]
    [TestCase(PsCollectionKind.Queue, "QUE")]
    public void Other_collection_kinds_use_their_tags(PsCollectionKind kind, string tag)
    {
        var o = new PsObject { CollectionKind = kind };
        o.Items.Add(PsPrimitive.Int32(7));
        var xml = $"<Obj RefId=\"0\"><{tag}><I32>7</I32></{tag}></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(o), Is.EqualTo(xml));
        var back = (PsObject)ClixmlDeserializer.Deserialize(xml);
        Assert.That(back.CollectionKind, Is.EqualTo(kind));
        Assert.That(back.Items.Single().AsInt32(), Is.EqualTo(7));
    }

    [Test]
    public void Dictionary_is_written_as_DCT_entries_with_Key_and_Value()
    {
        var dict = PsObjects.Dictionary(
        [
            new(PsPrimitive.String("a"), PsPrimitive.Int32(1)),
            new(PsPrimitive.Int32(2), PsNil.Instance),
        ]);
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT>" +
            "<En><S N=\"Key\">a</S><I32 N=\"Value\">1</I32></En><En><I32 N=\"Key\">2</I32><Nil N=\"Value\" /></En></DCT></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(dict), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.CollectionKind, Is.EqualTo(PsCollectionKind.Dictionary));
        Assert.That(back.Entries, Has.Count.EqualTo(2));
        Assert.That(back.Entries[0].Key.AsString(), Is.EqualTo("a"));
        Assert.That(back.Entries[0].Value.AsInt32(), Is.EqualTo(1));
        Assert.That(back.Entries[1].Value, Is.SameAs(PsNil.Instance));
    }

    [Test]
    public void RefIds_start_at_0_again_in_every_call_also_after_one_that_failed()
    {
        static PsObject Typed() => new(["T.A", "System.Object"]) { ToStringValue = "a" };
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>T.A</T><T>System.Object</T></TN><ToString>a</ToString></Obj>";
        var list = new PsObject(["T.A", "System.Object"]) { CollectionKind = PsCollectionKind.List };
        list.Items.Add(Typed());
        list.Items.Add(Typed());
        ClixmlSerializer.Serialize(list);
        Assert.That(ClixmlSerializer.SerializeToString(Typed()), Is.EqualTo(Xml));

        var deep = new PsObject(["Deep"]) { CollectionKind = PsCollectionKind.List };
        var current = deep;
        for (var i = 0; i < 200_000; i++)
        {
            var next = new PsObject(["Deep"]) { CollectionKind = PsCollectionKind.List };
            current.Items.Add(next);
            current = next;
        }

        Assert.Catch(() => ClixmlSerializer.Serialize(deep));
        Assert.That(ClixmlSerializer.SerializeToString(Typed()), Is.EqualTo(Xml));
    }

    [Test]
    public void Children_of_Obj_are_written_in_spec_order()
    {
        var o = new PsObject(["T.A", "System.Object"])
        {
            ToStringValue = "line1\nline2",
            BaseValue = PsPrimitive.String("base"),
            CollectionKind = PsCollectionKind.List,
        };
        o.AdaptedProperties.Add(new PsProperty("P", PsPrimitive.Int32(1)));
        o.ExtendedProperties.Add(new PsProperty("M", PsPrimitive.Int32(2)));
        o.Items.Add(PsPrimitive.Int32(3));
        const string Xml = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>T.A</T><T>System.Object</T></TN><ToString>line1_x000A_line2</ToString>" +
            "<S>base</S><Props><I32 N=\"P\">1</I32></Props><MS><I32 N=\"M\">2</I32></MS><LST><I32>3</I32></LST></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(o), Is.EqualTo(Xml));

        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.ToStringValue, Is.EqualTo("line1\nline2"));
        Assert.That(back.BaseValue, Is.EqualTo(PsPrimitive.String("base")));
        Assert.That(back.AdaptedProperties.Single(), Is.EqualTo(new PsProperty("P", PsPrimitive.Int32(1))));
        Assert.That(back.ExtendedProperties.Single(), Is.EqualTo(new PsProperty("M", PsPrimitive.Int32(2))));
        Assert.That(back.Items.Single(), Is.EqualTo(PsPrimitive.Int32(3)));
    }

    [Test]
    public void Property_names_are_escaped_in_the_N_attribute()
    {
        var bag = PsObjects.Bag().With("a\nb_x", 1);
        const string Xml = "<Obj RefId=\"0\"><MS><I32 N=\"a_x000A_b_x005F_x\">1</I32></MS></Obj>";
        Assert.That(ClixmlSerializer.SerializeToString(bag), Is.EqualTo(Xml));
        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back.ExtendedProperties.Single().Name, Is.EqualTo("a\nb_x"));
    }

    [Test]
    public void Type_names_are_kept_as_strings_and_never_instantiated()
    {
        var back = (PsObject)ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.IO.FileInfo</T><T>System.Object</T></TN><ToString>/etc/passwd</ToString>" +
            "<Props><S N=\"FullName\">/etc/passwd</S></Props></Obj>");
        Assert.That(back.TypeNames, Is.EqualTo(new[] { "System.IO.FileInfo", "System.Object" }));
        Assert.That(back.AdaptedProperties.Single().Value.AsString(), Is.EqualTo("/etc/passwd"));
    }

    [Test]
    public void Objs_document_with_namespace_yields_its_first_object()
    {
        const string Xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" +
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n" +
            "  <Obj RefId=\"0\">\r\n    <MS>\r\n      <S N=\"a\"> spaced </S>\r\n    </MS>\r\n  </Obj>\r\n  <S>second</S>\r\n</Objs>";
        var back = (PsObject)ClixmlDeserializer.Deserialize(Xml);
        Assert.That(back["a"].AsString(), Is.EqualTo(" spaced "));
    }

    [Test]
    public void Objs_document_without_namespace_is_accepted() =>
        Assert.That(ClixmlDeserializer.Deserialize("<Objs Version=\"1.1.0.1\"><I32>5</I32></Objs>").AsInt32(), Is.EqualTo(5));

    [Test]
    public void Bare_element_in_the_PowerShell_namespace_is_accepted() =>
        Assert.That(ClixmlDeserializer.Deserialize("<S xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">v</S>").AsString(),
            Is.EqualTo("v"));

    [Test]
    public void Deserialized_object_graph_serializes_back_to_the_same_text()
    {
        var graph = PsObjects.Bag()
            .With("e", PsObjects.Enum("E", "A", 0))
            .With("l", PsObjects.List([PsObjects.Enum("E", "B", 1), PsPrimitive.Double(2.5)]))
            .With("d", PsObjects.Dictionary([new(PsPrimitive.String("k"), PsPrimitive.Guid(Guid.Empty))]));
        var xml = ClixmlSerializer.SerializeToString(graph);
        Assert.That(ClixmlSerializer.SerializeToString(ClixmlDeserializer.Deserialize(xml)), Is.EqualTo(xml));
    }
}

public class ClixmlByteArrayTests
{
    /// <summary>A byte[] is &lt;BA&gt; however it is held: as PowerShell's serializer writes one (MS-PSRP 2.2.5.1.17).</summary>
    [Test]
    public void A_list_of_bytes_typed_System_Byte_array_is_written_as_BA()
    {
        var list = PsObjects.List([PsPrimitive.Byte(1), PsPrimitive.Byte(2), PsPrimitive.Byte(255)], ["System.Byte[]", "System.Array", "System.Object"]);
        var holder = PsObjects.CustomObject().With("Data", list);

        Assert.That(System.Text.Encoding.UTF8.GetString(ClixmlSerializer.Serialize(list)), Does.Contain("<BA>AQL/</BA>").And.Not.Contain("<LST>"));
        Assert.That(System.Text.Encoding.UTF8.GetString(ClixmlSerializer.Serialize(holder)), Does.Contain("<BA N=\"Data\">AQL/</BA>"));
    }

    [Test]
    public void A_list_typed_System_Byte_array_holding_other_values_stays_a_list()
    {
        var odd = PsObjects.List([PsPrimitive.Byte(1), PsPrimitive.Int32(300)], ["System.Byte[]", "System.Array", "System.Object"]);

        Assert.That(System.Text.Encoding.UTF8.GetString(ClixmlSerializer.Serialize(odd)), Does.Contain("<LST>"));
    }
}
