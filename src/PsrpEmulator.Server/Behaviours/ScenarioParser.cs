using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Reads the <c>behaviours:</c> section of a scenario through YamlDotNet's representation model (nodes with
/// positions), so every complaint names the file, line and column. No type named in the YAML is ever instantiated.
/// </summary>
internal sealed partial class ScenarioParser
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private const string RegexOptionsText = "IgnoreCase | CultureInvariant";

    private static readonly string[] StepKinds = ["output", "error", "warning", "verbose", "debug", "information", "host", "progress", "sleep", "loop", "input", "state",
        "set", "run", "start-job", "receive-job", "get-job", "wait-job", "stop-job", "remove-job"];
    private static readonly string[] RuleKeys = ["name", "description", "match", "regex", "steps"];
    private static readonly string[] ErrorKeys = ["message", "fqid", "category", "exception", "target", "target-type", "activity", "unless-service", "trusted-host", "when-trusted", "terminating"];
    private static readonly string[] HostKeys = ["message", "no-newline", "foreground", "background"];
    private static readonly string[] ProgressKeys = ["activity", "status", "operation", "id", "parent", "percent", "seconds", "completed"];
    private static readonly string[] LoopKeys = ["from", "to", "var", "steps"];
    private static readonly string[] SetKeys = ["name", "value", "command"];
    private static readonly string[] StartJobKeys = ["command", "name", "arguments"];
    private static readonly string[] ReceiveJobKeys = ["variable", "id", "name", "keep", "wait", "autoremove"];
    private static readonly string[] WaitJobKeys = [.. JobSelector.Keys, "timeout"];
    private static readonly string[] RemoveJobKeys = ["variable", "id", "name", "force"];

    private readonly string source;

    private ScenarioParser(string source) => this.source = source;

    public static List<BehaviourRule> Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new ScenarioParser(source);
        YamlStream stream;
        try
        {
            stream = YamlText.Load(yaml);
        }
        catch (YamlException e)
        {
            throw parser.Error(e.Start, YamlText.MessageOf(e), e);
        }

        if (stream.Documents.Count == 0) return [];
        if (stream.Documents.Count > 1) throw parser.Error(stream.Documents[1].RootNode, "a scenario file holds one YAML document");
        return parser.ReadRoot(stream.Documents[0].RootNode);
    }


    private List<BehaviourRule> ReadRoot(YamlNode root)
    {
        if (IsNull(root)) return [];
        if (root is not YamlMappingNode map) throw Error(root, "a scenario is a mapping with a 'behaviours:' list");

        // Other top-level sections belong to other parts of the emulator; only ours is read here.
        YamlNode? list = null;
        foreach (var (key, value) in map.Children)
        {
            var name = KeyName(key);
            if (name is "behaviours" or "behaviors")
            {
                if (list is not null) throw Error(key, "'behaviours:' appears twice (also spelled 'behaviors:')");
                list = value;
            }
        }

        if (list is null || IsNull(list)) return [];
        if (list is not YamlSequenceNode rules) throw Error(list, "'behaviours:' is a list of rules (items starting with '-')");
        return rules.Children.Select(ReadRule).ToList();
    }

    private BehaviourRule ReadRule(YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(node, "a rule is a mapping with 'match:' or 'regex:' and 'steps:'");
        CheckKeys(map, RuleKeys, "rule key");
        var nameNode = Get(map, "name");
        var matchNode = Get(map, "match");
        var regexNode = Get(map, "regex");
        if (matchNode is not null && regexNode is not null) throw Error(regexNode, "a rule has either 'match:' or 'regex:', not both");
        if (matchNode is null && regexNode is null) throw Error(map, "a rule needs 'match:' (exact command text) or 'regex:' (a .NET regular expression)");

        List<string>? exact = null;
        Regex? regex = null;
        NameScope names;
        string defaultName;
        if (matchNode is not null)
        {
            exact = matchNode is YamlSequenceNode alternatives
                ? alternatives.Children.Select(n => Scalar(n, "match").Trim()).ToList()
                : [Scalar(matchNode, "match").Trim()];
            if (exact.Count == 0) throw Error(matchNode, "'match:' lists no command text");
            names = NameScope.ForCaptures([]);
            defaultName = $"match '{exact[0]}'";
        }
        else
        {
            var pattern = Scalar(regexNode!, "regex");
            regex = CompileRegex(pattern, regexNode!);
            names = NameScope.ForCaptures(CaptureNames(regex));
            defaultName = $"regex '{pattern}'";
        }

        var name = nameNode is null ? $"{defaultName} ({source}, line {map.Start.Line})" : Scalar(nameNode, "name");
        var stepsNode = Get(map, "steps");
        var (steps, final) = stepsNode is null || IsNull(stepsNode)
            ? ([], FinalState.Completed)
            : ReadTopLevelSteps(stepsNode, names);
        return new BehaviourRule(name, exact, regex, steps, final);
    }

    /// <summary>Every capture by name and by number (.NET numbers named groups after the unnamed ones).</summary>
    internal static IEnumerable<string> CaptureNames(Regex regex) =>
        regex.GetGroupNames().Concat(regex.GetGroupNumbers().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))).Distinct();

    private Regex CompileRegex(string pattern, YamlNode node)
    {
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            // Validate the pattern on its own first: an unbalanced ')' could otherwise escape the anchoring group.
            _ = new Regex(pattern, options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw Error(node, $"invalid regular expression ({RegexOptionsText}): {e.Message}", e);
        }

        try
        {
            return new Regex(@"\A(?:" + pattern + @")\z", options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw Error(node, $"the regular expression cannot be anchored (does it end in a (?x) '#' comment? end it with a newline): {e.Message}", e);
        }
    }

    private (List<Step> Steps, FinalState Final) ReadTopLevelSteps(YamlNode node, NameScope names)
    {
        if (node is not YamlSequenceNode seq) throw Error(node, "'steps:' is a list (items starting with '-')");
        var final = FinalState.Completed;
        var steps = new List<Step>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            if (item is YamlMappingNode map && Get(map, "state") is { } stateNode)
            {
                if (i != seq.Children.Count - 1) throw Error(stateNode, "'state:' ends a rule: it must be the last step");
                final = ReadState(map, stateNode, names);
                continue;
            }

            var step = ReadStep(item, names);
            if (step is ErrorStep { Terminating: true } && i != seq.Children.Count - 1)
                throw Error(item, "an error with 'terminating: true' ends its statement: it must be the rule's last step");
            steps.Add(step);
        }

        return (steps, final);
    }

    private List<Step> ReadNestedSteps(YamlNode node, NameScope names)
    {
        if (node is not YamlSequenceNode seq) throw Error(node, "'steps:' is a list (items starting with '-')");
        var steps = new List<Step>(seq.Children.Count);
        foreach (var item in seq.Children)
        {
            var step = ReadStep(item, names);
            if (step is ErrorStep { Terminating: true }) throw Error(item, "an error with 'terminating: true' ends its statement: it goes only at the end of a rule's own steps, not in a loop's or input's");
            steps.Add(step);
        }

        return steps;
    }

    private Step ReadStep(YamlNode node, NameScope names)
    {
        if (node is not YamlMappingNode map || map.Children.Count == 0)
            throw Error(node, $"a step is a mapping with one of: {string.Join(", ", StepKinds)}");

        var kinds = map.Children.Keys.Where(k => StepKinds.Contains(KeyName(k))).ToList();
        if (kinds.Count > 1)
            throw Error(kinds[1], $"a step does one thing; found '{KeyName(kinds[0])}' and '{KeyName(kinds[1])}' (write them as two '-' items)");
        if (kinds.Count == 0)
        {
            var key = map.Children.Keys.First();
            throw Error(key, $"unknown step '{KeyName(key)}'; expected one of: {string.Join(", ", StepKinds)}");
        }

        var kindKey = kinds[0];
        var kind = KeyName(kindKey);
        foreach (var key in map.Children.Keys)
        {
            if (key != kindKey) throw Error(key, $"unexpected '{KeyName(key)}' in a '{kind}' step");
        }

        var value = map.Children[kindKey];
        switch (kind)
        {
            case "output":
                return new OutputStep(ReadValue(value, names));
            case "error":
                return new ErrorStep(ReadError(value, names, isReason: false));
            case "warning":
                return new TextRecordStep(TextStream.Warning, Message(value, names, kind));
            case "verbose":
                return new TextRecordStep(TextStream.Verbose, Message(value, names, kind));
            case "debug":
                return new TextRecordStep(TextStream.Debug, Message(value, names, kind));
            case "information":
                return new InformationStep(ReadValue(value, names));
            case "host":
                return ReadHost(value, names);
            case "progress":
                return ReadProgress(value, names);
            case "sleep":
                var seconds = Text(value, names, kind);
                if (seconds.Constant is { } c && (!double.TryParse(c, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || d < 0 || !double.IsFinite(d)))
                    throw Error(value, $"sleep takes a number of seconds (0 or more), not '{c}'");
                return new SleepStep(seconds);
            case "loop":
                return ReadLoop(value, names);
            case "input":
                if (value is YamlMappingNode inputMap)
                {
                    CheckKeys(inputMap, ["steps"], "input key");
                    var inputSteps = Get(inputMap, "steps") ?? throw Error(inputMap, "input needs 'steps:' (run once per input object, {_} / $_ the object)");
                    return new InputLoopStep(ReadNestedSteps(inputSteps, names.WithLoopVariable("_")));
                }

                var mode = Scalar(value, kind);
                if (!string.Equals(mode, "echo", StringComparison.OrdinalIgnoreCase)) throw Error(value, $"input: is 'echo' or {{steps: [...]}}, not '{mode}'");
                return new EchoInputStep();
            case "run":
                return new RunStep(Text(value, names, kind));
            case "set":
                return ReadSet(value, names);
            case "start-job":
                if (value is YamlMappingNode startMap)
                {
                    CheckKeys(startMap, StartJobKeys, "start-job key");
                    var jobCommand = Get(startMap, "command") ?? throw Error(startMap, "start-job needs 'command:' (the job's command text)");
                    return new StartJobStep(Text(jobCommand, names, "command"), Optional(startMap, "name", names), Optional(startMap, "arguments", names));
                }

                return new StartJobStep(Text(value, names, kind), null);
            case "receive-job":
            {
                var map2 = JobMap(value, ReceiveJobKeys, kind);
                return new ReceiveJobStep(Selector(map2, names), Optional(map2, "keep", names), Optional(map2, "wait", names), Optional(map2, "autoremove", names));
            }

            case "get-job":
                return new GetJobStep(Selector(JobMap(value, JobSelector.Keys, kind), names));
            case "wait-job":
            {
                var map2 = JobMap(value, WaitJobKeys, kind);
                return new WaitJobStep(Selector(map2, names), Optional(map2, "timeout", names));
            }
            case "stop-job":
                return new StopOrRemoveJobStep(Selector(JobMap(value, JobSelector.Keys, kind), names), remove: false, null);
            case "remove-job":
            {
                var map2 = JobMap(value, RemoveJobKeys, kind);
                return new StopOrRemoveJobStep(Selector(map2, names), remove: true, Optional(map2, "force", names));
            }

            case "state":
            default:
                throw Error(kindKey, "'state:' ends a rule: it must be the last step of the rule's own steps (not inside a loop)");
        }
    }

    private SetStep ReadSet(YamlNode node, NameScope names)
    {
        if (node is not YamlMappingNode map) throw Error(node, "set: is a mapping {name, value} or {name, command}");
        CheckKeys(map, SetKeys, "set key");
        var name = Get(map, "name") ?? throw Error(map, "set needs 'name:' (the variable, e.g. \"{var}\")");
        var value = Get(map, "value");
        var command = Get(map, "command");
        if ((value is null) == (command is null)) throw Error(map, "set takes 'value:' (a value, as output: writes) or 'command:' (command text whose output is assigned), one of them");
        return new SetStep(Text(name, names, "name"), value is null ? null : ReadValue(value, names), command is null ? null : Text(command, names, "command"));
    }

    // A job step's mapping; an empty value (get-job: all, get-job: ~) selects every job.
    private YamlMappingNode JobMap(YamlNode node, string[] keys, string kind)
    {
        if (node is YamlScalarNode) return new YamlMappingNode();
        if (node is not YamlMappingNode map) throw Error(node, $"{kind}: is a mapping {{{string.Join(", ", keys)}}}");
        CheckKeys(map, keys, kind + " key");
        return map;
    }

    private JobSelector Selector(YamlMappingNode map, NameScope names) =>
        new(Optional(map, "variable", names), Optional(map, "id", names), Optional(map, "name", names));

    private TextTemplate? Optional(YamlMappingNode map, string key, NameScope names) => Get(map, key) is { } v ? Text(v, names, key) : null;

    private FinalState ReadState(YamlMappingNode map, YamlNode stateNode, NameScope names)
    {
        foreach (var key in map.Children.Keys)
        {
            var k = KeyName(key);
            if (k is not ("state" or "reason")) throw Error(key, $"unexpected '{k}' in a 'state' step (only 'reason:' goes with it)");
        }

        var text = Scalar(stateNode, "state");
        if (!Enum.TryParse<PSInvocationState>(text, ignoreCase: true, out var state) || !char.IsLetter(text[0]) ||
            state is not (PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped))
        {
            throw Error(stateNode, $"state is Completed, Failed or Stopped, not '{text}'");
        }

        var reasonNode = Get(map, "reason");
        if (reasonNode is not null && state != PSInvocationState.Failed) throw Error(reasonNode, "'reason:' goes only with 'state: Failed'");
        var reason = state == PSInvocationState.Failed
            ? ReadError(reasonNode ?? new YamlScalarNode("The scenario failed the pipeline."), names, isReason: true)
            : null;
        return new FinalState(state, reason);
    }

    private ErrorTemplate ReadError(YamlNode node, NameScope names, bool isReason)
    {
        YamlNode messageNode;
        YamlMappingNode? map = null;
        // A mapping of $-keys is the message as a value ({ $expand: "..." }); any other mapping has the error's keys.
        if (node is YamlMappingNode m && !IsValueMapping(m))
        {
            map = m;
            CheckKeys(map, ErrorKeys, "error key");
            messageNode = Get(map, "message") ?? throw Error(map, "an error needs 'message:'");
        }
        else
        {
            messageNode = node;
        }

        var message = Message(messageNode, names, "message");

        // Write-Error's defaults for error steps; `throw "text"`'s for a Failed state's reason (its id is the message:
        // null here).
        var fqid = map is not null && Get(map, "fqid") is { } f ? Text(f, names, "fqid")
            : isReason ? null : TextTemplate.Literal(ScriptedError.WriteErrorId, Location(node));
        var exception = map is not null && Get(map, "exception") is { } e ? Text(e, names, "exception")
            : TextTemplate.Literal(isReason ? ScriptedError.RuntimeExceptionType : ScriptedError.WriteErrorId, Location(node));
        var category = isReason ? ErrorCategory.OperationStopped : ErrorCategory.NotSpecified;
        if (map is not null && Get(map, "category") is { } c)
        {
            var text = Scalar(c, "category");
            if (!Enum.TryParse(text, ignoreCase: true, out category) || !Enum.IsDefined(category) || !char.IsLetter(text[0]))
                throw Error(c, $"'{text}' is not an ErrorCategory name (e.g. NotSpecified, InvalidArgument, ObjectNotFound, PermissionDenied)");
        }

        var target = map is not null && Get(map, "target") is { } t ? Text(t, names, "target") : null;
        var targetType = map is not null && Get(map, "target-type") is { } tt ? Text(tt, names, "target-type") : null;
        var activity = map is not null && Get(map, "activity") is { } a ? Text(a, names, "activity") : null;
        var unlessService = map is not null && Get(map, "unless-service") is { } u ? Text(u, names, "unless-service") : null;
        var trustedHost = map is not null && Get(map, "trusted-host") is { } h ? Text(h, names, "trusted-host") : null;
        var whenTrustedNode = map is not null ? Get(map, "when-trusted") : null;
        if ((trustedHost is null) != (whenTrustedNode is null))
        {
            throw Error(map!, "'trusted-host:' and 'when-trusted:' go together: the host to look up in TrustedHosts and the error written when it is there");
        }

        if (whenTrustedNode is YamlMappingNode nested && Get(nested, "when-trusted") is { } twice) throw Error(twice, "'when-trusted:' cannot nest");
        var whenTrusted = whenTrustedNode is null ? null : ReadError(whenTrustedNode, names, isReason);
        var terminating = false;
        if (map is not null && Get(map, "terminating") is { } term)
        {
            if (isReason) throw Error(term, "'terminating:' goes with an error step, not a Failed state's reason (which ends the pipeline anyway)");
            var flag = Scalar(term, "terminating");
            if (!bool.TryParse(flag, out terminating)) throw Error(term, $"'terminating:' is true or false, not '{flag}'");
        }

        return new ErrorTemplate(message, fqid, category, exception, target, targetIsMessage: isReason && map is null)
        {
            TargetType = targetType, Activity = activity, UnlessService = unlessService, TrustedHost = trustedHost, WhenTrusted = whenTrusted, Terminating = terminating,
        };
    }

    // A mapping written with $-keys ({ $expand: ... }, { $variable: ... }) is a value, not a step's options.
    private bool IsValueMapping(YamlMappingNode map) => map.Children.Keys.Any(k => KeyName(k).StartsWith('$'));

    // A record's text: a scalar is a template; a mapping is a value ({ $expand: ... }, { $variable: ... }) shown as text.
    private MessageText Message(YamlNode node, NameScope names, string what) =>
        node is YamlMappingNode ? new MessageText(ReadValue(node, names)) : new MessageText(Text(node, names, what));

    private HostStep ReadHost(YamlNode node, NameScope names)
    {
        // The text alone: a template, or a value such as { $expand: "..." }.
        if (node is YamlScalarNode || (node is YamlMappingNode m && IsValueMapping(m)))
        {
            return new HostStep(Message(node, names, "host"), null, null, null);
        }

        if (node is not YamlMappingNode map) throw Error(node, "host: is the text Write-Host writes, or a mapping {message, no-newline, foreground, background}");
        CheckKeys(map, HostKeys, "host key");
        var message = Get(map, "message") ?? throw Error(map, "host needs 'message:'");
        var noNewLine = Optional(map, "no-newline", names);
        if (noNewLine?.Constant is { } n && HostStep.ParseNoNewLine(n) is null) throw Error(Get(map, "no-newline")!, $"host no-newline is true or false, not '{n}'");
        TextTemplate? Color(string key)
        {
            var t = Optional(map, key, names);
            if (t?.Constant is { } c && !HostStep.TryParseColor(c, out _)) throw Error(Get(map, key)!, $"host {key} is a console colour (Black, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, Gray, DarkGray, Blue, Green, Cyan, Red, Magenta, Yellow, White), not '{c}'");
            return t;
        }

        return new HostStep(Message(message, names, "message"), noNewLine, Color("foreground"), Color("background"));
    }

    private ProgressStep ReadProgress(YamlNode node, NameScope names)
    {
        var loc = Location(node);
        if (node is YamlScalarNode)
        {
            return new ProgressStep(Text(node, names, "activity"), TextTemplate.Literal("Processing", loc), null,
                TextTemplate.Literal("0", loc), TextTemplate.Literal("-1", loc), TextTemplate.Literal("-1", loc),
                TextTemplate.Literal("-1", loc), TextTemplate.Literal("false", loc));
        }

        if (node is not YamlMappingNode map) throw Error(node, "progress: is a mapping {activity, status, percent, id, completed, ...} or an activity text");
        CheckKeys(map, ProgressKeys, "progress key");
        TextTemplate Opt(string key, string fallback, bool integer = false, bool boolean = false)
        {
            if (Get(map, key) is not { } v) return TextTemplate.Literal(fallback, loc);
            var t = Text(v, names, key);
            if (integer && t.Constant is { } ci && !TextTemplate.TryParseInteger(ci, out _)) throw Error(v, $"progress {key} is an integer, not '{ci}'");
            if (boolean && t.Constant is { } cb && ValueTemplate.ParseBoolean(cb) is null) throw Error(v, $"progress {key} is true or false, not '{cb}'");
            return t;
        }

        var activity = Get(map, "activity") ?? throw Error(map, "progress needs 'activity:'");
        return new ProgressStep(
            Text(activity, names, "activity"),
            Opt("status", "Processing"),
            Get(map, "operation") is { } op ? Text(op, names, "operation") : null,
            Opt("id", "0", integer: true),
            Opt("parent", "-1", integer: true),
            Opt("percent", "-1", integer: true),
            Opt("seconds", "-1", integer: true),
            Opt("completed", "false", boolean: true));
    }

    [GeneratedRegex(@"^\w+$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    private LoopStep ReadLoop(YamlNode node, NameScope names)
    {
        if (node is not YamlMappingNode map) throw Error(node, "loop: is a mapping {from, to, var, steps}");
        CheckKeys(map, LoopKeys, "loop key");
        TextTemplate Bound(string key)
        {
            var v = Get(map, key) ?? throw Error(map, $"loop needs '{key}:'");
            var t = Text(v, names, key);
            if (t.Constant is { } c && !TextTemplate.TryParseInteger(c, out _)) throw Error(v, $"loop {key} is an integer or a capture like '{{n}}', not '{c}'");
            return t;
        }

        var from = Bound("from");
        var to = Bound("to");
        var variable = "_";
        if (Get(map, "var") is { } varNode)
        {
            variable = Scalar(varNode, "var").TrimStart('$');
            if (!VariableName().IsMatch(variable)) throw Error(varNode, $"loop var is a name (letters, digits, '_'), not '{variable}'");
        }

        var stepsNode = Get(map, "steps") ?? throw Error(map, "loop needs 'steps:'");
        return new LoopStep(from, to, variable, ReadNestedSteps(stepsNode, names.WithLoopVariable(variable)));
    }

    // { $service: { name: Spooler, status: Stopped } }: one facet of a service's state (status, startType, state,
    // startMode, started), its value until a command changes it; a control it accepts (canStop, canShutdown,
    // canPauseAndContinue) goes with its status: { name: WinRM, status: Running, canStop: true }.
    private ServiceValueTemplate ReadServiceValue(YamlNode node, NameScope names)
    {
        const string Usage = "$service takes { name: <service>, <facet>: <value until a command changes it> } with one facet of status, startType, state, startMode, started, " +
            "or { name: <service>, status: <status>, <control>: true|false } with a control of canStop, canShutdown, canPauseAndContinue";
        if (node is not YamlMappingNode map || Get(map, "name") is not { } nameNode || map.Children.Count is not (2 or 3)) throw Error(node, Usage);
        var facets = map.Children.Where(c => !Scalar(c.Key, "$service key").Equals("name", StringComparison.OrdinalIgnoreCase)).ToList();
        string? initialStatus = null;
        if (facets.Count == 2)
        {
            // The status goes with a control only.
            var status = facets.FindIndex(c => Scalar(c.Key, "$service key").Equals("status", StringComparison.OrdinalIgnoreCase));
            if (status < 0 || !ServiceValueTemplate.IsControl(Scalar(facets[1 - status].Key, "$service facet"))) throw Error(node, Usage);
            initialStatus = Scalar(facets[status].Value, "status");
            if (!ServiceValueTemplate.IsValue("status", initialStatus)) throw Error(facets[status].Value, $"'{initialStatus}' is no service status");
            facets.RemoveAt(status);
        }

        var (facetKey, facetValue) = facets[0];
        var facet = Scalar(facetKey, "$service facet");
        if (!ServiceValueTemplate.IsFacet(facet)) throw Error(facetKey, $"'{facet}' is no $service facet: status, startType, state, startMode, started, canStop, canShutdown or canPauseAndContinue");
        if (ServiceValueTemplate.IsControl(facet) && initialStatus is null) throw Error(node, $"$service's {facet} goes with the service's status: {{ name: <service>, status: Running, {facet}: true }}");
        var initial = Scalar(facetValue, facet);
        if (!ServiceValueTemplate.IsValue(facet, initial)) throw Error(facetValue, $"'{initial}' is no service {facet}");
        return new ServiceValueTemplate(Text(nameNode, names, "name"), facet, initial, initialStatus);
    }

    // { $lastBootUpTime: 2026-01-12T09:35:00Z } or { $lastBootUpTime: { at: ..., format: ... } }: the computer's last boot.
    private LastBootValueTemplate ReadLastBootValue(YamlNode node)
    {
        const string Usage = "$lastBootUpTime takes a date (2026-01-12T09:35:00Z) or { at: <date>, format: <.NET date format> }";
        var (atNode, formatNode) = node is YamlMappingNode map ? (Get(map, "at"), Get(map, "format")) : (node, null);
        if (atNode is not YamlScalarNode { Value: { } text } || (node is YamlMappingNode m && (formatNode is null || m.Children.Count != 2))) throw Error(node, Usage);
        var at = ScalarTags.ParseDateTime(text) ?? throw Error(atNode, $"'{text}' is no date: {Usage}");
        var format = formatNode is null ? null : Scalar(formatNode, "format");
        if (format is not null)
        {
            try
            {
                _ = at.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw Error(formatNode!, $"'{format}' is not a date format .NET knows");
            }
        }

        return new LastBootValueTemplate(at, format);
    }

    private ValueTemplate ReadValue(YamlNode node, NameScope names)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return ReadScalarValue(scalar, names);
            case YamlSequenceNode seq:
                return new ListValueTemplate(seq.Children.Select(n => ReadValue(n, names)).ToList());
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$variable") is { } variableNode:
                return new VariableValueTemplate(Text(variableNode, names, "$variable"));
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$expand") is { } expandNode:
                return new ExpandValueTemplate(Text(expandNode, names, "$expand"));
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$env") is { } envNode:
                return new EnvironmentValueTemplate(Text(envNode, names, "$env"));
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$service") is { } serviceNode:
                return ReadServiceValue(serviceNode, names);
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$network") is { } networkNode:
                {
                    // { $network: ipv4Address }: the computer's Ethernet adapter's IPv4 configuration.
                    var facet = Scalar(networkNode, "$network");
                    return NetworkValueTemplate.Facets.Contains(facet, StringComparer.OrdinalIgnoreCase)
                        ? new NetworkValueTemplate(facet)
                        : throw Error(networkNode, $"$network takes {string.Join(", ", NetworkValueTemplate.Facets)}");
                }
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$lastBootUpTime") is { } bootNode:
                return ReadLastBootValue(bootNode);
            case YamlMappingNode special when special.Children.Count == 1 && (Get(special, "$installedServices") ?? Get(special, "$services")) is { } servicesNode:
                {
                    // { $services: ServiceController | Win32_Service | CimInstance }: the computer's services now;
                    // { $installedServices: ... } those commands installed alone.
                    var key = Get(special, "$services") is null ? "$installedServices" : "$services";
                    return Scalar(servicesNode, key) switch
                    {
                        "ServiceController" or "Win32_Service" or "CimInstance" => new ServicesValueTemplate(Scalar(servicesNode, key), installedOnly: key == "$installedServices"),
                        _ => throw Error(servicesNode, $"{key} takes ServiceController, Win32_Service or CimInstance"),
                    };
                }
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$withServiceProcesses") is YamlSequenceNode processesNode:
                // { $withServiceProcesses: [ ... ] }: the processes listed and those the running services run in, sorted as Get-Process.
                return new ServiceProcessesValueTemplate(ReadValue(processesNode, names));
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$withWindowsProcesses") is YamlSequenceNode windowsNode:
                // { $withWindowsProcesses: [ ... ] }: those and Windows' own processes (smss, csrss, wininit, services...).
                return new ServiceProcessesValueTemplate(ReadValue(windowsNode, names), windows: true);
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$disk") is { } diskNode:
                {
                    // { $disk: size } or { $disk: freeSpace }: the computer's C: disk.
                    return Scalar(diskNode, "$disk") switch
                    {
                        "size" => new DiskValueTemplate(free: false),
                        "freeSpace" => new DiskValueTemplate(free: true),
                        _ => throw Error(diskNode, "$disk takes size or freeSpace"),
                    };
                }
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$now") is YamlMappingNode { Children.Count: 1 } uformatNode &&
                                              Get(uformatNode, "uformat") is { } uformat:
                // { $now: { uformat: "%Y-%m-%d" } }: Get-Date -UFormat's text.
                return new NowValueTemplate(Text(uformat, names, "uformat"), unixFormat: true);
            case YamlMappingNode special when special.Children.Count == 1 && Get(special, "$now") is { } nowNode:
                return new NowValueTemplate(IsNull(nowNode) ? null : Text(nowNode, names, "$now"));
            case YamlMappingNode map:
                List<string>? typeNames = null;
                TextTemplate? toString = null;
                ValueTemplate? baseValue = null;
                var props = new List<KeyValuePair<string, ValueTemplate>>();
                foreach (var (key, value) in map.Children)
                {
                    var name = Scalar(key, "property name");
                    if (name.StartsWith('$'))
                    {
                        switch (name.ToLowerInvariant())
                        {
                            case "$type":
                                typeNames = value is YamlSequenceNode tns ? tns.Children.Select(n => Scalar(n, "$type")).ToList() : [Scalar(value, "$type")];
                                if (typeNames.Count == 0) throw Error(value, "$type lists no type names");
                                continue;
                            case "$tostring":
                                toString = Text(value, names, "$tostring");
                                continue;
                            case "$value":
                                if (value is not YamlScalarNode valueScalar || IsNull(value)) throw Error(value, "$value is the primitive the object wraps (an enum's number), a single value");
                                baseValue = ReadScalarValue(valueScalar, names);
                                continue;
                            default:
                                throw Error(key, $"unknown special key '{name}'; an object takes '$type' (type names, most derived first), '$tostring' and '$value' (the primitive it wraps: an enum's number); alone, '$variable' (a variable's value) or '$expand' (a double-quoted string's text)");
                        }
                    }

                    if (props.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)))
                        throw Error(key, $"property '{name}' appears twice (PowerShell property names ignore case)");
                    props.Add(new(name, ReadValue(value, names)));
                }

                if (baseValue is not null && typeNames is null) throw Error(map, "$value goes with '$type' (an enum's type names: [Its.Type, System.Enum, System.ValueType, System.Object])");
                return new MappingValueTemplate(props, typeNames, toString, baseValue);
            default:
                throw Error(node, "unsupported YAML node");
        }
    }

    private ValueTemplate ReadScalarValue(YamlScalarNode scalar, NameScope names)
    {
        var text = scalar.Value ?? string.Empty;
        var template = TextTemplate.Parse(text, names, Location(scalar), m => Error(scalar, m));
        if (!scalar.Tag.IsEmpty)
        {
            var primitive = PsPrimitiveType.String;
            var kind = scalar.Tag.Value switch
            {
                "tag:yaml.org,2002:str" or "!" => ScalarKind.String,
                "tag:yaml.org,2002:int" => ScalarKind.Integer,
                "tag:yaml.org,2002:float" => ScalarKind.Double,
                "tag:yaml.org,2002:bool" => ScalarKind.Boolean,
                "tag:yaml.org,2002:null" => ScalarKind.Null,
                var other when ScalarTags.TryGetPrimitive(other, out primitive) => ScalarKind.Primitive,
                var other => throw Error(scalar, $"unsupported tag '{other}'; use {ScalarTags.Supported}"),
            };
            try
            {
                return new ScalarValueTemplate(template, kind, primitive);
            }
            catch (ScenarioRuntimeException e)
            {
                throw Error(scalar, e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
            }
        }

        if (scalar.Style == ScalarStyle.Plain && template.Constant is { } constant && ScalarForms.TryLiteral(constant) is { } literal)
            return new ConstantValueTemplate(literal);
        return new ScalarValueTemplate(template, ScalarKind.String);
    }

    private TextTemplate Text(YamlNode node, NameScope names, string what) =>
        TextTemplate.Parse(Scalar(node, what), names, Location(node), m => Error(node, m));

    private string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode s ? s.Value ?? string.Empty : throw Error(node, $"'{what}' takes a single value here, not a {(node is YamlSequenceNode ? "list" : "mapping")}");

    private string KeyName(YamlNode key) => Scalar(key, "key");

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

    private void CheckKeys(YamlMappingNode map, string[] allowed, string what)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = KeyName(key);
            if (!allowed.Contains(name)) throw Error(key, $"unknown {what} '{name}'; expected one of: {string.Join(", ", allowed)}");
        }
    }

    private string Location(YamlNode node) => $"{source}, line {node.Start.Line}";

    private BehaviourLoadException Error(YamlNode node, string message, Exception? inner = null) => Error(node.Start, message, inner);

    private BehaviourLoadException Error(Mark mark, string message, Exception? inner = null) =>
        new($"{source}, line {mark.Line}, column {mark.Column}: {message}", inner)
        {
            SourceName = source,
            Line = (int)mark.Line,
            Column = (int)mark.Column,
        };
}
