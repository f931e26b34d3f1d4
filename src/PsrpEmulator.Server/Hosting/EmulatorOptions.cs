using System.ComponentModel.DataAnnotations;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Hosting;

/// <summary>
/// Emulator settings. Bound from the <c>PsrpEmulator</c> configuration section, <c>PSRPEMU_</c> environment
/// variables (e.g. <c>PSRPEMU_MaxEnvelopeSizeKb=150</c>) and CLI flags; validated at start.
/// </summary>
public sealed class EmulatorOptions : IValidatableObject
{
    public const string SectionName = "PsrpEmulator";

    /// <summary>Users allowed in, as <c>name:password</c>. Empty means the default user <c>psrp</c> / <c>psrp</c>.</summary>
    public List<string> Users { get; set; } = [];

    /// <summary>The virtual computer's name: in faults (Machine), shell Owner prefixes and PSComputerName.</summary>
    [Required]
    public string ComputerName { get; set; } = "SERVER01";

    /// <summary>Session configurations (endpoints) served under <c>http://schemas.microsoft.com/powershell/NAME</c>.</summary>
    public List<string> Configurations { get; set; } = [];

    /// <summary>WinRM MaxEnvelopeSizekb: larger requests get HTTP 413.</summary>
    [Range(32, 8192)]
    public int MaxEnvelopeSizeKb { get; set; } = 500;

    /// <summary>
    /// Longest time a Receive is held open when nothing arrives (bounded also by the request's OperationTimeout).
    /// Real PowerShell on Linux sends nothing else while a Receive is held, so keep this short.
    /// </summary>
    public TimeSpan MaxReceiveHold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Endpoint IdleTimeoutms default (Windows: 7200 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(7200);

    /// <summary>Endpoint MaxIdleTimeoutms (Windows: 2147483647 ms).</summary>
    public TimeSpan MaxIdleTimeout { get; set; } = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Default output buffering mode of new shells (session configuration OutputBufferingMode; Windows: Block).</summary>
    public OutputBufferMode BufferMode { get; set; } = OutputBufferMode.Block;

    /// <summary>
    /// Output buffer per pipeline, in PSRP data objects (output, error, warning... records; state messages do not
    /// count): when full, Block makes the script wait and Drop discards. WinRM documents no size; 1000 objects.
    /// </summary>
    [Range(1, 10_000_000)]
    public int OutputBufferCapacity { get; set; } = 1000;

    /// <summary>Which object BufferMode Drop discards when the buffer is full (default Oldest, as the PowerShell API docs say).</summary>
    public DropPolicy DropPolicy { get; set; } = DropPolicy.Oldest;

    /// <summary>What a Receive waiting when its shell is disconnected gets (default MS-WSMV: the data it has).</summary>
    public PendingReceiveOnDisconnect PendingReceiveOnDisconnect { get; set; } = PendingReceiveOnDisconnect.CompleteWithData;

    /// <summary>WinRM MaxShellsPerUser (Windows default 25).</summary>
    [Range(1, 1_000_000)]
    public int MaxShellsPerUser { get; set; } = 25;

    /// <summary>PowerShell endpoint MaxConcurrentCommandsPerShell (Windows default 1000).</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentCommandsPerShell { get; set; } = 1000;

    /// <summary>Lifetime of an unused WS-Enumeration context (WinRM EnumerationTimeoutms, 240000).</summary>
    public TimeSpan EnumerationTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How often the heartbeat checks idle timeouts and expired enumerations.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest PSRP fragment the server sends (PowerShell's DefaultFragmentSize is 32 KiB).</summary>
    [Range(64, 1024 * 1024)]
    public int MaxFragmentSize { get; set; } = 32 * 1024;

    /// <summary>The server's PSRP protocolversion in SESSION_CAPABILITY (Windows PowerShell 5.1: 2.3; PowerShell 7.6: 2.4).</summary>
    [Required]
    public string ProtocolVersion { get; set; } = "2.3";

    /// <summary>PSVersion reported in PSVersionTable.</summary>
    [Required]
    public string PSVersion { get; set; } = "5.1.17763.1";

    /// <summary>Scenario YAML file with command behaviours; empty means the embedded default scenario only.</summary>
    public string? ScenarioFile { get; set; }

    /// <summary>Journal entries kept in memory (oldest are discarded).</summary>
    [Range(1, 1_000_000)]
    public int JournalCapacity { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var user in Users)
        {
            var colon = user.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == user.Length - 1)
            {
                yield return new ValidationResult($"User '{user}' must be NAME:PASSWORD.", [nameof(Users)]);
            }
        }

        foreach (var config in EffectiveConfigurations)
        {
            if (string.IsNullOrWhiteSpace(config) || config.Contains('/') || config.Contains(' '))
            {
                yield return new ValidationResult($"Configuration name '{config}' is not valid.", [nameof(Configurations)]);
            }
        }

        if (HeartbeatInterval <= TimeSpan.Zero) yield return new ValidationResult("HeartbeatInterval must be positive.", [nameof(HeartbeatInterval)]);
        if (EnumerationTimeout <= TimeSpan.Zero) yield return new ValidationResult("EnumerationTimeout must be positive.", [nameof(EnumerationTimeout)]);
        if (MaxReceiveHold <= TimeSpan.Zero) yield return new ValidationResult("MaxReceiveHold must be positive.", [nameof(MaxReceiveHold)]);
        if (IdleTimeout < TimeSpan.FromSeconds(60)) yield return new ValidationResult("IdleTimeout must be at least 60 seconds.", [nameof(IdleTimeout)]);
        if (MaxIdleTimeout < IdleTimeout) yield return new ValidationResult("MaxIdleTimeout must not be below IdleTimeout.", [nameof(MaxIdleTimeout)]);
        if (!System.Version.TryParse(ProtocolVersion, out var v) || v.Major != 2)
        {
            yield return new ValidationResult($"ProtocolVersion '{ProtocolVersion}' must be 2.x.", [nameof(ProtocolVersion)]);
        }

        if (ScenarioFile is { Length: > 0 } && !File.Exists(ScenarioFile))
        {
            yield return new ValidationResult($"Scenario file '{ScenarioFile}' does not exist.", [nameof(ScenarioFile)]);
        }
    }

    /// <summary>The configured users, or the default psrp/psrp.</summary>
    public IReadOnlyDictionary<string, string> EffectiveUsers
    {
        get
        {
            var users = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in Users)
            {
                var colon = user.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) users[user[..colon]] = user[(colon + 1)..];
            }

            if (users.Count == 0) users["psrp"] = "psrp";
            return users;
        }
    }

    public IReadOnlyList<string> EffectiveConfigurations => Configurations.Count == 0 ? ["Microsoft.PowerShell"] : Configurations;
}

/// <summary>Which undelivered object BufferMode Drop discards.</summary>
public enum DropPolicy
{
    /// <summary>The oldest undelivered data object (PowerShell API docs, WSManDisconnectShell docs). Default.</summary>
    Oldest,
    /// <summary>The object being written (one reading of MS-WSMV 2.2.5.10).</summary>
    Newest,
}

/// <summary>What happens to a Receive that is waiting when its shell is disconnected.</summary>
public enum PendingReceiveOnDisconnect
{
    /// <summary>MS-WSMV 3.1.4.15: it completes with whatever data is available (possibly none). Default.</summary>
    CompleteWithData,
    /// <summary>OMI's provider: it fails with 0x803381DE, "the stream is currently disconnected".</summary>
    Fault,
}

/// <summary>WinRM OutputBufferingMode (MS-WSMV 2.2.5.10).</summary>
public enum OutputBufferMode
{
    Block,
    Drop,
}
