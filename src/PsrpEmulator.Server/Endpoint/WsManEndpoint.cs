using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// The <c>/wsman</c> endpoint: Basic authentication, size limit, streaming envelope parse, dispatch to the
/// shell operations, and one place where failures become WS-Man faults (never a stack trace on the wire).
/// </summary>
internal sealed class WsManEndpoint(ShellOperations operations, ShellServices services, Injector injector, ResponseCache responses)
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

        var user = Authenticate(context.Request);
        if (user is null)
        {
            Diagnostics.Log.AuthenticationFailed(services.Logger, null);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"WSMAN\"";
            Record(null, "(unauthenticated)", null, null, 401, null);
            return;
        }

        var limit = Options.MaxEnvelopeSizeKb * 1024;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            Record(user, "(too large)", null, null, 413, null);
            return;
        }

        var body = await ReadBodyAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            Record(user, "(too large)", null, null, 413, null);
            return;
        }

        var request = new WsManRequest(user, computer, context.Connection.RemoteIpAddress?.ToString(), RequestUrl(context.Request), context.RequestAborted);
        WsManEnvelope? envelope = null;
        WsManEnvelope response;
        WsManFaultReason? fault = null;
        FaultRule? injected = null;
        try
        {
            envelope = WsManEnvelopeReader.Read(body.WrittenSpan, new EnvelopeLimits { MaxEnvelopeBytes = limit });
            request.Envelope = envelope;
            Diagnostics.Log.ActionReceived(services.Logger, ShortAction(envelope.Header.Action), envelope.Header.Selector("ShellId"), null, user);
            if (envelope.Header is { OperationId: { } operationId, OperationIdMustUnderstand: true } &&
                responses.TryGet(operationId, out var cachedStatus, out var cachedBody))
            {
                // A retransmission of an operation already answered: the same response again, nothing reprocessed.
                Record(user, ShortAction(envelope.Header.Action), envelope, request, cachedStatus, null, computer, "Retransmission");
                await WriteAsync(context, cachedStatus, cachedBody).ConfigureAwait(false);
                return;
            }

            var injection = injector.Decide(computer, ShortAction(envelope.Header.Action), ConfigurationOf(envelope.Header.ResourceUri));
            if (injection.Redirect is { } redirect)
            {
                Record(user, ShortAction(envelope.Header.Action), envelope, request, StatusCodes.Status302Found, null, computer, "Redirect " + redirect.Location);
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = redirect.Location;
                return;
            }

            injected = injection.Fault;
            switch (injected?.Kind)
            {
                case InjectedFaultKind.DropBeforeProcessing or InjectedFaultKind.Outage:
                    Record(user, ShortAction(envelope.Header.Action), envelope, request, 0, null, computer, injected.Kind.ToString());
                    context.Abort();
                    return;
                case InjectedFaultKind.HttpError:
                    Record(user, ShortAction(envelope.Header.Action), envelope, request, injected.Status, null, computer, injected.Kind.ToString());
                    context.Response.StatusCode = injected.Status;
                    return;
                case InjectedFaultKind.TimedOut:
                    throw new WsManFaultException(WsManFaultReason.OperationTimedOut);
                case InjectedFaultKind.Delay:
                    await Task.Delay(injected.Delay, services.Time, context.RequestAborted).ConfigureAwait(false);
                    break;
            }

            var (action, responseBody) = await operations.DispatchAsync(request).ConfigureAwait(false);
            response = new WsManEnvelope(ResponseHeader(envelope.Header, action), responseBody);
        }
        catch (WsManFaultException e)
        {
            fault = e.Reason;
            response = FaultEnvelope(envelope?.Header, computer, e.Reason, e.Arguments);
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
            Diagnostics.Log.FaultReturned(services.Logger, ShortAction(envelope?.Header.Action), r, fb.Reason);
        }

        Record(user, ShortAction(envelope?.Header.Action), envelope, request, status, fault, computer, injected?.Kind.ToString());
        using var output = new PooledBufferWriter(16 * 1024);
        WsManEnvelopeWriter.Write(output, response);
        // The cache keeps its own copy (the one copy of the response made per request), and that copy is what is sent.
        var cached = envelope?.Header.OperationId is { } id ? responses.Store(id, status, output.WrittenSpan) : null;
        switch (injected?.Kind)
        {
            case InjectedFaultKind.DropAfterProcessing:
                context.Abort();
                return;
            case InjectedFaultKind.ResetMidBody:
                context.Response.StatusCode = status;
                context.Response.ContentType = SoapContentType;
                context.Response.ContentLength = output.WrittenCount;
                await context.Response.Body.WriteAsync(output.WrittenMemory[..(output.WrittenCount / 2)], context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                context.Abort();
                return;
        }

        await WriteAsync(context, status, cached ?? output.WrittenMemory).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = SoapContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static string? ConfigurationOf(string? resourceUri) =>
        resourceUri is not null && resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase)
            ? resourceUri[WsManResourceUris.PowerShellPrefix.Length..]
            : null;

    private void Record(string? user, string action, WsManEnvelope? envelope, WsManRequest? request, int status, WsManFaultReason? fault, string? computer = null, string? injected = null)
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
            fault) { Computer = computer, Injected = injected });
    }

    private static WsManHeader ResponseHeader(WsManHeader request, string? action) => new()
    {
        Action = action,
        MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
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
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            To = WsManAddresses.Anonymous,
            RelatesTo = request?.MessageId ?? "uuid:00000000-0000-0000-0000-000000000000",
            OperationId = request?.OperationId,
        };
        return new WsManEnvelope(header, WsManFaults.CreateBody(reason, computer, args));
    }

    private string? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return null;
        var name = decoded[..colon];
        var password = decoded[(colon + 1)..];
        // A DOMAIN\user or user@domain login matches the configured user name.
        var bare = EmulatorOptions.BareUserName(name);
        return Options.EffectiveUsers.TryGetValue(bare, out var expected) &&
               System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password))
            ? bare
            : null;
    }

    private static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 8192, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }

    private static string RequestUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";

    internal static string ShortAction(string? action)
    {
        if (action is null) return "(none)";
        var slash = action.LastIndexOf('/');
        return slash >= 0 ? action[(slash + 1)..] : action;
    }
}

/// <summary>One request being handled: who sent it and what the journal should say about it.</summary>
internal sealed class WsManRequest(string user, string computer, string? clientIp, string url, CancellationToken aborted)
{
    public string User { get; } = user;

    /// <summary>The virtual computer this request addresses.</summary>
    public string Computer { get; } = computer;
    public string? ClientIp { get; } = clientIp;
    public string Url { get; } = url;
    public CancellationToken Aborted { get; } = aborted;
    public WsManEnvelope Envelope { get; set; } = null!;
    public WsManHeader Header => Envelope.Header;
    public string? ShellId { get; set; }
    public string? CommandId { get; set; }
    public List<PsrpMessageType> RequestMessages { get; } = [];
    public List<PsrpMessageType> ResponseMessages { get; } = [];
}
