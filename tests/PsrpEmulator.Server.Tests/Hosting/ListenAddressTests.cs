using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Hosting;

public class ListenAddressTests
{
    [TestCase("http://127.0.0.1:5985")]
    [TestCase("http://127.0.0.1:0")]
    [TestCase("https://localhost:5986")]
    [TestCase("http://[::1]:5985")]
    [TestCase("http://*:5985")]
    [TestCase("http://+:80")]
    [TestCase("http://127.0.0.1:5985/")]
    [TestCase("HTTP://127.0.0.1:5985")]
    [TestCase("http://unix:/tmp/psrpemu.sock")]
    public void Addresses_kestrel_listens_on_are_accepted(string url)
    {
        Assert.That(EmulatorHost.ListenAddressFailures([url]), Is.Empty);
    }

    [TestCase("notaurl", "'notaurl' is not an address to listen on")]
    [TestCase("127.0.0.1:5985", "is not an address to listen on")]
    [TestCase("http://127.0.0.1:65536", "the port must be 0 to 65535")]
    [TestCase("http://127.0.0.1:5985/wsman", "has no path")]
    [TestCase("ws://127.0.0.1:5985", "the scheme must be http or https")]
    public void An_address_kestrel_would_refuse_with_an_exception_is_named_with_why(string url, string says)
    {
        var failures = EmulatorHost.ListenAddressFailures(["http://127.0.0.1:0", url]);

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.Contain(says));
    }

    [Test]
    public void Create_refuses_a_bad_address_as_an_options_failure_before_kestrel_binds()
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => EmulatorHost.Create(["http://127.0.0.1:99999"]));

        Assert.That(e!.Failures, Is.EqualTo(new[] { "'http://127.0.0.1:99999': the port must be 0 to 65535." }));
    }
}
