namespace PsrpEmulator.PowerShell.Tests;

public class RemotingContextOptionsTests
{
    [Test]
    public void Options_formatted_as_text_never_show_the_password()
    {
        var options = RemotingContextOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["PSRPEMU_USER"] = "alice",
            ["PSRPEMU_PASSWORD"] = "s3cret-Pa55",
            ["PSRPEMU_HOSTS"] = "Server01=127.0.0.1:5985",
        });

        Assert.That(options.ToString(), Does.Not.Contain("s3cret-Pa55"));
        Assert.That(options.ToString(), Does.Contain("alice").And.Contain("Server01=127.0.0.1:5985"));
    }
}
