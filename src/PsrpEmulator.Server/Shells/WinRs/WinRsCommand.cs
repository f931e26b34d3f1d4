using System.Text;
using System.Threading.Channels;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Shells.WinRs;

/// <summary>The lifecycle of a WinRS command (a process in the cmd shell).</summary>
internal enum WinRsCommandState
{
    Running,
    /// <summary>The process exited; output may still be waiting to be received.</summary>
    Done,
    /// <summary>Signal terminate or shell deletion: the command is gone.</summary>
    Closed,
}

/// <summary>
/// One command of a WinRS cmd shell: runs its command-line behaviour asynchronously, takes stdin from Send and
/// buffers stdout/stderr chunks for Receive, under the shell's buffer mode.
/// </summary>
internal sealed class WinRsCommand : ICommandLineHost
{
    /// <summary>STATUS_CONTROL_C_EXIT: the exit code of a console process ended by Ctrl+C or Ctrl+Break.</summary>
    public const int ControlCExitCode = unchecked((int)0xC000013A);

    private readonly Shell _shell;
    private readonly WinRsContext _context;
    private readonly Channel<ReadOnlyMemory<byte>> _stdin = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions
    {
        SingleReader = true,
        AllowSynchronousContinuations = true,
    });
    private readonly CancellationTokenSource _stop = new();
    // The stdin pipe's fill: bytes sent and not yet read by the process, and a Send waiting for room (guarded by _stdinLock).
    private readonly Lock _stdinLock = new();
    private long _stdinUnread;
    private bool _stdinClosed;
    private TaskCompletionSource? _stdinRoom;
    private Task _run = Task.CompletedTask;
    private int _dropped;

    public WinRsCommand(Shell shell, WinRsContext context, string commandId, string commandLine)
    {
        _shell = shell;
        _context = context;
        CommandId = commandId;
        CommandLine = commandLine;
        Output = new WinRsOutput(shell.OutputBufferCapacity);
    }

    public string CommandId { get; }
    public string CommandLine { get; }
    public WinRsOutput Output { get; }
    public WinRsCommandState State { get; private set; } = WinRsCommandState.Running;
    public int? ExitCode { get; private set; }
    public int DroppedCount => _dropped;

    public Encoding Encoding => _context.Encoding;

    public int ConsoleWidth => _context.ConsoleWidth;

    // powershell.exe is the computer's Windows PowerShell: the PSVersionTable its endpoints report, a console host, and
    // a process of its own (the cmd shell's process id is the shell's; this command's comes after it).
    // Its $HOME is the user's profile and its cultures the server's (en-US); it has no $PSSenderInfo (no remote session).
    public PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => name.ToUpperInvariant() switch
    {
        "HOME" => _context.Environment.TryGet("USERPROFILE", out var profile) ? PsrpEmulator.Protocol.Clixml.PsPrimitive.String(profile) : null,
        "PSCULTURE" or "PSUICULTURE" => PsrpEmulator.Protocol.Clixml.PsPrimitive.String("en-US"),
        _ => _shell.Services.AutomaticVariable(name, _shell.ProcessId + 1, consoleHost: true),
    };

    public IReadOnlyDictionary<string, string> Facts => _context.Facts;

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

    public VirtualFileSystem? FileSystem => _shell.Services.FileSystemOf(_shell.ComputerName, _context.Environment.TryGet("USERPROFILE", out var profile) ? profile : null);

    public IReadOnlyList<KeyValuePair<string, string>> Environment => _context.Environment.Variables;

    /// <summary>Starts the behaviour; it runs inline up to its first real wait, so a quick command is done before CommandResponse.</summary>
    public void Start(ICommandLineScript script)
    {
        Log.PipelineStarted(_shell.Services.Logger, _shell.ShellId, CommandId, CommandLine);
        _run = RunAsync(script);
    }

    private async Task RunAsync(ICommandLineScript script)
    {
        int exitCode;
        try
        {
            exitCode = await script.RunAsync(this, new PublishingTimeProvider(_shell.Services.Time, Output.Publish), _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            exitCode = ControlCExitCode;
        }
        catch (Exception e)
        {
            Log.BehaviourCrashed(_shell.Services.Logger, e, _shell.ShellId, CommandId);
            await WriteEmulatorFailureAsync(e).ConfigureAwait(false);
            exitCode = 1;
        }

        ExitCode = exitCode;
        // The process is gone, and its stdin pipe with it: later stdin goes nowhere (nothing waits for room).
        CloseStdin();
        if (State == WinRsCommandState.Running) State = WinRsCommandState.Done;
        Output.Complete(exitCode);
        Log.PipelineFinished(_shell.Services.Logger, _shell.ShellId, CommandId, "exit code " + exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task WriteEmulatorFailureAsync(Exception e)
    {
        try
        {
            await this.WriteTextAsync(WinRsStreams.Stderr, "The emulator's behaviour for this command failed: " + e.Message + "\r\n", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Terminated while reporting: nothing is listening any more.
        }
    }

    public ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var chunk = new WinRsChunk(stream, data.ToArray());
        if (Output.TryWrite(chunk)) return ValueTask.CompletedTask;
        if (_shell.DropsOutput)
        {
            Drop(chunk);
            return ValueTask.CompletedTask;
        }

        Log.BufferBlocked(_shell.Services.Logger, CommandId);
        Output.Publish();
        return WriteWhenRoomAsync(chunk, cancellationToken);
    }

    private async ValueTask WriteWhenRoomAsync(WinRsChunk chunk, CancellationToken cancellationToken)
    {
        // The wait ends with room, or when the shell disconnects: under Drop the chunk then goes in as Drop puts it.
        var connection = _shell.ConnectionToken;
        if (!connection.IsCancellationRequested)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection);
            try
            {
                await Output.WriteAsync(chunk, linked.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Disconnected while waiting (a cancelled channel write wrote nothing).
            }

            if (_shell.DropsOutput)
            {
                Drop(chunk);
                return;
            }
        }

        await Output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    private void Drop(WinRsChunk chunk)
    {
        if (_shell.Services.Options.DropPolicy == Hosting.DropPolicy.Oldest && Output.TryDiscardOldest(out var oldest))
        {
            RecordDrop();
            if (Output.TryWrite(chunk)) return;
        }

        RecordDrop();
    }

    private void RecordDrop()
    {
        var count = Interlocked.Increment(ref _dropped);
        Log.OutputDropped(_shell.Services.Logger, _shell.ShellId, CommandId, Protocol.Psrp.PsrpMessageType.PipelineOutput, count);
        _shell.Services.Journal.Add(seq => new JournalEntry(seq, _shell.Services.Time.GetUtcNow(), _shell.Owner, "OutputDropped", _shell.ResourceUri,
            _shell.ShellId, CommandId, [], [], 0, null));
    }

    public async ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken)
    {
        if (_stdin.Reader.TryRead(out var ready)) return Read(ready);
        Output.Publish();
        try
        {
            return Read(await _stdin.Reader.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    // What the process read leaves the pipe: a Send waiting for room may go on.
    private ReadOnlyMemory<byte> Read(ReadOnlyMemory<byte> chunk)
    {
        TaskCompletionSource? room;
        lock (_stdinLock)
        {
            _stdinUnread -= chunk.Length;
            room = _stdinRoom;
            _stdinRoom = null;
        }

        room?.TrySetResult();
        return chunk;
    }

    /// <summary>
    /// Send to stdin (<paramref name="end"/> closes it). Data that does not fit in the pipe's
    /// <paramref name="capacity"/> waits for the process to read, until <paramref name="hold"/> ends (then
    /// <see cref="OperationCanceledException"/>, nothing taken); data larger than the pipe goes in once it is empty.
    /// </summary>
    public async ValueTask AcceptStdinAsync(ReadOnlyMemory<byte> data, bool end, int capacity, CancellationToken hold)
    {
        while (!TryAcceptStdin(data, end, capacity, out var room))
        {
            await room!.WaitAsync(hold).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="AcceptStdinAsync"/> without waiting: false, with the task that completes when the process has read
    /// something, when the data does not fit now (nothing is taken).
    /// </summary>
    public bool TryAcceptStdin(ReadOnlyMemory<byte> data, bool end, int capacity, out Task? room)
    {
        room = null;
        if (!data.IsEmpty)
        {
            lock (_stdinLock)
            {
                // Stdin closed (the process ended, or an earlier Send ended it): what is sent goes nowhere.
                if (!_stdinClosed && _stdinUnread > 0 && _stdinUnread + data.Length > capacity)
                {
                    room = (_stdinRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    return false;
                }

                if (_stdin.Writer.TryWrite(data.ToArray())) _stdinUnread += data.Length;
            }
        }

        if (end) CloseStdin();
        return true;
    }

    // Stdin closed (stop, terminate): a Send waiting for room is let go.
    private void CloseStdin()
    {
        _stdin.Writer.TryComplete();
        TaskCompletionSource? room;
        lock (_stdinLock)
        {
            _stdinClosed = true;
            room = _stdinRoom;
            _stdinRoom = null;
        }

        room?.TrySetResult();
    }

    /// <summary>Ctrl+C / Ctrl+Break: ends a running process (STATUS_CONTROL_C_EXIT); completes when its exit is buffered.</summary>
    public Task StopAsync()
    {
        if (State != WinRsCommandState.Running) return Task.CompletedTask;
        _stop.Cancel();
        CloseStdin();
        return _run;
    }

    /// <summary>Signal terminate or shell deletion: ends the process and forgets the command.</summary>
    public void Terminate()
    {
        State = WinRsCommandState.Closed;
        _stop.Cancel();
        CloseStdin();
        _context.Remove(this);
    }
}
