using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

// One sealed type per message. Each maps to and from its CLIXML payload (MS-PSRP 2.2.2.x); FromPsValue throws
// PsrpPayloadException when a required property is missing or has the wrong type. Property names are
// PowerShell's (RemoteDataNameStrings); lookups are case-insensitive, as PowerShell's are (pypsrp sends "CI").

public sealed class PsrpPayloadException(PsrpMessageType messageType, string message) : Exception(message)
{
    public PsrpMessageType MessageType { get; } = messageType;
}

/// <summary>SESSION_CAPABILITY (2.2.2.1).</summary>
public sealed record SessionCapability(string ProtocolVersion, string PSVersion, string SerializationVersion, byte[]? TimeZone = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SessionCapability;

    public PsValue ToPsValue()
    {
        var obj = new PsObject()
            .With("protocolversion", PsPrimitive.Version(ProtocolVersion))
            .With("PSVersion", PsPrimitive.Version(PSVersion))
            .With("SerializationVersion", PsPrimitive.Version(SerializationVersion));
        if (TimeZone is not null) obj.With("TimeZone", PsPrimitive.ByteArray(TimeZone));
        return obj;
    }

    public static SessionCapability FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.SessionCapability);
        var timeZone = p.Get("TimeZone") switch
        {
            null or PsNil => null,
            PsPrimitive { Value: byte[] bytes } => bytes,
            var other => throw p.Wrong("TimeZone", "a byte array", other),
        };
        return new(p.RequireVersion("protocolversion"), p.RequireVersion("PSVersion"), p.RequireVersion("SerializationVersion"), timeZone);
    }
}

/// <summary>INIT_RUNSPACEPOOL (2.2.2.2). HostInfo and ApplicationArguments are kept as data.</summary>
/// <remarks>
/// ToPsValue writes what PowerShell 7 sends (PSThreadOptions and System.Threading.ApartmentState enum objects;
/// HostInfo defaults to <see cref="PsrpObjects.DefaultHostInfo"/>, ApplicationArguments to Nil). FromPsValue
/// requires MinRunspaces/MaxRunspaces; the enums default to Default (0) / Unknown (2) when absent.
/// </remarks>
public sealed record InitRunspacePool(int MinRunspaces, int MaxRunspaces, int ThreadOptions = 0, int ApartmentState = 2, PsObject? HostInfo = null, PsValue? ApplicationArguments = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.InitRunspacePool;

    public PsValue ToPsValue() => new PsObject()
        .With("MinRunspaces", MinRunspaces)
        .With("MaxRunspaces", MaxRunspaces)
        .With("PSThreadOptions", PsrpEnums.PSThreadOptions(ThreadOptions))
        .With("ApartmentState", PsrpEnums.ApartmentState(ApartmentState))
        .With("ApplicationArguments", ApplicationArguments ?? PsNil.Instance)
        .With("HostInfo", HostInfo ?? PsrpObjects.DefaultHostInfo());

    public static InitRunspacePool FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.InitRunspacePool);
        var args = p.Get("ApplicationArguments");
        return new(p.RequireInt32("MinRunspaces"), p.RequireInt32("MaxRunspaces"),
            p.OptionalEnum("PSThreadOptions") ?? 0, p.OptionalEnum("ApartmentState") ?? 2,
            p.OptionalObject("HostInfo"), args is null or PsNil ? null : args);
    }
}

/// <summary>CONNECT_RUNSPACEPOOL (2.2.2.29): min/max, or an empty string when the client does not know them.</summary>
public sealed record ConnectRunspacePool(int? MinRunspaces, int? MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ConnectRunspacePool;

    /// <summary>The object with the known values, or <c>&lt;S /&gt;</c> (an empty string) when both are null.</summary>
    public PsValue ToPsValue()
    {
        if (MinRunspaces is null && MaxRunspaces is null) return PsPrimitive.String(string.Empty);
        var obj = new PsObject();
        if (MinRunspaces is { } min) obj.With("MinRunspaces", min);
        if (MaxRunspaces is { } max) obj.With("MaxRunspaces", max);
        return obj;
    }

    public static ConnectRunspacePool FromPsValue(PsValue value)
    {
        if (value is PsNil or PsPrimitive { Type: PsPrimitiveType.String }) return new(null, null);
        var p = Payload.Of(value, PsrpMessageType.ConnectRunspacePool);
        return new(p.OptionalInt32("MinRunspaces"), p.OptionalInt32("MaxRunspaces"));
    }
}

/// <summary>RUNSPACEPOOL_INIT_DATA (2.2.2.30).</summary>
public sealed record RunspacePoolInitData(int MinRunspaces, int MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspacePoolInitData;

    public PsValue ToPsValue() => new PsObject().With("MinRunspaces", MinRunspaces).With("MaxRunspaces", MaxRunspaces);

    public static RunspacePoolInitData FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.RunspacePoolInitData);
        return new(p.RequireInt32("MinRunspaces"), p.RequireInt32("MaxRunspaces"));
    }
}

/// <summary>APPLICATION_PRIVATE_DATA (2.2.2.13): a PSPrimitiveDictionary holding PSVersionTable.</summary>
public sealed record ApplicationPrivateData(PsObject Data) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ApplicationPrivateData;

    public PsValue ToPsValue() => new PsObject().With("ApplicationPrivateData", Data);

    /// <remarks>A Nil ApplicationPrivateData is read as an empty PSPrimitiveDictionary.</remarks>
    public static ApplicationPrivateData FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.ApplicationPrivateData);
        var data = p.Require("ApplicationPrivateData") switch
        {
            PsObject o => o,
            PsNil => PsrpObjects.PrimitiveDictionary([]),
            var other => throw p.Wrong("ApplicationPrivateData", "a PSPrimitiveDictionary", other),
        };
        return new(data);
    }

    /// <summary>An entry of the PSVersionTable inside the data (for example "PSVersion"), or null.</summary>
    public PsValue? GetPSVersionTableEntry(string key)
        => PsrpObjects.GetEntry(Data, "PSVersionTable") is PsObject table ? PsrpObjects.GetEntry(table, key) : null;

    /// <summary>The data a Windows PowerShell 5.1 endpoint sends (PSVersionTable with the given versions).</summary>
    /// <remarks>
    /// Same keys and order as a real Windows Server 2016 endpoint: PSVersion, PSEdition (Desktop),
    /// PSCompatibleVersions (Version[] 1.0 … 5.0 and PSVersion), CLRVersion, BuildVersion (10.0.build.revision
    /// taken from PSVersion), WSManStackVersion 3.0, PSRemotingProtocolVersion, SerializationVersion 1.1.0.1.
    /// </remarks>
    public static ApplicationPrivateData ForWindowsPowerShell(string psVersion = "5.1.17763.1", string protocolVersion = "2.3")
    {
        ArgumentException.ThrowIfNullOrEmpty(psVersion);
        ArgumentException.ThrowIfNullOrEmpty(protocolVersion);
        var parts = psVersion.Split('.');
        var buildVersion = parts.Length >= 4 ? $"10.0.{parts[2]}.{parts[3]}" : "10.0.17763.1";

        var compatible = new PsObject(["System.Version[]", "System.Array", "System.Object"]) { CollectionKind = PsCollectionKind.List };
        foreach (var v in new[] { "1.0", "2.0", "3.0", "4.0", "5.0", psVersion }) compatible.Items.Add(PsPrimitive.Version(v));

        var versionTable = PsrpObjects.PrimitiveDictionary(
        [
            new("PSVersion", PsPrimitive.Version(psVersion)),
            new("PSEdition", PsPrimitive.String("Desktop")),
            new("PSCompatibleVersions", compatible),
            new("CLRVersion", PsPrimitive.Version("4.0.30319.42000")),
            new("BuildVersion", PsPrimitive.Version(buildVersion)),
            new("WSManStackVersion", PsPrimitive.Version("3.0")),
            new("PSRemotingProtocolVersion", PsPrimitive.Version(protocolVersion)),
            new("SerializationVersion", PsPrimitive.Version("1.1.0.1")),
        ]);
        return new(PsrpObjects.PrimitiveDictionary([new("PSVersionTable", versionTable)]));
    }
}

/// <summary>RUNSPACEPOOL_STATE (2.2.2.9).</summary>
public sealed record RunspacePoolStateMessage(RunspacePoolState State, PsObject? ExceptionAsErrorRecord = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspacePoolState;

    public PsValue ToPsValue()
    {
        var obj = new PsObject().With("RunspaceState", (int)State);
        if (ExceptionAsErrorRecord is not null) obj.With("ExceptionAsErrorRecord", ExceptionAsErrorRecord);
        return obj;
    }

    public static RunspacePoolStateMessage FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.RunspacePoolState);
        return new((RunspacePoolState)p.RequireInt32("RunspaceState"), p.OptionalObject("ExceptionAsErrorRecord"));
    }
}

/// <summary>System.Management.Automation.Runspaces.PipelineResultTypes (merge instructions of a command).</summary>
public enum PipelineResultTypes
{
    None = 0, Output = 1, Error = 2, Warning = 3, Verbose = 4, Debug = 5, Information = 6, All = 7, Null = 8,
}

/// <summary>One command argument: a parameter name (null for positional) and a value.</summary>
public sealed record PipelineArgument(string? Name, PsValue Value);

/// <summary>One command of a PowerShell object (2.2.3.12).</summary>
/// <remarks>The merge instructions (init-only, default None) map to MergeMyResult … MergeInformation.</remarks>
public sealed record PipelineCommand(string Command, bool IsScript, IReadOnlyList<PipelineArgument> Arguments, bool? UseLocalScope = null)
{
    public PipelineResultTypes MergeMyResult { get; init; }
    public PipelineResultTypes MergeToResult { get; init; }
    public PipelineResultTypes MergePreviousResults { get; init; }
    public PipelineResultTypes MergeError { get; init; }
    public PipelineResultTypes MergeWarning { get; init; }
    public PipelineResultTypes MergeVerbose { get; init; }
    public PipelineResultTypes MergeDebug { get; init; }
    public PipelineResultTypes MergeInformation { get; init; }
}

/// <summary>CREATE_PIPELINE (2.2.2.10).</summary>
/// <remarks>
/// ToPsValue writes what PowerShell 7.6 sends to a protocol 2.3+ server: a PowerShell object {Cmds, IsNested,
/// History, RedirectShellErrorOutputPipe} (plus ExtraCmds only when there are further statements), then NoInput,
/// ApartmentState, RemoteStreamOptions, AddToHistory, HostInfo, IsNested. Each command carries all eight merge
/// properties. FromPsValue accepts pypsrp's and PowerShell 5.1's variants: missing merge properties (None),
/// ExtraCmds (Nil or a list of {Cmds}), missing Args, missing ApartmentState/RemoteStreamOptions.
/// </remarks>
public sealed record CreatePipeline(IReadOnlyList<PipelineCommand> Commands, bool NoInput = true, bool AddToHistory = false, bool IsNested = false, PsObject? HostInfo = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.CreatePipeline;

    /// <summary>Further statements (PowerShell's AddStatement; the wire's ExtraCmds); Commands is the first statement.</summary>
    public IReadOnlyList<IReadOnlyList<PipelineCommand>> ExtraStatements { get; init; } = [];

    /// <summary>System.Threading.ApartmentState: STA 0, MTA 1, Unknown 2.</summary>
    public int ApartmentState { get; init; } = 2;

    /// <summary>RemoteStreamOptions flags (15 = AddInvocationInfo).</summary>
    public int RemoteStreamOptions { get; init; }

    public bool RedirectShellErrorOutputPipe { get; init; } = true;

    /// <summary>The History string (null is Nil).</summary>
    public string? History { get; init; }

    public PsValue ToPsValue()
    {
        var powerShell = new PsObject()
            .With("Cmds", CommandList(Commands));
        if (ExtraStatements.Count > 0)
        {
            powerShell.With("ExtraCmds", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames,
                ExtraStatements.Select(s => (PsValue)new PsObject().With("Cmds", CommandList(s)))));
        }

        powerShell
            .With("IsNested", IsNested)
            .With("History", History)
            .With("RedirectShellErrorOutputPipe", RedirectShellErrorOutputPipe);

        return new PsObject()
            .With("PowerShell", powerShell)
            .With("NoInput", NoInput)
            .With("ApartmentState", PsrpEnums.ApartmentState(ApartmentState))
            .With("RemoteStreamOptions", PsrpEnums.RemoteStreamOptions(RemoteStreamOptions))
            .With("AddToHistory", AddToHistory)
            .With("HostInfo", HostInfo ?? PsrpObjects.DefaultHostInfo())
            .With("IsNested", IsNested);
    }

    public static CreatePipeline FromPsValue(PsValue value)
    {
        const PsrpMessageType type = PsrpMessageType.CreatePipeline;
        var p = Payload.Of(value, type);
        var ps = Payload.Of(p.Require("PowerShell"), type);
        var commands = ReadCommands(ps, type);

        List<IReadOnlyList<PipelineCommand>> extra = [];
        if (ps.OptionalObject("ExtraCmds") is { } extraList)
        {
            foreach (var statement in extraList.Items)
            {
                extra.Add(ReadCommands(Payload.Of(statement, type), type));
            }
        }

        return new CreatePipeline(commands, p.OptionalBool("NoInput") ?? true, p.OptionalBool("AddToHistory") ?? false,
            p.OptionalBool("IsNested") ?? ps.OptionalBool("IsNested") ?? false, p.OptionalObject("HostInfo"))
        {
            ExtraStatements = extra,
            ApartmentState = p.OptionalEnum("ApartmentState") ?? 2,
            RemoteStreamOptions = p.OptionalEnum("RemoteStreamOptions") ?? 0,
            RedirectShellErrorOutputPipe = ps.OptionalBool("RedirectShellErrorOutputPipe") ?? true,
            History = ps.OptionalString("History"),
        };
    }

    private static PsObject CommandList(IReadOnlyList<PipelineCommand> commands)
        => PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, commands.Select(CommandToPsValue));

    private static PsValue CommandToPsValue(PipelineCommand c)
    {
        var obj = new PsObject()
            .With("Cmd", c.Command)
            .With("IsScript", c.IsScript)
            .With("UseLocalScope", c.UseLocalScope is { } b ? PsPrimitive.Boolean(b) : PsNil.Instance)
            .With("MergeMyResult", PsrpEnums.PipelineResultTypes(c.MergeMyResult))
            .With("MergeToResult", PsrpEnums.PipelineResultTypes(c.MergeToResult))
            .With("MergePreviousResults", PsrpEnums.PipelineResultTypes(c.MergePreviousResults))
            .With("MergeError", PsrpEnums.PipelineResultTypes(c.MergeError))
            .With("MergeWarning", PsrpEnums.PipelineResultTypes(c.MergeWarning))
            .With("MergeVerbose", PsrpEnums.PipelineResultTypes(c.MergeVerbose))
            .With("MergeDebug", PsrpEnums.PipelineResultTypes(c.MergeDebug))
            .With("MergeInformation", PsrpEnums.PipelineResultTypes(c.MergeInformation));
        obj.With("Args", PsrpObjects.List(PsrpObjects.PSObjectListTypeNames,
            c.Arguments.Select(a => (PsValue)new PsObject().With("N", a.Name).With("V", a.Value))));
        return obj;
    }

    private static List<PipelineCommand> ReadCommands(Payload statement, PsrpMessageType type)
    {
        var cmds = statement.RequireObject("Cmds");
        var result = new List<PipelineCommand>(cmds.Items.Count);
        foreach (var item in cmds.Items)
        {
            var c = Payload.Of(item, type);
            List<PipelineArgument> args = [];
            if (c.OptionalObject("Args") is { } argList)
            {
                foreach (var argItem in argList.Items)
                {
                    var a = Payload.Of(argItem, type);
                    args.Add(new PipelineArgument(a.OptionalString("N"), a.Get("V") ?? PsNil.Instance));
                }
            }

            result.Add(new PipelineCommand(c.RequireString("Cmd"), c.RequireBool("IsScript"), args, c.OptionalBool("UseLocalScope"))
            {
                MergeMyResult = Merge(c, "MergeMyResult"),
                MergeToResult = Merge(c, "MergeToResult"),
                MergePreviousResults = Merge(c, "MergePreviousResults"),
                MergeError = Merge(c, "MergeError"),
                MergeWarning = Merge(c, "MergeWarning"),
                MergeVerbose = Merge(c, "MergeVerbose"),
                MergeDebug = Merge(c, "MergeDebug"),
                MergeInformation = Merge(c, "MergeInformation"),
            });
        }

        return result;
    }

    private static PipelineResultTypes Merge(Payload c, string name) => (PipelineResultTypes)(c.OptionalEnum(name) ?? 0);
}

/// <summary>GET_AVAILABLE_RUNSPACES (2.2.2.11).</summary>
public sealed record GetAvailableRunspaces(long CallId) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.GetAvailableRunspaces;

    public PsValue ToPsValue() => new PsObject().With("ci", PsPrimitive.Int64(CallId));

    public static GetAvailableRunspaces FromPsValue(PsValue value)
        => new(Payload.Of(value, PsrpMessageType.GetAvailableRunspaces).RequireInt64("ci"));
}

/// <summary>
/// GET_COMMAND_METADATA (MS-PSRP 2.2.2.14): the command discovery a client starts instead of CREATE_PIPELINE (Import-PSSession,
/// pypsrp's get_command_metadata): name patterns, a CommandTypes mask, module names, arguments. Its pipeline's output is
/// a count, then one object per command.
/// </summary>
public sealed record GetCommandMetadata(IReadOnlyList<string> Names, int CommandType, IReadOnlyList<string> Namespace, IReadOnlyList<PsValue> ArgumentList) : IPsrpMessageBody
{
    /// <summary>Every CommandTypes value but None (Alias | Function | Filter | Cmdlet | ExternalScript | Application | Script | Workflow | Configuration).</summary>
    public const int AllCommandTypes = 0x1FF;

    public PsrpMessageType MessageType => PsrpMessageType.GetCommandMetadata;

    public PsValue ToPsValue() => new PsObject()
        .With("Name", PsrpObjects.List(PsrpObjects.StringListTypeNames, Names.Select(n => (PsValue)PsPrimitive.String(n))))
        .With("CommandType", PsrpObjects.Enum("System.Management.Automation.CommandTypes", CommandType.ToString(CultureInfo.InvariantCulture), CommandType))
        .With("Namespace", Namespace.Count == 0 ? PsNil.Instance : PsrpObjects.List(PsrpObjects.StringListTypeNames, Namespace.Select(n => (PsValue)PsPrimitive.String(n))))
        .With("ArgumentList", ArgumentList.Count == 0 ? PsNil.Instance : PsrpObjects.List(PsrpObjects.PSObjectListTypeNames, ArgumentList));

    public static GetCommandMetadata FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.GetCommandMetadata);
        return new(Strings(p, "Name") is { Count: > 0 } names ? names : ["*"], p.OptionalEnum("CommandType") ?? AllCommandTypes, Strings(p, "Namespace"),
            p.Get("ArgumentList") is PsObject { Items: var items } ? items : []);

        // A list of strings (or one string); absent or $null is none.
        static IReadOnlyList<string> Strings(Payload p, string name) => p.Get(name) switch
        {
            null or PsNil => [],
            PsPrimitive { Value: string one } => [one],
            PsObject list when list.CollectionKind != PsCollectionKind.None && list.CollectionKind != PsCollectionKind.Dictionary =>
                [.. list.Items.Select(i => i is PsPrimitive { Value: string s } ? s : throw p.Wrong(name, "a list of strings", i))],
            var other => throw p.Wrong(name, "a list of strings", other),
        };
    }
}

/// <summary>RESET_RUNSPACE_STATE (protocol 2.3): the client asks for the pool's one runspace to be reset; RUNSPACE_AVAILABILITY answers.</summary>
public sealed record ResetRunspaceState(long CallId) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ResetRunspaceState;

    public PsValue ToPsValue() => new PsObject().With("ci", PsPrimitive.Int64(CallId));

    public static ResetRunspaceState FromPsValue(PsValue value)
        => new(Payload.Of(value, PsrpMessageType.ResetRunspaceState).RequireInt64("ci"));
}

/// <summary>SET_MAX_RUNSPACES (2.2.2.6).</summary>
public sealed record SetMaxRunspaces(long CallId, int MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SetMaxRunspaces;

    public PsValue ToPsValue() => new PsObject().With("MaxRunspaces", MaxRunspaces).With("ci", PsPrimitive.Int64(CallId));

    public static SetMaxRunspaces FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.SetMaxRunspaces);
        return new(p.RequireInt64("ci"), p.RequireInt32("MaxRunspaces"));
    }
}

/// <summary>SET_MIN_RUNSPACES (2.2.2.7).</summary>
public sealed record SetMinRunspaces(long CallId, int MinRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SetMinRunspaces;

    public PsValue ToPsValue() => new PsObject().With("MinRunspaces", MinRunspaces).With("ci", PsPrimitive.Int64(CallId));

    public static SetMinRunspaces FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.SetMinRunspaces);
        return new(p.RequireInt64("ci"), p.RequireInt32("MinRunspaces"));
    }
}

/// <summary>RUNSPACE_AVAILABILITY (2.2.2.8): SetMinMaxRunspacesResponse is a bool (set) or an I64 count (get).</summary>
/// <remarks>FromPsValue accepts any integer primitive for the count (Windows PowerShell 5.1 sends I32).</remarks>
public sealed record RunspaceAvailability(long CallId, PsPrimitive Response) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspaceAvailability;

    public PsValue ToPsValue() => new PsObject().With("SetMinMaxRunspacesResponse", Response).With("ci", PsPrimitive.Int64(CallId));

    public static RunspaceAvailability FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.RunspaceAvailability);
        var response = p.Require("SetMinMaxRunspacesResponse");
        if (response is not PsPrimitive prim || !(prim.Value is bool || Payload.TryInteger(prim, out _)))
        {
            throw p.Wrong("SetMinMaxRunspacesResponse", "a Boolean or an integer", response);
        }

        return new(p.RequireInt64("ci"), prim);
    }
}

/// <summary>PIPELINE_INPUT (2.2.2.17): the data is the input object itself.</summary>
public sealed record PipelineInput(PsValue Value) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineInput;
    public PsValue ToPsValue() => Value;
    public static PipelineInput FromPsValue(PsValue value) => new(value);
}

/// <summary>END_OF_PIPELINE_INPUT (2.2.2.18): no data.</summary>
/// <remarks>
/// The message has zero data bytes. <see cref="PsrpMessage.Create"/> special-cases this body and writes no data;
/// <see cref="ToPsValue"/> returns Nil only so generic code (logging) has something to show — serializing it would
/// write <c>&lt;Nil /&gt;</c>, which is not what goes on the wire.
/// </remarks>
public sealed record EndOfPipelineInput : IPsrpMessageBody
{
    public static readonly EndOfPipelineInput Instance = new();

    public PsrpMessageType MessageType => PsrpMessageType.EndOfPipelineInput;
    public PsValue ToPsValue() => PsNil.Instance;

    /// <summary>Any data (normally none) is ignored.</summary>
    public static EndOfPipelineInput FromPsValue(PsValue value) => Instance;
}

/// <summary>PIPELINE_OUTPUT (2.2.2.19): the data is the output object itself.</summary>
public sealed record PipelineOutput(PsValue Value) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineOutput;
    public PsValue ToPsValue() => Value;
    public static PipelineOutput FromPsValue(PsValue value) => new(value);
}

/// <summary>ERROR_RECORD (2.2.2.20): a serialized ErrorRecord (see <see cref="ErrorRecords"/>).</summary>
public sealed record ErrorRecordMessage(PsObject Record) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ErrorRecord;
    public PsValue ToPsValue() => Record;
    public static ErrorRecordMessage FromPsValue(PsValue value) => new(Payload.Of(value, PsrpMessageType.ErrorRecord).Object);
}

/// <summary>PIPELINE_STATE (2.2.2.21).</summary>
public sealed record PipelineStateMessage(PSInvocationState State, PsObject? ExceptionAsErrorRecord = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineState;

    public PsValue ToPsValue()
    {
        var obj = new PsObject().With("PipelineState", (int)State);
        if (ExceptionAsErrorRecord is not null) obj.With("ExceptionAsErrorRecord", ExceptionAsErrorRecord);
        return obj;
    }

    public static PipelineStateMessage FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.PipelineState);
        return new((PSInvocationState)p.RequireInt32("PipelineState"), p.OptionalObject("ExceptionAsErrorRecord"));
    }
}

/// <summary>Serialized InformationalRecord (Debug/Verbose/Warning) helpers.</summary>
internal static class InformationalRecords
{
    /// <summary>
    /// The record as InformationalRecord.ToPSObjectForRemoting writes it: with <paramref name="invocation"/> (the
    /// pipeline's RemoteStreamOptions asked for it), SerializeInvocationInfo true, the InvocationInfo's notes and
    /// InformationalRecord_PipelineIterationInfo.
    /// </summary>
    public static PsObject Create(string recordType, string message, InvocationInfo? invocation = null)
    {
        var record = new PsObject([recordType, "System.Management.Automation.InformationalRecord", "System.Object"]) { ToStringValue = message }
            .With("InformationalRecord_Message", message)
            .With("InformationalRecord_SerializeInvocationInfo", invocation is not null);
        if (invocation is null) return record;
        invocation.AddRemotingNotes(record);
        return record.With("InformationalRecord_PipelineIterationInfo", InvocationInfo.Iterations(invocation.PipelineIterationInfo, InvocationInfo.IterationCollectionTypeNames));
    }

    /// <summary>InformationalRecord_Message, else ToString; a bare string is accepted as the message.</summary>
    public static string Read(PsValue value, PsrpMessageType type)
    {
        if (value is PsPrimitive { Type: PsPrimitiveType.String, Value: string s }) return s;
        var p = Payload.Of(value, type);
        return p.OptionalString("InformationalRecord_Message") ?? p.Object.ToStringValue ?? throw p.Missing("InformationalRecord_Message");
    }
}

/// <summary>DEBUG_RECORD (2.2.2.22).</summary>
public sealed record DebugRecordMessage(string Message) : IPsrpMessageBody
{
    /// <summary>The invocation a server adds when the pipeline's RemoteStreamOptions ask for it (null: none).</summary>
    public InvocationInfo? Invocation { get; init; }

    public PsrpMessageType MessageType => PsrpMessageType.DebugRecord;
    public PsValue ToPsValue() => InformationalRecords.Create("System.Management.Automation.DebugRecord", Message, Invocation);
    public static DebugRecordMessage FromPsValue(PsValue value) => new(InformationalRecords.Read(value, PsrpMessageType.DebugRecord));
}

/// <summary>VERBOSE_RECORD (2.2.2.23).</summary>
public sealed record VerboseRecordMessage(string Message) : IPsrpMessageBody
{
    /// <summary>The invocation a server adds when the pipeline's RemoteStreamOptions ask for it (null: none).</summary>
    public InvocationInfo? Invocation { get; init; }

    public PsrpMessageType MessageType => PsrpMessageType.VerboseRecord;
    public PsValue ToPsValue() => InformationalRecords.Create("System.Management.Automation.VerboseRecord", Message, Invocation);
    public static VerboseRecordMessage FromPsValue(PsValue value) => new(InformationalRecords.Read(value, PsrpMessageType.VerboseRecord));
}

/// <summary>WARNING_RECORD (2.2.2.24).</summary>
public sealed record WarningRecordMessage(string Message) : IPsrpMessageBody
{
    /// <summary>The invocation a server adds when the pipeline's RemoteStreamOptions ask for it (null: none).</summary>
    public InvocationInfo? Invocation { get; init; }

    public PsrpMessageType MessageType => PsrpMessageType.WarningRecord;
    public PsValue ToPsValue() => InformationalRecords.Create("System.Management.Automation.WarningRecord", Message, Invocation);
    public static WarningRecordMessage FromPsValue(PsValue value) => new(InformationalRecords.Read(value, PsrpMessageType.WarningRecord));
}

/// <summary>INFORMATION_RECORD (2.2.2.26).</summary>
/// <remarks>
/// Written as PowerShell's InformationRecord.ToPSObjectForRemoting does: a property bag without type names
/// (RemotingEncoder.CreateEmptyPSObject, as in the captured traffic). FromPsValue requires TimeGenerated; the
/// other properties are optional (strings default to empty, numbers to 0) but must have the right type.
/// </remarks>
public sealed record InformationRecordMessage(PsValue MessageData, string Source, DateTimeOffset TimeGenerated, IReadOnlyList<string> Tags, string User, string Computer, uint ProcessId) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.InformationRecord;

    /// <summary>
    /// Write-Information under InformationPreference Continue: the text the server writes to its host (WriteLine) when
    /// the record reaches the host rather than a redirection. Not part of the INFORMATION_RECORD (nor read from one).
    /// </summary>
    public string? HostText { get; init; }

    public uint NativeThreadId { get; init; }

    public uint ManagedThreadId { get; init; }

    public PsValue ToPsValue() => new PsObject()
        .With("MessageData", MessageData)
        .With("Source", Source)
        .With("TimeGenerated", PsPrimitive.DateTime(TimeGenerated))
        .With("Tags", PsrpObjects.List(PsrpObjects.StringListTypeNames, Tags.Select(t => (PsValue)PsPrimitive.String(t))))
        .With("User", User)
        .With("Computer", Computer)
        .With("ProcessId", PsPrimitive.UInt32(ProcessId))
        .With("NativeThreadId", PsPrimitive.UInt32(NativeThreadId))
        .With("ManagedThreadId", PsPrimitive.UInt32(ManagedThreadId));

    public static InformationRecordMessage FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.InformationRecord);
        var time = p.Require("TimeGenerated") switch
        {
            PsPrimitive { Value: DateTimeOffset dto } => dto,
            PsPrimitive { Value: DateTime dt } => new DateTimeOffset(dt),
            var other => throw p.Wrong("TimeGenerated", "a DateTime", other),
        };

        List<string> tags = [];
        if (p.OptionalObject("Tags") is { } tagList)
        {
            foreach (var t in tagList.Items)
            {
                tags.Add(t is PsPrimitive { Value: string s } ? s : throw p.Wrong("Tags", "a list of strings", t));
            }
        }

        return new(p.Get("MessageData") ?? PsNil.Instance, p.OptionalString("Source") ?? string.Empty, time, tags,
            p.OptionalString("User") ?? string.Empty, p.OptionalString("Computer") ?? string.Empty, p.OptionalUInt32("ProcessId") ?? 0)
        {
            NativeThreadId = p.OptionalUInt32("NativeThreadId") ?? 0,
            ManagedThreadId = p.OptionalUInt32("ManagedThreadId") ?? 0,
        };
    }
}

public enum ProgressRecordType
{
    Processing = 0,
    Completed = 1,
}

/// <summary>PROGRESS_RECORD (2.2.2.25).</summary>
public sealed record ProgressRecordMessage(string Activity, int ActivityId, string StatusDescription, string? CurrentOperation = null, int ParentActivityId = -1, int PercentComplete = -1, ProgressRecordType RecordType = ProgressRecordType.Processing, int SecondsRemaining = -1) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ProgressRecord;

    /// <summary>
    /// Write-Progress's -SourceId: not part of the PROGRESS_RECORD (nor read from one), it is the first argument of the
    /// host's WriteProgress call that follows the record (0 unless given).
    /// </summary>
    public long SourceId { get; init; }

    public PsValue ToPsValue() => new PsObject()
        .With("Activity", Activity)
        .With("ActivityId", ActivityId)
        .With("StatusDescription", StatusDescription)
        .With("CurrentOperation", CurrentOperation)
        .With("ParentActivityId", ParentActivityId)
        .With("PercentComplete", PercentComplete)
        .With("Type", PsrpObjects.Enum("System.Management.Automation.ProgressRecordType",
            PsrpObjects.EnumName((int)RecordType, "Processing", "Completed"), (int)RecordType))
        .With("SecondsRemaining", SecondsRemaining);

    /// <remarks>Activity and ActivityId are required; the rest default as PowerShell's ProgressRecord does.</remarks>
    public static ProgressRecordMessage FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.ProgressRecord);
        return new(p.RequireString("Activity"), p.RequireInt32("ActivityId"), p.OptionalString("StatusDescription") ?? string.Empty,
            p.OptionalString("CurrentOperation"), p.OptionalInt32("ParentActivityId") ?? -1, p.OptionalInt32("PercentComplete") ?? -1,
            (ProgressRecordType)(p.OptionalEnum("Type") ?? 0), p.OptionalInt32("SecondsRemaining") ?? -1);
    }
}

/// <summary>ErrorRecord as serialized for remoting, and reading one back.</summary>
public static class ErrorRecords
{
    private static readonly Dictionary<string, string[]> s_exceptionBases = new(StringComparer.Ordinal)
    {
        ["System.Management.Automation.RuntimeException"] = ["System.SystemException", "System.Exception"],
        ["System.Management.Automation.CommandNotFoundException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.ParameterBindingException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.ItemNotFoundException"] = ["System.Management.Automation.SessionStateException", "System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.ActionPreferenceStopException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.PipelineStoppedException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.ParseException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["Microsoft.PowerShell.Commands.WriteErrorException"] = ["System.SystemException", "System.Exception"],
        ["System.Management.Automation.Remoting.PSRemotingTransportException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.Remoting.PSRemotingDataStructureException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.Host.HostException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.Management.Automation.RemoteException"] = ["System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception"],
        ["System.InvalidOperationException"] = ["System.SystemException", "System.Exception"],
        ["System.NullReferenceException"] = ["System.SystemException", "System.Exception"],
        ["System.ArgumentException"] = ["System.SystemException", "System.Exception"],
        ["System.UnauthorizedAccessException"] = ["System.SystemException", "System.Exception"],
        ["System.IO.IOException"] = ["System.SystemException", "System.Exception"],
        ["System.IO.FileNotFoundException"] = ["System.IO.IOException", "System.SystemException", "System.Exception"],
        ["System.Exception"] = [],
    };

    /// <summary>
    /// An exception as PowerShell serializes one: its type and the bases given (else the ones known here, else
    /// System.Exception), ToString "Type: message", and Exception's properties.
    /// </summary>
    public static PsObject CreateException(string message, string exceptionType, IEnumerable<string>? baseTypes = null)
    {
        var typeNames = new List<string> { exceptionType };
        typeNames.AddRange(baseTypes ?? (s_exceptionBases.TryGetValue(exceptionType, out var bases) ? bases : ["System.Exception"]));
        typeNames.Add("System.Object");

        var exception = new PsObject(typeNames) { ToStringValue = $"{exceptionType}: {message}" };
        var data = new PsObject(["System.Collections.ListDictionaryInternal", "System.Object"]) { CollectionKind = PsCollectionKind.Dictionary };
        exception.AdaptedProperties.AddRange(
        [
            new("Message", PsPrimitive.String(message)),
            new("Data", data),
            new("InnerException", PsNil.Instance),
            new("TargetSite", PsNil.Instance),
            new("StackTrace", PsNil.Instance),
            new("HelpLink", PsNil.Instance),
            new("Source", PsNil.Instance),
            new("HResult", PsPrimitive.Int32(unchecked((int)0x80131501))),
        ]);
        return exception;
    }

    /// <summary>
    /// Builds an ErrorRecord PsObject as PowerShell serializes one (TN ErrorRecord/System.Object, ToString = message,
    /// Exception as a PsObject with Message, FullyQualifiedErrorId, ErrorCategory_* properties, TargetObject).
    /// </summary>
    /// <remarks>
    /// When only <paramref name="targetName"/> is given it also becomes the TargetObject (a string), so the category
    /// message reads like PowerShell's: <c>ObjectNotFound: (foo:String) [], CommandNotFoundException</c>.
    /// InvocationInfo is Nil and SerializeExtendedInfo false.
    /// </remarks>
    public static PsObject Create(string message, string fullyQualifiedErrorId, ErrorCategory category = ErrorCategory.NotSpecified,
        string exceptionType = "System.Management.Automation.RuntimeException", string? targetName = null, string? activity = null, PsValue? targetObject = null,
        IEnumerable<string>? exceptionBaseTypes = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(fullyQualifiedErrorId);
        ArgumentException.ThrowIfNullOrEmpty(exceptionType);

        if (targetObject is null && targetName is not null) targetObject = PsPrimitive.String(targetName);
        targetObject ??= PsNil.Instance;
        targetName ??= targetObject is PsNil ? string.Empty : targetObject.ToDisplayString();
        var targetType = TargetTypeName(targetObject);
        var reason = ShortName(exceptionType);
        activity ??= string.Empty;

        var exception = CreateException(message, exceptionType, exceptionBaseTypes);

        var categoryName = Enum.IsDefined(category) ? category.ToString() : ((int)category).ToString(CultureInfo.InvariantCulture);
        return new PsObject(["System.Management.Automation.ErrorRecord", "System.Object"]) { ToStringValue = message }
            .With("Exception", exception)
            .With("TargetObject", targetObject)
            .With("FullyQualifiedErrorId", fullyQualifiedErrorId)
            .With("InvocationInfo", PsNil.Instance)
            .With("ErrorCategory_Category", (int)category)
            .With("ErrorCategory_Activity", activity)
            .With("ErrorCategory_Reason", reason)
            .With("ErrorCategory_TargetName", targetName)
            .With("ErrorCategory_TargetType", targetType)
            .With("ErrorCategory_Message", $"{categoryName}: ({targetName}:{targetType}) [{activity}], {reason}")
            .With("SerializeExtendedInfo", false);
    }

    /// <summary>
    /// A copy of <paramref name="record"/> as a server sends it once it knows where the error happened: its
    /// InvocationInfo, then (when <paramref name="serializeExtendedInfo"/>, the pipeline's AddInvocationInfoToErrorRecord)
    /// SerializeExtendedInfo true with InvocationInfo.ToPSObjectForRemoting's notes and PipelineIterationInfo, then
    /// ErrorDetails_ScriptStackTrace when there is one, in ErrorRecord.ToPSObjectForRemoting's order.
    /// </summary>
    /// <param name="errorStream">
    /// Written to the error stream, which serializes the record as an object: the <c>writeErrorStream</c> note WriteError
    /// adds comes first and the PSMessageDetails script property (Nil) last, as Windows sends them; a pipeline's
    /// terminating error (PIPELINE_STATE) has neither.
    /// </param>
    public static PsObject WithInvocation(PsObject record, InvocationInfo invocation, string? scriptStackTrace, bool serializeExtendedInfo,
        IReadOnlyList<int> pipelineIterationInfo, bool errorStream)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(pipelineIterationInfo);
        var copy = new PsObject(record.TypeNames) { ToStringValue = record.ToStringValue };
        var serialized = invocation.ToPsObject();
        if (errorStream) copy.With("writeErrorStream", true);
        foreach (var property in record.ExtendedProperties)
        {
            switch (property.Name)
            {
                case "writeErrorStream" or "PipelineIterationInfo" or "ErrorDetails_ScriptStackTrace" or "PSMessageDetails" or "SerializeExtent":
                    break;
                case var name when name.StartsWith("InvocationInfo_", StringComparison.Ordinal) || name.StartsWith("CommandInfo_", StringComparison.Ordinal):
                    break;
                case "InvocationInfo":
                    copy.With("InvocationInfo", serialized);
                    break;
                case "ErrorDetails_Message" or "ErrorDetails_RecommendedAction":
                    break;
                case "SerializeExtendedInfo":
                    // ErrorDetails come before it (Write-Error -RecommendedAction adds them to a record made already).
                    if (record["ErrorDetails_Message"] is { } details) copy.With("ErrorDetails_Message", details);
                    if (record["ErrorDetails_RecommendedAction"] is { } action) copy.With("ErrorDetails_RecommendedAction", action);
                    copy.With("SerializeExtendedInfo", serializeExtendedInfo);
                    if (serializeExtendedInfo)
                    {
                        invocation.AddRemotingNotes(copy, serialized);
                        copy.With("PipelineIterationInfo", InvocationInfo.Iterations(pipelineIterationInfo, InvocationInfo.IterationCollectionTypeNames));
                    }

                    break;
                default:
                    copy.With(property.Name, property.Value);
                    break;
            }
        }

        if (scriptStackTrace is { Length: > 0 }) copy.With("ErrorDetails_ScriptStackTrace", scriptStackTrace);
        if (errorStream) copy.With("PSMessageDetails", PsNil.Instance);
        return copy;
    }

    /// <summary>Whether a serialized ErrorRecord says where it happened already (its InvocationInfo is not Nil).</summary>
    public static bool HasInvocationInfo(PsObject record) => record["InvocationInfo"] is { } info and not PsNil;

    /// <summary>Reads the interesting fields back from a serialized ErrorRecord.</summary>
    /// <remarks>
    /// Tolerant: every property may be missing. Message is ErrorDetails_Message when present (PowerShell shows it
    /// first), else the exception's Message, else the record's ToString. A bare string is read as a message.
    /// Throws <see cref="PsrpPayloadException"/> (ErrorRecord) only for Nil or a non-string primitive.
    /// </remarks>
    public static ErrorRecordInfo Read(PsValue value)
    {
        if (value is PsPrimitive { Type: PsPrimitiveType.String, Value: string text })
        {
            return new ErrorRecordInfo(text, string.Empty, ErrorCategory.NotSpecified, null, null, null, null);
        }

        var p = Payload.Of(value, PsrpMessageType.ErrorRecord);
        var exception = p.Get("Exception") as PsObject;
        var exceptionMessage = exception?["Message"] is PsPrimitive { Value: string em } ? em : null;
        var message = Text(p.Get("ErrorDetails_Message")) is { Length: > 0 } details ? details
            : exceptionMessage ?? p.Object.ToStringValue ?? string.Empty;

        var category = p.Get("ErrorCategory_Category") is PsPrimitive cp && Payload.TryInteger(cp, out var c) && c is >= int.MinValue and <= int.MaxValue
            ? (ErrorCategory)(int)c
            : ErrorCategory.NotSpecified;

        var exceptionType = exception?.TypeNames is { Count: > 0 } tn ? StripDeserialized(tn[0]) : null;
        return new ErrorRecordInfo(message, Text(p.Get("FullyQualifiedErrorId")) ?? string.Empty, category,
            Text(p.Get("ErrorCategory_Reason")), Text(p.Get("ErrorCategory_TargetName")), exceptionType, Text(p.Get("ErrorCategory_Activity")))
        {
            ScriptStackTrace = Text(p.Get("ErrorDetails_ScriptStackTrace")),
        };
    }

    private static string? Text(PsValue? value) => value is PsPrimitive { Value: string s } ? s : null;

    private static string StripDeserialized(string typeName)
        => typeName.StartsWith("Deserialized.", StringComparison.Ordinal) ? typeName["Deserialized.".Length..] : typeName;

    private static string ShortName(string typeName)
    {
        var i = typeName.LastIndexOf('.');
        return i >= 0 ? typeName[(i + 1)..] : typeName;
    }

    private static string TargetTypeName(PsValue target) => target switch
    {
        PsPrimitive p => p.Type switch
        {
            PsPrimitiveType.Boolean => "Boolean",
            PsPrimitiveType.Duration => "TimeSpan",
            PsPrimitiveType.ByteArray => "Byte[]",
            PsPrimitiveType.SemanticVersion => "SemanticVersion",
            PsPrimitiveType.XmlDocument => "XmlDocument",
            PsPrimitiveType.ScriptBlock => "ScriptBlock",
            PsPrimitiveType.SecureString => "SecureString",
            var t => t.ToString(),
        },
        PsObject { TypeNames: { Count: > 0 } tn } => ShortName(StripDeserialized(tn[0])),
        _ => string.Empty,
    };
}

/// <summary>The fields of a serialized ErrorRecord a client shows.</summary>
public sealed record ErrorRecordInfo(string Message, string FullyQualifiedErrorId, ErrorCategory Category, string? CategoryReason, string? TargetName, string? ExceptionType, string? ActivityName)
{
    /// <summary>ErrorDetails_ScriptStackTrace: where in the remote script it happened ("at &lt;ScriptBlock&gt;, &lt;No file&gt;: line 1"); null without one.</summary>
    public string? ScriptStackTrace { get; init; }
}

/// <summary>System.Management.Automation.ErrorCategory values.</summary>
public enum ErrorCategory
{
    NotSpecified = 0, OpenError = 1, CloseError = 2, DeviceError = 3, DeadlockDetected = 4, InvalidArgument = 5,
    InvalidData = 6, InvalidOperation = 7, InvalidResult = 8, InvalidType = 9, MetadataError = 10, NotImplemented = 11,
    NotInstalled = 12, ObjectNotFound = 13, OperationStopped = 14, OperationTimeout = 15, SyntaxError = 16,
    ParserError = 17, PermissionDenied = 18, ResourceBusy = 19, ResourceExists = 20, ResourceUnavailable = 21,
    ReadError = 22, WriteError = 23, FromStdErr = 24, SecurityError = 25, ProtocolError = 26, ConnectionError = 27,
    AuthenticationError = 28, LimitsExceeded = 29, QuotaExceeded = 30, NotEnabled = 31,
}

/// <summary>The enum objects PSRP payloads carry, with PowerShell 7's type names and member names.</summary>
public static class PsrpEnums
{
    public static PsObject PSThreadOptions(int value) => PsrpObjects.Enum("System.Management.Automation.Runspaces.PSThreadOptions",
        PsrpObjects.EnumName(value, "Default", "UseNewThread", "ReuseThread", "UseCurrentThread"), value);

    /// <summary>System.Threading.ApartmentState (PowerShell 7; Windows PowerShell used a Runspaces.ApartmentState name).</summary>
    public static PsObject ApartmentState(int value) => PsrpObjects.Enum("System.Threading.ApartmentState",
        PsrpObjects.EnumName(value, "STA", "MTA", "Unknown"), value);

    public static PsObject PipelineResultTypes(PipelineResultTypes value) => PsrpObjects.Enum("System.Management.Automation.Runspaces.PipelineResultTypes",
        value.ToString(), (int)value);

    /// <summary>RemoteStreamOptions flags; 0 is written as "0" (the enum has no zero member), 15 as AddInvocationInfo.</summary>
    public static PsObject RemoteStreamOptions(int value)
    {
        string name;
        if (value == 15)
        {
            name = "AddInvocationInfo";
        }
        else if (value is > 0 and < 15)
        {
            string[] flags = ["AddInvocationInfoToErrorRecord", "AddInvocationInfoToWarningRecord", "AddInvocationInfoToDebugRecord", "AddInvocationInfoToVerboseRecord"];
            name = string.Join(", ", flags.Where((_, i) => (value & (1 << i)) != 0));
        }
        else
        {
            name = value.ToString(CultureInfo.InvariantCulture);
        }

        return PsrpObjects.Enum("System.Management.Automation.RemoteStreamOptions", name, value);
    }
}

/// <summary>Maps a message type to its typed body.</summary>
public static class PsrpBodies
{
    /// <summary>
    /// The typed body for <paramref name="type"/> read from <paramref name="value"/>, or null when the type has no
    /// typed body here (the runspace pool's host calls, PUBLIC_KEY_REQUEST, unknown values). Throws <see cref="PsrpPayloadException"/>.
    /// </summary>
    public static IPsrpMessageBody? FromPsValue(PsrpMessageType type, PsValue value) => type switch
    {
        PsrpMessageType.SessionCapability => SessionCapability.FromPsValue(value),
        PsrpMessageType.InitRunspacePool => InitRunspacePool.FromPsValue(value),
        PsrpMessageType.ConnectRunspacePool => ConnectRunspacePool.FromPsValue(value),
        PsrpMessageType.RunspacePoolInitData => RunspacePoolInitData.FromPsValue(value),
        PsrpMessageType.ApplicationPrivateData => ApplicationPrivateData.FromPsValue(value),
        PsrpMessageType.RunspacePoolState => RunspacePoolStateMessage.FromPsValue(value),
        PsrpMessageType.CreatePipeline => CreatePipeline.FromPsValue(value),
        PsrpMessageType.GetAvailableRunspaces => GetAvailableRunspaces.FromPsValue(value),
        PsrpMessageType.ResetRunspaceState => ResetRunspaceState.FromPsValue(value),
        PsrpMessageType.GetCommandMetadata => GetCommandMetadata.FromPsValue(value),
        PsrpMessageType.SetMaxRunspaces => SetMaxRunspaces.FromPsValue(value),
        PsrpMessageType.SetMinRunspaces => SetMinRunspaces.FromPsValue(value),
        PsrpMessageType.RunspaceAvailability => RunspaceAvailability.FromPsValue(value),
        PsrpMessageType.PipelineInput => PipelineInput.FromPsValue(value),
        PsrpMessageType.EndOfPipelineInput => EndOfPipelineInput.FromPsValue(value),
        PsrpMessageType.PipelineOutput => PipelineOutput.FromPsValue(value),
        PsrpMessageType.ErrorRecord => ErrorRecordMessage.FromPsValue(value),
        PsrpMessageType.PipelineState => PipelineStateMessage.FromPsValue(value),
        PsrpMessageType.DebugRecord => DebugRecordMessage.FromPsValue(value),
        PsrpMessageType.VerboseRecord => VerboseRecordMessage.FromPsValue(value),
        PsrpMessageType.WarningRecord => WarningRecordMessage.FromPsValue(value),
        PsrpMessageType.ProgressRecord => ProgressRecordMessage.FromPsValue(value),
        PsrpMessageType.InformationRecord => InformationRecordMessage.FromPsValue(value),
        PsrpMessageType.PipelineHostCall => PipelineHostCall.FromPsValue(value),
        PsrpMessageType.PipelineHostResponse => PipelineHostResponse.FromPsValue(value),
        PsrpMessageType.PublicKey => PublicKey.FromPsValue(value),
        PsrpMessageType.EncryptedSessionKey => EncryptedSessionKey.FromPsValue(value),
        _ => null,
    };
}
