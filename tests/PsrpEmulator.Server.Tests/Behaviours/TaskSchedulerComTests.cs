using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The Task Scheduler's COM API as Packer's and winrm-elevated's elevated wrappers drive it: a task registered from XML,
/// run at once as the computer's command line, Running then Ready, its exit code the LastTaskResult.
/// </summary>
public class TaskSchedulerComTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome, ScheduledTasks Tasks)> RunAsync(string script)
    {
        var tasks = new ScheduledTasks();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), ScheduledTasks = tasks };
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        // The script's Start-Sleep waits on the server's clock: move it on until the script ends.
        for (var i = 0; i < 2000 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        Assert.That(run.IsCompleted, Is.True, "the script did not end");
        return (host, await run, tasks);
    }

    private const string Register = """
        Set-Content C:\job.ps1 'Write-Output "ran"; exit 7'
        $s = New-Object -ComObject Schedule.Service
        $s.Connect()
        $t = $s.NewTask($null)
        $t.XmlText = @'
        <?xml version="1.0" encoding="UTF-16"?>
        <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
          <Principals><Principal id="Author"><UserId>tester</UserId><LogonType>Password</LogonType><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
          <Actions Context="Author"><Exec><Command>cmd</Command><Arguments>/c powershell.exe -NonInteractive -File C:\job.ps1 &gt; C:\job.log 2&gt;&amp;1</Arguments></Exec></Actions>
        </Task>
        '@
        $f = $s.GetFolder("\")
        $f.RegisterTaskDefinition('Elevated', $t, 6, 'tester', 'secret', 1, $null) | Out-Null

        """;

    [Test]
    public async Task A_task_registered_from_XML_runs_its_action_and_reports_Running_then_Ready_and_its_exit_code()
    {
        var (host, outcome, tasks) = await RunAsync(Register + """
            $r = $f.GetTask("\Elevated")
            $r.State; $r.LastTaskResult
            $r.Run($null) | Out-Null
            $r.State; $r.LastTaskResult
            Get-Content C:\job.log
            $sec = 0; while (!($r.State -eq 3) -and $sec -lt 10) { Start-Sleep -Milliseconds 100; $sec++ }
            $r.State; $r.LastTaskResult
            (Get-ScheduledTask -TaskName Elevated).Principal.RunLevel
            [System.Runtime.Interopservices.Marshal]::ReleaseComObject($s)
            """);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "267011", "4", "267009", "ran", "3", "7", "Highest", "0" }));
        Assert.That(tasks.Find("Elevated")!.Actions.Single().Execute, Is.EqualTo("cmd"));
    }

    /// <summary>winrm-elevated's newest wrapper finds the task's powershell.exe in Win32_Process and waits for it to exit.</summary>
    [Test]
    public async Task A_running_task_s_program_is_a_process_until_it_has_exited()
    {
        var (host, outcome, _) = await RunAsync(Register + """
            $r = $f.GetTask("\Elevated")
            @(Get-WmiObject -Class Win32_Process -Filter "name = 'powershell.exe' and CommandLine like '%job.ps1%'").Count
            $r.Run($null) | Out-Null
            $p = Get-WmiObject -Class Win32_Process -Filter "name = 'powershell.exe' and CommandLine like '%job.ps1%'"
            $p.CommandLine
            $w = Get-Process -Id $p.ProcessId -ErrorAction SilentlyContinue
            $w.HasExited
            $n = 0; do { Start-Sleep -Milliseconds 100; $n++ } while ($w -ne $null -and !$w.HasExited -and $n -lt 100)
            $w.HasExited; $r.LastTaskResult
            @(Get-Process -Id $p.ProcessId -ErrorAction SilentlyContinue).Count
            """);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "powershell.exe -NonInteractive -File C:\\job.ps1", "False", "True", "7", "0" }));
    }

    [Test]
    public async Task A_task_that_exists_is_refused_without_the_update_flag_and_a_missing_one_is_not_found()
    {
        var (host, _, _) = await RunAsync(Register + """
            try { $f.RegisterTaskDefinition('Elevated', $t, 2, 'tester', 'secret', 1, $null) } catch { "$_" }
            try { $f.GetTask('\Nope') } catch { "$_" }
            $f.DeleteTask('Elevated', 0)
            try { $f.GetTask('Elevated') } catch { $_.FullyQualifiedErrorId }
            New-Object -ComObject Shell.Application
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Exception calling \"RegisterTaskDefinition\" with \"7\" argument(s): \"Cannot create a file when that file already exists. (Exception from HRESULT: 0x800700B7)\"",
            "Exception calling \"GetTask\" with \"1\" argument(s): \"The system cannot find the file specified. (Exception from HRESULT: 0x80070002)\"",
            "COMException",
        }));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }
}
