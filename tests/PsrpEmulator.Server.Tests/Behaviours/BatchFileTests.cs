using System.Text;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Batch files on the computer's disk, run as cmd.exe runs them (Packer's windows-shell provisioner uploads and runs one).</summary>
public class BatchFileTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, string path, string content)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        disk.CreateDirectory(@"C:\Windows\Temp");
        disk.Write(path, Encoding.ASCII.GetBytes(content), FileWriteMode.Create);
        var host = FakeCommandLineHost.OnDisk(disk);
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [Test]
    public async Task A_batch_file_runs_its_lines_with_its_arguments_and_environment_and_exits_with_its_code()
    {
        var (host, code) = await RunAsync("set \"PACKER_BUILD_NAME=win\" && \"C:/Windows/Temp/script.bat\" first \"two words\"", @"C:\Windows\Temp\script.bat",
            "@echo off\r\nrem a comment\r\n:label\r\necho build %PACKER_BUILD_NAME% args %1 %2 all %*\r\nset STEP=2\r\necho step %STEP% in %~dp0 as %~nx0 100%%\r\n" +
            "type C:\\nope.txt\r\necho level %ERRORLEVEL%\r\nexit /b 7\r\necho never\r\n");

        Assert.That(host.Stdout, Is.EqualTo(
            "build win args first \"two words\" all first \"two words\"\r\n" +
            "step 2 in C:\\Windows\\Temp\\ as script.bat 100%\r\n" +
            "level 1\r\n"));
        Assert.That((host.Stderr, code), Is.EqualTo(("The system cannot find the file specified.\r\n", 7)));
    }

    /// <summary>With echo on (cmd's default), each line is echoed after a blank line and the prompt, as expanded; @ hides one.</summary>
    [Test]
    public async Task With_echo_on_each_line_is_echoed_after_the_prompt()
    {
        var (host, code) = await RunAsync("cmd /c run.cmd", @"C:\Users\psrp\run.cmd", "echo hello\r\n@echo quiet\r\nver\r\n");

        Assert.That((host.Stdout, code), Is.EqualTo(("\r\nC:\\Users\\psrp>echo hello\r\nhello\r\nquiet\r\n\r\nC:\\Users\\psrp>ver\r\n\r\nMicrosoft Windows [Version 10.0.17763.1]\r\n", 0)));
    }

    [Test]
    public async Task A_batch_file_that_is_not_there_is_not_recognized_and_if_for_goto_are_not_emulated()
    {
        var (missing, missingCode) = await RunAsync("nothere.bat", @"C:\Users\psrp\other.bat", "");
        var (host, code) = await RunAsync("call x.bat", @"C:\Users\psrp\x.bat", "@echo off\r\nif exist a echo b\r\necho after\r\ngoto :eof\r\necho never\r\n");

        Assert.That((missing.Stderr, missingCode), Is.EqualTo(("'nothere.bat' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 1)));
        Assert.That((host.Stdout, code), Is.EqualTo(("after\r\n", 0)));
        Assert.That(host.Stderr, Does.StartWith("if is a command Windows has that the emulator does not emulate as written"));
    }

    [Test]
    public async Task A_batch_file_calling_itself_is_stopped()
    {
        var (host, code) = await RunAsync("loop.bat", @"C:\Users\psrp\loop.bat", "@loop.bat\r\n");

        Assert.That(host.Stderr, Does.Contain("Batch files call each other too deeply in the emulator."));
        Assert.That(code, Is.EqualTo(1));
    }
}
