using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The scripted behaviours of one scenario: a list of rules matching command text (exact, or a regular
/// expression whose captures feed the steps) to steps. Loaded from YAML; the embedded default answers string
/// literals and the documentation's <c>1..N | ForEach-Object {...; Start-Sleep S}</c> family.
/// </summary>
public sealed partial class BehaviourCatalog
{
    /// <summary>Parses a scenario YAML document; throws <see cref="BehaviourLoadException"/> with line information.</summary>
    public static BehaviourCatalog Parse(string yaml, string sourceName = "scenario") => throw new NotImplementedException();

    /// <summary>The embedded default scenario.</summary>
    public static BehaviourCatalog LoadDefault() => throw new NotImplementedException();

    /// <summary>Rules of <paramref name="first"/> win over those of <paramref name="fallback"/>.</summary>
    public static BehaviourCatalog Combine(BehaviourCatalog first, BehaviourCatalog fallback) => throw new NotImplementedException();

    /// <summary>
    /// Finds the behaviour for a pipeline. The text matched is each command's text (Cmd) joined with " | " for
    /// a multi-command pipeline, trimmed. Returns a runnable script; for no match, PowerShell's answer for an
    /// unknown command (script: CommandNotFoundException error record then Completed; single command: Failed).
    /// </summary>
    public IBehaviourScript Resolve(CreatePipeline pipeline) => throw new NotImplementedException();
}

/// <summary>A resolved behaviour, ready to run once.</summary>
public interface IBehaviourScript
{
    /// <summary>Runs the steps against the host; waits (sleep steps) only through <paramref name="time"/>.</summary>
    Task<PipelineOutcome> RunAsync(IPipelineHost host, TimeProvider time, CancellationToken cancellationToken);
}

public sealed class BehaviourLoadException(string message, Exception? inner = null) : Exception(message, inner);
