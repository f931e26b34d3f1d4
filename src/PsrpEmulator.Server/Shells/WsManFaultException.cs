using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells;

/// <summary>Thrown inside request handling to answer with a WS-Man fault; the endpoint maps it through <see cref="WsManFaults"/>.</summary>
internal sealed class WsManFaultException(WsManFaultReason reason, params object?[] args)
    : Exception(WsManFaults.Describe(reason).Reason.ToString())
{
    public WsManFaultReason Reason { get; } = reason;
    public object?[] Arguments { get; } = args;

    /// <summary>The shell plugin that raised it, when not the table's (a PowerShell endpoint's own plugin name).</summary>
    public ProviderFault? Provider { get; init; }
}
