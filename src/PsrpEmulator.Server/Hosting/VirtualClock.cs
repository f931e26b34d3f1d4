namespace PsrpEmulator.Server.Hosting;

/// <summary>
/// A clock that moves only when told: timers (Task.Delay, CancellationTokenSource timeouts, the heartbeat) fire in
/// due order as <see cref="Advance"/> passes them, on the advancing thread. Unlike a plain fake clock it can say
/// when the next timer is due, so a runner can jump straight to it (<see cref="AdvanceToNextTimer"/>): hours of
/// sleeps cost one step each.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<VirtualTimer> _timers = [];
    private DateTimeOffset _now = start;
    private long _sequence;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock) return _now.UtcTicks;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => CreateTimer(callback, state, dueTime, period, null);

    private VirtualTimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, object? tag)
    {
        var timer = new VirtualTimer(this, callback, state, tag);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// This clock, with every timer made through the returned view marked with <paramref name="tag"/>: a runner that
    /// knows what such a timer starts (a client's retransmission) can tell, with <see cref="NextDueTimers"/>, that the
    /// next move wakes nothing else.
    /// </summary>
    public TimeProvider Tagged(object tag) => new TaggedView(this, tag);

    /// <summary>
    /// The timers due at the earliest due instant (all of which the next <see cref="AdvanceToNextTimer"/> fires): how
    /// many, and how many of them carry <paramref name="tag"/>; null when no timer is active.
    /// </summary>
    public (DateTimeOffset Due, int Count, int Tagged)? NextDueTimers(object tag)
    {
        lock (_lock)
        {
            if (_timers.Count == 0) return null;
            var due = DateTimeOffset.MaxValue;
            int count = 0, tagged = 0;
            foreach (var timer in _timers)
            {
                if (timer.Due > due) continue;
                if (timer.Due < due) (due, count, tagged) = (timer.Due, 0, 0);
                count++;
                if (ReferenceEquals(timer.Tag, tag)) tagged++;
            }

            return (due, count, tagged);
        }
    }

    /// <summary>How many active timers carry <paramref name="tag"/>.</summary>
    public int CountTagged(object tag)
    {
        lock (_lock)
        {
            var n = 0;
            foreach (var timer in _timers)
            {
                if (ReferenceEquals(timer.Tag, tag)) n++;
            }

            return n;
        }
    }

    /// <summary>When the earliest active timer is due; null when none is.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock) return _timers.Count == 0 ? null : _timers.Min(t => t.Due);
        }
    }

    /// <summary>Moves time forward by <paramref name="delta"/>, firing every timer due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock) target = _now + delta;
        AdvanceTo(target);
    }

    /// <summary>Moves time to the next due timer (but not past <paramref name="limit"/>); false when none is due.</summary>
    public bool AdvanceToNextTimer(DateTimeOffset? limit = null)
    {
        var next = NextDue;
        if (next is null) return false;
        var target = limit is { } l && l < next.Value ? l : next.Value;
        AdvanceTo(target);
        return true;
    }

    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            VirtualTimer? due = null;
            lock (_lock)
            {
                foreach (var timer in _timers)
                {
                    if (timer.Due <= target && (due is null || timer.Due < due.Due || (timer.Due == due.Due && timer.Order < due.Order))) due = timer;
                }

                if (due is null)
                {
                    if (target > _now) _now = target;
                    return;
                }

                if (due.Due > _now) _now = due.Due;
                if (due.Period > TimeSpan.Zero) due.Schedule(_now + due.Period, ++_sequence);
                else _timers.Remove(due);
            }

            due.Fire();
        }
    }

    private void Register(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan) return;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Schedule(_now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), ++_sequence);
            _timers.Add(timer);
        }
    }

    private void Unregister(VirtualTimer timer)
    {
        lock (_lock) _timers.Remove(timer);
    }

    private sealed class TaggedView(VirtualClock clock, object tag) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override long GetTimestamp() => clock.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => clock.CreateTimer(callback, state, dueTime, period, tag);
    }

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state, object? tag) : ITimer
    {
        public object? Tag { get; } = tag;

        public DateTimeOffset Due { get; private set; }
        public long Order { get; private set; }
        public TimeSpan Period { get; set; }

        public void Schedule(DateTimeOffset due, long order)
        {
            Due = due;
            Order = order;
        }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Register(this, dueTime, period);
            return true;
        }

        public void Dispose() => clock.Unregister(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
