using System.Text;
using System.Text.RegularExpressions;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>
/// Writes the emulator's new answers into a recording made from it: a response keeps its recorded envelope and
/// headers (scrubbed ids and times) and takes the live SOAP Body, the server-assigned ids in it mapped back to the
/// recorded ones. A tool for reviewed golden-file updates (CONFORMANCE_REWRITE_BODIES=1), never run in CI.
/// </summary>
internal static partial class RecordingRewriter
{
    [GeneratedRegex(@"<s:Body>.*</s:Body>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Body();

    public static string RewriteBody(string recorded, string live, IReadOnlyDictionary<string, string> ids)
    {
        var body = Body().Match(live).Value;
        foreach (var (recordedId, liveId) in ids) body = body.Replace(liveId, recordedId, StringComparison.OrdinalIgnoreCase);
        return Body().Replace(recorded, _ => body, 1);
    }

    /// <summary>Replaces the <c>response:</c> line of each message index ("# N Action" comments number them).</summary>
    public static void RewriteResponses(string path, IReadOnlyDictionary<int, string> responses)
    {
        var lines = File.ReadAllLines(path);
        var index = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("# ", StringComparison.Ordinal) && int.TryParse(lines[i].AsSpan(2, lines[i].IndexOf(' ', 2) - 2), out var number)) index = number;
            else if (lines[i].StartsWith("  response: \"", StringComparison.Ordinal) && responses.TryGetValue(index, out var response)) lines[i] = "  response: " + Quoted(response);
        }

        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    // YAML's double-quoted scalar, as the recorder writes an envelope (one line: backslashes and quotes escaped).
    private static string Quoted(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => c.ToString() });
        }

        return quoted.Append('"').ToString();
    }
}
