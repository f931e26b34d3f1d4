using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>Reads scenario YAML; every syntax error is a <see cref="YamlException"/> with a position.</summary>
public static partial class YamlText
{
    /// <summary>
    /// What a <see cref="YamlException"/> from <see cref="Load"/> says, without YamlDotNet's position prefix: the inner
    /// YamlException's words when it wraps one (YamlDotNet's own, more precise), else its own (never the words of an
    /// InvalidOperationException or ArgumentException it stands for, which tell a scenario's author nothing).
    /// </summary>
    public static string MessageOf(YamlException e) =>
        YamlPosition().Replace(e.InnerException is YamlException inner ? inner.Message : e.Message, string.Empty);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex YamlPosition();

    /// <summary>
    /// The documents of <paramref name="yaml"/>. On some malformed input YamlDotNet throws InvalidOperationException
    /// (its scanner, on a plain scalar cut short by a stray character) or ArgumentException (its node loader, on an
    /// event it does not expect) instead of its YamlException (found by seeded edits of the scenario files): those
    /// become one too, placed after the last part that was read.
    /// </summary>
    public static YamlStream Load(string yaml)
    {
        // A scenario's text is read by each of its section parsers (rules, files, registry, WMI, command lines,
        // settings, steps) one after another: the last text's documents are kept for the next. Readers never change
        // the nodes they are given.
        if (s_last is { } last && ReferenceEquals(last.Text, yaml)) return last.Stream;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            var at = EndOfLastEvent(yaml);
            throw new YamlException(at, at, "The YAML could not be read here (a scalar or indentation the reader does not accept).", e);
        }

        s_last = new Loaded(yaml, stream);
        return stream;
    }

    private sealed record Loaded(string Text, YamlStream Stream);

    private static volatile Loaded? s_last;

    /// <summary>
    /// A seed's mapping of single values by key (an event log entry's, a certificate's): an unknown key or a value that
    /// is not one scalar is a complaint naming its place, with the keys <paramref name="keys"/> the <paramref name="what"/> takes.
    /// </summary>
    internal static Dictionary<string, YamlScalarNode> ScalarFields(string source, YamlMappingNode map, IReadOnlyCollection<string> keys, string what)
    {
        var fields = new Dictionary<string, YamlScalarNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode k ? k.Value : null;
            if (name is null || !keys.Contains(name)) throw LoadError(source, key, $"unknown {what} key '{name}'; expected one of: {string.Join(", ", keys)}");
            fields[name] = value as YamlScalarNode ?? throw LoadError(source, value, $"'{name}' takes a single value");
        }

        return fields;
    }

    /// <summary>A complaint about a scenario section's node, naming the file, line and column (the seed parsers').</summary>
    internal static BehaviourLoadException LoadError(string source, YamlNode node, string message) =>
        new($"{source}, line {node.Start.Line}, column {node.Start.Column}: {message}")
        {
            SourceName = source,
            Line = (int)node.Start.Line,
            Column = (int)node.Start.Column,
        };

    /// <summary>
    /// The node of a top-level section of a scenario (<c>cmd:</c>, <c>files:</c>); null when the scenario has none or
    /// cannot be read (the behaviours parser reports a YAML syntax error with its position).
    /// </summary>
    internal static YamlNode? Section(string yaml, string key)
    {
        YamlStream stream;
        try
        {
            stream = Load(yaml);
        }
        catch (YamlException)
        {
            return null;
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root) return null;
        foreach (var (name, value) in root.Children)
        {
            if (name is YamlScalarNode scalar && scalar.Value == key) return value;
        }

        return null;
    }

    private static Mark EndOfLastEvent(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var at = Mark.Empty;
        try
        {
            while (parser.MoveNext()) at = parser.Current!.End;
        }
#pragma warning disable CA1031 // the position of the failure is all that is wanted
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return at;
    }
}
