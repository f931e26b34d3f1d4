using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>ping.exe as scripts wait with it, and timeout.exe refusing a remote process's redirected stdin.</summary>
public class PingAndTimeoutTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode, TimeSpan Elapsed)> RunAsync(string line)
    {
        var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 16));
        host = new FakeCommandLineHost { Encoding = host.Encoding, FileSystem = host.FileSystem, Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp", ["computername"] = "Server01" } };
        var run = Task.Run(() => Default.ResolveCommandLine(line).RunAsync(host, clock, CancellationToken.None));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            // Jump to the next sleep's end; while none is pending yet, let the script reach its next one.
            if (!clock.AdvanceToNextTimer()) await Task.Yield();
        }

        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(1));
        return (host, exitCode, clock.GetUtcNow() - start);
    }

    [Test]
    public async Task Ping_of_a_loopback_address_answers_once_a_second_on_the_server_s_clock()
    {
        var (host, code, elapsed) = await RunAsync("ping -n 6 127.0.0.1");

        var reply = "Reply from 127.0.0.1: bytes=32 time<1ms TTL=128\r\n";
        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((
            "\r\nPinging 127.0.0.1 with 32 bytes of data:\r\n" + string.Concat(Enumerable.Repeat(reply, 6)) +
            "\r\nPing statistics for 127.0.0.1:\r\n    Packets: Sent = 6, Received = 6, Lost = 0 (0% loss),\r\n" +
            "Approximate round trip times in milli-seconds:\r\n    Minimum = 0ms, Maximum = 0ms, Average = 0ms\r\n", "", 0)));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(5)), "no wait after the last reply");
    }

    [TestCase("ping localhost -n 1", "\r\nPinging SERVER01 [::1] with 32 bytes of data:\r\nReply from ::1: time<1ms\r\n\r\nPing statistics for ::1:\r\n", 0, 0)]
    [TestCase("ping -4 -n 1 -l 64 server01", "\r\nPinging SERVER01 [10.0.0.4] with 64 bytes of data:\r\nReply from 10.0.0.4: bytes=64 time<1ms TTL=128\r\n", 0, 0)]
    [TestCase("ping -n 2 -w 500 10.1.1.1", "\r\nPinging 10.1.1.1 with 32 bytes of data:\r\nRequest timed out.\r\nRequest timed out.\r\n\r\nPing statistics for 10.1.1.1:\r\n    Packets: Sent = 2, Received = 0, Lost = 2 (100% loss),\r\n", 1, 1000)]
    [TestCase("ping nosuch", "Ping request could not find host nosuch. Please check the name and try again.\r\n", 1, 0)]
    [TestCase("ping -n 0 127.0.0.1", "Bad value for option -n, valid range is from 1 to 4294967295.\r\n", 1, 0)]
    [TestCase("ping -n", "Value must be supplied for option -n.\r\n", 1, 0)]
    [TestCase("ping -q 127.0.0.1", "Bad option -q.\r\n", 1, 0)]
    [TestCase("ping", "IP address must be specified.\r\n", 1, 0)]
    public async Task Ping_answers_for_the_computer_itself_only(string line, string stdoutStart, int exitCode, int elapsedMilliseconds)
    {
        var (host, code, elapsed) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code, elapsed), Is.EqualTo((host.Stdout.StartsWith(stdoutStart, StringComparison.Ordinal) ? host.Stdout : stdoutStart, "", exitCode, TimeSpan.FromMilliseconds(elapsedMilliseconds))));
    }

    [Test]
    public async Task Nslookup_asks_the_computer_s_DNS_server_which_knows_the_emulator_s_computers_only()
    {
        var network = new NetworkSettings { Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5" } };
        async Task<(string Stdout, string Stderr, int Code)> NslookupAsync(string line)
        {
            var host = new FakeCommandLineHost { NetworkSettings = network, Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp", ["computername"] = "Server01" } };
            var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
            return (host.Stdout, host.Stderr, code);
        }

        const string Server = "Server:  UnKnown\r\nAddress:  10.0.0.1\r\n\r\n";
        Assert.That(await NslookupAsync("nslookup server02"), Is.EqualTo((Server + "Name:    server02\r\nAddress:  10.0.0.5\r\n\r\n", "", 0)));
        Assert.That(await NslookupAsync("nslookup.exe SERVER01."), Is.EqualTo((Server + "Name:    SERVER01\r\nAddress:  10.0.0.4\r\n\r\n", "", 0)));
        Assert.That(await NslookupAsync("nslookup www.contoso.com"), Is.EqualTo((Server, "*** UnKnown can't find www.contoso.com: Non-existent domain\r\n", 0)),
            "a name the DNS server has not is on stderr; the exit code stays 0");
        Assert.That(await NslookupAsync("nslookup 10.0.0.5"), Is.EqualTo((Server, "*** UnKnown can't find 10.0.0.5: Non-existent domain\r\n", 0)), "no PTR records");
        Assert.That(await NslookupAsync("nslookup localhost"), Is.EqualTo((Server, "*** UnKnown can't find localhost: Non-existent domain\r\n", 0)), "nslookup never reads the hosts file");
    }

    [TestCase("reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" /v Nope", "ERROR: The system was unable to find the specified registry key or value.\r\n")]
    [TestCase("reg query HKLM\\SOFTWARE\\Contoso", "ERROR: The system was unable to find the specified registry key or value.\r\n")]
    [TestCase("reg delete HKLM\\SOFTWARE\\Contoso /f", "ERROR: The system was unable to find the specified registry key or value.\r\n")]
    [TestCase("reg add HKLM\\SOFTWARE\\Contoso /v X /t REG_DWORD /d 12x /f", "ERROR: Invalid syntax.\r\nType \"REG ADD /?\" for usage.\r\n")]
    [TestCase("reg add HKLM\\SOFTWARE\\Contoso /v X /ve", "ERROR: Invalid syntax.\r\nType \"REG ADD /?\" for usage.\r\n")]
    [TestCase("reg add HKLM:\\SOFTWARE\\Contoso", "ERROR: Invalid key name.\r\nType \"REG ADD /?\" for usage.\r\n")]
    [TestCase("reg query HKXX\\SOFTWARE", "ERROR: Invalid key name.\r\nType \"REG QUERY /?\" for usage.\r\n")]
    public async Task Reg_query_of_a_value_or_key_it_cannot_find_fails_with_exit_code_1(string line, string stderr)
    {
        var (host, code, _) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("", stderr, 1)));
    }

    [TestCase("timeout /t 10 /nobreak > nul")]
    [TestCase("timeout.exe 5")]
    public async Task Timeout_refuses_the_redirected_stdin_of_a_remote_process(string line)
    {
        var (host, code, elapsed) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code, elapsed), Is.EqualTo(("", "ERROR: Input redirection is not supported, exiting the process immediately.\r\n", 1, TimeSpan.Zero)));
    }
}

/// <summary>setx and the store of variables a computer keeps for its later processes.</summary>
public class PersistentEnvironmentTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, PersistentEnvironment store)
    {
        var host = new FakeCommandLineHost
        {
            Encoding = System.Text.Encoding.ASCII,
            Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp" },
            Environment = [new("USERPROFILE", @"C:\Users\psrp")],
            PersistentEnvironment = store,
        };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host, code);
    }

    [Test]
    public async Task Setx_keeps_a_user_or_machine_variable_for_later_processes_and_cuts_it_at_1024_characters()
    {
        var store = new PersistentEnvironment();
        var (user, userCode) = await RunAsync("setx TOOLS \"C:\\my tools\"", store);
        var (machine, machineCode) = await RunAsync("setx LONG " + new string('x', 1030) + " /M", store);

        Assert.That((user.Stdout, userCode), Is.EqualTo(("\r\nSUCCESS: Specified value was saved.\r\n", 0)));
        Assert.That((machine.Stdout, machineCode), Is.EqualTo(("WARNING: The data being saved is truncated to 1024 characters.\r\n\r\nSUCCESS: Specified value was saved.\r\n", 0)));
        Assert.That(store.Get(EnvironmentScope.User, @"C:\Users\psrp", "tools", _ => null), Is.EqualTo(@"C:\my tools"));
        Assert.That(store.Get(EnvironmentScope.Machine, @"C:\Users\psrp", "LONG", _ => null), Has.Length.EqualTo(1024));
        Assert.That(store.Get(EnvironmentScope.User, @"C:\Users\other", "TOOLS", _ => null), Is.Null, "another user's store");
    }

    [TestCase("setx")]
    [TestCase("setx ONLY")]
    [TestCase("setx A B C")]
    public async Task Setx_without_a_name_and_a_value_is_invalid_syntax(string line)
    {
        var (host, code) = await RunAsync(line, new PersistentEnvironment());

        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo(("", "ERROR: Invalid syntax.\r\nType \"SETX /?\" for usage.\r\n", 1)));
    }

    [Test]
    public void A_new_process_gets_the_machine_s_changes_then_the_user_s_and_the_two_paths_joined()
    {
        var store = new PersistentEnvironment();
        store.Set(EnvironmentScope.Machine, @"C:\Users\psrp", "Path", @"C:\Windows\system32;C:\tools");
        store.Set(EnvironmentScope.Machine, @"C:\Users\psrp", "SHARED", "machine");
        store.Set(EnvironmentScope.User, @"C:\Users\psrp", "SHARED", "user");
        store.Set(EnvironmentScope.User, @"C:\Users\psrp", "TEMP", null);
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Path"] = "old", ["TEMP"] = @"C:\Temp", ["OS"] = "Windows_NT", ["USERPROFILE"] = @"C:\Users\psrp" };

        store.ApplyTo(variables, @"C:\Users\psrp");

        Assert.That(variables, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["Path"] = @"C:\Windows\system32;C:\tools;C:\Users\psrp\AppData\Local\Microsoft\WindowsApps",
            ["SHARED"] = "user",
            ["OS"] = "Windows_NT",
            ["USERPROFILE"] = @"C:\Users\psrp",
        }));
        Assert.That(store.Get(EnvironmentScope.Machine, @"C:\Users\psrp", "TEMP", n => n == "SystemRoot" ? @"C:\Windows" : null), Is.EqualTo(@"C:\Windows\TEMP"), "a default nobody changed");
    }

    /// <summary>
    /// A REG_EXPAND_SZ value's %NAME% references are expanded from the new process's block as Windows builds it, a REG_SZ
    /// value's are not; the defaults are kept unexpanded, as Windows Server 2019's registry has them.
    /// </summary>
    [Test]
    public void A_new_process_expands_the_stores_REG_EXPAND_SZ_values_and_not_their_REG_SZ_ones()
    {
        var store = new PersistentEnvironment();
        store.Set(EnvironmentScope.Machine, @"C:\Users\psrp", "TOOLS", @"%SystemRoot%\tools", expand: true);
        store.Set(EnvironmentScope.Machine, @"C:\Users\psrp", "LITERAL", @"%SystemRoot%\tools");
        store.Set(EnvironmentScope.User, @"C:\Users\psrp", "Path", @"%USERPROFILE%\bin;%NOSUCH%\x", expand: true);
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["SystemRoot"] = @"C:\Windows", ["USERPROFILE"] = @"C:\Users\psrp" };

        store.ApplyTo(variables, @"C:\Users\psrp");

        Assert.That(variables["TOOLS"], Is.EqualTo(@"C:\Windows\tools"));
        Assert.That(variables["LITERAL"], Is.EqualTo(@"%SystemRoot%\tools"));
        Assert.That(variables["Path"], Is.EqualTo(@"C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\;C:\Windows\System32\OpenSSH\;C:\Users\psrp\bin;%NOSUCH%\x"));
        Assert.That(store.List(EnvironmentScope.Machine, @"C:\Users\psrp").Where(v => v.Name is "Path" or "TEMP" or "ComSpec" or "OS"), Is.EqualTo(new[]
        {
            new PersistentEnvironment.Variable("ComSpec", @"%SystemRoot%\system32\cmd.exe", true),
            new PersistentEnvironment.Variable("OS", "Windows_NT", false),
            new PersistentEnvironment.Variable("Path", @"%SystemRoot%\system32;%SystemRoot%;%SystemRoot%\System32\Wbem;%SYSTEMROOT%\System32\WindowsPowerShell\v1.0\;%SYSTEMROOT%\System32\OpenSSH\", true),
            new PersistentEnvironment.Variable("TEMP", @"%SystemRoot%\TEMP", true),
        }));
    }

    [TestCase("abc", "abc")]
    [TestCase("%A%", "1")]
    [TestCase("%a%%A%", "11")]
    [TestCase("x%A", "x%A")]
    [TestCase("%B%\\%A%", "%B%\\1")]
    [TestCase("100%%A%", "100%1")]
    [TestCase("%%", "%%")]
    public void Expanding_replaces_known_references_and_leaves_the_rest_as_written(string text, string expected)
    {
        Assert.That(PersistentEnvironment.Expand(text, n => n.Equals("A", StringComparison.OrdinalIgnoreCase) ? "1" : null), Is.EqualTo(expected));
    }

    [Test]
    public async Task Setx_keeps_a_value_with_a_percent_sign_as_REG_EXPAND_SZ()
    {
        var store = new PersistentEnvironment();
        await RunAsync("setx TOOLS %SystemRoot%\\tools", store);
        await RunAsync("setx PLAIN C:\\tools", store);

        Assert.That(store.List(EnvironmentScope.User, @"C:\Users\psrp").Where(v => v.Name is "TOOLS" or "PLAIN"), Is.EqualTo(new[]
        {
            new PersistentEnvironment.Variable("TOOLS", @"%SystemRoot%\tools", true),
            new PersistentEnvironment.Variable("PLAIN", @"C:\tools", false),
        }));
    }

    [Test]
    public async Task A_session_sets_its_own_variables_and_the_stores_for_later_processes_without_seeing_those()
    {
        var store = new PersistentEnvironment();
        var host = new RecordingHost { PersistentEnvironment = store };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        host.Environment["Path"] = @"C:\Windows";

        await Default.Resolve(Behaviour.Script(
            "$env:Path += ';C:\\bin'; $env:Path; $env:N = 5; $env:N += 1; $env:N; " +
            "[Environment]::SetEnvironmentVariable('M', 'machine', 'Machine'); [Environment]::SetEnvironmentVariable('U', 'user', [EnvironmentVariableTarget]::User); " +
            "[Environment]::SetEnvironmentVariable('P', 'process'); \"[$env:M][$env:U][$env:P]\"; [Environment]::GetEnvironmentVariable('M', 'Machine'); " +
            "[Environment]::GetEnvironmentVariable('Path', 'User'); [Environment]::GetEnvironmentVariable('P', 'Bogus')")).RunTestAsync(host);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\Windows;C:\bin", "51", "[][][process]", "machine", @"C:\Users\tester\AppData\Local\Microsoft\WindowsApps" }));
        Assert.That(store.Get(EnvironmentScope.User, @"C:\Users\tester", "U", _ => null), Is.EqualTo("user"));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "MethodArgumentConversionInvalidCastArgument" }));
    }

    [Test]
    public void The_processor_variables_and_DriverData_are_in_every_process_and_in_the_machine_store()
    {
        var process = PsrpEmulator.Server.Shells.WinRs.WinRsEnvironment.Defaults("SERVER01", "SERVER01", "u", @"C:\Users\u")
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        var store = new PersistentEnvironment();
        string? Machine(string name) => store.Get(EnvironmentScope.Machine, @"C:\Users\u", name, n => process.GetValueOrDefault(n));

        // As Win32_Processor's Caption and systeminfo give the processor: Intel64 Family 6 Model 85 Stepping 7.
        Assert.That(process["PROCESSOR_IDENTIFIER"], Is.EqualTo("Intel64 Family 6 Model 85 Stepping 7, GenuineIntel"));
        Assert.That(new[] { process["PROCESSOR_LEVEL"], process["PROCESSOR_REVISION"] }, Is.EqualTo(new[] { "6", "5507" }));
        Assert.That(process["DriverData"], Is.EqualTo(@"C:\Windows\System32\Drivers\DriverData"));
        Assert.That(new[] { Machine("PROCESSOR_IDENTIFIER"), Machine("PROCESSOR_LEVEL"), Machine("PROCESSOR_REVISION"), Machine("DriverData") },
            Is.EqualTo(new[] { process["PROCESSOR_IDENTIFIER"], "6", "5507", process["DriverData"] }));
        Assert.That(store.Get(EnvironmentScope.User, @"C:\Users\u", "PROCESSOR_LEVEL", n => process.GetValueOrDefault(n)), Is.Null);
    }

    [Test]
    public async Task GetEnvironmentVariables_is_a_hashtable_of_the_process_s_or_a_store_s_variables()
    {
        var store = new PersistentEnvironment();
        var host = new RecordingHost { PersistentEnvironment = store };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";

        await Default.Resolve(Behaviour.Script(
            "$env:N = 'new'; $all = [Environment]::GetEnvironmentVariables(); $all.GetType().FullName; $all['N']; $all['COMPUTERNAME']; " +
            "[Environment]::SetEnvironmentVariable('M', 'machine', 'Machine'); $machine = [Environment]::GetEnvironmentVariables('Machine'); $machine['M']; " +
            "$machine.ContainsKey('Path'); [Environment]::GetEnvironmentVariables([EnvironmentVariableTarget]::User)['TEMP']; [Environment]::GetEnvironmentVariables('Process').Count -eq $all.Count")).RunTestAsync(host);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "System.Collections.Hashtable", "new", "TESTHOST01", "machine", "True", @"C:\Users\tester\AppData\Local\Temp", "True" }));
    }
}

/// <summary>Test-Connection and Test-NetConnection from the computer itself, as ping answers.</summary>
public class ConnectionTestTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static Task<(RecordingHost Host, TimeSpan Elapsed)> RunAsync(string script) =>
        Default.RunOnVirtualClockAsync(script, clock => new RecordingHost { Runspace = new RunspaceState(clock) });

    [Test]
    public async Task Test_Connection_answers_for_the_computer_itself_a_second_per_echo()
    {
        var (host, elapsed) = await RunAsync(
            "Test-Connection localhost -Count 1 -Quiet; $r = Test-Connection -ComputerName 127.0.0.1, TESTHOST01 -Count 3; $r.Count; $r[0].StatusCode; $r[0].IPV4Address; " +
            "Test-Connection 10.9.8.7 -Count 1 -Quiet; Test-Connection nosuch -Count 1");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "6", "0", "127.0.0.1", "False" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("TestConnectionException,Microsoft.PowerShell.Commands.TestConnectionCommand", "Testing connection to computer 'nosuch' failed: No such host is known"),
        }));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(2 + 2 + 4)), "a second between echoes; an address that does not answer waits its timeout");
    }

    /// <summary>Test-Connection's replies are written in 5.1's table of Win32_PingStatus (Source, Destination, addresses, Bytes, Time(ms)).</summary>
    [Test]
    public async Task Test_Connection_s_replies_are_shown_in_the_ping_status_table()
    {
        var (host, _) = await RunAsync("Test-Connection localhost -Count 1 | Out-String; Test-Connection 127.0.0.1 -Count 1 -BufferSize 64 | Format-Table | Out-String");

        var text = string.Concat(host.OutputTexts);
        Assert.That(text, Does.Contain(
            "Source        Destination     IPV4Address      IPV6Address                              Bytes    Time(ms)"));
        Assert.That(text, Does.Contain("------        -----------     -----------      -----------                              -----    --------"));
        Assert.That(text, Does.Contain("TESTHOST01    localhost       127.0.0.1        ::1                                      32       0"));
        Assert.That(text, Does.Contain("TESTHOST01    127.0.0.1       127.0.0.1                                                 64       0"));
    }

    [Test]
    public async Task Test_NetConnection_finds_the_listening_ports_of_the_computer_itself()
    {
        var (host, _) = await RunAsync(
            "$t = Test-NetConnection localhost -Port 5985; \"$($t.PingSucceeded) $($t.TcpTestSucceeded) $($t.RemotePort)\"; tnc 127.0.0.1 -Port 8080 -InformationLevel Quiet; " +
            "Test-NetConnection -ComputerName localhost -CommonTCPPort SMB -InformationLevel Quiet; Test-NetConnection nosuch -InformationLevel Quiet");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True True 5985", "False", "True", "False" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "TCP connect to (127.0.0.1 : 8080) failed", "Name resolution of nosuch failed" }));
    }
}
