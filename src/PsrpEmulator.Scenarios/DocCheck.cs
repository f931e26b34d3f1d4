namespace PsrpEmulator.Scenarios;

/// <summary>
/// One comparison against the documentation: a verbatim command (the step's text is the page's command) or a
/// displayed output block (what the step printed equals what the page shows, after the scenario's normalisations).
/// <see cref="Passed"/> is null when the documentation file was not found.
/// </summary>
public sealed record DocCheck(string What, bool? Passed, string? Detail)
{
    /// <summary>Where the documentation is looked for: PSRPEMU_DOCS, then ../shared/docs beside the repository (found by walking up to PsrpEmulator.sln).</summary>
    public static IReadOnlyList<string> DefaultDocDirectories(string scenarioPath)
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("PSRPEMU_DOCS") is { Length: > 0 } env) dirs.Add(env);
        if (RepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(scenarioPath))) is { } root) dirs.Add(Path.Combine(root, "..", "shared", "docs"));
        return dirs;
    }

    /// <summary>The folder holding PsrpEmulator.sln, walking up from <paramref name="start"/>.</summary>
    public static string? RepositoryRoot(string? start)
    {
        for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "PsrpEmulator.sln"))) return dir;
        }

        return null;
    }

    public static string? FindDoc(Scenario scenario, IReadOnlyList<string>? directories)
    {
        if (scenario.Doc is null) return null;
        foreach (var dir in directories ?? DefaultDocDirectories(scenario.Path))
        {
            var path = Path.Combine(dir, scenario.Doc.File);
            if (File.Exists(path)) return Path.GetFullPath(path);
        }

        return null;
    }

    /// <summary>Compares a finished run with its documentation example (nothing when the scenario names none).</summary>
    public static IReadOnlyList<DocCheck> Run(Scenario scenario, IReadOnlyList<StepResult> results, IReadOnlyList<string>? directories)
    {
        if (scenario.Doc is not { } doc) return [];
        var path = FindDoc(scenario, directories);
        if (path is null) return [new DocCheck($"{doc.File} example {doc.Example}", null, $"{doc.File} not found (looked in {string.Join(", ", directories ?? DefaultDocDirectories(scenario.Path))})")];
        var example = DocExamples.Parse(File.ReadAllText(path)).FirstOrDefault(e => e.Number == doc.Example);
        if (example is null) return [new DocCheck($"{doc.File} example {doc.Example}", false, "the page has no such example")];

        var checks = new List<DocCheck>();
        var runs = results.Where(r => r.Step is RunStep).ToList();
        foreach (var block in example.Blocks)
        {
            var commandSteps = runs.Where(r => ((RunStep)r.Step).DocCommand == block.Number).ToList();
            var label = $"example {doc.Example} command {block.Number}";
            if (commandSteps.Count != 1)
            {
                checks.Add(new DocCheck($"{label} verbatim", false, $"{commandSteps.Count} steps claim to be this command (one must): {block.Command}"));
            }
            else
            {
                var step = (RunStep)commandSteps[0].Step;
                var same = DocExamples.CommandKey(step.Script) == DocExamples.CommandKey(block.Command);
                checks.Add(new DocCheck($"{label} verbatim", same, same ? null : $"{step.Position}: the step's text is not the page's:\n" + Normaliser.Diff(DocExamples.CommandKey(block.Command), DocExamples.CommandKey(step.Script))));
            }

            var outputSteps = runs.Where(r => ((RunStep)r.Step).DocOutput == block.Number).ToList();
            if (block.Output is null)
            {
                checks.Add(new DocCheck($"{label} output", true, "the page displays no output for this command; the scenario's own expectations check it"));
                continue;
            }

            var waiver = commandSteps.Select(r => (RunStep)r.Step).FirstOrDefault(s => s.DocOutputWaived);
            if (outputSteps.Count == 0 && waiver is not null)
            {
                checks.Add(new DocCheck($"{label} output", true, $"not compared: divergence {string.Join(", ", waiver.Divergences)}"));
                continue;
            }

            if (outputSteps.Count == 0)
            {
                checks.Add(new DocCheck($"{label} output", false, "no step is compared with this displayed output"));
                continue;
            }

            foreach (var result in outputSteps)
            {
                var expected = Normaliser.Apply(block.Output, scenario.Normalisations, NormalisationTarget.Doc);
                var actual = Normaliser.Apply(result.Text, scenario.Normalisations, NormalisationTarget.Run);
                var ok = expected == actual;
                checks.Add(new DocCheck($"{label} output ({result.Step.Position.Line}: {result.Step.Describe()})", ok, ok ? null : Normaliser.Diff(expected, actual)));
            }
        }

        var extra = runs.Select(r => (RunStep)r.Step).Where(s => (s.DocCommand ?? s.DocOutput) is { } n && n > example.Blocks.Count).ToList();
        foreach (var step in extra) checks.Add(new DocCheck($"{step.Position}", false, $"the page's example {doc.Example} has only {example.Blocks.Count} command(s)"));
        return checks;
    }
}
