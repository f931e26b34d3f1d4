using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.PowerShell;
using ClientCredential = PsrpEmulator.Client.Remoting.PSCredential;
using ClientOutputBufferingMode = PsrpEmulator.Client.Remoting.OutputBufferingMode;
using ClientSessionOption = PsrpEmulator.Client.Remoting.PSSessionOption;
using SmaSessionOption = System.Management.Automation.Remoting.PSSessionOption;

namespace Microsoft.PowerShell.Commands;

/// <summary>
/// Receive-PSSession -OutTarget (PowerShell's enum; Linux builds of PowerShell do not ship it).
/// </summary>
public enum OutTarget
{
    Default = 0,
    Host = 1,
    Job = 2,
}

/// <summary>
/// Shared plumbing of our remoting cmdlets. They live in Microsoft.PowerShell.Commands under PowerShell's class
/// names so that error records get PowerShell's FullyQualifiedErrorIds (<c>{id},Microsoft.PowerShell.Commands.XCommand</c>).
/// </summary>
public abstract class PsrpCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private protected RemotingContext Context => RemotingContext.For(Runspace.DefaultRunspace);

    private protected PSRemotingClient Client => Context.Client;

    private protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// Runs client work to completion on the pipeline thread; the warnings the client reports meanwhile (redirection,
    /// robust-connection events) are written to the host as they come, as PowerShell does.
    /// </summary>
    private protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Pump(_ => work(StopToken));
        return ((Task<T>)task).GetAwaiter().GetResult();
    }

    private protected void Run(Func<CancellationToken, Task> work) => Pump(_ => work(StopToken)).GetAwaiter().GetResult();

    /// <summary>
    /// Runs client work that hands results over as they arrive: the work calls <c>post</c> with an action (e.g.
    /// writing output), which runs on the pipeline thread at once, in order, as PowerShell streams remote output.
    /// </summary>
    private protected void RunStreaming(Func<Action<Action>, CancellationToken, Task> work) => Pump(post => work(post, StopToken)).GetAwaiter().GetResult();

    // Client work runs on other threads; whatever must touch the pipeline (WriteObject, WriteWarning) is queued
    // here and run by the pipeline thread while it waits for the work to end.
    private Task Pump(Func<Action<Action>, Task> start)
    {
        var context = Context;
        var queue = new System.Collections.Concurrent.ConcurrentQueue<Action>();
        using var signal = new SemaphoreSlim(0);
        void Post(Action action)
        {
            queue.Enqueue(action);
            try
            {
                signal.Release();
            }
            catch (ObjectDisposedException)
            {
                // The cmdlet already returned; nothing more is written.
            }
        }

        var previous = context.WarningSink;
        var previousHost = context.HostInfo;
        var previousHostCalls = context.HostCallSink;
        context.WarningSink = message => Post(() => WriteWarning(message));
        context.HostInfo = HostInfoOf(Host);
        // A remote command's prompt runs on this cmdlet's host, on its pipeline thread, after what came before it. A call
        // that comes once the cmdlet is done (a job's, through a sink taken just before) gets a client without a host's
        // answer: nothing would run what it posts then.
        var host = Host;
        var sinkGate = new Lock();
        var pumping = true;
        context.HostCallSink = (call, hostContext) =>
        {
            var answer = new TaskCompletionSource<PsrpEmulator.Protocol.Psrp.PipelineHostResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (sinkGate)
            {
                if (!pumping) return Task.FromResult(RemoteHostUI.NoHost(call));
                Post(() => answer.TrySetResult(RemoteHostUI.Run(host, call, hostContext)));
            }

            return answer.Task;
        };
        try
        {
            var task = start(Post);
            WaitHandle[] handles = [((IAsyncResult)task).AsyncWaitHandle, signal.AvailableWaitHandle];
            while (!task.IsCompleted)
            {
                WaitHandle.WaitAny(handles);
                while (signal.CurrentCount > 0) signal.Wait(0);
                Drain();
            }

            return task;
        }
        finally
        {
            context.WarningSink = previous;
            context.HostInfo = previousHost;
            context.HostCallSink = previousHostCalls;
            lock (sinkGate) pumping = false;
            Drain();
        }

        void Drain()
        {
            while (queue.TryDequeue(out var action)) action();
        }
    }

    /// <summary>
    /// The HostInfo PowerShell builds for a host (HostInfo and HostDefaultData.Create): no host, UI or RawUI says so;
    /// otherwise each RawUI value it can read, a value whose read throws left out.
    /// </summary>
    internal static PsrpEmulator.Protocol.Clixml.PsObject? HostInfoOf(System.Management.Automation.Host.PSHost? host)
    {
        if (host?.UI?.RawUI is not { } raw) return null;
        static T? Read<T>(Func<T> read) where T : struct
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;
            }
        }

        string? title;
        try
        {
            title = raw.WindowTitle;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            title = null;
        }

        static (int, int) Size(System.Management.Automation.Host.Size s) => (s.Width, s.Height);
        static (int, int) At(System.Management.Automation.Host.Coordinates c) => (c.X, c.Y);
        return PsrpEmulator.Protocol.Psrp.HostInfoData.ForHost(new PsrpEmulator.Protocol.Psrp.HostRawUI
        {
            ForegroundColor = Read(() => (int)raw.ForegroundColor),
            BackgroundColor = Read(() => (int)raw.BackgroundColor),
            CursorPosition = Read(() => At(raw.CursorPosition)),
            WindowPosition = Read(() => At(raw.WindowPosition)),
            CursorSize = Read(() => raw.CursorSize),
            BufferSize = Read(() => Size(raw.BufferSize)),
            WindowSize = Read(() => Size(raw.WindowSize)),
            MaxWindowSize = Read(() => Size(raw.MaxWindowSize)),
            MaxPhysicalWindowSize = Read(() => Size(raw.MaxPhysicalWindowSize)),
            WindowTitle = title,
        });
    }

    /// <summary>Runs client work; a <see cref="PSRemotingException"/> becomes a non-terminating error. Returns false on error.</summary>
    private protected bool TryRun(Action action, object? target = null)
    {
        try
        {
            action();
            return true;
        }
        catch (PSRemotingException e)
        {
            WriteError(RemoteData.ToErrorRecord(e, target));
            return false;
        }
    }

    private protected void WriteSession(PsrpEmulator.Client.Remoting.PSSession session) => WriteObject(Context.Wrap(session));

    /// <summary>
    /// -CertificateThumbprint (certificate authentication; WinRM's client finds it in CurrentUser\My), else -Credential
    /// (else the host's current user), offered with the mechanism -Authentication names.
    /// </summary>
    private protected ClientCredential CredentialOf(System.Management.Automation.PSCredential? credential, string? certificateThumbprint, AuthenticationMechanism authentication)
    {
        if (!string.IsNullOrEmpty(certificateThumbprint)) return ClientCredential.FromCertificateThumbprint(certificateThumbprint);
        var mechanism = ClientMechanism(authentication);
        if (credential is null || ReferenceEquals(credential, System.Management.Automation.PSCredential.Empty))
        {
            return new ClientCredential(Context.Options.UserName, Context.Options.Password) { Authentication = mechanism };
        }

        return new ClientCredential(credential.UserName, credential.GetNetworkCredential().Password) { Authentication = mechanism };
    }

    /// <summary>Negotiate (and its implicit-credential form) is offered as Negotiate; Default and Basic as Basic.</summary>
    private static PsrpEmulator.Client.Transport.WsManAuthenticationMechanism ClientMechanism(AuthenticationMechanism authentication) =>
        authentication is AuthenticationMechanism.Negotiate or AuthenticationMechanism.NegotiateWithImplicitCredential
            ? PsrpEmulator.Client.Transport.WsManAuthenticationMechanism.Negotiate
            : PsrpEmulator.Client.Transport.WsManAuthenticationMechanism.Basic;

    /// <summary>
    /// Default and Basic use Basic; Negotiate uses Negotiate (NTLM in SPNEGO, sealed over HTTP); a certificate
    /// (-CertificateThumbprint) is offered as is; the others fail as WinRM fails when the server does not offer the
    /// mechanism (Windows' Default is Negotiate: see the README's differences). Cmdlets that
    /// query the server first (<paramref name="query"/>: Get-PSSession, Receive-PSSession) report it as PowerShell
    /// reports a failed query (QueryForRunspacesFailed, the WinRM message without the connect wording).
    /// </summary>
    private protected bool CheckAuthentication(AuthenticationMechanism mechanism, string computerName, string defaultErrorId, bool query = false)
    {
        // A certificate (-CertificateThumbprint, only with Default) is offered over HTTPS when the emulator has
        // CertificateMappings; the server answers 401 otherwise, as WinRM does.
        if (mechanism is AuthenticationMechanism.Default or AuthenticationMechanism.Basic or AuthenticationMechanism.Negotiate or AuthenticationMechanism.NegotiateWithImplicitCredential)
        {
            return true;
        }

        // UNVERIFIED: the WinRM code of this message (no prefix on the FQEID).
        const string winRm = "The WinRM client cannot process the request. " +
            "The authentication mechanism requested by the client is not supported by the server or unencrypted traffic is disabled in the service configuration. " +
            "Verify the unencrypted traffic setting in the service configuration or specify one of the authentication mechanisms supported by the server.  " +
            "To use Kerberos, specify the computer name as the remote destination. Also verify that the client computer and the destination computer are joined to a domain. " +
            "To use Basic, specify the computer name as the remote destination, specify Basic authentication and provide user name and password. " +
            "Possible authentication mechanisms reported by server:     Basic";
        var transport = new System.Management.Automation.Remoting.PSRemotingTransportException(
            $"Connecting to remote server {computerName} failed with the following error message : {winRm} For more information, see the about_Remote_Troubleshooting Help topic.");
        WriteError(query
            ? new ErrorRecord(new RuntimeException(RemotingErrors.QueryForRunspacesFailed(computerName, winRm), transport), defaultErrorId, ErrorCategory.InvalidOperation, computerName)
            : new ErrorRecord(transport, defaultErrorId, ErrorCategory.OpenError, computerName));
        return false;
    }

    /// <summary>
    /// PowerShell's PSRemotingBaseCmdlet.ValidateSpecifiedAuthentication, called from the setters of -Credential,
    /// -Authentication and -CertificateThumbprint (RemotingErrorIdStrings.NewRunspaceAmbiguousAuthentication).
    /// </summary>
    private protected static void ValidateSpecifiedAuthentication(System.Management.Automation.PSCredential? credential, string? thumbprint, AuthenticationMechanism authentication)
    {
        static string Ambiguous(string a, string b) => $"A {a} cannot be specified when {b} is specified.";
        if (credential is not null && thumbprint is not null) throw new InvalidOperationException(Ambiguous("CertificateThumbPrint", "Credential"));
        if (authentication != AuthenticationMechanism.Default && thumbprint is not null) throw new InvalidOperationException(Ambiguous("CertificateThumbPrint", authentication.ToString()));
        if (authentication == AuthenticationMechanism.NegotiateWithImplicitCredential && credential is not null)
        {
            throw new InvalidOperationException(Ambiguous("Credential", authentication.ToString()));
        }
    }

    /// <summary>
    /// PSRemotingBaseCmdlet's defaults (New-PSSession, Invoke-Command): an omitted or empty -ApplicationName is
    /// <c>$global:PSSessionApplicationName</c>, -ConfigurationName <c>$global:PSSessionConfigurationName</c>; unset,
    /// null: the defaults (/wsman, Microsoft.PowerShell). Get-, Connect- and Receive-PSSession do not read them.
    /// PowerShell casts the value to string (another type throws); here it is then ignored.
    /// </summary>
    private protected string? OrPreference(string? given, string variable) =>
        !string.IsNullOrEmpty(given) ? given : SessionState.PSVariable.GetValue("global:" + variable) switch
        {
            string s => s,
            PSObject { BaseObject: string s } => s,
            _ => given,
        };

    /// <summary>
    /// -SessionOption, else <c>$PSSessionOption</c> (unless <paramref name="usePreference"/> is false), else defaults;
    /// converted to the client's options. In PowerShell only the cmdlets deriving from PSRemotingBaseCmdlet
    /// (New-PSSession, Invoke-Command, ...) default to <c>$PSSessionOption</c>; Get-PSSession and Receive-PSSession
    /// take their -SessionOption as given.
    /// </summary>
    private protected ClientSessionOption SessionOptionOf(SmaSessionOption? option, bool ignoreIdleTimeout = false, bool usePreference = true)
    {
        if (usePreference) option ??= GetVariableValue("PSSessionOption") switch
        {
            SmaSessionOption o => o,
            PSObject { BaseObject: SmaSessionOption o } => o,
            _ => null,
        };
        if (option is null) return ClientSessionOption.Default;
        var idle = option.IdleTimeout;
        return new ClientSessionOption
        {
            IdleTimeout = ignoreIdleTimeout || idle < TimeSpan.Zero ? null : idle,
            OutputBufferingMode = (ClientOutputBufferingMode)(int)option.OutputBufferingMode,
            OperationTimeout = option.OperationTimeout,
            OpenTimeout = option.OpenTimeout,
            CancelTimeout = option.CancelTimeout,
            MaximumConnectionRedirectionCount = option.MaximumConnectionRedirectionCount,
            MaxConnectionRetryCount = option.MaxConnectionRetryCount,
            NoMachineProfile = option.NoMachineProfile,
            SkipCACheck = option.SkipCACheck,
            SkipCNCheck = option.SkipCNCheck,
            ServerCertificateValidation = RemotingContext.CertificateCheck(option.SkipCACheck, option.SkipCNCheck),
            MaximumReceivedObjectSize = option.MaximumReceivedObjectSize,
            MaximumReceivedDataSizePerCommand = option.MaximumReceivedDataSizePerCommand,
            Culture = option.Culture?.Name is { Length: > 0 } culture ? culture : "en-US",
            UICulture = option.UICulture?.Name is { Length: > 0 } uiCulture ? uiCulture : "en-US",
        };
    }

    /// <summary>Sessions of the local repository matching Id, Name (wildcards) or InstanceId, with PowerShell's not-found errors.</summary>
    private protected List<PsrpEmulator.Client.Remoting.PSSession> MatchLocal(int[]? ids, string[]? names, Guid[]? instanceIds)
    {
        var sessions = Client.Sessions;
        var result = new List<PsrpEmulator.Client.Remoting.PSSession>();
        void Add(PsrpEmulator.Client.Remoting.PSSession s)
        {
            if (!result.Contains(s)) result.Add(s);
        }

        foreach (var id in ids ?? [])
        {
            var match = sessions.Where(s => s.Id == id).ToList();
            if (match.Count == 0)
            {
                WriteError(new ErrorRecord(new ArgumentException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedSessionId(id)),
                    "RemoteRunspaceNotAvailableForSpecifiedSessionId", ErrorCategory.InvalidArgument, id));
            }

            match.ForEach(Add);
        }

        foreach (var name in names ?? [])
        {
            var match = sessions.Where(s => PSRemotingClient.WildcardMatch(name, s.Name)).ToList();
            if (match.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(new ErrorRecord(new ArgumentException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedName(name)),
                    "RemoteRunspaceNotAvailableForSpecifiedName", ErrorCategory.InvalidArgument, name));
            }

            match.ForEach(Add);
        }

        foreach (var instanceId in instanceIds ?? [])
        {
            var match = sessions.Where(s => s.InstanceId == instanceId).ToList();
            if (match.Count == 0)
            {
                WriteError(new ErrorRecord(new ArgumentException(RemotingErrors.RemoteRunspaceNotAvailableForSpecifiedRunspaceId(instanceId)),
                    "RemoteRunspaceNotAvailableForSpecifiedRunspaceId", ErrorCategory.InvalidArgument, instanceId));
            }

            match.ForEach(Add);
        }

        return result;
    }

    /// <summary>Wraps client jobs in a RemotingJob, registers it in the job repository and returns it.</summary>
    private protected RemotingJob AddJob(string command, string? name, IEnumerable<PSRemotingJob> jobs)
    {
        var job = new RemotingJob(command, name);
        job.AddChildren([.. jobs.Select(Context.ChildJobFor)]);
        JobRepository.Add(job);
        return job;
    }

    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
