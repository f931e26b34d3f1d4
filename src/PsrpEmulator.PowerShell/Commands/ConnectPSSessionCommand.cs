using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PSSessionOption = System.Management.Automation.Remoting.PSSessionOption;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>
/// Connect-PSSession: connects Disconnected sessions (the pool only; commands stay on the server until
/// Receive-PSSession), given locally or found by a server query.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "PSSession", SupportsShouldProcess = true, DefaultParameterSetName = "Name",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096694")]
[OutputType(typeof(OurSession))]
public sealed class ConnectPSSessionCommand : PsrpCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Session")]
    [ValidateNotNullOrEmpty]
    public OurSession[]? Session { get; set; }

    [Parameter(Position = 0, Mandatory = true, ParameterSetName = "ComputerName")]
    [Parameter(Mandatory = true, ParameterSetName = "ComputerNameGuid")]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string[]? ComputerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerNameGuid")]
    public string? ApplicationName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerNameGuid")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUri")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUriGuid")]
    public string? ConfigurationName { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUri")]
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ConnectionUriGuid")]
    [ValidateNotNullOrEmpty]
    [Alias("URI", "CU")]
    public Uri[]? ConnectionUri { get; set; }

    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriGuid")]
    public SwitchParameter AllowRedirection { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "ComputerNameGuid")]
    [Parameter(Mandatory = true, ParameterSetName = "ConnectionUriGuid")]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "InstanceId")]
    [ValidateNotNull]
    public Guid[]? InstanceId { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNull]
    public int[]? Id { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriGuid")]
    [Credential]
    public System.Management.Automation.PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriGuid")]
    public AuthenticationMechanism Authentication { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriGuid")]
    public string? CertificateThumbprint { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    [ValidateRange(1, ushort.MaxValue)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    public SwitchParameter UseSSL { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "ComputerNameGuid")]
    [Parameter(ParameterSetName = "ConnectionUri")]
    [Parameter(ParameterSetName = "ConnectionUriGuid")]
    public PSSessionOption? SessionOption { get; set; }

    [Parameter]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "ComputerName":
            case "ComputerNameGuid":
                foreach (var computer in ComputerName ?? []) ConnectRemote(Context.ResolveComputer(computer, Port, UseSSL, ApplicationName));
                break;
            case "ConnectionUri":
            case "ConnectionUriGuid":
                foreach (var uri in ConnectionUri ?? []) ConnectRemote(Context.ResolveUri(uri));
                break;
            default:
                var sessions = ParameterSetName == "Session" ? (Session ?? []).Select(s => s.Session).ToList() : MatchLocal(Id, Name, InstanceId);
                foreach (var session in sessions) ConnectOne(session);
                break;
        }
    }

    private void ConnectRemote(RemoteTarget target)
    {
        if (!CheckAuthentication(Authentication, target.ComputerName, "PSSessionConnectFailed")) return;
        var credential = CredentialOf(Credential, CertificateThumbprint, Authentication);

        // IdleTimeout cannot change on connect: the option's is ignored. $PSSessionOption is not read: PowerShell's
        // ConnectPSSessionCommand derives from PSRunspaceCmdlet, not PSRemotingBaseCmdlet, and applies -SessionOption only.
        var option = SessionOptionOf(SessionOption, ignoreIdleTimeout: true, usePreference: false);
        TryRun(() =>
        {
            var found = Run(ct => Client.GetRemoteSessionsAsync(target, credential, configurationName: ConfigurationName, sessionOption: option, allowRedirection: AllowRedirection, cancellationToken: ct));
            foreach (var session in found)
            {
                if (Name is { Length: > 0 } names && !names.Any(n => PSRemotingClient.WildcardMatch(n, session.Name))) continue;
                if (InstanceId is { Length: > 0 } ids && !ids.Contains(session.InstanceId)) continue;
                if (session.State == PsrpEmulator.Client.Remoting.RunspaceState.Opened) continue;
                ConnectOne(session);
            }
        }, target.ComputerName);
    }

    private void ConnectOne(PsrpEmulator.Client.Remoting.PSSession session)
    {
        var wrapper = Context.Wrap(session);
        if (!ShouldProcess(session.Name, VerbsCommunications.Connect)) return;
        if (session.State == PsrpEmulator.Client.Remoting.RunspaceState.Opened)
        {
            WriteObject(wrapper);
            return;
        }

        TryRun(() => WriteObject(Context.Wrap(Run(ct => Client.ConnectAsync(session, ct)))), wrapper);
    }
}
