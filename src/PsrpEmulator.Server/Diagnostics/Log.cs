using Microsoft.Extensions.Logging;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Diagnostics;

/// <summary>
/// Source-generated log messages. Event id ranges: 1xx sessions (shells, pipelines), 2xx WS-Man actions,
/// 3xx buffering and drops, 4xx faults, 5xx hosting/admin.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Shell {ShellId} created on {ResourceUri} for {User} (protocol {ProtocolVersion})")]
    public static partial void ShellCreated(ILogger logger, string shellId, string resourceUri, string user, string protocolVersion);

    [LoggerMessage(101, LogLevel.Information, "Shell {ShellId} deleted")]
    public static partial void ShellDeleted(ILogger logger, string shellId);

    [LoggerMessage(102, LogLevel.Information, "Pipeline {CommandId} on shell {ShellId} started: {CommandText}")]
    public static partial void PipelineStarted(ILogger logger, string shellId, string commandId, string commandText);

    [LoggerMessage(103, LogLevel.Information, "Pipeline {CommandId} on shell {ShellId} finished {State}")]
    public static partial void PipelineFinished(ILogger logger, string shellId, string commandId, string state);

    [LoggerMessage(104, LogLevel.Warning, "Shell {ShellId} broken: {Reason}")]
    public static partial void ShellBroken(ILogger logger, string shellId, string reason);

    [LoggerMessage(105, LogLevel.Error, "Behaviour of pipeline {CommandId} on shell {ShellId} failed unexpectedly")]
    public static partial void BehaviourCrashed(ILogger logger, Exception exception, string shellId, string commandId);

    [LoggerMessage(200, LogLevel.Debug, "{Action} shell={ShellId} command={CommandId} by {User}")]
    public static partial void ActionReceived(ILogger logger, string action, string? shellId, string? commandId, string? user);

    [LoggerMessage(300, LogLevel.Debug, "Pipeline {CommandId} output buffer full; producer waits (Block)")]
    public static partial void BufferBlocked(ILogger logger, string commandId);

    [LoggerMessage(301, LogLevel.Information, "Pipeline {CommandId} on shell {ShellId}: BufferMode Drop discarded a {MessageType} (dropped so far: {Count})")]
    public static partial void OutputDropped(ILogger logger, string shellId, string commandId, PsrpEmulator.Protocol.Psrp.PsrpMessageType messageType, int count);

    [LoggerMessage(106, LogLevel.Information, "Shell {ShellId} disconnected (IdleTimeout {IdleTimeout}, BufferMode {BufferMode}){How}")]
    public static partial void ShellDisconnected(ILogger logger, string shellId, TimeSpan idleTimeout, string bufferMode, string how);

    [LoggerMessage(107, LogLevel.Information, "Shell {ShellId} connected by {User} ({How})")]
    public static partial void ShellConnected(ILogger logger, string shellId, string user, string how);

    [LoggerMessage(502, LogLevel.Information, "Computer {Computer} restarted: {Shells} shell(s) gone, no answer for {Duration}")]
    public static partial void ComputerRestarted(ILogger logger, string computer, int shells, TimeSpan duration);

    [LoggerMessage(503, LogLevel.Error, "Restarting computer {Computer} failed")]
    public static partial void ComputerRestartFailed(ILogger logger, string computer, Exception exception);

    [LoggerMessage(504, LogLevel.Information, "WinRM of computer {Computer} stopped by a command: {Shells} shell(s) gone; started again: {Restarted}")]
    public static partial void WinRmStopped(ILogger logger, string computer, int shells, bool restarted);

    [LoggerMessage(108, LogLevel.Information, "Shell {ShellId} expired after being idle for {IdleTimeout}")]
    public static partial void ShellExpired(ILogger logger, string shellId, TimeSpan idleTimeout);

    [LoggerMessage(111, LogLevel.Information, "Pipeline {CommandId} on shell {ShellId} asks the client's host to run {Method} (call {CallId}) and waits for its answer")]
    public static partial void HostCallSent(ILogger logger, string shellId, string commandId, PsrpEmulator.Protocol.Psrp.RemoteHostMethodId method, long callId);

    [LoggerMessage(112, LogLevel.Information, "Shell {ShellId}: the client's public key received, the session key sent (ENCRYPTED_SESSION_KEY)")]
    public static partial void SessionKeyExchanged(ILogger logger, string shellId);

    [LoggerMessage(109, LogLevel.Warning, "Command {CommandId} of shell {ShellId} closed: its data passed a quota ({Reason})")]
    public static partial void CommandQuotaExceeded(ILogger logger, string shellId, string commandId, WsManFaultReason reason);

    [LoggerMessage(110, LogLevel.Warning, "Shell {ShellId} closed: an object of its pool data passed MaximumReceivedObjectSize")]
    public static partial void ShellObjectQuotaExceeded(ILogger logger, string shellId);

    [LoggerMessage(400, LogLevel.Information, "{Action} answered with fault {Reason}: {Message}")]
    public static partial void FaultReturned(ILogger logger, string action, WsManFaultReason reason, string message);

    [LoggerMessage(401, LogLevel.Error, "Unexpected failure handling {Action}")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string action);

    [LoggerMessage(402, LogLevel.Information, "Refused with 401: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string reason);

    // Every Negotiate client's first request, and any probe: no failure, so below Information.
    [LoggerMessage(406, LogLevel.Debug, "A request without credentials: 401 offering {Schemes}")]
    public static partial void CredentialsAsked(ILogger logger, string schemes);

    [LoggerMessage(403, LogLevel.Information, "{Scheme} authentication failed for {User}: {Reason} ({Message})")]
    public static partial void NegotiateFailed(ILogger logger, string scheme, string? user, PsrpEmulator.Protocol.Ntlm.NtlmError reason, string message);

    [LoggerMessage(404, LogLevel.Information, "{Scheme} authentication of {User} completed on connection {Connection}")]
    public static partial void NegotiateCompleted(ILogger logger, string scheme, string user, string connection);

    [LoggerMessage(405, LogLevel.Information, "Refused an encrypted body: {Reason} ({Message})")]
    public static partial void EncryptedBodyRefused(ILogger logger, PsrpEmulator.Protocol.Ntlm.NtlmError reason, string message);

    [LoggerMessage(500, LogLevel.Information, "Recording every exchange to {Path}")]
    public static partial void RecordingStarted(ILogger logger, string path);

    [LoggerMessage(501, LogLevel.Error, "Recording to {Path} failed; later exchanges are not recorded")]
    public static partial void RecordingFailed(ILogger logger, Exception exception, string path);
}
