namespace PsrpEmulator.Server.Shells;

/// <summary>
/// The clock a behaviour sees: the server's, except that starting to wait on it (a sleep step) first publishes
/// what the behaviour wrote, so a waiting Receive takes the whole burst.
/// </summary>
internal sealed class PublishingTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    // A PowerShell pipeline's OutputStream directly (no delegate kept per sleeping pipeline), or any other publisher.
    private readonly OutputStream? _output;
    private readonly Action? _beforeWait;

    public PublishingTimeProvider(TimeProvider inner, OutputStream output)
    {
        _inner = inner;
        _output = output;
    }

    public PublishingTimeProvider(TimeProvider inner, Action beforeWait)
    {
        _inner = inner;
        _beforeWait = beforeWait;
    }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (_output is not null) _output.Publish();
        else _beforeWait!();
        return _inner.CreateTimer(callback, state, dueTime, period);
    }
}
