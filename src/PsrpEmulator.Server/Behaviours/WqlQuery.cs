using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>Whose refusal a query's is.</summary>
internal enum WqlFailure
{
    /// <summary>WMI refuses it too: its Invalid query (WBEM_E_INVALID_QUERY, 0x80041017).</summary>
    InvalidQuery,

    /// <summary>WQL that WMI may well run but the emulator does not read (ISA, event and association queries, ...).</summary>
    NotEmulated,
}

/// <summary>Why a WQL query cannot run.</summary>
internal sealed class WqlException(string message, WqlFailure failure = WqlFailure.InvalidQuery) : Exception(message)
{
    public WqlFailure Failure { get; } = failure;
}

/// <summary>
/// A WQL data query as WMI reads it: <c>SELECT * | Prop, Prop FROM Class [WHERE condition]</c>. The condition
/// compares a property with a literal (<c>= != &lt;&gt; &lt; &gt; &lt;= &gt;=</c>, <c>LIKE</c> with <c>% _ [set]</c>),
/// tests <c>IS [NOT] NULL</c>, and joins with <c>AND</c>, <c>OR</c>, <c>NOT</c> and parentheses. Keywords, names and
/// string comparisons ignore case, as WMI's do; numbers compare as numbers.
/// </summary>
internal sealed class WqlQuery
{
    // A condition small enough for any real query; deeper is refused rather than recursed into.
    private const int MaxNesting = 32;

    private WqlQuery(string text, IReadOnlyList<string>? properties, string className, Condition? where)
    {
        Text = text;
        Properties = properties;
        ClassName = className;
        Where = where;
    }

    /// <summary>The query as written (what WMI's Invalid query error quotes).</summary>
    public string Text { get; }

    /// <summary>The properties selected; null for <c>*</c>.</summary>
    public IReadOnlyList<string>? Properties { get; }

    public string ClassName { get; }

    private Condition? Where { get; }

    public static WqlQuery Parse(string text)
    {
        if (Regex.IsMatch(text, @"^\s*(?:ASSOCIATORS|REFERENCES)\s+OF\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
        {
            throw new WqlException("ASSOCIATORS OF and REFERENCES OF queries are not emulated", WqlFailure.NotEmulated);
        }

        var tokens = new Tokens(text);
        tokens.Keyword("SELECT");
        List<string>? properties = null;
        if (!tokens.TrySymbol("*"))
        {
            properties = [tokens.Name()];
            while (tokens.TrySymbol(",")) properties.Add(tokens.Name());
        }

        tokens.Keyword("FROM");
        var className = tokens.Name();
        Condition? where = null;
        if (tokens.TryKeyword("WHERE")) where = Or(tokens, 0);
        if (!tokens.AtEnd)
        {
            // An event query's clauses.
            throw tokens.IsWord("WITHIN") || tokens.IsWord("GROUP") || tokens.IsWord("HAVING")
                ? new WqlException($"event queries ({tokens.Peek.ToUpperInvariant()}) are not emulated", WqlFailure.NotEmulated)
                : new WqlException($"unexpected '{tokens.Peek}' after the query");
        }

        return new WqlQuery(text, properties, className, where);
    }

    /// <summary>Property names the query uses that the class has not (WMI's invalid query).</summary>
    public IEnumerable<string> UnknownProperties(IReadOnlyList<string> classProperties)
    {
        var names = (Properties ?? []).Concat(Where?.Names() ?? []);
        return names.Where(n => !classProperties.Contains(n, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    public bool Matches(IReadOnlyList<WmiProperty> instance) => Where?.Test(instance) ?? true;

    /// <summary>The instance's selected properties (all of them for <c>*</c>), in the class's order.</summary>
    public IReadOnlyList<WmiProperty> Project(IReadOnlyList<WmiProperty> instance) =>
        Properties is null ? instance : [.. instance.Where(p => Properties.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];

    private static Condition Or(Tokens tokens, int nesting)
    {
        var left = And(tokens, nesting);
        while (tokens.TryKeyword("OR")) left = new Either(left, And(tokens, nesting));
        return left;
    }

    private static Condition And(Tokens tokens, int nesting)
    {
        var left = Not(tokens, nesting);
        while (tokens.TryKeyword("AND")) left = new Both(left, Not(tokens, nesting));
        return left;
    }

    private static Condition Not(Tokens tokens, int nesting)
    {
        if (nesting > MaxNesting) throw new WqlException("the condition is nested too deeply", WqlFailure.NotEmulated);
        if (tokens.TryKeyword("NOT")) return new Negated(Not(tokens, nesting + 1));
        if (tokens.TrySymbol("("))
        {
            var inner = Or(tokens, nesting + 1);
            tokens.Symbol(")");
            return inner;
        }

        if (tokens.AtLiteral)
        {
            // constant operator property, as WQL allows: the comparison read the other way round.
            var constant = tokens.Literal();
            var reversed = tokens.Operator();
            return new Comparison(tokens.Name(), reversed switch { "<" => ">", ">" => "<", "<=" => ">=", ">=" => "<=", _ => reversed }, constant);
        }

        var name = tokens.Name();
        if (tokens.TryKeyword("IS"))
        {
            var negated = tokens.TryKeyword("NOT");
            tokens.Keyword("NULL");
            return new IsNull(name, negated);
        }

        if (tokens.TryKeyword("LIKE")) return new Like(name, tokens.StringLiteral());
        // ISA tests embedded objects; "Name NOT LIKE" is UNVERIFIED (WMI's documentation puts NOT before the name).
        if (tokens.IsWord("ISA") || tokens.IsWord("NOT")) throw new WqlException($"'{name} {tokens.Peek.ToUpperInvariant()}' is not emulated", WqlFailure.NotEmulated);
        var op = tokens.Operator();
        return new Comparison(name, op, tokens.Literal());
    }

    private abstract class Condition
    {
        public abstract bool Test(IReadOnlyList<WmiProperty> instance);

        public abstract IEnumerable<string> Names();

        protected static WmiProperty? Find(IReadOnlyList<WmiProperty> instance, string name) =>
            instance.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class Either(Condition left, Condition right) : Condition
    {
        public override bool Test(IReadOnlyList<WmiProperty> instance) => left.Test(instance) || right.Test(instance);
        public override IEnumerable<string> Names() => left.Names().Concat(right.Names());
    }

    private sealed class Both(Condition left, Condition right) : Condition
    {
        public override bool Test(IReadOnlyList<WmiProperty> instance) => left.Test(instance) && right.Test(instance);
        public override IEnumerable<string> Names() => left.Names().Concat(right.Names());
    }

    private sealed class Negated(Condition inner) : Condition
    {
        public override bool Test(IReadOnlyList<WmiProperty> instance) => !inner.Test(instance);
        public override IEnumerable<string> Names() => inner.Names();
    }

    private sealed class IsNull(string name, bool negated) : Condition
    {
        public override bool Test(IReadOnlyList<WmiProperty> instance) =>
            (Find(instance, name) is not { Kind: not WmiValueKind.Null, Values.Count: > 0 }) != negated;

        public override IEnumerable<string> Names() => [name];
    }

    private sealed class Like(string name, string pattern) : Condition
    {
        private readonly Regex _regex = Compile(pattern);

        private static Regex Compile(string pattern)
        {
            try
            {
                return new Regex(LikeRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                throw new WqlException($"'{pattern}' is not a LIKE pattern", WqlFailure.NotEmulated);
            }
        }

        public override bool Test(IReadOnlyList<WmiProperty> instance) =>
            Find(instance, name) is { Kind: not WmiValueKind.Null } p && p.Values.Any(_regex.IsMatch);

        public override IEnumerable<string> Names() => [name];

        private static string LikeRegex(string like)
        {
            var regex = new StringBuilder("^");
            for (var i = 0; i < like.Length; i++)
            {
                var c = like[i];
                switch (c)
                {
                    case '%': regex.Append(".*"); break;
                    case '_': regex.Append('.'); break;
                    // A set needs a member before its ']' ([^] and [] are literal brackets).
                    case '[' when like.IndexOf(']', i + 1) is var close and > 0 && like[(i + 1)..close].TrimStart('^').Length > 0:
                        var set = like[(i + 1)..close];
                        var negated = set.StartsWith('^');
                        if (negated) set = set[1..];
                        regex.Append('[').Append(negated ? "^" : string.Empty);
                        foreach (var m in set) regex.Append(m is '\\' or '[' or ']' or '^' ? "\\" + m : m.ToString());
                        regex.Append(']');
                        i = close;
                        break;
                    default: regex.Append(Regex.Escape(c.ToString())); break;
                }
            }

            return regex.Append('$').ToString();
        }
    }

    private sealed class Comparison(string name, string op, string? literal) : Condition
    {
        public override bool Test(IReadOnlyList<WmiProperty> instance)
        {
            // A comparison with NULL, or of a null property, is false, as in WQL (IS NULL tests for it).
            if (literal is null || Find(instance, name) is not { Kind: not WmiValueKind.Null } property) return false;
            return property.Values.Any(value => Holds(Compare(value, literal)));
        }

        public override IEnumerable<string> Names() => [name];

        private bool Holds(int order) => op switch
        {
            "=" => order == 0,
            "!=" or "<>" => order != 0,
            "<" => order < 0,
            ">" => order > 0,
            "<=" => order <= 0,
            _ => order >= 0,
        };

        private static int Compare(string value, string literal)
        {
            // A reference (\\HOST\root\cimv2:Win32_Group.Domain="X",Name="Y") equals its relative path, as WMI reads an
            // object path (Win32_GroupUser's GroupComponent = 'Win32_Group.Domain="X",Name="Y"').
            if (value.StartsWith(@"\\", StringComparison.Ordinal) && !literal.StartsWith(@"\\", StringComparison.Ordinal) && value.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                value = value[(colon + 1)..];
            }

            if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) &&
                decimal.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            {
                return a.CompareTo(b);
            }

            return string.Compare(value, literal, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The query's words, symbols and literals, read left to right.</summary>
    private sealed class Tokens
    {
        private readonly List<string> _items = [];
        private readonly List<bool> _quoted = [];
        private int _next;

        public Tokens(string text)
        {
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                if (c is '\'' or '"')
                {
                    var literal = new StringBuilder();
                    var j = i + 1;
                    for (; j < text.Length; j++)
                    {
                        // A backslash escapes a backslash or a quote, and nothing else: WMI refuses 'Fabrikam\TimO' (about_WQL).
                        if (text[j] == '\\' && j + 1 < text.Length)
                        {
                            if (text[j + 1] is not ('\\' or '\'' or '"')) throw new WqlException($"'\\{text[j + 1]}' is not an escape");
                            literal.Append(text[++j]);
                        }
                        else if (text[j] == c) break;
                        else literal.Append(text[j]);
                    }

                    if (j >= text.Length) throw new WqlException("a string is not closed");
                    Add(literal.ToString(), quoted: true);
                    i = j + 1;
                    continue;
                }

                if (c is '<' or '>' or '!' or '=')
                {
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                    var op = two is "<=" or ">=" or "<>" or "!=" ? two : c.ToString();
                    if (op == "!") throw new WqlException("'!' is not an operator");
                    Add(op, quoted: false);
                    i += op.Length;
                    continue;
                }

                if (c is '(' or ')' or ',' or '*')
                {
                    Add(c.ToString(), quoted: false);
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '+')) i++;
                if (i == start) throw new WqlException($"unexpected '{c}'");
                Add(text[start..i], quoted: false);
            }
        }

        private void Add(string text, bool quoted)
        {
            _items.Add(text);
            _quoted.Add(quoted);
        }

        public bool AtEnd => _next >= _items.Count;

        public string Peek => AtEnd ? "(end)" : _items[_next];

        public bool IsWord(string word) => !AtEnd && !_quoted[_next] && _items[_next].Equals(word, StringComparison.OrdinalIgnoreCase);

        public bool TryKeyword(string word)
        {
            if (!IsWord(word)) return false;
            _next++;
            return true;
        }

        public void Keyword(string word)
        {
            if (!TryKeyword(word)) throw new WqlException($"expected {word}, found '{Peek}'");
        }

        public bool TrySymbol(string symbol) => TryKeyword(symbol);

        public void Symbol(string symbol)
        {
            if (!TrySymbol(symbol)) throw new WqlException($"expected '{symbol}', found '{Peek}'");
        }

        public string Name()
        {
            if (!AtEnd && !_quoted[_next] && _items[_next].Split('.') is { Length: > 1 } parts && parts.All(IsName))
            {
                throw new WqlException($"'{_items[_next]}': properties of embedded objects are not emulated", WqlFailure.NotEmulated);
            }

            if (AtEnd || _quoted[_next] || !IsName(_items[_next])) throw new WqlException($"expected a name, found '{Peek}'");
            return _items[_next++];
        }

        /// <summary>Whether a constant comes next: a string, a number, TRUE, FALSE or NULL.</summary>
        public bool AtLiteral => !AtEnd && (_quoted[_next] || _items[_next].ToUpperInvariant() is "TRUE" or "FALSE" or "NULL" ||
            decimal.TryParse(_items[_next], NumberStyles.Float, CultureInfo.InvariantCulture, out _));

        public string Operator()
        {
            if (AtEnd || _quoted[_next] || _items[_next] is not ("=" or "!=" or "<>" or "<" or ">" or "<=" or ">=")) throw new WqlException($"expected an operator, found '{Peek}'");
            return _items[_next++];
        }

        public string StringLiteral()
        {
            if (AtEnd || !_quoted[_next]) throw new WqlException($"expected a string, found '{Peek}'");
            return _items[_next++];
        }

        /// <summary>A string, a number, TRUE or FALSE (as WinRM writes booleans: "true"/"false"), or NULL (null).</summary>
        public string? Literal()
        {
            if (AtEnd) throw new WqlException("expected a value, found the end of the query");
            var text = _items[_next];
            var quoted = _quoted[_next++];
            if (quoted) return text;
            if (text.Equals("NULL", StringComparison.OrdinalIgnoreCase)) return null;
            if (text.Equals("TRUE", StringComparison.OrdinalIgnoreCase)) return "true";
            if (text.Equals("FALSE", StringComparison.OrdinalIgnoreCase)) return "false";
            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return text;
            throw new WqlException($"expected a value, found '{text}'");
        }

        private static bool IsName(string text) => text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }
}
