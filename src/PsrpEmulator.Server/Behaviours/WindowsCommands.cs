namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Commands a Windows Server 2019 with Windows PowerShell 5.1 has: the cmdlets of the modules a remote session finds
/// (Core, Management, Utility, Security, Diagnostics, CimCmdlets, WSMan, and the usual server modules), their default
/// aliases, the programs of System32 scripts call, and cmd.exe's internal commands (for cmd shells). One the rules do not answer is a command the emulator does not
/// emulate, not one PowerShell would not find: "not recognized" would send a user looking for a missing module.
/// </summary>
internal static class WindowsCommands
{
    // The commands of Windows PowerShell 5.1's own modules (cmdlets, and the few functions FunctionCommands lists).
    // Microsoft.PowerShell.Core
    private static readonly string[] CoreCommands =
    [
        "Add-History", "Add-PSSnapin", "Clear-History", "Connect-PSSession", "Debug-Job", "Disable-PSRemoting",
        "Disable-PSSessionConfiguration", "Disconnect-PSSession", "Enable-PSRemoting", "Enable-PSSessionConfiguration",
        "Enter-PSHostProcess", "Enter-PSSession", "Exit-PSHostProcess", "Exit-PSSession", "Export-Console", "Export-ModuleMember",
        "ForEach-Object", "Get-Command", "Get-Help", "Get-History", "Get-Job", "Get-Module", "Get-PSHostProcessInfo", "Get-PSSession",
        "Get-PSSessionCapability", "Get-PSSessionConfiguration", "Get-PSSnapin", "Import-Module", "Invoke-Command", "Invoke-History",
        "New-Module", "New-ModuleManifest", "New-PSRoleCapabilityFile", "New-PSSession", "New-PSSessionConfigurationFile",
        "New-PSSessionOption", "New-PSTransportOption", "Out-Default", "Out-Host", "Out-Null", "Receive-Job", "Receive-PSSession",
        "Register-ArgumentCompleter", "Register-PSSessionConfiguration", "Remove-Job", "Remove-Module", "Remove-PSSession",
        "Remove-PSSnapin", "Resume-Job", "Save-Help", "Set-PSDebug", "Set-PSSessionConfiguration", "Set-StrictMode", "Start-Job",
        "Stop-Job", "Suspend-Job", "Test-ModuleManifest", "Test-PSSessionConfigurationFile", "Unregister-PSSessionConfiguration",
        "Update-Help", "Wait-Job", "Where-Object", "Clear-Host", "Get-Verb", "help", "mkdir", "more", "oss", "Pause", "prompt",
        "TabExpansion2"
    ];

    // Microsoft.PowerShell.Management
    private static readonly string[] ManagementCommands =
    [
        "Add-Computer", "Add-Content", "Checkpoint-Computer", "Clear-Content", "Clear-EventLog", "Clear-Item", "Clear-ItemProperty",
        "Clear-RecycleBin", "Complete-Transaction", "Convert-Path", "Copy-Item", "Copy-ItemProperty", "Debug-Process",
        "Disable-ComputerRestore", "Enable-ComputerRestore", "Get-ChildItem", "Get-Clipboard", "Get-ComputerInfo",
        "Get-ComputerRestorePoint", "Get-Content", "Get-ControlPanelItem", "Get-EventLog", "Get-HotFix", "Get-Item",
        "Get-ItemProperty", "Get-ItemPropertyValue", "Get-Location", "Get-Process", "Get-PSDrive", "Get-PSProvider", "Get-Service",
        "Get-TimeZone", "Get-Transaction", "Get-WmiObject", "Invoke-Item", "Invoke-WmiMethod", "Join-Path", "Limit-EventLog",
        "Move-Item", "Move-ItemProperty", "New-EventLog", "New-Item", "New-ItemProperty", "New-PSDrive", "New-Service",
        "New-WebServiceProxy", "Pop-Location", "Push-Location", "Register-WmiEvent", "Remove-Computer", "Remove-EventLog",
        "Remove-Item", "Remove-ItemProperty", "Remove-PSDrive", "Remove-WmiObject", "Rename-Computer", "Rename-Item",
        "Rename-ItemProperty", "Reset-ComputerMachinePassword", "Resolve-Path", "Restart-Computer", "Restart-Service",
        "Restore-Computer", "Resume-Service", "Set-Clipboard", "Set-Content", "Set-Item", "Set-ItemProperty", "Set-Location",
        "Set-Service", "Set-TimeZone", "Set-WmiInstance", "Show-ControlPanelItem", "Show-EventLog", "Split-Path", "Start-Process",
        "Start-Service", "Start-Transaction", "Stop-Computer", "Stop-Process", "Stop-Service", "Suspend-Service",
        "Test-ComputerSecureChannel", "Test-Connection", "Test-Path", "Undo-Transaction", "Use-Transaction", "Wait-Process",
        "Write-EventLog"
    ];

    // Microsoft.PowerShell.Utility
    private static readonly string[] UtilityCommands =
    [
        "Add-Member", "Add-Type", "Clear-Variable", "Compare-Object", "ConvertFrom-Csv", "ConvertFrom-Json", "ConvertFrom-SddlString",
        "ConvertFrom-String", "ConvertFrom-StringData", "Convert-String", "ConvertTo-Csv", "ConvertTo-Html", "ConvertTo-Json",
        "ConvertTo-Xml", "Debug-Runspace", "Disable-PSBreakpoint", "Disable-RunspaceDebug", "Enable-PSBreakpoint",
        "Enable-RunspaceDebug", "Export-Alias", "Export-Clixml", "Export-Csv", "Export-FormatData", "Export-PSSession",
        "Format-Custom", "Format-Hex", "Format-List", "Format-Table", "Format-Wide", "Get-Alias", "Get-Culture", "Get-Date",
        "Get-Event", "Get-EventSubscriber", "Get-FileHash", "Get-FormatData", "Get-Host", "Get-Member", "Get-PSBreakpoint",
        "Get-PSCallStack", "Get-Random", "Get-Runspace", "Get-RunspaceDebug", "Get-TraceSource", "Get-TypeData", "Get-UICulture",
        "Get-Unique", "Get-Variable", "Group-Object", "Import-Alias", "Import-Clixml", "Import-Csv", "Import-LocalizedData",
        "Import-PowerShellDataFile", "Import-PSSession", "Invoke-Expression", "Invoke-RestMethod", "Invoke-WebRequest",
        "Measure-Command", "Measure-Object", "New-Alias", "New-Event", "New-Guid", "New-Object", "New-TemporaryFile",
        "New-TimeSpan", "New-Variable", "Out-File", "Out-GridView", "Out-Printer", "Out-String", "Read-Host",
        "Register-EngineEvent", "Register-ObjectEvent", "Remove-Event", "Remove-PSBreakpoint", "Remove-TypeData", "Remove-Variable",
        "Select-Object", "Select-String", "Select-Xml", "Send-MailMessage", "Set-Alias", "Set-Date", "Set-PSBreakpoint",
        "Set-TraceSource", "Set-Variable", "Show-Command", "Sort-Object", "Start-Sleep", "Tee-Object", "Trace-Command",
        "Unblock-File", "Unregister-Event", "Update-FormatData", "Update-List", "Update-TypeData", "Wait-Debugger", "Wait-Event",
        "Write-Debug", "Write-Error", "Write-Host", "Write-Information", "Write-Output", "Write-Progress", "Write-Verbose",
        "Write-Warning"
    ];

    // Microsoft.PowerShell.Security, Diagnostics, CimCmdlets, Microsoft.WSMan.Management, PSScheduledJob, Archive, Host
    private static readonly string[] OtherModuleCommands =
    [
        "ConvertFrom-SecureString", "ConvertTo-SecureString", "Get-Acl", "Get-AuthenticodeSignature", "Get-CmsMessage", "New-FileCatalog", "Test-FileCatalog",
        "Get-Credential", "Get-ExecutionPolicy", "Get-PfxCertificate", "Protect-CmsMessage", "Set-Acl", "Set-AuthenticodeSignature",
        "Set-ExecutionPolicy", "Unprotect-CmsMessage", "Export-Counter", "Get-Counter", "Get-WinEvent", "Import-Counter",
        "New-WinEvent", "Get-CimAssociatedInstance", "Get-CimClass", "Get-CimInstance", "Get-CimSession", "Invoke-CimMethod",
        "New-CimInstance", "New-CimSession", "New-CimSessionOption", "Register-CimIndicationEvent", "Remove-CimInstance",
        "Remove-CimSession", "Set-CimInstance", "Connect-WSMan", "Disable-WSManCredSSP", "Disconnect-WSMan", "Enable-WSManCredSSP",
        "Get-WSManCredSSP", "Get-WSManInstance", "Invoke-WSManAction", "New-WSManInstance", "New-WSManSessionOption",
        "Remove-WSManInstance", "Set-WSManInstance", "Set-WSManQuickConfig", "Test-WSMan", "Register-ScheduledJob",
        "Get-ScheduledJob", "Unregister-ScheduledJob", "Compress-Archive", "Expand-Archive", "Start-Transcript", "Stop-Transcript"
    ];

    // The International module's cmdlets (language and region settings).
    private static readonly string[] InternationalCommands =
    [
        "Get-WinSystemLocale", "Set-WinSystemLocale", "Get-WinHomeLocation", "Set-WinHomeLocation", "Get-WinUserLanguageList",
        "Set-WinUserLanguageList", "New-WinUserLanguageList", "Get-WinUILanguageOverride", "Set-WinUILanguageOverride",
        "Get-WinCultureFromLanguageListOptOut", "Set-WinCultureFromLanguageListOptOut", "Get-WinAcceptLanguageFromLanguageListOptOut",
        "Set-WinAcceptLanguageFromLanguageListOptOut", "Get-WinDefaultInputMethodOverride", "Set-WinDefaultInputMethodOverride",
        "Get-WinLanguageBarOption", "Set-WinLanguageBarOption", "Set-Culture"
    ];

    // Two more modules' commands in their manifests' order, which Get-Module -ListAvailable shows (PSDesiredStateConfiguration's
    // lists the emulator's best knowledge, UNVERIFIED); the other in-box modules' exports are InBoxModuleExports'.
    private static readonly (string Module, string[] Cmdlets, string[] Functions)[] OtherInBoxModuleCommands =
    [
        // Its cmdlets' first four as a real Get-Module -ListAvailable row shows them.
        ("PSDesiredStateConfiguration", ["Set-DscLocalConfigurationManager", "Start-DscConfiguration", "Test-DscConfiguration", "Publish-DscConfiguration",
            "Disable-DscDebug", "Enable-DscDebug", "Invoke-DscResource", "Update-DscConfiguration"],
            ["Configuration", "Get-DscConfiguration", "Get-DscConfigurationStatus", "Get-DscLocalConfigurationManager", "Get-DscResource", "New-DscChecksum",
            "Remove-DscConfigurationDocument", "Restore-DscConfiguration", "Stop-DscConfiguration"]),
        // Pester 3.4.0's FunctionsToExport.
        ("Pester", [], ["Describe", "Context", "It", "Should", "Mock", "Assert-MockCalled", "Assert-VerifiableMocks", "New-Fixture", "Get-TestDriveItem",
            "Invoke-Pester", "Setup", "In", "InModuleScope", "Invoke-Mock", "BeforeEach", "AfterEach", "BeforeAll", "AfterAll", "Get-MockDynamicParameters",
            "Set-DynamicParameterVariables", "Set-TestInconclusive", "SafeGetCommand", "New-PesterOption"]),
    ];

    // Modules a Windows Server 2019 loads on first use.
    private static readonly string[] FirstUseCommands =
    [
        "Get-WindowsFeature", "Install-WindowsFeature", "Uninstall-WindowsFeature", "Add-WindowsFeature", "Remove-WindowsFeature",
        "Get-NetIPAddress", "Get-NetIPConfiguration", "Get-NetIPInterface", "Get-NetRoute", "Test-NetConnection", "Get-NetTCPConnection",
        "Get-NetAdapter", "Enable-NetAdapter", "Disable-NetAdapter", "Get-NetFirewallRule", "New-NetFirewallRule",
        "Set-NetFirewallRule", "Remove-NetFirewallRule", "Enable-NetFirewallRule", "Disable-NetFirewallRule", "Get-NetFirewallProfile",
        "Set-NetFirewallProfile", "Get-DnsClientServerAddress", "Set-DnsClientServerAddress", "Resolve-DnsName", "Clear-DnsClientCache",
        "Get-ScheduledTask", "Register-ScheduledTask", "Unregister-ScheduledTask", "Start-ScheduledTask", "Stop-ScheduledTask",
        "Enable-ScheduledTask", "Disable-ScheduledTask", "Get-ScheduledTaskInfo", "Export-ScheduledTask", "New-ScheduledTaskAction", "New-ScheduledTaskTrigger",
        "Get-Disk", "Get-Volume", "Get-Partition", "Get-PhysicalDisk", "Initialize-Disk", "New-Partition", "Format-Volume",
        "Get-SmbShare", "New-SmbShare", "Set-SmbShare", "Remove-SmbShare", "Get-SmbShareAccess", "Grant-SmbShareAccess", "Revoke-SmbShareAccess",
        "Block-SmbShareAccess", "Unblock-SmbShareAccess", "Get-LocalUser", "New-LocalUser", "Set-LocalUser", "Remove-LocalUser",
        "Enable-LocalUser", "Disable-LocalUser", "Rename-LocalUser", "Get-LocalGroup", "New-LocalGroup", "Set-LocalGroup", "Remove-LocalGroup",
        "Rename-LocalGroup", "Get-LocalGroupMember", "Add-LocalGroupMember", "Remove-LocalGroupMember", "Get-MpComputerStatus",
        "Get-MpPreference", "Set-MpPreference", "Update-MpSignature", "Start-MpScan", "Get-WindowsUpdateLog", "Get-Package",
        "Install-Package", "Find-Package", "Get-PackageProvider", "Install-PackageProvider", "Find-Module", "Install-Module",
        "Update-Module", "Get-InstalledModule", "Uninstall-Module", "Save-Module", "Register-PSRepository", "Get-PSRepository",
        "Set-PSRepository", "Publish-Module", "Find-Script", "Install-Script", "Get-Certificate", "New-SelfSignedCertificate", "Export-Certificate", "Import-Certificate", "Get-BitLockerVolume",
        "Get-WindowsOptionalFeature", "Enable-WindowsOptionalFeature", "Disable-WindowsOptionalFeature", "Get-AppxPackage",
        // More of the modules' commands scripts call (not emulated: a scenario error names them rather than "not recognized").
        "Get-SmbServerConfiguration", "Set-SmbServerConfiguration", "Get-SmbSession", "Close-SmbSession", "Get-SmbOpenFile", "Close-SmbOpenFile",
        "Get-SmbConnection", "Get-SmbMapping", "New-SmbMapping", "Remove-SmbMapping", "Get-SmbClientConfiguration", "Set-SmbClientConfiguration",
        "Get-Printer", "Add-Printer", "Remove-Printer", "Set-Printer", "Get-PrinterDriver", "Add-PrinterDriver", "Get-PrinterPort", "Add-PrinterPort", "Get-PrintJob", "Remove-PrintJob",
        "New-NetIPAddress", "Remove-NetIPAddress", "Set-NetIPAddress", "Set-NetIPInterface", "New-NetRoute", "Remove-NetRoute", "Get-NetNeighbor",
        "Get-NetIPv4Protocol", "Set-NetIPv4Protocol", "Get-NetUDPEndpoint", "Get-NetTCPSetting", "Get-NetConnectionProfile", "Set-NetConnectionProfile",
        "Get-NetAdapterBinding", "Enable-NetAdapterBinding", "Disable-NetAdapterBinding", "Get-NetAdapterStatistics", "Rename-NetAdapter", "Restart-NetAdapter", "Get-NetAdapterAdvancedProperty",
        "Set-NetAdapterAdvancedProperty", "Get-NetFirewallPortFilter", "Get-NetFirewallAddressFilter", "Get-NetFirewallApplicationFilter", "Get-DnsClient",
        "Set-DnsClient", "Get-DnsClientCache", "Register-DnsClient", "Set-ScheduledTask", "New-ScheduledTaskPrincipal", "New-ScheduledTaskSettingsSet",
        "Get-StoragePool", "Get-VirtualDisk", "Resize-Partition", "Get-PartitionSupportedSize", "Set-Disk", "Clear-Disk", "Optimize-Volume", "Repair-Volume",
        "Get-TlsCipherSuite", "Enable-TlsCipherSuite", "Disable-TlsCipherSuite", "Get-WindowsCapability", "Add-WindowsCapability", "Remove-WindowsCapability",
        "Get-MpThreat", "Get-MpThreatDetection", "Add-MpPreference", "Remove-MpPreference", .. InternationalCommands,
        "Add-BitsFile", "Complete-BitsTransfer", "Get-BitsTransfer", "Remove-BitsTransfer", "Resume-BitsTransfer", "Set-BitsTransfer",
        "Start-BitsTransfer", "Suspend-BitsTransfer", .. OtherInBoxModuleCommands.SelectMany(m => m.Cmdlets.Concat(m.Functions))
    ];



    // The commands of Windows PowerShell 5.1's own modules (cmdlets, and the few functions FunctionCommands lists).
    private static readonly string[] PowerShellModuleCommands = [.. CoreCommands, .. ManagementCommands, .. UtilityCommands, .. OtherModuleCommands];

    // The functions among them (the rest are cmdlets).
    private static readonly HashSet<string> FunctionCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "Clear-Host", "Get-Verb", "help", "mkdir", "more", "oss", "Pause", "prompt", "TabExpansion2",
        // Microsoft.PowerShell.Utility.psd1's FunctionsToExport in 5.1 (script functions there; cmdlets since PowerShell 6).
        "ConvertFrom-SddlString", "Format-Hex", "Get-FileHash", "Import-PowerShellDataFile", "New-Guid", "New-TemporaryFile",
    };

    // Windows PowerShell 5.1's default aliases and the commands they stand for (Get-Alias on Windows Server 2019): the
    // session's 151, as a real Server 2019's compatibility profile (PSScriptAnalyzer's) lists them with their targets'
    // spelling (asnp Add-PSSnapIn, iwmi Invoke-WMIMethod...), and the seven Management and Utility export (gcb, scb,
    // gin, gtz, stz; CFS, fhx), which command discovery finds in those modules.
    private static readonly Dictionary<string, string> AliasTargets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["%"] = "ForEach-Object", ["?"] = "Where-Object", ["ac"] = "Add-Content", ["asnp"] = "Add-PSSnapIn", ["cat"] = "Get-Content",
        ["cd"] = "Set-Location", ["CFS"] = "ConvertFrom-String", ["chdir"] = "Set-Location", ["clc"] = "Clear-Content", ["clear"] = "Clear-Host",
        ["clhy"] = "Clear-History", ["cli"] = "Clear-Item", ["clp"] = "Clear-ItemProperty", ["cls"] = "Clear-Host", ["clv"] = "Clear-Variable",
        ["cnsn"] = "Connect-PSSession", ["compare"] = "Compare-Object", ["copy"] = "Copy-Item", ["cp"] = "Copy-Item", ["cpi"] = "Copy-Item",
        ["cpp"] = "Copy-ItemProperty", ["curl"] = "Invoke-WebRequest", ["cvpa"] = "Convert-Path", ["dbp"] = "Disable-PSBreakpoint",
        ["del"] = "Remove-Item", ["diff"] = "Compare-Object", ["dir"] = "Get-ChildItem", ["dnsn"] = "Disconnect-PSSession",
        ["ebp"] = "Enable-PSBreakpoint", ["echo"] = "Write-Output", ["epal"] = "Export-Alias", ["epcsv"] = "Export-Csv", ["epsn"] = "Export-PSSession",
        ["erase"] = "Remove-Item", ["etsn"] = "Enter-PSSession", ["exsn"] = "Exit-PSSession", ["fc"] = "Format-Custom", ["fhx"] = "Format-Hex",
        ["fl"] = "Format-List", ["foreach"] = "ForEach-Object", ["ft"] = "Format-Table", ["fw"] = "Format-Wide", ["gal"] = "Get-Alias",
        ["gbp"] = "Get-PSBreakpoint", ["gc"] = "Get-Content", ["gcb"] = "Get-Clipboard", ["gci"] = "Get-ChildItem", ["gcm"] = "Get-Command",
        ["gcs"] = "Get-PSCallStack", ["gdr"] = "Get-PSDrive", ["ghy"] = "Get-History", ["gi"] = "Get-Item", ["gin"] = "Get-ComputerInfo",
        ["gjb"] = "Get-Job", ["gl"] = "Get-Location", ["gm"] = "Get-Member", ["gmo"] = "Get-Module", ["gp"] = "Get-ItemProperty",
        ["gps"] = "Get-Process", ["gpv"] = "Get-ItemPropertyValue", ["group"] = "Group-Object", ["gsn"] = "Get-PSSession", ["gsnp"] = "Get-PSSnapIn",
        ["gsv"] = "Get-Service", ["gtz"] = "Get-TimeZone", ["gu"] = "Get-Unique", ["gv"] = "Get-Variable", ["gwmi"] = "Get-WmiObject",
        ["h"] = "Get-History", ["history"] = "Get-History", ["icm"] = "Invoke-Command", ["iex"] = "Invoke-Expression", ["ihy"] = "Invoke-History",
        ["ii"] = "Invoke-Item", ["ipal"] = "Import-Alias", ["ipcsv"] = "Import-Csv", ["ipmo"] = "Import-Module", ["ipsn"] = "Import-PSSession",
        ["irm"] = "Invoke-RestMethod", ["ise"] = "powershell_ise.exe", ["iwmi"] = "Invoke-WMIMethod", ["iwr"] = "Invoke-WebRequest",
        ["kill"] = "Stop-Process", ["lp"] = "Out-Printer", ["ls"] = "Get-ChildItem", ["man"] = "help", ["md"] = "mkdir", ["measure"] = "Measure-Object",
        ["mi"] = "Move-Item", ["mount"] = "New-PSDrive", ["move"] = "Move-Item", ["mp"] = "Move-ItemProperty", ["mv"] = "Move-Item",
        ["nal"] = "New-Alias", ["ndr"] = "New-PSDrive", ["ni"] = "New-Item", ["nmo"] = "New-Module", ["npssc"] = "New-PSSessionConfigurationFile",
        ["nsn"] = "New-PSSession", ["nv"] = "New-Variable", ["ogv"] = "Out-GridView", ["oh"] = "Out-Host", ["popd"] = "Pop-Location",
        ["ps"] = "Get-Process", ["pushd"] = "Push-Location", ["pwd"] = "Get-Location", ["r"] = "Invoke-History", ["rbp"] = "Remove-PSBreakpoint",
        ["rcjb"] = "Receive-Job", ["rcsn"] = "Receive-PSSession", ["rd"] = "Remove-Item", ["rdr"] = "Remove-PSDrive", ["ren"] = "Rename-Item",
        ["ri"] = "Remove-Item", ["rjb"] = "Remove-Job", ["rm"] = "Remove-Item", ["rmdir"] = "Remove-Item", ["rmo"] = "Remove-Module",
        ["rni"] = "Rename-Item", ["rnp"] = "Rename-ItemProperty", ["rp"] = "Remove-ItemProperty", ["rsn"] = "Remove-PSSession",
        ["rsnp"] = "Remove-PSSnapin", ["rujb"] = "Resume-Job", ["rv"] = "Remove-Variable", ["rvpa"] = "Resolve-Path", ["rwmi"] = "Remove-WMIObject",
        ["sajb"] = "Start-Job", ["sal"] = "Set-Alias", ["saps"] = "Start-Process", ["sasv"] = "Start-Service", ["sbp"] = "Set-PSBreakpoint",
        ["sc"] = "Set-Content", ["scb"] = "Set-Clipboard", ["select"] = "Select-Object", ["set"] = "Set-Variable", ["shcm"] = "Show-Command",
        ["si"] = "Set-Item", ["sl"] = "Set-Location", ["sleep"] = "Start-Sleep", ["sls"] = "Select-String", ["sort"] = "Sort-Object",
        ["sp"] = "Set-ItemProperty", ["spjb"] = "Stop-Job", ["spps"] = "Stop-Process", ["spsv"] = "Stop-Service", ["start"] = "Start-Process",
        ["stz"] = "Set-TimeZone", ["sujb"] = "Suspend-Job", ["sv"] = "Set-Variable", ["swmi"] = "Set-WMIInstance", ["tee"] = "Tee-Object",
        ["trcm"] = "Trace-Command", ["type"] = "Get-Content", ["wget"] = "Invoke-WebRequest", ["where"] = "Where-Object", ["wjb"] = "Wait-Job",
        ["write"] = "Write-Output",
    };

    private static readonly HashSet<string> Names = new([.. PowerShellModuleCommands, .. FirstUseCommands, .. InBoxModuleExports.Commands.Select(c => c.Name), .. AliasTargets.Keys],
        StringComparer.OrdinalIgnoreCase);


    // Programs of System32 that scripts call (a PowerShell session runs them too).
    private static readonly HashSet<string> Programs = new(StringComparer.OrdinalIgnoreCase)
    {
        "cmd", "cmd.exe", "powershell", "powershell.exe", "ipconfig", "ipconfig.exe", "netstat", "netstat.exe", "ping", "ping.exe",
        "tasklist", "tasklist.exe", "taskkill", "taskkill.exe", "systeminfo", "systeminfo.exe", "net", "net.exe", "sc.exe",
        "reg", "reg.exe", "wmic", "wmic.exe", "netsh", "netsh.exe", "findstr", "findstr.exe", "certutil", "certutil.exe", "icacls",
        "icacls.exe", "robocopy", "robocopy.exe", "schtasks", "schtasks.exe", "gpupdate", "gpupdate.exe", "gpresult",
        "gpresult.exe", "nslookup", "nslookup.exe", "tracert", "tracert.exe", "shutdown", "shutdown.exe", "where.exe", "xcopy",
        "xcopy.exe", "quser", "quser.exe", "query", "query.exe", "klist", "klist.exe", "setspn", "setspn.exe", "winrm", "winrm.cmd",
        "dism", "dism.exe", "sfc", "sfc.exe", "bcdedit", "bcdedit.exe", "fsutil", "fsutil.exe", "diskpart", "diskpart.exe",
        "msiexec", "msiexec.exe", "wevtutil", "wevtutil.exe", "auditpol", "auditpol.exe", "route", "route.exe", "arp", "arp.exe",
        "getmac", "getmac.exe", "nltest", "nltest.exe", "w32tm", "w32tm.exe", "takeown", "takeown.exe", "attrib", "attrib.exe",
        "notepad", "notepad.exe", "regsvr32", "regsvr32.exe", "rundll32", "rundll32.exe", "sort.exe", "more.com", "tree.com",
        "expand", "expand.exe", "timeout", "timeout.exe", "choice", "choice.exe", "logman", "logman.exe", "typeperf", "typeperf.exe",
        "wusa", "wusa.exe", "cscript", "cscript.exe", "wscript", "wscript.exe", "mstsc", "mstsc.exe", "pathping", "pathping.exe",
        "find", "find.exe", "hostname", "hostname.exe", "whoami", "whoami.exe", "setx", "setx.exe", "eventcreate", "eventcreate.exe",
        // The .com programs cmd finds by PATHEXT, and a few more scripts call.
        "tree", "chcp", "chcp.com", "mode", "mode.com", "fc", "fc.exe", "comp", "comp.exe", "clip", "clip.exe", "cipher", "cipher.exe",
        "label", "label.exe", "openfiles", "openfiles.exe", "qwinsta", "qwinsta.exe", "msinfo32", "msinfo32.exe",
        "waitfor", "waitfor.exe", "forfiles", "forfiles.exe", "replace", "replace.exe", "runas", "runas.exe", "shutdown.exe",
        "secedit", "secedit.exe", "tzutil", "tzutil.exe", "powercfg", "powercfg.exe",
        // Windows' own scheduled tasks run these (Start-ScheduledTask of \Microsoft\Windows\Defrag\ScheduledDefrag).
        "defrag", "defrag.exe", "ServerManagerLauncher", "ServerManagerLauncher.exe",
        // More of a Server 2019's System32 (and its wbem and WindowsPowerShell folders, which PATH has): running one is
        // "not emulated", not "not recognized", since Windows has it. curl.exe and tar.exe came with build 17763; a bare
        // curl is 5.1's alias of Invoke-WebRequest.
        "driverquery", "driverquery.exe", "vssadmin", "vssadmin.exe", "mountvol", "mountvol.exe",
        "bitsadmin", "bitsadmin.exe", "cacls", "cacls.exe", "compact", "compact.exe", "convert", "convert.exe", "fltmc", "fltmc.exe",
        "format.com", "ftp", "ftp.exe", "nbtstat", "nbtstat.exe", "netcfg", "netcfg.exe", "pnputil", "pnputil.exe", "reagentc",
        "reagentc.exe", "recover", "recover.exe", "relog", "relog.exe", "lodctr", "lodctr.exe", "unlodctr", "unlodctr.exe", "makecab",
        "makecab.exe", "mmc", "mmc.exe", "msg", "msg.exe", "bootcfg", "bootcfg.exe", "bcdboot", "bcdboot.exe", "cmdkey", "cmdkey.exe",
        "control", "control.exe", "curl.exe", "tar", "tar.exe", "diskperf", "diskperf.exe", "doskey", "doskey.exe", "eventvwr",
        "eventvwr.exe", "iscsicli", "iscsicli.exe", "ktmutil", "ktmutil.exe", "mofcomp", "mofcomp.exe", "winmgmt", "winmgmt.exe",
        "wbemtest", "wbemtest.exe", "msdt", "msdt.exe", "print", "print.exe", "qprocess", "qprocess.exe", "qappsrv", "qappsrv.exe",
        "rwinsta", "rwinsta.exe", "tscon", "tscon.exe", "tsdiscon", "tsdiscon.exe", "tskill", "tskill.exe", "logoff", "logoff.exe",
        "change", "change.exe", "chglogon", "chglogon.exe", "chgport", "chgport.exe", "chgusr", "chgusr.exe", "reset", "reset.exe",
        "regini", "regini.exe", "sdbinst", "sdbinst.exe", "sxstrace", "sxstrace.exe", "taskmgr", "taskmgr.exe", "wecutil", "wecutil.exe",
        "winrs", "winrs.exe", "winver", "winver.exe", "wsmprovhost", "wsmprovhost.exe", "dsregcmd", "dsregcmd.exe", "verifier",
        "verifier.exe", "dfrgui", "dfrgui.exe", "pkgmgr", "pkgmgr.exe", "tracerpt", "tracerpt.exe", "extrac32", "extrac32.exe",
        "esentutl", "esentutl.exe", "at", "at.exe", "cmstp", "cmstp.exe", "mshta", "mshta.exe", "odbcconf", "odbcconf.exe",
        "rasdial", "rasdial.exe", "regedt32", "regedt32.exe", "rpcping", "rpcping.exe", "subst", "subst.exe", "powershell_ise",
        "powershell_ise.exe", "dxdiag", "dxdiag.exe",
    };

    // cmd.exe's internal commands (a cmd shell's; echo, cd, dir, ver, set and exit the emulator answers itself).
    private static readonly HashSet<string> CmdInternalCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "assoc", "break", "call", "cls", "color", "copy", "date", "del", "endlocal", "erase", "for", "ftype", "goto", "if", "md",
        "mkdir", "mklink", "move", "path", "pause", "popd", "prompt", "pushd", "rd", "ren", "rename", "rmdir", "setlocal", "shift",
        "start", "time", "title", "type", "verify", "vol",
        // more.com by its name in cmd (in PowerShell, more is 5.1's function, not this program).
        "more",
    };

    /// <summary>A command of a module Windows has: its name as Windows spells it, whether it is a function, and its module and version.</summary>
    public sealed record ModuleCommand(string Name, bool IsFunction, string? Module, string? Version);

    private static readonly Lazy<Dictionary<string, ModuleCommand>> ModuleCommandTable = new(BuildModuleCommands);

    /// <summary>
    /// The commands of Windows PowerShell 5.1's modules and of those a Windows Server 2019 loads on first use, with the
    /// module each comes from (Get-Command's Source and Version). The own modules' are as Windows has them; the others'
    /// modules, versions and kinds are the emulator's best knowledge (UNVERIFIED).
    /// </summary>
    public static IReadOnlyCollection<ModuleCommand> ModuleCommands => ModuleCommandTable.Value.Values;

    /// <summary>
    /// Where a command stands in its module's manifest list, for the modules whose order is known (Pester's
    /// FunctionsToExport: Get-Module -ListAvailable shows <c>{Describe, Context, It, Should...}</c>); 0 for the others,
    /// which are listed by name.
    /// </summary>
    public static int ManifestPosition(string name) =>
        OtherInBoxModuleCommands.Select(m => Array.IndexOf([.. m.Cmdlets, .. m.Functions], name) + 1).FirstOrDefault(p => p > 0) is var position && position > 0 ? position
        : FindModuleCommand(name) is { Module: { } module } command ? InBoxModuleExports.Position(module, name, command.IsFunction) : 0;

    /// <summary>The module command of that name (case aside); null for another (an alias, a program, an unknown name).</summary>
    public static ModuleCommand? FindModuleCommand(string name) => ModuleCommandTable.Value.GetValueOrDefault(name);

    private static Dictionary<string, ModuleCommand> BuildModuleCommands()
    {
        var table = new Dictionary<string, ModuleCommand>(StringComparer.OrdinalIgnoreCase);
        void Add(IEnumerable<string> names, Func<string, (string? Module, string? Version, bool IsFunction)> of)
        {
            foreach (var name in names)
            {
                var (module, version, isFunction) = of(name);
                table[name] = new ModuleCommand(name, isFunction, module, version);
            }
        }

        // The session's own functions (Clear-Host, prompt...) come from no module.
        Add(CoreCommands, n => FunctionCommands.Contains(n) ? (null, null, true) : ("Microsoft.PowerShell.Core", "3.0.0.0", false));
        Add(ManagementCommands, _ => ("Microsoft.PowerShell.Management", "3.1.0.0", false));
        Add(UtilityCommands, n => ("Microsoft.PowerShell.Utility", "3.1.0.0", FunctionCommands.Contains(n)));
        Add(OtherModuleCommands, n => n switch
        {
            _ when n.Contains("Cim", StringComparison.Ordinal) => ("CimCmdlets", "1.0.0.0", false),
            _ when n.Contains("WSMan", StringComparison.Ordinal) => ("Microsoft.WSMan.Management", "3.0.0.0", false),
            _ when n.EndsWith("ScheduledJob", StringComparison.Ordinal) => ("PSScheduledJob", "1.1.0.0", false),
            _ when n.EndsWith("-Archive", StringComparison.Ordinal) => ("Microsoft.PowerShell.Archive", "1.0.1.0", true),
            _ when n.EndsWith("-Transcript", StringComparison.Ordinal) => ("Microsoft.PowerShell.Host", "3.0.0.0", false),
            _ when n.EndsWith("Counter", StringComparison.Ordinal) || n.EndsWith("WinEvent", StringComparison.Ordinal) => ("Microsoft.PowerShell.Diagnostics", "3.0.0.0", false),
            _ => ("Microsoft.PowerShell.Security", "3.0.0.0", false),
        });
        Add(FirstUseCommands, n => n switch
        {
            _ when OtherInBoxModuleCommands.FirstOrDefault(m => m.Cmdlets.Contains(n, StringComparer.Ordinal) || m.Functions.Contains(n, StringComparer.Ordinal)) is { Module: { } module } found =>
                (module, WindowsModules.All.First(m => m.Name == module).Version, found.Functions.Contains(n, StringComparer.Ordinal)),
            _ when InternationalCommands.Contains(n, StringComparer.Ordinal) => ("International", "2.0.0.0", false),
            _ when n.Contains("-Bits", StringComparison.Ordinal) => ("BitsTransfer", "2.0.0.0", false),
            _ when n.EndsWith("WindowsFeature", StringComparison.Ordinal) => ("ServerManager", "2.0.0.0", false),
            _ when n.StartsWith("Get-NetIP", StringComparison.Ordinal) || n is "Get-NetRoute" or "Test-NetConnection" or "Get-NetTCPConnection" => ("NetTCPIP", "1.0.0.0", true),
            _ when n.Contains("-NetIP", StringComparison.Ordinal) || n.EndsWith("-NetRoute", StringComparison.Ordinal) || n is "Get-NetNeighbor" or "Get-NetUDPEndpoint" or "Get-NetTCPSetting" => ("NetTCPIP", "1.0.0.0", true),
            _ when n.Contains("NetConnectionProfile", StringComparison.Ordinal) => ("NetConnection", "1.0.0.0", true),
            _ when n.Contains("-Smb", StringComparison.Ordinal) => ("SmbShare", "2.0.0.0", true),
            _ when n.Contains("Print", StringComparison.Ordinal) => ("PrintManagement", "1.1", true),
            _ when n.Contains("TlsCipherSuite", StringComparison.Ordinal) => ("TLS", "2.0.0.0", false),
            _ when n.Contains("WindowsCapability", StringComparison.Ordinal) => ("Dism", "3.0", false),
            _ when n.EndsWith("NetAdapter", StringComparison.Ordinal) || n.Contains("-NetAdapter", StringComparison.Ordinal) => ("NetAdapter", "2.0.0.0", true),
            _ when n.Contains("NetFirewall", StringComparison.Ordinal) => ("NetSecurity", "2.0.0.0", true),
            "Resolve-DnsName" => ("DnsClient", "1.0.0.0", false),
            _ when n.Contains("DnsClient", StringComparison.Ordinal) => ("DnsClient", "1.0.0.0", true),
            _ when n.Contains("ScheduledTask", StringComparison.Ordinal) => ("ScheduledTasks", "1.0.0.0", true),
            _ when n.EndsWith("Disk", StringComparison.Ordinal) || n.EndsWith("Volume", StringComparison.Ordinal) && !n.Contains("BitLocker", StringComparison.Ordinal) || n.EndsWith("Partition", StringComparison.Ordinal) || n is "Get-PartitionSupportedSize" or "Get-StoragePool" => ("Storage", "2.0.0.0", true),
            _ when n.Contains("SmbShare", StringComparison.Ordinal) => ("SmbShare", "2.0.0.0", true),
            _ when n.Contains("LocalUser", StringComparison.Ordinal) || n.Contains("LocalGroup", StringComparison.Ordinal) => ("Microsoft.PowerShell.LocalAccounts", "1.0.0.0", false),
            _ when n.Contains("-Mp", StringComparison.Ordinal) => ("Defender", "1.0", true),
            "Get-WindowsUpdateLog" => ("WindowsUpdate", "1.0.0.0", true),
            _ when n.Contains("Package", StringComparison.Ordinal) && !n.Contains("Appx", StringComparison.Ordinal) => ("PackageManagement", "1.0.0.1", false),
            _ when n.EndsWith("-Module", StringComparison.Ordinal) || n.EndsWith("InstalledModule", StringComparison.Ordinal) || n.Contains("PSRepository", StringComparison.Ordinal) || n.EndsWith("-Script", StringComparison.Ordinal) => ("PowerShellGet", "1.0.0.1", true),
            "Get-Certificate" or "New-SelfSignedCertificate" or "Export-Certificate" or "Import-Certificate" => ("PKI", "1.0.0.0", false),
            _ when n.Contains("BitLocker", StringComparison.Ordinal) => ("BitLocker", "1.0.0.0", true),
            _ when n.Contains("WindowsOptionalFeature", StringComparison.Ordinal) => ("Dism", "3.0", false),
            _ when n.Contains("Appx", StringComparison.Ordinal) => ("Appx", "2.0.1.0", false),
            _ => (null, null, false),
        });
        // The in-box modules' whole exports, from their sources: they settle a command's module and kind.
        foreach (var (name, module, isFunction) in InBoxModuleExports.Commands)
        {
            table[name] = new ModuleCommand(name, isFunction, module, WindowsModules.All.First(m => m.Name == module).Version);
        }

        return table;
    }

    private static readonly Lazy<HashSet<string>> InBoxModules = new(() =>
        new HashSet<string>(ModuleCommandTable.Value.Values.Select(c => c.Module).OfType<string>().Concat(WindowsModules.All.Select(m => m.Name)), StringComparer.OrdinalIgnoreCase));


    /// <summary>The command a default alias of Windows PowerShell 5.1 stands for; null for another name.</summary>
    public static string? AliasTarget(string name) => AliasTargets.GetValueOrDefault(name);

    /// <summary>Windows PowerShell 5.1's default aliases, each with the command it stands for.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Aliases => AliasTargets;

    /// <summary>Whether a Windows Server 2019 has a module of that name (Import-Module finds it).</summary>
    public static bool HasModule(string name) => InBoxModules.Value.Contains(name);

    private const string System32 = @"C:\Windows\System32";

    /// <summary>
    /// The program files of <see cref="Programs"/> on a computer's disk, with their sizes (approximate: Windows Server
    /// 2019's build 17763 files as remembered, UNVERIFIED): System32's, wbem's WMIC and WindowsPowerShell\v1.0's powershell.
    /// </summary>
    public static IEnumerable<(string Path, int Length)> ProgramImages
    {
        get
        {
            foreach (var (file, length) in ImageSizes) yield return (ImagePath(file), length);
        }
    }

    /// <summary>
    /// The update revision of the core system files the installed cumulative update (KB5031361, OS build 17763.4974)
    /// replaced, as the registry's UBR says: <see cref="SystemImages"/>' version resources carry it.
    /// </summary>
    public const int ServicedRevision = 4974;

    /// <summary>
    /// Core system files patch and inventory scripts read versions from (the kernel, its HAL, ntdll, kernel32,
    /// kernelbase, win32k and the TCP/IP driver), no program to run: their sizes as remembered (UNVERIFIED), their version
    /// resources at <see cref="ServicedRevision"/>.
    /// </summary>
    public static readonly IReadOnlyList<(string Path, int Length)> SystemImages =
    [
        (System32 + @"\ntoskrnl.exe", 9_725_768), (System32 + @"\hal.dll", 1_030_144), (System32 + @"\ntdll.dll", 1_972_528),
        (System32 + @"\kernel32.dll", 714_752), (System32 + @"\KernelBase.dll", 2_273_080), (System32 + @"\win32k.sys", 565_248),
        (System32 + @"\drivers\tcpip.sys", 2_841_400),
    ];

    /// <summary>
    /// The programs in the Windows folder itself on a Server 2019 with the Desktop Experience (explorer.exe is what
    /// scripts test for it; Server Core has none of them): sizes as remembered (UNVERIFIED), notepad.exe System32's.
    /// </summary>
    public static readonly IReadOnlyList<(string Path, int Length)> WindowsFolderImages =
    [
        (@"C:\Windows\bfsvc.exe", 78_848), (@"C:\Windows\explorer.exe", 4_389_656), (@"C:\Windows\HelpPane.exe", 1_072_128),
        (@"C:\Windows\hh.exe", 17_920), (@"C:\Windows\notepad.exe", 254_464), (@"C:\Windows\regedit.exe", 358_400),
        (@"C:\Windows\splwow64.exe", 126_976), (@"C:\Windows\winhlp32.exe", 11_776), (@"C:\Windows\write.exe", 11_776),
    ];

    private static string ImagePath(string file) => file.ToLowerInvariant() switch
    {
        "powershell.exe" => System32 + @"\WindowsPowerShell\v1.0\powershell.exe",
        "wmic.exe" => System32 + @"\wbem\WMIC.exe",
        _ => System32 + "\\" + file,
    };

    private static readonly (string File, int Length)[] ImageSizes =
    [
        ("ARP.EXE", 30720), ("attrib.exe", 20480), ("auditpol.exe", 48640), ("bcdedit.exe", 360448), ("certutil.exe", 1335296),
        ("choice.exe", 31744), ("cmd.exe", 280064), ("cscript.exe", 144896), ("Defrag.exe", 106496), ("diskpart.exe", 163840), ("Dism.exe", 221184),
        ("eventcreate.exe", 39424), ("expand.exe", 62976), ("find.exe", 16896), ("findstr.exe", 35328), ("fsutil.exe", 190464), ("getmac.exe", 68096),
        ("gpresult.exe", 216064), ("gpupdate.exe", 30208), ("HOSTNAME.EXE", 14848), ("icacls.exe", 36352), ("ipconfig.exe", 32768),
        ("klist.exe", 38400), ("logman.exe", 120832), ("more.com", 28672), ("msiexec.exe", 66048), ("mstsc.exe", 1087488),
        ("net.exe", 57344), ("netsh.exe", 92672), ("NETSTAT.EXE", 39936), ("nltest.exe", 446464), ("notepad.exe", 254464),
        ("nslookup.exe", 92672), ("PATHPING.EXE", 25600), ("PING.EXE", 18432), ("powercfg.exe", 96256), ("powershell.exe", 452608), ("quser.exe", 30208),
        ("query.exe", 28160), ("reg.exe", 72704), ("regsvr32.exe", 25600), ("Robocopy.exe", 133632), ("ROUTE.EXE", 25600),
        ("rundll32.exe", 71680), ("sc.exe", 71680), ("schtasks.exe", 229376), ("SecEdit.exe", 37376), ("setspn.exe", 88576), ("setx.exe", 51712),
        ("ServerManagerLauncher.exe", 42496), ("sfc.exe", 42496), ("shutdown.exe", 30208), ("sort.exe", 32256), ("systeminfo.exe", 85504), ("takeown.exe", 50688),
        ("taskkill.exe", 86528), ("tasklist.exe", 105472), ("timeout.exe", 30208), ("TRACERT.EXE", 17920), ("tree.com", 16384),
        ("typeperf.exe", 47104), ("w32tm.exe", 104960), ("wevtutil.exe", 240640), ("where.exe", 51200), ("whoami.exe", 75264),
        ("winrm.cmd", 35), ("wmic.exe", 503296), ("wscript.exe", 170496), ("wusa.exe", 309248), ("xcopy.exe", 46592),
    ];

    private static readonly Lazy<Dictionary<string, string>> ProgramsByPath = new(() =>
        ImageSizes.ToDictionary(i => ImagePath(i.File), i => i.File.ToLowerInvariant(), StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The program a full path names (<c>C:\Windows\System32\cmd.exe</c>, <c>C:\WINDOWS\system32\PING</c>): its file name
    /// (cmd.exe, ping.exe: a name PowerShell runs the program by, where a bare sc would be Set-Content); null for another
    /// path or a bare name.
    /// </summary>
    public static string? ProgramOfPath(string path)
    {
        if (path.IndexOfAny(['\\', '/']) < 0) return null;
        var full = path.Replace('/', '\\');
        if (ProgramsByPath.Value.TryGetValue(full, out var program)) return program;
        // A program named without its extension, as PowerShell finds it through PATHEXT.
        foreach (var extension in (string[])[".exe", ".com", ".cmd"])
        {
            if (ProgramsByPath.Value.TryGetValue(full + extension, out program)) return program;
        }

        return null;
    }

    /// <summary>
    /// A program of System32 of that name (with or without .exe, .com or .cmd, case aside): its file name as Get-Command
    /// shows it, the file's own spelling where the emulator knows it (PING.EXE, HOSTNAME.EXE), its extension the one
    /// PATHEXT finds (tree.com, winrm.cmd); null for another.
    /// </summary>
    public static string? ProgramFile(string name)
    {
        // The disk's own spelling where a fresh Server 2019's PATH has the program (fltMC.exe, slmgr.vbs).
        if (IsProgram(name) && WindowsPrograms.Find(name) is { } onPath) return onPath;
        var bare = name.Length > 4 && name[^4] == '.' && name[^3..] is var extension &&
            (extension.Equals("exe", StringComparison.OrdinalIgnoreCase) || extension.Equals("com", StringComparison.OrdinalIgnoreCase) || extension.Equals("cmd", StringComparison.OrdinalIgnoreCase))
            ? name[..^4] : name;
        if (!Programs.Contains(bare) && !Programs.Contains(name)) return null;
        var file = bare + (Programs.Contains(bare + ".com") ? ".com" : Programs.Contains(bare + ".cmd") ? ".cmd" : ".exe");
        return Array.Find(ImageSizes, i => i.File.Equals(file, StringComparison.OrdinalIgnoreCase)).File ?? file.ToLowerInvariant();
    }

    /// <summary>Whether Windows has a command of that name (case aside): a cmdlet, an alias, a program.</summary>
    public static bool Has(string name) => Names.Contains(name) || IsProgram(name);

    /// <summary>Whether <paramref name="name"/> is a program of System32 (cmd, ipconfig, netstat...), not a PowerShell command.</summary>
    public static bool IsProgram(string name) => Programs.Contains(name) || OnServerPath(name);

    // A program of a fresh Server 2019's PATH (WindowsPrograms), by its file name or, where no PowerShell command has
    // the name (help, sort, where and write are PowerShell's), by its bare name as PATHEXT finds it.
    private static bool OnServerPath(string name) =>
        WindowsPrograms.HasPathExtension(name) ? WindowsPrograms.Find(name) is not null : !Names.Contains(name) && WindowsPrograms.Find(name) is not null;

    /// <summary>A command cmd.exe finds: an internal one, or a program by its name with or without PATHEXT's .exe/.com (sc: sc.exe).</summary>
    public static bool HasCmdCommand(string name) =>
        CmdInternalCommands.Contains(name) || Programs.Contains(name) || Programs.Contains(name + ".exe") || Programs.Contains(name + ".com") || WindowsPrograms.Find(name) is not null;
}
