using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// ReadAllAsync hands out each response's events without an await per event: the pipeline's State, the order, the
/// end of the enumeration and both cancellation tokens must behave as they did with an async iterator.
/// </summary>
public sealed class PipelineEventsTests : EmulatorTestBase
{
    protected override string? ScenarioYaml => """
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
          - match: Emit-Then-Wait
            steps:
              - output: first
              - sleep: 3600
        """;

    [Test]
    public async Task The_state_becomes_Completed_when_the_completed_state_event_is_handed_out_not_before()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Range 3000");

        var states = new List<(PipelineEvent Event, PSInvocationState State)>();
        await foreach (var e in pipeline.ReadAllAsync()) states.Add((e, pipeline.State));

        var outputs = Outputs(states.Select(s => s.Event));
        Assert.That(outputs, Is.EqualTo(Enumerable.Range(1, 3000).Select(i => "n" + i)));
        Assert.That(states.Where(s => s.Event is OutputEvent).Select(s => s.State).Distinct(), Is.EqualTo(new[] { PSInvocationState.Running }));
        Assert.That(states[^1].Event, Is.InstanceOf<StateEvent>());
        Assert.That(states[^1].State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task A_token_given_with_WithCancellation_cancels_a_read_whose_ReadAllAsync_has_a_token_too()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Then-Wait");
        using var outer = new CancellationTokenSource();
        using var inner = new CancellationTokenSource();

        var read = new List<PipelineEvent>();
        var cancelled = await Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in pipeline.ReadAllAsync(outer.Token).WithCancellation(inner.Token))
            {
                read.Add(e);
                await inner.CancelAsync(); // the next Receive is held by the server (the command sleeps): only the token ends it
            }
        });

        Assert.That(cancelled, Is.Not.Null);
        Assert.That(Outputs(read), Is.EqualTo(new[] { "first" }));
        Assert.That(outer.IsCancellationRequested, Is.False);
    }

    [Test]
    public async Task The_token_of_ReadAllAsync_alone_cancels_the_read()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("Emit-Then-Wait");
        using var cts = new CancellationTokenSource();

        var read = new List<PipelineEvent>();
        await Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in pipeline.ReadAllAsync(cts.Token))
            {
                read.Add(e);
                await cts.CancelAsync();
            }
        });

        Assert.That(Outputs(read), Is.EqualTo(new[] { "first" }));
    }
}
