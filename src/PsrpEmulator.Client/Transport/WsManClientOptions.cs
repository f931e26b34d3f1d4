using System.Net.Security;

namespace PsrpEmulator.Client.Transport;

/// <summary>How to reach and talk to a WS-Man endpoint.</summary>
public sealed class WsManClientOptions
{
    /// <summary>e.g. <c>http://127.0.0.1:5985/wsman</c>; PowerShell appends <c>?PSVersion=</c>, so do we when <see cref="PSVersion"/> is set.</summary>
    public required Uri ConnectionUri { get; init; }

    public required string UserName { get; init; }

    public required string Password { get; init; }

    /// <summary>
    /// Basic (per request), or Negotiate / NTLM (per connection, NTLMv2; over HTTP every body is sealed with WinRM
    /// message encryption, as the WinRM client does with AllowUnencrypted=false). Negotiate wraps NTLM in SPNEGO.
    /// </summary>
    public WsManAuthenticationMechanism Authentication { get; init; } = WsManAuthenticationMechanism.Basic;

    /// <summary>w:MaxEnvelopeSize sent with every request (PowerShell: 512000).</summary>
    public int MaxEnvelopeSize { get; init; } = 512000;

    /// <summary>w:OperationTimeout (PowerShell: 3 minutes).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>HTTP timeout of one request; must exceed <see cref="OperationTimeout"/>.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromMinutes(4);

    public string Locale { get; init; } = "en-US";

    /// <summary>
    /// Host header to send instead of the URI's (e.g. <c>Server01:5985</c> while connecting to 127.0.0.1): how one
    /// emulator process tells its virtual computers apart when names do not resolve.
    /// </summary>
    public string? HostHeader { get; init; }

    public string DataLocale { get; init; } = "en-US";

    /// <summary>Appended to the URI as <c>?PSVersion=</c> like PowerShell does; null to omit.</summary>
    public string? PSVersion { get; init; } = "7.6.9";

    /// <summary>
    /// Certificate authentication (https only, PowerShell's -CertificateThumbprint): the thumbprint of a certificate
    /// with a private key in the CurrentUser\My store, sent in the TLS handshake; the Authorization header then names
    /// WS-Management's https/mutual profile instead of Basic and <see cref="UserName"/>/<see cref="Password"/> are unused.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>Custom certificate validation for https (e.g. pinning a self-signed test certificate).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>Robust connections: p:OperationID on every request and retransmission after network failures (as Windows PowerShell).</summary>
    public bool RobustConnection { get; init; } = true;

    /// <summary>How long to keep retransmitting after a network failure (PowerShell: 4 minutes).</summary>
    public TimeSpan MaxRetryTime { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Pause between retransmissions (PowerShell: once per second).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock retries wait on (a virtual one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives robust-connection events (PowerShell shows them as warnings).</summary>
    public Action<NetworkNotification>? NetworkNotification { get; init; }

    /// <summary>
    /// Send a command's next Receive as soon as a response has been read, and decode that response meanwhile (default);
    /// false: only once the response has been decoded and handed out. Either way one Receive is outstanding at a time,
    /// each after the previous response; only the moment differs. True halves a stream's wall time when decoding costs
    /// as much as the server's work.
    /// </summary>
    public bool OverlapReceiveWithDecode { get; init; } = true;

    /// <summary>Largest response accepted, a safety bound above the declared MaxEnvelopeSize.</summary>
    public int MaxResponseBytes => MaxEnvelopeSize + 64 * 1024;
}

/// <summary>How the client authenticates (PowerShell's -Authentication, the mechanisms the emulator speaks).</summary>
public enum WsManAuthenticationMechanism
{
    Basic,
    /// <summary>HTTP Negotiate with SPNEGO-wrapped NTLM (what Windows clients send to a workgroup computer).</summary>
    Negotiate,
    /// <summary>The HTTP NTLM scheme with raw NTLMSSP tokens.</summary>
    Ntlm,
}
