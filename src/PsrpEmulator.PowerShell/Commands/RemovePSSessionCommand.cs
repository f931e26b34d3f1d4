using System.Management.Automation;
using PsrpEmulator.Client.Remoting;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>
/// Remove-PSSession: closes the sessions (Delete on the server) and removes them from the local repository;
/// Disconnected ones are connected first (PowerShell's RemovePSSessionCommand).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PSSession", SupportsShouldProcess = true, DefaultParameterSetName = "Id",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096963")]
public sealed class RemovePSSessionCommand : PsrpCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Session")]
    public OurSession[]? Session { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "InstanceId")]
    [ValidateNotNull]
    public Guid[]? InstanceId { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNull]
    public int[]? Id { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string[]? ComputerName { get; set; }

    protected override void ProcessRecord()
    {
        var sessions = ParameterSetName switch
        {
            "Session" => (Session ?? []).Select(s => s.Session).ToList(),
            "ComputerName" => [.. Client.Sessions.Where(s => (ComputerName ?? []).Any(c => WildcardPattern.Get(c, WildcardOptions.IgnoreCase).IsMatch(s.ComputerName)))],
            _ => MatchLocal(Id, Name, InstanceId),
        };
        foreach (var session in sessions)
        {
            // PowerShell's target is the computer name.
            if (!ShouldProcess(session.ComputerName, "Remove")) continue;

            // A Disconnected session (e.g. one only seen in a Get-PSSession -ComputerName query) is connected first,
            // so that it is removed from the server too; if that fails it is only forgotten here.
            if (session.State == PsrpEmulator.Client.Remoting.RunspaceState.Disconnected && !TryConnect(session)) continue;
            TryRun(() => Run(ct => Client.RemoveAsync(session, ct)), Context.Wrap(session));
        }
    }

    private bool TryConnect(PsrpEmulator.Client.Remoting.PSSession session)
    {
        try
        {
            Run(ct => Client.ConnectAsync(session, ct));
            return true;
        }
        catch (PSRemotingException)
        {
            WriteError(new ErrorRecord(new RuntimeException(RemotingErrors.RemoveRunspaceNotConnected(session.Name)), "RemoveSessionCannotConnectToServer",
                ErrorCategory.InvalidOperation, Context.Wrap(session)));
            Client.Forget(session);
            return false;
        }
    }
}
