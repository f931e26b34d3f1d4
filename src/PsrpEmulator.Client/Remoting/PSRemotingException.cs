using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Remoting;

/// <summary>
/// An error a remoting cmdlet would write, with PowerShell's FullyQualifiedErrorId and message text, e.g.
/// <c>ReceivePSSessionCannotConnectSession</c>. The cmdlet layer turns it into an ErrorRecord.
/// </summary>
public sealed class PSRemotingException(string message, string fullyQualifiedErrorId, ErrorCategory category, object? targetObject = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string FullyQualifiedErrorId { get; } = fullyQualifiedErrorId;

    public ErrorCategory Category { get; } = category;

    /// <summary>What the error is about (a PSSession, an id, a name, a computer).</summary>
    public object? TargetObject { get; } = targetObject;
}

/// <summary>
/// Invoke-Command's command outlived the network: the client auto-disconnected the session (robust connections) and
/// the still-running command became <see cref="Job"/>, Disconnected, in the job repository, to be collected later with
/// Receive-PSSession. The message is PowerShell's RCAutoDisconnectingError.
/// </summary>
public sealed class RemoteCommandDisconnectedException(PSSession session, PSRemotingJob job, Exception? inner)
    : Exception(RemotingErrors.AutoDisconnectingError(session.ComputerName), inner)
{
    public PSSession Session { get; } = session;

    public PSRemotingJob Job { get; } = job;

    /// <summary>The error Invoke-Command writes (WriteNetworkFailedError): PowerShellNetworkFailedStartDisconnect, OperationTimeout.</summary>
    public PSRemotingException Error => new(Message, "PowerShellNetworkFailedStartDisconnect", ErrorCategory.OperationTimeout, Session, InnerException);
}

/// <summary>PowerShell's message texts (RemotingErrorIdStrings.resx, RunspaceStrings.resx), formatted.</summary>
public static class RemotingErrors
{
    /// <summary>RCAutoDisconnectingError.</summary>
    public static string AutoDisconnectingError(string computerName) =>
        $"Network connectivity to {computerName} has been lost and the reconnection attempt failed. Please repair the network connection and reconnect using Connect-PSSession or Receive-PSSession.";

    /// <summary>RCDisconnectSession.</summary>
    public static string DisconnectSession(string name, Guid instanceId, string computerName) =>
        $"Session {name} with instance ID {instanceId} on computer {computerName} has been successfully disconnected.";

    /// <summary>RCDisconnectSessionCreated.</summary>
    public static string DisconnectSessionCreated(string name, Guid instanceId) =>
        $"Session {name} with instance ID {instanceId} has been created for reconnection.";

    /// <summary>RCDisconnectedJob.</summary>
    public static string DisconnectedJob(string jobName) => $"Job {jobName} has been created for reconnection.";

    public static string CannotDisconnectSessionWithInvalidIdleTimeout(string sessionName, long idleSeconds, long maxSeconds, long minSeconds) =>
        $"The session {sessionName} cannot be disconnected because the specified idle time-out value {idleSeconds} (seconds) is either greater than the server maximum allowed {maxSeconds} (seconds), or less than the minimum allowed {minSeconds} (seconds).  Specify an idle time-out value that is within the allowed range, and try again.";

    public static string RunspaceCannotBeDisconnected(string sessionName) =>
        $"Cannot disconnect PSSession \"{sessionName}\" because it is not in the Opened state.";

    public static string RunspaceCannotBeConnected(string sessionName) =>
        $"Cannot connect PSSession \"{sessionName}\", either because it is not in the Disconnected state, or it is not available for connection.";

    public static string RemoteRunspaceNotAvailableForSpecifiedSessionId(int id) =>
        $"The remote session with the session ID {id} is not available.";

    /// <summary>The resource string has two spaces before "is" (sic).</summary>
    public static string RemoteRunspaceNotAvailableForSpecifiedName(string name) =>
        $"The remote session with the name {name}  is not available.";

    public static string RemoteRunspaceNotAvailableForSpecifiedRunspaceId(Guid instanceId) =>
        $"Remote session is not available for {instanceId}.";

    public static string QueryForRunspacesFailed(string computerName, string message) =>
        $"The remote session query failed for {computerName} with the following error message: {message}";

    /// <summary>Get-PSSession -ComputerName -Name: a name no queried session matches (PSSessionNameMatchFail).</summary>
    public static string SessionNameMatchFailed(string name) => $"The command cannot find a PSSession that has the name \"{name}\".";

    /// <summary>Get-PSSession -ComputerName -InstanceId: an InstanceId no queried session has (PSSessionIdMatchFail).</summary>
    public static string SessionIdMatchFailed(Guid instanceId) => $"The command cannot find a PSSession with an InstanceId value of \"{instanceId}\".";

    /// <summary>Remove-PSSession of a Disconnected session that cannot be connected (RemoveSessionCannotConnectToServer).</summary>
    public static string RemoveRunspaceNotConnected(string sessionName) =>
        $"Remote session {sessionName} could not be connected and could not be removed from the server. The client remote session object will be removed from the server, but the state of the remote session on the server is unknown.";

    public static string PipelineFailedWithReason(string reason) => $"The remote pipeline failed for the following reason: {reason}";

    public const string PipelineFailedWithoutReason = "The remote pipeline failed.";

    public const string AsJobAndDisconnectedError = "You cannot use the Invoke-Command cmdlet with both the AsJob and Disconnected parameters in the same command.";

    public static string RunspaceConnectFailedWithMessage(string sessionName, string message) =>
        $"The connect operation failed for session {sessionName} with the following error message: {message}";

    /// <summary>RunspaceStrings.CannotConnect (local check on a Busy session).</summary>
    public const string CannotConnect = "Cannot connect the PSSession because the session is not in the Disconnected state, or is not available for connection.";

    /// <summary>
    /// PowerShell's FQEID prefix for a WinRM error code (WSManTransportManagerUtils.GetFQEIDFromTransportError):
    /// <c>{prefix},{default}</c> for known codes, <c>{code},{default}</c> otherwise, <c>{default}</c> when there is no code.
    /// </summary>
    public static string FullyQualifiedErrorIdFromTransportError(uint code, string defaultId)
    {
        if (code == 0) return defaultId;
        var prefix = code switch
        {
            0x8033805B => "CannotConnectTargetSessionDoesNotExist",
            0x80338012 => "CannotConnect",
            0x80338126 => "WinRMOperationTimeout",
            0x803381C6 => "CannotConnectMismatchSessions",
            0x803381DF => "CannotConnectRunAsFailed",
            0x803381C2 => "SessionCreateFailedInvalidName",
            0x803381AC => "RemoteSessionDisallowed",
            0x803381E3 => "RemoteConnectionDisallowed",
            0x803381B7 => "RedirectLocationInvalid",
            0x80338113 => "URLNotAvailable",
            0x80338112 => "CannotConnectWinRMService",
            0x80338170 => "WinRMHttpError",
            0x803381B9 => "ComputerNotFound",
            0x80338199 => "RedirectInformationRequired",
            0x80540FA0 => "IncorrectProtocolVersion",
            0x8033803B => "InvalidResourceUri",
            0x803381CD => "CannotConnectAlreadyConnected",
            0x803381D0 => "CannotConnectInvalidOperation",
            5 => "AccessDenied",
            995 => "WinRMOperationAborted",
            1115 => "ShutDownInProgress",
            1311 => "AuthenticationFailed",
            1326 => "LogonFailure",
            1722 => "ImproperResponse",
            _ => ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return prefix + "," + defaultId;
    }
}
