using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's scheduled tasks as provisioning scripts make them (a task that runs a script at startup): the
/// ScheduledTasks cmdlets and schtasks over one library, so a task one registers the other sees.
/// </summary>
public class ScheduledTaskTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string RegisterDeploy =
        "$a = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument '-File C:\\deploy\\run.ps1'; $t = New-ScheduledTaskTrigger -AtStartup; " +
        "$p = New-ScheduledTaskPrincipal -UserId SYSTEM -LogonType ServiceAccount -RunLevel Highest; ";

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, ScheduledTasks tasks, FakeTimeProvider? time = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), ScheduledTasks = tasks };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time ?? new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script, ScheduledTasks tasks, FakeTimeProvider? time = null)
    {
        var (host, outcome) = await RunAsync(script, tasks, time);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return string.Join("|", host.OutputTexts);
    }

    private static async Task<(string Stdout, string Stderr, int ExitCode)> SchtasksAsync(string line, ScheduledTasks tasks)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, ScheduledTasks = tasks, Facts = new Dictionary<string, string> { ["computername"] = "SERVER01" } };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)), CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    [Test]
    public async Task A_registered_task_keeps_its_action_trigger_and_principal_and_is_in_the_modules_table()
    {
        var tasks = new ScheduledTasks();

        var registered = await OutputOfAsync(RegisterDeploy + "Register-ScheduledTask -TaskName Deploy -Action $a -Trigger $t -Principal $p | Out-String", tasks);
        var read = await OutputOfAsync(
            "$task = Get-ScheduledTask -TaskName Deploy; $task.State; $task.Actions.Execute; $task.Actions.Arguments; $task.Principal.UserId; $task.Principal.RunLevel; " +
            "$task.Triggers[0].PSObject.TypeNames[0]; $task.URI", tasks);

        Assert.That(registered, Is.EqualTo(
            "\r\nTaskPath                                       TaskName                          State" + new string(' ', 34) + "\r\n" +
            "--------                                       --------                          -----" + new string(' ', 34) + "\r\n" +
            "\\                                              Deploy                            Ready" + new string(' ', 34) + "\r\n\r\n\r\n"));
        Assert.That(read, Is.EqualTo(
            "Ready|powershell.exe|-File C:\\deploy\\run.ps1|SYSTEM|Highest|Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/MSFT_TaskBootTrigger|\\Deploy"));
    }

    /// <summary>
    /// The settings a task is registered with are its Settings (ExecutionTimeLimit as the XML duration, PT72H by
    /// default), and Get-ScheduledTaskInfo's NextRunTime is its daily trigger's next time.
    /// </summary>
    [Test]
    public async Task A_tasks_settings_are_kept_and_its_next_run_is_its_triggers_next_time()
    {
        var tasks = new ScheduledTasks();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));

        var output = await OutputOfAsync(
            "$a = New-ScheduledTaskAction -Execute cmd.exe -Argument '/c echo hi'; $t = New-ScheduledTaskTrigger -Daily -At 3am; " +
            "$s = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 2) -StartWhenAvailable -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 5) -MultipleInstances parallel; " +
            "Register-ScheduledTask -TaskName Nightly -Action $a -Trigger $t -Settings $s | Out-Null; $x = Get-ScheduledTask Nightly; " +
            "$x.Settings.ExecutionTimeLimit; $x.Settings.StartWhenAvailable; $x.Settings.RestartCount; $x.Settings.RestartInterval; $x.Settings.MultipleInstances; " +
            "(Get-ScheduledTaskInfo Nightly).NextRunTime.ToString('yyyy-MM-dd HH:mm'); " +
            "Register-ScheduledTask -TaskName Plain -Action $a -Trigger (New-ScheduledTaskTrigger -AtStartup) | Out-Null; (Get-ScheduledTask Plain).Settings.ExecutionTimeLimit; $null -eq (Get-ScheduledTaskInfo Plain).NextRunTime",
            tasks, time);

        Assert.That(output, Is.EqualTo("PT2H|True|3|PT5M|Parallel|2026-12-02 03:00|PT72H|True"));
    }

    /// <summary>
    /// Export-ScheduledTask prints the task's definition as the Task Scheduler's XML (SYSTEM by its SID, the settings in
    /// Windows' export order), and Register-ScheduledTask -Xml registers that definition under another name, as scripts
    /// copy a task from one server to another.
    /// </summary>
    [Test]
    public async Task Export_ScheduledTask_prints_the_tasks_XML_which_Register_ScheduledTask_Xml_registers_again()
    {
        var tasks = new ScheduledTasks();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));

        var output = await OutputOfAsync(
            "$a = New-ScheduledTaskAction -Execute powershell.exe -Argument '-File C:\\jobs\\sync.ps1' -WorkingDirectory C:\\jobs; $t = New-ScheduledTaskTrigger -Daily -At 3am; " +
            "$p = New-ScheduledTaskPrincipal -UserId SYSTEM -LogonType ServiceAccount -RunLevel Highest; " +
            "$s = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 2) -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 5); " +
            "Register-ScheduledTask -TaskName Sync -TaskPath \\Ops -Description 'Nightly sync' -Action $a -Trigger $t -Principal $p -Settings $s | Out-Null; " +
            "$xml = Export-ScheduledTask -TaskName Sync -TaskPath \\Ops\\; $xml; " +
            "Register-ScheduledTask -Xml $xml -TaskName Copy | Out-Null; $c = Get-ScheduledTask Copy; " +
            "$c.TaskPath; $c.Description; $c.Principal.UserId; $c.Principal.RunLevel; $c.Actions[0].Execute; $c.Actions[0].Arguments; $c.Triggers[0].StartBoundary; " +
            "$c.Settings.ExecutionTimeLimit; $c.Settings.RestartCount; (Get-ScheduledTask Sync | Export-ScheduledTask) -eq ($c | Export-ScheduledTask).Replace('\\Copy', '\\Ops\\Sync')",
            tasks, time);

        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            """
            <?xml version="1.0" encoding="UTF-16"?>
            <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
              <RegistrationInfo>
                <Description>Nightly sync</Description>
                <URI>\Ops\Sync</URI>
              </RegistrationInfo>
              <Triggers>
                <CalendarTrigger>
                  <StartBoundary>2026-12-01T03:00:00</StartBoundary>
                  <Enabled>true</Enabled>
                  <ScheduleByDay>
                    <DaysInterval>1</DaysInterval>
                  </ScheduleByDay>
                </CalendarTrigger>
              </Triggers>
              <Principals>
                <Principal id="Author">
                  <UserId>S-1-5-18</UserId>
                  <RunLevel>HighestAvailable</RunLevel>
                </Principal>
              </Principals>
              <Settings>
                <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
                <DisallowStartIfOnBatteries>true</DisallowStartIfOnBatteries>
                <StopIfGoingOnBatteries>true</StopIfGoingOnBatteries>
                <AllowHardTerminate>true</AllowHardTerminate>
                <StartWhenAvailable>false</StartWhenAvailable>
                <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
                <IdleSettings>
                  <Duration>PT10M</Duration>
                  <WaitTimeout>PT1H</WaitTimeout>
                  <StopOnIdleEnd>true</StopOnIdleEnd>
                  <RestartOnIdle>false</RestartOnIdle>
                </IdleSettings>
                <AllowStartOnDemand>true</AllowStartOnDemand>
                <Enabled>true</Enabled>
                <Hidden>false</Hidden>
                <RunOnlyIfIdle>false</RunOnlyIfIdle>
                <WakeToRun>false</WakeToRun>
                <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
                <Priority>7</Priority>
                <RestartOnFailure>
                  <Interval>PT5M</Interval>
                  <Count>3</Count>
                </RestartOnFailure>
              </Settings>
              <Actions Context="Author">
                <Exec>
                  <Command>powershell.exe</Command>
                  <Arguments>-File C:\jobs\sync.ps1</Arguments>
                  <WorkingDirectory>C:\jobs</WorkingDirectory>
                </Exec>
              </Actions>
            </Task>
            """.ReplaceLineEndings("\r\n"),
            "\\", "Nightly sync", "SYSTEM", "Highest", "powershell.exe", "-File C:\\jobs\\sync.ps1", "2026-12-01T03:00:00", "PT2H", "3", "True",
        }));
    }

    /// <summary>
    /// schtasks /query /tn X /xml prints the task's XML (a local user by SID, with the logon type), which schtasks /create
    /// /xml FILE registers under another name; a file that is not there is schtasks' not-found error.
    /// </summary>
    [Test]
    public async Task Schtasks_query_xml_prints_the_definition_and_create_xml_registers_it_from_a_file()
    {
        var tasks = new ScheduledTasks();
        var host = new RecordingHost { Runspace = new RunspaceState(), ScheduledTasks = tasks, LocalAccounts = new LocalAccounts("SERVER01", ["psrp"]) };

        await Default.Resolve(Behaviour.Script(
            "Register-ScheduledTask -TaskName Cleanup -Action (New-ScheduledTaskAction -Execute cmd.exe -Argument '/c del C:\\temp\\*.tmp') -Trigger (New-ScheduledTaskTrigger -AtStartup) -User psrp | Out-Null; " +
            "$x = schtasks /query /tn Cleanup /xml; ($x | Select-String UserId, LogonType, BootTrigger | ForEach-Object { $_.Line.Trim() }) -join ' '; " +
            "schtasks /query /tn Cleanup /xml > C:\\cleanup.xml; schtasks /create /tn \\Ops\\Cleanup2 /xml C:\\cleanup.xml; $LASTEXITCODE; " +
            "$c = Get-ScheduledTask Cleanup2; $c.TaskPath; $c.Principal.UserId; $c.Principal.LogonType; $c.Actions[0].Arguments; [string]$c.Triggers[0]; " +
            "schtasks /create /tn Nope /xml C:\\nope.xml 2>&1 | ForEach-Object { \"$_\" }; $LASTEXITCODE")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "<BootTrigger> </BootTrigger> <UserId>S-1-5-21-1937675791-2848596120-3733651625-1000</UserId> <LogonType>InteractiveToken</LogonType>",
            "SUCCESS: The scheduled task \"Cleanup2\" has successfully been created.", "0",
            "\\Ops\\", "psrp", "Interactive", "/c del C:\\temp\\*.tmp", "MSFT_TaskBootTrigger",
            "ERROR: The system cannot find the file specified.", "1",
        }));
    }

    /// <summary>A definition that is not a task's XML is the Task Scheduler's malformed-XML error; a name no task has is the cmdletization's not-found.</summary>
    [Test]
    public async Task Register_ScheduledTask_Xml_of_bad_XML_and_Export_of_a_missing_task_are_the_modules_errors()
    {
        var (host, _) = await RunAsync("Register-ScheduledTask -Xml '<Task><oops' -TaskName Bad; Export-ScheduledTask -TaskName Nope; (Get-ScheduledTask | Where-Object TaskName -eq Bad).Count", new ScheduledTasks());

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "HRESULT 0x8004131a,Register-ScheduledTask", "CmdletizationQuery_NotFound_TaskName,Export-ScheduledTask" }));
        Assert.That(host.Errors[0].Message, Does.StartWith("The task XML is malformed.\r\n(1,"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public async Task Disabling_starting_and_unregistering_change_the_library_and_piped_tasks_are_their_input()
    {
        var tasks = new ScheduledTasks();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));

        var output = await OutputOfAsync(RegisterDeploy + "Register-ScheduledTask Deploy -Action $a -Trigger $t -User SYSTEM -RunLevel Highest | Out-Null; " +
            "(Get-ScheduledTaskInfo -TaskName Deploy).LastTaskResult; Get-ScheduledTask Deploy | Disable-ScheduledTask | ForEach-Object State; " +
            "(Enable-ScheduledTask -TaskName Deploy).State; Start-ScheduledTask -TaskName Deploy; $info = Get-ScheduledTask Deploy | Get-ScheduledTaskInfo; " +
            "$info.LastTaskResult; $info.LastRunTime.ToString('o'); Get-ScheduledTask Deploy | Unregister-ScheduledTask -Confirm:$false; @(Get-ScheduledTask -TaskName Dep*).Count", tasks, time);

        // The action ran: powershell.exe -File of a script that is not there exits 0xFFFD0000, the result Windows' Task
        // Scheduler shows for such a task.
        Assert.That(output, Is.EqualTo("267011|Disabled|Ready|4294770688|2026-12-01T08:30:00.0000000+00:00|0"));
        Assert.That(tasks.Find("Deploy"), Is.Null);
    }

    [Test]
    public async Task Start_ScheduledTask_runs_the_action_now_and_the_task_is_Running_for_a_moment()
    {
        var tasks = new ScheduledTasks();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));

        var output = await OutputOfAsync(
            "Set-Content C:\\job.ps1 'Set-Content C:\\done.txt \"as $env:USERNAME\"; exit 2'; " +
            "$a = New-ScheduledTaskAction -Execute powershell.exe -Argument '-NoProfile -File C:\\job.ps1'; " +
            "Register-ScheduledTask Job -Action $a -User SYSTEM | Out-Null; Start-ScheduledTask -TaskName Job; " +
            "(Get-ScheduledTask Job).State; Get-Content C:\\done.txt; (Get-ScheduledTaskInfo -TaskName Job).LastTaskResult; ", tasks, time);

        Assert.That(output, Does.StartWith("Running|as "));
        Assert.That(output, Does.EndWith("|2"), "the script's exit code");
    }

    // ConfirmImpact High: without -Confirm:$false Windows asks, which a client without a host UI cannot answer.
    [Test]
    public async Task Unregistering_without_Confirm_false_for_a_client_without_a_host_UI_fails_and_keeps_the_task()
    {
        var tasks = new ScheduledTasks();

        var (host, _) = await RunAsync(RegisterDeploy + "Register-ScheduledTask Deploy -Action $a | Out-Null; Unregister-ScheduledTask -TaskName Deploy; 'next'", tasks);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[] { ("HostFunctionNotImplemented", ErrorCategory.NotImplemented) }));
        Assert.That(host.Errors[0].Message, Does.EndWith("Are you sure you want to perform this action?\r\nPerforming the operation \"Delete\" on target \"MSFT_ScheduledTask (TaskName = \"Deploy\", TaskPath = \"\\\")\"."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(tasks.Find("Deploy"), Is.Not.Null);
    }

    [TestCase("Unregister-ScheduledTask -TaskName Deploy, Backup", new[] { 2, 0 }, 2, "Deploy")]
    [TestCase("Unregister-ScheduledTask -TaskName Deploy, Backup", new[] { 1 }, 1, "")]
    [TestCase("Unregister-ScheduledTask -TaskName Deploy, Backup", new[] { 3 }, 1, "Backup|Deploy")]
    [TestCase("$ConfirmPreference = 'None'; Unregister-ScheduledTask -TaskName Deploy, Backup", new int[0], 0, "")]
    [TestCase("$ConfirmPreference = 'None'; Unregister-ScheduledTask -TaskName Deploy -Confirm", new[] { 2 }, 1, "Backup|Deploy")]
    [TestCase("Get-ScheduledTask -TaskName Deploy | Unregister-ScheduledTask -Confirm:$false", new int[0], 0, "Backup")]
    public async Task Unregistering_asks_the_host_for_each_task_unless_told_not_to(string statement, int[] answers, int prompts, string left)
    {
        var tasks = new ScheduledTasks();
        var next = 0;
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(), ScheduledTasks = tasks,
            HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(answers[next++]) : null),
        };

        await Default.Resolve(Behaviour.Script(RegisterDeploy + "Register-ScheduledTask Deploy -Action $a | Out-Null; Register-ScheduledTask Backup -Action $a | Out-Null; " + statement))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.HostCalls.Count(c => c.MethodId == RemoteHostMethodId.PromptForChoice), Is.EqualTo(prompts));
        Assert.That(string.Join("|", tasks.All().Where(t => t.Name is "Deploy" or "Backup").Select(t => t.Name).Order(StringComparer.Ordinal)), Is.EqualTo(left));
    }

    [Test]
    public async Task A_task_name_taken_or_missing_is_the_modules_error()
    {
        var tasks = new ScheduledTasks();

        var (host, _) = await RunAsync(RegisterDeploy + "Register-ScheduledTask Deploy -Action $a | Out-Null; Register-ScheduledTask Deploy -Action $a; " +
            "Register-ScheduledTask Deploy -Action $a -Trigger $t -Force | ForEach-Object { $_.Triggers.Count }; Get-ScheduledTask -TaskName Nope; Get-ScheduledTask -TaskPath \\Nope\\; Get-ScheduledTask -TaskPath \\No*; 'went on'", tasks);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)), Is.EqualTo(new[]
        {
            ("HRESULT 0x800700b7,Register-ScheduledTask", ErrorCategory.ResourceExists, "Cannot create a file when that file already exists."),
            ("CmdletizationQuery_NotFound_TaskName,Get-ScheduledTask", ErrorCategory.ObjectNotFound,
                "No MSFT_ScheduledTask objects found with property 'TaskName' equal to 'Nope'.  Verify the value of the property and retry."),
            ("CmdletizationQuery_NotFound_TaskPath,Get-ScheduledTask", ErrorCategory.ObjectNotFound,
                "No MSFT_ScheduledTask objects found with property 'TaskPath' equal to '\\Nope\\'.  Verify the value of the property and retry."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "went on" }));
    }

    [Test]
    public async Task A_daily_trigger_at_a_time_alone_starts_today_on_the_computers_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

        Assert.That(await OutputOfAsync("(New-ScheduledTaskTrigger -Daily -At 3am).StartBoundary; (New-ScheduledTaskTrigger -Once -At '2026-12-24 18:30').StartBoundary", new ScheduledTasks(), time),
            Is.EqualTo("2026-12-01T03:00:00|2026-12-24T18:30:00"));
    }

    [Test]
    public async Task Schtasks_creates_a_task_the_cmdlets_see_and_queries_changes_runs_and_deletes_it()
    {
        var tasks = new ScheduledTasks();

        var missing = await SchtasksAsync("schtasks /query /tn Deploy", tasks);
        var create = await SchtasksAsync("schtasks /create /tn Deploy /tr \"powershell.exe -File C:\\run.ps1\" /sc onstart /ru SYSTEM /rl HIGHEST /f", tasks);
        var query = await SchtasksAsync("schtasks /query /tn Deploy", tasks);
        var seen = await OutputOfAsync("$t = Get-ScheduledTask Deploy; $t.Actions.Execute; $t.Actions.Arguments; $t.Principal.RunLevel", tasks);
        var disable = await SchtasksAsync("schtasks /change /tn Deploy /disable", tasks);
        var run = await SchtasksAsync("schtasks /run /tn Deploy", tasks);
        var delete = await SchtasksAsync("schtasks /delete /tn Deploy /f", tasks);

        Assert.That(missing, Is.EqualTo((string.Empty, "ERROR: The system cannot find the file specified.\r\n", 1)));
        Assert.That(create, Is.EqualTo(("SUCCESS: The scheduled task \"Deploy\" has successfully been created.\r\n", string.Empty, 0)));
        Assert.That(query.Stdout, Is.EqualTo(
            "\r\nFolder: \\\r\nTaskName                                 Next Run Time          Status         \r\n" +
            "======================================== ====================== ===============\r\n" +
            "Deploy                                   N/A                    Ready          \r\n"));
        Assert.That(seen, Is.EqualTo("powershell.exe|-File C:\\run.ps1|Highest"));
        Assert.That(disable.Stdout, Is.EqualTo("SUCCESS: The parameters of scheduled task \"Deploy\" have been changed.\r\n"));
        Assert.That(run.Stdout, Is.EqualTo("SUCCESS: Attempted to run the scheduled task \"Deploy\".\r\n"));
        Assert.That(delete.Stdout, Is.EqualTo("SUCCESS: The scheduled task \"Deploy\" was successfully deleted.\r\n"));
        Assert.That(tasks.Find("Deploy"), Is.Null);
    }

    /// <summary>
    /// schtasks /run runs the task's action now, as Start-ScheduledTask does: what it writes goes where its own
    /// redirections say (not to schtasks' output), its exit code is the task's last result, and it is Running for a second.
    /// </summary>
    [Test]
    public async Task Schtasks_run_runs_the_tasks_action_and_records_its_result()
    {
        var tasks = new ScheduledTasks();
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        async Task<(string Stdout, int Code)> RunAsync(string line)
        {
            var host = new FakeCommandLineHost
            {
                Encoding = System.Text.Encoding.ASCII, FileSystem = disk, ScheduledTasks = tasks,
                Facts = new Dictionary<string, string> { ["cd"] = @"C:\" },
            };
            var code = await Default.ResolveCommandLine(line).RunAsync(host, time, CancellationToken.None);
            return (host.Stdout, code);
        }

        await RunAsync("schtasks /create /f /sc once /st 00:00:00 /tn install /ru SYSTEM /tr \"cmd /c echo installing> C:\\install.log & exit 3\"");
        var run = await RunAsync("schtasks /run /tn install");
        disk.Read(@"C:\install.log", out var log);
        var running = (tasks.Find("install")!.LastTaskResult, tasks.Find("install")!.RunningUntil > time.GetUtcNow());

        Assert.That(run, Is.EqualTo(("SUCCESS: Attempted to run the scheduled task \"install\".\r\n", 0)), "the action's output is not schtasks'");
        Assert.That(System.Text.Encoding.ASCII.GetString(log), Is.EqualTo("installing \r\n"), "echo keeps the blank before the &");
        Assert.That(running, Is.EqualTo((3, true)), "its exit code is the task's last result; it shows as Running for a second");
    }

    [Test]
    public async Task Schtasks_create_without_a_schedule_is_its_syntax_error()
    {
        var result = await SchtasksAsync("schtasks /create /tn X /tr cmd.exe", new ScheduledTasks());

        Assert.That(result, Is.EqualTo((string.Empty, "ERROR: Invalid syntax. Mandatory option 'sc' is missing.\r\nType \"SCHTASKS /CREATE /?\" for usage.\r\n", 1)));
    }

    /// <summary>InSpec's windows_task: <c>schtasks /query /v /fo csv /tn NAME | ConvertFrom-Csv</c>, a row per trigger.</summary>
    [Test]
    public async Task Schtasks_query_verbose_as_csv_gives_every_field_of_a_row_per_trigger()
    {
        var tasks = new ScheduledTasks();
        await SchtasksAsync("schtasks /create /tn Deploy /tr \"powershell.exe -File C:\\run.ps1\" /sc onstart /ru SYSTEM /f", tasks);

        var verbose = await SchtasksAsync("schtasks /query /v /fo csv /tn Deploy", tasks);
        var brief = await SchtasksAsync("schtasks /query /fo csv /nh", tasks);
        var table = await SchtasksAsync("schtasks /query /v", tasks);

        var lines = verbose.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith("\"HostName\",\"TaskName\",\"Next Run Time\",\"Status\",\"Logon Mode\",\"Last Run Time\",\"Last Result\",\"Author\",\"Task To Run\""));
        Assert.That(lines[1], Does.StartWith("\"SERVER01\",\"\\Deploy\",\"N/A\",\"Ready\",\"Interactive/Background\",\"11/30/1999 12:00:00 AM\",\"267011\",\"N/A\",\"powershell.exe -File C:\\run.ps1\",\"N/A\""));
        Assert.That(lines[1], Does.Contain("\"SYSTEM\",\"Disabled\",\"72:00:00\",\"Scheduling data is not available in this format.\",\"At system start up\""));
        Assert.That(brief.Stdout, Does.StartWith("\"\\Deploy\",\"N/A\",\"Ready\"\r\n"), "/nh: no header");
        Assert.That(table.Stderr, Does.Contain("schtasks is a command Windows has that the emulator does not emulate"), "/v as a table is not emulated");
    }
}
