using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>robocopy.exe on the computer's disk, as deployment scripts mirror folders and test its exit code's bits.</summary>
public class RobocopyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string Quiet = " /NFL /NDL /NJH /NJS /NP";

    private static (VirtualFileSystem Disk, FakeTimeProvider Time) Disk()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        var disk = new VirtualFileSystem(time, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\src\empty");
        disk.CreateDirectory(@"C:\src\sub");
        disk.Write(@"C:\src\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\b.log", "bb"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\c.txt", "ccc"u8, FileWriteMode.Create);
        time.Advance(TimeSpan.FromMinutes(5));
        return (disk, time);
    }

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, VirtualFileSystem disk, TimeProvider time)
    {
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, time, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [Test]
    public async Task Mir_copies_the_tree_with_its_write_times_and_a_second_run_finds_everything_the_same()
    {
        var (disk, time) = Disk();

        var (host, exitCode) = await RunAsync(@"robocopy C:\src C:\dst /MIR" + Quiet, disk, time);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("", "", 1)), "1: files were copied");
        Assert.That(disk.Read(@"C:\dst\sub\c.txt", out var content), Is.EqualTo(FileSystemFailure.None));
        Assert.That(content, Is.EqualTo("ccc"u8.ToArray()));
        Assert.That(disk.Get(@"C:\dst\empty")?.IsDirectory, Is.True, "/MIR includes /E: empty folders too");
        Assert.That(disk.Get(@"C:\dst\a.txt")!.LastWriteTime, Is.EqualTo(disk.Get(@"C:\src\a.txt")!.LastWriteTime));

        time.Advance(TimeSpan.FromMinutes(1));
        var (_, again) = await RunAsync(@"robocopy C:\src C:\dst /MIR" + Quiet, disk, time);

        Assert.That(again, Is.EqualTo(0), "0: nothing to copy, nothing extra");
    }

    [Test]
    public async Task Extras_in_the_destination_set_bit_2_and_only_purge_or_mir_removes_them()
    {
        var (disk, time) = Disk();
        await RunAsync(@"robocopy C:\src C:\dst /E" + Quiet, disk, time);
        disk.Write(@"C:\dst\stale.txt", "old"u8, FileWriteMode.Create);
        disk.CreateDirectory(@"C:\dst\gone");
        time.Advance(TimeSpan.FromMinutes(1));
        disk.Write(@"C:\src\a.txt", "newer"u8, FileWriteMode.Create);

        var (_, kept) = await RunAsync(@"robocopy C:\src C:\dst /E" + Quiet, disk, time);

        Assert.That(kept, Is.EqualTo(3), "1 (a.txt copied, newer) + 2 (extras seen)");
        Assert.That(disk.Get(@"C:\dst\stale.txt"), Is.Not.Null);

        var (_, purged) = await RunAsync(@"robocopy C:\src C:\dst /MIR" + Quiet, disk, time);

        Assert.That(purged, Is.EqualTo(2), "the extras are reported as they are removed");
        Assert.That((disk.Get(@"C:\dst\stale.txt"), disk.Get(@"C:\dst\gone")), Is.EqualTo(((FileSystemItem?)null, (FileSystemItem?)null)));
        Assert.That(disk.Read(@"C:\dst\a.txt", out var content) == FileSystemFailure.None && content.SequenceEqual("newer"u8.ToArray()), Is.True);

        var (_, xx) = await RunAsync(@"robocopy C:\src C:\dst /E /XX" + Quiet, disk, time);
        Assert.That(xx, Is.EqualTo(0));
    }

    [Test]
    public async Task A_destination_file_written_later_is_older_in_the_source_and_xo_skips_it()
    {
        var (disk, time) = Disk();
        await RunAsync(@"robocopy C:\src C:\dst" + Quiet, disk, time);
        time.Advance(TimeSpan.FromMinutes(1));
        disk.Write(@"C:\dst\a.txt", "edited"u8, FileWriteMode.Create);

        var (_, skipped) = await RunAsync(@"robocopy C:\src C:\dst /XO" + Quiet, disk, time);
        Assert.That(skipped, Is.EqualTo(0));
        Assert.That(disk.Read(@"C:\dst\a.txt", out var edited) == FileSystemFailure.None && edited.SequenceEqual("edited"u8.ToArray()), Is.True);

        var (_, copied) = await RunAsync(@"robocopy C:\src C:\dst" + Quiet, disk, time);
        Assert.That(copied, Is.EqualTo(1), "Older is copied by default");
        Assert.That(disk.Read(@"C:\dst\a.txt", out var restored) == FileSystemFailure.None && restored.SequenceEqual("a"u8.ToArray()), Is.True);
    }

    [TestCase(@"robocopy C:\src C:\dst *.txt /S", new[] { @"C:\dst\a.txt", @"C:\dst\sub\c.txt" }, new[] { @"C:\dst\sub\b.log", @"C:\dst\empty" }, 1)]
    [TestCase(@"robocopy C:\src C:\dst", new[] { @"C:\dst\a.txt" }, new[] { @"C:\dst\sub" }, 1)]
    [TestCase(@"robocopy C:\src C:\dst /E /XD sub /XF a.*", new[] { @"C:\dst\empty" }, new[] { @"C:\dst\a.txt", @"C:\dst\sub" }, 0)]
    [TestCase(@"robocopy ""C:\src"" ""C:\dst"" /E /XD C:\src\empty", new[] { @"C:\dst\a.txt", @"C:\dst\sub\b.log" }, new[] { @"C:\dst\empty" }, 1)]
    [TestCase(@"robocopy C:\src C:\dst /E /L", new string[0], new[] { @"C:\dst" }, 1)]
    // The exit code's bit 1 counts files: a run that makes only folders is 0.
    public async Task Switches_and_file_names_choose_what_is_copied(string line, string[] there, string[] notThere, int code)
    {
        var (disk, time) = Disk();

        var (host, exitCode) = await RunAsync(line + Quiet, disk, time);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("", "", code)));
        Assert.That(there.Where(p => disk.Get(p) is null), Is.Empty, "missing");
        Assert.That(notThere.Where(p => disk.Get(p) is not null), Is.Empty, "copied though excluded");
    }

    [Test]
    public async Task A_destination_inside_the_source_is_not_copied_into_itself()
    {
        var (disk, time) = Disk();

        var (_, exitCode) = await RunAsync(@"robocopy C:\src C:\src\backup /E" + Quiet, disk, time);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(disk.Get(@"C:\src\backup\sub\c.txt"), Is.Not.Null);
        Assert.That(disk.Get(@"C:\src\backup\backup"), Is.Null);
    }

    [Test]
    public async Task A_tree_deeper_than_the_walk_goes_ends_the_copy_there_without_failing()
    {
        var (disk, time) = Disk();
        var deep = @"C:\src\sub" + string.Concat(Enumerable.Repeat(@"\d", 300));
        disk.CreateDirectory(deep);
        disk.Write(deep + @"\deep.txt", "x"u8, FileWriteMode.Create);

        var (_, exitCode) = await RunAsync(@"robocopy C:\src C:\dst /E" + Quiet, disk, time);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(disk.Get(@"C:\dst\sub\c.txt"), Is.Not.Null);
        Assert.That(disk.Get(@"C:\dst\sub" + string.Concat(Enumerable.Repeat(@"\d", 255))), Is.Not.Null);
        Assert.That(disk.Get(@"C:\dst\sub" + string.Concat(Enumerable.Repeat(@"\d", 256))), Is.Null, "the walk stops 256 folders down (Windows would go on)");
    }

    [Test]
    public async Task Mov_and_move_remove_what_was_copied_from_the_source()
    {
        var (disk, time) = Disk();

        var (_, exitCode) = await RunAsync(@"robocopy C:\src C:\dst /E /MOVE" + Quiet, disk, time);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(disk.Get(@"C:\dst\sub\c.txt"), Is.Not.Null);
        Assert.That((disk.Get(@"C:\src\a.txt"), disk.Get(@"C:\src\sub")), Is.EqualTo(((FileSystemItem?)null, (FileSystemItem?)null)));
        Assert.That(disk.Get(@"C:\src")?.IsDirectory, Is.True, "/MOVE leaves the source folder itself");
    }

    [Test]
    public async Task A_missing_source_is_error_2_on_stdout_with_exit_code_16()
    {
        var (disk, time) = Disk();

        var (host, exitCode) = await RunAsync(@"robocopy C:\nope C:\dst /NJH /NJS", disk, time);

        Assert.That(exitCode, Is.EqualTo(16));
        Assert.That(host.Stdout, Is.EqualTo("2026/11/28 08:05:00 ERROR 2 (0x00000002) Accessing Source Directory C:\\nope\\\r\nThe system cannot find the file specified.\r\n\r\n"));
        Assert.That(disk.Get(@"C:\dst"), Is.Null);
    }

    [Test]
    public async Task A_switch_the_emulator_does_not_know_is_said_and_fails_with_16()
    {
        var (disk, time) = Disk();

        var (host, exitCode) = await RunAsync(@"robocopy C:\src C:\dst /MAXAGE:7", disk, time);

        Assert.That((host.Stdout, exitCode), Is.EqualTo(("", 16)));
        Assert.That(host.Stderr, Does.Contain("does not emulate"));
        Assert.That(disk.Get(@"C:\dst"), Is.Null);
    }

    [Test]
    public async Task The_log_names_each_folder_and_copied_file_and_sums_them_up()
    {
        var (disk, time) = Disk();

        var (host, exitCode) = await RunAsync(@"robocopy C:\src C:\dst /S /R:2 /W:5", disk, time);

        Assert.That(exitCode, Is.EqualTo(1));
        var lines = host.Stdout.Split("\r\n");
        Assert.That(lines, Does.Contain("   ROBOCOPY     ::     Robust File Copy for Windows                              "));
        Assert.That(lines, Does.Contain(@"   Source : C:\src\"));
        Assert.That(lines, Does.Contain("\t  New Dir           1\tC:\\src\\"));
        Assert.That(lines, Does.Contain("\t    New File  \t\t         1\ta.txt"));
        Assert.That(lines, Does.Contain("\t  New Dir           2\tC:\\src\\sub\\"));
        Assert.That(lines, Does.Contain("    Dirs :         2         2         0         0         0         0"));
        Assert.That(lines, Does.Contain("   Files :         3         3         0         0         0         0"));
        Assert.That(lines, Does.Contain("   Bytes :         6         6         0         0         0         0"));
    }

    [Test]
    public async Task Log_writes_the_log_to_a_file_and_tee_to_the_console_too()
    {
        var (disk, time) = Disk();

        var (host, _) = await RunAsync(@"robocopy C:\src C:\dst /LOG:C:\robocopy.log /NJH", disk, time);
        Assert.That(disk.Read(@"C:\robocopy.log", out var log), Is.EqualTo(FileSystemFailure.None));
        Assert.That(System.Text.Encoding.ASCII.GetString(log), Does.Contain("   Files :         1         1         0         0         0         0"));
        Assert.That(host.Stdout, Is.EqualTo("\r\n Log File : C:\\robocopy.log\r\n"));

        var (tee, _) = await RunAsync(@"robocopy C:\src C:\dst /LOG+:C:\robocopy.log /TEE /NJH", disk, time);
        Assert.That(tee.Stdout, Does.Contain("   Files :         1         0         1         0         0         0"));
        disk.Read(@"C:\robocopy.log", out var both);
        Assert.That(System.Text.Encoding.ASCII.GetString(both), Does.Contain("   Files :         1         0         1"), "/LOG+ appends");
    }

    [Test]
    public async Task Robocopy_runs_from_a_remote_PowerShell_session_and_sets_LASTEXITCODE()
    {
        var (disk, _) = Disk();
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };

        await Default.Resolve(Behaviour.Script(@"robocopy C:\src C:\dst /MIR /NFL /NDL /NJH /NJS /NP; if ($LASTEXITCODE -ge 8) { 'failed' } else { ""ok $LASTEXITCODE"" }"))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ok 1" }));
        Assert.That(disk.Get(@"C:\dst\sub\b.log"), Is.Not.Null);
    }

    [TestCase(@"Copy-Item C:\src\a.txt C:\Users\psrp\copy.txt")]
    [TestCase(@"[IO.File]::Copy('C:\src\a.txt', 'C:\Users\psrp\copy.txt')")]
    [TestCase(@"cmd /c copy C:\src\a.txt C:\Users\psrp\copy.txt")]
    public async Task Every_copy_keeps_the_last_write_time_and_gets_a_creation_time_of_its_own(string copy)
    {
        var (disk, time) = Disk();
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };
        time.Advance(TimeSpan.FromHours(1));

        await Default.Resolve(Behaviour.Script(copy + @"; $a = Get-Item C:\src\a.txt; $c = Get-Item C:\Users\psrp\copy.txt; " +
            "$c.LastWriteTime -eq $a.LastWriteTime; $c.CreationTime -gt $a.CreationTime")).RunTestAsync(host, time);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts.TakeLast(2), Is.EqualTo(new[] { "True", "True" }));
    }
}
