using System.Collections;
using System.Management.Automation.Runspaces;
using System.Net.Security;
using System.Runtime.CompilerServices;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Client.Transport;
using ClientSession = PsrpEmulator.Client.Remoting.PSSession;

namespace PsrpEmulator.PowerShell;

/// <summary>How one client host (one "PowerShell process") reaches computers and who its current user is.</summary>
public sealed record RemotingContextOptions
{
    /// <summary>Default user name when -Credential is absent (Windows would use the logged-on user).</summary>
    public string UserName { get; init; } = "psrp";

    public string Password { get; init; } = "psrp";

    /// <summary>Computer name → <c>address[:port]</c>. A mapped name is reached at that address with Host header = the name.</summary>
    public IReadOnlyDictionary<string, string> Hosts { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The client's clock (virtual time in scenarios).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Script files known by path (exact text, case-insensitive) that Invoke-Command -FilePath reads instead of the
    /// file system: scenarios map paths such as <c>\\Server12\Scripts\X.ps1</c> to their text.
    /// </summary>
    public IReadOnlyDictionary<string, string> ScriptFiles { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replaces how transports are made (tests); null uses HTTP.</summary>
    public Func<WsManClientOptions, WsManTransport>? TransportFactory { get; init; }

    /// <summary>
    /// From the environment: <c>PSRPEMU_USER</c>, <c>PSRPEMU_PASSWORD</c> (default psrp/psrp) and
    /// <c>PSRPEMU_HOSTS</c> (<c>Server01=127.0.0.1:5985;Server02=127.0.0.1:5985</c>).
    /// </summary>
    public static RemotingContextOptions FromEnvironment(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Read(string name) => environment[name] as string is { Length: > 0 } value ? value : null;
        return new RemotingContextOptions
        {
            UserName = Read("PSRPEMU_USER") ?? "psrp",
            Password = Read("PSRPEMU_PASSWORD") ?? "psrp",
            Hosts = ParseHosts(Read("PSRPEMU_HOSTS")),
        };
    }

    // The record's generated ToString would print the password into any log or error message that formats it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("UserName = ").Append(UserName).Append(", Password = ***, Hosts = ").Append(string.Join(";", Hosts.Select(h => h.Key + "=" + h.Value)));
        return true;
    }

    /// <summary>Parses <c>Name=address[:port];Name2=...</c> (also accepts commas and new lines as separators).</summary>
    public static IReadOnlyDictionary<string, string> ParseHosts(string? text)
    {
        var hosts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(text)) return hosts;
        foreach (var entry in text.Split([';', ',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == entry.Length - 1) continue;
            hosts[entry[..eq].Trim()] = entry[(eq + 1)..].Trim();
        }

        return hosts;
    }
}

/// <summary>
/// The remoting state of one client host: its <see cref="PSRemotingClient"/> (session and job repositories), its
/// current user and its host map. One per runspace: the cmdlets find it through the runspace they run in, so two
/// hosted runspaces in one process are two different clients.
/// </summary>
public sealed class RemotingContext : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<Runspace, RemotingContext> s_contexts = new();
    private static readonly Lock s_sync = new();
    private static RemotingContext? s_processContext;

    private readonly ConditionalWeakTable<ClientSession, PSSession> _sessions = new();
    private readonly ConditionalWeakTable<PSRemotingJob, RemotingChildJob> _jobs = new();

    public RemotingContext(RemotingContextOptions? options = null)
    {
        Options = options ?? RemotingContextOptions.FromEnvironment();
        var clientOptions = new PSRemotingClientOptions
        {
            TimeProvider = Options.TimeProvider,
            ResolveRedirect = ResolveUri,
            Warning = message => WarningSink?.Invoke(message),
            HostInfo = () => HostInfo,
            // The running cmdlet's host answers (on its pipeline thread); with no cmdlet running, nobody can.
            HostCalls = (call, hostContext, cancellationToken) => HostCallSink is { } sink ? sink(call, hostContext) : Task.FromResult(RemoteHostUI.NoHost(call)),
            // A job's run when Receive-Job reads them, on its host, as PowerShell's remoting jobs run theirs.
            QueueJobHostCalls = RemoteData.RunsJobHostCallsOnReceive,
        };
        if (Options.TransportFactory is { } factory) clientOptions = clientOptions with { TransportFactory = factory };
        Client = new PSRemotingClient(clientOptions);
    }

    public RemotingContextOptions Options { get; }

    /// <summary>Where the client's warnings go while a cmdlet runs (it writes them to the host on its pipeline thread); null: dropped.</summary>
    internal Action<string>? WarningSink { get; set; }

    /// <summary>Runs a remote command's host call on the running cmdlet's host (null: no cmdlet runs).</summary>
    internal Func<Protocol.Psrp.PipelineHostCall, RemoteHostCallContext, Task<Protocol.Psrp.PipelineHostResponse>>? HostCallSink { get; set; }

    /// <summary>The HostInfo of the running cmdlet's host, which a session it opens sends (null: no host).</summary>
    internal Protocol.Clixml.PsObject? HostInfo { get; set; }

    public PSRemotingClient Client { get; }

    /// <summary>Makes <paramref name="context"/> the remoting state of <paramref name="runspace"/> (before running anything in it).</summary>
    public static void Register(Runspace runspace, RemotingContext context)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        s_contexts.AddOrUpdate(runspace, context);
    }

    /// <summary>
    /// The context of a runspace: the registered one, else one made from the environment. In pwsh every runspace
    /// of the process shares one (like PowerShell's process-wide session repository).
    /// </summary>
    public static RemotingContext For(Runspace? runspace)
    {
        if (runspace is not null && s_contexts.TryGetValue(runspace, out var context)) return context;
        lock (s_sync) return s_processContext ??= new RemotingContext();
    }

    /// <summary>The one wrapper object users see for a client session (same object every time).</summary>
    public PSSession Wrap(ClientSession session) => _sessions.GetValue(session, s => new PSSession(s));

    public IEnumerable<PSSession> Sessions => Client.Sessions.Select(Wrap);

    internal RemotingChildJob? FindChildJob(PSRemotingJob job) => _jobs.TryGetValue(job, out var child) ? child : null;

    internal RemotingChildJob ChildJobFor(PSRemotingJob job) => _jobs.GetValue(job, j => new RemotingChildJob(j));

    /// <summary>-ComputerName [-Port] [-UseSSL] [-ApplicationName], through the host map, then DNS.</summary>
    public RemoteTarget ResolveComputer(string computerName, int port = 0, bool useSsl = false, string? applicationName = null)
    {
        var logical = RemoteTarget.FromComputerName(computerName, port, useSsl, applicationName);
        return Map(logical, computerName);
    }

    /// <summary>-ConnectionUri, through the host map when its host is mapped.</summary>
    public RemoteTarget ResolveUri(Uri connectionUri)
    {
        var logical = RemoteTarget.FromUri(connectionUri);
        return Map(logical, connectionUri.Host);
    }

    private RemoteTarget Map(RemoteTarget logical, string name)
    {
        if (!Options.Hosts.TryGetValue(name, out var address)) return logical;
        var uri = logical.ConnectionUri;
        var builder = new UriBuilder(uri);
        var colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address[(colon + 1)..], out var mappedPort))
        {
            builder.Host = address[..colon];
            builder.Port = mappedPort;
        }
        else
        {
            builder.Host = address;
        }

        return logical with { ConnectionUri = builder.Uri, HostHeader = $"{name}:{uri.Port}" };
    }

    /// <summary>A certificate check honouring SkipCACheck / SkipCNCheck (null: the platform's check).</summary>
    internal static RemoteCertificateValidationCallback? CertificateCheck(bool skipCaCheck, bool skipCnCheck)
    {
        if (!skipCaCheck && !skipCnCheck) return null;
        return (_, _, _, errors) =>
        {
            if (skipCaCheck) errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            if (skipCnCheck) errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            return errors == SslPolicyErrors.None;
        };
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync().ConfigureAwait(false);
}
