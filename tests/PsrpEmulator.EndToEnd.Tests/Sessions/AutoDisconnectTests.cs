using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Robust connections end to end on the virtual clock: an outage longer than the 4-minute retry window makes the
/// client auto-disconnect the session, and the running Invoke-Command becomes a Disconnected job (PowerShell's
/// InvokeCommandCommand) whose output is collected later, none lost or repeated.
/// </summary>
public class AutoDisconnectTests : SessionTestBase
{
    private const string SlowLines = "1..3 | ForEach-Object { \"line$_\"; Start-Sleep -Seconds 120 }";

    private readonly List<string> _warnings = [];

    private PSRemotingClient NewWarningClient() => new(new PSRemotingClientOptions
    {
        TimeProvider = Clock!,
        Warning = w =>
        {
            lock (_warnings) _warnings.Add(w);
        },
    });

    private async Task<RemoteCommandDisconnectedException> InvokeThroughOutageAsync(PSRemotingClient client, PSSession session, TimeSpan outage)
    {
        var invoke = client.InvokeAsync(session, SlowLines);
        await AdvanceUntilAsync(Task.Delay(TimeSpan.FromSeconds(30), Clock!).ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromSeconds(1));
        Emulator.Services.InjectFault(new FaultRule { Kind = InjectedFaultKind.Outage, Duration = outage, Count = 1 });
        var failed = invoke.ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default);
        var error = await AdvanceUntilAsync(failed, TimeSpan.FromSeconds(1));
        return error as RemoteCommandDisconnectedException ?? throw new AssertionException($"Expected the command to be disconnected, got {error?.GetType().Name}: {error?.Message}");
    }

    [Test]
    public async Task An_outage_outlasting_the_retries_turns_the_running_command_into_a_disconnected_job_and_nothing_is_lost()
    {
        var client = NewWarningClient();
        var session = await NewSessionAsync(client, "AD");

        var disconnected = await InvokeThroughOutageAsync(client, session, TimeSpan.FromMinutes(6));

        Assert.That(session.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(disconnected.Job.State, Is.EqualTo(JobState.Disconnected));
        Assert.That(client.Jobs, Does.Contain(disconnected.Job));
        Assert.That(disconnected.Error.FullyQualifiedErrorId, Is.EqualTo("PowerShellNetworkFailedStartDisconnect"));
        Assert.That(disconnected.Error.Category, Is.EqualTo(ErrorCategory.OperationTimeout));
        Assert.That(_warnings, Does.Contain($"The reconnection attempt to {session.ComputerName} failed. Attempting to disconnect the session...")
            .And.Contain($"Computer {session.ComputerName} has been successfully disconnected."));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Disconnect" && j.HttpStatus == 200), Is.EqualTo(1));

        // Later (the network is back): Receive-PSSession reconnects the job's command and collects the rest.
        Clock!.Advance(TimeSpan.FromMinutes(10));
        var received = await AdvanceAsync(client.ReceiveAsync(session, OutTarget.Host));

        Assert.That(received.Results!.OutputText, Is.EqualTo(new[] { "line2", "line3" }));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
    }

    [Test]
    public async Task When_the_disconnect_fails_too_the_session_is_broken_and_no_job_is_made()
    {
        var client = NewWarningClient();
        var session = await NewSessionAsync(client);
        var invoke = client.InvokeAsync(session, SlowLines);
        await AdvanceUntilAsync(Task.Delay(TimeSpan.FromSeconds(30), Clock!).ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromSeconds(1));
        Emulator.Services.InjectFault(new FaultRule { Kind = InjectedFaultKind.Outage, Duration = TimeSpan.FromMinutes(15), Count = 1 });

        var error = await AdvanceUntilAsync(invoke.ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default), TimeSpan.FromSeconds(1));

        Assert.That(error, Is.TypeOf<PSRemotingException>());
        Assert.That(((PSRemotingException)error!).FullyQualifiedErrorId, Is.EqualTo("PowerShellNetworkOrDisconnectFailed"));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Broken));
        Assert.That(client.Jobs, Is.Empty);
    }

    [Test]
    public async Task An_outage_outlasting_the_retries_leaves_an_as_job_command_disconnected_and_receive_pssession_resumes_the_same_job()
    {
        var client = NewWarningClient();
        var session = await NewSessionAsync(client, "AD");
        var job = await AdvanceAsync(client.InvokeAsJobAsync(session, SlowLines));
        await AdvanceAsync(job.WaitForOutputAsync(1));
        Emulator.Services.InjectFault(new FaultRule { Kind = InjectedFaultKind.Outage, Duration = TimeSpan.FromMinutes(6), Count = 1 });

        await AdvanceUntilAsync(job.WaitAsync().ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromSeconds(1));

        Assert.That(job.State, Is.EqualTo(JobState.Disconnected), job.Reason?.Message);
        Assert.That(job.Reason, Is.Null);
        Assert.That(session.State, Is.EqualTo(RunspaceState.Disconnected));
        Assert.That(_warnings, Does.Contain($"Computer {session.ComputerName} has been successfully disconnected."));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Disconnect" && j.HttpStatus == 200), Is.EqualTo(1));

        // Later (the network is back): Receive-PSSession -OutTarget Job reconnects this very job, which collects the rest.
        Clock!.Advance(TimeSpan.FromMinutes(10));
        var received = await AdvanceAsync(client.ReceiveAsync(session, OutTarget.Job));
        Assert.That(received.Job, Is.SameAs(job));
        await AdvanceUntilAsync(job.WaitAsync(force: true).ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromSeconds(1));

        Assert.That(job.State, Is.EqualTo(JobState.Completed));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "line1", "line2", "line3" }));
    }

    [Test]
    public async Task When_the_disconnect_fails_too_an_as_job_command_fails_with_the_network_error()
    {
        var client = NewWarningClient();
        var session = await NewSessionAsync(client);
        var job = await AdvanceAsync(client.InvokeAsJobAsync(session, SlowLines));
        await AdvanceAsync(job.WaitForOutputAsync(1));
        Emulator.Services.InjectFault(new FaultRule { Kind = InjectedFaultKind.Outage, Duration = TimeSpan.FromMinutes(15), Count = 1 });

        await AdvanceUntilAsync(job.WaitAsync().ContinueWith(_ => 0, TaskScheduler.Default), TimeSpan.FromSeconds(1));

        Assert.That(job.State, Is.EqualTo(JobState.Failed));
        Assert.That(session.State, Is.EqualTo(RunspaceState.Broken));
        Assert.That(_warnings, Does.Contain($"The reconnection attempt to {session.ComputerName} failed. Attempting to disconnect the session..."));
    }
}
