using System.Collections.Frozen;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The members Windows PowerShell 5.1's types.ps1xml adds to the .NET types of <see cref="DotNetMembers"/>, as
/// Get-Member defines them (PSAliasProperty "Name = ServiceName", PSScriptProperty "System.Object CPU {get=...;}",
/// PSCodeProperty "System.String Mode{get=Mode;}" with the getter's return type, PSScriptMethod
/// "System.Object ToString();", PSPropertySet "PSConfiguration {Name, Id, ...}", a type's note "string
/// __NounName=Process"). Looked up by each of an object's type names in turn, after the object's own notes and before
/// the .NET adapter's members, which a name taken here hides. PSStandardMembers (hidden without -Force) is left out.
/// As 5.1's compiled type data (Types_Ps1Xml) has them: multi-line scripts with "\r\n" and their ten- or twelve-space
/// indentation, none of PowerShell 7's additions (ModeWithoutHardLink, ResolvedTarget, the hidden *String
/// properties), FileSystemInfo's Target the code property over InternalSymbolicLinkLinkCodeMethods.GetTarget, Guid's
/// Guid script property.
/// </summary>
internal static class ExtendedTypeMembers
{
    private const string TargetType =
        "System.Collections.Generic.IEnumerable`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]";

    // The classes whose CIM entries in the compiled type data are their WMI entries' members (checked one by one;
    // Win32_QuickFixEngineering's differ: no PSStatus, an InstalledOn script property).
    private static readonly string[] SameForCimInstances =
    [
        "Win32_BIOS", "Win32_ComputerSystem", "WIN32_PROCESSOR", "Win32_Group", "Win32_LogicalDisk", "Win32_NetworkAdapter", "Win32_NetworkAdapterConfiguration",
        "Win32_OperatingSystem", "Win32_Process", "Win32_Service", "Win32_UserAccount",
    ];

    // Win32_Process's aliases of Get-Process's names, WMI's and CIM's alike (the emulator's objects carry their values as notes).
    private static readonly DotNetMembers.Member[] Win32ProcessMembers =
    [
        Alias("ProcessName", "Name"), Alias("Handles", "Handlecount"), Alias("VM", "VirtualSize"), Alias("WS", "WorkingSetSize"), Script("Path", "$this.ExecutablePath"),
    ];

    private static readonly FrozenDictionary<string, DotNetMembers.Member[]> Table = new Dictionary<string, DotNetMembers.Member[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Array"] = [Alias("Count", "Length")],
        ["System.Collections.DictionaryEntry"] = [Alias("Name", "Key")],
        ["System.DateTime"] =
        [
            Script("DateTime", "if ((& { Set-StrictMode -Version 1; $this.DisplayHint }) -ieq  \"Date\")\r\n          {\r\n          \"{0}\" -f $this.ToLongDateString()\r\n          }\r\n" +
                "          elseif ((& { Set-StrictMode -Version 1; $this.DisplayHint }) -ieq \"Time\")\r\n          {\r\n          \"{0}\" -f  $this.ToLongTimeString()\r\n          }\r\n" +
                "          else\r\n          {\r\n          \"{0} {1}\" -f $this.ToLongDateString(), $this.ToLongTimeString()\r\n          }"),
        ],
        ["System.Guid"] = [Script("Guid", "$this.ToString()")],
        ["System.Net.IPAddress"] = [Script("IPAddressToString", "$this.Tostring()")],
        ["System.ServiceProcess.ServiceController"] =
        [
            Alias("Name", "ServiceName"), Alias("RequiredServices", "ServicesDependedOn"), new("ScriptMethod", "ToString", "System.Object ToString();"),
        ],
        ["System.Diagnostics.Process"] =
        [
            PropertySet("PSConfiguration", "Name", "Id", "PriorityClass", "FileVersion"),
            PropertySet("PSResources", "Name", "Id", "Handlecount", "WorkingSet", "NonPagedMemorySize", "PagedMemorySize", "PrivateMemorySize", "VirtualMemorySize", "Threads.Count", "TotalProcessorTime"),
            Alias("Name", "ProcessName"), Alias("SI", "SessionId"), Alias("Handles", "Handlecount"), Alias("VM", "VirtualMemorySize64"),
            Alias("WS", "WorkingSet64"), Alias("PM", "PagedMemorySize64"), Alias("NPM", "NonpagedSystemMemorySize64"),
            Script("Path", "$this.Mainmodule.FileName"),
            Script("Company", "$this.Mainmodule.FileVersionInfo.CompanyName"),
            Script("CPU", "$this.TotalProcessorTime.TotalSeconds"),
            Script("FileVersion", "$this.Mainmodule.FileVersionInfo.FileVersion"),
            Script("ProductVersion", "$this.Mainmodule.FileVersionInfo.ProductVersion"),
            Script("Description", "$this.Mainmodule.FileVersionInfo.FileDescription"),
            Script("Product", "$this.Mainmodule.FileVersionInfo.ProductName"),
            new("NoteProperty", "__NounName", "string __NounName=Process"),
        ],
        ["System.IO.DirectoryInfo"] =
        [
            Code("Mode", "System.String", "Mode"), Script("BaseName", "$this.Name"), Code("Target", TargetType, "GetTarget"), Code("LinkType", "System.String", "GetLinkType"),
        ],
        ["System.IO.FileInfo"] =
        [
            Code("Mode", "System.String", "Mode"),
            Script("VersionInfo", "[System.Diagnostics.FileVersionInfo]::GetVersionInfo($this.FullName)"),
            Script("BaseName", "if ($this.Extension.Length -gt 0){$this.Name.Remove($this.Name.Length - $this.Extension.Length)}else{$this.Name}"),
            Code("Target", TargetType, "GetTarget"), Code("LinkType", "System.String", "GetLinkType"),
        ],
        ["System.Diagnostics.FileVersionInfo"] =
        [
            Script("FileVersionRaw", "New-Object System.Version -ArgumentList @(\r\n            $this.FileMajorPart\r\n            $this.FileMinorPart\r\n            $this.FileBuildPart\r\n            $this.FilePrivatePart)"),
            Script("ProductVersionRaw", "New-Object System.Version -ArgumentList @(\r\n            $this.ProductMajorPart\r\n            $this.ProductMinorPart\r\n            $this.ProductBuildPart\r\n            $this.ProductPrivatePart)"),
        ],
        ["System.Diagnostics.EventLogEntry"] = [Script("EventID", "$this.get_EventID() -band 0xFFFF")],
        // WMI: the alias every ManagementObject has, and the property sets of the classes the emulator seeds (types.ps1xml
        // as PowerShell's compiled type data has them), which Format-List * and Select-Object * expand.
        ["System.Management.ManagementObject"] = [Alias("PSComputerName", "__SERVER")],
        [Wmi("Win32_BIOS")] = [PropertySet("PSStatus", "Status", "Name", "Caption", "SMBIOSPresent")],
        [Wmi("Win32_ComputerSystem")] =
        [
            PropertySet("PSStatus", "AdminPasswordStatus", "BootupState", "ChassisBootupState", "KeyboardPasswordStatus", "PowerOnPasswordStatus", "PowerSupplyState",
                "PowerState", "FrontPanelResetStatus", "ThermalState", "Status", "Name"),
            PropertySet("POWER", "Name", "PowerManagementCapabilities", "PowerManagementSupported", "PowerOnPasswordStatus", "PowerState", "PowerSupplyState"),
        ],
        [Wmi("WIN32_PROCESSOR")] =
        [
            PropertySet("PSStatus", "Availability", "CpuStatus", "CurrentVoltage", "DeviceID", "ErrorCleared", "ErrorDescription", "LastErrorCode", "LoadPercentage", "Status", "StatusInfo"),
            PropertySet("PSConfiguration", "AddressWidth", "DataWidth", "DeviceID", "ExtClock", "L2CacheSize", "L2CacheSpeed", "MaxClockSpeed", "PowerManagementSupported",
                "ProcessorType", "Revision", "SocketDesignation", "Version", "VoltageCaps"),
        ],
        [Wmi("Win32_Group")] = [PropertySet("PSStatus", "Status", "Name")],
        [Wmi("Win32_LogicalDisk")] = [PropertySet("PSStatus", "Status", "Availability", "DeviceID", "StatusInfo")],
        [Wmi("Win32_NetworkAdapter")] = [PropertySet("PSStatus", "Availability", "Name", "Status", "StatusInfo", "DeviceID")],
        [Wmi("Win32_NetworkAdapterConfiguration")] =
        [
            PropertySet("PSStatus", "DHCPLeaseExpires", "Index", "Description"),
            PropertySet("DHCP", "Description", "DHCPEnabled", "DHCPLeaseExpires", "DHCPLeaseObtained", "DHCPServer", "Index"),
            PropertySet("DNS", "Description", "DNSDomain", "DNSDomainSuffixSearchOrder", "DNSEnabledForWINSResolution", "DNSHostName", "DNSServerSearchOrder",
                "DomainDNSRegistrationEnabled", "FullDNSRegistrationEnabled", "Index"),
            PropertySet("IP", "Description", "Index", "IPAddress", "IPConnectionMetric", "IPEnabled", "IPFilterSecurityEnabled"),
            PropertySet("WINS", "Description", "Index", "WINSEnableLMHostsLookup", "WINSHostLookupFile", "WINSPrimaryServer", "WINSScopeID", "WINSSecondaryServer"),
        ],
        [Wmi("Win32_OperatingSystem")] =
        [
            PropertySet("PSStatus", "Status", "Name"), PropertySet("FREE", "FreePhysicalMemory", "FreeSpaceInPagingFiles", "FreeVirtualMemory", "Name"),
        ],
        [Wmi("Win32_QuickFixEngineering")] = [InstalledOn("psBase.properties", "           "), PropertySet("PSStatus", "__PATH", "Status")],
        [Wmi("Win32_Service")] =
        [
            PropertySet("PSStatus", "Name", "Status", "ExitCode"), PropertySet("PSConfiguration", "DesktopInteract", "ErrorControl", "Name", "PathName", "ServiceType", "StartMode"),
        ],
        [Wmi("Win32_UserAccount")] = [PropertySet("PSStatus", "Status", "Caption", "PasswordExpires")],
        [Wmi("Win32_Process")] = Win32ProcessMembers,
        // The CIM cmdlets' objects of the classes the emulator seeds whose sets the WMI objects have not (the
        // Microsoft.Management.Infrastructure.CimInstance#root/cimv2/... entries of the compiled type data; see WithCimInstances).
        [CimInstance("Win32_BaseBoard")] = [PropertySet("PSStatus", "Status", "Name", "PoweredOn")],
        [CimInstance("Win32_QuickFixEngineering")] = [InstalledOn("psBase.CimInstanceProperties", "          ")],
        [CimInstance("Win32_ComputerSystemProduct")] = [PropertySet("PSStatus", "Name", "Version")],
        [CimInstance("Win32_DiskDrive")] =
        [
            PropertySet("PSStatus", "ConfigManagerErrorCode", "LastErrorCode", "NeedsCleaning", "Status", "DeviceID", "StatusInfo", "Partitions"),
            PropertySet("PSConfiguration", "BytesPerSector", "ConfigManagerUserConfig", "DefaultBlockSize", "DeviceID", "Index", "InstallDate", "InterfaceType", "MaxBlockSize",
                "MaxMediaSize", "MinBlockSize", "NumberOfMediaSupported", "Partitions", "SectorsPerTrack", "Size", "TotalCylinders", "TotalHeads", "TotalSectors", "TotalTracks",
                "TracksPerCylinder"),
        ],
        [CimInstance("Win32_DiskPartition")] = [PropertySet("PSStatus", "Index", "Status", "StatusInfo", "Name")],
        [CimInstance("Win32_PageFileUsage")] = [PropertySet("PSStatus", "Status", "Name", "CurrentUsage")],
        [CimInstance("Win32_Product")] = [PropertySet("PSStatus", "Name", "Version", "InstallState")],
        [CimInstance("Win32_Share")] = [PropertySet("PSStatus", "Status", "Type", "Name")],
        [CimInstance("Win32_SystemEnclosure")] = [PropertySet("PSStatus", "Tag", "Status", "Name", "SecurityStatus")],
        ["System.Security.AccessControl.ObjectSecurity"] =
        [
            Code("Path", "System.String", "GetPath"), Code("Owner", "System.String", "GetOwner"), Code("Group", "System.String", "GetGroup"),
            Code("Access", "System.Security.AccessControl.AuthorizationRuleCollection", "GetAccess"), Code("Sddl", "System.String", "GetSddl"),
            Script("AccessToString", "$toString = \"\";\r\n          $first = $true;\r\n          if ( ! $this.Access ) { return \"\" }\r\n          foreach($ace in $this.Access)\r\n          {\r\n" +
                "          if($first)\r\n          {\r\n          $first = $false;\r\n          }\r\n          else\r\n          {\r\n          $tostring += \"`n\";\r\n          }\r\n" +
                "          $toString += $ace.IdentityReference.ToString();\r\n          $toString += \" \";\r\n          $toString += $ace.AccessControlType.ToString();\r\n" +
                "          $toString += \"  \";\r\n          if($ace -is [System.Security.AccessControl.FileSystemAccessRule])\r\n          {\r\n" +
                "          $toString += $ace.FileSystemRights.ToString();\r\n          }\r\n          elseif($ace -is  [System.Security.AccessControl.RegistryAccessRule])\r\n          {\r\n" +
                "          $toString += $ace.RegistryRights.ToString();\r\n          }\r\n          }\r\n          return $toString;"),
            Script("AuditToString", "$toString = \"\";\r\n          $first = $true;\r\n          if ( ! (& { Set-StrictMode -Version 1; $this.audit }) ) { return \"\" }\r\n" +
                "          foreach($ace in (& { Set-StrictMode -Version 1; $this.audit }))\r\n          {\r\n          if($first)\r\n          {\r\n          $first = $false;\r\n          }\r\n" +
                "          else\r\n          {\r\n          $tostring += \"`n\";\r\n          }\r\n          $toString += $ace.IdentityReference.ToString();\r\n          $toString += \" \";\r\n" +
                "          $toString += $ace.AuditFlags.ToString();\r\n          $toString += \"  \";\r\n          if($ace -is [System.Security.AccessControl.FileSystemAuditRule])\r\n          {\r\n" +
                "          $toString += $ace.FileSystemRights.ToString();\r\n          }\r\n          elseif($ace -is [System.Security.AccessControl.RegistryAuditRule])\r\n          {\r\n" +
                "          $toString += $ace.RegistryRights.ToString();\r\n          }\r\n          }\r\n          return $toString;"),
        ],
    }.WithCimInstances();

    private static FrozenDictionary<string, DotNetMembers.Member[]> WithCimInstances(this Dictionary<string, DotNetMembers.Member[]> table)
    {
        foreach (var className in SameForCimInstances) table[CimInstance(className)] = table[Wmi(className)];
        return table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public static IReadOnlyList<DotNetMembers.Member> Of(string typeName) => Table.TryGetValue(typeName, out var members) ? members : [];

    // The properties among them (alias, script, code and note properties; not methods or property sets), which the
    // serializer writes with the adapted ones (RemotingDepth).
    private static readonly FrozenDictionary<string, string[]> PropertyNameTable = Table.ToFrozenDictionary(
        e => e.Key, e => e.Value.Where(m => m.MemberType is "AliasProperty" or "ScriptProperty" or "CodeProperty" or "NoteProperty").Select(m => m.Name).ToArray(),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the properties the type data gives the type name, for <see cref="PsrpEmulator.Protocol.Clixml.RemotingDepth"/>.</summary>
    public static IReadOnlyList<string> PropertyNames(string typeName) => PropertyNameTable.TryGetValue(typeName, out var names) ? names : [];

    /// <summary>Whether the type data of any of the type names has a member of that name.</summary>
    public static bool Has(IEnumerable<string> typeNames, string name) =>
        typeNames.Any(t => Of(t).Any(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase)));

    private static string Wmi(string className) => @"System.Management.ManagementObject#root\cimv2\" + className;

    private static string CimInstance(string className) => "Microsoft.Management.Infrastructure.CimInstance#root/cimv2/" + className;

    // Win32_QuickFixEngineering's InstalledOn script property, as the compiled type data has it for WMI's objects
    // ($this.psBase.properties, its Parse line indented one more) and CIM's ($this.psBase.CimInstanceProperties).
    private static DotNetMembers.Member InstalledOn(string properties, string parseIndent) => Script("InstalledOn",
        "if ([environment]::osversion.version.build -ge 7000)\r\n          {\r\n          # WMI team fixed the formatting issue related to InstalledOn\r\n" +
        "          # property in Windows7 (to return string)..so returning the WMI's\r\n          # version directly\r\n" +
        $"{parseIndent}[DateTime]::Parse($this.{properties}[\"InstalledOn\"].Value, [System.Globalization.DateTimeFormatInfo]::new())\r\n          }}\r\n" +
        $"          else\r\n          {{\r\n          $orig = $this.{properties}[\"InstalledOn\"].Value\r\n" +
        "          $date = [datetime]::FromFileTimeUTC($(\"0x\" + $orig))\r\n          if ($date -lt \"1/1/1980\")\r\n          {\r\n" +
        "          if ($orig -match \"([0-9]{4})([01][0-9])([012][0-9])\")\r\n          {\r\n" +
        "          new-object datetime @([int]$matches[1], [int]$matches[2], [int]$matches[3])\r\n          }\r\n          }\r\n          else\r\n          {\r\n" +
        "          $date\r\n          }\r\n          }");

    private static DotNetMembers.Member Alias(string name, string target) => new("AliasProperty", name, $"{name} = {target}");

    private static DotNetMembers.Member Script(string name, string getter) => new("ScriptProperty", name, $"System.Object {name} {{get={getter};}}");

    private static DotNetMembers.Member Code(string name, string type, string getter) => new("CodeProperty", name, $"{type} {name}{{get={getter};}}");

    private static DotNetMembers.Member PropertySet(string name, params string[] properties) => new("PropertySet", name, $"{name} {{{string.Join(", ", properties)}}}");

    /// <summary>The properties a property set names, as its definition lists them ("PSStatus {Status, Name}").</summary>
    public static string[] ReferencedProperties(DotNetMembers.Member propertySet) =>
        propertySet.Definition[(propertySet.Definition.IndexOf('{') + 1)..^1].Split(", ");
}
