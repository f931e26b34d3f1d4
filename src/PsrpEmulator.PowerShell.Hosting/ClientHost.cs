using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using SmaPowerShell = System.Management.Automation.PowerShell;

namespace PsrpEmulator.PowerShell.Hosting;

/// <summary>What one command line produced: output objects, error records and the text the host displayed.</summary>
public sealed record ScriptResult(IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, string HostText)
{
    public bool HadErrors => Errors.Count > 0;
}

/// <summary>Settings of a <see cref="ClientHost"/>.</summary>
public sealed record ClientHostOptions
{
    public string Name { get; init; } = "PsrpEmulatorHost";

    /// <summary>Current user, host map, clock and transports of this client.</summary>
    public RemotingContextOptions Remoting { get; init; } = new();

    /// <summary>
    /// Which thread runs a command line (PowerShell's default: a thread of the runspace). A scenario runner uses
    /// <see cref="PSThreadOptions.UseCurrentThread"/> to see when the command blocks.
    /// </summary>
    public PSThreadOptions ThreadOptions { get; init; } = PSThreadOptions.Default;

    /// <summary>Answers a -Credential given as a user name: (userName, targetName) → credential.</summary>
    public Func<string, string?, System.Management.Automation.PSCredential?>? CredentialPrompt { get; init; }
}

/// <summary>
/// One client "PowerShell process" in-process: a runspace from <c>InitialSessionState.CreateDefault()</c> whose
/// built-in remoting cmdlets are replaced by ours (plus our format data), its own <see cref="RemotingContext"/>
/// (session and job repositories, current user, host map, clock) and a host whose screen is captured.
/// A client restart is a new ClientHost.
/// </summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly Runspace _runspace;

    static ClientHost()
    {
        Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
        LoadModuleAnalysisCache();
    }

    /// <summary>
    /// Reads PowerShell's module analysis cache now, once per process, instead of in the first command lookup that
    /// falls back to module auto-discovery (on Linux, the Registry view's `Sort` when a RegistryKey is formatted).
    /// Without a cache file (a fresh machine, CI) that read sleeps 3 × 25 ms of real time on the pipeline thread
    /// (AnalysisCacheData.Get retries as if the file were locked): a scenario's virtual clock, seeing a blocked
    /// command in a quiet process, took that sleep for a wait on the clock and moved on (by 30 s, to the next
    /// heartbeat). The class is internal to PowerShell; when it is not there, nothing is done.
    /// </summary>
    private static void LoadModuleAnalysisCache()
    {
        var cache = typeof(PSObject).Assembly.GetType("System.Management.Automation.AnalysisCache", throwOnError: false);
        if (cache is null) return;
        try
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(cache.TypeHandle);
        }
        catch (TypeInitializationException)
        {
            // PowerShell's own first lookup will meet (and report) the same failure.
        }
    }

    public ClientHost(ClientHostOptions? options = null)
    {
        options ??= new ClientHostOptions();
        Host = new CapturingHost(options.Name, options.CredentialPrompt);
        Context = new RemotingContext(options.Remoting);
        _runspace = RunspaceFactory.CreateRunspace(Host, CreateSessionState());
        RemotingContext.Register(_runspace, Context);
        _runspace.ThreadOptions = options.ThreadOptions;
        _runspace.Open();
        Run("$PSStyle.OutputRendering = 'PlainText'");
    }

    public CapturingHost Host { get; }

    public RemotingContext Context { get; }

    public Runspace Runspace => _runspace;

    /// <summary>The cmdlets of the module (type and Verb-Noun name), found by reflection.</summary>
    public static IReadOnlyList<(string Name, Type Type)> ModuleCmdlets { get; } = [.. typeof(RemotingContext).Assembly.GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttribute<CmdletAttribute>()))
        .Where(x => x.Attribute is not null && !x.Type.IsAbstract)
        .Select(x => ($"{x.Attribute!.VerbName}-{x.Attribute.NounName}", x.Type))];

    /// <summary>The format file shipped beside the module assembly.</summary>
    public static string FormatFilePath => Path.Combine(Path.GetDirectoryName(typeof(RemotingContext).Assembly.Location)!, "PsrpEmulator.PowerShell.format.ps1xml");

    /// <summary>Default session state with the built-in remoting cmdlets removed and ours added.</summary>
    public static InitialSessionState CreateSessionState()
    {
        var iss = InitialSessionState.CreateDefault();
        foreach (var (name, type) in ModuleCmdlets)
        {
            iss.Commands.Remove(name, null);
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        }

        iss.Formats.Add(new SessionStateFormatEntry(FormatFilePath));
        return iss;
    }

    /// <summary>Runs one command line as a console would: output goes to the host through Out-Default, and is also returned.</summary>
    public ScriptResult Run(string script)
    {
        var items = new List<PSObject>();
        var errors = new List<ErrorRecord>();
        using (var ps = SmaPowerShell.Create())
        {
            ps.Runspace = _runspace;
            ps.AddScript(script);
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            try
            {
                items.AddRange(ps.Invoke());
            }
            catch (RuntimeException e)
            {
                items.Add(new PSObject(e.ErrorRecord));
            }

            errors.AddRange(ps.Streams.Error);
        }

        using (var format = SmaPowerShell.Create())
        {
            format.Runspace = _runspace;
            format.AddCommand("Out-Default");
            format.Invoke(items.Concat(errors.Select(e => new PSObject(e))));
        }

        var output = items.Where(o => o?.BaseObject is not ErrorRecord).ToList();
        errors.InsertRange(0, items.Select(o => o?.BaseObject).OfType<ErrorRecord>());
        return new ScriptResult(output, errors, Host.TakeText());
    }

    /// <summary><see cref="Run"/> on a pool thread, so the caller can move a virtual clock while a command waits.</summary>
    public Task<ScriptResult> RunAsync(string script) => Task.Run(() => Run(script));

    public async ValueTask DisposeAsync()
    {
        _runspace.Dispose();
        await Context.DisposeAsync().ConfigureAwait(false);
    }
}
