using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>How WinRS command lines are taken apart: cmd.exe's <c>/c</c> wrapper, argument tokens, the program name.</summary>
internal static class CommandLineText
{
    /// <summary>rsp:Command and the text rsp:Arguments joined with spaces, as CreateProcess sees them.</summary>
    public static string Join(string? command, IReadOnlyList<string>? arguments)
    {
        var builder = new StringBuilder((command ?? string.Empty).Trim());
        foreach (var argument in arguments ?? [])
        {
            if (argument.Length == 0) continue;
            if (builder.Length > 0) builder.Append(' ');
            builder.Append(argument);
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// The command cmd.exe would run for <c>cmd [/q] [/d] /c &lt;line&gt;</c> (or <c>/k</c>), so <c>cmd.exe /c echo hi</c>
    /// and <c>echo hi</c> meet the same rules; any other line is returned as it is.
    /// </summary>
    public static string StripCmdShell(string line)
    {
        var tokens = Tokenize(line);
        if (tokens.Count == 0 || !IsProgram(tokens[0].Value, "cmd")) return line;
        for (var i = 1; i < tokens.Count; i++)
        {
            var t = tokens[i].Value;
            if (t.Equals("/c", StringComparison.OrdinalIgnoreCase) || t.Equals("/k", StringComparison.OrdinalIgnoreCase))
            {
                return CmdSlashC(i + 1 < tokens.Count ? line[tokens[i + 1].Start..].Trim() : string.Empty);
            }

            if (!t.StartsWith('/')) break;
        }

        return line;
    }

    /// <summary>
    /// The command cmd.exe runs for <c>cmd /c &lt;rest&gt;</c> (WinRS runs every command line so unless
    /// WINRS_SKIP_CMD_SHELL), by the quote rules <c>cmd /?</c> gives. The quotes stay when there are exactly two, with
    /// whitespace and none of <c>&amp;&lt;&gt;()@^|</c> between them, around the name of an executable file (here: a
    /// name ending .exe, .com, .bat or .cmd; cmd.exe looks for the file). Otherwise a leading quote is removed with
    /// the last quote of the line, wherever it is: Ruby's WinRM sends <c>"ipconfig" /all</c> and
    /// <c>"echo a &amp; echo b"</c>, which run as <c>ipconfig /all</c> and <c>echo a &amp; echo b</c>.
    /// </summary>
    public static string CmdSlashC(string rest)
    {
        rest = rest.TrimStart();
        if (rest.Length == 0 || rest[0] != '"') return rest;
        var last = rest.LastIndexOf('"');
        if (last > 0 && rest.AsSpan(1, last - 1).IndexOf('"') < 0)
        {
            var inner = rest.AsSpan(1, last - 1);
            if (inner.IndexOfAny("&<>()@^|") < 0 && inner.IndexOfAny(" \t") >= 0 &&
                (inner.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) || inner.EndsWith(".com", StringComparison.OrdinalIgnoreCase) ||
                 inner.EndsWith(".bat", StringComparison.OrdinalIgnoreCase) || inner.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase)))
            {
                return rest;
            }
        }

        return last > 0 ? string.Concat(rest.AsSpan(1, last - 1), rest.AsSpan(last + 1)) : rest[1..];
    }

    /// <summary>
    /// The places of a line where cmd.exe's operators count: outside double quotes and parenthesized blocks, not
    /// escaped with <c>^</c> (the quotes, the escapes and the parentheses themselves are not among them).
    /// </summary>
    public static IEnumerable<int> TopLevelIndices(string line)
    {
        var quoted = false;
        var depth = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '^' && !quoted) { i++; continue; }
            if (c == '"') { quoted = !quoted; continue; }
            if (quoted) continue;
            // echo( is echo's text, not a block ("echo(text & echo b" is two commands).
            if (c == '(' && !IsEchoParen(line, i)) { depth++; continue; }
            if (c == ')' && depth > 0) { depth--; continue; }
            if (depth == 0) yield return i;
        }
    }

    /// <summary>
    /// The command as cmd.exe runs it once its line is split: each <c>^</c> outside double quotes removed and the
    /// character after it taken as written (<c>echo a ^(b^) ^&gt; c ^^</c> prints <c>a (b) &gt; c ^</c>); a caret at the end
    /// of the line (a continuation on nothing) goes too.
    /// </summary>
    public static string Unescape(string command)
    {
        if (!command.Contains('^', StringComparison.Ordinal)) return command;
        var text = new StringBuilder(command.Length);
        var quoted = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '^' && !quoted)
            {
                if (i + 1 < command.Length) text.Append(command[++i]);
                continue;
            }

            if (c == '"') quoted = !quoted;
            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>Whether the command is echo, quiet or not ("@echo a"), echo.text, echo:text and echo(text too.</summary>
    public static bool IsEchoCommand(string command) => CommandWord(command) is var word &&
        (word == "echo" || word.Length > 4 && word.StartsWith("echo", StringComparison.Ordinal) && word[4] is '.' or ':' or '(');

    /// <summary>Whether the '(' at <paramref name="i"/> follows the word echo: echo's text (echo( prints what follows), not a block.</summary>
    internal static bool IsEchoParen(string line, int i) =>
        i >= 4 && line.AsSpan(i - 4, 4).Equals("echo", StringComparison.OrdinalIgnoreCase) && (i == 4 || !char.IsLetterOrDigit(line[i - 5]));

    /// <summary>True when <paramref name="token"/> names <paramref name="program"/> (any directory, optional .exe, any case).</summary>
    public static bool IsProgram(string token, string program)
    {
        var name = FileName(token);
        return name.Equals(program, StringComparison.OrdinalIgnoreCase) || name.Equals(program + ".exe", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The last path segment of a program token.</summary>
    public static string FileName(string token)
    {
        var slash = token.LastIndexOfAny(['\\', '/']);
        return slash >= 0 ? token[(slash + 1)..] : token;
    }

    /// <summary>True for cmd's NUL device (<c>nul</c>, <c>nul:</c>), which swallows what is written and reads empty.</summary>
    public static bool IsNulDevice(string token) => token.Equals("nul", StringComparison.OrdinalIgnoreCase) || token.Equals("nul:", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a computer name a command takes (/node:, /server:) is the computer itself: ., 127.0.0.1, localhost or its name.</summary>
    public static bool IsThisComputer(string name, string computer) =>
        name is "." or "127.0.0.1" || name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.Equals(computer, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a program path CreateProcess can open without searching (drive or UNC rooted, or relative with a directory).</summary>
    public static bool IsPath(string token) => token.Contains('\\', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal) || token.Contains(':', StringComparison.Ordinal);

    /// <summary>The command's name, lower case: its first word after cmd's '@' (which only stops the echo).</summary>
    public static string CommandWord(string command) => FirstWord(command.TrimStart().TrimStart('@')).ToLowerInvariant();

    /// <summary>The name cmd.exe complains about: the first word, without quotes.</summary>
    public static string FirstWord(string line)
    {
        var tokens = Tokenize(line);
        return tokens.Count == 0 ? string.Empty : tokens[0].Value;
    }

    /// <summary>The length of the word at <paramref name="start"/> as written, its quotes kept (a batch file's %1 is the argument as given).</summary>
    public static int TokenLength(string text, int start)
    {
        var quoted = false;
        var i = start;
        for (; i < text.Length && (quoted || !char.IsWhiteSpace(text[i])); i++)
        {
            if (text[i] == '"') quoted = !quoted;
        }

        return i - start;
    }

    /// <summary>Arguments split as CommandLineToArgvW does (whitespace separates; double quotes group and are removed), each with where it starts.</summary>
    public static List<(string Value, int Start)> Tokenize(string line)
    {
        var tokens = new List<(string, int)>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i >= line.Length) break;
            var start = i;
            var value = new StringBuilder();
            var quoted = false;
            for (; i < line.Length && (quoted || !char.IsWhiteSpace(line[i])); i++)
            {
                if (line[i] == '"') quoted = !quoted;
                else value.Append(line[i]);
            }

            tokens.Add((value.ToString(), start));
        }

        return tokens;
    }
}
