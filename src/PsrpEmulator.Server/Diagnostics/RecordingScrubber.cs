using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Psrp;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Diagnostics;

/// <summary>
/// Makes a recording (<see cref="TrafficRecorder"/>'s file) a golden file: every GUID becomes a numbered one
/// (<c>00000000-0000-4000-8000-000000000001</c>, in the order first seen, the same GUID the same number everywhere: in
/// the envelopes' text and in the PSRP fragments' message headers and CLIXML alike) and every ISO time
/// (<c>2026-11-30T02:20:01.1234567</c>) midnight of 2000-01-01, so that re-recording an unchanged exchange changes
/// nothing. Lengths stay as they were, so fragments keep their framing; the all-zero GUID (an empty RunspacePool id)
/// means something and is kept. The recording still replays: the ids are just other ids.
/// </summary>
public static partial class RecordingScrubber
{
    /// <summary>The recording's text, scrubbed. Lines other than its <c>request:</c>/<c>response:</c> scalars are kept.</summary>
    public static string Scrub(string recording)
    {
        var numbers = new Dictionary<Guid, int>();
        var text = new StringBuilder(recording.Length);
        foreach (var line in recording.Split('\n'))
        {
            if (text.Length > 0) text.Append('\n');
            var key = line.StartsWith("- request: \"", StringComparison.Ordinal) ? "- request: "
                : line.StartsWith("  response: \"", StringComparison.Ordinal) ? "  response: "
                : null;
            if (key is null)
            {
                text.Append(line);
                continue;
            }

            text.Append(key);
            TrafficRecorder.AppendDoubleQuoted(text, ScrubEnvelope(ReadDoubleQuoted(line[key.Length..]), numbers));
        }

        return text.ToString();
    }

    private static string ReadDoubleQuoted(string scalar)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader("v: " + scalar));
        return ((YamlScalarNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("v")]).Value ?? string.Empty;
    }

    /// <summary>One envelope: its base64 payloads (PSRP fragments, or a program's bytes) and then its own text.</summary>
    internal static string ScrubEnvelope(string envelope, Dictionary<Guid, int> numbers)
    {
        envelope = Base64Payload().Replace(envelope, m =>
        {
            var payload = m.Groups["data"].Value;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(payload);
            }
            catch (FormatException)
            {
                return m.Value;
            }

            if (!ScrubBytes(bytes, numbers)) return m.Value;
            return m.Groups["open"].Value + Convert.ToBase64String(bytes) + m.Groups["close"].Value;
        });
        return ScrubText(envelope, numbers);
    }

    /// <summary>The bytes of one payload, changed in place; false when nothing changed.</summary>
    private static bool ScrubBytes(byte[] bytes, Dictionary<Guid, int> numbers)
    {
        var changed = false;
        // PSRP fragments: the RunspacePool and pipeline ids in each message's header (.NET's byte order), which the
        // message's first fragment holds.
        foreach (var blobStart in MessageStarts(bytes))
        {
            changed |= ReplaceGuid(bytes.AsSpan(blobStart + 8, 16), numbers);
            changed |= ReplaceGuid(bytes.AsSpan(blobStart + 24, 16), numbers);
        }

        // The text inside (CLIXML, a program's output): one byte per character keeps every offset.
        var latin1 = Encoding.Latin1.GetString(bytes);
        var scrubbed = ScrubText(latin1, numbers);
        if (scrubbed == latin1) return changed;
        Encoding.Latin1.GetBytes(scrubbed, bytes);
        return true;
    }

    /// <summary>
    /// Where the blob of each message's start fragment begins, when the payload is PSRP fragments end to end (a
    /// program's output is not); none otherwise.
    /// </summary>
    private static List<int> MessageStarts(byte[] bytes)
    {
        var starts = new List<int>();
        ReadOnlyMemory<byte> rest = bytes;
        while (rest.Length > 0)
        {
            if (!FragmentCodec.TryRead(rest, int.MaxValue, out var fragment, out var consumed, out _)) return [];
            if (fragment.IsStart && fragment.Blob.Length >= PsrpMessage.HeaderLength) starts.Add(bytes.Length - rest.Length + Fragment.HeaderLength);
            rest = rest[consumed..];
        }

        return starts;
    }

    private static bool ReplaceGuid(Span<byte> bytes, Dictionary<Guid, int> numbers)
    {
        var guid = new Guid(bytes);
        if (guid == Guid.Empty) return false;
        var replacement = Numbered(guid, numbers);
        if (replacement == guid) return false;
        replacement.TryWriteBytes(bytes);
        return true;
    }

    private static Guid Numbered(Guid guid, Dictionary<Guid, int> numbers)
    {
        if (IsNumbered(guid)) return guid;
        if (!numbers.TryGetValue(guid, out var number))
        {
            number = numbers.Count + 1;
            numbers[guid] = number;
        }

        return new Guid($"00000000-0000-4000-8000-{number:x12}");
    }

    // Already one of ours (a recording scrubbed twice): kept, so scrubbing is idempotent.
    private static bool IsNumbered(Guid guid) => guid.ToString().StartsWith("00000000-0000-4000-8000-", StringComparison.Ordinal);

    private static string ScrubText(string text, Dictionary<Guid, int> numbers)
    {
        text = GuidText().Replace(text, m =>
        {
            var guid = Guid.Parse(m.Value);
            if (guid == Guid.Empty) return m.Value;
            var replacement = Numbered(guid, numbers).ToString();
            // The case it was written in (WinRM's ids are upper case, PowerShell's CLIXML lower).
            return m.Value.Any(char.IsUpper) ? replacement.ToUpperInvariant() : replacement;
        });
        return IsoTime().Replace(text, m => "2000-01-01T00:00:00" + (m.Groups["fraction"].Success ? "." + new string('0', m.Groups["fraction"].Length - 1) : string.Empty));
    }

    [GeneratedRegex(@"(?<open><(?:\w+:)?(?:creationXml|connectXml|connectResponseXml|Stream|Arguments)\b[^>]*>)(?<data>[A-Za-z0-9+/=\s]+)(?<close></)", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Payload();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.CultureInvariant)]
    private static partial Regex GuidText();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?<fraction>\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
