using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>powershell.exe</c> on a WinRS command line: <c>-EncodedCommand</c> (UTF-16LE base64) or <c>-Command</c> (or bare
/// words) give the script, <c>-File</c> a script file (<see cref="PowerShellFileScript"/>); <c>-NoProfile</c>, <c>-NonInteractive</c>, <c>-NoLogo</c>, <c>-ExecutionPolicy X</c>,
/// <c>-OutputFormat X</c>, <c>-InputFormat X</c>, <c>-WindowStyle X</c> are accepted. Parameter names may be
/// abbreviated, as powershell.exe allows (<c>-enc</c>, <c>-ec</c>, <c>-e</c>, <c>-c</c>, <c>-nop</c>...).
/// </summary>
internal static class PowerShellExe
{
    private static readonly string[] Switches = ["noprofile", "noninteractive", "nologo", "noexit", "sta", "mta"];
    private static readonly string[] Valued = ["executionpolicy", "outputformat", "inputformat", "windowstyle", "version", "configurationname"];

    /// <summary>The script of a powershell.exe command line; false when the line does not run powershell.exe (or runs no script).</summary>
    public static bool TryGetScript(string line, out string script)
    {
        var parsed = Parse(line)?.Script;
        script = parsed ?? string.Empty;
        return parsed is not null;
    }

    /// <summary>What a powershell.exe command line runs (its script, or its -File); null for a line that runs neither.</summary>
    internal static ICommandLineScript? Resolve(BehaviourCatalog catalog, string line) => Parse(line) switch
    {
        { Script: { } script } parsed => new PowerShellExeScript(catalog, script, parsed.NonInteractive, executionPolicy: parsed.ExecutionPolicy),
        { File: { } file } parsed => new PowerShellFileScript(catalog, file, parsed.Arguments, parsed.NonInteractive, parsed.ExecutionPolicy),
        _ => null,
    };

    /// <summary>What a powershell.exe command line runs: a script (-EncodedCommand, -Command, bare words) or a file (-File).</summary>
    private sealed record CommandLine(string? Script, string? File, List<string> Arguments, bool NonInteractive)
    {
        /// <summary>-ExecutionPolicy's value: the process's own policy (its PSExecutionPolicyPreference).</summary>
        public string? ExecutionPolicy { get; init; }
    }

    // The options before the script or file are read once for both; null when the line runs neither.
    private static CommandLine? Parse(string line)
    {
        var nonInteractive = false;
        string? executionPolicy = null;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !CommandLineText.IsProgram(tokens[0].Value, "powershell")) return null;
        for (var i = 1; i < tokens.Count; i++)
        {
            var token = tokens[i].Value;
            if (token.Length < 2 || token[0] is not ('-' or '/'))
            {
                // Bare words: powershell.exe's default -Command, the arguments as the C runtime splits them (their
                // double quotes taken off: powershell "& { ... }" runs the block) joined by blanks.
                return new CommandLine(string.Join(' ', tokens.Skip(i).Select(t => t.Value)), null, [], nonInteractive) { ExecutionPolicy = executionPolicy };
            }

            var name = token[1..].ToLowerInvariant();
            if (Switches.Any(s => s.StartsWith(name, StringComparison.Ordinal) && name.Length >= 3))
            {
                nonInteractive |= "noninteractive".StartsWith(name, StringComparison.Ordinal);
                continue;
            }

            if (Valued.Any(v => v.StartsWith(name, StringComparison.Ordinal) && name.Length >= 2 && name != "e"))
            {
                if ("executionpolicy".StartsWith(name, StringComparison.Ordinal) && i + 1 < tokens.Count) executionPolicy = tokens[i + 1].Value;
                i++;
                continue;
            }

            if (name is "e" or "ec" or "en" or "enc" || (name.Length >= 3 && "encodedcommand".StartsWith(name, StringComparison.Ordinal)))
            {
                if (i + 1 >= tokens.Count) return null;
                try
                {
                    return new CommandLine(Encoding.Unicode.GetString(Convert.FromBase64String(tokens[i + 1].Value)), null, [], nonInteractive) { ExecutionPolicy = executionPolicy };
                }
                catch (FormatException)
                {
                    return null;
                }
            }

            if (name is "c" || (name.Length >= 2 && "command".StartsWith(name, StringComparison.Ordinal)))
            {
                return new CommandLine(string.Join(' ', tokens.Skip(i + 1).Select(t => t.Value)), null, [], nonInteractive) { ExecutionPolicy = executionPolicy };
            }

            if ("file".StartsWith(name, StringComparison.Ordinal) && i + 1 < tokens.Count)
            {
                return new CommandLine(null, tokens[i + 1].Value, [.. tokens.Skip(i + 2).Select(t => t.Value)], nonInteractive) { ExecutionPolicy = executionPolicy };
            }

            // Anything else: no script here.
            return null;
        }

        return null;
    }
}

/// <summary>
/// <c>powershell.exe -File script.ps1 args</c>: the script on the computer's disk runs with its arguments bound to its
/// <c>param()</c> block (a word starting with <c>-</c> names a parameter, any other is a string), <c>$PSScriptRoot</c>
/// and <c>$PSCommandPath</c> set, rendered as <see cref="PowerShellExeScript"/> renders. The exit code is -File's
/// (about_PowerShell_exe): the script's <c>exit N</c>, 1 after a terminating error, else 0 whatever <c>$?</c> says. A
/// file that is not there (checked first, as 5.1's command-line parser does), or has no .ps1 extension, is
/// powershell.exe's message with exit code -196608 (its stream UNVERIFIED).
/// </summary>
internal sealed class PowerShellFileScript(BehaviourCatalog catalog, string file, List<string> arguments, bool nonInteractive, string? executionPolicy = null) : ICommandLineScript
{
    public string Description => $"powershell.exe -File {file}";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var path = VirtualFileSystem.FullPath(file, cd, out _);
        if (path is null || host.FileSystem is not { } disk || disk.Get(path) is not { IsDirectory: false } || disk.Read(path, out var bytes) != FileSystemFailure.None)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr,
                $"The argument '{file}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\r\n",
                cancellationToken).ConfigureAwait(false);
            return -196608;
        }

        if (!file.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr,
                $"Processing -File '{file}' failed because the file does not have a '.ps1' extension. Specify a valid Windows PowerShell script file name, and then try again.\r\n",
                cancellationToken).ConfigureAwait(false);
            return -196608;
        }

        // The execution policy is asked first: under Restricted or AllSigned the file is refused as any script file is
        // (the session's PSSecurityException, exit code 1).
        var process = executionPolicy ?? Environment(host, RunContext.PolicyEnvironmentVariable);
        if (!RunContext.ExecutionPolicyAllowsScripts(host.Registry, Environment(host, "USERPROFILE"), process))
        {
            return await new PowerShellExeScript(catalog, "& " + Quote(path), nonInteractive, executionPolicy: executionPolicy).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
        }

        // Windows PowerShell reads a script without a byte order mark as ANSI.
        var text = RunContext.DecodeText(bytes, PsrpEmulator.Protocol.WsMan.WinRsCodePages.TryGet(1252) ?? Encoding.Latin1);
        var call = new StringBuilder()
            .Append("$PSScriptRoot = ").Append(Quote(VirtualFileSystem.ParentOf(path) ?? path)).Append("; $PSCommandPath = ").Append(Quote(path))
            .Append("; & {\n").Append(text).Append("\n}");
        foreach (var argument in arguments) call.Append(' ').Append(IsParameterName(argument) ? argument : Quote(argument));
        return await new PowerShellExeScript(catalog, call.ToString(), nonInteractive, fileExitCode: true, executionPolicy).RunAsync(host, time, cancellationToken).ConfigureAwait(false);
    }

    private static string? Environment(ICommandLineHost host, string name) =>
        host.Environment.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    // -Name, -Force, -Count: a parameter's name (a negative number is an argument).
    private static bool IsParameterName(string word) =>
        word.Length > 1 && word[0] == '-' && (char.IsAsciiLetter(word[1]) || word[1] == '_') && word.Skip(2).All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}

/// <summary>
/// A script run by powershell.exe: resolved through the PowerShell behaviours (as a CreatePipeline of one script
/// command) and rendered as powershell.exe renders to a redirected console: output objects as Out-Default formats
/// them on stdout (tables, lists and text, <see cref="Formatting.OutDefaultWriter"/>), Write-Host text (PSHOST
/// information records; Write-Information shows nothing) on stdout, error, warning, verbose and debug records as one
/// <c>#&lt; CLIXML</c> document on stderr when the script ends, progress as CLIXML progress objects in it. The exit code is powershell.exe's for <c>-Command</c>: 1 when <c>$?</c> is false at the end (a
/// terminating error, or an error record written by the last statement, such as an unknown command's), else 0
/// (about_PowerShell_exe; ConsoleHost reads <c>$global:?</c>).
/// </summary>
internal sealed partial class PowerShellExeScript(BehaviourCatalog catalog, string script, bool nonInteractive = false, bool fileExitCode = false, string? executionPolicy = null) : ICommandLineScript
{
    public const string ClixmlHeader = "#< CLIXML\r\n";

    public string Script => script;

    public string Description => $"powershell.exe {script}";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        // `exit N` as a top-level statement (when no rule takes the whole script): the statements before it run, the
        // rest does not, and N is the exit code (about_PowerShell_exe), unless a terminating error came first. Any other
        // exit (bare, exit $name, one inside -Command "& { ... }", which the catalog unwraps) ends the run as it comes
        // (PipelineOutcome.ExitCode).
        var text = script;
        int? exitCode = null;
        if (catalog.Find(script) is null && FindExit(script) is { } exit) (text, exitCode) = exit;

        // A script that reads its input ($input, a process block) gets stdin's lines; another runs without input.
        var pipeline = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: !Statements.ReadsInput(text));
        var resolved = catalog.Resolve(pipeline);
        var renderer = new Renderer(host, time, nonInteractive, executionPolicy, script);
        PipelineOutcome outcome;
        if (resolved is BehaviourScript behaviour)
        {
            outcome = await behaviour.RunAsync(renderer, time, renderer.ToErrorRecord, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            outcome = await resolved.RunAsync(renderer, time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await renderer.CompleteOutputAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.State == PSInvocationState.Failed && outcome.ErrorRecord is { } reason) renderer.AddError(reason, terminating: true);
        await renderer.FlushStderrAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.State == PSInvocationState.Failed) return 1;
        // -File's exit code does not follow $? (only -Command's does).
        // An exit that ended the statements before the top-level one (inside an if, a loop, a function) is the code.
        return outcome.ExitCode ?? exitCode ?? (!fileExitCode && renderer.LastStatementFailed ? 1 : 0);
    }

    /// <summary>The first top-level <c>exit N</c> statement: the script before it and N.</summary>
    internal static (string Before, int Code)? FindExit(string text)
    {
        var statements = Statements.Split(text);
        for (var i = 0; i < statements.Count; i++)
        {
            var m = ExitStatement().Match(statements[i].Trim());
            if (!m.Success) continue;

            // powershell.exe's exit code is the process's: N as a 32-bit integer (out of range: left to the statement, which exits 0).
            if (!int.TryParse(m.Groups["code"].Value, System.Globalization.NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)) return null;
            return (string.Join("; ", statements.Take(i)), code);
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^exit\s+(?<code>[+-]?\d+)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ExitStatement();

    /// <summary>Turns PSRP records into console text; remembers the scripted errors behind the error records it makes.</summary>
    private sealed class Renderer(ICommandLineHost host, TimeProvider time, bool nonInteractive, string? executionPolicy, string script) : IPipelineHost
    {
        // The console host's prompts (Read-Host, $Host.UI, -Confirm) on a redirected console: the question on stdout,
        // each answer a line of stdin, echoed as the console host echoes what it reads from a redirected stdin.
        public bool HasHostUI => true;

        public bool HostIsLocal => true;

        public VirtualFileSystem? FileSystem => host.FileSystem;

        public PersistentEnvironment? PersistentEnvironment => host.PersistentEnvironment;

        public ServiceStates? ServiceStates => host.ServiceStates;

        public LocalAccounts? LocalAccounts => host.LocalAccounts;

        public FirewallRules? FirewallRules => host.FirewallRules;

        public ScheduledTasks? ScheduledTasks => host.ScheduledTasks;

        public SmbShares? SmbShares => host.SmbShares;

        public ComputerWmi? Wmi => host.Wmi;

        public CertificateStores? CertificateStores => host.CertificateStores;

        public WsManSettings? WsManSettings => host.WsManSettings;

        public EventLogs? EventLogs => host.EventLogs;

        public NetworkSettings? NetworkSettings => host.NetworkSettings;

        public IReadOnlyList<WsManConfigEntry>? WsManConfiguration => host.WsManConfiguration;

        public VirtualRegistry? Registry => host.Registry;

        public IComputerPower? Power => host.Power;

        public WindowsFeatureStates? WindowsFeatures => host.WindowsFeatures;

        private readonly StdinLines _stdin = new(host);

        public async ValueTask<PipelineHostResponse> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken)
        {
            if (nonInteractive)
            {
                // ConsoleHostUserInterfaceStrings.ReadFailsOnNonInteractiveFlag, thrown by every read and prompt.
                return new PipelineHostResponse(0, method, null, ErrorRecords.Create("Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
                    "InvalidOperation", ErrorCategory.InvalidOperation, "System.Management.Automation.PSInvalidOperationException"));
            }

            string Text(int i) => i < parameters.Count ? parameters[i].AsString() ?? string.Empty : string.Empty;
            switch (method)
            {
                case RemoteHostMethodId.ReadLine:
                case RemoteHostMethodId.ReadLineAsSecureString:
                {
                    var line = await ReadEchoedAsync(cancellationToken).ConfigureAwait(false);
                    return new PipelineHostResponse(0, method, line is null ? null : method == RemoteHostMethodId.ReadLine ? PsPrimitive.String(line) : LocalSecureString(line));
                }

                case RemoteHostMethodId.Prompt:
                {
                    await WriteQuestionAsync(Text(0), Text(1), cancellationToken).ConfigureAwait(false);
                    var answers = new List<KeyValuePair<string, PsValue>>();
                    foreach (var item in RemoteHostCalls.Items(parameters.Count > 2 ? parameters[2] : null))
                    {
                        var field = RemoteHostCalls.ReadFieldDescription(item);
                        await host.WriteTextAsync(WinRsStreams.Stdout, field.Name + ": ", cancellationToken).ConfigureAwait(false);
                        var line = await ReadEchoedAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
                        answers.Add(new(field.Name, field.TypeFullName == "System.Security.SecureString" ? LocalSecureString(line) : PsPrimitive.String(line)));
                    }

                    return new PipelineHostResponse(0, method, RemoteHostCalls.PromptResult(answers));
                }

                case RemoteHostMethodId.PromptForChoice:
                {
                    await WriteQuestionAsync(Text(0), Text(1), cancellationToken).ConfigureAwait(false);
                    var choices = RemoteHostCalls.Items(parameters.Count > 2 ? parameters[2] : null).Select(c => RemoteHostCalls.ReadChoiceDescription(c).Label).ToList();
                    var defaultChoice = parameters.Count > 3 && parameters[3].AsPrimitive()?.Value is int d ? d : -1;
                    return new PipelineHostResponse(0, method, PsPrimitive.Int32(await ChooseAsync(choices, defaultChoice, cancellationToken).ConfigureAwait(false)));
                }

                case RemoteHostMethodId.ReadKey:
                {
                    // A redirected console has no keys: ConsoleHostRawUserInterface.ReadKey fails on it (Console.ReadKey's
                    // InvalidOperationException).
                    return new PipelineHostResponse(0, method, null, ErrorRecords.Create(
                        "Cannot read keys when either application does not have a console or when console input has been redirected from a file. Try Console.Read.",
                        "InvalidOperationException", ErrorCategory.NotSpecified, "System.InvalidOperationException"));
                }

                default:
                    return new PipelineHostResponse(0, method, null, ErrorRecords.Create($"The console host's {method} is not emulated.", "NotImplemented",
                        ErrorCategory.NotImplemented, "System.NotImplementedException"));
            }
        }

        public ValueTask SendHostCallAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters, CancellationToken cancellationToken)
        {
            var text = parameters.Count switch
            {
                0 => string.Empty,
                1 => parameters[0].AsString() ?? string.Empty,
                _ => parameters[^1].AsString() ?? string.Empty,
            };
            return method switch
            {
                // The console host's own (exit's code is the process's, already): nothing to print.
                RemoteHostMethodId.SetShouldExit or RemoteHostMethodId.FlushInputBuffer => ValueTask.CompletedTask,
                RemoteHostMethodId.Write1 or RemoteHostMethodId.Write2 => host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken),
                RemoteHostMethodId.WriteErrorLine => host.WriteTextAsync(WinRsStreams.Stderr, text + "\r\n", cancellationToken),
                _ => host.WriteTextAsync(WinRsStreams.Stdout, text + "\r\n", cancellationToken),
            };
        }

        // A question's caption and message, each on its line when there is one (the console host's prompt header).
        private async ValueTask WriteQuestionAsync(string caption, string message, CancellationToken cancellationToken)
        {
            if (caption.Length > 0) await host.WriteTextAsync(WinRsStreams.Stdout, caption + "\r\n", cancellationToken).ConfigureAwait(false);
            if (message.Length > 0) await host.WriteTextAsync(WinRsStreams.Stdout, message + "\r\n", cancellationToken).ConfigureAwait(false);
        }

        // The choices line ("[Y] Yes  [N] No  [?] Help (default is "Y"): "), asked again until a line names a choice by
        // its hot key or label; an empty line is the default; the end of stdin is the default too.
        private async ValueTask<int> ChooseAsync(IReadOnlyList<string> labels, int defaultChoice, CancellationToken cancellationToken)
        {
            var line = RemoteHostCalls.ChoicesLine(labels, defaultChoice);
            while (true)
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, line, cancellationToken).ConfigureAwait(false);
                var typed = (await ReadEchoedAsync(cancellationToken).ConfigureAwait(false))?.Trim();
                if (string.IsNullOrEmpty(typed)) return defaultChoice;
                if (RemoteHostCalls.ChoiceIndex(labels, typed) is { } chosen) return chosen;
            }
        }

        // The next line of stdin, echoed; null at its end.
        private async ValueTask<string?> ReadEchoedAsync(CancellationToken cancellationToken)
        {
            var line = await _stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is not null) await host.WriteTextAsync(WinRsStreams.Stdout, line + "\r\n", cancellationToken).ConfigureAwait(false);
            return line;
        }

        // A SecureString read by the console itself: no session key is involved, so its text is only a marker (the
        // console shows it as System.Security.SecureString).
        private static PsPrimitive LocalSecureString(string text) => PsPrimitive.SecureString(Convert.ToBase64String(Encoding.Unicode.GetBytes(text)));

        // Out-Default: PowerShell never writes the console's last column.
        private readonly Formatting.OutDefaultWriter _out = new(host.ConsoleWidth - 1, time);

        public int? ConsoleWidth => host.ConsoleWidth;

        public PsValue? AutomaticVariable(string name) => host.AutomaticVariable(name);

        /// <summary>powershell.exe's environment is its cmd shell's: Windows' variables and the Create's (-ExecutionPolicy its PSExecutionPolicyPreference).</summary>
        public string? EnvironmentVariable(string name)
        {
            if (executionPolicy is not null && string.Equals(name, RunContext.PolicyEnvironmentVariable, StringComparison.OrdinalIgnoreCase)) return executionPolicy;
            foreach (var (key, value) in host.Environment)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
            }

            return null;
        }

        private readonly ConditionalWeakTable<PsObject, ScriptedError> _errors = [];
        private readonly StringBuilder _clixml = new();
        private int _refId;

        /// <summary><c>$?</c> after the last statement so far: false once it wrote an error record.</summary>
        public bool LastStatementFailed { get; private set; }

        // Where the running top-level statement is in the script (-1: not found as written), to place its errors.
        private int _statementStart = -1;
        private int _statementLength;
        private StatementCursor? _statements;

        public PsObject PlaceCaught(PsObject record, string? statement) =>
            Shells.ErrorPlacement.PlaceCaught(record, script, isScript: true, commandCount: 1, _statementStart, _statementLength, statement);

        public string? ScriptText => script;

        public void StatementStarting(string statement, int nesting)
        {
            LastStatementFailed = false;
            if (statement.Length == 0) return;
            (_statementStart, _statementLength) = Shells.ErrorPlacement.NextStatement(ref _statements, script, statement, nesting);
        }

        // powershell.exe's console: a program it runs writes its stderr there itself (no record, no CLIXML).
        public ValueTask WriteProgramStderrAsync(string line, CancellationToken cancellationToken) =>
            host.WriteTextAsync(WinRsStreams.Stderr, line + "\r\n", cancellationToken);

        public void ProgramExited(int exitCode)
        {
            if (exitCode != 0) LastStatementFailed = true;
        }

        public PsObject ToErrorRecord(ScriptedError error)
        {
            var record = ScriptedError.ToErrorRecord(error);
            _errors.AddOrUpdate(record, error);
            return record;
        }

        public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            switch (record)
            {
                case PipelineOutput { Value: var nothing } when ReferenceEquals(nothing, PsNil.AutomationNull):
                    return ValueTask.CompletedTask;
                case PipelineOutput output:
                    return WriteStdoutAsync(_out.Add(output.Value), cancellationToken);
                // Write-Host's records (tagged PSHOST) are shown; Write-Information's only under InformationPreference
                // Continue (their HostText), SilentlyContinue by default.
                case InformationRecordMessage { HostText: { } hostText }:
                    return WriteHostAsync(hostText, noNewLine: false, cancellationToken);
                case InformationRecordMessage information when information.Tags.Contains(HostInformationMessage.HostTag):
                    return WriteHostAsync(information.MessageData.ToWindowsText(), HostInformationMessage.TryRead(information.MessageData) is { NoNewLine: true }, cancellationToken);
                case ErrorRecordMessage error:
                    LastStatementFailed = true;
                    AddError(error.Record);
                    break;
                case WarningRecordMessage warning:
                    AddLines("warning", warning.Message);
                    break;
                case VerboseRecordMessage verbose:
                    AddLines("verbose", verbose.Message);
                    break;
                case DebugRecordMessage debug:
                    AddLines("debug", debug.Message);
                    break;
                case ProgressRecordMessage progress:
                    AddProgress(progress);
                    break;
            }

            return ValueTask.CompletedTask;
        }

        private ValueTask WriteStdoutAsync(string text, CancellationToken cancellationToken) =>
            text.Length == 0 ? ValueTask.CompletedTask : host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken);

        /// <summary>The end of the script: Out-Default writes a table it still held and closes its view.</summary>
        public ValueTask CompleteOutputAsync(CancellationToken cancellationToken) => WriteStdoutAsync(_out.Complete(), cancellationToken);

        // Write-Host text: the console host writes the text, then a bare "\n", as two writes (recorded); with
        // -NoNewline, the text alone.
        private async ValueTask WriteHostAsync(string text, bool noNewLine, CancellationToken cancellationToken)
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
            if (!noNewLine) await host.WriteTextAsync(WinRsStreams.Stdout, "\n", cancellationToken).ConfigureAwait(false);
        }

        // powershell.exe reads a redirected stdin as its input (-InputFormat Text): each line a string of $input, as Ansible's
        // put_file sends a file's base64 chunks.
        public async ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) =>
            await _stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line ? PsPrimitive.String(line) : null;

        /// <summary>The lines of a WinRS command's stdin, decoded in the shell's code page as they come.</summary>
        private sealed class StdinLines(ICommandLineHost host)
        {
            private const int MaxLineChars = 64 * 1024 * 1024;
            private readonly StringBuilder _pending = new();
            private Decoder? _decoder;
            private bool _ended;

            public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    var end = -1;
                    for (var i = 0; i < _pending.Length; i++)
                    {
                        if (_pending[i] != '\n') continue;
                        end = i;
                        break;
                    }

                    if (end >= 0)
                    {
                        var line = _pending.ToString(0, end).TrimEnd('\r');
                        _pending.Remove(0, end + 1);
                        return line;
                    }

                    if (_ended)
                    {
                        if (_pending.Length == 0) return null;
                        var last = _pending.ToString().TrimEnd('\r');
                        _pending.Clear();
                        return last;
                    }

                    var chunk = await host.ReadStdinAsync(cancellationToken).ConfigureAwait(false);
                    _decoder ??= host.Encoding.GetDecoder();
                    if (chunk is not { } data)
                    {
                        _ended = true;
                        continue;
                    }

                    var chars = new char[host.Encoding.GetMaxCharCount(data.Length)];
                    var count = _decoder.GetChars(data.Span, chars, flush: false);
                    if (_pending.Length + count > MaxLineChars) throw new ScenarioRuntimeException($"a line of powershell.exe's stdin is limited to {MaxLineChars} characters in the emulator");
                    _pending.Append(chars, 0, count);
                }
            }
        }

        /// <summary>
        /// An error record as powershell.exe prints it (<see cref="Formatting.ConsoleErrorView"/>): placed in the script
        /// as the server places a record (the command's name before the message, "At line:" and the tildes), at the
        /// console's width.
        /// </summary>
        /// <param name="terminating">
        /// The script's terminating error. A parse error's is its ParseException's own record, whose exception is a
        /// ParentContainsErrorRecordException (RuntimeException.ErrorRecord makes it so): the console names that.
        /// </param>
        public void AddError(PsObject record, bool terminating = false)
        {
            var placed = Shells.ErrorPlacement.Place(record, script, isScript: true, commandCount: 1, _statementStart, _statementLength,
                serializeExtendedInfo: false, errorStream: !terminating);
            var lines = Formatting.ConsoleErrorView.Lines(placed, host.ConsoleWidth);
            if (terminating && _errors.TryGetValue(record, out var known) && known.ExceptionType == "System.Management.Automation.ParseException")
            {
                lines = [.. lines.Select(line => line.StartsWith("    + CategoryInfo          : ", StringComparison.Ordinal) && line.EndsWith(", ParseException", StringComparison.Ordinal)
                    ? line[..^"ParseException".Length] + "ParentContainsErrorRecordException"
                    : line)];
            }

            foreach (var line in lines) AddString("Error", line + "\r\n");
        }

        private void AddLines(string stream, string message)
        {
            foreach (var line in message.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')) AddString(stream, line + "\r\n");
        }

        private void AddString(string stream, string text) =>
            _clixml.Append("<S S=\"").Append(stream).Append("\">").Append(Escape(text)).Append("</S>");

        private void AddProgress(ProgressRecordMessage p)
        {
            var id = _refId++;
            _clixml.Append(CultureInfo.InvariantCulture,
                $"<Obj S=\"progress\" RefId=\"{id}\"><TN RefId=\"{id}\"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>")
                .Append("<I64 N=\"SourceId\">1</I64><PR N=\"Record\">")
                .Append("<AV>").Append(Escape(p.Activity)).Append("</AV>")
                .Append(CultureInfo.InvariantCulture, $"<AI>{p.ActivityId}</AI>")
                .Append(p.CurrentOperation is null ? "<Nil />" : "<CO>" + Escape(p.CurrentOperation) + "</CO>")
                .Append(CultureInfo.InvariantCulture, $"<PI>{p.ParentActivityId}</PI><PC>{p.PercentComplete}</PC><T>{p.RecordType}</T><SR>{p.SecondsRemaining}</SR>")
                .Append("<SD>").Append(Escape(p.StatusDescription)).Append("</SD></PR></MS></Obj>");
        }

        public ValueTask FlushStderrAsync(CancellationToken cancellationToken)
        {
            if (_clixml.Length == 0) return ValueTask.CompletedTask;
            var document = ClixmlHeader + "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">" + _clixml + "</Objs>";
            _clixml.Clear();
            return host.WriteTextAsync(WinRsStreams.Stderr, document, cancellationToken);
        }

        /// <summary>CLIXML string escaping: XML entities, control characters and '_x' as <c>_xHHHH_</c>.</summary>
        internal static string Escape(string text)
        {
            var builder = new StringBuilder(text.Length + 16);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '&': builder.Append("&amp;"); break;
                    case '<': builder.Append("&lt;"); break;
                    case '>': builder.Append("&gt;"); break;
                    case '"': builder.Append("&quot;"); break;
                    case '_' when i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'):
                        builder.Append("_x005F_");
                        break;
                    case < ' ':
                        builder.Append(CultureInfo.InvariantCulture, $"_x{(int)c:X4}_");
                        break;
                    default:
                        builder.Append(c);
                        break;
                }
            }

            return builder.ToString();
        }
    }
}
