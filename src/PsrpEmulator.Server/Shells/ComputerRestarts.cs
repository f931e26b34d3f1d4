using System.Collections.Concurrent;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// Restarts of the virtual computers (<c>shutdown /r /t N</c>, <c>Restart-Computer</c>), as a provisioning tool sees a
/// Windows reboot: at the restart the computer's shells go (their pipelines stopped, their output lost: a later request
/// naming one is the shell-not-found fault), the computer answers no request for <c>RestartDuration</c> (connections
/// dropped, as the injector's Outage), and its services come back as their start types say (Automatic running, the
/// others stopped). Its disk and the environment kept for later processes stay. One restart per computer is pending at
/// a time, on the emulator's clock.
/// </summary>
internal sealed class ComputerRestarts
{
    private readonly ShellRegistry _registry;
    private readonly Endpoint.Injector _injector;
    private readonly ShellServices _services;
    private readonly ConcurrentDictionary<string, ITimer> _pending = new(StringComparer.OrdinalIgnoreCase);

    public ComputerRestarts(ShellRegistry registry, Endpoint.Injector injector, ShellServices services)
    {
        _registry = registry;
        _injector = injector;
        _services = services;
        // The hosts reach the restarts through the services every shell has.
        services.Restarts = this;
    }

    /// <summary>The restart control of one computer, for its behaviours' hosts.</summary>
    public IComputerPower For(string computer) => new Power(this, computer);

    private bool Schedule(string computer, TimeSpan delay)
    {
        if (_pending.ContainsKey(computer)) return false;
        var timer = _services.Time.CreateTimer(_ => RestartOnTimer(computer), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!_pending.TryAdd(computer, timer))
        {
            timer.Dispose();
            return false;
        }

        timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        return true;
    }

    private bool Abort(string computer)
    {
        if (!_pending.TryRemove(computer, out var timer)) return false;
        timer.Dispose();
        return true;
    }

    // A timer's callback must not throw (it would end the process): a failed restart is logged.
    private void RestartOnTimer(string computer)
    {
        try
        {
            RestartNow(computer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ComputerRestartFailed(_services.Logger, computer, e);
        }
    }

    /// <summary>The restart itself: the outage begins, the shells go, the services start as configured.</summary>
    internal void RestartNow(string computer)
    {
        if (_pending.TryRemove(computer, out var timer)) timer.Dispose();
        _injector.BeginOutage(computer, _services.Options.RestartDuration);
        var closed = CloseShells(computer);

        _services.ServicesOf(computer).Restart();
        // Its LastBootUpTime is the restart's moment (a tool waiting for the reboot, as Ansible's win_reboot, sees it change).
        _services.Booted(computer, _services.Time.GetUtcNow());
        _services.ExistingEventLogsOf(computer)?.Restarted(_services.Time.GetUtcNow());
        Log.ComputerRestarted(_services.Logger, computer, closed, _services.Options.RestartDuration);
    }

    /// <summary>Closes the computer's shells (their pipelines stopped, their output lost); how many there were.</summary>
    private int CloseShells(string computer)
    {
        var closed = 0;
        foreach (var shell in _registry.Shells)
        {
            if (!shell.ComputerName.Equals(computer, StringComparison.OrdinalIgnoreCase) || !_registry.Remove(shell)) continue;
            shell.Close();
            closed++;
        }

        return closed;
    }

    /// <summary>How long a restarted WinRM service (Restart-Service WinRM) answers no request.</summary>
    internal static readonly TimeSpan WinRmRestartDuration = TimeSpan.FromSeconds(5);

    // Computers whose WinRM went down, its consequences not yet applied (one timer each).
    private readonly ConcurrentDictionary<string, ITimer> _winRmDown = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A command stopped a service of the computer (Stop-Service, Restart-Service, net stop, sc stop). WinRM going down
    /// ends the computer's remote sessions and shells, as the service's end ends their wsmprovhost and winrshost
    /// processes, once the command's statement is done (a timer due now): stopped, the computer answers no WinRM
    /// request until it restarts; started again (Restart-Service), it answers after <see cref="WinRmRestartDuration"/>.
    /// </summary>
    internal void ServiceStopped(string computer, string service)
    {
        if (!service.Equals("WinRM", StringComparison.OrdinalIgnoreCase)) return;
        var timer = _services.Time.CreateTimer(_ => WinRmDownOnTimer(computer), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!_winRmDown.TryAdd(computer, timer))
        {
            timer.Dispose();
            return;
        }

        timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void WinRmDownOnTimer(string computer)
    {
        try
        {
            if (_winRmDown.TryRemove(computer, out var timer)) timer.Dispose();
            var running = _services.ServicesOf(computer).Status("WinRM")?.Equals("Running", StringComparison.OrdinalIgnoreCase) == true;
            // Stopped for good: no request is answered until a restart starts it again (the restart's own outage replaces this one).
            _injector.BeginOutage(computer, running ? WinRmRestartDuration : TimeSpan.FromDays(3650));
            var closed = CloseShells(computer);

            Log.WinRmStopped(_services.Logger, computer, closed, running);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ComputerRestartFailed(_services.Logger, computer, e);
        }
    }

    private sealed class Power(ComputerRestarts restarts, string computer) : IComputerPower
    {
        public bool ScheduleRestart(TimeSpan delay) => restarts.Schedule(computer, delay);

        public bool AbortRestart() => restarts.Abort(computer);

        public DateTimeOffset? LastBoot => restarts._services.LastBootOf(computer);
    }
}
