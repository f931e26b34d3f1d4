using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>The WS-Man operations on shells and the service itself, one method per action.</summary>
internal sealed class ShellOperations(ShellRegistry registry, EnumerationStore enumerations, ShellServices services, WinRsOperations winRs)
{

    private EmulatorOptions Options => services.Options;

    public async ValueTask<(string? Action, WsManBody Body)> DispatchAsync(WsManRequest request)
    {
        var header = request.Header;
        if (request.Envelope.Body is IdentifyBody)
        {
            return (null, new IdentifyResponseBody(WsManNamespaces.WsMan, "Microsoft Corporation", Behaviours.RunContext.IdentifyProductVersion));
        }

        // WinRS cmd shells: Create and the stream operations; the rest is shared with PowerShell shells.
        if (winRs.Handles(request)) return await winRs.DispatchAsync(request).ConfigureAwait(false);

        return header.Action switch
        {
            WsManActions.Create => (WsManActions.CreateResponse, Create(request)),
            WsManActions.Command => (WsManActions.CommandResponse, Command(request)),
            WsManActions.Send => (WsManActions.SendResponse, Send(request)),
            WsManActions.Receive => (WsManActions.ReceiveResponse, await ReceiveAsync(request).ConfigureAwait(false)),
            WsManActions.Signal => (WsManActions.SignalResponse, await SignalAsync(request).ConfigureAwait(false)),
            WsManActions.Delete => (WsManActions.DeleteResponse, Delete(request)),
            WsManActions.Get => (WsManActions.GetResponse, Get(request)),
            WsManActions.Disconnect => (WsManActions.DisconnectResponse, Disconnect(request)),
            WsManActions.Reconnect => (WsManActions.ReconnectResponse, await ReconnectAsync(request).ConfigureAwait(false)),
            WsManActions.Connect => (WsManActions.ConnectResponse, await ConnectAsync(request).ConfigureAwait(false)),
            WsManActions.Enumerate => (WsManActions.EnumerateResponse, Enumerate(request)),
            WsManActions.Pull => (WsManActions.PullResponse, Pull(request)),
            WsManActions.Release => (WsManActions.ReleaseResponse, Release(request)),
            _ => throw new WsManFaultException(WsManFaultReason.UnsupportedAction, header.Action ?? "(none)"),
        };
    }

    // The last value of each of these that a shell kept: shells made by the same clients share one string instead of
    // each holding its own copy parsed from its Create (thousands of idle shells).
    private string? _computer, _resourceUri, _user, _clientIp, _locale, _dataLocale, _connection;

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private static string? Reuse(ref string? last, string? value)
    {
        var previous = Volatile.Read(ref last);
        if (value is null || string.Equals(previous, value, StringComparison.Ordinal)) return value is null ? null : previous;
        Volatile.Write(ref last, value);
        return value;
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

        var shellId = string.IsNullOrWhiteSpace(body.ShellId) ? WsManIds.NewGuid() : body.ShellId.Trim().ToUpperInvariant();
        var endpoint = Options.ResolveEndpoint(configuration, services.Scenario);
        var idle = ClampIdleTimeout(body.IdleTimeOut ?? endpoint.IdleTimeout, endpoint.MaxIdleTimeout);
        var bufferMode = ParseBufferMode(body.BufferMode) ?? endpoint.BufferMode;
        var shell = new Shell(services, Reuse(ref _computer, request.Computer), shellId, body.Name, Reuse(ref _resourceUri, WsManResourceUris.PowerShellPrefix + configuration), endpoint,
            Reuse(ref _user, request.User), Reuse(ref _clientIp, request.ClientIp), idle, bufferMode, Reuse(ref _locale, header.Locale), Reuse(ref _dataLocale, header.DataLocale), header.SessionId)
        {
            // The address the client connected to ($PSSenderInfo.ConnectionString): its wsa:To, query and all.
            ConnectionString = Reuse(ref _connection, header.To ?? request.Url),
        };
        request.ShellId = shellId;
        if (body.CreationXml is { } creation) shell.AcceptPoolData(creation, request.RequestMessages);
        registry.Add(shell, Options.MaxShellsPerUser);
        Diagnostics.Log.ShellCreated(services.Logger, shellId, shell.ResourceUri, request.User, version);
        var selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };
        return new CreateResponseBody(new ResourceCreated(header.To ?? request.Url, shell.ResourceUri, selectors), shell.ToShellInfo(includeUsage: false));
    }

    private WsManBody Command(WsManRequest request)
    {
        var shell = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not CommandLineBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Command expects an rsp:CommandLine body.");
        }

        var commandId = string.IsNullOrWhiteSpace(body.CommandId) ? WsManIds.NewGuid() : body.CommandId.Trim().ToUpperInvariant();
        request.CommandId = commandId;
        shell.CreatePipeline(commandId, body.Command, body.Arguments, request.RequestMessages);
        return new CommandResponseBody(commandId);
    }

    private WsManBody Send(WsManRequest request)
    {
        var shell = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not SendBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Send expects an rsp:Send body.");
        }

        foreach (var stream in body.Streams)
        {
            if (stream.CommandId is { Length: > 0 } commandId)
            {
                request.CommandId = commandId;
                shell.GetPipeline(commandId).AcceptData(stream.Data, request.RequestMessages, promptResponse: string.Equals(stream.Name, "pr", StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                try
                {
                    shell.AcceptPoolData(stream.Data, request.RequestMessages);
                }
                catch (WsManFaultException e) when (e.Reason == WsManFaultReason.ReceivedObjectSizeExceeded)
                {
                    // The PowerShell plugin closes the whole shell when its session's data breaks a quota (UNVERIFIED
                    // what WinRM answers afterwards: here the shell is gone).
                    registry.Remove(shell);
                    shell.Close();
                    Diagnostics.Log.ShellObjectQuotaExceeded(services.Logger, shell.ShellId);
                    throw;
                }
            }
        }

        return new SendResponseBody();
    }

    private async Task<WsManBody> ReceiveAsync(WsManRequest request)
    {
        var shell = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not ReceiveBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Receive expects an rsp:Receive body.");
        }

        Pipeline? pipeline = null;
        if (body.CommandId is { Length: > 0 } commandId)
        {
            request.CommandId = commandId;
            pipeline = shell.GetPipeline(commandId);
            pipeline.ThrowIfClosedByQuota();
        }

        var stream = pipeline?.Output ?? shell.PoolOutput;
        var budget = ReceiveHold.BudgetOf(request, Options);
        // Data waiting: answered at once, as the wait below would with data pending, without setting up the hold.
        // The types of the messages taken go straight to the journal's record of this response.
        var batch = stream.TryReceiveNow(budget, Math.Min(Options.MaxFragmentSize, budget), request.ResponseMessages);
        if (batch is null)
        {
            using var hold = new ReceiveHold(request, shell, services);
            batch = await stream.ReceiveAsync(hold.Budget, Math.Min(Options.MaxFragmentSize, hold.Budget), request.ResponseMessages, hold.Token).ConfigureAwait(false);
        }

        request.Aborted.ThrowIfCancellationRequested();
        shell.Touch();
        if (pipeline is not null && batch is not null)
        {
            try
            {
                // Closed while this Receive waited (or took): what was buffered never reaches the client.
                pipeline.ThrowIfClosedByQuota();
            }
            catch
            {
                batch.Release();
                throw;
            }
        }

        if (batch is null) return ReceiveHold.NothingArrived(shell, Options);
        if (pipeline is null && batch.Completed && batch.Count == 0)
        {
            // The pool's output ended: the shell was deleted while this Receive waited.
            throw new WsManFaultException(WsManFaultReason.ShellNotFound, shell.ShellId);
        }

        // One list over the fragments as taken: no ShellStream per fragment (thousands per response of small objects).
        var streams = new ShellStreamBatch("stdout", pipeline?.CommandId, batch.Fragments, batch.Count);
        request.Taken = batch;
        var state = pipeline is not null && batch.Completed ? new CommandState(pipeline.CommandId, WsManCommandStates.Done, 0) : null;
        return new ReceiveResponseBody(streams, state);
    }

    private async Task<WsManBody> SignalAsync(WsManRequest request)
    {
        var shell = GetShell(request);
        shell.EnsureConnected();
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

        if (WmiResourceUris.Parse(resourceUri) is var (wmiNamespace, className))
        {
            return new WmiInstanceBody(WmiOperations.Get(services.WmiOf(request.Computer), wmiNamespace, className, request.Header.Selectors));
        }

        // A query is not client activity on the shell: it does not reset the idle clock.
        Shell shell;
        try
        {
            shell = GetShell(request, touch: false);
        }
        catch (WsManFaultException e) when (e.Reason == WsManFaultReason.ShellNotFound)
        {
            throw new WsManFaultException(WsManFaultReason.ShellNotFoundByGet);
        }

        return new ShellBody(shell.ToShellInfo(includeUsage: true));
    }

    private WsManBody Disconnect(WsManRequest request)
    {
        var shell = GetShell(request, touch: false);
        var body = request.Envelope.Body as DisconnectBody ?? new DisconnectBody(null, null);
        var idle = body.IdleTimeOut is { } requested ? ClampIdleTimeout(requested, shell.MaxIdleTimeout) : (TimeSpan?)null;
        shell.Disconnect(idle, ParseBufferMode(body.BufferMode));
        Diagnostics.Log.ShellDisconnected(services.Logger, shell.ShellId, shell.IdleTimeout, shell.BufferMode.ToString(), string.Empty);
        return EmptyBody.Instance;
    }

    private async Task<WsManBody> ReconnectAsync(WsManRequest request)
    {
        var shell = GetShell(request, touch: false);
        var body = request.Envelope.Body as ReconnectBody ?? new ReconnectBody(null, null);
        if (body.CommandId is { Length: > 0 } commandId)
        {
            // Per-command Reconnect: the shell must be connected again already; the command's output resumes.
            request.CommandId = commandId;
            shell.EnsureConnected();
            await shell.GetPipeline(commandId).Output.ResumeForConnectingClientAsync().ConfigureAwait(false);
            return EmptyBody.Instance;
        }

        await shell.AttachAsync(request.Header.SessionId, request.ClientIp, ParseBufferMode(body.BufferMode), newClient: false).ConfigureAwait(false);
        Diagnostics.Log.ShellConnected(services.Logger, shell.ShellId, request.User, "Reconnect");
        return EmptyBody.Instance;
    }

    private async Task<WsManBody> ConnectAsync(WsManRequest request)
    {
        var shell = GetShell(request, touch: false);
        if (request.Envelope.Body is not ConnectBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Connect expects an rsp:Connect body.");
        }

        if (body.CommandId is { Length: > 0 } commandId)
        {
            // Connect to a command (MS-PSRP 3.1.4.10.1): after the pool's Connect, by the client that made it.
            request.CommandId = commandId;
            shell.EnsureConnected();
            var pipeline = shell.GetPipeline(commandId);
            await pipeline.Output.ResumeForConnectingClientAsync().ConfigureAwait(false);
            return new ConnectResponseBody(null, null, null);
        }

        var version = request.Header.Option("protocolversion") ?? throw new WsManFaultException(WsManFaultReason.ProtocolVersionNotFound);
        if (!Version.TryParse(version, out var parsed) || parsed.Major != 2)
        {
            throw new WsManFaultException(WsManFaultReason.ProtocolVersionMismatch, Options.ProtocolVersion);
        }

        if (body.ConnectXml is not { } connectXml)
        {
            throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, "connectXml is missing.");
        }

        var response = await shell.ConnectPoolAsync(connectXml, request.Header.SessionId, request.ClientIp, ParseBufferMode(body.BufferMode), request.RequestMessages).ConfigureAwait(false);
        request.ResponseMessages.AddRange([Protocol.Psrp.PsrpMessageType.SessionCapability, Protocol.Psrp.PsrpMessageType.RunspacePoolInitData]);
        Diagnostics.Log.ShellConnected(services.Logger, shell.ShellId, request.User, "Connect");
        return new ConnectResponseBody("stdin pr", "stdout", response);
    }

    private WsManBody Enumerate(WsManRequest request)
    {
        var body = request.Envelope.Body as EnumerateBody ?? new EnumerateBody(false, null, null);
        var resourceUri = request.Header.ResourceUri;
        if (WmiResourceUris.Parse(resourceUri) is var (wmiNamespace, className))
        {
            var instances = WmiOperations.Enumerate(services.WmiOf(request.Computer), wmiNamespace, className, body.FilterDialect, body.FilterText);
            return enumerations.Start(request.User, [], [], body.OptimizeEnumeration, body.MaxElements, Options.EnumerationTimeout, instances);
        }

        if (string.Equals(resourceUri, WsManResourceUris.Shell, StringComparison.OrdinalIgnoreCase))
        {
            var shells = registry.OwnedBy(request.User, request.Computer).Select(s => s.ToShellInfo(includeUsage: true)).ToList();
            return enumerations.Start(request.User, shells, [], body.OptimizeEnumeration, body.MaxElements, Options.EnumerationTimeout);
        }

        if (string.Equals(resourceUri, WsManResourceUris.ShellCommand, StringComparison.OrdinalIgnoreCase))
        {
            var shellId = body.SelectorFilter is { } filter && filter.TryGetValue("ShellId", out var id) ? id : request.Header.Selector("ShellId");
            if (shellId is null)
            {
                throw new WsManFaultException(WsManFaultReason.InvalidParameter, "Enumerating commands needs a ShellId selector filter.");
            }

            request.ShellId = shellId;
            var shell = registry.Get(shellId, request.User, request.Computer);
            var commands = shell.WinRs?.ToCommandInfos() ?? shell.Pipelines
                .Where(p => p.Lifecycle != PipelineLifecycle.Closed)
                .Select(p => new CommandInfo(p.CommandId, p.CommandLine, p.Lifecycle == PipelineLifecycle.Finished ? "Done" : "Running"))
                .ToList();
            return enumerations.Start(request.User, [], commands, body.OptimizeEnumeration, body.MaxElements, Options.EnumerationTimeout);
        }

        throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri ?? "(none)");
    }

    private WsManBody Pull(WsManRequest request)
    {
        if (request.Envelope.Body is not PullBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Pull expects a wsen:Pull body.");
        }

        return enumerations.Pull(request.User, body.EnumerationContext, body.MaxElements, Options.EnumerationTimeout);
    }

    private WsManBody Release(WsManRequest request)
    {
        if (request.Envelope.Body is not ReleaseBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Release expects a wsen:Release body.");
        }

        enumerations.Release(request.User, body.EnumerationContext);
        return EmptyBody.Instance;
    }

    private Shell GetShell(WsManRequest request, bool touch = true)
    {
        var shellId = request.Header.Selector("ShellId");
        request.ShellId = shellId;
        var shell = registry.Get(shellId, request.User, request.Computer);
        var resourceUri = request.Header.ResourceUri;
        if (resourceUri is not null &&
            !string.Equals(resourceUri, shell.ResourceUri, StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(resourceUri, WsManResourceUris.Shell, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri);
        }

        if (touch) shell.Touch();
        return shell;
    }

    private string ResolveConfiguration(string? resourceUri)
    {
        if (resourceUri is not null && resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (services.FindConfiguration(resourceUri.AsSpan(WsManResourceUris.PowerShellPrefix.Length)) is { } configuration) return configuration;
        }

        throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri ?? "(none)");
    }

    internal static TimeSpan ClampIdleTimeout(TimeSpan requested, TimeSpan maximum)
    {
        // WinRS raises values below 60 s to 60 s; above the endpoint's maximum the maximum applies.
        if (requested < TimeSpan.FromSeconds(60)) return TimeSpan.FromSeconds(60);
        return requested > maximum ? maximum : requested;
    }

    internal static OutputBufferMode? ParseBufferMode(string? text) => text?.Trim() switch
    {
        null or "" => null,
        var t when t.Equals("Block", StringComparison.OrdinalIgnoreCase) => OutputBufferMode.Block,
        var t when t.Equals("Drop", StringComparison.OrdinalIgnoreCase) => OutputBufferMode.Drop,
        var t => throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"BufferMode '{t}' is not Block or Drop."),
    };
}
