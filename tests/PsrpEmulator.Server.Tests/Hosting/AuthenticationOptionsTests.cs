using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Hosting;

public class AuthenticationOptionsTests
{
    [Test]
    public void By_default_basic_and_negotiate_are_offered_and_unencrypted_bodies_allowed()
    {
        var options = new EmulatorOptions();

        Assert.That(options.EffectiveAuthentication, Is.EqualTo(new[] { WsManAuthScheme.Basic, WsManAuthScheme.Negotiate }));
        Assert.That(options.AllowUnencrypted, Is.True);
    }

    [Test]
    public void Schemes_and_allow_unencrypted_bind_from_configuration_as_environment_variables_give_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:0"] = "Ntlm",
            ["Authentication:1"] = "negotiate",
            ["AllowUnencrypted"] = "false",
        }).Build();
        var options = new EmulatorOptions();

        configuration.Bind(options);

        Assert.That(options.EffectiveAuthentication, Is.EqualTo(new[] { WsManAuthScheme.Ntlm, WsManAuthScheme.Negotiate }));
        Assert.That(options.AllowUnencrypted, Is.False);
        Assert.That(options.Validate(new ValidationContext(options)), Is.Empty);
    }

    [Test]
    public void Refusing_unencrypted_bodies_with_only_basic_offered_is_invalid()
    {
        var options = new EmulatorOptions { AllowUnencrypted = false, Authentication = [WsManAuthScheme.Basic] };

        var results = options.Validate(new ValidationContext(options)).ToList();

        Assert.That(results.Select(r => r.MemberNames.Single()), Is.EqualTo(new[] { nameof(EmulatorOptions.AllowUnencrypted) }));
    }

    [Test]
    public void A_users_entry_without_a_colon_is_invalid_and_the_error_does_not_repeat_it()
    {
        // A password typed with the wrong separator must not end up in the start-up error (and so in logs).
        var options = new EmulatorOptions { Users = ["alice:ok", "bob=Secr3t-Pa55"] };

        var results = options.Validate(new ValidationContext(options)).ToList();

        Assert.That(results.Select(r => r.MemberNames.Single()), Is.EqualTo(new[] { nameof(EmulatorOptions.Users) }));
        Assert.That(results.Single().ErrorMessage, Does.Contain("2").And.Not.Contain("Secr3t-Pa55"));
    }
}
