using PsrpEmulator.Server.Endpoint;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>
/// The runner moves the clock through an outage's retransmissions (PowerShell's: once per second for 4 minutes) one
/// timer at a time, without quiet looks: none may be skipped, none run twice.
/// </summary>
public class OutageClockTests
{
    [TestCase("scenarios/network/example-4-outage.yaml", 1)]
    [TestCase("scenarios/network/auto-disconnect-to-job.yaml", 1)]
    [TestCase("scenarios/network/auto-disconnect-to-job.yaml", 5)]
    public void An_outage_is_met_by_one_retransmission_per_virtual_second_without_a_gap(string file, int stepIndex)
    {
        var result = ScenarioFileTests.Result(file);
        Assume.That(result.Steps, Has.Count.GreaterThan(stepIndex), "the scenario did not get that far (see its own test)");
        var step = result.Steps[stepIndex];
        var refusals = step.Requests.Where(e => e.Injected == nameof(InjectedFaultKind.Outage)).Select(e => e.Time).ToList();

        // The client retransmits for 4 minutes, then gives up and tries to disconnect (retransmitted likewise).
        Assert.That(refusals, Has.Count.GreaterThan(240));
        Assert.That(refusals, Is.Ordered);
        var first = refusals[0];
        Assert.That(refusals.Select(t => (t - first).Ticks % TimeSpan.TicksPerSecond), Is.All.Zero, "every attempt is a whole number of seconds after the first");
        var seconds = refusals.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var span = (int)(refusals[^1] - first).TotalSeconds;
        Assert.That(Enumerable.Range(0, span + 1).Where(s => !seconds.ContainsKey(first.AddSeconds(s))), Is.Empty, "a second without a retransmission");
        // Two only where one operation gives up and the next one's first attempt is refused at the same instant.
        Assert.That(seconds.Values, Is.All.LessThanOrEqualTo(2));
        Assert.That(seconds.Values.Count(n => n == 2), Is.LessThanOrEqualTo(1));
    }
}
