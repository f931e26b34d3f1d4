using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// PowerShell script files on the computer's disk: run by a script (<c>&amp; C:\deploy\setup.ps1</c>, <c>.\x.ps1</c>,
/// dot-sourced) as PowerShell runs an ExternalScriptInfo, and by <c>powershell.exe -File</c> on a cmd line.
/// </summary>
public class ScriptFileTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string Setup =
        "<#\r\n.SYNOPSIS\r\nSets things up.\r\n#>\r\n[CmdletBinding()]\r\nparam(\r\n  [string]$Name = 'nobody', # who\r\n  [int]$Count = 1,\r\n  [switch]$Force\r\n)\r\n" +
        "for ($i = 0; $i -lt $Count; $i++) { \"setting up $Name\" }\r\nif ($Force) { 'forced' }\r\n\"root $PSScriptRoot file $PSCommandPath\"\r\nexit 3\r\n'never'\r\n";

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        // A host UI: an exit that reached the host would show as a SetShouldExit call.
        var host = new RecordingHost { Runspace = new RunspaceState(time), HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null, null) };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        host.FileSystem!.CreateDirectory(@"C:\Users\tester\Documents\deploy");
        host.FileSystem.CreateDirectory(@"C:\Users\tester\Documents\my scripts");
        host.FileSystem.Write(@"C:\Users\tester\Documents\deploy\setup.ps1", Encoding.ASCII.GetBytes(Setup), FileWriteMode.Create);
        host.FileSystem.Write(@"C:\Users\tester\Documents\my scripts\helpers.ps1", "function Get-Greeting($who) { \"hello $who\" }\r\n$helperLoaded = $true\r\n"u8, FileWriteMode.Create);
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task A_script_file_runs_with_its_parameters_and_its_exit_ends_only_the_file()
    {
        var host = await RunAsync("& .\\deploy\\setup.ps1 -Name Bob -Count 2 -Force; $LASTEXITCODE; .\\deploy\\setup.ps1 Ann; 'after'; \"[$PSScriptRoot]\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "setting up Bob", "setting up Bob", "forced", @"root C:\Users\tester\Documents\deploy file C:\Users\tester\Documents\deploy\setup.ps1", "3",
            "setting up Ann", @"root C:\Users\tester\Documents\deploy file C:\Users\tester\Documents\deploy\setup.ps1", "after", "[]",
        }));
        Assert.That(host.HostCalls.Select(c => c.MethodId), Does.Not.Contain(RemoteHostMethodId.SetShouldExit), "a script file's exit is not the host's");
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task Outside_a_script_file_PSScriptRoot_and_PSCommandPath_are_empty_strings()
    {
        var host = await RunAsync("$null -eq $PSScriptRoot; $PSScriptRoot -eq ''; $PSCommandPath.GetType().Name; function f { $null -eq $PSCommandPath }; f; Join-Path $PSScriptRoot x");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "True", "String", "False" }));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("ParameterArgumentValidationErrorEmptyStringNotAllowed,Microsoft.PowerShell.Commands.JoinPathCommand"));
    }

    [Test]
    public async Task A_script_file_s_MyInvocation_names_the_file_and_its_functions_keep_its_PSScriptRoot()
    {
        var host = await RunAsync(
            "Set-Content C:\\Users\\tester\\Documents\\deploy\\who.ps1 -Value 'param($x) \"$($MyInvocation.MyCommand.Name) $($MyInvocation.MyCommand.CommandType) $(Split-Path $MyInvocation.MyCommand.Path) $x\"'; " +
            "& C:\\Users\\tester\\Documents\\deploy\\who.ps1 -x 5; " +
            "Set-Content C:\\Users\\tester\\Documents\\deploy\\lib.ps1 -Value 'function Get-Root { \"from $PSScriptRoot\" }; $MyInvocation.MyCommand.Name'; " +
            ". C:\\Users\\tester\\Documents\\deploy\\lib.ps1; Get-Root; \"[$PSScriptRoot]\"");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"who.ps1 ExternalScript C:\Users\tester\Documents\deploy 5", "lib.ps1", @"from C:\Users\tester\Documents\deploy", "[]" }));
    }

    [Test]
    public async Task A_dot_sourced_file_leaves_its_functions_and_variables_in_the_caller_s_scope()
    {
        var host = await RunAsync(". 'C:\\Users\\tester\\Documents\\my scripts\\helpers.ps1'; Get-Greeting world; $helperLoaded; & \"$env:USERPROFILE\\Documents\\my scripts\\helpers.ps1\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "hello world", "True" }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_file_dot_sourced_with_arguments_binds_them_and_keeps_its_functions_and_variables_in_the_caller_s_scope()
    {
        // PowerShell 7.6.9 prints the same for a file of this text dot-sourced with an argument.
        var host = await RunAsync("Set-Content lib.ps1 'param($Prefix) function Get-Tagged($x) { \"$Prefix-$x\" }; $libLoaded = $true'; . .\\lib.ps1 -Prefix v1; Get-Tagged 7; $libLoaded; $Prefix");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "v1-7", "True", "v1" }));
        Assert.That(host.Errors, Is.Empty);
    }

    [TestCase(".\\deploy\\missing.ps1")]
    [TestCase("setup.ps1")]
    public async Task A_script_file_that_is_not_there_or_has_no_folder_is_an_unknown_command(string call)
    {
        var host = await RunAsync(call);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message[..12])), Is.EqualTo(new[] { ("CommandNotFoundException", "The term '" + call[..2]) }));
    }

    [Test]
    public async Task Powershell_exe_File_binds_its_arguments_and_exits_with_the_script_s_code()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.Write(@"C:\Users\psrp\setup.ps1", Encoding.ASCII.GetBytes(Setup), FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\fails.ps1", "'before'; Get-Item C:\\nope\r\n"u8, FileWriteMode.Create);
        disk.Write(@"C:\Users\psrp\notes.txt", "x"u8, FileWriteMode.Create);
        async Task<(string Stdout, string Stderr, int Code)> Run(string line)
        {
            var host = FakeCommandLineHost.OnDisk(disk);
            var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
            return (host.Stdout, host.Stderr, code);
        }

        var setup = await Run("powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Users\\psrp\\setup.ps1 -Name \"Bob Smith\" -Force");
        var fails = await Run("powershell -File fails.ps1");
        var missing = await Run("powershell -File nope.ps1");
        var notScript = await Run("powershell -File notes.txt");

        Assert.That(setup, Is.EqualTo(("setting up Bob Smith\r\nforced\r\nroot C:\\Users\\psrp file C:\\Users\\psrp\\setup.ps1\r\n", "", 3)));
        Assert.That((fails.Stdout, fails.Stderr.StartsWith("#< CLIXML", StringComparison.Ordinal), fails.Code), Is.EqualTo(("before\r\n", true, 0)), "-File's exit code is not $?'s");
        Assert.That(missing, Is.EqualTo(("", "The argument 'nope.ps1' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\r\n", -196608)));
        Assert.That(notScript, Is.EqualTo(("", "Processing -File 'notes.txt' failed because the file does not have a '.ps1' extension. Specify a valid Windows PowerShell script file name, and then try again.\r\n", -196608)));
    }
}
