using System.Diagnostics;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>
/// A client command that sleeps in real time while nothing else happens is not waiting for the virtual clock: the
/// runner must not move the clock meanwhile. PowerShell does sleep so in one place a scenario meets: its first module
/// auto-discovery reads the module analysis cache and, when there is no cache file, retries three times 25 ms apart.
/// On Linux the Registry view's `Sort` is such a lookup, so a remote RegistryKey formatted by a fresh client process
/// used to move the clock 30 s (to the emulator's next heartbeat) in the middle of Invoke-Command. (Whether the runner
/// looks during those 75 ms is a race: without the fix the test failed in most runs, not in all.)
/// </summary>
public sealed class RealTimeWaitTests
{
    [Test]
    public async Task A_remote_registry_key_formatted_by_a_fresh_client_process_moves_no_virtual_time()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"psrpemu-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "registry-key.yaml");
            await File.WriteAllTextAsync(file, """
                name: A RegistryKey formatted on the client
                world:
                  computers: [Server01]
                steps:
                  - run: Invoke-Command -ComputerName Server01 { Get-Item 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' }
                    expect: { errors: [], contains: [ CurrentVersion ], maxElapsed: 0s }
                """);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(CliOptionErrorTests.Cli());
            start.ArgumentList.Add("run");
            start.ArgumentList.Add(file);
            // No cache file (as on a fresh machine): the case in which PowerShell sleeps.
            start.Environment["PSModuleAnalysisCachePath"] = Path.Combine(folder, "ModuleAnalysisCache");
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            var text = await output + await error;
            Assert.That(process.ExitCode, Is.Zero, text);
            Assert.That(text, Does.Contain("1 passed, 0 failed"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
