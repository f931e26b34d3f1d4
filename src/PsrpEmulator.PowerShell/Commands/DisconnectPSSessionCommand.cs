using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>Disconnect-PSSession: disconnects Opened sessions (jobs running on them become Disconnected) and outputs them.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "PSSession", SupportsShouldProcess = true, DefaultParameterSetName = "Session",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096576")]
[OutputType(typeof(OurSession))]
public sealed class DisconnectPSSessionCommand : PsrpCmdlet
{
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Session")]
    [ValidateNotNullOrEmpty]
    public OurSession[]? Session { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNull]
    public int[]? Id { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "InstanceId")]
    [ValidateNotNull]
    public Guid[]? InstanceId { get; set; }

    [Parameter(ParameterSetName = "Session")]
    [Parameter(ParameterSetName = "Name")]
    [Parameter(ParameterSetName = "Id")]
    [Parameter(ParameterSetName = "InstanceId")]
    [ValidateRange(0, int.MaxValue)]
    public int IdleTimeoutSec { get; set; }

    [Parameter(ParameterSetName = "Session")]
    [Parameter(ParameterSetName = "Name")]
    [Parameter(ParameterSetName = "Id")]
    [Parameter(ParameterSetName = "InstanceId")]
    public System.Management.Automation.Runspaces.OutputBufferingMode OutputBufferingMode { get; set; }

    [Parameter(ParameterSetName = "Session")]
    [Parameter(ParameterSetName = "Name")]
    [Parameter(ParameterSetName = "Id")]
    [Parameter(ParameterSetName = "InstanceId")]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var sessions = ParameterSetName == "Session" ? (Session ?? []).Select(s => s.Session).ToList() : MatchLocal(Id, Name, InstanceId);
        int? idle = MyInvocation.BoundParameters.ContainsKey(nameof(IdleTimeoutSec)) ? IdleTimeoutSec : null;
        PsrpEmulator.Client.Remoting.OutputBufferingMode? mode = OutputBufferingMode == System.Management.Automation.Runspaces.OutputBufferingMode.None
            ? null
            : (PsrpEmulator.Client.Remoting.OutputBufferingMode)(int)OutputBufferingMode;
        foreach (var session in sessions)
        {
            if (!ShouldProcess(session.Name, VerbsCommunications.Disconnect)) continue;
            var wrapper = Context.Wrap(session);
            if (session.State == PsrpEmulator.Client.Remoting.RunspaceState.Disconnected)
            {
                WriteObject(wrapper);
                continue;
            }

            if (session.State != PsrpEmulator.Client.Remoting.RunspaceState.Opened)
            {
                WriteError(new ErrorRecord(new RuntimeException(RemotingErrors.RunspaceCannotBeDisconnected(session.Name)),
                    "CannotDisconnectSessionWhenNotOpened", ErrorCategory.InvalidOperation, wrapper));
                continue;
            }

            if (TryRun(() => Run(ct => Client.DisconnectAsync(session, idle, mode, ct)), wrapper))
            {
                foreach (var job in Client.Jobs.Where(j => ReferenceEquals(j.Session, session)))
                {
                    Context.FindChildJob(job)?.Pump();
                }

                WriteObject(wrapper);
            }
        }
    }
}
