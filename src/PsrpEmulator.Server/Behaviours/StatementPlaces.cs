namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Where a statement the interpreter ran stands in a script's text. The interpreter runs text, not a syntax tree, so a
/// statement is found by its text: where it starts a statement (not after a word: <c>f</c> of <c>function f {</c> is
/// no call), else where it stands as a word of its own, else anywhere.
/// </summary>
internal static class StatementPlaces
{
    /// <summary>The statement's first best place in <c>text[start..start+length)</c>; -1 when it is not there.</summary>
    public static int Find(string text, int start, int length, string statement) => Find(text, start, length, statement, start);

    /// <summary>
    /// The statement's best place in <c>text[start..start+length)</c>, the first at or after <paramref name="from"/>
    /// preferred (the statement after the one that ran before it), else the first from the start (a loop's body running
    /// again from its top); -1 when it is not there.
    /// </summary>
    public static int Find(string text, int start, int length, string statement, int from)
    {
        if (statement.Length == 0 || length < statement.Length || start < 0 || start > text.Length - length) return -1;
        var end = start + length;
        from = Math.Clamp(from, start, end);

        // At or after from: the first of the best kind, a statement's start ending the search.
        var after = -1;
        var afterKind = -1;
        for (var at = IndexOf(from); at >= 0; at = IndexOf(at + 1))
        {
            var kind = Kind(text, start, end, at, statement);
            if (kind > afterKind)
            {
                (after, afterKind) = (at, kind);
                if (kind == StatementStart) return at;
            }
        }

        // Before from: the first of the best kind.
        var before = -1;
        var beforeKind = -1;
        for (var at = IndexOf(start); at >= 0 && at < from; at = IndexOf(at + 1))
        {
            var kind = Kind(text, start, end, at, statement);
            if (kind > beforeKind) (before, beforeKind) = (at, kind);
        }

        return beforeKind > afterKind ? before : after >= 0 ? after : before;

        int IndexOf(int at) => at > end - statement.Length ? -1 : text.IndexOf(statement, at, end - at, StringComparison.Ordinal);
    }

    private const int Anywhere = 0, Word = 1, StatementStart = 2;

    private static int Kind(string text, int start, int end, int at, string statement)
    {
        var after = at + statement.Length;
        if ((at != start && !IsStatementBoundary(text[at - 1])) || (after < end && !IsStatementBoundary(text[after]) && char.IsLetterOrDigit(statement[^1]))) return Anywhere;
        var before = at - 1;
        while (before >= start && text[before] is ' ' or '\t') before--;
        return before < start || !char.IsLetterOrDigit(text[before]) ? StatementStart : Word;
    }

    private static bool IsStatementBoundary(char c) => char.IsWhiteSpace(c) || c is ';' or '{' or '}' or '(' or ')' or '|' or '=';
}
