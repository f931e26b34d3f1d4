using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>wmic over the computer's WMI classes, in a cmd shell and from PowerShell.</summary>
public class WmicTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string line, ComputerWmi? wmi = null, BehaviourCatalog? catalog = null)
    {
        var host = new FakeCommandLineHost { Wmi = wmi ?? new ComputerWmi(catalog ?? Default, "Server01", new ServiceStates(), null, null) };
        var code = await (catalog ?? Default).ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, host.Stdout, host.Stderr);
    }

    [Test]
    public async Task Get_writes_a_table_padded_two_blanks_past_its_widest_value_with_every_line_ending_in_cr_cr_lf()
    {
        var (code, stdout, stderr) = await RunAsync("wmic os get caption");

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Is.EqualTo(
            "Caption                                   \r\r\n" +
            "Microsoft Windows Server 2019 Datacenter  \r\r\n" +
            "\r\r\n"));
    }

    /// <summary>
    /// A superclass (path CIM_LogicalDisk) is read deep, as WMI enumerates it: its subclasses' instances; a property
    /// only a subclass has is the queried class's Invalid query.
    /// </summary>
    [Test]
    public async Task A_superclass_s_path_reads_its_subclasses_instances()
    {
        var (code, stdout, stderr) = await RunAsync("wmic path CIM_LogicalDisk get DeviceID");
        var (badCode, _, badStderr) = await RunAsync("wmic path CIM_LogicalDisk get DriveType");

        Assert.That((code, stderr), Is.EqualTo((0, string.Empty)));
        Assert.That(stdout, Is.EqualTo("DeviceID  \r\r\nC:        \r\r\n\r\r\n"));
        Assert.That((badCode, badStderr), Is.EqualTo((-2147217385, "Node - SERVER01\r\r\nERROR:\r\r\nDescription = Invalid query\r\r\n\r\r\n")));
    }

    /// <summary>Win32_Volume's C: is the computer's disk, as Win32_LogicalDisk's is: its Capacity and FreeSpace are the disk's.</summary>
    [Test]
    public async Task A_volume_s_capacity_and_free_space_are_the_disk_s()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(), 1_000_000_000);

        var (code, stdout, _) = await RunAsync("wmic volume where \"DriveLetter='C:'\" get Capacity,FreeSpace /value", new ComputerWmi(Default, "Server01", null, null, disk));

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout.Split("\r\r\n", StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "Capacity=" + disk.Size.ToString(CultureInfo.InvariantCulture), "FreeSpace=" + disk.FreeBytes.ToString(CultureInfo.InvariantCulture),
        }));
    }

    [Test]
    public async Task Get_orders_the_columns_by_name_whatever_order_they_were_asked_in_and_a_disk_s_sizes_are_the_disk_s()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(), 1_000_000_000);
        var size = disk.Size.ToString(CultureInfo.InvariantCulture);
        var free = disk.FreeBytes.ToString(CultureInfo.InvariantCulture);

        var (code, stdout, _) = await RunAsync("wmic logicaldisk get size,freespace,caption", new ComputerWmi(Default, "Server01", null, null, disk));

        Assert.That(code, Is.EqualTo(0));
        var freeWidth = Math.Max("FreeSpace".Length, free.Length) + 2;
        var sizeWidth = Math.Max("Size".Length, size.Length) + 2;
        Assert.That(stdout, Is.EqualTo(
            "Caption  " + "FreeSpace".PadRight(freeWidth) + "Size".PadRight(sizeWidth) + "\r\r\n" +
            "C:       " + free.PadRight(freeWidth) + size.PadRight(sizeWidth) + "\r\r\n" +
            "\r\r\n"));
    }

    [Test]
    public async Task A_where_condition_reads_the_service_as_the_commands_left_it_and_value_writes_name_value_lines()
    {
        var services = new ServiceStates();
        services.SetStatus("WinRM", "Stopped");

        var (code, stdout, _) = await RunAsync("wmic service where name=\"WinRM\" get State,Started /value", new ComputerWmi(Default, "Server01", services, null, null));

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Is.EqualTo("\r\r\n\r\r\nStarted=FALSE\r\r\nState=Stopped\r\r\n\r\r\n\r\r\n"));
    }

    [Test]
    public async Task A_quoted_where_condition_and_the_alias_s_key_select_the_same_way()
    {
        var quoted = await RunAsync("wmic service where \"State='Stopped' and StartMode='Disabled' and Name LIKE 'Sp%'\" get Name");
        var keyed = await RunAsync("wmic service Spooler get Name");

        Assert.That(quoted.Stdout, Is.EqualTo("Name     \r\r\nSpooler  \r\r\n\r\r\n"));
        Assert.That(keyed.Stdout, Is.EqualTo(quoted.Stdout));
    }

    [Test]
    public async Task Each_instance_is_a_row_or_a_block_after_two_blank_lines()
    {
        var table = await RunAsync("wmic service where \"StartMode='Auto' AND (Name='EventLog' OR Name='WinRM') OR Name='Spooler'\" get name");
        var list = await RunAsync("wmic service where \"Name='EventLog' OR Name='Spooler' OR Name='WinRM'\" get name /format:list");

        Assert.That(table.Stdout, Is.EqualTo("Name      \r\r\nEventLog  \r\r\nSpooler   \r\r\nWinRM     \r\r\n\r\r\n"));
        Assert.That(list.Stdout, Is.EqualTo("\r\r\n\r\r\nName=EventLog\r\r\n\r\r\n\r\r\nName=Spooler\r\r\n\r\r\n\r\r\nName=WinRM\r\r\n\r\r\n\r\r\n"));
    }

    [Test]
    public async Task Csv_starts_with_a_blank_line_and_names_the_node_and_dates_are_dmtf_text()
    {
        var booted = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        var (code, stdout, _) = await RunAsync("wmic /node:localhost os get Version,LastBootUpTime /format:csv", new ComputerWmi(Default, "Server01", null, booted, null));

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Is.EqualTo("\r\r\nNode,LastBootUpTime,Version\r\r\nSERVER01,20260304050607.000000+000,10.0.17763\r\r\n"));
    }

    [Test]
    public async Task Arrays_are_braced_with_strings_quoted_and_a_list_of_one_is_still_an_array()
    {
        var catalog = BehaviourCatalog.Parse("""
            wmi:
              - class: Win32_NetworkAdapterConfiguration
                instances:
                  - { Index: "1", IPAddress: [10.0.0.5, "fe80::1"], DefaultIPGateway: [10.0.0.1], IPEnabled: "true", DNSDomain: ~ }
            """, "test.yaml");

        var (code, stdout, _) = await RunAsync("wmic nicconfig where IPEnabled=TRUE get IPAddress,DefaultIPGateway,DNSDomain /value", catalog: catalog);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Is.EqualTo("\r\r\n\r\r\nDefaultIPGateway={\"10.0.0.1\"}\r\r\nDNSDomain=\r\r\nIPAddress={\"10.0.0.5\",\"fe80::1\"}\r\r\n\r\r\n\r\r\n"));
    }

    [Test]
    public async Task Call_starts_and_stops_one_service_with_wmi_s_return_values()
    {
        var services = new ServiceStates();
        services.SetStartType("Spooler", "Manual");
        var wmi = new ComputerWmi(Default, "Server01", services, null, null);
        var host = new FakeCommandLineHost { Wmi = wmi, ServiceStates = services };
        async Task<(int, string)> CallAsync(string line)
        {
            var before = host.Stdout.Length;
            var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
            return (code, host.Stdout[before..]);
        }

        var started = await CallAsync("wmic service where name=\"Spooler\" call StartService");
        var again = await CallAsync("wmic service Spooler call startservice");
        var stopped = await CallAsync("wmic service Spooler call StopService");

        static string Block(string method, int returnValue) =>
            $"Executing (\\\\SERVER01\\ROOT\\CIMV2:Win32_Service.Name=\"Spooler\")->{method}()\r\r\nMethod execution successful.\r\r\nOut Parameters:\r\r\n" +
            $"instance of __PARAMETERS\r\r\n{{\r\r\n\tReturnValue = {returnValue};\r\r\n}};\r\r\n\r\r\n";
        Assert.That(started, Is.EqualTo((0, Block("StartService", 0))));
        Assert.That(again, Is.EqualTo((0, Block("startservice", 10))));
        Assert.That(stopped, Is.EqualTo((0, Block("StopService", 0))));
        Assert.That(services.Status("Spooler"), Is.EqualTo("Stopped"));
        Assert.That(host.Stderr, Is.Empty);
    }

    [Test]
    public async Task The_default_computers_adapter_disk_and_processes_answer_what_scripts_ask_wmic()
    {
        var adapter = await RunAsync("wmic nicconfig where IPEnabled=TRUE get IPAddress,MACAddress");
        var disk = await RunAsync("wmic logicaldisk where drivetype=3 get name");
        var memory = await RunAsync("wmic process where name=\"wsmprovhost.exe\" get workingsetsize /value");

        const string Addresses = "{\"10.0.0.4\",\"fe80::8d4c:2f6b:a91e:5c07\"}";
        Assert.That(adapter.Stdout, Is.EqualTo(
            "IPAddress".PadRight(Addresses.Length + 2) + "MACAddress         \r\r\n" + Addresses + "  00:15:5D:0A:01:04  \r\r\n\r\r\n"));
        Assert.That(disk.Stdout, Is.EqualTo("Name  \r\r\nC:    \r\r\n\r\r\n"));
        Assert.That(memory.Stdout, Is.EqualTo("\r\r\n\r\r\nWorkingSetSize=62914560\r\r\n\r\r\n\r\r\n"));
    }

    [TestCase("wmic foo get name", "", "foo - Alias not found.\r\r\n", 44135)]
    [TestCase("wmic os get bogus", "", "Node - SERVER01\r\r\nERROR:\r\r\nDescription = Invalid query\r\r\n\r\r\n", -2147217385)]
    [TestCase("wmic service where \"Name = \" get Name", "", "Node - SERVER01\r\r\nERROR:\r\r\nDescription = Invalid query\r\r\n\r\r\n", -2147217385)]
    [TestCase("wmic path NoSuchClass get Name", "", "Node - SERVER01\r\r\nERROR:\r\r\nDescription = Invalid class\r\r\n\r\r\n", -2147217392)]
    [TestCase("wmic service where name='nothing' get Name", "", "No Instance(s) Available.\r\r\n", 0)]
    public async Task Wmic_s_errors_go_to_stderr_with_its_words(string line, string expectedStdout, string expectedStderr, int expectedCode)
    {
        var (code, stdout, stderr) = await RunAsync(line);

        Assert.That(stdout, Is.EqualTo(expectedStdout));
        Assert.That(stderr, Is.EqualTo(expectedStderr));
        Assert.That(code, Is.EqualTo(expectedCode));
    }

    [TestCase("wmic sysdriver get name", "Win32_SystemDriver, which the scenario does not give")]
    [TestCase("wmic /node:Server02 os get caption", "does not emulate")]
    [TestCase("wmic process call create notepad.exe", "does not emulate")]
    [TestCase("wmic service call StopService", "does not emulate")]
    [TestCase("wmic os list brief", "does not emulate")]
    [TestCase("wmic", "does not emulate")]
    [TestCase("wmic service where \"Name NOT LIKE 'W%'\" get Name", "does not emulate")]
    public async Task What_wmic_is_not_emulated_for_is_a_scenario_error_not_a_guess(string line, string expected)
    {
        var (code, stdout, stderr) = await RunAsync(line);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain(expected));
    }

    [Test]
    public async Task PowerShell_reads_wmic_s_cr_cr_lf_as_a_line_and_an_empty_one()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Wmi = new ComputerWmi(Default, "Server01", null, null, null) };

        await Default.Resolve(Behaviour.Script("$lines = wmic os get caption; $lines.Count; $lines[2].TrimEnd()")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "6", "Microsoft Windows Server 2019 Datacenter" }));
    }

    /// <summary>A class a fresh server has no instances of (Win32_Product): any property is asked for, and none is there.</summary>
    [Test]
    public async Task A_class_without_instances_answers_no_instances_whatever_properties_are_asked()
    {
        var (code, stdout, stderr) = await RunAsync("wmic product get name,version");

        Assert.That((code, stdout, stderr), Is.EqualTo((0, string.Empty, "No Instance(s) Available.\r\r\n")));
    }

    /// <summary>Vagrant's base-box step: wmic useraccount ... set PasswordExpires=FALSE changes the local user, as Get-LocalUser then shows.</summary>
    [Test]
    public async Task Wmic_useraccount_set_changes_the_local_user()
    {
        var accounts = new LocalAccounts("Server01", ["psrp"]);
        accounts.TryAddUser("vagrant", u => u with { Password = "vagrant" }, out _);
        var wmi = new ComputerWmi(Default, "Server01", new ServiceStates(), null, null) { Accounts = accounts };
        var host = new FakeCommandLineHost { Wmi = wmi, LocalAccounts = accounts };

        var code = await Default.ResolveCommandLine("wmic useraccount where \"name='vagrant'\" set PasswordExpires=FALSE").RunAsync(host, TimeProvider.System, CancellationToken.None);
        var none = new FakeCommandLineHost { Wmi = wmi, LocalAccounts = accounts };
        await Default.ResolveCommandLine("wmic useraccount where \"name='nobody'\" set PasswordExpires=FALSE").RunAsync(none, TimeProvider.System, CancellationToken.None);

        Assert.That((code, host.Stdout), Is.EqualTo((0,
            "Updating property(s) of '\\\\SERVER01\\ROOT\\CIMV2:Win32_UserAccount.Domain=\"SERVER01\",Name=\"vagrant\"'\r\r\nProperty(s) update successful.\r\r\n")));
        Assert.That(accounts.Users().Single(u => u.Name == "vagrant").PasswordNeverExpires, Is.True);
        Assert.That(none.Stdout + none.Stderr, Does.Contain("No Instance(s) Available."));
    }
}
