using System.Diagnostics;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>
/// `psrp-emulator serve` with options it cannot use stops at once with one line saying why and exit code 2: no stack
/// trace, whatever the mistake (a value of the wrong type, a value out of range, a settings file missing or not JSON).
/// </summary>
public sealed class CliOptionErrorTests
{
    /// <summary>The CLI's dll (the tests are ignored when it is not built).</summary>
    internal static string Cli()
    {
        // The CLI built beside this test project, in the same configuration (the solution build makes both).
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(ScenarioFileTests.RepositoryRoot, "src", "PsrpEmulator.Cli", "bin", configuration, "net10.0", "psrp-emulator.dll");
        if (!File.Exists(path)) Assert.Ignore($"{path} is not built (build the solution)");
        return path;
    }

    private static Task<(int ExitCode, string Error)> ServeAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ServeOnAsync("http://127.0.0.1:0", environment, arguments);

    private static async Task<(int ExitCode, string Error)> ServeOnAsync(string url, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Cli());
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the emulator started instead of refusing its options: " + await output);
        }

        return (process.ExitCode, await error + await output);
    }

    [TestCase("PSRPEMU_IdleTimeout", "abc", "'IdleTimeout'")]
    [TestCase("PSRPEMU_MaxEnvelopeSizeKb", "1e9", "'MaxEnvelopeSizeKb'")]
    [TestCase("PSRPEMU_MaxReceiveHold", "99999999.00:00:00", "'MaxReceiveHold'")]
    [TestCase("PSRPEMU_MaxEnvelopeSizeKb", "-5", "MaxEnvelopeSizeKb must be between 32 and 8192")]
    public async Task An_option_value_the_emulator_cannot_use_stops_it_with_one_line_and_exit_code_2(string variable, string value, string says)
    {
        var (exitCode, error) = await ServeAsync(new Dictionary<string, string> { [variable] = value });

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.Trim(), Does.StartWith("psrp-emulator: invalid options: ").And.Contain(says));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    /// <summary>Kestrel's own complaints about an address come as unhandled exceptions when it binds: checked first.</summary>
    [TestCase("notaurl", "'notaurl' is not an address to listen on")]
    [TestCase("http://127.0.0.1:99999", "the port must be 0 to 65535")]
    [TestCase("http://127.0.0.1:0/wsman", "has no path")]
    [TestCase("ftp://127.0.0.1:0", "the scheme must be http or https")]
    public async Task An_address_kestrel_cannot_listen_on_stops_the_emulator_with_one_line_and_exit_code_2(string url, string says)
    {
        var (exitCode, error) = await ServeOnAsync(url, new Dictionary<string, string>());

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.Trim(), Does.StartWith("psrp-emulator: invalid options: ").And.Contain(says));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_port_in_use_stops_the_emulator_with_one_line_and_exit_code_1(bool world)
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)holder.LocalEndpoint).Port}";
        string[] arguments = world ? ["--world", Path.Combine(ScenarioFileTests.RepositoryRoot, "scenarios", "receive-pssession", "example-1.yaml")] : [];

        var (exitCode, error) = await ServeOnAsync(url, new Dictionary<string, string>(), arguments);

        Assert.That(exitCode, Is.EqualTo(1), error);
        Assert.That(error.Trim(), Does.StartWith($"psrp-emulator: cannot listen: Failed to bind to address {url}").And.Contain("address already in use"));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    [TestCase("{ \"PsrpEmulator\": { \"IdleTimeout\": ", "Failed to load configuration from file")]
    [TestCase(null, "was not found")]
    public async Task A_settings_file_missing_or_not_json_stops_the_emulator_with_one_line_and_exit_code_2(string? content, string says)
    {
        var file = Path.Combine(Path.GetTempPath(), $"psrpemu-{Guid.NewGuid():N}.json");
        if (content is not null) await File.WriteAllTextAsync(file, content);
        try
        {
            var (exitCode, error) = await ServeAsync(new Dictionary<string, string>(), "--config", file);

            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(error.Trim(), Does.StartWith("psrp-emulator: invalid options: ").And.Contain(says));
            Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A record file that is a folder, in a missing folder, or cannot be created is refused before the emulator listens.</summary>
    [TestCase("folder", "psrp-emulator: invalid options: ", "is a folder")]
    [TestCase("missing", "psrp-emulator: invalid options: ", "does not exist")]
    [TestCase("proc", "psrp-emulator: Cannot write the record file", "/proc/")]
    public async Task A_record_file_that_cannot_be_written_stops_the_emulator_with_one_line_and_exit_code_2(string kind, string starts, string says)
    {
        if (kind == "proc" && !Directory.Exists("/proc/self")) Assert.Ignore("needs Linux's /proc, where no file can be created");
        var path = kind switch
        {
            "folder" => Path.GetTempPath(),
            "missing" => Path.Combine(Path.GetTempPath(), $"psrpemu-{Guid.NewGuid():N}", "traffic.yml"),
            _ => "/proc/psrpemu-traffic.yml",
        };

        var (exitCode, error) = await ServeAsync(new Dictionary<string, string>(), "--record", path);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.Trim(), Does.StartWith(starts).And.Contain(says));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    private static async Task<(int ExitCode, string Text)> RunCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Cli());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return (process.ExitCode, await error + await output);
    }

    [Test]
    public async Task Scrub_recording_numbers_a_recordings_GUIDs_in_place_and_a_missing_file_is_one_line_and_exit_code_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"psrpemu-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, "messages:\n# 0 Delete (SERVER01)\n- request: \"<s:Envelope><w:Selector Name=\\\"ShellId\\\">9C1F2E3D-4B5A-4978-8695-A4B3C2D1E0F9</w:Selector></s:Envelope>\"\n" +
            "  response: \"<s:Envelope><a:RelatesTo>uuid:9c1f2e3d-4b5a-4978-8695-a4b3c2d1e0f9</a:RelatesTo></s:Envelope>\"\n");
        try
        {
            var (exitCode, text) = await RunCliAsync("scrub-recording", file);

            Assert.That(exitCode, Is.EqualTo(0), text);
            var scrubbed = await File.ReadAllTextAsync(file);
            Assert.That(scrubbed, Does.Contain("00000000-0000-4000-8000-000000000001<").And.Contain("uuid:00000000-0000-4000-8000-000000000001<").And.Not.Contain("9C1F2E3D"));
            Assert.That(scrubbed, Does.StartWith("messages:\n# 0 Delete (SERVER01)\n"));
        }
        finally
        {
            File.Delete(file);
        }

        var (missingExit, missing) = await RunCliAsync("scrub-recording", file);
        Assert.That(missingExit, Is.EqualTo(2));
        Assert.That(missing.Trim(), Does.StartWith("psrp-emulator: " + file).And.Not.Contain("   at "));

        // pypsrp's own layout (plain scalars) is not rewritten: said, not silently left as it was.
        await File.WriteAllTextAsync(file, "messages:\n- request: <s:Envelope>9C1F2E3D-4B5A-4978-8695-A4B3C2D1E0F9</s:Envelope>\n  response: <s:Envelope/>\n");
        try
        {
            var (plainExit, plain) = await RunCliAsync("scrub-recording", file);
            Assert.That(plainExit, Is.EqualTo(2));
            Assert.That(plain.Trim(), Does.EndWith("nothing scrubbed."));
            Assert.That(await File.ReadAllTextAsync(file), Does.Contain("9C1F2E3D"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// <c>psrp-emulator replay</c> against a running emulator: a repository fixture replays with no difference (exit
    /// 0), one made for another emulator set-up reports its differences (exit 1), a file that is no recording is one
    /// line and exit code 2.
    /// </summary>
    [Test]
    public async Task Replay_reports_a_recordings_differences_with_its_exit_code()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Cli(), "serve", "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(argument);
        start.Environment["PSRPEMU_SeparateRunspacePoolState"] = "false";
        using var serve = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            while ((line = await serve.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("psrp-emulator listening on ", StringComparison.Ordinal))
            {
            }

            Assert.That(line, Is.Not.Null, "the emulator did not start");
            var uri = line!["psrp-emulator listening on ".Length..];
            var fixtures = Path.Combine(ScenarioFileTests.RepositoryRoot, "fixtures", "third-party-clients");

            // Ruby's cmd shell never opens a pool: the same answers whatever SeparateRunspacePoolState says.
            var (same, sameText) = await RunCliAsync("replay", Path.Combine(fixtures, "ruby-winrm", "cmd_shell.yml"), "--uri", uri);
            Assert.That((same, sameText.Trim()), Is.EqualTo((0, "cmd_shell.yml: 14 of 14 requests replayed, 0 with differences.")));

            // pypsrp's pool was recorded with the pool's state in a Receive of its own.
            var (differs, differsText) = await RunCliAsync("replay", Path.Combine(fixtures, "pypsrp", "pool_streams.yml"), "--uri", uri, "--compare-messages");
            Assert.That(differs, Is.EqualTo(1), differsText);
            Assert.That(differsText, Does.Contain("#1 Receive: psrp messages").And.Contain("#1 Receive: value message #2:").And.Contain("pool_streams.yml: 8 of 8 requests replayed"));

            // What the user expects to differ is left out (a kind, or kind:subject).
            var (_, ignoredText) = await RunCliAsync("replay", Path.Combine(fixtures, "pypsrp", "pool_streams.yml"), "--uri", uri, "--compare-messages",
                "--ignore", "psrp messages", "--ignore", "value:message #2");
            Assert.That(ignoredText, Does.Not.Contain(": psrp messages ").And.Not.Contain("value message #2:").And.Contain("pool_streams.yml: 8 of 8 requests replayed"));

            var (notRecording, notText) = await RunCliAsync("replay", Path.Combine(ScenarioFileTests.RepositoryRoot, "README.md"), "--uri", uri);
            Assert.That(notRecording, Is.EqualTo(2));
            Assert.That(notText.Trim(), Does.StartWith("psrp-emulator: README.md is not").And.Not.Contain("   at "));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    /// <summary>A script may start with @ (<c>@(1, 2).Count</c>): it is the --command's value, never a response file.</summary>
    [Test]
    public async Task A_command_starting_with_an_at_sign_is_sent_as_the_script_not_read_as_a_response_file()
    {
        var (_, text) = await RunCliAsync("invoke", "--uri", "http://127.0.0.1:9/wsman", "--command", "@(1, 2).Count");

        Assert.That(text, Does.Not.Contain("Response file"));
        Assert.That(text, Does.Contain("127.0.0.1:9"), "it tried to send the script (nothing listens on port 9)");
    }

    [Test]
    public async Task Serving_on_every_interface_warns_that_other_machines_can_reach_the_emulator()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Cli(), "serve", "--urls", "http://0.0.0.0:0" }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var warning = await process.StandardError.ReadLineAsync(timeout.Token);

            Assert.That(warning, Does.Match(@"^psrp-emulator: warning: http://0\.0\.0\.0:\d+/ is reachable from other machines, not only from this one\.$"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
