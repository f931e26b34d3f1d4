using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Which jobs of the runspace a job step means: those in a variable (<c>$j</c>: job objects written by Start-Job or
/// Get-Job), by Id (comma-separated) or by Name (comma-separated, wildcards allowed); none given: every job.
/// A job that is not found gets PowerShell's error record, written to the pipeline.
/// </summary>
internal sealed class JobSelector(TextTemplate? variable, TextTemplate? id, TextTemplate? name)
{
    public static readonly string[] Keys = ["variable", "id", "name"];

    public bool IsEmpty => variable is null && id is null && name is null;

    /// <summary>A value given but empty at run time (an optional capture that did not take part) counts as not given.</summary>
    public async ValueTask<List<BackgroundJob>?> SelectAsync(RunContext context, string cmdlet)
    {
        var s = context.Scope;
        var jobs = context.Scope.Variables.Runspace.Jobs;
        var fqidSuffix = ",Microsoft.PowerShell.Commands." + cmdlet.Replace("-", string.Empty, StringComparison.Ordinal) + "Command";
        if (variable?.Evaluate(s) is { Length: > 0 } variableName)
        {
            var value = context.Scope.Variables.Get(VariableValueTemplate.VariableName(variableName));
            var items = value is PsObject { CollectionKind: PsCollectionKind.List } list ? list.Items : value is null or PsNil ? [] : [value];
            if (items.Count == 0)
            {
                await context.WriteErrorAsync(new ScriptedError("Cannot bind argument to parameter 'Job' because it is null.",
                    "ParameterArgumentValidationErrorNullNotAllowed" + fqidSuffix, ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException"));
                return null;
            }

            var found = new List<BackgroundJob>();
            foreach (var item in items)
            {
                var instanceId = (item as PsObject)?["InstanceId"].AsGuid();
                var jobId = (item as PsObject)?["Id"].AsInt32();
                var job = jobs.FirstOrDefault(j => instanceId is { } g ? j.InstanceId == g : j.Id == jobId);
                if (job is not null) found.Add(job);
                else if (jobId is { } missing) await NotFoundByIdAsync(context, missing, fqidSuffix);
            }

            return found;
        }

        if (id?.Evaluate(s) is { Length: > 0 } ids)
        {
            var found = new List<BackgroundJob>();
            foreach (var part in ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) throw new ScenarioRuntimeException($"{id.Location}: job id '{part}' is not a number");
                if (jobs.FirstOrDefault(j => j.Id == n) is { } job) found.Add(job);
                else await NotFoundByIdAsync(context, n, fqidSuffix);
            }

            return found;
        }

        if (name?.Evaluate(s) is { Length: > 0 } names)
        {
            var found = new List<BackgroundJob>();
            foreach (var part in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pattern = part.Trim('\'', '"');
                if (part.Contains('$', StringComparison.Ordinal) && await JobNames.ExpandedAsync(context, part) is { } expanded) pattern = expanded;

                var matches = jobs.Where(j => Wildcard(pattern, j.Name)).ToList();
                if (matches.Count > 0) found.AddRange(matches);
                else if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
                {
                    await context.WriteErrorAsync(new ScriptedError(
                        $"The command cannot find the job because the job name {pattern} was not found. Verify the value of the Name parameter, and then try the command again.",
                        "JobWithSpecifiedNameNotFound" + fqidSuffix, ErrorCategory.ObjectNotFound, "System.Management.Automation.PSArgumentException", pattern));
                }
            }

            return found;
        }

        return [.. jobs];
    }

    private static ValueTask NotFoundByIdAsync(RunContext context, int id, string fqidSuffix) => context.WriteErrorAsync(new ScriptedError(
        $"The command cannot find a job with the job ID {id}. Verify the value of the Id parameter and then try the command again.",
        "JobWithSpecifiedSessionNotFound" + fqidSuffix, ErrorCategory.ObjectNotFound, "System.Management.Automation.PSArgumentException",
        id.ToString(CultureInfo.InvariantCulture)));

    private static bool Wildcard(string pattern, string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text,
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>A switch given as text: a capture like "-Keep" or "true" is on; empty, "false", "$false" or "0" is off.</summary>
    public static bool Flag(TextTemplate? flag, RunScope scope) =>
        flag?.Evaluate(scope).Trim() is { Length: > 0 } text && !text.EndsWith(":$false", StringComparison.OrdinalIgnoreCase) &&
        ValueTemplate.ParseBoolean(text) != false && text != "0";
}

/// <summary>
/// <c>start-job: {command, name}</c>: a background job in this runspace runs <c>command</c> through the behaviours
/// on the server's clock; the step writes the new job (State Running), as Start-Job does.
/// </summary>
internal sealed partial class StartJobStep(TextTemplate command, TextTemplate? name, TextTemplate? arguments = null) : Step
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\$(?:\{using:(?<name>\w+)\}|using:(?<name>\w+))", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UsingReference();

    // Holds -ArgumentList's values in the job's variables; the job calls its block with them splatted.
    private const string JobArgumentsVariable = "PsrpEmulatorJobArguments";

    public override async ValueTask RunAsync(RunContext context)
    {
        var runspace = context.Scope.Variables.Runspace;
        var block = command.Evaluate(context.Scope);
        var text = block;
        // -ArgumentList: evaluated here, in the caller's variables, as Start-Job binds them (command mode: a bare word is
        // a string); the job runs "& {command} @arguments", so they bind to the block's param block or $args. The job
        // is still the block's (its Command, the script its records are placed in).
        PsValue? argumentValues = null;
        if (arguments?.Evaluate(context.Scope) is { Length: > 0 } argumentText)
        {
            argumentValues = await context.ArgumentValueAsync(argumentText, context.Host);
            text = $"& {{{block}}} @{JobArgumentsVariable}";
        }

        var time = runspace.Time ?? context.Time;
        // The job's process inherits the session process's environment as it is now, what the session set included.
        var inherited = runspace.EnvironmentSetBySession();
        var host = context.Host;
        Func<string, string?> environment = inherited.Count == 0 ? host.EnvironmentVariable
            : variable => inherited.TryGetValue(variable, out var value) ? value : host.EnvironmentVariable(variable);
        // A job's process is local to the computer: no $PSSenderInfo (nobody connected to it).
        Func<string, PsValue?> automatic = variable => variable.Equals("PSSenderInfo", StringComparison.OrdinalIgnoreCase) ? null : host.AutomaticVariable(variable);
        var jobName = name?.Evaluate(context.Scope);
        if (jobName is not null && await JobNames.ExpandedAsync(context, jobName) is { } expanded) jobName = expanded;

        var job = runspace.AddJob(block, jobName, time, environment, automatic);
        job.FileSystem = host.FileSystem;
        await context.WriteAsync(new PipelineOutput(job.ToPsObject(JobState.Running)));
        if (context.Depth >= RunContext.MaxDepth) throw new ScenarioRuntimeException($"behaviours nest deeper than {RunContext.MaxDepth} levels starting the job '{text}'");

        // The job has its own, fresh variables (a background job runs in a new process).
        var stop = CancellationTokenSource.CreateLinkedTokenSource(runspace.Closed, job.Stop.Token);
        var jobVariables = new PipelineVariables(new RunspaceState(time), job);
        var jobContext = new RunContext(job, time, jobVariables.Stamping(context.ErrorRecords), new RunScope(new Dictionary<string, string>(), jobVariables),
            stop.Token, context.Catalog, context.Depth + 1) { JobScript = true };
        if (argumentValues is not null) jobContext.Scope.Variables.SetLocal(JobArgumentsVariable, argumentValues);
        // $using:name in the block: the caller's variable's value as Start-Job sends it (a copy, taken now).
        foreach (var used in UsingReference().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            jobContext.Scope.Variables.SetLocal("using:" + used, context.Scope.Variables.Get(used) ?? PsNil.Instance);
        }
        _ = RunJobAsync(job, jobContext, text, time, stop);
    }

    internal static async Task RunJobAsync(BackgroundJob job, RunContext context, string text, TimeProvider time, CancellationTokenSource stop)
    {
        PipelineOutcome outcome;
        try
        {
            await context.RunStatementAsync(text);
            outcome = PipelineOutcome.Completed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = new PipelineOutcome(PSInvocationState.Stopped);
        }
        catch (PipelineTerminatedException e)
        {
            outcome = new PipelineOutcome(e.State, e.State == PSInvocationState.Failed ? context.ErrorRecord(e.Reason) : null);
        }
        catch (Exception e) when (e is ScriptExitException or ScriptReturnException or LoopControlException)
        {
            // exit or return in a job's script block ends the job, completed.
            outcome = PipelineOutcome.Completed;
        }
        catch (ScenarioRuntimeException e)
        {
            outcome = new PipelineOutcome(PSInvocationState.Failed, context.ErrorRecord(ScriptedError.ScenarioFault(e.Message)));
        }
        catch (ScriptParseException e)
        {
            outcome = new PipelineOutcome(PSInvocationState.Failed, context.ErrorRecord(e.Error));
        }
        catch (ScriptExpressionException e)
        {
            outcome = new PipelineOutcome(PSInvocationState.Failed, context.ErrorRecord(e.Error));
        }
        catch (ErrorActionStopException e)
        {
            outcome = new PipelineOutcome(PSInvocationState.Failed, e.Record);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong, the job must end: a Receive-Job -Wait or Wait-Job waits for it.
            outcome = new PipelineOutcome(PSInvocationState.Failed, context.ErrorRecord(ScriptedError.ScenarioFault("The emulator's behaviour for this job failed: " + e.Message)));
        }
        catch (OperationCanceledException)
        {
            outcome = new PipelineOutcome(PSInvocationState.Stopped);
        }
        finally
        {
            stop.Dispose();
        }

        job.Finish(outcome, time.GetUtcNow());
    }
}

/// <summary>
/// <c>receive-job: {variable | id | name, keep, wait, autoremove}</c>: what the jobs wrote and nobody received yet
/// (with <c>keep</c>: everything, kept), in the order written; <c>wait</c> waits for each job to finish, writing
/// results as they come; <c>autoremove</c> (with wait) removes the jobs afterwards.
/// </summary>
internal sealed class ReceiveJobStep(JobSelector selector, TextTemplate? keep, TextTemplate? wait, TextTemplate? autoRemove) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        if (await selector.SelectAsync(context, "Receive-Job") is not { } jobs) return;
        var keepResults = JobSelector.Flag(keep, context.Scope);
        var waitForEnd = JobSelector.Flag(wait, context.Scope);
        foreach (var job in jobs)
        {
            var cursor = 0;
            while (true)
            {
                var finished = job.IsFinished;
                var results = job.Take(keepResults, ref cursor, out var version);
                foreach (var record in results) await context.WriteAsync(record);
                if (!waitForEnd || finished) break;
                context.Host.Publish();
                await job.WaitForChangeAsync(version, context.CancellationToken);
            }

            if (waitForEnd && JobSelector.Flag(autoRemove, context.Scope)) context.Scope.Variables.Runspace.RemoveJob(job);
        }
    }
}

/// <summary><c>get-job: {variable | id | name}</c> (or <c>get-job: all</c>): the jobs as they are now, by Id.</summary>
internal sealed class GetJobStep(JobSelector selector) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        if (await selector.SelectAsync(context, "Get-Job") is not { } jobs) return;
        foreach (var job in jobs.OrderBy(j => j.Id)) await context.WriteAsync(new PipelineOutput(job.ToPsObject()));
    }
}

/// <summary><c>wait-job: {variable | id | name}</c>: waits until each job has finished, then writes them.</summary>
internal sealed class WaitJobStep(JobSelector selector, TextTemplate? timeout = null) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        if (await selector.SelectAsync(context, "Wait-Job") is not { } jobs) return;
        // -Timeout n: waits that many seconds at most (the session's clock); when they pass first, Wait-Job writes
        // nothing and no error, as its documentation says. -1 or none: until the jobs end.
        var seconds = timeout?.Evaluate(context.Scope).Trim() is { Length: > 0 } given && int.TryParse(given, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : (int?)null;
        using var timer = seconds is { } limit ? new CancellationTokenSource(TimeSpan.FromSeconds(limit), context.Time) : null;
        using var deadline = timer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timer.Token);
        var waitToken = deadline?.Token ?? context.CancellationToken;
        try
        {
            foreach (var job in jobs)
            {
                while (!job.IsFinished)
                {
                    var version = job.Version;
                    if (job.IsFinished) break;
                    context.Host.Publish();
                    await job.WaitForChangeAsync(version, waitToken);
                }
            }
        }
        catch (OperationCanceledException) when (deadline is not null && !context.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        foreach (var job in jobs) await context.WriteAsync(new PipelineOutput(job.ToPsObject()));
    }
}

/// <summary><c>stop-job: {...}</c> stops the jobs (Stopped); <c>remove-job: {..., force}</c> forgets finished jobs (running ones only with force).</summary>
internal sealed class StopOrRemoveJobStep(JobSelector selector, bool remove, TextTemplate? force) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        if (await selector.SelectAsync(context, remove ? "Remove-Job" : "Stop-Job") is not { } jobs) return;
        var runspace = context.Scope.Variables.Runspace;
        foreach (var job in jobs)
        {
            if (remove && !job.IsFinished && !JobSelector.Flag(force, context.Scope))
            {
                await context.WriteErrorAsync(new ScriptedError(
                    $"The command cannot remove the job with the job ID {job.Id} because the job is not finished. To remove the job, first stop the job, or use the Force parameter.",
                    "JobObjectNotFinishedCannotBeRemoved,Microsoft.PowerShell.Commands.RemoveJobCommand", ErrorCategory.InvalidOperation,
                    "System.ArgumentException", job.Name));
                continue;
            }

            if (!job.IsFinished)
            {
                await job.Stop.CancelAsync();
                while (!job.IsFinished) await job.WaitForChangeAsync(job.Version, context.CancellationToken);
            }

            if (remove) runspace.RemoveJob(job);
        }
    }
}

/// <summary>A job's -Name as the rules capture it: in double quotes ("deploy-$server"), the string it expands to in the caller's variables.</summary>
internal static class JobNames
{
    /// <summary>The expanded name of a double-quoted one; null for another.</summary>
    public static async ValueTask<string?> ExpandedAsync(RunContext context, string name)
    {
        if (name is not ['"', .., '"'] || name.Length < 2) return null;
        var capture = new CapturingHost(context.Host);
        await context.RunStatementAsync(name, capture);
        return PipelineVariables.Display(capture.Value);
    }
}
