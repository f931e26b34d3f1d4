using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PsrpEmulator.Benchmarks.Harness;

/// <summary>
/// Benchmark 7: the wall time of <c>psrp-emulator run scenarios/</c>, as a user runs it: the CLI's build output (its
/// runtime settings and precompiled code included) in a process of its own, from start to exit.
/// </summary>
public static partial class ScenarioSuite
{
    public sealed record Run(double WallSeconds, int Scenarios, int ScenariosFailed, int Steps, int StepsFailed, int ExitCode);

    /// <summary>Runs the CLI on <paramref name="paths"/> (relative to the repository root) <paramref name="runs"/> times.</summary>
    public static async Task<IReadOnlyList<Run>> RunAsync(IReadOnlyList<string> paths, int runs, CancellationToken cancellationToken = default)
    {
        var (root, cli) = Locate();
        var results = new List<Run>(runs);
        for (var i = 0; i < runs; i++) results.Add(await RunOnceAsync(root, cli, paths, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private static async Task<Run> RunOnceAsync(string root, string cli, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        start.ArgumentList.Add("run");
        foreach (var path in paths) start.ArgumentList.Add(path);
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var wall = watch.Elapsed.TotalSeconds;
        var text = await output.ConfigureAwait(false);
        _ = await errors.ConfigureAwait(false);
        // The runner's last line: "55 scenario(s): 55 passed, 0 failed; 321 step(s) run, 0 failed; 12.62 s".
        var summary = Summary().Match(text);
        if (!summary.Success) throw new InvalidOperationException($"psrp-emulator run printed no summary (exit code {process.ExitCode}):\n{text}");
        int N(string group) => int.Parse(summary.Groups[group].Value, CultureInfo.InvariantCulture);
        return new Run(wall, N("scenarios"), N("failed"), N("steps"), N("stepsFailed"), process.ExitCode);
    }

    [GeneratedRegex(@"(?<scenarios>\d+) scenario\(s\): \d+ passed, (?<failed>\d+) failed; (?<steps>\d+) step\(s\) run, (?<stepsFailed>\d+) failed")]
    private static partial Regex Summary();

    /// <summary>The repository root (the folder of PsrpEmulator.sln) and the CLI built in this harness's configuration.</summary>
    private static (string Root, string Cli) Locate()
    {
        var here = AppContext.BaseDirectory;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PsrpEmulator.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"PsrpEmulator.sln not found above {here}");
        // bin/<configuration>/net10.0/ of whichever project runs the harness.
        var configuration = new DirectoryInfo(here.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";
        var cli = Path.Combine(root.FullName, "src", "PsrpEmulator.Cli", "bin", configuration, "net10.0", "psrp-emulator.dll");
        if (!File.Exists(cli)) throw new InvalidOperationException($"{cli} not found: build src/PsrpEmulator.Cli -c {configuration} first");
        return (root.FullName, cli);
    }
}
