using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Remoting;

/// <summary>
/// A host method a job's command called, waiting in the job's results until their reader runs it on its host, as
/// PowerShell's remoting job queues a ClientMethodExecutor that Receive-Job executes. A call that returns something
/// holds the command (the job is Blocked) until <see cref="Answer"/> sends its answer.
/// </summary>
public sealed class JobHostCall
{
    private readonly TaskCompletionSource<PipelineHostResponse> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal JobHostCall(PipelineHostCall call, RemoteHostCallContext context)
    {
        Call = call;
        Context = context;
    }

    public PipelineHostCall Call { get; }

    /// <summary>What the answer may need of the session (the session key of a SecureString answer).</summary>
    public RemoteHostCallContext Context { get; }

    /// <summary>Whether the command waits for an answer (a void call, such as WriteLine, is only run).</summary>
    public bool ExpectsResponse => Call.ExpectsResponse;

    /// <summary>
    /// Sends the host's answer to the waiting command (after a reconnect when the session is disconnected). Only the
    /// first answer counts (a Receive-Job -Keep runs the call again), and none is sent for a void call or once the job
    /// finished; false then.
    /// </summary>
    public bool Answer(PipelineHostResponse response) => ExpectsResponse && _response.TrySetResult(response);

    internal Task<PipelineHostResponse> Response => _response.Task;

    internal void Abandon() => _response.TrySetCanceled();
}
