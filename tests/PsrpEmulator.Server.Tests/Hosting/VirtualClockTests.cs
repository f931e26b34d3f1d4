using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Hosting;

public class VirtualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_delay_completes_only_when_the_clock_passes_its_due_time()
    {
        var clock = new VirtualClock(Start);
        var delay = Task.Delay(TimeSpan.FromSeconds(30), clock);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That(delay.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(clock.GetUtcNow(), Is.EqualTo(Start.AddSeconds(30)));
    }

    [Test]
    public void Timers_fire_in_due_order_with_the_clock_at_their_due_time()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<(string, DateTimeOffset)>();
        using var late = clock.CreateTimer(_ => fired.Add(("late", clock.GetUtcNow())), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add(("early", clock.GetUtcNow())), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.That(fired, Is.EqualTo(new[] { ("early", Start.AddSeconds(10)), ("late", Start.AddSeconds(20)) }));
        Assert.That(clock.GetUtcNow(), Is.EqualTo(Start.AddMinutes(1)));
    }

    [Test]
    public void A_periodic_timer_fires_once_per_period_passed()
    {
        var clock = new VirtualClock(Start);
        var count = 0;
        using var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(10.5));

        Assert.That(count, Is.EqualTo(10));
    }

    [Test]
    public void Advancing_to_the_next_timer_jumps_straight_to_it()
    {
        var clock = new VirtualClock(Start);
        var fired = false;
        using var timer = clock.CreateTimer(_ => fired = true, null, TimeSpan.FromHours(5), Timeout.InfiniteTimeSpan);

        Assert.That(clock.NextDue, Is.EqualTo(Start.AddHours(5)));
        Assert.That(clock.AdvanceToNextTimer(), Is.True);

        Assert.That(fired, Is.True);
        Assert.That(clock.GetUtcNow(), Is.EqualTo(Start.AddHours(5)));
        Assert.That(clock.NextDue, Is.Null);
        Assert.That(clock.AdvanceToNextTimer(), Is.False);
    }

    [Test]
    public void A_disposed_or_changed_timer_does_not_fire_at_its_old_time()
    {
        var clock = new VirtualClock(Start);
        var fired = 0;
        var disposed = clock.CreateTimer(_ => fired += 100, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var changed = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        changed.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(fired, Is.Zero);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(fired, Is.EqualTo(1));
    }

    [Test]
    public async Task A_cancellation_timeout_on_the_clock_cancels_when_passed()
    {
        var clock = new VirtualClock(Start);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3), clock);

        clock.Advance(TimeSpan.FromSeconds(3));

        await Task.Yield();
        Assert.That(cts.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task Timers_made_through_a_tagged_view_are_told_apart_from_the_others_due_at_the_same_instant()
    {
        var clock = new VirtualClock(Start);
        var tag = new object();
        var retry = Task.Delay(TimeSpan.FromSeconds(1), clock.Tagged(tag));
        Assert.That(clock.NextDueTimers(tag), Is.EqualTo((Start.AddSeconds(1), 1, 1)));
        Assert.That(clock.CountTagged(tag), Is.EqualTo(1));

        using var heartbeat = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        using var later = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        Assert.That(clock.NextDueTimers(tag), Is.EqualTo((Start.AddSeconds(1), 2, 1)));

        Assert.That(clock.AdvanceToNextTimer(), Is.True);
        await retry.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(clock.CountTagged(tag), Is.Zero);
        Assert.That(clock.NextDueTimers(tag), Is.EqualTo((Start.AddSeconds(2), 1, 0)));
        Assert.That(clock.NextDueTimers(new object()), Is.EqualTo((Start.AddSeconds(2), 1, 0)));
    }

    [Test]
    public void A_tagged_view_tells_the_clock_s_time_and_a_disposed_tagged_timer_is_no_longer_counted()
    {
        var clock = new VirtualClock(Start);
        var tag = new object();
        var view = clock.Tagged(tag);
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.That(view.GetUtcNow(), Is.EqualTo(Start.AddMinutes(3)));
        Assert.That(view.GetTimestamp(), Is.EqualTo(clock.GetTimestamp()));

        var timer = view.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        Assert.That(clock.CountTagged(tag), Is.EqualTo(1));
        timer.Dispose();
        Assert.That(clock.CountTagged(tag), Is.Zero);
        Assert.That(clock.NextDueTimers(tag), Is.Null);
    }
}
