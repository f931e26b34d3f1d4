using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Hosting;

public class ScenarioSettingsTests
{
    [Test]
    public void Endpoint_settings_are_read_from_the_scenario()
    {
        var settings = ScenarioSettings.Parse("""
            endpoints:
              ITTasks: { bufferMode: drop, outputBufferCapacity: 5, idleTimeoutSeconds: 90, maxIdleTimeoutSeconds: 3600 }
            behaviours: []
            """);

        var endpoint = new EmulatorOptions().ResolveEndpoint("ittasks", settings);

        Assert.That(endpoint, Is.EqualTo(new EndpointSettings("ittasks", OutputBufferMode.Drop, 5, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(3600))));
    }

    [Test]
    public void A_scenario_without_endpoints_changes_nothing()
    {
        var endpoint = new EmulatorOptions().ResolveEndpoint("Microsoft.PowerShell", ScenarioSettings.Parse("behaviours: []"));

        Assert.That(endpoint, Is.EqualTo(new EndpointSettings("Microsoft.PowerShell", OutputBufferMode.Block, 1000, TimeSpan.FromSeconds(7200), TimeSpan.FromMilliseconds(int.MaxValue))));
    }

    [Test]
    public void MaximumReceivedDataSizePerCommandMB_comes_from_the_options_then_the_scenario_then_the_options_endpoint_entry()
    {
        var settings = ScenarioSettings.Parse("""
            endpoints:
              ITTasks: { maximumReceivedDataSizePerCommandMB: 2 }
              Unlimited: { maximumReceivedDataSizePerCommandMB: -1 }
            """);
        var options = new EmulatorOptions { MaximumReceivedDataSizePerCommandMB = 7 };
        options.Endpoints["Unlimited"] = new EndpointOptions { MaximumReceivedDataSizePerCommandMB = 3 };

        Assert.That(new EmulatorOptions().ResolveEndpoint("Microsoft.PowerShell").MaximumReceivedDataSizePerCommand, Is.EqualTo(50L << 20), "PowerShell's default");
        Assert.That(options.ResolveEndpoint("Microsoft.PowerShell", settings).MaximumReceivedDataSizePerCommand, Is.EqualTo(7L << 20));
        Assert.That(options.ResolveEndpoint("ITTasks", settings).MaximumReceivedDataSizePerCommand, Is.EqualTo(2L << 20));
        Assert.That(options.ResolveEndpoint("Unlimited", settings).MaximumReceivedDataSizePerCommand, Is.EqualTo(3L << 20), "options win over the scenario");
        Assert.That(new EmulatorOptions().ResolveEndpoint("Unlimited", settings).MaximumReceivedDataSizePerCommand, Is.EqualTo(-1));
    }

    [Test]
    public void MaximumReceivedObjectSizeMB_is_PowerShells_10_MB_unless_an_endpoint_says_otherwise()
    {
        var settings = ScenarioSettings.Parse("endpoints: { Big: { maximumReceivedObjectSizeMB: 500 } }");

        Assert.That(new EmulatorOptions().ResolveEndpoint("Microsoft.PowerShell", settings).MaximumReceivedObjectSize, Is.EqualTo(10 << 20));
        Assert.That(new EmulatorOptions().ResolveEndpoint("Big", settings).MaximumReceivedObjectSize, Is.EqualTo(500 << 20));
        Assert.That(new EmulatorOptions { MaximumReceivedObjectSizeMB = -1 }.ResolveEndpoint("Microsoft.PowerShell").MaximumReceivedObjectSize, Is.EqualTo(-1));
    }

    [Test]
    public void An_endpoint_entry_with_a_maximum_below_minus_one_fails_validation_at_start()
    {
        var options = new EmulatorOptions();
        options.Endpoints["ITTasks"] = new EndpointOptions { MaximumReceivedDataSizePerCommandMB = -5 };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage);

        Assert.That(errors, Has.One.Contains("Endpoints:ITTasks:MaximumReceivedDataSizePerCommandMB must be from -1 (unlimited)"));
    }

    [Test]
    public void An_endpoint_entry_with_an_idle_timeout_below_WinRMs_60_seconds_fails_validation_at_start()
    {
        var options = new EmulatorOptions();
        options.Endpoints["ShortIdle"] = new EndpointOptions { IdleTimeout = TimeSpan.FromSeconds(3) };
        options.Endpoints["Capped"] = new EndpointOptions { IdleTimeout = TimeSpan.FromMinutes(10), MaxIdleTimeout = TimeSpan.FromMinutes(5) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.That(errors, Has.One.EqualTo("Endpoints:ShortIdle:IdleTimeout must be at least 60 seconds."));
        Assert.That(errors, Has.One.EqualTo("Endpoints:Capped:MaxIdleTimeout must not be below its IdleTimeout."));
    }

    [TestCase("endpoints: { X: { maximumReceivedDataSizePerCommandMB: -2 } }", "not a whole number of MB from -1 (unlimited)")]
    [TestCase("endpoints: { X: { maximumReceivedObjectSizeMB: 2048 } }", "'2048' is not a whole number of MB from -1 (unlimited) to 2047")]
    [TestCase("endpoints: { X: { maximumReceivedDataSizePerCommandMB: 1.5 } }", "'1.5' is not a whole number")]
    [TestCase("endpoints: { X: { bufferMode: Sometimes } }", "bufferMode 'Sometimes' is not Block or Drop")]
    [TestCase("endpoints: { X: { idleTimeoutSeconds: 30 } }", "idleTimeoutSeconds '30' is below WinRM's minimum of 60")]
    [TestCase("endpoints: { X: { outputBufferCapacity: -1 } }", "not a positive number")]
    [TestCase("endpoints: { X: { colour: blue } }", "unknown endpoint setting 'colour'")]
    [TestCase("endpoints: [a, b]", "must be a mapping")]
    public void Bad_endpoint_settings_name_the_file_line_and_problem(string yaml, string expected)
    {
        var e = Assert.Throws<BehaviourLoadException>(() => ScenarioSettings.Parse(yaml, "my.yaml"));

        Assert.That(e!.Message, Does.StartWith("my.yaml, line 1").And.Contain(expected));
    }
}
