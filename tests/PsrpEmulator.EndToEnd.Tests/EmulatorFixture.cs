using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Testing;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>Base for end-to-end tests: a fresh emulator per test on 127.0.0.1:0 and the real client over HTTP.</summary>
public abstract class EmulatorTestBase
{
    protected EmulatorInstance Emulator { get; private set; } = null!;

    protected FakeTimeProvider? Clock { get; private set; }

    /// <summary>Override to use a virtual clock for the emulator.</summary>
    protected virtual bool UseVirtualTime => false;

    /// <summary>Override to add scenario behaviours in front of the default ones.</summary>
    protected virtual string? ScenarioYaml => null;

    protected virtual void Configure(EmulatorOptions options)
    {
    }

    [SetUp]
    public async Task StartEmulatorAsync()
    {
        Clock = UseVirtualTime ? new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero)) : null;
        Emulator = await EmulatorInstance.StartAsync(Configure, Clock, ScenarioYaml);
    }

    /// <summary>Replaces the emulator with one configured differently (same clock).</summary>
    protected async Task RestartEmulatorAsync(Action<EmulatorOptions> configure)
    {
        await Emulator.DisposeAsync();
        Emulator = await EmulatorInstance.StartAsync(configure, Clock, ScenarioYaml);
    }

    [TearDown]
    public async Task StopEmulatorAsync()
    {
        Emulator.WriteJournalIfFailed();
        await Emulator.DisposeAsync();
    }

    /// <summary>
    /// A client transport. Robust connections (retransmission after network failures) are off unless asked for, so
    /// a test sees each failure; when on, retries wait on the test's clock.
    /// </summary>
    protected WsManTransport CreateTransport(string user = "psrp", string password = "psrp", int maxEnvelopeSize = 512000, TimeSpan? operationTimeout = null,
        bool robust = false, Action<NetworkNotification>? notifications = null, bool overlapReceiveWithDecode = true) => new(new WsManClientOptions
    {
        ConnectionUri = Emulator.WsManUri,
        UserName = user,
        Password = password,
        MaxEnvelopeSize = maxEnvelopeSize,
        OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(20),
        RobustConnection = robust,
        TimeProvider = Clock ?? TimeProvider.System,
        NetworkNotification = notifications,
        OverlapReceiveWithDecode = overlapReceiveWithDecode,
    });

    protected static async Task<List<PipelineEvent>> ReadAllAsync(PowerShellPipeline pipeline)
    {
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
        return events;
    }

    /// <summary>Advances the virtual clock in steps until <paramref name="task"/> completes (bounded).</summary>
    protected async Task<T> AdvanceUntilAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            // Give the HTTP round trip a moment to reach its next wait before moving time on.
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted) Clock!.Advance(step);
        }

        return await task;
    }

    /// <summary>Adds a fault rule through the admin API (<c>POST /_emulator/faults</c>), which must accept it.</summary>
    protected async Task AddFaultAsync(object rule)
    {
        using var admin = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var response = await admin.PostAsJsonAsync("/_emulator/faults", rule);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    protected static string[] Outputs(IEnumerable<PipelineEvent> events) =>
        [.. events.OfType<OutputEvent>().Select(e => e.Value.ToDisplayString())];
}
