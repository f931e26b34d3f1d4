using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The expression side of PowerShell that the language statements need: tokenizing an expression at its top-level
/// operators (comparison, <c>-like</c>, <c>-match</c>, <c>-contains</c>/<c>-in</c>, <c>-replace</c>/<c>-split</c>/
/// <c>-join</c>, <c>-f</c>, arithmetic, <c>-and</c>/<c>-or</c>/<c>-xor</c>, <c>-not</c>/<c>!</c>), the operators'
/// semantics over values, number literals, and LanguagePrimitives.IsTrue. What an operand's value is stays the
/// behaviours' business: it is run as a statement and its output is the value (RunContext does that).
/// </summary>
internal static partial class ScriptExpressions
{
    /// <summary>How long a client's <c>-match</c> pattern may run on one value.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> Comparisons = new(StringComparer.OrdinalIgnoreCase)
    {
        "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains", "in", "notin",
        "replace", "split", "join", "f", "is", "isnot", "as", "band", "bor", "bxor", "shl", "shr",
    };

    private static readonly HashSet<string> Logical = new(StringComparer.OrdinalIgnoreCase) { "and", "or", "xor" };

    /// <summary>One piece of an expression: an operand's text, or an operator's name (without the dash).</summary>
    internal readonly record struct Token(string Text, bool IsOperator);

    /// <summary>
    /// Whether the text is in command mode: it starts with a command name (a bare word), so <c>-eq</c> after it
    /// would be one of the command's parameters, as PowerShell binds it. Numbers, variables, strings, brackets and
    /// operators start expressions.
    /// </summary>
    public static bool IsCommandMode(string text)
    {
        var t = text.AsSpan().TrimStart();
        if (t.Length == 0) return false;
        // A dot before a path or a blank is a relative path or dot-sourcing: a command too.
        if (t[0] == '.' && t.Length > 1 && (t[1] is '\\' or '/' || char.IsWhiteSpace(t[1]))) return true;
        return (char.IsLetter(t[0]) || t[0] == '&') && !IsNumberStart(t);
    }

    /// <summary>
    /// Whether the text is a pipeline of more than one element (a top-level <c>|</c>): its later elements are commands,
    /// whose dashes and commas are their parameters and arguments, so the whole is a statement for the rules.
    /// </summary>
    public static bool HasPipeline(string text) => Statements.TopLevelPositions(text, c => c == '|').Any();

    private static bool IsNumberStart(ReadOnlySpan<char> t) => t.Length > 0 && char.IsDigit(t[0]);

    /// <summary>
    /// The expression's top-level operands and operators (outside quotes and brackets); null when it has no operator
    /// this class knows, so that the text is one operand (or a statement) as it stands.
    /// </summary>
    public static List<Token>? Tokenize(string text)
    {
        List<Token>? tokens = null;
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    i = Statements.SkipQuotedOrEscaped(text, i);
                    continue;
                case '(' or '[' or '{':
                    depth++;
                    continue;
                case ')' or ']' or '}':
                    if (depth > 0) depth--;
                    continue;
                case '.' when depth == 0 && IsRangeOperator(text, start, i):
                    // The range operator (1..$n, 0..($count - 1)): an operand before it, and no path ("..\x") after it.
                    (tokens ??= []).Add(new Token(text[start..i].Trim(), false));
                    tokens.Add(new Token("..", true));
                    start = i + 2;
                    i++;
                    continue;
                case '+' or '-' or '*' or '/' or '%' when depth == 0 && IsArithmetic(text, start, i):
                    // A binary arithmetic operator: there is an operand before it (else "-5" is a negative number).
                    (tokens ??= []).Add(new Token(text[start..i].Trim(), false));
                    tokens.Add(new Token(c.ToString(), true));
                    start = i + 1;
                    continue;
                case '-' when depth == 0 && (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is '(' or ')' || EndsOperand(text, start, i)):
                    // The tokenizer reads an operator's name as the letters after the dash, blanks or not around it
                    // ($i-eq3, 'a'-replace'a','b', $x -gt2).
                    var end = i + 1;
                    while (end < text.Length && char.IsLetter(text[end])) end++;
                    var name = text[(i + 1)..end];
                    if (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('(' or '$' or '\'' or '"' or '!' or '[' or '@' or '-') && !char.IsAsciiDigit(text[end])) continue;
                    var bare = name.Length > 2 && name[0] is 'c' or 'i' or 'C' or 'I' && Comparisons.Contains(name[1..]) ? name[1..] : name;
                    if (!Comparisons.Contains(bare) && !Logical.Contains(name) && !name.Equals("not", StringComparison.OrdinalIgnoreCase) &&
                        !name.Equals("bnot", StringComparison.OrdinalIgnoreCase)) continue;
                    tokens ??= [];
                    tokens.Add(new Token(text[start..i].Trim(), false));
                    tokens.Add(new Token(name.ToLowerInvariant(), true));
                    start = end;
                    i = end - 1;
                    continue;
            }
        }

        if (tokens is null) return null;
        tokens.Add(new Token(text[start..].Trim(), false));
        // "-not $x": the empty operand before a unary operator is no operand.
        tokens.RemoveAll(t => !t.IsOperator && t.Text.Length == 0);
        return tokens;
    }

    /// <summary>
    /// The elements of an array written with commas (<c>1, 'a', $x</c>), split at top-level commas; null when the text
    /// has none. The comma binds closer than the comparison operators, so it splits an operand, not an expression.
    /// </summary>
    /// <remarks>
    /// A comma where an element would start is the unary comma of the next one (<c>1,,2</c> is <c>1, (,2)</c>, an array
    /// of one item second), so an empty element before another is joined to it as <c>,2</c>; a leading one (<c>,$x</c>)
    /// stays the empty first element, and a trailing one the empty last (the missing expression after it).
    /// </remarks>
    public static List<string>? ArrayElements(string text)
    {
        var pieces = Statements.SplitTopLevel(text, c => c == ',');
        if (pieces.Count < 2) return null;
        var elements = new List<string>(pieces.Count);
        var commas = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i].Trim();
            if (piece.Length == 0 && i > 0 && i < pieces.Count - 1)
            {
                commas++;
                continue;
            }

            elements.Add(commas == 0 ? piece : new string(',', commas) + piece);
            commas = 0;
        }

        return elements;
    }

    /// <summary>One step after a value: <c>.Name</c> (a member) or <c>[expression]</c> (an index).</summary>
    internal readonly record struct Accessor(bool IsIndex, string Text, string? Arguments = null, bool IsDynamic = false)
    {
        /// <summary>A method call: <c>.Name(arguments)</c>.</summary>
        public bool IsMethod => Arguments is not null;

        // IsDynamic: Text is an expression whose value names the member ($o.$name, $o.($expr), $o."$prefix$n", "x".$m()).
    }

    /// <summary>
    /// A value with members and indexes after it: a bracketed expression (<c>(...)</c>, <c>$( )</c>, <c>@( )</c>) or a
    /// variable, then <c>.Name</c> and <c>[index]</c> steps (<c>(Get-Thing).Name</c>, <c>$list[0]</c>,
    /// <c>$Matches[1]</c>, <c>$h['key'].Length</c>): the head and the steps; null for anything else (a variable with
    /// only member steps is the rules' <c>$x.Prop</c>, so one index at least for a variable).
    /// </summary>
    public static (string Head, List<Accessor> Steps)? MemberAccess(string text) => MemberAccess(text, forAssignment: false);

    private static (string Head, List<Accessor> Steps)? MemberAccess(string text, bool forAssignment)
    {
        var t = text.Trim();
        int headEnd;
        if (t.StartsWith('(') || (t.Length > 1 && t[0] is '$' or '@' && t[1] == '('))
        {
            headEnd = Statements.MatchingClose(t, t[0] == '(' ? 0 : 1, ')');
            if (headEnd < 0) return null;
        }
        else if (t.Length > 2 && t[0] == '@' && t[1] == '{')
        {
            // A hashtable literal: @{ a = 1 }.Keys.
            headEnd = Statements.MatchingClose(t, 1, '}');
            if (headEnd < 0) return null;
        }
        else if (!forAssignment && t.Length > 3 && t[0] == '{' && Statements.MatchingClose(t, 0, '}') is var blockEnd and > 0 && blockEnd + 1 < t.Length && t[blockEnd + 1] == '.')
        {
            // A script block literal's members: { 'hi' }.Invoke(), { ... }.Ast.
            headEnd = blockEnd;
        }
        else if (!forAssignment && t.Length > 2 && t[0] == '[' && Statements.MatchingClose(t, 0, ']') is var typeEnd and > 1 && typeEnd + 1 < t.Length && t[typeEnd + 1] == '.' &&
                 ResolveType(t[1..typeEnd]) is not null)
        {
            // A type's own members: [int].Name, [string].ToString(), [object[]].BaseType.
            headEnd = typeEnd;
        }
        else if (!forAssignment && t.Length > 4 && t[0] == '[' && StaticMemberHeadEnd(t) is { } staticEnd)
        {
            // A static member's value and members of it: [guid]::NewGuid().ToString(), [DateTime]::Now.Year.
            headEnd = staticEnd;
        }
        else if (t.Length > 1 && t[0] is '\'' or '"')
        {
            // A quoted string: 'abc'.Length, "x".ToUpper().
            headEnd = Statements.SkipQuotedOrEscaped(t, 0);
            if (headEnd >= t.Length) return null;
        }
        else if (!forAssignment && NumberHead().Match(t) is { Success: true } number)
        {
            // A number's members: 1.5.ToString(), 0x10.ToString(), 1kb.ToString(), 10L.GetType(). As PowerShell's tokenizer
            // scans it, a dot ends a number only when it has a point, an exponent, a hex prefix, a suffix or a multiplier
            // already: 1.GetType is one word (a command's name).
            headEnd = number.Length - 1;
        }
        else if (t.Length > 1 && t[0] == '$' && (char.IsLetter(t[1]) || t[1] == '_'))
        {
            headEnd = 1;
            while (headEnd + 1 < t.Length && (char.IsLetterOrDigit(t[headEnd + 1]) || t[headEnd + 1] is '_' or ':')) headEnd++;
        }
        else
        {
            return null;
        }

        var steps = new List<Accessor>();
        var quoted = false;
        var i = headEnd + 1;
        while (i < t.Length)
        {
            if (t[i] == '.' && i + 1 < t.Length && t[i + 1] is '\'' or '"')
            {
                // A quoted member name: $p.'(default)', $x."a b" (a double-quoted one without expansions).
                var close = Statements.SkipQuotedOrEscaped(t, i + 1);
                if (close >= t.Length) return null;
                var literal = t[(i + 1)..(close + 1)];
                var name = Statements.SingleQuotedLiteral(literal) ?? (literal[0] == '"' && literal.AsSpan(1, literal.Length - 2).IndexOfAny("$`\"") < 0 ? literal[1..^1] : null);
                if (name is null && literal[0] == '"' && !(close + 1 < t.Length && t[close + 1] == '('))
                {
                    // $o."$prefix$n": an expandable string names the member.
                    steps.Add(new Accessor(false, literal, IsDynamic: true));
                    quoted = true;
                    i = close + 1;
                    continue;
                }

                if (name is null || name.Length == 0 || (close + 1 < t.Length && t[close + 1] == '(')) return null;
                steps.Add(new Accessor(false, name));
                quoted = true;
                i = close + 1;
            }
            else if (t[i] == '.' && i + 1 < t.Length && t[i + 1] is '$' or '(' && DynamicMemberEnd(t, i + 1) is { } dynamicEnd)
            {
                // A member named by a value: $o.$name, $o.($expr), and a method so named ("abc".$m()).
                var nameExpression = t[(i + 1)..dynamicEnd];
                if (dynamicEnd < t.Length && t[dynamicEnd] == '(')
                {
                    var close = Statements.MatchingClose(t, dynamicEnd, ')');
                    if (close < 0) return null;
                    steps.Add(new Accessor(false, nameExpression, t[(dynamicEnd + 1)..close], IsDynamic: true));
                    i = close + 1;
                    continue;
                }

                steps.Add(new Accessor(false, nameExpression, IsDynamic: true));
                i = dynamicEnd;
            }
            else if (t[i] == '.')
            {
                var end = i + 1;
                while (end < t.Length && (char.IsLetterOrDigit(t[end]) || t[end] == '_')) end++;
                if (end == i + 1) return null;
                if (end < t.Length && t[end] == '(')
                {
                    var close = Statements.MatchingClose(t, end, ')');
                    if (close < 0) return null;
                    steps.Add(new Accessor(false, t[(i + 1)..end], t[(end + 1)..close]));
                    i = close + 1;
                    continue;
                }

                if (end < t.Length && t[end] == '{' && t.AsSpan(i + 1, end - i - 1) is var intrinsic &&
                    (intrinsic.Equals("Where", StringComparison.OrdinalIgnoreCase) || intrinsic.Equals("ForEach", StringComparison.OrdinalIgnoreCase)))
                {
                    // .Where{ ... } and .ForEach{ ... }: PowerShell's call of the two with a script block, without parentheses.
                    var close = Statements.MatchingClose(t, end, '}');
                    if (close < 0) return null;
                    steps.Add(new Accessor(false, t[(i + 1)..end], t[end..(close + 1)]));
                    i = close + 1;
                    continue;
                }

                steps.Add(new Accessor(false, t[(i + 1)..end]));
                i = end;
            }
            else if (t[i] == '[')
            {
                var close = Statements.MatchingClose(t, i, ']');
                if (close < 0 || close == i + 1) return null;
                steps.Add(new Accessor(true, t[(i + 1)..close]));
                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        // ($env:TEMP.Length is this reader's: the rules' $x.Prop does not read environment variables.)
        if (steps.Count == 0 || (!forAssignment && !quoted && t[0] == '$' && t[1] != '(' && steps.All(s => !s.IsIndex && !s.IsMethod && !s.IsDynamic) &&
            !t.StartsWith("$env:", StringComparison.OrdinalIgnoreCase))) return null;
        return (t[..(headEnd + 1)], steps);
    }

    // Where a dynamic member name starting at start ($name, $scope:name, (expression)) ends; null when it is no such name.
    private static int? DynamicMemberEnd(string t, int start)
    {
        if (t[start] == '(')
        {
            var close = Statements.MatchingClose(t, start, ')');
            return close < 0 ? null : close + 1;
        }

        var end = start + 1;
        while (end < t.Length && (char.IsLetterOrDigit(t[end]) || t[end] is '_' or ':')) end++;
        return end == start + 1 || !(char.IsLetter(t[start + 1]) || t[start + 1] == '_') ? null : end;
    }

    // Where "[Type]::Member" or "[Type]::Method(...)" at the text's start ends, when a member or index follows it and the
    // emulator answers that static member; null otherwise.
    private static int? StaticMemberHeadEnd(string t)
    {
        var typeEnd = Statements.MatchingClose(t, 0, ']');
        if (typeEnd < 2 || typeEnd + 3 >= t.Length || t[typeEnd + 1] != ':' || t[typeEnd + 2] != ':') return null;
        var end = typeEnd + 3;
        while (end < t.Length && (char.IsLetterOrDigit(t[end]) || t[end] == '_')) end++;
        if (end == typeEnd + 3) return null;
        if (end < t.Length && t[end] == '(')
        {
            end = Statements.MatchingClose(t, end, ')');
            if (end < 0) return null;
            end++;
        }

        if (end >= t.Length || t[end] is not ('.' or '[')) return null;
        return TypeOperation(t[..end]) is not null ? end - 1 : null;
    }

    /// <summary>
    /// The target of an element assignment: a variable with member and index steps after it (<c>$x.Name</c> too),
    /// the last of them no method call; null for anything else.
    /// </summary>
    public static (string Head, List<Accessor> Steps)? MemberAccessForAssignment(string text) =>
        text.TrimStart().StartsWith('$') && MemberAccess(text, forAssignment: true) is var (head, steps) && head.StartsWith('$') && head is not ['$', '(', ..] && !steps[^1].IsMethod
            ? (head, steps)
            : null;

    /// <summary>
    /// <c>value.Method(arguments)</c> for the .NET methods scripts call most on strings (ToUpper, ToLower, Trim,
    /// TrimStart, TrimEnd, Replace, Contains, StartsWith, EndsWith, IndexOf, LastIndexOf, Substring, Split, PadLeft,
    /// PadRight, Insert, Remove, ToCharArray, Equals, CompareTo, ToString), on dates, on arrays (Contains, ToString) and
    /// GetType of anything; a method the emulator does not know is PowerShell's MethodNotFound error.
    /// </summary>
    public static PsValue Method(PsValue? value, string name, IReadOnlyList<PsValue> arguments)
    {
        // An [xml] node's methods (SelectNodes, SetAttribute, AppendChild...).
        if (XmlNodes.TryGet(value, out var xmlNode) && XmlNodes.Method(xmlNode, name, arguments) is { } xmlResult) return xmlResult;
        string Arg(int i) => i < arguments.Count ? Text(arguments[i]) : string.Empty;
        int Int(int i) => i < arguments.Count && AsNumber(arguments[i]) is { } n ? (int)n : 0;
        if (IsNull(value))
        {
            throw new ScriptExpressionException(new ScriptedError("You cannot call a method on a null-valued expression.", "InvokeMethodOnNull",
                Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
        }

        // A primitive's wrapper (a string with notes, a deserialized enum over its number) has the primitive's methods,
        // but ToString() is PSObject's, which gives the text the object arrived with (the enum's name).
        if (WrappedPrimitive(value) is { } inner)
        {
            if (value is PsObject { ToStringValue: { } arrived } && name.Equals("ToString", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0) return PsPrimitive.String(arrived);
            value = inner;
        }
        try
        {
            if (name.Equals("ToString", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0)
            {
                // A type's own ToString is its full name; in a string PowerShell writes its accelerator (int). A
                // PSCustomObject's ToString() is empty (its "@{a=1}" is the text a string or -join gives it).
                if (value is PsObject custom && PipelineVariables.IsCustomObject(custom)) return PsPrimitive.String(string.Empty);
                // A date's ToString() is the current culture's (en-US: 12/1/2026 11:09:28 AM); "$date" the invariant one.
                if (value is PsPrimitive { Value: DateTimeOffset } date) return PsPrimitive.String(DateKinds.Format(date, null, EnglishUnitedStates.Culture));
                // A collection's ToString() is Object.ToString, its type's name ((1..3).ToString() is System.Object[]); "$list"
                // and -join are PowerShell's conversions, which join the items.
                if (value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } collection &&
                    !XmlNodes.TryGet(collection, out _))
                {
                    return PsPrimitive.String(collection.ToStringValue ?? (TypeOf(collection).ToStringValue is { } typeName ? TypeToString(typeName) : Text(value)));
                }

                return PsPrimitive.String(value is PsObject { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } fullName } ? TypeToString(fullName) : Text(value));
            }

            if (name.Equals("GetType", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0) return TypeOf(value!);
            if (value is PsObject reflectable && ReflectionMethod(reflectable, name, arguments) is { } reflected) return reflected;
            if (value is PsObject enumerated && EnumMethod(enumerated, name, arguments) is { } enumResult) return enumResult;
            if (value is PsObject { TypeNames: ["Microsoft.Win32.RegistryKey", ..] } registryKey && RegistryKeyMethods.Call(registryKey, name, arguments) is { } fromKey) return fromKey;
            if (name.Equals("ToString", StringComparison.OrdinalIgnoreCase) && arguments.Count is 1 or 2 && value is PsPrimitive { Value: IFormattable formattable } formatted &&
                (arguments.Count == 1 || arguments[1] is PsObject { TypeNames: [CultureInfoTypeName, ..] }))
            {
                // A date as a computer in UTC shows it (its Kind deciding the zone); both in the current culture (en-US on a
                // Windows server), or the culture given ([cultureinfo]::InvariantCulture: .NET's invariant one).
                var format = Arg(0);
                var culture = arguments.Count == 2 ? ProviderCulture(arguments[1]) : EnglishUnitedStates.Culture;
                return PsPrimitive.String(formattable is DateTimeOffset ? DateKinds.Format(formatted, format, culture) : WindowsText.Format(formattable, format, culture));
            }

            // Version.ToString(fieldCount): its first fields ([version]'1.2.3.4' .ToString(3) is 1.2.3); more than it has is .NET's error.
            if (name.Equals("ToString", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1 && value is PsPrimitive { Type: PsPrimitiveType.Version } versionValue &&
                Version.TryParse(Text(versionValue), out var version) && AsNumber(arguments[0]) is { } fields)
            {
                var defined = version.Revision >= 0 ? 4 : version.Build >= 0 ? 3 : 2;
                if (fields < 0 || fields > defined)
                {
                    throw new ArgumentException($"Argument must be between 0 and {defined}.\r\nParameter name: fieldCount");
                }

                return PsPrimitive.String(version.ToString((int)fields));
            }

            if (PrimitiveOf(value) is { } primitive && PrimitiveObjectMethod(primitive, name, arguments) is { } primitiveResult) return primitiveResult;

            if (IsCollection(value) && name.Equals("Contains", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1 && !(value is PsObject set && IsHashSet(set)))
            {
                return PsPrimitive.Boolean(Enumerate(value).Any(item => ScalarEquals(item, arguments[0], caseSensitive: true)));
            }

            if (value is PsObject { TypeNames: [StringBuilderTypeName, ..] } builder && StringBuilderMethod(builder, name, arguments) is { } built) return built;
            if (value is PsObject { TypeNames: [_, StringComparerTypeName, ..] } stringComparer && StringComparerMethod(stringComparer, name, arguments) is { } compared) return compared;
            if (value is PsObject { TypeNames: [RegexTypeName, ..] } regex && RegexInstanceMethod(regex, name, arguments) is { } regexResult) return regexResult;
            if (value is PsObject { TypeNames: [DateTimeOffsetTypeName, ..] } offset && DateTimeOffsetMethod(offset, name, arguments) is { } offsetResult) return offsetResult;
            if (value is PsObject { CollectionKind: PsCollectionKind.Dictionary } table && TableMethod(table, name, arguments) is { } tableResult) return tableResult;
            if (value is PsObject { TypeNames: [_, EncodingTypeName, ..] } encoding && EncodingMethod(encoding, name, arguments) is { } encoded) return encoded;
            if (value is PsObject members && IsMemberCollection(members) && MemberCollectionMethod(members, name, arguments) is { } membersResult) return membersResult;
            if (value is PsObject { CollectionKind: PsCollectionKind.Queue or PsCollectionKind.Stack } queued && QueueStackMethod(queued, name, arguments) is { } queueResult) return queueResult;
            // $o.PSObject.Copy(): a new object with the same members (their values shared), which changes apart from the original.
            if (value is PsObject { TypeNames: ["System.Management.Automation.PSObject", ..] } view && name.Equals("Copy", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0 &&
                view["BaseObject"] is { } original)
            {
                return original is PsObject copied ? copied.ShallowCopy() : original;
            }

            if (value is PsObject list && IsCollection(list) && ListMethod(list, name, arguments) is { } listResult) return listResult;

            if (value is PsPrimitive { Value: DateTimeOffset } datePrimitive && DateMethod(datePrimitive, name, arguments) is { } dateResult) return dateResult;

            if (value is PsPrimitive { Value: string s })
            {
                var ordinal = StringComparison.Ordinal;
                PsValue? result = (name.ToUpperInvariant(), arguments.Count) switch
                {
                    ("TOUPPER", 0) => PsPrimitive.String(s.ToUpperInvariant()),
                    ("TOLOWER", 0) => PsPrimitive.String(s.ToLowerInvariant()),
                    // ToUpper/ToLower(CultureInfo): en-US's and the invariant culture's casing are the same.
                    ("TOUPPER", 1) when arguments[0] is PsObject { TypeNames: [CultureInfoTypeName, ..] } => PsPrimitive.String(s.ToUpperInvariant()),
                    ("TOLOWER", 1) when arguments[0] is PsObject { TypeNames: [CultureInfoTypeName, ..] } => PsPrimitive.String(s.ToLowerInvariant()),
                    ("TOUPPERINVARIANT", 0) => PsPrimitive.String(s.ToUpperInvariant()),
                    ("TOLOWERINVARIANT", 0) => PsPrimitive.String(s.ToLowerInvariant()),
                    ("TRIM", 0) => PsPrimitive.String(s.Trim()),
                    ("TRIM", 1) => PsPrimitive.String(s.Trim(Arg(0).ToCharArray())),
                    ("TRIMSTART", 0) => PsPrimitive.String(s.TrimStart()),
                    ("TRIMSTART", 1) => PsPrimitive.String(s.TrimStart(Arg(0).ToCharArray())),
                    ("TRIMEND", 0) => PsPrimitive.String(s.TrimEnd()),
                    ("TRIMEND", 1) => PsPrimitive.String(s.TrimEnd(Arg(0).ToCharArray())),
                    // Trim('"', "'"), TrimEnd('\', '/'): params char[], every argument's characters.
                    ("TRIM", > 1) => PsPrimitive.String(s.Trim(AllChars())),
                    ("TRIMSTART", > 1) => PsPrimitive.String(s.TrimStart(AllChars())),
                    ("TRIMEND", > 1) => PsPrimitive.String(s.TrimEnd(AllChars())),
                    ("INDEXOFANY", 1) => PsPrimitive.Int32(s.IndexOfAny(CharsOf(arguments[0]))),
                    ("LASTINDEXOFANY", 1) => PsPrimitive.Int32(s.LastIndexOfAny(CharsOf(arguments[0]))),
                    ("CHARS", 1) => Int(0) is var index && index >= 0 && index < s.Length ? PsPrimitive.Char(s[index]) : throw new IndexOutOfRangeException("Index was outside the bounds of the array."),
                    ("CLONE", 0) => PsPrimitive.String(s),
                    ("REPLACE", 2) => Arg(0).Length == 0 ? throw new ArgumentException("String cannot be of zero length.") : Limited(s.Replace(Arg(0), Arg(1), ordinal)),
                    ("CONTAINS", 1) => PsPrimitive.Boolean(s.Contains(Arg(0), ordinal)),
                    ("STARTSWITH", 1) => PsPrimitive.Boolean(s.StartsWith(Arg(0), ordinal)),
                    ("ENDSWITH", 1) => PsPrimitive.Boolean(s.EndsWith(Arg(0), ordinal)),
                    ("INDEXOF", 1) => PsPrimitive.Int32(s.IndexOf(Arg(0), ordinal)),
                    ("INDEXOF", 2) => PsPrimitive.Int32(IsComparison(arguments[1]) ? s.IndexOf(Arg(0), Comparison(1)) : s.IndexOf(Arg(0), Int(1), ordinal)),
                    ("LASTINDEXOF", 1) => PsPrimitive.Int32(s.LastIndexOf(Arg(0), ordinal)),
                    ("INSERT", 2) => Limited(s.Insert(Int(0), Arg(1))),
                    ("REMOVE", 1) => PsPrimitive.String(s.Remove(Int(0))),
                    ("REMOVE", 2) => PsPrimitive.String(s.Remove(Int(0), Int(1))),
                    ("TOCHARARRAY", 0) => PsObjects.List(s.Select(c => (PsValue)PsPrimitive.Char(c)).ToList(), ["System.Char[]", "System.Array", "System.Object"]),
                    ("EQUALS", 1) => PsPrimitive.Boolean(s.Equals(Arg(0), ordinal)),
                    // CompareTo(Object) for anything but a string: null sorts first, another type is .NET's error.
                    ("COMPARETO", 1) when IsNull(arguments[0]) => PsPrimitive.Int32(1),
                    ("COMPARETO", 1) when PrimitiveOf(arguments[0]) is not { Value: string } =>
                        throw new ScriptExpressionException(ScriptedError.MethodInvocation("CompareTo", 1, "Object must be of type String.", typeof(ArgumentException))),
                    ("COMPARETO", 1) => PsPrimitive.Int32(WindowsCollation.Compare(s, Arg(0), ignoreCase: false)),
                    ("GETHASHCODE", 0) => PsPrimitive.Int32(FrameworkStringHash(s)),
                    ("SUBSTRING", 1) => PsPrimitive.String(s.Substring(Int(0))),
                    ("SUBSTRING", 2) => PsPrimitive.String(s.Substring(Int(0), Int(1))),
                    // The .NET Framework's overloads: Split(params char[]) takes a string's characters each as a
                    // separator ('a--b'.Split('--') is three pieces), with no argument it splits at white space.
                    ("SPLIT", 0) => Pieces(s.Split()),
                    ("SPLIT", 1) => Pieces(s.Split(Arg(0).ToCharArray())),
                    ("SPLIT", 2) => SplitOptions(arguments[1]) is { } options
                        ? Pieces(IsCollection(arguments[0]) ? s.Split([.. Enumerate(arguments[0]).Select(Text)], options) : s.Split(Arg(0).ToCharArray(), options))
                        : Pieces(s.Split(Arg(0).ToCharArray(), Int(1))),
                    // Split(char[] or string[], count, options).
                    ("SPLIT", 3) when SplitOptions(arguments[2]) is { } countedOptions => Int(1) < 0
                        ? throw new ArgumentOutOfRangeException("count", "Count cannot be less than zero.")
                        : Pieces(IsCollection(arguments[0]) ? s.Split([.. Enumerate(arguments[0]).Select(Text)], Int(1), countedOptions) : s.Split(Arg(0).ToCharArray(), Int(1), countedOptions)),
                    ("PADLEFT", 1) => Int(0) > MaxArithmeticLength ? throw TooLarge() : PsPrimitive.String(s.PadLeft(Int(0))),
                    ("PADRIGHT", 1) => Int(0) > MaxArithmeticLength ? throw TooLarge() : PsPrimitive.String(s.PadRight(Int(0))),
                    ("PADLEFT", 2) => Int(0) > MaxArithmeticLength ? throw TooLarge() : PsPrimitive.String(s.PadLeft(Int(0), OneChar(1))),
                    ("PADRIGHT", 2) => Int(0) > MaxArithmeticLength ? throw TooLarge() : PsPrimitive.String(s.PadRight(Int(0), OneChar(1))),
                    // StartsWith('he', 'OrdinalIgnoreCase'): a StringComparison by name or number.
                    ("STARTSWITH", 2) => PsPrimitive.Boolean(s.StartsWith(Arg(0), Comparison(1))),
                    ("ENDSWITH", 2) => PsPrimitive.Boolean(s.EndsWith(Arg(0), Comparison(1))),
                    ("EQUALS", 2) => PsPrimitive.Boolean(s.Equals(Arg(0), Comparison(1))),
                    ("LASTINDEXOF", 2) => PsPrimitive.Int32(IsComparison(arguments[1]) ? s.LastIndexOf(Arg(0), Comparison(1)) : s.LastIndexOf(Arg(0), Int(1), ordinal)),
                    _ => null,
                };
                if (result is not null) return result;
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or OverflowException or IndexOutOfRangeException or InvalidOperationException)
        {
            // .NET's exception, as PowerShell reports it: MethodInvocationException.
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, WindowsText.FrameworkMessage(e), e.GetType()));
        }

        // A method String has, called with an argument count none of its overloads takes: PowerShell's MethodCountCouldNotFindBest;
        // with one of its overloads' counts, one the emulator does not emulate.
        if (value is PsPrimitive { Value: string } && StringMethodNames.Contains(name))
        {
            throw new ScriptExpressionException(StringOverloadCounts.TryGetValue(name, out var counts) && (counts.Contains(arguments.Count) || counts.Contains(-1))
                ? ScriptedError.ScenarioFault($"String.{name}() with {arguments.Count} argument(s) is not emulated: give the command a rule (match: its whole text)")
                : ScriptedError.MethodCount(name, arguments.Count));
        }

        // A method .NET has on the type that the emulator does not emulate: not PowerShell's MethodNotFound, which a
        // script's catch would take for a real failure.
        if (UnemulatedMethods.TryGetValue(TypeName(value), out var methods) && methods.Contains(name))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[{TypeName(value)}].{name}() is not emulated: give the command a rule (match: its whole text)"));
        }

        throw new ScriptExpressionException(ScriptedError.MethodNotFound(name, TypeName(value)));

        static PsValue Limited(string text) => text.Length > MaxArithmeticLength ? throw TooLarge() : PsPrimitive.String(text);

        // A char[] argument: a collection's items' characters, or a string's.
        static char[] CharsOf(PsValue value) => [.. Enumerate(value).SelectMany(item => Text(item))];
        char[] AllChars() => [.. arguments.SelectMany(CharsOf)];
        static PsValue Pieces(string[] pieces) => PsObjects.List([.. pieces.Select(p => (PsValue)PsPrimitive.String(p))], ["System.String[]", "System.Array", "System.Object"]);

        // PowerShell converts a one-character string to a char; another text is its conversion error.
        char OneChar(int i) => Arg(i) is [var c] ? c
            : throw new ScriptExpressionException(ScriptedError.MethodArgumentConversion("paddingChar", Arg(i), name, "System.Char",
                $"Cannot convert value \"{Arg(i)}\" to type \"System.Char\". Error: \"String must be exactly one character long.\""));

        StringComparison Comparison(int i) =>
            AsNumber(arguments[i]) is { } n && n is >= 0 and <= 5 ? (StringComparison)(int)n
            : Enum.TryParse<StringComparison>(Arg(i).Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new ArgumentException($"The string comparison type passed in is currently not supported.", "comparisonType");

        // A StringComparison (by name, or the enum's value) rather than a start index.
        static bool IsComparison(PsValue value) =>
            value is PsPrimitive { Value: string text } ? Enum.TryParse<StringComparison>(text.Trim(), ignoreCase: true, out _) && !int.TryParse(text, out _)
            : value is PsObject { TypeNames: [var type, ..] } && type.EndsWith("StringComparison", StringComparison.Ordinal);

        static StringSplitOptions? SplitOptions(PsValue value) =>
            value is PsPrimitive { Value: string text } && Enum.TryParse<StringSplitOptions>(text.Trim(), ignoreCase: true, out var parsed) && parsed <= StringSplitOptions.RemoveEmptyEntries ? parsed
            : value is PsObject { BaseValue: PsPrimitive { Value: int n } } enumValue && enumValue.TypeNames is [var type, ..] && type.EndsWith("StringSplitOptions", StringComparison.Ordinal) ? (StringSplitOptions)n
            : null;
    }

    // System.DateTime's methods scripts call (its Add* methods and the short and long texts, en-US as a Windows server's
    // usual culture writes them); null for another. The emulated computers keep UTC: ToUniversalTime and ToLocalTime
    // give the same time, of Kind Utc and Local; the others keep the date's Kind.
    private static PsValue? DateMethod(PsPrimitive date, string name, IReadOnlyList<PsValue> arguments)
    {
        double Amount() => arguments[0] is PsNil ? 0 : AsNumber(arguments[0]) ?? throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(arguments[0])));
        var utc = ((DateTimeOffset)date.Value).ToOffset(TimeSpan.Zero);
        return (name.ToUpperInvariant(), arguments.Count) switch
        {
            ("ADDYEARS", 1) => DateKinds.With(date, utc.AddYears(checked((int)Amount()))),
            ("ADDMONTHS", 1) => DateKinds.With(date, utc.AddMonths(checked((int)Amount()))),
            ("ADDDAYS", 1) => DateKinds.With(date, utc.AddDays(Amount())),
            ("ADDHOURS", 1) => DateKinds.With(date, utc.AddHours(Amount())),
            ("ADDMINUTES", 1) => DateKinds.With(date, utc.AddMinutes(Amount())),
            ("ADDSECONDS", 1) => DateKinds.With(date, utc.AddSeconds(Amount())),
            ("ADDMILLISECONDS", 1) => DateKinds.With(date, utc.AddMilliseconds(Amount())),
            ("ADDTICKS", 1) => DateKinds.With(date, utc.AddTicks(checked((long)Amount()))),
            ("ADD", 1) when arguments[0] is PsPrimitive { Value: TimeSpan span } => DateKinds.With(date, utc + span),
            ("SUBTRACT", 1) when arguments[0] is PsPrimitive { Value: TimeSpan span } => DateKinds.With(date, utc - span),
            ("SUBTRACT", 1) when arguments[0] is PsPrimitive { Value: DateTimeOffset other } => PsPrimitive.Duration(utc - other),
            ("TOUNIVERSALTIME", 0) => PsPrimitive.DateTime(utc, DateTimeKind.Utc),
            ("TOLOCALTIME", 0) => PsPrimitive.DateTime(utc, DateTimeKind.Local),
            ("TOSHORTDATESTRING", 0) => PsPrimitive.String(utc.ToString("M/d/yyyy", CultureInfo.InvariantCulture)),
            ("TOLONGDATESTRING", 0) => PsPrimitive.String(utc.ToString("dddd, MMMM d, yyyy", CultureInfo.InvariantCulture)),
            ("TOSHORTTIMESTRING", 0) => PsPrimitive.String(utc.ToString("h:mm tt", CultureInfo.InvariantCulture)),
            ("TOLONGTIMESTRING", 0) => PsPrimitive.String(utc.ToString("h:mm:ss tt", CultureInfo.InvariantCulture)),
            // A Windows file time (100 ns since 1601, UTC; the computers keep UTC): Ansible's win_reboot compares boot times so.
            ("TOFILETIME" or "TOFILETIMEUTC", 0) => PsPrimitive.Int64(utc.UtcDateTime.ToFileTimeUtc()),
            ("TOBINARY", 0) => PsPrimitive.Int64(utc.UtcDateTime.ToBinary()),
            // The computers keep UTC (Set-TimeZone takes no other zone), which has no daylight saving time.
            ("ISDAYLIGHTSAVINGTIME", 0) => PsPrimitive.Boolean(false),
            _ => null,
        };
    }

    /// <summary>
    /// A ConcurrentDictionary[K,V]'s own methods: TryAdd and TryUpdate tell whether they changed it, GetOrAdd gives the
    /// value there or the one it added, ToArray its pairs; Add and Remove are IDictionary's explicit members, which
    /// Windows PowerShell 5.1 does not call (MethodNotFound). Null for the methods it shares with Dictionary[K,V].
    /// (TryGetValue and TryRemove with [ref], and AddOrUpdate and GetOrAdd with a script block, are the script's steps'.)
    /// </summary>
    private static PsValue? ConcurrentDictionaryMethod(PsObject table, string name, IReadOnlyList<PsValue> arguments, KnownType keyType, KnownType valueType)
    {
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("ADD" or "REMOVE", _):
                throw new ScriptExpressionException(ScriptedError.MethodNotFound(name, table.TypeNames![0]));
            case ("TRYADD", 2):
            {
                var key = ConcurrentKey(arguments[0], keyType);
                if (TableKeys.Find(table, key) >= 0) return PsPrimitive.Boolean(false);
                AddEntry(table, key, Cast(arguments[1], valueType));
                return PsPrimitive.Boolean(true);
            }

            case ("TRYUPDATE", 3):
            {
                var at = TableKeys.Find(table, ConcurrentKey(arguments[0], keyType));
                if (at < 0 || !ScalarEquals(table.Entries[at].Value, Cast(arguments[2], valueType), caseSensitive: true)) return PsPrimitive.Boolean(false);
                table.Entries[at] = new(table.Entries[at].Key, Cast(arguments[1], valueType));
                return PsPrimitive.Boolean(true);
            }

            case ("GETORADD", 2) when arguments[1] is not PsPrimitive { Type: PsPrimitiveType.ScriptBlock }:
            {
                var key = ConcurrentKey(arguments[0], keyType);
                return TableKeys.Find(table, key) is var at and >= 0 ? table.Entries[at].Value : AddEntry(table, key, Cast(arguments[1], valueType));
            }

            case ("TOARRAY", 0):
                return PsObjects.List([.. table.Entries.Select(e => (PsValue)KeyValuePairOf(e.Key, e.Value, keyType, valueType))],
                    [$"{KeyValuePairTypeName}[{QualifiedTypeArgument(keyType.ScriptName)},{QualifiedTypeArgument(valueType.ScriptName)}][]", "System.Array", "System.Object"]);
            default:
                return null;
        }
    }

    /// <summary>Adds an entry whose key the table has not (within the emulator's limit on a table's entries); the value added.</summary>
    internal static PsValue AddEntry(PsObject table, PsValue key, PsValue value)
    {
        if (table.Entries.Count >= MaxTableEntries) throw TableTooLarge();
        TableKeys.Add(table, key, value);
        return value;
    }

    // A ConcurrentDictionary's key: K's value ($null as PowerShell passes it: "" to a string, 0 to a number); a key that
    // is still null is .NET's ArgumentNullException.
    internal static PsValue ConcurrentKey(PsValue key, KnownType keyType) =>
        (IsNull(key) && keyType.FullName == "System.String" ? PsPrimitive.String(string.Empty) : Cast(key, keyType)) is var converted && IsNull(converted)
            ? throw new ArgumentNullException("key")
            : converted;

    /// <summary>Where a hashtable's key is among its entries (as PowerShell's Hashtable compares keys, <see cref="TableKeys"/>); -1 when absent.</summary>
    internal static int FindEntry(PsObject table, PsValue? key) => TableKeys.Find(table, key);

    // A hashtable's methods; void ones give $null (no output). Null for a method it has not.
    private static PsValue? TableMethod(PsObject table, string name, IReadOnlyList<PsValue> arguments)
    {
        var entries = table.Entries;
        int Find(PsValue? key) => FindEntry(table, key);
        if (GenericDictionaryTypes(table) is var (keyType, valueType))
        {
            // Dictionary[K,V]: keys and values converted to K and V; Remove tells whether it removed; .NET's messages.
            if (IsConcurrentDictionary(table) && ConcurrentDictionaryMethod(table, name, arguments, keyType, valueType) is { } concurrentResult) return concurrentResult;
            switch (name.ToUpperInvariant(), arguments.Count)
            {
                case ("ADD", 2):
                    var key = Cast(arguments[0], keyType);
                    if (Find(key) >= 0) throw new ArgumentException("An item with the same key has already been added.");
                    if (entries.Count >= MaxTableEntries) throw TableTooLarge();
                    TableKeys.Add(table, key, Cast(arguments[1], valueType));
                    return PsNil.Instance;
                case ("REMOVE", 1):
                    var found = Find(Cast(arguments[0], keyType));
                    if (found >= 0) TableKeys.RemoveAt(table, found);
                    return PsPrimitive.Boolean(found >= 0);
                case ("CONTAINSKEY", 1):
                    return PsPrimitive.Boolean(Find(Cast(arguments[0], keyType)) >= 0);
                case ("CONTAINS" or "CLONE", _):
                    return null;
                case ("GETENUMERATOR", 0):
                    return PsObjects.List([.. entries.Select(e => (PsValue)KeyValuePairOf(e.Key, e.Value, keyType, valueType))], [$"System.Collections.Generic.Dictionary`2+Enumerator", "System.Object"]);
            }
        }

        if (table.TypeNames is [OrderedDictionaryTypeName, ..] && OrderedDictionaryMethod(table, name, arguments) is { } orderedResult) return orderedResult;
        if (table.TypeNames is [SortedListTypeName, ..] && SortedListMethod(table, name, arguments) is { } sortedResult) return sortedResult;

        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("CONTAINSKEY" or "CONTAINS", 1):
                return PsPrimitive.Boolean(Find(arguments[0]) >= 0);
            case ("CONTAINSVALUE", 1):
                return PsPrimitive.Boolean(entries.Any(e => ScalarEquals(e.Value, arguments[0], caseSensitive: true)));
            case ("ADD", 2):
                if (Find(arguments[0]) is var existing and >= 0) throw KeyAlreadyAdded(entries[existing].Key, arguments[0]);

                if (entries.Count >= MaxTableEntries) throw TableTooLarge();
                TableKeys.Add(table, arguments[0], arguments[1]);
                return PsNil.Instance;
            case ("REMOVE", 1):
                if (Find(arguments[0]) is var at and >= 0) TableKeys.RemoveAt(table, at);
                return PsNil.Instance;
            case ("CLEAR", 0):
                TableKeys.Clear(table);
                return PsNil.Instance;
            case ("CLONE", 0):
                // A shallow copy: the same keys and values in a table of its own (what a loop that changes the table goes over).
                var copy = PsObjects.Dictionary([], table.TypeNames);
                // Hashtable.Clone makes a table for the count and adds the entries in their order.
                HashtableOrder.Reserve(copy, entries.Count);
                foreach (var entry in entries) TableKeys.Add(copy, entry.Key, entry.Value);
                return copy;
            case ("GETENUMERATOR", 0):
                // Its entries as DictionaryEntry objects (Key, Value, and Name for Key), which a pipeline takes one by one.
                return PsObjects.List([.. entries.Select(e => (PsValue)Formatting.FormatViews.DictionaryEntryOf(e.Key, e.Value))],
                    ["System.Collections.Hashtable+HashtableEnumerator", "System.Object"]);
            default:
                return null;
        }
    }

    // Hashtable.Add's error for a key it has (the key it holds, then the one added: 'a' and 'A' without regard to case).
    private static ArgumentException KeyAlreadyAdded(PsValue held, PsValue added) =>
        new($"Item has already been added. Key in dictionary: '{Text(held)}'  Key being added: '{Text(added)}'");

    // OrderedDictionary's positional methods: Insert(index, key, value) and RemoveAt(index), with the .NET Framework's
    // checks (an index past the end, a key already there: its Hashtable's message); null for another method.
    private static PsValue? OrderedDictionaryMethod(PsObject table, string name, IReadOnlyList<PsValue> arguments)
    {
        int Position(int i) => AsNumber(arguments[i]) is { } n ? (int)n : -1;
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("INSERT", 3):
                var at = Position(0);
                if (at < 0 || at > table.Entries.Count) throw new ArgumentOutOfRangeException("index");
                if (TableKeys.Find(table, arguments[1]) is var existing and >= 0) throw KeyAlreadyAdded(table.Entries[existing].Key, arguments[1]);

                if (table.Entries.Count >= MaxTableEntries) throw TableTooLarge();
                TableKeys.Insert(table, at, arguments[1], arguments[2]);
                return PsNil.Instance;
            case ("REMOVEAT", 1):
                var from = Position(0);
                if (from < 0 || from >= table.Entries.Count) throw new ArgumentOutOfRangeException("index");
                TableKeys.RemoveAt(table, from);
                return PsNil.Instance;
            default:
                return null;
        }
    }

    /// <summary>
    /// An entry of a table as enumerating it gives it (what Out-Default's expansion formats): a generic Dictionary's a
    /// KeyValuePair (Key, Value), a Hashtable's or ordered dictionary's a DictionaryEntry (Name, Key, Value).
    /// </summary>
    internal static PsObject EnumeratedEntry(PsObject table, PsValue key, PsValue value) =>
        GenericDictionaryTypes(table) is var (keyType, valueType) ? KeyValuePairOf(key, value, keyType, valueType) : Formatting.FormatViews.DictionaryEntryOf(key, value);

    // A Dictionary[K,V]'s entry as its enumerator gives it: a KeyValuePair[K,V] with Key and Value.
    private static PsObject KeyValuePairOf(PsValue key, PsValue value, KnownType keyType, KnownType valueType)
    {
        var pair = new PsObject([$"{KeyValuePairTypeName}[{QualifiedTypeArgument(keyType.ScriptName)},{QualifiedTypeArgument(valueType.ScriptName)}]", "System.ValueType", "System.Object"])
        {
            ToStringValue = $"[{Text(key)}, {Text(value)}]",
        };
        pair.AdaptedProperties.AddRange([new("Key", key), new("Value", value)]);
        return pair;
    }

    // The argument counts of String's overloads in the .NET Framework (-1: params, any count).
    private static readonly Dictionary<string, int[]> StringOverloadCounts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Clone"] = [0], ["CompareTo"] = [1], ["Contains"] = [1], ["CopyTo"] = [4], ["EndsWith"] = [1, 2, 3], ["Equals"] = [1, 2], ["GetEnumerator"] = [0],
        ["GetHashCode"] = [0], ["GetType"] = [0], ["GetTypeCode"] = [0], ["IndexOf"] = [1, 2, 3, 4], ["IndexOfAny"] = [1, 2, 3], ["Insert"] = [2],
        ["IsNormalized"] = [0, 1], ["LastIndexOf"] = [1, 2, 3, 4], ["LastIndexOfAny"] = [1, 2, 3], ["Normalize"] = [0, 1], ["PadLeft"] = [1, 2],
        ["PadRight"] = [1, 2], ["Remove"] = [1, 2], ["Replace"] = [2], ["Split"] = [1, 2, 3], ["StartsWith"] = [1, 2, 3], ["Substring"] = [1, 2],
        ["ToCharArray"] = [0, 2], ["ToLower"] = [0, 1], ["ToLowerInvariant"] = [0], ["ToString"] = [0, 1], ["ToUpper"] = [0, 1], ["ToUpperInvariant"] = [0],
        ["Trim"] = [-1], ["TrimEnd"] = [-1], ["TrimStart"] = [-1],
    };

    // Methods .NET Framework's types have that the emulator does not emulate, by the type's name.
    private static readonly Dictionary<string, HashSet<string>> UnemulatedMethods = new(StringComparer.Ordinal)
    {
        ["System.Management.Automation.ScriptBlock"] = new(StringComparer.OrdinalIgnoreCase) { "InvokeWithContext", "GetSteppablePipeline", "CheckRestrictedLanguage", "GetPowerShell" },
        ["System.Object[]"] = new(StringComparer.OrdinalIgnoreCase) { "GetEnumerator", "GetValue", "SetValue", "CopyTo", "Clone", "GetLength", "GetLongLength", "GetUpperBound", "GetLowerBound", "Initialize" },
        ["System.DateTime"] = new(StringComparer.OrdinalIgnoreCase) { "ToOADate", "ToBinary", "GetDateTimeFormats", "GetTypeCode" },
    };

    // System.String's public instance methods in the .NET Framework.
    private static readonly HashSet<string> StringMethodNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Clone", "CompareTo", "Contains", "CopyTo", "EndsWith", "Equals", "GetEnumerator", "GetHashCode", "GetType", "GetTypeCode", "IndexOf", "IndexOfAny",
        "Insert", "IsNormalized", "LastIndexOf", "LastIndexOfAny", "Normalize", "PadLeft", "PadRight", "Remove", "Replace", "Split", "StartsWith", "Substring",
        "ToCharArray", "ToLower", "ToLowerInvariant", "ToString", "ToUpper", "ToUpperInvariant", "Trim", "TrimEnd", "TrimStart",
    };

    /// <summary>
    /// Whether a list's .NET type is no array: an ArrayList, a List or HashSet of T, a deserialized array (an
    /// ArrayList). It has no Length of its own, and <c>[array]</c> makes an object[] of its items.
    /// </summary>
    internal static bool IsListNoArray(PsObject list) =>
        list is { CollectionKind: PsCollectionKind.List, TypeNames: [var first, ..] } &&
        (first == ArrayListTypeNames[0] || first.StartsWith("System.Collections.Generic.List`1", StringComparison.Ordinal) ||
         first.StartsWith("System.Collections.Generic.HashSet`1", StringComparison.Ordinal) || first.StartsWith(SortedSetTypeName, StringComparison.Ordinal) ||
         DeserializedRuntimeType(list) is not null);

    /// <summary>Whether a list grows and shrinks in place (an ArrayList, a List of T), unlike an array.</summary>
    internal static bool IsGrowable(PsObject list) =>
        list.TypeNames is [var first, ..] && (first == ArrayListTypeNames[0] || (IsSynchronizedWrapper(list) && list.TypeNames[1] == ArrayListTypeNames[0]) ||
                                              first.StartsWith("System.Collections.Generic.List`1", StringComparison.Ordinal) || IsHashSet(list) ||
                                              DeserializedRuntimeType(list) == ArrayListTypeNames[0]);

    // A HashSet[T] or SortedSet[T] the script made: distinct items, Add and Remove telling whether they changed it.
    private static bool IsHashSet(PsObject list) => list.TypeNames is [var first, ..] && (first.StartsWith(HashSetTypeName + "[[", StringComparison.Ordinal) || IsSortedSet(list));

    /// <summary>default(T) of a generic collection's element type: a primitive's ([int]$null, 0; [bool]$null, False), else $null.</summary>
    internal static PsValue ElementDefault(PsObject collection) =>
        GenericListElement(collection) is { } element && TypeFacts(element.FullName, null).Primitive ? Cast(PsNil.Instance, element) : PsNil.Instance;

    // A SortedSet[T]: a set whose items stay in the default comparer's order.
    private static bool IsSortedSet(PsObject list) => list.TypeNames is [var first, ..] && first.StartsWith(SortedSetTypeName + "[[", StringComparison.Ordinal);

    // The element type of a List[T] or HashSet[T] the script made (its type name carries T), null for any other list.
    private static KnownType? GenericListElement(PsObject list)
    {
        if (list.TypeNames is not [var first, ..]) return null;
        var prefix = first.StartsWith("System.Collections.Generic.List`1[[", StringComparison.Ordinal) ? "System.Collections.Generic.List`1[["
            : first.StartsWith(HashSetTypeName + "[[", StringComparison.Ordinal) ? HashSetTypeName + "[["
            : first.StartsWith(SortedSetTypeName + "[[", StringComparison.Ordinal) ? SortedSetTypeName + "[[" : null;
        return prefix is not null && GenericTypeArguments(first) is [var element] ? ResolveType(element) : null;
    }

    // A HashSet's own methods (Add and Remove tell whether the set changed; the set operations change it in place); null for another.
    private static PsValue? HashSetMethod(PsObject set, string name, IReadOnlyList<PsValue> arguments)
    {
        var items = set.Items;
        var element = GenericListElement(set);
        PsValue Typed(PsValue value) => element is null ? value : Cast(value, element);
        // The set's comparer: the default one's (text with case), or the one its constructor was given.
        var equality = TableKeys.ComparerOf(set);
        int Find(PsValue value) => items.FindIndex(item => equality.Equals(item, value));
        // A SortedSet's item goes where the default comparer puts it; a HashSet's at the end.
        var sorted = IsSortedSet(set);
        void Insert(PsValue item)
        {
            var place = sorted ? items.FindIndex(kept => DefaultComparer.Compare(kept, item) > 0) : -1;
            if (place < 0) items.Add(item);
            else items.Insert(place, item);
        }

        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("ADD", 1):
                var added = Typed(arguments[0]);
                if (Find(added) >= 0) return PsPrimitive.Boolean(false);
                if (items.Count >= MaxCollectionItems) throw CollectionTooLarge();
                Insert(added);
                return PsPrimitive.Boolean(true);
            case ("REMOVE", 1):
                var at = Find(Typed(arguments[0]));
                if (at >= 0) items.RemoveAt(at);
                return PsPrimitive.Boolean(at >= 0);
            case ("CONTAINS", 1):
                return PsPrimitive.Boolean(Find(Typed(arguments[0])) >= 0);
            case ("UNIONWITH", 1):
                foreach (var item in Enumerate(arguments[0]).Select(Typed))
                {
                    if (Find(item) >= 0) continue;
                    if (items.Count >= MaxCollectionItems) throw CollectionTooLarge();
                    Insert(item);
                }

                return PsNil.Instance;
            case ("INTERSECTWITH", 1):
                var other = Enumerate(arguments[0]).Select(Typed).ToList();
                items.RemoveAll(item => !other.Any(o => ScalarEquals(o, item, caseSensitive: true)));
                return PsNil.Instance;
            case ("EXCEPTWITH", 1):
                var removed = Enumerate(arguments[0]).Select(Typed).ToList();
                items.RemoveAll(item => removed.Any(o => ScalarEquals(o, item, caseSensitive: true)));
                return PsNil.Instance;
            case ("ISSUBSETOF", 1):
                var superset = Enumerate(arguments[0]).ToList();
                return PsPrimitive.Boolean(items.All(item => superset.Any(o => ScalarEquals(o, item, caseSensitive: true))));
            case ("ISSUPERSETOF", 1):
                return PsPrimitive.Boolean(Enumerate(arguments[0]).All(o => Find(Typed(o)) >= 0));
            case ("OVERLAPS", 1):
                return PsPrimitive.Boolean(Enumerate(arguments[0]).Any(o => Find(Typed(o)) >= 0));
            case ("CLEAR", 0):
                items.Clear();
                return PsNil.Instance;
            default:
                return null;
        }
    }

    // A list's methods: an ArrayList's change it in place (Add gives the new item's index); an array is of a fixed size.
    // A Queue's (Enqueue, Dequeue, Peek) or Stack's (Push, Pop, Peek) methods and both's Contains, Clear, ToArray, Clone;
    // an empty one's Dequeue, Pop or Peek is .NET's InvalidOperationException. Items are in enumeration order (front or top first).
    private static PsValue? QueueStackMethod(PsObject collection, string name, IReadOnlyList<PsValue> arguments, bool concurrentChecked = false)
    {
        if (!concurrentChecked && IsConcurrentQueueOrStack(collection) && ConcurrentQueueOrStackMethod(collection, name, arguments) is { } concurrent) return concurrent;
        var items = collection.Items;
        var queue = collection.CollectionKind == PsCollectionKind.Queue;
        var element = collection.TypeNames is [var first, ..] && first.Contains("`1[[", StringComparison.Ordinal) && GenericTypeArguments(first) is [var argument]
            ? ResolveType(argument) : null;
        PsValue First() => items.Count > 0 ? items[0] : throw new InvalidOperationException(queue ? "Queue empty." : "Stack empty.");
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("ENQUEUE", 1) when queue:
            case ("PUSH", 1) when !queue:
                if (items.Count >= MaxCollectionItems) throw CollectionTooLarge();
                var added = element is null ? arguments[0] : Cast(arguments[0], element);
                if (queue) items.Add(added);
                else items.Insert(0, added);
                return PsNil.Instance;
            case ("DEQUEUE", 0) when queue:
            case ("POP", 0) when !queue:
                var taken = First();
                items.RemoveAt(0);
                return taken;
            case ("PEEK", 0):
                return First();
            case ("CONTAINS", 1):
                return PsPrimitive.Boolean(items.Any(item => ScalarEquals(item, arguments[0], caseSensitive: true)));
            case ("CLEAR", 0):
                items.Clear();
                return PsNil.Instance;
            case ("TOARRAY", 0):
                // Queue[T] and Stack[T] give a T[]; the non-generic ones an Object[].
                return PsObjects.List([.. items], element is null ? ListValueTemplate.ArrayTypeNames : [element.FullName + "[]", "System.Array", "System.Object"]);
            case ("CLONE", 0) when element is null:
                var copy = new PsObject(collection.TypeNames) { CollectionKind = collection.CollectionKind };
                copy.Items.AddRange(items);
                return copy;
            default:
                return null;
        }
    }

    /// <summary>
    /// ConcurrentQueue[T]'s, ConcurrentStack[T]'s and ConcurrentBag[T]'s own methods in .NET Framework 4.8: a bag's Add and a
    /// stack's PushRange put items on top; Dequeue, Pop and Peek are not theirs (their Try methods, with
    /// [ref], are the script's steps'), nor is a queue's or a bag's Clear (.NET Core's), so those are MethodNotFound. Null
    /// for the methods they share with Queue[T] and Stack[T] (Enqueue, Push, ToArray's T[], Count...).
    /// </summary>
    private static PsValue? ConcurrentQueueOrStackMethod(PsObject collection, string name, IReadOnlyList<PsValue> arguments)
    {
        var typeName = collection.TypeNames![0];
        var bag = typeName.StartsWith(ConcurrentBagTypeName, StringComparison.Ordinal);
        var queue = collection.CollectionKind == PsCollectionKind.Queue;
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("DEQUEUE" or "POP" or "PEEK", _):
            case ("CLEAR", _) when queue || bag:
            case ("PUSH", _) when bag:
            case ("ADD", _) when !bag:
                throw new ScriptExpressionException(ScriptedError.MethodNotFound(name, typeName));
            case ("ADD", 1):
                return QueueStackMethod(collection, "Push", arguments, concurrentChecked: true);
            case ("PUSHRANGE", 1) when !queue && !bag:
                foreach (var item in Enumerate(arguments[0])) QueueStackMethod(collection, "Push", [item], concurrentChecked: true);
                return PsNil.Instance;
            default:
                return null;
        }
    }

    /// <summary>The type of an object's type-name list (<c>$o.PSObject.TypeNames</c>, <c>$o.pstypenames</c>).</summary>
    internal const string TypeNameCollectionTypeName = "System.Collections.ObjectModel.Collection`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]";

    /// <summary>The object whose type names a TypeNames list is: its Insert, Add, Remove and Clear change that object's.</summary>
    internal static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, PsObject> TypeNameOwners = [];

    // $o.PSObject.TypeNames.Insert(0, 'My.Type') (custom format views), Add, Remove, Clear: Collection<string>'s, on the object.
    private static PsValue? TypeNamesMethod(PsObject list, PsObject owner, string name, IReadOnlyList<PsValue> arguments)
    {
        var names = list.Items;
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("INSERT", 2) when AsNumber(arguments[0]) is { } at && at >= 0 && at <= names.Count:
                names.Insert((int)at, PsPrimitive.String(Text(arguments[1])));
                break;
            case ("ADD", 1):
                names.Add(PsPrimitive.String(Text(arguments[0])));
                break;
            case ("REMOVE", 1):
                var index = names.FindIndex(n => Text(n) == Text(arguments[0]));
                if (index >= 0) names.RemoveAt(index);
                owner.TypeNames = [.. names.Select(Text)];
                return PsPrimitive.Boolean(index >= 0);
            case ("CLEAR", 0):
                names.Clear();
                break;
            default:
                return null;
        }

        if (names.Count > MaxCollectionItems) throw CollectionTooLarge();
        owner.TypeNames = [.. names.Select(Text)];
        return PsNil.AutomationNull;
    }

    private static PsValue? ListMethod(PsObject list, string name, IReadOnlyList<PsValue> arguments)
    {
        if (list.TypeNames is [TypeNameCollectionTypeName, ..] && TypeNameOwners.TryGetValue(list, out var typeNameOwner) &&
            TypeNamesMethod(list, typeNameOwner, name, arguments) is { } changed)
        {
            return changed;
        }

        // A HashSet has its own methods, not List's (another is PowerShell's MethodNotFound).
        if (IsHashSet(list)) return HashSetMethod(list, name, arguments);
        var growable = IsGrowable(list);
        var items = list.Items;
        int Position(int i) => i < arguments.Count && AsNumber(arguments[i]) is { } n ? (int)n : -1;
        PsValue? result = (name.ToUpperInvariant(), arguments.Count) switch
        {
            ("INDEXOF", 1) => PsPrimitive.Int32(items.FindIndex(item => ScalarEquals(item, arguments[0], caseSensitive: true))),
            ("ADD" or "REMOVE" or "REMOVEAT" or "INSERT" or "CLEAR", _) when !growable => throw new NotSupportedException("Collection was of a fixed size."),
            ("ADD", 1) when items.Count >= MaxCollectionItems => throw CollectionTooLarge(),
            // List[T].Add converts the item to T and gives nothing back; ArrayList.Add gives the new item's index.
            ("ADD", 1) when GenericListElement(list) is { } element => AddTyped(items, Cast(arguments[0], element)),
            ("ADD", 1) => Add(items, arguments[0]),
            ("TOARRAY", 0) => PsObjects.List([.. items], ListValueTemplate.ArrayTypeNames),
            // Clone: a shallow copy of the same type (an array's, an ArrayList's).
            ("CLONE", 0) => PsObjects.List([.. items], list.TypeNames),
            ("INSERT", 2) when items.Count >= MaxCollectionItems => throw CollectionTooLarge(),
            // List[T].Remove tells whether it removed the item (ArrayList.Remove gives nothing).
            ("REMOVE", 1) when GenericListElement(list) is not null => items.FindIndex(item => ScalarEquals(item, arguments[0], caseSensitive: true)) is var found &&
                Remove(items, found) is var _ ? PsPrimitive.Boolean(found >= 0) : null,
            ("REMOVE", 1) => Remove(items, items.FindIndex(item => ScalarEquals(item, arguments[0], caseSensitive: true))),
            ("REMOVEAT", 1) => Position(0) is var at && (at < 0 || at >= items.Count) ? throw new ArgumentOutOfRangeException("index", "Index was out of range. Must be non-negative and less than the size of the collection.") : Remove(items, at),
            ("INSERT", 2) => Position(0) is var at && (at < 0 || at > items.Count) ? throw new ArgumentOutOfRangeException("index", "Insertion index was out of range. Must be non-negative and less than or equal to size.") : Insert(items, at, arguments[1]),
            ("CLEAR", 0) => Clear(items),
            ("LASTINDEXOF", 1) => PsPrimitive.Int32(items.FindLastIndex(item => ScalarEquals(item, arguments[0], caseSensitive: true))),
            // List[T] and ArrayList in place: Sort by the default comparer (numbers as numbers, text with case), Reverse,
            // AddRange of a collection's items, GetRange and RemoveRange of index and count.
            ("SORT", 0) when growable => SortInPlace(items),
            ("REVERSE", 0) when growable => ReverseInPlace(items),
            ("ADDRANGE", 1) when growable => Enumerate(arguments[0]) is var added && items.Count + added.Count > MaxCollectionItems ? throw CollectionTooLarge()
                : GenericListElement(list) is { } element ? AddRange(items, [.. added.Select(a => Cast(a, element))]) : AddRange(items, added),
            ("GETRANGE", 2) when growable => Range(items, Position(0), Position(1)) is var (from, count)
                ? PsObjects.List(items.GetRange(from, count), list.TypeNames) : PsNil.Instance,
            ("REMOVERANGE", 2) when growable => Range(items, Position(0), Position(1)) is var (from, count) ? RemoveRange(items, from, count) : PsNil.Instance,
            _ => null,
        };
        return result;

        static (int From, int Count) Range(List<PsValue> items, int from, int count)
        {
            if (from < 0) throw new ArgumentOutOfRangeException("index", "Non-negative number required.");
            if (count < 0) throw new ArgumentOutOfRangeException("count", "Non-negative number required.");
            if (items.Count - from < count) throw new ArgumentException("Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.");
            return (from, count);
        }

        static PsValue AddRange(List<PsValue> items, IReadOnlyList<PsValue> added)
        {
            items.AddRange(added);
            return PsNil.Instance;
        }

        static PsValue RemoveRange(List<PsValue> items, int from, int count)
        {
            items.RemoveRange(from, count);
            return PsNil.Instance;
        }

        static PsValue Add(List<PsValue> items, PsValue item)
        {
            items.Add(item);
            return PsPrimitive.Int32(items.Count - 1);
        }

        static PsValue AddTyped(List<PsValue> items, PsValue item)
        {
            items.Add(item);
            return PsNil.Instance;
        }

        static PsValue Remove(List<PsValue> items, int at)
        {
            if (at >= 0) items.RemoveAt(at);
            return PsNil.Instance;
        }

        static PsValue Insert(List<PsValue> items, int at, PsValue item)
        {
            items.Insert(at, item);
            return PsNil.Instance;
        }

        static PsValue Clear(List<PsValue> items)
        {
            items.Clear();
            return PsNil.Instance;
        }
    }

    /// <summary>
    /// Items a list may grow to in place (Add, Insert): a loop adding without end would otherwise grow the emulator's
    /// memory without end. PowerShell's bound is memory.
    /// </summary>
    public const int MaxCollectionItems = 100_000;

    /// <summary>
    /// The bytes a byte[] may hold (4 MiB): files are read and written in such arrays (Ansible's fetch reads 512 KB at a
    /// time), and a byte is a shared object, so an item costs one reference.
    /// </summary>
    public const int MaxByteArrayItems = 4 << 20;

    /// <summary>Keys a hashtable may grow to in place, as a list's items: PowerShell's bound is memory.</summary>
    public const int MaxTableEntries = 100_000;

    internal static ScenarioRuntimeException CollectionTooLarge() => new($"a list grows to at most {MaxCollectionItems} items in the emulator");

    internal static ScenarioRuntimeException TableTooLarge() => new($"a hashtable grows to at most {MaxTableEntries} keys in the emulator");

    /// <summary>The .NET type name of a value (a property's TypeNameOfValue).</summary>
    internal static string DotNetTypeName(PsValue? value) => value is PsNil or null ? "System.Object" : TypeName(value);

    // The .NET type PowerShell would name in an error about the value.
    internal static string TypeName(PsValue? value) => value switch
    {
        PsPrimitive p => p.Type switch
        {
            PsPrimitiveType.Duration => "System.TimeSpan",
            PsPrimitiveType.ByteArray => "System.Byte[]",
            PsPrimitiveType.ScriptBlock => "System.Management.Automation.ScriptBlock",
            PsPrimitiveType.SecureString => "System.Security.SecureString",
            PsPrimitiveType.XmlDocument => "System.Xml.XmlDocument",
            PsPrimitiveType.SemanticVersion => "System.Management.Automation.SemanticVersion",
            var type => "System." + type,
        },
        PsObject { TypeNames: [var first, ..] } => first,
        // A primitive's wrapper without type names of its own (notes added to a string) is of the primitive's type.
        PsObject { BaseValue: { } inner } => TypeName(inner),
        _ => "System.Object",
    };

    private static PsValue? BaseOfWrapper(PsValue? value) =>
        value is PsObject { CollectionKind: PsCollectionKind.None, BaseValue: PsPrimitive inner } wrapper && !ValueProperties.IsEnum(wrapper) ? inner : value;

    /// <summary>
    /// <c>first..last</c>: the integers from one to the other, up or down, both converted to Int32 as PowerShell converts
    /// them. A range made as a value holds at most <see cref="MaxCollectionItems"/> items here; indexing with one
    /// (<see cref="IndexRange"/>) takes any length.
    /// </summary>
    public static PsValue Range(PsValue? left, PsValue? right)
    {
        var (first, last) = RangeBounds(left, right);
        if (Math.Abs((long)last - first) + 1 > MaxCollectionItems) throw new ScenarioRuntimeException($"a range holds at most {MaxCollectionItems} items in the emulator");
        var items = new List<PsValue>(Math.Abs(last - first) + 1);
        for (long i = first; first <= last ? i <= last : i >= last; i += first <= last ? 1 : -1) items.Add(PsPrimitive.Int32((int)i));
        return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
    }

    /// <summary>The bounds of <c>first..last</c>, converted to Int32.</summary>
    public static (int First, int Last) RangeBounds(PsValue? left, PsValue? right)
    {
        var int32 = ResolveType("int")!;
        return ((int)((PsPrimitive)Cast(left, int32)).Value, (int)((PsPrimitive)Cast(right, int32)).Value);
    }

    /// <summary>
    /// <c>$list[first..last]</c>: the items at each index of the range (counted from the end when negative; an index
    /// past the list gives nothing), an Object[] as PowerShell's slice is, without making the range.
    /// </summary>
    public static PsValue IndexRange(PsValue? value, int first, int last)
    {
        if (value is not PsObject { CollectionKind: not PsCollectionKind.Dictionary } list || !IsCollection(list)) return Index(value, Range(PsPrimitive.Int32(first), PsPrimitive.Int32(last)));
        var count = list.Items.Count;
        var items = new List<PsValue>((int)Math.Min(Math.Abs((long)last - first) + 1, count));
        for (long i = first; first <= last ? i <= last : i >= last; i += first <= last ? 1 : -1)
        {
            var at = i < 0 ? i + count : i;
            if (at >= 0 && at < count && list.Items[(int)at] is not PsNil) items.Add(list.Items[(int)at]);
            if (items.Count > MaxByteArrayItems) throw new ScenarioRuntimeException($"a slice holds at most {MaxByteArrayItems} items in the emulator");
        }

        return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
    }

    /// <summary>
    /// <c>value[index]</c>: an item of a collection (a negative index counts from the end; several indexes give several
    /// items), a hashtable's entry by its key, a character of a string; $null past the end, as PowerShell.
    /// </summary>
    public static PsValue Index(PsValue? value, PsValue? index)
    {
        if (IsCollection(index)) return PsObjects.List(Enumerate(index).Select(i => Index(value, i)).Where(v => v is not PsNil).ToList(), ListValueTemplate.ArrayTypeNames);
        switch (value)
        {
            // An [ordered] dictionary's Int32 indexer is positional ($o[0] is the first entry's value), even where an
            // integer is a key: OrderedDictionary's this[int] wins over this[object] in PowerShell's binder.
            case PsObject { CollectionKind: PsCollectionKind.Dictionary, TypeNames: ["System.Collections.Specialized.OrderedDictionary", ..] } ordered when index is PsPrimitive { Value: int position }:
                return position >= 0 && position < ordered.Entries.Count ? ordered.Entries[position].Value : PsNil.Instance;
            case PsObject { CollectionKind: PsCollectionKind.Dictionary } table:
                return FindEntry(table, index) is var entry and >= 0 ? table.Entries[entry].Value : PsNil.Instance;
            // $o.PSObject.Properties['Name']: the property of that name (any case), else $null.
            case PsObject members when IsMemberCollection(members) && index is PsPrimitive { Value: string name }:
                return MemberNamed(members, name);
            // A ManagementObject's Properties['Name'] (PropertyDataCollection's string indexer), a CimInstance's
            // CimInstanceProperties['Name'], its class's CimClassProperties['Name'], CimClassMethods['Create'], a method's
            // Parameters and any Qualifiers (CIM's keyed collections): that item, names in any case; $null for a name
            // the collection has not (UNVERIFIED for WMI, which answers "Not found").
            case PsObject { TypeNames: [var keyedType, ..] } keyed when index is PsPrimitive { Value: string propertyName } &&
                (keyedType == "System.Management.PropertyDataCollection" || keyedType.StartsWith("Microsoft.Management.Infrastructure.Internal.Data.Cim", StringComparison.Ordinal) && keyedType.EndsWith("Collection", StringComparison.Ordinal)):
                return MemberNamed(keyed, propertyName);
            // A match's Groups['name']: the group of that name (GroupCollection's string indexer).
            case PsObject { TypeNames: [var groupsType, ..] } groups when groupsType == GroupCollectionTypeNames[0] && index is PsPrimitive { Value: string groupName } && AsNumber(index) is null:
                return groups.Items.FirstOrDefault(g => g is PsObject group && group["Name"].AsString() == groupName) ?? PsNil.Instance;
            case PsObject list when IsCollection(list):
                return AsNumber(index) is { } n && Position(n, list.Items.Count) is { } at ? list.Items[at] : PsNil.Instance;
            case PsPrimitive { Value: string s }:
                return AsNumber(index) is { } c && Position(c, s.Length) is { } ch ? PsPrimitive.Char(s[ch]) : PsNil.Instance;
            case null or PsNil:
                return PsNil.Instance;
            default:
                // A single value is an array of one, as PowerShell indexes it.
                return AsNumber(index) is { } o && Position(o, 1) is 0 ? value : PsNil.Instance;
        }

        static int? Position(double index, int count)
        {
            var i = (long)Math.Floor(index);
            if (i < 0) i += count;
            return i >= 0 && i < count ? (int)i : null;
        }
    }

    /// <summary>
    /// The primitive of a wrapper with no type names or text of its own (notes added to a string: Add-Member,
    /// Select-Object -Property with -ExpandProperty), which is of the primitive's type and has its methods; else null.
    /// </summary>
    /// <summary>
    /// A number's, a Boolean's or a character's Equals, CompareTo and GetHashCode, as PowerShell picks their overloads:
    /// an argument of another type goes to the Object one, so it is never equal (<c>(5).Equals(5.0)</c> is False) and
    /// CompareTo throws "Object must be of type Int32."; null for another method or value.
    /// </summary>
    private static PsValue? PrimitiveObjectMethod(PsPrimitive primitive, string name, IReadOnlyList<PsValue> arguments)
    {
        if (arguments.Count > 1 || !(IsDotNetPrimitive(primitive) || primitive.Type == PsPrimitiveType.Decimal)) return null;
        var other = arguments.Count == 1 ? PrimitiveOf(arguments[0]) : null;
        var sameType = other is not null && other.Type == primitive.Type;
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("EQUALS", 1):
                return PsPrimitive.Boolean(sameType && primitive.Value.Equals(other!.Value));
            case ("COMPARETO", 1):
                if (IsNull(arguments[0])) return PsPrimitive.Int32(1);
                if (!sameType)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("CompareTo", 1, $"Object must be of type {primitive.Value.GetType().Name}.", typeof(ArgumentException)));
                }

                return PsPrimitive.Int32(((IComparable)primitive.Value).CompareTo(other!.Value));
            case ("GETHASHCODE", 0) when primitive.Type is not PsPrimitiveType.Decimal:
                // .NET Framework's and .NET's hashes of these agree (a decimal's do not).
                return PsPrimitive.Int32(primitive.Value.GetHashCode());
            default:
                return null;
        }
    }

    /// <summary>
    /// String.GetHashCode as 64-bit .NET Framework 4.x computes it without randomized hashing (its default, so Windows
    /// PowerShell 5.1's): two djb2-style halves over alternate characters, up to the first NUL. ("".GetHashCode() is 371857150.)
    /// </summary>
    internal static int FrameworkStringHash(string s)
    {
        var hash1 = 5381;
        var hash2 = hash1;
        for (var i = 0; i < s.Length && s[i] != '\0'; i += 2)
        {
            hash1 = unchecked(((hash1 << 5) + hash1) ^ s[i]);
            if (i + 1 >= s.Length || s[i + 1] == '\0') break;
            hash2 = unchecked(((hash2 << 5) + hash2) ^ s[i + 1]);
        }

        return unchecked(hash1 + hash2 * 1566083941);
    }

    /// <summary>The primitive a value is, or the one a wrapper without type names of its own holds; else null.</summary>
    internal static PsPrimitive? PrimitiveOf(PsValue? value) => value as PsPrimitive ?? WrappedPrimitive(value);

    internal static PsPrimitive? WrappedPrimitive(PsValue? value) =>
        value is PsObject { BaseValue: { } inner, CollectionKind: PsCollectionKind.None, TypeNames: var names } &&
        (names is null or [] || names[0].StartsWith(DeserializedPrefix, StringComparison.Ordinal)) ? inner : null;

    // A PSObject's member collection (.PSObject.Properties), whose items are PSPropertyInfo objects with a Name.
    private static bool IsMemberCollection(PsObject value) =>
        value.TypeNames is [var first, ..] && first.StartsWith("System.Management.Automation.PSMemberInfoIntegratingCollection", StringComparison.Ordinal);

    private static PsValue MemberNamed(PsObject members, string name) =>
        members.Items.FirstOrDefault(i => i is PsObject member && string.Equals(member["Name"]?.ToDisplayString(), name, StringComparison.OrdinalIgnoreCase))
        ?? VariableValueTemplate.HiddenMemberNamed(members, name) ?? PsNil.Instance;

    // The member collection's methods: Item(name) as its indexer, Match(pattern) the members whose names match,
    // Remove(name) an instance member of the object.
    private static PsValue? MemberCollectionMethod(PsObject members, string name, IReadOnlyList<PsValue> arguments)
    {
        if (arguments.Count != 1) return null;
        if (name.Equals("Item", StringComparison.OrdinalIgnoreCase)) return MemberNamed(members, Text(arguments[0]));
        if (name.Equals("Remove", StringComparison.OrdinalIgnoreCase))
        {
            // A primitive's collection knows no object to change: say so rather than change nothing.
            return VariableValueTemplate.RemoveProperty(members, Text(arguments[0]))
                ? PsNil.Instance
                : throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    "PSObject.Properties.Remove is emulated on an object's own collection ($o.PSObject.Properties.Remove('name')), not on a primitive's"));
        }

        if (!name.Equals("Match", StringComparison.OrdinalIgnoreCase)) return null;
        var pattern = Text(arguments[0]);
        return PsObjects.List([.. members.Items.Where(i => i is PsObject member && Like(member["Name"]?.ToDisplayString() ?? string.Empty, pattern))],
            ["System.Management.Automation.ReadOnlyPSMemberInfoCollection`1[[System.Management.Automation.PSPropertyInfo, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]);
    }

    /// <summary>
    /// A hashtable literal <c>@{ key = value; ... }</c>, optionally cast <c>[PSCustomObject]</c> (or <c>[ordered]</c>):
    /// its entries' key and value texts in order, and the cast ("PSCustomObject", "ordered" or empty); null for anything else.
    /// Entries are separated by <c>;</c> or line ends; a key is a bare word, a quoted string (Quoted, its text) or an
    /// expression (<c>$k</c>, <c>"pre$k"</c>, <c>($a + $b)</c>: <see cref="IsBareHashtableKey"/> false), which the caller evaluates.
    /// </summary>
    public static (List<(string Key, string Value, bool Quoted)> Entries, string Cast)? HashtableLiteral(string text)
    {
        var t = text.Trim();
        var custom = string.Empty;
        if (t.StartsWith('['))
        {
            var cast = t.IndexOf(']');
            if (cast < 0) return null;
            var type = t[1..cast].Trim();
            if (type.Equals("PSCustomObject", StringComparison.OrdinalIgnoreCase) || type.Equals("System.Management.Automation.PSCustomObject", StringComparison.OrdinalIgnoreCase)) custom = "PSCustomObject";
            else if (type.Equals("ordered", StringComparison.OrdinalIgnoreCase)) custom = "ordered";
            else return null;
            t = t[(cast + 1)..].TrimStart();
        }

        if (t.Length < 3 || t[0] != '@' || t[1] != '{' || Statements.MatchingClose(t, 1, '}') != t.Length - 1) return null;
        var entries = new List<(string, string, bool)>();
        // Where each entry is in the literal, to place its parse error as the parser does (where the literal's text is
        // in the script once).
        var searchFrom = 2;
        foreach (var entry in Statements.Split(t[2..^1]))
        {
            var entryAt = t.IndexOf(entry, searchFrom, StringComparison.Ordinal);
            if (entryAt >= 0) searchFrom = entryAt + entry.Length;
            var equals = IndexOfTopLevelEquals(entry);
            if (equals <= 0)
            {
                // Just after the key, where the parser looked for its '='.
                var keyEnd = entry.Length > 0 && entry[0] is '\'' or '"' && entry.IndexOf(entry[0], 1) is var closeQuote and > 0 ? closeQuote + 1
                    : entry.AsSpan().IndexOfAny(" \t=") is var blank and >= 0 ? blank : entry.Length;
                throw new ScriptParseException(ScriptedError.ParseError("Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral",
                    entryAt < 0 ? null : script => Statements.PlaceInStatement(script, t, entryAt + keyEnd, 0)));
            }

            var key = entry[..equals].Trim();
            var quoted = key.Length >= 2 && key[0] is '\'' or '"' && key[^1] == key[0];
            // A double-quoted key with variables ("pre$k") stays an expression, as does $k or ($k + 'x'): the caller evaluates it.
            if (quoted && key[0] == '"' && key.AsSpan(1, key.Length - 2).IndexOfAny('$', '`') >= 0) quoted = false;
            else if (quoted) key = key[1..^1];
            var value = entry[(equals + 1)..].Trim();
            if (value.Length == 0)
            {
                // Just after the '='.
                throw new ScriptParseException(ScriptedError.ParseError("Missing statement after '=' in hash literal.", "MissingStatementInHashLiteral",
                    entryAt < 0 ? null : script => Statements.PlaceInStatement(script, t, entryAt + equals + 1, 0)));
            }

            entries.Add((key, value, quoted));
        }

        return (entries, custom);

        static int IndexOfTopLevelEquals(string entry)
        {
            for (var i = 0; i < entry.Length; i++)
            {
                if (entry[i] is '\'' or '"') i = Statements.SkipQuotedOrEscaped(entry, i);
                else if (entry[i] == '=') return i;
            }

            return -1;
        }
    }

    /// <summary>Whether an unquoted hashtable key is a bare word (<c>Name</c>, <c>1</c>, <c>a-b.c</c>) rather than an expression to evaluate.</summary>
    public static bool IsBareHashtableKey(string key) => key.Length > 0 && key[0] is not ('$' or '(' or '"' or '[' or '@') && key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ':');

    /// <summary><c>$( statements )</c> or <c>@( statements )</c> whole: the statements and whether it is the array form.</summary>
    public static (string? Statements, bool IsArray) Subexpression(string text)
    {
        var t = text.Trim();
        if (t.Length < 3 || t[0] is not ('$' or '@') || t[1] != '(' || Statements.MatchingClose(t, 1, ')') != t.Length - 1) return (null, false);
        return (t[2..^1].Trim(), t[0] == '@');
    }

    /// <summary>An integer range written with literals (<c>1..10</c>, <c>5..1</c>): its bounds; null for anything else.</summary>
    public static (int First, int Last)? IntegerRange(string text)
    {
        var t = text.AsSpan().Trim();
        var dots = t.IndexOf("..", StringComparison.Ordinal);
        if (dots <= 0) return null;
        return int.TryParse(t[..dots].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var first) &&
               int.TryParse(t[(dots + 2)..].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var last)
            ? (first, last)
            : null;
    }

    /// <summary>
    /// Whether a statement is an expression with something only this class evaluates: operators, a leading
    /// <c>!</c>, or commas (in expression mode, not after a command name, where they separate an argument's items).
    /// </summary>
    public static bool IsExpression(string text) =>
        !IsCommandMode(text) && !HasPipeline(text) &&
        (Tokenize(text) is not null || text.TrimStart() is ['!', ..] or ['-', '$' or '(', ..] || ArrayElements(text) is not null ||
         Subexpression(text).Statements is not null || NumberLiteral(text) is not null || MemberAccess(text) is not null || TypeOperation(text) is not null ||
         Parenthesized(text) is not null || StaticMemberOfVariable().IsMatch(text.Trim()) || (text.Contains("''", StringComparison.Ordinal) && Statements.SingleQuotedLiteral(text) is not null) ||
         (text.TrimStart() is ['@', '{', ..] or ['[', ..] && HashtableLiteralOrNull(text)) || (text.TrimStart() is ['{', ..] && ScriptBlockLiteral(text) is not null));

    /// <summary>
    /// A script block literal (<c>{ statements }</c>, the whole text): its text between the braces, as ScriptBlock's
    /// ToString gives it; null for anything else.
    /// </summary>
    public static string? ScriptBlockLiteral(string text)
    {
        var t = text.Trim();
        return t.Length >= 2 && t[0] == '{' && Statements.MatchingClose(t, 0, '}') == t.Length - 1 ? t[1..^1] : null;
    }

    private static bool HashtableLiteralOrNull(string text)
    {
        try
        {
            return HashtableLiteral(text) is not null;
        }
        catch (ScriptParseException)
        {
            return true; // its parse error is the statement's answer
        }
    }

    /// <summary>
    /// A PowerShell number literal: decimal or 0x hexadecimal integers (Int32, else Int64, else Double), reals with a
    /// point or an exponent (Double), a d suffix a Decimal (1.5d), an l suffix on an integer an Int64 (1l), each with an
    /// optional kb/mb/gb/tb/pb multiplier; null for anything else.
    /// </summary>
    public static PsPrimitive? NumberLiteral(string text)
    {
        var t = text.Trim();
        var m = NumberSyntax().Match(t);
        if (!m.Success) return null;
        var multiplier = m.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "kb" => 1L << 10,
            "mb" => 1L << 20,
            "gb" => 1L << 30,
            "tb" => 1L << 40,
            "pb" => 1L << 50,
            _ => 1L,
        };
        var negative = m.Groups["sign"].Value == "-";
        if (m.Groups["hex"].Success)
        {
            // As PowerShell's tokenizer: up to 8 digits an Int32 whose high bit is its sign (0xFFFFFFFF is -1, 0x80070005 an
            // HRESULT), more an Int64 likewise.
            var digits = m.Groups["hex"].Value;
            if (!ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)) return null;
            var hex = digits.TrimStart('0').Length <= 8 ? (long)unchecked((int)(uint)bits) : unchecked((long)bits);
            return Whole(negative ? -hex : hex, multiplier);
        }

        if (m.Groups["int"].Success && m.Groups["suffix"].Value is not ("d" or "D") && long.TryParse(m.Groups["int"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            var value = negative ? -whole : whole;
            // The l suffix: an Int64 whatever its size (1l).
            return m.Groups["suffix"].Success && value <= long.MaxValue / multiplier && value >= long.MinValue / multiplier
                ? PsPrimitive.Int64(value * multiplier)
                : Whole(value, multiplier);
        }

        // The d suffix: a decimal literal (1.5d), exact.
        if (m.Groups["suffix"].Value is "d" or "D")
        {
            if (!decimal.TryParse(m.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)) return null;
            return PsPrimitive.Decimal((negative ? -exact : exact) * multiplier);
        }

        if (!double.TryParse(m.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return null;
        return PsPrimitive.Double((negative ? -real : real) * multiplier);

        static PsPrimitive Whole(long value, long multiplier)
        {
            try
            {
                var product = checked(value * multiplier);
                return ValueTemplate.Integer(product);
            }
            catch (OverflowException)
            {
                return PsPrimitive.Double((double)value * multiplier);
            }
        }
    }

    [GeneratedRegex(@"^[-+]?(?:0x[0-9a-f]{1,16}|(?:\d+\.\d+(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+)d?|\d+[dl]|\d+(?=[kmgtp]b))(?:[kmgtp]b)?(?=\.[\p{L}_])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberHead();

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:0x(?<hex>[0-9a-f]{1,16})|(?<number>(?<int>\d+)|\d+\.\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+)(?<suffix>d|(?<=(?:^|[-+])\d+)l)?)(?<unit>kb|mb|gb|tb|pb)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberSyntax();

    // An arithmetic operator at i: something stands before it since the last operator, and it is not "+=" and the
    // like (assignments), "++"/"--", a "-eq" style operator, or the sign of an exponent (1e-5).
    // Whether text[start..i] is an operand that ends at i without a blank: a string, a bracket's or brace's close, or a
    // variable or number (so a command's name, Get-Thing-Join, is never split at its dash).
    private static bool EndsOperand(string text, int start, int i)
    {
        var before = text[i - 1];
        if (before is ']' or '}' || Statements.IsQuote(before)) return true;
        if (!char.IsLetterOrDigit(before) && before != '_') return false;
        var operand = text.AsSpan(start, i - start).TrimStart();
        return operand.Length > 0 && (operand[0] == '$' || char.IsAsciiDigit(operand[0]));
    }

    private static bool IsArithmetic(string text, int start, int i)
    {
        if (text.AsSpan(start, i - start).Trim().Length == 0) return false;
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        if (next == '=' || (text[i] is '+' or '-' && next == text[i]) || (text[i] is '+' or '-' && i > 0 && text[i - 1] == text[i])) return false;
        if (text[i] == '-' && char.IsLetter(next)) return false;
        if (text[i] is '+' or '-' && i >= 2 && text[i - 1] is 'e' or 'E' && char.IsDigit(text[i - 2]) && char.IsDigit(next)) return false;
        // 3..-1: the sign of the range's end, not a subtraction.
        if (text[i] is '-' or '+' && text.AsSpan(start, i - start).TrimEnd().EndsWith("..", StringComparison.Ordinal)) return false;
        // [int]-3, [double]-$x: the sign of a cast's operand (what is before it is only type literals).
        if (text[i] is '-' or '+' && OnlyTypeLiterals(text.AsSpan(start, i - start).Trim())) return false;
        return true;
    }

    // Whether the text is one or more bracketed names ([int], [int][string]) and nothing else.
    private static bool OnlyTypeLiterals(ReadOnlySpan<char> text)
    {
        if (text.Length < 3 || text[0] != '[') return false;
        while (text.Length > 0)
        {
            if (text[0] != '[') return false;
            var depth = 0;
            var close = -1;
            for (var k = 0; k < text.Length; k++)
            {
                if (text[k] == '[') depth++;
                else if (text[k] == ']' && --depth == 0)
                {
                    close = k;
                    break;
                }
                else if (!(char.IsLetterOrDigit(text[k]) || text[k] is '.' or '_' or ',' or ' ' or '`'))
                {
                    return false;
                }
            }

            if (close < 2) return false;
            text = text[(close + 1)..].TrimStart();
        }

        return true;
    }

    private static bool IsRangeOperator(string text, int start, int i) =>
        i > start && text.AsSpan(start, i - start).Trim().Length > 0 && text[i - 1] != '.' &&
        i + 1 < text.Length && text[i + 1] == '.' && (i + 2 >= text.Length || text[i + 2] is not ('.' or '\\' or '/'));

    /// <summary>
    /// Whether an operator token binds as arithmetic, and at which precedence (4: the range operator, 3: -f, 2: * / %,
    /// 1: + -, as PowerShell's parser ranks them); 0 when not.
    /// </summary>
    public static int ArithmeticLevel(string op) => op switch
    {
        ".." => 4,
        "f" => 3,
        "*" or "/" or "%" => 2,
        "+" or "-" => 1,
        _ => 0,
    };

    /// <summary>The most characters or items one arithmetic result may have here (PowerShell is bounded by memory only).</summary>
    public const int MaxArithmeticLength = 10_000_000;

    /// <summary>
    /// <c>left op right</c> for + - * / %, as PowerShell does it: the left operand's type decides. A string on the
    /// left concatenates (+) or repeats (*); a collection appends (+) or repeats (*); $null + x is x; numbers
    /// convert the right operand (a string that is no number is PowerShell's conversion error). Integers stay
    /// integers (an Int32 result that overflows becomes a Double, as in PowerShell), and division is exact or a
    /// Double.
    /// </summary>
    public static PsValue Arithmetic(PsValue? left, string op, PsValue? right)
    {
        // A primitive in a wrapper (a client's Get-Date with its DisplayHint note, a string with notes) takes part as
        // its base object, as PowerShell's operators take a PSObject's; an enum keeps its own arithmetic.
        left = BaseOfWrapper(left);
        right = BaseOfWrapper(right);
        switch (op)
        {
            case "..":
                return Range(left, right);
            case "+" when IsNull(left):
                return right ?? PsNil.Instance;
            case "+" when left is PsObject leftTable && ValueProperties.IsHashtable(leftTable):
            {
                // Hashtable + hashtable: a new one with both's entries; a key both have is .NET's Add error.
                if (right is not PsObject rightTable || !ValueProperties.IsHashtable(rightTable))
                {
                    throw new ScriptExpressionException(new ScriptedError("A hash table can only be added to another hash table.", "AddHashTableToNonHashTable",
                        Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
                }

                var sum = new PsObject(["System.Collections.Hashtable", "System.Object"]) { CollectionKind = PsCollectionKind.Dictionary };
                foreach (var entry in leftTable.Entries.Concat(rightTable.Entries))
                {
                    if (TableKeys.Find(sum, entry.Key) >= 0)
                    {
                        // .NET's Hashtable.Add error, as the operator lets it out.
                        var key = Text(entry.Key);
                        throw new ScriptExpressionException(new ScriptedError($"Item has already been added. Key in dictionary: '{key}'  Key being added: '{key}'",
                            "System.ArgumentException", Protocol.Psrp.ErrorCategory.OperationStopped, "System.ArgumentException"));
                    }

                    if (sum.Entries.Count >= MaxTableEntries) throw TableTooLarge();
                    TableKeys.Add(sum, entry.Key, entry.Value);
                }

                return sum;
            }

            case "+" when IsCollection(left):
            {
                var items = new List<PsValue>(Enumerate(left));
                if (IsCollection(right)) items.AddRange(Enumerate(right));
                else items.Add(right ?? PsNil.Instance);
                if (items.Count > MaxArithmeticLength) throw TooLarge();
                return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
            }

            // Dates and time spans: DateTime - DateTime is a TimeSpan; a TimeSpan moves a DateTime or adds to another
            // (past DateTime's or TimeSpan's range: .NET's error, as PowerShell reports it).
            case "-" when left is PsPrimitive { Value: DateTimeOffset from } && right is PsPrimitive { Value: DateTimeOffset to }:
                return PsPrimitive.Duration(from - to);
            case "+" or "-" when left is PsPrimitive { Value: DateTimeOffset date } moved && right is PsPrimitive { Value: TimeSpan span }:
                return DateOrTimeArithmetic(() => DateKinds.With(moved, op == "+" ? date + span : date - span));
            case "+" or "-" when left is PsPrimitive { Value: TimeSpan first } && right is PsPrimitive { Value: TimeSpan second }:
                return DateOrTimeArithmetic(() => PsPrimitive.Duration(op == "+" ? first + second : first - second));

            // A string, or a char (the binder makes it a one-character string), concatenates the other side's text. A
            // Version, a Uri or a script block holds its text too, but is no string: it goes to its op_ method below.
            case "+" when left is PsPrimitive { Type: PsPrimitiveType.String or PsPrimitiveType.Char } text:
            {
                var s = text.Value is char c ? c.ToString() : (string)text.Value;
                var other = Text(right);
                if ((long)s.Length + other.Length > MaxArithmeticLength) throw TooLarge();
                return PsPrimitive.String(s + other);
            }

            // $null times anything is $null (the binder's answer before it looks at the other side).
            case "*" when IsNull(left):
                return PsNil.Instance;

            case "*" when left is PsPrimitive { Type: PsPrimitiveType.String, Value: string s }:
            {
                var times = Count(right);
                if (s.Length == 0 || times == 0) return PsPrimitive.String(string.Empty);
                if (times > MaxArithmeticLength || (long)s.Length * times > MaxArithmeticLength) throw TooLarge();
                return PsPrimitive.String(new StringBuilder(s.Length * (int)times).Insert(0, s, (int)times).ToString());
            }

            case "*" when IsCollection(left):
            {
                var times = Count(right);
                var items = Enumerate(left);
                if (items.Count == 0 || times == 0) return PsObjects.List([], ListValueTemplate.ArrayTypeNames);
                if (times > MaxArithmeticLength || (long)items.Count * times > MaxArithmeticLength) throw TooLarge();
                var repeated = new List<PsValue>(items.Count * (int)times);
                for (var i = 0; i < times; i++) repeated.AddRange(items);
                return PsObjects.List(repeated, ListValueTemplate.ArrayTypeNames);
            }
        }

        // An array on the left has no - / or % (PowerShell looks for the operator's method on its type and finds none).
        if (IsCollection(left))
        {
            throw new ScriptExpressionException(ScriptedError.MethodNotFound(op switch { "-" => "op_Subtraction", "/" => "op_Division", _ => "op_Modulus" }, TypeName(left!)));
        }

        // What the binder does not take as a number goes to the op_ method of a .NET type (ParserOps.ImplicitOp).
        if (!BinderTakesAsNumber(left, op, target: true) || !BinderTakesAsNumber(right, op, target: false)) return ImplicitOp(left, op, right);

        // A decimal on either side: the arithmetic is decimal's (the other side converted), as PowerShell's binder does it.
        if (left is PsPrimitive { Value: decimal } || right is PsPrimitive { Value: decimal })
        {
            return DecimalArithmetic(DecimalOf(left), op, DecimalOf(right));
        }

        var (l, lIntegral, lWide) = Numeric(left);
        var (r, rIntegral, rWide) = Numeric(right);
        if (lIntegral && rIntegral)
        {
            // The integers themselves, not their doubles: an Int64 past 2^53 would lose its last digits.
            var a = ExactInteger(left) is { } exactLeft && exactLeft is >= long.MinValue and <= long.MaxValue ? (long)exactLeft : (long)l;
            var b = ExactInteger(right) is { } exactRight && exactRight is >= long.MinValue and <= long.MaxValue ? (long)exactRight : (long)r;
            if (op is "/" or "%" && b == 0) throw DivideByZero();
            long result;
            try
            {
                result = op switch
                {
                    "+" => checked(a + b),
                    "-" => checked(a - b),
                    "*" => checked(a * b),
                    "%" => a % b,
                    _ => a % b == 0 ? a / b : long.MinValue,
                };
            }
            catch (OverflowException)
            {
                return PsPrimitive.Double(Floating(l, op, r));
            }

            if (op == "/" && a % b != 0) return PsPrimitive.Double((double)a / b);
            if (!lWide && !rWide) return result is >= int.MinValue and <= int.MaxValue ? PsPrimitive.Int32((int)result) : PsPrimitive.Double(result);
            return PsPrimitive.Int64(result);
        }

        // Double arithmetic has no divide-by-zero error: 3 / 0.0 is Infinity, 5 % 0.0 NaN (only integers' division throws).
        return PsPrimitive.Double(Floating(l, op, r));
    }

    /// <summary>
    /// Whether PowerShell's binder takes the operand of an arithmetic operator as a number: $null (0), a number, a
    /// string (parsed), an enum, and a bool or a char except on the left of <c>*</c> (only IsNumeric types multiply).
    /// </summary>
    private static bool BinderTakesAsNumber(PsValue? value, string op, bool target) => value switch
    {
        null or PsNil => true,
        PsPrimitive { Type: PsPrimitiveType.Boolean or PsPrimitiveType.Char } => !(target && op == "*"),
        PsPrimitive { Type: PsPrimitiveType.String or PsPrimitiveType.Byte or PsPrimitiveType.SByte or PsPrimitiveType.Int16 or PsPrimitiveType.UInt16
            or PsPrimitiveType.Int32 or PsPrimitiveType.UInt32 or PsPrimitiveType.Int64 or PsPrimitiveType.UInt64 or PsPrimitiveType.Single
            or PsPrimitiveType.Double or PsPrimitiveType.Decimal } => true,
        PsObject when EnumNumber(value) is not null => true,
        _ => false,
    };

    // The op_ methods of the .NET Framework types the emulator's values have (TimeSpan has no op_Multiply or op_Division
    // there: .NET Core 2.0 added them, so PowerShell 7 multiplies a TimeSpan where 5.1 cannot).
    private static readonly Dictionary<(string Type, string Method), (string First, string Second)[]> Operators = new()
    {
        [("System.DateTime", "op_Addition")] = [("System.DateTime", "System.TimeSpan")],
        [("System.DateTime", "op_Subtraction")] = [("System.DateTime", "System.DateTime"), ("System.DateTime", "System.TimeSpan")],
        [("System.TimeSpan", "op_Addition")] = [("System.TimeSpan", "System.TimeSpan")],
        [("System.TimeSpan", "op_Subtraction")] = [("System.TimeSpan", "System.TimeSpan")],
        [("System.Decimal", "op_Addition")] = [("System.Decimal", "System.Decimal")],
        [("System.Decimal", "op_Subtraction")] = [("System.Decimal", "System.Decimal")],
        [("System.Decimal", "op_Multiply")] = [("System.Decimal", "System.Decimal")],
        [("System.Decimal", "op_Division")] = [("System.Decimal", "System.Decimal")],
        [("System.Decimal", "op_Modulus")] = [("System.Decimal", "System.Decimal")],
    };

    /// <summary>
    /// ParserOps.ImplicitOp: the operator as a call of the op_ method of the left operand's type, or of the right's when
    /// the left is $null or a .NET primitive; two primitives have no such method (NotADefinedOperationForType). The
    /// arguments convert as a method's do (MethodArgumentConversionInvalidCastArgument, numbered from 0), and of
    /// several overloads the one the right operand's type matches is taken.
    /// </summary>
    private static PsValue ImplicitOp(PsValue? left, string op, PsValue? right)
    {
        var method = op switch { "+" => "op_Addition", "-" => "op_Subtraction", "*" => "op_Multiply", "/" => "op_Division", _ => "op_Modulus" };
        // A string on the left of - / % is its number first (the binder's numeric string operation, then the rest).
        if (op is "-" or "/" or "%" && left is PsPrimitive { Type: PsPrimitiveType.String }) left = NumberOf(left);
        var owner = !IsNull(left) && !IsDotNetPrimitive(left) ? left : !IsNull(right) && !IsDotNetPrimitive(right) ? right : null;
        if (owner is null)
        {
            throw new ScriptExpressionException(new ScriptedError($"The operation '[{OperandTypeName(left)}] {op} [{OperandTypeName(right)}]' is not defined.",
                "NotADefinedOperationForType", Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
        }

        var typeName = OperandTypeName(owner);
        if (!Operators.TryGetValue((typeName, method), out var overloads)) throw new ScriptExpressionException(ScriptedError.MethodNotFound(method, typeName));
        var chosen = overloads[0];
        if (overloads.Length > 1)
        {
            var exact = overloads.Where(o => !IsNull(right) && o.Second == OperandTypeName(right)).ToList();
            if (exact.Count == 1) chosen = exact[0];
            else if (IsNull(right)) throw new ScriptExpressionException(ScriptedError.MethodCount(method, 2));
            else
            {
                throw new ScriptExpressionException(new ScriptedError($"Multiple ambiguous overloads found for \"{method}\" and the argument count: \"2\".",
                    "MethodCountCouldNotFindBest", Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
            }
        }

        return Arithmetic(OperatorArgument(left, 0, chosen.First, method), op, OperatorArgument(right, 1, chosen.Second, method));
    }

    // An op_ method's argument, converted to its parameter's type as a method call converts it ($null to no value type).
    private static PsValue OperatorArgument(PsValue? value, int index, string typeName, string method)
    {
        if (!IsNull(value) && OperandTypeName(value) == typeName) return value!;
        string reason;
        if (IsNull(value)) reason = $"Cannot convert null to type \"{typeName}\".";
        else
        {
            try
            {
                return ConvertTo(value, ResolveType(typeName)!);
            }
            catch (ScriptExpressionException e)
            {
                reason = e.Error.Message;
            }
        }

        throw new ScriptExpressionException(ScriptedError.MethodArgumentConversion(index.ToString(CultureInfo.InvariantCulture), Text(value), method, typeName, reason));
    }

    // The type PowerShell names for an operand: PSObject.Base of a PSCustomObject is the PSObject itself.
    private static string OperandTypeName(PsValue? value) => IsNull(value) ? "$null" : TypeName(value) switch
    {
        "System.Management.Automation.PSCustomObject" => "System.Management.Automation.PSObject",
        var name => name,
    };

    // A .NET primitive type (Type.IsPrimitive): the numbers but decimal, bool and char.
    private static bool IsDotNetPrimitive(PsValue? value) => value is PsPrimitive { Type: PsPrimitiveType.Boolean or PsPrimitiveType.Char or PsPrimitiveType.Byte
        or PsPrimitiveType.SByte or PsPrimitiveType.Int16 or PsPrimitiveType.UInt16 or PsPrimitiveType.Int32 or PsPrimitiveType.UInt32 or PsPrimitiveType.Int64
        or PsPrimitiveType.UInt64 or PsPrimitiveType.Single or PsPrimitiveType.Double };

    // A numeric string as the number the binder makes of it.
    private static PsValue NumberOf(PsValue value)
    {
        var (n, integral, wide) = Numeric(value);
        return !integral ? PsPrimitive.Double(n) : wide ? PsPrimitive.Int64((long)n) : PsPrimitive.Int32((int)n);
    }

    private static double Floating(double l, string op, double r) => op switch
    {
        "+" => l + r,
        "-" => l - r,
        "*" => l * r,
        "/" => l / r,
        _ => l % r,
    };

    // How many times to repeat: a non-negative whole number.
    private static long Count(PsValue? value)
    {
        var (n, _, _) = Numeric(value);
        if (n < 0 || double.IsNaN(n)) throw TooLarge();
        return (long)Math.Round(n, MidpointRounding.ToEven);
    }

    /// <summary>A value as a number for arithmetic: the number, whether it is integral, and whether it is 64-bit.</summary>
    private static (double Value, bool Integral, bool Wide) Numeric(PsValue? value)
    {
        switch (value)
        {
            case null or PsNil:
                return (0, true, false);
            case PsPrimitive { Value: bool b }:
                return (b ? 1 : 0, true, false);
            // A char counts as its code ([char]'a' + 1 is 98).
            case PsPrimitive { Value: char c }:
                return (c, true, false);
            case PsPrimitive { Value: int or short or ushort or byte or sbyte } p:
                return (Number(p)!.Value, true, false);
            case PsPrimitive { Value: long or uint or ulong } p:
                return (Number(p)!.Value, true, true);
            case PsPrimitive p when Number(p) is { } n:
                return (n, false, false);
            // An enum's value counts as its number ([Net.SecurityProtocolType]::Tls12 -bor 768).
            case PsObject when EnumNumber(value) is { } member:
                return (member, true, false);
            case PsPrimitive { Value: string s }:
                var t = s.Trim();
                if (t.Length == 0) return (0, true, false);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return (whole, true, whole is < int.MinValue or > int.MaxValue);
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return (d, false, false);
                throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(s));
            default:
                throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(value)));
        }
    }

    private static ScriptExpressionException DivideByZero() => new(ScriptedError.DivideByZero);

    private static PsValue DecimalArithmetic(decimal a, string op, decimal b)
    {
        if (op is "/" or "%" && b == 0) throw DivideByZero();
        try
        {
            return PsPrimitive.Decimal(op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "%" => a % b,
                _ => a / b,
            });
        }
        catch (OverflowException e)
        {
            // .NET's "Value was either too large or too small for a Decimal.", as PowerShell lets it out.
            throw new ScriptExpressionException(new ScriptedError(e.Message, "System.OverflowException", Protocol.Psrp.ErrorCategory.OperationStopped, "System.OverflowException"));
        }
    }

    // A side of a decimal operation as a decimal: its own value, or its number converted (.NET's overflow error for a
    // double past decimal's range).
    private static decimal DecimalOf(PsValue? value)
    {
        if (value is PsPrimitive { Value: decimal d }) return d;
        var (number, integral, _) = Numeric(value);
        if (integral) return (decimal)(long)number;
        try
        {
            return (decimal)number;
        }
        catch (OverflowException e)
        {
            throw new ScriptExpressionException(new ScriptedError(e.Message, "System.OverflowException", Protocol.Psrp.ErrorCategory.OperationStopped, "System.OverflowException"));
        }
    }

    private static ScriptExpressionException TooLarge() => new(ScriptedError.ScenarioFault(
        $"an arithmetic result is limited to {MaxArithmeticLength} characters or items in the emulator"));

    /// <summary>The text inside a pair of parentheses that encloses all of it; null when it is not so enclosed.</summary>
    public static string? Parenthesized(string text)
    {
        var t = text.Trim();
        if (t.Length < 2 || t[0] != '(' || Statements.MatchingClose(t, 0, ')') != t.Length - 1) return null;
        return t[1..^1];
    }

    public static bool IsLogical(string op) => Logical.Contains(op);

    /// <summary>PowerShell's LanguagePrimitives.IsTrue.</summary>
    public static bool IsTrue(PsValue? value) => value switch
    {
        null or PsNil => false,
        PsPrimitive { Value: bool b } => b,
        PsPrimitive { Value: string s } => s.Length > 0,
        PsPrimitive { Value: char c } => c != '\0',
        PsPrimitive p when Number(p) is { } n => n != 0,
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } list =>
            list.Items.Count switch { 0 => false, 1 => IsTrue(list.Items[0]), _ => true },
        _ => true,
    };

    /// <summary>A collection's items, a single value as itself, $null as nothing: what <c>foreach</c> goes over.</summary>
    public static IReadOnlyList<PsValue> Enumerate(PsValue? value) => value switch
    {
        null or PsNil => [],
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } list => list.Items,
        _ => [value],
    };

    internal static bool IsCollection(PsValue? value) =>
        value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue };

    /// <summary>
    /// <c>left -op right</c>. A collection on the left is filtered, as PowerShell does (the items for which the
    /// comparison holds); <c>-contains</c> and <c>-in</c> look for one item. A leading c makes it case-sensitive.
    /// </summary>
    public static PsValue Compare(PsValue? left, string op, PsValue? right)
    {
        var caseSensitive = op.Length > 2 && op[0] == 'c' && Comparisons.Contains(op[1..]);
        if (op.Length > 2 && op[0] is 'c' or 'i' && Comparisons.Contains(op[1..])) op = op[1..];
        // A primitive in a wrapper compares as its base value (see Arithmetic).
        left = BaseOfWrapper(left);
        right = BaseOfWrapper(right);
        switch (op)
        {
            case "replace":
            {
                // -replace pattern, replacement (.NET's $1 substitutions); over a collection, each item.
                var arguments = Enumerate(right);
                var pattern = arguments.Count > 0 ? Text(arguments[0]) : string.Empty;
                var replacement = arguments.Count > 1 ? Text(arguments[1]) : string.Empty;
                if (IsCollection(left)) return PsObjects.List(Enumerate(left).Select(item => (PsValue)PsPrimitive.String(Replace(Text(item), pattern, replacement, caseSensitive))).ToList(), ListValueTemplate.ArrayTypeNames);
                return PsPrimitive.String(Replace(Text(left), pattern, replacement, caseSensitive));
            }

            case "split":
            {
                // -split pattern[, count]: each item split at the pattern (a regular expression), the pieces in one array.
                var arguments = Enumerate(right);
                var pattern = arguments.Count > 0 ? Text(arguments[0]) : string.Empty;
                var count = arguments.Count > 1 && AsNumber(arguments[1]) is { } n && n > 0 ? (int)Math.Min(n, int.MaxValue) : 0;
                // -split pattern, count, 'SimpleMatch': the pattern as plain text ('IgnoreCase' ignores case under -csplit).
                if (arguments.Count > 2 && Text(arguments[2]) is var options)
                {
                    if (options.Contains("SimpleMatch", StringComparison.OrdinalIgnoreCase)) pattern = System.Text.RegularExpressions.Regex.Escape(pattern);
                    if (options.Contains("IgnoreCase", StringComparison.OrdinalIgnoreCase)) caseSensitive = false;
                }

                var pieces = new List<PsValue>();
                foreach (var item in Enumerate(left)) pieces.AddRange(Split(Text(item), pattern, count, caseSensitive).Select(p => (PsValue)PsPrimitive.String(p)));
                return PsObjects.List(pieces, ListValueTemplate.ArrayTypeNames);
            }

            case "join":
                return PsPrimitive.String(string.Join(Text(right), Enumerate(left).Select(Text)));

            case "contains":
                return PsPrimitive.Boolean(Enumerate(left).Any(item => ScalarEquals(item, right, caseSensitive)));
            case "notcontains":
                return PsPrimitive.Boolean(!Enumerate(left).Any(item => ScalarEquals(item, right, caseSensitive)));
            case "in":
                return PsPrimitive.Boolean(Enumerate(right).Any(item => ScalarEquals(item, left, caseSensitive)));
            case "notin":
                return PsPrimitive.Boolean(!Enumerate(right).Any(item => ScalarEquals(item, left, caseSensitive)));
        }

        if (IsCollection(left))
        {
            var kept = Enumerate(left).Where(item => Scalar(item, op, right, caseSensitive)).ToList();
            return PsObjects.List(kept, ListValueTemplate.ArrayTypeNames);
        }

        return PsPrimitive.Boolean(Scalar(left, op, right, caseSensitive));
    }

    /// <summary>
    /// What <c>$Matches</c> becomes after <c>scalar -match pattern</c> succeeds: a Hashtable of the groups that matched,
    /// by number (0 the whole match) and by name; null when the left operand is a collection or nothing matched.
    /// </summary>
    public static PsObject? MatchTable(PsValue? left, string op, PsValue? right)
    {
        var caseSensitive = op.StartsWith('c');
        if (IsCollection(left) || op.TrimStart('c', 'i') != "match") return null;
        Match m;
        try
        {
            m = Regex.Match(Text(left), Text(right), Options(caseSensitive), MatchTimeout);
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return null; // the comparison itself reports it
        }

        if (!m.Success) return null;
        var table = new PsObject(["System.Collections.Hashtable", "System.Object"]) { CollectionKind = PsCollectionKind.Dictionary };
        foreach (Group group in m.Groups)
        {
            if (!group.Success) continue;
            PsValue key = int.TryParse(group.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? PsPrimitive.Int32(number) : PsPrimitive.String(group.Name);
            table.Entries.Add(new(key, PsPrimitive.String(group.Value)));
        }

        // A Hashtable: its numbered groups enumerate last to first, group 0 at the end.
        HashtableOrder.Arrange(table, 0);

        return table;
    }

    /// <summary>Unary <c>-split text</c> (at runs of white space, no empty pieces) and <c>-join items</c> (no separator).</summary>
    public static PsValue UnaryString(string op, PsValue? operand) => op == "split"
        ? PsObjects.List(Enumerate(operand).SelectMany(item => Text(item).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (PsValue)PsPrimitive.String(p)).ToList(), ListValueTemplate.ArrayTypeNames)
        : PsPrimitive.String(string.Concat(Enumerate(operand).Select(Text)));

    /// <summary>
    /// <c>format -f arguments</c>: .NET composite formatting of the left operand's text with the right operand's items
    /// (invariant culture); a format that does not fit is PowerShell's FormatError.
    /// </summary>
    public static PsValue Format(PsValue? format, PsValue? arguments)
    {
        // $null on the right is one argument, null ('{0}' -f $null is ""), as PowerShell wraps a value that is no array;
        // only an object[] (or another array of a reference type, string[]) is the arguments themselves, as the
        // operator takes `right as object[]`: an ArrayList, a List or an int[] is one argument, shown as its type's name.
        var values = arguments is null or PsNil ? new object?[] { null }
            : (IsReferenceArray(arguments) ? Enumerate(arguments) : [arguments]).Select(BaseOfWrapper).Select(v => v switch
            {
                PsPrimitive { Value: DateTimeOffset } date => DateKinds.Formattable(date),
                PsPrimitive p => WindowsText.ForComposite(p.Value),
                // A collection argument is its ToString: its type's name (System.Object[], System.Collections.ArrayList).
                PsObject { CollectionKind: PsCollectionKind.List } collection => CollectionToString(collection),
                _ => (object?)Text(v),
            }).ToArray();
        try
        {
            // -f formats in the current culture (en-US on a Windows server): "{0:C}" is $5.00, "{0:P0}" 26%.
            var text = string.Format(EnglishUnitedStates.Culture, Text(format), values);
            if (text.Length > MaxArithmeticLength) throw TooLarge();
            return PsPrimitive.String(text);
        }
        catch (FormatException e)
        {
            throw new ScriptExpressionException(ScriptedError.FormatError(e.Message));
        }
    }

    /// <summary>A collection's Object.ToString(): its own text, else its type's name (<c>System.Object[]</c>, <c>System.Collections.ArrayList</c>).</summary>
    internal static string CollectionToString(PsObject collection) =>
        collection.ToStringValue ?? (collection.TypeNames is [var typeName, ..] ? TypeToString(typeName) : "System.Object[]");

    /// <summary>
    /// Type.ToString() of a type by its full name: a generic type's arguments without their assemblies
    /// (<c>System.Collections.Generic.List`1[System.Int32]</c>, where FullName has <c>[[System.Int32, mscorlib, ...]]</c>).
    /// </summary>
    internal static string TypeToString(string fullName) =>
        !fullName.Contains("[[", StringComparison.Ordinal) ? fullName
        : AssemblyQualification().Replace(fullName, string.Empty).Replace("[[", "[", StringComparison.Ordinal).Replace("],[", ",", StringComparison.Ordinal).Replace("]]", "]", StringComparison.Ordinal);

    [GeneratedRegex(@", [^\[\],]+(?:, [^\[\],]+)*(?=\])", RegexOptions.CultureInvariant)]
    private static partial Regex AssemblyQualification();

    // Whether .NET would take the value for an object[] (array covariance: an array whose elements are of a reference type).
    // A list the emulator made without type names (a pipeline's collected output) is an object[].
    private static bool IsReferenceArray(PsValue value) =>
        value is PsObject { CollectionKind: PsCollectionKind.List, TypeNames: var types } &&
        (types is not [var type, ..] || type.EndsWith("[]", StringComparison.Ordinal) && !ValueTypeArrays.Contains(type));

    private static readonly HashSet<string> ValueTypeArrays = new(StringComparer.Ordinal)
    {
        "System.Int32[]", "System.Int64[]", "System.Int16[]", "System.Byte[]", "System.SByte[]", "System.UInt16[]", "System.UInt32[]", "System.UInt64[]",
        "System.Double[]", "System.Single[]", "System.Decimal[]", "System.Boolean[]", "System.Char[]", "System.DateTime[]", "System.TimeSpan[]", "System.Guid[]",
    };

    private static string Replace(string input, string pattern, string replacement, bool caseSensitive)
    {
        try
        {
            return Regex.Replace(input, pattern, replacement, Options(caseSensitive), MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptExpressionException(ScriptedError.RegularExpressionTimedOut(pattern));
        }
        catch (ArgumentException)
        {
            throw new ScriptExpressionException(ScriptedError.InvalidRegularExpression(pattern));
        }
    }

    private static string[] Split(string input, string pattern, int count, bool caseSensitive)
    {
        try
        {
            var regex = new Regex(pattern, Options(caseSensitive), MatchTimeout);
            return count > 0 ? regex.Split(input, count) : regex.Split(input);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptExpressionException(ScriptedError.RegularExpressionTimedOut(pattern));
        }
        catch (ArgumentException)
        {
            throw new ScriptExpressionException(ScriptedError.InvalidRegularExpression(pattern));
        }
    }

    private static RegexOptions Options(bool caseSensitive) => RegexOptions.CultureInvariant | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase);

    private static bool Scalar(PsValue? left, string op, PsValue? right, bool caseSensitive) => op switch
    {
        "eq" => ScalarEquals(left, right, caseSensitive),
        "ne" => !ScalarEquals(left, right, caseSensitive),
        "gt" => ScalarCompare(left, right, caseSensitive) > 0,
        "ge" => ScalarCompare(left, right, caseSensitive) >= 0,
        "lt" => ScalarCompare(left, right, caseSensitive) < 0,
        "le" => ScalarCompare(left, right, caseSensitive) <= 0,
        "like" => Like(Text(left), Text(right), caseSensitive),
        "notlike" => !Like(Text(left), Text(right), caseSensitive),
        "match" => Match(Text(left), Text(right), caseSensitive),
        "notmatch" => !Match(Text(left), Text(right), caseSensitive),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a comparison operator"),
    };

    internal static bool IsNull(PsValue? value) => value is null or PsNil;

    private static string Text(PsValue? value) => IsNull(value) ? string.Empty : PipelineVariables.Display(value!);

    private static double? Number(PsPrimitive p) => p.Value switch
    {
        int i => i,
        long l => l,
        double d => d,
        float f => f,
        decimal m => (double)m,
        short s => s,
        ushort us => us,
        uint ui => ui,
        ulong ul => ul,
        byte b => b,
        sbyte sb => sb,
        _ => null,
    };

    private static PsValue DateOrTimeArithmetic(Func<PsValue> result)
    {
        try
        {
            return result();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw new ScriptExpressionException(new ScriptedError(e.Message, "System." + e.GetType().Name, Protocol.Psrp.ErrorCategory.NotSpecified, e.GetType().FullName!)
            {
                InnerExceptionType = e.GetType().FullName,
            });
        }
    }

    /// <summary>An enum's number (an object that wraps an integer: a scenario's <c>$value</c>, PowerShell's serialized enum); null for anything else.</summary>
    private static double? EnumNumber(PsValue? value) =>
        value is PsObject { BaseValue: { } wrapped, CollectionKind: PsCollectionKind.None } && wrapped.Value is int or long or short or byte or uint or ushort or ulong or sbyte ? Number(wrapped) : null;

    internal static double? AsNumber(PsValue? value) => value switch
    {
        PsPrimitive p when Number(p) is { } n => n,
        PsObject when EnumNumber(value) is { } member => member,
        PsPrimitive { Value: string s } when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        PsPrimitive { Value: bool b } => b ? 1 : 0,
        _ => null,
    };

    // The left operand's type decides, as in PowerShell: the right one is converted to it.
    private static bool ScalarEquals(PsValue? left, PsValue? right, bool caseSensitive)
    {
        if (IsNull(left)) return IsNull(right);
        if (IsNull(right)) return false;
        // A PSCustomObject or a Hashtable equals only itself (Object.Equals: the reference), not one with the same content.
        if (left is PsObject leftObject && (PipelineVariables.IsCustomObject(leftObject) || ValueProperties.IsHashtable(leftObject))) return ReferenceEquals(leftObject, right);
        if (left is PsPrimitive { Value: bool b }) return b == IsTrue(right);
        if (left is PsPrimitive lp && Number(lp) is { } l) return AsNumber(right) is { } r && l == r;
        if (EnumNumber(left) is { } member)
        {
            // An enum on the left converts the right to itself, as PowerShell does: its name (any case) or its number.
            if (EnumNumber(right) is { } other) return member == other;
            if (right is PsPrimitive { Value: string name } && !double.TryParse(name.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return string.Equals(Text(left), name.Trim(), StringComparison.OrdinalIgnoreCase);
            }

            return AsNumber(right) is { } number && member == number;
        }

        // A right operand that does not convert to the left's type is not equal to it (no error, as PowerShell's -eq).
        if (ConvertibleType(left) is { } type) return Cast(right, type, orNull: true) is PsPrimitive converted && CompareAs((PsPrimitive)left!, converted) == 0;
        return string.Equals(Text(left), Text(right), caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    // DateTime, TimeSpan and Version on the left: the right operand is converted to that type and the two compared as
    // it (PowerShell's LanguagePrimitives.Compare), not as text ("12/31/2025" would come after "01/01/2026").
    private static KnownType? ConvertibleType(PsValue? left) => left switch
    {
        PsPrimitive { Value: DateTimeOffset } => Types["System.DateTime"],
        PsPrimitive { Value: TimeSpan } => Types["System.TimeSpan"],
        PsPrimitive { Type: PsPrimitiveType.Version } => Types["System.Version"],
        _ => null,
    };

    private static int CompareAs(PsPrimitive left, PsPrimitive right) => (left.Value, right.Value) switch
    {
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (TimeSpan a, TimeSpan b) => a.CompareTo(b),
        (string a, string b) when Version.TryParse(a, out var va) && Version.TryParse(b, out var vb) => va.CompareTo(vb),
        _ when Number(left) is { } a && Number(right) is { } b => a.CompareTo(b),
        _ => string.Compare(left.ToDisplayString(), right.ToDisplayString(), StringComparison.OrdinalIgnoreCase),
    };

    // -lt, -gt: a right operand that does not convert to the left's type is PowerShell's ComparisonFailure (Sort-Object
    // catches it and compares the two as text: Order).
    private static int CompareConverted(PsPrimitive left, PsValue? right, KnownType type)
    {
        PsValue converted;
        try
        {
            converted = ConvertTo(right, type);
        }
        catch (ScriptExpressionException e)
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"Could not compare \"{Text(left)}\" to \"{Text(right)}\". Error: \"{e.Error.Message}\"", "ComparisonFailure",
                Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType)
            {
                InnerExceptionType = "System.Management.Automation.PSInvalidCastException",
            });
        }

        return converted is PsPrimitive p ? CompareAs(left, p) : 1; // $null: every value is greater
    }

    /// <summary>
    /// .NET's default comparer as List.Sort and Array.Sort use it on the values scripts sort: text by the culture's rules
    /// with case (a, b, C), numbers as numbers, others as the comparison operators compare them.
    /// </summary>
    internal static readonly IComparer<PsValue> DefaultComparer = Comparer<PsValue>.Create((a, b) => ScalarCompare(a, b, caseSensitive: true));

    // List.Sort, ArrayList.Sort and [Array]::Sort in place (stably: equal items keep their order); they return nothing.
    private static PsValue SortInPlace(List<PsValue> items)
    {
        List<PsValue> ordered = [.. items.Order(DefaultComparer)];
        items.Clear();
        items.AddRange(ordered);
        return PsNil.Instance;
    }

    // Reverse of a list or [Array]::Reverse, in place.
    private static PsValue ReverseInPlace(List<PsValue> items)
    {
        items.Reverse();
        return PsNil.Instance;
    }

    private static int ScalarCompare(PsValue? left, PsValue? right, bool caseSensitive)
    {
        if (IsNull(left)) return IsNull(right) ? 0 : -1;
        if (IsNull(right)) return 1;
        if (left is PsPrimitive lp && Number(lp) is { } l)
        {
            if (AsNumber(right) is { } r) return l.CompareTo(r);
            // A number on the left converts the right to its type: text that is no number is PowerShell's ComparisonFailure.
            if (Types.TryGetValue(lp.Value.GetType().FullName!, out var numberType)) return CompareConverted(lp, right, numberType);
        }

        // Enums order by their numbers (Sort-Object Status: Stopped, 1, before Running, 4), also against a number.
        if (EnumNumber(left) is { } e && AsNumber(right) is { } f) return e.CompareTo(f);
        if (ConvertibleType(left) is { } type) return CompareConverted((PsPrimitive)left!, right, type);
        return TextCompare(left, right, caseSensitive);
    }

    private static int TextCompare(PsValue? left, PsValue? right, bool caseSensitive) =>
        WindowsCollation.Compare(Text(left), Text(right), ignoreCase: !caseSensitive);

    /// <summary>
    /// Property names as Select-Object and the Format cmdlets take them: a name with a wildcard (<c>*</c>, <c>?</c>)
    /// stands for the object's properties that match it, in the object's order; others are themselves.
    /// </summary>
    public static List<string> ExpandPropertyNames(PsValue item, IEnumerable<string> names)
    {
        var expanded = new List<string>();
        List<string>? own = null;
        foreach (var name in names)
        {
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                if (!expanded.Contains(name, StringComparer.OrdinalIgnoreCase)) expanded.Add(name);
                continue;
            }

            own ??= item switch
            {
                PsObject o when ValueProperties.Of(o) is { } ownNames => [.. ownNames],
                PsObject { BaseValue: null } o => Formatting.FormatViews.DisplayProperties(o),
                PsPrimitive p when ValueProperties.Of(p) is { } primitiveNames => [.. primitiveNames],
                _ => [],
            };
            foreach (var property in own)
            {
                if (Like(property, name, caseSensitive: false) && !expanded.Contains(property, StringComparer.OrdinalIgnoreCase)) expanded.Add(property);
            }
        }

        return expanded;
    }

    /// <summary>PowerShell's -like, case-insensitive: a wildcard pattern matched against the whole text.</summary>
    internal static bool Like(string value, string pattern) => Like(value, pattern, caseSensitive: false);

    private static bool Like(string value, string pattern, bool caseSensitive) => Match(value, WildcardRegexText(pattern), caseSensitive, singleline: true);

    /// <summary>
    /// PowerShell's WildcardPattern as a regular expression, anchored: <c>*</c>, <c>?</c>, <c>[a-z]</c> (an unclosed
    /// <c>[</c> is itself), <c>`</c> escaping the next character.
    /// </summary>
    internal static string WildcardRegexText(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': regex.Append(".*"); break;
                case '?': regex.Append('.'); break;
                case '`' when i + 1 < pattern.Length: regex.Append(Regex.Escape(pattern[++i].ToString())); break;
                case '[':
                    // PowerShell's WildcardPattern refuses a set that is not closed or has nothing in it.
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0 || close == i + 1) throw new ScriptExpressionException(ScriptedError.InvalidWildcardPattern(pattern));

                    regex.Append(WildcardSet(pattern.AsSpan(i + 1, close - i - 1)));
                    i = close;
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return regex.Append('$').ToString();
    }

    // A wildcard's [set] as a regex class: its characters and a-z ranges; a range whose ends are the wrong way round
    // matches nothing, as WildcardPatternMatcher's bracket element compares both ends.
    private static string WildcardSet(ReadOnlySpan<char> body)
    {
        static string Escape(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
        var set = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                if (body[i] <= body[i + 2]) set.Append(Escape(body[i])).Append('-').Append(Escape(body[i + 2]));
                i += 2;
                continue;
            }

            set.Append(Escape(body[i]));
        }

        // A class that matches nothing (no lookaround: the pattern may run without backtracking).
        return set.Length == 0 ? @"[^\s\S]" : "[" + set + "]";
    }

    private static bool Match(string value, string pattern, bool caseSensitive, bool singleline = false)
    {
        var options = RegexOptions.CultureInvariant | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase) | (singleline ? RegexOptions.Singleline : RegexOptions.None);
        try
        {
            return Regex.IsMatch(value, pattern, options, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptExpressionException(ScriptedError.RegularExpressionTimedOut(pattern));
        }
        catch (ArgumentException)
        {
            throw new ScriptExpressionException(ScriptedError.InvalidRegularExpression(pattern));
        }
    }
}

/// <summary>An expression that fails the way PowerShell's would (a terminating error of the statement).</summary>
internal sealed class ScriptExpressionException(ScriptedError error) : Exception(error.Message)
{
    public ScriptedError Error => error;
}
