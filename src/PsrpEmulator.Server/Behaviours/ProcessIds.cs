namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The ids of the processes an emulator makes while it runs (a remote session's wsmprovhost.exe, a started program, a
/// task's): multiples of 4 as Windows gives them, distinct from each other, and above the computers' fixed ones
/// (Windows' own below 3000, svchost 1868, the services' processes up to 7996: <see cref="ServiceDefinition.RunningProcessId"/>),
/// so that <c>Get-Process -Id $PID</c> never finds another process too. They wrap after 48,000 (at 200,000), as
/// Windows reuses ids; a process that old still running could then share its id.
/// </summary>
internal static class ProcessIds
{
    private const int First = 8000;
    private const int Count = 48_000;

    private static long _made;

    /// <summary>A new process id.</summary>
    public static int Next() => First + 4 * (int)(Interlocked.Increment(ref _made) % Count);
}
