namespace PsrpEmulator.Client.Psrp;

/// <summary>The server broke the PSRP conversation (bad fragments, unexpected messages, a Broken pool).</summary>
public sealed class PsrpClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A Send of a command's data (CREATE_PIPELINE or input) came back with a fault: PowerShell fails the pipeline with
/// its CommandSendExCallBackError text around the server's message (for example a command past the endpoint's
/// MaximumReceivedDataSizePerCommandMB).
/// </summary>
public sealed class CommandSendException(Transport.WsManFaultException fault)
    : Exception($"Sending data to a remote command failed with the following error message: {fault.Message} For more information, see the about_Remote_Troubleshooting Help topic.", fault)
{
    public Transport.WsManFaultException Fault { get; } = fault;
}
