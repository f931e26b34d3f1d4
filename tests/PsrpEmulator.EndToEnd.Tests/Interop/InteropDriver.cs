using System.Diagnostics;
using System.Text.Json;

namespace PsrpEmulator.EndToEnd.Tests.Interop;

/// <summary>
/// Runs a third-party client's driver (pywinrm, Go, Node) as a process: its stdout is one JSON result. Shared by the
/// interop tests so that each states only its client's command line.
/// </summary>
internal static class InteropDriver
{
    /// <summary>Runs <paramref name="start"/> (its streams redirected here), writing <paramref name="stdin"/> to it first, if any.</summary>
    /// <param name="client">The client's name, for the log and the failure messages.</param>
    /// <param name="call">What was asked of it, for the log.</param>
    public static async Task<JsonElement> RunAsync(ProcessStartInfo start, string client, string call, string? stdin = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true; // closed at once without input: a driver never waits on the test's stdin
        start.UseShellExecute = false;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{client}'s driver did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{client} did not finish within 60 s; stderr: " + await stderr);
        }

        var output = await stdout;
        TestContext.Out.WriteLine($"{client} {call} -> {(output.Length > 2000 ? output[..2000] + "..." : output)}");
        Assert.That(process.ExitCode, Is.Zero, () => $"{client}'s driver failed: " + stderr.Result);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>The program's path on PATH; null when it is not there.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
