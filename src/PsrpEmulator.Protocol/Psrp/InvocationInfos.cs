using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>System.Management.Automation.CommandTypes: the kind of command an InvocationInfo names.</summary>
public enum CommandTypes
{
    Alias = 1, Function = 2, Filter = 4, Cmdlet = 8, ExternalScript = 16, Application = 32, Script = 64, Configuration = 256,
}

/// <summary>
/// Where and how a command ran, as a Windows PowerShell 5.1 server serializes an InvocationInfo for a client: the
/// <c>InvocationInfo</c> property of an ErrorRecord (its public properties, MyCommand as text), and the
/// <c>InvocationInfo_*</c> and <c>CommandInfo_*</c> notes of InvocationInfo.ToPSObjectForRemoting that an ErrorRecord
/// or InformationalRecord carries when the pipeline's RemoteStreamOptions ask for it.
/// </summary>
/// <remarks>
/// The shapes and the order follow the recorded Windows traffic (pypsrp's test_psrp_stream_output_invocation and
/// test_psrp_error_failed) and PowerShell's InvocationInfo.ToPSObjectForRemoting.
/// </remarks>
public sealed record InvocationInfo
{
    /// <summary>The command's name (CommandInfo.Name): "" for a script; null when there is no command (MyCommand Nil, no CommandInfo_* notes).</summary>
    public string? CommandName { get; init; }

    public CommandTypes CommandType { get; init; } = CommandTypes.Cmdlet;

    /// <summary>CommandInfo.Definition: a script's text, a cmdlet's syntax (the emulator gives its name).</summary>
    public string? Definition { get; init; }

    public string InvocationName { get; init; } = string.Empty;

    public int ScriptLineNumber { get; init; }

    public int OffsetInLine { get; init; }

    public string Line { get; init; } = string.Empty;

    /// <summary>The script file the command stands in (<c>C:\t\tool.ps1</c>); empty for the client's script or without a position.</summary>
    public string ScriptName { get; init; } = string.Empty;

    /// <summary>The directory of <see cref="ScriptName"/>, as InvocationInfo.PSScriptRoot; empty without one.</summary>
    public string ScriptRoot => ScriptName.LastIndexOf('\\') is var slash and > 0 ? ScriptName[..(slash == 2 && ScriptName[1] == ':' ? 3 : slash)] : string.Empty;

    /// <summary>"At line:1 char:5" (in a script file, "At C:\t\tool.ps1:5 char:1") with the line and the tildes; empty without a position.</summary>
    public string PositionMessage { get; init; } = string.Empty;

    public long HistoryId { get; init; } = 1;

    /// <summary>CommandOrigin: Runspace (0) for a command the client sent, Internal (1) for one a script ran (and every copy an ErrorRecord keeps).</summary>
    public bool FromRunspace { get; init; }

    public int PipelineLength { get; init; }

    public int PipelinePosition { get; init; }

    /// <summary>
    /// Whether BoundParameters is the command's own PSBoundParametersDictionary (an InformationalRecord's), not the plain
    /// Dictionary an ErrorRecord's copy of the InvocationInfo has.
    /// </summary>
    public bool BoundParametersOfCommand { get; init; }

    /// <summary>InvocationInfo.PipelineIterationInfo (empty in an ErrorRecord's copy).</summary>
    public IReadOnlyList<int> PipelineIterationInfo { get; init; } = [];

    /// <summary>MyCommand as the serializer writes it at depth one: the CommandInfo's ToString (a script's text, a cmdlet's name).</summary>
    public string? MyCommandText => CommandName is null ? null : CommandType == CommandTypes.Script ? Definition ?? string.Empty : CommandName;

    private const string Mscorlib = "mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";

    private static readonly string[] s_dictionaryTypeNames =
        [$"System.Collections.Generic.Dictionary`2[[System.String, {Mscorlib}],[System.Object, {Mscorlib}]]", "System.Object"];

    private static readonly string[] s_boundParametersTypeNames =
        ["System.Management.Automation.PSBoundParametersDictionary", s_dictionaryTypeNames[0], "System.Object"];

    private static readonly string[] s_listTypeNames = [$"System.Collections.Generic.List`1[[System.Object, {Mscorlib}]]", "System.Object"];

    private static readonly string[] s_int32ArrayTypeNames = ["System.Int32[]", "System.Array", "System.Object"];

    /// <summary>Type names of the ReadOnlyCollection an ErrorRecord's or InformationalRecord's PipelineIterationInfo is.</summary>
    public static readonly IReadOnlyList<string> IterationCollectionTypeNames =
        [$"System.Collections.ObjectModel.ReadOnlyCollection`1[[System.Int32, {Mscorlib}]]", "System.Object"];

    /// <summary>The ErrorRecord's <c>InvocationInfo</c> property: the InvocationInfo's public properties.</summary>
    public PsObject ToPsObject()
    {
        var info = new PsObject(["System.Management.Automation.InvocationInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.InvocationInfo" };
        info.AdaptedProperties.AddRange(
        [
            new("MyCommand", MyCommandText is { } command ? PsPrimitive.String(command) : PsNil.Instance),
            new("BoundParameters", BoundParameters()),
            new("UnboundArguments", UnboundArguments()),
            new("ScriptLineNumber", PsPrimitive.Int32(ScriptLineNumber)),
            new("OffsetInLine", PsPrimitive.Int32(OffsetInLine)),
            new("HistoryId", PsPrimitive.Int64(HistoryId)),
            new("ScriptName", PsPrimitive.String(ScriptName)),
            new("Line", PsPrimitive.String(Line)),
            new("PositionMessage", PsPrimitive.String(PositionMessage)),
            new("PSScriptRoot", PsPrimitive.String(ScriptRoot)),
            new("PSCommandPath", ScriptName.Length > 0 ? PsPrimitive.String(ScriptName) : PsNil.Instance),
            new("InvocationName", PsPrimitive.String(InvocationName)),
            new("PipelineLength", PsPrimitive.Int32(PipelineLength)),
            new("PipelinePosition", PsPrimitive.Int32(PipelinePosition)),
            new("ExpectingInput", PsPrimitive.Boolean(false)),
            new("CommandOrigin", PsPrimitive.String(FromRunspace ? "Runspace" : "Internal")),
            new("DisplayScriptPosition", PsNil.Instance),
        ]);
        return info;
    }

    /// <summary>The notes of InvocationInfo.ToPSObjectForRemoting (and RemoteCommandInfo's), added to <paramref name="record"/> in their order.</summary>
    /// <param name="serialized">
    /// The record's <c>InvocationInfo</c> property (<see cref="ToPsObject"/>), whose BoundParameters and UnboundArguments
    /// are the same objects as the notes', so the serializer writes them as references, as Windows does.
    /// </param>
    public void AddRemotingNotes(PsObject record, PsObject? serialized = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.With("InvocationInfo_BoundParameters", serialized?["BoundParameters"] ?? BoundParameters())
            .With("InvocationInfo_CommandOrigin", PsrpObjects.Enum("System.Management.Automation.CommandOrigin", FromRunspace ? "Runspace" : "Internal", FromRunspace ? 0 : 1))
            .With("InvocationInfo_ExpectingInput", false)
            .With("InvocationInfo_InvocationName", InvocationName)
            .With("InvocationInfo_Line", Line)
            .With("InvocationInfo_OffsetInLine", OffsetInLine)
            .With("InvocationInfo_HistoryId", PsPrimitive.Int64(HistoryId))
            .With("InvocationInfo_PipelineIterationInfo", Iterations(PipelineIterationInfo, s_int32ArrayTypeNames))
            .With("InvocationInfo_PipelineLength", PipelineLength)
            .With("InvocationInfo_PipelinePosition", PipelinePosition)
            .With("InvocationInfo_PSScriptRoot", ScriptRoot)
            .With("InvocationInfo_PSCommandPath", ScriptName.Length > 0 ? ScriptName : null)
            .With("InvocationInfo_PositionMessage", PositionMessage)
            .With("InvocationInfo_ScriptLineNumber", ScriptLineNumber)
            .With("InvocationInfo_ScriptName", ScriptName)
            .With("InvocationInfo_UnboundArguments", serialized?["UnboundArguments"] ?? UnboundArguments())
            .With("SerializeExtent", false);
        if (CommandName is null) return;
        record.With("CommandInfo_CommandType", PsrpObjects.Enum("System.Management.Automation.CommandTypes", CommandType.ToString(), (int)CommandType))
            .With("CommandInfo_Definition", Definition ?? string.Empty)
            .With("CommandInfo_Name", CommandName)
            .With("CommandInfo_Visibility", PsrpObjects.Enum("System.Management.Automation.SessionStateEntryVisibility", "Public", 0));
    }

    /// <summary>A PipelineIterationInfo list: one count per command of the pipeline and one more, as PowerShell keeps them.</summary>
    public static PsObject Iterations(IReadOnlyList<int> counts, IReadOnlyList<string> typeNames)
    {
        var list = new PsObject(typeNames) { CollectionKind = PsCollectionKind.List };
        foreach (var count in counts) list.Items.Add(PsPrimitive.Int32(count));
        return list;
    }

    private PsObject BoundParameters() =>
        new(BoundParametersOfCommand ? s_boundParametersTypeNames : s_dictionaryTypeNames) { CollectionKind = PsCollectionKind.Dictionary };

    private static PsObject UnboundArguments() => new(s_listTypeNames) { CollectionKind = PsCollectionKind.List };
}
