using System.Net.Security;

namespace PsrpEmulator.Client.Remoting;

/// <summary>PowerShell's RunspaceState (PSSession.State).</summary>
public enum RunspaceState
{
    BeforeOpen = 0,
    Opening = 1,
    Opened = 2,
    Closed = 3,
    Closing = 4,
    Broken = 5,
    Disconnecting = 6,
    Disconnected = 7,
    Connecting = 8,
}

/// <summary>PowerShell's RunspaceAvailability (PSSession.Availability).</summary>
public enum RunspaceAvailability
{
    None = 0,
    Available = 1,
    AvailableForNestedCommand = 2,
    Busy = 3,
    RemoteDebug = 4,
}

/// <summary>System.Management.Automation.Runspaces.OutputBufferingMode: None keeps the server's setting.</summary>
public enum OutputBufferingMode
{
    None = 0,
    Drop = 1,
    Block = 2,
}

/// <summary>Receive-PSSession -OutTarget.</summary>
public enum OutTarget
{
    Default = 0,
    Host = 1,
    Job = 2,
}


/// <summary>User name and password, and the mechanism they are presented with (-Authentication); or a certificate.</summary>
public sealed record PSCredential(string UserName, string Password)
{
    public PsrpEmulator.Client.Transport.WsManAuthenticationMechanism Authentication { get; init; } = PsrpEmulator.Client.Transport.WsManAuthenticationMechanism.Basic;

    /// <summary>Certificate authentication instead (PowerShell's -CertificateThumbprint): a CurrentUser\My thumbprint.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>-CertificateThumbprint: no user name or password, the certificate says who it is.</summary>
    public static PSCredential FromCertificateThumbprint(string thumbprint) => new(string.Empty, string.Empty) { CertificateThumbprint = thumbprint };

    // The record's generated ToString would print the password into any log or error message that formats it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("UserName = ").Append(UserName).Append(", Password = ***");
        if (CertificateThumbprint is not null) builder.Append(", CertificateThumbprint = ").Append(CertificateThumbprint);
        return true;
    }
}

/// <summary>
/// New-PSSessionOption: the settings that matter to this client. Defaults are PowerShell's
/// (RunspaceConnectionInfo / PSSessionOption).
/// </summary>
public sealed record PSSessionOption
{
    /// <summary>Null = the endpoint's default (PowerShell's -1); otherwise at least 60 s.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    public OutputBufferingMode OutputBufferingMode { get; init; } = OutputBufferingMode.None;

    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>-1 unlimited, 0 none; used only when the cmdlet allows redirection.</summary>
    public int MaximumConnectionRedirectionCount { get; init; } = 5;

    public int MaxConnectionRetryCount { get; init; } = 5;

    public bool NoMachineProfile { get; init; }

    /// <summary>Accept any server certificate (https).</summary>
    public bool SkipCACheck { get; init; }

    public bool SkipCNCheck { get; init; }

    /// <summary>A custom server certificate check (e.g. pinning a test certificate); overrides the skip flags.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>
    /// Largest object (PSRP message, fragment headers counted) this client accepts, in bytes; null: unlimited.
    /// PowerShell's default: 200 MB.
    /// </summary>
    public int? MaximumReceivedObjectSize { get; init; } = Psrp.RunspacePoolOptions.DefaultMaximumReceivedObjectSize;

    /// <summary>Most data one command may receive, in bytes (fragment bytes, response by response); null: unlimited (PowerShell's default).</summary>
    public int? MaximumReceivedDataSizePerCommand { get; init; }

    public string Culture { get; init; } = "en-US";

    public string UICulture { get; init; } = "en-US";

    public static PSSessionOption Default { get; } = new();
}

/// <summary>Where a session lives: the cmdlets' -ComputerName/-Port/-UseSSL/-ApplicationName or -ConnectionUri.</summary>
public sealed record RemoteTarget(Uri ConnectionUri, string ComputerName)
{
    /// <summary>
    /// Host header to send instead of the URI's (e.g. <c>Server01:5985</c> while connecting to 127.0.0.1), so one
    /// emulator process can serve several virtual computers; null sends the URI's host.
    /// </summary>
    public string? HostHeader { get; init; }

    /// <summary>http(s)://{computer}:{port}/{application}; port 0 means 5985 (http) or 5986 (https).</summary>
    public static RemoteTarget FromComputerName(string computerName, int port = 0, bool useSsl = false, string? applicationName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(computerName);
        var host = computerName is "." ? "localhost" : computerName;
        var scheme = useSsl ? "https" : "http";
        port = port == 0 ? (useSsl ? 5986 : 5985) : port;
        var uri = new UriBuilder(scheme, host, port, string.IsNullOrEmpty(applicationName) ? "wsman" : applicationName).Uri;
        return new RemoteTarget(uri, computerName);
    }

    public static RemoteTarget FromUri(Uri connectionUri) => new(connectionUri, connectionUri.Host);
}
