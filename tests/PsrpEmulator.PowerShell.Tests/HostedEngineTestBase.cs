using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.PowerShell.Hosting;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Testing;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// An emulator serving the virtual computers Server01 and Server02 on 127.0.0.1:0, and client hosts (hosted
/// PowerShell engines with our cmdlets) that reach them by name through the host map. Emulator and clients share a
/// virtual clock; commands run while the test moves it.
/// </summary>
public abstract class HostedEngineTestBase
{
    private readonly List<ClientHost> _hosts = [];

    protected EmulatorInstance Emulator { get; private set; } = null!;

    protected FakeTimeProvider Clock { get; private set; } = null!;

    /// <summary>Sleeps one second per line, so that a disconnect can land in the middle.</summary>
    protected const string FiveSlowLines = "1..5 | ForEach-Object { \"line$_\"; Start-Sleep -Seconds 1 }";

    [SetUp]
    public async Task StartEmulatorAsync()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        Emulator = await EmulatorInstance.StartAsync(options =>
        {
            options.ComputerName = "Server01";
            options.Computers["Server02"] = new ComputerOptions();
            options.Users = ["psrp:psrp", $"{OtherUser}:{OtherPassword}"];
            options.Endpoints["ITTasks"] = new EndpointOptions();
            Configure(options);
        }, Clock);
    }

    /// <summary>Override to change the emulator's options (after the two computers are set).</summary>
    protected virtual void Configure(EmulatorOptions options)
    {
    }

    [TearDown]
    public async Task StopAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        _hosts.Clear();
        Emulator.WriteJournalIfFailed();
        await Emulator.DisposeAsync();
    }

    /// <summary>A second user the emulator lets in (besides the default psrp / psrp).</summary>
    protected const string OtherUser = "admin01", OtherPassword = "P@ssw0rd-01";

    /// <summary>A new client host ("a PowerShell process"), with a short OperationTimeout so idle receives come back quickly in virtual time.</summary>
    /// <param name="name">The host's name.</param>
    /// <param name="credentialPrompt">Answers a -Credential given as a bare user name (the host's PromptForCredential).</param>
    /// <param name="hosts">The host map (<c>Name=address[:port];...</c>); default: Server01 and Server02 at the emulator.</param>
    protected async Task<ClientHost> NewHostAsync(string name = "client", Func<string, string?, System.Management.Automation.PSCredential?>? credentialPrompt = null, string? hosts = null)
    {
        var address = $"{Emulator.WsManUri.Host}:{Emulator.WsManUri.Port}";
        var host = new ClientHost(new ClientHostOptions
        {
            Name = name,
            CredentialPrompt = credentialPrompt,
            Remoting = new RemotingContextOptions
            {
                TimeProvider = Clock,
                Hosts = RemotingContextOptions.ParseHosts(hosts ?? $"Server01={address};Server02={address}"),
            },
        });
        _hosts.Add(host);
        // New-PSSessionOption of PowerShell on Linux has only -SkipCACheck/-SkipCNCheck: set the property instead.
        var setup = await RunAsync(host, "$PSSessionOption = [System.Management.Automation.Remoting.PSSessionOption]::new(); $PSSessionOption.OperationTimeout = [timespan]::FromSeconds(20)");
        Assert.That(setup.Errors, Is.Empty, string.Join("\n", setup.Errors));
        return host;
    }

    /// <summary>Runs a command line while moving the virtual clock in small steps until it finishes.</summary>
    protected async Task<ScriptResult> RunAsync(ClientHost host, string script)
    {
        var task = host.RunAsync(script);
        for (var i = 0; i < 20_000 && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted) Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        return await task;
    }

    protected static string[] Lines(ScriptResult result) => [.. result.Output.Select(o => o.ToString())];
}
