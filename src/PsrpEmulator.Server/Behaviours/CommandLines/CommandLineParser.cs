using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// Reads the <c>cmd:</c> section of a scenario (WinRS command lines): rules like those of <c>behaviours:</c>
/// (<c>match:</c> exact text or <c>regex:</c>, captures as placeholders) whose steps write stdout and stderr,
/// echo stdin, sleep and end with <c>exit:</c>. Complaints name the file, line and column.
/// </summary>
internal sealed class CommandLineParser
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly string[] StepKinds = ["stdout", "stderr", "stdin", "sleep", "exit"];
    private static readonly string[] RuleKeys = ["name", "description", "match", "regex", "steps"];

    private readonly string source;

    private CommandLineParser(string source) => this.source = source;

    /// <summary>The rules of the <c>cmd:</c> section (none when the scenario has no such section).</summary>
    public static List<CommandLineRule> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "cmd") is not { } value || IsNull(value)) return [];
        var parser = new CommandLineParser(source);
        if (value is not YamlSequenceNode rules) throw parser.Error(value, "'cmd:' is a list of rules (items starting with '-')");
        return rules.Children.Select(parser.ReadRule).ToList();
    }

    private CommandLineRule ReadRule(YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(node, "a cmd rule is a mapping with 'match:' or 'regex:' and 'steps:'");
        foreach (var key in map.Children.Keys)
        {
            var keyName = Scalar(key, "key");
            if (!RuleKeys.Contains(keyName)) throw Error(key, $"unknown cmd rule key '{keyName}'; expected one of: {string.Join(", ", RuleKeys)}");
        }

        var matchNode = Get(map, "match");
        var regexNode = Get(map, "regex");
        if (matchNode is not null && regexNode is not null) throw Error(regexNode, "a rule has either 'match:' or 'regex:', not both");
        if (matchNode is null && regexNode is null) throw Error(map, "a cmd rule needs 'match:' (exact command line) or 'regex:' (a .NET regular expression)");

        List<string>? exact = null;
        Regex? regex = null;
        IEnumerable<string> captureNames = [];
        string defaultName;
        if (matchNode is not null)
        {
            exact = matchNode is YamlSequenceNode alternatives
                ? alternatives.Children.Select(n => Scalar(n, "match").Trim()).ToList()
                : [Scalar(matchNode, "match").Trim()];
            if (exact.Count == 0) throw Error(matchNode, "'match:' lists no command line");
            defaultName = $"cmd match '{exact[0]}'";
        }
        else
        {
            var pattern = Scalar(regexNode!, "regex");
            regex = CompileRegex(pattern, regexNode!);
            captureNames = ScenarioParser.CaptureNames(regex);
            defaultName = $"cmd regex '{pattern}'";
        }

        var names = NameScope.ForCaptures(captureNames.Concat(CommandLineBehaviour.FactNames));
        var name = Get(map, "name") is { } nameNode ? Scalar(nameNode, "name") : $"{defaultName} ({source}, line {map.Start.Line})";
        var steps = new List<CommandLineStep>();
        TextTemplate? exit = null;
        if (Get(map, "steps") is { } stepsNode && !IsNull(stepsNode))
        {
            if (stepsNode is not YamlSequenceNode seq) throw Error(stepsNode, "'steps:' is a list (items starting with '-')");
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var (kind, value, keyNode) = StepOf(seq.Children[i]);
                switch (kind)
                {
                    case "stdout" or "stderr":
                        steps.Add(new WriteStep(kind, Text(value, names, kind)));
                        break;
                    case "sleep":
                        var seconds = Text(value, names, kind);
                        if (seconds.Constant is { } c && (!double.TryParse(c, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || d < 0 || !double.IsFinite(d)))
                            throw Error(value, $"sleep takes a number of seconds (0 or more), not '{c}'");
                        steps.Add(new CommandLineSleepStep(seconds));
                        break;
                    case "stdin":
                        var mode = Scalar(value, kind);
                        if (string.Equals(mode, "echo", StringComparison.OrdinalIgnoreCase))
                        {
                            steps.Add(new EchoStdinStep());
                        }
                        else if (string.Equals(mode, "line", StringComparison.OrdinalIgnoreCase))
                        {
                            // The steps after it may print the line: {line}.
                            steps.Add(new ReadLineStdinStep());
                            names = names.With(ReadLineStdinStep.LineName);
                        }
                        else
                        {
                            throw Error(value, $"stdin: supports 'echo' and 'line', not '{mode}'");
                        }

                        break;
                    default:
                        if (i != seq.Children.Count - 1) throw Error(keyNode, "'exit:' ends a rule: it must be the last step");
                        exit = Text(value, names, kind);
                        if (exit.Constant is { } e && !TextTemplate.TryParseInteger(e, out _)) throw Error(value, $"exit takes an integer exit code, not '{e}'");
                        break;
                }
            }
        }

        var matcher = new BehaviourRule(name, exact, regex, [], FinalState.Completed);
        return new CommandLineRule(matcher, steps, exit);
    }

    private (string Kind, YamlNode Value, YamlNode Key) StepOf(YamlNode node)
    {
        if (node is not YamlMappingNode map || map.Children.Count != 1)
            throw Error(node, $"a cmd step is a mapping with exactly one of: {string.Join(", ", StepKinds)}");
        var (key, value) = map.Children.First();
        var kind = Scalar(key, "step");
        if (!StepKinds.Contains(kind)) throw Error(key, $"unknown cmd step '{kind}'; expected one of: {string.Join(", ", StepKinds)}");
        return (kind, value, key);
    }

    private Regex CompileRegex(string pattern, YamlNode node)
    {
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            _ = new Regex(pattern, options, RegexTimeout);
            return new Regex(@"\A(?:" + pattern + @")\z", options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw Error(node, $"invalid regular expression (IgnoreCase | CultureInvariant): {e.Message}", e);
        }
    }

    private TextTemplate Text(YamlNode node, NameScope names, string what) =>
        TextTemplate.Parse(Scalar(node, what), names, $"{source}, line {node.Start.Line}", m => Error(node, m));

    private string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode s ? s.Value ?? string.Empty : throw Error(node, $"'{what}' takes a single value here, not a {(node is YamlSequenceNode ? "list" : "mapping")}");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static YamlNode? Get(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key) return v;
        }

        return null;
    }

    private BehaviourLoadException Error(YamlNode node, string message, Exception? inner = null) =>
        new($"{source}, line {node.Start.Line}, column {node.Start.Column}: {message}", inner)
        {
            SourceName = source,
            Line = (int)node.Start.Line,
            Column = (int)node.Start.Column,
        };
}
