using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// icacls.exe on the computer's disk (<see cref="FileAccessControl"/>): without an action each item's ACL, one line per
/// entry after the name as it was typed (<c>BUILTIN\Users:(I)(OI)(CI)(RX)</c>), a blank line after each item;
/// <c>/grant[:r]</c>, <c>/deny</c> (<c>user:(OI)(CI)M</c>, <c>user:(RX,W)</c>), <c>/remove[:g|:d]</c>,
/// <c>/inheritance:e|d|r</c>, <c>/setowner</c> and <c>/reset</c> change it ("processed file: name" unless
/// <c>/Q</c>); <c>/T</c> goes through the folder's tree, <c>/C</c> goes on after a failure. Every run ends with
/// "Successfully processed n files; Failed processing m files". A name matching nothing is "The system cannot find the
/// file specified." (exit code 2), an account Windows cannot name "No mapping between account names and security IDs
/// was done." (1332), a permission it cannot read "Invalid parameter" (87); the exit codes and the order of a mixed
/// rights list UNVERIFIED. <c>/save</c> and <c>/restore</c> keep DACLs in a file (see <see cref="SaveOrRestoreAsync"/>);
/// /verify, /findsid, /substitute and integrity levels are not emulated.
/// </summary>
internal sealed class IcaclsScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("icacls " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out IcaclsScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("icacls", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("icacls.exe", StringComparison.OrdinalIgnoreCase))) return false;
        script = new IcaclsScript([.. tokens.Skip(1).Select(t => t.Value.Trim('"'))]);
        return true;
    }

    private enum Action { List, Grant, GrantReplace, Deny, Remove, RemoveGrants, RemoveDenies, Inheritance, SetOwner, Reset, Save, Restore }

    private const int FileNotFound = 2, InvalidParameter = 87, NoneMapped = 1332;

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0 || host.FileSystem is not { } disk)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var name = arguments[0];
        var action = Action.List;
        var values = new List<string>();
        char inheritance = ' ';
        bool tree = false, goOn = false, quiet = false;
        for (var i = 1; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var upper = argument.ToUpperInvariant();
            switch (upper)
            {
                case "/T": tree = true; continue;
                case "/C": goOn = true; continue;
                case "/Q": quiet = true; continue;
                case "/L": continue;
                case "/GRANT": action = Action.Grant; continue;
                case "/GRANT:R": action = Action.GrantReplace; continue;
                case "/DENY": action = Action.Deny; continue;
                case "/REMOVE": action = Action.Remove; continue;
                case "/REMOVE:G": action = Action.RemoveGrants; continue;
                case "/REMOVE:D": action = Action.RemoveDenies; continue;
                case "/SETOWNER": action = Action.SetOwner; continue;
                case "/RESET": action = Action.Reset; continue;
                case "/SAVE": action = Action.Save; continue;
                case "/RESTORE": action = Action.Restore; continue;
                case "/INHERITANCE:E" or "/INHERITANCE:D" or "/INHERITANCE:R":
                    action = Action.Inheritance;
                    inheritance = upper[^1];
                    continue;
            }

            if (upper.StartsWith("/INHERITANCE", StringComparison.Ordinal)) return await InvalidAsync(host, argument, cancellationToken).ConfigureAwait(false);
            if (argument.StartsWith('/'))
            {
                // /save, /restore, /verify, /findsid, /substitute, /setintegritylevel: not emulated.
                await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
                return 1;
            }

            if (action == Action.List) return await InvalidAsync(host, argument, cancellationToken).ConfigureAwait(false);
            values.Add(argument);
        }

        if (action is not (Action.List or Action.Inheritance or Action.Reset) && values.Count == 0) return await InvalidAsync(host, arguments[^1], cancellationToken).ConfigureAwait(false);
        if (action is Action.Save or Action.Restore)
        {
            return await SaveOrRestoreAsync(host, disk, action == Action.Save, name, values[0], tree, goOn, quiet, cancellationToken).ConfigureAwait(false);
        }


        // The entries to grant or deny, read before any item is touched: a bad one changes nothing.
        var accounts = host.LocalAccounts;
        var entries = new List<FileAccessEntry>();
        if (action is Action.Grant or Action.GrantReplace or Action.Deny)
        {
            foreach (var value in values)
            {
                var colon = value.LastIndexOf(':');
                if (colon <= 0 || ParsePermission(value[(colon + 1)..]) is not var (rights, flags)) return await InvalidAsync(host, value, cancellationToken).ConfigureAwait(false);
                if (FileAccessControl.SidOf(value[..colon], accounts) is not { } sid) return await UnmappedAsync(host, value[..colon], cancellationToken).ConfigureAwait(false);
                entries.Add(new FileAccessEntry(sid, rights, action == Action.Deny, flags));
            }
        }

        var sids = new List<string>();
        if (action is Action.Remove or Action.RemoveGrants or Action.RemoveDenies or Action.SetOwner)
        {
            foreach (var value in values)
            {
                if (FileAccessControl.SidOf(value, accounts) is not { } sid) return await UnmappedAsync(host, value, cancellationToken).ConfigureAwait(false);
                sids.Add(sid);
            }
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var text = new StringBuilder();
        int done = 0, failed = 0, exitCode = 0;
        var wildcard = VirtualFileSystem.HasWildcard(name);
        var full = wildcard ? VirtualFileSystem.FullPattern(name, cd, out _) : VirtualFileSystem.FullPath(name, cd, out _);
        var items = new List<(string Full, string Shown)>();
        if (full is not null)
        {
            if (!wildcard)
            {
                if (disk.Get(full) is not null) items.Add((full, name));
            }
            else
            {
                var folder = VirtualFileSystem.ParentOf(full) ?? full;
                var pattern = VirtualFileSystem.CmdWildcard(VirtualFileSystem.NameOf(full) == "*.*" ? "*" : VirtualFileSystem.NameOf(full));
                var shownFolder = name.LastIndexOfAny(['\\', '/']) is var slash and >= 0 ? name[..(slash + 1)] : string.Empty;
                foreach (var item in disk.List(folder, includeHidden: true) ?? [])
                {
                    if (pattern.IsMatch(item.Name)) items.Add((item.FullName, shownFolder + item.Name));
                }
            }
        }

        if (items.Count == 0)
        {
            text.Append(name).Append(": The system cannot find the file specified.\r\n");
            failed++;
            exitCode = FileNotFound;
        }

        // /T: each item, then what its folder holds, depth first (the names shown below the name as typed).
        var work = new List<(string Full, string Shown)>();
        foreach (var item in items)
        {
            work.Add(item);
            if (tree) AddTree(disk, item.Full, item.Shown, work);
        }

        foreach (var (path, shown) in work)
        {
            if (action == Action.List)
            {
                if (FileAccessControl.View(disk, path, accounts) is not { } view) continue;
                var indent = new string(' ', shown.Length + 1);
                for (var i = 0; i < view.Entries.Count; i++)
                {
                    var entry = view.Entries[i];
                    text.Append(i == 0 ? shown + " " : indent).Append(FileAccessControl.NameOf(entry.Sid, accounts)).Append(':').Append(FileAccessControl.IcaclsEntry(entry)).Append("\r\n");
                }

                if (view.Entries.Count == 0) text.Append(shown).Append(' ');
                text.Append("\r\n");
                done++;
                continue;
            }

            if (Change(disk, path, action, inheritance, entries, sids, accounts))
            {
                if (!quiet) text.Append("processed file: ").Append(shown).Append("\r\n");
                done++;
            }
            else
            {
                text.Append(shown).Append(": Access is denied.\r\n");
                failed++;
                exitCode = 5;
                if (!goOn) break;
            }
        }

        text.Append($"Successfully processed {done} files; Failed processing {failed} files\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>
    /// <c>/save file</c>: each item's DACL in SDDL, after its path relative to the named item's folder (a line each, the
    /// file in UTF-16 as icacls writes it, UNVERIFIED: without a byte order mark); <c>/restore file</c> on a folder:
    /// each saved path below it gets the DACL saved (its own entries and protection; the inherited ones are the folders').
    /// </summary>
    private async Task<int> SaveOrRestoreAsync(ICommandLineHost host, VirtualFileSystem disk, bool save, string name, string file, bool tree, bool goOn, bool quiet, CancellationToken cancellationToken)
    {
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var full = VirtualFileSystem.FullPath(name, cd, out _);
        var target = VirtualFileSystem.FullPath(file, cd, out _);
        var accounts = host.LocalAccounts;
        var text = new StringBuilder();
        int done = 0, failed = 0;
        if (full is null || target is null || disk.Get(full) is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, $"{name}: The system cannot find the file specified.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", cancellationToken).ConfigureAwait(false);
            return FileNotFound;
        }

        if (save)
        {
            var work = new List<(string Full, string Shown)> { (full, name) };
            if (tree) AddTree(disk, full, name, work);
            var saved = new StringBuilder();
            var parent = VirtualFileSystem.ParentOf(full);
            foreach (var (path, shown) in work)
            {
                if (FileAccessControl.View(disk, path, accounts) is not { } view) continue;
                var relative = parent is null ? path : path[(parent.Length + (parent.EndsWith('\\') ? 0 : 1))..];
                saved.Append(relative).Append("\r\n").Append("D:").Append(view.Protected ? "PAI" : "AI").Append(FileAccessControl.SddlEntries(view.Entries)).Append("\r\n");
                if (!quiet) text.Append("processed file: ").Append(shown).Append("\r\n");
                done++;
            }

            if (disk.Write(target, Encoding.Unicode.GetBytes(saved.ToString()), FileWriteMode.Create) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, $"{file}: Access is denied.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", cancellationToken).ConfigureAwait(false);
                return 5;
            }
        }
        else
        {
            if (disk.Read(target, out var content) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, $"{file}: The system cannot find the file specified.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", cancellationToken).ConfigureAwait(false);
                return FileNotFound;
            }

            var lines = (content is [0xFF, 0xFE, ..] ? Encoding.Unicode.GetString(content, 2, content.Length - 2) : Encoding.Unicode.GetString(content)).Split("\r\n");
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                if (lines[i].Length == 0) continue;
                var path = full.TrimEnd('\\') + "\\" + lines[i];
                var parsed = FileAccessControl.ParseSddl(lines[i + 1], out _);
                var view = FileAccessControl.View(disk, path, accounts);
                if (parsed is null || view is null ||
                    disk.SetSecurity(path, new FileSecurityDescriptor(view.OwnerSid, view.GroupSid, parsed.Protected, [.. parsed.Entries.Where(e => !e.IsInherited)])) != FileSystemFailure.None)
                {
                    text.Append(path).Append(parsed is null ? ": The parameter is incorrect.\r\n" : ": The system cannot find the file specified.\r\n");
                    failed++;
                    if (!goOn) break;
                    continue;
                }

                if (!quiet) text.Append("processed file: ").Append(path).Append("\r\n");
                done++;
            }
        }

        text.Append($"Successfully processed {done} files; Failed processing {failed} files\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return failed == 0 ? 0 : FileNotFound;
    }

    private static void AddTree(VirtualFileSystem disk, string folder, string shown, List<(string, string)> work)
    {
        foreach (var item in disk.List(folder, includeHidden: true) ?? [])
        {
            var childShown = shown.TrimEnd('\\') + "\\" + item.Name;
            work.Add((item.FullName, childShown));
            if (item.IsDirectory && work.Count < 100_000) AddTree(disk, item.FullName, childShown, work);
        }
    }

    // One item's change, on its own entries: what icacls writes with SetNamedSecurityInfo.
    private static bool Change(VirtualFileSystem disk, string path, Action action, char inheritance, List<FileAccessEntry> entries, List<string> sids, LocalAccounts? accounts)
    {
        if (FileAccessControl.View(disk, path, accounts) is not { } view) return false;
        var own = view.Entries.Where(e => !e.IsInherited).ToList();
        var owner = view.OwnerSid;
        var isProtected = view.Protected;
        switch (action)
        {
            case Action.Grant or Action.Deny:
                foreach (var entry in entries)
                {
                    // The account's entry of the same kind and inheritance takes the rights too.
                    var at = own.FindIndex(e => e.Sid == entry.Sid && e.Deny == entry.Deny && e.Inheritance == entry.Inheritance);
                    if (at >= 0) own[at] = own[at] with { Rights = own[at].Rights | entry.Rights };
                    else own.Add(entry);
                }

                break;
            case Action.GrantReplace:
                foreach (var entry in entries)
                {
                    own.RemoveAll(e => e.Sid == entry.Sid && !e.Deny);
                    own.Add(entry);
                }

                break;
            case Action.Remove or Action.RemoveGrants or Action.RemoveDenies:
                own.RemoveAll(e => sids.Contains(e.Sid) && (action == Action.Remove || e.Deny == (action == Action.RemoveDenies)));
                break;
            case Action.SetOwner:
                owner = sids[0];
                break;
            case Action.Reset:
                own.Clear();
                isProtected = false;
                break;
            case Action.Inheritance:
                if (inheritance == 'E')
                {
                    isProtected = false;
                }
                else if (!isProtected)
                {
                    // d: the inherited entries become its own; r: they go.
                    if (inheritance == 'D') own.AddRange(view.Entries.Where(e => e.IsInherited).Select(e => e with { IsInherited = false }));
                    isProtected = true;
                }

                break;
        }

        return disk.SetSecurity(path, new FileSecurityDescriptor(owner, view.GroupSid, isProtected, FileAccessControl.Canonical(own))) == FileSystemFailure.None;
    }

    /// <summary>A permission as icacls reads it: inheritance in parentheses, then a simple right (F, M...) bare or in parentheses, or specific ones in parentheses.</summary>
    private static (int Rights, AceInheritance Flags)? ParsePermission(string text)
    {
        var flags = AceInheritance.None;
        var rights = -1;
        var at = 0;
        while (at < text.Length)
        {
            string part;
            if (text[at] == '(')
            {
                var close = text.IndexOf(')', at);
                if (close < 0) return null;
                part = text[(at + 1)..close];
                at = close + 1;
            }
            else
            {
                part = text[at..];
                at = text.Length;
            }

            switch (part.ToUpperInvariant())
            {
                case "OI": flags |= AceInheritance.ObjectInherit; continue;
                case "CI": flags |= AceInheritance.ContainerInherit; continue;
                case "IO": flags |= AceInheritance.InheritOnly; continue;
                case "NP": flags |= AceInheritance.NoPropagateInherit; continue;
            }

            if (rights >= 0 || Rights(part) is not { } parsed) return null;
            rights = parsed;
        }

        return rights < 0 ? null : (rights, flags);
    }

    private static int? Rights(string codes)
    {
        var rights = 0;
        foreach (var code in codes.Split(','))
        {
            int? value = code.Trim().ToUpperInvariant() switch
            {
                "N" => 0,
                "F" => FileAccessControl.FullControl,
                "M" => FileAccessControl.Modify,
                "RX" => FileAccessControl.ReadAndExecute,
                "R" => FileAccessControl.Read,
                "W" => FileAccessControl.Write,
                "D" or "DE" => FileAccessControl.Delete,
                "RC" => 0x20000,
                "WDAC" => 0x40000,
                "WO" => 0x80000,
                "S" => FileAccessControl.Synchronize,
                "AS" => 0x1000000,
                "MA" => 0x2000000,
                "GR" => FileAccessControl.GenericRead,
                "GW" => FileAccessControl.GenericWrite,
                "GE" => FileAccessControl.GenericExecute,
                "GA" => FileAccessControl.GenericAll,
                "RD" => 1,
                "WD" => FileAccessControl.WriteData,
                "AD" => FileAccessControl.AppendData,
                "REA" => 8,
                "WEA" => 0x10,
                "X" => 0x20,
                "DC" => 0x40,
                "RA" => 0x80,
                "WA" => 0x100,
                _ => null,
            };
            if (value is not { } v) return null;
            rights |= v;
        }

        return rights;
    }

    private static async Task<int> InvalidAsync(ICommandLineHost host, string argument, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, $"Invalid parameter \"{argument}\"\r\n", cancellationToken).ConfigureAwait(false);
        return InvalidParameter;
    }

    private static async Task<int> UnmappedAsync(ICommandLineHost host, string account, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, $"{account}: No mapping between account names and security IDs was done.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", cancellationToken).ConfigureAwait(false);
        return NoneMapped;
    }
}
