using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>
/// Remoting's serialization depth (1): a .NET object's adapted properties that are objects go as their text, a
/// PSCustomObject's notes keep their depth, containers do not count, some types choose their own depth.
/// </summary>
public class RemotingDepthTests
{
    private static readonly string[] ServiceTypes = ["System.ServiceProcess.ServiceController", "System.ComponentModel.Component", "System.Object"];

    private static string Text(PsObject o) => o.ToStringValue ?? "@{" + string.Join("; ", o.ExtendedProperties.Select(p => $"{p.Name}={p.Value.ToDisplayString()}")) + "}";

    private static PsObject Service(string name, params PsProperty[] more)
    {
        var service = new PsObject(ServiceTypes) { ToStringValue = "System.ServiceProcess.ServiceController" };
        service.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(name)));
        service.AdaptedProperties.AddRange(more);
        return service;
    }

    private static PsObject Custom(params PsProperty[] notes)
    {
        var custom = PsObjects.CustomObject();
        custom.ExtendedProperties.AddRange(notes);
        return custom;
    }

    [Test]
    public void An_object_s_nested_objects_in_its_adapted_properties_go_as_their_text_and_a_list_of_them_as_texts()
    {
        var rpcss = Service("RPCSS");
        var winrm = Service("WinRM",
            new PsProperty("RequiredServices", PsObjects.List([rpcss, Service("HTTP")])),
            new PsProperty("Owner", Service("svchost")),
            new PsProperty("CanStop", PsPrimitive.Boolean(true)));

        var written = (PsObject)RemotingDepth.Apply(winrm, Text);

        Assert.That(written, Is.Not.SameAs(winrm), "the original is left as it was");
        Assert.That(((PsObject)winrm["RequiredServices"]!).Items[0], Is.SameAs(rpcss));
        var required = (PsObject)written["RequiredServices"]!;
        Assert.That(required.CollectionKind, Is.EqualTo(PsCollectionKind.List));
        Assert.That(required.Items, Is.EqualTo(new PsValue[] { PsPrimitive.String("System.ServiceProcess.ServiceController"), PsPrimitive.String("System.ServiceProcess.ServiceController") }));
        Assert.That(written["Owner"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
        Assert.That(written["CanStop"], Is.EqualTo(PsPrimitive.Boolean(true)));
        Assert.That(written["Name"], Is.EqualTo(PsPrimitive.String("WinRM")));
    }

    /// <summary>
    /// A member the type table gives the object's type (FileInfo's VersionInfo script property) goes with the adapted
    /// properties, one level less deep than an instance's note (its PSDrive), which keeps the object's depth; which
    /// members those are is the caller's type data, by any of the object's type names.
    /// </summary>
    [Test]
    public void A_type_table_property_goes_one_level_less_deep_than_a_note_where_the_caller_s_type_data_names_it()
    {
        var versionInfo = new PsObject(["System.Diagnostics.FileVersionInfo", "System.Object"]) { ToStringValue = "File: C:\\x.exe" };
        versionInfo.AdaptedProperties.Add(new PsProperty("FileVersion", PsPrimitive.String("1.0")));
        var drive = new PsObject(["System.Management.Automation.PSDriveInfo", "System.Object"]) { ToStringValue = "C" };
        drive.AdaptedProperties.Add(new PsProperty("Root", PsPrimitive.String("C:\\")));
        var file = new PsObject(["System.IO.FileInfo", "System.IO.FileSystemInfo", "System.Object"]) { ToStringValue = "C:\\x.exe" }
            .With("VersionInfo", versionInfo).With("PSDrive", drive);
        static IReadOnlyList<string> ByBaseType(string typeName) => typeName == "System.IO.FileSystemInfo" ? ["Mode", "VersionInfo"] : [];

        var written = (PsObject)RemotingDepth.Apply(file, Text, typeMembers: ByBaseType);

        Assert.That(written["VersionInfo"], Is.EqualTo(PsPrimitive.String("File: C:\\x.exe")));
        Assert.That(written["PSDrive"], Is.SameAs(drive), "a note keeps its owner's depth: the drive's properties go whole");
        Assert.That(RemotingDepth.Apply(file, Text), Is.SameAs(file), "without type data every member is an instance note");
    }

    [Test]
    public void An_object_with_nothing_to_cut_is_written_as_it_is()
    {
        var flat = Service("WinRM", new PsProperty("Length", PsPrimitive.Int64(3)), new PsProperty("Tags", PsObjects.List([PsPrimitive.String("a")])));
        var custom = Custom(new PsProperty("a", Custom(new PsProperty("b", Custom(new PsProperty("c", PsPrimitive.Int32(1)))))));

        Assert.That(RemotingDepth.Apply(flat, Text), Is.SameAs(flat), "primitives and lists of them are kept");
        Assert.That(RemotingDepth.Apply(custom, Text), Is.SameAs(custom), "a PSCustomObject's notes keep their depth, so nested ones go whole");
        Assert.That(RemotingDepth.Apply(PsPrimitive.Int32(3), Text), Is.EqualTo(PsPrimitive.Int32(3)));
    }

    [Test]
    public void An_enum_in_an_object_s_properties_is_its_name_and_an_enum_at_the_top_stays_an_enum()
    {
        static PsObject Running() => new(["System.ServiceProcess.ServiceControllerStatus", "System.Enum", "System.ValueType", "System.Object"]) { ToStringValue = "Running", BaseValue = PsPrimitive.Int32(4) };
        var status = Running();
        var service = Service("WinRM", new PsProperty("Status", Running()));

        Assert.That(((PsObject)RemotingDepth.Apply(service, Text))["Status"], Is.EqualTo(PsPrimitive.String("Running")));
        Assert.That(RemotingDepth.Apply(status, Text), Is.SameAs(status));
        Assert.That(RemotingDepth.Apply(Custom(new PsProperty("s", status)), Text), Is.InstanceOf<PsObject>().And.Property("ExtendedProperties").Count.EqualTo(1));
        Assert.That(((PsObject)RemotingDepth.Apply(Custom(new PsProperty("s", status)), Text))["s"], Is.SameAs(status), "a note keeps its depth");
    }

    [Test]
    public void A_net_object_in_a_PSCustomObject_keeps_its_own_properties_and_loses_what_lies_deeper()
    {
        var custom = Custom(new PsProperty("Svc", Service("WinRM", new PsProperty("Owner", Service("svchost")))), new PsProperty("n", PsPrimitive.Int32(1)));

        var written = (PsObject)RemotingDepth.Apply(custom, Text);

        var service = (PsObject)written["Svc"]!;
        Assert.That(service["Name"], Is.EqualTo(PsPrimitive.String("WinRM")));
        Assert.That(service["Owner"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
        Assert.That(written["n"], Is.EqualTo(PsPrimitive.Int32(1)));
    }

    [Test]
    public void A_PSCustomObject_with_no_depth_left_is_its_text_with_its_notes_around_it()
    {
        var holder = Service("x", new PsProperty("Data", Custom(new PsProperty("b", PsPrimitive.Int32(1)), new PsProperty("deep", Service("y")))));

        var data = (PsObject)((PsObject)RemotingDepth.Apply(holder, Text))["Data"]!;

        Assert.That(data.BaseValue, Is.EqualTo(PsPrimitive.String("@{b=1; deep=System.ServiceProcess.ServiceController}")));
        Assert.That(data.TypeNames, Is.Null, "its type names are its base object's: no TN");
        Assert.That(data["b"], Is.EqualTo(PsPrimitive.Int32(1)));
        Assert.That(data["deep"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
    }

    [Test]
    public void CIM_instances_and_types_with_their_own_depth_are_written_to_it_wherever_they_are()
    {
        var disk = new PsObject(["Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_LogicalDisk", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"]) { ToStringValue = "Win32_LogicalDisk: C:" };
        disk.AdaptedProperties.Add(new PsProperty("DeviceID", PsPrimitive.String("C:")));
        disk.AdaptedProperties.Add(new PsProperty("Nested", Service("z")));
        var acl = new PsObject(["System.Security.AccessControl.DirectorySecurity", "System.Security.AccessControl.FileSystemSecurity", "System.Object"]) { ToStringValue = "System.Security.AccessControl.DirectorySecurity" };
        var rule = new PsObject(["System.Security.AccessControl.FileSystemAccessRule", "System.Object"]) { ToStringValue = "System.Security.AccessControl.FileSystemAccessRule" };
        rule.AdaptedProperties.Add(new PsProperty("IdentityReference", PsPrimitive.String("BUILTIN\\Administrators")));
        acl.AdaptedProperties.Add(new PsProperty("Access", PsObjects.List([rule])));
        var holder = Service("x", new PsProperty("Disk", disk), new PsProperty("Acl", acl));

        var written = (PsObject)RemotingDepth.Apply(holder, Text);

        var writtenDisk = (PsObject)written["Disk"]!;
        Assert.That(writtenDisk["DeviceID"], Is.EqualTo(PsPrimitive.String("C:")), "a CIM instance is written to depth 1 even below depth 1");
        Assert.That(writtenDisk["Nested"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
        var access = (PsObject)((PsObject)written["Acl"]!)["Access"]!;
        Assert.That(access.Items, Is.EqualTo(new PsValue[] { PsPrimitive.String("System.Security.AccessControl.FileSystemAccessRule") }), "Get-Acl's rules go as texts (FileSystemSecurity's depth 1)");
    }

    [Test]
    public void A_deserialized_object_is_written_to_depth_1_at_least()
    {
        var echoed = new PsObject(["Deserialized.System.ServiceProcess.ServiceController", "Deserialized.System.Object"]) { ToStringValue = "System.ServiceProcess.ServiceController" };
        echoed.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String("WinRM")));
        var holder = Service("x", new PsProperty("Echoed", echoed));

        Assert.That(((PsObject)RemotingDepth.Apply(holder, Text))["Echoed"], Is.SameAs(echoed));
    }

    [Test]
    public void Shared_objects_are_cut_once_and_cycles_end()
    {
        var shared = Service("s", new PsProperty("Owner", Service("o")));
        var list = PsObjects.List([shared, shared]);
        var cyclic = Custom();
        cyclic.ExtendedProperties.Add(new PsProperty("Self", cyclic));
        cyclic.ExtendedProperties.Add(new PsProperty("Svc", shared));

        var writtenList = (PsObject)RemotingDepth.Apply(list, Text);
        var writtenCycle = (PsObject)RemotingDepth.Apply(cyclic, Text);

        Assert.That(writtenList.Items[0], Is.SameAs(writtenList.Items[1]), "a second reference is the first one's result, as a <Ref>");
        Assert.That(((PsObject)writtenList.Items[0])["Owner"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
        Assert.That(((PsObject)writtenCycle["Svc"]!)["Owner"], Is.EqualTo(PsPrimitive.String("System.ServiceProcess.ServiceController")));
        Assert.That(writtenCycle["Self"], Is.Not.Null);
    }

    [Test]
    public void Values_nested_50_levels_deep_are_a_fixed_text()
    {
        PsValue value = PsPrimitive.Int32(0);
        for (var i = 0; i < 60; i++) value = Custom(new PsProperty("n", value));

        var written = RemotingDepth.Apply(value, Text);

        var level = 0;
        while (written is PsObject o && o["n"] is { } inner)
        {
            written = inner;
            level++;
        }

        Assert.That(written, Is.EqualTo(PsPrimitive.String(RemotingDepth.TooDeepText)));
        Assert.That(level, Is.EqualTo(RemotingDepth.MaxDepthBelowTopLevel - 1), "the top is the serializer's level 1");
    }

    [Test]
    public void An_object_graph_that_shares_its_parts_is_walked_once_per_part()
    {
        // Each list holds the one before twice: 2^40 paths, 40 objects.
        PsValue value = Service("leaf", new PsProperty("Owner", Service("o")));
        for (var i = 0; i < 40; i++) value = PsObjects.List([value, value]);
        var texts = 0;

        var written = RemotingDepth.Apply(value, o => { texts++; return Text(o); });

        Assert.That(texts, Is.EqualTo(1), "the owner is made text once, not once per path");
        Assert.That(written, Is.Not.SameAs(value));
    }

    [Test]
    public void A_note_is_cut_at_its_owner_s_depth_in_a_copy_and_an_owner_with_nothing_to_cut_is_kept()
    {
        var target = Service("WinRM", new PsProperty("RequiredServices", PsObjects.List([Service("RPCSS")])));
        var record = new PsObject(["System.Management.Automation.ErrorRecord", "System.Object"]) { ToStringValue = "bad" }
            .With("Exception", PsPrimitive.String("x"))
            .With("TargetObject", target)
            .With("FullyQualifiedErrorId", "Id");

        var written = RemotingDepth.ApplyToNote(record, "targetobject", Text);

        Assert.That(written, Is.Not.SameAs(record));
        Assert.That(record["TargetObject"], Is.SameAs(target), "the owner is left as it was");
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Exception", "TargetObject", "FullyQualifiedErrorId" }));
        Assert.That(written.ToStringValue, Is.EqualTo("bad"));
        var cut = (PsObject)written["TargetObject"]!;
        Assert.That(cut["Name"], Is.EqualTo(PsPrimitive.String("WinRM")));
        Assert.That(((PsObject)cut["RequiredServices"]!).Items, Is.EqualTo(new PsValue[] { PsPrimitive.String("System.ServiceProcess.ServiceController") }));

        var flat = new PsObject(["System.Management.Automation.ErrorRecord", "System.Object"]).With("TargetObject", Service("WinRM"));
        Assert.That(RemotingDepth.ApplyToNote(flat, "TargetObject", Text), Is.SameAs(flat));
        Assert.That(RemotingDepth.ApplyToNote(record, "Missing", Text), Is.SameAs(record));
    }
}

