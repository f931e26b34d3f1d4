using System.Net;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The names the computer's hosts file (C:\Windows\System32\drivers\etc\hosts on its disk) maps, as Windows' resolver
/// reads it before it asks DNS: a line is an address and its names, blanks between, <c>#</c> to the line's end a
/// comment; names compare ignoring case, and a name's addresses come in the file's order. A script that adds
/// <c>10.0.0.5 app.local</c> makes ping, Test-Connection, Test-NetConnection, Resolve-DnsName and [Net.Dns] find it.
/// </summary>
internal static class HostsFileNames
{
    public const string Path = @"C:\Windows\System32\drivers\etc\hosts";

    // Lines read at most (a hosts file of millions of lines is not one a resolver reads in full either).
    private const int MaxLines = 100_000;

    /// <summary>The addresses the hosts file gives <paramref name="name"/>; empty when it has none (or the computer has no disk).</summary>
    public static IReadOnlyList<IPAddress> Lookup(VirtualFileSystem? disk, string name)
    {
        if (disk is null || name.Length == 0 || disk.Read(Path, out var bytes) != FileSystemFailure.None) return [];
        var found = new List<IPAddress>();
        var lines = 0;
        foreach (var raw in RunContext.DecodeText(bytes, System.Text.Encoding.UTF8).Split('\n'))
        {
            if (++lines > MaxLines) break;
            var hash = raw.IndexOf('#');
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0) continue;
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !IPAddress.TryParse(words[0], out var address)) continue;
            if (words.Skip(1).Any(w => w.Equals(name, StringComparison.OrdinalIgnoreCase)) && !found.Contains(address)) found.Add(address);
        }

        return found;
    }
}
