using System.Collections.Concurrent;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Records what a behaviour writes; serves pipeline input from a list.</summary>
internal sealed class RecordingHost(params PsValue[] input) : IPipelineHost
{
    private readonly ConcurrentQueue<IPsrpMessageBody> records = new();
    private readonly Queue<PsValue> input = new(input);

    public IReadOnlyList<IPsrpMessageBody> Records => [.. records];

    /// <summary>The runspace the behaviour sees (null: a fresh one per run, as the interface's default).</summary>
    public RunspaceState? Runspace { get; init; }

    /// <summary>The session's automatic variables ($ExecutionContext, $Host...; null: none, as the interface's default).</summary>
    public Func<string, PsValue?>? Automatic { get; init; }

    public PsValue? AutomaticVariable(string name) => Automatic?.Invoke(name);

    /// <summary>A server's automatic variables, as its sessions read them.</summary>
    public static Func<string, PsValue?> ServerAutomaticVariables()
    {
        var services = new PsrpEmulator.Server.Shells.ShellServices(new PsrpEmulator.Server.Hosting.EmulatorOptions(), BehaviourCatalog.LoadDefault(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new PsrpEmulator.Server.Diagnostics.Journal(100), PsrpEmulator.Server.Hosting.ScenarioSettings.Empty);
        return name => services.AutomaticVariable(name, 4242, consoleHost: false);
    }

    /// <summary>The session process's environment ($env:NAME).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.OrdinalIgnoreCase) { ["COMPUTERNAME"] = "TESTHOST01", ["USERNAME"] = "tester" };

    public string? EnvironmentVariable(string name) => Environment.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => [.. Environment];

    /// <summary>The computer's disk: Windows' folders, as a new virtual computer's (a fresh one per host).</summary>
    public VirtualFileSystem? FileSystem { get; init; } = new(TimeProvider.System, 16 * 1024 * 1024);

    public WindowsFeatureStates? WindowsFeatures { get; init; }

    public ServiceStates? ServiceStates { get; init; }

    public LocalAccounts? LocalAccounts { get; init; }

    public FirewallRules? FirewallRules { get; init; }

    public ScheduledTasks? ScheduledTasks { get; init; }

    public SmbShares? SmbShares { get; init; }

    public ComputerWmi? Wmi { get; init; }

    public CertificateStores? CertificateStores { get; init; }

    /// <summary>The computer's classic event logs: a new virtual computer's (a fresh one per host).</summary>
    public EventLogs? EventLogs { get; init; } = new(TimeProvider.System, EventLogs.DefaultBoot);

    public NetworkSettings? NetworkSettings { get; init; }

    public IReadOnlyList<WsManConfigEntry>? WsManConfiguration { get => WsManSettings is { } settings && _wsManConfiguration is { } entries ? settings.Apply(entries) : _wsManConfiguration; init => _wsManConfiguration = value; }

    private readonly IReadOnlyList<WsManConfigEntry>? _wsManConfiguration;

    public WsManSettings? WsManSettings { get; init; }

    /// <summary>The computer's restarts (its last boot); none by default.</summary>
    public IComputerPower? Power { get; init; }

    /// <summary>The computer's registry: the default scenario's keys, as a new virtual computer's (a fresh one per host).</summary>
    public VirtualRegistry? Registry { get; init; } = BehaviourCatalog.LoadDefault().NewRegistry("TESTHOST01");

    public PersistentEnvironment? PersistentEnvironment { get; init; }

    public IReadOnlyList<PsValue> Outputs => [.. records.OfType<PipelineOutput>().Select(o => o.Value)];

    /// <summary>Output values as PowerShell would print them.</summary>
    public IReadOnlyList<string> OutputTexts => [.. Outputs.Select(o => o.ToDisplayString())];

    public IReadOnlyList<ScriptedError> Errors => [.. records.OfType<ErrorRecordMessage>().Select(e => TestErrors.Read(e.Record))];

    public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        records.Enqueue(record);
        return ValueTask.CompletedTask;
    }

    public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(input.TryDequeue(out var v) ? v : null);

    /// <summary>The client's host UI: answers each host call (null: the client has none, as HostInfo's _isHostUINull).</summary>
    public Func<PipelineHostCall, PipelineHostResponse>? HostUI { get; init; }

    /// <summary>The host calls made, in order.</summary>
    public List<PipelineHostCall> HostCalls { get; } = [];

    public bool HasHostUI => HostUI is not null;

    public ValueTask SendHostCallAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken)
    {
        if (HasHostUI) HostCalls.Add(new PipelineHostCall(RemoteHostCalls.VoidCallId, method, parameters));
        return ValueTask.CompletedTask;
    }

    public ValueTask<PipelineHostResponse> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken)
    {
        var call = new PipelineHostCall(HostCalls.Count + 1, method, parameters);
        HostCalls.Add(call);
        return ValueTask.FromResult(HostUI!(call));
    }
}

/// <summary>
/// Stands in for ErrorRecords.Create (implemented in the Protocol assembly): the ScriptedError's fields as properties,
/// so tests read back exactly what the behaviour decided.
/// </summary>
internal static class TestErrors
{
    public static PsObject Create(ScriptedError e) => new PsObject(["Test.ScriptedError"]) { ToStringValue = e.Message }
        .With("Message", e.Message)
        .With("FullyQualifiedErrorId", e.FullyQualifiedErrorId)
        .With("Category", (int)e.Category)
        .With("ExceptionType", e.ExceptionType)
        .With("TargetName", e.TargetName);

    public static ScriptedError Read(PsObject record)
    {
        Assert.That(record.TypeNames, Is.EqualTo(new[] { "Test.ScriptedError" }));
        return new ScriptedError(
            record["Message"]!.ToDisplayString(),
            record["FullyQualifiedErrorId"]!.ToDisplayString(),
            (ErrorCategory)(int)((PsPrimitive)record["Category"]!).Value,
            record["ExceptionType"]!.ToDisplayString(),
            record["TargetName"] is PsPrimitive p ? (string)p.Value : null);
    }
}

internal static class Behaviour
{
    public static CreatePipeline Script(string text, bool noInput = true) => new([new PipelineCommand(text, IsScript: true, [])], noInput);

    public static CreatePipeline Commands(params string[] commands) => new([.. commands.Select(c => new PipelineCommand(c, IsScript: false, []))]);

    public static Task<PipelineOutcome> RunTestAsync(this IBehaviourScript script, IPipelineHost host, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        ((BehaviourScript)script).RunAsync(host, time ?? TimeProvider.System, TestErrors.Create, cancellationToken);

    /// <summary>Resolves and runs to completion a script that does not sleep.</summary>
    public static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunScriptAsync(this BehaviourCatalog catalog, string text, params PsValue[] input)
    {
        var host = new RecordingHost(input);
        var run = catalog.Resolve(Script(text, noInput: input.Length == 0)).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        Assert.That(run.IsCompleted, Is.True, "the behaviour waited (a sleep step?) where the test expected it to run straight through");
        return (host, await run);
    }

    /// <summary>Runs a script in a session's runspace (a new one by default), as a pipeline of that RunspacePool runs.</summary>
    public static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunInSessionAsync(this BehaviourCatalog catalog, string text, RunspaceState? runspace = null)
    {
        var host = new RecordingHost { Runspace = runspace ?? new RunspaceState() };
        var outcome = await catalog.Resolve(Script(text, noInput: true)).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        return (host, outcome);
    }

    /// <summary>What a script writes, its texts joined by '|', asserting it completed without an error record.</summary>
    public static async Task<string> OutputTextsInSessionAsync(this BehaviourCatalog catalog, string text, RunspaceState? runspace = null)
    {
        var (host, outcome) = await catalog.RunInSessionAsync(text, runspace);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return string.Join("|", host.OutputTexts);
    }

    /// <summary>
    /// Runs a script on a virtual clock that moves to each timer as the script waits on it (an unanswered ping's
    /// timeout, a second between echoes): the host <paramref name="makeHost"/> makes for the clock, and the virtual
    /// time the script took.
    /// </summary>
    public static async Task<(RecordingHost Host, TimeSpan Elapsed)> RunOnVirtualClockAsync(this BehaviourCatalog catalog, string script, Func<TimeProvider, RecordingHost> makeHost)
    {
        var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var clock = new PsrpEmulator.Server.Hosting.VirtualClock(start);
        var host = makeHost(clock);
        var run = Task.Run(() => catalog.Resolve(Script(script)).RunTestAsync(host, clock));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (!clock.AdvanceToNextTimer()) await Task.Yield();
        }

        await run.WaitAsync(TimeSpan.FromSeconds(1));
        return (host, clock.GetUtcNow() - start);
    }

    public static ScriptedError OutcomeError(this PipelineOutcome outcome) => TestErrors.Read(outcome.ErrorRecord ?? throw new AssertionException("the outcome carries no error record"));

    /// <summary>Waits (in real time, briefly) for continuations released by a FakeTimeProvider.Advance to catch up.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {because}");
            await Task.Delay(1);
        }
    }
}

/// <summary>A WinRS command's host: records stdout and stderr, serves stdin chunk by chunk (then its end).</summary>
internal sealed class FakeCommandLineHost : PsrpEmulator.Server.Behaviours.CommandLines.ICommandLineHost
{
    private readonly System.Text.StringBuilder _stdout = new(), _stderr = new();

    /// <summary>A host on a computer's disk, in the user's profile folder, writing ASCII.</summary>
    public static FakeCommandLineHost OnDisk(VirtualFileSystem disk) => new()
    {
        Encoding = System.Text.Encoding.ASCII,
        FileSystem = disk,
        Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp" },
    };

    public System.Text.Encoding Encoding { get; init; } = System.Text.Encoding.UTF8;

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    public VirtualFileSystem? FileSystem { get; init; }

    public ServiceStates? ServiceStates { get; init; }

    public LocalAccounts? LocalAccounts { get; init; }

    public FirewallRules? FirewallRules { get; init; }

    public ScheduledTasks? ScheduledTasks { get; init; }

    public SmbShares? SmbShares { get; init; }

    public ComputerWmi? Wmi { get; init; }

    public CertificateStores? CertificateStores { get; init; }

    public EventLogs? EventLogs { get; init; }

    public NetworkSettings? NetworkSettings { get; init; }

    public IReadOnlyList<WsManConfigEntry>? WsManConfiguration { get => WsManSettings is { } settings && _wsManConfiguration is { } entries ? settings.Apply(entries) : _wsManConfiguration; init => _wsManConfiguration = value; }

    private readonly IReadOnlyList<WsManConfigEntry>? _wsManConfiguration;

    public WsManSettings? WsManSettings { get; init; }

    public VirtualRegistry? Registry { get; init; } = BehaviourCatalog.LoadDefault().NewRegistry("TESTHOST01");

    public PersistentEnvironment? PersistentEnvironment { get; init; }

    public WindowsFeatureStates? WindowsFeatures { get; init; }

    public string Stdout => _stdout.ToString();

    public string Stderr => _stderr.ToString();

    /// <summary>What the client sends to stdin, chunk by chunk (then its end).</summary>
    public Queue<byte[]> Stdin { get; } = new();

    public ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        (stream == PsrpEmulator.Server.Behaviours.CommandLines.WinRsStreams.Stderr ? _stderr : _stdout).Append(Encoding.GetString(data.Span));
        return ValueTask.CompletedTask;
    }

    public ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Stdin.TryDequeue(out var chunk) ? new ReadOnlyMemory<byte>(chunk) : (ReadOnlyMemory<byte>?)null);
}
