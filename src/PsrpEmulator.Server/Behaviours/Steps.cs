using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>Everything a running step needs.</summary>
internal sealed class RunContext(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, RunScope scope, CancellationToken cancellationToken)
{
    public IPipelineHost Host => host;
    public TimeProvider Time => time;
    public RunScope Scope => scope;
    public CancellationToken CancellationToken => cancellationToken;

    public ValueTask WriteAsync(IPsrpMessageBody record) => host.WriteAsync(record, cancellationToken);

    public ValueTask WriteErrorAsync(ScriptedError error) => WriteAsync(new ErrorRecordMessage(errorRecords(error)));

    public PsObject ErrorRecord(ScriptedError error) => errorRecords(error);
}

internal abstract class Step
{
    public abstract ValueTask RunAsync(RunContext context);
}

internal sealed class OutputStep(ValueTemplate value) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        foreach (var item in value.BuildForPipeline(context.Scope))
        {
            await context.WriteAsync(new PipelineOutput(item));
        }
    }
}

/// <summary>An <c>error:</c> step (non-terminating, like Write-Error) or a Failed state's reason.</summary>
internal sealed class ErrorTemplate(TextTemplate message, TextTemplate fullyQualifiedErrorId, ErrorCategory category, TextTemplate exceptionType, TextTemplate? targetName)
{
    public ScriptedError Build(RunScope scope) => new(
        message.Evaluate(scope), fullyQualifiedErrorId.Evaluate(scope), category, exceptionType.Evaluate(scope),
        targetName?.Evaluate(scope) is { Length: > 0 } t ? t : null);
}

internal sealed class ErrorStep(ErrorTemplate error) : Step
{
    public override ValueTask RunAsync(RunContext context) => context.WriteErrorAsync(error.Build(context.Scope));
}

internal enum TextStream
{
    Warning,
    Verbose,
    Debug,
}

internal sealed class TextRecordStep(TextStream stream, TextTemplate text) : Step
{
    public override ValueTask RunAsync(RunContext context)
    {
        var message = text.Evaluate(context.Scope);
        return context.WriteAsync(stream switch
        {
            TextStream.Warning => new WarningRecordMessage(message),
            TextStream.Verbose => new VerboseRecordMessage(message),
            _ => new DebugRecordMessage(message),
        });
    }
}

internal sealed class InformationStep(ValueTemplate data) : Step
{
    /// <summary>The Source PowerShell reports for Write-Information.</summary>
    public const string Source = "Write-Information";

    public override ValueTask RunAsync(RunContext context) => context.WriteAsync(new InformationRecordMessage(
        data.Build(context.Scope), Source, context.Time.GetUtcNow(), [], Environment.UserName, Environment.MachineName, (uint)Environment.ProcessId));
}

internal sealed class ProgressStep(
    TextTemplate activity, TextTemplate status, TextTemplate? operation, TextTemplate id, TextTemplate parent,
    TextTemplate percent, TextTemplate seconds, TextTemplate completed) : Step
{
    public override ValueTask RunAsync(RunContext context)
    {
        var s = context.Scope;
        var isCompleted = ValueTemplate.ParseBoolean(completed.Evaluate(s))
            ?? throw new ScenarioRuntimeException($"{completed.Location}: completed must be true or false");
        return context.WriteAsync(new ProgressRecordMessage(
            activity.Evaluate(s),
            (int)id.EvaluateInteger(s, "id"),
            status.Evaluate(s),
            operation?.Evaluate(s),
            (int)parent.EvaluateInteger(s, "parent"),
            (int)Math.Clamp(percent.EvaluateInteger(s, "percent"), -1, 100),
            isCompleted ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            (int)seconds.EvaluateInteger(s, "seconds")));
    }
}

/// <summary>Waits through the injected clock. An empty value (an optional capture that did not take part) waits not at all.</summary>
internal sealed class SleepStep(TextTemplate seconds) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        var text = seconds.Evaluate(context.Scope);
        if (string.IsNullOrWhiteSpace(text)) return;
        var value = TextTemplate.ParseDouble(text, "sleep", seconds.Location);
        if (value < 0) throw new ScenarioRuntimeException($"{seconds.Location}: sleep '{text}' is negative");
        if (value == 0) return;
        await Task.Delay(TimeSpan.FromSeconds(value), context.Time, context.CancellationToken);
    }
}

/// <summary>An inclusive range like PowerShell's <c>from..to</c> (counting down when from &gt; to).</summary>
internal sealed class LoopStep(TextTemplate from, TextTemplate to, string variable, IReadOnlyList<Step> steps) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        var first = from.EvaluateInteger(context.Scope, "loop from");
        var last = to.EvaluateInteger(context.Scope, "loop to");
        var step = first <= last ? 1 : -1;
        context.Scope.Push(variable, string.Empty);
        try
        {
            for (var i = first; ; i += step)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                context.Scope.Set(variable, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var s in steps) await s.RunAsync(context);
                if (i == last) break;
            }
        }
        finally
        {
            context.Scope.Pop();
        }
    }
}

/// <summary><c>input: echo</c>: every pipeline input object, written back as output.</summary>
internal sealed class EchoInputStep : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        while (await context.Host.ReadInputAsync(context.CancellationToken) is { } input)
        {
            await context.WriteAsync(new PipelineOutput(input));
        }
    }
}

/// <summary>How a rule ends: <c>state:</c> as its last step (default Completed).</summary>
internal sealed record FinalState(PSInvocationState State, ErrorTemplate? Reason)
{
    public static readonly FinalState Completed = new(PSInvocationState.Completed, null);
}
