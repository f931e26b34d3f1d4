using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The first and last token of a script, as PowerShell's tokenizer remembers them for <c>$^</c> and <c>$$</c>
/// (Tokenizer.FirstToken and LastToken: every token it saves but new lines, line continuations, comments and the end of
/// input, in the order saved, so a <c>"..."</c> string's own variables come before the string, though not the tokens
/// of its subexpressions). A
/// string token is its value (<c>'it''s'</c> is <c>it's</c>, a here-string its lines), any other its text.
/// </summary>
/// <remarks>
/// A scanner of token boundaries, not PowerShell's tokenizer: words run to a blank or a bracket, brace, parenthesis,
/// comma, semicolon, pipe, ampersand, quote or equals sign; a member name after a dot or <c>::</c> ends at the next dot.
/// It is only ever asked for the first and the last token, where those rules and the tokenizer's agree for the scripts
/// clients send (commands, assignments, member calls, strings, numbers, operators).
/// </remarks>
internal static class HistoryTokens
{
    /// <summary>A token: its text (a string's value) and whether it is <c>$^</c> or <c>$$</c>, which leave the remembered tokens as they were.</summary>
    internal readonly record struct Token(string Text, bool IsDollarHatOrDollarDollar);

    /// <summary>The script's first and last token; null when it has none (blanks, new lines and comments only).</summary>
    public static (Token First, Token Last)? Of(string script)
    {
        Token? first = null;
        Token? last = null;
        Scan(script, 0, script.Length, token =>
        {
            first ??= token;
            last = token;
        });
        return first is { } f && last is { } l ? (f, l) : null;
    }

    /// <summary>Whether the script has a token: anything but blanks, new lines, comments and line continuations.</summary>
    public static bool Any(string script)
    {
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (char.IsWhiteSpace(c)) continue;
            if (c == '`' && i + 1 < script.Length && script[i + 1] is '\r' or '\n')
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                while (i + 1 < script.Length && script[i + 1] is not ('\r' or '\n')) i++;
                continue;
            }

            if (c == '<' && i + 1 < script.Length && script[i + 1] == '#')
            {
                var close = script.IndexOf("#>", i + 2, StringComparison.Ordinal);
                if (close < 0) return false;
                i = close + 1;
                continue;
            }

            return true;
        }

        return false;
    }

    private static void Scan(string text, int start, int end, Action<Token> save)
    {
        var afterMember = false;
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                afterMember = false;
                continue;
            }

            if (c == '`' && i + 1 < end && text[i + 1] is '\r' or '\n')
            {
                // A line continuation.
                i += 2;
                continue;
            }

            if (c == '#')
            {
                while (i < end && text[i] is not ('\r' or '\n')) i++;
                continue;
            }

            if (c == '<' && i + 1 < end && text[i + 1] == '#')
            {
                var close = text.IndexOf("#>", i + 2, end - i - 2, StringComparison.Ordinal);
                i = close < 0 ? end : close + 2;
                continue;
            }

            if (c == '@' && i + 1 < end && text[i + 1] is '\'' or '"' && IsHereStringStart(text, i + 2, end))
            {
                i = HereString(text, i, end, save);
                continue;
            }

            if (Statements.IsSingleQuote(c))
            {
                i = SingleQuoted(text, i, end, save);
                continue;
            }

            if (Statements.IsDoubleQuote(c))
            {
                i = DoubleQuoted(text, i, end, save);
                continue;
            }

            if (c == '$' && i + 1 < end && text[i + 1] == '(')
            {
                save(new Token("$(", false));
                i += 2;
                continue;
            }

            if (c is '@' && i + 1 < end && text[i + 1] is '(' or '{')
            {
                save(new Token(text.Substring(i, 2), false));
                i += 2;
                continue;
            }

            if (c is '$' or '@' && i + 1 < end && VariableEnd(text, i, end) is var variableEnd && variableEnd > i + 1)
            {
                var name = text[i..variableEnd];
                save(new Token(name, name is "$^" or "$$"));
                i = variableEnd;
                afterMember = false;
                continue;
            }

            if (c is '(' or ')' or '{' or '}' or '[' or ']' or ',' or ';')
            {
                save(new Token(c.ToString(), false));
                i++;
                continue;
            }

            var isStatic = c == ':' && i + 1 < end && text[i + 1] == ':';
            if (isStatic || c == '.' && i > start && !char.IsWhiteSpace(text[i - 1]) && i + 1 < end && (char.IsLetter(text[i + 1]) || text[i + 1] == '_'))
            {
                // A member access just after an operand ($x.Length, [int]::MaxValue): the operator, then the member's
                // name up to the next dot.
                var length = isStatic ? 2 : 1;
                save(new Token(text.Substring(i, length), false));
                i += length;
                afterMember = true;
                continue;
            }

            if (c == '.' && i + 1 < end && text[i + 1] == '.' && i > start && !char.IsWhiteSpace(text[i - 1]))
            {
                // The range operator after its first operand (1..10).
                save(new Token("..", false));
                i += 2;
                continue;
            }

            if (c is '|' or '&' or '=' or '!' or '+' or '*' or '/' or '%' or '<' or '>' &&
                (c is '|' or '&' or '=' || i + 1 >= end || char.IsWhiteSpace(text[i + 1]) || text[i + 1] == '=' || text[i + 1] == c || AfterOperand(text, start, i)))
            {
                // An operator where one stands (alone, or just after an operand: $a/2); otherwise the start of a word,
                // as a command's argument (/s, +x).
                // An operator: doubled ones (|| && ==) and compound assignments (+= -= *=) as one token.
                var length = i + 1 < end && (text[i + 1] == c && c is '|' or '&' or '+' or '=' || text[i + 1] == '=' && c is '+' or '*' or '/' or '%' or '!') ? 2 : 1;
                save(new Token(text.Substring(i, length), false));
                i += length;
                continue;
            }

            // A word: a command name, an argument, a number, a parameter or operator (-Name, -eq; -Name: ends at its
            // colon), a member's name (ends at the next dot), a number (ends at an operator: 1..10, 2+3).
            var number = char.IsAsciiDigit(c);
            var wordEnd = i + 1;
            while (wordEnd < end && !char.IsWhiteSpace(text[wordEnd]) && text[wordEnd] is not ('(' or ')' or '{' or '}' or '[' or ']' or ',' or ';' or '|' or '&' or '\'' or '"' or '=') &&
                   !(afterMember && text[wordEnd] == '.') &&
                   !(number && (text[wordEnd] is '+' or '*' or '/' or '%' || text[wordEnd] == '-' && text[wordEnd - 1] is not ('e' or 'E') || text[wordEnd] == '.' && wordEnd + 1 < end && text[wordEnd + 1] == '.')))
            {
                if (text[wordEnd] == '`' && wordEnd + 1 < end) wordEnd++;
                wordEnd++;
                if (c == '-' && text[wordEnd - 1] == ':') break;
            }

            save(new Token(text[i..wordEnd], false));
            i = wordEnd;
            afterMember = false;
        }
    }

    // Whether the character at i follows an operand with nothing between: a variable's name, a closing bracket, a number.
    private static bool AfterOperand(string text, int start, int i) =>
        i > start && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '_' or ')' or ']' or '}' or '"' or '\'');

    // Where a variable's name written at start ends ($x, $env:PATH, ${a b}, $_, $?, $^, $$, @splat); start + 1 when none.
    private static int VariableEnd(string text, int start, int end)
    {
        var i = start + 1;
        if (text[i] == '{')
        {
            var close = text.IndexOf('}', i, end - i);
            return close < 0 ? end : close + 1;
        }

        if (text[start] == '$' && text[i] is '^' or '$' or '?') return i + 1;
        while (i < end && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '?' || text[i] == ':' && i + 1 < end && text[i + 1] != ':' && (char.IsLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))) i++;
        return i;
    }

    private static bool IsHereStringStart(string text, int i, int end)
    {
        while (i < end && text[i] is ' ' or '\t') i++;
        return i >= end || text[i] is '\r' or '\n';
    }

    // @' ... '@ and @" ... "@: the value is the lines between the opening and the closing line; a "@ one's variables are
    // saved before it.
    private static int HereString(string text, int start, int end, Action<Token> save)
    {
        var quote = text[start + 1];
        var bodyStart = start + 2;
        while (bodyStart < end && text[bodyStart] is ' ' or '\t') bodyStart++;
        if (bodyStart < end && text[bodyStart] == '\r') bodyStart++;
        if (bodyStart < end && text[bodyStart] == '\n') bodyStart++;
        // The closing line: a new line, the quote and @ (from the opening line's own new line: an empty here-string).
        var terminator = -1;
        for (var j = Math.Max(start + 2, bodyStart - 1); j + 2 < end; j++)
        {
            if (text[j] == '\n' && text[j + 1] == quote && text[j + 2] == '@')
            {
                terminator = j;
                break;
            }
        }

        var bodyEnd = terminator < 0 ? end : terminator > bodyStart && text[terminator - 1] == '\r' ? terminator - 1 : terminator;
        var value = bodyEnd > bodyStart ? text[bodyStart..bodyEnd] : string.Empty;
        if (quote == '"') value = Expandable(text, bodyStart, Math.Max(bodyStart, bodyEnd), save, hereString: true);
        save(new Token(value, false));
        return terminator < 0 ? end : terminator + 3;
    }

    private static int SingleQuoted(string text, int start, int end, Action<Token> save)
    {
        var value = new StringBuilder();
        var i = start + 1;
        for (; i < end; i++)
        {
            if (Statements.IsSingleQuote(text[i]))
            {
                if (i + 1 < end && Statements.IsSingleQuote(text[i + 1]))
                {
                    value.Append(text[i]);
                    i++;
                    continue;
                }

                break;
            }

            value.Append(text[i]);
        }

        save(new Token(value.ToString(), false));
        return Math.Min(i + 1, end);
    }

    private static int DoubleQuoted(string text, int start, int end, Action<Token> save)
    {
        var close = ClosingQuote(text, start + 1, end);
        save(new Token(Expandable(text, start + 1, close, save, hereString: false), false));
        return Math.Min(close + 1, end);
    }

    // Where a "..." string's closing quote is (end when it has none): `" and "" do not end it, nor a quote inside $( ).
    private static int ClosingQuote(string text, int i, int end)
    {
        for (; i < end; i++)
        {
            var c = text[i];
            if (c == '`')
            {
                i++;
                continue;
            }

            if (c == '$' && i + 1 < end && text[i + 1] == '(')
            {
                i = SubexpressionEnd(text, i + 2, end);
                continue;
            }

            if (Statements.IsDoubleQuote(c))
            {
                if (i + 1 < end && Statements.IsDoubleQuote(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return end;
    }

    // The ) that closes a $( ) whose content starts at i (by its parentheses, as ScanSubExpression counts them); end when none does.
    private static int SubexpressionEnd(string text, int i, int end)
    {
        var depth = 1;
        for (; i < end; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }

        return end;
    }

    // A "..." string's value (escapes made, "" one quote, variables and subexpressions as written), saving its variables first.
    private static string Expandable(string text, int start, int end, Action<Token> save, bool hereString)
    {
        var value = new StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c == '`' && i + 1 < end)
            {
                i++;
                value.Append(text[i] switch
                {
                    '0' => '\0',
                    'a' => '\a',
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\v',
                    var other => other,
                });
                continue;
            }

            if (!hereString && Statements.IsDoubleQuote(c) && i + 1 < end && Statements.IsDoubleQuote(text[i + 1]))
            {
                value.Append(c);
                i++;
                continue;
            }

            if (c == '$' && i + 1 < end && text[i + 1] == '(')
            {
                // A subexpression's tokens are not the string's saved ones (ScanSubExpression's nested tokens are its own).
                var close = SubexpressionEnd(text, i + 2, end);
                value.Append(text, i, Math.Min(close + 1, end) - i);
                i = Math.Min(close, end - 1);
                continue;
            }

            if (c == '$' && i + 1 < end && VariableEnd(text, i, end) is var variableEnd && variableEnd > i + 1)
            {
                var name = text[i..variableEnd];
                save(new Token(name, name is "$^" or "$$"));
                value.Append(name);
                i = variableEnd - 1;
                continue;
            }

            value.Append(c);
        }

        return value.ToString();
    }
}
