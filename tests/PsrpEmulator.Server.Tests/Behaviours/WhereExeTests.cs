using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>where.exe over the computer's disk: the current directory, then PATH's folders, with PATHEXT's extensions.</summary>
public class WhereExeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\tools");
        disk.Write(@"C:\tools\deploy.cmd", "@echo off"u8, FileWriteMode.Create);
        disk.Write(@"C:\tools\ping.txt", "x"u8, FileWriteMode.Create);
        var host = new FakeCommandLineHost
        {
            FileSystem = disk,
            Facts = new Dictionary<string, string> { ["cd"] = @"C:\tools" },
            Environment = [new("PATH", @"C:\Windows\system32;%SystemRoot%;C:\Windows\System32\WindowsPowerShell\v1.0\"), new("SystemRoot", @"C:\Windows"), new("PATHEXT", ".COM;.EXE;.BAT;.CMD")],
        };
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [TestCase("where cmd", "C:\\Windows\\System32\\cmd.exe\r\n")]
    [TestCase("where.exe powershell", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\r\n")]
    [TestCase("where deploy", "C:\\tools\\deploy.cmd\r\n")]
    [TestCase("where ping.exe deploy.cmd", "C:\\Windows\\System32\\PING.EXE\r\nC:\\tools\\deploy.cmd\r\n")]
    [TestCase("where /q cmd", "")]
    public async Task Where_prints_the_full_path_of_each_file_found(string line, string stdout)
    {
        var (host, exitCode) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)));
    }

    [TestCase("where nothing-here", "", "INFO: Could not find files for the given pattern(s).\r\n", 1)]
    [TestCase("where cmd nothing-here", "C:\\Windows\\System32\\cmd.exe\r\n", "INFO: Could not find files for the given pattern(s).\r\n", 1)]
    [TestCase("where /q nothing-here", "", "", 1)]
    [TestCase("where", "", "ERROR: A search pattern must be specified.\r\nType \"WHERE /?\" for usage.\r\n", 2)]
    public async Task A_pattern_nothing_matches_is_where_s_info_line_and_exit_code_1(string line, string stdout, string stderr, int code)
    {
        var (host, exitCode) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, stderr, code)));
    }
}
