using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>ipconfig /all</c> in Windows' layout: the host, then the adapter Get-NetAdapter shows (its description and MAC
/// address, DHCP off, the addresses plain <c>ipconfig</c> shows, the static IPv4 configuration's gateway) and its DNS servers as Set-DnsClientServerAddress left
/// them (<see cref="NetworkSettings.ShownDnsServers"/>: a site-local fec0 one with its scope, %1), its connection-specific suffix as Set-DnsClient left it, and the DNS Suffix Search List (Set-DnsClientGlobalSetting's, else the adapters' suffixes). The DHCPv6 IAID and
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
        text.Append("   IP Routing Enabled. . . . . . . . : No\r\n   WINS Proxy Enabled. . . . . . . . : No\r\n");
        // The suffixes the resolver tries (the global list, else the adapters' own), one a line under the first.
        var suffixes = settings.EffectiveSuffixSearchList();
        for (var i = 0; i < suffixes.Count; i++) text.Append(i == 0 ? "   DNS Suffix Search List. . . . . . : " : new string(' ', 39)).Append(suffixes[i]).Append("\r\n");
        text.Append("\r\n");
        text.Append("Ethernet adapter Ethernet:\r\n\r\n");
        text.Append("   Connection-specific DNS Suffix  . : ").Append(settings.DnsClientOf(NetworkSettings.Interfaces[0]).ConnectionSpecificSuffix).Append("\r\n");
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

/// <summary>
/// <c>ipconfig /flushdns</c> and <c>ipconfig /displaydns</c> over the computer's DNS client cache
/// (<see cref="DnsClientCache"/>): flushing empties it; displaying lists each cached record set under the name asked
/// for, an A record's name, type, time to live, length, section and address, a "no records" answer as "No records of
/// type AAAA", in Windows' layout (two blank lines after the header and after each record set, as a Windows Server
/// 2016 capture shows; an empty cache's UNVERIFIED).
/// </summary>
internal sealed class IpconfigDnsScript(bool flush) : ICommandLineScript
{
    public string Description => flush ? "ipconfig /flushdns" : "ipconfig /displaydns";

    public static bool TryParse(string line, out IpconfigDnsScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count != 2 || !CommandLineText.IsProgram(tokens[0], "ipconfig")) return false;
        var option = tokens[1].Replace('-', '/').ToLowerInvariant();
        if (option is not ("/flushdns" or "/displaydns")) return false;
        script = new IpconfigDnsScript(option == "/flushdns");
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = host.NetworkSettings ?? new NetworkSettings();
        var text = new StringBuilder("\r\nWindows IP Configuration\r\n\r\n");
        if (flush)
        {
            settings.DnsCache.Clear();
            text.Append("Successfully flushed the DNS Resolver Cache.\r\n");
        }
        else
        {
            // Each record set ends with two blank lines, the header with one more.
            text.Append("\r\n");
            var now = settings.Clock.GetUtcNow();
            foreach (var record in settings.DnsCache.Current(now))
            {
                text.Append("    ").Append(record.Entry).Append("\r\n    ----------------------------------------\r\n");
                if (record.Status != DnsClientCache.Success)
                {
                    text.Append("    No records of type ").Append(DnsClientCache.NameOf("Type", record.Type)).Append("\r\n\r\n\r\n");
                    continue;
                }

                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"    Record Name . . . . . : {record.Name}\r\n    Record Type . . . . . : {record.Type}\r\n    Time To Live  . . . . : {record.TimeToLive(now)}\r\n" +
                    $"    Data Length . . . . . : {record.DataLength}\r\n    Section . . . . . . . : Answer\r\n    A (Host) Record . . . : {record.Data}\r\n\r\n\r\n");
            }
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
