using Microsoft.Extensions.Logging.Abstractions;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// Which client a shell belongs to: its p:SessionId, compared ignoring case whether it is the "uuid:" GUID clients send
/// (kept as its bytes) or any other text; a client that sends none is identified by user alone.
/// </summary>
public class ShellClientSessionTests
{
    private const string Client = "uuid:5D1F2A4B-7C3E-4F60-9A8B-0C1D2E3F4A5B";

    private static Shell NewShell(string? sessionId)
    {
        var services = new ShellServices(new EmulatorOptions(), BehaviourCatalog.LoadDefault(), TimeProvider.System, NullLogger.Instance, new Journal(100), ScenarioSettings.Empty);
        var endpoint = new EndpointSettings("Microsoft.PowerShell", OutputBufferMode.Block, 1000, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
        return new Shell(services, "Server01", Guid.NewGuid().ToString(), null, "http://schemas.microsoft.com/powershell/Microsoft.PowerShell", endpoint, "psrp",
            null, TimeSpan.FromMinutes(10), OutputBufferMode.Block, null, null, sessionId);
    }

    // Reconnect (not a new client) after a disconnect: the shell's own client gets it back, another is refused.
    private static async Task<bool> ReconnectsAsync(string? owner, string? reconnecting)
    {
        var shell = NewShell(owner);
        shell.Disconnect(null, null);
        try
        {
            await shell.AttachAsync(reconnecting, null, null, newClient: false);
            return true;
        }
        catch (WsManFaultException e) when (e.Reason == WsManFaultReason.InvalidShellState)
        {
            return false;
        }
    }

    [TestCase(Client, Client, true)]
    [TestCase(Client, "UUID:5d1f2a4b-7c3e-4f60-9a8b-0c1d2e3f4a5b", true)]
    [TestCase(Client, "uuid:5D1F2A4B-7C3E-4F60-9A8B-0C1D2E3F4A5C", false)]
    [TestCase(Client, "5D1F2A4B-7C3E-4F60-9A8B-0C1D2E3F4A5B", false)]
    [TestCase("my-client-7", "MY-CLIENT-7", true)]
    [TestCase("my-client-7", Client, false)]
    [TestCase("uuid:", "UUID:", true)]
    [TestCase("uuid:not-a-guid-but-36-characters-long!", "UUID:NOT-A-GUID-BUT-36-CHARACTERS-LONG!", true)]
    [TestCase(null, Client, true)]
    [TestCase(Client, null, true)]
    public async Task Reconnect_is_the_same_client_when_its_session_id_is_equal_ignoring_case(string? owner, string? reconnecting, bool same)
    {
        Assert.That(await ReconnectsAsync(owner, reconnecting), Is.EqualTo(same));
    }

    [Test]
    public async Task A_connect_by_a_new_client_makes_its_session_id_the_shell_s()
    {
        var shell = NewShell(Client);
        shell.Disconnect(null, null);
        const string Other = "uuid:00000000-1111-2222-3333-444444444444";
        await shell.AttachAsync(Other, null, null, newClient: true);
        shell.Disconnect(null, null);

        Assert.That(async () => await shell.AttachAsync(Client, null, null, newClient: false), Throws.InstanceOf<WsManFaultException>(), "the first client is no longer the shell's");
        Assert.That(async () => await shell.AttachAsync(Other.ToUpperInvariant(), null, null, newClient: false), Throws.Nothing);
    }
}
