using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>ipconfig /all</c> in Windows' layout: the host, then the adapter Get-NetAdapter shows (its description and MAC
/// address, DHCP off, the addresses plain <c>ipconfig</c> shows, the static IPv4 configuration's gateway) and its DNS servers as Set-DnsClientServerAddress left
/// them (<see cref="NetworkSettings.ShownDnsServers"/>: a site-local fec0 one with its scope, %1). The DHCPv6 IAID and
/// DUID and "Node Type: Hybrid" are the emulator's (UNVERIFIED). Plain <c>ipconfig</c> is the default scenario's rule.
/// </summary>
internal sealed class IpconfigAllScript : ICommandLineScript
{
    public string Description => "ipconfig /all";

    public static bool TryParse(string line, out IpconfigAllScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count != 2 || !CommandLineText.IsProgram(tokens[0], "ipconfig") || !(tokens[1].Equals("/all", StringComparison.OrdinalIgnoreCase) || tokens[1].Equals("-all", StringComparison.OrdinalIgnoreCase))) return false;
        script = new IpconfigAllScript();
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = host.NetworkSettings ?? new NetworkSettings();
        var text = new StringBuilder();
        text.Append("\r\nWindows IP Configuration\r\n\r\n");
        text.Append("   Host Name . . . . . . . . . . . . : ").Append(host.Facts.GetValueOrDefault("computername") ?? string.Empty).Append("\r\n");
        text.Append("   Primary Dns Suffix  . . . . . . . : \r\n   Node Type . . . . . . . . . . . . : Hybrid\r\n");
        text.Append("   IP Routing Enabled. . . . . . . . : No\r\n   WINS Proxy Enabled. . . . . . . . : No\r\n\r\n");
        text.Append("Ethernet adapter Ethernet:\r\n\r\n");
        text.Append("   Connection-specific DNS Suffix  . : \r\n");
        text.Append("   Description . . . . . . . . . . . : Microsoft Hyper-V Network Adapter\r\n");
        text.Append("   Physical Address. . . . . . . . . : ").Append(settings.MacAddress).Append("\r\n");
        text.Append("   DHCP Enabled. . . . . . . . . . . : No\r\n   Autoconfiguration Enabled . . . . : Yes\r\n");
        text.Append("   Link-local IPv6 Address . . . . . : fe80::8d4c:2f6b:a91e:5c07%4(Preferred) \r\n");
        text.Append("   IPv4 Address. . . . . . . . . . . : ").Append(settings.IPv4.Address).Append("(Preferred) \r\n");
        text.Append("   Subnet Mask . . . . . . . . . . . : ").Append(settings.IPv4.SubnetMask).Append("\r\n");
        text.Append("   Default Gateway . . . . . . . . . : ").Append(settings.IPv4.DefaultGateway).Append("\r\n");
        text.Append("   DHCPv6 IAID . . . . . . . . . . . : 67114333\r\n");
        text.Append("   DHCPv6 Client DUID. . . . . . . . : 00-01-00-01-2B-5C-3E-10-").Append(settings.MacAddress).Append("\r\n");
        var servers = settings.ShownDnsServers(NetworkSettings.Interfaces[0]);
        for (var i = 0; i < servers.Count; i++)
        {
            text.Append(i == 0 ? "   DNS Servers . . . . . . . . . . . : " : new string(' ', 39));
            text.Append(servers[i]).Append(servers[i].StartsWith("fec0:", StringComparison.OrdinalIgnoreCase) ? "%1" : string.Empty).Append("\r\n");
        }

        if (servers.Count == 0) text.Append("   DNS Servers . . . . . . . . . . . : \r\n");
        text.Append("   NetBIOS over Tcpip. . . . . . . . : Enabled\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
