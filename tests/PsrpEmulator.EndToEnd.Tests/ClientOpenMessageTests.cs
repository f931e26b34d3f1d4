using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// The client sends SESSION_CAPABILITY and INIT_RUNSPACEPOOL from bytes serialized once: they must be the bytes the
/// messages serialize to, for the protocol version asked for.
/// </summary>
public sealed class ClientOpenMessageTests
{
    [Test]
    public void The_precomputed_session_capability_is_the_serialized_message_of_the_default_version()
    {
        var expected = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, new SessionCapability("2.4", "2.0", "1.1.0.1")).Data.ToArray();

        Assert.That(RunspacePoolClient.ClientCapabilityData(new RunspacePoolOptions().ProtocolVersion).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Another_protocol_version_gets_its_own_session_capability_not_the_precomputed_one()
    {
        var data = RunspacePoolClient.ClientCapabilityData("2.3");

        var capability = SessionCapability.FromPsValue(ClixmlDeserializer.Deserialize(data.Span));
        Assert.That(capability.ProtocolVersion, Is.EqualTo("2.3"));
    }

    [Test]
    public void The_precomputed_init_runspacepool_is_min_and_max_one_with_no_host()
    {
        var expected = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, new InitRunspacePool(1, 1, HostInfo: PsrpObjects.DefaultHostInfo())).Data.ToArray();

        Assert.That(RunspacePoolClient.DefaultInitRunspacePoolData.Value, Is.EqualTo(expected));
        var init = InitRunspacePool.FromPsValue(ClixmlDeserializer.Deserialize(RunspacePoolClient.DefaultInitRunspacePoolData.Value));
        Assert.That((init.MinRunspaces, init.MaxRunspaces), Is.EqualTo((1, 1)));
        Assert.That(init.HostInfo!["_isHostNull"]?.ToDisplayString(), Is.EqualTo("True"));
    }

    [TestCase("\"hello\"")]
    [TestCase("Get-Process | Select-Object -First 1")]
    public void The_script_template_gives_the_bytes_of_the_CREATE_PIPELINE_invoke_sends(string script)
    {
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo());
        var expected = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, create).Data.ToArray();

        Assert.That(RunspacePoolClient.ScriptTemplate.TryEncode(script), Is.EqualTo(expected));
    }
}
