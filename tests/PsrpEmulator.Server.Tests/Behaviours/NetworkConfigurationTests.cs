using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's network as provisioning scripts read it: Get-NetAdapter, Get-NetIPAddress and Get-NetIPConfiguration
/// (NetAdapter's and NetTCPIP's CIM instances) agree with each other and with ipconfig and ipconfig /all.
/// </summary>
public class NetworkConfigurationTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    [TestCase("$a = Get-NetAdapter; $a.Name; $a.InterfaceDescription; $a.ifIndex; $a.Status; $a.MacAddress; $a.LinkSpeed",
        "Ethernet|Microsoft Hyper-V Network Adapter|4|Up|00-15-5D-0A-01-04|10 Gbps")]
    [TestCase("(Get-NetAdapter -Name Eth* -Physical).Name; (Get-NetAdapter 'ethernet').ifIndex; (Get-NetAdapter -InterfaceIndex 4).Name", "Ethernet|4|Ethernet")]
    [TestCase("@(Get-NetAdapter -Name Wi-Fi*).Count; (Get-NetAdapter -InterfaceDescription 'Microsoft Hyper-V*').Name", "0|Ethernet")]
    [TestCase("(Get-NetAdapter | Where-Object Status -eq 'Up' | Select-Object -First 1).Name", "Ethernet")]
    [TestCase("(Get-NetAdapter).PSObject.TypeNames[0]", "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetAdapter")]
    public async Task Get_NetAdapter_gives_the_one_adapter_by_name_pattern_index_or_description(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task An_adapter_name_or_index_the_computer_has_not_is_the_cmdletization_not_found_error()
    {
        var (host, _) = await RunAsync("Get-NetAdapter -Name 'Wi-Fi'; Get-NetAdapter -InterfaceIndex 12; 'went on'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.TargetName, e.Message)), Is.EqualTo(new[]
        {
            ("CmdletizationQuery_NotFound_Name,Get-NetAdapter", ErrorCategory.ObjectNotFound, (string?)"Wi-Fi",
                "No MSFT_NetAdapter objects found with property 'Name' equal to 'Wi-Fi'.  Verify the value of the property and retry."),
            ("CmdletizationQuery_NotFound_InterfaceIndex,Get-NetAdapter", ErrorCategory.ObjectNotFound, "12",
                "No MSFT_NetAdapter objects found with property 'InterfaceIndex' equal to '12'.  Verify the value of the property and retry."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "went on" }));
    }

    [TestCase("(Get-NetIPAddress -AddressFamily IPv4 -InterfaceAlias Ethernet).IPAddress", "10.0.0.4")]
    [TestCase("Get-NetIPAddress -InterfaceAlias Ethernet -AddressFamily IPv6 | ForEach-Object { $_.IPAddress + '/' + $_.PrefixLength }", "fe80::8d4c:2f6b:a91e:5c07%4/64")]
    [TestCase("Get-NetIPAddress | ForEach-Object { $_.InterfaceAlias + ' ' + $_.AddressFamily + ' ' + $_.IPAddress }",
        "Ethernet IPv6 fe80::8d4c:2f6b:a91e:5c07%4|Loopback Pseudo-Interface 1 IPv6 ::1|Ethernet IPv4 10.0.0.4|Loopback Pseudo-Interface 1 IPv4 127.0.0.1")]
    [TestCase("(Get-NetIPAddress -ifIndex 1 -AddressFamily IPv6).IPAddress; @(Get-NetIPAddress -InterfaceAlias 'Wi*').Count", "::1|0")]
    [TestCase("Get-NetIPAddress -AddressFamily IPv4 | Where-Object InterfaceAlias -notlike 'Loopback*' | Select-Object -ExpandProperty PrefixOrigin", "Manual")]
    public async Task Get_NetIPAddress_lists_the_adapter_and_loopback_addresses_and_filters_them(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task An_interface_no_address_is_on_is_the_query_error_with_the_modules_WHERE_clause()
    {
        var (host, _) = await RunAsync("Get-NetIPAddress -InterfaceAlias 'Ethernet 2' -AddressFamily IPv4; Get-NetIPAddress -InterfaceIndex 9; $null -eq $PsrpEmulatorWhere");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)), Is.EqualTo(new[]
        {
            ("CmdletizationQuery_NotFound,Get-NetIPAddress", ErrorCategory.ObjectNotFound,
                "No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the  CIM server: " +
                "SELECT * FROM MSFT_NetIPAddress  WHERE ((InterfaceAlias LIKE 'Ethernet 2')) AND ((AddressFamily = 2)). Verify query parameters and retry."),
            ("CmdletizationQuery_NotFound,Get-NetIPAddress", ErrorCategory.ObjectNotFound,
                "No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the  CIM server: " +
                "SELECT * FROM MSFT_NetIPAddress  WHERE ((InterfaceIndex = 9)). Verify query parameters and retry."),
        }));
        // The rules' own variables are gone afterwards.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True" }));
    }

    [Test]
    public async Task Get_NetIPConfiguration_holds_the_adapter_its_address_objects_and_the_default_DNS_servers()
    {
        var (host, outcome) = await RunAsync(
            "$c = Get-NetIPConfiguration; $c.InterfaceAlias; $c.NetAdapter.MacAddress; $c.IPv4Address.IPAddress; $c.IPv4Address.PrefixLength; " +
            "$c.IPv6LinkLocalAddress.IPAddress; $c.NetProfile.Name; $c.IPv4DefaultGateway.NextHop; $c.IPv4DefaultGateway.DestinationPrefix; $c.DNSServer.ServerAddresses -join ','");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Ethernet", "00-15-5D-0A-01-04", "10.0.0.4", "24", "fe80::8d4c:2f6b:a91e:5c07%4", "Network", "10.0.0.1", "0.0.0.0/0",
            "10.0.0.1,fec0:0:0:ffff::1,fec0:0:0:ffff::2,fec0:0:0:ffff::3",
        }));
    }

    /// <summary>
    /// A computer configured without a gateway: its network is Windows' "Unidentified network" with no traffic, no
    /// default route's next hop, an empty gateway in ipconfig; the gateway and the address of one that has one answer ping, and a
    /// connection test leaves by Ethernet from the computer's address (by the loopback pseudo-interface for 127.0.0.1).
    /// </summary>
    [Test]
    public async Task A_network_without_a_gateway_is_unidentified_and_connection_tests_leave_from_the_computer_s_address()
    {
        var isolated = new NetworkSettings(NetworkSettings.IPv4Configuration.TryParse("192.168.7.9/24", "", null, out _));
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = isolated };
        await Default.Resolve(Behaviour.Script(
            "$p = Get-NetConnectionProfile; \"$($p.Name) $($p.IPv4Connectivity)\"; $null -eq (Get-NetIPConfiguration).IPv4DefaultGateway.NextHop; " +
            "@((Get-DnsClientServerAddress -InterfaceAlias Ethernet -AddressFamily IPv4).ServerAddresses).Count; " +
            "$t = Test-NetConnection $env:COMPUTERNAME; \"$($t.RemoteAddress) $($t.SourceAddress) $($t.InterfaceAlias) $($t.PingSucceeded)\"; " +
            "$t = Test-NetConnection 127.0.0.1; \"$($t.SourceAddress) $($t.InterfaceAlias)\""))
            .RunTestAsync(host, new FakeTimeProvider());
        var command = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = isolated };
        await Default.ResolveCommandLine("ipconfig").RunAsync(command, TimeProvider.System, CancellationToken.None);
        var (gateway, _) = await RunAsync("Test-Connection 10.0.0.1 -Count 1 -Quiet; (Test-Connection 10.0.0.4 -Count 1).IPV4Address");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Unidentified network NoTraffic", "True", "0", $"192.168.7.9 192.168.7.9 Ethernet True", "127.0.0.1 Loopback Pseudo-Interface 1",
        }));
        Assert.That(command.Stdout, Does.Contain("   IPv4 Address. . . . . . . . . . . : 192.168.7.9\r\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n   Default Gateway . . . . . . . . . : \r\n"));
        Assert.That(gateway.OutputTexts, Is.EqualTo(new[] { "True", "10.0.0.4" }));
    }

    /// <summary>
    /// The emulator's virtual computers share a network whose DNS server knows their names: from Server01, Server02 (its
    /// next address, 10.0.0.5) resolves (Resolve-DnsName: the DNS server's A record; [Net.Dns]), and each computer's own
    /// firewall decides what answers: a fresh one drops echo requests (ping times out) and lets WinRM's port in
    /// (Test-NetConnection's TcpTestSucceeded); enabling its echo rule makes it answer ping. A name the emulator has no
    /// computer for is still unknown.
    /// </summary>
    [Test]
    public async Task The_emulator_s_other_computers_resolve_on_the_shared_network_and_their_firewalls_decide_what_answers()
    {
        var options = new PsrpEmulator.Server.Hosting.EmulatorOptions { ComputerName = "SERVER01" };
        options.Computers["Server02"] = new PsrpEmulator.Server.Hosting.ComputerOptions();
        options.Computers["Server03"] = new PsrpEmulator.Server.Hosting.ComputerOptions { IPv4Address = "10.0.0.40/24" };
        var services = new PsrpEmulator.Server.Shells.ShellServices(options, Default, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            new PsrpEmulator.Server.Diagnostics.Journal(100), PsrpEmulator.Server.Hosting.ScenarioSettings.Empty);
        var network = services.NetworkSettingsOf("SERVER01");
        services.FirewallRulesOf("Server03").Update("FPS-ICMP4-ERQ-In", rule => rule with { Enabled = true });

        var (host, elapsed) = await RunOnVirtualClockAsync(network,
            "$r = Resolve-DnsName Server02; \"$($r.Name) $($r.Type) $($r.IPAddress) $($r.Section)\"; (Resolve-DnsName server03 -Type A).IPAddress; @(Resolve-DnsName Server02 -Type AAAA).Count; " +
            "[System.Net.Dns]::GetHostAddresses('SERVER02').IPAddressToString; " +
            "Test-Connection Server02 -Count 1 -Quiet; Test-Connection Server03 -Count 1 -Quiet; (Test-Connection 10.0.0.40 -Count 1).ProtocolAddress; " +
            "$t = Test-NetConnection Server02 -Port 5985; \"$($t.RemoteAddress) $($t.PingSucceeded) $($t.TcpTestSucceeded)\"; " +
            "Test-NetConnection Server03 -Port 3389 -InformationLevel Quiet; Test-Connection Server09 -Count 1 -Quiet");
        var command = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = network, Facts = new Dictionary<string, string> { ["computername"] = "SERVER01" } };
        await Default.ResolveCommandLine("ping -n 1 server03").RunAsync(command, new FakeTimeProvider(), CancellationToken.None);

        Assert.That(network.Neighbours, Is.EqualTo(new Dictionary<string, string> { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.40" }));
        Assert.That(services.NetworkSettingsOf("Server02").Neighbours["SERVER01"], Is.EqualTo("10.0.0.4"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Server02 A 10.0.0.5 Answer", "10.0.0.40", "0", "10.0.0.5", "False", "True", "10.0.0.40", "10.0.0.5 False True", "False", "False",
        }));
        // Server02's unanswered echo (4 s), Test-NetConnection's unanswered echo (4 s), and Server03's dropped RDP connection (21 s).
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(4 + 4 + 21)));
        Assert.That(command.Stdout, Does.StartWith("\r\nPinging server03 [10.0.0.40] with 32 bytes of data:\r\nReply from 10.0.0.40: bytes=32 time<1ms TTL=128\r\n"));
    }

    private static Task<(RecordingHost Host, TimeSpan Elapsed)> RunOnVirtualClockAsync(NetworkSettings network, string script) =>
        Default.RunOnVirtualClockAsync(script, clock =>
        {
            var host = new RecordingHost { Runspace = new RunspaceState(clock), NetworkSettings = network };
            host.Environment["COMPUTERNAME"] = "SERVER01";
            return host;
        });

    [TestCase("(Get-NetRoute -AddressFamily IPv4).DestinationPrefix -join ','",
        "255.255.255.255/32,255.255.255.255/32,224.0.0.0/4,224.0.0.0/4,10.0.0.255/32,10.0.0.4/32,10.0.0.0/24,127.255.255.255/32,127.0.0.1/32,127.0.0.0/8,0.0.0.0/0")]
    [TestCase("$r = Get-NetRoute -DestinationPrefix 0.0.0.0/0; \"$($r.NextHop) $($r.InterfaceAlias) $($r.ifIndex) $($r.RouteMetric) $($r.Protocol)\"", "10.0.0.1 Ethernet 4 0 NetMgmt")]
    [TestCase("(Get-NetRoute -InterfaceAlias Loop* -AddressFamily IPv6).DestinationPrefix -join ','", "ff00::/8,::1/128")]
    [TestCase("@(Get-NetRoute -InterfaceIndex 4).Count; @(Get-NetRoute -NextHop 10.0.0.*).Count; @(Get-NetRoute).Count", "9|1|16")]
    [TestCase("Get-NetRoute -DestinationPrefix 1.2.3.0/24 -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId; @(Get-NetRoute -DestinationPrefix 192.*).Count",
        "CmdletizationQuery_NotFound,Get-NetRoute|0")]
    [TestCase("try { Get-NetRoute -AddressFamily IPv5 } catch { $_.FullyQualifiedErrorId }", "CannotConvertArgumentNoMessage,Get-NetRoute")]
    [TestCase("$l = (Get-NetRoute -AddressFamily IPv4 | Out-String -Width 200).Split([string[]]\"`r`n\", 'RemoveEmptyEntries'); $l[0].TrimEnd(); $l[12].TrimEnd()",
        "ifIndex DestinationPrefix                              NextHop                                  RouteMetric ifMetric PolicyStore|" +
        "4       0.0.0.0/0                                      10.0.0.1                                           0 15       ActiveStore")]
    public async Task Get_NetRoute_lists_the_routes_of_the_computer_s_addresses_and_its_default_route(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("$s = Get-NetAdapterStatistics; \"$($s.Name) $($s.ReceivedBytes) $($s.SentUnicastPackets)\"; (Get-NetAdapterStatistics -Name Eth*).Name; @(Get-NetAdapterStatistics Wi*).Count",
        "Ethernet 48213765 41234|Ethernet|0")]
    [TestCase("Get-NetAdapterStatistics Wi-Fi -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId", "CmdletizationQuery_NotFound_Name,Get-NetAdapterStatistics")]
    [TestCase("(Get-NetAdapterStatistics | Out-String -Width 120).Split([string[]]\"`r`n\", 'RemoveEmptyEntries')[2].TrimEnd()",
        "Ethernet                              48213765                  61234         9876543              41234")]
    public async Task Get_NetAdapterStatistics_gives_the_adapter_s_traffic_in_its_table(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>route print lays out the routes Get-NetRoute lists as Windows prints them: on-link routes, metrics the route's and the interface's, the persistent default route.</summary>
    [Test]
    public async Task Route_print_shows_the_routing_table_Get_NetRoute_lists()
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = new NetworkSettings() };
        var v4 = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = new NetworkSettings(NetworkSettings.IPv4Configuration.TryParse("192.168.7.9/24", "", null, out _)) };

        var code = await Default.ResolveCommandLine("route print").RunAsync(host, TimeProvider.System, CancellationToken.None);
        await Default.ResolveCommandLine("route -4 print").RunAsync(v4, TimeProvider.System, CancellationToken.None);

        Assert.That(code, Is.Zero);
        Assert.That(host.Stdout, Does.Contain(
            "Network Destination        Netmask          Gateway       Interface  Metric\r\n" +
            "          0.0.0.0          0.0.0.0         10.0.0.1         10.0.0.4     15\r\n" +
            "         10.0.0.0    255.255.255.0          On-link         10.0.0.4    271\r\n"));
        Assert.That(host.Stdout, Does.Contain("  Network Address          Netmask  Gateway Address  Metric\r\n          0.0.0.0          0.0.0.0         10.0.0.1  Default\r\n"));
        Assert.That(host.Stdout, Does.Contain(" If Metric Network Destination      Gateway\r\n  1    331 ::1/128                  On-link\r\n"));
        Assert.That(v4.Stdout, Does.Contain("      192.168.7.0    255.255.255.0          On-link      192.168.7.9    271\r\n"));
        Assert.That(v4.Stdout, Does.Contain("Persistent Routes:\r\n  None\r\n"));
        Assert.That(v4.Stdout, Does.Not.Contain("IPv6 Route Table").And.Not.Contain("0.0.0.0          0.0.0.0"));
    }

    [TestCase("Get-NetIPInterface | ForEach-Object { \"$($_.ifIndex) $($_.AddressFamily) $($_.NlMtu) $($_.InterfaceMetric) $($_.Dhcp)\" }",
        "4 IPv6 1500 15 Enabled|1 IPv6 4294967295 75 Disabled|4 IPv4 1500 15 Disabled|1 IPv4 4294967295 75 Disabled")]
    [TestCase("(Get-NetIPInterface -InterfaceAlias Ethernet -AddressFamily IPv4).InterfaceMetric; (Get-NetIPInterface Loop* -AddressFamily IPv6).ifIndex; @(Get-NetIPInterface -InterfaceIndex 4).Count",
        "15|1|2")]
    [TestCase("$r = Get-NetRoute -DestinationPrefix 0.0.0.0/0; $r.RouteMetric + (Get-NetIPInterface -InterfaceIndex $r.ifIndex -AddressFamily IPv4).InterfaceMetric", "15")]
    [TestCase("Get-NetIPInterface Wi-Fi -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId; Get-NetIPInterface -InterfaceIndex 9 -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId",
        "CmdletizationQuery_NotFound_InterfaceAlias,Get-NetIPInterface|CmdletizationQuery_NotFound_InterfaceIndex,Get-NetIPInterface")]
    [TestCase("(Get-NetIPInterface -AddressFamily IPv4 | Out-String -Width 200).Split([string[]]\"`r`n\", 'RemoveEmptyEntries')[0,2] | ForEach-Object TrimEnd",
        "ifIndex InterfaceAlias                  AddressFamily NlMtu(Bytes) InterfaceMetric Dhcp     ConnectionState PolicyStore|" +
        "4       Ethernet                        IPv4                  1500              15 Disabled Connected       ActiveStore")]
    public async Task Get_NetIPInterface_lists_each_interface_per_family_with_the_metrics_the_routes_use(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_computer_without_a_gateway_has_no_default_route_and_its_subnet_s_routes_follow_its_prefix()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = new NetworkSettings(NetworkSettings.IPv4Configuration.TryParse("172.16.5.9/20", "", null, out _)) };
        await Default.Resolve(Behaviour.Script("(Get-NetRoute -InterfaceAlias Ethernet -AddressFamily IPv4).DestinationPrefix -join ','")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "255.255.255.255/32,224.0.0.0/4,172.16.15.255/32,172.16.5.9/32,172.16.0.0/20" }));
    }

    [Test]
    public async Task The_network_objects_are_laid_out_as_their_modules_format_files_lay_them_out()
    {
        var (host, _) = await RunAsync("Get-NetAdapter | Out-String; Get-NetIPAddress -AddressFamily IPv4 -InterfaceAlias Ethernet | Out-String; Get-NetIPConfiguration | Out-String");

        var text = string.Join(string.Empty, host.OutputTexts);
        Assert.That(text, Does.Contain(
            "Name                      InterfaceDescription                    ifIndex Status       MacAddress              LinkSpeed\r\n" +
            "----                      --------------------                    ------- ------       ----------              ---------\r\n" +
            "Ethernet                  Microsoft Hyper-V Network Adapter             4 Up           00-15-5D-0A-01-04         10 Gbps\r\n"));
        Assert.That(text, Does.Contain(
            "IPAddress         : 10.0.0.4\r\nInterfaceIndex    : 4\r\nInterfaceAlias    : Ethernet\r\nAddressFamily     : IPv4\r\nType              : Unicast\r\n" +
            "PrefixLength      : 24\r\nPrefixOrigin      : Manual\r\nSuffixOrigin      : Manual\r\nAddressState      : Preferred\r\n" +
            "ValidLifetime     : Infinite ([TimeSpan]::MaxValue)\r\nPreferredLifetime : Infinite ([TimeSpan]::MaxValue)\r\nSkipAsSource      : False\r\nPolicyStore       : ActiveStore\r\n"));
        Assert.That(text, Does.Contain(
            "InterfaceAlias       : Ethernet\r\nInterfaceIndex       : 4\r\nInterfaceDescription : Microsoft Hyper-V Network Adapter\r\n" +
            "NetProfile.Name      : Network\r\nIPv4Address          : 10.0.0.4\r\nIPv6DefaultGateway   : \r\nIPv4DefaultGateway   : 10.0.0.1\r\n" +
            "DNSServer            : 10.0.0.1\r\n"));
    }

    [Test]
    public async Task ipconfig_all_shows_the_adapter_Get_NetAdapter_shows_and_ipconfig_the_same_addresses()
    {
        var host = new FakeCommandLineHost
        {
            Encoding = System.Text.Encoding.ASCII,
            Environment = [new("COMPUTERNAME", "SERVER02")],
            Facts = new Dictionary<string, string> { ["computername"] = "SERVER02", ["cd"] = @"C:\Users\psrp" },
        };

        var all = await Default.ResolveCommandLine("ipconfig /all").RunAsync(host, TimeProvider.System, CancellationToken.None);
        var allText = host.Stdout;

        Assert.That(all, Is.EqualTo(0));
        Assert.That(allText, Does.StartWith("\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : SERVER02\r\n"));
        Assert.That(allText, Does.Contain("   Description . . . . . . . . . . . : Microsoft Hyper-V Network Adapter\r\n   Physical Address. . . . . . . . . : 00-15-5D-0A-01-04\r\n"));
        Assert.That(allText, Does.Contain("   IPv4 Address. . . . . . . . . . . : 10.0.0.4(Preferred) \r\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n   Default Gateway . . . . . . . . . : 10.0.0.1\r\n"));
        Assert.That(allText, Does.Contain("   DNS Servers . . . . . . . . . . . : 10.0.0.1\r\n   NetBIOS over Tcpip"));
        Assert.That(allText, Does.EndWith("   NetBIOS over Tcpip. . . . . . . . : Enabled\r\n"));
    }

    [Test]
    public async Task Dns_servers_a_script_sets_are_what_Get_DnsClientServerAddress_Get_NetIPConfiguration_and_ipconfig_all_show()
    {
        var network = new NetworkSettings();
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };

        var outcome = await Default.Resolve(Behaviour.Script(
            "Set-DnsClientServerAddress -InterfaceAlias Ethernet -ServerAddresses ('10.0.0.10', '10.0.0.11'); " +
            "(Get-DnsClientServerAddress -InterfaceAlias Ethernet -AddressFamily IPv4).ServerAddresses -join ','; " +
            "(Get-DnsClientServerAddress -InterfaceIndex 1 -AddressFamily IPv4).ServerAddresses.Count; Get-NetIPConfiguration | Out-String")).RunTestAsync(host, new FakeTimeProvider());
        var command = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = network, Facts = new Dictionary<string, string> { ["computername"] = "SERVER01" } };
        await Default.ResolveCommandLine("ipconfig /all").RunAsync(command, TimeProvider.System, CancellationToken.None);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts.Take(2), Is.EqualTo(new[] { "10.0.0.10,10.0.0.11", "0" }));
        Assert.That(host.OutputTexts[2], Does.Contain("DNSServer            : 10.0.0.10\r\n                       10.0.0.11\r\n\r\n"));
        Assert.That(command.Stdout, Does.Contain("   DNS Servers . . . . . . . . . . . : 10.0.0.10\r\n                                       10.0.0.11\r\n   NetBIOS over Tcpip"));
    }

    /// <summary>
    /// The network is public until a script makes it private (Packer's and Vagrant's step before WinRM), piped from
    /// Get-NetConnectionProfile or by its interface: Get-NetIPConfiguration's NetProfile and netsh's current profile
    /// follow; an interface the computer has not is not found and a category the enum has not is the binder's error.
    /// </summary>
    [Test]
    public async Task Set_NetConnectionProfile_makes_the_network_private_for_the_profile_cmdlets_and_netsh()
    {
        var network = new NetworkSettings();
        var firewall = new FirewallRules();
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };

        await Default.Resolve(Behaviour.Script("""
            $p = Get-NetConnectionProfile; "$($p.Name)|$($p.InterfaceAlias)|$($p.InterfaceIndex)|$($p.NetworkCategory)"
            Get-NetConnectionProfile | Set-NetConnectionProfile -NetworkCategory Private
            (Get-NetIPConfiguration).NetProfile.NetworkCategory
            Set-NetConnectionProfile -InterfaceAlias Wi-Fi -NetworkCategory Public
            Set-NetConnectionProfile -InterfaceIndex 4 -NetworkCategory Home
            (Get-NetConnectionProfile -NetworkCategory Public | Measure-Object).Count
            """)).RunTestAsync(host, new FakeTimeProvider());
        var command = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = network, FirewallRules = firewall };
        await Default.ResolveCommandLine("netsh advfirewall show currentprofile").RunAsync(command, TimeProvider.System, CancellationToken.None);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Network|Ethernet|4|Public", "Private", "0" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "CmdletizationQuery_NotFound_InterfaceAlias,Set-NetConnectionProfile", "ParameterArgumentTransformationError,Set-NetConnectionProfile",
        }));
        Assert.That(command.Stdout, Does.StartWith("\r\nPrivate Profile Settings: "));
    }

    [Test]
    public async Task Resetting_the_dns_servers_brings_back_the_defaults_and_an_interface_the_computer_has_not_is_not_found()
    {
        var network = new NetworkSettings();
        network.SetDnsServers(NetworkSettings.Interfaces[0], [System.Net.IPAddress.Parse("10.0.0.10")]);
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };

        await Default.Resolve(Behaviour.Script(
            "Set-DnsClientServerAddress -InterfaceIndex 4 -ResetServerAddresses; Get-DnsClientServerAddress -InterfaceAlias Ethernet | Out-String; Get-DnsClientServerAddress -InterfaceAlias Wi-Fi"))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts.Single(), Is.EqualTo(
            "\r\nInterfaceAlias               Interface Address ServerAddresses" + new string(' ', 58) + "\r\n" +
            // The index's label is left-aligned over its right-aligned numbers, as captured Windows output shows.
            "                             Index     Family" + new string(' ', 75) + "\r\n" +
            "--------------               --------- ------- ---------------" + new string(' ', 58) + "\r\n" +
            "Ethernet                             4 IPv4    {}" + new string(' ', 71) + "\r\n" +
            "Ethernet                             4 IPv6    {fec0:0:0:ffff::1, fec0:0:0:ffff::2, fec0:0:0:ffff::3}" + new string(' ', 19) + "\r\n\r\n\r\n"));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CmdletizationQuery_NotFound_InterfaceAlias,Get-DnsClientServerAddress" }));
    }

    [TestCase("Resolve-DnsName localhost | ForEach-Object { \"$($_.Name) $($_.Type) $($_.TTL) $($_.Section) $($_.IPAddress)\" }", "localhost AAAA 1200 Question ::1|localhost A 1200 Question 127.0.0.1")]
    [TestCase("(Resolve-DnsName $env:COMPUTERNAME -Type A).IPAddress; (Resolve-DnsName testhost01 AAAA).Name", "10.0.0.4|TESTHOST01")]
    [TestCase("(Resolve-DnsName localhost -DnsOnly -Type A).PSObject.TypeNames[0]", "Microsoft.DnsClient.Commands.DnsRecord_A")]
    public async Task Resolve_DnsName_answers_localhost_and_the_computer_s_own_name_locally(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// A name a script adds to the hosts file resolves as Windows' resolver reads it: Resolve-DnsName (A and AAAA by the
    /// address's family; not with -NoHostsFile), [Net.Dns], ping and Test-NetConnection find it (a loopback address
    /// answers: the test runs on a clock that does not move); comments and other names do not count.
    /// </summary>
    [Test]
    public async Task A_name_the_hosts_file_maps_resolves_for_Resolve_DnsName_Dns_ping_and_Test_NetConnection()
    {
        var (host, _) = await RunAsync("""
            Add-Content C:\Windows\System32\drivers\etc\hosts "`r`n127.0.0.5    app.local  app   # the app server`r`n::1 loop6.local`r`n# 10.9.9.9 commented.local"
            Resolve-DnsName app.local | ForEach-Object { "$($_.Name) $($_.Type) $($_.IPAddress)" }
            (Resolve-DnsName loop6.local -Type A | Measure-Object).Count
            [Net.Dns]::GetHostAddresses('APP').IPAddressToString
            (ping -n 1 loop6.local)[1]
            (ping -n 1 app.local)[1]
            Test-NetConnection app.local -InformationLevel Quiet
            Resolve-DnsName app.local -NoHostsFile -ErrorAction SilentlyContinue; Resolve-DnsName commented.local
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "app.local A 127.0.0.5", "0", "127.0.0.5", "Pinging loop6.local [::1] with 32 bytes of data:", "Pinging app.local [127.0.0.5] with 32 bytes of data:", "True",
        }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "commented.local : DNS name does not exist" }));
    }

    /// <summary>Serverspec's resolvable check: <c>[System.Net.Dns]::GetHostAddresses(name)</c>.</summary>
    [TestCase("[System.Net.Dns]::GetHostAddresses('localhost') | ForEach-Object { \"$_ $($_.AddressFamily)\" }", "::1 InterNetworkV6|127.0.0.1 InterNetwork")]
    [TestCase("$e = [Net.Dns]::GetHostEntry($env:COMPUTERNAME); $e.HostName; $e.AddressList.Count; [System.Net.Dns]::GetHostAddresses('10.1.2.3').IPAddressToString", "TESTHOST01|2|10.1.2.3")]
    [TestCase("try { [System.Net.Dns]::GetHostAddresses('nowhere.contoso.com') } catch { $_.FullyQualifiedErrorId; \"$_\" }",
        "SocketException|Exception calling \"GetHostAddresses\" with \"1\" argument(s): \"No such host is known\"")]
    public async Task The_Dns_class_resolves_the_names_the_computer_knows(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>Serverspec's reachable checks: Ping.Send's Status, and TcpClient.BeginConnect, WaitOne and Connected.</summary>
    [TestCase("$r = (New-Object System.Net.NetworkInformation.Ping).Send('localhost'); \"$($r.Status) $($r.Address) $($r.Options.Ttl)\"; [Net.NetworkInformation.Ping]::new().Send('10.9.9.9', 500).Status",
        "Success ::1 128|TimedOut")]
    [TestCase("$t = New-Object System.Net.Sockets.TcpClient; $c = $t.BeginConnect('localhost', 5985, $null, $null); $c.AsyncWaitHandle.WaitOne(1000, $false); $t.Connected; $t.Close(); $t.Connected",
        "True|True|False")]
    [TestCase("$t = New-Object System.Net.Sockets.TcpClient; $c = $t.BeginConnect('localhost', 8080, $null, $null); $c.AsyncWaitHandle.WaitOne(1000, $false); $t.Connected; " +
        "$u = New-Object System.Net.Sockets.TcpClient; $w = $u.BeginConnect('10.9.9.9', 5985, $null, $null); $w.AsyncWaitHandle.WaitOne(1000, $false)",
        "True|False|False")]
    [TestCase("try { $t = New-Object System.Net.Sockets.TcpClient('127.0.0.1', 8080) } catch { \"$_\" }; ([System.Net.Sockets.TcpClient]::new('localhost', 445)).Connected",
        "Exception calling \".ctor\" with \"2\" argument(s): \"No connection could be made because the target machine actively refused it 127.0.0.1:8080\"|True")]
    public async Task Ping_and_TcpClient_reach_the_computer_s_own_listeners(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task Resolve_DnsName_of_another_name_is_DnsClient_s_name_error_written_and_gone_on_from()
    {
        var (host, _) = await RunAsync("Resolve-DnsName server02.contoso.com, localhost -Type A | ForEach-Object IPAddress; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.Category, e.ExceptionType)), Is.EqualTo(new[]
        {
            ("DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName", "server02.contoso.com : DNS name does not exist", ErrorCategory.ResourceUnavailable, "System.ComponentModel.Win32Exception"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "127.0.0.1", "next" }));
    }

    [TestCase("(Get-NetTCPConnection | ForEach-Object { \"$($_.LocalAddress):$($_.LocalPort)\" }) -join ','", ":::47001,:::5985,:::445,:::135,0.0.0.0:47001,0.0.0.0:5985,0.0.0.0:445,0.0.0.0:135")]
    [TestCase("Get-NetTCPConnection -LocalPort 5985 -State Listen -LocalAddress 0.0.0.0 | ForEach-Object { \"$($_.State) $($_.OwningProcess) $($_.RemotePort) $($_.LocalPort.GetType().Name)\" }", "Listen 4 0 UInt16")]
    [TestCase("(Get-NetTCPConnection -OwningProcess 1868).LocalPort; @(Get-NetTCPConnection -State Established).Count; @(Get-NetTCPConnection -LocalAddress '10.*').Count", "135|135|0|0")]
    public async Task Get_NetTCPConnection_lists_the_listeners_netstat_shows(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task Get_NetTCPConnection_that_finds_no_port_is_the_cmdletization_s_query_error_with_its_WHERE_clause()
    {
        var (host, _) = await RunAsync("Get-NetTCPConnection -LocalPort 8080, 8443 -State Listen; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.Category, e.ExceptionType)), Is.EqualTo(new[]
        {
            ("CmdletizationQuery_NotFound,Get-NetTCPConnection",
                "No matching MSFT_NetTCPConnection objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetTCPConnection class on the  CIM server: SELECT * FROM MSFT_NetTCPConnection  WHERE ((LocalPort = 8080) OR (LocalPort = 8443)) AND ((State = 2)). Verify query parameters and retry.",
                ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Cmdletization.Cim.CimJobException"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>The template step that turns IPv6 off, and a check of what the adapter binds.</summary>
    [Test]
    public async Task Disabling_a_binding_is_what_Get_NetAdapterBinding_lists_and_an_unknown_adapter_is_not_found()
    {
        var network = new NetworkSettings();
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };

        await Default.Resolve(Behaviour.Script(
            "(Get-NetAdapterBinding -Name Ethernet).Count; Disable-NetAdapterBinding -Name * -ComponentID ms_tcpip6; " +
            "(Get-NetAdapterBinding -ComponentID ms_tcpip6).Enabled; Enable-NetAdapterBinding -Name Ethernet -DisplayName 'Bridge*' -PassThru | ForEach-Object { \"$($_.ComponentID) $($_.Enabled)\" }; " +
            "Get-NetAdapterBinding -Name Wi-Fi; (Get-NetAdapterBinding -Name Ethernet -ComponentID ms_tcpip | Format-Table | Out-String).Trim()")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts.Take(3), Is.EqualTo(new[] { "10", "False", "ms_bridge True" }));
        Assert.That(host.OutputTexts[3], Does.EndWith("Ethernet                       Internet Protocol Version 4 (TCP/IPv4)             ms_tcpip             True"));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CmdletizationQuery_NotFound_Name,Get-NetAdapterBinding" }));
        Assert.That(network.IsBound("Ethernet", NetworkSettings.Bindings.Single(b => b.ComponentId == "ms_tcpip6")), Is.False);
    }
}
