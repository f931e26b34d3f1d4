using System.Collections.Concurrent;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A role, role service or feature of Server Manager: its name, display name, type, parent and whether a fresh server has it.</summary>
internal sealed record WindowsFeature(string Name, string DisplayName, string FeatureType, string? Parent, bool InstalledByDefault, bool Default = false, bool ManagementTool = false, bool NeedsRestart = false);

/// <summary>
/// The Windows features of one computer: a fresh Windows Server 2019 Datacenter's common roles and features (a subset;
/// names as Server Manager spells them, display names UNVERIFIED), what Install-WindowsFeature and
/// Uninstall-WindowsFeature changed on top. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class WindowsFeatureStates
{
    internal static readonly IReadOnlyList<WindowsFeature> All =
    [
        new("AD-Domain-Services", "Active Directory Domain Services", "Role", null, false),
        new("DHCP", "DHCP Server", "Role", null, false),
        new("DNS", "DNS Server", "Role", null, false),
        new("FileAndStorage-Services", "File and Storage Services", "Role", null, true),
        new("File-Services", "File and iSCSI Services", "Role Service", "FileAndStorage-Services", false),
        new("FS-FileServer", "File Server", "Role Service", "File-Services", false, Default: true),
        new("Storage-Services", "Storage Services", "Role Service", "FileAndStorage-Services", true),
        new("Hyper-V", "Hyper-V", "Role", null, false, NeedsRestart: true),
        new("Web-Server", "Web Server (IIS)", "Role", null, false),
        new("Web-WebServer", "Web Server", "Role Service", "Web-Server", false, Default: true),
        new("Web-Common-Http", "Common HTTP Features", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Default-Doc", "Default Document", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Dir-Browsing", "Directory Browsing", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Http-Errors", "HTTP Errors", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Static-Content", "Static Content", "Role Service", "Web-Common-Http", false, Default: true),
        new("Web-Health", "Health and Diagnostics", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Http-Logging", "HTTP Logging", "Role Service", "Web-Health", false, Default: true),
        new("Web-Performance", "Performance", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Stat-Compression", "Static Content Compression", "Role Service", "Web-Performance", false, Default: true),
        new("Web-Security", "Security", "Role Service", "Web-WebServer", false, Default: true),
        new("Web-Filtering", "Request Filtering", "Role Service", "Web-Security", false, Default: true),
        new("Web-App-Dev", "Application Development", "Role Service", "Web-WebServer", false),
        new("Web-Asp-Net45", "ASP.NET 4.7", "Role Service", "Web-App-Dev", false),
        new("Web-Mgmt-Tools", "Management Tools", "Role Service", "Web-Server", false, ManagementTool: true),
        new("Web-Mgmt-Console", "IIS Management Console", "Role Service", "Web-Mgmt-Tools", false, ManagementTool: true),
        new("NET-Framework-Features", ".NET Framework 3.5 Features", "Feature", null, false),
        new("NET-Framework-Core", ".NET Framework 3.5 (includes .NET 2.0 and 3.0)", "Feature", "NET-Framework-Features", false, Default: true),
        new("NET-Framework-45-Features", ".NET Framework 4.7 Features", "Feature", null, true),
        new("NET-Framework-45-Core", ".NET Framework 4.7", "Feature", "NET-Framework-45-Features", true),
        new("NET-WCF-Services45", "WCF Services", "Feature", "NET-Framework-45-Features", true),
        new("NET-WCF-TCP-PortSharing45", "TCP Port Sharing", "Feature", "NET-WCF-Services45", true),
        new("Containers", "Containers", "Feature", null, false, NeedsRestart: true),
        new("RSAT", "Remote Server Administration Tools", "Feature", null, false),
        new("RSAT-AD-PowerShell", "Active Directory module for Windows PowerShell", "Feature", "RSAT", false),
        new("Telnet-Client", "Telnet Client", "Feature", null, false),
        new("Windows-Defender", "Windows Defender Antivirus", "Feature", null, true),
        new("PowerShellRoot", "Windows PowerShell", "Feature", null, true),
        new("PowerShell", "Windows PowerShell 5.1", "Feature", "PowerShellRoot", true),
        new("PowerShell-ISE", "Windows PowerShell ISE", "Feature", "PowerShellRoot", true),
        new("WoW64-Support", "WoW64 Support", "Feature", null, true),
        new("XPS-Viewer", "XPS Viewer", "Feature", null, true),
    ];

    // After All: each feature's place in the list, from 1.
    private static readonly Dictionary<string, int> Ids = All.Select((f, i) => (f.Name, Id: i + 1)).ToDictionary(p => p.Name, p => p.Id, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, bool> _installed = new(StringComparer.OrdinalIgnoreCase);

    internal bool IsInstalled(WindowsFeature feature) => _installed.TryGetValue(feature.Name, out var installed) ? installed : feature.InstalledByDefault;

    internal void Set(WindowsFeature feature, bool installed) => _installed[feature.Name] = installed;

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

    internal static IEnumerable<WindowsFeature> Children(WindowsFeature feature) => All.Where(f => f.Parent == feature.Name);
}
