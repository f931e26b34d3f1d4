namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// xcopy.exe as provisioning scripts run it (<c>xcopy C:\src C:\dst /E /I /Y</c>) on the computer's disk: a file, a
/// folder's files or a wildcard's, with <c>/S</c> (subfolders that have files) or <c>/E</c> (every subfolder), into a
/// folder that exists, or one made for a folder's or several files' copy with <c>/I</c> (or when the destination ends
/// in <c>\</c>); each file's source printed (<c>/F</c>: source -&gt; destination; <c>/Q</c>: none), then "N File(s)
/// copied". Hidden files only with <c>/H</c>; <c>/Y</c> overwrites. Exit codes: 0, 1 when there was nothing to copy, 4
/// for a source that is not there, 5 for a write that failed. What xcopy would ask on a console (whether a new
/// destination is a file or a folder, whether to overwrite without <c>/Y</c>) and its other switches are not emulated.
/// </summary>
internal sealed class XcopyScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("xcopy " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out XcopyScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("xcopy", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("xcopy.exe", StringComparison.OrdinalIgnoreCase))) return false;
        script = new XcopyScript([.. tokens.Skip(1).Select(t => t.Value)]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var switches = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var paths = new List<string>();
        foreach (var argument in arguments)
        {
            if (argument.StartsWith('/')) switches.UnionWith(argument.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToUpperInvariant()));
            else paths.Add(argument.Trim('"'));
        }

        if (host.FileSystem is not { } disk || switches.Any(s => s is not ("E" or "S" or "I" or "Y" or "Q" or "F" or "H" or "R" or "K" or "C" or "V")) || paths.Count is 0 or > 2)
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var given = paths[0];
        var wildcard = VirtualFileSystem.HasWildcard(given);
        var source = wildcard ? VirtualFileSystem.FullPattern(given, cd, out _) : VirtualFileSystem.FullPath(given, cd, out _);
        var sourceFolder = wildcard ? VirtualFileSystem.ParentOf(source ?? string.Empty) : source;
        var pattern = wildcard && source is not null ? VirtualFileSystem.CmdWildcard(VirtualFileSystem.NameOf(source)) : null;
        var item = source is null || wildcard ? null : disk.Get(source);
        if (source is null || sourceFolder is null || (!wildcard && item is null) || (wildcard && disk.Get(sourceFolder) is not { IsDirectory: true }))
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, $"File not found - {VirtualFileSystem.NameOf(given)}\r\n0 File(s) copied\r\n", cancellationToken).ConfigureAwait(false);
            return 4;
        }

        // The files to copy, each with its path below the source folder.
        var files = new List<(string From, string Relative)>();
        var folders = new List<string>();
        var hidden = switches.Contains("H");
        var recurse = switches.Contains("S") || switches.Contains("E");
        if (item is { IsDirectory: false })
        {
            files.Add((item.FullName, item.Name));
        }
        else
        {
            void Walk(string folder, string relative)
            {
                foreach (var child in disk.List(folder, includeHidden: hidden) ?? [])
                {
                    var path = relative.Length == 0 ? child.Name : relative + "\\" + child.Name;
                    if (child.IsDirectory)
                    {
                        if (!recurse) continue;
                        if (switches.Contains("E")) folders.Add(path);
                        Walk(child.FullName, path);
                    }
                    else if (pattern is null || relative.Length > 0 || pattern.IsMatch(child.Name))
                    {
                        files.Add((child.FullName, path));
                    }
                }
            }

            Walk(sourceFolder, string.Empty);
        }

        var destinationText = paths.Count > 1 ? paths[1] : ".";
        var destination = VirtualFileSystem.FullPath(destinationText, cd, out _);
        if (destination is null) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        if (recurse && item is not { IsDirectory: false } && (destination.Equals(sourceFolder, StringComparison.OrdinalIgnoreCase) ||
            destination.StartsWith(sourceFolder.TrimEnd('\\') + "\\", StringComparison.OrdinalIgnoreCase)))
        {
            // A tree copied into itself (the streams UNVERIFIED).
            await host.WriteTextAsync(WinRsStreams.Stderr, "Cannot perform a cyclic copy\r\n", cancellationToken).ConfigureAwait(false);
            await host.WriteTextAsync(WinRsStreams.Stdout, "0 File(s) copied\r\n", cancellationToken).ConfigureAwait(false);
            return 4;
        }

        var severalOrFolder = item is not { IsDirectory: false } || files.Count > 1;
        if (disk.Get(destination) is not { IsDirectory: true })
        {
            if (disk.Get(destination) is not null || !(switches.Contains("I") && severalOrFolder || destinationText.EndsWith('\\')))
            {
                // xcopy would ask whether the destination is a file or a folder.
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!switches.Contains("Y") && files.Any(f => disk.Get(Join(destination, f.Relative)) is not null))
        {
            // xcopy would ask before overwriting.
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        if (disk.CreateDirectory(destination) is not (FileSystemFailure.None or FileSystemFailure.AlreadyExists)) return await WriteFailedAsync(host, 0, cancellationToken).ConfigureAwait(false);
        foreach (var folder in folders) disk.CreateDirectory(Join(destination, folder));
        var copied = 0;
        var shownSource = given.TrimEnd('\\');
        var shownFolder = wildcard ? shownSource[..Math.Max(0, shownSource.LastIndexOf('\\'))] : shownSource;
        foreach (var (from, relative) in files)
        {
            var to = Join(destination, relative);
            if (VirtualFileSystem.ParentOf(to) is { } parent) disk.CreateDirectory(parent);
            if (disk.CopyFile(from, to, overwrite: true) != FileSystemFailure.None) return await WriteFailedAsync(host, copied, cancellationToken).ConfigureAwait(false);
            copied++;
            var shown = item is { IsDirectory: false } ? shownSource : (shownFolder.Length == 0 ? relative : shownFolder + "\\" + relative);
            if (switches.Contains("F")) await host.WriteTextAsync(WinRsStreams.Stdout, $"{from} -> {to}\r\n", cancellationToken).ConfigureAwait(false);
            else if (!switches.Contains("Q")) await host.WriteTextAsync(WinRsStreams.Stdout, shown + "\r\n", cancellationToken).ConfigureAwait(false);
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, $"{copied} File(s) copied\r\n", cancellationToken).ConfigureAwait(false);
        return copied == 0 ? 1 : 0;
    }

    // A path below a folder's full path (C:\ ends in its backslash already).
    internal static string Join(string folder, string relative) => (folder.Length <= 3 ? folder : folder + "\\") + relative;

    private static async Task<int> WriteFailedAsync(ICommandLineHost host, int copied, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, "Insufficient disk space\r\n", cancellationToken).ConfigureAwait(false);
        await host.WriteTextAsync(WinRsStreams.Stdout, $"{copied} File(s) copied\r\n", cancellationToken).ConfigureAwait(false);
        return 5;
    }

    private async Task<int> NotEmulatedAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
