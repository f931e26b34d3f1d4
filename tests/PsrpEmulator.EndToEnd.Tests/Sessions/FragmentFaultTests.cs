using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Duplicated and reordered PSRP fragments injected into Receive responses, and how the client takes them: as
/// PowerShell's ReceiveDataCollection does (a repeated whole message is delivered twice, a repeated start fragment
/// restarts its object, a repeated or swapped middle fragment fails the command with FragmentIdsNotInSequence).
/// </summary>
public class FragmentFaultTests : SessionTestBase
{
    private static readonly string Long = new('x', 1000);

    protected override string? ScenarioYaml => $$"""
        behaviours:
          - regex: 'Emit-Range (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "n{_}" } ] }
          - match: Emit-Long
            steps:
              - output: "{{Long}}"
              - output: after
          - match: Emit-Long-Then-Many
            steps:
              - output: "{{Long}}"
              - loop: { from: 1, to: 3000, steps: [ { output: "m{_}" } ] }
        """;

    // Small fragments: the long string travels in several, the short ones in one each.
    protected override void Configure(EmulatorOptions options) => options.MaxFragmentSize = 256;

    private void Inject(InjectedFaultKind kind, int fragment) =>
        Emulator.Services.InjectFault(new FaultRule { Kind = kind, Action = "Receive", Fragment = fragment, Count = 1 });

    private int Injected(InjectedFaultKind kind) => Emulator.Journal.Snapshot().Count(j => j.Injected == kind.ToString());

    private async Task<PSDataStreams> InvokeAsync(string script, InjectedFaultKind kind, int fragment)
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        Inject(kind, fragment);
        return await AdvanceAsync(client.InvokeAsync(session, script));
    }

    [Test]
    public async Task A_duplicated_whole_message_is_delivered_twice_as_PowerShell_does_not_deduplicate()
    {
        var results = await InvokeAsync("Emit-Range 3", InjectedFaultKind.DuplicateFragment, 0);

        Assert.That(results.OutputText, Is.EqualTo(new[] { "n1", "n1", "n2", "n3" }));
        Assert.That(results.Error, Is.Empty);
        Assert.That(Injected(InjectedFaultKind.DuplicateFragment), Is.EqualTo(1));
    }

    [Test]
    public async Task Two_swapped_whole_messages_are_delivered_in_the_order_they_arrived()
    {
        var results = await InvokeAsync("Emit-Range 3", InjectedFaultKind.ReorderFragments, 0);

        Assert.That(results.OutputText, Is.EqualTo(new[] { "n2", "n1", "n3" }));
        Assert.That(results.Error, Is.Empty);
    }

    [Test]
    public async Task A_repeated_start_fragment_restarts_its_object_and_nothing_is_lost()
    {
        var results = await InvokeAsync("Emit-Long", InjectedFaultKind.DuplicateFragment, 0);

        Assert.That(results.OutputText, Is.EqualTo(new[] { Long, "after" }));
        Assert.That(results.Error, Is.Empty);
        Assert.That(Injected(InjectedFaultKind.DuplicateFragment), Is.EqualTo(1));
    }

    [TestCase(InjectedFaultKind.DuplicateFragment, 1)]
    [TestCase(InjectedFaultKind.ReorderFragments, 1)]
    public async Task A_repeated_or_swapped_middle_fragment_fails_the_command_with_FragmentIdsNotInSequence(InjectedFaultKind kind, int fragment)
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        Inject(kind, fragment);

        var results = await AdvanceAsync(client.InvokeAsync(session, "Emit-Long"));

        Assert.That(results.OutputText, Is.Empty);
        var error = results.Error.Single();
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("JobFailure"));
        Assert.That(error.Category, Is.EqualTo(ErrorCategory.OperationStopped));
        Assert.That(error.Message, Is.EqualTo(StreamDefragmenter.FragmentIdsNotInSequence));
        Assert.That(Injected(kind), Is.EqualTo(1));

        // Only the command failed: the server was told to forget it, and the session stays usable.
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Signal"), Is.EqualTo(1));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That((await AdvanceAsync(client.InvokeAsync(session, "Emit-Range 2"))).OutputText, Is.EqualTo(new[] { "n1", "n2" }));
    }

    [Test]
    public async Task A_broken_fragment_while_the_next_Receive_is_out_fails_the_command_and_the_session_stays_usable()
    {
        // The output needs several responses: the client has sent the next Receive while it decodes the first, whose
        // long object is broken. That Receive is abandoned; the command is failed and closed all the same.
        var client = NewClient();
        var session = await NewSessionAsync(client);
        Inject(InjectedFaultKind.DuplicateFragment, 1);

        var results = await AdvanceAsync(client.InvokeAsync(session, "Emit-Long-Then-Many"));

        Assert.That(results.OutputText, Is.Empty);
        Assert.That(results.Error.Single().Message, Is.EqualTo(StreamDefragmenter.FragmentIdsNotInSequence));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Signal"), Is.EqualTo(1));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That((await AdvanceAsync(client.InvokeAsync(session, "Emit-Range 2"))).OutputText, Is.EqualTo(new[] { "n1", "n2" }));
    }

    [Test]
    public async Task A_job_whose_fragments_are_broken_fails_with_the_reason()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        Inject(InjectedFaultKind.DuplicateFragment, 2);

        var job = await client.InvokeAsJobAsync(session, "Emit-Long");
        await AdvanceAsync(job.WaitAsync(force: false));

        Assert.That(job.State, Is.EqualTo(JobState.Failed));
        Assert.That(job.Reason?.Message, Is.EqualTo(StreamDefragmenter.FragmentIdsNotInSequence));
    }
}
