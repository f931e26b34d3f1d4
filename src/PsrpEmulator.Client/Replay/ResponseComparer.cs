using System.Text.RegularExpressions;

namespace PsrpEmulator.Client.Replay;

/// <summary>One way a server's response differed from the recorded one.</summary>
/// <param name="Kind">What differs: http status, header, fault, missing/extra element, element order, streams, command state, psrp messages, value...</param>
/// <param name="Subject">Where: an element path, a header, a message number.</param>
public sealed record Difference(string Kind, string Subject, string Expected, string Actual)
{
    public override string ToString() => $"{Kind} {Subject}: recorded {Expected}, now {Actual}";
}

/// <summary>
/// Compares a response with the recorded one as the conformance replay does: HTTP status class, RelatesTo, action,
/// fault codes, the body's element paths and their order, the texts of the leaf elements both have (kind
/// <see cref="ValueKind"/>), streams, CommandState, PSRP message types (WinRS streams by their text), enumeration
/// items matched by id; and, when asked, each PSRP message's CLIXML with times, GUIDs and process ids scrubbed.
/// Server-assigned ids are mapped through <c>ids</c> (recorded → now).
/// </summary>
public static partial class ResponseComparer
{
    /// <summary>The kind of a difference in an element's text (rather than in the response's shape).</summary>
    public const string ValueKind = "value";

    public static IEnumerable<Difference> Compare(ResponseShape recorded, ResponseShape actual, Dictionary<string, string> ids, RecordedMessage message, bool texts)
    {
        if (texts && !message.IsCmdShell)
        {
            // A recording against the emulator: the messages themselves, not only their types, are what it sent then.
            var count = Math.Max(recorded.MessageTexts.Count, actual.MessageTexts.Count);
            for (var i = 0; i < count; i++)
            {
                var expected = i < recorded.MessageTexts.Count ? recorded.MessageTexts[i] : "(none)";
                var ours = i < actual.MessageTexts.Count ? actual.MessageTexts[i] : "(none)";
                if (expected != ours) yield return new Difference(ValueKind, $"message #{i}", expected, ours);
            }
        }

        // A recorded fault is an HTTP 500 even where the fixture lost the transport_error key (tolerated separately).
        if (recorded.HttpStatus / 100 != actual.HttpStatus / 100)
        {
            yield return new Difference("http status", "status", recorded.HttpStatus.ToString(), actual.HttpStatus.ToString());
        }

        var expectedRelatesTo = message.RequestXml.Root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageID")?.Value.Trim();
        if (!string.Equals(actual.RelatesTo, expectedRelatesTo, StringComparison.Ordinal))
        {
            yield return new Difference("header", "a:RelatesTo", expectedRelatesTo ?? "(none)", actual.RelatesTo ?? "(none)");
        }

        if (!string.Equals(recorded.Action, actual.Action, StringComparison.Ordinal))
        {
            yield return new Difference("header", "a:Action", Show(recorded.Action), Show(actual.Action));
        }

        if (recorded.IsFault || actual.IsFault)
        {
            if (recorded.FaultCode != actual.FaultCode) yield return new Difference("fault", "s:Code", Show(recorded.FaultCode), Show(actual.FaultCode));
            if (recorded.FaultSubcode != actual.FaultSubcode) yield return new Difference("fault", "s:Subcode", Show(recorded.FaultSubcode), Show(actual.FaultSubcode));
            if (recorded.WsManFaultCode != actual.WsManFaultCode) yield return new Difference("fault", "WSManFault Code", Show(recorded.WsManFaultCode), Show(actual.WsManFaultCode));
        }

        // Enumeration items are compared item by item (CompareItems), not by the union of their paths.
        var recordedPaths = recorded.ElementPaths.Where(p => !IsInsideItem(p)).ToList();
        var actualPaths = actual.ElementPaths.Where(p => !IsInsideItem(p)).ToList();
        foreach (var path in recordedPaths.Except(actualPaths))
        {
            yield return new Difference("missing element", path, "present", "absent");
        }

        foreach (var path in actualPaths.Except(recordedPaths))
        {
            yield return new Difference("extra element", path, "absent", "present");
        }

        foreach (var (path, value) in recorded.LeafValues)
        {
            if (VolatileValues.Contains(path) || IsInsideItem(path) || !actual.LeafValues.TryGetValue(path, out var ours)) continue;
            var same = RealTimeValues.Contains(path) ? WithinSlack(value, ours) : string.Equals(value, ours, StringComparison.Ordinal);
            if (!same) yield return new Difference(ValueKind, path, $"'{value}'", $"'{ours}'");
        }

        var commonOrder = actualPaths.Where(recordedPaths.Contains).ToList();
        var recordedOrder = recordedPaths.Where(actualPaths.Contains).ToList();
        if (!commonOrder.SequenceEqual(recordedOrder))
        {
            yield return new Difference("element order", "body", List(recordedOrder), List(commonOrder));
        }

        var expectedStreams = recorded.Streams.Select(s => $"{s.Name}{(s.CommandId is null ? string.Empty : " CommandId=" + Map(ids, s.CommandId))}{(s.End ? " End" : string.Empty)}").ToList();
        var actualStreams = actual.Streams.Select(s => $"{s.Name}{(s.CommandId is null ? string.Empty : " CommandId=" + s.CommandId)}{(s.End ? " End" : string.Empty)}").ToList();
        if (!expectedStreams.SequenceEqual(actualStreams, StringComparer.OrdinalIgnoreCase))
        {
            yield return new Difference("streams", "rsp:Stream", List(expectedStreams), List(actualStreams));
        }

        var expectedState = recorded.CommandState is null ? null : $"{recorded.CommandState} CommandId={Map(ids, recorded.CommandStateCommandId)}";
        var actualState = actual.CommandState is null ? null : $"{actual.CommandState} CommandId={actual.CommandStateCommandId}";
        if (!string.Equals(expectedState, actualState, StringComparison.OrdinalIgnoreCase))
        {
            yield return new Difference("command state", "rsp:CommandState", Show(expectedState), Show(actualState));
        }

        if (message.IsCmdShell)
        {
            // WinRS streams carry process output: the text of each stream in the response, not PSRP messages.
            foreach (var name in recorded.Streams.Concat(actual.Streams).Select(s => s.Name).Distinct())
            {
                var expectedText = string.Concat(recorded.Streams.Where(s => s.Name == name).Select(s => s.Text));
                var actualText = string.Concat(actual.Streams.Where(s => s.Name == name).Select(s => s.Text));
                if (expectedText != actualText) yield return new Difference("stream text", name ?? "(unnamed)", Show(expectedText), Show(actualText));
            }

            yield break;
        }

        if (!recorded.PsrpMessages.SequenceEqual(actual.PsrpMessages))
        {
            yield return new Difference("psrp messages", "start fragments", List(recorded.PsrpMessages), List(actual.PsrpMessages));
        }

        foreach (var difference in CompareItems(recorded.Items, actual.Items, ids)) yield return difference;
    }

    /// <summary>A path below an enumeration item (EnumerateResponse/Items/Shell/State), as opposed to the item itself.</summary>
    private static bool IsInsideItem(string path) => ItemFieldRegex().IsMatch(path);

    [System.Text.RegularExpressions.GeneratedRegex("(^|/)Items/[^/]+/")]
    private static partial System.Text.RegularExpressions.Regex ItemFieldRegex();

    /// <summary>
    /// Enumeration items matched by id (through the id map), or for items without one (WMI instances) by their place
    /// among the items of their kind: the same items, in the same order, each with the recorded fields in the recorded
    /// order, and the recorded values of the fields that describe the shell, command or instance rather than the
    /// recording host.
    /// </summary>
    private static IEnumerable<Difference> CompareItems(IReadOnlyList<EnumerationItem> recorded, IReadOnlyList<EnumerationItem> actual, Dictionary<string, string> ids)
    {
        var matched = new List<(EnumerationItem Recorded, EnumerationItem Actual)>();
        var placeOfKind = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in recorded)
        {
            var id = Map(ids, item.Id);
            EnumerationItem? ours;
            if (item.Id is null)
            {
                var place = placeOfKind.GetValueOrDefault(item.Kind);
                placeOfKind[item.Kind] = place + 1;
                ours = actual.Where(a => a.Kind == item.Kind && a.Id is null).Skip(place).FirstOrDefault();
                id = $"#{place + 1}";
            }
            else
            {
                ours = actual.FirstOrDefault(a => a.Kind == item.Kind && string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase));
            }

            if (ours is null)
            {
                yield return new Difference("missing item", $"Items/{item.Kind}", $"{item.Kind} {id}", "absent");
                continue;
            }

            matched.Add((item, ours));
        }

        foreach (var item in actual.Where(a => !matched.Any(m => ReferenceEquals(m.Actual, a))))
        {
            yield return new Difference("extra item", $"Items/{item.Kind}", "absent", item.ToString());
        }

        var recordedOrder = matched.Select(m => m.Actual.ToString()).ToList();
        var actualOrder = actual.Where(a => matched.Any(m => ReferenceEquals(m.Actual, a))).Select(a => a.ToString()).ToList();
        if (!recordedOrder.SequenceEqual(actualOrder))
        {
            yield return new Difference("item order", "Items", List(recordedOrder), List(actualOrder));
        }

        foreach (var (item, ours) in matched)
        {
            var names = item.Fields.Select(f => f.Key).ToList();
            var ourNames = ours.Fields.Select(f => f.Key).ToList();
            foreach (var name in names.Except(ourNames))
            {
                yield return new Difference("missing element", $"Items/{item.Kind}/{name}", $"present in {ours}", "absent");
            }

            foreach (var name in ourNames.Except(names))
            {
                yield return new Difference("extra element", $"Items/{item.Kind}/{name}", "absent", $"present in {ours}");
            }

            var common = names.Where(ourNames.Contains).ToList();
            var ourCommon = ourNames.Where(names.Contains).ToList();
            if (!common.SequenceEqual(ourCommon))
            {
                yield return new Difference("element order", $"Items/{item.Kind}", $"{List(common)} in {ours}", List(ourCommon));
            }

            foreach (var (name, value) in item.Fields)
            {
                if (HostItemFields.Contains(name) || ours.Field(name) is not { } ourValue) continue;
                // A point in time (a WMI instance's cim:Datetime) is the recording host's clock, scrubbed in golden files.
                var same = name == "ShellInactivity" ? WithinSlack(value, ourValue)
                    : string.Equals(value, ourValue, StringComparison.Ordinal) || (IsPointInTime(value) && IsPointInTime(ourValue));
                if (!same) yield return new Difference(ValueKind, $"Items/{item.Kind}/{name}", $"'{value}' in {ours}", $"'{ourValue}'");
            }
        }
    }

    /// <summary>Item fields that are facts of the recording host or of its real time, not of the shell's protocol state.</summary>
    private static readonly HashSet<string> HostItemFields =
    [
        "ShellId", "CommandId", "Owner", "ClientIP", "ProcessId", "ShellRunTime", "MemoryUsed", "ChildProcesses",
    ];

    /// <summary>
    /// The recording's clock ran on between requests and inside them (a second or two across a whole disconnect test;
    /// a Windows host spent 2 s starting wsmprovhost inside a Create) where the replay's clock stands still or moves
    /// in its own steps, so the shell's times (an enumerated shell's ShellInactivity, a CreateResponse's ShellRunTime and
    /// ShellInactivity) may differ by that much.
    /// </summary>
    private const int ShellTimeSlackSeconds = 2;

    /// <summary>Leaf values that are durations of the recording's real time (compared within <see cref="ShellTimeSlackSeconds"/>).</summary>
    private static readonly HashSet<string> RealTimeValues = ["Shell/ShellRunTime", "Shell/ShellInactivity"];

    private static bool IsPointInTime(string text) => PointInTimeRegex().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial System.Text.RegularExpressions.Regex PointInTimeRegex();

    private static bool WithinSlack(string recorded, string ours)
    {
        try
        {
            return Math.Abs((System.Xml.XmlConvert.ToTimeSpan(recorded) - System.Xml.XmlConvert.ToTimeSpan(ours)).TotalSeconds) <= ShellTimeSlackSeconds;
        }
        catch (FormatException)
        {
            return string.Equals(recorded, ours, StringComparison.Ordinal);
        }
    }

    /// <summary>Leaf elements whose text is an id (checked through the id map elsewhere) or data (decoded elsewhere).</summary>
    private static readonly HashSet<string> VolatileValues =
    [
        "ResourceCreated/ReferenceParameters/SelectorSet/Selector", "Shell/ShellId", "CommandResponse/CommandId", "ReceiveResponse/Stream",
        // Facts of the recording host and client: the Windows account, the client's address, wsmprovhost's process id.
        "Shell/Owner", "Shell/ClientIP", "Shell/ProcessId", "Shell/MemoryUsed",
        // PSRP fragments, decoded and compared as messages (object ids differ with the emulator's own numbering).
        "ConnectResponse/connectResponseXml",
    ];

    private static string Map(Dictionary<string, string> ids, string? id) => id is not null && ids.TryGetValue(id, out var ours) ? ours : id ?? string.Empty;

    private static string Show(string? value) => value ?? "(none)";

    private static string List(IReadOnlyCollection<string> items) => "[" + string.Join(", ", items) + "]";
}
