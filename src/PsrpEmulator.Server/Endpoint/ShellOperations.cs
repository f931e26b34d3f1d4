using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>The WS-Man operations on shells and the service itself, one method per action.</summary>
internal sealed class ShellOperations(ShellRegistry registry, ShellServices services)
{
    private const int EnvelopeOverhead = 4096;

    private EmulatorOptions Options => services.Options;

    public async ValueTask<(string? Action, WsManBody Body)> DispatchAsync(WsManRequest request)
    {
        var header = request.Header;
        if (request.Envelope.Body is IdentifyBody)
        {
            return (null, new IdentifyResponseBody(WsManNamespaces.WsMan, "Microsoft Corporation", "OS: 10.0.17763 SP: 0.0 Stack: 3.0"));
        }

        return header.Action switch
        {
            WsManActions.Create => (WsManActions.CreateResponse, Create(request)),
            WsManActions.Command => (WsManActions.CommandResponse, Command(request)),
            WsManActions.Send => (WsManActions.SendResponse, Send(request)),
            WsManActions.Receive => (WsManActions.ReceiveResponse, await ReceiveAsync(request).ConfigureAwait(false)),
            WsManActions.Signal => (WsManActions.SignalResponse, await SignalAsync(request).ConfigureAwait(false)),
            WsManActions.Delete => (WsManActions.DeleteResponse, Delete(request)),
            WsManActions.Get => (WsManActions.GetResponse, Get(request)),
            _ => throw new WsManFaultException(WsManFaultReason.UnsupportedAction, header.Action ?? "(none)"),
        };
    }

    private WsManBody Create(WsManRequest request)
    {
        var header = request.Header;
        var configuration = ResolveConfiguration(header.ResourceUri);
        if (request.Envelope.Body is not ShellCreateBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Create expects an rsp:Shell body.");
        }

        var version = header.Option("protocolversion") ?? throw new WsManFaultException(WsManFaultReason.ProtocolVersionNotFound);
        if (!Version.TryParse(version, out var parsed) || parsed.Major != 2)
        {
            throw new WsManFaultException(WsManFaultReason.ProtocolVersionMismatch, Options.ProtocolVersion);
        }

        var shellId = string.IsNullOrWhiteSpace(body.ShellId) ? Guid.NewGuid().ToString().ToUpperInvariant() : body.ShellId.Trim().ToUpperInvariant();
        var idle = ClampIdleTimeout(body.IdleTimeOut ?? Options.IdleTimeout);
        var bufferMode = ParseBufferMode(body.BufferMode) ?? Options.BufferMode;
        var shell = new Shell(services, shellId, body.Name, WsManResourceUris.PowerShellPrefix + configuration, configuration, request.User,
            request.ClientIp, idle, bufferMode, header.Locale, header.DataLocale, header.SessionId);
        request.ShellId = shellId;
        if (body.CreationXml is { } creation) shell.AcceptPoolData(creation, request.RequestMessages);
        registry.Add(shell);
        Diagnostics.Log.ShellCreated(services.Logger, shellId, shell.ResourceUri, request.User, version);
        var selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };
        return new CreateResponseBody(new ResourceCreated(header.To ?? request.Url, shell.ResourceUri, selectors), shell.ToShellInfo(includeUsage: false));
    }

    private WsManBody Command(WsManRequest request)
    {
        var shell = GetShell(request);
        if (request.Envelope.Body is not CommandLineBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Command expects an rsp:CommandLine body.");
        }

        var commandId = string.IsNullOrWhiteSpace(body.CommandId) ? Guid.NewGuid().ToString().ToUpperInvariant() : body.CommandId.Trim().ToUpperInvariant();
        request.CommandId = commandId;
        shell.CreatePipeline(commandId, body.Command, body.Arguments, request.RequestMessages);
        return new CommandResponseBody(commandId);
    }

    private WsManBody Send(WsManRequest request)
    {
        var shell = GetShell(request);
        if (request.Envelope.Body is not SendBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Send expects an rsp:Send body.");
        }

        foreach (var stream in body.Streams)
        {
            if (stream.CommandId is { Length: > 0 } commandId)
            {
                request.CommandId = commandId;
                shell.GetPipeline(commandId).AcceptData(stream.Data, request.RequestMessages);
            }
            else
            {
                shell.AcceptPoolData(stream.Data, request.RequestMessages);
            }
        }

        return new SendResponseBody();
    }

    private async Task<WsManBody> ReceiveAsync(WsManRequest request)
    {
        var shell = GetShell(request);
        if (request.Envelope.Body is not ReceiveBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Receive expects an rsp:Receive body.");
        }

        Pipeline? pipeline = null;
        if (body.CommandId is { Length: > 0 } commandId)
        {
            request.CommandId = commandId;
            pipeline = shell.GetPipeline(commandId);
        }

        var stream = pipeline?.Output ?? shell.PoolOutput;
        var operationTimeout = request.Header.OperationTimeout ?? TimeSpan.FromSeconds(60);
        var hold = operationTimeout < Options.MaxReceiveHold ? operationTimeout : Options.MaxReceiveHold;
        var maxEnvelope = request.Header.MaxEnvelopeSize ?? Options.MaxEnvelopeSizeKb * 1024;
        // Fragments travel base64-encoded: 3 raw bytes per 4 characters, after the envelope's own overhead.
        var budget = Math.Max(1024, (maxEnvelope - EnvelopeOverhead) / 4 * 3);

        using var holdTimer = new CancellationTokenSource(hold, services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(holdTimer.Token, request.Aborted);
        var batch = await stream.ReceiveAsync(budget, Math.Min(Options.MaxFragmentSize, budget), linked.Token).ConfigureAwait(false);
        request.Aborted.ThrowIfCancellationRequested();
        shell.Touch();
        if (batch is null) throw new WsManFaultException(WsManFaultReason.OperationTimedOut);
        if (pipeline is null && batch.Completed && batch.Fragments.Count == 0)
        {
            // The pool's output ended: the shell was deleted while this Receive waited.
            throw new WsManFaultException(WsManFaultReason.ShellNotFound, shell.ShellId);
        }

        request.ResponseMessages.AddRange(batch.MessageTypes);
        var streams = batch.Fragments.Select(f => new ShellStream("stdout", pipeline?.CommandId, f)).ToList();
        var state = pipeline is not null && batch.Completed ? new CommandState(pipeline.CommandId, WsManCommandStates.Done, 0) : null;
        return new ReceiveResponseBody(streams, state);
    }

    private async Task<WsManBody> SignalAsync(WsManRequest request)
    {
        var shell = GetShell(request);
        if (request.Envelope.Body is not SignalBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Signal expects an rsp:Signal body.");
        }

        if (string.IsNullOrEmpty(body.CommandId))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidParameter, "PowerShell shells accept signals for commands only.");
        }

        request.CommandId = body.CommandId;
        var pipeline = shell.GetPipeline(body.CommandId);
        if (IsStopSignal(body.Code))
        {
            // Windows sends SignalResponse after the pipeline has reached Stopped.
            await pipeline.StopAsync().WaitAsync(request.Aborted).ConfigureAwait(false);
        }
        else
        {
            pipeline.Terminate();
        }

        return new SignalResponseBody();
    }

    private static bool IsStopSignal(string code) =>
        string.Equals(code, WsManSignalCodes.PowerShellCrtlC, StringComparison.Ordinal) ||
        string.Equals(code, WsManSignalCodes.PowerShellCtrlC, StringComparison.Ordinal);

    private WsManBody Delete(WsManRequest request)
    {
        var shell = GetShell(request);
        registry.Remove(shell);
        shell.Close();
        Diagnostics.Log.ShellDeleted(services.Logger, shell.ShellId);
        return EmptyBody.Instance;
    }

    private WsManBody Get(WsManRequest request)
    {
        var resourceUri = request.Header.ResourceUri;
        if (string.Equals(resourceUri, WsManResourceUris.Config, StringComparison.OrdinalIgnoreCase))
        {
            return new ConfigBody(Options.MaxEnvelopeSizeKb);
        }

        var shell = GetShell(request);
        return new ShellBody(shell.ToShellInfo(includeUsage: true));
    }

    private Shell GetShell(WsManRequest request)
    {
        var shellId = request.Header.Selector("ShellId");
        request.ShellId = shellId;
        var shell = registry.Get(shellId, request.User);
        var resourceUri = request.Header.ResourceUri;
        if (resourceUri is not null &&
            !string.Equals(resourceUri, shell.ResourceUri, StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(resourceUri, WsManResourceUris.Shell, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri);
        }

        shell.Touch();
        return shell;
    }

    private string ResolveConfiguration(string? resourceUri)
    {
        if (resourceUri is not null && resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = resourceUri[WsManResourceUris.PowerShellPrefix.Length..];
            foreach (var configuration in Options.EffectiveConfigurations)
            {
                if (string.Equals(configuration, name, StringComparison.OrdinalIgnoreCase)) return configuration;
            }
        }

        throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri ?? "(none)");
    }

    private TimeSpan ClampIdleTimeout(TimeSpan requested)
    {
        // WinRS raises values below 60 s to 60 s; above the endpoint's maximum the maximum applies.
        if (requested < TimeSpan.FromSeconds(60)) return TimeSpan.FromSeconds(60);
        return requested > Options.MaxIdleTimeout ? Options.MaxIdleTimeout : requested;
    }

    internal static OutputBufferMode? ParseBufferMode(string? text) => text?.Trim() switch
    {
        null or "" => null,
        var t when t.Equals("Block", StringComparison.OrdinalIgnoreCase) => OutputBufferMode.Block,
        var t when t.Equals("Drop", StringComparison.OrdinalIgnoreCase) => OutputBufferMode.Drop,
        var t => throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"BufferMode '{t}' is not Block or Drop."),
    };
}
