using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// netstat.exe over the computer's listening sockets (<see cref="ListeningSockets"/>): <c>-a</c> lists the listeners
/// (without it only connections, of which the emulator has none), <c>-n</c> numbers, <c>-o</c> the owning PID, <c>-b</c>
/// the owner (an svchost's service and image, "Can not obtain ownership information" for System: InSpec's port resource
/// reads <c>netstat -anbo</c>), <c>-p TCP|UDP|TCPv6|UDPv6</c> one protocol; options combine as <c>-ano</c> or
/// <c>-a -n -o</c>. Without <c>-n</c> netstat names hosts and ports (not emulated), as are -e, -r, -s and an interval.
/// </summary>
internal sealed class NetstatScript(bool all, bool owner, bool binary, string? protocol, bool valid) : ICommandLineScript
{
    private const string Usage = "\r\nDisplays protocol statistics and current TCP/IP network connections.\r\n\r\nNETSTAT [-a] [-b] [-e] [-f] [-n] [-o] [-p proto] [-r] [-s] [-x] [-t] [interval]\r\n\r\n";

    public string Description => "netstat";

    /// <summary>
    /// The netstat line; false for a program not named netstat, and for one the emulator does not emulate (names
    /// without -n, statistics, routes, an interval), which is then the scenario error of an unanswered command.
    /// </summary>
    public static bool TryParse(string line, out NetstatScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("netstat", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("netstat.exe", StringComparison.OrdinalIgnoreCase))) return false;
        bool all = false, numeric = false, owner = false, binary = false, valid = true;
        string? protocol = null;
        for (var i = 1; i < tokens.Count; i++)
        {
            var word = tokens[i].Value;
            if (word.Length < 2 || word[0] is not ('-' or '/'))
            {
                // An interval (netstat -an 5 repeats for ever) is not emulated; another word is netstat's usage.
                if (int.TryParse(word, out _)) return false;
                valid = false;
                continue;
            }

            foreach (var letter in word[1..].ToLowerInvariant())
            {
                switch (letter)
                {
                    case 'a': all = true; break;
                    case 'n': numeric = true; break;
                    case 'o': owner = true; break;
                    case 'b': binary = true; break;
                    case 'p':
                        if (i + 1 < tokens.Count && tokens[i + 1].Value.ToUpperInvariant() is "TCP" or "UDP" or "TCPV6" or "UDPV6") protocol = tokens[++i].Value.ToUpperInvariant();
                        else valid = false;
                        break;
                    case 'e' or 'r' or 's' or 'f' or 'x' or 't' or 'q' or 'y':
                        return false;
                    default:
                        valid = false;
                        break;
                }
            }
        }

        // Names of hosts and services (0.0.0.0:epmap, SERVER01:0) are not emulated.
        if (valid && all && !numeric) return false;
        script = new NetstatScript(all, owner, binary, protocol, valid);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!valid)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, Usage, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new StringBuilder("\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State");
        text.Append(owner ? "           PID\r\n" : "\r\n");
        var sockets = all ? ListeningSockets.All : [];
        foreach (var socket in sockets)
        {
            var v6 = socket.Address.Contains(':', StringComparison.Ordinal);
            if (protocol is not null && protocol != socket.Protocol + (v6 ? "V6" : string.Empty)) continue;
            var local = (v6 ? "[" + socket.Address + "]" : socket.Address) + ":" + socket.Port.ToString(CultureInfo.InvariantCulture);
            var tcp = socket.Protocol == "TCP";
            var foreign = tcp ? (v6 ? "[::]:0" : "0.0.0.0:0") : "*:*";
            text.Append("  ").Append(socket.Protocol.PadRight(7)).Append(local.PadRight(23)).Append(foreign.PadRight(23));
            if (owner) text.Append((tcp ? "LISTENING" : string.Empty).PadRight(16)).Append(socket.ProcessId.ToString(CultureInfo.InvariantCulture));
            else text.Append(tcp ? "LISTENING" : string.Empty);
            text.Append("\r\n");
            if (binary) text.Append(socket.Service is { } service ? $"  {service}\r\n [svchost.exe]\r\n" : " Can not obtain ownership information\r\n");
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
