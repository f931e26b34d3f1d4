using PsrpEmulator.Client.Psrp;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Wmi;

/// <summary>
/// A CimInstance reaches the client with the <c>__ClassMetadata</c> note Windows's serializer adds
/// (PrepareCimInstanceForSerialization): its class and superclasses root first, each class's schema (MiXml) only the
/// first time the pipeline sends it.
/// </summary>
public class CimClassMetadataTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    private async Task<List<PsObject>> OutputsAsync(string script)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync(new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true));
        var outputs = new List<PsObject>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent { Value: PsObject o }) outputs.Add(o);
        }

        return outputs;
    }

    private static List<PsObject> Classes(PsObject instance)
    {
        var metadata = instance.ExtendedProperties.Single(p => p.Name == "__ClassMetadata").Value as PsObject;
        Assert.That(metadata?.TypeNames, Is.EqualTo(new[] { "System.Collections.ArrayList", "System.Object" }));
        return [.. metadata!.Items.Cast<PsObject>()];
    }

    private static string? Text(PsObject entry, string name) => entry[name]?.ToDisplayString();

    [Test]
    public async Task The_first_instance_of_a_class_carries_its_derivation_s_schemas_and_later_ones_only_its_name()
    {
        var outputs = await OutputsAsync("Get-CimInstance Win32_Process | Select-Object -First 2; Get-CimInstance Win32_OperatingSystem");

        // The CimInstance's own CimClass, CimInstanceProperties and CimSystemProperties stay in the session.
        Assert.That(outputs[0].AdaptedProperties[^1].Name, Is.EqualTo("PSComputerName"));
        Assert.That(outputs[0].AdaptedProperties.Select(p => p.Name), Has.None.StartsWith("Cim"));
        var first = Classes(outputs[0]);
        Assert.That(first.Select(e => Text(e, "ClassName")), Is.EqualTo(new[] { "CIM_ManagedSystemElement", "CIM_LogicalElement", "CIM_Process", "Win32_Process" }));
        Assert.That(first.Select(e => (Text(e, "Namespace"), Text(e, "ServerName"))), Is.All.EqualTo(("root/cimv2", "SERVER01")));
        Assert.That(first.Select(e => e["Hash"]), Is.All.InstanceOf<PsPrimitive>().And.Property(nameof(PsPrimitive.Type)).EqualTo(PsPrimitiveType.Int32));
        Assert.That(first.Select(e => e.TypeNames), Is.All.Null, "each class is a PSObject without type names");
        var process = Text(first[3], "MiXml")!;
        Assert.That(process, Does.StartWith("<CLASS NAME=\"Win32_Process\" SUPERCLASS=\"CIM_Process\">"));
        Assert.That(process, Does.Contain("<PROPERTY NAME=\"Handle\" TYPE=\"string\"><QUALIFIER NAME=\"key\" TYPE=\"boolean\" OVERRIDABLE=\"false\"><VALUE>true</VALUE></QUALIFIER></PROPERTY>"));
        Assert.That(process, Does.Contain("<PROPERTY NAME=\"ProcessId\" TYPE=\"uint32\"></PROPERTY>").And.EndWith("</CLASS>"));
        // The inherited properties first (CIM_ManagedSystemElement's Caption), as the instance orders them.
        Assert.That(process.IndexOf("\"Caption\"", StringComparison.Ordinal), Is.LessThan(process.IndexOf("\"CommandLine\"", StringComparison.Ordinal)));
        Assert.That(Text(first[0], "MiXml"), Does.StartWith("<CLASS NAME=\"CIM_ManagedSystemElement\">"));

        var second = Classes(outputs[1]);
        Assert.That(second.Select(e => Text(e, "ClassName")), Is.EqualTo(new[] { "Win32_Process" }));
        Assert.That(second.Single()["MiXml"], Is.Null, "the pipeline sent Win32_Process's schema already");
        Assert.That(second.Single()["Hash"], Is.EqualTo(first[3]["Hash"]));

        var os = Classes(outputs[2]);
        Assert.That(os.Select(e => (Text(e, "ClassName"), e["MiXml"] is not null)), Is.EqualTo(new[] { ("CIM_LogicalElement", false), ("CIM_OperatingSystem", true), ("Win32_OperatingSystem", true) }),
            "the walk up stops at the first class the deserializer has");
        Assert.That(Text(os[2], "MiXml"), Does.Contain("<PROPERTY.ARRAY NAME=\"MUILanguages\" TYPE=\"string\"></PROPERTY.ARRAY>"));
    }

    [Test]
    public async Task Each_pipeline_sends_a_class_s_schema_again_and_objects_that_are_no_CimInstance_have_no_metadata()
    {
        var first = await OutputsAsync("Get-CimInstance Win32_BIOS; Get-Service WinRM; Get-WmiObject Win32_BIOS");
        var second = await OutputsAsync("Get-CimInstance Win32_BIOS");

        Assert.That(Text(Classes(first[0]).Last(), "MiXml"), Does.StartWith("<CLASS NAME=\"Win32_BIOS\" SUPERCLASS=\"CIM_BIOSElement\">"));
        Assert.That(first.Skip(1).Select(o => o["__ClassMetadata"]), Is.All.Null, "a ServiceController and a ManagementObject are no CimInstance");
        Assert.That(Text(Classes(second[0]).Last(), "MiXml"), Does.StartWith("<CLASS NAME=\"Win32_BIOS\""));
    }

    /// <summary>
    /// The pipeline remembers the classes it sent, not who took them: a second client connecting to the command gets a
    /// later instance of a class the first client received with its name only, as from Windows (whose deserializer then
    /// cannot rehydrate it and keeps the property bag).
    /// </summary>
    [Test]
    public async Task A_second_client_connecting_to_the_command_gets_a_class_the_first_took_by_name_only()
    {
        using var first = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(first);
        var pipeline = await pool.StartAsync("Get-CimInstance Win32_BIOS; Start-Sleep -Seconds 5; Get-CimInstance Win32_BIOS");
        var taken = new List<PsObject>();
        var defragmenter = new Defragmenter();
        while (taken.Count < 1)
        {
            var (messages, _) = await AdvanceUntilAsync(first.ReceiveOnceAsync(pool.ShellId, pipeline.CommandId, defragmenter), TimeSpan.FromMilliseconds(500));
            taken.AddRange(messages.Where(m => m.MessageType == PsrpMessageType.PipelineOutput).Select(m => (PsObject)m.ReadData()));
        }

        await first.DisconnectAsync(pool.ShellId);
        using var second = CreateTransport();
        await second.ConnectPoolAsync(pool.ShellId);
        await second.ReceiveOnceAsync(pool.ShellId, null, new Defragmenter());
        await second.ConnectCommandAsync(pool.ShellId, pipeline.CommandId);
        var later = new List<PsObject>();
        var secondDefragmenter = new Defragmenter();
        for (var done = false; !done;)
        {
            var (messages, finished) = await AdvanceUntilAsync(second.ReceiveOnceAsync(pool.ShellId, pipeline.CommandId, secondDefragmenter), TimeSpan.FromSeconds(1));
            later.AddRange(messages.Where(m => m.MessageType == PsrpMessageType.PipelineOutput).Select(m => (PsObject)m.ReadData()));
            done = finished;
        }

        Assert.That(Classes(taken.Single()).Last()["MiXml"], Is.Not.Null);
        var named = Classes(later.Single());
        Assert.That(named.Select(e => (Text(e, "ClassName"), e["MiXml"])), Is.EqualTo(new[] { ("Win32_BIOS", (PsValue?)null) }));
    }

    [Test]
    public async Task A_class_the_schema_does_not_know_has_the_instance_s_properties_typed_by_their_values()
    {
        var outputs = await OutputsAsync("Get-NetAdapter | Select-Object -First 1");

        var classes = Classes(outputs.Single());
        Assert.That(Text(classes[^1], "ClassName"), Is.EqualTo("MSFT_NetAdapter"));
        Assert.That(Text(classes[^1], "Namespace"), Is.EqualTo("ROOT/StandardCimv2"));
        var leaf = Text(classes[^1], "MiXml")!;
        Assert.That(leaf, Does.StartWith("<CLASS NAME=\"MSFT_NetAdapter\" SUPERCLASS=\"CIM_NetworkPort\">"));
        Assert.That(leaf, Does.Contain("<PROPERTY NAME=\"Name\" TYPE=\"string\">").And.Not.Contain("PSComputerName"));
        // A superclass the schema knows has its properties; one it does not, none.
        Assert.That(Text(classes[0], "MiXml"), Does.StartWith("<CLASS NAME=\"CIM_ManagedSystemElement\"><PROPERTY NAME=\"Caption\" TYPE=\"string\">"));
        Assert.That(Text(classes[^2], "MiXml"), Is.EqualTo("<CLASS NAME=\"CIM_NetworkPort\" SUPERCLASS=\"CIM_LogicalPort\"></CLASS>"));
    }
}
