using System.Collections.Concurrent;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A role, role service or feature of Server Manager: its name, display name, type, parent and whether a fresh server has it.</summary>
public sealed record WindowsFeature(string Name, string DisplayName, string FeatureType, string? Parent, bool InstalledByDefault, bool Default = false, bool ManagementTool = false, bool NeedsRestart = false)
{
    /// <summary>A management tool -IncludeManagementTools does not add (IIS 6 compatibility, the scripts, the Management Service).</summary>
    public bool OptionalTool { get; init; }
}

/// <summary>
/// The Windows features of one computer: a fresh Windows Server 2019 Datacenter's common roles and features (a subset of
/// about a hundred of its ~270; names as Server Manager spells them; display names, the list's order within a level and
/// RSAT's tree flattened under RSAT UNVERIFIED), what Install-WindowsFeature and
/// Uninstall-WindowsFeature changed on top. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class WindowsFeatureStates
{
    internal static readonly IReadOnlyList<WindowsFeature> All =
    [
        new("AD-Domain-Services", "Active Directory Domain Services", "Role", null, false),
        new("ADFS-Federation", "Active Directory Federation Services", "Role", null, false),
        new("AD-Certificate", "Active Directory Certificate Services", "Role", null, false),
        new("DHCP", "DHCP Server", "Role", null, false),
        new("DNS", "DNS Server", "Role", null, false),
        new("FileAndStorage-Services", "File and Storage Services", "Role", null, true),
        new("File-Services", "File and iSCSI Services", "Role Service", "FileAndStorage-Services", false),
        new("FS-FileServer", "File Server", "Role Service", "File-Services", false, Default: true),
        new("FS-BranchCache", "BranchCache for Network Files", "Role Service", "File-Services", false),
        new("FS-Data-Deduplication", "Data Deduplication", "Role Service", "File-Services", false),
        new("FS-DFS-Namespace", "DFS Namespaces", "Role Service", "File-Services", false),
        new("FS-DFS-Replication", "DFS Replication", "Role Service", "File-Services", false),
        new("FS-Resource-Manager", "File Server Resource Manager", "Role Service", "File-Services", false),
        new("FS-VSS-Agent", "File Server VSS Agent Service", "Role Service", "File-Services", false),
        new("FS-iSCSITarget-Server", "iSCSI Target Server", "Role Service", "File-Services", false),
        new("FS-NFS-Service", "Server for NFS", "Role Service", "File-Services", false),
        new("FS-SyncShareService", "Work Folders", "Role Service", "File-Services", false),
        new("Storage-Services", "Storage Services", "Role Service", "FileAndStorage-Services", true),
        new("Hyper-V", "Hyper-V", "Role", null, false, NeedsRestart: true),
        new("NPAS", "Network Policy and Access Services", "Role", null, false),
        new("Print-Services", "Print and Document Services", "Role", null, false),
        new("Print-Server", "Print Server", "Role Service", "Print-Services", false, Default: true),
        new("RemoteAccess", "Remote Access", "Role", null, false),
        new("DirectAccess-VPN", "DirectAccess and VPN (RAS)", "Role Service", "RemoteAccess", false),
        new("Routing", "Routing", "Role Service", "RemoteAccess", false),
        new("Remote-Desktop-Services", "Remote Desktop Services", "Role", null, false),
        new("RDS-Connection-Broker", "Remote Desktop Connection Broker", "Role Service", "Remote-Desktop-Services", false),
        new("RDS-Gateway", "Remote Desktop Gateway", "Role Service", "Remote-Desktop-Services", false),
        new("RDS-Licensing", "Remote Desktop Licensing", "Role Service", "Remote-Desktop-Services", false),
        new("RDS-RD-Server", "Remote Desktop Session Host", "Role Service", "Remote-Desktop-Services", false, NeedsRestart: true),
        new("RDS-Web-Access", "Remote Desktop Web Access", "Role Service", "Remote-Desktop-Services", false),
        new("Web-Server", "Web Server (IIS)", "Role", null, false),
        new("Web-WebServer", "Web Server", "Role Service", "Web-Server", false, Default: true),
        new("Web-Common-Http", "Common HTTP Features", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Default-Doc", "Default Document", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Dir-Browsing", "Directory Browsing", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Http-Errors", "HTTP Errors", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Static-Content", "Static Content", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Http-Redirect", "HTTP Redirection", "Role Service", "Web-Common-Http", false),
        new("Web-DAV-Publishing", "WebDAV Publishing", "Role Service", "Web-Common-Http", false),
        new("Web-Health", "Health and Diagnostics", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Http-Logging", "HTTP Logging", "Role Service", "Web-Health", false, Default: true),
        new("Web-Custom-Logging", "Custom Logging", "Role Service", "Web-Health", false),
        new("Web-Log-Libraries", "Logging Tools", "Role Service", "Web-Health", false),
        new("Web-ODBC-Logging", "ODBC Logging", "Role Service", "Web-Health", false),
        new("Web-Request-Monitor", "Request Monitor", "Role Service", "Web-Health", false),
        new("Web-Http-Tracing", "Tracing", "Role Service", "Web-Health", false),
        new("Web-Performance", "Performance", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Stat-Compression", "Static Content Compression", "Role Service", "Web-Performance", false, Default: true),
        new("Web-Dyn-Compression", "Dynamic Content Compression", "Role Service", "Web-Performance", false),
        new("Web-Security", "Security", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Filtering", "Request Filtering", "Role Service", "Web-Security", false, Default: true),
        new("Web-Basic-Auth", "Basic Authentication", "Role Service", "Web-Security", false),
        new("Web-CertProvider", "Centralized SSL Certificate Support", "Role Service", "Web-Security", false),
        new("Web-Client-Auth", "Client Certificate Mapping Authentication", "Role Service", "Web-Security", false),
        new("Web-Digest-Auth", "Digest Authentication", "Role Service", "Web-Security", false),
        new("Web-Cert-Auth", "IIS Client Certificate Mapping Authentication", "Role Service", "Web-Security", false),
        new("Web-IP-Security", "IP and Domain Restrictions", "Role Service", "Web-Security", false),
        new("Web-Url-Auth", "URL Authorization", "Role Service", "Web-Security", false),
        new("Web-Windows-Auth", "Windows Authentication", "Role Service", "Web-Security", false),
        new("Web-App-Dev", "Application Development", "Role Service", "Web-WebServer", false),
        new("Web-Net-Ext", ".NET Extensibility 3.5", "Role Service", "Web-App-Dev", false),
        new("Web-Net-Ext45", ".NET Extensibility 4.7", "Role Service", "Web-App-Dev", false),
        new("Web-AppInit", "Application Initialization", "Role Service", "Web-App-Dev", false),
        new("Web-ASP", "ASP", "Role Service", "Web-App-Dev", false),
        new("Web-Asp-Net", "ASP.NET 3.5", "Role Service", "Web-App-Dev", false),
        new("Web-Asp-Net45", "ASP.NET 4.7", "Role Service", "Web-App-Dev", false),
        new("Web-CGI", "CGI", "Role Service", "Web-App-Dev", false),
        new("Web-ISAPI-Ext", "ISAPI Extensions", "Role Service", "Web-App-Dev", false),
        new("Web-ISAPI-Filter", "ISAPI Filters", "Role Service", "Web-App-Dev", false),
        new("Web-Includes", "Server Side Includes", "Role Service", "Web-App-Dev", false),
        new("Web-WebSockets", "WebSocket Protocol", "Role Service", "Web-App-Dev", false),
        new("Web-Ftp-Server", "FTP Server", "Role Service", "Web-Server", false),
        new("Web-Ftp-Service", "FTP Service", "Role Service", "Web-Ftp-Server", false),
        new("Web-Ftp-Ext", "FTP Extensibility", "Role Service", "Web-Ftp-Server", false),
        new("Web-Mgmt-Tools", "Management Tools", "Role Service", "Web-Server", false, ManagementTool: true),
        new("Web-Mgmt-Console", "IIS Management Console", "Role Service", "Web-Mgmt-Tools", false, ManagementTool: true),
        new("Web-Mgmt-Compat", "IIS 6 Management Compatibility", "Role Service", "Web-Mgmt-Tools", false, ManagementTool: true) { OptionalTool = true },
        new("Web-Metabase", "IIS 6 Metabase Compatibility", "Role Service", "Web-Mgmt-Compat", false, ManagementTool: true) { OptionalTool = true },
        new("Web-Scripting-Tools", "IIS Management Scripts and Tools", "Role Service", "Web-Mgmt-Tools", false, ManagementTool: true) { OptionalTool = true },
        new("Web-Mgmt-Service", "Management Service", "Role Service", "Web-Mgmt-Tools", false, ManagementTool: true) { OptionalTool = true },
        new("WDS", "Windows Deployment Services", "Role", null, false),
        new("UpdateServices", "Windows Server Update Services", "Role", null, false),
        new("NET-Framework-Features", ".NET Framework 3.5 Features", "Feature", null, false),
        new("NET-Framework-Core", ".NET Framework 3.5 (includes .NET 2.0 and 3.0)", "Feature", "NET-Framework-Features", false, Default: true),
        new("NET-HTTP-Activation", "HTTP Activation", "Feature", "NET-Framework-Features", false),
        new("NET-Non-HTTP-Activ", "Non-HTTP Activation", "Feature", "NET-Framework-Features", false),
        new("NET-Framework-45-Features", ".NET Framework 4.7 Features", "Feature", null, true),
        new("NET-Framework-45-Core", ".NET Framework 4.7", "Feature", "NET-Framework-45-Features", true),
        new("NET-Framework-45-ASPNET", "ASP.NET 4.7", "Feature", "NET-Framework-45-Features", false),
        new("NET-WCF-Services45", "WCF Services", "Feature", "NET-Framework-45-Features", true),
        new("NET-WCF-TCP-PortSharing45", "TCP Port Sharing", "Feature", "NET-WCF-Services45", true),
        new("BitLocker", "BitLocker Drive Encryption", "Feature", null, false, NeedsRestart: true),
        new("Containers", "Containers", "Feature", null, false, NeedsRestart: true),
        new("Failover-Clustering", "Failover Clustering", "Feature", null, false),
        new("GPMC", "Group Policy Management", "Feature", null, false),
        new("Multipath-IO", "Multipath I/O", "Feature", null, false),
        new("RSAT", "Remote Server Administration Tools", "Feature", null, false),
        new("RSAT-AD-PowerShell", "Active Directory module for Windows PowerShell", "Feature", "RSAT", false),
        new("RSAT-AD-Tools", "AD DS and AD LDS Tools", "Feature", "RSAT", false),
        new("RSAT-ADDS", "AD DS Tools", "Feature", "RSAT", false),
        new("RSAT-Clustering", "Failover Clustering Tools", "Feature", "RSAT", false),
        new("RSAT-DHCP", "DHCP Server Tools", "Feature", "RSAT", false),
        new("RSAT-DNS-Server", "DNS Server Tools", "Feature", "RSAT", false),
        new("FS-SMB1", "SMB 1.0/CIFS File Sharing Support", "Feature", null, false),
        new("SNMP-Service", "SNMP Service", "Feature", null, false),
        // Installed on a fresh Server 2019, as real listings of its installed features show.
        new("System-DataArchiver", "System Data Archiver", "Feature", null, true),
        new("Telnet-Client", "Telnet Client", "Feature", null, false),
        new("WAS", "Windows Process Activation Service", "Feature", null, false),
        new("WAS-Process-Model", "Process Model", "Feature", "WAS", false),
        new("WAS-Config-APIs", "Configuration APIs", "Feature", "WAS", false),
        new("Windows-Defender", "Windows Defender Antivirus", "Feature", null, true),
        new("PowerShellRoot", "Windows PowerShell", "Feature", null, true),
        new("PowerShell", "Windows PowerShell 5.1", "Feature", "PowerShellRoot", true),
        new("PowerShell-ISE", "Windows PowerShell ISE", "Feature", "PowerShellRoot", true),
        new("Search-Service", "Windows Search Service", "Feature", null, false),
        new("Windows-Server-Backup", "Windows Server Backup", "Feature", null, false),
        new("Wireless-Networking", "Wireless LAN Service", "Feature", null, false),
        new("WoW64-Support", "WoW64 Support", "Feature", null, true),
        new("XPS-Viewer", "XPS Viewer", "Feature", null, true),
    ];

    // After All: each feature's place in the list, from 1.
    private static readonly Dictionary<string, int> Ids = All.Select((f, i) => (f.Name, Id: i + 1)).ToDictionary(p => p.Name, p => p.Id, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, bool> _installed = new(StringComparer.OrdinalIgnoreCase);

    internal bool IsInstalled(WindowsFeature feature) => _installed.TryGetValue(feature.Name, out var installed) ? installed : feature.InstalledByDefault;

    internal void Set(WindowsFeature feature, bool installed)
    {
        var was = IsInstalled(feature);
        _installed[feature.Name] = installed;
        if (installed && !was) Installed?.Invoke(feature);
    }

    /// <summary>Told each feature as it is installed (the files it puts on the computer's disk: IIS's C:\inetpub).</summary>
    public Action<WindowsFeature>? Installed { get; init; }

    // DISM's optional features that Server Manager does not list (SMB1Protocol...), by DISM name.
    private readonly ConcurrentDictionary<string, bool> _optional = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a DISM-only optional feature is enabled (else its default).</summary>
    internal bool IsEnabled(DismFeature feature) =>
        WindowsFeatureStates.Find(feature.ServerManagerName ?? string.Empty) is { } mapped ? IsInstalled(mapped) : _optional.TryGetValue(feature.Name, out var on) ? on : feature.EnabledByDefault;

    /// <summary>Enables or disables an optional feature (a Server Manager one through its role or feature).</summary>
    internal void Set(DismFeature feature, bool enabled)
    {
        if (WindowsFeatureStates.Find(feature.ServerManagerName ?? string.Empty) is { } mapped) Set(mapped, enabled);
        else _optional[feature.Name] = enabled;
    }

    internal static WindowsFeature? Find(string name) => Ids.TryGetValue(name, out var id) ? All[id - 1] : null;

    /// <summary>The feature's parent, its parent's parent, and so on up to a role or top feature.</summary>
    internal static IEnumerable<WindowsFeature> Ancestors(WindowsFeature feature)
    {
        for (var parent = feature.Parent is null ? null : Find(feature.Parent); parent is not null; parent = parent.Parent is null ? null : Find(parent.Parent)) yield return parent;
    }

    internal static int Depth(WindowsFeature feature) => 1 + Ancestors(feature).Count();

    /// <summary>The feature's place in Server Manager's list, from 1 (a FeatureResult's Id).</summary>
    internal static int Id(WindowsFeature feature) => Ids[feature.Name];

    // Win32_ServerFeature's IDs by feature name: the class's page lists them (desktop-src/WmiSdk/win32-serverfeature.md,
    // some under older display names: .NET Framework 4.5 for 4.7, Windows PowerShell 3.0 for 5.1, File Services for File
    // and iSCSI Services); SMB 1.0 (487), Windows Defender Antivirus (1003) and System Data Archiver (1043) are from a real
    // Server 2016's and 2019's Win32_ServerFeature listing. Containers, DHCP Server Tools, SNMP Service and Windows Server
    // Backup have no ID there, so they are not listed in WMI here (UNVERIFIED which they are).
    private static readonly Dictionary<string, uint> ServerFeatureIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AD-Domain-Services"] = 10, ["ADFS-Federation"] = 8, ["AD-Certificate"] = 16, ["DHCP"] = 12, ["DNS"] = 13, ["FileAndStorage-Services"] = 481,
        ["File-Services"] = 6, ["FS-FileServer"] = 255, ["FS-BranchCache"] = 350, ["FS-Data-Deduplication"] = 436, ["FS-DFS-Namespace"] = 101,
        ["FS-DFS-Replication"] = 102, ["FS-Resource-Manager"] = 104, ["FS-VSS-Agent"] = 434, ["FS-iSCSITarget-Server"] = 435,
        ["FS-NFS-Service"] = 431, ["FS-SyncShareService"] = 486, ["Storage-Services"] = 482, ["Hyper-V"] = 20, ["NPAS"] = 14, ["Print-Services"] = 7,
        ["Print-Server"] = 135, ["RemoteAccess"] = 468, ["DirectAccess-VPN"] = 469, ["Routing"] = 470, ["Remote-Desktop-Services"] = 18,
        ["RDS-Connection-Broker"] = 133, ["RDS-Gateway"] = 132, ["RDS-Licensing"] = 131, ["RDS-RD-Server"] = 130, ["RDS-Web-Access"] = 134,
        ["Web-Server"] = 2, ["Web-WebServer"] = 140, ["Web-Common-Http"] = 141, ["Web-Default-Doc"] = 143, ["Web-Dir-Browsing"] = 144,
        ["Web-Http-Errors"] = 145, ["Web-Static-Content"] = 142, ["Web-Http-Redirect"] = 146, ["Web-DAV-Publishing"] = 314, ["Web-Health"] = 155,
        ["Web-Http-Logging"] = 156, ["Web-Custom-Logging"] = 160, ["Web-Log-Libraries"] = 157, ["Web-ODBC-Logging"] = 161,
        ["Web-Request-Monitor"] = 158, ["Web-Http-Tracing"] = 159, ["Web-Performance"] = 171, ["Web-Stat-Compression"] = 172,
        ["Web-Dyn-Compression"] = 173, ["Web-Security"] = 162, ["Web-Filtering"] = 169, ["Web-Basic-Auth"] = 163, ["Web-CertProvider"] = 446,
        ["Web-Client-Auth"] = 166, ["Web-Digest-Auth"] = 165, ["Web-Cert-Auth"] = 167, ["Web-IP-Security"] = 170, ["Web-Url-Auth"] = 168,
        ["Web-Windows-Auth"] = 164, ["Web-App-Dev"] = 147, ["Web-Net-Ext"] = 149, ["Web-Net-Ext45"] = 414, ["Web-AppInit"] = 445, ["Web-ASP"] = 150,
        ["Web-Asp-Net"] = 148, ["Web-Asp-Net45"] = 413, ["Web-CGI"] = 151, ["Web-ISAPI-Ext"] = 152, ["Web-ISAPI-Filter"] = 153,
        ["Web-Includes"] = 154, ["Web-WebSockets"] = 447, ["Web-Ftp-Server"] = 184, ["Web-Ftp-Service"] = 316, ["Web-Ftp-Ext"] = 317,
        ["Web-Mgmt-Tools"] = 174, ["Web-Mgmt-Console"] = 175, ["Web-Mgmt-Compat"] = 178, ["Web-Metabase"] = 179, ["Web-Scripting-Tools"] = 176,
        ["Web-Mgmt-Service"] = 177, ["WDS"] = 19, ["UpdateServices"] = 404, ["NET-Framework-Features"] = 36, ["NET-Framework-Core"] = 220,
        ["NET-HTTP-Activation"] = 222, ["NET-Non-HTTP-Activ"] = 223, ["NET-Framework-45-Features"] = 466, ["NET-Framework-45-Core"] = 418,
        ["NET-Framework-45-ASPNET"] = 429, ["NET-WCF-Services45"] = 420, ["NET-WCF-TCP-PortSharing45"] = 425, ["BitLocker"] = 61,
        ["Failover-Clustering"] = 33, ["GPMC"] = 69, ["Multipath-IO"] = 57, ["RSAT"] = 67, ["RSAT-AD-PowerShell"] = 331, ["RSAT-AD-Tools"] = 329,
        ["RSAT-ADDS"] = 257, ["RSAT-Clustering"] = 268, ["RSAT-DNS-Server"] = 273, ["FS-SMB1"] = 487, ["System-DataArchiver"] = 1043,
        ["Telnet-Client"] = 44, ["WAS"] = 41, ["WAS-Process-Model"] = 219, ["WAS-Config-APIs"] = 217, ["Windows-Defender"] = 1003,
        ["PowerShellRoot"] = 417, ["PowerShell"] = 412, ["PowerShell-ISE"] = 351, ["Search-Service"] = 432, ["Wireless-Networking"] = 38,
        ["WoW64-Support"] = 340, ["XPS-Viewer"] = 338,
    };

    /// <summary>The feature's Win32_ServerFeature ID; null where the class's page gives none (the feature is not listed in WMI here).</summary>
    internal static uint? ServerFeatureId(WindowsFeature feature) => ServerFeatureIds.TryGetValue(feature.Name, out var id) ? id : null;

    internal static IEnumerable<WindowsFeature> Children(WindowsFeature feature) => All.Where(f => f.Parent == feature.Name);
}

/// <summary>
/// The files a feature puts on the disk when it is installed, as Windows' setup leaves them: IIS's web server its
/// C:\inetpub folders (wwwroot with iisstart.htm and iisstart.png, logs\LogFiles, temp, history, custerr) and its programs
/// in System32\inetsrv (appcmd.exe, w3wp.exe), its console InetMgr.exe. Uninstalling leaves them, as Windows leaves inetpub.
/// UNVERIFIED: iisstart.htm's bytes (as remembered) and the programs' sizes; iisstart.png is a 1x1 stand-in, not IIS's image.
/// </summary>
internal static class WindowsFeatureFiles
{
    private const string IisStart = """
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml">
        <head>
        <meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
        <title>IIS Windows Server</title>
        <style type="text/css">
        <!--
        body {
        	color:#000000;
        	background-color:#0072C6;
        	margin:0;
        }

        #container {
        	margin-left:auto;
        	margin-right:auto;
        	text-align:center;
        	}

        a img {
        	border:none;
        }

        -->
        </style>
        </head>
        <body>
        <div id="container">
        <a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a>
        </div>
        </body>
        </html>
        """;

    // A 1x1 PNG: a stand-in for IIS's start image.
    private static readonly byte[] StandInPng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAE/gH+qEwM7QAAAABJRU5ErkJggg==");

    public static void Place(WindowsFeature feature, VirtualFileSystem disk)
    {
        switch (feature.Name)
        {
            case "Web-WebServer":
                foreach (var folder in new[] { @"C:\inetpub\wwwroot", @"C:\inetpub\logs\LogFiles", @"C:\inetpub\temp\appPools", @"C:\inetpub\history", @"C:\inetpub\custerr\en-US" })
                {
                    disk.CreateDirectory(folder);
                }

                if (disk.Get(@"C:\inetpub\wwwroot\iisstart.htm") is null)
                {
                    disk.Write(@"C:\inetpub\wwwroot\iisstart.htm", System.Text.Encoding.ASCII.GetBytes(IisStart.ReplaceLineEndings("\r\n") + "\r\n"), FileWriteMode.Create);
                    disk.Write(@"C:\inetpub\wwwroot\iisstart.png", StandInPng, FileWriteMode.Create);
                }

                disk.AddProgramImage(@"C:\Windows\System32\inetsrv\appcmd.exe", 121_856);
                disk.AddProgramImage(@"C:\Windows\System32\inetsrv\w3wp.exe", 24_064);
                break;
            case "Web-Mgmt-Console":
                disk.AddProgramImage(@"C:\Windows\System32\inetsrv\InetMgr.exe", 126_976);
                break;
        }
    }
}
