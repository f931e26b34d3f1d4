using System.Text.RegularExpressions;
using PsrpEmulator.Server.Endpoint;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>The README's "Reproducing failures" table: one scenario snippet per fault kind, each one the parser accepts.</summary>
public partial class ReadmeFaultSnippetTests
{
    public static IEnumerable<TestCaseData> FaultKinds() =>
        Enum.GetValues<InjectedFaultKind>().Select(k => new TestCaseData(k).SetArgDisplayNames(k.ToString()));

    [TestCaseSource(nameof(FaultKinds))]
    public void The_readme_shows_a_scenario_snippet_for_the_fault_kind_that_parses_to_it(InjectedFaultKind kind)
    {
        var readme = File.ReadAllText(Path.Combine(ScenarioFileTests.RepositoryRoot, "README.md"));
        var snippets = SnippetRow().Matches(readme).Where(m => m.Groups["kind"].Value == kind.ToString()).Select(m => m.Groups["snippet"].Value).ToList();
        Assert.That(snippets, Has.Count.EqualTo(1), $"one snippet row for {kind}");

        var snippet = snippets[0];
        var yaml = snippet.StartsWith("faults:", StringComparison.Ordinal)
            ? $"name: t\nworld:\n  computers: [Server01]\n  {snippet}\nsteps:\n  - run: \"'x'\"\n"
            : $"name: t\nworld:\n  computers: [Server01]\nsteps:\n  {snippet}\n";
        var scenario = ScenarioParser.Parse(yaml, "README.md");

        var faults = scenario.World.Faults.Concat(scenario.Steps.OfType<InjectStep>().SelectMany(s => s.Faults)).ToList();
        Assert.That(faults.Select(f => f.Kind), Is.EqualTo(new[] { kind }));
        Assert.That(faults[0].Computer, Is.EqualTo("Server01"));
    }

    // | `Kind` | `faults: [ ... ]` or `- inject: [ ... ]` (remarks) |
    [GeneratedRegex(@"^\| `(?<kind>\w+)` \| `(?<snippet>(faults:|- inject:)[^`]*)`", RegexOptions.Multiline)]
    private static partial Regex SnippetRow();
}
