using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Transport;

/// <summary>
/// Sends WS-Man requests over HTTP(S) with Basic authentication and returns parsed responses. One instance is
/// one client session: its <c>p:SessionId</c> identifies it to the server for Reconnect.
/// </summary>
public sealed class WsManTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly Uri _requestUri;

    public WsManTransport(WsManClientOptions options, HttpMessageHandler? handler = null)
    {
        Options = options;
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = { RemoteCertificateValidationCallback = options.ServerCertificateValidation },
        };
        _http = new HttpClient(handler) { Timeout = options.HttpTimeout };
        _authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}")));
        _requestUri = options.PSVersion is null
            ? options.ConnectionUri
            : new Uri(options.ConnectionUri + (string.IsNullOrEmpty(options.ConnectionUri.Query) ? "?" : ";") + "PSVersion=" + options.PSVersion);
    }

    public WsManClientOptions Options { get; }

    /// <summary>
    /// Told when an HTTP request starts and ends (its response read, or it failed) and when a retransmission wait on
    /// <see cref="WsManClientOptions.TimeProvider"/> starts and ends: the scenario runner counts requests on the wire
    /// (time must not move while one is between client and server) and knows when only the clock can wake a client.
    /// </summary>
    public Action<TransportActivity>? Activity { get; init; }

    /// <summary>This client's p:SessionId.</summary>
    public string SessionId { get; } = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant();

    /// <summary>
    /// Sends one request. The header's Action, ResourceURI, selectors and options come from the caller; the rest
    /// (To, MessageID, ReplyTo, MaxEnvelopeSize, OperationTimeout, locales, SessionId) is filled in here.
    /// Throws <see cref="WsManFaultException"/> for SOAP faults and <see cref="WsManTransportException"/> otherwise.
    /// </summary>
    public async Task<WsManEnvelope> SendAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken = default)
    {
        // A retransmission (robust connections) repeats its MessageID; otherwise every request gets a new one.
        var messageId = header.MessageId ?? "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant();
        if (!Options.RobustConnection) return await SendOnceAsync(header with { MessageId = messageId }, body, cancellationToken).ConfigureAwait(false);

        // Robust connections (MS-WSMV 3.1.4.1.39): each operation carries p:OperationID; after a network failure the
        // same request is retransmitted (mustUnderstand=true) once per RetryInterval for up to MaxRetryTime, and the
        // server answers a retransmission it already processed from its cache, so nothing is lost or done twice.
        var operation = header with
        {
            MessageId = messageId,
            OperationId = header.OperationId ?? "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            SequenceId = header.SequenceId ?? 1,
        };
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
                    await Task.Delay(Options.RetryInterval, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
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

    private void Notify(NetworkEvent kind) => Options.NetworkNotification?.Invoke(new NetworkNotification(kind, Options.ConnectionUri.Host, Options.MaxRetryTime));

    private async Task<WsManEnvelope> SendOnceAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken)
    {
        if (Activity is not { } activity) return await SendOnceUntrackedAsync(header, body, cancellationToken).ConfigureAwait(false);
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

    private async Task<WsManEnvelope> SendOnceUntrackedAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken)
    {
        var messageId = header.MessageId!;
        var full = header with
        {
            To = _requestUri.ToString(),
            MessageId = messageId,
            ReplyTo = WsManAddresses.Anonymous,
            MaxEnvelopeSize = header.MaxEnvelopeSize ?? Options.MaxEnvelopeSize,
            OperationTimeout = header.OperationTimeout ?? Options.OperationTimeout,
            Locale = Options.Locale,
            DataLocale = Options.DataLocale,
            SessionId = SessionId,
        };

        var buffer = new ArrayBufferWriter<byte>(2048);
        WsManEnvelopeWriter.Write(buffer, new WsManEnvelope(full, body));
        using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var request = new HttpRequestMessage(HttpMethod.Post, _requestUri) { Content = content };
        request.Headers.Authorization = _authorization;
        if (Options.HostHeader is { } host) request.Headers.Host = host;

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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

            byte[] bytes;
            try
            {
                bytes = await ReadBoundedAsync(response.Content, Options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The connection broke in the middle of the response.
                throw new WsManTransportException($"The response from {Options.ConnectionUri} was cut off: {e.Message}", status, null, e) { IsNetworkFailure = true };
            }
            WsManEnvelope envelope;
            try
            {
                envelope = WsManEnvelopeReader.Read(bytes, new EnvelopeLimits { MaxEnvelopeBytes = Options.MaxResponseBytes });
            }
            catch (EnvelopeException e)
            {
                throw new WsManTransportException($"The server answered HTTP {status} with an invalid SOAP envelope: {e.Message}", status, null, e);
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

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new WsManTransportException($"The response ({content.Headers.ContentLength} bytes) exceeds the maximum of {limit} bytes.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(8192);
        while (true)
        {
            var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw new WsManTransportException($"The response exceeds the maximum of {limit} bytes.");
            }
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>What a <see cref="WsManTransport"/> reports to <see cref="WsManTransport.Activity"/>.</summary>
public enum TransportActivity
{
    RequestStarted,
    RequestEnded,
    RetryWaitStarted,
    RetryWaitEnded,
}
