using System.Text.RegularExpressions;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Client.Remoting;

/// <summary>Settings of a <see cref="PSRemotingClient"/>.</summary>
public sealed record PSRemotingClientOptions
{
    /// <summary>Clock for DisconnectedOn/ExpiresOn.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates the transport of a session or a query (tests inject handlers here).</summary>
    public Func<WsManClientOptions, WsManTransport> TransportFactory { get; init; } = options => new WsManTransport(options);

    /// <summary>PSRP protocol version this client announces (PowerShell 7.6: 2.4).</summary>
    public string ProtocolVersion { get; init; } = "2.4";

    /// <summary>Where a redirect's URI is reached (the module maps virtual computer names through its host map).</summary>
    public Func<Uri, RemoteTarget> ResolveRedirect { get; init; } = RemoteTarget.FromUri;

    /// <summary>
    /// Warnings PowerShell writes to the host while an operation runs (URI redirection, robust-connection events);
    /// called on whatever thread the operation is on.
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>
    /// The HostInfo a new session's INIT_RUNSPACEPOOL sends, asked for at each open: PowerShell describes the host of
    /// the cmdlet that opens it (its console's colours and sizes, which the server's host then reports: Write-Host's
    /// colours, Out-String's width). Null, or a null answer: no host.
    /// </summary>
    public Func<Protocol.Clixml.PsObject?>? HostInfo { get; init; }

    /// <summary>
    /// The client's host UI: runs the host methods a remote command calls (Read-Host's Prompt and ReadLine) and gives
    /// their answers, which go back on the command's <c>pr</c> stream. With one and no <see cref="HostInfo"/>, sessions
    /// say they have a host with a UI; without one a call that needs an answer gets the error PowerShell sends when its
    /// client has no host (a server told there is no UI never calls).
    /// </summary>
    public RemoteHostCallHandler? HostCalls { get; init; }

    /// <summary>
    /// As PowerShell's remoting jobs: a job's host calls wait in its results (<see cref="PSDataStream.HostCall"/>, in
    /// order with its output) until whoever reads them runs them on its host (Receive-Job), a call that returns
    /// something keeping the job Blocked until answered. False (the default): <see cref="HostCalls"/> runs them as
    /// they come.
    /// </summary>
    public bool QueueJobHostCalls { get; init; }
}

/// <summary>Runs one host method a remote command called on this client's host and gives the answer to send back.</summary>
public delegate Task<PipelineHostResponse> RemoteHostCallHandler(PipelineHostCall call, RemoteHostCallContext context, CancellationToken cancellationToken);

/// <summary>
/// What a host call's answer may need of its session: SecureStrings (a ReadLineAsSecureString's line, a credential's
/// password) go encrypted with the session key, exchanged before the handler runs when the call asks for one.
/// </summary>
public sealed class RemoteHostCallContext(byte[]? sessionKey)
{
    /// <summary>A SecureString (<c>SS</c>) holding <paramref name="text"/>.</summary>
    public Protocol.Clixml.PsPrimitive SecureString(string text) =>
        Protocol.Clixml.PsPrimitive.SecureString(SessionKeys.EncryptSecureString(sessionKey ?? throw new InvalidOperationException("This host call asks for no SecureString: no session key was exchanged."), text));

    /// <summary>A PSCredential as PowerShell serializes one: UserName and the password as a SecureString.</summary>
    public Protocol.Clixml.PsObject Credential(string userName, string password) =>
        new Protocol.Clixml.PsObject(["System.Management.Automation.PSCredential", "System.Object"]) { ToStringValue = "System.Management.Automation.PSCredential" }
            .With("UserName", userName)
            .With("Password", SecureString(password));

    /// <summary>
    /// True when the call's answer holds a SecureString: ReadLineAsSecureString, PromptForCredential, a Prompt with a
    /// SecureString or PSCredential field.
    /// </summary>
    public static bool NeedsSessionKey(PipelineHostCall call) => call.MethodId switch
    {
        RemoteHostMethodId.ReadLineAsSecureString or RemoteHostMethodId.PromptForCredential1 or RemoteHostMethodId.PromptForCredential2 => true,
        RemoteHostMethodId.Prompt => call.Parameters.Count > 2 && RemoteHostCalls.Items(call.Parameters[2]).Any(field =>
            RemoteHostCalls.ReadFieldDescription(field).TypeFullName is "System.Security.SecureString" or "System.Management.Automation.PSCredential"),
        _ => false,
    };
}

/// <summary>What Receive-PSSession returned: a job (OutTarget Job) or the results written to the host.</summary>
public sealed record ReceivePSSessionResult(PSSession Session, PSRemotingJob? Job, PSDataStreams? Results);

/// <summary>
/// One "PowerShell process" as a remoting client: the local PSSession repository (Get-PSSession without
/// -ComputerName) and job repository (Get-Job), with operations that mirror New-PSSession, Invoke-Command
/// (-AsJob, -InDisconnectedSession), Disconnect-/Connect-/Get-/Receive-/Remove-PSSession and Receive-Job.
/// Each session has its own transport, hence its own <c>p:SessionId</c>: a second client object is a different
/// client to the server.
/// </summary>
public sealed class PSRemotingClient : IAsyncDisposable
{
    private readonly PSRemotingClientOptions _options;
    private readonly Lock _sync = new();
    private readonly List<PSSession> _sessions = [];
    private readonly List<PSRemotingJob> _jobs = [];
    private int _lastSessionId;
    private int _lastJobId;

    public PSRemotingClient(PSRemotingClientOptions? options = null) => _options = options ?? new PSRemotingClientOptions();

    /// <summary>Get-PSSession (local repository).</summary>
    public IReadOnlyList<PSSession> Sessions
    {
        get
        {
            lock (_sync) return [.. _sessions];
        }
    }

    /// <summary>Get-Job.</summary>
    public IReadOnlyList<PSRemotingJob> Jobs
    {
        get
        {
            lock (_sync) return [.. _jobs];
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // New-PSSession / Invoke-Command

    /// <summary>New-PSSession. Name defaults to <c>Runspace{Id}</c>.</summary>
    public async Task<PSSession> NewSessionAsync(RemoteTarget target, PSCredential credential, string? configurationName = null, string? name = null,
        PSSessionOption? sessionOption = null, bool allowRedirection = false, CancellationToken cancellationToken = default)
    {
        var session = await OpenSessionAsync(target, credential, configurationName, name, sessionOption, allowRedirection, cancellationToken).ConfigureAwait(false);
        AddOrReplace(session);
        return session;
    }

    private async Task<PSSession> OpenSessionAsync(RemoteTarget target, PSCredential credential, string? configurationName, string? name,
        PSSessionOption? sessionOption, bool allowRedirection, CancellationToken cancellationToken)
    {
        var option = sessionOption ?? PSSessionOption.Default;
        if (option.IdleTimeout is { } idle && idle < RunspacePoolClient.MinimumIdleTimeout)
        {
            throw new PSRemotingException(
                $"The specified IdleTimeout session option {(long)idle.TotalSeconds} (seconds) is not a valid period.  Specify an IdleTimeout value that is greater than or equal to the minimum allowed {(long)RunspacePoolClient.MinimumIdleTimeout.TotalSeconds} (seconds).",
                "InvalidIdleTimeoutOption", ErrorCategory.InvalidArgument, option);
        }

        var id = Interlocked.Increment(ref _lastSessionId);
        var config = string.IsNullOrEmpty(configurationName) ? "Microsoft.PowerShell" : RunspacePoolClient.ConfigurationNameOf(configurationName);
        var poolOptions = new RunspacePoolOptions
        {
            ConfigurationName = config,
            Name = string.IsNullOrEmpty(name) ? $"Runspace{id}" : name,
            IdleTimeout = option.IdleTimeout,
            OpenTimeout = option.OpenTimeout,
            BufferMode = option.OutputBufferingMode == OutputBufferingMode.None ? null : option.OutputBufferingMode.ToString(),
            ProtocolVersion = _options.ProtocolVersion,
            MaximumReceivedObjectSize = option.MaximumReceivedObjectSize,
            MaximumReceivedDataSizePerCommand = option.MaximumReceivedDataSizePerCommand,
            HostInfo = _options.HostInfo?.Invoke() ?? (_options.HostCalls is not null ? HostInfoData.ForHost(new HostRawUI()) : null),
        };

        var redirections = allowRedirection ? option.MaximumConnectionRedirectionCount : 0;
        var creationRetries = Math.Max(0, option.MaxConnectionRetryCount);
        while (true)
        {
            var transport = CreateTransport(target, credential, option);
            try
            {
                var pool = await RunspacePoolClient.OpenAsync(transport, poolOptions, cancellationToken).ConfigureAwait(false);
                var session = new PSSession(id, poolOptions.Name, pool.Id, target, credential, option, config)
                {
                    Pool = pool,
                    Transport = transport,
                    State = RunspaceState.Opened,
                    Availability = RunspaceAvailability.Available,
                };
                if (pool.Shell is { } shell) session.ApplyShell(shell);
                return session;
            }
            catch (WsManTransportException e) when (e.RedirectLocationText is { } location)
            {
                transport.Dispose();
                target = FollowRedirect(target, location, e, ref redirections);
            }
            catch (WsManFaultException e)
            {
                transport.Dispose();
                throw new PSRemotingException(e.Message, RemotingErrors.FullyQualifiedErrorIdFromTransportError(e.Code, "PSSessionOpenFailed"), ErrorCategory.OpenError, target, e);
            }
            catch (WsManTransportException e) when (RetriesCreation(e) && creationRetries > 0 && !cancellationToken.IsCancellationRequested)
            {
                // PowerShell's RetrySessionCreation: a Create that could not reach the server (or got no proper
                // answer) is sent again at once, up to PSSessionOption.MaxConnectionRetryCount times.
                creationRetries--;
                transport.Dispose();
            }
            catch (WsManTransportException e)
            {
                // No SOAP fault: the WinRM client's own error codes, as PowerShell reports them.
                transport.Dispose();
                var code = TransportErrorCode(e);
                var message = $"Connecting to remote server {target.ComputerName} failed with the following error message : {e.Message} For more information, see the about_Remote_Troubleshooting Help topic.";
                throw new PSRemotingException(message, RemotingErrors.FullyQualifiedErrorIdFromTransportError(code, "PSSessionOpenFailed"), ErrorCategory.OpenError, target, e);
            }
            catch (PsrpClientException e)
            {
                // The server's PSRP data broke the session while it opened (bad fragments, an object past
                // MaximumReceivedObjectSize): the open fails with that reason.
                transport.Dispose();
                throw new PSRemotingException(e.Message, "PSSessionOpenFailed", ErrorCategory.OpenError, target, e);
            }
            catch
            {
                transport.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// The failures PowerShell's WSManClientSessionTransportManager.RetrySessionCreation retries: the server could not
    /// be reached or the connection was cut (ERROR_WSMAN_SENDDATA_CANNOT_CONNECT, ERROR_OPERATION_ABORTED, RPC
    /// unavailable), the URL is not served (ERROR_WSMAN_URL_NOTAVAILABLE: 404), the HTTP service is unavailable or
    /// failed (503, 500 without a SOAP fault). Only the Create's own failure (a failure later in the open is not a
    /// creation's), and not a timeout (the OpenTimeout has passed), authentication (401), a redirection or a SOAP fault.
    /// </summary>
    private static bool RetriesCreation(WsManTransportException e) =>
        e.Data[RunspacePoolClient.CreateFailedKey] is true && e.RedirectLocationText is null && e.InnerException is not OperationCanceledException &&
        e.WinRmErrorCode is null &&
        (e.IsNetworkFailure || e.HttpStatus is 404 or 500 or 503);

    /// <summary>The WinRM client's own error code for a failure without a SOAP fault, as PowerShell reports it.</summary>
    private static uint TransportErrorCode(WsManTransportException e) =>
        e.WinRmErrorCode is { } own ? own
        : e.HttpStatus == 401 ? 5u                                                                              // ERROR_ACCESS_DENIED
        : e.InnerException?.InnerException is System.Security.Authentication.AuthenticationException ? 12175u  // ERROR_WINHTTP_SECURE_FAILURE
        : e.HttpStatus is null ? 0x80338012u                                                                   // ERROR_WSMAN_CANNOT_CONNECT
        : 0x80338170u;                                                                                         // WinRMHttpError

    /// <summary>WinRM's message for ERROR_WSMAN_REDIRECT_REQUESTED (0x80338199), as PowerShell shows it (Exchange Online's documented error).</summary>
    internal const string RedirectRequestedMessage =
        "The WinRM service cannot process the request because the request needs to be sent to a different machine. Use the redirect information to send the request to a new machine.";

    /// <summary>PowerShell's URIRedirectionReported around WinRM's message, naming the location.</summary>
    internal static string RedirectNotAllowedMessage(string location) =>
        $"{RedirectRequestedMessage}  Redirect location reported: {location}. To automatically connect to the redirected URI, verify the \"MaximumConnectionRedirectionCount\" property of the session preference variable \"PSSessionOption\", and use the \"AllowRedirection\" parameter on the cmdlet.";

    /// <summary>
    /// PowerShell's redirection rules (protocol-notes 7; ClientRemoteSessionDSHandlerImpl.HandleTransportError): with
    /// redirections left (-1 = unlimited) the count is decremented and the Location parsed as an absolute URI
    /// (else RedirectedURINotWellFormatted); an https-to-http redirect is refused (our choice, UNVERIFIED against
    /// WinRM); the host is warned and the caller sends a fresh Create to the new target. With none left the 302 is
    /// the error RedirectInformationRequired, naming the location.
    /// </summary>
    private RemoteTarget FollowRedirect(RemoteTarget target, string location, WsManTransportException redirect, ref int redirections,
        string operationErrorId = "PSSessionOpenFailed", ErrorCategory category = ErrorCategory.OpenError)
    {
        if (redirections == 0)
        {
            throw new PSRemotingException(RedirectNotAllowedMessage(location), "RedirectInformationRequired," + operationErrorId, category, target, redirect);
        }

        if (redirections > 0) redirections--;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new PSRemotingException(
                $"The destination \"{target.ConnectionUri.OriginalString}\" requested the connection to be redirected to \"{location}\". However \"{location}\" is not a well formatted URI.",
                "RedirectedURINotWellFormatted," + operationErrorId, category, target, redirect);
        }

        if (target.ConnectionUri.Scheme == Uri.UriSchemeHttps && uri.Scheme == Uri.UriSchemeHttp)
        {
            throw new PSRemotingException(
                $"The destination \"{target.ConnectionUri.OriginalString}\" requested the connection to be redirected to \"{location}\". Redirection from an HTTPS URI to an HTTP URI is not allowed: the connection would no longer be encrypted.",
                "RedirectedURIInsecure," + operationErrorId, category, target, redirect);
        }

        _options.Warning?.Invoke($"Your connection has been redirected to the following URI: \"{uri}\"");
        return _options.ResolveRedirect(uri);
    }

    /// <summary>Invoke-Command -Session: runs the script to completion and returns what it produced (output stamped with PSComputerName, RunspaceId, PSShowComputerName).</summary>
    public Task<PSDataStreams> InvokeAsync(PSSession session, RemoteScript script, CancellationToken cancellationToken = default) =>
        InvokeCoreAsync(session, script, null, cancellationToken);

    /// <summary>
    /// Invoke-Command -Session, streaming: each record is handed to <paramref name="onRecords"/> as it arrives (output
    /// stamped as by <see cref="InvokeAsync"/>), so a host can show it at once as PowerShell does.
    /// </summary>
    public Task InvokeStreamingAsync(PSSession session, RemoteScript script, Action<PSDataStreams> onRecords, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRecords);
        return InvokeCoreAsync(session, script, onRecords, cancellationToken);
    }

    /// <remarks>
    /// When the network stays down past the retry window the session is auto-disconnected; if that works, the running
    /// command becomes a Disconnected job in the repository (PowerShell's InvokeCommandCommand:
    /// <c>CreateDisconnectedRemotingJob</c>) and <see cref="RemoteCommandDisconnectedException"/> says so; if the
    /// Disconnect fails too, the session is Broken and the error is <c>PowerShellNetworkOrDisconnectFailed</c>.
    /// </remarks>
    private Task<PSDataStreams> InvokeCoreAsync(PSSession session, RemoteScript script, Action<PSDataStreams>? onRecords, CancellationToken cancellationToken)
    {
        PowerShellPipeline? pipeline = null;
        return WithNetworkLossAsync(session, async () =>
        {
            pipeline = await RequireAvailable(session).StartAsync(script, cancellationToken).ConfigureAwait(false);
            return await ReadToEndAsync(session, pipeline, cancellationToken, onRecords).ConfigureAwait(false);
        }, () => pipeline, script.Text, cancellationToken);
    }

    /// <summary>
    /// Invoke-Command -Session with piped input: starts the script with its input open
    /// (<see cref="RemoteScript.KeepInputOpen"/>); send the input (<see cref="SendInputAsync"/>), end it
    /// (<see cref="EndInputAsync"/>) and read the output (<see cref="ReadStreamingAsync"/>, meanwhile or after).
    /// </summary>
    public Task<PowerShellPipeline> StartAsync(PSSession session, RemoteScript script, CancellationToken cancellationToken = default) =>
        WithNetworkLossAsync(session, () => RequireAvailable(session).StartAsync(script with { KeepInputOpen = true }, cancellationToken), static () => null, script.Text, cancellationToken);

    /// <summary>One input object for a pipeline from <see cref="StartAsync(PSSession, RemoteScript, CancellationToken)"/>.</summary>
    public Task SendInputAsync(PSSession session, PowerShellPipeline pipeline, PsrpEmulator.Protocol.Clixml.PsValue value, CancellationToken cancellationToken = default) =>
        WithNetworkLossAsync(session, async () =>
        {
            await pipeline.SendInputAsync(value, cancellationToken).ConfigureAwait(false);
            return 0;
        }, () => pipeline, null, cancellationToken);

    /// <summary>Ends the input of a started pipeline (END_OF_PIPELINE_INPUT).</summary>
    public Task EndInputAsync(PSSession session, PowerShellPipeline pipeline, CancellationToken cancellationToken = default) =>
        WithNetworkLossAsync(session, async () =>
        {
            await pipeline.EndInputAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, () => pipeline, null, cancellationToken);

    /// <summary>
    /// Reads a started pipeline to the end, handing records over as they arrive (stamped as by <see cref="InvokeAsync"/>);
    /// may run while input is still being sent.
    /// </summary>
    public Task ReadStreamingAsync(PSSession session, PowerShellPipeline pipeline, Action<PSDataStreams> onRecords, CancellationToken cancellationToken = default) =>
        WithNetworkLossAsync(session, () => ReadToEndAsync(session, pipeline, cancellationToken, onRecords), () => pipeline, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/>; on a network loss, auto-disconnects the session and, when that works and
    /// <paramref name="pipelineOf"/> names a pipeline that is now Disconnected, turns it into a Disconnected job.
    /// </summary>
    private async Task<T> WithNetworkLossAsync<T>(PSSession session, Func<Task<T>> work, Func<PowerShellPipeline?> pipelineOf, string? commandText,
        CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (CommandSendException e)
        {
            // The command's job fails (PSRemotingChildJob.ProcessJobFailure); as users quote it: JobFailure, OperationStopped.
            throw new PSRemotingException(e.Message, "JobFailure", ErrorCategory.OperationStopped, session.ComputerName, e.Fault);
        }
        catch (Exception e) when (IsNetworkLoss(e) && !cancellationToken.IsCancellationRequested)
        {
            await AutoDisconnectAsync(session, cancellationToken).ConfigureAwait(false);
            if (session.State == RunspaceState.Disconnected && pipelineOf() is { State: PSInvocationState.Disconnected } pipeline)
            {
                var job = new PSRemotingJob(Interlocked.Increment(ref _lastJobId), null, session, commandText ?? pipeline.CommandLine, hideComputerName: false,
                    AutoDisconnectForJobAsync) { HostCalls = _options.HostCalls, QueueHostCalls = _options.QueueJobHostCalls };
                job.AttachDisconnected(pipeline);
                lock (_sync) _jobs.Add(job);
                throw new RemoteCommandDisconnectedException(session, job, e);
            }

            throw new PSRemotingException(
                $"Network connectivity to {session.ComputerName} has been lost and the reconnection attempt failed. Please repair the network connection and reconnect using Connect-PSSession or Receive-PSSession.",
                "PowerShellNetworkOrDisconnectFailed", ErrorCategory.InvalidOperation, session, e);
        }
    }

    /// <summary>The transport gave up retransmitting after a network failure (robust connections, MaxRetryTime).</summary>
    internal static bool IsNetworkLoss(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WsManTransportException { IsNetworkFailure: true }) return true;
        }

        return false;
    }

    /// <summary>
    /// PowerShell's auto-disconnect after the reconnection attempts failed (protocol-notes 8): warn, try to Disconnect
    /// the shell so it survives on the server; if that fails too the session is Broken here and the server's idle
    /// timeout turns the shell Disconnected on its own.
    /// </summary>
    private async Task AutoDisconnectAsync(PSSession session, CancellationToken cancellationToken, PSRemotingJob? receivingJob = null)
    {
        _options.Warning?.Invoke($"The reconnection attempt to {session.ComputerName} failed. Attempting to disconnect the session...");
        try
        {
            await DisconnectCoreAsync(session, null, null, receivingJob, cancellationToken).ConfigureAwait(false);
            _options.Warning?.Invoke($"Computer {session.ComputerName} has been successfully disconnected.");
        }
        catch (PSRemotingException)
        {
            session.State = RunspaceState.Broken;
            session.Availability = RunspaceAvailability.None;
        }
    }

    /// <summary>
    /// A job's receive loop lost the network past the retry window: auto-disconnect its session, unless another job's
    /// loop (or a command) is already at it. Runs on the job's loop, which the Disconnect therefore does not wait for.
    /// </summary>
    private Task AutoDisconnectForJobAsync(PSRemotingJob job) =>
        job.Session.State == RunspaceState.Opened ? AutoDisconnectAsync(job.Session, CancellationToken.None, job) : Task.CompletedTask;

    /// <summary>Invoke-Command -Session -AsJob: starts the script and returns the running job (Name Job{Id} unless given).</summary>
    public async Task<PSRemotingJob> InvokeAsJobAsync(PSSession session, RemoteScript script, string? jobName = null, bool hideComputerName = false, CancellationToken cancellationToken = default)
    {
        var pool = RequireAvailable(session);
        var pipeline = await pool.StartAsync(script, cancellationToken).ConfigureAwait(false);
        var job = new PSRemotingJob(Interlocked.Increment(ref _lastJobId), jobName, session, script.Text, hideComputerName, AutoDisconnectForJobAsync) { HostCalls = _options.HostCalls, QueueHostCalls = _options.QueueJobHostCalls };
        lock (_sync) _jobs.Add(job);
        job.StartReceiving(pipeline);
        return job;
    }

    /// <summary>
    /// Invoke-Command -ComputerName/-ConnectionUri -InDisconnectedSession [-SessionName]: Create, Command, no Receive
    /// at all, Disconnect (with the session option's IdleTimeout and OutputBufferingMode). Returns the Disconnected
    /// session (Availability None), which is also in the local repository.
    /// </summary>
    public async Task<PSSession> InvokeInDisconnectedSessionAsync(RemoteTarget target, PSCredential credential, RemoteScript script, string? sessionName = null,
        string? configurationName = null, PSSessionOption? sessionOption = null, CancellationToken cancellationToken = default)
    {
        var session = await OpenSessionAsync(target, credential, configurationName, sessionName, sessionOption, false, cancellationToken).ConfigureAwait(false);
        AddOrReplace(session);
        await session.Pool!.StartAsync(script, cancellationToken).ConfigureAwait(false);
        await DisconnectAsync(session, null, null, cancellationToken).ConfigureAwait(false);
        return session;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Disconnect-PSSession / Connect-PSSession / Remove-PSSession

    /// <summary>
    /// Disconnect-PSSession [-IdleTimeoutSec] [-OutputBufferingMode]. The idle timeout (the given one, else the
    /// session option's) must be within [60 s, MaxIdleTimeout]: <c>CannotDisconnectSessionWithInvalidIdleTimeout</c>.
    /// Jobs running on the session become Disconnected.
    /// </summary>
    public Task<PSSession> DisconnectAsync(PSSession session, int? idleTimeoutSec = null, OutputBufferingMode? outputBufferingMode = null, CancellationToken cancellationToken = default) =>
        DisconnectCoreAsync(session, idleTimeoutSec, outputBufferingMode, null, cancellationToken);

    /// <param name="receivingJob">A job whose receive loop is running this Disconnect (its auto-disconnect): not waited for.</param>
    private async Task<PSSession> DisconnectCoreAsync(PSSession session, int? idleTimeoutSec, OutputBufferingMode? outputBufferingMode, PSRemotingJob? receivingJob,
        CancellationToken cancellationToken)
    {
        if (session.State != RunspaceState.Opened || session.Pool is not { } pool)
        {
            throw new PSRemotingException(RemotingErrors.RunspaceCannotBeDisconnected(session.Name), "CannotDisconnectSessionWhenNotOpened", ErrorCategory.InvalidOperation, session);
        }

        // PowerShell's RemoteRunspace.DisconnectAsync: CanDisconnect needs a server of protocol 2.2 (PowerShell 3.0) or later;
        // Disconnect-PSSession reports the PSInvalidOperationException as PSSessionDisconnectFailed, the session stays Opened.
        if (pool.ServerCapability is { } server && Version.TryParse(server.ProtocolVersion, out var serverVersion) && serverVersion < new Version(2, 2))
        {
            throw new PSRemotingException($"Disconnect-PSSession operation failed for runspace Id = {session.InstanceId} for the following reason: The server to which this runspace is connected does not support Disconnect and Connect operations.",
                "PSSessionDisconnectFailed", ErrorCategory.InvalidOperation, session);
        }

        var idle = idleTimeoutSec is { } sec ? TimeSpan.FromSeconds(sec) : session.Option.IdleTimeout;
        RunspacePoolClient.ValidateIdleTimeout(session.Name, idle, session.MaxIdleTimeout ?? pool.Shell?.MaxIdleTimeOut);
        var mode = outputBufferingMode ?? session.Option.OutputBufferingMode;

        // A command whose end has arrived sends its Signal Terminate before the shell disconnects (WSManDisconnectShell
        // completes the shell's signals first): a command left un-ended would be one a later client connects to.
        foreach (var job in JobsOf(session))
        {
            if (job.IsFinished && !ReferenceEquals(job, receivingJob)) await job.ReceiveLoopCompletion.ConfigureAwait(false);
        }

        session.State = RunspaceState.Disconnecting;
        try
        {
            await pool.DisconnectAsync(idle, mode == OutputBufferingMode.None ? null : mode.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            session.State = RunspaceState.Broken;
            var code = (e as WsManFaultException)?.Code ?? 0;
            throw new PSRemotingException($"Disconnect-PSSession operation failed for runspace Id = {session.InstanceId} for the following reason: {e.Message}",
                RemotingErrors.FullyQualifiedErrorIdFromTransportError(code, "PSSessionDisconnectFailed"), ErrorCategory.InvalidOperation, session, e);
        }

        session.State = RunspaceState.Disconnected;
        session.Availability = RunspaceAvailability.None;
        if (idle is { } newIdle) session.IdleTimeout = newIdle;
        if (mode != OutputBufferingMode.None) session.OutputBufferingMode = mode;
        var now = _options.TimeProvider.GetUtcNow();
        session.DisconnectedOn = now;
        session.ExpiresOn = session.IdleTimeout is { } timeout ? now + timeout : null;

        foreach (var job in JobsOf(session))
        {
            // The job running this auto-disconnect sets its own state when the Disconnect returns; waiting for its loop would deadlock.
            if (ReferenceEquals(job, receivingJob)) continue;
            // A host call handler still running (HostCalls) would hold the loop and this disconnect: it is asked to give up.
            job.AbandonHostCalls();
            await job.ReceiveLoopCompletion.ConfigureAwait(false);
            if (!job.IsFinished) job.SetState(JobState.Disconnected);
        }

        return session;
    }

    /// <summary>
    /// Connect-PSSession: reconnects the pool only (Reconnect when this client disconnected it, else Connect); commands
    /// stay on the server until Receive-PSSession or a job reconnects them.
    /// </summary>
    public async Task<PSSession> ConnectAsync(PSSession session, CancellationToken cancellationToken = default)
    {
        var error = await TryConnectSessionAsync(session, cancellationToken).ConfigureAwait(false);
        if (error is PSRemotingException { FullyQualifiedErrorId: var redirectId } && redirectId.EndsWith(",PSSessionConnectFailed", StringComparison.Ordinal))
        {
            // A refused redirect: PowerShell's WriteConnectFailed keeps the transport error's FullyQualifiedErrorId.
            throw new PSRemotingException(RemotingErrors.RunspaceConnectFailedWithMessage(session.Name, error.Message), redirectId, ErrorCategory.InvalidOperation, session, error);
        }

        if (error is not null)
        {
            var message = error is PSRemotingException ? error.Message : RemotingErrors.RunspaceConnectFailedWithMessage(session.Name, error.Message);
            throw new PSRemotingException(message, "PSSessionConnectFailed", ErrorCategory.InvalidOperation, session, error);
        }

        AddOrReplace(session);
        return session;
    }

    /// <summary>
    /// Connect-PSSession -ComputerName/-ConnectionUri -Name/-InstanceId: queries the server (a usable local session
    /// with that InstanceId is used instead, per the Get-PSSession rules) and connects every match.
    /// </summary>
    public async Task<IReadOnlyList<PSSession>> ConnectAsync(RemoteTarget target, PSCredential credential, string? name = null, Guid? instanceId = null,
        string? configurationName = null, PSSessionOption? sessionOption = null, bool allowRedirection = false, CancellationToken cancellationToken = default)
    {
        var found = await GetRemoteSessionsAsync(target, credential, name, instanceId, configurationName, sessionOption, allowRedirection, cancellationToken).ConfigureAwait(false);
        var connected = new List<PSSession>();
        foreach (var session in found)
        {
            if (session.State == RunspaceState.Opened) continue;
            connected.Add(await ConnectAsync(session, cancellationToken).ConfigureAwait(false));
        }

        return connected;
    }

    /// <summary>Remove-PSSession: deletes the shell on the server (Delete) and forgets the session locally.</summary>
    public async Task RemoveAsync(PSSession session, CancellationToken cancellationToken = default)
    {
        try
        {
            if (session.Pool is { } pool)
            {
                await pool.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (session.State != RunspaceState.Closed)
            {
                var transport = CreateTransport(session.Target, session.Credential, session.Option);
                using (transport)
                {
                    var resourceUri = session.QueriedShell?.ResourceUri ?? WsManResourceUris.PowerShellPrefix + session.ConfigurationName;
                    var header = new WsManHeader
                    {
                        Action = WsManActions.Delete,
                        ResourceUri = resourceUri,
                        Selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = session.InstanceId.ToString().ToUpperInvariant() },
                    };
                    await transport.SendAsync(header, EmptyBody.Instance, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException)
        {
            // PowerShell removes the local object anyway (RemoveRunspaceNotConnected).
        }
        finally
        {
            session.State = RunspaceState.Closed;
            session.Availability = RunspaceAvailability.None;
            session.Transport?.Dispose();
            session.Transport = null;
            lock (_sync) _sessions.Remove(session);
        }
    }

    /// <summary>
    /// Forgets a session here without a word to the server: Remove-PSSession of a Disconnected session that could
    /// not be connected (PowerShell disposes its runspace, which sends nothing unless it is Opened).
    /// </summary>
    public void Forget(PSSession session)
    {
        session.Transport?.Dispose();
        session.Transport = null;
        lock (_sync) _sessions.Remove(session);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Get-PSSession -ComputerName / -ConnectionUri

    /// <summary>
    /// Get-PSSession -ComputerName/-ConnectionUri: enumerates the endpoint's shells and their commands and returns
    /// PSSession objects, State Disconnected (relative to this client) and Availability None (server Disconnected) or
    /// Busy (server Connected); a local session with the same InstanceId is returned instead when it is usable
    /// (protocol-notes 3.8). <paramref name="name"/> is a wildcard pattern. <paramref name="allowRedirection"/> (the
    /// ConnectionUri sets' -AllowRedirection) follows 302s on the enumeration and lets the sessions' Connect follow them.
    /// </summary>
    public async Task<IReadOnlyList<PSSession>> GetRemoteSessionsAsync(RemoteTarget target, PSCredential credential, string? name = null, Guid? instanceId = null,
        string? configurationName = null, PSSessionOption? sessionOption = null, bool allowRedirection = false, CancellationToken cancellationToken = default)
    {
        var queried = await QuerySessionsAsync(target, credential, configurationName, sessionOption, "RemotePSSessionQueryFailed", cancellationToken, allowRedirection: allowRedirection).ConfigureAwait(false);
        var result = new List<PSSession>();
        foreach (var session in queried)
        {
            if (instanceId is { } wanted && session.InstanceId != wanted) continue;
            if (name is not null && !WildcardMatch(name, session.Name)) continue;
            result.Add(session);
        }

        return result;
    }

    /// <summary>
    /// Enumerates the endpoint's shells (and each one's commands) as PowerShell's GetRemoteRunspacePools does. With
    /// <paramref name="allowRedirection"/> (the ConnectionUri sets' -AllowRedirection) a 302 on the enumeration is
    /// followed up to the option's MaximumConnectionRedirectionCount and the sessions found live at the final URI;
    /// PowerShell's own behaviour here is unverified (it enumerates through Get-WSManInstance): our choice, documented.
    /// </summary>
    private async Task<List<PSSession>> QuerySessionsAsync(RemoteTarget target, PSCredential credential, string? configurationName, PSSessionOption? sessionOption,
        string defaultErrorId, CancellationToken cancellationToken, bool reuseLocal = true, bool allowRedirection = false)
    {
        var option = sessionOption ?? PSSessionOption.Default;
        var redirections = allowRedirection ? option.MaximumConnectionRedirectionCount : 0;
        var queriedComputer = target.ComputerName;
        IReadOnlyList<ShellInfo> shells;
        var usable = new List<(ShellInfo Shell, CommandInfo? Command)>();
        while (true)
        {
            var transport = CreateTransport(target, credential, option);
            try
            {
                shells = await RunspacePoolClient.GetShellsAsync(transport, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (WsManTransportException e) when (e.RedirectLocationText is { } location)
            {
                transport.Dispose();
                try
                {
                    target = FollowRedirect(target, location, e, ref redirections, defaultErrorId, ErrorCategory.InvalidOperation);
                }
                catch (PSRemotingException refused)
                {
                    throw new PSRemotingException(RemotingErrors.QueryForRunspacesFailed(queriedComputer, refused.Message),
                        refused.FullyQualifiedErrorId, ErrorCategory.InvalidOperation, target, e);
                }
            }
            catch (Exception e) when (e is WsManFaultException or WsManTransportException or PsrpClientException)
            {
                transport.Dispose();
                var code = e switch { WsManFaultException f => f.Code, WsManTransportException t => TransportErrorCode(t), _ => 0u };
                throw new PSRemotingException(RemotingErrors.QueryForRunspacesFailed(target.ComputerName, e.Message),
                    RemotingErrors.FullyQualifiedErrorIdFromTransportError(code, defaultErrorId), ErrorCategory.InvalidOperation, target, e);
            }
            catch
            {
                transport.Dispose();
                throw;
            }
        }

        using (var transport = CreateTransport(target, credential, option))
        {

            foreach (var shell in shells)
            {
                // PowerShell skips shells without these, and non-PowerShell endpoints.
                if (string.IsNullOrEmpty(shell.Name) || string.IsNullOrEmpty(shell.State) || string.IsNullOrEmpty(shell.ResourceUri)) continue;
                if (!shell.ResourceUri.StartsWith(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase)) continue;
                if (!Guid.TryParse(shell.ShellId, out _)) continue;
                IReadOnlyList<CommandInfo> commands;
                try
                {
                    commands = await RunspacePoolClient.GetCommandsAsync(transport, shell.ShellId, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WsManFaultException or WsManTransportException or PsrpClientException)
                {
                    continue;
                }

                // A PSSession runs at most one command; shells with more are not PSSessions.
                if (commands.Count > 1) continue;
                usable.Add((shell, commands.Count == 1 ? commands[0] : null));
            }
        }

        string? shellUri = null;
        if (!string.IsNullOrEmpty(configurationName))
        {
            shellUri = configurationName.Contains(WsManResourceUris.PowerShellPrefix, StringComparison.OrdinalIgnoreCase)
                ? configurationName
                : WsManResourceUris.PowerShellPrefix + configurationName;
        }

        var now = _options.TimeProvider.GetUtcNow();
        var sessions = new List<PSSession>();
        foreach (var (shell, command) in usable)
        {
            if (shellUri is not null && !string.Equals(shellUri, shell.ResourceUri, StringComparison.OrdinalIgnoreCase)) continue;
            var id = Guid.Parse(shell.ShellId);
            var busy = string.Equals(shell.State, "Connected", StringComparison.OrdinalIgnoreCase);
            DateTimeOffset? disconnectedOn = null, expiresOn = null;
            if (!busy && shell.IdleTimeOut is { } idle && shell.ShellInactivity is { } inactivity && idle > inactivity)
            {
                disconnectedOn = now - inactivity;
                expiresOn = disconnectedOn + idle;
            }

            var existing = reuseLocal ? Find(s => s.InstanceId == id) : null;
            if (existing is not null && existing.State != RunspaceState.Broken && !(existing.State == RunspaceState.Disconnected && busy))
            {
                existing.DisconnectedOn = disconnectedOn;
                existing.ExpiresOn = expiresOn;
                sessions.Add(existing);
                continue;
            }

            var found = FromQuery(shell, command, target, credential, option, busy, disconnectedOn, expiresOn);
            found.ConnectRedirections = allowRedirection ? option.MaximumConnectionRedirectionCount : 0;
            sessions.Add(found);
        }

        return sessions;
    }

    private PSSession FromQuery(ShellInfo shell, CommandInfo? command, RemoteTarget target, PSCredential credential, PSSessionOption option, bool busy,
        DateTimeOffset? disconnectedOn, DateTimeOffset? expiresOn)
    {
        var session = new PSSession(Interlocked.Increment(ref _lastSessionId), shell.Name!, Guid.Parse(shell.ShellId), target, credential, option,
            RunspacePoolClient.ConfigurationNameOf(shell.ResourceUri!))
        {
            State = RunspaceState.Disconnected,
            Availability = busy ? RunspaceAvailability.Busy : RunspaceAvailability.None,
            QueriedShell = shell,
            RemoteCommand = command,
            DisconnectedOn = disconnectedOn,
            ExpiresOn = expiresOn,
        };
        session.ApplyShell(shell);
        return session;
    }

    /// <summary>Puts a reconstructed session's server state into an existing PSSession object (PowerShell's InsertRunspace).</summary>
    private static void InsertQueried(PSSession into, PSSession from)
    {
        into.Pool = null;
        into.Transport?.Dispose();
        into.Transport = null;
        into.QueriedShell = from.QueriedShell;
        into.RemoteCommand = from.RemoteCommand;
        into.State = from.State;
        into.Availability = from.Availability;
        into.DisconnectedOn = from.DisconnectedOn;
        into.ExpiresOn = from.ExpiresOn;
        if (from.QueriedShell is { } shell) into.ApplyShell(shell);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Receive-PSSession

    /// <summary>Receive-PSSession -Session.</summary>
    /// <param name="onRecords">
    /// With OutTarget Host: each record, as it arrives (streaming, as PowerShell writes a received command's output;
    /// the result's Results are then empty), so that a prompt the command makes comes after what it wrote before.
    /// </param>
    public Task<ReceivePSSessionResult> ReceiveAsync(PSSession session, OutTarget outTarget = OutTarget.Default, string? jobName = null, CancellationToken cancellationToken = default,
        Action<PSDataStreams>? onRecords = null) =>
        ReceiveLocalAsync(session, outTarget, jobName, cancellationToken, onRecords);

    /// <summary>Receive-PSSession -Id.</summary>
    public Task<ReceivePSSessionResult> ReceiveByIdAsync(int id, OutTarget outTarget = OutTarget.Default, string? jobName = null, CancellationToken cancellationToken = default)
    {
        var session = Find(s => s.Id == id) ?? throw new PSRemotingException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedSessionId(id),
            "RemoteRunspaceNotAvailableForSpecifiedSessionId", ErrorCategory.InvalidArgument, id);
        return ReceiveLocalAsync(session, outTarget, jobName, cancellationToken);
    }

    /// <summary>Receive-PSSession -Name (wildcards, first match in the local repository).</summary>
    public Task<ReceivePSSessionResult> ReceiveByNameAsync(string name, OutTarget outTarget = OutTarget.Default, string? jobName = null, CancellationToken cancellationToken = default)
    {
        var session = Find(s => WildcardMatch(name, s.Name)) ?? throw new PSRemotingException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedName(name),
            "RemoteRunspaceNotAvailableForSpecifiedName", ErrorCategory.InvalidArgument, name);
        return ReceiveLocalAsync(session, outTarget, jobName, cancellationToken);
    }

    /// <summary>Receive-PSSession -InstanceId.</summary>
    public Task<ReceivePSSessionResult> ReceiveByInstanceIdAsync(Guid instanceId, OutTarget outTarget = OutTarget.Default, string? jobName = null, CancellationToken cancellationToken = default)
    {
        var session = Find(s => s.InstanceId == instanceId) ?? throw new PSRemotingException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedRunspaceId(instanceId),
            "RemoteRunspaceNotAvailableForSpecifiedRunspaceId", ErrorCategory.InvalidArgument, instanceId);
        return ReceiveLocalAsync(session, outTarget, jobName, cancellationToken);
    }

    /// <summary>
    /// Receive-PSSession -ComputerName/-ConnectionUri with -Name or -InstanceId: queries the server, matches Name
    /// (case-insensitive, exact) or InstanceId, optionally filtered by ConfigurationName. Returns null when nothing
    /// matched (the cmdlet writes nothing then).
    /// </summary>
    public async Task<ReceivePSSessionResult?> ReceiveAsync(RemoteTarget target, PSCredential credential, string? name = null, Guid? instanceId = null,
        string? configurationName = null, OutTarget outTarget = OutTarget.Default, string? jobName = null, PSSessionOption? sessionOption = null,
        bool allowRedirection = false, CancellationToken cancellationToken = default)
    {
        var matches = await FindSessionsToReceiveAsync(target, credential, name, instanceId, configurationName, sessionOption, allowRedirection, cancellationToken).ConfigureAwait(false);
        return matches.Count == 0 ? null : await ReceiveQueriedAsync(matches[0], outTarget, jobName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The query half of Receive-PSSession -ComputerName/-ConnectionUri: enumerates the server's sessions and returns,
    /// in the server's order, those whose Name (case-insensitive, exact) or InstanceId matches, after the
    /// ConfigurationName filter. PowerShell asks ShouldProcess for each in turn and receives the first it may (<see
    /// cref="ReceiveQueriedAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<PSSession>> FindSessionsToReceiveAsync(RemoteTarget target, PSCredential credential, string? name = null, Guid? instanceId = null,
        string? configurationName = null, PSSessionOption? sessionOption = null, bool allowRedirection = false, CancellationToken cancellationToken = default)
    {
        if ((name is null) == (instanceId is null)) throw new ArgumentException("Specify exactly one of name and instanceId.");
        var queried = await QuerySessionsAsync(target, credential, configurationName, sessionOption, "ReceivePSSessionQueryForSessionFailed", cancellationToken, reuseLocal: false,
            allowRedirection: allowRedirection).ConfigureAwait(false);
        return [.. queried.Where(s => name is not null ? string.Equals(name, s.Name, StringComparison.OrdinalIgnoreCase) : s.InstanceId == instanceId)];
    }

    /// <summary>The connect half of Receive-PSSession -ComputerName/-ConnectionUri, for a session <see cref="FindSessionsToReceiveAsync"/> found.</summary>
    /// <param name="onRecords">As for <see cref="ReceiveAsync(PSSession, OutTarget, string?, CancellationToken, Action{PSDataStreams}?)"/>.</param>
    public async Task<ReceivePSSessionResult> ReceiveQueriedAsync(PSSession match, OutTarget outTarget = OutTarget.Default, string? jobName = null, CancellationToken cancellationToken = default,
        Action<PSDataStreams>? onRecords = null)
    {
        // A local session with that InstanceId that connects: reconnect scenario, the job (if any) is reused;
        // Default means Job on this path.
        var local = Find(s => s.InstanceId == match.InstanceId);
        if (local is not null) local.ConnectRedirections = match.ConnectRedirections;
        if (local is not null && await TryConnectSessionAsync(local, cancellationToken).ConfigureAwait(false) is null)
        {
            AddOrReplace(local);
            var job = FindJobForSession(local);
            return outTarget == OutTarget.Host
                ? await ConnectSessionToHostAsync(local, job, cancellationToken, onRecords).ConfigureAwait(false)
                : await ConnectSessionToJobAsync(local, job, jobName, cancellationToken).ConfigureAwait(false);
        }

        // Otherwise reconstruct from the query; Default means Host here.
        var session = match;
        var error = await TryConnectSessionAsync(session, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw new PSRemotingException(RemotingErrors.RunspaceCannotBeConnected(session.Name), "ReceivePSSessionCannotConnectSession",
                ErrorCategory.InvalidOperation, session, error);
        }

        if (local is not null && !ReferenceEquals(local, session))
        {
            InsertConnected(local, session);
            session = local;
        }

        AddOrReplace(session);
        return outTarget == OutTarget.Job
            ? await ConnectSessionToJobAsync(session, null, jobName, cancellationToken).ConfigureAwait(false)
            : await ConnectSessionToHostAsync(session, null, cancellationToken, onRecords).ConfigureAwait(false);
    }

    private async Task<ReceivePSSessionResult> ReceiveLocalAsync(PSSession session, OutTarget outTarget, string? jobName, CancellationToken cancellationToken,
        Action<PSDataStreams>? onRecords = null)
    {
        var error = await TryConnectSessionAsync(session, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            // A failed reconnect: try a reconstruct from the server.
            var fromServer = await TryGetSessionFromServerAsync(session, cancellationToken).ConfigureAwait(false);
            var retry = fromServer is null ? error : await TryConnectSessionAsync(fromServer, cancellationToken).ConfigureAwait(false);
            if (fromServer is null || retry is not null)
            {
                throw new PSRemotingException(RemotingErrors.RunspaceCannotBeConnected(session.Name), "ReceivePSSessionCannotConnectSession",
                    ErrorCategory.InvalidOperation, session, retry ?? error);
            }

            InsertConnected(session, fromServer);
        }

        var job = FindJobForSession(session);
        ReceivePSSessionResult result;
        if (job is not null)
        {
            result = outTarget == OutTarget.Host
                ? await ConnectSessionToHostAsync(session, job, cancellationToken, onRecords).ConfigureAwait(false)
                : await ConnectSessionToJobAsync(session, job, jobName, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = outTarget == OutTarget.Job
                ? await ConnectSessionToJobAsync(session, null, jobName, cancellationToken).ConfigureAwait(false)
                : await ConnectSessionToHostAsync(session, null, cancellationToken, onRecords).ConfigureAwait(false);
        }

        if (session.State != RunspaceState.Disconnected) AddOrReplace(session);
        return result;
    }

    private async Task<PSSession?> TryGetSessionFromServerAsync(PSSession session, CancellationToken cancellationToken)
    {
        try
        {
            var queried = await QuerySessionsAsync(session.Target, session.Credential, null, session.Option, "ReceivePSSessionQueryForSessionFailed", cancellationToken, reuseLocal: false).ConfigureAwait(false);
            return queried.FirstOrDefault(s => s.InstanceId == session.InstanceId);
        }
        catch (PSRemotingException)
        {
            return null;
        }
    }

    /// <summary>Moves a connected reconstructed session's pool into the user's PSSession object.</summary>
    private static void InsertConnected(PSSession into, PSSession from)
    {
        InsertQueried(into, from);
        into.Pool = from.Pool;
        into.Transport = from.Transport;
        into.State = from.State;
        into.Availability = from.Availability;
    }

    /// <summary>
    /// PowerShell's ConnectSession: Opened → as is; Disconnected → Reconnect (this client disconnected it) or Connect
    /// (new client); anything else, or a Busy session, fails. Returns the failure instead of throwing.
    /// </summary>
    private async Task<Exception?> TryConnectSessionAsync(PSSession session, CancellationToken cancellationToken)
    {
        if (session.State == RunspaceState.Opened) return null;
        if (session.State != RunspaceState.Disconnected || session.Availability == RunspaceAvailability.Busy)
        {
            return new PSRemotingException(RemotingErrors.CannotConnect, "CannotConnect", ErrorCategory.InvalidOperation, session);
        }

        session.State = RunspaceState.Connecting;
        try
        {
            if (session.Pool is { CanReconnect: true } pool)
            {
                await pool.ReconnectAsync(reconnectCommands: false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var shell = session.QueriedShell ?? new ShellInfo
                {
                    ShellId = session.InstanceId.ToString().ToUpperInvariant(),
                    Name = session.Name,
                    ResourceUri = WsManResourceUris.PowerShellPrefix + session.ConfigurationName,
                };
                var redirections = session.ConnectRedirections;
                while (true)
                {
                    var transport = CreateTransport(session.Target, session.Credential, session.Option);
                    try
                    {
                        var mode = session.Option.OutputBufferingMode;
                        session.Pool = await RunspacePoolClient.ConnectAsync(transport, shell, new RunspacePoolOptions
                        {
                            BufferMode = mode == OutputBufferingMode.None ? null : mode.ToString(),
                            ProtocolVersion = _options.ProtocolVersion,
                            MaximumReceivedObjectSize = session.Option.MaximumReceivedObjectSize,
                            MaximumReceivedDataSizePerCommand = session.Option.MaximumReceivedDataSizePerCommand,
                        }, cancellationToken).ConfigureAwait(false);
                        session.Transport?.Dispose();
                        session.Transport = transport;
                        break;
                    }
                    catch (WsManTransportException e) when (e.RedirectLocationText is { } location)
                    {
                        // Our choice (PowerShell follows only a Create's redirect): an allowed 302 moves the session.
                        transport.Dispose();
                        session.Target = FollowRedirect(session.Target, location, e, ref redirections, "PSSessionConnectFailed", ErrorCategory.InvalidOperation);
                    }
                    catch
                    {
                        transport.Dispose();
                        throw;
                    }
                }
            }
        }
        catch (Exception e) when (e is WsManFaultException or WsManTransportException or PsrpClientException or InvalidOperationException or PSRemotingException)
        {
            session.State = RunspaceState.Disconnected;
            return e;
        }

        session.State = RunspaceState.Opened;
        session.Availability = RunspaceAvailability.Available;
        session.DisconnectedOn = null;
        session.ExpiresOn = null;
        return null;
    }

    /// <summary>FindJobForSession: a job of this session in state Disconnected, unless the session was reconstructed from a query.</summary>
    private PSRemotingJob? FindJobForSession(PSSession session)
    {
        if (session.RemoteCommand is not null) return null;
        // A job whose command lives on a pool the session no longer has (the session was reconnected through another
        // client's Connect since, and a newer job took the command) cannot be reconnected: PowerShell's would fail on
        // its old runspace. The job on the session's pool is the one.
        lock (_sync)
        {
            return _jobs.FirstOrDefault(j => j.Session.InstanceId == session.InstanceId && j.State == JobState.Disconnected &&
                (j.Pipeline is null || session.Pool is null || ReferenceEquals(j.Pipeline.Pool, session.Pool)));
        }
    }

    /// <summary>The command to attach for output when there is no job: the queried running command, or a disconnected command of this pool.</summary>
    private async Task<PowerShellPipeline?> AttachCommandAsync(PSSession session, CancellationToken cancellationToken)
    {
        var pool = session.Pool!;
        if (session.RemoteCommand is { } command)
        {
            session.RemoteCommand = null;
            return await pool.ConnectCommandAsync(command.CommandId, command.CommandLine, cancellationToken).ConfigureAwait(false);
        }

        PowerShellPipeline[] owned;
        lock (_sync) owned = [.. _jobs.Select(j => j.Pipeline).OfType<PowerShellPipeline>()];
        var pipeline = pool.Pipelines.FirstOrDefault(p => !owned.Contains(p));
        if (pipeline is { State: PSInvocationState.Disconnected }) await pipeline.ReconnectAsync(cancellationToken).ConfigureAwait(false);
        return pipeline;
    }

    private async Task<ReceivePSSessionResult> ConnectSessionToHostAsync(PSSession session, PSRemotingJob? job, CancellationToken cancellationToken,
        Action<PSDataStreams>? onRecords = null)
    {
        if (job is not null)
        {
            await job.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await job.WaitAsync(force: false, cancellationToken).ConfigureAwait(false);
            await job.ReceiveLoopCompletion.ConfigureAwait(false);
            return new ReceivePSSessionResult(session, null, job.ReceiveJob());
        }

        var pipeline = await AttachCommandAsync(session, cancellationToken).ConfigureAwait(false);
        var results = pipeline is null ? new PSDataStreams() : await ReadToEndAsync(session, pipeline, cancellationToken, onRecords, receivePSSession: true).ConfigureAwait(false);
        return new ReceivePSSessionResult(session, null, results);
    }

    private async Task<ReceivePSSessionResult> ConnectSessionToJobAsync(PSSession session, PSRemotingJob? job, string? jobName, CancellationToken cancellationToken)
    {
        if (job is not null)
        {
            await job.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new ReceivePSSessionResult(session, job, null);
        }

        var pipeline = await AttachCommandAsync(session, cancellationToken).ConfigureAwait(false);
        var newJob = new PSRemotingJob(Interlocked.Increment(ref _lastJobId), jobName, session, pipeline?.CommandLine ?? string.Empty, hideComputerName: false,
            AutoDisconnectForJobAsync) { HostCalls = _options.HostCalls, QueueHostCalls = _options.QueueJobHostCalls };
        lock (_sync) _jobs.Add(newJob);
        if (pipeline is not null) newJob.StartReceiving(pipeline);
        else newJob.SetState(JobState.Completed);
        return new ReceivePSSessionResult(session, newJob, null);
    }

    /// <summary>A RemoteException hiding a PipelineStoppedException, which PowerShell's jobs do not report as an error.</summary>
    internal static bool IsPipelineStopped(ErrorRecordInfo reason) =>
        string.Equals(reason.FullyQualifiedErrorId, "PipelineStopped", StringComparison.OrdinalIgnoreCase);

    /// <remarks>
    /// A remote failure is reported as PowerShell's cmdlet reports it: Receive-PSSession to the host wraps the reason in
    /// <c>ReceivePSSessionPipelineFailed</c> ("The remote pipeline failed for the following reason: ..."); Invoke-Command
    /// writes the remote error record (a <c>throw</c>'s own message, category and id), except a PipelineStopped one.
    /// </remarks>
    private async Task<PSDataStreams> ReadToEndAsync(PSSession session, PowerShellPipeline pipeline, CancellationToken cancellationToken,
        Action<PSDataStreams>? onRecords = null, bool receivePSSession = false)
    {
        var results = new PSDataStreams();
        await foreach (var e in pipeline.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e is HostCallEvent hostCall)
            {
                // In order: what came before it was handed to the caller already (streaming), and what the command
                // writes after it comes once the host has answered.
                await AnswerHostCallAsync(pipeline, hostCall.Call, _options.HostCalls, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Streaming: each record goes to the caller on its own; nothing accumulates.
            if (onRecords is not null) results = new PSDataStreams();
            results.Add(e, session.ComputerName, session.InstanceId, showComputerName: true);
            if (e is StateEvent { State: PSInvocationState.Failed, Reason: { FullyQualifiedErrorId: "JobFailure" } clientFailure })
            {
                // Failed on this side (a transport error such as broken fragments): PowerShell writes the reason itself.
                results.AddError(clientFailure);
            }
            else if (e is StateEvent { State: PSInvocationState.Failed } failed && receivePSSession)
            {
                var message = failed.Reason is { Message: { Length: > 0 } reason } ? RemotingErrors.PipelineFailedWithReason(reason) : RemotingErrors.PipelineFailedWithoutReason;
                results.AddError(new ErrorRecordInfo(message, "ReceivePSSessionPipelineFailed", ErrorCategory.OperationStopped, null, null, "System.Management.Automation.RuntimeException", null));
            }
            else if (e is StateEvent { State: PSInvocationState.Failed, Reason: { } remoteReason } && !IsPipelineStopped(remoteReason))
            {
                // Invoke-Command (PSRemotingChildJob.ProcessJobFailure): the remote error record itself, with its origin.
                results.AddError(remoteReason);
            }

            if (onRecords is not null && !results.IsEmpty) onRecords(results);
        }

        return onRecords is null ? results : new PSDataStreams();
    }

    /// <summary>
    /// Runs a host call on <paramref name="handler"/> and sends its answer (a call that returns nothing is run and not
    /// answered). What the handler throws goes back as the call's error (<c>me</c>), as PowerShell's
    /// ClientMethodExecutor sends an exception the host threw; without a handler the answer is the error of a client
    /// without a host (emulator's wording: PowerShell's RemoteHostNullClientHost text is not recorded).
    /// </summary>
    internal static async Task AnswerHostCallAsync(PowerShellPipeline pipeline, PipelineHostCall call, RemoteHostCallHandler? handler, CancellationToken cancellationToken)
    {
        var answers = call.ExpectsResponse;
        PipelineHostResponse response;
        if (handler is null)
        {
            // A void call (SetShouldExit among them) is not run.
            if (!answers) return;
            response = new PipelineHostResponse(call.CallId, call.MethodId, null, ErrorRecords.Create(
                $"The remote host method {call.MethodId} cannot run: this client has no host.", "RemoteHostNullClientHost", ErrorCategory.NotImplemented,
                "System.Management.Automation.Remoting.PSRemotingDataStructureException"));
        }
        else
        {
            try
            {
                if (await HostCallContextAsync(pipeline, call, cancellationToken).ConfigureAwait(false) is not { } context) return;
                response = await handler(call, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                // As RemoteHostEncoder sends an exception that carries no error record of its own.
                response = new PipelineHostResponse(call.CallId, call.MethodId, null,
                    ErrorRecords.Create(e.Message, "RemoteHostExecutionException", ErrorCategory.NotSpecified, e.GetType().FullName ?? "System.Exception"));
            }
        }

        if (answers) await pipeline.SendHostResponseAsync(response with { CallId = call.CallId, MethodId = call.MethodId }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What a host call's answer needs of its session, the session key exchanged first when the answer may hold a
    /// SecureString; null for a call this client does not run: a remote script's exit (SetShouldExit), which
    /// PowerShell's client drops (ClientRemotePowerShell.ExitHandler) unless an interactive session is pushed, which
    /// this client has not.
    /// </summary>
    internal static async Task<RemoteHostCallContext?> HostCallContextAsync(PowerShellPipeline pipeline, PipelineHostCall call, CancellationToken cancellationToken)
    {
        if (call.MethodId == RemoteHostMethodId.SetShouldExit) return null;
        // As PowerShell's client when it serializes a SecureString against a server below protocol 2.4: the session key
        // first (here before the host runs, there when the answer is written).
        var key = RemoteHostCallContext.NeedsSessionKey(call) ? await pipeline.Pool.GetSessionKeyAsync(cancellationToken).ConfigureAwait(false) : null;
        return new RemoteHostCallContext(key);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Jobs

    /// <summary>Remove-Job.</summary>
    public void RemoveJob(PSRemotingJob job)
    {
        lock (_sync) _jobs.Remove(job);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private RunspacePoolClient RequireAvailable(PSSession session)
    {
        if (session.State != RunspaceState.Opened || session.Pool is not { State: RunspacePoolState.Opened } pool)
        {
            throw new PSRemotingException($"Because the session state for session {session.Name}, {session.InstanceId}, {session.ComputerName} is not equal to Open, you cannot run a command in the session.  The session state is {session.State}.",
                "InvalidSessionState", ErrorCategory.InvalidOperation, session);
        }

        return pool;
    }

    private IEnumerable<PSRemotingJob> JobsOf(PSSession session)
    {
        lock (_sync) return [.. _jobs.Where(j => ReferenceEquals(j.Session, session))];
    }

    private PSSession? Find(Func<PSSession, bool> predicate)
    {
        lock (_sync) return _sessions.FirstOrDefault(predicate);
    }

    private void AddOrReplace(PSSession session)
    {
        lock (_sync)
        {
            var i = _sessions.FindIndex(s => s.InstanceId == session.InstanceId);
            if (i >= 0) _sessions[i] = session;
            else _sessions.Add(session);
        }
    }

    private WsManTransport CreateTransport(RemoteTarget target, PSCredential credential, PSSessionOption option) => _options.TransportFactory(new WsManClientOptions
    {
        ConnectionUri = target.ConnectionUri,
        HostHeader = target.HostHeader,
        UserName = credential.UserName,
        Password = credential.Password,
        Authentication = credential.Authentication,
        CertificateThumbprint = credential.CertificateThumbprint,
        OperationTimeout = option.OperationTimeout,
        HttpTimeout = option.OperationTimeout + TimeSpan.FromMinutes(1),
        Locale = option.UICulture,
        DataLocale = option.Culture,
        ServerCertificateValidation = option.ServerCertificateValidation ?? (option.SkipCACheck ? (_, _, _, _) => true : null),
        TimeProvider = _options.TimeProvider,
        NetworkNotification = n =>
        {
            // PowerShell writes these as warnings, the computer named as the user gave it.
            if (n.Kind != NetworkEvent.RetryAborted) _options.Warning?.Invoke((n with { Computer = target.ComputerName }).Message);
        },
    });

    /// <summary>PowerShell wildcard match (*, ?, [a-z]), case-insensitive.</summary>
    public static bool WildcardMatch(string pattern, string? value)
    {
        if (value is null) return false;
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".").Replace(@"\[", "[").Replace(@"\]", "]") + "$";
        return Regex.IsMatch(value, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public async ValueTask DisposeAsync()
    {
        PSSession[] sessions;
        lock (_sync) sessions = [.. _sessions];
        foreach (var session in sessions) session.Transport?.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
