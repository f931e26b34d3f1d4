using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Read-only and hidden files: attrib, Set-ItemProperty, and what Windows refuses to do to them.</summary>
public class FileAttributeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static VirtualFileSystem Disk()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero)), 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\app\sub");
        disk.Write(@"C:\app\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\app\sub\b.txt", "b"u8, FileWriteMode.Create);
        return disk;
    }

    // Disk() with C:\app\x.txt read-only and C:\app\y.txt hidden.
    private static VirtualFileSystem DiskWithReadOnlyXAndHiddenY()
    {
        var disk = Disk();
        disk.Write(@"C:\app\x.txt", "x"u8, FileWriteMode.Create);
        disk.Write(@"C:\app\y.txt", "y"u8, FileWriteMode.Create);
        disk.SetAttributes(@"C:\app\x.txt", readOnly: true, hidden: null);
        disk.SetAttributes(@"C:\app\y.txt", readOnly: null, hidden: true);
        return disk;
    }

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> CmdAsync(string line, VirtualFileSystem disk)
    {
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    private static async Task<RecordingHost> PowerShellAsync(string script, VirtualFileSystem disk)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    [Test]
    public async Task Attrib_sets_and_lists_read_only_and_hidden()
    {
        var disk = Disk();

        var (set, setCode) = await CmdAsync(@"attrib +r +h C:\app\a.txt", disk);
        var (list, listCode) = await CmdAsync(@"attrib C:\app\*.txt", disk);

        Assert.That((set.Stdout, set.Stderr, setCode), Is.EqualTo(("", "", 0)));
        Assert.That((disk.Get(@"C:\app\a.txt")!.IsReadOnly, disk.Get(@"C:\app\a.txt")!.IsHidden), Is.EqualTo((true, true)));
        Assert.That((list.Stdout, listCode), Is.EqualTo(("A   HR               C:\\app\\a.txt\r\n", 0)));
    }

    [Test]
    public async Task Attrib_with_s_clears_a_flag_below_a_folder_and_d_takes_folders_too()
    {
        var disk = Disk();
        await CmdAsync(@"attrib +r C:\app\*.* /S /D", disk);
        Assert.That(new[] { @"C:\app\a.txt", @"C:\app\sub\b.txt", @"C:\app\sub" }.Select(p => disk.Get(p)!.IsReadOnly), Is.All.True);

        var (_, exitCode) = await CmdAsync(@"attrib -r C:\app\*.txt /S", disk);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(new[] { @"C:\app\a.txt", @"C:\app\sub\b.txt" }.Select(p => disk.Get(p)!.IsReadOnly), Is.All.False);
        Assert.That(disk.Get(@"C:\app\sub")!.IsReadOnly, Is.True, "without /D the folder keeps its flag");
    }

    [TestCase(@"attrib C:\app\nope.txt", "File not found - C:\\app\\nope.txt\r\n", "", 1)]
    [TestCase(@"attrib +s C:\app\a.txt", "", "attrib +s C:\\app\\a.txt is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n", 1)]
    public async Task What_attrib_cannot_do_is_said(string line, string stdout, string stderr, int code)
    {
        var (host, exitCode) = await CmdAsync(line, Disk());

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, stderr, code)));
    }

    [Test]
    public async Task A_read_only_file_refuses_writes_until_the_flag_is_cleared()
    {
        var disk = Disk();
        await CmdAsync(@"attrib +r C:\app\a.txt", disk);

        var refused = await PowerShellAsync(@"Set-Content C:\app\a.txt 'new'; Get-Content C:\app\a.txt", disk);
        Assert.That(refused.Errors.Select(e => (e.Message, e.ExceptionType)), Is.EqualTo(new[] { (@"Access to the path 'C:\app\a.txt' is denied.", "System.UnauthorizedAccessException") }));
        Assert.That(refused.OutputTexts, Is.EqualTo(new[] { "a" }));

        var cleared = await PowerShellAsync(@"Set-ItemProperty C:\app\a.txt -Name IsReadOnly -Value $false; Set-Content C:\app\a.txt 'new'; Get-Content C:\app\a.txt", disk);
        Assert.That(cleared.Errors, Is.Empty);
        Assert.That(cleared.OutputTexts, Is.EqualTo(new[] { "new" }));
    }

    [TestCase("Set-Content", "new")]
    [TestCase("Add-Content", "anew")]
    public async Task Set_and_Add_Content_with_force_write_a_read_only_file_and_leave_it_read_only(string command, string content)
    {
        var disk = Disk();
        disk.SetAttributes(@"C:\app\a.txt", readOnly: true, hidden: null);

        var host = await PowerShellAsync($@"{command} C:\app\a.txt 'new' -Force; (Get-Content C:\app\a.txt) -join '|'; (Get-Item C:\app\a.txt).IsReadOnly", disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { content, "True" }));
    }

    [TestCase(@"C:\app\a.txt", "+r")]
    [TestCase(@"C:\app\a.txt", "+h")]
    public async Task Remove_Item_needs_force_for_a_read_only_or_hidden_file(string path, string flag)
    {
        var disk = Disk();
        await CmdAsync($"attrib {flag} {path}", disk);

        var refused = await PowerShellAsync($"Remove-Item {path}; Test-Path {path}", disk);

        var error = refused.Errors.Single();
        Assert.That((error.FullyQualifiedErrorId, error.Category, error.ExceptionType, error.Message),
            Is.EqualTo(("RemoveFileSystemItemUnAuthorizedAccess,Microsoft.PowerShell.Commands.RemoveItemCommand", ErrorCategory.PermissionDenied, "System.IO.IOException",
                "You do not have sufficient access rights to perform this operation.")));
        Assert.That(refused.OutputTexts, Is.EqualTo(new[] { "True" }));

        var forced = await PowerShellAsync($"Remove-Item {path} -Force; Test-Path {path}", disk);
        Assert.That(forced.Errors, Is.Empty);
        Assert.That(forced.OutputTexts, Is.EqualTo(new[] { "False" }));
    }

    [Test]
    public async Task Remove_Item_recurse_without_force_keeps_a_read_only_file_and_the_folders_above_it()
    {
        var disk = Disk();
        disk.Write(@"C:\app\sub\c.txt", "c"u8, FileWriteMode.Create);
        disk.SetAttributes(@"C:\app\sub\b.txt", readOnly: true, hidden: null);

        var refused = await PowerShellAsync(@"Remove-Item C:\app -Recurse; (Get-ChildItem C:\app -Recurse -Force | ForEach-Object FullName) -join ','", disk);

        Assert.That(refused.Errors.Select(e => (e.FullyQualifiedErrorId.Split(',')[0], e.TargetName)), Is.EqualTo(new[]
        {
            ("RemoveFileSystemItemUnAuthorizedAccess", @"C:\app\sub\b.txt"),
            ("DirectoryNotEmpty", @"C:\app\sub"),
            ("DirectoryNotEmpty", @"C:\app"),
        }));
        Assert.That(refused.OutputTexts, Is.EqualTo(new[] { @"C:\app\sub,C:\app\sub\b.txt" }), "a.txt and c.txt are gone");

        var forced = await PowerShellAsync(@"Remove-Item C:\app -Recurse -Force; Test-Path C:\app", disk);
        Assert.That(forced.Errors, Is.Empty);
        Assert.That(forced.OutputTexts, Is.EqualTo(new[] { "False" }));
    }

    [Test]
    public async Task Remove_Item_of_an_empty_read_only_folder_needs_force()
    {
        var disk = Disk();
        disk.CreateDirectory(@"C:\app\locked");
        disk.SetAttributes(@"C:\app\locked", readOnly: true, hidden: null);

        var host = await PowerShellAsync(@"Remove-Item C:\app\locked; Test-Path C:\app\locked; Remove-Item C:\app\locked -Force; Test-Path C:\app\locked", disk);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "RemoveFileSystemItemUnAuthorizedAccess,Microsoft.PowerShell.Commands.RemoveItemCommand" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "False" }));
    }

    [Test]
    public async Task The_refusal_reads_cannot_remove_item_as_PowerShell_shows_it()
    {
        var disk = Disk();
        await CmdAsync(@"attrib +r C:\app\a.txt", disk);
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };

        await ((BehaviourScript)Default.Resolve(Behaviour.Script(@"Remove-Item C:\app\a.txt")))
            .RunAsync(host, new FakeTimeProvider(), ScriptedError.ToErrorRecord, CancellationToken.None);

        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record["ErrorDetails_Message"].AsString(), Is.EqualTo(@"Cannot remove item C:\app\a.txt: You do not have sufficient access rights to perform this operation."));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo(@"PermissionDenied: (C:\app\a.txt:FileInfo) [Remove-Item], IOException"));
    }

    [Test]
    public async Task Copy_Item_over_a_read_only_file_needs_force()
    {
        var disk = Disk();
        await CmdAsync(@"attrib +r C:\app\sub\b.txt", disk);

        var refused = await PowerShellAsync(@"Copy-Item C:\app\a.txt C:\app\sub\b.txt; Get-Content C:\app\sub\b.txt", disk);
        Assert.That(refused.Errors.Select(e => e.ExceptionType), Is.EqualTo(new[] { "System.UnauthorizedAccessException" }));
        Assert.That(refused.OutputTexts, Is.EqualTo(new[] { "b" }));

        var forced = await PowerShellAsync(@"Copy-Item C:\app\a.txt C:\app\sub\b.txt -Force; Get-Content C:\app\sub\b.txt; (Get-Item C:\app\sub\b.txt).IsReadOnly", disk);
        Assert.That(forced.Errors, Is.Empty);
        Assert.That(forced.OutputTexts, Is.EqualTo(new[] { "a", "False" }));
    }

    [Test]
    public async Task Del_refuses_a_read_only_file_and_del_f_removes_it()
    {
        var disk = Disk();
        await CmdAsync(@"attrib +r C:\app\a.txt", disk);

        var (refused, code) = await CmdAsync(@"del C:\app\a.txt", disk);
        Assert.That((refused.Stderr, code, disk.Get(@"C:\app\a.txt") is not null), Is.EqualTo(("C:\\app\\a.txt\r\nAccess is denied.\r\n", 0, true)));

        await CmdAsync(@"del /F C:\app\a.txt", disk);
        Assert.That(disk.Get(@"C:\app\a.txt"), Is.Null);
    }

    [Test]
    public async Task Set_ItemProperty_sets_attributes_and_times_of_files_as_Get_Item_reads_them()
    {
        var disk = Disk();

        var host = await PowerShellAsync(
            @"Set-ItemProperty C:\app\a.txt -Name Attributes -Value 'ReadOnly, Hidden'; $f = Get-Item C:\app\a.txt -Force; $f.Mode; $f.IsReadOnly; " +
            @"(Get-ChildItem C:\app -Name) -join ','; Get-Item C:\app\sub\b.txt | Set-ItemProperty -Name LastWriteTime -Value ([datetime]'2020-01-02 03:04:05'); " +
            @"(Get-Item C:\app\sub\b.txt).LastWriteTime.ToString('yyyy-MM-dd HH:mm:ss'); Set-ItemProperty C:\app\a.txt -Name Attributes -Value Normal -PassThru | ForEach-Object Mode",
            disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "-arh--", "True", "sub", "2020-01-02 03:04:05", "-a----" }));
    }

    [Test]
    public async Task Setting_a_FileInfo_property_changes_the_file_on_the_disk()
    {
        var disk = Disk();

        var host = await PowerShellAsync(
            @"$f = Get-Item C:\app\a.txt; $f.IsReadOnly = $true; $f.Mode; (Get-Item C:\app\a.txt).IsReadOnly; " +
            @"$f.LastWriteTime = [datetime]'2020-01-02'; (Get-Item C:\app\a.txt).LastWriteTime.Year; " +
            @"(Get-Item C:\app\a.txt).Attributes = 'Normal'; (Get-Item C:\app\a.txt).IsReadOnly; $f.Name = 'other'; Test-Path C:\app\a.txt",
            disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "-ar---", "True", "2020", "False", "True" }), "a property the disk does not keep stays the object's");
        Assert.That(disk.Get(@"C:\app\a.txt")!.LastWriteTime.Year, Is.EqualTo(2020));
    }

    [TestCase("$h = @{ a = @{ b = 1 } }; ($h.a).b = 2; $h.a.b", "2")]
    [TestCase("$list = @(@{ n = 1 }, @{ n = 2 }); ($list)[1].n += 5; $list[1].n", "7")]
    [TestCase("$o = [pscustomobject]@{ x = 1 }; ($o).x = 'set'; $o.x", "set")]
    public async Task An_element_of_a_parenthesized_expression_can_be_assigned(string script, string expected)
    {
        var host = await PowerShellAsync(script, Disk());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { expected }));
    }

    [TestCase("-Hidden", "y.txt")]
    [TestCase("-ReadOnly", "x.txt")]
    [TestCase("-Attributes ReadOnly", "x.txt")]
    [TestCase("-Attributes '!Directory+Hidden'", "y.txt")]
    [TestCase("-Attributes 'Hidden,ReadOnly'", "x.txt,y.txt")]
    [TestCase("-Attributes Directory", "sub")]
    [TestCase("-System", "")]
    [TestCase("", "sub,a.txt,x.txt")]
    [TestCase("-Force", "sub,a.txt,x.txt,y.txt")]
    public async Task Get_ChildItem_chooses_items_by_their_attributes(string switches, string names)
    {
        var disk = DiskWithReadOnlyXAndHiddenY();

        var host = await PowerShellAsync($"(Get-ChildItem C:\\app {switches} | ForEach-Object Name) -join ','", disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { names }));
    }

    [TestCase(@"dir /ah /b C:\app", "y.txt\r\n")]
    [TestCase(@"dir /a:r /b C:\app", "x.txt\r\n")]
    [TestCase(@"dir /a-d /b C:\app", "a.txt\r\nx.txt\r\ny.txt\r\n")]
    [TestCase(@"dir /a /b C:\app", "a.txt\r\nsub\r\nx.txt\r\ny.txt\r\n")]
    [TestCase(@"dir /b C:\app", "a.txt\r\nsub\r\nx.txt\r\n")]
    [TestCase(@"dir /s /b /ah C:\app", "C:\\app\\y.txt\r\n")]
    public async Task Dir_a_chooses_items_by_their_attributes(string line, string stdout)
    {
        var disk = DiskWithReadOnlyXAndHiddenY();

        var (host, exitCode) = await CmdAsync(line, disk);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)));
    }

    // C:\order: big.log (300 bytes, oldest), a.txt (1 byte), sub\ and z.cmd (20 bytes, newest), an hour apart.
    [TestCase(@"dir /b /o:-d C:\order", "z.cmd\r\nsub\r\na.txt\r\nbig.log\r\n")]
    [TestCase(@"dir /b /od C:\order", "big.log\r\na.txt\r\nsub\r\nz.cmd\r\n")]
    [TestCase(@"dir /b /o-s C:\order", "big.log\r\nz.cmd\r\na.txt\r\nsub\r\n")]
    [TestCase(@"dir /b /o C:\order", "sub\r\na.txt\r\nbig.log\r\nz.cmd\r\n")]
    [TestCase(@"dir /b /o:-n C:\order", "z.cmd\r\nsub\r\nbig.log\r\na.txt\r\n")]
    [TestCase(@"dir /b /oe C:\order", "sub\r\nz.cmd\r\nbig.log\r\na.txt\r\n")]
    [TestCase(@"dir /b /o:-gn C:\order", "a.txt\r\nbig.log\r\nz.cmd\r\nsub\r\n")]
    public async Task Dir_o_sorts_by_the_keys_given(string line, string stdout)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        var disk = new VirtualFileSystem(time, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\order");
        disk.Write(@"C:\order\big.log", new byte[300], FileWriteMode.Create);
        time.Advance(TimeSpan.FromHours(1));
        disk.Write(@"C:\order\a.txt", "a"u8, FileWriteMode.Create);
        time.Advance(TimeSpan.FromHours(1));
        disk.CreateDirectory(@"C:\order\sub");
        time.Advance(TimeSpan.FromHours(1));
        disk.Write(@"C:\order\z.cmd", new byte[20], FileWriteMode.Create);

        var (host, exitCode) = await CmdAsync(line, disk);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)), line);
    }

    [Test]
    public async Task Dot_NET_File_Delete_of_a_read_only_file_is_access_denied()
    {
        var disk = Disk();
        disk.SetAttributes(@"C:\app\a.txt", readOnly: true, hidden: null);

        var host = await PowerShellAsync(@"try { [IO.File]::Delete('C:\app\a.txt') } catch { $_.FullyQualifiedErrorId; ""$_"" }; Test-Path C:\app\a.txt", disk);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "UnauthorizedAccessException", @"Exception calling ""Delete"" with ""1"" argument(s): ""Access to the path 'C:\app\a.txt' is denied.""", "True" }));
    }

    [Test]
    public async Task Set_ItemProperty_of_a_property_the_emulator_does_not_keep_is_a_scenario_error()
    {
        var host = await PowerShellAsync(@"Set-ItemProperty C:\app\a.txt -Name Attributes -Value System", Disk());

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
    }

    [Test]
    public async Task Set_ItemProperty_of_a_registry_key_still_goes_to_the_registry()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = Disk() };

        await Default.Resolve(Behaviour.Script(@"New-Item HKLM:\SOFTWARE\Acme -Force | Out-Null; Set-ItemProperty HKLM:\SOFTWARE\Acme -Name Level -Value 3; (Get-ItemProperty HKLM:\SOFTWARE\Acme).Level"))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3" }));
    }
}
