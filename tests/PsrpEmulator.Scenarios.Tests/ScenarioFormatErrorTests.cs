using PsrpEmulator.Scenarios;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>
/// Input that YamlDotNet or .NET refuse with exceptions of their own (found by MutatedScenarioFileTests) is a
/// scenario format error naming the file and the place, as every other mistake in a scenario is.
/// </summary>
public sealed class ScenarioFormatErrorTests
{
    private const string Minimal = """
        name: minimal
        world:
          computers: [Server01]
        steps:
          - run: "'x'"
        """;

    // YamlDotNet's scanner: InvalidOperationException ("Operation is not valid due to the current state of the object").
    [TestCase("      - output: [ \"Bug Report - Domain 01\", \"----------------------\",\nnormalise:")]
    // YamlDotNet's node loader: ArgumentException ("The current event is of an unsupported type").
    [TestCase(" :    journal:")]
    // An unclosed flow sequence: the scanner's InvalidOperationException again.
    [TestCase("name: x\nworld:\n  computers: [Server01\nsteps: []\n")]
    public void Yaml_the_reader_fails_on_is_a_scenario_format_error_with_its_place(string yaml)
    {
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioParser.Parse(yaml, "broken.yaml"));

        Assert.That(e!.Message, Does.Match(@"^broken\.yaml:\d+:\d+: The YAML could not be read here"));
        Assert.That(e.Message, Does.Not.Contain("Operation is not valid"), "the words of the exception YamlDotNet should not have thrown tell the author nothing");
        Assert.That(() => BehaviourCatalog.Parse(yaml, "broken.yaml"), Throws.InstanceOf<BehaviourLoadException>().With.Message.Contains("broken.yaml"));
    }

    [TestCase("operationTimeoutSeconds: 1e300", "'1e300' is longer than 100 years")]
    [TestCase("heartbeatSeconds: Infinity", "'Infinity' is longer than 100 years")]
    [TestCase("maxStepTime: 99999999999999999999d", "'99999999999999999999d' is longer than 100 years")]
    [TestCase("faultSeed: 1.5", "'1.5' is not a whole number")]
    [TestCase("faultSeed: 99999999999", "'99999999999' is not a whole number")]
    [TestCase("faults: [ { kind: HttpError, status: 99999 } ]", "the fault cannot be used: status 99999 is not an HTTP error status (400 to 599)")]
    [TestCase("faults: [ { kind: DropBeforeProcessing, probability: 2 } ]", "the fault cannot be used: probability 2 is not between 0 and 1")]
    public void A_number_out_of_range_in_the_world_is_a_scenario_format_error(string setting, string message)
    {
        var yaml = Minimal.Replace("  computers: [Server01]", "  computers: [Server01]\n  " + setting, StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioParser.Parse(yaml, "range.yaml"));

        Assert.That(e!.Message, Does.StartWith("range.yaml:").And.Contain(message));
    }

    [TestCase("  - replay: \"\"", "'replay:' needs a recording's path")]
    [TestCase("  - replay: x.yml\n    expect: { output: [] }", "expect")]
    public void A_replay_step_without_a_path_or_with_a_key_it_has_not_is_a_scenario_format_error(string step, string message)
    {
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioParser.Parse(Minimal + "\n" + step, "replay.yaml"));

        Assert.That(e!.Message, Does.StartWith("replay.yaml:").And.Contain(message));
    }

    /// <summary>A recording's path is taken relative to the scenario file, as a reader of the file sees it.</summary>
    [Test]
    public void A_replay_steps_path_is_relative_to_the_scenario_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scenarios", "mine");
        var scenario = ScenarioParser.Parse(Minimal + "\n  - replay: ../recordings/traffic.yml\n    compare-messages: true", Path.Combine(folder, "s.yaml"));

        var step = scenario.Steps.OfType<ReplayStep>().Single();
        Assert.That(step.File, Is.EqualTo(Path.GetFullPath(Path.Combine(Path.GetTempPath(), "scenarios", "recordings", "traffic.yml"))));
        Assert.That(step.CompareMessages, Is.True);
    }

    [Test]
    public void The_minimal_scenario_parses()
    {
        Assert.That(ScenarioParser.Parse(Minimal, "minimal.yaml").Name, Is.EqualTo("minimal"));
    }
}
