using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-History (h, history, ghy) and Clear-History (clhy) over the session's history: the pipelines the client asked to
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
            else await WriteErrorAsync(new ScriptedError($"Cannot locate history for Id {id}.", "GetHistoryNoHistoryForId,Microsoft.PowerShell.Commands.GetHistoryCommand",
                ErrorCategory.ObjectNotFound, "System.ArgumentException", id.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Activity = "Get-History" }, to ?? host);
        }

        return found;
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
