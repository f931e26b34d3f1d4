using Microsoft.Extensions.Hosting;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// One timer on the injected TimeProvider drives every timeout: idle shells auto-disconnect, disconnected shells
/// past their IdleTimeout expire (deleted with their pipelines and buffered output), stale enumerations go.
/// </summary>
/// <param name="restarts">Made with the heartbeat, which every emulator starts, so that behaviours can restart computers.</param>
internal sealed class Heartbeat(ShellRegistry registry, EnumerationStore enumerations, ShellServices services, ComputerRestarts restarts) : IHostedService, IDisposable
{
    /// <summary>The computers' restarts (<c>shutdown /r</c>, Restart-Computer).</summary>
    public ComputerRestarts Restarts => restarts;

    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = services.Options.HeartbeatInterval;
        _timer = services.Time.CreateTimer(_ => Beat(), null, interval, interval);
        return Task.CompletedTask;
    }

    /// <summary>One beat; public to the assembly so tests can drive it directly.</summary>
    internal void Beat()
    {
        var now = services.Time.GetUtcNow();
        foreach (var shell in registry.Shells)
        {
            switch (shell.CheckIdle(now))
            {
                case Shells.IdleVerdict.AutoDisconnect:
                    shell.Disconnect(idleTimeout: null, bufferMode: null, byClient: false);
                    Log.ShellDisconnected(services.Logger, shell.ShellId, shell.IdleTimeout, shell.BufferMode.ToString(), " by idle timeout");
                    break;
                case Shells.IdleVerdict.Expire:
                    if (registry.Remove(shell))
                    {
                        shell.Close();
                        Log.ShellExpired(services.Logger, shell.ShellId, shell.IdleTimeout);
                    }

                    break;
            }
        }

        enumerations.Expire(now);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
