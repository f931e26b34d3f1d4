using System.Globalization;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's <c>if</c>: <c>[/i] [not] errorlevel N</c> (the last exit code at least N), <c>exist path</c> (on the
/// computer's disk), <c>defined NAME</c>, <c>a==b</c> (the texts as written, quotes included) and <c>a EQU|NEQ|LSS|LEQ|GTR|GEQ b</c>
/// (as numbers when both are), then the command, or <c>(block) else (block)</c>; a block's commands run as one line.
/// A line it cannot read is cmd.exe's "The syntax of the command is incorrect.", exit code 255 (UNVERIFIED).
/// </summary>
internal sealed class IfCommandScript(BehaviourCatalog catalog, string text) : ICommandLineScript
{
    public string Description => "if " + text;

    public static bool TryParse(BehaviourCatalog catalog, string line, out IfCommandScript script)
    {
        script = null!;
        if (line.Length < 3 || !line.StartsWith("if", StringComparison.OrdinalIgnoreCase) || !char.IsWhiteSpace(line[2])) return false;
        script = new IfCommandScript(catalog, line[2..].Trim());
        return true;
    }

    public const string SyntaxError = "The syntax of the command is incorrect.\r\n";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Choose(text, host, out var chosen))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, SyntaxError, cancellationToken).ConfigureAwait(false);
            return 255;
        }

        if (chosen is null) return (host as ProcessEnvironmentHost)?.ErrorLevel ?? 0;
        return await catalog.ResolveCommandLine(chosen).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The command an <c>if</c> (its text after the word) runs on <paramref name="host"/>: its command or its else
    /// block (a block without its parentheses), or null when neither runs; false when cmd.exe cannot read it.
    /// </summary>
    public static bool Choose(string text, ICommandLineHost host, out string? chosen, Func<string, string>? expandOperands = null)
    {
        chosen = null;
        if (Parse(text) is not var (ignoreCase, negate, kind, left, right, thenPart, elsePart)) return false;
        // Delayed expansion (!NAME!) reaches the condition now; the chosen command expands when it runs.
        if (expandOperands is not null)
        {
            left = expandOperands(left);
            right = right is null ? null : expandOperands(right);
        }

        var process = host as ProcessEnvironmentHost;
        var holds = kind switch
        {
            "errorlevel" => int.TryParse(left, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) && (process?.ErrorLevel ?? 0) >= level,
            "exist" => Exists(host, left),
            "defined" => process?.Variable(left) is not null || host.Environment.Any(v => v.Key.Equals(left, StringComparison.OrdinalIgnoreCase)),
            _ => Compare(kind, left, right!, ignoreCase),
        };
        var part = holds != negate ? thenPart : elsePart;
        chosen = part is null ? null : Unblock(part);
        return true;
    }

    private static bool Exists(ICommandLineHost host, string given)
    {
        var path = VirtualFileSystem.FullPath(given.Trim('"').Replace('/', '\\'), host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
        return path is not null && host.FileSystem?.Get(path) is not null;
    }

    private static bool Compare(string op, string left, string right, bool ignoreCase)
    {
        if (op == "==") return string.Equals(left, right, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        var order = long.TryParse(left, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a) && long.TryParse(right, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)
            ? a.CompareTo(b)
            : string.Compare(left, right, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        return op switch
        {
            "equ" => order == 0,
            "neq" => order != 0,
            "lss" => order < 0,
            "leq" => order <= 0,
            "gtr" => order > 0,
            _ => order >= 0,
        };
    }

    /// <summary>A block's text without its parentheses (its commands run as one line); any other command as it is.</summary>
    internal static string Unblock(string command)
    {
        var trimmed = command.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '(' && MatchingParen(trimmed, 0) == trimmed.Length - 1 ? trimmed[1..^1].Trim() : trimmed;
    }

    internal static int MatchingParen(string text, int open)
    {
        var depth = 0;
        var quoted = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '^' && !quoted) { i++; continue; }
            if (c == '"') quoted = !quoted;
            if (quoted) continue;
            if (c == '(' && (i == open || !CommandLineText.IsEchoParen(text, i))) depth++;
            else if (c == ')' && --depth == 0) return i;
        }

        return -1;
    }

    private static (bool IgnoreCase, bool Negate, string Kind, string Left, string? Right, string Then, string? Else)? Parse(string text)
    {
        var rest = text;
        var ignoreCase = TakeWord(ref rest, "/i");
        var negate = TakeWord(ref rest, "not");
        string kind, left;
        string? right = null;
        if (TakeWord(ref rest, "errorlevel"))
        {
            kind = "errorlevel";
            left = TakeToken(ref rest);
            if (!int.TryParse(left, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return null;
        }
        else if (TakeWord(ref rest, "exist"))
        {
            kind = "exist";
            left = TakeToken(ref rest);
        }
        else if (TakeWord(ref rest, "defined"))
        {
            kind = "defined";
            left = TakeToken(ref rest);
        }
        else
        {
            // string1==string2 (spaces allowed around ==) or string1 OP string2.
            var equals = IndexOutsideQuotes(rest, "==");
            var first = TakeToken(ref rest, stopAt: equals >= 0 ? "==" : null);
            if (rest.StartsWith("==", StringComparison.Ordinal))
            {
                kind = "==";
                rest = rest[2..].TrimStart();
            }
            else
            {
                var op = TakeToken(ref rest).ToLowerInvariant();
                if (op is not ("equ" or "neq" or "lss" or "leq" or "gtr" or "geq")) return null;
                kind = op;
            }

            left = first;
            right = TakeToken(ref rest);
        }

        if (left.Length == 0 || rest.Length == 0) return null;
        // (block) else (block), or a command (its own "else" is text, as in cmd.exe).
        if (rest[0] == '(')
        {
            var close = MatchingParen(rest, 0);
            if (close < 0) return null;
            var then = rest[..(close + 1)];
            var after = rest[(close + 1)..].Trim();
            if (after.Length == 0) return (ignoreCase, negate, kind, left, right, then, null);
            if (!TakeWord(ref after, "else") || after.Length == 0) return null;
            return (ignoreCase, negate, kind, left, right, then, after);
        }

        return (ignoreCase, negate, kind, left, right, rest, null);
    }

    private static bool TakeWord(ref string rest, string word)
    {
        if (rest.Length < word.Length || !rest.StartsWith(word, StringComparison.OrdinalIgnoreCase)) return false;
        if (rest.Length > word.Length && !char.IsWhiteSpace(rest[word.Length])) return false;
        rest = rest[word.Length..].TrimStart();
        return true;
    }

    // One token as written (quotes kept), up to white space or stopAt.
    private static string TakeToken(ref string rest, string? stopAt = null)
    {
        var quoted = false;
        var i = 0;
        for (; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '"') quoted = !quoted;
            if (quoted) continue;
            if (char.IsWhiteSpace(c) || (stopAt is not null && rest.AsSpan(i).StartsWith(stopAt, StringComparison.Ordinal))) break;
        }

        var token = rest[..i];
        rest = rest[i..].TrimStart();
        return token;
    }

    private static int IndexOutsideQuotes(string text, string what)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (!quoted && text.AsSpan(i).StartsWith(what, StringComparison.Ordinal)) return i;
        }

        return -1;
    }
}
