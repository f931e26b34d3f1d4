using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>New-Object -ComObject WScript.Shell: WSH's registry, environment, folders and Run over the computer's own.</summary>
public class WScriptShellTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, VirtualRegistry Registry, VirtualFileSystem Disk)> RunAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 30, 0, TimeSpan.Zero));
        var environment = new PersistentEnvironment();
        var registry = Default.NewRegistry("Server01");
        registry.Environment = environment;
        var disk = new VirtualFileSystem(time, 1 << 20);
        disk.CreateDirectory(@"C:\Temp");
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, PersistentEnvironment = environment, FileSystem = disk };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        host.Environment["USERNAME"] = "tester";
        host.Environment["windir"] = @"C:\Windows";
        await Default.Resolve(Behaviour.Script("$s = New-Object -ComObject WScript.Shell; " + script)).RunTestAsync(host, time);
        return (host, registry, disk);
    }

    [Test]
    public async Task RegRead_reads_the_computer_s_registry_as_wsh_gives_its_values()
    {
        var (host, _, _) = await RunAsync(
            "$s.RegRead('HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProductName'); $s.RegRead('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentMajorVersionNumber').GetType().Name; " +
            "$s.pstypenames[0]");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Windows Server 2019 Datacenter", "Int32", "System.__ComObject#{41904400-be18-11d3-a28b-00104bd35090}" }));
    }

    /// <summary>RegWrite makes the keys it needs; an integer is REG_DWORD, text REG_SZ; a trailing backslash is the key's default value. The cmdlets see it.</summary>
    [Test]
    public async Task RegWrite_and_RegDelete_change_what_the_registry_cmdlets_see()
    {
        var (host, registry, _) = await RunAsync(
            "$s.RegWrite('HKCU\\Software\\Acme\\Tool\\Level', 3); $s.RegWrite('HKCU\\Software\\Acme\\Tool\\', 'main'); $s.RegWrite('HKCU\\Software\\Acme\\Tool\\Home', '%USERPROFILE%\\acme', 'REG_EXPAND_SZ'); " +
            "(Get-ItemProperty HKCU:\\Software\\Acme\\Tool).Level.GetType().Name; $s.RegRead('HKCU\\Software\\Acme\\Tool\\'); $s.RegRead('HKCU\\Software\\Acme\\Tool\\Home'); " +
            "(Get-ItemProperty HKCU:\\Software\\Acme\\Tool).Home; $s.RegDelete('HKCU\\Software\\Acme\\Tool\\Level'); Test-Path HKCU:\\Software\\Acme\\Tool; " +
            "(Get-Item HKCU:\\Software\\Acme\\Tool).Property -contains 'Level'");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Int32", "main", "%USERPROFILE%\\acme", @"C:\Users\tester\acme", "True", "False" }));
        Assert.That(registry.Get(VirtualRegistry.CurrentUser, @"C:\Users\tester", @"Software\Acme\Tool")!.Values.Select(v => (v.Name, v.Kind)),
            Is.EqualTo(new[] { (string.Empty, RegistryValueKind.String), ("Home", RegistryValueKind.ExpandString) }));
    }

    [Test]
    public async Task Wsh_s_registry_errors_are_com_exceptions_of_the_method_call()
    {
        var (host, _, _) = await RunAsync(
            "foreach ($b in { $s.RegRead('HKLM\\SOFTWARE\\Nope\\X') }, { $s.RegRead('HKXX\\SOFTWARE\\X') }, { $s.RegDelete('HKCU\\Software\\Nope\\') }, { $s.RegDelete('HKLM\\SOFTWARE\\Microsoft\\') }) " +
            "{ try { & $b } catch { \"$_\" } }; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Exception calling \"RegRead\" with \"1\" argument(s): \"Unable to open registry key \"HKLM\\SOFTWARE\\Nope\\X\" for reading.\"",
            "Exception calling \"RegRead\" with \"1\" argument(s): \"Invalid root in registry key \"HKXX\\SOFTWARE\\X\".\"",
            "Exception calling \"RegDelete\" with \"1\" argument(s): \"Unable to remove registry key \"HKCU\\Software\\Nope\\\".\"",
            "Exception calling \"RegDelete\" with \"1\" argument(s): \"Unable to remove registry key \"HKLM\\SOFTWARE\\Microsoft\\\".\"",
            "after",
        }));
    }

    [Test]
    public async Task The_environment_and_special_folders_are_the_session_user_s()
    {
        var (host, _, _) = await RunAsync(
            "$s.ExpandEnvironmentStrings('%windir%\\x %NOPE%'); $s.Environment('System').Item('Path'); $s.Environment('PROCESS').Item('USERNAME'); " +
            "\"[$($s.Environment('Process').Item('NOPE'))]\"; $s.SpecialFolders('Desktop'); $s.SpecialFolders.Item('AllUsersStartup'); \"[$($s.SpecialFolders('Bogus'))]\"");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"C:\Windows\x %NOPE%", @"%SystemRoot%\system32;%SystemRoot%;%SystemRoot%\System32\Wbem;%SYSTEMROOT%\System32\WindowsPowerShell\v1.0\;%SYSTEMROOT%\System32\OpenSSH\", "tester", "[]",
            @"C:\Users\tester\Desktop", @"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\Startup", "[]",
        }));
    }

    /// <summary>Run starts the command line as a program: with wait its exit code, else 0; what it writes lands on the disk.</summary>
    [Test]
    public async Task Run_runs_the_command_line_and_waits_for_its_exit_code_when_asked()
    {
        var (host, _, disk) = await RunAsync("$s.Run('cmd /c echo hi> C:\\Temp\\run.txt && exit 3', 0, $true); $s.Run('cmd /c exit 5'); try { $s.Run('nothing-here.exe', 1, $true) } catch { \"$_\" }");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "0", "Exception calling \"Run\" with \"3\" argument(s): \"The system cannot find the file specified. (Exception from HRESULT: 0x80070002)\"" }));
        Assert.That(disk.Read(@"C:\Temp\run.txt", out var written), Is.EqualTo(FileSystemFailure.None));
        Assert.That(System.Text.Encoding.ASCII.GetString(written), Is.EqualTo("hi \r\n"), "cmd echoes the blank before &&");
    }

    /// <summary>A shortcut is saved as a shell link file and read back by CreateShortcut of the same path; an Internet shortcut as its INI text.</summary>
    [Test]
    public async Task CreateShortcut_saves_a_shell_link_that_reads_back()
    {
        var (host, _, disk) = await RunAsync(
            "$l = $s.CreateShortcut('C:\\Temp\\Tool.lnk'); $l.TargetPath = 'C:\\Tools\\tool.exe'; $l.Arguments = '--fast'; $l.WorkingDirectory = 'C:\\Tools'; " +
            "$l.IconLocation = 'C:\\Tools\\tool.exe,2'; $l.Description = 'The tool'; $l.Save(); Test-Path C:\\Temp\\Tool.lnk; " +
            "$r = $s.CreateShortcut('C:\\Temp\\Tool.lnk'); $r.TargetPath; $r.Arguments; $r.WorkingDirectory; $r.IconLocation; $r.Description; $r.WindowStyle; $r.FullName; " +
            "$u = $s.CreateShortcut('C:\\Temp\\Site.url'); $u.TargetPath = 'https://example.org/'; $u.Save(); $s.CreateShortcut('C:\\Temp\\Site.url').TargetPath; " +
            "$n = $s.CreateShortcut('C:\\Temp\\New.lnk'); \"[$($n.TargetPath)] $($n.IconLocation) $($n.WindowStyle)\"; Test-Path C:\\Temp\\New.lnk; " +
            "try { $s.CreateShortcut('C:\\Temp\\Tool.txt') } catch { \"$_\" }; $m = $s.CreateShortcut('C:\\Nope\\x.lnk'); try { $m.Save() } catch { \"$_\" }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", @"C:\Tools\tool.exe", "--fast", @"C:\Tools", @"C:\Tools\tool.exe,2", "The tool", "1", @"C:\Temp\Tool.lnk",
            "https://example.org/", "[] ,0 1", "False",
            "Exception calling \"CreateShortcut\" with \"1\" argument(s): \"The shortcut pathname must end with .lnk or .url.\"",
            "Exception calling \"Save\" with \"0\" argument(s): \"Unable to save shortcut \"C:\\Nope\\x.lnk\".\"",
        }));
        Assert.That(disk.Read(@"C:\Temp\Tool.lnk", out var link), Is.EqualTo(FileSystemFailure.None));
        Assert.That(link[..20], Is.EqualTo(new byte[] { 0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46 }), "a shell link's header size and class id");
    }

    /// <summary>Exec runs the program to its end: Status is finished, its exit code and what it wrote on each stream are read as TextStreams.</summary>
    [Test]
    public async Task Exec_gives_the_program_s_exit_code_and_output_streams()
    {
        var (host, _, _) = await RunAsync(
            "$e = $s.Exec('cmd /c echo one& echo two& echo oops 1>&2& exit 4'); while ($e.Status -eq 0) { Start-Sleep -Milliseconds 100 }; $e.Status; $e.ExitCode; " +
            "$e.StdOut.ReadLine(); $e.StdOut.AtEndOfStream; $e.StdOut.ReadAll(); $e.StdOut.AtEndOfStream; $e.StdErr.ReadAll().Trim(); " +
            "try { $e.StdOut.ReadLine() } catch { \"$_\" }; try { $s.Exec('no-such-program') } catch { \"$_\" }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1", "4", "one", "False", "two\r\n", "True", "oops",
            "Exception calling \"ReadLine\" with \"0\" argument(s): \"Input past end of file\"",
            "Exception calling \"Exec\" with \"1\" argument(s): \"The system cannot find the file specified. (Exception from HRESULT: 0x80070002)\"",
        }));
    }

    [TestCase("$s.Popup('x')", "WScript.Shell's method Popup (with 1 argument(s)) is not emulated")]
    [TestCase("$s.RegRead('HKCR\\.txt\\')", "the emulator's registry has HKLM and HKCU only")]
    [TestCase("$s.RegWrite('HKCU\\Software\\X\\B', 1, 'REG_BINARY')", "RegWrite of type REG_BINARY is not emulated")]
    [TestCase("New-Object -ComObject Shell.Application", "New-Object -ComObject Shell.Application is not emulated")]
    public async Task What_wsh_is_not_emulated_for_is_a_scenario_error(string script, string reason)
    {
        var (host, _, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
        Assert.That(host.Errors.Single().Message, Does.Contain(reason));
    }
}
