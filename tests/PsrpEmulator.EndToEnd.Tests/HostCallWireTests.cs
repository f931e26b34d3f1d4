using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>Host calls on the wire, as other clients send their answers.</summary>
public sealed class HostCallWireTests : EmulatorTestBase
{
    private static async Task<(List<PipelineEvent> Events, PipelineHostCall Call)> UntilHostCallAsync(IAsyncEnumerator<PipelineEvent> events)
    {
        var seen = new List<PipelineEvent>();
        while (await events.MoveNextAsync())
        {
            if (events.Current is HostCallEvent call) return (seen, call.Call);
            seen.Add(events.Current);
        }

        throw new AssertionException("the command ended without a host call");
    }

    [TestCase("pr")]
    [TestCase("stdin")]
    public async Task An_answer_sent_without_a_CommandId_as_pypsrp_sends_it_reaches_the_pipeline_by_its_id(string stream)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });
        var pipeline = await pool.StartAsync("'asking'; $a = Read-Host 'Answer'; \"got $a\"");
        await using var events = pipeline.ReadAllAsync().GetAsyncEnumerator();

        var (before, call) = await UntilHostCallAsync(events);
        Assert.That(Outputs(before), Is.EqualTo(new[] { "asking" }));

        var response = new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult([new("Answer", PsPrimitive.String("42"))]));
        var message = PsrpMessage.Create(PsrpDestination.Server, pool.Id, pipeline.Id, response);
        foreach (var fragment in FragmentCodec.Split(7000, message.ToArray(), 32_000))
        {
            await transport.SendAsync(pool.ShellHeader(WsManActions.Send), new SendBody([new ShellStream(stream, null, fragment)]));
        }

        var after = new List<PipelineEvent>();
        while (await events.MoveNextAsync()) after.Add(events.Current);
        Assert.That(Outputs(after), Is.EqualTo(new[] { "got 42" }));
        Assert.That(after[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
    }

    [Test]
    public async Task An_answer_to_no_waiting_call_is_ignored_and_the_real_answer_still_counts()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });
        var pipeline = await pool.StartAsync("Read-Host");
        await using var events = pipeline.ReadAllAsync().GetAsyncEnumerator();
        var (_, call) = await UntilHostCallAsync(events);

        await pipeline.SendHostResponseAsync(new PipelineHostResponse(call.CallId + 5, call.MethodId, PsPrimitive.String("stray")));
        await pipeline.SendHostResponseAsync(new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("real")));

        var after = new List<PipelineEvent>();
        while (await events.MoveNextAsync()) after.Add(events.Current);
        Assert.That(Outputs(after), Is.EqualTo(new[] { "real" }));
    }
}
