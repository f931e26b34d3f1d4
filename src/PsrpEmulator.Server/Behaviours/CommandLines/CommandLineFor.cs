using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's <c>for</c>: <c>for %v in (a b *.txt) do command</c> (words, and file names a wildcard matches in the
/// current directory), <c>for /l %v in (start,step,end) do command</c> and <c>for /f ["options"] %v in (source) do
/// command</c> over the lines of files, a "string" or a 'command''s output (<c>tokens=</c>, <c>delims=</c>,
/// <c>skip=</c>, <c>eol=</c>, <c>usebackq</c>), the tokens bound to successive letters from <c>%v</c>. In a batch file
/// the variable is written <c>%%v</c>. <c>for /d</c> matches folders, <c>for /r [folder]</c> takes the set in each
/// folder of the tree below. The command (or block) runs once per value, its variables replaced (<c>%~nxv</c> and the
/// other <c>%~</c> modifiers too).
/// </summary>
internal sealed class ForCommandScript(BehaviourCatalog catalog, string text) : ICommandLineScript
{
    // Iterations the loops of one command line or batch file run at most, nested ones counted together (a for inside
    // a for multiplies): the rest are not run.
    internal const int MaxIterations = 100_000;

    private static readonly AsyncLocal<int[]?> Budget = new();

    /// <summary>Starts the iteration budget of a command line or batch file, unless one of its callers did.</summary>
    internal static void StartBudget() => Budget.Value ??= [MaxIterations];

    public string Description => "for " + text;

    public static bool TryParse(BehaviourCatalog catalog, string line, out ForCommandScript script)
    {
        script = null!;
        if (line.Length < 4 || !line.StartsWith("for", StringComparison.OrdinalIgnoreCase) || !char.IsWhiteSpace(line[3])) return false;
        script = new ForCommandScript(catalog, line[3..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        StartBudget();
        var (loop, error) = await ExpandAsync(catalog, text, host, time, cancellationToken).ConfigureAwait(false);
        if (loop is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, error!, cancellationToken).ConfigureAwait(false);
            return 255;
        }

        var exitCode = 0;
        foreach (var command in loop) exitCode = await catalog.ResolveCommandLine(command).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>
    /// The commands a <c>for</c> (its text after the word) runs, one per value with its variables replaced; null and
    /// what cmd.exe says when it cannot read it.
    /// </summary>
    public static async Task<(List<string>? Commands, string? Error)> ExpandAsync(BehaviourCatalog catalog, string text, ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken,
        Func<string, string>? expandSet = null)
    {
        var rest = text;
        var mode = string.Empty;
        var (directories, recurse) = (false, false);
        string? root = null;
        while (rest.StartsWith('/'))
        {
            var end = rest.IndexOfAny([' ', '\t']);
            if (end < 0) return (null, IfCommandScript.SyntaxError);
            var option = rest[..end].ToLowerInvariant();
            rest = rest[end..].TrimStart();
            // /d and /r go together (for /d /r); /l and /f stand alone.
            switch (option)
            {
                case "/l" or "/f" when mode.Length == 0 && !directories && !recurse:
                    mode = option;
                    break;
                case "/d" when mode.Length == 0 && !directories:
                    directories = true;
                    break;
                case "/r" when mode.Length == 0 && !recurse:
                    recurse = true;
                    if (!rest.StartsWith('%') && !rest.StartsWith('/'))
                    {
                        // The folder the walk starts from: its own word, quoted or not.
                        var token = CommandLineText.Tokenize(rest).FirstOrDefault();
                        if (token.Value is null) return (null, IfCommandScript.SyntaxError);
                        var after = token.Start + CommandLineText.TokenLength(rest, token.Start);
                        root = token.Value;
                        rest = rest[after..].TrimStart();
                    }

                    break;
                default:
                    return (null, option + " was unexpected at this time.\r\n");
            }
        }

        string options = string.Empty;
        if (mode == "/f" && rest.StartsWith('"'))
        {
            var close = rest.IndexOf('"', 1);
            if (close < 0) return (null, IfCommandScript.SyntaxError);
            options = rest[1..close];
            rest = rest[(close + 1)..].TrimStart();
        }

        if (rest.Length < 3 || rest[0] != '%' || !char.IsAsciiLetter(rest[1]) || !char.IsWhiteSpace(rest[2])) return (null, $"{(rest.Length > 0 ? rest.Split(' ')[0] : "%")} was unexpected at this time.\r\n");
        var variable = rest[1];
        rest = rest[2..].TrimStart();
        if (!rest.StartsWith("in", StringComparison.OrdinalIgnoreCase)) return (null, IfCommandScript.SyntaxError);
        rest = rest[2..].TrimStart();
        if (!rest.StartsWith('(')) return (null, IfCommandScript.SyntaxError);
        var setEnd = SetEnd(rest);
        if (setEnd < 0) return (null, IfCommandScript.SyntaxError);
        var set = rest[1..setEnd];
        if (expandSet is not null) set = expandSet(set);
        rest = rest[(setEnd + 1)..].TrimStart();
        if (!rest.StartsWith("do", StringComparison.OrdinalIgnoreCase) || rest.Length < 3 || !char.IsWhiteSpace(rest[2])) return (null, IfCommandScript.SyntaxError);
        var body = rest[2..].Trim();
        if (body.Length == 0) return (null, IfCommandScript.SyntaxError);

        var bindings = new List<Dictionary<char, string>>();
        // What the budget still allows bounds the values made, not only those run.
        var budget = Budget.Value ??= [MaxIterations];
        var cap = Math.Max(0, budget[0]);
        switch (mode)
        {
            case "/l":
            {
                var numbers = set.Split([',', ' ', '\t', ';'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(n => int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0).Concat([0, 0, 0]).ToArray();
                var (start, step, end) = (numbers[0], numbers[1], numbers[2]);
                for (long i = start; step > 0 ? i <= end : step < 0 && i >= end; i += step)
                {
                    if (bindings.Count >= cap) break;
                    bindings.Add(new() { [variable] = i.ToString(CultureInfo.InvariantCulture) });
                }

                break;
            }

            case "/f":
            {
                if (ParseOptions(options) is not { } parsed) return (null, options + " was unexpected at this time.\r\n");
                var lines = await SourceLinesAsync(catalog, set.Trim(), parsed.UseBackQuote, host, time, cancellationToken).ConfigureAwait(false);
                if (lines is null) return (null, "The system cannot find the file " + set.Trim().Trim('"') + ".\r\n");
                foreach (var line in lines.Skip(parsed.Skip))
                {
                    if (bindings.Count >= cap) break;
                    if (line.Length == 0 || (parsed.Eol is { } eol && line[0] == eol)) continue;
                    if (Tokens(line, parsed, variable) is { } bound) bindings.Add(bound);
                }

                break;
            }

            default:
            {
                var items = Items(set).ToList();
                var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
                // for /r: the set in each folder of the tree, the top one first; for /d: wildcards match folders.
                var folders = recurse ? (host.FileSystem?.FolderTree(VirtualFileSystem.FullPath((root ?? ".").Trim('"'), cd, out _)) ?? []).Select(string? (f) => f) : [null];
                foreach (var folder in folders)
                {
                    foreach (var item in items)
                    {
                        if (bindings.Count >= cap) break;
                        var given = folder is null ? item : folder.TrimEnd('\\') + "\\" + item.Trim('"');
                        if (item.AsSpan().IndexOfAny("*?") >= 0)
                        {
                            foreach (var name in MatchingFiles(host, given, directories))
                            {
                                if (bindings.Count >= cap) break;
                                bindings.Add(new() { [variable] = name });
                            }
                        }
                        else if (folder is null || !directories)
                        {
                            bindings.Add(new() { [variable] = given });
                        }
                    }

                    if (bindings.Count >= cap) break;
                }

                break;
            }
        }

        var allowed = Math.Min(bindings.Count, cap);
        budget[0] -= allowed;
        return ([.. bindings.Take(allowed).Select(b => Substitute(body, b, host))], null);
    }

    // The ')' closing the set: quotes (and a 'command''s own parentheses) kept inside.
    private static int SetEnd(string text)
    {
        char? quote = null;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote) quote = null;
                continue;
            }

            if (c is '"' or '\'' or '`') quote = c;
            else if (c == '^') i++;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }

        return -1;
    }

    private static IEnumerable<string> Items(string set)
    {
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in set)
        {
            if (c == '"') quoted = !quoted;
            if (!quoted && (char.IsWhiteSpace(c) || c is ',' or ';' or '='))
            {
                if (current.Length > 0) yield return current.ToString();
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0) yield return current.ToString();
    }

    // The files (for /d: folders) a wildcard matches in its folder, named as written (findstr's expansion); none is no value.
    private static IEnumerable<string> MatchingFiles(ICommandLineHost host, string item, bool folders) =>
        host.FileSystem is null ? [] : FilterCommandScript.ExpandFiles(host, [item.Trim('"')], folders).Where(f => f.Path is not null).Select(f => f.Given);

    private sealed record ForOptions(List<int> Tokens, bool Rest, string Delims, int Skip, char? Eol, bool UseBackQuote);

    private static ForOptions? ParseOptions(string options)
    {
        List<int> tokens = [1];
        var rest = false;
        var delims = " \t";
        var skip = 0;
        char? eol = ';';
        var useBackQuote = false;
        var i = 0;
        while (i < options.Length)
        {
            while (i < options.Length && char.IsWhiteSpace(options[i])) i++;
            if (i >= options.Length) break;
            // A key ends at its '=' or at a blank, whichever comes first ("usebackq tokens=1": usebackq has no '=').
            var equals = options.IndexOf('=', i);
            var blank = options.IndexOfAny([' ', '\t'], i);
            if (blank >= 0 && blank < equals) equals = -1;
            var keyEnd = equals < 0 ? blank : equals;
            var key = options[i..(keyEnd < 0 ? options.Length : keyEnd)].ToLowerInvariant();
            if (key == "usebackq")
            {
                useBackQuote = true;
                i += key.Length;
                continue;
            }

            if (equals < 0) return null;
            var valueStart = equals + 1;
            // delims= runs to the end of the options or the next space that begins another option (its value may hold spaces).
            string value;
            if (key == "delims")
            {
                var next = NextOption(options, valueStart);
                value = options[valueStart..next];
                i = next;
            }
            else
            {
                var end = options.IndexOfAny([' ', '\t'], valueStart);
                value = options[valueStart..(end < 0 ? options.Length : end)];
                i = end < 0 ? options.Length : end;
            }

            switch (key)
            {
                case "tokens":
                    tokens = [];
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (part == "*")
                        {
                            rest = true;
                            continue;
                        }

                        var star = part.EndsWith('*');
                        var range = star ? part[..^1] : part;
                        var dash = range.IndexOf('-');
                        if (dash > 0 && int.TryParse(range[..dash], out var from) && int.TryParse(range[(dash + 1)..], out var to) && from >= 1 && to >= from && to <= 31)
                        {
                            for (var t = from; t <= to; t++) tokens.Add(t);
                        }
                        else if (int.TryParse(range, out var single) && single is >= 1 and <= 31)
                        {
                            tokens.Add(single);
                        }
                        else
                        {
                            return null;
                        }

                        rest |= star;
                    }

                    break;
                case "delims": delims = value; break;
                case "skip" when int.TryParse(value, out var lines) && lines >= 0: skip = lines; break;
                case "eol": eol = value.Length == 0 ? null : value[0]; break;
                default: return null;
            }
        }

        return new ForOptions([.. tokens.Distinct().Order()], rest, delims, skip, eol, useBackQuote);
    }

    private static int NextOption(string options, int from)
    {
        foreach (var key in new[] { " tokens=", " skip=", " eol=", " usebackq", " delims=" })
        {
            var at = options.IndexOf(key, from, StringComparison.OrdinalIgnoreCase);
            if (at >= 0) return at;
        }

        return options.Length;
    }

    private static async Task<List<string>?> SourceLinesAsync(BehaviourCatalog catalog, string set, bool useBackQuote, ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var (commandQuote, stringQuote) = useBackQuote ? ('`', '\'') : ('\'', '"');
        if (set.Length >= 2 && set[0] == commandQuote && set[^1] == commandQuote)
        {
            // The command's output, as cmd.exe runs it in a child cmd: stdout only (stderr reaches the console).
            var capture = new CapturingHost(host);
            await catalog.ResolveCommandLine(set[1..^1].Replace("^|", "|", StringComparison.Ordinal).Replace("^&", "&", StringComparison.Ordinal)
                .Replace("^>", ">", StringComparison.Ordinal)).RunAsync(capture, time, cancellationToken).ConfigureAwait(false);
            return FilterCommandScript.Lines(capture.Text);
        }

        if (set.Length >= 2 && set[0] == stringQuote && set[^1] == stringQuote) return [set[1..^1]];
        var lines = new List<string>();
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        foreach (var name in Items(set))
        {
            var path = VirtualFileSystem.FullPath(name.Trim('"'), cd, out _);
            if (path is null || host.FileSystem is not { } disk || disk.Get(path) is not { IsDirectory: false } || disk.Read(path, out var bytes) != FileSystemFailure.None) return null;
            lines.AddRange(FilterCommandScript.Lines(host.Encoding.GetString(bytes)));
        }

        return lines;
    }

    private static Dictionary<char, string>? Tokens(string line, ForOptions options, char variable)
    {
        // Split at runs of delimiters; leading ones skipped.
        var pieces = new List<(int Start, int End)>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && options.Delims.Contains(line[i], StringComparison.Ordinal)) i++;
            if (i >= line.Length) break;
            var start = i;
            while (i < line.Length && !options.Delims.Contains(line[i], StringComparison.Ordinal)) i++;
            pieces.Add((start, i));
        }

        if (pieces.Count == 0) return null;
        var bound = new Dictionary<char, string>();
        var letter = variable;
        var any = false;
        foreach (var token in options.Tokens)
        {
            var value = token <= pieces.Count ? line[pieces[token - 1].Start..pieces[token - 1].End] : string.Empty;
            any |= token <= pieces.Count;
            bound[letter++] = value;
        }

        if (options.Rest)
        {
            var after = options.Tokens.Count == 0 ? 0 : options.Tokens[^1];
            var value = after < pieces.Count ? line[pieces[after].Start..] : string.Empty;
            any |= after < pieces.Count;
            bound[letter] = value;
        }

        return any ? bound : null;
    }

    // %v (any letter bound) and %~[modifiers]v replaced in the command; a letter not bound stays as written.
    private static string Substitute(string body, Dictionary<char, string> bound, ICommandLineHost host)
    {
        var result = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '%' && i + 1 < body.Length && bound.TryGetValue(body[i + 1], out var value))
            {
                result.Append(value);
                i++;
                continue;
            }

            if (body[i] == '%' && i + 1 < body.Length && body[i + 1] == '~' &&
                CommandLinePathModifiers.TryRead(body, i + 2, bound.ContainsKey, out var modifiers, out var letter, out var end))
            {
                result.Append(CommandLinePathModifiers.Apply(bound[letter], modifiers, host));
                i = end - 1;
                continue;
            }

            result.Append(body[i]);
        }

        return result.ToString();
    }

    /// <summary>A child cmd's console for for /f's 'command': its stdout kept as text, its stderr passed on.</summary>
    private sealed class CapturingHost(ICommandLineHost inner) : ForwardingCommandLineHost(inner)
    {
        private readonly StringBuilder _stdout = new();

        public string Text => _stdout.ToString();

        // The child reads no stdin of the line's.
        public override ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);

        // The child is a cmd.exe of its own: a set in it ends with it.
        public override void SetEnvironmentVariable(string name, string? value)
        {
        }

        public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (stream != WinRsStreams.Stdout) return Inner.WriteAsync(stream, data, cancellationToken);
            // Past the filters' input bound the rest is not read (a reader that stops, as a pipe's).
            if (_stdout.Length + data.Length <= FilterCommandScript.MaxInputBytes) _stdout.Append(Encoding.GetString(data.Span));
            return ValueTask.CompletedTask;
        }
    }
}
