using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// What a script holds of a value the client sent (ScriptExpressions.FromClient): PowerShell's deserializer puts
/// "Deserialized." before every type name, keeps a primitive and the types its type table rehydrates, and reads a graph
/// that shares or holds itself (CLIXML's Ref) as that graph; a script block is its text (remoting deserializes without
/// DeserializeScriptBlocks).
/// </summary>
public class ClientValueTests
{
    [Test]
    public void Every_object_of_a_client_value_gets_deserialized_type_names_at_every_depth()
    {
        var value = ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>" +
            "<Obj N=\"list\" RefId=\"1\"><TN RefId=\"1\"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN><LST>" +
            "<Obj RefId=\"2\"><TNRef RefId=\"0\" /><MS><I32 N=\"n\">1</I32></MS></Obj></LST></Obj>" +
            "<S N=\"text\">t</S></MS></Obj>");

        var held = (PsObject)ScriptExpressions.FromClient(value);

        Assert.That(held.TypeNames, Is.EqualTo(new[] { "Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object" }));
        var list = (PsObject)held["list"]!;
        Assert.That(list.TypeNames, Is.EqualTo(new[] { "Deserialized.System.Object[]", "Deserialized.System.Array", "Deserialized.System.Object" }));
        Assert.That(((PsObject)list.Items[0]).TypeNames![0], Is.EqualTo("Deserialized.System.Management.Automation.PSCustomObject"));
        Assert.That(held["text"], Is.EqualTo(PsPrimitive.String("t")));
        Assert.That(((PsObject)value).TypeNames![0], Is.EqualTo("System.Management.Automation.PSCustomObject"), "the message's own object is left as it was read");
    }

    [Test]
    public void A_credential_a_primitive_with_notes_and_no_type_names_and_an_already_deserialized_object_keep_their_type_names()
    {
        var credential = new PsObject(["System.Management.Automation.PSCredential", "System.Object"]).With("UserName", PsPrimitive.String("u"));
        // PowerShell writes a primitive's notes without TN unless its type names were changed (WritePrimitiveTypePSObjectWithNotes).
        var date = ClixmlDeserializer.Deserialize("<Obj RefId=\"0\"><DT>2024-01-02T00:00:00</DT><MS><I32 N=\"DisplayHint\">2</I32></MS></Obj>");
        var deserialized = new PsObject(["Deserialized.System.Diagnostics.Process", "Deserialized.System.Object"]);

        Assert.That(((PsObject)ScriptExpressions.FromClient(credential)).TypeNames![0], Is.EqualTo("System.Management.Automation.PSCredential"), "PSCredential is rehydrated");
        Assert.That(((PsObject)ScriptExpressions.FromClient(date)).TypeNames, Is.Null.Or.Empty);
        Assert.That(((PsObject)ScriptExpressions.FromClient(deserialized)).TypeNames![0], Is.EqualTo("Deserialized.System.Diagnostics.Process"), "not decorated twice");
    }

    [Test]
    public void An_enum_keeps_its_number_under_deserialized_type_names()
    {
        var value = ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.DayOfWeek</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Monday</ToString><I32>1</I32></Obj>");

        var held = (PsObject)ScriptExpressions.FromClient(value);

        Assert.That(held.TypeNames, Is.EqualTo(new[] { "Deserialized.System.DayOfWeek", "Deserialized.System.Enum", "Deserialized.System.ValueType", "Deserialized.System.Object" }));
        Assert.That((held.BaseValue, held.ToStringValue), Is.EqualTo((PsPrimitive.Int32(1), "Monday")));
    }

    [Test]
    public void A_script_block_is_its_text_at_the_top_and_inside_an_object()
    {
        var value = ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>" +
            "<SBK N=\"Action\"> Restart-Service WinRM </SBK></MS></Obj>");

        Assert.That(ScriptExpressions.FromClient(PsPrimitive.ScriptBlock(" 'x' ")), Is.EqualTo(PsPrimitive.String(" 'x' ")));
        Assert.That(((PsObject)ScriptExpressions.FromClient(value))["Action"], Is.EqualTo(PsPrimitive.String(" Restart-Service WinRM ")));
    }

    [Test]
    public void An_object_that_holds_itself_stays_one_cycle()
    {
        var value = ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><Ref N=\"self\" RefId=\"0\" /></MS></Obj>");

        var held = (PsObject)ScriptExpressions.FromClient(value);

        Assert.That(held["self"], Is.SameAs(held));
        Assert.That(held.TypeNames![0], Is.EqualTo("Deserialized.System.Management.Automation.PSCustomObject"));
    }

    /// <summary>
    /// Forty levels, each object's two notes the same next object: 2^40 paths, 41 objects. Copying each object once
    /// keeps the work linear; walking every path would never end.
    /// </summary>
    [Test]
    public void A_graph_sharing_objects_is_copied_once_per_object()
    {
        const int levels = 40;
        // Level i holds level i + 1 as its "left" note (registered as it is read) and refers to it again as "right".
        static string Level(int i) => i == levels - 1
            ? $"<Obj N=\"left\" RefId=\"{i}\"><MS><S N=\"leaf\">end</S></MS></Obj>"
            : $"<Obj{(i == 0 ? "" : " N=\"left\"")} RefId=\"{i}\"><MS>{Level(i + 1)}<Ref N=\"right\" RefId=\"{i + 1}\" /></MS></Obj>";
        var value = ClixmlDeserializer.Deserialize(Level(0));

        var held = (PsObject)ScriptExpressions.FromClient(value);

        var node = held;
        for (var i = 1; i < levels; i++)
        {
            Assert.That(node["right"], Is.SameAs(node["left"]), $"level {i}");
            node = (PsObject)node["left"]!;
        }

        Assert.That(node["leaf"], Is.EqualTo(PsPrimitive.String("end")));
    }
}
