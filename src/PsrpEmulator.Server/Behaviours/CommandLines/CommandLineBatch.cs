using System.Text;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// The console of a cmd.exe process that runs several commands (a chained line, a batch file): <c>set NAME=value</c>
/// changes its environment for the commands after it; the rest is the command's host.
/// </summary>
internal sealed class ProcessEnvironmentHost(ICommandLineHost inner) : ForwardingCommandLineHost(inner)
{
    private readonly SortedDictionary<string, string?> _changes = new(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, string>? _facts;

    public override IReadOnlyDictionary<string, string> Facts => _facts ?? Inner.Facts;

    /// <summary>Whether a batch file runs in the process (set /a then prints nothing).</summary>
    public bool InBatch { get; set; }

    /// <summary>pushd's stack of directories.</summary>
    public Stack<string> DirectoryStack { get; } = new();

    /// <summary>Whether a batch file's lines are echoed (<c>echo off</c> lasts for the batch files it calls, as in one cmd.exe).</summary>
    public bool Echo { get; set; } = true;

    /// <summary><c>setlocal enabledelayedexpansion</c>: <c>!NAME!</c> expands when each command runs.</summary>
    public bool DelayedExpansion { get; set; }

    // setlocal's saved states, the newest on top; cmd.exe allows 32 levels.
    private readonly Stack<(SortedDictionary<string, string?> Changes, Dictionary<string, string>? Facts, bool Delayed)> _locals = new();

    /// <summary>setlocal levels open now.</summary>
    public int LocalDepth => _locals.Count;

    /// <summary>setlocal: keeps the environment, the current directory and delayed expansion to restore; false past 32 levels.</summary>
    public bool PushLocal()
    {
        if (_locals.Count >= 32) return false;
        _locals.Push((new SortedDictionary<string, string?>(_changes, StringComparer.OrdinalIgnoreCase),
            _facts is null ? null : new Dictionary<string, string>(_facts, StringComparer.OrdinalIgnoreCase), DelayedExpansion));
        return true;
    }

    /// <summary>endlocal (and the implicit one at the end of a batch file or call): back to what setlocal kept, down to <paramref name="depth"/> levels.</summary>
    public void PopLocals(int depth)
    {
        while (_locals.Count > depth)
        {
            var (changes, facts, delayed) = _locals.Pop();
            _changes.Clear();
            foreach (var (name, value) in changes) _changes[name] = value;
            _facts = facts;
            DelayedExpansion = delayed;
        }
    }

    /// <summary><c>cd</c> in the process: the commands after it run there.</summary>
    public void SetCurrentDirectory(string directory)
    {
        _facts ??= new Dictionary<string, string>(Inner.Facts, StringComparer.OrdinalIgnoreCase);
        _facts["cd"] = directory;
    }
    public override IReadOnlyList<KeyValuePair<string, string>> Environment
    {
        get
        {
            if (_changes.Count == 0) return Inner.Environment;
            var merged = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in Inner.Environment) merged[name] = value;
            foreach (var (name, value) in _changes)
            {
                if (value is null) merged.Remove(name);
                else merged[name] = value;
            }

            return [.. merged];
        }
    }

    public override void SetEnvironmentVariable(string name, string? value) => _changes[name] = value;

    /// <summary>
    /// <c>ERRORLEVEL</c> (<c>if errorlevel</c>, <c>%ERRORLEVEL%</c>): the exit code of the last command that set it.
    /// Setting it sets <see cref="LastExitCode"/> too.
    /// </summary>
    public int ErrorLevel
    {
        get;
        set
        {
            field = value;
            LastExitCode = value;
        }
    }

    /// <summary>The exit code of the last command that ran, what <c>&amp;&amp;</c> and <c>||</c> test.</summary>
    public int LastExitCode { get; private set; }

    /// <summary>Whether the batch file running is a .cmd script (set and path then clear ERRORLEVEL when they succeed).</summary>
    public bool CmdScript { get; set; }

    /// <summary>
    /// A command has run to <paramref name="exitCode"/>: ERRORLEVEL takes it, unless the command is one cmd.exe leaves
    /// ERRORLEVEL alone for when it succeeds (echo, rem, title, break; set, path, prompt, assoc and ftype outside a .cmd
    /// script), so "program &amp; echo done &amp; if errorlevel 1 ..." still sees the program's code.
    /// </summary>
    public void Completed(string command, int exitCode)
    {
        if (exitCode == 0 && LeavesErrorLevel(command, CmdScript)) LastExitCode = 0;
        else ErrorLevel = exitCode;
    }

    private static bool LeavesErrorLevel(string command, bool cmdScript)
    {
        if (CommandLineText.IsEchoCommand(command)) return true;
        var word = CommandLineText.CommandWord(command);
        return word is "rem" or "title" or "break" || !cmdScript && word is "set" or "path" or "prompt" or "assoc" or "ftype" or "dpath";
    }

    /// <summary>A variable's value in the process now; null when it has none.</summary>
    public string? Variable(string name) =>
        _changes.TryGetValue(name, out var changed) ? changed : Inner.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A batch file (<c>script.bat</c>, <c>"C:/Windows/Temp/script.cmd" a b</c>, <c>call x.bat</c>) on the computer's disk, run
/// line by line as cmd.exe runs one: each line's <c>%0</c>..<c>%9</c>, <c>%*</c>, the <c>%~</c> modifiers
/// (<c>%~dp0</c>, <c>%~nx1</c>: <see cref="CommandLinePathModifiers"/>), <c>%%</c> and <c>%NAME%</c> (the batch's own
/// environment, <c>%ERRORLEVEL%</c> the last command's exit code) expanded, then echoed with the prompt while echo is on
/// (a line starting with <c>@</c> never is; <c>echo off</c> / <c>echo on</c> switch it for the process), then run by
/// the computer's command-line rules. <c>set NAME=value</c> lasts for the rest of the file, <c>rem</c> and labels do
/// nothing, <c>setlocal</c> keeps the environment, the current directory and delayed expansion for <c>endlocal</c> (or
/// the end of the file or call) to restore, <c>setlocal enabledelayedexpansion</c> makes <c>!NAME!</c> expand as each
/// command runs (in an <c>if</c>'s condition when it is tested, in a <c>for</c>'s set before it is split), <c>goto label</c> jumps,
/// <c>exit /b N</c> and <c>goto :eof</c> end the file, <c>if</c> runs as on a command line (a block over several lines
/// runs as one line), <c>for</c> as on a command line (each iteration's command steering the file as its own line),
/// <c>call :label args</c> runs the lines after the label with its own arguments to <c>goto :eof</c> or <c>exit /b</c>,
/// <c>shift [/n]</c> moves the arguments down. Another batch file run without <c>call</c> takes this one's place once
/// the line that ran it is done. The exit code is the last command's. A file that is not there is cmd.exe's "not
/// recognized".
/// </summary>
internal sealed class BatchFileScript(BehaviourCatalog catalog, string file, string arguments) : ICommandLineScript
{
    // Batch files calling batch files: deeper is refused rather than recursed into.
    private const int MaxDepth = 16;
    private static readonly AsyncLocal<int> Depth = new();

    public string Description => "batch " + file;

    /// <summary>The batch file as the line names it.</summary>
    public string FileName => file;

    /// <summary>Whether a command's name is a batch file's (.bat or .cmd), as PowerShell runs one through cmd.exe.</summary>
    public static bool IsBatchFileName(string word)
    {
        var name = word.Trim('"', '\'');
        return name.EndsWith(".bat", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the batch file a command names is on <paramref name="disk"/> (relative to <paramref name="cd"/>).</summary>
    public static bool Exists(VirtualFileSystem? disk, string word, string cd) =>
        disk is not null && VirtualFileSystem.FullPath(word.Trim('"', '\'').Replace('/', '\\'), cd, out _) is { } path && disk.Get(path) is { IsDirectory: false };

    /// <summary>A line whose command is a .bat or .cmd file (quoted or not, / or \ in its path), or <c>call</c> of one.</summary>
    public static bool TryParse(BehaviourCatalog catalog, string line, out BatchFileScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0) return false;
        var first = 0;
        if (tokens[0].Value.Equals("call", StringComparison.OrdinalIgnoreCase) && tokens.Count > 1) first = 1;
        var name = tokens[first].Value;
        if (!name.EndsWith(".bat", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase)) return false;
        var end = first + 1 < tokens.Count ? tokens[first + 1].Start : line.Length;
        script = new BatchFileScript(catalog, name, line[end..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var path = host.FileSystem is null ? null : VirtualFileSystem.FullPath(file.Replace('/', '\\'), cd, out _);
        if (path is null || host.FileSystem!.Get(path) is not { IsDirectory: false } || host.FileSystem.Read(path, out var bytes) != FileSystemFailure.None)
        {
            return await new NotRecognizedScript(file).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
        }

        if (Depth.Value >= MaxDepth)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "Batch files call each other too deeply in the emulator.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        Depth.Value++;
        ForCommandScript.StartBudget();
        try
        {
            return await RunLinesAsync(host as ProcessEnvironmentHost ?? new ProcessEnvironmentHost(host), path, host.Encoding.GetString(bytes), cd, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Depth.Value--;
        }
    }

    // Lines a batch file runs at most (a goto loop that never ends is stopped, not run for ever).
    private const int MaxLinesRun = 100_000;

    private async Task<int> RunLinesAsync(ProcessEnvironmentHost process, string path, string text, string cd, TimeProvider time, CancellationToken cancellationToken)
    {
        var (wasInBatch, wasCmdScript) = (process.InBatch, process.CmdScript);
        process.InBatch = true;
        process.CmdScript = path.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase);
        var frame = new BatchFrame(
            [.. text.Split('\n').Select(l => l.TrimEnd('\r').TrimStart(' ', '\t'))], path, cd, arguments, new BatchArguments(file, arguments), new BatchState());
        process.ErrorLevel = 0;
        try
        {
            return await RunFromAsync(frame, 0, process, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (process.InBatch, process.CmdScript) = (wasInBatch, wasCmdScript);
        }
    }

    /// <summary>
    /// One running level of a batch file: the file's lines, its arguments (a <c>call :label</c>'s own), and what the
    /// whole file shares: the lines run so far.
    /// </summary>
    private sealed record BatchFrame(List<string> Lines, string Path, string Cd, string All, BatchArguments Arguments, BatchState State);

    /// <summary>A level's %0..%n as shift leaves them, and whether another batch file run without call replaced it.</summary>
    private sealed class BatchArguments(string zero, string all)
    {
        /// <summary>%0, %1, ...: each as written (quotes kept).</summary>
        public List<string> Values { get; } = [zero, .. CommandLineText.Tokenize(all).Select(t => all[t.Start..(t.Start + CommandLineText.TokenLength(all, t.Start))])];

        /// <summary>Whether %0 still names the batch file (%~dp0 is its folder); shift moves an argument into it.</summary>
        public bool ZeroIsFile { get; set; } = true;

        /// <summary>setlocal levels open when this level began (its endlocal cannot go below them).</summary>
        public int LocalBase { get; set; }

        /// <summary>A batch file run without call: this level ends once the line that ran it has.</summary>
        public bool Replaced { get; set; }

        public string this[int index] => index < Values.Count ? Values[index] : string.Empty;

        /// <summary>shift /n: %n takes %n+1's value, and so on; %* does not change.</summary>
        public void Shift(int from)
        {
            if (from < Values.Count) Values.RemoveAt(from);
            if (from == 0) ZeroIsFile = false;
        }
    }

    /// <summary>Runs the frame's lines from <paramref name="start"/> to its end, an exit or goto :eof; the exit code.</summary>
    private async Task<int> RunFromAsync(BatchFrame frame, int start, ProcessEnvironmentHost process, TimeProvider time, CancellationToken cancellationToken)
    {
        // setlocal without endlocal ends with the level that ran it (a file, or a call :label).
        var locals = frame.Arguments.LocalBase = process.LocalDepth;
        try
        {
            return await RunLinesFromAsync(frame, start, process, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            process.PopLocals(locals);
        }
    }

    private async Task<int> RunLinesFromAsync(BatchFrame frame, int start, ProcessEnvironmentHost process, TimeProvider time, CancellationToken cancellationToken)
    {
        var lines = frame.Lines;
        var state = frame.State;
        for (var index = start; index < lines.Count; index++)
        {
            var line = lines[index];
            if (line.Length == 0 || line[0] == ':') continue;
            // A block opened on this line runs to its closing parenthesis as one line ("if ... (" ... ") else (" ... ")").
            while (Balance(line) > 0 && index + 1 < lines.Count)
            {
                var next = lines[++index];
                if (next.Length == 0 || next.StartsWith("::", StringComparison.Ordinal) || next.StartsWith("rem ", StringComparison.OrdinalIgnoreCase)) continue;
                // Each line of the block is a command of its own: no blank before the '&' (echo would print it).
                line += OpensBlock(line) ? " " + next : next.StartsWith(')') ? next : "& " + next;
            }

            state.Line = index;
            if (++state.LinesRun > MaxLinesRun)
            {
                await process.WriteTextAsync(WinRsStreams.Stderr, $"A batch file runs at most {MaxLinesRun} lines in the emulator.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            var quiet = line[0] == '@';
            if (quiet) line = line[1..].TrimStart(' ', '\t');
            if (line.Length == 0) continue;
            // cd and pushd move the process: the prompt and %CD% follow it.
            var cd = process.Facts.GetValueOrDefault("cd") ?? frame.Cd;
            var expanded = Expand(line, frame with { Cd = cd }, process, process.ErrorLevel, time.GetUtcNow());
            if (expanded.Length > WinRsEnvironment.MaxCommandLineLength)
            {
                process.ErrorLevel = await CommandLineTooLongScript.Instance.RunAsync(process, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (process.Echo && !quiet)
            {
                await process.WriteTextAsync(WinRsStreams.Stdout, "\r\n" + cd + ">" + expanded + "\r\n", cancellationToken).ConfigureAwait(false);
            }

            var (flow, label, code) = await RunCommandAsync(expanded, frame, process, time, cancellationToken).ConfigureAwait(false);
            if (flow == Flow.End) return code;
            // The batch file this line ran without call took this one's place: it does not come back here.
            if (frame.Arguments.Replaced) return process.ErrorLevel;
            if (flow != Flow.Jump) continue;
            var target = LabelIndex(lines, label!, index);
            if (target < 0)
            {
                // cmd.exe's answer, which ends the batch file.
                await process.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the batch label specified - " + label + "\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            index = target;
        }

        return process.ErrorLevel;
    }

    // cmd.exe looks for a label from the line after the goto (or call) to the end of the file, then from its start: of
    // two labels of one name, the next one below wins.
    private static int LabelIndex(List<string> lines, string label, int from)
    {
        bool IsLabel(string l) => l.StartsWith(':') && !l.StartsWith("::", StringComparison.Ordinal) &&
            l[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Equals(label, StringComparison.OrdinalIgnoreCase) == true;
        var start = Math.Min(from + 1, lines.Count);
        var below = lines.FindIndex(start, IsLabel);
        return below >= 0 ? below : lines.FindIndex(0, start, IsLabel);
    }

    // Whether a block line ends with a parenthesis that opens a block ("if x (", not echo.a^( ): the next line then
    // joins it without an '&'.
    private static bool OpensBlock(string line)
    {
        if (!line.EndsWith('(')) return false;
        var carets = 0;
        for (var i = line.Length - 2; i >= 0 && line[i] == '^'; i--) carets++;
        return carets % 2 == 0 && !CommandLineText.IsEchoParen(line, line.Length - 1);
    }

    private enum Flow
    {
        Next,
        Jump,
        End,
    }

    private sealed class BatchState
    {
        /// <summary>Lines run so far, across goto jumps and called labels.</summary>
        public int LinesRun;

        /// <summary>The line running now (where a call :label starts looking for its label).</summary>
        public int Line;
    }

    /// <summary>
    /// Delayed expansion: each <c>!NAME!</c> is the variable's value now (nothing when it has none), the dynamic ones
    /// too (<c>!ERRORLEVEL!</c> the last code, as <c>set CODE=!ERRORLEVEL!</c> after a program reads it; <c>!CD!</c>,
    /// <c>!RANDOM!</c>, <c>!DATE!</c>, <c>!TIME!</c>); a lone <c>!</c> goes.
    /// </summary>
    private static string ExpandDelayed(string text, ProcessEnvironmentHost process, DateTimeOffset now)
    {
        if (!text.Contains('!', StringComparison.Ordinal)) return text;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '!')
            {
                result.Append(text[i]);
                continue;
            }

            var close = text.IndexOf('!', i + 1);
            if (close < 0) break;
            var name = text[(i + 1)..close];
            result.Append(name.Length == 0 ? string.Empty : process.Variable(name) ?? DynamicVariable(name, process, now) ?? string.Empty);
            i = close;
        }

        return result.ToString();
    }

    // A variable cmd.exe computes when no variable of its name is set: ERRORLEVEL here, CD, RANDOM, DATE, TIME... as
    // the command line expands them.
    private static string? DynamicVariable(string name, ProcessEnvironmentHost process, DateTimeOffset now)
    {
        if (name.Equals("ERRORLEVEL", StringComparison.OrdinalIgnoreCase)) return process.ErrorLevel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reference = "%" + name + "%";
        var value = WinRsEnvironment.Expand(reference, _ => null, process.Facts.GetValueOrDefault("cd") ?? @"C:\", now);
        return value == reference ? null : value;
    }

    /// <summary>
    /// One command of a batch line: chained ones in turn (&amp;, &amp;&amp;, ||), the batch's own words (echo on/off,
    /// rem, exit, goto, an if's chosen command or block), anything else by the command-line rules.
    /// </summary>
    private async Task<(Flow Flow, string? Label, int Code)> RunCommandAsync(string text, BatchFrame frame, ProcessEnvironmentHost process, TimeProvider time, CancellationToken cancellationToken, int nesting = 0)
    {
        var state = frame.State;
        // The blanks at its end stay (echo prints those before an '&'); those at its start go.
        text = text.TrimStart();
        if (text.Trim().Length == 0) return (Flow.Next, null, 0);
        if (nesting > 32)
        {
            await process.WriteTextAsync(WinRsStreams.Stderr, IfCommandScript.SyntaxError, cancellationToken).ConfigureAwait(false);
            process.ErrorLevel = 255;
            return (Flow.Next, null, 0);
        }

        // for and if take the rest of the line as their command, chained commands included: cmd.exe runs them for each
        // value, or when the condition holds.
        var chain = CommandLineText.CommandWord(text) is "for" or "if"
            ? [(string.Empty, text)]
            : ChainedCommandLineScript.Split(text);
        if (chain.Count > 1)
        {
            foreach (var (op, member) in chain)
            {
                if (op == "&&" && process.LastExitCode != 0 || op == "||" && process.LastExitCode == 0) continue;
                var result = await RunCommandAsync(member, frame, process, time, cancellationToken, nesting + 1).ConfigureAwait(false);
                if (result.Flow != Flow.Next) return result;
            }

            return (Flow.Next, null, 0);
        }

        var trimmed = text.TrimEnd();
        if (trimmed[0] == '(' && IfCommandScript.MatchingParen(trimmed, 0) == trimmed.Length - 1)
        {
            return await RunCommandAsync(trimmed[1..^1], frame, process, time, cancellationToken, nesting + 1).ConfigureAwait(false);
        }

        var command = CommandLineText.FirstWord(trimmed).ToLowerInvariant();
        if (process.DelayedExpansion && command is not ("if" or "for"))
        {
            text = ExpandDelayed(text, process, time.GetUtcNow());
            trimmed = text.TrimEnd();
            if (trimmed.Length == 0) return (Flow.Next, null, 0);
            command = CommandLineText.FirstWord(trimmed).ToLowerInvariant();
        }

        var rest = trimmed.Length > command.Length ? trimmed[command.Length..].Trim() : string.Empty;
        switch (command)
        {
            case "setlocal":
                if (!process.PushLocal())
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, "Maximum setlocal recursion level reached.\r\n", cancellationToken).ConfigureAwait(false);
                    return (Flow.Next, null, 0);
                }

                // enabledelayedexpansion / disabledelayedexpansion among its words; the rest (enableextensions) changes nothing here.
                if (rest.Contains("enabledelayedexpansion", StringComparison.OrdinalIgnoreCase)) process.DelayedExpansion = true;
                if (rest.Contains("disabledelayedexpansion", StringComparison.OrdinalIgnoreCase)) process.DelayedExpansion = false;
                process.ErrorLevel = 0;
                return (Flow.Next, null, 0);
            case "endlocal":
                // Only this level's own: an endlocal cannot undo its caller's setlocal.
                if (process.LocalDepth > frame.Arguments.LocalBase) process.PopLocals(process.LocalDepth - 1);
                return (Flow.Next, null, 0);
            case "echo" when rest.Equals("off", StringComparison.OrdinalIgnoreCase):
                process.Echo = false;
                return (Flow.Next, null, 0);
            case "echo" when rest.Equals("on", StringComparison.OrdinalIgnoreCase):
                process.Echo = true;
                return (Flow.Next, null, 0);
            case "rem":
                return (Flow.Next, null, 0);
            case "exit":
            {
                var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var codeText = words.FirstOrDefault(w => !w.Equals("/b", StringComparison.OrdinalIgnoreCase));
                var code = codeText is not null && int.TryParse(codeText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var given)
                    ? given
                    : process.ErrorLevel;
                return (Flow.End, null, code);
            }

            case "goto" when rest.TrimStart(':').Equals("eof", StringComparison.OrdinalIgnoreCase):
                return (Flow.End, null, process.ErrorLevel);
            case "goto":
                return (Flow.Jump, rest.TrimStart(':').Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty, 0);
            case "if":
                if (!IfCommandScript.Choose(rest, process, out var chosen, process.DelayedExpansion ? operand => ExpandDelayed(operand, process, time.GetUtcNow()) : null))
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, IfCommandScript.SyntaxError, cancellationToken).ConfigureAwait(false);
                    process.ErrorLevel = 255;
                    return (Flow.Next, null, 0);
                }

                return chosen is null ? (Flow.Next, null, 0) : await RunCommandAsync(chosen, frame, process, time, cancellationToken, nesting + 1).ConfigureAwait(false);
            case "for":
            {
                // With delayed expansion the set's !NAME! expands before it is split (for %%i in (!LIST!)).
                var (loop, error) = await ForCommandScript.ExpandAsync(catalog, rest, process, time, cancellationToken,
                    process.DelayedExpansion ? set => ExpandDelayed(set, process, time.GetUtcNow()) : null).ConfigureAwait(false);
                if (loop is null)
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, error!, cancellationToken).ConfigureAwait(false);
                    process.ErrorLevel = 255;
                    return (Flow.Next, null, 0);
                }

                foreach (var each in loop)
                {
                    var result = await RunCommandAsync(each, frame, process, time, cancellationToken, nesting + 1).ConfigureAwait(false);
                    if (result.Flow != Flow.Next) return result;
                }

                return (Flow.Next, null, 0);
            }

            case "call" when rest.StartsWith(':'):
            {
                // A subroutine: the lines after the label, with the call's own arguments, to goto :eof or exit /b.
                var label = rest[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
                var target = LabelIndex(frame.Lines, label, state.Line);
                if (target < 0)
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the batch label specified - " + label + "\r\n", cancellationToken).ConfigureAwait(false);
                    process.ErrorLevel = 1;
                    return (Flow.Next, null, 0);
                }

                if (Depth.Value >= MaxDepth)
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, "Batch files call each other too deeply in the emulator.\r\n", cancellationToken).ConfigureAwait(false);
                    process.ErrorLevel = 1;
                    return (Flow.Next, null, 0);
                }

                var all = rest[(1 + label.Length)..].Trim();
                Depth.Value++;
                try
                {
                    process.ErrorLevel = await RunFromAsync(frame with { All = all, Arguments = new BatchArguments(":" + label, all) }, target + 1, process, time, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Depth.Value--;
                }

                return (Flow.Next, null, 0);
            }

            case "call" when rest.Length > 0 && !TryParse(catalog, trimmed, out _):
                // call runs a command after a second expansion of its line (call set X=%%%NAME%%%), in batch mode.
                return await RunCommandAsync(Expand(rest, frame with { Cd = process.Facts.GetValueOrDefault("cd") ?? frame.Cd }, process, process.ErrorLevel, time.GetUtcNow()),
                    frame, process, time, cancellationToken, nesting + 1).ConfigureAwait(false);
            case "shift":
            {
                // shift /n (n 0..8) keeps %0..%n-1 where they are.
                var from = 0;
                if (rest.Length > 0 && !(rest.Length == 2 && rest[0] == '/' && rest[1] is >= '0' and <= '8' && (from = rest[1] - '0') >= 0))
                {
                    await process.WriteTextAsync(WinRsStreams.Stderr, IfCommandScript.SyntaxError, cancellationToken).ConfigureAwait(false);
                    return (Flow.Next, null, 0);
                }

                frame.Arguments.Shift(from);
                return (Flow.Next, null, 0);
            }
        }

        // Another batch file without call takes this one's place once this line is done (cmd.exe's chaining).
        if (command != "call" && TryParse(catalog, trimmed, out var chained) && Exists(process.FileSystem, chained.FileName, process.Facts.GetValueOrDefault("cd") ?? frame.Cd))
        {
            frame.Arguments.Replaced = true;
        }

        process.Completed(text, await catalog.ResolveChainMember(text).RunAsync(process, time, cancellationToken).ConfigureAwait(false));
        return (Flow.Next, null, 0);
    }

    // Parentheses opened and not closed on a line (outside quotes, not escaped).
    private static int Balance(string line)
    {
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '^' && !quoted) { i++; continue; }
            if (c == '"') quoted = !quoted;
            if (quoted) continue;
            if (c == '(' && !CommandLineText.IsEchoParen(line, i)) depth++;
            else if (c == ')' && depth > 0) depth--;
        }

        return depth;
    }

    /// <summary>A batch line's percent expansion: parameters first (%0..%9, %*, %~[modifiers]N), %% as %, then %NAME%.</summary>
    private static string Expand(string line, BatchFrame frame, ProcessEnvironmentHost process, int errorLevel, DateTimeOffset now)
    {
        var (path, cd) = (frame.Path, frame.Cd);
        if (!line.Contains('%', StringComparison.Ordinal)) return line;
        var result = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c != '%' || i + 1 >= line.Length)
            {
                result.Append(c);
                continue;
            }

            var next = line[i + 1];
            if (next == '%')
            {
                result.Append('%');
                i++;
            }
            else if (char.IsAsciiDigit(next))
            {
                result.Append(frame.Arguments[next - '0']);
                i++;
            }
            else if (next == '*')
            {
                result.Append(frame.All);
                i++;
            }
            else if (next == '~' && CommandLinePathModifiers.TryRead(line, i + 2, char.IsAsciiDigit, out var modifiers, out var digit, out var end))
            {
                // %~dp0 and the like: %0 names the batch file itself (its full path) while shift has not moved it.
                var index = digit - '0';
                var value = index == 0 && frame.Arguments.ZeroIsFile && modifiers.Length > 0 ? path : frame.Arguments[index];
                result.Append(index >= frame.Arguments.Values.Count && index > 0 ? string.Empty : CommandLinePathModifiers.Apply(value, modifiers, process));
                i = end - 1;
            }
            else
            {
                // %NAME% (and a lone %) as the command line expands it, over what is left of the line.
                var rest = line[i..];
                var close = rest.IndexOf('%', 1);
                if (close < 0)
                {
                    result.Append(rest);
                    break;
                }

                var reference = rest[..(close + 1)];
                var value = WinRsEnvironment.Expand(reference,
                    name => name.Equals("ERRORLEVEL", StringComparison.OrdinalIgnoreCase) && process.Variable(name) is null
                        ? errorLevel.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : process.Variable(name),
                    cd, now);
                // In a batch file a variable that is not defined expands to nothing (on a command line it stays as written).
                result.Append(value == reference ? string.Empty : value);
                i += close;
            }
        }

        return result.ToString();
    }
}

/// <summary>
/// cmd.exe's <c>call command</c> on a command line: the command after a second expansion of its <c>%NAME%</c> (one not
/// defined stays as written, as on a command line). <c>call :label</c> outside a batch file is cmd's error; <c>call
/// x.bat</c> is the batch file's own.
/// </summary>
internal sealed class CallCommandScript(BehaviourCatalog catalog, string command) : ICommandLineScript
{
    public string Description => "call " + command;

    public static bool TryParse(BehaviourCatalog catalog, string line, out CallCommandScript script)
    {
        script = null!;
        if (!CommandLineText.FirstWord(line).Equals("call", StringComparison.OrdinalIgnoreCase)) return false;
        script = new CallCommandScript(catalog, line[4..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (command.Length == 0) return 0;
        if (command[0] == ':')
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "Invalid attempt to call batch label outside of batch script.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var errorLevel = (host as ProcessEnvironmentHost)?.ErrorLevel ?? 0;
        var expanded = WinRsEnvironment.Expand(command,
            name => host.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ??
                (name.Equals("ERRORLEVEL", StringComparison.OrdinalIgnoreCase) ? errorLevel.ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
            host.Facts.GetValueOrDefault("cd") ?? @"C:\", time.GetUtcNow());
        return await catalog.ResolveCommandLine(expanded).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
    }
}
