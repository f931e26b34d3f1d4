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
        // A '$' that starts no variable name ("$ = 5") is a generic token: a command named '$', its arguments '=' and 5.
        if (text[0] == '$' && !(char.IsLetterOrDigit(text[1]) || text[1] is '_' or '{' or '(' or '?' or '^' or '$' or ':')) return;
        if (AssignmentOperator(text) is not { } at) return;
        var compound = at > 0 && text[at - 1] is '+' or '-' or '*' or '/' or '%';
        // An array's last element missing before '=' ("$a, = 1", or a lone '$' that starts no name: "$a, $ = 1"): the
        // parser wants an expression just after the ',' (MissingExpressionAfterToken, placed at the comma's end).
        if (!compound && CodeOnly(text[..at], stringFill: 'x') is var side && TopLevelPositions(side, c => c == ',').DefaultIfEmpty(-1).Last() is var comma and >= 0 &&
            side[(comma + 1)..].Trim() is "" or "$")
        {
            throw new ScriptParseException(ScriptedError.ParseError("Missing expression after ','.", "MissingExpressionAfterToken",
                script => PlaceInStatement(script, text, comma + 1, 0)));
        }

        if (InvalidAssignmentTarget(text, 0, compound ? at - 1 : at, simple: !compound) is var (offset, length))
        {
            // A typed '$' ("[int]$ = 5"): the parser finds the '$' token where a value was to come.
            if (length == 1 && text[offset] == '$' && offset > 0 && text[..offset].TrimEnd().EndsWith(']'))
            {
                throw new ScriptParseException(ScriptedError.ParseError("Unexpected token '$' in expression or statement.", "UnexpectedToken",
                    script => PlaceInStatement(script, text, offset, length)));
            }

            throw new ScriptParseException(ScriptedError.ParseError(InvalidLeftHandSideMessage, "InvalidLeftHandSide",
                script => PlaceInStatement(script, text, offset, length)));
        }
    }

    // Where a statement's first assignment operator has its '=' (of =, +=, -=, ...): outside strings, comments and
    // brackets, before any pipe (past one an '=' is a command's argument's), not of == or a comparison; null for none.
    private static int? AssignmentOperator(string text)
    {
        // Strings and comments blanked (strings filled, so a side that is a string is still something).
        var code = CodeOnly(text, stringFill: 'x');
        foreach (var at in TopLevelPositions(code, c => c is '=' or '|'))
        {
            if (code[at] == '|') return null;
            var before = at > 0 ? code[at - 1] : ' ';
            if (before is '=' or '!' or '<' or '>' || at + 1 < code.Length && code[at + 1] == '=') continue;
            return at;
        }

        return null;
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
        if (TokenAfterValue(text) is not var (start, end)) return;
        throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{text[start..end]}' in expression or statement.", "UnexpectedToken",
            script => PlaceInStatement(script, text, start, end - start)));
    }

    // Where the value after the leading value of a trimmed expression statement is (see CheckTokenAfterValue); null when
    // an operator, a redirection, a pipe or nothing follows it, or the statement does not start with a value.
    private static (int Start, int End)? TokenAfterValue(string text)
    {
        if (text.Length < 3 || !StartsAsExpression(text) || LeadingValueEnd(text) is var end && (end < 0 || end >= text.Length)) return null;
        // A token right after the value, without a blank ('a'b, (1)b, $x'a', "b "q""), is as unexpected as after one.
        if (!char.IsWhiteSpace(text[end]) && !(char.IsLetterOrDigit(text[end]) || text[end] == '$' || IsSingleQuote(text[end]) || IsDoubleQuote(text[end]))) return null;
        var next = end;
        while (next < text.Length && text[next] is ' ' or '\t') next++;
        if (next >= text.Length) return null;
        var c = text[next];
        // A redirection (2>$null, 2>&1) follows an expression too.
        if (char.IsAsciiDigit(c) && next + 1 < text.Length && text[next + 1] == '>') return null;
        // A parenthesis after a blank is no call's ($x.Method (1), $a[0] (1)): the '(' alone is the token.
        if (c == '(') return (next, next + 1);
        var quoted = IsSingleQuote(c) || IsDoubleQuote(c);
        if (!(quoted || c == '$' || char.IsLetterOrDigit(c))) return null;
        var tokenEnd = quoted ? Math.Min(SkipQuotedOrEscaped(text, next) + 1, text.Length) : next;
        if (!quoted) while (tokenEnd < text.Length && !char.IsWhiteSpace(text[tokenEnd]) && text[tokenEnd] is not (';' or '|' or ')')) tokenEnd++;
        return (next, tokenEnd);
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

    /// <summary>
    /// The tokenizer's errors of a variable's name, in code and in expandable strings alike: <c>${}</c>
    /// (EmptyVariableReference, on its '}'), and a scope or drive with no name after its ':' (<c>$env:</c>,
    /// <c>"Hello $name: how"</c>: InvalidVariableReferenceWithDrive; <c>$script:</c>, a scope's:
    /// InvalidVariableReference), on the reference. The first in the script; null when there is none.
    /// </summary>
    public static ScriptedError? InvalidVariableReference(string script)
    {
        if (!script.Contains('$', StringComparison.Ordinal)) return null;
        var found = InvalidVariableReferenceSyntax().Match(CodeOnly(script, keepExpandable: true));
        if (!found.Success) return null;
        if (found.Groups["empty"].Success)
        {
            return ParseErrors(script, [new(found.Index + 2, 1, "An empty ${} variable reference was found. A name is required inside the braces.", "EmptyVariableReference")]);
        }

        var scope = found.Groups["scope"].Value.ToLowerInvariant() is "global" or "local" or "private" or "script" or "variable";
        return ParseErrors(script, [scope
            ? new(found.Index, found.Length, "Variable reference is not valid. '$' was not followed by a valid variable name character. Consider using ${} to delimit the name.", "InvalidVariableReference")
            : new(found.Index, found.Length, "Variable reference is not valid. ':' was not followed by a valid variable name character. Consider using ${} to delimit the name.", "InvalidVariableReferenceWithDrive")]);
    }

    // $name: with no name character after the ':' (nor another ':', a static member's), not escaped; or ${}.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<!`)\$(?:(?<empty>\{\})|(?<scope>[A-Za-z_][A-Za-z0-9_]*):(?![A-Za-z0-9_:?{]))", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex InvalidVariableReferenceSyntax();

    /// <summary>
    /// The first error of a parameter list in the script (a param block, a function's parenthesized parameters), as
    /// the parser reads it: a declaration missing after a ',' or a default after an '=' (MissingExpressionAfterToken,
    /// just after the ',' or the '='), a name declared twice (DuplicateFormalParameter, on the second), a list without
    /// its ')' (MissingEndParenthesisInFunctionParameterList, where the ')' should be), a param block in a function
    /// that has parenthesized parameters (OnlyOneParameterListAllowed). Null when there is none.
    /// </summary>
    public static ScriptedError? ParameterListError(string script)
    {
        if (!script.Contains("param", StringComparison.OrdinalIgnoreCase) && !script.Contains("function", StringComparison.OrdinalIgnoreCase) &&
            !script.Contains("filter", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var code = CodeOnly(script, stringFill: 'x');
        foreach (System.Text.RegularExpressions.Match list in ParameterListStart().Matches(code))
        {
            var open = list.Index + list.Length - 1;
            if (ParameterListError(script, code, open) is { } error) return ParseErrors(script, [error]);
            if (!list.Groups["param"].Success && MatchingClose(code, open, ')') is var close and > 0 &&
                SkipBlank(code, close + 1) is var body && body < code.Length && code[body] == '{' &&
                ParamBlockAtStart().Match(code, body + 1) is { Success: true } inner && MatchingClose(code, inner.Index + inner.Length - 1, ')') is var innerClose and > 0)
            {
                var param = inner.Groups["keyword"].Index;
                return ParseErrors(script, [new(param, innerClose + 1 - param, "The param statement cannot be used if arguments were specified in the function declaration.", "OnlyOneParameterListAllowed")]);
            }
        }

        return null;
    }

    // The list opening at open: its declarations in order, then its ')'.
    private static FoundParseError? ParameterListError(string script, string code, int open)
    {
        // The list runs to its ')' or, when it has none, to a closer of something around it, or the end.
        var depth = 0;
        var end = open + 1;
        for (; end < code.Length; end++)
        {
            var c = code[end];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && depth-- == 0) break;
        }

        var closed = end < code.Length && code[end] == ')';
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var start = open + 1;
        var commas = TopLevelPositions(code[(open + 1)..end], c => c == ',').Select(c => open + 1 + c).Append(end).ToList();
        foreach (var stop in commas)
        {
            var declaration = code[start..stop];
            if (declaration.Trim().Length == 0)
            {
                // param() has no declarations; a ',' without one after it is the parser's error, just after it.
                if (commas.Count > 1) return new(start, 0, "Missing expression after ','.", "MissingExpressionAfterToken");
                break;
            }

            if (TopLevelPositions(declaration, c => c == '=').FirstOrDefault(-1) is var equals and >= 0 && declaration[(equals + 1)..].Trim().Length == 0)
            {
                return new(start + equals + 1, 0, "Missing expression after '='.", "MissingExpressionAfterToken");
            }

            if (ParameterName().Match(declaration) is { Success: true } name && !names.Add(name.Groups["name"].Value))
            {
                var variable = name.Groups["name"].Length + 1;
                return new(start + name.Index, variable, $"Duplicate parameter {script.Substring(start + name.Index, variable)} in parameter list.", "DuplicateFormalParameter");
            }

            start = stop + 1;
        }

        return closed ? null : new(end < code.Length ? end : code.TrimEnd().Length, 0, "Missing ')' in function parameter list.", "MissingEndParenthesisInFunctionParameterList");
    }

    // A param block's or a function's (filter's) parameter list: its keyword or name and its '('.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:(?<=^|[\s;{\]])(?<param>param)|(?<![\w$.-])(?:function|filter)\s+[\w:.-]+)\s*\(",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ParameterListStart();

    // A param block at a body's start (attributes before it allowed).
    [System.Text.RegularExpressions.GeneratedRegex(@"\G\s*(?:\[[^\]]*\]\s*)*(?<keyword>param)\s*\(",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ParamBlockAtStart();

    // A declaration's variable: after its attributes and type, before its default.
    [System.Text.RegularExpressions.GeneratedRegex(@"\$(?<name>[A-Za-z_][\w]*)\s*(?==|$)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ParameterName();

    /// <summary>
    /// A <c>return</c>, or a <c>break</c> or <c>continue</c> outside a loop or switch of its own, in a try statement's
    /// finally block (its if branches, loops and nested try bodies too; not a function's or a script block's): the
    /// parser's ControlLeavingFinally, on that statement. Nothing for any other statement.
    /// </summary>
    public static void CheckFinallyFlow(string tryStatement, TryStatement parsed)
    {
        if (parsed.Finally is not { Length: > 0 } block) return;
        if (LeavingStatement(block, inLoop: false, depth: 0) is not { } leaving) return;
        var text = tryStatement.Trim();
        var blockAt = text.LastIndexOf(block, StringComparison.Ordinal);
        var at = blockAt < 0 ? -1 : text.IndexOf(leaving, blockAt, StringComparison.Ordinal);
        throw new ScriptParseException(ScriptedError.ParseError("Flow of control cannot leave a Finally block.", "ControlLeavingFinally",
            script => at < 0 ? null : PlaceInStatement(script, text, at, leaving.Length)));
    }

    // The first statement of the block that leaves it: a return, or a break or continue outside a loop.
    private static string? LeavingStatement(string block, bool inLoop, int depth)
    {
        if (depth > 32) return null;
        foreach (var statement in Split(block))
        {
            var text = statement.Trim();
            if (LeavingKeyword().IsMatch(text) && (StartsWithKeyword(text, "return") || !inLoop)) return text;
            object? keyword;
            try
            {
                keyword = text.Length > 2 && char.IsLetter(text[0]) ? ParseKeyword(text) : null;
            }
            catch (ScriptParseException)
            {
                continue; // the statement's own error, reported when it is checked
            }

            var found = keyword switch
            {
                List<IfClause> clauses => clauses.Select(c => LeavingStatement(c.Body, inLoop, depth + 1)).FirstOrDefault(l => l is not null),
                LoopStatement loop => LeavingStatement(loop.Body, inLoop: true, depth + 1),
                ForeachStatement loop => LeavingStatement(loop.Body, inLoop: true, depth + 1),
                SwitchStatement switchStatement => switchStatement.Clauses.Select(c => LeavingStatement(c.Body, inLoop: true, depth + 1)).FirstOrDefault(l => l is not null),
                TryStatement inner => new[] { inner.Body }.Concat(inner.Catches.Select(c => c.Body)).Select(b => LeavingStatement(b, inLoop, depth + 1)).FirstOrDefault(l => l is not null),
                _ => null,
            };
            if (found is not null) return found;
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:return|break|continue)(?![\w-])", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LeavingKeyword();

    /// <summary>
    /// The first of two errors of a pipeline's form in the script: a pipe with no command before it, at a statement's
    /// or a line's start (EmptyPipeElement, on the pipe: 5.1 has no PowerShell 7 continuation of a pipeline on a line
    /// starting with '|'), and a parameter written with its ':' and no argument after it (<c>Get-Process -Name:</c>:
    /// ParameterRequiresArgument, just after it). Null when there is none.
    /// </summary>
    public static ScriptedError? PipelineFormError(string script)
    {
        if (!script.Contains('|', StringComparison.Ordinal) && !script.Contains(':', StringComparison.Ordinal)) return null;
        var code = CodeOnly(script, stringFill: 'x');
        var pipe = LeadingPipe().Match(code);
        var parameter = ParameterWithoutArgument().Match(code);
        if (pipe.Success && (!parameter.Success || pipe.Index < parameter.Index))
        {
            return ParseErrors(script, [new(pipe.Groups["pipe"].Index, 1, "An empty pipe element is not allowed.", "EmptyPipeElement")]);
        }

        return parameter.Success
            ? ParseErrors(script, [new(parameter.Index + parameter.Length, 0, $"Parameter {parameter.Value} requires an argument.", "ParameterRequiresArgument")])
            : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[;{(=])[ \t]*(?<pipe>\|)(?!\|)", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LeadingPipe();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[ \t])-[A-Za-z_][\w]*:(?=[ \t]*(?:$|[\r\n;|)}]))", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ParameterWithoutArgument();

    private static readonly string[] StatementKeywords =
        ["if", "foreach", "for", "while", "do", "switch", "try", "trap", "function", "filter", "workflow", "class", "enum", "param", "begin", "process",
         "end", "dynamicparam", "data", "return", "throw", "exit", "break", "continue", "using", "configuration"];

    /// <summary>
    /// Whether a script is one pipeline that more commands may follow as text (<c>Get-Process</c>, <c>1..3</c>): not
    /// several statements, a keyword statement or an assignment, which <c>script | next</c> would read otherwise.
    /// </summary>
    public static bool IsSinglePipeline(string script)
    {
        var text = script.Trim();
        if (text.Length == 0 || Split(text).Count > 1) return false;
        if (char.IsLetter(text[0]) && Array.Exists(StatementKeywords, k => KeywordAlone(text, k))) return false;
        // An '=' in a command's arguments (x=1) is text, not an assignment.
        return AssignmentOperator(text) is null || !StartsExpressionStatement(text);
    }

    // offset..offset+length of a statement, in the script: when the statement's text is there once.
    /// <summary>
    /// A command's arguments ending in a ',' with nothing after it in their pipeline element (<c>Write-Output 1,</c>,
    /// <c>Get-Item a, | Out-Null</c>): the parser's MissingExpression, placed at the comma's end.
    /// </summary>
    public static void CheckTrailingArgumentComma(string statement)
    {
        if (!statement.Contains(',', StringComparison.Ordinal)) return;
        var code = CodeOnly(statement, stringFill: 'x');
        var from = 0;
        foreach (var pipe in TopLevelPositions(code, c => c == '|').Append(code.Length))
        {
            var element = code[from..pipe].TrimEnd();
            if (element.Length > 0 && element.EndsWith(',') && ScriptExpressions.IsCommandMode(statement[from..pipe].Trim()))
            {
                var after = element.Length;
                throw new ScriptParseException(ScriptedError.ParseError("Missing expression after ',' in pipeline element.", "MissingExpression",
                    script => PlaceInStatement(script, statement, from + after, 0)));
            }

            from = pipe + 1;
        }
    }

    /// <summary>
    /// An array literal's element missing after its comma (<c>$x = 1,</c>): MissingExpressionAfterToken at the end of
    /// the comma before element <paramref name="element"/> of <paramref name="text"/>, placed when the text is found once
    /// in the script.
    /// </summary>
    public static ScriptedError MissingArrayElement(string text, int element)
    {
        var commas = TopLevelPositions(CodeOnly(text, stringFill: 'x'), c => c == ',').ToList();
        int? offset = element >= 1 && element - 1 < commas.Count ? commas[element - 1] + 1 : null;
        return ScriptedError.ParseError("Missing expression after ','.", "MissingExpressionAfterToken",
            offset is { } after ? script => PlaceInStatement(script, text, after, 0) : null);
    }

    internal static (int Offset, int Length)? PlaceInStatement(string script, string statement, int offset, int length)
    {
        var at = script.IndexOf(statement, StringComparison.Ordinal);
        return at < 0 || script.IndexOf(statement, at + 1, StringComparison.Ordinal) >= 0 ? null : (at + offset, length);
    }
}
