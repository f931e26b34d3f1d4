namespace PsrpEmulator.Server.Shells;

/// <summary>
/// The clock a behaviour sees: the server's, except that starting to wait on it (a sleep step) first publishes
/// what the behaviour wrote, so a waiting Receive takes the whole burst.
/// </summary>
internal sealed class PublishingTimeProvider(TimeProvider inner, Action beforeWait) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        beforeWait();
        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
