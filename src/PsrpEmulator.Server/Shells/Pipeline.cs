using System.Threading.Channels;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// One PowerShell pipeline (WinRM command) of a shell: assembles CREATE_PIPELINE and input from the client,
/// runs the scripted behaviour asynchronously, and buffers what it writes for Receive.
/// </summary>
internal sealed class Pipeline : IPipelineHost
{
    private readonly Shell _shell;
    // The client's input (guarded by Gate), made only when some arrives; a waiting behaviour's reader in _inputWaiter.
    private Queue<PsValue>? _input;
    private bool _inputCompleted;
    private TaskCompletionSource<bool>? _inputWaiter;
    private readonly CancellationTokenSource _stop = new();
    private Defragmenter? _defragmenter;
    // What host calls, a pipeline's own host and a script's statements need (made under Gate when first needed): one
    // field in every pipeline (thousands of idle shells keep theirs).
    private PipelineExtras? _hostCalls;

    // The client's input and the defragmenter are guarded by the output buffer's monitor: one lock object fewer per
    // pipeline, and neither side calls into the other while holding it.
    private object Gate => Output;
    private Task _run = Task.CompletedTask;
    // PSRP data received for this command so far (PowerShell's count for MaximumReceivedDataSizePerCommandMB), and
    // the quota fault that closed the command's transport (the PowerShell plugin answers every later request with it).
    private long _receivedDataSize;
    private WsManFaultException? _closedBy;

    public Pipeline(Shell shell, string commandId, string? commandLine)
    {
        _shell = shell;
        CommandId = commandId;
        CommandLine = commandLine;
        Output = new OutputStream(shell.OutputBufferCapacity);
    }

    public string CommandId { get; }
    public string? CommandLine { get; }
    public Guid PipelineId { get; private set; }
    public OutputStream Output { get; }
    public PipelineLifecycle Lifecycle { get; private set; } = PipelineLifecycle.Creating;
    public PSInvocationState State { get; private set; } = PSInvocationState.NotStarted;

    /// <summary>Command Arguments or a Send with this CommandId (<paramref name="promptResponse"/>: on the <c>pr</c> stream).</summary>
    public void AcceptData(ReadOnlyMemory<byte> data, Diagnostics.MessageTypeList seen, bool promptResponse = false)
    {
        IReadOnlyList<PsrpMessage> messages;
        var quota = _shell.MaximumReceivedDataSizePerCommand;
        WsManFaultException? closing = null;
        lock (Gate)
        {
            ThrowIfClosedByQuota();
            // PowerShell counts every chunk of a command's data (fragment bytes, headers included) before it reads
            // it; the chunk that would pass the maximum is not counted and closes the command.
            if (quota >= 0 && data.Length > quota - _receivedDataSize)
            {
                closing = new WsManFaultException(WsManFaultReason.ReceivedDataSizeExceeded, quota) { Provider = _shell.Plugin };
                messages = [];
            }
            else
            {
                _receivedDataSize += data.Length;
                try
                {
                    // PowerShell reassembles each stream's fragments apart: the pr stream's in their own defragmenter.
                    messages = promptResponse ? _shell.Defragment(ref (_hostCalls ??= new()).Responses, data) : _shell.Defragment(ref _defragmenter, data);
                }
                catch (WsManFaultException e) when (e.Reason == WsManFaultReason.ReceivedObjectSizeExceeded)
                {
                    closing = e;
                    messages = [];
                }
            }

            if (closing is not null) Volatile.Write(ref _closedBy, closing);
        }

        if (closing is not null)
        {
            CloseTransport();
            Diagnostics.Log.CommandQuotaExceeded(_shell.Services.Logger, _shell.ShellId, CommandId, closing.Reason);
            ThrowIfClosedByQuota();
        }

        foreach (var message in messages)
        {
            seen.Add(message.MessageType);
            try
            {
                HandleMessage(message);
            }
            catch (Exception e) when (e is ClixmlException or PsrpPayloadException)
            {
                throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, e.Message);
            }
        }
    }

    private void HandleMessage(PsrpMessage message)
    {
        switch (message.MessageType)
        {
            case PsrpMessageType.CreatePipeline when Lifecycle == PipelineLifecycle.Creating:
                // The emulator's own client sends a script as the template's bytes around its text: the same object
                // without reading the CLIXML; any other bytes are read.
                var create = ScriptPipelineTemplate.InvokeScript.TryDecode(message.Data.Span) ?? CreatePipeline.FromPsValue(message.ReadData());
                PipelineId = message.PipelineId;
                if (create.NoInput) CompleteInput();
                Start(WithScriptValues(create), message.RunspacePoolId);
                break;
            case PsrpMessageType.GetCommandMetadata when Lifecycle == PipelineLifecycle.Creating:
                // Command discovery (Import-PSSession, pypsrp's get_command_metadata): a pipeline of its own, without input,
                // on the pool's host, as ServerRunspacePoolDriver runs it.
                var discovery = GetCommandMetadata.FromPsValue(message.ReadData());
                PipelineId = message.PipelineId;
                CompleteInput();
                Start(new CommandMetadataScript(discovery), message.RunspacePoolId, _shell.PoolHostConsole, "Get-Command " + string.Join(",", discovery.Names));
                break;
            case PsrpMessageType.PipelineInput:
                WriteInput(Behaviours.ScriptExpressions.FromClient(message.ReadData()));
                break;
            case PsrpMessageType.EndOfPipelineInput:
                CompleteInput();
                break;
            case PsrpMessageType.CreatePipeline:
                throw new WsManFaultException(WsManFaultReason.InvalidPsrpData, "CREATE_PIPELINE sent twice for one command");
            case PsrpMessageType.PipelineHostResponse:
                AcceptHostResponse(message);
                break;
            default:
                // Anything else for a pipeline (key exchange, a runspace pool's host response) is accepted and ignored.
                break;
        }
    }

    // The commands' argument values as the script holds them (ScriptExpressions.FromClient): the same object when every
    // argument is a primitive other than a byte[] or a script block (the text of a script, a command's names and switches).
    private static CreatePipeline WithScriptValues(CreatePipeline create)
    {
        if (!create.Commands.Any(c => c.Arguments.Any(a => a.Value is PsObject or PsPrimitive { Type: PsPrimitiveType.ByteArray or PsPrimitiveType.ScriptBlock }))) return create;
        return create with
        {
            Commands = [.. create.Commands.Select(c => c with { Arguments = [.. c.Arguments.Select(a => a with { Value = Behaviours.ScriptExpressions.FromClient(a.Value) })] })],
        };
    }

    private Guid _runspacePoolId;

    // The client's script (or its command's name) where an error record is placed (ErrorPlacement); null for a
    // pipeline no CREATE_PIPELINE made. The running top-level statement's place in it (-1: the script is one).
    private string? _script;
    // RemoteStreamOptions' four bits (which records carry their InvocationInfo), and whether the first command is a script.
    private byte _placement;
    // When the pipeline started, in milliseconds after its shell was created plus one, if the client asked to add it to
    // the history (0: it did not). Four bytes, not a time: thousands of idle shells keep a pipeline each.
    private uint _historyStart;
    private byte _commandCount;
    private const int AllStreamOptions = 0x0F, AddInvocationInfoToErrorRecord = 0x01, AddInvocationInfoToWarningRecord = 0x02,
        AddInvocationInfoToDebugRecord = 0x04, AddInvocationInfoToVerboseRecord = 0x08, IsScriptFlag = 0x10, OwnHostFlag = 0x20,
        HistoryScriptFlag = 0x40;

    public void UpdateRawUI(Func<HostRawUI, HostRawUI> update)
    {
        if (!HasHostUI) return;
        if ((_placement & OwnHostFlag) != 0)
        {
            var extras = Extras();
            extras.RawUI = update(extras.RawUI ?? new HostRawUI());
        }
        else
        {
            var runspace = _shell.Runspace;
            runspace.PoolRawUI = update(runspace.PoolRawUI ?? new HostRawUI());
        }
    }

    // The RawUI values of the pipeline's host: its own, or the pool's.
    private HostRawUI? RawUI => (_placement & OwnHostFlag) != 0 ? _hostCalls?.RawUI : _shell.ExistingRunspace?.PoolRawUI;

    public string? ScriptText => (_placement & IsScriptFlag) != 0 ? _script : null;

    /// <summary>A top-level statement starts: found in the script from where the last one was, its place is where records are placed.</summary>
    public void StatementStarting(string statement, int nesting)
    {
        if ((_placement & IsScriptFlag) == 0 || _script is not { } script || statement.Length == 0) return;
        var extras = Extras();
        (extras.StatementStart, extras.StatementLength) = ErrorPlacement.NextStatement(ref extras.Statements, script, statement, nesting);
    }

    // The pipeline's extras, made (under the gate, as host calls make them) the first time one is needed.
    private PipelineExtras Extras()
    {
        if (_hostCalls is { } extras) return extras;
        lock (Gate) return _hostCalls ??= new();
    }

    /// <summary>A caught record, placed at the inner statement that raised it (a terminating error's place).</summary>
    public void ReplaceHistoryLine(string commandLine)
    {
        if (_historyStart != 0) Extras().HistoryLine = commandLine;
    }

    public PsObject PlaceCaught(PsObject record, string? statement)
    {
        if (_script is not { } script) return record;
        return ErrorPlacement.PlaceCaught(record, script, (_placement & IsScriptFlag) != 0, _commandCount, _hostCalls?.StatementStart ?? -1, _hostCalls?.StatementLength ?? 0,
            statement, _shell.ExistingRunspace?.NextHistoryId ?? 1);
    }

    /// <summary>An error record hidden or redirected before it reached the pipeline's stream, placed as if written, for $Error.</summary>
    public PsObject PlaceUnsent(PsObject record) => Placed(record, errorStream: true);

    /// <summary>An error record merged into the output or written to a file: placed, without the error stream's extended notes.</summary>
    public PsObject PlaceMerged(PsObject record) => Placed(record, errorStream: true, extendedInfo: false);

    private PsObject Placed(PsObject record, bool errorStream, bool extendedInfo = true) => _script is { } script
        ? ErrorPlacement.Place(record, script, (_placement & IsScriptFlag) != 0, _commandCount, _hostCalls?.StatementStart ?? -1, _hostCalls?.StatementLength ?? 0,
            extendedInfo && errorStream && (_placement & AddInvocationInfoToErrorRecord) != 0, errorStream, _shell.ExistingRunspace?.NextHistoryId ?? 1)
        : record;

    // A Warning, Verbose or Debug record carries the invocation that wrote it when RemoteStreamOptions ask for it.
    private IPsrpMessageBody WithInvocation(IPsrpMessageBody record)
    {
        if (_script is not { } script) return record;
        InvocationInfo Invocation() => ErrorPlacement.PipelineInvocation(script, (_placement & IsScriptFlag) != 0, _commandCount, _shell.ExistingRunspace?.NextHistoryId ?? 1);
        return record switch
        {
            WarningRecordMessage { Invocation: null } warning when (_placement & AddInvocationInfoToWarningRecord) != 0 => warning with { Invocation = Invocation() },
            VerboseRecordMessage { Invocation: null } verbose when (_placement & AddInvocationInfoToVerboseRecord) != 0 => verbose with { Invocation = Invocation() },
            DebugRecordMessage { Invocation: null } debug when (_placement & AddInvocationInfoToDebugRecord) != 0 => debug with { Invocation = Invocation() },
            _ => record,
        };
    }

    // The console the pipeline's host reports: its own HostInfo's, or the pool's when it uses the pool's host.
    private HostConsole _hostConsole;

    public (int? Foreground, int? Background) HostConsoleColors => _hostConsole.Colors;

    public int? ConsoleWidth => _hostConsole.BufferWidth;

    public bool HasHostUI => _hostConsole.HasUI;

    public ValueTask SendHostCallAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken) =>
        HasHostUI ? WriteAsync(new PipelineHostCall(RemoteHostCalls.VoidCallId, method, parameters), cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask<PipelineHostResponse> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken)
    {
        // The answer completes the call inline (no RunContinuationsAsynchronously): what the behaviour writes next is
        // buffered before the Send that carried the answer is answered, as with input.
        var answer = new TaskCompletionSource<PipelineHostResponse>();
        long callId;
        lock (Gate)
        {
            var calls = _hostCalls ??= new();
            callId = ++calls.LastCallId;
            calls.Waiting.Add(callId, answer);
        }

        try
        {
            // The call is output like any other (WinRM buffers it while the client is away; Drop may lose it, and the
            // pipeline then waits until it is stopped or its shell expires, as on Windows).
            await WriteAsync(new PipelineHostCall(callId, method, parameters), cancellationToken).ConfigureAwait(false);
            Output.Publish();
            Diagnostics.Log.HostCallSent(_shell.Services.Logger, _shell.ShellId, CommandId, method, callId);
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (Gate) _hostCalls?.Waiting.Remove(callId);
        }
    }

    /// <summary>
    /// A PIPELINE_HOST_RESPONSE: completes the call it answers. One for a call nobody waits for (answered already,
    /// stopped, never made) is ignored, as ServerDispatchTable does.
    /// </summary>
    public void AcceptHostResponse(PsrpMessage message)
    {
        var response = PipelineHostResponse.FromPsValue(message.ReadData());
        TaskCompletionSource<PipelineHostResponse>? waiting = null;
        lock (Gate)
        {
            if (_hostCalls?.Waiting.Remove(response.CallId, out waiting) != true) return;
        }

        waiting!.TrySetResult(response);
    }

    private void Start(CreatePipeline create, Guid runspacePoolId)
    {
        // What placing its records needs: the script as the client wrote it (Invoke-Expression's is its argument's),
        // else the command's name.
        if (create.Commands is [var first, ..])
        {
            var script = first.IsScript ? first.Command : BehaviourCatalog.InvokeExpressionScript(first);
            _script = script ?? first.Command.Trim();
            _placement = (byte)((create.RemoteStreamOptions & AllStreamOptions) | (script is not null ? IsScriptFlag : 0));
            _commandCount = (byte)Math.Min(create.Commands.Count, byte.MaxValue);
            // Invoke-Expression sent as a command is placed in its script, but its history line is the command's text
            // (GetCommandStringForHistory: the first command's).
            if (!first.IsScript && script is not null && create.AddToHistory) Extras().HistoryLine = first.Command;
            // A script for the history is parsed so that it sets $^ and $$ when it runs.
            if (first.IsScript && create.AddToHistory) _placement |= HistoryScriptFlag;
        }

        // The history takes the pipeline when it ends, with the time it started (as LocalPipeline's AddToHistory).
        if (create.AddToHistory && !create.IsNested)
        {
            var sinceCreation = (_shell.Services.Time.GetUtcNow() - _shell.CreatedAt).TotalMilliseconds;
            _historyStart = (uint)Math.Clamp(sinceCreation + 1, 1, uint.MaxValue);
        }

        // A pipeline with a host of its own answers $Host.UI.RawUI from that host's data (kept beside the host calls'
        // state: most clients' pipelines use the pool's host).
        var usesRunspaceHost = HostInfoData.UsesRunspaceHost(create.HostInfo);
        if (!usesRunspaceHost)
        {
            _placement |= OwnHostFlag;
            if (HostInfoData.RawUI(create.HostInfo) is { } raw) Extras().RawUI = raw;
        }

        var console = usesRunspaceHost ? _shell.PoolHostConsole : HostConsole.From(create.HostInfo);
        Start(_shell.Services.Behaviours.Resolve(create), runspacePoolId, console, create, nested: create.IsNested);
    }

    private void Start(IBehaviourScript script, Guid runspacePoolId, HostConsole console, object description, bool nested = false)
    {
        _runspacePoolId = runspacePoolId;
        _hostConsole = console;
        Lifecycle = PipelineLifecycle.Running;
        State = PSInvocationState.Running;
        var logger = _shell.Services.Logger;
        if (logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
        {
            // The text is made only for a log that will be written.
            var text = description is CreatePipeline create ? string.Join(" | ", create.Commands.Select(c => c.Command)).Trim() : description.ToString() ?? string.Empty;
            Diagnostics.Log.PipelineStarted(logger, _shell.ShellId, CommandId, text);
        }
        // Runs inline up to its first real wait (a sleep, a full Block buffer, input): a behaviour without waits
        // has buffered all its output before CommandResponse is sent, as a fast command on Windows has. When the
        // pool's runspaces are all busy it waits for one, as in PowerShell's RunspacePool (CommandResponse at once).
        // A nested pipeline (IsNested: made while its parent waits, in a host call) on a pool of one runspace that a
        // pipeline holds runs beside it at once and takes none, as ServerRunspacePoolDriver runs it (nested, or as a
        // steppable pipeline): waiting would wait for the parent, which waits for it. Otherwise (a larger pool, or
        // nothing running) PowerShell runs it as any other pipeline.
        _run = nested && _shell.MaxRunspaces == 1 && _shell.RunspacesInUse > 0 ? RunAsync(script, holdsRunspace: false)
            : _shell.TryTakeRunspace() ? RunAsync(script) : RunWhenRunspaceFreeAsync(script);
    }

    private async Task RunWhenRunspaceFreeAsync(IBehaviourScript script)
    {
        try
        {
            await _shell.WaitForRunspaceAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped or closed while it waited: it never ran, and it holds no runspace.
            await FinishAsync(Task.FromCanceled<PipelineOutcome>(_stop.Token), ownScript: false, holdsRunspace: false).ConfigureAwait(false);
            return;
        }

        await RunAsync(script).ConfigureAwait(false);
    }

    private Task RunAsync(IBehaviourScript script, bool holdsRunspace = true)
    {
        // The server's clock itself: SleepAsync publishes before a sleep (no publishing clock per pipeline).
        var time = _shell.Services.Time;
        var own = script as BehaviourScript;
        Task<PipelineOutcome> run;
        try
        {
            if ((_placement & HistoryScriptFlag) != 0) _shell.ParsedForHistory(_script!);
            run = own is not null ? own.RunUnguardedAsync(this, time, _stop.Token) : script.RunAsync(this, time, _stop.Token);
        }
        catch (Exception e)
        {
            run = Task.FromException<PipelineOutcome>(e);
        }

        // The script object itself is not kept by a waiting pipeline: only its run.
        return FinishAsync(run, own is not null, holdsRunspace);
    }

    private async Task FinishAsync(Task<PipelineOutcome> run, bool ownScript, bool holdsRunspace)
    {
        PipelineOutcome outcome;
        try
        {
            outcome = await run.ConfigureAwait(false);
        }
        catch (Exception e) when (ownScript && BehaviourScript.OutcomeOf(e, ScriptedError.ToErrorRecord, _stop.Token) is { } own)
        {
            outcome = own;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            outcome = new PipelineOutcome(PSInvocationState.Stopped,
                ErrorRecords.Create("The pipeline has been stopped.", "PipelineStopped", ErrorCategory.OperationStopped, "System.Management.Automation.PipelineStoppedException"));
        }
        catch (Exception e)
        {
            Diagnostics.Log.BehaviourCrashed(_shell.Services.Logger, e, _shell.ShellId, CommandId);
            outcome = new PipelineOutcome(PSInvocationState.Failed,
                ErrorRecords.Create("The emulator's behaviour for this command failed: " + e.Message, "EmulatorBehaviourFailed", ErrorCategory.NotSpecified));
        }

        // A terminating error is placed at the statement that raised it.
        if (outcome is { State: PSInvocationState.Failed, ErrorRecord: { } failure } && _script is not null) outcome = outcome with { ErrorRecord = Placed(failure, errorStream: false) };
        State = outcome.State;
        if (_historyStart != 0)
        {
            // Its command line is the first command's text, as PowerShell's GetCommandStringForHistory takes it.
            _shell.Runspace.AddHistory(_hostCalls?.HistoryLine ?? _script ?? string.Empty, outcome.State, _shell.CreatedAt.AddMilliseconds(_historyStart - 1), _shell.Services.Time.GetUtcNow());
        }

        // A terminating error is in $Error too (not a stop the client asked for).
        if (outcome is { State: PSInvocationState.Failed, ErrorRecord: { } reason }) _shell.Runspace?.RecordError(reason);
        if (Lifecycle == PipelineLifecycle.Running) Lifecycle = PipelineLifecycle.Finished;
        var body = new PipelineStateMessage(outcome.State, outcome.State is PSInvocationState.Failed or PSInvocationState.Stopped ? outcome.ErrorRecord : null);
        var message = PsrpMessage.Create(PsrpDestination.Client, _runspacePoolId, PipelineId, body);
        Output.Complete(new OutboundMessage(_shell.NextObjectId(), message.MessageType, message.ToArray()));
        Diagnostics.Log.PipelineFinished(_shell.Services.Logger, _shell.ShellId, CommandId, outcome.State.ToString());
        if (holdsRunspace) _shell.ReturnRunspace();
    }

    public RunspaceState? Runspace => _shell.Runspace;

    /// <summary>
    /// The variables Windows gives the user's wsmprovhost process on the shell's computer (COMPUTERNAME, USERNAME,
    /// USERPROFILE, TEMP, SystemRoot...), as a cmd shell's processes get them; made when a behaviour first reads one.
    /// </summary>
    public string? EnvironmentVariable(string name) => _shell.ProcessEnvironment.TryGet(name, out var value) ? value : null;

    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => _shell.ProcessEnvironment.Variables;

    public VirtualFileSystem? FileSystem => _shell.Services.FileSystemOf(_shell.ComputerName, EnvironmentVariable("USERPROFILE"));

    public PersistentEnvironment? PersistentEnvironment => _shell.Services.EnvironmentOf(_shell.ComputerName);

    public ServiceStates? ServiceStates => _shell.Services.ServicesOf(_shell.ComputerName);

    public LocalAccounts? LocalAccounts => _shell.Services.AccountsOf(_shell.ComputerName);

    public FirewallRules? FirewallRules => _shell.Services.FirewallRulesOf(_shell.ComputerName);

    public ScheduledTasks? ScheduledTasks => _shell.Services.ScheduledTasksOf(_shell.ComputerName);

    public SmbShares? SmbShares => _shell.Services.SmbSharesOf(_shell.ComputerName);

    public ComputerWmi? Wmi => _shell.Services.WmiOf(_shell.ComputerName);

    public CertificateStores? CertificateStores => _shell.Services.CertificateStoresOf(_shell.ComputerName);

    public EventLogs? EventLogs => _shell.Services.EventLogsOf(_shell.ComputerName);

    public NetworkSettings? NetworkSettings => _shell.Services.NetworkSettingsOf(_shell.ComputerName);

    public IReadOnlyList<WsManConfigEntry>? WsManConfiguration => _shell.Services.WsManSettingsOf(_shell.ComputerName).Apply(WsManConfigTree.For(_shell.Services));

    public WsManSettings? WsManSettings => _shell.Services.WsManSettingsOf(_shell.ComputerName);

    public VirtualRegistry? Registry => _shell.Services.RegistryOf(_shell.ComputerName);

    public IComputerPower? Power => _shell.Services.Restarts?.For(_shell.ComputerName);

    public WindowsFeatureStates? WindowsFeatures => _shell.Services.FeaturesOf(_shell.ComputerName);

    /// <summary>
    /// <c>$PSVersionTable</c> and <c>$PSEdition</c> of the endpoint (the versions its APPLICATION_PRIVATE_DATA reports),
    /// <c>$PID</c> (the shell's process), <c>$Host</c> (a remote session's ServerRemoteHost), and the session's own:
    /// <c>$HOME</c> (the user's profile), <c>$PSCulture</c> / <c>$PSUICulture</c> (the client's DataLocale and Locale,
    /// which a remote session takes on) and <c>$PSSenderInfo</c> (who connected, to which configuration).
    /// </summary>
    public PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => name.ToUpperInvariant() switch
    {
        "HOME" => EnvironmentVariable("USERPROFILE") is { } profile ? PsrpEmulator.Protocol.Clixml.PsPrimitive.String(profile) : null,
        "PSUICULTURE" => PsrpEmulator.Protocol.Clixml.PsPrimitive.String(_shell.Locale ?? "en-US"),
        "PSCULTURE" => PsrpEmulator.Protocol.Clixml.PsPrimitive.String(_shell.DataLocale ?? _shell.Locale ?? "en-US"),
        "PSSENDERINFO" => ShellServices.SenderInfo($"{EnvironmentVariable("USERDOMAIN")}\\{EnvironmentVariable("USERNAME")}", _shell.ConfigurationName, _shell.ConnectionString),
        "HOST" when RawUI is { } raw && _shell.Services.AutomaticVariable(name, _shell.ProcessId, consoleHost: false) is { } host => ShellServices.WithRawUI(host, raw),
        _ => _shell.Services.AutomaticVariable(name, _shell.ProcessId, consoleHost: false),
    };

    public RunspaceState? ExistingRunspace => _shell.ExistingRunspace;

    public void Publish() => Output.Publish();

    /// <summary>Data objects BufferMode Drop discarded from this pipeline's output.</summary>
    public int DroppedCount => _dropped;

    private int _dropped;

    // The classes this pipeline's output stream has sent the schema of (PowerShell's serialization context, one per command).
    private Behaviours.CimClassMetadata? _cimClasses;

    public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        // An empty pipeline's result ($x = & {}; $x) is no object on the wire.
        if (record is PipelineOutput { Value: var nothing } && ReferenceEquals(nothing, PsNil.AutomationNull)) return ValueTask.CompletedTask;
        // Add-Member's script and alias properties go as their values now, as the serializer reads them, the nested
        // objects' too. (The copy goes on from here as any object.)
        return record is PipelineOutput { Value: PsObject scripted } && ScriptMembers.HasPropertiesWithin(scripted, RemotingDepth.MaxDepthBelowTopLevel)
            ? WriteScriptPropertyValuesAsync(scripted, cancellationToken)
            : WriteReadyAsync(record, cancellationToken);
    }

    // A record written as it goes on the wire (script properties already read).
    private ValueTask WriteReadyAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        // An [xml] node goes as it is now (a document as XD, PowerShell's serializer's own type for one).
        if (record is PipelineOutput { Value: PsObject or PsPrimitive { Type: PsPrimitiveType.DateTime } } output)
        {
            if (Behaviours.XmlNodes.ForWire(output.Value) is { } xml) record = output = new PipelineOutput(xml);
            // A warning, verbose or debug record merged into the output goes as the serializer writes one.
            else if (Behaviours.InformationalRecords.ForWire(output.Value) is { } informational) record = output = new PipelineOutput(informational);
            // Windows serializes output to depth 1: what lies deeper in a .NET object's properties goes as its text. A
            // CimInstance's own CimClass, CimInstanceProperties and CimSystemProperties are not sent at all.
            var serialized = RemotingDepth.Apply(Behaviours.CimInstanceMembers.Without(output.Value), WireText, wrapped: WireMembers, typeMembers: Behaviours.ExtendedTypeMembers.PropertyNames);
            // A CimInstance goes with its class's metadata, the schema only the first time this pipeline sends the class.
            if (serialized is PsObject { TypeNames: not null })
            {
                _cimClasses ??= new Behaviours.CimClassMetadata((EnvironmentVariable("COMPUTERNAME") ?? _shell.ComputerName).ToUpperInvariant(), (ns, className) => Wmi?.Find(ns, className)?.Keys);
                serialized = _cimClasses.ForWire(serialized);
            }

            if (!ReferenceEquals(serialized, output.Value)) record = new PipelineOutput(serialized);
        }
        else if (record is InformationRecordMessage information && RemotingDepth.Apply(information.MessageData, WireText, wrapped: WireMembers, typeMembers: Behaviours.ExtendedTypeMembers.PropertyNames) is var data && !ReferenceEquals(data, information.MessageData))
        {
            // The record goes as a PSObject whose MessageData note is at the record's depth (ToPSObjectForRemoting).
            record = information with { MessageData = data };
        }

        if (record is ErrorRecordMessage error)
        {
            if (_script is not null) record = error = new ErrorRecordMessage(Placed(error.Record, errorStream: true));
            _shell.Runspace?.RecordError(error.Record);
            // $Error keeps the target whole; the wire gets it to the record's depth, as a note of the record.
            var cut = RemotingDepth.ApplyToNote(error.Record, "TargetObject", WireText, wrapped: WireMembers, typeMembers: Behaviours.ExtendedTypeMembers.PropertyNames);
            if (!ReferenceEquals(cut, error.Record)) record = new ErrorRecordMessage(cut);
        }
        else if ((_placement & (AllStreamOptions & ~AddInvocationInfoToErrorRecord)) != 0)
        {
            record = WithInvocation(record);
        }

        var written = _shell.BufferMode == Hosting.OutputBufferMode.Block && _shell.State == ShellConnectionState.Disconnected &&
            _shell.Services.Options.BlockWhileDisconnected == Hosting.BlockWhileDisconnected.PauseAtNextOutput
            ? WriteWhenConnectedAsync(record, cancellationToken)
            : WriteNowAsync(record, cancellationToken);
        return HasHostUI && HostEcho(record) is { } echo ? ThenAsync(written, echo, cancellationToken) : written;
    }

    private async ValueTask WriteScriptPropertyValuesAsync(PsObject scripted, CancellationToken cancellationToken) =>
        await WriteReadyAsync(new PipelineOutput(await RunContext.ScriptPropertyValuesForClientAsync(scripted, this, _shell.Services.Time, _shell.Services.Behaviours, cancellationToken)), cancellationToken);

    private static readonly Func<PsObject, string> WireText = value => PipelineVariables.Display(value);

    // A date Get-Date wrote goes with its DisplayHint note, as the PSObject GetDateCommand wrapped it in.
    private static readonly Func<PsPrimitive, PsObject?> WireMembers = value => value.Type == PsPrimitiveType.DateTime ? Behaviours.DateDisplayHints.ForWire(value) : null;

    // The record went to the server's host, not to a pipe (a redirection, a merge, a variable capture took it before
    // here): InternalHostUserInterface adds it to the stream the client gets as a record, then calls the host's UI
    // (WriteWarningLine... WriteProgress), which on a client host with a UI is a void PIPELINE_HOST_CALL after the
    // record (ServerRemoteHostUserInterface).
    // A client without a host UI gets the records only. PowerShell's own client shows the host call and keeps the
    // record for -WarningVariable and the job's streams only (PSStreamObject), so nothing shows twice.
    private static PipelineHostCall? HostEcho(IPsrpMessageBody record) => record switch
    {
        WarningRecordMessage warning => VoidCall(RemoteHostMethodId.WriteWarningLine, warning.Message),
        VerboseRecordMessage verbose => VoidCall(RemoteHostMethodId.WriteVerboseLine, verbose.Message),
        DebugRecordMessage debug => VoidCall(RemoteHostMethodId.WriteDebugLine, debug.Message),
        InformationRecordMessage information => HostEcho(information),
        // Write-Progress passes its -SourceId (0 unless given) and the record as ProgressRecord.ToPSObjectForRemoting
        // makes it, the PROGRESS_RECORD's own body.
        ProgressRecordMessage progress => new PipelineHostCall(RemoteHostCalls.VoidCallId, RemoteHostMethodId.WriteProgress, [PsPrimitive.Int64(progress.SourceId), progress.ToPsValue()]),
        _ => null,
    };

    // MshCommandRuntime.WriteInformation: a PSHOST record (Write-Host) not FORWARDED is written to the host in its
    // colours (one given, the other Gray or Black), without a new line when asked. Write-Information's records are
    // shown only under InformationPreference Continue: the behaviour gives such a record its HostText.
    private static PipelineHostCall? HostEcho(InformationRecordMessage record)
    {
        // Write-Information under Continue: its text with WriteLine (MshCommandRuntime.WriteInformation).
        if (record.HostText is { } text) return VoidCall(RemoteHostMethodId.WriteLine2, text);
        if (!Contains(record.Tags, HostInformationMessage.HostTag) || Contains(record.Tags, "FORWARDED") ||
            HostInformationMessage.TryRead(record.MessageData) is not { } message)
        {
            return null;
        }

        var noNewLine = message.NoNewLine == true;
        if (message.ForegroundColor is null && message.BackgroundColor is null)
        {
            return VoidCall(noNewLine ? RemoteHostMethodId.Write1 : RemoteHostMethodId.WriteLine2, message.Message);
        }

        return new PipelineHostCall(RemoteHostCalls.VoidCallId, noNewLine ? RemoteHostMethodId.Write2 : RemoteHostMethodId.WriteLine3,
            [PsPrimitive.Int32((int)(message.ForegroundColor ?? ConsoleColor.Gray)), PsPrimitive.Int32((int)(message.BackgroundColor ?? ConsoleColor.Black)),
             PsPrimitive.String(message.Message)]);

        static bool Contains(IReadOnlyList<string> tags, string tag)
        {
            for (var i = 0; i < tags.Count; i++)
            {
                if (string.Equals(tags[i], tag, StringComparison.Ordinal)) return true;
            }

            return false;
        }
    }

    private static PipelineHostCall VoidCall(RemoteHostMethodId method, string text) =>
        new(RemoteHostCalls.VoidCallId, method, [PsPrimitive.String(text)]);

    private async ValueTask ThenAsync(ValueTask written, PipelineHostCall echo, CancellationToken cancellationToken)
    {
        await written.ConfigureAwait(false);
        await WriteAsync(echo, cancellationToken).ConfigureAwait(false);
    }

    // Block on a disconnected shell: WinRM accepts nothing more until a client connects.
    private async ValueTask WriteWhenConnectedAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        Output.Publish();
        await _shell.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
        await WriteNowAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask WriteStringOutputAsync(ReadOnlySpan<string?> pieces, ulong verbatimPieces, CancellationToken cancellationToken)
    {
        // The string itself only when the pieces need CLIXML escaping, or when the write may have to wait.
        if (!(_shell.BufferMode == Hosting.OutputBufferMode.Block && _shell.State == ShellConnectionState.Disconnected &&
              _shell.Services.Options.BlockWhileDisconnected == Hosting.BlockWhileDisconnected.PauseAtNextOutput))
        {
            // The usual case (plain text, room in the buffer): the message is written straight into the buffer. Only
            // the pieces not known to be verbatim are looked at here; the write checks each piece as it copies it.
            var length = PsrpMessage.StringOutputLength(pieces, verbatimPieces);
            var objectId = length >= 0 ? _shell.NextObjectId() : 0;
            if (length >= 0)
            {
                if (Output.TryWriteStringOutput(objectId, _runspacePoolId, PipelineId, pieces, length)) return ValueTask.CompletedTask;
                // Too long for a slab: its own array, from a pool.
                if (Fragment.HeaderLength + length > OutputStream.SlabMessageLimit)
                {
                    return WriteNowAsync(Output.RentStringOutput(objectId, _runspacePoolId, PipelineId, pieces, length), cancellationToken);
                }
            }

            if (PsrpMessage.EncodeStringOutput(PsrpDestination.Client, _runspacePoolId, PipelineId, pieces, headroom: Fragment.HeaderLength) is { } message)
            {
                return WriteNowAsync(new OutboundMessage(length >= 0 ? objectId : _shell.NextObjectId(), PsrpMessageType.PipelineOutput, message, headroom: Fragment.HeaderLength), cancellationToken);
            }
        }

        return WriteAsync(new PipelineOutput(PsPrimitive.String(string.Concat(pieces))), cancellationToken);
    }

    private ValueTask WriteNowAsync(IPsrpMessageBody record, CancellationToken cancellationToken) =>
        WriteNowAsync(new OutboundMessage(_shell.NextObjectId(), record.MessageType,
            PsrpMessage.Encode(PsrpDestination.Client, _runspacePoolId, PipelineId, record, headroom: Fragment.HeaderLength), headroom: Fragment.HeaderLength), cancellationToken);

    private ValueTask WriteNowAsync(OutboundMessage outbound, CancellationToken cancellationToken)
    {
        if (Output.TryWrite(outbound)) return ValueTask.CompletedTask;
        if (_shell.DropsOutput)
        {
            Drop(outbound);
            return ValueTask.CompletedTask;
        }

        Diagnostics.Log.BufferBlocked(_shell.Services.Logger, CommandId);
        Output.Publish();
        var written = Output.WriteAsync(outbound, cancellationToken);
        // The shell was disconnected with Drop after the test above: the disconnect's release may have looked before
        // this writer waited, so it releases itself.
        if (!written.IsCompleted && _shell.DropsOutput) ReleaseBlockedWriters();
        return written;
    }

    /// <summary>
    /// The shell is now disconnected with BufferMode Drop: writers waiting for room (the buffer filled while a client
    /// was connected) stop waiting, the oldest buffered objects (or, by the Newest policy, their own) dropped for them.
    /// </summary>
    internal void ReleaseBlockedWriters()
    {
        while (_shell.DropsOutput && Output.HasBlockedWriters)
        {
            if (_shell.Services.Options.DropPolicy == Hosting.DropPolicy.Oldest && Output.TryDiscardOldest(out var oldest))
            {
                RecordDrop(oldest);
            }
            else if (Output.TryDiscardBlocked(out var newest))
            {
                RecordDrop(newest);
            }
            else
            {
                break;
            }
        }
    }

    // Drop never waits: whole objects are discarded (oldest by default), state messages never (they bypass the buffer).
    private void Drop(OutboundMessage outbound)
    {
        if (_shell.Services.Options.DropPolicy == Hosting.DropPolicy.Oldest && Output.TryDiscardOldest(out var oldest))
        {
            RecordDrop(oldest);
            if (Output.TryWrite(outbound)) return;
        }

        // Newest policy, or a concurrent writer took the freed slot: the new object is the one lost.
        RecordDrop(outbound.Type);
        outbound.Unlink(); // never buffered: a pooled array goes back now
    }

    private void RecordDrop(PsrpMessageType dropped)
    {
        var count = Interlocked.Increment(ref _dropped);
        Diagnostics.Log.OutputDropped(_shell.Services.Logger, _shell.ShellId, CommandId, dropped, count);
        _shell.Services.Journal.Add(seq => new JournalEntry(seq, _shell.Services.Time.GetUtcNow(), _shell.Owner, "OutputDropped", _shell.ResourceUri,
            _shell.ShellId, CommandId, [dropped], [], 0, null));
    }

    // The sleep the behaviour is in, if any: Stop and Terminate end it directly (no registration on the stop token
    // kept by every sleeping pipeline).
    private PipelineSleep? _sleep;

    public ValueTask SleepAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        // What the behaviour wrote goes out before it waits, so a waiting Receive takes the whole burst.
        Output.Publish();
        if (cancellationToken != _stop.Token) return new ValueTask(LongDelays.Delay(delay, time, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        var timers = time == _shell.Services.Time ? _shell.Services.SleepTimers : null;
        var sleep = new PipelineSleep();
        Volatile.Write(ref _sleep, sleep);
        // Stopped between the look above and publishing the sleep: Stop may have missed it.
        if (cancellationToken.IsCancellationRequested) sleep.Cancel(cancellationToken);
        else sleep.Start(time, delay, timers);
        return sleep.Task;
    }

    private void CancelSleep() => Interlocked.Exchange(ref _sleep, null)?.Cancel(_stop.Token);

    public async ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken)
    {
        var published = false;
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            lock (Gate)
            {
                if (_input is { } queue && queue.TryDequeue(out var ready))
                {
                    if (queue.Count == 0) _input = null;
                    return ready;
                }

                if (_inputCompleted) return null;
                // Input written by a Send runs the waiting behaviour inline (no RunContinuationsAsynchronously), so
                // its output is buffered before SendResponse.
                waiter = _inputWaiter ??= new TaskCompletionSource<bool>();
            }

            if (!published)
            {
                Output.Publish();
                published = true;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void WriteInput(PsValue value)
    {
        TaskCompletionSource<bool>? waiter;
        lock (Gate)
        {
            if (_inputCompleted) return;
            (_input ??= new Queue<PsValue>()).Enqueue(value);
            waiter = _inputWaiter;
            _inputWaiter = null;
        }

        waiter?.TrySetResult(true);
    }

    private void CompleteInput()
    {
        TaskCompletionSource<bool>? waiter;
        lock (Gate)
        {
            _inputCompleted = true;
            waiter = _inputWaiter;
            _inputWaiter = null;
        }

        waiter?.TrySetResult(false);
    }

    /// <summary>
    /// Past MaximumReceivedDataSizePerCommandMB or MaximumReceivedObjectSizeMB the PowerShell plugin closes the
    /// command's transport: it stops the pipeline and sends the client nothing more (no PIPELINE_STATE); a waiting
    /// Receive and every later Send or Receive for the command get the same fault until the client terminates it.
    /// </summary>
    public void ThrowIfClosedByQuota()
    {
        if (Volatile.Read(ref _closedBy) is { } closed) throw new WsManFaultException(closed.Reason, closed.Arguments) { Provider = closed.Provider };
    }

    private void CloseTransport()
    {
        // First: wakes a waiting Receive (which then faults), and the Stopped state the behaviour ends with below is
        // never sent (stopping may run the behaviour's end inline).
        Output.Close();
        _stop.Cancel();
        CancelSleep();
        CompleteInput();
    }

    /// <summary>Ctrl+C: stops the behaviour; completes when the Stopped state is buffered.</summary>
    public Task StopAsync()
    {
        _stop.Cancel();
        CancelSleep();
        CompleteInput();
        return _run;
    }

    /// <summary>Signal Terminate or shell deletion: stops and forgets the pipeline.</summary>
    public void Terminate()
    {
        Lifecycle = PipelineLifecycle.Closed;
        _stop.Cancel();
        CancelSleep();
        CompleteInput();
        _shell.RemovePipeline(this);
    }
}

/// <summary>
/// What some pipelines need and most do not, made at first use: the host calls waiting for the client's answer by call
/// id (PowerShell's ServerDispatchTable, per pipeline: ids 1, 2, ...), the last id given and the pr stream's
/// defragmenter; the RawUI values of a pipeline's own host; the place of the running top-level statement in the script.
/// </summary>
internal sealed class PipelineExtras
{
    /// <summary>The history line when it is not the placed script (Invoke-Expression sent as a command: its name).</summary>
    public string? HistoryLine;

    /// <summary>Where the running top-level statement starts in the client's script; -1: the script is one statement.</summary>
    public int StatementStart = -1;

    // Where the script's statements stand as they run (ErrorPlacement.NextStatement).
    public StatementCursor? Statements;

    public int StatementLength;

    public Dictionary<long, TaskCompletionSource<PipelineHostResponse>> Waiting { get; } = [];

    public long LastCallId;

    public Defragmenter? Responses;

    /// <summary>The RawUI values of a pipeline's own host (not the pool's), when it sent some.</summary>
    public HostRawUI? RawUI;
}

/// <summary>
/// One sleep of a pipeline's behaviour: a timer on the behaviour's clock and the awaitable it completes, or
/// fails with the pipeline's stop when Stop/Terminate cancels it first.
/// </summary>
internal sealed class PipelineSleep : System.Threading.Tasks.Sources.IValueTaskSource
{
    // The shared SleepTimers this sleep is queued on, or its own ITimer (other clocks), or a LongSleep holding that timer.
    private object? _clock;

    // Continuations run inline, as those of Task.Delay do: the behaviour writes on the timer's thread.
    private System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore<bool> _core;
    private int _done;

    public ValueTask Task => new(this, _core.Version);

    public void Start(TimeProvider time, TimeSpan delay, SleepTimers? timers)
    {
        if (timers is not null)
        {
            Volatile.Write(ref _clock, timers);
            timers.Add(this, delay);
            // Cancelled before it was queued: take it out again.
            if (Volatile.Read(ref _done) != 0) timers.Remove(this);
            return;
        }

        // Armed once kept, so that each firing finds it. A sleep longer than one timer can wait goes on in steps: its
        // clock is then a LongSleep holding the timer, the clock and the due timestamp (no field for it in every sleep).
        var timer = time.CreateTimer(static state => ((PipelineSleep)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Volatile.Write(ref _clock, delay > LongDelays.MaxTimerDelay ? new LongSleep(timer, time, LongDelays.Due(time, delay)) : timer);
        // Cancelled before the timer was kept: nobody else will dispose it.
        if (Volatile.Read(ref _done) != 0)
        {
            timer.Dispose();
            return;
        }

        Arm(timer, delay > LongDelays.MaxTimerDelay ? LongDelays.MaxTimerDelay : delay);
    }

    private sealed record LongSleep(ITimer Timer, TimeProvider Time, long Due);

    private static void Arm(ITimer timer, TimeSpan wait)
    {
        try
        {
            timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Cancelled meanwhile.
        }
    }

    private void Tick()
    {
        if (Volatile.Read(ref _clock) is LongSleep sleep && LongDelays.NextStep(sleep.Time, sleep.Due) is var next && next > TimeSpan.Zero)
        {
            Arm(sleep.Timer, next);
            return;
        }

        End();
    }

    /// <summary>The sleep is over.</summary>
    public void End() => Finish(null);

    public void Cancel(CancellationToken token)
    {
        if (Finish(new OperationCanceledException(token)) && Volatile.Read(ref _clock) is SleepTimers timers) timers.Remove(this);
    }

    private bool Finish(Exception? error)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return false;
        switch (Volatile.Read(ref _clock))
        {
            case ITimer timer:
                timer.Dispose();
                break;
            case LongSleep sleep:
                sleep.Timer.Dispose();
                break;
        }

        if (error is null) _core.SetResult(true);
        else _core.SetException(error);
        return true;
    }

    public void GetResult(short token) => _core.GetResult(token);

    public System.Threading.Tasks.Sources.ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, System.Threading.Tasks.Sources.ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
