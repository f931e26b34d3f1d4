using System.Management.Automation;
using PsrpEmulator.Client.Remoting;
using ClientJobState = PsrpEmulator.Protocol.Psrp.JobState;
using SmaJobState = System.Management.Automation.JobState;

namespace PsrpEmulator.PowerShell;

/// <summary>
/// A remote job as PowerShell shows it (PSJobTypeName RemoteJob): a parent job with one child job per session,
/// registered in the runspace's job repository so the built-in Get-Job, Receive-Job, Wait-Job, Stop-Job and
/// Remove-Job work on it. Its state aggregates the children's (a disconnected child makes it Disconnected).
/// </summary>
public sealed class RemotingJob : Job
{
    private readonly Lock _sync = new();

    /// <summary>Created before its children, so that it gets the lower Id (Job1 with child Job2, as PowerShell numbers them).</summary>
    internal RemotingJob(string command, string? name)
        : base(command, string.IsNullOrEmpty(name) ? null : name)
    {
        PSJobTypeName = "RemoteJob";
    }

    internal void AddChildren(IEnumerable<RemotingChildJob> children)
    {
        foreach (var child in children)
        {
            child.Parent = this;
            ChildJobs.Add(child);
            child.StateChanged += (_, _) => UpdateState();
        }

        UpdateState();
    }

    public override string Location => string.Join(",", ChildJobs.Select(c => c.Location).Distinct(StringComparer.OrdinalIgnoreCase));

    public override bool HasMoreData => ChildJobs.Any(c => c.HasMoreData) || Output.Count > 0 || Error.Count > 0;

    public override string StatusMessage => string.Empty;

    public override void StopJob()
    {
        foreach (var child in ChildJobs) child.StopJob();
    }

    internal void UpdateState()
    {
        lock (_sync)
        {
            var states = ChildJobs.Select(c => c.JobStateInfo.State).ToList();
            SmaJobState next;
            if (states.Count == 0) next = SmaJobState.Completed;
            // A child waiting for its host call's answer blocks the whole job, as PowerShell's parent job shows it.
            else if (states.Any(s => s == SmaJobState.Blocked)) next = SmaJobState.Blocked;
            else if (states.Any(s => s is SmaJobState.Running or SmaJobState.NotStarted)) next = SmaJobState.Running;
            else if (states.Any(s => s == SmaJobState.Disconnected)) next = SmaJobState.Disconnected;
            else if (states.Any(s => s == SmaJobState.Failed)) next = SmaJobState.Failed;
            else if (states.Any(s => s == SmaJobState.Stopped)) next = SmaJobState.Stopped;
            else next = SmaJobState.Completed;
            if (next == SmaJobState.Running && states.All(s => s == SmaJobState.NotStarted)) next = SmaJobState.NotStarted;
            if (JobStateInfo.State != next) SetJobState(next);
        }
    }
}

/// <summary>
/// One session's part of a <see cref="RemotingJob"/>: pumps what the client job receives into this job's
/// collections (output objects deserialized and stamped with PSComputerName, RunspaceId, PSShowComputerName) and
/// mirrors its state. The same object continues after a same-client reconnect.
/// </summary>
public sealed class RemotingChildJob : Job
{
    private readonly Lock _sync = new();

    internal RemotingChildJob(PSRemotingJob job)
        : base(job.Command)
    {
        ClientJob = job;
        PSJobTypeName = "RemoteJob";
        _ordered = RemoteData.UseResultsCollection(this);
        job.Changed += (_, _) => Pump();
        Pump();
    }

    // Its records go through the job's ordered results collection, which Receive-Job reads (see RemoteData.AddTo).
    private readonly bool _ordered;

    /// <summary>The client's job behind this one.</summary>
    public PSRemotingJob ClientJob { get; }

    internal RemotingJob? Parent { get; set; }

    public override string Location => ClientJob.Location;

    public override bool HasMoreData
    {
        get
        {
            // As PowerShell's PSRemotingChildJob (Results.IsOpen || Results.Count > 0): results stay open until the job ends.
            return JobStateInfo.State is not (SmaJobState.Completed or SmaJobState.Failed or SmaJobState.Stopped) ||
                   (_ordered ? RemoteData.PendingResults(this) > 0
                       : Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0);
        }
    }

    public override string StatusMessage => string.Empty;

    public override void StopJob()
    {
        try
        {
            ClientJob.StopAsync().GetAwaiter().GetResult();
        }
        finally
        {
            Pump();
        }
    }

    /// <summary>Moves what the client job holds into this job's collections and mirrors its state.</summary>
    internal void Pump()
    {
        lock (_sync)
        {
            var results = ClientJob.ReceiveJob();
            if (!results.IsEmpty) RemoteData.AddTo(this, results, ClientJob.Session.ComputerName, ClientJob.Session.InstanceId, ClientJob.Session.Pool?.SessionKey);
            var state = ClientJob.State switch
            {
                ClientJobState.NotStarted => SmaJobState.NotStarted,
                _ => (SmaJobState)(int)ClientJob.State,
            };
            if (JobStateInfo.State != state && !IsFinished(JobStateInfo.State)) SetJobState(state);
        }
    }

    private static bool IsFinished(SmaJobState state) => state is SmaJobState.Completed or SmaJobState.Failed or SmaJobState.Stopped;
}
