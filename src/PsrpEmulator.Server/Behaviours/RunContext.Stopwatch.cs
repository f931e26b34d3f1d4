using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.Diagnostics.Stopwatch on the session's clock, as scripts time a wait
/// (<c>$sw = [Diagnostics.Stopwatch]::StartNew(); while ($sw.Elapsed.TotalSeconds -lt 60) { ...; Start-Sleep 1 }</c>):
/// StartNew, <c>New-Object</c> and <c>::new()</c>, Start, Stop, Reset, Restart; Elapsed, ElapsedMilliseconds, ElapsedTicks
/// and IsRunning read when read (virtual time passes as Start-Sleep's does); GetTimestamp, Frequency (10 MHz, as
/// Windows 10 and later's QueryPerformanceFrequency) and IsHighResolution.
/// </summary>
internal sealed partial class RunContext
{
    private static readonly string[] StopwatchTypeNames = [ScriptExpressions.StopwatchTypeName, "System.Object"];

    private const long StopwatchFrequency = 10_000_000;

    /// <summary>A stopwatch's time: its clock, what it ran before, and since when it runs now (null when stopped).</summary>
    private sealed class StopwatchState(TimeProvider clock)
    {
        public TimeProvider Clock => clock;
        public TimeSpan Before;
        public DateTimeOffset? RunningSince;

        public TimeSpan Elapsed => Before + (RunningSince is { } since ? clock.GetUtcNow() - since : TimeSpan.Zero);
    }

    private static readonly ConditionalWeakTable<PsObject, StopwatchState> Stopwatches = [];

    private PsObject NewStopwatch(bool running)
    {
        var state = new StopwatchState(time) { RunningSince = running ? time.GetUtcNow() : null };
        var watch = new PsObject(StopwatchTypeNames) { ToStringValue = ScriptExpressions.StopwatchTypeName };
        Stopwatches.Add(watch, state);
        return Refreshed(watch, state);
    }

    // Its properties as they are now (what the object shows when written or serialized).
    private static PsObject Refreshed(PsObject watch, StopwatchState state)
    {
        var elapsed = state.Elapsed;
        return watch
            .With("IsRunning", state.RunningSince is not null)
            .With("Elapsed", PsPrimitive.Duration(elapsed))
            .With("ElapsedMilliseconds", PsPrimitive.Int64((long)elapsed.TotalMilliseconds))
            .With("ElapsedTicks", PsPrimitive.Int64(elapsed.Ticks * StopwatchFrequency / TimeSpan.TicksPerSecond));
    }

    /// <summary>[Diagnostics.Stopwatch]'s static members; null for another.</summary>
    private PsValue? StopwatchStaticMember(string member, IReadOnlyList<PsValue>? arguments) => (member.ToUpperInvariant(), arguments?.Count ?? -1) switch
    {
        ("STARTNEW", 0) => NewStopwatch(running: true),
        ("NEW", 0) => NewStopwatch(running: false),
        ("GETTIMESTAMP", 0) => PsPrimitive.Int64(time.GetTimestamp() * StopwatchFrequency / time.TimestampFrequency),
        ("FREQUENCY", -1) => PsPrimitive.Int64(StopwatchFrequency),
        ("ISHIGHRESOLUTION", -1) => PsPrimitive.Boolean(true),
        _ => null,
    };

    /// <summary>A method of a stopwatch this class made; null for another object or method.</summary>
    private PsValue? StopwatchMethod(PsObject watch, string name, IReadOnlyList<PsValue> arguments)
    {
        if (arguments.Count != 0 || !Stopwatches.TryGetValue(watch, out var state)) return null;
        var now = time.GetUtcNow();
        switch (name.ToUpperInvariant())
        {
            case "START":
                state.RunningSince ??= now;
                break;
            case "STOP":
                state.Before = state.Elapsed;
                state.RunningSince = null;
                break;
            case "RESET":
                state.Before = TimeSpan.Zero;
                state.RunningSince = null;
                break;
            case "RESTART":
                state.Before = TimeSpan.Zero;
                state.RunningSince = now;
                break;
            default:
                return null;
        }

        Refreshed(watch, state);
        return PsNil.Instance;
    }

    /// <summary>A stopwatch's property read now (however the script reads it); null for another object or property.</summary>
    internal static PsValue? StopwatchProperty(PsObject watch, string property)
    {
        if (!Stopwatches.TryGetValue(watch, out var state)) return null;
        return property.ToUpperInvariant() is "ELAPSED" or "ELAPSEDMILLISECONDS" or "ELAPSEDTICKS" or "ISRUNNING"
            ? Refreshed(watch, state)[property]
            : null;
    }
}
