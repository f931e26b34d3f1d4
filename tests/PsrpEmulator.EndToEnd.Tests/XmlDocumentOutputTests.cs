using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>An [xml] document a script writes reaches the client as PowerShell's serializer sends one: its text in an XD element.</summary>
public class XmlDocumentOutputTests : EmulatorTestBase
{
    [Test]
    public async Task An_xml_document_goes_as_XD_with_its_changes_and_an_element_as_its_properties()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var create = new CreatePipeline([new PipelineCommand(
            "[xml]$x = '<a z=\"1\"><b>t</b></a>'; $e = $x.a; $e.SetAttribute('y', '2'); $x; $e", IsScript: true, [])], NoInput: true);

        var pipeline = await pool.StartAsync(create);
        var outputs = new List<PsValue>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent output) outputs.Add(output.Value);
        }

        Assert.That(outputs[0], Is.InstanceOf<PsPrimitive>());
        Assert.That(((PsPrimitive)outputs[0]).Type, Is.EqualTo(PsPrimitiveType.XmlDocument));
        Assert.That(((PsPrimitive)outputs[0]).Value, Is.EqualTo("<a z=\"1\" y=\"2\"><b>t</b></a>"));
        var element = (PsObject)outputs[1];
        Assert.That(element.TypeNames?[0], Is.EqualTo("System.Xml.XmlElement"));
        Assert.That(new[] { element["z"]?.ToDisplayString(), element["y"]?.ToDisplayString(), element["b"]?.ToDisplayString() }, Is.EqualTo(new[] { "1", "2", "t" }));
    }
}
