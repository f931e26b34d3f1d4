using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Remoting;

/// <summary>
/// A PSSession of one <see cref="PSRemotingClient"/>: a RunspacePool (min = max = 1) on a remote endpoint. Id is
/// per client, InstanceId is the RunspacePool id (= ShellId). State is relative to this client: a session found by a
/// server query is Disconnected here, whatever the server says; Availability tells whether another client holds it.
/// </summary>
public sealed class PSSession
{
    internal PSSession(int id, string name, Guid instanceId, RemoteTarget target, PSCredential credential, PSSessionOption option, string configurationName)
    {
        Id = id;
        Name = name;
        InstanceId = instanceId;
        Target = target;
        Credential = credential;
        Option = option;
        ConfigurationName = configurationName;
        IdleTimeout = option.IdleTimeout;
        OutputBufferingMode = option.OutputBufferingMode;
    }

    public int Id { get; }

    public string Name { get; }

    public Guid InstanceId { get; }

    public string ComputerName => Target.ComputerName;

    public Uri ConnectionUri => Target.ConnectionUri;

    public string ConfigurationName { get; internal set; }

    public string ComputerType => "RemoteMachine";

    public RunspaceState State { get; internal set; } = RunspaceState.BeforeOpen;

    public RunspaceAvailability Availability { get; internal set; } = RunspaceAvailability.None;

    /// <summary>The shell's idle timeout as last known (null: server default, not known yet).</summary>
    public TimeSpan? IdleTimeout { get; internal set; }

    /// <summary>The endpoint's MaxIdleTimeOut, when the server reported it.</summary>
    public TimeSpan? MaxIdleTimeout { get; internal set; }

    public OutputBufferingMode OutputBufferingMode { get; internal set; }

    public DateTimeOffset? DisconnectedOn { get; internal set; }

    public DateTimeOffset? ExpiresOn { get; internal set; }

    /// <summary>The RunspacePool when this client opened or connected it; null for a session only seen in a query.</summary>
    public RunspacePoolClient? Pool { get; internal set; }

    /// <summary>The running command found by the server query this session was reconstructed from (PowerShell's RemoteCommand).</summary>
    public CommandInfo? RemoteCommand { get; internal set; }

    /// <summary>The rsp:Shell of the query this session was built from.</summary>
    public ShellInfo? QueriedShell { get; internal set; }

    /// <summary>Where the session lives; a followed redirect of its Connect moves it (PowerShell's Redirect replaces the URI).</summary>
    internal RemoteTarget Target { get; set; }

    /// <summary>
    /// Redirects its Connect may follow: the option's MaximumConnectionRedirectionCount when the cmdlet that found it
    /// allowed redirection (PowerShell copies the connection info, count included, into reconstructed sessions), else 0.
    /// </summary>
    internal int ConnectRedirections { get; set; }

    internal PSCredential Credential { get; }

    internal PSSessionOption Option { get; }

    internal WsManTransport? Transport { get; set; }

    public override string ToString() => $"[PSSession]{Name}";

    internal void ApplyShell(ShellInfo shell)
    {
        if (shell.IdleTimeOut is { } idle) IdleTimeout = idle;
        if (shell.MaxIdleTimeOut is { } max) MaxIdleTimeout = max;
        if (Enum.TryParse<OutputBufferingMode>(shell.BufferMode, ignoreCase: true, out var mode)) OutputBufferingMode = mode;
        if (shell.ResourceUri is { } uri) ConfigurationName = RunspacePoolClient.ConfigurationNameOf(uri);
    }
}
