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
}
