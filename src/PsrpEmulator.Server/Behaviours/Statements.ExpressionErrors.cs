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

        var variable = false;
        int after;
        switch (text[i])
        {
            case '$' when i + 1 < end && text[i + 1] == '{':
                after = text.IndexOf('}', i + 2);
                if (after < 0 || after >= end) return whole;
                after++;
                variable = true;
                break;
            case '$' when i + 1 < end && text[i + 1] == '(':
            case '@' when i + 1 < end && text[i + 1] is '(' or '{':
                after = MatchingClose(text, i + 1, text[i + 1] == '(' ? ')' : '}') + 1;
                if (after <= 0 || after > end) return whole;
                break;
            case '$':
                after = i + 1;
                while (after < end && (char.IsLetterOrDigit(text[after]) || text[after] is '_' or ':' or '?' or '^' or '$')) after++;
                if (after == i + 1) return whole;
                variable = !text[(i + 1)..after].StartsWith("using:", StringComparison.OrdinalIgnoreCase);
                break;
            case '(':
                after = MatchingClose(text, i, ')') + 1;
                if (after <= 0 || after > end) return whole;
                break;
            case var quote when IsSingleQuote(quote) || IsDoubleQuote(quote):
                after = SkipQuotedOrEscaped(text, i) + 1;
                if (after > end) return whole;
                break;
            default:
                return whole;
        }

        var (accessors, last) = AccessorsFrom(text, after, end);
        return last == end && (variable || accessors > 0) ? null : whole;
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
                if (close < 0 || close >= end) break;
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
