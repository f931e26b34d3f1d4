using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Psrp;

/// <summary>Settings of a RunspacePool (PSSession) to open.</summary>
public sealed record RunspacePoolOptions
{
    /// <summary>Session configuration (endpoint) name.</summary>
    public string ConfigurationName { get; init; } = "Microsoft.PowerShell";

    /// <summary>Friendly name sent as the shell's Name (New-PSSession -Name).</summary>
    public string? Name { get; init; }

    /// <summary>rsp:IdleTimeOut at create; null means the endpoint's default.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>OutputBufferingMode at create ("Block"/"Drop"); null means the endpoint's default.</summary>
    public string? BufferMode { get; init; }

    /// <summary>PSRP protocolversion this client speaks (PowerShell 7.6: 2.4).</summary>
    public string ProtocolVersion { get; init; } = "2.4";
}

/// <summary>
/// A client-side RunspacePool over one WinRM shell: open (Create + Receive until Opened), run pipelines, close
/// (Delete). The RunspacePool id is the ShellId, chosen by the client like PowerShell does.
/// </summary>
public sealed class RunspacePoolClient : IAsyncDisposable
{
    private readonly WsManTransport _transport;
    private readonly Defragmenter _poolDefragmenter = new();
    private long _objectId;

    private RunspacePoolClient(WsManTransport transport, RunspacePoolOptions options, Guid id)
    {
        _transport = transport;
        Options = options;
        Id = id;
        ShellId = id.ToString().ToUpperInvariant();
        ResourceUri = WsManResourceUris.PowerShellPrefix + options.ConfigurationName;
    }

    public Guid Id { get; }
    public string ShellId { get; }
    public string ResourceUri { get; }
    public RunspacePoolOptions Options { get; }
    public WsManTransport Transport => _transport;
    public RunspacePoolState State { get; private set; } = RunspacePoolState.BeforeOpen;
    public ShellInfo? Shell { get; private set; }
    public SessionCapability? ServerCapability { get; private set; }
    public PsObject? ApplicationPrivateData { get; private set; }

    internal ulong NextObjectId() => (ulong)Interlocked.Increment(ref _objectId);

    /// <summary>Largest fragment this client sends: what fits base64-encoded in the server's envelope.</summary>
    internal int MaxFragmentLength => Math.Max(1024, (_transport.Options.MaxEnvelopeSize - 8192) / 4 * 3);

    public static async Task<RunspacePoolClient> OpenAsync(WsManTransport transport, RunspacePoolOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RunspacePoolOptions();
        var pool = new RunspacePoolClient(transport, options, Guid.NewGuid());
        await pool.OpenCoreAsync(cancellationToken).ConfigureAwait(false);
        return pool;
    }

    private async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        State = RunspacePoolState.Opening;
        var capability = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, new SessionCapability(Options.ProtocolVersion, "2.0", "1.1.0.1"));
        var init = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, new InitRunspacePool(1, 1, HostInfo: DefaultHostInfo()));
        using var creation = new MemoryStream();
        foreach (var message in new[] { capability, init })
        {
            foreach (var fragment in FragmentCodec.Split(NextObjectId(), message.ToArray(), MaxFragmentLength)) creation.Write(fragment);
        }

        var header = new WsManHeader
        {
            Action = WsManActions.Create,
            ResourceUri = ResourceUri,
            Options = [new WsManOption("protocolversion", Options.ProtocolVersion, MustComply: true)],
        };
        var body = new ShellCreateBody(ShellId, Options.Name, "stdin pr", "stdout", Options.IdleTimeout, Options.BufferMode, creation.ToArray());
        var response = await _transport.SendAsync(header, body, cancellationToken).ConfigureAwait(false);
        if (response.Body is CreateResponseBody created) Shell = created.Shell;

        while (State == RunspacePoolState.Opening)
        {
            foreach (var message in await ReceivePoolAsync(cancellationToken).ConfigureAwait(false))
            {
                HandlePoolMessage(message);
            }
        }

        if (State != RunspacePoolState.Opened)
        {
            throw new PsrpClientException($"The RunspacePool {ShellId} did not open: its state is {State}.");
        }
    }

    private void HandlePoolMessage(PsrpMessage message)
    {
        switch (message.MessageType)
        {
            case PsrpMessageType.SessionCapability:
                ServerCapability = SessionCapability.FromPsValue(message.ReadData());
                break;
            case PsrpMessageType.ApplicationPrivateData:
                ApplicationPrivateData = Protocol.Psrp.ApplicationPrivateData.FromPsValue(message.ReadData()).Data;
                break;
            case PsrpMessageType.RunspacePoolState:
                var state = RunspacePoolStateMessage.FromPsValue(message.ReadData());
                State = state.State;
                if (state.State == RunspacePoolState.Broken)
                {
                    var reason = state.ExceptionAsErrorRecord is { } record ? ErrorRecords.Read(record).Message : "no reason given";
                    throw new PsrpClientException($"The RunspacePool {ShellId} is broken: {reason}");
                }

                break;
        }
    }

    /// <summary>One pool-level Receive; a TimedOut fault yields no messages.</summary>
    internal async Task<IReadOnlyList<PsrpMessage>> ReceivePoolAsync(CancellationToken cancellationToken)
    {
        var header = ShellHeader(WsManActions.Receive);
        try
        {
            var response = await _transport.SendAsync(header, new ReceiveBody("stdout", null), cancellationToken).ConfigureAwait(false);
            return Decode(_poolDefragmenter, response.Body);
        }
        catch (WsManFaultException e) when (e.IsTimedOut)
        {
            return [];
        }
    }

    internal static IReadOnlyList<PsrpMessage> Decode(Defragmenter defragmenter, WsManBody body)
    {
        if (body is not ReceiveResponseBody receive) return [];
        var messages = new List<PsrpMessage>();
        try
        {
            foreach (var stream in receive.Streams) messages.AddRange(defragmenter.Add(stream.Data));
        }
        catch (FragmentException e)
        {
            throw new PsrpClientException($"The server sent invalid PSRP fragments ({e.Reason}): {e.Message}", e);
        }

        return messages;
    }

    /// <summary>A header addressing this shell (for raw requests).</summary>
    public WsManHeader ShellHeader(string action, IReadOnlyList<WsManOption>? options = null) => new()
    {
        Action = action,
        ResourceUri = ResourceUri,
        Selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = ShellId },
        Options = options ?? [],
    };

    /// <summary>Starts a script (Invoke-Command -ScriptBlock sends the block's text with IsScript = true).</summary>
    public Task<PowerShellPipeline> StartAsync(string script, IReadOnlyList<PsValue>? input = null, CancellationToken cancellationToken = default)
    {
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: input is null, AddToHistory: true, HostInfo: DefaultHostInfo());
        return StartAsync(create, script, input, cancellationToken);
    }

    /// <summary>Starts a pipeline described by a CREATE_PIPELINE payload.</summary>
    public async Task<PowerShellPipeline> StartAsync(CreatePipeline create, string? commandLine = null, IReadOnlyList<PsValue>? input = null, CancellationToken cancellationToken = default)
    {
        if (State != RunspacePoolState.Opened) throw new InvalidOperationException($"The RunspacePool is {State}, not Opened.");
        var pipeline = new PowerShellPipeline(this, Guid.NewGuid(), commandLine ?? string.Join(" | ", create.Commands.Select(c => c.Command)));
        await pipeline.StartAsync(create, input, cancellationToken).ConfigureAwait(false);
        return pipeline;
    }

    /// <summary>Runs a script to completion and returns everything it produced.</summary>
    public async Task<IReadOnlyList<PipelineEvent>> InvokeAsync(string script, IReadOnlyList<PsValue>? input = null, CancellationToken cancellationToken = default)
    {
        var pipeline = await StartAsync(script, input, cancellationToken).ConfigureAwait(false);
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync(cancellationToken).ConfigureAwait(false)) events.Add(e);
        return events;
    }

    /// <summary>Delete: closes the pool on the server.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (State is RunspacePoolState.Closed or RunspacePoolState.BeforeOpen) return;
        await _transport.SendAsync(ShellHeader(WsManActions.Delete), EmptyBody.Instance, cancellationToken).ConfigureAwait(false);
        State = RunspacePoolState.Closed;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            // Already gone on the server; nothing left to release.
        }
    }

    internal static PsObject DefaultHostInfo() => new PsObject()
        .With("_isHostNull", true)
        .With("_isHostUINull", true)
        .With("_isHostRawUINull", true)
        .With("_useRunspaceHost", true);
}
