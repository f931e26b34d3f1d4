using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Client.WinRs;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests;

public class VirtualComputerTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.ComputerName = "Server01";
        options.Computers["Server02"] = new ComputerOptions();
        options.Computers["Server03"] = new ComputerOptions { IPv4Address = "192.168.10.20/16", DefaultGateway = "", DnsServers = ["192.168.0.53"] };
    }

    private WsManTransport For(string computer) => new(new WsManClientOptions
    {
        ConnectionUri = Emulator.WsManUri,
        UserName = "psrp",
        Password = "psrp",
        HostHeader = $"{computer}:5985",
    });

    [Test]
    public async Task Each_virtual_computer_sees_only_its_own_shells()
    {
        using var server01 = For("Server01");
        using var server02 = For("server02.contoso.com");
        var pool = await RunspacePoolClient.OpenAsync(server01);

        Assert.That((await server01.EnumerateShellsAsync()).Select(s => s.ShellId), Is.EqualTo(new[] { pool.ShellId }));
        Assert.That(await server02.EnumerateShellsAsync(), Is.Empty);
        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => server02.GetShellAsync(pool.ShellId));
        Assert.That(fault!.Code, Is.EqualTo(WsManFaultException.ShellNotFound));
        Assert.That(fault.Fault.Machine, Is.EqualTo("Server02"));
        Assert.That(Emulator.Journal.Snapshot().Last().Computer, Is.EqualTo("Server02"));
    }

    /// <summary>Invoke-Command -ComputerName Server01,Server02 { hostname } tells the computers apart, as on Windows.</summary>
    [Test]
    public async Task A_command_reads_the_name_and_environment_of_the_computer_it_runs_on()
    {
        using var server01 = For("Server01");
        using var server02 = For("server02.contoso.com");
        await using var first = await RunspacePoolClient.OpenAsync(server01);
        await using var second = await RunspacePoolClient.OpenAsync(server02);

        var script = "hostname; $env:COMPUTERNAME; $env:USERNAME; $env:USERPROFILE";
        Assert.That(Outputs(await first.InvokeAsync(script)), Is.EqualTo(new[] { "SERVER01", "SERVER01", "psrp", @"C:\Users\psrp" }));
        Assert.That(Outputs(await second.InvokeAsync(script)), Is.EqualTo(new[] { "SERVER02", "SERVER02", "psrp", @"C:\Users\psrp" }));
    }

    /// <summary>
    /// A computer's local accounts: the emulator's user an administrator on each, a user one session creates seen by the
    /// computer's later sessions and its cmd shells' net user, and not by the other computer.
    /// </summary>
    [Test]
    public async Task A_local_user_a_session_creates_is_that_computers_and_its_cmd_shells_see_it()
    {
        using var server01 = For("Server01");
        using var server02 = For("Server02");
        await using (var first = await RunspacePoolClient.OpenAsync(server01))
        {
            Assert.That(Outputs(await first.InvokeAsync("Get-LocalGroupMember Administrators | ForEach-Object Name")), Is.EqualTo(new[] { @"SERVER01\Administrator", @"SERVER01\psrp" }));
            await first.InvokeAsync("New-LocalUser svc_ci -NoPassword | Out-Null; Add-LocalGroupMember -Group 'Remote Management Users' -Member svc_ci");
        }

        await using var later = await RunspacePoolClient.OpenAsync(server01);
        await using var other = await RunspacePoolClient.OpenAsync(server02);
        await using var cmd = await WinRsShell.OpenAsync(server01, new WinRsShellOptions());
        var net = await cmd.RunAsync("net", ["localgroup", "\"Remote Management Users\""]);

        Assert.That(Outputs(await later.InvokeAsync("(Get-LocalGroupMember 'Remote Management Users').Name")), Is.EqualTo(new[] { @"SERVER01\svc_ci" }));
        Assert.That(Outputs(await other.InvokeAsync("@(Get-LocalUser svc_ci -ErrorAction SilentlyContinue).Count")), Is.EqualTo(new[] { "0" }));
        Assert.That(net.ExitCode, Is.Zero);
        Assert.That(net.StdoutText, Does.Contain("\r\nsvc_ci\r\nThe command completed successfully."));
    }

    private WsManTransport As(string computer, string user, string password, WsManAuthenticationMechanism mechanism = WsManAuthenticationMechanism.Basic) => new(new WsManClientOptions
    {
        ConnectionUri = Emulator.WsManUri,
        UserName = user,
        Password = password,
        HostHeader = $"{computer}:5985",
        Authentication = mechanism,
        RobustConnection = false,
    });

    /// <summary>
    /// A local user a command creates logs on to that computer's remote sessions once it may (enabled, with a password,
    /// in Administrators or Remote Management Users, as the default endpoint's permissions say), with Basic and with
    /// Negotiate, and only to that computer.
    /// </summary>
    [Test]
    public async Task A_local_user_in_Remote_Management_Users_logs_on_to_that_computer_only()
    {
        using var admin = For("Server01");
        await using (var pool = await RunspacePoolClient.OpenAsync(admin))
        {
            await pool.InvokeAsync("New-LocalUser svc_ci -Password (ConvertTo-SecureString 'Ci-Pass-1' -AsPlainText -Force) | Out-Null");
        }

        using (var notYet = As("Server01", "svc_ci", "Ci-Pass-1"))
        {
            var refused = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(notYet));
            Assert.That(refused!.HttpStatus, Is.EqualTo(401));
        }

        await using (var pool = await RunspacePoolClient.OpenAsync(admin))
        {
            await pool.InvokeAsync("Add-LocalGroupMember -Group 'Remote Management Users' -Member svc_ci");
        }

        foreach (var mechanism in new[] { WsManAuthenticationMechanism.Basic, WsManAuthenticationMechanism.Negotiate })
        {
            using var transport = As("Server01", @"SERVER01\svc_ci", "Ci-Pass-1", mechanism);
            await using var session = await RunspacePoolClient.OpenAsync(transport);
            Assert.That(Outputs(await session.InvokeAsync("$env:USERNAME")), Is.EqualTo(new[] { "svc_ci" }), mechanism.ToString());
        }

        using var wrong = As("Server01", "svc_ci", "other");
        using var elsewhere = As("Server02", "svc_ci", "Ci-Pass-1");
        Assert.That((await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(wrong)))!.HttpStatus, Is.EqualTo(401));
        Assert.That((await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(elsewhere)))!.HttpStatus, Is.EqualTo(401));

        await using (var pool = await RunspacePoolClient.OpenAsync(admin))
        {
            await pool.InvokeAsync("Disable-LocalUser svc_ci");
        }

        using var disabled = As("Server01", "svc_ci", "Ci-Pass-1");
        Assert.That((await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(disabled)))!.HttpStatus, Is.EqualTo(401));
    }

    /// <summary>A local account's Basic credentials are checked on every request: disabled, its open connection's next request is refused.</summary>
    [Test]
    public async Task A_local_user_disabled_meanwhile_is_refused_on_its_open_connection()
    {
        using var admin = For("Server01");
        await using (var pool = await RunspacePoolClient.OpenAsync(admin))
        {
            await pool.InvokeAsync("New-LocalUser svc_ci -Password (ConvertTo-SecureString 'Ci-Pass-1' -AsPlainText -Force) | Out-Null; Add-LocalGroupMember Administrators svc_ci");
        }

        using var transport = As("Server01", "svc_ci", "Ci-Pass-1");
        var session = await RunspacePoolClient.OpenAsync(transport);
        Assert.That(Outputs(await session.InvokeAsync("'before'")), Is.EqualTo(new[] { "before" }));
        await using (var pool = await RunspacePoolClient.OpenAsync(admin))
        {
            await pool.InvokeAsync("Disable-LocalUser svc_ci");
        }

        var refused = await Assert.ThrowsAsync<WsManTransportException>(() => session.InvokeAsync("'after'"));
        Assert.That(refused!.HttpStatus, Is.EqualTo(401));
    }

    /// <summary>
    /// Each computer has its own IPv4 address on its Ethernet adapter (10.0.0.4, 10.0.0.5 ... by default, or its
    /// configured one) and its own MAC address, the same in Get-NetIPAddress, Get-NetAdapter, WMI, DNS, ping and its cmd
    /// shells' ipconfig.
    /// </summary>
    [Test]
    public async Task Each_computer_has_its_own_IPv4_address_in_every_tool()
    {
        const string Script = "(Get-NetIPAddress -AddressFamily IPv4 -InterfaceAlias Ethernet).IPAddress; " +
            "$c = Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE'; $c.IPAddress[0]; $c.IPSubnet[0]; \"$($c.DefaultIPGateway)\"; $c.DNSServerSearchOrder -join ','; " +
            "(Resolve-DnsName $env:COMPUTERNAME -Type A).IPAddress; (Get-NetConnectionProfile).Name; (Get-NetAdapter).MacAddress; $c.MACAddress";
        using var server01 = For("Server01");
        using var server02 = For("Server02");
        using var server03 = For("Server03");
        await using var first = await RunspacePoolClient.OpenAsync(server01);
        await using var second = await RunspacePoolClient.OpenAsync(server02);
        await using var third = await RunspacePoolClient.OpenAsync(server03);
        await using var cmd = await WinRsShell.OpenAsync(server02, new WinRsShellOptions());
        var ipconfig = await cmd.RunAsync("ipconfig", []);
        var ping = await cmd.RunAsync("ping", ["-n", "1", "10.0.0.5"]);
        var other = await cmd.RunAsync("ping", ["-n", "1", "-w", "1", "10.0.0.4"]);

        Assert.That(Outputs(await first.InvokeAsync(Script)), Is.EqualTo(new[] { "10.0.0.4", "10.0.0.4", "255.255.255.0", "10.0.0.1", "10.0.0.1", "10.0.0.4", "Network", "00-15-5D-0A-01-04", "00:15:5D:0A:01:04" }));
        Assert.That(Outputs(await second.InvokeAsync(Script)), Is.EqualTo(new[] { "10.0.0.5", "10.0.0.5", "255.255.255.0", "10.0.0.1", "10.0.0.1", "10.0.0.5", "Network", "00-15-5D-0A-01-05", "00:15:5D:0A:01:05" }));
        Assert.That(Outputs(await third.InvokeAsync(Script)),
            Is.EqualTo(new[] { "192.168.10.20", "192.168.10.20", "255.255.0.0", "", "192.168.0.53", "192.168.10.20", "Unidentified network", "00-15-5D-0A-01-06", "00:15:5D:0A:01:06" }));
        Assert.That((await cmd.RunAsync("ipconfig", ["/all"])).StdoutText, Does.Contain("   Physical Address. . . . . . . . . : 00-15-5D-0A-01-05\r\n"));
        Assert.That(ipconfig.StdoutText, Does.Contain("   IPv4 Address. . . . . . . . . . . : 10.0.0.5\r\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n   Default Gateway . . . . . . . . . : 10.0.0.1\r\n"));
        Assert.That((ping.ExitCode, ping.StdoutText), Is.EqualTo((0, "\r\nPinging 10.0.0.5 with 32 bytes of data:\r\nReply from 10.0.0.5: bytes=32 time<1ms TTL=128\r\n" +
            "\r\nPing statistics for 10.0.0.5:\r\n    Packets: Sent = 1, Received = 1, Lost = 0 (0% loss),\r\nApproximate round trip times in milli-seconds:\r\n    Minimum = 0ms, Maximum = 0ms, Average = 0ms\r\n")));
        // Another computer's address does not answer: its firewall drops echo requests, as a fresh Windows Server's does.
        Assert.That(other.ExitCode, Is.EqualTo(1));
        Assert.That(other.StdoutText, Does.Contain("\r\nRequest timed out.\r\n"));
    }

    [Test]
    public async Task An_unknown_host_name_reaches_the_default_computer()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);

        Assert.That(Emulator.Journal.Snapshot().First(e => e.Action == "Create").Computer, Is.EqualTo("Server01"));
        Assert.That(pool.State, Is.EqualTo(Protocol.Psrp.RunspacePoolState.Opened));
    }
}
