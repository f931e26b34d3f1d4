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
public sealed record InformationalEvent(PsrpMessageType Stream, string Message) : PipelineEvent;

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
    public bool IsTerminal => State is PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped;
}
