using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's redirections of a command line: <c>&gt; file</c>, <c>&gt;&gt; file</c>, <c>2&gt; file</c>, <c>2&gt;&amp;1</c>,
/// <c>&gt; nul</c>, and <c>&lt; file</c> (stdin). A <c>&gt;</c> or <c>&lt;</c> inside double quotes is text.
/// </summary>
internal static class CommandLineRedirection
{
    /// <summary>One redirection: stream 1 (stdout) or 2 (stderr), to a file (or <c>nul</c>), or merged into the other stream.</summary>
    internal sealed record Redirection(char Stream, string? Target, bool Append, char? MergeInto);

    /// <summary>
    /// The line without its redirections (the text before one keeps its trailing space: <c>echo a &gt; f</c> writes
    /// "a " as cmd.exe's echo does), and them; false when the line has none.
    /// </summary>
    public static bool TryParse(string line, out string bare, out List<Redirection> redirections)
    {
        bare = line;
        redirections = [];
        if (!line.Contains('>', StringComparison.Ordinal) && !line.Contains('<', StringComparison.Ordinal)) return false;
        var text = new StringBuilder(line.Length);
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"') quoted = !quoted;
            if (c == '^' && !quoted && i + 1 < line.Length)
            {
                // cmd's escape: ^> is a '>' of the text (the caret stays for the command's own unescaping).
                text.Append(c).Append(line[++i]);
                continue;
            }

            if (c == '<' && !quoted)
            {
                // < file: the command's stdin (stream 0) is the file.
                var k = i + 1;
                while (k < line.Length && line[k] is ' ' or '\t') k++;
                var from = k;
                if (k < line.Length && line[k] == '"')
                {
                    var close = line.IndexOf('"', k + 1);
                    k = close < 0 ? line.Length : close + 1;
                }
                else
                {
                    while (k < line.Length && !char.IsWhiteSpace(line[k]) && line[k] is not ('>' or '<' or '&' or '|')) k++;
                }

                if (k == from) return false;
                redirections.Add(new Redirection('0', line[from..k].Trim('"'), false, null));
                i = k - 1;
                continue;
            }

            if (c != '>' || quoted)
            {
                text.Append(c);
                continue;
            }

            var stream = '1';
            if (text.Length > 0 && text[^1] is '1' or '2' && (text.Length == 1 || char.IsWhiteSpace(text[^2])))
            {
                stream = text[^1];
                text.Length--;
            }

            var j = i + 1;
            var append = j < line.Length && line[j] == '>';
            if (append) j++;
            if (j + 1 < line.Length && line[j] == '&' && line[j + 1] is '1' or '2')
            {
                redirections.Add(new Redirection(stream, null, false, line[j + 1]));
                i = j + 1;
                continue;
            }

            while (j < line.Length && line[j] is ' ' or '\t') j++;
            var start = j;
            if (j < line.Length && line[j] == '"')
            {
                var close = line.IndexOf('"', j + 1);
                j = close < 0 ? line.Length : close + 1;
            }
            else
            {
                while (j < line.Length && !char.IsWhiteSpace(line[j]) && line[j] is not ('>' or '<' or '&' or '|')) j++;
            }

            if (j == start) return false;
            redirections.Add(new Redirection(stream, line[start..j].Trim('"'), append, null));
            i = j - 1;
        }

        if (redirections.Count == 0) return false;
        bare = text.ToString();
        return true;
    }
}

/// <summary>
/// A command whose stdout or stderr cmd.exe sends to a file of the computer's disk (or to <c>nul</c>): the file is
/// made (emptied with <c>&gt;</c>) before the command starts; a folder on the way that is missing is cmd.exe's "The
/// system cannot find the path specified." and the command does not run.
/// </summary>
internal sealed class RedirectedCommandLineScript(ICommandLineScript inner, IReadOnlyList<CommandLineRedirection.Redirection> redirections) : ICommandLineScript
{
    public string Description => inner.Description + " (redirected)";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var targets = new Dictionary<char, string?>();
        byte[]? stdin = null;
        foreach (var redirection in redirections.Where(r => r.Stream == '0'))
        {
            var path = VirtualFileSystem.FullPath(redirection.Target!, host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
            if (path is null || host.FileSystem?.Get(path) is not { IsDirectory: false } || host.FileSystem.Read(path, out stdin) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the file specified.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }
        }

        foreach (var redirection in redirections.Where(r => r.MergeInto is null && r.Stream != '0'))
        {
            var target = redirection.Target!;
            if (CommandLineText.IsNulDevice(target))
            {
                targets[redirection.Stream] = null;
                continue;
            }

            var disk = host.FileSystem;
            var path = VirtualFileSystem.FullPath(target, host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
            var failure = disk is null || path is null ? FileSystemFailure.ParentNotFound
                : disk.Write(path, [], redirection.Append ? FileWriteMode.Append : FileWriteMode.Create);
            if (failure != FileSystemFailure.None)
            {
                var message = failure switch
                {
                    FileSystemFailure.IsDirectory or FileSystemFailure.Root or FileSystemFailure.AccessDenied => "Access is denied.\r\n",
                    FileSystemFailure.DiskFull => "There is not enough space on the disk.\r\n",
                    _ => "The system cannot find the path specified.\r\n",
                };
                await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
                return 1;
            }

            targets[redirection.Stream] = path;
        }

        var toConsole = new Dictionary<char, string>();
        foreach (var merge in redirections.Where(r => r.MergeInto is not null))
        {
            // 2>&1: stderr goes where stdout goes (its console stream, when stdout is not redirected).
            targets.Remove(merge.Stream);
            toConsole.Remove(merge.Stream);
            if (targets.TryGetValue(merge.MergeInto!.Value, out var into)) targets[merge.Stream] = into;
            else toConsole[merge.Stream] = merge.MergeInto.Value == '2' ? WinRsStreams.Stderr : WinRsStreams.Stdout;
        }

        return await inner.RunAsync(new RedirectingHost(host, targets, toConsole, stdin), time, cancellationToken).ConfigureAwait(false);
    }

    private sealed class RedirectingHost(ICommandLineHost inner, Dictionary<char, string?> targets, Dictionary<char, string> toConsole, byte[]? stdin) : ForwardingCommandLineHost(inner)
    {
        private byte[]? _stdin = stdin;
        private readonly bool _redirected = stdin is not null;

        // < file: the file's bytes, then the end of input; without it, the line's stdin.
        public override ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken)
        {
            if (!_redirected) return Inner.ReadStdinAsync(cancellationToken);
            var chunk = _stdin;
            _stdin = [];
            // (A null array would convert to an empty ReadOnlyMemory, not to the end of input.)
            return ValueTask.FromResult(chunk is { Length: > 0 } ? new ReadOnlyMemory<byte>(chunk) : (ReadOnlyMemory<byte>?)null);
        }

        public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var number = stream == WinRsStreams.Stderr ? '2' : '1';
            if (toConsole.TryGetValue(number, out var console)) return Inner.WriteAsync(console, data, cancellationToken);
            if (!targets.TryGetValue(number, out var path)) return Inner.WriteAsync(stream, data, cancellationToken);
            if (path is null) return ValueTask.CompletedTask;
            // A full disk fails the write as cmd.exe's does: the text is lost, the command goes on.
            Inner.FileSystem?.Write(path, data.Span, FileWriteMode.Append);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// cmd.exe's file commands on the computer's disk, when no rule answers the line: <c>dir</c>, <c>type</c>, <c>copy</c>,
/// <c>move</c>, <c>ren</c>, <c>del</c> / <c>erase</c>, <c>mkdir</c> / <c>md</c>, <c>rmdir</c> / <c>rd</c>. Paths are relative to the shell's working
/// directory; switches such as <c>/q</c>, <c>/f</c>, <c>/s</c> are read where they change something.
/// </summary>
internal sealed class FileCommandScript(string name, IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => "cmd " + name;

    /// <summary>The built-in a line starts with; false for any other line.</summary>
    public static bool TryParse(string line, out FileCommandScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0) return false;
        var name = tokens[0].Value.ToLowerInvariant() switch
        {
            "type" => "type",
            "del" or "erase" => "del",
            "mkdir" or "md" => "mkdir",
            "rmdir" or "rd" => "rmdir",
            "dir" => "dir",
            "copy" => "copy",
            "move" => "move",
            "ren" or "rename" => "ren",
            _ => null,
        };
        if (name is null) return false;
        script = new FileCommandScript(name, [.. tokens.Skip(1).Select(t => t.Value)]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var disk = host.FileSystem;
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var switches = arguments.Where(a => a.StartsWith('/')).Select(a => a.ToUpperInvariant()).ToHashSet();
        var paths = arguments.Where(a => !a.StartsWith('/')).ToList();
        if (disk is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(name), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (name == "dir")
        {
            // /b/s is two switches; one dir has not is refused before anything is listed (Ruby WinRM's test: dir /z).
            var given = arguments.Where(a => a.StartsWith('/')).SelectMany(a => a.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (given.FirstOrDefault(s => !IsDirSwitch(s)) is { } invalid)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, $"Invalid switch - \"{invalid}\".\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            switches = given.Select(s => "/" + s.ToUpperInvariant()).ToHashSet();
            return await DirAsync(host, disk, cd, paths.Count == 0 ? "." : paths[0], switches, cancellationToken).ConfigureAwait(false);
        }

        if (name is "copy" or "move" or "ren") return await CopyMoveRenameAsync(host, disk, cd, name, paths, cancellationToken).ConfigureAwait(false);
        if (paths.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "The syntax of the command is incorrect.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var exitCode = 0;
        foreach (var given in paths)
        {
            // type nul: the NUL device, empty (type nul > x.txt makes an empty file).
            if (name == "type" && CommandLineText.IsNulDevice(given)) continue;
            var path = VirtualFileSystem.FullPath(given, cd, out _);
            var item = path is null ? null : disk.Get(path);
            switch (name)
            {
                case "type":
                    if (item is { IsDirectory: true })
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "Access is denied.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 1;
                    }
                    else if (item is null || disk.Read(path!, out var bytes) != FileSystemFailure.None)
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the file specified.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 1;
                    }
                    else
                    {
                        // type writes the file's bytes as they are.
                        if (bytes.Length > 0) await host.WriteAsync(WinRsStreams.Stdout, bytes, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case "del":
                    if (item is { IsDirectory: true })
                    {
                        // del of a folder deletes the files in it (after a question /q skips); the emulator: without /q, none.
                        if (!switches.Contains("/Q"))
                        {
                            await host.WriteTextAsync(WinRsStreams.Stdout, $"{path}\\*, Are you sure (Y/N)? ", cancellationToken).ConfigureAwait(false);
                            break;
                        }

                        foreach (var file in disk.List(path!, includeHidden: true)!.Where(f => !f.IsDirectory)) disk.Delete(file.FullName, recurse: false, force: switches.Contains("/F"));
                    }
                    else if (item is null && (path is null || disk.Get(VirtualFileSystem.ParentOf(path) ?? path) is not { IsDirectory: true }))
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 1;
                    }
                    else if (item is null)
                    {
                        // cmd.exe's del reports a missing file and still exits 0 (as Wine's tests of Windows show for a
                        // wildcard matching nothing; for one missing file UNVERIFIED).
                        await host.WriteTextAsync(WinRsStreams.Stderr, $"Could Not Find {path ?? given}\r\n", cancellationToken).ConfigureAwait(false);
                    }
                    else if (disk.Delete(path!, recurse: false, force: switches.Contains("/F")) == FileSystemFailure.AccessDenied)
                    {
                        // A protected file (a program of System32), or a read-only one without /F: del names it and
                        // says access is denied, and exits 0.
                        await host.WriteTextAsync(WinRsStreams.Stderr, $"{path}\r\nAccess is denied.\r\n", cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case "mkdir":
                    if (item is not null || path is null)
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, $"A subdirectory or file {given} already exists.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 1;
                    }
                    else if (disk.CreateDirectory(path) == FileSystemFailure.IsFile)
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 1;
                    }

                    break;
                default:
                    if (item is not { IsDirectory: true })
                    {
                        // The return codes are Windows' errors (ERROR_FILE_NOT_FOUND 2, ERROR_DIRECTORY 267), as cmd /c exits with them.
                        await host.WriteTextAsync(WinRsStreams.Stderr, item is null ? "The system cannot find the file specified.\r\n" : "The directory name is invalid.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = item is null ? 2 : 267;
                    }
                    else if (disk.Delete(path!, recurse: switches.Contains("/S")) == FileSystemFailure.DirectoryNotEmpty)
                    {
                        await host.WriteTextAsync(WinRsStreams.Stderr, "The directory is not empty.\r\n", cancellationToken).ConfigureAwait(false);
                        exitCode = 145;
                    }

                    break;
            }
        }

        return exitCode;
    }

    /// <summary>
    /// dir's <c>/A</c>: alone every item (hidden ones too); with letters (<c>/A:H</c>, <c>/AH</c>, <c>/A-D</c>) only the
    /// items that have each attribute named (D folders, H hidden, R read-only, A archive: files) and lack each one
    /// after a minus; S, I, L and O, which the disk does not keep, hold for no item. Without /A, every item shown.
    /// </summary>
    internal static Func<FileSystemItem, bool> DirAttributes(string? attributeSwitch)
    {
        var letters = attributeSwitch is null ? string.Empty : attributeSwitch[2..].TrimStart(':');
        var wanted = new List<(char Letter, bool Has)>();
        for (var i = 0; i < letters.Length; i++)
        {
            var has = letters[i] != '-';
            if (!has && ++i >= letters.Length) break;
            wanted.Add((letters[i], has));
        }

        return item => wanted.TrueForAll(w => (w.Letter switch
        {
            'D' => item.IsDirectory,
            'H' => item.IsHidden,
            'R' => item.IsReadOnly,
            'A' => !item.IsDirectory,
            _ => false,
        }) == w.Has);
    }

    // dir's switches (dir /?): one letter, /A, /O and /T with their values, any of them turned off with a minus (/-C).
    // Several letters after one slash (/bs) are refused here; whether cmd.exe takes them is not checked.
    /// <summary>
    /// <c>dir /s /b</c>: the full paths of the items a folder and every folder below it hold (matching the pattern, when
    /// one is given, at every level), folder by folder: a folder's items in name order, then each subfolder's.
    /// </summary>
    private static async Task<int> DirRecursiveBareAsync(ICommandLineHost host, VirtualFileSystem disk, string folder, string? pattern, bool all, Func<FileSystemItem, bool> attributes, CancellationToken cancellationToken)
    {
        var regex = pattern is null ? null : VirtualFileSystem.CmdWildcard(pattern);
        var text = new StringBuilder();
        var found = 0;
        foreach (var current in disk.FolderTree(folder, includeHidden: all))
        {
            foreach (var child in (disk.List(current, includeHidden: all) ?? []).Where(c => (regex is null || regex.IsMatch(c.Name)) && attributes(c)))
            {
                text.Append(child.FullName).Append("\r\n");
                found++;
            }
        }

        if (found == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "File Not Found\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> NotEmulatedDirAsync(ICommandLineHost host, HashSet<string> switches, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("dir " + string.Join(' ', switches.Order(StringComparer.Ordinal)).ToLowerInvariant() + " (without /b)"), cancellationToken).ConfigureAwait(false);
        return 1;
    }

    private static bool IsDirSwitch(string text)
    {
        var s = text.StartsWith('-') ? text[1..] : text;
        if (s.Length == 0) return false;
        var letter = char.ToUpperInvariant(s[0]);
        return letter is 'A' or 'O' or 'T' ? true : s.Length == 1 && "BCDLNPQRSWX4".Contains(letter, StringComparison.Ordinal);
    }

    /// <summary>
    /// dir's <c>/O[:]sortorder</c>: by N(ame), E(xtension), S(ize), D(ate, the last write's; /T:C the creation's) and
    /// G(roup folders first), each reversed by a '-' before it, in the order given; <c>/O</c> alone is <c>/OGN</c>.
    /// Names compare as the system's locale does (UNVERIFIED: dir's own ties among equal keys; here name order stays).
    /// </summary>
    internal static List<FileSystemItem> DirOrder(List<FileSystemItem> items, HashSet<string> switches)
    {
        var order = switches.FirstOrDefault(s => s.StartsWith("/O", StringComparison.Ordinal));
        if (order is null) return items;
        var keys = order[2..].TrimStart(':');
        if (keys.Length == 0) keys = "GN";
        var creation = switches.Any(s => s is "/TC" or "/T:C");
        var comparisons = new List<Comparison<FileSystemItem>>();
        for (var i = 0; i < keys.Length; i++)
        {
            var descending = keys[i] == '-';
            if (descending && ++i == keys.Length) break;
            Comparison<FileSystemItem>? compare = keys[i] switch
            {
                'N' => (a, b) => WindowsCollation.IgnoreCase.Compare(a.Name, b.Name),
                'E' => (a, b) => WindowsCollation.IgnoreCase.Compare(System.IO.Path.GetExtension(a.Name), System.IO.Path.GetExtension(b.Name)),
                'S' => (a, b) => (a.IsDirectory ? 0 : a.Length).CompareTo(b.IsDirectory ? 0 : b.Length),
                'D' => (a, b) => (creation ? a.CreationTime : a.LastWriteTime).CompareTo(creation ? b.CreationTime : b.LastWriteTime),
                'G' => (a, b) => b.IsDirectory.CompareTo(a.IsDirectory),
                _ => null,
            };
            if (compare is not null) comparisons.Add(descending ? (a, b) => compare(b, a) : compare);
        }

        // A stable sort of the listing (name order): equal keys keep it.
        return [.. items.Select((item, index) => (Item: item, Index: index)).Order(Comparer<(FileSystemItem Item, int Index)>.Create((x, y) =>
        {
            foreach (var compare in comparisons)
            {
                var c = compare(x.Item, y.Item);
                if (c != 0) return c;
            }

            return x.Index.CompareTo(y.Index);
        })).Select(p => p.Item)];
    }

    /// <summary>
    /// cmd.exe's <c>dir</c> (en-US): the volume lines, the folder's items in name order with <c>.</c> and <c>..</c>
    /// (not at a drive's root), their count and bytes, the free bytes of the disk; <c>/b</c> the names alone; <c>/a</c>
    /// hidden items too; a name with wildcards lists the items it matches. Nothing found is "File Not Found", exit 1.
    /// </summary>
    private static async Task<int> DirAsync(ICommandLineHost host, VirtualFileSystem disk, string cd, string given, HashSet<string> switches, CancellationToken cancellationToken)
    {
        var culture = EnglishUnitedStates.Culture;
        var wildcard = given.AsSpan().IndexOfAny("*?") >= 0;
        var full = wildcard ? VirtualFileSystem.FullPattern(given, cd, out _) : VirtualFileSystem.FullPath(given, cd, out _);
        var folder = full is null ? null : wildcard ? VirtualFileSystem.ParentOf(full) ?? full : full;
        var pattern = wildcard && full is not null ? VirtualFileSystem.NameOf(full) : null;
        var item = folder is null ? null : disk.Get(folder);
        var all = switches.Any(s => s.StartsWith("/A", StringComparison.Ordinal));
        var attributes = DirAttributes(switches.FirstOrDefault(s => s.StartsWith("/A", StringComparison.Ordinal)));
        List<FileSystemItem> items;
        if (item is { IsDirectory: false } && pattern is null)
        {
            items = [item];
            folder = item.ParentPath;
        }
        else
        {
            var regex = pattern is null ? null : VirtualFileSystem.CmdWildcard(pattern);
            items = [.. (disk.List(folder ?? @"C:\", includeHidden: all) ?? []).Where(i => (regex is null || regex.IsMatch(i.Name)) && attributes(i))];
        }

        items = DirOrder(items, switches);
        var bare = switches.Contains("/B");
        if (switches.Contains("/S"))
        {
            // dir /s's listing by folder, with its totals, is not emulated; /s /b is.
            if (!bare) return await NotEmulatedDirAsync(host, switches, cancellationToken).ConfigureAwait(false);
            if (item is not null && folder is not null)
            {
                return await DirRecursiveBareAsync(host, disk, item.IsDirectory ? folder : item.ParentPath, pattern ?? (item.IsDirectory ? null : item.Name), all, attributes, cancellationToken).ConfigureAwait(false);
            }
        }

        if (item is null || items.Count == 0 && (pattern is not null || item is { IsDirectory: false }))
        {
            if (!bare) await host.WriteTextAsync(WinRsStreams.Stdout, VolumeLines + (item is null ? string.Empty : $" Directory of {folder}\r\n\r\n"), cancellationToken).ConfigureAwait(false);
            await host.WriteTextAsync(WinRsStreams.Stderr, item is null && full is not null && disk.Get(VirtualFileSystem.ParentOf(full) ?? full) is null ? "The system cannot find the path specified.\r\n" : "File Not Found\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new StringBuilder();
        if (bare)
        {
            foreach (var entry in items) text.Append(entry.Name).Append("\r\n");
            await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        text.Append(VolumeLines).Append(" Directory of ").Append(folder).Append("\r\n\r\n");
        string Line(DateTimeOffset time, string size, string name) =>
            time.ToString("MM/dd/yyyy  hh:mm tt", culture) + size.PadLeft(18) + " " + name + "\r\n";
        var directories = 0;
        if (folder is { Length: > 3 } && pattern is null && item.IsDirectory)
        {
            text.Append(Line(item.LastWriteTime, "<DIR>         ", "."));
            text.Append(Line(disk.Get(VirtualFileSystem.ParentOf(folder)!)!.LastWriteTime, "<DIR>         ", ".."));
            directories = 2;
        }

        long bytes = 0;
        var files = 0;
        foreach (var entry in items)
        {
            if (entry.IsDirectory)
            {
                directories++;
                text.Append(Line(entry.LastWriteTime, "<DIR>         ", entry.Name));
                continue;
            }

            files++;
            bytes += entry.Length;
            text.Append(Line(entry.LastWriteTime, entry.Length.ToString("N0", culture), entry.Name));
        }

        text.Append(files.ToString(culture).PadLeft(16)).Append(" File(s) ").Append(bytes.ToString("N0", culture).PadLeft(14)).Append(" bytes\r\n");
        text.Append(directories.ToString(culture).PadLeft(16)).Append(" Dir(s) ").Append(disk.FreeBytes.ToString("N0", culture).PadLeft(15)).Append(" bytes free\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// cmd.exe's copy (files, wildcards; into a folder under their names), move (a file or a folder) and ren (a new name in
    /// the same folder), with their count lines. An existing destination is replaced as with /Y (cmd.exe asks
    /// "Overwrite ...? (Yes/No/All):" without it on a console: not emulated).
    /// </summary>
    private static async Task<int> CopyMoveRenameAsync(ICommandLineHost host, VirtualFileSystem disk, string cd, string name, List<string> paths, CancellationToken cancellationToken)
    {
        if (paths.Count < (name == "ren" ? 2 : 1))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "The syntax of the command is incorrect.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var given = paths[0];
        if (name == "copy" && CommandLineText.IsNulDevice(given) && paths.Count == 2 &&
            VirtualFileSystem.FullPath(paths[1], cd, out _) is { } emptyTarget && disk.Get(emptyTarget) is not { IsDirectory: true })
        {
            // copy nul x.txt: an empty file (the NUL device copied).
            if (disk.Write(emptyTarget, [], FileWriteMode.Create) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
                await host.WriteTextAsync(WinRsStreams.Stdout, "        0 file(s) copied.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            await host.WriteTextAsync(WinRsStreams.Stdout, "        1 file(s) copied.\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var wildcard = given.AsSpan().IndexOfAny("*?") >= 0;
        var full = wildcard ? VirtualFileSystem.FullPattern(given, cd, out _) : VirtualFileSystem.FullPath(given, cd, out _);
        List<FileSystemItem> sources = [];
        if (full is not null && wildcard && VirtualFileSystem.ParentOf(full) is { } folder)
        {
            var pattern = VirtualFileSystem.CmdWildcard(VirtualFileSystem.NameOf(full));
            sources = [.. (disk.List(folder) ?? []).Where(i => !i.IsDirectory && pattern.IsMatch(i.Name))];
        }
        else if (full is not null && disk.Get(full) is { } item && (name != "copy" || !item.IsDirectory))
        {
            sources = [item];
        }
        else if (full is not null && disk.Get(full) is { IsDirectory: true })
        {
            sources = [.. disk.List(full)!.Where(i => !i.IsDirectory)];
        }

        if (sources.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the file specified.\r\n", cancellationToken).ConfigureAwait(false);
            if (name != "ren") await host.WriteTextAsync(WinRsStreams.Stdout, $"        0 file(s) {(name == "copy" ? "copied" : "moved")}.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (name == "ren")
        {
            var renamed = (sources[0].ParentPath.Length <= 3 ? sources[0].ParentPath : sources[0].ParentPath + "\\") + paths[1];
            if (paths[1].AsSpan().IndexOfAny("\\/:") >= 0 || disk.Move(sources[0].FullName, renamed, overwrite: false) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "A duplicate file name exists, or the file\r\ncannot be found.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            return 0;
        }

        var destination = paths.Count > 1 ? VirtualFileSystem.FullPath(paths[1], cd, out _) : VirtualFileSystem.FullPath(".", cd, out _);
        var done = 0;
        foreach (var source in sources)
        {
            var into = destination is null ? null : disk.Get(destination) is { IsDirectory: true } ? (destination.Length <= 3 ? destination : destination + "\\") + source.Name : destination;
            var failure = into is null ? FileSystemFailure.ParentNotFound
                : name == "copy" ? disk.CopyFile(source.FullName, into, overwrite: true)
                : disk.Move(source.FullName, into, overwrite: true);
            if (failure != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, failure == FileSystemFailure.DiskFull ? "There is not enough space on the disk.\r\n" : "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
                continue;
            }

            done++;
        }

        var directory = sources.Count == 1 && sources[0].IsDirectory;
        await host.WriteTextAsync(WinRsStreams.Stdout, $"        {done} {(directory ? "dir(s)" : "file(s)")} {(name == "copy" ? "copied" : "moved")}.\r\n", cancellationToken).ConfigureAwait(false);
        return done == sources.Count ? 0 : 1;
    }

    internal const string VolumeLines = " Volume in drive C has no label.\r\n Volume Serial Number is 8E4C-1A2B\r\n\r\n";
}

/// <summary>
/// cmd.exe's command chaining: <c>a &amp; b</c> runs both, <c>a &amp;&amp; b</c> runs b when a exits 0, <c>a || b</c>
/// when it does not; <c>exit</c> ends the chain. The exit code is the last command's that ran.
/// </summary>
internal sealed class ChainedCommandLineScript(IReadOnlyList<(string Operator, string Text, ICommandLineScript Script)> commands) : ICommandLineScript
{
    public string Description => string.Join(" ", commands.Select(c => (c.Operator.Length == 0 ? string.Empty : c.Operator + " ") + c.Script.Description));

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var exitCode = 0;
        var ran = false;
        // One cmd.exe runs the whole line: a set in it lasts for the commands after it.
        host = host as ProcessEnvironmentHost ?? new ProcessEnvironmentHost(host);
        foreach (var (op, text, script) in commands)
        {
            if (ran && (op == "&&" && exitCode != 0 || op == "||" && exitCode == 0)) continue;
            exitCode = await script.RunAsync(host, time, cancellationToken).ConfigureAwait(false);
            ((ProcessEnvironmentHost)host).Completed(text, exitCode);
            ran = true;
            // exit (or exit /b) ends the line: cmd runs nothing after it.
            if (CommandLineText.FirstWord(text).Equals("exit", StringComparison.OrdinalIgnoreCase)) break;
        }

        return exitCode;
    }

    /// <summary>
    /// The commands of a line chained with <c>&amp;</c>, <c>&amp;&amp;</c> and <c>||</c> outside double quotes (a
    /// <c>^</c> escapes the next character; <c>&gt;&amp;</c> is a redirection's), each with the operator before it (the
    /// first's is empty; a command keeps the blanks before the next operator, which cmd's echo prints); one command when
    /// the line has none.
    /// </summary>
    public static List<(string Operator, string Command)> Split(string line)
    {
        var result = new List<(string, string)>();
        var start = 0;
        var op = string.Empty;
        // A parenthesized block (if ... (a & b)) is one command.
        foreach (var i in CommandLineText.TopLevelIndices(line))
        {
            // The second character of && or || was taken with the first.
            if (i < start) continue;
            var c = line[i];
            string? found = null;
            if (c == '&' && !(i > 0 && line[i - 1] == '>')) found = i + 1 < line.Length && line[i + 1] == '&' ? "&&" : "&";
            else if (c == '|' && i + 1 < line.Length && line[i + 1] == '|') found = "||";
            if (found is null) continue;
            result.Add((op, line[start..i].TrimStart()));
            op = found;
            start = i + found.Length;
        }

        result.Add((op, line[start..].TrimStart()));
        return result.Any(r => ((string)r.Item2).Trim().Length == 0) ? [(string.Empty, line)] : result;
    }
}
