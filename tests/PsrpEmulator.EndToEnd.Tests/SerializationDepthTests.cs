using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// Output reaches the client serialized to depth 1, as a Windows endpoint sends it: a .NET object's nested objects as
/// their text, a PSCustomObject's nested PSCustomObjects whole.
/// </summary>
public class SerializationDepthTests : EmulatorTestBase
{
    private async Task<List<PsValue>> OutputsAsync(string script) => (await EventsAsync(script)).OfType<OutputEvent>().Select(o => o.Value).ToList();

    private async Task<List<PipelineEvent>> EventsAsync(string script)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync(new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true));
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
        return events;
    }

    /// <summary>
    /// The serializer writes Add-Member's script and alias properties as the values their getters give when the object
    /// goes, in their place among the extended members; one whose getter fails is left out (pwsh 7.6.9's PSSerializer side
    /// by side). A variable holding the object keeps the members themselves.
    /// </summary>
    [Test]
    public async Task Script_and_alias_properties_reach_the_client_as_their_values_and_a_failing_getter_s_not_at_all()
    {
        var events = await EventsAsync("""
            $o = [pscustomobject]@{ a = 1 }
            $o | Add-Member ScriptProperty b { $this.a + 1 }
            $o | Add-Member NoteProperty c 3
            $o | Add-Member AliasProperty d a
            $o | Add-Member ScriptProperty e { throw 'bad' }
            $o | Add-Member ScriptMethod m { 5 }
            $o
            $o.a = 10
            $o
            $o.b
            $onlyMethod = [pscustomobject]@{ x = 1 } | Add-Member ScriptMethod f { 1 } -PassThru
            $onlyMethod
            """);

        Assert.That(events.OfType<ErrorEvent>(), Is.Empty, "the serializer keeps a getter's failure to itself");
        var outputs = events.OfType<OutputEvent>().Select(o => o.Value).ToList();
        Assert.That(outputs, Has.Count.EqualTo(4));
        var first = (PsObject)outputs[0];
        Assert.That(first.ExtendedProperties.Select(p => $"{p.Name}={p.Value.ToDisplayString()}"), Is.EqualTo(new[] { "a=1", "b=2", "c=3", "d=1" }));
        Assert.That(first["b"], Is.EqualTo(PsPrimitive.Int32(2)));
        Assert.That(((PsObject)outputs[1])["b"], Is.EqualTo(PsPrimitive.Int32(11)), "the getter runs each time the object goes");
        Assert.That(outputs[2], Is.EqualTo(PsPrimitive.Int32(11)));
        Assert.That(((PsObject)outputs[3]).ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "x" }), "a script method alone is no value to write");
    }

    /// <summary>
    /// A nested object's script properties go as their values too, at any depth a PSCustomObject's notes go, and an
    /// object met twice goes once with a Ref to it, as PSSerializer writes it (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task A_nested_object_s_script_properties_reach_the_client_as_their_values()
    {
        var outputs = await OutputsAsync("""
            $o = [pscustomobject]@{ a = 1 }
            $o | Add-Member ScriptProperty b { $this.a + 1 }
            $o | Add-Member ScriptProperty e { throw 'bad' }
            [pscustomobject]@{ inner = $o; list = @($o, 5); deeper = [pscustomobject]@{ x = [pscustomobject]@{ y = $o } } }
            @{ k = $o }
            $self = @{ o = $o }; $self.me = $self; $self
            """);

        var top = (PsObject)outputs[0];
        var inner = (PsObject)top["inner"]!;
        Assert.That(inner.ExtendedProperties.Select(p => $"{p.Name}={p.Value.ToDisplayString()}"), Is.EqualTo(new[] { "a=1", "b=2" }));
        var list = ((PsObject)top["list"]!).Items;
        Assert.That(list[0], Is.SameAs(inner), "the second meeting is a Ref to the first");
        var y = (PsObject)((PsObject)((PsObject)top["deeper"]!)["x"]!)["y"]!;
        Assert.That(y["b"], Is.EqualTo(PsPrimitive.Int32(2)));
        var table = (PsObject)outputs[1];
        Assert.That(((PsObject)table.Entries.Single().Value)["b"], Is.EqualTo(PsPrimitive.Int32(2)));
        var self = (PsObject)outputs[2];
        Assert.That(self.Entries.Select(e => e.Value).OfType<PsObject>().Where(v => v.CollectionKind == PsCollectionKind.None).Single()["b"], Is.EqualTo(PsPrimitive.Int32(2)), "a table that holds itself ends");
    }

    /// <summary>A Tuple goes as PSSerializer writes one: its generic type's name, its text, Item1... as adapted properties.</summary>
    [Test]
    public async Task A_tuple_reaches_the_client_with_its_items_as_properties_and_its_text()
    {
        var tuple = (PsObject)(await OutputsAsync("[Tuple]::Create(1, 'x')")).Single();

        Assert.That(tuple.TypeNames, Is.EqualTo(new[] { "System.Tuple`2[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089],[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object" }));
        Assert.That(tuple.ToStringValue, Is.EqualTo("(1, x)"));
        Assert.That(tuple.AdaptedProperties.Select(p => $"{p.Name}={p.Value.ToDisplayString()}"), Is.EqualTo(new[] { "Item1=1", "Item2=x" }));
    }

    [Test]
    public async Task An_information_record_s_object_is_cut_as_the_record_s_note()
    {
        var events = await EventsAsync("Write-Information -MessageData (Get-Service WinRM)");

        var data = (PsObject)events.OfType<InformationEvent>().Single().Record.MessageData;
        Assert.That(data["Name"]?.ToDisplayString(), Is.EqualTo("WinRM"));
        Assert.That(data["Status"], Is.EqualTo(PsPrimitive.String("Running")));
        Assert.That(((PsObject)data["RequiredServices"]!).Items, Is.All.InstanceOf<PsPrimitive>());
    }

    [Test]
    public async Task A_service_s_dependencies_reach_the_client_as_texts_while_the_session_reads_them_as_services()
    {
        var outputs = await OutputsAsync("Get-Service WinRM; (Get-Service WinRM).RequiredServices.Name -join ','");

        var service = (PsObject)outputs[0];
        var required = (PsObject)service["RequiredServices"]!;
        Assert.That(required.Items.Select(i => i.ToDisplayString()), Is.EqualTo(new[] { "System.ServiceProcess.ServiceController", "System.ServiceProcess.ServiceController" }));
        Assert.That(service["ServiceName"]?.ToDisplayString(), Is.EqualTo("WinRM"));
        Assert.That(service["Status"], Is.EqualTo(PsPrimitive.String("Running")), "an enum below the top goes as its name");
        Assert.That(outputs[1].ToDisplayString(), Is.EqualTo("RPCSS,HTTP"), "inside the session they are ServiceControllers");
    }

    [Test]
    public async Task Nested_PSCustomObjects_reach_the_client_whole_and_a_net_object_in_one_keeps_its_own_properties()
    {
        var outputs = await OutputsAsync("[pscustomobject]@{ a = [pscustomobject]@{ b = [pscustomobject]@{ c = 3 } }; svc = Get-Service WinRM }");

        var top = (PsObject)outputs.Single();
        var c = ((PsObject)((PsObject)top["a"]!)["b"]!)["c"];
        Assert.That(c, Is.EqualTo(PsPrimitive.Int32(3)));
        var service = (PsObject)top["svc"]!;
        Assert.That(service["Name"]?.ToDisplayString(), Is.EqualTo("WinRM"));
        Assert.That(service["RequiredServices"], Is.InstanceOf<PsObject>().And.Property(nameof(PsObject.Items)).All.InstanceOf<PsPrimitive>());
    }

    [Test]
    public async Task An_error_record_s_target_object_is_cut_as_the_record_s_note_while_Error_keeps_it_whole()
    {
        var events = await EventsAsync("Write-Error -Message 'bad' -TargetObject (Get-Service WinRM); $Error[0].TargetObject.RequiredServices.Name -join ','");

        var record = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var target = (PsObject)record["TargetObject"]!;
        Assert.That(target["Name"]?.ToDisplayString(), Is.EqualTo("WinRM"));
        Assert.That(target["Status"], Is.EqualTo(PsPrimitive.String("Running")));
        Assert.That(((PsObject)target["RequiredServices"]!).Items, Is.All.InstanceOf<PsPrimitive>());
        Assert.That(record["ErrorCategory_TargetName"]?.ToDisplayString(), Is.EqualTo("System.ServiceProcess.ServiceController"));
        Assert.That(events.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("RPCSS,HTTP"), "in the session it is a ServiceController");
    }

    [Test]
    public async Task Get_Date_s_output_goes_with_its_DisplayHint_note_wherever_it_is_and_another_date_without()
    {
        var outputs = await OutputsAsync("Get-Date -DisplayHint Date; [datetime]::UtcNow; [pscustomobject]@{ When = Get-Date }");

        var date = (PsObject)outputs[0];
        Assert.That(date.BaseValue?.Type, Is.EqualTo(PsPrimitiveType.DateTime));
        Assert.That(date.TypeNames, Is.Null, "a primitive's type goes in its element");
        var hint = (PsObject)date["DisplayHint"]!;
        Assert.That(hint.TypeNames![0], Is.EqualTo("Microsoft.PowerShell.Commands.DisplayHintType"));
        Assert.That((hint.ToStringValue, hint.BaseValue), Is.EqualTo(("Date", PsPrimitive.Int32(0))));
        Assert.That(outputs[1], Is.InstanceOf<PsPrimitive>(), "[datetime]::UtcNow has no note");
        var when = (PsObject)((PsObject)outputs[2])["When"]!;
        Assert.That(((PsObject)when["DisplayHint"]!).ToStringValue, Is.EqualTo("DateTime"));
    }

    [Test]
    public async Task Get_Content_s_lines_go_as_strings_with_their_file_s_notes_and_the_drive_whole()
    {
        var outputs = await OutputsAsync("Get-Content C:\\Windows\\win.ini -TotalCount 2");

        Assert.That(outputs, Has.Count.EqualTo(2));
        var line = (PsObject)outputs[1];
        Assert.That(line.BaseValue, Is.EqualTo(PsPrimitive.String("[fonts]")));
        Assert.That(line.TypeNames, Is.Null, "a primitive's type goes in its element");
        Assert.That(line.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "ReadCount" }));
        Assert.That(line["PSPath"], Is.EqualTo(PsPrimitive.String(@"C:\Windows\win.ini")));
        Assert.That(line["ReadCount"], Is.EqualTo(PsPrimitive.Int64(2)));
        var drive = (PsObject)line["PSDrive"]!;
        Assert.That(drive.TypeNames![0], Is.EqualTo("System.Management.Automation.PSDriveInfo"), "an instance note is written at its object's depth (WriteMemberInfoCollection), so the drive goes whole");
        Assert.That(drive["Root"], Is.EqualTo(PsPrimitive.String(@"C:\")));
    }
}
