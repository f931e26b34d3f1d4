using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What a running behaviour writes to: the server's pipeline. <see cref="WriteAsync"/> completes when the
/// message is buffered; under BufferMode Block it waits while the output buffer is full (that is how a
/// disconnected pipeline is suspended), under Drop it never waits.
/// </summary>
public interface IPipelineHost
{
    /// <summary>Writes one stream record: PipelineOutput, ErrorRecordMessage, Warning/Verbose/Debug/Information/Progress records.</summary>
    ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the PipelineOutput string <paramref name="pieces"/> make together (an output step's template). A host
    /// that serializes at once may do so without making the string; this default makes it and writes it.
    /// <paramref name="verbatimPieces"/>: the pieces (bit i for piece i) known to be text CLIXML carries as it is
    /// (<see cref="PsrpEmulator.Protocol.Clixml.ClixmlString.IsVerbatim"/>), which need no looking at before they are written.
    /// </summary>
    ValueTask WriteStringOutputAsync(ReadOnlySpan<string?> pieces, ulong verbatimPieces, CancellationToken cancellationToken) =>
        WriteAsync(new PipelineOutput(PsrpEmulator.Protocol.Clixml.PsPrimitive.String(string.Concat(pieces))), cancellationToken);

    /// <summary>Reads the next PIPELINE_INPUT value; null once END_OF_PIPELINE_INPUT arrived (or NoInput).</summary>
    ValueTask<PsrpEmulator.Protocol.Clixml.PsValue?> ReadInputAsync(CancellationToken cancellationToken);

    /// <summary>The runspace whose variables and jobs the behaviour sees; null: a fresh one for this run only.</summary>
    RunspaceState? Runspace => null;

    /// <summary><see cref="Runspace"/> if it exists already, without making it (a lookup in a runspace never made finds nothing).</summary>
    RunspaceState? ExistingRunspace => Runspace;

    /// <summary>
    /// The disk of the session's computer, which the file cmdlets, <c>[System.IO.File]</c> and redirections read and
    /// write; null when the host has none (they then say the emulator does not emulate them).
    /// </summary>
    VirtualFileSystem? FileSystem => null;

    /// <summary>The variables the computer keeps for its later processes (machine and user); null when the host has none.</summary>
    PersistentEnvironment? PersistentEnvironment => null;

    /// <summary>What commands changed of the computer's services (Stop-Service...); null when the host has none.</summary>
    ServiceStates? ServiceStates => null;

    /// <summary>The computer's local users and groups (the LocalAccounts cmdlets, net user); null when the host has none.</summary>
    LocalAccounts? LocalAccounts => null;

    /// <summary>The computer's firewall rules (NetSecurity's cmdlets, netsh advfirewall); null when the host has none.</summary>
    FirewallRules? FirewallRules => null;

    /// <summary>The computer's scheduled tasks (the ScheduledTasks cmdlets, schtasks); null when the host has none.</summary>
    ScheduledTasks? ScheduledTasks => null;

    /// <summary>The computer's SMB shares (the SmbShare cmdlets, net share); null when the host has none.</summary>
    SmbShares? SmbShares => null;

    /// <summary>The computer's WMI classes as they are now (wmic reads them); null on a host without them.</summary>
    ComputerWmi? Wmi => null;

    /// <summary>The computer's certificate stores (the Cert: drive, New-SelfSignedCertificate); null when the host has none.</summary>
    CertificateStores? CertificateStores => null;

    /// <summary>What scripts changed of the computer's WinRM configuration (already laid over <see cref="WsManConfiguration"/>); null when the host keeps none.</summary>
    WsManSettings? WsManSettings => null;

    /// <summary>The computer's classic event logs (Get-EventLog, Write-EventLog, Get-WinEvent); null when the host has none.</summary>
    EventLogs? EventLogs => null;

    /// <summary>What commands changed of the computer's network (its DNS servers); null when the host has none.</summary>
    NetworkSettings? NetworkSettings => null;

    /// <summary>The computer's WinRM configuration (the WSMan: drive); null when the host has none.</summary>
    IReadOnlyList<WsManConfigEntry>? WsManConfiguration => null;

    /// <summary>The computer's registry (the registry cmdlets on HKLM: and HKCU:); null when the host has none.</summary>
    VirtualRegistry? Registry => null;

    /// <summary>The computer's restart (Restart-Computer); null when the host cannot restart one.</summary>
    IComputerPower? Power => null;

    /// <summary>The computer's Windows features (Install-WindowsFeature); null when the host has none.</summary>
    WindowsFeatureStates? WindowsFeatures => null;

    /// <summary>Every environment variable of the session's process, as Windows gave them (Get-ChildItem Env:); none when the host cannot list them.</summary>
    IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => [];

    /// <summary>An environment variable of the session's process (<c>$env:NAME</c>); null when unset.</summary>
    string? EnvironmentVariable(string name) => null;

    /// <summary>
    /// An automatic variable of the session (<c>$PSVersionTable</c>, <c>$PSEdition</c>), read when no variable of that
    /// name was set; null when the host has none of that name.
    /// </summary>
    PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => null;

    /// <summary>
    /// The console colours the session's host reports (<c>$Host.UI.RawUI</c>: what Write-Host writes without a colour
    /// parameter), from the default data of the client's HostInfo; null each when the host has none to give.
    /// </summary>
    (int? Foreground, int? Background) HostConsoleColors => default;

    /// <summary>
    /// The width of the host's console buffer (<c>$Host.UI.RawUI.BufferSize.Width</c>), which Out-String and the
    /// Format cmdlets' text fit (one column less); null when the host has none (Out-String then uses 120 columns).
    /// </summary>
    int? ConsoleWidth => null;

    /// <summary>
    /// True when the client's host has a UI the server may call (its HostInfo's <c>_isHostNull</c> and
    /// <c>_isHostUINull</c> false): only then does a prompt become a PIPELINE_HOST_CALL; otherwise the server's own host
    /// refuses it (HostException HostFunctionNotImplemented) and sends nothing.
    /// </summary>
    bool HasHostUI => false;

    /// <summary>
    /// A RawUI property set: the host's data takes the new value, as ServerRemoteHostRawUserInterface's setters update
    /// HostDefaultData (a later read answers it); a host without a UI keeps nothing.
    /// </summary>
    void UpdateRawUI(Func<PsrpEmulator.Protocol.Psrp.HostRawUI, PsrpEmulator.Protocol.Psrp.HostRawUI> update)
    {
    }

    /// <summary>
    /// True when the host is the process's own console (powershell.exe in a cmd shell): an error it answers a call with
    /// is its own exception, not a RemoteException from a client.
    /// </summary>
    bool HostIsLocal => false;

    /// <summary>
    /// True when the statement running on this host redirects its error stream (<c>2&gt;&amp;1</c>, <c>2&gt;$null</c>,
    /// <c>2&gt; file</c>, <c>*&gt;</c>): on a local host a program's stderr then becomes error records, as Windows
    /// PowerShell's NativeCommandProcessor redirects a program's stderr only then.
    /// </summary>
    bool RedirectsErrors => false;

    /// <summary>
    /// Runs <paramref name="method"/> on the client's host (a PIPELINE_HOST_CALL in the pipeline's output) and waits for
    /// its PIPELINE_HOST_RESPONSE, however long that takes (a disconnected client answers once it reconnects); throws
    /// when <paramref name="cancellationToken"/> (the pipeline's stop) is cancelled first. Only for a method that
    /// returns something (<see cref="RemoteHostCalls.ExpectsResponse"/>), on a host with <see cref="HasHostUI"/>.
    /// </summary>
    ValueTask<PipelineHostResponse> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsrpEmulator.Protocol.Clixml.PsValue> parameters, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("This host has no UI to call.");

    /// <summary>
    /// A host method that returns nothing (the <c>What if:</c> line's WriteLine): a PIPELINE_HOST_CALL with the void call
    /// id in the output, not waited for; dropped when the client's host has no UI, as the server's host drops it.
    /// </summary>
    ValueTask SendHostCallAsync(RemoteHostMethodId method, IReadOnlyList<PsrpEmulator.Protocol.Clixml.PsValue> parameters, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>Called before the behaviour waits on something other than the clock (a job): what it wrote so far may go out.</summary>
    void Publish()
    {
    }

    /// <summary>A sleep step: waits <paramref name="delay"/> on <paramref name="time"/>; throws when <paramref name="cancellationToken"/> is cancelled.</summary>
    ValueTask SleepAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken) => new(Shells.LongDelays.Delay(delay, time, cancellationToken));

    /// <summary>
    /// A statement of the script's own starts (powershell.exe's exit code follows the last statement's <c>$?</c>; an
    /// error's InvocationInfo and ScriptStackTrace place it in the script): <paramref name="statement"/> is its text,
    /// <paramref name="nesting"/> the blocks of the script's own statements it is in (0: a top-level statement; 1: a
    /// statement of a loop's or an if's block...).
    /// </summary>
    void StatementStarting(string statement, int nesting)
    {
    }

    /// <summary>
    /// The script this host runs, as the client wrote it (a pipeline's script, a job's block): a function it defines
    /// keeps the text, so that its errors are placed in it when a later pipeline calls it. Null when there is none (a
    /// command sent as a command).
    /// </summary>
    string? ScriptText => null;

    /// <summary>
    /// An error record a catch or trap takes, placed as the host places the records it sends (its InvocationInfo and
    /// ScriptStackTrace: <c>$_.InvocationInfo.ScriptLineNumber</c>), at <paramref name="statement"/>, the innermost
    /// statement that was running, when the script holds it; the record as it is on a host that places nothing.
    /// </summary>
    PsrpEmulator.Protocol.Clixml.PsObject PlaceCaught(PsrpEmulator.Protocol.Clixml.PsObject record, string? statement) => record;

    /// <summary>
    /// A non-terminating error record that does not reach the host (hidden by SilentlyContinue, redirected: 2&gt;$null),
    /// placed as the host places the ones it sends, for <c>$Error</c> to keep; the record as it is on a host that
    /// places nothing.
    /// </summary>
    PsrpEmulator.Protocol.Clixml.PsObject PlaceUnsent(PsrpEmulator.Protocol.Clixml.PsObject record) => record;

    /// <summary>
    /// An error record merged into the output (<c>2&gt;&amp;1</c>) or written to a file (<c>2&gt; file</c>): placed as the
    /// host places the ones it sends (MshCommandRuntime sets its InvocationInfo before the pipe it goes to), without
    /// the extended notes only the error stream adds; the record as it is on a host that places nothing.
    /// </summary>
    PsrpEmulator.Protocol.Clixml.PsObject PlaceMerged(PsrpEmulator.Protocol.Clixml.PsObject record) => record;

    /// <summary>
    /// A line a program wrote to stderr, on a local host (<see cref="HostIsLocal"/>: powershell.exe in a cmd shell),
    /// where the program writes to the console's stderr itself, not through PowerShell's error stream.
    /// </summary>
    ValueTask WriteProgramStderrAsync(string line, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A program the script ran ended with <paramref name="exitCode"/> (not 0: <c>$?</c> is false after it).</summary>
    void ProgramExited(int exitCode)
    {
    }

    /// <summary>
    /// Invoke-History ran <paramref name="commandLine"/>: the pipeline's history entry (when it adds one) is that
    /// command line, not its own text (InvokeHistoryCommand.ReplaceHistoryString).
    /// </summary>
    void ReplaceHistoryLine(string commandLine)
    {
    }
}

/// <summary>The end of a pipeline as a behaviour decided it.</summary>
public sealed record PipelineOutcome(PSInvocationState State, PsrpEmulator.Protocol.Clixml.PsObject? ErrorRecord = null)
{
    public static readonly PipelineOutcome Completed = new(PSInvocationState.Completed);

    /// <summary>The code of the <c>exit</c> statement that ended the script (powershell.exe's exit code); null without one.</summary>
    public int? ExitCode { get; init; }
}

/// <summary>
/// A host that passes everything on to another, so that a wrapper (a pipeline stage's host, -ErrorAction's, an
/// assignment's capture, a redirection's) states only what it changes: a member a wrapper forgot would hide what the
/// host under it has (its disk, its UI, its environment).
/// </summary>
internal abstract class ForwardingHost(IPipelineHost inner) : IPipelineHost
{
    /// <summary>The host records and questions go on to.</summary>
    public IPipelineHost Inner => inner;

    public virtual ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken) => inner.WriteAsync(record, cancellationToken);

    /// <summary>As the interface's default: the string made and written through <see cref="WriteAsync"/> (a wrapper sees it).</summary>
    public virtual ValueTask WriteStringOutputAsync(ReadOnlySpan<string?> pieces, ulong verbatimPieces, CancellationToken cancellationToken) =>
        WriteAsync(new PipelineOutput(PsrpEmulator.Protocol.Clixml.PsPrimitive.String(string.Concat(pieces))), cancellationToken);

    public virtual ValueTask<PsrpEmulator.Protocol.Clixml.PsValue?> ReadInputAsync(CancellationToken cancellationToken) => inner.ReadInputAsync(cancellationToken);

    public RunspaceState? Runspace => inner.Runspace;

    public RunspaceState? ExistingRunspace => inner.ExistingRunspace;

    public string? ScriptText => inner.ScriptText;

    public VirtualFileSystem? FileSystem => inner.FileSystem;

    public PersistentEnvironment? PersistentEnvironment => inner.PersistentEnvironment;

    public ServiceStates? ServiceStates => inner.ServiceStates;

    public LocalAccounts? LocalAccounts => inner.LocalAccounts;

    public FirewallRules? FirewallRules => inner.FirewallRules;

    public ScheduledTasks? ScheduledTasks => inner.ScheduledTasks;

    public SmbShares? SmbShares => inner.SmbShares;

    public ComputerWmi? Wmi => inner.Wmi;

    public CertificateStores? CertificateStores => inner.CertificateStores;

    public WsManSettings? WsManSettings => inner.WsManSettings;

    public EventLogs? EventLogs => inner.EventLogs;

    public NetworkSettings? NetworkSettings => inner.NetworkSettings;

    public IReadOnlyList<WsManConfigEntry>? WsManConfiguration => inner.WsManConfiguration;

    public VirtualRegistry? Registry => inner.Registry;

    public IComputerPower? Power => inner.Power;

    public WindowsFeatureStates? WindowsFeatures => inner.WindowsFeatures;

    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => inner.EnvironmentVariables;

    public string? EnvironmentVariable(string name) => inner.EnvironmentVariable(name);

    public PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => inner.AutomaticVariable(name);

    public (int? Foreground, int? Background) HostConsoleColors => inner.HostConsoleColors;

    public int? ConsoleWidth => inner.ConsoleWidth;

    public bool HasHostUI => inner.HasHostUI;

    public void UpdateRawUI(Func<PsrpEmulator.Protocol.Psrp.HostRawUI, PsrpEmulator.Protocol.Psrp.HostRawUI> update) => inner.UpdateRawUI(update);

    public bool HostIsLocal => inner.HostIsLocal;

    public virtual bool RedirectsErrors => inner.RedirectsErrors;

    public ValueTask<PipelineHostResponse> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsrpEmulator.Protocol.Clixml.PsValue> parameters, CancellationToken cancellationToken) =>
        inner.CallHostAsync(method, parameters, cancellationToken);

    public ValueTask SendHostCallAsync(RemoteHostMethodId method, IReadOnlyList<PsrpEmulator.Protocol.Clixml.PsValue> parameters, CancellationToken cancellationToken) =>
        inner.SendHostCallAsync(method, parameters, cancellationToken);

    public void Publish() => inner.Publish();

    public ValueTask SleepAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken) => inner.SleepAsync(delay, time, cancellationToken);

    /// <summary>Passed on, except by a wrapper whose statements are not the script's top-level ones.</summary>
    public virtual void StatementStarting(string statement, int nesting) => inner.StatementStarting(statement, nesting);

    public PsrpEmulator.Protocol.Clixml.PsObject PlaceCaught(PsrpEmulator.Protocol.Clixml.PsObject record, string? statement) => inner.PlaceCaught(record, statement);

    public PsrpEmulator.Protocol.Clixml.PsObject PlaceUnsent(PsrpEmulator.Protocol.Clixml.PsObject record) => inner.PlaceUnsent(record);

    public PsrpEmulator.Protocol.Clixml.PsObject PlaceMerged(PsrpEmulator.Protocol.Clixml.PsObject record) => inner.PlaceMerged(record);

    public ValueTask WriteProgramStderrAsync(string line, CancellationToken cancellationToken) => inner.WriteProgramStderrAsync(line, cancellationToken);

    public void ProgramExited(int exitCode) => inner.ProgramExited(exitCode);

    public void ReplaceHistoryLine(string commandLine) => inner.ReplaceHistoryLine(commandLine);
}
