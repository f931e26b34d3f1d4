using System.ComponentModel.DataAnnotations;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;

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

    /// <summary>
    /// Authentication schemes offered in <c>WWW-Authenticate</c> and accepted (WinRM service Auth settings): Basic,
    /// Negotiate (SPNEGO-wrapped or raw NTLM, as Windows accepts) and NTLM (the raw scheme, which Windows does not
    /// offer). Default: Basic and Negotiate. Kerberos, CredSSP and certificates are not emulated.
    /// </summary>
    public List<WsManAuthScheme> Authentication { get; set; } = [];

    /// <summary>
    /// WinRM AllowUnencrypted: whether plain SOAP bodies are accepted over HTTP. When false (the Windows default),
    /// HTTP requests must be Negotiate/NTLM-sealed <c>multipart/encrypted</c> bodies and Basic over HTTP is
    /// refused with 401; HTTPS is never affected. Default true, so Basic over HTTP works out of the box.
    /// </summary>
    public bool AllowUnencrypted { get; set; } = true;

    /// <summary>
    /// WinRM's <c>Service/Auth/CbtHardeningLevel</c>: how Negotiate/NTLM over HTTPS checks the client's channel binding
    /// token. Relaxed (Windows' default) refuses a token that is not the TLS channel's and accepts none; Strict also
    /// refuses a client that sends none; None checks nothing. HTTP has no channel to bind to and is not affected.
    /// </summary>
    public CbtHardeningLevel CbtHardeningLevel { get; set; } = CbtHardeningLevel.Relaxed;

    /// <summary>The virtual computer's name: in faults (Machine), shell Owner prefixes and PSComputerName.</summary>
    [Required]
    public string ComputerName { get; set; } = "SERVER01";

    /// <summary>
    /// Further virtual computers served by this process (the <see cref="ComputerName"/> one is always there). A
    /// request is routed by its Host header (the name, or its first DNS label), else by the local port a computer
    /// claims, else to <see cref="ComputerName"/>. Shells of one computer are invisible to the others.
    /// </summary>
    public Dictionary<string, ComputerOptions> Computers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Session configurations (endpoints) served under <c>http://schemas.microsoft.com/powershell/NAME</c>.</summary>
    public List<string> Configurations { get; set; } = [];

    /// <summary>Per-endpoint overrides, by configuration name (also served); e.g. <c>PSRPEMU_Endpoints__ITTasks__BufferMode=Drop</c>.</summary>
    public Dictionary<string, EndpointOptions> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

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

    /// <summary>
    /// Session configuration MaximumReceivedDataSizePerCommandMB (PowerShell's default: 50): the PSRP data a command
    /// may receive, CREATE_PIPELINE and all its input together (fragment bytes as decoded). A Send past it gets the
    /// PowerShell plugin's fault and closes the command. Negative: unlimited, as PowerShell reads a negative value.
    /// </summary>
    [Range(-1, EndpointSettings.MaximumMB)]
    public int MaximumReceivedDataSizePerCommandMB { get; set; } = EndpointSettings.DefaultMaximumReceivedDataSizePerCommandMB;

    /// <summary>
    /// Session configuration MaximumReceivedObjectSizeMB (PowerShell's default: 10): the largest object (PSRP message,
    /// fragment headers counted) a command or the pool may receive. Past it the Send gets the PowerShell plugin's fault;
    /// a command is closed as for <see cref="MaximumReceivedDataSizePerCommandMB"/>, pool data closes the shell.
    /// Negative: unlimited.
    /// </summary>
    [Range(-1, EndpointSettings.MaximumMB)]
    public int MaximumReceivedObjectSizeMB { get; set; } = EndpointSettings.DefaultMaximumReceivedObjectSizeMB;

    /// <summary>
    /// BufferMode Block while the shell is disconnected: Windows stops accepting a pipeline's output at once
    /// (recorded: the script pauses at its next output until a client connects), or the buffer fills first.
    /// </summary>
    public BlockWhileDisconnected BlockWhileDisconnected { get; set; } = BlockWhileDisconnected.PauseAtNextOutput;

    /// <summary>Which object BufferMode Drop discards when the buffer is full (default Oldest, as the PowerShell API docs say).</summary>
    public DropPolicy DropPolicy { get; set; } = DropPolicy.Oldest;

    /// <summary>What a Receive waiting when its shell is disconnected gets (default MS-WSMV: the data it has).</summary>
    public PendingReceiveOnDisconnect PendingReceiveOnDisconnect { get; set; } = PendingReceiveOnDisconnect.CompleteWithData;

    /// <summary>
    /// The bytes each virtual computer's disk (its in-memory C: drive) holds at most: a write past it fails as a full
    /// disk does on Windows ("There is not enough space on the disk."). Default 128 MiB.
    /// </summary>
    [Range(1024, 16L * 1024 * 1024 * 1024)]
    public long DiskCapacityBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// The C: volume's size the computers report (Get-PSDrive, Get-Volume, Win32_LogicalDisk, dir, the counters):
    /// default 127 GiB, a Windows Server 2019 VM's OS disk, whatever <see cref="DiskCapacityBytes"/> lets scripts write.
    /// </summary>
    [Range(1024, 1L << 50)]
    public long DiskSizeBytes { get; set; } = 127L * 1024 * 1024 * 1024;

    /// <summary>
    /// The free bytes the computers report before scripts write anything (falling as they write): default 108 GiB,
    /// what a fresh Windows Server 2019 leaves of 127 GiB (UNVERIFIED: the installation's size varies).
    /// </summary>
    [Range(0, 1L << 50)]
    public long DiskFreeBytes { get; set; } = 108L * 1024 * 1024 * 1024;

    /// <summary>WinRM MaxShellsPerUser (Windows default 25).</summary>
    [Range(1, 1_000_000)]
    public int MaxShellsPerUser { get; set; } = 25;

    /// <summary>PowerShell endpoint MaxConcurrentCommandsPerShell (Windows default 1000).</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentCommandsPerShell { get; set; } = 1000;

    /// <summary>Lifetime of an unused WS-Enumeration context (WinRM EnumerationTimeoutms, 240000).</summary>
    public TimeSpan EnumerationTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a restarted computer answers no request (<c>shutdown /r</c>, Restart-Computer): Windows' reboot.</summary>
    public TimeSpan RestartDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the heartbeat checks idle timeouts and expired enumerations.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest PSRP fragment the server sends (PowerShell's DefaultFragmentSize is 32 KiB).</summary>
    [Range(64, 1024 * 1024)]
    public int MaxFragmentSize { get; set; } = 32 * 1024;

    /// <summary>The server's PSRP protocolversion in SESSION_CAPABILITY (Windows PowerShell 5.1: 2.3; PowerShell 7.6: 2.4).</summary>
    [Required]
    public string ProtocolVersion { get; set; } = "2.3";

    /// <summary>
    /// Opening a pool, Windows answers SESSION_CAPABILITY and APPLICATION_PRIVATE_DATA in one Receive or, when the
    /// endpoint is slow to load (JEA, module analysis), in two (both recorded). Default: one.
    /// </summary>
    public bool SeparateApplicationPrivateData { get; set; }

    /// <summary>
    /// Opening a pool, Windows answers RUNSPACEPOOL_STATE Opened in the Receive after the capability's: the pool takes
    /// longer to open than the client takes to ask (every recorded exchange). False: in the same Receive, as an
    /// endpoint that opened at once would (one request less per open). Default: true.
    /// </summary>
    public bool SeparateRunspacePoolState { get; set; } = true;

    /// <summary>PSVersion reported in PSVersionTable.</summary>
    [Required]
    public string PSVersion { get; set; } = "5.1.17763.1";

    /// <summary>Faults injected into matching requests (also from a scenario and the admin API).</summary>
    public List<Endpoint.FaultRule> Faults { get; set; } = [];

    /// <summary>HTTP 302 redirections (also from a scenario and the admin API).</summary>
    public List<Endpoint.RedirectRule> Redirects { get; set; } = [];

    /// <summary>Seed of the generator behind fault probabilities: the same seed, the same faults.</summary>
    public int FaultSeed { get; set; }

    /// <summary>Bearer token for the admin API; when empty the admin API answers loopback clients only.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Run on a virtual clock that moves only through the admin API (POST /_emulator/clock/advance).</summary>
    public bool VirtualTime { get; set; }

    /// <summary>PFX file with the HTTPS listener's certificate; empty means a self-signed one generated at start.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Password of <see cref="CertificateFile"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Client certificates accepted over HTTPS and the user each logs on as (WinRM's certmapping); when there are
    /// any, the HTTPS listener asks for a client certificate (optional: Basic still works).
    /// </summary>
    public List<Endpoint.CertificateMapping> CertificateMappings { get; set; } = [];

    /// <summary>Scenario YAML file with command behaviours; empty means the embedded default scenario only.</summary>
    public string? ScenarioFile { get; set; }

    /// <summary>
    /// The code page of a WinRS cmd shell whose Create has no WINRS_CODEPAGE: Windows uses the server's OEM code page
    /// (437 on an en-US Windows). Stdout and stderr text is encoded in the shell's code page, stdin decoded in it.
    /// </summary>
    public int WinRsCodePage { get; set; } = 437;

    /// <summary>
    /// The console buffer width of a WinRS command's processes: WinRM starts them in a console of the system's default
    /// size, and the protocol cannot change it. That is 120 columns on Windows 10 and Server 2016 and later (80 before).
    /// powershell.exe formats its tables and lists one column narrower, as it never writes a console's last column.
    /// </summary>
    [Range(20, 10_000)]
    public int WinRsConsoleWidth { get; set; } = 120;

    /// <summary>
    /// A WinRS command's stdin pipe, in bytes: what its process has not read yet. A Send that does not fit waits (as a
    /// writer to a full pipe) until the process reads or the Send's OperationTimeout (bounded by MaxReceiveHold) passes,
    /// then gets <c>w:TimedOut</c> with nothing taken. The size, and that WinRM answers so, are the emulator's choice
    /// (UNVERIFIED); a larger Send is taken once the pipe is empty.
    /// </summary>
    [Range(4096, int.MaxValue)]
    public int WinRsStdinBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// A file that receives every exchange answered with an envelope (request as received, decrypted; response as
    /// sent) in the YAML layout of pypsrp's recorded fixtures, which the conformance tests replay. Off when empty.
    /// </summary>
    public string? RecordFile { get; set; }

    /// <summary>Journal entries kept in memory (oldest are discarded).</summary>
    [Range(1, 1_000_000)]
    public int JournalCapacity { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(CbtHardeningLevel))
        {
            yield return new ValidationResult($"CbtHardeningLevel {(int)CbtHardeningLevel} is not None, Relaxed or Strict.", [nameof(CbtHardeningLevel)]);
        }

        for (var i = 0; i < Faults.Count; i++)
        {
            if (Faults[i].Problem() is { } problem) yield return new ValidationResult($"Faults[{i}]: {problem}.", [nameof(Faults)]);
        }

        for (var i = 0; i < Users.Count; i++)
        {
            var colon = Users[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == Users[i].Length - 1)
            {
                // Named by position: the entry may be a password typed with the wrong separator, and this goes to logs.
                yield return new ValidationResult($"Users entry {i + 1} must be NAME:PASSWORD.", [nameof(Users)]);
            }
        }

        foreach (var config in EffectiveConfigurations)
        {
            if (string.IsNullOrWhiteSpace(config) || config.Contains('/') || config.Contains(' '))
            {
                yield return new ValidationResult($"Configuration name '{config}' is not valid.", [nameof(Configurations)]);
            }
        }

        if (!AllowUnencrypted && EffectiveAuthentication.All(a => a == WsManAuthScheme.Basic))
        {
            yield return new ValidationResult("AllowUnencrypted=false needs Negotiate or NTLM among the Authentication schemes (Basic cannot encrypt).", [nameof(AllowUnencrypted)]);
        }

        if (Protocol.WsMan.WinRsCodePages.TryGet(WinRsCodePage) is null)
        {
            yield return new ValidationResult($"WinRsCodePage {WinRsCodePage} is not a code page this emulator knows.", [nameof(WinRsCodePage)]);
        }

        if (HeartbeatInterval <= TimeSpan.Zero) yield return new ValidationResult("HeartbeatInterval must be positive.", [nameof(HeartbeatInterval)]);
        if (RestartDuration < TimeSpan.Zero || RestartDuration > TimeSpan.FromDays(1)) yield return new ValidationResult("RestartDuration must be between 0 and 1 day.", [nameof(RestartDuration)]);
        if (EnumerationTimeout <= TimeSpan.Zero) yield return new ValidationResult("EnumerationTimeout must be positive.", [nameof(EnumerationTimeout)]);
        if (MaxReceiveHold <= TimeSpan.Zero) yield return new ValidationResult("MaxReceiveHold must be positive.", [nameof(MaxReceiveHold)]);
        if (IdleTimeout < TimeSpan.FromSeconds(60)) yield return new ValidationResult("IdleTimeout must be at least 60 seconds.", [nameof(IdleTimeout)]);
        if (MaxIdleTimeout < IdleTimeout) yield return new ValidationResult("MaxIdleTimeout must not be below IdleTimeout.", [nameof(MaxIdleTimeout)]);
        foreach (var (name, computer) in Computers)
        {
            if (computer.IPv4Address is null && (computer.DefaultGateway is not null || computer.DnsServers is not null))
            {
                yield return new ValidationResult($"Computers:{name}: DefaultGateway and DnsServers go with an IPv4Address.", [nameof(Computers)]);
            }
            else if (computer.IPv4Address is { } address &&
                     NetworkSettings.IPv4Configuration.TryParse(address, computer.DefaultGateway ?? SubnetGateway(address), computer.DnsServers, out var problem) is null)
            {
                yield return new ValidationResult($"Computers:{name}:IPv4Address: {problem}.", [nameof(Computers)]);
            }
        }

        if (DiskFreeBytes > DiskSizeBytes) yield return new ValidationResult("DiskFreeBytes must not be above DiskSizeBytes.", [nameof(DiskFreeBytes)]);
        if (!System.Version.TryParse(ProtocolVersion, out var v) || v.Major != 2)
        {
            yield return new ValidationResult($"ProtocolVersion '{ProtocolVersion}' must be 2.x.", [nameof(ProtocolVersion)]);
        }

        if (CertificateFile is { Length: > 0 } && !File.Exists(CertificateFile))
        {
            yield return new ValidationResult($"Certificate file '{CertificateFile}' does not exist.", [nameof(CertificateFile)]);
        }

        foreach (var mapping in CertificateMappings)
        {
            if (string.IsNullOrEmpty(mapping.Thumbprint) && string.IsNullOrEmpty(mapping.Subject))
            {
                yield return new ValidationResult("A certificate mapping needs a Thumbprint or a Subject.", [nameof(CertificateMappings)]);
            }

            if (!EffectiveUsers.ContainsKey(BareUserName(mapping.User)))
            {
                yield return new ValidationResult($"Certificate mapping user '{mapping.User}' is not one of the Users.", [nameof(CertificateMappings)]);
            }
        }

        foreach (var (name, endpoint) in Endpoints)
        {
            if (endpoint.MaximumReceivedDataSizePerCommandMB is < -1 or > EndpointSettings.MaximumMB)
            {
                yield return new ValidationResult($"Endpoints:{name}:MaximumReceivedDataSizePerCommandMB must be from -1 (unlimited) to {EndpointSettings.MaximumMB}.", [nameof(Endpoints)]);
            }

            if (endpoint.MaximumReceivedObjectSizeMB is < -1 or > EndpointSettings.MaximumMB)
            {
                yield return new ValidationResult($"Endpoints:{name}:MaximumReceivedObjectSizeMB must be from -1 (unlimited) to {EndpointSettings.MaximumMB}.", [nameof(Endpoints)]);
            }

            // As the global IdleTimeout: WinRM's minimum is 60 s (a lower one would be raised at every Create).
            if (endpoint.IdleTimeout is { } idle && idle < TimeSpan.FromSeconds(60))
            {
                yield return new ValidationResult($"Endpoints:{name}:IdleTimeout must be at least 60 seconds.", [nameof(Endpoints)]);
            }

            if (endpoint.IdleTimeout is { } ownIdle && (endpoint.MaxIdleTimeout ?? MaxIdleTimeout) < ownIdle)
            {
                yield return new ValidationResult($"Endpoints:{name}:MaxIdleTimeout must not be below its IdleTimeout.", [nameof(Endpoints)]);
            }
        }

        if (RecordFile is { Length: > 0 } && Directory.Exists(RecordFile))
        {
            yield return new ValidationResult($"Record file '{RecordFile}' is a folder.", [nameof(RecordFile)]);
        }
        else if (RecordFile is { Length: > 0 } && Path.GetDirectoryName(Path.GetFullPath(RecordFile)) is { } recordFolder && !Directory.Exists(recordFolder))
        {
            yield return new ValidationResult($"The folder of record file '{RecordFile}' does not exist.", [nameof(RecordFile)]);
        }

        if (ScenarioFile is { Length: > 0 } && !File.Exists(ScenarioFile))
        {
            yield return new ValidationResult($"Scenario file '{ScenarioFile}' does not exist.", [nameof(ScenarioFile)]);
        }
    }

    /// <summary>The user name without a <c>DOMAIN\</c> prefix or <c>@domain</c> suffix.</summary>
    public static string BareUserName(string name)
    {
        var slash = name.LastIndexOf('\\');
        if (slash >= 0) name = name[(slash + 1)..];
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? name[..at] : name;
    }

    /// <summary>The configured users (by bare name), or the default psrp/psrp.</summary>
    public IReadOnlyDictionary<string, string> EffectiveUsers
    {
        get
        {
            var users = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in Users)
            {
                var colon = user.IndexOf(':', StringComparison.Ordinal);
                // DOMAIN\user and user@domain sign in as the bare user name, as the login does.
                if (colon > 0) users[BareUserName(user[..colon])] = user[(colon + 1)..];
            }

            if (users.Count == 0) users["psrp"] = "psrp";
            return users;
        }
    }

    /// <summary>The offered schemes, without repeats, or the default Basic and Negotiate.</summary>
    public IReadOnlyList<WsManAuthScheme> EffectiveAuthentication =>
        Authentication.Count == 0 ? [WsManAuthScheme.Basic, WsManAuthScheme.Negotiate] : [.. Authentication.Distinct()];

    /// <summary>Every virtual computer's name, the default one first.</summary>
    public IReadOnlyList<string> EffectiveComputers => [ComputerName, .. Computers.Keys.Where(k => !string.Equals(k, ComputerName, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// A virtual computer's static IPv4 configuration: its <see cref="ComputerOptions.IPv4Address"/> and the rest, else
    /// the n-th computer's default (<see cref="NetworkSettings.IPv4Configuration.ForComputer"/>, n its place in
    /// <see cref="EffectiveComputers"/>; a computer not listed has the default computer's).
    /// </summary>
    public NetworkSettings.IPv4Configuration IPv4ConfigurationOf(string computer)
    {
        if (Computers.TryGetValue(computer, out var options) && options.IPv4Address is { Length: > 0 } address &&
            NetworkSettings.IPv4Configuration.TryParse(address, options.DefaultGateway ?? SubnetGateway(address), options.DnsServers, out _) is { } configured)
        {
            return configured;
        }

        return NetworkSettings.IPv4Configuration.ForComputer(PlaceOf(computer));
    }

    /// <summary>A virtual computer's place in <see cref="EffectiveComputers"/> (0 the default computer's, and a computer not listed's).</summary>
    public int PlaceOf(string computer)
    {
        var index = 0;
        foreach (var name in EffectiveComputers)
        {
            if (name.Equals(computer, StringComparison.OrdinalIgnoreCase)) return index;
            index++;
        }

        return 0;
    }

    // The .1 of an address's /24 (10.1.2.7/24 -> 10.1.2.1): the gateway a configured address gets unless one is given.
    private static string SubnetGateway(string address)
    {
        var host = address.Split('/')[0];
        var dot = host.LastIndexOf('.');
        return dot < 0 ? string.Empty : host[..dot] + ".1";
    }

    /// <summary>The computer a request addresses: Host header name or first label, else the port's owner, else the default.</summary>
    public string ResolveComputer(string? host, int localPort)
    {
        if (!string.IsNullOrEmpty(host))
        {
            // Per request: spans instead of Split, and EffectiveComputers' order without building the list.
            var name = host.AsSpan();
            if (name.IndexOf(':') is var colon and >= 0) name = name[..colon];
            var label = name.IndexOf('.') is var dot and >= 0 ? name[..dot] : name;
            if (Names(ComputerName, name, label)) return ComputerName;
            foreach (var computer in Computers.Keys)
            {
                if (!string.Equals(computer, ComputerName, StringComparison.OrdinalIgnoreCase) && Names(computer, name, label)) return computer;
            }
        }

        foreach (var (computer, options) in Computers)
        {
            if (options.Port == localPort && localPort != 0) return computer;
        }

        return ComputerName;
    }

    private static bool Names(string computer, ReadOnlySpan<char> name, ReadOnlySpan<char> label) =>
        computer.AsSpan().Equals(name, StringComparison.OrdinalIgnoreCase) || computer.AsSpan().Equals(label, StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<string> EffectiveConfigurations =>
        [.. (Configurations.Count == 0 ? ["Microsoft.PowerShell"] : Configurations).Concat(Endpoints.Keys).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The settings of one endpoint: these options, overlaid by the scenario's, overlaid by <see cref="Endpoints"/>.</summary>
    public EndpointSettings ResolveEndpoint(string name, ScenarioSettings? scenario = null)
    {
        var merged = new EndpointOptions
        {
            BufferMode = BufferMode, OutputBufferCapacity = OutputBufferCapacity, IdleTimeout = IdleTimeout, MaxIdleTimeout = MaxIdleTimeout,
            MaximumReceivedDataSizePerCommandMB = MaximumReceivedDataSizePerCommandMB,
            MaximumReceivedObjectSizeMB = MaximumReceivedObjectSizeMB,
        };
        if (scenario is not null && scenario.Endpoints.TryGetValue(name, out var fromScenario)) merged = merged.OverlaidBy(fromScenario);
        if (Endpoints.TryGetValue(name, out var fromOptions)) merged = merged.OverlaidBy(fromOptions);
        return new EndpointSettings(name, merged.BufferMode!.Value, merged.OutputBufferCapacity!.Value, merged.IdleTimeout!.Value, merged.MaxIdleTimeout!.Value,
            EndpointSettings.Bytes(merged.MaximumReceivedDataSizePerCommandMB!.Value), EndpointSettings.Bytes(merged.MaximumReceivedObjectSizeMB!.Value));
    }

}

/// <summary>An HTTP authentication scheme of the WinRM service.</summary>
public enum WsManAuthScheme
{
    /// <summary>User name and password in the clear (base64): needs AllowUnencrypted over HTTP.</summary>
    Basic,
    /// <summary>HTTP Negotiate carrying NTLM (SPNEGO or raw tokens), with WinRM message encryption over HTTP.</summary>
    Negotiate,
    /// <summary>The raw HTTP NTLM scheme (requests-ntlm prefers it when offered); Windows WinRM does not offer it.</summary>
    Ntlm,
}

/// <summary>A virtual computer's own settings.</summary>
public sealed class ComputerOptions
{
    /// <summary>A local port that belongs to this computer (requests arriving on it are routed here); it is also listened on.</summary>
    [Range(0, 65535)]
    public int? Port { get; set; }

    /// <summary>
    /// The computer's IPv4 address on its Ethernet adapter, "A.B.C.D/prefix" (a bare address is /24). Unset: the n-th
    /// computer (the default one first) has 10.0.0.(4 + n)/24.
    /// </summary>
    public string? IPv4Address { get; set; }

    /// <summary>Its default gateway with <see cref="IPv4Address"/> (empty: none). Unset: the .1 of the address's /24, as the default addresses have.</summary>
    public string? DefaultGateway { get; set; }

    /// <summary>Its IPv4 DNS servers with <see cref="IPv4Address"/>. Unset: the default gateway.</summary>
    public List<string>? DnsServers { get; set; }
}

/// <summary>What BufferMode Block does to a pipeline of a disconnected shell.</summary>
public enum BlockWhileDisconnected
{
    /// <summary>The pipeline waits at its next output until a client connects (recorded from Windows). Default.</summary>
    PauseAtNextOutput,
    /// <summary>The pipeline goes on until the output buffer is full (the documentation's wording).</summary>
    BufferUntilFull,
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
