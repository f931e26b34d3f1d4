using System.Collections.Concurrent;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// A WinRM shell hosting one PowerShell RunspacePool: the pool's PSRP conversation, its pipelines, and the
/// WinRM-level facts (owner, idle timeout, buffer mode, connection state).
/// </summary>
internal sealed class Shell
{
    private readonly ShellServices _services;
    private readonly ConcurrentDictionary<string, Pipeline> _pipelines = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private Defragmenter _poolInput = new();
    private long _nextObjectId;
    private bool _capabilityReceived;

    public Shell(ShellServices services, string shellId, string? name, string resourceUri, string configurationName, string owner,
        string? clientIp, TimeSpan idleTimeout, OutputBufferMode bufferMode, string? locale, string? dataLocale, string? clientSessionId)
    {
        _services = services;
        ShellId = shellId;
        Name = name;
        ResourceUri = resourceUri;
        ConfigurationName = configurationName;
        Owner = owner;
        ClientIp = clientIp;
        IdleTimeout = idleTimeout;
        BufferMode = bufferMode;
        Locale = locale;
        DataLocale = dataLocale;
        ClientSessionId = clientSessionId;
        CreatedAt = services.Time.GetUtcNow();
        LastActivity = CreatedAt;
        ProcessId = 1000 + (int)(Interlocked.Increment(ref s_processIds) % 60000);
        PoolOutput = new OutputStream(capacity: null);
    }

    private static long s_processIds;

    public string ShellId { get; }
    public string? Name { get; }
    public string ResourceUri { get; }
    public string ConfigurationName { get; }
    public string Owner { get; }
    public string? ClientIp { get; private set; }
    public int ProcessId { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset LastActivity { get; private set; }
    public TimeSpan IdleTimeout { get; private set; }
    public OutputBufferMode BufferMode { get; private set; }
    public string? Locale { get; }
    public string? DataLocale { get; }
    public string? ClientSessionId { get; private set; }
    public ShellConnectionState State { get; private set; } = ShellConnectionState.Connected;
    public RunspacePoolState PoolState { get; private set; } = RunspacePoolState.Opening;

    /// <summary>The pool's RPID as the client encoded it (echoed in every message we send).</summary>
    public Guid RunspacePoolId { get; private set; }

    public string? ClientProtocolVersion { get; private set; }
    public int MinRunspaces { get; private set; } = 1;
    public int MaxRunspaces { get; private set; } = 1;
    public OutputStream PoolOutput { get; }
    public ShellServices Services => _services;

    public IReadOnlyCollection<Pipeline> Pipelines => (IReadOnlyCollection<Pipeline>)_pipelines.Values;

    public ulong NextObjectId() => (ulong)Interlocked.Increment(ref _nextObjectId);

    public void Touch() => LastActivity = _services.Time.GetUtcNow();

    /// <summary>Pool-level PSRP data: creationXml, or a Send without CommandId.</summary>
    public void AcceptPoolData(ReadOnlyMemory<byte> data, List<PsrpMessageType> seen)
    {
        IReadOnlyList<PsrpMessage> messages;
        lock (_lock)
        {
            messages = Defragment(ref _poolInput, data);
        }

        foreach (var message in messages)
        {
            seen.Add(message.MessageType);
            HandlePoolMessage(message);
        }
    }

    private void HandlePoolMessage(PsrpMessage message)
    {
        try
        {
            switch (message.MessageType)
            {
                case PsrpMessageType.SessionCapability:
                    var capability = SessionCapability.FromPsValue(message.ReadData());
                    Negotiate(capability);
                    RunspacePoolId = message.RunspacePoolId;
                    _capabilityReceived = true;
                    Enqueue(Guid.Empty, Guid.Empty, new SessionCapability(_services.Options.ProtocolVersion, "2.0", "1.1.0.1"));
                    Enqueue(message.RunspacePoolId, Guid.Empty, ApplicationPrivateData.ForWindowsPowerShell(_services.Options.PSVersion, _services.Options.ProtocolVersion));
                    break;
                case PsrpMessageType.InitRunspacePool:
                    if (!_capabilityReceived) throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, "INIT_RUNSPACEPOOL before SESSION_CAPABILITY");
                    var init = InitRunspacePool.FromPsValue(message.ReadData());
                    MinRunspaces = init.MinRunspaces;
                    MaxRunspaces = init.MaxRunspaces;
                    PoolState = RunspacePoolState.Opened;
                    // Windows answers the state in the Receive after the one carrying the capability.
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspacePoolStateMessage(RunspacePoolState.Opened), startsNewBatch: true);
                    break;
                case PsrpMessageType.GetAvailableRunspaces:
                    var get = GetAvailableRunspaces.FromPsValue(message.ReadData());
                    var busy = _pipelines.Values.Count(p => p.Lifecycle == PipelineLifecycle.Running);
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(get.CallId, PsPrimitive.Int64(Math.Max(0, MaxRunspaces - busy))));
                    break;
                case PsrpMessageType.SetMaxRunspaces:
                    var setMax = SetMaxRunspaces.FromPsValue(message.ReadData());
                    var maxOk = setMax.MaxRunspaces >= MinRunspaces && setMax.MaxRunspaces > 0;
                    if (maxOk) MaxRunspaces = setMax.MaxRunspaces;
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(setMax.CallId, PsPrimitive.Boolean(maxOk)));
                    break;
                case PsrpMessageType.SetMinRunspaces:
                    var setMin = SetMinRunspaces.FromPsValue(message.ReadData());
                    var minOk = setMin.MinRunspaces <= MaxRunspaces && setMin.MinRunspaces > 0;
                    if (minOk) MinRunspaces = setMin.MinRunspaces;
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(setMin.CallId, PsPrimitive.Boolean(minOk)));
                    break;
                default:
                    // Host responses, key exchange and the like are accepted and ignored: no behaviour uses them yet.
                    break;
            }
        }
        catch (Exception e) when (e is ClixmlException or PsrpPayloadException or FragmentException)
        {
            throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, e.Message);
        }
    }

    private void Negotiate(SessionCapability capability)
    {
        if (!Version.TryParse(capability.ProtocolVersion, out var version) || version.Major != 2)
        {
            throw new WsManFaultException(WsManFaultReason.ProtocolVersionMismatch, _services.Options.ProtocolVersion);
        }

        ClientProtocolVersion = capability.ProtocolVersion;
    }

    /// <summary>Serializes a pool-level message to the pool's output.</summary>
    public void Enqueue(Guid runspacePoolId, Guid pipelineId, IPsrpMessageBody body, bool startsNewBatch = false)
    {
        var message = PsrpMessage.Create(PsrpDestination.Client, runspacePoolId, pipelineId, body);
        PoolOutput.TryWrite(new OutboundMessage(NextObjectId(), message.MessageType, message.ToArray(), startsNewBatch));
    }

    /// <summary>Command: a new pipeline whose CREATE_PIPELINE starts in <paramref name="arguments"/>.</summary>
    public Pipeline CreatePipeline(string commandId, string? commandLine, ReadOnlyMemory<byte>? arguments, List<PsrpMessageType> seen)
    {
        if (PoolState != RunspacePoolState.Opened)
        {
            throw new WsManFaultException(WsManFaultReason.InvalidShellState, ShellId, PoolState);
        }

        var pipeline = new Pipeline(this, commandId, commandLine);
        if (!_pipelines.TryAdd(commandId, pipeline))
        {
            // A CommandId may be reused once the earlier command was terminated; a live one is a client error.
            throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"The command {commandId} already exists.");
        }

        try
        {
            if (arguments is { } data) pipeline.AcceptData(data, seen);
        }
        catch
        {
            _pipelines.TryRemove(commandId, out _);
            throw;
        }

        return pipeline;
    }

    public Pipeline GetPipeline(string commandId) =>
        _pipelines.TryGetValue(commandId, out var pipeline) && pipeline.Lifecycle != PipelineLifecycle.Closed
            ? pipeline
            : throw new WsManFaultException(WsManFaultReason.CommandNotFound, ShellId);

    public void RemovePipeline(Pipeline pipeline) => _pipelines.TryRemove(new KeyValuePair<string, Pipeline>(pipeline.CommandId, pipeline));

    /// <summary>Delete: stops every pipeline and ends the pool's output.</summary>
    public void Close()
    {
        PoolState = RunspacePoolState.Closed;
        foreach (var pipeline in _pipelines.Values) pipeline.Terminate();
        _pipelines.Clear();
        PoolOutput.Complete(final: null);
    }

    /// <summary>Decodes fragments; on a protocol error the defragmenter is replaced so later data starts clean.</summary>
    internal static IReadOnlyList<PsrpMessage> Defragment(ref Defragmenter defragmenter, ReadOnlyMemory<byte> data)
    {
        try
        {
            return defragmenter.Add(data);
        }
        catch (FragmentException e)
        {
            defragmenter = new Defragmenter();
            throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, $"{e.Reason}: {e.Message}");
        }
    }

    public ShellInfo ToShellInfo(bool includeUsage)
    {
        var now = _services.Time.GetUtcNow();
        return new ShellInfo
        {
            ShellId = ShellId,
            Name = Name,
            ResourceUri = ResourceUri,
            Owner = Owner,
            ClientIP = ClientIp,
            ProcessId = ProcessId,
            IdleTimeOut = IdleTimeout,
            InputStreams = "stdin pr",
            OutputStreams = "stdout",
            MaxIdleTimeOut = _services.Options.MaxIdleTimeout,
            Locale = Locale ?? "en-US",
            DataLocale = DataLocale ?? Locale ?? "en-US",
            CompressionMode = "NoCompression",
            ProfileLoaded = "Yes",
            Encoding = "UTF8",
            BufferMode = BufferMode.ToString(),
            State = State.ToString(),
            ShellRunTime = Truncate(now - CreatedAt),
            ShellInactivity = Truncate(now - LastActivity),
            MemoryUsed = includeUsage ? "46MB" : null,
            ChildProcesses = includeUsage ? 0 : null,
        };
    }

    private static TimeSpan Truncate(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Floor(value.TotalSeconds));

    public override string ToString() => $"Shell {ShellId} ({ConfigurationName}, {State}, {PoolState})";
}
