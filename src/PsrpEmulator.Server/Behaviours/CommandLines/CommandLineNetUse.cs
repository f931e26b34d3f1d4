using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>net use</c> on a computer that has mapped nothing and reaches no other computer (the emulated computers have no
/// network besides their WinRM endpoint; alone it lists no connections, <see cref="NetSessionsScript"/>): connecting a drive, <c>*</c> or no device to
/// another computer's share (<c>\\vboxsvr\vagrant</c>, with a password, <c>/user:</c>, <c>/persistent:</c>) is system
/// error 53 (the network path was not found, exit code 2, as net writes it on stderr); <c>/delete</c> of a device is
/// NET HELPMSG 2250 (no such connection). A share of the computer itself (its name, localhost, an address of its own)
/// or of another of the emulator's computers that lets SMB in is not emulated (what net does there depends on the
/// credentials: the session's logon has none to pass on, explicit ones would connect).
/// </summary>
internal sealed class NetUseScript(string remote, bool delete) : ICommandLineScript
{
    public string Description => "net use";

    public static bool TryParse(string line, out NetUseScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count < 2 || !CommandLineText.IsProgram(tokens[0], "net") || !tokens[1].Equals("use", StringComparison.OrdinalIgnoreCase)) return false;
        var words = tokens.Skip(2).ToList();
        // net use alone (no connections) is NetSessionsScript's.
        if (words.Count == 0) return false;

        var options = words.Where(w => w.StartsWith('/')).Select(w => w.ToLowerInvariant()).ToList();
        var plain = words.Where(w => !w.StartsWith('/')).ToList();
        if (options.Any(o => o is "/delete" or "/d" or "/del") && plain is [var device] && IsDevice(device) && options.All(o => o is "/delete" or "/d" or "/del" or "/y" or "/yes"))
        {
            script = new NetUseScript(device, delete: true);
            return true;
        }

        if (!options.All(o => o.StartsWith("/user:", StringComparison.Ordinal) || o.StartsWith("/u:", StringComparison.Ordinal) ||
            o.StartsWith("/persistent:", StringComparison.Ordinal) || o.StartsWith("/p:", StringComparison.Ordinal) || o is "/y" or "/yes" or "/savecred"))
        {
            return false;
        }

        // [device] \\server\share [password | *]
        var at = plain.Count > 0 && IsDevice(plain[0]) ? 1 : 0;
        if (plain.Count <= at || !plain[at].StartsWith(@"\\", StringComparison.Ordinal) || plain.Count > at + 2) return false;
        if (plain[at][2..].Split('\\')[0].Length == 0) return false;
        script = new NetUseScript(plain[at], delete: false);
        return true;
    }

    private static bool IsDevice(string word) => word == "*" || (word.Length == 2 && char.IsAsciiLetter(word[0]) && word[1] == ':');

    // The computer's own names: its shares are not another computer's (what mapping them does is not emulated).
    private static bool IsThisComputer(string server, string computer) =>
        server.Equals("localhost", StringComparison.OrdinalIgnoreCase) || server.StartsWith("127.", StringComparison.Ordinal) || server is "." or "::1" ||
        server.Equals(computer, StringComparison.OrdinalIgnoreCase);

    // Another of the emulator's computers (by name or address) whose firewall lets SMB's port 445 in.
    private static bool IsNeighbourSharing(string server, string computer, ICommandLineHost host) =>
        host.NetworkSettings is { } network &&
        PingCommandScript.Resolve(server, computer, ipv4Only: true, disk: host.FileSystem, ipv4: network.IPv4, network: network) is var (address, _, _) &&
        network.NeighbourLetsIn(address, 445);

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var server = remote[2..].Split('\\')[0];
        var computer = host.Facts.GetValueOrDefault("computername") ?? "localhost";
        if (!delete && (IsThisComputer(server, computer) || IsNeighbourSharing(server, computer, host)))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("net use " + remote), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var message = delete
            ? "The network connection could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2250.\r\n\r\n"
            : "System error 53 has occurred.\r\n\r\nThe network path was not found.\r\n\r\n";
        await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
        return 2;
    }
}
