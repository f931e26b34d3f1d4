using System.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Testing;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>The built module imported into real pwsh 7.6.9 (the dotnet tool), against an emulator over HTTP.</summary>
public class RealPwshInteropTests
{
    private const string PwshVersion = "7.6.9";

    [Test]
    [CancelAfter(120_000)]
    public async Task Real_pwsh_imports_the_module_and_runs_a_command_on_a_named_computer(CancellationToken cancellationToken)
    {
        var pwsh = await EnsurePwshAsync(cancellationToken);
        await using var emulator = await EmulatorInstance.StartAsync(options => options.ComputerName = "Server01");
        try
        {
            var script = "$PSStyle.OutputRendering = 'PlainText'; " +
                $"Import-Module '{ModuleManifestPath()}'; " +
                "$s = New-PSSession -ComputerName Server01 -Name Interop; " +
                "Invoke-Command -Session $s { 'hello' }; " +
                // Remote Write-Host shows on pwsh's own console host (stdout here), the -NoNewline text run on.
                "Invoke-Command -Session $s { Write-Host 'shown' -NoNewline -ForegroundColor Green; Write-Host ' here' }; " +
                // A remote warning shows once, through the host call pwsh's console host runs (its record only fills -WarningVariable).
                "Invoke-Command -Session $s { Write-Warning 'careful' } -WarningVariable wv; \"kept $($wv.Count)\"; " +
                // A remote prompt runs on pwsh's console host, which refuses it under -NonInteractive: its error goes back.
                "Invoke-Command -Session $s { try { Read-Host 'Name' } catch { 'caught: ' + $_.Exception.Message } }; " +
                // A job's host calls run on pwsh's console host when Receive-Job reads them, in order with its output.
                "$j = Invoke-Command -Session $s { $Host.UI.WriteLine('from the job'); Write-Warning 'job warning'; 'job output' } -AsJob; $null = Wait-Job $j; Receive-Job $j; " +
                "(Get-Command Invoke-Command).Source; " +
                "Remove-PSSession $s";
            var start = new ProcessStartInfo(pwsh, ["-NoProfile", "-NonInteractive", "-Command", script])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PSRPEMU_HOSTS"] = $"Server01={emulator.WsManUri.Host}:{emulator.WsManUri.Port}";
            start.Environment["PSRPEMU_USER"] = "psrp";
            start.Environment["PSRPEMU_PASSWORD"] = "psrp";
            start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            TestContext.Out.WriteLine(await stdout);
            TestContext.Out.WriteLine(await stderr);

            var lines = (await stdout).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Is.EqualTo(new[] { "hello", "shown here", "WARNING: careful", "kept 1", "caught: PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
                "from the job", "WARNING: job warning", "job output", "PsrpEmulator.PowerShell" }), await stderr);
            Assert.That(process.ExitCode, Is.Zero);
            Assert.That(emulator.Journal.Snapshot().First(e => e.Action == "Create").Computer, Is.EqualTo("Server01"));
        }
        finally
        {
            emulator.WriteJournalIfFailed();
        }
    }

    /// <summary>The module as built for this configuration (src/PsrpEmulator.PowerShell/bin/...), else the copy beside the tests.</summary>
    private static string ModuleManifestPath()
    {
        var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testDir);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testDir)!);
        for (var dir = new DirectoryInfo(testDir); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "PsrpEmulator.sln"))) continue;
            var built = Path.Combine(dir.FullName, "src", "PsrpEmulator.PowerShell", "bin", configuration, framework, "PsrpEmulator.PowerShell.psd1");
            if (File.Exists(built)) return built;
            break;
        }

        return Path.Combine(testDir, "PsrpEmulator.PowerShell.psd1");
    }

    /// <summary>pwsh from a cache folder, installed there as the dotnet tool when absent; Ignore when it cannot be installed.</summary>
    private static async Task<string> EnsurePwshAsync(CancellationToken cancellationToken)
    {
        var toolPath = Environment.GetEnvironmentVariable("PSRPEMU_PWSH_TOOL_PATH") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "psrpemu-pwsh-" + PwshVersion);
        var pwsh = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        if (File.Exists(pwsh)) return pwsh;

        var install = new ProcessStartInfo("dotnet", ["tool", "install", "PowerShell", "--version", PwshVersion, "--tool-path", toolPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(install)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0 || !File.Exists(pwsh))
            {
                Assert.Ignore($"Could not install PowerShell {PwshVersion} as a dotnet tool: {await output} {await error}");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Ignore($"Could not run dotnet to install PowerShell {PwshVersion}: {e.Message}");
        }

        return pwsh;
    }
}
