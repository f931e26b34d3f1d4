using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// The wait of one Receive (PowerShell or cmd shell): held until data, the hold's end (OperationTimeout, bounded by
/// MaxReceiveHold), the client going away, the shell disconnecting, or the emulator stopping.
/// </summary>
internal sealed class ReceiveHold : IDisposable
{
    private const int EnvelopeOverhead = 4096;

    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public ReceiveHold(WsManRequest request, Shell shell, ShellServices services)
    {
        var options = services.Options;
        var operationTimeout = request.Header.OperationTimeout ?? TimeSpan.FromSeconds(60);
        var hold = operationTimeout < options.MaxReceiveHold ? operationTimeout : options.MaxReceiveHold;
        Budget = BudgetOf(request, options);
        _timer = new CancellationTokenSource(hold, services.Time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, request.Aborted, shell.ConnectionToken, services.Stopping);
    }

    /// <summary>Raw bytes of stream data one ReceiveResponse may carry.</summary>
    public int Budget { get; }

    /// <summary>Raw bytes of stream data a ReceiveResponse to <paramref name="request"/> may carry.</summary>
    public static int BudgetOf(WsManRequest request, EmulatorOptions options)
    {
        var maxEnvelope = request.Header.MaxEnvelopeSize ?? options.MaxEnvelopeSizeKb * 1024;
        // Data travels base64-encoded: 3 raw bytes per 4 characters, after the envelope's own overhead.
        return Math.Max(1024, (maxEnvelope - EnvelopeOverhead) / 4 * 3);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>
    /// The answer when nothing arrived: w:TimedOut after the hold; for a shell disconnected (or deleted) meanwhile,
    /// what <see cref="PendingReceiveOnDisconnect"/> says, or InvalidSelectors once the shell is gone.
    /// </summary>
    public static ReceiveResponseBody NothingArrived(Shell shell, EmulatorOptions options)
    {
        if (shell.ConnectionToken.IsCancellationRequested || shell.State != ShellConnectionState.Connected)
        {
            if (shell.PoolState == Protocol.Psrp.RunspacePoolState.Closed) throw new WsManFaultException(WsManFaultReason.ShellNotFound, shell.ShellId);
            if (options.PendingReceiveOnDisconnect == PendingReceiveOnDisconnect.Fault) throw new WsManFaultException(WsManFaultReason.ShellDisconnected);
            return new ReceiveResponseBody([], null);
        }

        throw new WsManFaultException(WsManFaultReason.OperationTimedOut);
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
