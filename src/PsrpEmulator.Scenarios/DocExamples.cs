using System.Text;
using System.Text.RegularExpressions;

namespace PsrpEmulator.Scenarios;

/// <summary>One command of a documentation example and the output the page displays after it (null: the page shows none, as in prompt-less examples without an output block).</summary>
public sealed record DocBlock(int Number, string Command, string? Output);

/// <summary>One example of a reference page: its title and its command/output blocks.</summary>
public sealed record DocExample(int Number, string Title, IReadOnlyList<DocBlock> Blocks);

/// <summary>
/// Reads the examples of a PowerShell reference page in its plain-text form (receive-pssession.txt): the
/// "Example N: title" sections between "Examples" and "Parameters". In an example, prose paragraphs are skipped; the
/// code between them is split at <c>PS&gt;</c> prompts (a command continues while its braces are open) into
/// command and displayed output. An example without prompts is one command (its first paragraph) and its output (the rest).
/// </summary>
public static partial class DocExamples
{
    public static IReadOnlyList<DocExample> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var examples = new List<DocExample>();
        var inExamples = false;
        int? number = null;
        string title = string.Empty;
        var body = new List<string>();

        void Flush()
        {
            if (number is { } n) examples.Add(new DocExample(n, title, Blocks(body)));
            body.Clear();
        }

        foreach (var line in lines)
        {
            if (line.Trim() == "Examples")
            {
                inExamples = true;
                continue;
            }

            if (!inExamples) continue;
            if (line.Trim() == "Parameters")
            {
                Flush();
                break;
            }

            var header = ExampleHeader().Match(line);
            if (header.Success)
            {
                Flush();
                number = int.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                title = header.Groups[2].Value.Trim();
                continue;
            }

            if (number is not null) body.Add(line);
        }

        return examples;
    }

    [GeneratedRegex(@"^Example (\d+): (.*)$")]
    private static partial Regex ExampleHeader();

    /// <summary>A prose line: a sentence of the page, not code or output.</summary>
    private static bool IsProse(string line)
    {
        var t = line.Trim();
        return t.Length >= 60 && !t.StartsWith("PS>", StringComparison.Ordinal) && (t.EndsWith('.') || t.Contains(". ", StringComparison.Ordinal) || t.EndsWith(':'));
    }

    private static List<DocBlock> Blocks(List<string> body)
    {
        // The code region: from the first non-prose line after the introduction to the last line before the explanation.
        var start = 0;
        while (start < body.Count && (IsProse(body[start]) || body[start].Trim().Length == 0)) start++;
        var end = start;
        while (end < body.Count && !IsProse(body[end])) end++;
        var code = body.GetRange(start, end - start);
        var blocks = new List<DocBlock>();
        if (code.Count == 0) return blocks;

        if (!code.Any(l => l.StartsWith("PS>", StringComparison.Ordinal)))
        {
            var blank = code.FindIndex(l => l.Trim().Length == 0);
            var command = blank < 0 ? code : code.GetRange(0, blank);
            var output = blank < 0 ? [] : code.GetRange(blank, code.Count - blank);
            var shown = Trim(output);
            blocks.Add(new DocBlock(1, string.Join("\n", command).Trim(), shown.Length == 0 ? null : shown));
            return blocks;
        }

        var i = 0;
        while (i < code.Count && !code[i].StartsWith("PS>", StringComparison.Ordinal)) i++;
        while (i < code.Count)
        {
            var command = new List<string> { code[i]["PS>".Length..].TrimStart() };
            var depth = Depth(command[0]);
            i++;
            while (depth > 0 && i < code.Count)
            {
                command.Add(code[i]);
                depth += Depth(code[i]);
                i++;
            }

            var output = new List<string>();
            while (i < code.Count && !code[i].StartsWith("PS>", StringComparison.Ordinal)) output.Add(code[i++]);
            blocks.Add(new DocBlock(blocks.Count + 1, string.Join("\n", command).TrimEnd(), Trim(output)));
        }

        return blocks;
    }

    private static int Depth(string line) => line.Count(c => c == '{') - line.Count(c => c == '}');

    private static string Trim(List<string> lines)
    {
        var list = lines.Select(l => l.TrimEnd()).ToList();
        while (list.Count > 0 && list[0].Length == 0) list.RemoveAt(0);
        while (list.Count > 0 && list[^1].Length == 0) list.RemoveAt(list.Count - 1);
        return string.Join("\n", list);
    }

    /// <summary>A command as it is compared for "verbatim": each line trimmed (indentation is not significant), blank lines dropped.</summary>
    public static string CommandKey(string command) =>
        string.Join("\n", command.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}

/// <summary>Applies a scenario's normalisations to printed or documented text.</summary>
public static partial class Normaliser
{
    public static string Apply(string text, IEnumerable<Normalisation> normalisations, NormalisationTarget side)
    {
        var result = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var n in normalisations)
        {
            if (n.Target != NormalisationTarget.Both && n.Target != side) continue;
            result = n.Rule switch
            {
                "spacing" => string.Join("\n", result.Split('\n').Select(l => Spaces().Replace(l.Trim(), " ")).Where(l => l.Length > 0)),
                "underlines" => string.Join("\n", result.Split('\n').Select(l => Underline().IsMatch(l) ? Dashes().Replace(l, "-") : l)),
                "ids" => string.Join("\n", result.Split('\n').Select(l => LeadingId().Replace(l, "${pre}#"))),
                "guids" => Guid().Replace(result, "<guid>"),
                "times" => Time().Replace(result, "<time>"),
                "narration" => string.Join("\n", result.Split('\n').Where(l => !l.TrimStart().StartsWith("# ", StringComparison.Ordinal))),
                "sessiontable" => DropSessionTableColumns(result),
                "jobtable" => DropJobTableColumns(result),
                _ => Regex.Replace(result, n.Pattern!, n.Replacement, RegexOptions.Multiline),
            };
        }

        return Trim(result);
    }

    /// <summary>
    /// PowerShell 7.6 shows sessions as <c>Id Name Transport ComputerName ComputerType State ConfigurationName
    /// Availability</c>; the documentation's tables predate Transport and ComputerType. This drops those two columns
    /// (header, underline and rows, by the underline's column extents) from every such table, so that the remaining
    /// columns compare with the page. Text without such a table is unchanged.
    /// </summary>
    private static string DropSessionTableColumns(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!SessionTableHeader().IsMatch(lines[i]) || !Underline().IsMatch(lines[i + 1])) continue;
            var starts = Dashes().Matches(lines[i + 1]).Select(m => m.Index).ToList();
            if (starts.Count < 6) continue;

            // Transport is the third column, ComputerType the fifth: each runs up to the next column's start.
            (int From, int To)[] drop = [(starts[4], starts[5]), (starts[2], starts[3])];
            for (var j = i; j < lines.Length && lines[j].Trim().Length > 0; j++)
            {
                var line = lines[j];
                foreach (var (from, to) in drop)
                {
                    if (line.Length <= from) continue;
                    line = line[..from] + line[Math.Min(to, line.Length)..];
                }

                lines[j] = line;
            }
        }

        return string.Join("\n", lines);
    }

    /// <summary>
    /// PowerShell 7.6 shows jobs as <c>Id Name PSJobTypeName State HasMoreData Location Command</c> (its Job view); the
    /// documentation's job tables show <c>Id Name State HasMoreData Location</c>. This drops PSJobTypeName (the third
    /// column) and Command (the last, running to the end of the line; absent when the host's width cut it) from every
    /// such table, by the underline's column extents. Text without such a table is unchanged.
    /// </summary>
    private static string DropJobTableColumns(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!JobTableHeader().IsMatch(lines[i]) || !Underline().IsMatch(lines[i + 1])) continue;
            var starts = Dashes().Matches(lines[i + 1]).Select(m => m.Index).ToList();
            if (starts.Count < 6) continue;
            for (var j = i; j < lines.Length && lines[j].Trim().Length > 0; j++)
            {
                var line = lines[j];
                if (starts.Count > 6 && line.Length > starts[6]) line = line[..starts[6]];
                if (line.Length > starts[2]) line = line[..starts[2]] + line[Math.Min(starts[3], line.Length)..];
                lines[j] = line;
            }
        }

        return string.Join("\n", lines);
    }

    private static string Trim(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines);
    }

    /// <summary>A readable comparison: both texts, line by line, with the first differing line marked.</summary>
    public static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        var first = Enumerable.Range(0, Math.Max(e.Length, a.Length)).FirstOrDefault(i => i >= e.Length || i >= a.Length || e[i] != a[i], -1);
        sb.AppendLine("  expected:");
        for (var i = 0; i < e.Length; i++) sb.AppendLine($"  {(i == first ? ">" : " ")} |{e[i]}");
        sb.AppendLine("  actual:");
        for (var i = 0; i < a.Length; i++) sb.AppendLine($"  {(i == first ? ">" : " ")} |{a[i]}");
        return sb.ToString().TrimEnd();
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[\s-]*-[\s-]*$")]
    private static partial Regex Underline();

    [GeneratedRegex(@"^\s*Id\s+Name\s+Transport\s+ComputerName\s+ComputerType\s+State\s")]
    private static partial Regex SessionTableHeader();

    [GeneratedRegex(@"^\s*Id\s+Name\s+PSJobTypeName\s+State\s+HasMoreData\s+Location(\s+Command)?\s*$")]
    private static partial Regex JobTableHeader();

    [GeneratedRegex("-+")]
    private static partial Regex Dashes();

    [GeneratedRegex(@"^(?<pre>\s*)\d+(?=\s)")]
    private static partial Regex LeadingId();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    [GeneratedRegex(@"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), )?(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2}(?: [AP]M)?|\d{1,4}[/-]\d{1,2}[/-]\d{1,4}[ T]\d{1,2}:\d{2}:\d{2}(?: [AP]M)?")]
    private static partial Regex Time();
}
