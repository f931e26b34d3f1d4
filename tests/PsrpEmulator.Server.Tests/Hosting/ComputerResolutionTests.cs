using System.ComponentModel.DataAnnotations;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Hosting;

/// <summary>Which virtual computer a request addresses: its Host name or first label, else its port's owner, else the default.</summary>
public class ComputerResolutionTests
{
    private static EmulatorOptions Options() => new()
    {
        ComputerName = "SERVER01",
        Computers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Server02"] = new ComputerOptions(),
            ["Server03"] = new ComputerOptions { Port = 5986 },
            ["web.contoso"] = new ComputerOptions(),
        },
    };

    [TestCase("server02", 5985, "Server02")]
    [TestCase("SERVER02:5985", 5985, "Server02")]
    [TestCase("server02.contoso.com", 5985, "Server02")]
    [TestCase("server01.contoso.com:5985", 5985, "SERVER01")]
    [TestCase("web.contoso", 5985, "web.contoso")]
    [TestCase("127.0.0.1:5986", 5986, "Server03")]
    [TestCase("127.0.0.1", 5985, "SERVER01")]
    [TestCase("[::1]:5985", 5985, "SERVER01")]
    [TestCase(null, 5986, "Server03")]
    [TestCase("", 0, "SERVER01")]
    public void The_host_name_then_the_port_then_the_default_names_the_computer(string? host, int port, string expected) =>
        Assert.That(Options().ResolveComputer(host, port), Is.EqualTo(expected));

    [Test]
    public void The_default_computer_wins_over_a_configured_entry_of_the_same_name()
    {
        var options = Options();
        options.Computers["server01"] = new ComputerOptions { Port = 5986 };

        Assert.That(options.ResolveComputer("Server01", 5985), Is.EqualTo("SERVER01"));
    }

    [TestCase("SERVER01", "10.0.0.4/24 gateway 10.0.0.1 dns 10.0.0.1")]
    [TestCase("server02", "10.0.0.5/24 gateway 10.0.0.1 dns 10.0.0.1")]
    [TestCase("web.contoso", "10.0.0.7/24 gateway 10.0.0.1 dns 10.0.0.1")]
    [TestCase("elsewhere", "10.0.0.4/24 gateway 10.0.0.1 dns 10.0.0.1")]
    [TestCase("Server04", "172.16.5.9/20 gateway 172.16.5.1 dns 172.16.5.1")]
    [TestCase("Server05", "192.168.1.2/24 gateway none dns ")]
    [TestCase("Server06", "10.1.2.3/8 gateway 10.0.0.254 dns 10.0.0.53,10.0.0.54")]
    public void Each_computer_has_its_place_s_IPv4_address_or_its_configured_one(string computer, string expected)
    {
        var options = Options();
        options.Computers["Server04"] = new ComputerOptions { IPv4Address = "172.16.5.9/20" };
        options.Computers["Server05"] = new ComputerOptions { IPv4Address = "192.168.1.2", DefaultGateway = "" };
        options.Computers["Server06"] = new ComputerOptions { IPv4Address = "10.1.2.3/8", DefaultGateway = "10.0.0.254", DnsServers = ["10.0.0.53", "10.0.0.54"] };

        var ipv4 = options.IPv4ConfigurationOf(computer);

        Assert.That(options.Validate(new ValidationContext(options)), Is.Empty);
        Assert.That($"{ipv4.Address}/{ipv4.PrefixLength} gateway {ipv4.DefaultGateway ?? "none"} dns {string.Join(",", ipv4.DnsServers)}", Is.EqualTo(expected));
    }

    [Test]
    public void The_subnet_mask_follows_the_prefix_length_and_computers_past_the_250th_go_on_in_the_next_subnet()
    {
        Assert.That(new[] { 8, 20, 24, 32 }.Select(p => (NetworkSettings.IPv4Configuration.Default with { PrefixLength = p }).SubnetMask),
            Is.EqualTo(new[] { "255.0.0.0", "255.255.240.0", "255.255.255.0", "255.255.255.255" }));
        Assert.That(NetworkSettings.IPv4Configuration.ForComputer(250), Has.Property("Address").EqualTo("10.0.1.4").And.Property("DefaultGateway").EqualTo("10.0.1.1"));
        Assert.That(NetworkSettings.IPv4Configuration.ForComputer(249).Address, Is.EqualTo("10.0.0.253"));
    }

    [TestCase("10.0.0", null, null, "Computers:Server04:IPv4Address: '10.0.0' is no IPv4 address with an optional prefix length (10.0.0.5/24).")]
    [TestCase("10.0.0.5/33", null, null, "Computers:Server04:IPv4Address: '10.0.0.5/33' is no IPv4 address with an optional prefix length (10.0.0.5/24).")]
    [TestCase("fe80::1", null, null, "Computers:Server04:IPv4Address: 'fe80::1' is no IPv4 address with an optional prefix length (10.0.0.5/24).")]
    [TestCase("10.0.0.5", "router", null, "Computers:Server04:IPv4Address: default gateway 'router' is no IPv4 address.")]
    [TestCase("10.0.0.5", null, "::1", "Computers:Server04:IPv4Address: DNS server '::1' is no IPv4 address.")]
    [TestCase(null, "10.0.0.1", null, "Computers:Server04: DefaultGateway and DnsServers go with an IPv4Address.")]
    public void A_computer_s_IPv4_settings_that_are_not_addresses_fail_validation(string? address, string? gateway, string? dns, string expected)
    {
        var options = Options();
        options.Computers["Server04"] = new ComputerOptions { IPv4Address = address, DefaultGateway = gateway, DnsServers = dns is null ? null : [dns] };

        Assert.That(options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage), Is.EqualTo(new[] { expected }));
    }
}
