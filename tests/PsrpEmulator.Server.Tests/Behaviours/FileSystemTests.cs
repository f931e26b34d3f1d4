using System.Xml.Linq;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The virtual computers' disk, and the cmdlets, .NET methods, redirections and cmd.exe commands on it.</summary>
public class FileSystemTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 30, 0, TimeSpan.Zero);

    private static VirtualFileSystem NewDisk(long capacity = 1 << 20)
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(Now), capacity);
        disk.EnsureProfile(@"C:\Users\psrp");
        return disk;
    }

    private static readonly Func<string, PsValue?> Automatic = RecordingHost.ServerAutomaticVariables();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, VirtualFileSystem? disk = null, BehaviourCatalog? catalog = null)
    {
        var host = new RecordingHost { FileSystem = disk ?? NewDisk(), Automatic = Automatic };
        host.Environment["USERPROFILE"] = @"C:\Users\psrp";
        host.Environment["TEMP"] = @"C:\Users\psrp\AppData\Local\Temp";
        var outcome = await (catalog ?? Default).Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script, VirtualFileSystem? disk = null)
    {
        var (host, outcome) = await RunAsync(script, disk);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToStringValue ?? string.Empty);
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    // ---- the disk ----

    [TestCase(@"C:\a\b", @"C:\Users\psrp\Documents", @"C:\a\b")]
    [TestCase(@"c:/a//b/./c/../d.", @"C:\x", @"C:\a\b\d")]
    [TestCase(@"x.txt", @"C:\Users\psrp\Documents", @"C:\Users\psrp\Documents\x.txt")]
    [TestCase(@"..\..\y", @"C:\Users\psrp\Documents", @"C:\Users\y")]
    [TestCase(@"\Windows", @"C:\Users\psrp", @"C:\Windows")]
    [TestCase(@"Microsoft.PowerShell.Core\FileSystem::C:\Temp", @"C:\", @"C:\Temp")]
    [TestCase(@"C:\..\..", @"C:\", @"C:\")]
    public void A_path_is_made_full_as_Windows_makes_it(string path, string current, string expected) =>
        Assert.That(VirtualFileSystem.FullPath(path, current, out _), Is.EqualTo(expected));

    [TestCase(@"D:\x", FileSystemFailure.DriveNotFound)]
    [TestCase(@"C:\a|b", FileSystemFailure.InvalidPath)]
    [TestCase(@"\\server\share\x", FileSystemFailure.InvalidPath)]
    [TestCase("", FileSystemFailure.InvalidPath)]
    public void A_path_the_disk_cannot_have_says_why(string path, FileSystemFailure failure)
    {
        Assert.That(VirtualFileSystem.FullPath(path, @"C:\", out var why), Is.Null);
        Assert.That(why, Is.EqualTo(failure));
    }

    [Test]
    public void Names_compare_without_case_and_keep_the_case_they_were_made_with()
    {
        var disk = NewDisk();
        Assert.That(disk.CreateDirectory(@"C:\Data\Logs"), Is.EqualTo(FileSystemFailure.None));
        Assert.That(disk.Write(@"C:\DATA\logs\App.LOG", "x"u8, FileWriteMode.Create), Is.EqualTo(FileSystemFailure.None));

        Assert.That(disk.Get(@"c:\data\LOGS\app.log")!.FullName, Is.EqualTo(@"C:\Data\Logs\App.LOG"));
        Assert.That(disk.CreateDirectory(@"C:\data"), Is.EqualTo(FileSystemFailure.AlreadyExists));
    }

    [Test]
    public void Writes_append_and_overwrite_in_place_and_a_full_disk_refuses_what_does_not_fit()
    {
        var disk = NewDisk(capacity: 4096 + 2048 - 1);
        disk.Write(@"C:\f", "abcdef"u8, FileWriteMode.Create);
        disk.Write(@"C:\f", "XY"u8, FileWriteMode.Overwrite, position: 2);
        disk.Write(@"C:\f", "!"u8, FileWriteMode.Append);
        disk.Read(@"C:\f", out var content);
        Assert.That(Encoding.ASCII.GetString(content), Is.EqualTo("abXYef!"));

        Assert.That(disk.Write(@"C:\g", new byte[4096], FileWriteMode.Create), Is.EqualTo(FileSystemFailure.DiskFull), "the setup log's 2048 bytes count");
        Assert.That(disk.Write(@"C:\f", "0123456789"u8, FileWriteMode.Create), Is.EqualTo(FileSystemFailure.None), "a replaced file's old bytes are freed first");
        Assert.That(disk.Write(@"C:\f", "abc"u8, FileWriteMode.CreateNew), Is.EqualTo(FileSystemFailure.AlreadyExists));
        Assert.That(disk.Write(@"C:\nope\f", "abc"u8, FileWriteMode.Create), Is.EqualTo(FileSystemFailure.ParentNotFound));
        Assert.That(disk.Write(@"C:\Windows", "abc"u8, FileWriteMode.Create), Is.EqualTo(FileSystemFailure.IsDirectory));
    }

    [Test]
    public void A_folder_with_children_goes_only_recursively_and_moves_take_the_children_along()
    {
        var disk = NewDisk();
        disk.CreateDirectory(@"C:\a\b");
        disk.Write(@"C:\a\b\f.txt", "1"u8, FileWriteMode.Create);
        var used = disk.UsedBytes;

        Assert.That(disk.Delete(@"C:\a", recurse: false), Is.EqualTo(FileSystemFailure.DirectoryNotEmpty));
        Assert.That(disk.Move(@"C:\a", @"C:\a\b\c", overwrite: false), Is.EqualTo(FileSystemFailure.InvalidPath), "a folder cannot go into itself");
        Assert.That(disk.Move(@"C:\a", @"C:\z", overwrite: false), Is.EqualTo(FileSystemFailure.None));
        Assert.That(disk.Get(@"C:\z\b\f.txt"), Is.Not.Null);
        Assert.That(disk.Delete(@"C:\z", recurse: true), Is.EqualTo(FileSystemFailure.None));
        Assert.That(disk.UsedBytes, Is.EqualTo(used - 1));
        Assert.That(disk.Delete(@"C:\", recurse: true), Is.EqualTo(FileSystemFailure.Root));
    }

    [Test]
    public void A_new_disk_has_a_Windows_servers_top_level_and_the_users_profile()
    {
        var disk = NewDisk();

        Assert.That(disk.List(@"C:\")!.Select(i => i.Name), Is.EqualTo(new[] { "PerfLogs", "Program Files", "Program Files (x86)", "setup.log", "Users", "Windows" }));
        Assert.That(disk.List(@"C:\", includeHidden: true)!.Select(i => i.Name), Does.Contain("ProgramData"));
        Assert.That(disk.List(@"C:\Users\psrp")!.Select(i => i.Name), Is.EqualTo(new[] { "AppData", "Desktop", "Documents", "Downloads" }));
        Assert.That(disk.Get(@"C:\Users\psrp\AppData\Local\Temp")!.IsDirectory, Is.True);
        Assert.That(disk.Get(@"C:\Users")!.LastWriteTime, Is.EqualTo(new DateTimeOffset(2026, 1, 12, 9, 38, 0, TimeSpan.Zero)), "a profile made at a first logon keeps C:\\Users' time");
    }

    // ---- cmdlets ----

    // The folders install scripts look for or write into, as a Windows Server 2019 has them.
    [TestCase("Test-Path 'C:\\Program Files\\Common Files'; Test-Path 'C:\\Program Files (x86)\\Common Files'; Test-Path 'C:\\Program Files\\WindowsPowerShell\\Modules'; Test-Path C:\\Windows\\SysWOW64; " +
        "Test-Path C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319; Test-Path C:\\ProgramData\\Microsoft; Test-Path ([Environment]::GetFolderPath('Fonts'))", "True|True|True|True|True|True|True")]
    [TestCase("Test-Path C:\\Windows; Test-Path C:\\nope; Test-Path C:\\Windows -PathType Leaf; Test-Path C:\\setup.log -PathType Leaf; Test-Path D:\\x", "True|False|False|True|False")]
    [TestCase("Test-Path C:\\Win*; Test-Path C:\\*.log -PathType Leaf; Test-Path 'C:\\a|b' -IsValid; Test-Path C:\\new\\x -IsValid", "True|True|False|True")]
    [TestCase("Set-Content C:\\a.txt 'hello','world'; Get-Content C:\\a.txt; (Get-Content C:\\a.txt -Raw).Length; (Get-Item C:\\a.txt).Length", "hello|world|14|14")]
    [TestCase("Set-Content C:\\a.txt 'x' -NoNewline; Add-Content C:\\a.txt 'y','z'; Get-Content C:\\a.txt -Raw", "xy\r\nz\r\n")]
    [TestCase("'a','b','c' | Set-Content C:\\p.txt; Get-Content C:\\p.txt -TotalCount 2; Get-Content C:\\p.txt -Tail 1", "a|b|c")]
    [TestCase("Set-Content C:\\e.txt 'é' -Encoding UTF8; (Get-Item C:\\e.txt).Length; Get-Content C:\\e.txt; Set-Content C:\\a.txt 'é'; (Get-Item C:\\a.txt).Length; Get-Content C:\\a.txt", "7|é|3|é")]
    [TestCase("New-Item -ItemType Directory C:\\d\\e | Out-Null; New-Item C:\\d\\e\\f.txt -Value abc | % Name; Get-Content C:\\d\\e\\f.txt; mkdir C:\\m | % FullName", "f.txt|abc|C:\\m")]
    [TestCase("Get-ChildItem C:\\ | % Name", "PerfLogs|Program Files|Program Files (x86)|Users|Windows|setup.log")]
    [TestCase("New-Item -ItemType d C:\\n | % Mode; New-Item C:\\n\\f -ItemType f | % Mode; \"$(Get-ChildItem C:\\n)\"; \"$(Get-ChildItem C:\\n\\f)\"", "d-----|-a----|f|C:\\n\\f")]
    [TestCase("Set-Content C:\\u.txt 'a' -Encoding Unicode; Add-Content C:\\u.txt 'b'; (Get-Item C:\\u.txt).Length; Get-Content C:\\u.txt", "14|a|b")]
    [TestCase("Get-ChildItem C:\\ -Directory | % Name; gci 'C:\\' -File | % Name; dir C:\\ -ad | Measure-Object | % Count; ls -Path C:\\ -af | % Length", "PerfLogs|Program Files|Program Files (x86)|Users|Windows|setup.log|5|2048")]
    [TestCase("mkdir C:\\r\\s | Out-Null; Set-Content C:\\r\\a.txt 1; Set-Content C:\\r\\s\\b.log 2; Get-ChildItem C:\\r -Recurse | % FullName; Get-ChildItem C:\\r -Recurse -Filter *.log -Name", "C:\\r\\s|C:\\r\\a.txt|C:\\r\\s\\b.log|s\\b.log")]
    [TestCase("Set-Content x.txt 1; Get-Item x.txt | % FullName; (Get-ChildItem)[0].Name; Get-Item C:\\Users\\psrp\\Documents\\x.txt | % { \"$_\" }", "C:\\Users\\psrp\\Documents\\x.txt|x.txt|C:\\Users\\psrp\\Documents\\x.txt")]
    [TestCase("Copy-Item C:\\setup.log C:\\Users; Test-Path C:\\Users\\setup.log; Move-Item C:\\Users\\setup.log C:\\s2.log; Test-Path C:\\s2.log; Rename-Item C:\\s2.log s3.log; (Get-Item C:\\s3.log).Length", "True|True|2048")]
    [TestCase("mkdir C:\\t\\u | Out-Null; Set-Content C:\\t\\u\\f 1; Copy-Item C:\\t C:\\t2 -Recurse; Get-Content C:\\t2\\u\\f; Remove-Item C:\\t -Recurse; Test-Path C:\\t", "1|False")]
    [TestCase("Set-Content C:\\h.txt 'abc' -NoNewline; Get-FileHash C:\\h.txt | % Hash; (Get-FileHash C:\\h.txt -Algorithm MD5).Hash", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD|900150983CD24FB0D6963F7D28E17F72")]
    [TestCase("Set-Content C:\\1.tmp a; Set-Content C:\\2.tmp b; Remove-Item C:\\*.tmp; @(Get-ChildItem C:\\ -File).Count; Get-ChildItem C:\\ -File | Remove-Item; @(Get-ChildItem C:\\ -File).Count", "1|0")]
    [TestCase("Get-Location | % Path; cd C:\\Windows; $PWD.Path; Set-Content x.txt 1; Test-Path C:\\Windows\\x.txt; cd ..; (gl).Path; cd; (pwd).Path; cd ~\\Desktop; $PWD.Path", "C:\\Users\\psrp\\Documents|C:\\Windows|True|C:\\|C:\\|C:\\Users\\psrp\\Desktop")]
    // Windows' hosts file, 824 bytes of comments; a provisioning script adds an entry and reads it back.
    [TestCase("$h = 'C:\\Windows\\System32\\drivers\\etc\\hosts'; (Get-Item $h).Length; (Get-Content $h)[0]; Get-Content $h -Tail 1; Add-Content $h '10.0.0.5`tdb01'; Select-String -Path $h -Pattern db01 | % LineNumber",
        "824|# Copyright (c) 1993-2009 Microsoft Corp.|#\t::1             localhost|22")]
    // Windows' 16-bit compatibility files, the classic files a test reads.
    [TestCase("(Get-Item C:\\Windows\\win.ini).Length; Get-Content C:\\Windows\\win.ini -TotalCount 2; (Get-Content C:\\Windows\\system.ini)[2]; (Get-Item C:\\Windows\\system.ini).Length", "92|; for 16-bit app support|[fonts]|woafont=dosapp.fon|219")]
    // The Windows folder's own programs (a Desktop Experience server's: explorer.exe is what scripts test for).
    [TestCase("Test-Path C:\\Windows\\explorer.exe; [System.IO.File]::Exists('C:\\Windows\\notepad.exe'); (Get-ChildItem C:\\Windows -File -Filter *.exe).Name -join ','; (Get-Item C:\\Windows\\regedit.exe).Length",
        "True|True|bfsvc.exe,explorer.exe,HelpPane.exe,hh.exe,notepad.exe,regedit.exe,splwow64.exe,winhlp32.exe,write.exe|358400")]
    [TestCase("pushd C:\\Windows\\System32; (gl).Path; popd; (gl).Path; popd; (gl).Path; Set-Location C:\\Users -PassThru | % Path", "C:\\Windows\\System32|C:\\Users\\psrp\\Documents|C:\\Users\\psrp\\Documents|C:\\Users")]
    [TestCase("Resolve-Path C:\\Win* | % Path; Convert-Path C:\\Users\\..\\setup.log; cd C:\\Windows; Resolve-Path C:\\Windows\\System32 -Relative; Resolve-Path ..\\setup.log -Relative", "C:\\Windows|C:\\setup.log|.\\System32|..\\setup.log")]
    [TestCase("Join-Path C:\\ Windows -Resolve; Split-Path C:\\Windows\\System32 -Resolve; Join-Path C:\\ W* -Resolve", "C:\\Windows|C:\\Windows|C:\\Windows")]
    [TestCase("'C:\\a', 'C:\\b' | Join-Path -ChildPath logs", "C:\\a\\logs|C:\\b\\logs")]
    // -Delimiter: pieces ending with the delimiter (5.1 keeps it); "`0" the whole text at once.
    [TestCase("Set-Content C:\\d.txt '1', '2', '3'; $p = Get-Content C:\\d.txt -Delimiter '2'; $p.Count; $p[0].Replace(\"`r`n\", '/'); $p[1].Replace(\"`r`n\", '/'); (Get-Content C:\\d.txt -Delimiter \"`0\").Length", "2|1/2|/3/|9")]
    [TestCase("[pscustomobject]@{a=1;b='x,y'} | Export-Csv C:\\t.csv; Get-Content C:\\t.csv; [pscustomobject]@{a=2;b='z'} | Export-Csv C:\\t.csv -Append; Import-Csv C:\\t.csv | % b; (Get-Item C:\\t.csv).Length", "#TYPE System.Management.Automation.PSCustomObject|\"a\",\"b\"|\"1\",\"x,y\"|x,y|z|80")]
    [TestCase("Export-Csv -Path C:\\x.csv -InputObject ([pscustomobject]@{q=1; r=2}) -Delimiter ';' -NoTypeInformation; Get-Content C:\\x.csv; Import-Csv C:\\x.csv ';' | % r", "\"q\";\"r\"|\"1\";\"2\"|2")]
    [TestCase("[pscustomobject]@{n='a'; note=\"line 1`r`nline 2\"}, [pscustomobject]@{n='b'; note='one'} | Export-Csv C:\\m.csv -NoTypeInformation; $rows = Import-Csv C:\\m.csv; $rows.Count; $rows[0].note.Replace(\"`r`n\", '/'); $rows[1].n; ('x,y', \"1,`\"p`nq`\"\" | ConvertFrom-Csv).y.Length", "2|line 1/line 2|b|3")]
    [TestCase("1..3 | Tee-Object -FilePath C:\\tee.txt | % { $_ * 2 }; Get-Content C:\\tee.txt; 4 | Tee-Object C:\\tee.txt -Append | Out-Null; (Get-Content C:\\tee.txt).Count; (Get-Item C:\\tee.txt).Length", "2|4|6|1|2|3|4|26")]
    [TestCase("[pscustomobject]@{a=1;b='x'}, [pscustomobject]@{a=2;b='y'} | Export-Clixml C:\\o.xml; $i = Import-Clixml C:\\o.xml; $i.Count; $i[1].b; $i[0].PSObject.TypeNames[0]; (Get-Content C:\\o.xml -Raw).Substring(0, 23); (Get-Content C:\\o.xml -Encoding Byte -TotalCount 2) -join ','", "2|y|Deserialized.System.Management.Automation.PSCustomObject|<Objs Version=\"1.1.0.1\"|255,254")]
    // 5.1's layout: indented with CRLF, the objects through one serializer (the second PSCustomObject's type names a TNRef).
    [TestCase("[pscustomobject]@{a=1}, [pscustomobject]@{a=2} | Export-Clixml C:\\o.xml; $lines = (Get-Content C:\\o.xml -Raw) -split \"`r`n\"; $lines.Count; $lines[1]; $lines[9]; $lines[10]; $lines[11]; $lines[-1]",
        "17|  <Obj RefId=\"0\">|  </Obj>|  <Obj RefId=\"1\">|    <TNRef RefId=\"0\" />|</Objs>")]
    [TestCase("@{k='v'} | Export-Clixml C:\\h.xml; (Import-Clixml C:\\h.xml).k; Export-Clixml -Path C:\\s.xml -InputObject 'str'; Import-Clixml C:\\s.xml", "v|str")]
    [TestCase("$c = [pscredential]::new('u', (ConvertTo-SecureString 'pw' -AsPlainText -Force)); $c | Export-Clixml C:\\c.xml; (Import-Clixml C:\\c.xml).GetNetworkCredential().Password", "pw")]
    // Import-Clixml's InternalDeserializer: names decorated at every depth, an enum over its number, a PSCredential rehydrated.
    [TestCase("$c = [pscredential]::new('u', (ConvertTo-SecureString 'pw' -AsPlainText -Force)); $c | Export-Clixml C:\\c.xml; $i = Import-Clixml C:\\c.xml; $i.GetType().FullName; $i.pstypenames[0]",
        "System.Management.Automation.PSCredential|System.Management.Automation.PSCredential")]
    [TestCase("[DayOfWeek]::Monday | Export-Clixml C:\\e.xml; $e = Import-Clixml C:\\e.xml; $e.pstypenames[0]; \"$e\"; $e -eq 1; $e -eq 'Monday'; $e.GetType().Name", "Deserialized.System.DayOfWeek|Monday|True|False|Int32")]
    [TestCase("[pscustomobject]@{ inner = [pscustomobject]@{ a = 1 } } | Export-Clixml C:\\n.xml; (Import-Clixml C:\\n.xml).inner.pstypenames[0]", "Deserialized.System.Management.Automation.PSCustomObject")]
    // -List: each file's first match only (and the input stream's).
    [TestCase("Set-Content C:\\a.log 'x1','x2'; Set-Content C:\\b.log 'y','x3'; Select-String -Path C:\\a.log, C:\\b.log -Pattern x -List | % { \"$_\" }; Get-ChildItem C:\\*.log | Select-String x -List | % Line; 'x4', 'x5' | Select-String x -List | % Line",
        "C:\\a.log:1:x1|C:\\b.log:2:x3|x1|x3|x4")]
    [TestCase("Set-Content C:\\a.log 'ok','error one','fine','Error two'; Select-String -Path C:\\a.log -Pattern error | % { \"$_\" }; (Select-String error C:\\*.log).LineNumber; Select-String -Path C:\\a.log -Pattern nothing -Quiet; 'x','error' | Select-String err | % Line", "C:\\a.log:2:error one|C:\\a.log:4:Error two|2|4|False|error")]
    [TestCase("Test-Path env:TEMP; Test-Path Env:\\NOPE; (Get-Item env:USERPROFILE).Value; Get-Content env:TEMP; (Get-ChildItem env:US*).Name -join ','; $env:CI = '1'; Test-Path env:CI; Remove-Item env:CI; Test-Path env:CI; New-Item env:BUILD -Value 42 | % Value; $env:BUILD; Set-Item env:BUILD 43; $env:BUILD", "True|False|C:\\Users\\psrp|C:\\Users\\psrp\\AppData\\Local\\Temp|USERNAME,USERPROFILE|True|False|42|42|43")]
    [TestCase("$t = New-TemporaryFile; $t.Length; $t.DirectoryName; Set-Content C:\\c.txt abc; Clear-Content C:\\c.txt -WhatIf; (Get-Item C:\\c.txt).Length; Clear-Content C:\\c.txt; (Get-Item C:\\c.txt).Length", "0|C:\\Users\\psrp\\AppData\\Local\\Temp|5|0")]
    [TestCase("(Get-Item C:\\Users).Mode; (Get-Item C:\\ProgramData).Mode; (Get-ChildItem C:\\ -Force).Count; (Get-Item C:\\setup.log).Attributes", "d-r---|d--h--|7|Archive")]
    public async Task The_FileSystem_cmdlets_work_on_the_computers_disk(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // ContentCommandBase.WriteContentObject: every item carries the file's notes and how many items had been read.
    [TestCase("mkdir C:\\d | Out-Null; Set-Content C:\\d\\n.txt 'a', 'b', 'c'; $l = Get-Content C:\\d\\n.txt; $l[0].PSPath; $l[0].PSParentPath; $l[0].PSChildName; \"$($l[0].PSDrive)\"; \"$($l[0].PSProvider)\"; $l.ReadCount -join ','",
        "C:\\d\\n.txt|C:\\d|n.txt|C|Microsoft.PowerShell.Core\\FileSystem|1,2,3")]
    [TestCase("Set-Content C:\\n.txt 'a', 'b', 'c'; (Get-Content C:\\n.txt -ReadCount 2 | ForEach-Object { \"$($_.Count):$($_.ReadCount)\" }) -join ','; (Get-Content C:\\n.txt -Tail 2).ReadCount -join ','; (Get-Content C:\\n.txt -Raw).ReadCount; (Get-Content C:\\n.txt)[0].PSParentPath",
        "2:2,1:3|1,2|1|C:\\")]
    [TestCase("Set-Content C:\\n.txt 'a'; $l = Get-Content C:\\n.txt; $l -eq 'a'; $l.GetType().FullName; $l.Length; \"[$l]\"; ($l -split '').Count; $l | ConvertTo-Json -Compress -Depth 0",
        "True|System.String|1|[a]|3|{\"value\":\"a\",\"PSPath\":\"C:\\\\n.txt\",\"PSParentPath\":\"C:\\\\\",\"PSChildName\":\"n.txt\",\"PSDrive\":\"C\",\"PSProvider\":\"Microsoft.PowerShell.Core\\\\FileSystem\",\"ReadCount\":1}")]
    [TestCase("Set-Content C:\\n.txt 'abc'; $l = Get-Content C:\\n.txt; ($l | Select-Object *).PSObject.Properties.Name -join ','; ($l | Select-Object PS*Name).PSChildName; ($l | Format-List * -Force | Out-String).Trim().Split(\"`n\")[-1].Trim(); $l.PSObject.Properties.Name -join ','",
        "PSPath,PSParentPath,PSChildName,PSDrive,PSProvider,ReadCount,Length|n.txt|Length       : 3|PSPath,PSParentPath,PSChildName,PSDrive,PSProvider,ReadCount,Length")]
    public async Task Get_Content_notes_each_item_with_its_file_and_its_read_count(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Get-Content C:\\nope", "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand", "Cannot find path 'C:\\nope' because it does not exist.")]
    [TestCase("Remove-Item C:\\nope\\x.txt", "PathNotFound,Microsoft.PowerShell.Commands.RemoveItemCommand", "Cannot find path 'C:\\nope\\x.txt' because it does not exist.")]
    [TestCase("Get-ChildItem D:\\", "DriveNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand", "Cannot find drive. A drive with the name 'D' does not exist.")]
    [TestCase("New-Item C:\\setup.log", "NewItemIOError,Microsoft.PowerShell.Commands.NewItemCommand", "The file 'C:\\setup.log' already exists.")]
    [TestCase("mkdir C:\\Windows", "DirectoryExist,Microsoft.PowerShell.Commands.NewItemCommand", "An item with the specified name C:\\Windows already exists.")]
    [TestCase("Set-Content C:\\nope\\x.txt 1", "GetContentWriterDirectoryNotFoundError,Microsoft.PowerShell.Commands.SetContentCommand", "Could not find a part of the path 'C:\\nope\\x.txt'.")]
    [TestCase("Get-Content C:\\Windows", "GetContentReaderUnauthorizedAccessError,Microsoft.PowerShell.Commands.GetContentCommand", "Access to the path 'C:\\Windows' is denied.")]
    [TestCase("Set-Content C:\\bad.xml 'nope'; Import-Clixml C:\\bad.xml", "System.Xml.XmlException,Microsoft.PowerShell.Commands.ImportClixmlCommand", "Data at the root level is invalid. Line 1, position 1.")]
    [TestCase("cd C:\\nope", "PathNotFound,Microsoft.PowerShell.Commands.SetLocationCommand", "Cannot find path 'C:\\nope' because it does not exist.")]
    [TestCase("Join-Path C:\\ nope -Resolve", "PathNotFound,Microsoft.PowerShell.Commands.JoinPathCommand", "Cannot find path 'C:\\nope' because it does not exist.")]
    [TestCase("Resolve-Path C:\\nope", "PathNotFound,Microsoft.PowerShell.Commands.ResolvePathCommand", "Cannot find path 'C:\\nope' because it does not exist.")]
    [TestCase("mkdir C:\\setup.log -Force", "DirectoryExist,Microsoft.PowerShell.Commands.NewItemCommand", "An item with the specified name C:\\setup.log already exists.")]
    // 5.1's Get-FileHash is a script function: a missing path is its Resolve-Path's error, a bad argument names the function.
    [TestCase("Get-FileHash C:\\nope", "PathNotFound,Microsoft.PowerShell.Commands.ResolvePathCommand", "Cannot find path 'C:\\nope' because it does not exist.")]
    [TestCase("Get-FileHash C:\\setup.log -Algorithm SHA2", "ParameterArgumentValidationError,Get-FileHash",
        "Cannot validate argument on parameter 'Algorithm'. The argument \"SHA2\" does not belong to the set \"SHA1,SHA256,SHA384,SHA512,MACTripleDES,MD5,RIPEMD160\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.")]
    // Links and console files are not emulated: a scenario error, not PowerShell's (its "not recognized" would send a user looking for a module).
    [TestCase("New-Item C:\\link -ItemType SymbolicLink -Value C:\\Windows", "PsrpEmulator.ScenarioError", "New-Item -ItemType SymbolicLink (a link) is not emulated: the computer's disk keeps no links; give the command a rule")]
    // A mandatory -Path given $null, an empty array or an empty string: the binder's ValidateNullOrEmptyArgument.
    [TestCase("Test-Path $null", "ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.TestPathCommand", "Cannot bind argument to parameter 'Path' because it is null.")]
    [TestCase("Get-Item @()", "ParameterArgumentValidationErrorEmptyArrayNotAllowed,Microsoft.PowerShell.Commands.GetItemCommand", "Cannot bind argument to parameter 'Path' because it is an empty array.")]
    [TestCase("Get-Content -LiteralPath $null", "ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.GetContentCommand", "Cannot bind argument to parameter 'LiteralPath' because it is null.")]
    [TestCase("Split-Path $MyInvocation.MyCommand.Path", "ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.SplitPathCommand", "Cannot bind argument to parameter 'Path' because it is null.")]
    [TestCase("Join-Path '' x", "ParameterArgumentValidationErrorEmptyStringNotAllowed,Microsoft.PowerShell.Commands.JoinPathCommand", "Cannot bind argument to parameter 'Path' because it is an empty string.")]
    [TestCase("Join-Path 'C:\\a', $null x", "ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.JoinPathCommand", "Cannot bind argument to parameter 'Path' because it is null.")]
    [TestCase("Export-Console C:\\t.psc1", "PsrpEmulator.ScenarioError", "Export-Console is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)")]
    public async Task A_cmdlets_failure_is_its_non_terminating_error_and_the_script_goes_on(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task An_optional_Path_given_null_or_nothing_is_as_if_not_given() =>
        Assert.That(await OutputOfAsync("Set-Location C:\\Windows; (Get-ChildItem $null).Count -eq (Get-ChildItem).Count; (Get-ChildItem @()).Count -eq (Get-ChildItem).Count"), Is.EqualTo("True|True"));

    [Test]
    public async Task ErrorAction_and_try_catch_treat_the_cmdlets_errors_as_PowerShells()
    {
        Assert.That(await OutputOfAsync("Remove-Item C:\\nope -ErrorAction SilentlyContinue; 'after'; try { Get-Content C:\\nope -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }"),
            Is.EqualTo("after|PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand"));
    }

    [Test]
    public async Task Removing_a_folder_with_children_without_Recurse_asks_the_host_and_removes_it_on_yes()
    {
        var disk = NewDisk();
        disk.CreateDirectory(@"C:\full\inner");
        var host = new RecordingHost { FileSystem = disk, HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.Int32(0)) };
        await Default.Resolve(Behaviour.Script("Remove-Item C:\\full; Test-Path C:\\full")).RunTestAsync(host, new FakeTimeProvider(Now));

        Assert.That(host.HostCalls.Single().MethodId, Is.EqualTo(RemoteHostMethodId.PromptForChoice));
        Assert.That(host.HostCalls[0].Parameters[1].AsString(), Does.StartWith(@"The item at C:\full has children and the Recurse parameter was not specified."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False" }));
    }

    [Test]
    public async Task Removing_a_folder_with_children_without_Recurse_for_a_client_without_a_host_UI_fails_the_statement_and_keeps_it()
    {
        var disk = NewDisk();
        disk.CreateDirectory(@"C:\full\inner");

        var (host, _) = await RunAsync("Remove-Item C:\\full; 'next'; Test-Path C:\\full", disk);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[] { ("HostFunctionNotImplemented", ErrorCategory.NotImplemented) }));
        Assert.That(host.Errors[0].Message, Does.EndWith(@"with the following message: The item at C:\full has children and the Recurse parameter was not specified. If you continue, all children will be removed with the item. Are you sure you want to continue?"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "True" }));
    }

    [Test]
    public async Task WhatIf_writes_the_providers_lines_on_the_host_and_changes_nothing()
    {
        var disk = NewDisk();
        disk.CreateDirectory(@"C:\d");
        var host = new RecordingHost { FileSystem = disk, HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null) };
        const string Script = "Remove-Item C:\\setup.log -WhatIf; Remove-Item C:\\d -WhatIf; New-Item C:\\n.txt -WhatIf; mkdir C:\\m -WhatIf; Set-Content C:\\s.txt x -WhatIf; " +
            "Copy-Item C:\\setup.log C:\\c.log -WhatIf; Rename-Item C:\\setup.log r.log -WhatIf; 'x' | Out-File C:\\o.txt -WhatIf; $WhatIfPreference = $true; Add-Content C:\\setup.log y; " +
            "Remove-Item C:\\setup.log -WhatIf:$false; Test-Path C:\\setup.log";

        await Default.Resolve(Behaviour.Script(Script)).RunTestAsync(host, new FakeTimeProvider(Now));

        Assert.That(host.HostCalls.Select(c => c.Parameters[0].AsString()), Is.EqualTo(new[]
        {
            @"What if: Performing the operation ""Remove File"" on target ""C:\setup.log"".",
            @"What if: Performing the operation ""Remove Directory"" on target ""C:\d"".",
            @"What if: Performing the operation ""Create File"" on target ""Destination: C:\n.txt"".",
            @"What if: Performing the operation ""Create Directory"" on target ""Destination: C:\m"".",
            @"What if: Performing the operation ""Set Content"" on target ""Path: C:\s.txt"".",
            @"What if: Performing the operation ""Copy File"" on target ""Item: C:\setup.log Destination: C:\c.log"".",
            @"What if: Performing the operation ""Rename File"" on target ""Item: C:\setup.log Destination: C:\r.log"".",
            @"What if: Performing the operation ""Output to File"" on target ""C:\o.txt"".",
            @"What if: Performing the operation ""Add Content"" on target ""Path: C:\setup.log"".",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False" }), "-WhatIf:$false removes the file");
        Assert.That(disk.List(@"C:\")!.Select(i => i.Name), Is.EqualTo(new[] { "d", "PerfLogs", "Program Files", "Program Files (x86)", "Users", "Windows" }));
    }

    [TestCase(new[] { 0, 2 }, "False|True")]
    [TestCase(new[] { 1 }, "False|False")]
    [TestCase(new[] { 3 }, "True|True")]
    public async Task Confirm_asks_before_each_removal_and_to_all_answers_the_rest(int[] answers, string expected)
    {
        var disk = NewDisk();
        disk.Write(@"C:\a.tmp", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\b.tmp", "b"u8, FileWriteMode.Create);
        var next = 0;
        var host = new RecordingHost { FileSystem = disk, HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.Int32(answers[next++])) };

        await Default.Resolve(Behaviour.Script("Remove-Item C:\\*.tmp -Confirm; Test-Path C:\\a.tmp; Test-Path C:\\b.tmp")).RunTestAsync(host, new FakeTimeProvider(Now));

        Assert.That(host.HostCalls.Select(c => c.Parameters[1].AsString()), Is.EqualTo(answers.Select((_, i) =>
            $"Are you sure you want to perform this action?\r\nPerforming the operation \"Remove File\" on target \"C:\\{(i == 0 ? "a" : "b")}.tmp\".")));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("mkdir C:\\app\\bin | Out-Null; Set-Content C:\\app\\a.txt 'A'; Set-Content C:\\app\\bin\\b.dll 'B'; Compress-Archive -Path C:\\app -DestinationPath C:\\app.zip; Expand-Archive C:\\app.zip -DestinationPath C:\\out; Get-ChildItem C:\\out -Recurse -Name; Get-Content C:\\out\\app\\bin\\b.dll", "app|app\\bin|app\\a.txt|app\\bin\\b.dll|B")]
    // Piped: files into one archive, an item to Rename-Item, Unblock-File (nothing to remove here).
    [TestCase("Set-Content C:\\p.txt 1; Set-Content C:\\q.txt 2; Get-ChildItem C:\\?.txt | Compress-Archive -DestinationPath C:\\pq.zip; Expand-Archive C:\\pq.zip C:\\pq; (Get-ChildItem C:\\pq -Name) -join ','; " +
        "Get-Item C:\\p.txt | Rename-Item -NewName r.txt; Test-Path C:\\r.txt; Get-ChildItem C:\\r.txt | Unblock-File; Unblock-File -LiteralPath C:\\q.txt; Get-Content C:\\r.txt", "p.txt,q.txt|True|1")]
    [TestCase("Set-Content C:\\x.txt 1; Compress-Archive C:\\x.txt C:\\x; Set-Content C:\\y.txt 2; Compress-Archive C:\\y.txt C:\\x.zip -Update; Expand-Archive C:\\x.zip C:\\e; (Get-ChildItem C:\\e -Name) -join ','", "x.txt,y.txt")]
    public async Task Compress_and_Expand_Archive_make_and_read_zip_files_on_the_disk(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Expand_Archive_refuses_an_entry_outside_the_destination_and_a_file_there_without_Force()
    {
        var disk = NewDisk();
        using (var zip = new MemoryStream())
        {
            using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var name in new[] { "../escaped.txt", "ok.txt" })
                {
                    using var entry = archive.CreateEntry(name).Open();
                    entry.Write("x"u8);
                }
            }

            disk.Write(@"C:\evil.zip", zip.ToArray(), FileWriteMode.Create);
        }

        var (host, _) = await RunAsync("Expand-Archive C:\\evil.zip C:\\dest; Expand-Archive C:\\evil.zip C:\\dest; 'next'", disk);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "ArchiveEntryOutsideDestination,Expand-Archive", "ArchiveEntryOutsideDestination,Expand-Archive", "ExpandArchiveFileExists,Expand-Archive",
        }));
        Assert.That(disk.Get(@"C:\escaped.txt"), Is.Null);
        Assert.That(disk.Get(@"C:\dest\ok.txt"), Is.Not.Null);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    // ---- redirections ----

    [TestCase("'x' > C:\\b.txt; 'y' >> C:\\b.txt; Get-Content C:\\b.txt; (Get-Item C:\\b.txt).Length", "x|y|14")]
    [TestCase("echo $null > C:\\e.txt; (Get-Item C:\\e.txt).Length; Get-Content C:\\nope 2>$null > C:\\z.txt; (Get-Item C:\\z.txt).Length; 'gone' > $null; 'after'", "2|0|after")]
    [TestCase("$r = Get-Content C:\\nope 2>&1; $r.FullyQualifiedErrorId; Get-Content C:\\nope 2>&1 | % { $_.FullyQualifiedErrorId }", "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand|PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand")]
    [TestCase("if (3 -gt 2) { 'yes' > C:\\y.txt }; Get-Content C:\\y.txt; 'a>b'; \"c > d\"", "yes|a>b|c > d")]
    [TestCase("Get-Service WinRM | Out-File C:\\s.txt; (Get-Content C:\\s.txt)[1].TrimEnd(); (Get-Content C:\\s.txt)[0].Length", "Status   Name               DisplayName|0")]
    public async Task Redirections_send_a_statements_streams_to_files_or_nowhere(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // The other streams' records merged into the output are the records themselves (pwsh 7.6 side by side), their text
    // the message, as Out-String and a file write them; they were strings, so -is [WarningRecord] was False.
    [TestCase("$r = Write-Warning 'w' 3>&1; $r.GetType().FullName; $r.Message; \"[$r]\"; $r -is [System.Management.Automation.InformationalRecord]",
        "System.Management.Automation.WarningRecord|w|[w]|True")]
    [TestCase("$v = Write-Verbose 'v' -Verbose 4>&1; $v.GetType().Name; $i = Write-Information 'i' 6>&1; $i.GetType().Name; $i.MessageData; $i.Source",
        "VerboseRecord|InformationRecord|i|Write-Information")]
    [TestCase("Write-Warning 'w3' 3> C:\\w.txt; Get-Content C:\\w.txt; (Write-Warning 'w2' 3>&1 | Out-String).Trim()", "w3|w2")]
    public async Task Redirected_warning_verbose_and_information_records_stay_records(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Out_of_band_records_keep_their_place_among_the_rows_of_a_table_held_for_its_widths()
    {
        // PowerShell's formatting cache holds the table's first rows to size its columns, and the records between them
        // with them, in order (pwsh 7.6: a, -, 1, mid, 22222, err, 3). They came before the table, or as its rows.
        var lines = await OutputOfAsync(". { [pscustomobject]@{a=1}; Write-Warning 'mid' 3>&1; [pscustomobject]@{a=22222}; Write-Verbose 'v' -Verbose 4>&1; [pscustomobject]@{a=3} } | Out-String -Stream");

        Assert.That(lines.Split('|').Select(l => l.Trim()).Where(l => l.Length > 0), Is.EqualTo(new[] { "a", "-", "1", "mid", "22222", "v", "3" }));
    }

    [Test]
    public void Redirections_are_found_outside_quotes_and_brackets_only()
    {
        var (bare, redirections) = Statements.SplitRedirections("Get-X 'a > b' (1 > 2) 2>&1 >> \"C:\\o t.txt\" 3>$null")!.Value;

        Assert.That(bare, Is.EqualTo("Get-X 'a > b' (1 > 2)"));
        Assert.That(redirections, Is.EqualTo(new[]
        {
            new Statements.Redirection('2', null, false),
            new Statements.Redirection('1', "\"C:\\o t.txt\"", true),
            new Statements.Redirection('3', "$null", false),
        }));
        Assert.That(Statements.SplitRedirections("$a -gt 1 -and '>'"), Is.Null);
    }

    [TestCase("$a = \"x\"\"y\"; $a; \"{\"\"k\"\":1}\"; Write-Output \"{\"\"sha1\"\":\"\"$a\"\"}\"", "x\"y|{\"k\":1}|{\"sha1\":\"x\"y\"}")]
    [TestCase("function f { begin { $n = 0 } process { $n++; foreach ($i in $input) { \"[$i]\" } } end { \"count $n\" } }; 'a', 'b' | f", "[a]|[b]|count 2")]
    public async Task A_doubled_quote_is_one_quote_and_a_process_blocks_input_is_its_object(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // ---- .NET ----

    [TestCase("[IO.Path]::GetFullPath('x.txt'); [System.IO.Path]::GetFullPath(\"$env:TEMP\\w.tmp\"); [IO.Path]::GetTempPath()", "C:\\Windows\\system32\\x.txt|C:\\Users\\psrp\\AppData\\Local\\Temp\\w.tmp|C:\\Users\\psrp\\AppData\\Local\\Temp\\")]
    [TestCase("[IO.File]::WriteAllText('C:\\w.txt', 'hi there'); [IO.File]::ReadAllText('C:\\w.txt'); [IO.File]::Exists('C:\\w.txt'); [IO.File]::ReadAllBytes('C:\\w.txt').Length; [IO.File]::Delete('C:\\w.txt'); [IO.File]::Exists('C:\\w.txt')", "hi there|True|8|False")]
    [TestCase("[IO.File]::WriteAllLines('C:\\l.txt', [string[]]('a','b')); [IO.File]::ReadAllLines('C:\\l.txt').Count; [IO.File]::AppendAllText('C:\\l.txt', 'c'); (Get-Content C:\\l.txt)[2]", "2|c")]
    [TestCase("$w = [System.IO.File]::OpenWrite('C:\\o.bin'); $b = [Convert]::FromBase64String('AAECAw=='); $w.write($b, 0, $b.Length); $w.Close(); (Get-Item C:\\o.bin).Length; [Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\o.bin'))", "4|AAECAw==")]
    [TestCase("Set-Content C:\\r.txt 'l1','l2'; $r = [System.IO.File]::OpenText('C:\\r.txt'); for(;;) { $l = $r.ReadLine(); if ($l -eq $null) { break }; \"line $l\" }; $r.EndOfStream; $r.Close()", "line l1|line l2|True")]
    [TestCase("[IO.Directory]::CreateDirectory('C:\\q\\r') | Out-Null; [IO.Directory]::Exists('C:\\q\\r'); [IO.Directory]::GetDirectories('C:\\q'); [IO.Directory]::GetFiles('C:\\', '*.log')", "True|C:\\q\\r|C:\\setup.log")]
    [TestCase("$t = [IO.Path]::GetTempFileName(); (Get-Item $t).Length; $t -like 'C:\\Users\\psrp\\AppData\\Local\\Temp\\tmp*.tmp'", "0|True")]
    // StreamWriter / StreamReader made by New-Object or ::new (a log writer's idiom), File.ReadLines.
    [TestCase("$w = New-Object System.IO.StreamWriter('C:\\s.txt'); $w.WriteLine('a'); $w.Close(); $w = [IO.StreamWriter]::new('C:\\s.txt', $true); $w.Write('b'); $w.Dispose(); " +
        "[IO.File]::ReadAllBytes('C:\\s.txt').Length; $r = New-Object IO.StreamReader 'C:\\s.txt'; while (-not $r.EndOfStream) { 'got ' + $r.ReadLine() }; $r.Close(); [IO.File]::ReadLines('C:\\s.txt') | Select-Object -Last 1",
        "4|got a|got b|b")]
    public async Task Dotnets_file_API_works_on_the_computers_disk(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[IO.File]::ReadAllText('C:\\nope.txt')", "Exception calling \"ReadAllText\" with \"1\" argument(s): \"Could not find file 'C:\\nope.txt'.\"")]
    [TestCase("[IO.File]::WriteAllText('C:\\no\\x.txt', 'a')", "Exception calling \"WriteAllText\" with \"2\" argument(s): \"Could not find a part of the path 'C:\\no\\x.txt'.\"")]
    [TestCase("New-Object System.IO.StreamReader('C:\\nope.txt')", "Exception calling \".ctor\" with \"1\" argument(s): \"Could not find file 'C:\\nope.txt'.\"")]
    [TestCase("[IO.File]::ReadLines('C:\\nope.txt')", "Exception calling \"ReadLines\" with \"1\" argument(s): \"Could not find file 'C:\\nope.txt'.\"")]
    [TestCase("$w = [IO.File]::CreateText('C:\\c.txt'); $w.Close(); $w.WriteLine('x')", "Exception calling \"WriteLine\" with \"1\" argument(s): \"Cannot write to a closed TextWriter.\"")]
    public async Task Dotnets_file_exceptions_are_method_invocation_errors(string script, string message)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { message }));
    }

    /// <summary>
    /// winrmcp's restore script (packer-community/winrmcp, as Debian's winrmcp 0.0~git20180921 runs it), verbatim: the
    /// base64 lines cmd.exe's echo appended (each with the space before its ">>") become the file.
    /// </summary>
    [Test]
    public async Task Winrmcps_restore_script_turns_the_uploaded_base64_lines_into_the_file()
    {
        var disk = NewDisk();
        var payload = Enumerable.Range(0, 700).Select(i => (byte)(i * 7)).ToArray();
        var lines = string.Concat(payload.Chunk(300).Select(c => Convert.ToBase64String(c) + " \r\n"));
        disk.Write(@"C:\Users\psrp\AppData\Local\Temp\winrmcp-1.tmp", Encoding.ASCII.GetBytes(lines), FileWriteMode.Create);
        const string Script = """

            		$tmp_file_path = [System.IO.Path]::GetFullPath("$env:TEMP\winrmcp-1.tmp")
            		$dest_file_path = [System.IO.Path]::GetFullPath("C:\deploy\app.bin".Trim("'"))
            		if (Test-Path $dest_file_path) {
            			if (Test-Path -Path $dest_file_path -PathType container) {
            				Exit 1
            			} else {
            				rm $dest_file_path
            			}
            		}
            		else {
            			$dest_dir = ([System.IO.Path]::GetDirectoryName($dest_file_path))
            			New-Item -ItemType directory -Force -ErrorAction SilentlyContinue -Path $dest_dir | Out-Null
            		}

            		if (Test-Path $tmp_file_path) {
            			$reader = [System.IO.File]::OpenText($tmp_file_path)
            			$writer = [System.IO.File]::OpenWrite($dest_file_path)
            			try {
            				for(;;) {
            					$base64_line = $reader.ReadLine()
            					if ($base64_line -eq $null) { break }
            					$bytes = [System.Convert]::FromBase64String($base64_line)
            					$writer.write($bytes, 0, $bytes.Length)
            				}
            			}
            			finally {
            				$reader.Close()
            				$writer.Close()
            			}
            		} else {
            			echo $null > $dest_file_path
            		}

            """;

        var (host, outcome) = await RunAsync(Script, disk);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(disk.Read(@"C:\deploy\app.bin", out var written), Is.EqualTo(FileSystemFailure.None));
        Assert.That(written, Is.EqualTo(payload));
    }

    // The archive cmdlets are 5.1's script functions: a source that resolves to nothing stops the call with their own error.
    [TestCase("Unblock-File C:\\nope.ps1", "FileNotFound,Microsoft.PowerShell.Commands.UnblockFileCommand", "Cannot find path 'C:\\nope.ps1' because it does not exist.")]
    [TestCase("Unblock-File C:\\Windows", "FileNotFound,Microsoft.PowerShell.Commands.UnblockFileCommand", "C:\\Windows")]
    [TestCase("Compress-Archive C:\\nope C:\\n.zip", "ArchiveCmdletPathNotFound,Compress-Archive", "The path 'C:\\nope' either does not exist or is not a valid file system path.")]
    [TestCase("Compress-Archive C:\\setup.log, C:\\Win*\\none* C:\\n.zip", "ArchiveCmdletPathNotFound,Compress-Archive", "The path 'C:\\Win*\\none*' either does not exist or is not a valid file system path.")]
    [TestCase("Expand-Archive C:\\nope.zip C:\\x", "ArchiveCmdletPathNotFound,Expand-Archive", "The path 'C:\\nope.zip' either does not exist or is not a valid file system path.")]
    public async Task An_archive_source_that_is_not_there_stops_the_call_and_makes_nothing(string statement, string id, string message)
    {
        var (host, _) = await RunAsync(statement + "; 'next'; Test-Path C:\\n.zip");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "False" }));
    }

    /// <summary>What a script may do wrong with files and streams is PowerShell's error (or the emulator's), never an exception out of the run.</summary>
    [TestCase("$r = [IO.File]::OpenRead('C:\\setup.log'); $b = [Convert]::FromBase64String('AAAA'); $r.Read($b, -1, 2); $r.Read($b, 2, 5)")]
    [TestCase("$w = [IO.File]::OpenWrite('C:\\w'); $w.Write([Convert]::FromBase64String('AAAA'), 2, 9); $w.WriteByte(300); $w.Close(); $w.Write('x', 0, 1)")]
    [TestCase("$s = [Security.Cryptography.SHA1]::Create(); $s.TransformBlock([Convert]::FromBase64String('AAAA'), -1, 1, $null, 0); $s.TransformFinalBlock($null, 0, 0)")]
    [TestCase("[IO.File]::ReadAllText('C:\\setup.log', 'no-such-encoding').Length; [IO.File]::WriteAllBytes('C:\\b', 'text'); [IO.Directory]::Delete('C:\\'); [IO.File]::Move('C:\\setup.log', 'D:\\x')")]
    [TestCase("Set-Content C:\\z.zip 'not a zip'; Expand-Archive C:\\z.zip C:\\out; Compress-Archive C:\\nope C:\\n.zip; Import-Clixml C:\\setup.log; Get-Content C:\\setup.log -Encoding Bogus")]
    [TestCase("Get-ChildItem C:\\ -Depth x; New-Item C:\\ -ItemType Directory; Remove-Item C:\\; Move-Item C:\\Windows C:\\Windows\\System32; Copy-Item C:\\setup.log ''")]
    public async Task Misused_files_and_streams_end_with_errors_not_exceptions(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.AnyOf(PSInvocationState.Completed, PSInvocationState.Failed));
        Assert.That(host.Errors.Count + (outcome.ErrorRecord is null ? 0 : 1), Is.GreaterThan(0));
    }

    // ---- the scenario's files: ----

    [Test]
    public async Task The_scenarios_files_are_on_every_computers_disk_or_on_the_one_named()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            files:
              - path: 'C:\app\app.config'
                content: "<configuration />\n"
              - path: 'C:\app\logo.bin'
                base64: AAEC
              - path: 'C:\app\logs'
              - path: 'C:\only\here.txt'
                content: x
                computer: Server02
            """, "files.yaml"), Default);
        var disk = catalog.NewFileSystem("SERVER01", new FakeTimeProvider(Now), 1 << 20);

        var (host, _) = await RunAsync("Get-Content C:\\app\\app.config; (Get-Item C:\\app\\logo.bin).Length; Test-Path C:\\app\\logs -PathType Container; Test-Path C:\\only", disk, catalog);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "<configuration />", "3", "True", "False" }));
        Assert.That(catalog.NewFileSystem("server02", new FakeTimeProvider(Now), 1 << 20).Get(@"C:\only\here.txt"), Is.Not.Null);
    }

    [TestCase("files:\n  - path: 'D:\\x'\n", "line 2, column 11: 'D:\\x' is not an absolute path on drive C:")]
    [TestCase("files:\n  - path: 'C:\\x'\n    base64: '%%%'\n", "'base64:' is not valid base64")]
    [TestCase("files:\n  - path: 'C:\\x'\n    mode: 644\n", "line 3, column 5: unknown file key 'mode'")]
    [TestCase("files:\n  - content: x\n", "a file needs 'path:'")]
    public void File_mistakes_are_load_errors_with_their_position(string yaml, string expected)
    {
        var e = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse(yaml, "s.yaml"));

        Assert.That(e!.Message, Does.StartWith("s.yaml, line"));
        Assert.That(e.Message, Does.Contain(expected));
    }

    // ---- cmd.exe ----

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunCmdAsync(VirtualFileSystem disk, string line)
    {
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host, exitCode);
    }

    [Test]
    public async Task Cmds_echo_appends_with_the_space_before_its_redirection_and_type_prints_the_file()
    {
        var disk = NewDisk();

        var first = await RunCmdAsync(disk, "echo QUJD >> \"C:\\Users\\psrp\\up.tmp\"");
        await RunCmdAsync(disk, "cmd /c echo REVG>>up.tmp");
        var typed = await RunCmdAsync(disk, "type up.tmp");

        Assert.That(first.Host.Stdout, Is.Empty);
        Assert.That(typed.Host.Stdout, Is.EqualTo("QUJD \r\nREVG\r\n"));
        Assert.That(typed.ExitCode, Is.Zero);
    }

    [TestCase("echo hi > C:\\nope\\x.txt", "", "The system cannot find the path specified.\r\n", 1)]
    [TestCase("type C:\\nope.txt", "", "The system cannot find the file specified.\r\n", 1)]
    [TestCase("type nul", "", "", 0)]
    [TestCase("vol", " Volume in drive C has no label.\r\n Volume Serial Number is 8E4C-1A2B\r\n", "", 0)]
    [TestCase("vol D:", "", "The system cannot find the path specified.\r\n", 1)]
    [TestCase("title deploy", "", "", 0)]
    [TestCase("frob 2>nul", "", "", 9009)]
    [TestCase("frob 2>&1", "'frob' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", "", 9009)]
    [TestCase("mkdir C:\\Windows", "", "A subdirectory or file C:\\Windows already exists.\r\n", 1)]
    [TestCase("rd C:\\Users", "", "The directory is not empty.\r\n", 145)]
    [TestCase("del C:\\nope.txt", "", "Could Not Find C:\\nope.txt\r\n", 0)]
    [TestCase("del C:\\nope\\x.txt", "", "The system cannot find the path specified.\r\n", 1)]
    [TestCase("rd C:\\setup.log", "", "The directory name is invalid.\r\n", 267)]
    public async Task Cmds_file_commands_answer_as_cmd_exe(string line, string stdout, string stderr, int exitCode)
    {
        var (host, code) = await RunCmdAsync(NewDisk(), line);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((stdout, stderr, exitCode)));
    }

    [Test]
    public async Task Type_nul_into_a_file_and_copy_nul_make_an_empty_file()
    {
        var disk = NewDisk();

        var (host, code) = await RunCmdAsync(disk, "type nul > C:\\empty.txt");
        var (copied, copyCode) = await RunCmdAsync(disk, "copy nul C:\\empty2.txt");

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((string.Empty, string.Empty, 0)));
        Assert.That(disk.Get(@"C:\empty.txt")?.Length, Is.EqualTo(0));
        Assert.That((copied.Stdout, copyCode), Is.EqualTo(("        1 file(s) copied.\r\n", 0)));
        Assert.That(disk.Get(@"C:\empty2.txt")?.Length, Is.EqualTo(0));
    }

    [Test]
    public async Task Cmds_mkdir_del_and_rd_change_the_disk()
    {
        var disk = NewDisk();

        await RunCmdAsync(disk, "mkdir build\\out");
        await RunCmdAsync(disk, "echo x> build\\out\\a.txt");
        Assert.That(disk.Get(@"C:\Users\psrp\build\out\a.txt")!.Length, Is.EqualTo(3));
        await RunCmdAsync(disk, "del /q build\\out\\a.txt");
        Assert.That(disk.Get(@"C:\Users\psrp\build\out\a.txt"), Is.Null);
        await RunCmdAsync(disk, "rd /s /q build");
        Assert.That(disk.Get(@"C:\Users\psrp\build"), Is.Null);
    }

    [Test]
    public async Task Cmds_dir_lists_the_folder_as_cmd_exe_does()
    {
        var disk = NewDisk();

        var (home, code) = await RunCmdAsync(disk, "dir");
        var bare = await RunCmdAsync(disk, "dir /b C:\\");
        var logs = await RunCmdAsync(disk, "dir C:\\*.log");
        var missing = await RunCmdAsync(disk, "dir C:\\nope.txt");

        Assert.That(code, Is.Zero);
        Assert.That(home.Stdout, Is.EqualTo(
            " Volume in drive C has no label.\r\n Volume Serial Number is 8E4C-1A2B\r\n\r\n Directory of C:\\Users\\psrp\r\n\r\n" +
            "11/29/2026  10:30 AM    <DIR>          .\r\n" +
            "01/12/2026  09:38 AM    <DIR>          ..\r\n" +
            "11/29/2026  10:30 AM    <DIR>          AppData\r\n" +
            "11/29/2026  10:30 AM    <DIR>          Desktop\r\n" +
            "11/29/2026  10:30 AM    <DIR>          Documents\r\n" +
            "11/29/2026  10:30 AM    <DIR>          Downloads\r\n" +
            "               0 File(s)              0 bytes\r\n" +
            // The disk holds setup.log (2,048 bytes), the hosts file (824), win.ini (92) and system.ini (219).
            $"               6 Dir(s) {1048576 - 2048 - 824 - 92 - 219,15:N0} bytes free\r\n"));
        Assert.That(bare.Host.Stdout, Is.EqualTo("PerfLogs\r\nProgram Files\r\nProgram Files (x86)\r\nsetup.log\r\nUsers\r\nWindows\r\n"));
        Assert.That(logs.Host.Stdout, Does.Contain("01/12/2026  09:40 AM             2,048 setup.log\r\n               1 File(s)          2,048 bytes\r\n"));
        Assert.That((missing.Host.Stderr, missing.ExitCode), Is.EqualTo(("File Not Found\r\n", 1)));
    }

    [TestCase("dir /z", "z")]
    [TestCase("dir /b /Z C:\\", "Z")]
    [TestCase("dir /b/y", "y")]
    public async Task Cmds_dir_refuses_a_switch_it_has_not_and_lists_nothing(string line, string invalid)
    {
        var (host, code) = await RunCmdAsync(NewDisk(), line);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((string.Empty, $"Invalid switch - \"{invalid}\".\r\n", 1)));
    }

    [TestCase("dir /b/-c C:\\")]
    [TestCase("dir /B /O:N /A-D C:\\")]
    [TestCase("dir /b /ta /4 C:\\")]
    public async Task Cmds_dir_takes_its_switches_together_or_apart_and_with_values(string line)
    {
        var (host, code) = await RunCmdAsync(NewDisk(), line);

        Assert.That((host.Stderr, code), Is.EqualTo((string.Empty, 0)));
        Assert.That(host.Stdout, Does.Contain("setup.log\r\n").And.Not.Contain("Volume"));
    }

    [Test]
    public async Task Cmds_copy_move_and_ren_change_the_disk_and_count_what_they_did()
    {
        var disk = NewDisk();
        disk.Write(@"C:\Users\psrp\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\b.txt", "b"u8, FileWriteMode.Create);
        disk.CreateDirectory(@"C:\out");

        var copied = await RunCmdAsync(disk, "copy *.txt C:\\out");
        var moved = await RunCmdAsync(disk, "move a.txt C:\\out\\moved.txt");
        var renamed = await RunCmdAsync(disk, "ren C:\\out\\b.txt c.txt");
        var missing = await RunCmdAsync(disk, "copy nope.txt C:\\out");
        var duplicate = await RunCmdAsync(disk, "ren C:\\out\\c.txt moved.txt");

        Assert.That((copied.Host.Stdout, copied.ExitCode), Is.EqualTo(("        2 file(s) copied.\r\n", 0)));
        Assert.That((moved.Host.Stdout, moved.ExitCode), Is.EqualTo(("        1 file(s) moved.\r\n", 0)));
        Assert.That((renamed.Host.Stdout, renamed.ExitCode), Is.EqualTo((string.Empty, 0)));
        Assert.That(disk.List(@"C:\out")!.Select(i => i.Name), Is.EqualTo(new[] { "a.txt", "c.txt", "moved.txt" }));
        Assert.That(disk.Get(@"C:\Users\psrp\a.txt"), Is.Null);
        Assert.That((missing.Host.Stderr, missing.Host.Stdout, missing.ExitCode), Is.EqualTo(("The system cannot find the file specified.\r\n", "        0 file(s) copied.\r\n", 1)));
        Assert.That((duplicate.Host.Stderr, duplicate.ExitCode), Is.EqualTo(("A duplicate file name exists, or the file\r\ncannot be found.\r\n", 1)));
    }

    /// <summary>
    /// Ansible's put_file (its winrm connection plugin, verbatim but for the path): a powershell.exe -EncodedCommand script
    /// of named blocks reads the file's base64 chunks as stdin lines ($input of its process block), writes them with
    /// [IO.File]::Create and hashes them with SHA1CryptoServiceProvider's TransformBlock, and prints the SHA-1 as JSON.
    /// </summary>
    [Test]
    public async Task Ansibles_put_file_writes_the_stdin_chunks_to_the_file_and_prints_their_sha1()
    {
        const string Script = """

                        begin {
                            $path = 'C:\Users\psrp\upload.bin'

                            $DebugPreference = "Continue"
                            $ErrorActionPreference = "Stop"
                            Set-StrictMode -Version 2

                            $fd = [System.IO.File]::Create($path)

                            $sha1 = [System.Security.Cryptography.SHA1CryptoServiceProvider]::Create()

                            $bytes = @() #initialize for empty file case
                        }
                        process {
                           $bytes = [System.Convert]::FromBase64String($input)
                           $sha1.TransformBlock($bytes, 0, $bytes.Length, $bytes, 0) | Out-Null
                           $fd.Write($bytes, 0, $bytes.Length)
                        }
                        end {
                            $sha1.TransformFinalBlock($bytes, 0, 0) | Out-Null

                            $hash = [System.BitConverter]::ToString($sha1.Hash).Replace("-", "").ToLowerInvariant()

                            $fd.Close()

                            Write-Output "{""sha1"":""$hash""}"
                        }

            """;
        var payload = Enumerable.Range(0, 3000).Select(i => (byte)(i * 31)).ToArray();
        var disk = NewDisk();
        var host = FakeCommandLineHost.OnDisk(disk);
        foreach (var chunk in payload.Chunk(1000)) host.Stdin.Enqueue(Encoding.ASCII.GetBytes(Convert.ToBase64String(chunk) + "\r\n"));
        var line = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand " + Convert.ToBase64String(Encoding.Unicode.GetBytes(Script));

        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(host.Stderr, Is.Empty);
        Assert.That(exitCode, Is.Zero);
        Assert.That(host.Stdout, Is.EqualTo($"{{\"sha1\":\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(payload))}\"}}\r\n"));
        Assert.That(disk.Read(@"C:\Users\psrp\upload.bin", out var written), Is.EqualTo(FileSystemFailure.None));
        Assert.That(written, Is.EqualTo(payload));
    }

    /// <summary>
    /// Ansible's fetch_file as it arrives (its _encode_script: strict mode in front, each line trimmed, blank lines
    /// dropped): a FileStream opened with FileMode/FileAccess/FileShare, Seek to the offset, a 512 KB byte[] read into,
    /// the slice read as base64 on stdout; a folder is "[DIR]", a missing file Write-Error and exit 1.
    /// </summary>
    [TestCase(@"C:\Users\psrp\data.bin", 0, 0)]
    [TestCase(@"C:\Users\psrp\data.bin", 524288, 0)]
    [TestCase(@"C:\Users\psrp\data.bin", 600000, 0)]
    [TestCase(@"C:\Users\psrp", 0, 0)]
    [TestCase(@"C:\Users\psrp\none.bin", 0, 1)]
    public async Task Ansibles_fetch_file_prints_the_chunk_at_its_offset_as_base64(string path, int offset, int exitCode)
    {
        var script = "Set-StrictMode -Version Latest\r\n" + $$"""
                        $path = "{{path}}"
                        If (Test-Path -LiteralPath $path -PathType Leaf)
                        {
                            $buffer_size = 524288
                            $offset = {{offset}}

                            $stream = New-Object -TypeName IO.FileStream($path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite)
                            $stream.Seek($offset, [System.IO.SeekOrigin]::Begin) > $null
                            $buffer = New-Object -TypeName byte[] $buffer_size
                            $bytes_read = $stream.Read($buffer, 0, $buffer_size)
                            if ($bytes_read -gt 0) {
                                $bytes = $buffer[0..($bytes_read - 1)]
                                [System.Convert]::ToBase64String($bytes)
                            }
                            $stream.Close() > $null
                        }
                        ElseIf (Test-Path -LiteralPath $path -PathType Container)
                        {
                            Write-Host "[DIR]";
                        }
                        Else
                        {
                            Write-Error "$path does not exist";
                            Exit 1;
                        }
            """;
        script = string.Join("\n", script.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        var disk = NewDisk(capacity: 4 << 20);
        var payload = Enumerable.Range(0, 600_000).Select(i => (byte)(i * 31 + (i >> 8))).ToArray();
        Assert.That(disk.Write(@"C:\Users\psrp\data.bin", payload, FileWriteMode.Create), Is.EqualTo(FileSystemFailure.None));
        var host = FakeCommandLineHost.OnDisk(disk);
        var line = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand " + Convert.ToBase64String(Encoding.Unicode.GetBytes(script));

        var exit = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(exit, Is.EqualTo(exitCode));
        if (path.EndsWith(".bin") && exitCode == 0)
        {
            var chunk = payload.AsSpan(offset, Math.Min(524288, payload.Length - offset));
            Assert.That((host.Stdout, host.Stderr), Is.EqualTo((chunk.Length == 0 ? string.Empty : Convert.ToBase64String(chunk) + "\r\n", string.Empty)));
        }
        else if (exitCode == 0)
        {
            Assert.That((host.Stdout, host.Stderr), Is.EqualTo(("[DIR]\n", string.Empty)), "Write-Host: the text, then a bare line feed, as the console host writes it");
        }
        else
        {
            Assert.That((host.Stdout, host.Stderr), Is.EqualTo((string.Empty, string.Empty)).Using<(string, string)>((a, b) => a.Item1 == b.Item1 && a.Item2.Contains(@"C:\Users\psrp\none.bin does not exist")));
        }
    }

    [TestCase("$s = New-Object IO.FileStream('C:\\f.bin', [IO.FileMode]::Create); $s.Write([byte[]](1,2,3), 0, 3); $s.Seek(1, 'Begin'); $b = New-Object byte[] 4; $s.Read($b, 0, 4); $b -join ','; $s.Close()", "1|2|2,3,0,0")]
    [TestCase("[IO.File]::WriteAllBytes('C:\\f.bin', [byte[]](1,2,3,4,5)); $s = [IO.File]::Open('C:\\f.bin', 'Open', 'Read'); $s.Seek(-2, [IO.SeekOrigin]::End); $b = New-Object byte[] 8; $s.Read($b, 0, 8); $s.Position; $s.CanWrite", "3|2|5|False")]
    [TestCase("$s = [IO.FileStream]::new('C:\\f.txt', [IO.FileMode]::Append, [IO.FileAccess]::Write); $s.Write([Text.Encoding]::ASCII.GetBytes('ab'), 0, 2); $s.Close(); $s = [IO.FileStream]::new('C:\\f.txt', 'Append'); $s.Position; $s.WriteByte(99); $s.Close(); [IO.File]::ReadAllText('C:\\f.txt')", "2|abc")]
    [TestCase("$s = New-Object IO.FileStream 'C:\\n.bin', OpenOrCreate; $s.Length; $s.CanRead; $s.Close(); Test-Path C:\\n.bin", "0|True|True")]
    [TestCase("[IO.FileMode]::Truncate; [int][IO.FileAccess]::ReadWrite; [IO.FileShare]::None -is [Enum]; [IO.SeekOrigin]::Nope -eq $null", "Truncate|3|True|True")]
    public async Task A_FileStream_opens_with_dotnets_modes_and_accesses_and_seeks(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("New-Object IO.FileStream('C:\\missing.bin', [IO.FileMode]::Open)", "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand", "Exception calling \".ctor\" with \"2\" argument(s): \"Could not find file 'C:\\missing.bin'.\"")]
    [TestCase("[IO.FileStream]::new('C:\\no\\x.bin', 'Open')", "DirectoryNotFoundException", "Exception calling \".ctor\" with \"2\" argument(s): \"Could not find a part of the path 'C:\\no\\x.bin'.\"")]
    [TestCase("[IO.File]::Open('C:\\Users\\psrp\\a.txt', 'CreateNew')", "IOException", "Exception calling \"Open\" with \"2\" argument(s): \"The file 'C:\\Users\\psrp\\a.txt' already exists.\"")]
    [TestCase("[IO.File]::Open('C:\\x.bin', 'Create', 'Read')", "ArgumentException", "Exception calling \"Open\" with \"3\" argument(s): \"Combining FileMode: Create with FileAccess: Read is invalid.\r\nParameter name: access\"")]
    [TestCase("[IO.File]::Open('C:\\x.bin', 'Append', 'ReadWrite')", "ArgumentException", "Exception calling \"Open\" with \"3\" argument(s): \"Append access can be requested only in write-only mode.\r\nParameter name: mode\"")]
    [TestCase("[IO.File]::Open('C:\\Users', 'Open')", "UnauthorizedAccessException", "Exception calling \"Open\" with \"2\" argument(s): \"Access to the path 'C:\\Users' is denied.\"")]
    [TestCase("$s = [IO.File]::Open('C:\\Users\\psrp\\a.txt', 'Open', 'Read'); $s.WriteByte(1)", "NotSupportedException", "Exception calling \"WriteByte\" with \"1\" argument(s): \"Stream does not support writing.\"")]
    [TestCase("$s = [IO.File]::Open('C:\\Users\\psrp\\a.txt', 'Open', 'Write'); $s.Read((New-Object byte[] 2), 0, 2)", "NotSupportedException", "Exception calling \"Read\" with \"3\" argument(s): \"Stream does not support reading.\"")]
    [TestCase("$s = [IO.File]::OpenRead('C:\\Users\\psrp\\a.txt'); $s.Seek(-1, 'Begin')", "IOException", "Exception calling \"Seek\" with \"2\" argument(s): \"An attempt was made to move the position before the beginning of the stream.\"")]
    [TestCase("[IO.FileStream]::new('C:\\x.bin', 'Open', 'Read', 'FileShare.ReadWrite')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"share\", with value: \"FileShare.ReadWrite\", for \".ctor\" to type \"System.IO.FileShare\": \"Cannot convert value \"FileShare.ReadWrite\" to type \"System.IO.FileShare\". Error: \"Unable to match the identifier name FileShare.ReadWrite to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nNone, Read, Write, ReadWrite, Delete, Inheritable\"\"")]
    [TestCase("[IO.File]::Open('C:\\x.bin', 'Sideways')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"mode\", with value: \"Sideways\", for \"Open\" to type \"System.IO.FileMode\": \"Cannot convert value \"Sideways\" to type \"System.IO.FileMode\". Error: \"Unable to match the identifier name Sideways to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nCreateNew, Create, Open, OpenOrCreate, Truncate, Append\"\"")]
    public async Task A_FileStream_that_cannot_open_or_do_what_it_is_asked_fails_as_dotnet_does(string script, string id, string message)
    {
        var disk = NewDisk();
        disk.Write(@"C:\Users\psrp\a.txt", "abc"u8, FileWriteMode.Create);

        var (host, _) = await RunAsync(script, disk);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
    }

    [TestCase("$n = 3; (1..$n) -join ','; (0..($n - 1)) -join ','; ($n..1) -join ','", "1,2,3|0,1,2|3,2,1")]
    [TestCase("(1..3 + 4) -join ','; (-1..1) -join ','; (3..-1) -join ','", "1,2,3,4|-1,0,1|3,2,1,0,-1")]
    [TestCase("$a = 5,6,7,8; $n = 2; $a[0..($n - 1)] -join ','; $a[-1..-2] -join ','; $a[2..9] -join ','; $a[$n..$n].GetType().FullName", "5,6|8,7|7,8|System.Object[]")]
    [TestCase("$b = New-Object byte[] 3; $b.Length; $b -join ','; $b.GetType().FullName; (New-Object string[] 2).Count", "3|0,0,0|System.Byte[]|2")]
    [TestCase("$b = New-Object byte[] 600000; $b[599999] = 7; $s = $b[599998..599999]; $s -join ','; [Convert]::ToBase64String($b).Length", "0,7|800000")]
    public async Task Ranges_slices_and_new_arrays_work_as_in_PowerShell(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("if ($true)\n{\n  'then'\n}\nelseif ($false)\n{\n  'no'\n}\nelse\n{\n  'else'\n}", "then")]
    [TestCase("foreach ($i in 1..2)\n{\n  \"i$i\"\n}", "i1|i2")]
    [TestCase("function Get-Two\n{\n  2\n}\nGet-Two", "2")]
    [TestCase("try\n{\n  throw 'x'\n}\ncatch\n{\n  'caught'\n}\nfinally\n{\n  'finally'\n}", "caught|finally")]
    [TestCase("$i = 0\nwhile ($i -lt 2)\n{\n  $i++\n}\n$i", "2")]
    [TestCase("switch (2)\n{\n  2 { 'two' }\n}", "two")]
    [TestCase("'a';\n'b';", "a|b")]
    [TestCase("Write-Output 'x';", "x")]
    public async Task A_block_on_the_line_below_its_keyword_and_a_trailing_semicolon_read_as_PowerShell_reads_them(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    /// <summary>
    /// pypsrp's Client.fetch (its fetch.ps1 as pypsrp sends it, with the path as the one argument): the path from
    /// $MyInvocation.UnboundArguments made full by $ExecutionContext.SessionState.Path, a FileInfo's OpenRead, a byte[]
    /// of the file's length, its base64 and SHA-1.
    /// </summary>
    [Test]
    public async Task Pypsrps_fetch_script_writes_the_file_as_base64_and_its_sha1()
    {
        const string Script = """
            # Copyright: (c) 2019, Jordan Borean (@jborean93) <jborean93@gmail.com>
            # MIT License (see LICENSE or https://opensource.org/licenses/MIT)

            $ErrorActionPreference = 'Stop'
            $raw_src_path = $MyInvocation.UnboundArguments[0]
            $src_path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($raw_src_path)

            if (Test-Path -LiteralPath $src_path -PathType Container) {
                throw "The path at '$src_path' is a directory, src must be a file"
            } elseif (-not (Test-Path -LiteralPath $src_path)) {
                throw "The path at '$src_path' does not exist"
            }

            $algo = [System.Security.Cryptography.SHA1CryptoServiceProvider]::Create()
            $src = New-Object -TypeName System.IO.FileInfo -ArgumentList $src_path
            $offset = 0
            $fs = $src.OpenRead()
            $bytes_to_read = $fs.Length
            try {
                while ($bytes_to_read -ne 0) {
                    $bytes = New-Object -TypeName byte[] -ArgumentList $bytes_to_read
                    $read = $fs.Read($bytes, $offset, $bytes_to_read)

                    Write-Output -InputObject ([System.Convert]::ToBase64String($bytes))
                    $bytes_to_read -= $read
                    $offset += $read

                    $algo.TransformBlock($bytes, 0, $bytes.Length, $bytes, 0) > $null
                }
            } finally {
                $fs.Dispose()
            }

            # Output the actual hash of the file so the client can validate the fetch data isn't mangled.
            $algo.TransformFinalBlock($bytes, 0, 0) > $Null
            $hash = [System.BitConverter]::ToString($algo.Hash)
            $hash.Replace("-", "").ToLowerInvariant()
            """;
        var disk = NewDisk(capacity: 4 << 20);
        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 + (i >> 9))).ToArray();
        disk.Write(@"C:\Users\psrp\Documents\data.bin", payload, FileWriteMode.Create);
        var host = new RecordingHost { FileSystem = disk, Automatic = Automatic };
        host.Environment["USERPROFILE"] = @"C:\Users\psrp";
        var create = new CreatePipeline([new PipelineCommand(Script, IsScript: true, [new PipelineArgument(null, PsPrimitive.String("data.bin"))])], NoInput: true);

        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider(Now));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { Convert.ToBase64String(payload), Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(payload)) }));
    }

    /// <summary>
    /// pypsrp's Client.copy (its copy.ps1 as pypsrp sends it): a script of named blocks with functions, reflection on
    /// $Host's remoting internals that succeeds as on Windows PowerShell 5.1 (no warning), the file's base64 chunks and
    /// then its SHA-1 as input objects, the destination and the expand flag as arguments. One version of copy.ps1 (pypsrp
    /// commit ab6f109) ends with File.Copy(temp, destination, $true): the file arrives whole at the expanded destination.
    /// Another (80a187a) ends with .NET Core's three-argument File.Move, which Windows PowerShell 5.1 has not: the
    /// emulator answers as 5.1 does, and the temporary file is still deleted.
    /// </summary>
    [TestCase("[System.IO.File]::Move($path, $output_path, $true)", false)]
    [TestCase("[System.IO.File]::Copy($path, $output_path, $true)", true)]
    public async Task Pypsrps_copy_script_writes_the_input_chunks_to_the_destination(string move, bool moves)
    {
        var script = """
            # Copyright: (c) 2019, Jordan Borean (@jborean93) <jborean93@gmail.com>
            # MIT License (see LICENSE or https://opensource.org/licenses/MIT)

            begin {
                $ErrorActionPreference = "Stop"
                $WarningPreference = "Continue"
                $path = [System.IO.Path]::GetTempFileName()
                $fd = [System.IO.File]::Create($path)
                $algo = [System.Security.Cryptography.SHA1CryptoServiceProvider]::Create()
                $bytes = $null
                $expected_hash = ""

                $binding_flags = [System.Reflection.BindingFlags]'NonPublic, Instance'
                Function Get-Property {
                    <#
                    .SYNOPSIS
                    Gets the private/internal property specified of the object passed in.
                    #>
                    Param (
                        [Parameter(Mandatory=$true, ValueFromPipeline=$true)]
                        [System.Object]
                        $Object,

                        [Parameter(Mandatory=$true, Position=1)]
                        [System.String]
                        $Name
                    )

                    $Object.GetType().GetProperty($Name, $binding_flags).GetValue($Object, $null)
                }

                Function Set-Property {
                    Param (
                        [Parameter(Mandatory=$true, ValueFromPipeline=$true)]
                        [System.Object]
                        $Object,

                        [Parameter(Mandatory=$true, Position=1)]
                        [System.String]
                        $Name,

                        [Parameter(Mandatory=$true, Position=2)]
                        [AllowNull()]
                        [System.Object]
                        $Value
                    )

                    $Object.GetType().GetProperty($Name, $binding_flags).SetValue($Object, $Value, $null)
                }

                Function Get-Field {
                    Param (
                        [Parameter(Mandatory=$true, ValueFromPipeline=$true)]
                        [System.Object]
                        $Object,

                        [Parameter(Mandatory=$true, Position=1)]
                        [System.String]
                        $Name
                    )

                    $Object.GetType().GetField($Name, $binding_flags).GetValue($Object)
                }

                try {
                    $Host | Get-Property 'ExternalHost' | `
                        Get-Field '_transportManager' | `
                        Get-Property 'Fragmentor' | `
                        Get-Property 'DeserializationContext' | `
                        Set-Property 'MaximumAllowedMemory' $null
                } catch {
                    $version_info = $PSVersionTable | Out-String
                    $msg = "Failed to disable MaximumAllowedMemory input size: $($_.Exception.Message)`r`n"
                    $msg += "Server PS Info:`r`n$version_info"
                    Write-Warning -Message $msg
                }
            } process {
                if ($null -ne $bytes) {
                    $algo.TransformBlock($bytes, 0, $bytes.Length, $bytes, 0) > $null
                    $fd.Write($bytes, 0, $bytes.Length)
                }
                $bytes = [System.Convert]::FromBase64String($input)
            } end {
                $fd.Close()

                try {
                    $raw_out_path = $MyInvocation.UnboundArguments[0]
                    $expand_variables = $MyInvocation.UnboundArguments[1]
                    if ($expand_variables -eq $true) {
                        $raw_out_path = [System.Environment]::ExpandEnvironmentVariables($raw_out_path)
                    }
                    $output_path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($raw_out_path)
                    $dest = New-Object -TypeName System.IO.FileInfo -ArgumentList $output_path

                    $expected_hash = [System.Text.Encoding]::UTF8.GetString($bytes)
                    $algo.TransformFinalBlock($bytes, 0, 0) > $null
                    $actual_hash = [System.BitConverter]::ToString($algo.Hash)
                    $actual_hash = $actual_hash.Replace("-", "").ToLowerInvariant()

                    if ($actual_hash -ne $expected_hash) {
                        throw "Transport failure, hash mismatch`r`nActual: $actual_hash`r`nExpected: $expected_hash"
                    }

                    MOVE
                    $dest.FullName
                } finally {
                    [System.IO.File]::Delete($path)
                }
            }
            """.Replace("MOVE", move);
        var disk = NewDisk(capacity: 4 << 20);
        var payload = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 13 + (i >> 7))).ToArray();
        var input = payload.Chunk(32_768).Select(c => (PsValue)PsPrimitive.String(Convert.ToBase64String(c)))
            .Append(PsPrimitive.String(Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(payload))))))
            .ToArray();
        var host = new RecordingHost(input) { FileSystem = disk, Automatic = Automatic };
        host.Environment["USERPROFILE"] = @"C:\Users\psrp";
        host.Environment["TEMP"] = @"C:\Users\psrp\AppData\Local\Temp";
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [new PipelineArgument(null, PsPrimitive.String(@"%USERPROFILE%\copied.bin")), new PipelineArgument(null, PsPrimitive.Boolean(true))])], NoInput: false);

        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider(Now));

        TestContext.Out.WriteLine(string.Join("\n", host.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Message)) + outcome.ErrorRecord?.ToDisplayString());
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.Empty);
        if (moves)
        {
            Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
            Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\Users\psrp\copied.bin" }));
            Assert.That(disk.Read(@"C:\Users\psrp\copied.bin", out var copied), Is.EqualTo(FileSystemFailure.None));
            Assert.That(copied, Is.EqualTo(payload));
        }
        else
        {
            Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
            Assert.That(outcome.ErrorRecord?.ToDisplayString(), Is.EqualTo("Cannot find an overload for \"Move\" and the argument count: \"3\"."));
            Assert.That(disk.Get(@"C:\Users\psrp\copied.bin"), Is.Null);
        }

        Assert.That(disk.List(@"C:\Users\psrp\AppData\Local\Temp")!.Select(i => i.Name), Is.Empty, "the temporary file is deleted either way");
    }

    [TestCase("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath('x\\y.txt'); cd C:\\Windows; $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath('..\\a')", @"C:\Users\psrp\Documents\x\y.txt|C:\a")]
    // PathIntrinsics' CurrentLocation: the session's location as it is when read, a PathInfo as $PWD is.
    [TestCase("$ExecutionContext.SessionState.Path.CurrentLocation.Path; cd C:\\Windows; \"$($ExecutionContext.SessionState.Path.CurrentLocation)\"; $ExecutionContext.SessionState.Path.CurrentLocation.GetType().Name", @"C:\Users\psrp\Documents|C:\Windows|PathInfo")]
    // An advanced function's $PSCmdlet has PSCmdlet's method of the same name.
    [TestCase("function Get-Full { [CmdletBinding()] param($p) $PSCmdlet.GetUnresolvedProviderPathFromPSPath($p) }; Get-Full 'x\\y.txt'", @"C:\Users\psrp\Documents\x\y.txt")]
    [TestCase("$f = New-Object System.IO.FileInfo 'C:\\Users\\psrp\\a.txt'; $f.Exists; $f.Length; $f.Name; \"$f\"; $s = $f.OpenText(); $s.ReadToEnd(); $s.Close(); $f.Delete(); Test-Path C:\\Users\\psrp\\a.txt", @"True|3|a.txt|C:\Users\psrp\a.txt|abc|False")]
    [TestCase("$f = New-Object IO.FileInfo('C:\\nothing\\x.log'); $f.Exists; $f.DirectoryName; $f.Extension", @"False|C:\nothing|.log")]
    // [IO.FileInfo]::new and a cast of a string go through the constructor as New-Object does; DirectoryInfo likewise.
    [TestCase("[IO.FileInfo]::new('C:\\Users\\psrp\\a.txt').Length; ([System.IO.FileInfo]'C:\\Users\\psrp\\a.txt').Name; ([IO.FileInfo]'C:\\Users\\psrp').Exists", "3|a.txt|False")]
    [TestCase("$d = [IO.DirectoryInfo]'C:\\Users\\psrp'; $d.Exists; $d.Parent.FullName; \"$d\"; (New-Object System.IO.DirectoryInfo 'C:\\nope').Exists; [IO.DirectoryInfo]::new('C:\\Users\\psrp\\a.txt').Exists",
        @"True|C:\Users|C:\Users\psrp|False|False")]
    // DirectoryInfo's listings: .NET's items (their text the name, no provider notes), a pattern, SearchOption.AllDirectories.
    [TestCase("$d = [IO.DirectoryInfo]'C:\\Users\\psrp'; $d.GetFiles() | % { \"$_\" }; $d.GetFiles('*.txt', [IO.SearchOption]::AllDirectories).FullName; $d.GetDirectories('D*').Name; $null -eq $d.GetFiles()[0].PSPath",
        @"a.txt|C:\Users\psrp\a.txt|C:\Users\psrp\Documents\b.txt|Desktop|Documents|Downloads|True")]
    [TestCase("[IO.Directory]::GetFiles('C:\\Users\\psrp', '*.txt', 'AllDirectories'); [IO.Directory]::GetFiles('C:\\Users\\psrp', '*.txt', [IO.SearchOption]::TopDirectoryOnly)",
        @"C:\Users\psrp\a.txt|C:\Users\psrp\Documents\b.txt|C:\Users\psrp\a.txt")]
    [TestCase("[Environment]::ExpandEnvironmentVariables('%USERPROFILE%\\x %NOPE%')", @"C:\Users\psrp\x %NOPE%")]
    [TestCase("[Environment]::GetFolderPath('ProgramFiles'); [Environment]::GetFolderPath([Environment+SpecialFolder]::MyDocuments); [System.Environment]::GetFolderPath('LocalApplicationData')",
        @"C:\Program Files|C:\Users\psrp\Documents|C:\Users\psrp\AppData\Local")]
    [TestCase("[Environment]::GetFolderPath(38); [Environment]::GetFolderPath('CommonApplicationData'); [Environment]::SystemDirectory; [Environment]::UserDomainName", @"C:\Program Files|C:\ProgramData|C:\Windows\system32|TESTHOST01")]
    public async Task The_session_state_path_FileInfo_and_environment_expansion_answer_from_the_session(string script, string expected)
    {
        var disk = NewDisk();
        disk.Write(@"C:\Users\psrp\a.txt", "abc"u8, FileWriteMode.Create);
        disk.CreateDirectory(@"C:\Users\psrp\Documents");
        disk.Write(@"C:\Users\psrp\Documents\b.txt", "b"u8, FileWriteMode.Create);

        Assert.That(await OutputOfAsync(script, disk), Is.EqualTo(expected));
    }

    // ${C:\path}: the file's content through the provider (GetVariableValueFromProvider): one line a string, more an
    // array, none or nothing there $null with no error; assigning it writes the content.
    [TestCase("${C:\\Users\\psrp\\a.txt}; ${C:\\Users\\psrp\\a.txt}.GetType().Name", "abc|String")]
    [TestCase("Set-Content C:\\two.txt 'x','y'; ${C:\\two.txt}.Count; ${C:\\two.txt}[1]; $null -eq ${C:\\nothing.txt}; $null -eq ${Q:\\x.txt}", "2|y|True|True")]
    [TestCase("${C:\\Users\\psrp\\n.txt} = 'first', 'second'; Get-Content C:\\Users\\psrp\\n.txt; ${C:\\Users\\psrp\\n.txt} -join '+'", "first|second|first+second")]
    [TestCase("Set-Content C:\\two.txt 'x','y'; \"[${C:\\Users\\psrp\\a.txt}] [${C:\\two.txt}] [${C:\\nothing.txt}]\"", "[abc] [x y] []")]
    public async Task A_braced_file_path_variable_is_the_file_s_content(string script, string expected)
    {
        var disk = NewDisk();
        disk.Write(@"C:\Users\psrp\a.txt", "abc"u8, FileWriteMode.Create);

        Assert.That(await OutputOfAsync(script, disk), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_missing_files_OpenRead_is_dotnets_error_for_a_method_without_arguments()
    {
        var (host, _) = await RunAsync("(New-Object IO.FileInfo 'C:\\none.bin').OpenRead()");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("FileNotFoundException", "Exception calling \"OpenRead\" with \"0\" argument(s): \"Could not find file 'C:\\none.bin'.\"") }));
    }

    [TestCase("$s = [Security.Cryptography.SHA256]::Create(); [BitConverter]::ToString($s.ComputeHash([Text.Encoding]::UTF8.GetBytes('abc'))).Substring(0, 11); (New-Object System.Security.Cryptography.MD5CryptoServiceProvider).ComputeHash([byte[]](1,2)).Length; [System.Security.Cryptography.SHA1]::Create().GetType().FullName", "BA-78-16-BF|16|System.Security.Cryptography.SHA1CryptoServiceProvider")]
    [TestCase("begin { $n = 0 } process { $n++ } end { \"ran $n\" }", "ran 1")]
    [TestCase("Set-Content C:\\s.txt 'a1','b2','a3'; switch -Wildcard -File C:\\s.txt { 'a*' { \"A:$_\" } default { \"other $_\" } }; $f = 'C:\\s.txt'; switch -File $f { 'b2' { 'found' } }", "A:a1|other b2|A:a3|found")]
    public async Task Hashes_and_a_script_of_named_blocks_run_as_in_PowerShell(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public void A_match_rule_for_the_whole_line_wins_over_its_redirection()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("cmd:\n  - match: 'dir > out.txt'\n    steps:\n      - stdout: scripted\n", "s.yaml"), Default);

        Assert.That(catalog.ResolveCommandLine("dir > out.txt"), Is.InstanceOf<CommandLineBehaviour>());
        Assert.That(catalog.ResolveCommandLine("dir > other.txt"), Is.InstanceOf<RedirectedCommandLineScript>());
    }

    /// <summary>
    /// Get-ItemProperty of a file or folder: without -Name the item itself (train reads "(Get-ItemProperty -Path x).attributes"),
    /// with -Name those properties and the provider's notes.
    /// </summary>
    [Test]
    public async Task Get_ItemProperty_of_a_file_or_folder_is_the_item_or_the_named_properties()
    {
        var (host, _) = await RunAsync("(Get-ItemProperty -Path 'C:\\Windows\\win.ini').attributes.ToString(); (Get-ItemProperty C:\\Windows).Attributes.ToString(); " +
            "$p = Get-ItemProperty C:\\Windows\\win.ini -Name Length; $p.Length; $p.PSChildName; Get-ItemProperty C:\\nope.txt");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Archive", "Directory", "92", "win.ini" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand" }));
    }

    /// <summary>
    /// [System.Diagnostics.FileVersionInfo]::GetVersionInfo: a Windows program has Windows Server 2019's versions (InSpec's
    /// file resource reads ProductVersion and FileVersion), another file none, a missing file .NET's FileNotFoundException.
    /// </summary>
    [Test]
    public async Task File_version_info_of_a_windows_program_a_plain_file_and_a_missing_one()
    {
        var (host, _) = await RunAsync("$v = [System.Diagnostics.FileVersionInfo]::GetVersionInfo('C:\\Windows\\System32\\cmd.exe'); $v.ProductVersion; $v.FileVersion; $v.FileMajorPart; " +
            "$n = [Diagnostics.FileVersionInfo]::GetVersionInfo('C:\\Windows\\win.ini'); $n.ProductVersion -eq $null; $n.FileName; " +
            "[System.Diagnostics.FileVersionInfo]::GetVersionInfo('C:\\nope.exe')");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "10.0.17763.1", "10.0.17763.1 (WinBuild.160101.0800)", "10", "True", @"C:\Windows\win.ini" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Exception calling \"GetVersionInfo\" with \"1\" argument(s): \"C:\\nope.exe\"" }));
    }

    /// <summary>Serverspec's file version check: <c>(Get-Item path).VersionInfo.ProductVersion</c>, 5.1's script property.</summary>
    [Test]
    public async Task A_files_VersionInfo_is_its_file_version_info()
    {
        var (host, _) = await RunAsync("(Get-Item C:\\Windows\\System32\\cmd.exe).VersionInfo.ProductVersion; (Get-ChildItem C:\\Windows\\win.ini).VersionInfo.FileName");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "10.0.17763.1", @"C:\Windows\win.ini" }));
    }

    /// <summary>The script property is a property like any other: ForEach-Object and Select-Object read it too.</summary>
    [Test]
    public async Task A_files_VersionInfo_is_read_by_foreach_object_and_select_object()
    {
        var (host, _) = await RunAsync("Get-Item C:\\Windows\\System32\\notepad.exe | % VersionInfo | % FileVersion; " +
            "Get-Item C:\\Windows\\System32\\cmd.exe | Select-Object -ExpandProperty VersionInfo | % ProductMajorPart; " +
            "(Get-ChildItem C:\\Windows\\System32\\ntoskrnl.exe | Select-Object Name, VersionInfo).VersionInfo.FilePrivatePart -gt 1; " +
            "(Get-Item C:\\Windows\\explorer.exe).VersionInfo.ProductVersion");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "10.0.17763.1 (WinBuild.160101.0800)", "10", "True", "10.0.17763.1" }));
    }

    /// <summary>
    /// The core files patch checks read (ntoskrnl.exe, kernel32.dll, tcpip.sys...) are there, their versions the
    /// installed cumulative update's revision, as the registry's UBR; they are files, not programs to run, and cannot be
    /// removed.
    /// </summary>
    [Test]
    public async Task The_kernel_and_core_files_carry_the_cumulative_update_s_revision()
    {
        var (host, _) = await RunAsync("(Get-Item C:\\Windows\\System32\\ntoskrnl.exe).VersionInfo.ProductVersion; " +
            "[Diagnostics.FileVersionInfo]::GetVersionInfo('C:\\Windows\\System32\\drivers\\tcpip.sys').FilePrivatePart; " +
            "(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion').UBR; (Get-Item C:\\Windows\\System32\\kernel32.dll).Length; " +
            "Remove-Item C:\\Windows\\System32\\ntdll.dll -ErrorAction SilentlyContinue; Test-Path C:\\Windows\\System32\\ntdll.dll");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "10.0.17763.4974", "4974", "4974", "714752", "True" }));
    }

    /// <summary>The cleanup pattern "Get-ChildItem ... | Where-Object ... | Remove-Item" that found nothing, and paths piped by value.</summary>
    [Test]
    public async Task A_path_cmdlet_binds_each_object_piped_in_and_runs_not_at_all_for_none()
    {
        var (host, _) = await RunAsync(
            "@() | Remove-Item; Get-ChildItem C:\\nope* | Get-ItemProperty; 'after'; " +
            "'C:\\Windows', 'C:\\nope' | Test-Path; 'C:\\Windows\\win.ini' | Get-Content | Select-Object -First 1; " +
            "[pscustomobject]@{ Path = 'C:\\Windows' } | Get-Item | ForEach-Object Name; (Get-ChildItem C:\\Windows\\win.ini | Get-FileHash).Algorithm; " +
            "Get-ChildItem C:\\Windows\\win.ini | Select-String fonts | ForEach-Object { \"$($_.Path):$($_.LineNumber)\" }");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "True", "False", "; for 16-bit app support", "Windows", "SHA256", @"C:\Windows\win.ini:2" }));
    }

    /// <summary>
    /// Start-Transcript in a remote session writes 5.1's header (the user, the configuration, wsmprovhost.exe) and
    /// Stop-Transcript its end; a second Stop-Transcript is the host's "not currently transcribing", -NoClobber on an
    /// existing file its NoClobber error; the folder is made when missing.
    /// </summary>
    [Test]
    public async Task A_transcript_file_has_51s_header_and_end_and_its_errors_are_the_cmdlets()
    {
        var (host, _) = await RunAsync(
            "Start-Transcript -Path C:\\logs\\deploy.log; Stop-Transcript; $t = Get-Content C:\\logs\\deploy.log; $t[1]; $t[3]; $t[5]; $t[7]; $t[-3]; " +
            "[IO.File]::ReadAllBytes('C:\\logs\\deploy.log')[0..2] -join ','; Stop-Transcript; Start-Transcript C:\\logs\\deploy.log -NoClobber; " +
            "Start-Transcript C:\\logs\\deploy.log -Append | Out-Null; Stop-Transcript | Out-Null; (Get-Content C:\\logs\\deploy.log | Where-Object { $_ -eq 'Windows PowerShell transcript start' }).Count");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Transcript started, output file is C:\\logs\\deploy.log", "Transcript stopped, output file is C:\\logs\\deploy.log",
            "Windows PowerShell transcript start", "Username: tester", "Configuration Name: Microsoft.PowerShell", "Host Application: C:\\Windows\\system32\\wsmprovhost.exe -Embedding",
            "Windows PowerShell transcript end", "239,187,191", "2",
        }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "CannotStopTranscription,Microsoft.PowerShell.Commands.StopTranscriptCommand", "NoClobber,Microsoft.PowerShell.Commands.StartTranscriptCommand",
        }));
    }

    /// <summary>
    /// A file's Directory and a folder's Parent are DirectoryInfo objects (a script's "$here = (Get-Item $file).Directory.FullName"),
    /// whose text is what .NET Framework's ToString gives: the full path for Directory, the name for Parent.
    /// </summary>
    [Test]
    public async Task A_files_Directory_and_a_folders_Parent_are_directory_objects()
    {
        var (host, _) = await RunAsync(
            "New-Item C:\\app\\bin -ItemType Directory -Force | Out-Null; Set-Content C:\\app\\bin\\run.ps1 x; $f = Get-Item C:\\app\\bin\\run.ps1; " +
            "$f.Directory.FullName; $f.Directory.Name; \"$($f.Directory)\"; $f.Directory.GetType().Name; $f.Directory.Parent; " +
            "$d = Get-Item C:\\app\\bin; $d.Parent.FullName; \"$($d.Parent)\"; $d.Root.FullName; (Get-ChildItem C:\\app -Recurse -File | Group-Object { $_.Directory.Name }).Name");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "C:\\app\\bin", "bin", "C:\\app\\bin", "DirectoryInfo", "app", "C:\\app", "app", "C:\\", "bin" }));
    }

    // The elements (tag and N) of an object's Props and MS as the server writes the object to remoting depth.
    private static (string[] Props, string[] Members, XElement Written) WireShape(PsValue value)
    {
        var xml = XElement.Parse(ClixmlSerializer.SerializeToString(RemotingDepth.Apply(value, o => o.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames)));
        static string[] Shape(XElement? section) => section is null ? [] : [.. section.Elements().Select(e => $"{e.Name.LocalName} {e.Attribute("N")?.Value}")];
        return (Shape(xml.Element("Props")), Shape(xml.Element("MS")), xml);
    }

    /// <summary>
    /// A FileInfo goes on the wire as a 5.1 server writes one (pypsrp's recorded FileInfo): the .NET properties in
    /// Props (Directory and Attributes as their text), the provider's notes then the type table's Mode, VersionInfo
    /// (FileVersionInfo's text), BaseName, Target (an empty List`1) and LinkType in MS.
    /// </summary>
    [Test]
    public async Task A_file_item_is_written_with_its_dotnet_properties_adapted_and_its_type_members_as_5_1_writes_them()
    {
        var (host, _) = await RunAsync("New-Item C:\\temp -ItemType Directory | Out-Null; Set-Content C:\\temp\\win_package.ps1 x; Get-Item C:\\temp\\win_package.ps1");

        var (props, members, written) = WireShape(host.Outputs.Single());

        Assert.That(props, Is.EqualTo(new[]
        {
            "S Name", "I64 Length", "S DirectoryName", "S Directory", "B IsReadOnly", "B Exists", "S FullName", "S Extension", "DT CreationTime",
            "DT CreationTimeUtc", "DT LastAccessTime", "DT LastAccessTimeUtc", "DT LastWriteTime", "DT LastWriteTimeUtc", "S Attributes",
        }));
        Assert.That(members, Is.EqualTo(new[]
        {
            "S PSPath", "S PSParentPath", "S PSChildName", "Obj PSDrive", "Obj PSProvider", "B PSIsContainer", "S Mode", "S VersionInfo", "S BaseName", "Obj Target", "Nil LinkType",
        }));
        var ms = written.Element("MS")!.Elements().ToDictionary(e => e.Attribute("N")!.Value);
        // The recorded VersionInfo of a file with no version resource, CRLFs escaped as the serializer escapes them.
        Assert.That(ms["VersionInfo"].Value, Is.EqualTo("File:             C:\\temp\\win_package.ps1_x000D__x000A_InternalName:     _x000D__x000A_OriginalFilename: _x000D__x000A_" +
            "FileVersion:      _x000D__x000A_FileDescription:  _x000D__x000A_Product:          _x000D__x000A_ProductVersion:   _x000D__x000A_Debug:            False_x000D__x000A_" +
            "Patched:          False_x000D__x000A_PreRelease:       False_x000D__x000A_PrivateBuild:     False_x000D__x000A_SpecialBuild:     False_x000D__x000A_Language:         _x000D__x000A_"));
        Assert.That(ms["Target"].Element("LST")!.HasElements, Is.False);
        Assert.That(ms["Target"].Element("TN")!.Elements("T").First().Value, Does.StartWith("System.Collections.Generic.List`1[[System.String, mscorlib"));
        Assert.That(written.Element("Props")!.Elements().Last().Value, Is.EqualTo("Archive"));
    }

    /// <summary>A DirectoryInfo as ironposh's recorded 5.1 Get-ChildItem output has it: Name, FullName, Parent, Exists, Root... in Props.</summary>
    [Test]
    public async Task A_folder_item_is_written_as_5_1_writes_a_directory()
    {
        var (host, _) = await RunAsync("New-Item C:\\Users\\psrp\\Documents\\ADMF -ItemType Directory -Force | Out-Null; Get-Item C:\\Users\\psrp\\Documents\\ADMF");

        var (props, members, written) = WireShape(host.Outputs.Single());

        Assert.That(props, Is.EqualTo(new[]
        {
            "S Name", "S FullName", "S Parent", "B Exists", "S Root", "S Extension", "DT CreationTime", "DT CreationTimeUtc", "DT LastAccessTime",
            "DT LastAccessTimeUtc", "DT LastWriteTime", "DT LastWriteTimeUtc", "S Attributes",
        }));
        Assert.That(members, Is.EqualTo(new[] { "S PSPath", "S PSParentPath", "S PSChildName", "Obj PSDrive", "Obj PSProvider", "B PSIsContainer", "S Mode", "S BaseName", "Obj Target", "Nil LinkType" }));
        var drive = written.Element("MS")!.Elements().Single(e => e.Attribute("N")!.Value == "PSDrive");
        Assert.That(drive.Element("ToString")!.Value, Is.EqualTo("C"));
        Assert.That(drive.Element("Props")!.Elements().Select(e => e.Attribute("N")!.Value).Take(4), Is.EqualTo(new[] { "CurrentLocation", "Name", "Provider", "Root" }));
        Assert.That(written.Element("Props")!.Elements().Single(e => e.Attribute("N")!.Value == "Parent").Value, Is.EqualTo("Documents"));
        // The provider's Drives hold that very drive: a <Ref> to it, as the recorded output has.
        var drives = written.Element("MS")!.Elements().Single(e => e.Attribute("N")!.Value == "PSProvider").Element("Props")!.Elements().Single(e => e.Attribute("N")!.Value == "Drives");
        Assert.That(drives.Element("LST")!.Elements().Single().Name.LocalName, Is.EqualTo("Ref"));
        Assert.That(drives.Element("LST")!.Elements().Single().Attribute("RefId")!.Value, Is.EqualTo(drive.Attribute("RefId")!.Value));
    }

    /// <summary>
    /// Format-List * and ConvertTo-Csv list an item's members as PSObject.Properties does: its notes and type-table
    /// members, then the .NET ones (a real Get-Item | Format-List * starts PSPath and has Name after LinkType).
    /// </summary>
    [Test]
    public async Task Format_list_star_of_a_file_lists_its_extended_members_before_its_dotnet_properties()
    {
        var (host, _) = await RunAsync("Get-Item C:\\Windows\\win.ini | Format-List * | Out-String; (Get-Item C:\\Windows\\win.ini | ConvertTo-Csv -NoTypeInformation)[0]; " +
            "(Get-Item C:\\Windows\\win.ini | ConvertTo-Csv -NoTypeInformation)[1] -match '\"System\\.Collections\\.Generic\\.List`1\\[System\\.String\\]\"'");

        var names = host.OutputTexts[0].Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l.Contains(" : ")).Select(l => l[..l.IndexOf(' ')]).ToArray();
        Assert.That(names, Is.EqualTo(new[]
        {
            "PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "PSIsContainer", "Mode", "VersionInfo", "BaseName", "Target", "LinkType",
            "Name", "Length", "DirectoryName", "Directory", "IsReadOnly", "Exists", "FullName", "Extension", "CreationTime", "CreationTimeUtc",
            "LastAccessTime", "LastAccessTimeUtc", "LastWriteTime", "LastWriteTimeUtc", "Attributes",
        }));
        Assert.That(host.OutputTexts[0], Does.Contain("VersionInfo       : File:             C:\\Windows\\win.ini\r\n                    InternalName:     \r\n"));
        Assert.That(host.OutputTexts[1], Does.StartWith("\"PSPath\",\"PSParentPath\",").And.Contains("\"LinkType\",\"Name\",\"Length\""));
        Assert.That(host.OutputTexts[2], Is.EqualTo("True"));
    }

    /// <summary>
    /// An encoding a script constructs writes its byte order mark as its constructor says: UTF8Encoding($false) (the
    /// "UTF-8 without BOM" of deployment scripts) and UTF8Encoding() none, UTF8Encoding($true) and [Text.Encoding]::UTF8
    /// one, UnicodeEncoding() one, UnicodeEncoding($false, $false) none.
    /// </summary>
    [Test]
    public async Task A_constructed_encoding_writes_the_byte_order_mark_its_constructor_says()
    {
        var (host, _) = await RunAsync(
            "[IO.File]::WriteAllText('C:\\a.txt', 'x', (New-Object System.Text.UTF8Encoding $false)); [IO.File]::ReadAllBytes('C:\\a.txt') -join ','; " +
            "[IO.File]::WriteAllText('C:\\b.txt', 'x', [Text.UTF8Encoding]::new()); [IO.File]::ReadAllBytes('C:\\b.txt') -join ','; " +
            "[IO.File]::WriteAllText('C:\\c.txt', 'x', (New-Object Text.UTF8Encoding $true)); [IO.File]::ReadAllBytes('C:\\c.txt') -join ','; " +
            "[IO.File]::WriteAllText('C:\\d.txt', 'x', [Text.Encoding]::UTF8); [IO.File]::ReadAllBytes('C:\\d.txt') -join ','; " +
            "[IO.File]::WriteAllLines('C:\\e.txt', @('x'), (New-Object Text.UnicodeEncoding)); [IO.File]::ReadAllBytes('C:\\e.txt') -join ','; " +
            "[IO.File]::WriteAllText('C:\\f.txt', 'x', (New-Object Text.UnicodeEncoding $false, $false)); [IO.File]::ReadAllBytes('C:\\f.txt') -join ','");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "120", "120", "239,187,191,120", "239,187,191,120", "255,254,120,0,13,0,10,0", "120,0" }));
    }

    /// <summary>-Verbose makes a file cmdlet's ShouldProcess write the operation as a verbose record; -Verbose:$false does not.</summary>
    [Test]
    public async Task A_file_cmdlets_verbose_switch_writes_its_operation()
    {
        var (host, _) = await RunAsync("Set-Content C:\\a.txt x; Set-Content C:\\b.txt y; Remove-Item C:\\a.txt -Verbose; Remove-Item C:\\b.txt -Verbose:$false; Test-Path C:\\a.txt, C:\\b.txt");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.Records.OfType<VerboseRecordMessage>().Select(v => v.Message), Is.EqualTo(new[] { "Performing the operation \"Remove File\" on target \"C:\\a.txt\"." }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "False" }));
    }

    /// <summary>So does a pipeline stage's: a cleanup's "... | Remove-Item -Verbose" lists each file it removes.</summary>
    [Test]
    public async Task A_pipeline_stages_verbose_switch_writes_each_operation()
    {
        var (host, _) = await RunAsync("New-Item C:\\logs -ItemType Directory | Out-Null; 'a', 'b' | % { Set-Content \"C:\\logs\\$_.log\" x }; " +
            "Get-ChildItem C:\\logs -Filter *.log | Remove-Item -Verbose; Set-Content C:\\c.txt z; Get-Item C:\\c.txt | Remove-Item -Verbose:$false; (Get-ChildItem C:\\logs).Count; Test-Path C:\\c.txt");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.Records.OfType<VerboseRecordMessage>().Select(v => v.Message), Is.EqualTo(new[]
        {
            "Performing the operation \"Remove File\" on target \"C:\\logs\\a.log\".", "Performing the operation \"Remove File\" on target \"C:\\logs\\b.log\".",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "False" }));
    }
}

/// <summary>
/// UNC paths from inside a session (the double hop): another of the emulator's computers refuses the session's
/// anonymous SMB connection, one that does not resolve (or drops SMB) is only not found.
/// </summary>
public class UncPathTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var network = new NetworkSettings
        {
            Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" },
            NeighbourAllows = (address, protocol, port) => address == "10.0.0.5" && protocol == "TCP" && port is 445 or 5985,
        };
        var disk = new VirtualFileSystem(new FakeTimeProvider(), 1 << 20);
        var host = new RecordingHost { FileSystem = disk, NetworkSettings = network };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    private static (string Id, string? Target)[] Errors(RecordingHost host) => [.. host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName))];

    [Test]
    public async Task Get_ChildItem_of_another_computer_s_share_is_access_denied_then_not_found()
    {
        var host = await RunAsync(@"dir \\Server02\c$; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(Errors(host), Is.EqualTo(new[]
        {
            ("ItemExistsUnauthorizedAccessError,Microsoft.PowerShell.Commands.GetChildItemCommand", @"\\Server02\c$"),
            ("PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand", @"\\Server02\c$"),
        }));
        Assert.That(host.Errors[0].Message, Is.EqualTo("Access is denied"));
        Assert.That((host.Errors[0].Category, host.Errors[0].ExceptionType), Is.EqualTo((ErrorCategory.PermissionDenied, "System.UnauthorizedAccessException")));
        Assert.That(host.Errors[1].Message, Is.EqualTo(@"Cannot find path '\\Server02\c$' because it does not exist."));
    }

    [Test]
    public async Task Test_Path_of_another_computer_s_share_writes_access_denied_and_false()
    {
        var host = await RunAsync(@"Test-Path \\10.0.0.5\Share\file.txt; Test-Path -LiteralPath '\\Server03\c$'; Test-Path \\Nowhere\c$");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "False", "False" }));
        Assert.That(Errors(host), Is.EqualTo(new[] { ("ItemExistsUnauthorizedAccessError,Microsoft.PowerShell.Commands.TestPathCommand", @"\\10.0.0.5\Share\file.txt") }),
            "Server03's firewall drops SMB and Nowhere does not resolve: no network path, nothing denied");
    }

    [TestCase(@"Set-Location \\Server02\Share", "SetLocationCommand")]
    [TestCase(@"Get-Content -Path '\\Server02\Share\a.txt'", "GetContentCommand")]
    [TestCase(@"Get-Item Microsoft.PowerShell.Core\FileSystem::\\Server02\Share", "GetItemCommand")]
    public async Task Other_path_cmdlets_get_the_provider_s_access_denied_first(string statement, string cmdlet)
    {
        var host = await RunAsync(statement);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            $"ItemExistsUnauthorizedAccessError,Microsoft.PowerShell.Commands.{cmdlet}",
            $"PathNotFound,Microsoft.PowerShell.Commands.{cmdlet}",
        }));
    }

    [Test]
    public async Task Dotnet_file_methods_on_another_computer_s_share_are_access_denied_or_no_network_path()
    {
        var host = await RunAsync(@"try { [IO.File]::ReadAllText('\\Server02\c$\a.txt') } catch { ""$_"" }
            try { [System.IO.File]::WriteAllText('\\Nowhere\share\a.txt', 'x') } catch { ""$_"" }
            [IO.File]::Exists('\\Server02\c$\a.txt'); [IO.Directory]::Exists('\\Server02\c$')
            [IO.Path]::GetFullPath('//Server02/c$/logs/./old/../a.txt')");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"Exception calling ""ReadAllText"" with ""1"" argument(s): ""Access to the path '\\Server02\c$\a.txt' is denied.""",
            "Exception calling \"WriteAllText\" with \"2\" argument(s): \"The network path was not found.\r\n\"",
            "False", "False", @"\\Server02\c$\logs\a.txt",
        }));
    }

    [TestCase(@"dir \\Server02")]
    [TestCase(@"dir \\Server02\c$\*.log")]
    [TestCase(@"dir \\Nowhere\c$")]
    public async Task A_server_alone_a_wildcard_or_an_unknown_computer_is_only_not_found(string statement)
    {
        var host = await RunAsync(statement);

        var ids = host.Errors.Select(e => e.FullyQualifiedErrorId).ToList();
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.All.StartWith("PathNotFound,"));
    }
}
