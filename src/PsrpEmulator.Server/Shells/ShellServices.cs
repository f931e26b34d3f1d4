using Microsoft.Extensions.Logging;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Shells;

/// <summary>What shells and pipelines need from the host: options, behaviours, time and logging.</summary>
internal sealed class ShellServices(EmulatorOptions options, BehaviourCatalog behaviours, TimeProvider time, ILogger logger, Journal journal, ScenarioSettings scenario)
{
    public EmulatorOptions Options { get; } = options;
    public BehaviourCatalog Behaviours { get; } = behaviours;
    public TimeProvider Time { get; } = time;

    /// <summary>
    /// One timer for every sleeping behaviour on the real clock (thousands of idle pipelines keep no timer each).
    /// Null on any other clock: a virtual clock keeps one timer per sleep, so same-instant timers fire in the order
    /// they were made, as the scenario runner expects.
    /// </summary>
    public SleepTimers? SleepTimers { get; } = time == TimeProvider.System ? new SleepTimers(time) : null;
    public ILogger Logger { get; } = logger;
    public Journal Journal { get; } = journal;
    public ScenarioSettings Scenario { get; } = scenario;

    /// <summary>Cancelled when the emulator stops: held Receives end at once instead of delaying shutdown.</summary>
    public CancellationToken Stopping { get; init; }

    private byte[]? _applicationPrivateData;

    /// <summary>
    /// The CLIXML of the APPLICATION_PRIVATE_DATA every pool gets (the options' versions, fixed at start): serialized
    /// once, not per Create.
    /// </summary>
    public ReadOnlyMemory<byte> ApplicationPrivateData => _applicationPrivateData ??= Protocol.Clixml.ClixmlSerializer.Serialize(
        Protocol.Psrp.ApplicationPrivateData.ForWindowsPowerShell(Options.PSVersion, Options.ProtocolVersion).ToPsValue(), true);

    /// <summary>Configured endpoints plus those the scenario defines.</summary>
    public IEnumerable<string> Configurations => Options.EffectiveConfigurations.Concat(Scenario.Endpoints.Keys);
}
