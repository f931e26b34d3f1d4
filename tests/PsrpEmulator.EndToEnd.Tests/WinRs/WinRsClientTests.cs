using PsrpEmulator.Client.Transport;
using PsrpEmulator.Client.WinRs;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.WinRs;

/// <summary>The client library's WinRS API against cmd shells: code pages, %VARIABLE% expansion, stdin, signals.</summary>
public class WinRsClientTests : EmulatorTestBase
{
    protected override string? ScenarioYaml => """
        cmd:
          - match: greet
            steps:
              - stdout: "Grüße\r\n"
              - stderr: "café\r\n"
          - regex: 'C:\\tools\\args\.exe (?<rest>.*)'
            steps:
              - stdout: "{rest}\r\n"
        """;

    private int? _defaultCodePage;
    private int? _consoleWidth;

    protected override void Configure(EmulatorOptions options)
    {
        if (_defaultCodePage is { } codePage) options.WinRsCodePage = codePage;
        if (_consoleWidth is { } width) options.WinRsConsoleWidth = width;
    }

    private WsManTransport _transport = null!;

    [SetUp]
    public void OpenTransport() => _transport = CreateTransport();

    [TearDown]
    public void DisposeTransport()
    {
        _transport.Dispose();
        // One fixture object runs every test: a test's own emulator settings must not reach the next one.
        _defaultCodePage = null;
        _consoleWidth = null;
    }

    [TestCase(437, "47-72-81-E1-65-0D-0A", "63-61-66-82-0D-0A")]
    [TestCase(1252, "47-72-FC-DF-65-0D-0A", "63-61-66-E9-0D-0A")]
    [TestCase(65001, "47-72-C3-BC-C3-9F-65-0D-0A", "63-61-66-C3-A9-0D-0A")]
    public async Task Stdout_and_stderr_are_encoded_in_the_shells_code_page(int codePage, string stdout, string stderr)
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions { CodePage = codePage });

        var result = await shell.RunAsync("greet");

        Assert.That(BitConverter.ToString(result.Stdout), Is.EqualTo(stdout));
        Assert.That(BitConverter.ToString(result.Stderr), Is.EqualTo(stderr));
        Assert.That(result.StdoutText, Is.EqualTo("Grüße\r\n"));
    }

    [Test]
    public async Task Without_winrs_codepage_the_shell_takes_the_emulators_default_code_page()
    {
        _defaultCodePage = 1252;
        await RestartEmulatorAsync(Configure);
        using var transport = CreateTransport();

        await using var shell = await WinRsShell.OpenAsync(transport, new WinRsShellOptions { CodePage = null });
        var result = await shell.RunAsync("greet");

        Assert.That(BitConverter.ToString(result.Stdout), Is.EqualTo("47-72-FC-DF-65-0D-0A"));
    }

    [Test]
    public async Task A_code_page_windows_lacks_is_refused_at_create()
    {
        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => WinRsShell.OpenAsync(_transport, new WinRsShellOptions { CodePage = 12345 }));

        Assert.That(fault!.Subcode, Is.EqualTo("w:InvalidParameter"));
    }

    [Test]
    public void An_unknown_default_code_page_fails_validation_at_start()
    {
        var options = new EmulatorOptions { WinRsCodePage = 12345 };

        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.That(problems.Select(p => p.MemberNames.Single()), Is.EqualTo(new[] { nameof(EmulatorOptions.WinRsCodePage) }));
    }

    [Test]
    public async Task Powershell_exe_prints_objects_as_windows_powershell_formats_them_on_its_console()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "Get-Service WinRM; 'done'"]);

        // The service view's table (rows padded to its 66 columns; a DisplayName past its 38 is cut, as on Windows), the string
        // where it comes, the table's closing blank lines.
        Assert.That(result.StdoutText, Is.EqualTo(
            "\r\n" +
            "Status   Name               DisplayName                           \r\n" +
            "------   ----               -----------                           \r\n" +
            "Running  WinRM              Windows Remote Management (WS-Manag...\r\n" +
            "done\r\n" +
            "\r\n\r\n"));
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public async Task Powershell_exe_prompts_on_stdout_and_reads_the_answers_from_stdin()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "$n = Read-Host 'Server'; 'patching ' + $n"], stdin: "db01\r\n");
        var refused = await shell.RunAsync("powershell.exe", ["-NoProfile", "-NonInteractive", "-Command", "Read-Host 'Server'"], stdin: "db01\r\n");

        Assert.That((result.StdoutText, result.ExitCode), Is.EqualTo(("Server: db01\r\npatching db01\r\n", 0)));
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.StderrText, Does.Contain("Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available."));
    }

    [Test]
    public async Task Powershell_exe_lists_a_directory_under_its_directory_line_as_get_childitem_prints_it()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        // The script in double quotes: cmd.exe runs the line, and a bare '|' would be its pipe, as on Windows.
        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "\"Get-ChildItem C:\\ | Where-Object PSIsContainer | Select-Object -First 2\""]);

        Assert.That(result.StdoutText.Split("\r\n"), Is.EqualTo(new[]
        {
            "", "", "    Directory: C:\\", "", "",
            "Mode                LastWriteTime         Length Name".PadRight(119),
            "----                -------------         ------ ----".PadRight(119),
            "d-----        9/15/2018   7:19 AM                PerfLogs".PadRight(119),
            "d-r---        1/12/2026   9:41 AM                Program Files".PadRight(119),
            "", "", "",
        }));
    }

    [Test]
    public async Task Powershell_exe_writes_host_text_before_a_table_that_waits_for_its_300_ms()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "[pscustomobject]@{ Name = 'a'; Count = 1 }; Write-Host done"]);

        // Windows PowerShell 5.1 holds a table without a view to size it; Write-Host goes straight to the console.
        Assert.That(result.StdoutText, Is.EqualTo("\r\ndone\n" + "Name Count\r\n---- -----\r\na        1\r\n\r\n\r\n"));
    }

    [Test]
    public async Task Powershell_exe_prints_an_error_record_written_as_output_as_the_console_shows_errors()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "try { Get-Frobnicator } catch { $_ }; 'after'"]);

        // The caught record is placed where it was raised, as the engine places it before the catch runs.
        Assert.That(result.StdoutText, Does.StartWith("Get-Frobnicator : The term 'Get-Frobnicator' is not recognized as the name of a cmdlet"));
        Assert.That(result.StdoutText, Does.Contain("\r\nAt line:1 char:7\r\n+ try { Get-Frobnicator } catch { $_ }; 'after'\r\n+       ~~~~~~~~~~~~~~~\r\n"));
        Assert.That(result.StdoutText, Does.EndWith(
            "    + CategoryInfo          : ObjectNotFound: (Get-Frobnicator:String) [], CommandNotFoundException\r\n" +
            "    + FullyQualifiedErrorId : CommandNotFoundException\r\n \r\nafter\r\n"));
        Assert.That(result.StderrText, Is.Empty);
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public async Task Powershell_exe_prints_the_CategoryInfo_of_the_record_with_the_command_that_wrote_it()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "Write-Error -Message 'x' -Category InvalidArgument -ErrorId MyId -TargetObject 5"]);

        // As the console of Windows PowerShell 5.1 prints a Write-Error record (CLIXML on stderr under WinRM).
        Assert.That(result.StderrText, Does.Contain("    + CategoryInfo          : InvalidArgument: (5:Int32) [Write-Error], WriteErrorException_x000D__x000A_"));
        Assert.That(result.StderrText, Does.Contain("    + FullyQualifiedErrorId : MyId_x000D__x000A_"));
    }

    [Test]
    public async Task Powershell_exe_has_the_users_home_the_servers_culture_and_no_sender_info()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "$HOME; $PSCulture; [bool]$PSSenderInfo"]);

        Assert.That(result.StdoutText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "C:\\Users\\psrp", "en-US", "False" }));
        Assert.That(result.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Powershell_exe_prints_a_parse_error_as_the_console_names_its_record_and_runs_nothing()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions());

        var result = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "'before'; $null ?? 'fallback'"]);

        // ParseException.ErrorRecord holds a ParentContainsErrorRecordException, which Windows PowerShell's console names.
        Assert.That(result.StdoutText, Is.Empty);
        Assert.That(result.StderrText, Does.Contain("<S S=\"Error\">At line:1 char:17_x000D__x000A_</S><S S=\"Error\">+ 'before'; $null ?? 'fallback'_x000D__x000A_</S>" +
            "<S S=\"Error\">+                 ~~_x000D__x000A_</S><S S=\"Error\">Unexpected token '??' in expression or statement._x000D__x000A_</S>"));
        Assert.That(result.StderrText, Does.Contain("    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException_x000D__x000A_"));
        Assert.That(result.StderrText, Does.Contain("    + FullyQualifiedErrorId : UnexpectedToken_x000D__x000A_"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task Powershell_exe_fits_its_tables_to_the_console_width_less_one_column()
    {
        await using (var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions()))
        {
            var wide = await shell.RunAsync("powershell.exe", ["-NoProfile", "-Command", "$PSVersionTable"]);
            Assert.That(wide.StdoutText.Split("\r\n"), Does.Contain("PSVersion".PadRight(31) + "5.1.17763.1".PadRight(119 - 31)));
        }

        _consoleWidth = 80;
        await RestartEmulatorAsync(Configure);
        using var transport = CreateTransport();
        await using var narrow = await WinRsShell.OpenAsync(transport, new WinRsShellOptions());

        var result = await narrow.RunAsync("powershell.exe", ["-NoProfile", "-Command", "$PSVersionTable"]);

        Assert.That(result.StdoutText.Split("\r\n"), Does.Contain("PSVersion".PadRight(31) + "5.1.17763.1".PadRight(79 - 31)));
    }

    [Test]
    public async Task Stdin_split_inside_a_utf8_character_comes_back_whole()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions { CodePage = 65001 });
        var command = await shell.StartAsync("more");
        var bytes = shell.Encoding.GetBytes("ü\r\n");

        await command.SendAsync(bytes.AsMemory(0, 1));
        await command.SendAsync(bytes.AsMemory(1), end: true);
        var result = await command.ReceiveToEndAsync();

        Assert.That(result.StdoutText, Is.EqualTo("ü\r\n"));
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public async Task Percent_variables_expand_against_the_create_environment_and_windows_variables()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions { Environment = [new("BUILD", "42")] });

        var echoed = await shell.RunAsync("echo", ["%BUILD%", "%COMPUTERNAME%", "%USERPROFILE%", "%UNDEFINED%"]);
        var set = await shell.RunAsync("set BUILD");

        Assert.That(echoed.StdoutText, Is.EqualTo(@"42 SERVER01 C:\Users\psrp %UNDEFINED%" + "\r\n"));
        Assert.That(set.StdoutText, Is.EqualTo("BUILD=42\r\n"));
    }

    [Test]
    public async Task Without_cmd_exe_a_program_gets_its_percent_signs_unexpanded()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport, new WinRsShellOptions { Environment = [new("BUILD", "42")] });

        var direct = await (await shell.StartAsync(@"C:\tools\args.exe %BUILD%", skipCmdShell: true)).ReceiveToEndAsync();
        var throughCmd = await (await shell.StartAsync(@"C:\Windows\system32\cmd.exe /c C:\tools\args.exe %BUILD%", skipCmdShell: true)).ReceiveToEndAsync();

        Assert.That(direct.StdoutText, Is.EqualTo("%BUILD%\r\n"));
        Assert.That(throughCmd.StdoutText, Is.EqualTo("42\r\n"));
    }

    [Test]
    public async Task A_terminated_command_is_forgotten_and_its_id_then_answers_invalid_selectors()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport);
        var command = await shell.StartAsync("more");

        await command.SignalAsync(WinRsSignal.Terminate);
        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => command.ReceiveAsync());
        var unknown = await Assert.ThrowsAsync<WsManFaultException>(() => shell.Command("644983A8-4292-4922-97E9-D569C2170784").ReceiveAsync());

        Assert.That(fault!.Code, Is.EqualTo(2150858843u));
        Assert.That(unknown!.Code, Is.EqualTo(2150858843u));
    }

    [Test]
    public async Task Ctrl_c_ends_a_command_waiting_for_stdin_with_status_control_c_exit()
    {
        await using var shell = await WinRsShell.OpenAsync(_transport);
        var command = await shell.StartAsync("more");

        await command.SignalAsync(WinRsSignal.CtrlC);
        var result = await command.ReceiveToEndAsync();

        Assert.That(result.ExitCode, Is.EqualTo(unchecked((int)0xC000013A)));
    }
}
