namespace PsrpEmulator.Server.Behaviours;

/// <summary>A virtual computer's restart, as <c>shutdown /r</c> and <c>Restart-Computer</c> ask for it.</summary>
public interface IComputerPower
{
    /// <summary>Restarts the computer after <paramref name="delay"/>; false when a restart is pending already.</summary>
    bool ScheduleRestart(TimeSpan delay);

    /// <summary>Cancels the pending restart (<c>shutdown /a</c>); false when none is pending.</summary>
    bool AbortRestart();

    /// <summary>When the computer last restarted here; null when it never has (the scenario's LastBootUpTime stands).</summary>
    DateTimeOffset? LastBoot => null;
}
