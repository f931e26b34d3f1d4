using System.Diagnostics;
using System.Globalization;
using System.Text;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Client.WinRs;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Diagnostics;
using WsManFaultException = PsrpEmulator.Client.Transport.WsManFaultException;

namespace PsrpEmulator.Scenarios;

public sealed partial class ScenarioRunner
{
    /// <summary>A host's WinRS client per computer (one p:SessionId each, as one pywinrm Session).</summary>
    private readonly Dictionary<(string Host, string Computer), WsManTransport> _winRsTransports = [];
    private readonly Dictionary<(string Host, string Shell), WinRsShell> _winRsShells = [];
    private readonly Dictionary<(string Host, string Shell, string Name), WinRsCommand> _winRsCommands = [];

    /// <summary>What a WinRS step saw.</summary>
    // Signals whose signalAfter delay has fired but that have not reached the emulator yet: the clock waits for them.
    private int _winRsSignalsDue;

    private sealed class WinRsOutcome
    {
        public MemoryStream Stdout { get; } = new();
        public MemoryStream Stderr { get; } = new();
        public int? ExitCode { get; set; }
        public WsManFaultException? Fault { get; set; }
        public Encoding Encoding { get; set; } = Encoding.UTF8;
    }

    private StepResult RunWinRs(WinRsStep step, Stopwatch watch)
    {
        var journalBefore = LastSequence();
        var start = Time.GetUtcNow();
        var outcome = new WinRsOutcome();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The client runs on a thread of its own that blocks while it waits, like a run step's pipeline thread,
        // so the same rule moves the clock: quiet process, blocked client, a request held by the emulator.
        var thread = new Thread(() =>
        {
            try
            {
                ExecuteWinRsAsync(step, outcome).GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"scenario winrs {step.Host}",
        };
        thread.Start();
        DriveClock(done.Task, thread, start);
        done.Task.GetAwaiter().GetResult();

        var elapsed = Time.GetUtcNow() - start;
        var entries = Journal.Snapshot().Where(e => e.Sequence > journalBefore).ToList();
        var stdout = outcome.Stdout.ToArray();
        var stderr = outcome.Stderr.ToArray();
        var text = outcome.Encoding.GetString(stdout) + outcome.Encoding.GetString(stderr) +
            (outcome.ExitCode is { } x ? $"[exit code {x}]\n" : string.Empty) +
            (outcome.Fault is { } f ? $"[fault {f.Subcode} {f.Code}: {f.Message}]\n" : string.Empty);
        var failure = CheckWinRs(step, outcome, stdout, stderr, entries, elapsed);
        return new StepResult(step, failure is null, failure is null ? null : $"{step.Position}: {failure}", text, [], [], elapsed, watch.Elapsed) { Requests = entries };
    }

    private async Task ExecuteWinRsAsync(WinRsStep step, WinRsOutcome outcome)
    {
        var computer = step.Computer ?? _scenario.World.Computers[0];
        var transport = WinRsTransport(step.Host, computer);
        try
        {
            switch (step.Operation)
            {
                case WinRsOperation.Run:
                    await RunCommandAsync(step, transport, outcome).ConfigureAwait(false);
                    break;
                case WinRsOperation.Receive:
                case WinRsOperation.Signal:
                    var shell = NamedShell(step);
                    outcome.Encoding = shell.Encoding;
                    var command = step.Command is { } c && _winRsCommands.TryGetValue((step.Host, step.Shell!, c), out var named) ? named : shell.Command(step.Command!);
                    if (step.Operation == WinRsOperation.Receive) await ReceiveAsync(command, outcome, CancellationToken.None).ConfigureAwait(false);
                    else await command.SignalAsync(Signal(step.SignalCode!)).ConfigureAwait(false);
                    break;
                case WinRsOperation.Disconnect:
                    await NamedShell(step).DisconnectAsync().ConfigureAwait(false);
                    break;
                case WinRsOperation.Reconnect:
                    await NamedShell(step).ReconnectAsync().ConfigureAwait(false);
                    break;
                case WinRsOperation.Close:
                    await NamedShell(step).CloseAsync().ConfigureAwait(false);
                    _winRsShells.Remove((step.Host, step.Shell!));
                    break;
            }
        }
        catch (WsManFaultException e)
        {
            outcome.Fault = e;
        }
    }

    private async Task RunCommandAsync(WinRsStep step, WsManTransport transport, WinRsOutcome outcome)
    {
        var options = new WinRsShellOptions
        {
            CodePage = step.CodePageOmitted ? null : step.CodePage ?? 437,
            Environment = step.Environment,
            WorkingDirectory = step.Directory,
            NoProfile = step.NoProfile,
        };
        WinRsShell shell;
        var throwaway = step.Shell is null;
        if (!throwaway && _winRsShells.TryGetValue((step.Host, step.Shell!), out var open))
        {
            if (step.CodePage is not null || step.CodePageOmitted || step.Environment.Count > 0 || step.Directory is not null || step.NoProfile)
            {
                throw new InvalidOperationException($"shell '{step.Shell}' is open already: codePage, environment, directory and noProfile apply when a step opens it");
            }

            shell = open;
        }
        else
        {
            shell = await WinRsShell.OpenAsync(transport, options).ConfigureAwait(false);
            if (!throwaway) _winRsShells[(step.Host, step.Shell!)] = shell;
        }

        outcome.Encoding = shell.Encoding;
        try
        {
            var command = await shell.StartAsync(step.CommandLine!, skipCmdShell: step.SkipCmdShell).ConfigureAwait(false);
            if (step.Name is { } name)
            {
                if (throwaway) throw new InvalidOperationException("'name:' needs 'shell:' (a command of a throwaway shell ends with the step)");
                _winRsCommands[(step.Host, step.Shell!, name)] = command;
            }

            if (step.Stdin is { } stdin) await command.SendAsync(stdin, end: true).ConfigureAwait(false);
            if (!step.Receive) return;
            if (step.SignalCode is not { } code)
            {
                await ReceiveAsync(command, outcome, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // The signal goes out while a Receive waits, as a client's Ctrl+C does.
            var receiving = ReceiveAsync(command, outcome, CancellationToken.None);
            using var stopDelay = new CancellationTokenSource();
            var delay = Task.Delay(step.SignalAfter, Time, stopDelay.Token);
            // The clock must not move between the delay's timer firing (inside the runner's advance) and the Signal
            // reaching the emulator: the continuation marks the client busy synchronously, before any thread runs.
            _ = delay.ContinueWith(_ => Interlocked.Increment(ref _winRsSignalsDue), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (await Task.WhenAny(receiving, delay).ConfigureAwait(false) == delay)
            {
                try
                {
                    await command.SignalAsync(Signal(code)).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _winRsSignalsDue);
                }
            }
            else
            {
                // The command ended first: no signal will be sent (a delay that fired meanwhile was counted).
                await stopDelay.CancelAsync().ConfigureAwait(false);
                if (delay.Status == TaskStatus.RanToCompletion) Interlocked.Decrement(ref _winRsSignalsDue);
            }

            await receiving.ConfigureAwait(false);
        }
        finally
        {
            if (throwaway) await shell.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReceiveAsync(WinRsCommand command, WinRsOutcome outcome, CancellationToken cancellationToken)
    {
        while (true)
        {
            var receive = await command.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            outcome.Stdout.Write(receive.Stdout);
            outcome.Stderr.Write(receive.Stderr);
            if (receive.Done)
            {
                outcome.ExitCode = receive.ExitCode;
                return;
            }
        }
    }

    private static WinRsSignal Signal(string code) => code switch
    {
        "terminate" => WinRsSignal.Terminate,
        "ctrl_c" => WinRsSignal.CtrlC,
        _ => WinRsSignal.CtrlBreak,
    };

    private WinRsShell NamedShell(WinRsStep step) =>
        step.Shell is { } name && _winRsShells.TryGetValue((step.Host, name), out var shell)
            ? shell
            : throw new InvalidOperationException(step.Shell is null ? "this winrs operation needs 'shell:'" : $"host '{step.Host}' has no open shell '{step.Shell}'");

    private WsManTransport WinRsTransport(string host, string computer)
    {
        if (!_scenario.World.Computers.Contains(computer, StringComparer.OrdinalIgnoreCase)) throw new InvalidOperationException($"'{computer}' is not one of the world's computers");
        if (_winRsTransports.TryGetValue((host, computer.ToUpperInvariant()), out var transport)) return transport;
        transport = new WsManTransport(ClientOptions(computer, robust: true))
        {
            Activity = _clients.Track,
            RetryTimeProvider = RetryClock,
        };
        _winRsTransports[(host, computer.ToUpperInvariant())] = transport;
        return transport;
    }

    /// <summary>
    /// A WS-Man client of the world's user for <paramref name="computer"/> (routed by Host header, as the client hosts
    /// are), on the scenario's clock; robust connections (retransmission after a network failure) when asked.
    /// </summary>
    private WsManClientOptions ClientOptions(string computer, bool robust)
    {
        var world = _scenario.World;
        var user = world.UserOrDefault;
        return new WsManClientOptions
        {
            ConnectionUri = new Uri($"http://{_address}/wsman"),
            HostHeader = $"{computer}:5985",
            UserName = user,
            Password = world.Users[user],
            PSVersion = null,
            OperationTimeout = world.OperationTimeout,
            HttpTimeout = world.OperationTimeout + TimeSpan.FromMinutes(1),
            RobustConnection = robust,
            TimeProvider = Time,
        };
    }

    /// <summary>A restarted host is a new client: its shells and sessions are unknown to it (nothing is closed).</summary>
    private void ForgetWinRs(string host)
    {
        foreach (var key in _winRsTransports.Keys.Where(k => string.Equals(k.Host, host, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            _winRsTransports[key].Dispose();
            _winRsTransports.Remove(key);
        }

        foreach (var key in _winRsShells.Keys.Where(k => string.Equals(k.Host, host, StringComparison.OrdinalIgnoreCase)).ToList()) _winRsShells.Remove(key);
        foreach (var key in _winRsCommands.Keys.Where(k => string.Equals(k.Host, host, StringComparison.OrdinalIgnoreCase)).ToList()) _winRsCommands.Remove(key);
    }

    private void DisposeWinRs()
    {
        foreach (var transport in _winRsTransports.Values) transport.Dispose();
        _winRsTransports.Clear();
        _winRsShells.Clear();
        _winRsCommands.Clear();
    }

    /// <summary>
    /// Waits for <paramref name="task"/> while moving the virtual clock to the next due timer whenever the client
    /// thread is blocked and the process is quiet (as a run step does), bounded by the world's MaxStepTime.
    /// </summary>
    private void DriveClock(Task task, Thread thread, DateTimeOffset start)
    {
        var real = Stopwatch.StartNew();
        var limit = start + _scenario.World.MaxStepTime;
        while (!task.IsCompleted)
        {
            if (real.Elapsed > RealStepLimit) throw new TimeoutException($"the command did not finish within {RealStepLimit.TotalSeconds} s of real time");
            Quiesce(task);
            if (task.IsCompleted) break;
            if ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0)
            {
                Thread.Sleep(0);
                continue;
            }

            // A WinRS client waits on the clock only through a Receive the emulator holds (or a retransmission wait):
            // time moves only then, with every request the client sent taken in by the emulator and no Signal due to
            // go out. Between two requests (nothing held) the client is working, however long the machine makes it.
            if (!AllRequestsArrived(task, thread)) continue;
            if (Volatile.Read(ref _winRsSignalsDue) > 0 || (_inFlight.Count == 0 && _clients.RetryWaits == 0))
            {
                task.Wait(1);
                continue;
            }

            var seen = LastSequence();
            Quiesce(task);
            if (task.IsCompleted || LastSequence() != seen || (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0) continue;
            if (Volatile.Read(ref _winRsSignalsDue) > 0 || (_inFlight.Count == 0 && _clients.RetryWaits == 0) || _clients.OnTheWire > _inFlight.Count) continue;

            if (Time.GetUtcNow() >= limit) throw new TimeoutException($"the command was still waiting after {AdvanceStep.Format(_scenario.World.MaxStepTime)} of virtual time");
            if (Clock is null || !Clock.AdvanceToNextTimer(limit)) task.Wait(20);
        }
    }

    private string? CheckWinRs(WinRsStep step, WinRsOutcome outcome, byte[] stdout, byte[] stderr, List<JournalEntry> entries, TimeSpan elapsed)
    {
        var expect = step.Expect;
        var problems = new List<string>();
        if (expect.Fault is { } fault)
        {
            if (outcome.Fault is not { } f) problems.Add($"expected the fault {fault}, the step ended without one");
            else if (!FaultIs(f, fault)) problems.Add($"expected the fault {fault}, got {f.Subcode} {f.Code}: {f.Message}");
        }
        else if (outcome.Fault is { } f)
        {
            problems.Add($"unexpected fault {f.Subcode} {f.Code}: {f.Message}");
        }

        var stdoutText = outcome.Encoding.GetString(stdout);
        var stderrText = outcome.Encoding.GetString(stderr);
        if (expect.Stdout is { } o && o != stdoutText) problems.Add($"stdout: expected {Show(o)}, got {Show(stdoutText)}");
        if (expect.Stderr is { } e && e != stderrText) problems.Add($"stderr: expected {Show(e)}, got {Show(stderrText)}");
        if (expect.StdoutBytes is { } ob && !ob.AsSpan().SequenceEqual(stdout)) problems.Add($"stdout bytes: expected {Convert.ToHexString(ob)}, got {Convert.ToHexString(stdout)}");
        if (expect.StderrBytes is { } eb && !eb.AsSpan().SequenceEqual(stderr)) problems.Add($"stderr bytes: expected {Convert.ToHexString(eb)}, got {Convert.ToHexString(stderr)}");
        foreach (var piece in expect.Contains)
        {
            if (!stdoutText.Contains(piece, StringComparison.Ordinal) && !stderrText.Contains(piece, StringComparison.Ordinal)) problems.Add($"stdout and stderr lack {Show(piece)}:\n{stdoutText}{stderrText}");
        }

        if (expect.ExitCode is { } x && outcome.ExitCode != x)
        {
            problems.Add($"exit code: expected {x}, got {(outcome.ExitCode is { } got ? got.ToString(CultureInfo.InvariantCulture) : "none (the command did not end)")}");
        }

        foreach (var fact in expect.Journal)
        {
            var n = entries.Count(j => string.Equals(ShortAction(j.Action), fact.Action, StringComparison.OrdinalIgnoreCase) &&
                (fact.Computer is null || string.Equals(j.Computer, fact.Computer, StringComparison.OrdinalIgnoreCase)) && fact.FaultMatches(j.Fault));
            var ok = fact.Count is { } c ? n == c : n >= (fact.Min ?? 1);
            if (!ok) problems.Add($"journal: expected {fact}, saw {n}; this step's requests: {string.Join(", ", entries.Select(j => $"{ShortAction(j.Action)}@{j.Computer}{(j.Fault is null ? "" : "!" + j.Fault)}"))}");
        }

        if (expect.MaxElapsed is { } max && elapsed > max) problems.Add($"took {elapsed} of virtual time, at most {max} expected");
        return problems.Count == 0 ? null : string.Join("\n", problems);
    }

    /// <summary>A fault named as a journal fact names one: reason (CommandNotFound), subcode (InvalidSelectors, w:InvalidSelectors) or WinRM code.</summary>
    private static bool FaultIs(WsManFaultException fault, string expected)
    {
        var code = fault.Code.ToString(CultureInfo.InvariantCulture);
        if (expected == code || string.Equals(expected, fault.Subcode, StringComparison.OrdinalIgnoreCase) ||
            string.Equals("w:" + expected, fault.Subcode, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!Enum.TryParse<WsManFaultReason>(expected, ignoreCase: true, out var reason) || !Enum.IsDefined(reason)) return false;
        var described = WsManFaults.Describe(reason);
        return described.WsManCode == fault.Code && string.Equals(described.Subcode, fault.Subcode, StringComparison.OrdinalIgnoreCase);
    }

    private static string Show(string text) => "\"" + text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
