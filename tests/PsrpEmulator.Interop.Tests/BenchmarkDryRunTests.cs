using System.Diagnostics;
using BenchmarkDotNet.Loggers;
using PsrpEmulator.Benchmarks;

namespace PsrpEmulator.Interop.Tests;

/// <summary>
/// CI's only benchmark job: every benchmark and harness measurement runs once with BenchmarkDotNet's dry job,
/// in process, to prove the harness works. Timings are never asserted.
/// </summary>
public sealed class BenchmarkDryRunTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task The_whole_suite_runs_in_dry_mode()
    {
        Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
        var artifacts = Path.Combine(Path.GetTempPath(), "psrpemu-bdn-dry-" + Guid.NewGuid().ToString("N"));
        var sw = Stopwatch.StartNew();
        try
        {
            var figures = await Runner.RunAsync(RunMode.Dry, only: null, NullLogger.Instance, artifacts);
            var table = Runner.Format(RunMode.Dry, figures);
            await TestContext.Out.WriteLineAsync(table);
            await TestContext.Out.WriteLineAsync($"dry run took {sw.Elapsed.TotalSeconds:F1} s");

            Assert.That(figures.Select(f => f.Group).Distinct(), Is.SupersetOf(new[]
            {
                "1 CLIXML", "2 Fragments", "2 Envelopes", "3 Receive throughput", "4 Round trips", "5 Scale", "6 Growth", "7 Scenario suite",
            }));
            Assert.That(table, Does.Contain("CPU:").And.Contain(".NET"));
            // Benchmark 7 ran psrp-emulator in a process of its own, and the scenario it timed passed.
            var suite = figures.Single(f => f.Group == "7 Scenario suite");
            Assert.That(suite.Note, Does.StartWith("1 scenarios, ").And.Not.Contain("FAILED"));
        }
        finally
        {
            if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        }
    }
}
