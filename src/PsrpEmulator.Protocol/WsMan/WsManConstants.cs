namespace PsrpEmulator.Protocol.WsMan;

public static class WsManNamespaces
{
    public const string Soap = "http://www.w3.org/2003/05/soap-envelope";
    public const string Addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    public const string WsMan = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    public const string WsManMicrosoft = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd";
    public const string Shell = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
    public const string Transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
    public const string Enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
    public const string WsManFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault";
    public const string Identity = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd";
    public const string PowerShell = "http://schemas.microsoft.com/powershell";
    public const string Config = "http://schemas.microsoft.com/wbem/wsman/1/config";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
}

public static class WsManActions
{
    public const string Create = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create";
    public const string CreateResponse = "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse";
    public const string Delete = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete";
    public const string DeleteResponse = "http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse";
    public const string Get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
    public const string GetResponse = "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse";
    public const string Put = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put";
    public const string PutResponse = "http://schemas.xmlsoap.org/ws/2004/09/transfer/PutResponse";
    public const string Enumerate = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate";
    public const string EnumerateResponse = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse";
    public const string Pull = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull";
    public const string PullResponse = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse";
    public const string Release = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release";
    public const string ReleaseResponse = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse";
    public const string Command = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command";
    public const string CommandResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandResponse";
    public const string Send = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send";
    public const string SendResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/SendResponse";
    public const string Receive = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive";
    public const string ReceiveResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse";
    public const string Signal = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal";
    public const string SignalResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/SignalResponse";
    public const string Disconnect = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Disconnect";
    public const string DisconnectResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/DisconnectResponse";
    public const string Reconnect = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Reconnect";
    public const string ReconnectResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReconnectResponse";
    public const string Connect = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Connect";
    public const string ConnectResponse = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ConnectResponse";
    public const string Fault = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
    public const string AddressingFault = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault";
}

public static class WsManResourceUris
{
    public const string PowerShellPrefix = "http://schemas.microsoft.com/powershell/";
    public const string DefaultPowerShell = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell";
    public const string Shell = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
    public const string ShellCommand = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command";
    public const string CmdShell = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd";
    public const string Config = "http://schemas.microsoft.com/wbem/wsman/1/config";
}

public static class WsManCommandStates
{
    public const string Done = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done";
    public const string Pending = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Pending";
    public const string Running = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running";
}

public static class WsManSignalCodes
{
    public const string Terminate = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/Terminate";
    /// <summary>PowerShell's stop signal, misspelt as on the wire.</summary>
    public const string PowerShellCrtlC = "powershell/signal/crtl_c";
    /// <summary>The MS-WSMV spelling, sent by pypsrp.</summary>
    public const string PowerShellCtrlC = "powershell/signal/ctrl_c";
    public const string CtrlC = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_c";
    public const string CtrlBreak = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_break";
}

public static class WsManAddresses
{
    public const string Anonymous = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
}
