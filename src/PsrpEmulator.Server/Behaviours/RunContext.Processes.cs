using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Start-Process (<c>start</c>, <c>saps</c>): the program and its <c>-ArgumentList</c> (an array's elements joined by
/// blanks, as 5.1 joins them) run as the computer's command line, as install scripts use it
/// (<c>Start-Process msiexec.exe -ArgumentList '/i app.msi /qn' -Wait -PassThru</c>, then <c>.ExitCode</c>).
/// What the program writes goes to its own console, which a remote session never shows (<c>-NoNewWindow</c> too),
/// unless <c>-RedirectStandardOutput</c> / <c>-RedirectStandardError</c> name files on the disk; <c>-RedirectStandardInput</c>
/// is its stdin. <c>-Wait</c> waits for it; without, it runs on while the script goes on. <c>-PassThru</c> writes a
/// Process object (its counters zero; ExitCode and HasExited once it has ended under -Wait). <c>-WorkingDirectory</c> is
/// its folder. <c>-Verb</c>, <c>-Credential</c>, <c>-LoadUserProfile</c>, <c>-WindowStyle</c> change nothing here. A
/// program that is not there is 5.1's "This command cannot be run due to the error: The system cannot find the file
/// specified." (statement-terminating); one Windows has that no rule answers is the emulator's scenario error.
/// </summary>
internal sealed partial class RunContext
{
    private static readonly string[] ProcessTypeNames = ["System.Diagnostics.Process", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"];

    private async ValueTask StartProcessAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (arguments["FilePath"] is not { } fileWord)
        {
            throw new StatementTerminatedException(ParameterError("Start-Process", "Cannot process command because of one or more missing mandatory parameters: FilePath.", "MissingMandatoryParameter"));
        }

        var file = PipelineVariables.Display(await ArgumentAsync(fileWord, to, blockNesting)).Trim();
        var argumentText = arguments["ArgumentList"] is { } list
            ? string.Join(' ', ScriptExpressions.Enumerate(await ArgumentAsync(list, to, blockNesting)).Select(PipelineVariables.Display))
            : string.Empty;
        async ValueTask<string?> PathOf(string parameter)
        {
            if (arguments[parameter] is not { } word) return null;
            var given = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
            return VirtualFileSystem.FullPath(given, CurrentDirectory, out _) ?? throw new ScriptExpressionException(PathNotFound("Start-Process", given));
        }

        var stdoutPath = await PathOf("RedirectStandardOutput");
        var stderrPath = await PathOf("RedirectStandardError");
        var stdinPath = await PathOf("RedirectStandardInput");
        var workingDirectory = await PathOf("WorkingDirectory");
        if (stdoutPath is not null && stdoutPath.Equals(stderrPath, StringComparison.OrdinalIgnoreCase))
        {
            throw new StatementTerminatedException(StartProcessError("This command cannot be run because \"RedirectStandardOutput\" and \"RedirectStandardError\" are same. Give different inputs and Run your command again."));
        }

        var disk = Host.FileSystem;
        ReadOnlyMemory<byte>? stdin = null;
        if (stdinPath is not null)
        {
            if (disk is null || disk.Read(stdinPath, out var input) != FileSystemFailure.None)
            {
                throw new StatementTerminatedException(StartProcessError($"This command cannot be run because the input file \"{stdinPath}\" cannot be found. Specify a valid input file and Run your command again."));
            }

            stdin = input;
        }

        var line = (file.Contains(' ', StringComparison.Ordinal) ? "\"" + file + "\"" : file) + (argumentText.Length > 0 ? " " + argumentText : string.Empty);
        var script = ProgramScript(line)
            ?? throw new StatementTerminatedException(StartProcessError("This command cannot be run due to the error: The system cannot find the file specified."));

        foreach (var path in new[] { stdoutPath, stderrPath })
        {
            if (path is not null && disk?.Write(path, [], FileWriteMode.Create) is { } failure && failure != FileSystemFailure.None)
            {
                throw new StatementTerminatedException(IoError("Start-Process", "StartProcess", failure, path));
            }
        }

        var id = ScheduledTaskRunner.NextProcessId();
        var name = VirtualFileSystem.NameOf(file.Replace('/', '\\'));
        name = name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
        var started = time.GetUtcNow();
        var console = new StartedProcessHost(new NativeCommandHost(this, output, stdin), disk, stdoutPath, stderrPath, workingDirectory);
        if (!arguments.Has("Wait"))
        {
            // It runs on by itself; what it writes goes where its console goes.
            _ = RunDetachedAsync(script, console, time, cancellationToken);
            if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ProcessObject(name, id, started, exitCode: null)), cancellationToken);
            return;
        }

        var exitCode = await script.RunAsync(console, time, cancellationToken).ConfigureAwait(false);
        if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ProcessObject(name, id, started, exitCode)), cancellationToken);
    }

    /// <summary>
    /// What a command line starts as a process (Start-Process, Win32_Process.Create, WSH's Run and Exec): its script;
    /// null when Windows finds no such program; a program Windows has that the emulator does not emulate is a scenario error.
    /// </summary>
    private ICommandLineScript? ProgramScript(string commandLine) => Catalog.ResolveCommandLine(commandLine.Trim()) switch
    {
        NotRecognizedScript => null,
        NotEmulatedCommandScript notEmulated => throw new ScriptExpressionException(ScriptedError.ScenarioFault(NotEmulatedCommandScript.MessageFor(notEmulated.Name).TrimEnd())),
        var script => script,
    };

    private static async Task RunDetachedAsync(ICommandLineScript script, ICommandLineHost console, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await script.RunAsync(console, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Stopped with its session, a scenario fault or any failure: nobody is there to see it (its console is
            // not the session's), and a task nobody awaits must not carry an exception.
        }
    }

    private static PsObject ProcessObject(string name, int id, DateTimeOffset started, int? exitCode) =>
        new PsObject(ProcessTypeNames) { ToStringValue = $"System.Diagnostics.Process ({name})" }
            .With("Name", name)
            .With("ProcessName", name)
            .With("Id", id)
            .With("Handles", 0)
            .With("NPM", PsPrimitive.Int64(0))
            .With("PM", PsPrimitive.Int64(0))
            .With("WS", PsPrimitive.Int64(0))
            .With("WorkingSet", 0)
            .With("WorkingSet64", PsPrimitive.Int64(0))
            .With("CPU", PsNil.Instance)
            .With("SI", 0)
            .With("StartTime", PsPrimitive.DateTime(started))
            .With("HasExited", exitCode is not null)
            .With("ExitCode", exitCode is { } code ? PsPrimitive.Int32(code) : PsNil.Instance);

    private static ScriptedError StartProcessError(string message) =>
        new(message, "InvalidOperationException,Microsoft.PowerShell.Commands.StartProcessCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException");

    /// <summary>A started program's console: its output to the files its redirections name, else nowhere a remote session shows.</summary>
    private sealed class StartedProcessHost(ICommandLineHost inner, VirtualFileSystem? disk, string? stdoutPath, string? stderrPath, string? workingDirectory) : ForwardingCommandLineHost(inner)
    {
        private readonly IReadOnlyDictionary<string, string> _facts = workingDirectory is null
            ? inner.Facts
            : new Dictionary<string, string>(inner.Facts, StringComparer.OrdinalIgnoreCase) { ["cd"] = workingDirectory };

        public override IReadOnlyDictionary<string, string> Facts => _facts;

        public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var path = stream == WinRsStreams.Stderr ? stderrPath : stdoutPath;
            if (path is not null) disk?.Write(path, data.Span, FileWriteMode.Append);
            return ValueTask.CompletedTask;
        }
    }
}
