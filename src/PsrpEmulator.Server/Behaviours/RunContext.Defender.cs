using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Windows Defender's module (Defender): Get-MpPreference, Set-MpPreference, Add-MpPreference, Remove-MpPreference and
/// Get-MpComputerStatus, as image builds use them (real-time monitoring off, exclusions for a build folder). The
/// preferences live where Defender keeps them, in the computer's registry under
/// <c>HKLM\SOFTWARE\Microsoft\Windows Defender</c> (Real-Time Protection's Disable* values, the Exclusions keys' value
/// names, Spynet, MpEngine, Exploit Guard), so a change lasts for the computer's later sessions and <c>reg query</c> sees
/// it; a value not set is Defender's default. Get-MpComputerStatus follows the preferences (RealTimeProtectionEnabled is
/// not DisableRealtimeMonitoring) and the WinDefend service. The versions and dates are UNVERIFIED stand-ins.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] DefenderCommandNames = ["Get-MpPreference", "Set-MpPreference", "Add-MpPreference", "Remove-MpPreference", "Get-MpComputerStatus"];

    private const string DefenderKey = @"SOFTWARE\Microsoft\Windows Defender";

    /// <summary>
    /// A Boolean or enum preference: its parameter, where Defender keeps it, and its enum's names (null: a Boolean).
    /// Settable: Set-MpPreference of a Server 2019's Defender module (1.0) has the parameter; a later module's
    /// (DisableOnAccessProtection) is only read.
    /// </summary>
    private sealed record DefenderPreference(string Name, string SubKey, string Value, string[]? Names = null, int Default = 0, bool Settable = true);

    private static readonly string[] ActionNames = ["Disabled", "Enabled", "AuditMode"];

    private static readonly DefenderPreference[] DefenderPreferences =
    [
        new("DisableRealtimeMonitoring", "Real-Time Protection", "DisableRealtimeMonitoring"),
        new("DisableBehaviorMonitoring", "Real-Time Protection", "DisableBehaviorMonitoring"),
        new("DisableIOAVProtection", "Real-Time Protection", "DisableIOAVProtection"),
        new("DisableOnAccessProtection", "Real-Time Protection", "DisableOnAccessProtection", Settable: false),
        new("DisableScriptScanning", "Real-Time Protection", "DisableScriptScanning"),
        new("DisableIntrusionPreventionSystem", "Real-Time Protection", "DisableIntrusionPreventionSystem"),
        new("DisableArchiveScanning", "Scan", "DisableArchiveScanning"),
        new("DisableEmailScanning", "Scan", "DisableEmailScanning", Default: 1),
        new("DisableRemovableDriveScanning", "Scan", "DisableRemovableDriveScanning", Default: 1),
        new("DisableCatchupFullScan", "Scan", "DisableCatchupFullScan", Default: 1),
        new("DisableCatchupQuickScan", "Scan", "DisableCatchupQuickScan", Default: 1),
        new("DisableBlockAtFirstSeen", "Spynet", "DisableBlockAtFirstSeen"),
        new("MAPSReporting", "Spynet", "SpynetReporting", ["Disabled", "Basic", "Advanced"], 2),
        new("SubmitSamplesConsent", "Spynet", "SubmitSamplesConsent", ["AlwaysPrompt", "SendSafeSamples", "NeverSend", "SendAllSamples"], 1),
        new("PUAProtection", "MpEngine", "MpEnablePus", ActionNames),
        new("EnableControlledFolderAccess", @"Windows Defender Exploit Guard\Controlled Folder Access", "EnableControlledFolderAccess", ActionNames),
        new("EnableNetworkProtection", @"Windows Defender Exploit Guard\Network Protection", "EnableNetworkProtection", ActionNames),
    ];

    // The list preferences: their parameter and the Exclusions subkey whose value names they are. A Server 2019's
    // module has no -ExclusionIpAddress (a later module's), which Get-MpPreference still reads.
    private static readonly (string Name, string SubKey)[] DefenderExclusions =
    [
        ("ExclusionPath", @"Exclusions\Paths"),
        ("ExclusionExtension", @"Exclusions\Extensions"),
        ("ExclusionProcess", @"Exclusions\Processes"),
        ("ExclusionIpAddress", @"Exclusions\IpAddresses"),
    ];

    /// <summary>
    /// The preferences a command sets: Set-MpPreference's settable ones and the lists, Add- and Remove-MpPreference's
    /// lists only (a Boolean or enum preference is not their parameter), as a Server 2019's module has them.
    /// </summary>
    internal static string[] DefenderParameters(string command) =>
    [
        .. command == "Set-MpPreference" ? DefenderPreferences.Where(p => p.Settable).Select(p => p.Name) : [],
        .. DefenderExclusions.Select(e => e.Name).Where(n => n != "ExclusionIpAddress"), "CimSession", "ThrottleLimit", "AsJob", "Force",
    ];

    private async ValueTask RunDefenderCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var registry = Host.Registry ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs the computer's registry, which this host does not have"));
        switch (command)
        {
            case "Get-MpPreference":
                await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(MpPreferenceObject(registry), WmiServerName())), cancellationToken);
                return;
            case "Get-MpComputerStatus":
                await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(MpComputerStatusObject(registry), WmiServerName())), cancellationToken);
                return;
        }

        // Set-, Add-, Remove-MpPreference: every value bound before any is written, as the CIM call takes them together.
        var changes = new List<(DefenderPreference Preference, int Value)>();
        foreach (var preference in DefenderPreferences)
        {
            if (arguments[preference.Name] is not { } word) continue;
            var value = await ArgumentAsync(word, to, blockNesting);
            changes.Add((preference, preference.Names is { } names ? DefenderEnumValue(command, preference, value, names) : ScriptExpressions.IsTrue(value) ? 1 : 0));
        }

        var lists = new List<((string Name, string SubKey) Exclusion, List<string> Items)>();
        foreach (var exclusion in DefenderExclusions)
        {
            if (arguments[exclusion.Name] is { } word) lists.Add((exclusion, await ArgumentTextsAsync(word, to, blockNesting)));
        }

        if (changes.Count == 0 && lists.Count == 0 && command != "Set-MpPreference")
        {
            throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        }

        foreach (var (preference, value) in changes)
        {
            var path = DefenderKey + @"\" + preference.SubKey;
            registry.CreateKey(VirtualRegistry.LocalMachine, null, path, createParents: true);
            registry.SetValue(VirtualRegistry.LocalMachine, null, path, new RegistryValue(preference.Value, RegistryValueKind.DWord, value));
        }

        foreach (var ((_, subKey), items) in lists)
        {
            var path = DefenderKey + @"\" + subKey;
            registry.CreateKey(VirtualRegistry.LocalMachine, null, path, createParents: true);
            // Set replaces the list, Add adds to it, Remove takes from it (an item not there is no error).
            if (command == "Set-MpPreference")
            {
                foreach (var old in registry.Get(VirtualRegistry.LocalMachine, null, path)?.Values ?? []) registry.DeleteValue(VirtualRegistry.LocalMachine, null, path, old.Name);
            }

            foreach (var item in items.Where(i => i.Length > 0))
            {
                if (command == "Remove-MpPreference") registry.DeleteValue(VirtualRegistry.LocalMachine, null, path, item);
                else registry.SetValue(VirtualRegistry.LocalMachine, null, path, new RegistryValue(item, RegistryValueKind.DWord, 0));
            }
        }
    }

    // An enum preference's value: its name (any case) or number, else the binder's conversion error with its names.
    private static int DefenderEnumValue(string command, DefenderPreference preference, PsValue value, string[] names)
    {
        var text = PipelineVariables.Display(value).Trim();
        var at = Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (at >= 0) return at;
        if (ScriptExpressions.AsNumberOrNull(value) is { } number && number == Math.Floor(number) && number >= 0 && number < names.Length) return (int)number;
        throw new StatementTerminatedException(EnumParameterError(command, preference.Name, text, $"Microsoft.PowerShell.Cmdletization.GeneratedTypes.MpPreference.{preference.Name}Type", names));
    }

    private static int DefenderValue(VirtualRegistry registry, DefenderPreference preference) =>
        registry.Get(VirtualRegistry.LocalMachine, null, DefenderKey + @"\" + preference.SubKey)?.Values
            .FirstOrDefault(v => v.Name.Equals(preference.Value, StringComparison.OrdinalIgnoreCase)) is { Data: int set } ? set : preference.Default;

    private static PsObject DefenderInstance(string className)
    {
        var instance = new PsObject([$"Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Defender/{className}",
            $"Microsoft.Management.Infrastructure.CimInstance#{className}", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"])
        {
            ToStringValue = className,
        };
        return instance;
    }

    private static PsObject MpPreferenceObject(VirtualRegistry registry)
    {
        var preferences = DefenderInstance("MSFT_MpPreference");
        foreach (var preference in DefenderPreferences)
        {
            var value = DefenderValue(registry, preference);
            preferences.AdaptedProperties.Add(new(preference.Name, preference.Names is null ? PsPrimitive.Boolean(value != 0) : PsPrimitive.Byte((byte)value)));
        }

        foreach (var (name, subKey) in DefenderExclusions)
        {
            var items = registry.Get(VirtualRegistry.LocalMachine, null, DefenderKey + @"\" + subKey)?.Values.Select(v => (PsValue)PsPrimitive.String(v.Name)).ToList() ?? [];
            preferences.AdaptedProperties.Add(new(name, items.Count == 0 ? PsNil.Instance : PsObjects.List(items, ["System.String[]", "System.Array", "System.Object"])));
        }

        preferences.AdaptedProperties.AddRange(
        [
            new("ScanScheduleDay", PsPrimitive.Byte(0)),
            new("ScanScheduleQuickScanTime", PsPrimitive.Duration(TimeSpan.Zero)),
            new("SignatureUpdateInterval", PsPrimitive.UInt32(0)),
            new("PSComputerName", PsPrimitive.String(string.Empty)),
        ]);
        return preferences;
    }

    private PsObject MpComputerStatusObject(VirtualRegistry registry)
    {
        bool Off(string name) => DefenderValue(registry, DefenderPreferences.First(p => p.Name == name)) != 0;
        // WinDefend runs on a fresh server; Stop-Service (or sc stop) changes that.
        var running = (Host.ServiceStates?.Status("WinDefend") ?? "Running").Equals("Running", StringComparison.OrdinalIgnoreCase);
        var realTime = running && !Off("DisableRealtimeMonitoring");
        var status = DefenderInstance("MSFT_MpComputerStatus");
        var updated = new DateTimeOffset(2026, 1, 12, 9, 41, 0, TimeSpan.Zero);
        status.AdaptedProperties.AddRange(
        [
            new("AMEngineVersion", PsPrimitive.String("1.1.15500.2")),
            new("AMProductVersion", PsPrimitive.String("4.18.1909.6")),
            new("AMRunningMode", PsPrimitive.String("Normal")),
            new("AMServiceEnabled", PsPrimitive.Boolean(running)),
            new("AMServiceVersion", PsPrimitive.String("4.18.1909.6")),
            new("AntispywareEnabled", PsPrimitive.Boolean(running)),
            new("AntispywareSignatureLastUpdated", PsPrimitive.DateTime(updated, DateTimeKind.Local)),
            new("AntispywareSignatureVersion", PsPrimitive.String("1.279.1236.0")),
            new("AntivirusEnabled", PsPrimitive.Boolean(running)),
            new("AntivirusSignatureLastUpdated", PsPrimitive.DateTime(updated, DateTimeKind.Local)),
            new("AntivirusSignatureVersion", PsPrimitive.String("1.279.1236.0")),
            new("BehaviorMonitorEnabled", PsPrimitive.Boolean(realTime && !Off("DisableBehaviorMonitoring"))),
            new("ComputerState", PsPrimitive.UInt32(0)),
            new("IoavProtectionEnabled", PsPrimitive.Boolean(realTime && !Off("DisableIOAVProtection"))),
            new("IsTamperProtected", PsPrimitive.Boolean(false)),
            new("NISEnabled", PsPrimitive.Boolean(running && !Off("DisableIntrusionPreventionSystem"))),
            new("OnAccessProtectionEnabled", PsPrimitive.Boolean(realTime && !Off("DisableOnAccessProtection"))),
            new("RealTimeProtectionEnabled", PsPrimitive.Boolean(realTime)),
            new("PSComputerName", PsPrimitive.String(string.Empty)),
        ]);
        return status;
    }
}
