using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Windows' program files on a computer's disk (System32's cmd.exe, ipconfig.exe..., WindowsPowerShell\v1.0's
/// powershell.exe): there for scripts that test for them and run them by path, protected as TrustedInstaller's files
/// are, their bytes not held (reading them is the scenario error).
/// </summary>
public class SystemProgramFileTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, VirtualFileSystem? disk = null)
    {
        var host = new RecordingHost { FileSystem = disk ?? new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20), Automatic = RecordingHost.ServerAutomaticVariables() };
        host.Environment["SystemRoot"] = @"C:\Windows";
        host.Environment["windir"] = @"C:\Windows";
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        return (host, outcome);
    }

    [TestCase(@"Test-Path C:\Windows\System32\cmd.exe; Test-Path ""$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe""; Test-Path C:\Windows\System32\wbem\WMIC.exe; Test-Path C:\Windows\System32\nothere.exe", "True|True|True|False")]
    [TestCase(@"$f = Get-Item C:\Windows\System32\ipconfig.exe; $f.Length -gt 0; $f.LastWriteTime.Year; $f.Name", "True|2018|ipconfig.exe")]
    [TestCase(@"(Get-ChildItem C:\Windows\System32 -Filter *.exe | Where-Object Name -in 'cmd.exe', 'whoami.exe').Name", "cmd.exe|whoami.exe")]
    [TestCase(@"$c = Get-Command C:\Windows\System32\WHOAMI.EXE; $c.CommandType; $c.Name; $c.Source", @"Application|whoami.exe|C:\Windows\System32\whoami.exe")]
    public async Task Windows_program_files_are_on_the_disk(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase(@"C:\Windows\System32\whoami.exe", @"testhost01\tester")]
    [TestCase(@"& ""$env:windir\system32\WHOAMI.EXE""", @"testhost01\tester")]
    [TestCase(@"& 'C:\Windows\System32\whoami.exe'| ForEach-Object { $_.ToUpper() }", @"TESTHOST01\TESTER")]
    [TestCase(@"C:\Windows\System32\whoami | ForEach-Object Length", "17")]
    [TestCase(@"& C:\Windows\System32\cmd.exe /c echo hi; $LASTEXITCODE", "hi|0")]
    public async Task A_program_runs_by_its_path_as_by_its_name(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_path_where_Windows_has_no_program_is_still_CommandNotFound()
    {
        var (host, _) = await RunAsync(@"& 'C:\Windows\System32\nothere.exe'; 'next'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>
    /// The call operator's name ends at a pipe; with no name before it the script is the parser's MissingExpression (pwsh
    /// 7.6's parser: on the '&amp;'), nothing run, not a crash (a fuzzing find).
    /// </summary>
    [Test]
    public async Task A_call_operator_with_a_pipe_and_no_name_is_a_parse_error()
    {
        var (host, outcome) = await RunAsync("& | Sort-Object; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That((outcome.OutcomeError().FullyQualifiedErrorId, outcome.OutcomeError().Message), Is.EqualTo(("MissingExpression",
            "At line:1 char:1\r\n+ & | Sort-Object; 'next'\r\n+ ~\r\nMissing expression after '&' in pipeline element.")));
        Assert.That(host.OutputTexts, Is.Empty);
    }

    /// <summary>TrustedInstaller owns System32's programs: an administrator cannot write, move or remove them.</summary>
    [Test]
    public async Task Program_files_are_not_written_moved_or_removed()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20);
        var (host, _) = await RunAsync(
            @"Remove-Item C:\Windows\System32\cmd.exe; Set-Content C:\Windows\System32\cmd.exe x; Move-Item C:\Windows\System32\ping.exe C:\p.exe; " +
            @"Remove-Item C:\Windows\System32\WindowsPowerShell -Recurse; Test-Path C:\Windows\System32\cmd.exe; Test-Path C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", disk);

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            @"Access to the path 'C:\Windows\System32\cmd.exe' is denied.",
            @"Access to the path 'C:\Windows\System32\cmd.exe' is denied.",
            @"Access to the path 'C:\Windows\System32\ping.exe' is denied.",
            @"Access to the path 'C:\Windows\System32\WindowsPowerShell' is denied.",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "True" }));
        Assert.That(disk.Move(@"C:\Windows\System32\cmd.exe", @"C:\cmd.exe", overwrite: false), Is.EqualTo(FileSystemFailure.AccessDenied));
        Assert.That(disk.Write(@"C:\x.exe", [1], FileWriteMode.Create), Is.EqualTo(FileSystemFailure.None));
        Assert.That(disk.Move(@"C:\x.exe", @"C:\Windows\System32\cmd.exe", overwrite: true), Is.EqualTo(FileSystemFailure.AccessDenied));
    }

    [TestCase(@"Get-Content C:\Windows\System32\cmd.exe", @"Get-Content: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    [TestCase(@"[IO.File]::ReadAllBytes('C:\Windows\System32\cmd.exe')", @"ReadAllBytes: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    // Every reader of a file's bytes says so: none passes over the file as if it were empty or missing.
    [TestCase(@"Get-FileHash C:\Windows\System32\cmd.exe", @"Get-FileHash: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    [TestCase(@"Select-String -Path C:\Windows\System32\cmd.exe -Pattern MZ", @"Select-String: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    [TestCase(@"switch -File C:\Windows\System32\cmd.exe { default { $_ } }", @"switch -File: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    [TestCase(@"Compress-Archive C:\Windows\System32\cmd.exe C:\cmd.zip; Test-Path C:\cmd.zip", @"Compress-Archive: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    [TestCase(@"Expand-Archive C:\Windows\System32\cmd.exe C:\x", @"Expand-Archive: the content of C:\Windows\System32\cmd.exe (a program file of Windows) is not emulated: give the command a rule")]
    public async Task A_program_files_bytes_are_the_scenario_error(string statement, string message)
    {
        var (host, _) = await RunAsync(statement);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("PsrpEmulator.ScenarioError", message) }));
    }

    [Test]
    public async Task In_a_cmd_shell_dir_lists_them_and_del_is_denied()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20);
        async Task<(string Stdout, string Stderr, int Code)> Cmd(string line)
        {
            var host = FakeCommandLineHost.OnDisk(disk);
            var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);
            return (host.Stdout, host.Stderr, code);
        }

        var dir = await Cmd(@"dir /b C:\Windows\System32\who*.exe");
        var del = await Cmd(@"del C:\Windows\System32\whoami.exe");

        Assert.That(dir, Is.EqualTo(("whoami.exe\r\n", "", 0)));
        Assert.That(del, Is.EqualTo(("", "C:\\Windows\\System32\\whoami.exe\r\nAccess is denied.\r\n", 0)));
        Assert.That(disk.Get(@"C:\Windows\System32\whoami.exe"), Is.Not.Null);
    }

    [Test]
    public void The_programs_files_do_not_count_against_the_disks_capacity_and_each_is_a_program_scripts_run()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20);
        var used = disk.UsedBytes;

        foreach (var (path, length) in WindowsCommands.ProgramImages)
        {
            Assert.That(disk.Get(path), Is.Not.Null.And.Property("Length").EqualTo(length), path);
            Assert.That(WindowsCommands.ProgramOfPath(path) is { } file && WindowsCommands.IsProgram(file), Is.True, path);
        }

        Assert.That(used, Is.LessThan(4096), "only the hosts file and setup.log hold bytes");
    }
}
