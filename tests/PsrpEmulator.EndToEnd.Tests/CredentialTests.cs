using PsrpEmulator.Client.Remoting;

namespace PsrpEmulator.EndToEnd.Tests;

public class CredentialTests
{
    [Test]
    public void A_credential_formatted_as_text_never_shows_its_password()
    {
        var credential = new PSCredential("psrp", "s3cret-Pa55");

        Assert.That(credential.ToString(), Does.Not.Contain("s3cret-Pa55"));
        Assert.That(credential.ToString(), Does.Contain("psrp"));
        Assert.That($"{credential with { CertificateThumbprint = "ABCDEF" }}", Does.Not.Contain("s3cret-Pa55").And.Contain("ABCDEF"));
    }
}
