namespace PsrpEmulator.Scenarios;

/// <summary>A place in a scenario file, for messages: <c>file:line:column</c>.</summary>
public readonly record struct SourcePosition(string File, long Line, long Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One scenario file: a world (virtual computers, endpoints, users, behaviours, script files) and the steps run
/// against it. <see cref="Yaml"/> is the file's text, handed to the emulator as is (it reads <c>behaviours:</c> and
/// <c>endpoints:</c> itself).
/// </summary>
public sealed record Scenario
{
    public required string Path { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public required string Yaml { get; init; }

    public required World World { get; init; }

    public required IReadOnlyList<Step> Steps { get; init; }

    /// <summary>The documentation example this scenario reproduces, if any.</summary>
    public DocReference? Doc { get; init; }

    /// <summary>How printed text and the documentation's text are normalised before they are compared.</summary>
    public IReadOnlyList<Normalisation> Normalisations { get; init; } = [];

    /// <summary>Where the documentation cannot run as written or contradicts itself, and what the scenario does.</summary>
    public IReadOnlyList<Divergence> Divergences { get; init; } = [];
}

/// <summary>The documentation file (name, searched for beside the repository) and the example number.</summary>
public sealed record DocReference(string File, int Example);

/// <summary>A documented divergence, by id.</summary>
public sealed record Divergence(string Id, string Text);

/// <summary>
/// A normalisation: a built-in <see cref="Rule"/> (spacing, underlines, ids, guids, times, narration, sessiontable, jobtable) or a regex
/// replacement applied to the documentation's text, the printed text or both. <see cref="Why"/> is mandatory.
/// </summary>
public sealed record Normalisation(string? Rule, string? Pattern, string Replacement, NormalisationTarget Target, string Why);

public enum NormalisationTarget
{
    Both,
    Doc,
    Run,
}

/// <summary>The world: everything that exists before the first step.</summary>
public sealed record World
{
    public IReadOnlyList<string> Computers { get; init; } = ["Server01"];

    /// <summary>User name → password (the emulator's users and the hosts' credential prompts).</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["psrp"] = "psrp" };

    /// <summary>The logged-on user of every client host (default: the first user).</summary>
    public string? CurrentUser { get; init; }

    /// <summary>-FilePath paths → script text (what Invoke-Command reads and sends).</summary>
    public IReadOnlyDictionary<string, string> Scripts { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public DateTimeOffset Start { get; init; } = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The emulator's heartbeat (idle timeouts are checked at this granularity).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a restarted computer answers nothing (the emulator's RestartDuration); null: its default.</summary>
    public TimeSpan? RestartDuration { get; init; }

    /// <summary>
    /// OperationTimeout of <c>$PSSessionOption</c> in every client host: PowerShell's default, 3 minutes (PT3M on the
    /// wire, as PowerShell 7.6.9 sends it). A held Receive comes back after it, so each one costs a round trip per
    /// OperationTimeout of virtual time while a command runs.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Longest a Receive is held by the emulator: long, so Receives are answered by data.</summary>
    public TimeSpan MaxReceiveHold { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Most virtual time one run step may consume while it waits on the emulator.</summary>
    public TimeSpan MaxStepTime { get; init; } = TimeSpan.FromDays(3);

    /// <summary>The emulator's PSRP protocolversion (every computer; e.g. 2.1 = a pre-3.0 server without disconnect); null = its default.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>HTTP 302 rules of the emulator (EmulatorOptions.Redirects).</summary>
    public IReadOnlyList<Server.Endpoint.RedirectRule> Redirects { get; init; } = [];

    /// <summary>Faults injected from the start (EmulatorOptions.Faults).</summary>
    public IReadOnlyList<Server.Endpoint.FaultRule> Faults { get; init; } = [];

    /// <summary>Seed of the fault injector's generator (EmulatorOptions.FaultSeed).</summary>
    public int FaultSeed { get; init; }

    public string UserOrDefault => CurrentUser ?? Users.Keys.First();
}

/// <summary>A step of a scenario.</summary>
public abstract record Step
{
    public required SourcePosition Position { get; init; }

    public string? Note { get; init; }

    /// <summary>A setup step belongs to the world: <c>serve --world</c> runs it before serving.</summary>
    public bool Setup { get; init; }

    public abstract string Describe();
}

/// <summary>One command line typed at a client host's prompt.</summary>
public sealed record RunStep : Step
{
    public required string Host { get; init; }

    public required string Script { get; init; }

    /// <summary>The documentation's command number (1-based within the example) this text reproduces verbatim.</summary>
    public int? DocCommand { get; init; }

    /// <summary>The documentation's displayed output block (same numbering) this step's printed text must match.</summary>
    public int? DocOutput { get; init; }

    /// <summary><c>output: none</c>: the page's output block for this command is not compared (the step names the divergence why).</summary>
    public bool DocOutputWaived { get; init; }

    /// <summary>Divergence ids this step demonstrates.</summary>
    public IReadOnlyList<string> Divergences { get; init; } = [];

    /// <summary>After this much virtual time the host loses the network (simulated by an explicit disconnect of its sessions) and is gone.</summary>
    public TimeSpan? InterruptAfter { get; init; }

    /// <summary>Faults added to the emulator while the command runs, <see cref="InjectAfter"/> into it (at once when null).</summary>
    public IReadOnlyList<Server.Endpoint.FaultRule> Inject { get; init; } = [];

    public TimeSpan? InjectAfter { get; init; }

    /// <summary>Lines the host's user types while the step runs: each prompt a remote command makes (Read-Host) takes the next.</summary>
    public IReadOnlyList<string> Type { get; init; } = [];

    public Expectation Expect { get; init; } = new();

    public override string Describe()
    {
        var first = Script.Split('\n')[0].TrimEnd();
        if (Script.Contains('\n')) first += " …";
        return $"{Host}> {first}";
    }
}

/// <summary>
/// A recording's requests replayed against the world (as <c>psrp-emulator replay</c> does): the step passes when every
/// response is as recorded.
/// </summary>
public sealed record ReplayStep : Step
{
    /// <summary>The recording's full path (written relative to the scenario file).</summary>
    public required string File { get; init; }

    /// <summary>The computer it is sent to (default: the world's first).</summary>
    public string? Computer { get; init; }

    /// <summary>Also compare each PSRP message's CLIXML (times, GUIDs and process ids scrubbed).</summary>
    public bool CompareMessages { get; init; }

    public override string Describe() => $"replay {Path.GetFileName(File)}";
}

/// <summary>The named host is replaced by a fresh one (a client restart, "the next day").</summary>
public sealed record RestartStep : Step
{
    public required string Host { get; init; }

    public override string Describe() => $"restart {Host}";
}

/// <summary>Faults added to the emulator now (as the admin API's POST /faults does).</summary>
public sealed record InjectStep : Step
{
    public required IReadOnlyList<Server.Endpoint.FaultRule> Faults { get; init; }

    public override string Describe() => "inject " + string.Join(", ", Faults.Select(f => $"{f.Kind}{(f.Computer is null ? "" : " on " + f.Computer)}{(f.Action is null ? "" : " at " + f.Action)}"));
}

/// <summary>Virtual time moves on.</summary>
public sealed record AdvanceStep : Step
{
    public required TimeSpan By { get; init; }

    public override string Describe() => $"advance {Format(By)}";

    internal static string Format(TimeSpan t) => t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays) ? $"{t.TotalDays}d"
        : t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours}h"
        : t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) ? $"{t.TotalMinutes}m"
        : $"{t.TotalSeconds}s";
}

/// <summary>What a run step must produce. Null members are not checked.</summary>
public sealed record Expectation
{
    /// <summary>Output objects, in order: a string is compared with the object's text, a mapping with its properties.</summary>
    public IReadOnlyList<ExpectedObject>? Output { get; init; }

    /// <summary>FullyQualifiedErrorIds of the error records, in order (empty: no errors).</summary>
    public IReadOnlyList<string>? Errors { get; init; }

    /// <summary>The host's printed text, exactly, after the scenario's normalisations.</summary>
    public string? Text { get; init; }

    /// <summary>Pieces the printed text must contain.</summary>
    public IReadOnlyList<string> Contains { get; init; } = [];

    /// <summary>Facts about the requests the emulator received during this step.</summary>
    public IReadOnlyList<JournalFact> Journal { get; init; } = [];

    /// <summary>Virtual time this step may at most consume (e.g. 0 for "returns at once").</summary>
    public TimeSpan? MaxElapsed { get; init; }
}

/// <summary>An expected output object: its text, or property values (by text).</summary>
public sealed record ExpectedObject(string? Text, IReadOnlyDictionary<string, string>? Properties)
{
    public override string ToString() => Text ?? "{" + string.Join(", ", Properties!.Select(p => $"{p.Key}: {p.Value}")) + "}";
}

/// <summary>
/// Requests with this WS-Man action (short name: Create, Connect, Reconnect, Disconnect, Receive, ...) to this
/// computer during the step: exactly <see cref="Count"/>, or at least <see cref="Min"/> (default 1). With
/// <see cref="Fault"/> only requests answered by that WS-Man fault count: its reason name (ShellNotFound), subcode
/// (InvalidSelectors or w:InvalidSelectors) or WinRM code (2150858843).
/// </summary>
public sealed record JournalFact(string Action, string? Computer, int? Count, int? Min, string? Fault = null)
{
    public override string ToString() => $"{Action}{(Computer is null ? "" : " to " + Computer)}{(Fault is null ? "" : " fault " + Fault)} {(Count is { } c ? $"×{c}" : $"≥{Min ?? 1}")}";

    /// <summary>Whether a journaled fault is the one this fact names (any fault is not: null never matches).</summary>
    public bool FaultMatches(Protocol.WsMan.WsManFaultReason? reason)
    {
        if (Fault is null) return true;
        if (reason is not { } r) return false;
        var d = Protocol.WsMan.WsManFaults.Describe(r);
        return string.Equals(Fault, r.ToString(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(Fault, d.Subcode, StringComparison.OrdinalIgnoreCase)
            || string.Equals("w:" + Fault, d.Subcode, StringComparison.OrdinalIgnoreCase)
            || Fault == d.WsManCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
