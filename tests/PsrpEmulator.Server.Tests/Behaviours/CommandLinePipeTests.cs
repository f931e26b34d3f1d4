using System.Text;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>cmd.exe's pipes between commands, and the text filters they feed: findstr, find and sort.</summary>
public class CommandLinePipeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, Action<VirtualFileSystem>? seed = null, params string[] stdin)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        seed?.Invoke(disk);
        var host = FakeCommandLineHost.OnDisk(disk);
        foreach (var chunk in stdin) host.Stdin.Enqueue(Encoding.ASCII.GetBytes(chunk));
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    private static void Notes(VirtualFileSystem disk) =>
        disk.Write(@"C:\Users\psrp\notes.txt", "pear\r\nApple\r\nbanana split\r\napple pie\r\nabc\r\na-c\r\n"u8, FileWriteMode.Create);

    [Test]
    public async Task A_program_s_output_piped_into_findstr_keeps_the_lines_that_match()
    {
        var (host, exitCode) = await RunAsync("ipconfig | findstr IPv4");

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("   IPv4 Address. . . . . . . . . . . : 10.0.0.4\r\n", "", 0)));
    }

    [TestCase("ipconfig | findstr /i \"ipv6 MASK\"", "   Link-local IPv6 Address . . . . . : fe80::8d4c:2f6b:a91e:5c07%4\r\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n", 0)]
    [TestCase("ipconfig | findstr nothing-like-this", "", 1)]
    [TestCase("reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" /v CurrentMajorVersionNumber",
        "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\r\n    CurrentMajorVersionNumber    REG_DWORD    0xa\r\n\r\n", 0)]
    [TestCase("reg query \"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" | findstr ReleaseId",
        "    ReleaseId    REG_SZ    1809\r\n", 0)]
    [TestCase("systeminfo | findstr /B /C:\"OS Name\" /C:\"OS Version\" /C:\"Total Physical\"",
        "OS Name:                   Microsoft Windows Server 2019 Datacenter\r\nOS Version:                10.0.17763 N/A Build 17763\r\nTotal Physical Memory:     8,191 MB\r\n", 0)]
    [TestCase("ipconfig | find \"Mask\"", "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n", 0)]
    [TestCase("ipconfig | find /c \"Address\"", "2\r\n", 0)]
    [TestCase("ipconfig | find \"Address\" /c", "2\r\n", 0)]
    [TestCase("ipconfig | find /OFF \"Mask\" /I", "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n", 0)]
    [TestCase("ipconfig | find /i /c \"address\" | findstr 2", "2\r\n", 0)]
    [TestCase("echo a | findstr a", "a \r\n", 0)]
    [TestCase("echo one | findstr one & echo two", "one \r\ntwo\r\n", 0)]
    [TestCase("cmd /c \"ipconfig | findstr 10.0.0.4\"", "   IPv4 Address. . . . . . . . . . . : 10.0.0.4\r\n", 0)]
    public async Task Pipes_run_as_cmd_runs_them(string line, string stdout, int exitCode)
    {
        var (host, code) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, "", exitCode)));
    }

    [TestCase("sort < notes.txt", "abc\r\na-c\r\nApple\r\napple pie\r\nbanana split\r\npear\r\n")]
    [TestCase("findstr /n apple < \"notes.txt\"", "4:apple pie\r\n")]
    [TestCase("more < notes.txt > copy.txt & type copy.txt | find /c \"a\"", "5\r\n")]
    [TestCase("findstr /n /c:\"apple pie\" notes.txt", "4:apple pie\r\n")]
    [TestCase("findstr /i apple notes.txt", "Apple\r\napple pie\r\n")]
    [TestCase("findstr \"pear banana\" notes.txt", "pear\r\nbanana split\r\n")]
    [TestCase("findstr /b /c:\"a\" notes.txt", "apple pie\r\nabc\r\na-c\r\n")]
    [TestCase("findstr a.c notes.txt", "abc\r\na-c\r\n")]
    [TestCase("findstr /l a.c notes.txt", "")]
    [TestCase("findstr /x \"pear\" notes.txt", "pear\r\n")]
    [TestCase("findstr /v /i a notes.txt", "")]
    [TestCase("findstr \"^[ab]\" notes.txt", "banana split\r\napple pie\r\nabc\r\na-c\r\n")]
    [TestCase("findstr \"\\<split\" notes.txt", "banana split\r\n")]
    [TestCase("findstr /m pear *.txt", "notes.txt\r\nother.txt\r\n")]
    [TestCase("findstr pear notes.txt other.txt", "notes.txt:pear\r\nother.txt:pear tree\r\n")]
    public async Task Findstr_reads_files_as_Windows_findstr_does(string line, string stdout)
    {
        var (host, _) = await RunAsync(line, disk =>
        {
            Notes(disk);
            disk.Write(@"C:\Users\psrp\other.txt", "pear tree\n"u8, FileWriteMode.Create);
        });

        Assert.That(host.Stdout, Is.EqualTo(stdout), line);
        Assert.That(host.Stderr, Is.Empty);
    }

    /// <summary>findstr /S searches the folders below too, a folder's files before its subfolders', each named from the current directory.</summary>
    [Test]
    public async Task Findstr_s_searches_the_folders_below_and_names_each_file_from_the_current_directory()
    {
        var (host, code) = await RunAsync("findstr /s /i /n \"port=\" *.config", disk =>
        {
            disk.CreateDirectory(@"C:\Users\psrp\app\conf");
            disk.Write(@"C:\Users\psrp\web.config", "Port=80\r\n"u8, FileWriteMode.Create);
            disk.Write(@"C:\Users\psrp\app\app.config", "name=x\r\nport=5985\r\n"u8, FileWriteMode.Create);
            disk.Write(@"C:\Users\psrp\app\conf\b.config", "none\r\n"u8, FileWriteMode.Create);
            disk.Write(@"C:\Users\psrp\app\conf\a.txt", "port=1\r\n"u8, FileWriteMode.Create);
        });
        var (none, missing) = await RunAsync("findstr /s x *.nothing");

        Assert.That((host.Stdout, code), Is.EqualTo(("web.config:1:Port=80\r\napp\\app.config:2:port=5985\r\n", 0)));
        Assert.That((none.Stderr, missing), Is.EqualTo(("FINDSTR: Cannot open *.nothing\r\n", 1)));
    }

    [Test]
    public async Task Findstr_with_several_strings_writes_the_lines_in_their_order_not_grouped_by_string()
    {
        var (host, _) = await RunAsync("findstr /r \"^b ^p\" notes.txt", Notes);

        Assert.That(host.Stdout, Is.EqualTo("pear\r\nbanana split\r\n"));
    }

    [TestCase("find Mask", "FIND: Parameter format not correct\r\n", 2)]
    [TestCase("findstr", "FINDSTR: Bad command line\r\n", 2)]
    [TestCase("findstr x missing.txt", "FINDSTR: Cannot open missing.txt\r\n", 1)]
    [TestCase("find \"x\" missing.txt", "File not found - MISSING.TXT\r\n", 2)]
    [TestCase("sort < missing.txt", "The system cannot find the file specified.\r\n", 1)]
    public async Task A_filter_s_wrong_command_line_or_missing_file_is_its_own_error(string line, string stderr, int exitCode)
    {
        var (host, code) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("", stderr, exitCode)));
    }

    [Test]
    public async Task Find_of_a_file_prints_its_name_as_a_header_and_n_numbers_the_lines()
    {
        var (host, code) = await RunAsync("find /n \"apple\" notes.txt", Notes);

        Assert.That((host.Stdout, code), Is.EqualTo(("\r\n---------- NOTES.TXT\r\n[4]apple pie\r\n", 0)));
    }

    [TestCase("more other.txt", "pear tree\r\n")]
    [TestCase("more +4 notes.txt other.txt", "abc\r\na-c\r\npear tree\r\n")]
    [TestCase("more tabs.txt", "a       b\r\nxyz     tab\r\n\r\n\r\nend\r\n")]
    [TestCase("more /s /t4 tabs.txt", "a   b\r\nxyz tab\r\n\r\nend\r\n")]
    [TestCase("cls", "\f")]
    [TestCase("setlocal enabledelayedexpansion & set x=1 & echo !x! & endlocal", "!x! \r\n")]
    public async Task More_of_files_writes_their_lines_tabs_expanded_and_cls_writes_a_form_feed_to_the_pipe(string line, string stdout)
    {
        var (host, code) = await RunAsync(line, disk =>
        {
            Notes(disk);
            disk.Write(@"C:\Users\psrp\other.txt", "pear tree"u8, FileWriteMode.Create);
            disk.Write(@"C:\Users\psrp\tabs.txt", "a\tb\r\nxyz\ttab\r\n\r\n\r\nend\r\n"u8, FileWriteMode.Create);
        });

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, "", 0)), line);
    }

    /// <summary>A System32 program named by its path runs as the program of that name (Packer's and Task Scheduler's full paths).</summary>
    [TestCase("C:\\Windows\\system32\\ipconfig.exe | findstr IPv4", "   IPv4 Address")]
    [TestCase("\"C:\\Windows\\System32\\IPCONFIG.EXE\" /all | findstr Physical", "   Physical Address")]
    [TestCase("C:/Windows/System32/ipconfig | find \"Subnet\"", "   Subnet Mask")]
    public async Task A_System32_program_named_by_its_path_runs_as_that_program(string line, string stdoutStart)
    {
        var (host, code) = await RunAsync(line);

        Assert.That(code, Is.Zero, host.Stderr);
        Assert.That(host.Stdout, Does.StartWith(stdoutStart));
    }

    [Test]
    public async Task More_of_a_missing_file_names_its_full_path()
    {
        var (host, code) = await RunAsync("more missing.txt");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("", "Cannot access file C:\\Users\\psrp\\missing.txt\r\n", 1)));
    }

    // The idiom that counts a file's lines: no line holds find's empty string, so /V keeps them all.
    [TestCase("find /c /v \"\" notes.txt", "\r\n---------- NOTES.TXT: 6\r\n", 0)]
    [TestCase("type notes.txt | find /c /v \"\"", "6\r\n", 0)]
    [TestCase("find /n /v \"\" other.txt", "\r\n---------- OTHER.TXT\r\n[1]pear tree\r\n", 0)]
    [TestCase("find /c \"\" notes.txt", "\r\n---------- NOTES.TXT: 0\r\n", 1)]
    public async Task Find_s_empty_string_is_in_no_line(string line, string stdout, int exitCode)
    {
        var (host, code) = await RunAsync(line, disk =>
        {
            Notes(disk);
            disk.Write(@"C:\Users\psrp\other.txt", "pear tree\n"u8, FileWriteMode.Create);
        });

        Assert.That((host.Stdout, code), Is.EqualTo((stdout, exitCode)), line);
    }

    // The hyphen weighs nothing before the letters (NLS's word sort, as CompareString without flags): abc before a-c.
    [TestCase("type notes.txt | sort", "abc\r\na-c\r\nApple\r\napple pie\r\nbanana split\r\npear\r\n")]
    [TestCase("sort /r notes.txt", "pear\r\nbanana split\r\napple pie\r\nApple\r\na-c\r\nabc\r\n")]
    public async Task Sort_orders_lines_ignoring_case(string line, string stdout)
    {
        var (host, code) = await RunAsync(line, Notes);

        Assert.That((host.Stdout, code), Is.EqualTo((stdout, 0)));
    }

    [Test]
    public async Task The_first_command_of_a_pipe_reads_what_the_client_sends_to_stdin()
    {
        var (host, code) = await RunAsync("findstr b | sort", null, "b2\r\na\r\nb1\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("b1\r\nb2\r\n", 0)));
    }

    [Test]
    public async Task Every_command_s_stderr_reaches_the_console_and_the_exit_code_is_the_last_command_s()
    {
        var (host, code) = await RunAsync("dir C:\\nope | findstr zzz");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("", "File Not Found\r\n", 1)));
    }

    /// <summary>A reader that ends early (echo reads nothing) leaves the writer's output nowhere: the writer does not wait for ever.</summary>
    [Test]
    public async Task A_command_that_reads_nothing_does_not_hold_up_the_one_writing_to_it()
    {
        var chunks = Enumerable.Range(0, 500).Select(i => $"line {i}\r\n").ToArray();

        var (host, code) = await RunAsync("more | echo done", null, chunks);

        Assert.That((host.Stdout, code), Is.EqualTo(("done\r\n", 0)));
    }

    [Test]
    public void A_bar_in_quotes_or_escaped_is_text_and_two_bars_are_chaining()
    {
        Assert.That(PipedCommandLineScript.Split("echo \"a | b\""), Is.Null);
        Assert.That(PipedCommandLineScript.Split("echo a ^| b"), Is.Null);
        Assert.That(PipedCommandLineScript.Split("dir x || echo y"), Is.Null);
        Assert.That(PipedCommandLineScript.Split("dir |"), Is.Null);
        Assert.That(PipedCommandLineScript.Split("a | b | c"), Is.EqualTo(new[] { "a ", "b ", "c" }));
    }

    [TestCase("a.c", "a.c")]
    [TestCase("^x*$", "^x*$")]
    [TestCase("a+b", @"a\+b")]
    [TestCase(@"\.", @"\.")]
    [TestCase("[^a-c]", "[^a-c]")]
    [TestCase(@"\<word\>", @"\b(?=\w)word\b(?<=\w)")]
    [TestCase("x^y", @"x\^y")]
    [TestCase("[open", @"\[open")]
    [TestCase("a[", @"a\[")]
    [TestCase("[]", @"\[]")]
    [TestCase("*a", @"\*a")]
    [TestCase("^*a**", @"^\*a*\*")]
    public void Findstr_regular_expressions_become_NET_ones(string findstr, string dotnet) =>
        Assert.That(FilterCommandScript.FindStrRegex(findstr), Is.EqualTo(dotnet));
}

/// <summary>Seeded random command lines of cmd's pieces (pipes, chains, quotes, escapes, redirections, the filters): an exit code every time.</summary>
public class RandomCommandLineTests
{
    private static readonly string[] Pieces =
    [
        " | ", "|", "||", " & ", "&&", "\"", "^", "^(", "^)", "^^", "^&", "echo.x ^( ", ">> out.txt (echo.a ^( b)", "goto x", ":x", "waitfor x", "schtasks /run /tn T", " > out.txt", " 2>&1", " 2>nul", " ", "findstr", "find", "sort", "more", "ipconfig", "echo",
        "type notes.txt", "/i", "/v", "/c", "/n", "/r", "/x", "/s", "/c:\"a b\"", "\"x\"", "a", "[", "]", ".*", "\\<", "*", "exit /b 3", "dir", "hostname",
        "powershell -c \"'a' | findstr a\"", "notes.txt", "*.txt", "x.bat", "call x.bat", "set V=1", "%V%", "%1", "if exist notes.txt ", "if errorlevel 1 ", "if not \"a\"==\"b\" ", "if 1 GTR ", " (", ")", " else ", "if defined V ", "for %f in (a *.txt) do ", "for /l %i in (1,1,3) do ", "for /f \"tokens=1* delims=:\" %a in ('ipconfig') do ", "%f", "%a",
        "for /f %a in (notes.txt) do ", "setlocal enabledelayedexpansion", "!V!", "!", "call :sub a", "%~1", "cd C:\\Windows", "cd /d C:\\", "pushd C:\\Users", "popd", "%CD%", "set /a V+=1", "set /a (1+", "set /a 5/0", "set /a x=0x7fffffff*2, y=-x", "%%", "set /p V=<notes.txt", "set /p V=q: ", "echo.", "<", " < notes.txt", "for /f \"usebackq skip=1 eol=x\" %a in (`type notes.txt`) do ",
        "for /r ", "for /r C:\\ %f in (*.txt .) do ", "for /d %f in (*) do ", "for /d /r %f in (*) do ", "/d", "%~dpnxf", "%~ftzaf", "%~$PATH:f", "%~", "%~$", "%~$PATH:", "%~nf",
        "shift", "shift /1", "shift /x", "endlocal", "setlocal", "%~z1", " | sort", "|findstr a", "ping -n 1 localhost", "ping -w 1 -n 1 10.0.0.1", "ping -l", "timeout /t 1", "call echo %%V%%", "call :x", "call ", "net start", "net stop WinRM", "net start spooler", "net user", "sc query", "sc stop WinRM", "sc config Spooler start= ", "demand", "sc query nope", "reg query ", "\"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\"", "/v UBR", "systeminfo", "shutdown /a",
        "tasklist", " /FI \"IMAGENAME eq cmd*\"", " /FI \"PID gt 4\"", " /FO CSV", " /NH", " /FO LIST", "xcopy ", "xcopy notes.txt C:\\copy\\ /Y", " C:\\Users", " C:\\dst", " /E /I", " /S", " /Y /Q", "dir /s /b", " *.txt", "where ", "where.exe ", "cmd", " /q", " notes",
        "wmic ", "os get caption", "service ", " where ", "name=\"WinRM\"", "\"State='Running'\"", "(Name like '%W%')", " get Name,State", " get", " /value", " /format:csv", " /format:list",
        " list full", " list brief", " call StartService", " call StopService", "path Win32_Bogus", "/node:.", "qfe", "cpu", "bios get SerialNumber", "logicaldisk",
        "certutil -hashfile notes.txt", " SHA256", " MD5", "certutil -encode notes.txt enc.txt", "certutil -f -decode enc.txt dec.bin", "certutil -decode notes.txt d.bin", "quser", "query user ", "date /t", "time /t", "vol", " D:", "path", "title x", "type nul", "copy nul e.txt", "whoami /priv", "whoami /all", "whoami /user /groups",
        "more notes.txt", "more /s /t4 ", " +1 ", "cls", "find /c /v \"\" ", "find /n /v \"\"", "whoami /groups /fo csv", " /nh", " /fo list", "setlocal", "taskkill /im x.exe /f", "taskkill /pid 4", " /t", "dir /o:-d /b", "dir /os", " | find /c /v \"\"", "echo.x", "echo(y", " | more", " | sort", "C:\\Windows\\system32\\ipconfig.exe", "\"C:\\Windows\\System32\\HOSTNAME.EXE\"", "%windir%\\system32\\whoami /groups",
        "secedit /export /cfg s.inf", "secedit /configure /db s.sdb /cfg s.inf", " /areas USER_RIGHTS", " /areas BOGUS", "type s.inf", "secedit /analyze", "auditpol /get /category:*", " /r", "auditpol /set /subcategory:\"Logon\" /success:enable",
        "auditpol /get /subcategory:Nope,Logon", "net accounts", " /minpwlen:7", " /maxpwage:unlimited", " /uniquepw:99", "netstat -anbo", "netstat -a", "netstat -ano -p tcp", "netstat -p", "netstat 5",
        "dism /online /get-features /format:table", "dism /online /enable-feature /featurename:IIS-WebServer", " /all", " /norestart", "dism /online /get-featureinfo /featurename:", "SMB1Protocol", "dism /image:x",
        "schtasks /query /v /fo csv", " /tn \\Microsoft\\Windows\\Defrag\\ScheduledDefrag", "schtasks /query /fo csv /nh",
    ];

    [Test]
    public async Task Random_command_lines_end_with_an_exit_code_and_never_an_exception()
    {
        var catalog = BehaviourCatalog.LoadDefault();
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261130));
        var runs = PsrpEmulator.Tests.Fuzz.Runs(1500);
        int wrote = 0, piped = 0;
        for (var i = 0; i < runs; i++)
        {
            var line = string.Concat(Enumerable.Range(0, random.Next(1, 10)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
            disk.CreateDirectory(@"C:\Users\psrp");
            disk.Write(@"C:\Users\psrp\notes.txt", "a b\r\nx\r\n"u8, FileWriteMode.Create);
            disk.Write(@"C:\Users\psrp\x.bat", "@echo off\r\nsetlocal enabledelayedexpansion\r\nfor %%a in (1 2) do (set V=%%a& echo !V! %%a)\r\necho %1 %V% %*\r\nfindstr a notes.txt | sort\r\nif errorlevel 1 (\r\n goto end\r\n) else (\r\n x.bat\r\n)\r\n:end\r\ncall :sub \"q r\" b\r\nexit /b 2\r\n:sub\r\nsetlocal\r\necho %~1 %0 %~dp0 %~nx1 %~$PATH:1 %~ftza0\r\nshift\r\nfor /r %%f in (*.bat) do echo %%~nxf %%~zf\r\ncall :sub again\r\nendlocal\r\n"u8, FileWriteMode.Create);
            var services = new ServiceStates();
            var host = new FakeCommandLineHost
            {
                Encoding = System.Text.Encoding.ASCII, FileSystem = disk, Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp" },
                ServiceStates = services, Wmi = new ComputerWmi(catalog, "TESTHOST01", services, null, disk),
                LocalAccounts = new LocalAccounts("TESTHOST01", ["psrp"]), WindowsFeatures = new WindowsFeatureStates(), ScheduledTasks = new ScheduledTasks(),
            };
            host.Stdin.Enqueue("a\r\nb\r\n"u8.ToArray());
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                var script = catalog.ResolveCommandLine(line);
                if (script is PipedCommandLineScript) piped++;
                // On the thread pool and bounded: a command that spins without awaiting fails the test instead of hanging it.
                await Task.Run(() => script.RunAsync(host, TimeProvider.System, stop.Token)).WaitAsync(TimeSpan.FromSeconds(10));
                if (host.Stdout.Length > 0) wrote++;
            }
            catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && stop.IsCancellationRequested))
            {
                Assert.Fail($"Iteration {i}: <<{line}>> did not end in 5 s");
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for <<{line}>>: {e}");
            }
        }

        // The campaign reaches the pipes and the commands' output, not only refusals.
        Assert.That((piped > runs / 20, wrote > runs / 20), Is.EqualTo((true, true)), $"{piped} piped, {wrote} wrote output of {runs}");
    }
}
