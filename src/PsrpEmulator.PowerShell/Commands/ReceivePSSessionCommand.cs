using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.PowerShell;
using ClientOutTarget = PsrpEmulator.Client.Remoting.OutTarget;
using PSSessionOption = System.Management.Automation.Remoting.PSSessionOption;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>
/// Receive-PSSession: connects a disconnected session and returns the results of its command, to the host or as a
/// job, following PowerShell's rules (protocol-notes 10.2): a local disconnected job is reused; on the
/// ComputerName/ConnectionUri sets Default means Job when the session is in the local repository, else Host.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "PSSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = SessionSet,
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096800")]
public sealed class ReceivePSSessionCommand : PsrpCmdlet
{
    private const string SessionSet = "Session", IdSet = "Id", InstanceIdSet = "InstanceId", NameSet = "SessionName";
    private const string CnName = "ComputerSessionName", CnId = "ComputerInstanceId", UriName = "ConnectionUriSessionName", UriId = "ConnectionUriInstanceId";

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = SessionSet)]
    [ValidateNotNullOrEmpty]
    public OurSession? Session { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
    public int Id { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CnName)]
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CnId)]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string? ComputerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CnName)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CnId)]
    public string? ApplicationName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CnName)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CnId)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = UriName)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = UriId)]
    public string? ConfigurationName { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UriName)]
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UriId)]
    [ValidateNotNullOrEmpty]
    [Alias("URI", "CU")]
    public Uri? ConnectionUri { get; set; }

    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    public SwitchParameter AllowRedirection { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = InstanceIdSet)]
    [Parameter(Mandatory = true, ParameterSetName = CnId)]
    [Parameter(Mandatory = true, ParameterSetName = UriId)]
    [ValidateNotNullOrEmpty]
    public Guid InstanceId { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [Parameter(Mandatory = true, ParameterSetName = CnName)]
    [Parameter(Mandatory = true, ParameterSetName = UriName)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = SessionSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    public OutTarget OutTarget { get; set; } = OutTarget.Default;

    [Parameter(ParameterSetName = SessionSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    [ValidateNotNullOrEmpty]
    public string JobName { get; set; } = string.Empty;

    // As PowerShell's: each of these three setters checks that they are not ambiguous together (the binder reports
    // the InvalidOperationException as ParameterBindingFailed).
    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    [Credential]
    public System.Management.Automation.PSCredential? Credential
    {
        get => _credential;
        set
        {
            _credential = value;
            ValidateSpecifiedAuthentication(_credential, _thumbprint, _authentication);
        }
    }

    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    public AuthenticationMechanism Authentication
    {
        get => _authentication;
        set
        {
            _authentication = value;
            ValidateSpecifiedAuthentication(_credential, _thumbprint, _authentication);
        }
    }

    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    public string? CertificateThumbprint
    {
        get => _thumbprint;
        set
        {
            _thumbprint = value;
            ValidateSpecifiedAuthentication(_credential, _thumbprint, _authentication);
        }
    }

    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [ValidateRange(1, ushort.MaxValue)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    public SwitchParameter UseSSL { get; set; }

    [Parameter(ParameterSetName = CnId)]
    [Parameter(ParameterSetName = CnName)]
    [Parameter(ParameterSetName = UriName)]
    [Parameter(ParameterSetName = UriId)]
    public PSSessionOption? SessionOption { get; set; }

    protected override void ProcessRecord()
    {
        var outTarget = (ClientOutTarget)(int)OutTarget;
        var jobName = string.IsNullOrEmpty(JobName) ? null : JobName;
        switch (ParameterSetName)
        {
            case CnName:
            case CnId:
                ReceiveRemote(Context.ResolveComputer(ComputerName!, Port, UseSSL, ApplicationName), outTarget, jobName);
                break;
            case UriName:
            case UriId:
                ReceiveRemote(Context.ResolveUri(ConnectionUri!), outTarget, jobName);
                break;
            default:
                var session = ParameterSetName == SessionSet ? Session!.Session : FindLocal();
                if (session is null) return;
                if (!ShouldProcess(session.Name, VerbsCommunications.Receive)) return;
                var previous = DisconnectedJobOf(session);
                TryRun(() => Emit(Receive((ct, onRecords) => Client.ReceiveAsync(session, outTarget, jobName, ct, onRecords), session, previous), previous), Context.Wrap(session));
                break;
        }
    }

    /// <summary>
    /// The ComputerName/ConnectionUri sets: query the server, then (as PowerShell) ShouldProcess on each matched
    /// session's name, so -WhatIf sends the query but never connects; nothing matched writes nothing.
    /// </summary>
    private void ReceiveRemote(RemoteTarget target, ClientOutTarget outTarget, string? jobName)
    {
        if (!CheckAuthentication(Authentication, target.ComputerName, "ReceivePSSessionQueryForSessionFailed", query: true)) return;
        var credential = CredentialOf(Credential, CertificateThumbprint, Authentication);

        // IdleTimeout cannot change on receive: the option's is ignored; $PSSessionOption is not read at all
        // (PowerShell's ReceivePSSessionCommand uses -SessionOption only).
        var option = SessionOptionOf(SessionOption, ignoreIdleTimeout: true, usePreference: false);
        Guid? instanceId = ParameterSetName is CnId or UriId ? InstanceId : null;
        TryRun(() =>
        {
            // Each match in turn until one may be received (PowerShell's loop breaks only after a receive).
            var matches = Run(ct => Client.FindSessionsToReceiveAsync(target, credential, instanceId is null ? Name : null, instanceId, ConfigurationName, option, AllowRedirection, ct));
            var match = matches.FirstOrDefault(m => ShouldProcess(m.Name, VerbsCommunications.Receive));
            if (match is null) return;
            var local = Client.Sessions.FirstOrDefault(s => s.InstanceId == match.InstanceId);
            var previous = local is null ? null : DisconnectedJobOf(local);
            Emit(Receive((ct, onRecords) => Client.ReceiveQueriedAsync(match, outTarget, jobName, ct, onRecords), match, previous), previous);
        }, target.ComputerName);
    }

    /// <summary>
    /// The Id, SessionName and InstanceId sets: the first session of the local repository that matches (a -Name
    /// wildcard included); none is an invalid-argument error, for a wildcard too (PowerShell's GetSessionByName).
    /// </summary>
    private PsrpEmulator.Client.Remoting.PSSession? FindLocal()
    {
        var sessions = Client.Sessions;
        var (session, error, id, argument) = ParameterSetName switch
        {
            IdSet => (sessions.FirstOrDefault(s => s.Id == Id), RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedSessionId(Id), "RemoteRunspaceNotAvailableForSpecifiedSessionId", (object)Id),
            InstanceIdSet => (sessions.FirstOrDefault(s => s.InstanceId == InstanceId), RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedRunspaceId(InstanceId),
                "RemoteRunspaceNotAvailableForSpecifiedRunspaceId", InstanceId),
            _ => (sessions.FirstOrDefault(s => WildcardPattern.Get(Name!, WildcardOptions.IgnoreCase).IsMatch(s.Name)), RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedName(Name!),
                "RemoteRunspaceNotAvailableForSpecifiedName", Name!),
        };
        if (session is null) WriteError(new ErrorRecord(new ArgumentException(error), id, ErrorCategory.InvalidArgument, argument));
        return session;
    }

    /// <summary>The wrapper job of the session's disconnected job, if any (its results go out with a Host receive).</summary>
    private RemotingChildJob? DisconnectedJobOf(PsrpEmulator.Client.Remoting.PSSession session) =>
        Client.Jobs.Where(j => j.Session.InstanceId == session.InstanceId && j.State == PsrpEmulator.Protocol.Psrp.JobState.Disconnected)
            .Select(Context.FindChildJob).FirstOrDefault(j => j is not null);

    /// <summary>
    /// Receives, writing what a command received to the host sends as it arrives (a prompt it makes then comes after
    /// what it wrote before), unless an earlier job's results must be written first (<paramref name="previous"/>).
    /// </summary>
    private ReceivePSSessionResult Receive(Func<CancellationToken, Action<PsrpEmulator.Client.Remoting.PSDataStreams>?, Task<ReceivePSSessionResult>> receive,
        PsrpEmulator.Client.Remoting.PSSession session, RemotingChildJob? previous)
    {
        ReceivePSSessionResult? result = null;
        if (previous is not null && OutTarget == OutTarget.Host && RemoteData.CanWriteResults(previous))
        {
            // As PowerShell connects a job to the host (-OutTarget Host; else the job itself is the result): its
            // results go out as they come, its host calls run on this cmdlet's host (a prompt would otherwise keep the
            // job Blocked for good).
            RunStreaming(async (post, ct) =>
            {
                void Changed(object? sender, EventArgs e) => post(() => RemoteData.WriteResults(this, previous));
                previous.ClientJob.Changed += Changed;
                try
                {
                    result = await receive(ct, null).ConfigureAwait(false);
                }
                finally
                {
                    previous.ClientJob.Changed -= Changed;
                }
            });
            return result!;
        }

        if (previous is not null) return Run(ct => receive(ct, null));
        RunStreaming(async (post, ct) => result = await receive(ct, chunk => post(() => RemoteData.Write(this, chunk, session.ComputerName, session.InstanceId, session.Pool?.SessionKey))).ConfigureAwait(false));
        return result!;
    }

    private void Emit(ReceivePSSessionResult result, RemotingChildJob? previous)
    {
        if (result.Job is { } clientJob)
        {
            var existing = Context.FindChildJob(clientJob);
            if (existing?.Parent is { } parent)
            {
                existing.Pump();
                WriteObject(parent);
                return;
            }

            WriteObject(AddJob(clientJob.Command, NullIfEmpty(JobName), [clientJob]));
            return;
        }

        if (previous is not null)
        {
            // The job's results so far, then whatever the client still held, to the host.
            previous.Pump();
            if (RemoteData.CanWriteResults(previous))
            {
                RemoteData.WriteResults(this, previous);
            }
            else
            {
                foreach (var o in previous.Output.ReadAll()) WriteObject(o);
                foreach (var e in previous.Error.ReadAll()) WriteError(e);
                foreach (var w in previous.Warning.ReadAll()) WriteWarning(w.Message);
            }
        }

        if (result.Results is { } results) RemoteData.Write(this, results, result.Session.ComputerName, result.Session.InstanceId, result.Session.Pool?.SessionKey);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private System.Management.Automation.PSCredential? _credential;
    private AuthenticationMechanism _authentication;
    private string? _thumbprint;
}
