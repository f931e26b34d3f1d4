using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Remoting;

/// <summary>
/// A remote job (Invoke-Command -AsJob, Receive-PSSession -OutTarget Job): one session, one remote command, whose
/// output a background Task receives into the job's streams. A disconnect makes it Disconnected (it keeps what it has
/// and gets nothing more); a same-client reconnect continues this very object.
/// </summary>
public sealed class PSRemotingJob
{
    private readonly Lock _sync = new();
    private readonly PSDataStreams _results = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _stateChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PowerShellPipeline? _pipeline;
    private Task _loop = Task.CompletedTask;
    private JobState _state = JobState.NotStarted;
    private readonly Func<PSRemotingJob, Task>? _onNetworkLoss;

    /// <param name="onNetworkLoss">
    /// Called by the receive loop when the transport gave up after a network failure: the client's auto-disconnect
    /// of the session (which must not wait for this loop, that is running it).
    /// </param>
    internal PSRemotingJob(int id, string? name, PSSession session, string command, bool hideComputerName, Func<PSRemotingJob, Task>? onNetworkLoss = null)
    {
        _onNetworkLoss = onNetworkLoss;
        Id = id;
        Name = string.IsNullOrEmpty(name) ? $"Job{id}" : name;
        Session = session;
        Command = command;
        HideComputerName = hideComputerName;
    }

    public int Id { get; }

    /// <summary>The client's host UI, which answers the host calls the job's command makes.</summary>
    internal RemoteHostCallHandler? HostCalls { get; init; }

    /// <summary>Host calls wait in the results for their reader instead (<see cref="PSRemotingClientOptions.QueueJobHostCalls"/>).</summary>
    internal bool QueueHostCalls { get; init; }

    // Cancelled when the job stops or its session disconnects: a host call handler still running is asked to give up.
    private CancellationTokenSource _hostCallWaits = new();

    // Cancelled when the job finishes: a queued host call still unanswered then takes no answer.
    private readonly CancellationTokenSource _finishedForHostCalls = new();

    // Queued host calls that wait for an answer (the job is Blocked while there are any).
    private int _unanswered;

    /// <summary>Raised (on a background thread) after new results arrived or the state changed.</summary>
    public event EventHandler? Changed;

    public string Name { get; }

    public Guid InstanceId { get; } = Guid.NewGuid();

    public string Command { get; }

    public string PSJobTypeName => "RemoteJob";

    /// <summary>The computer the job runs on.</summary>
    public string Location => Session.ComputerName;

    public PSSession Session { get; }

    public bool HideComputerName { get; }

    public JobState State
    {
        get
        {
            lock (_sync) return _state;
        }
    }

    /// <summary>Why the job failed, when it did.</summary>
    public ErrorRecordInfo? Reason { get; private set; }

    public bool HasMoreData
    {
        get
        {
            lock (_sync) return !_results.IsEmpty;
        }
    }

    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Stopped;

    /// <summary>
    /// Receive-Job: everything the job holds, removed from it unless <paramref name="keep"/>. Output objects carry
    /// PSComputerName, RunspaceId and PSShowComputerName.
    /// </summary>
    public PSDataStreams ReceiveJob(bool keep = false)
    {
        var results = new PSDataStreams();
        lock (_sync) _results.MoveTo(results, keep);
        return results;
    }

    /// <summary>
    /// Wait-Job: completes when the job has finished, or, unless <paramref name="force"/>, when it is Disconnected
    /// (PowerShell's Wait-Job returns on Disconnected without -Force).
    /// </summary>
    public async Task WaitAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                if (_state is JobState.Completed or JobState.Failed or JobState.Stopped) return;
                if (!force && _state == JobState.Disconnected) return;
                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> output objects have arrived (or the job stopped receiving).</summary>
    public async Task WaitForOutputAsync(int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                if (_results.Output.Count >= count || _state is not (JobState.Running or JobState.NotStarted)) return;
                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stop-Job: asks the server to stop the command; the job ends Stopped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var pipeline = _pipeline;
        if (pipeline is null || IsFinished) return;
        AbandonHostCalls();
        if (State == JobState.Disconnected)
        {
            SetState(JobState.Stopped);
            return;
        }

        try
        {
            await pipeline.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or Transport.WsManTransportException or Transport.WsManFaultException)
        {
            // The session is gone (removed, closed or unreachable): nothing is left to stop on the server.
            SetState(JobState.Stopped);
            return;
        }

        await _finished.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => $"{Id} {Name} {State} {HasMoreData} {Location}";

    /// <summary>Starts the background receive loop on a running (or just reconnected/connected) pipeline.</summary>
    internal void StartReceiving(PowerShellPipeline pipeline)
    {
        _pipeline = pipeline;
        if (_hostCallWaits.IsCancellationRequested) _hostCallWaits = new CancellationTokenSource();
        // A queued prompt that was waiting when the session disconnected still waits (its answer goes on this pipeline).
        SetState(Volatile.Read(ref _unanswered) > 0 ? JobState.Blocked : JobState.Running);
        _loop = Task.Run(() => ReceiveLoopAsync(pipeline));
    }

    /// <summary>A command that was running when its session auto-disconnected: Disconnected, to be reconnected later.</summary>
    internal void AttachDisconnected(PowerShellPipeline pipeline)
    {
        _pipeline = pipeline;
        SetState(JobState.Disconnected);
    }

    /// <summary>The end of the current receive loop (after a disconnect: once it has noticed).</summary>
    internal Task ReceiveLoopCompletion => _loop;

    /// <summary>The job's command, when the job has one.</summary>
    internal PowerShellPipeline? Pipeline => _pipeline;

    /// <summary>Reconnects this job's command (same client; its pool is already reconnected) and receives again.</summary>
    internal async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (State != JobState.Disconnected || _pipeline is null) return;
        await _loop.ConfigureAwait(false);
        if (_pipeline.State is PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped)
        {
            // Its end arrived before the disconnect took the job: nothing left to receive.
            SetState(JobStateOf(_pipeline.State));
            return;
        }

        if (_pipeline.State == PSInvocationState.Disconnected) await _pipeline.ReconnectAsync(cancellationToken).ConfigureAwait(false);
        StartReceiving(_pipeline);
    }

    private async Task ReceiveLoopAsync(PowerShellPipeline pipeline)
    {
        try
        {
            await foreach (var e in pipeline.ReadAllAsync().ConfigureAwait(false))
            {
                if (e is HostCallEvent { Call: var queuedCall } && QueueHostCalls)
                {
                    await QueueHostCallAsync(pipeline, queuedCall).ConfigureAwait(false);
                    continue;
                }

                if (e is HostCallEvent hostCall)
                {
                    // Answered here, with the client's host; the job is Blocked while a call that needs an answer waits
                    // for it, as PowerShell's remoting job is (which waits for Receive-Job to run the call).
                    var waits = hostCall.Call.ExpectsResponse;
                    if (waits) SetState(JobState.Blocked);
                    var abandoned = _hostCallWaits.Token;
                    try
                    {
                        await PSRemotingClient.AnswerHostCallAsync(pipeline, hostCall.Call, HostCalls, abandoned).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (abandoned.IsCancellationRequested)
                    {
                        // Stopped or disconnected while the call waited: no answer goes back; the pipeline's end follows.
                    }

                    if (waits) SetState(JobState.Running);
                    continue;
                }

                lock (_sync) _results.Add(e, Session.ComputerName, Session.InstanceId, !HideComputerName);
                if (e is StateEvent { State: PSInvocationState.Failed, Reason: { } reason })
                {
                    Reason = reason;
                    if (!PSRemotingClient.IsPipelineStopped(reason)) lock (_sync) _results.AddError(reason);
                }

                Pulse();
            }

            SetState(JobStateOf(pipeline.State));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As PowerShell's job during an outage outlasting the retries: the session auto-disconnects and the job
            // goes Disconnected (a later Receive-PSSession resumes it); only when that fails too does the job fail.
            if (PSRemotingClient.IsNetworkLoss(e) && _onNetworkLoss is { } onNetworkLoss)
            {
                try
                {
                    await onNetworkLoss(this).ConfigureAwait(false);
                }
                catch (Exception disconnectError) when (disconnectError is not OutOfMemoryException)
                {
                    // The job fails below with the network error.
                }
            }

            if (Session.Pool?.State is RunspacePoolState.Disconnected or RunspacePoolState.Disconnecting)
            {
                SetState(JobState.Disconnected);
                return;
            }

            var reason = new ErrorRecordInfo(e.Message, "JobFailure", ErrorCategory.OperationStopped, null, null, e.GetType().FullName, null);
            Reason = reason;
            lock (_sync) _results.AddError(reason);
            SetState(JobState.Failed);
        }
    }

    private static JobState JobStateOf(PSInvocationState state) => state switch
    {
        PSInvocationState.Disconnected => JobState.Disconnected,
        PSInvocationState.Failed => JobState.Failed,
        PSInvocationState.Stopped => JobState.Stopped,
        _ => JobState.Completed,
    };

    /// <summary>Gives up waiting for the answers of the host calls the job's command is waiting on (stop, disconnect).</summary>
    internal void AbandonHostCalls() => _hostCallWaits.Cancel();

    // PowerShell's PSRemotingChildJob.HandleHostCalls: the call joins the results as a method executor Receive-Job runs.
    // The loop goes on meanwhile (the command itself waits for a call's answer), so a stop or a disconnect is seen; a
    // call still unanswered at a disconnect can be answered after the reconnect, on the same pipeline, as PowerShell's.
    private async Task QueueHostCallAsync(PowerShellPipeline pipeline, PipelineHostCall call)
    {
        if (await PSRemotingClient.HostCallContextAsync(pipeline, call, _finishedForHostCalls.Token).ConfigureAwait(false) is not { } context) return;
        var queued = new JobHostCall(call, context);
        if (queued.ExpectsResponse) Interlocked.Increment(ref _unanswered);
        // In the results before the job is Blocked: whoever sees Blocked finds the call it waits on.
        lock (_sync) _results.AddHostCall(queued);
        if (queued.ExpectsResponse)
        {
            SetState(JobState.Blocked);
            _ = SendAnswerAsync(queued);
        }

        Pulse();
    }

    private async Task SendAnswerAsync(JobHostCall queued)
    {
        PipelineHostResponse response;
        using (_finishedForHostCalls.Token.Register(queued.Abandon))
        {
            try
            {
                response = await queued.Response.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // Answered: no longer waiting for the user, even while the answer waits for a reconnect.
        if (Interlocked.Decrement(ref _unanswered) == 0)
        {
            bool unblocked;
            lock (_sync)
            {
                unblocked = _state == JobState.Blocked;
                if (unblocked) _state = JobState.Running;
            }

            if (unblocked) Pulse();
        }

        // Answered while the session is disconnected: it goes once the job is connected again.
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                if (_state != JobState.Disconnected) break;
                changed = _stateChanged.Task;
            }

            await changed.ConfigureAwait(false);
        }

        try
        {
            if (!IsFinished && _pipeline is { } pipeline)
            {
                await pipeline.SendHostResponseAsync(response with { CallId = queued.Call.CallId, MethodId = queued.Call.MethodId }).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The command is gone (stopped, closed, unreachable): nothing waits for the answer any more.
        }
    }

    internal void SetState(JobState state)
    {
        var finishing = state is JobState.Completed or JobState.Failed or JobState.Stopped;
        // The queued calls stop taking answers before anyone can see the end (a stopped job's prompt answered right
        // after StopAsync is refused: it was answerable while the cancellation came after the state).
        if (finishing) _finishedForHostCalls.Cancel();
        lock (_sync) _state = state;
        if (finishing) _finished.TrySetResult();

        Pulse();
    }

    private void Pulse()
    {
        TaskCompletionSource previous;
        lock (_sync)
        {
            previous = _stateChanged;
            _stateChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
