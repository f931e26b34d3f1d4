using PsrpEmulator.Client.Remoting;
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

    /// <summary>
    /// How long the Create may take (PSSessionOption.OpenTimeout, which PowerShell gives WinRM as the create-shell
    /// timeout), on the transport's clock; past it the open fails with WinRM's 0x80338126. Null: no limit of its own.
    /// </summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <summary>OutputBufferingMode at create ("Block"/"Drop"); null means the endpoint's default.</summary>
    public string? BufferMode { get; init; }

    /// <summary>PSRP protocolversion this client speaks (PowerShell 7.6: 2.4).</summary>
    public string ProtocolVersion { get; init; } = "2.4";

    /// <summary>PowerShell's client default for MaximumReceivedObjectSize (PSSessionOption): 200 MB.</summary>
    public const int DefaultMaximumReceivedObjectSize = 200 << 20;

    /// <summary>Largest object received, in bytes (PSSessionOption.MaximumReceivedObjectSize); null: unlimited.</summary>
    public int? MaximumReceivedObjectSize { get; init; } = DefaultMaximumReceivedObjectSize;

    /// <summary>Most data one command may receive, in bytes (PSSessionOption.MaximumReceivedDataSizePerCommand); null: unlimited.</summary>
    public int? MaximumReceivedDataSizePerCommand { get; init; }

    /// <summary>
    /// The HostInfo INIT_RUNSPACEPOOL sends (MS-PSRP 2.2.3.14), for a client that has a host to describe, such as
    /// PowerShell's console host with its RawUI values in <c>_hostDefaultData</c>; null: no host (the default).
    /// Pipelines use the pool's host.
    /// </summary>
    public Protocol.Clixml.PsObject? HostInfo { get; init; }

    /// <summary>A defragmenter's maximum for <see cref="MaximumReceivedObjectSize"/>: null unlimited; 0 or less lets no object through.</summary>
    internal static int ObjectLimit(int? maximum) => maximum is { } value ? Math.Max(1, value) : int.MaxValue;
}

/// <summary>
/// A client-side RunspacePool over one WinRM shell: open (Create + Receive until Opened), run pipelines, close
/// (Delete). The RunspacePool id is the ShellId, chosen by the client like PowerShell does.
/// </summary>
public sealed class RunspacePoolClient : IAsyncDisposable
{
    /// <summary>PowerShell's minimum idle timeout (BaseTransportManager.MinimumIdleTimeout).</summary>
    public static readonly TimeSpan MinimumIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a Disconnect waits for the outstanding command Receives to come back before abandoning them.</summary>
    public static TimeSpan DisconnectReceiveGrace { get; set; } = TimeSpan.FromSeconds(2);

    private readonly WsManTransport _transport;
    private readonly StreamDefragmenter _poolDefragmenter;
    private readonly Lock _sync = new();
    private readonly List<PowerShellPipeline> _pipelines = [];
    private long _objectId;

    private RunspacePoolClient(WsManTransport transport, RunspacePoolOptions options, Guid id, string? resourceUri = null)
    {
        _transport = transport;
        Options = options;
        // The pool's data has no total limit in PowerShell (the session transport manager's is unlimited), only the object size.
        _poolDefragmenter = new StreamDefragmenter(RunspacePoolOptions.ObjectLimit(options.MaximumReceivedObjectSize));
        Id = id;
        ShellId = WsManIds.ToUpperString(id);
        ResourceUri = resourceUri ?? WsManResourceUris.PowerShellPrefix + options.ConfigurationName;
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

    /// <summary>RUNSPACEPOOL_INIT_DATA of a connect: the server pool's min/max runspaces.</summary>
    public RunspacePoolInitData? InitData { get; private set; }

    /// <summary>The shell's friendly name (rsp:Name).</summary>
    public string? Name => Options.Name ?? Shell?.Name;

    /// <summary>
    /// True once this object disconnected the pool itself: it may then use Reconnect (same client). A pool built from
    /// a query always uses Connect (PowerShell's <c>_canReconnect</c>).
    /// </summary>
    public bool CanReconnect { get; private set; }

    /// <summary>The idle timeout sent with the last Disconnect (null: server default).</summary>
    public TimeSpan? DisconnectIdleTimeout { get; private set; }

    /// <summary>Pipelines started or connected on this pool that have not finished (at most one for a PSSession).</summary>
    public IReadOnlyList<PowerShellPipeline> Pipelines
    {
        get
        {
            lock (_sync) return [.. _pipelines];
        }
    }

    internal bool IsDisconnectingOrDisconnected => State is RunspacePoolState.Disconnecting or RunspacePoolState.Disconnected;

    internal void Track(PowerShellPipeline pipeline)
    {
        lock (_sync) _pipelines.Add(pipeline);
    }

    internal void Forget(PowerShellPipeline pipeline)
    {
        lock (_sync) _pipelines.Remove(pipeline);
    }

    internal ulong NextObjectId() => (ulong)Interlocked.Increment(ref _objectId);

    /// <summary>Largest fragment this client sends: what fits base64-encoded in the server's envelope.</summary>
    internal int MaxFragmentLength => Math.Max(1024, (_transport.Options.MaxEnvelopeSize - 8192) / 4 * 3);

    public static async Task<RunspacePoolClient> OpenAsync(WsManTransport transport, RunspacePoolOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RunspacePoolOptions();
        var pool = new RunspacePoolClient(transport, options, WsManIds.NewRandomGuid());
        await pool.OpenCoreAsync(cancellationToken).ConfigureAwait(false);
        return pool;
    }

    private async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        State = RunspacePoolState.Opening;
        var capability = new PsrpMessage(PsrpDestination.Server, PsrpMessageType.SessionCapability, Id, Guid.Empty, ClientCapabilityData(Options.ProtocolVersion));
        var initData = Options.HostInfo is { } hostInfo
            ? ClixmlSerializer.Serialize(new InitRunspacePool(1, 1, HostInfo: hostInfo).ToPsValue(), writeBom: true)
            : DefaultInitRunspacePoolData.Value;
        var init = new PsrpMessage(PsrpDestination.Server, PsrpMessageType.InitRunspacePool, Id, Guid.Empty, initData);
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
        // No shell yet: a network failure fails the open at once, as WinRM's Create does (no robust retransmission).
        WsManEnvelope response;
        using var openTimeout = Options.OpenTimeout is { } limit && limit > TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource(limit, _transport.Options.TimeProvider)
            : null;
        using var create = openTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, openTimeout.Token);
        try
        {
            response = await _transport.SendAsync(header, body, retransmit: false, create?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (WsManTransportException e)
        {
            e.Data[CreateFailedKey] = true;
            throw;
        }
        catch (OperationCanceledException e) when (openTimeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            State = RunspacePoolState.Broken;
            throw new WsManTransportException(WsManTransportException.OperationTimedOutMessage, inner: e)
            {
                WinRmErrorCode = WsManTransportException.ClientOperationTimedOut,
                Data = { [CreateFailedKey] = true },
            };
        }

        if (response.Body is CreateResponseBody created) Shell = created.Shell;

        try
        {
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
        catch
        {
            // The shell exists on the server but the pool never opened (broken, bad data, cancelled): close it, as
            // PowerShell's transport does when an open fails, so that it does not count against the user's shells.
            State = RunspacePoolState.Broken;
            await DeleteAfterFailedOpenAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Set (true) in the Data of a transport failure of the open's Create itself: no shell was made, and PowerShell
    /// would retry the creation (PSRemotingClient does, up to MaxConnectionRetryCount times).
    /// </summary>
    public const string CreateFailedKey = "PsrpEmulator.CreateFailed";

    /// <summary>How long the Delete after a failed open may take: it must not hold up the failure it follows.</summary>
    internal static readonly TimeSpan FailedOpenDeleteTimeout = TimeSpan.FromSeconds(10);

    private async Task DeleteAfterFailedOpenAsync()
    {
        using var timeout = new CancellationTokenSource(FailedOpenDeleteTimeout);
        try
        {
            await _transport.SendAsync(ShellHeader(WsManActions.Delete), EmptyBody.Instance, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException or OperationCanceledException or PsrpClientException)
        {
            // Best effort: the shell may be gone already (a broken pool), or the server unreachable.
        }
    }

    /// <summary>
    /// A pool message's data read by <paramref name="read"/>; CLIXML or payload errors become the client's own
    /// failure, as a pipeline's bad message does.
    /// </summary>
    private static T ReadPoolData<T>(PsrpMessage message, Func<PsValue, T> read)
    {
        try
        {
            return read(message.ReadData());
        }
        catch (Exception e) when (e is ClixmlException or PsrpPayloadException)
        {
            throw new PsrpClientException($"The server sent an invalid {message.MessageType} message: {e.Message}", e);
        }
    }

    private void HandlePoolMessage(PsrpMessage message)
    {
        switch (message.MessageType)
        {
            case PsrpMessageType.SessionCapability:
                ServerCapability = ReadPoolData(message, SessionCapability.FromPsValue);
                break;
            case PsrpMessageType.ApplicationPrivateData:
                ApplicationPrivateData = ReadPoolData(message, Protocol.Psrp.ApplicationPrivateData.FromPsValue).Data;
                break;
            case PsrpMessageType.RunspacePoolState:
                var state = ReadPoolData(message, RunspacePoolStateMessage.FromPsValue);
                State = state.State;
                if (state.State == RunspacePoolState.Broken)
                {
                    var reason = state.ExceptionAsErrorRecord is { } record ? ErrorRecords.Read(record).Message : "no reason given";
                    throw new PsrpClientException($"The RunspacePool {ShellId} is broken: {reason}");
                }

                break;
        }
    }

    private byte[]? _sessionKey;
    private readonly SemaphoreSlim _keyExchange = new(1, 1);
    private long _nextCallId;

    /// <summary>RunspacePool.GetAvailableRunspaces: GET_AVAILABLE_RUNSPACES, answered by the server's count.</summary>
    public async Task<long> GetAvailableRunspacesAsync(CancellationToken cancellationToken = default)
    {
        var callId = Interlocked.Increment(ref _nextCallId);
        var response = await PoolCallAsync(new GetAvailableRunspaces(callId), callId, cancellationToken).ConfigureAwait(false);
        return response.Value is int or long && Convert.ToInt64(response.Value, System.Globalization.CultureInfo.InvariantCulture) is var count
            ? count
            : throw new PsrpClientException($"The server answered GET_AVAILABLE_RUNSPACES with {response.ToDisplayString()}, not a count");
    }

    /// <summary>RunspacePool.SetMaxRunspaces: whether the server took the new maximum.</summary>
    public async Task<bool> SetMaxRunspacesAsync(int maxRunspaces, CancellationToken cancellationToken = default)
    {
        var callId = Interlocked.Increment(ref _nextCallId);
        return IsTrue(await PoolCallAsync(new SetMaxRunspaces(callId, maxRunspaces), callId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>RunspacePool.SetMinRunspaces: whether the server took the new minimum.</summary>
    public async Task<bool> SetMinRunspacesAsync(int minRunspaces, CancellationToken cancellationToken = default)
    {
        var callId = Interlocked.Increment(ref _nextCallId);
        return IsTrue(await PoolCallAsync(new SetMinRunspaces(callId, minRunspaces), callId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// RunspacePool.ResetRunspaceState (protocol 2.3): whether the server reset the pool's runspace (Windows refuses for
    /// a pool of more than one runspace).
    /// </summary>
    public async Task<bool> ResetRunspaceStateAsync(CancellationToken cancellationToken = default)
    {
        var callId = Interlocked.Increment(ref _nextCallId);
        return IsTrue(await PoolCallAsync(new ResetRunspaceState(callId), callId, cancellationToken).ConfigureAwait(false));
    }

    private static bool IsTrue(PsPrimitive response) =>
        response.Value is bool flag ? flag : throw new PsrpClientException($"The server answered a runspace pool call with {response.ToDisplayString()}, not a Boolean");

    // A pool-level call (a Send), then pool-level Receives until RUNSPACE_AVAILABILITY answers its call id (other pool
    // messages on the way are handled as usual). One call at a time, as the key exchange.
    private async Task<PsPrimitive> PoolCallAsync(IPsrpMessageBody request, long callId, CancellationToken cancellationToken)
    {
        await _keyExchange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var message = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, request);
            foreach (var fragment in FragmentCodec.Split(NextObjectId(), message.ToArray(), MaxFragmentLength))
            {
                await _transport.SendAsync(ShellHeader(WsManActions.Send), new SendBody([new ShellStream("stdin", null, fragment)]), cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                foreach (var received in await ReceivePoolAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (received.MessageType == PsrpMessageType.RunspaceAvailability && ReadPoolData(received, Protocol.Psrp.RunspaceAvailability.FromPsValue) is { } answer && answer.CallId == callId)
                    {
                        return answer.Response;
                    }

                    HandlePoolMessage(received);
                }
            }
        }
        finally
        {
            _keyExchange.Release();
        }
    }

    /// <summary>The session key, once exchanged (<see cref="GetSessionKeyAsync"/>); the server's SecureStrings are encrypted with it.</summary>
    public byte[]? SessionKey => Volatile.Read(ref _sessionKey);

    /// <summary>
    /// The session key SecureStrings are encrypted with, exchanged at the first need as PowerShell's client does with a
    /// server below protocol 2.4: a fresh 2048-bit RSA key in PUBLIC_KEY (a pool-level Send), then pool-level Receives
    /// until ENCRYPTED_SESSION_KEY (other pool messages on the way are handled as usual).
    /// </summary>
    public async Task<byte[]> GetSessionKeyAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _sessionKey) is { } known) return known;
        await _keyExchange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sessionKey is { } exchanged) return exchanged;
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var publicKey = new PublicKey(Convert.ToBase64String(SessionKeys.ExportPublicKeyBlob(rsa.ExportParameters(false))));
            var message = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, publicKey);
            foreach (var fragment in FragmentCodec.Split(NextObjectId(), message.ToArray(), MaxFragmentLength))
            {
                await _transport.SendAsync(ShellHeader(WsManActions.Send), new SendBody([new ShellStream("stdin", null, fragment)]), cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                foreach (var received in await ReceivePoolAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (received.MessageType != PsrpMessageType.EncryptedSessionKey)
                    {
                        HandlePoolMessage(received);
                        continue;
                    }

                    var blob = ReadPoolData(received, EncryptedSessionKey.FromPsValue).Blob;
                    try
                    {
                        var key = SessionKeys.UnwrapSessionKey(rsa, Convert.FromBase64String(blob));
                        Volatile.Write(ref _sessionKey, key);
                        return key;
                    }
                    catch (FormatException e)
                    {
                        throw new PsrpClientException($"The server sent an invalid EncryptedSessionKey message: {e.Message}", e);
                    }
                }
            }
        }
        finally
        {
            _keyExchange.Release();
        }
    }

    /// <summary>One pool-level Receive; a TimedOut fault yields no messages.</summary>
    internal async Task<IReadOnlyList<PsrpMessage>> ReceivePoolAsync(CancellationToken cancellationToken)
    {
        var header = ShellHeader(WsManActions.Receive);
        try
        {
            var response = await _transport.SendAsync(header, new ReceiveBody("stdout", null), cancellationToken).ConfigureAwait(false);
            return Decode(_poolDefragmenter, response.Body, Options.MaximumReceivedObjectSize);
        }
        catch (WsManFaultException e) when (e.IsTimedOut)
        {
            return [];
        }
    }

    internal static IReadOnlyList<PsrpMessage> Decode(StreamDefragmenter defragmenter, WsManBody body, int? maximumObjectSize)
    {
        if (body is not ReceiveResponseBody receive) return [];
        var messages = new List<PsrpMessage>();
        try
        {
            foreach (var stream in receive.Streams) messages.AddRange(defragmenter.Add(stream.Data));
        }
        catch (FragmentException e) when (e.Reason == FragmentError.MessageTooLarge)
        {
            throw new PsrpClientException(PowerShellPipeline.FailureMessage(e, maximumObjectSize), e);
        }
        catch (FragmentException e)
        {
            throw new PsrpClientException($"The server sent invalid PSRP fragments ({e.Reason}): {e.Message}", e);
        }
        finally
        {
            // The copying defragmenter's messages own their bytes.
            (receive.Streams as ShellStreamList)?.Return();
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
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: input is null, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo());
        // Without input the message is the template's bytes around the script (when CLIXML carries it as it is).
        var data = input is null ? ScriptTemplate.TryEncode(script) : null;
        return StartAsync(create, script, input, endInput: true, cancellationToken, data);
    }

    /// <summary>The CREATE_PIPELINE <see cref="StartAsync(string, IReadOnlyList{PsValue}?, CancellationToken)"/> sends without input.</summary>
    internal static ScriptPipelineTemplate ScriptTemplate => ScriptPipelineTemplate.InvokeScript;

    /// <summary>
    /// Starts a script as Invoke-Command does: one IsScript command whose arguments are positional (N is Nil), NoInput
    /// unless there is input; the input follows the Command as PIPELINE_INPUT messages and END_OF_PIPELINE_INPUT.
    /// </summary>
    public async Task<PowerShellPipeline> StartAsync(RemoteScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        IReadOnlyList<PsValue> values = script.Arguments;
        var usingValues = script.UsingValues;
        var input = script.Input;
        // A SecureString handed over as text (PlainSecureStrings) goes encrypted with this session's key, exchanged first.
        if (values.Any(v => PlainSecureStrings.Contains(v)) || usingValues?.Values.Any(v => PlainSecureStrings.Contains(v)) == true || input?.Any(v => PlainSecureStrings.Contains(v)) == true)
        {
            var key = await GetSessionKeyAsync(cancellationToken).ConfigureAwait(false);
            values = [.. values.Select(v => PlainSecureStrings.Encrypt(v, key))];
            usingValues = usingValues?.ToDictionary(u => u.Key, u => PlainSecureStrings.Encrypt(u.Value, key), StringComparer.Ordinal);
            input = input is null ? null : [.. input.Select(v => PlainSecureStrings.Encrypt(v, key))];
        }

        var arguments = values.Select(a => new PipelineArgument(null, a)).ToList();
        if (usingValues is { Count: > 0 })
        {
            arguments.Add(new PipelineArgument(RemoteScript.UsingParameterName,
                PsObjects.Dictionary(usingValues.Select(u => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(u.Key), u.Value)))));
        }

        var create = new CreatePipeline([new PipelineCommand(script.Text, IsScript: true, arguments)], NoInput: input is null && !script.KeepInputOpen,
            AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo());
        return await StartAsync(create, script.Text, input, endInput: !script.KeepInputOpen, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a pipeline described by a CREATE_PIPELINE payload.</summary>
    public Task<PowerShellPipeline> StartAsync(CreatePipeline create, string? commandLine = null, IReadOnlyList<PsValue>? input = null, CancellationToken cancellationToken = default) =>
        StartAsync(create, commandLine, input, endInput: true, cancellationToken);

    private async Task<PowerShellPipeline> StartAsync(CreatePipeline create, string? commandLine, IReadOnlyList<PsValue>? input, bool endInput, CancellationToken cancellationToken,
        byte[]? createData = null)
    {
        if (State != RunspacePoolState.Opened) throw new InvalidOperationException($"The RunspacePool is {State}, not Opened.");
        var pipeline = new PowerShellPipeline(this, WsManIds.NewRandomGuid(), commandLine ?? string.Join(" | ", create.Commands.Select(c => c.Command)));
        Track(pipeline);
        await pipeline.StartAsync(create, input, endInput, cancellationToken, createData).ConfigureAwait(false);
        return pipeline;
    }

    /// <summary>
    /// Command discovery as Import-PSSession asks for it (GET_COMMAND_METADATA instead of CREATE_PIPELINE): the commands
    /// whose names match <paramref name="names"/> (wildcards) and whose type is in <paramref name="commandTypes"/> (a
    /// CommandTypes mask), each an object with Name, CommandType, Parameters and the rest. The count the server writes
    /// first is checked against them.
    /// </summary>
    public async Task<IReadOnlyList<PsObject>> GetCommandMetadataAsync(IReadOnlyList<string> names, int commandTypes = GetCommandMetadata.AllCommandTypes, CancellationToken cancellationToken = default)
    {
        if (State != RunspacePoolState.Opened) throw new InvalidOperationException($"The RunspacePool is {State}, not Opened.");
        var pipeline = new PowerShellPipeline(this, WsManIds.NewRandomGuid(), "Get-Command " + string.Join(",", names));
        Track(pipeline);
        await pipeline.StartAsync(new GetCommandMetadata(names, commandTypes, [], []), null, endInput: true, cancellationToken).ConfigureAwait(false);
        var outputs = new List<PsValue>();
        await foreach (var e in pipeline.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e is OutputEvent output) outputs.Add(output.Value);
            if (e is ErrorEvent error) throw new PsrpClientException("Command discovery failed: " + error.Record.ToDisplayString());
        }

        if (outputs is not [PsObject count, ..] || count["Count"] is not PsPrimitive { Value: int expected } || expected != outputs.Count - 1)
        {
            throw new PsrpClientException("The server's command discovery did not start with the count of the commands it then wrote");
        }

        return [.. outputs.Skip(1).OfType<PsObject>()];
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

    /// <summary>
    /// Disconnect (MS-PSRP 3.1.4.9): <c>rsp:Disconnect</c> with the optional IdleTimeOut and BufferMode. The pool and
    /// its pipelines become Disconnected; each outstanding command Receive is given <see cref="DisconnectReceiveGrace"/>
    /// to bring back what the server had, then abandoned. A fault leaves the pool Broken.
    /// </summary>
    /// <exception cref="PSRemotingException"><c>CannotDisconnectSessionWithInvalidIdleTimeout</c> when the idle timeout is
    /// below 60 s or above the shell's MaxIdleTimeOut (checked before anything is sent, like Disconnect-PSSession).</exception>
    public async Task DisconnectAsync(TimeSpan? idleTimeout = null, string? bufferMode = null, CancellationToken cancellationToken = default)
    {
        if (State != RunspacePoolState.Opened)
        {
            throw new PSRemotingException(RemotingErrors.RunspaceCannotBeDisconnected(Name ?? ShellId), "CannotDisconnectSessionWhenNotOpened", ErrorCategory.InvalidOperation);
        }

        ValidateIdleTimeout(Name ?? ShellId, idleTimeout, Shell?.MaxIdleTimeOut);
        State = RunspacePoolState.Disconnecting;
        try
        {
            await _transport.SendAsync(ShellHeader(WsManActions.Disconnect), new DisconnectBody(idleTimeout, bufferMode), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            State = RunspacePoolState.Broken;
            throw;
        }

        State = RunspacePoolState.Disconnected;
        CanReconnect = true;
        DisconnectIdleTimeout = idleTimeout;
        await Task.WhenAll(Pipelines.Select(p => p.OnPoolDisconnectedAsync(DisconnectReceiveGrace))).ConfigureAwait(false);
    }

    /// <summary>Disconnect-PSSession's local check: the idle timeout must be within [60 s, MaxIdleTimeOut].</summary>
    public static void ValidateIdleTimeout(string sessionName, TimeSpan? idleTimeout, TimeSpan? maxIdleTimeout)
    {
        if (idleTimeout is not { } idle) return;
        var max = maxIdleTimeout ?? TimeSpan.FromMilliseconds(int.MaxValue);
        if (idle < MinimumIdleTimeout || idle > max)
        {
            throw new PSRemotingException(
                RemotingErrors.CannotDisconnectSessionWithInvalidIdleTimeout(sessionName, (long)idle.TotalSeconds, (long)max.TotalSeconds, (long)MinimumIdleTimeout.TotalSeconds),
                "CannotDisconnectSessionWithInvalidIdleTimeout", ErrorCategory.InvalidArgument);
        }
    }

    /// <summary>
    /// Reconnect (same client, MS-PSRP 3.1.4.10.2): <c>rsp:Reconnect</c> on the shell, then, when
    /// <paramref name="reconnectCommands"/>, the per-command Reconnect for each disconnected pipeline. Only possible for
    /// a pool this object disconnected itself (<see cref="CanReconnect"/>).
    /// </summary>
    public async Task ReconnectAsync(bool reconnectCommands = true, CancellationToken cancellationToken = default)
    {
        if (State != RunspacePoolState.Disconnected || !CanReconnect)
        {
            throw new InvalidOperationException($"The RunspacePool is {State}{(CanReconnect ? "" : " and was not disconnected by this client")}; it cannot be reconnected.");
        }

        State = RunspacePoolState.Connecting;
        try
        {
            await _transport.SendAsync(ShellHeader(WsManActions.Reconnect), new ReconnectBody(null, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            State = RunspacePoolState.Disconnected;
            throw;
        }

        _poolDefragmenter.PrepareForStreamConnect();
        State = RunspacePoolState.Opened;
        CanReconnect = false;
        if (!reconnectCommands) return;
        foreach (var pipeline in Pipelines)
        {
            if (pipeline.State == PSInvocationState.Disconnected) await pipeline.ReconnectAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Connect from a new client (MS-PSRP 3.1.4.10.3): <c>rsp:Connect</c> with connectXml = SESSION_CAPABILITY +
    /// CONNECT_RUNSPACEPOOL (min = max = 1), each one S|E fragment; reads SESSION_CAPABILITY and RUNSPACEPOOL_INIT_DATA
    /// from connectResponseXml (pool Opened), then Receives the APPLICATION_PRIVATE_DATA the server sends next.
    /// </summary>
    public static Task<RunspacePoolClient> ConnectAsync(WsManTransport transport, ShellInfo shell, string? bufferMode = null, string protocolVersion = "2.4", CancellationToken cancellationToken = default) =>
        ConnectAsync(transport, shell, new RunspacePoolOptions { BufferMode = bufferMode, ProtocolVersion = protocolVersion }, cancellationToken);

    /// <summary>
    /// As <see cref="ConnectAsync(WsManTransport, ShellInfo, string?, string, CancellationToken)"/>, with the buffer
    /// mode, protocol version and receive quotas of <paramref name="settings"/> (its name, configuration and idle
    /// timeout come from the shell).
    /// </summary>
    public static async Task<RunspacePoolClient> ConnectAsync(WsManTransport transport, ShellInfo shell, RunspacePoolOptions settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var bufferMode = settings.BufferMode;
        var protocolVersion = settings.ProtocolVersion;
        ArgumentNullException.ThrowIfNull(shell);
        if (!Guid.TryParse(shell.ShellId, out var id)) throw new ArgumentException($"The ShellId '{shell.ShellId}' is not a RunspacePool id.", nameof(shell));
        var resourceUri = shell.ResourceUri ?? WsManResourceUris.DefaultPowerShell;
        var options = new RunspacePoolOptions
        {
            ConfigurationName = ConfigurationNameOf(resourceUri),
            Name = shell.Name,
            IdleTimeout = shell.IdleTimeOut,
            BufferMode = bufferMode ?? shell.BufferMode,
            ProtocolVersion = protocolVersion,
            MaximumReceivedObjectSize = settings.MaximumReceivedObjectSize,
            MaximumReceivedDataSizePerCommand = settings.MaximumReceivedDataSizePerCommand,
        };
        var pool = new RunspacePoolClient(transport, options, id, resourceUri) { Shell = shell, State = RunspacePoolState.Connecting };
        await pool.ConnectCoreAsync(bufferMode, cancellationToken).ConfigureAwait(false);
        return pool;
    }

    /// <summary>Connect to a shell known only by id and resource URI (see the <see cref="ShellInfo"/> overload).</summary>
    public static Task<RunspacePoolClient> ConnectAsync(WsManTransport transport, string shellId, string resourceUri, string? bufferMode = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(transport, new ShellInfo { ShellId = shellId, ResourceUri = resourceUri }, bufferMode, cancellationToken: cancellationToken);

    private async Task ConnectCoreAsync(string? bufferMode, CancellationToken cancellationToken)
    {
        var capability = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, new SessionCapability(Options.ProtocolVersion, "2.0", "1.1.0.1"));
        var connect = PsrpMessage.Create(PsrpDestination.Server, Id, Guid.Empty, new ConnectRunspacePool(1, 1));
        using var connectXml = new MemoryStream();
        foreach (var message in new[] { capability, connect })
        {
            // The server accepts exactly one S|E fragment per message.
            var fragments = FragmentCodec.Split(NextObjectId(), message.ToArray(), int.MaxValue);
            connectXml.Write(fragments[0]);
        }

        var header = ShellHeader(WsManActions.Connect, [new WsManOption("protocolversion", Options.ProtocolVersion, MustComply: true)]);
        WsManEnvelope response;
        try
        {
            response = await _transport.SendAsync(header, new ConnectBody(null, bufferMode, connectXml.ToArray()), retransmit: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            State = RunspacePoolState.Disconnected;
            throw;
        }

        if (response.Body is not ConnectResponseBody { ConnectResponseXml: { } responseXml })
        {
            State = RunspacePoolState.Broken;
            throw new PsrpClientException($"The server answered Connect for {ShellId} without connectResponseXml.");
        }

        IReadOnlyList<PsrpMessage> messages;
        try
        {
            messages = new Defragmenter().Add(responseXml);
        }
        catch (FragmentException e)
        {
            State = RunspacePoolState.Broken;
            throw new PsrpClientException($"The server sent invalid connectResponseXml fragments ({e.Reason}): {e.Message}", e);
        }

        try
        {
            foreach (var message in messages)
            {
                switch (message.MessageType)
                {
                    case PsrpMessageType.SessionCapability:
                        ServerCapability = ReadPoolData(message, SessionCapability.FromPsValue);
                        break;
                    case PsrpMessageType.RunspacePoolInitData:
                        InitData = ReadPoolData(message, RunspacePoolInitData.FromPsValue);
                        break;
                }
            }
        }
        catch (PsrpClientException)
        {
            State = RunspacePoolState.Broken;
            throw;
        }

        if (InitData is null)
        {
            State = RunspacePoolState.Broken;
            throw new PsrpClientException($"The connectResponseXml for {ShellId} has no RUNSPACEPOOL_INIT_DATA.");
        }

        _poolDefragmenter.PrepareForStreamConnect();
        State = RunspacePoolState.Opened;

        // The server sends APPLICATION_PRIVATE_DATA on the pool's stdout after the connect.
        for (var attempt = 0; attempt < 3 && ApplicationPrivateData is null; attempt++)
        {
            foreach (var message in await ReceivePoolAsync(cancellationToken).ConfigureAwait(false)) HandlePoolMessage(message);
        }
    }

    /// <summary>
    /// Attaches to a command that runs (or ran) on the server: <c>rsp:Connect CommandId</c> (empty ConnectResponse);
    /// the returned pipeline's <see cref="PowerShellPipeline.ReadAllAsync"/> yields the output not yet delivered.
    /// </summary>
    public async Task<PowerShellPipeline> ConnectCommandAsync(string commandId, string? commandLine = null, CancellationToken cancellationToken = default)
    {
        if (State != RunspacePoolState.Opened) throw new InvalidOperationException($"The RunspacePool is {State}, not Opened.");
        var pipeline = await PowerShellPipeline.ConnectAsync(this, commandId, commandLine, cancellationToken).ConfigureAwait(false);
        Track(pipeline);
        return pipeline;
    }

    /// <summary>Enumerates the shells of the endpoint (Get-PSSession -ComputerName's query), following Pull to the end.</summary>
    public static async Task<IReadOnlyList<ShellInfo>> GetShellsAsync(WsManTransport transport, CancellationToken cancellationToken = default)
    {
        var items = await EnumerateAsync(transport, WsManResourceUris.Shell, null, cancellationToken).ConfigureAwait(false);
        return items.Shells;
    }

    /// <summary>Enumerates the commands of one shell (SelectorFilter ShellId), following Pull to the end.</summary>
    public static async Task<IReadOnlyList<CommandInfo>> GetCommandsAsync(WsManTransport transport, string shellId, CancellationToken cancellationToken = default)
    {
        var filter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };
        var items = await EnumerateAsync(transport, WsManResourceUris.ShellCommand, filter, cancellationToken).ConfigureAwait(false);
        return items.Commands;
    }

    private const int EnumerationMaxElements = 32000;

    private static async Task<(List<ShellInfo> Shells, List<CommandInfo> Commands)> EnumerateAsync(
        WsManTransport transport, string resourceUri, IReadOnlyDictionary<string, string>? filter, CancellationToken cancellationToken)
    {
        var shells = new List<ShellInfo>();
        var commands = new List<CommandInfo>();
        var header = new WsManHeader { Action = WsManActions.Enumerate, ResourceUri = resourceUri };
        var response = await transport.SendAsync(header, new EnumerateBody(true, EnumerationMaxElements, filter), retransmit: false, cancellationToken).ConfigureAwait(false);
        for (var pulls = 0; ; pulls++)
        {
            if (response.Body is not EnumerationResponseBody body)
            {
                throw new PsrpClientException($"The server answered {header.Action} with {response.Body.GetType().Name}, not an enumeration response.");
            }

            shells.AddRange(body.Shells);
            commands.AddRange(body.Commands);
            if (body.EndOfSequence || string.IsNullOrEmpty(body.EnumerationContext)) break;
            if (pulls >= 10_000) throw new PsrpClientException("The enumeration did not end after 10000 Pull requests.");
            header = new WsManHeader { Action = WsManActions.Pull, ResourceUri = resourceUri };
            response = await transport.SendAsync(header, new PullBody(body.EnumerationContext, EnumerationMaxElements), retransmit: false, cancellationToken).ConfigureAwait(false);
        }

        return (shells, commands);
    }

    /// <summary><c>Microsoft.PowerShell</c> for <c>http://schemas.microsoft.com/powershell/Microsoft.PowerShell</c>.</summary>
    public static string ConfigurationNameOf(string resourceUri) =>
        resourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase)
            ? resourceUri[WsManResourceUris.PowerShellPrefix.Length..]
            : resourceUri;

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

    /// <summary>
    /// The CLIXML of this client's SESSION_CAPABILITY. Every open sends the same bytes for a protocol version, so the
    /// default version's are serialized once (an immutable array, only ever copied out of).
    /// </summary>
    internal static ReadOnlyMemory<byte> ClientCapabilityData(string protocolVersion) =>
        protocolVersion == DefaultCapabilityData.Version ? DefaultCapabilityData.Data : SerializeCapability(protocolVersion);

    private static readonly (string Version, byte[] Data) DefaultCapabilityData = (new RunspacePoolOptions().ProtocolVersion, SerializeCapability(new RunspacePoolOptions().ProtocolVersion));

    internal static byte[] SerializeCapability(string protocolVersion) =>
        ClixmlSerializer.Serialize(new SessionCapability(protocolVersion, "2.0", "1.1.0.1").ToPsValue(), writeBom: true);

    /// <summary>The CLIXML of INIT_RUNSPACEPOOL as every open sends it (min = max = 1, no host), serialized once.</summary>
    internal static readonly Lazy<byte[]> DefaultInitRunspacePoolData = new(SerializeDefaultInitRunspacePool);

    internal static byte[] SerializeDefaultInitRunspacePool() =>
        ClixmlSerializer.Serialize(new InitRunspacePool(1, 1, HostInfo: PsrpObjects.DefaultHostInfo()).ToPsValue(), writeBom: true);
}
