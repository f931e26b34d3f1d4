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
    // Few per shell: an array replaced under Gate on change, read without locking.
    private Pipeline[] _pipelines = [];

    // The shell is its own gate: its monitor guards the pipelines, the runspaces in use and the connection state (no
    // lock object per shell: thousands of idle disconnected shells each saved 40 bytes).
    private Shell Gate => this;
    private Defragmenter? _poolInput;
    private long _nextObjectId;
    private bool _capabilityReceived;

    public Shell(ShellServices services, string computerName, string shellId, string? name, string resourceUri, EndpointSettings endpoint, string owner,
        string? clientIp, TimeSpan idleTimeout, OutputBufferMode bufferMode, string? locale, string? dataLocale, string? clientSessionId)
    {
        _services = services;
        ComputerName = computerName;
        ShellId = shellId;
        Name = name;
        ResourceUri = resourceUri;
        ConfigurationName = endpoint.Name;
        OutputBufferCapacity = endpoint.OutputBufferCapacity;
        MaximumReceivedDataSizePerCommand = endpoint.MaximumReceivedDataSizePerCommand;
        MaximumReceivedObjectSize = endpoint.MaximumReceivedObjectSize;
        MaxIdleTimeout = endpoint.MaxIdleTimeout;
        Owner = owner;
        ClientIp = clientIp;
        IdleTimeout = idleTimeout;
        BufferMode = bufferMode;
        Locale = locale;
        DataLocale = dataLocale;
        _clientSession = ClientSession.Of(clientSessionId);
        _createdAt = _lastActivity = _idleFrom = services.Time.GetUtcNow().UtcTicks;
        ProcessId = Behaviours.ProcessIds.Next();
        PoolOutput = new OutputStream(capacity: null);
    }

    /// <summary>The runspace's variables and background jobs, shared by this shell's pipelines.</summary>
    public Behaviours.RunspaceState Runspace => Volatile.Read(ref _runspace) ?? CreateRunspace();

    /// <summary>The runspace if a pipeline has needed it yet (most shells' never do: it is made on first use).</summary>
    public Behaviours.RunspaceState? ExistingRunspace => Volatile.Read(ref _runspace);

    private Behaviours.RunspaceState? _runspace;

    // $^ and $$'s state (RunspaceState.ParsedForHistory): the shell's, so that a shell whose pipelines need no runspace
    // makes none for them.
    private object? _historyTokens;

    /// <summary>
    /// A script the client asked to add to the history is about to run (ParseScriptBlock with addToHistory: a script
    /// command, not a command by name). A script without tokens changes nothing; the first one is only kept (thousands
    /// of idle shells ran one each: $^ and $$ are null, as they read while no variable holds them); a later one sets them.
    /// </summary>
    internal void ParsedForHistory(string script)
    {
        if (!Behaviours.HistoryTokens.Any(script)) return;
        if (Interlocked.CompareExchange(ref _historyTokens, script, null) is null) return;
        Runspace.ParsedForHistory(ref _historyTokens, script);
    }

    private Behaviours.RunspaceState CreateRunspace()
    {
        var fresh = new Behaviours.RunspaceState(_services.Time);
        var runspace = Interlocked.CompareExchange(ref _runspace, fresh, null) ?? fresh;
        // Made while the shell is being deleted: closed at once, so a job it starts stops too.
        if (PoolState == RunspacePoolState.Closed) runspace.Close();
        return runspace;
    }

    private static long s_creations;

    /// <summary>Creation order, for listing shells created at the same (virtual) instant in a stable order.</summary>
    public long CreationSequence { get; } = Interlocked.Increment(ref s_creations);

    public string ComputerName { get; }
    public string ShellId { get; }
    public string? Name { get; }
    public string ResourceUri { get; }
    public string ConfigurationName { get; }

    /// <summary>Output buffer per pipeline of this shell, in PSRP data objects.</summary>
    public int OutputBufferCapacity { get; }

    /// <summary>The PSRP data one command may receive, in bytes (the endpoint's MaximumReceivedDataSizePerCommandMB); -1: unlimited.</summary>
    public int MaximumReceivedDataSizePerCommand { get; }

    /// <summary>The largest object received, in bytes (the endpoint's MaximumReceivedObjectSizeMB); -1: unlimited.</summary>
    public int MaximumReceivedObjectSize { get; }

    /// <summary>This endpoint's PowerShell plugin, as its faults name it.</summary>
    public ProviderFault Plugin => ProviderFault.PowerShellPluginOf(ConfigurationName);

    public TimeSpan MaxIdleTimeout { get; }
    public string Owner { get; }

    private WinRs.WinRsEnvironment? _processEnvironment;

    /// <summary>
    /// The environment Windows gives the shell's process (wsmprovhost): the user's variables, with what the computer
    /// kept for later processes (setx, SetEnvironmentVariable) when it was made; made when a behaviour first reads one.
    /// </summary>
    public WinRs.WinRsEnvironment ProcessEnvironment =>
        _processEnvironment ?? Interlocked.CompareExchange(ref _processEnvironment, new WinRs.WinRsEnvironment(ComputerName, Owner, [], Services.EnvironmentOf(ComputerName),
            powerShell: !ResourceUri.Equals(Protocol.WsMan.WsManResourceUris.CmdShell, StringComparison.OrdinalIgnoreCase)), null) ?? _processEnvironment!;
    public string? ClientIp { get; private set; }
    public int ProcessId { get; }
    public DateTimeOffset CreatedAt => Utc(_createdAt);
    public DateTimeOffset LastActivity => Utc(Volatile.Read(ref _lastActivity));

    // The shell's instants as UTC ticks, 8 bytes each where a DateTimeOffset takes 16 (thousands of idle shells keep
    // them): created, last active, idle since (the idle timeout counts from it) and disconnected at (0: connected).
    private readonly long _createdAt;
    private long _lastActivity;
    private long _idleFrom;
    private long _disconnectedAt;

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
    public TimeSpan IdleTimeout { get; private set; }
    public OutputBufferMode BufferMode { get; private set; }

    /// <summary>
    /// Whether a full output buffer discards instead of waiting: BufferMode Drop governs a shell no client is connected
    /// to (MS-WSMV 2.2.5.10: "while the client is disconnected"; the OutputBufferingMode docs: "in disconnected
    /// sessions"); a connected client's Receives pace the writers, as Block does, and nothing is lost while it receives.
    /// </summary>
    public bool DropsOutput => BufferMode == OutputBufferMode.Drop && State == ShellConnectionState.Disconnected;
    public string? Locale { get; }

    /// <summary>The URL the client created the shell at (its wsa:To, e.g. <c>http://server01:5985/wsman?PSVersion=7.6.9</c>); null for a cmd shell.</summary>
    public string? ConnectionString { get; init; }
    public string? DataLocale { get; }
    // The p:SessionId of the client connected (or last connected): see ClientSession.
    private ClientSession _clientSession;
    public ShellConnectionState State { get; private set; } = ShellConnectionState.Connected;

    /// <summary>When the shell last became Disconnected (by request or by idling out), if it is now.</summary>
    public DateTimeOffset? DisconnectedAt => Volatile.Read(ref _disconnectedAt) is var ticks and not 0 ? Utc(ticks) : null;

    /// <summary>Cancelled when the shell disconnects, to release Receives waiting on it.</summary>
    public CancellationToken ConnectionToken
    {
        get
        {
            lock (Gate)
            {
                // A deleted shell's token is cancelled, as its source was.
                if (PoolState == RunspacePoolState.Closed) return new CancellationToken(canceled: true);
                return (_connection ??= new CancellationTokenSource()).Token;
            }
        }
    }

    // Made when a Receive first asks for it, cancelled and dropped at a disconnect: an idle disconnected shell keeps none.
    private CancellationTokenSource? _connection;

    // Pending while a writer waits for a client to connect (made by the first such writer, or by a Connect so that the
    // writers it resumes run after the partial messages are restarted); null otherwise.
    private TaskCompletionSource? _connected;

    /// <summary>Completes when a client is connected (at once when one is).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (_connected is { } pending) return pending.Task.WaitAsync(cancellationToken);
            if (State == ShellConnectionState.Connected) return Task.CompletedTask;
            // Continuations run inline when a client connects: paused pipelines write before the Connect is answered.
            return (_connected = new TaskCompletionSource(TaskCreationOptions.None)).Task.WaitAsync(cancellationToken);
        }
    }

    public RunspacePoolState PoolState { get; private set; } = RunspacePoolState.Opening;

    /// <summary>The pool's RPID as the client encoded it (echoed in every message we send).</summary>
    public Guid RunspacePoolId { get; private set; }

    public string? ClientProtocolVersion { get; private set; }
    public int MinRunspaces { get; private set; } = 1;
    public int MaxRunspaces { get; private set; } = 1;

    // The pool's runspaces in use, and the pipelines waiting for one (guarded by Gate; the queue is made when a first
    // pipeline has to wait): as PowerShell's RunspacePool, a pipeline beyond MaxRunspaces starts when a running one ends.
    private int _runspacesInUse;
    private Queue<TaskCompletionSource>? _waitingForRunspace;

    /// <summary>Takes a runspace of the pool for a pipeline at once, if one is free and no pipeline waits before it.</summary>
    public bool TryTakeRunspace()
    {
        lock (Gate)
        {
            if (_runspacesInUse >= MaxRunspaces || _waitingForRunspace is { Count: > 0 }) return false;
            _runspacesInUse++;
            return true;
        }
    }

    /// <summary>Waits, in order, for a runspace of the pool; cancelled (the pipeline stopped) it takes none.</summary>
    public async Task WaitForRunspaceAsync(CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            (_waitingForRunspace ??= new Queue<TaskCompletionSource>()).Enqueue(waiter);
            GiveFreeRunspaces();
        }

        // Given and cancelled at once: whichever completes the waiter first wins (given, the pipeline runs and stops).
        using (cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A pipeline that held a runspace ended: the next waiting one, if any, takes it.</summary>
    public void ReturnRunspace()
    {
        lock (Gate)
        {
            _runspacesInUse--;
            GiveFreeRunspaces();
        }
    }

    /// <summary>The pool's runspaces in use (GET_AVAILABLE_RUNSPACES answers MaxRunspaces less these).</summary>
    public int RunspacesInUse
    {
        get { lock (Gate) return _runspacesInUse; }
    }

    private void GiveFreeRunspaces()
    {
        while (_runspacesInUse < MaxRunspaces && _waitingForRunspace is { Count: > 0 } waiting)
        {
            if (waiting.Dequeue().TrySetResult()) _runspacesInUse++;
        }
    }

    /// <summary>The console of the pool's host, from INIT_RUNSPACEPOOL's HostInfo (a pipeline using the pool's host reports it).</summary>
    public HostConsole PoolHostConsole { get; private set; }

    public OutputStream PoolOutput { get; }
    public ShellServices Services => _services;

    public IReadOnlyCollection<Pipeline> Pipelines => Volatile.Read(ref _pipelines);

    /// <summary>Set for a WinRS cmd shell (its commands and Create options); null for a PowerShell shell.</summary>
    public WinRs.WinRsContext? WinRs { get; init; }

    public ulong NextObjectId() => (ulong)Interlocked.Increment(ref _nextObjectId);

    /// <summary>Client activity: resets the idle clock. A disconnected shell idles from its disconnect.</summary>
    public void Touch()
    {
        if (State == ShellConnectionState.Connected) _lastActivity = _idleFrom = _services.Time.GetUtcNow().UtcTicks;
    }

    // When the idle clock started: the last client activity, or the (auto-)disconnect. ShellInactivity keeps
    // counting from the last activity: Windows reports P0DT0H1M2S for a shell auto-disconnected after 60 s.

    /// <summary>Operations that need a connected client (Command, Send, Receive, Signal) fail on a disconnected shell.</summary>
    public void EnsureConnected()
    {
        if (State != ShellConnectionState.Connected) throw new WsManFaultException(WsManFaultReason.ShellDisconnected);
    }

    /// <summary>Disconnect (by request or idle): pipelines keep running, output accumulates, idle time counts from now.</summary>
    public void Disconnect(TimeSpan? idleTimeout, OutputBufferMode? bufferMode, bool byClient = true)
    {
        CancellationTokenSource? released;
        lock (Gate)
        {
            if (idleTimeout is { } idle) IdleTimeout = idle;
            if (bufferMode is { } mode) BufferMode = mode;
            if (State == ShellConnectionState.Disconnected) return;
            State = ShellConnectionState.Disconnected;
            // Writers resumed by the last Connect are done with it: the next one to wait makes a pending one.
            if (_connected is { Task.IsCompleted: true }) _connected = null;
            _disconnectedAt = _idleFrom = _services.Time.GetUtcNow().UtcTicks;
            if (byClient) _lastActivity = _disconnectedAt;
            released = _connection;
            _connection = null;
        }

        released?.Cancel();
        released?.Dispose();
        if (BufferMode == OutputBufferMode.Drop)
        {
            // Writers waiting for a connected client's Receives now drop instead.
            // (A WinRS command's writer waits on ConnectionToken, cancelled above.)
            foreach (var pipeline in Pipelines) pipeline.ReleaseBlockedWriters();
        }
    }

    /// <summary>
    /// Reconnect by the client that disconnected, or Connect by any client: the shell is connected again and the
    /// caller's SessionId now owns the connection. Throws ShellInUse when another client holds it.
    /// </summary>
    public async Task AttachAsync(string? sessionId, string? clientIp, OutputBufferMode? bufferMode, bool newClient)
    {
        TaskCompletionSource resumed;
        lock (Gate)
        {
            if (State == ShellConnectionState.Connected)
            {
                // MS-WSMV 3.1.4.16: a Reconnect from the client already connected is ignored; anyone else is refused.
                if (!newClient && SameClient(sessionId)) return;
                throw new WsManFaultException(WsManFaultReason.ShellInUse, ShellId);
            }

            if (!newClient && !SameClient(sessionId))
            {
                throw new WsManFaultException(WsManFaultReason.InvalidShellState, ShellId, "disconnected by another client; use Connect");
            }

            if (bufferMode is { } mode) BufferMode = mode;
            State = ShellConnectionState.Connected;
            resumed = _connected ??= new TaskCompletionSource(TaskCreationOptions.None);
            _disconnectedAt = 0;
            if (sessionId is not null) _clientSession = ClientSession.Of(sessionId);
            if (newClient && clientIp is not null) ClientIp = clientIp;
            _lastActivity = _idleFrom = _services.Time.GetUtcNow().UtcTicks;
        }

        // Whatever a previous connection half received is sent again whole; then paused pipelines go on.
        await PoolOutput.RestartPartialMessageAsync().ConfigureAwait(false);
        foreach (var pipeline in Pipelines) await pipeline.Output.RestartPartialMessageAsync().ConfigureAwait(false);
        resumed.TrySetResult();
        lock (Gate)
        {
            if (_connected == resumed) _connected = null;
        }
    }

    // Clients that send no p:SessionId (PowerShell on Linux through OMI) are identified by user alone.
    private bool SameClient(string? sessionId) => sessionId is null || _clientSession.IsNone || _clientSession.Is(ClientSession.Of(sessionId));

    /// <summary>
    /// A client's p:SessionId as a shell keeps it: the "uuid:" GUID every client sends as its 16 bytes, so that an idle
    /// disconnected shell keeps no 100-byte string for it (thousands of them), any other text as it came. Two are the
    /// same client when their texts are equal ignoring case, as the GUIDs' are.
    /// </summary>
    private readonly struct ClientSession
    {
        private const string Prefix = "uuid:";

        // null: none; Prefix itself: the GUID form; else the text as it came.
        private readonly string? _text;
        private readonly Guid _guid;

        private ClientSession(string? text, Guid guid) => (_text, _guid) = (text, guid);

        public bool IsNone => _text is null;

        public static ClientSession Of(string? sessionId) =>
            sessionId is null ? default
            : sessionId.Length == Prefix.Length + 36 && sessionId.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(sessionId.AsSpan(Prefix.Length), "D", out var guid)
                ? new ClientSession(Prefix, guid)
                : new ClientSession(sessionId, Guid.Empty);

        public bool Is(ClientSession other) =>
            ReferenceEquals(_text, Prefix) ? ReferenceEquals(other._text, Prefix) && _guid == other._guid
            : !ReferenceEquals(other._text, Prefix) && string.Equals(_text, other._text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What the heartbeat should do with this shell now.</summary>
    public IdleVerdict CheckIdle(DateTimeOffset now)
    {
        if (now - Utc(Volatile.Read(ref _idleFrom)) < IdleTimeout) return IdleVerdict.None;
        return State == ShellConnectionState.Connected ? IdleVerdict.AutoDisconnect : IdleVerdict.Expire;
    }

    /// <summary>Pool-level PSRP data: creationXml, or a Send without CommandId.</summary>
    public void AcceptPoolData(ReadOnlyMemory<byte> data, Diagnostics.MessageTypeList seen)
    {
        IReadOnlyList<PsrpMessage> messages;
        lock (Gate)
        {
            messages = Defragment(ref _poolInput, data);
        }

        foreach (var message in messages)
        {
            seen.Add(message.MessageType);
            HandlePoolMessage(message);
        }
    }

    /// <summary>
    /// Connect from a new client (MS-PSRP 3.1.4.10.3): connectXml must be exactly SESSION_CAPABILITY then
    /// CONNECT_RUNSPACEPOOL, each one whole fragment, for this pool. Returns connectResponseXml and queues
    /// APPLICATION_PRIVATE_DATA for the pool's next Receive.
    /// </summary>
    public async Task<byte[]> ConnectPoolAsync(ReadOnlyMemory<byte> connectXml, string? sessionId, string? clientIp, OutputBufferMode? bufferMode, Diagnostics.MessageTypeList seen)
    {
        var messages = new List<PsrpMessage>();
        var input = connectXml;
        while (!input.IsEmpty)
        {
            if (!FragmentCodec.TryRead(input, 4 * 1024 * 1024, out var fragment, out var consumed, out var error))
            {
                throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, $"connectXml holds an invalid fragment ({error}).");
            }

            if (!fragment.IsStart || !fragment.IsEnd)
            {
                throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, "each connectXml message must be a single fragment.");
            }

            try
            {
                messages.Add(PsrpMessage.Parse(fragment.Blob));
            }
            catch (FragmentException e)
            {
                throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, e.Message);
            }

            input = input[consumed..];
        }

        seen.AddRange(messages.Select(m => m.MessageType));
        if (messages.Count != 2 || messages[0].MessageType != PsrpMessageType.SessionCapability || messages[1].MessageType != PsrpMessageType.ConnectRunspacePool)
        {
            throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, "connectXml must hold SESSION_CAPABILITY then CONNECT_RUNSPACEPOOL.");
        }

        var rpid = messages[1].RunspacePoolId;
        if (rpid != RunspacePoolId && !string.Equals(rpid.ToString(), ShellId, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, "the RunspacePool id does not match the shell.");
        }

        try
        {
            Negotiate(SessionCapability.FromPsValue(messages[0].ReadData()));
            var connect = ConnectRunspacePool.FromPsValue(messages[1].ReadData());
            if (connect.MinRunspaces is { } min && connect.MaxRunspaces is { } max && (min > max || (min != MinRunspaces && max != MaxRunspaces)))
            {
                throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, $"MinRunspaces {min} and MaxRunspaces {max} do not fit the pool.");
            }
        }
        catch (Exception e) when (e is ClixmlException or PsrpPayloadException)
        {
            throw new WsManFaultException(WsManFaultReason.ConnectOperationFailed, e.Message);
        }

        await AttachAsync(sessionId, clientIp, bufferMode, newClient: true).ConfigureAwait(false);
        // Pool replies not yet received belonged to the previous client.
        await PoolOutput.ClearAsync().ConfigureAwait(false);

        var response = new System.Buffers.ArrayBufferWriter<byte>(1024);
        foreach (var body in new IPsrpMessageBody[] { ServerCapability(), new RunspacePoolInitData(MinRunspaces, MaxRunspaces) })
        {
            // After a Connect Windows puts the pool's RPID on SESSION_CAPABILITY too (after a Create it is empty).
            var message = PsrpMessage.Create(PsrpDestination.Client, rpid, Guid.Empty, body);
            // The PowerShell server builds connectResponseXml with a 4 KiB fragment limit.
            FragmentCodec.WriteMessage(response, NextObjectId(), message.ToArray(), 4096);
        }

        EnqueueApplicationPrivateData(rpid);
        return response.WrittenSpan.ToArray();
    }

    private SessionCapability ServerCapability() => new(_services.Options.ProtocolVersion, "2.0", "1.1.0.1");

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
                    EnqueueData(PsrpMessageType.SessionCapability, Guid.Empty, _services.ServerCapability);
                    EnqueueApplicationPrivateData(message.RunspacePoolId, startsNewBatch: _services.Options.SeparateApplicationPrivateData);
                    break;
                case PsrpMessageType.InitRunspacePool:
                    if (!_capabilityReceived) throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, "INIT_RUNSPACEPOOL before SESSION_CAPABILITY");
                    var init = InitRunspacePool.FromPsValue(message.ReadData());
                    MinRunspaces = init.MinRunspaces;
                    MaxRunspaces = init.MaxRunspaces;
                    PoolHostConsole = HostConsole.From(init.HostInfo);
                    // Kept in the runspace (made now only for a client whose host sent RawUI values): thousands of shells of
                    // a client without a host keep nothing for it.
                    if (HostInfoData.RawUI(init.HostInfo) is { } rawUI) Runspace.PoolRawUI = rawUI;
                    PoolState = RunspacePoolState.Opened;
                    // Windows answers the state in the Receive after the one carrying the capability (configurable).
                    EnqueueData(PsrpMessageType.RunspacePoolState, message.RunspacePoolId, _services.OpenedState, startsNewBatch: _services.Options.SeparateRunspacePoolState);
                    break;
                case PsrpMessageType.GetAvailableRunspaces:
                    var get = GetAvailableRunspaces.FromPsValue(message.ReadData());
                    // Windows PowerShell answers the count as I32 (recorded), though MS-PSRP 2.2.2.8 says I64.
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(get.CallId, PsPrimitive.Int32(Math.Max(0, MaxRunspaces - RunspacesInUse))));
                    break;
                case PsrpMessageType.SetMaxRunspaces:
                    var setMax = SetMaxRunspaces.FromPsValue(message.ReadData());
                    var maxOk = setMax.MaxRunspaces >= MinRunspaces && setMax.MaxRunspaces > 0;
                    if (maxOk)
                    {
                        lock (Gate)
                        {
                            MaxRunspaces = setMax.MaxRunspaces;
                            GiveFreeRunspaces();
                        }
                    }

                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(setMax.CallId, PsPrimitive.Boolean(maxOk)));
                    break;
                case PsrpMessageType.SetMinRunspaces:
                    var setMin = SetMinRunspaces.FromPsValue(message.ReadData());
                    var minOk = setMin.MinRunspaces <= MaxRunspaces && setMin.MinRunspaces > 0;
                    if (minOk) MinRunspaces = setMin.MinRunspaces;
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(setMin.CallId, PsPrimitive.Boolean(minOk)));
                    break;
                case PsrpMessageType.ResetRunspaceState:
                    // As ServerRunspacePoolDriver: refused (false) for a pool of more than one runspace; else the runspace's
                    // session state is reset (also refused while a pipeline runs in it: the runspace is busy).
                    var reset = ResetRunspaceState.FromPsValue(message.ReadData());
                    var resetOk = MaxRunspaces == 1 && !Pipelines.Any(p => p.Lifecycle == PipelineLifecycle.Running);
                    if (resetOk) Runspace.ResetSessionState();
                    Enqueue(message.RunspacePoolId, Guid.Empty, new RunspaceAvailability(reset.CallId, PsPrimitive.Boolean(resetOk)));
                    break;
                case PsrpMessageType.PublicKey:
                    // The client needs the session key to encrypt a SecureString (a credential it passes, a host
                    // answer): it waits for ENCRYPTED_SESSION_KEY before it sends anything more, so it is always answered.
                    var publicKey = PublicKey.FromPsValue(message.ReadData());
                    System.Security.Cryptography.RSAParameters rsa;
                    try
                    {
                        rsa = SessionKeys.ImportPublicKeyBlob(Convert.FromBase64String(publicKey.Blob));
                    }
                    catch (FormatException e)
                    {
                        throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, "PUBLIC_KEY: " + e.Message);
                    }

                    var runspace = Runspace;
                    var sessionKey = runspace.EnsureSessionKey();
                    Enqueue(message.RunspacePoolId, Guid.Empty, new EncryptedSessionKey(Convert.ToBase64String(SessionKeys.WrapSessionKey(rsa, sessionKey))));
                    Diagnostics.Log.SessionKeyExchanged(_services.Logger, ShellId);
                    break;
                case PsrpMessageType.PipelineHostResponse:
                    // A pipeline's answer sent without its CommandId (pypsrp sends every host response so): PowerShell
                    // routes a message for a pipeline by the PSRP message's pipeline id.
                    foreach (var pipeline in Volatile.Read(ref _pipelines))
                    {
                        if (pipeline.PipelineId == message.PipelineId) pipeline.AcceptHostResponse(message);
                    }

                    break;
                default:
                    // The runspace pool's host responses and the like are accepted and ignored: the emulator makes no
                    // host call on the pool.
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

    /// <summary>APPLICATION_PRIVATE_DATA to the pool's output (its CLIXML is the same for every pool).</summary>
    private void EnqueueApplicationPrivateData(Guid runspacePoolId, bool startsNewBatch = false) =>
        EnqueueData(PsrpMessageType.ApplicationPrivateData, runspacePoolId, _services.ApplicationPrivateData, startsNewBatch);

    /// <summary>A pool-level message whose CLIXML was serialized once for every shell.</summary>
    private void EnqueueData(PsrpMessageType type, Guid runspacePoolId, ReadOnlyMemory<byte> data, bool startsNewBatch = false)
    {
        var message = new PsrpMessage(PsrpDestination.Client, type, runspacePoolId, Guid.Empty, data);
        PoolOutput.TryWrite(new OutboundMessage(NextObjectId(), message.MessageType, message.ToArray(), startsNewBatch));
        PoolOutput.Publish();
    }

    /// <summary>Serializes a pool-level message to the pool's output.</summary>
    public void Enqueue(Guid runspacePoolId, Guid pipelineId, IPsrpMessageBody body, bool startsNewBatch = false)
    {
        var message = PsrpMessage.Create(PsrpDestination.Client, runspacePoolId, pipelineId, body);
        PoolOutput.TryWrite(new OutboundMessage(NextObjectId(), message.MessageType, message.ToArray(), startsNewBatch));
        PoolOutput.Publish();
    }

    /// <summary>Command: a new pipeline whose CREATE_PIPELINE starts in <paramref name="arguments"/>.</summary>
    public Pipeline CreatePipeline(string commandId, string? commandLine, ReadOnlyMemory<byte>? arguments, Diagnostics.MessageTypeList seen)
    {
        if (PoolState != RunspacePoolState.Opened)
        {
            throw new WsManFaultException(WsManFaultReason.InvalidShellState, ShellId, PoolState);
        }

        if (Pipelines.Count(p => p.Lifecycle != PipelineLifecycle.Closed) >= _services.Options.MaxConcurrentCommandsPerShell)
        {
            throw new WsManFaultException(WsManFaultReason.MaxCommandsPerShellExceeded);
        }

        var pipeline = new Pipeline(this, commandId, commandLine);
        if (!TryAddPipeline(pipeline))
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
            RemovePipeline(pipeline);
            throw;
        }

        return pipeline;
    }

    public Pipeline GetPipeline(string commandId) =>
        FindPipeline(commandId) is { } pipeline && pipeline.Lifecycle != PipelineLifecycle.Closed
            ? pipeline
            : throw new WsManFaultException(WsManFaultReason.CommandNotFound, ShellId);

    public void RemovePipeline(Pipeline pipeline)
    {
        lock (Gate)
        {
            if (Array.IndexOf(_pipelines, pipeline) >= 0) Volatile.Write(ref _pipelines, [.. _pipelines.Where(p => p != pipeline)]);
        }
    }

    private bool TryAddPipeline(Pipeline pipeline)
    {
        lock (Gate)
        {
            if (FindPipeline(pipeline.CommandId) is not null) return false;
            Volatile.Write(ref _pipelines, [.. _pipelines, pipeline]);
            return true;
        }
    }

    private Pipeline? FindPipeline(string commandId)
    {
        foreach (var pipeline in Volatile.Read(ref _pipelines))
        {
            if (string.Equals(pipeline.CommandId, commandId, StringComparison.OrdinalIgnoreCase)) return pipeline;
        }

        return null;
    }

    /// <summary>Delete: stops every pipeline and ends the pool's output.</summary>
    public void Close()
    {
        CancellationTokenSource? connection;
        lock (Gate)
        {
            PoolState = RunspacePoolState.Closed;
            connection = _connection;
        }

        connection?.Cancel();
        ExistingRunspace?.Close();
        foreach (var pipeline in Pipelines) pipeline.Terminate();
        lock (Gate) Volatile.Write(ref _pipelines, []);
        WinRs?.TerminateAll();
        PoolOutput.Complete(final: null);
    }

    /// <summary>
    /// Decodes fragments; on a protocol error the defragmenter is dropped so later data starts clean. It exists only
    /// while a message is half received (idle shells keep none).
    /// </summary>
    internal IReadOnlyList<PsrpMessage> Defragment(ref Defragmenter? defragmenter, ReadOnlyMemory<byte> data)
    {
        var maximumObjectSize = MaximumReceivedObjectSize;
        // 0 MB lets no object through: a defragmenter's maximum is at least 1 byte, less than any message.
        defragmenter ??= new Defragmenter(maximumObjectSize < 0 ? int.MaxValue : Math.Max(1, maximumObjectSize));
        try
        {
            var messages = defragmenter.Add(data);
            if (defragmenter.IsIdle) defragmenter = null;
            return messages;
        }
        catch (FragmentException e) when (e is { Reason: FragmentError.MessageTooLarge, ObjectSize: { } size })
        {
            // PowerShell's ReceivedObjectSizeExceededMaximumServer (it counts the fragment headers too).
            defragmenter = null;
            throw new WsManFaultException(WsManFaultReason.ReceivedObjectSizeExceeded, size, maximumObjectSize) { Provider = Plugin };
        }
        catch (FragmentException e)
        {
            defragmenter = null;
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
            InputStreams = WinRs is null ? "stdin pr" : "stdin",
            OutputStreams = WinRs is null ? "stdout" : "stdout stderr",
            MaxIdleTimeOut = MaxIdleTimeout,
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
