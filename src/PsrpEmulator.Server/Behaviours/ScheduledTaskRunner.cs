using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Runs a scheduled task's actions now, as Start-ScheduledTask, the Task Scheduler's COM Run and <c>schtasks /run</c>
/// start them: each action's program and arguments as the computer's command line (what they write goes where their
/// redirections say, nowhere else), then the run recorded: its time, the last action's exit code (0x80070002 for a
/// program that is not there), and the task Running for <see cref="RunTime"/> with the process its first action started.
/// </summary>
internal static class ScheduledTaskRunner
{
    /// <summary>How long a run shows as Running (State 4, LastTaskResult 267009) on the server's clock.</summary>
    public static readonly TimeSpan RunTime = TimeSpan.FromSeconds(1);

    /// <summary>A new process id (Start-Process's programs, a running task's): <see cref="ProcessIds"/>.</summary>
    public static int NextProcessId() => ProcessIds.Next();

    /// <param name="console">The host an action's program runs in, given its working directory (null: the caller's).</param>
    /// <param name="notEmulated">
    /// Called with the name of an action's program the emulator does not emulate (Windows' own tasks' defrag.exe); it
    /// may throw (a scenario error). When it returns, the action counts as run with result 0.
    /// </param>
    public static async Task RunAsync(BehaviourCatalog catalog, ScheduledTasks library, ScheduledTasks.ScheduledTask task,
        Func<string, string?> environment, string currentDirectory, Func<string?, ICommandLineHost> console, Action<string> notEmulated,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var exitCode = 0;
        ScheduledTasks.TaskProcess? process = null;
        foreach (var action in task.Actions)
        {
            var program = action.Execute.Contains(' ', StringComparison.Ordinal) && !action.Execute.StartsWith('"') ? "\"" + action.Execute + "\"" : action.Execute;
            var line = WinRsEnvironment.Expand(program + (action.Arguments is { Length: > 0 } a ? " " + a : string.Empty), environment, currentDirectory, started);
            var script = catalog.ResolveCommandLine(line);
            // 0x80070002: the program is not there (Task Scheduler's result for a missing file).
            if (script is NotRecognizedScript)
            {
                exitCode = unchecked((int)0x80070002);
                continue;
            }

            if (script is NotEmulatedCommandScript skipped)
            {
                notEmulated(skipped.Name);
                exitCode = 0;
                continue;
            }

            process ??= ProcessOf(line, started);
            var workingDirectory = action.WorkingDirectory is { Length: > 0 } d ? VirtualFileSystem.FullPath(d, currentDirectory, out _) : null;
            exitCode = await script.RunAsync(console(workingDirectory), time, cancellationToken).ConfigureAwait(false);
        }

        library.Update(task, t => t with { LastRunTime = started, LastTaskResult = exitCode, RunningUntil = time.GetUtcNow() + RunTime, RunningProcess = process });
    }

    // The process an action's line shows as while it runs: the program cmd /c runs (powershell.exe for
    // "cmd /c powershell.exe -EncodedCommand X > out 2>err", its command line without the redirections, as cmd passes it).
    private static ScheduledTasks.TaskProcess? ProcessOf(string line, DateTimeOffset started)
    {
        var inner = CommandLineText.StripCmdShell(line.Trim());
        if (CommandLineRedirection.TryParse(inner, out var bare, out _)) inner = CommandLineText.Unescape(bare.Trim());
        if (CommandLineText.Tokenize(inner) is not [var first, ..]) return null;
        var image = CommandLineText.FileName(first.Value);
        if (!System.IO.Path.HasExtension(image)) image += ".exe";
        return new ScheduledTasks.TaskProcess(NextProcessId(), image.ToLowerInvariant(), inner, started);
    }
}
