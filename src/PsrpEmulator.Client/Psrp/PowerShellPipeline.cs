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
    private readonly Defragmenter _defragmenter = new();
    private bool _terminated;

    internal PowerShellPipeline(RunspacePoolClient pool, Guid id, string commandLine)
    {
        _pool = pool;
        Id = id;
        CommandId = id.ToString().ToUpperInvariant();
        CommandLine = commandLine;
    }

    public Guid Id { get; }
    public string CommandId { get; }
    public string CommandLine { get; }
    public PSInvocationState State { get; private set; } = PSInvocationState.NotStarted;

    internal async Task StartAsync(CreatePipeline create, IReadOnlyList<PsValue>? input, CancellationToken cancellationToken)
    {
        var message = PsrpMessage.Create(PsrpDestination.Server, _pool.Id, Id, create);
        var fragments = FragmentCodec.Split(_pool.NextObjectId(), message.ToArray(), _pool.MaxFragmentLength);
        // The command line is informational (Get-PSSession shows it); PowerShell sends at most 256 characters.
        var text = CommandLine.Length > 256 ? CommandLine[..256] : CommandLine;
        var body = new CommandLineBody(CommandId, string.IsNullOrEmpty(text) ? " " : text, fragments[0]);
        await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Command), body, cancellationToken).ConfigureAwait(false);
        State = PSInvocationState.Running;
        for (var i = 1; i < fragments.Count; i++) await SendAsync(fragments[i], cancellationToken).ConfigureAwait(false);

        if (input is not null)
        {
            foreach (var value in input)
            {
                var inputMessage = PsrpMessage.Create(PsrpDestination.Server, _pool.Id, Id, new PipelineInput(value));
                foreach (var fragment in FragmentCodec.Split(_pool.NextObjectId(), inputMessage.ToArray(), _pool.MaxFragmentLength))
                {
                    await SendAsync(fragment, cancellationToken).ConfigureAwait(false);
                }
            }

            var end = PsrpMessage.Create(PsrpDestination.Server, _pool.Id, Id, new EndOfPipelineInput());
            foreach (var fragment in FragmentCodec.Split(_pool.NextObjectId(), end.ToArray(), _pool.MaxFragmentLength))
            {
                await SendAsync(fragment, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task SendAsync(byte[] fragment, CancellationToken cancellationToken) =>
        _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Send), new SendBody([new ShellStream("stdin", CommandId, fragment)]), cancellationToken);

    /// <summary>
    /// Receives until the pipeline reaches a terminal state, yielding every record in order; TimedOut faults
    /// simply re-issue the Receive. Sends Signal Terminate at the end, as PowerShell does.
    /// </summary>
    public async IAsyncEnumerable<PipelineEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var done = false;
        while (!done)
        {
            WsManEnvelope response;
            try
            {
                response = await _pool.Transport.SendAsync(_pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", CommandId), cancellationToken).ConfigureAwait(false);
            }
            catch (WsManFaultException e) when (e.IsTimedOut)
            {
                continue;
            }

            foreach (var message in RunspacePoolClient.Decode(_defragmenter, response.Body))
            {
                var e = ToEvent(message);
                if (e is null) continue;
                if (e is StateEvent state)
                {
                    State = state.State;
                    done |= state.IsTerminal;
                }

                yield return e;
            }

            if (response.Body is ReceiveResponseBody { CommandState: { } commandState } &&
                string.Equals(commandState.State, WsManCommandStates.Done, StringComparison.OrdinalIgnoreCase))
            {
                done = true;
            }
        }

        await TerminateAsync(cancellationToken).ConfigureAwait(false);
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

    private static PipelineEvent? ToEvent(PsrpMessage message)
    {
        try
        {
            return message.MessageType switch
            {
                PsrpMessageType.PipelineOutput => new OutputEvent(message.ReadData()),
                PsrpMessageType.ErrorRecord => ReadError(message.ReadData()),
                PsrpMessageType.WarningRecord => new InformationalEvent(message.MessageType, WarningRecordMessage.FromPsValue(message.ReadData()).Message),
                PsrpMessageType.VerboseRecord => new InformationalEvent(message.MessageType, VerboseRecordMessage.FromPsValue(message.ReadData()).Message),
                PsrpMessageType.DebugRecord => new InformationalEvent(message.MessageType, DebugRecordMessage.FromPsValue(message.ReadData()).Message),
                PsrpMessageType.InformationRecord => new InformationEvent(InformationRecordMessage.FromPsValue(message.ReadData())),
                PsrpMessageType.ProgressRecord => new ProgressEvent(ProgressRecordMessage.FromPsValue(message.ReadData())),
                PsrpMessageType.PipelineState => ReadState(message.ReadData()),
                _ => null,
            };
        }
        catch (Exception e) when (e is ClixmlException or PsrpPayloadException)
        {
            throw new PsrpClientException($"The server sent an invalid {message.MessageType} message: {e.Message}", e);
        }
    }

    private static ErrorEvent ReadError(PsValue value) => new(ErrorRecords.Read(value), value);

    private static StateEvent ReadState(PsValue value)
    {
        var state = PipelineStateMessage.FromPsValue(value);
        return new StateEvent(state.State, state.ExceptionAsErrorRecord is { } record ? ErrorRecords.Read(record) : null);
    }
}
