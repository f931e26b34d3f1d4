using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Start-Service, Stop-Service, Restart-Service and Set-Service change the computer's services, which every later Get-Service and Win32_Service sees.</summary>
public class ServiceCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, ServiceStates states)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), ServiceStates = states, HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null, null) };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    // A line in a cmd shell of the computer whose services these are: what it wrote and its exit code.
    private static async Task<(string Stdout, string Stderr, int Code)> CommandLineAsync(string line, ServiceStates states)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, ServiceStates = states, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    [Test]
    public async Task Stopping_and_starting_a_service_is_what_later_sessions_see_in_Get_Service_and_Win32_Service()
    {
        var states = new ServiceStates();
        var first = await RunAsync("Stop-Service WinRM -PassThru | % { \"$($_.Name) $($_.Status)\" }; spsv -Name EventLog -Force; (Get-Service WinRM).Status", states);
        var second = await RunAsync(
            "Get-Service EventLog, Spooler, WinRM | % { \"$($_.Name) $($_.Status) $($_.StartType)\" }; gcim Win32_Service | Where-Object Name -in 'EventLog', 'Spooler', 'WinRM' | % { \"$($_.Name) $($_.State) $($_.Started)\" }; " +
            "Get-Service WinRM, EventLog | Start-Service; (Get-Service EventLog, Spooler, WinRM | Where-Object Status -eq Running).Count; (Get-Service WinRM).Status -eq 'Running'", states);

        Assert.That(first.OutputTexts, Is.EqualTo(new[] { "WinRM Stopped", "Stopped" }));
        Assert.That(second.OutputTexts, Is.EqualTo(new[]
        {
            "EventLog Stopped Automatic", "Spooler Stopped Disabled", "WinRM Stopped Automatic",
            "EventLog Stopped False", "Spooler Stopped False", "WinRM Stopped False",
            "2", "True",
        }));
        Assert.That(first.Errors.Concat(second.Errors), Is.Empty);
    }

    [Test]
    public async Task The_controls_a_service_accepts_follow_its_status()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "Get-Service EventLog, Spooler, WinRM | % { \"$($_.ServiceName) $($_.CanStop) $($_.CanShutdown) $($_.CanPauseAndContinue)\" }; Stop-Service WinRM, EventLog -Force; " +
            "Get-Service EventLog, Spooler, WinRM | % { \"$($_.Name) $($_.CanStop) $($_.CanShutdown)\" }; Start-Service EventLog; (Get-Service EventLog).CanShutdown", states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "EventLog True True False", "Spooler False False False", "WinRM True True False",
            "EventLog False False", "Spooler False False", "WinRM False False",
            "True",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_service_has_ServiceController_s_properties_and_its_dependencies_show_by_name()
    {
        var host = await RunAsync(
            "(Get-Service WinRM).RequiredServices.Name -join ','; (Get-Service Spooler).ServicesDependedOn.Count; (Get-Service EventLog).DependentServices.Name; " +
            "(Get-Service WinRM).ServiceType; [int](Get-Service Spooler).ServiceType; (Get-Service WinRM).MachineName; " +
            "Get-Service WinRM | Format-List RequiredServices, DependentServices | Out-String", new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "RPCSS,HTTP", "2", "NlaSvc", "Wecsvc", "Win32ShareProcess", "16", ".",
            "\r\n\r\nRequiredServices  : {RPCSS, HTTP}\r\nDependentServices : {}\r\n\r\n\r\n\r\n",
        }));
    }

    [Test]
    public async Task Get_Service_chooses_by_display_name_include_exclude_input_object_and_this_computer_s_name_sorted_by_name()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "(Get-Service -DisplayName '*Update*').Name -join ','; (Get-Service -DisplayName 'windows time').Name; (Get-Service -Name 'Win*' -Exclude 'WinRM').Name -join ','; " +
            "(Get-Service -Include 'W32*', 'WinR*').Name -join ','; (Get-Service -DisplayName 'Windows*' -Include '*Time', '*Management)').Name -join ','; " +
            "Get-Service -Name WinRM -ComputerName localhost | % { \"$($_.Name) $($_.MachineName)\" }; (Get-Service -ComputerName . -Name W32Time).MachineName; " +
            "(Get-Service -InputObject (Get-Service WinRM)).Status; (Get-Service WinRM, W32*, w32time, EventLog).Name -join ','; $n = 'WinRM', 'nope'; (Get-Service -Name $n).Name; " +
            "Get-Service -DisplayName 'No Such Service'; (Get-Service).Count -eq (Get-CimInstance Win32_Service).Count; (Get-Service -DS RpcSs | Select-Object -First 2).Name -join ','",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "tzautoupdate,UsoSvc,WaaSMedicSvc,wuauserv", "W32Time", "WinDefend,WinHttpAutoProxySvc,Winmgmt", "W32Time,WinRM", "W32Time,WinRM",
            "WinRM localhost", ".", "Running", "EventLog,W32Time,WinRM", "WinRM", "True", "AppIDSvc,Appinfo",
        }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand", "Cannot find any service with service name 'nope'."),
            ("NoServiceFoundForGivenDisplayName,Microsoft.PowerShell.Commands.GetServiceCommand", "Cannot find any service with display name 'No Such Service'."),
        }));
    }

    [Test]
    public async Task Get_Service_of_another_computer_finds_none_of_this_computer_s_services()
    {
        var host = await RunAsync("Get-Service WinRM -ComputerName Server99; 'after'; Get-Service WinRM -ComputerName localhost, Server99", new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand", "PsrpEmulator.ScenarioError" }),
            "this computer and another together stay the scenario's");
        Assert.That(host.Errors[1].Message, Does.Contain("-ComputerName of another computer"));
    }

    [Test]
    public async Task Stop_Service_Force_PassThru_writes_the_dependents_it_stopped_and_Restart_Service_Force_starts_them_again()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "Stop-Service Winmgmt -Force -PassThru | % { \"$($_.Name) $($_.Status)\" }; Start-Service UALSVC; " +
            "Restart-Service Winmgmt -Force -PassThru | % { \"$($_.Name) $($_.Status)\" }; (Get-Service UALSVC, Winmgmt).Status -join ','",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "UALSVC Stopped", "Winmgmt Stopped", "UALSVC Running", "Winmgmt Running", "Running,Running" }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task ServiceController_methods_act_on_dependencies_and_WaitForStatus_refreshes_the_object()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "$svc = Get-Service Winmgmt; $svc.Stop(); $svc.WaitForStatus('Stopped', '00:00:30'); \"stopped: $($svc.Status)\"; (Get-Service UALSVC).Status; " +
            "$ual = Get-Service UALSVC; $ual.Start(); $ual.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds(30)); " +
            "\"running: $($ual.Status)\"; (Get-Service Winmgmt).Status -eq [System.ServiceProcess.ServiceControllerStatus]::Running; " +
            "[ServiceProcess.ServiceStartMode]::Disabled; [int][System.ServiceProcess.ServiceControllerStatus]::Paused; (Get-Service WinRM).StartType -eq [System.ServiceProcess.ServiceStartMode]::Automatic",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "stopped: Stopped", "Stopped", "running: Running", "True", "Disabled", "7", "True" }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task Get_Service_RequiredServices_and_DependentServices_write_the_services_a_service_needs_or_is_needed_by()
    {
        var host = await RunAsync(
            "Get-Service WinRM -RequiredServices | % Name; Get-Service -DependentServices -Name EventLog | % Name; (gsv -SDO Spooler).Count; Get-Service Nope -DependentServices; 'end'",
            new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "RPCSS", "HTTP", "NlaSvc", "Wecsvc", "2", "end" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand" }));
    }

    [Test]
    public async Task Select_Object_star_copies_a_service_s_properties_into_a_Selected_object_shown_as_a_list()
    {
        var host = await RunAsync("$s = Get-Service WinRM | Select-Object *; $s.PSObject.TypeNames[0]; $s.PSObject.Properties.Name.Count; ($s | Out-String) -split \"`r`n\" | Select-Object -Skip 2 -First 3", new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Selected.System.ServiceProcess.ServiceController", "16",
            "Name                : WinRM", "RequiredServices    : {RPCSS, HTTP}", "CanPauseAndContinue : False",
        }));
    }

    [Test]
    public async Task A_disabled_service_does_not_start_until_Set_Service_changes_its_start_type()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "Start-Service Spooler; (Get-Service Spooler).Status; Set-Service -Name Spooler -StartupType Automatic; sasv Spooler -PassThru | % { \"$($_.Status) $($_.StartType)\" }; " +
            "(Get-WmiObject Win32_Service | ? Name -eq Spooler).StartMode; Set-Service Spooler -Status Stopped; (gsv Spooler).Status", states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Stopped", "Running Automatic", "Auto", "Stopped" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("CouldNotStartService,Microsoft.PowerShell.Commands.StartServiceCommand", "Service 'Print Spooler (Spooler)' cannot be started due to the following error: Cannot start service Spooler on computer '.'."),
        }));
    }

    [Test]
    public async Task Names_no_service_has_are_errors_a_pattern_is_not_and_WhatIf_changes_nothing()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "Stop-Service Nope, WinRM; Restart-Service Zz*; Stop-Service -DisplayName 'Windows Event*' -WhatIf; (Get-Service EventLog).Status; (Get-Service WinRM).Status; " +
            "'Spooler', 'Missing' | Set-Service -StartupType Manual; (Get-Service Spooler).StartType; Set-Service WinRM -StartupType Sometimes; Set-Service WinRM -Status Asleep; 'end'", states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Running", "Stopped", "Manual", "end" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.StopServiceCommand",
            "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.SetServiceCommand",
            "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.SetServiceCommand",
            "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.SetServiceCommand",
        }));
        Assert.That(host.HostCalls.Select(c => PipelineVariables.Display(c.Parameters[0])), Does.Contain("What if: Performing the operation \"Stop-Service\" on target \"Windows Event Log (EventLog)\"."));
    }

    [Test]
    public async Task Include_and_Exclude_narrow_the_services_a_pattern_chose()
    {
        var states = new ServiceStates();
        var host = await RunAsync("Stop-Service -Name EventL*, Spo*, WinRM -Exclude WinRM -Force -PassThru | % Name; Start-Service * -Include Event*; Get-Service EventLog, Spooler, WinRM | % { \"$($_.Name) $($_.Status)\" }", states);

        // -PassThru writes the running dependents -Force stopped too (DoStopService's list), before the service.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "netprofm", "NlaSvc", "EventLog", "Spooler", "EventLog Running", "Spooler Stopped", "WinRM Running" }));
        Assert.That(host.Errors, Is.Empty);
    }

    /// <summary>net start / net stop in a cmd shell change the same services, with net's messages and exit code 2 for its errors.</summary>
    /// <summary>
    /// A running service that does not accept the stop control (RPC, the firewall, the Task Scheduler) stays running:
    /// Stop-Service's CouldNotStopService, net's NET HELPMSG 2191, sc's ControlService FAILED 1052; sc query says so.
    /// </summary>
    [Test]
    public async Task A_service_that_cannot_be_stopped_keeps_running_whatever_stops_it()
    {
        var states = new ServiceStates();
        Task<(string Stdout, string Stderr, int Code)> Cmd(string line) => CommandLineAsync(line, states);

        var powershell = await RunAsync("Stop-Service RpcSs, W32Time -PassThru | % Name; (Get-Service RpcSs).Status; (Get-Service RpcSs).CanStop", states);
        var net = await Cmd("net stop Schedule");
        var sc = await Cmd("sc stop MpsSvc");
        var query = await Cmd("sc query MpsSvc");

        Assert.That(powershell.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[]
        {
            ("Service 'Remote Procedure Call (RPC) (RpcSs)' cannot be stopped due to the following error: Cannot stop RpcSs service on computer '.'.",
                "CouldNotStopService,Microsoft.PowerShell.Commands.StopServiceCommand", ErrorCategory.CloseError),
        }));
        Assert.That(powershell.OutputTexts, Is.EqualTo(new[] { "W32Time", "Running", "False" }));
        Assert.That(net, Is.EqualTo(("", "The requested pause, continue, or stop is not valid for this service.\r\n\r\nMore help is available by typing NET HELPMSG 2191.\r\n\r\n", 2)));
        Assert.That(sc, Is.EqualTo(("[SC] ControlService FAILED 1052:\r\n\r\nThe requested control is not valid for this service.\r\n\r\n", "", 1052)));
        Assert.That(query.Stdout, Does.Contain("(NOT_STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)"));
        Assert.That((states.Status("Schedule"), states.Status("MpsSvc"), states.Status("W32Time")), Is.EqualTo(((string?)null, (string?)null, "Stopped")));
    }

    /// <summary>
    /// A ServiceController goes on the wire as 5.1 writes one: types.ps1xml's alias properties Name and RequiredServices
    /// as members (MS; RequiredServices one level less deep, its services as their text, Component's type name), the .NET properties in Props
    /// in .NET Framework's order, which Refresh() keeps (it replaced Status at the end).
    /// </summary>
    [Test]
    public async Task A_service_is_written_with_its_alias_properties_as_members_and_refresh_keeps_its_order()
    {
        var states = new ServiceStates();
        var host = await RunAsync("Get-Service WinRM; $s = Get-Service BITS; $s.Start(); $s.Refresh(); $s; ($s | Format-List * | Out-String) -split \"`r`n\" | ? { $_ } | % { $_.Split(' ')[0] }", states);

        var written = host.Outputs.Take(2).Select(o => (PsrpEmulator.Protocol.Clixml.PsObject)PsrpEmulator.Protocol.Clixml.RemotingDepth.Apply(o, v => v.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames)).ToList();
        var dotNet = new[]
        {
            "CanPauseAndContinue", "CanShutdown", "CanStop", "DisplayName", "DependentServices", "MachineName", "ServiceName", "ServicesDependedOn",
            "ServiceHandle", "Status", "ServiceType", "StartType", "Site", "Container",
        };
        foreach (var service in written)
        {
            Assert.That(service.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Name", "RequiredServices" }));
            Assert.That(service.AdaptedProperties.Select(p => p.Name), Is.EqualTo(dotNet));
        }

        var required = (PsrpEmulator.Protocol.Clixml.PsObject)written[0]["RequiredServices"]!;
        Assert.That(required.Items.Select(i => (i as PsrpEmulator.Protocol.Clixml.PsPrimitive)?.Value), Is.EqualTo(new[] { "System.ServiceProcess.ServiceController", "System.ServiceProcess.ServiceController" }), "Component.ToString");
        Assert.That(host.OutputTexts.Skip(2), Is.EqualTo(new[] { "Name", "RequiredServices" }.Concat(dotNet)));
    }

    /// <summary>Format-Table * is every property as * resolves, not the service's table view (Status, Name, DisplayName).</summary>
    [Test]
    public async Task Format_table_star_of_a_service_has_a_column_per_property_in_member_order()
    {
        var host = await RunAsync("((Get-Service WinRM | Format-Table * | Out-String) -split \"`r`n\" | ? { $_ })[0]", new ServiceStates());

        Assert.That(host.OutputTexts.Single(), Does.StartWith("Name  RequiredServices CanPauseAndContinue CanShutdown CanStop DisplayName"));
    }

    /// <summary>
    /// A ServiceController's methods as deployment scripts call them: Start(), WaitForStatus() (at once when the service
    /// is there already; its timeout on the session's clock, then .NET's TimeoutException), Refresh() of a kept object,
    /// Stop() of a service that does not accept it, and Start() of a running one (ServiceController's exceptions).
    /// </summary>
    [Test]
    public async Task A_service_objects_methods_start_wait_for_and_refresh_it()
    {
        var states = new ServiceStates();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), ServiceStates = states };
        var run = Default.Resolve(Behaviour.Script(
            "$s = Get-Service BITS; $s.Start(); $s.WaitForStatus('Running', '00:00:30'); $s.Status; $s.Refresh(); $s.Status; (Get-Service BITS).Status; " +
            "try { $s.Start() } catch { \"$_\" }; try { (Get-Service RpcSs).Stop() } catch { \"$_\" }; " +
            "$w = Get-Service wuauserv; try { $w.WaitForStatus(4, '00:00:30') } catch { $_.FullyQualifiedErrorId; \"$_\" }; $w.Stop()")).RunTestAsync(host, time);

        // wuauserv never starts: its wait takes the whole timeout on the session's clock.
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 5, "the script waits for wuauserv");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(run.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));
        await run;

        // WaitForStatus refreshes the object as it polls (its Status is Running after the wait, as .NET's).
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Running", "Running", "Running",
            "Exception calling \"Start\" with \"0\" argument(s): \"An instance of the service is already running.\"",
            "Exception calling \"Stop\" with \"0\" argument(s): \"Cannot stop RpcSs service on computer '.'.\"",
            "TimeoutException", "Exception calling \"WaitForStatus\" with \"2\" argument(s): \"Time out has expired and the operation has not been completed.\"",
        }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Exception calling \"Stop\" with \"0\" argument(s): \"Cannot stop wuauserv service on computer '.'.\"" }));
        Assert.That(states.Status("BITS"), Is.EqualTo("Running"));
    }

    [Test]
    public async Task Net_start_and_stop_change_the_services_PowerShell_then_lists()
    {
        var states = new ServiceStates();
        Task<(string Stdout, string Stderr, int Code)> Net(string line) => CommandLineAsync(line, states);

        var stop = await Net("net stop winrm");
        var again = await Net("net stop WinRM");
        var list = await Net("net start");
        var start = await Net("net start \"Windows Remote Management (WS-Management)\"");
        var disabled = await Net("net start Spooler");
        var unknown = await Net("net start Nope");
        var powershell = await RunAsync("(Get-Service WinRM).Status", states);

        Assert.That(stop, Is.EqualTo(("The Windows Remote Management (WS-Management) service is stopping.\r\nThe Windows Remote Management (WS-Management) service was stopped successfully.\r\n\r\n", "", 0)));
        Assert.That(again, Is.EqualTo(("", "The Windows Remote Management (WS-Management) service is not started.\r\n\r\nMore help is available by typing NET HELPMSG 3521.\r\n\r\n", 2)));
        // The running services by display name, as PowerShell lists them (net start has started WinRM again since).
        var running = await RunAsync("Get-Service | Where-Object { $_.Status -eq 'Running' -and $_.Name -ne 'WinRM' } | Sort-Object DisplayName | ForEach-Object { '   ' + $_.DisplayName }", states);
        Assert.That(running.OutputTexts, Does.Contain("   Windows Event Log").And.Count.GreaterThan(40));
        Assert.That(list.Stdout, Does.Not.Contain("Windows Remote Management"));
        Assert.That(list.Stdout, Is.EqualTo("These Windows services are started:\r\n\r\n" + string.Join("\r\n", running.OutputTexts) + "\r\n\r\nThe command completed successfully.\r\n\r\n"));
        Assert.That(start.Code, Is.Zero);
        Assert.That(disabled, Is.EqualTo(("", "System error 1058 has occurred.\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n\r\n", 2)));
        Assert.That(unknown, Is.EqualTo(("", "The service name is invalid.\r\n\r\nMore help is available by typing NET HELPMSG 2185.\r\n\r\n", 2)));
        Assert.That(powershell.OutputTexts, Is.EqualTo(new[] { "Running" }));
    }

    /// <summary>net stop of a service others need names them and asks; /y stops them first, nobody answering stops nothing; sc stop refuses (1051).</summary>
    [Test]
    public async Task Net_stop_of_a_service_others_depend_on_asks_and_y_stops_them_first()
    {
        var states = new ServiceStates();
        Task<(string Stdout, string Stderr, int Code)> Net(string line) => CommandLineAsync(line, states);

        const string Asked = "The following services are dependent on the Windows Management Instrumentation service.\r\n" +
            "Stopping the Windows Management Instrumentation service will also stop these services.\r\n\r\n   User Access Logging Service\r\n\r\n";
        var unanswered = await Net("net stop winmgmt");
        var still = (await RunAsync("(Get-Service Winmgmt, UALSVC).Status -join ','", states)).OutputTexts;
        var sc = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, ServiceStates = states, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var scCode = await Default.ResolveCommandLine("sc stop Winmgmt").RunAsync(sc, TimeProvider.System, CancellationToken.None);
                var yes = await Net("net stop winmgmt /y");
        var after = (await RunAsync("(Get-Service Winmgmt, UALSVC).Status -join ','", states)).OutputTexts;

        Assert.That(unanswered, Is.EqualTo((Asked + "Do you want to continue this operation? (Y/N) [N]: \r\n", "", 2)));
        Assert.That(still, Is.EqualTo(new[] { "Running,Running" }));
        Assert.That((sc.Stdout, scCode), Is.EqualTo(("[SC] ControlService FAILED 1051:\r\n\r\nA stop control has been sent to a service that other running services are dependent on.\r\n\r\n", 1051)));
        Assert.That(yes, Is.EqualTo((Asked + "The User Access Logging Service service is stopping.\r\nThe User Access Logging Service service was stopped successfully.\r\n\r\n" +
            "The Windows Management Instrumentation service is stopping.\r\nThe Windows Management Instrumentation service was stopped successfully.\r\n\r\n", "", 0)));
        Assert.That(after, Is.EqualTo(new[] { "Stopped,Stopped" }));
    }

    [Test]
    public async Task Sc_start_and_net_start_start_the_stopped_services_it_needs_first_and_a_disabled_one_fails_them_with_1068()
    {
        var states = new ServiceStates();
        Task<(string Stdout, string Stderr, int Code)> Cmd(string line) => CommandLineAsync(line, states);

        string Both() => $"{states.Status("UALSVC")},{states.Status("Winmgmt")}";
        await Cmd("net stop winmgmt /y");
        var stoppedBoth = Both();
        var sc = await Cmd("sc start UALSVC");
        var startedBoth = Both();
        await Cmd("net stop winmgmt /y");
        var net = await Cmd("net start UALSVC");
        var netBoth = Both();
        await Cmd("net stop winmgmt /y");
        await Cmd("sc config winmgmt start= disabled");
        var scDisabled = await Cmd("sc start UALSVC");
        var netDisabled = await Cmd("net start UALSVC");

        Assert.That(stoppedBoth, Is.EqualTo("Stopped,Stopped"));
        Assert.That((sc.Stdout.Contains("START_PENDING", StringComparison.Ordinal), sc.Code), Is.EqualTo((true, 0)));
        Assert.That(startedBoth, Is.EqualTo("Running,Running"));
        Assert.That(net, Is.EqualTo(("The User Access Logging Service service is starting.\r\nThe User Access Logging Service service was started successfully.\r\n\r\n", "", 0)));
        Assert.That(netBoth, Is.EqualTo("Running,Running"));
        Assert.That((scDisabled.Stdout, scDisabled.Code), Is.EqualTo(("[SC] StartService FAILED 1068:\r\n\r\nThe dependency service or group failed to start.\r\n\r\n", 1068)));
        Assert.That((netDisabled.Stderr, netDisabled.Code), Is.EqualTo(("System error 1068 has occurred.\r\n\r\nThe dependency service or group failed to start.\r\n\r\n", 2)));
        Assert.That(Both(), Is.EqualTo("Stopped,Stopped"));
    }

    [Test]
    public async Task Set_Service_DisplayName_and_Description_change_what_every_tool_shows_and_a_name_no_service_has_is_ServiceController_s_error()
    {
        var states = new ServiceStates();
        var registry = Default.NewRegistry("Server01");
        registry.Services = new ServiceRegistryKeys(() => new ComputerWmi(Default, "Server01", states, null, null), states);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, ServiceStates = states, Wmi = new ComputerWmi(Default, "Server01", states, null, null) };
        await Default.Resolve(Behaviour.Script(
            "Set-Service -Name W32Time -DisplayName 'Time Sync' -Description 'Keeps time'; (Get-Service W32Time).DisplayName; " +
            "(Get-CimInstance Win32_Service -Filter \"Name='W32Time'\").Description; (Get-ItemProperty HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time).DisplayName; " +
            "Set-Service -Name 'W32*' -StartupType Manual; Set-Service Nope -StartupType Manual")).RunTestAsync(host, time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Time Sync", "Keeps time", "Time Sync" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.TargetName)), Is.EqualTo(new[]
        {
            ("InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand", "Service W32* was not found on computer '.'.", "."),
            ("InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand", "Service Nope was not found on computer '.'.", "."),
        }));
        Assert.That(states.StartType("W32Time"), Is.Null, "Set-Service takes no wildcards");
    }

    [Test]
    public async Task Sc_config_failure_and_the_query_commands_read_and_change_a_service_s_configuration()
    {
        var states = new ServiceStates();
        async Task<(string Stdout, int Code)> Sc(string line)
        {
            var (stdout, _, code) = await CommandLineAsync(line, states);
            return (stdout, code);
        }

        await Sc("sc create MyAgent binPath= \"C:\\agent.exe\" start= auto");
        var config = await Sc("sc config MyAgent binPath= \"C:\\agent2.exe --service\" obj= \".\\svcuser\" password= \"P@ss1\" DisplayName= \"My Agent\" depend= Tcpip/Afd");
        var delayed = await Sc("sc config MyAgent start= delayed-auto");
        var qc = await Sc("sc qc MyAgent");
        var failure = await Sc("sc failure MyAgent reset= 86400 actions= restart/60000/restart/120000");
        var qfailure = await Sc("sc qfailure MyAgent");
        var boot = await Sc("sc config MyAgent start= boot");
        var noSpace = await Sc("sc config MyAgent start=disabled");
        var description = await Sc("sc description W32Time \"Keeps time\"");
        var qdescription = await Sc("sc qdescription W32Time");
        var keyName = await Sc("sc GetKeyName \"Windows Time\"");
        var displayName = await Sc("sc GetDisplayName W32Time");
        var unknown = await Sc("sc GetDisplayName Nope");
        var queryex = await Sc("sc queryex W32Time");
        var stopped = await Sc("sc queryex MyAgent");

        Assert.That(config, Is.EqualTo(("[SC] ChangeServiceConfig SUCCESS\r\n", 0)));
        Assert.That(delayed, Is.EqualTo(("[SC] ChangeServiceConfig SUCCESS\r\n", 0)));
        Assert.That(qc.Stdout, Does.Contain("START_TYPE         : 2   AUTO_START  (DELAYED)\r\n").And.Contain("BINARY_PATH_NAME   : C:\\agent2.exe --service\r\n")
            .And.Contain("DISPLAY_NAME       : My Agent\r\n").And.Contain("DEPENDENCIES       : Tcpip\r\n                           : Afd\r\n").And.Contain("SERVICE_START_NAME : .\\svcuser\r\n"));
        Assert.That(failure, Is.EqualTo(("[SC] ChangeServiceConfig2 SUCCESS\r\n", 0)));
        Assert.That(qfailure.Stdout, Is.EqualTo("[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: MyAgent\r\n        RESET_PERIOD (in seconds)    : 86400\r\n" +
            "        REBOOT_MESSAGE               : \r\n        COMMAND_LINE                 : \r\n" +
            "        FAILURE_ACTIONS              : RESTART -- Delay = 60000 milliseconds.\r\n                                       RESTART -- Delay = 120000 milliseconds.\r\n"));
        Assert.That(boot, Is.EqualTo(("[SC] ChangeServiceConfig FAILED 87:\r\n\r\nThe parameter is incorrect.\r\n\r\n", 87)));
        Assert.That((noSpace.Stdout.Contains("MyAgent", StringComparison.Ordinal), noSpace.Code), Is.EqualTo((true, 1)), "a form sc does not take names the service in the not-emulated answer");
        Assert.That(description, Is.EqualTo(("[SC] ChangeServiceConfig2 SUCCESS\r\n", 0)));
        Assert.That(qdescription, Is.EqualTo(("[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: W32Time\r\nDESCRIPTION:  Keeps time\r\n", 0)));
        Assert.That(keyName, Is.EqualTo(("[SC] GetServiceKeyName SUCCESS\r\nName = W32Time\r\n", 0)));
        Assert.That(displayName, Is.EqualTo(("[SC] GetServiceDisplayName SUCCESS\r\nName = Windows Time\r\n", 0)));
        Assert.That(unknown, Is.EqualTo(("[SC] GetServiceDisplayName FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n", 1060)));
        Assert.That(queryex.Stdout, Does.EndWith("        WAIT_HINT          : 0x0\r\n        PID                : 1868\r\n        FLAGS              :\r\n"));
        Assert.That(stopped.Stdout, Does.Contain("STATE              : 1  STOPPED").And.Contain("PID                : 0\r\n"));
    }

    [Test]
    public async Task Win32_Service_has_the_class_s_properties_in_CIM_s_order_with_the_delayed_start_and_never_started_exit_code()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "$s = Get-CimInstance Win32_Service -Filter \"Name='WinRM'\"; (($s | Select-Object *).PSObject.Properties | Select-Object -First 8 | ForEach-Object Name) -join ','; " +
            "($s.PSObject.Properties | Select-Object -First 8 | ForEach-Object Name) -join ','; " +
            "\"$($s.AcceptStop) $($s.AcceptPause) $($s.DelayedAutoStart) $($s.ErrorControl) $($s.CreationClassName) $($s.ServiceSpecificExitCode)\"; " +
            "(Get-CimInstance Win32_Service -Filter \"Name='AJRouter'\").ExitCode; Start-Service AJRouter; Stop-Service AJRouter; (Get-CimInstance Win32_Service -Filter \"Name='AJRouter'\").ExitCode; " +
            "(Get-WmiObject Win32_Service -Filter \"Name='WinRM'\").__RELPATH",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Name,Status,ExitCode,DesktopInteract,ErrorControl,PathName,ServiceType,StartMode", "Caption,Description,InstallDate,Name,Status,CreationClassName,Started,StartMode",
            "True False False Normal Win32_Service 0", "1077", "0", "Win32_Service.Name=\"WinRM\"",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_service_cmdlet_s_error_names_the_service_and_carries_the_ServiceController_exception_it_wraps()
    {
        // The production ErrorRecord factory: the record a client receives and a catch block reads.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), ServiceStates = new ServiceStates() };
        var create = new CreatePipeline([new PipelineCommand(
            "try { Get-Service NoSuch -ErrorAction Stop } catch [Microsoft.PowerShell.Commands.ServiceCommandException] { $_.Exception.ServiceName }; " +
            "try { Start-Service Spooler -ErrorAction Stop } catch { $_.Exception.ServiceName; $_.Exception.InnerException.Message; $_.CategoryInfo.ToString() }",
            IsScript: true, [])], NoInput: true);
        await ((BehaviourScript)Default.Resolve(create)).RunAsync(host, time, ScriptedError.ToErrorRecord, CancellationToken.None);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "NoSuch", "Spooler", "Cannot start service Spooler on computer '.'.",
            "OpenError: (System.ServiceProcess.ServiceController:ServiceController) [Start-Service], ServiceCommandException",
        }));
    }

    [Test]
    public async Task A_running_service_s_process_is_the_one_Get_Process_and_Win32_Process_list_under_its_ProcessId()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "$id = (Get-CimInstance Win32_Service -Filter \"Name='WinDefend'\").ProcessId; (Get-Process -Id $id).Name; " +
            "$lsass = (Get-CimInstance Win32_Service -Filter \"Name='SamSs'\").ProcessId; (Get-Process lsass).Id -eq $lsass; (Get-CimInstance Win32_Service | Where-Object ProcessId -eq $lsass).Name -join ','; " +
            "New-Service -Name MyAgent -BinaryPathName '\"C:\\Program Files\\MyAgent\\agent.exe\" --service' | Out-Null; [bool](Get-Process agent -ErrorAction SilentlyContinue); " +
            "Start-Service MyAgent; $agent = Get-Process agent; $agent.Id -eq (Get-CimInstance Win32_Service -Filter \"Name='MyAgent'\").ProcessId; $agent.Path; " +
            "(Get-CimInstance Win32_Process -Filter \"Name='agent.exe'\").CommandLine; Stop-Service MyAgent; [bool](Get-Process agent -ErrorAction SilentlyContinue)",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "MsMpEng", "True", "KeyIso,SamSs,VaultSvc", "False", "True", @"C:\Program Files\MyAgent\agent.exe", "\"C:\\Program Files\\MyAgent\\agent.exe\" --service", "False",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task Stopping_a_service_s_process_stops_the_service_and_a_protected_one_is_access_denied()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "$id = (Get-CimInstance Win32_Service | Where-Object Name -eq 'MSDTC').ProcessId; Stop-Process -Id $id -Force; (Get-Service MSDTC).Status; [bool](Get-Process msdtc -ErrorAction SilentlyContinue); " +
            "Start-Service MSDTC; (Get-Process msdtc).Id -eq $id; Get-Process MsMpEng | Stop-Process -Force; (Get-Service WinDefend).Status",
            states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Stopped", "False", "True", "Running" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("CouldNotStopProcess,Microsoft.PowerShell.Commands.StopProcessCommand", "Cannot stop process \"MsMpEng (2212)\" because of the following error: Access is denied"),
        }));
    }

    /// <summary>sc query / start / stop / config in a cmd shell: sc's blocks and its "[SC] ... FAILED n" answers with exit code n.</summary>
    [Test]
    public async Task Sc_queries_starts_stops_and_configures_the_same_services()
    {
        var states = new ServiceStates();
        async Task<(string Stdout, int Code)> Sc(string line)
        {
            var (stdout, _, code) = await CommandLineAsync(line, states);
            return (stdout, code);
        }

        var query = await Sc("sc query WinRM");
        var stopped = await Sc("sc stop Spooler");
        var disabled = await Sc("sc start Spooler");
        var config = await Sc("sc config Spooler start= demand");
        var start = await Sc("sc.exe start spooler");
        var running = await Sc("sc start Spooler");
        var missing = await Sc("sc query Nope");
        var all = await Sc("sc query");
        var stoppedOnes = await Sc("sc query type= service state= inactive");
        var everyOne = await Sc("sc query state= all");
        var drivers = await Sc("sc query type= driver");
        var failure = await Sc("sc sdshow WinRM");

        Assert.That(query, Is.EqualTo(("\r\nSERVICE_NAME: WinRM\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n        STATE              : 4  RUNNING\r\n" +
            "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n        WIN32_EXIT_CODE    : 0  (0x0)\r\n        SERVICE_EXIT_CODE  : 0  (0x0)\r\n" +
            "        CHECKPOINT         : 0x0\r\n        WAIT_HINT          : 0x0\r\n", 0)));
        Assert.That(stopped, Is.EqualTo(("[SC] ControlService FAILED 1062:\r\n\r\nThe service has not been started.\r\n\r\n", 1062)));
        Assert.That(disabled.Code, Is.EqualTo(1058));
        Assert.That(config, Is.EqualTo(("[SC] ChangeServiceConfig SUCCESS\r\n", 0)));
        Assert.That(start.Code, Is.Zero);
        Assert.That(start.Stdout, Does.Contain("SERVICE_NAME: Spooler\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 2  START_PENDING\r\n"));
        Assert.That(running, Is.EqualTo(("[SC] StartService FAILED 1056:\r\n\r\nAn instance of the service is already running.\r\n\r\n", 1056)));
        Assert.That(missing, Is.EqualTo(("[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n", 1060)));
        // The services as PowerShell sees them now (nothing changed them since the listings).
        var names = (await RunAsync("Get-Service | Where-Object Status -eq Running | % Name; '-'; Get-Service | Where-Object Status -eq Stopped | % Name; '-'; (Get-Service).Count", states)).OutputTexts;
        var runningNames = names.TakeWhile(n => n != "-").ToList();
        var stoppedNames = names.SkipWhile(n => n != "-").Skip(1).TakeWhile(n => n != "-").ToList();
        Assert.That(runningNames, Does.Contain("Spooler").And.Contain("EventLog"));
        Assert.That(runningNames, Does.Not.Contain("BITS"));
        Assert.That(all.Stdout.Split("\r\n").Where(l => l.StartsWith("SERVICE_NAME", StringComparison.Ordinal)), Is.EqualTo(runningNames.Select(n => "SERVICE_NAME: " + n)));
        Assert.That((await RunAsync("(Get-Service Spooler).StartType; (Get-Service Spooler).Status", states)).OutputTexts, Is.EqualTo(new[] { "Manual", "Running" }));
        // Listing options: the state to list (Spooler was running when these ran; BITS, Remote Registry and Windows Update were not).
        Assert.That(stoppedNames, Does.Contain("BITS").And.Contain("RemoteRegistry").And.Contain("wuauserv"));
        Assert.That(stoppedNames, Does.Not.Contain("Spooler"));
        Assert.That(stoppedOnes.Stdout.Split("\r\n").Where(l => l.StartsWith("SERVICE_NAME", StringComparison.Ordinal)), Is.EqualTo(stoppedNames.Select(n => "SERVICE_NAME: " + n)));
        Assert.That(everyOne.Stdout.Split("\r\n").Count(l => l.StartsWith("SERVICE_NAME", StringComparison.Ordinal)), Is.EqualTo(int.Parse(names[^1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(drivers.Code, Is.EqualTo(1));
        Assert.That(failure.Code, Is.EqualTo(1));
    }

    /// <summary>
    /// New-Service installs a stopped, automatic LocalSystem service that Get-Service (by name too), Win32_Service, sc and
    /// net see; Start-Service starts it; a name a service has already is NewServiceCommand's CouldNotNewService.
    /// </summary>
    [Test]
    public async Task New_Service_installs_a_service_every_view_of_the_services_lists()
    {
        var states = new ServiceStates();
        var host = await RunAsync("""
            $s = New-Service -Name AppSvc -BinaryPathName 'C:\app\app.exe -service' -DisplayName 'App Service' -Description 'Runs the app' -DependsOn Dnscache
            "$($s.Name) $($s.Status) $($s.StartType) $($s.ServiceType) $($s.RequiredServices.Name)"
            (Get-Service AppSvc).DisplayName; (Get-Service -Name AppS*).Name; (Get-Service | Where-Object Name -eq AppSvc).Status
            $w = Get-WmiObject Win32_Service | Where-Object Name -eq AppSvc; "$($w.PathName)|$($w.StartName)|$($w.StartMode)|$($w.State)|$($w.ExitCode)|$($w.Description)"
            (Get-CimInstance Win32_Service -Filter "Name='AppSvc'").StartMode
            Start-Service AppSvc; (Get-Service AppSvc).Status; (Get-WmiObject Win32_Service | Where-Object Name -eq AppSvc).ExitCode
            New-Service -Name WinRM -BinaryPathName C:\x.exe; New-Service -Name appsvc -BinaryPathName C:\y.exe -StartupType Manual
            """, states);
        var sc = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, ServiceStates = states, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        await Default.ResolveCommandLine("sc qc AppSvc").RunAsync(sc, TimeProvider.System, CancellationToken.None);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "AppSvc Stopped Automatic Win32OwnProcess Dnscache", "App Service", "AppSvc", "Stopped",
            "C:\\app\\app.exe -service|LocalSystem|Auto|Stopped|1077|Runs the app", "Auto", "Running", "0",
        }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("CouldNotNewService,Microsoft.PowerShell.Commands.NewServiceCommand", "Service 'WinRM (WinRM)' cannot be created due to the following error: The specified service already exists"),
            ("CouldNotNewService,Microsoft.PowerShell.Commands.NewServiceCommand", "Service 'appsvc (appsvc)' cannot be created due to the following error: The specified service already exists"),
        }));
        Assert.That(sc.Stdout, Is.EqualTo(
            "[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: AppSvc\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n" +
            "        START_TYPE         : 2   AUTO_START\r\n        ERROR_CONTROL      : 1   NORMAL\r\n        BINARY_PATH_NAME   : C:\\app\\app.exe -service\r\n" +
            "        LOAD_ORDER_GROUP   : \r\n        TAG                : 0\r\n        DISPLAY_NAME       : App Service\r\n        DEPENDENCIES       : Dnscache\r\n" +
            "        SERVICE_START_NAME : LocalSystem\r\n"));
    }

    /// <summary>sc create installs a demand-start service (sc's "key= value" options), sc description and sc delete change and remove it, with sc's FAILED answers.</summary>
    [Test]
    public async Task Sc_create_describes_and_deletes_a_service_Get_Service_sees()
    {
        var states = new ServiceStates();
        async Task<(string Stdout, int Code)> Sc(string line)
        {
            var (stdout, _, code) = await CommandLineAsync(line, states);
            return (stdout, code);
        }

        var created = await Sc("sc.exe create Agent binPath= \"C:\\Program Files\\Agent\\agent.exe\" DisplayName= \"Monitoring Agent\" start= auto obj= LocalSystem");
        var again = await Sc("sc create agent binPath= C:\\a.exe");
        var described = await Sc("sc description Agent \"Sends metrics\"");
        var listed = await RunAsync("(Get-Service Agent).StartType; (Get-WmiObject Win32_Service | Where-Object Name -eq Agent).Description; (Get-Service | Measure-Object).Count", states);
        var deleted = await Sc("sc delete Agent");
        var gone = await Sc("sc delete Agent");
        var after = await RunAsync("Get-Service Agent", states);

        Assert.That(created, Is.EqualTo(("[SC] CreateService SUCCESS\r\n", 0)));
        Assert.That(again, Is.EqualTo(("[SC] CreateService FAILED 1073:\r\n\r\nThe specified service already exists.\r\n\r\n", 1073)));
        Assert.That(described, Is.EqualTo(("[SC] ChangeServiceConfig2 SUCCESS\r\n", 0)));
        Assert.That(listed.OutputTexts, Is.EqualTo(new[] { "Automatic", "Sends metrics", "197" }));
        Assert.That(deleted, Is.EqualTo(("[SC] DeleteService SUCCESS\r\n", 0)));
        Assert.That(gone, Is.EqualTo(("[SC] OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n", 1060)));
        Assert.That(after.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Cannot find any service with service name 'Agent'." }));
    }

    /// <summary>
    /// The computer is a workgroup's that never reached an NTP server: tzutil tells UTC (no line end), w32tm the Local CMOS
    /// Clock; whoami /upn cannot get a local user's UPN. With Windows Time stopped w32tm says its service is not started.
    /// </summary>
    [Test]
    public async Task Clock_programs_tell_UTC_and_an_unsynchronized_Windows_Time_and_follow_its_service()
    {
        var host = await RunAsync("""
            tzutil /g
            w32tm /query /source; $LASTEXITCODE
            (w32tm /query /status)[0, 7]
            w32tm /resync /force; $LASTEXITCODE
            whoami /upn; $LASTEXITCODE
            Stop-Service W32Time
            w32tm /query /status; $LASTEXITCODE
            net start w32time | Out-Null
            w32tm /query /source
            """, new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "UTC", "Local CMOS Clock", "0", "Leap Indicator: 3(not synchronized)", "Source: Local CMOS Clock",
            "Sending resync command to local computer", "The computer did not resync because no time data was available.", "1",
            "1",
            "The following error occurred: The service has not been started. (0x80070426)", "-2147023834",
            "Local CMOS Clock",
        }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "ERROR: Unable to get User Principal Name (UPN) as the current logged-on user is not a domain user." }));
    }

    /// <summary>
    /// Provisioning scripts set UTC, the zone the computers keep: Set-TimeZone -Id UTC (or its standard name) and tzutil /s
    /// succeed silently; -PassThru gives the zone. An ID or name Windows has not is TimeZoneNotFound, a terminating error
    /// (UTC is no zone's name); a zone Windows has but the emulator does not keep is a scenario error, not a wrong clock.
    /// </summary>
    [Test]
    public async Task Setting_the_time_zone_to_UTC_succeeds_and_an_unknown_zone_is_TimeZoneNotFound()
    {
        var host = await RunAsync("""
            Set-TimeZone -Id utc
            Set-TimeZone 'Coordinated Universal Time' -PassThru | ForEach-Object { "$($_.Id) $($_.BaseUtcOffset)" }
            tzutil /s "UTC"; "tzutil $LASTEXITCODE"; tzutil /s UTC_dstoff; "$LASTEXITCODE"
            try { Set-TimeZone -Id 'Mars Standard Time'; 'not here' } catch { 'caught' }
            Set-TimeZone -Id 'Mars Standard Time'; Set-TimeZone UTC; 'went on'
            (Get-TimeZone).Id
            """, new ServiceStates());

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "UTC 00:00:00", "tzutil 0", "0", "caught", "went on", "UTC",
        }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.ExceptionType, e.TargetName)), Is.EqualTo(new[]
        {
            ("The time zone ID 'Mars Standard Time' was not found on the local computer.", "TimeZoneNotFound,Microsoft.PowerShell.Commands.SetTimeZoneCommand",
                ErrorCategory.InvalidArgument, "System.TimeZoneNotFoundException", "Id"),
            ("The time zone name 'UTC' was not found on the local computer.", "TimeZoneNotFound,Microsoft.PowerShell.Commands.SetTimeZoneCommand",
                ErrorCategory.InvalidArgument, "System.TimeZoneNotFoundException", "Name"),
        }));
        var other = await RunAsync("Set-TimeZone -Id 'Pacific Standard Time'", new ServiceStates());
        Assert.That(other.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
    }
}

/// <summary>shutdown.exe's restart and Restart-Computer ask the computer's power for a restart.</summary>
public class ComputerRestartCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private sealed class FakePower : IComputerPower
    {
        public List<TimeSpan> Scheduled { get; } = [];

        public DateTimeOffset? LastBoot { get; init; }

        public bool ScheduleRestart(TimeSpan delay)
        {
            if (Scheduled.Count > 0) return false;
            Scheduled.Add(delay);
            return true;
        }

        public bool AbortRestart()
        {
            if (Scheduled.Count == 0) return false;
            Scheduled.Clear();
            return true;
        }
    }

    private sealed class PowerHost(FakeCommandLineHost inner, IComputerPower power) : PsrpEmulator.Server.Behaviours.CommandLines.ForwardingCommandLineHost(inner)
    {
        public override IComputerPower? Power => power;
    }

    private static async Task<(string Stderr, int Code)> ShutdownAsync(string line, IComputerPower? power)
    {
        var inner = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var host = power is null ? (PsrpEmulator.Server.Behaviours.CommandLines.ICommandLineHost)inner : new PowerHost(inner, power);
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (inner.Stderr, code);
    }

    [Test]
    public async Task Shutdown_r_schedules_a_restart_after_its_delay_and_a_aborts_it()
    {
        var power = new FakePower();

        var packer = await ShutdownAsync("shutdown /r /f /t 0 /c \"Packer Restart\"", power);
        var again = await ShutdownAsync("shutdown -r", power);
        var scheduled = power.Scheduled.ToList();
        var abort = await ShutdownAsync("shutdown /a", power);
        var abortNone = await ShutdownAsync("shutdown /a", power);
        var byDefault = await ShutdownAsync("shutdown.exe /r", power);

        Assert.That((packer, again), Is.EqualTo((("", 0), ("A system shutdown has already been scheduled.(1190)\r\n", 1190))));
        Assert.That(scheduled, Is.EqualTo(new[] { TimeSpan.Zero }));
        Assert.That((abort, abortNone), Is.EqualTo((("", 0), ("Unable to abort the system shutdown because no shutdown was in progress.(1116)\r\n", 1116))));
        Assert.That((byDefault.Code, power.Scheduled), Is.EqualTo((0, new List<TimeSpan> { TimeSpan.FromSeconds(30) })));
    }

    /// <summary>The default rules' LastBootUpTime (CIM, WMI's DMTF text, a file time as Ansible's win_reboot reads it) is the computer's last restart once it restarted.</summary>
    [Test]
    public async Task LastBootUpTime_is_the_scenarios_until_the_computer_restarts()
    {
        async Task<IReadOnlyList<string>> Boot(IComputerPower? power)
        {
            var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
            var host = new RecordingHost { Runspace = new RunspaceState(time), Power = power };
            await Default.Resolve(Behaviour.Script(
                "(Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime).LastBootUpTime.ToFileTime(); (Get-WmiObject Win32_OperatingSystem).LastBootUpTime; (gcim Win32_OperatingSystem).LastBootUpTime.ToString('s')")).RunTestAsync(host, time);
            Assert.That(host.Errors, Is.Empty);
            return host.OutputTexts;
        }

        var fresh = await Boot(null);
        var restarted = await Boot(new FakePower { LastBoot = new DateTimeOffset(2026, 11, 30, 10, 0, 5, TimeSpan.Zero) });

        Assert.That(fresh, Is.EqualTo(new[] { new DateTime(2026, 1, 12, 9, 35, 0, DateTimeKind.Utc).ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture), "20260112093500.000000+000", "2026-01-12T09:35:00" }));
        Assert.That(restarted, Is.EqualTo(new[] { new DateTime(2026, 11, 30, 10, 0, 5, DateTimeKind.Utc).ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture), "20261130100005.000000+000", "2026-11-30T10:00:05" }));
    }

    [TestCase("shutdown /s /t 0")]
    [TestCase("shutdown /l")]
    [TestCase("shutdown")]
    [TestCase("shutdown /r /a")]
    public async Task Turning_off_logging_off_and_bad_lines_are_not_emulated(string line)
    {
        var power = new FakePower();
        var (stderr, code) = await ShutdownAsync(line, power);

        Assert.That((stderr, code, power.Scheduled.Count), Is.EqualTo((PsrpEmulator.Server.Behaviours.CommandLines.NotEmulatedCommandScript.MessageFor(line), 1, 0)));
    }

    [Test]
    public void A_restart_brings_each_changed_service_back_as_its_start_type_says()
    {
        var states = new ServiceStates();
        states.SetStatus("WinRM", "Stopped");
        states.SetStartType("Spooler", "Automatic");
        states.SetStatus("Spooler", "Stopped");
        states.SetStartType("W3SVC", "Manual");
        states.SetStatus("W3SVC", "Running");

        states.Restart();

        Assert.That(new[] { states.Status("WinRM"), states.Status("Spooler"), states.Status("W3SVC"), states.StartType("Spooler") },
            Is.EqualTo(new[] { null, "Running", "Stopped", "Automatic" }));
    }
}

/// <summary>Server Manager's Get-, Install- and Uninstall-WindowsFeature on the computer's features.</summary>
public class WindowsFeatureTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, WindowsFeatureStates features)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), WindowsFeatures = features };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task Installing_IIS_installs_its_default_role_services_and_a_later_session_sees_them()
    {
        var features = new WindowsFeatureStates();
        var install = await RunAsync(
            "(Get-WindowsFeature Web-Server).InstallState; $r = Install-WindowsFeature -Name Web-Server -IncludeManagementTools; \"$($r.Success) $($r.RestartNeeded) $($r.ExitCode)\"; " +
            "$r.FeatureResult | Select-Object -First 3 | % Name; (Install-WindowsFeature Web-Server).ExitCode", features);
        var later = await RunAsync(
            "Get-WindowsFeature Web-* | ? Installed | Measure-Object | % Count; Get-WindowsFeature Web-Asp-Net45, Web-Mgmt-Console | % { \"$($_.Name) $($_.Installed) $($_.Depth)\" }; " +
            "(Get-WindowsFeature PowerShell).Installed; (Get-WindowsFeature Nothing-Like-This | Measure-Object).Count", features);

        Assert.That(install.OutputTexts, Is.EqualTo(new[] { "Available", "True No Success", "Web-Server", "Web-WebServer", "Web-Common-Http", "NoChangeNeeded" }));
        Assert.That(later.OutputTexts, Is.EqualTo(new[] { "15", "Web-Asp-Net45 False 4", "Web-Mgmt-Console True 3", "True", "0" }));
    }

    /// <summary>Get-WindowsFeature's objects are written in ServerManager's tree table: indented by depth, [X] for an installed one.</summary>
    [Test]
    public async Task Features_are_shown_in_Server_Manager_s_tree_table()
    {
        var host = await RunAsync("Get-WindowsFeature FileAndStorage-Services, File-Services, FS-FileServer, DNS | Out-String", new WindowsFeatureStates());

        Assert.That(string.Concat(host.OutputTexts), Does.Contain(
            "Display Name                                            Name                       Install State\r\n" +
            "------------                                            ----                       -------------\r\n" +
            "[ ] DNS Server                                          DNS                            Available\r\n" +
            "[X] File and Storage Services                           FileAndStorage-Services        Installed\r\n" +
            "    [ ] File and iSCSI Services                         File-Services                  Available\r\n" +
            "        [ ] File Server                                 FS-FileServer                  Available\r\n"));
    }

    [Test]
    public async Task Removing_a_role_needs_a_restart_and_an_unknown_name_is_NameDoesNotExist()
    {
        var features = new WindowsFeatureStates();
        var host = await RunAsync(
            "Add-WindowsFeature Web-Static-Content | % { $_.FeatureResult.Count }; (Get-WindowsFeature Web-Server).Installed; $u = Uninstall-WindowsFeature Web-Server; \"$($u.RestartNeeded) $($u.ExitCode)\"; " +
            "(Get-WindowsFeature Web-Static-Content).Installed; (Install-WindowsFeature Hyper-V -WhatIf | Measure-Object).Count; (Get-WindowsFeature Hyper-V).Installed; Install-WindowsFeature Nope; 'next'", features);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "4", "True", "Yes SuccessRestartRequired", "False", "0", "False", "next" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand" }));
    }

    /// <summary>The role services and features a typical IIS or hardening script names all exist, and install together.</summary>
    [Test]
    public async Task The_common_IIS_and_management_feature_names_install_in_one_call()
    {
        var features = new WindowsFeatureStates();
        var host = await RunAsync(
            "$r = Install-WindowsFeature Web-Server, Web-Asp-Net45, Web-Net-Ext45, Web-ISAPI-Ext, Web-ISAPI-Filter, Web-Windows-Auth, Web-Mgmt-Service, NET-Framework-45-ASPNET -IncludeManagementTools; " +
            "\"$($r.Success) $($r.ExitCode)\"; (Get-WindowsFeature Web-Windows-Auth, Web-Mgmt-Service, Web-Metabase, RSAT-ADDS, Failover-Clustering, FS-SMB1 | % { $_.Name + '=' + $_.Installed }) -join ','", features);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True Success", "Web-Windows-Auth=True,Web-Metabase=False,Web-Mgmt-Service=True,Failover-Clustering=False,RSAT-ADDS=False,FS-SMB1=False" }));
    }
}
