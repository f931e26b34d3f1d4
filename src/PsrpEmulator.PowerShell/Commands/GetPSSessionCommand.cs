using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PSSessionOption = System.Management.Automation.Remoting.PSSessionOption;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>Get-PSSession: the local repository, or a server query with -ComputerName / -ConnectionUri.</summary>
[Cmdlet(VerbsCommon.Get, "PSSession", DefaultParameterSetName = "Name",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096697")]
[OutputType(typeof(OurSession))]
public sealed class GetPSSessionCommand : PsrpCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerInstanceId")]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string[]? ComputerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerInstanceId")]
    public string? ApplicationName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerInstanceId")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUri")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUriInstanceId")]
    public string? ConfigurationName { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUri")]
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUriInstanceId")]
    [ValidateNotNullOrEmpty]
    [Alias("URI", "CU")]
    public Uri[]? ConnectionUri { get; set; }

    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public SwitchParameter AllowRedirection { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "ComputerInstanceId")]
    [Parameter(Mandatory = true, ParameterSetName = "ConnectionUriInstanceId")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "InstanceId")]
    [ValidateNotNull]
    public Guid[]? InstanceId { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
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

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public AuthenticationMechanism Authentication
    {
        get => _authentication;
        set
        {
            _authentication = value;
            ValidateSpecifiedAuthentication(_credential, _thumbprint, _authentication);
        }
    }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public string? CertificateThumbprint
    {
        get => _thumbprint;
        set
        {
            _thumbprint = value;
            ValidateSpecifiedAuthentication(_credential, _thumbprint, _authentication);
        }
    }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [ValidateRange(1, ushort.MaxValue)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    public SwitchParameter UseSSL { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public int ThrottleLimit { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public SessionFilterState State { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerInstanceId")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriInstanceId")]
    public PSSessionOption? SessionOption { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNull]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "ComputerName":
            case "ComputerInstanceId":
                QueryForRemoteSessions([.. (ComputerName ?? []).Select(c => Context.ResolveComputer(c, Port, UseSSL, ApplicationName))]);
                break;
            case "ConnectionUri":
            case "ConnectionUriInstanceId":
                QueryForRemoteSessions([.. (ConnectionUri ?? []).Select(Context.ResolveUri)]);
                break;
            case "Id":
                foreach (var s in MatchLocal(Id, null, null)) WriteSession(s);
                break;
            case "InstanceId":
                foreach (var s in MatchLocal(null, null, InstanceId)) WriteSession(s);
                break;
            default:
                var all = Client.Sessions;
                foreach (var s in Name is null ? all : MatchLocal(null, Name, null)) WriteSession(s);
                break;
        }
    }

    /// <summary>
    /// PowerShell's QueryRunspaces.GetDisconnectedSessions: every computer is queried, the sessions are filtered by
    /// ConfigurationName and -State, then (only when some are left) matched against -InstanceId or -Name; an id or
    /// name matching none of them is a PSSessionIdMatchFail / PSSessionNameMatchFail error. Errors are written
    /// before the sessions.
    /// </summary>
    private void QueryForRemoteSessions(IReadOnlyList<RemoteTarget> targets)
    {
        var credential = CredentialOf(Credential, CertificateThumbprint, Authentication);
        var option = SessionOptionOf(SessionOption, usePreference: false);
        var filtered = new List<PsrpEmulator.Client.Remoting.PSSession>();
        foreach (var target in targets)
        {
            if (!CheckAuthentication(Authentication, target.ComputerName, "RemotePSSessionQueryFailed", query: true)) continue;
            TryRun(() => filtered.AddRange(Run(ct => Client.GetRemoteSessionsAsync(target, credential, configurationName: ConfigurationName, sessionOption: option, allowRedirection: AllowRedirection, cancellationToken: ct))
                .Where(MatchesState)), target.ComputerName);
        }

        var result = filtered;
        if (InstanceId is { Length: > 0 } ids && filtered.Count > 0)
        {
            result = [];
            foreach (var id in ids)
            {
                var match = filtered.FirstOrDefault(s => s.InstanceId == id);
                if (match is not null) result.Add(match);
                else WriteError(new ErrorRecord(new RuntimeException(RemotingErrors.SessionIdMatchFailed(id)), "PSSessionIdMatchFail", ErrorCategory.InvalidOperation, id));
            }
        }
        else if (Name is { Length: > 0 } names && filtered.Count > 0)
        {
            result = [];
            foreach (var name in names)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = filtered.Where(s => pattern.IsMatch(s.Name)).ToList();
                if (matches.Count == 0)
                {
                    WriteError(new ErrorRecord(new RuntimeException(RemotingErrors.SessionNameMatchFailed(name)), "PSSessionNameMatchFail", ErrorCategory.InvalidOperation, name));
                }

                result.AddRange(matches);
            }
        }

        foreach (var s in result) WriteSession(s);
    }

    private bool MatchesState(PsrpEmulator.Client.Remoting.PSSession s) => State switch
    {
        SessionFilterState.Opened => s.State == PsrpEmulator.Client.Remoting.RunspaceState.Opened,
        SessionFilterState.Disconnected => s.State == PsrpEmulator.Client.Remoting.RunspaceState.Disconnected,
        SessionFilterState.Closed => s.State == PsrpEmulator.Client.Remoting.RunspaceState.Closed,
        SessionFilterState.Broken => s.State == PsrpEmulator.Client.Remoting.RunspaceState.Broken,
        _ => true,
    };

    private System.Management.Automation.PSCredential? _credential;
    private AuthenticationMechanism _authentication;
    private string? _thumbprint;
}
