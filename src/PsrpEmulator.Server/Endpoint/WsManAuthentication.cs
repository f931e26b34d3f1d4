using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>What authenticating one request came to.</summary>
internal sealed record AuthenticationOutcome(string? User, NtlmSecurityContext? Context, bool CompletedHandshake, string? Challenge, string? Refusal = null)
{
    public bool Authenticated => User is not null;

    /// <summary>Not (yet) in: answer 401 with <see cref="Challenge"/> (a handshake leg) or the offered schemes.</summary>
    public static AuthenticationOutcome Refused(string? challenge = null) => new(null, null, false, challenge);

    /// <summary>Credentials were presented and refused, for <paramref name="reason"/> (journaled: the answer is a plain 401 as WinRM's).</summary>
    public static AuthenticationOutcome RefusedBecause(string reason) => new(null, null, false, null, reason);
}

/// <summary>
/// WinRM's HTTP authentication: Basic per request; Negotiate and NTLM per TCP connection (the NTLM context lives
/// in the connection's items, so later requests on the connection need no Authorization header and their
/// encrypted bodies are sealed with that context).
/// </summary>
internal sealed class WsManAuthentication(ShellServices services)
{
    private EmulatorOptions Options => services.Options;

    public AuthenticationOutcome Authenticate(HttpContext context, string computer)
    {
        var connection = ConnectionState(context);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            // Connection-based: once Negotiate/NTLM succeeded, the connection stays authenticated.
            return connection?.User is { } connectionUser ? new AuthenticationOutcome(connectionUser, connection.Context, false, null) : AuthenticationOutcome.Refused();
        }

        if (string.Equals(authorization, MutualCertificateProfile, StringComparison.OrdinalIgnoreCase))
        {
            // Certificate authentication: the TLS client certificate, mapped to a user (WinRM's certmapping).
            if (context.Connection.ClientCertificate is not { } certificate) return AuthenticationOutcome.RefusedBecause("NoClientCertificate");
            return Options.CertificateMappings.FirstOrDefault(m => m.Matches(certificate)) is { } mapping
                ? new AuthenticationOutcome(EmulatorOptions.BareUserName(mapping.User), null, false, null)
                : AuthenticationOutcome.RefusedBecause("NoCertificateMapping");
        }

        if (connection?.BasicAuthorization is { } known && string.Equals(known.Header, authorization, StringComparison.Ordinal) && BasicAllowed(context))
        {
            // The very header this connection already proved (HTTP clients repeat it on every request): the same
            // user, without decoding and comparing the credentials again.
            return known.Outcome;
        }

        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)) return AuthenticationOutcome.RefusedBecause("MalformedAuthorization");
        var scheme = Parse(header.Scheme);
        if (scheme is null || !Options.EffectiveAuthentication.Contains(scheme.Value)) return AuthenticationOutcome.RefusedBecause("SchemeNotOffered");
        if (scheme == WsManAuthScheme.Basic)
        {
            // Basic over HTTP sends the password in the clear: refused unless AllowUnencrypted.
            if (!context.Request.IsHttps && !Options.AllowUnencrypted) return AuthenticationOutcome.RefusedBecause("BasicNeedsAllowUnencrypted");
            var user = Basic(header.Parameter, computer);
            if (user is null) return AuthenticationOutcome.RefusedBecause("WrongCredentials");
            var outcome = new AuthenticationOutcome(user, null, false, null);
            // Only a configured user's proof is kept for the connection: a local account's can stop holding (disabled,
            // its password changed, out of its groups), so each of its requests is checked again, as Windows checks one.
            if (connection is not null && Options.EffectiveUsers.ContainsKey(user)) connection.BasicAuthorization = new BasicCredentials(authorization, outcome);
            return outcome;
        }

        if (connection is null) return AuthenticationOutcome.Refused();
        byte[] token;
        try
        {
            token = Convert.FromBase64String(header.Parameter ?? string.Empty);
        }
        catch (FormatException)
        {
            return AuthenticationOutcome.RefusedBecause("MalformedToken");
        }

        var name = scheme == WsManAuthScheme.Ntlm ? "NTLM" : "Negotiate";
        if (token.Length == 0) return AuthenticationOutcome.RefusedBecause("MalformedToken");
        // A new handshake on an authenticated connection starts over (a client re-authenticating).
        if (connection.Acceptor is null || connection.Acceptor.IsCompleted)
        {
            connection.Reset();
            connection.Acceptor = new NegotiateAcceptor(new NtlmAcceptor(computer, user => PasswordOf(user, computer), () => services.Time.GetUtcNow())
            {
                ChannelBindingsHash = TlsChannelBindings(context),
                CbtHardeningLevel = Options.CbtHardeningLevel,
            });
        }

        var acceptor = connection.Acceptor;
        byte[]? answer;
        try
        {
            answer = acceptor.Step(token);
        }
        catch (NtlmException e)
        {
            Diagnostics.Log.NegotiateFailed(services.Logger, name, acceptor.Ntlm.UserName, e.Reason, e.Message);
            connection.Reset();
            // UnexpectedMessage is also what a client gets whose AUTHENTICATE came on another connection than its NEGOTIATE.
            return AuthenticationOutcome.RefusedBecause(e.Reason.ToString());
        }

        var challenge = answer is null ? null : name + " " + Convert.ToBase64String(answer);
        if (!acceptor.IsCompleted) return AuthenticationOutcome.Refused(challenge);
        var bare = EmulatorOptions.BareUserName(acceptor.Ntlm.UserName!);
        connection.User = bare;
        connection.Context = acceptor.Context;
        Diagnostics.Log.NegotiateCompleted(services.Logger, name, connection.User, context.Connection.Id);
        return new AuthenticationOutcome(connection.User, connection.Context, true, challenge);
    }

    // One object, replaced whole: concurrent handshakes never see one certificate with another's token.
    private sealed record CertificateToken(X509Certificate Certificate, byte[] Hash);

    private CertificateToken? _channelBindings;

    /// <summary>
    /// The channel binding token of the request's TLS connection (from the certificate this server presented on it),
    /// or null over HTTP. Computed once per certificate: every HTTPS listener presents the same one.
    /// </summary>
    private byte[]? TlsChannelBindings(HttpContext context)
    {
        if (!context.Request.IsHttps || context.Features.Get<Microsoft.AspNetCore.Server.Kestrel.Core.Features.ISslStreamFeature>()?.SslStream.LocalCertificate is not { } certificate) return null;
        if (_channelBindings is { } cached && ReferenceEquals(cached.Certificate, certificate)) return cached.Hash;
        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var hash = ChannelBindings.ForServerCertificate(certificate as X509Certificate2 ?? copy!);
        _channelBindings = new CertificateToken(certificate, hash);
        return hash;
    }

    // What the full path checks before the credentials: Basic offered, and over HTTP only with AllowUnencrypted.
    private bool BasicAllowed(HttpContext context) =>
        (Options.Authentication.Count == 0 || Options.Authentication.Contains(WsManAuthScheme.Basic)) &&
        (context.Request.IsHttps || Options.AllowUnencrypted);

    /// <summary>The Authorization value of WS-Management's mutual-certificate security profile (DSP0226).</summary>
    internal const string MutualCertificateProfile = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual";

    /// <summary>
    /// The WWW-Authenticate values of a 401 that is not a handshake leg: every offered scheme, in WinRM's order whatever
    /// the configuration's (Windows sends Negotiate, Kerberos, Basic, CredSSP; the raw NTLM scheme it never offers goes
    /// after Negotiate). Clients that read the first value (go-ntlmssp decodes it as a token) depend on that order.
    /// </summary>
    public string[] Offers() =>
    [
        .. Options.EffectiveAuthentication.OrderBy(scheme => scheme switch
        {
            WsManAuthScheme.Negotiate => 0,
            WsManAuthScheme.Ntlm => 1,
            _ => 2,
        }).Select(scheme => scheme switch
        {
            WsManAuthScheme.Basic => "Basic realm=\"WSMAN\"",
            WsManAuthScheme.Ntlm => "NTLM",
            _ => "Negotiate",
        }),
    ];

    /// <summary>
    /// The password a user logs on to the computer with: the configuration's for the emulator's users (whatever commands
    /// did to their accounts), else that of a local user a command created and let into remote sessions (LocalAccounts).
    /// </summary>
    private string? PasswordOf(string user, string computer)
    {
        var bare = EmulatorOptions.BareUserName(user);
        if (Options.EffectiveUsers.TryGetValue(bare, out var password)) return password;
        return services.ExistingAccountsOf(computer)?.LogonPassword(bare);
    }

    private static WsManAuthScheme? Parse(string scheme) => scheme.ToUpperInvariant() switch
    {
        "BASIC" => WsManAuthScheme.Basic,
        "NEGOTIATE" => WsManAuthScheme.Negotiate,
        "NTLM" => WsManAuthScheme.Ntlm,
        _ => null,
    };

    private string? Basic(string? parameter, string computer)
    {
        if (parameter is null) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return null;
        // A DOMAIN\user or user@domain login matches the configured user name.
        var bare = EmulatorOptions.BareUserName(decoded[..colon]);
        return PasswordOf(bare, computer) is { } expected &&
               CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(decoded[(colon + 1)..]))
            ? bare
            : null;
    }

    private static NegotiateConnection? ConnectionState(HttpContext context)
    {
        // Kestrel keeps these items for the TCP connection's life (HTTP/1.1), which is what NTLM binds to.
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items) return null;
        if (items.TryGetValue(typeof(NegotiateConnection), out var existing) && existing is NegotiateConnection state) return state;
        state = new NegotiateConnection();
        items[typeof(NegotiateConnection)] = state;
        return state;
    }

    /// <summary>A Basic Authorization header already checked on a connection (the users are fixed at start).</summary>
    private sealed record BasicCredentials(string Header, AuthenticationOutcome Outcome);

    /// <summary>One connection's Negotiate/NTLM state: a handshake under way, or the authenticated user and context.</summary>
    private sealed class NegotiateConnection
    {
        public NegotiateAcceptor? Acceptor { get; set; }

        public string? User { get; set; }

        public NtlmSecurityContext? Context { get; set; }

        /// <summary>The last Basic Authorization header that succeeded on this connection, and its outcome.</summary>
        public BasicCredentials? BasicAuthorization { get; set; }

        public void Reset()
        {
            Acceptor = null;
            User = null;
            Context = null;
        }
    }
}
