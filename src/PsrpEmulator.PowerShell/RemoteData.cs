using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PSDataStreams = PsrpEmulator.Client.Remoting.PSDataStreams;
using SmaErrorCategory = System.Management.Automation.ErrorCategory;

namespace PsrpEmulator.PowerShell;

/// <summary>Turns what the client received into PowerShell objects and records, as remoting does (deserialized objects).</summary>
internal static class RemoteData
{
    private const string ObjsStart = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

    /// <summary>A received value as PowerShell's deserializer gives it (Deserialized.* property bags, primitives as is).</summary>
    public static object? ToObject(PsValue value)
    {
        if (value is PsNil) return null;
        var xml = ObjsStart + ClixmlSerializer.SerializeToString(value) + "</Objs>";
        return PSSerializer.Deserialize(xml);
    }

    /// <summary>
    /// A remote error record as PowerShell rehydrates it: its own id and category text from the wire
    /// (<c>CommandNotFoundException</c>, <c>ObjectNotFound: (x:String) [], CommandNotFoundException</c>), written without
    /// the writing cmdlet's invocation (see <see cref="Preserved"/>).
    /// </summary>
    public static ErrorRecord ToErrorRecord(ErrorRecordInfo info, string computerName, Guid runspaceId)
    {
        var record = new ErrorRecord(new RemoteException(info.Message), info.FullyQualifiedErrorId, (SmaErrorCategory)(int)info.Category, info.TargetName);
        if (!string.IsNullOrEmpty(info.CategoryReason)) record.CategoryInfo.Reason = info.CategoryReason;
        if (!string.IsNullOrEmpty(info.ActivityName)) record.CategoryInfo.Activity = info.ActivityName;
        return Preserved(new RemotingErrorRecord(record, new OriginInfo(computerName, runspaceId)));
    }

    // ErrorRecord.PreserveInvocationInfoOnce is internal. PowerShell sets it on every error a remote command or a job
    // hands to a cmdlet (PSStreamObject.WriteStreamObject, Receive-Job): WriteError then leaves the record's invocation
    // as it is instead of stamping the cmdlet's, whose type name would follow the error id
    // ("CommandNotFoundException,Microsoft.PowerShell.Commands.InvokeCommandCommand") and whose name would be the activity.
    private static readonly System.Reflection.PropertyInfo? PreserveInvocationInfoOnce =
        typeof(ErrorRecord).GetProperty("PreserveInvocationInfoOnce", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    /// <summary>The record, to be written (once) with its own invocation info, as PowerShell writes a remote command's errors.</summary>
    public static ErrorRecord Preserved(ErrorRecord record)
    {
        PreserveInvocationInfoOnce?.SetValue(record, true);
        return record;
    }

    /// <summary>Writes every stream to the cmdlet (the host path of Invoke-Command and Receive-PSSession).</summary>
    public static void Write(Cmdlet cmdlet, PSDataStreams streams, string computerName, Guid runspaceId)
    {
        foreach (var o in streams.Output) cmdlet.WriteObject(ToObject(o));
        foreach (var e in streams.Error) cmdlet.WriteError(ToErrorRecord(e, computerName, runspaceId));
        foreach (var w in streams.Warning) cmdlet.WriteWarning(w);
        foreach (var v in streams.Verbose) cmdlet.WriteVerbose(v);
        foreach (var d in streams.Debug) cmdlet.WriteDebug(d);
        foreach (var i in streams.Information) cmdlet.WriteInformation(ToInformation(i));
    }

    /// <summary>Appends every stream to a job's collections.</summary>
    public static void AddTo(Job job, PSDataStreams streams, string computerName, Guid runspaceId)
    {
        foreach (var o in streams.Output) job.Output.Add(ToObject(o) is { } obj ? PSObject.AsPSObject(obj) : null);
        foreach (var e in streams.Error) job.Error.Add(ToErrorRecord(e, computerName, runspaceId));
        foreach (var w in streams.Warning) job.Warning.Add(new WarningRecord(w));
        foreach (var v in streams.Verbose) job.Verbose.Add(new VerboseRecord(v));
        foreach (var d in streams.Debug) job.Debug.Add(new DebugRecord(d));
        foreach (var i in streams.Information) job.Information.Add(ToInformation(i));
        foreach (var p in streams.Progress)
        {
            job.Progress.Add(new ProgressRecord(p.ActivityId, p.Activity, string.IsNullOrEmpty(p.StatusDescription) ? " " : p.StatusDescription)
            {
                PercentComplete = p.PercentComplete,
                SecondsRemaining = p.SecondsRemaining,
                ParentActivityId = p.ParentActivityId,
                CurrentOperation = p.CurrentOperation,
            });
        }
    }

    private static InformationRecord ToInformation(InformationRecordMessage message)
    {
        // Write-Host's message as the live type PowerShell's host looks for (MshCommandRuntime.WriteInformation shows
        // a PSHOST record's HostInformationMessage in its colours, without a new line when asked), not as a
        // deserialized property bag.
        var data = message.Tags.Contains(PsrpEmulator.Protocol.Psrp.HostInformationMessage.HostTag) &&
                   PsrpEmulator.Protocol.Psrp.HostInformationMessage.TryRead(message.MessageData) is { } host
            ? new System.Management.Automation.HostInformationMessage
            {
                Message = host.Message,
                NoNewLine = host.NoNewLine,
                ForegroundColor = host.ForegroundColor,
                BackgroundColor = host.BackgroundColor,
            }
            : ToObject(message.MessageData);
        // The remote record's own origin, as InformationRecord.FromPSObjectForRemoting keeps it (not this process's).
        var record = new InformationRecord(data, message.Source)
        {
            TimeGenerated = message.TimeGenerated.LocalDateTime,
            User = message.User,
            Computer = message.Computer,
            ProcessId = message.ProcessId,
            NativeThreadId = message.NativeThreadId,
            ManagedThreadId = message.ManagedThreadId,
        };
        foreach (var tag in message.Tags) record.Tags.Add(tag);
        return record;
    }

    /// <summary>
    /// A command whose Send was refused: PowerShell fails its job (PSRemotingChildJob.ProcessJobFailure) and the error
    /// comes as the remote computer's, JobFailure without the cmdlet's name, with PSComputerName.
    /// </summary>
    public static ErrorRecord ToJobFailureRecord(PSRemotingException e, PsrpEmulator.Client.Remoting.PSSession session) =>
        Preserved(new RemotingErrorRecord(ToErrorRecord(e, session.ComputerName), new OriginInfo(session.ComputerName, session.InstanceId)));

    /// <summary>An ErrorRecord for a client error, with PowerShell's error id and category.</summary>
    public static ErrorRecord ToErrorRecord(PSRemotingException e, object? target = null)
    {
        Exception exception = e.InnerException is PsrpEmulator.Client.Transport.WsManFaultException or PsrpEmulator.Client.Transport.WsManTransportException
            ? new PSRemotingTransportException(e.Message, e)
            : new RuntimeException(e.Message, e);
        var targetObject = target ?? e.TargetObject switch
        {
            PsrpEmulator.Client.Remoting.PSSession s => (object)s,
            RemoteTarget t => t.ComputerName,
            var other => other,
        };
        return new ErrorRecord(exception, e.FullyQualifiedErrorId, (SmaErrorCategory)(int)e.Category, targetObject);
    }
}
