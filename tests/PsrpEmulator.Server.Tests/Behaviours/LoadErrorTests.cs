using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class LoadErrorTests
{
    private static BehaviourLoadException LoadError(string yaml)
    {
        var e = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse(yaml, "my-scenario.yaml"))!;
        Assert.That(e.SourceName, Is.EqualTo("my-scenario.yaml"));
        Assert.That(e.Message, Does.StartWith($"my-scenario.yaml, line {e.Line}, column {e.Column}: "));
        return e;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, string yaml, int line, string messagePart) =>
            new TestCaseData(yaml, line, messagePart).SetArgDisplayNames(name);

        yield return Case("unknown step", """
            behaviours:
              - match: x
                steps:
                  - output: fine
                  - outptu: typo
            """, 5, "unknown step 'outptu'; expected one of: output, error");
        yield return Case("a wrapped value without type names", """
            behaviours:
              - match: x
                steps:
                  - output: { $tostring: Running, $value: 4 }
            """, 4, "$value goes with '$type'");
        yield return Case("a wrapped value that is a list", """
            behaviours:
              - match: x
                steps:
                  - output: { $type: [My.Status, System.Enum], $value: [4] }
            """, 4, "$value is the primitive the object wraps");
        yield return Case("a service value without its facet", """
            behaviours:
              - match: x
                steps:
                  - output: { $service: { name: Spooler } }
            """, 4, "$service takes { name: <service>, <facet>:");
        yield return Case("a service facet that is none", """
            behaviours:
              - match: x
                steps:
                  - output: { $service: { name: Spooler, colour: Blue } }
            """, 4, "'colour' is no $service facet");
        yield return Case("a service control without the service's status", """
            behaviours:
              - match: x
                steps:
                  - output: { $service: { name: WinRM, canStop: true } }
            """, 4, "$service's canStop goes with the service's status");
        yield return Case("a service status beside a facet that is no control", """
            behaviours:
              - match: x
                steps:
                  - output: { $service: { name: WinRM, status: Running, started: true } }
            """, 4, "$service takes { name: <service>, <facet>:");
        yield return Case("a service status that is none", """
            behaviours:
              - match: x
                steps:
                  - output: { $service: { name: Spooler, status: Sleeping } }
            """, 4, "'Sleeping' is no service status");
        yield return Case("a last boot that is no date", """
            behaviours:
              - match: x
                steps:
                  - output: { $lastBootUpTime: yesterday }
            """, 4, "'yesterday' is no date: $lastBootUpTime takes a date");
        yield return Case("a last boot format .NET has not", """
            behaviours:
              - match: x
                steps:
                  - output: { $lastBootUpTime: { at: 2026-01-12, format: "%" } }
            """, 4, "'%' is not a date format .NET knows");
        yield return Case("host colour that is none", """
            behaviours:
              - match: x
                steps:
                  - host: { message: hi, foreground: Purple }
            """, 4, "host foreground is a console colour (Black, DarkBlue,");
        yield return Case("host no-newline that is not a boolean", """
            behaviours:
              - match: x
                steps:
                  - host: { message: hi, no-newline: maybe }
            """, 4, "host no-newline is true or false, not 'maybe'");
        yield return Case("host without a message", """
            behaviours:
              - match: x
                steps:
                  - host: { foreground: Red }
            """, 4, "host needs 'message:'");
        yield return Case("bad regex", """
            behaviours:
              - match: x
              - regex: 'Get-(?<name'
                steps: []
            """, 3, "invalid regular expression");
        yield return Case("unbalanced regex that would escape the anchors", """
            behaviours:
              - regex: 'a)|(b'
            """, 2, "invalid regular expression");
        yield return Case("missing match", """
            behaviours:
              - name: nothing to match
                steps: [ output: x ]
            """, 2, "a rule needs 'match:'");
        yield return Case("match and regex", """
            behaviours:
              - match: x
                regex: x
            """, 3, "either 'match:' or 'regex:'");
        yield return Case("unknown rule key", """
            behaviours:
              - match: x
                stpes: []
            """, 3, "unknown rule key 'stpes'");
        yield return Case("two kinds in one step", """
            behaviours:
              - match: x
                steps:
                  - output: a
                    sleep: 1
            """, 5, "a step does one thing");
        yield return Case("unknown placeholder", """
            behaviours:
              - regex: 'Get-(?<name>\w+)'
                steps:
                  - output: "{nmae}"
            """, 4, "'{nmae}' names no capture or loop variable");
        yield return Case("loop variable outside its loop", """
            behaviours:
              - match: x
                steps:
                  - loop: { from: 1, to: 2, var: i, steps: [] }
                  - output: "{i}"
            """, 5, "'{i}' names no capture");
        yield return Case("state not last", """
            behaviours:
              - match: x
                steps:
                  - state: Failed
                  - output: late
            """, 4, "must be the last step");
        yield return Case("state inside a loop", """
            behaviours:
              - match: x
                steps:
                  - loop: { from: 1, to: 2, steps: [ state: Failed ] }
            """, 4, "'state:' ends a rule");
        yield return Case("unknown state", """
            behaviours:
              - match: x
                steps: [ state: Done ]
            """, 3, "state is Completed, Failed or Stopped, not 'Done'");
        yield return Case("reason without Failed", """
            behaviours:
              - match: x
                steps:
                  - state: Completed
                    reason: why
            """, 5, "'reason:' goes only with 'state: Failed'");
        yield return Case("unknown error category", """
            behaviours:
              - match: x
                steps:
                  - error: { message: m, category: Oops }
            """, 4, "'Oops' is not an ErrorCategory name");
        yield return Case("error without message", """
            behaviours:
              - match: x
                steps:
                  - error: { fqid: X }
            """, 4, "an error needs 'message:'");
        yield return Case("negative sleep", """
            behaviours:
              - match: x
                steps: [ sleep: -1 ]
            """, 3, "sleep takes a number of seconds");
        yield return Case("non-numeric loop bound", """
            behaviours:
              - match: x
                steps: [ loop: { from: one, to: 2, steps: [] } ]
            """, 3, "loop from is an integer or a capture");
        yield return Case("loop without steps", """
            behaviours:
              - match: x
                steps: [ loop: { from: 1, to: 2 } ]
            """, 3, "loop needs 'steps:'");
        yield return Case("unknown input mode", """
            behaviours:
              - match: x
                steps: [ input: swallow ]
            """, 3, "input: is 'echo' or {steps: [...]}");
        yield return Case("unsupported tag", """
            behaviours:
              - match: x
                steps: [ output: !!set 2001-12-14 ]
            """, 3, "unsupported tag 'tag:yaml.org,2002:set'; use !!str, !!int, !!float, !!bool, !!null, !!timestamp");
        yield return Case("unknown local tag", """
            behaviours:
              - match: x
                steps: [ output: !datetimeoffset 2001-12-14 ]
            """, 3, "unsupported tag '!datetimeoffset'");
        yield return Case("timestamp that is no date", """
            behaviours:
              - match: x
                steps: [ output: !!timestamp yesterday ]
            """, 3, "value 'yesterday' is not a date and time");
        yield return Case("timestamp in a culture's form", """
            behaviours:
              - match: x
                steps: [ output: !datetime 12/14/2001 ]
            """, 3, "value '12/14/2001' is not a date and time");
        yield return Case("byte out of range", """
            behaviours:
              - match: x
                steps: [ output: !byte 256 ]
            """, 3, "value '256' is not a Byte number");
        yield return Case("char of two characters", """
            behaviours:
              - match: x
                steps: [ output: !char AB ]
            """, 3, "value 'AB' is not a single character");
        yield return Case("tagged constant that does not convert", """
            behaviours:
              - match: x
                steps: [ output: !!int twelve ]
            """, 3, "not an integer");
        yield return Case("unknown special key", """
            behaviours:
              - match: x
                steps: [ output: { $typo: x } ]
            """, 3, "unknown special key '$typo'");
        yield return Case("duplicate property ignoring case", """
            behaviours:
              - match: x
                steps: [ output: { Name: a, name: b } ]
            """, 3, "property 'name' appears twice");
        yield return Case("YAML syntax error", """
            behaviours:
              - match: x
                steps: [ output: "unterminated ]
            """, 3, "");
        yield return Case("set without a value or a command", """
            behaviours:
              - regex: '\$(?<v>\w+) = 1'
                steps: [ set: { name: "{v}" } ]
            """, 3, "set takes 'value:'");
        yield return Case("set with both a value and a command", """
            behaviours:
              - match: x
                steps: [ set: { name: x, value: 1, command: "2" } ]
            """, 3, "one of them");
        yield return Case("receive-job key", """
            behaviours:
              - match: x
                steps: [ receive-job: { job: "$j" } ]
            """, 3, "unknown receive-job key 'job'; expected one of: variable, id, name, keep, wait, autoremove");
        yield return Case("start-job without command", """
            behaviours:
              - match: x
                steps: [ start-job: { name: J } ]
            """, 3, "start-job needs 'command:'");
        yield return Case("special value key with others", """
            behaviours:
              - match: x
                steps: [ output: { $variable: x, Other: 1 } ]
            """, 3, "unknown special key '$variable'");
        yield return Case("behaviours not a list", """
            behaviours:
              match: x
            """, 2, "'behaviours:' is a list");
        yield return Case("steps not a list", """
            behaviours:
              - match: x
                steps: { output: x }
            """, 3, "'steps:' is a list");
        yield return Case("bad progress percent", """
            behaviours:
              - match: x
                steps: [ progress: { activity: a, percent: half } ]
            """, 3, "progress percent is an integer");
    }

    [TestCaseSource(nameof(Cases))]
    public void Scenario_errors_name_the_file_and_line(string yaml, int line, string messagePart)
    {
        var e = LoadError(yaml);
        Assert.That(e.Line, Is.EqualTo(line), e.Message);
        Assert.That(e.Message, Does.Contain(messagePart));
    }

    [Test]
    public void Duplicate_yaml_keys_are_reported()
    {
        var e = LoadError("behaviours:\n  - match: x\n    match: y\n");
        Assert.That(e.Line, Is.GreaterThanOrEqualTo(2), e.Message);
    }

    [Test]
    public void LoadFile_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"psrpemu-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "behaviours:\n  - match: x\n    steps: [ bogus: 1 ]\n");
        try
        {
            var e = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.LoadFile(path))!;
            Assert.That(e.Message, Does.StartWith($"{path}, line 3, column "));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.That(Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.LoadFile(path))!.Message, Does.StartWith(path));
    }

    [TestCase("")]
    [TestCase("# only a comment\n")]
    [TestCase("behaviours:\n")]
    [TestCase("behaviours: []\n")]
    [TestCase("server: { port: 5985 }\n")]
    public void Scenario_without_rules_is_empty(string yaml) => Assert.That(BehaviourCatalog.Parse(yaml).Count, Is.Zero);

    [Test]
    public void Other_top_level_sections_are_left_alone_and_behaviors_is_accepted()
    {
        var catalog = BehaviourCatalog.Parse("server: { anything: [1, 2] }\nbehaviors:\n  - match: x\n");
        Assert.That(catalog.Count, Is.EqualTo(1));
    }

    [Test]
    public void Verbose_regex_with_comments_and_trailing_newline_loads()
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - regex: |
                  (?x)
                  Get-Thing   # the cmdlet
                  \s+ (?<n>\d+)   # a count
                steps: [ output: "{n}" ]
            """);
        Assert.That(catalog.Resolve(Behaviour.Script("get-thing  5")).ToString(), Does.StartWith("regex"));
    }
}
