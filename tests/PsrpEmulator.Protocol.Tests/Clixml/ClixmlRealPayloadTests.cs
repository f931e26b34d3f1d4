using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>
/// Payloads as real peers sent them: requests of PowerShell 7.6.9 on Linux (shared/fixtures/real-clients) and a
/// Windows server response recorded by pypsrp (shared/fixtures/real-traffic, MIT). Each is decoded, checked, and
/// written back byte for byte.
/// </summary>
public class ClixmlRealPayloadTests
{
    // pwsh 7.6.9 SESSION_CAPABILITY (https_session_flow/req001).
    private const string SessionCapability74 = """
        <Obj RefId="0"><MS><Version N="protocolversion">2.4</Version><Version N="PSVersion">2.0</Version><Version N="SerializationVersion">1.1.0.1</Version></MS></Obj>
        """;

    // pwsh 7.6.9 INIT_RUNSPACEPOOL (https_session_flow/req001).
    private const string InitRunspacePool = """
        <Obj RefId="0"><MS><I32 N="MinRunspaces">1</I32><I32 N="MaxRunspaces">1</I32><Obj N="PSThreadOptions" RefId="1"><TN RefId="0"><T>System.Management.Automation.Runspaces.PSThreadOptions</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Default</ToString><I32>0</I32></Obj><Obj N="ApartmentState" RefId="2"><TN RefId="1"><T>System.Threading.ApartmentState</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Unknown</ToString><I32>2</I32></Obj><Obj N="ApplicationArguments" RefId="3"><TN RefId="2"><T>System.Management.Automation.PSPrimitiveDictionary</T><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT><En><S N="Key">PSVersionTable</S><Obj N="Value" RefId="4"><TNRef RefId="2" /><DCT><En><S N="Key">PSVersion</S><Version N="Value">7.6.9</Version></En><En><S N="Key">SerializationVersion</S><Version N="Value">1.1.0.1</Version></En><En><S N="Key">GitCommitId</S><S N="Value">7.6.9</S></En><En><S N="Key">WSManStackVersion</S><Version N="Value">3.0</Version></En><En><S N="Key">PSCompatibleVersions</S><Obj N="Value" RefId="5"><TN RefId="3"><T>System.Version[]</T><T>System.Array</T><T>System.Object</T></TN><LST><Version>1.0</Version><Version>2.0</Version><Version>3.0</Version><Version>4.0</Version><Version>5.0</Version><Version>5.1</Version><Version>6.0</Version><Version>7.0</Version></LST></Obj></En><En><S N="Key">PSEdition</S><S N="Value">Core</S></En><En><S N="Key">PSSemanticVersion</S><S N="Value">7.6.9</S></En><En><S N="Key">Platform</S><S N="Value">Unix</S></En><En><S N="Key">OS</S><S N="Value">Debian GNU/Linux 12 (bookworm)</S></En><En><S N="Key">PSRemotingProtocolVersion</S><Version N="Value">2.4</Version></En></DCT></Obj></En></DCT></Obj><Obj N="HostInfo" RefId="6"><MS><B N="_isHostUINull">false</B><B N="_isHostRawUINull">false</B><B N="_isHostNull">false</B><Obj N="_hostDefaultData" RefId="7"><MS><Obj N="data" RefId="8"><TN RefId="4"><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT><En><I32 N="Key">9</I32><Obj N="Value" RefId="9"><MS><S N="T">System.String</S><S N="V"></S></MS></Obj></En><En><I32 N="Key">8</I32><Obj N="Value" RefId="10"><MS><S N="T">System.Management.Automation.Host.Size</S><Obj N="V" RefId="11"><MS><I32 N="width">80</I32><I32 N="height">24</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">7</I32><Obj N="Value" RefId="12"><MS><S N="T">System.Management.Automation.Host.Size</S><Obj N="V" RefId="13"><MS><I32 N="width">80</I32><I32 N="height">24</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">6</I32><Obj N="Value" RefId="14"><MS><S N="T">System.Management.Automation.Host.Size</S><Obj N="V" RefId="15"><MS><I32 N="width">80</I32><I32 N="height">24</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">5</I32><Obj N="Value" RefId="16"><MS><S N="T">System.Management.Automation.Host.Size</S><Obj N="V" RefId="17"><MS><I32 N="width">80</I32><I32 N="height">24</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">4</I32><Obj N="Value" RefId="18"><MS><S N="T">System.Int32</S><I32 N="V">100</I32></MS></Obj></En><En><I32 N="Key">3</I32><Obj N="Value" RefId="19"><MS><S N="T">System.Management.Automation.Host.Coordinates</S><Obj N="V" RefId="20"><MS><I32 N="x">0</I32><I32 N="y">0</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">2</I32><Obj N="Value" RefId="21"><MS><S N="T">System.Management.Automation.Host.Coordinates</S><Obj N="V" RefId="22"><MS><I32 N="x">0</I32><I32 N="y">0</I32></MS></Obj></MS></Obj></En><En><I32 N="Key">1</I32><Obj N="Value" RefId="23"><MS><S N="T">System.ConsoleColor</S><I32 N="V">-1</I32></MS></Obj></En><En><I32 N="Key">0</I32><Obj N="Value" RefId="24"><MS><S N="T">System.ConsoleColor</S><I32 N="V">-1</I32></MS></Obj></En></DCT></Obj></MS></Obj><B N="_useRunspaceHost">false</B></MS></Obj></MS></Obj>
        """;

    // pwsh 7.6.9 CREATE_PIPELINE for Invoke-Command { 'hello' } (https_session_flow/req004).
    private const string CreatePipeline = """
        <Obj RefId="0"><MS><Obj N="PowerShell" RefId="1"><MS><Obj N="Cmds" RefId="2"><TN RefId="0"><T>System.Collections.Generic.List`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=7.6.0.500, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T><T>System.Object</T></TN><LST><Obj RefId="3"><MS><S N="Cmd"> 'hello' </S><B N="IsScript">true</B><Nil N="UseLocalScope" /><Obj N="MergeMyResult" RefId="4"><TN RefId="1"><T>System.Management.Automation.Runspaces.PipelineResultTypes</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>None</ToString><I32>0</I32></Obj><Obj N="MergeToResult" RefId="5"><TNRef RefId="1" /><ToString>None</ToString><I32>0</I32></Obj><Obj N="MergePreviousResults" RefId="6"><TNRef RefId="1" /><ToString>None</ToString><I32>0</I32></Obj><Obj N="Args" RefId="7"><TNRef RefId="0" /><LST /></Obj></MS></Obj></LST></Obj><B N="IsNested">false</B><Nil N="History" /><B N="RedirectShellErrorOutputPipe">true</B></MS></Obj><B N="NoInput">true</B><Obj N="ApartmentState" RefId="8"><TN RefId="2"><T>System.Threading.ApartmentState</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>Unknown</ToString><I32>2</I32></Obj><Obj N="RemoteStreamOptions" RefId="9"><TN RefId="3"><T>System.Management.Automation.RemoteStreamOptions</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>0</ToString><I32>0</I32></Obj><B N="AddToHistory">true</B><Obj N="HostInfo" RefId="10"><MS><B N="_isHostUINull">true</B><B N="_isHostRawUINull">true</B><B N="_isHostNull">true</B><B N="_useRunspaceHost">true</B></MS></Obj><B N="IsNested">false</B></MS></Obj>
        """;

    // Windows PowerShell server PIPELINE_STATE carrying an ErrorRecord (pypsrp test_psrp_error_failed.yml).
    private const string PipelineStateWithError = """
        <Obj RefId="0"><MS><I32 N="PipelineState">5</I32><Obj N="ExceptionAsErrorRecord" RefId="1"><TN RefId="0"><T>System.Management.Automation.ErrorRecord</T><T>System.Object</T></TN><ToString>error</ToString><MS><Obj N="Exception" RefId="2"><TN RefId="1"><T>Microsoft.PowerShell.Commands.WriteErrorException</T><T>System.SystemException</T><T>System.Exception</T><T>System.Object</T></TN><ToString>Microsoft.PowerShell.Commands.WriteErrorException: error</ToString><Props><S N="Message">error</S><Obj N="Data" RefId="3"><TN RefId="2"><T>System.Collections.ListDictionaryInternal</T><T>System.Object</T></TN><DCT /></Obj><Nil N="InnerException" /><Nil N="TargetSite" /><Nil N="StackTrace" /><Nil N="HelpLink" /><Nil N="Source" /><I32 N="HResult">-2146233087</I32></Props></Obj><Nil N="TargetObject" /><S N="FullyQualifiedErrorId">Microsoft.PowerShell.Commands.WriteErrorException</S><Obj N="InvocationInfo" RefId="4"><TN RefId="3"><T>System.Management.Automation.InvocationInfo</T><T>System.Object</T></TN><ToString>System.Management.Automation.InvocationInfo</ToString><Props><S N="MyCommand">$ErrorActionPreference = 'Stop'; Write-Output before; Write-Error error; Write-Output after</S><Obj N="BoundParameters" RefId="5"><TN RefId="4"><T>System.Collections.Generic.Dictionary`2[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089],[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]</T><T>System.Object</T></TN><DCT /></Obj><Obj N="UnboundArguments" RefId="6"><TN RefId="5"><T>System.Collections.Generic.List`1[[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]</T><T>System.Object</T></TN><LST /></Obj><I32 N="ScriptLineNumber">1</I32><I32 N="OffsetInLine">55</I32><I64 N="HistoryId">1</I64><S N="ScriptName"></S><S N="Line">$ErrorActionPreference = 'Stop'; Write-Output before; Write-Error error; Write-Output after</S><S N="PositionMessage">At line:1 char:55_x000D__x000A_+ ... onPreference = 'Stop'; Write-Output before; Write-Error error; Write- ..._x000D__x000A_+                                                 ~~~~~~~~~~~~~~~~~</S><S N="PSScriptRoot"></S><Nil N="PSCommandPath" /><S N="InvocationName"></S><I32 N="PipelineLength">0</I32><I32 N="PipelinePosition">0</I32><B N="ExpectingInput">false</B><S N="CommandOrigin">Internal</S><Nil N="DisplayScriptPosition" /></Props></Obj><I32 N="ErrorCategory_Category">0</I32><S N="ErrorCategory_Activity">Write-Error</S><S N="ErrorCategory_Reason">WriteErrorException</S><S N="ErrorCategory_TargetName"></S><S N="ErrorCategory_TargetType"></S><S N="ErrorCategory_Message">NotSpecified: (:) [Write-Error], WriteErrorException</S><B N="SerializeExtendedInfo">false</B><S N="ErrorDetails_ScriptStackTrace">at &lt;ScriptBlock&gt;, &lt;No file&gt;: line 1</S></MS></Obj></MS></Obj>
        """;

    [TestCase(SessionCapability74)]
    [TestCase(InitRunspacePool)]
    [TestCase(CreatePipeline)]
    [TestCase(PipelineStateWithError)]
    public void Real_payload_serializes_back_byte_for_byte(string payload)
    {
        var value = ClixmlDeserializer.Deserialize(payload);
        Assert.That(ClixmlSerializer.SerializeToString(value), Is.EqualTo(payload));
    }

    [Test]
    public void Real_payload_with_UTF8_BOM_as_carried_in_a_PSRP_message_is_read()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes(CreatePipeline)).ToArray();
        Assert.That(ClixmlDeserializer.Deserialize(bytes), Is.TypeOf<PsObject>());
        Assert.That(ClixmlSerializer.Serialize(ClixmlDeserializer.Deserialize(bytes), writeBom: true), Is.EqualTo(bytes));
    }

    [Test]
    public void Host_console_colours_are_read_from_the_host_default_data_pwsh_sends()
    {
        var init = PsrpEmulator.Protocol.Psrp.InitRunspacePool.FromPsValue(ClixmlDeserializer.Deserialize(InitRunspacePool));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.ConsoleColors(init.HostInfo), Is.EqualTo(((int?)-1, (int?)-1)), "pwsh on Linux: no colour");
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.UsesRunspaceHost(init.HostInfo), Is.False);

        // Its pipelines have no host of their own and use the pool's.
        var create = PsrpEmulator.Protocol.Psrp.CreatePipeline.FromPsValue(ClixmlDeserializer.Deserialize(CreatePipeline));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.UsesRunspaceHost(create.HostInfo), Is.True);
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.ConsoleColors(create.HostInfo), Is.EqualTo(((int?)null, (int?)null)));

        var built = PsrpEmulator.Protocol.Psrp.HostInfoData.WithConsoleColors((int)ConsoleColor.Gray, (int)ConsoleColor.Black);
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.ConsoleColors(ClixmlDeserializer.Deserialize(ClixmlSerializer.Serialize(built))), Is.EqualTo(((int?)7, (int?)0)));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.ConsoleColors(built.With("_isHostRawUINull", true)), Is.EqualTo(((int?)null, (int?)null)), "no RawUI: the server's question throws");
    }

    [Test]
    public void A_host_info_built_from_raw_ui_values_has_the_shape_pwsh_sends()
    {
        var sent = PsrpEmulator.Protocol.Psrp.InitRunspacePool.FromPsValue(ClixmlDeserializer.Deserialize(InitRunspacePool)).HostInfo!;
        var built = PsrpEmulator.Protocol.Psrp.HostInfoData.ForHost(new PsrpEmulator.Protocol.Psrp.HostRawUI
        {
            ForegroundColor = -1, BackgroundColor = -1, CursorPosition = (0, 0), WindowPosition = (0, 0), CursorSize = 100,
            BufferSize = (80, 24), WindowSize = (80, 24), MaxWindowSize = (80, 24), MaxPhysicalWindowSize = (80, 24), WindowTitle = string.Empty,
        });

        // Same flags, same default data: keys in pwsh's order, each a { T, V } of the same type and value.
        static IEnumerable<string> Shape(PsObject hostInfo) =>
            new[] { "_isHostNull", "_isHostUINull", "_isHostRawUINull", "_useRunspaceHost" }.Select(n => n + "=" + hostInfo[n]!.ToDisplayString())
            .Concat(((PsObject)((PsObject)hostInfo["_hostDefaultData"]!)["data"]!).Entries.Select(e =>
                $"{e.Key.ToDisplayString()}:{((PsObject)e.Value)["T"]!.ToDisplayString()}={Describe(((PsObject)e.Value)["V"]!)}"));
        static string Describe(PsValue v) => v is PsObject o ? string.Join(",", o.ExtendedProperties.Select(p => p.Name + "=" + p.Value.ToDisplayString())) : v.ToDisplayString();
        Assert.That(Shape(ClixmlDeserializer.Deserialize(ClixmlSerializer.Serialize(built)) as PsObject ?? built), Is.EqualTo(Shape(sent)));
    }

    [Test]
    public void Host_buffer_width_is_read_from_the_host_default_data_pwsh_sends()
    {
        var init = PsrpEmulator.Protocol.Psrp.InitRunspacePool.FromPsValue(ClixmlDeserializer.Deserialize(InitRunspacePool));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.BufferWidth(init.HostInfo), Is.EqualTo(80), "pwsh on Linux without a terminal: 80 by 24");

        var create = PsrpEmulator.Protocol.Psrp.CreatePipeline.FromPsValue(ClixmlDeserializer.Deserialize(CreatePipeline));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.BufferWidth(create.HostInfo), Is.Null, "the pipeline uses the pool's host");

        var built = PsrpEmulator.Protocol.Psrp.HostInfoData.WithConsoleColors(7, 0, bufferWidth: 132);
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.BufferWidth(ClixmlDeserializer.Deserialize(ClixmlSerializer.Serialize(built))), Is.EqualTo(132));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.ConsoleColors(built), Is.EqualTo(((int?)7, (int?)0)));
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.BufferWidth(built.With("_isHostRawUINull", true)), Is.Null, "no RawUI: the server's question throws");
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInfoData.BufferWidth(PsrpEmulator.Protocol.Psrp.HostInfoData.WithConsoleColors(7, 0)), Is.Null);
    }

    [Test]
    public void Session_capability_versions_are_read()
    {
        var cap = (PsObject)ClixmlDeserializer.Deserialize(
            "<Obj RefId=\"0\"><MS><Version N=\"protocolversion\">2.3</Version><Version N=\"PSVersion\">2.0</Version>" +
            "<Version N=\"SerializationVersion\">1.1.0.1</Version></MS></Obj>");
        Assert.That(cap.TypeNames, Is.Null);
        Assert.That(cap["protocolversion"], Is.EqualTo(PsPrimitive.Version("2.3")));
        Assert.That(cap["PSVersion"].AsString(), Is.EqualTo("2.0"));
        Assert.That(cap["SerializationVersion"].AsString(), Is.EqualTo("1.1.0.1"));
        Assert.That(((PsObject)ClixmlDeserializer.Deserialize(SessionCapability74))["protocolversion"].AsString(), Is.EqualTo("2.4"));
    }

    [Test]
    public void Session_capability_built_in_code_matches_the_client_bytes()
    {
        var cap = PsObjects.Bag()
            .With("protocolversion", PsPrimitive.Version("2.4"))
            .With("PSVersion", PsPrimitive.Version("2.0"))
            .With("SerializationVersion", PsPrimitive.Version("1.1.0.1"));
        Assert.That(ClixmlSerializer.SerializeToString(cap), Is.EqualTo(SessionCapability74));
    }

    [Test]
    public void Create_pipeline_payload_is_decoded_into_its_parts()
    {
        var root = (PsObject)ClixmlDeserializer.Deserialize(CreatePipeline);
        var ps = root["PowerShell"].AsObject()!;
        var cmds = ps["Cmds"].AsObject()!;
        Assert.That(cmds.CollectionKind, Is.EqualTo(PsCollectionKind.List));
        Assert.That(cmds.TypeNames![0], Does.StartWith("System.Collections.Generic.List`1[[System.Management.Automation.PSObject"));

        var cmd = cmds.Items.Single().AsObject()!;
        Assert.That(cmd["Cmd"].AsString(), Is.EqualTo(" 'hello' "));
        Assert.That(cmd["IsScript"].AsBoolean(), Is.True);
        Assert.That(cmd["UseLocalScope"], Is.SameAs(PsNil.Instance));
        Assert.That(cmd["MergeMyResult"].AsObject()!.TypeNames, Is.EqualTo(new[]
        {
            "System.Management.Automation.Runspaces.PipelineResultTypes", "System.Enum", "System.ValueType", "System.Object",
        }));
        Assert.That(cmd["MergeToResult"].AsObject()!.TypeNames, Is.EqualTo(cmd["MergeMyResult"].AsObject()!.TypeNames));
        Assert.That(cmd["MergeToResult"].AsObject()!.ToStringValue, Is.EqualTo("None"));
        var args = cmd["Args"].AsObject()!;
        Assert.That(args.TypeNames, Is.EqualTo(cmds.TypeNames));
        Assert.That(args.Items, Is.Empty);

        Assert.That(root["NoInput"].AsBoolean(), Is.True);
        Assert.That(root["ApartmentState"].AsInt32(), Is.EqualTo(2));
        Assert.That(root["ApartmentState"]!.ToDisplayString(), Is.EqualTo("Unknown"));
        Assert.That(root["RemoteStreamOptions"].AsObject()!.ToStringValue, Is.EqualTo("0"));
        Assert.That(root["HostInfo"].AsObject()!["_useRunspaceHost"].AsBoolean(), Is.True);
        Assert.That(root["IsNested"].AsBoolean(), Is.False);
        Assert.That(ps["IsNested"].AsBoolean(), Is.False);
        Assert.That(ps["History"], Is.SameAs(PsNil.Instance));
    }

    [Test]
    public void Init_runspace_pool_payload_is_decoded_into_its_parts()
    {
        var root = (PsObject)ClixmlDeserializer.Deserialize(InitRunspacePool);
        Assert.That(root["MinRunspaces"].AsInt32(), Is.EqualTo(1));
        Assert.That(root["MaxRunspaces"].AsInt32(), Is.EqualTo(1));
        Assert.That(root["PSThreadOptions"]!.ToDisplayString(), Is.EqualTo("Default"));

        var appArgs = root["ApplicationArguments"].AsObject()!;
        Assert.That(appArgs.TypeNames![0], Is.EqualTo("System.Management.Automation.PSPrimitiveDictionary"));
        var table = appArgs.Entries.Single(e => e.Key.AsString() == "PSVersionTable").Value.AsObject()!;
        Assert.That(table.TypeNames, Is.EqualTo(appArgs.TypeNames));
        PsValue Entry(string key) => table.Entries.Single(e => e.Key.AsString() == key).Value;
        Assert.That(Entry("PSVersion"), Is.EqualTo(PsPrimitive.Version("7.6.9")));
        Assert.That(Entry("PSRemotingProtocolVersion"), Is.EqualTo(PsPrimitive.Version("2.4")));
        Assert.That(Entry("OS").AsString(), Is.EqualTo("Debian GNU/Linux 12 (bookworm)"));
        Assert.That(Entry("PSCompatibleVersions").AsObject()!.Items.Select(i => i.AsString()),
            Is.EqualTo(new[] { "1.0", "2.0", "3.0", "4.0", "5.0", "5.1", "6.0", "7.0" }));

        var data = root["HostInfo"].AsObject()!["_hostDefaultData"].AsObject()!["data"].AsObject()!;
        Assert.That(data.Entries.Select(e => e.Key.AsInt32()), Is.EqualTo(new int?[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }));
        var title = data.Entries[0].Value.AsObject()!;
        Assert.That(title["T"].AsString(), Is.EqualTo("System.String"));
        Assert.That(title["V"].AsString(), Is.EqualTo(string.Empty));
        var size = data.Entries[1].Value.AsObject()!["V"].AsObject()!;
        Assert.That((size["width"].AsInt32(), size["height"].AsInt32()), Is.EqualTo((80, 24)));
    }

    [Test]
    public void Windows_error_record_is_decoded_with_escaped_newlines_and_entities()
    {
        var root = (PsObject)ClixmlDeserializer.Deserialize(PipelineStateWithError);
        Assert.That(root["PipelineState"].AsInt32(), Is.EqualTo(5));
        var error = root["ExceptionAsErrorRecord"].AsObject()!;
        Assert.That(error.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.ErrorRecord", "System.Object" }));
        Assert.That(error.ToStringValue, Is.EqualTo("error"));
        var exception = error["Exception"].AsObject()!;
        Assert.That(exception["Message"].AsString(), Is.EqualTo("error"));
        Assert.That(exception["HResult"].AsInt32(), Is.EqualTo(-2146233087));
        Assert.That(exception["Data"].AsObject()!.CollectionKind, Is.EqualTo(PsCollectionKind.Dictionary));
        var invocation = error["InvocationInfo"].AsObject()!;
        Assert.That(invocation["HistoryId"].AsInt64(), Is.EqualTo(1));
        Assert.That(invocation["PositionMessage"].AsString(), Does.StartWith("At line:1 char:55\r\n+ ... onPreference"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"].AsString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 1"));
        Assert.That(error["ErrorCategory_TargetName"].AsString(), Is.EqualTo(string.Empty));
    }
}
