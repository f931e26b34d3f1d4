using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Reads the <c>eventLog:</c> section of a scenario: entries the computers' classic logs hold before any session
/// starts, each with <c>log:</c> (Application, System, or a new log's name), <c>source:</c> (registered to that log if
/// it is not yet), <c>id:</c> (the event id; an InstanceId such as 1073748860 is taken as it is), <c>type:</c> (Error,
/// Warning, Information (default), SuccessAudit, FailureAudit), <c>message:</c>, <c>time:</c> (when it was written;
/// default the computer's boot), <c>category:</c> (a number, default 0) and <c>computer:</c> (that computer only).
/// Complaints name the file, line and column.
/// </summary>
internal static class EventLogSeedParser
{
    private static readonly string[] Keys = ["log", "source", "id", "type", "message", "time", "category", "computer"];

    public static List<EventLogs.Seed> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "eventLog") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'eventLog:' is a list of entries, each with 'log:', 'source:', 'id:' and 'message:'");
        return [.. items.Children.Select(item => Read(source, item))];
    }

    private static EventLogs.Seed Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "an event log entry is a mapping with 'log:', 'source:', 'id:' and 'message:'");
        var fields = YamlText.ScalarFields(source, map, Keys, "event log entry");

        string Required(string name) => fields.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.Value) ? v.Value
            : throw Error(source, map, $"an event log entry needs '{name}:'");

        var log = Required("log");
        var entrySource = Required("source");
        if (log.Length > 256 || log.IndexOfAny(['\\', '*', '?']) >= 0) throw Error(source, fields["log"], $"'{log}' is not a log name (no backslash or wildcard, at most 256 characters)");
        if (!long.TryParse(Required("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id > uint.MaxValue)
        {
            throw Error(source, fields["id"], "'id' is a number: the event id (0 to 65535) or a whole InstanceId");
        }

        var type = EventLogs.EntryType.Information;
        if (fields.TryGetValue("type", out var typeNode) && !Enum.TryParse(typeNode.Value, ignoreCase: true, out type) || !Enum.IsDefined(type))
        {
            throw Error(source, typeNode!, $"'type' is one of: {string.Join(", ", Enum.GetNames<EventLogs.EntryType>())}");
        }

        short category = 0;
        if (fields.TryGetValue("category", out var categoryNode) && !short.TryParse(categoryNode.Value, NumberStyles.None, CultureInfo.InvariantCulture, out category))
        {
            throw Error(source, categoryNode, "'category' is a number from 0 to 32767");
        }

        DateTimeOffset? time = null;
        if (fields.TryGetValue("time", out var timeNode))
        {
            time = ScalarTags.ParseDateTime(timeNode.Value ?? string.Empty) ?? throw Error(source, timeNode, "'time' is a date and time (2026-01-12T09:35:00Z)");
        }

        return new EventLogs.Seed(log, entrySource, id, type, category, fields.TryGetValue("message", out var message) ? message.Value ?? string.Empty : string.Empty,
            time, fields.TryGetValue("computer", out var computer) ? computer.Value : null);
    }

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}
