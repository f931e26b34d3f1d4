using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Testing;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>-UseSSL: the session model over the emulator's HTTPS listener (self-signed certificate).</summary>
public class UseSslSessionTests
{
    private EmulatorInstance _emulator = null!;

    [SetUp]
    public async Task StartAsync() => _emulator = await EmulatorInstance.StartAsync(useHttps: true);

    [TearDown]
    public async Task StopAsync()
    {
        _emulator.WriteJournalIfFailed();
        await _emulator.DisposeAsync();
    }

    private RemoteTarget Target => RemoteTarget.FromComputerName("127.0.0.1", _emulator.WsManUri.Port, useSsl: true);

    [Test]
    public async Task UseSSL_with_SkipCACheck_opens_disconnects_and_connects_a_session_over_https()
    {
        await using var client = new PSRemotingClient();
        var option = new PSSessionOption { SkipCACheck = true, SkipCNCheck = true, OperationTimeout = TimeSpan.FromSeconds(20) };

        var session = await client.NewSessionAsync(Target, new PSCredential("psrp", "psrp"), name: "Tls", sessionOption: option);
        await client.DisconnectAsync(session);
        var connected = await client.ConnectAsync(session);
        var results = await client.InvokeAsync(connected, "'over https'");

        Assert.That(Target.ConnectionUri.Scheme, Is.EqualTo("https"));
        Assert.That(results.Output.Single().ToDisplayString(), Is.EqualTo("over https"));
        Assert.That(_emulator.Journal.Snapshot().Select(e => e.Action), Does.Contain("Disconnect").And.Contain("Reconnect"));
    }

    [Test]
    public async Task UseSSL_refuses_the_self_signed_certificate_without_SkipCACheck()
    {
        await using var client = new PSRemotingClient();

        var e = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.NewSessionAsync(Target, new PSCredential("psrp", "psrp"), sessionOption: new PSSessionOption { MaxConnectionRetryCount = 0 }));

        Assert.That(e!.FullyQualifiedErrorId, Is.EqualTo("12175,PSSessionOpenFailed"));
        Assert.That(e.Message, Does.StartWith("Connecting to remote server 127.0.0.1 failed with the following error message :"));
        Assert.That(_emulator.Journal.Snapshot(), Is.Empty);
    }
}
