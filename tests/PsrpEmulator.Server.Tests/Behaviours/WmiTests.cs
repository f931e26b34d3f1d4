using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The scenarios' wmi: classes and the WQL queries run over them.</summary>
public class WmiTests
{
    private const string Services = """
        wmi:
          - class: Win32_Service
            keys: Name
            instances:
              - { Name: WinRM, State: Running, ProcessId: "1868", StartMode: Auto, Description: ~, Tags: [a, b] }
              - { Name: Spooler, State: Stopped, ProcessId: "0", StartMode: Disabled, Description: "Print, queue" }
              - { Name: wuauserv, State: Stopped, ProcessId: "0", StartMode: Manual }
        """;

    private static WmiClassSeed Load(string yaml = Services) => WmiClassParser.Parse(yaml, "test.yaml").Single();

    private static string[] Names(string wql)
    {
        var seed = Load();
        var query = WqlQuery.Parse(wql);
        return [.. seed.Instances.Where(query.Matches).Select(i => i.Single(p => p.Name == "Name").Values[0])];
    }

    [TestCase("SELECT * FROM Win32_Service", new[] { "WinRM", "Spooler", "wuauserv" })]
    [TestCase("select * from win32_service where state = 'running'", new[] { "WinRM" })]
    [TestCase("SELECT Name FROM Win32_Service WHERE State <> \"Running\"", new[] { "Spooler", "wuauserv" })]
    [TestCase("SELECT * FROM Win32_Service WHERE ProcessId > 100", new[] { "WinRM" })]
    [TestCase("SELECT * FROM Win32_Service WHERE ProcessId >= 0 AND NOT (StartMode = 'Manual' OR StartMode = 'Auto')", new[] { "Spooler" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Name LIKE 'w%'", new[] { "WinRM", "wuauserv" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Name LIKE '_in[A-Z]M'", new[] { "WinRM" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Description IS NULL", new[] { "WinRM", "wuauserv" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Description IS NOT NULL", new[] { "Spooler" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Description = NULL", new string[0])]
    [TestCase("SELECT * FROM Win32_Service WHERE Tags = 'b'", new[] { "WinRM" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Name LIKE '[]%' OR Name LIKE '[^]%'", new string[0])]
    [TestCase("SELECT * FROM Win32_Service WHERE 100 < ProcessId", new[] { "WinRM" })]
    [TestCase("SELECT * FROM Win32_Service WHERE 'stopped' = State AND 0 >= ProcessId", new[] { "Spooler", "wuauserv" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Name = \"Win\\\"RM\" OR Description = 'Print, queue'", new[] { "Spooler" })]
    [TestCase("SELECT * FROM Win32_Service WHERE Name = 'wuau\\\\serv' OR Name = 'Spool\\'er'", new string[0])]
    public void A_WQL_query_selects_the_instances_its_condition_holds_for(string wql, string[] expected) =>
        Assert.That(Names(wql), Is.EqualTo(expected));

    [TestCase("SELECT * FROM")]
    [TestCase("SELECT Name Win32_Service")]
    [TestCase("SELECT * FROM Win32_Service WHERE")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name = 'open")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name ! 'x'")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name LIKE 5")]
    [TestCase("SELECT * FROM Win32_Service extra")]
    [TestCase("DELETE FROM Win32_Service")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name = WinRM")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name = 'Fabrikam\\TimO'")]
    [TestCase("SELECT * FROM Win32_LogicalDisk WHERE DeviceID=C:")]
    [TestCase("SELECT * FROM Win32_LogicalDisk WHERE DriveType IS 5")]
    [TestCase("SELECT * FROM Win32_Service WHERE 'a' = 'b'")]
    public void A_query_WQL_cannot_read_is_refused(string wql) =>
        Assert.That(() => WqlQuery.Parse(wql), Throws.InstanceOf<WqlException>().With.Property(nameof(WqlException.Failure)).EqualTo(WqlFailure.InvalidQuery));

    /// <summary>WQL WMI runs that the emulator does not read: refused as not emulated, never as WMI's Invalid query.</summary>
    [TestCase("ASSOCIATORS OF {Win32_Service.Name='WinRM'} WHERE ResultClass = Win32_Process")]
    [TestCase("references of {Win32_Service.Name='WinRM'}")]
    [TestCase("SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE TargetInstance ISA 'Win32_Process'")]
    [TestCase("SELECT * FROM Win32_Service WHERE TargetInstance ISA 'Win32_Process'")]
    [TestCase("SELECT * FROM MyClass WHERE Prop.embedprop = 5")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name NOT LIKE 'W%'")]
    [TestCase("SELECT * FROM Win32_Service WHERE Name LIKE '[z-a]'")]
    public void Wql_the_emulator_does_not_read_is_refused_as_not_emulated(string wql) =>
        Assert.That(() => WqlQuery.Parse(wql), Throws.InstanceOf<WqlException>().With.Property(nameof(WqlException.Failure)).EqualTo(WqlFailure.NotEmulated));

    [Test]
    public void A_deeply_nested_condition_is_refused_not_recursed_into() =>
        Assert.That(() => WqlQuery.Parse("SELECT * FROM C WHERE " + new string('(', 5000) + "a = 1" + new string(')', 5000)), Throws.InstanceOf<WqlException>());

    [Test]
    public void Names_a_query_uses_that_the_class_has_not_are_found()
    {
        var query = WqlQuery.Parse("SELECT Name, Color FROM Win32_Service WHERE Size > 1 AND name = 'x'");

        Assert.That(query.UnknownProperties(Load().PropertyNames), Is.EqualTo(new[] { "Color", "Size" }));
    }

    /// <summary>Properties in WinRM's order (by name, case ignored); one an instance leaves out is null in it; a projection keeps the named ones.</summary>
    [Test]
    public void Instances_have_every_property_in_name_order_and_a_projection_keeps_the_named_ones()
    {
        var seed = Load();

        Assert.That(seed.PropertyNames, Is.EqualTo(new[] { "Description", "Name", "ProcessId", "StartMode", "State", "Tags" }));
        Assert.That(seed.Instances[2].Single(p => p.Name == "Tags").Kind, Is.EqualTo(WmiValueKind.Null));
        Assert.That(seed.Instances[0].Single(p => p.Name == "Tags").Values, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(WqlQuery.Parse("select state, NAME from Win32_Service").Project(seed.Instances[0]).Select(p => p.Name), Is.EqualTo(new[] { "Name", "State" }));
        Assert.That(seed.Keys, Is.EqualTo(new[] { "Name" }));
    }

    [Test]
    public void Dates_and_intervals_are_written_as_WinRM_writes_them()
    {
        var seed = Load("""
            wmi:
              - class: Win32_OperatingSystem
                namespace: 'root\cimv2'
                instances:
                  - { LastBootUpTime: !datetime 2026-01-12T09:35:00Z, Uptime: !timespan '01:02:03', Other: !!timestamp 2026-01-12 10:00:00 }
            """);

        Assert.That(seed.Namespace, Is.EqualTo("root/cimv2"));
        Assert.That(seed.Instances[0].Select(p => (p.Name, p.Kind, p.Values[0])), Is.EqualTo(new[]
        {
            ("LastBootUpTime", WmiValueKind.Datetime, "2026-01-12T09:35:00Z"),
            ("Other", WmiValueKind.Datetime, "2026-01-12T10:00:00Z"),
            ("Uptime", WmiValueKind.Interval, "P0DT1H2M3S"),
        }));
    }

    [TestCase("wmi: 5", "'wmi:' is a list")]
    [TestCase("wmi:\n  - instances: []", "needs 'class:'")]
    [TestCase("wmi:\n  - class: 'Win32 Service'", "needs 'class:'")]
    [TestCase("wmi:\n  - class: C\n    color: red", "unknown WMI class key 'color'")]
    [TestCase("wmi:\n  - class: C\n    keys: Name\n    instances:\n      - { Size: 1 }", "the key 'Name' is not a property")]
    [TestCase("wmi:\n  - class: C\n    instances:\n      - { Size: !int 1 }", "'!int' is not a WMI value's tag")]
    [TestCase("wmi:\n  - class: C\n    instances:\n      - { When: !datetime soon }", "'soon' is not a date and time")]
    [TestCase("wmi:\n  - class: C\n    instances:\n      - { A: [1, x: y] }", "takes a value or a list of values")]
    [TestCase("wmi:\n  - class: C\n    namespace: 'root//x y'\n    instances: []", "is not a WMI namespace")]
    public void A_wrong_wmi_section_is_refused_with_its_place(string yaml, string message) =>
        Assert.That(() => WmiClassParser.Parse(yaml, "test.yaml"), Throws.InstanceOf<BehaviourLoadException>().With.Message.Contains(message).And.Message.Contains("test.yaml, line"));

    [Test]
    public void The_default_scenario_has_the_classes_scripts_ask_about_most()
    {
        var catalog = BehaviourCatalog.LoadDefault();
        var wmi = new ComputerWmi(catalog, "Server01", new ServiceStates(), null, null);

        foreach (var name in new[] { "Win32_OperatingSystem", "Win32_ComputerSystem", "Win32_Service", "Win32_LogicalDisk", "Win32_Process" })
        {
            Assert.That(wmi.Find("root/cimv2", name)?.Instances, Is.Not.Empty, name);
        }

        // Win32_Service is the computer's services (the services: section), not a wmi: class.
        Assert.That(catalog.FindWmiClass("root/cimv2", "Win32_Service", "Server01"), Is.Null);
        Assert.That(wmi.Find("root/cimv2", "Win32_Service")!.Instances, Has.Count.EqualTo(catalog.ServicesOf("Server01", null).All().Count));

        Assert.That(catalog.FindWmiClass(@"root\CIMV2", "win32_operatingsystem", "Server02")!.Instances[0].Single(p => p.Name == "Caption").Values,
            Is.EqualTo(new[] { "Microsoft Windows Server 2019 Datacenter" }));
        Assert.That(catalog.FindWmiClass("root/cimv2", "Win32_Nope", "Server01"), Is.Null);
    }

    [Test]
    public void A_scenario_s_class_replaces_the_default_s_for_the_computer_it_names()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            wmi:
              - class: Win32_Service
                computer: Server02
                instances: [ { Name: Custom } ]
            """), BehaviourCatalog.LoadDefault());

        Assert.That(new ComputerWmi(catalog, "SERVER02", null, null, null).Find("root/cimv2", "Win32_Service")!.Instances, Has.Count.EqualTo(1));
        Assert.That(new ComputerWmi(catalog, "Server01", null, null, null).Find("root/cimv2", "Win32_Service")!.Instances, Has.Count.EqualTo(catalog.ServicesOf("Server01", null).All().Count).And.Count.GreaterThan(1));
    }

    /// <summary>
    /// Seeded random queries: conditions grown from WQL's grammar, half of them then cut or spliced with a stray piece.
    /// Each is read (and runs) or is refused with a WqlException, never another exception.
    /// </summary>
    [Test]
    public void Random_queries_are_read_or_refused_and_nothing_else()
    {
        string[] names = ["Name", "State", "ProcessId", "Description", "Tags", "name"];
        string[] literals = ["'x'", "'Running'", "\"WinRM\"", "1", "-2.5", "TRUE", "NULL", "'it\\'s'"];
        string[] operators = ["=", "<>", "!=", "<", ">", "<=", ">="];
        string[] stray = ["(", ")", "'", "AND", "OR", "NOT", "=", "!", "[", "%", "\\", ",", "*", "FROM", "WHERE", "IS"];
        var seed = Load();
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261130));
        var runs = PsrpEmulator.Tests.Fuzz.Runs(5000);
        int read = 0, refused = 0;

        string Condition(int depth) => random.Next(depth > 3 ? 3 : 7) switch
        {
            0 => $"{names[random.Next(names.Length)]} {operators[random.Next(operators.Length)]} {literals[random.Next(literals.Length)]}",
            1 => $"{names[random.Next(names.Length)]} IS {(random.Next(2) == 0 ? "NOT " : "")}NULL",
            2 => $"{names[random.Next(names.Length)]} LIKE '{new string([.. Enumerable.Range(0, random.Next(6)).Select(_ => "%_[]^aW"[random.Next(7)])])}'",
            3 => $"NOT {Condition(depth + 1)}",
            4 => $"({Condition(depth + 1)})",
            5 => $"{Condition(depth + 1)} AND {Condition(depth + 1)}",
            _ => $"{Condition(depth + 1)} OR {Condition(depth + 1)}",
        };

        for (var i = 0; i < runs; i++)
        {
            var words = $"SELECT {(random.Next(2) == 0 ? "*" : "Name, State")} FROM Win32_Service WHERE {Condition(0)}".Split(' ').ToList();
            if (random.Next(2) == 0)
            {
                var at = random.Next(words.Count);
                if (random.Next(2) == 0) words.RemoveAt(at);
                else words.Insert(at, stray[random.Next(stray.Length)]);
            }

            var text = string.Join(" ", words);
            try
            {
                var query = WqlQuery.Parse(text);
                _ = seed.Instances.Where(query.Matches).Select(query.Project).ToList();
                read++;
            }
            catch (WqlException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} for <<{text}>>: {e.Message}");
            }
        }

        Assert.That((read > runs / 4, refused > runs / 10), Is.EqualTo((true, true)), $"{read} read, {refused} refused");
    }

    /// <summary>Win32_Service over WS-Man follows what the service commands changed, and a WQL filter sees the change.</summary>
    [Test]
    public void Win32_Service_instances_follow_the_changed_services_before_the_filter()
    {
        var catalog = BehaviourCatalog.LoadDefault();
        var services = new ServiceStates();
        services.SetStatus("WinRM", "Stopped");
        services.SetStartType("Spooler", "Automatic");
        services.SetStatus("Spooler", "Running");

        var running = PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(new ComputerWmi(catalog, "Server01", services, null, null), "root/cimv2", "*", null, "SELECT Name, State, StartMode FROM Win32_Service WHERE Started = true AND (Name = 'EventLog' OR Name = 'Spooler' OR Name = 'WinRM')");
        var winrm = PsrpEmulator.Server.Endpoint.WmiOperations.Get(new ComputerWmi(catalog, "Server01", services, null, null), "root/cimv2", "Win32_Service", new Dictionary<string, string> { ["Name"] = "WinRM" });

        Assert.That(running.Select(i => string.Join(",", i.Properties.Select(p => p.Name + "=" + string.Join("|", p.Values)))),
            Is.EqualTo(new[] { "Name=EventLog,StartMode=Auto,State=Running", "Name=Spooler,StartMode=Auto,State=Running" }));
        Assert.That(winrm.Properties.Where(p => p.Name is "State" or "Started").Select(p => p.Name + "=" + p.Values[0]), Is.EqualTo(new[] { "Started=false", "State=Stopped" }));
    }

    /// <summary>
    /// Over WS-Man too a superclass is enumerated deep (WinRM's default polymorphism): CIM_LogicalDisk's resource URI
    /// and a WQL query of it answer with the Win32_LogicalDisk instances, each under its own class's resource URI; a
    /// property only the subclass has is the queried class's Invalid query; a broad superclass stays Invalid class.
    /// </summary>
    [Test]
    public void A_superclass_over_ws_man_answers_with_its_subclasses_instances()
    {
        var wmi = new ComputerWmi(BehaviourCatalog.LoadDefault(), "Server01", null, null, null);

        var byClass = PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(wmi, "root/cimv2", "CIM_LogicalDisk", null, null);
        var byQuery = PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(wmi, "root/cimv2", "*", null, "SELECT DeviceID FROM CIM_LogicalDisk WHERE DeviceID = 'C:'");
        var ofSubclass = Assert.Throws<PsrpEmulator.Server.Shells.WsManFaultException>(() => PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(wmi, "root/cimv2", "*", null, "SELECT * FROM CIM_LogicalDisk WHERE DriveType = 3"));
        var broad = Assert.Throws<PsrpEmulator.Server.Shells.WsManFaultException>(() => PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(wmi, "root/cimv2", "CIM_Service", null, null));

        Assert.That(byClass.Select(i => i.ClassName).Distinct(), Is.EqualTo(new[] { "Win32_LogicalDisk" }));
        Assert.That(byClass.First().ResourceUri, Does.EndWith("/wmi/root/cimv2/Win32_LogicalDisk"));
        Assert.That(byQuery.Select(i => i.ClassName + " " + string.Join(",", i.Properties.Select(p => p.Name + "=" + string.Join("|", p.Values)))), Is.EqualTo(new[] { "Win32_LogicalDisk DeviceID=C:" }));
        Assert.That(ofSubclass!.Reason, Is.EqualTo(WsManFaultReason.WmiInvalidQuery));
        Assert.That(broad!.Reason, Is.EqualTo(WsManFaultReason.WmiInvalidClass));
    }

    /// <summary>After a restart Win32_OperatingSystem's LastBootUpTime is the restart's moment, in a WQL filter too.</summary>
    [Test]
    public void Win32_OperatingSystem_gives_the_last_restart_as_LastBootUpTime()
    {
        var catalog = BehaviourCatalog.LoadDefault();
        var booted = new DateTimeOffset(2026, 11, 30, 10, 0, 5, TimeSpan.Zero);

        var before = PsrpEmulator.Server.Endpoint.WmiOperations.Get(new ComputerWmi(catalog, "Server01", null, null, null), "root/cimv2", "Win32_OperatingSystem", new Dictionary<string, string>());
        var after = PsrpEmulator.Server.Endpoint.WmiOperations.Get(new ComputerWmi(catalog, "Server01", null, booted, null), "root/cimv2", "Win32_OperatingSystem", new Dictionary<string, string>());
        var queried = PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(new ComputerWmi(catalog, "Server01", null, booted, null), "root/cimv2", "*", null, "SELECT LastBootUpTime FROM Win32_OperatingSystem");

        Assert.That(before.Properties.Single(p => p.Name == "LastBootUpTime").Values, Is.EqualTo(new[] { "2026-01-12T09:35:00Z" }));
        Assert.That(after.Properties.Single(p => p.Name == "LastBootUpTime").Values, Is.EqualTo(new[] { "2026-11-30T10:00:05Z" }));
        Assert.That(queried.Single().Properties.Single().Values, Is.EqualTo(new[] { "2026-11-30T10:00:05Z" }));
    }

    /// <summary>Win32_OperatingSystem's LocalDateTime is the computer's clock now (uptime checks subtract LastBootUpTime from it).</summary>
    [Test]
    public void Win32_OperatingSystem_gives_the_clock_s_now_as_LocalDateTime()
    {
        var catalog = BehaviourCatalog.LoadDefault();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 22, 15, 30, TimeSpan.Zero));
        var wmi = new ComputerWmi(catalog, "Server01", null, null, null) { Clock = clock };

        var first = PsrpEmulator.Server.Endpoint.WmiOperations.Get(wmi, "root/cimv2", "Win32_OperatingSystem", new Dictionary<string, string>());
        clock.Advance(TimeSpan.FromHours(2));
        var later = PsrpEmulator.Server.Endpoint.WmiOperations.Enumerate(wmi, "root/cimv2", "*", null, "SELECT LocalDateTime FROM Win32_OperatingSystem");

        Assert.That(first.Properties.Single(p => p.Name == "LocalDateTime").Values, Is.EqualTo(new[] { "2026-12-04T22:15:30Z" }));
        Assert.That(later.Single().Properties.Single().Values, Is.EqualTo(new[] { "2026-12-05T00:15:30Z" }));
    }
}
