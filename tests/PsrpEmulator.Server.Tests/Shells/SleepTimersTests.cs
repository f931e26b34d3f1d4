using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// The shared timer for behaviours' sleeps on the real clock (one timer for thousands of sleeping pipelines).
/// Real time is the point here: SleepTimers serves only TimeProvider.System, so the delays are short.
/// </summary>
public class SleepTimersTests
{
    [Test]
    public async Task Sleeps_end_in_the_order_they_are_due_whatever_the_order_they_started()
    {
        using var timers = new SleepTimers(TimeProvider.System);
        var ended = new List<int>();
        var delays = new[] { 300, 60, 180 };
        var sleeps = delays.Select((ms, i) => Track(Sleep(timers, TimeSpan.FromMilliseconds(ms)), i, ended)).ToList();

        await Task.WhenAll(sleeps).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(ended, Is.EqualTo(new[] { 1, 2, 0 }));
    }

    [Test]
    public async Task A_sleep_lasts_at_least_its_delay()
    {
        using var timers = new SleepTimers(TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();

        await Sleep(timers, TimeSpan.FromMilliseconds(100)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(TimeProvider.System.GetElapsedTime(started), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95)));
    }

    [Test]
    public async Task A_cancelled_sleep_ends_at_once_with_the_cancellation_and_the_others_still_end()
    {
        using var timers = new SleepTimers(TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var cancelled = new PipelineSleep();
        cancelled.Start(TimeProvider.System, TimeSpan.FromHours(10), timers);
        var other = Sleep(timers, TimeSpan.FromMilliseconds(50));

        stop.Cancel();
        cancelled.Cancel(stop.Token);

        var e = await Assert.CatchAsync<OperationCanceledException>(async () => await cancelled.Task);
        Assert.That(e!.CancellationToken, Is.EqualTo(stop.Token));
        await other.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Cancelling_a_sleep_that_already_ended_changes_nothing()
    {
        using var timers = new SleepTimers(TimeProvider.System);
        var sleep = new PipelineSleep();
        sleep.Start(TimeProvider.System, TimeSpan.FromMilliseconds(20), timers);
        await sleep.Task.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.DoesNotThrow(() => sleep.Cancel(new CancellationToken(canceled: true)));
    }

    // Longer than one .NET timer can wait (4,294,967,294 ms, about 49.7 days): scenarios sleep for months of virtual
    // time, or for ever. The shared timer and a sleep's own timer both go on in steps. A fake clock stands in for the
    // real one here: 100 days cannot pass otherwise.
    [Test]
    public void A_sleep_of_100_days_on_the_shared_timer_ends_after_100_days_and_does_not_hold_up_a_short_one()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var timers = new SleepTimers(time);
        var longSleep = Sleep(timers, TimeSpan.FromDays(100), time);
        var shortSleep = Sleep(timers, TimeSpan.FromSeconds(1), time);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(shortSleep.IsCompleted, Is.True);
        time.Advance(TimeSpan.FromDays(99));
        Assert.That(longSleep.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromDays(1));
        Assert.That(longSleep.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void A_sleep_of_100_days_on_its_own_timer_ends_after_100_days()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var sleep = new PipelineSleep();
        sleep.Start(time, TimeSpan.FromDays(100), timers: null);

        time.Advance(TimeSpan.FromDays(60));
        Assert.That(sleep.Task.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromDays(39));
        Assert.That(sleep.Task.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromDays(1));
        Assert.That(sleep.Task.IsCompletedSuccessfully, Is.True);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_sleep_for_ever_never_ends_by_itself_and_ends_when_cancelled(bool shared)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var timers = new SleepTimers(time);
        var sleep = new PipelineSleep();
        sleep.Start(time, TimeSpan.MaxValue, shared ? timers : null);
        var other = Sleep(timers, TimeSpan.FromDays(1), time);

        time.Advance(TimeSpan.FromDays(3650));
        Assert.That(sleep.Task.IsCompleted, Is.False);
        Assert.That(other.IsCompletedSuccessfully, Is.True);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();
        sleep.Cancel(stop.Token);
        Assert.That(async () => await sleep.Task, Throws.InstanceOf<OperationCanceledException>());
    }

    private static ValueTask Sleep(SleepTimers timers, TimeSpan delay, TimeProvider? time = null)
    {
        var sleep = new PipelineSleep();
        sleep.Start(time ?? TimeProvider.System, delay, timers);
        return sleep.Task;
    }


    private static async Task Track(ValueTask sleep, int index, List<int> ended)
    {
        await sleep;
        lock (ended) ended.Add(index);
    }
}
