using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The expression side of PowerShell that <c>if</c>, <c>elseif</c> and <c>foreach</c> need: a condition's operators
/// (comparison, <c>-like</c>, <c>-match</c>, <c>-contains</c>/<c>-in</c>, <c>-and</c>/<c>-or</c>/<c>-xor</c>,
/// <c>-not</c>/<c>!</c>) over operands that the behaviours evaluate, and LanguagePrimitives.IsTrue. What a value is
/// stays the behaviours' business: an operand is run as a statement and its output is the value.
/// </summary>
internal static class ScriptExpressions
{
    /// <summary>How long a client's <c>-match</c> pattern may run on one value.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> Comparisons = new(StringComparer.OrdinalIgnoreCase)
    {
        "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains", "in", "notin",
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
    public static bool HasPipeline(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\'' or '"' or '`':
                    i = Statements.SkipQuotedOrEscaped(text, i);
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (depth > 0) depth--;
                    break;
                case '|' when depth == 0:
                    return true;
            }
        }

        return false;
    }

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
                case '-' when depth == 0 && (i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is '(' or ')'):
                    var end = i + 1;
                    while (end < text.Length && char.IsLetter(text[end])) end++;
                    var name = text[(i + 1)..end];
                    if (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('(' or '$' or '\'' or '"' or '!')) continue;
                    var bare = name.Length > 2 && name[0] is 'c' or 'i' or 'C' or 'I' && Comparisons.Contains(name[1..]) ? name[1..] : name;
                    if (!Comparisons.Contains(bare) && !Logical.Contains(name) && !name.Equals("not", StringComparison.OrdinalIgnoreCase)) continue;
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
    public static List<string>? ArrayElements(string text)
    {
        List<string>? elements = null;
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\'' or '"' or '`':
                    i = Statements.SkipQuotedOrEscaped(text, i);
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    if (depth > 0) depth--;
                    break;
                case ',' when depth == 0:
                    (elements ??= []).Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        elements?.Add(text[start..].Trim());
        return elements;
    }

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
        !IsCommandMode(text) && !HasPipeline(text) && (Tokenize(text) is not null || text.TrimStart().StartsWith('!') || ArrayElements(text) is not null || Subexpression(text).Statements is not null);

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

    private static bool IsCollection(PsValue? value) =>
        value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue };

    /// <summary>
    /// <c>left -op right</c>. A collection on the left is filtered, as PowerShell does (the items for which the
    /// comparison holds); <c>-contains</c> and <c>-in</c> look for one item. A leading c makes it case-sensitive.
    /// </summary>
    public static PsValue Compare(PsValue? left, string op, PsValue? right)
    {
        var caseSensitive = op.Length > 2 && op[0] == 'c' && Comparisons.Contains(op[1..]);
        if (op.Length > 2 && op[0] is 'c' or 'i' && Comparisons.Contains(op[1..])) op = op[1..];
        switch (op)
        {
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

    private static bool IsNull(PsValue? value) => value is null or PsNil;

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

    private static double? AsNumber(PsValue? value) => value switch
    {
        PsPrimitive p when Number(p) is { } n => n,
        PsPrimitive { Value: string s } when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        PsPrimitive { Value: bool b } => b ? 1 : 0,
        _ => null,
    };

    // The left operand's type decides, as in PowerShell: the right one is converted to it.
    private static bool ScalarEquals(PsValue? left, PsValue? right, bool caseSensitive)
    {
        if (IsNull(left)) return IsNull(right);
        if (IsNull(right)) return false;
        if (left is PsPrimitive { Value: bool b }) return b == IsTrue(right);
        if (left is PsPrimitive lp && Number(lp) is { } l) return AsNumber(right) is { } r && l == r;
        return string.Equals(Text(left), Text(right), caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    private static int ScalarCompare(PsValue? left, PsValue? right, bool caseSensitive)
    {
        if (IsNull(left)) return IsNull(right) ? 0 : -1;
        if (IsNull(right)) return 1;
        if (left is PsPrimitive lp && Number(lp) is { } l && AsNumber(right) is { } r) return l.CompareTo(r);
        return string.Compare(Text(left), Text(right), CultureInfo.InvariantCulture, caseSensitive ? CompareOptions.None : CompareOptions.IgnoreCase);
    }

    /// <summary>PowerShell's wildcards: <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>`</c> escaping the next character.</summary>
    private static bool Like(string value, string pattern, bool caseSensitive)
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
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    regex.Append('[').Append(pattern[(i + 1)..close].Replace(@"\", @"\\", StringComparison.Ordinal).Replace("^", @"\^", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return Match(value, regex.Append('$').ToString(), caseSensitive, singleline: true);
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
