using System.Text.Json.Serialization;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>What an injected network or server fault does to a request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InjectedFaultKind>))]
public enum InjectedFaultKind
{
    /// <summary>The connection is dropped before the request is processed (nothing happened on the server).</summary>
    DropBeforeProcessing,
    /// <summary>The request is processed, then the connection is dropped: the response is lost.</summary>
    DropAfterProcessing,
    /// <summary>The response is held for <see cref="FaultRule.Delay"/> (on the emulator's clock), then sent.</summary>
    Delay,
    /// <summary>HTTP <see cref="FaultRule.Status"/> (500 or 503 ...) with no SOAP body, without processing.</summary>
    HttpError,
    /// <summary>The request is processed; half the response body is sent, then the connection is reset.</summary>
    ResetMidBody,
    /// <summary>Every request to the computer is refused (connection dropped) for <see cref="FaultRule.Duration"/>.</summary>
    Outage,
    /// <summary>A w:TimedOut fault without processing (as WinRM sends when nothing came within OperationTimeout).</summary>
    TimedOut,
    /// <summary>
    /// A Receive response carries PSRP fragment <see cref="FaultRule.Fragment"/> twice, back to back (a whole message
    /// when that fragment is one). Only responses with that fragment count towards skip/count.
    /// </summary>
    DuplicateFragment,
    /// <summary>
    /// A Receive response carries fragments <see cref="FaultRule.Fragment"/> and the one after it swapped (two whole
    /// messages, or two parts of one object). Only responses with both fragments count towards skip/count.
    /// </summary>
    ReorderFragments,
}

/// <summary>
/// A fault to inject into matching requests. Matching: computer and action (short name such as <c>Receive</c>)
/// when given; the first <see cref="Skip"/> matches pass; then it fires <see cref="Count"/> times (unlimited when
/// null), each time with <see cref="Probability"/> drawn from the injector's seeded generator.
/// </summary>
public sealed class FaultRule
{
    public InjectedFaultKind Kind { get; set; }
    public string? Computer { get; set; }
    public string? Action { get; set; }
    public int Skip { get; set; }
    public int? Count { get; set; }
    public double Probability { get; set; } = 1.0;
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
    public int Status { get; set; } = 500;

    /// <summary>Which fragment of a Receive response (0-based) a DuplicateFragment/ReorderFragments rule changes.</summary>
    public int Fragment { get; set; }

    /// <summary>Whether the rule changes a response after processing instead of deciding before it.</summary>
    internal bool TampersResponse => Kind is InjectedFaultKind.DuplicateFragment or InjectedFaultKind.ReorderFragments;

    internal int Seen;
    internal int Fired;

    public FaultRule Clone() => new()
    {
        Kind = Kind, Computer = Computer, Action = Action, Skip = Skip, Count = Count, Probability = Probability,
        Delay = Delay, Duration = Duration, Status = Status, Fragment = Fragment,
    };

    // An outage's end is a date: far beyond this it would not be one.
    private static readonly TimeSpan MaxTime = TimeSpan.FromDays(36_500);

    /// <summary>
    /// Why the rule cannot be used, or null: one check for the options, scenarios and the admin API (an HttpError of
    /// status 99999 would put "HTTP/1.1 99999" on the wire).
    /// </summary>
    public string? Problem()
    {
        if (!Enum.IsDefined(Kind)) return $"kind {(int)Kind} is not a fault kind (known: {string.Join(", ", Enum.GetNames<InjectedFaultKind>())})";
        if (Skip < 0) return $"skip {Skip} is negative";
        if (Count < 0) return $"count {Count} is negative";
        if (!(Probability is >= 0 and <= 1)) return $"probability {Probability} is not between 0 and 1";
        if (Delay < TimeSpan.Zero || Delay > MaxTime) return $"delay {Delay} is not between 0 and 100 years";
        if (Duration < TimeSpan.Zero || Duration > MaxTime) return $"duration {Duration} is not between 0 and 100 years";
        if (Status is < 400 or > 599) return $"status {Status} is not an HTTP error status (400 to 599)";
        if (Fragment < 0) return $"fragment {Fragment} is negative";
        return null;
    }
}

/// <summary>
/// Answer an operation with HTTP 302 and a Location, as Exchange Online does. Matching: computer, endpoint
/// (configuration name) and actions (default Create); fires <see cref="Count"/> times (unlimited when null).
/// </summary>
public sealed class RedirectRule
{
    public string? Computer { get; set; }
    public string? Endpoint { get; set; }
    public List<string> Actions { get; set; } = [];
    public string Location { get; set; } = string.Empty;
    public int? Count { get; set; }

    internal int Fired;

    public RedirectRule Clone() => new() { Computer = Computer, Endpoint = Endpoint, Actions = [.. Actions], Location = Location, Count = Count };
}

/// <summary>What the injector decided for one request.</summary>
internal sealed record Injection(FaultRule? Fault, RedirectRule? Redirect);

/// <summary>
/// The fault and redirect rules in force (from options, scenario and the admin API), applied deterministically:
/// matches are counted per rule and probabilities drawn from one generator seeded by <c>FaultSeed</c>.
/// </summary>
internal sealed class Injector
{
    private readonly Lock _lock = new();
    private readonly List<FaultRule> _faults = [];
    private readonly List<RedirectRule> _redirects = [];
    private readonly Dictionary<string, DateTimeOffset> _outages = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly int _seed;
    private Random _random;

    public Injector(TimeProvider time, int seed, IEnumerable<FaultRule> faults, IEnumerable<RedirectRule> redirects)
    {
        _time = time;
        _seed = seed;
        _random = new Random(seed);
        _faults.AddRange(faults.Select(f => f.Clone()));
        _redirects.AddRange(redirects.Select(r => r.Clone()));
    }

    public IReadOnlyList<FaultRule> Faults
    {
        get
        {
            lock (_lock) return [.. _faults];
        }
    }

    public IReadOnlyList<RedirectRule> Redirects
    {
        get
        {
            lock (_lock) return [.. _redirects];
        }
    }

    public void Add(FaultRule rule)
    {
        lock (_lock) _faults.Add(rule.Clone());
    }

    public void Add(RedirectRule rule)
    {
        lock (_lock) _redirects.Add(rule.Clone());
    }

    /// <summary>Removes every rule and outage and restarts the generator from the seed.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            _redirects.Clear();
            _outages.Clear();
            _random = new Random(_seed);
        }
    }

    /// <summary>An outage of the computer from now, for <paramref name="duration"/> (a restart's).</summary>
    public void BeginOutage(string computer, TimeSpan duration)
    {
        lock (_lock) _outages[computer] = _time.GetUtcNow() + duration;
    }

    /// <summary>Whether the computer is inside an outage window now.</summary>
    public bool InOutage(string computer)
    {
        lock (_lock) return _outages.TryGetValue(computer, out var until) && _time.GetUtcNow() < until;
    }

    public Injection Decide(string computer, string action, string? configuration)
    {
        lock (_lock)
        {
            foreach (var rule in _redirects)
            {
                if (!Matches(rule.Computer, computer)) continue;
                if (rule.Endpoint is not null && !string.Equals(rule.Endpoint, configuration, StringComparison.OrdinalIgnoreCase)) continue;
                var actions = rule.Actions.Count == 0 ? ["Create"] : rule.Actions;
                if (!actions.Contains(action, StringComparer.OrdinalIgnoreCase)) continue;
                if (rule.Count is { } max && rule.Fired >= max) continue;
                rule.Fired++;
                return new Injection(null, rule);
            }

            foreach (var rule in _faults)
            {
                if (rule.TampersResponse || !Matches(rule.Computer, computer) || !Matches(rule.Action, action)) continue;
                if (++rule.Seen <= rule.Skip) continue;
                // An outage is one window: without a count it still fires once (else it would reopen at its end).
                var limit = rule.Count ?? (rule.Kind == InjectedFaultKind.Outage ? 1 : (int?)null);
                if (limit is { } max && rule.Fired >= max) continue;
                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability) continue;
                rule.Fired++;
                if (rule.Kind == InjectedFaultKind.Outage) _outages[computer] = _time.GetUtcNow() + rule.Duration;
                return new Injection(rule, null);
            }

            return new Injection(null, null);
        }
    }

    /// <summary>
    /// The response-tampering rule (DuplicateFragment, ReorderFragments) that fires on a Receive response with
    /// <paramref name="fragments"/> fragments, if any: only responses the rule can change are counted (skip, count).
    /// </summary>
    public FaultRule? DecideResponse(string computer, string action, int fragments)
    {
        lock (_lock)
        {
            foreach (var rule in _faults)
            {
                if (!rule.TampersResponse || rule.Fragment < 0 || !Matches(rule.Computer, computer) || !Matches(rule.Action ?? "Receive", action)) continue;
                var needed = rule.Fragment + (rule.Kind == InjectedFaultKind.ReorderFragments ? 2 : 1);
                if (fragments < needed) continue;
                if (++rule.Seen <= rule.Skip) continue;
                if (rule.Count is { } max && rule.Fired >= max) continue;
                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability) continue;
                rule.Fired++;
                return rule;
            }

            return null;
        }
    }

    /// <summary>The streams of a Receive response as the rule changes them (one fragment per stream element).</summary>
    public static IReadOnlyList<T> Tamper<T>(FaultRule rule, IReadOnlyList<T> fragments)
    {
        var result = fragments.ToList();
        var i = rule.Fragment;
        if (rule.Kind == InjectedFaultKind.DuplicateFragment) result.Insert(i + 1, result[i]);
        else (result[i], result[i + 1]) = (result[i + 1], result[i]);
        return result;
    }

    private static bool Matches(string? filter, string value) => filter is null || string.Equals(filter, value, StringComparison.OrdinalIgnoreCase);
}
