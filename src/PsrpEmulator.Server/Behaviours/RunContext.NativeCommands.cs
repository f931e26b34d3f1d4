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

    /// <summary>Runs <paramref name="text"/> as a program when it names one a <c>cmd:</c> rule answers; false otherwise (nothing ran).</summary>
    private async ValueTask<bool> TryRunNativeCommandAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var words = Statements.SplitArguments(text.Trim());
        if (words.Count == 0 || !WindowsCommands.IsProgram(words[0])) return false;

        // PowerShell passes each argument's value, quoted when it has white space in it.
        var line = new StringBuilder(words[0]);
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            string value;
            try
            {
                value = word[0] is '$' or '"' or '\'' or '(' or '@' ? PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)) : word;
            }
            catch (ScriptExpressionException e)
            {
                // An argument that fails to evaluate ends the statement before the program starts.
                await WriteStatementErrorAsync(e.Error, output);
                return true;
            }

            line.Append(' ').Append(value.AsSpan().IndexOfAny(" \t") >= 0 && value[0] != '"' ? "\"" + value + "\"" : value);
        }

        var script = Catalog.ResolveCommandLine(line.ToString());
        if (script is NotEmulatedCommandScript or NotRecognizedScript) return false;

        var native = new NativeCommandHost(this, output);
        var exitCode = await script.RunAsync(native, time, cancellationToken).ConfigureAwait(false);
        await native.FlushAsync().ConfigureAwait(false);
        scope.Variables.SetGlobal("LASTEXITCODE", PsPrimitive.Int32(exitCode));
        if (exitCode != 0) scope.Variables.ErrorsWritten++;
        output.ProgramExited(exitCode);
        return true;
    }

    /// <summary>The program's console: its stdout lines go out as strings, its stderr lines as error records, as they come.</summary>
    private sealed class NativeCommandHost(RunContext context, IPipelineHost output) : ICommandLineHost
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private bool _wroteError;

        public Encoding Encoding => NativeEncoding;

        public int ConsoleWidth => context.Host.ConsoleWidth ?? 120;

        public PsValue? AutomaticVariable(string name) => context.Host.AutomaticVariable(name);

        public IReadOnlyList<KeyValuePair<string, string>> Environment => context.Host.EnvironmentVariables;

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

        // A program started by PowerShell gets no input here.
        public ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);

        public async ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var error = stream == WinRsStreams.Stderr;
            var pending = error ? _stderr : _stdout;
            // Only the new text is searched for a line end: a program writing in many small pieces costs no more.
            var from = pending.Length;
            pending.Append(NativeEncoding.GetString(data.Span));
            int end;
            while ((end = IndexOfLineEnd(pending, from)) >= 0)
            {
                var lineText = pending.ToString(0, end);
                pending.Remove(0, end + 1);
                from = 0;
                await WriteLineAsync(lineText.TrimEnd('\r'), error).ConfigureAwait(false);
            }
        }

        public async ValueTask FlushAsync()
        {
            if (_stdout.Length > 0) await WriteLineAsync(_stdout.ToString(), error: false).ConfigureAwait(false);
            if (_stderr.Length > 0) await WriteLineAsync(_stderr.ToString(), error: true).ConfigureAwait(false);
            _stdout.Clear();
            _stderr.Clear();
        }

        private static int IndexOfLineEnd(StringBuilder text, int from)
        {
            for (var i = from; i < text.Length; i++)
            {
                if (text[i] == '\n') return i;
            }

            return -1;
        }

        private ValueTask WriteLineAsync(string lineText, bool error)
        {
            if (!error) return output.WriteAsync(new PipelineOutput(PsPrimitive.String(lineText)), context.CancellationToken);
            // powershell.exe (a local host): the program's stderr is its console's, not PowerShell's error stream.
            if (output.HostIsLocal) return output.WriteProgramStderrAsync(lineText, context.CancellationToken);
            var id = _wroteError ? "NativeCommandErrorMessage" : "NativeCommandError";
            _wroteError = true;
            return context.WriteErrorAsync(new ScriptedError(lineText, id, ErrorCategory.NotSpecified, "System.Management.Automation.RemoteException", lineText), output);
        }
    }
}
