using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-WmiObject and Get-CimInstance of the computer's WMI classes when no rule answers: -Filter, -Query, their objects.</summary>
public class WmiObjectTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, ServiceStates? services = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(clock), Wmi = new ComputerWmi(Default, "Server01", services, null, null) { Clock = clock }, ServiceStates = services };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, clock);
        return (host, outcome);
    }

    // A computer whose WMI sees its roles and features (Win32_ServerFeature, Win32_OptionalFeature).
    private static async Task<RecordingHost> RunWithFeaturesAsync(string script)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var features = new WindowsFeatureStates();
        var host = new RecordingHost { Runspace = new RunspaceState(clock), WindowsFeatures = features, Wmi = new ComputerWmi(Default, "Server01", null, null, null) { Clock = clock, Features = features } };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, clock);
        return host;
    }

    [TestCase("Get-WmiObject -Class Win32_Process -Filter \"Name = 'svchost.exe'\" | Select-Object -ExpandProperty ProcessId", "1868|2500")]
    [TestCase("(Get-WmiObject Win32_Process -Filter \"Name = 'app.exe'\") -eq $null", "True")]
    [TestCase("gwmi -Query \"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = TRUE\" | % MACAddress", "00:15:5D:0A:01:04")]
    [TestCase("(Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE').IPAddress -join ','", "10.0.0.4,fe80::8d4c:2f6b:a91e:5c07")]
    [TestCase("$a = Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'Index = 1'; $a.__CLASS; $a.IPEnabled.GetType().Name; $a.Index.GetType().Name; \"$a\"",
        "Win32_NetworkAdapterConfiguration|Boolean|UInt32|\\\\TESTHOST01\\root\\cimv2:Win32_NetworkAdapterConfiguration.Index=1")]
    [TestCase("$c = Get-CimInstance Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE'; \"$c\"; $c.DHCPEnabled", "Win32_NetworkAdapterConfiguration: [00000001] Microsoft Hyper-V Network Adapter (Index = 1)|False")]
    [TestCase("(Get-WmiObject -Query 'SELECT Name FROM Win32_Process WHERE ProcessId = 4').Name", "System")]
    // Vagrant's Windows guest: its adapters with a MAC address, its DHCP check, the computer's rename (WMI's ReturnValue).
    [TestCase("Get-CimInstance win32_networkadapter -filter \"macaddress is not null\" | % { \"$($_.NetConnectionID) $($_.InterfaceIndex) $($_.MACAddress)\" }", "Ethernet 4 00:15:5D:0A:01:04")]
    [TestCase("[bool](Get-WmiObject -Class Win32_NetworkAdapterConfiguration -Filter \"Index=1 and DHCPEnabled=True\")", "False")]
    [TestCase("$c = Get-WmiObject -Class Win32_ComputerSystem; $r = $c.rename('web01'); $r.ReturnValue; $r.__CLASS; $c.Rename('no good!').ReturnValue; $c.PartOfDomain",
        "0|__PARAMETERS|87|False")]
    [TestCase("(gwmi Win32_Processor | Measure-Object -Property LoadPercentage -Average).Average", "3")]
    // A -Filter of several conditions on Win32_Service is the class's WQL query (a stopped automatic service check: Remote Registry, trigger-started).
    [TestCase("(Get-CimInstance Win32_Service -Filter \"StartMode='Auto' AND State<>'Running'\").Name -join ','; (Get-CimInstance Win32_Service -Filter \"Name LIKE 'Win%' OR StartMode='Disabled' AND Name LIKE 'S%'\").Name -join ','; (gwmi Win32_Service -Filter 'State = \"Running\" and StartMode = \"Auto\" and Name like \"W%\"').Name -join ','",
        "MapsBroker,RemoteRegistry,sppsvc|SCardSvr,shpamsvc,Spooler,ssh-agent,WinDefend,WinHttpAutoProxySvc,Winmgmt,WinRM|Wcmsvc,WinDefend,Winmgmt,WinRM,WpnService")]
    // So is one on Win32_LogicalDisk (a free space check).
    [TestCase("(gcim Win32_LogicalDisk -Filter \"DriveType=3 AND FreeSpace<>0\").DeviceID; @(gwmi Win32_LogicalDisk -Filter 'FreeSpace < 100').Count; (gwmi Win32_LogicalDisk -Filter \"DriveType=3 AND DeviceID='C:'\").FreeSpace.GetType().Name",
        "C:|0|UInt64")]
    // The uptime one-liner: a DMTF date through types.ps1xml's ConvertToDateTime, and back.
    [TestCase("$os = Get-WmiObject Win32_OperatingSystem; $boot = $os.ConvertToDateTime($os.LastBootUpTime); $boot.GetType().Name; $boot.ToString('o'); $os.ConvertFromDateTime($boot)",
        "DateTime|2026-01-12T09:35:00.0000000+00:00|20260112093500.000000+000")]
    // Monitoring's uptime, role and hardware checks: LocalDateTime is now, a standalone server in a Hyper-V machine, the CPU's id.
    [TestCase("$os = Get-WmiObject Win32_OperatingSystem; ($os.ConvertToDateTime($os.LocalDateTime) - $os.ConvertToDateTime($os.LastBootUpTime)).Days; $os.SizeStoredInPagingFiles; " +
        "$cs = Get-WmiObject Win32_ComputerSystem; $cs.DomainRole; $cs.HypervisorPresent; (Get-WmiObject Win32_Processor).ProcessorId",
        "323|1441228|2|True|BFEBFBFF00050657")]
    [TestCase("$os = Get-CimInstance Win32_OperatingSystem; ($os.LocalDateTime - $os.LastBootUpTime).Days; $os.LocalDateTime.ToString('o'); (Get-CimInstance Win32_ComputerSystem).DomainRole; " +
        "(Get-CimInstance Win32_Processor).ProcessorId; (Get-CimInstance Win32_OperatingSystem).FreeSpaceInPagingFiles",
        "323|2026-12-02T09:00:00.0000000+00:00|2|BFEBFBFF00050657|1310720")]
    // The process count agrees with Get-Process (and with a service's process once it stops).
    [TestCase("(Get-CimInstance Win32_OperatingSystem).NumberOfProcesses -eq @(Get-Process).Count; (Get-WmiObject Win32_OperatingSystem).NumberOfProcesses -eq @(Get-Process).Count; " +
        "(Get-CimInstance Win32_OperatingSystem).NumberOfProcesses.GetType().Name; Get-Variable PsrpEmulatorProcessCount -ErrorAction SilentlyContinue | Measure-Object | % Count; " +
        "(Get-ComputerInfo).OsNumberOfProcesses -eq @(Get-Process).Count",
        "True|True|UInt32|0|True")]
    [TestCase("[Environment]::Version.Major; [Environment]::Version", "4|4.0.30319.42000")]
    // Serverspec's process owner: GetOwner() of the first process of a name.
    [TestCase("gwmi win32_process -filter \"name = 'svchost.exe'\" | select -first 1 | % {$_.getowner().user}; $s = (gwmi Win32_Process -Filter 'ProcessId = 4').GetOwner(); \"$($s.Domain)\\$($s.User) $($s.ReturnValue)\"; (gwmi Win32_Process -Filter 'ProcessId = 0').GetOwner().ReturnValue",
        "NETWORK SERVICE|NT AUTHORITY\\SYSTEM 0|2")]
    // The volumes Get-Volume lists, and the time zone Get-TimeZone and tzutil tell.
    [TestCase("$v = gwmi Win32_Volume -Filter \"DriveLetter='C:'\"; $v.Name; $v.BootVolume; (gcim Win32_Volume | Where-Object { -not $_.DriveLetter }).Label; (gcim Win32_TimeZone).Caption; (gwmi Win32_TimeZone).Bias",
        "C:\\|True|System Reserved|(UTC) Coordinated Universal Time|0")]
    // Inventory agents' hardware and configuration classes: the memory, the disk, the pagefile (system managed), the license.
    [TestCase("(Get-CimInstance Win32_PhysicalMemory | Measure-Object -Property Capacity -Sum).Sum / 1GB; (gwmi Win32_DiskDrive).Model; @(Get-CimInstance Win32_PageFileSetting).Count; (gwmi Win32_PageFileUsage).Name; " +
        "(gcim Win32_PerfFormattedData_PerfOS_Processor | ? Name -eq _Total).PercentProcessorTime; gcim SoftwareLicensingProduct -Filter \"Name like 'Windows%'\" | ? { $_.PartialProductKey } | % LicenseStatus; (gcim Win32_BaseBoard).Product",
        "8|Microsoft Virtual Disk|0|C:\\pagefile.sys|3|1|Virtual Machine")]
    public async Task Get_WmiObject_reads_the_computer_s_WMI_classes(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>Win32_Share lists the computer's shares as they are now: the administrative ones and those a script made.</summary>
    [Test]
    public async Task Win32_Share_lists_the_computer_s_shares_as_they_are_now()
    {
        var shares = new SmbShares();
        shares.TryAdd(new SmbShares.Share("Data", @"C:\data", string.Empty));
        var host = new RecordingHost { Runspace = new RunspaceState(), Wmi = new ComputerWmi(Default, "Server01", null, null, null) { Shares = shares } };
        await Default.Resolve(Behaviour.Script("Get-CimInstance Win32_Share | ForEach-Object { \"$($_.Name)=$($_.Type)\" }")).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "C$=2147483648", "IPC$=2147483651", "ADMIN$=2147483648", "Data=0" }));
    }

    [Test]
    public async Task A_class_the_computer_has_not_and_another_namespace_are_scenario_errors()
    {
        var (host, _) = await RunAsync("Get-WmiObject Win32_Bogus; Get-WmiObject -Namespace root\\virtualization\\v2 -Class Msvm_ComputerSystem; 'after'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError", "PsrpEmulator.ScenarioError" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>
    /// A filter whose quotes were lost on the way (DeviceID=C:, Name=notepad.exe, a bare word) or a path with single
    /// backslashes is WMI's Invalid query: Get-WmiObject's error quotes the query it sent (lower-case keywords,
    /// GetWmiObjectCommand.GetQueryString), Get-CimInstance's is the CimException about_WQL shows; each the command's
    /// own error, and the script goes on.
    /// </summary>
    [Test]
    public async Task A_query_wmi_cannot_read_is_the_cmdlet_s_invalid_query_error_and_the_script_goes_on()
    {
        var (host, _) = await RunAsync("Get-WmiObject Win32_LogicalDisk -Filter 'DeviceID=C:'; 'one'; gwmi Win32_Product -Filter Micro; gwmi -Query \"SELECT * FROM Win32_Process WHERE Name = notepad.exe\"; 'two'; " +
            "Get-CimInstance -Query \"Select * from Win32_UserAccount where Caption = 'Fabrikam\\TimO'\"; gcim Win32_Service -Filter \"Name = 'WinRM\"; 'three'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "one", "two", "three" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.ExceptionType)), Is.EqualTo(new[]
        {
            ("Invalid query \"select * from Win32_LogicalDisk where DeviceID=C:\"", "GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand", ErrorCategory.InvalidArgument, "System.Management.ManagementException"),
            ("Invalid query \"select * from Win32_Product where Micro\"", "GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand", ErrorCategory.InvalidArgument, "System.Management.ManagementException"),
            ("Invalid query \"SELECT * FROM Win32_Process WHERE Name = notepad.exe\"", "GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand", ErrorCategory.InvalidArgument, "System.Management.ManagementException"),
            ("Invalid query ", "HRESULT 0x80041017,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand", ErrorCategory.InvalidArgument, "Microsoft.Management.Infrastructure.CimException"),
            ("Invalid query ", "HRESULT 0x80041017,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand", ErrorCategory.InvalidArgument, "Microsoft.Management.Infrastructure.CimException"),
        }));
    }

    [Test]
    public async Task An_invalid_query_error_names_its_cmdlet_and_exception_in_its_category_info()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(clock), Wmi = new ComputerWmi(Default, "Server01", null, null, null) { Clock = clock } };
        var script = "try { gwmi Win32_LogicalDisk -Filter 'DeviceID=C:' -ErrorAction Stop } catch { \"$($_.CategoryInfo)\" }; try { Get-CimInstance Win32_Service -Filter \"Name = 'x\" -ErrorAction Stop } catch { \"$($_.CategoryInfo)\" }";
        await ((BehaviourScript)Default.Resolve(Behaviour.Script(script))).RunAsync(host, clock, ScriptedError.ToErrorRecord, CancellationToken.None);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "InvalidArgument: (:) [Get-WmiObject], ManagementException", "InvalidArgument: (:) [Get-CimInstance], CimException" }));
    }

    [Test]
    public async Task A_query_written_as_wql_allows_runs_constant_first_and_with_escaped_backslashes()
    {
        var (host, _) = await RunAsync("(gwmi Win32_LogicalDisk -Filter '3 = DriveType').DeviceID; (gcim Win32_Service -Filter \"'WinRM' = Name\").State; " +
            "(gwmi Win32_OperatingSystem -Filter \"WindowsDirectory = 'C:\\\\Windows'\").Version; @(gwmi Win32_Service -Filter '').Count -gt 50");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "C:", "Running", "10.0.17763", "True" }));
    }

    /// <summary>
    /// WQL that WMI may run but the emulator does not read, and a property the scenario's class does not give (of a class
    /// whose schema the emulator does not know): scenario errors, not a wrong answer.
    /// </summary>
    [TestCase("Get-WmiObject -Query \"ASSOCIATORS OF {Win32_Service.Name='WinRM'}\"", "ASSOCIATORS OF and REFERENCES OF queries are not emulated")]
    [TestCase("Get-CimInstance Win32_Service -Filter \"Name NOT LIKE 'W%'\"", "'Name NOT' is not emulated")]
    [TestCase("gwmi Win32_Service -Filter \"TargetInstance ISA 'Win32_Service'\"", "'TargetInstance ISA' is not emulated")]
    [TestCase("gwmi Win32_PerfFormattedData_PerfOS_Memory -Filter 'CacheBytes > 2'", "names CacheBytes, which the scenario's wmi: class Win32_PerfFormattedData_PerfOS_Memory does not give")]
    public async Task Wql_the_emulator_does_not_read_is_a_scenario_error(string script, string reason)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(host.Errors.Single().Message, Does.Contain(reason));
    }

    /// <summary>A ManagementObject shows types.ps1xml's DefaultDisplayPropertySet of its class: six properties are a list.</summary>
    [Test]
    public async Task A_management_object_shows_its_class_s_default_display_properties()
    {
        var (host, _) = await RunAsync("Get-WmiObject Win32_ComputerSystem | Out-String");

        Assert.That(host.OutputTexts.Single().Trim(), Is.EqualTo(
            "Domain              : WORKGROUP\r\nManufacturer        : Microsoft Corporation\r\nModel               : Virtual Machine\r\n" +
            "Name                : SERVER01\r\nPrimaryOwnerName    : Windows User\r\nTotalPhysicalMemory : 8589463552"));
    }

    /// <summary>Another WMI method of a class is a scenario error, not PowerShell's MethodNotFound.</summary>
    [Test]
    public async Task A_wmi_method_the_emulator_does_not_run_is_a_scenario_error()
    {
        var (host, _) = await RunAsync("(Get-WmiObject Win32_ComputerSystem).JoinDomainOrWorkgroup('corp', 'p', 'u', $null, 3); 'after'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "The WMI method Win32_ComputerSystem.JoinDomainOrWorkgroup is not emulated: give the script's command a rule" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>Test-WSMan: WS-Man's Identify answer, the OS version hidden from an anonymous request (Vagrant reads the stack's major version).</summary>
    [Test]
    public async Task Test_wsman_answers_the_identify_response()
    {
        var (host, _) = await RunAsync("((test-wsman).productversion.split(' ') | select -last 1).split('.')[0]; (Test-WSMan -Authentication Default).ProductVersion; (Test-WSMan localhost).wsmid");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "OS: 10.0.17763 SP: 0.0 Stack: 3.0", "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd" }));
    }

    [Test]
    public async Task Test_wsman_of_another_computer_answers_anonymously_when_its_firewall_lets_winrm_in_and_writes_winrm_s_fault_otherwise()
    {
        var network = new NetworkSettings
        {
            Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" },
            NeighbourAllows = (address, protocol, port) => address == "10.0.0.5" && protocol == "TCP" && port == 5985,
        };
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };
        await Default.Resolve(Behaviour.Script(
            "(Test-WSMan Server02).ProductVersion; (Test-WSMan -ComputerName 10.0.0.5 -Authentication None).wsmid; (Test-WSMan ::1 -Authentication Default).ProductVersion; Test-WSMan server03; Test-WSMan -cn Nowhere; [bool](Test-WSMan Server03 -ErrorAction SilentlyContinue)"))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "OS: 0.0.0 SP: 0.0 Stack: 3.0", "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd", "OS: 10.0.17763 SP: 0.0 Stack: 3.0", "False" }),
            "::1 is this computer, asked with authentication");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName)), Is.EqualTo(new[]
        {
            ("WsManError,Microsoft.WSMan.Management.TestWSManCommand", "server03"),
            ("WsManError,Microsoft.WSMan.Management.TestWSManCommand", "Nowhere"),
        }));
        Assert.That(host.Errors[0].Message, Is.EqualTo(
            "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150859046\" Machine=\"TESTHOST01\"><f:Message>WinRM cannot complete the operation. " +
            "Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. " +
            "By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet. </f:Message></f:WSManFault>"));
    }

    [TestCase("Test-WSMan Server02 -Authentication Default")]
    [TestCase("Test-WSMan Server02 -UseSSL")]
    [TestCase("Test-WSMan -ComputerName Server02 -Port 5986")]
    public async Task Test_wsman_of_another_computer_with_authentication_or_another_listener_is_left_to_the_scenario(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = new NetworkSettings { Neighbours = new Dictionary<string, string> { ["Server02"] = "10.0.0.5" } } };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }

    private static Task<(RecordingHost Host, TimeSpan Elapsed)> RunWithNeighboursAsync(string script, bool wmiAllowed) =>
        Default.RunOnVirtualClockAsync(script, clock => new RecordingHost
        {
            Runspace = new RunspaceState(clock),
            NetworkSettings = new NetworkSettings
            {
                Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5" },
                NeighbourAllows = (_, protocol, port) => protocol == "TCP" && (port == 5985 || wmiAllowed && port == 135),
            },
        });

    [Test]
    public async Task Get_WmiObject_of_another_computer_whose_firewall_drops_dcom_is_the_rpc_server_unavailable_after_tcp_gives_up()
    {
        var (host, elapsed) = await RunWithNeighboursAsync("Get-WmiObject Win32_OperatingSystem -ComputerName Server02; 'after'; gwmi Win32_BIOS -cn Nowhere", wmiAllowed: false);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(Enumerable.Repeat(
            ("The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)", "GetWMICOMException,Microsoft.PowerShell.Commands.GetWmiObjectCommand", ErrorCategory.InvalidOperation), 2)));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(21)),
            "the dropped connection waits for TCP to give up; a name that does not resolve fails at once");
    }

    [Test]
    public async Task Get_WmiObject_of_another_computer_that_lets_dcom_in_is_the_double_hop_s_access_denied_for_the_statement()
    {
        var (host, _) = await RunWithNeighboursAsync("Get-WmiObject Win32_OperatingSystem -ComputerName Server02; 'after'; try { gwmi Win32_BIOS -ComputerName 10.0.0.5; 'not here' } catch { $_.FullyQualifiedErrorId }", wmiAllowed: true);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetWmiObjectCommand" }));
        Assert.That(host.Errors.Single().Message, Is.EqualTo("Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))"));
        Assert.That(host.Errors.Single().Category, Is.EqualTo(ErrorCategory.NotSpecified));
    }

    [Test]
    public async Task Get_WmiObject_of_another_computer_with_credentials_or_with_this_one_is_left_to_the_scenario()
    {
        var (withCredential, _) = await RunWithNeighboursAsync("Get-WmiObject Win32_BIOS -ComputerName Server02 -Credential $c", wmiAllowed: true);
        var (mixed, _) = await RunWithNeighboursAsync("Get-WmiObject Win32_BIOS -ComputerName localhost, Server02", wmiAllowed: true);

        Assert.That(withCredential.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(mixed.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }

    [Test]
    public async Task Get_Service_of_another_computer_lists_nothing_named_and_cannot_open_its_service_control_manager_otherwise()
    {
        var (host, _) = await RunWithNeighboursAsync(
            "Get-Service -ComputerName Server02 -Name WinRM, Spooler; 'after'; Get-Service -ComputerName Nowhere; 'still'; try { Get-Service Win* -ComputerName Server02 } catch { \"$_\" }", wmiAllowed: false);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "still", "Cannot open Service Control Manager on computer 'Server02'. This operation might require other privileges." }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName)), Is.EqualTo(new (string, string?)[]
        {
            ("NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand", "WinRM"),
            ("NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand", "Spooler"),
            ("System.InvalidOperationException,Microsoft.PowerShell.Commands.GetServiceCommand", null),
        }));
        Assert.That(host.Errors[2].Message, Is.EqualTo("Cannot open Service Control Manager on computer 'Nowhere'. This operation might require other privileges."));
    }

    /// <summary>InSpec's wmi resource: each object's .NET Properties (a PropertyData's Name and Value) gathered into a table.</summary>
    [Test]
    public async Task A_management_object_has_its_dotnet_properties_after_the_wmi_ones()
    {
        var (host, _) = await RunAsync("""
            Function Aggregate {
              $propsHash = @{}
              ForEach ($wmiObj in $Input) {
                ForEach ($wmiProp in $wmiObj.properties) {
                  If ($propsHash.ContainsKey($wmiProp.name)) { $propsHash[$wmiProp.name].add($wmiProp.value) | Out-Null }
                  Else { $propsHash[$wmiProp.name] = [System.Collections.ArrayList]@($wmiProp.value) }
                }
              }
              $propsHash
            }
            $h = Get-WmiObject -class "Win32_BIOS" | Aggregate
            $h['SerialNumber'][0] -eq (Get-WmiObject Win32_BIOS).SerialNumber
            $h.ContainsKey('__CLASS')
            $b = Get-WmiObject Win32_BIOS
            ($b.SystemProperties | Select-Object -First 2 | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' '
            "$($b.ClassPath) | $($b.Path)"
            ($b | Format-List * | Out-String) -match 'Properties\s+: \{BiosCharacteristics, BIOSVersion, BuildNumber, Caption\.\.\.\}'
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "False", "__GENUS=2 __CLASS=Win32_BIOS", @"\\TESTHOST01\root\cimv2:Win32_BIOS | \\TESTHOST01\root\cimv2:Win32_BIOS.Name=""Hyper-V UEFI Release v4.0"",SoftwareElementID=""Hyper-V UEFI Release v4.0"",SoftwareElementState=3,TargetOperatingSystem=0,Version=""VRTUAL - 12001807""", "True",
        }), "Properties are the class's own (all that Win32_BIOS declares), the __ ones SystemProperties; the path's number keys bare");
    }

    /// <summary>
    /// Get-WmiObject Win32_OperatingSystem | Select-Object * as a real server lists it: the alias and the property sets
    /// first, the ten system properties with the class's derivation and its 64 properties, then every property of the
    /// class by name (one the scenario leaves out null), typed as the class declares them; PropertyData.Origin is the
    /// class that declares a property.
    /// </summary>
    [Test]
    public async Task A_management_object_has_its_class_s_system_properties_and_every_property_of_the_class()
    {
        var (host, _) = await RunAsync("""
            $os = Get-WmiObject Win32_OperatingSystem
            (($os | Select-Object *).PSObject.Properties.Name | Select-Object -First 18) -join ','
            ($os.PSObject.Properties | Select-Object -First 20 | ForEach-Object Name) -join ','
            $os.__PROPERTY_COUNT; $os.__DERIVATION -join ','; $os.__SUPERCLASS; $os.__DYNASTY
            $os.OSType.GetType().Name; $os.CurrentTimeZone.GetType().Name; $os.MaxNumberOfProcesses; $null -eq $os.TotalSwapSpaceSize
            ($os.Properties | Where-Object Name -in 'Caption', 'BootDevice', 'FreePhysicalMemory' | ForEach-Object { "$($_.Name) $($_.Origin) $($_.IsLocal) $($_.Type)" }) -join ','
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "PSComputerName,Status,Name,FreePhysicalMemory,FreeSpaceInPagingFiles,FreeVirtualMemory,__GENUS,__CLASS,__SUPERCLASS,__DYNASTY,__RELPATH,__PROPERTY_COUNT,__DERIVATION,__SERVER,__NAMESPACE,__PATH,BootDevice,BuildNumber",
            "PSComputerName,__GENUS,__CLASS,__SUPERCLASS,__DYNASTY,__RELPATH,__PROPERTY_COUNT,__DERIVATION,__SERVER,__NAMESPACE,__PATH,BootDevice,BuildNumber,BuildType,Caption,CodeSet,CountryCode,CreationClassName,CSCreationClassName,CSDVersion",
            "64", "CIM_OperatingSystem,CIM_LogicalElement,CIM_ManagedSystemElement", "CIM_OperatingSystem", "CIM_ManagedSystemElement",
            "UInt16", "Int16", "4294967295", "True",
            "BootDevice Win32_OperatingSystem True String,Caption CIM_ManagedSystemElement False String,FreePhysicalMemory CIM_OperatingSystem False UInt64",
        }));
    }

    /// <summary>
    /// Get-CimInstance's objects as the CIM cmdlets make them: their type names down the class's derivation, their
    /// properties in CIM's order (the root class's first, each class's by name) after the property sets Format-List *
    /// expands (real Get-CimInstance Win32_Service | Format-List * starts Name, Status, ExitCode, DesktopInteract...), and
    /// CimInstance.ToString()'s "Class: Caption (Key = value)".
    /// </summary>
    [Test]
    public async Task A_cim_instance_has_its_derivation_s_type_names_and_cim_s_property_order()
    {
        var (host, _) = await RunAsync("""
            $os = Get-CimInstance Win32_OperatingSystem
            ($os.PSObject.TypeNames | Select-Object -First 4) -join ','
            ($os.PSObject.Properties | Select-Object -First 12 | ForEach-Object Name) -join ','
            (($os | Select-Object *).PSObject.Properties.Name | Select-Object -First 7) -join ','
            "$os"; "$(Get-CimInstance Win32_LogicalDisk)"; "$(Get-CimInstance Win32_Service -Filter "Name='WinRM'")"
            ((Get-CimInstance Win32_Service -Filter "Name='WinRM'" | Select-Object *).PSObject.Properties.Name | Select-Object -First 12) -join ','
            ((Get-CimInstance Win32_LogicalDisk | Select-Object *).PSObject.Properties.Name | Select-Object -First 30) -join ','
            "$(Get-CimInstance Win32_ComputerSystem)"; "$(gcim Win32_Processor)"; "$(Get-CimInstance -ClassName Win32_BIOS)"
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem,Microsoft.Management.Infrastructure.CimInstance#root/cimv2/CIM_OperatingSystem," +
            "Microsoft.Management.Infrastructure.CimInstance#root/cimv2/CIM_LogicalElement,Microsoft.Management.Infrastructure.CimInstance#root/cimv2/CIM_ManagedSystemElement",
            "Caption,Description,InstallDate,Name,Status,CreationClassName,CSCreationClassName,CSName,CurrentTimeZone,Distributed,FreePhysicalMemory,FreeSpaceInPagingFiles",
            "Status,Name,FreePhysicalMemory,FreeSpaceInPagingFiles,FreeVirtualMemory,Caption,Description",
            "Win32_OperatingSystem: Microsoft Windows Server 2019 Datacenter", "Win32_LogicalDisk: C: (DeviceID = \"C:\")", "Win32_Service: Windows Remote Management (WS-Management) (Name = \"WinRM\")",
            "Name,Status,ExitCode,DesktopInteract,ErrorControl,PathName,ServiceType,StartMode,Caption,Description,InstallDate,CreationClassName",
            // As a real Windows 10 lists its C: (CIM_LogicalDevice's, CIM_StorageExtent's, CIM_LogicalDisk's, then Win32_LogicalDisk's).
            "Status,Availability,DeviceID,StatusInfo,Caption,Description,InstallDate,Name,ConfigManagerErrorCode,ConfigManagerUserConfig,CreationClassName,ErrorCleared," +
            "ErrorDescription,LastErrorCode,PNPDeviceID,PowerManagementCapabilities,PowerManagementSupported,SystemCreationClassName,SystemName,Access,BlockSize," +
            "ErrorMethodology,NumberOfBlocks,Purpose,FreeSpace,Size,Compressed,DriveType,FileSystem,MaximumComponentLength",
            "Win32_ComputerSystem: SERVER01 (Name = \"SERVER01\")", "Win32_Processor: Intel64 Family 6 Model 85 Stepping 7 (DeviceID = \"CPU0\")",
            "Win32_BIOS: Hyper-V UEFI Release v4.0 (Name = \"Hyper-V UEFI Release v4.0\", SoftwareElementID = \"Hyper-V UEFI Release v4.0\", SoftwareElementState = 3, " +
            "TargetOperatingSystem = 0, Version = \"VRTUAL - 12001807\")",
        }));
    }

    /// <summary>
    /// The default computer's Win32_OperatingSystem answers however it is asked (no rule of its own): NumberOfProcesses is
    /// Get-Process's count, -Property a partial instance (Ansible's win_reboot reads LastBootUpTime so), and a property
    /// the class has not is WMI's Invalid query.
    /// </summary>
    [Test]
    public async Task Win32_operating_system_is_the_computer_s_class_however_it_is_asked()
    {
        var (host, _) = await RunAsync("""
            (Get-CimInstance Win32_OperatingSystem).NumberOfProcesses -eq @(Get-Process).Count
            $partial = Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime
            $partial.LastBootUpTime.ToString('o'); $null -eq $partial.Caption; "$partial"
            (Get-CimInstance Win32_OperatingSystem -Filter "Primary = TRUE" -Property Caption).Caption
            (gwmi Win32_OperatingSystem -Filter "Primary = TRUE").Caption
            gwmi Win32_OperatingSystem -Filter 'NoSuchProperty = 2'
            'after'
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "2026-01-12T09:35:00.0000000+00:00", "True", "Win32_OperatingSystem", "Microsoft Windows Server 2019 Datacenter",
            "Microsoft Windows Server 2019 Datacenter", "after",
        }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Invalid query \"select * from Win32_OperatingSystem where NoSuchProperty = 2\"", "GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand"),
        }));
    }

    /// <summary>
    /// A -Filter built from variables (<c>"Name='$service'"</c>, the common form in scripts) is the expanded condition:
    /// the default scenario's rules of fixed text do not take it as written (they queried for the literal '$n').
    /// </summary>
    [Test]
    public async Task A_filter_with_variables_is_evaluated_after_the_string_expands()
    {
        var (host, _) = await RunAsync(
            "$n = 'WinRM'; (Get-WmiObject Win32_Service -Filter \"Name='$n'\").State; (Get-CimInstance Win32_Service -Filter \"Name='$n'\").State; " +
            "$d = 'D:'; @(Get-CimInstance Win32_LogicalDisk -Filter \"DeviceID='$d'\").Count; $d = 'C:'; @(Get-WmiObject Win32_LogicalDisk -Filter \"DeviceID='$d'\").Count");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Running", "Running", "0", "1" }));
    }

    /// <summary>Get-CimInstance's Win32 classes show as the CIM cmdlets' tables (Get-WmiObject's as lists); Format-List the same properties.</summary>
    [Test]
    public async Task The_cim_cmdlets_show_win32_classes_as_their_tables()
    {
        var (host, _) = await RunAsync("Get-CimInstance Win32_OperatingSystem | Out-String -Width 120; Get-CimInstance Win32_LogicalDisk | Format-List | Out-String");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts[0], Does.StartWith(
            "\r\nSystemDirectory     Organization BuildNumber RegisteredUser SerialNumber            Version   \r\n" +
            "---------------     ------------ ----------- -------------- ------------            -------   \r\n" +
            "C:\\Windows\\system32              17763       Windows User   00430-00000-00000-AA000 10.0.17763\r\n"));
        Assert.That(host.OutputTexts[1], Does.StartWith("\r\n\r\nDeviceID     : C:\r\nDriveType    : 3\r\nProviderName : \r\nVolumeName   : \r\nSize         : "));
        Assert.That(host.OutputTexts[1], Does.Not.Contain("FileSystem"));
    }

    /// <summary>
    /// A ManagementObject has types.ps1xml's AliasProperty PSComputerName = __SERVER, a member: Format-List * and
    /// Select-Object * (which resolve * against PSObject.Members, extended first) list it first, Format-List alone of a
    /// class with no view (AssociationManager.ExpandAll: adapted first) last; a CimInstance's is its adapter's, none locally.
    /// </summary>
    [Test]
    public async Task A_management_object_has_PSComputerName_first_with_star_and_its_type_members_last_in_its_plain_list()
    {
        var (host, _) = await RunAsync(
            "$p = Get-WmiObject Win32_Process -Filter 'ProcessId = 4'; $p.PSComputerName -eq $p.__SERVER; " +
            "(($p | Format-List * | Out-String) -split \"`r`n\" | ? { $_ })[0]; (($p | Format-List | Out-String) -split \"`r`n\" | ? { $_ })[-1]; " +
            "($p | Select-Object *).psobject.Properties.Name[0]; $null -eq (Get-CimInstance Win32_Process -Filter 'ProcessId = 4').PSComputerName");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts[0], Is.EqualTo("True"));
        Assert.That(host.OutputTexts[1], Does.Match(@"^PSComputerName +: \S+$"));
        // Then, in the plain list, Win32_Process's own type-table members (base types' first, as TypeTable consolidates them).
        Assert.That(host.OutputTexts[2], Does.Match(@"^Path +: *$"), "System has no ExecutablePath");
        Assert.That(host.OutputTexts.Skip(3), Is.EqualTo(new[] { "PSComputerName", "True" }));
    }

    /// <summary>
    /// A query of some properties (Get-WmiObject -Property, -Query "SELECT ... FROM"): WMI answers a ManagementObject of
    /// those properties only, class-less (no superclass, derivation, server, namespace or path; its relative path when
    /// the keys were selected); the CIM cmdlets a CimInstance of the whole class with the others, but the keys, null.
    /// </summary>
    [Test]
    public async Task A_projection_is_a_management_object_of_the_selected_properties_and_a_partial_cim_instance()
    {
        var (host, _) = await RunAsync("""
            $d = Get-WmiObject Win32_LogicalDisk -Property DeviceID, FreeSpace
            $d.__RELPATH; $d.__PROPERTY_COUNT; $null -eq $d.__SERVER; $null -eq $d.__PATH; $null -eq $d.PSComputerName; $d.__DERIVATION.Count; $null -eq $d.Size
            ($d.Properties | ForEach-Object Name) -join ','
            $f = Get-WmiObject -Query 'SELECT FreeSpace FROM Win32_LogicalDisk'
            $null -eq $f.__RELPATH; "[$f]"
            (Get-WmiObject Win32_Process -Filter 'ProcessId = 4' -Property Name, Handle).__RELPATH
            $c = Get-CimInstance -Query 'SELECT FreeSpace FROM Win32_LogicalDisk'
            $c.DeviceID; $c.FreeSpace -gt 0; $null -eq $c.Size; $c.PSObject.Properties.Name.Count -gt 30
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Win32_LogicalDisk.DeviceID=\"C:\"", "2", "True", "True", "True", "0", "True", "DeviceID,FreeSpace",
            "True", "[]",
            "Win32_Process.Handle=\"4\"",
            "C:", "True", "True", "True",
        }));
    }

    /// <summary>
    /// Win32_QuickFixEngineering, from Get-CimInstance and Get-WmiObject, has types.ps1xml's InstalledOn script
    /// property, WMI's text read as a DateTime (so inventories sort updates by it), and the class's two keys in its text
    /// and path, on the session's own computer.
    /// </summary>
    [Test]
    public async Task An_update_s_installed_on_is_the_type_data_s_date()
    {
        var (host, _) = await RunAsync("""
            $q = Get-CimInstance Win32_QuickFixEngineering
            $q[0].InstalledOn.GetType().Name; $q[0].InstalledOn.ToString('yyyy-MM-dd'); "$($q[0])"
            ($q | Sort-Object InstalledOn -Descending | Select-Object -First 1).HotFixID
            $w = Get-WmiObject Win32_QuickFixEngineering
            $w[0].InstalledOn.GetType().Name; "$($w[0])"; $w[0].Properties['InstalledOn'].Value
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "DateTime", "2018-11-14", "Win32_QuickFixEngineering: http://support.microsoft.com/?kbid=4470788 (HotFixID = \"KB4470788\", ServicePackInEffect = \"\")",
            "KB5031361",
            "DateTime", "\\\\TESTHOST01\\root\\cimv2:Win32_QuickFixEngineering.HotFixID=\"KB4470788\",ServicePackInEffect=\"\"", "11/14/2018",
        }));
    }

    /// <summary>
    /// Get-HotFix is GetHotFixCommand's query of the computer's Win32_QuickFixEngineering (the session's own computer in
    /// its Source column and path), and Format-List alone shows a ManagementObject's DefaultDisplayPropertySet
    /// (AssociationManager.SetupActiveProperties), as `Get-WmiObject Win32_BIOS | Format-List` prints five properties.
    /// </summary>
    [Test]
    public async Task Get_hotfix_is_the_computer_s_class_and_format_list_shows_the_default_display_set()
    {
        var (host, _) = await RunAsync("""
            (Get-HotFix)[0].__SERVER
            ((Get-HotFix | Out-String) -split "`r`n" | Where-Object { $_ })[2].TrimEnd()
            ((Get-WmiObject Win32_BIOS | Format-List | Out-String) -split "`r`n" | Where-Object { $_ } | ForEach-Object { ($_ -split ' ')[0] }) -join ','
            ((Get-HotFix KB4470788 | Format-List | Out-String) -split "`r`n" | Where-Object { $_ } | ForEach-Object { ($_ -split ' ')[0] }) -join ','
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "TESTHOST01",
            "TESTHOST01    Security Update  KB4470788     NT AUTHORITY\\SYSTEM  11/14/2018 12:00:00 AM",
            "SMBIOSBIOSVersion,Manufacturer,Name,SerialNumber,Version",
            "Description,FixComments,HotFixID,InstallDate,InstalledBy,InstalledOn,Name,ServicePackInEffect,Status",
        }));
    }

    /// <summary>
    /// The computer's Win32_Service class (what -Query, WMI over WS-Man and wmic read) and the services' template
    /// agree: the same properties in the same order with the same values and types.
    /// </summary>
    [Test]
    public async Task Win32_service_is_the_same_whichever_way_it_is_asked()
    {
        var (host, _) = await RunAsync("""
            $q = Get-CimInstance -Query "SELECT * FROM Win32_Service WHERE Name = 'WinRM'"
            $t = Get-CimInstance Win32_Service -Filter "Name='WinRM'"
            ($q.PSObject.Properties.Name -join ',') -eq ($t.PSObject.Properties.Name -join ',')
            @($q.PSObject.Properties | Where-Object Name -notin SystemName, CimInstanceProperties | Where-Object { "$($_.Value)|$(if ($null -ne $_.Value) { $_.Value.GetType().Name })" -ne "$($t.($_.Name))|$(if ($null -ne $t.($_.Name)) { $t.($_.Name).GetType().Name })" } | ForEach-Object Name) -join ','
            $q.ErrorControl; $q.CheckPoint.GetType().Name; "$q"; $q.SystemName
            """);

        // (The test host's WMI is Server01's, its COMPUTERNAME another name; a computer's own are one.)
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "", "Normal", "UInt32", "Win32_Service: Windows Remote Management (WS-Management) (Name = \"WinRM\")", "SERVER01" }));
    }

    /// <summary>
    /// Get-CimInstance -ComputerName of this computer's names is a CIM session to each: its instances carry that name
    /// as PSComputerName (GetCimSessionComputerName too) and PSShowComputerName, so the class's table and list add a
    /// PSComputerName column and entry; without -ComputerName the computer is none and not shown.
    /// </summary>
    [Test]
    public async Task Get_CimInstance_ComputerName_names_the_session_s_computer_and_shows_it()
    {
        var (host, _) = await RunAsync("""
            $o = Get-CimInstance Win32_OperatingSystem -ComputerName $env:COMPUTERNAME, localhost
            $o.PSComputerName -join ','; $o[1].GetCimSessionComputerName(); $o[1].PSShowComputerName
            (Get-CimInstance Win32_Process -ComputerName localhost -Filter 'ProcessId = 4' | Out-String -Stream | Where-Object { $_ })[0]
            (Get-CimInstance Win32_Process -Filter 'ProcessId = 4' | Out-String -Stream | Where-Object { $_ })[0]
            (Get-CimInstance Win32_Service -ComputerName localhost -Filter "Name = 'WinRM'" | Format-List | Out-String -Stream | Where-Object { $_ })[-1]
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "TESTHOST01,localhost", "localhost", "True",
            "ProcessId Name   HandleCount WorkingSetSize VirtualSize PSComputerName",
            "ProcessId Name   HandleCount WorkingSetSize VirtualSize",
            "PSComputerName : localhost",
        }));
    }

    /// <summary>
    /// New-CimSession to this computer, as CimCmdlets keep sessions per runspace: Ids from 1, CimSession&lt;Id&gt; unless
    /// named, the wrapper's Id, Name, InstanceId, ComputerName and Protocol (a list of five); Get-CimInstance -CimSession
    /// reads through one (its computer the PSComputerName); Get-CimSession and Remove-CimSession by name, id or the
    /// session piped in; a name none has is CimCmdlets' not-found error.
    /// </summary>
    [Test]
    public async Task Cim_sessions_of_this_computer_are_made_found_used_and_removed()
    {
        var (host, _) = await RunAsync("""
            $s = New-CimSession -ComputerName localhost
            $t = New-CimSession $env:COMPUTERNAME -Name Mine
            "$($s.Id) $($s.Name) $($s.ComputerName) $($s.Protocol) $($s.InstanceId -is [guid]) $s"
            ($s | Format-List | Out-String -Stream | Where-Object { $_ } | ForEach-Object { $_.Split(':')[0].Trim() }) -join ','
            (Get-CimInstance -CimSession $t Win32_BIOS).PSComputerName
            (Get-CimSession).Name -join ','; (Get-CimSession -Id 2).Name
            Get-CimSession -Name Mine | Remove-CimSession
            Remove-CimSession -Id 1
            @(Get-CimSession).Count
            Get-CimSession -Name Nope
            (New-CimSession localhost).Id
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1 CimSession1 localhost WSMAN True CimSession: localhost", "Id,Name,InstanceId,ComputerName,Protocol", "TESTHOST01",
            "CimSession1,Mine", "Mine", "0", "3",
        }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Could not find CimSession with the given Name = Nope", "Microsoft.Management.Infrastructure.CimException,Microsoft.Management.Infrastructure.CimCmdlets.GetCimSessionCommand"),
        }));
    }

    /// <summary>
    /// A CimInstance's own CimClass, CimInstanceProperties and CimSystemProperties, which Format-List * ends with and
    /// scripts read: the class (namespace:class, CimClassName, its superclass chain, its properties with the key
    /// qualifier on the keys), the instance's properties as CimProperty objects (keyed by name, `Name = "value"`),
    /// and where the instance comes from.
    /// </summary>
    [Test]
    public async Task A_CimInstance_has_its_class_its_properties_and_its_system_properties()
    {
        var (host, _) = await RunAsync("""
            $p = Get-CimInstance Win32_Process -Filter 'ProcessId = 1868'
            "$($p.CimClass)"; $p.CimClass.CimClassName; $p.CimClass.CimSuperClassName; $p.CimClass.CimSuperClass.CimSuperClass.CimClassName
            $p.CimClass.CimClassProperties.Where{ $_.Qualifiers.Name -eq 'key' }.Name
            $p.CimSystemProperties.Namespace + ' ' + $p.CimSystemProperties.ServerName + ' ' + $p.CimSystemProperties.ClassName
            "$($p.CimInstanceProperties['handle'])"; $p.CimInstanceProperties['ProcessId'].Value; "$($p.CimInstanceProperties['ProcessId'].CimType)"
            "$($p.CimInstanceProperties['Handle'].Flags)"; "$($p.CimInstanceProperties['KernelModeTime'].Flags)"; $p.CimInstanceProperties.Count -eq $p.CimClass.CimClassProperties.Count
            $bios = Get-CimInstance Win32_BIOS
            ($bios | Format-List * | Out-String -Stream | Where-Object { $_ -match '^(PSComputerName|Cim)' } | ForEach-Object { $_ -replace ' +:', ' :' }) -join '|'
            (Get-CimInstance Win32_OperatingSystem).CimInstanceProperties['MUILanguages'].CimType.ToString()
            "[" + $p.GetCimSessionComputerName() + "]"; $p.Dispose(); $p.Clone().ProcessId
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "root/cimv2:Win32_Process", "Win32_Process", "CIM_Process", "CIM_LogicalElement", "Handle", "root/cimv2 TESTHOST01 Win32_Process",
            "Handle = \"1868\"", "1868", "UInt32", "Property, Key, ReadOnly, NotModified", "Property, ReadOnly, NotModified, NullValue", "True",
            "PSComputerName : |CimClass : root/cimv2:Win32_BIOS|CimInstanceProperties : {Caption, Description, InstallDate, Name...}|" +
            "CimSystemProperties : Microsoft.Management.Infrastructure.CimSystemProperties",
            "StringArray", "[]", "1868",
        }));
    }

    /// <summary>
    /// Get-CimClass Win32_Process as Windows shows it: the table grouped under "NameSpace: ROOT/cimv2", the methods
    /// cut at the column's 20 ("{Create, Terminat..."), the properties root class first (a row copied from a real
    /// server's output); the class's chain, and its methods' return types, parameters (in order, ID, In/Out and an
    /// embedded object's class) and the Static qualifier of a static one.
    /// </summary>
    [Test]
    public async Task Get_CimClass_shows_a_class_as_windows_does_with_its_methods_and_their_parameters()
    {
        var (host, _) = await RunAsync("""
            Get-CimClass Win32_Process | Out-String -Stream | Where-Object { $_ } | ForEach-Object { $_.TrimEnd() }
            $c = Get-CimClass -ClassName win32_process
            "$c"; $c.CimClassName; $c.CimSuperClassName; $c.CimSuperClass.CimSuperClassName
            $create = $c.CimClassMethods['Create']
            "$($create.ReturnType)"; $create.Qualifiers.Name -join ','; $create.Parameters.Name -join ','
            $create.Parameters | ForEach-Object { "$($_.Name) $($_.CimType) $($_.Qualifiers.Name -join '+') $($_.Qualifiers['ID'].Value)" }
            $c.CimClassMethods['GetOwner'].Qualifiers.Count
            $create | Format-List | Out-String -Stream | Where-Object { $_ -match '^(Parameters|Qualifiers)' } | ForEach-Object { $_ -replace ' +:', ' :' }
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "   NameSpace: ROOT/cimv2",
            "CimClassName                        CimClassMethods      CimClassProperties",
            "------------                        ---------------      ------------------",
            "Win32_Process                       {Create, Terminat... {Caption, Description, InstallDate, Name...}",
            "ROOT/cimv2:Win32_Process", "Win32_Process", "CIM_Process", "CIM_LogicalElement",
            "UInt32", "Static", "CommandLine,CurrentDirectory,ProcessStartupInformation,ProcessId",
            "CommandLine String ID+In 0", "CurrentDirectory String ID+In 1", "ProcessStartupInformation Instance EmbeddedInstance+ID+In 2", "ProcessId UInt32 ID+Out 3",
            "0",
            "Parameters : {CommandLine, CurrentDirectory, ProcessStartupInformation, ProcessId}", "Qualifiers : {Static}",
        }));
    }

    /// <summary>
    /// Each class lists its superclasses' methods first, in their order: the first four of every class the emulator
    /// knows that a real server's <c>Get-CimClass | Where-Object CimClassMethods</c> listed, as it listed them (a class
    /// with no methods was not in that list); an instance's CimClass has the same methods.
    /// </summary>
    [TestCase("Win32_Process", "Create,Terminate,GetOwner,GetOwnerSid")]
    [TestCase("Win32_Service", "StartService,StopService,PauseService,ResumeService")]
    [TestCase("Win32_BaseService", "StartService,StopService,PauseService,ResumeService")]
    [TestCase("CIM_Service", "StartService,StopService")]
    [TestCase("Win32_OperatingSystem", "Reboot,Shutdown,Win32Shutdown,Win32ShutdownTracker")]
    [TestCase("CIM_OperatingSystem", "Reboot,Shutdown")]
    [TestCase("Win32_ComputerSystem", "SetPowerState,Rename,JoinDomainOrWorkgroup,UnjoinDomainOrWorkgroup")]
    [TestCase("CIM_UnitaryComputerSystem", "SetPowerState")]
    [TestCase("Win32_NetworkAdapter", "SetPowerState,Reset,Enable,Disable")]
    [TestCase("Win32_NetworkAdapterConfiguration", "EnableDHCP,RenewDHCPLease,RenewDHCPLeaseAll,ReleaseDHCPLease")]
    [TestCase("Win32_LogicalDisk", "SetPowerState,Reset,Chkdsk,ScheduleAutoChk")]
    [TestCase("Win32_Volume", "SetPowerState,Reset,Chkdsk,ScheduleAutoChk")]
    [TestCase("Win32_Share", "Create,SetShareInfo,GetAccessMask,Delete")]
    [TestCase("Win32_UserAccount", "Rename")]
    [TestCase("Win32_Group", "Rename")]
    [TestCase("Win32_Product", "Install,Admin,Advertise,Reinstall")]
    [TestCase("Win32_BaseBoard", "IsCompatible")]
    [TestCase("CIM_PhysicalPackage", "IsCompatible")]
    [TestCase("Win32_DiskDrive", "SetPowerState,Reset")]
    [TestCase("Win32_Processor", "SetPowerState,Reset")]
    [TestCase("SoftwareLicensingProduct", "UninstallProductKey,Activate,DepositOfflineConfirmationId,GetPolicyInformationDWord")]
    [TestCase("Win32_BIOS", "")]
    [TestCase("Win32_PhysicalMemory", "")]
    public async Task A_class_s_methods_start_as_a_real_server_lists_them(string className, string firstFour)
    {
        var (host, _) = await RunAsync($"((Get-CimClass {className}).CimClassMethods.Name | Select-Object -First 4) -join ','");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { firstFour }));
    }

    /// <summary>
    /// A pattern lists the classes it matches, each after its superclass (Win32_Process, then the services, then
    /// Win32_Share, as a real server's <c>Get-CimClass -MethodName *Create*</c> orders them); -MethodName and
    /// -PropertyName keep the classes with a method or property that matches (the documentation's examples 3 and 4);
    /// an instance's CimClass has the class's methods; -ComputerName of this computer answers as locally.
    /// </summary>
    [Test]
    public async Task Get_CimClass_patterns_choose_classes_by_name_method_and_property()
    {
        var (host, _) = await RunAsync("""
            (Get-CimClass -MethodName *Create*).CimClassName -join ','
            (Get-CimClass -ClassName Win32* -MethodName Term*).CimClassName -join ','
            (Get-CimClass -ClassName Win32* -PropertyName Handle).CimClassName -join ','
            (Get-CimClass *Service -PropertyName Desktop*).CimClassName -join ','
            (Get-CimClass -ClassName *disk*).CimClassName -join ','
            (Get-CimClass Win32_Bogus*).Count
            (Get-CimInstance Win32_Process -Filter 'ProcessId = 1868').CimClass.CimClassMethods.Count
            (Get-CimClass Win32_Share -ComputerName localhost).CimClassName
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Win32_Process,Win32_BaseService,Win32_Service,Win32_Share",
            "Win32_Process",
            "Win32_Process",
            "Win32_BaseService,Win32_Service",
            "CIM_DiskDrive,Win32_DiskDrive,CIM_DiskPartition,Win32_DiskPartition,CIM_LogicalDisk,Win32_LogicalDisk",
            "0", "7", "Win32_Share",
        }));
    }

    /// <summary>
    /// Get-WmiObject -List: the classes as ManagementClass objects, shown as 5.1 shows them under "NameSpace:
    /// ROOT\cimv2" (Name, Methods and Properties; the rows are copied from a real server's listing: WMI gives a class's
    /// properties by name, its methods in MOF order), with the class's system properties, Methods and Properties;
    /// [wmiclass] is the same class.
    /// </summary>
    [Test]
    public async Task Get_WmiObject_List_shows_the_classes_as_windows_does()
    {
        var (host, _) = await RunAsync("""
            Get-WmiObject -List Win32_Process | Out-String -Stream | Where-Object { $_ } | ForEach-Object { $_.TrimEnd() }
            foreach ($name in 'Win32_PageFileUsage', 'Win32_OperatingSystem', 'Win32_BIOS', 'Win32_Share') { Get-WmiObject -List -Class $name | Out-String -Stream | Where-Object { $_ -match '^(Win32|CIM)_' } | ForEach-Object { $_.TrimEnd() } }
            $c = Get-WmiObject -Namespace root\cimv2 -List Win32_Service
            $c.__SUPERCLASS; $c.__GENUS; "$c"; $c.Properties.Count -eq $c.__PROPERTY_COUNT; $c.Methods[0].Name + ' ' + $c.Methods[0].Origin
            (Get-WmiObject -List Win32_*Disk*).Name -join ','
            ([wmiclass]'Win32_OperatingSystem').Methods.Name -join ','
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "   NameSpace: ROOT\\cimv2",
            "Name                                Methods              Properties",
            "----                                -------              ----------",
            "Win32_Process                       {Create, Terminat... {Caption, CommandLine, CreationClassName, CreationDate...}",
            "Win32_PageFileUsage                 {}                   {AllocatedBaseSize, Caption, CurrentUsage, Description...}",
            "Win32_OperatingSystem               {Reboot, Shutdown... {BootDevice, BuildNumber, BuildType, Caption...}",
            "Win32_BIOS                          {}                   {BiosCharacteristics, BIOSVersion, BuildNumber, Caption...}",
            "Win32_Share                         {Create, SetShare... {AccessMask, AllowMaximum, Caption, Description...}",
            "Win32_BaseService", "1", "\\\\TESTHOST01\\ROOT\\cimv2:Win32_Service", "True", "StartService CIM_Service",
            "Win32_DiskDrive,Win32_DiskPartition,Win32_LogicalDisk",
            "Reboot,Shutdown,Win32Shutdown,Win32ShutdownTracker,SetDateTime",
        }));
    }

    /// <summary>
    /// WMI enumerates deep: a superclass's instances are its subclasses' (Get-CimInstance CIM_LogicalDisk gives
    /// Win32_LogicalDisk objects), each of its own class, the query applied to each; a property only a subclass has is
    /// the queried class's Invalid query. A broad superclass whose instances the emulator has only some of (CIM_Service:
    /// Windows adds its drivers) stays a scenario error. -Shallow keeps the class's own instances (a superclass has
    /// none); -KeyOnly gives each instance with its keys only.
    /// </summary>
    [Test]
    public async Task A_superclass_s_instances_are_its_subclasses_objects()
    {
        var (host, _) = await RunAsync("""
            (Get-CimInstance CIM_LogicalDisk | Select-Object -First 1).PSObject.TypeNames[0]
            (Get-CimInstance -ClassName CIM_Process -Filter "Handle = '1868'").Name
            (Get-WmiObject CIM_OperatingSystem).__CLASS
            @(Get-CimInstance CIM_Processor).Count -eq @(Get-CimInstance Win32_Processor).Count
            (Get-WmiObject -Query "SELECT Name FROM CIM_Process WHERE Handle = '4'").Name
            Get-CimInstance -Query "SELECT * FROM CIM_Process WHERE CommandLine = 'x'"; 'next'
            try { Get-CimInstance CIM_Service } catch { $_.FullyQualifiedErrorId }
            @(Get-CimInstance CIM_LogicalDisk -Shallow).Count; @(Get-CimInstance Win32_LogicalDisk -Shallow).Count -eq @(Get-CimInstance Win32_LogicalDisk).Count
            $k = Get-CimInstance Win32_Process -Filter 'ProcessId = 1868' -KeyOnly; $k.Handle; $null -eq $k.Name
            $b = Get-CimInstance Win32_BIOS -KeyOnly; $null -ne $b.SoftwareElementID; $null -eq $b.BiosCharacteristics
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_LogicalDisk", "svchost.exe", "Win32_OperatingSystem", "True", "System", "next",
            "PsrpEmulator.ScenarioError", "0", "True", "1868", "True", "True", "True",
        }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Invalid query ", "HRESULT 0x80041017,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand"),
        }));
    }

    /// <summary>
    /// Rows of real servers' Get-WmiObject -List listings, in full width: the class's methods in MOF order and its
    /// properties by name as WMI spells them (Win32_NetworkAdapter's AdapterTypeId; Win32_DiskPartition without the
    /// six properties its documentation page adds).
    /// </summary>
    [TestCase("Win32_Service", "{StartService, St... {AcceptPause, AcceptStop, Caption, CheckPoint...}")]
    [TestCase("Win32_NetworkAdapter", "{SetPowerState, R... {AdapterType, AdapterTypeId, AutoSense, Availability...}")]
    [TestCase("CIM_NetworkAdapter", "{SetPowerState, R... {AutoSense, Availability, Caption, ConfigManagerErrorCode...}")]
    [TestCase("Win32_Processor", "{SetPowerState, R... {AddressWidth, Architecture, AssetTag, Availability...}")]
    [TestCase("Win32_DiskPartition", "{SetPowerState, R... {Access, Availability, BlockSize, Bootable...}")]
    [TestCase("Win32_LogicalDisk", "{SetPowerState, R... {Access, Availability, BlockSize, Caption...}")]
    [TestCase("Win32_ComputerSystem", "{SetPowerState, R... {AdminPasswordStatus, AutomaticManagedPagefile, AutomaticResetBootOption, AutomaticResetCapability...}")]
    [TestCase("CIM_UnitaryComputerSystem", "{SetPowerState}      {Caption, CreationClassName, Description, InitialLoadInfo...}")]
    [TestCase("Win32_BaseService", "{StartService, St... {AcceptPause, AcceptStop, Caption, CreationClassName...}")]
    [TestCase("Win32_PhysicalMemory", "{}                   {Attributes, BankLabel, Capacity, Caption...}")]
    [TestCase("Win32_UserAccount", "{Rename}             {AccountType, Caption, Description, Disabled...}")]
    [TestCase("Win32_Product", "{Install, Admin, ... {AssignmentType, Caption, Description, HelpLink...}")]
    [TestCase("Win32_QuickFixEngineering", "{}                   {Caption, CSName, Description, FixComments...}")]
    [TestCase("CIM_OperatingSystem", "{Reboot, Shutdown}   {Caption, CreationClassName, CSCreationClassName, CSName...}")]
    [TestCase("CIM_BIOSElement", "{}                   {BuildNumber, Caption, CodeSet, Description...}")]
    public async Task Get_WmiObject_List_rows_match_a_real_server_s(string className, string rest)
    {
        var (host, _) = await RunAsync($"Get-WmiObject -List {className} | Out-String -Width 250 -Stream | Where-Object {{ $_ -match '^(Win32|CIM)_' }} | ForEach-Object {{ $_.TrimEnd() }}");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { className.PadRight(36) + rest }));
    }

    /// <summary>
    /// What the emulator cannot answer honestly is a scenario error, and the script goes on: a class it does not know
    /// (Windows may have it: CIM's "Not found" would be a guess), -QualifierName (it has no class qualifiers) and
    /// another namespace.
    /// </summary>
    [Test]
    public async Task Get_CimClass_of_an_unknown_class_a_qualifier_or_another_namespace_is_a_scenario_error()
    {
        var (host, _) = await RunAsync("Get-CimClass Win32_Bogus; Get-CimClass -ClassName Win32*Disk* -QualifierName Association; Get-CimClass -Namespace root/StandardCimv2 -ClassName *Net*; 'after'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(Enumerable.Repeat("PsrpEmulator.ScenarioError", 3)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>
    /// Win32_Process has types.ps1xml's aliases of Get-Process's names (ProcessName, Handles, VM, WS and Path, whose
    /// ExecutablePath hides a ManagementObject's own Path), first in Select-Object *, and Get-Process's readings WMI
    /// gives (VirtualSize, PrivatePageCount, PageFileUsage in kilobytes, ThreadCount, Priority); the rest of the class is null.
    /// </summary>
    [Test]
    public async Task Win32_process_has_get_process_s_names_and_readings()
    {
        var (host, _) = await RunAsync("""
            $g = Get-Process -Id 1868
            foreach ($p in (Get-CimInstance Win32_Process -Filter 'ProcessId = 1868'), (Get-WmiObject Win32_Process -Filter 'ProcessId = 1868')) {
              ($p.ProcessName -eq $g.Name + '.exe'), ($p.Handles -eq $g.Handles), ($p.VM -eq $g.VM), ($p.WS -eq $g.WS), ($p.Path -eq $g.Path) -join ','
              ($p.VirtualSize -eq $g.VM), ($p.PrivatePageCount -eq $g.PM), ($p.PageFileUsage -eq [math]::Floor($g.PM / 1024)), ($p.ThreadCount -eq $g.Threads.Count), ($p.Priority -eq $g.BasePriority), ($null -eq $p.KernelModeTime) -join ','
              $p.VirtualSize.GetType().Name + ' ' + $p.PageFileUsage.GetType().Name + ' ' + $p.WindowsVersion
            }
            ((Get-CimInstance Win32_Process -Filter 'ProcessId = 1868' | Select-Object *).PSObject.Properties.Name | Select-Object -First 12) -join ','
            (Get-CimInstance Win32_Process -Filter 'ProcessId = 1868').PSObject.Properties.Name[-4..-1] -join ','
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True,True,True,True,True", "True,True,True,True,True,True", "UInt64 UInt32 10.0.17763",
            "True,True,True,True,True", "True,True,True,True,True,True", "UInt64 UInt32 10.0.17763",
            "ProcessName,Handles,VM,WS,Path,Caption,Description,InstallDate,Name,Status,CreationClassName,CreationDate",
            "PSComputerName,CimClass,CimInstanceProperties,CimSystemProperties",
        }));

        // On the wire the class's properties are Props, the type table's members MS (as a FileInfo's Mode and BaseName).
        var (cim, _) = await RunAsync("Get-CimInstance Win32_Process -Filter 'ProcessId = 1868'");
        var xml = System.Xml.Linq.XElement.Parse(ClixmlSerializer.SerializeToString(RemotingDepth.Apply(cim.Outputs.Single(), o => o.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames)));
        static string[] Names(System.Xml.Linq.XElement? section) => section is null ? [] : [.. section.Elements().Select(e => e.Attribute("N")?.Value).OfType<string>()];
        Assert.That(Names(xml.Element("Props")), Does.Contain("VirtualSize").And.Contain("ExecutablePath").And.Contain("PSComputerName").And.Not.Contain("WS"));
        Assert.That(Names(xml.Element("MS")), Is.EqualTo(new[] { "ProcessName", "Handles", "VM", "WS", "Path" }));
    }

    /// <summary>
    /// Format-List * of a ManagementObject: PSComputerName (ManagementObject's alias), then the class's property sets from
    /// types.ps1xml expanded (Win32_Service: PSStatus Name, Status, ExitCode; PSConfiguration DesktopInteract,
    /// ErrorControl, PathName, ServiceType, StartMode), then the WMI properties; the CSV header has no property sets.
    /// </summary>
    [Test]
    public async Task Format_list_star_of_a_management_object_expands_its_class_s_property_sets()
    {
        var (host, _) = await RunAsync(
            "$s = Get-WmiObject Win32_Service -Filter \"Name='WinRM'\"; (($s | Format-List * | Out-String) -split \"`r`n\" | ? { $_ } | % { $_.Split(' ')[0] } | Select-Object -First 10) -join ','; " +
            "(Get-WmiObject Win32_BIOS | Select-Object *).psobject.Properties.Name[0..2] -join ','; ($s | ConvertTo-Csv -NoTypeInformation)[0].Split(',')[0..1] -join ','");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "PSComputerName,Name,Status,ExitCode,DesktopInteract,ErrorControl,PathName,ServiceType,StartMode,__GENUS",
            "PSComputerName,Status,Name",
            "\"PSComputerName\",\"__GENUS\"",
        }));
    }

    /// <summary>The default scenario's bare Get-WmiObject Win32_OperatingSystem has the alias too, first in Format-List * before PSStatus's Status and Name.</summary>
    [Test]
    public async Task The_default_operating_system_object_has_PSComputerName_first_with_star()
    {
        var (host, _) = await RunAsync("$o = Get-WmiObject Win32_OperatingSystem; \"$($o.PSComputerName -eq $env:COMPUTERNAME) $($o.PSComputerName.Length -gt 0)\"; (($o | Format-List * | Out-String) -split \"`r`n\" | ? { $_ } | % { $_.Split(' ')[0] } | Select-Object -First 3) -join ','");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True True", "PSComputerName,Status,Name" }));
    }

    /// <summary>
    /// Win32_LocalTime and Win32_UTCTime: singletons of the clock's time now (the computers keep UTC, so they agree),
    /// uint32 parts with weeks from Sunday, Milliseconds not implemented; their superclass Win32_CurrentTime gives both.
    /// </summary>
    [Test]
    public async Task The_time_classes_read_the_computer_s_clock()
    {
        // 2026-12-02 09:00 UTC, a Wednesday; December 1st was a Tuesday, so the 2nd is in the first week.
        var (host, outcome) = await RunAsync(
            "$t = Get-CimInstance Win32_LocalTime; '{0}-{1}-{2} {3}:{4}:{5} dow={6} q={7} w={8} ms={9}' -f $t.Year, $t.Month, $t.Day, $t.Hour, $t.Minute, $t.Second, $t.DayOfWeek, $t.Quarter, $t.WeekInMonth, ($null -eq $t.Milliseconds); " +
            "$t.Year.GetType().Name; (Get-WmiObject Win32_UTCTime).__RELPATH; (Get-CimInstance Win32_CurrentTime | ForEach-Object { $_.CimClass.CimClassName }) -join ','; " +
            "(Get-WmiObject -Query 'SELECT * FROM Win32_LocalTime WHERE DayOfWeek = 3' | Measure-Object).Count");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed), () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2026-12-2 9:0:0 dow=3 q=4 w=1 ms=True", "UInt32", "Win32_UTCTime=@", "Win32_LocalTime,Win32_UTCTime", "1" }));
    }

    /// <summary>
    /// Win32_ServerFeature lists the installed roles and features by their IDs (the class's page; a fresh Server 2019's:
    /// File and Storage Services 481, .NET Framework 4.7 418, Windows PowerShell 5.1 412 under 417, System Data Archiver
    /// 1043...), and a role Install-WindowsFeature adds joins them.
    /// </summary>
    [Test]
    public async Task Win32_ServerFeature_lists_the_installed_features_by_their_IDs()
    {
        var host = await RunWithFeaturesAsync(
            "Get-WmiObject Win32_ServerFeature | Sort-Object ID | ForEach-Object { '{0}/{1} {2}' -f $_.ID, $_.ParentID, $_.Name }; " +
            "$null = Install-WindowsFeature Web-Server; (Get-CimInstance Win32_ServerFeature -Filter 'ID = 2').Name; (Get-CimInstance Win32_ServerFeature -Filter 'ParentID = 2' | ForEach-Object Name) -join ','");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "338/0 XPS Viewer", "340/0 WoW64 Support", "351/417 Windows PowerShell ISE", "412/417 Windows PowerShell 5.1", "417/0 Windows PowerShell",
            "418/466 .NET Framework 4.7", "420/466 WCF Services", "425/420 TCP Port Sharing", "466/0 .NET Framework 4.7 Features", "481/0 File and Storage Services",
            "482/481 Storage Services", "1003/0 Windows Defender Antivirus", "1043/0 System Data Archiver",
            "Web Server (IIS)", "Web Server",
        }));
    }

    /// <summary>Win32_OptionalFeature is DISM's optional features as Get-WindowsOptionalFeature lists them, InstallState 1 enabled, 2 disabled.</summary>
    [Test]
    public async Task Win32_OptionalFeature_follows_the_optional_features()
    {
        var host = await RunWithFeaturesAsync(
            "$f = Get-CimInstance Win32_OptionalFeature -Filter \"Name='SMB1Protocol'\"; $f.Caption; $f.InstallState; $f.InstallState.GetType().Name; " +
            "@(Get-WmiObject Win32_OptionalFeature).Count -eq @(Get-WindowsOptionalFeature -Online).Count; " +
            "$null = Enable-WindowsOptionalFeature -Online -FeatureName TelnetClient; (Get-WmiObject Win32_OptionalFeature -Filter \"Name='TelnetClient'\").InstallState; " +
            "(Get-CimInstance Win32_OptionalFeature -Filter 'InstallState = 1' | Where-Object Name -eq 'NetFx4').Name");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "SMB 1.0/CIFS File Sharing Support", "2", "UInt32", "True", "1", "NetFx4" }));
    }
}
