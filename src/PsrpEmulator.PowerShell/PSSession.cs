using System.Management.Automation.Runspaces;
using ClientSession = PsrpEmulator.Client.Remoting.PSSession;

namespace PsrpEmulator.PowerShell;

/// <summary>
/// What the cmdlets output for a session: PowerShell's PSSession cannot be built around our client, so this object
/// carries the same properties (Id, Name, ComputerName, ComputerType, State, ConfigurationName, Availability,
/// InstanceId, Transport, DisconnectedOn, ExpiresOn) and formats as PowerShell's does. State and Availability are
/// live: a variable holding the object sees later changes, as with PowerShell.
/// </summary>
public sealed class PSSession
{
    internal PSSession(ClientSession session) => Session = session;

    /// <summary>The client session behind this object.</summary>
    public ClientSession Session { get; }

    public int Id => Session.Id;

    public string Name => Session.Name;

    public Guid InstanceId => Session.InstanceId;

    public string ComputerName => Session.ComputerName;

    public TargetMachineType ComputerType => TargetMachineType.RemoteMachine;

    public RunspaceState State => (RunspaceState)(int)Session.State;

    public string ConfigurationName => Session.ConfigurationName;

    public RunspaceAvailability Availability => (RunspaceAvailability)(int)Session.Availability;

    public string Transport => "WSMan";

    public DateTime? DisconnectedOn => Session.DisconnectedOn?.LocalDateTime;

    public DateTime? ExpiresOn => Session.ExpiresOn?.LocalDateTime;

    public TimeSpan? IdleTimeout => Session.IdleTimeout;

    public Uri ConnectionUri => Session.ConnectionUri;

    public override string ToString() => $"[PSSession]{Name}";
}
