using System.Diagnostics;
using System.Text.Json;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Interop;

/// <summary>
/// github.com/masterzen/winrm (Debian's golang-github-masterzen-winrm-dev, the Go WinRM library Packer and Terraform
/// use; nobody here wrote it) against the emulator over HTTP: WinRS cmd shells with Basic auth and with NTLM (Azure's
/// go-ntlmssp, no message encryption), stdin, exit codes and its powershell.exe -EncodedCommand wrapper. A small
/// driver (<c>Interop/go/winrm_client.go</c>) is built once per test run; <c>.ci/run</c> installs Go and the library.
/// The tests report Ignored without them.
/// </summary>
[NonParallelizable]
[TestFixture("basic")]
[TestFixture("ntlm")]
public class GoWinrmInteropTests(string auth) : EmulatorTestBase
{
    /// <summary>Debian's GOPATH, where its golang-github-* packages put their sources.</summary>
    private const string GoPath = "/usr/share/gocode";

    private static readonly Lazy<(string? Driver, string? Problem)> Driver = new(Build);

    protected override string? ScenarioYaml => """
        cmd:
          - name: a tool writing both streams
            match: build.exe --all
            steps:
              - stdout: "compiling\r\n"
              - stderr: "warning: deprecated flag\r\n"
              - stdout: "done\r\n"
              - exit: 2
          - name: a long-running tool
            match: slow.exe
            steps:
              - stdout: "step 1\r\n"
              - sleep: 60
              - stdout: "step 2\r\n"
        files:
          - path: 'C:\Windows\Temp\packer-ps-env-vars-1.ps1'
            content: "$env:PACKER_BUILD_NAME=\"win2019\"; "
          - path: 'C:\Windows\Temp\script-1.ps1'
            content: "Write-Output \"Provisioning $env:PACKER_BUILD_NAME, progress $ProgressPreference\"\r\nexit 3\r\n"
        """;

    // A virtual clock: the tool's minute passes in steps while Receives time out (each held MaxReceiveHold, 3 s).
    protected override bool UseVirtualTime => true;

    [SetUp]
    public void RequireGoWinrm()
    {
        if (Driver.Value.Problem is { } problem) Assert.Ignore(problem);
    }

    [Test]
    public async Task Run_returns_stdout_and_exit_code_zero_and_closes_command_and_shell()
    {
        var result = await RunAsync("run", "echo hello world");

        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("hello world\r\n"));
        Assert.That(result.GetProperty("stderr").GetString(), Is.Empty);
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
        // The command is closed (Signal terminate) before the shell is deleted; a Receive may be repeated.
        var actions = journal.Where(e => e.HttpStatus == 200).Select(e => e.Action).Distinct();
        Assert.That(actions, Is.EqualTo(new[] { "Create", "Command", "Receive", "Signal", "Delete" }));
        Assert.That(journal.Any(e => e.Action == "(authenticating)"), Is.EqualTo(auth == "ntlm"));
    }

    /// <summary>
    /// masterzen/winrm goes on receiving after a Receive fault whose text names OperationTimeout (WinRM's w:TimedOut
    /// message); any other fault ends the command with an error.
    /// </summary>
    [Test]
    public async Task A_command_outlasting_several_receive_timeouts_is_received_to_its_end()
    {
        var run = RunAsync("run", "slow.exe");
        for (var i = 0; i < 2_000 && !run.IsCompleted; i++)
        {
            await Task.WhenAny(run, Task.Delay(5));
            if (!run.IsCompleted) Clock!.Advance(TimeSpan.FromSeconds(1));
        }

        var result = await run;

        Assert.That(result.TryGetProperty("error", out var error), Is.False, () => error.GetString() ?? string.Empty);
        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("step 1\r\nstep 2\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "Receive" && e.Fault == PsrpEmulator.Protocol.WsMan.WsManFaultReason.OperationTimedOut), Is.GreaterThanOrEqualTo(2));
    }

    /// <summary>Packer's powershell provisioner's execute_command, as its Go library sends it: the uploaded script's output and exit code.</summary>
    [Test]
    public async Task Packer_s_powershell_execute_command_runs_the_uploaded_script_with_its_variables()
    {
        var result = await RunAsync("run", "powershell -executionpolicy bypass \"& { if (Test-Path variable:global:ProgressPreference){set-variable -name variable:global:ProgressPreference -value 'SilentlyContinue'};" +
            ". c:/Windows/Temp/packer-ps-env-vars-1.ps1; &'c:/Windows/Temp/script-1.ps1'; exit $LastExitCode }\"");

        Assert.That(result.TryGetProperty("error", out var error), Is.False, () => error.GetString() ?? string.Empty);
        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("Provisioning win2019, progress SilentlyContinue\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
    }

    /// <summary>
    /// Packer's windows-restart: shutdown /r /t 0, then commands fail while the computer reboots (connections dropped)
    /// and work again once it is back, as the provisioner's retry loop expects.
    /// </summary>
    [Test]
    public async Task After_shutdown_r_commands_fail_until_the_computer_is_back()
    {
        var restart = await RunAsync("run", "shutdown /r /f /t 0 /c \"packer restart\"");
        Clock!.Advance(TimeSpan.FromSeconds(1));
        var during = await RunAsync("run", "echo during");
        Clock.Advance(TimeSpan.FromMinutes(2));
        var after = await RunAsync("run", "echo after");

        Assert.That(restart.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(during.TryGetProperty("error", out _), Is.True, "the rebooting computer answers nothing");
        Assert.That(after.GetProperty("stdout").GetString(), Is.EqualTo("after\r\n"));
        Assert.That(Emulator.Journal.Snapshot().Any(e => e.Action == "(outage)"), Is.True);
    }

    [Test]
    public async Task Run_returns_both_streams_and_the_scripted_exit_code()
    {
        var result = await RunAsync("run", "build.exe --all");

        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("compiling\r\ndone\r\n"));
        Assert.That(result.GetProperty("stderr").GetString(), Is.EqualTo("warning: deprecated flag\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Run_of_an_unknown_program_gets_cmd_exe_not_recognized_and_exit_code_9009()
    {
        var result = await RunAsync("run", "frobnicate /x");

        Assert.That(result.GetProperty("stdout").GetString(), Is.Empty);
        Assert.That(result.GetProperty("stderr").GetString(),
            Is.EqualTo("'frobnicate' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(9009), "cmd.exe's ERRORLEVEL for a command it cannot find");
    }

    [Test]
    public async Task Run_with_input_sends_stdin_with_its_end_and_more_echoes_it()
    {
        var result = await RunAsync("stdin", "more", "line 1\r\nline 2\r\n");

        // A failure seen once in a full local run (not reproduced since) lost the library's error: say it first.
        Assert.That(result.TryGetProperty("error", out var error), Is.False, () => $"{error.GetString()}; journal: {Journal()}");
        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("line 1\r\nline 2\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "Send" && e.HttpStatus == 200), Is.GreaterThanOrEqualTo(1));
    }

    /// <summary>Three times the emulator's stdin pipe (WinRsStdinBufferBytes, 1 MB): Sends wait for the program to read.</summary>
    [Test]
    public async Task Run_with_input_of_three_megabytes_passes_the_bounded_stdin_pipe_whole_and_in_order()
    {
        var input = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{i:D8} {new string('x', 89)}\r\n"));

        var result = await RunAsync("stdin", ["more", "-"], "psrp", stdin: input);

        Assert.That(result.TryGetProperty("error", out var error), Is.False, () => $"{error.GetString()}; journal: {Journal()}");
        var stdout = result.GetProperty("stdout").GetString()!;
        Assert.That(stdout, Has.Length.EqualTo(3_000_000));
        Assert.That(stdout == input, Is.True, "more echoes stdin byte for byte");
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "Send" && e.HttpStatus == 200), Is.GreaterThan(1));
    }

    [Test]
    public async Task Powershell_runs_an_encoded_script_with_output_on_stdout_and_errors_as_clixml_on_stderr()
    {
        var result = await RunAsync("ps", "'hello'; $env:COMPUTERNAME; Get-Frobnicator");

        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("hello\r\nSERVER01\r\n"));
        Assert.That(result.GetProperty("stderr").GetString(), Does.StartWith("#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">Get-Frobnicator : The term 'Get-Frobnicator' is not recognized"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(1), "powershell.exe exits 1 when $? is false after the last statement");
    }

    [Test]
    public async Task A_wrong_password_is_refused_with_401()
    {
        var result = await RunAsync("run", ["echo hi"], password: "wrong");

        Assert.That(result.GetProperty("error").GetString(), Does.StartWith("http response error: 401"));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.HttpStatus), Is.All.EqualTo(401));
    }

    [Test]
    public async Task With_allow_unencrypted_false_the_library_that_does_not_seal_is_refused()
    {
        await RestartEmulatorAsync(options => options.AllowUnencrypted = false);

        var result = await RunAsync("run", "echo hi");

        // Basic over HTTP is refused outright; NTLM gets through its handshake, then its plain body is refused.
        Assert.That(result.GetProperty("error").GetString(), Does.StartWith("http response error: 401"));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Create").Select(e => e.HttpStatus), Is.All.EqualTo(401));
    }

    [Test]
    public async Task Over_https_with_the_certificate_unchecked_as_packer_s_winrm_insecure_a_command_runs()
    {
        await using var https = await PsrpEmulator.Testing.EmulatorInstance.StartAsync(useHttps: true);

        var result = await RunAsync("run", ["echo over tls"], "psrp", https.WsManUri);

        Assert.That(result.GetProperty("stdout").GetString(), Is.EqualTo("over tls\r\n"));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(https.Journal.Snapshot().Where(e => e.HttpStatus == 200).Select(e => e.Action).First(), Is.EqualTo("Create"));
    }

    private Task<JsonElement> RunAsync(string kind, params string[] arguments) => RunAsync(kind, arguments, "psrp");

    private async Task<JsonElement> RunAsync(string kind, string[] arguments, string password, Uri? uri = null, string? stdin = null)
    {
        uri ??= Emulator.WsManUri;
        var start = new ProcessStartInfo(Driver.Value.Driver!);
        start.Environment["WINRM_HTTPS"] = uri.Scheme == Uri.UriSchemeHttps ? "1" : "0";
        start.ArgumentList.Add(uri.Host);
        start.ArgumentList.Add(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("psrp");
        start.ArgumentList.Add(password);
        start.ArgumentList.Add(auth);
        start.ArgumentList.Add(kind);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // go-ntlmssp sends each handshake leg as a request of its own on whatever pooled connection is free: while
        // RunWithInput's Receive is out, an AUTHENTICATE can go out on another connection than its NEGOTIATE, which
        // Windows (and the emulator) refuses with 401. RunWithInput then either reports that 401 (or the refusal's
        // Basic challenge read as base64) or, when the refused request was the stdin-closing Send, ignores it and waits
        // for ever: about once in 40 runs here. Such a refusal, journaled since the last look, is the one reason the
        // call is run again.
        var since = LastSequence();
        Func<string?>? retryWhy = auth == "ntlm" && kind == "stdin"
            ? () =>
            {
                var refused = Emulator.Journal.Snapshot().Any(e => e.Sequence > since && e.Refusal == "UnexpectedMessage");
                since = LastSequence();
                return refused ? "go-ntlmssp's AUTHENTICATE came on another connection than its NEGOTIATE (refused as by Windows)" : null;
            }
            : null;
        return await InteropDriver.RunAsync(start, "masterzen/winrm", $"{auth} {kind} {string.Join(' ', arguments)}", stdin, retryWhy);
    }

    private long LastSequence() => Emulator.Journal.Snapshot() is [.., var last] ? last.Sequence : 0;

    private string Journal() => string.Join("\n", Emulator.Journal.Snapshot());

    // Builds the driver in GOPATH mode against Debian's packaged sources (no module download), once per test run.
    private static (string? Driver, string? Problem) Build()
    {
        var go = InteropDriver.FindOnPath("go");
        if (go is null) return (null, "go is not on PATH: apt-get install golang-go golang-github-masterzen-winrm-dev to run the Go WinRM interop tests (.ci/run does).");
        if (!File.Exists(Path.Combine(GoPath, "src", "github.com", "masterzen", "winrm", "client.go")))
        {
            return (null, "github.com/masterzen/winrm is not in " + GoPath + ": apt-get install golang-github-masterzen-winrm-dev (.ci/run does).");
        }

        // A folder of this test run's own (the driver is 9 MB), removed when the run ends.
        var folder = Path.Combine(Path.GetTempPath(), $"psrp-emulator-go-{Environment.ProcessId}");
        var output = Path.Combine(folder, "winrm_client");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var start = new ProcessStartInfo(go) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "build", "-o", output, Path.Combine(AppContext.BaseDirectory, "Interop", "go", "winrm_client.go") }) start.ArgumentList.Add(argument);
        start.Environment["GOPATH"] = GoPath;
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOFLAGS"] = string.Empty;
        start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "psrp-emulator-go-cache");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("go build of the interop driver took over 3 minutes");
        }

        // Go and the library are there: a driver that does not build is this project's mistake, not a missing tool.
        if (process.ExitCode != 0) throw new InvalidOperationException("go build of Interop/go/winrm_client.go failed: " + error.Result);
        return (output, null);
    }
}
