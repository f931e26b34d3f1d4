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

    [TestCase("endpoints: { X: { bufferMode: Sometimes } }", "bufferMode 'Sometimes' is not Block or Drop")]
    [TestCase("endpoints: { X: { outputBufferCapacity: -1 } }", "not a positive number")]
    [TestCase("endpoints: { X: { colour: blue } }", "unknown endpoint setting 'colour'")]
    [TestCase("endpoints: [a, b]", "must be a mapping")]
    public void Bad_endpoint_settings_name_the_file_line_and_problem(string yaml, string expected)
    {
        var e = Assert.Throws<BehaviourLoadException>(() => ScenarioSettings.Parse(yaml, "my.yaml"));

        Assert.That(e!.Message, Does.StartWith("my.yaml, line 1").And.Contain(expected));
    }
}
