using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Get-Process with its parameters, Stop-Process and Wait-Process over the processes the computer lists, as scripts
/// check whether a program runs and stop it: names with wildcards, ids, piped processes, and ProcessBaseCommand's errors.
/// </summary>
public class ProcessCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly Func<string, PsValue?> Automatic = RecordingHost.ServerAutomaticVariables();

    private static RecordingHost NewHost(TimeProvider? clock = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(clock), Automatic = Automatic, HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null) };
        host.Environment["COMPUTERNAME"] = "SERVER01";
        host.Environment["USERDOMAIN"] = "SERVER01";
        host.Environment["USERNAME"] = "psrp";
        return host;
    }

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, FakeTimeProvider? time = null)
    {
        var host = NewHost();
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time ?? new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script)
    {
        var (host, outcome) = await RunAsync(script);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("Get-Process | % Name", "csrss|csrss|dwm|fontdrvhost|fontdrvhost|Idle|LogonUI|lsass|msdtc|MsMpEng|NisSrv|Registry|services|SgrmBroker|smss|svchost|svchost|System|wininit|winlogon|WmiPrvSE|wsmprovhost")]
    [TestCase("Get-Process -Name svchost | % Id", "1868|2500")]
    [TestCase("Get-Process sys*, svc* | % Name", "svchost|svchost|System")]
    [TestCase("gps -Name W*, SVCHOST, *host | % Name", "fontdrvhost|fontdrvhost|svchost|svchost|wininit|winlogon|WmiPrvSE|wsmprovhost")]
    [TestCase("Get-Process csrss | % { '{0} {1} [{2}]' -f $_.Id, $_.SI, $_.Path }", "404 0 []|488 1 []")]
    // Defender's antimalware-protected services' processes hide their module as Windows' protected processes do.
    [TestCase("Get-Process MsMpEng, NisSrv | % { '{0} [{1}] [{2}]' -f $_.Name, $_.Path, $_.Company }; (Get-Process lsass).Path", "MsMpEng [] []|NisSrv [] []|C:\\Windows\\system32\\lsass.exe")]
    [TestCase("(Get-Process -Name winlogon).Path; (Get-Process dwm).Description", "C:\\Windows\\System32\\winlogon.exe|Desktop Window Manager")]
    [TestCase("Get-Process -Id 4, 1868 | % Name", "svchost|System")]
    [TestCase("$id = 1868; (Get-Process -Id $id).ProcessName", "svchost")]
    [TestCase("(Get-Process -Id $PID).Name; (Get-Process -Id $PID).Path", "wsmprovhost|C:\\Windows\\system32\\wsmprovhost.exe")]
    [TestCase("Get-Process -ProcessName svc* -ErrorAction Stop | % Id", "1868|2500")]
    [TestCase("ps -PID 4 | % Name", "System")]
    [TestCase("Get-Process nothing* | % Name; 'none'", "none")]
    [TestCase("$p = Get-Process -Id 1868; Get-Process -InputObject $p | % Id", "1868")]
    [TestCase("(Get-Process -Name svchost -ComputerName localhost).Id", "1868|2500")]
    [TestCase("(Get-Process -Name svchost -ComputerName LOCALHOST).Id", "1868|2500")]
    public async Task Get_Process_chooses_by_name_pattern_id_or_input_and_writes_them_by_name(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    /// <summary>
    /// Processes started with Windows have the boot as their StartTime (System at it, the others seconds after), the
    /// session's own wsmprovhost.exe when the session opened, Idle none; Win32_Process's CreationDate is the same moment
    /// (a DateTime from Get-CimInstance, WMI's DMTF text from Get-WmiObject).
    /// </summary>
    [Test]
    public async Task A_process_started_with_the_boot_or_the_session_and_Win32_Process_gives_it_as_CreationDate()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
        var host = NewHost(clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        await Default.Resolve(Behaviour.Script(
            "(Get-Process -Id 4).StartTime.ToString('o'); (Get-Process -Id $PID).StartTime.ToString('o'); $null -eq (Get-Process -Id 0).StartTime; " +
            "$s = (Get-Process -Id 1868).StartTime; $s -gt (Get-Process -Id 4).StartTime -and $s -lt (Get-Process -Id 4).StartTime.AddMinutes(1); " +
            "(Get-CimInstance Win32_Process -Filter 'ProcessId = 4').CreationDate.ToString('o'); (Get-WmiObject Win32_Process -Filter 'ProcessId = 4').CreationDate; " +
            "((Get-Date) - (Get-Process -Id $PID).StartTime).TotalMinutes"))
            .RunTestAsync(host, clock);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "2026-01-12T09:35:00.0000000+00:00", "2026-12-04T08:00:00.0000000+00:00", "True", "True", "2026-01-12T09:35:00.0000000+00:00", "20260112093500.000000+000", "5",
        }));
    }

    /// <summary>A process's priority and threads as monitoring reads them: Normal, base priority 8, a thread count Get-Counter agrees with.</summary>
    [Test]
    public async Task A_process_has_its_priority_class_and_threads()
    {
        var output = await OutputOfAsync(
            "$p = Get-Process -Id 1868; $p.PriorityClass; $p.BasePriority; $p.Threads.Count; $p.Threads[0].ThreadState; \"$($p.Threads[0])\"; " +
            "$null -eq (Get-Process -Id 4).PriorityClass; (Get-Process -Id 0).Threads.Count; ((Get-Process).Threads | Measure-Object).Count -gt 100");

        Assert.That(output, Is.EqualTo("Normal|8|29|Wait|System.Diagnostics.ProcessThread|True|2|True"));
    }

    [Test]
    public async Task Get_Process_of_a_name_no_process_has_is_NoProcessFoundForGivenName_and_the_others_are_still_written()
    {
        var (host, outcome) = await RunAsync("Get-Process notepad, msdtc | % Name; 'next'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "msdtc", "next" }));
        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType, error.TargetName), Is.EqualTo((
            "Cannot find a process with the name \"notepad\". Verify the process name and call the cmdlet again.",
            "NoProcessFoundForGivenName,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.ObjectNotFound,
            "Microsoft.PowerShell.Commands.ProcessCommandException", "notepad")));
    }

    [Test]
    public async Task A_check_for_a_running_program_with_SilentlyContinue_finds_nothing_and_writes_no_error()
    {
        var output = await OutputOfAsync("if (Get-Process -Name myapp -ErrorAction SilentlyContinue) { 'running' } else { 'not running' }");

        Assert.That(output, Is.EqualTo("not running"));
    }

    [Test]
    public async Task Get_Process_of_an_id_no_process_has_is_NoProcessFoundForGivenId()
    {
        var (host, _) = await RunAsync("Get-Process -Id 99999");

        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category), Is.EqualTo((
            "Cannot find a process with the process identifier 99999.", "NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.ObjectNotFound)));
    }

    [Test]
    public async Task Get_Process_IncludeUserName_adds_each_owner_and_its_own_type_name()
    {
        var (host, _) = await RunAsync("Get-Process -IncludeUserName");

        var processes = host.Outputs.Cast<PsObject>().ToList();
        // A service's process runs as the service's account (msdtc NETWORK SERVICE, NisSrv LOCAL SERVICE, lsass SYSTEM).
        Assert.That(processes.Select(p => $"{p["Name"]?.ToDisplayString()} {p["UserName"]?.ToDisplayString()}"), Is.EqualTo(new[]
        {
            @"csrss NT AUTHORITY\SYSTEM", @"csrss NT AUTHORITY\SYSTEM", @"dwm Window Manager\DWM-1", @"fontdrvhost Font Driver Host\UMFD-0", @"fontdrvhost Font Driver Host\UMFD-1",
            "Idle ", @"LogonUI NT AUTHORITY\SYSTEM", @"lsass NT AUTHORITY\SYSTEM", @"msdtc NT AUTHORITY\NETWORK SERVICE", @"MsMpEng NT AUTHORITY\SYSTEM", @"NisSrv NT AUTHORITY\LOCAL SERVICE",
            @"Registry NT AUTHORITY\SYSTEM", @"services NT AUTHORITY\SYSTEM", @"SgrmBroker NT AUTHORITY\SYSTEM", @"smss NT AUTHORITY\SYSTEM", @"svchost NT AUTHORITY\NETWORK SERVICE",
            @"svchost NT AUTHORITY\SYSTEM", @"System NT AUTHORITY\SYSTEM", @"wininit NT AUTHORITY\SYSTEM", @"winlogon NT AUTHORITY\SYSTEM", @"WmiPrvSE NT AUTHORITY\NETWORK SERVICE",
            @"wsmprovhost SERVER01\psrp",
        }));
        Assert.That(processes[7].TypeNames![0], Is.EqualTo("System.Diagnostics.Process#IncludeUserName"));
        Assert.That(processes[7].TypeNames![1], Is.EqualTo("System.Diagnostics.Process"));
    }

    [Test]
    public async Task Get_Process_IncludeUserName_is_shown_in_the_ProcessWithUserName_table()
    {
        var output = await OutputOfAsync("Get-Process -Id 1868 -IncludeUserName | Out-String");

        Assert.That(output.Split("\r\n").Where(l => l.Length > 0).Select(l => l.TrimEnd()), Is.EqualTo(new[]
        {
            "Handles      WS(K)   CPU(s)     Id UserName                       ProcessName",
            "-------      -----   ------     -- --------                       -----------",
            "    742      19952    25.13   1868 NT AUTHORITY\\NETWORK SERVICE   svchost",
        }));
    }

    [TestCase("Stop-Process -Name notepad -Force -ErrorAction SilentlyContinue; 'after'")]
    [TestCase("Get-Process notepad -ErrorAction SilentlyContinue | Stop-Process -Force; 'after'")]
    public async Task Stopping_a_program_that_is_not_running_quietly_goes_on(string script) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo("after"));

    [Test]
    public async Task Stop_Process_of_a_name_or_id_no_process_has_writes_StopProcessCommands_errors()
    {
        var (host, _) = await RunAsync("Stop-Process -Name notepad; Stop-Process -Id 77; kill 78");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot find a process with the name \"notepad\". Verify the process name and call the cmdlet again.", "NoProcessFoundForGivenName,Microsoft.PowerShell.Commands.StopProcessCommand"),
            ("Cannot find a process with the process identifier 77.", "NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.StopProcessCommand"),
            ("Cannot find a process with the process identifier 78.", "NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.StopProcessCommand"),
        }));
    }

    [Test]
    public async Task Stop_Process_with_a_name_given_positionally_is_a_binding_error_as_its_first_position_is_Id()
    {
        var (host, _) = await RunAsync("Stop-Process notepad; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot bind parameter 'Id'. Cannot convert value \"notepad\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
                "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.StopProcessCommand"),
        }));
    }

    [Test]
    public async Task Stop_Process_of_the_System_process_is_access_denied()
    {
        var (host, _) = await RunAsync("Stop-Process -Id 4 -Force");

        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.TargetName), Is.EqualTo((
            "Cannot stop process \"System (4)\" because of the following error: Access is denied",
            "CouldNotStopProcess,Microsoft.PowerShell.Commands.StopProcessCommand", ErrorCategory.CloseError, "System.Diagnostics.Process (System)")));
    }

    [Test]
    public async Task Stop_Process_of_Windows_protected_processes_is_access_denied_for_each()
    {
        var (host, outcome) = await RunAsync("Get-Process csrss, smss, wininit, services | Stop-Process -Force; 'still here'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Cannot stop process \"csrss (404)\" because of the following error: Access is denied",
            "Cannot stop process \"csrss (488)\" because of the following error: Access is denied",
            "Cannot stop process \"services (620)\" because of the following error: Access is denied",
            "Cannot stop process \"smss (296)\" because of the following error: Access is denied",
            "Cannot stop process \"wininit (480)\" because of the following error: Access is denied",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    public async Task Stop_Process_WhatIf_says_what_it_would_stop_and_stops_nothing()
    {
        var (host, outcome) = await RunAsync("Get-Process -Id 1868 | Stop-Process -WhatIf; (Get-Process -Id 1868).Id");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.HostCalls.Select(c => c.Parameters[0].AsString()), Is.EqualTo(new[] { "What if: Performing the operation \"Stop-Process\" on target \"svchost (1868)\"." }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1868" }));
    }

    [TestCase("Stop-Process -Id $PID")]
    [TestCase("Get-Process svchost | Stop-Process -Force")]
    [TestCase("Stop-Process -Name winlogon -Force")]
    public async Task Stopping_a_running_process_is_a_scenario_error_as_the_emulated_processes_do_not_end(string script)
    {
        var (host, outcome) = await RunAsync(script);

        // A statement's scenario error is written; a pipeline stage's fails the pipeline (as any stage's does).
        var error = host.Errors.Count > 0 ? host.Errors.Single() : outcome.OutcomeError();
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(error.Message, Does.StartWith("Stop-Process of "));
    }

    [Test]
    public async Task Wait_Process_with_a_timeout_waits_that_long_in_virtual_time_then_writes_ProcessNotTerminated()
    {
        var time = new FakeTimeProvider();
        var host = NewHost();
        var run = Default.Resolve(Behaviour.Script("Wait-Process -Id 1868 -Timeout 30; 'after'")).RunTestAsync(host, time);
        Assert.That(run.IsCompleted, Is.False, "it waits");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(run.IsCompleted, Is.False, "it waits the whole timeout");
        time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await run;

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType), Is.EqualTo((
            "This command stopped operation because process \"svchost (1868)\" is not stopped in the specified time-out.",
            "ProcessNotTerminated,Microsoft.PowerShell.Commands.WaitProcessCommand", ErrorCategory.CloseError, "System.TimeoutException")));
    }

    [TestCase("Wait-Process -Id 0", "WaitOnIdleProcess,Microsoft.PowerShell.Commands.WaitProcessCommand")]
    [TestCase("Get-Process -Id $PID | Wait-Process", "WaitOnItself,Microsoft.PowerShell.Commands.WaitProcessCommand")]
    [TestCase("Wait-Process -Name notepad", "NoProcessFoundForGivenName,Microsoft.PowerShell.Commands.WaitProcessCommand")]
    public async Task Wait_Process_on_Idle_itself_or_a_missing_process_writes_its_error_without_waiting(string script, string errorId)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo(errorId));
    }

    [Test]
    public async Task Get_Process_FileVersionInfo_writes_each_main_module_s_version_and_an_error_for_the_processes_it_cannot_open()
    {
        var (host, _) = await RunAsync("Get-Process -Id 4, 404, 1868 -FileVersionInfo | Out-String -Width 80; (Get-Process winlogon -FileVersionInfo).ProductVersion");

        Assert.That(host.OutputTexts[0].Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0), Is.EqualTo(new[]
        {
            "ProductVersion   FileVersion      FileName",
            "--------------   -----------      --------",
            "10.0.17763.1     10.0.17763.1 ... C:\\Windows\\System32\\svchost.exe",
        }));
        Assert.That(host.OutputTexts[1], Is.EqualTo("10.0.17763.1"));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[]
        {
            ("Cannot enumerate the file version information of the \"csrss\" process.", "CouldnotEnumerateFileVer,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.PermissionDenied),
            ("Cannot enumerate the file version information of the \"System\" process.", "CouldnotEnumerateFileVer,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.PermissionDenied),
        }));
    }

    [TestCase("Get-Process -Module")]
    [TestCase("Get-Process -ComputerName Server02")]
    public async Task What_is_not_emulated_is_a_scenario_error(string script)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }

    // Win32_Process is Get-Process's list as WMI names it: the same ids (the session's own wsmprovhost.exe is $PID),
    // working sets, handle counts and paths.
    [TestCase("Get-CimInstance Win32_Process | % Name", "System Idle Process|System|Registry|smss.exe|csrss.exe|wininit.exe|csrss.exe|winlogon.exe|services.exe|lsass.exe|fontdrvhost.exe|fontdrvhost.exe|LogonUI.exe|dwm.exe|svchost.exe|MsMpEng.exe|svchost.exe|WmiPrvSE.exe|NisSrv.exe|msdtc.exe|SgrmBroker.exe|wsmprovhost.exe")]
    [TestCase("Get-CimInstance Win32_Process -Filter \"Name = 'csrss.exe'\" | % { '{0} {1} {2}' -f $_.ProcessId, $_.ParentProcessId, $_.ExecutablePath }", "404 388 C:\\Windows\\System32\\csrss.exe|488 472 C:\\Windows\\System32\\csrss.exe")]
    [TestCase("gcim Win32_Process -Filter 'ProcessId = 740 OR ProcessId = 620' | % { '{0} {1}' -f $_.Name, $_.ParentProcessId }", "services.exe 480|lsass.exe 480")]
    [TestCase("(Get-CimInstance -ClassName Win32_Process -Filter \"Name = 'wsmprovhost.exe'\").ProcessId -eq $PID", "True")]
    [TestCase("gcim Win32_Process -Filter \"Name LIKE 'svc%' AND ProcessId = 1868\" | % { $_.ProcessId; $_.CommandLine; $_.ParentProcessId }", "1868|C:\\Windows\\System32\\svchost.exe -k NetworkService -p|620")]
    [TestCase("$p = Get-CimInstance Win32_Process -Filter 'ProcessId = 1868'; $g = Get-Process -Id 1868; $p.WorkingSetSize -eq $g.WS; $p.HandleCount -eq $g.Handles; $p.ExecutablePath -eq $g.Path", "True|True|True")]
    [TestCase("Get-CimInstance -Query \"SELECT * FROM Win32_Process WHERE ProcessId = 4 OR ProcessId = 0\" | % { \"$_\" }", "Win32_Process: System Idle Process (Handle = \"0\")|Win32_Process: System (Handle = \"4\")")]
    // -Property: a partial instance, the other properties but the key null (CimInstance.ToString() without its Caption).
    [TestCase("Get-CimInstance Win32_Process -Filter 'ProcessId = 4' -Property Name | % { $_.Name; $null -eq $_.ProcessId; \"$_\" }", "System|True|Win32_Process (Handle = \"4\")")]
    [TestCase("(Get-CimInstance Win32_Process -Filter \"Name = 'notepad.exe'\" | Measure-Object).Count", "0")]
    [TestCase("(Get-CimInstance Win32_Process)[0].ProcessId.GetType().Name; (Get-CimInstance Win32_Process)[0].WorkingSetSize.GetType().Name", "UInt32|UInt64")]
    public async Task Get_CimInstance_Win32_Process_lists_Get_Process_s_processes_as_WMI_names_them(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Get-CimInstance Win32_Thread", "Get-CimInstance is a command Windows has that the emulator does not emulate")]
    [TestCase("Get-CimInstance -Query \"REFERENCES OF {Win32_Process.Handle='4'}\"", "REFERENCES OF queries are not emulated")]
    public async Task Get_CimInstance_says_what_it_does_not_emulate(string script, string reason)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Single().Message, Does.Contain(reason));
    }

    /// <summary>
    /// Format-List * and Select-Object * list a process as PSPropertyExpression resolves *: types.ps1xml's members first,
    /// the property sets PSConfiguration and PSResources as the properties they name (Name, Id, PriorityClass,
    /// FileVersion, HandleCount...), then the aliases and script properties (SI, Handles, VM...), then .NET's; the CSV
    /// header is PSObject.Properties, no property sets: "Name","SI","Handles","VM","WS","PM","NPM","Path",...
    /// </summary>
    [Test]
    public async Task Format_list_star_expands_a_process_s_property_sets_and_the_csv_header_does_not()
    {
        var (host, _) = await RunAsync("$p = Get-Process -Id 1868; (($p | Format-List * | Out-String) -split \"`r`n\" | ? { $_ -match '^\\S' } | % { $_.Split(' ')[0] }) -join ','; " +
            "($p | Select-Object *).psobject.Properties.Name -join ','; ($p | ConvertTo-Csv -NoTypeInformation)[0]");

        Assert.That(host.Errors, Is.Empty);
        // As 5.1 lists a process (Select-Object * of winlogon on Windows Server 2019): the property sets' properties,
        // types.ps1xml's members, then System.Diagnostics.Process's in reflection order.
        const string all = "Name,Id,PriorityClass,FileVersion,HandleCount,WorkingSet,PagedMemorySize,PrivateMemorySize,VirtualMemorySize,TotalProcessorTime,SI,Handles,VM,WS,PM,NPM," +
            "Path,Company,CPU,ProductVersion,Description,Product,__NounName,BasePriority,ExitCode,HasExited,ExitTime,Handle,SafeHandle,MachineName,MainWindowHandle," +
            "MainWindowTitle,MainModule,MaxWorkingSet,MinWorkingSet,Modules,NonpagedSystemMemorySize,NonpagedSystemMemorySize64,PagedMemorySize64,PagedSystemMemorySize," +
            "PagedSystemMemorySize64,PeakPagedMemorySize,PeakPagedMemorySize64,PeakWorkingSet,PeakWorkingSet64,PeakVirtualMemorySize,PeakVirtualMemorySize64," +
            "PriorityBoostEnabled,PrivateMemorySize64,PrivilegedProcessorTime,ProcessName,ProcessorAffinity,Responding,SessionId,StartInfo,StartTime," +
            "SynchronizingObject,Threads,UserProcessorTime,VirtualMemorySize64,EnableRaisingEvents,StandardInput,StandardOutput,StandardError,WorkingSet64,Site,Container";
        Assert.That(host.OutputTexts[0], Is.EqualTo(all));
        Assert.That(host.OutputTexts[1], Is.EqualTo(all));
        Assert.That(host.OutputTexts[2], Does.StartWith("\"Name\",\"SI\",\"Handles\",\"VM\",\"WS\",\"PM\",\"NPM\",\"Path\",\"Company\",\"CPU\",\"FileVersion\",\"ProductVersion\",\"Description\",\"Product\",\"__NounName\"," +
            "\"BasePriority\",\"ExitCode\",\"HasExited\",\"ExitTime\",\"Handle\",\"SafeHandle\",\"HandleCount\",\"Id\",\"MachineName\","));
    }

    /// <summary>
    /// A running process's other .NET properties, as 5.1 reads them: responding, not exited (ExitCode empty), no
    /// window, its main module and modules, the 32-bit sizes cut from the 64-bit ones; a protected process (csrss) has
    /// no module, handle or affinity 5.1 can open.
    /// </summary>
    [Test]
    public async Task A_process_has_the_rest_of_its_dotnet_properties()
    {
        var (host, _) = await RunAsync("""
            $p = Get-Process -Id 1868
            $p.Responding, $p.HasExited, ($null -eq $p.ExitCode), $p.MachineName, $p.MainWindowHandle, "[$($p.MainWindowTitle)]" -join ','
            "$($p.MainModule)"; $p.MainModule.FileName; $p.Modules.Count; $p.Modules[1].ModuleName
            ($p.PagedMemorySize64 -eq $p.PM), $p.VirtualMemorySize.GetType().Name, ($p.UserProcessorTime + $p.PrivilegedProcessorTime -eq $p.TotalProcessorTime), $p.ProcessorAffinity -join ','
            $c = Get-Process csrss | Select-Object -First 1
            ($null -eq $c.MainModule), ($null -eq $c.Handle), ($null -eq $c.ProcessorAffinity), $c.Responding -join ','
            @(Get-Process | Where-Object { -not $_.Responding }).Count
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True,False,True,.,0,[]", "System.Diagnostics.ProcessModule (svchost.exe)", @"C:\Windows\System32\svchost.exe", "4", "ntdll.dll",
            "True,Int32,True,3", "True,True,True,True", "0",
        }));
    }

    [Test]
    public async Task A_process_has_types_ps1xml_s_Product_and_NounName()
    {
        var (host, _) = await RunAsync("$p = Get-Process -Id 1868; $p.Product; $p.__NounName");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Microsoft® Windows® Operating System", "Process" }));
    }
}
