using System.Globalization;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// The WS-Man operations of WinRS cmd shells (<c>.../windows/shell/cmd</c>): Create, Command, Send (stdin), Receive
/// (stdout, stderr, exit code), Signal, and the command forms of Reconnect and Connect. A cmd shell is a
/// <see cref="Shell"/> with a <see cref="WinRsContext"/>, so Delete, Get, Disconnect, Reconnect, enumeration, idle
/// timeouts, quotas, the journal and fault injection are the same as for PowerShell shells.
/// </summary>
internal sealed class WinRsOperations(ShellRegistry registry, ShellServices services)
{
    /// <summary>Where WinRS starts a shell without rsp:WorkingDirectory: the user's profile directory.</summary>

    private EmulatorOptions Options => services.Options;

    /// <summary>True for a Create of a cmd shell, and for the stream operations on one.</summary>
    public bool Handles(WsManRequest request)
    {
        var header = request.Header;
        return header.Action switch
        {
            WsManActions.Create => string.Equals(header.ResourceUri, WsManResourceUris.CmdShell, StringComparison.OrdinalIgnoreCase),
            WsManActions.Command or WsManActions.Send or WsManActions.Receive or WsManActions.Signal or WsManActions.Reconnect or WsManActions.Connect =>
                registry.Find(header.Selector("ShellId"))?.WinRs is not null,
            _ => false,
        };
    }

    public async ValueTask<(string? Action, WsManBody Body)> DispatchAsync(WsManRequest request) => request.Header.Action switch
    {
        WsManActions.Create => (WsManActions.CreateResponse, Create(request)),
        WsManActions.Command => (WsManActions.CommandResponse, Command(request)),
        WsManActions.Send => (WsManActions.SendResponse, await SendAsync(request).ConfigureAwait(false)),
        WsManActions.Receive => (WsManActions.ReceiveResponse, await ReceiveAsync(request).ConfigureAwait(false)),
        WsManActions.Signal => (WsManActions.SignalResponse, await SignalAsync(request).ConfigureAwait(false)),
        WsManActions.Reconnect => (WsManActions.ReconnectResponse, await ReconnectAsync(request).ConfigureAwait(false)),
        WsManActions.Connect => (WsManActions.ConnectResponse, await ConnectAsync(request).ConfigureAwait(false)),
        _ => throw new WsManFaultException(WsManFaultReason.UnsupportedAction, request.Header.Action ?? "(none)"),
    };

    private WsManBody Create(WsManRequest request)
    {
        var header = request.Header;
        if (request.Envelope.Body is not ShellCreateBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Create expects an rsp:Shell body.");
        }

        // Without WINRS_CODEPAGE Windows gives the console its OEM code page (the emulator's WinRsCodePage).
        var codePage = Options.WinRsCodePage;
        if (header.Option("WINRS_CODEPAGE") is { } codePageText &&
            (!int.TryParse(codePageText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out codePage) || WinRsCodePages.TryGet(codePage) is null))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"WINRS_CODEPAGE '{codePageText}' is not a valid code page.");
        }

        var noProfile = IsTrue(header.Option("WINRS_NOPROFILE"));
        var shellId = string.IsNullOrWhiteSpace(body.ShellId) ? Guid.NewGuid().ToString().ToUpperInvariant() : body.ShellId.Trim().ToUpperInvariant();
        // Settings for cmd shells come from an endpoint named "cmd" (options Endpoints or the scenario's endpoints:), else the defaults.
        var endpoint = Options.ResolveEndpoint("cmd", services.Scenario);
        var idle = ShellOperations.ClampIdleTimeout(body.IdleTimeOut ?? endpoint.IdleTimeout, endpoint.MaxIdleTimeout);
        var bufferMode = ShellOperations.ParseBufferMode(body.BufferMode) ?? endpoint.BufferMode;
        var context = new WinRsContext(body.Environment, body.WorkingDirectory ?? WinRsEnvironment.ProfileOf(request.User), codePage, noProfile, request.Computer, request.User, Options.WinRsConsoleWidth, services.EnvironmentOf(request.Computer));
        var shell = new Shell(services, request.Computer, shellId, body.Name, WsManResourceUris.CmdShell, endpoint, request.User,
            request.ClientIp, idle, bufferMode, header.Locale, header.DataLocale, header.SessionId) { WinRs = context };
        request.ShellId = shellId;
        registry.Add(shell, Options.MaxShellsPerUser);
        Diagnostics.Log.ShellCreated(services.Logger, shellId, shell.ResourceUri, request.User, "WinRS");
        var selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };
        var full = shell.ToShellInfo(includeUsage: false);
        // The fields WinRM 3.0 returns in a cmd shell's CreateResponse (recorded); Get and Enumerate give them all.
        var created = new ShellInfo
        {
            ShellId = full.ShellId,
            Name = full.Name,
            ResourceUri = full.ResourceUri,
            Owner = full.Owner,
            ClientIP = full.ClientIP,
            IdleTimeOut = full.IdleTimeOut,
            InputStreams = full.InputStreams,
            OutputStreams = full.OutputStreams,
            ShellRunTime = full.ShellRunTime,
            ShellInactivity = full.ShellInactivity,
        };
        return new CreateResponseBody(new ResourceCreated(header.To ?? request.Url, shell.ResourceUri, selectors), created);
    }

    private WsManBody Command(WsManRequest request)
    {
        var (shell, context) = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not CommandLineBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Command expects an rsp:CommandLine body.");
        }

        var skipCmdShell = IsTrue(request.Header.Option("WINRS_SKIP_CMD_SHELL"));
        var line = CommandLineText.Join(body.Command, body.TextArguments);
        // cmd.exe /c takes the line's quotes as it does (Ruby's WinRM quotes the whole command).
        if (!skipCmdShell) line = CommandLineText.CmdSlashC(line);
        if (skipCmdShell && !CommandLineText.IsPath(CommandLineText.FirstWord(line)))
        {
            // Without cmd.exe WinRS starts the program itself, from the working directory and without a PATH search (recorded).
            throw new WsManFaultException(WsManFaultReason.CmdFileNotFound);
        }

        // WinRS runs the line through cmd.exe /c, which expands %VARIABLES% first; CreateProcess alone expands nothing
        // (unless the program it starts is cmd.exe itself). The virtual computers' clock is UTC.
        var expands = !skipCmdShell || CommandLineText.IsProgram(CommandLineText.FirstWord(line), "cmd");
        var run = expands ? context.Environment.Expand(line, context.WorkingDirectory, services.Time.GetUtcNow()) : line;

        var commandId = string.IsNullOrWhiteSpace(body.CommandId) ? Guid.NewGuid().ToString().ToUpperInvariant() : body.CommandId.Trim().ToUpperInvariant();
        request.CommandId = commandId;
        var command = context.Add(new WinRsCommand(shell, context, commandId, line), Options.MaxConcurrentCommandsPerShell);
        command.Start(expands && run.Length > WinRsEnvironment.MaxCommandLineLength ? CommandLineTooLongScript.Instance : services.Behaviours.ResolveCommandLine(run));
        return new CommandResponseBody(commandId);
    }

    private async Task<WsManBody> SendAsync(WsManRequest request)
    {
        var (shell, context) = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not SendBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Send expects an rsp:Send body.");
        }

        foreach (var stream in body.Streams)
        {
            if (stream.CommandId is not { Length: > 0 } commandId) throw new WsManFaultException(WsManFaultReason.CmdCommandIdRequired);
            request.CommandId = commandId;
            var command = context.Get(shell.ShellId, commandId);
            if (command.TryAcceptStdin(stream.Data, stream.End, Options.WinRsStdinBufferBytes, out _)) continue;

            // A full pipe: the Send waits as a Receive would (its hold made only now), for the process to read.
            using var hold = new ReceiveHold(request, shell, services);
            try
            {
                await command.AcceptStdinAsync(stream.Data, stream.End, Options.WinRsStdinBufferBytes, hold.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!request.Aborted.IsCancellationRequested)
            {
                // Still full at the end of the hold (or the shell disconnected meanwhile): nothing was taken.
                throw new WsManFaultException(WsManFaultReason.OperationTimedOut);
            }
        }

        return new SendResponseBody();
    }

    private async Task<WsManBody> ReceiveAsync(WsManRequest request)
    {
        var (shell, context) = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not ReceiveBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Receive expects an rsp:Receive body.");
        }

        // A cmd shell has no shell-level output: Receive names a command (recorded: InvalidParameter, code 87).
        if (body.CommandId is not { Length: > 0 } commandId) throw new WsManFaultException(WsManFaultReason.CmdCommandIdRequired);
        request.CommandId = commandId;
        var command = context.Get(shell.ShellId, commandId);

        using var hold = new ReceiveHold(request, shell, services);
        var batch = await command.Output.ReceiveAsync(hold.Budget, hold.Token).ConfigureAwait(false);
        request.Aborted.ThrowIfCancellationRequested();
        shell.Touch();
        if (batch is null) return ReceiveHold.NothingArrived(shell, Options);

        var streams = batch.Chunks.Select(c => new ShellStream(c.Stream, commandId, c.Data)).ToList();
        if (!batch.Completed) return new ReceiveResponseBody(streams, new CommandState(commandId, WsManCommandStates.Running, null));

        // The end: an empty End="true" stream for each desired stream, then Done with the exit code (recorded).
        foreach (var name in body.DesiredStream.Split(' ', StringSplitOptions.RemoveEmptyEntries)) streams.Add(new ShellStream(name, commandId, ReadOnlyMemory<byte>.Empty, End: true));
        return new ReceiveResponseBody(streams, new CommandState(commandId, WsManCommandStates.Done, batch.ExitCode));
    }

    private async Task<WsManBody> SignalAsync(WsManRequest request)
    {
        var (shell, context) = GetShell(request);
        shell.EnsureConnected();
        if (request.Envelope.Body is not SignalBody body)
        {
            throw new WsManFaultException(WsManFaultReason.SchemaValidationError, "Signal expects an rsp:Signal body.");
        }

        if (body.CommandId is not { Length: > 0 } commandId) throw new WsManFaultException(WsManFaultReason.CmdCommandIdRequired);
        request.CommandId = commandId;
        var command = context.Get(shell.ShellId, commandId);
        switch (body.Code.Trim())
        {
            case var code when code.Equals(WsManSignalCodes.Terminate, StringComparison.OrdinalIgnoreCase):
                command.Terminate();
                break;
            case var code when code.Equals(WsManSignalCodes.CtrlC, StringComparison.OrdinalIgnoreCase) ||
                               code.Equals(WsManSignalCodes.CtrlBreak, StringComparison.OrdinalIgnoreCase):
                await command.StopAsync().WaitAsync(request.Aborted).ConfigureAwait(false);
                break;
            default:
                throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"The signal code {body.Code} is not supported by cmd shells.");
        }

        return new SignalResponseBody();
    }

    private async Task<WsManBody> ReconnectAsync(WsManRequest request)
    {
        var (shell, context) = GetShell(request, touch: false);
        var body = request.Envelope.Body as ReconnectBody ?? new ReconnectBody(null, null);
        if (body.CommandId is { Length: > 0 } commandId)
        {
            request.CommandId = commandId;
            shell.EnsureConnected();
            await context.Get(shell.ShellId, commandId).Output.ResumeForConnectingClientAsync().ConfigureAwait(false);
            return EmptyBody.Instance;
        }

        await shell.AttachAsync(request.Header.SessionId, request.ClientIp, ShellOperations.ParseBufferMode(body.BufferMode), newClient: false).ConfigureAwait(false);
        Diagnostics.Log.ShellConnected(services.Logger, shell.ShellId, request.User, "Reconnect");
        return EmptyBody.Instance;
    }

    private async Task<WsManBody> ConnectAsync(WsManRequest request)
    {
        var (shell, context) = GetShell(request, touch: false);
        var body = request.Envelope.Body as ConnectBody ?? new ConnectBody(null, null, null);
        if (body.CommandId is { Length: > 0 } commandId)
        {
            request.CommandId = commandId;
            shell.EnsureConnected();
            await context.Get(shell.ShellId, commandId).Output.ResumeForConnectingClientAsync().ConfigureAwait(false);
            return new ConnectResponseBody(null, null, null);
        }

        // WinRM 3.0 Connect of a cmd shell: no PSRP payload, the new client takes the shell over.
        await shell.AttachAsync(request.Header.SessionId, request.ClientIp, ShellOperations.ParseBufferMode(body.BufferMode), newClient: true).ConfigureAwait(false);
        Diagnostics.Log.ShellConnected(services.Logger, shell.ShellId, request.User, "Connect");
        return new ConnectResponseBody("stdin", "stdout stderr", null);
    }

    private (Shell Shell, WinRsContext Context) GetShell(WsManRequest request, bool touch = true)
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
        return (shell, shell.WinRs ?? throw new WsManFaultException(WsManFaultReason.InvalidResourceUri, resourceUri ?? WsManResourceUris.CmdShell));
    }

    private static bool IsTrue(string? value) =>
        value is not null && (value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || value.Trim() == "1");
}
