namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Parse errors of an expression statement that PowerShell's parser and its semantic checks report, and the emulator's
/// statement readers would otherwise take as a command's name or run: an assignment to what cannot be assigned
/// (InvalidLeftHandSide), a splatted variable in an expression (SplattingNotPermitted), a unary operator with nothing
/// after it (MissingExpressionAfterOperator).
/// </summary>
/// <remarks>
/// Each is placed where PowerShell reports it (its AST's extent, or just after the operator) when the statement's text
/// is found once in the script; otherwise the message stands alone.
/// </remarks>
internal static partial class Statements
{
    private const string InvalidLeftHandSideMessage =
        "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.";

    /// <summary>
    /// An expression statement's assignment whose left side is no variable, property or element (<c>1 = 2</c>,
    /// <c>"x" = 1</c>, <c>$a + 1 = 2</c>, <c>$a++ = 1</c>, an array's <c>$a,$b += 1</c>): SemanticChecks'
    /// InvalidLeftHandSide, on the part that cannot be assigned (an array's element, or the whole side). Nothing for any
    /// other statement: a command's <c>name=value</c> argument is no assignment.
    /// </summary>
    public static void CheckAssignmentTarget(string statement)
    {
        var text = statement.Trim();
        if (text.Length < 3 || !text.Contains('=', StringComparison.Ordinal) || !StartsExpressionStatement(text)) return;
        // Strings and comments blanked (strings filled, so a side that is a string is still something).
        var code = CodeOnly(text, stringFill: 'x');
        foreach (var at in TopLevelPositions(code, c => c is '=' or '|'))
        {
            // Past a pipe the '=' is a command's argument's.
            if (code[at] == '|') return;
            var before = at > 0 ? code[at - 1] : ' ';
            if (before is '=' or '!' or '<' or '>' || at + 1 < code.Length && code[at + 1] == '=') continue;
            var compound = before is '+' or '-' or '*' or '/' or '%';
            if (InvalidAssignmentTarget(text, 0, compound ? at - 1 : at, simple: !compound) is var (offset, length))
            {
                throw new ScriptParseException(ScriptedError.ParseError(InvalidLeftHandSideMessage, "InvalidLeftHandSide",
                    script => PlaceInStatement(script, text, offset, length)));
            }

            return;
        }
    }

    // A statement that the parser reads as an expression, not a command: it starts with a value or a unary operator.
    private static bool StartsExpressionStatement(string text) =>
        StartsAsExpression(text) ||
        text.Length > 1 && (text[0] is '!' or ',' || text[0] is '-' or '+' && (text[1] is '$' or '(' or '[' or '\'' or '"' || text[1] == text[0] || char.IsDigit(text[1])));

    // The extent of what cannot be assigned in text[start..end] (blanks around it left out), or null when it can be:
    // a variable (typed or not), a property or an element of anything, a static property, in parentheses or not; with
    // '=' also an array of those (each element checked), which a compound operator cannot take (the whole array).
    private static (int Offset, int Length)? InvalidAssignmentTarget(string text, int start, int end, bool simple)
    {
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        if (start == end) return null; // nothing before the operator: not this check's error
        var whole = (start, end - start);
        var commas = TopLevelPositions(CodeOnly(text[start..end], stringFill: 'x'), c => c == ',').ToList();
        if (commas.Count > 0)
        {
            if (!simple) return whole;
            var from = start;
            foreach (var comma in commas.Select(c => start + c).Append(end))
            {
                if (InvalidAssignmentTarget(text, from, comma, simple) is { } element) return element;
                from = comma + 1;
            }

            return null;
        }

        var i = start;
        // Type constraints and attributes before a variable ([int]$x, [ValidateNotNull()][string]$x), or a static
        // property's type ([Console]::Title).
        while (i < end && text[i] == '[')
        {
            var close = MatchingClose(text, i, ']');
            if (close < 0 || close >= end) return whole;
            if (close + 2 < end && text[close + 1] == ':' && text[close + 2] == ':')
            {
                return AccessorsFrom(text, close + 1, end) is var (steps, stop) && steps > 0 && stop == end ? null : whole;
            }

            i = close + 1;
            while (i < end && char.IsWhiteSpace(text[i])) i++;
        }

        if (i > start) return i >= end ? whole : InvalidAssignmentTarget(text, i, end, simple);
        if (text[i] == '(' && MatchingClose(text, i, ')') == end - 1) return InvalidAssignmentTarget(text, i + 1, end - 1, simple);

        var after = PrimaryEnd(text, i, end, out var variable);
        if (after < 0) return whole;
        var (accessors, last) = AccessorsFrom(text, after, end);
        return last == end && (variable || accessors > 0) ? null : whole;
    }

    // Where the value starting at i ends (before its members and indexes): a variable ($x, $script:x, ${a b}), a
    // $( ), @( ) or @{ }, a parenthesized expression, a string or a number; -1 for anything else, or when it does not
    // end before end. variable: whether it is a variable that can be assigned ($using: ones cannot).
    private static int PrimaryEnd(string text, int i, int end, out bool variable)
    {
        variable = false;
        int after;
        switch (text[i])
        {
            case '$' when i + 1 < end && text[i + 1] == '{':
                after = text.IndexOf('}', i + 2);
                if (after < 0 || after >= end) return -1;
                variable = true;
                return after + 1;
            case '$' when i + 1 < end && text[i + 1] == '(':
            case '@' when i + 1 < end && text[i + 1] is '(' or '{':
                after = MatchingClose(text, i + 1, text[i + 1] == '(' ? ')' : '}') + 1;
                return after <= 0 || after > end ? -1 : after;
            case '$':
                after = i + 1;
                // A scope or drive is a name's part ($script:x, $env:Path); a ':' before another ':' or nothing is not.
                while (after < end && (char.IsLetterOrDigit(text[after]) || text[after] is '_' or '?' or '^' or '$' ||
                    text[after] == ':' && after + 1 < end && (char.IsLetterOrDigit(text[after + 1]) || text[after + 1] == '_')))
                {
                    after++;
                }

                if (after == i + 1) return -1;
                variable = !text[(i + 1)..after].StartsWith("using:", StringComparison.OrdinalIgnoreCase);
                return after;
            case '(':
                after = MatchingClose(text, i, ')') + 1;
                return after <= 0 || after > end ? -1 : after;
            case var quote when IsSingleQuote(quote) || IsDoubleQuote(quote):
                after = SkipQuotedOrEscaped(text, i) + 1;
                return after > end ? -1 : after;
            case var digit when char.IsAsciiDigit(digit):
                after = i + 1;
                while (after < end && (char.IsAsciiLetterOrDigit(text[after]) || text[after] == '.' && after + 1 < end && char.IsAsciiDigit(text[after + 1]))) after++;
                return after;
            default:
                return -1;
        }
    }

    // Where an expression statement's leading value ends with its members and indexes ([int]$x, $a.b[0], (1),
    // [Console]::Title, 'a'), and whether it was read whole; -1 when the statement starts otherwise.
    private static int LeadingValueEnd(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] == '[')
        {
            var close = MatchingClose(text, i, ']');
            if (close < 0) return -1;
            i = close + 1;
            if (i + 1 < text.Length && text[i] == ':' && text[i + 1] == ':') return AccessorsFrom(text, i, text.Length).End;
            if (i >= text.Length || text[i] is not ('$' or '[' or '(')) return -1;
        }

        var head = PrimaryEnd(text, i, text.Length, out _);
        return head < 0 ? -1 : AccessorsFrom(text, head, text.Length).End;
    }

    /// <summary>
    /// An expression statement's leading value followed by another value (<c>$b $c</c>, <c>$a.b 1</c>, <c>(1) 2</c>,
    /// <c>$x = $y $z</c>'s value): the parser's UnexpectedToken, on that token. Nothing for anything else (an operator,
    /// a redirection, a pipe after the value).
    /// </summary>
    public static void CheckTokenAfterValue(string statement)
    {
        var text = statement.Trim();
        if (text.Length < 3 || !StartsAsExpression(text) || LeadingValueEnd(text) is var end && (end < 0 || end >= text.Length || !char.IsWhiteSpace(text[end]))) return;
        var next = end;
        while (next < text.Length && text[next] is ' ' or '\t') next++;
        if (next >= text.Length) return;
        var c = text[next];
        // A redirection (2>$null, 2>&1) follows an expression too.
        if (char.IsAsciiDigit(c) && next + 1 < text.Length && text[next + 1] == '>') return;
        if (!(IsSingleQuote(c) || IsDoubleQuote(c) || c == '$' || char.IsLetterOrDigit(c))) return;
        var tokenEnd = IsSingleQuote(c) || IsDoubleQuote(c) ? Math.Min(SkipQuotedOrEscaped(text, next) + 1, text.Length) : next;
        if (!(IsSingleQuote(c) || IsDoubleQuote(c))) while (tokenEnd < text.Length && !char.IsWhiteSpace(text[tokenEnd]) && text[tokenEnd] is not (';' or '|' or ')')) tokenEnd++;
        throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{text[next..tokenEnd]}' in expression or statement.", "UnexpectedToken",
            script => PlaceInStatement(script, text, next, tokenEnd - next)));
    }

    /// <summary>
    /// An expression that ends in a member access or an index left incomplete (<c>$a.</c>, <c>[int]::</c>, <c>$a[</c>,
    /// <c>$a[]</c>, <c>$a[1</c>): the parser's MissingPropertyName, MissingArrayIndexExpression or MissingEndSquareBracket,
    /// just after the operator or the last token. Nothing for anything else.
    /// </summary>
    public static void CheckIncompleteAccessor(string expression)
    {
        var text = expression.Trim();
        if (text.Length < 2 || !StartsAsExpression(text) || LeadingValueEnd(text) is var stop && (stop < 0 || stop >= text.Length)) return;
        var rest = text[stop..];
        ScriptedError? error = null;
        if (rest is "." or "::")
        {
            error = ScriptedError.ParseError("Missing property name after reference operator.", "MissingPropertyName",
                script => PlaceInStatement(script, text, text.Length, 0));
        }
        else if (rest[0] == '[')
        {
            var close = MatchingClose(text, stop, ']');
            var inner = close < 0 ? rest[1..] : text[(stop + 1)..close];
            if (inner.Trim().Length == 0 && (close < 0 || close == text.Length - 1))
            {
                error = ScriptedError.ParseError("Array index expression is missing or not valid.", "MissingArrayIndexExpression",
                    script => PlaceInStatement(script, text, stop + 1, 0));
            }
            // An index read to the end with nothing else open in it, after a last token that ends a value.
            else if (close < 0 && inner.IndexOfAny(['(', '{', '[', '\'', '"', '#']) < 0 && inner.TrimEnd() is { Length: > 0 } index &&
                (char.IsLetterOrDigit(index[^1]) || index[^1] is ')' or '_'))
            {
                error = ScriptedError.ParseError("Missing ']' after array index expression.", "MissingEndSquareBracket",
                    script => PlaceInStatement(script, text, text.Length, 0));
            }
        }

        if (error is not null) throw new ScriptParseException(error);
    }

    /// <summary>
    /// A type literal left incomplete at an expression's start (<c>[</c>, <c>[]</c>, <c>[int</c>, <c>[x y]</c>): the
    /// parser's MissingTypename just after the '[', or EndSquareBracketExpectedAtEndOfAttribute just after the type's
    /// name. Nothing for anything else.
    /// </summary>
    public static void CheckTypeLiteral(string expression)
    {
        var text = expression.Trim();
        if (text.Length == 0 || text[0] != '[') return;
        var nameEnd = TypeNameEnd(text, 1);
        var close = MatchingClose(text, 0, ']');
        ScriptedError? error = null;
        if (nameEnd == 1 && (text.Length == 1 || text[1] == ']'))
        {
            error = ScriptedError.ParseError("Missing type name after '['.", "MissingTypename", script => PlaceInStatement(script, text, 1, 0));
        }
        else if (nameEnd > 1 && (close < 0 && text.AsSpan(nameEnd).IsWhiteSpace() ||
            close > nameEnd && char.IsWhiteSpace(text[nameEnd]) && SkipBlank(text, nameEnd) is var next && next < close && (char.IsLetter(text[next]) || text[next] == '_')))
        {
            error = ScriptedError.ParseError("Missing ] at end of attribute or type literal.", "EndSquareBracketExpectedAtEndOfAttribute",
                script => PlaceInStatement(script, text, nameEnd, 0));
        }

        if (error is not null) throw new ScriptParseException(error);
    }

    // Where a type's name starting at i ends: its letters, digits, dots, '+' and '`', and its generic arguments and
    // array ranks in brackets.
    private static int TypeNameEnd(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '+' or '`')
            {
                i++;
            }
            else if (c == '[' && MatchingClose(text, i, ']') is var close and > 0)
            {
                i = close + 1;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>
    /// A call operator (<c>&amp;</c>) or dot-source operator (<c>.</c>) with nothing after it, as a statement or after a
    /// pipe: the parser's MissingExpression, on the operator. Nothing for anything else.
    /// </summary>
    public static void CheckCallOperatorAlone(string element)
    {
        var text = element.Trim();
        if (text is not ("&" or ".")) return;
        throw new ScriptParseException(ScriptedError.ParseError($"Missing expression after '{text}' in pipeline element.", "MissingExpression",
            script => System.Text.RegularExpressions.Regex.Matches(CodeOnly(script), @"(?<![^\s;|=({}])[&.](?=[ \t]*(?:$|[\r\n;|)}]))") is { Count: 1 } found
                ? (found[0].Index, 1)
                : null));
    }

    // The member accesses, method calls and indexes from i on ($x.Name, .Trim(), [0], ::Now, .$name, ."quoted",
    // .(expression)): how many, and where they stop.
    private static (int Count, int End) AccessorsFrom(string text, int i, int end)
    {
        var count = 0;
        while (i < end)
        {
            if (text[i] == '[')
            {
                var close = MatchingClose(text, i, ']');
                if (close < 0 || close >= end || text.AsSpan(i + 1, close - i - 1).IsWhiteSpace()) break;
                i = close + 1;
            }
            else if (text[i] == '.' || text[i] == ':' && i + 1 < end && text[i + 1] == ':')
            {
                var name = i + (text[i] == '.' ? 1 : 2);
                if (name >= end) break;
                var c = text[name];
                if (char.IsLetter(c) || c == '_')
                {
                    i = name + 1;
                    while (i < end && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                }
                else if (c == '$')
                {
                    i = name + 1;
                    while (i < end && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or ':')) i++;
                }
                else if (IsSingleQuote(c) || IsDoubleQuote(c))
                {
                    i = SkipQuotedOrEscaped(text, name) + 1;
                }
                else if (c == '(')
                {
                    i = MatchingClose(text, name, ')') + 1;
                    if (i <= 0) break;
                }
                else
                {
                    break;
                }

                if (i > end) break;
                // A method call's arguments.
                if (i < end && text[i] == '(')
                {
                    var close = MatchingClose(text, i, ')');
                    if (close < 0 || close >= end) break;
                    i = close + 1;
                }
            }
            else
            {
                break;
            }

            count++;
        }

        return (count, i);
    }

    /// <summary>
    /// A splatted variable where an expression must be (<c>@a</c> as a statement, <c>$x = @a</c>, <c>1 + @a</c>): the
    /// parser's SplattingNotPermitted, on the token (only a command's argument may be splatted). Nothing for anything else.
    /// </summary>
    public static void CheckSplatting(string expression)
    {
        var text = expression.Trim();
        if (text.Length < 2 || text[0] != '@' || !(char.IsLetterOrDigit(text[1]) || text[1] is '_' or '?' or '$' or '^')) return;
        var end = 1;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '_' or ':' or '?' or '$' or '^')) end++;
        var name = text[1..end];
        throw new ScriptParseException(ScriptedError.ParseError(
            $"The splatting operator '@' cannot be used to reference variables in an expression. '@{name}' can be used only as an argument to a command. To reference variables in an expression use '${name}'.",
            "SplattingNotPermitted", script => PlaceInStatement(script, text, 0, end)));
    }

    /// <summary>
    /// An expression that is unary operators and nothing after them (<c>!</c>, <c>-</c>, <c>,</c>, <c>++</c>, <c>$x = ,</c>):
    /// the parser's MissingExpressionAfterOperator, just after the last operator. Nothing for anything else.
    /// </summary>
    public static void CheckUnaryOperatorAlone(string expression)
    {
        var text = expression.Trim();
        if (text.Length == 0 || text.Length > 64 || UnaryOperatorsAlone().Match(text) is not { Success: true } alone) return;
        var op = alone.Groups["op"].Value;
        throw new ScriptParseException(MissingExpressionAfterUnaryOperator(op.Length > 1 && char.IsLetter(op[1]) ? op.ToLowerInvariant() : op));
    }

    /// <summary>A unary operator (as written: <c>-not</c>, <c>!</c>) with nothing after it, placed just after it when the script shows it once so.</summary>
    public static ScriptedError MissingExpressionAfterUnaryOperator(string op) =>
        ScriptedError.ParseError($"Missing expression after unary operator '{op}'.", "MissingExpressionAfterOperator",
            script => PlaceAfterOperatorWithoutOperand(script, op));

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?:\+\+|--|-not(?![\w-])|-bnot(?![\w-])|[!,+-])\s*)*?(?<op>\+\+|--|-not|-bnot|-split|-join|[!,+-])$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UnaryOperatorsAlone();

    // offset..offset+length of a statement, in the script: when the statement's text is there once.
    private static (int Offset, int Length)? PlaceInStatement(string script, string statement, int offset, int length)
    {
        var at = script.IndexOf(statement, StringComparison.Ordinal);
        return at < 0 || script.IndexOf(statement, at + 1, StringComparison.Ordinal) >= 0 ? null : (at + offset, length);
    }
}
