using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Transport;

/// <summary>A WS-Man fault returned by the server, with WinRM's error code.</summary>
public sealed class WsManFaultException(FaultBody fault, int httpStatus)
    : Exception(fault.Message ?? fault.Reason)
{
    public FaultBody Fault { get; } = fault;

    public int HttpStatus { get; } = httpStatus;

    /// <summary>WSManFault Code (e.g. 2150858843 for a missing shell); 0 when the fault carried none.</summary>
    public uint Code { get; } = fault.WsManFaultCode ?? 0;

    public string Subcode { get; } = fault.Subcode;

    public const uint TimedOut = 2150858793;
    public const uint ShellNotFound = 2150858843;

    public bool IsTimedOut => Code == TimedOut;
}

/// <summary>A transport-level failure: HTTP error without a SOAP fault, authentication, bad response, redirect.</summary>
public sealed class WsManTransportException(string message, int? httpStatus = null, Uri? redirectLocation = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int? HttpStatus { get; } = httpStatus;

    /// <summary>The Location of an HTTP 302 (WinRM redirection), when that is what happened.</summary>
    public Uri? RedirectLocation { get; } = redirectLocation;

    /// <summary>The Location header of an HTTP 302 as sent (it may be relative or malformed; <see cref="RedirectLocation"/> is then null).</summary>
    public string? RedirectLocationText { get; init; } = redirectLocation?.OriginalString;

    /// <summary>The network failed (no connection, a reset, a cut-off response): a retransmission may succeed.</summary>
    public bool IsNetworkFailure { get; init; }

    /// <summary>The WinRM client's own error code for this failure, when the client decided it (a timeout of its own); null otherwise.</summary>
    public uint? WinRmErrorCode { get; init; }

    /// <summary>0x80338126: the WinRM client gave up waiting for the server (PowerShell's WinRMOperationTimeout).</summary>
    public const uint ClientOperationTimedOut = 0x80338126;

    /// <summary>WinRM's message for <see cref="ClientOperationTimedOut"/>.</summary>
    public const string OperationTimedOutMessage =
        "WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet.";
}

/// <summary>Robust-connection events, as PowerShell reports them to the user (protocol-notes section 8).</summary>
public enum NetworkEvent
{
    /// <summary>"The network connection to {0} has been interrupted. Attempting to reconnect for up to {1} minutes..."</summary>
    NetworkFailureDetected,
    /// <summary>"Attempting to reconnect to {0} ..."</summary>
    RetryAttempt,
    /// <summary>"The network connection to {0} has been restored."</summary>
    Reconnected,
    /// <summary>The retries ran out: the caller auto-disconnects the session if it can.</summary>
    RetryAborted,
}

public sealed record NetworkNotification(NetworkEvent Kind, string Computer, TimeSpan MaxRetryTime)
{
    /// <summary>PowerShell's warning text for this event (RemotingErrorIdStrings).</summary>
    public string Message => Kind switch
    {
        NetworkEvent.NetworkFailureDetected => $"The network connection to {Computer} has been interrupted. Attempting to reconnect for up to {MaxRetryTime.TotalMinutes:0.##} minutes...",
        NetworkEvent.RetryAttempt => $"Attempting to reconnect to {Computer} ...",
        NetworkEvent.Reconnected => $"The network connection to {Computer} has been restored.",
        _ => $"The reconnection attempt to {Computer} failed. Attempting to disconnect the session...",
    };
}
