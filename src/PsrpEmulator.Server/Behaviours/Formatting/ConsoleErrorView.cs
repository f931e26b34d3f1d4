using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>
/// An ErrorRecord as Windows PowerShell 5.1's console shows it: the ErrorInstance custom view of its default formatters
/// (the command it names, "Name : ", the message, the InvocationInfo's position lines, the CategoryInfo and
/// FullyQualifiedErrorId lines cut into pieces of the buffer width less six, a line of one space), laid out by the
/// formatter's ComplexWriter, which wraps each line at words to the columns it writes.
/// </summary>
/// <remarks>
/// The pieces of the CategoryInfo line come from the view's <c>$indentString -split "(.{$width})"</c>, each after four
/// spaces on the same line; the console then wraps the long line (WinRM's gem records show
/// "... CommandNotFoun " and "   dException" on an 80-column console).
/// </remarks>
internal static class ConsoleErrorView
{
    /// <summary>The record's lines, each ending "\r\n".</summary>
    /// <param name="bufferWidth">The console buffer's width: the view cuts at it less six, the writer wraps at it less one.</param>
    public static string Text(PsObject record, int bufferWidth)
    {
        var text = new StringBuilder();
        foreach (var line in Lines(record, bufferWidth)) text.Append(line).Append("\r\n");
        return text.ToString();
    }

    /// <summary>The record's lines as the console writes them, without line ends.</summary>
    public static IReadOnlyList<string> Lines(PsObject record, int bufferWidth)
    {
        var message = (record["ErrorDetails_Message"] ?? (record["Exception"] as PsObject)?["Message"]).AsString() ?? record.ToDisplayString();
        string view;
        if (record["FullyQualifiedErrorId"].AsString() == "NativeCommandErrorMessage")
        {
            // A native program's stderr line: its text alone.
            view = message;
        }
        else
        {
            var body = new StringBuilder(CommandPrefix(record)).Append(message);
            if (record["InvocationInfo"] is PsObject invocation && invocation["PositionMessage"].AsString() is { Length: > 0 } position) body.Append('\n').Append(position);
            var width = Math.Max(bufferWidth - 6, 1);
            if (record["ErrorCategory_Message"].AsString() is { } category) AppendCut(body, "+ CategoryInfo          : " + category, width);
            if (record["FullyQualifiedErrorId"].AsString() is { } id) AppendCut(body, "+ FullyQualifiedErrorId : " + id, width);
            if (record["PSComputerName"].AsString() is { Length: > 0 } computer) AppendCut(body, "+ PSComputerName        : " + computer, width);
            view = body.Append("\n ").ToString();
        }

        return WrapAtWords(view, Math.Max(bufferWidth - 1, 1));
    }

    // "Name : " before the message: the command the InvocationInfo names (the name it was called by, else its own),
    // a script's text for a record that took the script's InvocationInfo (Write-Error at the top level).
    private static string CommandPrefix(PsObject record)
    {
        if (record["InvocationInfo"] is not PsObject invocation) return string.Empty;
        var invocationName = invocation["InvocationName"].AsString();
        var command = invocation["MyCommand"] is PsNil or null ? null : invocation["MyCommand"].AsString();
        if (command is null) return string.IsNullOrEmpty(invocationName) ? string.Empty : invocationName + " : ";
        var named = invocationName is null or "" or "&" or "." ? command : invocationName;
        return named.Length == 0 ? string.Empty : named + " : ";
    }

    // The view's cutting of a CategoryInfo or FullyQualifiedErrorId line: a new line, then each piece of `width`
    // characters (and the rest) after four spaces.
    private static void AppendCut(StringBuilder body, string line, int width)
    {
        body.Append('\n');
        for (var at = 0; at < line.Length; at += width) body.Append("    ").Append(line.AsSpan(at, Math.Min(width, line.Length - at)));
    }

    /// <summary>
    /// StringManipulationHelper.GenerateLinesWithWordWrap (en-US): each line of the text, when longer than
    /// <paramref name="columns"/>, broken before the word that would not fit, every word keeping the space after it;
    /// a word longer than a line is cut.
    /// </summary>
    internal static List<string> WrapAtWords(string text, int columns)
    {
        var lines = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Replace("\r", string.Empty, StringComparison.Ordinal);
            if (line.Length <= columns)
            {
                lines.Add(line);
                continue;
            }

            var current = new StringBuilder();
            var spacesLeft = columns;
            var start = 0;
            while (start <= line.Length)
            {
                var end = line.IndexOfAny([' ', '\t'], start);
                var word = end < 0 ? line[start..] : line[start..(end + 1)];
                start = end < 0 ? line.Length + 1 : end + 1;
                if (word.Length > columns)
                {
                    foreach (var c in word)
                    {
                        if (spacesLeft < 1)
                        {
                            lines.Add(current.ToString());
                            current.Clear();
                            spacesLeft = columns;
                        }

                        current.Append(c);
                        spacesLeft--;
                    }
                }
                else if (word.Length > spacesLeft)
                {
                    lines.Add(current.ToString());
                    current.Clear().Append(word);
                    spacesLeft = columns - word.Length;
                }
                else
                {
                    current.Append(word);
                    spacesLeft -= word.Length;
                }
            }

            lines.Add(current.ToString());
        }

        return lines;
    }
}
