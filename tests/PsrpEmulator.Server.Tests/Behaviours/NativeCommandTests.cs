using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A Windows program a PowerShell script runs, as Windows PowerShell 5.1 runs one in a remote session: by the
/// computer's command-line rules (the default scenario's <c>cmd:</c>), each stdout line a string, each stderr line a
/// NativeCommandError record, the exit code in $LASTEXITCODE and $? false when it is not 0.
/// </summary>
public class NativeCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, time);
        return (host, outcome);
    }

    [Test]
    public async Task A_program_s_stdout_lines_are_strings_PowerShell_can_use()
    {
        var (host, outcome) = await RunAsync("$lines = ipconfig; $lines.Count -gt 3; $lines[1]; ($lines | Where-Object { $_ -like '*IPv4*' }).Count");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "Windows IP Configuration", "1" }));
    }

    /// <summary>cmd's date /t and time /t tell the computer's clock (UTC); a command cmd runs that is not emulated is named, not cmd.</summary>
    [Test]
    public async Task Cmd_date_and_time_read_the_clock_and_a_command_it_runs_not_emulated_is_named()
    {
        var (host, _) = await RunAsync("cmd /c 'date /t'; cmd /c 'time /t'; cmd /c 'tree C:\\'; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Mon 11/30/2026 ", "10:30 AM", "after" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("PsrpEmulator.ScenarioError", "tree is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)"),
        }));
    }

    /// <summary>cmd /c expands its line's %VARIABLES% from the session process's environment, with what the session set; another program gets them as written.</summary>
    [Test]
    public async Task Cmd_c_expands_the_session_process_s_environment_variables_and_its_children_inherit_them()
    {
        var (host, _) = await RunAsync("""
            cmd /c "echo %COMPUTERNAME% %NOPE%"
            $env:BUILD_ID = '42'
            cmd /c echo %BUILD_ID%
            cmd /c set BUILD
            $env:BUILD_ID = $null
            cmd /c "if defined BUILD_ID (echo set) else (echo unset)"
            ping -n 1 %COMPUTERNAME%
            """);

        Assert.That(host.OutputTexts.Take(4), Is.EqualTo(new[] { "TESTHOST01 %NOPE%", "42", "BUILD_ID=42", "unset" }));
        Assert.That(host.OutputTexts.Skip(4).First(), Does.Contain("%COMPUTERNAME%"));
    }

    [Test]
    public async Task Cmd_c_runs_its_line_and_a_program_s_stderr_lines_are_NativeCommandError_records()
    {
        var (host, _) = await RunAsync("cmd /c \"echo out & echo err 1>&2 & echo more 1>&2\"; \"code $LASTEXITCODE\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "out ", "code 0" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("err  ", "NativeCommandError"),
            ("more ", "NativeCommandErrorMessage"),
        }));
    }

    [Test]
    public async Task The_exit_code_is_LASTEXITCODE_and_one_not_0_makes_the_statement_fail()
    {
        var (host, _) = await RunAsync("cmd /c exit 5; $?; $LASTEXITCODE; cmd.exe /c \"exit 0\"; $?; $LASTEXITCODE");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "5", "True", "0" }));
        Assert.That(host.Errors, Is.Empty);
    }

    /// <summary>cmd /c of a command cmd cannot find is cmd.exe's "not recognized" on stderr and exit code 9009, not PowerShell's (cmd itself ran).</summary>
    [Test]
    public async Task Cmd_c_of_an_unknown_command_is_cmds_not_recognized_and_exit_code_9009()
    {
        var (host, _) = await RunAsync("cmd /c frob; $LASTEXITCODE; cmd /c \"frob 2>nul\"; $?");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "9009", "False" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("'frob' is not recognized as an internal or external command,", "NativeCommandError"),
            ("operable program or batch file.", "NativeCommandErrorMessage"),
        }));
    }

    /// <summary>
    /// A bare word's quoted parts lose their quotes (<c>/C:"OS Name"</c> is <c>/C:OS Name</c>) and PowerShell quotes an
    /// argument with white space outside quotes, as 5.1's NativeCommandParameterBinder: findstr gets one search string.
    /// </summary>
    [TestCase("cmd /c echo /C:\"OS Name\"", "\"/C:OS Name\"")]
    [TestCase("systeminfo | findstr /B /C:\"OS Name\" /C:\"OS Version\"", "OS Name:                   Microsoft Windows Server 2019 Datacenter|OS Version:                10.0.17763 N/A Build 17763")]
    [TestCase("ipconfig | findstr /C:\"IPv4 Address\"", "   IPv4 Address. . . . . . . . . . . : 10.0.0.4")]
    [TestCase("$v = '\"a b\"'; cmd /c echo $v; cmd /c echo 'x y'", "\"a b\"|\"x y\"")]
    [TestCase("$n = 7; Write-Output /C:\"OS Name\" a'b c'd pre\"$n\".Length", "/C:OS Name|ab cd|pre7.Length")]
    public async Task A_program_gets_each_argument_as_PowerShell_passes_it(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// systeminfo /fo csv read back as objects (an inventory's one-liner): a header of the labels, one line of values, a
    /// multi-line value's lines joined with commas; /nh leaves the header out; /fo list is the default output.
    /// </summary>
    [Test]
    public async Task Systeminfo_as_csv_reads_back_as_one_object_with_the_list_formats_values()
    {
        var (host, _) = await RunAsync("$s = systeminfo /fo csv | ConvertFrom-Csv; $s.'OS Name'; $s.'Original Install Date'; $s.'Hotfix(s)'; @(systeminfo /FO CSV /NH).Count; " +
            "(systeminfo /fo list | Out-String) -eq (systeminfo | Out-String); (systeminfo | findstr /C:\"Original Install Date\")");

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Microsoft Windows Server 2019 Datacenter", "1/12/2026, 9:41:00 AM", "4 Hotfix(s) Installed.,[01]: KB4470788,[02]: KB4486153,[03]: KB5005112,[04]: KB5031361",
            "2", "True", "Original Install Date:     1/12/2026, 9:41:00 AM",
        }));
    }

    /// <summary>The call operator with a command's name, written out, quoted or in a variable: that command.</summary>
    [Test]
    public async Task The_call_operator_runs_the_command_it_names()
    {
        var (host, _) = await RunAsync("& cmd /c \"echo hi\"; & 'cmd.exe' /c exit 4; $LASTEXITCODE; $exe = 'cmd'; & $exe /c echo viavar; & Get-Date -Format yyyy; & ipconfig | Select-Object -Skip 1 -First 1");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "hi", "4", "viavar", "2026", "Windows IP Configuration" }));
    }

    [TestCase("& 'C:\\Program Files\\App\\app.exe' /S; 'after'", "CommandNotFoundException", "The term 'C:\\Program Files\\App\\app.exe' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")]
    // A string of code names no command (a script block a client sent is its text on the server): the name as it is, blanks kept.
    [TestCase("$sb = \" 'x' \"; & $sb; 'after'", "CommandNotFoundException", "The term ' 'x' ' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")]
    [TestCase("$sb = 'Get-Date'; & $sb -Format yyyy | Out-Null; $sb = '$env:COMPUTERNAME'; & $sb; 'after'", "CommandNotFoundException", "The term '$env:COMPUTERNAME' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")]
    [TestCase("& ''; 'after'", "BadExpression", "The expression after '&' in a pipeline element produced an object that was not valid. It must result in a command name, a script block, or a CommandInfo object.")]
    public async Task The_call_operator_with_no_command_is_PowerShell_s_error_and_the_script_goes_on(string script, string id, string message)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>An argument's subexpression that fails writes its error and gives nothing, as in PowerShell: cmd's echo then has no text.</summary>
    [Test]
    public async Task A_failing_argument_writes_its_error_and_the_program_runs_without_it()
    {
        var (host, _) = await RunAsync("cmd /c echo $(1/0); 'after'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Attempted to divide by zero." }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ECHO is on.", "after" }));
    }

    /// <summary>
    /// powershell.exe in a cmd shell: a program it runs writes its stderr on the console itself (raw text, not a CLIXML
    /// error record), its stdout lines are PowerShell's strings, and its exit code not 0 makes $? false (exit code 1).
    /// </summary>
    [Test]
    public async Task In_powershell_exe_a_program_writes_its_stderr_itself_and_its_exit_code_counts()
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var exitCode = await Default.ResolveCommandLine("powershell.exe -NoProfile -Command \"cmd /c 'echo out& echo err 1>&2& exit 3'\"")
            .RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("out\r\n", "err \r\n", 1)));
    }

    /// <summary>
    /// powershell.exe in a cmd shell: a statement that redirects its errors (2>&amp;1, 2>$null) gets the program's stderr
    /// as error records, as Windows PowerShell redirects a program's stderr only then: <c>$x = prog 2>&amp;1</c> captures both.
    /// </summary>
    [Test]
    public async Task In_powershell_exe_a_program_s_stderr_under_a_redirection_becomes_error_records()
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var exitCode = await Default.ResolveCommandLine("powershell.exe -NoProfile -Command \"$x = cmd /c 'echo out& echo err 1>&2' 2>&1; $x.Count; " +
                "$x | ForEach-Object { $_.GetType().Name }; cmd /c 'echo dropped 1>&2' 2>$null; 'end'\"")
            .RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("2\r\nString\r\nErrorRecord\r\nend\r\n", "", 0)));
    }

    [Test]
    public async Task A_program_no_rule_answers_is_still_the_scenario_error()
    {
        var (host, _) = await RunAsync("netstat -s; whoami /logonid; 'after'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("PsrpEmulator.ScenarioError", "netstat is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)"),
            ("PsrpEmulator.ScenarioError", "whoami is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>In a remote session tasklist's wsmprovhost.exe is the session's own process, as Get-Process has it.</summary>
    [Test]
    public async Task Tasklist_in_a_remote_session_lists_its_wsmprovhost_as_PID()
    {
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(),
            Automatic = name => name.ToUpperInvariant() switch { "PID" => PsPrimitive.Int32(4242), "PSSENDERINFO" => PsObjects.CustomObject(), _ => null },
        };

        await Default.Resolve(Behaviour.Script("tasklist /FI \"PID eq $PID\" /NH")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "", "wsmprovhost.exe               4242 Services                   0     61,440 K" }));
    }

    /// <summary>A program after a pipe reads the pipeline's input on its stdin, and its stdout lines go on down the pipeline.</summary>
    [Test]
    public async Task A_program_after_a_pipe_reads_the_pipeline_s_input_and_its_lines_go_on()
    {
        var (host, outcome) = await RunAsync("ipconfig | findstr IPv4 | ForEach-Object { $_.Trim() }; 'b', 'a', 'C' | sort.exe; $LASTEXITCODE; " +
            "(netstat -an | findstr :5985).Count; tasklist | findstr /b wsmprovhost");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "IPv4 Address. . . . . . . . . . . : 10.0.0.4", "a", "b", "C", "0", "2", "wsmprovhost.exe               3120 Services                   0     61,440 K" }));
    }

    /// <summary>
    /// Objects reach the program as Out-String -Stream's lines, in US-ASCII (Windows PowerShell 5.1's $OutputEncoding):
    /// a character ASCII has not arrives as '?'.
    /// </summary>
    [Test]
    public async Task Objects_reach_a_program_as_their_formatted_lines_in_ASCII()
    {
        var (host, _) = await RunAsync("[pscustomobject]@{ Name = 'n1'; Size = 5 }, [pscustomobject]@{ Name = 'n2'; Size = 6 } | findstr n2; 'caf\u00e9' | findstr caf; 1..12 | findstr /x 1.");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Has.Count.EqualTo(5));
        Assert.That(host.OutputTexts[0], Does.Match(@"^n2\s+6$"));
        Assert.That(host.OutputTexts.Skip(1), Is.EqualTo(new[] { "caf?", "10", "11", "12" }));
    }

    /// <summary>5.1's more function pipes its input to more.com in the console's code page: text comes back as it went.</summary>
    [Test]
    public async Task More_passes_its_input_through_more_com_in_the_console_s_code_page()
    {
        var (host, _) = await RunAsync("'a', 'caf\u00e9' | more; function more { 'mine' }; 'x' | more");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a", "caf\u00e9", "mine" }));
    }

    /// <summary>5.1's more function with paths pipes each file's Get-Content through more.com; a missing one is Get-Content's error.</summary>
    [Test]
    public async Task More_with_paths_pipes_each_file_s_content_through_more_com()
    {
        var (host, _) = await RunAsync("$f = 'C:\\Windows\\system.ini'; more C:\\Windows\\win.ini $f; more C:\\nope.txt");

        Assert.That(host.OutputTexts.Take(2), Is.EqualTo(new[] { "; for 16-bit app support", "[fonts]" }));
        Assert.That(host.OutputTexts.Skip(7).First(), Is.EqualTo("; for 16-bit app support"), "system.ini after win.ini's seven lines");
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand" }));
    }

    /// <summary>A batch file PowerShell finds runs through cmd.exe (echo on, its prompt); one that is not there is an unknown command.</summary>
    [Test]
    public async Task A_batch_file_runs_through_cmd_and_a_missing_one_is_unknown()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        host.FileSystem!.CreateDirectory(@"C:\Users\tester\Documents");
        host.FileSystem.Write(@"C:\Users\tester\Documents\setup.bat", "@echo off\r\necho setting up %1\r\nexit /b 4\r\n"u8, FileWriteMode.Create);
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        var create = new CreatePipeline([new PipelineCommand(".\\setup.bat now; $LASTEXITCODE; .\\missing.cmd", IsScript: true, [])], NoInput: true);

        await Default.Resolve(create).RunTestAsync(host, time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "setting up now", "4" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
    }

    [Test]
    public async Task A_filter_that_finds_nothing_exits_1_and_the_statement_fails()
    {
        var (host, _) = await RunAsync("'x' | findstr zzz; $?; $LASTEXITCODE");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "1" }));
    }

    /// <summary>
    /// PowerShell passes an argument's value, so find gets its string without the quotes written around it and refuses
    /// it, as on Windows (find needs them: '"text"').
    /// </summary>
    [Test]
    public async Task Find_gets_its_string_without_PowerShell_s_quotes_unless_they_are_quoted_again()
    {
        var (host, _) = await RunAsync("ipconfig | find /c \"Address\"; ipconfig | find /c '\"Address\"'");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("FIND: Parameter format not correct", "NativeCommandError") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2" }));
    }
}
