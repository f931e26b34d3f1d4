using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>net share</c> over the computer's shares (<see cref="SmbShares"/>, what the SmbShare cmdlets see): the list (name,
/// resource, remark), <c>net share NAME</c> (its details and permissions), <c>net share NAME=PATH</c> with
/// <c>/GRANT:account,FULL|CHANGE|READ</c> (each; Everyone READ without one), <c>/REMARK:"text"</c>, <c>/USERS:n</c>,
/// <c>/UNLIMITED</c>, and <c>net share NAME /DELETE</c>. Errors as net's: "System error 2118 has occurred." for a name
/// shared already, 2116 for a folder that does not exist, NET HELPMSG 2310 for a share that does not (exit code 2). The
/// layout's spacing and the details' lines are as remembered (UNVERIFIED); /CACHE and the other options are not emulated.
/// </summary>
internal sealed class NetShareScript(IReadOnlyList<string> arguments, IReadOnlyList<string> options) : ICommandLineScript
{
    private const string Completed = "The command completed successfully.\r\n\r\n";

    public string Description => "net share";

    public static bool TryParse(string line, out NetShareScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase))) return false;
        if (!tokens[1].Value.Equals("share", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = tokens.Skip(2).Select(t => t.Value).ToList();
        script = new NetShareScript([.. rest.Where(t => !t.StartsWith('/'))], [.. rest.Where(t => t.StartsWith('/'))]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.SmbShares is not { } shares || options.Any(o => !IsKnown(o)))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(("net share " + string.Join(' ', arguments.Concat(options))).Trim()), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (arguments.Count == 0)
        {
            var list = new StringBuilder("\r\nShare name   Resource                        Remark\r\n\r\n-------------------------------------------------------------------------------\r\n");
            foreach (var share in shares.List())
            {
                // A name too long for its column takes a line of its own, as net's.
                var line = share.Name.Length > 12 ? share.Name + "\r\n" + new string(' ', 13) : share.Name.PadRight(13);
                line += share.Description.Length > 0 ? share.Path.PadRight(32) + share.Description : share.Path;
                list.Append(line.TrimEnd()).Append("\r\n");
            }

            await host.WriteTextAsync(WinRsStreams.Stdout, list.Append("The command completed successfully.\r\n\r\n").ToString(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var target = arguments[0];
        var equals = target.IndexOf('=');
        if (equals < 0)
        {
            if (Has("/DELETE"))
            {
                // By name, or by the folder it shares.
                var found = shares.Find(target) ?? shares.List().FirstOrDefault(s => s.Path.Length > 0 && s.Path.Equals(target.TrimEnd('\\'), StringComparison.OrdinalIgnoreCase));
                if (found is null || !shares.Remove(found.Name)) return await NotSharedAsync(host, cancellationToken).ConfigureAwait(false);
                await host.WriteTextAsync(WinRsStreams.Stdout, $"{target} was deleted successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            }

            if (shares.Find(target) is not { } share) return await NotSharedAsync(host, cancellationToken).ConfigureAwait(false);
            var details = new StringBuilder();
            void Line(string label, string value) => details.Append(label.PadRight(18)).Append(value).Append("\r\n");
            Line("Share name", share.Name);
            Line("Path", share.Path);
            Line("Remark", share.Description);
            Line("Maximum users", share.ConcurrentUserLimit == 0 ? "No limit" : share.ConcurrentUserLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            details.Append("Users\r\n");
            Line("Caching", share.CachingMode switch { "None" => "Caching disabled", "Documents" => "Automatic caching of documents", "Programs" => "Automatic caching of programs and documents", _ => "Manual caching of documents" });
            var permissions = share.Permissions.Select(p => $"{p.AccountName}, {(p.Deny ? "DENY " : string.Empty)}{p.Right.ToUpperInvariant()}").ToList();
            for (var i = 0; i < Math.Max(1, permissions.Count); i++) Line(i == 0 ? "Permission" : string.Empty, permissions.ElementAtOrDefault(i) ?? string.Empty);
            await host.WriteTextAsync(WinRsStreams.Stdout, details.Append("\r\n").Append(Completed).ToString(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var name = target[..equals];
        if (name.Length == 0) return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
        if (!SmbShares.IsValidName(name)) return await SystemErrorAsync(host, 123, "The filename, directory name, or volume label syntax is incorrect.", cancellationToken).ConfigureAwait(false);
        var path = VirtualFileSystem.FullPath(target[(equals + 1)..].Trim('"'), host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
        if (path is null || host.FileSystem?.Get(path) is not { IsDirectory: true }) return await SystemErrorAsync(host, 2116, "The device or directory does not exist.", cancellationToken).ConfigureAwait(false);
        var grants = new List<SmbShares.Access>();
        foreach (var grant in Values("/GRANT"))
        {
            var comma = grant.LastIndexOf(',');
            var right = comma < 0 ? null : grant[(comma + 1)..].ToUpperInvariant() switch { "FULL" => "Full", "CHANGE" => "Change", "READ" => "Read", _ => null };
            if (right is null) return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
            if (FileAccessControl.SidOf(grant[..comma], host.LocalAccounts) is not { } sid) return await SystemErrorAsync(host, 1332, "No mapping between account names and security IDs was done.", cancellationToken).ConfigureAwait(false);
            grants.Add(new SmbShares.Access(FileAccessControl.NameOf(sid, host.LocalAccounts), false, right));
        }

        if (grants.Count == 0) grants.Add(new SmbShares.Access("Everyone", false, "Read"));
        var users = Values("/USERS").LastOrDefault() is { } limit && uint.TryParse(limit, out var count) ? count : 0;
        var added = new SmbShares.Share(name, path, Values("/REMARK").LastOrDefault()?.Trim('"') ?? string.Empty) { Permissions = grants, ConcurrentUserLimit = users };
        if (!shares.TryAdd(added)) return await SystemErrorAsync(host, 2118, "The name has already been shared.", cancellationToken).ConfigureAwait(false);
        await host.WriteTextAsync(WinRsStreams.Stdout, $"{name} was shared successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static bool IsKnown(string option) => option.Split(':')[0].ToUpperInvariant() is "/DELETE" or "/GRANT" or "/REMARK" or "/USERS" or "/UNLIMITED";

    private bool Has(string name) => options.Any(o => o.Equals(name, StringComparison.OrdinalIgnoreCase));

    private IEnumerable<string> Values(string name) =>
        options.Where(o => o.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(o => o[(name.Length + 1)..]);

    private static async Task<int> NotSharedAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, "This shared resource does not exist.\r\n\r\nMore help is available by typing NET HELPMSG 2310.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 2;
    }

    private static async Task<int> SystemErrorAsync(ICommandLineHost host, int code, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, $"System error {code} has occurred.\r\n\r\n{message}\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 2;
    }

    private static async Task<int> SyntaxAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, "The syntax of this command is:\r\n\r\nNET SHARE\r\nsharename\r\n          sharename=drive:path [/GRANT:user,[READ | CHANGE | FULL]]\r\n                               [/USERS:number | /UNLIMITED]\r\n                               [/REMARK:\"text\"]\r\n                               [/CACHE:Manual | Documents| Programs | BranchCache | None]\r\n          sharename [/USERS:number | /UNLIMITED]\r\n                    [/REMARK:\"text\"]\r\n                    [/CACHE:Manual | Documents | Programs | BranchCache | None]\r\n          {sharename | devicename | drive:path} /DELETE\r\n          sharename \\\\computername /DELETE\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
