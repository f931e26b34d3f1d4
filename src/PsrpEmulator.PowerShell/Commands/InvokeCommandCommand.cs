using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.PowerShell;
using PSSessionOption = System.Management.Automation.Remoting.PSSessionOption;
using PSDataStreams = PsrpEmulator.Client.Remoting.PSDataStreams;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>
/// Invoke-Command over the emulator client: -Session, -ComputerName, -ConnectionUri with -ScriptBlock or -FilePath,
/// -AsJob, -InDisconnectedSession [-SessionName]; without a target the script block runs locally (InProcess).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "Command", DefaultParameterSetName = "InProcess",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096789")]
public sealed class InvokeCommandCommand : PsrpCmdlet
{
    private const string Cn = "ComputerName", FpCn = "FilePathComputerName", Sn = "Session", FpSn = "FilePathRunspace", Uri = "Uri", FpUri = "FilePathUri";

    [Parameter(Position = 0, ParameterSetName = Sn)]
    [Parameter(Position = 0, ParameterSetName = FpSn)]
    [ValidateNotNullOrEmpty]
    public OurSession[]? Session { get; set; }

    [Parameter(Position = 0, ParameterSetName = Cn)]
    [Parameter(Position = 0, ParameterSetName = FpCn)]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string[]? ComputerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = Cn)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = Uri)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FpCn)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FpUri)]
    [Credential]
    public System.Management.Automation.PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    [ValidateRange(1, ushort.MaxValue)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    public SwitchParameter UseSSL { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = Cn)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = Uri)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FpCn)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FpUri)]
    public string? ConfigurationName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = Cn)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FpCn)]
    public string? ApplicationName { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Sn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpSn)]
    [Parameter(ParameterSetName = FpUri)]
    public int ThrottleLimit { get; set; }

    [Parameter(Position = 0, ParameterSetName = Uri)]
    [Parameter(Position = 0, ParameterSetName = FpUri)]
    [ValidateNotNullOrEmpty]
    [Alias("URI", "CU")]
    public Uri[]? ConnectionUri { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Sn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpSn)]
    [Parameter(ParameterSetName = FpUri)]
    public SwitchParameter AsJob { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpUri)]
    [Alias("Disconnected")]
    public SwitchParameter InDisconnectedSession { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    [ValidateNotNullOrEmpty]
    public string[]? SessionName { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Sn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpSn)]
    [Parameter(ParameterSetName = FpUri)]
    [Alias("HCN")]
    public SwitchParameter HideComputerName { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Sn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpSn)]
    [Parameter(ParameterSetName = FpUri)]
    public string? JobName { get; set; }

    [Parameter(Position = 1, Mandatory = true, ParameterSetName = Cn)]
    [Parameter(Position = 1, Mandatory = true, ParameterSetName = Sn)]
    [Parameter(Position = 1, Mandatory = true, ParameterSetName = Uri)]
    [Parameter(Position = 0, Mandatory = true, ParameterSetName = "InProcess")]
    [ValidateNotNull]
    [Alias("Command")]
    public ScriptBlock? ScriptBlock { get; set; }

    [Parameter(ParameterSetName = "InProcess")]
    public SwitchParameter NoNewScope { get; set; }

    [Parameter(Position = 1, Mandatory = true, ParameterSetName = FpCn)]
    [Parameter(Position = 1, Mandatory = true, ParameterSetName = FpSn)]
    [Parameter(Position = 1, Mandatory = true, ParameterSetName = FpUri)]
    [ValidateNotNull]
    [Alias("PSPath")]
    public string? FilePath { get; set; }

    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpUri)]
    public SwitchParameter AllowRedirection { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpUri)]
    public PSSessionOption? SessionOption { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpUri)]
    public AuthenticationMechanism Authentication { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpUri)]
    public SwitchParameter EnableNetworkAccess { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Sn)]
    [Parameter(ParameterSetName = Uri)]
    [Parameter(ParameterSetName = FpCn)]
    [Parameter(ParameterSetName = FpSn)]
    [Parameter(ParameterSetName = FpUri)]
    public SwitchParameter RemoteDebug { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [Alias("Args")]
    public object[]? ArgumentList { get; set; }

    [Parameter(ParameterSetName = Cn)]
    [Parameter(ParameterSetName = Uri)]
    public string? CertificateThumbprint { get; set; }

    private readonly List<PSRemotingJob> _jobs = [];
    private string? _script;
    private PsrpEmulator.Client.Psrp.RemoteScript? _remote;

    // Piped input with -AsJob or -InDisconnectedSession: collected, sent when the pipeline ends.
    private List<PsrpEmulator.Protocol.Clixml.PsValue>? _input;

    // Piped input otherwise: the commands start at the first object, each object is sent as it comes (with what
    // arrived so far written after it), the input is ended when the pipeline ends (InvokeCommandCommand.ProcessRecord
    // / EndProcessing).
    private bool _streaming;
    private bool _started;
    private readonly List<InputStream> _streams = [];
    private readonly HashSet<InputStream> _failedStreams = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(PsrpEmulator.Client.Remoting.PSSession Session, PSDataStreams Records)> _arrived = new();
    private readonly SemaphoreSlim _arrival = new(0);

    // A command started with its input open, and the task reading its output meanwhile.
    private sealed record InputStream(PsrpEmulator.Client.Remoting.PSSession Session, PsrpEmulator.Client.Psrp.PowerShellPipeline Pipeline, bool Temporary, Task Reading);
    private int _sessionNameIndex;
    private bool _done;

    protected override void BeginProcessing()
    {
        if (InDisconnectedSession && AsJob)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(RemotingErrors.AsJobAndDisconnectedError), "AsJobAndDisconnectedError", ErrorCategory.InvalidOperation, this));
        }

        if (SessionName is not null && !InDisconnectedSession)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                "You can only use the SessionName parameter when you specify the InDisconnectedSession parameter with the Invoke-Command cmdlet."),
                "SessionNameWithoutInvokeDisconnected", ErrorCategory.InvalidArgument, this));
        }

        if (ParameterSetName == "InProcess") return;
        _script = FilePath is null ? ScriptBlock!.ToString() : ReadScriptFile(FilePath);
        var expectingInput = MyInvocation.ExpectingInput;
        if (expectingInput && (AsJob || InDisconnectedSession)) _input = [];
        _streaming = expectingInput && _input is null;
        var block = FilePath is null ? ScriptBlock! : System.Management.Automation.ScriptBlock.Create(_script);
        _remote = new PsrpEmulator.Client.Psrp.RemoteScript(!expectingInput ? _script : RemoteArguments.WithInputHandling(block))
        {
            Arguments = [.. (ArgumentList ?? []).Select(RemoteArguments.ToPsValue)],
            UsingValues = RemoteArguments.UsingValues(block, SessionState, this),
        };
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "InProcess")
        {
            foreach (var o in ScriptBlock!.Invoke(ArgumentList ?? [])) WriteObject(o);
            return;
        }

        if (_streaming)
        {
            if (!_started)
            {
                _started = true;
                StartStreams();
            }

            var value = RemoteArguments.ToPsValue(InputObject);
            foreach (var stream in _streams)
            {
                SendToStream(stream, ct => Client.SendInputAsync(stream.Session, stream.Pipeline, value, ct));
            }

            // What the commands wrote so far is written now, as PowerShell does between input objects.
            WriteArrived();
            return;
        }

        if (_input is not null)
        {
            _input.Add(RemoteArguments.ToPsValue(InputObject));
            return;
        }

        InvokeRemote();
    }

    private void InvokeRemote()
    {
        if (_done) return;
        _done = true;
        var script = _input is null ? _remote! : _remote! with { Input = _input };
        switch (ParameterSetName)
        {
            case Sn:
            case FpSn:
                foreach (var session in Session ?? []) InvokeOn(session.Session, script);
                break;
            case Uri:
            case FpUri:
                foreach (var uri in ConnectionUri ?? []) InvokeAt(Context.ResolveUri(uri), script);
                break;
            default:
                foreach (var computer in ComputerName is { Length: > 0 } names ? names : ["localhost"])
                {
                    InvokeAt(Context.ResolveComputer(computer, Port, UseSSL, OrPreference(ApplicationName, "PSSessionApplicationName")), script);
                }

                break;
        }
    }

    protected override void EndProcessing()
    {
        if (_streaming)
        {
            // No input object came: nothing was started, nothing runs (as in PowerShell).
            foreach (var stream in _streams) SendToStream(stream, ct => Client.EndInputAsync(stream.Session, stream.Pipeline, ct));
            FinishStreams();
            return;
        }

        // Collected input: the command runs now, with it (no object: nothing runs, as above).
        if (_input is { Count: > 0 }) InvokeRemote();
        if (_jobs.Count > 0) WriteObject(AddJob(_script!, JobName, _jobs));
    }

    private void StartStreams()
    {
        switch (ParameterSetName)
        {
            case Sn:
            case FpSn:
                foreach (var session in Session ?? [])
                {
                    TryRun(() => AddStream(session.Session, Run(ct => Client.StartAsync(session.Session, _remote!, ct)), temporary: false), session);
                }

                break;
            case Uri:
            case FpUri:
                foreach (var uri in ConnectionUri ?? []) StartAt(Context.ResolveUri(uri));
                break;
            default:
                foreach (var computer in ComputerName is { Length: > 0 } names ? names : ["localhost"])
                {
                    StartAt(Context.ResolveComputer(computer, Port, UseSSL, OrPreference(ApplicationName, "PSSessionApplicationName")));
                }

                break;
        }
    }

    // A temporary session for -ComputerName / -ConnectionUri, its command started with the input open.
    private void StartAt(RemoteTarget target)
    {
        if (!CheckAuthentication(Authentication, target.ComputerName, "PSSessionOpenFailed")) return;
        var credential = CredentialOf(Credential, CertificateThumbprint, Authentication);
        var option = SessionOptionOf(SessionOption);
        TryRun(() =>
        {
            var session = Run(ct => Client.NewSessionAsync(target, credential, OrPreference(ConfigurationName, "PSSessionConfigurationName"), null, option, AllowRedirection, ct));
            try
            {
                AddStream(session, Run(ct => Client.StartAsync(session, _remote!, ct)), temporary: true);
            }
            catch
            {
                Run(ct => Client.RemoveAsync(session, ct));
                throw;
            }
        }, target.ComputerName);
    }

    private void AddStream(PsrpEmulator.Client.Remoting.PSSession session, PsrpEmulator.Client.Psrp.PowerShellPipeline pipeline, bool temporary)
    {
        var reading = Client.ReadStreamingAsync(session, pipeline, records =>
        {
            _arrived.Enqueue((session, records));
            _arrival.Release();
        }, StopToken);
        _streams.Add(new InputStream(session, pipeline, temporary, reading));
    }

    // Input to a command whose Send was refused fails its job once; PowerShell drops the rest of its input.
    private void SendToStream(InputStream stream, Func<CancellationToken, Task> send)
    {
        if (_failedStreams.Contains(stream)) return;
        try
        {
            Run(send);
        }
        catch (PsrpEmulator.Client.Remoting.PSRemotingException e) when (e.FullyQualifiedErrorId == "JobFailure")
        {
            _failedStreams.Add(stream);
            WriteError(RemoteData.ToJobFailureRecord(e, stream.Session));
        }
        catch (PsrpEmulator.Client.Remoting.PSRemotingException e)
        {
            WriteError(RemoteData.ToErrorRecord(e, Target(stream)));
        }
    }

    private object Target(InputStream stream) => stream.Temporary ? stream.Session.ComputerName : Context.Wrap(stream.Session);

    private void WriteArrived()
    {
        while (_arrived.TryDequeue(out var item)) WriteResults(item.Session, item.Records);
    }

    // Waits for every command to end, writing its output as it comes; then errors, and temporary sessions removed.
    private void FinishStreams()
    {
        var all = Task.WhenAll(_streams.Select(s => s.Reading));
        while (!all.IsCompleted)
        {
            _arrival.Wait(50);
            WriteArrived();
        }

        WriteArrived();
        foreach (var stream in _streams)
        {
            if (stream.Reading.Exception?.InnerException is RemoteCommandDisconnectedException d)
            {
                // As without input: the error, then a Disconnected job (-Session) or the kept temporary session.
                WriteError(RemoteData.ToErrorRecord(d.Error, Context.Wrap(stream.Session)));
                WriteWarning(RemotingErrors.DisconnectSession(stream.Session.Name, stream.Session.InstanceId, stream.Session.ComputerName));
                if (stream.Temporary)
                {
                    Client.RemoveJob(d.Job);
                    WriteWarning(RemotingErrors.DisconnectSessionCreated(stream.Session.Name, stream.Session.InstanceId));
                }
                else
                {
                    WriteWarning(RemotingErrors.DisconnectedJob(AddJob(d.Job.Command, null, [d.Job]).Name));
                }

                continue;
            }

            // A failed job's error was written when its Send was refused; its Receive then fails the same way.
            if (!_failedStreams.Contains(stream))
            {
                if (stream.Reading.Exception?.InnerException is PsrpEmulator.Client.Remoting.PSRemotingException e) WriteError(RemoteData.ToErrorRecord(e, Target(stream)));
                else if (stream.Reading.IsFaulted && stream.Reading.Exception?.InnerException is not OperationCanceledException) stream.Reading.GetAwaiter().GetResult();
            }

            if (stream.Temporary) TryRun(() => Run(ct => Client.RemoveAsync(stream.Session, ct)), stream.Session.ComputerName);
        }
    }

    private void InvokeAt(RemoteTarget target, PsrpEmulator.Client.Psrp.RemoteScript script)
    {
        if (!CheckAuthentication(Authentication, target.ComputerName, "PSSessionOpenFailed")) return;
        var credential = CredentialOf(Credential, CertificateThumbprint, Authentication);
        var option = SessionOptionOf(SessionOption);
        if (InDisconnectedSession)
        {
            var name = SessionName is { } names && _sessionNameIndex < names.Length ? names[_sessionNameIndex] : null;
            _sessionNameIndex++;
            TryRun(() => WriteSession(Run(ct => Client.InvokeInDisconnectedSessionAsync(target, credential, script, name, OrPreference(ConfigurationName, "PSSessionConfigurationName"), option, ct))), target.ComputerName);
            return;
        }

        // A temporary session: opened, used, removed (PowerShell does the same for -ComputerName).
        TryRun(() =>
        {
            var session = Run(ct => Client.NewSessionAsync(target, credential, OrPreference(ConfigurationName, "PSSessionConfigurationName"), null, option, AllowRedirection, ct));
            if (AsJob)
            {
                _jobs.Add(Run(ct => Client.InvokeAsJobAsync(session, script, null, HideComputerName, ct)));
                return;
            }

            var disconnected = false;
            try
            {
                RunStreaming((post, ct) => Client.InvokeStreamingAsync(session, script, chunk => post(() => WriteResults(session, chunk)), ct));
            }
            catch (RemoteCommandDisconnectedException d)
            {
                // PowerShell keeps the auto-disconnected temporary session (not a job) for a later Receive-PSSession.
                disconnected = true;
                Client.RemoveJob(d.Job);
                WriteError(RemoteData.ToErrorRecord(d.Error, Context.Wrap(session)));
                WriteWarning(RemotingErrors.DisconnectSession(session.Name, session.InstanceId, session.ComputerName));
                WriteWarning(RemotingErrors.DisconnectSessionCreated(session.Name, session.InstanceId));
            }
            finally
            {
                if (!disconnected) Run(ct => Client.RemoveAsync(session, ct));
            }
        }, target.ComputerName);
    }

    private void InvokeOn(PsrpEmulator.Client.Remoting.PSSession session, PsrpEmulator.Client.Psrp.RemoteScript script)
    {
        TryRun(() =>
        {
            if (AsJob)
            {
                _jobs.Add(Run(ct => Client.InvokeAsJobAsync(session, script, null, HideComputerName, ct)));
                return;
            }

            try
            {
                RunStreaming((post, ct) => Client.InvokeStreamingAsync(session, script, chunk => post(() => WriteResults(session, chunk)), ct));
            }
            catch (RemoteCommandDisconnectedException d)
            {
                // PowerShell's InvokeCommandCommand: the error, then the running command handed over as a job.
                WriteError(RemoteData.ToErrorRecord(d.Error, Context.Wrap(session)));
                WriteWarning(RemotingErrors.DisconnectSession(session.Name, session.InstanceId, session.ComputerName));
                var job = AddJob(script.Text, null, [d.Job]);
                WriteWarning(RemotingErrors.DisconnectedJob(job.Name));
            }
        }, Context.Wrap(session));
    }

    private void WriteResults(PsrpEmulator.Client.Remoting.PSSession session, PSDataStreams results)
    {
        if (HideComputerName)
        {
            foreach (var o in results.Output)
            {
                if (o is PsrpEmulator.Protocol.Clixml.PsObject obj) obj.With(RemoteObjects.ShowComputerNameProperty, false);
            }
        }

        RemoteData.Write(this, results, session.ComputerName, session.InstanceId, session.Pool?.SessionKey);
    }

    private string ReadScriptFile(string path)
    {
        if (Context.Options.ScriptFiles.TryGetValue(path, out var known)) return known;
        string resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out _).FirstOrDefault() ?? path;
        }
        catch (ItemNotFoundException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            throw;
        }

        return File.ReadAllText(resolved);
    }
}
