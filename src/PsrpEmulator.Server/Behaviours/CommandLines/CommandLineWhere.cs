namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// where.exe (<c>where</c> in cmd, <c>where.exe</c> from PowerShell, where <c>where</c> is Where-Object): each pattern's
/// files in the current directory, then in the folders of PATH in order, a name without an extension tried with each of
/// PATHEXT's, wildcards (<c>*</c>, <c>?</c>) matched; their full paths, one a line. None found for a pattern is
/// "INFO: Could not find files for the given pattern(s)." on stderr and exit code 1; <c>/Q</c> prints nothing.
/// <c>/R</c>, <c>/F</c> and <c>/T</c> are not emulated.
/// </summary>
internal sealed class WhereScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("where " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out WhereScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("where", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("where.exe", StringComparison.OrdinalIgnoreCase))) return false;
        script = new WhereScript([.. tokens.Skip(1).Select(t => t.Value.Trim('"'))]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var quiet = arguments.Any(a => a.Equals("/Q", StringComparison.OrdinalIgnoreCase));
        var patterns = arguments.Where(a => !a.StartsWith('/')).ToList();
        if (host.FileSystem is not { } disk || arguments.Any(a => a.StartsWith('/') && !a.Equals("/Q", StringComparison.OrdinalIgnoreCase)))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (patterns.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: A search pattern must be specified.\r\nType \"WHERE /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 2;
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var folders = new List<string> { cd };
        foreach (var entry in (host.EnvironmentVariable("PATH") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (VirtualFileSystem.FullPath(PersistentEnvironment.Expand(entry, host.EnvironmentVariable), cd, out _) is { } folder &&
                !folders.Contains(folder, StringComparer.OrdinalIgnoreCase)) folders.Add(folder);
        }

        var extensions = (host.EnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var found = new List<string>();
        var missing = false;
        foreach (var pattern in patterns)
        {
            // A name with an extension is itself; one without also with each of PATHEXT's.
            var names = pattern.Contains('.', StringComparison.Ordinal) ? [pattern] : new[] { pattern }.Concat(extensions.Select(e => pattern + e)).ToArray();
            var matches = new List<string>();
            foreach (var folder in folders)
            {
                var items = disk.List(folder) ?? [];
                foreach (var name in names)
                {
                    var regex = VirtualFileSystem.CmdWildcard(name);
                    matches.AddRange(items.Where(i => !i.IsDirectory && regex.IsMatch(i.Name)).Select(i => i.FullName).Where(p => !matches.Contains(p, StringComparer.OrdinalIgnoreCase)));
                }
            }

            if (matches.Count == 0) missing = true;
            found.AddRange(matches);
        }

        if (!quiet && found.Count > 0) await host.WriteTextAsync(WinRsStreams.Stdout, string.Concat(found.Select(f => f + "\r\n")), cancellationToken).ConfigureAwait(false);
        if (missing && !quiet) await host.WriteTextAsync(WinRsStreams.Stderr, "INFO: Could not find files for the given pattern(s).\r\n", cancellationToken).ConfigureAwait(false);
        return missing ? 1 : 0;
    }
}
