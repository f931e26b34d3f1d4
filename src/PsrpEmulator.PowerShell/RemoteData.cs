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
internal static partial class RemoteData
{
    internal const string ObjsStart = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

    /// <summary>
    /// A received value as PowerShell's deserializer gives it (Deserialized.* property bags, primitives as is). Its
    /// SecureStrings come encrypted with the session key (<paramref name="sessionKey"/>): each becomes a live
    /// SecureString, as PowerShell's client decrypts them; one that does not decrypt (no key exchanged) an empty one.
    /// </summary>
    public static object? ToObject(PsValue value, byte[]? sessionKey = null)
    {
        if (value is PsNil) return null;
        if (!OperatingSystem.IsWindows()) value = WithoutCimClassMetadata(value);
        var xml = ObjsStart + ClixmlSerializer.SerializeToString(value) + "</Objs>";
        if (xml.Contains("<SS", StringComparison.Ordinal)) xml = SecureStringElement().Replace(xml, m => m.Groups["open"].Value + LocalSecureString(m.Groups["text"].Value, sessionKey) + "</SS>");
        return PSSerializer.Deserialize(xml);
    }

    /// <summary>
    /// The value without the class metadata Windows sends with a CimInstance (<c>__ClassMetadata</c>,
    /// <c>__InstanceMetadata</c>). PowerShell's deserializer rehydrates a live CimInstance from it through the MI
    /// library, which only Windows has: elsewhere the first class schema throws DllNotFoundException (libmi) and the
    /// whole pipeline fails. Off Windows the client keeps the deserialized property bag, as PSWSMan's client does.
    /// </summary>
    internal static PsValue WithoutCimClassMetadata(PsValue value) => WithoutCimClassMetadata(value, 0, new HashSet<PsObject>(ReferenceEqualityComparer.Instance));

    // A received graph can share objects and even hold itself (CLIXML references): each object is looked at once, and
    // no deeper than PowerShell's deserializer goes (50 levels).
    private static PsValue WithoutCimClassMetadata(PsValue value, int depth, HashSet<PsObject> seen)
    {
        if (value is not PsObject obj || depth >= 50 || !seen.Add(obj)) return value;
        PsObject? copy = null;
        if (obj.ExtendedProperties.Exists(p => p.Name is "__ClassMetadata" or "__InstanceMetadata"))
        {
            copy = obj.ShallowCopy();
            copy.ExtendedProperties.RemoveAll(p => p.Name is "__ClassMetadata" or "__InstanceMetadata");
        }

        // An embedded instance, a note's, or one in a collection is rehydrated just the same.
        var notes = (copy ?? obj).ExtendedProperties;
        for (var i = 0; i < notes.Count; i++)
        {
            var inner = WithoutCimClassMetadata(notes[i].Value, depth + 1, seen);
            if (ReferenceEquals(inner, notes[i].Value)) continue;
            copy ??= obj.ShallowCopy();
            copy.ExtendedProperties[i] = new PsProperty(notes[i].Name, inner);
        }

        for (var i = 0; i < obj.AdaptedProperties.Count; i++)
        {
            var inner = WithoutCimClassMetadata(obj.AdaptedProperties[i].Value, depth + 1, seen);
            if (ReferenceEquals(inner, obj.AdaptedProperties[i].Value)) continue;
            copy ??= obj.ShallowCopy();
            copy.AdaptedProperties[i] = new PsProperty(obj.AdaptedProperties[i].Name, inner);
        }

        for (var i = 0; i < obj.Items.Count; i++)
        {
            var inner = WithoutCimClassMetadata(obj.Items[i], depth + 1, seen);
            if (ReferenceEquals(inner, obj.Items[i])) continue;
            copy ??= obj.ShallowCopy();
            copy.Items[i] = inner;
        }

        return copy ?? obj;
    }

    // PSSerializer reads an SS element in this platform's own protected form (DPAPI on Windows, hex elsewhere): the
    // text it writes for the same SecureString.
    private static string LocalSecureString(string encrypted, byte[]? sessionKey)
    {
        string plain;
        try
        {
            plain = sessionKey is null ? string.Empty : SessionKeys.DecryptSecureString(sessionKey, encrypted);
        }
        catch (FormatException)
        {
            plain = string.Empty;
        }

        var secure = new System.Net.NetworkCredential(string.Empty, plain).SecurePassword;
        var local = PSSerializer.Serialize(secure);
        var match = SecureStringElement().Match(local);
        return match.Success ? match.Groups["text"].Value : string.Empty;
    }

    /// <summary>An <c>SS</c> element of a CLIXML document: its opening tag and its text.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<open><SS(?:\s[^>]*)?>)(?<text>[^<]*)</SS>", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    internal static partial System.Text.RegularExpressions.Regex SecureStringElement();

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
        // The remote script's stack trace, as ErrorRecord.FromPSObjectForRemoting keeps ErrorDetails_ScriptStackTrace
        // (RemotingErrorRecord copies it; LockScriptStackTrace then leaves it as it is).
        if (info.ScriptStackTrace is { } stackTrace) ScriptStackTraceField?.SetValue(record, stackTrace);
        return Preserved(new RemotingErrorRecord(record, new OriginInfo(computerName, runspaceId)));
    }

    // ErrorRecord.ScriptStackTrace has no setter: its backing field, as PowerShell's own rehydration sets it.
    private static readonly System.Reflection.FieldInfo? ScriptStackTraceField =
        typeof(ErrorRecord).GetField("_scriptStackTrace", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

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

    /// <summary>
    /// Writes every record to the cmdlet in the order the records came (the host path of Invoke-Command and
    /// Receive-PSSession), as PowerShell writes a remote command's output, errors and messages interleaved.
    /// </summary>
    /// <remarks>
    /// The remote host showed the warning, verbose and debug messages and Write-Host's text already: on a client
    /// host with a UI the server calls it for each (a void host call after the record), and those calls run on this
    /// cmdlet's host. So, as PowerShell's PSStreamObject and PSRemotingChildJob do, a warning only goes to
    /// -WarningVariable, verbose and debug records go nowhere (<c>3&gt;&amp;1</c> does not take a remote warning, as
    /// in PowerShell), and a Write-Host record is tagged FORWARDED so that WriteInformation does not show it twice.
    /// </remarks>
    public static void Write(Cmdlet cmdlet, PSDataStreams streams, string computerName, Guid runspaceId, byte[]? sessionKey = null)
    {
        foreach (var (stream, index) in streams.InOrder())
        {
            switch (stream)
            {
                case PSDataStream.Output: cmdlet.WriteObject(ToObject(streams.Output[index], sessionKey)); break;
                case PSDataStream.Error: cmdlet.WriteError(ToErrorRecord(streams.Error[index], computerName, runspaceId)); break;
                case PSDataStream.Warning: AppendWarningVarList(cmdlet, new WarningRecord(streams.Warning[index])); break;
                case PSDataStream.Information: cmdlet.WriteInformation(Forwarded(ToInformation(streams.Information[index], sessionKey))); break;
                // Verbose, debug and progress records: shown by the host calls only (PowerShell keeps them in the job's streams).
                default: break;
            }
        }
    }

    private const string ForwardedTag = "FORWARDED";

    // A Write-Host record the host has shown already (PSRemotingChildJob.HandleInformationAdded).
    private static InformationRecord Forwarded(InformationRecord record)
    {
        if (record.Tags.Contains(PsrpEmulator.Protocol.Psrp.HostInformationMessage.HostTag) && !record.Tags.Contains(ForwardedTag)) record.Tags.Add(ForwardedTag);
        return record;
    }

    // MshCommandRuntime.AppendWarningVarList is internal: what PSStreamObject calls for a remote warning. Null when
    // this PowerShell has it not (the warning then goes to no variable; the host call has shown it).
    private static readonly System.Reflection.MethodInfo? AppendWarningVarListMethod =
        typeof(Cmdlet).Assembly.GetType("System.Management.Automation.MshCommandRuntime")?.GetMethod("AppendWarningVarList", Internal, [typeof(object)]);

    private static void AppendWarningVarList(Cmdlet cmdlet, WarningRecord record)
    {
        if (AppendWarningVarListMethod is { } append && cmdlet.CommandRuntime is { } runtime && append.DeclaringType!.IsInstanceOfType(runtime)) append.Invoke(runtime, [record]);
    }

    // Job's internal writers (Job.WriteObject, WriteError, ...): each adds to its stream's collection and to the job's
    // Results, the ordered collection Receive-Job reads for a job that UsesResultsCollection, as PowerShell's
    // PSRemotingChildJob does. Null when this PowerShell has them not (then the collections are filled directly).
    private const System.Reflection.BindingFlags Internal = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
    private static readonly System.Reflection.MethodInfo? JobWriteObject = typeof(Job).GetMethod("WriteObject", Internal, [typeof(object)]);
    private static readonly System.Reflection.MethodInfo? JobWriteError = typeof(Job).GetMethod("WriteError", Internal, [typeof(ErrorRecord)]);
    private static readonly System.Reflection.MethodInfo? JobWriteWarning = typeof(Job).GetMethod("WriteWarning", Internal, [typeof(string)]);
    private static readonly System.Reflection.MethodInfo? JobWriteVerbose = typeof(Job).GetMethod("WriteVerbose", Internal, [typeof(string)]);
    private static readonly System.Reflection.MethodInfo? JobWriteDebug = typeof(Job).GetMethod("WriteDebug", Internal, [typeof(string)]);
    private static readonly System.Reflection.MethodInfo? JobWriteInformation = typeof(Job).GetMethod("WriteInformation", Internal, [typeof(InformationRecord)]);
    private static readonly System.Reflection.MethodInfo? JobWriteProgress = typeof(Job).GetMethod("WriteProgress", Internal, [typeof(ProgressRecord)]);
    private static readonly System.Reflection.PropertyInfo? JobUsesResultsCollection = typeof(Job).GetProperty("UsesResultsCollection", Internal);
    private static readonly System.Reflection.PropertyInfo? JobResults = typeof(Job).GetProperty("Results", Internal);

    private static bool HasResultsCollection =>
        JobWriteObject is not null && JobWriteError is not null && JobWriteWarning is not null && JobWriteVerbose is not null && JobWriteDebug is not null &&
        JobWriteInformation is not null && JobWriteProgress is not null && JobUsesResultsCollection is not null && JobResults is not null;

    /// <summary>
    /// Makes the job keep its records in order for Receive-Job (Job.UsesResultsCollection, as PowerShell's remoting
    /// child jobs); false when this PowerShell does not allow it.
    /// </summary>
    public static bool UseResultsCollection(Job job)
    {
        if (!HasResultsCollection) return false;
        JobUsesResultsCollection!.SetValue(job, true);
        return true;
    }

    /// <summary>The records Receive-Job has still to write from a job that uses its results collection.</summary>
    public static int PendingResults(Job job) => JobResults?.GetValue(job) is System.Collections.ICollection results ? results.Count : 0;

    // PSStreamObject's BlockingError entry runs a CmdletMethodInvoker<object>'s Action on Receive-Job's pipeline thread,
    // with Receive-Job as the cmdlet: how a job's host call runs there, as PowerShell's MethodExecutor entries do
    // (whose ClientMethodExecutor only PowerShell's own transport can make). Null when this PowerShell has it not.
    private static readonly Type? CmdletMethodInvoker =
        typeof(Cmdlet).Assembly.GetType("System.Management.Automation.Remoting.CmdletMethodInvoker`1")?.MakeGenericType(typeof(object));
    private static readonly System.Reflection.PropertyInfo? InvokerAction = CmdletMethodInvoker?.GetProperty("Action", Internal | System.Reflection.BindingFlags.Public);
    private static readonly System.Reflection.PropertyInfo? InvokerSyncObject = CmdletMethodInvoker?.GetProperty("SyncObject", Internal | System.Reflection.BindingFlags.Public);

    /// <summary>
    /// Whether a job's host calls can wait in its results for Receive-Job to run them on its host (as PowerShell's
    /// remoting jobs do); when not, they run as they come on the host of the cmdlet then running, if any.
    /// </summary>
    public static bool RunsJobHostCallsOnReceive =>
        HasResultsCollection && CmdletMethodInvoker is not null && InvokerAction?.CanWrite == true && InvokerSyncObject?.CanWrite == true &&
        JobReadAll is not null && StreamObjectWrite is not null;

    /// <summary>
    /// Appends every record to a job, in the order they came (through its results collection when it uses one). With
    /// the host calls in the results (<see cref="RunsJobHostCallsOnReceive"/>), the records go where PowerShell's
    /// PSRemotingChildJob puts them, since the host calls show the messages: a warning only fills -WarningVariable,
    /// verbose, debug and progress records only the job's streams, a Write-Host record is tagged FORWARDED.
    /// </summary>
    public static void AddTo(Job job, PSDataStreams streams, string computerName, Guid runspaceId, byte[]? sessionKey = null)
    {
        var ordered = HasResultsCollection && (bool)JobUsesResultsCollection!.GetValue(job)!;
        var hostCalls = ordered && RunsJobHostCallsOnReceive;
        // The results collection itself, for the entries no Job writer makes (a warning for -WarningVariable only, a host call).
        var results = hostCalls ? (PSDataCollection<System.Management.Automation.Remoting.Internal.PSStreamObject>?)JobResults!.GetValue(job) : null;
        foreach (var (stream, index) in streams.InOrder())
        {
            switch (stream)
            {
                case PSDataStream.Output:
                    var value = ToObject(streams.Output[index], sessionKey) is { } obj ? PSObject.AsPSObject(obj) : null;
                    if (ordered) JobWriteObject!.Invoke(job, [value]);
                    else job.Output.Add(value);
                    break;
                case PSDataStream.Error:
                    var error = ToErrorRecord(streams.Error[index], computerName, runspaceId);
                    if (ordered) JobWriteError!.Invoke(job, [error]);
                    else job.Error.Add(error);
                    break;
                case PSDataStream.Warning when results is not null:
                    var warning = new WarningRecord(streams.Warning[index]);
                    job.Warning.Add(warning);
                    results.Add(new(System.Management.Automation.Remoting.Internal.PSStreamObjectType.WarningRecord, warning));
                    break;
                case PSDataStream.Warning:
                    if (ordered) JobWriteWarning!.Invoke(job, [streams.Warning[index]]);
                    else job.Warning.Add(new WarningRecord(streams.Warning[index]));
                    break;
                case PSDataStream.Verbose:
                    if (ordered && !hostCalls) JobWriteVerbose!.Invoke(job, [streams.Verbose[index]]);
                    else job.Verbose.Add(new VerboseRecord(streams.Verbose[index]));
                    break;
                case PSDataStream.Debug:
                    if (ordered && !hostCalls) JobWriteDebug!.Invoke(job, [streams.Debug[index]]);
                    else job.Debug.Add(new DebugRecord(streams.Debug[index]));
                    break;
                case PSDataStream.Information:
                    var information = ToInformation(streams.Information[index], sessionKey);
                    if (hostCalls) information = Forwarded(information);
                    if (ordered) JobWriteInformation!.Invoke(job, [information]);
                    else job.Information.Add(information);
                    break;
                case PSDataStream.Progress:
                    var progress = ToProgressRecord(streams.Progress[index]);
                    if (ordered && !hostCalls) JobWriteProgress!.Invoke(job, [progress]);
                    else job.Progress.Add(progress);
                    break;
                case PSDataStream.HostCall when results is not null:
                    results.Add(new(System.Management.Automation.Remoting.Internal.PSStreamObjectType.BlockingError, HostCallInvoker(streams.HostCalls[index])));
                    break;
                default:
                    // Nothing here can run it on a host: a call that waits gets the answer of a client without one.
                    var call = streams.HostCalls[index];
                    call.Answer(RemoteHostUI.NoHost(call.Call));
                    break;
            }
        }
    }

    private static readonly System.Reflection.MethodInfo? JobReadAll = typeof(Job).GetMethod("ReadAll", Internal, Type.EmptyTypes);
    private static readonly System.Reflection.MethodInfo? StreamObjectWrite =
        typeof(System.Management.Automation.Remoting.Internal.PSStreamObject).GetMethod("WriteStreamObject", Internal | System.Reflection.BindingFlags.Public, [typeof(Cmdlet), typeof(bool)]);

    /// <summary>Whether <see cref="WriteResults"/> can write a job's results collection (the one its host calls wait in).</summary>
    public static bool CanWriteResults(Job job) => RunsJobHostCallsOnReceive && (bool)JobUsesResultsCollection!.GetValue(job)!;

    /// <summary>
    /// Writes (and takes) what a job's results collection holds to <paramref name="cmdlet"/>, host calls run on its
    /// host, as Receive-PSSession writes the results of a job it connects to the host (PSStreamObject.WriteStreamObject).
    /// </summary>
    public static void WriteResults(Cmdlet cmdlet, Job job)
    {
        const System.Reflection.BindingFlags Unwrapped = System.Reflection.BindingFlags.DoNotWrapExceptions;
        if (JobReadAll!.Invoke(job, Unwrapped, null, null, null) is not System.Collections.IEnumerable results) return;
        foreach (var result in results)
        {
            if (result is not null) StreamObjectWrite!.Invoke(result, Unwrapped, null, [cmdlet, false], null);
        }
    }

    private static object HostCallInvoker(JobHostCall call)
    {
        var invoker = Activator.CreateInstance(CmdletMethodInvoker!, nonPublic: true)!;
        InvokerSyncObject!.SetValue(invoker, new object());
        InvokerAction!.SetValue(invoker, new Func<Cmdlet, object?>(cmdlet =>
        {
            // RemoteHostUI.Run answers what the host throws; a void call's answer goes nowhere.
            call.Answer(RemoteHostUI.Run(cmdlet.CommandRuntime?.Host, call.Call, call.Context));
            return null;
        }));
        return invoker;
    }

    /// <summary>A remote progress record as PowerShell's (an empty status is one space: ProgressRecord refuses an empty one).</summary>
    public static ProgressRecord ToProgressRecord(PsrpEmulator.Protocol.Psrp.ProgressRecordMessage p) =>
        new(p.ActivityId, p.Activity, string.IsNullOrEmpty(p.StatusDescription) ? " " : p.StatusDescription)
        {
            PercentComplete = p.PercentComplete,
            SecondsRemaining = p.SecondsRemaining,
            ParentActivityId = p.ParentActivityId,
            CurrentOperation = p.CurrentOperation,
        };

    private static InformationRecord ToInformation(InformationRecordMessage message, byte[]? sessionKey)
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
            : ToObject(message.MessageData, sessionKey);
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
