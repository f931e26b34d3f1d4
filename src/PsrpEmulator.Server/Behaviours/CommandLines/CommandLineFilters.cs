using System.Text;
using System.Text.RegularExpressions;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// Windows' text filters, when no rule answers the line: <c>findstr</c>, <c>find</c>, <c>sort</c> and <c>more</c> of
/// files. They read the files they name on the computer's disk, else stdin (a pipe's, or what the client sends), as
/// <c>ipconfig | findstr IPv4</c> and <c>netstat -an | find "LISTEN"</c> use them. Text is matched byte for byte as the programs read it
/// (a line ends at LF; its CR is not part of what is matched) and written with CRLF line ends.
/// </summary>
internal sealed class FilterCommandScript : ICommandLineScript
{
    // Input a filter holds (sort holds all of it; findstr and find a file at a time): Windows' have no such limit.
    internal const int MaxInputBytes = 64 << 20;

    private readonly string _name;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyList<string> _rawArguments;

    private FilterCommandScript(string name, IReadOnlyList<string> arguments, IReadOnlyList<string> rawArguments)
    {
        _name = name;
        _arguments = arguments;
        _rawArguments = rawArguments;
    }

    public string Description => _name;

    /// <summary>A findstr, find or sort line (with or without .exe, any folder); false for any other.</summary>
    public static bool TryParse(string line, out FilterCommandScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0) return false;
        var name = CommandLineText.IsProgram(tokens[0].Value, "findstr") ? "findstr"
            : CommandLineText.IsProgram(tokens[0].Value, "find") ? "find"
            : CommandLineText.IsProgram(tokens[0].Value, "sort") ? "sort"
            // more.com of files; more of stdin alone is the default scenario's rule, which echoes stdin as it comes.
            : CommandLineText.IsProgram(tokens[0].Value, "more") && tokens.Skip(1).Any(t => !IsMoreSwitch(t.Value)) ? "more"
            : null;
        if (name is null) return false;
        // find needs to know which arguments were quoted (its string must be).
        var raw = new List<string>(tokens.Count - 1);
        for (var i = 1; i < tokens.Count; i++)
        {
            var end = i + 1 < tokens.Count ? tokens[i + 1].Start : line.Length;
            raw.Add(line[tokens[i].Start..end].TrimEnd());
        }

        script = new FilterCommandScript(name, [.. tokens.Skip(1).Select(t => t.Value)], raw);
        return true;
    }

    public Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken) => _name switch
    {
        "findstr" => FindStrAsync(host, cancellationToken),
        "find" => FindAsync(host, cancellationToken),
        "more" => MoreAsync(host, cancellationToken),
        _ => SortAsync(host, cancellationToken),
    };

    // Latin-1 maps each byte to one char and back: the text is matched and written as the bytes it came as.
    private static readonly Encoding Bytes = Encoding.Latin1;

    /// <summary>
    /// findstr's switches (/I /V /N /M /B /E /X /L /R /C:string, several letters after one slash as in <c>/in</c>,
    /// <c>-</c> for <c>/</c>); the strings (space-separated, any one matching, unless given with /C:), and the files.
    /// Regular expressions are findstr's own: <c>. * ^ $ [class] [^class] [a-z] \&lt; \&gt;</c> and <c>\x</c> for a
    /// literal x. Without /L or /R the search is a regular expression when the first string has a metacharacter in it,
    /// literal otherwise. /S searches the folders below too. /F:, /G:, /D:, /A:, /O, /P and /OFF are not emulated (the line says so).
    /// </summary>
    private async Task<int> FindStrAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        bool ignoreCase = false, invert = false, numbers = false, namesOnly = false, begin = false, end = false, exact = false, subfolders = false;
        bool? regex = null;
        var literals = new List<string>();
        var positional = new List<string>();
        foreach (var argument in _arguments)
        {
            if (argument.Length > 1 && argument[0] is '/' or '-' && positional.Count == 0)
            {
                if (argument.Length > 3 && argument[2] == ':' && char.ToUpperInvariant(argument[1]) == 'C')
                {
                    literals.Add(argument[3..]);
                    continue;
                }

                foreach (var letter in argument.AsSpan(1))
                {
                    switch (char.ToUpperInvariant(letter))
                    {
                        case 'I': ignoreCase = true; break;
                        case 'V': invert = true; break;
                        case 'N': numbers = true; break;
                        case 'M': namesOnly = true; break;
                        case 'S': subfolders = true; break;
                        case 'B': begin = true; break;
                        case 'E': end = true; break;
                        case 'X': exact = true; break;
                        case 'L': regex = false; break;
                        case 'R': regex = true; break;
                        default:
                            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("findstr " + argument), cancellationToken).ConfigureAwait(false);
                            return 2;
                    }
                }

                continue;
            }

            positional.Add(argument);
        }

        var strings = new List<string>(literals);
        if (literals.Count == 0 && positional.Count > 0)
        {
            strings.AddRange(positional[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            positional.RemoveAt(0);
        }

        if (strings.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "FINDSTR: Bad command line\r\n", cancellationToken).ConfigureAwait(false);
            return 2;
        }

        var useRegex = regex ?? strings[0].AsSpan().IndexOfAny(@".*^$[\") >= 0;
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        var patterns = strings.Select(s => Pattern(s, useRegex, begin || exact, end || exact, options)).ToList();
        // A pattern that takes too long on a line (a pathological expression) does not match it.
        bool Matches(string line) => patterns.Any(p => SafeIsMatch(p, line)) != invert;

        var found = false;
        var output = new StringBuilder();
        if (positional.Count == 0)
        {
            var lines = await ReadStdinLinesAsync(host, cancellationToken).ConfigureAwait(false);
            if (lines is null) return await TooMuchAsync(host, "findstr", cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < lines.Count; i++)
            {
                if (!Matches(lines[i])) continue;
                found = true;
                if (namesOnly)
                {
                    // /M with stdin: no file name to print (UNVERIFIED what Windows prints).
                    break;
                }

                if (numbers) output.Append(i + 1).Append(':');
                output.Append(lines[i]).Append("\r\n");
            }

            await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
            return found ? 0 : 1;
        }

        var files = subfolders ? SearchFiles(host, positional) : ExpandFiles(host, positional);
        // /S names every file it searched in, even one.
        var prefixNames = files.Count > 1 || subfolders;
        foreach (var (given, path) in files)
        {
            if (path is null || ReadFile(host, path) is not { } text)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, $"FINDSTR: Cannot open {given}\r\n", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var lines = Lines(text);
            for (var i = 0; i < lines.Count; i++)
            {
                if (!Matches(lines[i])) continue;
                found = true;
                if (namesOnly)
                {
                    output.Append(given).Append("\r\n");
                    break;
                }

                if (prefixNames) output.Append(given).Append(':');
                if (numbers) output.Append(i + 1).Append(':');
                output.Append(lines[i]).Append("\r\n");
            }

            await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
        }

        return found ? 0 : 1;
    }

    private static bool SafeIsMatch(Regex pattern, string line)
    {
        try
        {
            return pattern.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex Pattern(string text, bool regex, bool atStart, bool atEnd, RegexOptions options)
    {
        string Anchored(string body) => (atStart ? "^" : string.Empty) + body + (atEnd ? "$" : string.Empty);
        try
        {
            return new Regex(Anchored(regex ? FindStrRegex(text) : Regex.Escape(text)), options, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException)
        {
            // What .NET cannot read as a pattern is searched for as text.
            return new Regex(Anchored(Regex.Escape(text)), options, TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>findstr's regular expression as .NET's: its metacharacters kept, everything else literal.</summary>
    internal static string FindStrRegex(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 8);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '.':
                    result.Append('.');
                    break;
                case '*':
                    // A '*' repeats the character before it; with none before it (first, after '^', after another '*') it is a literal one.
                    result.Append(i == 0 || pattern[i - 1] is '*' || (i == 1 && pattern[0] == '^') ? @"\*" : "*");
                    break;
                case '^' when i == 0:
                    result.Append('^');
                    break;
                case '$' when i == pattern.Length - 1:
                    result.Append('$');
                    break;
                case '\\' when i + 1 < pattern.Length:
                    var next = pattern[++i];
                    result.Append(next switch
                    {
                        '<' => @"\b(?=\w)",
                        '>' => @"\b(?<=\w)",
                        _ => Regex.Escape(next.ToString()),
                    });
                    break;
                case '[':
                    // A class needs a member and its ']'; a '[' without them is a literal one.
                    var negated = i + 1 < pattern.Length && pattern[i + 1] == '^';
                    var first = i + (negated ? 2 : 1);
                    var close = first < pattern.Length - 1 ? pattern.IndexOf(']', first + 1) : -1;
                    if (close < 0)
                    {
                        result.Append(@"\[");
                        break;
                    }

                    result.Append('[').Append(negated ? "^" : string.Empty);
                    foreach (var m in pattern.AsSpan(first, close - first)) result.Append(m is '\\' or ']' or '[' or '^' ? "\\" + m : m.ToString());
                    result.Append(']');
                    i = close;
                    break;
                default:
                    result.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// find's <c>[/V] [/C] [/N] [/I] [/OFF[LINE]] "string" [files]</c> (a switch after the string too): the string must be in double quotes ("FIND: Parameter format
    /// not correct" otherwise). Lines of stdin print as they are; a file's after a <c>---------- NAME</c> header (its
    /// name as given, in capitals); /C prints the count, /N the line number in brackets. Exit code 0 when a line
    /// matched, 1 when none did, 2 for an error. An empty string matches no line.
    /// </summary>
    private async Task<int> FindAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        bool ignoreCase = false, invert = false, count = false, numbers = false;
        string? search = null;
        var files = new List<string>();
        for (var i = 0; i < _arguments.Count; i++)
        {
            var argument = _arguments[i];
            // A switch anywhere on the line, before or after the string (netstat -an | find "LISTENING" /c).
            if (argument.Length >= 2 && argument[0] == '/' && !_rawArguments[i].StartsWith('"'))
            {
                if (argument.Equals("/OFF", StringComparison.OrdinalIgnoreCase) || argument.Equals("/OFFLINE", StringComparison.OrdinalIgnoreCase)) continue;
                switch (argument.Length == 2 ? char.ToUpperInvariant(argument[1]) : '\0')
                {
                    case 'I': ignoreCase = true; continue;
                    case 'V': invert = true; continue;
                    case 'C': count = true; continue;
                    case 'N': numbers = true; continue;
                    default:
                        await host.WriteTextAsync(WinRsStreams.Stderr, $"FIND: Invalid switch\r\n", cancellationToken).ConfigureAwait(false);
                        return 2;
                }
            }

            if (search is null)
            {
                if (!_rawArguments[i].StartsWith('"'))
                {
                    await host.WriteTextAsync(WinRsStreams.Stderr, "FIND: Parameter format not correct\r\n", cancellationToken).ConfigureAwait(false);
                    return 2;
                }

                search = argument;
                continue;
            }

            files.Add(argument);
        }

        if (search is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "FIND: Parameter format not correct\r\n", cancellationToken).ConfigureAwait(false);
            return 2;
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var found = false;
        var output = new StringBuilder();

        void Filter(List<string> lines, string? header)
        {
            var matched = 0;
            var body = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                // find's empty string is in no line: `find /c /v ""` is the idiom that counts every line.
                if ((search.Length > 0 && lines[i].Contains(search, comparison)) == invert) continue;
                matched++;
                if (count) continue;
                if (numbers) body.Append('[').Append(i + 1).Append(']');
                body.Append(lines[i]).Append("\r\n");
            }

            found |= matched > 0;
            if (header is null)
            {
                output.Append(count ? matched + "\r\n" : body.ToString());
                return;
            }

            output.Append("\r\n---------- ").Append(header);
            output.Append(count ? ": " + matched + "\r\n" : "\r\n" + body);
        }

        if (files.Count == 0)
        {
            var lines = await ReadStdinLinesAsync(host, cancellationToken).ConfigureAwait(false);
            if (lines is null) return await TooMuchAsync(host, "find", cancellationToken).ConfigureAwait(false);
            Filter(lines, null);
            await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
            return found ? 0 : 1;
        }

        var failed = false;
        foreach (var (given, path) in ExpandFiles(host, files))
        {
            if (path is null || ReadFile(host, path) is not { } text)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, $"File not found - {given.ToUpperInvariant()}\r\n", cancellationToken).ConfigureAwait(false);
                failed = true;
                continue;
            }

            Filter(Lines(text), given.ToUpperInvariant());
            await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
        }

        return failed ? 2 : found ? 0 : 1;
    }

    /// <summary>
    /// sort's <c>[/R] [file]</c>: the lines in order, case ignored (en-US collation, as sort.exe compares with the
    /// system's locale; UNVERIFIED for punctuation), reversed with /R.
    /// </summary>
    private async Task<int> SortAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        var reverse = false;
        string? file = null;
        foreach (var argument in _arguments)
        {
            if (argument.Equals("/R", StringComparison.OrdinalIgnoreCase) || argument.Equals("/reverse", StringComparison.OrdinalIgnoreCase))
            {
                reverse = true;
            }
            else if (argument.StartsWith('/'))
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("sort " + argument), cancellationToken).ConfigureAwait(false);
                return 1;
            }
            else
            {
                file = argument;
            }
        }

        List<string>? lines;
        if (file is null)
        {
            lines = await ReadStdinLinesAsync(host, cancellationToken).ConfigureAwait(false);
            if (lines is null) return await TooMuchAsync(host, "sort", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var path = VirtualFileSystem.FullPath(file, host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
            if (path is null || ReadFile(host, path) is not { } text)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the file specified.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            lines = Lines(text);
        }

        var comparer = WindowsCollation.IgnoreCase;
        // A stable sort: equal lines keep their order.
        var sorted = lines.Select((line, index) => (line, index)).OrderBy(l => l.line, comparer).ThenBy(l => l.index).Select(l => l.line).ToList();
        if (reverse) sorted.Reverse();
        var output = new StringBuilder();
        foreach (var line in sorted) output.Append(line).Append("\r\n");
        await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static bool IsMoreSwitch(string argument) => argument.Length > 1 && argument[0] is '/' or '+';

    /// <summary>
    /// more.com of files (<c>more [/E] [/C] [/P] [/S] [/Tn] [+n] files</c>), as it writes to a pipe: each file's lines
    /// in turn, no prompt, tabs expanded to stops of n (8 by default), /S squeezing runs of blank lines into one and
    /// +n starting at line n+1 (of the first file). A missing file: "Cannot access file PATH" on stderr (its full path),
    /// exit code 1 (UNVERIFIED code); /E /C /P change nothing on a pipe. Every line ends CRLF, the last one too.
    /// </summary>
    private async Task<int> MoreAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        int tabs = 8, skip = 0;
        var squeeze = false;
        var files = new List<string>();
        foreach (var argument in _arguments)
        {
            if (argument.Length > 1 && argument[0] == '+' && int.TryParse(argument.AsSpan(1), out var from) && from >= 0) skip = from;
            else if (argument.Length > 1 && argument[0] == '/')
            {
                var letter = char.ToUpperInvariant(argument[1]);
                if (letter == 'S' && argument.Length == 2) squeeze = true;
                else if (letter == 'T' && int.TryParse(argument.AsSpan(2), out var stops) && stops is > 0 and <= 80) tabs = stops;
                else if (letter is not ('E' or 'C' or 'P') || argument.Length != 2)
                {
                    await host.WriteTextAsync(WinRsStreams.Stderr, $"Invalid switch - \"{argument[1..]}\".\r\n", cancellationToken).ConfigureAwait(false);
                    return 1;
                }
            }
            else files.Add(argument);
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        foreach (var file in files)
        {
            var path = VirtualFileSystem.FullPath(file, cd, out _);
            if (path is null || ReadFile(host, path) is not { } text)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, $"Cannot access file {path ?? file}\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            var output = new StringBuilder();
            var blank = false;
            foreach (var line in Lines(text))
            {
                if (skip > 0) { skip--; continue; }
                if (squeeze && line.Length == 0 && blank) continue;
                blank = line.Length == 0;
                ExpandTabs(output, line, tabs);
                output.Append("\r\n");
            }

            await WriteAsync(host, output, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static void ExpandTabs(StringBuilder output, string line, int tabs)
    {
        var column = 0;
        foreach (var c in line)
        {
            if (c != '\t')
            {
                output.Append(c);
                column++;
                continue;
            }

            var spaces = tabs - column % tabs;
            output.Append(' ', spaces);
            column += spaces;
        }
    }

    /// <summary>The lines of stdin until its end; null past <see cref="MaxInputBytes"/>.</summary>
    private static async Task<List<string>?> ReadStdinLinesAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        while (await host.ReadStdinAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
        {
            if (text.Length + chunk.Length > MaxInputBytes) return null;
            text.Append(Bytes.GetString(chunk.Span));
        }

        return Lines(text.ToString());
    }

    private static async Task<int> TooMuchAsync(ICommandLineHost host, string name, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, $"{name} reads at most {MaxInputBytes} bytes of input in the emulator\r\n", cancellationToken).ConfigureAwait(false);
        return 2;
    }

    /// <summary>Lines as the filters read them: split at LF, a CR before it dropped; no empty last line after a final line end.</summary>
    internal static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            var line = end < 0 ? text[start..] : text[start..end];
            lines.Add(line.EndsWith('\r') ? line[..^1] : line);
            if (end < 0) break;
            start = end + 1;
        }

        return lines;
    }

    /// <summary>
    /// findstr /S: the files matching each name (wildcards allowed in its last part) in its folder (the current
    /// directory when it names none) and every folder below, a folder's files before its subfolders', each in name
    /// order; each named as its path from the current directory. A name nothing matches is reported as missing.
    /// </summary>
    private static List<(string Given, string? Path)> SearchFiles(ICommandLineHost host, List<string> names)
    {
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var result = new List<(string, string?)>();
        if (host.FileSystem is not { } disk)
        {
            result.AddRange(names.Select(n => (n, (string?)null)));
            return result;
        }

        foreach (var name in names)
        {
            var pattern = VirtualFileSystem.FullPattern(name, cd, out _);
            var folder = pattern is null ? null : VirtualFileSystem.ParentOf(pattern);
            if (pattern is null || folder is null)
            {
                result.Add((name, null));
                continue;
            }

            var wildcard = VirtualFileSystem.CmdWildcard(VirtualFileSystem.NameOf(pattern));
            var before = result.Count;
            var pending = new Stack<string>();
            pending.Push(folder);
            var visited = 0;
            while (pending.Count > 0 && visited++ < 10_000)
            {
                var current = pending.Pop();
                var items = disk.List(current, includeHidden: false) ?? [];
                foreach (var file in items.Where(f => !f.IsDirectory && wildcard.IsMatch(f.Name)).OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase))
                {
                    result.Add((Relative(file.FullName, cd), file.FullName));
                }

                foreach (var sub in items.Where(f => f.IsDirectory).OrderByDescending(f => f.Name, StringComparer.OrdinalIgnoreCase)) pending.Push(sub.FullName);
            }

            if (result.Count == before) result.Add((name, null));
        }

        return result;

        static string Relative(string fullName, string cd)
        {
            var prefix = cd.TrimEnd('\\') + "\\";
            return fullName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? fullName[prefix.Length..] : fullName;
        }
    }

    /// <summary>
    /// Files named (wildcards in the last part expanded, in name order; <paramref name="folders"/>: the folders they
    /// match instead, as for /d): each as given and its full path; null where none.
    /// </summary>
    internal static List<(string Given, string? Path)> ExpandFiles(ICommandLineHost host, List<string> names, bool folders = false)
    {
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var result = new List<(string, string?)>();
        foreach (var name in names)
        {
            if (name.AsSpan().IndexOfAny("*?") < 0 || host.FileSystem is not { } disk)
            {
                result.Add((name, VirtualFileSystem.FullPath(name, cd, out _)));
                continue;
            }

            var pattern = VirtualFileSystem.FullPattern(name, cd, out _);
            var folder = pattern is null ? null : VirtualFileSystem.ParentOf(pattern);
            var wildcard = pattern is null ? null : VirtualFileSystem.CmdWildcard(VirtualFileSystem.NameOf(pattern));
            var matched = folder is null || wildcard is null ? null : disk.List(folder, includeHidden: false)?
                .Where(f => f.IsDirectory == folders && wildcard.IsMatch(f.Name))
                .OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToList();
            if (matched is not { Count: > 0 })
            {
                result.Add((name, null));
                continue;
            }

            var prefix = name.LastIndexOfAny(['\\', '/']) is var slash and >= 0 ? name[..(slash + 1)] : string.Empty;
            foreach (var file in matched) result.Add((prefix + file.Name, file.FullName));
        }

        return result;
    }

    private static string? ReadFile(ICommandLineHost host, string path) =>
        host.FileSystem is { } disk && disk.Get(path) is { IsDirectory: false } && disk.Read(path, out var bytes) == FileSystemFailure.None && bytes.Length <= MaxInputBytes
            ? Bytes.GetString(bytes)
            : null;

    private static async ValueTask WriteAsync(ICommandLineHost host, StringBuilder output, CancellationToken cancellationToken)
    {
        if (output.Length == 0) return;
        await host.WriteAsync(WinRsStreams.Stdout, Bytes.GetBytes(output.ToString()), cancellationToken).ConfigureAwait(false);
        output.Clear();
    }
}
