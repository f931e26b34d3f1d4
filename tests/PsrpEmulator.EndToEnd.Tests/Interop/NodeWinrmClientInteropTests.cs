using System.Diagnostics;
using System.Text.Json;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Interop;

/// <summary>
/// winrm-client 0.0.11 (npm; Node's fork of nodejs-winrm, which nobody here wrote) against the emulator over HTTP:
/// WinRS cmd shells with Basic auth (a plain user name) and with NTLM (a user with a domain; raw NTLM, no message
/// encryption), its powershell.exe wrapper (<c>-Command "&amp; { ... }"</c>) and its interactive commands (prompts
/// answered over stdin). <c>.ci/run</c> installs it from <c>Interop/node/package-lock.json</c>; the tests report
/// Ignored without node or the package.
/// </summary>
[NonParallelizable]
[TestFixture("psrp")]
[TestFixture(@"WORKGROUP\psrp")]
public class NodeWinrmClientInteropTests(string user) : EmulatorTestBase
{
    private static readonly Lazy<string?> NodeDirectory = new(FindPackage);
    private static readonly Lazy<string?> Node = new(() => InteropDriver.FindOnPath("node"));

    protected override string? ScenarioYaml => """
        cmd:
          - name: a tool writing both streams
            match: build.exe --all
            steps:
              - stdout: "compiling\r\n"
              - stderr: "warning: deprecated flag\r\n"
              - stdout: "done\r\n"
              - exit: 2
          - name: a prompting installer
            match: setup.exe
            steps:
              - stdout: "Name? "
              - stdin: line
              - stdout: "Hello, {line}.\r\nContinue? [y/n] "
              - stdin: line
              - stdout: "answer '{line}'\r\n"
        """;

    // The interactive client polls with Receives: each is held at most 300 ms.
    protected override void Configure(EmulatorOptions options) => options.MaxReceiveHold = TimeSpan.FromMilliseconds(300);

    private bool Ntlm => user.Contains('\\', StringComparison.Ordinal);

    [SetUp]
    public void RequireWinrmClient()
    {
        if (Node.Value is null) Assert.Ignore("node is not on PATH: the winrm-client interop tests need Node.js.");
        if (NodeDirectory.Value is null) Assert.Ignore("winrm-client is not installed: npm ci --prefix tests/PsrpEmulator.EndToEnd.Tests/Interop/node (.ci/run does it).");
    }

    [Test]
    public async Task Run_command_returns_the_trimmed_stdout_of_echo_over_its_auth_scheme()
    {
        var result = await RunAsync("cmd", "echo hello world");

        Assert.That(result.GetProperty("output").GetString(), Is.EqualTo("hello world"));
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
        Assert.That(journal.Where(e => e.HttpStatus == 200).Select(e => e.Action), Is.EqualTo(new[] { "Create", "Command", "Receive", "Delete" }));
        // NTLM: winrm-client opens a connection per request, each with its own handshake (NEGOTIATE answered with 401 and
        // the CHALLENGE, then the request with AUTHENTICATE).
        Assert.That(journal.Count(e => e.Action == "(authenticating)"), Is.EqualTo(Ntlm ? 4 : 0));
    }

    [Test]
    public async Task Run_command_returns_stdout_only_when_a_tool_writes_both_streams()
    {
        var result = await RunAsync("cmd", "build.exe --all");

        Assert.That(result.GetProperty("output").GetString(), Is.EqualTo("compiling\r\ndone"));
    }

    [Test]
    public async Task Run_command_of_an_unknown_program_returns_cmd_exe_not_recognized_from_stderr()
    {
        var result = await RunAsync("cmd", "frobnicate /x");

        Assert.That(result.GetProperty("output").GetString(),
            Is.EqualTo("'frobnicate' is not recognized as an internal or external command,\r\noperable program or batch file."));
    }

    [Test]
    public async Task Run_powershell_wraps_the_script_in_a_script_block_that_the_emulator_runs()
    {
        var result = await RunAsync("ps", "'hello'; $env:COMPUTERNAME");

        // Its command line: powershell.exe -NoProfile -NonInteractive -NoLogo -ExecutionPolicy Bypass -InputFormat Text
        // -Command "& { 'hello'; $env:COMPUTERNAME }".
        Assert.That(result.GetProperty("output").GetString(), Is.EqualTo("hello\r\nSERVER01"));
    }

    [Test]
    public async Task Run_powershell_of_an_unknown_command_returns_powershell_exe_errors_as_clixml()
    {
        var result = await RunAsync("ps", "Get-Frobnicator");

        var output = result.GetProperty("output").GetString();
        Assert.That(output, Does.StartWith("#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">Get-Frobnicator : The term 'Get-Frobnicator' is not recognized"));
    }

    [Test]
    public async Task An_interactive_command_gets_its_prompts_answered_over_stdin()
    {
        var result = await RunAsync("interactive", "setup.exe", @"Name\?$", "Ada", @"Continue\? \[y/n\]$", "y");

        // winrm-client trims each Receive's text before it adds it up.
        Assert.That(result.GetProperty("output").GetString(), Is.EqualTo("Name?Hello, Ada.\r\nContinue? [y/n]answer 'y'"));
        var sends = Emulator.Journal.Snapshot().Count(e => e.Action == "Send" && e.HttpStatus == 200);
        Assert.That(sends, Is.EqualTo(2));
    }

    [Test]
    public async Task A_wrong_password_is_refused_with_401()
    {
        var result = await RunAsync("cmd", "echo hi", password: "wrong");

        Assert.That(result.GetProperty("error").GetString(), Is.EqualTo(Ntlm ? "NTLM authentication failed: 401 (no message)" : "Failed to process the request: 401 Unauthorized"));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.HttpStatus), Is.All.EqualTo(401));
    }

    [Test]
    public async Task With_allow_unencrypted_false_the_client_that_does_not_seal_is_refused()
    {
        await RestartEmulatorAsync(options =>
        {
            Configure(options);
            options.AllowUnencrypted = false;
        });

        var result = await RunAsync("cmd", "echo hi");

        // Basic over HTTP is refused outright; NTLM gets through its handshake, then its plain body is refused.
        Assert.That(result.TryGetProperty("error", out var error), Is.True, () => result.ToString());
        Assert.That(error.GetString(), Does.Contain("401"));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Create").Select(e => e.HttpStatus), Is.All.EqualTo(401));
    }

    private async Task<JsonElement> RunAsync(string kind, string first, params string[] rest) => await RunAsync(kind, [first, .. rest], "psrp");

    private async Task<JsonElement> RunAsync(string kind, string command, string password) => await RunAsync(kind, [command], password);

    private async Task<JsonElement> RunAsync(string kind, string[] arguments, string password)
    {
        var start = new ProcessStartInfo(Node.Value!);
        start.ArgumentList.Add(Path.Combine(NodeDirectory.Value!, "winrm_client.js"));
        start.ArgumentList.Add(Emulator.WsManUri.Host);
        start.ArgumentList.Add(Emulator.WsManUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(user);
        start.ArgumentList.Add(password);
        start.ArgumentList.Add(kind);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        return await InteropDriver.RunAsync(start, "winrm-client", $"{kind} {string.Join(' ', arguments)}");
    }

    // The driver's folder in the source tree (node resolves winrm-client from its node_modules), once installed.
    private static string? FindPackage()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "PsrpEmulator.sln"))) continue;
            var node = Path.Combine(directory.FullName, "tests", "PsrpEmulator.EndToEnd.Tests", "Interop", "node");
            return File.Exists(Path.Combine(node, "node_modules", "winrm-client", "package.json")) ? node : null;
        }

        return null;
    }
}
