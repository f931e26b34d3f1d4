using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Where in a script a parse error is, as Windows PowerShell 5.1 puts it before the error's message (ParseError's
/// text, which a ParseException's Message is): "At line:1 char:4", the line, and tildes under the offending token.
/// </summary>
/// <remarks>
/// The position text follows PositionUtilities.VerboseMessage: tabs count four columns, and a line longer than 69
/// characters is cut around the token (up to 12 characters before it, 8 after, more of the one that has more room)
/// with "... " and " ..." marking what was cut.
/// </remarks>
internal static class ScriptPosition
{
    private const int MaxLineLength = 69;

    /// <summary>The error's message with its position before it: "At line:L char:C\r\n+ line\r\n+ ~~\r\nmessage".</summary>
    public static string Message(string script, int offset, int length, string message) =>
        Text(script, offset, length) + "\r\n" + message;

    /// <summary>
    /// "At line:L char:C" (in a script file <paramref name="file"/>, "At C:\t\tool.ps1:L char:C"), then the line and the
    /// tildes under the token at <paramref name="offset"/>.
    /// </summary>
    public static string Text(string script, int offset, int length, string? file = null)
    {
        // One past the end is the end-of-input token's place (the tokenizer's NewScriptExtent(_tokenStart + 1)), where
        // a missing ')' of a subexpression is reported.
        offset = Math.Clamp(offset, 0, script.Length + 1);
        var lineStart = script.Length > 0 && script.LastIndexOf('\n', Math.Min(Math.Max(offset - 1, 0), script.Length - 1)) is var newline && newline >= 0 && newline < offset ? newline + 1 : 0;
        var lineNumber = 1 + script.AsSpan(0, lineStart).Count('\n');
        var column = offset - lineStart + 1;
        var lineEnd = script.IndexOf('\n', Math.Min(offset, script.Length));
        var line = script[lineStart..(lineEnd < 0 ? script.Length : lineEnd)].TrimEnd();
        var header = string.Create(CultureInfo.InvariantCulture, $"At {(string.IsNullOrEmpty(file) ? "line" : file)}:{lineNumber} char:{column}");
        if (line.Length == 0) return header + "\r\n+ ";

        var before = Math.Min(column - 1, line.Length);
        // Past the line's end (after its last token, or the end of input): the tilde goes there, after blanks.
        var beyond = column - 1 - before;
        var width = Math.Clamp(length, 0, line.Length - before);
        if (line.Contains('\t', StringComparison.Ordinal))
        {
            // Tabs become four spaces, before and in the token as in the rest of the line.
            var head = line[..before].Replace("\t", "    ", StringComparison.Ordinal);
            var token = line.Substring(before, width).Replace("\t", "    ", StringComparison.Ordinal);
            line = head + token + line[(before + width)..].Replace("\t", "    ", StringComparison.Ordinal);
            (before, width) = (head.Length, token.Length);
        }

        var cutBefore = false;
        var cutAfter = false;
        if (line.Length > MaxLineLength)
        {
            // The token with what context fits: 12 characters before it and 8 after at first, then as much more
            // before it as fits, then after it.
            var roomBefore = before;
            var shownBefore = Math.Min(roomBefore, 12);
            var roomAfter = line.Length - width - before;
            var shownAfter = Math.Min(roomAfter, 8);
            var shown = shownBefore + width + shownAfter;
            if (shown >= MaxLineLength)
            {
                if (shownBefore + width >= MaxLineLength) width = MaxLineLength - shownBefore;
                cutAfter = true;
            }
            else
            {
                var more = Math.Min(roomBefore - shownBefore, MaxLineLength - shown);
                if (more > 0)
                {
                    shownBefore += more;
                    shown += more;
                }

                if (shown < MaxLineLength && roomAfter > 0) shownAfter += Math.Min(roomAfter, MaxLineLength - shown);
                cutAfter = shownAfter < roomAfter;
            }

            cutBefore = shownBefore < roomBefore;
            var start = Math.Max(before - shownBefore, 0);
            line = line.Substring(start, Math.Min(MaxLineLength, line.Length - start));
            before = Math.Min(before, shownBefore);
            width = Math.Min(width, MaxLineLength - before);
        }

        var text = new StringBuilder(header.Length + line.Length * 2 + 16).Append(header).Append("\r\n+ ");
        if (cutBefore) text.Append("... ");
        text.Append(line);
        if (cutAfter) text.Append(" ...");
        text.Append("\r\n+ ").Append(' ', before + beyond + (cutBefore ? 4 : 0)).Append('~', Math.Max(width, 1));
        return text.ToString();
    }
}
