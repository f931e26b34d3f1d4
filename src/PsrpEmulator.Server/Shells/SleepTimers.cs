namespace PsrpEmulator.Server.Shells;

/// <summary>
/// The sleeps of behaviours on the real clock, due in order, behind one timer armed for the earliest: a sleeping
/// pipeline costs one queue entry instead of a timer of its own.
/// </summary>
internal sealed class SleepTimers : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly PriorityQueue<PipelineSleep, long> _due = new();
    // The timestamp the timer is armed for; long.MaxValue while it is not.
    private long _armedFor = long.MaxValue;

    public SleepTimers(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static state => ((SleepTimers)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Add(PipelineSleep sleep, TimeSpan delay)
    {
        // A sleep past what the timestamp can count (or for ever) is due at long.MaxValue: never fired.
        var due = LongDelays.Due(_time, delay);
        lock (_lock)
        {
            _due.Enqueue(sleep, due);
            if (due < _armedFor) Arm(due);
        }
    }

    /// <summary>A cancelled sleep leaves the queue at once (a stopped pipeline is not kept until its sleep would end).</summary>
    public void Remove(PipelineSleep sleep)
    {
        lock (_lock) _due.Remove(sleep, out _, out _);
    }

    private void Arm(long due)
    {
        if (due == long.MaxValue) return; // never due: only a cancel ends it
        _armedFor = due;
        // One timer waits at most about 49.7 days: a later sleep is armed for that, and Fire (finding nothing due) arms again.
        _timer.Change(LongDelays.NextStep(_time, due), Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        List<PipelineSleep>? ended = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            while (_due.TryPeek(out var sleep, out var due) && due <= now)
            {
                _due.Dequeue();
                (ended ??= []).Add(sleep);
            }

            _armedFor = long.MaxValue;
            if (_due.TryPeek(out _, out var next)) Arm(next);
        }

        // Outside the lock: the behaviours go on inline, as after their own timers.
        if (ended is null) return;
        foreach (var sleep in ended) sleep.End();
    }

    public void Dispose() => _timer.Dispose();
}
