using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Scenarios;

/// <summary>A scenario file that cannot be read; the message names file, line and column.</summary>
public sealed class ScenarioFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads scenario files through YamlDotNet's representation model, so that every complaint names the file, line
/// and column. The sections the emulator reads itself (<c>behaviours:</c>, <c>endpoints:</c>) are left to it.
/// </summary>
public sealed partial class ScenarioParser
{
    private static readonly string[] RootKeys = ["name", "description", "doc", "world", "endpoints", "behaviours", "behaviors", "cmd", "files", "registry", "eventLog", "certificates", "wmi", "normalise", "divergences", "steps"];
    private static readonly string[] WorldKeys = ["computers", "users", "currentUser", "scripts", "start", "heartbeatSeconds", "restartSeconds", "operationTimeoutSeconds", "maxReceiveHoldSeconds", "maxStepTime", "protocolVersion", "redirects", "faults", "faultSeed"];
    private static readonly string[] RunKeys = ["run", "host", "note", "setup", "doc", "divergence", "interruptAfter", "inject", "injectAfter", "type", "expect"];
    private static readonly string[] ExpectKeys = ["output", "errors", "text", "contains", "journal", "maxElapsed"];
    private static readonly string[] BuiltInRules = ["spacing", "underlines", "ids", "guids", "times", "narration", "sessiontable", "jobtable"];

    private readonly string _file;

    private ScenarioParser(string file) => _file = file;

    public static Scenario ParseFile(string path) => Parse(File.ReadAllText(path), path);

    public static Scenario Parse(string yaml, string path)
    {
        var parser = new ScenarioParser(path);
        YamlStream stream;
        try
        {
            stream = Server.Behaviours.YamlText.Load(yaml);
        }
        catch (YamlException e)
        {
            throw new ScenarioFormatException($"{path}:{e.Start.Line}:{e.Start.Column}: {Server.Behaviours.YamlText.MessageOf(e)}", e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScenarioFormatException($"{path}:1:1: a scenario is one YAML mapping with 'name:', 'world:' and 'steps:'");
        }

        // The emulator reads these sections; parse them now so that their errors surface before anything runs.
        try
        {
            _ = Server.Behaviours.BehaviourCatalog.Parse(yaml, path);
            _ = Server.Hosting.ScenarioSettings.Parse(yaml, path);
        }
        catch (Server.Behaviours.BehaviourLoadException e)
        {
            throw new ScenarioFormatException(e.Message, e);
        }

        return parser.Read(root, yaml);
    }

    private Scenario Read(YamlMappingNode root, string yaml)
    {
        CheckKeys(root, RootKeys);
        var name = Scalar(Required(root, "name"));
        var world = Get(root, "world") is { } w ? ReadWorld(w) : new World();
        var divergences = Get(root, "divergences") is { } d ? ReadDivergences(d) : [];
        var steps = ReadSteps(Required(root, "steps"), world, divergences);
        return new Scenario
        {
            Path = _file,
            Name = name,
            Description = Get(root, "description") is { } desc ? Scalar(desc) : null,
            Yaml = yaml,
            World = world,
            Steps = steps,
            Doc = Get(root, "doc") is { } doc ? ReadDoc(doc) : null,
            Normalisations = Get(root, "normalise") is { } n ? ReadNormalisations(n) : [],
            Divergences = divergences,
        };
    }

    private World ReadWorld(YamlNode node)
    {
        var map = Mapping(node, "'world:' is a mapping (computers, users, scripts, ...)");
        CheckKeys(map, WorldKeys);
        var world = new World();
        if (Get(map, "computers") is { } computers)
        {
            var list = Sequence(computers, "'computers:' is a list of computer names").Children.Select(Scalar).ToList();
            if (list.Count == 0) throw Error(computers, "a world needs at least one computer");
            world = world with { Computers = list };
        }

        if (Get(map, "users") is { } users)
        {
            var dict = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (k, v) in Mapping(users, "'users:' maps user names to passwords").Children) dict[Scalar(k)] = Scalar(v);
            if (dict.Count == 0) throw Error(users, "a world needs at least one user");
            world = world with { Users = dict };
        }

        if (Get(map, "currentUser") is { } current)
        {
            var user = Scalar(current);
            if (!world.Users.ContainsKey(user)) throw Error(current, $"currentUser '{user}' is not one of the users");
            world = world with { CurrentUser = user };
        }

        if (Get(map, "scripts") is { } scripts)
        {
            var dict = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (k, v) in Mapping(scripts, "'scripts:' maps -FilePath paths to script text").Children) dict[Scalar(k)] = Scalar(v);
            world = world with { Scripts = dict };
        }

        if (Get(map, "start") is { } start)
        {
            world = world with
            {
                Start = DateTimeOffset.TryParse(Scalar(start), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw Error(start, $"'{Scalar(start)}' is not a date and time"),
            };
        }

        if (Get(map, "heartbeatSeconds") is { } hb) world = world with { Heartbeat = Seconds(hb) };
        if (Get(map, "restartSeconds") is { } rs) world = world with { RestartDuration = Seconds(rs) };
        if (Get(map, "operationTimeoutSeconds") is { } ot) world = world with { OperationTimeout = Seconds(ot) };
        if (Get(map, "maxReceiveHoldSeconds") is { } mr) world = world with { MaxReceiveHold = Seconds(mr) };
        if (Get(map, "maxStepTime") is { } ms) world = world with { MaxStepTime = Duration(ms) };
        if (Get(map, "protocolVersion") is { } pv)
        {
            world = world with { ProtocolVersion = System.Version.TryParse(Scalar(pv), out var v) && v.Major == 2 ? Scalar(pv) : throw Error(pv, $"protocolVersion '{Scalar(pv)}' must be 2.x") };
        }

        if (Get(map, "redirects") is { } rd) world = world with { Redirects = ReadRedirects(rd) };
        if (Get(map, "faults") is { } fl) world = world with { Faults = ReadFaults(fl) };
        if (Get(map, "faultSeed") is { } fs) world = world with { FaultSeed = Whole(fs) };
        return world;
    }

    /// <summary><c>redirects:</c> — HTTP 302 rules: { computer, endpoint, actions, location, count }.</summary>
    private List<Server.Endpoint.RedirectRule> ReadRedirects(YamlNode node)
    {
        var result = new List<Server.Endpoint.RedirectRule>();
        foreach (var item in Sequence(node, "'redirects:' is a list of { computer, endpoint, actions, location, count }").Children)
        {
            var map = Mapping(item, "a redirect is { computer, endpoint, actions, location, count }");
            CheckKeys(map, ["computer", "endpoint", "actions", "location", "count"]);
            var rule = new Server.Endpoint.RedirectRule { Location = Scalar(Required(map, "location")) };
            if (Get(map, "computer") is { } c) rule.Computer = Scalar(c);
            if (Get(map, "endpoint") is { } e) rule.Endpoint = Scalar(e);
            if (Get(map, "actions") is { } a) rule.Actions = a is YamlSequenceNode seq ? [.. seq.Children.Select(Scalar)] : [Scalar(a)];
            if (Get(map, "count") is { } n) rule.Count = Whole(n);
            result.Add(rule);
        }

        return result;
    }

    /// <summary><c>faults:</c> — injected faults: { kind, computer, action, skip, count, probability, delay, duration, status, fragment }.</summary>
    private List<Server.Endpoint.FaultRule> ReadFaults(YamlNode node)
    {
        var result = new List<Server.Endpoint.FaultRule>();
        foreach (var item in Sequence(node, "'faults:' is a list of { kind, computer, action, skip, count, probability, delay, duration, status, fragment }").Children)
        {
            var map = Mapping(item, "a fault is { kind, computer, action, skip, count, probability, delay, duration, status, fragment }");
            CheckKeys(map, ["kind", "computer", "action", "skip", "count", "probability", "delay", "duration", "status", "fragment"]);
            var kindNode = Required(map, "kind");
            var rule = new Server.Endpoint.FaultRule
            {
                Kind = Enum.TryParse<Server.Endpoint.InjectedFaultKind>(Scalar(kindNode), true, out var kind) && Enum.IsDefined(kind)
                    ? kind
                    : throw Error(kindNode, $"unknown fault kind '{Scalar(kindNode)}' (known: {string.Join(", ", Enum.GetNames<Server.Endpoint.InjectedFaultKind>())})"),
            };
            if (Get(map, "computer") is { } c) rule.Computer = Scalar(c);
            if (Get(map, "action") is { } a) rule.Action = Scalar(a);
            if (Get(map, "skip") is { } sk) rule.Skip = Whole(sk);
            if (Get(map, "count") is { } n) rule.Count = Whole(n);
            if (Get(map, "probability") is { } p) rule.Probability = Number(p);
            if (Get(map, "delay") is { } d) rule.Delay = Duration(d);
            if (Get(map, "duration") is { } du) rule.Duration = Duration(du);
            if (Get(map, "status") is { } st) rule.Status = Whole(st);
            if (Get(map, "fragment") is { } fr) rule.Fragment = Whole(fr);
            if (rule.Problem() is { } problem) throw Error(item, $"the fault cannot be used: {problem}");
            result.Add(rule);
        }

        return result;
    }

    private DocReference ReadDoc(YamlNode node)
    {
        var map = Mapping(node, "'doc:' is { file: NAME, example: N }");
        CheckKeys(map, ["file", "example"]);
        return new DocReference(Scalar(Required(map, "file")), Whole(Required(map, "example")));
    }

    private List<Divergence> ReadDivergences(YamlNode node)
    {
        var result = new List<Divergence>();
        foreach (var item in Sequence(node, "'divergences:' is a list of { id, text }").Children)
        {
            var map = Mapping(item, "a divergence is { id, text }");
            CheckKeys(map, ["id", "text"]);
            var id = Scalar(Required(map, "id"));
            if (result.Any(x => x.Id == id)) throw Error(item, $"divergence '{id}' appears twice");
            result.Add(new Divergence(id, Scalar(Required(map, "text")).Trim()));
        }

        return result;
    }

    private List<Normalisation> ReadNormalisations(YamlNode node)
    {
        var result = new List<Normalisation>();
        foreach (var item in Sequence(node, "'normalise:' is a list of { rule | replace, why }").Children)
        {
            var map = Mapping(item, "a normalisation is { rule: NAME, why: TEXT } or { replace: REGEX, with: TEXT, in: doc|run|both, why: TEXT }");
            CheckKeys(map, ["rule", "replace", "with", "in", "why"]);
            var why = Get(map, "why") is { } w ? Scalar(w) : throw Error(item, "every normalisation says why ('why:')");
            var target = Get(map, "in") is { } t
                ? Enum.TryParse<NormalisationTarget>(Scalar(t), true, out var parsed) ? parsed : throw Error(t, "'in:' is doc, run or both")
                : NormalisationTarget.Both;
            if (Get(map, "rule") is { } rule)
            {
                var name = Scalar(rule);
                if (!BuiltInRules.Contains(name)) throw Error(rule, $"unknown rule '{name}' (known: {string.Join(", ", BuiltInRules)})");
                result.Add(new Normalisation(name, null, string.Empty, target, why));
            }
            else if (Get(map, "replace") is { } replace)
            {
                var pattern = Scalar(replace);
                try
                {
                    _ = new Regex(pattern, RegexOptions.Multiline);
                }
                catch (ArgumentException e)
                {
                    throw Error(replace, $"bad regex: {e.Message}");
                }

                result.Add(new Normalisation(null, pattern, Get(map, "with") is { } with ? Scalar(with) : string.Empty, target, why));
            }
            else
            {
                throw Error(item, "a normalisation needs 'rule:' or 'replace:'");
            }
        }

        return result;
    }

    private List<Step> ReadSteps(YamlNode node, World world, List<Divergence> divergences)
    {
        var steps = new List<Step>();
        var host = "client";
        foreach (var item in Sequence(node, "'steps:' is a list").Children)
        {
            var map = Mapping(item, "a step is a mapping: run:, winrs:, replay:, restart:, advance: or inject:");
            var position = Position(item);
            var note = Get(map, "note") is { } n ? Scalar(n) : null;
            if (Get(map, "restart") is { } restart)
            {
                CheckKeys(map, ["restart", "note", "setup"]);
                steps.Add(new RestartStep { Position = position, Host = Scalar(restart), Note = note, Setup = Flag(map, "setup") });
            }
            else if (Get(map, "inject") is { } inject && Get(map, "run") is null)
            {
                CheckKeys(map, ["inject", "note", "setup"]);
                steps.Add(new InjectStep { Position = position, Faults = ReadFaults(inject), Note = note, Setup = Flag(map, "setup") });
            }
            else if (Get(map, "advance") is { } advance)
            {
                CheckKeys(map, ["advance", "note", "setup"]);
                steps.Add(new AdvanceStep { Position = position, By = Duration(advance), Note = note, Setup = Flag(map, "setup") });
            }
            else if (Get(map, "run") is { } run)
            {
                CheckKeys(map, RunKeys);
                if (Get(map, "host") is { } h) host = Scalar(h);
                int? docCommand = null, docOutput = null;
                var waived = false;
                if (Get(map, "doc") is { } doc)
                {
                    if (doc is YamlScalarNode)
                    {
                        docCommand = docOutput = Whole(doc);
                    }
                    else
                    {
                        var dm = Mapping(doc, "'doc:' is N (command N verbatim, output block N compared) or { command: N, output: N }");
                        CheckKeys(dm, ["command", "output"]);
                        if (Get(dm, "command") is { } c) docCommand = Whole(c);
                        if (Get(dm, "output") is { } o)
                        {
                            if (Scalar(o) == "none") waived = true;
                            else docOutput = Whole(o);
                        }
                    }
                }

                var ids = new List<string>();
                if (Get(map, "divergence") is { } dv)
                {
                    foreach (var idNode in dv is YamlSequenceNode seq ? seq.Children : [dv])
                    {
                        var id = Scalar(idNode);
                        if (divergences.All(x => x.Id != id)) throw Error(idNode, $"divergence '{id}' is not in the 'divergences:' list");
                        ids.Add(id);
                    }
                }

                steps.Add(new RunStep
                {
                    Position = position,
                    Host = host,
                    Script = Scalar(run).TrimEnd('\n', '\r'),
                    Note = note,
                    Setup = Flag(map, "setup"),
                    DocCommand = docCommand,
                    DocOutput = docOutput,
                    DocOutputWaived = waived && (Get(map, "divergence") is not null ? true : throw Error(map, "'output: none' needs a 'divergence:' that says why")),
                    Divergences = ids,
                    InterruptAfter = Get(map, "interruptAfter") is { } ia ? Duration(ia) : null,
                    Inject = Get(map, "inject") is { } inj ? ReadFaults(inj) : [],
                    InjectAfter = Get(map, "injectAfter") is { } iaf ? Duration(iaf) : null,
                    Type = Get(map, "type") is { } typed ? (typed is YamlSequenceNode lines ? [.. lines.Children.Select(Scalar)] : [Scalar(typed)]) : [],
                    Expect = Get(map, "expect") is { } e ? ReadExpectation(e) : new Expectation(),
                });
            }
            else if (Get(map, "winrs") is { } winrs)
            {
                if (Get(map, "host") is { } h) host = Scalar(h);
                steps.Add(ReadWinRs(map, winrs, position, note, host));
            }
            else if (Get(map, "replay") is { } replay)
            {
                CheckKeys(map, ["replay", "computer", "compare-messages", "note", "setup"]);
                var file = Scalar(replay);
                if (file.Length == 0) throw Error(replay, "'replay:' needs a recording's path");
                steps.Add(new ReplayStep
                {
                    Position = position,
                    // Relative to the scenario file, as a reader of it sees the path.
                    File = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_file)) ?? ".", file)),
                    Computer = Get(map, "computer") is { } c ? Scalar(c) : null,
                    CompareMessages = Flag(map, "compare-messages"),
                    Note = note,
                    Setup = Flag(map, "setup"),
                });
            }
            else
            {
                throw Error(item, "a step needs 'run:', 'winrs:', 'replay:', 'restart:', 'advance:' or 'inject:'");
            }
        }

        _ = world;
        return steps;
    }

    private Expectation ReadExpectation(YamlNode node)
    {
        var map = Mapping(node, "'expect:' is a mapping (output, errors, text, contains, journal, maxElapsed)");
        CheckKeys(map, ExpectKeys);
        var expectation = new Expectation();
        if (Get(map, "output") is { } output)
        {
            var items = new List<ExpectedObject>();
            foreach (var o in Sequence(output, "'output:' is a list (text or { property: value })").Children)
            {
                if (o is YamlMappingNode props)
                {
                    // '$text' is the object's text; other keys are property names.
                    var ownText = props.Children.Where(p => Scalar(p.Key) == "$text").Select(p => Scalar(p.Value)).FirstOrDefault();
                    items.Add(new ExpectedObject(ownText, props.Children.Where(p => Scalar(p.Key) != "$text")
                        .ToDictionary(p => Scalar(p.Key), p => Scalar(p.Value), StringComparer.OrdinalIgnoreCase)));
                }
                else
                {
                    items.Add(new ExpectedObject(Scalar(o), null));
                }
            }

            expectation = expectation with { Output = items };
        }

        if (Get(map, "errors") is { } errors) expectation = expectation with { Errors = [.. Sequence(errors, "'errors:' is a list of FullyQualifiedErrorIds").Children.Select(Scalar)] };
        if (Get(map, "text") is { } text) expectation = expectation with { Text = Scalar(text) };
        if (Get(map, "contains") is { } contains)
        {
            expectation = expectation with { Contains = contains is YamlSequenceNode s ? [.. s.Children.Select(Scalar)] : [Scalar(contains)] };
        }

        if (Get(map, "maxElapsed") is { } me) expectation = expectation with { MaxElapsed = Duration(me) };
        if (Get(map, "journal") is { } journal)
        {
            var facts = new List<JournalFact>();
            foreach (var f in Sequence(journal, "'journal:' is a list of { action, computer, fault, count | min }").Children)
            {
                var fm = Mapping(f, "a journal fact is { action, computer, fault, count | min }");
                CheckKeys(fm, ["action", "computer", "fault", "count", "min"]);
                facts.Add(new JournalFact(
                    Scalar(Required(fm, "action")),
                    Get(fm, "computer") is { } c ? Scalar(c) : null,
                    Get(fm, "count") is { } n ? Whole(n) : null,
                    Get(fm, "min") is { } m ? Whole(m) : null,
                    Get(fm, "fault") is { } ft ? Scalar(ft) : null));
            }

            expectation = expectation with { Journal = facts };
        }

        return expectation;
    }

    /// <summary>A duration: <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>, combinations such as <c>1d2h</c>, or plain seconds.</summary>
    private TimeSpan Duration(YamlNode node)
    {
        var text = Scalar(node).Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain >= 0) return Bounded(node, plain);
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0) throw Error(node, $"'{text}' is not a duration (e.g. 30s, 15m, 2h, 1d, 1d2h)");
        double Part(string g) => match.Groups[g].Success ? double.Parse(match.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        return Bounded(node, (Part("d") * 86_400) + (Part("h") * 3_600) + (Part("m") * 60) + Part("s"));
    }

    // Durations and timeouts in a scenario stay far below what a TimeSpan holds (about 29,000 years).
    private const double MaxSeconds = 100L * 365 * 86_400;

    private TimeSpan Bounded(YamlNode node, double seconds) =>
        seconds <= MaxSeconds ? TimeSpan.FromSeconds(seconds) : throw Error(node, $"'{Scalar(node)}' is longer than 100 years");

    /// <summary>A number of seconds (not negative, at most 100 years).</summary>
    private TimeSpan Seconds(YamlNode node) => Bounded(node, Number(node));

    /// <summary>A whole number that is not negative (a count, an index, a seed, a status code).</summary>
    private int Whole(YamlNode node) =>
        int.TryParse(Scalar(node), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(node, $"'{Scalar(node)}' is not a whole number from 0 to {int.MaxValue}");

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$")]
    private static partial Regex DurationPattern();

    private double Number(YamlNode node) =>
        double.TryParse(Scalar(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : throw Error(node, $"'{Scalar(node)}' is not a number");

    private bool Flag(YamlMappingNode map, string key) =>
        Get(map, key) is { } node && (bool.TryParse(Scalar(node), out var value) ? value : throw Error(node, $"'{key}:' is true or false"));

    private string Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value ?? string.Empty : throw Error(node, "a single value is expected here");

    private YamlMappingNode Mapping(YamlNode node, string message) => node as YamlMappingNode ?? throw Error(node, message);

    private YamlSequenceNode Sequence(YamlNode node, string message) => node as YamlSequenceNode ?? throw Error(node, message);

    private static YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private YamlNode Required(YamlMappingNode map, string key) => Get(map, key) ?? throw Error(map, $"'{key}:' is missing");

    private void CheckKeys(YamlMappingNode map, string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !known.Contains(name)) throw Error(key, $"unknown key '{name}' (known here: {string.Join(", ", known)})");
        }
    }

    private SourcePosition Position(YamlNode node) => new(_file, node.Start.Line, node.Start.Column);

    private ScenarioFormatException Error(YamlNode node, string message) => new($"{Position(node)}: {message}");
}
