namespace PsrpEmulator.Server.Behaviours;

internal static partial class Statements
{
    private static readonly System.Buffers.SearchValues<char> CommentOrEscape = System.Buffers.SearchValues.Create("#`");

    /// <summary>
    /// The script's code, as PowerShell's tokenizer reads it: without its comments (<c># ...</c> to the line's end
    /// where a token starts, not inside a word such as <c>a#b</c>; <c>&lt;# ... #&gt;</c>, a space in its place) and
    /// with its line continuations (a backtick ending a line) joined by a space, and a braced variable whose name needs
    /// no braces (<c>${x}</c>, <c>${env:PATH}</c>) written without them. Quoted strings and here-strings are kept as
    /// written. The same instance when there is none of these.
    /// </summary>
    /// <remarks>
    /// Scripts arrive as the client wrote them (Invoke-Command sends a script block's text, comment-based help and
    /// all); rules, parameter blocks and statements then read the code alone. An unclosed <c>&lt;#</c> runs to the end
    /// of the script, as PowerShell reads it.
    /// </remarks>
    public static string Code(string text) => Code(text, keepPositions: false);

    /// <summary>
    /// <see cref="Code(string)"/> with every character where it was: what is taken out becomes as many spaces, so an
    /// offset in the code is the offset in the script (for a parse error's "At line:1 char:5").
    /// </summary>
    public static string CodeKeepingPositions(string text) => Code(text, keepPositions: true);

    /// <summary>
    /// <see cref="CodeKeepingPositions"/> with a block comment's line breaks kept, so that every line keeps its number
    /// (a script file's frame in a ScriptStackTrace).
    /// </summary>
    public static string CodeKeepingLines(string text) => Code(text, keepPositions: true, keepLines: true);

    private static string Code(string text, bool keepPositions, bool keepLines = false)
    {
        if (text.AsSpan().IndexOfAny(CommentOrEscape) < 0 && (keepPositions || !text.Contains("${", StringComparison.Ordinal))) return text;
        System.Text.StringBuilder? result = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '@' when i + 1 < text.Length && text[i + 1] is '"' or '\'' && HereStringAt(text, i) is var (_, _, end):
                    i = end - 1;
                    continue;
                case '`' when i + 1 < text.Length && text[i + 1] is '\n' or '\r':
                    var continued = text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n' ? i + 3 : i + 2;
                    Cut(i, continued, " ");
                    i = continued - 1;
                    continue;
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(text, i);
                    continue;
                case '$' when !keepPositions && i + 1 < text.Length && text[i + 1] == '{' && BracedVariable(text, i) is var (name, bracedEnd):
                    // ${name} of a name that needs no braces is $name, which the rest reads (${x} = 1, ${env:PATH}).
                    Cut(i, bracedEnd, "$" + name);
                    i = bracedEnd - 1;
                    continue;
                case '<' when i + 1 < text.Length && text[i + 1] == '#':
                    var close = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                    var blockEnd = close < 0 ? text.Length : close + 2;
                    Cut(i, blockEnd, " ", keepLines);
                    i = blockEnd - 1;
                    continue;
                case '#' when i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is ';' or '(' or ')' or '{' or '}' or '|' or ',' or '=' or '\'' or '"':
                    // The line break stays: it ends the statement the comment followed.
                    var lineEnd = text.IndexOf('\n', i);
                    if (lineEnd < 0) lineEnd = text.Length;
                    else if (lineEnd > i && text[lineEnd - 1] == '\r') lineEnd--;
                    Cut(i, lineEnd, string.Empty);
                    i = lineEnd - 1;
                    continue;
            }
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();

        // breaks: a block comment's line breaks stay where they were, so that the lines after it keep their numbers.
        void Cut(int start, int end, string replacement, bool breaks = false)
        {
            result ??= new System.Text.StringBuilder(text.Length);
            result.Append(text, copied, start - copied);
            if (!keepPositions) result.Append(replacement);
            else if (!breaks) result.Append(' ', end - start);
            else
            {
                for (var at = start; at < end; at++) result.Append(text[at] is '\n' or '\r' ? text[at] : ' ');
            }

            copied = end;
        }
    }

    // ${name} at start, as a bare name the rest reads: its own when it needs no braces (an optional scope or drive, then
    // letters, digits and _, and no name character right after the brace), else one BracedVariableNames writes for it
    // (${my var}, ${global:a-b}); the name and the offset after the closing brace. Null for a name it leaves as written
    // (${env:ProgramFiles(x86)}, read by BracedVariables; a provider path such as ${C:\file.txt}).
    private static (string Name, int End)? BracedVariable(string text, int start)
    {
        var close = text.IndexOf('}', start + 2);
        if (close < 0 || (close + 1 < text.Length && (char.IsLetterOrDigit(text[close + 1]) || text[close + 1] is '_' or ':'))) return null;
        var name = text.AsSpan(start + 2, close - start - 2);
        var colon = name.IndexOf(':');
        // A drive of another provider (${HKLM:\SOFTWARE}, ${nosuch:x}) is read through it, as PipelineVariables.ProviderVariableError
        // says; a drive letter's FileSystem path (${C:\x.txt}) is BracedVariables' own.
        if (colon >= 0 && !IsVariableScopeOrDrive(name[..colon]) && (colon < 2 || name[..colon].ContainsAnyExcept(DriveNameCharacters))) return null;
        var bare = name[(colon + 1)..];
        if (bare.Length == 0 || char.IsDigit(bare[0]) && colon >= 0) return null;
        if (!BracedVariableNames.NeedsEncoding(bare) && (colon < 0 || IsVariableScopeOrDrive(name[..colon]))) return (name.ToString(), close + 1);
        // A backtick escapes in a braced name; an environment variable's own name is read by BracedVariables.
        if (bare.IndexOfAny("`{'\"") >= 0 || colon >= 0 && name[..colon].Equals("env", StringComparison.OrdinalIgnoreCase)) return null;
        return (BracedVariableNames.Encode(name.ToString()), close + 1);
    }

    private static readonly System.Buffers.SearchValues<char> DriveNameCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>Whether a prefix of a variable's name is a scope or a drive whose items are variables (<c>global</c>, <c>env</c>...).</summary>
    public static bool IsVariableScopeOrDrive(ReadOnlySpan<char> prefix) =>
        prefix.Equals("global", StringComparison.OrdinalIgnoreCase) || prefix.Equals("script", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("local", StringComparison.OrdinalIgnoreCase) || prefix.Equals("private", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("using", StringComparison.OrdinalIgnoreCase) || prefix.Equals("env", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("variable", StringComparison.OrdinalIgnoreCase) || prefix.Equals("function", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("alias", StringComparison.OrdinalIgnoreCase);
}
