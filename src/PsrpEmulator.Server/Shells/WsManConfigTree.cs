using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// A computer's WinRM configuration as its WSMan: drive lists it, from what this emulator does: the values it acts on
/// are its options' (MaxEnvelopeSizekb, Service\AllowUnencrypted and Auth, Shell\IdleTimeout and MaxShellsPerUser,
/// EnumerationTimeoutms, each PowerShell endpoint's Quotas and OutputBufferingMode), the others a Windows Server 2019's
/// defaults after Enable-PSRemoting (UNVERIFIED where the emulator has no counterpart). Kerberos and CredSSP are false:
/// the emulator does neither. The order is WinRM's (the configuration's XML order).
/// </summary>
internal static class WsManConfigTree
{
    private static string Flag(bool value) => value ? "true" : "false";

    /// <summary>The default PowerShell endpoint's permissions: Administrators, INTERACTIVE and Remote Management Users.</summary>
    public const string DefaultEndpointSddl = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GA;;;IU)(A;;GA;;;RM)S:P(AU;FA;GA;;;WD)(AU;SA;GXGW;;;WD)";

    // WinRM names a resource's and a security's container by a number of its own; a stable one per name here (UNVERIFIED).
    private static string ResourceId(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name.ToLowerInvariant()) hash = (hash ^ c) * 16777619u;
        return (hash % 900_000_000 + 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Milliseconds(TimeSpan span) => ((long)Math.Min(span.TotalMilliseconds, uint.MaxValue)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<WsManConfigEntry> For(ShellServices services)
    {
        var options = services.Options;
        var schemes = options.EffectiveAuthentication;
        var entries = new List<WsManConfigEntry>(96);
        void Leaf(string path, string value) => entries.Add(new WsManConfigEntry(path, value));
        void Container(string path, IReadOnlyList<string>? keys = null) => entries.Add(new WsManConfigEntry(path, null, keys));

        Leaf("MaxEnvelopeSizekb", options.MaxEnvelopeSizeKb.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Leaf("MaxTimeoutms", "60000");
        Leaf("MaxBatchItems", "32000");
        Leaf("MaxProviderRequests", "4294967295");

        Container("Client");
        Leaf(@"Client\NetworkDelayms", "5000");
        Leaf(@"Client\URLPrefix", "wsman");
        Leaf(@"Client\AllowUnencrypted", "false");
        Container(@"Client\Auth");
        foreach (var (name, value) in new[] { ("Basic", true), ("Digest", true), ("Kerberos", true), ("Negotiate", true), ("Certificate", true), ("CredSSP", false) }) Leaf(@"Client\Auth\" + name, Flag(value));
        Container(@"Client\DefaultPorts");
        Leaf(@"Client\DefaultPorts\HTTP", "5985");
        Leaf(@"Client\DefaultPorts\HTTPS", "5986");
        Leaf(@"Client\TrustedHosts", string.Empty);

        Container("Service");
        Leaf(@"Service\RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;IU)S:P(AU;FA;GA;;;WD)(AU;SA;GXGW;;;WD)");
        Leaf(@"Service\MaxConcurrentOperations", "4294967295");
        Leaf(@"Service\MaxConcurrentOperationsPerUser", "1500");
        Leaf(@"Service\EnumerationTimeoutms", Milliseconds(options.EnumerationTimeout));
        Leaf(@"Service\MaxConnections", "300");
        Leaf(@"Service\MaxPacketRetrievalTimeSeconds", "120");
        Leaf(@"Service\AllowUnencrypted", Flag(options.AllowUnencrypted));
        Container(@"Service\Auth");
        Leaf(@"Service\Auth\Basic", Flag(schemes.Contains(WsManAuthScheme.Basic)));
        Leaf(@"Service\Auth\Kerberos", "false");
        Leaf(@"Service\Auth\Negotiate", Flag(schemes.Contains(WsManAuthScheme.Negotiate) || schemes.Contains(WsManAuthScheme.Ntlm)));
        Leaf(@"Service\Auth\Certificate", Flag(options.CertificateMappings.Count > 0));
        Leaf(@"Service\Auth\CredSSP", "false");
        Leaf(@"Service\Auth\CbtHardeningLevel", options.CbtHardeningLevel.ToString());
        Container(@"Service\DefaultPorts");
        Leaf(@"Service\DefaultPorts\HTTP", "5985");
        Leaf(@"Service\DefaultPorts\HTTPS", "5986");
        Leaf(@"Service\IPv4Filter", "*");
        Leaf(@"Service\IPv6Filter", "*");
        Leaf(@"Service\EnableCompatibilityHttpListener", "false");
        Leaf(@"Service\EnableCompatibilityHttpsListener", "false");
        Leaf(@"Service\CertificateThumbprint", string.Empty);
        Leaf(@"Service\AllowRemoteAccess", "true");

        Container("Shell");
        Leaf(@"Shell\AllowRemoteShellAccess", "true");
        Leaf(@"Shell\IdleTimeout", Milliseconds(options.IdleTimeout));
        Leaf(@"Shell\MaxConcurrentUsers", "2147483647");
        Leaf(@"Shell\MaxShellRunTime", "2147483647");
        Leaf(@"Shell\MaxProcessesPerShell", "2147483647");
        Leaf(@"Shell\MaxMemoryPerShellMB", "2147483647");
        Leaf(@"Shell\MaxShellsPerUser", options.MaxShellsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Enable-PSRemoting's HTTP listener (its name WinRM's hash of its keys, as on Windows' default listener; UNVERIFIED).
        Container("Listener");
        const string listener = @"Listener\Listener_1084132640";
        Container(listener, ["Transport=HTTP", "Address=*"]);
        Leaf(listener + @"\Address", "*");
        Leaf(listener + @"\Transport", "HTTP");
        Leaf(listener + @"\Port", "5985");
        Leaf(listener + @"\Hostname", string.Empty);
        Leaf(listener + @"\Enabled", "true");
        Leaf(listener + @"\URLPrefix", "wsman");
        Leaf(listener + @"\CertificateThumbprint", string.Empty);

        // The PowerShell endpoints (Windows' own and the ones served here), each with its initialization parameters and quotas.
        Container("Plugin");
        var plugins = new SortedSet<string>(StringComparer.OrdinalIgnoreCase) { "Event Forwarding Plugin", "microsoft.powershell", "microsoft.powershell.workflow", "microsoft.powershell32", "microsoft.windows.servermanagerworkflows", "SEL Plugin", "WMI Provider" };
        foreach (var configuration in services.Configurations) plugins.Add(configuration);
        foreach (var plugin in plugins)
        {
            var path = @"Plugin\" + plugin;
            Container(path);
            var powershell = !plugin.Equals("Event Forwarding Plugin", StringComparison.OrdinalIgnoreCase) && !plugin.Equals("SEL Plugin", StringComparison.OrdinalIgnoreCase) && !plugin.Equals("WMI Provider", StringComparison.OrdinalIgnoreCase);
            Leaf(path + @"\xmlns", "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration");
            Leaf(path + @"\Enabled", "true");
            if (!powershell) continue;
            var endpoint = options.ResolveEndpoint(plugin, services.Scenario);
            Leaf(path + @"\Name", plugin);
            Leaf(path + @"\Filename", @"%windir%\system32\pwrshplugin.dll");
            Leaf(path + @"\SDKVersion", "2");
            Leaf(path + @"\XmlRenderingType", "text");
            Leaf(path + @"\lang", "en-US");
            Leaf(path + @"\OutputBufferingMode", endpoint.BufferMode.ToString());
            Leaf(path + @"\Architecture", plugin.EndsWith("32", StringComparison.Ordinal) ? "32" : "64");
            Leaf(path + @"\UseSharedProcess", "false");
            Leaf(path + @"\ProcessIdleTimeoutSec", "0");
            Leaf(path + @"\RunAsUser", string.Empty);
            Leaf(path + @"\RunAsPassword", string.Empty);
            Leaf(path + @"\RunAsVirtualAccount", "false");
            Leaf(path + @"\RunAsVirtualAccountGroups", string.Empty);
            Leaf(path + @"\AutoRestart", "false");
            Container(path + @"\InitializationParameters");
            Leaf(path + @"\InitializationParameters\PSVersion", "5.1");
            // Its resource (the URI clients name) and its security (the default endpoint's: Administrators, INTERACTIVE,
            // Remote Management Users).
            Container(path + @"\Resources");
            var resource = path + @"\Resources\Resource_" + ResourceId(plugin);
            var uri = "http://schemas.microsoft.com/powershell/" + plugin;
            Container(resource, ["ResourceUri=" + uri]);
            Leaf(resource + @"\ResourceUri", uri);
            Leaf(resource + @"\SupportsOptions", "true");
            Leaf(resource + @"\ExactMatch", "true");
            Leaf(resource + @"\Capability", "Shell");
            var security = resource + @"\Security_" + ResourceId(uri);
            Container(security, ["Uri="]);
            Leaf(security + @"\Uri", string.Empty);
            Leaf(security + @"\Sddl", DefaultEndpointSddl);
            Leaf(security + @"\ExactMatch", "false");
            Container(path + @"\Quotas");
            Leaf(path + @"\Quotas\MaxIdleTimeoutms", Milliseconds(endpoint.MaxIdleTimeout));
            Leaf(path + @"\Quotas\IdleTimeoutms", Milliseconds(endpoint.IdleTimeout));
            Leaf(path + @"\Quotas\MaxConcurrentUsers", "5");
            Leaf(path + @"\Quotas\MaxProcessesPerShell", "15");
            Leaf(path + @"\Quotas\MaxMemoryPerShellMB", "1024");
            Leaf(path + @"\Quotas\MaxShellsPerUser", options.MaxShellsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Leaf(path + @"\Quotas\MaxConcurrentCommandsPerShell", options.MaxConcurrentCommandsPerShell.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Leaf(path + @"\Quotas\MaxShells", "2147483647");
        }

        Container("ClientCertificate");
        return entries;
    }
}
