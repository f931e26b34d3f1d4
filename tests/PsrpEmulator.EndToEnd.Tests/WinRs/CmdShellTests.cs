using System.Text;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.WinRs;

/// <summary>WinRS cmd shells over HTTP with the project's transport: stdin, signals, disconnected shells, enumeration.</summary>
public class CmdShellTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected override string? ScenarioYaml => """
        cmd:
          - match: worker.exe
            steps:
              - stdout: "started\r\n"
              - sleep: 600
              - stdout: "finished\r\n"
          - match: slow.exe
            steps:
              - sleep: 30
              - stdout: "late\r\n"
          - match: setup.exe
            steps:
              - stdout: "Name? "
              - stdin: line
              - stdout: "Hello, {line}.\r\nContinue? [y/n] "
              - stdin: line
              - stdout: "answer '{line}'\r\n"
              - stdin: echo
        """;

    protected override void Configure(EmulatorOptions options) => options.MaxReceiveHold = TimeSpan.FromMinutes(5);

    private WsManTransport _transport = null!;

    [SetUp]
    public void OpenTransport() => _transport = CreateTransport();

    [TearDown]
    public void DisposeTransport() => _transport.Dispose();

    private static WsManHeader Header(string action, string? shellId = null, IReadOnlyList<WsManOption>? options = null) => new()
    {
        Action = action,
        ResourceUri = WsManResourceUris.CmdShell,
        Selectors = shellId is null ? new Dictionary<string, string>() : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId },
        Options = options ?? [],
        OperationTimeout = TimeSpan.FromSeconds(20),
    };

    private async Task<string> CreateShellAsync(ShellCreateBody? body = null)
    {
        var response = await _transport.SendAsync(Header(WsManActions.Create, options: [new WsManOption("WINRS_NOPROFILE", "FALSE"), new WsManOption("WINRS_CODEPAGE", "437")]),
            body ?? new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null));
        return ((CreateResponseBody)response.Body).ResourceCreated.Selectors["ShellId"];
    }

    private async Task<string> CommandAsync(string shellId, string command, params string[] arguments)
    {
        var response = await _transport.SendAsync(Header(WsManActions.Command, shellId, [new WsManOption("WINRS_CONSOLEMODE_STDIN", "TRUE"), new WsManOption("WINRS_SKIP_CMD_SHELL", "FALSE")]),
            new CommandLineBody(null, command, null) { TextArguments = arguments });
        return ((CommandResponseBody)response.Body).CommandId;
    }

    private Task<WsManEnvelope> SendReceiveAsync(string shellId, string commandId) =>
        _transport.SendAsync(Header(WsManActions.Receive, shellId), new ReceiveBody("stdout stderr", commandId));

    /// <summary>Receives until Done (moving the virtual clock while a Receive waits); returns stdout, stderr, exit code.</summary>
    private async Task<(string Stdout, string Stderr, int? ExitCode)> ReceiveAllAsync(string shellId, string commandId)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            var response = (ReceiveResponseBody)(await AdvanceUntilAsync(SendReceiveAsync(shellId, commandId), TimeSpan.FromSeconds(1))).Body;
            foreach (var stream in response.Streams) (stream.Name == "stdout" ? stdout : stderr).Append(Encoding.UTF8.GetString(stream.Data.Span));
            if (response.CommandState?.State == WsManCommandStates.Done) return (stdout.ToString(), stderr.ToString(), response.CommandState.ExitCode);
        }

        Assert.Fail("the command did not finish");
        return default;
    }

    [Test]
    public async Task Stdin_sent_with_end_is_echoed_by_more_and_the_command_ends()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "more");

        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.UTF8.GetBytes("line 1\r\n"))]));
        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.UTF8.GetBytes("line 2\r\n"), End: true)]));
        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("line 1\r\nline 2\r\n"));
        Assert.That(stderr, Is.Empty);
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task A_prompting_program_reads_one_line_per_answer_and_sees_the_rest_of_stdin_after_it()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "setup.exe");

        // The first prompt is received before any answer: the program waits for its line.
        var first = (ReceiveResponseBody)(await AdvanceUntilAsync(SendReceiveAsync(shellId, commandId), TimeSpan.FromSeconds(1))).Body;
        Assert.That(string.Concat(first.Streams.Where(s => s.Name == "stdout").Select(s => Encoding.ASCII.GetString(s.Data.Span))), Is.EqualTo("Name? "));
        Assert.That(first.CommandState!.State, Is.Not.EqualTo(WsManCommandStates.Done));

        // One Send carries the name, the answer (with a bare line feed) and more; a line end may also come later.
        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.ASCII.GetBytes("Ada\r\ny"))]));
        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.ASCII.GetBytes("es\nrest 1\r\n"))]));
        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.ASCII.GetBytes("rest 2"), End: true)]));
        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("Hello, Ada.\r\nContinue? [y/n] answer 'yes'\r\nrest 1\r\nrest 2"));
        Assert.That(stderr, Is.Empty);
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task A_line_read_at_the_end_of_stdin_is_what_came_and_later_reads_are_empty()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "setup.exe");

        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.ASCII.GetBytes("Bob"), End: true)]));
        var (stdout, _, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("Name? Hello, Bob.\r\nContinue? [y/n] answer ''\r\n"));
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task A_line_longer_than_the_emulator_keeps_is_cut_and_the_rest_is_the_next_line()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "setup.exe");

        await _transport.SendAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, Encoding.ASCII.GetBytes(new string('a', 70_000)), End: true)]));
        var (stdout, _, _) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo($"Name? Hello, {new string('a', 65_536)}.\r\nContinue? [y/n] answer '{new string('a', 70_000 - 65_536)}'\r\n"));
    }

    [Test]
    public async Task A_command_quoted_whole_as_Ruby_s_WinRM_sends_it_runs_as_cmd_c_unquotes_it()
    {
        var shellId = await CreateShellAsync();

        var chained = await CommandAsync(shellId, "\"echo hello & echo err 1>&2 & exit /b 2\"");
        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, chained);
        Assert.That((stdout, stderr, exitCode), Is.EqualTo(("hello \r\n", "err  \r\n", (int?)2)), "the spaces around the redirection stay, as cmd.exe echoes them");

        var withArguments = await CommandAsync(shellId, "\"echo\"", "hello", "world");
        (stdout, _, exitCode) = await ReceiveAllAsync(shellId, withArguments);
        Assert.That((stdout, exitCode), Is.EqualTo(("hello world\r\n", (int?)0)));
    }

    [Test]
    public async Task Whoami_prints_the_logon_in_lower_case_as_windows_does()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "whoami");

        var (stdout, _, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("server01\\psrp\r\n"));
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task The_last_receive_ends_both_streams_and_reports_done_with_the_exit_code()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "cmd.exe", "/c", "exit", "/b", "5");

        var response = (ReceiveResponseBody)(await SendReceiveAsync(shellId, commandId)).Body;

        Assert.That(response.Streams.Select(s => $"{s.Name} End={s.End} {s.Data.Length}"), Is.EqualTo(new[] { "stdout End=True 0", "stderr End=True 0" }));
        Assert.That(response.CommandState, Is.EqualTo(new CommandState(commandId, WsManCommandStates.Done, 5)));
    }

    [Test]
    public async Task Ctrl_c_ends_a_running_command_with_status_control_c_exit()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "worker.exe");

        var first = (ReceiveResponseBody)(await SendReceiveAsync(shellId, commandId)).Body;
        await _transport.SendAsync(Header(WsManActions.Signal, shellId), new SignalBody(commandId, WsManSignalCodes.CtrlC));
        var (stdout, _, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(first.CommandState?.State, Is.EqualTo(WsManCommandStates.Running));
        Assert.That(Encoding.UTF8.GetString(first.Streams.Single().Data.Span), Is.EqualTo("started\r\n"));
        Assert.That(stdout, Is.Empty);
        Assert.That(exitCode, Is.EqualTo(unchecked((int)0xC000013A)));
    }

    [Test]
    public async Task Terminate_forgets_the_command_so_a_later_receive_gets_invalid_selectors()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "worker.exe");

        await _transport.SendAsync(Header(WsManActions.Signal, shellId), new SignalBody(commandId, WsManSignalCodes.Terminate));
        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => SendReceiveAsync(shellId, commandId));

        Assert.That(fault!.Code, Is.EqualTo(2150858843u));
    }

    [Test]
    public async Task A_receive_with_nothing_to_say_within_the_operation_timeout_times_out()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "slow.exe");

        var receive = SendReceiveAsync(shellId, commandId);
        var fault = await Assert.ThrowsAsync<WsManFaultException>(async () => await AdvanceUntilAsync(receive, TimeSpan.FromSeconds(1)));

        Assert.That(fault!.IsTimedOut, Is.True);
        var (stdout, _, exitCode) = await ReceiveAllAsync(shellId, commandId);
        Assert.That(stdout, Is.EqualTo("late\r\n"));
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task A_disconnected_cmd_shell_is_enumerated_beside_powershell_shells_and_reconnected()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "worker.exe");

        await _transport.SendAsync(Header(WsManActions.Disconnect, shellId), new DisconnectBody(null, null));
        var shells = await _transport.EnumerateShellsAsync();
        var commands = await _transport.EnumerateCommandsAsync(shellId);
        var whileDisconnected = await Assert.ThrowsAsync<WsManFaultException>(() => SendReceiveAsync(shellId, commandId));
        await _transport.SendAsync(Header(WsManActions.Reconnect, shellId), new ReconnectBody(null, null));
        var afterReconnect = (ReceiveResponseBody)(await SendReceiveAsync(shellId, commandId)).Body;

        var shell = shells.Single(s => s.ShellId == shellId);
        Assert.That(shell.ResourceUri, Is.EqualTo(WsManResourceUris.CmdShell));
        Assert.That(shell.InputStreams, Is.EqualTo("stdin"));
        Assert.That(shell.OutputStreams, Is.EqualTo("stdout stderr"));
        Assert.That(shell.State, Is.EqualTo("Disconnected"));
        Assert.That(commands.Select(c => (c.CommandId, c.CommandLine, c.CommandState)), Is.EqualTo(new[] { (commandId, (string?)"worker.exe", (string?)"Running") }));
        Assert.That(whileDisconnected!.Code, Is.EqualTo(2150859230u));
        Assert.That(Encoding.UTF8.GetString(afterReconnect.Streams.Single().Data.Span), Is.EqualTo("started\r\n"));
    }

    /// <summary>
    /// BufferMode Drop governs a disconnected shell (MS-WSMV 2.2.5.10): a connected client's Receives pace the program,
    /// and once it disconnects the program goes on and the oldest output is dropped.
    /// </summary>
    [Test]
    public async Task A_drop_mode_cmd_shell_loses_nothing_while_connected_and_drops_the_oldest_once_disconnected()
    {
        await RestartEmulatorAsync(o =>
        {
            Configure(o);
            o.OutputBufferCapacity = 3;
        });
        _transport.Dispose();
        _transport = CreateTransport();
        var shellId = await CreateShellAsync();
        await _transport.SendAsync(Header(WsManActions.Disconnect, shellId), new DisconnectBody(null, "Drop"));
        await _transport.SendAsync(Header(WsManActions.Reconnect, shellId), new ReconnectBody(null, null));
        const string Lines = "for /l %i in (1,1,20) do @echo line%i";
        var all = string.Concat(Enumerable.Range(1, 20).Select(i => $"line{i}\r\n"));

        var (connected, _, _) = await ReceiveAllAsync(shellId, await CommandAsync(shellId, Lines));
        Assert.That(connected, Is.EqualTo(all));
        Assert.That(Drops(), Is.Zero);

        var commandId = await CommandAsync(shellId, Lines);
        await _transport.SendAsync(Header(WsManActions.Disconnect, shellId), new DisconnectBody(null, null));
        for (var i = 0; i < 1000 && !(Emulator.Journal.Snapshot().Any(e => e.Action == "OutputDropped") && (await _transport.EnumerateCommandsAsync(shellId)).Single(c => c.CommandId == commandId).CommandState == "Done"); i++)
        {
            await Task.Delay(10);
        }

        await _transport.SendAsync(Header(WsManActions.Reconnect, shellId), new ReconnectBody(null, null));
        var (disconnected, _, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(Drops(), Is.GreaterThan(0));
        Assert.That(disconnected, Does.EndWith("line20\r\n"), "the newest output is kept");
        Assert.That(all, Does.EndWith(disconnected), "what is left is the end of the output, in order");
        Assert.That(disconnected.Length, Is.LessThan(all.Length));
        Assert.That(exitCode, Is.Zero);

        int Drops() => Emulator.Journal.Snapshot().Count(e => e.Action == "OutputDropped");
    }

    /// <summary>
    /// The first client took the command's end and disconnected before its Signal Terminate: a client connecting to
    /// the command gets the end and exit code again (no output twice) instead of waiting for ever.
    /// </summary>
    [Test]
    public async Task A_client_connecting_to_a_cmd_command_whose_end_was_taken_but_not_terminated_gets_the_end_again()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "cmd /c exit 3");
        var (_, _, firstExitCode) = await ReceiveAllAsync(shellId, commandId);
        await _transport.SendAsync(Header(WsManActions.Disconnect, shellId), new DisconnectBody(null, null));

        using var other = CreateTransport();
        await other.SendAsync(Header(WsManActions.Connect, shellId), new ConnectBody(null, null, null));
        await other.SendAsync(Header(WsManActions.Connect, shellId), new ConnectBody(commandId, null, null));
        var receive = other.SendAsync(Header(WsManActions.Receive, shellId), new ReceiveBody("stdout stderr", commandId));
        var response = (ReceiveResponseBody)(await receive.WaitAsync(TimeSpan.FromSeconds(10))).Body;

        Assert.That(firstExitCode, Is.EqualTo(3));
        Assert.That(response.Streams.Where(s => s.Data.Length > 0), Is.Empty, "no output twice");
        Assert.That((response.CommandState?.State, response.CommandState?.ExitCode), Is.EqualTo((WsManCommandStates.Done, (int?)3)));
    }

    [Test]
    public async Task A_new_client_connects_to_a_disconnected_cmd_shell_and_receives_its_output()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "echo", "buffered");
        await _transport.SendAsync(Header(WsManActions.Disconnect, shellId), new DisconnectBody(null, null));

        using var other = CreateTransport();
        var connect = (ConnectResponseBody)(await other.SendAsync(Header(WsManActions.Connect, shellId), new ConnectBody(null, null, null))).Body;
        await other.SendAsync(Header(WsManActions.Connect, shellId), new ConnectBody(commandId, null, null));
        var response = (ReceiveResponseBody)(await other.SendAsync(Header(WsManActions.Receive, shellId), new ReceiveBody("stdout stderr", commandId))).Body;

        Assert.That(connect.InputStreams, Is.EqualTo("stdin"));
        Assert.That(connect.OutputStreams, Is.EqualTo("stdout stderr"));
        Assert.That(Encoding.UTF8.GetString(response.Streams[0].Data.Span), Is.EqualTo("buffered\r\n"));
        Assert.That(response.CommandState?.State, Is.EqualTo(WsManCommandStates.Done));
    }

    [Test]
    public async Task Create_reads_the_environment_and_working_directory_and_cd_prints_it()
    {
        var shellId = await CreateShellAsync(new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)
        {
            Environment = [new("FOO", "bar")],
            WorkingDirectory = @"D:\work",
        });
        var commandId = await CommandAsync(shellId, "cd");

        var (stdout, _, _) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("D:\\work\r\n"));
    }

    [Test]
    public async Task A_line_too_long_for_cmd_as_sent_or_once_expanded_gets_cmds_answer_and_exit_code_1()
    {
        var shellId = await CreateShellAsync(new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)
        {
            Environment = [new("BIG", new string('x', 4000))],
        });

        // Recorded (Vagrant's WinRM debug log): stderr "The command line is too long.\r\n", exit code 1.
        foreach (var line in new[] { "echo " + new string('a', 8200), "echo %BIG%%BIG%%BIG%" })
        {
            var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, await CommandAsync(shellId, line));

            Assert.That((stdout, stderr, exitCode), Is.EqualTo((string.Empty, "The command line is too long.\r\n", (int?)1)), line[..12]);
        }

        var (shortOut, _, shortExit) = await ReceiveAllAsync(shellId, await CommandAsync(shellId, "echo %BIG:~0,3%"));
        Assert.That(shortExit, Is.Zero);
        Assert.That(shortOut, Is.EqualTo("xxx\r\n"));
    }

    [Test]
    public async Task Powershell_exe_with_an_encoded_command_writes_an_unknown_command_as_clixml_on_stderr()
    {
        var shellId = await CreateShellAsync();
        var script = Convert.ToBase64String(Encoding.Unicode.GetBytes("Get-Frobnicator"));
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", script);

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith("#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">Get-Frobnicator : The term 'Get-Frobnicator' is not recognized"));
        Assert.That(stderr, Does.Contain("+ FullyQualifiedErrorId : CommandNotFoundException_x000D__x000A_</S>"));
        Assert.That(stderr, Does.EndWith("</Objs>"));
        Assert.That(exitCode, Is.EqualTo(1), "powershell.exe exits 1 when $? is false after the last statement");
    }

    [Test]
    public async Task Powershell_exe_writes_Write_Host_text_to_stdout_without_a_new_line_when_asked_and_not_Write_Information_s()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-Command", "Write-Host a -NoNewline -ForegroundColor Green; Write-Information hidden; Write-Host b; 'out'");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        // Host text ends with a bare "\n" (recorded), output lines with "\r\n"; a redirected console shows no colours;
        // Write-Information shows nothing ($InformationPreference is SilentlyContinue).
        Assert.That(stdout, Is.EqualTo("ab\nout\r\n"));
        Assert.That(stderr, Is.Empty);
        Assert.That(exitCode, Is.Zero);
    }

    [Test]
    public async Task Powershell_exe_exits_zero_when_a_statement_after_the_failed_one_succeeds()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-Command", "Get-Frobnicator; 'after'");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("after\r\n"));
        Assert.That(stderr, Does.Contain("The term 'Get-Frobnicator' is not recognized"));
        Assert.That(exitCode, Is.Zero, "$? is true again after 'after'");
    }

    [Test]
    public async Task Powershell_exe_exits_with_the_code_of_an_exit_statement_and_runs_nothing_after_it()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-Command", "Get-Frobnicator; 'before'; exit 3; 'after'");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("before\r\n"));
        Assert.That(stderr, Does.Contain("The term 'Get-Frobnicator' is not recognized"));
        Assert.That(exitCode, Is.EqualTo(3));
    }

    /// <summary>How winrm-client (Node), Chef and many scripts wrap a script: -Command "&amp; { ... }".</summary>
    [Test]
    public async Task Powershell_exe_runs_the_statements_of_a_script_block_invoked_whole_and_its_exit_ends_the_process()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-NonInteractive", "-NoLogo", "-ExecutionPolicy", "Bypass",
            "-InputFormat", "Text", "-Command", "\"& { 'before'; $env:COMPUTERNAME; exit 4; 'after' }\"");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("before\r\nSERVER01\r\n"));
        Assert.That(stderr, Is.Empty);
        Assert.That(exitCode, Is.EqualTo(4));
    }

    /// <summary>exit is PowerShell's keyword: bare, it exits 0; with a variable, its value (Packer ends with exit $LastExitCode).</summary>
    [TestCase("Get-Frobnicator; 'before'; exit; 'after'", 0)]
    [TestCase("& { 'before'; exit $LastExitCode; 'after' }", 0)]
    [TestCase("$code = 5; 'before'; exit $code; 'after'", 5)]
    public async Task Powershell_exe_exits_with_the_value_of_exit_without_running_what_follows(string script, int expected)
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-Command", $"\"{script}\"");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("before\r\n"));
        Assert.That(stderr, Does.Not.Contain("'exit'"));
        Assert.That(exitCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task Powershell_exe_names_the_unknown_command_inside_a_script_block_not_the_call_operator()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-Command", "\"& { Get-Frobnicator }\"");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("The term 'Get-Frobnicator' is not recognized"));
        Assert.That(exitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task Powershell_exe_exits_one_when_the_last_of_several_statements_fails()
    {
        var shellId = await CreateShellAsync();
        var commandId = await CommandAsync(shellId, "powershell.exe", "-NoProfile", "-Command", "'before'; Get-Frobnicator");

        var (stdout, stderr, exitCode) = await ReceiveAllAsync(shellId, commandId);

        Assert.That(stdout, Is.EqualTo("before\r\n"));
        Assert.That(stderr, Does.Contain("The term 'Get-Frobnicator' is not recognized"));
        Assert.That(exitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task Skip_cmd_shell_with_a_bare_program_name_is_file_not_found()
    {
        var shellId = await CreateShellAsync();

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => _transport.SendAsync(
            Header(WsManActions.Command, shellId, [new WsManOption("WINRS_SKIP_CMD_SHELL", "TRUE")]),
            new CommandLineBody(null, "hostname", null) { TextArguments = [] }));

        Assert.That(fault!.Code, Is.EqualTo(2147942402u));
        Assert.That(fault.Fault.Provider, Is.EqualTo(ProviderFault.CmdShell));
    }
}
