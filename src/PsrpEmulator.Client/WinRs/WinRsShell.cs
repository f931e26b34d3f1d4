using System.Globalization;
using System.Text;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.WinRs;

/// <summary>What a WinRS cmd shell is created with (the options of WSManCreateShell / pywinrm's open_shell).</summary>
public sealed record WinRsShellOptions
{
    /// <summary>WINRS_CODEPAGE: the console code page of the shell's processes; null sends none (the server's OEM code page).</summary>
    public int? CodePage { get; init; } = 437;

    /// <summary>WINRS_NOPROFILE: do not load the user's profile.</summary>
    public bool NoProfile { get; init; }

    /// <summary>rsp:Environment variables of every process in the shell.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>rsp:WorkingDirectory; null: the user's profile directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>rsp:IdleTimeOut; null: the server's default.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>ResourceURI of the shell (the cmd shell by default).</summary>
    public string ResourceUri { get; init; } = WsManResourceUris.CmdShell;
}

/// <summary>
/// A WinRS cmd shell (<c>.../windows/shell/cmd</c>), as pywinrm, Ansible or winrs.exe use it: commands whose stdout and
/// stderr come back as bytes in the shell's code page, stdin, signals and an exit code. Faults are
/// <see cref="WsManFaultException"/>s. The transport is borrowed, not owned.
/// </summary>
public sealed class WinRsShell : IAsyncDisposable
{
    private readonly WsManTransport _transport;

    private WinRsShell(WsManTransport transport, string shellId, WinRsShellOptions options, Encoding encoding)
    {
        _transport = transport;
        ShellId = shellId;
        Options = options;
        Encoding = encoding;
    }

    public string ShellId { get; }

    public WinRsShellOptions Options { get; }

    /// <summary>The shell's code page as an encoding (UTF-8 for 65001, the Windows code page otherwise).</summary>
    public Encoding Encoding { get; }

    public bool Closed { get; private set; }

    /// <summary>Creates a cmd shell.</summary>
    public static async Task<WinRsShell> OpenAsync(WsManTransport transport, WinRsShellOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WinRsShellOptions();
        List<WsManOption> wsmanOptions = [new("WINRS_NOPROFILE", options.NoProfile ? "TRUE" : "FALSE")];
        if (options.CodePage is { } cp) wsmanOptions.Add(new WsManOption("WINRS_CODEPAGE", cp.ToString(CultureInfo.InvariantCulture)));
        var header = new WsManHeader { Action = WsManActions.Create, ResourceUri = options.ResourceUri, Options = wsmanOptions };
        var body = new ShellCreateBody(null, null, "stdin", "stdout stderr", options.IdleTimeout, null, null)
        {
            Environment = options.Environment,
            WorkingDirectory = options.WorkingDirectory,
        };
        var response = await transport.SendAsync(header, body, retransmit: false, cancellationToken).ConfigureAwait(false);
        if (response.Body is not CreateResponseBody created || !created.ResourceCreated.Selectors.TryGetValue("ShellId", out var shellId))
        {
            throw new InvalidDataException($"The server answered Create with {response.Body.GetType().Name}, not a CreateResponse with a ShellId.");
        }

        // The server judges the code page (Windows refuses one it lacks); one .NET cannot decode is refused here after.
        var codePage = options.CodePage ?? 437;
        var shell = new WinRsShell(transport, shellId, options, WinRsCodePages.TryGet(codePage) ?? Encoding.Latin1);
        if (WinRsCodePages.TryGet(codePage) is null)
        {
            await shell.DisposeAsync().ConfigureAwait(false);
            throw new ArgumentException($"The shell was created, but {codePage} is not a code page .NET can decode.", nameof(options));
        }

        return shell;
    }

    internal WsManHeader Header(string action, IReadOnlyList<WsManOption>? options = null) => new()
    {
        Action = action,
        ResourceUri = Options.ResourceUri,
        Selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = ShellId },
        Options = options ?? [],
    };

    internal Task<WsManEnvelope> SendAsync(WsManHeader header, WsManBody body, CancellationToken cancellationToken) => _transport.SendAsync(header, body, cancellationToken);

    /// <summary>Starts a command (rsp:Command and one rsp:Arguments per argument); <paramref name="skipCmdShell"/> runs it without cmd.exe.</summary>
    public async Task<WinRsCommand> StartAsync(string command, IEnumerable<string>? arguments = null, bool skipCmdShell = false, CancellationToken cancellationToken = default)
    {
        var header = Header(WsManActions.Command, [new WsManOption("WINRS_CONSOLEMODE_STDIN", "TRUE"), new WsManOption("WINRS_SKIP_CMD_SHELL", skipCmdShell ? "TRUE" : "FALSE")]);
        var response = await SendAsync(header, new CommandLineBody(null, command, null) { TextArguments = [.. arguments ?? []] }, cancellationToken).ConfigureAwait(false);
        if (response.Body is not CommandResponseBody started)
        {
            throw new InvalidDataException($"The server answered Command with {response.Body.GetType().Name}, not a CommandResponse.");
        }

        return new WinRsCommand(this, started.CommandId);
    }

    /// <summary>A command of this shell by id (one started elsewhere, or a wrong id: the server then answers InvalidSelectors).</summary>
    public WinRsCommand Command(string commandId) => new(this, commandId);

    /// <summary>Starts a command, sends <paramref name="stdin"/> (then End) if given, and receives to the end.</summary>
    public async Task<WinRsResult> RunAsync(string command, IEnumerable<string>? arguments = null, string? stdin = null, CancellationToken cancellationToken = default)
    {
        var started = await StartAsync(command, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stdin is not null) await started.SendAsync(stdin, end: true, cancellationToken).ConfigureAwait(false);
        return await started.ReceiveToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects the shell (WinRM 3.0); its commands go on running on the server.</summary>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        SendAsync(Header(WsManActions.Disconnect), new DisconnectBody(null, null), cancellationToken);

    /// <summary>Reconnects this client to its disconnected shell.</summary>
    public Task ReconnectAsync(CancellationToken cancellationToken = default) =>
        SendAsync(Header(WsManActions.Reconnect), new ReconnectBody(null, null), cancellationToken);

    /// <summary>Deletes the shell; every command in it ends.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Closed) return;
        await SendAsync(Header(WsManActions.Delete), EmptyBody.Instance, cancellationToken).ConfigureAwait(false);
        Closed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            // The shell is gone already (expired, deleted elsewhere) or the server is unreachable: nothing to close.
        }
    }
}

/// <summary>The signals a WinRS command takes (rsp:Signal Code).</summary>
public enum WinRsSignal
{
    /// <summary>Ends the process and forgets the command.</summary>
    Terminate,
    CtrlC,
    CtrlBreak,
}

/// <summary>What one Receive brought: stdout and stderr bytes, and the exit code once the command is done.</summary>
public sealed record WinRsReceive(byte[] Stdout, byte[] Stderr, bool Done, int? ExitCode);

/// <summary>A finished command: its whole stdout and stderr (bytes in the shell's code page) and exit code.</summary>
public sealed record WinRsResult(byte[] Stdout, byte[] Stderr, int ExitCode, Encoding Encoding)
{
    public string StdoutText => Encoding.GetString(Stdout);

    public string StderrText => Encoding.GetString(Stderr);
}

/// <summary>One command of a <see cref="WinRsShell"/>.</summary>
public sealed class WinRsCommand
{
    private readonly WinRsShell _shell;

    internal WinRsCommand(WinRsShell shell, string commandId)
    {
        _shell = shell;
        CommandId = commandId;
    }

    public string CommandId { get; }

    /// <summary>Sends text to stdin, encoded in the shell's code page; <paramref name="end"/> closes stdin.</summary>
    public Task SendAsync(string text, bool end = false, CancellationToken cancellationToken = default) =>
        SendAsync(_shell.Encoding.GetBytes(text), end, cancellationToken);

    public Task SendAsync(ReadOnlyMemory<byte> data, bool end = false, CancellationToken cancellationToken = default) =>
        _shell.SendAsync(_shell.Header(WsManActions.Send), new SendBody([new ShellStream("stdin", CommandId, data, end)]), cancellationToken);

    /// <summary>One Receive of stdout and stderr; a Receive the server let time out (w:TimedOut) brought nothing.</summary>
    public async Task<WinRsReceive> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        WsManEnvelope response;
        try
        {
            response = await _shell.SendAsync(_shell.Header(WsManActions.Receive, [new WsManOption("WSMAN_CMDSHELL_OPTION_KEEPALIVE", "TRUE")]),
                new ReceiveBody("stdout stderr", CommandId), cancellationToken).ConfigureAwait(false);
        }
        catch (WsManFaultException e) when (e.IsTimedOut)
        {
            return new WinRsReceive([], [], false, null);
        }

        if (response.Body is not ReceiveResponseBody body)
        {
            throw new InvalidDataException($"The server answered Receive with {response.Body.GetType().Name}, not a ReceiveResponse.");
        }

        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        foreach (var stream in body.Streams)
        {
            if (stream.CommandId is { } id && !string.Equals(id, CommandId, StringComparison.OrdinalIgnoreCase)) continue;
            (stream.Name == "stderr" ? stderr : stdout).Write(stream.Data.Span);
        }

        // Copied out: the stream buffers go back to the pool.
        (body.Streams as ShellStreamList)?.Return();

        var done = string.Equals(body.CommandState?.State, WsManCommandStates.Done, StringComparison.OrdinalIgnoreCase);
        return new WinRsReceive(stdout.ToArray(), stderr.ToArray(), done, done ? body.CommandState?.ExitCode ?? 0 : null);
    }

    /// <summary>Receives until the command is done.</summary>
    public async Task<WinRsResult> ReceiveToEndAsync(CancellationToken cancellationToken = default)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        while (true)
        {
            var receive = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            stdout.Write(receive.Stdout);
            stderr.Write(receive.Stderr);
            if (receive.Done) return new WinRsResult(stdout.ToArray(), stderr.ToArray(), receive.ExitCode ?? 0, _shell.Encoding);
        }
    }

    public Task SignalAsync(WinRsSignal signal, CancellationToken cancellationToken = default)
    {
        var code = signal switch
        {
            WinRsSignal.Terminate => WsManSignalCodes.Terminate,
            WinRsSignal.CtrlC => WsManSignalCodes.CtrlC,
            WinRsSignal.CtrlBreak => WsManSignalCodes.CtrlBreak,
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        };
        return _shell.SendAsync(_shell.Header(WsManActions.Signal), new SignalBody(CommandId, code), cancellationToken);
    }
}
