using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>xcopy.exe and dir /s /b on the computer's disk, as provisioning scripts copy and list folders.</summary>
public class XcopyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static VirtualFileSystem Disk()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\src\empty");
        disk.CreateDirectory(@"C:\src\sub");
        disk.Write(@"C:\src\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\b.log", "bb"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\c.txt", "ccc"u8, FileWriteMode.Create);
        return disk;
    }

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, VirtualFileSystem disk)
    {
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [Test]
    public async Task Xcopy_of_a_folder_with_e_and_i_copies_its_tree_into_a_new_folder_and_lists_the_files()
    {
        var disk = Disk();

        var (host, exitCode) = await RunAsync(@"xcopy C:\src C:\dst /E /I /Y", disk);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("C:\\src\\a.txt\r\nC:\\src\\sub\\b.log\r\nC:\\src\\sub\\c.txt\r\n3 File(s) copied\r\n", "", 0)));
        Assert.That(disk.Read(@"C:\dst\sub\c.txt", out var content), Is.EqualTo(FileSystemFailure.None));
        Assert.That(content, Is.EqualTo("ccc"u8.ToArray()));
        Assert.That(disk.Get(@"C:\dst\empty")?.IsDirectory, Is.True, "/E copies empty folders");
    }

    [TestCase(@"xcopy C:\src C:\dst /S /I /Q", "3 File(s) copied\r\n", false)]
    [TestCase(@"xcopy C:\src C:\dst\ /Q", "1 File(s) copied\r\n", false)]
    [TestCase(@"xcopy C:\src\*.txt C:\Users\psrp /F", "C:\\src\\a.txt -> C:\\Users\\psrp\\a.txt\r\n1 File(s) copied\r\n", false)]
    public async Task Xcopy_s_switches_choose_what_is_copied_and_printed(string line, string stdout, bool emptyCopied)
    {
        var disk = Disk();

        var (host, exitCode) = await RunAsync(line, disk);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)));
        Assert.That(disk.Get(@"C:\dst\empty") is not null, Is.EqualTo(emptyCopied), "/S leaves empty folders out");
    }

    [TestCase(@"xcopy C:\nope C:\dst /I", "File not found - nope\r\n0 File(s) copied\r\n", "", 4)]
    [TestCase(@"xcopy C:\src\empty C:\dst /I", "0 File(s) copied\r\n", "", 1)]
    [TestCase(@"xcopy C:\src\a.txt C:\newname", "", "xcopy C:\\src\\a.txt C:\\newname is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n", 1)]
    [TestCase(@"xcopy C:\src\sub C:\dst /I /Q & xcopy C:\src\sub C:\dst /Q", "2 File(s) copied\r\n", "xcopy C:\\src\\sub C:\\dst /Q is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n", 1)]
    [TestCase(@"xcopy C:\src C:\src\sub\copy /E /I", "0 File(s) copied\r\n", "Cannot perform a cyclic copy\r\n", 4)]
    [TestCase(@"xcopy C:\src C:\dst /Z", "", "xcopy C:\\src C:\\dst /Z is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n", 1)]
    public async Task What_xcopy_would_ask_or_cannot_copy_is_said(string line, string stdout, string stderr, int code)
    {
        var (host, exitCode) = await RunAsync(line, Disk());

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, stderr, code)));
    }

    [TestCase(@"dir /s /b C:\src", "C:\\src\\a.txt\r\nC:\\src\\empty\r\nC:\\src\\sub\r\nC:\\src\\sub\\b.log\r\nC:\\src\\sub\\c.txt\r\n")]
    [TestCase(@"dir /b /s C:\src\*.txt", "C:\\src\\a.txt\r\nC:\\src\\sub\\c.txt\r\n")]
    [TestCase(@"dir C:\src\*.log /s/b", "C:\\src\\sub\\b.log\r\n")]
    public async Task Dir_s_b_lists_full_paths_folder_by_folder(string line, string stdout)
    {
        var (host, exitCode) = await RunAsync(line, Disk());

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)));
    }

    [Test]
    public async Task Dir_s_b_of_a_pattern_nothing_matches_is_file_not_found()
    {
        var (host, exitCode) = await RunAsync(@"dir /s /b C:\src\*.exe", Disk());

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("", "File Not Found\r\n", 1)));
    }
}
