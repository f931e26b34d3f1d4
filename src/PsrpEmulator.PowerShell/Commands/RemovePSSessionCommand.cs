using System.Management.Automation;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>Remove-PSSession: closes the sessions (Delete on the server) and removes them from the local repository.</summary>
[Cmdlet(VerbsCommon.Remove, "PSSession", SupportsShouldProcess = true, DefaultParameterSetName = "Id")]
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
            if (!ShouldProcess(session.Name, "Remove")) continue;
            TryRun(() => Run(ct => Client.RemoveAsync(session, ct)), Context.Wrap(session));
        }
    }
}
