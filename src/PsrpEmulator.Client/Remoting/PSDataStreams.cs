using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Remoting;

/// <summary>What a remote command produced, stream by stream (Receive-Job's and Receive-PSSession's results).</summary>
public sealed class PSDataStreams
{
    public List<PsValue> Output { get; } = [];

    public List<ErrorRecordInfo> Error { get; } = [];

    public List<string> Warning { get; } = [];

    public List<string> Verbose { get; } = [];

    public List<string> Debug { get; } = [];

    public List<InformationRecordMessage> Information { get; } = [];

    public List<ProgressRecordMessage> Progress { get; } = [];

    public bool IsEmpty => Output.Count + Error.Count + Warning.Count + Verbose.Count + Debug.Count + Information.Count + Progress.Count == 0;

    /// <summary>The output as PowerShell would display it (ToString of each object).</summary>
    public string[] OutputText => [.. Output.Select(o => o.ToDisplayString())];

    internal void Add(PipelineEvent e, string computerName, Guid runspaceId, bool showComputerName)
    {
        switch (e)
        {
            case OutputEvent o:
                Output.Add(RemoteObjects.Stamp(o.Value, computerName, runspaceId, showComputerName));
                break;
            case ErrorEvent err:
                Error.Add(err.Error);
                break;
            case InformationalEvent { Stream: PsrpMessageType.WarningRecord } w:
                Warning.Add(w.Message);
                break;
            case InformationalEvent { Stream: PsrpMessageType.VerboseRecord } v:
                Verbose.Add(v.Message);
                break;
            case InformationalEvent { Stream: PsrpMessageType.DebugRecord } d:
                Debug.Add(d.Message);
                break;
            case InformationEvent i:
                Information.Add(i.Record);
                break;
            case ProgressEvent p:
                Progress.Add(p.Record);
                break;
        }
    }

    internal void MoveTo(PSDataStreams target, bool keep)
    {
        target.Output.AddRange(Output);
        target.Error.AddRange(Error);
        target.Warning.AddRange(Warning);
        target.Verbose.AddRange(Verbose);
        target.Debug.AddRange(Debug);
        target.Information.AddRange(Information);
        target.Progress.AddRange(Progress);
        if (keep) return;
        Output.Clear();
        Error.Clear();
        Warning.Clear();
        Verbose.Clear();
        Debug.Clear();
        Information.Clear();
        Progress.Clear();
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
