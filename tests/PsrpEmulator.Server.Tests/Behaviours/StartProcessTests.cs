using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Start-Process in a remote session: the program runs as the computer's command line; its console is not the session's.</summary>
public class StartProcessTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        host.FileSystem!.CreateDirectory(@"C:\Users\tester\Documents");
        host.FileSystem.Write(@"C:\Users\tester\Documents\answers.txt", "yes\r\n"u8, FileWriteMode.Create);
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    private static string Text(RecordingHost host, string path) =>
        host.FileSystem!.Read(path, out var bytes) == FileSystemFailure.None ? Encoding.ASCII.GetString(bytes) : "<none>";

    [Test]
    public async Task Wait_and_PassThru_give_the_exit_code_and_the_redirections_keep_what_the_program_wrote()
    {
        var host = await RunAsync(
            "$p = Start-Process cmd.exe -ArgumentList '/c', 'echo out& echo err 1>&2& exit 3' -Wait -PassThru -RedirectStandardOutput out.txt -RedirectStandardError err.txt; " +
            "$p.ExitCode; $p.HasExited; $p.ProcessName; Start-Process cmd -ArgumentList '/c more' -Wait -RedirectStandardInput answers.txt -RedirectStandardOutput more.txt; " +
            "Start-Process cmd -ArgumentList '/c cd' -WorkingDirectory C:\\Windows -Wait -RedirectStandardOutput cd.txt");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "True", "cmd" }));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(Text(host, @"C:\Users\tester\Documents\out.txt"), Is.EqualTo("out\r\n"));
        Assert.That(Text(host, @"C:\Users\tester\Documents\err.txt"), Is.EqualTo("err \r\n"));
        Assert.That(Text(host, @"C:\Users\tester\Documents\more.txt"), Is.EqualTo("yes\r\n"));
        Assert.That(Text(host, @"C:\Users\tester\Documents\cd.txt"), Is.EqualTo("C:\\Windows\r\n"));
    }

    [Test]
    public async Task Without_Wait_the_program_runs_on_and_its_console_is_not_the_session_s()
    {
        var host = await RunAsync("$p = start ipconfig -PassThru -NoNewWindow; $p.HasExited; $null -eq $p.ExitCode; saps cmd '/c echo later > bg.txt'; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "True", "next" }), "ipconfig's lines are not the session's output");
        Assert.That(Text(host, @"C:\Users\tester\Documents\bg.txt"), Is.EqualTo("later \r\n"));
    }

    [Test]
    public async Task A_program_that_is_not_there_ends_the_statement_and_one_no_rule_answers_is_a_scenario_error()
    {
        var host = await RunAsync("Start-Process nosuch.exe; 'next'; Start-Process msiexec.exe -ArgumentList '/i app.msi /qn' -Wait; Start-Process");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message[..30])), Is.EqualTo(new[]
        {
            ("InvalidOperationException,Microsoft.PowerShell.Commands.StartProcessCommand", "This command cannot be run due"),
            ("PsrpEmulator.ScenarioError", "msiexec.exe is a command Windo"),
            ("MissingMandatoryParameter,Microsoft.PowerShell.Commands.StartProcessCommand", "Cannot process command because"),
        }));
    }
}
