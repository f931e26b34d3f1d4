using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Base of every resolved behaviour. The public <see cref="RunAsync(IPipelineHost, TimeProvider, CancellationToken)"/>
/// serializes errors with <see cref="ErrorRecords.Create"/>; the internal overload takes the factory, so tests can
/// record <see cref="ScriptedError"/>s. Cancellation ends the run as Stopped (PipelineStoppedException), never by throwing.
/// </summary>
internal abstract class BehaviourScript : IBehaviourScript
{
    /// <summary>Which rule (or built-in answer) this is, for logs and diagnostics.</summary>
    public abstract string Description { get; }

    public Task<PipelineOutcome> RunAsync(IPipelineHost host, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(host, time, ScriptedError.ToErrorRecord, cancellationToken);

    public async Task<PipelineOutcome> RunAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(errorRecords);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return await RunCoreAsync(host, time, errorRecords, cancellationToken);
        }
        catch (Exception e) when (OutcomeOf(e, errorRecords, cancellationToken) is { } outcome)
        {
            return outcome;
        }
    }

    /// <summary>
    /// The run without the outer guard, for the server's pipeline, which applies <see cref="OutcomeOf"/> in its own
    /// handler: one state machine fewer kept alive by every waiting pipeline.
    /// </summary>
    internal Task<PipelineOutcome> RunUnguardedAsync(IPipelineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return RunCoreAsync(host, time, ScriptedError.ToErrorRecord, cancellationToken);
    }

    /// <summary>How an exception out of a run ends it; null for one that is not the behaviour's to decide.</summary>
    internal static PipelineOutcome? OutcomeOf(Exception e, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => new PipelineOutcome(PSInvocationState.Stopped, errorRecords(ScriptedError.PipelineStopped)),
        ScenarioRuntimeException => new PipelineOutcome(PSInvocationState.Failed, errorRecords(ScriptedError.ScenarioFault(e.Message))),
        // A nested statement's rule ended Failed or Stopped: so does the pipeline.
        PipelineTerminatedException terminated => new PipelineOutcome(terminated.State, errorRecords(terminated.Reason)),
        // exit ends the script as completed (the pipeline's state; powershell.exe exits with the code).
        ScriptExitException exit => PipelineOutcome.Completed with { ExitCode = exit.Code },
        ScriptReturnException => PipelineOutcome.Completed,
        // A statement PowerShell's parser refuses fails the script with the ParseException.
        ScriptParseException parse => new PipelineOutcome(PSInvocationState.Failed, errorRecords(parse.Error)),
        ScriptExpressionException expression => new PipelineOutcome(PSInvocationState.Failed, errorRecords(expression.Error)),
        StatementTerminatedException statement => new PipelineOutcome(PSInvocationState.Failed, errorRecords(statement.Error)),
        // -ErrorAction Stop outside any try: the script fails with the command's error record.
        ErrorActionStopException stopped => new PipelineOutcome(PSInvocationState.Failed, stopped.Record),
        // break or continue outside any loop: PowerShell ends the script there.
        LoopControlException => PipelineOutcome.Completed,
        _ => null,
    };

    protected abstract Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken);

    public override string ToString() => Description;
}

/// <summary>A scenario rule bound to the captures of the command that matched it.</summary>
internal sealed class ScriptedBehaviour(BehaviourRule rule, IReadOnlyDictionary<string, string> captures, BehaviourCatalog? catalog = null,
    IReadOnlyDictionary<string, PsValue>? locals = null, string? activity = null) : BehaviourScript
{
    /// <summary>The pipeline's own variables: $args and the script's parameters.</summary>
    public IReadOnlyDictionary<string, PsValue> Locals => locals ?? ScriptParameters.None;

    public BehaviourRule Rule => rule;

    public IReadOnlyDictionary<string, string> Captures => captures;

    public override string Description => rule.Name;

    protected override Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken)
    {
        var variables = new PipelineVariables(host);
        foreach (var (name, value) in Locals) variables.SetLocal(name, value);
        // Records made inside a function or script block know where (their ScriptStackTrace's frames).
        return RunRuleAsync(rule, new RunContext(host, time, variables.Stamping(errorRecords), new RunScope(captures, variables), cancellationToken, catalog, activity: activity));
    }

    // Static with the context alone: the state machine a waiting pipeline keeps holds two references, not every argument.
    private static async Task<PipelineOutcome> RunRuleAsync(BehaviourRule rule, RunContext context)
    {
        // Indexed: a foreach over the interface boxes an enumerator that a waiting step keeps alive.
        var steps = rule.Steps;
        try
        {
            for (var i = 0; i < steps.Count; i++) await steps[i].RunAsync(context);
        }
        catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "VariableIsUndefined")
        {
            // Set-StrictMode's unset variable in what the rule reads: the statement's error; the script ends normally.
            await context.WriteStatementErrorAsync(e.Error);
            return PipelineOutcome.Completed;
        }
        catch (Exception e) when (context.Scope.Variables.InnermostStatement is not null && OutcomeOf(e, context.ErrorRecords, context.CancellationToken) is { } outcome)
        {
            // A terminating error that ends the script: its record is the innermost statement's (a throw in a block, in
            // a function it left).
            return outcome;
        }

        var final = rule.Final;
        return final.State switch
        {
            PSInvocationState.Completed => PipelineOutcome.Completed,
            PSInvocationState.Stopped => new PipelineOutcome(PSInvocationState.Stopped, context.ErrorRecords(ScriptedError.PipelineStopped)),
            _ => new PipelineOutcome(final.State, final.Reason is null ? null : context.ErrorRecords(final.Reason.Build(context.Scope))),
        };
    }
}

/// <summary>A script whose statements run one by one, each through the rules (no rule matched the whole text).</summary>
internal sealed class StatementsScript(string text, BehaviourCatalog catalog, IReadOnlyDictionary<string, PsValue> locals) : BehaviourScript
{
    public override string Description => $"statements of '{text}'";

    /// <summary>
    /// Commands sent as commands: a top-level command nothing answers fails the pipeline (Windows' CommandNotFoundException
    /// for an unknown command sent as a command), where a script's would be a non-terminating error.
    /// </summary>
    public bool UnansweredFails { get; init; }

    internal Task<PipelineOutcome> RunCoreForFunctionAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken) =>
        RunCoreAsync(host, time, errorRecords, cancellationToken);

    protected override async Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken)
    {
        var variables = new PipelineVariables(host);
        foreach (var (name, value) in locals) variables.SetLocal(name, value);
        // Records made inside a function or script block know where (their ScriptStackTrace's frames).
        var stamped = variables.Stamping(errorRecords);
        var context = new RunContext(host, time, stamped, new RunScope(new Dictionary<string, string>(), variables), cancellationToken, catalog) { UnansweredFails = UnansweredFails };
        try
        {
            await context.RunStatementAsync(text);
        }
        catch (Exception e) when (variables.InnermostStatement is not null && OutcomeOf(e, stamped, cancellationToken) is { } outcome)
        {
            // A terminating error that ends the script: its record is the innermost statement's (a throw in a block, in
            // a function it left).
            return outcome;
        }

        return PipelineOutcome.Completed;
    }
}

/// <summary>PowerShell's answer when no rule matches.</summary>
internal sealed partial class UnknownCommandScript(string commandName, bool isScript) : BehaviourScript
{
    public string CommandName => commandName;

    public bool IsScript => isScript;

    public override string Description => $"unknown {(isScript ? "script" : "command")} '{commandName}'";

    /// <summary>The script's statements, run instead when the session has defined a function of that name.</summary>
    internal StatementsScript? Script { get; init; }

    /// <summary>The script's whole text, for the error (a type PowerShell would not find is TypeNotFound).</summary>
    internal string? ScriptText { get; init; }

    /// <summary>The commands of the script's pipeline after its first: a function among them makes it one to run too.</summary>
    internal IReadOnlyList<string> LaterPipelineCommands { get; init; } = [];

    protected override async Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken)
    {
        if (Script is { } script)
        {
            var session = new PipelineVariables(host);
            // A function the session defined, or a type ([Person]::new() of the session's own class, which the lookup
            // made before the run could not know): the statements run.
            if (session.Function(commandName) is not null || LaterPipelineCommands.Any(c => session.Function(c) is not null) || session.DefinedTypes is not null)
            {
                return await script.RunCoreForFunctionAsync(host, time, errorRecords, cancellationToken);
            }
        }

        // 'a' 'b', 3 4: a literal then another token is PowerShell's parse error, which fails the script; no command.
        if (ScriptText is { } literalText && ScriptedError.UnexpectedTokenAfterLiteral(literalText) is { } parseError)
        {
            return new PipelineOutcome(PSInvocationState.Failed, errorRecords(parseError));
        }

        var error = ScriptText is { } text ? ScriptedError.NotAnswered(text, commandName) : ScriptedError.UnknownCommand(commandName);
        if (!isScript) return new PipelineOutcome(PSInvocationState.Failed, errorRecords(error));

        // A script reports the unknown command as a non-terminating error and still completes.
        await host.WriteAsync(new ErrorRecordMessage(errorRecords(error)), cancellationToken);
        return PipelineOutcome.Completed;
    }

    [GeneratedRegex(@"^[^\s;|(){}]+", RegexOptions.CultureInvariant)]
    private static partial Regex FirstWord();

    /// <summary>The name PowerShell would complain about: the script's first word.</summary>
    public static string FirstWordOf(string text)
    {
        var m = FirstWord().Match(text);
        if (m.Success) return m.Value;
        var end = text.AsSpan().IndexOfAny(" \t\r\n");
        return end < 0 ? text : text[..end];
    }
}

/// <summary>A script that fails before any of it runs: PowerShell's parser refuses it (ParseException), or its param block refuses an argument.</summary>
internal sealed class ParseFailedScript(ScriptedError error) : BehaviourScript
{
    public override string Description => $"script that cannot start ({error.FullyQualifiedErrorId})";

    protected override Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken) =>
        Task.FromResult(new PipelineOutcome(PSInvocationState.Failed, errorRecords(error)));
}

/// <summary>An empty script: nothing to run, Completed.</summary>
internal sealed class EmptyScript : BehaviourScript
{
    public static readonly EmptyScript Instance = new();

    public override string Description => "empty pipeline";

    protected override Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken) =>
        Task.FromResult(PipelineOutcome.Completed);
}

/// <summary>One <c>behaviours:</c> entry: how it matches and what it does.</summary>
internal sealed class BehaviourRule(string name, IReadOnlyList<string>? exact, Regex? regex, IReadOnlyList<Step> steps, FinalState final)
{
    public string Name => name;
    public IReadOnlyList<Step> Steps => steps;
    public FinalState Final => final;

    /// <summary>The anchored regular expression, or null for an exact-match rule.</summary>
    public Regex? Regex => regex;

    public bool TryMatch(string commandText, out IReadOnlyDictionary<string, string> captures)
    {
        if (exact is not null)
        {
            foreach (var text in exact)
            {
                if (string.Equals(text, commandText, StringComparison.OrdinalIgnoreCase))
                {
                    captures = new WholeMatch(commandText);
                    return true;
                }
            }

            captures = EmptyCaptures;
            return false;
        }

        Match m;
        try
        {
            m = regex!.Match(commandText);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological pattern must not hang the server: treat it as no match and go on to the next rule.
            captures = EmptyCaptures;
            return false;
        }

        if (!m.Success)
        {
            captures = EmptyCaptures;
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var number in regex.GetGroupNumbers())
        {
            var g = m.Groups[number];
            var value = g.Success ? g.Value : string.Empty;
            values[number.ToString(System.Globalization.CultureInfo.InvariantCulture)] = value;
            values.TryAdd(g.Name, value);
        }

        captures = values;
        return true;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyCaptures = new Dictionary<string, string>();
}

/// <summary>
/// The captures of an exact-match rule: only "0", the whole command text. A pipeline keeps its captures while its
/// behaviour runs, so this costs a few bytes where a dictionary costs about 300.
/// </summary>
internal sealed class WholeMatch(string text) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => ["0"];

    public IEnumerable<string> Values => [text];

    public int Count => 1;

    public bool ContainsKey(string key) => key == "0";

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
    {
        value = key == "0" ? text : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        yield return new KeyValuePair<string, string>("0", text);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A pipeline whose commands merge streams into the output (PowerShell's Command.MergeMyResults, pypsrp's merge_error:
/// MergeMyResult/MergeToResult, or MergeError ... MergeInformation set to Output): the records of those streams are
/// written as output objects, as <c>2&gt;&amp;1</c> writes them (an ErrorRecord, a WarningRecord, VerboseRecord, DebugRecord
/// or InformationRecord, each as the serializer writes it; they were the messages' strings). The
/// merge applies to what the whole pipeline writes, not to one command of it.
/// </summary>
internal sealed class MergedStreamsScript(IBehaviourScript inner, IReadOnlySet<PipelineResultTypes> merged) : BehaviourScript
{
    public override string Description => (inner as BehaviourScript)?.Description + " (streams merged into the output)";

    /// <summary>The streams the pipeline's commands merge into the output; null when none does.</summary>
    public static IReadOnlySet<PipelineResultTypes>? Of(CreatePipeline pipeline)
    {
        HashSet<PipelineResultTypes>? merged = null;
        foreach (var command in pipeline.ExtraStatements.Count > 0 ? pipeline.ExtraStatements.SelectMany(s => s) : pipeline.Commands)
        {
            if (command.MergeToResult == PipelineResultTypes.Output && command.MergeMyResult is PipelineResultTypes.Error or PipelineResultTypes.All)
            {
                (merged ??= []).Add(PipelineResultTypes.Error);
                if (command.MergeMyResult == PipelineResultTypes.All) merged.UnionWith([PipelineResultTypes.Warning, PipelineResultTypes.Verbose, PipelineResultTypes.Debug, PipelineResultTypes.Information]);
            }

            foreach (var (stream, target) in new[]
            {
                (PipelineResultTypes.Error, command.MergeError), (PipelineResultTypes.Warning, command.MergeWarning), (PipelineResultTypes.Verbose, command.MergeVerbose),
                (PipelineResultTypes.Debug, command.MergeDebug), (PipelineResultTypes.Information, command.MergeInformation),
            })
            {
                if (target == PipelineResultTypes.Output) (merged ??= []).Add(stream);
            }
        }

        return merged;
    }

    protected override Task<PipelineOutcome> RunCoreAsync(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, CancellationToken cancellationToken) =>
        inner is BehaviourScript own
            ? own.RunUnguardedAsync(new MergingHost(host, merged), time, cancellationToken)
            : inner.RunAsync(new MergingHost(host, merged), time, cancellationToken);

    private sealed class MergingHost(IPipelineHost inner, IReadOnlySet<PipelineResultTypes> merged) : ForwardingHost(inner)
    {
        public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            PsValue? value = record switch
            {
                ErrorRecordMessage e when merged.Contains(PipelineResultTypes.Error) => e.Record,
                WarningRecordMessage when merged.Contains(PipelineResultTypes.Warning) => InformationalRecords.Of(record),
                VerboseRecordMessage when merged.Contains(PipelineResultTypes.Verbose) => InformationalRecords.Of(record),
                DebugRecordMessage when merged.Contains(PipelineResultTypes.Debug) => InformationalRecords.Of(record),
                InformationRecordMessage when merged.Contains(PipelineResultTypes.Information) => InformationalRecords.Of(record),
                _ => null,
            };
            return Inner.WriteAsync(value is null ? record : new PipelineOutput(value), cancellationToken);
        }
    }
}
