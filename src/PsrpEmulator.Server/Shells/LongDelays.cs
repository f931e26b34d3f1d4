namespace PsrpEmulator.Server.Shells;

/// <summary>
/// Waits longer than one timer can: .NET timers and Task.Delay take at most 4,294,967,294 ms (about 49.7 days), and a
/// scenario may sleep for longer (a `sleep:` of months of virtual time, or for ever).
/// </summary>
internal static class LongDelays
{
    /// <summary>The longest wait one timer (or Task.Delay) accepts.</summary>
    public static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary><paramref name="seconds"/> (not negative) as a TimeSpan; past what a TimeSpan holds, TimeSpan.MaxValue (for ever).</summary>
    public static TimeSpan FromSeconds(double seconds) =>
        seconds >= 922_337_203_685 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);

    /// <summary>
    /// The timestamp <paramref name="delay"/> from now on <paramref name="time"/>; long.MaxValue (never) past what a
    /// timestamp counts, and for TimeSpan.MaxValue.
    /// </summary>
    public static long Due(TimeProvider time, TimeSpan delay)
    {
        var now = time.GetTimestamp();
        var ticks = delay.TotalSeconds * time.TimestampFrequency;
        return delay == TimeSpan.MaxValue || ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    /// <summary>
    /// What is left until <paramref name="due"/> (zero once passed), as one timer can wait it. Measured from the due
    /// timestamp, not by adding steps: a virtual clock advanced by months at once ends the sleep when it passes it.
    /// </summary>
    public static TimeSpan NextStep(TimeProvider time, long due)
    {
        if (due == long.MaxValue) return MaxTimerDelay;
        var seconds = (due - time.GetTimestamp()) / (double)time.TimestampFrequency;
        return seconds <= 0 ? TimeSpan.Zero : seconds >= MaxTimerDelay.TotalSeconds ? MaxTimerDelay : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Task.Delay for any length, in steps of at most <see cref="MaxTimerDelay"/>.</summary>
    public static async Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        var due = Due(time, delay);
        for (var step = NextStep(time, due); step > TimeSpan.Zero; step = NextStep(time, due))
        {
            await Task.Delay(step, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Task.Delay, or <see cref="DelayAsync"/> when one timer cannot wait that long.</summary>
    public static Task Delay(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken) =>
        delay > MaxTimerDelay ? DelayAsync(delay, time, cancellationToken) : Task.Delay(delay, time, cancellationToken);
}
