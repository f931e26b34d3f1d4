namespace PsrpEmulator.Server.Behaviours;

internal static partial class Statements
{
    /// <summary>
    /// One redirection of a statement: the stream (<c>1</c> output, <c>2</c> error, <c>3</c> warning, <c>4</c> verbose,
    /// <c>5</c> debug, <c>6</c> information, <c>*</c> all), and either a target word (a file, or <c>$null</c>) with
    /// <c>&gt;&gt;</c>'s append, or a merge into the output (<c>2&gt;&amp;1</c>).
    /// </summary>
    internal sealed record Redirection(char Stream, string? Target, bool Append);

    /// <summary>
    /// The statement without its redirections (<c>&gt; file</c>, <c>&gt;&gt; file</c>, <c>2&gt;$null</c>,
    /// <c>2&gt;&amp;1</c>, <c>*&gt;&amp;1</c>...) and them in order; null when it has none. A <c>&gt;</c> inside quotes,
    /// parentheses, braces or brackets is not one.
    /// </summary>
    public static (string Bare, List<Redirection> Redirections)? SplitRedirections(string text)
    {
        if (!text.Contains('>', StringComparison.Ordinal)) return null;
        var bare = new System.Text.StringBuilder(text.Length);
        var found = new List<Redirection>();
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = QuoteEnd(text, i);
                bare.Append(text, i, end - i);
                i = end - 1;
                continue;
            }

            if (c == '`' && i + 1 < text.Length)
            {
                bare.Append(c).Append(text[++i]);
                continue;
            }

            if (c is '(' or '{' or '[') depth++;
            else if (c is ')' or '}' or ']') depth = Math.Max(0, depth - 1);
            if (c != '>' || depth > 0)
            {
                bare.Append(c);
                continue;
            }

            // The stream number (or *) written right before the '>', itself after a space or at the start.
            var stream = '1';
            if (bare.Length > 0 && bare[^1] is (>= '1' and <= '6') or '*' && (bare.Length == 1 || char.IsWhiteSpace(bare[^2])))
            {
                stream = bare[^1];
                bare.Length--;
            }

            var j = i + 1;
            var append = j < text.Length && text[j] == '>';
            if (append) j++;
            if (j + 1 < text.Length && text[j] == '&' && text[j + 1] is >= '1' and <= '6')
            {
                found.Add(new Redirection(stream, null, false));
                i = j + 1;
                continue;
            }

            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            var start = j;
            if (j < text.Length && text[j] is '\'' or '"') j = QuoteEnd(text, j);
            else
            {
                var nesting = 0;
                while (j < text.Length && (nesting > 0 || !(char.IsWhiteSpace(text[j]) || text[j] is ';' or '|' or '>')))
                {
                    if (text[j] is '(' or '{') nesting++;
                    else if (text[j] is ')' or '}') nesting--;
                    j++;
                }
            }

            if (j == start) return null;
            found.Add(new Redirection(stream, text[start..j], append));
            i = j - 1;
        }

        return found.Count == 0 ? null : (bare.ToString().Trim(), found);

        // Where a quoted string that starts at 'at' ends (past its closing quote; a doubled quote is one character).
        static int QuoteEnd(string text, int at)
        {
            var quote = text[at];
            for (var k = at + 1; k < text.Length; k++)
            {
                if (quote == '"' && text[k] == '`') { k++; continue; }
                if (text[k] != quote) continue;
                if (k + 1 < text.Length && text[k + 1] == quote) { k++; continue; }
                return k + 1;
            }

            return text.Length;
        }
    }
}
