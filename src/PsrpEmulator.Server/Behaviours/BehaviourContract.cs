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
    public static BehaviourCatalog Parse(string yaml, string sourceName = "scenario") =>
        new(ScenarioParser.Parse(yaml, sourceName))
        {
            commandLineRules = CommandLines.CommandLineParser.Parse(yaml, sourceName),
            fileSeeds = FileSeedParser.Parse(yaml, sourceName),
            registrySeeds = RegistrySeedParser.Parse(yaml, sourceName),
            eventLogSeeds = EventLogSeedParser.Parse(yaml, sourceName),
            certificateSeeds = CertificateSeedParser.Parse(yaml, sourceName),
            wmiClasses = WmiClassParser.Parse(yaml, sourceName),
            serviceDefinitions = ServiceDefinitionParser.Parse(yaml, sourceName),
        };

    /// <summary>The function a script of named blocks runs as (a name no script uses).</summary>
    private const string NamedBlocksFunction = "PsrpEmulator-ScriptBlocks";

    /// <summary>The embedded default scenario.</summary>
    public static BehaviourCatalog LoadDefault() => DefaultCatalog.Value;

    /// <summary>Rules of <paramref name="first"/> win over those of <paramref name="fallback"/>.</summary>
    public static BehaviourCatalog Combine(BehaviourCatalog first, BehaviourCatalog fallback)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(fallback);
        return new([.. first.rules, .. fallback.rules])
        {
            commandLineRules = [.. first.commandLineRules, .. fallback.commandLineRules],
            fileSeeds = [.. fallback.fileSeeds, .. first.fileSeeds],
            registrySeeds = [.. fallback.registrySeeds, .. first.registrySeeds],
            eventLogSeeds = [.. fallback.eventLogSeeds, .. first.eventLogSeeds],
            certificateSeeds = [.. fallback.certificateSeeds, .. first.certificateSeeds],
            wmiClasses = [.. first.wmiClasses, .. fallback.wmiClasses],
            serviceDefinitions = [.. first.serviceDefinitions, .. fallback.serviceDefinitions],
        };
    }

    /// <summary>
    /// Finds the behaviour for a pipeline. The text matched is each command's text (Cmd) joined with " | " for
    /// a multi-command pipeline, trimmed. Returns a runnable script; for no match, PowerShell's answer for an
    /// unknown command (script: CommandNotFoundException error record then Completed; single command: Failed).
    /// </summary>
    public IBehaviourScript Resolve(CreatePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var script = ResolveCommands(pipeline);
        return MergedStreamsScript.Of(pipeline) is { } merged ? new MergedStreamsScript(script, merged) : script;
    }

    private IBehaviourScript ResolveCommands(CreatePipeline pipeline)
    {
        var sent = pipeline;
        pipeline = AsPowerShellRunsIt(pipeline);
        var text = GetCommandText(pipeline);
        // The script as written (Invoke-Command sends a script block's text with its spaces and line breaks): a parse
        // error's position is a place in it.
        // A script that more commands follow (Ruby's WinRM gem's script | Out-String -Stream) is placed in its own text.
        var written = sent.Commands is [{ IsScript: true } leading, ..] && sent.ExtraStatements.Count == 0 ? leading.Command
            : pipeline.Commands is [{ IsScript: true } only] && pipeline.ExtraStatements.Count == 0 ? only.Command
            : text;
        // Comments are no code, and a backtick at a line's end joins the lines: rules, the param block and the
        // statements read the code alone.
        if (pipeline.Commands is [{ IsScript: true }, ..]) text = Statements.Code(text).Trim();

        // A script's positional arguments (Invoke-Command -ArgumentList) are $args, or bind to its param block's names.
        IReadOnlyDictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> locals = ScriptParameters.None;
        if (pipeline.Commands is [{ IsScript: true } script] && pipeline.ExtraStatements.Count == 0)
        {
            locals = ScriptParameters.Bind(text, script.Arguments, out text, out var bindingError);
            // A validation attribute refusing an argument (-ArgumentList 7 for [ValidateRange(1,5)]): the binder's
            // terminating error, and the script does not run. A ValidateScript's block is not run at this level.
            if (bindingError is { Id: "ParameterArgumentValidationError" } refused)
            {
                return new ParseFailedScript(new ScriptedError(refused.Message, refused.Id, ErrorCategory.InvalidData,
                    "System.Management.Automation.ParameterBindingValidationException", refused.Parameter));
            }
            // $MyInvocation of the script itself, as PowerShell's AddScript runs it (pypsrp's fetch reads its path from
            // UnboundArguments): made only for a script that reads it.
            if (text.Contains("MyInvocation", StringComparison.OrdinalIgnoreCase))
            {
                locals = new Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>(locals, StringComparer.OrdinalIgnoreCase) { ["MyInvocation"] = ScriptParameters.ScriptInvocation(written, locals) };
            }
        }

        // Here-strings, as the quoted strings they equal (rules see them so too); one without its closer is the
        // parser's error, and nothing runs.
        if (pipeline.Commands is [{ IsScript: true }, ..] && text.Contains('@', StringComparison.Ordinal))
        {
            try
            {
                if (Statements.HereStringsToQuoted(text) is { } quoted) text = quoted;
            }
            catch (ScriptParseException e)
            {
                // Placed in the script as written, as the tokenizer reports it.
                return new ParseFailedScript(Statements.UnclosedToken(written) ?? e.Error);
            }
        }

        var found = Find(text);
        // ${env:ProgramFiles(x86)} and the like, where no rule answers the text as written.
        if (found is null && pipeline.Commands is [{ IsScript: true }, ..] && Statements.BracedVariables(text) is var braced && braced != text)
        {
            text = braced;
            found = Find(text);
        }

        // A script of named blocks only (begin { } process { } end { }) runs as a function's do: its input objects go
        // through the process block one by one.
        if (found is null && pipeline.Commands is [{ IsScript: true }] && pipeline.ExtraStatements.Count == 0 && Statements.IsNamedBlocksOnly(text))
        {
            // The script's unbound arguments go on to the blocks' call, where $args and $MyInvocation.UnboundArguments read
            // them (each passed as the value it is).
            var unbound = locals.TryGetValue("args", out var args) ? PsrpEmulator.Server.Behaviours.ScriptExpressions.Enumerate(args).Count : 0;
            var call = NamedBlocksFunction + string.Concat(Enumerable.Range(0, unbound).Select(i => $" ($args[{i}])"));
            text = $"function {NamedBlocksFunction} {{ {text} }}; " + (pipeline.NoInput ? call : "$input | " + call);
        }

        // PowerShell parses a script whole before running any of it. Checked when the statements run here (no rule
        // answers the whole text, or the default assignment rule runs its value): a script a rule answers whole is the
        // scenario's, and the rules' hot path stays as it was.
        // The errors found by scanning the whole script (PowerShell 7's operators, invalid variable references,
        // parameter lists, ...) are 5.1's parse errors also in a script the default rules answer whole
        // (Invoke-Command { }, Start-Job { }, a string, pipelines into ForEach-Object): they are the language's, not a
        // scenario's.
        if (pipeline.Commands is [{ IsScript: true }, ..])
        {
            try
            {
                if (found is null || Statements.AssignedValue(text) is not null) RunContext.CheckSyntax(text, this, written);
                else if (IsDefaultRule(found.Value.Rule)) RunContext.CheckScriptWide(written);
            }
            catch (ScriptParseException e)
            {
                return new ParseFailedScript(e.Error);
            }
        }

        if (found is { } match) return new ScriptedBehaviour(match.Rule, match.Captures, this, locals, RunContext.ActivityOf(text, match.Rule));

        // A script that only invokes a script block (& { ... }) runs the block's statements; rules match them.
        if (pipeline.Commands is [{ IsScript: true }, ..] && pipeline.ExtraStatements.Count == 0)
        {
            for (var level = 0; level < Statements.MaxScriptBlockNesting && Statements.ScriptBlockBody(text) is { } body; level++)
            {
                text = body;
                if (Find(text) is { } inner) return new ScriptedBehaviour(inner.Rule, inner.Captures, this, locals, RunContext.ActivityOf(text, inner.Rule));
            }
        }

        if (pipeline.Commands.Count == 0 || text.Length == 0) return EmptyScript.Instance;
        // Several statements of commands (pypsrp's add_cmdlet(...).add_statement()) run as a script of them does.
        // Statements of commands run as statements; one that fails (an unknown command) ends them, as PowerShell runs no
        // extra command after a failed one (ServerPowerShellDriver).
        if (!pipeline.Commands[0].IsScript && pipeline.ExtraStatements.Count > 0 && Statements.Split(text) is { Count: > 1 })
        {
            return CommandStatements(pipeline.ExtraStatements) is var (statements, statementArguments)
                ? new StatementsScript(statements, this, statementArguments) { UnansweredFails = true }
                : new StatementsScript(text, this, locals);
        }

        if (pipeline.Commands[0].IsScript &&
            (Statements.Split(text) is { Count: > 1 } || Statements.IsExit(text, out _) || Statements.IsReturn(text, out _) || Statements.IsThrow(text, out _) || Statements.ScriptBlockCall(text) is not null || Statements.LoopLabel(text) is not null || RunContext.JobPipeline(text) is not null || RunContext.JobPipelineWithMore(text) is not null || Statements.IsLanguage(text) ||
             Statements.IsWriteOutput(text) || Statements.WriteStreamCommand(text) is not null || Statements.IsWriteInformation(text) || Statements.JsonCommand(text) is not null || RunContext.ValueCommand(text) is not null || text == "$?" || RunContext.IsSessionStatement(text) || Statements.IsStartSleep(text) || Statements.ActionPreferences(text) is not null || RunContext.IsCmdletPipeline(text) ||
             // An expression with its streams redirected ('a' 2>$null, "x" > file): the expression's statement.
             Statements.SplitRedirections(text) is var (bare, _) && bare.TrimStart() is ['\'' or '"' or '$', ..] or [>= '0' and <= '9', ..]))
        {
            // A script no rule matches whole runs statement by statement ($x = 5; $x); so does a lone exit or return,
            // keywords that are never looked up as commands, and a lone if, foreach, break, continue or expression.
            return new StatementsScript(text, this, locals);
        }

        var first = pipeline.Commands[0];
        // Commands sent as commands (pypsrp's add_cmdlet, PowerShell's GetPowerShell of a simple block): a pipeline of a
        // command the rules answer into the pipeline cmdlets runs as that pipeline. An unknown command still fails it.
        if (!first.IsScript && pipeline.ExtraStatements.Count == 0 && pipeline.Commands.Count > 1 && RunContext.IsCmdletPipeline(text) &&
            Find(RenderCommand(first)) is not null)
        {
            return new StatementsScript(text, this, locals);
        }

        // Any other command sent as a command (pypsrp's add_cmdlet("Get-ChildItem").add_parameter("Path", ...)): the
        // emulated cmdlets run it with its arguments as they came (each a variable, never text to parse). A command the
        // emulator does not know still fails the pipeline, as an unknown command sent as a command does on Windows.
        if (!first.IsScript && pipeline.ExtraStatements.Count == 0 && CommandsAsStatement(pipeline.Commands) is var (statement, arguments))
        {
            var commands = new StatementsScript(statement, this, arguments) { UnansweredFails = true };
            // A command neither Windows nor a rule has is unknown unless the session defines it as a function by then.
            var unknown = pipeline.Commands.FirstOrDefault(c => !WindowsCommands.Has(c.Command.Trim()) && Find(RenderCommand(c)) is null);
            return unknown is null
                ? commands
                : new UnknownCommandScript(unknown.Command.Trim(), isScript: false) { Script = commands };
        }

        // A program no rule answers (ipconfig, cmd /c ...): its statement runs it by the computer's command-line rules.
        // The call operator with a name (& ipconfig, & $exe): the statement finds the command it names.
        if (first.IsScript && ((!ScriptExpressions.HasPipeline(text) && (WindowsCommands.IsProgram(UnknownCommandScript.FirstWordOf(text.Trim())) ||
                WindowsCommands.ProgramOfPath(UnknownCommandScript.FirstWordOf(text.Trim())) is not null ||
                CommandLines.BatchFileScript.IsBatchFileName(UnknownCommandScript.FirstWordOf(text.Trim())))) ||
            text.TrimStart() is ['&', .. var called] && called.TrimStart() is [not '{', ..]))
        {
            return new StatementsScript(text, this, locals);
        }

        return first.IsScript
            ? new UnknownCommandScript(RunContext.UnknownCommandOf(text, stage => Find(stage) is not null), isScript: true)
            {
                Script = new StatementsScript(text, this, locals),
                ScriptText = text,
                LaterPipelineCommands = ScriptExpressions.HasPipeline(text) ? RunContext.LaterPipelineCommands(text) : [],
            }
            : new UnknownCommandScript(first.Command.Trim(), isScript: false);
    }
}

public sealed partial class BehaviourCatalog
{
    /// <summary>
    /// The pipeline as PowerShell's engine sees its elements: Invoke-Expression sent as a command with its script text
    /// (pypsrp's execute_ps: <c>Invoke-Expression -Command $script | Out-String -Stream</c>) is that script, run in the
    /// session's scope; and a script of several statements, a keyword statement or an assignment piped into later
    /// commands pipes all of its output (PowerShell's AddScript followed by AddCommand: Ruby's WinRM gem's script |
    /// Out-String -Stream), so it is a dot-sourced block in the joined text, not its first statements followed by a
    /// pipeline of its last (nor <c>if (...) { } | Out-String</c>, a parse error).
    /// </summary>
    private static CreatePipeline AsPowerShellRunsIt(CreatePipeline pipeline)
    {
        var commands = Statement(pipeline.Commands);
        if (pipeline.ExtraStatements.Count == 0) return ReferenceEquals(commands, pipeline.Commands) ? pipeline : pipeline with { Commands = commands };
        var statements = pipeline.ExtraStatements.Select(Statement).ToList();
        return ReferenceEquals(commands, pipeline.Commands) && statements.SequenceEqual(pipeline.ExtraStatements, ReferenceEqualityComparer.Instance)
            ? pipeline
            : pipeline with { Commands = commands, ExtraStatements = statements };

        static IReadOnlyList<PipelineCommand> Statement(IReadOnlyList<PipelineCommand> commands)
        {
            List<PipelineCommand>? changed = null;
            for (var i = 0; i < commands.Count; i++)
            {
                var command = commands[i];
                if (InvokeExpressionScript(command) is { } script) command = command with { Command = script, IsScript = true, Arguments = [] };
                if (command.IsScript && commands.Count > 1 && !Statements.IsSinglePipeline(Statements.Code(command.Command))) command = command with { Command = ". { " + command.Command.Trim() + " }" };
                if (ReferenceEquals(command, commands[i])) continue;
                changed ??= [.. commands];
                changed[i] = command;
            }

            return changed ?? commands;
        }
    }

    /// <summary>The variables a command sent as a command passes its arguments in (<see cref="CommandsAsStatement"/>).</summary>
    internal const string CommandArgumentVariable = "PsrpEmulatorCommandArgument";

    /// <summary>
    /// Commands sent as commands as one statement the interpreter runs, with their arguments as data: a plain word (a
    /// name, a path without blanks) or a non-negative whole number as it is, so the rules see the text they would see
    /// typed; any other string single-quoted (its quotes doubled: nothing in it is code); a switch as <c>-Name</c> or
    /// <c>-Name:$false</c>; a script block as the block it is; any other value (a list, a hashtable, an object) in a
    /// variable of its own. Null when a command's name is not a plain command name (a path, a script).
    /// </summary>
    internal static (string Statement, IReadOnlyDictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> Arguments)? CommandsAsStatement(IReadOnlyList<PipelineCommand> commands)
    {
        var arguments = new Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>(StringComparer.OrdinalIgnoreCase);
        var builder = new System.Text.StringBuilder();
        return AppendCommands(builder, commands, arguments) ? (builder.ToString(), arguments) : null;
    }

    /// <summary>
    /// Statements of commands (AddStatement: pypsrp's <c>add_statement()</c>) as the interpreter's statements, joined
    /// with "; " (<see cref="CommandsAsStatement"/>); null when a statement has a script or a name that is not plain.
    /// </summary>
    internal static (string Statements, IReadOnlyDictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> Arguments)? CommandStatements(IReadOnlyList<IReadOnlyList<PipelineCommand>> statements)
    {
        var arguments = new Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>(StringComparer.OrdinalIgnoreCase);
        var builder = new System.Text.StringBuilder();
        foreach (var statement in statements)
        {
            if (statement.Count == 0) continue;
            if (builder.Length > 0) builder.Append("; ");
            if (!AppendCommands(builder, statement, arguments)) return null;
        }

        return (builder.ToString(), arguments);
    }

    private static bool AppendCommands(System.Text.StringBuilder builder, IReadOnlyList<PipelineCommand> commands, Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> arguments)
    {
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var name = command.Command.Trim();
            if (command.IsScript || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
            if (i > 0) builder.Append(" | ");
            builder.Append(name);
            foreach (var argument in command.Arguments)
            {
                if (argument.Name is { Length: > 0 } parameter)
                {
                    parameter = parameter.TrimStart('-');
                    if (!parameter.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
                    builder.Append(" -").Append(parameter);
                    if (argument.Value is PsrpEmulator.Protocol.Clixml.PsNil) continue;
                    if (argument.Value is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: bool flag })
                    {
                        if (!flag) builder.Append(":$false");
                        continue;
                    }
                }

                switch (argument.Value)
                {
                    case PsrpEmulator.Protocol.Clixml.PsPrimitive { Type: PsrpEmulator.Protocol.Clixml.PsPrimitiveType.ScriptBlock, Value: string block }:
                        builder.Append(" { ").Append(block.Trim()).Append(" }");
                        continue;
                    // A text with a line break, a control character or a quote PowerShell also reads as one (‘ ’ “ ”) goes in a variable.
                    case PsrpEmulator.Protocol.Clixml.PsPrimitive { Type: PsrpEmulator.Protocol.Clixml.PsPrimitiveType.String, Value: string text }
                        when !text.Any(c => char.IsControl(c) || c is '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u201C' or '\u201D' or '\u201E'):
                        builder.Append(' ');
                        if (IsPlainWord(text)) builder.Append(text);
                        else builder.Append('\'').Append(text.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                        continue;
                    case PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: int or long or byte or short or uint or ulong or ushort or sbyte } number when !number.ToDisplayString().StartsWith('-'):
                        builder.Append(' ').Append(number.ToDisplayString());
                        continue;
                }

                var variable = CommandArgumentVariable + arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                arguments[variable] = argument.Value;
                builder.Append(" $").Append(variable);
            }
        }

        return true;
    }

    // A word PowerShell reads as the same text whether quoted or not: letters, digits and path characters, not a parameter's
    // dash first, nor a digit or a dot first (1., 1kb, 0x10 are numbers there).
    private static bool IsPlainWord(string text) =>
        text.Length > 0 && text[0] is not ('-' or '.' or (>= '0' and <= '9')) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '\\' or '/' or ':' or '*' or '?');

    // Invoke-Expression (iex) sent as a command whose one argument, -Command or positional, is the script's text.
    internal static string? InvokeExpressionScript(PipelineCommand command) =>
        !command.IsScript && command.Command.Trim() is var name && (name.Equals("Invoke-Expression", StringComparison.OrdinalIgnoreCase) || name.Equals("iex", StringComparison.OrdinalIgnoreCase)) &&
        command.Arguments is [{ Value: PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string script } } argument] &&
        (argument.Name is null || argument.Name.TrimStart('-').Equals("Command", StringComparison.OrdinalIgnoreCase))
            ? script
            : null;

    private static readonly Lazy<HashSet<BehaviourRule>> DefaultRules = new(() => [.. DefaultCatalog.Value.rules]);

    /// <summary>Whether the rule is one of the embedded default scenario's (the language's), not a user scenario's.</summary>
    private static bool IsDefaultRule(BehaviourRule rule) => DefaultRules.Value.Contains(rule);

    /// <summary>The first rule matching <paramref name="text"/> (trimmed), with its captures; null when none does.</summary>
    internal (BehaviourRule Rule, IReadOnlyDictionary<string, string> Captures)? Find(string text)
    {
        text = text.Trim();
        foreach (var rule in rules)
        {
            if (rule.TryMatch(text, out var captures)) return (rule, captures);
        }

        return null;
    }
}

/// <summary>A resolved behaviour, ready to run once.</summary>
public interface IBehaviourScript
{
    /// <summary>Runs the steps against the host; waits (sleep steps) only through <paramref name="time"/>.</summary>
    Task<PipelineOutcome> RunAsync(IPipelineHost host, TimeProvider time, CancellationToken cancellationToken);
}

/// <summary>A scenario that cannot be loaded; the message starts with "source, line L, column C:".</summary>
public sealed class BehaviourLoadException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The scenario's name as given to <see cref="BehaviourCatalog.Parse"/> (a file path or name).</summary>
    public string? SourceName { get; init; }

    /// <summary>1-based line of the offending YAML node; 0 when unknown.</summary>
    public int Line { get; init; }

    /// <summary>1-based column of the offending YAML node; 0 when unknown.</summary>
    public int Column { get; init; }
}
