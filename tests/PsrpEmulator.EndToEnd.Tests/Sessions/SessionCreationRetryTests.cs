using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Creating a session when the server cannot be reached. WinRM retries (four minutes of "Attempting to reconnect")
/// only the operations of a shell it has; a Create, Connect or Enumerate fails at once, and PowerShell itself sends a
/// failed Create again immediately up to PSSessionOption.MaxConnectionRetryCount times (RetrySessionCreation).
/// </summary>
public sealed class SessionCreationRetryTests : EmulatorTestBase
{
    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/wsman");
    }

    [Test]
    public async Task Opening_a_pool_where_nothing_listens_fails_at_once_even_with_robust_connections()
    {
        // A retry would wait on this clock, which never moves: only an immediate failure ends the open.
        var clock = new FakeTimeProvider();
        using var transport = new WsManTransport(new WsManClientOptions
        {
            ConnectionUri = ClosedPort(),
            UserName = "psrp",
            Password = "psrp",
            RobustConnection = true,
            TimeProvider = clock,
        });

        var open = RunspacePoolClient.OpenAsync(transport);

        var e = await Assert.ThrowsAsync<WsManTransportException>(async () => await open.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.That(e!.IsNetworkFailure, Is.True);
        Assert.That(() => RunspacePoolClient.GetShellsAsync(transport).WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<WsManTransportException>());
    }

    private Task DropCreatesAsync(int count) => AddFaultAsync(new { kind = "DropBeforeProcessing", action = "Create", count });

    [Test]
    public async Task New_session_sends_a_cut_off_create_again_at_once_up_to_MaxConnectionRetryCount_times()
    {
        await DropCreatesAsync(2);
        await using var client = new PSRemotingClient();

        var session = await client.NewSessionAsync(RemoteTarget.FromUri(Emulator.WsManUri), new PSCredential("psrp", "psrp"),
            sessionOption: new PSSessionOption { MaxConnectionRetryCount = 2 });

        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Create"), Is.EqualTo(3), "two cut off, the third answered");
        await client.RemoveAsync(session);
    }

    [Test]
    public async Task New_session_fails_with_WinRMs_cannot_connect_error_once_its_retries_are_spent()
    {
        await DropCreatesAsync(2);
        await using var client = new PSRemotingClient();

        var e = await Assert.ThrowsAsync<PSRemotingException>(() => client.NewSessionAsync(RemoteTarget.FromUri(Emulator.WsManUri), new PSCredential("psrp", "psrp"),
            sessionOption: new PSSessionOption { MaxConnectionRetryCount = 1 }));

        Assert.That(e!.Message, Does.StartWith("Connecting to remote server 127.0.0.1 failed with the following error message :"));
        Assert.That(e.FullyQualifiedErrorId, Does.EndWith("PSSessionOpenFailed"));
        Assert.That(Emulator.Journal.Snapshot().Count(j => j.Action == "Create"), Is.EqualTo(2));
    }
}
