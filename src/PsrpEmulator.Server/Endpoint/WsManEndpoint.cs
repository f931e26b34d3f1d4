using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PsrpEmulator.Protocol.Ntlm;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// The <c>/wsman</c> endpoint: authentication (Basic, Negotiate/NTLM with message encryption), size limit, streaming envelope parse, dispatch to the
/// shell operations, and one place where failures become WS-Man faults (never a stack trace on the wire).
/// </summary>
internal sealed class WsManEndpoint(ShellOperations operations, ShellServices services, Injector injector, ResponseCache responses, WsManAuthentication authentication, RecorderHolder recording)
{
    private const string SoapContentType = "application/soap+xml;charset=UTF-8";

    private EmulatorOptions Options => services.Options;

    public async Task HandleAsync(HttpContext context)
    {
        var computer = Options.ResolveComputer(context.Request.Host.Host, context.Connection.LocalPort);
        if (injector.InOutage(computer))
        {
            // An injected outage: the computer is unreachable, the connection just drops.
            Record(null, "(outage)", null, null, 0, null, computer, "Outage");
            context.Abort();
            return;
        }

        var auth = authentication.Authenticate(context, computer);
        if (!auth.Authenticated)
        {
            Refuse(context, auth.Challenge, auth.Refusal);
            Record(null, auth.Challenge is not null ? "(authenticating)" : auth.Refusal is not null ? "(refused)" : "(unauthenticated)", null, null, 401, null, refusal: auth.Refusal);
            return;
        }

        var user = auth.User!;
        // The last leg of a SPNEGO handshake carries the server's final token (accept-completed, mechListMIC).
        if (auth.Challenge is { } final) context.Response.Headers.WWWAuthenticate = final;
        var encrypted = EncryptedMessage.IsEncrypted(context.Request.ContentType);
        var limit = Options.MaxEnvelopeSizeKb * 1024;
        if (context.Request.ContentLength > limit + (encrypted ? EncryptionOverhead : 0))
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            Record(user, "(too large)", null, null, 413, null);
            return;
        }

        using var received = await ReadBodyAsync(context.Request, limit + (encrypted ? EncryptionOverhead : 0), context.RequestAborted).ConfigureAwait(false);
        if (received is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            Record(user, "(too large)", null, null, 413, null);
            return;
        }

        // pywinrm (and Windows clients) authenticate with an empty POST first; WinRM answers it 200 with no body.
        if (auth.CompletedHandshake && received.WrittenCount == 0)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            Record(user, "(authenticated)", null, null, 200, null);
            return;
        }

        ReadOnlyMemory<byte> body = received.WrittenMemory;
        if (encrypted)
        {
            if (auth.Context is null)
            {
                // Sealed for a context this connection does not have (a new connection, or Basic).
                Refuse(context, null, "NotDecryptable (sealed for a context this connection does not have)");
                Record(user, "(not decryptable)", null, null, 401, null);
                return;
            }

            try
            {
                // The body read is already bounded; the envelope inside gets the same 413 as a plain one.
                body = EncryptedMessage.Decrypt(auth.Context, received.WrittenSpan, int.MaxValue);
            }
            catch (NtlmException e)
            {
                Diagnostics.Log.EncryptedBodyRefused(services.Logger, e.Reason, e.Message);
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                Record(user, "(bad encrypted body)", null, null, 400, null);
                return;
            }

            if (body.Length > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                Record(user, "(too large)", null, null, 413, null);
                return;
            }
        }
        else if (!context.Request.IsHttps && !Options.AllowUnencrypted)
        {
            // Windows with AllowUnencrypted=false keeps answering 401 to plain bodies over HTTP.
            Refuse(context, null, "Unencrypted (a plain body over HTTP with AllowUnencrypted=false)");
            Record(user, "(unencrypted)", null, null, 401, null);
            return;
        }

        var request = new WsManRequest(user, computer, context);
        WsManEnvelope? envelope = null;
        var action = ShortAction(null);
        WsManEnvelope response;
        WsManFaultReason? fault = null;
        FaultRule? injected = null;
        try
        {
            envelope = WsManEnvelopeReader.Read(body.Span, new EnvelopeLimits { MaxEnvelopeBytes = limit });
            request.Envelope = envelope;
            action = ShortAction(envelope.Header.Action);
            if (services.Logger.IsEnabled(LogLevel.Debug)) Diagnostics.Log.ActionReceived(services.Logger, action, envelope.Header.Selector("ShellId"), null, user);
            if (envelope.Header is { OperationId: { } operationId, OperationIdMustUnderstand: true } &&
                responses.TryGet(operationId, out var cachedStatus, out var cachedResponse))
            {
                // A retransmission of an operation already answered: the same response again, nothing reprocessed.
                using (cachedResponse)
                {
                    Record(user, action, envelope, request, cachedStatus, null, computer, "Retransmission");
                    recording.Recorder?.Record(body.Span, cachedResponse.Body.Span, cachedStatus, computer, action);
                    await WriteAsync(context, cachedStatus, cachedResponse.Body, encrypted ? auth.Context : null).ConfigureAwait(false);
                }

                return;
            }

            var injection = injector.Decide(computer, action, ConfigurationOf(envelope.Header.ResourceUri));
            if (injection.Redirect is { } redirect)
            {
                Record(user, action, envelope, request, StatusCodes.Status302Found, null, computer, "Redirect " + redirect.Location);
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = redirect.Location;
                return;
            }

            injected = injection.Fault;
            switch (injected?.Kind)
            {
                case InjectedFaultKind.DropBeforeProcessing or InjectedFaultKind.Outage:
                    Record(user, action, envelope, request, 0, null, computer, injected.Kind.ToString());
                    context.Abort();
                    return;
                case InjectedFaultKind.HttpError:
                    Record(user, action, envelope, request, injected.Status, null, computer, injected.Kind.ToString());
                    context.Response.StatusCode = injected.Status;
                    return;
                case InjectedFaultKind.TimedOut:
                    throw new WsManFaultException(WsManFaultReason.OperationTimedOut);
                case InjectedFaultKind.Delay:
                    await LongDelays.Delay(injected.Delay, services.Time, context.RequestAborted).ConfigureAwait(false);
                    break;
            }

            var (responseAction, responseBody) = await operations.DispatchAsync(request).ConfigureAwait(false);
            if (responseBody is ReceiveResponseBody receive &&
                injector.DecideResponse(computer, action, receive.Streams.Count) is { } tamper)
            {
                // Each stream element is one PSRP fragment: duplicate or swap them on the wire.
                injected = tamper;
                responseBody = receive with { Streams = Injector.Tamper(tamper, receive.Streams) };
            }

            response = new WsManEnvelope(ResponseHeader(envelope.Header, responseAction), responseBody);
        }
        catch (WsManFaultException e)
        {
            fault = e.Reason;
            response = FaultEnvelope(envelope?.Header, computer, e.Reason, e.Arguments);
            if (e.Provider is { } provider && response.Body is FaultBody faultBody) response = response with { Body = faultBody with { Provider = provider } };
        }
        catch (EnvelopeException e)
        {
            fault = e.Reason switch
            {
                EnvelopeError.TooLarge => null,
                EnvelopeError.DtdProhibited => WsManFaultReason.DtdProhibited,
                EnvelopeError.MalformedXml or EnvelopeError.NotAnEnvelope or EnvelopeError.TooDeep => WsManFaultReason.MalformedRequest,
                // A bad header value (OperationTimeout PT-1S, MaxEnvelopeSize) is an addressing fault on Windows;
                // the same problem in the body is a schema error.
                _ when e.InHeader => WsManFaultReason.InvalidHeader,
                _ => WsManFaultReason.SchemaValidationError,
            };
            if (fault is null)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                Record(user, "(too large)", null, null, 413, null);
                return;
            }

            // The reader's messages are sentences without the final period WinRM's texts carry.
            response = FaultEnvelope(e.Header, computer, fault.Value, e.Message.TrimEnd('.', ' '));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Diagnostics.Log.UnexpectedFailure(services.Logger, e, envelope?.Header.Action ?? "(unparsed)");
            fault = WsManFaultReason.InternalError;
            response = FaultEnvelope(envelope?.Header, computer, WsManFaultReason.InternalError);
        }

        var status = fault is { } reason ? WsManFaults.Describe(reason).HttpStatus : StatusCodes.Status200OK;
        if (fault is { } r && response.Body is FaultBody fb)
        {
            Diagnostics.Log.FaultReturned(services.Logger, action, r, fb.Reason);
        }

        Record(user, action, envelope, request, status, fault, computer, injected?.Kind.ToString());
        using var output = new PooledBufferWriter(InitialCapacity(response.Body));
        WsManEnvelopeWriter.Write(output, response);
        // The response's bytes are all in the output now: the buffer's slabs it was written from may be reused.
        request.Taken?.Release();
        // The cache keeps the response (a large one in this very buffer, a small one copied), and sends it from there.
        using var cached = envelope?.Header.OperationId is { } id ? responses.Store(id, status, output) : default;
        var sent = cached.IsEmpty ? output.WrittenMemory : cached.Body;
        recording.Recorder?.Record(body.Span, sent.Span, status, computer, action);
        switch (injected?.Kind)
        {
            case InjectedFaultKind.DropAfterProcessing:
                context.Abort();
                return;
            case InjectedFaultKind.ResetMidBody:
                var (cut, cutType) = Seal(sent, encrypted ? auth.Context : null);
                context.Response.StatusCode = status;
                context.Response.ContentType = cutType;
                context.Response.ContentLength = cut.Length;
                await context.Response.Body.WriteAsync(cut[..(cut.Length / 2)], context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                context.Abort();
                return;
        }

        await WriteAsync(context, status, sent, encrypted ? auth.Context : null).ConfigureAwait(false);
    }

    /// <summary>
    /// Room for the whole response at once: a ReceiveResponse is mostly its streams' base64, so a buffer sized from
    /// them is not grown (and copied) several times on the way to MaxEnvelopeSize.
    /// </summary>
    private static int InitialCapacity(WsManBody body)
    {
        const int Envelope = 4 * 1024;
        if (body is not ReceiveResponseBody { Streams: { Count: > 0 } streams }) return 16 * 1024;
        long length = Envelope;
        if (streams is ShellStreamBatch list)
        {
            // Its contents directly: enumerating it would make a ShellStream per element.
            var perElement = 64 + list.Name.Length + (list.CommandId?.Length ?? 0);
            // A fragment run's elements: each fragment's base64 is at most 4 bytes per 3 of it plus 4.
            foreach (ref readonly var content in list.Contents) length += (content.Data.Length + 2) / 3 * 4 + (content.ElementCount * (perElement + 4)) - 4;
            return (int)Math.Min(length, 64L * 1024 * 1024);
        }

        foreach (var stream in streams)
        {
            length += (stream.Data.Length + 2) / 3 * 4 + 64 + stream.Name.Length + (stream.CommandId?.Length ?? 0);
        }

        return (int)Math.Min(length, 64L * 1024 * 1024);
    }

    /// <summary>Room for the multipart headers, signature and boundaries around an encrypted envelope.</summary>
    private const int EncryptionOverhead = 1024;

    /// <param name="challenge">A handshake leg's token (no failure), else null: the offered schemes are listed.</param>
    /// <param name="refusal">Why presented credentials were refused; null when there were none.</param>
    private void Refuse(HttpContext context, string? challenge, string? refusal)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (challenge is not null)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
            return;
        }

        var offers = authentication.Offers();
        if (refusal is not null) Diagnostics.Log.AuthenticationFailed(services.Logger, refusal);
        else if (services.Logger.IsEnabled(LogLevel.Debug)) Diagnostics.Log.CredentialsAsked(services.Logger, string.Join(", ", offers));
        context.Response.Headers.WWWAuthenticate = offers;
    }

    /// <summary>The response body as sent: sealed into WinRM's multipart/encrypted layout when the request was.</summary>
    private static (ReadOnlyMemory<byte> Body, string ContentType) Seal(ReadOnlyMemory<byte> soap, Protocol.Ntlm.NtlmSecurityContext? context) =>
        context is null ? (soap, SoapContentType) : (EncryptedMessage.Encrypt(context, soap.Span), EncryptedMessage.ContentType);

    private static async Task WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> soap, Protocol.Ntlm.NtlmSecurityContext? sealing)
    {
        var (body, contentType) = Seal(soap, sealing);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static string? ConfigurationOf(string? resourceUri) =>
        resourceUri is not null && resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase)
            ? resourceUri[WsManResourceUris.PowerShellPrefix.Length..]
            : null;

    private void Record(string? user, string action, WsManEnvelope? envelope, WsManRequest? request, int status, WsManFaultReason? fault, string? computer = null, string? injected = null, string? refusal = null)
    {
        services.Journal.Add(seq => new JournalEntry(
            seq,
            services.Time.GetUtcNow(),
            user,
            action,
            envelope?.Header.ResourceUri,
            request?.ShellId ?? envelope?.Header.Selector("ShellId"),
            request?.CommandId,
            request?.RequestMessages ?? [],
            request?.ResponseMessages ?? [],
            status,
            fault) { Computer = computer, Injected = injected, Refusal = refusal });
    }

    private static WsManHeader ResponseHeader(WsManHeader request, string? action) => new()
    {
        Action = action,
        MessageId = WsManIds.NewUuid(),
        To = WsManAddresses.Anonymous,
        RelatesTo = request.MessageId,
        OperationId = request.OperationId,
    };

    private static WsManEnvelope FaultEnvelope(WsManHeader? request, string computer, WsManFaultReason reason, params object?[] args)
    {
        var descriptor = WsManFaults.Describe(reason);
        var header = new WsManHeader
        {
            Action = descriptor.Action,
            MessageId = WsManIds.NewUuid(),
            To = WsManAddresses.Anonymous,
            RelatesTo = request?.MessageId ?? "uuid:00000000-0000-0000-0000-000000000000",
            OperationId = request?.OperationId,
        };
        return new WsManEnvelope(header, WsManFaults.CreateBody(reason, computer, args));
    }

    /// <summary>The request body in a pooled buffer (Content-Length sized when given); null past <paramref name="limit"/>.</summary>
    private static async Task<PooledBufferWriter?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // One byte more than the declared length: the read that finds the end needs room to look.
        var buffer = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? 8192, limit) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(1);
                var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0) return buffer;
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    buffer.Dispose();
                    return null;
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    internal static string RequestUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";

    /// <summary>The last segment of the action URI (the journal's and the injection rules' name for it).</summary>
    internal static string ShortAction(string? action) => action switch
    {
        // The actions of every request are known constants: no substring per request for them.
        null => "(none)",
        WsManActions.Receive => "Receive",
        WsManActions.Send => "Send",
        WsManActions.Command => "Command",
        WsManActions.Signal => "Signal",
        WsManActions.Create => "Create",
        WsManActions.Delete => "Delete",
        WsManActions.Get => "Get",
        WsManActions.Disconnect => "Disconnect",
        WsManActions.Reconnect => "Reconnect",
        WsManActions.Connect => "Connect",
        WsManActions.Enumerate => "Enumerate",
        WsManActions.Pull => "Pull",
        WsManActions.Release => "Release",
        _ => action.LastIndexOf('/') is var slash and >= 0 ? action[(slash + 1)..] : action,
    };
}

/// <summary>One request being handled: who sent it and what the journal should say about it.</summary>
internal sealed class WsManRequest(string user, string computer, HttpContext context)
{
    private string? _url;

    public string User { get; } = user;

    /// <summary>The virtual computer this request addresses.</summary>
    public string Computer { get; } = computer;
    public string? ClientIp => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>The request URL, made when an operation needs it (Create without a wsa:To).</summary>
    public string Url => _url ??= WsManEndpoint.RequestUrl(context.Request);
    public CancellationToken Aborted { get; } = context.RequestAborted;
    public WsManEnvelope Envelope { get; set; } = null!;
    public WsManHeader Header => Envelope.Header;
    public string? ShellId { get; set; }
    public string? CommandId { get; set; }
    public Diagnostics.MessageTypeList RequestMessages { get; } = [];
    public Diagnostics.MessageTypeList ResponseMessages { get; } = [];

    /// <summary>What a Receive took from an output buffer: released once the response has been written from it.</summary>
    public Shells.ReceiveBatch? Taken { get; set; }
}
