using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-History (h, history, ghy), Invoke-History (r, ihy) and Clear-History (clhy) over the session's history: the pipelines the client asked to
/// add to it (CREATE_PIPELINE's AddToHistory: PowerShell's Invoke-Command does, pypsrp's invoke(add_to_history=True)),
/// each added when it ends.
/// </summary>
internal sealed partial class RunContext
{
    private static readonly string[] HistoryInfoTypeNames = ["Microsoft.PowerShell.Commands.HistoryInfo", "System.Object"];

    /// <summary>An entry as Get-History writes it: a HistoryInfo whose text is its command line.</summary>
    internal static PsObject HistoryInfo(HistoryEntry entry)
    {
        var info = new PsObject(HistoryInfoTypeNames) { ToStringValue = entry.CommandLine };
        info.AdaptedProperties.AddRange(
        [
            new("Id", PsPrimitive.Int64(entry.Id)),
            new("CommandLine", PsPrimitive.String(entry.CommandLine)),
            new("ExecutionStatus", PsObjects.Enum(["System.Management.Automation.Runspaces.PipelineState", "System.Enum", "System.ValueType", "System.Object"], entry.Status.ToString(), (int)entry.Status)),
            new("StartExecutionTime", PsPrimitive.DateTime(entry.Start)),
            new("EndExecutionTime", PsPrimitive.DateTime(entry.End)),
        ]);
        return info;
    }

    /// <summary>
    /// Get-History: every entry, oldest first; -Count the newest so many; -Id those entries (an id the history has not
    /// is GetHistoryCommand's error, and the others are still written).
    /// </summary>
    private async ValueTask<IReadOnlyList<HistoryEntry>> GetHistoryAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var history = scope.Variables.Runspace.History();
        var count = arguments["Count"] is { } countWord ? HistoryNumber(await ArgumentAsync(countWord, to, blockNesting), "Count", "Get-History") : (long?)null;
        if (arguments["Id"] is not { } idWord) return count is { } newest ? history.TakeLast((int)Math.Clamp(newest, 0, int.MaxValue)).ToList() : history;

        var found = new List<HistoryEntry>();
        foreach (var idValue in ScriptExpressions.Enumerate(await ArgumentAsync(idWord, to, blockNesting)))
        {
            var id = HistoryNumber(idValue, "Id", "Get-History");
            if (id <= 0)
            {
                throw new StatementTerminatedException(ParameterError("Get-History",
                    $"Cannot validate argument on parameter 'Id'. The {id} argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            if (history.Find(e => e.Id == id) is { } entry) found.Add(entry);
            else await WriteErrorAsync(new ScriptedError($"Cannot locate the history for Id {id}.", "GetHistoryNoHistoryForId,Microsoft.PowerShell.Commands.GetHistoryCommand",
                ErrorCategory.ObjectNotFound, "System.ArgumentException", id.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Activity = "Get-History" }, to ?? host);
        }

        return found;
    }

    /// <summary>
    /// Invoke-History as 5.1's InvokeHistoryCommand: the entry -Id names (a number, its id; other text, the newest entry
    /// whose command line starts with it, case-sensitively), the newest without one. Its command line goes to the host
    /// (WriteLine), becomes this pipeline's own history line, and runs in the session (its output, errors and other
    /// records written as the cmdlet's). An entry found, or running already (an entry that invokes itself), is the
    /// statement's terminating error.
    /// </summary>
    private async ValueTask InvokeHistoryAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Invoke-History";
        const string Cmdlet = "Microsoft.PowerShell.Commands.InvokeHistoryCommand";
        static StatementTerminatedException Failure(string message, string id, ErrorCategory category, string exception, string? target = null) =>
            new(new ScriptedError(message, id + "," + Cmdlet, category, exception, target) { Activity = Command });

        var history = scope.Variables.Runspace.History();
        HistoryEntry? entry;
        if (arguments["Id"] is not { } idWord)
        {
            entry = history.Count > 0 ? history[^1] : throw Failure("Cannot locate most recent history.", "InvokeHistoryNoLastHistoryEntryFound", ErrorCategory.InvalidOperation, "System.InvalidOperationException");
        }
        else
        {
            // -Id is a string: a number (LanguagePrimitives' conversion to Int64) is an id, anything else a command line's start.
            var given = PipelineVariables.Display(await ArgumentAsync(idWord, to, blockNesting));
            if (ScriptExpressions.AsNumberOrNull(PsPrimitive.String(given)) is { } number && number == Math.Floor(number) && number is >= long.MinValue and <= long.MaxValue)
            {
                var id = (long)number;
                var shown = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (id <= 0)
                {
                    throw Failure($"The identifier {shown} is not a valid value for a History identifier. Specify a positive number, and then try again.\r\nParameter name: Id",
                        "InvokeHistoryInvalidIdGetHistory", ErrorCategory.InvalidArgument, "System.ArgumentOutOfRangeException", shown);
                }

                entry = history.Find(e => e.Id == id) ?? throw Failure($"Cannot locate the history for Id {shown}.", "InvokeHistoryNoHistoryForId", ErrorCategory.ObjectNotFound, "System.ArgumentException", shown);
            }
            else
            {
                entry = history.FindLast(e => e.CommandLine.StartsWith(given, StringComparison.Ordinal))
                    ?? throw Failure($"Cannot locate the history for command line {given}.", "InvokeHistoryNoHistoryForCommandline", ErrorCategory.ObjectNotFound, "System.ArgumentException", given);
            }
        }

        var running = Seldom.InvokedHistory ??= [];
        if (!running.Add(entry.Id))
        {
            throw Failure("The Invoke-History cmdlet is called repeatedly, in a loop.", "InvokeHistoryLoopDetected", ErrorCategory.InvalidOperation, "System.InvalidOperationException");
        }

        try
        {
            host.ReplaceHistoryLine(entry.CommandLine);
            await Host.SendHostCallAsync(RemoteHostMethodId.WriteLine2, [PsPrimitive.String(entry.CommandLine)], cancellationToken);
            await RunStatementAsync(entry.CommandLine, output, blockNesting + 1);
        }
        finally
        {
            running.Remove(entry.Id);
        }
    }

    /// <summary>Clear-History: every entry; -Id those; -Count the oldest so many (-Newest: the newest).</summary>
    private async ValueTask ClearHistoryAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var count = arguments["Count"] is { } countWord ? HistoryNumber(await ArgumentAsync(countWord, to, blockNesting), "Count", "Clear-History") : (long?)null;
        var newest = arguments["Newest"] is { } newestWord && ScriptExpressions.IsTrue(await ArgumentAsync(newestWord, to, blockNesting));
        HashSet<long>? ids = null;
        if (arguments["Id"] is { } idWord)
        {
            ids = [.. ScriptExpressions.Enumerate(await ArgumentAsync(idWord, to, blockNesting)).Select(v => HistoryNumber(v, "Id", "Clear-History"))];
        }

        scope.Variables.Runspace.ClearHistory(history =>
        {
            IEnumerable<HistoryEntry> picked = ids is null ? history : history.Where(e => ids.Contains(e.Id));
            if (count is { } n) picked = newest ? picked.TakeLast((int)Math.Clamp(n, 0, int.MaxValue)) : picked.Take((int)Math.Clamp(n, 0, int.MaxValue));
            return picked.ToList();
        });
    }

    private static long HistoryNumber(PsValue value, string parameter, string command) =>
        ScriptExpressions.AsNumberOrNull(value) is { } number && number == Math.Floor(number) && number is >= long.MinValue and <= long.MaxValue
            ? (long)number
            : throw new StatementTerminatedException(ParameterError(command,
                $"Cannot bind parameter '{parameter}'. Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.Int64\". Error: \"Input string was not in a correct format.\"",
                "CannotConvertArgumentNoMessage"));
}
