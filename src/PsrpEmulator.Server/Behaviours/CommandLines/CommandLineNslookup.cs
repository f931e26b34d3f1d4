using System.Net;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// nslookup.exe with one name (<c>nslookup server02</c>, <c>nslookup web01.</c>), as connectivity checks run it: the
/// query goes to the computer's DNS server (ipconfig's "DNS Servers", 10.0.0.1 by default), which has no PTR record of
/// its own ("Server:  UnKnown") and the A records of the emulator's computers on the network (the computer's own name
/// and its neighbours, <see cref="NetworkSettings.Neighbours"/>) and nothing else: not the hosts file, which nslookup
/// never reads, not localhost, no reverse (PTR) record. A name it has: "Name:" and "Address:" on stdout; another:
/// "*** UnKnown can't find x: Non-existent domain" on stderr. The exit code is 0 either way, as Windows' nslookup.
/// UNVERIFIED: that the virtual DNS server answers with authority (no "Non-authoritative answer:" line, which nslookup
/// writes to stderr); the interactive mode, options (-type=...) and a server named on the line are not emulated.
/// </summary>
internal sealed class NslookupCommandScript(string name) : ICommandLineScript
{
    public string Description => "nslookup " + name;

    public static bool TryParse(string line, out NslookupCommandScript script)
    {
        script = null!;
        var command = CommandLineText.FirstWord(line);
        if (!command.Equals("nslookup", StringComparison.OrdinalIgnoreCase) && !command.Equals("nslookup.exe", StringComparison.OrdinalIgnoreCase)) return false;
        var words = line[command.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words is not [var name] || name[0] is '-' or '/') return false;
        script = new NslookupCommandScript(name);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var network = host.NetworkSettings;
        var ipv4 = network?.IPv4 ?? NetworkSettings.IPv4Configuration.Default;
        var server = network?.DnsServers(NetworkSettings.Interfaces[0], ipv6: false).FirstOrDefault() ?? ipv4.DnsServers.FirstOrDefault() ?? "10.0.0.1";
        await host.WriteTextAsync(WinRsStreams.Stdout, $"Server:  UnKnown\r\nAddress:  {server}\r\n\r\n", cancellationToken).ConfigureAwait(false);

        var computer = host.Facts.GetValueOrDefault("computername") ?? "localhost";
        var asked = name.TrimEnd('.');
        var address = IPAddress.TryParse(asked, out _) ? null
            : asked.Equals(computer, StringComparison.OrdinalIgnoreCase) ? ipv4.Address
            : network?.Neighbours is { } neighbours && neighbours.TryGetValue(asked, out var neighbour) ? neighbour
            : null;
        if (address is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, $"*** UnKnown can't find {name}: Non-existent domain\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, $"Name:    {asked}\r\nAddress:  {address}\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
