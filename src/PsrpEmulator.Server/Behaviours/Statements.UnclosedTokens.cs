namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What PowerShell's tokenizer and parser refuse at the end of a script that leaves something open: a string without its
/// terminator, a <c>&lt;#</c> comment without <c>#&gt;</c>, a <c>$( )</c> or <c>@( )</c> subexpression, a parenthesized
/// expression, a hash literal or a statement block without its closer, a ')' or '}' that closes nothing, and a last
/// pipe or assignment with nothing after it. The
/// statement splitter would otherwise read the rest as words (<c>"unterminated</c> ran as a command of that name). Only
/// the forms whose error is certain are reported; anything else open (a method call's parenthesis, a keyword's, an
/// index) is left to the statements' own checks.
/// </summary>
/// <remarks>
/// Each error names its place as 5.1's ParseError does (see <see cref="ScriptPosition"/>), at the extent its parser or
/// tokenizer reports: a string or a comment from its opening quote to the end, a statement block at its '{', a hash
/// literal, a parenthesized expression or a method call after its last token, a subexpression at the end-of-input
/// token. Everything left open is reported, innermost first, as the parser unwinds (ParseException's message: each
/// error's text, one after the other), unless something open is of a kind not certain here.
/// </remarks>
internal static partial class Statements
{
    private enum Opener { Subexpression, Expression, MethodCall, Block, ClassBody, Hash, SwitchBody, Other }

    // One error found: where it is (its extent's start and length in the script) and what it is.
    private readonly record struct FoundParseError(int Offset, int Length, string Message, string Id);

    // ParseException.Message reports at most this many of its errors.
    private const int MaxReportedParseErrors = 10;

    // PowerShell's tokenizer takes the typographic quotes as quotes too.
    internal static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    /// <summary>A single or double quote, as the tokenizer takes them (the typographic ones too).</summary>
    internal static bool IsQuote(char c) => IsSingleQuote(c) || IsDoubleQuote(c);

    internal static bool IsDoubleQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E';

    // Deeper nesting than this (strings in subexpressions in strings) is left unchecked.
    private const int MaxUnclosedScanDepth = 100;

    /// <summary>The parse error of a script left open at its end; null when nothing is open, or not certainly.</summary>
    public static ScriptedError? UnclosedToken(string script)
    {
        var i = 0;
        var lastTokenEnd = 0;
        var end = ScanCode(script, ref i, ref lastTokenEnd, closeOnParen: false, depth: 0);
        var tail = script.TrimEnd();
        if (!ReferenceEquals(end, ScanEnd.Closed))
        {
            if (end.Errors is not { Count: > 0 } errors) return null;
            // A parenthesis left open after an operator or a ',' ("$x = (1 +", "@(1,"): the operand the parser looked for
            // first, just after it, then what is left open.
            if (errors[0].Id is "MissingEndParenthesisInExpression" or "MissingEndParenthesisInSubexpression" or "MissingEndParenthesisAfterStatement" &&
                OperatorWithoutOperand().Match(tail) is { Success: true } trailing)
            {
                var (message, id) = MissingOperand(trailing.Groups["op"].Value);
                errors.Insert(0, new(tail.Length, 0, message, id));
            }

            return ParseErrors(script, errors);
        }

        // Closed, with nothing after a last pipe or a last assignment: the parser's incomplete input, reported just
        // after the pipe or the operator.
        var lastLine = tail[(tail.LastIndexOfAny(['\n', ';']) + 1)..];
        // A last line with a '#' may end in a comment, whose '|' is no pipe.
        if (tail.EndsWith('|') && !tail.EndsWith("||", StringComparison.Ordinal) && !lastLine.Contains('#', StringComparison.Ordinal))
        {
            return ParseErrors(script, [new(tail.Length, 0, "An empty pipe element is not allowed.", "EmptyPipeElement")]);
        }

        return TrailingAssignment().Match(lastLine) is { Success: true } assignment
            ? ParseErrors(script, [new(tail.Length, 0, EmptyAssignmentMessage(assignment), "ExpectedValueExpression")])
            : null;
    }

    // The errors as one ParseException's: its id the first's, its message each one's place and text, one after the other
    // (a 5.1 console shows them so, "Not all parse errors were reported." after the tenth; PowerShell 7 puts a blank line between).
    private static ScriptedError ParseErrors(string script, List<FoundParseError> errors)
    {
        var text = new System.Text.StringBuilder();
        foreach (var error in errors.Take(MaxReportedParseErrors))
        {
            if (text.Length > 0) text.Append("\r\n");
            text.Append(ScriptPosition.Message(script, error.Offset, error.Length, error.Message));
        }

        if (errors.Count > MaxReportedParseErrors) text.Append("\r\nNot all parse errors were reported.  Correct the reported errors and try again.");
        return ScriptedError.ParseError(text.ToString(), errors[0].Id);
    }

    private static string EmptyAssignmentMessage(System.Text.RegularExpressions.Match assignment) => MissingOperand(assignment.Groups["op"].Value).Message;

    /// <summary>
    /// The parse error of a statement that is an assignment with nothing after its operator (<c>$x =</c> before a
    /// <c>;</c> or a line's end): ExpectedValueExpression; null for any other statement.
    /// </summary>
    public static ScriptedError? EmptyAssignment(string statement) =>
        TrailingAssignment().Match(statement) is { Success: true } assignment
            ? ScriptedError.ParseError(EmptyAssignmentMessage(assignment), "ExpectedValueExpression",
                script => PlaceAfterOperatorWithoutOperand(script, assignment.Groups["op"].Value))
            : null;

    // The parser's error for an operator (or a ',') with nothing after it.
    private static (string Message, string Id) MissingOperand(string op) => op == ","
        ? ("Missing expression after ','.", "MissingExpressionAfterToken")
        : ($"You must provide a value expression following the '{op}' operator.", "ExpectedValueExpression");

    // A keyword statement's condition left open at the end after an operator (if ($a -eq): the operand the parser looked
    // for first, just after the operator; null when the text does not end so.
    private static ScriptParseException? OperandMissingAtEnd(string text)
    {
        var tail = text.TrimEnd();
        if (OperatorWithoutOperand().Match(tail) is not { Success: true } trailing) return null;
        var (message, id) = MissingOperand(trailing.Groups["op"].Value);
        return new(ScriptedError.ParseError(message, id, script => script.TrimEnd() is var whole && whole.EndsWith(tail, StringComparison.Ordinal) ? (whole.Length, 0) : null));
    }

    // A binary operator or a ',' ending the text after a value (a word, a closing bracket or quote), not a unary one.
    [System.Text.RegularExpressions.GeneratedRegex(@"[\w)\]'""}]\s*(?<op>,|(?<![+\-])[+*/%]|(?<![-+])-(?!-)|-(?:[ci]?(?:eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split)|join|is|isnot|as|and|or|xor|band|bor|bxor|shl|shr|f))$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OperatorWithoutOperand();

    // A statement that is a variable (typed, indexed or a property of one) and an assignment operator, and nothing more.
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(\[[\w.\[\]]+\]\s*)?\$[\w:]+(\.\w+|\[[^\]]*\])*\s*(?<op>[-+*/%]?=)$")]
    private static partial System.Text.RegularExpressions.Regex TrailingAssignment();

    // How a scan ended: at its closer (or the end with nothing open), with errors, or in a state not certain here.
    private sealed class ScanEnd(List<FoundParseError>? errors)
    {
        public static readonly ScanEnd Closed = new(null);
        public static readonly ScanEnd Unknown = new(null);

        public List<FoundParseError>? Errors => errors;
    }

    // The tokenizer's: from the opening quote to the end of the script.
    private static FoundParseError Terminator(string text, int start, string quote) =>
        new(start, text.Length - start, $"The string is missing the terminator: {quote}.", "TerminatorExpectedAtEndOfString");

    // Code up to the end of the text, or (inside a string's $( )) up to the ')' that closes it. lastTokenEnd: where the
    // last token read so far ends (comments and blanks are no tokens), after which the parser reports what is missing.
    private static ScanEnd ScanCode(string text, ref int i, ref int lastTokenEnd, bool closeOnParen, int depth)
    {
        if (depth > MaxUnclosedScanDepth) return ScanEnd.Unknown;
        // Each open bracket, with what its lack of a closer would be and where it is.
        var open = new Stack<(char Bracket, Opener Kind, int At)>();
        // The last '(' closed, and where its ')' is: a '{' right after a switch's condition opens its body.
        var (lastParenOpen, lastParenClose) = (-1, -1);
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '`')
            {
                // A backtick before a line's end continues the line; before anything else it escapes it in a token.
                if (i + 1 < text.Length && text[i + 1] is not ('\n' or '\r')) lastTokenEnd = i + 2;
                i += 2;
                continue;
            }

            if (IsSingleQuote(c))
            {
                var start = i;
                if (!SkipSingleQuoted(text, ref i)) return Unterminated(text, Terminator(text, start, "'"), open, lastTokenEnd, closeOnParen);
                lastTokenEnd = i;
                continue;
            }

            // A here-string's header at a token's start: only blanks may follow it on its line, and a line starting
            // with its closer must come (the tokenizer's errors, at the first character after it and from the '@').
            if (c == '@' && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '\'') &&
                (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is '(' or '=' or ',' or ';' or '{' or '}' or '|' or '+' or '['))
            {
                var after = i + 2;
                while (after < text.Length && text[after] is ' ' or '\t') after++;
                if (after < text.Length && text[after] is not ('\r' or '\n'))
                {
                    return new ScanEnd([new(after, 1, "No characters are allowed after a here-string header but before the end of the line.", "UnexpectedCharactersAfterHereStringHeader")]);
                }

                if (HereStringAt(text, i) is not var (_, _, end)) return Unterminated(text, Terminator(text, i, text[i + 1] + "@"), open, lastTokenEnd, closeOnParen);
                i = lastTokenEnd = end;
                continue;
            }

            if (IsDoubleQuote(c))
            {
                var start = i;
                var inner = SkipDoubleQuoted(text, ref i, ref lastTokenEnd, depth + 1);
                if (inner is not null)
                {
                    // The string itself not closed: its error, then what is open around it; an error inside its $( ) alone.
                    return inner.Errors is [{ Id: "TerminatorExpectedAtEndOfString" } own] && own.Offset == start
                        ? Unterminated(text, own, open, lastTokenEnd, closeOnParen)
                        : inner;
                }

                lastTokenEnd = i;
                continue;
            }

            if (c == '<' && i + 1 < text.Length && text[i + 1] == '#')
            {
                var close = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return Unterminated(text, new(i, text.Length - i, "The terminator '#>' is missing from the multiline comment.", "MissingTerminatorMultiLineComment"),
                        open, lastTokenEnd, closeOnParen);
                }

                i = close + 2;
                continue;
            }

            if (c == '#' && StartsComment(text, i))
            {
                SkipToLineEnd(text, ref i);
                continue;
            }

            // --% at a token's start: the rest of the line is the program's, verbatim.
            if (c == '-' && string.CompareOrdinal(text, i, "--%", 0, 3) == 0 && (i == 0 || char.IsWhiteSpace(text[i - 1])))
            {
                SkipToLineEnd(text, ref i);
                lastTokenEnd = i;
                continue;
            }

            if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                i = BracedVariableEnd(text, i);
                if (i < 0) return ScanEnd.Unknown;
                lastTokenEnd = i;
                continue;
            }

            if (!char.IsWhiteSpace(c)) lastTokenEnd = i + 1;
            switch (c)
            {
                case '(':
                    // In a class's body a '(' is a method's or a constructor's parameter list (Config() { }, [int] Count()).
                    open.Push(('(', i > 0 && text[i - 1] is '$' or '@' ? Opener.Subexpression
                        : open.TryPeek(out var around) && around.Kind == Opener.ClassBody ? Opener.Other
                        : ExpressionContext(text, i) || NumberWordBefore(text, i) ? Opener.Expression
                        : MethodCallContext(text, i) ? Opener.MethodCall : Opener.Other, i));
                    break;
                case '{':
                    open.Push(('{', i > 0 && text[i - 1] == '@' ? Opener.Hash
                        : lastParenClose >= 0 && text.AsSpan(lastParenClose + 1, i - lastParenClose - 1).IsWhiteSpace() && SwitchBefore().IsMatch(text.AsSpan(0, lastParenOpen)) ? Opener.SwitchBody
                        : ClassHeaderBefore().IsMatch(text.AsSpan(0, i)) ? Opener.ClassBody
                        : Opener.Block, i));
                    break;
                case '[':
                    open.Push(('[', Opener.Other, i));
                    break;
                case ')' when open.Count == 0 && closeOnParen:
                    i++;
                    return ScanEnd.Closed;
                case ')' or '}' or ']' when open.Count > 0 && open.Peek().Bracket == (c == ')' ? '(' : c == '}' ? '{' : '['):
                    var closed = open.Pop();
                    if (c == ')') (lastParenOpen, lastParenClose) = (closed.At, i);
                    // ParenthesizedExpressionRule with nothing but blanks and comments inside: no expression after '('.
                    if (c == ')' && closed.Kind == Opener.Expression && IsBlankCode(text.AsSpan(closed.At + 1, i - closed.At - 1)))
                    {
                        return new ScanEnd([new(closed.At + 1, 0, "An expression was expected after '('.", "ExpectedExpression")]);
                    }

                    break;
                // A ')' or '}' with nothing open is a token no statement takes ('a'), Get-Date }); one that closes
                // something else is left to the statements.
                case ')' or '}' when open.Count == 0:
                    return new ScanEnd([new(i, 1, $"Unexpected token '{c}' in expression or statement.", "UnexpectedToken")]);
            }

            i++;
        }

        // The end inside a string's $( ): the string's and the subexpression's errors both, in an order not certain here.
        if (closeOnParen) return ScanEnd.Unknown;
        if (open.Count == 0) return ScanEnd.Closed;
        var errors = new List<FoundParseError>();
        if (!AddOpenErrors(errors, text, open, lastTokenEnd, innermost: true)) return ScanEnd.Unknown;
        return new ScanEnd(errors);
    }

    // A string or comment that does not close (the tokenizer's error, first), then what is open around it at the end of
    // the script, as the parser then reports it; inside a string's $( ) or with something open not certain here, the
    // string's error alone.
    private static ScanEnd Unterminated(string text, FoundParseError error, Stack<(char Bracket, Opener Kind, int At)> open, int lastTokenEnd, bool closeOnParen)
    {
        List<FoundParseError> errors = [error];
        if (!closeOnParen && !AddOpenErrors(errors, text, open, lastTokenEnd, innermost: false)) errors = [error];
        return new ScanEnd(errors);
    }

    // The errors of what is open at the end, innermost first (the parser's rules return outwards); false when one is of
    // a kind not certain here. An error of the same id at the same place is reported once, as the parser saves it.
    private static bool AddOpenErrors(List<FoundParseError> errors, string text, Stack<(char Bracket, Opener Kind, int At)> open, int lastTokenEnd, bool innermost)
    {
        foreach (var (_, kind, at) in open)
        {
            FoundParseError error = kind switch
            {
                // SubExpressionRule reports the token found instead of ')': the end-of-input token, one past the end.
                Opener.Subexpression => new(text.Length + 1, 0, "Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression"),
                Opener.Expression => new(lastTokenEnd, 0, "Missing closing ')' in expression.", "MissingEndParenthesisInExpression"),
                Opener.Block or Opener.ClassBody => new(at, 1, "Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
                Opener.Hash => new(lastTokenEnd, 0, "Missing closing '}' in hash literal.", "IncompleteHashLiteral"),
                // SwitchStatementRule reads a clause's condition, then its block, before it looks for the '}'.
                Opener.SwitchBody when innermost && text.AsSpan(at + 1).Trim().Trim(";\r\n").IsEmpty =>
                    new(lastTokenEnd, 0, "Missing condition in switch statement clause.", "MissingSwitchConditionExpression"),
                Opener.SwitchBody when innermost && text.AsSpan(0, lastTokenEnd)[^1] != '}' =>
                    new(lastTokenEnd, 0, "Missing statement block in switch statement clause.", "MissingSwitchStatementClause"),
                Opener.SwitchBody => new(at, 1, "Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"),
                // MemberInvokeRule: an argument missing after a comma is reported instead of the parenthesis.
                Opener.MethodCall when innermost && text.TrimEnd().EndsWith(',') => new(lastTokenEnd, 0, "Missing expression after ','.", "MissingExpressionAfterToken"),
                Opener.MethodCall => new(lastTokenEnd, 0, "Missing ')' in method call.", "MissingEndParenthesisInMethodCall"),
                _ => default,
            };
            if (error.Id is null) return false;
            // ParenthesizedExpressionRule with nothing in the parentheses: no expression first, then no ')'.
            if (kind == Opener.Expression && innermost && IsBlankCode(text.AsSpan(at + 1)))
            {
                errors.Add(new(lastTokenEnd, 0, "An expression was expected after '('.", "ExpectedExpression"));
            }

            if (!errors.Any(e => e.Id == error.Id && e.Offset == error.Offset && e.Length == error.Length)) errors.Add(error);
            innermost = false;
        }

        return true;
    }

    // '#' after a token's end begins a comment; inside a bare word (a#b) it is part of the word.
    private static bool StartsComment(string text, int i) =>
        i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is ';' or '{' or '}' or '(' or ')' or '|' or '=' or ',' or '&' or '+' or '>'
        || IsSingleQuote(text[i - 1]) || IsDoubleQuote(text[i - 1]);

    /// <summary>
    /// The script with its strings, here-strings and comments blanked (new lines kept), so a search for a token finds
    /// only code, at the script's own offsets.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="stringFill">What a string's characters become: blanks, or a letter where a token must still show.</param>
    /// <param name="keepExpandable">Keep the expandable strings (double-quoted, <c>@" "@</c>) as written: their variables are tokens too.</param>
    public static string CodeOnly(string script, char stringFill = ' ', bool keepExpandable = false)
    {
        var code = script.ToCharArray();
        void Blank(int from, int to, char fill = ' ')
        {
            for (var k = from; k < Math.Min(to, code.Length); k++)
            {
                if (code[k] is not ('\n' or '\r')) code[k] = fill;
            }
        }

        var i = 0;
        var unused = 0;
        while (i < script.Length)
        {
            var c = script[i];
            var start = i;
            if (c == '`') i += 2;
            else if (IsSingleQuote(c))
            {
                if (!SkipSingleQuoted(script, ref i)) i = script.Length;
                Blank(start, i, stringFill);
            }
            else if (c == '@' && i + 1 < script.Length && (script[i + 1] == '"' || script[i + 1] == '\'') && OpensHereString(script, i))
            {
                i = HereStringAt(script, i) is var (_, _, end) ? end : script.Length;
                if (!keepExpandable || script[start + 1] == '\'') Blank(start, i, stringFill);
            }
            else if (IsDoubleQuote(c))
            {
                if (SkipDoubleQuoted(script, ref i, ref unused, 1) is not null) i = script.Length;
                if (!keepExpandable) Blank(start, i, stringFill);
            }
            else if (c == '<' && i + 1 < script.Length && script[i + 1] == '#')
            {
                var close = script.IndexOf("#>", i + 2, StringComparison.Ordinal);
                i = close < 0 ? script.Length : close + 2;
                Blank(start, i);
            }
            else if (c == '#' && StartsComment(script, i))
            {
                SkipToLineEnd(script, ref i);
                Blank(start, i);
            }
            else i++;
        }

        return new string(code);
    }

    /// <summary>
    /// The redirections 5.1's parser refuses: a redirection operator with no file after it (MissingFileSpecification,
    /// just after the operator; <c>2&gt;&amp;1</c> merges streams and needs none), and any <c>&lt;</c>, input redirection
    /// being "reserved for future use" (RedirectionNotSupported, on it). The missing files come first, then the
    /// '&lt;'s, as a 5.1 console reports <c>node &lt;&lt; 'EOF'</c>. Null when there is none.
    /// </summary>
    public static ScriptedError? Redirections(string script)
    {
        if (script.AsSpan().IndexOfAny('<', '>') < 0) return null;
        var code = CodeOnly(script, stringFill: 'x');
        var missing = new List<FoundParseError>();
        var reserved = new List<FoundParseError>();
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i] == '<')
            {
                reserved.Add(new(i, 1, "The '<' operator is reserved for future use.", "RedirectionNotSupported"));
                if (!FileFollows(code, i + 1)) missing.Add(new(i + 1, 0, MissingFileSpecificationMessage, "MissingFileSpecification"));
            }
            else if (code[i] == '>')
            {
                var end = i + 1 < code.Length && code[i + 1] == '>' ? i + 2 : i + 1;
                if (end < code.Length && code[end] == '&') continue;
                if (!FileFollows(code, end)) missing.Add(new(end, 0, MissingFileSpecificationMessage, "MissingFileSpecification"));
                i = end - 1;
            }
        }

        return missing.Count + reserved.Count == 0 ? null : ParseErrors(script, [.. missing, .. reserved]);

        // A file name after the operator, on its line: anything but its end, a statement's, a pipe, a closer or another redirection.
        static bool FileFollows(string code, int i)
        {
            while (i < code.Length && code[i] is ' ' or '\t') i++;
            return i < code.Length && code[i] is not ('\r' or '\n' or ';' or '|' or ')' or '}' or '<' or '>' or '&');
        }
    }

    private const string MissingFileSpecificationMessage = "Missing file specification after redirection operator.";

    /// <summary>
    /// Where the parser reports a binary or assignment operator with nothing after it (After(operator)): just after the
    /// one occurrence of <paramref name="op"/> in the script's code that is followed by nothing but blanks before a line's
    /// end, a closer, a ';' or a '|'; null when there is none or more than one.
    /// </summary>
    /// <summary>Just after an operator the script has once before the given word (<c>1..3.Count</c>: after the <c>..</c>); null when not once.</summary>
    public static (int Offset, int Length)? PlaceAfterOperatorBefore(string script, string op, string word) =>
        System.Text.RegularExpressions.Regex.Matches(CodeOnly(script), System.Text.RegularExpressions.Regex.Escape(op) + @"[ \t]*" + System.Text.RegularExpressions.Regex.Escape(word),
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) is { Count: 1 } found
            ? (found[0].Index + op.Length, 0)
            : null;

    public static (int Offset, int Length)? PlaceAfterOperatorWithoutOperand(string script, string op)
    {
        var code = CodeOnly(script);
        var word = op.Length > 1 && op[0] == '-' && char.IsLetter(op[1]);
        (int, int)? found = null;
        for (var at = code.IndexOf(op, StringComparison.OrdinalIgnoreCase); at >= 0; at = code.IndexOf(op, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + op.Length;
            var before = at > 0 ? code[at - 1] : ' ';
            var after = end < code.Length ? code[end] : ' ';
            if (word ? char.IsLetterOrDigit(before) || before is '_' or '-' || char.IsLetterOrDigit(after) || after == '_'
                : IsOperatorCharacter(before) || IsOperatorCharacter(after))
            {
                continue;
            }

            var next = end;
            while (next < code.Length && code[next] is ' ' or '\t') next++;
            if (next < code.Length && code[next] is not ('\r' or '\n' or ')' or '}' or ']' or ';' or '|')) continue;
            if (found is not null) return null;
            found = (end, 0);
        }

        return found;
    }

    private static bool IsOperatorCharacter(char c) => c is '+' or '-' or '*' or '/' or '%' or '=' or '!' or '<' or '>' or '&' or '.';

    /// <summary>
    /// Where 5.1 reports a foreach whose variable has no <c>in</c> after it (After(variable): <c>foreach ($u in$users)</c>
    /// at char 12): the one such foreach in the script's code; null when there is none or more than one.
    /// </summary>
    public static (int Offset, int Length)? PlaceAfterForeachVariable(string script) =>
        PlaceAfterMatch(script, @"(?<![\w-])foreach\s*\(\s*\$[\w:]+(?!\s+in\s)(?![\w:])");

    // Just after the one match of the pattern in the script's code (its strings and comments blanked); null when there
    // is none or more than one. Only a parse error's place is looked for so, once.
    private static (int Offset, int Length)? PlaceAfterMatch(string script, string pattern)
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(CodeOnly(script), pattern,
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return matches.Count == 1 ? (matches[0].Index + matches[0].Length, 0) : null;
    }

    // A switch keyword and its options before a condition's '(' (switch, switch -Regex -CaseSensitive).
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;{}(|=])switch(?:\s+-\w+)*\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SwitchBefore();

    // Whether '(' at i begins an expression by itself: at a statement's or an operand's start (not a method call's,
    // a keyword's or a function's parameter list, whose errors are their own).
    private static bool ExpressionContext(string text, int i)
    {
        var j = i - 1;
        while (j >= 0 && text[j] is ' ' or '\t') j--;
        return j < 0 || text[j] is '=' or '(' or ',' or ';' or '{' or '|' or '+' or '*' or '/' or '%' or '!' or '&' or '\n' or '\r' ||
            // A command's next argument after a parenthesized one (Write-Output (1) (2)).
            text[j] == ')' && j < i - 1 ||
            // The value of a throw, return or exit statement.
            j < i - 1 && FlowKeywordBefore().IsMatch(text.AsSpan(0, j + 1)) ||
            // A cast's operand ([int](1 + 2)).
            text[j] == ']' && TypeLiteralBefore().IsMatch(text.AsSpan(0, j + 1)) ||
            // A command's argument (f(1, 2), Get-Item (1, 2), -Path (...)) or an operator's operand (-eq (...)): after a
            // bare word, not a keyword's condition (if (...), which the statements check), nor a member's (.Name (...)).
            BareWordBefore().Match(text, 0, j + 1) is { Success: true } word && !ParenKeywords.Contains(word.Groups["word"].Value) &&
            !FunctionKeywordBefore().IsMatch(text.AsSpan(0, word.Groups["word"].Index)); // a function's parameter list (function f()
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;{}(])(?:function|filter|workflow|configuration)\s+$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FunctionKeywordBefore();

    // The keywords whose '(' is their own (a condition, a parameter list): the statements report what they leave open.
    private static readonly HashSet<string> ParenKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "if", "elseif", "while", "for", "foreach", "switch", "function", "filter", "workflow", "param", "catch", "until", "trap", "using", "class", "enum", "data",
        "dynamicparam", "begin", "process", "end", "clean", "do", "try", "finally", "else", "configuration", "parallel", "sequence", "inlinescript",
    };

    // A type literal ending the text ([int], [System.IO.Path], [string[]]) at a value's start, not an index ($a[0]).
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s=(,;{|+*/%!])\[\s*[A-Za-z_][\w.]*(?:\[\])?\s*\]$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex TypeLiteralBefore();

    // A bare word ending the text (a command's name or argument, a parameter, an operator) after a token's start.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;{(|])(?<word>-?[A-Za-z][\w\-]*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex BareWordBefore();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;{}(])(?:throw|return|exit)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FlowKeywordBefore();

    // Whether a word of digits, a dot and letters (1.GetType) ends just before i: one generic token, as the tokenizer
    // reads such a number, so a '(' after it is a command's argument, not a method call's.
    private static bool NumberWordBefore(string text, int i)
    {
        var start = i;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '.')) start--;
        return start < i && (start == 0 || char.IsWhiteSpace(text[start - 1]) || text[start - 1] is ';' or '{' or '(' or '|' or '=' or ',') && IsNumberWord(text[start..i]);
    }

    // A class's header ending the text (class Config, class B : A, IComparable): the '{' after it opens the body.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;{}])class\s+\w+(?:\s*:\s*[\w.]+(?:\s*,\s*[\w.]+)*)?\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ClassHeaderBefore();

    /// <summary>
    /// Whether the text starts with digits, a dot and a letter that make no number (3.Count, 1.GetType): one generic
    /// token to PowerShell's tokenizer, which ends a number at a dot only after a point, exponent, suffix or multiplier.
    /// </summary>
    public static bool IsNumberWord(string text)
    {
        var t = text.AsSpan().Trim();
        var i = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
        if (i == 0 || i + 1 >= t.Length || t[i] != '.' || !(char.IsAsciiLetter(t[i + 1]) || t[i + 1] == '_')) return false;
        var end = i + 1;
        while (end < t.Length && (char.IsAsciiLetterOrDigit(t[end]) || t[end] == '_')) end++;
        // 1.e3, 1.d, 1.kb are numbers.
        return ScriptExpressions.NumberLiteral(t[..end].ToString()) is null;
    }

    // Whether the code between brackets is only blanks and comments.
    private static bool IsBlankCode(ReadOnlySpan<char> code)
    {
        var i = 0;
        while (i < code.Length)
        {
            if (char.IsWhiteSpace(code[i])) i++;
            else if (code[i..] is ['<', '#', ..] && code[(i + 2)..].IndexOf("#>", StringComparison.Ordinal) is var close and >= 0) i += close + 4;
            else if (code[i] == '#' && code[i..].IndexOfAny('\r', '\n') is var lineEnd) i = lineEnd < 0 ? code.Length : i + lineEnd;
            else return false;
        }

        return true;
    }

    // Whether '(' at i opens a method call's arguments: right after a member name read with '.' or '::' ($x.Trim(,
    // [math]::Round().
    private static bool MethodCallContext(string text, int i)
    {
        var j = i - 1;
        while (j >= 0 && (char.IsLetterOrDigit(text[j]) || text[j] == '_')) j--;
        return j < i - 1 && j >= 0 && text[j] == '.' || (j >= 1 && text[j] == ':' && text[j - 1] == ':' && j < i - 1);
    }

    // The ')' that closes a string's $( ) whose code starts at from, as the tokenizer counts parentheses (a `" or "" is
    // one quote, skipped whole); -1 when none does.
    private static int SubexpressionClose(string text, int from)
    {
        var depth = 1;
        for (var k = from; k < text.Length; k++)
        {
            var c = text[k];
            if ((c == '`' || IsDoubleQuote(c)) && k + 1 < text.Length && IsDoubleQuote(text[k + 1]))
            {
                k++;
                continue;
            }

            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return k;
        }

        return -1;
    }

    // Where a ${name} at i ends (after its '}'): any character but an unescaped '}' (${env:ProgramFiles(x86)}); -1
    // when it does not close.
    private static int BracedVariableEnd(string text, int i)
    {
        var j = i + 2;
        while (j < text.Length && text[j] != '}') j += text[j] == '`' ? 2 : 1;
        return j < text.Length ? j + 1 : -1;
    }

    private static void SkipToLineEnd(string text, ref int i)
    {
        while (i < text.Length && text[i] is not ('\n' or '\r')) i++;
    }

    // A '...' string (a doubled quote is one quote); false when it does not close.
    private static bool SkipSingleQuoted(string text, ref int i)
    {
        var j = i + 1;
        while (j < text.Length)
        {
            if (IsSingleQuote(text[j]))
            {
                if (j + 1 < text.Length && IsSingleQuote(text[j + 1]))
                {
                    j += 2;
                    continue;
                }

                i = j + 1;
                return true;
            }

            j++;
        }

        return false;
    }

    // A "..." string: escapes, doubled quotes, ${name} and $( ) subexpressions (code, strings and all); null when it
    // closes, else how the scan ended.
    private static ScanEnd? SkipDoubleQuoted(string text, ref int i, ref int lastTokenEnd, int depth)
    {
        if (depth > MaxUnclosedScanDepth) return ScanEnd.Unknown;
        var j = i + 1;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '`')
            {
                j += 2;
                continue;
            }

            if (IsDoubleQuote(c))
            {
                if (j + 1 < text.Length && IsDoubleQuote(text[j + 1]))
                {
                    j += 2;
                    continue;
                }

                i = j + 1;
                return null;
            }

            if (c == '$' && j + 1 < text.Length && text[j + 1] == '(')
            {
                // Tokenizer.ScanSubExpression ends the $( ) at the ')' that balances its parentheses, whatever quotes
                // they are in ("$('(')" does not close), then the parser reads the code up to it.
                var close = SubexpressionClose(text, j + 2);
                if (close < 0)
                {
                    return new ScanEnd([new(j, text.Length - j, "$(subexpression) is missing the closing ')'.", "IncompleteDollarSubexpressionReference"), Terminator(text, i, "\"")]);
                }

                var code = text[..(close + 1)];
                j += 2;
                var end = ScanCode(code, ref j, ref lastTokenEnd, closeOnParen: true, depth + 1);
                if (!ReferenceEquals(end, ScanEnd.Closed)) return end;
                if (j != close + 1) return ScanEnd.Unknown;
                continue;
            }

            if (c == '$' && j + 1 < text.Length && text[j + 1] == '{')
            {
                j = BracedVariableEnd(text, j);
                if (j < 0) return ScanEnd.Unknown;
                continue;
            }

            j++;
        }

        return new ScanEnd([Terminator(text, i, "\"")]);
    }
}
