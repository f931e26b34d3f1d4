using System.Text;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The <c>cmd:</c> section, command-line parsing and powershell.exe's command-line options.</summary>
public class CommandLineTests
{
    [TestCase("cmd.exe /c echo hi", "echo hi")]
    [TestCase(@"C:\Windows\System32\cmd.exe /q /c ""dir /b""", "dir /b")]
    [TestCase("CMD /C hostname", "hostname")]
    [TestCase("echo hi", "echo hi")]
    [TestCase("cmd.exe", "cmd.exe")]
    public void A_leading_cmd_c_is_removed_before_matching(string line, string expected) =>
        Assert.That(CommandLineText.StripCmdShell(line), Is.EqualTo(expected));

    // cmd /?: the quotes stay only for exactly two around an executable's name with whitespace and no special
    // character; otherwise the leading quote goes with the last quote of the line, wherever that is.
    [TestCase("\"ipconfig\" /all", "ipconfig /all")]
    [TestCase("\"echo hello & echo err 1>&2 & exit /b 2\"", "echo hello & echo err 1>&2 & exit /b 2")]
    [TestCase("\"dir /z\"", "dir /z")]
    [TestCase("  \"echo\" hello world", "echo hello world")]
    [TestCase(@"""C:\Program Files\Tool\tool.exe""", @"""C:\Program Files\Tool\tool.exe""")]
    [TestCase(@"""C:\Program Files\Tool\tool.exe"" ""a b""", @"C:\Program Files\Tool\tool.exe"" ""a b")]
    [TestCase(@"""C:\Program Files\Tool (x86)\tool.exe""", @"C:\Program Files\Tool (x86)\tool.exe")]
    [TestCase("\"unterminated", "unterminated")]
    [TestCase("echo \"as is\"", "echo \"as is\"")]
    [TestCase("", "")]
    public void Cmd_c_takes_the_quotes_of_its_command_line_as_cmd_exe_does(string rest, string expected) =>
        Assert.That(CommandLineText.CmdSlashC(rest), Is.EqualTo(expected));

    [TestCase("-EncodedCommand")]
    [TestCase("-encodedcommand")]
    [TestCase("-enc")]
    [TestCase("-ec")]
    [TestCase("-e")]
    public void Powershell_exe_decodes_an_encoded_command_however_the_option_is_abbreviated(string option)
    {
        var encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes("Get-Date; 'x'"));

        Assert.That(PowerShellExe.TryGetScript($"powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -OutputFormat Text {option} {encoded}", out var script), Is.True);
        Assert.That(script, Is.EqualTo("Get-Date; 'x'"));
    }

    [TestCase(@"powershell.exe -Command Get-Process -Name x", "Get-Process -Name x")]
    [TestCase(@"C:\Windows\system32\WindowsPowerShell\v1.0\powershell.exe Write-Host hi", "Write-Host hi")]
    [TestCase(@"PowerShell -NoProfile -c ""Write-Output 1""", "Write-Output 1")]
    [TestCase(@"powershell -executionpolicy bypass ""& { exit $LastExitCode }""", "& { exit $LastExitCode }")]
    [TestCase(@"powershell Write-Host ""a b""", "Write-Host a b")]
    public void Powershell_exe_takes_the_command_option_or_bare_words_as_the_script(string line, string expected)
    {
        Assert.That(PowerShellExe.TryGetScript(line, out var script), Is.True);
        Assert.That(script, Is.EqualTo(expected));
    }

    [TestCase("exit 5", "", 5)]
    [TestCase("'a'\nEXIT -1\n'b'", "'a'", -1)]
    [TestCase("Get-Item x; exit 0; exit 7", "Get-Item x", 0)]
    public void Powershell_exe_scripts_end_at_their_first_top_level_exit_statement(string script, string before, int code) =>
        Assert.That(PowerShellExeScript.FindExit(script), Is.EqualTo((before, code)));

    [TestCase("if ($x) { exit 2 }")]
    [TestCase("'exit 3'")]
    [TestCase("exit")]
    [TestCase("exit 99999999999")]
    public void An_exit_inside_a_block_or_a_string_or_without_a_code_is_not_a_top_level_exit(string script) =>
        Assert.That(PowerShellExeScript.FindExit(script), Is.Null);

    // Vagrant's test and which filters ("if (...) { exit 0 } exit 1"): an exit inside a block ends the run with its code,
    // the top-level exit after it never runs.
    [TestCase("powershell -NoProfile -Command \"if (Test-Path C:\\Windows) { exit 0 } exit 1\"", 0)]
    [TestCase("powershell -NoProfile -Command \"if (Test-Path C:\\Nope) { exit 0 } exit 1\"", 1)]
    [TestCase("powershell -Command \"foreach ($i in 1..3) { if ($i -eq 2) { exit 6 } }; exit 1\"", 6)]
    [TestCase("powershell -Command \"function f { exit 9 }; f; exit 1\"", 9)]
    public async Task Powershell_exe_exits_with_the_code_of_an_exit_inside_a_block_before_a_top_level_exit(string line, int exitCode)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Windows");
        var host = FakeCommandLineHost.OnDisk(disk);

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(code, Is.EqualTo(exitCode), () => host.Stderr);
    }

    // Ansible's bootstrap runs chcp.com 65001 before every module; a code page Windows has not is refused.
    [TestCase("chcp", "Active code page: 437\r\n", 0)]
    [TestCase("chcp.com 65001", "Active code page: 65001\r\n", 0)]
    [TestCase("CHCP 1252", "Active code page: 1252\r\n", 0)]
    [TestCase("chcp 1234", "Invalid code page\r\n", 1)]
    public async Task Chcp_tells_and_sets_the_console_s_code_page(string line, string stdout, int exitCode)
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, code), Is.EqualTo((stdout, exitCode)));
    }

    // The computers reach no other computer's shares (Vagrant's shared folders, a deployment's drive mapping).
    [TestCase("net use", "New connections will be remembered.\r\n\r\nThere are no entries in the list.\r\n\r\n", "", 0)]
    [TestCase("net use Z: \\\\fileserver\\deploy /user:CONTOSO\\svc Secret1 /persistent:no", "", "System error 53 has occurred.\r\n\r\nThe network path was not found.\r\n\r\n", 2)]
    [TestCase("net use \\\\vboxsvr\\vagrant", "", "System error 53 has occurred.\r\n\r\nThe network path was not found.\r\n\r\n", 2)]
    [TestCase("net use Z: /delete /y", "", "The network connection could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2250.\r\n\r\n", 2)]
    public async Task Net_use_lists_no_connections_and_another_computer_s_share_is_not_found(string line, string stdout, string stderr, int exitCode)
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, stderr, exitCode)));
    }

    [TestCase("net use \\\\Server02\\c$")]
    [TestCase("net use Z: \\\\10.0.0.5\\deploy /user:Server02\\svc Secret1")]
    public async Task Net_use_of_another_emulated_computer_s_share_is_not_emulated(string line)
    {
        var network = new NetworkSettings
        {
            Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5" },
            NeighbourAllows = (_, protocol, port) => protocol == "TCP" && port == 445,
        };
        var host = new FakeCommandLineHost { NetworkSettings = network };

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, code), Is.EqualTo(("", 1)));
        Assert.That(host.Stderr, Does.Contain("not emulate"));
    }

    [TestCase("pwsh -c 1")]
    [TestCase("powershell -File x.ps1")]
    [TestCase("powershell -NoProfile")]
    public void Other_programs_and_options_are_not_run_as_powershell_scripts(string line) =>
        Assert.That(PowerShellExe.TryGetScript(line, out _), Is.False);

    [Test]
    public void The_default_scenario_answers_cmd_basics_and_not_recognized_otherwise()
    {
        var catalog = BehaviourCatalog.LoadDefault();

        Assert.That(catalog.ResolveCommandLine("cmd.exe /c echo hi"), Is.InstanceOf<CommandLineBehaviour>());
        Assert.That(catalog.ResolveCommandLine("ipconfig"), Is.InstanceOf<CommandLineBehaviour>());
        Assert.That(catalog.ResolveCommandLine("ipconfig /all"), Is.InstanceOf<IpconfigAllScript>());
        Assert.That(catalog.ResolveCommandLine("powershell -c 'x'"), Is.InstanceOf<PowerShellExeScript>());
        Assert.That(((NotRecognizedScript)catalog.ResolveCommandLine("frob.exe --x")).Name, Is.EqualTo("frob.exe"));
    }

    /// <summary>cmd.exe's chaining: &amp; runs both, &amp;&amp; on success, || on failure, exit ends the line; quotes protect an &amp;.</summary>
    [TestCase("cmd.exe /c echo oops 1>&2 & exit /b 3", "", "oops  \r\n", 3)]
    [TestCase("echo a && echo b", "a \r\nb\r\n", "", 0)]
    [TestCase("dir C:\\nope && echo never || echo fallback", "fallback\r\n", "File Not Found\r\n", 0)]
    [TestCase("exit /b 2 & echo never", "", "", 2)]
    [TestCase("echo \"a & b\"", "\"a & b\"\r\n", "", 0)]
    [TestCase("echo one & echo two 2>&1", "one \r\ntwo \r\n", "", 0)]
    public async Task Commands_chained_with_ampersands_and_bars_run_as_cmd_runs_them(string line, string stdout, string stderr, int exitCode)
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout.Contains(stdout), host.Stderr, code), Is.EqualTo((true, stderr, exitCode)), () => $"stdout: {host.Stdout}");
        if (stdout.Length > 0 && !line.StartsWith("dir", StringComparison.Ordinal)) Assert.That(host.Stdout, Is.EqualTo(stdout));
    }

    // cmd.exe takes each ^ outside quotes out of a command once its line is split, the character after it kept as
    // text: an escaped parenthesis, redirection, pipe or ampersand is echo's text; ^^ is one caret.
    [TestCase("echo a ^( b ^)", "a ( b )\r\n")]
    [TestCase("echo a ^^ b ^> c ^| d ^& e", "a ^ b > c | d & e\r\n")]
    [TestCase("echo \"in ^ quotes\" ^& out", "\"in ^ quotes\" & out\r\n")]
    [TestCase("(echo.a ^( b)", "a ( b\r\n")]
    [TestCase(">> C:\\x.txt (echo.a ^( b) && type C:\\x.txt", "a ( b\r\n")]
    [TestCase("echo a ^> b> C:\\y.txt & type C:\\y.txt", "a > b \r\n")]
    [TestCase("set V=a^&b& set V", "V=a&b\r\n")]
    public async Task Carets_escape_the_next_character_of_a_command_and_are_taken_out(string line, string stdout)
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, "", 0)));
    }

    [TestCase("netstat -rn", "netstat")]
    [TestCase("cmd /c klist purge", "klist")]
    [TestCase("gpresult.exe /r", "gpresult.exe")]
    [TestCase("ipconfig /registerdns", "ipconfig")]
    [TestCase("whoami /logonid", "whoami")]
    [TestCase("hostname.exe -s", "hostname.exe")]
    public async Task A_command_Windows_has_that_no_rule_answers_says_the_emulator_does_not_emulate_it(string line, string name)
    {
        var script = BehaviourCatalog.LoadDefault().ResolveCommandLine(line);
        var host = new FakeCommandLineHost();

        var exitCode = await script.RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(((NotEmulatedCommandScript)script).Name, Is.EqualTo(name));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(host.Stderr, Is.EqualTo($"{name} is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n"));
        Assert.That(host.Stdout, Is.Empty);
    }

    [Test]
    public void A_user_cmd_rule_wins_over_the_default_and_powershell_lines()
    {
        var user = BehaviourCatalog.Parse("""
            cmd:
              - name: mine
                regex: 'powershell .*'
                steps:
                  - stdout: "scripted\r\n"
            """, "user.yaml");

        var resolved = BehaviourCatalog.Combine(user, BehaviourCatalog.LoadDefault()).ResolveCommandLine("powershell -c 1");

        Assert.That(resolved.Description, Is.EqualTo("mine"));
    }

    [Test]
    public void A_line_read_from_stdin_is_a_name_for_the_steps_after_it_only()
    {
        var catalog = BehaviourCatalog.Parse("cmd:\n  - match: x\n    steps:\n      - stdin: line\n      - stdout: '{line}'\n", "s.yaml");

        Assert.That(((CommandLineBehaviour)catalog.ResolveCommandLine("x")).Rule.Steps, Has.Count.EqualTo(2));
    }

    [TestCase("cmd:\n  - match: x\n    steps:\n      - exit: 1\n      - stdout: y\n", "line 4, column 9: 'exit:' ends a rule")]
    [TestCase("cmd:\n  - match: x\n    steps:\n      - print: y\n", "line 4, column 9: unknown cmd step 'print'")]
    [TestCase("cmd:\n  - regex: 'a(?<n>b)'\n    steps:\n      - stdout: '{m}'\n", "line 4")]
    [TestCase("cmd:\n  - match: x\n    steps:\n      - stdin: read\n", "stdin: supports 'echo' and 'line'")]
    [TestCase("cmd:\n  - match: x\n    steps:\n      - stdout: '{line}'\n      - stdin: line\n", "line 4")]
    [TestCase("cmd:\n  - steps: []\n", "needs 'match:'")]
    public void Cmd_rule_mistakes_are_load_errors_with_their_position(string yaml, string expected)
    {
        var e = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse(yaml, "s.yaml"));

        Assert.That(e!.Message, Does.StartWith("s.yaml, line"));
        Assert.That(e.Message, Does.Contain(expected));
    }

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunPowerShellAsync(string line, params string[] stdinChunks)
    {
        var host = new FakeCommandLineHost();
        foreach (var chunk in stdinChunks) host.Stdin.Enqueue(System.Text.Encoding.UTF8.GetBytes(chunk));
        var exitCode = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host, exitCode);
    }

    // The error lines of powershell.exe's CLIXML stderr, decoded as pywinrm decodes them.
    private static string ErrorText(string stderr) => string.Concat(
        System.Text.RegularExpressions.Regex.Matches(stderr, "<S S=\"Error\">(.*?)</S>").Select(m => System.Xml.XmlConvert.DecodeName(m.Groups[1].Value)))
        .Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"").Replace("&apos;", "'");

    /// <summary>
    /// Windows PowerShell 5.1's console shows an error with the command that wrote it, the place in the script, and
    /// CategoryInfo and FullyQualifiedErrorId lines (its ErrorInstance view); a long line wraps at words to the console.
    /// </summary>
    [TestCase("Get-Item C:\\nope",
        "Get-Item : Cannot find path 'C:\\nope' because it does not exist.\r\nAt line:1 char:1\r\n+ Get-Item C:\\nope\r\n+ ~~~~~~~~~~~~~~~~\r\n" +
        "    + CategoryInfo          : ObjectNotFound: (C:\\nope:String) [Get-Item], ItemNotFoundException\r\n" +
        "    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand\r\n \r\n")]
    [TestCase("'before'; gi C:\\nope",
        "gi : Cannot find path 'C:\\nope' because it does not exist.\r\nAt line:1 char:11\r\n+ 'before'; gi C:\\nope\r\n+           ~~~~~~~~~~\r\n" +
        "    + CategoryInfo          : ObjectNotFound: (C:\\nope:String) [Get-Item], ItemNotFoundException\r\n" +
        "    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand\r\n \r\n")]
    // Write-Error takes its caller's InvocationInfo: at the top level, the script, named by its text, with no position
    // (WinRb/WinRM#220 shows `Write-Error "error" : error`).
    [TestCase("Write-Error 'error'",
        "Write-Error 'error' : error\r\n    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\r\n" +
        "    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException\r\n \r\n")]
    [TestCase("Write-Output before; throw 'it broke'",
        "it broke\r\nAt line:1 char:22\r\n+ Write-Output before; throw 'it broke'\r\n+                      ~~~~~~~~~~~~~~~~\r\n" +
        "    + CategoryInfo          : OperationStopped: (it broke:String) [], RuntimeException\r\n    + FullyQualifiedErrorId : it broke\r\n \r\n")]
    public async Task Powershell_exe_shows_an_error_with_its_command_and_place_as_the_console_does(string script, string expected)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        var host = FakeCommandLineHost.OnDisk(disk);
        await BehaviourCatalog.LoadDefault().ResolveCommandLine("powershell -NoProfile -Command \"" + script + "\"").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(ErrorText(host.Stderr), Is.EqualTo(expected));
    }

    /// <summary>
    /// A catch's <c>$_</c> carries the InvocationInfo and ScriptStackTrace of where the error was raised (the innermost
    /// statement: a throw in a try block, a cmdlet in a function's body), as scripts log it.
    /// </summary>
    [TestCase("try {\n  $x = 1\n  throw 'bad'\n} catch { $_.InvocationInfo.ScriptLineNumber; $_.InvocationInfo.OffsetInLine; $_.InvocationInfo.Line; $_.ScriptStackTrace }",
        "3\r\n3\r\n  throw 'bad'\r\nat <ScriptBlock>, <No file>: line 3\r\n")]
    [TestCase("function f { Get-Item C:\\nope -ErrorAction Stop }\ntry { f } catch { $_.InvocationInfo.ScriptLineNumber; \"$($_.InvocationInfo.MyCommand)\"; $_.InvocationInfo.PositionMessage }",
        "1\r\nGet-Item\r\nAt line:1 char:14\r\n+ function f { Get-Item C:\\nope -ErrorAction Stop }\r\n+              ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\r\n")]
    [TestCase("'a'; try { Get-Frobnicator } catch { $_.InvocationInfo.InvocationName; $_.InvocationInfo.ScriptLineNumber }", "a\r\nGet-Frobnicator\r\n1\r\n")]
    // MyCommand is the cmdlet's CommandInfo in the session (its name as text on the wire).
    [TestCase("try { gi C:\\nope -ErrorAction Stop } catch { $_.InvocationInfo.MyCommand.Name; $_.InvocationInfo.MyCommand.CommandType; $_.InvocationInfo.InvocationName; \"$($_.InvocationInfo.MyCommand)\" }",
        "Get-Item\r\nCmdlet\r\ngi\r\nGet-Item\r\n")]
    public async Task A_caught_error_is_placed_where_it_was_raised(string script, string expected)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        var host = FakeCommandLineHost.OnDisk(disk);
        var encoded = Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(script));
        await BehaviourCatalog.LoadDefault().ResolveCommandLine("powershell -NoProfile -EncodedCommand " + encoded).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(host.Stdout, Is.EqualTo(expected));
    }

    [Test]
    public void A_long_error_line_wraps_at_words_keeping_the_space_and_the_category_line_is_cut_at_the_width_less_six()
    {
        // WinRb/WinRM's recorded stderr of an unknown command on an 80-column console.
        var record = ScriptedError.ToErrorRecord(new ScriptedError(
            "The term 'doit' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
            "CommandNotFoundException", PsrpEmulator.Protocol.Psrp.ErrorCategory.ObjectNotFound, "System.Management.Automation.CommandNotFoundException", "doit"));
        var placed = PsrpEmulator.Server.Shells.ErrorPlacement.Place(record, "doit", isScript: true, commandCount: 1, 0, 4, serializeExtendedInfo: false, errorStream: true);

        Assert.That(PsrpEmulator.Server.Behaviours.Formatting.ConsoleErrorView.Lines(placed, 80), Is.EqualTo(new[]
        {
            "doit : The term 'doit' is not recognized as the name of a cmdlet, function, ",
            "script file, or operable program. Check the spelling of the name, or if a path ",
            "was included, verify that the path is correct and try again.",
            "At line:1 char:1",
            "+ doit",
            "+ ~~~~",
            "    + CategoryInfo          : ObjectNotFound: (doit:String) [], CommandNotFoun ",
            "   dException",
            "    + FullyQualifiedErrorId : CommandNotFoundException",
            " ",
        }));
    }

    [Test]
    public async Task Read_Host_in_powershell_exe_reads_a_line_of_stdin_and_echoes_it_after_its_prompt()
    {
        // The line split across two chunks, CRLF ends: each read takes one line.
        var (host, exitCode) = await RunPowerShellAsync("powershell -NoProfile -Command \"$n = Read-Host 'Name'; 'Hello ' + $n; Read-Host\"", "Ad", "a\r\nsecond\r\n");
        Assert.That(exitCode, Is.Zero);
        Assert.That(host.Stdout, Is.EqualTo("Name: Ada\r\nHello Ada\r\nsecond\r\nsecond\r\n"));
    }

    [Test]
    public async Task Confirm_in_powershell_exe_asks_on_stdout_and_takes_the_hot_key_typed_on_stdin()
    {
        var (host, _) = await RunPowerShellAsync("powershell -Command \"function f { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('x')) { 'done' } else { 'skipped' } }; f -Confirm; f -Confirm\"",
            "maybe\nn\n");
        Assert.That(host.Stdout, Is.EqualTo(
            "Confirm\r\nAre you sure you want to perform this action?\r\nPerforming the operation \"f\" on target \"x\".\r\n" +
            "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): maybe\r\n" +
            "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): n\r\nskipped\r\n" +
            "Confirm\r\nAre you sure you want to perform this action?\r\nPerforming the operation \"f\" on target \"x\".\r\n" +
            "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): done\r\n"));
    }

    [Test]
    public async Task Read_Host_in_a_NonInteractive_powershell_exe_fails_as_its_console_host_refuses()
    {
        var (host, exitCode) = await RunPowerShellAsync("powershell -NonInteractive -Command \"Read-Host 'Name'\"", "Ada\r\n");
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(host.Stdout, Is.Empty);
        Assert.That(host.Stderr, Does.Contain("Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.").And.Contain("PSInvalidOperationException"));
    }

    // netstat over the computer's listeners: -o the owning process, -b its owner (InSpec's port resource reads -anbo),
    // -p one protocol; without -a there are no connections to list.
    [TestCase("netstat -ano -p TCP", "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1868\r\n  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4\r\n")]
    [TestCase("netstat -a -n -p udp", "\r\n  UDP    0.0.0.0:123            *:*                    \r\n")]
    [TestCase("netstat -anbo", "LISTENING       1868\r\n  RpcSs\r\n [svchost.exe]\r\n  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4\r\n Can not obtain ownership information\r\n")]
    [TestCase("netstat -an", "  TCP    [::]:47001             [::]:0                 LISTENING\r\n  UDP    0.0.0.0:123")]
    [TestCase("netstat -n", "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State\r\n")]
    public async Task Netstat_lists_the_computer_s_listeners(string line, string expected)
    {
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 20));

        var code = await BehaviourCatalog.LoadDefault().ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((code, host.Stderr), Is.EqualTo((0, string.Empty)));
        Assert.That(host.Stdout, Does.Contain(expected));
        if (line == "netstat -n") Assert.That(host.Stdout, Is.EqualTo(expected));
        if (line.Contains("TCP", StringComparison.Ordinal)) Assert.That(host.Stdout, Does.Not.Contain("[::]").And.Not.Contain("UDP"));
    }
}
