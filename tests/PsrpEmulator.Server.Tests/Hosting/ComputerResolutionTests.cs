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
}
