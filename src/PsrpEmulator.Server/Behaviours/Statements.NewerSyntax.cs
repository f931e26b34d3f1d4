namespace PsrpEmulator.Server.Behaviours;

internal static partial class Statements
{
    private static readonly System.Buffers.SearchValues<char> NewerSyntaxCharacters = System.Buffers.SearchValues.Create("&|?");

    /// <summary>
    /// The first of PowerShell 7's operators in a script, as Windows PowerShell 5.1's parser refuses it (the endpoint
    /// is 5.1, so a script written for PowerShell 7 fails there before any of it runs): the pipeline chain operators
    /// <c>&amp;&amp;</c> and <c>||</c> anywhere ("The token '&amp;&amp;' is not a valid statement separator in this
    /// version.", InvalidEndOfLine), and in expression mode <c>??</c>, <c>??=</c>, the ternary <c>? :</c> and
    /// <c>?.</c> after <c>${name}</c> ("Unexpected token '??' in expression or statement.", UnexpectedToken: 5.1 reads
    /// them as a bare word where an operator must come). Null when there is none. In command mode a <c>?</c> is a word
    /// (Where-Object's alias, a wildcard) and <c>$name?</c> is a variable named <c>name?</c>, as in 5.1.
    /// </summary>
    /// <remarks>
    /// A scan of the code (<see cref="Code"/>), not a parse: quotes and here-strings are skipped, brackets and braces nest, and a
    /// statement's mode is that of its first character (after a keyword, <c>=</c> or <c>|</c> a new one starts).
    /// </remarks>
    public static ScriptedError? NewerSyntax(string text)
    {
        if (text.AsSpan().IndexOfAny(NewerSyntaxCharacters) < 0) return null;
        var script = text;
        text = CodeKeepingPositions(text); // comments and line continuations are no tokens

        // The mode of each open bracket's statement, restored at its close; depth is bounded by the text's length.
        // Inside @{ } a line starts with a key (its = then starts the value's pipeline).
        var modes = new Stack<(bool ExpressionMode, bool Hash)>();
        var expressionMode = false;
        var hash = false;
        var atStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (c == '\n' && !ContinuesOnNextLine(text, i)) StatementEnds();
                continue;
            }

            if (c == '@' && i + 1 < text.Length && text[i + 1] is '\'' or '"' && OpensHereString(text, i))
            {
                // A here-string is text (one without its closer runs to the end, the parser's own error).
                i = HereStringAt(text, i) is var (_, _, end) ? end - 1 : text.Length;
                atStart = false;
                continue;
            }

            if (c is '&' or '|' && i + 1 < text.Length && text[i + 1] == c)
            {
                return ScriptedError.ParseError(ScriptPosition.Message(script, i, 2, $"The token '{c}{c}' is not a valid statement separator in this version."), "InvalidEndOfLine");
            }

            if (atStart)
            {
                atStart = false;
                if (char.IsLetter(c) && KeywordAt(text, i) is { } keyword)
                {
                    // After a keyword a new pipeline (or its condition, block, name) begins.
                    i += keyword.Length - 1;
                    atStart = true;
                    continue;
                }

                if (c == ':' && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                {
                    // A loop label: the loop's keyword follows.
                    while (i + 1 < text.Length && (char.IsLetterOrDigit(text[i + 1]) || text[i + 1] == '_')) i++;
                    atStart = true;
                    continue;
                }

                expressionMode = !(char.IsLetter(c) || c is '&' or '.' or '?' or '%' or '\\' or '/' or '~' or '*');
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(text, i);
                    break;
                case '$':
                    i = SkipVariable(text, i);
                    break;
                case '@' when i + 1 < text.Length && text[i + 1] == '{':
                    modes.Push((expressionMode, hash));
                    (expressionMode, hash) = (true, true);
                    i++;
                    break;
                case '(' or '{':
                    modes.Push((expressionMode, hash));
                    hash = false;
                    atStart = true;
                    break;
                case '[':
                    modes.Push((expressionMode, hash));
                    hash = false;
                    break;
                case ')' or '}' or ']':
                    if (modes.Count > 0) (expressionMode, hash) = modes.Pop();
                    break;
                case ';':
                    StatementEnds();
                    break;
                case '|':
                    atStart = true;
                    break;
                case '=' when expressionMode:
                    atStart = true;
                    break;
                case '?' when expressionMode:
                    var tokenEnd = i + 1;
                    while (tokenEnd < text.Length && !char.IsWhiteSpace(text[tokenEnd]) && text[tokenEnd] is not ('(' or ')' or '{' or '}' or ';' or ',' or '|' or '\'' or '"')) tokenEnd++;
                    return ScriptedError.ParseError(ScriptPosition.Message(script, i, tokenEnd - i, $"Unexpected token '{text[i..tokenEnd]}' in expression or statement."), "UnexpectedToken");
            }
        }

        return null;

        void StatementEnds()
        {
            // In a hash literal the next key follows (read in expression mode: its = starts the value).
            if (hash) (expressionMode, atStart) = (true, false);
            else atStart = true;
        }
    }

    private static readonly string[] Keywords =
    [
        "if", "elseif", "else", "while", "until", "for", "foreach", "switch", "do", "try", "catch", "finally", "trap",
        "return", "throw", "exit", "function", "filter", "param", "begin", "process", "end", "dynamicparam", "data",
    ];

    private static string? KeywordAt(string text, int i)
    {
        foreach (var keyword in Keywords)
        {
            if (StartsWithKeyword(text.AsSpan(i), keyword)) return keyword;
        }

        return null;
    }

    // $name (letters, digits, _, ? and scope colons, as 5.1 reads a variable), ${any text}, or $( / $$ / $^ / $?.
    private static int SkipVariable(string text, int i)
    {
        if (i + 1 >= text.Length) return i;
        var next = text[i + 1];
        if (next == '{')
        {
            var close = text.IndexOf('}', i + 2);
            return close < 0 ? text.Length : close;
        }

        if (next is '$' or '^' or '?') return i + 1;
        var end = i + 1;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '_' or '?' || (text[end] == ':' && end + 1 < text.Length && char.IsLetter(text[end + 1]))))
        {
            end++;
        }

        return end - 1;
    }

    // A line ending in | (or an operator wanting its operand) goes on: the next line is no new statement. (A backtick's
    // line continuation is gone already: the scan reads the code.)
    private static bool ContinuesOnNextLine(string text, int newline)
    {
        var j = newline - 1;
        while (j >= 0 && char.IsWhiteSpace(text[j])) j--;
        // ++ is the increment, a statement of its own.
        return j >= 0 && (text[j] is '|' or '=' or ',' or '(' or '{' || text[j] == '+' && !(j > 0 && text[j - 1] == '+'));
    }
}
