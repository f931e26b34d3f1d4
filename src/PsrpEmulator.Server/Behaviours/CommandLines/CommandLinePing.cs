using System.Globalization;
using System.Net;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// ping.exe as scripts use it to wait (<c>ping -n 6 127.0.0.1 &gt; nul</c>, because timeout.exe refuses a WinRS
/// session's redirected stdin): echo requests to the computer itself, one a second on the server's clock, in
/// Windows' layout. A loopback address (127.x.x.x, ::1) answers; <c>localhost</c> answers from ::1 (from 127.0.0.1
/// with <c>-4</c>) under the computer's name, as Windows resolves it; the computer's own name from the link-local
/// address ipconfig shows. Another address is not reached ("Request timed out." after <c>-w</c> milliseconds, 4,000
/// by default; exit code 1), another name not found. Options <c>-n count</c>, <c>-t</c> (until the command is
/// stopped), <c>-l size</c>, <c>-w timeout</c>, <c>-4</c>, <c>-6</c>; <c>-a</c> and <c>-i</c>/<c>-v</c> are accepted and change nothing.
/// </summary>
internal sealed class PingCommandScript(string arguments) : ICommandLineScript
{
    // The link-local address the default ipconfig shows (the computer's own name resolves to it): a random interface
    // identifier, as Windows makes by default (randomizeidentifiers), not the MAC's EUI-64.
    internal const string LinkLocal = "fe80::8d4c:2f6b:a91e:5c07%4";

    public string Description => "ping " + arguments;

    public static bool TryParse(string line, out PingCommandScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!name.Equals("ping", StringComparison.OrdinalIgnoreCase) && !name.Equals("ping.exe", StringComparison.OrdinalIgnoreCase)) return false;
        script = new PingCommandScript(line[name.Length..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        long count = 4;
        var forever = false;
        var size = 32;
        long wait = 4000;
        var (ipv4Only, ipv6Only) = (false, false);
        string? target = null;
        var words = arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            if (word[0] is not ('-' or '/'))
            {
                if (target is not null) return await FailAsync(host, $"Bad parameter {word}.\r\n", cancellationToken).ConfigureAwait(false);
                target = word;
                continue;
            }

            switch (word[1..].ToLowerInvariant())
            {
                case "t": forever = true; break;
                case "a": break;
                case "4": ipv4Only = true; break;
                case "6": ipv6Only = true; break;
                case "n" or "l" or "w" or "i" or "v" when i + 1 < words.Length:
                {
                    var option = word[1..].ToLowerInvariant();
                    var (low, high) = option switch { "n" => (1L, 4294967295L), "l" => (0L, 65500L), "w" => (0L, 4294967295L), _ => (0L, 255L) };
                    if (!long.TryParse(words[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < low || value > high)
                    {
                        return await FailAsync(host, $"Bad value for option -{option}, valid range is from {low} to {high}.\r\n", cancellationToken).ConfigureAwait(false);
                    }

                    if (option == "n") count = value;
                    else if (option == "l") size = (int)value;
                    else if (option == "w") wait = value;
                    break;
                }

                case "n" or "l" or "w" or "i" or "v":
                    return await FailAsync(host, $"Value must be supplied for option {word}.\r\n", cancellationToken).ConfigureAwait(false);
                default:
                    return await FailAsync(host, $"Bad option {word}.\r\n", cancellationToken).ConfigureAwait(false);
            }
        }

        if (target is null) return await FailAsync(host, "IP address must be specified.\r\n", cancellationToken).ConfigureAwait(false);
        var computer = host.Facts.GetValueOrDefault("computername") ?? "localhost";
        if (Resolve(target, computer, ipv4Only, ipv6Only, host.FileSystem, host.NetworkSettings?.IPv4, host.NetworkSettings) is not var (address, shown, answers))
        {
            return await FailAsync(host, $"Ping request could not find host {target}. Please check the name and try again.\r\n", cancellationToken).ConfigureAwait(false);
        }

        var v6 = address.Contains(':', StringComparison.Ordinal);
        await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\nPinging {shown} with {size} bytes of data:\r\n", cancellationToken).ConfigureAwait(false);
        long sent = 0;
        long received = 0;
        while (forever || sent < count)
        {
            // One request a second; one that is not answered waits its timeout instead.
            if (sent > 0 && answers) await Shells.LongDelays.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            if (!answers) await Shells.LongDelays.Delay(TimeSpan.FromMilliseconds(wait), time, cancellationToken).ConfigureAwait(false);
            sent++;
            if (answers) received++;
            var line = !answers ? "Request timed out." : v6 ? $"Reply from {address}: time<1ms" : $"Reply from {address}: bytes={size} time<1ms TTL=128";
            await host.WriteTextAsync(WinRsStreams.Stdout, line + "\r\n", cancellationToken).ConfigureAwait(false);
        }

        var lost = sent - received;
        var statistics = $"\r\nPing statistics for {address}:\r\n    Packets: Sent = {sent}, Received = {received}, Lost = {lost} ({lost * 100 / Math.Max(1, sent)}% loss),\r\n";
        if (received > 0) statistics += "Approximate round trip times in milli-seconds:\r\n    Minimum = 0ms, Maximum = 0ms, Average = 0ms\r\n";
        await host.WriteTextAsync(WinRsStreams.Stdout, statistics, cancellationToken).ConfigureAwait(false);
        return received > 0 ? 0 : 1;
    }

    /// <summary>
    /// What a name or address resolves to from the computer itself: the address, the text ping shows for it, and
    /// whether it answers (loopback, localhost, the computer's own name and address and its gateway do; another address does not); null for a
    /// name not found.
    /// </summary>
    /// <param name="disk">The computer's disk, whose hosts file maps more names (<see cref="HostsFileNames"/>); null: none.</param>
    /// <param name="ipv4">The computer's IPv4 configuration: its own address and its gateway answer too; null: the default computer's.</param>
    /// <param name="network">The computer's network: the emulator's other computers on it (<see cref="NetworkSettings.Neighbours"/>) resolve, and answer when their firewall lets echo requests in; null: none.</param>
    internal static (string Address, string Shown, bool Answers)? Resolve(string target, string computer, bool ipv4Only = false, bool ipv6Only = false, VirtualFileSystem? disk = null,
        NetworkSettings.IPv4Configuration? ipv4 = null, NetworkSettings? network = null)
    {
        ipv4 ??= NetworkSettings.IPv4Configuration.Default;
        if (IPAddress.TryParse(target, out var ip) && target.Count(c => c == '.') is 0 or 3)
        {
            var family = ip.AddressFamily;
            if (family == System.Net.Sockets.AddressFamily.InterNetwork && ipv6Only || family == System.Net.Sockets.AddressFamily.InterNetworkV6 && ipv4Only) return null;
            var text = ip.ToString();
            return (text, text, IPAddress.IsLoopback(ip) || text == ipv4.Address || text == ipv4.DefaultGateway || network?.NeighbourAnswersEcho(text) == true);
        }

        if (target.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            var address = ipv4Only ? "127.0.0.1" : "::1";
            return (address, $"{computer.ToUpperInvariant()} [{address}]", true);
        }

        if (target.Equals(computer, StringComparison.OrdinalIgnoreCase) || target == ".")
        {
            var address = ipv4Only ? ipv4.Address : LinkLocal;
            return (address, $"{computer.ToUpperInvariant()} [{address}]", true);
        }

        // A name the hosts file maps: its first address of the family asked for (a loopback one or a neighbour's answers).
        var mapped = HostsFileNames.Lookup(disk, target.TrimEnd('.')).FirstOrDefault(a =>
            !(ipv4Only && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) && !(ipv6Only && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
        if (mapped is not null) return (mapped.ToString(), $"{target} [{mapped}]", IPAddress.IsLoopback(mapped) || network?.NeighbourAnswersEcho(mapped.ToString()) == true);

        // Another of the emulator's computers: the DNS server's A record (no IPv6 address is registered).
        // Asked by name for any family, the resolver asks for both records (getaddrinfo): the cache keeps the AAAA query's "no records" too.
        return !ipv6Only && network?.ResolveNeighbour(target.TrimEnd('.'), askedIPv6: !ipv4Only) is ({ } neighbour, _) ? (neighbour, $"{target} [{neighbour}]", network.NeighbourAnswersEcho(neighbour)) : null;
    }

    private static async Task<int> FailAsync(ICommandLineHost host, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, message, cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
