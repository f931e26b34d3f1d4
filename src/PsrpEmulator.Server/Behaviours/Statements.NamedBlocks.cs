namespace PsrpEmulator.Server.Behaviours;

internal static partial class Statements
{
    /// <summary>Whether a script reads pipeline input: <c>$input</c>, or a process block.</summary>
    public static bool ReadsInput(string script) =>
        script.Contains("$input", StringComparison.OrdinalIgnoreCase) || ScriptNamedBlock().IsMatch(script);

    /// <summary>
    /// Whether a script's code is named blocks only (<c>begin { } process { } end { }</c>, after its param block), which
    /// PowerShell runs as a function's: begin once, process for each input object (once without input), end once.
    /// </summary>
    public static bool IsNamedBlocksOnly(string code)
    {
        var i = 0;
        var blocks = 0;
        while (true)
        {
            while (i < code.Length && (char.IsWhiteSpace(code[i]) || code[i] == ';')) i++;
            if (i >= code.Length) return blocks > 0;
            var keyword = NamedBlockStart().Match(code, i);
            if (!keyword.Success) return false;
            var close = MatchingClose(code, i + keyword.Length, '}');
            if (close < 0) return false;
            i = close + 1;
            blocks++;
        }
    }

    // A process block anywhere (a script that has one reads its input).
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=^|[\s;}])process\s*\{", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ScriptNamedBlock();

    // A named block's keyword at the scan position, up to its brace.
    [System.Text.RegularExpressions.GeneratedRegex(@"\G(?:begin|process|end)\s*(?=\{)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex NamedBlockStart();
}
