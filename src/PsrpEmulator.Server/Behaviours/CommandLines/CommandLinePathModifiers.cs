using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's <c>%~</c> modifiers of a batch parameter (<c>%~dp1</c>, <c>%~nx0</c>) and of a <c>for</c> variable
/// (<c>%~nI</c>, <c>%%~fI</c> in a batch file), as <c>call /?</c> and <c>for /?</c> describe them: <c>~</c> alone
/// removes the quotes; <c>f</c> the full path; <c>d</c> the drive, <c>p</c> the folder, <c>n</c> the name, <c>x</c> the
/// extension (in that order, joined); <c>s</c> short names (the emulator's disk has no 8.3 names: the long ones);
/// <c>a</c> the attributes, <c>t</c> the last write time, <c>z</c> the size, before the path with a blank between
/// (<c>%~ftza1</c> is a DIR-like line); <c>$NAME:</c> the full path of the first match in the folders an environment
/// variable lists (nothing when none). a, t and z of a file that is not there are nothing.
/// </summary>
internal static class CommandLinePathModifiers
{
    private const string Letters = "fdpnxsatz";

    /// <summary>
    /// Reads the modifiers after a <c>%~</c> at <paramref name="start"/> and the variable they apply to (the longest run of
    /// modifier letters whose next character <paramref name="isVariable"/> accepts, a letter of the run itself
    /// otherwise: <c>%~nf</c> of a loop over <c>%f</c>). False when no variable ends them.
    /// </summary>
    public static bool TryRead(string text, int start, Func<char, bool> isVariable, out string modifiers, out char variable, out int end)
    {
        modifiers = string.Empty;
        variable = '\0';
        end = start;
        var i = start;
        while (i < text.Length && Letters.Contains(char.ToLowerInvariant(text[i]), StringComparison.Ordinal)) i++;
        if (i < text.Length && text[i] == '$')
        {
            var colon = text.IndexOf(':', i + 1);
            // $NAME: names an environment variable: letters, digits and underscores only.
            if (colon > i + 1 && colon + 1 < text.Length && isVariable(text[colon + 1]) &&
                text.AsSpan(i + 1, colon - i - 1).ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") is false)
            {
                var search = text[(i + 1)..colon];
                modifiers = text[start..i].ToLowerInvariant() + "$" + search + ":";
                variable = text[colon + 1];
                end = colon + 2;
                return true;
            }
        }

        // Backtrack from the longest run: the character after the modifiers is the variable.
        for (var last = i; last >= start; last--)
        {
            if (last < text.Length && isVariable(text[last]))
            {
                modifiers = text[start..last].ToLowerInvariant();
                variable = text[last];
                end = last + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>The value with the modifiers applied (<paramref name="modifiers"/> as <see cref="TryRead"/> gives them).</summary>
    public static string Apply(string value, string modifiers, ICommandLineHost host)
    {
        var unquoted = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value.Trim('"');
        if (modifiers.Length == 0) return unquoted;
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var dollar = modifiers.IndexOf('$', StringComparison.Ordinal);
        string? full;
        if (dollar >= 0)
        {
            full = Search(unquoted, modifiers[(dollar + 1)..^1], host, cd);
            // Not found: nothing at all, whatever else was asked.
            if (full is null) return string.Empty;
            modifiers = modifiers[..dollar];
            if (modifiers.Length == 0) return full;
        }
        else
        {
            full = unquoted.Length == 0 ? null : VirtualFileSystem.FullPath(unquoted, cd, out var failure) ??
                // Another drive than the disk's C: is taken apart as written (nothing there to ask about).
                (failure == FileSystemFailure.DriveNotFound && unquoted.Length > 2 && unquoted[1] == ':' ? unquoted.Replace('/', '\\') : null);
        }

        if (full is null) return unquoted.Length == 0 ? string.Empty : unquoted;
        var item = host.FileSystem?.Get(full);
        var parts = new List<string>(4);
        if (modifiers.Contains('a', StringComparison.Ordinal) && item is not null) parts.Add(Attributes(item));
        if (modifiers.Contains('t', StringComparison.Ordinal) && item is not null)
        {
            parts.Add(item.LastWriteTime.ToString("MM/dd/yyyy hh:mm tt", EnglishUnitedStates.Culture));
        }

        if (modifiers.Contains('z', StringComparison.Ordinal) && item is { IsDirectory: false }) parts.Add(item.Length.ToString(CultureInfo.InvariantCulture));
        var path = new StringBuilder();
        var all = modifiers.Contains('f', StringComparison.Ordinal) || modifiers.Contains('s', StringComparison.Ordinal) && !modifiers.AsSpan().ContainsAny("dpnx");
        // The name as the disk spells it when it is there.
        var name = item?.Name ?? VirtualFileSystem.NameOf(full);
        var folder = VirtualFileSystem.ParentOf(full) ?? full;
        var dot = name.LastIndexOf('.');
        if (all || modifiers.Contains('d', StringComparison.Ordinal)) path.Append(full[..2]);
        if (all || modifiers.Contains('p', StringComparison.Ordinal)) path.Append(full.Length <= 3 ? @"\" : folder[2..].TrimEnd('\\') + @"\");
        if (all || modifiers.Contains('n', StringComparison.Ordinal)) path.Append(full.Length <= 3 ? string.Empty : dot < 0 ? name : name[..dot]);
        if (all || modifiers.Contains('x', StringComparison.Ordinal)) path.Append(full.Length <= 3 || dot < 0 ? string.Empty : name[dot..]);
        if (path.Length > 0) parts.Add(path.ToString());
        return string.Join(' ', parts);
    }

    // The attribute letters as Windows 10's cmd.exe prints them (d r a h s c o t l, then two more): UNVERIFIED width.
    private static string Attributes(FileSystemItem item)
    {
        Span<char> text = stackalloc char[11];
        text.Fill('-');
        if (item.IsDirectory) text[0] = 'd';
        if (item.IsReadOnly) text[1] = 'r';
        if (!item.IsDirectory) text[2] = 'a';
        if (item.IsHidden) text[3] = 'h';
        return new string(text);
    }

    private static string? Search(string name, string variable, ICommandLineHost host, string cd)
    {
        if (host.FileSystem is not { } disk) return null;
        var folders = host.Environment.FirstOrDefault(v => v.Key.Equals(variable, StringComparison.OrdinalIgnoreCase)).Value;
        if (folders is null) return null;
        // The current folder first, as cmd.exe's search does.
        foreach (var folder in new[] { cd }.Concat(folders.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var full = VirtualFileSystem.FullPath(folder.Trim('"').TrimEnd('\\') + @"\" + name, cd, out _);
            if (full is not null && disk.Get(full) is not null) return full;
        }

        return null;
    }
}
