using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Transport;

/// <summary>
/// Sends WS-Man requests over HTTP(S) and returns parsed responses. Basic authenticates every request; Negotiate
/// and NTLM authenticate a connection, so each request goes over a channel (one HTTP connection and its NTLM
/// context) taken from a pool, and over HTTP its body is sealed (WinRM message encryption). One instance is one
/// client session: its <c>p:SessionId</c> identifies it to the server for Reconnect.
/// </summary>
public sealed class WsManTransport : IDisposable
{
    private readonly HttpClient _http;
    // The Basic Authorization value, formatted once (sent as is on every request).
    private readonly string _authorization;
    private readonly Uri _requestUri;
    private readonly string _requestUriText;
    private readonly HttpMessageHandler? _customHandler;
    private readonly ConcurrentBag<NegotiatedChannel> _idleChannels = [];
    private readonly ConcurrentDictionary<NegotiatedChannel, bool> _channels = new();
    private readonly bool _mutualCertificate;
    private readonly string? _certificateError;

    public WsManTransport(WsManClientOptions options, HttpMessageHandler? handler = null)
    {
        Options = options;
        _customHandler = handler;
        var clientCertificate = options.CertificateThumbprint is { } thumbprint ? FindCertificate(thumbprint) : null;
        if (options.CertificateThumbprint is { } wanted && clientCertificate is null)
        {
            _certificateError = $"The WinRM client cannot process the request. A certificate with the thumbprint {wanted} and a private key was not found in the CurrentUser\\My certificate store.";
        }

        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions =
            {
                RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                ClientCertificates = clientCertificate is null ? null : new System.Security.Cryptography.X509Certificates.X509CertificateCollection { clientCertificate },
            },
        };
        _mutualCertificate = options.CertificateThumbprint is not null;
        _http = new HttpClient(handler) { Timeout = options.HttpTimeout };
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}"));
        _requestUri = options.PSVersion is null
            ? options.ConnectionUri
            : new Uri(options.ConnectionUri + (string.IsNullOrEmpty(options.ConnectionUri.Query) ? "?" : ";") + "PSVersion=" + options.PSVersion);
        _requestUriText = _requestUri.ToString();
    }

    public WsManClientOptions Options { get; }

    /// <summary>The Authorization value of WS-Management's mutual-certificate security profile (DSP0226), sent with certificate authentication.</summary>
    public const string MutualCertificateProfile = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual";

    /// <summary>A certificate with a private key in CurrentUser\My (where WinRM's client looks for -CertificateThumbprint).</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2? FindCertificate(string thumbprint)
    {
        using var store = new System.Security.Cryptography.X509Certificates.X509Store(
            System.Security.Cryptography.X509Certificates.StoreName.My, System.Security.Cryptography.X509Certificates.StoreLocation.CurrentUser);
        try
        {
            store.Open(System.Security.Cryptography.X509Certificates.OpenFlags.ReadOnly | System.Security.Cryptography.X509Certificates.OpenFlags.OpenExistingOnly);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // no such store yet: nothing in it
        }

        var wanted = thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal);
        return store.Certificates.Find(System.Security.Cryptography.X509Certificates.X509FindType.FindByThumbprint, wanted, validOnly: false)
            .FirstOrDefault(c => c.HasPrivateKey);
    }

    /// <summary>
    /// Told when an HTTP request starts and ends (its response read, or it failed) and when a retransmission wait on
    /// <see cref="WsManClientOptions.TimeProvider"/> starts and ends: the scenario runner counts requests on the wire
    /// (time must not move while one is between client and server) and knows when only the clock can wake a client.
    /// </summary>
    public Action<TransportActivity>? Activity { get; init; }

    /// <summary>
    /// The clock retransmission waits are timed on (null: <see cref="WsManClientOptions.TimeProvider"/>; it must tell
    /// the same time). The scenario runner gives a view of its virtual clock that marks these timers, so that it knows
    /// when the next move of the clock wakes nothing but retransmissions.
    /// </summary>
    public TimeProvider? RetryTimeProvider { get; init; }

    /// <summary>This client's p:SessionId.</summary>
    public string SessionId { get; } = WsManIds.NewUuid();

    /// <summary>
    /// Sends one request. The header's Action, ResourceURI, selectors and options come from the caller; the rest
    /// (To, MessageID, ReplyTo, MaxEnvelopeSize, OperationTimeout, locales, SessionId) is filled in here.
    /// Throws <see cref="WsManFaultException"/> for SOAP faults and <see cref="WsManTransportException"/> otherwise.
    /// </summary>
    public Task<WsManEnvelope> SendAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken = default) =>
        SendAsync(header, body, retransmit: true, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(WsManHeader, WsManBody, CancellationToken)"/>; with <paramref name="retransmit"/> false a
    /// network failure is not retried even with robust connections. WinRM's client retries only the operations of a
    /// shell it has (the four minutes of "Attempting to reconnect"): creating or connecting to a shell, and
    /// enumerating shells, fail at once when the server cannot be reached (PowerShell's own creation retry, up to
    /// MaxConnectionRetryCount immediate attempts, is the caller's).
    /// </summary>
    public async Task<WsManEnvelope> SendAsync(WsManHeader header, WsManBody body, bool retransmit, CancellationToken cancellationToken = default)
    {
        // A retransmission (robust connections) repeats its MessageID; otherwise every request gets a new one.
        var messageId = header.MessageId ?? WsManIds.NewUuid();
        if (!Options.RobustConnection) return await SendOnceAsync(Complete(header, messageId, robust: false), body, cancellationToken).ConfigureAwait(false);
        if (!retransmit) return await SendOnceAsync(Complete(header, messageId, robust: true), body, cancellationToken).ConfigureAwait(false);

        // Robust connections (MS-WSMV 3.1.4.1.39): each operation carries p:OperationID; after a network failure the
        // same request is retransmitted (mustUnderstand=true) once per RetryInterval for up to MaxRetryTime, and the
        // server answers a retransmission it already processed from its cache, so nothing is lost or done twice.
        var operation = Complete(header, messageId, robust: true);
        DateTimeOffset? failedAt = null;
        while (true)
        {
            try
            {
                var response = await SendOnceAsync(operation, body, cancellationToken).ConfigureAwait(false);
                if (failedAt is not null) Notify(NetworkEvent.Reconnected);
                return response;
            }
            catch (WsManTransportException e) when (e.IsNetworkFailure && !cancellationToken.IsCancellationRequested)
            {
                var now = Options.TimeProvider.GetUtcNow();
                if (failedAt is null)
                {
                    failedAt = now;
                    Notify(NetworkEvent.NetworkFailureDetected);
                }
                else if (now - failedAt.Value >= Options.MaxRetryTime)
                {
                    Notify(NetworkEvent.RetryAborted);
                    throw new WsManTransportException(
                        $"The network connection to {Options.ConnectionUri.Host} has been interrupted and could not be restored within {Options.MaxRetryTime.TotalMinutes:0.##} minutes: {e.Message}",
                        null, null, e) { IsNetworkFailure = true };
                }

                Activity?.Invoke(TransportActivity.RetryWaitStarted);
                try
                {
                    await Task.Delay(Options.RetryInterval, RetryTimeProvider ?? Options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Activity?.Invoke(TransportActivity.RetryWaitEnded);
                }

                // PowerShell says "Attempting to reconnect" once when retrying starts, not at every attempt.
                if (!operation.OperationIdMustUnderstand) Notify(NetworkEvent.RetryAttempt);
                operation = operation with { OperationIdMustUnderstand = true };
            }
        }
    }

    /// <summary>
    /// The header as sent: the caller's with this transport's fields filled in, made once per request (it was copied
    /// twice on the way to the wire).
    /// </summary>
    private WsManHeader Complete(WsManHeader header, string messageId, bool robust) => header with
    {
        To = _requestUriText,
        MessageId = messageId,
        ReplyTo = WsManAddresses.Anonymous,
        MaxEnvelopeSize = header.MaxEnvelopeSize ?? Options.MaxEnvelopeSize,
        OperationTimeout = header.OperationTimeout ?? Options.OperationTimeout,
        Locale = Options.Locale,
        DataLocale = Options.DataLocale,
        SessionId = SessionId,
        OperationId = robust ? header.OperationId ?? WsManIds.NewUuid() : header.OperationId,
        SequenceId = robust ? header.SequenceId ?? 1 : header.SequenceId,
    };

    private void Notify(NetworkEvent kind) => Options.NetworkNotification?.Invoke(new NetworkNotification(kind, Options.ConnectionUri.Host, Options.MaxRetryTime));

    // Called only from SendAsync's awaits, which also catch what these throw before their first await.
    private Task<WsManEnvelope> SendOnceAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken) =>
        Activity is { } activity ? SendOnceTrackedAsync(activity, header, body, cancellationToken) : SendOnceUntrackedAsync(header, body, cancellationToken);

    private async Task<WsManEnvelope> SendOnceTrackedAsync(Action<TransportActivity> activity, WsManHeader header, WsManBody body, CancellationToken cancellationToken)
    {
        activity(TransportActivity.RequestStarted);
        try
        {
            return await SendOnceUntrackedAsync(header, body, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            activity(TransportActivity.RequestEnded);
        }
    }

    /// <summary>
    /// Posts a whole SOAP envelope as given (a recording's request, see <see cref="Replay"/>) over this transport's
    /// connections and authentication, sealed as its other requests are (Negotiate/NTLM over HTTP), and returns the
    /// HTTP status and the response envelope's text as it came, faults included, without reading it. Nothing is
    /// filled in or retried. Throws <see cref="WsManTransportException"/> when no envelope came back (refused
    /// credentials, a redirect, a network failure).
    /// </summary>
    public async Task<(int Status, string Envelope)> PostEnvelopeAsync(string envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var soap = System.Text.Encoding.UTF8.GetBytes(envelope);
        var capture = new RawCapture();
        if (_certificateError is not null) throw new WsManTransportException(_certificateError);
        Activity?.Invoke(TransportActivity.RequestStarted);
        try
        {
            if (_mutualCertificate || Options.Authentication == WsManAuthenticationMechanism.Basic)
            {
                var request = NewRequest(soap, SoapContentType);
                if (_mutualCertificate) request.Headers.TryAddWithoutValidation("Authorization", MutualCertificateProfile);
                else request.Headers.TryAddWithoutValidation("Authorization", _authorization);
                await ExchangeAsync(_http, request, null, string.Empty, cancellationToken, capture).ConfigureAwait(false);
            }
            else
            {
                await SendNegotiatedAsync(soap, string.Empty, cancellationToken, capture).ConfigureAwait(false);
            }
        }
        finally
        {
            Activity?.Invoke(TransportActivity.RequestEnded);
        }

        return (capture.Status, capture.Text);
    }

    /// <summary>Where <see cref="PostEnvelopeAsync"/> takes a response before it would be read.</summary>
    private sealed class RawCapture
    {
        public int Status { get; set; }

        public string Text { get; set; } = string.Empty;
    }

    private static readonly WsManEnvelope CapturedEnvelope = new(new WsManHeader(), EmptyBody.Instance);

    /// <summary>Sends <paramref name="header"/> (complete: see <see cref="Complete"/>) and its body once.</summary>
    private Task<WsManEnvelope> SendOnceUntrackedAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken)
    {
        var messageId = header.MessageId!;
        var soap = WriteRequest(new WsManEnvelope(header, body));
        if (_certificateError is not null) throw new WsManTransportException(_certificateError);
        if (_mutualCertificate || Options.Authentication == WsManAuthenticationMechanism.Basic)
        {
            // ExchangeAsync disposes the request.
            var request = NewRequest(soap, SoapContentType);
            if (_mutualCertificate) request.Headers.TryAddWithoutValidation("Authorization", MutualCertificateProfile);
            else request.Headers.TryAddWithoutValidation("Authorization", _authorization);
            return ExchangeAsync(_http, request, null, messageId, cancellationToken);
        }

        return SendNegotiatedAsync(soap, messageId, cancellationToken);
    }

    // The envelope is written into this thread's scratch buffer and copied out at its exact size: a Create or a
    // Command (a few KB) grew a fresh 2 KB buffer twice per request. The copy is what the request sends, so nothing
    // the HTTP handler may still read after the exchange is ever reused.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_requestScratch;

    private const int ScratchKeptBytes = 64 * 1024;

    private static byte[] WriteRequest(WsManEnvelope envelope)
    {
        var scratch = t_requestScratch ?? new ArrayBufferWriter<byte>(8192);
        t_requestScratch = null; // not shared by a nested write
        scratch.ResetWrittenCount();
        WsManEnvelopeWriter.Write(scratch, envelope);
        var bytes = scratch.WrittenSpan.ToArray();
        // A large request (Send of big input) does not leave its buffer behind on the thread.
        if (scratch.Capacity <= ScratchKeptBytes) t_requestScratch = scratch;
        return bytes;
    }

    private const string SoapContentType = "application/soap+xml;charset=UTF-8";

    private HttpRequestMessage NewRequest(ReadOnlyMemory<byte> body, string contentType)
    {
        var content = new ReadOnlyMemoryContent(body);
        // The SOAP type is parsed once (the header value is only read by the handler).
        content.Headers.ContentType = ReferenceEquals(contentType, SoapContentType) ? SoapMediaType : MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, _requestUri) { Content = content };
        if (Options.HostHeader is { } host) request.Headers.Host = host;
        return request;
    }

    /// <summary>
    /// Negotiate/NTLM: the request goes over an authenticated channel, sealed over HTTP. A channel whose connection
    /// the server no longer knows (closed while idle and reopened) answers 401: authenticate a new one, once.
    /// </summary>
    private async Task<WsManEnvelope> SendNegotiatedAsync(ReadOnlyMemory<byte> soap, string messageId, CancellationToken cancellationToken, RawCapture? capture = null)
    {
        var encrypt = !string.Equals(_requestUri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        for (var attempt = 0; ; attempt++)
        {
            var channel = RentChannel();
            var fresh = channel.Context is null;
            try
            {
                if (fresh) await AuthenticateAsync(channel, cancellationToken).ConfigureAwait(false);
                var sealing = encrypt ? channel.Context : null;
                using var request = sealing is null
                    ? NewRequest(soap, SoapContentType)
                    : NewRequest(EncryptedMessage.Encrypt(sealing, soap.Span), EncryptedMessage.ContentType);
                var envelope = await ExchangeAsync(channel.Http, request, sealing, messageId, cancellationToken, capture).ConfigureAwait(false);
                ReturnChannel(channel);
                return envelope;
            }
            catch (WsManFaultException)
            {
                // A SOAP fault is an answer: the connection and its context are fine.
                ReturnChannel(channel);
                throw;
            }
            catch (WsManTransportException e) when (e.HttpStatus == 401 && !fresh && attempt == 0)
            {
                DiscardChannel(channel);
            }
            catch
            {
                DiscardChannel(channel);
                throw;
            }
        }
    }

    /// <summary>
    /// The handshake on a channel's connection: NEGOTIATE (401 with the CHALLENGE), then AUTHENTICATE with an
    /// empty body (200; with SPNEGO the server's last token completes the context), as pywinrm and WinRM do.
    /// </summary>
    private async Task AuthenticateAsync(NegotiatedChannel channel, CancellationToken cancellationToken)
    {
        var scheme = Options.Authentication == WsManAuthenticationMechanism.Ntlm ? "NTLM" : "Negotiate";
        var (domain, user) = SplitUserName(Options.UserName);
        var ntlm = new NtlmInitiator(user, Options.Password, domain, Environment.MachineName.ToUpperInvariant());
        var initiator = new NegotiateInitiator(ntlm, spnego: Options.Authentication == WsManAuthenticationMechanism.Negotiate, Options.TimeProvider);
        try
        {
            var challenge = await HandshakeLegAsync(channel, scheme, initiator.Initial(), cancellationToken).ConfigureAwait(false);
            // The first leg made the connection; over HTTPS its certificate is known now.
            ntlm.ChannelBindingsHash = channel.ChannelBindingsHash;
            if (challenge.Status != HttpStatusCode.Unauthorized || challenge.Token is null)
            {
                throw new WsManTransportException(
                    $"The server does not offer {scheme} authentication (HTTP {(int)challenge.Status}): the authentication mechanism requested by the client is not supported by the server.",
                    (int)HttpStatusCode.Unauthorized);
            }

            var done = await HandshakeLegAsync(channel, scheme, initiator.Step(challenge.Token), cancellationToken).ConfigureAwait(false);
            if (done.Status == HttpStatusCode.Unauthorized)
            {
                throw new WsManTransportException("Access is denied: the server rejected the credentials (HTTP 401).", (int)HttpStatusCode.Unauthorized);
            }

            if (done.Status != HttpStatusCode.OK)
            {
                throw new WsManTransportException($"The server answered the {scheme} authentication with HTTP {(int)done.Status}.", (int)done.Status);
            }

            initiator.Complete(done.Token);
        }
        catch (NtlmException e)
        {
            throw new WsManTransportException($"{scheme} authentication failed: {e.Message}", (int)HttpStatusCode.Unauthorized, null, e);
        }

        channel.Context = initiator.Context;
    }

    private async Task<(HttpStatusCode Status, byte[]? Token)> HandshakeLegAsync(NegotiatedChannel channel, string scheme, byte[] token, CancellationToken cancellationToken)
    {
        using var request = NewRequest(ReadOnlyMemory<byte>.Empty, SoapContentType);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, Convert.ToBase64String(token));
        HttpResponseMessage response;
        try
        {
            response = await channel.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new WsManTransportException($"Connecting to {Options.ConnectionUri} failed: {e.Message}", null, null, e)
            {
                IsNetworkFailure = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.Unknown,
            };
        }

        using (response)
        {
            // The leg's body (none from WinRM) is read to its end, so the authenticated connection is reused, but
            // bounded: HttpClient alone would buffer up to 2 GB of a hostile server's answer.
            try
            {
                await ReadBoundedAsync(response.Content, Options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new WsManTransportException($"The response from {Options.ConnectionUri} was cut off: {e.Message}", (int)response.StatusCode, null, e) { IsNetworkFailure = true };
            }

            byte[]? answer = null;
            foreach (var value in response.Headers.WwwAuthenticate)
            {
                if (string.Equals(value.Scheme, scheme, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(value.Parameter))
                {
                    try
                    {
                        answer = Convert.FromBase64String(value.Parameter);
                    }
                    catch (FormatException e)
                    {
                        throw new WsManTransportException($"The server's {scheme} token is not base64.", (int)response.StatusCode, null, e);
                    }
                }
            }

            return (response.StatusCode, answer);
        }
    }

    private static (string Domain, string User) SplitUserName(string name)
    {
        var slash = name.IndexOf('\\', StringComparison.Ordinal);
        return slash >= 0 ? (name[..slash], name[(slash + 1)..]) : (string.Empty, name);
    }

    private NegotiatedChannel RentChannel()
    {
        if (_idleChannels.TryTake(out var channel)) return channel;
        // One connection per channel: NTLM authenticates the connection, and its context's sequence numbers need one request at a time.
        NegotiatedChannel? created = null;
        var handler = _customHandler is not null ? null : new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions =
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    // The channel's TLS connection: its server certificate gives the channel binding token that
                    // NTLM sends, as Windows clients do over HTTPS (a server with CbtHardeningLevel Strict needs it).
                    var accepted = Options.ServerCertificateValidation is { } validate ? validate(sender, certificate, chain, errors) : errors == SslPolicyErrors.None;
                    if (accepted && certificate is not null && created is not null)
                    {
                        using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                        created.ChannelBindingsHash = ChannelBindings.ForServerCertificate(certificate as X509Certificate2 ?? copy!);
                    }

                    return accepted;
                },
            },
        };
        channel = new NegotiatedChannel(handler is null ? new HttpClient(_customHandler!, disposeHandler: false) { Timeout = Options.HttpTimeout } : new HttpClient(handler) { Timeout = Options.HttpTimeout });
        created = channel;
        _channels[channel] = true;
        return channel;
    }

    private void ReturnChannel(NegotiatedChannel channel) => _idleChannels.Add(channel);

    private void DiscardChannel(NegotiatedChannel channel)
    {
        _channels.TryRemove(channel, out _);
        channel.Http.Dispose();
    }

    /// <summary>One HTTP connection and the NTLM context that authenticated it.</summary>
    private sealed class NegotiatedChannel(HttpClient http)
    {
        public HttpClient Http { get; } = http;

        public NtlmSecurityContext? Context { get; set; }

        /// <summary>The channel binding token of the connection's TLS channel; null over HTTP.</summary>
        public byte[]? ChannelBindingsHash { get; set; }
    }

    /// <summary>Sends one request (and disposes it) and turns the response into an envelope, a fault, or a transport error.</summary>
    private async Task<WsManEnvelope> ExchangeAsync(HttpClient http, HttpRequestMessage request, NtlmSecurityContext? sealing, string messageId, CancellationToken cancellationToken, RawCapture? capture = null)
    {
        using var sent = request;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // A refused, reset or cut connection is an outage worth riding out; a certificate or TLS failure is not.
            var outage = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.Unknown
                && e.InnerException is not System.Security.Authentication.AuthenticationException;
            throw new WsManTransportException($"Connecting to {Options.ConnectionUri} failed: {e.Message}", null, null, e) { IsNetworkFailure = outage };
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WsManTransportException($"The request to {Options.ConnectionUri} timed out.", null, null, e) { IsNetworkFailure = true };
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently or HttpStatusCode.TemporaryRedirect)
            {
                // The raw header: PowerShell parses the Location itself (a relative or malformed one is its own error).
                var raw = response.Headers.NonValidated.TryGetValues("Location", out var values) ? values.FirstOrDefault() : null;
                var location = raw is not null && Uri.TryCreate(raw, UriKind.Absolute, out var absolute) ? absolute : null;
                throw new WsManTransportException($"The server redirected the request to {raw}.", status, location) { RedirectLocationText = raw ?? string.Empty };
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new WsManTransportException("Access is denied: the server rejected the credentials (HTTP 401).", status);
            }

            PooledBody body;
            try
            {
                body = await ReadBoundedAsync(response.Content, Options.MaxResponseBytes + (sealing is null ? 0 : 1024), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The connection broke in the middle of the response.
                throw new WsManTransportException($"The response from {Options.ConnectionUri} was cut off: {e.Message}", status, null, e) { IsNetworkFailure = true };
            }

            WsManEnvelope envelope;
            using (body)
            {
                ReadOnlyMemory<byte> bytes = body.Memory;
                if (sealing is not null && EncryptedMessage.IsEncrypted(response.Content.Headers.ContentType?.ToString()))
                {
                    try
                    {
                        bytes = EncryptedMessage.Decrypt(sealing, bytes.Span, Options.MaxResponseBytes);
                    }
                    catch (NtlmException e)
                    {
                        throw new WsManTransportException($"The server's encrypted response could not be decrypted: {e.Message}", status, null, e);
                    }
                }
                else if (sealing is not null && bytes.Length > 0)
                {
                    throw new WsManTransportException($"The server answered HTTP {status} with an unencrypted body to an encrypted request.", status);
                }

                if (capture is not null)
                {
                    // A replayed envelope: its answer as it came (decrypted), faults included, not read here.
                    capture.Status = status;
                    capture.Text = EnvelopeText.Decode(bytes.Span);
                    return CapturedEnvelope;
                }

                try
                {
                    // The reader keeps nothing of the bytes it is given (stream data is decoded into buffers of its
                    // own), so the pooled body goes back once the envelope is read. A ReceiveResponse's streams are
                    // a ShellStreamList in pooled buffers: the pipeline gives them back once it has made its events.
                    envelope = WsManEnvelopeReader.ReadPooled(bytes, new EnvelopeLimits { MaxEnvelopeBytes = Options.MaxResponseBytes });
                }
                catch (EnvelopeException e)
                {
                    throw new WsManTransportException($"The server answered HTTP {status} with an invalid SOAP envelope: {e.Message}", status, null, e);
                }
            }

            if (envelope.Body is FaultBody fault) throw new WsManFaultException(fault, status);
            if (!response.IsSuccessStatusCode)
            {
                throw new WsManTransportException($"The server answered HTTP {status}.", status);
            }

            if (envelope.Header.RelatesTo is { } relatesTo && !string.Equals(relatesTo, messageId, StringComparison.OrdinalIgnoreCase))
            {
                throw new WsManTransportException($"The response relates to {relatesTo}, not to the request {messageId}.", status);
            }

            return envelope;
        }
    }

    /// <summary>
    /// Reads the body into a pooled buffer, sized by Content-Length when the server sends one (one read target, no
    /// growing copies, no large-object-heap array per response).
    /// </summary>
    private static async Task<PooledBody> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new WsManTransportException($"The response ({content.Headers.ContentLength} bytes) exceeds the maximum of {limit} bytes.");
        }

        // One byte more than announced, so that the read seeing the end needs no larger buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(content.Headers.ContentLength is { } known ? (int)known + 1 : 8192);
        var length = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return new PooledBody(buffer, length);
                length += read;
                if (length > limit)
                {
                    throw new WsManTransportException($"The response exceeds the maximum of {limit} bytes.");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A response body in a rented array, returned on dispose.</summary>
    private readonly struct PooledBody(byte[] array, int length) : IDisposable
    {
        public ReadOnlyMemory<byte> Memory => array.AsMemory(0, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(array);
    }

    private static readonly MediaTypeHeaderValue SoapMediaType = MediaTypeHeaderValue.Parse(SoapContentType);

    public void Dispose()
    {
        _http.Dispose();
        foreach (var channel in _channels.Keys) channel.Http.Dispose();
        _channels.Clear();
    }
}

/// <summary>What a <see cref="WsManTransport"/> reports to <see cref="WsManTransport.Activity"/>.</summary>
public enum TransportActivity
{
    RequestStarted,
    RequestEnded,
    RetryWaitStarted,
    RetryWaitEnded,
}
