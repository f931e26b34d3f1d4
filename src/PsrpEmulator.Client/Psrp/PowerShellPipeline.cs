using System.Runtime.CompilerServices;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Psrp;

/// <summary>
/// A remote pipeline (WinRM command): CREATE_PIPELINE in Command Arguments (rest via Send), input via Send,
/// output via Receive with its CommandId until a terminal PIPELINE_STATE, then Signal Terminate.
/// </summary>
public sealed class PowerShellPipeline
{
    private readonly RunspacePoolClient _pool;
    private readonly StreamDefragmenter _defragmenter;

    // The command's data received so far (PSSessionOption.MaximumReceivedDataSizePerCommand).
    private long _receivedDataSize;
    private readonly Lock _sync = new();
    private Task? _inflight;
    private CancellationTokenSource? _inflightCts;
    private bool _terminated;

    internal PowerShellPipeline(RunspacePoolClient pool, Guid id, string commandLine)
    {
        _pool = pool;
        _defragmenter = new StreamDefragmenter(RunspacePoolOptions.ObjectLimit(pool.Options.MaximumReceivedObjectSize));
        Id = id;
        CommandId = WsManIds.ToUpperString(id);
        CommandLine = commandLine;
    }

    public Guid Id { get; }
    public string CommandId { get; }

    /// <summary>The runspace pool the command runs in.</summary>
    public RunspacePoolClient Pool => _pool;
    public string CommandLine { get; }
    public PSInvocationState State { get; private set; } = PSInvocationState.NotStarted;

    /// <param name="createData">The CLIXML of <paramref name="create"/> when the caller has it already (a template's bytes).</param>
    internal async Task StartAsync(IPsrpMessageBody create, IReadOnlyList<PsValue>? input, bool endInput, CancellationToken cancellationToken, byte[]? createData = null)
    {
        var message = createData is not null
            ? new PsrpMessage(PsrpDestination.Server, PsrpMessageType.CreatePipeline, _pool.Id, Id, createData)
            : PsrpMessage.Create(PsrpDestination.Server, _pool.Id, Id, create);
        var fragments = FragmentCodec.Split(_pool.NextObjectId(), message.ToArray(), _pool.MaxFragmentLength);
        // The command line is informational (Get-PSSession shows it); PowerShell sends at most 256 characters.
        var text = CommandLine.Length > 256 ? CommandLine[..256] : CommandLine;
        var body = new CommandLineBody(CommandId, string.IsNullOrEmpty(text) ? " " : text, fragments[0]);
        await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Command), body, cancellationToken).ConfigureAwait(false);
        State = PSInvocationState.Running;
        for (var i = 1; i < fragments.Count; i++) await SendAsync(fragments[i], cancellationToken).ConfigureAwait(false);

        if (input is not null)
        {
            foreach (var value in input) await SendInputAsync(value, cancellationToken).ConfigureAwait(false);
            if (endInput) await EndInputAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One PIPELINE_INPUT object (a pipeline started with input open: NoInput false).</summary>
    public async Task SendInputAsync(PsValue value, CancellationToken cancellationToken = default)
    {
        // A SecureString handed over as text goes encrypted with the session's key (exchanged at the first).
        if (PlainSecureStrings.Contains(value)) value = PlainSecureStrings.Encrypt(value, await _pool.GetSessionKeyAsync(cancellationToken).ConfigureAwait(false));
        await SendMessageAsync(new PipelineInput(value), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>END_OF_PIPELINE_INPUT: the input is closed; the remote pipeline's input loop ends.</summary>
    public Task EndInputAsync(CancellationToken cancellationToken = default) => SendMessageAsync(EndOfPipelineInput.Instance, cancellationToken);

    /// <summary>
    /// PIPELINE_HOST_RESPONSE: the answer to a <see cref="HostCallEvent"/>, sent as PowerShell sends it (the command's
    /// <c>pr</c> stream, ahead of any input).
    /// </summary>
    public Task SendHostResponseAsync(PipelineHostResponse response, CancellationToken cancellationToken = default) =>
        SendMessageAsync(response, cancellationToken, PromptResponseStream);

    private const string InputStream = "stdin", PromptResponseStream = "pr";

    private async Task SendMessageAsync(IPsrpMessageBody body, CancellationToken cancellationToken, string stream = InputStream)
    {
        var message = PsrpMessage.Create(PsrpDestination.Server, _pool.Id, Id, body);
        foreach (var fragment in FragmentCodec.Split(_pool.NextObjectId(), message.ToArray(), _pool.MaxFragmentLength))
        {
            await SendAsync(fragment, cancellationToken, stream).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(byte[] fragment, CancellationToken cancellationToken, string stream = InputStream)
    {
        try
        {
            await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Send), new SendBody([new ShellStream(stream, CommandId, fragment)]), cancellationToken).ConfigureAwait(false);
        }
        catch (WsManFaultException e) when (!e.IsTimedOut)
        {
            // As PowerShell's HandleTransportError: the pipeline fails; the runspace pool stays open. Closing the
            // command (WSManCloseCommand) sends Signal terminate, so the server forgets it.
            State = PSInvocationState.Failed;
            try
            {
                await TerminateAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception closing) when (closing is WsManFaultException or WsManTransportException)
            {
                // Best effort, as the close of a failed command: the Send's fault is the error.
            }

            throw new CommandSendException(e);
        }
    }

    /// <summary>
    /// Receives until the pipeline reaches a terminal state, yielding every record in order; TimedOut faults
    /// simply re-issue the Receive. Sends Signal Terminate at the end, as PowerShell does.
    /// When the pool disconnects, the enumeration ends without a terminal state and the pipeline becomes
    /// <see cref="PSInvocationState.Disconnected"/>: what the last Receive brought is still yielded, nothing more is
    /// asked for, and the command stays on the server for a later reconnect or connect.
    /// </summary>
    public IAsyncEnumerable<PipelineEvent> ReadAllAsync(CancellationToken cancellationToken = default) => new PipelineEvents(this, cancellationToken);

    /// <summary>
    /// The events of <see cref="ReadAllAsync"/>: handed out of each response's batch without an await per event (an
    /// async iterator's yield cost 20-50 ns per event, a tenth of a small object's whole decode); the batches come
    /// from <see cref="ReadBatchesAsync"/>, one per response.
    /// </summary>
    private sealed class PipelineEvents(PowerShellPipeline pipeline, CancellationToken cancellationToken) : IAsyncEnumerable<PipelineEvent>
    {
        public IAsyncEnumerator<PipelineEvent> GetAsyncEnumerator(CancellationToken enumeratorToken = default)
        {
            // As an async iterator's [EnumeratorCancellation]: either token cancels.
            CancellationTokenSource? linked = null;
            var token = cancellationToken;
            if (enumeratorToken.CanBeCanceled && enumeratorToken != cancellationToken)
            {
                if (cancellationToken.CanBeCanceled)
                {
                    linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorToken);
                    token = linked.Token;
                }
                else
                {
                    token = enumeratorToken;
                }
            }

            return new Enumerator(pipeline, pipeline.ReadBatchesAsync(token).GetAsyncEnumerator(token), linked);
        }
    }

    private sealed class Enumerator(PowerShellPipeline pipeline, IAsyncEnumerator<List<PipelineEvent>> batches, CancellationTokenSource? linked) : IAsyncEnumerator<PipelineEvent>
    {
        private List<PipelineEvent>? _batch;
        private int _next;

        public PipelineEvent Current { get; private set; } = null!;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_batch is { } batch && _next < batch.Count)
            {
                Current = Hand(batch[_next++]);
                return new ValueTask<bool>(true);
            }

            return NextBatchAsync();
        }

        private async ValueTask<bool> NextBatchAsync()
        {
            _batch = null;
            while (await batches.MoveNextAsync().ConfigureAwait(false))
            {
                var batch = batches.Current;
                if (batch.Count == 0) continue;
                _batch = batch;
                _next = 1;
                Current = Hand(batch[0]);
                return true;
            }

            return false;
        }

        // The pipeline's state follows the PIPELINE_STATE events as they are handed out.
        private PipelineEvent Hand(PipelineEvent e)
        {
            if (e is StateEvent state) pipeline.State = state.State;
            return e;
        }

        public async ValueTask DisposeAsync()
        {
            _batch = null;
            try
            {
                await batches.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                linked?.Dispose();
            }
        }
    }

    /// <summary>
    /// <see cref="ReadAllAsync"/>'s work, a batch per response (the list is reused: it is cleared once the next batch
    /// is asked for); <see cref="Enumerator"/> sets <see cref="State"/> from the batches' state events as it hands them out.
    /// </summary>
    private async IAsyncEnumerable<List<PipelineEvent>> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var done = false;
        // One list for the events of every response (cleared once they are yielded), not one grown per response.
        var events = new List<PipelineEvent>();
        // The Receive asked for while the previous response was decoded (see below).
        Task<ReceiveOutcome>? next = null;
        try
        {
            while (!done)
            {
                ReceiveOutcome outcome;
                if (next is not null)
                {
                    outcome = await next.ConfigureAwait(false);
                    next = null;
                }
                else
                {
                    if (_pool.IsDisconnectingOrDisconnected)
                    {
                        State = PSInvocationState.Disconnected;
                        yield break;
                    }

                    outcome = await ReceiveOnceAsync(cancellationToken).ConfigureAwait(false);
                }

                if (outcome.IsTimedOut) continue;
                if (outcome.Response is not { } response)
                {
                    State = PSInvocationState.Disconnected;
                    yield break;
                }

                var commandDone = response.Body is ReceiveResponseBody { CommandState: { } commandState } &&
                                  string.Equals(commandState.State, WsManCommandStates.Done, StringComparison.OrdinalIgnoreCase);

                // The next Receive goes out now, while this response is decoded and handed out: the server fills it
                // meanwhile, and the client's decode no longer adds to the wait. The requests are the same: one Receive
                // outstanding at a time, each sent once the previous response has been read whole; only the moment
                // differs (whether PowerShell's WinRM client asks again before its callback has processed the data is
                // not recorded). Not after Done, and not once the pool is disconnecting (the loop above stops then).
                // A terminal state without Done (not seen from Windows or the emulator) abandons it below.
                if (!commandDone && _pool.Transport.Options.OverlapReceiveWithDecode && !_pool.IsDisconnectingOrDisconnected) next = ReceiveOnceAsync(cancellationToken);

                // One stream element at a time, as PowerShell's ProcessRawData: what came before a bad fragment is kept.
                // Each message becomes its event as it completes (lent by the defragmenter, not copied); an invalid one
                // ends the response there and fails the pipeline after the events before it, as when read one by one.
                // Messages are lent as header and payload: no PsrpMessage per output object.
                PsrpClientException? invalid = null;
                string? broken = null; // why the command's transport failed: a bad fragment, a quota
                var holdsSecureString = false;
                void Read(in PsrpMessageHeader header, ReadOnlyMemory<byte> data)
                {
                    if (invalid is not null) return;
                    try
                    {
                        if (ToEvent(header.MessageType, data.Span) is { } e)
                        {
                            events.Add(e);
                            // A vectorized byte search, and only until the session has a key.
                            if (!holdsSecureString && _pool.SessionKey is null) holdsSecureString = data.Span.IndexOf(SecureStringTag) >= 0;
                        }
                    }
                    catch (PsrpClientException e)
                    {
                        invalid = e;
                    }
                }

                LentPsrpMessage read = Read;
                var streams = (response.Body as ReceiveResponseBody)?.Streams ?? [];
                var pooled = streams as ShellStreamList;
                try
                {
                    for (var i = 0; i < streams.Count; i++)
                    {
                        try
                        {
                            // The data alone (no ShellStream made per stream when the transport read them pooled).
                            var data = pooled is not null ? pooled.DataAt(i) : streams[i].Data;
                            // PowerShell counts each chunk before it is read (LogExtraMemoryUsage); past the maximum the
                            // command's transport fails.
                            if (_pool.Options.MaximumReceivedDataSizePerCommand is { } maximum && data.Length > maximum - _receivedDataSize)
                            {
                                broken = $"The total data received from the remote server exceeded the allowed maximum. The allowed maximum is {maximum}.";
                                break;
                            }

                            _receivedDataSize += data.Length;
                            _defragmenter.Add(data, read);
                        }
                        catch (FragmentException f)
                        {
                            broken = FailureMessage(f, _pool.Options.MaximumReceivedObjectSize);
                            break;
                        }
                    }
                }
                finally
                {
                    // Every event owns what it holds (the deserializer copies out of the lent bytes): the stream
                    // buffers go back to the pool before the events are yielded.
                    pooled?.Return();
                }

                foreach (var e in events)
                {
                    if (e is StateEvent { IsTerminal: true }) done = true;
                }

                // PowerShell's client decrypts a SecureString as it deserializes it, and runs the key exchange then if
                // there was none (PSRemotingCryptoHelperClient.RunKeyExchangeIfRequired): the server made the session
                // key when it encrypted the value and sends that key to the client's PUBLIC_KEY.
                if (holdsSecureString) await ExchangeKeyForSecureStringsAsync(cancellationToken).ConfigureAwait(false);

                if (events.Count > 0)
                {
                    yield return events;
                    events.Clear();
                }

                // A message that does not deserialize is the same kind of failure in PowerShell: ProcessRawData catches
                // whatever reading the data throws and raises it as the command's transport error.
                broken ??= invalid?.Message;
                if (broken is not null && !done)
                {
                    // PowerShell raises the defragmenter's error as a transport error of the command
                    // (BaseTransportManager.ProcessRawData), which fails it (ClientPowerShellDataStructureHandler.
                    // HandleTransportError); the command's transport is closed (Signal Terminate below), so the server
                    // forgets the command. The state becomes Failed as the event is handed out.
                    events.Add(new StateEvent(PSInvocationState.Failed, TransportFailure(broken)));
                    yield return events;
                    events.Clear();
                    break;
                }

                if (commandDone) done = true;
            }
        }
        finally
        {
            // Left early (an invalid message, a transport failure, the consumer stopped or cancelled): a Receive still
            // outstanding is abandoned, as PowerShell's command close abandons its receive operation.
            if (next is not null) await AbandonAsync(next).ConfigureAwait(false);
        }

        _pool.Forget(this);
        try
        {
            await TerminateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (done && e is WsManFaultException or WsManTransportException)
        {
            // The command has ended and its end was handed out: a Terminate the server refuses (the shell was
            // disconnected first, say) changes nothing here; a client that connects to the command gets its end again.
        }
    }

    // The CLIXML element of a SecureString (<SS> or <SS N="...">); no other element name starts so.
    private static ReadOnlySpan<byte> SecureStringTag => "<SS"u8;

    /// <summary>
    /// The session key exchanged for SecureStrings the command sent. A failed exchange leaves them undecryptable, as
    /// in PowerShell (its decrypt then gives no SecureString, and no error); the command's own results are unaffected.
    /// </summary>
    private async Task ExchangeKeyForSecureStringsAsync(CancellationToken cancellationToken)
    {
        if (_pool.IsDisconnectingOrDisconnected) return;
        try
        {
            await _pool.GetSessionKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PsrpClientException or WsManFaultException or HttpRequestException or WsManTransportException)
        {
            // As PowerShell's: the values stay encrypted.
        }
    }

    /// <summary>What one Receive brought: a response; nothing yet (TimedOut: ask again); or the pool disconnected.</summary>
    private readonly record struct ReceiveOutcome(WsManEnvelope? Response, bool IsTimedOut)
    {
        public static readonly ReceiveOutcome TimedOut = new(null, true);
        public static readonly ReceiveOutcome Disconnected = new(null, false);
    }

    /// <summary>
    /// One Receive of this command's output, tracked as the one in flight (so that a disconnect can wait for it).
    /// TimedOut faults and failures caused by the pool disconnecting are outcomes; other failures are thrown.
    /// </summary>
    private async Task<ReceiveOutcome> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        using var receiveCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var receive = _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", CommandId), receiveCts.Token);
            lock (_sync)
            {
                _inflight = receive;
                _inflightCts = receiveCts;
            }

            return new ReceiveOutcome(await receive.ConfigureAwait(false), false);
        }
        catch (WsManFaultException e) when (e.IsTimedOut && !_pool.IsDisconnectingOrDisconnected)
        {
            return ReceiveOutcome.TimedOut;
        }
        catch (Exception e) when (e is (WsManFaultException or WsManTransportException or OperationCanceledException) &&
                                  _pool.IsDisconnectingOrDisconnected && !cancellationToken.IsCancellationRequested)
        {
            // The Receive outstanding when the pool disconnected ended without data.
            return ReceiveOutcome.Disconnected;
        }
        finally
        {
            lock (_sync)
            {
                _inflight = null;
                _inflightCts = null;
            }
        }
    }

    private async Task AbandonAsync(Task<ReceiveOutcome> receive)
    {
        lock (_sync) CancelInflight();
        try
        {
            if (await receive.ConfigureAwait(false) is { Response.Body: ReceiveResponseBody { Streams: ShellStreamList pooled } }) pooled.Return();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Abandoned: its failure is nobody's news (the read already ended for its own reason).
        }
    }

    // Under _sync: the Receive in flight is cancelled (its HTTP request aborted).
    private void CancelInflight()
    {
        try
        {
            _inflightCts?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The Receive finished meanwhile.
        }
    }

    /// <summary>
    /// Called after the pool's Disconnect succeeded: the server completes the outstanding Receive (with whatever data it
    /// had); if it has not come back within <paramref name="grace"/>, it is abandoned.
    /// </summary>
    internal async Task OnPoolDisconnectedAsync(TimeSpan grace)
    {
        Task? inflight;
        lock (_sync) inflight = _inflight;
        if (inflight is not null && !inflight.IsCompleted)
        {
            await Task.WhenAny(inflight, Task.Delay(grace)).ConfigureAwait(false);
        }

        lock (_sync)
        {
            if (_inflight is not null && !_inflight.IsCompleted) CancelInflight();
        }

        if (State is PSInvocationState.Running or PSInvocationState.NotStarted or PSInvocationState.Stopping) State = PSInvocationState.Disconnected;
    }

    /// <summary>
    /// Reconnect of this command (same client, after the pool's Reconnect): <c>rsp:Reconnect CommandId</c>; partial
    /// data from before the disconnect is dropped. Read again with <see cref="ReadAllAsync"/>.
    /// </summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken = default)
    {
        if (State != PSInvocationState.Disconnected) throw new InvalidOperationException($"The pipeline is {State}, not Disconnected.");
        if (_pool.State != RunspacePoolState.Opened) throw new InvalidOperationException($"The RunspacePool is {_pool.State}, not Opened.");
        await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Reconnect), new ReconnectBody(CommandId, null), cancellationToken).ConfigureAwait(false);
        _defragmenter.PrepareForStreamConnect();
        State = PSInvocationState.Running;
    }

    /// <summary>A pipeline object for a command that already runs on the server (connect from a new client).</summary>
    internal static async Task<PowerShellPipeline> ConnectAsync(RunspacePoolClient pool, string commandId, string? commandLine, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(commandId);
        await pool.Transport.SendAsync(pool.ShellHeader(WsManActions.Connect), new ConnectBody(id.ToString().ToUpperInvariant(), null, null), cancellationToken).ConfigureAwait(false);
        var pipeline = new PowerShellPipeline(pool, id, commandLine ?? string.Empty) { State = PSInvocationState.Running };
        pipeline._defragmenter.PrepareForStreamConnect();
        return pipeline;
    }

    /// <summary>Ctrl+C: asks the server to stop the pipeline (it then reports Stopped).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Signal), new SignalBody(CommandId, WsManSignalCodes.PowerShellCrtlC), cancellationToken);

    /// <summary>Signal Terminate: the server forgets the command.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken = default)
    {
        if (_terminated) return;
        _terminated = true;
        await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Signal), new SignalBody(CommandId, WsManSignalCodes.Terminate), cancellationToken).ConfigureAwait(false);
    }

    private static PipelineEvent? ToEvent(PsrpMessageType type, ReadOnlySpan<byte> data)
    {
        try
        {
            return type switch
            {
                PsrpMessageType.PipelineOutput => new OutputEvent(ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.ErrorRecord => ReadError(ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.WarningRecord => ReadInformational(type, ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.VerboseRecord => ReadInformational(type, ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.DebugRecord => ReadInformational(type, ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.InformationRecord => new InformationEvent(InformationRecordMessage.FromPsValue(ClixmlDeserializer.Deserialize(data))),
                PsrpMessageType.ProgressRecord => new ProgressEvent(ProgressRecordMessage.FromPsValue(ClixmlDeserializer.Deserialize(data))),
                PsrpMessageType.PipelineState => ReadState(ClixmlDeserializer.Deserialize(data)),
                PsrpMessageType.PipelineHostCall => new HostCallEvent(PipelineHostCall.FromPsValue(ClixmlDeserializer.Deserialize(data))),
                _ => null,
            };
        }
        catch (Exception e) when (e is ClixmlException or PsrpPayloadException)
        {
            throw new PsrpClientException($"The server sent an invalid {type} message: {e.Message}", e);
        }
    }

    /// <summary>
    /// The defragmenter's error as PowerShell words it: an object past MaximumReceivedObjectSize gets
    /// ReceivedObjectSizeExceededMaximumClient, any other the error's own message.
    /// </summary>
    internal static string FailureMessage(FragmentException e, int? maximumObjectSize) =>
        e is { Reason: FragmentError.MessageTooLarge, ObjectSize: { } size }
            ? $"The current deserialized object size of the data received from the remote server exceeded the allowed maximum object size. The current deserialized object size is {size}. The allowed maximum object size is {maximumObjectSize}."
            : e.Message;

    /// <summary>
    /// A failure raised on the client (not a remote error record): PowerShell's ProcessJobFailure reports such a
    /// reason as <c>JobFailure</c>, OperationStopped.
    /// </summary>
    internal static ErrorRecordInfo TransportFailure(string message) =>
        new(message, "JobFailure", ErrorCategory.OperationStopped, null, null, "System.Management.Automation.Remoting.PSRemotingTransportException", null);

    private static ErrorEvent ReadError(PsValue value) => new(ErrorRecords.Read(value), value);

    private static StateEvent ReadState(PsValue value)
    {
        var state = PipelineStateMessage.FromPsValue(value);
        return new StateEvent(state.State, state.ExceptionAsErrorRecord is { } record ? ErrorRecords.Read(record) : null) { ReasonRecord = state.ExceptionAsErrorRecord };
    }

    private static InformationalEvent ReadInformational(PsrpMessageType type, PsValue value) => new(type, type switch
    {
        PsrpMessageType.WarningRecord => WarningRecordMessage.FromPsValue(value).Message,
        PsrpMessageType.VerboseRecord => VerboseRecordMessage.FromPsValue(value).Message,
        _ => DebugRecordMessage.FromPsValue(value).Message,
    }) { Record = value };
}
