using System.Text;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Batch files on the computer's disk, run as cmd.exe runs them (Packer's windows-shell provisioner uploads and runs one).</summary>
public class BatchFileTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, string path, string content)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\Windows\Temp");
        disk.Write(path, Encoding.ASCII.GetBytes(content), FileWriteMode.Create);
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [Test]
    public async Task A_batch_file_runs_its_lines_with_its_arguments_and_environment_and_exits_with_its_code()
    {
        var (host, code) = await RunAsync("set \"PACKER_BUILD_NAME=win\" && \"C:/Windows/Temp/script.bat\" first \"two words\"", @"C:\Windows\Temp\script.bat",
            "@echo off\r\nrem a comment\r\n:label\r\necho build %PACKER_BUILD_NAME% args %1 %2 all %*\r\nset STEP=2\r\necho step %STEP% in %~dp0 as %~nx0 100%%\r\n" +
            "type C:\\nope.txt\r\necho level %ERRORLEVEL%\r\nexit /b 7\r\necho never\r\n");

        Assert.That(host.Stdout, Is.EqualTo(
            "build win args first \"two words\" all first \"two words\"\r\n" +
            "step 2 in C:\\Windows\\Temp\\ as script.bat 100%\r\n" +
            "level 1\r\n"));
        Assert.That((host.Stderr, code), Is.EqualTo(("The system cannot find the file specified.\r\n", 7)));
    }

    /// <summary>With echo on (cmd's default), each line is echoed after a blank line and the prompt, as expanded; @ hides one.</summary>
    [Test]
    public async Task With_echo_on_each_line_is_echoed_after_the_prompt()
    {
        var (host, code) = await RunAsync("cmd /c run.cmd", @"C:\Users\psrp\run.cmd", "echo hello\r\n@echo quiet\r\nver\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("\r\nC:\\Users\\psrp>echo hello\r\nhello\r\nquiet\r\n\r\nC:\\Users\\psrp>ver\r\n\r\nMicrosoft Windows [Version 10.0.17763.4974]\r\n", 0)));
    }

    /// <summary>As on a command line, a batch file's for takes the rest of its line as its command, chained commands and blocks included.</summary>
    [Test]
    public async Task A_batch_files_for_runs_the_rest_of_its_line_for_each_value()
    {
        var (host, code) = await RunAsync("cmd /c loop.cmd", @"C:\Users\psrp\loop.cmd",
            "@echo off\r\nfor %%f in (a b) do echo %%f& echo x\r\nfor /l %%i in (1,1,2) do @(echo n%%i& echo hidden >nul)\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("a\r\nx\r\nb\r\nx\r\nn1\r\nn2\r\n", "", 0)));
    }

    [Test]
    public async Task A_batch_file_that_is_not_there_is_not_recognized()
    {
        var (missing, missingCode) = await RunAsync("nothere.bat", @"C:\Users\psrp\other.bat", "");
        var (host, code) = await RunAsync("call x.bat", @"C:\Users\psrp\x.bat", "@echo off\r\nnope.bat\r\necho after\r\ngoto :eof\r\necho never\r\n");

        Assert.That((missing.Stderr, missingCode), Is.EqualTo(("'nothere.bat' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 9009)));
        Assert.That((host.Stdout, code), Is.EqualTo(("after\r\n", 9009)), "a missing batch file does not replace the running one; echo leaves its ERRORLEVEL (9009), which goto :eof ends with");
    }

    /// <summary>
    /// echo, rem and (in a .bat file) a set that works leave ERRORLEVEL as the last program left it, so a script's
    /// "if errorlevel 1" after an echo sees the program's code; in a .cmd script set clears it; &amp;&amp; tests the command
    /// before it, not ERRORLEVEL.
    /// </summary>
    [Test]
    public async Task Echo_rem_and_set_leave_errorlevel_as_the_last_program_left_it()
    {
        const string Script = "@echo off\r\ncmd /c exit 3\r\necho ran\r\nrem note\r\necho A %ERRORLEVEL%\r\nset X=1\r\necho B %ERRORLEVEL%\r\n" +
            "echo x >nul && echo and-ran\r\nif errorlevel 3 echo still 3\r\nver >nul\r\necho C %ERRORLEVEL%\r\n";
        var (bat, batCode) = await RunAsync("e.bat", @"C:\Users\psrp\e.bat", Script);
        var (cmd, cmdCode) = await RunAsync("e.cmd", @"C:\Users\psrp\e.cmd", Script);
        var (line, _) = await RunAsync("dir C:\\nope & echo x & if errorlevel 1 echo kept", @"C:\Users\psrp\n.txt", "");

        Assert.That((bat.Stdout, batCode), Is.EqualTo(("ran\r\nA 3\r\nB 3\r\nand-ran\r\nstill 3\r\nC 0\r\n", 0)));
        Assert.That(cmd.Stdout, Is.EqualTo("ran\r\nA 3\r\nB 0\r\nand-ran\r\nC 0\r\n"), "a .cmd script's set clears ERRORLEVEL");
        Assert.That(line.Stdout, Does.EndWith("x \r\nkept\r\n"), "on a command line too (after dir's heading)");
    }

    /// <summary>!ERRORLEVEL! (and the other dynamic variables) expand under delayed expansion, as Chef's bootstrap reads a program's code.</summary>
    [Test]
    public async Task Delayed_expansion_reads_errorlevel_and_the_other_dynamic_variables()
    {
        var (host, code) = await RunAsync("d.bat", @"C:\Users\psrp\d.bat",
            "@echo off\r\nsetlocal enabledelayedexpansion\r\ndir C:\\nope >nul 2>nul\r\nset CODE=!ERRORLEVEL!\r\nif !CODE!==1 echo code !CODE! in !CD!\r\nset ERRORLEVEL=own\r\necho !ERRORLEVEL!\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("code 1 in C:\\Users\\psrp\r\nown\r\n", "", 1)), "a variable set by that name wins over the dynamic one");
    }

    /// <summary>goto looks for its label below it first, then from the top: of two labels of one name, the next one down wins.</summary>
    [Test]
    public async Task Goto_finds_the_next_label_of_its_name_below_it_before_one_above()
    {
        var (host, code) = await RunAsync("g.bat", @"C:\Users\psrp\g.bat",
            "@echo off\r\ngoto go\r\n:go\r\necho first\r\ngoto go\r\n:go\r\necho second\r\ngoto end\r\n:end\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("first\r\nsecond\r\n", 0)), "the second goto go goes down to the second label, not back up to the first");
    }

    /// <summary>
    /// A block's line ending with an escaped parenthesis (knife-windows' "echo.param^(") is a command of its own; a block
    /// written to a file with the redirection first ("&gt; file (" ... ")") writes each echo's text with its escapes taken out.
    /// </summary>
    [Test]
    public async Task A_block_line_ending_with_an_escaped_parenthesis_is_a_command_of_its_own()
    {
        var (host, code) = await RunAsync("w.bat", @"C:\Users\psrp\w.bat",
            "@echo off\r\n> C:\\Windows\\Temp\\w.ps1 (\r\n echo.param^(\r\n echo.  [String] $a\r\n echo.^)\r\n echo.$x = ^\"a ^& b^\" ^> c\r\n)\r\ntype C:\\Windows\\Temp\\w.ps1\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("param(\r\n  [String] $a\r\n)\r\n$x = \"a & b\" > c\r\n", "", 0)));
    }

    /// <summary>shift moves %2 into %1 (and %1 into %0); shift /n keeps %0..%n-1; %* never changes.</summary>
    [Test]
    public async Task Shift_moves_the_arguments_down_and_leaves_all_arguments_alone()
    {
        var (host, code) = await RunAsync("args.bat a b c d", @"C:\Users\psrp\args.bat",
            "@echo off\r\n:loop\r\nif \"%1\"==\"\" goto done\r\necho arg %1\r\nshift\r\ngoto loop\r\n:done\r\necho all %*\r\n" +
            "call :sub x y z\r\nexit /b\r\n:sub\r\nshift /2\r\necho %0 %1 %2 [%3]\r\nshift\r\necho zero %0 then %~nx0\r\nshift /9\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("arg a\r\narg b\r\narg c\r\narg d\r\nall a b c d\r\n:sub x z []\r\nzero x then x\r\n", 0)));
        Assert.That(host.Stderr, Is.EqualTo("The syntax of the command is incorrect.\r\n"), "shift /9 is not one of /0../8");
    }

    /// <summary>%~ modifiers take a parameter apart (call /?): drive, folder, name, extension, size, attributes, time, PATH search.</summary>
    [Test]
    public async Task Path_modifiers_take_a_parameter_apart()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\Tools");
        disk.Write(@"C:\Tools\tool.exe", "12345"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\data.tar.gz", "0123456789"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\parts.cmd", Encoding.ASCII.GetBytes(
            "@echo off\r\necho [%~d1][%~p1][%~n1][%~x1][%~z1]\r\necho [%~f1][%~dpnx1][%~nx0][%~dp0][%~f0]\r\necho [%~a1][%~t1]\r\n" +
            "echo [%~f2][%~z2][%~a2][%~2]\r\necho [%~$PATH:3][%~dp$PATH:3][%~$PATH:2]\r\necho [%~ftza1]\r\n"), FileWriteMode.Create);
        var host = new FakeCommandLineHost
        {
            Encoding = Encoding.ASCII,
            FileSystem = disk,
            Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp" },
            Environment = [new("PATH", @"C:\Windows;C:\Tools")],
        };

        var code = await Default.ResolveCommandLine("parts.cmd data.tar.gz \"..\\missing file.txt\" tool.exe").RunAsync(host, TimeProvider.System, CancellationToken.None);

        var time = disk.Get(@"C:\Users\psrp\data.tar.gz")!.LastWriteTime.ToString("MM/dd/yyyy hh:mm tt", EnglishUnitedStates.Culture);
        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((
            "[C:][\\Users\\psrp\\][data.tar][.gz][10]\r\n" +
            "[C:\\Users\\psrp\\data.tar.gz][C:\\Users\\psrp\\data.tar.gz][parts.cmd][C:\\Users\\psrp\\][C:\\Users\\psrp\\parts.cmd]\r\n" +
            $"[--a--------][{time}]\r\n" +
            "[C:\\Users\\missing file.txt][][][..\\missing file.txt]\r\n" +
            "[C:\\Tools\\tool.exe][C:\\Tools\\][]\r\n" +
            $"[--a-------- {time} 10 C:\\Users\\psrp\\data.tar.gz]\r\n", "", 0)));
    }

    /// <summary>for /r walks a folder tree (the top first, then depth first by name), for /d matches folders, and %~ modifiers apply to loop variables.</summary>
    [Test]
    public async Task For_r_walks_the_tree_and_for_d_matches_folders()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        foreach (var folder in new[] { @"C:\src\b", @"C:\src\a\deep", @"C:\Users\psrp" }) disk.CreateDirectory(folder);
        foreach (var file in new[] { @"C:\src\top.txt", @"C:\src\a\one.txt", @"C:\src\a\deep\two.txt", @"C:\src\b\three.log", @"C:\src\b\four.txt" })
        {
            disk.Write(file, "x"u8, FileWriteMode.Create);
        }

        disk.Write(@"C:\Users\psrp\walk.bat", Encoding.ASCII.GetBytes(
            "@echo off\r\nfor /r C:\\src %%f in (*.txt) do echo file %%f as %%~nxf in %%~dpf\r\nfor /d %%d in (C:\\src\\*) do echo dir %%d\r\n" +
            "for /d /r \"C:\\src\" %%d in (*) do echo tree %%~nd\r\npushd C:\\src\\a\r\nfor /r %%f in (.) do echo here %%f\r\nfor /r C:\\nope %%f in (*) do echo never\r\n"), FileWriteMode.Create);
        var host = FakeCommandLineHost.OnDisk(disk);

        var code = await Default.ResolveCommandLine("walk.bat").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((
            "file C:\\src\\top.txt as top.txt in C:\\src\\\r\n" +
            "file C:\\src\\a\\one.txt as one.txt in C:\\src\\a\\\r\n" +
            "file C:\\src\\a\\deep\\two.txt as two.txt in C:\\src\\a\\deep\\\r\n" +
            "file C:\\src\\b\\four.txt as four.txt in C:\\src\\b\\\r\n" +
            "dir C:\\src\\a\r\ndir C:\\src\\b\r\n" +
            "tree a\r\ntree b\r\ntree deep\r\n" +
            "here C:\\src\\a\\.\r\nhere C:\\src\\a\\deep\\.\r\n", "", 0)));
    }

    /// <summary>
    /// setlocal keeps the environment, the folder and delayed expansion; endlocal (or the end of the file or call) restores
    /// them, and "endlocal &amp; set X=%X%" hands a value out because the line was expanded first.
    /// </summary>
    [Test]
    public async Task Setlocal_and_endlocal_restore_what_they_kept()
    {
        var (host, code) = await RunAsync("cmd /c \"local.bat & set OUT & cd & set INNER\"", @"C:\Users\psrp\local.bat",
            "@echo off\r\nset OUT=before\r\nsetlocal enabledelayedexpansion\r\nset OUT=changed\r\nset INNER=1\r\ncd \\Windows\r\necho in !OUT! %CD%\r\n" +
            "endlocal & set KEPT=%OUT%\r\necho after [%OUT%] [%INNER%] [!OUT!] [%KEPT%] %CD%\r\ncall :sub\r\necho back [%SUB%]\r\nsetlocal\r\nset INNER=leaks not\r\nexit /b 0\r\n" +
            ":sub\r\nsetlocal\r\nset SUB=inside\r\nendlocal\r\nendlocal\r\nsetlocal\r\nset SUB=again\r\ngoto :eof\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((
            "in changed C:\\Windows\r\nafter [before] [] [!OUT!] [changed] C:\\Users\\psrp\r\nback []\r\nOUT=before\r\nC:\\Users\\psrp\r\n",
            "Environment variable INNER not defined\r\n", 1)));
    }

    /// <summary>call runs its command after a second expansion (call set X=%%%NAME%%%); delayed expansion reaches a for's set.</summary>
    [Test]
    public async Task Call_expands_its_command_again_and_delayed_expansion_reaches_a_for_set()
    {
        var (host, code) = await RunAsync("cmd /c \"two.bat & call :label\"", @"C:\Users\psrp\two.bat",
            "@echo off\r\nset X=1\r\nset NAME=X\r\ncall echo value %%%NAME%%%\r\ncall set Y=%%X%%\r\necho Y=%Y%\r\ncall echo %%~nx0 %%1 [%%NOPE%%]\r\n" +
            "setlocal enabledelayedexpansion\r\nset LIST=a b\r\nfor %%i in (!LIST!) do echo item %%i !LIST!\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("value 1\r\nY=1\r\ntwo.bat  []\r\nitem a a b\r\nitem b a b\r\n", 1)));
        Assert.That(host.Stderr, Is.EqualTo("Invalid attempt to call batch label outside of batch script.\r\n"));
    }

    /// <summary>A batch file run without call takes the running one's place: the rest of its line runs, the lines after it do not; echo off carries into a called one.</summary>
    [Test]
    public async Task A_batch_file_run_without_call_does_not_come_back_and_echo_off_carries_into_call()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.Write(@"C:\Users\psrp\first.bat", "@echo off\r\ncall second.bat 1\r\nsecond.bat 2 & echo rest of the line\r\necho never\r\n"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\second.bat", "echo second %1\r\nexit /b 3\r\n"u8, FileWriteMode.Create);
        var host = FakeCommandLineHost.OnDisk(disk);

        var code = await Default.ResolveCommandLine("first.bat & echo then %ERRORLEVEL%").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("second 1\r\nsecond 2\r\nrest of the line\r\nthen %ERRORLEVEL%\r\n", "", 0)));
    }

    /// <summary>if (errorlevel, exist, defined, ==, GTR) with blocks over several lines and else, and goto to a label.</summary>
    [Test]
    public async Task If_and_goto_steer_a_batch_file_as_cmd_does()
    {
        var (host, code) = await RunAsync("check.bat yes", @"C:\Users\psrp\check.bat",
            "@echo off\r\ntype C:\\nope.txt 2>nul\r\nif errorlevel 1 (\r\n  echo missing\r\n  echo still in block\r\n) else (\r\n  echo found\r\n)\r\n" +
            "if not exist C:\\Users\\psrp\\check.bat goto :fail\r\nif /i \"%1\"==\"YES\" echo yes given\r\nif defined PATHEXT (echo has pathext) else (echo no pathext)\r\n" +
            "if 10 GTR 9 echo numbers compare\r\ngoto end\r\necho skipped\r\n:end\r\necho at end\r\nexit /b 0\r\n:fail\r\necho failed\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("missing\r\nstill in block\r\nyes given\r\nno pathext\r\nnumbers compare\r\nat end\r\n", "", 0)));
    }

    /// <summary>exit and goto inside an if's block or a chained line steer the batch file, not only their line.</summary>
    [Test]
    public async Task Exit_and_goto_inside_blocks_and_chains_steer_the_batch_file()
    {
        var (host, code) = await RunAsync("steer.bat", @"C:\Users\psrp\steer.bat",
            "@echo off\r\necho one & goto two\r\necho skipped\r\n:two\r\ntype C:\\nope 2>nul || echo type failed\r\n" +
            "if errorlevel 0 (\r\n  echo in block\r\n  exit /b 5\r\n)\r\necho never\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("one \r\ntype failed\r\nin block\r\n", 5)));
    }

    [TestCase("if exist C:\\Users\\psrp\\notes.txt (echo yes & echo two) else echo no", "yes \r\ntwo\r\n", "", 0)]
    [TestCase("if exist C:\\nope (echo yes) else (echo no)", "no\r\n", "", 0)]
    [TestCase("type C:\\nope.txt 2>nul & if errorlevel 1 echo failed", "failed\r\n", "", 0)]
    [TestCase("if \"a\"==\"A\" (echo same) else echo differs", "differs\r\n", "", 0)]
    [TestCase("if exist", "", "The syntax of the command is incorrect.\r\n", 255)]
    [TestCase("(echo one & echo two)", "one \r\ntwo\r\n", "", 0)]
    public async Task If_on_a_command_line_runs_its_command_or_its_else(string line, string stdout, string stderr, int exitCode)
    {
        var (host, code) = await RunAsync(line, @"C:\Users\psrp\notes.txt", "x");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, stderr, exitCode)));
    }

    [Test]
    public async Task A_goto_loop_that_never_ends_is_stopped_and_a_missing_label_ends_the_file()
    {
        var (loop, loopCode) = await RunAsync("loop.bat", @"C:\Users\psrp\loop.bat", "@echo off\r\n:again\r\ngoto again\r\n");
        var (missing, missingCode) = await RunAsync("miss.bat", @"C:\Users\psrp\miss.bat", "@echo off\r\ngoto nowhere\r\necho never\r\n");

        Assert.That((loop.Stderr, loopCode), Is.EqualTo(("A batch file runs at most 100000 lines in the emulator.\r\n", 1)));
        Assert.That((missing.Stdout, missing.Stderr, missingCode), Is.EqualTo(("", "The system cannot find the batch label specified - nowhere\r\n", 1)));
    }

    [Test]
    public async Task A_batch_file_calling_itself_is_stopped()
    {
        var (host, code) = await RunAsync("loop.bat", @"C:\Users\psrp\loop.bat", "@loop.bat\r\n");

        Assert.That(host.Stderr, Does.Contain("Batch files call each other too deeply in the emulator."));
        Assert.That(code, Is.EqualTo(1));
    }

    [TestCase("for %f in (a b,c) do echo %f", "a\r\nb\r\nc\r\n", "", 0)]
    [TestCase("for %f in (*.txt) do @echo file %f", "file notes.txt\r\n", "", 0)]
    [TestCase("for /l %i in (1,2,5) do echo %i", "1\r\n3\r\n5\r\n", "", 0)]
    [TestCase("for /f \"tokens=1,2*\" %a in (notes.txt) do echo [%a][%b][%c]", "[one][two][three four]\r\n[x][][]\r\n", "", 0)]
    [TestCase("for /f \"skip=1\" %a in (\"only\") do echo %a", "", "", 0)]
    [TestCase("for /f \"tokens=2 delims==\" %a in ('set V') do echo %a", "", "Environment variable V not defined\r\n", 0)]
    [TestCase("for /f \"usebackq tokens=1,2 delims=:\" %a in (`type notes.txt`) do @echo %b-%a", "-one two three four\r\n-x\r\n", "", 0)]
    [TestCase("for /f \"usebackq delims=\" %a in (\"notes.txt\") do @echo [%a]", "[one two three four]\r\n[x]\r\n", "", 0)]
    [TestCase("echo.hello& echo:hi & echo(paren& echo. two", "hello\r\nhi \r\nparen\r\n two\r\n", "", 0)]
    [TestCase("if 1==1 (echo(a& echo.b)", "a\r\nb\r\n", "", 0)]
    [TestCase("for %f in a do echo %f", "", "The syntax of the command is incorrect.\r\n", 255)]
    [TestCase("for /x %f in (*) do echo %f", "", "/x was unexpected at this time.\r\n", 255)]
    [TestCase("for /l /d %f in (*) do echo %f", "", "/d was unexpected at this time.\r\n", 255)]
    [TestCase("for /r %f in (*.txt) do echo %~nf", "notes\r\n", "", 0)]
    [TestCase("for /l %i in (1,1,3) do @(echo n%i& echo hidden%i >nul)", "n1\r\nn2\r\nn3\r\n", "", 0)]
    [TestCase("@(echo a& echo b)", "a\r\nb\r\n", "", 0)]
    [TestCase("for %f in (a b) do @echo %f& echo x", "a\r\nx\r\nb\r\nx\r\n", "", 0)]
    [TestCase("for %f in (a b) do @echo %f >>log.txt& type log.txt", "a \r\na \r\nb \r\n", "", 0)]
    public async Task For_on_a_command_line_runs_its_command_for_each_value(string line, string stdout, string stderr, int exitCode)
    {
        var (host, code) = await RunAsync(line, @"C:\Users\psrp\notes.txt", "one two three four\r\n;comment\r\nx\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, stderr, exitCode)));
    }

    /// <summary>A provisioning script's idioms: an address parsed out of ipconfig with for /f, a loop that stops with goto.</summary>
    [Test]
    public async Task For_in_a_batch_file_parses_command_output_and_goto_leaves_the_loop()
    {
        var (host, code) = await RunAsync("net.bat", @"C:\Users\psrp\net.bat",
            "@echo off\r\nfor /f \"tokens=2 delims=:\" %%a in ('ipconfig ^| findstr IPv4') do set IP=%%a\r\necho IP is%IP%\r\n" +
            "for %%s in (alpha beta gamma) do (\r\n  echo checking %%s\r\n  if %%s==beta goto found\r\n)\r\necho not found\r\nexit /b 1\r\n:found\r\necho found beta\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("IP is 10.0.0.4\r\nchecking alpha\r\nchecking beta\r\nfound beta\r\n", "", 0)));
    }

    /// <summary>Nested loops share one budget of iterations: a loop inside a loop cannot run for ever.</summary>
    [Test]
    public async Task Nested_loops_share_one_bounded_budget()
    {
        var (host, code) = await RunAsync("for /l %i in (1,1,100000) do @for /l %j in (1,1,100000) do @rem %i %j", @"C:\Users\psrp\n.txt", "")
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That((host.Stdout, code), Is.EqualTo(("", 0)));
    }

    /// <summary>setlocal enabledelayedexpansion: !NAME! expands as each command runs, so a loop sees what it set.</summary>
    [Test]
    public async Task Delayed_expansion_lets_a_loop_see_what_it_set()
    {
        var (host, code) = await RunAsync("loop.bat", @"C:\Users\psrp\loop.bat",
            "@echo off\r\nsetlocal enabledelayedexpansion\r\nfor %%f in (a b c) do (\r\n  set LAST=%%f\r\n  echo now !LAST! was %LAST%\r\n)\r\n" +
            "if \"!LAST!\"==\"c\" echo last is c\r\necho percent %LAST% bang !LAST! gone !NOPE!\r\n");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("now a was \r\nnow b was \r\nnow c was \r\nlast is c\r\npercent c bang c gone \r\n", "", 0)));
    }

    /// <summary>call :label runs a subroutine with its own arguments and comes back with its exit code.</summary>
    [Test]
    public async Task Call_label_runs_a_subroutine_with_its_own_arguments()
    {
        var (host, code) = await RunAsync("sub.bat outer", @"C:\Users\psrp\sub.bat",
            "@echo off\r\ncall :greet world \"two words\"\r\necho back with %ERRORLEVEL% in %1\r\ncall :nope\r\nexit /b 0\r\n" +
            ":greet\r\necho hello %1 and %~2 all %* from %0\r\nexit /b 4\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("hello world and two words all world \"two words\" from :greet\r\nback with 4 in outer\r\n", 0)));
        Assert.That(host.Stderr, Is.EqualTo("The system cannot find the batch label specified - nope\r\n"));
    }

    /// <summary>cd, pushd and popd move the process: the commands after them, the prompt and %CD% follow.</summary>
    [Test]
    public async Task Cd_pushd_and_popd_move_the_batch_file_s_process()
    {
        var (host, code) = await RunAsync("cd.bat", @"C:\Users\psrp\cd.bat",
            "@echo off\r\ncd /d C:\\Windows\\Temp\r\necho in %CD%\r\necho x> made.txt\r\npushd C:\\\r\necho in %CD%\r\npopd\r\ntype made.txt\r\ncd C:\\nope\r\necho still %CD%\r\n");
        var (line, lineCode) = await RunAsync("cd C:\\Windows\\Temp && cd", @"C:\Users\psrp\n.txt", "");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("in C:\\Windows\\Temp\r\nin C:\\\r\nx\r\nstill C:\\Windows\\Temp\r\n", "The system cannot find the path specified.\r\n", 1)), "the failed cd's ERRORLEVEL outlives the echo after it");
        Assert.That((line.Stdout, lineCode), Is.EqualTo(("C:\\Windows\\Temp\r\n", 0)));
    }

    /// <summary>set /a: a counter loop, operators, hex and octal, division by zero; on a command line it prints its value.</summary>
    [Test]
    public async Task Set_a_computes_counters_and_expressions()
    {
        var (host, code) = await RunAsync("count.bat", @"C:\Users\psrp\count.bat",
            "@echo off\r\nset /a COUNT=0\r\n:loop\r\nset /a COUNT+=1\r\nif %COUNT% LSS 3 goto loop\r\necho count %COUNT%\r\n" +
            "set /a \"R=(7+3)/2 %% 3, H=0x10, O=010, N=-(2)\"\r\necho %R% %H% %O% %N%\r\nset /a Z=1/0\r\necho after %ERRORLEVEL%\r\n");
        var (line, lineCode) = await RunAsync("set /a 1+2*3", @"C:\Users\psrp\n.txt", "");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("count 3\r\n2 16 8 -2\r\nafter 1073750993\r\n", "Divide by zero error.\r\n", 1073750993)), "the division's ERRORLEVEL outlives the echo after it");
        Assert.That((line.Stdout, lineCode), Is.EqualTo(("7", 0)));
    }

    /// <summary>Seeded random set /a expressions: a value or cmd's error each time, never an exception.</summary>
    [Test]
    public async Task Random_set_a_expressions_end_with_a_value_or_an_error()
    {
        string[] pieces = ["1", "0", "-2147483648", "2147483647", "0x10", "010", "09", "x", "y", "+", "-", "*", "/", "%", "(", ")", "=", "+=", "/=", "%=", ",", " ", "--", "abc"];
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261130));
        var catalog = BehaviourCatalog.LoadDefault();
        for (var i = 0; i < PsrpEmulator.Tests.Fuzz.Runs(3000); i++)
        {
            var expression = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 16));
            try
            {
                await catalog.ResolveCommandLine("set /a " + expression).RunAsync(host, TimeProvider.System, CancellationToken.None);
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} for <<set /a {expression}>>: {e.Message}");
            }
        }
    }

    /// <summary>set /p: a file's first line (set /p V=&lt;file), or a line of stdin after the prompt.</summary>
    [Test]
    public async Task Set_p_reads_a_file_s_first_line_or_a_line_of_stdin()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.Write(@"C:\Users\psrp\version.txt", "1.2.3\r\nignored\r\n"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\ask.bat", "@echo off\r\nset /p VERSION=<version.txt\r\nset /p NAME=Your name: \r\necho.\r\necho %NAME% runs %VERSION%\r\nset /p MORE=Again: \r\necho code %ERRORLEVEL%\r\n"u8, FileWriteMode.Create);
        var host = FakeCommandLineHost.OnDisk(disk);
        host.Stdin.Enqueue("Ada\r\n"u8.ToArray());

        var code = await Default.ResolveCommandLine("ask.bat").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((host.Stdout, code), Is.EqualTo(("Your name: \r\nAda runs 1.2.3\r\nAgain: code 1\r\n", 1)), "set /p without a line sets ERRORLEVEL 1, which the echo after it leaves");
    }
}
