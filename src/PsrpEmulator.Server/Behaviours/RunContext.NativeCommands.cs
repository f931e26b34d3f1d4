using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A Windows program a PowerShell script runs (<c>ipconfig</c>, <c>cmd /c exit 5</c>) that no PowerShell rule
/// answers: it runs as the computer's command line, by the <c>cmd:</c> rules a WinRS shell uses, and PowerShell takes
/// its output as Windows PowerShell 5.1 does in a remote session: each stdout line a string, each stderr line an error
/// record (RemoteException; NativeCommandError for the first, NativeCommandErrorMessage after), the exit code in
/// <c>$LASTEXITCODE</c> and <c>$?</c> false when it is not 0.
/// </summary>
internal sealed partial class RunContext
{
    // The console of a remote session's process: PowerShell decodes a program's output in the OEM code page. Made the
    // first time a program runs, not with RunContext's other statics (every pipeline makes a RunContext).
    private static Encoding NativeEncoding => NativeConsole.Encoding;

    private static class NativeConsole
    {
        public static readonly Encoding Encoding = WinRsCodePages.TryGet(437) ?? System.Text.Encoding.Latin1;
    }

    /// <summary>
    /// Runs <paramref name="text"/> as a program when it names one a <c>cmd:</c> rule answers; false otherwise (nothing
    /// ran). <paramref name="stdin"/>: what the program reads on its stdin (a pipeline's input); none, an empty stdin.
    /// </summary>
    private async ValueTask<bool> TryRunNativeCommandAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting, ReadOnlyMemory<byte>? stdin = null)
    {
        var words = Statements.SplitArguments(text.Trim());
        if (words.Count == 0) return false;
        // A batch file PowerShell finds (.\setup.bat, C:\tools\run.cmd) runs through cmd.exe; one that is not there is unknown.
        // A program named by its path (C:\Windows\System32\ipconfig.exe) runs as cmd runs the program of that name (ipconfig).
        var program = WindowsCommands.ProgramOfPath(words[0]) is { } file ? System.IO.Path.GetFileNameWithoutExtension(file) : null;
        var batch = program is null && BatchFileScript.IsBatchFileName(words[0]);
        if (batch ? !BatchFileScript.Exists(Host.FileSystem, words[0], CurrentDirectory) : program is null && !WindowsCommands.IsProgram(words[0])) return false;

        // PowerShell passes each argument's value, quoted when it has white space in it.
        var line = new StringBuilder(program ?? words[0]);
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            string value;
            try
            {
                value = word[0] is '$' or '"' or '\'' or '(' or '@' || word.AsSpan().IndexOfAny('"', '\'') >= 0 ? PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)) : word;
            }
            catch (ScriptExpressionException e)
            {
                // An argument that fails to evaluate ends the statement before the program starts.
                await WriteStatementErrorAsync(e.Error, output);
                return true;
            }

            line.Append(' ').Append(NeedQuotes(value) ? "\"" + value + "\"" : value);
        }

        // cmd.exe (cmd /c ...) expands the %VARIABLES% of its command line from the process's environment first, as
        // WinRS's cmd does; PowerShell passes them as they are, and another program sees them unexpanded.
        var commandLine = line.ToString();
        if (CommandLineText.IsProgram(program ?? words[0], "cmd"))
        {
            commandLine = WinRsEnvironment.Expand(commandLine, scope.Variables.EnvironmentVariable, CurrentDirectory, time.GetUtcNow());
        }

        var script = Catalog.ResolveCommandLine(commandLine);
        if (script is NotEmulatedCommandScript inner && CommandLineText.IsProgram(program ?? words[0], "cmd"))
        {
            // cmd /c vol: the command cmd runs is the one not emulated, not cmd.
            await WriteStatementErrorAsync(ScriptedError.NotEmulatedCommand(inner.Name), output);
            return true;
        }

        // cmd /c foo: cmd.exe runs and says it does not know foo (exit code 9009); PowerShell's own "not recognized" is for foo alone.
        if (script is NotEmulatedCommandScript || script is NotRecognizedScript && !CommandLineText.IsProgram(program ?? words[0], "cmd")) return false;

        var native = new NativeCommandHost(this, output, stdin) { Program = ProgramCaller(words[0]) };
        var exitCode = await script.RunAsync(native, time, cancellationToken).ConfigureAwait(false);
        await native.FlushAsync().ConfigureAwait(false);
        scope.Variables.SetGlobal("LASTEXITCODE", PsPrimitive.Int32(exitCode));
        if (exitCode != 0) scope.Variables.ErrorsWritten++;
        output.ProgramExited(exitCode);
        return true;
    }

    // Windows PowerShell 5.1's NativeCommandParameterBinder.NeedQuotes: white space outside a pair of double quotes
    // (a quote after a backslash does not count).
    private static bool NeedQuotes(string value)
    {
        var quotes = 0;
        var followingBackslash = false;
        foreach (var c in value)
        {
            if (c == '"' && !followingBackslash) quotes++;
            else if (char.IsWhiteSpace(c) && quotes % 2 == 0) return true;
            followingBackslash = c == '\\';
        }

        return false;
    }

    // The program as its stderr records name it (NativeCommandProcessor writes them with its InvocationInfo): its
    // ApplicationInfo, called by the name the script used ("cmd : File Not Found", placed at the command).
    private ScriptCaller? ProgramCaller(string calledAs) =>
        ApplicationInfoOf(calledAs) is { } info
            ? new ScriptCaller(info["Name"]!.ToDisplayString(), CommandTypes.Application, info["Definition"]!.ToDisplayString(), calledAs, info)
            : null;

    /// <summary>The program's console: its stdout lines go out as strings, its stderr lines as error records, as they come.</summary>
    private sealed class NativeCommandHost(RunContext context, IPipelineHost output, ReadOnlyMemory<byte>? stdin) : ICommandLineHost
    {
        /// <summary>The program its error records name (null: unknown, they name none).</summary>
        public ScriptCaller? Program { get; init; }

        private ReadOnlyMemory<byte>? _stdin = stdin is { IsEmpty: false } ? stdin : null;

        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private bool _wroteError;

        public Encoding Encoding => NativeEncoding;

        public int ConsoleWidth => context.Host.ConsoleWidth ?? 120;

        public PsValue? AutomaticVariable(string name) => context.Host.AutomaticVariable(name);

        // The session process's environment, with what the session set ($env:NAME = ...), which a program inherits.
        public IReadOnlyList<KeyValuePair<string, string>> Environment => context.EnvironmentNow();

        public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["computername"] = context.Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty,
            ["username"] = context.Host.EnvironmentVariable("USERNAME") ?? string.Empty,
            ["logon"] = WinRsEnvironment.WhoAmI(
                (context.Host.EnvironmentVariable("USERDOMAIN") is { Length: > 0 } domain ? domain + "\\" : string.Empty) + (context.Host.EnvironmentVariable("USERNAME") ?? string.Empty),
                context.Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty),
            ["cd"] = context.CurrentDirectory,
        };

        public VirtualFileSystem? FileSystem => context.Host.FileSystem;

        public PersistentEnvironment? PersistentEnvironment => context.Host.PersistentEnvironment;

        public ServiceStates? ServiceStates => context.Host.ServiceStates;

        public LocalAccounts? LocalAccounts => context.Host.LocalAccounts;

        public FirewallRules? FirewallRules => context.Host.FirewallRules;

        public ScheduledTasks? ScheduledTasks => context.Host.ScheduledTasks;

        public SmbShares? SmbShares => context.Host.SmbShares;

        public ComputerWmi? Wmi => context.Host.Wmi;

        public CertificateStores? CertificateStores => context.Host.CertificateStores;

        public WsManSettings? WsManSettings => context.Host.WsManSettings;

        public EventLogs? EventLogs => context.Host.EventLogs;

        public NetworkSettings? NetworkSettings => context.Host.NetworkSettings;

        public IReadOnlyList<WsManConfigEntry>? WsManConfiguration => context.Host.WsManConfiguration;

        public VirtualRegistry? Registry => context.Host.Registry;

        public IComputerPower? Power => context.Host.Power;

        public WindowsFeatureStates? WindowsFeatures => context.Host.WindowsFeatures;

        // A program started by PowerShell reads its pipeline's input, else nothing.
        public ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken)
        {
            var chunk = _stdin;
            _stdin = null;
            return ValueTask.FromResult(chunk);
        }

        public async ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var error = stream == WinRsStreams.Stderr;
            var pending = error ? _stderr : _stdout;
            // Only the new text (and a "\r" left waiting before it) is searched for a line end: a program writing in many small pieces costs no more.
            var from = Math.Max(0, pending.Length - 1);
            pending.Append(NativeEncoding.GetString(data.Span));
            int end;
            while ((end = IndexOfLineEnd(pending, from, out var length)) >= 0)
            {
                var lineText = pending.ToString(0, end);
                pending.Remove(0, end + length);
                from = 0;
                await WriteLineAsync(lineText, error).ConfigureAwait(false);
            }
        }

        public async ValueTask FlushAsync()
        {
            // A last "\r" still waiting for its "\n" ends the last line.
            if (_stdout.Length > 0) await WriteLineAsync(_stdout.ToString().TrimEnd('\r'), error: false).ConfigureAwait(false);
            if (_stderr.Length > 0) await WriteLineAsync(_stderr.ToString().TrimEnd('\r'), error: true).ConfigureAwait(false);
            _stdout.Clear();
            _stderr.Clear();
        }

        // A line ends at "\r\n", "\n" or a "\r" alone, as .NET's StreamReader.ReadLine reads the program's output (wmic's
        // "\r\r\n" is a line and an empty one); a "\r" at the end waits for what follows it.
        private static int IndexOfLineEnd(StringBuilder text, int from, out int length)
        {
            for (var i = from; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    length = 1;
                    return i;
                }

                if (text[i] == '\r')
                {
                    if (i + 1 == text.Length) break;
                    length = text[i + 1] == '\n' ? 2 : 1;
                    return i;
                }
            }

            length = 0;
            return -1;
        }

        private ValueTask WriteLineAsync(string lineText, bool error)
        {
            if (!error) return output.WriteAsync(new PipelineOutput(PsPrimitive.String(lineText)), context.CancellationToken);
            // powershell.exe (a local host): the program's stderr is its console's, not PowerShell's error stream,
            // unless the statement redirects its errors (2>&1, 2>$null): then PowerShell reads it as in a remote session.
            if (output.HostIsLocal && !output.RedirectsErrors) return output.WriteProgramStderrAsync(lineText, context.CancellationToken);
            var id = _wroteError ? "NativeCommandErrorMessage" : "NativeCommandError";
            _wroteError = true;
            return context.WriteErrorAsync(new ScriptedError(lineText, id, ErrorCategory.NotSpecified, "System.Management.Automation.RemoteException", lineText) { Caller = Program }, output);
        }
    }

    /// <summary>
    /// A program after a pipe (<c>ipconfig | findstr IPv4</c>, <c>$names | sort.exe</c>), as Windows PowerShell 5.1's
    /// NativeCommandProcessor feeds one: its input objects become text as <c>Out-String -Stream</c> writes them, each
    /// line written to the program's stdin with CRLF in <c>$OutputEncoding</c> (US-ASCII in 5.1: other characters
    /// become '?'), once the input has ended (5.1 collects the input and writes it at the end); the program's stdout
    /// lines go on down the pipeline as strings, its stderr lines are error records, its exit code is $LASTEXITCODE.
    /// </summary>
    private sealed class ProgramStage(RunContext context, string text, IPipelineHost? to, int blockNesting) : Stage
    {
        private readonly Formatting.OutDefaultWriter _writer = new(context.FormatWidth(to), context.Time);
        private readonly StringBuilder _input = new();

        /// <summary>How the input's text becomes the program's stdin bytes ($OutputEncoding: US-ASCII in 5.1).</summary>
        public Encoding InputEncoding { get; init; } = Encoding.ASCII;

        public override ValueTask ProcessAsync(PsValue item)
        {
            Append(_writer.Add(item));
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            Append(_writer.Complete());
            var output = to ?? context.Host;
            var stdin = InputEncoding.GetBytes(_input.ToString());
            _input.Clear();
            if (!await context.TryRunNativeCommandAsync(text, to, new EmittingHost(output, Emit), blockNesting, stdin))
            {
                await context.WriteStatementErrorAsync(ScriptedError.UnknownCommand(UnknownCommandScript.FirstWordOf(text)), output);
                return;
            }

            await EndNext();
        }

        private void Append(string formatted)
        {
            foreach (var line in Formatting.OutDefaultWriter.Lines(formatted))
            {
                if (_input.Length + line.Length + 2 > FilterCommandScript.MaxInputBytes)
                {
                    throw new ScenarioRuntimeException($"a program's pipeline input is limited to {FilterCommandScript.MaxInputBytes} characters in the emulator");
                }

                _input.Append(line).Append("\r\n");
            }
        }
    }
}
