using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's DNS client: its cache (what resolving the emulator's other computers puts there, Get-DnsClientCache
/// and ipconfig /displaydns reading it as its answers age on the computer's clock, Clear-DnsClientCache and
/// ipconfig /flushdns emptying it) and its interfaces' settings (Get-DnsClient, Set-DnsClient, ipconfig /all).
/// </summary>
public class DnsClientTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static (NetworkSettings Network, FakeTimeProvider Clock) Network()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var network = new NetworkSettings
        {
            Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" },
            Clock = clock,
        };
        return (network, clock);
    }

    private static async Task<RecordingHost> RunAsync(NetworkSettings network, string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), NetworkSettings = network };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    private static async Task<(string Stdout, int ExitCode)> CommandLineAsync(NetworkSettings network, string line)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, NetworkSettings = network };
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host.Stdout, exitCode);
    }

    [Test]
    public async Task Resolving_another_computer_keeps_its_A_record_and_the_AAAA_query_s_no_records_in_the_cache_in_DnsClient_s_table()
    {
        var (network, _) = Network();

        var host = await RunAsync(network, "$null = Resolve-DnsName Server02; Get-DnsClientCache | Out-String");

        Assert.That(host.OutputTexts.Single(), Is.EqualTo(
            "\r\nEntry                     RecordName                Record Status    Section TimeTo Data   Data" + new string(' ', 25) + "\r\n" +
            "                                                    Type                     Live   Length" + new string(' ', 30) + "\r\n" +
            "-----                     ----------                ------ ------    ------- ------ ------ ----" + new string(' ', 25) + "\r\n" +
            "Server02                                            AAAA   NoRecords" + new string(' ', 52) + "\r\n" +
            "Server02                  Server02                  A      Success   Answer    1200      4 10.0.0.5" + new string(' ', 21) + "\r\n\r\n\r\n"));
    }

    [Test]
    public async Task A_cached_answer_ages_on_the_computer_s_clock_and_is_gone_when_its_time_to_live_runs_out()
    {
        var (network, clock) = Network();
        await RunAsync(network, "$null = Resolve-DnsName server02");

        clock.Advance(TimeSpan.FromSeconds(450));
        var aged = await RunAsync(network, "(Resolve-DnsName SERVER02).TTL; Get-DnsClientCache | ForEach-Object { \"$($_.Entry) $($_.Type) $($_.Status) $($_.TimeToLive)\" }");
        clock.Advance(TimeSpan.FromSeconds(450));
        var negativeGone = await RunAsync(network, "Get-DnsClientCache | ForEach-Object { \"$($_.Type) $($_.TimeToLive)\" }");
        clock.Advance(TimeSpan.FromSeconds(300));
        var empty = await RunAsync(network, "@(Get-DnsClientCache).Count");

        Assert.That(aged.OutputTexts, Is.EqualTo(new[] { "750", "server02 28 9501 ", "server02 1 0 750" }),
            "a second resolution answers from the cache: what is left of the first answer's 1,200 s");
        Assert.That(negativeGone.OutputTexts, Is.EqualTo(new[] { "1 300" }), "the AAAA query's no records is kept 900 s");
        Assert.That(empty.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    [TestCase("Get-DnsClientCache Server0* | ForEach-Object Entry", "Server02|Server02|Server03")]
    [TestCase("Get-DnsClientCache -Type A | ForEach-Object Data", "10.0.0.5|10.0.0.6")]
    [TestCase("Get-DnsClientCache -Status NoRecords -Entry server02 | ForEach-Object { $_.Type }", "28")]
    [TestCase("Get-DnsClientCache -Section Answer -Data 10.0.0.6 | ForEach-Object Name", "Server03")]
    [TestCase("Get-DnsClientCache -Type 28 | ForEach-Object { $_.Section -eq $null -and $_.TimeToLive -eq $null -and $_.Data -eq $null }", "True")]
    [TestCase("(Get-DnsClientCache -Entry Server03).PSObject.TypeNames[0]; \"$(Get-DnsClientCache -Entry Server03)\"",
        "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientCache|MSFT_DNSClientCache (Entry = \"Server03\", Name = \"Server03\")")]
    public async Task Get_DnsClientCache_picks_records_by_entry_name_data_type_status_and_section(string script, string expected)
    {
        var (network, _) = Network();
        await RunAsync(network, "$null = Resolve-DnsName Server02; $null = Resolve-DnsName Server03 -Type A");

        var host = await RunAsync(network, script);

        Assert.That((string.Join("|", host.OutputTexts), host.Errors.Count), Is.EqualTo((expected, 0)));
    }

    [TestCase("Get-DnsClientCache -Entry nope.contoso.com", "No MSFT_DNSClientCache objects found with property 'Entry' equal to 'nope.contoso.com'.  Verify the value of the property and retry.",
        "CmdletizationQuery_NotFound_Entry,Get-DnsClientCache")]
    [TestCase("Get-DnsClientCache -Type MX", "No MSFT_DNSClientCache objects found with property 'Type' equal to 'MX'.  Verify the value of the property and retry.",
        "CmdletizationQuery_NotFound_Type,Get-DnsClientCache")]
    [TestCase("Get-DnsClientCache -Status Bogus",
        "Cannot process argument transformation on parameter 'Status'. Cannot convert value \"Bogus\" to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.DnsClientCache.Status\". " +
        "Error: \"Unable to match the identifier name Bogus to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nSuccess, NotExist, NoRecords\"",
        "ParameterArgumentTransformationError,Get-DnsClientCache")]
    public async Task A_value_that_matches_no_record_or_no_enumerator_is_an_error(string script, string message, string errorId)
    {
        var (network, _) = Network();
        await RunAsync(network, "$null = Resolve-DnsName Server02");

        var host = await RunAsync(network, script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { (message, errorId) }));
    }

    [Test]
    public async Task Ping_and_Net_Dns_fill_the_cache_Clear_DnsClientCache_and_ipconfig_flushdns_empty_it()
    {
        var (network, _) = Network();

        var ping = await CommandLineAsync(network, "ping -4 -n 1 server03");
        var afterPing = await RunAsync(network, "Get-DnsClientCache | ForEach-Object { \"$($_.Entry) $($_.Type)\" }");
        await RunAsync(network, "$null = [System.Net.Dns]::GetHostAddresses('Server02')");
        var afterDns = await RunAsync(network, "@(Get-DnsClientCache).Count; Clear-DnsClientCache; @(Get-DnsClientCache).Count");
        await RunAsync(network, "$null = Resolve-DnsName Server02");
        var flush = await CommandLineAsync(network, "ipconfig /flushdns");
        var afterFlush = await RunAsync(network, "@(Get-DnsClientCache).Count");

        Assert.That(ping.Stdout, Does.StartWith("\r\nPinging server03 [10.0.0.6] with 32 bytes of data:"));
        Assert.That(afterPing.OutputTexts, Is.EqualTo(new[] { "server03 1" }), "ping -4 asks for the A record only");
        Assert.That(afterDns.OutputTexts, Is.EqualTo(new[] { "3", "0" }));
        Assert.That(flush, Is.EqualTo(("\r\nWindows IP Configuration\r\n\r\nSuccessfully flushed the DNS Resolver Cache.\r\n", 0)));
        Assert.That(afterFlush.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public async Task Ipconfig_displaydns_lists_each_record_set_under_the_name_asked_for()
    {
        var (network, clock) = Network();
        await RunAsync(network, "$null = Resolve-DnsName Server02");
        clock.Advance(TimeSpan.FromSeconds(13));

        var shown = await CommandLineAsync(network, "ipconfig /displaydns");
        network.DnsCache.Clear();
        var empty = await CommandLineAsync(network, "IPCONFIG -displaydns");

        Assert.That(shown, Is.EqualTo((
            "\r\nWindows IP Configuration\r\n\r\n\r\n" +
            "    Server02\r\n    ----------------------------------------\r\n    No records of type AAAA\r\n\r\n\r\n" +
            "    Server02\r\n    ----------------------------------------\r\n" +
            "    Record Name . . . . . : Server02\r\n" +
            "    Record Type . . . . . : 1\r\n" +
            "    Time To Live  . . . . : 1187\r\n" +
            "    Data Length . . . . . : 4\r\n" +
            "    Section . . . . . . . : Answer\r\n" +
            "    A (Host) Record . . . : 10.0.0.5\r\n\r\n\r\n", 0)));
        Assert.That(empty, Is.EqualTo(("\r\nWindows IP Configuration\r\n\r\n\r\n", 0)));
    }

    [Test]
    public async Task Get_DnsClient_lists_each_interface_s_DNS_client_settings_in_DnsClient_s_table()
    {
        var (network, _) = Network();

        var host = await RunAsync(network, "Get-DnsClient | Out-String");

        Assert.That(host.OutputTexts.Single(), Is.EqualTo(
            "\r\nInterfaceAlias               Interface ConnectionSpecificSuffix ConnectionSpecificSuffix RegisterThisConn UseSuffixWhen" + "\r\n" +
            "                             Index                              SearchList               ectionsAddress   Registering  " + "\r\n" +
            "--------------               --------- ------------------------ ------------------------ ---------------- -------------" + "\r\n" +
            "Ethernet                             4                          {}                       True             False        " + "\r\n" +
            "Loopback Pseudo-Interface 1          1                          {}                       True             False        " + "\r\n\r\n\r\n"));
    }

    [Test]
    public async Task Set_DnsClient_changes_the_named_or_piped_interfaces_and_ipconfig_all_shows_the_suffix()
    {
        var (network, _) = Network();

        var set = await RunAsync(network,
            "Set-DnsClient -InterfaceAlias Ethernet -ConnectionSpecificSuffix corp.contoso.com -UseSuffixWhenRegistering $true -PassThru | ForEach-Object { \"$($_.InterfaceIndex) $($_.ConnectionSpecificSuffix) $($_.RegisterThisConnectionsAddress) $($_.UseSuffixWhenRegistering)\" }; " +
            "Get-DnsClient | Where-Object InterfaceIndex -eq 1 | Set-DnsClient -RegisterThisConnectionsAddress 0; " +
            "Get-DnsClient | ForEach-Object { \"$($_.InterfaceAlias): '$($_.ConnectionSpecificSuffix)' $($_.RegisterThisConnectionsAddress) $($_.UseSuffixWhenRegistering)\" }");
        var ipconfig = await CommandLineAsync(network, "ipconfig /all");
        var reset = await RunAsync(network, "Set-DnsClient -InterfaceIndex 4 -ResetConnectionSpecificSuffix; (Get-DnsClient -InterfaceIndex 4).ConnectionSpecificSuffix.Length");

        Assert.That((set.OutputTexts, set.Errors.Count), Is.EqualTo((new[]
        {
            "4 corp.contoso.com True True",
            "Ethernet: 'corp.contoso.com' True True",
            "Loopback Pseudo-Interface 1: '' False False",
        }, 0)));
        Assert.That(ipconfig.Stdout, Does.Contain("Ethernet adapter Ethernet:\r\n\r\n   Connection-specific DNS Suffix  . : corp.contoso.com\r\n"));
        Assert.That(reset.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    [TestCase("Set-DnsClient -InterfaceIndex 4 -RegisterThisConnectionsAddress 'False'",
        "Cannot process argument transformation on parameter 'RegisterThisConnectionsAddress'. Cannot convert value \"System.String\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.",
        "ParameterArgumentTransformationError,Set-DnsClient")]
    [TestCase("Get-DnsClient -InterfaceAlias Wi-Fi", "No MSFT_DNSClient objects found with property 'InterfaceAlias' equal to 'Wi-Fi'.  Verify the value of the property and retry.",
        "CmdletizationQuery_NotFound_InterfaceAlias,Get-DnsClient")]
    public async Task Set_DnsClient_refuses_text_for_a_boolean_and_an_interface_the_computer_has_not_is_not_found(string script, string message, string errorId)
    {
        var (network, _) = Network();

        var host = await RunAsync(network, script);

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { (message, errorId) }));
        Assert.That(network.DnsClientOf(NetworkSettings.Interfaces[0]), Is.EqualTo(NetworkSettings.DnsClientSettings.Default));
    }

    [Test]
    public async Task Get_DnsClientGlobalSetting_lists_the_global_settings_and_Set_DnsClientGlobalSetting_changes_them()
    {
        var (network, _) = Network();

        var fresh = await RunAsync(network, "Get-DnsClientGlobalSetting | Out-String");
        var set = await RunAsync(network,
            "Set-DnsClientGlobalSetting -SuffixSearchList @('corp.contoso.com', 'na.corp.contoso.com') -UseDevolution $false -DevolutionLevel 2; " +
            "$g = Get-DnsClientGlobalSetting; $g.SuffixSearchList -join '|'; $g.UseSuffixSearchList; $g.UseDevolution; $g.DevolutionLevel; $g.PSObject.TypeNames[0]");
        var ipconfig = await CommandLineAsync(network, "ipconfig /all");
        var cleared = await RunAsync(network, "Set-DnsClientGlobalSetting -SuffixSearchList @() -PassThru | ForEach-Object { $_.SuffixSearchList.Count }");

        Assert.That(fresh.OutputTexts.Single(), Is.EqualTo(
            "\r\n\r\nUseSuffixSearchList : True\r\nSuffixSearchList    : {}\r\nUseDevolution       : True\r\nDevolutionLevel     : 0\r\n\r\n\r\n\r\n"));
        Assert.That((set.OutputTexts, set.Errors.Count), Is.EqualTo((new[]
        {
            "corp.contoso.com|na.corp.contoso.com", "True", "False", "2", "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientGlobalSetting",
        }, 0)));
        Assert.That(ipconfig.Stdout, Does.Contain(
            "   WINS Proxy Enabled. . . . . . . . : No\r\n   DNS Suffix Search List. . . . . . : corp.contoso.com\r\n" + new string(' ', 39) + "na.corp.contoso.com\r\n\r\nEthernet adapter"));
        Assert.That(cleared.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public async Task Without_a_global_list_ipconfig_all_searches_the_adapters_own_suffix()
    {
        var (network, _) = Network();

        var before = await CommandLineAsync(network, "ipconfig /all");
        await RunAsync(network, "Set-DnsClient -InterfaceIndex 4 -ConnectionSpecificSuffix lab.example");
        var after = await CommandLineAsync(network, "ipconfig /all");

        Assert.That(before.Stdout, Does.Not.Contain("DNS Suffix Search List"));
        Assert.That(after.Stdout, Does.Contain("   WINS Proxy Enabled. . . . . . . . : No\r\n   DNS Suffix Search List. . . . . . : lab.example\r\n\r\nEthernet adapter"));
        Assert.That("   DNS Suffix Search List. . . . . . : ".Length, Is.EqualTo("   Host Name . . . . . . . . . . . . : ".Length), "the labels line up");
    }
}
