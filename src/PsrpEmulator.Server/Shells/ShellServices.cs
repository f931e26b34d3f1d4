using Microsoft.Extensions.Logging;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Shells;

/// <summary>What shells and pipelines need from the host: options, behaviours, time and logging.</summary>
internal sealed class ShellServices(EmulatorOptions options, BehaviourCatalog behaviours, TimeProvider time, ILogger logger, Journal journal, ScenarioSettings scenario)
{
    public EmulatorOptions Options { get; } = options;
    public BehaviourCatalog Behaviours { get; } = behaviours;
    public TimeProvider Time { get; } = time;

    /// <summary>
    /// One timer for every sleeping behaviour on the real clock (thousands of idle pipelines keep no timer each).
    /// Null on any other clock: a virtual clock keeps one timer per sleep, so same-instant timers fire in the order
    /// they were made, as the scenario runner expects.
    /// </summary>
    public SleepTimers? SleepTimers { get; } = time == TimeProvider.System ? new SleepTimers(time) : null;
    public ILogger Logger { get; } = logger;
    public Journal Journal { get; } = journal;
    public ScenarioSettings Scenario { get; } = scenario;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, VirtualFileSystem> _disks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Forgets every computer's disk (the admin API's reset): the next use makes a new one.</summary>
    public void ResetDisks()
    {
        _disks.Clear();
        _environments.Clear();
        _serviceStates.Clear();
        _features.Clear();
        _registries.Clear();
        _boots.Clear();
    }

    /// <summary>
    /// The disk of a virtual computer (made at its first use, with the scenario's <c>files:</c>), with the profile of
    /// the user whose session asks (<paramref name="profile"/>: C:\Users\name) made on it.
    /// </summary>
    public VirtualFileSystem FileSystemOf(string computer, string? profile)
    {
        var disk = _disks.GetOrAdd(computer, static (name, services) => services.Behaviours.NewFileSystem(name, services.Time, services.Options.DiskCapacityBytes, services.Options.DiskSizeBytes, services.Options.DiskFreeBytes), this);
        if (profile is not null) disk.EnsureProfile(profile);
        return disk;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PersistentEnvironment> _environments = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The environment variables a virtual computer keeps for its later processes (machine and users'), made at first use.</summary>
    public PersistentEnvironment EnvironmentOf(string computer) => _environments.GetOrAdd(computer, static _ => new PersistentEnvironment());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ServiceStates> _serviceStates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What commands changed of a virtual computer's services, made at first use.</summary>
    public ServiceStates ServicesOf(string computer) => _serviceStates.GetOrAdd(computer, static (name, services) =>
        new ServiceStates
        {
            Features = services.FeaturesOf(name),
            Stopped = service => services.Restarts?.ServiceStopped(name, service),
            Entered = (displayName, status) => services.EventLogsOf(name).ServiceEntered(displayName, status),
        }, this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LocalAccounts> _accounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's local users and groups if a session or shell has used them; null before.</summary>
    public LocalAccounts? ExistingAccountsOf(string computer) => _accounts.GetValueOrDefault(computer);

    /// <summary>A virtual computer's local users and groups (the emulator's users its administrators), made at first use.</summary>
    public LocalAccounts AccountsOf(string computer) => _accounts.GetOrAdd(computer, static (name, services) => new LocalAccounts(name, services.Options.EffectiveUsers.Keys), this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FirewallRules> _firewalls = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's firewall rules, made at first use (commands change them for every session of the computer).</summary>
    public FirewallRules FirewallRulesOf(string computer) => _firewalls.GetOrAdd(computer, static _ => new FirewallRules());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ScheduledTasks> _scheduledTasks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's scheduled tasks, made at first use (commands change them for every session of the computer).</summary>
    public ScheduledTasks ScheduledTasksOf(string computer) => _scheduledTasks.GetOrAdd(computer, static _ => new ScheduledTasks());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SmbShares> _smbShares = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's SMB shares, made at first use (commands change them for every session of the computer).</summary>
    public SmbShares SmbSharesOf(string computer) => _smbShares.GetOrAdd(computer, static _ => new SmbShares());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CertificateStores> _certificates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A virtual computer's certificate stores, made at first use: the scenario's <c>certificates:</c> for it (commands
    /// change them for every session of the computer).
    /// </summary>
    public CertificateStores CertificateStoresOf(string computer) =>
        _certificates.GetOrAdd(computer, static (name, services) => services.Behaviours.NewCertificateStores(name), this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WsManSettings> _wsManSettings = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What scripts changed of a virtual computer's WinRM configuration, made at first use.</summary>
    public WsManSettings WsManSettingsOf(string computer) => _wsManSettings.GetOrAdd(computer, static _ => new WsManSettings());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EventLogs> _eventLogs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A virtual computer's classic event logs, made at first use: the boot's entries at the default scenario's boot time
    /// (or the computer's last restart), then the scenario's <c>eventLog:</c> entries for it.
    /// </summary>
    public EventLogs EventLogsOf(string computer) => _eventLogs.GetOrAdd(computer, static (name, services) =>
        new EventLogs(services.Time, services.LastBootOf(name) ?? EventLogs.DefaultBoot, services.Behaviours.EventLogSeeds(name)), this);

    /// <summary>A virtual computer's event logs if something has used them; null before.</summary>
    internal EventLogs? ExistingEventLogsOf(string computer) => _eventLogs.GetValueOrDefault(computer);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NetworkSettings> _networks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What commands changed of a virtual computer's network, made at first use.</summary>
    public NetworkSettings NetworkSettingsOf(string computer) => _networks.GetOrAdd(computer, static (name, services) =>
    {
        var options = services.Options;
        // The other virtual computers (those whose address is not this one's).
        var neighbours = options.EffectiveComputers
            .Where(other => !other.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(other => (Name: other, options.IPv4ConfigurationOf(other).Address))
            .Where(other => other.Address != options.IPv4ConfigurationOf(name).Address)
            .GroupBy(other => other.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Address, StringComparer.OrdinalIgnoreCase);
        return new NetworkSettings(options.IPv4ConfigurationOf(name), options.PlaceOf(name))
        {
            Neighbours = neighbours,
            Clock = services.Time,
            // The neighbour's own firewall, on the profile of its network's category (Public unless a script changed it).
            NeighbourAllows = (address, protocol, port) => neighbours.FirstOrDefault(n => n.Value == address).Key is { } other &&
                services.FirewallRulesOf(other).AllowsInbound(services.NetworkSettingsOf(other).NetworkCategory, protocol, port),
        };
    }, this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WindowsFeatureStates> _features = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's Windows features (what Install-WindowsFeature changed), made at first use.</summary>
    public WindowsFeatureStates FeaturesOf(string computer) => _features.GetOrAdd(computer, static (name, services) =>
        new WindowsFeatureStates { Installed = feature => WindowsFeatureFiles.Place(feature, services.FileSystemOf(name, null)) }, this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, VirtualRegistry> _registries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A virtual computer's registry (the scenario's <c>registry:</c> keys, and what commands changed), made at first use.</summary>
    public VirtualRegistry RegistryOf(string computer) => _registries.GetOrAdd(computer, static (name, services) =>
    {
        var registry = services.Behaviours.NewRegistry(name);
        // Its Environment keys are the environment the computer keeps for later processes.
        registry.Environment = services.EnvironmentOf(name);
        // Its Services keys are the computer's services (Start their start type).
        registry.Services = new ServiceRegistryKeys(() => services.WmiOf(name), services.ServicesOf(name));
        return registry;
    }, this);

    /// <summary>A virtual computer's WMI classes as they are now (the scenario's, with what commands changed).</summary>
    public ComputerWmi WmiOf(string computer) => new(Behaviours, computer, ServicesOf(computer), LastBootOf(computer), FileSystemOf(computer, null)) { Accounts = AccountsOf(computer), Shares = SmbSharesOf(computer), Network = NetworkSettingsOf(computer), Clock = Time, Features = FeaturesOf(computer) };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _boots = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When the computer last restarted (its LastBootUpTime from then on); null when it never has.</summary>
    public DateTimeOffset? LastBootOf(string computer) => _boots.TryGetValue(computer, out var at) ? at : null;

    /// <summary>The computer booted at <paramref name="at"/> (a restart).</summary>
    public void Booted(string computer, DateTimeOffset at) => _boots[computer] = at;

    /// <summary>The computers' restarts (set when they are made, with the registry and the injector).</summary>
    internal ComputerRestarts? Restarts { get; set; }

    /// <summary>Cancelled when the emulator stops: held Receives end at once instead of delaying shutdown.</summary>
    public CancellationToken Stopping { get; init; }

    private byte[]? _applicationPrivateData;

    /// <summary>
    /// The CLIXML of the APPLICATION_PRIVATE_DATA every pool gets (the options' versions, fixed at start): serialized
    /// once, not per Create.
    /// </summary>
    public ReadOnlyMemory<byte> ApplicationPrivateData => _applicationPrivateData ??= Protocol.Clixml.ClixmlSerializer.Serialize(
        Protocol.Psrp.ApplicationPrivateData.ForWindowsPowerShell(Options.PSVersion, Options.ProtocolVersion).ToPsValue(), true);

    private Protocol.Clixml.PsObject? _psVersionTable;

    /// <summary>
    /// The automatic variables behaviours can read: <c>$PSVersionTable</c> (a PSVersionHashTable with the entries the
    /// APPLICATION_PRIVATE_DATA reports, Windows PowerShell 5.1's by default), <c>$PSEdition</c>, and the preference
    /// variables' defaults in a remote session (<c>$ErrorActionPreference</c> Continue...); null for others.
    /// </summary>
    public Protocol.Clixml.PsValue? AutomaticVariable(string name)
    {
        // A copy for each read: a session may change the table in place, and the next read (another session's too)
        // must not see it.
        if (name.Equals("PSVersionTable", StringComparison.OrdinalIgnoreCase)) return PsrpEmulator.Server.Behaviours.ScriptExpressions.DeepCopy(_psVersionTable ??= PSVersionTable());
        if (name.Equals("PSEdition", StringComparison.OrdinalIgnoreCase)) return Protocol.Clixml.PsPrimitive.String("Desktop");
        return PreferenceDefault(name);
    }

    private static readonly string[] ActionPreferenceTypeNames = ["System.Management.Automation.ActionPreference", "System.Enum", "System.ValueType", "System.Object"];

    // The preference variables' values in a remote session until a script sets them (ActionPreference: SilentlyContinue
    // 0, Stop 1, Continue 2), and the limits PowerShell defines.
    private static Protocol.Clixml.PsValue? PreferenceDefault(string name) => name.ToUpperInvariant() switch
    {
        "ERRORACTIONPREFERENCE" or "WARNINGPREFERENCE" or "PROGRESSPREFERENCE" => Protocol.Clixml.PsObjects.Enum(ActionPreferenceTypeNames, "Continue", 2),
        "VERBOSEPREFERENCE" or "DEBUGPREFERENCE" or "INFORMATIONPREFERENCE" => Protocol.Clixml.PsObjects.Enum(ActionPreferenceTypeNames, "SilentlyContinue", 0),
        "CONFIRMPREFERENCE" => Protocol.Clixml.PsObjects.Enum(["System.Management.Automation.ConfirmImpact", "System.Enum", "System.ValueType", "System.Object"], "High", 3),
        "WHATIFPREFERENCE" => Protocol.Clixml.PsPrimitive.Boolean(false),
        "MAXIMUMHISTORYCOUNT" or "MAXIMUMVARIABLECOUNT" or "MAXIMUMFUNCTIONCOUNT" or "MAXIMUMALIASCOUNT" or "MAXIMUMDRIVECOUNT" => Protocol.Clixml.PsPrimitive.Int32(4096),
        // 5.1's $ErrorView is a string (PowerShell 7 made it an enum with ConciseView).
        "ERRORVIEW" => Protocol.Clixml.PsPrimitive.String("NormalView"),
        "PSSESSIONAPPLICATIONNAME" => Protocol.Clixml.PsPrimitive.String("wsman"),
        "PSSESSIONCONFIGURATIONNAME" => Protocol.Clixml.PsPrimitive.String("http://schemas.microsoft.com/powershell/Microsoft.PowerShell"),
        "PSHOME" => Protocol.Clixml.PsPrimitive.String(@"C:\Windows\System32\WindowsPowerShell\v1.0"),
        "MAXIMUMERRORCOUNT" => Protocol.Clixml.PsPrimitive.Int32(256),
        "FORMATENUMERATIONLIMIT" => Protocol.Clixml.PsPrimitive.Int32(4),
        "SHELLID" => Protocol.Clixml.PsPrimitive.String("Microsoft.PowerShell"),
        "NESTEDPROMPTLEVEL" => Protocol.Clixml.PsPrimitive.Int32(0),
        // 5.1's default: US-ASCII, the encoding it pipes text to native programs in.
        "OUTPUTENCODING" => new Protocol.Clixml.PsObject(["System.Text.ASCIIEncoding", "System.Text.Encoding", "System.Object"]) { ToStringValue = "System.Text.ASCIIEncoding" }
            .With("IsSingleByte", true).With("BodyName", "us-ascii").With("EncodingName", "US-ASCII").With("HeaderName", "us-ascii").With("WebName", "us-ascii")
            .With("WindowsCodePage", 1252).With("IsBrowserDisplay", false).With("IsBrowserSave", false).With("IsMailNewsDisplay", true).With("IsMailNewsSave", true)
            .With("IsReadOnly", true).With("CodePage", 20127),
        // $Error before the session's first error (RunspaceState.RecordError makes the session's own then).
        "ERROR" => Protocol.Clixml.PsObjects.List([], ["System.Collections.ArrayList", "System.Object"]),
        _ => null,
    };

    /// <summary>
    /// A remote session's <c>$PSSenderInfo</c>: the connected user (a PSPrincipal whose identity is authenticated) and
    /// the session configuration, and the URL the client connected to. The authentication mechanism and the client's
    /// application arguments are not known to the shell: null (AuthenticationType absent).
    /// </summary>
    public static Protocol.Clixml.PsObject SenderInfo(string user, string configurationName, string? connectionString)
    {
        var identity = new Protocol.Clixml.PsObject(["System.Management.Automation.Remoting.PSIdentity", "System.Object"]) { ToStringValue = "System.Management.Automation.Remoting.PSIdentity" }
            .With("IsAuthenticated", true)
            .With("Name", user)
            .With("CertificateDetails", (string?)null);
        var principal = new Protocol.Clixml.PsObject(["System.Management.Automation.Remoting.PSPrincipal", "System.Object"]) { ToStringValue = "System.Management.Automation.Remoting.PSPrincipal" }
            .With("Identity", identity);
        return new Protocol.Clixml.PsObject(["System.Management.Automation.Remoting.PSSenderInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.Remoting.PSSenderInfo" }
            .With("UserInfo", principal)
            .With("ClientTimeZone", (string?)null)
            .With("ConnectionString", connectionString)
            .With("ApplicationArguments", (string?)null)
            .With("ConfigurationName", configurationName)
            .With("ConnectedUser", user)
            .With("RunAsUser", (string?)null);
    }

    /// <summary>
    /// The automatic variables of one process on the emulated computer: <see cref="AutomaticVariable(string)"/>'s, and
    /// <c>$PID</c> (<paramref name="processId"/>) and <c>$Host</c> (a remote session's ServerRemoteHost, powershell.exe's
    /// ConsoleHost, as their Name, Version, InstanceId and cultures read).
    /// </summary>
    public Protocol.Clixml.PsValue? AutomaticVariable(string name, int processId, bool consoleHost)
    {
        if (name.Equals("PID", StringComparison.OrdinalIgnoreCase)) return Protocol.Clixml.PsPrimitive.Int32(processId);
        if (name.Equals("ExecutionContext", StringComparison.OrdinalIgnoreCase))
        {
            // EngineIntrinsics as scripts read it: the host, and the session state's language mode (a full language
            // endpoint: scripts check it before they use the language).
            // Its Path (PathIntrinsics): GetUnresolvedProviderPathFromPSPath, answered with the session's location by the run.
            // Its PSVariable (PSVariableIntrinsics): Get, GetValue, Set and Remove, answered with the scope's variables by the run.
            var sessionState = new Protocol.Clixml.PsObject(["System.Management.Automation.SessionState", "System.Object"]) { ToStringValue = "System.Management.Automation.SessionState" }
                .With("LanguageMode", Protocol.Clixml.PsObjects.Enum(["System.Management.Automation.PSLanguageMode", "System.Enum", "System.ValueType", "System.Object"], "FullLanguage", 0))
                .With("Path", new Protocol.Clixml.PsObject(["System.Management.Automation.PathIntrinsics", "System.Object"]) { ToStringValue = "System.Management.Automation.PathIntrinsics" })
                .With("PSVariable", new Protocol.Clixml.PsObject([PsrpEmulator.Server.Behaviours.RunContext.PSVariableIntrinsicsTypeName, "System.Object"])
                {
                    ToStringValue = PsrpEmulator.Server.Behaviours.RunContext.PSVariableIntrinsicsTypeName,
                });
            return new Protocol.Clixml.PsObject(["System.Management.Automation.EngineIntrinsics", "System.Object"]) { ToStringValue = "System.Management.Automation.EngineIntrinsics" }
                .With("Host", AutomaticVariable("Host", processId, consoleHost)!)
                .With("SessionState", sessionState)
                // Its InvokeCommand (CommandInvocationIntrinsics): ExpandString and InvokeScript, answered by the run.
                .With("InvokeCommand", new Protocol.Clixml.PsObject([PsrpEmulator.Server.Behaviours.RunContext.CommandInvocationIntrinsicsTypeName, "System.Object"])
                {
                    ToStringValue = PsrpEmulator.Server.Behaviours.RunContext.CommandInvocationIntrinsicsTypeName,
                });
        }

        if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
        {
            // A fixed identity per process, as a host's InstanceId stays the same for its life.
            var instance = new Guid(processId, 0x4d53, 0x4854, 0x9a, 0x3b, 0x50, 0x53, 0x52, 0x50, consoleHost ? (byte)1 : (byte)0, 0x01);
            return new Protocol.Clixml.PsObject(["System.Management.Automation.Internal.Host.InternalHost", "System.Management.Automation.Host.PSHost", "System.Object"])
            {
                ToStringValue = "System.Management.Automation.Internal.Host.InternalHost",
            }
            .With("Name", consoleHost ? "ConsoleHost" : "ServerRemoteHost")
            .With("Version", Protocol.Clixml.PsPrimitive.Version(consoleHost ? Options.PSVersion : "1.0.0.0"))
            .With("InstanceId", Protocol.Clixml.PsPrimitive.Guid(instance))
            .With("UI", new Protocol.Clixml.PsObject([PsrpEmulator.Server.Behaviours.RunContext.HostUserInterfaceTypeName, "System.Management.Automation.Host.PSHostUserInterface", "System.Object"])
            {
                // Its methods (ReadLine, PromptForChoice, WriteLine...) run on the client's host (RunContext.HostCalls).
                ToStringValue = PsrpEmulator.Server.Behaviours.RunContext.HostUserInterfaceTypeName,
            }
            .With("RawUI", new Protocol.Clixml.PsObject([PsrpEmulator.Server.Behaviours.RunContext.HostRawUserInterfaceTypeName, "System.Management.Automation.Host.PSHostRawUserInterface", "System.Object"])
            {
                // Its ReadKey and FlushInputBuffer run on the client's host too; its properties are the host data's (WithRawUI).
                ToStringValue = PsrpEmulator.Server.Behaviours.RunContext.HostRawUserInterfaceTypeName,
            }))
            .With("CurrentCulture", "en-US")
            .With("CurrentUICulture", "en-US")
            .With("PrivateData", (string?)null)
            .With("DebuggerEnabled", true)
            .With("IsRunspacePushed", false)
            .With("Runspace", "System.Management.Automation.Runspaces.LocalRunspace");
        }

        return AutomaticVariable(name);
    }

    /// <summary>
    /// <c>$Host</c> whose RawUI answers the values the client's host sent ahead, as ServerRemoteHostRawUserInterface
    /// reads them from its HostDefaultData (a value not sent stays unanswered: Windows throws RemoteHostMethodNotImplemented).
    /// </summary>
    public static Protocol.Clixml.PsValue WithRawUI(Protocol.Clixml.PsValue host, Protocol.Psrp.HostRawUI raw)
    {
        if (host is Protocol.Clixml.PsObject { } h && h["UI"] is Protocol.Clixml.PsObject ui && ui["RawUI"] is Protocol.Clixml.PsObject rawUI) RunContext.FillRawUI(rawUI, raw);
        return host;
    }

    private Protocol.Clixml.PsObject PSVersionTable()
    {
        var reported = (Protocol.Clixml.PsObject)Protocol.Psrp.PsrpObjects.GetEntry(
            Protocol.Psrp.ApplicationPrivateData.ForWindowsPowerShell(Options.PSVersion, Options.ProtocolVersion).Data, "PSVersionTable")!;
        // The same entries, as the variable's own type (PowerShell serializes $PSVersionTable so).
        var table = new Protocol.Clixml.PsObject(["System.Management.Automation.PSVersionHashTable", "System.Collections.Hashtable", "System.Object"])
        {
            CollectionKind = Protocol.Clixml.PsCollectionKind.Dictionary,
        };
        // In the order Windows PowerShell 5.1 lists its own table: BuildVersion before CLRVersion. The wire's copy (a
        // PSPrimitiveDictionary, a Hashtable of another size) enumerates them the other way round, as recorded.
        string[] order = ["PSVersion", "PSEdition", "PSCompatibleVersions", "BuildVersion", "CLRVersion", "WSManStackVersion", "PSRemotingProtocolVersion", "SerializationVersion"];
        table.Entries.AddRange(reported.Entries.OrderBy(e => e.Key is Protocol.Clixml.PsPrimitive { Value: string key } && Array.IndexOf(order, key) is var i and >= 0 ? i : order.Length));
        return table;
    }

    private byte[]? _serverCapability, _openedState;

    /// <summary>The CLIXML of the server's SESSION_CAPABILITY (the options' protocol version): serialized once, not per Create.</summary>
    public ReadOnlyMemory<byte> ServerCapability => _serverCapability ??= Protocol.Clixml.ClixmlSerializer.Serialize(
        new Protocol.Psrp.SessionCapability(Options.ProtocolVersion, "2.0", "1.1.0.1").ToPsValue(), true);

    /// <summary>The CLIXML of RUNSPACEPOOL_STATE Opened, which every Create answers: serialized once.</summary>
    public ReadOnlyMemory<byte> OpenedState => _openedState ??= Protocol.Clixml.ClixmlSerializer.Serialize(
        new Protocol.Psrp.RunspacePoolStateMessage(Protocol.Psrp.RunspacePoolState.Opened).ToPsValue(), true);

    /// <summary>Configured endpoints plus those the scenario defines.</summary>
    public IEnumerable<string> Configurations => Options.EffectiveConfigurations.Concat(Scenario.Endpoints.Keys);

    /// <summary>
    /// The endpoint named <paramref name="name"/> (ignoring case) as <see cref="Configurations"/> spells it, or null:
    /// the same first match, without building that list for every Create.
    /// </summary>
    public string? FindConfiguration(ReadOnlySpan<char> name)
    {
        const string Default = "Microsoft.PowerShell";
        if (Options.Configurations.Count == 0)
        {
            if (name.Equals(Default, StringComparison.OrdinalIgnoreCase)) return Default;
        }
        else
        {
            foreach (var configuration in Options.Configurations)
            {
                if (name.Equals(configuration, StringComparison.OrdinalIgnoreCase)) return configuration;
            }
        }

        foreach (var configuration in Options.Endpoints.Keys)
        {
            if (name.Equals(configuration, StringComparison.OrdinalIgnoreCase)) return configuration;
        }

        foreach (var configuration in Scenario.Endpoints.Keys)
        {
            if (name.Equals(configuration, StringComparison.OrdinalIgnoreCase)) return configuration;
        }

        return null;
    }
}
