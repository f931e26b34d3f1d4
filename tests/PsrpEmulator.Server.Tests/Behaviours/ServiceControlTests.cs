using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Suspend-Service, Resume-Service, ServiceController.Pause()/Continue() and the WMI methods of Win32_Service and
/// Win32_Process (on Get-WmiObject's objects, [wmi]/[wmiclass], Invoke-WmiMethod, Invoke-CimMethod) change the
/// computer's services as the Service Control Manager would, and answer with WMI's return codes.
/// </summary>
public class ServiceControlTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, ServiceStates states)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(time), ServiceStates = states, Wmi = new ComputerWmi(Default, "Server01", states, null, null),
            HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null, null),
        };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task Suspend_Service_pauses_a_service_that_accepts_it_and_Resume_Service_runs_it_again()
    {
        var states = new ServiceStates();

        var host = await RunAsync(
            "Suspend-Service LanmanServer -PassThru | % { \"$($_.Name) $($_.Status)\" }; (Get-CimInstance Win32_Service -Filter \"Name='LanmanServer'\").State; " +
            "Get-Service LanmanServer | Resume-Service; (Get-Service LanmanServer).Status", states);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "LanmanServer Paused", "Paused", "Running" }));
        Assert.That(states.Status("LanmanServer"), Is.EqualTo("Running"));
    }

    [Test]
    public async Task Suspend_Service_of_a_stopped_or_unpausable_service_writes_both_of_5_1_s_errors()
    {
        var host = await RunAsync("Suspend-Service Spooler; Resume-Service WinRM -ErrorAction SilentlyContinue; Suspend-Service WinRM; 'after'", new ServiceStates());

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("CouldNotSuspendServiceNotRunning,Microsoft.PowerShell.Commands.SuspendServiceCommand", "Service 'Print Spooler (Spooler)' cannot be suspended because it is not currently running."),
            ("CouldNotSuspendService,Microsoft.PowerShell.Commands.SuspendServiceCommand", "Service 'Print Spooler (Spooler)' cannot be suspended due to the following error: Cannot pause Spooler service on computer '.'."),
            ("CouldNotSuspendServiceNotSupported,Microsoft.PowerShell.Commands.SuspendServiceCommand", "Service 'Windows Remote Management (WS-Management) (WinRM)' cannot be suspended because the service does not support being suspended or resumed."),
            ("CouldNotSuspendService,Microsoft.PowerShell.Commands.SuspendServiceCommand", "Service 'Windows Remote Management (WS-Management) (WinRM)' cannot be suspended due to the following error: Cannot pause WinRM service on computer '.'."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task ServiceController_Pause_and_Continue_change_the_service_and_throw_when_the_control_is_refused()
    {
        var states = new ServiceStates();

        var host = await RunAsync(
            "$s = Get-Service Winmgmt; $s.Pause(); (Get-Service Winmgmt).Status; $s.Continue(); (Get-Service Winmgmt).Status; " +
            "try { (Get-Service Spooler).Pause() } catch { \"$_\"; $_.FullyQualifiedErrorId }", states);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Paused", "Running", "Exception calling \"Pause\" with \"0\" argument(s): \"Cannot pause Spooler service on computer '.'.\"", "InvalidOperationException",
        }));
    }

    [Test]
    public async Task Win32_Service_methods_answer_with_WMI_s_return_codes_and_change_the_service()
    {
        var states = new ServiceStates();

        // Spooler is disabled (14) until ChangeStartMode; then it starts (0), is running (10), stops (0) and is stopped (5).
        // WinRM does not pause (4); EventLog has running dependents (3).
        var host = await RunAsync(
            "$s = Get-WmiObject Win32_Service -Filter \"Name='Spooler'\"; $s.StartService().ReturnValue; $s.ChangeStartMode('Auto').ReturnValue; $s.ChangeStartMode('Manual').ReturnValue; " +
            "$s.StartService().ReturnValue; $s.StartService().ReturnValue; (Get-Service Spooler).Status; $s.StopService().ReturnValue; $s.StopService().ReturnValue; " +
            "([wmi]\"Win32_Service.Name='WinRM'\").PauseService().ReturnValue; ([wmi]\"Win32_Service.Name='EventLog'\").StopService().ReturnValue; " +
            "(Get-Service Spooler).StartType; $r = $s.StopService(); $r.__CLASS; $r.__DERIVATION.Count", states);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "14", "21", "0", "0", "10", "Running", "0", "5", "4", "3", "Manual", "__PARAMETERS", "0" }));
        Assert.That(states.Status("Spooler"), Is.EqualTo("Stopped"));
        Assert.That(states.Status("EventLog"), Is.Null, "a stop refused for its running dependents changes nothing");
    }

    [Test]
    public async Task Invoke_CimMethod_and_Invoke_WmiMethod_run_the_method_on_a_query_s_path_s_or_piped_instances()
    {
        var states = new ServiceStates();

        var host = await RunAsync(
            "$r = Get-CimInstance Win32_Service -Filter \"Name='W32Time'\" | Invoke-CimMethod -MethodName StopService; $r.ReturnValue; $r.PSObject.TypeNames[0]; (Get-Service W32Time).Status; " +
            "(Invoke-CimMethod -Query \"SELECT * FROM Win32_Service WHERE Name='W32Time'\" -MethodName StartService).ReturnValue; (Get-Service W32Time).Status; " +
            "(Invoke-WmiMethod -Path \"Win32_Service.Name='W32Time'\" -Name StopService).ReturnValue; Get-WmiObject Win32_Service -Filter \"Name='W32Time'\" | iwmi -Name StopService | % ReturnValue; " +
            "Invoke-CimMethod -ClassName Win32_Service -MethodName StopService -WhatIf", states);

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Invoke-CimMethod: Win32_Service.StopService is an instance method, called on an instance; WMI's refusal is not emulated" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "Microsoft.Management.Infrastructure.CimMethodResult#Win32_Service#StopService", "Stopped", "0", "Running", "0", "5" }));
    }

    /// <summary>A query WMI refuses is Invoke-CimMethod's own error (the CIM cmdlets' HRESULT id), and no method runs.</summary>
    [Test]
    public async Task Invoke_CimMethod_of_a_query_wmi_refuses_is_its_invalid_query_error_and_runs_nothing()
    {
        var states = new ServiceStates();

        var host = await RunAsync("Invoke-CimMethod -Query \"SELECT * FROM Win32_Service WHERE Name=W32Time\" -MethodName StopService; (Get-Service W32Time).Status", states);

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.ExceptionType)), Is.EqualTo(new[]
        {
            ("Invalid query ", "HRESULT 0x80041017,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand", "Microsoft.Management.Infrastructure.CimException"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Running" }));
    }

    [Test]
    public async Task Win32_Process_Create_runs_the_command_line_and_answers_its_process_id_or_path_not_found()
    {
        var host = await RunAsync(
            "$r = Invoke-CimMethod -ClassName Win32_Process -MethodName Create -Arguments @{ CommandLine = 'cmd.exe /c echo hi' }; $r.ReturnValue; $r.ProcessId -gt 0; ($r.PSObject.Properties.Name) -join ','; " +
            "(Invoke-WmiMethod -Class Win32_Process -Name Create -ArgumentList 'nothere.exe').ReturnValue; ([wmiclass]'Win32_Process').Create('cmd.exe /c echo x').ReturnValue; " +
            "([wmiclass]'\\\\.\\root\\cimv2:Win32_Process').Create('cmd.exe /c echo y', 'C:\\no\\such').ReturnValue", new ServiceStates());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "True", "ProcessId,ReturnValue,PSComputerName", "9", "0", "9" }));
    }

    /// <summary>
    /// Invoke-CimMethod -CimClass (the documentation's pattern: the class from Get-CimClass, given or piped) calls the
    /// class's static method, as -ClassName does.
    /// </summary>
    [Test]
    public async Task Invoke_CimMethod_with_a_CimClass_given_or_piped_calls_the_class_s_static_method()
    {
        var host = await RunAsync(
            "$c = Get-CimClass -ClassName Win32_Process; (Invoke-CimMethod -CimClass $c -MethodName Create -Arguments @{ CommandLine = 'cmd.exe /c echo hi' }).ReturnValue; " +
            "(Get-CimClass Win32_Process | Invoke-CimMethod -MethodName Create -Arguments @{ CommandLine = 'nothere.exe' }).ReturnValue", new ServiceStates());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "9" }));
    }

    [Test]
    public async Task Win32_Process_Terminate_of_a_service_s_process_stops_its_services_and_of_a_protected_one_is_access_denied()
    {
        var states = new ServiceStates();

        var host = await RunAsync(
            "(Get-CimInstance Win32_Process -Filter \"Name='MsMpEng.exe'\" | Invoke-CimMethod -MethodName Terminate).ReturnValue; " +
            "$msdtc = (Get-CimInstance Win32_Service -Filter \"Name='MSDTC'\").ProcessId; (Get-Service MSDTC).Status; " +
            "(Get-WmiObject Win32_Process -Filter \"ProcessId=$msdtc\").Terminate().ReturnValue; (Get-Service MSDTC).Status", states);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "Running", "0", "Stopped" }));
    }

    [Test]
    public async Task Delete_of_an_installed_service_removes_it_and_a_missing_WMI_path_is_not_found()
    {
        var states = new ServiceStates();

        var host = await RunAsync(
            "New-Service -Name AppSvc -BinaryPathName C:\\app\\app.exe | Out-Null; (Get-WmiObject Win32_Service -Filter \"Name='AppSvc'\").Delete().ReturnValue; " +
            "@(Get-Service AppSvc -ErrorAction SilentlyContinue).Count; try { [wmi]\"Win32_Service.Name='AppSvc'\" } catch { $_.FullyQualifiedErrorId }; " +
            "Invoke-WmiMethod -Path \"Win32_Service.Name='AppSvc'\" -Name StopService", states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "0", "InvalidCastToWMI" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "InvokeWMIManagementException,Microsoft.PowerShell.Commands.InvokeWmiMethodCommand" }));
    }

    [Test]
    public async Task Sc_query_shows_a_pausable_service_PAUSABLE_and_a_paused_one_PAUSED()
    {
        var states = new ServiceStates();
        await RunAsync("Suspend-Service Winmgmt", states);
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, ServiceStates = states, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };

        var code = await Default.ResolveCommandLine("sc query LanmanServer & sc query Winmgmt").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(code, Is.Zero);
        Assert.That(host.Stdout, Does.Contain("STATE              : 4  RUNNING\r\n                                (STOPPABLE, PAUSABLE, ACCEPTS_SHUTDOWN)"));
        Assert.That(host.Stdout, Does.Contain("STATE              : 7  PAUSED\r\n                                (STOPPABLE, PAUSABLE, ACCEPTS_SHUTDOWN)"));
    }
}
