namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The modules a Windows Server 2019 has in its module folders ($env:PSModulePath: Program Files' first, then
/// System32's), as Get-Module -ListAvailable finds them: name, version, module type, and each one's manifest GUID where
/// PowerShell's own manifests say it (the modules PowerShell ships). System32's modules and their versions are those of
/// PSScriptAnalyzer's compatibility profile of a real Windows Server 2019 Datacenter (CrossCompatibility/profiles/win-8_x64_10.0.17763.0_5.1.17763.134...,
/// which lists no Program Files module); their module types are as real Get-Module -ListAvailable tables show them
/// (Manifest where none was found, UNVERIFIED); their GUIDs unknown (all zeros), a description only where the manifest's
/// is known, their exported commands those of <see cref="WindowsCommands"/> and <see cref="InBoxModuleExports"/> (none for
/// a module the emulator knows no commands of: PSWorkflowUtility).
/// </summary>
internal static class WindowsModules
{
    public const string ProgramFilesModules = @"C:\Program Files\WindowsPowerShell\Modules";
    public const string SystemModules = @"C:\Windows\system32\WindowsPowerShell\v1.0\Modules";

    /// <summary>
    /// A module folder's module. A Program Files module sits in a folder of its version (PowerShellGet installs them
    /// so); a System32 one directly in its name's folder.
    /// </summary>
    public sealed record Module(string Name, string Version, string ModuleType, bool InProgramFiles, string? Guid = null, string? Description = null)
    {
        public string ModuleBase => InProgramFiles ? $@"{ProgramFilesModules}\{Name}\{Version}" : $@"{SystemModules}\{Name}";

        public string Path => $@"{ModuleBase}\{Name}.psd1";

        public string ManifestGuid => Guid ?? "00000000-0000-0000-0000-000000000000";
    }

    // Each folder's modules in name order (a folder lists its subfolders so on NTFS).
    private static readonly Module[] Modules =
    [
        new("Microsoft.PowerShell.Operation.Validation", "1.0.1", "Script", true),
        new("PackageManagement", "1.0.0.1", "Binary", true, "4ae9fd46-338a-459c-8186-07f910774cb8"),
        new("Pester", "3.4.0", "Script", true, "a699dea5-2c73-4616-a270-1f7abb777e71"),
        new("PowerShellGet", "1.0.0.1", "Script", true, "1d73a601-4a6c-43c5-ba3f-619b18bbb404"),
        new("PSReadline", "2.0.0", "Script", true, "5714753b-2afd-4492-a5fd-01d9e2cff8b5"),

        new("AppBackgroundTask", "1.0.0.0", "Manifest", false),
        new("AppLocker", "2.0.0.0", "Manifest", false),
        new("AppvClient", "1.0.0.0", "Manifest", false),
        new("Appx", "2.0.1.0", "Manifest", false),
        new("BestPractices", "1.0", "Manifest", false),
        new("BitLocker", "1.0.0.0", "Manifest", false),
        new("BitsTransfer", "2.0.0.0", "Manifest", false),
        new("BranchCache", "1.0.0.0", "Manifest", false),
        new("CimCmdlets", "1.0.0.0", "Manifest", false, "fb6cc51d-c096-4b38-b78d-0fed6277096a"),
        new("ConfigCI", "1.0", "Manifest", false),
        new("Defender", "1.0", "Manifest", false),
        new("DeliveryOptimization", "1.0.1.0", "Manifest", false),
        new("DirectAccessClientComponents", "1.0.0.0", "Manifest", false),
        new("Dism", "3.0", "Manifest", false),
        new("DnsClient", "1.0.0.0", "Manifest", false),
        new("EventTracingManagement", "1.0.0.0", "Manifest", false),
        new("International", "2.0.0.0", "Manifest", false),
        new("iSCSI", "1.0.0.0", "Manifest", false),
        new("IscsiTarget", "2.0.0.0", "Manifest", false),
        new("Kds", "1.0.0.0", "Manifest", false),
        new("Microsoft.PowerShell.Archive", "1.0.1.0", "Manifest", false, "eb74e8da-9ae2-482a-a648-e96550fb8733"),
        new("Microsoft.PowerShell.Diagnostics", "3.0.0.0", "Manifest", false, "ca046f10-ca64-4740-8ff9-2565dba61a4f"),
        new("Microsoft.PowerShell.Host", "3.0.0.0", "Manifest", false),
        new("Microsoft.PowerShell.LocalAccounts", "1.0.0.0", "Manifest", false, "8e362604-2c0b-448f-a414-a6a690a644e2", "Provides cmdlets to work with local users and local groups"),
        new("Microsoft.PowerShell.Management", "3.1.0.0", "Manifest", false, "eefcb906-b326-4e99-9f54-8b4bb6ef3c6d"),
        new("Microsoft.PowerShell.ODataUtils", "1.0", "Script", false),
        new("Microsoft.PowerShell.Security", "3.0.0.0", "Manifest", false, "a94c8c7e-9810-47c0-b8af-65089c13a35a"),
        new("Microsoft.PowerShell.Utility", "3.1.0.0", "Manifest", false, "1da87e53-152b-403e-98dc-74d7b4d63d59"),
        new("Microsoft.WSMan.Management", "3.0.0.0", "Manifest", false, "766204a6-330e-4263-a7ab-46c87afc366c"),
        new("MMAgent", "1.0", "Script", false),
        new("MsDtc", "1.0.0.0", "Manifest", false),
        new("NetAdapter", "2.0.0.0", "Manifest", false),
        new("NetConnection", "1.0.0.0", "Manifest", false),
        new("NetDiagnostics", "1.0.0.0", "Manifest", false),
        new("NetEventPacketCapture", "1.0.0.0", "Manifest", false),
        new("NetLbfo", "2.0.0.0", "Manifest", false),
        new("NetNat", "1.0.0.0", "Manifest", false),
        new("NetQos", "2.0.0.0", "Manifest", false),
        new("NetSecurity", "2.0.0.0", "Manifest", false),
        new("NetSwitchTeam", "1.0.0.0", "Manifest", false),
        new("NetTCPIP", "1.0.0.0", "Manifest", false),
        new("NetworkConnectivityStatus", "1.0.0.0", "Manifest", false),
        new("NetworkSwitchManager", "1.0.0.0", "Manifest", false),
        new("NetworkTransition", "1.0.0.0", "Manifest", false),
        new("NFS", "1.0", "Manifest", false),
        new("PcsvDevice", "1.0.0.0", "Manifest", false),
        new("PersistentMemory", "1.0.0.0", "Binary", false),
        new("PKI", "1.0.0.0", "Manifest", false),
        new("PlatformIdentifier", "1.0.0.0", "Manifest", false),
        new("PnpDevice", "1.0.0.0", "Manifest", false),
        new("PrintManagement", "1.1", "Manifest", false),
        new("ProcessMitigations", "1.0.11", "Binary", false),
        new("PSDesiredStateConfiguration", "1.1", "Manifest", false),
        new("PSDiagnostics", "1.0.0.0", "Script", false, "c61d6278-02a3-4618-ae37-a524d40a7f44"),
        new("PSScheduledJob", "1.1.0.0", "Binary", false),
        new("PSWorkflow", "2.0.0.0", "Manifest", false),
        new("PSWorkflowUtility", "1.0.0.0", "Manifest", false),
        new("RemoteDesktop", "2.0.0.0", "Manifest", false),
        new("ScheduledTasks", "1.0.0.0", "Manifest", false),
        new("SecureBoot", "2.0.0.0", "Manifest", false),
        new("SecurityCmdlets", "1.0.0.0", "Manifest", false),
        new("ServerCore", "1.0.0.0", "Script", false),
        new("ServerManager", "2.0.0.0", "Manifest", false),
        new("ServerManagerTasks", "1.0.0.0", "Manifest", false),
        new("SmbShare", "2.0.0.0", "Manifest", false),
        new("SmbWitness", "2.0.0.0", "Manifest", false),
        new("SoftwareInventoryLogging", "2.0.0.0", "Manifest", false),
        new("StartLayout", "1.0.0.0", "Manifest", false),
        new("Storage", "2.0.0.0", "Manifest", false),
        new("StorageBusCache", "1.0.0.0", "Manifest", false),
        new("TLS", "2.0.0.0", "Manifest", false),
        new("TroubleshootingPack", "1.0.0.0", "Manifest", false),
        new("TrustedPlatformModule", "2.0.0.0", "Manifest", false),
        new("UEV", "2.1.639.0", "Binary", false),
        new("UserAccessLogging", "1.0.0.0", "Manifest", false),
        new("VpnClient", "2.0.0.0", "Manifest", false),
        new("Wdac", "1.0.0.0", "Manifest", false),
        new("Whea", "2.0.0.0", "Manifest", false),
        new("WindowsDeveloperLicense", "1.0.0.0", "Manifest", false),
        new("WindowsErrorReporting", "1.0", "Script", false),
        new("WindowsSearch", "1.0.0.0", "Manifest", false),
        new("WindowsUpdate", "1.0.0.0", "Manifest", false),
        new("WindowsUpdateProvider", "1.0.0.2", "Manifest", false),
    ];

    private static readonly Dictionary<string, Module> ByName = Modules.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every module, in Get-Module -ListAvailable's order (the folders in $env:PSModulePath's order, each by name).</summary>
    public static IReadOnlyList<Module> All => Modules;

    /// <summary>The module of that name (case aside); null for another.</summary>
    public static Module? Find(string name) => ByName.GetValueOrDefault(name);

    private static readonly Lazy<Dictionary<string, WindowsCommands.ModuleCommand[]>> CommandsByModule = new(() =>
        WindowsCommands.ModuleCommands.Where(c => c.Module is not null)
            .GroupBy(c => c.Module!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => WindowsCommands.ManifestPosition(c.Name)).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray(), StringComparer.OrdinalIgnoreCase));

    /// <summary>The commands the emulator knows the module exports, by name (none for a module it knows none of).</summary>
    public static IReadOnlyList<WindowsCommands.ModuleCommand> Commands(Module module) =>
        CommandsByModule.Value.GetValueOrDefault(module.Name) ?? [];
}
