namespace PsrpEmulator.Protocol.WsMan;

/// <summary>Every reason the emulator refuses a request. Mapped to a WinRM fault in one table: <see cref="WsManFaults"/>.</summary>
public enum WsManFaultReason
{
    /// <summary>Unknown, expired or deleted ShellId.</summary>
    ShellNotFound,
    /// <summary>A WS-Transfer Get names an unknown, expired or deleted ShellId (answered by WinRM's shell provider).</summary>
    ShellNotFoundByGet,
    /// <summary>Unknown CommandId on a known shell.</summary>
    CommandNotFound,
    /// <summary>Receive: nothing arrived within the OperationTimeout (or the emulator's maximum hold).</summary>
    OperationTimedOut,
    /// <summary>A SOAP header value is invalid (negative OperationTimeout, bad MaxEnvelopeSize...).</summary>
    InvalidHeader,
    /// <summary>The body does not match the schema of the action (missing element, bad xs:duration, bad base64).</summary>
    SchemaValidationError,
    /// <summary>The request is not well-formed XML, or not a SOAP envelope. UNVERIFIED Windows answer.</summary>
    MalformedRequest,
    /// <summary>The request carries a DTD or entity declaration. UNVERIFIED Windows answer.</summary>
    DtdProhibited,
    /// <summary>The action URI is not one WinRM knows.</summary>
    UnsupportedAction,
    /// <summary>The ResourceURI names no endpoint (configuration) of this computer.</summary>
    InvalidResourceUri,
    /// <summary>Create/Connect without the protocolversion option.</summary>
    ProtocolVersionNotFound,
    /// <summary>Client PSRP major version is not 2.</summary>
    ProtocolVersionMismatch,
    /// <summary>The PSRP payload (fragments or messages) is invalid. UNVERIFIED Windows answer.</summary>
    InvalidPsrpData,
    /// <summary>A parameter is invalid (Receive on a cmd shell without a command...).</summary>
    InvalidParameter,
    /// <summary>The shell is connected to another client (Connect/Reconnect).</summary>
    ShellInUse,
    /// <summary>The shell belongs to another user.</summary>
    AccessDenied,
    /// <summary>The response would exceed the client's MaxEnvelopeSize.</summary>
    EncodingLimit,
    /// <summary>A shell with this ShellId already exists.</summary>
    ShellAlreadyExists,
    /// <summary>The operation is not valid in the shell's current state (e.g. Command on a disconnected shell).</summary>
    InvalidShellState,
    /// <summary>A Receive (or other stream operation) on a disconnected shell; OMI's answer to a Receive pending at Disconnect.</summary>
    ShellDisconnected,
    /// <summary>Connect's connectXml failed the PowerShell plugin's validation.</summary>
    ConnectOperationFailed,
    /// <summary>The user already has MaxShellsPerUser shells.</summary>
    MaxShellsPerUserExceeded,
    /// <summary>The shell already runs MaxConcurrentCommandsPerShell commands.</summary>
    MaxCommandsPerShellExceeded,
    /// <summary>Pull or Release names an unknown or expired enumeration context.</summary>
    InvalidEnumerationContext,
    /// <summary>An unexpected internal failure; the message never carries a stack trace.</summary>
    InternalError,
    /// <summary>WinRS cmd shell: a Receive without a CommandId (the cmd plugin's ERROR_INVALID_PARAMETER).</summary>
    CmdCommandIdRequired,
    /// <summary>
    /// A command's PSRP data, all its Sends together, passed the endpoint's MaximumReceivedDataSizePerCommandMB: the
    /// PowerShell plugin closes the command.
    /// </summary>
    ReceivedDataSizeExceeded,
    /// <summary>
    /// One object of a command's or a pool's data passed the endpoint's MaximumReceivedObjectSizeMB: the PowerShell
    /// plugin closes the command, or for pool data the whole shell.
    /// </summary>
    ReceivedObjectSizeExceeded,
    /// <summary>WinRS cmd shell: with WINRS_SKIP_CMD_SHELL the executable was not found (ERROR_FILE_NOT_FOUND).</summary>
    CmdFileNotFound,
    /// <summary>WMI: the class (or namespace) does not exist on the computer (WBEM_E_INVALID_CLASS).</summary>
    WmiInvalidClass,
    /// <summary>WMI: the WQL query cannot be read, or names a property the class has not (WBEM_E_INVALID_QUERY).</summary>
    WmiInvalidQuery,
    /// <summary>WMI: a Get's selectors name no instance of the class.</summary>
    WmiInstanceNotFound,
    /// <summary>WMI: an Enumerate of a namespace's <c>*</c> without a WQL filter, or with another dialect.</summary>
    WmiFilterRequired,
}

/// <summary>A concrete fault: what to put on the wire and the HTTP status.</summary>
public sealed record WsManFaultDescriptor(
    WsManFaultReason Reason,
    string Action,
    string SoapCode,
    string Subcode,
    string? FaultDetail,
    uint WsManCode,
    int HttpStatus,
    string MessageTemplate,
    string? ReasonTemplate = null,
    ProviderFault? Provider = null);

/// <summary>The one reason-to-fault table (protocol-notes 6.2). Codes are WinRM's; UNVERIFIED ones are marked.</summary>
public static class WsManFaults
{
    private const string Detail = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/";

    // Windows' s:Reason for both unknown ShellId and unknown CommandId (recorded); f:Message says which.
    private const string InvalidSelectorsReason = "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ";

    private static readonly Dictionary<WsManFaultReason, WsManFaultDescriptor> Table = new()
    {
        [WsManFaultReason.ShellNotFound] = new(WsManFaultReason.ShellNotFound, WsManActions.Fault, "s:Sender", "w:InvalidSelectors", Detail + "UnexpectedSelectors", 2150858843, 500,
            "The request for the Windows Remote Shell with ShellId {0} failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. ",
            InvalidSelectorsReason),
        // Recorded (test_psrp_is_alive_invalid_selectors): the text of the reason, wrapped in the shell provider's fault.
        [WsManFaultReason.ShellNotFoundByGet] = new(WsManFaultReason.ShellNotFoundByGet, WsManActions.Fault, "s:Sender", "w:InvalidSelectors", Detail + "UnexpectedSelectors", 2150858843, 500,
            InvalidSelectorsReason, InvalidSelectorsReason, Provider: ProviderFault.ShellProvider),
        [WsManFaultReason.CommandNotFound] = new(WsManFaultReason.CommandNotFound, WsManActions.Fault, "s:Sender", "w:InvalidSelectors", Detail + "UnexpectedSelectors", 2150858843, 500,
            "The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. Either the command has completed execution or the client specified an invalid command identifier. ",
            InvalidSelectorsReason),
        [WsManFaultReason.OperationTimedOut] = new(WsManFaultReason.OperationTimedOut, WsManActions.Fault, "s:Receiver", "w:TimedOut", null, 2150858793, 500,
            "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  "),
        [WsManFaultReason.InvalidHeader] = new(WsManFaultReason.InvalidHeader, WsManActions.AddressingFault, "s:Sender", "a:InvalidMessageInformationHeader", null, 2150858767, 500,
            "The WS-Management service cannot process the request. {0}. ",
            "The WS-Management service cannot process the request. The request contains one or more invalid SOAP headers. "),
        [WsManFaultReason.SchemaValidationError] = new(WsManFaultReason.SchemaValidationError, WsManActions.Fault, "s:Sender", "w:SchemaValidationError", null, 2150858817, 500,
            "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. {0}"),
        [WsManFaultReason.MalformedRequest] = new(WsManFaultReason.MalformedRequest, WsManActions.Fault, "s:Sender", "w:SchemaValidationError", null, 2150858817, 500,
            "The WS-Management service cannot process the request because the XML is invalid. {0}"),
        [WsManFaultReason.DtdProhibited] = new(WsManFaultReason.DtdProhibited, WsManActions.Fault, "s:Sender", "w:SchemaValidationError", null, 2150858817, 500,
            "The WS-Management service cannot process the request because the XML contains a DTD or entity declaration, which is not allowed. "),
        [WsManFaultReason.UnsupportedAction] = new(WsManFaultReason.UnsupportedAction, WsManActions.AddressingFault, "s:Sender", "a:ActionNotSupported", Detail + "ActionMismatch", 2150858765, 500,
            "The WS-Management service cannot process the request because the action {0} is not supported. "),
        [WsManFaultReason.InvalidResourceUri] = new(WsManFaultReason.InvalidResourceUri, WsManActions.Fault, "s:Sender", "a:DestinationUnreachable", Detail + "InvalidResourceURI", 2150858811, 500,
            "The WS-Management service cannot process the request because the resource URI {0} is not valid or was not found. "),
        [WsManFaultReason.ProtocolVersionNotFound] = new(WsManFaultReason.ProtocolVersionNotFound, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152991687, 500,
            "The WS-Management service cannot process the request because the protocolversion option was not found. "),
        [WsManFaultReason.ProtocolVersionMismatch] = new(WsManFaultReason.ProtocolVersionMismatch, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152991685, 500,
            "<PSProtocolVersionError ServerProtocolVersion=\"{0}\" ServerBuildVersion=\"10.0.17763.1\">The client protocol version is not supported by the server.</PSProtocolVersionError>"),
        [WsManFaultReason.InvalidPsrpData] = new(WsManFaultReason.InvalidPsrpData, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152992672, 500,
            "The PowerShell remoting data in the request is not valid: {0} "),
        [WsManFaultReason.InvalidParameter] = new(WsManFaultReason.InvalidParameter, WsManActions.Fault, "s:Sender", "w:InvalidParameter", Detail + "InvalidValue", 87, 500,
            "The parameter is incorrect. {0}"),
        [WsManFaultReason.ShellInUse] = new(WsManFaultReason.ShellInUse, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2150859213, 500,
            "The shell {0} cannot be connected because it is connected to another client. "),
        [WsManFaultReason.AccessDenied] = new(WsManFaultReason.AccessDenied, WsManActions.Fault, "s:Sender", "w:AccessDenied", null, 5, 500,
            "Access is denied. "),
        [WsManFaultReason.EncodingLimit] = new(WsManFaultReason.EncodingLimit, WsManActions.Fault, "s:Sender", "w:EncodingLimit", Detail + "MaxEnvelopeSize", 2150858819, 500,
            "The computed response packet size ({0}) exceeds the maximum envelope size that is allowed ({1}). "),
        [WsManFaultReason.ShellAlreadyExists] = new(WsManFaultReason.ShellAlreadyExists, WsManActions.Fault, "s:Sender", "w:AlreadyExists", null, 2150858803, 500,
            "The shell {0} already exists. "),
        [WsManFaultReason.InvalidShellState] = new(WsManFaultReason.InvalidShellState, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2150859216, 500,
            "The operation cannot be performed because the shell {0} is {1}. "),
        [WsManFaultReason.ShellDisconnected] = new(WsManFaultReason.ShellDisconnected, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2150859230, 500,
            "The request cannot be completed because the stream is currently disconnected. "),
        // 0x80540FA3: the PowerShell plugin's PluginConnectOperationFailed.
        [WsManFaultReason.ConnectOperationFailed] = new(WsManFaultReason.ConnectOperationFailed, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152992675, 500,
            "The WS-Management service cannot complete the Connect operation: {0} "),
        // 0x803381A5 as seen in WinRM faults quoted by Vagrant and test-kitchen users.
        [WsManFaultReason.MaxShellsPerUserExceeded] = new(WsManFaultReason.MaxShellsPerUserExceeded, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2150859173, 500,
            "The WS-Management service cannot process the request. This user is allowed a maximum number of {0} concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. "),
        // Text as quoted by pypsrp#148; the code is UNVERIFIED.
        [WsManFaultReason.MaxCommandsPerShellExceeded] = new(WsManFaultReason.MaxCommandsPerShellExceeded, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2150859175, 500,
            "The WS-Management service cannot process the request. The maximum number of concurrent commands per shell has been exceeded. Retry the request later or raise the Maximum Commands per Shell quota. "),
        // WS-Enumeration's fault; the WSManFault code is UNVERIFIED.
        [WsManFaultReason.InvalidEnumerationContext] = new(WsManFaultReason.InvalidEnumerationContext, WsManActions.Fault, "s:Receiver", "n:InvalidEnumerationContext", null, 2150858771, 500,
            "The WS-Management service cannot process the request because the enumeration context {0} is not valid or has expired. "),
        [WsManFaultReason.InternalError] = new(WsManFaultReason.InternalError, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2147500037, 500,
            "The WS-Management service encountered an internal error. "),
        // Recorded (test_winrs_fail_poll_process, test_winrs_no_cmd_shell): the cmd plugin's Win32 errors as HRESULTs.
        [WsManFaultReason.CmdCommandIdRequired] = new(WsManFaultReason.CmdCommandIdRequired, WsManActions.Fault, "s:Sender", "w:InvalidParameter", Detail + "InvalidValue", 87, 500,
            "The parameter is incorrect. ", Provider: ProviderFault.CmdShell),
        [WsManFaultReason.CmdFileNotFound] = new(WsManFaultReason.CmdFileNotFound, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2147942402, 500,
            "The system cannot find the file specified. ", Provider: ProviderFault.CmdShell),
        // PowerShell's ReceivedDataSizeExceededMaximumServer (the maximum in bytes), which the plugin reports as a managed
        // exception (WSManPluginErrorCodes.ManagedException, 0x80540FA0) with the exception's message. The text is
        // Windows' as users quote it from Invoke-Command ("Sending data to a remote command failed with the following
        // error message: ..."); the fault's shape is WinRM's for other plugin failures, UNVERIFIED for a Send.
        [WsManFaultReason.ReceivedDataSizeExceeded] = new(WsManFaultReason.ReceivedDataSizeExceeded, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152992672, 500,
            "The total data received from the remote client exceeded allowed maximum. Allowed maximum is {0}.", Provider: ProviderFault.PowerShellPlugin),
        // ReceivedObjectSizeExceededMaximumServer, reported as above; its wording is the one the client's variant is
        // quoted with from Windows.
        [WsManFaultReason.ReceivedObjectSizeExceeded] = new(WsManFaultReason.ReceivedObjectSizeExceeded, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2152992672, 500,
            "The current deserialized object size of the data received from the remote client computer exceeded the allowed maximum object size. The current deserialized object size is {0}. The allowed maximum object size is {1}.",
            Provider: ProviderFault.PowerShellPlugin),
        // WMI's own HRESULTs as WinRM's WMI plugin passes them on ("The WS-Management service cannot process the request.
        // The WMI service or the WMI provider returned an unknown error: HRESULT 0x80041010", as users quote winrm.cmd's
        // answer for a class that does not exist). Subcode and the invalid-query wording UNVERIFIED.
        [WsManFaultReason.WmiInvalidClass] = new(WsManFaultReason.WmiInvalidClass, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2147749904, 500,
            "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x80041010 "),
        [WsManFaultReason.WmiInvalidQuery] = new(WsManFaultReason.WmiInvalidQuery, WsManActions.Fault, "s:Receiver", "w:InternalError", null, 2147749911, 500,
            "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x80041017 ({0}) "),
        // A Get of an instance WMI does not find: WinRM's invalid-selectors fault (UNVERIFIED for the WMI plugin).
        [WsManFaultReason.WmiInstanceNotFound] = new(WsManFaultReason.WmiInstanceNotFound, WsManActions.Fault, "s:Sender", "w:InvalidSelectors", Detail + "UnexpectedSelectors", 2150858843, 500,
            InvalidSelectorsReason),
        // UNVERIFIED: the emulator's choice of WinRM's parameter fault, naming what is missing.
        [WsManFaultReason.WmiFilterRequired] = new(WsManFaultReason.WmiFilterRequired, WsManActions.Fault, "s:Sender", "w:InvalidParameter", Detail + "InvalidValue", 87, 500,
            "The WS-Management service cannot process the request: {0} "),
    };

    public static WsManFaultDescriptor Describe(WsManFaultReason reason) => Table[reason];

    /// <summary>Builds the fault body: message = template formatted with <paramref name="args"/>.</summary>
    public static FaultBody CreateBody(WsManFaultReason reason, string machine, params object?[] args)
    {
        var d = Table[reason];
        var message = Format(d.MessageTemplate, args);
        var text = d.ReasonTemplate is null ? message : Format(d.ReasonTemplate, args);
        return new FaultBody(d.SoapCode, d.Subcode, text, d.FaultDetail, d.WsManCode, machine, message) { Provider = d.Provider };

        static string Format(string template, object?[] args) =>
            args.Length == 0 ? template : string.Format(System.Globalization.CultureInfo.InvariantCulture, template, args);
    }
}
