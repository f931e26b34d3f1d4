using System.Diagnostics;
using PsrpEmulator.Scenarios;

namespace PsrpEmulator.Cli;

/// <summary><c>psrp-emulator run [PATH...]</c>: runs scenario files and folders, a line per step, a summary.</summary>
internal static class ScenarioCommands
{
    /// <summary>Scenario files under the given paths (*.yaml / *.yml, folders recursively, sorted).</summary>
    public static List<string> FindFiles(IEnumerable<string> paths, TextWriter error)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                error.WriteLine($"psrp-emulator: no such file or folder: {path}");
                files.Add(path);
            }
        }

        return files;
    }

    public static async Task<int> RunAsync(string[] paths, bool verbose, TextWriter output)
    {
        if (paths.Length == 0) paths = ["scenarios"];
        var files = FindFiles(paths, output);
        var watch = Stopwatch.StartNew();
        int passed = 0, failed = 0, steps = 0, stepsFailed = 0;
        var reporter = new ConsoleReporter(output, verbose);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            output.WriteLine($"[{i + 1}/{files.Count}] {file}");
            Scenario scenario;
            try
            {
                scenario = ScenarioParser.ParseFile(file);
            }
            catch (Exception e) when (e is ScenarioFormatException or IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"  FAIL  {e.Message}");
                failed++;
                continue;
            }

            var result = await ScenarioRunner.RunAsync(scenario, reporter);
            steps += result.Steps.Count;
            stepsFailed += result.Steps.Count(s => !s.Passed);
            if (result.Failure is not null) output.WriteLine($"  FAIL  {result.Failure}");
            var skipped = result.Steps.Count < scenario.Steps.Count ? $", {scenario.Steps.Count - result.Steps.Count} step(s) not run" : string.Empty;
            output.WriteLine($"  {(result.Passed ? "PASSED" : "FAILED")}  {scenario.Name} ({result.Steps.Count(s => s.Passed)}/{scenario.Steps.Count} steps{skipped}, " +
                             $"{result.DocChecks.Count(d => d.Passed == true)} doc checks passed, {result.RealElapsed.TotalSeconds:0.00} s)");
            if (result.Passed) passed++;
            else failed++;
        }

        output.WriteLine();
        output.WriteLine($"{files.Count} scenario(s): {passed} passed, {failed} failed; {steps} step(s) run, {stepsFailed} failed; {watch.Elapsed.TotalSeconds:0.00} s");
        return failed == 0 && files.Count > 0 ? 0 : 1;
    }

    /// <summary><c>serve --world FILE</c>: the scenario's world on real time, its setup steps run, then served until stopped.</summary>
    public static async Task<int> ServeWorldAsync(string file, string[] urls, string? recordFile, CancellationToken cancellationToken)
    {
        Scenario scenario;
        try
        {
            scenario = ScenarioParser.ParseFile(file);
        }
        catch (Exception e) when (e is ScenarioFormatException or IOException)
        {
            Console.Error.WriteLine($"psrp-emulator: {e.Message}");
            return 2;
        }

        ScenarioRunner started;
        try
        {
            started = await ScenarioRunner.StartAsync(scenario, urls, realTime: true,
                configure: recordFile is null ? null : options => options.RecordFile = Path.GetFullPath(recordFile));
        }
        catch (Exception e) when (StartFailure.Of(e) is var (line, exitCode))
        {
            Console.Error.WriteLine(line);
            return exitCode;
        }

        await using var runner = started;
        var results = await Task.Run(() => runner.RunSteps(new ConsoleReporter(Console.Out, verbose: true), setupOnly: true), cancellationToken);
        if (results.Any(r => !r.Passed))
        {
            Console.Error.WriteLine("psrp-emulator: a setup step failed");
            return 1;
        }

        var address = runner.Emulator.Urls.FirstOrDefault() ?? "http://127.0.0.1:5985";
        var bound = new Uri(address);
        Console.WriteLine($"psrp-emulator serving the world of {file} on {address}/wsman");
        Console.WriteLine($"  export PSRPEMU_HOSTS='{string.Join(";", scenario.World.Computers.Select(c => $"{c}={bound.Host}:{bound.Port}"))}'");
        Console.WriteLine($"  export PSRPEMU_USER='{scenario.World.UserOrDefault}' PSRPEMU_PASSWORD='{scenario.World.Users[scenario.World.UserOrDefault]}'");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private sealed class ConsoleReporter(TextWriter output, bool verbose) : IScenarioReporter
    {
        public void ScenarioStarting(Scenario scenario) => output.WriteLine($"  {scenario.Name}");

        public void StepFinished(Scenario scenario, int index, StepResult result)
        {
            var time = result.VirtualElapsed > TimeSpan.Zero ? $" [+{result.VirtualElapsed} virtual]" : string.Empty;
            output.WriteLine($"  {(result.Passed ? "pass" : "FAIL")}  {index + 1,2}. {result.Step.Describe()}{time}{(result.Interrupted ? " [network lost]" : string.Empty)}");
            if (!result.Passed && result.Failure is not null) output.WriteLine(Indent(result.Failure));
            if ((verbose || !result.Passed) && result.Text.Length > 0) output.WriteLine(Indent("printed:\n" + result.Text.TrimEnd()));
            if (verbose && result.Requests.Count > 0) output.WriteLine(Indent("requests:\n" + string.Join("\n", result.Requests)));
        }

        public void DocChecked(Scenario scenario, DocCheck check)
        {
            output.WriteLine($"  {check.Passed switch { true => "pass", false => "FAIL", null => "skip" }}  doc: {check.What}");
            if (check.Passed != true && check.Detail is not null) output.WriteLine(Indent(check.Detail));
        }

        private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "          " + l));
    }
}
