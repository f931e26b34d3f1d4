using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The scenario's <c>services:</c> are a fresh computer's services: Get-Service, Win32_Service (objects and WQL) and the
/// registry's Services key all list them, with what commands changed and installed since.
/// </summary>
public class ServiceDefinitionTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string Scenario = """
        services:
          - { name: Agent, displayName: Contoso Agent, startType: Automatic, status: Running, type: Win32OwnProcess, path: 'C:\Contoso\agent.exe',
              account: 'NT AUTHORITY\LocalService', dependsOn: [Tdx, RpcSs], accepts: [Stop, PauseContinue], processId: 4242, description: Sends metrics }
          - { name: Helper, displayName: Contoso Helper, startType: Manual, status: Stopped, type: Win32ShareProcess, path: 'C:\Windows\system32\svchost.exe -k netsvcs -p', dependsOn: [agent] }
          - { name: Spooler, displayName: Print Spooler, startType: Automatic, status: Running, accepts: [Stop, Shutdown] }
          - { name: Later, displayName: Server Two Only, startType: Manual, computer: Server02 }
        """;

    private static async Task<RecordingHost> RunAsync(string script, BehaviourCatalog catalog, ServiceStates? states = null, string computer = "Server01")
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        states ??= new ServiceStates();
        var host = new RecordingHost { Runspace = new RunspaceState(time), ServiceStates = states, Wmi = new ComputerWmi(catalog, computer, states, null, null) };
        host.Environment["COMPUTERNAME"] = computer;
        await catalog.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    private static BehaviourCatalog WithScenario() => BehaviourCatalog.Combine(BehaviourCatalog.Parse(Scenario, "services.yaml"), Default);

    [Test]
    public async Task A_scenario_s_services_join_the_default_s_and_replace_those_of_the_same_name()
    {
        var host = await RunAsync(
            "$all = Get-Service; $all.Count -gt 16; ($all.Name | Where-Object { $_ -in 'Agent', 'Helper', 'Later', 'Spooler', 'WinRM' }) -join ','; " +
            "$s = Get-Service spooler; \"$($s.Name) $($s.Status) $($s.StartType) $($s.CanShutdown)\"; " +
            "$a = Get-Service Agent; \"$($a.DisplayName) $($a.ServiceType) $($a.CanStop) $($a.CanPauseAndContinue) $($a.CanShutdown)\"; $a.RequiredServices.Name -join ','; " +
            "$a.RequiredServices.DisplayName -join ','; $a.DependentServices.Name; (Get-Service Helper).ServiceType.ToString()", WithScenario());

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "Agent,Helper,Spooler,WinRM",
            "Spooler Running Automatic True",
            "Contoso Agent Win32OwnProcess True True False", "Tdx,RpcSs", "NetIO Legacy TDI Support Driver,Remote Procedure Call (RPC)",
            "Helper", "Win32ShareProcess",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_service_given_for_one_computer_is_that_computer_s_alone()
    {
        var catalog = WithScenario();
        var one = await RunAsync("Get-Service Later -ErrorAction SilentlyContinue | % DisplayName; 'done'", catalog);
        var two = await RunAsync("Get-Service Later | % DisplayName", catalog, computer: "Server02");

        Assert.That(one.OutputTexts, Is.EqualTo(new[] { "done" }));
        Assert.That(two.OutputTexts, Is.EqualTo(new[] { "Server Two Only" }));
    }

    [Test]
    public async Task Win32_Service_objects_and_WQL_show_the_services_as_commands_left_them()
    {
        var states = new ServiceStates();
        var host = await RunAsync(
            "$a = Get-CimInstance Win32_Service -Filter \"Name='Agent'\"; \"$($a.State) $($a.ProcessId) $($a.StartName) $($a.ServiceType) $($a.Description)\"; " +
            "Stop-Service Agent; Set-Service Helper -StartupType Disabled; " +
            "Get-CimInstance -Query \"SELECT * FROM Win32_Service WHERE Name = 'Agent' OR Name = 'Helper'\" | % { \"$($_.Name) $($_.State) $($_.StartMode) $($_.ProcessId)\" }; " +
            "(Get-WmiObject Win32_Service | Where-Object Name -eq 'Agent').State",
            WithScenario(), states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"Running 4242 NT AUTHORITY\LocalService Own Process Sends metrics",
            "Agent Stopped Auto 0", "Helper Stopped Disabled 0",
            "Stopped",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_service_s_registry_key_has_its_definition_s_values()
    {
        var catalog = WithScenario();
        var states = new ServiceStates();
        var registry = catalog.NewRegistry("Server01");
        registry.Services = new ServiceRegistryKeys(() => new ComputerWmi(catalog, "Server01", states, null, null), states);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, ServiceStates = states, Wmi = new ComputerWmi(catalog, "Server01", states, null, null) };
        await catalog.Resolve(Behaviour.Script("""
            $key = 'HKLM:\SYSTEM\CurrentControlSet\Services'
            Get-ItemProperty "$key\Agent" | ForEach-Object { "$($_.DisplayName)|$($_.Description)|$($_.ImagePath)|$($_.ObjectName)|$($_.Start)|$($_.Type)|$($_.DependOnService -join ',')" }
            (Get-ItemProperty "$key\Helper").Type
            Test-Path "$key\Tdx"
            """)).RunTestAsync(host, time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"Contoso Agent|Sends metrics|C:\Contoso\agent.exe|NT AUTHORITY\LocalService|2|16|Tdx,RpcSs", "32", "True",
        }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task Starting_a_service_starts_what_it_depends_on_and_stopping_one_others_need_takes_Force()
    {
        var host = await RunAsync(
            "Stop-Service Agent; Start-Service Helper; Get-Service Agent, Helper | % { \"$($_.Name) $($_.Status)\" }; " +
            "Stop-Service Agent; (Get-Service Agent).Status.ToString(); Stop-Service Agent -Force; Get-Service Agent, Helper | % { \"$($_.Name) $($_.Status)\" }; " +
            "Set-Service Agent -StartupType Disabled; Start-Service Helper; (Get-Service Helper).Status.ToString()", WithScenario());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Agent Running", "Helper Running", "Running", "Agent Stopped", "Helper Stopped", "Stopped" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Cannot stop service 'Contoso Agent (Agent)' because it has dependent services. It can only be stopped if the Force flag is set.",
            "Service 'Contoso Helper (Helper)' cannot be started due to the following error: Cannot start service Helper on computer '.'.",
        }));
        Assert.That(host.Errors[0].FullyQualifiedErrorId, Is.EqualTo("ServiceHasDependentServices,Microsoft.PowerShell.Commands.StopServiceCommand"));
    }

    [Test]
    public async Task A_command_cannot_install_a_service_of_a_name_the_computer_has()
    {
        var states = new ServiceStates();
        var host = await RunAsync("New-Service -Name agent -BinaryPathName 'C:\\x.exe' -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null; \"$e\"", WithScenario(), states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Service 'agent (agent)' cannot be created due to the following error: The specified service already exists" }));
        Assert.That(states.Installed(), Is.Empty);
    }

    /// <summary>
    /// A role's services are there while it is installed (IIS's W3SVC, WAS and AppHostSvc with Web-Server), and installing
    /// it puts its files on the disk: C:\inetpub\wwwroot's start page, System32\inetsrv's programs.
    /// </summary>
    [Test]
    public async Task A_role_s_services_and_files_come_with_its_install()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var disk = new VirtualFileSystem(time, 16 * 1024 * 1024);
        var features = new WindowsFeatureStates { Installed = feature => WindowsFeatureFiles.Place(feature, disk) };
        var states = new ServiceStates { Features = features };
        var host = new RecordingHost { Runspace = new RunspaceState(time), ServiceStates = states, WindowsFeatures = features, FileSystem = disk, Wmi = new ComputerWmi(Default, "Server01", states, null, null) };
        await Default.Resolve(Behaviour.Script("""
            Get-Service W3SVC -ErrorAction SilentlyContinue -ErrorVariable before | Out-Null; $before.Count; Test-Path C:\inetpub
            (Install-WindowsFeature Web-Server).ExitCode.ToString()
            Get-Service W3SVC, WAS, AppHostSvc | ForEach-Object { "$($_.Name) $($_.Status) $($_.StartType) $($_.RequiredServices.Name -join ',')" }
            (Get-CimInstance Win32_Service -Filter "Name='W3SVC'").PathName
            (Get-ChildItem C:\inetpub\wwwroot).Name -join ','; (Get-Content C:\inetpub\wwwroot\iisstart.htm | Select-String '<title>').Line
            Test-Path C:\Windows\System32\inetsrv\appcmd.exe; Test-Path C:\inetpub\logs\LogFiles
            Uninstall-WindowsFeature Web-Server | Out-Null; @(Get-Service | Where-Object Name -in 'W3SVC', 'WAS').Count; Test-Path C:\inetpub\wwwroot\iisstart.htm
            """)).RunTestAsync(host, time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1", "False", "Success",
            "AppHostSvc Running Automatic ", "W3SVC Running Automatic WAS,HTTP", "WAS Running Manual RPCSS",
            @"C:\Windows\system32\svchost.exe -k iissvcs",
            "iisstart.htm,iisstart.png", "<title>IIS Windows Server</title>",
            "True", "True",
            "0", "True",
        }));
    }

    [TestCase("services:\n  - { name: A, feature: Web-Nope }", "'feature: Web-Nope' is not a Windows feature's name")]
    [TestCase("services:\n  - { name: A, color: red }", "unknown service key 'color'")]
    [TestCase("services:\n  - { name: A, startType: Sometimes }", "'startType: Sometimes' is not one of Automatic, Manual, Disabled")]
    [TestCase("services:\n  - { name: A, status: Asleep }", "'status: Asleep' is not one of Running, Stopped, Paused")]
    [TestCase("services:\n  - { name: A, type: Win32Service }", "'type: Win32Service' is not one of Win32OwnProcess")]
    [TestCase("services:\n  - { name: A, accepts: [Stop, Resume] }", "'Resume' is not a control a service accepts")]
    [TestCase("services:\n  - { name: A, processId: -4 }", "'processId: -4' is not a whole number")]
    [TestCase("services:\n  - { name: A, delayed: maybe }", "'delayed' takes true or false")]
    [TestCase("services:\n  - { name: A }\n  - { name: a }", "the service 'a' is given twice")]
    [TestCase("services:\n  - { displayName: Nameless }", "a service needs 'name:'")]
    [TestCase("services:\n  - { name: 'two words' }", "is not a service name")]
    [TestCase("services:\n  - just text", "a service is a mapping")]
    [TestCase("services: text", "'services:' is a list of services")]
    public void A_wrong_services_section_is_refused_with_its_place(string yaml, string message) =>
        Assert.That(() => BehaviourCatalog.Parse(yaml, "test.yaml"), Throws.InstanceOf<BehaviourLoadException>().With.Message.Contains(message).And.Message.Contains("test.yaml, line"));
}
