using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

// One sealed type per message. Each maps to and from its CLIXML payload (MS-PSRP 2.2.2.x); FromPsValue throws
// PsrpPayloadException when a required property is missing or has the wrong type.

public sealed class PsrpPayloadException(PsrpMessageType messageType, string message) : Exception(message)
{
    public PsrpMessageType MessageType { get; } = messageType;
}

/// <summary>SESSION_CAPABILITY (2.2.2.1).</summary>
public sealed record SessionCapability(string ProtocolVersion, string PSVersion, string SerializationVersion, byte[]? TimeZone = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SessionCapability;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static SessionCapability FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>INIT_RUNSPACEPOOL (2.2.2.2). HostInfo and ApplicationArguments are kept as data.</summary>
public sealed record InitRunspacePool(int MinRunspaces, int MaxRunspaces, int ThreadOptions = 0, int ApartmentState = 2, PsObject? HostInfo = null, PsValue? ApplicationArguments = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.InitRunspacePool;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static InitRunspacePool FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>CONNECT_RUNSPACEPOOL (2.2.2.29): min/max, or an empty string when the client does not know them.</summary>
public sealed record ConnectRunspacePool(int? MinRunspaces, int? MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ConnectRunspacePool;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static ConnectRunspacePool FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>RUNSPACEPOOL_INIT_DATA (2.2.2.30).</summary>
public sealed record RunspacePoolInitData(int MinRunspaces, int MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspacePoolInitData;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static RunspacePoolInitData FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>APPLICATION_PRIVATE_DATA (2.2.2.13): a PSPrimitiveDictionary holding PSVersionTable.</summary>
public sealed record ApplicationPrivateData(PsObject Data) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.ApplicationPrivateData;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static ApplicationPrivateData FromPsValue(PsValue value) => throw new NotImplementedException();

    /// <summary>The data a Windows PowerShell 5.1 endpoint sends (PSVersionTable with the given versions).</summary>
    public static ApplicationPrivateData ForWindowsPowerShell(string psVersion = "5.1.17763.1", string protocolVersion = "2.3")
        => throw new NotImplementedException();
}

/// <summary>RUNSPACEPOOL_STATE (2.2.2.9).</summary>
public sealed record RunspacePoolStateMessage(RunspacePoolState State, PsObject? ExceptionAsErrorRecord = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspacePoolState;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static RunspacePoolStateMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>One command argument: a parameter name (null for positional) and a value.</summary>
public sealed record PipelineArgument(string? Name, PsValue Value);

/// <summary>One command of a PowerShell object (2.2.3.12).</summary>
public sealed record PipelineCommand(string Command, bool IsScript, IReadOnlyList<PipelineArgument> Arguments, bool? UseLocalScope = null);

/// <summary>CREATE_PIPELINE (2.2.2.10).</summary>
public sealed record CreatePipeline(IReadOnlyList<PipelineCommand> Commands, bool NoInput = true, bool AddToHistory = false, bool IsNested = false, PsObject? HostInfo = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.CreatePipeline;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static CreatePipeline FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>GET_AVAILABLE_RUNSPACES (2.2.2.11).</summary>
public sealed record GetAvailableRunspaces(long CallId) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.GetAvailableRunspaces;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static GetAvailableRunspaces FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>SET_MAX_RUNSPACES (2.2.2.6).</summary>
public sealed record SetMaxRunspaces(long CallId, int MaxRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SetMaxRunspaces;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static SetMaxRunspaces FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>SET_MIN_RUNSPACES (2.2.2.7).</summary>
public sealed record SetMinRunspaces(long CallId, int MinRunspaces) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.SetMinRunspaces;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static SetMinRunspaces FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>RUNSPACE_AVAILABILITY (2.2.2.8): SetMinMaxRunspacesResponse is a bool (set) or an I64 count (get).</summary>
public sealed record RunspaceAvailability(long CallId, PsPrimitive Response) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.RunspaceAvailability;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static RunspaceAvailability FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>PIPELINE_INPUT (2.2.2.17): the data is the input object itself.</summary>
public sealed record PipelineInput(PsValue Value) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineInput;
    public PsValue ToPsValue() => Value;
    public static PipelineInput FromPsValue(PsValue value) => new(value);
}

/// <summary>END_OF_PIPELINE_INPUT (2.2.2.18): no data.</summary>
public sealed record EndOfPipelineInput : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.EndOfPipelineInput;
    public PsValue ToPsValue() => throw new NotImplementedException();
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
    public static ErrorRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>PIPELINE_STATE (2.2.2.21).</summary>
public sealed record PipelineStateMessage(PSInvocationState State, PsObject? ExceptionAsErrorRecord = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineState;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static PipelineStateMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>DEBUG_RECORD (2.2.2.22).</summary>
public sealed record DebugRecordMessage(string Message) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.DebugRecord;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static DebugRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>VERBOSE_RECORD (2.2.2.23).</summary>
public sealed record VerboseRecordMessage(string Message) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.VerboseRecord;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static VerboseRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>WARNING_RECORD (2.2.2.24).</summary>
public sealed record WarningRecordMessage(string Message) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.WarningRecord;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static WarningRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>INFORMATION_RECORD (2.2.2.26).</summary>
public sealed record InformationRecordMessage(PsValue MessageData, string Source, DateTimeOffset TimeGenerated, IReadOnlyList<string> Tags, string User, string Computer, uint ProcessId) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.InformationRecord;
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static InformationRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
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
    public PsValue ToPsValue() => throw new NotImplementedException();
    public static ProgressRecordMessage FromPsValue(PsValue value) => throw new NotImplementedException();
}

/// <summary>ErrorRecord as serialized for remoting, and reading one back.</summary>
public static class ErrorRecords
{
    /// <summary>
    /// Builds an ErrorRecord PsObject as PowerShell serializes one (TN ErrorRecord/System.Object, ToString = message,
    /// Exception as a PsObject with Message, FullyQualifiedErrorId, ErrorCategory_* properties, TargetObject).
    /// </summary>
    public static PsObject Create(string message, string fullyQualifiedErrorId, ErrorCategory category = ErrorCategory.NotSpecified,
        string exceptionType = "System.Management.Automation.RuntimeException", string? targetName = null, string? activity = null, PsValue? targetObject = null)
        => throw new NotImplementedException();

    /// <summary>Reads the interesting fields back from a serialized ErrorRecord.</summary>
    public static ErrorRecordInfo Read(PsValue value) => throw new NotImplementedException();
}

/// <summary>The fields of a serialized ErrorRecord a client shows.</summary>
public sealed record ErrorRecordInfo(string Message, string FullyQualifiedErrorId, ErrorCategory Category, string? CategoryReason, string? TargetName, string? ExceptionType, string? ActivityName);

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
