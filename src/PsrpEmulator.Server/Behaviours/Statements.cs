namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Splits script text into its top-level statements (at ';' and line ends outside quotes, brackets and braces; a
/// line ending in '|' or '`' goes on), so a script no rule matches whole runs statement by statement.
/// </summary>
internal static class Statements
{
    public static List<string> Split(string text)
    {
        var result = new List<string>();
        var depth = 0;
        var start = 0;
        // Where the statement's last non-blank character is, and where the blank run after the last newline ends:
        // kept as the scan goes, so that many lines (or blank lines) do not make the split quadratic.
        var lastNonBlank = -1;
        var blankRunEnd = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(text, i);
                    break;
                case '#' when depth == 0 && (i == 0 || char.IsWhiteSpace(text[i - 1])):
                    // A comment runs to the end of the line.
                    var eol = text.IndexOf('\n', i);
                    Add(text[start..i]);
                    start = i = eol < 0 ? text.Length : eol;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (depth > 0) depth--;
                    break;
                case ';' when depth == 0:
                    Add(text[start..i]);
                    start = i + 1;
                    break;
                case '\n' when depth == 0:
                    if ((lastNonBlank >= start && text[lastNonBlank] == '|') || NextLineStartsWithPipe(text, i, ref blankRunEnd)) break;
                    Add(text[start..i]);
                    start = i + 1;
                    break;
            }

            // After the switch: a quoted string or an escape ends where i is now.
            if (i < text.Length && !char.IsWhiteSpace(text[i])) lastNonBlank = i;
        }

        if (start < text.Length) Add(text[start..]);
        return result;

        void Add(string statement)
        {
            if (statement.Trim().Length > 0) result.Add(statement.Trim());
        }
    }

    /// <summary>
    /// An <c>exit</c> statement (PowerShell's keyword, never a command): true with its value's text, empty for a bare
    /// <c>exit</c>.
    /// </summary>
    public static bool IsExit(string statement, out string value) => IsKeywordStatement(statement, "exit", out value);

    /// <summary>A <c>return</c> statement (a keyword): true with its value's text, empty for a bare <c>return</c>.</summary>
    public static bool IsReturn(string statement, out string value) => IsKeywordStatement(statement, "return", out value);

    private static bool IsKeywordStatement(string statement, string keyword, out string value)
    {
        value = string.Empty;
        var text = statement.AsSpan().Trim();
        if (!text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) return false;
        if (text.Length == keyword.Length) return true;
        if (!char.IsWhiteSpace(text[keyword.Length])) return false;
        value = text[keyword.Length..].Trim().ToString();
        return true;
    }

    /// <summary>
    /// How many script blocks invoked whole are unwrapped one inside the other (<c>&amp; { &amp; { ... } }</c>): client text
    /// nested deeper is left as it is, so that each level's scan stays linear and the nesting cannot exhaust the stack.
    /// </summary>
    public const int MaxScriptBlockNesting = 32;

    /// <summary>
    /// The body of a script block invoked whole: <c>&amp; { body }</c> or <c>. { body }</c> with nothing after the closing
    /// brace (how powershell.exe command lines are commonly written: <c>-Command "&amp; { ... }"</c>). Null for anything
    /// else: arguments or a pipeline after the block, a variable or a path after the operator.
    /// </summary>
    public static string? ScriptBlockBody(string text)
    {
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start])) start++;
        if (start >= text.Length || text[start] is not ('&' or '.')) return null;
        var open = start + 1;
        while (open < text.Length && char.IsWhiteSpace(text[open])) open++;
        if (open >= text.Length || text[open] != '{') return null;
        var close = MatchingClose(text, open);
        if (close < 0 || text.AsSpan(close + 1).Trim().Length > 0) return null;
        return text[(open + 1)..close].Trim();
    }

    // The brace closing the one at open, quotes and escapes skipped as Split skips them; -1 when it is not closed.
    private static int MatchingClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(text, i);
                    break;
                case '#' when i == 0 || char.IsWhiteSpace(text[i - 1]):
                    // A comment runs to the end of the line (a brace in it does not count).
                    var eol = text.IndexOf('\n', i);
                    if (eol < 0) return -1;
                    i = eol;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (--depth == 0) return text[i] == '}' ? i : -1;
                    break;
            }
        }

        return -1;
    }

    // A quoted string or an escape starting at i: where it ends (its closing quote, the escaped character; past the end
    // of the text when unterminated). Inside single quotes '' is one quote; inside double quotes ` escapes.
    private static int SkipQuotedOrEscaped(string text, int i)
    {
        switch (text[i])
        {
            case '\'':
                for (i++; i < text.Length && !(text[i] == '\'' && (i + 1 >= text.Length || text[i + 1] != '\'')); i++)
                {
                    if (text[i] == '\'') i++;
                }

                return i;
            case '"':
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '`') i++;
                }

                return i;
            default:
                return i + 1; // ` escapes the next character
        }
    }

    private static bool NextLineStartsWithPipe(string text, int newline, ref int blankRunEnd)
    {
        // The newlines of one blank run share its end: it is found once.
        if (blankRunEnd <= newline)
        {
            blankRunEnd = newline + 1;
            while (blankRunEnd < text.Length && char.IsWhiteSpace(text[blankRunEnd])) blankRunEnd++;
        }

        return blankRunEnd < text.Length && text[blankRunEnd] == '|';
    }
}
