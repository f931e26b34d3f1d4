using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class PayloadTests
{
    private static PsObject Obj(PsValue? value) => value as PsObject ?? throw new AssertionException($"expected an object, got {value}");

    private static PsObject Enum(string type, string name, int value) => PsrpObjects.Enum(type, name, value);

    private static PsObject PypsrpCommand(string cmd, bool withV5Merges, params PsObject[] args)
    {
        const string merge = "System.Management.Automation.Runspaces.PipelineResultTypes";
        var c = new PsObject().With("Cmd", cmd).With("IsScript", false).With("UseLocalScope", PsNil.Instance)
            .With("MergeMyResult", Enum(merge, "None", 0)).With("MergeToResult", Enum(merge, "None", 0)).With("MergePreviousResults", Enum(merge, "None", 0));
        c.With("Args", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, args));
        if (withV5Merges)
        {
            c.With("MergeError", Enum(merge, "Output", 1)).With("MergeWarning", Enum(merge, "None", 0)).With("MergeVerbose", Enum(merge, "None", 0))
                .With("MergeDebug", Enum(merge, "None", 0)).With("MergeInformation", Enum(merge, "None", 0));
        }

        return c;
    }

    private static PsObject Arg(string? name, PsValue value) => new PsObject().With("N", name).With("V", value);

    [Test]
    public void Session_capability_writes_powershell_names_as_versions()
    {
        var obj = Obj(new SessionCapability("2.3", "2.0", "1.1.0.1").ToPsValue());
        Assert.That(obj.TypeNames, Is.Null);
        Assert.That(obj.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "protocolversion", "PSVersion", "SerializationVersion" }));
        Assert.That(obj["protocolversion"], Is.EqualTo(PsPrimitive.Version("2.3")));
    }

    [Test]
    public void Session_capability_round_trips_with_time_zone()
    {
        var original = new SessionCapability("2.4", "2.0", "1.1.0.1", [1, 2, 3]);
        var back = SessionCapability.FromPsValue(original.ToPsValue());
        Assert.That((back.ProtocolVersion, back.PSVersion, back.SerializationVersion), Is.EqualTo(("2.4", "2.0", "1.1.0.1")));
        Assert.That(back.TimeZone, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(SessionCapability.FromPsValue(new SessionCapability("2.3", "2.0", "1.1.0.1").ToPsValue()), Is.EqualTo(new SessionCapability("2.3", "2.0", "1.1.0.1")));
    }

    [Test]
    public void Session_capability_without_protocol_version_is_rejected()
    {
        var obj = new PsObject().With("PSVersion", PsPrimitive.Version("2.0")).With("SerializationVersion", PsPrimitive.Version("1.1.0.1"));
        var ex = Assert.Throws<PsrpPayloadException>(() => SessionCapability.FromPsValue(obj));
        Assert.That(ex!.MessageType, Is.EqualTo(PsrpMessageType.SessionCapability));
        Assert.That(ex.Message, Does.Contain("protocolversion"));
        Assert.Throws<PsrpPayloadException>(() => SessionCapability.FromPsValue(PsPrimitive.String("x")));
    }

    [Test]
    public void Init_runspace_pool_from_pypsrp_payload()
    {
        var obj = new PsObject().With("MinRunspaces", 1).With("MaxRunspaces", 3)
            .With("PSThreadOptions", Enum("System.Management.Automation.Runspaces.PSThreadOptions", "Default", 0))
            .With("ApartmentState", Enum("System.Management.Automation.Runspaces.ApartmentState", "UNKNOWN", 2))
            .With("HostInfo", PsrpObjects.DefaultHostInfo())
            .With("ApplicationArguments", PsNil.Instance);
        var body = InitRunspacePool.FromPsValue(obj);
        Assert.That((body.MinRunspaces, body.MaxRunspaces, body.ThreadOptions, body.ApartmentState), Is.EqualTo((1, 3, 0, 2)));
        Assert.That(body.HostInfo!["_isHostNull"], Is.EqualTo(PsPrimitive.Boolean(true)));
        Assert.That(body.ApplicationArguments, Is.Null);
    }

    [Test]
    public void Init_runspace_pool_writes_powershell_7_enum_objects()
    {
        var obj = Obj(new InitRunspacePool(1, 5).ToPsValue());
        var apartment = Obj(obj["ApartmentState"]);
        Assert.That(apartment.TypeNames, Is.EqualTo(new[] { "System.Threading.ApartmentState", "System.Enum", "System.ValueType", "System.Object" }));
        Assert.That((apartment.ToStringValue, apartment.BaseValue), Is.EqualTo(("Unknown", PsPrimitive.Int32(2))));
        var threads = Obj(obj["PSThreadOptions"]);
        Assert.That(threads.TypeNames![0], Is.EqualTo("System.Management.Automation.Runspaces.PSThreadOptions"));
        Assert.That(threads.ToStringValue, Is.EqualTo("Default"));
        Assert.That(obj["ApplicationArguments"], Is.SameAs(PsNil.Instance));

        var args = PsrpObjects.PrimitiveDictionary([new("PSVersionTable", PsrpObjects.PrimitiveDictionary([]))]);
        var back = InitRunspacePool.FromPsValue(new InitRunspacePool(2, 4, 1, 0, null, args).ToPsValue());
        Assert.That((back.MinRunspaces, back.MaxRunspaces, back.ThreadOptions, back.ApartmentState), Is.EqualTo((2, 4, 1, 0)));
        Assert.That(back.ApplicationArguments, Is.SameAs(args));
    }

    [Test]
    public void Init_runspace_pool_with_a_string_count_is_rejected()
    {
        var obj = new PsObject().With("MinRunspaces", "1").With("MaxRunspaces", 1);
        var ex = Assert.Throws<PsrpPayloadException>(() => InitRunspacePool.FromPsValue(obj));
        Assert.That(ex!.Message, Does.Contain("MinRunspaces"));
        Assert.Throws<PsrpPayloadException>(() => InitRunspacePool.FromPsValue(new PsObject().With("MinRunspaces", 1)));
    }

    [Test]
    public void Connect_runspace_pool_empty_string_means_unknown()
    {
        Assert.That(new ConnectRunspacePool(null, null).ToPsValue(), Is.EqualTo(PsPrimitive.String(string.Empty)));
        Assert.That(ConnectRunspacePool.FromPsValue(PsPrimitive.String(string.Empty)), Is.EqualTo(new ConnectRunspacePool(null, null)));
        Assert.That(ConnectRunspacePool.FromPsValue(new ConnectRunspacePool(1, 2).ToPsValue()), Is.EqualTo(new ConnectRunspacePool(1, 2)));
        Assert.That(ConnectRunspacePool.FromPsValue(new ConnectRunspacePool(null, 2).ToPsValue()), Is.EqualTo(new ConnectRunspacePool(null, 2)));
    }

    [Test]
    public void Runspace_pool_init_data_and_state_round_trip()
    {
        Assert.That(RunspacePoolInitData.FromPsValue(new RunspacePoolInitData(1, 7).ToPsValue()), Is.EqualTo(new RunspacePoolInitData(1, 7)));
        Assert.That(RunspacePoolStateMessage.FromPsValue(new RunspacePoolStateMessage(RunspacePoolState.Opened).ToPsValue()), Is.EqualTo(new RunspacePoolStateMessage(RunspacePoolState.Opened)));
        var error = ErrorRecords.Create("boom", "Broken");
        var back = RunspacePoolStateMessage.FromPsValue(new RunspacePoolStateMessage(RunspacePoolState.Broken, error).ToPsValue());
        Assert.That((back.State, back.ExceptionAsErrorRecord), Is.EqualTo((RunspacePoolState.Broken, error)));
        Assert.That(Obj(new RunspacePoolStateMessage(RunspacePoolState.Opened).ToPsValue())["RunspaceState"], Is.EqualTo(PsPrimitive.Int32(2)));
    }

    [Test]
    public void Application_private_data_for_windows_powershell_matches_the_captured_shape()
    {
        var body = ApplicationPrivateData.ForWindowsPowerShell("5.1.14393.2248");
        var outer = Obj(body.ToPsValue());
        var data = Obj(outer["ApplicationPrivateData"]);
        Assert.That(data.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.PSPrimitiveDictionary", "System.Collections.Hashtable", "System.Object" }));
        Assert.That(data.CollectionKind, Is.EqualTo(PsCollectionKind.Dictionary));
        var table = Obj(PsrpObjects.GetEntry(data, "PSVersionTable"));
        Assert.That(table.Entries.Select(e => ((PsPrimitive)e.Key).Value), Is.EqualTo(new[]
        {
            "PSVersion", "PSEdition", "PSCompatibleVersions", "CLRVersion", "BuildVersion", "WSManStackVersion", "PSRemotingProtocolVersion", "SerializationVersion",
        }));
        Assert.That(body.GetPSVersionTableEntry("PSVersion"), Is.EqualTo(PsPrimitive.Version("5.1.14393.2248")));
        Assert.That(body.GetPSVersionTableEntry("PSEdition"), Is.EqualTo(PsPrimitive.String("Desktop")));
        Assert.That(body.GetPSVersionTableEntry("BuildVersion"), Is.EqualTo(PsPrimitive.Version("10.0.14393.2248")));
        Assert.That(body.GetPSVersionTableEntry("PSRemotingProtocolVersion"), Is.EqualTo(PsPrimitive.Version("2.3")));
        var compatible = Obj(body.GetPSVersionTableEntry("PSCompatibleVersions"));
        Assert.That(compatible.TypeNames![0], Is.EqualTo("System.Version[]"));
        Assert.That(compatible.Items, Has.Count.EqualTo(6));

        Assert.That(ApplicationPrivateData.FromPsValue(outer).Data, Is.SameAs(data));
        Assert.Throws<PsrpPayloadException>(() => ApplicationPrivateData.FromPsValue(new PsObject()));
    }

    [Test]
    public void Create_pipeline_from_powershell_7_6_payload()
    {
        // Shaped like real-clients/pwsh-7.6.9-linux/https_session_flow/req004 (no V5 merge properties).
        const string merge = "System.Management.Automation.Runspaces.PipelineResultTypes";
        var cmd = new PsObject().With("Cmd", " 'hello' ").With("IsScript", true).With("UseLocalScope", PsNil.Instance)
            .With("MergeMyResult", Enum(merge, "None", 0)).With("MergeToResult", Enum(merge, "None", 0)).With("MergePreviousResults", Enum(merge, "None", 0))
            .With("Args", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, []));
        var powerShell = new PsObject().With("Cmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, [cmd]))
            .With("IsNested", false).With("History", PsNil.Instance).With("RedirectShellErrorOutputPipe", true);
        var payload = new PsObject().With("PowerShell", powerShell).With("NoInput", true)
            .With("ApartmentState", Enum("System.Threading.ApartmentState", "Unknown", 2))
            .With("RemoteStreamOptions", Enum("System.Management.Automation.RemoteStreamOptions", "0", 0))
            .With("AddToHistory", true).With("HostInfo", PsrpObjects.DefaultHostInfo()).With("IsNested", false);

        var body = CreatePipeline.FromPsValue(payload);
        Assert.That(body.Commands, Has.Count.EqualTo(1));
        Assert.That((body.Commands[0].Command, body.Commands[0].IsScript, body.Commands[0].UseLocalScope), Is.EqualTo((" 'hello' ", true, (bool?)null)));
        Assert.That(body.Commands[0].Arguments, Is.Empty);
        Assert.That(body.Commands[0].MergeError, Is.EqualTo(PipelineResultTypes.None));
        Assert.That((body.NoInput, body.AddToHistory, body.IsNested, body.ApartmentState, body.RemoteStreamOptions, body.RedirectShellErrorOutputPipe),
            Is.EqualTo((true, true, false, 2, 0, true)));
        Assert.That(body.ExtraStatements, Is.Empty);
        Assert.That(body.HostInfo, Is.Not.Null);
    }

    [Test]
    public void Create_pipeline_from_pypsrp_payload_with_arguments_and_nil_extra_commands()
    {
        var powerShell = new PsObject().With("IsNested", false).With("ExtraCmds", PsNil.Instance)
            .With("Cmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames,
            [
                PypsrpCommand("Get-Item", true, Arg("Path", PsPrimitive.String("C:\\")), Arg(null, PsPrimitive.Int32(5))),
                PypsrpCommand("Select-Object", true, Arg("First", PsPrimitive.Int32(1)), new PsObject().With("N", "Switch")),
            ]))
            .With("History", PsNil.Instance).With("RedirectShellErrorOutputPipe", false);
        var payload = new PsObject().With("NoInput", false)
            .With("ApartmentState", Enum("System.Management.Automation.Runspaces.ApartmentState", "UNKNOWN", 2))
            .With("RemoteStreamOptions", Enum("System.Management.Automation.Runspaces.RemoteStreamOptions", "AddInvocationInfo", 15))
            .With("AddToHistory", false).With("HostInfo", PsrpObjects.DefaultHostInfo()).With("PowerShell", powerShell).With("IsNested", false);

        var body = CreatePipeline.FromPsValue(payload);
        Assert.That(body.Commands.Select(c => c.Command), Is.EqualTo(new[] { "Get-Item", "Select-Object" }));
        var args = body.Commands[0].Arguments;
        Assert.That(args.Select(a => a.Name), Is.EqualTo(new[] { "Path", null }));
        Assert.That(args.Select(a => a.Value), Is.EqualTo(new PsValue[] { PsPrimitive.String("C:\\"), PsPrimitive.Int32(5) }));
        Assert.That(body.Commands[1].Arguments[1].Value, Is.SameAs(PsNil.Instance));
        Assert.That(body.Commands[0].MergeError, Is.EqualTo(PipelineResultTypes.Output));
        Assert.That((body.NoInput, body.RemoteStreamOptions, body.RedirectShellErrorOutputPipe), Is.EqualTo((false, 15, false)));
    }

    [Test]
    public void Create_pipeline_from_windows_powershell_payload_with_extra_statements()
    {
        var statement2 = new PsObject().With("Cmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, [PypsrpCommand("Get-Date", false)]));
        var powerShell = new PsObject()
            .With("Cmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, [PypsrpCommand("Get-Process", false)]))
            .With("ExtraCmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, [statement2]))
            .With("IsNested", false).With("History", "Get-Process; Get-Date").With("RedirectShellErrorOutputPipe", true);
        var body = CreatePipeline.FromPsValue(new PsObject().With("PowerShell", powerShell).With("NoInput", true).With("AddToHistory", true).With("IsNested", false));
        Assert.That(body.Commands.Single().Command, Is.EqualTo("Get-Process"));
        Assert.That(body.ExtraStatements.Single().Single().Command, Is.EqualTo("Get-Date"));
        Assert.That(body.History, Is.EqualTo("Get-Process; Get-Date"));
    }

    [Test]
    public void Create_pipeline_writes_what_powershell_7_6_sends()
    {
        var body = new CreatePipeline([new PipelineCommand("Get-Item", false, [new PipelineArgument("Path", PsPrimitive.String("/"))])], AddToHistory: true);
        var obj = Obj(body.ToPsValue());
        Assert.That(obj.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "PowerShell", "NoInput", "ApartmentState", "RemoteStreamOptions", "AddToHistory", "HostInfo", "IsNested" }));
        var ps = Obj(obj["PowerShell"]);
        Assert.That(ps.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Cmds", "IsNested", "History", "RedirectShellErrorOutputPipe" }));
        Assert.That(ps["History"], Is.SameAs(PsNil.Instance));
        var cmds = Obj(ps["Cmds"]);
        Assert.That(cmds.TypeNames![0], Does.StartWith("System.Collections.Generic.List`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=7.6"));
        Assert.That(cmds.CollectionKind, Is.EqualTo(PsCollectionKind.List));
        var cmd = Obj(cmds.Items.Single());
        Assert.That(cmd.TypeNames, Is.Null);
        Assert.That(cmd.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "Cmd", "IsScript", "UseLocalScope", "MergeMyResult", "MergeToResult", "MergePreviousResults",
            "MergeError", "MergeWarning", "MergeVerbose", "MergeDebug", "MergeInformation", "Args",
        }));
        var mergeMy = Obj(cmd["MergeMyResult"]);
        Assert.That((mergeMy.TypeNames![0], mergeMy.ToStringValue, mergeMy.BaseValue), Is.EqualTo(("System.Management.Automation.Runspaces.PipelineResultTypes", "None", PsPrimitive.Int32(0))));
        var arg = Obj(Obj(cmd["Args"]).Items.Single());
        Assert.That(arg.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "N", "V" }));
        var streamOptions = Obj(obj["RemoteStreamOptions"]);
        Assert.That((streamOptions.TypeNames![0], streamOptions.ToStringValue), Is.EqualTo(("System.Management.Automation.RemoteStreamOptions", "0")));
        Assert.That(Obj(obj["ApartmentState"]).TypeNames![0], Is.EqualTo("System.Threading.ApartmentState"));
    }

    [Test]
    public void Invoke_Command_script_with_ArgumentList_and_input_is_written_as_PowerShell_sends_it()
    {
        // Invoke-Command -ScriptBlock { param($n) "Hello $n" } -ArgumentList World, with piped input: the script is one
        // IsScript command whose arguments are positional (N is Nil), and NoInput is false (InvokeCommandCommand /
        // RemotingEncoder.GenerateCreatePowerShell; NoInput as in test_psrp_with_input.yml).
        var body = new CreatePipeline([new PipelineCommand("param($n) \"Hello $n\"", IsScript: true,
            [new PipelineArgument(null, PsPrimitive.String("World")), new PipelineArgument(null, PsPrimitive.Int32(2))])], NoInput: false, AddToHistory: true);
        var xml = ClixmlSerializer.SerializeToString(body.ToPsValue());
        Assert.That(xml, Does.Contain("<B N=\"NoInput\">false</B>"));
        Assert.That(xml, Does.Contain("<S N=\"Cmd\">param($n) \"Hello $n\"</S><B N=\"IsScript\">true</B>"));
        Assert.That(xml, Does.Match("<MS><Nil N=\"N\" /><S N=\"V\">World</S></MS>.*<MS><Nil N=\"N\" /><I32 N=\"V\">2</I32></MS>"));

        var back = CreatePipeline.FromPsValue(ClixmlDeserializer.Deserialize(xml));
        Assert.That(back.NoInput, Is.False);
        Assert.That(back.Commands.Single().Arguments, Is.EqualTo(new[] { new PipelineArgument(null, PsPrimitive.String("World")), new PipelineArgument(null, PsPrimitive.Int32(2)) }));
    }

    [Test]
    public void Pipeline_input_carries_the_object_itself_and_end_of_input_carries_nothing()
    {
        var rpid = Guid.NewGuid();
        var pid = Guid.NewGuid();
        var input = PsrpMessage.Create(PsrpDestination.Server, rpid, pid, new PipelineInput(PsPrimitive.Int32(1)));
        Assert.That(input.MessageType, Is.EqualTo(PsrpMessageType.PipelineInput));
        Assert.That(input.ReadData(), Is.EqualTo(PsPrimitive.Int32(1)));
        var end = PsrpMessage.Create(PsrpDestination.Server, rpid, pid, EndOfPipelineInput.Instance);
        Assert.That(end.MessageType, Is.EqualTo(PsrpMessageType.EndOfPipelineInput));
        Assert.That(end.ToArray(), Has.Length.EqualTo(40), "the 40-byte message header and no data (test_psrp_with_input.yml)");
    }

    [Test]
    public void Create_pipeline_round_trips()
    {
        var original = new CreatePipeline(
            [
                new PipelineCommand("gci", false, [new PipelineArgument("Path", PsPrimitive.String("/")), new PipelineArgument(null, PsPrimitive.Int32(1))], true)
                {
                    MergeMyResult = PipelineResultTypes.Error, MergeToResult = PipelineResultTypes.Output, MergeInformation = PipelineResultTypes.Output,
                },
                new PipelineCommand("Out-String", false, []),
            ],
            NoInput: false, AddToHistory: true, IsNested: true)
        {
            ExtraStatements = [[new PipelineCommand("$x", true, [])]],
            RemoteStreamOptions = 15,
            ApartmentState = 1,
            RedirectShellErrorOutputPipe = false,
            History = "gci",
        };
        var back = CreatePipeline.FromPsValue(original.ToPsValue());
        Assert.That((back.NoInput, back.AddToHistory, back.IsNested, back.RemoteStreamOptions, back.ApartmentState, back.RedirectShellErrorOutputPipe, back.History),
            Is.EqualTo((false, true, true, 15, 1, false, "gci")));
        Assert.That(back.Commands, Has.Count.EqualTo(2));
        for (var i = 0; i < 2; i++)
        {
            Assert.That(back.Commands[i] with { Arguments = [] }, Is.EqualTo(original.Commands[i] with { Arguments = [] }));
            Assert.That(back.Commands[i].Arguments, Is.EqualTo(original.Commands[i].Arguments));
        }

        Assert.That(back.ExtraStatements.Single().Single() with { Arguments = [] }, Is.EqualTo(original.ExtraStatements[0][0] with { Arguments = [] }));
        Assert.That(Obj(Obj(original.ToPsValue())["RemoteStreamOptions"]).ToStringValue, Is.EqualTo("AddInvocationInfo"));
    }

    [Test]
    public void Create_pipeline_without_commands_is_rejected()
    {
        Assert.Throws<PsrpPayloadException>(() => CreatePipeline.FromPsValue(new PsObject().With("NoInput", true)));
        Assert.Throws<PsrpPayloadException>(() => CreatePipeline.FromPsValue(new PsObject().With("PowerShell", new PsObject().With("IsNested", false))));
        var badCmd = new PsObject().With("PowerShell", new PsObject().With("Cmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, [new PsObject().With("IsScript", true)])));
        var ex = Assert.Throws<PsrpPayloadException>(() => CreatePipeline.FromPsValue(badCmd));
        Assert.That(ex!.Message, Does.Contain("Cmd"));
    }

    [Test]
    public void Runspace_count_messages_read_pypsrp_upper_case_call_id()
    {
        Assert.That(SetMaxRunspaces.FromPsValue(new PsObject().With("MaxRunspaces", 5).With("CI", PsPrimitive.Int64(1))), Is.EqualTo(new SetMaxRunspaces(1, 5)));
        Assert.That(SetMinRunspaces.FromPsValue(new PsObject().With("MinRunspaces", -1).With("CI", PsPrimitive.Int64(4))), Is.EqualTo(new SetMinRunspaces(4, -1)));
        Assert.That(GetAvailableRunspaces.FromPsValue(new PsObject().With("ci", PsPrimitive.Int64(0))), Is.EqualTo(new GetAvailableRunspaces(0)));
        Assert.That(Obj(new SetMaxRunspaces(3, 2).ToPsValue())["ci"], Is.EqualTo(PsPrimitive.Int64(3)));
        Assert.Throws<PsrpPayloadException>(() => SetMaxRunspaces.FromPsValue(new PsObject().With("MaxRunspaces", 5)));
        Assert.That(ResetRunspaceState.FromPsValue(new PsObject().With("CI", PsPrimitive.Int64(7))), Is.EqualTo(new ResetRunspaceState(7)));
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.ResetRunspaceState, new ResetRunspaceState(9).ToPsValue()), Is.EqualTo(new ResetRunspaceState(9)));
        Assert.Throws<PsrpPayloadException>(() => ResetRunspaceState.FromPsValue(new PsObject()));
    }

    /// <summary>GET_COMMAND_METADATA as pypsrp sends it (a String[] of names, the CommandTypes enum, $null module and arguments), and round trips.</summary>
    [Test]
    public void Command_metadata_requests_read_names_types_modules_and_arguments()
    {
        var pypsrp = new PsObject()
            .With("Name", PsObjects.List([PsPrimitive.String("Get-Service")], ["System.String[]", "System.Array", "System.Object"]))
            .With("CommandType", PsrpObjects.Enum("System.Management.Automation.CommandTypes", "Alias, Function, Filter, Cmdlet", 15))
            .With("Namespace", PsNil.Instance)
            .With("ArgumentList", PsNil.Instance);
        var read = GetCommandMetadata.FromPsValue(pypsrp);
        Assert.That((read.Names, read.CommandType, read.Namespace.Count, read.ArgumentList.Count), Is.EqualTo((new[] { "Get-Service" }, 15, 0, 0)));

        var full = new GetCommandMetadata(["a*", "b"], 8, ["M"], [PsPrimitive.Int32(1)]);
        var back = GetCommandMetadata.FromPsValue(full.ToPsValue());
        Assert.That((back.Names, back.CommandType, back.Namespace, back.ArgumentList), Is.EqualTo((full.Names, 8, full.Namespace, full.ArgumentList)));
        Assert.That(GetCommandMetadata.FromPsValue(new PsObject()).Names, Is.EqualTo(new[] { "*" }), "no names: every command");
        Assert.Throws<PsrpPayloadException>(() => GetCommandMetadata.FromPsValue(new PsObject().With("Name", PsObjects.List([PsPrimitive.Int32(1)]))));
    }

    [Test]
    public void Runspace_count_messages_round_trip()
    {
        Assert.That(SetMaxRunspaces.FromPsValue(new SetMaxRunspaces(7, 9).ToPsValue()), Is.EqualTo(new SetMaxRunspaces(7, 9)));
        Assert.That(SetMinRunspaces.FromPsValue(new SetMinRunspaces(8, 2).ToPsValue()), Is.EqualTo(new SetMinRunspaces(8, 2)));
        Assert.That(GetAvailableRunspaces.FromPsValue(new GetAvailableRunspaces(long.MaxValue).ToPsValue()), Is.EqualTo(new GetAvailableRunspaces(long.MaxValue)));
    }

    [Test]
    public void Runspace_availability_accepts_bool_and_integer_responses()
    {
        var count = RunspaceAvailability.FromPsValue(new PsObject().With("SetMinMaxRunspacesResponse", 1).With("ci", PsPrimitive.Int64(0)));
        Assert.That((count.CallId, count.Response), Is.EqualTo((0L, PsPrimitive.Int32(1))));
        var set = RunspaceAvailability.FromPsValue(new RunspaceAvailability(1, PsPrimitive.Boolean(true)).ToPsValue());
        Assert.That(set, Is.EqualTo(new RunspaceAvailability(1, PsPrimitive.Boolean(true))));
        Assert.That(RunspaceAvailability.FromPsValue(new RunspaceAvailability(2, PsPrimitive.Int64(5)).ToPsValue()).Response, Is.EqualTo(PsPrimitive.Int64(5)));
        Assert.Throws<PsrpPayloadException>(() => RunspaceAvailability.FromPsValue(new PsObject().With("SetMinMaxRunspacesResponse", "yes").With("ci", PsPrimitive.Int64(0))));
    }

    [Test]
    public void Pipeline_state_round_trips_with_and_without_error_record()
    {
        Assert.That(PipelineStateMessage.FromPsValue(new PipelineStateMessage(PSInvocationState.Completed).ToPsValue()), Is.EqualTo(new PipelineStateMessage(PSInvocationState.Completed)));
        var error = ErrorRecords.Create("error", "Microsoft.PowerShell.Commands.WriteErrorException", exceptionType: "Microsoft.PowerShell.Commands.WriteErrorException", activity: "Write-Error");
        var failed = PipelineStateMessage.FromPsValue(new PipelineStateMessage(PSInvocationState.Failed, error).ToPsValue());
        Assert.That((failed.State, failed.ExceptionAsErrorRecord), Is.EqualTo((PSInvocationState.Failed, error)));
        Assert.Throws<PsrpPayloadException>(() => PipelineStateMessage.FromPsValue(new PsObject()));
    }

    [Test]
    public void Informational_records_have_powershell_type_names_and_message()
    {
        var warning = Obj(new WarningRecordMessage("warning stream").ToPsValue());
        Assert.That(warning.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.WarningRecord", "System.Management.Automation.InformationalRecord", "System.Object" }));
        Assert.That(warning.ToStringValue, Is.EqualTo("warning stream"));
        Assert.That(warning["InformationalRecord_Message"], Is.EqualTo(PsPrimitive.String("warning stream")));
        Assert.That(warning["InformationalRecord_SerializeInvocationInfo"], Is.EqualTo(PsPrimitive.Boolean(false)));
        Assert.That(Obj(new VerboseRecordMessage("v").ToPsValue()).TypeNames![0], Is.EqualTo("System.Management.Automation.VerboseRecord"));
        Assert.That(Obj(new DebugRecordMessage("d").ToPsValue()).TypeNames![0], Is.EqualTo("System.Management.Automation.DebugRecord"));

        Assert.That(WarningRecordMessage.FromPsValue(warning), Is.EqualTo(new WarningRecordMessage("warning stream")));
        Assert.That(VerboseRecordMessage.FromPsValue(new VerboseRecordMessage("v").ToPsValue()), Is.EqualTo(new VerboseRecordMessage("v")));
        Assert.That(DebugRecordMessage.FromPsValue(new DebugRecordMessage("d").ToPsValue()), Is.EqualTo(new DebugRecordMessage("d")));
    }

    [Test]
    public void Informational_record_with_invocation_info_reads_the_message()
    {
        // As in test_psrp_stream_output_invocation: SerializeInvocationInfo true and many InvocationInfo_* props.
        var record = new PsObject(["System.Management.Automation.DebugRecord", "System.Management.Automation.InformationalRecord", "System.Object"]) { ToStringValue = "debug stream" }
            .With("InformationalRecord_Message", "debug stream").With("InformationalRecord_SerializeInvocationInfo", true)
            .With("InvocationInfo_BoundParameters", new PsObject { CollectionKind = PsCollectionKind.Dictionary })
            .With("InvocationInfo_PSCommandPath", PsNil.Instance);
        Assert.That(DebugRecordMessage.FromPsValue(record).Message, Is.EqualTo("debug stream"));
        Assert.That(DebugRecordMessage.FromPsValue(new PsObject { ToStringValue = "only tostring" }).Message, Is.EqualTo("only tostring"));
        Assert.Throws<PsrpPayloadException>(() => DebugRecordMessage.FromPsValue(new PsObject()));
    }

    [Test]
    public void Progress_record_from_captured_shape_and_round_trip()
    {
        var obj = new PsObject().With("Activity", "Preparing modules for first use.").With("ActivityId", 0).With("StatusDescription", " ")
            .With("CurrentOperation", PsNil.Instance).With("ParentActivityId", -1).With("PercentComplete", -1)
            .With("Type", Enum("System.Management.Automation.ProgressRecordType", "Completed", 1)).With("SecondsRemaining", -1);
        var body = ProgressRecordMessage.FromPsValue(obj);
        Assert.That(body, Is.EqualTo(new ProgressRecordMessage("Preparing modules for first use.", 0, " ", null, -1, -1, ProgressRecordType.Completed, -1)));

        var written = Obj(body.ToPsValue());
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(obj.ExtendedProperties.Select(p => p.Name)));
        var type = Obj(written["Type"]);
        Assert.That((type.TypeNames![0], type.ToStringValue, type.BaseValue), Is.EqualTo(("System.Management.Automation.ProgressRecordType", "Completed", PsPrimitive.Int32(1))));
        var full = new ProgressRecordMessage("a", 3, "s", "op", 1, 50, ProgressRecordType.Processing, 10);
        Assert.That(ProgressRecordMessage.FromPsValue(full.ToPsValue()), Is.EqualTo(full));
        Assert.Throws<PsrpPayloadException>(() => ProgressRecordMessage.FromPsValue(new PsObject().With("ActivityId", 1)));
    }

    [Test]
    public void Information_record_from_captured_shape_and_round_trip()
    {
        var time = new DateTimeOffset(2018, 6, 13, 23, 45, 29, TimeSpan.Zero).AddTicks(4583203);
        var obj = new PsObject().With("MessageData", "information stream").With("Source", "Write-Information")
            .With("TimeGenerated", PsPrimitive.DateTime(time))
            .With("Tags", PsrpObjects.List(PsrpObjects.StringListTypeNames, []))
            .With("User", "WIN-NNMU24VVKJ0\\vagrant").With("Computer", "WIN-NNMU24VVKJ0")
            .With("ProcessId", PsPrimitive.UInt32(2780)).With("NativeThreadId", PsPrimitive.UInt32(368)).With("ManagedThreadId", PsPrimitive.UInt32(10));
        var body = InformationRecordMessage.FromPsValue(obj);
        Assert.That((body.MessageData, body.Source, body.TimeGenerated, body.User, body.Computer, body.ProcessId, body.NativeThreadId, body.ManagedThreadId),
            Is.EqualTo(((PsValue)PsPrimitive.String("information stream"), "Write-Information", time, "WIN-NNMU24VVKJ0\\vagrant", "WIN-NNMU24VVKJ0", 2780u, 368u, 10u)));
        Assert.That(body.Tags, Is.Empty);

        var written = Obj(body.ToPsValue());
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(obj.ExtendedProperties.Select(p => p.Name)));
        Assert.That(written["ProcessId"], Is.EqualTo(PsPrimitive.UInt32(2780)));

        var tagged = body with { Tags = ["PSHOST", "x"] };
        var back = InformationRecordMessage.FromPsValue(tagged.ToPsValue());
        Assert.That(back.Tags, Is.EqualTo(new[] { "PSHOST", "x" }));
        Assert.That(back with { Tags = tagged.Tags }, Is.EqualTo(tagged));
        Assert.Throws<PsrpPayloadException>(() => InformationRecordMessage.FromPsValue(new PsObject().With("TimeGenerated", "yesterday")));
    }

    [Test]
    public void Error_record_create_matches_powershell_serialization()
    {
        var record = ErrorRecords.Create("The term 'foo' is not recognized as a name of a cmdlet.", "CommandNotFoundException",
            ErrorCategory.ObjectNotFound, "System.Management.Automation.CommandNotFoundException", targetName: "foo");
        Assert.That(record.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.ErrorRecord", "System.Object" }));
        Assert.That(record.ToStringValue, Is.EqualTo("The term 'foo' is not recognized as a name of a cmdlet."));
        Assert.That(record.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "Exception", "TargetObject", "FullyQualifiedErrorId", "InvocationInfo", "ErrorCategory_Category", "ErrorCategory_Activity",
            "ErrorCategory_Reason", "ErrorCategory_TargetName", "ErrorCategory_TargetType", "ErrorCategory_Message", "SerializeExtendedInfo",
        }));
        Assert.That(record["ErrorCategory_Message"], Is.EqualTo(PsPrimitive.String("ObjectNotFound: (foo:String) [], CommandNotFoundException")));
        Assert.That(record["ErrorCategory_Category"], Is.EqualTo(PsPrimitive.Int32(13)));
        Assert.That(record["TargetObject"], Is.EqualTo(PsPrimitive.String("foo")));
        Assert.That(record["SerializeExtendedInfo"], Is.EqualTo(PsPrimitive.Boolean(false)));
        Assert.That(record["InvocationInfo"], Is.SameAs(PsNil.Instance));

        var exception = Obj(record["Exception"]);
        Assert.That(exception.TypeNames, Is.EqualTo(new[]
        {
            "System.Management.Automation.CommandNotFoundException", "System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception", "System.Object",
        }));
        Assert.That(exception.ToStringValue, Is.EqualTo("System.Management.Automation.CommandNotFoundException: The term 'foo' is not recognized as a name of a cmdlet."));
        Assert.That(exception["Message"], Is.EqualTo(PsPrimitive.String("The term 'foo' is not recognized as a name of a cmdlet.")));
    }

    [Test]
    public void Error_record_without_target_has_an_empty_category_target()
    {
        var record = ErrorRecords.Create("error stream", "Microsoft.PowerShell.Commands.WriteErrorException",
            exceptionType: "Microsoft.PowerShell.Commands.WriteErrorException", activity: "Write-Error");
        Assert.That(record["ErrorCategory_Message"], Is.EqualTo(PsPrimitive.String("NotSpecified: (:) [Write-Error], WriteErrorException")));
        Assert.That(record["TargetObject"], Is.SameAs(PsNil.Instance));
    }

    [Test]
    public void Error_record_read_round_trips_create()
    {
        var record = ErrorRecords.Create("nope", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", ErrorCategory.ObjectNotFound,
            "System.Management.Automation.ItemNotFoundException", "C:\\nope", "Get-Item");
        var info = ErrorRecords.Read(record);
        Assert.That(info, Is.EqualTo(new ErrorRecordInfo("nope", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", ErrorCategory.ObjectNotFound,
            "ItemNotFoundException", "C:\\nope", "System.Management.Automation.ItemNotFoundException", "Get-Item")));
        Assert.That(ErrorRecordMessage.FromPsValue(new ErrorRecordMessage(record).ToPsValue()).Record, Is.SameAs(record));
    }

    [Test]
    public void Error_record_read_handles_the_captured_shape_and_missing_properties()
    {
        // As in test_psrp_error_failed: Exception with Props, InvocationInfo object, ErrorDetails_ScriptStackTrace.
        var exception = new PsObject(["Microsoft.PowerShell.Commands.WriteErrorException", "System.SystemException", "System.Exception", "System.Object"])
        {
            ToStringValue = "Microsoft.PowerShell.Commands.WriteErrorException: error",
        };
        exception.AdaptedProperties.Add(new PsProperty("Message", PsPrimitive.String("error")));
        var record = new PsObject(["System.Management.Automation.ErrorRecord", "System.Object"]) { ToStringValue = "error" }
            .With("Exception", exception).With("TargetObject", PsNil.Instance)
            .With("FullyQualifiedErrorId", "Microsoft.PowerShell.Commands.WriteErrorException")
            .With("InvocationInfo", new PsObject(["System.Management.Automation.InvocationInfo", "System.Object"]))
            .With("ErrorCategory_Category", 0).With("ErrorCategory_Activity", "Write-Error").With("ErrorCategory_Reason", "WriteErrorException")
            .With("ErrorCategory_TargetName", "").With("ErrorCategory_TargetType", "")
            .With("ErrorCategory_Message", "NotSpecified: (:) [Write-Error], WriteErrorException")
            .With("SerializeExtendedInfo", false).With("ErrorDetails_ScriptStackTrace", "at <ScriptBlock>, <No file>: line 1");
        var info = ErrorRecords.Read(record);
        Assert.That((info.Message, info.FullyQualifiedErrorId, info.Category, info.CategoryReason, info.ExceptionType, info.ActivityName),
            Is.EqualTo(("error", "Microsoft.PowerShell.Commands.WriteErrorException", ErrorCategory.NotSpecified, "WriteErrorException",
                "Microsoft.PowerShell.Commands.WriteErrorException", "Write-Error")));

        var bare = ErrorRecords.Read(new PsObject { ToStringValue = "only text" });
        Assert.That(bare, Is.EqualTo(new ErrorRecordInfo("only text", string.Empty, ErrorCategory.NotSpecified, null, null, null, null)));
        Assert.That(ErrorRecords.Read(record.With("ErrorDetails_Message", "friendly")).Message, Is.EqualTo("friendly"));
        Assert.Throws<PsrpPayloadException>(() => ErrorRecords.Read(PsNil.Instance));
        Assert.Throws<PsrpPayloadException>(() => ErrorRecordMessage.FromPsValue(PsPrimitive.Int32(1)));
    }

    [Test]
    public void Bodies_dispatch_by_message_type()
    {
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.PipelineState, new PipelineStateMessage(PSInvocationState.Running).ToPsValue()),
            Is.EqualTo(new PipelineStateMessage(PSInvocationState.Running)));
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.PipelineOutput, PsPrimitive.String("x")), Is.EqualTo(new PipelineOutput(PsPrimitive.String("x"))));
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.PipelineHostResponse, new PipelineHostResponse(2, RemoteHostMethodId.ReadLine, PsPrimitive.String("l")).ToPsValue()),
            Is.EqualTo(new PipelineHostResponse(2, RemoteHostMethodId.ReadLine, PsPrimitive.String("l"))));
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.PublicKey, new PublicKey("AA==").ToPsValue()), Is.EqualTo(new PublicKey("AA==")));
        Assert.That(PsrpBodies.FromPsValue(PsrpMessageType.RunspacePoolHostCall, new PsObject()), Is.Null);
        Assert.That(PsrpBodies.FromPsValue((PsrpMessageType)0x12345, new PsObject()), Is.Null);
    }
}
