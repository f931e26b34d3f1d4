namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Splits script text into its top-level statements (at ';' and line ends outside quotes, brackets and braces; a
/// line ending in '|' or '`' goes on), so a script no rule matches whole runs statement by statement.
/// </summary>
internal static partial class Statements
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
                    // A block statement ends at its closing brace: what follows on the same line is a statement of its
                    // own ("if (...) { exit 0 } exit 1", as Vagrant writes it and PowerShell's parser reads it).
                    if (c == '}' && depth == 0 && EndsBlockStatement(text, start, i))
                    {
                        Add(text[start..(i + 1)]);
                        start = i + 1;
                    }

                    break;
                case ';' when depth == 0:
                    Add(text[start..i]);
                    start = i + 1;
                    break;
                case '\n' when depth == 0:
                    // A line ending in | or a comma goes on, as PowerShell reads it; in an expression (an assignment, a sum)
                    // so does one ending in = or +, which want what follows (in a command's arguments they are text), but
                    // not one ending in ++, the increment that is a statement of its own ($attempt++ in a retry loop).
                    if ((lastNonBlank >= start && (text[lastNonBlank] is '|' or ',' ||
                            (text[lastNonBlank] is '=' or '+' && !(text[lastNonBlank] == '+' && lastNonBlank > start && text[lastNonBlank - 1] == '+') &&
                             !ScriptExpressions.IsCommandMode(text[start..lastNonBlank])))) ||
                        NextLineStartsWithPipe(text, i, ref blankRunEnd)) break;
                    // "}" then "else" or "elseif" on a later line: the same if statement, as PowerShell's parser reads it.
                    if (lastNonBlank >= start && text[lastNonBlank] == '}' && NextLineStartsWithElse(text, blankRunEnd)) break;
                    // A keyword's block opening on a later line ("if (...)", then "{" below it, as scripts written brace-on-its-own-line
                    // have it): the same statement.
                    if (lastNonBlank >= start && text[lastNonBlank] != '}' && blankRunEnd < text.Length && text[blankRunEnd] == '{' &&
                        WaitsForBlock(text.AsSpan(start, lastNonBlank + 1 - start).TrimStart())) break;
                    // An enum's attribute on a line of its own ("[Flags()]", then "enum Name { }" below it): the same statement.
                    if (lastNonBlank >= start && text[lastNonBlank] == ']' && blankRunEnd < text.Length && StartsWithKeyword(text.AsSpan(blankRunEnd), "enum") &&
                        IsEnumDefinition(text[start..(lastNonBlank + 1)].TrimStart() + " enum")) break;
                    // "do { }" then "while (...)" or "until (...)" on a later line: the same do loop.
                    if (lastNonBlank >= start && text[lastNonBlank] == '}' && StartsWithKeyword(text.AsSpan(start).TrimStart(), "do") &&
                        blankRunEnd < text.Length && (StartsWithKeyword(text.AsSpan(blankRunEnd), "while") || StartsWithKeyword(text.AsSpan(blankRunEnd), "until"))) break;
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

    /// <summary>
    /// <c>return</c>, with the value returned past any further returns (<c>return return ... x</c> returns x): the words
    /// taken off in one pass over the text, so that thousands of them cost no more than one copy.
    /// </summary>
    public static bool IsReturnChain(string statement, out string value)
    {
        value = string.Empty;
        var text = statement.AsSpan().Trim();
        var found = false;
        while (text.StartsWith("return", StringComparison.OrdinalIgnoreCase) && (text.Length == "return".Length || char.IsWhiteSpace(text["return".Length])))
        {
            text = text["return".Length..].TrimStart();
            found = true;
        }

        if (found) value = text.ToString();
        return found;
    }

    /// <summary><c>throw</c>, with the value thrown (empty: none).</summary>
    public static bool IsThrow(string statement, out string value) => IsKeywordStatement(statement, "throw", out value);

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

    /// <summary>One clause of an if statement: its condition (null for else) and its block's statements.</summary>
    internal sealed record IfClause(string? Condition, string Body);

    /// <summary>
    /// An <c>if (...) { } elseif (...) { } else { }</c> statement: its clauses in order; null when the statement does not
    /// start with the keyword. A statement that starts with it but is not whole gets the parse error PowerShell gives.
    /// </summary>
    public static List<IfClause>? ParseIf(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "if")) return null;
        var clauses = new List<IfClause>();
        var i = 2;
        var keyword = "if";
        var conditionClose = -1;
        while (true)
        {
            string? condition = null;
            if (keyword != "else")
            {
                i = SkipBlank(text, i);
                if (i >= text.Length || text[i] != '(') throw IncompleteAt(text, i, $"Missing '(' after '{keyword}' in if statement.", "MissingOpenParenthesisInIfStatement");
                var close = MatchingClose(text, i, ')');
                // IfStatementRule reports the token found instead of ')': the end-of-input token, one past the end.
                if (close < 0)
                {
                    throw OperandMissingAtEnd(text) ?? new ScriptParseException(ScriptedError.ParseError("Missing closing ')' after expression in 'if' statement.", "MissingEndParenthesisAfterStatement",
                        script => script.EndsWith(text, StringComparison.Ordinal) ? (script.Length + 1, 0) : null));
                }

                condition = text[(i + 1)..close].Trim();
                conditionClose = close;
                if (condition.Length == 0) throw IncompleteAt(text, i + 1, $"Missing condition in if statement after '{keyword} ('.", "IfStatementMissingCondition");
                i = close + 1;
            }

            i = SkipBlank(text, i);
            var end = BlockEnd(text, i);
            if (end < 0)
            {
                throw keyword == "else"
                    ? IncompleteAt(text, i, "Missing statement block after 'else' keyword.", "MissingStatementBlockAfterElse")
                    // On the condition's ')'.
                    : new ScriptParseException(ScriptedError.ParseError($"Missing statement block after {keyword} ( condition ).", "MissingStatementBlock",
                        script => PlaceInStatement(script, text, conditionClose, 1)));
            }

            clauses.Add(new IfClause(condition, text[(i + 1)..end].Trim()));
            i = SkipBlank(text, end + 1);
            if (i >= text.Length) return clauses;
            if (keyword == "else") throw UnexpectedTokenAt(text, i);
            if (StartsWithKeyword(text.AsSpan(i), "elseif"))
            {
                keyword = "elseif";
                i += 6;
            }
            else if (StartsWithKeyword(text.AsSpan(i), "else"))
            {
                keyword = "else";
                i += 4;
            }
            else
            {
                throw UnexpectedTokenAt(text, i);
            }
        }
    }

    /// <summary>
    /// A <c>while (condition) { }</c>, <c>do { } while (condition)</c>, <c>do { } until (condition)</c> or
    /// <c>for (initializer; condition; iterator) { }</c> loop. An empty condition of a for loop is true.
    /// </summary>
    internal sealed record LoopStatement(string Keyword, string Body, string? Condition, bool ConditionFirst, bool Until, string? Initializer = null, string? Iterator = null);

    /// <summary>
    /// A statement that starts with the keyword for, foreach, do, try or trap without what must follow it, which the
    /// keyword parses above leave to the commands (they take those keywords only with their '(' or '{'):
    /// 5.1's parse error, placed just after the keyword when the script has it once. Nothing for any other statement.
    /// </summary>
    public static void CheckKeywordWithoutItsParts(string statement)
    {
        var text = statement.Trim();
        if (KeywordAlone(text, "trap"))
        {
            ParseTrap(text);
            return;
        }

        var (keyword, message, id) = KeywordAlone(text, "for") && (SkipBlank(text, 3) is var paren && (paren >= text.Length || text[paren] != '('))
                ? ("for", "Missing opening '(' after keyword 'for'.", "MissingOpenParenthesisAfterKeyword")
            // At a statement's start foreach is the keyword (ForEach-Object's alias only after a pipe: 1..3 | foreach { }).
            : KeywordAlone(text, "foreach") && (SkipBlank(text, 7) is var header && (header >= text.Length || text[header] != '('))
                ? ("foreach", "Missing opening '(' after keyword 'foreach'.", "MissingOpenParenthesisAfterKeyword")
            : KeywordAlone(text, "do") && (SkipBlank(text, 2) is var body && (body >= text.Length || text[body] != '{'))
                ? ("do", "Missing statement body in do loop.", "MissingLoopStatement")
            : KeywordAlone(text, "try") && (SkipBlank(text, 3) is var block && (block >= text.Length || text[block] != '{'))
                ? ("try", MissingTryStatementBlockMessage, "MissingTryStatementBlock")
            : default;
        if (keyword is not null) throw new ScriptParseException(ScriptedError.ParseError(message, id, script => PlaceAfterKeyword(script, keyword)));
    }

    // What a header's '(' at open holds: up to its ')' at close, or to the end when it has none (the parser reads the
    // header's parts before it looks for the ')').
    private static string HeaderText(string text, int open, int close) => close < 0 ? text[(open + 1)..] : text[(open + 1)..close];

    // The keyword as a token of its own: what follows it ends a token (for.exe and do-it are commands' names).
    private static bool KeywordAlone(string text, string keyword) =>
        StartsWithKeyword(text, keyword) && (text.Length == keyword.Length || char.IsWhiteSpace(text[keyword.Length]) || text[keyword.Length] is '(' or '{' or ';' or '}' or '|');

    private const string MissingTryStatementBlockMessage = "The Try statement is missing its statement block.";

    // Just after the keyword, when the script's code has it once as a word (After(keyword), as the parser reports it).
    private static (int Offset, int Length)? PlaceAfterKeyword(string script, string keyword) =>
        PlaceAfterMatch(script, $@"(?<![\w$.-]){keyword}(?![\w.-])");

    /// <summary>
    /// A pipeline with an expression after a pipe (<c>Get-Process | $_.Name</c>, <c>1 | 'x'</c>): 5.1's
    /// ExpressionsMustBeFirstInPipeline, on the expression, as PipelineRule reports it. Nothing for any other statement.
    /// </summary>
    public static void CheckPipelineElements(string statement)
    {
        if (!ScriptExpressions.HasPipeline(statement)) return;
        var elements = SplitTopLevel(statement, c => c == '|');
        foreach (var element in elements.Skip(1).Select(e => e.Trim()))
        {
            CheckCallOperatorAlone(element);
            if (element.Length == 0 || !StartsAsExpression(element)) continue;
            throw new ScriptParseException(ScriptedError.ParseError("Expressions are only allowed as the first element of a pipeline.", "ExpressionsMustBeFirstInPipeline",
                script => System.Text.RegularExpressions.Regex.Matches(script, @"\|[ \t]*" + System.Text.RegularExpressions.Regex.Escape(element)) is { Count: 1 } found
                    ? (found[0].Index + found[0].Length - element.Length, element.Length)
                    : null));
        }
    }

    // Whether a pipeline element begins with an expression rather than a command's name: a string, a variable, a
    // parenthesis, a subexpression or array, a hash literal, a type, or a number that is a whole token (7z is a command).
    private static bool StartsAsExpression(string element) =>
        IsSingleQuote(element[0]) || IsDoubleQuote(element[0]) || element[0] is '$' or '(' or '[' ||
        element.Length > 1 && element[0] == '@' && element[1] is '(' or '{' or '\'' or '"' ||
        NumberToken().IsMatch(element);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]+(?:\.[0-9]+)?[dl]?(?:[kmgtp]b)?(?=$|[\s;),}])", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex NumberToken();

    /// <summary>The while, do or for loop; null when the statement does not start with one of those keywords.</summary>
    public static LoopStatement? ParseLoop(string statement)
    {
        var text = statement.Trim();
        if (StartsWithKeyword(text, "while"))
        {
            var (condition, after) = Parenthesized(text, 5, "while");
            var (body, end) = Block(text, after, "while");
            ExpectEnd(text, end);
            return new LoopStatement("while", body, condition, ConditionFirst: true, Until: false);
        }

        if (StartsWithKeyword(text, "do") && SkipBlank(text, 2) is var open && open < text.Length && text[open] == '{')
        {
            var (body, end) = Block(text, open, "do");
            var i = SkipBlank(text, end);
            var until = StartsWithKeyword(text.AsSpan(i), "until");
            if (!until && !StartsWithKeyword(text.AsSpan(i), "while"))
            {
                throw IncompleteAt(text, i, "Missing while or until keyword in do loop.", "MissingWhileOrUntilInDoWhile");
            }

            var keyword = until ? "until" : "while";
            var (condition, after) = Parenthesized(text, i + keyword.Length, keyword);
            ExpectEnd(text, after);
            return new LoopStatement("do", body, condition, ConditionFirst: false, Until: until);
        }

        if (StartsWithKeyword(text, "for") && SkipBlank(text, 3) is var paren && paren < text.Length && text[paren] == '(')
        {
            var close = MatchingClose(text, paren, ')');
            if (close < 0) throw IncompleteAt(text, text.Length, "Missing closing ')' after expression in 'for' statement.", "MissingEndParenthesisAfterStatement");
            var parts = SplitForHeader(text[(paren + 1)..close]);
            var (body, end) = Block(text, close + 1, "for");
            ExpectEnd(text, end);
            return new LoopStatement("for", body, parts[1].Length == 0 ? null : parts[1], ConditionFirst: true, Until: false, parts[0], parts[2]);
        }

        return null;

        static (string Condition, int After) Parenthesized(string text, int i, string keyword)
        {
            i = SkipBlank(text, i);
            if (i >= text.Length || text[i] != '(') throw IncompleteAt(text, i, $"Missing opening '(' after keyword '{keyword}'.", "MissingOpenParenthesisAfterKeyword");
            var close = MatchingClose(text, i, ')');
            // The condition is read before the ')' is looked for: none at all is its error first (while (, while ()).
            var condition = HeaderText(text, i, close).Trim();
            if (condition.Length == 0) throw IncompleteAt(text, i + 1, $"Missing expression after '{keyword}' in loop.", "MissingExpressionAfterKeyword");
            if (close < 0) throw OperandMissingAtEnd(text) ?? IncompleteAt(text, text.Length, $"Missing closing ')' after expression in '{keyword}' statement.", "MissingEndParenthesisAfterStatement");
            return (condition, close + 1);
        }

        static (string Body, int End) Block(string text, int i, string keyword)
        {
            i = SkipBlank(text, i);
            var end = BlockEnd(text, i);
            if (end < 0) throw IncompleteAt(text, i, $"Missing statement body in {keyword} loop.", "MissingLoopStatement");
            return (text[(i + 1)..end].Trim(), end + 1);
        }

        static void ExpectEnd(string text, int i)
        {
            i = SkipBlank(text, i);
            if (i < text.Length) throw UnexpectedTokenAt(text, i);
        }
    }

    // A for loop's header: three parts at its top-level semicolons (each may be empty).
    private static string[] SplitForHeader(string header)
    {
        var parts = SplitTopLevel(header, c => c is ';' or '\n').Select(p => p.Trim()).ToList();
        while (parts.Count < 3) parts.Add(string.Empty);
        if (parts.Count > 3) throw new ScriptParseException(ScriptedError.ParseError("Missing closing ')' after expression in 'for' statement.", "MissingEndParenthesisAfterStatement"));
        return [.. parts];
    }

    /// <summary>A <c>function Name { }</c> (or <c>function Name($a, $b) { }</c>) definition: its name and body (the
    /// parenthesized parameters as the body's param block).</summary>
    /// <param name="Global">Written <c>function global:Name</c> or <c>script:Name</c>: the session's, from any scope.</param>
    internal sealed record FunctionDefinition(string Name, string Body, bool Global = false);

    /// <summary>The function definition, or null when the statement does not start with <c>function</c> or <c>filter</c>.</summary>
    public static FunctionDefinition? ParseFunction(string statement)
    {
        var text = statement.Trim();
        var filter = StartsWithKeyword(text, "filter");
        if (!filter && !StartsWithKeyword(text, "function")) return null;
        var m = FunctionHeader().Match(text);
        if (!m.Success) throw IncompleteAt(text, filter ? 6 : 8, $"Missing name after {(filter ? "filter" : "function")} keyword.", "MissingNameAfterKeyword");
        var i = m.Length;
        var parameters = string.Empty;
        if (i < text.Length && text[i] == '(')
        {
            var close = MatchingClose(text, i, ')');
            if (close < 0) throw new ScriptParseException(ScriptedError.ParseError("Missing ')' in function parameter list.", "MissingEndParenthesisInFunctionParameterList"));
            parameters = "param" + text[i..(close + 1)] + " ";
            i = SkipBlank(text, close + 1);
        }

        var end = BlockEnd(text, i);
        if (end < 0) throw IncompleteAt(text, i, "Missing function body in function declaration.", "MissingFunctionBody");
        if (SkipBlank(text, end + 1) < text.Length) throw UnexpectedTokenAt(text, SkipBlank(text, end + 1));
        // A filter is a function whose body is its process block: it runs once per pipeline object.
        var body = text[(i + 1)..end].Trim();
        return new FunctionDefinition(m.Groups["name"].Value, parameters + (filter ? "process {\n" + body + "\n}" : body),
            m.Groups["scope"].Value is { Length: > 0 } named && !named.Equals("local", StringComparison.OrdinalIgnoreCase));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A(?:function|filter)\s+(?:(?<scope>global|script|local):)?(?<name>[A-Za-z_][\w.-]*)\s*",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FunctionHeader();

    /// <summary>
    /// A command's arguments: the text after its name split at top-level white space (quotes, brackets and braces
    /// kept whole), as PowerShell's command mode reads them.
    /// </summary>
    public static List<string> SplitArguments(string text)
    {
        var arguments = SplitTopLevel(text, char.IsWhiteSpace).Where(a => a.Length > 0).ToList();

        // "a, b" and "a ,b" are one argument, an array, as command mode reads a comma.
        for (var i = arguments.Count - 2; i >= 0; i--)
        {
            if (arguments[i].EndsWith(',') || arguments[i + 1].StartsWith(','))
            {
                arguments[i] += " " + arguments[i + 1];
                arguments.RemoveAt(i + 1);
            }
        }

        return arguments;
    }

    /// <summary>One clause of a switch: its test (a value's text, a script block's condition, or default) and block.</summary>
    internal sealed record SwitchClause(string Test, bool IsCondition, bool IsDefault, string Body);

    /// <summary>A <c>switch [-Regex|-Wildcard|-Exact] [-CaseSensitive] (value) { clauses }</c> statement.</summary>
    internal sealed record SwitchStatement(string Value, bool Regex, bool Wildcard, bool CaseSensitive, IReadOnlyList<SwitchClause> Clauses)
    {
        /// <summary><c>switch -File path</c>: the path's word (its lines are the values); null for a switch of a value.</summary>
        public string? File { get; init; }
    }

    /// <summary>The switch statement, or null when the statement does not start with the keyword.</summary>
    public static SwitchStatement? ParseSwitch(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "switch")) return null;
        var i = SkipBlank(text, 6);
        bool regex = false, wildcard = false, caseSensitive = false;
        string? file = null;
        while (i < text.Length && text[i] == '-')
        {
            var end = i + 1;
            while (end < text.Length && char.IsLetter(text[end])) end++;
            // The parser takes a flag's prefix (-r, -c, -w), as a parameter's.
            var written = text[(i + 1)..end];
            var option = written.Length == 0 ? written : Array.Find(SwitchFlags, f => f.StartsWith(written, StringComparison.OrdinalIgnoreCase)) ?? written;
            switch (option)
            {
                case "regex": regex = true; break;
                case "wildcard": wildcard = true; break;
                case "exact": regex = wildcard = false; break;
                case "casesensitive": caseSensitive = true; break;
                case "file":
                {
                    // -File takes the next word: a quoted path, a variable or a bare path.
                    var start = SkipBlank(text, end);
                    end = start < text.Length && text[start] is '\'' or '"' ? SkipQuotedOrEscaped(text, start) + 1 : start;
                    while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '{') end++;
                    if (end == start) throw new ScriptParseException(ScriptedError.ParseError("Cannot process the 'switch' statement because of a missing file name argument to the -file option.", "MissingFilenameOption"));
                    file = text[start..end];
                    break;
                }

                default:
                    var flag = (At: i, Length: end - i);
                    throw new ScriptParseException(ScriptedError.ParseError($"The parameter {written} is not valid for the switch statement.", "InvalidSwitchFlag",
                        script => PlaceInStatement(script, text, flag.At, flag.Length)));
            }

            i = SkipBlank(text, end);
        }

        string value;
        if (file is not null)
        {
            value = string.Empty;
        }
        else
        {
            if (i >= text.Length || text[i] != '(') throw IncompleteAt(text, i, PipelineValueRequiredMessage, "PipelineValueRequired");
            var close = MatchingClose(text, i, ')');
            // The condition is read before the ')' is looked for: none at all is its error first (switch (, switch ()).
            if (HeaderText(text, i, close).Trim().Length == 0)
            {
                throw IncompleteAt(text, i + 1, PipelineValueRequiredMessage, "PipelineValueRequired");
            }

            if (close < 0) throw IncompleteAt(text, text.Length, "Missing ')' after expression in switch statement.", "MissingEndParenthesisInSwitchStatement");
            value = text[(i + 1)..close].Trim();
            i = SkipBlank(text, close + 1);
        }

        var bodyEnd = BlockEnd(text, i);
        if (bodyEnd < 0) throw IncompleteAt(text, i, "Missing '{' in switch statement.", "MissingCurlyBraceInSwitchStatement");
        if (SkipBlank(text, bodyEnd + 1) < text.Length) throw UnexpectedTokenAt(text, SkipBlank(text, bodyEnd + 1));

        var clauses = new List<SwitchClause>();
        var j = i + 1;
        while (true)
        {
            j = SkipBlankAndSeparators(text, j, bodyEnd);
            if (j >= bodyEnd) break;
            string test;
            var isCondition = false;
            if (text[j] == '{')
            {
                var conditionEnd = MatchingClose(text, j, '}');
                if (conditionEnd < 0 || conditionEnd >= bodyEnd) throw MissingClauseBlock();
                test = text[(j + 1)..conditionEnd].Trim();
                isCondition = true;
                j = conditionEnd + 1;
            }
            else if (text[j] == '(')
            {
                // A parenthesized expression's value is the clause's test value, compared as a word's would be.
                var parenEnd = MatchingClose(text, j, ')');
                if (parenEnd < 0 || parenEnd >= bodyEnd) throw MissingClauseBlock();
                test = text[j..(parenEnd + 1)];
                j = parenEnd + 1;
            }
            else if (text[j] is '\'' or '"')
            {
                var quoteEnd = SkipQuotedOrEscaped(text, j);
                if (quoteEnd >= bodyEnd) throw MissingClauseBlock();
                test = text[j..(quoteEnd + 1)];
                j = quoteEnd + 1;
            }
            else
            {
                var wordEnd = j;
                while (wordEnd < bodyEnd && !char.IsWhiteSpace(text[wordEnd]) && text[wordEnd] != '{') wordEnd++;
                test = text[j..wordEnd];
                j = wordEnd;
            }

            j = SkipBlank(text, j);
            var blockEnd = j < bodyEnd && text[j] == '{' ? MatchingClose(text, j, '}') : -1;
            // After the clause's test, the last token read.
            if (blockEnd < 0 || blockEnd >= bodyEnd) throw IncompleteAt(text, j, MissingClauseBlockMessage, "MissingSwitchStatementClause");
            var isDefault = !isCondition && test.Equals("default", StringComparison.OrdinalIgnoreCase);
            clauses.Add(new SwitchClause(test, isCondition, isDefault, text[(j + 1)..blockEnd].Trim()));
            j = blockEnd + 1;
        }

        return new SwitchStatement(value, regex, wildcard, caseSensitive, clauses) { File = file };

        static ScriptParseException MissingClauseBlock() => new(ScriptedError.ParseError(MissingClauseBlockMessage, "MissingSwitchStatementClause"));
    }

    private const string MissingClauseBlockMessage = "Missing statement block in switch statement clause.";

    private static int SkipBlankAndSeparators(string text, int i, int end)
    {
        while (i < end && (char.IsWhiteSpace(text[i]) || text[i] == ';')) i++;
        return i;
    }

    /// <summary>A catch clause: the exception types it names (none: every error) and its block.</summary>
    internal sealed record CatchClause(IReadOnlyList<string> Types, string Body);

    /// <summary>A <c>try { } catch [Type] { } finally { }</c> statement.</summary>
    internal sealed record TryStatement(string Body, IReadOnlyList<CatchClause> Catches, string? Finally);

    /// <summary>
    /// The keyword statement the text is (if, foreach, while/do/for, try, switch, function or filter): its parse, or
    /// null for any other statement; a statement PowerShell's parser refuses throws its <see cref="ScriptParseException"/>.
    /// </summary>
    public static object? ParseKeyword(string text) =>
        (object?)ParseIf(text) ?? (object?)ParseForeach(text) ?? (object?)ParseLoop(text) ?? (object?)ParseTry(text) ?? (object?)ParseSwitch(text) ?? ParseFunction(text);

    /// <summary>The try statement, or null when the statement does not start with the keyword and a block.</summary>
    public static TryStatement? ParseTry(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "try")) return null;
        var open = SkipBlank(text, 3);
        if (open >= text.Length || text[open] != '{') return null;
        var end = BlockEnd(text, open);
        var body = text[(open + 1)..end].Trim();
        var catches = new List<CatchClause>();
        string? @finally = null;
        var i = SkipBlank(text, end + 1);
        while (i < text.Length && StartsWithKeyword(text.AsSpan(i), "catch"))
        {
            i = SkipBlank(text, i + 5);
            var types = new List<string>();
            while (BracketedType(text, ref i) is { } type)
            {
                types.Add(type);
                if (i < text.Length && text[i] == ',') i = SkipBlank(text, i + 1);
            }

            var blockEnd = BlockEnd(text, i);
            if (blockEnd < 0) throw IncompleteAt(text, i, "The Catch block is missing its statement block.", "MissingCatchHandlerBlock");
            catches.Add(new CatchClause(types, text[(i + 1)..blockEnd].Trim()));
            i = SkipBlank(text, blockEnd + 1);
            // A catch of every error must be the last: another after it is the parser's error, just after its block.
            if (types.Count == 0 && i < text.Length && StartsWithKeyword(text.AsSpan(i), "catch"))
            {
                throw IncompleteAt(text, blockEnd + 1, "Catch block must be the last catch block.", "EmptyCatchNotLast");
            }
        }

        if (i < text.Length && StartsWithKeyword(text.AsSpan(i), "finally"))
        {
            i = SkipBlank(text, i + 7);
            var blockEnd = BlockEnd(text, i);
            if (blockEnd < 0) throw IncompleteAt(text, i, "The Finally block is missing its statement block.", "MissingFinallyStatementBlock");
            @finally = text[(i + 1)..blockEnd].Trim();
            i = SkipBlank(text, blockEnd + 1);
        }

        if (catches.Count == 0 && @finally is null)
        {
            throw IncompleteAt(text, i, "The Try statement is missing its Catch or Finally block.", "MissingCatchOrFinally");
        }

        if (i < text.Length) throw UnexpectedTokenAt(text, i);
        return new TryStatement(body, catches, @finally);
    }

    /// <summary>
    /// A <c>trap [Type] { body }</c> statement as the catch clause it acts as (no type: every error); null when the
    /// statement does not start with the keyword.
    /// </summary>
    public static CatchClause? ParseTrap(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "trap")) return null;
        var i = SkipBlank(text, 4);
        var types = new List<string>();
        if (BracketedType(text, ref i) is { } type) types.Add(type);

        var end = i < text.Length ? BlockEnd(text, i) : -1;
        if (end < 0)
        {
            // Reported after the trap's type, else after the keyword itself (placed only so).
            throw IncompleteAt(text, i, "The 'trap' statement was incomplete. A trap statement requires a body.", "MissingTrapStatement");
        }

        if (SkipBlank(text, end + 1) < text.Length)
        {
            throw UnexpectedTokenAt(text, SkipBlank(text, end + 1));
        }

        return new CatchClause(types, text[(i + 1)..end].Trim());
    }

    // A [Type] of a catch or trap at i: its name, with i moved past it and the blanks after; null when none opens there.
    // No name is MissingTypename just after the '[', a name not closed by ']' EndSquareBracketExpectedAtEndOfAttribute
    // just after it, as the parser reads the type literal.
    private static string? BracketedType(string text, ref int i)
    {
        if (i >= text.Length || text[i] != '[') return null;
        var start = SkipBlank(text, i + 1);
        var nameEnd = TypeNameEnd(text, start);
        if (nameEnd == start) throw IncompleteAt(text, i + 1, "Missing type name after '['.", "MissingTypename");
        var close = SkipBlank(text, nameEnd);
        if (close >= text.Length || text[close] != ']') throw IncompleteAt(text, nameEnd, "Missing ] at end of attribute or type literal.", "EndSquareBracketExpectedAtEndOfAttribute");
        i = SkipBlank(text, close + 1);
        return text[start..nameEnd];
    }

    // 5.1's texts: PowerShell 6 added a second line to the foreach errors ("The correct form is: foreach ($a in $b) {...}",
    // PowerShell/PowerShell#4950, whose diff shows the one-line values before it).
    private const string MissingVariableNameAfterForeachMessage = "Missing variable name after foreach.";
    private const string MissingForeachExpressionMessage = "Missing expression in foreach loop.";

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*\$(?:(?:global|script|local|private):)?\w", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ForeachVariable();

    private static readonly string[] SwitchFlags = ["regex", "wildcard", "exact", "casesensitive", "file"];

    private const string PipelineValueRequiredMessage = "A switch statement must have one of the following:  '-file file_name' or '( expression )'.";

    /// <summary>A <c>foreach ($name in collection) { body }</c> statement.</summary>
    internal sealed record ForeachStatement(string Variable, string Collection, string Body);

    /// <summary>The foreach statement, or null when the statement does not start with the keyword and a parenthesis.</summary>
    public static ForeachStatement? ParseForeach(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "foreach")) return null;
        var i = SkipBlank(text, 7);
        // Without the parenthesis it is no foreach loop: CheckKeywordWithoutItsParts reports it (after a pipe it is ForEach-Object).
        if (i >= text.Length || text[i] != '(') return null;
        var close = MatchingClose(text, i, ')');
        // The parser reads the header's parts in turn, each missing one its own error, before it looks for the ')'.
        var inside = HeaderText(text, i, close);
        if (!ForeachVariable().IsMatch(inside))
        {
            throw new ScriptParseException(ScriptedError.ParseError(MissingVariableNameAfterForeachMessage, "MissingVariableNameAfterForeach",
                script => PlaceAfterMatch(script, @"(?<![\w$.-])foreach\s*\((?=\s*(?:\)|$))")));
        }

        var header = System.Text.RegularExpressions.Regex.Match(inside,
            @"^\s*\$(?:(?:global|script|local|private):)?(?<name>\w+)\s+in(?:\s+(?<collection>.+?))?\s*$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        if (!header.Success) throw new ScriptParseException(ScriptedError.ParseError("Missing 'in' after variable in foreach loop.", "MissingInInForeach", PlaceAfterForeachVariable));
        if (!header.Groups["collection"].Success)
        {
            throw new ScriptParseException(ScriptedError.ParseError(MissingForeachExpressionMessage, "MissingForeachExpression",
                script => PlaceAfterMatch(script, @"(?<![\w$.-])foreach\s*\(\s*\$[\w:]+\s+in(?=\s*(?:\)|$))")));
        }

        if (close < 0) throw IncompleteAt(text, text.Length, "Missing closing ')' after expression part of foreach loop.", "MissingEndParenthesisAfterForeach");
        var open = SkipBlank(text, close + 1);
        var end = BlockEnd(text, open);
        if (end < 0) throw IncompleteAt(text, open, "Missing statement body in foreach loop.", "MissingForeachStatement");
        if (SkipBlank(text, end + 1) < text.Length) throw UnexpectedTokenAt(text, SkipBlank(text, end + 1));

        return new ForeachStatement(header.Groups["name"].Value, header.Groups["collection"].Value, text[(open + 1)..end].Trim());
    }

    /// <summary>
    /// Whether a statement is PowerShell language rather than a command: an if or foreach statement, break, continue,
    /// or an expression with operators. Such a statement is never looked up as a command.
    /// </summary>
    public static bool IsLanguage(string statement)
    {
        var text = statement.Trim();
        if (StartsWithKeyword(text, "if") || LoopControl(text) is not null || CompoundAssignment(text) is not null || StaticPropertyAssignment(text) is not null) return true;
        // An element's or a property's assignment or step ($a[0]++, $o.Count += 1), alone in a script too.
        if (text.Length > 3 && text[0] is '$' or '+' or '-' && (SteppedMember(text) is not null || ElementAssignmentOf(text) is not null)) return true;
        if (StartsWithKeyword(text, "foreach") && SkipBlank(text, 7) is var open && open < text.Length && text[open] == '(') return true;
        if (StartsWithKeyword(text, "function") || StartsWithKeyword(text, "filter") || StartsWithKeyword(text, "switch")) return true;
        if (IsEnumDefinition(text) || IsClassDefinition(text) || UsingNamespace(text) is not null) return true;
        if (DoubleQuotedBody(text) is { } quoted && quoted.Contains("$(", StringComparison.Ordinal)) return true;
        if (StartsWithKeyword(text, "try") && SkipBlank(text, 3) is var tryBlock && tryBlock < text.Length && text[tryBlock] == '{') return true;
        if (StartsWithKeyword(text, "while") || (StartsWithKeyword(text, "for") && SkipBlank(text, 3) is var paren && paren < text.Length && text[paren] == '(')) return true;
        if (StartsWithKeyword(text, "do") && SkipBlank(text, 2) is var block && block < text.Length && text[block] == '{') return true;
        return ScriptExpressions.IsExpression(text);
    }

    /// <summary>A compound assignment: the variable, the arithmetic operator, and the right-hand side (null for ++ and --).</summary>
    internal sealed record Assignment(string Variable, string Operator, string? Value);

    /// <summary><c>$x += value</c> (also -=, *=, /=, %=), <c>$x++</c>, <c>++$x</c>, <c>$x--</c>, <c>--$x</c>; null for anything else.</summary>
    public static Assignment? CompoundAssignment(string statement)
    {
        var m = CompoundAssignmentSyntax().Match(statement.Trim());
        if (!m.Success) return null;
        var variable = m.Groups["var"].Success ? m.Groups["var"].Value : m.Groups["pre"].Value;
        if (m.Groups["step"].Success) return new Assignment(variable, m.Groups["step"].Value[..1], null);
        if (m.Groups["prestep"].Success) return new Assignment(variable, m.Groups["prestep"].Value[..1], null);
        return new Assignment(variable, m.Groups["op"].Value, m.Groups["value"].Value.Trim());
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?:\$(?<var>(?:(?:global|script|local|private|env):)?\w+)\s*(?:(?<op>[-+*/%])=\s*(?<value>\S.*)|(?<step>\+\+|--))|(?<prestep>\+\+|--)\$(?<pre>(?:(?:global|script|local|private):)?\w+))$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CompoundAssignmentSyntax();

    /// <summary>
    /// <c>$h[$k]++</c>, <c>$o.N--</c>, <c>++$a[0]</c> (an element's or a property's ++ or --, as a statement: it writes
    /// nothing) as the compound assignment it is, <c>$h[$k] += 1</c>; null for anything else (a plain variable's ++ is
    /// <see cref="CompoundAssignment"/>'s).
    /// </summary>
    public static string? SteppedMember(string statement)
    {
        var text = statement.Trim();
        // [Counter]::Count++ / --[Counter]::Count: a static property stepped, as its compound assignment.
        if (text.Length > 6 && StaticSteppedSyntax().Match(text) is { Success: true } stepped)
        {
            return $"{stepped.Groups["target"].Value} {(stepped.Groups["step"].Success ? stepped.Groups["step"].Value : stepped.Groups["prestep"].Value)[0]}= 1";
        }

        if (text.Length < 5 || !text.Contains('$', StringComparison.Ordinal)) return null;
        var m = SteppedMemberSyntax().Match(text);
        if (!m.Success) return null;
        var target = m.Groups["post"].Success ? m.Groups["post"].Value : m.Groups["pre"].Value;
        var step = m.Groups["step"].Success ? m.Groups["step"].Value : m.Groups["prestep"].Value;
        // The target is one expression: its brackets balanced, no blank outside them (not "$a ++" or a command's argument).
        var depth = 0;
        foreach (var c in target)
        {
            depth += c switch { '[' or '(' => 1, ']' or ')' => -1, _ => 0 };
            if (depth < 0 || depth == 0 && char.IsWhiteSpace(c)) return null;
        }

        return depth == 0 ? $"{target} {step[0]}= 1" : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?:(?<post>\$\w+(?::\w+)?(?:\[.+\]|\.\w+)+)(?<step>\+\+|--)|(?<prestep>\+\+|--)(?<pre>\$\w+(?::\w+)?(?:\[.+\]|\.\w+)+))$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SteppedMemberSyntax();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?<target>\[[A-Za-z_][\w.]*\]::[A-Za-z_]\w*)(?<step>\+\+|--)|(?<prestep>\+\+|--)(?<target>\[[A-Za-z_][\w.]*\]::[A-Za-z_]\w*))$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex StaticSteppedSyntax();

    /// <summary>
    /// The value of a plain assignment <c>$x = value</c> (also <c>$script:x = ...</c>), as the default rules' assignment
    /// takes it; null for anything else.
    /// </summary>
    public static string? AssignedValue(string statement)
    {
        var m = AssignmentSyntax().Match(statement.Trim());
        return m.Success ? m.Groups["value"].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^\$(?<var>(?:(?:global|script|local|private|variable|function|alias):)?\w+)\s*=(?!=)\s*(?<value>\S.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AssignmentSyntax();

    /// <summary>
    /// The variable an assignment sets, as written (<c>$x</c>, <c>$script:x</c>): of <c>$x = v</c>, <c>[int]$x = v</c>
    /// and <c>$x += v</c> (and the other compound operators); null for any other statement.
    /// </summary>
    public static string? AssignedVariable(string statement) =>
        AssignmentSyntax().Match(statement.Trim()) is { Success: true } plain ? "$" + plain.Groups["var"].Value
        : TypedAssignment(statement) is var (_, typed, _) ? "$" + typed
        : AttributedAssignment(statement) is var (_, _, attributed, _) ? "$" + attributed
        : CompoundAssignment(statement) is { Value: not null } compound ? "$" + compound.Variable
        : null;

    /// <summary>
    /// A statement with its braced variables (<c>${name}</c>, outside strings, which expand them themselves) written as
    /// the emulator reads variables: <c>${x}</c> and <c>${env:Path}</c> as <c>$x</c> and <c>$env:Path</c>; an environment
    /// variable whose name has other characters (<c>${env:ProgramFiles(x86)}</c>) as the process variable's value; other
    /// names (<c>${my var}</c>) as <see cref="BracedVariableNames"/> writes them; a provider path (<c>${C:\a.txt}</c>) is
    /// left as written.
    /// </summary>
    public static string BracedVariables(string statement)
    {
        if (!statement.Contains("${", StringComparison.Ordinal)) return statement;
        var result = new System.Text.StringBuilder(statement.Length);
        for (var i = 0; i < statement.Length; i++)
        {
            var c = statement[i];
            if (c is '\'' or '"' or '`')
            {
                var end = Math.Min(SkipQuotedOrEscaped(statement, i), statement.Length - 1);
                result.Append(statement, i, end - i + 1);
                i = end;
                continue;
            }

            // Not inside a bare word (pre${x}post expands as a string does, which reads the braces itself).
            if (c == '$' && i + 1 < statement.Length && statement[i + 1] == '{' && statement.IndexOf('}', i + 2) is var close and > 0 &&
                (i == 0 || !(char.IsLetterOrDigit(statement[i - 1]) || statement[i - 1] is '_' or '\\' or '.' or ':')) &&
                (close + 1 >= statement.Length || !(char.IsLetterOrDigit(statement[close + 1]) || statement[close + 1] is '_' or '\\')))
            {
                var name = statement[(i + 2)..close];
                if (BracedSimpleName().IsMatch(name))
                {
                    result.Append('$').Append(name);
                    i = close;
                    continue;
                }

                if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase) && name.Length > 4 && name.AsSpan(4).IndexOfAny("'{}") < 0)
                {
                    result.Append("([Environment]::GetEnvironmentVariable('").Append(name.AsSpan(4)).Append("'))");
                    i = close;
                    continue;
                }

                if (BracedVariable(statement, i) is var (encoded, _))
                {
                    result.Append('$').Append(encoded);
                    i = close;
                    continue;
                }

                // ${C:\x.txt}: a FileSystem path's content, as GetVariableValueFromProvider reads it (no line $null, one
                // the string, more an array; nothing there, or no such drive, $null). Assigned at a statement's start,
                // the value is the file's new content, as the provider's content writer puts it.
                if (IsFileSystemVariablePath(name) && name.AsSpan().IndexOfAny("`{") < 0)
                {
                    var literal = "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";
                    if (ContentAssignment().Match(statement, close + 1) is { Success: true } assigned)
                    {
                        // A statement of its own; in a script of several, left for the statement's own turn.
                        if (result.ToString().Trim().Length == 0 && Split(statement).Count == 1) return $"Set-Content -LiteralPath {literal} -Value ({assigned.Groups["value"].Value})";
                        result.Append(statement, i, close - i + 1);
                        i = close;
                        continue;
                    }

                    result.Append("(Get-Content -LiteralPath ").Append(literal).Append(" -ErrorAction Ignore)");
                    i = close;
                    continue;
                }
            }

            result.Append(c);
        }

        return result.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?:global|script|local|private|env|variable|function|alias|using):)?[A-Za-z_][\w]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex BracedSimpleName();

    /// <summary>Whether a braced variable's name is a FileSystem path (<c>${C:\x.txt}</c>): a drive letter, a colon and a separator.</summary>
    public static bool IsFileSystemVariablePath(ReadOnlySpan<char> name) =>
        name.Length > 3 && char.IsAsciiLetter(name[0]) && name[1] == ':' && name[2] is '\\' or '/';

    // "= value" right after a braced provider path at a statement's start: its assignment.
    [System.Text.RegularExpressions.GeneratedRegex(@"\G\s*=(?!=)\s*(?<value>\S.*)$", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ContentAssignment();

    /// <summary>
    /// <c>[Type]::Member = value</c> (or <c>+=</c>, <c>-=</c>): a .NET static property set; the type's text, the member,
    /// the operator and the value's text; null for anything else.
    /// </summary>
    public static (string Type, string Member, string Operator, string Value)? StaticPropertyAssignment(string statement)
    {
        var m = StaticPropertyAssignmentSyntax().Match(statement.Trim());
        return m.Success ? (m.Groups["type"].Value.Trim(), m.Groups["member"].Value, m.Groups["op"].Value, m.Groups["value"].Value) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^\[(?<type>[\w.+ ]+)\]::(?<member>\w+)\s*(?<op>=|\+=|-=)(?!=)\s*(?<value>\S.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex StaticPropertyAssignmentSyntax();

    /// <summary>
    /// <c>$a, $b = value</c> (two or more targets, in parentheses or not: variables with scope prefixes allowed, each
    /// with a type constraint or not, <c>[int]$a, [int]$b = 1, 2</c>, or a variable's property or element,
    /// <c>$arr[0], $arr[2] = $arr[2], $arr[0]</c>): the variables' names as written, their types' names (null for none),
    /// each target's member and index accessors after its variable (empty for a plain variable) and the value's text;
    /// null for anything else.
    /// </summary>
    public static (List<string> Variables, List<string?> Types, List<string> Accessors, string Value)? MultipleAssignment(string statement)
    {
        var m = MultipleAssignmentSyntax().Match(statement.Trim());
        return m.Success
            ? ([.. m.Groups["var"].Captures.Select(c => c.Value)],
               [.. m.Groups["type"].Captures.Select(c => c.Value.Length == 0 ? null : c.Value.Trim()[1..^1])],
               [.. m.Groups["tail"].Captures.Select(c => c.Value)],
               m.Groups["value"].Value)
            : null;
    }

    // A target: [type]$name, then .member and [index] accessors (an index's brackets balanced, commas allowed in them).
    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?<open>\(\s*)?(?<type>\[[\w.]+(?:\[\])?\]\s*|)\$(?<var>(?:(?:global|script|local|private):)?\w+)(?<tail>(?:\.\w+|\[(?>[^\[\]]+|\[(?<b>)|\](?<-b>))*(?(b)(?!))\])*)(?:\s*,\s*(?<type>\[[\w.]+(?:\[\])?\]\s*|)\$(?<var>(?:(?:global|script|local|private):)?\w+)(?<tail>(?:\.\w+|\[(?>[^\[\]]+|\[(?<b>)|\](?<-b>))*(?(b)(?!))\])*))+(?(open)\s*\))\s*=(?!=)\s*(?<value>\S.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MultipleAssignmentSyntax();

    /// <summary>
    /// <c>[Type]$x = value</c>: the type's name, the variable (without a scope prefix) and the value's text; null for
    /// anything else.
    /// </summary>
    /// <remarks>
    /// A compound one (<c>[array]$n += "x"</c>, is-port-listening scripts' idiom) is the variable's value converted to
    /// the type first, then the operator: its value's text <c>([array]$n) + (x)</c>.
    /// </remarks>
    public static (string Type, string Variable, string Value)? TypedAssignment(string statement)
    {
        var m = TypedAssignmentSyntax().Match(statement.Trim());
        if (!m.Success) return null;
        var value = m.Groups["op"].Success
            ? $"([{m.Groups["type"].Value}]${m.Groups["var"].Value}) {m.Groups["op"].Value} ({m.Groups["value"].Value})"
            : m.Groups["value"].Value;
        return (m.Groups["type"].Value, m.Groups["var"].Value, value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        @"^\[\s*(?<type>[A-Za-z_][\w.]*(?:\[(?>[^\[\]]+|\[(?<g>)|\](?<-g>))*(?(g)(?!))\])*)\s*\]\s*\$(?<var>(?:(?:global|script|local|private):)?\w+)\s*(?<op>[-+*/%])?=(?!=)\s*(?<value>\S.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex TypedAssignmentSyntax();

    /// <summary>
    /// <c>[ValidateRange(1, 5)][int]$x = value</c>: an assignment that gives its variable validation attributes (Validate…
    /// and Allow…), with or without a type; the attributes as written (in order), the type's name if any, the variable
    /// (as written, a scope prefix included) and the value's text (a compound one's as <see cref="TypedAssignment"/>'s); null
    /// for anything else, an assignment with a type only included.
    /// </summary>
    public static (IReadOnlyList<string> Validations, string? Type, string Variable, string Value)? AttributedAssignment(string statement)
    {
        if (statement.Length == 0 || statement.TrimStart() is not ['[', ..]) return null;
        var m = AttributedAssignmentSyntax().Match(statement.Trim());
        if (!m.Success) return null;
        List<string> validations = [];
        string? type = null;
        foreach (System.Text.RegularExpressions.Capture attribute in m.Groups["attribute"].Captures)
        {
            var text = attribute.Value.Trim();
            if (text.Contains('(', StringComparison.Ordinal)) validations.Add(text);
            else if (type is null) type = text[1..^1].Trim();
            else return null; // two types: not this emulator's to take
        }

        if (validations.Count == 0) return null;
        var variable = m.Groups["var"].Value;
        var value = m.Groups["op"].Success
            ? $"({(type is null ? string.Empty : $"[{type}]")}${variable}) {m.Groups["op"].Value} ({m.Groups["value"].Value})"
            : m.Groups["value"].Value;
        return (validations, type, variable, value);
    }

    // Each attribute a validation one with its arguments (quoted strings and script blocks may hold parentheses) or a type.
    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?:(?<attribute>\[\s*(?:(?:Validate\w+|Allow(?:Null|EmptyString|EmptyCollection))\s*\((?>'(?:[^']|'')*'|""(?:[^""`]|`.)*""|[^()'""]+|\((?<d>)|\)(?<-d>))*(?(d)(?!))\)|[A-Za-z_][\w.]*(?:\[(?>[^\[\]]+|\[(?<g>)|\](?<-g>))*(?(g)(?!))\])*)\s*\])\s*)+\$(?<var>(?:(?:global|script|local|private):)?\w+)\s*(?<op>[-+*/%])?=(?!=)\s*(?<value>\S.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AttributedAssignmentSyntax();

    /// <summary>
    /// A function body made of named blocks only (<c>begin { } process { } end { }</c>, each at most once, in any
    /// order): their statements; null when the body is plain statements.
    /// </summary>
    public static (string? Begin, string? Process, string? End)? NamedBlocks(string body)
    {
        string? begin = null, process = null, end = null;
        var any = false;
        foreach (var statement in Split(body))
        {
            // Several blocks may share a line: "begin { } process { } end { }".
            var t = statement.Trim();
            for (var i = 0; i < t.Length; i = SkipBlank(t, i))
            {
                string? name = null;
                foreach (var keyword in (ReadOnlySpan<string>)["begin", "process", "end"])
                {
                    if (StartsWithKeyword(t.AsSpan(i), keyword)) name = keyword;
                }

                if (name is null) return null;
                var open = SkipBlank(t, i + name.Length);
                var close = open < t.Length && t[open] == '{' ? MatchingClose(t, open, '}') : -1;
                if (close < 0) return null;
                var block = t[(open + 1)..close];
                switch (name)
                {
                    case "begin" when begin is null: begin = block; break;
                    case "process" when process is null: process = block; break;
                    case "end" when end is null: end = block; break;
                    default: return null;
                }

                any = true;
                i = close + 1;
            }
        }

        return any ? (begin, process, end) : null;
    }

    /// <summary>An assignment to an element: the target (a variable with members or indexes), its text, the compound operator and the value.</summary>
    internal sealed record ElementAssignment((string Head, List<ScriptExpressions.Accessor> Steps) Target, string TargetText, string? Operator, string Value);

    /// <summary>
    /// <c>$x[...] = value</c>, <c>$x.Name = value</c> and deeper targets (also <c>+= -= *= /= %=</c>); null for anything
    /// else, a plain variable's assignment or a method call on the left among them.
    /// </summary>
    public static ElementAssignment? ElementAssignmentOf(string statement)
    {
        var text = statement.Trim();
        if (text.Length >= 4 && text[0] == '(') return ParenthesizedAssignmentOf(text);
        if (text.Length < 4 || text[0] != '$') return null;
        foreach (var equals in TopLevelPositions(text, c => c == '='))
        {
            // "==" is no operator of PowerShell's; "-eq"-style operators have no '='.
            if (equals + 1 < text.Length && text[equals + 1] == '=') return null;
            var left = text[..equals].TrimEnd();
            string? op = null;
            if (left.Length > 0 && left[^1] is '+' or '-' or '*' or '/' or '%')
            {
                op = left[^1].ToString();
                left = left[..^1].TrimEnd();
            }

            if (left.Length < 2 || char.IsWhiteSpace(left[1])) return null;
            var value = text[(equals + 1)..].Trim();
            if (value.Length == 0) return null;
            if (ScriptExpressions.MemberAccessForAssignment(left) is not { } target) return null;
            return new ElementAssignment(target, left, op, value);
        }

        return null;
    }

    /// <summary>
    /// <c>(Get-Item $path).IsReadOnly = $false</c>: an element of a parenthesized expression's value. The target's head
    /// is the expression in its parentheses (evaluated when the statement runs), its accessors what follows.
    /// </summary>
    private static ElementAssignment? ParenthesizedAssignmentOf(string text)
    {
        var close = MatchingClose(text, 0, ')');
        if (close <= 1 || close + 1 >= text.Length || text[close + 1] is not ('.' or '[')) return null;
        // The accessors parsed as a variable's, then given the expression as their head.
        if (ElementAssignmentOf("$_" + text[(close + 1)..]) is not { Target: (_, var steps) } element || steps.Count == 0) return null;
        var left = text[..(close + 1)] + element.TargetText[2..];
        return element with { Target = (text[..(close + 1)], steps), TargetText = left };
    }

    /// <summary>A command's common parameters the emulator applies: its text without them, and their values.</summary>
    /// <param name="ErrorVariable">-ErrorVariable / -ev's name (a leading <c>+</c>: add to the variable's records).</param>
    /// <param name="Verbose">-Verbose (or -Verbose:$true) was given: the cmdlet's ShouldProcess writes its verbose record.</param>
    internal sealed record CommonParameters(string Bare, string? ErrorAction, string? WarningAction,
        string? ErrorVariable = null, string? WarningVariable = null, string? OutVariable = null, bool Verbose = false)
    {
        public bool HasVariables => ErrorVariable is not null || WarningVariable is not null || OutVariable is not null;
    }

    /// <summary>
    /// A command's <c>-ErrorAction value</c> / <c>-EA value</c> and <c>-WarningAction value</c> / <c>-WA value</c>
    /// (also <c>-ErrorAction:value</c>), and <c>-ErrorVariable</c> / <c>-ev</c>, <c>-WarningVariable</c> / <c>-wv</c>,
    /// <c>-OutVariable</c> / <c>-ov</c> with a name: the command's text without them, and the values; null when it has
    /// none, or is not a command.
    /// </summary>
    /// <remarks>
    /// <c>-Verbose</c> and <c>-Debug</c> (<c>-Verbose:$false</c>, <c>-vb</c>...) are taken off too, but for a function
    /// (<paramref name="isFunction"/>: its own preference variables take them), Write-Verbose / Write-Debug (which
    /// write by them) and Import-Module: the emulated cmdlets write no verbose or debug records, so what they change
    /// is nothing the emulator writes.
    /// </remarks>
    public static CommonParameters? ActionPreferences(string statement, Func<string, bool>? isFunction = null)
    {
        var text = statement.Trim();
        // Cheap checks first: this runs for every statement.
        if ((text.IndexOf("-e", StringComparison.OrdinalIgnoreCase) < 0 && text.IndexOf("-w", StringComparison.OrdinalIgnoreCase) < 0 &&
             text.IndexOf("-o", StringComparison.OrdinalIgnoreCase) < 0 && text.IndexOf("-v", StringComparison.OrdinalIgnoreCase) < 0 &&
             text.IndexOf("-d", StringComparison.OrdinalIgnoreCase) < 0) || !ScriptExpressions.IsCommandMode(text)) return null;
        string? errorAction = null, warningAction = null, errorVariable = null, warningVariable = null, outVariable = null;
        var verbose = false;
        var bare = text;
        // Right to left, so the indexes of the earlier ones hold.
        var matches = ActionPreferenceSyntax().Matches(text).Where(x => IsTopLevel(text, x.Index)).Reverse().ToList();
        if (matches.Count == 0) return null;
        var command = UnknownCommandScript.FirstWordOf(text);
        var keepsSwitches = command.Equals("Write-Verbose", StringComparison.OrdinalIgnoreCase) || command.Equals("Write-Debug", StringComparison.OrdinalIgnoreCase) ||
            command.Equals("Import-Module", StringComparison.OrdinalIgnoreCase) || isFunction?.Invoke(command) == true;
        if (keepsSwitches) matches.RemoveAll(m => m.Groups["switch"].Success);
        if (matches.Count == 0) return null;
        foreach (var match in matches)
        {
            if (match.Groups["switch"].Success)
            {
                // -Verbose / -Debug of a cmdlet the emulator answers: -Verbose (not :$false) makes its ShouldProcess
                // write the operation as a verbose record; nothing else it writes changes.
                var switchText = match.Value.Trim();
                if (switchText.StartsWith("-v", StringComparison.OrdinalIgnoreCase) && !switchText.EndsWith(":$false", StringComparison.OrdinalIgnoreCase)) verbose = true;
            }
            else if (match.Groups["variable"].Success)
            {
                var name = match.Groups["variable"].Value.Trim('\'', '"');
                switch (char.ToUpperInvariant(match.Groups["stream"].Value[0]))
                {
                    case 'E': errorVariable ??= name; break;
                    case 'W': warningVariable ??= name; break;
                    default: outVariable ??= name; break;
                }
            }
            else
            {
                // A number is the ActionPreference of that value (-ErrorAction 0 is SilentlyContinue).
                var value = match.Groups["value"].Value.Trim('\'', '"') switch
                {
                    "0" => "SilentlyContinue",
                    "1" => "Stop",
                    "2" => "Continue",
                    "3" => "Inquire",
                    "4" => "Ignore",
                    "5" => "Suspend",
                    var name => name,
                };
                if (match.Groups["name"].Value.StartsWith("w", StringComparison.OrdinalIgnoreCase)) warningAction ??= value;
                else errorAction ??= value;
            }

            bare = bare.Remove(match.Index, match.Length);
        }

        return new CommonParameters(bare.Trim(), errorAction, warningAction, errorVariable, warningVariable, outVariable, verbose);

        // The parameter's blank is a top-level one of this command: no pipe bar before it.
        static bool IsTopLevel(string text, int at)
        {
            foreach (var position in TopLevelPositions(text, c => c == '|' || char.IsWhiteSpace(c)))
            {
                if (position == at) return true;
                if (position > at || text[position] == '|') return false;
            }

            return false;
        }
    }

    /// <summary>
    /// A command's <c>-PipelineVariable name</c> / <c>-pv name</c> (<c>-PipelineVariable:name</c>): the command's text
    /// without it, and the name; null when it has none, or is not a command.
    /// </summary>
    public static (string Bare, string Name)? PipelineVariable(string statement)
    {
        var text = statement.Trim();
        if ((text.IndexOf("-p", StringComparison.OrdinalIgnoreCase) < 0) || !ScriptExpressions.IsCommandMode(text)) return null;
        foreach (System.Text.RegularExpressions.Match match in PipelineVariableSyntax().Matches(text))
        {
            var topLevel = false;
            foreach (var position in TopLevelPositions(text, c => c == '|' || char.IsWhiteSpace(c)))
            {
                if (position == match.Index) topLevel = true;
                if (position >= match.Index || text[position] == '|') break;
            }

            if (topLevel) return (text.Remove(match.Index, match.Length).Trim(), match.Groups["variable"].Value.Trim('\'', '"'));
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+-(?:PipelineVariable|pv)(?::|\s+)(?<variable>'?""?\w+'?""?)(?=\s|$|;|\|)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PipelineVariableSyntax();

    [System.Text.RegularExpressions.GeneratedRegex(
        @"\s+(?:-(?<name>ErrorAction|EA|WarningAction|WA)(?::|\s+)(?<value>'?""?(?:SilentlyContinue|Stop|Continue|Ignore|Inquire|Suspend|[0-5])'?""?)" +
        @"|-(?<stream>ErrorVariable|EV|WarningVariable|WV|OutVariable|OV)(?::|\s+)(?<variable>'?""?\+?\w+'?""?)" +
        @"|-(?<switch>Verbose|VB|Debug|DB)(?::\$(?:true|false)|:\$?\w+)?)(?=\s|$|;|\|)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ActionPreferenceSyntax();

    /// <summary>The text inside a statement that is one double-quoted string ("..." whole); null for anything else.</summary>
    public static string? DoubleQuotedBody(string statement)
    {
        var text = statement.Trim();
        if (text.Length < 2 || text[0] != '"') return null;
        return SkipQuotedOrEscaped(text, 0) == text.Length - 1 ? text[1..^1] : null;
    }

    /// <summary>Whether the statement is Write-Output (or its aliases echo and write) of something no rule answers.</summary>
    public static bool IsWriteOutput(string statement)
    {
        var text = statement.AsSpan().Trim();
        return StartsWithKeyword(text, "Write-Output") || StartsWithKeyword(text, "echo") || StartsWithKeyword(text, "write");
    }

    /// <summary>The statements of a script block written whole (<c>{ ... }</c>); null for anything else.</summary>
    public static string? ScriptBlockText(string text)
    {
        var t = text.Trim();
        return t.Length >= 2 && t[0] == '{' && MatchingClose(t, 0, '}') == t.Length - 1 ? t[1..^1] : null;
    }

    /// <summary><c>Start-Sleep</c> (or <c>sleep</c>) with any arguments.</summary>
    public static bool IsStartSleep(string statement)
    {
        var text = statement.AsSpan().Trim();
        return StartsWithKeyword(text, "Start-Sleep") || StartsWithKeyword(text, "sleep");
    }

    /// <summary><c>ConvertTo-Json</c> or <c>ConvertFrom-Json</c> as a command of its own: which; null for another statement.</summary>
    public static string? JsonCommand(string statement)
    {
        var text = statement.AsSpan().Trim();
        return StartsWithKeyword(text, "ConvertTo-Json") ? "ConvertTo-Json" : StartsWithKeyword(text, "ConvertFrom-Json") ? "ConvertFrom-Json" : null;
    }

    /// <summary><c>Write-Verbose</c> or <c>Write-Debug</c>: "Verbose" or "Debug"; null for another statement.</summary>
    public static string? WriteStreamCommand(string statement)
    {
        var text = statement.AsSpan().Trim();
        return StartsWithKeyword(text, "Write-Verbose") ? "Verbose" : StartsWithKeyword(text, "Write-Debug") ? "Debug" : null;
    }

    /// <summary>A command the statements run themselves, not a rule: Write-Output, Start-Sleep, Write-Verbose/-Debug/-Information, the JSON cmdlets.</summary>
    public static bool IsStatementCommand(string statement) =>
        IsWriteOutput(statement) || IsStartSleep(statement) || WriteStreamCommand(statement) is not null || IsWriteInformation(statement) || JsonCommand(statement) is not null;

    /// <summary>A <c>Write-Information</c> statement.</summary>
    public static bool IsWriteInformation(string statement) => StartsWithKeyword(statement.AsSpan().Trim(), "Write-Information");

    /// <summary><c>break</c> or <c>continue</c> (keywords; a loop label is not supported): which, or null.</summary>
    public static (string Keyword, string? Label)? LoopControl(string statement)
    {
        var text = statement.Trim();
        foreach (var keyword in (ReadOnlySpan<string>)["break", "continue"])
        {
            if (!StartsWithKeyword(text, keyword)) continue;
            var label = text[keyword.Length..].Trim();
            if (label.Length == 0) return (keyword, null);
            // break outer / continue outer (a label's name; 'break $x' and the like are not emulated).
            if (label.All(c => char.IsLetterOrDigit(c) || c == '_')) return (keyword, label);
        }

        return null;
    }

    /// <summary><c>:label loop</c>: the label and the loop statement without it; null for a statement without one.</summary>
    public static (string Label, string Statement)? LoopLabel(string statement)
    {
        var text = statement.TrimStart();
        if (text.Length < 3 || text[0] != ':') return null;
        var end = 1;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
        if (end == 1 || end >= text.Length || !char.IsWhiteSpace(text[end])) return null;
        var loop = text[end..].TrimStart();
        foreach (var keyword in (ReadOnlySpan<string>)["foreach", "for", "while", "do", "switch"])
        {
            if (StartsWithKeyword(loop, keyword)) return (text[1..end], loop);
        }

        return null;
    }

    // Where the statement block opening at i closes; -1 when there is no block there or it does not close.
    // The closing brace of the block opening at i; -1 when no block opens there. A block that opens and never closes is
    // the error PowerShell's tokenizer gives, whatever statement it belongs to.
    private static int BlockEnd(string text, int i)
    {
        if (i >= text.Length || text[i] != '{') return -1;
        var end = MatchingClose(text, i, '}');
        return end >= 0 ? end : throw MissingEndCurlyBrace();
    }

    private static ScriptParseException MissingEndCurlyBrace() =>
        new(ScriptedError.ParseError("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"));

    // A keyword statement's parse error just after its last token before at (the parser's After(token)), placed where
    // the statement's text is in the script once.
    private static ScriptParseException IncompleteAt(string text, int at, string message, string id)
    {
        var end = Math.Min(at, text.Length);
        while (end > 0 && char.IsWhiteSpace(text[end - 1])) end--;
        return new(ScriptedError.ParseError(message, id, script => PlaceInStatement(script, text, end, 0)));
    }

    // The token at i that the statement cannot take, on it.
    private static ScriptParseException UnexpectedTokenAt(string text, int i)
    {
        // A pipe after a keyword statement (foreach (...) { } | Out-Null) starts a pipeline with nothing before it.
        if (text[i] == '|' && !(i + 1 < text.Length && text[i + 1] == '|'))
        {
            return new(ScriptedError.ParseError("An empty pipe element is not allowed.", "EmptyPipeElement", script => PlaceInStatement(script, text, i, 1)));
        }

        var word = Word(text, i);
        return new(ScriptedError.ParseError($"Unexpected token '{word}' in expression or statement.", "UnexpectedToken", script => PlaceInStatement(script, text, i, word.Length)));
    }

    private static int SkipBlank(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    private static string Word(string text, int i)
    {
        var end = i;
        while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
        return text[i..Math.Min(end, i + 40)];
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
    public static string? ScriptBlockBody(string text) => ScriptBlockInvocation(text) is (var body, "") ? body : null;

    /// <summary>
    /// <c>&amp; { param($x) ... } arguments</c> (or <c>. { }</c>): the block's body and the argument text, which bind as a
    /// function's; null for anything else, and for a block invoked without arguments (<see cref="ScriptBlockBody"/>).
    /// </summary>
    public static (string Body, string Arguments)? ScriptBlockCall(string text) => ScriptBlockInvocation(text) is (_, { Length: > 0 }) call ? call : null;

    // & { body } or . { body }, and the text after the block (empty: none; a block must be followed by a blank).
    private static (string Body, string Arguments)? ScriptBlockInvocation(string text)
    {
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start])) start++;
        if (start >= text.Length || text[start] is not ('&' or '.')) return null;
        var open = start + 1;
        while (open < text.Length && char.IsWhiteSpace(text[open])) open++;
        if (open >= text.Length || text[open] != '{') return null;
        var close = MatchingClose(text, open);
        if (close < 0) return null;
        var after = text[(close + 1)..];
        if (after.Length > 0 && !char.IsWhiteSpace(after[0]) && after.Trim().Length > 0) return null;
        return (text[(open + 1)..close].Trim(), after.Trim());
    }

    // The brace closing the one at open, quotes and escapes skipped as Split skips them; -1 when it is not closed.
    private static int MatchingClose(string text, int open) => MatchingClose(text, open, '}');

    /// <summary>
    /// Where the bracket at <paramref name="open"/> closes (brackets of every kind counted, quotes, escapes and comments
    /// skipped), when it closes with <paramref name="close"/>; -1 when it does not close, or closes with another.
    /// </summary>
    internal static int MatchingClose(string text, int open, char close)
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
                    if (--depth == 0) return text[i] == close ? i : -1;
                    break;
            }
        }

        return -1;
    }

    // A quoted string or an escape starting at i: where it ends (its closing quote, the escaped character; past the end
    // of the text when unterminated). Inside single quotes '' is one quote; inside double quotes ` escapes.
    /// <summary>
    /// Where <paramref name="isSeparator"/> holds at the top level of <paramref name="text"/>: outside quotes, escapes
    /// and brackets of every kind. What the splitters of the language (array commas, a for header's semicolons, a
    /// command's arguments, a pipeline's bars) share.
    /// </summary>
    internal static IEnumerable<int> TopLevelPositions(string text, Func<char, bool> isSeparator)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(text, i);
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (depth > 0) depth--;
                    break;
                case var c when depth == 0 && isSeparator(c):
                    yield return i;
                    break;
            }
        }
    }

    /// <summary>The text cut at its top-level separators (<see cref="TopLevelPositions"/>), every piece kept, untrimmed.</summary>
    internal static List<string> SplitTopLevel(string text, Func<char, bool> isSeparator)
    {
        var pieces = new List<string>();
        var start = 0;
        foreach (var at in TopLevelPositions(text, isSeparator))
        {
            pieces.Add(text[start..at]);
            start = at + 1;
        }

        pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>
    /// The script with its here-strings (<c>@"</c> / <c>@'</c>, a line break, the lines, a line break, <c>"@</c> /
    /// <c>'@</c> at a line's start) written as the quoted strings they are equal to: a literal one as <c>'...'</c>
    /// (quotes doubled), an expandable one as <c>"..."</c> (its quotes escaped with a backtick outside <c>$( )</c>); the statements then
    /// read them as any string. Null when the script has none.
    /// </summary>
    /// <exception cref="ScriptParseException">A here-string has no closer (PowerShell's TerminatorExpectedAtEndOfString).</exception>
    public static string? HereStringsToQuoted(string text)
    {
        if (!text.Contains("@\"", StringComparison.Ordinal) && !text.Contains("@'", StringComparison.Ordinal)) return null;
        System.Text.StringBuilder? result = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '@' && i + 1 < text.Length && text[i + 1] is '"' or '\'')
            {
                if (HereStringAt(text, i) is not var (contentStart, contentEnd, end))
                {
                    // An opener without its closer: PowerShell's parser refuses the script.
                    if (OpensHereString(text, i))
                    {
                        throw new ScriptParseException(ScriptedError.ParseError($"The string is missing the terminator: {text[i + 1]}@.", "TerminatorExpectedAtEndOfString"));
                    }

                    continue;
                }

                var quote = text[i + 1];
                result ??= new System.Text.StringBuilder(text.Length);
                result.Append(text, copied, i - copied).Append(quote);
                var content = text[contentStart..contentEnd];
                if (quote == '\'') result.Append(content.Replace("'", "''", StringComparison.Ordinal));
                else AppendExpandable(result, content);
                result.Append(quote);
                copied = end;
                i = end - 1;
                continue;
            }

            if (c is '\'' or '"' or '`') i = SkipQuotedOrEscaped(text, i) - (c == '`' ? 1 : 0);
        }

        return result?.Append(text, copied, text.Length - copied).ToString();

        // An expandable here-string's text in "...": its quotes escaped with a backtick. Inside $( ) that keeps its code as
        // written: a "..." string's subexpression is read with each `" and "" taken for one quote (SubexpressionCode),
        // which a here-string's is not.
        static void AppendExpandable(System.Text.StringBuilder into, string content)
        {
            var depth = 0;
            for (var k = 0; k < content.Length; k++)
            {
                var ch = content[k];
                if (ch == '`' && k + 1 < content.Length)
                {
                    var escaped = content[++k];
                    into.Append(ch);
                    if (depth > 0 && IsDoubleQuote(escaped)) into.Append('`');
                    into.Append(escaped);
                    continue;
                }

                if (ch == '$' && k + 1 < content.Length && content[k + 1] == '(') depth++;
                else if (ch == ')' && depth > 0) depth--;
                if (IsDoubleQuote(ch)) into.Append('`');
                into.Append(ch);
            }
        }
    }

    /// <summary>
    /// The code of a double-quoted string's (or a bare word's) <c>$( )</c> as PowerShell's tokenizer hands it to the
    /// parser (Tokenizer.ScanSubExpression): a backtick or a quote followed by a double quote is that quote alone, so
    /// <c>"$($x -replace `"a`", `"b`")"</c> and <c>"$(""in"")"</c> hold ordinary strings, and <c>"$("a `"q`"")"</c> is
    /// the parser's error it is in PowerShell.
    /// </summary>
    public static string SubexpressionCode(string raw)
    {
        if (raw.AsSpan().IndexOfAny("\"\u201C\u201D\u201E") < 0) return raw;
        var code = new System.Text.StringBuilder(raw.Length);
        for (var k = 0; k < raw.Length; k++)
        {
            var ch = raw[k];
            if ((ch == '`' || IsDoubleQuote(ch)) && k + 1 < raw.Length && IsDoubleQuote(raw[k + 1])) ch = raw[++k];
            code.Append(ch);
        }

        return code.ToString();
    }

    // Whether @" or @' at i opens a here-string (only blanks, then a line break, after it).
    private static bool OpensHereString(string text, int i) => HereStringContentStart(text, i) is not null;

    // Where the text of a here-string opening at i starts (after the opener's line break); null when none opens there.
    private static int? HereStringContentStart(string text, int i)
    {
        var j = i + 2;
        while (j < text.Length && text[j] is ' ' or '\t') j++;
        if (j < text.Length && text[j] == '\r') j++;
        return j < text.Length && text[j] == '\n' ? j + 1 : null;
    }

    // A here-string opening at i: where its text starts and ends, and where the here-string ends; null when none opens
    // there (no line break after the opener, or no closer at the start of a later line).
    private static (int ContentStart, int ContentEnd, int End)? HereStringAt(string text, int i)
    {
        var quote = text[i + 1];
        if (HereStringContentStart(text, i) is not { } contentStart) return null;
        // Empty: the closer on the line right after the opener.
        if (contentStart + 1 < text.Length && text[contentStart] == quote && text[contentStart + 1] == '@') return (contentStart, contentStart, contentStart + 2);
        for (var k = contentStart; k < text.Length; k++)
        {
            if (text[k] != '\n' || k + 2 >= text.Length || text[k + 1] != quote || text[k + 2] != '@') continue;
            var contentEnd = k > contentStart && text[k - 1] == '\r' ? k - 1 : k;
            return (contentStart, Math.Max(contentStart, contentEnd), k + 3);
        }

        return null;
    }

    /// <summary>The text of a whole single-quoted string literal (<c>'it''s'</c> is <c>it's</c>); null for anything else.</summary>
    public static string? SingleQuotedLiteral(string text)
    {
        var t = text.Trim();
        if (t.Length < 2 || t[0] != '\'' || SkipQuotedOrEscaped(t, 0) != t.Length - 1) return null;
        return t[1..^1].Replace("''", "'", StringComparison.Ordinal);
    }

    // Strings in subexpressions in strings nest as deep as this (a hostile script's thousands do not exhaust the stack;
    // past it a subexpression's quotes end the string, as they did before subexpressions were read).
    private const int MaxSubexpressionDepth = 32;

    [ThreadStatic]
    private static int s_subexpressionDepth;

    // The characters subexpression scans of one text have covered: past a few times its length (many strings, each
    // scanning far), its subexpressions are not read any more, so no text costs more than linear time.
    [ThreadStatic]
    private static string? s_subexpressionText;

    [ThreadStatic]
    private static long s_subexpressionScanned;

    private static bool WithinSubexpressionBudget(string text)
    {
        if (!ReferenceEquals(text, s_subexpressionText))
        {
            s_subexpressionText = text;
            s_subexpressionScanned = 0;
        }

        return s_subexpressionScanned <= 8L * text.Length + 4096;
    }

    /// <summary>
    /// The token after a statement's leading value (a string or number literal, a variable, a parenthesized value, with
    /// its members) when it is no operator, redirection or separator (<c>'a' 'b'</c>, <c>3 4</c>, <c>"x" y</c>,
    /// <c>$b $c</c>): PowerShell's parser refuses the statement with "Unexpected token"; null for any other statement.
    /// </summary>
    public static string? TokenAfterLiteral(string statement) => TokenAfterLiteralAt(statement) is var (text, start, end) ? text[start..end] : null;

    /// <summary><see cref="TokenAfterLiteral"/>'s token as the trimmed statement and the token's extent in it.</summary>
    public static (string Text, int Start, int End)? TokenAfterLiteralAt(string statement)
    {
        var text = statement.Trim();
        return TokenAfterValue(text) is var (start, end) ? (text, start, end) : null;
    }

    internal static int SkipQuotedOrEscaped(string text, int i)
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
                // A doubled quote ("") is one quote of the text, as a backtick-escaped one is. A subexpression $( ... )
                // is script to its closing parenthesis, quotes of its own in it ("x $($h["key"]) y"); after one that
                // does not close, none is looked for again (each would scan the rest: quadratic in a hostile script).
                var subexpressions = true;
                for (i++; i < text.Length && !(text[i] == '"' && (i + 1 >= text.Length || text[i + 1] != '"')); i++)
                {
                    if (text[i] is '`' or '"') i++;
                    else if (subexpressions && text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(' && s_subexpressionDepth < MaxSubexpressionDepth && WithinSubexpressionBudget(text))
                    {
                        s_subexpressionDepth++;
                        try
                        {
                            var close = MatchingClose(text, i + 1, ')');
                            s_subexpressionScanned += (close > 0 ? close : text.Length) - i;
                            if (close > 0) i = close;
                            else subexpressions = false;
                        }
                        finally
                        {
                            s_subexpressionDepth--;
                        }
                    }
                }

                return i;
            default:
                return i + 1; // ` escapes the next character
        }
    }

    // After NextLineStartsWithPipe has found the blank run's end.
    // Also catch and finally: clauses of a try statement, which no statement starts with either.
    private static bool NextLineStartsWithElse(string text, int blankRunEnd)
    {
        var next = text.AsSpan(Math.Min(blankRunEnd, text.Length));
        return StartsWithKeyword(next, "else") || StartsWithKeyword(next, "elseif") || StartsWithKeyword(next, "catch") || StartsWithKeyword(next, "finally");
    }

    // Whether the '}' at close ends a block statement (if, foreach, function, try...) that another statement follows on
    // the same line; not when what follows continues it (else, elseif, catch, finally; a do loop is never split here).
    private static bool EndsBlockStatement(string text, int start, int close)
    {
        var next = close + 1;
        while (next < text.Length && text[next] is ' ' or '\t') next++;
        if (next >= text.Length || text[next] is '\r' or '\n' or ';' or '#' or '|') return false;
        var statement = text.AsSpan(start, close + 1 - start).TrimStart();
        // A loop's label (":outer foreach ...").
        if (statement.Length > 1 && statement[0] == ':' && statement.IndexOfAny(' ', '\t') is > 1 and var blank) statement = statement[blank..].TrimStart();
        if (!WaitsForBlock(statement) || StartsWithKeyword(statement, "do")) return false;
        var following = text.AsSpan(next);
        return !(StartsWithKeyword(following, "else") || StartsWithKeyword(following, "elseif") || StartsWithKeyword(following, "catch") ||
                 StartsWithKeyword(following, "finally"));
    }

    // The statements whose block PowerShell's parser looks for past a line end.
    private static readonly string[] BlockKeywords =
        ["if", "elseif", "else", "while", "for", "foreach", "switch", "function", "filter", "try", "catch", "finally", "do", "trap", "begin", "process", "end", "dynamicparam", "enum", "class"];

    private static bool WaitsForBlock(ReadOnlySpan<char> statement)
    {
        // An assignment of a statement's output ("$features = for (...)", its block below it): the statement's keyword.
        if (statement.Length > 0 && statement[0] is '$' or '[' && AssignedStatementPrefix().Match(statement.ToString()) is { Success: true } assigned)
        {
            statement = statement[assigned.Length..];
        }

        foreach (var keyword in BlockKeywords)
        {
            if (StartsWithKeyword(statement, keyword)) return true;
        }

        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:\[[\w.\[\]]+\]\s*)?\$[\w:]+\s*=\s*(?=(?:for|foreach|while|switch|if|do|try)\b)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AssignedStatementPrefix();

    private static bool StartsWithKeyword(ReadOnlySpan<char> text, string keyword) =>
        text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) && (text.Length == keyword.Length || !(char.IsLetterOrDigit(text[keyword.Length]) || text[keyword.Length] is '_' or '-'));

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

/// <summary>A statement PowerShell's parser refuses: the script fails with the ParseException, as a remote runspace's does.</summary>
internal sealed class ScriptParseException(ScriptedError error) : Exception(error.Message)
{
    public ScriptedError Error => error;
}
