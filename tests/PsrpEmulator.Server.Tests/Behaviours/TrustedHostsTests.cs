using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class TrustedHostsTests
{
    [TestCase("*", "Server02", true)]
    [TestCase("server02", "SERVER02", true)]
    [TestCase("Server01,Server02", "Server02", true)]
    [TestCase("Server01, Server02 ", "Server02", true)]
    [TestCase("*.contoso.com", "Server02.contoso.com", true)]
    [TestCase("*.contoso.com", "Server02", false)]
    [TestCase("*.contoso.com", "contoso.com", false)]
    [TestCase("192.168.10.*", "192.168.10.7", true)]
    [TestCase("192.168.10.*", "192.168.1.7", false)]
    [TestCase("Server0*2", "Server0002", true)]
    [TestCase("Server01", "Server02", false)]
    [TestCase("Server0", "Server02", false)]
    [TestCase("", "Server02", false)]
    [TestCase(" , ", "Server02", false)]
    [TestCase(null, "Server02", false)]
    public void A_computer_is_trusted_when_an_entry_of_the_list_matches_it(string? value, string computer, bool trusted) =>
        Assert.That(TrustedHosts.Matches(value, computer), Is.EqualTo(trusted));

    [Test]
    public void Many_stars_against_a_long_name_that_does_not_match_are_answered_without_backtracking_blowup()
    {
        var value = string.Concat(Enumerable.Repeat("*a", 40)) + "*b";
        var computer = new string('a', 2_000);

        Assert.That(TrustedHosts.Matches(value, computer), Is.False);
    }
}
