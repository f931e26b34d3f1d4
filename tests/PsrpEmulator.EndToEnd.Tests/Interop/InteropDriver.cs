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
    /// <param name="retryWhy">
    /// Asked when the driver hangs, fails or reports an error: a known quirk of the client the emulator answered as
    /// Windows would (its text, for the log) gets the call run again, up to twice; null keeps the outcome (a hang or a
    /// failed driver fails the test, a reported error is the result).
    /// </param>
    public static async Task<JsonElement> RunAsync(ProcessStartInfo start, string client, string call, string? stdin = null, Func<string?>? retryWhy = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (result, problem) = await TryRunAsync(start, client, stdin);
            if (result is { } done && !done.TryGetProperty("error", out _)) return Logged(done, client, call);
            var why = attempt < 3 ? retryWhy?.Invoke() : null;
            if (why is null) return result is { } reported ? Logged(reported, client, call) : throw new AssertionException($"{client}: {problem}");
            TestContext.Out.WriteLine($"{client} {call}: {problem ?? result!.Value.GetRawText()}; {why}: running it once more");
        }
    }

    private static JsonElement Logged(JsonElement result, string client, string call)
    {
        var text = result.GetRawText();
        TestContext.Out.WriteLine($"{client} {call} -> {(text.Length > 2000 ? text[..2000] + "..." : text)}");
        return result;
    }

    // The driver's JSON result, or why there is none (it hung past 60 s, or exited with an error).
    private static async Task<(JsonElement? Result, string? Problem)> TryRunAsync(ProcessStartInfo start, string client, string? stdin)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true; // closed at once without input: a driver never waits on the test's stdin
        start.UseShellExecute = false;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{client}'s driver did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var stoppedReading = false;
        if (stdin is not null)
        {
            try
            {
                await process.StandardInput.WriteAsync(stdin);
            }
            catch (IOException)
            {
                // The driver stopped reading its input (it ended, on an error from its library): its result says why,
                // which the caller may know as a quirk to run again; a broken pipe here would hide it.
                stoppedReading = true;
            }
        }

        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Flushing what was left into the closed pipe: as above.
            stoppedReading = true;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (null, "the driver did not finish within 60 s; stderr: " + await stderr);
        }

        var output = await stdout;
        var leftInput = stoppedReading ? " (it exited before reading all of its input)" : string.Empty;
        if (process.ExitCode != 0) return (null, $"the driver failed (exit code {process.ExitCode}){leftInput}: " + await stderr);
        if (output.Length == 0) return (null, $"the driver wrote no result{leftInput}; stderr: " + await stderr);
        return (JsonDocument.Parse(output).RootElement.Clone(), null);
    }

    /// <summary>The program's path on PATH; null when it is not there.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
