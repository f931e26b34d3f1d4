using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The idioms file-transfer clients' scripts use (Ruby's winrm-fs, which Vagrant and Test Kitchen upload with): an alias
/// the script defines, a helper taking a script block, assignments in parentheses as arguments, a base64 file decoded
/// through a CryptoStream, an MD5 of a FileStream, disposal after GetMethod('Dispose').
/// </summary>
public class FileTransferIdiomTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, VirtualFileSystem? disk = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk ?? Disk() };
        host.Environment["TEMP"] = @"C:\Users\psrp\AppData\Local\Temp";
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static VirtualFileSystem Disk()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp\AppData\Local\Temp");
        return disk;
    }

    private static async Task<string> OutputOfAsync(string script, VirtualFileSystem? disk = null)
    {
        var (host, outcome) = await RunAsync(script, disk);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("function Get-Doubled { $input | % { $_ * 2 } }; Set-Alias dbl -Value Get-Doubled; 1, 2 | dbl", "2|4")]
    [TestCase("sal now Get-Date; (now).GetType().Name", "DateTime")]
    [TestCase("New-Alias -Name when -Value Get-Date; (when).GetType().Name; New-Alias when Get-Random -Force; (when -Maximum 5).GetType().Name", "DateTime|Int32")]
    [TestCase("function f { Set-Alias inner Get-Date; (inner -DisplayHint Date).DisplayHint }; f", "Date")]
    [TestCase("Set-Alias rpp Resolve-Path; $alias:rpp; \"[$alias:rpp] [$alias:gci]\"; $null -eq $alias:nosuch", "Resolve-Path|[Resolve-Path] [Get-ChildItem]|True")]
    [TestCase("function f {1}; $y = 3; \"[$function:f] [$variable:y] [${alias:gci}] [$global:y]\"", "[1] [3] [Get-ChildItem] [3]")]
    public async Task An_alias_the_script_sets_runs_its_command(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    // PowerShell looks up aliases before functions: a function named as a default alias does not replace it (pwsh 7.6:
    // after function h { }, Get-Command h is the alias and h runs Get-History); a function named as a cmdlet does.
    [TestCase("function gci { 'mine' }; (gci C:\\Windows\\win.ini).Name; function sort { 'mine' }; 3, 1 | sort", "win.ini|1|3")]
    [TestCase("function Get-Date { 'mine' }; Get-Date; function ls { 'mine' }; ls C:\\Windows\\win.ini | ForEach-Object Name", "mine|win.ini")]
    public async Task A_function_named_as_a_default_alias_does_not_hide_the_alias(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [TestCase("Set-Alias rpp Resolve-Path; (Get-Alias rpp, gci | ForEach-Object { \"$($_.Name)=$($_.Definition)\" }) -join ','", "rpp=Resolve-Path,gci=Get-ChildItem")]
    [TestCase("(Get-Alias -Definition Get-ChildItem | ForEach-Object Name) -join ','", "dir,gci,ls")]
    // The targets as a real Server 2019's session spells them (its compatibility profile): Add-PSSnapIn, Invoke-WMIMethod...
    [TestCase("(Get-Alias asnp, gsnp, iwmi, rwmi, swmi, gwmi | ForEach-Object Definition) -join ','", "Add-PSSnapIn,Get-PSSnapIn,Invoke-WMIMethod,Remove-WMIObject,Set-WMIInstance,Get-WmiObject")]
    [TestCase("(gal -Name g? -Exclude gc, gi | ForEach-Object Name) -join ','", "gl,gm,gp,gu,gv")]
    [TestCase("sal zz Get-Date; (Get-ChildItem alias:zz).Definition; Test-Path alias:zz", "Get-Date|True")]
    public async Task Get_alias_and_the_alias_drive_list_the_defaults_and_the_session_s(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [Test]
    public async Task Get_alias_of_a_name_no_alias_has_is_powershell_s_error()
    {
        var (host, _) = await RunAsync("Get-Alias nosuch; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ItemNotFoundException,Microsoft.PowerShell.Commands.GetAliasCommand", "This command cannot find a matching alias because an alias with the name 'nosuch' does not exist."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task New_alias_of_a_name_that_is_an_alias_is_powershell_s_error()
    {
        var (host, outcome) = await RunAsync("New-Alias gci Get-Date; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("AliasAlreadyExists,Microsoft.PowerShell.Commands.NewAliasCommand", "The alias is not allowed, because an alias with the name 'gci' already exists."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("function run($o, [scriptblock]$sb) { & $sb }; run 1 { 'in block' }", "in block")]
    [TestCase("function run($o, [scriptblock]$sb) { & $sb }; run -o 1 -sb { 'named' }", "named")]
    [TestCase("function kind($a, $b) { $b.GetType().Name }; kind 1 { 'x' }", "ScriptBlock")]
    [TestCase("function use($o, [scriptblock]$sb) { try { & $sb } finally { 'disposed' } }; use ($c = 5) { \"c=$c\" }", "c=5|disposed")]
    public async Task A_script_block_argument_reaches_the_function_as_a_script_block(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [TestCase("function f($a) { \"a=$a\" }; f ($x = 5); $x", "a=5|5")]
    [TestCase("($y = 7)", "7")]
    [TestCase("$z = ($w = 3) + 1; \"$z $w\"", "4 3")]
    [TestCase("$q = 1; ($q += 2)", "3")]
    [TestCase("if (($n = 4) -gt 3) { \"n=$n\" }", "n=4")]
    [TestCase("([int]$t = '9') + 1", "10")]
    public async Task An_assignment_in_parentheses_is_the_value_it_assigns(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_base64_file_decoded_through_a_crypto_stream_and_its_md5_read_from_a_file_stream()
    {
        var disk = Disk();
        disk.Write(@"C:\Users\psrp\AppData\Local\Temp\up.b64", System.Text.Encoding.ASCII.GetBytes("aGVsbG8g\r\nd2lucm0tZnM=\r\n"), FileWriteMode.Create);

        var output = await OutputOfAsync("""
            function Cleanup($o) { if (($o -ne $null) -and ($o.GetType().GetMethod('Dispose') -ne $null)) { $o.Dispose(); 'disposed' } }
            function Copy-Stream($src, $dst) { $b = New-Object Byte[] 4; while (($i = $src.Read($b, 0, $b.Length)) -ne 0) { $dst.Write($b, 0, $i) } }
            $in = (Get-Item "$env:TEMP\up.b64").OpenRead()
            $b64 = New-Object -TypeName System.Security.Cryptography.FromBase64Transform
            $d = New-Object -TypeName System.Security.Cryptography.CryptoStream $in, $b64, ([System.Security.Cryptography.CryptoStreamMode]::Read)
            Copy-Stream $d ($out = [System.IO.File]::OpenWrite('C:\f.txt'))
            Cleanup $in; Cleanup $out; Cleanup $d
            Get-Content C:\f.txt
            $c = New-Object -TypeName System.Security.Cryptography.MD5CryptoServiceProvider
            ([BitConverter]::ToString($c.ComputeHash(($s = (Get-Item C:\f.txt).OpenRead())))).Replace('-', '').ToLower()
            $s.Dispose()
            $null -eq 'text'.GetType().GetMethod('Dispose')
            """, disk);

        Assert.That(output, Is.EqualTo("disposed|disposed|disposed|hello winrm-fs|ad4d77ee637aed51dba6a948551d0351|True"));
    }

    /// <summary>
    /// winrm-fs's stream upload: a FileStream opened once, ScriptBlock's non-public ClearScriptBlockCache found by
    /// reflection and invoked before each chunk (5.1 has it: no error), the chunks' bytes written, the stream disposed.
    /// </summary>
    [Test]
    public async Task A_stream_upload_clears_the_script_block_cache_by_reflection_and_writes_each_chunk()
    {
        var output = await OutputOfAsync("""
            $to = "C:\dest\app.txt"
            $parent = Split-Path $to
            if(!(Test-path $parent)) { mkdir $parent | Out-Null }
            $fileStream = New-Object -TypeName System.IO.FileStream -ArgumentList @($to, [system.io.filemode]::Create, [System.io.FileAccess]::Write, [System.IO.FileShare]::ReadWrite)
            $bindingFlags= [Reflection.BindingFlags] "NonPublic,Static"
            $method = [scriptblock].GetMethod("ClearScriptBlockCache", $bindingFlags)
            "$method"
            foreach ($chunk in 'aGVsbG8g', 'd2lucm0tZnM=') {
                if($method) { $method.Invoke($Null, $Null) }
                $bytes=[Convert]::FromBase64String($chunk)
                $fileStream.Write($bytes, 0, $bytes.length)
            }
            $fileStream.Dispose()
            Get-Content $to
            $null -eq [scriptblock].GetMethod("NoSuchMethod", $bindingFlags)
            """);

        Assert.That(output, Is.EqualTo("Void ClearScriptBlockCache()|hello winrm-fs|True"));
    }

    [Test]
    public async Task Items_piped_into_copy_item_and_move_item_are_copied_and_moved()
    {
        var disk = Disk();
        disk.CreateDirectory(@"C:\src\sub");
        disk.CreateDirectory(@"C:\dst");
        disk.Write(@"C:\src\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\b.txt", "b"u8, FileWriteMode.Create);

        var output = await OutputOfAsync("""
            Get-ChildItem C:\src | Copy-Item -Destination C:\dst -Recurse -Force
            (Get-ChildItem C:\dst -Recurse | ForEach-Object FullName) -join ','
            'C:\dst\a.txt' | Copy-Item -Destination C:\dst\c.txt -PassThru | ForEach-Object Name
            Get-Item C:\dst\c.txt | mv -dest C:\moved.txt
            "$(Test-Path C:\dst\c.txt) $(Test-Path C:\moved.txt)"
            """, disk);

        Assert.That(output, Is.EqualTo(@"C:\dst\sub,C:\dst\a.txt,C:\dst\sub\b.txt|c.txt|False True"));
    }

    [Test]
    public async Task A_folder_zipped_and_extracted_with_zip_file_s_static_methods_comes_back_whole()
    {
        var disk = Disk();
        disk.CreateDirectory(@"C:\src\sub");
        disk.Write(@"C:\src\a.txt", "a"u8, FileWriteMode.Create);
        disk.Write(@"C:\src\sub\b.txt", "bb"u8, FileWriteMode.Create);

        var (host, outcome) = await RunAsync("""
            Add-Type -AssemblyName System.IO.Compression.FileSystem
            [IO.Compression.ZipFile]::CreateFromDirectory('C:\src', 'C:\t.zip')
            [System.IO.Compression.ZipFile]::ExtractToDirectory('C:\t.zip', 'C:\out')
            (Get-ChildItem C:\out -Recurse -File | ForEach-Object { "$($_.FullName)=$(Get-Content $_.FullName)" } | Sort-Object) -join ','
            [IO.Compression.ZipFile]::ExtractToDirectory('C:\t.zip', 'C:\out')
            [IO.Compression.ZipFile]::CreateFromDirectory('C:\src', 'C:\t.zip')
            'next'
            """, disk);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\out\a.txt=a,C:\out\sub\b.txt=bb", "next" }));
        Assert.That(host.Errors.Select(e => e.Message).ToList(), Has.Count.EqualTo(2).And.All.Contains("already exists"));
    }

    [TestCase("Add-Type -AssemblyName System.Web, 'System.Windows.Forms'; 'loaded'", "loaded", null)]
    [TestCase("Add-Type -AssemblyName Contoso.Tools; 'next'", "next", "Cannot add type. The assembly 'Contoso.Tools' could not be found.")]
    [TestCase("Add-Type -TypeDefinition 'public class X {}'; 'next'", "next", "Add-Type compiling code in the session (-TypeDefinition, -MemberDefinition, -Path) is not emulated: give the command a rule")]
    public async Task Add_type_loads_the_framework_s_assemblies_by_name_only(string script, string output, string? error)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { output }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(error is null ? Array.Empty<string>() : new[] { error }));
    }

    [Test]
    public async Task A_crypto_stream_the_emulator_does_not_run_is_said_so()
    {
        var (host, _) = await RunAsync("$m = New-Object IO.MemoryStream; New-Object System.Security.Cryptography.CryptoStream $m, (New-Object Security.Cryptography.FromBase64Transform), 'Write'; 'next'");

        Assert.That(host.Errors.Select(e => e.Message), Has.Some.Contains("CryptoStream is emulated only to read a FileStream"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
