namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A Windows optional feature as DISM names it: its DISM name, the Server Manager role or feature it is (the same state,
/// so <c>dism /enable-feature</c> and Install-WindowsFeature agree), DISM's display name and description, its parent's
/// DISM name, and for a DISM-only feature whether a fresh server has it.
/// </summary>
internal sealed record DismFeature(string Name, string? ServerManagerName, string DisplayName, string Description, string? Parent = null, bool EnabledByDefault = false);

/// <summary>
/// The optional features <c>dism /online</c> lists: those of <see cref="WindowsFeatureStates.All"/> under DISM's names
/// (IIS-WebServerRole is Web-Server...), and a few DISM-only ones scripts check (SMB1Protocol, the Linux subsystem,
/// TFTP). A subset of a real server's list; the names' mapping and the texts are UNVERIFIED beyond the common ones.
/// </summary>
internal static class DismFeatures
{
    public static readonly IReadOnlyList<DismFeature> All =
    [
        new("IIS-WebServerRole", "Web-Server", "Internet Information Services", "Internet Information Services provides support for Web and FTP servers, along with support for ASP.NET web sites, dynamic content such as Classic ASP and CGI, and local and remote management."),
        new("IIS-WebServer", "Web-WebServer", "World Wide Web Services", "Installs the IIS 10.0 World Wide Web Services. Provides support for HTML web sites and optional support for ASP.NET, Classic ASP, and web server extensions.", "IIS-WebServerRole"),
        new("IIS-CommonHttpFeatures", "Web-Common-Http", "Common HTTP Features", "Installs support for Web server content such as HTML and image files.", "IIS-WebServer"),
        new("IIS-DefaultDocument", "Web-Default-Doc", "Default Document", "Allows you to specify a default file to be loaded when users do not specify a file in a request URL.", "IIS-CommonHttpFeatures"),
        new("IIS-DirectoryBrowsing", "Web-Dir-Browsing", "Directory Browsing", "Allow clients to see the contents of a directory on your Web server.", "IIS-CommonHttpFeatures"),
        new("IIS-HttpErrors", "Web-Http-Errors", "HTTP Errors", "Installs HTTP Error files. Allows you to customize the error messages returned to clients.", "IIS-CommonHttpFeatures"),
        new("IIS-StaticContent", "Web-Static-Content", "Static Content", "Serves .htm, .html, and image files from a Web site.", "IIS-CommonHttpFeatures"),
        new("IIS-HealthAndDiagnostics", "Web-Health", "Health and Diagnostics", "Enables you to monitor and manage server, site, and application health.", "IIS-WebServer"),
        new("IIS-HttpLogging", "Web-Http-Logging", "HTTP Logging", "Enables logging of Web site activity for this server.", "IIS-HealthAndDiagnostics"),
        new("IIS-Performance", "Web-Performance", "Performance Features", "Install performance features", "IIS-WebServer"),
        new("IIS-HttpCompressionStatic", "Web-Stat-Compression", "Static Content Compression", "Compresses static content before returning it to a client.", "IIS-Performance"),
        new("IIS-Security", "Web-Security", "Security", "Enables additional security protocols to secure servers, sites, applications, vdirs, and files.", "IIS-WebServer"),
        new("IIS-RequestFiltering", "Web-Filtering", "Request Filtering", "Configures rules to block selected client requests.", "IIS-Security"),
        new("IIS-ApplicationDevelopment", "Web-App-Dev", "Application Development Features", "Install Web server application development features", "IIS-WebServer"),
        new("IIS-ASPNET45", "Web-Asp-Net45", "ASP.NET 4.7", "Enable ASP.NET 4.7", "IIS-ApplicationDevelopment"),
        new("IIS-WebServerManagementTools", "Web-Mgmt-Tools", "Web Management Tools", "Install Web management console and tools", "IIS-WebServerRole"),
        new("IIS-ManagementConsole", "Web-Mgmt-Console", "IIS Management Console", "Install Web server Management Console which supports management of local and remote Web servers", "IIS-WebServerManagementTools"),
        new("NetFx3ServerFeatures", "NET-Framework-Features", ".NET Framework 3.5 Features", ".NET Framework 3.5 combines the power of the .NET Framework 2.0 APIs with new technologies for building applications."),
        new("NetFx3", "NET-Framework-Core", ".NET Framework 3.5 (includes .NET 2.0 and 3.0)", ".NET Framework 3.5 (includes .NET 2.0 and 3.0)", "NetFx3ServerFeatures"),
        new("NetFx4ServerFeatures", "NET-Framework-45-Features", ".NET Framework 4.7 Features", ".NET Framework 4.7 Features"),
        new("NetFx4", "NET-Framework-45-Core", ".NET Framework 4.7", ".NET Framework 4.7", "NetFx4ServerFeatures"),
        new("WCF-Services45", "NET-WCF-Services45", "WCF Services", "Windows Communication Foundation Services", "NetFx4ServerFeatures"),
        new("WCF-TCP-PortSharing45", "NET-WCF-TCP-PortSharing45", "TCP Port Sharing", "TCP Port Sharing", "WCF-Services45"),
        new("Microsoft-Hyper-V", "Hyper-V", "Hyper-V", "Hyper-V"),
        new("Containers", "Containers", "Containers", "Provides services and tools to create and manage Windows Server Containers and their resources."),
        new("TelnetClient", "Telnet-Client", "Telnet Client", "Allows you to connect to other computers remotely."),
        new("Windows-Defender", "Windows-Defender", "Windows Defender Antivirus", "Windows Defender Antivirus"),
        new("MicrosoftWindowsPowerShellRoot", "PowerShellRoot", "Windows PowerShell", "Windows PowerShell"),
        new("MicrosoftWindowsPowerShell", "PowerShell", "Windows PowerShell 5.1", "Windows PowerShell 5.1", "MicrosoftWindowsPowerShellRoot"),
        new("MicrosoftWindowsPowerShellISE", "PowerShell-ISE", "Windows PowerShell Integrated Scripting Environment", "Windows PowerShell Integrated Scripting Environment", "MicrosoftWindowsPowerShell"),
        new("Xps-Foundation-Xps-Viewer", "XPS-Viewer", "XPS Viewer", "XPS Viewer"),
        new("DirectoryServices-DomainController", "AD-Domain-Services", "Active Directory Domain Services", "Active Directory Domain Services"),
        new("DHCPServer", "DHCP", "DHCP Server", "DHCP Server"),
        new("DNS-Server-Full-Role", "DNS", "DNS Server", "DNS Server"),
        new("ActiveDirectory-PowerShell", "RSAT-AD-PowerShell", "Active Directory Module for Windows PowerShell", "Active Directory Module for Windows PowerShell"),
        new("SMB1Protocol", "FS-SMB1", "SMB 1.0/CIFS File Sharing Support", "Support for the SMB 1.0/CIFS file sharing protocol, and the Computer Browser protocol."),
        new("Microsoft-Windows-Subsystem-Linux", null, "Windows Subsystem for Linux", "Provides services and environments for running native user-mode Linux shells and tools on Windows."),
        new("TFTP", null, "TFTP Client", "Transfer files using the Trivial File Transfer Protocol"),
    ];

    public static DismFeature? Find(string name) => All.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a restart completes the feature's change (Hyper-V, Containers: Server Manager's NeedsRestart).</summary>
    public static bool NeedsRestart(DismFeature feature) => WindowsFeatureStates.Find(feature.ServerManagerName ?? string.Empty)?.NeedsRestart == true;

    /// <summary>The feature's parent, its parent's parent, and so on.</summary>
    public static IEnumerable<DismFeature> Ancestors(DismFeature feature)
    {
        for (var parent = feature.Parent is null ? null : Find(feature.Parent); parent is not null; parent = parent.Parent is null ? null : Find(parent.Parent))
        {
            yield return parent;
        }
    }

    /// <summary>
    /// What enabling the features changes: each with its disabled parents (which need <paramref name="all"/>, dism's /All,
    /// the cmdlet's -All); null when a parent is disabled without it (dism's error 50).
    /// </summary>
    public static List<DismFeature>? ToEnable(WindowsFeatureStates states, IEnumerable<DismFeature> features, bool all)
    {
        var changing = new List<DismFeature>();
        foreach (var feature in features)
        {
            var parents = Ancestors(feature).Where(p => !states.IsEnabled(p)).ToList();
            if (parents.Count > 0 && !all) return null;
            changing.AddRange(parents);
            changing.Add(feature);
        }

        return changing;
    }

    /// <summary>What disabling the features changes: each with the features under it.</summary>
    public static List<DismFeature> ToDisable(IEnumerable<DismFeature> features) =>
        [.. features.SelectMany(f => All.Where(d => d == f || Ancestors(d).Contains(f)))];

    /// <summary>Enables or disables the features; whether a restart completes the change (one that needs it changed).</summary>
    public static bool Apply(WindowsFeatureStates states, IEnumerable<DismFeature> changing, bool enable)
    {
        var features = changing.Distinct().ToList();
        var restart = features.Any(f => states.IsEnabled(f) != enable && NeedsRestart(f));
        foreach (var feature in features) states.Set(feature, enable);
        return restart;
    }
}
