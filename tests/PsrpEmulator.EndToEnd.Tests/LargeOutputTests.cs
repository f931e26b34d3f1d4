using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

public class LargeOutputTests : EmulatorTestBase
{
    private static readonly string Big = string.Concat(Enumerable.Range(0, 12_000).Select(i => $"line{i:D5};"));

    protected override string? ScenarioYaml => $$"""
        behaviours:
          - match: Get-Big
            steps:
              - output: "{{Big}}"
              - output: after
          - match: Get-Many
            steps:
              - loop: { from: 1, to: 3000, steps: [ { output: "item {_} of the many small outputs" } ] }
              - output: "{{Big}}"
              - output: last
          - match: Get-Stream
            steps:
              - loop: { from: 1, to: 40000, steps: [ { output: "object {_} of a long stream of small ones" } ] }
        """;

    [Test]
    public async Task Thousands_of_small_outputs_over_many_responses_arrive_whole_and_in_order()
    {
        // Small envelopes: many ReceiveResponses, each read into pooled buffers that the next one reuses, so an event
        // still holding the bytes of an earlier response would show another response's data here.
        using var transport = CreateTransport(maxEnvelopeSize: 51200);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("Get-Many");
        var events = await ReadAllAsync(pipeline);

        var expected = Enumerable.Range(1, 3000).Select(i => $"item {i} of the many small outputs").Append(Big).Append("last");
        Assert.That(Outputs(events), Is.EqualTo(expected));
        Assert.That(events.OfType<StateEvent>().Last().State, Is.EqualTo(PSInvocationState.Completed));
        var receives = Emulator.Journal.Snapshot().Count(e => e.Action == "Receive" && e.CommandId == pipeline.CommandId && e.HttpStatus == 200);
        Assert.That(receives, Is.GreaterThan(5));
    }

    [Test]
    public async Task A_long_stream_of_small_outputs_received_while_it_is_written_arrives_whole_and_in_order()
    {
        // Written while the client receives: the buffer's largest slabs go back to their pool as responses written
        // from them are done, and come back for new output; a slab reused too early would show here as wrong objects.
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("Get-Stream");
        var events = await ReadAllAsync(pipeline);

        Assert.That(Outputs(events), Is.EqualTo(Enumerable.Range(1, 40000).Select(i => $"object {i} of a long stream of small ones")));
        Assert.That(events.OfType<StateEvent>().Last().State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task An_object_larger_than_one_envelope_is_split_into_fragments_and_reassembled()
    {
        // 150 KB envelopes as pypsrp uses; the object is ~120 KB of CLIXML.
        using var transport = CreateTransport(maxEnvelopeSize: 153600);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("Get-Big");
        var events = await ReadAllAsync(pipeline);

        Assert.That(Outputs(events), Is.EqualTo(new[] { Big, "after" }));
        var receives = Emulator.Journal.Snapshot().Where(e => e.Action == "Receive" && e.CommandId == pipeline.CommandId && e.HttpStatus == 200).ToList();
        Assert.That(receives, Has.Count.GreaterThan(1), "the object should have needed more than one ReceiveResponse");
    }

    [Test]
    public async Task A_script_larger_than_one_envelope_is_sent_with_command_then_send()
    {
        using var transport = CreateTransport(maxEnvelopeSize: 153600);
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var script = "'done' # " + new string('x', 200_000);
        var events = await pool.InvokeAsync(script);

        var sends = Emulator.Journal.Snapshot().Where(e => e.Action == "Send").ToList();
        Assert.That(sends, Is.Not.Empty, "the rest of CREATE_PIPELINE should travel in Send");
        Assert.That(events.OfType<StateEvent>().Single().State, Is.EqualTo(PSInvocationState.Completed));
    }
}
