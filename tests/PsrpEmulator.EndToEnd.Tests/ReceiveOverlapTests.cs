using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// The client sends a command's next Receive as soon as a response has been read and decodes that response meanwhile
/// (WsManClientOptions.OverlapReceiveWithDecode): the requests stay the same, one outstanding at a time; only when
/// the next one goes out changes.
/// </summary>
public class ReceiveOverlapTests : EmulatorTestBase
{
    protected override string? ScenarioYaml => """
        behaviours:
          - match: Get-Many
            steps:
              - loop: { from: 1, to: 3000, steps: [ { output: "item {_} of the many small outputs" } ] }
              - output: last
        """;

    private static readonly string[] Expected = [.. Enumerable.Range(1, 3000).Select(i => $"item {i} of the many small outputs"), "last"];

    private int Receives(PowerShellPipeline pipeline) =>
        Emulator.Journal.Snapshot().Count(e => e.Action == "Receive" && e.CommandId == pipeline.CommandId && e.HttpStatus == 200);

    private async Task<int> ReceivesOnceSettledAsync(PowerShellPipeline pipeline, int atLeast)
    {
        // Real time: a request on its way over HTTP, which a virtual clock does not move.
        for (var i = 0; i < 500 && Receives(pipeline) < atLeast; i++) await Task.Delay(10);
        return Receives(pipeline);
    }

    private static async Task<List<PipelineEvent>> ReadRestAsync(IAsyncEnumerator<PipelineEvent> events, PipelineEvent first)
    {
        var all = new List<PipelineEvent> { first };
        while (await events.MoveNextAsync()) all.Add(events.Current);
        return all;
    }

    [Test]
    public async Task The_next_Receive_goes_out_while_the_consumer_still_holds_the_first_responses_events()
    {
        // Small envelopes: the output needs many responses.
        using var transport = CreateTransport(maxEnvelopeSize: 51200);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Get-Many");

        await using var events = pipeline.ReadAllAsync().GetAsyncEnumerator();
        Assert.That(await events.MoveNextAsync(), Is.True);

        // The consumer has taken one event and asked for nothing more, yet the second response is already in; and
        // only that one: the client runs one response ahead of its consumer, not more (a moment of real time to see
        // that nothing follows).
        Assert.That(await ReceivesOnceSettledAsync(pipeline, 2), Is.GreaterThanOrEqualTo(2));
        await Task.Delay(300);
        Assert.That(Receives(pipeline), Is.EqualTo(2));
        Assert.That(Outputs(await ReadRestAsync(events, events.Current)), Is.EqualTo(Expected));
        Assert.That(pipeline.State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task Without_overlap_the_next_Receive_waits_until_the_consumer_asks_for_more()
    {
        using var transport = CreateTransport(maxEnvelopeSize: 51200, overlapReceiveWithDecode: false);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Get-Many");

        await using var events = pipeline.ReadAllAsync().GetAsyncEnumerator();
        Assert.That(await events.MoveNextAsync(), Is.True);

        // A negative check needs a moment of real time: with the overlap on, the second Receive is back within it
        // (the test above).
        await Task.Delay(300);
        Assert.That(Receives(pipeline), Is.EqualTo(1));
        Assert.That(Outputs(await ReadRestAsync(events, events.Current)), Is.EqualTo(Expected));
        Assert.That(Receives(pipeline), Is.GreaterThan(5));
    }

    [Test]
    public async Task The_overlap_leaves_the_requests_on_the_wire_unchanged()
    {
        async Task<(string[] Actions, int Outputs)> RunAsync(bool overlap)
        {
            using var transport = CreateTransport(maxEnvelopeSize: 51200, overlapReceiveWithDecode: overlap);
            await using var pool = await RunspacePoolClient.OpenAsync(transport);
            var pipeline = await pool.StartAsync("Get-Many");
            var outputs = Outputs(await ReadAllAsync(pipeline));
            Assert.That(outputs, Is.EqualTo(Expected));
            var actions = Emulator.Journal.Snapshot()
                .Where(e => e.CommandId == pipeline.CommandId || (e.Action == "Command" && e.ShellId == pool.ShellId))
                .Select(e => $"{e.Action} {e.HttpStatus} {e.Fault}")
                .ToArray();
            return (actions, outputs.Length);
        }

        var with = await RunAsync(overlap: true);
        var without = await RunAsync(overlap: false);

        // Every Receive answered with data (no fault, no abandoned request), and the command closed once with Signal.
        Assert.That(with.Actions.Where(a => a.StartsWith("Receive", StringComparison.Ordinal)), Is.All.EqualTo("Receive 200 "));
        Assert.That(with.Actions.Count(a => a.StartsWith("Signal", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(with.Actions.Last(), Does.StartWith("Signal"));
        Assert.That(with.Actions.Distinct(), Is.EqualTo(without.Actions.Distinct()));
    }
}
