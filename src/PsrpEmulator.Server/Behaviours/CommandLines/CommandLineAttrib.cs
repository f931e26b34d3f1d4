using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// attrib.exe on the computer's disk, as scripts clear a read-only flag before they overwrite or delete a file
/// (<c>attrib -r C:\app\*.* /S</c>): <c>+R</c>, <c>-R</c>, <c>+H</c>, <c>-H</c> set a file's (or, named or with
/// <c>/D</c>, a folder's) read-only and hidden attributes; without them each item's line is listed (A for a file,
/// then H and R; the columns of Windows 10's attrib, their spacing UNVERIFIED). A name may end in wildcards; <c>/S</c>
/// matches it in every folder below, <c>/D</c> takes folders too. Nothing matching is "File not found - name" with exit
/// code 1 (UNVERIFIED). System, archive and the other attributes are not kept by the emulator: changing one is a
/// scenario error.
/// </summary>
internal sealed class AttribScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("attrib " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out AttribScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("attrib", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("attrib.exe", StringComparison.OrdinalIgnoreCase))) return false;
        script = new AttribScript([.. tokens.Skip(1).Select(t => t.Value)]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        bool? readOnly = null, hidden = null;
        bool recurse = false, folders = false, known = host.FileSystem is not null;
        var names = new List<string>();
        foreach (var argument in arguments)
        {
            switch (argument.ToUpperInvariant())
            {
                case "+R": readOnly = true; break;
                case "-R": readOnly = false; break;
                case "+H": hidden = true; break;
                case "-H": hidden = false; break;
                case "/S": recurse = true; break;
                case "/D": folders = true; break;
                default:
                    if (argument.StartsWith('+') || argument.StartsWith('-') || argument.StartsWith('/')) known = false;
                    else names.Add(argument.Trim('"'));
                    break;
            }
        }

        if (!known || names.Count > 1 || host.FileSystem is not { } disk)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var given = names.Count == 0 ? "*" : names[0];
        var full = VirtualFileSystem.HasWildcard(given) ? VirtualFileSystem.FullPattern(given, cd, out _) : VirtualFileSystem.FullPath(given, cd, out _);
        var items = full is null ? [] : Matching(disk, full, VirtualFileSystem.HasWildcard(given), recurse, folders);
        if (items.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, $"File not found - {full ?? given}\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new StringBuilder();
        foreach (var item in items)
        {
            if (readOnly is null && hidden is null)
            {
                var flags = new StringBuilder(new string(' ', 21));
                if (!item.IsDirectory) flags[0] = 'A';
                if (item.IsHidden) flags[4] = 'H';
                if (item.IsReadOnly) flags[5] = 'R';
                text.Append(flags).Append(item.FullName).Append("\r\n");
            }
            else if (disk.SetAttributes(item.FullName, readOnly, hidden) != FileSystemFailure.None)
            {
                text.Append("Access denied - ").Append(item.FullName).Append("\r\n");
            }
        }

        if (text.Length > 0) await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // A name without wildcards is that item (a folder too); a pattern matches files (folders with /D) in its folder,
    // and with /S in every folder below it.
    private static List<FileSystemItem> Matching(VirtualFileSystem disk, string full, bool wildcard, bool recurse, bool folders)
    {
        if (!wildcard && !recurse) return disk.Get(full) is { } single ? [single] : [];
        var folder = VirtualFileSystem.ParentOf(full) ?? full;
        // cmd's *.* is every name, with a dot or without.
        var name = VirtualFileSystem.NameOf(full);
        var pattern = VirtualFileSystem.CmdWildcard(name == "*.*" ? "*" : name);
        var found = new List<FileSystemItem>();
        foreach (var path in recurse ? disk.FolderTree(folder, includeHidden: true) : [folder])
        {
            foreach (var item in disk.List(path, includeHidden: true) ?? [])
            {
                if ((!item.IsDirectory || folders) && pattern.IsMatch(item.Name)) found.Add(item);
            }
        }

        return found;
    }
}
