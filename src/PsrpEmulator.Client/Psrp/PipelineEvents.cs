using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Psrp;

/// <summary>Something a remote pipeline produced, in the order the server sent it.</summary>
public abstract record PipelineEvent;

/// <summary>An output object (PIPELINE_OUTPUT).</summary>
public sealed record OutputEvent(PsValue Value) : PipelineEvent;

/// <summary>An error record (ERROR_RECORD).</summary>
public sealed record ErrorEvent(ErrorRecordInfo Error, PsValue Record) : PipelineEvent;

/// <summary>A warning, verbose or debug record.</summary>
public sealed record InformationalEvent(PsrpMessageType Stream, string Message) : PipelineEvent
{
    /// <summary>The record as the server sent it (its InvocationInfo notes when the pipeline's RemoteStreamOptions asked for them).</summary>
    public PsValue? Record { get; init; }
}

/// <summary>An INFORMATION_RECORD.</summary>
public sealed record InformationEvent(InformationRecordMessage Record) : PipelineEvent;

/// <summary>A PROGRESS_RECORD.</summary>
public sealed record ProgressEvent(ProgressRecordMessage Record) : PipelineEvent;

/// <summary>
/// PIPELINE_HOST_CALL: the remote command asks this client's host to run a method (Read-Host's Prompt or ReadLine);
/// one that returns something waits until <see cref="PowerShellPipeline.SendHostResponseAsync"/> answers it.
/// </summary>
public sealed record HostCallEvent(PipelineHostCall Call) : PipelineEvent;

/// <summary>PIPELINE_STATE: the last event of a pipeline when terminal.</summary>
public sealed record StateEvent(PSInvocationState State, ErrorRecordInfo? Reason) : PipelineEvent
{
    /// <summary>The terminating error record as the server sent it (ExceptionAsErrorRecord); null without one.</summary>
    public PsObject? ReasonRecord { get; init; }

    public bool IsTerminal => State is PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped;
}
