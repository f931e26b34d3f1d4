using JobState = PsrpEmulator.Protocol.Psrp.JobState;
using ErrorCategory = PsrpEmulator.Protocol.Psrp.ErrorCategory;
using PsrpEmulator.Client.Remoting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

public class DisconnectedSessionTests : SessionTestBase
{
    private const string FiveSlowLines = "1..5 | ForEach-Object { \"line$_\"; Start-Sleep -Seconds 1 }";

    [Test]
    public async Task A_second_client_receives_exactly_the_output_the_first_client_did_not()
    {
        var first = NewClient();
        var session = await NewSessionAsync(first, option: Option with { OutputBufferingMode = OutputBufferingMode.Block });
        var job = await first.InvokeAsJobAsync(session, FiveSlowLines);
        await AdvanceAsync(job.WaitForOutputAsync(2));

        await first.DisconnectAsync(session, idleTimeoutSec: 600);

        Assert.That(job.State, Is.EqualTo(JobState.Disconnected));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2" }));

        var second = NewClient();
        var found = (await second.GetRemoteSessionsAsync(Target, Credential, sessionOption: Option)).Single();
        Assert.That(found.InstanceId, Is.EqualTo(session.InstanceId));
        Assert.That(found.Name, Is.EqualTo(session.Name));
        Assert.That(found.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(found.Availability, Is.EqualTo(RunspaceAvailability.None));
        Assert.That(found.OutputBufferingMode, Is.EqualTo(OutputBufferingMode.Block));
        Assert.That(found.IdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(600)));
        Assert.That(found.ConfigurationName, Is.EqualTo("Microsoft.PowerShell"));
        Assert.That(found.RemoteCommand!.CommandLine, Is.EqualTo(FiveSlowLines));
        Assert.That(found.ExpiresOn - found.DisconnectedOn, Is.EqualTo(TimeSpan.FromSeconds(600)));

        var received = await AdvanceAsync(second.ReceiveAsync(found));

        Assert.That(received.Job, Is.Null);
        Assert.That(received.Results!.OutputText, Is.EqualTo(new[] { "line3", "line4", "line5" }));
        Assert.That(found.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That(found.Availability, Is.EqualTo(RunspaceAvailability.Available));
        Assert.That(second.Sessions, Does.Contain(found));

        await second.RemoveAsync(found);
        Assert.That(await new PSRemotingClient().GetRemoteSessionsAsync(Target, Credential, sessionOption: Option), Is.Empty);
    }

    [Test]
    public async Task Output_received_through_a_session_carries_the_remoting_note_properties()
    {
        var client = NewClient();
        var session = await client.InvokeInDisconnectedSessionAsync(Target, Credential, "'hello'", "ITTask", sessionOption: Option);

        var other = NewClient();
        var received = await AdvanceAsync(other.ReceiveAsync(Target, Credential, name: "ittask", sessionOption: Option));

        var output = (Protocol.Clixml.PsObject)received!.Results!.Output.Single();
        Assert.That(output.ToDisplayString(), Is.EqualTo("hello"));
        Assert.That(output[RemoteObjects.ComputerNameProperty]!.ToDisplayString(), Is.EqualTo(Target.ComputerName));
        Assert.That(output[RemoteObjects.RunspaceIdProperty]!.ToDisplayString(), Is.EqualTo(session.InstanceId.ToString()));
        Assert.That(output[RemoteObjects.ShowComputerNameProperty]!.ToDisplayString(), Is.EqualTo("True"));
    }

    [Test]
    public async Task Invoke_in_disconnected_session_then_receive_from_another_client_gets_everything()
    {
        var first = NewClient();
        var session = await first.InvokeInDisconnectedSessionAsync(Target, Credential, FiveSlowLines, "ITTask", sessionOption: Option);

        Assert.That(session.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(session.Availability, Is.EqualTo(RunspaceAvailability.None));
        Assert.That(session.Name, Is.EqualTo("ITTask"));
        Assert.That(first.Sessions, Does.Contain(session));

        var second = NewClient();
        var received = await AdvanceAsync(second.ReceiveAsync(Target, Credential, name: "ITTask", sessionOption: Option));

        Assert.That(received!.Results!.OutputText, Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
        Assert.That(received.Session.State, Is.EqualTo(RunspaceState.Opened));
    }

    /// <summary>
    /// A script that throws fails its pipeline. Invoke-Command writes the remote error record (PSRemotingChildJob's
    /// ProcessJobFailure: the throw's own text, category and id); Receive-PSSession to the host wraps the reason in
    /// ReceivePSSessionPipelineFailed, as PowerShell's ReceivePSSessionCommand does.
    /// </summary>
    [Test]
    public async Task A_thrown_error_is_the_remote_record_for_Invoke_Command_and_wrapped_for_Receive_PSSession()
    {
        const string Throws = "'before'; Start-Sleep -Seconds 1; throw 'disk full'";
        var client = NewClient();
        var session = await NewSessionAsync(client);

        var invoked = await AdvanceAsync(client.InvokeAsync(session, Throws));

        Assert.That(invoked.OutputText, Is.EqualTo(new[] { "before" }));
        var error = invoked.Error.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category), Is.EqualTo(("disk full", "disk full", ErrorCategory.OperationStopped)));

        await client.InvokeInDisconnectedSessionAsync(Target, Credential, Throws, "Thrower", sessionOption: Option);
        var received = await AdvanceAsync(NewClient().ReceiveAsync(Target, Credential, name: "Thrower", sessionOption: Option));

        Assert.That(received!.Results!.OutputText, Is.EqualTo(new[] { "before" }));
        var wrapped = received.Results.Error.Single();
        Assert.That((wrapped.Message, wrapped.FullyQualifiedErrorId, wrapped.Category),
            Is.EqualTo(("The remote pipeline failed for the following reason: disk full", "ReceivePSSessionPipelineFailed", ErrorCategory.OperationStopped)));
    }

    [Test]
    public async Task Received_results_keep_the_order_of_output_errors_and_warnings_across_streams()
    {
        var client = NewClient();
        await client.InvokeInDisconnectedSessionAsync(Target, Credential, "'a'; Write-Error 'e'; 'b'; Write-Warning 'w'; 'c'", "Mixed", sessionOption: Option);

        var received = await AdvanceAsync(NewClient().ReceiveAsync(Target, Credential, name: "Mixed", sessionOption: Option));

        Assert.That(received!.Results!.InOrder(), Is.EqualTo(new[]
        {
            (PSDataStream.Output, 0), (PSDataStream.Error, 0), (PSDataStream.Output, 1), (PSDataStream.Warning, 0), (PSDataStream.Output, 2),
        }));
    }

    [Test]
    public async Task Receive_with_out_target_job_from_another_client_returns_a_named_running_job()
    {
        var first = NewClient();
        await first.InvokeInDisconnectedSessionAsync(Target, Credential, FiveSlowLines, "ITTask", sessionOption: Option);

        var second = NewClient();
        var received = await second.ReceiveAsync(Target, Credential, name: "ITTask", outTarget: OutTarget.Job, jobName: "ITTaskJob01", sessionOption: Option);
        var job = received!.Job!;

        Assert.That(job.Name, Is.EqualTo("ITTaskJob01"));
        Assert.That(job.PSJobTypeName, Is.EqualTo("RemoteJob"));
        Assert.That(job.Location, Is.EqualTo(Target.ComputerName));
        Assert.That(second.Jobs, Does.Contain(job));
        await AdvanceAsync(job.WaitAsync());
        Assert.That(job.State, Is.EqualTo(JobState.Completed));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
        Assert.That(job.HasMoreData, Is.False);
    }

    [Test]
    public async Task Same_client_reconnect_continues_the_same_job()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, "Test");
        var job = await client.InvokeAsJobAsync(session, FiveSlowLines);
        Assert.That(job.Name, Is.EqualTo($"Job{job.Id}"));
        await AdvanceAsync(job.WaitForOutputAsync(2));

        await client.DisconnectAsync(session);
        Assert.That(session.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(job.State, Is.EqualTo(JobState.Disconnected));
        Assert.That(job.ReceiveJob(keep: true).OutputText, Is.EqualTo(new[] { "line1", "line2" }));

        await client.ConnectAsync(session);
        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That(job.State, Is.EqualTo(JobState.Disconnected), "Connect-PSSession connects the pool only");

        var received = await client.ReceiveAsync(session);

        Assert.That(received.Job, Is.SameAs(job));
        await AdvanceAsync(job.WaitAsync());
        Assert.That(job.State, Is.EqualTo(JobState.Completed));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
    }

    [Test]
    public async Task Same_client_receive_by_computer_name_reuses_the_disconnected_job()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, "Test");
        var job = await client.InvokeAsJobAsync(session, FiveSlowLines);
        await AdvanceAsync(job.WaitForOutputAsync(2));
        await client.DisconnectAsync(session);
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2" }));

        var received = await client.ReceiveAsync(Target, Credential, name: "Test", sessionOption: Option);

        Assert.That(received!.Job, Is.SameAs(job));
        Assert.That(received.Session, Is.SameAs(session));
        await AdvanceAsync(job.WaitAsync());
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line3", "line4", "line5" }));
    }

    [Test]
    public async Task A_session_connected_to_one_client_is_busy_for_another()
    {
        var first = NewClient();
        var session = await NewSessionAsync(first, "Shared");

        var second = NewClient();
        var seen = (await second.GetRemoteSessionsAsync(Target, Credential, name: "Sha*", sessionOption: Option)).Single();

        Assert.That(seen.InstanceId, Is.EqualTo(session.InstanceId));
        Assert.That(seen.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(seen.Availability, Is.EqualTo(RunspaceAvailability.Busy));
        Assert.That(seen.DisconnectedOn, Is.Null);

        var error = await Assert.ThrowsAsync<PSRemotingException>(() => second.ReceiveAsync(seen));
        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("ReceivePSSessionCannotConnectSession"));
        Assert.That(error.Message, Is.EqualTo("Cannot connect PSSession \"Shared\", either because it is not in the Disconnected state, or it is not available for connection."));
    }

    [Test]
    public async Task Get_remote_sessions_returns_the_local_session_object_for_a_known_instance()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        Assert.That(session.Name, Is.EqualTo($"Runspace{session.Id}"));

        var seen = (await client.GetRemoteSessionsAsync(Target, Credential, sessionOption: Option)).Single();

        Assert.That(seen, Is.SameAs(session));
        Assert.That(seen.State, Is.EqualTo(RunspaceState.Opened));
    }

    [Test]
    public async Task Disconnect_with_an_idle_timeout_below_sixty_seconds_fails_on_the_client()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, "Session1");

        var error = await Assert.ThrowsAsync<PSRemotingException>(() => client.DisconnectAsync(session, idleTimeoutSec: 30));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("CannotDisconnectSessionWithInvalidIdleTimeout"));
        Assert.That(error.Message, Is.EqualTo("The session Session1 cannot be disconnected because the specified idle time-out value 30 (seconds) is either greater than the server maximum allowed 2147483 (seconds), or less than the minimum allowed 60 (seconds).  Specify an idle time-out value that is within the allowed range, and try again."));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That(Emulator.Journal.Snapshot().Any(e => e.Action.EndsWith("Disconnect", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task Receive_errors_use_powershell_error_ids()
    {
        var client = NewClient();

        var byId = await Assert.ThrowsAsync<PSRemotingException>(() => client.ReceiveByIdAsync(42));
        Assert.That(byId!.FullyQualifiedErrorId, Is.EqualTo("RemoteRunspaceNotAvailableForSpecifiedSessionId"));
        Assert.That(byId.Message, Is.EqualTo("The remote session with the session ID 42 is not available."));

        var byName = await Assert.ThrowsAsync<PSRemotingException>(() => client.ReceiveByNameAsync("Nope"));
        Assert.That(byName!.FullyQualifiedErrorId, Is.EqualTo("RemoteRunspaceNotAvailableForSpecifiedName"));

        var instanceId = Guid.NewGuid();
        var byInstance = await Assert.ThrowsAsync<PSRemotingException>(() => client.ReceiveByInstanceIdAsync(instanceId));
        Assert.That(byInstance!.FullyQualifiedErrorId, Is.EqualTo("RemoteRunspaceNotAvailableForSpecifiedRunspaceId"));
        Assert.That(byInstance.Message, Is.EqualTo($"Remote session is not available for {instanceId}."));

        Assert.That(await client.ReceiveAsync(Target, Credential, name: "Nope", sessionOption: Option), Is.Null);
    }

    [Test]
    public async Task Receive_on_a_removed_session_reports_it_cannot_connect()
    {
        var first = NewClient();
        var session = await first.InvokeInDisconnectedSessionAsync(Target, Credential, "'x'", "Gone", sessionOption: Option);
        var second = NewClient();
        var seen = (await second.GetRemoteSessionsAsync(Target, Credential, sessionOption: Option)).Single();
        await first.RemoveAsync(session);

        var error = await Assert.ThrowsAsync<PSRemotingException>(() => second.ReceiveAsync(seen));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("ReceivePSSessionCannotConnectSession"));
    }

    [Test]
    public async Task Documented_example_six_connect_then_receive_by_name_feeds_the_original_job()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, "Test");
        var job = await client.InvokeAsJobAsync(session, FiveSlowLines);
        await AdvanceAsync(job.WaitForOutputAsync(2));
        await client.DisconnectAsync(session);
        Assert.That(job.ReceiveJob(keep: true).OutputText, Is.EqualTo(new[] { "line1", "line2" }));

        var s2 = (await client.ConnectAsync(Target, Credential, name: "Test", sessionOption: Option)).Single();
        var j2 = await client.ReceiveAsync(Target, Credential, name: "Test", sessionOption: Option);

        Assert.That(s2, Is.SameAs(session));
        Assert.That(j2!.Job, Is.SameAs(job));
        await AdvanceAsync(job.WaitAsync());
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
    }

    [Test]
    public async Task Drop_mode_survives_the_disconnect_and_is_reported_to_the_next_client()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, "Dropper");
        await client.DisconnectAsync(session, idleTimeoutSec: 3600, outputBufferingMode: OutputBufferingMode.Drop);

        Assert.That(session.OutputBufferingMode, Is.EqualTo(OutputBufferingMode.Drop));
        Assert.That(session.ExpiresOn - session.DisconnectedOn, Is.EqualTo(TimeSpan.FromHours(1)));
        var other = NewClient();
        var seen = (await other.GetRemoteSessionsAsync(Target, Credential, instanceId: session.InstanceId, sessionOption: Option)).Single();
        Assert.That(seen.OutputBufferingMode, Is.EqualTo(OutputBufferingMode.Drop));
        Assert.That(seen.Availability, Is.EqualTo(RunspaceAvailability.None));
        Assert.That(seen.RemoteCommand, Is.Null);

        var received = await other.ReceiveAsync(seen);
        Assert.That(received.Results!.IsEmpty, Is.True, "connecting a session without a command returns nothing");
    }

    /// <summary>
    /// Another client took the session and let it go: the first client's Receive-PSSession -Session reconstructs it
    /// with a new job (PowerShell's FindJobForSession gives none for a reconstructed session); after a second
    /// disconnect the newer job reconnects, not the first one, whose command lived on the pool the session lost.
    /// </summary>
    [Test]
    public async Task After_another_client_held_the_session_the_newer_job_reconnects_and_nothing_arrives_twice()
    {
        var first = NewClient();
        var session = await NewSessionAsync(first);
        var original = await first.InvokeAsJobAsync(session, "1..6 | ForEach-Object { \"n$_\"; Start-Sleep -Seconds 1 }");
        await AdvanceAsync(original.WaitForOutputAsync(1));
        await first.DisconnectAsync(session, idleTimeoutSec: 600);

        var second = NewClient();
        var taken = await AdvanceAsync(second.ReceiveAsync(Target, Credential, name: session.Name, outTarget: OutTarget.Job, sessionOption: Option));
        await second.DisconnectAsync(taken!.Session, idleTimeoutSec: 600);
        var reconstructed = await first.ReceiveAsync(session, OutTarget.Job);
        await first.DisconnectAsync(session, idleTimeoutSec: 600);
        var reconnected = await first.ReceiveAsync(session, OutTarget.Job);
        await AdvanceAsync(reconnected.Job!.WaitAsync());

        Assert.That(reconstructed.Job, Is.Not.SameAs(original));
        Assert.That(reconnected.Job, Is.SameAs(reconstructed.Job));
        Assert.That(original.State, Is.EqualTo(JobState.Disconnected), "the first job's command is on a pool the session lost");
        var all = original.ReceiveJob().OutputText.Concat(taken.Job!.ReceiveJob().OutputText).Concat(reconnected.Job.ReceiveJob().OutputText);
        Assert.That(all, Is.EqualTo(Enumerable.Range(1, 6).Select(i => $"n{i}")));
        Assert.That(reconnected.Job.State, Is.EqualTo(JobState.Completed));
    }

    /// <summary>
    /// The command's end arrived; the Signal Terminate that follows is refused (as when a Disconnect reaches the
    /// server first): the job has ended Completed with its output, not Failed or Disconnected.
    /// </summary>
    [Test]
    public async Task A_refused_terminate_after_the_commands_end_leaves_the_job_completed()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        await AddFaultAsync(new { kind = "HttpError", action = "Signal", count = 1 });

        var job = await client.InvokeAsJobAsync(session, "'a'");
        await AdvanceAsync(job.WaitAsync());

        Assert.That(job.State, Is.EqualTo(JobState.Completed));
        var results = job.ReceiveJob();
        Assert.That(results.OutputText, Is.EqualTo(new[] { "a" }));
        Assert.That(results.Error, Is.Empty);
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Injected == "HttpError"), Is.EqualTo(1), "the Terminate was refused");
    }
}
