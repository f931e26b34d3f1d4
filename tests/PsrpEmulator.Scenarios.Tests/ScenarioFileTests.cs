using System.Collections.Concurrent;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>Every scenario file under scenarios/ runs through the same engine as <c>psrp-emulator run</c>.</summary>
public class ScenarioFileTests
{
    private static readonly ConcurrentDictionary<string, Lazy<ScenarioResult>> s_results = new();

    /// <summary>The repository root: the folder holding PsrpEmulator.sln, above the test assembly.</summary>
    public static string RepositoryRoot =>
        DocCheck.RepositoryRoot(TestContext.CurrentContext.TestDirectory) ?? DocCheck.RepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("PsrpEmulator.sln not found above the test directory");

    public static IEnumerable<TestCaseData> ScenarioFiles()
    {
        var root = DocCheck.RepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("PsrpEmulator.sln not found");
        var folder = Path.Combine(root, "scenarios");
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            yield return new TestCaseData(relative).SetArgDisplayNames(relative);
        }
    }

    public static IEnumerable<TestCaseData> DocumentedScenarioFiles() =>
        ScenarioFiles().Where(t => File.ReadAllText(Path.Combine(DocCheck.RepositoryRoot(AppContext.BaseDirectory)!, (string)t.Arguments[0]!)).Contains("\ndoc:", StringComparison.Ordinal));

    /// <summary>Runs a scenario once per test run (the doc test reuses the run's printed text).</summary>
    internal static ScenarioResult Result(string relative) =>
        s_results.GetOrAdd(relative, r => new Lazy<ScenarioResult>(() =>
        {
            var scenario = ScenarioParser.ParseFile(Path.Combine(RepositoryRoot, r));
            return ScenarioRunner.RunAsync(scenario, new ProgressReporter()).GetAwaiter().GetResult();
        })).Value;

    [TestCaseSource(nameof(ScenarioFiles))]
    public void Every_step_of_the_scenario_passes(string file)
    {
        var result = Result(file);

        Assert.That(result.Failure, Is.Null);
        foreach (var step in result.Steps) TestContext.Out.WriteLine($"{(step.Passed ? "pass" : "FAIL")} {step.Step.Describe()}{(step.Failure is null ? "" : "\n" + step.Failure)}\n{step.Text}");
        Assert.That(result.Steps.Where(s => !s.Passed).Select(s => s.Failure), Is.Empty);
        Assert.That(result.Steps, Has.Count.EqualTo(result.Scenario.Steps.Count));
    }

    [TestCaseSource(nameof(DocumentedScenarioFiles))]
    public void What_the_run_printed_is_what_the_documentation_displays(string file)
    {
        var result = Result(file);
        var doc = DocCheck.FindDoc(result.Scenario, null);
        if (doc is null) Assert.Ignore($"{result.Scenario.Doc!.File} is not beside the repository (../shared/docs); the documentation comparison needs it");
        Assume.That(result.Steps.All(s => s.Passed) && result.Failure is null, "the scenario's steps failed (see the other test)");

        // Compare afresh from the page, not from the runner's own verdict.
        var checks = DocCheck.Run(result.Scenario, result.Steps, null);
        foreach (var check in checks) TestContext.Out.WriteLine($"{(check.Passed == true ? "pass" : "FAIL")} {check.What}{(check.Detail is null ? "" : "\n" + check.Detail)}");
        Assert.That(checks, Is.Not.Empty);
        Assert.That(checks.Where(c => c.Passed != true).Select(c => $"{c.What}\n{c.Detail}"), Is.Empty);
    }

    private sealed class ProgressReporter : IScenarioReporter
    {
        public void StepFinished(Scenario scenario, int index, StepResult result) =>
            TestContext.Progress.WriteLine($"{scenario.Path}: {(result.Passed ? "pass" : "FAIL")} {index + 1}. {result.Step.Describe()}");
    }
}
