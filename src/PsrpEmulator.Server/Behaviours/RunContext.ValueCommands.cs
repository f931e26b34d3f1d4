using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Cmdlets the language runs itself, with nothing of the computer behind them, which every Windows PowerShell 5.1
/// endpoint has and scripts use around their commands: New-Object (PSObject with -Property, the collections, the types
/// the emulator knows), Join-Path and Split-Path (text only: the paths need not exist, as without -Resolve),
/// New-TimeSpan, Write-Progress (a progress record), and on their own Add-Member, Get-Random, Invoke-Expression, the
/// variable cmdlets and Out-Null (RunContext.ObjectCmdlets). A rule for the same text still wins (rules are matched
/// first).
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>
    /// An error the cmdlet writes and goes on from (PowerShell's WriteError: non-terminating; a try does not catch it,
    /// -ErrorAction decides), unlike its terminating ones.
    /// </summary>
    private sealed class CmdletErrorException(ScriptedError error) : Exception(error.Message)
    {
        public ScriptedError Error => error;
    }

    /// <summary>The parameter names each cmdlet the emulator binds itself takes (a test holds them against 5.1's cmdlets).</summary>
    internal static IEnumerable<(string Command, string[] Parameters)> BoundParameterNames =>
        ValueCommandParameters.Concat(FileCommandParameters).Concat(StageParameters).Select(e => (e.Key, e.Value));

    private static readonly Dictionary<string, string[]> ValueCommandParameters = new(StringComparer.Ordinal)
    {
        ["New-Object"] = ["TypeName", "ArgumentList", "Property", "ComObject", "Strict"],
        // Win32_Process and the computer's WMI classes: the rules answer the classes they know first (RunContext.Win32Process).
        ["Get-CimInstance"] = ["ClassName", "Filter", "Query", "Namespace", "ComputerName", "CimSession", "ResourceUri", "InputObject", "KeyOnly", "Shallow",
            "OperationTimeoutSec", "Property", "QueryDialect"],
        // The declarations of the root/cimv2 classes the emulator knows (RunContext.CimClasses).
        ["Get-CimClass"] = ["ClassName", "Namespace", "OperationTimeoutSec", "CimSession", "ComputerName", "MethodName", "PropertyName", "QualifierName"],
        // CIM sessions of this computer (RunContext.CimSessions).
        ["New-CimSession"] = ["ComputerName", "Credential", "Authentication", "CertificateThumbprint", "Name", "OperationTimeoutSec", "SkipTestConnection", "Port", "SessionOption"],
        ["Get-CimSession"] = ["ComputerName", "Id", "InstanceId", "Name"],
        ["Remove-CimSession"] = ["CimSession", "ComputerName", "Id", "InstanceId", "Name", "WhatIf", "Confirm"],
        // The classes the computer's WMI has (RunContext.WmiObjects), when no rule answers the command.
        ["Get-WmiObject"] = ["Class", "Filter", "Query", "Namespace", "ComputerName", "Property", "Credential", "List", "Recurse", "Amended",
            "DirectRead", "EnableAllPrivileges", "Impersonation", "Authentication", "Locale", "AsJob", "ThrottleLimit"],
        ["Test-WSMan"] = ["ComputerName", "Authentication", "Port", "UseSSL", "ApplicationName", "Credential", "CertificateThumbprint"],
        ["Get-WSManInstance"] = WsManInstanceParameters("Get-WSManInstance"),
        ["New-WSManInstance"] = WsManInstanceParameters("New-WSManInstance"),
        ["Set-WSManInstance"] = WsManInstanceParameters("Set-WSManInstance"),
        ["Remove-WSManInstance"] = WsManInstanceParameters("Remove-WSManInstance"),
        ["Join-Path"] = ["Path", "ChildPath", "Resolve", "Credential"],
        ["Split-Path"] = ["Path", "LiteralPath", "Parent", "Leaf", "Qualifier", "NoQualifier", "IsAbsolute", "Resolve", "Credential"],
        ["New-TimeSpan"] = ["Start", "End", "Days", "Hours", "Minutes", "Seconds"],
        ["Measure-Command"] = ["Expression", "InputObject"],
        ["Add-Type"] = ["AssemblyName", "TypeDefinition", "MemberDefinition", "Name", "Namespace", "Path", "LiteralPath", "Language", "ReferencedAssemblies",
            "OutputAssembly", "OutputType", "PassThru", "IgnoreWarnings", "UsingNamespace", "CodeDomProvider", "CompilerParameters"],
        ["Get-Alias"] = ["Name", "Definition", "Exclude", "Scope"],
        ["Set-Alias"] = ["Name", "Value", "Description", "Option", "PassThru", "Scope", "Force", "WhatIf", "Confirm"],
        ["New-Alias"] = ["Name", "Value", "Description", "Option", "PassThru", "Scope", "Force", "WhatIf", "Confirm"],
        ["Get-Host"] = [],
        ["Write-Progress"] = ["Activity", "Status", "Id", "PercentComplete", "SecondsRemaining", "CurrentOperation", "ParentId", "Completed", "SourceId"],
        ["Add-Member"] = ["InputObject", "MemberType", "Name", "Value", "SecondValue", "TypeName", "Force", "PassThru", "NotePropertyName", "NotePropertyValue", "NotePropertyMembers"],
        ["Get-Random"] = ["Maximum", "Minimum", "Count", "SetSeed", "InputObject"],
        ["Get-Member"] = ["InputObject", "Name", "MemberType", "View", "Static", "Force"],
        ["Invoke-Expression"] = ["Command"],
        ["Import-Module"] = ["Name", "Force", "PassThru", "Global", "Prefix", "Function", "Cmdlet", "Variable", "Alias", "DisableNameChecking", "NoClobber", "Scope", "MinimumVersion", "RequiredVersion", "MaximumVersion", "ArgumentList", "AsCustomObject", "Verbose"],
        ["Get-PSSessionConfiguration"] = ["Name", "Force"],
        ["Get-Module"] = ["Name", "ListAvailable", "All", "Refresh", "PSEdition", "FullyQualifiedName", "PSSession", "CimSession", "CimResourceUri", "CimNamespace"],
        ["Remove-Module"] = ["Name", "FullyQualifiedName", "ModuleInfo", "Force", "WhatIf", "Confirm"],
        ["Get-LocalUser"] = ["Name", "SID"],
        ["New-LocalUser"] = ["Name", "Password", "NoPassword", "Description", "FullName", "Disabled", "AccountExpires", "AccountNeverExpires", "PasswordNeverExpires", "UserMayNotChangePassword", "WhatIf", "Confirm"],
        ["Remove-LocalUser"] = ["Name", "InputObject", "SID", "WhatIf", "Confirm"],
        ["Enable-LocalUser"] = ["Name", "InputObject", "SID", "WhatIf", "Confirm"],
        ["Disable-LocalUser"] = ["Name", "InputObject", "SID", "WhatIf", "Confirm"],
        ["Set-LocalUser"] = ["Name", "InputObject", "SID", "Password", "Description", "FullName", "AccountExpires", "AccountNeverExpires", "PasswordNeverExpires", "UserMayChangePassword", "WhatIf", "Confirm"],
        ["Get-LocalGroup"] = ["Name", "SID"],
        ["New-LocalGroup"] = ["Name", "Description", "WhatIf", "Confirm"],
        ["Remove-LocalGroup"] = ["Name", "InputObject", "SID", "WhatIf", "Confirm"],
        ["Get-LocalGroupMember"] = ["Name", "Member", "Group", "SID"],
        ["Add-LocalGroupMember"] = ["Name", "Member", "Group", "SID", "WhatIf", "Confirm"],
        ["Remove-LocalGroupMember"] = ["Name", "Member", "Group", "SID", "WhatIf", "Confirm"],
        ["Get-NetFirewallRule"] = ["Name", "DisplayName", "DisplayGroup", "Group", "Enabled", "Direction", "Action", "All", "PolicyStore", "GPOSession", "CimSession", "AsJob", "AssociatedNetFirewallPortFilter"],
        ["New-NetFirewallRule"] = ["DisplayName", "Name", "Description", "Group", "Enabled", "Profile", "Direction", "Action", "Protocol", "LocalPort", "RemotePort",
            "RemoteAddress", "LocalAddress", "Program", "IcmpType", "EdgeTraversalPolicy", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Set-NetFirewallRule"] = ["Name", "DisplayName", "DisplayGroup", "Group", "InputObject", "NewDisplayName", "Description", "Enabled", "Profile", "Direction", "Action",
            "Protocol", "LocalPort", "RemotePort", "RemoteAddress", "LocalAddress", "Program", "IcmpType", "PassThru", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Remove-NetFirewallRule"] = ["Name", "DisplayName", "DisplayGroup", "Group", "InputObject", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Enable-NetFirewallRule"] = ["Name", "DisplayName", "DisplayGroup", "Group", "InputObject", "PassThru", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Disable-NetFirewallRule"] = ["Name", "DisplayName", "DisplayGroup", "Group", "InputObject", "PassThru", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Get-Volume"] = ["DriveLetter", "ObjectId", "UniqueId", "Path", "FileSystemLabel", "Partition", "DiskImage", "FilePath", "CimSession", "ThrottleLimit", "AsJob"],
        ["Optimize-Volume"] = ["DriveLetter", "ObjectId", "Path", "FileSystemLabel", "Analyze", "Defrag", "ReTrim", "SlabConsolidate", "TierOptimize", "NormalPriority", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-PhysicalDisk"] = ["FriendlyName", "SerialNumber", "UniqueId", "Usage", "Description", "Manufacturer", "Model", "CanPool", "HealthStatus", "StorageSubSystem",
            "StoragePool", "VirtualDisk", "StorageNode", "StorageEnclosure", "PhysicallyConnected", "HasAllocations", "SelectedForUse", "NoRedundancy", "CimSession"],
        ["Get-Disk"] = ["Number", "UniqueId", "FriendlyName", "SerialNumber", "Path", "Partition", "VirtualDisk", "StorageSubSystem", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-Partition"] = ["DiskNumber", "PartitionNumber", "DiskId", "Offset", "DriveLetter", "Disk", "Volume", "StorageSubSystem", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-NetAdapterBinding"] = ["Name", "ComponentID", "DisplayName", "InterfaceDescription", "AllBindings", "IncludeHidden", "CimSession", "ThrottleLimit", "AsJob"],
        ["Enable-NetAdapterBinding"] = ["Name", "ComponentID", "DisplayName", "InterfaceDescription", "InputObject", "AllBindings", "IncludeHidden", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["Disable-NetAdapterBinding"] = ["Name", "ComponentID", "DisplayName", "InterfaceDescription", "InputObject", "AllBindings", "IncludeHidden", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["Get-MpPreference"] = ["CimSession", "ThrottleLimit", "AsJob"],
        ["Get-SmbServerConfiguration"] = SmbConfigurationParameters("Get-SmbServerConfiguration"),
        ["Set-SmbServerConfiguration"] = SmbConfigurationParameters("Set-SmbServerConfiguration"),
        ["Get-SmbClientConfiguration"] = SmbConfigurationParameters("Get-SmbClientConfiguration"),
        ["Get-SmbSession"] = SmbSessionParameters("Get-SmbSession"),
        ["Get-SmbOpenFile"] = SmbSessionParameters("Get-SmbOpenFile"),
        ["Get-SmbConnection"] = SmbSessionParameters("Get-SmbConnection"),
        ["Get-SmbMapping"] = SmbSessionParameters("Get-SmbMapping"),
        ["Set-SmbClientConfiguration"] = SmbConfigurationParameters("Set-SmbClientConfiguration"),
        ["Get-MpComputerStatus"] = ["CimSession", "ThrottleLimit", "AsJob"],
        ["Set-MpPreference"] = DefenderParameters("Set-MpPreference"),
        ["Add-MpPreference"] = DefenderParameters("Add-MpPreference"),
        ["Remove-MpPreference"] = DefenderParameters("Remove-MpPreference"),
        ["ConvertFrom-StringData"] = ["StringData"],
        ["Invoke-WebRequest"] = WebCommandParameters(),
        ["Invoke-RestMethod"] = WebCommandParameters(),
        ["Get-NetIPInterface"] = ["InterfaceAlias", "InterfaceIndex", "AddressFamily", "PolicyStore", "IncludeAllCompartments", "CompartmentId", "ConnectionState", "Dhcp",
            "InterfaceMetric", "NlMtuBytes", "Forwarding", "AutomaticMetric", "RouterDiscovery", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-NetRoute"] = ["DestinationPrefix", "InterfaceIndex", "InterfaceAlias", "NextHop", "AddressFamily", "PolicyStore", "IncludeAllCompartments", "CompartmentId", "RouteMetric", "Protocol",
            "ValidLifetime", "PreferredLifetime", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-NetTCPConnection"] = ["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State", "AppliedSetting", "OwningProcess", "CreationTime", "OffloadState", "CimSession", "ThrottleLimit", "AsJob"],
        ["Get-Counter"] = ["Counter", "ListSet", "SampleInterval", "MaxSamples", "Continuous", "ComputerName"],
        ["Get-EventLog"] = ["LogName", "ComputerName", "Newest", "After", "Before", "UserName", "InstanceId", "Index", "EntryType", "Source", "Message", "AsBaseObject", "List", "AsString"],
        ["Write-EventLog"] = ["LogName", "Source", "EventId", "EntryType", "Message", "Category", "RawData", "ComputerName"],
        ["New-EventLog"] = ["LogName", "Source", "ComputerName", "CategoryResourceFile", "MessageResourceFile", "ParameterResourceFile"],
        ["Remove-EventLog"] = ["LogName", "Source", "ComputerName", "WhatIf", "Confirm"],
        ["Clear-EventLog"] = ["LogName", "ComputerName", "WhatIf", "Confirm"],
        ["Limit-EventLog"] = ["LogName", "ComputerName", "RetentionDays", "OverflowAction", "MaximumSize", "WhatIf", "Confirm"],
        ["Get-WinEvent"] = ["ListLog", "LogName", "ListProvider", "ProviderName", "Path", "MaxEvents", "ComputerName", "Credential", "FilterXPath", "Force", "Oldest", "FilterXml", "FilterHashtable"],
        ["Get-ExecutionPolicy"] = ["Scope", "List"],
        ["Set-ExecutionPolicy"] = ["ExecutionPolicy", "Scope", "Force", "WhatIf", "Confirm"],
        ["Resolve-DnsName"] = ["Name", "Type", "Server", "DnsOnly", "CacheOnly", "DnssecOk", "DnssecCd", "NoHostsFile", "LlmnrNetbiosOnly", "LlmnrFallback", "LlmnrOnly", "NetbiosFallback", "NoIdn", "NoRecursion", "QuickTimeout", "TcpOnly"],
        ["Get-DnsClientServerAddress"] = ["InterfaceAlias", "InterfaceIndex", "AddressFamily", "CimSession", "AsJob"],
        ["Get-DnsClientCache"] = ["Entry", "Name", "Type", "Status", "Section", "TimeToLive", "DataLength", "Data", "CimSession", "ThrottleLimit", "AsJob"],
        ["Clear-DnsClientCache"] = ["CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["Get-DnsClientGlobalSetting"] = ["CimSession", "ThrottleLimit", "AsJob"],
        ["Set-DnsClientGlobalSetting"] = ["SuffixSearchList", "UseDevolution", "DevolutionLevel", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["Get-DnsClient"] = ["InterfaceAlias", "InterfaceIndex", "ConnectionSpecificSuffix", "RegisterThisConnectionsAddress", "UseSuffixWhenRegistering", "CimSession", "ThrottleLimit", "AsJob"],
        ["Set-DnsClient"] = ["InterfaceAlias", "InterfaceIndex", "ConnectionSpecificSuffix", "RegisterThisConnectionsAddress", "UseSuffixWhenRegistering", "ResetConnectionSpecificSuffix",
            "InputObject", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["Set-DnsClientServerAddress"] = ["InterfaceAlias", "InterfaceIndex", "ServerAddresses", "ResetServerAddresses", "Validate", "PassThru", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["New-ScheduledTaskAction"] = ["Execute", "Argument", "WorkingDirectory", "Id", "CimSession"],
        ["New-ScheduledTaskTrigger"] = ["AtStartup", "AtLogOn", "Once", "Daily", "Weekly", "At", "User", "RandomDelay", "RepetitionInterval", "RepetitionDuration", "DaysInterval", "CimSession"],
        ["New-ScheduledTaskPrincipal"] = ["UserId", "GroupId", "LogonType", "RunLevel", "Id", "ProcessTokenSidType", "RequiredPrivilege", "CimSession"],
        ["New-ScheduledTaskSettingsSet"] = ["AllowStartIfOnBatteries", "DontStopIfGoingOnBatteries", "StartWhenAvailable", "Hidden", "Disable", "ExecutionTimeLimit", "RestartCount",
            "RestartInterval", "MultipleInstances", "Priority", "RunOnlyIfNetworkAvailable", "WakeToRun", "DontStopOnIdleEnd", "CimSession"],
        ["Register-ScheduledTask"] = ["TaskName", "TaskPath", "Action", "Trigger", "Principal", "Settings", "User", "Password", "RunLevel", "Description", "Force", "InputObject", "Xml", "CimSession", "AsJob"],
        ["Get-ScheduledTask"] = ["TaskName", "TaskPath", "CimSession", "AsJob"],
        ["New-SelfSignedCertificate"] = ["DnsName", "Subject", "CertStoreLocation", "FriendlyName", "NotAfter", "NotBefore", "KeyUsage", "KeyExportPolicy", "KeySpec", "KeyUsageProperty", "HashAlgorithm",
            "KeyAlgorithm", "KeyLength", "Type", "TextExtension", "Signer", "CloneCert", "Provider", "Container", "Pin", "Reader", "SmimeCapabilities", "KeyFriendlyName", "KeyDescription", "KeyProtection",
            "SecurityDescriptor", "AlternateSignatureAlgorithm", "SuppressOid", "SignerPin", "SignerReader", "TestRoot", "SerialNumber", "ExistingKey", "CurveExport", "Extension", "KeyLocation", "Container", "WhatIf"],
        ["Export-Certificate"] = ["Cert", "FilePath", "Type", "NoClobber", "Force", "WhatIf"],
        ["Import-Certificate"] = ["FilePath", "CertStoreLocation", "WhatIf"],
        ["Get-SmbShare"] = ["Name", "ScopeName", "Special", "ContinuouslyAvailable", "ShareState", "FolderEnumerationMode", "CachingMode", "ConcurrentUserLimit", "AvailabilityType", "CaTimeout", "EncryptData", "CimSession", "ThrottleLimit", "AsJob", "IncludeHidden", "SmbInstance"],
        ["New-SmbShare"] = ["Name", "Path", "ScopeName", "Temporary", "ContinuouslyAvailable", "CATimeout", "Description", "ConcurrentUserLimit", "SecurityDescriptor", "FolderEnumerationMode", "CachingMode", "FullAccess", "ChangeAccess", "ReadAccess", "NoAccess", "EncryptData", "CimSession", "ThrottleLimit", "AsJob"],
        ["Set-SmbShare"] = ["Name", "ScopeName", "InputObject", "Description", "ConcurrentUserLimit", "CATimeout", "ContinuouslyAvailable", "FolderEnumerationMode", "CachingMode", "SecurityDescriptor", "EncryptData", "Force", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Remove-SmbShare"] = ["Name", "ScopeName", "InputObject", "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Get-SmbShareAccess"] = ["Name", "ScopeName", "InputObject", "CimSession", "ThrottleLimit", "AsJob"],
        ["Grant-SmbShareAccess"] = ["Name", "ScopeName", "InputObject", "AccountName", "AccessRight", "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Revoke-SmbShareAccess"] = ["Name", "ScopeName", "InputObject", "AccountName", "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Block-SmbShareAccess"] = ["Name", "ScopeName", "InputObject", "AccountName", "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Unblock-SmbShareAccess"] = ["Name", "ScopeName", "InputObject", "AccountName", "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf"],
        ["Unregister-ScheduledTask"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob", "PassThru", "WhatIf", "Confirm"],
        ["Enable-ScheduledTask"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob"],
        ["Disable-ScheduledTask"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob"],
        ["Start-ScheduledTask"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob"],
        ["Get-ScheduledTaskInfo"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob"],
        ["Export-ScheduledTask"] = ["TaskName", "TaskPath", "InputObject", "CimSession", "AsJob"],
        ["Get-NetFirewallProfile"] = ["Name", "Profile", "All", "PolicyStore", "GPOSession", "CimSession", "AsJob"],
        ["Set-NetFirewallProfile"] = ["Name", "Profile", "InputObject", "Enabled", "DefaultInboundAction", "DefaultOutboundAction", "AllowInboundRules", "AllowLocalFirewallRules",
            "AllowLocalIPsecRules", "AllowUserApps", "AllowUserPorts", "AllowUnicastResponseToMulticast", "NotifyOnListen", "LogFileName", "LogMaxSizeKilobytes",
            "LogAllowed", "LogBlocked", "LogIgnored", "DisabledInterfaceAliases", "PassThru", "All", "PolicyStore", "GPOSession", "CimSession", "AsJob", "WhatIf", "Confirm"],
        ["Get-NetFirewallPortFilter"] = ["AssociatedNetFirewallRule", "Protocol", "All", "PolicyStore", "GPOSession", "CimSession", "AsJob"],
        ["Get-Command"] = ["Name", "CommandType", "Module", "ListImported", "All", "TotalCount", "Syntax", "Noun", "Verb", "ArgumentList", "ParameterName", "ParameterType", "ShowCommandInfo", "FullyQualifiedModule"],
        ["Out-Null"] = ["InputObject"],
        ["Get-PSDrive"] = ["Name", "PSProvider", "Scope", "LiteralName", "UseTransaction"],
        ["Get-PSProvider"] = ["PSProvider"],
        ["Get-Verb"] = ["Verb"],
        ["Get-PSCallStack"] = [],
        ["Get-History"] = ["Id", "Count"],
        ["Clear-History"] = ["Id", "Count", "Newest", "CommandLine"],
        ["Invoke-History"] = ["Id", "WhatIf", "Confirm"],
        ["Get-Variable"] = ["Name", "ValueOnly", "Scope"],
        ["Set-Variable"] = ["Name", "Value", "Scope", "PassThru", "Option", "Force"],
        ["New-Variable"] = ["Name", "Value", "Scope", "PassThru", "Option", "Force"],
        ["Remove-Variable"] = ["Name", "Scope", "Force"],
        ["Clear-Variable"] = ["Name", "Scope", "Force"],
        ["Set-StrictMode"] = ["Version", "Off"],
        ["Set-PSDebug"] = ["Trace", "Step", "Strict", "Off"],
        // Name and CimInstance are Invoke-CimMethod's aliases of MethodName and InputObject.
        ["Invoke-CimMethod"] = ["ClassName", "Arguments", "MethodName", "Name", "InputObject", "CimInstance", "Query", "Namespace", "ComputerName", "CimSession", "ResourceUri",
            "CimClass", "OperationTimeoutSec", "QueryDialect", "WhatIf", "Confirm"],
        ["Invoke-WmiMethod"] = ["Class", "Name", "ArgumentList", "InputObject", "Path", "Namespace", "ComputerName", "AsJob", "Credential", "Impersonation", "Authentication",
            "Locale", "EnableAllPrivileges", "Authority", "ThrottleLimit", "WhatIf", "Confirm"],
        ["Select-Xml"] = ["XPath", "Xml", "Path", "LiteralPath", "Content", "Namespace"],
        ["Compare-Object"] = ["ReferenceObject", "DifferenceObject", "SyncWindow", "Property", "ExcludeDifferent", "IncludeEqual", "PassThru", "Culture", "CaseSensitive"],
        ["Get-Date"] = ["Date", "Year", "Month", "Day", "Hour", "Minute", "Second", "Millisecond", "DisplayHint", "Format", "UFormat"],
        ["Write-Host"] = ["Object", "NoNewline", "Separator", "ForegroundColor", "BackgroundColor"],
        ["Write-Warning"] = ["Message"],
        ["Get-WindowsFeature"] = ["Name", "ComputerName", "Credential", "LogPath", "Vhd"],
        ["Get-WindowsOptionalFeature"] = ["Online", "FeatureName", "Path", "PackageName", "PackagePath", "WindowsDirectory", "SystemDrive", "LogPath", "ScratchDirectory", "LogLevel"],
        ["Enable-WindowsOptionalFeature"] = ["Online", "FeatureName", "All", "NoRestart", "LimitAccess", "Source", "Path", "PackageName", "WindowsDirectory", "SystemDrive", "LogPath", "ScratchDirectory", "LogLevel"],
        ["Disable-WindowsOptionalFeature"] = ["Online", "FeatureName", "Remove", "NoRestart", "Path", "PackageName", "WindowsDirectory", "SystemDrive", "LogPath", "ScratchDirectory", "LogLevel"],
        ["Install-WindowsFeature"] = ["Name", "IncludeAllSubFeature", "IncludeManagementTools", "Restart", "Source", "ComputerName", "Credential", "LogPath", "Vhd", "ConfigurationFilePath", "WhatIf", "Confirm"],
        ["Uninstall-WindowsFeature"] = ["Name", "IncludeManagementTools", "Remove", "Restart", "ComputerName", "Credential", "LogPath", "Vhd", "WhatIf", "Confirm"],
        ["Restart-Computer"] = ["ComputerName", "Force", "Wait", "For", "Timeout", "Delay", "Credential", "WsmanAuthentication", "Protocol", "DcomAuthentication", "Impersonation", "AsJob", "ThrottleLimit", "WhatIf", "Confirm"],
        ["Test-Connection"] = ["ComputerName", "Count", "BufferSize", "Delay", "Quiet", "Source", "TimeToLive", "AsJob", "Credential", "Impersonation", "Authentication", "ThrottleLimit"],
        ["Test-NetConnection"] = ["ComputerName", "Port", "CommonTCPPort", "InformationLevel", "TraceRoute", "Hops", "DiagnoseRouting", "ConstrainSourceAddress", "ConstrainInterface"],
        // DS, SDO and ServicesDependedOn are aliases (GetServiceCommand's [Alias]).
        ["Get-Service"] = ["Name", "DisplayName", "InputObject", "Include", "Exclude", "ComputerName", "DependentServices", "DS", "RequiredServices", "SDO", "ServicesDependedOn"],
        ["Start-Service"] = ["Name", "DisplayName", "InputObject", "PassThru", "Include", "Exclude", "WhatIf", "Confirm"],
        ["Stop-Service"] = ["Name", "DisplayName", "InputObject", "PassThru", "Force", "NoWait", "Include", "Exclude", "WhatIf", "Confirm"],
        ["Restart-Service"] = ["Name", "DisplayName", "InputObject", "PassThru", "Force", "Include", "Exclude", "WhatIf", "Confirm"],
        ["Suspend-Service"] = ["Name", "DisplayName", "InputObject", "PassThru", "Include", "Exclude", "WhatIf", "Confirm"],
        ["Resume-Service"] = ["Name", "DisplayName", "InputObject", "PassThru", "Include", "Exclude", "WhatIf", "Confirm"],
        ["Set-Service"] = ["Name", "DisplayName", "Description", "StartupType", "Status", "InputObject", "PassThru", "ComputerName", "WhatIf", "Confirm"],
        ["Add-Computer"] = ["DomainName", "Credential", "WorkgroupName", "NewName", "OUPath", "Server", "Options", "UnjoinDomainCredential", "LocalCredential", "ComputerName",
            "Restart", "Force", "PassThru", "Unsecure", "WhatIf", "Confirm"],
        ["Rename-Computer"] = ["NewName", "ComputerName", "LocalCredential", "DomainCredential", "Force", "Restart", "PassThru", "Protocol", "WsmanAuthentication", "WhatIf", "Confirm"],
        ["Set-TimeZone"] = ["Id", "Name", "InputObject", "PassThru", "WhatIf", "Confirm"],
        ["Get-NetConnectionProfile"] = ["Name", "InterfaceAlias", "InterfaceIndex", "NetworkCategory", "IPv4Connectivity", "IPv6Connectivity", "CimSession", "ThrottleLimit", "AsJob"],
        ["Set-NetConnectionProfile"] = ["Name", "InterfaceAlias", "InterfaceIndex", "NetworkCategory", "IPv4Connectivity", "IPv6Connectivity", "InputObject", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"],
        ["New-Service"] = ["Name", "BinaryPathName", "DisplayName", "Description", "StartupType", "Credential", "DependsOn", "WhatIf", "Confirm"],
        ["Get-Process"] = ["Name", "ProcessName", "Id", "PID", "InputObject", "IncludeUserName", "Module", "FileVersionInfo", "ComputerName"],
        ["Stop-Process"] = ["Id", "Name", "ProcessName", "InputObject", "PassThru", "Force", "WhatIf", "Confirm"],
        ["Wait-Process"] = ["Name", "ProcessName", "Id", "PID", "ProcessId", "InputObject", "Timeout", "TimeoutSec"],
        ["Start-Process"] = ["FilePath", "ArgumentList", "Credential", "WorkingDirectory", "LoadUserProfile", "NoNewWindow", "PassThru", "RedirectStandardError",
            "RedirectStandardInput", "RedirectStandardOutput", "Wait", "WindowStyle", "UseNewEnvironment", "Verb"],
        ["Read-Host"] = ["Prompt", "AsSecureString"],
        ["Get-Credential"] = ["Credential", "UserName", "Message"],
        ["ConvertTo-SecureString"] = ["String", "AsPlainText", "Force", "SecureKey", "Key"],
        ["ConvertFrom-SecureString"] = ["SecureString", "SecureKey", "Key"],
        // Msg, Activity, Reason, TargetName and TargetType are aliases (WriteErrorCommand's [Alias]).
        ["Write-Error"] = ["Message", "Msg", "Exception", "ErrorRecord", "Category", "ErrorId", "TargetObject", "RecommendedAction",
            "CategoryActivity", "Activity", "CategoryReason", "Reason", "CategoryTargetName", "TargetName", "CategoryTargetType", "TargetType"],
    };

    // Commands known by another name too.
    private static string? ValueCommandAlias(string word) => word.ToUpperInvariant() switch
    {
        "IEX" => "Invoke-Expression",
        "GCM" => "Get-Command",
        "IPMO" => "Import-Module",
        "GMO" => "Get-Module",
        // LocalAccounts' aliases.
        "GLU" => "Get-LocalUser",
        "NLU" => "New-LocalUser",
        "RLU" => "Remove-LocalUser",
        "ELU" => "Enable-LocalUser",
        "DLU" => "Disable-LocalUser",
        "SLU" => "Set-LocalUser",
        "GLG" => "Get-LocalGroup",
        "NLG" => "New-LocalGroup",
        "RLG" => "Remove-LocalGroup",
        "GLGM" => "Get-LocalGroupMember",
        "ALGM" => "Add-LocalGroupMember",
        "RLGM" => "Remove-LocalGroupMember",
        "RMO" => "Remove-Module",
        "SAL" => "Set-Alias",
        "GAL" => "Get-Alias",
        "GCIM" => "Get-CimInstance",
        "GWMI" => "Get-WmiObject",
        "ICIM" => "Invoke-CimMethod",
        "IWMI" => "Invoke-WmiMethod",
        "NAL" => "New-Alias",
        "GDR" => "Get-PSDrive",
        "GCS" => "Get-PSCallStack",
        "GV" => "Get-Variable",
        "H" or "HISTORY" or "GHY" => "Get-History",
        "CLHY" => "Clear-History",
        "R" or "IHY" => "Invoke-History",
        "SV" or "SET" => "Set-Variable",
        "NV" => "New-Variable",
        "RV" => "Remove-Variable",
        "CLV" => "Clear-Variable",
        "COMPARE" or "DIFF" => "Compare-Object",
        // PowerShell tries "Get-" before a name it cannot find: date is Get-Date.
        "DATE" => "Get-Date",
        "START" or "SAPS" => "Start-Process",
        "GPS" or "PS" => "Get-Process",
        "SPPS" or "KILL" => "Stop-Process",
        "SASV" => "Start-Service",
        "TNC" => "Test-NetConnection",
        "ADD-WINDOWSFEATURE" => "Install-WindowsFeature",
        "REMOVE-WINDOWSFEATURE" => "Uninstall-WindowsFeature",
        "SPSV" => "Stop-Service",
        "GSV" => "Get-Service",
        "IWR" or "CURL" or "WGET" => "Invoke-WebRequest",
        "IRM" => "Invoke-RestMethod",
        _ => null,
    };

    /// <summary>
    /// The value command a statement is (its canonical name); null for another statement, and for a pipeline: one the
    /// pipeline cmdlets do not run has a later command no one answers, which is that command's error, not arguments.
    /// </summary>
    internal static string? ValueCommand(string statement)
    {
        var words = Statements.SplitArguments(statement.Trim());
        if (words.Count == 0 || ScriptExpressions.HasPipeline(statement)) return null;
        return ValueCommandNames.GetValueOrDefault(words[0]) ?? ValueCommandAlias(words[0]) ?? FileCommandAlias(words[0]) ??
            (words[0].Equals("mkdir", StringComparison.OrdinalIgnoreCase) || words[0].Equals("md", StringComparison.OrdinalIgnoreCase) ? "New-Item" : null) ??
            ObjectCmdletWithInputObject(words);
    }

    // The object cmdlets a statement starts with, given -InputObject (Measure-Object -InputObject $files -Property Length)
    // or nothing to take: they run on that one object, or on none. "-Inp" is the shortest prefix none of their other
    // parameters shares.
    private static readonly HashSet<string> InputObjectCmdlets = new(StringComparer.Ordinal)
    {
        "ForEach-Object", "Where-Object", "Select-Object", "Sort-Object", "Measure-Object", "Group-Object", "Get-Unique",
        "Format-Table", "Format-List", "Format-Wide", "Out-String", "Out-Host", "Out-Default", "ConvertTo-Csv", "ConvertTo-Html", "ConvertFrom-Csv", "Tee-Object",
    };

    // Those that take a collection given as -InputObject element by element: the formatting cmdlets (OutCommandInner and
    // the format shapers enumerate what they are given, so Out-String -InputObject (1, 2) is two lines) and ConvertFrom-Csv
    // (its InputObject is an array, each element text of lines).
    private static readonly HashSet<string> EnumeratingInputObjectCmdlets = new(StringComparer.Ordinal)
    {
        "Format-Table", "Format-List", "Format-Wide", "Out-String", "Out-Host", "Out-Default", "ConvertFrom-Csv",
    };

    private static string? ObjectCmdletWithInputObject(List<string> words) =>
        CanonicalCmdlet(words[0]) is { } cmdlet && InputObjectCmdlets.Contains(cmdlet) &&
        !words[0].Equals("foreach", StringComparison.OrdinalIgnoreCase)
            ? cmdlet
            : null;

    // The object cmdlets whose -InputObject is mandatory: alone, with nothing piped in, they ask for it.
    private static readonly HashSet<string> MandatoryInputObjectCmdlets = new(StringComparer.Ordinal) { "ConvertTo-Csv", "ConvertFrom-Csv" };

    /// <summary>
    /// An object cmdlet run with <c>-InputObject</c> and nothing piped in: the value is one object, not enumerated, as
    /// the cmdlet's ProcessRecord gets it (<c>Measure-Object -InputObject (1..10)</c> counts 1, <c>Sort-Object
    /// -InputObject (3, 1, 2)</c> writes the array as it is, <c>ForEach-Object -InputObject (1..3) { $_.Count }</c> is 3,
    /// <c>ConvertTo-Csv -InputObject $array</c> writes the array's own properties); the formatting cmdlets and
    /// ConvertFrom-Csv take its elements (<see cref="EnumeratingInputObjectCmdlets"/>).
    /// </summary>
    /// <remarks>
    /// Without -InputObject the cmdlet is a pipeline's first command with nothing to take: its ProcessRecord runs once
    /// with AutomationNull, which all of them but ForEach-Object skip (<c>Sort-Object</c> alone writes nothing,
    /// <c>Measure-Object</c> a count of 0), and ForEach-Object runs its blocks once with <c>$_</c> null
    /// (<c>ForEach-Object { 'once' }</c>). ConvertTo-Csv and ConvertFrom-Csv, whose -InputObject is mandatory, ask for it.
    /// </remarks>
    private async ValueTask RunObjectCmdletOnInputObjectAsync(string command, List<string> words, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var arguments = BindStage(command, words);
        if (arguments["InputObject"] is null && MandatoryInputObjectCmdlets.Contains(command))
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: InputObject.", "MissingMandatoryParameter"));
        }

        var input = arguments["InputObject"] is { } given ? await ArgumentAsync(given, to, blockNesting) : null;
        var stage = await BuildStageAsync(command, arguments, to, blockNesting);
        stage.Emit = value => output.WriteAsync(new PipelineOutput(value), cancellationToken);
        await stage.BeginAsync();
        try
        {
            if (input is null)
            {
                if (command == "ForEach-Object") await stage.ProcessAsync(PsNil.AutomationNull);
            }
            else if (!EnumeratingInputObjectCmdlets.Contains(command)) await stage.ProcessAsync(input);
            else
            {
                foreach (var element in ScriptExpressions.Enumerate(input)) await stage.ProcessAsync(element);
            }
        }
        catch (StopUpstreamException stop) when (ReferenceEquals(stop.Stage, stage))
        {
            // Select-Object -First had its object: nothing before it to stop.
        }

        await stage.EndAsync();
    }

    // Every value command's canonical name by its name in any case (made at first use: the file commands' table is
    // another file's, whose static fields may not be set yet when this one's are).
    private static Dictionary<string, string>? _valueCommandNames;

    private static string[] WebCommandParameters() =>
    [
        "Uri", "UseBasicParsing", "WebSession", "SessionVariable", "Credential", "UseDefaultCredentials", "CertificateThumbprint", "Certificate", "UserAgent",
        "DisableKeepAlive", "TimeoutSec", "Headers", "MaximumRedirection", "Method", "Proxy", "ProxyCredential", "ProxyUseDefaultCredentials", "Body", "ContentType",
        "TransferEncoding", "InFile", "OutFile", "PassThru",
    ];

    private static Dictionary<string, string> ValueCommandNames => _valueCommandNames ??=
        ValueCommandParameters.Keys.Concat(FileCommandParameters.Keys).ToDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <param name="prompted">The missing mandatory parameters were asked of the host already (they are not asked twice).</param>
    private async ValueTask RunValueCommandAsync(string command, string text, IPipelineHost? to, IPipelineHost output, int blockNesting, bool prompted = false)
    {
        PsValue value;
        try
        {
            var words = Statements.SplitArguments(text.Trim());
            if (InputObjectCmdlets.Contains(command))
            {
                await RunObjectCmdletOnInputObjectAsync(command, words.Skip(1).ToList(), to, output, blockNesting);
                return;
            }

            // mkdir and md are 5.1's mkdir function: New-Item -ItemType Directory.
            if (words.Count > 0 && (words[0].Equals("mkdir", StringComparison.OrdinalIgnoreCase) || words[0].Equals("md", StringComparison.OrdinalIgnoreCase))) words.InsertRange(1, ["-ItemType", "Directory"]);
            var arguments = BindValueCommand(command, words.Skip(1).ToList());
            switch (command)
            {
                case var file when FileCommandNames.Contains(file):
                    await RunFileCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Write-Progress":
                    var progress = await ProgressRecordAsync(arguments, to, blockNesting);
                    // MshCommandRuntime.WriteProgress writes nothing under $ProgressPreference SilentlyContinue or
                    // Ignore (scripts set it to go faster, Ansible's among them).
                    if (scope.Variables.Get("ProgressPreference") is { } preference and not PsNil &&
                        PipelineVariables.Display(preference) is var shown &&
                        (shown.Equals("SilentlyContinue", StringComparison.OrdinalIgnoreCase) || shown.Equals("Ignore", StringComparison.OrdinalIgnoreCase)))
                    {
                        return;
                    }

                    await output.WriteAsync(progress, cancellationToken);
                    return;
                case "Invoke-Expression":
                    await InvokeExpressionAsync(arguments, to, blockNesting);
                    return;
                case "Start-Process":
                    await StartProcessAsync(arguments, to, output, blockNesting);
                    return;
                case var process when ProcessCommandNames.Contains(process):
                    await RunProcessCommandAsync(command, arguments, [], to, output, blockNesting);
                    return;
                case "Test-Connection":
                    await TestConnectionAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-CimInstance":
                    await GetCimInstanceAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-CimClass":
                    await GetCimClassAsync(arguments, to, output, blockNesting);
                    return;
                case var cimSession when CimSessionCommandNames.Contains(cimSession):
                    await RunCimSessionCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Get-WmiObject":
                    await GetWmiObjectAsync(arguments, to, output, blockNesting);
                    return;
                case "Select-Xml":
                    await SelectXmlAsync(arguments, [], to, output, blockNesting);
                    return;
                case "Invoke-CimMethod" or "Invoke-WmiMethod":
                    await InvokeWmiMethodCommandAsync(command, arguments, [], to, output, blockNesting);
                    return;
                case "Test-WSMan":
                    await TestWsManAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-WSManInstance" or "New-WSManInstance" or "Set-WSManInstance" or "Remove-WSManInstance":
                    await RunWsManInstanceAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Restart-Computer":
                    await RestartComputerAsync(arguments, to, output, blockNesting);
                    return;
                case var feature when FeatureCommandNames.Contains(feature):
                    await RunFeatureCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var optional when OptionalFeatureCommandNames.Contains(optional):
                    await RunOptionalFeatureCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Test-NetConnection":
                    await TestNetConnectionAsync(arguments, to, output, blockNesting);
                    return;
                case var service when ServiceCommandNames.Contains(service):
                    await RunServiceCommandAsync(command, arguments, [], to, output, blockNesting);
                    return;
                case "Add-Computer":
                    await AddComputerAsync(arguments, to, output, blockNesting);
                    return;
                case "Rename-Computer":
                    await RenameComputerAsync(arguments, to, output, blockNesting);
                    return;
                case "New-Service":
                    await NewServiceAsync(arguments, to, output, blockNesting);
                    return;
                case "Set-TimeZone":
                    await SetTimeZoneAsync(arguments, to, output, blockNesting);
                    return;
                case var profile when NetConnectionProfileCommandNames.Contains(profile):
                    await RunNetConnectionProfileCommandAsync(profile, arguments, to, output, blockNesting);
                    return;
                case "Get-Command":
                    await GetCommandAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-PSDrive":
                    await GetPSDriveAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-PSProvider":
                    await GetPSProviderAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-Verb":
                    await GetVerbAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-PSCallStack":
                    await GetPSCallStackAsync(output);
                    return;
                case "Import-Module":
                    await ImportModuleAsync(arguments, to, output, blockNesting);
                    return;
                case var account when LocalAccountCommandNames.Contains(account):
                    await RunLocalAccountCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var dns when DnsClientCommandNames.Contains(dns):
                    await RunDnsClientCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var storage when StorageCommandNames.Contains(storage):
                    await RunStorageCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var defender when DefenderCommandNames.Contains(defender):
                    await RunDefenderCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var smbSessions when SmbSessionCommandNames.Contains(smbSessions):
                    RunSmbSessionCommand(command, arguments);
                    return;
                case var smbConfiguration when SmbConfigurationCommandNames.Contains(smbConfiguration):
                    await RunSmbConfigurationCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "ConvertFrom-StringData":
                    var stringData = arguments["StringData"] ?? throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: StringData.", "MissingMandatoryParameter"));
                    await output.WriteAsync(new PipelineOutput(StringData(PipelineVariables.Display(await ArgumentAsync(stringData, to, blockNesting)))), cancellationToken);
                    return;
                case "Invoke-WebRequest" or "Invoke-RestMethod":
                    await InvokeWebRequestAsync(command, arguments, to, blockNesting);
                    return;
                case "Get-NetTCPConnection":
                    await GetNetTcpConnectionAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-NetRoute":
                    await GetNetRouteAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-NetIPInterface":
                    await GetNetIPInterfaceAsync(arguments, to, output, blockNesting);
                    return;
                case var binding when NetAdapterBindingCommandNames.Contains(binding):
                    await RunNetAdapterBindingCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Get-Counter":
                    await GetCounterAsync(arguments, to, output, blockNesting);
                    return;
                case var eventLog when EventLogCommandNames.Contains(eventLog):
                    await RunEventLogCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var policy when ExecutionPolicyCommandNames.Contains(policy):
                    await RunExecutionPolicyCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var scheduled when ScheduledTaskCommandNames.Contains(scheduled):
                    await RunScheduledTaskCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var certificate when CertificateCommandNames.Contains(certificate):
                    await RunCertificateCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var smb when SmbShareCommandNames.Contains(smb):
                    await RunSmbShareCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case var firewall when FirewallCommandNames.Contains(firewall):
                    await RunFirewallCommandAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Get-PSSessionConfiguration":
                    await GetPSSessionConfigurationAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-Module":
                    await GetModuleAsync(arguments, to, output, blockNesting);
                    return;
                case "Remove-Module":
                    await RemoveModuleAsync(arguments, to, output, blockNesting);
                    return;
                case "Get-Variable" or "Set-Variable" or "New-Variable" or "Remove-Variable" or "Clear-Variable":
                    await VariableCommandsAsync(command, arguments, to, output, blockNesting);
                    return;
                case "Set-StrictMode":
                    await SetStrictModeAsync(arguments, to, blockNesting);
                    return;
                case "Set-PSDebug":
                    await SetPSDebugAsync(arguments, to, blockNesting);
                    return;
                case "Get-History":
                    foreach (var entry in await GetHistoryAsync(arguments, to, blockNesting)) await output.WriteAsync(new PipelineOutput(HistoryInfo(entry)), cancellationToken);
                    return;
                case "Clear-History":
                    await ClearHistoryAsync(arguments, to, blockNesting);
                    return;
                case "Invoke-History":
                    await InvokeHistoryAsync(arguments, to, output, blockNesting);
                    return;
                case "Write-Error":
                    await WriteErrorAsync(await WriteErrorRecordAsync(arguments, to, blockNesting), output);
                    return;
                case "Out-Null":
                    // Its -InputObject is evaluated (a command in it runs) and dropped.
                    if (arguments["InputObject"] is { } dropped) await ArgumentAsync(dropped, to, blockNesting);
                    return;
                case "Get-Random":
                    foreach (var picked in await GetRandomAsync(arguments, to, blockNesting)) await output.WriteAsync(new PipelineOutput(picked), cancellationToken);
                    return;
                case "Get-Member":
                    await GetMemberAsync(arguments, to, output, blockNesting);
                    return;
                case "Write-Warning":
                    // Its message (an expression, a variable): the text a string would hold (the default rules answer the literal forms).
                    if (arguments["Message"] is not { } warningWord)
                    {
                        throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Message.", "MissingMandatoryParameter"));
                    }

                    await output.WriteAsync(new WarningRecordMessage(PipelineVariables.Display(await ArgumentAsync(warningWord, to, blockNesting))), cancellationToken);
                    return;
                case "Write-Host":
                    await output.WriteAsync(await WriteHostRecordAsync(arguments, to, blockNesting), cancellationToken);
                    return;
                case "Read-Host":
                    foreach (var read in await ReadHostAsync(arguments, to, blockNesting)) await output.WriteAsync(new PipelineOutput(read), cancellationToken);
                    return;
                case "Get-Credential":
                    foreach (var credential in await GetCredentialAsync(arguments, to, blockNesting)) await output.WriteAsync(new PipelineOutput(credential), cancellationToken);
                    return;
                case "Compare-Object":
                    foreach (var compared in await CompareObjectAsync(arguments, to, blockNesting)) await output.WriteAsync(new PipelineOutput(compared), cancellationToken);
                    return;
                case "Get-Alias":
                    await GetAliasAsync(arguments, to, output, blockNesting);
                    return;
                case "Add-Type":
                    await AddTypeAsync(arguments, to, blockNesting);
                    return;
                case "Set-Alias" or "New-Alias":
                    await SetAliasAsync(command, arguments, to, blockNesting);
                    return;
                case "Measure-Command":
                    await output.WriteAsync(new PipelineOutput(await MeasureCommandAsync(arguments, to, blockNesting)), cancellationToken);
                    return;
                case "Get-Host":
                    await output.WriteAsync(new PipelineOutput(await EvaluateAsync("$Host", to, blockNesting + 1)), cancellationToken);
                    return;
                case "Add-Member":
                {
                    var spec = await AddMemberSpecAsync(arguments, to, blockNesting);
                    var target = arguments["InputObject"] is { } inputWord ? await ArgumentAsync(inputWord, to, blockNesting)
                        : throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: InputObject.", "MissingMandatoryParameter"));
                    var result = AddMembers(target, spec);
                    if (spec.PassThru) await output.WriteAsync(new PipelineOutput(result), cancellationToken);
                    return;
                }
            }

            value = command switch
            {
                "New-Object" => await NewObjectAsync(arguments, to, blockNesting),
                "Join-Path" => Resolved("Join-Path", arguments, await JoinPathAsync(arguments, to, blockNesting)),
                "Split-Path" => Resolved("Split-Path", arguments, await SplitPathAsync(arguments, to, blockNesting)),
                "Get-Date" => await GetDateAsync(arguments, to, blockNesting),
                "ConvertTo-SecureString" => await ConvertToSecureStringAsync(arguments, to, blockNesting),
                "ConvertFrom-SecureString" => await ConvertFromSecureStringAsync(arguments, to, blockNesting),
                _ => await NewTimeSpanAsync(arguments, to, blockNesting),
            };
        }
        catch (CmdletErrorException e)
        {
            await WriteErrorAsync(e.Error with { Activity = command }, output);
            return;
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            // A value past .NET's range (New-TimeSpan -Days 99999999): the cmdlet's terminating error, with .NET's text.
            await WriteStatementErrorAsync(new ScriptedError(e.Message, $"System.{e.GetType().Name},{CmdletClass(command)}",
                ErrorCategory.InvalidArgument, e.GetType().FullName!) { Activity = command }, output);
            return;
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(OwnError(e.Error, command), output);
            return;
        }
        catch (StatementTerminatedException e) when (!prompted && Host.HasHostUI && MissingParameterNames(e.Error) is { Count: > 0 } names)
        {
            // As PowerShell's binder: the missing mandatory parameters are asked of the client's host, and the command
            // runs with what the user typed (as -Name 'value'); nothing typed leaves the binding error.
            var supplied = await PromptForMissingParametersAsync(command, [.. names.Select(name => new ScriptParameters.MissingParameter(name, ValueParameterType(name), null))]);
            if (supplied.Count > 0)
            {
                var typed = string.Concat(supplied.Select(a => $" -{a.Name} '{PipelineVariables.Display(a.Value).Replace("'", "''", StringComparison.Ordinal)}'"));
                await RunValueCommandAsync(command, text + typed, to, output, blockNesting, prompted: true);
                return;
            }

            if (scope.Variables.TryDepth > 0) throw new StatementTerminatedException(OwnError(e.Error, command));
            await WriteStatementErrorAsync(OwnError(e.Error, command), output);
            return;
        }
        catch (StatementTerminatedException e) when (scope.Variables.TryDepth == 0)
        {
            await WriteStatementErrorAsync(OwnError(e.Error, command), output);
            return;
        }
        catch (StatementTerminatedException e) when (OwnError(e.Error, command) is var own && !ReferenceEquals(own, e.Error))
        {
            // Under try: the cmdlet's own error goes on to the catch naming the cmdlet.
            throw new StatementTerminatedException(own);
        }

        foreach (var item in value is PsObject { TypeNames: ["System.String[]", ..] } strings ? strings.Items : [value])
        {
            await output.WriteAsync(new PipelineOutput(item), cancellationToken);
        }
    }

    /// <summary>
    /// Set-PSDebug as SetPSDebugCommand: <c>-Strict</c> is strict mode version 1, <c>-Off</c> ends strict mode and
    /// tracing, <c>-Trace 0</c> no tracing (a value outside 0 to 2 is ValidateRange's refusal), nothing else does nothing
    /// (the "on" set is the default); tracing (<c>-Trace 1</c>, <c>2</c>) and <c>-Step</c>, whose DEBUG lines go to the
    /// host, are not emulated: a scenario error. <c>-Off</c> with another parameter is the binder's AmbiguousParameterSet.
    /// Not emulated: <c>-Strict:$false</c> (version 0) leaves strict mode as it is, as the binder drops a false switch.
    /// </summary>
    private async ValueTask SetPSDebugAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string command = "Set-PSDebug";
        var off = arguments.Has("Off");
        if (off && (arguments.Has("Trace") || arguments.Has("Step") || arguments.Has("Strict")))
        {
            throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        }

        var runspace = scope.Variables.Runspace;
        if (off)
        {
            runspace.StrictModeVersion = 0;
            return;
        }

        if (arguments["Trace"] is { } traceWord)
        {
            var trace = await IntegerArgumentAsync(traceWord, to, blockNesting);
            if (trace is < 0 or > 2)
            {
                throw new StatementTerminatedException(ParameterError(command,
                    $"Cannot validate argument on parameter 'Trace'. The {trace} argument is {(trace < 0 ? "less than the minimum allowed range of 0" : "greater than the maximum allowed range of 2")}. Supply an argument that is {(trace < 0 ? "greater than or equal to 0" : "less than or equal to 2")} and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            if (trace > 0) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Set-PSDebug -Trace {trace} is not emulated: script tracing writes no DEBUG lines here"));
        }

        if (arguments.Has("Step")) throw new ScriptExpressionException(ScriptedError.ScenarioFault("Set-PSDebug -Step is not emulated"));
        // A switch the binder took (-Strict:$false is the switch not given, so it leaves strict mode as it is).
        if (arguments.Has("Strict")) runspace.StrictModeVersion = 1;
    }

    /// <summary>
    /// Set-StrictMode -Version 1.0 to 5.1 (a number: 2 is 2.0) or Latest, or -Off, bound and checked as PowerShell does (it
    /// writes nothing). Of the checks strict mode adds, the emulator makes the unset variable's (version 1: a variable
    /// read in an expression; 2 and later: in a string too, <see cref="PipelineVariables.StrictModeUnset"/>); a missing
    /// property, method-call syntax for a command and an index out of bounds are not checked: a script that passes
    /// them on Windows runs the same here.
    /// </summary>
    private async ValueTask SetStrictModeAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string command = "Set-StrictMode";
        var hasVersion = arguments.Has("Version");
        if (hasVersion == arguments.Has("Off"))
        {
            throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        }

        var runspace = scope.Variables.Runspace;
        if (!hasVersion)
        {
            runspace.StrictModeVersion = 0;
            return;
        }

        var text = Text(await ArgumentAsync(arguments["Version"]!, to, blockNesting)).Trim();
        if (text.Equals("Latest", StringComparison.OrdinalIgnoreCase))
        {
            runspace.StrictModeVersion = 3;
            return;
        }
        if (!Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version))
        {
            throw new StatementTerminatedException(ParameterError(command,
                $"Cannot bind parameter 'Version'. Cannot convert value \"{text}\" to type \"System.Version\". Error: \"Version string portion was too short or too long.\"", "CannotConvertArgumentNoMessage"));
        }

        // PSVersionInfo.IsValidPSVersion on 5.1: 1.0, 2.0, 3.0, 4.0, 5.0 and 5.1.
        if (version.Build >= 0 || !(version.Major is >= 1 and <= 4 && version.Minor == 0 || version.Major == 5 && version.Minor is 0 or 1))
        {
            throw new StatementTerminatedException(ParameterError(command,
                $"Cannot validate argument on parameter 'Version'. The \"{version}\" argument does not contain a valid Windows PowerShell version. Supply a valid version number and then try the command again.", "ParameterArgumentValidationError"));
        }

        runspace.StrictModeVersion = Math.Min(version.Major, 3);

        static string Text(PsValue value) => PipelineVariables.Display(value);
    }

    /// <summary>
    /// Write-Error with its parameters (what the default rules do not answer: -Category, -ErrorId, -TargetObject, ...),
    /// as WriteErrorCommand builds the record: a WriteErrorException of the message, the id the exception's type name
    /// unless -ErrorId gives one, the CategoryInfo fields the parameters set, Activity Write-Error unless
    /// -CategoryActivity says otherwise. -ErrorRecord writes a copy of the record; -Exception a record of that exception
    /// (its id the exception's type name, -Message its ErrorDetails).
    /// </summary>
    private async ValueTask<ScriptedError> WriteErrorRecordAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string command = "Write-Error";
        var activity = await TextAsync("CategoryActivity", "Activity");
        var reason = await TextAsync("CategoryReason", "Reason");
        var targetName = await TextAsync("CategoryTargetName", "TargetName");
        var targetType = await TextAsync("CategoryTargetType", "TargetType");
        var recommendedAction = await TextAsync("RecommendedAction");
        if (arguments["ErrorRecord"] is { } recordWord)
        {
            if (await ArgumentAsync(recordWord, to, blockNesting) is not PsObject given || !ScriptedError.IsErrorRecord(given))
            {
                throw new StatementTerminatedException(ParameterError(command,
                    "Cannot bind parameter 'ErrorRecord'. Cannot convert the value to type \"System.Management.Automation.ErrorRecord\".", "CannotConvertArgumentNoMessage"));
            }

            var copied = ScriptedError.FromRecord(given);
            return copied with
            {
                TargetName = Empty(targetName) ?? copied.TargetName,
                Activity = Empty(activity) ?? command,
                TargetObject = given["TargetObject"],
                Reason = Empty(reason) ?? copied.Reason,
                TargetType = Empty(targetType),
                RecommendedAction = Empty(recommendedAction),
            };
        }

        var exception = arguments["Exception"] is { } exceptionWord ? await ArgumentAsync(exceptionWord, to, blockNesting) : null;
        if (exception is not null && !ExceptionTypes.IsException(exception))
        {
            throw new StatementTerminatedException(ParameterError(command,
                $"Cannot bind parameter 'Exception'. Cannot convert the \"{PipelineVariables.Display(exception)}\" value of type \"{ScriptExpressions.TypeName(exception)}\" to type \"System.Exception\".",
                "CannotConvertArgumentNoMessage"));
        }

        var message = await TextAsync("Message", "Msg");
        if (message is null && exception is null)
        {
            throw new StatementTerminatedException(ParameterError(command,
                "Cannot process command because of one or more missing mandatory parameters: Message.", "MissingMandatoryParameter"));
        }

        var category = ErrorCategory.NotSpecified;
        if (await TextAsync("Category") is { } categoryText &&
            (!Enum.TryParse(categoryText.Trim(), ignoreCase: true, out category) || !Enum.IsDefined(category)))
        {
            throw new StatementTerminatedException(EnumParameterError(command, "Category", categoryText, "System.Management.Automation.ErrorCategory", Enum.GetNames<ErrorCategory>()));
        }

        var target = arguments["TargetObject"] is { } targetWord ? await ArgumentAsync(targetWord, to, blockNesting) : null;
        var errorId = Empty(await TextAsync("ErrorId"));
        ScriptedError error;
        if (exception is PsObject { TypeNames: [var exceptionType, ..] } givenException)
        {
            // The record of the exception given, its id the exception's type name unless -ErrorId gives one; -Message,
            // when given, is the record's ErrorDetails (what is shown), the exception's message staying its own.
            exceptionType = exceptionType.StartsWith("Deserialized.", StringComparison.Ordinal) ? exceptionType["Deserialized.".Length..] : exceptionType;
            error = new ScriptedError(givenException["Message"]?.ToDisplayString() ?? string.Empty, errorId ?? exceptionType, category, exceptionType, Empty(targetName))
            {
                Exception = givenException,
                DetailsMessage = Empty(message),
            };
        }
        else
        {
            error = new ScriptedError(message!, errorId ?? ScriptedError.WriteErrorId, category, ScriptedError.WriteErrorId, Empty(targetName));
        }

        return error with
        {
            Activity = Empty(activity) ?? command,
            TargetObject = target is null or PsNil ? null : target,
            Reason = Empty(reason),
            TargetType = Empty(targetType),
            RecommendedAction = Empty(recommendedAction),
        };

        // A [string] parameter: the value as PowerShell converts it ($null: no text).
        async ValueTask<string?> TextAsync(string name, string? alias = null) =>
            (arguments[name] ?? (alias is null ? null : arguments[alias])) is { } word && await ArgumentAsync(word, to, blockNesting) is var value and not PsNil
                ? PipelineVariables.Display(value)
                : null;

        // The cmdlet leaves a field alone when its parameter is empty.
        static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>
    /// An error the cmdlet raised itself (its id ends in the cmdlet's class, ",Microsoft.PowerShell.Commands.
    /// NewObjectCommand") names the cmdlet as its Activity; an error of an argument's expression keeps its own.
    /// </summary>
    private static ScriptedError OwnError(ScriptedError error, string command) =>
        error.Activity is null && error.FullyQualifiedErrorId.EndsWith($",{CmdletClass(command)}", StringComparison.OrdinalIgnoreCase)
            ? error with { Activity = command }
            : error;

    // PowerShell's binding for these cmdlets: names by unique prefix, switches without a value, positional arguments
    // in the cmdlet's order (New-Object: TypeName, ArgumentList; Join-Path: Path, ChildPath; Split-Path: Path;
    // New-TimeSpan: Start, End).
    private static StageArguments BindValueCommand(string command, List<string> words)
    {
        var parameters = ValueCommandParameters.GetValueOrDefault(command) ?? FileCommandParameters[command];
        var fileCommand = FileCommandNames.Contains(command);
        var named = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (IsParameterToken(word))
            {
                var typed = word[1..];
                // Get-ChildItem's dynamic parameters' aliases.
                if (command == "Get-ChildItem") typed = typed.ToUpperInvariant() switch { "AD" => "Directory", "AF" => "File", "AH" => "Hidden", "AR" => "ReadOnly", "AS" => "System", _ => typed };
                var colon = typed.IndexOf(':', StringComparison.Ordinal);
                if (fileCommand && typed.Equals("Confirm", StringComparison.OrdinalIgnoreCase) && WhatIfCommands.Contains(command))
                {
                    // -Confirm asks before each change (the provider's ShouldProcess at ConfirmImpact Medium).
                    named["Confirm"] = null;
                    continue;
                }

                if (fileCommand && (typed.Equals("Confirm", StringComparison.OrdinalIgnoreCase) || typed.Equals("Confirm:$false", StringComparison.OrdinalIgnoreCase) ||
                    typed.Equals("Verbose", StringComparison.OrdinalIgnoreCase) || typed.Equals("Debug", StringComparison.OrdinalIgnoreCase)))
                {
                    // The provider cmdlets' ConfirmImpact is Medium, below the default $ConfirmPreference: -Confirm:$false
                    // changes nothing, and they write nothing verbose here.
                    continue;
                }

                if (fileCommand && typed.StartsWith("WhatIf", StringComparison.OrdinalIgnoreCase))
                {
                    if (!WhatIfCommands.Contains(command)) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -WhatIf is not emulated: give the command a rule"));
                    // -WhatIf:$false is kept as such: it overrides $WhatIfPreference.
                    named["WhatIf"] = typed.Equals("WhatIf:$false", StringComparison.OrdinalIgnoreCase) ? "$false" : null;
                    continue;
                }

                // -Confirm:$false is kept for a command that asks without it (ConfirmImpact High).
                if (!fileCommand && typed.Equals("Confirm:$false", StringComparison.OrdinalIgnoreCase) && HighImpactCommands.Contains(command))
                {
                    named["Confirm"] = "$false";
                    continue;
                }

                // -Confirm:$false and -WhatIf:$false ask for what the command does anyway (no prompt, a real change).
                if (!fileCommand && (typed.Equals("Confirm:$false", StringComparison.OrdinalIgnoreCase) || typed.Equals("WhatIf:$false", StringComparison.OrdinalIgnoreCase)) &&
                    parameters.Contains(typed[..colon], StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = ParameterName(command, parameters, (colon > 0 ? typed[..colon] : typed).TrimEnd(':'));
                // -Name is Get-ChildItem's switch, and New-Item's name of the item (a value).
                if (fileCommand && FileSwitches.Contains(name) && !(name == "Name" && command != "Get-ChildItem") || name == "Force" && colon > 0)
                {
                    // -Recurse:$false and the like: the switch's value after the colon.
                    if (colon < 0 || !typed[(colon + 1)..].Equals("$false", StringComparison.OrdinalIgnoreCase)) named[name] = null;
                    continue;
                }

                // A switch 5.1's metadata knows binds no value; -Switch:$false is the switch not given.
                if (!fileCommand && IsSwitchOf(command, name))
                {
                    if (colon < 0 || !typed[(colon + 1)..].Equals("$false", StringComparison.OrdinalIgnoreCase)) named[name] = null;
                    continue;
                }

                if (name is "Strict" or "Resolve" or "Parent" or "Leaf" or "Qualifier" or "NoQualifier" or "IsAbsolute" or "Completed" or "Force" or "PassThru" or "ValueOnly" or "Off" or "IncludeEqual" or "ExcludeDifferent" or "CaseSensitive" or "NoNewline" or "AsSecureString" or "AsPlainText" or "ListImported" or "All" or "Syntax" or "ShowCommandInfo" or "Global" or "DisableNameChecking" or "NoClobber" or "AsCustomObject" or "Verbose" or "Wait" or "NoNewWindow" or "LoadUserProfile" or "UseNewEnvironment" or "NoWait" or "WhatIf" or "Confirm" or "Quiet" or "TraceRoute" or "DiagnoseRouting" or "Wait" or "AsJob" or "IncludeAllSubFeature" or "IncludeManagementTools" or "Restart" or "Remove" or "ListAvailable" or "Refresh" or "NoPassword" or "Disabled" or "AccountNeverExpires" or "UserMayNotChangePassword" || ScheduledTaskSwitches.Contains(name) && ScheduledTaskCommandNames.Contains(command) || name is "ResetServerAddresses" or "Validate" || name == "List" && command is "Get-ExecutionPolicy" or "Get-EventLog" || name is "AsBaseObject" or "AsString" or "Oldest" or "Continuous" || command == "Resolve-DnsName" && name is "DnsOnly" or "CacheOnly" or "DnssecOk" or "DnssecCd" or "NoHostsFile" or "LlmnrNetbiosOnly" or "LlmnrFallback" or "LlmnrOnly" or "NetbiosFallback" or "NoIdn" or "NoRecursion" or "QuickTimeout" or "TcpOnly" ||
                    name == "PasswordNeverExpires" && command == "New-LocalUser" || command == "Get-Process" && name is "IncludeUserName" or "Module" or "FileVersionInfo" || command == "Get-Member" && name == "Static" ||
                    command == "Get-Service" && name is "DependentServices" or "DS" or "RequiredServices" or "SDO" or "ServicesDependedOn" ||
                    OptionalFeatureCommandNames.Contains(command) && name is "Online" or "NoRestart" or "LimitAccess" ||
                    NetAdapterBindingCommandNames.Contains(command) && name is "AllBindings" or "IncludeHidden" ||
                    command == "Add-Computer" && name is "Unsecure" ||
                    command == "Set-DnsClient" && name is "ResetConnectionSpecificSuffix" ||
                    DefenderCommandNames.Contains(command) && name is "AsJob" or "Force" ||
                    SmbConfigurationCommandNames.Contains(command) && name is "AsJob" or "Force" ||
                    SmbSessionCommandNames.Contains(command) && name is "AsJob" or "IncludeHidden" ||
                    command == "Optimize-Volume" && name is "Analyze" or "Defrag" or "ReTrim" or "SlabConsolidate" or "TierOptimize" or "NormalPriority" ||
                    WebCommandNames.Contains(command) && name is "UseBasicParsing" or "UseDefaultCredentials" or "DisableKeepAlive" or "ProxyUseDefaultCredentials" or "PassThru" ||
                    command.EndsWith("-WSManInstance", StringComparison.Ordinal) && name is "Enumerate" or "UseSSL" or "Shallow" or "BasePropertiesOnly" or "Associations")
                {
                    named[name] = null;
                    continue;
                }

                // -Name:value: the value is the rest of the word (-Name: value takes the next word, as without the colon).
                if (colon > 0 && colon + 1 < typed.Length)
                {
                    named[name] = typed[(colon + 1)..];
                    continue;
                }

                if (i + 1 >= words.Count || IsParameterToken(words[i + 1])) throw new StatementTerminatedException(MissingArgument(command, name, ValueParameterType));
                named[name] = words[++i];
                continue;
            }

            positional.Add(word);
        }

        var order = PositionalOrder(command);
        // Write-Host's Object takes the remaining arguments (ValueFromRemainingArguments): several words are one array.
        // So does Read-Host's Prompt.
        if (command is "Write-Host" or "Read-Host" && positional.Count > 1) positional = [string.Join(", ", positional)];
        var next = 0;
        foreach (var word in positional)
        {
            while (next < order.Length && named.ContainsKey(order[next])) next++;
            if (next >= order.Length) throw new StatementTerminatedException(ParameterError(command, $"A positional parameter cannot be found that accepts argument '{ArgumentDisplay(word)}'.", "PositionalParameterNotFound"));
            named[order[next++]] = word;
        }

        return new StageArguments(named, []);
    }

    /// <summary>The parameters a value command's positional arguments bind to, in order (a test holds them against 5.1's metadata).</summary>
    internal static string[] PositionalOrder(string command) =>
        command switch
        {
            "New-Object" => ["TypeName", "ArgumentList"],
            "Join-Path" => ["Path", "ChildPath"],
            "Split-Path" => ["Path"],
            "Write-Progress" => ["Activity", "Status", "Id"],
            "Add-Member" => ["MemberType", "Name", "Value", "SecondValue"],
            "Get-Random" => ["Maximum"],
            "Get-Member" => ["Name"],
            "Invoke-Expression" => ["Command"],
            "Measure-Command" => ["Expression"],
            "Set-Alias" or "New-Alias" => ["Name", "Value"],
            "Get-Alias" => ["Name"],
            "Add-Type" => ["TypeDefinition"],
            "Get-Command" => ["Name", "ArgumentList"],
            "Get-PSDrive" => ["Name"],
            "Get-PSProvider" => ["PSProvider"],
            "Get-Verb" => ["Verb"],
            "Import-Module" or "Get-Module" or "Remove-Module" or "Get-PSSessionConfiguration" => ["Name"],
            "Get-LocalGroupMember" or "Add-LocalGroupMember" or "Remove-LocalGroupMember" => ["Name", "Member"],
            _ when LocalAccountCommandNames.Contains(command) => ["Name"],
            "Get-NetFirewallRule" or "Get-NetFirewallPortFilter" or "New-NetFirewallRule" => [],
            "Get-NetFirewallProfile" or "Set-NetFirewallProfile" => ["Name"],
            _ when SmbConfigurationCommandNames.Contains(command) => [],
            "Get-SmbSession" => ["SessionId"],
            "Get-SmbOpenFile" => ["FileId", "SessionId", "ClientComputerName", "ClientUserName", "ScopeName", "ClusterNodeName"],
            "Get-SmbConnection" => ["ServerName", "UserName"],
            "Get-SmbMapping" => ["LocalPath", "RemotePath"],
            "Get-Volume" or "Optimize-Volume" => ["DriveLetter"],
            "Get-Disk" => ["Number"],
            "Get-PhysicalDisk" => ["FriendlyName", "SerialNumber"],
            "Get-Partition" => ["DiskNumber", "PartitionNumber"],
            "Get-NetTCPConnection" => ["LocalAddress", "LocalPort"],
            "Get-NetRoute" => [],
            "Get-NetIPInterface" => ["InterfaceAlias"],
            "Invoke-WebRequest" or "Invoke-RestMethod" => ["Uri"],
            "ConvertFrom-StringData" => ["StringData"],
            _ when NetAdapterBindingCommandNames.Contains(command) => ["Name"],
            "Get-Counter" => ["Counter"],
            "Get-EventLog" => ["LogName", "InstanceId"],
            "Write-EventLog" => ["LogName", "Source", "EventId", "EntryType", "Message"],
            "New-EventLog" => ["LogName", "Source", "ComputerName"],
            "Remove-EventLog" or "Clear-EventLog" => ["LogName", "ComputerName"],
            "Limit-EventLog" => ["LogName"],
            "Get-WinEvent" => ["LogName"],
            "Get-ExecutionPolicy" => ["Scope"],
            "Set-ExecutionPolicy" => ["ExecutionPolicy", "Scope"],
            "Resolve-DnsName" => ["Name", "Type"],
            "Get-DnsClientServerAddress" or "Set-DnsClientServerAddress" => ["InterfaceAlias"],
            "Get-DnsClientCache" => ["Entry"],
            "Clear-DnsClientCache" => [],
            "Get-DnsClient" or "Set-DnsClient" => ["InterfaceAlias"],
            "Get-DnsClientGlobalSetting" or "Set-DnsClientGlobalSetting" => [],
            "New-ScheduledTaskAction" => ["Execute", "Argument", "WorkingDirectory"],
            "Register-ScheduledTask" => ["TaskName", "TaskPath", "Action", "Trigger", "Settings"],
            "New-ScheduledTaskTrigger" or "New-ScheduledTaskPrincipal" or "New-ScheduledTaskSettingsSet" => [],
            _ when ScheduledTaskCommandNames.Contains(command) => ["TaskName", "TaskPath"],
            "New-SmbShare" => ["Name", "Path"],
            "New-SelfSignedCertificate" => [],
            "Export-Certificate" => ["Cert", "FilePath"],
            "Import-Certificate" => ["FilePath"],
            // -AccountName and -AccessRight are named: a real Server 2019's module places -ScopeName second.
            "Grant-SmbShareAccess" or "Revoke-SmbShareAccess" or "Block-SmbShareAccess" or "Unblock-SmbShareAccess" => ["Name", "ScopeName"],
            _ when SmbShareCommandNames.Contains(command) => ["Name"],
            _ when FirewallCommandNames.Contains(command) => ["Name"],
            "Out-Null" => [],
            "Get-Variable" or "Remove-Variable" or "Clear-Variable" => ["Name"],
            "Get-History" or "Clear-History" => ["Id", "Count"],
            "Invoke-History" => ["Id"],
            "Set-Variable" or "New-Variable" => ["Name", "Value"],
            "Write-Error" => ["Message"],
            "Set-StrictMode" or "Set-PSDebug" => [],
            "Compare-Object" => ["ReferenceObject", "DifferenceObject"],
            "Get-Date" => ["Date"],
            "Write-Host" => ["Object"],
            "Write-Warning" => ["Message"],
            "Start-Process" => ["FilePath", "ArgumentList"],
            "Get-Process" => ["Name"],
            "Stop-Process" => ["Id"],
            "Wait-Process" => ["Name", "Timeout"],
            "Test-Connection" => ["ComputerName", "Source"],
            "Get-CimInstance" => ["ClassName"],
            "Get-CimClass" => ["ClassName", "Namespace"],
            "New-CimSession" => ["ComputerName", "Credential"],
            "Get-CimSession" => ["ComputerName"],
            "Remove-CimSession" => ["CimSession"],
            "Get-WmiObject" => ["Class", "Property"],
            "Invoke-CimMethod" => ["ClassName", "Arguments", "MethodName"],
            "Select-Xml" => ["XPath", "Xml"],
            "Invoke-WmiMethod" => ["Class", "Name"],
            "Test-WSMan" => ["ComputerName"],
            "Get-WSManInstance" or "New-WSManInstance" or "Set-WSManInstance" or "Remove-WSManInstance" => ["ResourceURI"],
            "Restart-Computer" => ["ComputerName", "Credential"],
            "Get-WindowsFeature" or "Install-WindowsFeature" or "Uninstall-WindowsFeature" => ["Name"],
            _ when OptionalFeatureCommandNames.Contains(command) => [],
            // -Port is named: a second word is -CommonTCPPort's, so "Test-NetConnection host 443" fails its ValidateSet.
            "Test-NetConnection" => ["ComputerName", "CommonTCPPort"],
            "Get-Service" or "Start-Service" or "Stop-Service" or "Restart-Service" or "Set-Service" or "Suspend-Service" or "Resume-Service" => ["Name"],
            "New-Service" => ["Name", "BinaryPathName"],
            "Rename-Computer" => ["NewName"],
            "Add-Computer" => ["DomainName"],
            "Set-TimeZone" => ["Name"],
            // Every parameter of theirs is named (a real Server 2019's module).
            _ when NetConnectionProfileCommandNames.Contains(command) => [],
            "Read-Host" => ["Prompt"],
            "Get-Credential" => ["Credential"],
            "ConvertTo-SecureString" => ["String"],
            "ConvertFrom-SecureString" => ["SecureString"],
            "Set-Content" or "Add-Content" => ["Path", "Value"],
            "Get-ItemProperty" or "Get-ItemPropertyValue" or "Remove-ItemProperty" or "New-ItemProperty" => ["Path", "Name"],
            "Set-ItemProperty" => ["Path", "Name", "Value"],
            "Rename-ItemProperty" => ["Path", "Name", "NewName"],
            "Out-File" => ["FilePath", "Encoding"],
            "Get-ChildItem" => ["Path", "Filter"],
            "Copy-Item" or "Move-Item" => ["Path", "Destination"],
            "Rename-Item" => ["Path", "NewName"],
            "Export-Csv" or "Import-Csv" => ["Path", "Delimiter"],
            "Export-Clixml" or "Import-Clixml" => ["Path"],
            "Select-String" => ["Pattern", "Path"],
            "Set-Item" => ["Path", "Value"],
            "Expand-Archive" or "Compress-Archive" => ["Path", "DestinationPath"],
            "Unblock-File" => ["Path"],
            "Clear-Content" => ["Path"],
            "New-TemporaryFile" or "Stop-Transcript" => [],
            "Start-Transcript" => ["Path"],
            "Test-Path" or "Get-Content" or "New-Item" or "Remove-Item" or "Get-Item" or "Get-FileHash" or "Set-Location" or "Push-Location" or "Resolve-Path" or "Convert-Path" => ["Path"],
            "Pop-Location" => [],
            "Get-Acl" => ["Path"],
            "Set-Acl" => ["Path", "AclObject"],
            _ => ["Start", "End"],
        };

    // An argument as PowerShell names it in a binding error: a quoted literal's text (a double-quoted one without
    // expansions), else the word as written.
    private static string ArgumentDisplay(string word) =>
        Statements.SingleQuotedLiteral(word) ??
        (word is ['"', .. var inner, '"'] && inner.AsSpan().IndexOfAny("\"`$") < 0 ? new string(inner) : word);

    private static string ValueParameterType(string name) => name switch
    {
        "TypeName" or "ComObject" or "ChildPath" or "Activity" or "Status" or "CurrentOperation" or "Command" or "Name" or "NotePropertyName" or
            "Message" or "Title" or "UserName" => "System.String",
        "InputObject" or "Value" or "SecondValue" or "NotePropertyValue" or "Maximum" or "Minimum" or "Prompt" or "Object" => "System.Object",
        "MemberType" => "System.Management.Automation.PSMemberTypes",
        "NotePropertyMembers" => "System.Collections.IDictionary",
        "ArgumentList" => "System.Object[]",
        "Property" => "System.Collections.IDictionary",
        "Path" or "LiteralPath" => "System.String[]",
        "Start" or "End" or "Date" => "System.DateTime",
        "Year" or "Month" or "Day" or "Hour" or "Minute" or "Second" or "Millisecond" => "System.Int32",
        "Format" or "UFormat" => "System.String",
        "DisplayHint" => "Microsoft.PowerShell.Commands.DisplayHintType",
        "Credential" => "System.Management.Automation.PSCredential",
        _ => "System.Int32",
    };

    // A word's values: its items when it is a list written with commas (1,2,3 in command mode), else its value's items.
    private async ValueTask<List<PsValue>> ArgumentValuesAsync(string word, IPipelineHost? to, int blockNesting)
    {
        if (ScriptExpressions.ArrayElements(word) is { } elements)
        {
            var values = new List<PsValue>(elements.Count);
            foreach (var element in elements) values.Add(await ArgumentAsync(element, to, blockNesting));
            return values;
        }

        return [.. ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting))];
    }

    /// <summary>
    /// A mandatory string[] parameter's values, checked as PowerShell's binder checks one (ValidateNullOrEmptyArgument):
    /// $null, an empty array, or an item that is $null or an empty string is ParameterBindingValidationException, the
    /// statement's error (Split-Path $MyInvocation.MyCommand.Path in a remote script, where the path is $null).
    /// </summary>
    private async ValueTask<List<PsValue>> MandatoryValuesAsync(string command, string parameter, string word, IPipelineHost? to, int blockNesting)
    {
        List<PsValue> values;
        if (ScriptExpressions.ArrayElements(word) is null)
        {
            var value = await ArgumentAsync(word, to, blockNesting);
            values = ScriptExpressions.IsNull(value) ? [value] : [.. ScriptExpressions.Enumerate(value)];
            if (values.Count == 0) throw BindingValidation(command, parameter, "an empty array", "EmptyArray");
        }
        else
        {
            values = await ArgumentValuesAsync(word, to, blockNesting);
        }

        foreach (var value in values)
        {
            if (ScriptExpressions.IsNull(value)) throw BindingValidation(command, parameter, "null", "Null");
            if (PipelineVariables.Display(value).Length == 0) throw BindingValidation(command, parameter, "an empty string", "EmptyString");
        }

        return values;
    }

    private static StatementTerminatedException BindingValidation(string command, string parameter, string what, string kind) => new(new ScriptedError(
        $"Cannot bind argument to parameter '{parameter}' because it is {what}.", $"ParameterArgumentValidationError{kind}NotAllowed,{CmdletClass(command)}",
        ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException"));

    /// <summary>
    /// New-Object: PSObject (PSCustomObject, Object) with <c>-Property</c>'s entries as note properties, in the
    /// hashtable's order (Windows PowerShell's Hashtable has an order of its own: <c>[ordered]</c> there gives this
    /// one); ArrayList and Hashtable empty; another type the emulator knows from its one argument, as a cast.
    /// Another type is PowerShell's "Cannot find type" error; -ComObject is not emulated.
    /// </summary>
    private async ValueTask<PsValue> NewObjectAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["ComObject"] is { } progIdWord)
        {
            // Schedule.Service (RunContext.TaskScheduler); another COM class is a scenario error.
            return NewComObject(PipelineVariables.Display(await ArgumentAsync(progIdWord, to, blockNesting)));
        }

        if (arguments.Has("ComObject"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("New-Object -ComObject is not emulated: give the command a rule"));
        }

        if (arguments["TypeName"] is not { } typeWord)
        {
            throw new StatementTerminatedException(ParameterError("New-Object", "Cannot process command because of one or more missing mandatory parameters: TypeName.", "MissingMandatoryParameter"));
        }

        // New-Object Type('a', $b): PowerShell's parser ends the bare type name at the parenthesis, which starts the
        // arguments (an expression: the ArgumentList).
        List<PsValue>? called = null;
        if (arguments["ArgumentList"] is null && ConstructorCall().Match(typeWord) is { Success: true } call)
        {
            typeWord = call.Groups["type"].Value;
            // In parentheses the arguments are expressions ([IO.FileMode]::Open is the enum's value, not its text).
            called = await CallArgumentsAsync(call.Groups["arguments"].Value, to, blockNesting);
        }

        var typeName = PipelineVariables.Display(await ArgumentAsync(typeWord, to, blockNesting)).Trim();
        var constructorArguments = called ?? (arguments["ArgumentList"] is { } list ? await ArgumentValuesAsync(list, to, blockNesting) : []);
        // "[Type]" as well as "Type"; a generic's own brackets (List[string]) stay.
        if (typeName.StartsWith('[') && typeName.EndsWith(']')) typeName = typeName[1..^1].Trim();
        var type = ScriptExpressions.ResolveType(typeName);
        if (type is null && NewCryptoObject(typeName, constructorArguments) is { } crypto) return crypto;
        // New-Object of a class the session defined: its constructor of that many arguments.
        if (type is not null && ScriptTypes.Current?.Class(type.FullName) is { } scriptClass) return await NewClassObjectAsync(scriptClass, constructorArguments, to, blockNesting);
        PsObject? created = null;
        PsValue value;
        switch (type?.FullName)
        {
            case "System.Management.Automation.PSObject" or "System.Management.Automation.PSCustomObject" or "System.Object" when constructorArguments.Count == 0:
                value = created = PsObjects.CustomObject();
                break;
            case "System.Collections.ArrayList" when constructorArguments.Count == 0:
                value = created = PsObjects.List([], ScriptExpressions.ArrayListTypeNames);
                break;
            case XmlNodes.DocumentTypeName when constructorArguments.Count == 0:
                value = XmlNodes.NewDocument();
                break;
            case ScriptExpressions.UriTypeName when constructorArguments.Count is 1 or 2:
                value = NewObjectConstructed(() => ScriptExpressions.StaticMember(type!, "new", constructorArguments, time.GetUtcNow()));
                break;
            case ScriptExpressions.RegexTypeName when constructorArguments.Count is 1 or 2:
                value = NewObjectConstructed(() => ScriptExpressions.NewRegexOrError(constructorArguments));
                break;
            case SessionStateVariableEntryTypeName or SessionStateFunctionEntryTypeName when PowerShellApiStaticMember(type!.FullName, "new", constructorArguments) is { } entry:
                value = entry;
                break;
            case not null when type!.TypeArguments is not null:
                // New-Object 'System.Tuple[int,string]' 5, 'q': its constructor, as ::new.
                value = NewObjectConstructed(() => ScriptExpressions.StaticMember(type, "new", constructorArguments, time.GetUtcNow()));
                break;
            case ScriptExpressions.StringBuilderTypeName when ScriptExpressions.NewStringBuilder(constructorArguments) is { } builder:
                value = builder;
                break;
            case "System.Collections.Hashtable" when constructorArguments.Count == 0:
                value = created = PsObjects.Dictionary([]);
                break;
            case "System.Collections.Hashtable" when ScriptExpressions.NewHashtable(constructorArguments) is { } sized:
                value = created = sized;
                break;
            // A capacity, a collection of T or a comparer: .NET's overloads, as ::new takes them.
            case not null when constructorArguments.Count is 1 or 2 && (type!.IsGenericList || type.IsGenericDictionary || (type.ElementType is not null && type.QueueOrStack != PsCollectionKind.None)):
                value = created = (PsObject)NewObjectConstructed(() => ScriptExpressions.NewGenericCollection(type, constructorArguments, type.FullName[(type.FullName.LastIndexOf('.') + 1)..]));
                break;
            case ScriptExpressions.OrderedDictionaryTypeName when constructorArguments.Count == 0:
                value = created = PsObjects.Dictionary([], [ScriptExpressions.OrderedDictionaryTypeName, "System.Object"]);
                break;
            case ScriptExpressions.SortedListTypeName when constructorArguments.Count == 0:
                value = created = ScriptExpressions.NewSortedList([]);
                break;
            case ScriptExpressions.SortedListTypeName when constructorArguments is [PsObject { CollectionKind: PsCollectionKind.Dictionary } source]:
                value = created = (PsObject)NewObjectConstructed(() => ScriptExpressions.NewSortedList(source.Entries));
                break;
            case "System.Collections.Generic.List`1" or ScriptExpressions.HashSetTypeName or ScriptExpressions.SortedSetTypeName when constructorArguments.Count == 0:
                value = created = PsObjects.List([], type!.ObjectTypeNames);
                break;
            case not null when type!.QueueOrStack != PsCollectionKind.None && constructorArguments.Count == 0:
                value = created = type.NewQueueOrStack();
                break;
            case not null when type!.IsGenericDictionary && constructorArguments.Count == 0:
                value = created = type.NewDictionary();
                break;
            case { } hashType when constructorArguments.Count == 0 && NewHashAlgorithm(hashType) is { } algorithm:
                value = algorithm;
                break;
            case { } encodingType when ScriptExpressions.NewEncoding(encodingType, constructorArguments) is { } encoding:
                value = encoding;
                break;
            case ScriptExpressions.PSCredentialTypeName when constructorArguments.Count == 2:
                value = NewCredential(constructorArguments[0], constructorArguments[1]);
                break;
            case ScriptExpressions.NetworkCredentialTypeName when constructorArguments.Count is 0 or 2 or 3:
                value = NewNetworkCredential(constructorArguments);
                break;
            case ScriptExpressions.WindowsPrincipalTypeName when constructorArguments.Count == 1:
                value = ScriptExpressions.WindowsPrincipal(constructorArguments[0]);
                break;
            case ScriptExpressions.ChoiceDescriptionTypeName when constructorArguments.Count == 2:
                value = ScriptExpressions.ChoiceDescription(PipelineVariables.Display(constructorArguments[0]), PipelineVariables.Display(constructorArguments[1]));
                break;
            case ScriptExpressions.ErrorRecordTypeName when constructorArguments.Count == 4:
                value = NewObjectConstructed(() => NewErrorRecord(constructorArguments));
                break;
            case FileInfoTypeName or DirectoryInfoTypeName when constructorArguments.Count == 1:
                value = NewFileSystemInfo(constructorArguments[0], directory: type!.FullName == DirectoryInfoTypeName);
                break;
            case FileSystemAccessRuleTypeName when NewAccessRule(constructorArguments) is { } rule:
                value = rule;
                break;
            case SecurityIdentifierTypeName when constructorArguments.Count is 1 or 2:
                value = NewObjectConstructed(() => NewSecurityIdentifier(constructorArguments));
                break;
            case NTAccountTypeName when constructorArguments.Count is 1 or 2:
                value = NTAccountObject(string.Join('\\', constructorArguments.Select(PipelineVariables.Display)));
                break;
            case ScriptExpressions.CultureInfoTypeName when constructorArguments.Count == 1:
                value = ScriptExpressions.CultureNamed(constructorArguments[0]);
                break;
            case ScriptExpressions.StopwatchTypeName when constructorArguments.Count == 0:
                value = NewStopwatch(running: false);
                break;
            case ScriptExpressions.FileStreamTypeName when constructorArguments.Count is >= 2 and <= 4:
                value = NewFileStream(constructorArguments);
                break;
            case StreamReaderTypeName or StreamWriterTypeName when constructorArguments.Count is >= 1 and <= 3:
                value = NewObjectConstructed(() => FileSystemStaticMember(type!.FullName, "new", constructorArguments) ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Object {type!.FullName} of a stream is not emulated: give the command a rule (match: its whole text)")));
                break;
            case WebClientTypeName when constructorArguments.Count == 0:
                value = NewWebClient();
                break;
            case PingTypeName when constructorArguments.Count == 0:
                value = NewPing();
                break;
            case TcpClientTypeName when constructorArguments.Count is 0 or 2:
                value = NewObjectConstructed(() => NewTcpClient(constructorArguments));
                break;
            case EventLogTypeName:
                // An EventLog instance (its Source, its WriteEntry) is not emulated: the class's static members are.
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Object {typeName}: an EventLog instance is not emulated (the class's static members are: [System.Diagnostics.EventLog]::SourceExists, CreateEventSource, WriteEntry...); give the command a rule"));
            case not null when type!.IsArray && !type.IsGenericList && constructorArguments.Count == 1 && ScriptExpressions.AsNumber(constructorArguments[0]) is { } length:
                // New-Object byte[] 1024: the argument is the array's length (its elements the type's default).
                value = ScriptExpressions.NewArray(type, length);
                break;
            case "System.TimeSpan" when constructorArguments.Count is 3 or 4 or 5:
            case "System.DateTime" when constructorArguments.Count is 3 or 6:
                // New-Object TimeSpan 0,5,0 / New-Object DateTime 2024,1,2: the type's constructor of those numbers.
                value = NewObjectConstructed(() => ScriptExpressions.StaticMember(type!, "new", constructorArguments, time.GetUtcNow()));
                break;
            case not null when type!.IsException && constructorArguments.Count is 0 or 2:
                // New-Object ArgumentException 'message', 'param' / New-Object Exception 'outer', $inner.
                value = NewObjectConstructed(() => ScriptExpressions.StaticMember(type!, "new", constructorArguments, time.GetUtcNow()));
                break;
            case { } known when constructorArguments.Count == 1 && known is not ("System.Math" or "System.Environment" or "System.Void" or "System.Array"):
                value = ScriptExpressions.Cast(constructorArguments[0], type!);
                break;
            case { } known:
                throw new ScriptExpressionException(new ScriptedError(
                    $"A constructor was not found. Cannot find an appropriate constructor for type {known}.", "CannotFindAppropriateCtor,Microsoft.PowerShell.Commands.NewObjectCommand",
                    ErrorCategory.ObjectNotFound, "System.Management.Automation.PSArgumentException"));
            default:
                throw new ScriptExpressionException(ScriptExpressions.IsDotNetTypeName(typeName)
                    ? ScriptedError.ScenarioFault($"New-Object {typeName}: a .NET type the emulator does not emulate; give the command a rule (match: its whole text)")
                    : new ScriptedError(
                        $"Cannot find type [{typeName}]: verify that the assembly containing this type is loaded.", "TypeNotFound,Microsoft.PowerShell.Commands.NewObjectCommand",
                        ErrorCategory.InvalidType, "System.Management.Automation.PSArgumentException", typeName));
        }

        if (arguments["Property"] is { } propertyWord)
        {
            if (await ArgumentAsync(propertyWord, to, blockNesting) is not PsObject { CollectionKind: PsCollectionKind.Dictionary } table)
            {
                throw new StatementTerminatedException(ParameterError("New-Object", $"Cannot bind parameter 'Property'. Cannot convert the \"{propertyWord}\" value to type \"System.Collections.IDictionary\".", "CannotConvertArgumentNoMessage"));
            }

            if (created is null || created.CollectionKind != PsCollectionKind.None)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Object -Property sets properties of a PSObject only in the emulator (not of {type!.FullName})"));
            }

            foreach (var (key, entry) in table.Entries) created.With(PipelineVariables.Display(key), entry);
        }

        return value;
    }

    /// <summary>
    /// Write-Progress: a PROGRESS_RECORD (Status "Processing" when not given, as 5.1's; PercentComplete within -1..100
    /// and the ids as its parameter validation has them).
    /// </summary>
    private async ValueTask<ProgressRecordMessage> ProgressRecordAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["Activity"] is not { } activityWord)
        {
            throw new StatementTerminatedException(ParameterError("Write-Progress", "Cannot process command because of one or more missing mandatory parameters: Activity.", "MissingMandatoryParameter"));
        }

        async ValueTask<string?> TextOf(string name) => arguments[name] is { } word ? PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)) : null;
        async ValueTask<int> NumberOf(string name, int fallback, int min, int max)
        {
            if (arguments[name] is not { } word) return fallback;
            var number = (int)((PsPrimitive)ScriptExpressions.Cast(await ArgumentAsync(word, to, blockNesting), ScriptExpressions.ResolveType("int")!)).Value!;
            if (number < min || number > max)
            {
                throw new StatementTerminatedException(ParameterError("Write-Progress",
                    $"Cannot validate argument on parameter '{name}'. The {number} argument is {(number < min ? "less than the minimum" : "greater than the maximum")} allowed range of {(number < min ? min : max)}. Supply an argument that is {(number < min ? "greater than or equal to" : "less than or equal to")} {(number < min ? min : max)} and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            return number;
        }

        var activity = await TextOf("Activity") ?? string.Empty;
        if (activity.Length == 0)
        {
            throw new StatementTerminatedException(ParameterError("Write-Progress", "Cannot bind argument to parameter 'Activity' because it is an empty string.", "ParameterArgumentValidationErrorEmptyStringNotAllowed"));
        }

        var status = await TextOf("Status") is { Length: > 0 } given ? given : "Processing";
        var id = await NumberOf("Id", 0, 0, int.MaxValue);
        var percent = await NumberOf("PercentComplete", -1, -1, 100);
        var seconds = await NumberOf("SecondsRemaining", -1, int.MinValue, int.MaxValue);
        var parent = await NumberOf("ParentId", -1, -1, int.MaxValue);
        var operation = await TextOf("CurrentOperation");
        var sourceId = arguments["SourceId"] is { } sourceWord
            ? (long)((PsPrimitive)ScriptExpressions.Cast(await ArgumentAsync(sourceWord, to, blockNesting), ScriptExpressions.ResolveType("long")!)).Value!
            : 0;
        return new ProgressRecordMessage(activity, id, status, operation, parent, percent,
            arguments.Has("Completed") ? ProgressRecordType.Completed : ProgressRecordType.Processing, seconds) { SourceId = sourceId };
    }

    // The separators Windows' FileSystem provider takes; it writes backslashes.
    private static readonly char[] PathSeparators = ['\\', '/'];

    /// <summary>Join-Path: each path joined to the child with one backslash between them (slashes become backslashes).</summary>
    private async ValueTask<PsValue> JoinPathAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        CheckNoResolve("Join-Path", arguments);
        if (arguments["Path"] is not { } pathWord || arguments["ChildPath"] is not { } childWord)
        {
            throw new StatementTerminatedException(ParameterError("Join-Path", $"Cannot process command because of one or more missing mandatory parameters: {(arguments.Has("Path") ? "ChildPath" : "Path")}.", "MissingMandatoryParameter"));
        }

        var child = PipelineVariables.Display(await ArgumentAsync(childWord, to, blockNesting)).Replace('/', '\\');
        var joined = new List<PsValue>();
        foreach (var path in await MandatoryValuesAsync("Join-Path", "Path", pathWord, to, blockNesting))
        {
            var parent = PipelineVariables.Display(path).Replace('/', '\\');
            CheckDrive("Join-Path", parent);
            joined.Add(PsPrimitive.String(parent.Length == 0 ? child.TrimStart('\\')
                : child.Length == 0 ? parent
                : parent.TrimEnd('\\') + "\\" + child.TrimStart('\\')));
        }

        return joined.Count == 1 ? joined[0] : PsObjects.List(joined, ["System.String[]", "System.Array", "System.Object"]);
    }

    /// <summary>
    /// Split-Path: the parent (the default: <c>C:\a\b</c> gives <c>C:\a</c>, <c>C:\a</c> gives <c>C:\</c>, a drive root
    /// nothing), <c>-Leaf</c>, <c>-Qualifier</c> (<c>C:</c>), <c>-NoQualifier</c>, <c>-IsAbsolute</c>.
    /// </summary>
    private async ValueTask<PsValue> SplitPathAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        CheckNoResolve("Split-Path", arguments);
        if ((arguments["Path"] ?? arguments["LiteralPath"]) is not { } pathWord)
        {
            throw new StatementTerminatedException(ParameterError("Split-Path", "Cannot process command because of one or more missing mandatory parameters: Path.", "MissingMandatoryParameter"));
        }

        var results = new List<PsValue>();
        foreach (var item in await MandatoryValuesAsync("Split-Path", arguments["Path"] is null ? "LiteralPath" : "Path", pathWord, to, blockNesting))
        {
            var path = PipelineVariables.Display(item).Replace('/', '\\');
            var colon = path.IndexOf(':', StringComparison.Ordinal);
            var qualifier = colon > 0 && path.IndexOfAny(PathSeparators) is var slash && (slash < 0 || slash > colon) ? path[..(colon + 1)] : string.Empty;
            if (arguments.Has("IsAbsolute"))
            {
                results.Add(PsPrimitive.Boolean(qualifier.Length > 0 || path.StartsWith(@"\\", StringComparison.Ordinal)));
                continue;
            }

            if (arguments.Has("Qualifier"))
            {
                if (qualifier.Length == 0)
                {
                    throw new CmdletErrorException(new ScriptedError($"Cannot parse path because path '{path}' does not contain a qualifier.", "ParsePathFailed,Microsoft.PowerShell.Commands.SplitPathCommand",
                        ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException", path));
                }

                results.Add(PsPrimitive.String(qualifier));
                continue;
            }

            if (arguments.Has("NoQualifier"))
            {
                results.Add(PsPrimitive.String(path[qualifier.Length..]));
                continue;
            }

            var rest = path[qualifier.Length..];
            var trimmed = rest.Length > 1 ? rest.TrimEnd('\\') : rest;
            var last = trimmed.LastIndexOf('\\');
            if (arguments.Has("Leaf"))
            {
                results.Add(PsPrimitive.String(trimmed[(last + 1)..]));
                continue;
            }

            // The parent: empty for a drive's root or a bare name, the root for an item at the root.
            results.Add(PsPrimitive.String(trimmed is "" or "\\" ? string.Empty
                : last < 0 ? qualifier
                : last == 0 ? qualifier + "\\"
                : qualifier + trimmed[..last]));
        }

        return results.Count == 1 ? results[0] : PsObjects.List(results, ["System.String[]", "System.Array", "System.Object"]);
    }

    // -Credential is the FileSystem provider's refusal on Windows too, not emulated here.
    private static void CheckNoResolve(string command, StageArguments arguments)
    {
        if (arguments.Has("Credential"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -Credential is not emulated: give the command a rule"));
        }
    }

    /// <summary>
    /// Join-Path / Split-Path -Resolve: each path the text names on the computer's disk (wildcards expanded); a path
    /// naming none is the cmdlet's PathNotFound.
    /// </summary>
    private PsValue Resolved(string command, StageArguments arguments, PsValue value)
    {
        if (!arguments.Has("Resolve")) return value;
        var disk = Disk(command + " -Resolve");
        var resolved = new List<PsValue>();
        foreach (var item in ScriptExpressions.Enumerate(value))
        {
            var path = PipelineVariables.Display(item);
            var found = ExpandPath(disk, command, path, literal: false, out var error).Where(p => disk.Get(p) is not null).ToList();
            if (error is not null) throw new CmdletErrorException(error);
            if (found.Count == 0) throw new CmdletErrorException(PathNotFound(command, VirtualFileSystem.FullPath(path, CurrentDirectory, out _) ?? path));
            resolved.AddRange(found.Select(p => (PsValue)PsPrimitive.String(p)));
        }

        return resolved.Count == 1 ? resolved[0] : PsObjects.List(resolved, ["System.String[]", "System.Array", "System.Object"]);
    }

    // Windows PowerShell's drives on a server (Get-PSDrive's); a path on another drive is its DriveNotFound error. Made
    // at first use: SessionDrives is another file's static field, whose initializer may run after this file's.
    private static HashSet<string>? _drives;

    private static HashSet<string> Drives => _drives ??= new(SessionDrives.Select(d => d.Name), StringComparer.OrdinalIgnoreCase);

    private static void CheckDrive(string command, string path)
    {
        var colon = path.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || path.IndexOfAny(PathSeparators) is var slash && slash >= 0 && slash < colon) return;
        var drive = path[..colon];
        if (drive.Contains("::", StringComparison.Ordinal) || Drives.Contains(drive)) return;
        throw new CmdletErrorException(new ScriptedError($"Cannot find drive. A drive with the name '{drive}' does not exist.",
            $"DriveNotFound,{CmdletClass(command)}", ErrorCategory.ObjectNotFound,
            "System.Management.Automation.DriveNotFoundException", drive));
    }

    // The .NET Framework 4.x assemblies a Windows Server 2019 has in its GAC that scripts load by name.
    private static readonly HashSet<string> FrameworkAssemblies = new(StringComparer.OrdinalIgnoreCase)
    {
        "mscorlib", "System", "System.Core", "System.Data", "System.Xml", "System.Xml.Linq", "System.Numerics", "System.Configuration",
        "System.IO.Compression", "System.IO.Compression.FileSystem", "System.Net.Http", "System.Web", "System.Web.Extensions",
        "System.Windows.Forms", "System.Drawing", "System.Security", "System.Management", "System.ServiceProcess",
        "System.DirectoryServices", "System.DirectoryServices.AccountManagement", "System.Runtime.Serialization", "System.Transactions",
        "Microsoft.VisualBasic", "PresentationFramework", "PresentationCore", "WindowsBase",
    };

    /// <summary>
    /// Add-Type -AssemblyName: loading one of the .NET Framework assemblies a server has does nothing the emulator needs
    /// (the types it emulates are there already); another name is PowerShell's ASSEMBLY_NOT_FOUND. Compiling C# in the
    /// session (-TypeDefinition, -MemberDefinition, -Path) is not emulated.
    /// </summary>
    private async ValueTask AddTypeAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["AssemblyName"] is not { } namesWord)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("Add-Type compiling code in the session (-TypeDefinition, -MemberDefinition, -Path) is not emulated: give the command a rule"));
        }

        foreach (var name in ScriptExpressions.Enumerate(await ArgumentAsync(namesWord, to, blockNesting)).Select(PipelineVariables.Display))
        {
            // A full name (System.Web, Version=4.0.0.0, ...) by its simple name.
            var simple = name.Split(',')[0].Trim();
            if (FrameworkAssemblies.Contains(simple))
            {
                SessionTypes().Load(simple);
                continue;
            }

            throw new CmdletErrorException(new ScriptedError($"Cannot add type. The assembly '{name}' could not be found.",
                "ASSEMBLY_NOT_FOUND,Microsoft.PowerShell.Commands.AddTypeCommand", ErrorCategory.ObjectNotFound, "System.Exception", name));
        }
    }

    /// <summary>
    /// Set-Alias and New-Alias: the alias kept in the session (as <c>alias:name</c>, what <c>$alias:name</c> and the
    /// command lookup read), in the script's scope or, with <c>-Scope Global</c>, the session's. New-Alias of a name
    /// that is an alias already is PowerShell's AliasAlreadyExists unless <c>-Force</c>.
    /// </summary>
    private async ValueTask SetAliasAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["Name"] is not { } nameWord || arguments["Value"] is not { } valueWord)
        {
            throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {(arguments["Name"] is null ? "Name" : "Value")}.", "MissingMandatoryParameter"));
        }

        var name = PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting));
        var target = PipelineVariables.Display(await ArgumentAsync(valueWord, to, blockNesting));
        var exists = scope.Variables.SessionAlias(name) is not null || WindowsCommands.Aliases.Any(a => a.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (command == "New-Alias" && exists && !arguments.Has("Force"))
        {
            throw new CmdletErrorException(new ScriptedError($"The alias is not allowed, because an alias with the name '{name}' already exists.",
                "AliasAlreadyExists,Microsoft.PowerShell.Commands.NewAliasCommand", ErrorCategory.ResourceExists, "System.Management.Automation.SessionStateException", name));
        }

        var global = arguments["Scope"] is { } scopeWord && PipelineVariables.Display(await ArgumentAsync(scopeWord, to, blockNesting)).Equals("Global", StringComparison.OrdinalIgnoreCase);
        if (global) scope.Variables.SetGlobal("alias:" + name, PsPrimitive.String(target));
        else scope.Variables.Set("alias:" + name, PsPrimitive.String(target));
    }

    /// <summary>
    /// Measure-Command { ... }: the block run in this scope (as 5.1 runs it: what it sets stays), its output dropped, its
    /// errors and messages written; the time it took on the session's clock (virtual time moves by its sleeps) as a
    /// TimeSpan.
    /// </summary>
    private async ValueTask<PsValue> MeasureCommandAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        // A block written there or held in a variable: ArgumentAsync gives both as a ScriptBlock.
        if (arguments["Expression"] is not { } word || await ArgumentAsync(word, to, blockNesting) is not PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string body })
        {
            throw new StatementTerminatedException(ParameterError("Measure-Command", "Cannot process command because of one or more missing mandatory parameters: Expression.", "MissingMandatoryParameter"));
        }

        var started = time.GetUtcNow();
        var discard = new OutputDroppingHost(to ?? host);
        try
        {
            await RunStatementAsync(body, discard, blockNesting + 1);
        }
        catch (ScriptReturnException)
        {
            // return leaves the block.
        }

        return PsPrimitive.Duration(time.GetUtcNow() - started);
    }

    // Drops a block's output objects (Measure-Command's); its errors and other records go on.
    private sealed class OutputDroppingHost(IPipelineHost inner) : ForwardingHost(inner)
    {
        public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken) =>
            record is PipelineOutput ? ValueTask.CompletedTask : Inner.WriteAsync(record, cancellationToken);
    }

    /// <summary>New-TimeSpan: End − Start (each the session's now when not given), or the -Days, -Hours, -Minutes, -Seconds given.</summary>
    private async ValueTask<PsValue> NewTimeSpanAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var byParts = arguments.Has("Days") || arguments.Has("Hours") || arguments.Has("Minutes") || arguments.Has("Seconds");
        if (byParts && (arguments.Has("Start") || arguments.Has("End")))
        {
            throw new StatementTerminatedException(ParameterError("New-TimeSpan", "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        }

        if (byParts)
        {
            async ValueTask<int> Part(string name) => arguments[name] is { } word ? await IntegerArgumentAsync(word, to, blockNesting, ("New-TimeSpan", name)) : 0;
            var days = await Part("Days");
            var hours = await Part("Hours");
            var minutes = await Part("Minutes");
            var seconds = await Part("Seconds");
            return PsPrimitive.Duration(new TimeSpan(days, hours, minutes, seconds));
        }

        // The arguments first, then the cmdlet's now (as PowerShell binds them before the cmdlet runs).
        async ValueTask<DateTimeOffset?> Date(string name) => arguments[name] is { } word ? await DateArgumentAsync(word, to, blockNesting, ("New-TimeSpan", name)) : null;
        var start = await Date("Start");
        var end = await Date("End");
        var now = time.GetUtcNow();
        return PsPrimitive.Duration((end ?? now) - (start ?? now));
    }

    /// <summary>
    /// Write-Host with its parameters (what the default rules do not answer: variables, expressions, several objects,
    /// -Separator), as WriteHostCommand: the objects' text (a collection's items joined by the separator, a space by
    /// default; $null nothing), in the colours given or the host's, as the PSHOST information record PowerShell 5 writes.
    /// </summary>
    /// <param name="input">An object from the pipeline, written instead of -Object (<c>Get-Content x | Write-Host</c>).</param>
    private async ValueTask<InformationRecordMessage> WriteHostRecordAsync(StageArguments arguments, IPipelineHost? to, int blockNesting, PsValue? input = null)
    {
        const string command = "Write-Host";
        var separator = arguments["Separator"] is { } separatorWord ? PipelineVariables.Display(await ArgumentAsync(separatorWord, to, blockNesting)) : " ";
        var text = new System.Text.StringBuilder();
        if (input is not null) Append(input, 0);
        else if (arguments["Object"] is { } objectWord) Append(await ArgumentAsync(objectWord, to, blockNesting), 0);
        var (hostForeground, hostBackground) = host.HostConsoleColors;
        var message = new HostInformationMessage(text.ToString(), arguments.Has("NoNewline"),
            await ColorAsync("ForegroundColor") ?? (ConsoleColor?)hostForeground, await ColorAsync("BackgroundColor") ?? (ConsoleColor?)hostBackground);
        return InformationStep.Record(this, message.ToPsValue(), HostInformationMessage.WriteHostSource, [HostInformationMessage.HostTag]);

        void Append(PsValue value, int depth)
        {
            if (value is PsNil) return;
            if (depth < 8 && value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable } list)
            {
                var first = true;
                foreach (var item in list.Items)
                {
                    if (!first) text.Append(separator);
                    first = false;
                    Append(item, depth + 1);
                }

                return;
            }

            text.Append(PipelineVariables.Display(value));
            if (text.Length > ScriptExpressions.MaxArithmeticLength) throw new ScenarioRuntimeException($"Write-Host's text is limited to {ScriptExpressions.MaxArithmeticLength} characters in the emulator");
        }

        async ValueTask<ConsoleColor?> ColorAsync(string parameter)
        {
            if (arguments[parameter] is not { } word) return null;
            var name = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
            return HostInformationMessage.ParseColor(name) ?? throw new StatementTerminatedException(ParameterError(command,
                $"Cannot bind parameter '{parameter}'. Cannot convert value \"{name}\" to type \"System.ConsoleColor\". Error: \"Unable to match the identifier name {name} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nBlack, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, Gray, DarkGray, Blue, Green, Cyan, Red, Magenta, Yellow, White\"",
                "CannotConvertArgumentNoMessage"));
        }
    }

    /// <summary>
    /// Get-Date with its parameters, as Windows PowerShell 5.1's GetDateCommand: <c>-Date</c> (first position; a string
    /// converted as PowerShell converts it, in the invariant culture) else the session's clock; <c>-Year</c> ...
    /// <c>-Millisecond</c> move that part (in their ranges); <c>-UFormat</c> or <c>-Format</c> (FileDate, FileDateTime
    /// and their Universal forms included) make text, in en-US; else the DateTime (of -Date's Kind, else Local) with
    /// its DisplayHint note (<c>-DisplayHint</c> Date, Time or DateTime, the default; <see cref="DateDisplayHints"/>).
    /// </summary>
    private async ValueTask<PsValue> GetDateAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string command = "Get-Date";
        // -Date keeps its Kind (GetDateCommand moves the given DateTime); the clock's date is Local.
        var given = arguments["Date"] is { } dateWord ? await DatePrimitiveArgumentAsync(dateWord, to, blockNesting, (command, "Date")) : null;
        var kind = given?.DateKind ?? DateTimeKind.Local;
        var date = given?.Value as DateTimeOffset? ?? (scope.Variables.Runspace.Time ?? time).GetUtcNow(); // the session's clock, as the Get-Date rule's
        var day = date.ToOffset(TimeSpan.Zero).DateTime;
        foreach (var (part, minimum, maximum) in new[] { ("Year", 1, 9999), ("Month", 1, 12), ("Day", 1, 31), ("Hour", 0, 23), ("Minute", 0, 59), ("Second", 0, 59), ("Millisecond", 0, 999) })
        {
            if (arguments[part] is not { } word) continue;
            var value = await IntegerArgumentAsync(word, to, blockNesting, (command, part));
            if (value < minimum || value > maximum)
            {
                var (side, bound, relation) = value < minimum ? ("less than the minimum", minimum, "greater than or equal to") : ("greater than the maximum", maximum, "less than or equal to");
                throw new StatementTerminatedException(ParameterError(command,
                    $"Cannot validate argument on parameter '{part}'. The {value} argument is {side} allowed range of {bound}. Supply an argument that is {relation} {bound} and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            // Each part moves the date by the difference, as GetDateCommand does (Day 31 of a short month rolls over).
            day = part switch
            {
                "Year" => day.AddYears(value - day.Year),
                "Month" => day.AddMonths(value - day.Month),
                "Day" => day.AddDays(value - day.Day),
                "Hour" => day.AddHours(value - day.Hour),
                "Minute" => day.AddMinutes(value - day.Minute),
                "Second" => day.AddSeconds(value - day.Second),
                _ => day.AddMilliseconds(value - day.Millisecond).AddTicks(-(day.Ticks % TimeSpan.TicksPerMillisecond)),
            };
        }

        var result = new DateTimeOffset(DateTime.SpecifyKind(day, DateTimeKind.Unspecified), TimeSpan.Zero);
        var hint = 2;
        if (arguments["DisplayHint"] is { } hintWord)
        {
            var name = PipelineVariables.Display(await ArgumentAsync(hintWord, to, blockNesting));
            hint = DateDisplayHints.Parse(name) ?? throw new StatementTerminatedException(ParameterError(command,
                $"Cannot bind parameter 'DisplayHint'. Cannot convert value \"{name}\" to type \"Microsoft.PowerShell.Commands.DisplayHintType\". Error: \"Unable to match the identifier name {name} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", DateDisplayHints.Names)}\"",
                "CannotConvertArgumentNoMessage"));
        }

        if (arguments["UFormat"] is { } uformatWord) return PsPrimitive.String(NowValueTemplate.UFormat(result, PipelineVariables.Display(await ArgumentAsync(uformatWord, to, blockNesting))));
        if (arguments["Format"] is { } formatWord)
        {
            var format = PipelineVariables.Display(await ArgumentAsync(formatWord, to, blockNesting));
            try
            {
                return PsPrimitive.String(NowValueTemplate.Format(result, format, kind));
            }
            catch (FormatException e)
            {
                throw new StatementTerminatedException(new ScriptedError(e.Message, $"System.FormatException,{CmdletClass(command)}", ErrorCategory.NotSpecified, "System.FormatException") { Activity = command });
            }
        }

        return DateDisplayHints.With(PsPrimitive.DateTime(result, kind), hint);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<type>[A-Za-z_][\w.]*(?:\[[\w.,\s\[\]]*\])?)\((?<arguments>.*)\)$", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ConstructorCall();
}
