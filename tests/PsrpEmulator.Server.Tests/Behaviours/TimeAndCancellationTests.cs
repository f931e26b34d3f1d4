using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class TimeAndCancellationTests
{
    private static readonly BehaviourCatalog Catalog = BehaviourCatalog.Parse("""
        behaviours:
          - regex: 'count (?<n>\d+) every (?<s>[\d.]+)'
            steps:
              - loop:
                  from: 1
                  to: "{n}"
                  steps:
                    - output: "text{_}"
                    - sleep: "{s}"
              - output: done
        """);

    [Test]
    public async Task Loop_with_sleep_advances_only_with_virtual_time()
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        var run = Catalog.Resolve(Behaviour.Script("count 3 every 1")).RunTestAsync(host, time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text1" }));
        Assert.That(run.IsCompleted, Is.False, "waiting for the first sleep");

        time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(20);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text1" }), "a millisecond short of the sleep");

        time.Advance(TimeSpan.FromMilliseconds(1));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 2, "text2 is written");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text1", "text2" }));

        time.Advance(TimeSpan.FromSeconds(1));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 3, "text3 is written");
        Assert.That(run.IsCompleted, Is.False, "the last iteration sleeps too");

        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text1", "text2", "text3", "done" }));
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    // Longer than one .NET timer can wait (about 49.7 days): the sleep goes on in steps, measured from its due time.
    [TestCase("Start-Sleep 2147483; 'awake'", 2147483)]
    [TestCase("sleep 100 days", 8_640_000)]
    public async Task A_sleep_of_weeks_or_months_ends_when_virtual_time_reaches_it(string script, int seconds)
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: sleep 100 days
                steps:
                  - sleep: 8640000
                  - output: awake
            """, "long sleep"), BehaviourCatalog.LoadDefault());
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        var run = catalog.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);

        time.Advance(TimeSpan.FromSeconds(seconds - 1));
        await Task.Delay(20);
        Assert.That(run.IsCompleted, Is.False, "a second short of the sleep");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "awake" }));
    }

    [Test]
    public async Task Fractional_sleep_waits_exactly_that_long()
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        var run = Catalog.Resolve(Behaviour.Script("count 2 every 0.25")).RunTestAsync(host, time);
        time.Advance(TimeSpan.FromMilliseconds(249));
        await Task.Delay(20);
        Assert.That(host.OutputTexts, Has.Count.EqualTo(1));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 2, "text2 is written");
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task Cancellation_during_a_sleep_ends_Stopped_with_PipelineStopped()
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        using var cts = new CancellationTokenSource();
        var run = Catalog.Resolve(Behaviour.Script("count 10000 every 1")).RunTestAsync(host, time, cts.Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 2, "text2 is written");

        await cts.CancelAsync();
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("The pipeline has been stopped.", "PipelineStopped",
            ErrorCategory.OperationStopped, "System.Management.Automation.PipelineStoppedException")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text1", "text2" }));
    }

    [Test]
    public async Task Cancellation_while_the_host_is_blocked_ends_Stopped()
    {
        var host = new BlockingHost();
        using var cts = new CancellationTokenSource();
        var run = Catalog.Resolve(Behaviour.Script("count 3 every 1")).RunTestAsync(host, new FakeTimeProvider(), cts.Token);
        Assert.That(run.IsCompleted, Is.False);
        await cts.CancelAsync();
        Assert.That((await run.WaitAsync(TimeSpan.FromSeconds(5))).State, Is.EqualTo(PSInvocationState.Stopped));
    }

    [Test]
    public async Task Already_cancelled_token_stops_before_any_output()
    {
        var host = new RecordingHost();
        var outcome = await Catalog.Resolve(Behaviour.Script("count 3 every 1")).RunTestAsync(host, new FakeTimeProvider(), new CancellationToken(canceled: true));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(host.Records, Is.Empty);
    }

    [Test]
    public async Task Unknown_script_cancelled_ends_Stopped_rather_than_throwing()
    {
        var outcome = await BehaviourCatalog.Empty.Resolve(Behaviour.Script("nope")).RunTestAsync(new RecordingHost(), new FakeTimeProvider(), new CancellationToken(canceled: true));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
    }

    [Test]
    public async Task Loop_of_many_iterations_without_sleep_checks_cancellation()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { match: big, steps: [ loop: { from: 1, to: 1000000000, steps: [ output: x ] } ] } ]");
        using var cts = new CancellationTokenSource();
        var host = new CancellingHost(cts, after: 5);
        var outcome = await catalog.Resolve(Behaviour.Script("big")).RunTestAsync(host, new FakeTimeProvider(), cts.Token);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(host.Writes, Is.EqualTo(5));
    }

    /// <summary>A host whose output buffer is full (BufferMode Block while disconnected): writes wait for cancellation.</summary>
    private sealed class BlockingHost : IPipelineHost
    {
        public async ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken) => await Task.Delay(Timeout.Infinite, cancellationToken);

        public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) => ValueTask.FromResult<PsValue?>(null);
    }

    /// <summary>Cancels the token after a number of writes, as a Ctrl+C arriving mid-run would.</summary>
    private sealed class CancellingHost(CancellationTokenSource cts, int after) : IPipelineHost
    {
        public int Writes { get; private set; }

        public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            if (++Writes == after) cts.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) => ValueTask.FromResult<PsValue?>(null);
    }
}
