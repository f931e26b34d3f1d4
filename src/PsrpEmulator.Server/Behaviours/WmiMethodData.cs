namespace PsrpEmulator.Server.Behaviours;

// Source: MicrosoftDocs/win32 method pages (their Syntax blocks): each method's return type, parameters (types as the
// MOF gives them: an embedded object is its class's name, a reference "Class ref") and directions, and whether it is
// static. Order: each class's methods as Get-CimClass lists them (CimClassMethods), which is the MOF's, not the
// pages' alphabetical tables; the orders are the ones taken from Get-CimClass output. Cross-checked where a second
// source exists: Win32_Product against the Windows XP msi.mof (tongzx/nt5src,
// Source/XPSP1/NT/admin/wmi/wbem/providers/mofs/msi.mof) and the SimCim wrapper generated from the live class
// (simonferquel/simcim); Win32_LogicalDisk and Win32_NetworkAdapterConfiguration (SetDNSDomain through
// SetKeepAliveInterval) against SimCim. UNVERIFIED tail: SoftwareLicensingProduct after GetPolicyInformationDWord,
// which follows the order of desktop-src/SppWmi/softwarelicensingproduct-methods.md (the class is documented under
// SppWmi, not TermServ; the live class may have further, undocumented methods, none of which are added here).
// Method sets: compared with each class's "<class>-methods.md" list (for Win32_Process, Win32_Product and
// SoftwareLicensingProduct with the class page's Methods table too); no documented method was missing, and no method
// here is missing from its class's list. Methods a subclass inherits (StartService/StopService on Win32_BaseService,
// Reboot/Shutdown on Win32_OperatingSystem, Win32_BaseService's on Win32_Service...) are kept under the declaring class.
// Directions: "[in, optional]" is recorded as "in"; the defaults some pages show ("= FALSE", blank "= ,") are not kept.
// Types are kept as the page writes them; where a MOF disagrees the line's comment says so.
// Static: true where the page says "static method"/"class method"/"is a static method", or where a MOF says [static]
// (the line says which); "static UNVERIFIED" marks a value resting only on the page's examples or a sibling class.
// Paths are in MicrosoftDocs/win32. Win32_Product's pages were read from the search index by content: their file names
// are the links on its class page (win32-product.md), but the index gave no folder for them; "desktop-src/MsiProv" is
// the folder as the docs site names it (previous-versions/.../msiprov), not confirmed in the repository.
internal static class WmiMethodData
{
    /// <summary>Each class's own methods (those a subclass inherits are under the class that declares them), in CimClassMethods order.</summary>
    public static readonly (string ClassName, string Method, string ReturnType, bool Static, (string Name, string Type, string Direction)[] Parameters)[] Methods =
    [
        ("CIM_OperatingSystem", "Reboot", "uint32", false, []), // desktop-src/CIMWin32Prov/reboot-method-in-class-cim-operatingsystem.md
        ("CIM_OperatingSystem", "Shutdown", "uint32", false, []), // desktop-src/CIMWin32Prov/shutdown-method-in-class-cim-operatingsystem.md

        ("Win32_OperatingSystem", "Win32Shutdown", "uint32", false, [("Flags", "sint32", "in"), ("Reserved", "sint32", "in")]), // desktop-src/CIMWin32Prov/win32shutdown-method-in-class-win32-operatingsystem.md (page: "Reserved = " with no value)
        ("Win32_OperatingSystem", "Win32ShutdownTracker", "uint32", false, [("Timeout", "uint32", "in"), ("Comment", "string", "in"), ("ReasonCode", "uint32", "in"), ("Flags", "sint32", "in")]), // desktop-src/CIMWin32Prov/win32shutdowntracker-method-in-class-win32-operatingsystem.md
        ("Win32_OperatingSystem", "SetDateTime", "uint32", false, [("LocalDatetime", "datetime", "in")]), // desktop-src/CIMWin32Prov/setdatetime-method-in-class-win32-operatingsystem.md

        ("CIM_UnitaryComputerSystem", "SetPowerState", "uint32", false, [("PowerState", "uint16", "in"), ("Time", "datetime", "in")]), // desktop-src/CIMWin32Prov/setpowerstate-method-in-class-cim-unitarycomputersystem.md

        ("Win32_ComputerSystem", "Rename", "uint32", false, [("Name", "string", "in"), ("Password", "string", "in"), ("UserName", "string", "in")]), // desktop-src/CIMWin32Prov/rename-method-in-class-win32-computersystem.md
        ("Win32_ComputerSystem", "JoinDomainOrWorkgroup", "uint32", false, [("Name", "string", "in"), ("Password", "string", "in"), ("UserName", "string", "in"), ("AccountOU", "string", "in"), ("FJoinOptions", "uint32", "in")]), // desktop-src/CIMWin32Prov/joindomainorworkgroup-method-in-class-win32-computersystem.md (page: "FJoinOptions = " with no value)
        ("Win32_ComputerSystem", "UnjoinDomainOrWorkgroup", "uint32", false, [("Password", "string", "in"), ("UserName", "string", "in"), ("FUnjoinOptions", "uint32", "in")]), // desktop-src/CIMWin32Prov/unjoindomainorworkgroup-method-in-class-win32-computersystem.md (page: "FUnjoinOptions = " with no value)

        ("CIM_LogicalDevice", "SetPowerState", "uint32", false, [("PowerState", "uint16", "in"), ("Time", "datetime", "in")]), // desktop-src/CIMWin32Prov/setpowerstate-method-in-class-cim-logicaldevice.md
        ("CIM_LogicalDevice", "Reset", "uint32", false, []), // desktop-src/CIMWin32Prov/reset-method-in-class-cim-logicaldevice.md

        ("CIM_PhysicalPackage", "IsCompatible", "uint32", false, [("ElementToCheck", "CIM_PhysicalElement ref", "in")]), // desktop-src/CIMWin32Prov/iscompatible-method-in-class-cim-physicalpackage.md (page: "CIM_PhysicalElement REF")

        ("Win32_Product", "Install", "uint32", true, [("PackageLocation", "string", "in"), ("Options", "string", "in"), ("AllUsers", "boolean", "in")]), // desktop-src/MsiProv/install-method-in-class-win32-product.md (folder unconfirmed, see header; page: "The static Install"; XP msi.mof [static])
        ("Win32_Product", "Admin", "uint32", true, [("PackageLocation", "string", "in"), ("TargetLocation", "string", "in"), ("Options", "string", "in")]), // desktop-src/MsiProv/admin-method-in-class-win32-product.md (folder unconfirmed; page does not say static, XP msi.mof says [static])
        ("Win32_Product", "Advertise", "uint32", true, [("PackageLocation", "string", "in"), ("Options", "string", "in"), ("AllUsers", "boolean", "in")]), // page not found (advertise-method-in-class-win32-product.md is linked from win32-product.md but not in the index): signature, order and [static] from the XP msi.mof; names and types also in SimCim's live-generated wrapper
        ("Win32_Product", "Reinstall", "uint32", false, [("ReinstallMode", "uint32", "in")]), // desktop-src/MsiProv/reinstall-method-in-class-win32-product.md (folder unconfirmed; page uint32, but XP msi.mof and SimCim's live wrapper have uint16 ReinstallMode)
        ("Win32_Product", "Upgrade", "uint32", false, [("PackageLocation", "string", "in"), ("Options", "string", "in")]), // desktop-src/MsiProv/upgrade-method-in-class-win32-product.md (folder unconfirmed)
        ("Win32_Product", "Configure", "uint32", false, [("InstallState", "uint32", "in"), ("InstallLevel", "uint32", "in"), ("Options", "string", "in")]), // desktop-src/MsiProv/configure-method-in-class-win32-product.md (folder unconfirmed; page uint32, but XP msi.mof and SimCim's live wrapper have uint16 InstallState/InstallLevel; XP msi.mof has no Options, SimCim has it)
        ("Win32_Product", "Uninstall", "uint32", false, []), // desktop-src/MsiProv/uninstall-method-in-class-win32-product.md (folder unconfirmed)

        ("Win32_LogicalDisk", "Chkdsk", "uint32", false, [("FixErrors", "boolean", "in"), ("VigorousIndexCheck", "boolean", "in"), ("SkipFolderCycle", "boolean", "in"), ("ForceDismount", "boolean", "in"), ("RecoverBadSectors", "boolean", "in"), ("OKToRunAtBootUp", "boolean", "in")]), // desktop-src/CIMWin32Prov/chkdsk-method-in-class-win32-logicaldisk.md ("instance method"; page spells OKToRunAtBootUp, SimCim's live wrapper OkToRunAtBootUp; defaults blank "= ,")
        ("Win32_LogicalDisk", "ScheduleAutoChk", "uint32", true, [("LogicalDisk", "string[]", "in")]), // desktop-src/CIMWin32Prov/scheduleautochk-method-in-class-win32-logicaldisk.md ("class method"; a mgmtclassgen wrapper has IsMethodStatic = true)
        ("Win32_LogicalDisk", "ExcludeFromAutochk", "uint32", true, [("LogicalDisk", "string[]", "in")]), // desktop-src/CIMWin32Prov/excludefromautochk-method-in-class-win32-logicaldisk.md (page does not say static, its example calls it on the class; a mgmtclassgen wrapper has IsMethodStatic = true)

        ("Win32_Volume", "Chkdsk", "uint32", false, [("FixErrors", "boolean", "in"), ("VigorousIndexCheck", "boolean", "in"), ("SkipFolderCycle", "boolean", "in"), ("ForceDismount", "boolean", "in"), ("RecoverBadSectors", "boolean", "in"), ("OkToRunAtBootUp", "boolean", "in")]), // desktop-src/VdsWmi/chkdsk-method-in-class-win32-volume.md
        ("Win32_Volume", "ScheduleAutoChk", "uint32", true, [("Volume", "string[]", "in")]), // desktop-src/VdsWmi/scheduleautochk-method-in-class-win32-volume.md (static UNVERIFIED: page silent; Win32_LogicalDisk's counterpart is static)
        ("Win32_Volume", "ExcludeFromAutoChk", "uint32", true, [("Volume", "string[]", "in")]), // desktop-src/VdsWmi/excludefromautochk-method-in-class-win32-volume.md (static UNVERIFIED: page silent; Win32_LogicalDisk's counterpart is static)
        ("Win32_Volume", "Format", "uint32", false, [("FileSystem", "string", "in"), ("QuickFormat", "boolean", "in"), ("ClusterSize", "uint32", "in"), ("Label", "string", "in"), ("EnableCompression", "boolean", "in")]), // desktop-src/VdsWmi/format-method-in-class-win32-volume.md
        ("Win32_Volume", "Mount", "uint32", false, []), // desktop-src/VdsWmi/mount-method-in-class-win32-volume.md
        ("Win32_Volume", "Dismount", "uint32", false, [("Force", "boolean", "in"), ("Permanent", "boolean", "in")]), // desktop-src/VdsWmi/dismount-method-in-class-win32-volume.md
        ("Win32_Volume", "AddMountPoint", "uint32", false, [("Directory", "string", "in")]), // desktop-src/VdsWmi/addmountpoint-method-in-class-win32-volume.md
        ("Win32_Volume", "Defrag", "uint32", false, [("Force", "boolean", "in"), ("DefragAnalysis", "Win32_DefragAnalysis", "out")]), // desktop-src/VdsWmi/defrag-method-in-class-win32-volume.md (syntax writes "object DefragAnalysis"; the parameter text names a Win32_DefragAnalysis object)
        ("Win32_Volume", "DefragAnalysis", "uint32", false, [("DefragRecommended", "boolean", "out"), ("DefragAnalysis", "Win32_DefragAnalysis", "out")]), // desktop-src/VdsWmi/defraganalysis-method-in-class-win32-volume.md (syntax writes "object DefragAnalysis"; the text says "Embedded instance of a Win32_DefragAnalysis")

        ("Win32_NetworkAdapter", "Enable", "uint32", false, []), // desktop-src/CIMWin32Prov/enable-method-in-class-win32-networkadapter.md
        ("Win32_NetworkAdapter", "Disable", "uint32", false, []), // desktop-src/CIMWin32Prov/disable-method-in-class-win32-networkadapter.md

        ("Win32_NetworkAdapterConfiguration", "EnableDHCP", "uint32", false, []), // desktop-src/CIMWin32Prov/enabledhcp-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "RenewDHCPLease", "uint32", false, []), // desktop-src/CIMWin32Prov/renewdhcplease-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "RenewDHCPLeaseAll", "uint32", true, []), // desktop-src/CIMWin32Prov/renewdhcpleaseall-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "ReleaseDHCPLease", "uint32", false, []), // desktop-src/CIMWin32Prov/releasedhcplease-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "ReleaseDHCPLeaseAll", "uint32", true, []), // desktop-src/CIMWin32Prov/releasedhcpleaseall-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "EnableStatic", "uint32", false, [("IPAddress", "string[]", "in"), ("SubnetMask", "string[]", "in")]), // desktop-src/CIMWin32Prov/enablestatic-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "SetGateways", "uint32", false, [("DefaultIPGateway", "string[]", "in"), ("GatewayCostMetric", "uint16[]", "in")]), // desktop-src/CIMWin32Prov/setgateways-method-in-class-win32-networkadapterconfiguration.md (GatewayCostMetric "[in, optional]")
        ("Win32_NetworkAdapterConfiguration", "EnableDNS", "uint32", true, [("DNSHostName", "string", "in"), ("DNSDomain", "string", "in"), ("DNSServerSearchOrder", "string[]", "in"), ("DNSDomainSuffixSearchOrder", "string[]", "in")]), // desktop-src/CIMWin32Prov/enabledns-method-in-class-win32-networkadapterconfiguration.md ("static method"; all four "[in, optional]")
        ("Win32_NetworkAdapterConfiguration", "SetDNSDomain", "uint32", false, [("DNSDomain", "string", "in")]), // desktop-src/CIMWin32Prov/setdnsdomain-method-in-class-win32-networkadapterconfiguration.md ("instance-dependent")
        ("Win32_NetworkAdapterConfiguration", "SetDNSServerSearchOrder", "uint32", false, [("DNSServerSearchOrder", "string[]", "in")]), // desktop-src/CIMWin32Prov/setdnsserversearchorder-method-in-class-win32-networkadapterconfiguration.md ("instance-dependent")
        ("Win32_NetworkAdapterConfiguration", "SetDNSSuffixSearchOrder", "uint32", true, [("DNSDomainSuffixSearchOrder", "string[]", "in")]), // desktop-src/CIMWin32Prov/setdnssuffixsearchorder-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetDynamicDNSRegistration", "uint32", false, [("FullDNSRegistrationEnabled", "boolean", "in"), ("DomainDNSRegistrationEnabled", "boolean", "in")]), // desktop-src/CIMWin32Prov/setdynamicdnsregistration-method-in-class-win32-networkadapterconfiguration.md (DomainDNSRegistrationEnabled "[in, optional]")
        ("Win32_NetworkAdapterConfiguration", "SetIPConnectionMetric", "uint32", false, [("IPConnectionMetric", "uint32", "in")]), // desktop-src/CIMWin32Prov/setipconnectionmetric-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "SetWINSServer", "uint32", false, [("WINSPrimaryServer", "string", "in"), ("WINSSecondaryServer", "string", "in")]), // desktop-src/CIMWin32Prov/setwinsserver-method-in-class-win32-networkadapterconfiguration.md (page: "applied independently of the network adapter", but never calls it static)
        ("Win32_NetworkAdapterConfiguration", "EnableWINS", "uint32", true, [("DNSEnabledForWINSResolution", "boolean", "in"), ("WINSEnableLMHostsLookup", "boolean", "in"), ("WINSHostLookupFile", "string", "in"), ("WINSScopeID", "string", "in")]), // desktop-src/CIMWin32Prov/enablewins-method-in-class-win32-networkadapterconfiguration.md ("static method"; last two "[in, optional]")
        ("Win32_NetworkAdapterConfiguration", "SetTcpipNetbios", "uint32", false, [("TcpipNetbiosOptions", "uint32", "in")]), // desktop-src/CIMWin32Prov/settcpipnetbios-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "EnableIPSec", "uint32", false, [("IPSecPermitTCPPorts", "string[]", "in"), ("IPSecPermitUDPPorts", "string[]", "in"), ("IPSecPermitIPProtocols", "string[]", "in")]), // desktop-src/CIMWin32Prov/enableipsec-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "DisableIPSec", "uint32", false, []), // desktop-src/CIMWin32Prov/disableipsec-method-in-class-win32-networkadapterconfiguration.md
        ("Win32_NetworkAdapterConfiguration", "SetIPXVirtualNetworkNumber", "uint32", false, [("IPXVirtualNetNumber", "string", "in")]), // desktop-src/CIMWin32Prov/win32-networkadapterconfiguration-setipxvirtualnetworknumber.md (static UNVERIFIED: page silent, though it sets a system-wide number)
        ("Win32_NetworkAdapterConfiguration", "SetIPXFrameTypeNetworkPairs", "uint32", false, [("IPXNetworkNumber", "string[]", "in"), ("IPXFrameType", "uint32[]", "in")]), // desktop-src/CIMWin32Prov/win32-networkadapterconfiguration-setipxframetypenetworkpairs.md
        ("Win32_NetworkAdapterConfiguration", "SetDatabasePath", "uint32", true, [("DatabasePath", "string", "in")]), // desktop-src/CIMWin32Prov/setdatabasepath-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetIPUseZeroBroadcast", "uint32", true, [("IPUseZeroBroadcast", "boolean", "in")]), // desktop-src/CIMWin32Prov/setipusezerobroadcast-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetArpAlwaysSourceRoute", "uint32", true, [("ArpAlwaysSourceRoute", "boolean", "in")]), // desktop-src/CIMWin32Prov/setarpalwayssourceroute-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetArpUseEtherSNAP", "uint32", true, [("ArpUseEtherSNAP", "boolean", "in")]), // desktop-src/CIMWin32Prov/setarpuseethersnap-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetDefaultTOS", "uint32", true, [("DefaultTOS", "uint8", "in")]), // desktop-src/CIMWin32Prov/setdefaulttos-method-in-class-win32-networkadapterconfiguration.md ("static method", in Remarks)
        ("Win32_NetworkAdapterConfiguration", "SetDefaultTTL", "uint32", true, [("DefaultTTL", "uint8", "in")]), // desktop-src/CIMWin32Prov/setdefaultttl-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetDeadGWDetect", "uint32", true, [("DeadGWDetectEnabled", "boolean", "in")]), // desktop-src/CIMWin32Prov/setdeadgwdetect-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetPMTUBHDetect", "uint32", true, [("PMTUBHDetectEnabled", "boolean", "in")]), // desktop-src/CIMWin32Prov/setpmtubhdetect-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetPMTUDiscovery", "uint32", true, [("PMTUDiscoveryEnabled", "boolean", "in")]), // desktop-src/CIMWin32Prov/setpmtudiscovery-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetForwardBufferMemory", "uint32", true, [("ForwardBufferMemory", "uint32", "in")]), // desktop-src/CIMWin32Prov/setforwardbuffermemory-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetIGMPLevel", "uint32", true, [("IGMPLevel", "uint8", "in")]), // desktop-src/CIMWin32Prov/setigmplevel-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetKeepAliveInterval", "uint32", true, [("KeepAliveInterval", "uint32", "in")]), // desktop-src/CIMWin32Prov/setkeepaliveinterval-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetKeepAliveTime", "uint32", true, [("KeepAliveTime", "uint32", "in")]), // desktop-src/CIMWin32Prov/setkeepalivetime-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetMTU", "uint32", true, [("MTU", "uint32", "in")]), // desktop-src/CIMWin32Prov/setmtu-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetNumForwardPackets", "uint32", true, [("NumForwardPackets", "uint32", "in")]), // desktop-src/CIMWin32Prov/setnumforwardpackets-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetTcpMaxConnectRetransmissions", "uint32", true, [("TcpMaxConnectRetransmissions", "uint32", "in")]), // desktop-src/CIMWin32Prov/settcpmaxconnectretransmissions-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetTcpMaxDataRetransmissions", "uint32", true, [("TcpMaxDataRetransmissions", "uint32", "in")]), // desktop-src/CIMWin32Prov/settcpmaxdataretransmissions-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetTcpNumConnections", "uint32", true, [("TcpNumConnections", "uint32", "in")]), // desktop-src/CIMWin32Prov/settcpnumconnections-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetTcpUseRFC1122UrgentPointer", "uint32", true, [("TcpUseRFC1122UrgentPointer", "boolean", "in")]), // desktop-src/CIMWin32Prov/settcpuserfc1122urgentpointer-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "SetTcpWindowSize", "uint32", true, [("TcpWindowSize", "uint16", "in")]), // desktop-src/CIMWin32Prov/settcpwindowsize-method-in-class-win32-networkadapterconfiguration.md ("static method")
        ("Win32_NetworkAdapterConfiguration", "EnableIPFilterSec", "uint32", true, [("IPFilterSecurityEnabled", "boolean", "in")]), // desktop-src/CIMWin32Prov/enableipfiltersec-method-in-class-win32-networkadapterconfiguration.md ("static method")

        ("Win32_Process", "Create", "uint32", true, [("CommandLine", "string", "in"), ("CurrentDirectory", "string", "in"), ("ProcessStartupInformation", "Win32_ProcessStartup", "in"), ("ProcessId", "uint32", "out")]), // desktop-src/CIMWin32Prov/create-method-in-class-win32-process.md (static UNVERIFIED by the page: it never says static, but its examples call Create on the class object)
        ("Win32_Process", "Terminate", "uint32", false, [("Reason", "uint32", "in")]), // desktop-src/CIMWin32Prov/terminate-method-in-class-win32-process.md
        ("Win32_Process", "GetOwner", "uint32", false, [("User", "string", "out"), ("Domain", "string", "out")]), // desktop-src/CIMWin32Prov/getowner-method-in-class-win32-process.md
        ("Win32_Process", "GetOwnerSid", "uint32", false, [("Sid", "string", "out")]), // desktop-src/CIMWin32Prov/getownersid-method-in-class-win32-process.md
        ("Win32_Process", "SetPriority", "uint32", false, [("Priority", "sint32", "in")]), // desktop-src/CIMWin32Prov/setpriority-method-in-class-win32-process.md
        ("Win32_Process", "AttachDebugger", "uint32", false, []), // desktop-src/CIMWin32Prov/attachdebugger-method-in-class-win32-process.md
        ("Win32_Process", "GetAvailableVirtualSize", "uint32", false, [("AvailableVirtualSize", "uint64", "out")]), // desktop-src/CIMWin32Prov/getavailablevirtualsize-win32-process.md

        ("CIM_Service", "StartService", "uint32", false, []), // desktop-src/CIMWin32Prov/startservice-method-in-class-cim-service.md
        ("CIM_Service", "StopService", "uint32", false, []), // desktop-src/CIMWin32Prov/stopservice-method-in-class-cim-service.md

        ("Win32_BaseService", "PauseService", "uint32", false, []), // desktop-src/CIMWin32Prov/pauseservice-method-in-class-win32-baseservice.md
        ("Win32_BaseService", "ResumeService", "uint32", false, []), // desktop-src/CIMWin32Prov/resumeservice-method-in-class-win32-baseservice.md
        ("Win32_BaseService", "InterrogateService", "uint32", false, []), // desktop-src/CIMWin32Prov/interrogateservice-method-in-class-win32-baseservice.md
        ("Win32_BaseService", "UserControlService", "uint32", false, [("ControlCode", "uint8", "in")]), // desktop-src/CIMWin32Prov/usercontrolservice-method-in-class-win32-baseservice.md (Win32_Service's page: same)
        ("Win32_BaseService", "Create", "uint32", true, [("Name", "string", "in"), ("DisplayName", "string", "in"), ("PathName", "string", "in"), ("ServiceType", "uint8", "in"), ("ErrorControl", "uint8", "in"), ("StartMode", "string", "in"), ("DesktopInteract", "boolean", "in"), ("StartName", "string", "in"), ("StartPassword", "string", "in"), ("LoadOrderGroup", "string", "in"), ("LoadOrderGroupDependencies", "string[]", "in"), ("ServiceDependencies", "string[]", "in")]), // desktop-src/CIMWin32Prov/create-method-in-class-win32-baseservice.md (static UNVERIFIED by the page: neither it nor Win32_Service's page, which has the same syntax, says static; that page's example calls Create on the Win32_BaseService class object)
        ("Win32_BaseService", "Change", "uint32", false, [("DisplayName", "string", "in"), ("PathName", "string", "in"), ("ServiceType", "uint8", "in"), ("ErrorControl", "uint8", "in"), ("StartMode", "string", "in"), ("DesktopInteract", "boolean", "in"), ("StartName", "string", "in"), ("StartPassword", "string", "in"), ("LoadOrderGroup", "string", "in"), ("LoadOrderGroupDependencies", "string[]", "in"), ("ServiceDependencies", "string[]", "in")]), // desktop-src/CIMWin32Prov/change-method-in-class-win32-baseservice.md (DIFFERS: change-method-in-class-win32-service.md writes uint32 ServiceType and uint32 ErrorControl)
        ("Win32_BaseService", "ChangeStartMode", "uint32", false, [("StartMode", "string", "in")]), // desktop-src/CIMWin32Prov/changestartmode-method-in-class-win32-baseservice.md (page: "StartMode = Auto Start"; Win32_Service's page: same)
        ("Win32_BaseService", "Delete", "uint32", false, []), // desktop-src/CIMWin32Prov/delete-method-in-class-win32-baseservice.md (Win32_Service's page: same)

        ("Win32_Service", "GetSecurityDescriptor", "uint32", false, [("Descriptor", "Win32_SecurityDescriptor", "out")]), // desktop-src/CIMWin32Prov/getsecuritydescriptor-method-in-class-win32-service.md
        ("Win32_Service", "SetSecurityDescriptor", "uint32", false, [("Descriptor", "Win32_SecurityDescriptor", "in")]), // desktop-src/CIMWin32Prov/setsecuritydescriptor-method-in-class-win32-service.md

        ("Win32_UserAccount", "Rename", "uint32", false, [("Name", "string", "in")]), // desktop-src/CIMWin32Prov/rename-method-in-class-win32-useraccount.md

        ("Win32_Group", "Rename", "uint32", false, [("Name", "string", "in")]), // desktop-src/CIMWin32Prov/rename-method-in-class-win32-group.md

        ("Win32_Share", "Create", "uint32", true, [("Path", "string", "in"), ("Name", "string", "in"), ("Type", "uint32", "in"), ("MaximumAllowed", "uint32", "in"), ("Description", "string", "in"), ("Password", "string", "in"), ("Access", "Win32_SecurityDescriptor", "in")]), // desktop-src/CIMWin32Prov/create-method-in-class-win32-share.md ("Create is a static method."; last four "[in, optional]")
        ("Win32_Share", "SetShareInfo", "uint32", false, [("MaximumAllowed", "uint32", "in"), ("Description", "string", "in"), ("Access", "Win32_SecurityDescriptor", "in")]), // desktop-src/CIMWin32Prov/setshareinfo-method-in-class-win32-share.md ("dynamic object method"; all three "[in, optional]")
        ("Win32_Share", "GetAccessMask", "uint32", false, []), // desktop-src/CIMWin32Prov/getaccessmask-method-in-class-win32-share.md ("object method")
        ("Win32_Share", "Delete", "uint32", false, []), // desktop-src/CIMWin32Prov/delete-method-in-class-win32-share.md ("object method")

        ("SoftwareLicensingProduct", "UninstallProductKey", "uint32", false, []), // desktop-src/SppWmi/uninstallproductkey-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "Activate", "uint32", false, []), // desktop-src/SppWmi/activate-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "DepositOfflineConfirmationId", "uint32", false, [("InstallationId", "string", "in"), ("ConfirmationId", "string", "in")]), // desktop-src/SppWmi/depositofflineconfirmationid-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "GetPolicyInformationDWord", "uint32", false, [("PolicyName", "string", "in"), ("PolicyValue", "uint32", "out")]), // desktop-src/SppWmi/getpolicyinformationdword-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "GetPolicyInformationString", "uint32", false, [("PolicyName", "string", "in"), ("PolicyValue", "string", "out")]), // desktop-src/SppWmi/getpolicyinformationstring-softwarelicensingproduct.md (order from here on: UNVERIFIED, docs' methods page)
        ("SoftwareLicensingProduct", "SetKeyManagementServiceMachine", "uint32", false, [("MachineName", "string", "in")]), // desktop-src/SppWmi/setkeymanagementservicemachine-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "ClearKeyManagementServiceMachine", "uint32", false, []), // desktop-src/SppWmi/clearkeymanagementservicemachine-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "SetKeyManagementServicePort", "uint32", false, [("PortNumber", "uint32", "in")]), // desktop-src/SppWmi/setkeymanagementserviceport-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "ClearKeyManagementServicePort", "uint32", false, []), // desktop-src/SppWmi/clearkeymanagementserviceport-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "GetTokenActivationGrants", "uint32", false, [("Grants", "string[]", "out")]), // desktop-src/SppWmi/gettokenactivationgrants-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "GenerateTokenActivationChallenge", "uint32", false, [("Challenge", "string", "out")]), // desktop-src/SppWmi/generatetokenactivationchallenge-softwarelicensingproduct.md
        ("SoftwareLicensingProduct", "DepositTokenActivationResponse", "uint32", false, [("Challenge", "string", "in"), ("Response", "string", "in"), ("CertChain", "string", "in")]), // desktop-src/SppWmi/deposittokenactivationresponse-softwarelicensingproduct.md
    ];
}
