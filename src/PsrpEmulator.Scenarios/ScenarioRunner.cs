using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PsrpEmulator.PowerShell;
using PsrpEmulator.PowerShell.Hosting;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using SmaPowerShell = System.Management.Automation.PowerShell;

namespace PsrpEmulator.Scenarios;

/// <summary>What one step did and whether its expectations held.</summary>
public sealed record StepResult(Step Step, bool Passed, string? Failure, string Text, IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, TimeSpan VirtualElapsed, TimeSpan RealElapsed)
{
    public bool Interrupted { get; init; }

    /// <summary>The requests the emulator journaled during the step.</summary>
    public IReadOnlyList<JournalEntry> Requests { get; init; } = [];
}

/// <summary>What a scenario did: every step's result (a failed step ends the run), and the documentation checks.</summary>
public sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<StepResult> Steps, IReadOnlyList<DocCheck> DocChecks, string? Failure, TimeSpan RealElapsed)
{
    public bool Passed => Failure is null && Steps.All(s => s.Passed) && DocChecks.All(d => d.Passed != false);
}

/// <summary>Receives progress while a scenario runs (the CLI prints it; tests log it).</summary>
public interface IScenarioReporter
{
    void ScenarioStarting(Scenario scenario) { }

    void StepStarting(Scenario scenario, int index, Step step) { }

    void StepFinished(Scenario scenario, int index, StepResult result) { }

    void DocChecked(Scenario scenario, DocCheck check) { }
}

/// <summary>Settings of a run.</summary>
public sealed record ScenarioRunOptions
{
    /// <summary>Where documentation files named by <c>doc:</c> are looked for (first hit wins); null: beside the repository (../shared/docs) and PSRPEMU_DOCS.</summary>
    public IReadOnlyList<string>? DocDirectories { get; init; }

    /// <summary>Only the steps marked <c>setup: true</c> (what <c>serve --world</c> does before serving).</summary>
    public bool SetupOnly { get; init; }
}

/// <summary>
/// Runs scenarios: one emulator process for the world's computers (routed by Host header), client hosts by name,
/// one <see cref="VirtualClock"/> for all. Time moves only by <c>advance</c> steps, except that a run step blocked
/// waiting on the emulator moves the clock to the next due timer until it finishes (bounded by the world's
/// MaxStepTime), so no step hangs and long sleeps cost no real time.
/// </summary>
public sealed partial class ScenarioRunner : IAsyncDisposable
{
    // A guard against a hung step, not a speed assertion: an outage step makes hundreds of real retransmissions, which
    // on a loaded 2-core CI machine (test assemblies run in parallel) took over a minute.
    private static readonly TimeSpan RealStepLimit = TimeSpan.FromSeconds(180);

    private readonly Scenario _scenario;
    private readonly Dictionary<string, HostSlot> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly WebApplication _app;
    private readonly string _address;

    private ScenarioRunner(Scenario scenario, WebApplication app, VirtualClock? clock, TimeProvider time)
    {
        _scenario = scenario;
        _app = app;
        Clock = clock;
        Time = time;
        var bound = app.BoundAddresses()[0];
        _address = $"{bound.Host}:{bound.Port}";
    }

    /// <summary>The shared virtual clock (null when the runner serves on real time).</summary>
    public VirtualClock? Clock { get; }

    public TimeProvider Time { get; }

    public Journal Journal => _app.Services.GetRequiredService<Journal>();

    public WebApplication Emulator => _app;

    /// <summary>Starts the world's emulator on <paramref name="urls"/> (default 127.0.0.1, any port) with a virtual clock, or the real one.</summary>
    public static async Task<ScenarioRunner> StartAsync(Scenario scenario, IEnumerable<string>? urls = null, bool realTime = false,
        Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = null, Action<EmulatorOptions>? configure = null)
    {
        var world = scenario.World;
        var clock = realTime ? null : new VirtualClock(world.Start);
        var clients = new ClientActivity();
        var inFlight = new InFlightRequests(clients.Changed);
        TimeProvider time = clock ?? TimeProvider.System;
        var app = EmulatorHost.Create(
            urls ?? ["http://127.0.0.1:0"],
            options =>
            {
                options.ComputerName = world.Computers[0];
                foreach (var computer in world.Computers.Skip(1)) options.Computers[computer] = new ComputerOptions();
                // The emulator matches a DOMAIN\user login by its bare user name (and a configured DOMAIN\user never matches).
                options.Users = [.. world.Users.Select(u => $"{BareUser(u.Key)}:{u.Value}")];
                options.MaxReceiveHold = world.MaxReceiveHold;
                options.HeartbeatInterval = world.Heartbeat;
                if (world.RestartDuration is { } restart) options.RestartDuration = restart;
                options.VirtualTime = !realTime;
                if (world.ProtocolVersion is { } protocolVersion) options.ProtocolVersion = protocolVersion;
                options.Redirects = [.. world.Redirects];
                options.Faults = [.. world.Faults];
                options.FaultSeed = world.FaultSeed;
                configure?.Invoke(options);
            },
            time,
            logging,
            services: services =>
            {
                services.AddSingleton(inFlight);
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new InFlightFilter(inFlight));
                services.AddSingleton(BehaviourCatalog.Combine(BehaviourCatalog.Parse(scenario.Yaml, scenario.Path), BehaviourCatalog.LoadDefault()));
                services.AddSingleton(ScenarioSettings.Parse(scenario.Yaml, scenario.Path));
            });
        await app.StartAsync().ConfigureAwait(false);
        return new ScenarioRunner(scenario, app, clock, time) { _inFlight = inFlight, _clients = clients };
    }

    private InFlightRequests _inFlight = new(null);

    /// <summary>PSRPEMU_SCENARIO_TRACE=1: each clock move, world start, host preparation and step's real time on stderr (for profiling the suite).</summary>
    private static readonly bool s_trace = Environment.GetEnvironmentVariable("PSRPEMU_SCENARIO_TRACE") == "1";

    /// <summary>Runs a scenario from start to end in a fresh world.</summary>
    public static async Task<ScenarioResult> RunAsync(Scenario scenario, IScenarioReporter? reporter = null, ScenarioRunOptions? options = null)
    {
        options ??= new ScenarioRunOptions();
        var watch = Stopwatch.StartNew();
        reporter?.ScenarioStarting(scenario);
        var results = new List<StepResult>();
        string? failure = null;
        try
        {
            await WarmUpAsync().ConfigureAwait(false);
            var t0 = watch.ElapsedMilliseconds;
            await using var runner = await StartAsync(scenario).ConfigureAwait(false);
            if (s_trace) Console.Error.WriteLine($"TRACE start {scenario.Name}: warm {t0} ms, world {watch.ElapsedMilliseconds - t0} ms");
            results.AddRange(await Task.Run(() => runner.RunSteps(reporter, options.SetupOnly)).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = $"{scenario.Path}: the world could not run: {e.Message}";
        }

        var checks = failure is null && results.All(r => r.Passed) && !options.SetupOnly ? DocCheck.Run(scenario, results, options.DocDirectories) : [];
        foreach (var check in checks) reporter?.DocChecked(scenario, check);
        return new ScenarioResult(scenario, results, checks, failure, watch.Elapsed);
    }

    private static readonly SemaphoreSlim s_warmUpLock = new(1, 1);
    private static bool s_warmedUp;

    /// <summary>
    /// Once per process: a throwaway world runs a remote command, so that the first requests of a real scenario are
    /// not slowed by compilation (a slow first request would look like a wait and let virtual time move).
    /// </summary>
    public static async Task WarmUpAsync()
    {
        await s_warmUpLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s_warmedUp) return;
            s_warmedUp = true;
            var warm = ScenarioParser.Parse("name: warm-up\nsteps:\n  - run: $s = New-PSSession -ComputerName Server01 -Name W; Invoke-Command $s { 'x' }; $s | Disconnect-PSSession; Get-PSSession -ComputerName Server01 | Receive-PSSession; Remove-PSSession $s\n  - winrs: more\n    stdin: x\n  - winrs: echo %COMPUTERNAME%\n    shell: W\n  - winrs: { close: W }\n    shell: W\n", "warm-up");
            await using var runner = await StartAsync(warm).ConfigureAwait(false);
            await Task.Run(() => runner.RunSteps()).ConfigureAwait(false);
        }
        finally
        {
            s_warmUpLock.Release();
        }
    }

    /// <summary>Runs the steps in order on this thread; stops at the first failure.</summary>
    public List<StepResult> RunSteps(IScenarioReporter? reporter = null, bool setupOnly = false)
    {
        var results = new List<StepResult>();
        for (var i = 0; i < _scenario.Steps.Count; i++)
        {
            var step = _scenario.Steps[i];
            if (setupOnly && !step.Setup) continue;
            reporter?.StepStarting(_scenario, i, step);
            StepResult result;
            try
            {
                result = Execute(step);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = new StepResult(step, false, $"{step.Position}: {e.GetType().Name}: {e.Message}", string.Empty, [], [], TimeSpan.Zero, TimeSpan.Zero);
            }

            results.Add(result);
            if (s_trace) Console.Error.WriteLine($"TRACE step {i + 1}: {result.RealElapsed.TotalMilliseconds:F0} ms; JIT {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms");
            reporter?.StepFinished(_scenario, i, result);
            if (!result.Passed) break;
        }

        return results;
    }

    private StepResult Execute(Step step)
    {
        var watch = Stopwatch.StartNew();
        switch (step)
        {
            case AdvanceStep advance:
                var before = Time.GetUtcNow();
                AdvanceBy(advance.By);
                return new StepResult(step, true, null, string.Empty, [], [], Time.GetUtcNow() - before, watch.Elapsed);
            case RestartStep restart:
                if (_hosts.Remove(restart.Host, out var old)) old.Abandon();
                ForgetWinRs(restart.Host);
                _hosts[restart.Host] = NewHost(restart.Host);
                return new StepResult(step, true, null, string.Empty, [], [], TimeSpan.Zero, watch.Elapsed);
            case InjectStep inject:
                foreach (var rule in inject.Faults) _app.Services.InjectFault(rule);
                return new StepResult(step, true, null, string.Empty, [], [], TimeSpan.Zero, watch.Elapsed);
            case RunStep run:
                return Run(run, watch);
            case WinRsStep winrs:
                return RunWinRs(winrs, watch);
            case ReplayStep replay:
                return RunReplay(replay, watch);
            default:
                throw new InvalidOperationException($"unknown step {step}");
        }
    }

    private HostSlot Host(string name)
    {
        if (!_hosts.TryGetValue(name, out var slot)) _hosts[name] = slot = NewHost(name);
        return slot;
    }

    private HostSlot NewHost(string name)
    {
        var world = _scenario.World;
        var user = world.UserOrDefault;
        var host = new ClientHost(new ClientHostOptions
        {
            Name = name,
            ThreadOptions = PSThreadOptions.UseCurrentThread,
            Remoting = new RemotingContextOptions
            {
                UserName = user,
                Password = world.Users[user],
                Hosts = world.Computers.ToDictionary(c => c, _ => _address, StringComparer.OrdinalIgnoreCase),
                TimeProvider = Time,
                ScriptFiles = world.Scripts,
                TransportFactory = options => new Client.Transport.WsManTransport(options) { Activity = _clients.Track, RetryTimeProvider = RetryClock },
            },
            CredentialPrompt = (userName, _) => world.Users.TryGetValue(userName, out var password)
                ? new System.Management.Automation.PSCredential(userName, Secure(password))
                : null,
        });
        var slot = new HostSlot(name, host);
        var hostWatch = Stopwatch.StartNew();
        // New-PSSessionOption of PowerShell on Linux has only -SkipCACheck/-SkipCNCheck: set the property instead.
        var setup = Invoke(slot, "$PSStyle.OutputRendering = 'PlainText'; $PSStyle.Formatting.TableHeader = ''; $PSStyle.Formatting.FormatAccent = ''; " +
            $"$PSSessionOption = [System.Management.Automation.Remoting.PSSessionOption]::new(); $PSSessionOption.OperationTimeout = [timespan]::FromMilliseconds({(int)world.OperationTimeout.TotalMilliseconds})", null, out _);
        if (setup.Errors.Count > 0) throw new InvalidOperationException($"host {name} could not be prepared: {setup.Errors[0]}");
        host.Host.TakeText();
        if (s_trace) Console.Error.WriteLine($"TRACE host {name}: {hostWatch.ElapsedMilliseconds} ms");
        return slot;
    }

    /// <summary>
    /// What a screen shows: the text without VT escape sequences (the hosted engine's table headers keep a reset
    /// sequence even with $PSStyle.OutputRendering = PlainText).
    /// </summary>
    public static string ScreenText(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty);

    private static string BareUser(string name) => name.Contains('\\', StringComparison.Ordinal) ? name[(name.LastIndexOf('\\') + 1)..] : name;

    private static System.Security.SecureString Secure(string text)
    {
        var s = new System.Security.SecureString();
        foreach (var c in text) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    private StepResult Run(RunStep step, Stopwatch watch)
    {
        var slot = Host(step.Host);
        if (slot.Down) return new StepResult(step, false, $"{step.Position}: host '{step.Host}' lost its network in an earlier step; restart it first", string.Empty, [], [], TimeSpan.Zero, watch.Elapsed);
        var journalBefore = LastSequence();
        var start = Time.GetUtcNow();
        if (step.Inject.Count > 0 && step.InjectAfter is null) Inject(step.Inject);
        if (step.Type.Count > 0) slot.Host.Host.Type([.. step.Type]);
        var capture = Invoke(slot, step.Script, step.InterruptAfter, out var interrupted, step.InjectAfter is null ? null : (step.InjectAfter.Value, step.Inject));
        var elapsed = Time.GetUtcNow() - start;
        var entries = Journal.Snapshot().Where(e => e.Sequence > journalBefore).ToList();
        // Script properties of output objects (a job's State) need a runspace: the host's, idle now.
        var previous = Runspace.DefaultRunspace;
        string? failure;
        try
        {
            if (!slot.Down) Runspace.DefaultRunspace = slot.Host.Runspace;
            failure = Check(step, capture, entries, elapsed);
        }
        finally
        {
            Runspace.DefaultRunspace = previous;
        }

        return new StepResult(step, failure is null, failure is null ? null : $"{step.Position}: {failure}", capture.Text, capture.Output, capture.Errors, elapsed, watch.Elapsed)
        {
            Interrupted = interrupted,
            Requests = entries,
        };
    }

    private long LastSequence() => Journal.LastSequence;

    /// <summary>
    /// Runs a command line on the host's pipeline thread, the way a console does (output and errors through
    /// Out-Default as they come), while this thread moves the virtual clock whenever the command waits.
    /// </summary>
    private void Inject(IEnumerable<Server.Endpoint.FaultRule> faults)
    {
        foreach (var rule in faults) _app.Services.InjectFault(rule);
    }

    private Capture Invoke(HostSlot slot, string script, TimeSpan? interruptAfter, out bool interrupted,
        (TimeSpan After, IReadOnlyList<Server.Endpoint.FaultRule> Faults)? inject = null)
    {
        interrupted = false;
        var capture = new Capture();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Execute(slot.Host, script, capture);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"scenario host {slot.Name}",
        };
        thread.Start();
        var task = done.Task;
        var start = Time.GetUtcNow();
        var real = Stopwatch.StartNew();
        var limit = start + _scenario.World.MaxStepTime;
        // True after a move that woke only retransmissions, once each was refused and its client waits again (see
        // Retransmitted): the process is as quiet as before that move, so the next one needs no quiet looks.
        var settled = false;
        while (!task.IsCompleted)
        {
            if (settled)
            {
                settled = false;
                if ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0) continue;
            }
            else if (!Waiting(task, thread))
            {
                continue;
            }

            var now = Time.GetUtcNow();
            if (inject is { } pending && now - start >= pending.After)
            {
                Inject(pending.Faults);
                inject = null;
                continue;
            }

            if (interruptAfter is { } after && now - start >= after)
            {
                interrupted = true;
                capture.Text = ScreenText(slot.Host.Host.TakeText());
                LoseNetwork(slot, task);
                return capture;
            }

            if (now >= limit) throw new TimeoutException($"the command was still waiting after {AdvanceStep.Format(_scenario.World.MaxStepTime)} of virtual time");
            if (real.Elapsed > RealStepLimit) throw new TimeoutException($"the command did not finish within {RealStepLimit.TotalSeconds} s of real time");
            if (Clock is null)
            {
                task.Wait(20);
                continue;
            }

            var stop = interruptAfter is { } ia ? start + ia : limit;
            if (inject is { } due && start + due.After < stop) stop = start + due.After;
            if (s_trace) Console.Error.WriteLine($"{DateTime.Now:ss.fff} jump at {real.ElapsedMilliseconds} ms, now {Time.GetUtcNow():HH:mm:ss}, in flight {_inFlight.Count}/{_clients.OnTheWire}, journal {LastSequence()}, next {Clock.NextDue}");
            var retransmissions = RetransmissionsDue(stop);
            var before = _clients.Counts;
            var journaled = Journal.LastSequence;
            if (!Clock.AdvanceToNextTimer(stop)) task.Wait(20);
            else if (retransmissions > 0) settled = Retransmitted(before, journaled, retransmissions, task);
        }

        task.GetAwaiter().GetResult();
        capture.Text = ScreenText(slot.Host.Host.TakeText());
        return capture;
    }

    /// <summary>
    /// Whether the command waits for the clock: its thread is blocked, the process quiet, nothing on the wire, and
    /// the wait lasted (see the comments). False when the command moved meanwhile: look again.
    /// </summary>
    private bool Waiting(Task task, Thread thread)
    {
        // The command waits on the emulator (or a job, or a timer) when its thread is blocked and nothing else runs.
        // A client that said it waits to retransmit, with nothing on the wire, needs only one quiet look.
        var looks = _clients.RetryWaits > 0 && _clients.OnTheWire == 0 && _inFlight.Count == 0 ? 1 : 3;
        var quiet = Quiesce(task, looks) && looks == 3;
        var counts = _clients.Counts;
        if (task.IsCompleted) return false;
        if ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0)
        {
            Thread.Sleep(0);
            return false;
        }

        // A request the clients sent that the emulator has not taken in (or a response it sent that the client has
        // not read yet) is on the wire: time waits for it.
        var onTheWire = _clients.OnTheWire > _inFlight.Count;
        if (!AllRequestsArrived(task, thread)) return false;

        // Waiting on the emulator means a request is held there, and a client waiting to retransmit waits on the
        // clock: time moves at once, after the three quiet looks just made (unless a request was made or on the wire
        // meanwhile: then the process is looked at again). Any other wait must last a little before time moves.
        // (A client that started a retransmission wait has nothing else to do: one quiet look suffices.)
        var retrying = _clients.RetryWaits > 0 && _inFlight.Count == 0;
        var held = quiet && !onTheWire && _inFlight.Count > 0 && _clients.Counts == counts;
        if (!retrying && !held)
        {
            Quiesce(task);
            if (task.IsCompleted || (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0) return false;
        }

        if (_inFlight.Count == 0 && _clients.RetryWaits == 0)
        {
            var idle = Stopwatch.StartNew();
            while (idle.ElapsedMilliseconds < 25 && !task.IsCompleted && _inFlight.Count == 0 && _clients.RetryWaits == 0) Quiesce(task);
            if (task.IsCompleted || (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0) return false;
        }

        return true;
    }

    /// <summary>Marks the timers of the clients' retransmission waits (see <see cref="RetransmissionsDue"/>).</summary>
    private static readonly object s_retransmission = new();

    private TimeProvider? RetryClock => Clock?.Tagged(s_retransmission);

    /// <summary>
    /// How many retransmission timers the next move of the clock (not past <paramref name="stop"/>) fires when it fires
    /// nothing else, with nothing on the wire or in the emulator and every retransmission wait's timer made; else 0.
    /// </summary>
    private int RetransmissionsDue(DateTimeOffset stop)
    {
        if (Clock is null || _clients.OnTheWire != 0 || _inFlight.Count != 0) return 0;
        var waits = _clients.RetryWaits;
        if (waits == 0 || Clock.CountTagged(s_retransmission) != waits) return 0;
        return Clock.NextDueTimers(s_retransmission) is { } next && next.Due <= stop && next.Tagged == next.Count ? next.Count : 0;
    }

    /// <summary>
    /// After a move of the clock that fired only <paramref name="count"/> retransmission timers: waits (real time,
    /// event-driven) until each retransmission went out, was refused unread (an outage: nothing processed, nothing
    /// left running in the emulator) and its client waits to retransmit again (its timer made), and the emulator holds
    /// nothing: exactly that, and nothing else, happened since <paramref name="before"/> (and journal entry
    /// <paramref name="journaled"/>). Then the process is as quiet as it was before the move, without a look. False
    /// (look the usual way) when anything else happened (a retransmission answered or processed, a request made), or
    /// after <see cref="RetransmissionWait"/>.
    /// </summary>
    private bool Retransmitted(ActivityCounts before, long journaled, int count, Task task)
    {
        var expected = before.After(count);
        var wait = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (true)
        {
            while (_clients.Changed.Wait(0))
            {
            }

            if (task.IsCompleted) return false;
            var counts = _clients.Counts;
            if (!counts.AtMost(expected)) return false;
            var left = RetransmissionWait - wait.Elapsed;
            if (left <= TimeSpan.Zero) return false;
            if (counts != expected || _clients.OnTheWire != 0 || _inFlight.Count != 0)
            {
                _clients.Changed.Wait(left);
                continue;
            }

            // Every client said it waits again; its timer is made right after (nothing signals that).
            if (Clock!.CountTagged(s_retransmission) == _clients.RetryWaits)
            {
                // A refusal is journaled before the connection drops. A request dropped after processing (or its
                // response) may have started work that outlives it: that move is looked at the usual way.
                var refused = Journal.After(journaled);
                return refused.Count == count && refused.All(e => e.Injected is nameof(Server.Endpoint.InjectedFaultKind.Outage) or nameof(Server.Endpoint.InjectedFaultKind.DropBeforeProcessing));
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private static readonly TimeSpan RetransmissionWait = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Waits (real time) while the clients have more requests open than the emulator is working on or holding, that is
    /// while one is on its way in or its response on its way out. Bounded by <see cref="WireWait"/>: a request lost
    /// outside the emulator must not stop the clock for good. False when the command moved meanwhile.
    /// </summary>
    private bool AllRequestsArrived(Task task, Thread thread)
    {
        if (_clients.OnTheWire <= _inFlight.Count) return true;
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < WireWait && !task.IsCompleted && _clients.OnTheWire > _inFlight.Count) Quiesce(task);
        return !task.IsCompleted && (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0;
    }

    private static readonly TimeSpan WireWait = TimeSpan.FromSeconds(1);

    /// <summary>What the world's clients are doing (reported by their transports).</summary>
    private ClientActivity _clients = new();

    /// <summary>The simulated network outage: every open session of the host is disconnected (explicitly) and the host is gone.</summary>
    private void LoseNetwork(HostSlot slot, Task running)
    {
        slot.Down = true;
        var client = slot.Host.Context.Client;
        foreach (var session in client.Sessions.Where(s => s.State == Client.Remoting.RunspaceState.Opened).ToList())
        {
            var disconnect = client.DisconnectAsync(session);
            while (!disconnect.IsCompleted)
            {
                Quiesce(disconnect);
                if (!disconnect.IsCompleted && Clock?.AdvanceToNextTimer() != true) disconnect.Wait(20);
            }

            _ = disconnect.Exception;
        }

        // The dead host's command may still finish (with an error); nobody reads it.
        _ = running.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }

    private static void Execute(ClientHost host, string script, Capture capture)
    {
        using var ps = SmaPowerShell.Create();
        ps.Runspace = host.Runspace;
        ps.AddScript(script);
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand(new CmdletInfo("Out-ScenarioCapture", typeof(OutScenarioCaptureCommand))).AddParameter(nameof(OutScenarioCaptureCommand.Sink), capture);
        ps.AddCommand("Out-Default");
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            capture.Errors.Add(e.ErrorRecord);
            using var format = SmaPowerShell.Create();
            format.Runspace = host.Runspace;
            format.AddCommand("Out-Default");
            format.Invoke(new[] { new PSObject(e.ErrorRecord) });
        }

        capture.Errors.AddRange(ps.Streams.Error);
    }

    /// <summary>
    /// Waits (real time, briefly) until the process is quiet: over <paramref name="looks"/> looks of about a
    /// millisecond in a row, no thread-pool work queued or completed, almost no CPU time used (a work item still
    /// executing shows only there) and no other thread runnable, or <paramref name="task"/> done. Then moving the
    /// clock cannot overtake work in flight.
    /// </summary>
    /// <returns>True when the looks found the process quiet; false when the task completed or the process stayed busy (2 s).</returns>
    private static bool Quiesce(Task? task, int looks = 3)
    {
        var real = Stopwatch.StartNew();
        var quiet = 0;
        var last = ThreadPool.CompletedWorkItemCount;
        while (quiet < looks && real.ElapsedMilliseconds < 2000)
        {
            if (task is { IsCompleted: true }) return false;
            var cpu = ProcessCpu(out var tiered);
            Thread.Sleep(1);
            var now = ThreadPool.CompletedWorkItemCount;
            var idle = ProcessCpu(out _, tiered) - cpu < IdleCpu;
            // The thread scan comes before the CPU test: it also finds the tiered compiler's thread, left out of the CPU time.
            quiet = ThreadPool.PendingWorkItemCount == 0 && now == last && !OtherThreadRunnable() && idle ? quiet + 1 : 0;
            last = now;
        }

        return quiet >= looks;
    }

    /// <summary>
    /// CPU time the process used so far, less what the runtime's tiered compiler thread used (on Linux, where a thread's
    /// CPU clock can be read): it recompiles hot methods in the background, for hundreds of milliseconds after a new
    /// code path ran, and its work never wakes anyone. <paramref name="thread"/> is the compiler thread read (pass it
    /// back to read the same thread at the end of a look: a compiler thread that started meanwhile counts as work).
    /// </summary>
    private static TimeSpan ProcessCpu(out int thread, int? sameThread = null)
    {
        var total = Environment.CpuUsage.TotalTime;
        thread = sameThread ?? s_tieredCompiler;
        if (thread == 0 || !OperatingSystem.IsLinux()) return total;
        // The CPU-time clock of another thread of this process (Linux's encoding of a thread id as a clock id).
        return ThreadCpuClock.Read(thread) is { } compiler && compiler < total ? total - compiler : total;
    }

    /// <summary>The thread id of the runtime's tiered compiler (found by <see cref="OtherThreadRunnable"/>); 0 when none was seen.</summary>
    private static volatile int s_tieredCompiler;

    /// <summary>
    /// On Linux, whether the kernel has another thread of this process running or ready to run: a thread woken (a
    /// response arrived, a wait handle set) that the scheduler has not run yet uses no CPU and completes no work item,
    /// so on a busy machine only this tells that the process is not really waiting.
    /// </summary>
    private static bool OtherThreadRunnable()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Called a few times per millisecond of every clock move: the calling thread's id, the read buffer and an
            // open handle on each thread's stat file are kept (a read at offset 0 makes the file anew), so a thread
            // costs one system call per look (no open, no close, no stream, reader or string).
            var self = s_threadSelf ??= "/" + Path.GetFileName(new FileInfo("/proc/thread-self").LinkTarget);
            var buffer = s_statBuffer ??= new byte[1024];
            var handles = s_statHandles ??= [];
            var look = ++s_look;
            var runnable = false;
            var compiler = 0;
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (task.EndsWith(self, StringComparison.Ordinal)) continue;
                if (!int.TryParse(Path.GetFileName(task.AsSpan()), out var id)) continue;
                if (ReadStat(handles, id, task, look, buffer) is not { } read) continue; // the thread ended meanwhile

                // "tid (name) S ...": the state follows the last ')'. The runtime's tiered compiler recompiles hot
                // methods in the background: its work never wakes anyone.
                var stat = buffer.AsSpan(0, read);
                var close = stat.LastIndexOf((byte)')');
                if (close <= 0 || close + 2 >= stat.Length) continue;
                if (stat[..close].IndexOf("(.NET Tiered"u8) >= 0)
                {
                    // Every thread is looked at, to know the compiler's id (see ProcessCpu).
                    if (compiler == 0) compiler = id;
                    continue;
                }

                if (stat[close + 2] == (byte)'R') runnable = true;
            }

            // Handles of threads that ended are closed.
            foreach (var (id, entry) in handles)
            {
                if (entry.Look == look) continue;
                entry.Handle.Dispose();
                handles.Remove(id);
            }

            s_tieredCompiler = compiler;
            return runnable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [ThreadStatic]
    private static string? s_threadSelf;

    [ThreadStatic]
    private static byte[]? s_statBuffer;

    [ThreadStatic]
    private static Dictionary<int, (Microsoft.Win32.SafeHandles.SafeFileHandle Handle, long Look)>? s_statHandles;

    [ThreadStatic]
    private static long s_look;

    /// <summary>
    /// Reads thread <paramref name="id"/>'s stat file into <paramref name="buffer"/> through its kept handle (opened
    /// on first use, and again when the id was given to a new thread); null when the thread is gone.
    /// </summary>
    private static int? ReadStat(Dictionary<int, (Microsoft.Win32.SafeHandles.SafeFileHandle Handle, long Look)> handles, int id, string task, long look, byte[] buffer)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!handles.TryGetValue(id, out var entry))
            {
                try
                {
                    entry = (File.OpenHandle(task + "/stat"), look);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }
            }

            try
            {
                var read = RandomAccess.Read(entry.Handle, buffer, 0);
                handles[id] = (entry.Handle, look);
                return read;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread this handle was opened on ended: its id may belong to a new thread now.
                entry.Handle.Dispose();
                handles.Remove(id);
            }
        }

        return null;
    }

    /// <summary>CPU time a quiet process may use in one look (timers, the runtime's own housekeeping).</summary>
    private static readonly TimeSpan IdleCpu = TimeSpan.FromMicroseconds(200);

    /// <summary>Moves the clock by <paramref name="delta"/> one due timer at a time, letting the work each one starts finish first.</summary>
    public void AdvanceBy(TimeSpan delta)
    {
        if (Clock is null) return; // a world served on real time: time passes by itself
        var target = Clock.GetUtcNow() + delta;
        Settle();
        while (Clock.NextDue is { } next && next <= target)
        {
            var before = Activity();
            Clock.AdvanceToNextTimer(target);
            // Most moves of a long advance fire only timers whose callbacks ran here and started nothing (a heartbeat
            // with no shell to time out): the process is as quiet as the last look found it, and needs no new looks.
            if (!WokeNothing(before)) Settle();
        }

        Clock.Advance(target - Clock.GetUtcNow() is { } rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        Settle();
    }

    /// <summary>What a move of the clock may change when its timers start work anywhere but on the moving thread.</summary>
    private readonly record struct ProcessActivity(long WorkItemsCompleted, ActivityCounts Clients, int OnTheWire, int InFlight, long Journaled);

    private ProcessActivity Activity() => new(ThreadPool.CompletedWorkItemCount, _clients.Counts, _clients.OnTheWire, _inFlight.Count, Journal.LastSequence);

    /// <summary>
    /// Whether the timers just fired did all their work inline, on this thread: no thread-pool work queued or run, no
    /// request made or taken in, no other thread woken (a woken thread is runnable until it has run, and what it
    /// started is work queued, a request, or a thread runnable in turn). Only where the kernel says which threads are
    /// runnable (Linux); elsewhere every move is looked at.
    /// </summary>
    private bool WokeNothing(ProcessActivity before) =>
        OperatingSystem.IsLinux() && ThreadPool.PendingWorkItemCount == 0 && Activity() == before && !OtherThreadRunnable();

    /// <summary>Quiet process and nothing on the wire (bounded by <see cref="WireWait"/>): what a timer started has been taken in.</summary>
    private void Settle()
    {
        Quiesce(null);
        var wait = Stopwatch.StartNew();
        while (_clients.OnTheWire > _inFlight.Count && wait.Elapsed < WireWait) Quiesce(null);
    }

    private string? Check(RunStep step, Capture capture, List<JournalEntry> entries, TimeSpan elapsed)
    {
        var expect = step.Expect;
        var problems = new List<string>();
        if (expect.Errors is { } errors)
        {
            var actual = capture.Errors.Select(e => e.FullyQualifiedErrorId).ToList();
            if (!actual.SequenceEqual(errors))
            {
                problems.Add($"errors: expected [{string.Join(", ", errors)}], got [{string.Join(", ", actual)}]" +
                    (capture.Errors.Count > 0 ? $" (first: {capture.Errors[0].Exception?.Message})" : string.Empty));
            }
        }
        else if (capture.Errors.Count > 0 && step.DocOutput is null && step.Divergences.Count == 0)
        {
            problems.Add($"unexpected error {capture.Errors[0].FullyQualifiedErrorId}: {capture.Errors[0].Exception?.Message}");
        }

        if (expect.Output is { } output)
        {
            var actual = capture.Output.Select(o => o?.ToString() ?? "$null").ToList();
            if (output.Count != capture.Output.Count)
            {
                problems.Add($"output: expected {output.Count} object(s) [{string.Join(" | ", output)}], got {capture.Output.Count} [{string.Join(" | ", actual)}]");
            }
            else
            {
                for (var i = 0; i < output.Count; i++)
                {
                    var o = capture.Output[i];
                    if (output[i].Text is { } text && actual[i] != text) problems.Add($"output[{i}]: expected '{text}', got '{actual[i]}'");
                    foreach (var (name, value) in output[i].Properties ?? new Dictionary<string, string>())
                    {
                        var got = o.Properties[name]?.Value?.ToString() ?? "$null";
                        if (got != value) problems.Add($"output[{i}].{name}: expected '{value}', got '{got}'");
                    }
                }
            }
        }

        if (expect.Text is { } expectedText)
        {
            var e = Normaliser.Apply(expectedText, _scenario.Normalisations, NormalisationTarget.Run);
            var a = Normaliser.Apply(capture.Text, _scenario.Normalisations, NormalisationTarget.Run);
            if (e != a) problems.Add("printed text differs:\n" + Normaliser.Diff(e, a));
        }

        foreach (var piece in expect.Contains)
        {
            if (!capture.Text.Contains(piece, StringComparison.Ordinal)) problems.Add($"printed text lacks '{piece}':\n{capture.Text}");
        }

        foreach (var fact in expect.Journal)
        {
            var n = entries.Count(e => string.Equals(ShortAction(e.Action), fact.Action, StringComparison.OrdinalIgnoreCase) &&
                (fact.Computer is null || string.Equals(e.Computer, fact.Computer, StringComparison.OrdinalIgnoreCase)) && fact.FaultMatches(e.Fault));
            var ok = fact.Count is { } c ? n == c : n >= (fact.Min ?? 1);
            if (!ok) problems.Add($"journal: expected {fact}, saw {n}; this step's requests: {string.Join(", ", entries.Select(e => $"{ShortAction(e.Action)}@{e.Computer}{(e.Fault is null ? "" : "!" + e.Fault)}"))}");
        }

        if (expect.MaxElapsed is { } max && elapsed > max) problems.Add($"took {elapsed} of virtual time, at most {max} expected");
        return problems.Count == 0 ? null : string.Join("\n", problems);
    }

    private static string ShortAction(string action) => action.LastIndexOf('/') is var i and >= 0 ? action[(i + 1)..] : action;

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _hosts.Values) slot.Abandon();
        _hosts.Clear();
        DisposeWinRs();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class HostSlot(string name, ClientHost host)
    {
        public string Name { get; } = name;

        public ClientHost Host { get; } = host;

        public bool Down { get; set; }

        /// <summary>The "process" ends: nothing is closed on the server (a restart does not say goodbye).</summary>
        public void Abandon()
        {
            var dispose = Task.Run(async () => await Host.DisposeAsync().ConfigureAwait(false));
            // A host that lost its network may still have a command blocked: do not wait for it.
            if (!Down) dispose.Wait(TimeSpan.FromSeconds(2));
        }
    }
}

/// <summary>Another thread's CPU time, read from its CPU-time clock (Linux: clock_gettime with the thread's clock id).</summary>
internal static class ThreadCpuClock
{
    /// <summary>Null when the thread is gone (or the clock cannot be read).</summary>
    public static TimeSpan? Read(int threadId)
    {
        // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED): ~tid << 3 | CPUCLOCK_PERTHREAD_MASK (4) | CPUCLOCK_SCHED (2).
        var clock = (~threadId << 3) | 6;
        try
        {
            return ClockGetTime(clock, out var time) == 0 ? TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);
}

/// <summary>Requests the emulator is working on or holding right now.</summary>
internal sealed class InFlightRequests(SemaphoreSlim? changed)
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Enter() => Interlocked.Increment(ref _count);

    public void Leave()
    {
        Interlocked.Decrement(ref _count);
        changed?.Release();
    }
}

/// <summary>How many of each activity the clients reported so far.</summary>
internal readonly record struct ActivityCounts(long RequestsStarted, long RequestsEnded, long RetryWaitsStarted, long RetryWaitsEnded)
{
    /// <summary>The counts after <paramref name="n"/> retransmissions, each refused: a wait ended, a request made and failed, a wait started.</summary>
    public ActivityCounts After(int n) => new(RequestsStarted + n, RequestsEnded + n, RetryWaitsStarted + n, RetryWaitsEnded + n);

    public bool AtMost(ActivityCounts other) =>
        RequestsStarted <= other.RequestsStarted && RequestsEnded <= other.RequestsEnded && RetryWaitsStarted <= other.RetryWaitsStarted && RetryWaitsEnded <= other.RetryWaitsEnded;
}

/// <summary>Requests the world's clients have sent and not yet read the answer of, and retransmission waits under way.</summary>
internal sealed class ClientActivity
{
    private int _onTheWire;
    private int _retryWaits;
    private long _requestsStarted;
    private long _requestsEnded;
    private long _retryWaitsStarted;
    private long _retryWaitsEnded;

    /// <summary>Released at every activity (and by <see cref="InFlightRequests"/> when a request leaves the emulator).</summary>
    public SemaphoreSlim Changed { get; } = new(0);

    public ActivityCounts Counts => new(Interlocked.Read(ref _requestsStarted), Interlocked.Read(ref _requestsEnded), Interlocked.Read(ref _retryWaitsStarted), Interlocked.Read(ref _retryWaitsEnded));

    public int OnTheWire => Volatile.Read(ref _onTheWire);

    public int RetryWaits => Volatile.Read(ref _retryWaits);

    // The live counts change before the totals: when the totals show an activity, OnTheWire and RetryWaits include it.
    public void Track(Client.Transport.TransportActivity activity)
    {
        switch (activity)
        {
            case Client.Transport.TransportActivity.RequestStarted:
                Interlocked.Increment(ref _onTheWire);
                Interlocked.Increment(ref _requestsStarted);
                break;
            case Client.Transport.TransportActivity.RequestEnded:
                Interlocked.Decrement(ref _onTheWire);
                Interlocked.Increment(ref _requestsEnded);
                break;
            case Client.Transport.TransportActivity.RetryWaitStarted:
                Interlocked.Increment(ref _retryWaits);
                Interlocked.Increment(ref _retryWaitsStarted);
                break;
            case Client.Transport.TransportActivity.RetryWaitEnded:
                Interlocked.Decrement(ref _retryWaits);
                Interlocked.Increment(ref _retryWaitsEnded);
                break;
        }

        Changed.Release();
    }
}

/// <summary>Counts requests in flight, in front of everything else in the emulator's pipeline.</summary>
internal sealed class InFlightFilter(InFlightRequests counter) : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            counter.Enter();
            try
            {
                await following(context).ConfigureAwait(false);
            }
            finally
            {
                counter.Leave();
            }
        });
        next(app);
    };
}

/// <summary>What one command line printed and produced.</summary>
public sealed class Capture
{
    public List<PSObject> Output { get; } = [];

    public List<ErrorRecord> Errors { get; } = [];

    public string Text { get; set; } = string.Empty;
}

/// <summary>Passes everything on to Out-Default, keeping output objects and error records for the scenario's checks.</summary>
[Cmdlet(VerbsData.Out, "ScenarioCapture")]
public sealed class OutScenarioCaptureCommand : PSCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true)]
    public Capture Sink { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        lock (Sink)
        {
            if (InputObject.BaseObject is ErrorRecord error) Sink.Errors.Add(error);
            else Sink.Output.Add(InputObject);
        }

        WriteObject(InputObject);
    }
}
