using PsrpEmulator.Client.Remoting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>End-to-end tests of <see cref="PSRemotingClient"/>: each client object is one "PowerShell process".</summary>
public abstract class SessionTestBase : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected static readonly PSCredential Credential = new("psrp", "psrp");

    /// <summary>Short OperationTimeout so that idle Receives come back quickly in virtual time.</summary>
    protected static readonly PSSessionOption Option = new() { OperationTimeout = TimeSpan.FromSeconds(20) };

    protected RemoteTarget Target => RemoteTarget.FromUri(Emulator.WsManUri);

    protected PSRemotingClient NewClient() => new(new PSRemotingClientOptions { TimeProvider = Clock! });

    protected Task<PSSession> NewSessionAsync(PSRemotingClient client, string? name = null, PSSessionOption? option = null) =>
        client.NewSessionAsync(Target, Credential, name: name, sessionOption: option ?? Option);

    /// <summary>Advances virtual time in small steps until the task completes.</summary>
    protected Task<T> AdvanceAsync<T>(Task<T> task) => AdvanceUntilAsync(task, TimeSpan.FromMilliseconds(100));

    protected async Task AdvanceAsync(Task task) => await AdvanceAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));
}
