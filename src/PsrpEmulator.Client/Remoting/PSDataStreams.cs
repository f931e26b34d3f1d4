using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Remoting;

/// <summary>The stream a remote command's record belongs to.</summary>
public enum PSDataStream
{
    Output,
    Error,
    Warning,
    Verbose,
    Debug,
    Information,
    Progress,

    /// <summary>A host method the command called, for the reader to run (a job's, <see cref="PSRemotingClientOptions.QueueJobHostCalls"/>).</summary>
    HostCall,
}

/// <summary>
/// What a remote command produced, stream by stream (Receive-Job's and Receive-PSSession's results), and the order the
/// records came in across the streams (<see cref="InOrder"/>), in which PowerShell writes them.
/// </summary>
public sealed class PSDataStreams
{
    // Each record added through Add / AddError, as (stream, index in its list): 'a', an error, 'b' stay in that order.
    private readonly List<(PSDataStream Stream, int Index)> _order = [];

    public List<PsValue> Output { get; } = [];

    public List<ErrorRecordInfo> Error { get; } = [];

    public List<string> Warning { get; } = [];

    public List<string> Verbose { get; } = [];

    public List<string> Debug { get; } = [];

    public List<InformationRecordMessage> Information { get; } = [];

    public List<ProgressRecordMessage> Progress { get; } = [];

    public List<JobHostCall> HostCalls { get; } = [];

    public bool IsEmpty => Output.Count + Error.Count + Warning.Count + Verbose.Count + Debug.Count + Information.Count + Progress.Count + HostCalls.Count == 0;

    /// <summary>The output as PowerShell would display it (ToString of each object).</summary>
    public string[] OutputText => [.. Output.Select(o => o.ToDisplayString())];

    internal void Add(PipelineEvent e, string computerName, Guid runspaceId, bool showComputerName)
    {
        switch (e)
        {
            case OutputEvent o:
                Record(PSDataStream.Output, Output, RemoteObjects.Stamp(o.Value, computerName, runspaceId, showComputerName));
                break;
            case ErrorEvent err:
                Record(PSDataStream.Error, Error, err.Error);
                break;
            case InformationalEvent { Stream: PsrpMessageType.WarningRecord } w:
                Record(PSDataStream.Warning, Warning, w.Message);
                break;
            case InformationalEvent { Stream: PsrpMessageType.VerboseRecord } v:
                Record(PSDataStream.Verbose, Verbose, v.Message);
                break;
            case InformationalEvent { Stream: PsrpMessageType.DebugRecord } d:
                Record(PSDataStream.Debug, Debug, d.Message);
                break;
            case InformationEvent i:
                Record(PSDataStream.Information, Information, i.Record);
                break;
            case ProgressEvent p:
                Record(PSDataStream.Progress, Progress, p.Record);
                break;
        }
    }

    /// <summary>An error record after the ones already here (a failed command's reason, written last).</summary>
    public void AddError(ErrorRecordInfo error) => Record(PSDataStream.Error, Error, error);

    internal void AddHostCall(JobHostCall call) => Record(PSDataStream.HostCall, HostCalls, call);

    private void Record<T>(PSDataStream stream, List<T> list, T item)
    {
        _order.Add((stream, list.Count));
        list.Add(item);
    }

    /// <summary>
    /// Every record as (stream, index in that stream's list), in the order they came: records added to a list directly
    /// (not through <see cref="AddError"/> or the client) follow, stream by stream.
    /// </summary>
    public IEnumerable<(PSDataStream Stream, int Index)> InOrder()
    {
        Span<int> seen = stackalloc int[8];
        var ordered = new List<(PSDataStream, int)>(_order.Count);
        foreach (var (stream, index) in _order)
        {
            // A list cleared or shortened by its user since: what it no longer holds is gone.
            if (index >= CountOf(stream)) continue;
            ordered.Add((stream, index));
            seen[(int)stream] = Math.Max(seen[(int)stream], index + 1);
        }

        for (var stream = PSDataStream.Output; stream <= PSDataStream.HostCall; stream++)
        {
            for (var index = seen[(int)stream]; index < CountOf(stream); index++) ordered.Add((stream, index));
        }

        return ordered;
    }

    private int CountOf(PSDataStream stream) => stream switch
    {
        PSDataStream.Output => Output.Count,
        PSDataStream.Error => Error.Count,
        PSDataStream.Warning => Warning.Count,
        PSDataStream.Verbose => Verbose.Count,
        PSDataStream.Debug => Debug.Count,
        PSDataStream.Information => Information.Count,
        PSDataStream.Progress => Progress.Count,
        _ => HostCalls.Count,
    };

    internal void MoveTo(PSDataStreams target, bool keep)
    {
        foreach (var (stream, index) in InOrder())
        {
            switch (stream)
            {
                case PSDataStream.Output: target.Record(stream, target.Output, Output[index]); break;
                case PSDataStream.Error: target.Record(stream, target.Error, Error[index]); break;
                case PSDataStream.Warning: target.Record(stream, target.Warning, Warning[index]); break;
                case PSDataStream.Verbose: target.Record(stream, target.Verbose, Verbose[index]); break;
                case PSDataStream.Debug: target.Record(stream, target.Debug, Debug[index]); break;
                case PSDataStream.Information: target.Record(stream, target.Information, Information[index]); break;
                case PSDataStream.Progress: target.Record(stream, target.Progress, Progress[index]); break;
                default: target.Record(stream, target.HostCalls, HostCalls[index]); break;
            }
        }

        if (keep) return;
        Output.Clear();
        Error.Clear();
        Warning.Clear();
        Verbose.Clear();
        Debug.Clear();
        Information.Clear();
        Progress.Clear();
        HostCalls.Clear();
        _order.Clear();
    }
}

/// <summary>The note properties remoting adds to every received output object.</summary>
public static class RemoteObjects
{
    public const string ComputerNameProperty = "PSComputerName";
    public const string RunspaceIdProperty = "RunspaceId";
    public const string ShowComputerNameProperty = "PSShowComputerName";

    /// <summary>
    /// Adds (or replaces) PSComputerName and RunspaceId and adds PSShowComputerName when absent, like a remote job does.
    /// A primitive is wrapped in a PSObject (base value + note properties), as PowerShell wraps it; null stays null.
    /// </summary>
    public static PsValue Stamp(PsValue value, string computerName, Guid runspaceId, bool showComputerName)
    {
        if (value is PsNil) return value;
        var obj = value as PsObject ?? new PsObject { BaseValue = (PsPrimitive)value };
        obj.With(ComputerNameProperty, computerName).With(RunspaceIdProperty, PsPrimitive.Guid(runspaceId));
        if (obj[ShowComputerNameProperty] is null) obj.With(ShowComputerNameProperty, showComputerName);
        return obj;
    }
}
