using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

public class LargeOutputTests : EmulatorTestBase
{
    private static readonly string Big = string.Concat(Enumerable.Range(0, 12_000).Select(i => $"line{i:D5};"));

    protected override string? ScenarioYaml => $"""
        behaviours:
          - match: Get-Big
            steps:
              - output: "{Big}"
              - output: after
        """;

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
