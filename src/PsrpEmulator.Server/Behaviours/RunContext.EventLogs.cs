using System.Globalization;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The classic event log cmdlets of Windows PowerShell 5.1 (Microsoft.PowerShell.Management's EventLog.cs) and
/// Get-WinEvent (Microsoft.PowerShell.Diagnostics) over the computer's logs (<see cref="EventLogs"/>): Get-EventLog
/// (its filters, -Newest, -List, -AsString, -AsBaseObject), Write-EventLog, New-EventLog, Remove-EventLog, Clear-EventLog,
/// Limit-EventLog, and Get-WinEvent (-LogName, -ProviderName, -MaxEvents, -Oldest, -FilterHashtable, -ListLog) with
/// their errors' texts and ids from the cmdlets' source. The local computer only (-ComputerName '.', localhost or its
/// name); -Credential, -Path, -FilterXml, -FilterXPath, -ListProvider and hashtable keys Keywords, UserID and Path are
/// not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] EventLogCommands = ["Get-EventLog", "Write-EventLog", "New-EventLog", "Remove-EventLog", "Clear-EventLog", "Limit-EventLog", "Get-WinEvent"];

    private static readonly HashSet<string> EventLogCommandNames = new(EventLogCommands, StringComparer.Ordinal);

    private static readonly string[] EntryTypeNames = ["Error", "Information", "FailureAudit", "SuccessAudit", "Warning"];

    private const string EventLogEntryTypeName = "System.Diagnostics.EventLogEntry";

    private static readonly string[] EventLogEntryBaseTypeNames = [EventLogEntryTypeName, "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"];

    private const string EventLogRecordTypeName = "System.Diagnostics.Eventing.Reader.EventLogRecord";

    // The keywords of a classic log's event as Get-WinEvent reads them (EventKeywords.EventLogClassic), and of its audits.
    private const long ClassicKeywords = 0x80000000000000;

    /// <summary>The user a session's entries name (<c>DOMAIN\user</c>): its process's USERDOMAIN and USERNAME.</summary>
    private string EventLogUser() => $"{Host.EnvironmentVariable("USERDOMAIN") ?? ComputerName.ToUpperInvariant()}\\{Host.EnvironmentVariable("USERNAME") ?? "Administrator"}";

    private async ValueTask RunEventLogCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated(command, arguments, "Credential", "Path", "FilterXml", "ListProvider", "CategoryResourceFile", "MessageResourceFile", "ParameterResourceFile");
        var logs = Host.EventLogs ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        foreach (var computer in await OptionalTextsAsync(arguments, "ComputerName", to, blockNesting) ?? [])
        {
            if (!IsThisComputer(computer))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -ComputerName {computer} is not emulated: another computer's logs are read from its own session"));
            }
        }

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(value), cancellationToken);

        ValueTask Error(string message, string id, ErrorCategory category, string exception, string? target = null) =>
            WriteErrorAsync(new ScriptedError(message, id.Length == 0 ? CmdletClass(command) : $"{id},{CmdletClass(command)}", category, exception, target) { Activity = command }, output);

        // EventLog.cs's InvalidOperationExceptions (no error id: the id is the cmdlet's class) and GetEventCommand's.
        ValueTask SourceDoesNotExist(string source) =>
            Error($"The source name \"{source}\" does not exist on computer \"localhost\".", string.Empty, ErrorCategory.InvalidOperation, "System.InvalidOperationException");

        ValueTask LogDoesNotExist(string log) =>
            Error($"The Log name \"{log}\" does not exist in the computer \"localhost\".", string.Empty, ErrorCategory.InvalidOperation, "System.InvalidOperationException");

        ValueTask NoMatchingLogs(string pattern) =>
            Error($"There is not an event log on the localhost computer that matches \"{pattern}\".", "NoMatchingLogsFound", ErrorCategory.ObjectNotFound, "System.Exception");

        async ValueTask<List<string>> Texts(string parameter) => await OptionalTextsAsync(arguments, parameter, to, blockNesting) ?? [];

        async ValueTask<string> Required(string parameter) => (await Texts(parameter)).FirstOrDefault()
            ?? throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {parameter}.", "MissingMandatoryParameter"));

        ValueTask<long?> Number(string parameter, long minimum, long maximum) => RangedArgumentAsync(command, arguments, parameter, minimum, maximum, to, blockNesting);

        void ValidateSet(string parameter, IEnumerable<string> values, string[] set)
        {
            foreach (var value in values)
            {
                if (!set.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    throw new StatementTerminatedException(ParameterError(command, $"Cannot validate argument on parameter '{parameter}'. The argument \"{value}\" does not belong to the set \"{string.Join(",", set)}\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                        "ParameterArgumentValidationError"));
                }
            }
        }

        switch (command)
        {
            case "Get-EventLog":
                await GetEventLogAsync();
                return;
            case "Write-EventLog":
                {
                    var missing = new[] { "LogName", "Source", "EventId", "Message" }.Where(p => arguments[p] is null).ToList();
                    if (missing.Count > 0)
                    {
                        throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {string.Join(" ", missing)}.", "MissingMandatoryParameter"));
                    }

                    var logName = await Required("LogName");
                    var source = await Required("Source");
                    var id = (int)(await Number("EventId", 0, ushort.MaxValue))!.Value;
                    var message = await Required("Message");
                    if (message.Length > 32766)
                    {
                        throw new StatementTerminatedException(ParameterError(command, $"Cannot validate argument on parameter 'Message'. The character length of the {message.Length} argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"32766\" characters, and then try the command again.",
                            "ParameterArgumentValidationError"));
                    }

                    var types = await Texts("EntryType");
                    ValidateSet("EntryType", types, EntryTypeNames);
                    var type = types.Count > 0 ? Enum.Parse<EventLogs.EntryType>(types[0], ignoreCase: true) : EventLogs.EntryType.Information;
                    var category = (short)(await Number("Category", short.MinValue, short.MaxValue) ?? 1);
                    var data = arguments["RawData"] is { } rawWord ? BytesOf(await ArgumentAsync(rawWord, to, blockNesting)) : [];
                    if (logs.LogOfSource(source) is not { } registered)
                    {
                        await SourceDoesNotExist(source);
                        return;
                    }

                    if (logs.Find(logName) is null)
                    {
                        await LogDoesNotExist(logName);
                        return;
                    }

                    if (!registered.Equals(logName, StringComparison.OrdinalIgnoreCase))
                    {
                        // .NET's EventLog.WriteEntry refuses a source of another log: an ArgumentException whose text is also the
                        // error's id, as WriteEventLogCommand writes it (the .NET Framework text UNVERIFIED).
                        var text = $"The source '{source}' is not registered in log '{logName}' (it is registered in log '{registered}'). The Source and Log properties must be matched, or you may set Log to the empty string, and it will automatically be matched to the Source property.";
                        await Error(text, text, ErrorCategory.InvalidOperation, "System.Exception");
                        return;
                    }

                    logs.Write(source, id, type, category, message, data, null);
                    return;
                }

            case "New-EventLog":
                {
                    var logName = await Required("LogName");
                    var sources = await Texts("Source");
                    if (sources.Count == 0) await Required("Source");
                    foreach (var source in sources)
                    {
                        switch (logs.Register(logName, source))
                        {
                            case EventLogs.RegisterResult.SourceExists:
                                await Error($"The \"{source}\" source is already registered on the \"localhost\" computer.", string.Empty, ErrorCategory.InvalidOperation, "System.InvalidOperationException");
                                break;
                            case EventLogs.RegisterResult.Full:
                                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-EventLog: the computer has {EventLogs.MaxLogs} logs or {EventLogs.MaxSources} sources already (the emulator's limit)"));
                        }
                    }

                    return;
                }

            case "Remove-EventLog":
                {
                    if (arguments["Source"] is not null)
                    {
                        foreach (var source in await Texts("Source"))
                        {
                            if (logs.LogOfSource(source) is null)
                            {
                                await SourceDoesNotExist(source);
                                continue;
                            }

                            if (await WhatIfAsync(arguments, command, $"Do you want to remove the \"{source}\" source from the \"localhost\" computer?")) continue;
                            logs.RemoveSource(source);
                        }

                        return;
                    }

                    foreach (var logName in await Texts("LogName") is { Count: > 0 } names ? names : [await Required("LogName")])
                    {
                        if (logs.Find(logName) is null)
                        {
                            await LogDoesNotExist(logName);
                            continue;
                        }

                        if (await WhatIfAsync(arguments, command, $"Do you want to remove the \"{logName}\" log from the \"localhost\" computer?")) continue;
                        if (logName.Equals("Application", StringComparison.OrdinalIgnoreCase) || logName.Equals("System", StringComparison.OrdinalIgnoreCase) || logName.Equals("Security", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Remove-EventLog of Windows' own {logName} log is not emulated: give the command a rule"));
                        }

                        logs.RemoveLog(logName);
                    }

                    return;
                }

            case "Clear-EventLog":
                foreach (var logName in await Texts("LogName") is { Count: > 0 } names ? names : [await Required("LogName")])
                {
                    if (logs.Find(logName) is null)
                    {
                        await LogDoesNotExist(logName);
                        continue;
                    }

                    if (await WhatIfAsync(arguments, command, $"Do you want to clear the \"{logName}\" log on the computer \"localhost\"?")) continue;
                    logs.Clear(logName, EventLogUser());
                }

                return;

            case "Limit-EventLog":
                {
                    var names = await Texts("LogName") is { Count: > 0 } given ? given : [await Required("LogName")];
                    var size = await Number("MaximumSize", long.MinValue, long.MaxValue);
                    var retention = (int?)await Number("RetentionDays", 1, 365);
                    var overflow = await Texts("OverflowAction");
                    ValidateSet("OverflowAction", overflow, ["OverwriteOlder", "OverwriteAsNeeded", "DoNotOverwrite"]);
                    foreach (var logName in names)
                    {
                        if (logs.Find(logName) is not { } log)
                        {
                            await LogDoesNotExist(logName);
                            continue;
                        }

                        if (await WhatIfAsync(arguments, command, $"Do you want to change the properties of the \"{logName}\" log on the \"localhost\" computer?")) continue;
                        var action = overflow.Count > 0 ? overflow[0] : null;
                        // A retention applies to OverwriteOlder only: the one given, else the log's.
                        if (retention is not null && !(action ?? log.OverflowAction).Equals("OverwriteOlder", StringComparison.OrdinalIgnoreCase))
                        {
                            await Error("Retention days is valid only if the overflow action is \"OverwriteOlder\". Please change  and try again.", string.Empty, ErrorCategory.InvalidOperation, "System.InvalidOperationException");
                            continue;
                        }

                        // OverwriteOlder keeps the log's days, which must be 1 to 365 (.NET's ModifyOverflowPolicy).
                        if (retention is null && action is not null && action.Equals("OverwriteOlder", StringComparison.OrdinalIgnoreCase) && log.MinimumRetentionDays is < 1 or > 365)
                        {
                            await Error("Specify a valid value for the number of retention days.", "InvalidArgument", ErrorCategory.InvalidData, "System.Exception");
                            continue;
                        }

                        // The overflow policy first, then the size (.NET's setter refuses a size that is not 64 KB to 4 GB in 64 KB steps).
                        var canonical = action is null ? null : new[] { "OverwriteOlder", "OverwriteAsNeeded", "DoNotOverwrite" }.First(a => a.Equals(action, StringComparison.OrdinalIgnoreCase));
                        logs.Limit(logName, null, canonical, retention);
                        if (size is { } bytes && (bytes < 64 * 1024 || bytes > 4L * 1024 * 1024 * 1024 - 64 * 1024 || bytes / 1024 % 64 != 0))
                        {
                            await Error("The value supplied for MaximumSize parameter has to be in the range of 64 KB to 4GB with an increment of 64 KB. Please enter a proper value and then retry.",
                                "ValueOutofRange", ErrorCategory.InvalidData, "System.Exception");
                            continue;
                        }

                        if (size is { } kb) logs.Limit(logName, (int)(kb / 1024), null, null);
                    }

                    return;
                }

            default:
                await GetWinEventAsync();
                return;
        }

        async ValueTask GetEventLogAsync()
        {
            if (arguments.Has("List"))
            {
                foreach (var log in logs.Logs()) await Write(arguments.Has("AsString") ? PsPrimitive.String(log.Name) : EventLogObject(log));
                return;
            }

            var logName = await Required("LogName");
            var newest = await Number("Newest", 0, int.MaxValue) ?? int.MaxValue;
            var types = await Texts("EntryType");
            ValidateSet("EntryType", types, EntryTypeNames);
            var instanceIds = new List<long>();
            foreach (var text in await Texts("InstanceId")) instanceIds.Add(long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : throw NumberError("InstanceId", text, "System.Int64[]"));
            var indexes = new List<long>();
            foreach (var text in await Texts("Index")) indexes.Add(long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : throw NumberError("Index", text, "System.Int32[]"));
            var sources = (await Texts("Source")).Select(VirtualFileSystem.Wildcard).ToList();
            var users = (await Texts("UserName")).Select(VirtualFileSystem.Wildcard).ToList();
            var messageText = (await Texts("Message")).FirstOrDefault();
            var message = messageText is null ? null : VirtualFileSystem.Wildcard(messageText);
            var after = arguments["After"] is { } afterWord ? await DateArgumentAsync(afterWord, to, blockNesting, (command, "After")) : null;
            var before = arguments["Before"] is { } beforeWord ? await DateArgumentAsync(beforeWord, to, blockNesting, (command, "Before")) : null;

            var name = logName;
            if (VirtualFileSystem.HasWildcard(logName))
            {
                // A pattern naming one log reads it; naming several (or none) writes the logs themselves.
                var pattern = VirtualFileSystem.Wildcard(logName);
                var matching = logs.Logs().Where(l => pattern.IsMatch(l.Name)).ToList();
                if (matching.Count != 1)
                {
                    foreach (var log in matching) await Write(EventLogObject(log));
                    return;
                }

                name = matching[0].Name;
            }

            if (logs.Find(name) is not { } found)
            {
                throw new StatementTerminatedException(new ScriptedError($"The event log '{logName}' on computer '.' does not exist.", $"System.InvalidOperationException,{CmdletClass(command)}",
                    ErrorCategory.NotSpecified, "System.InvalidOperationException") { Activity = command });
            }

            // Both dates given the wrong way round: either is enough (EventLog.cs's own test).
            var either = after is { } a && before is { } b && a >= b;
            var written = 0;
            foreach (var entry in logs.Entries(found.Name))
            {
                if (written >= newest) break;
                if (indexes.Count > 0 && !indexes.Contains(entry.Index)) continue;
                if (instanceIds.Count > 0 && !instanceIds.Contains(entry.InstanceId)) continue;
                if (types.Count > 0 && !types.Any(t => t.Equals(entry.Type.ToString(), StringComparison.OrdinalIgnoreCase))) continue;
                if (sources.Count > 0 && !sources.Any(s => s.IsMatch(entry.Source))) continue;
                if (message is not null && !message.IsMatch(entry.Message)) continue;
                if (users.Count > 0 && (entry.UserName is not { } user || !users.Any(u => u.IsMatch(user)))) continue;
                var time = entry.TimeGenerated;
                var inRange = either ? time > after || time < before : (after is null || time > after) && (before is null || time < before);
                if (!inRange) continue;
                written++;
                await Write(EventLogEntryObject(entry, arguments.Has("AsBaseObject")));
            }

            // "No matches found", unless the filters could match nothing by design: patterns, a user, dates.
            var quiet = (await Texts("Source")).Any(VirtualFileSystem.HasWildcard) || messageText is not null && VirtualFileSystem.HasWildcard(messageText) ||
                arguments["UserName"] is not null || after is not null || before is not null;
            if (written == 0 && newest > 0 && !quiet)
            {
                await Error("No matches found", "GetEventLogNoEntriesFound", ErrorCategory.ObjectNotFound, "System.ArgumentException");
            }
        }

        async ValueTask GetWinEventAsync()
        {
            var maxEvents = await Number("MaxEvents", 1, long.MaxValue) ?? long.MaxValue;
            var oldest = arguments.Has("Oldest");
            if (arguments["ListLog"] is not null)
            {
                foreach (var pattern in await Texts("ListLog"))
                {
                    // The classic logs and the other channels, by name.
                    var wildcard = VirtualFileSystem.Wildcard(pattern);
                    var matching = logs.Logs().Where(l => wildcard.IsMatch(l.Name)).Select(l => (l.Name, Classic: (EventLogs.LogInfo?)l, MaxKb: 0))
                        .Concat(EventLogs.Channels.Where(c => wildcard.IsMatch(c.Name)).Select(c => (c.Name, Classic: (EventLogs.LogInfo?)null, c.MaxKb)))
                        .OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ToList();
                    if (matching.Count == 0)
                    {
                        await NoMatchingLogs(pattern);
                        continue;
                    }

                    foreach (var (name, classic, maxKb) in matching)
                    {
                        await Write(classic is not null ? EventLogConfigurationObject(classic, logs.Entries(name)) : ChannelConfigurationObject(name, maxKb));
                    }
                }

                return;
            }

            // What the query selects: logs (patterns), providers, and the hashtables' other keys.
            var selections = new List<(List<string> Logs, List<string> Providers, Func<EventLogs.Entry, bool> Filter)>();
            // A hashtable in the first position is the hash query set's (the binder prefers it to a log name's text).
            var positionalTable = arguments["LogName"] is { } first && first.TrimStart().StartsWith("@{", StringComparison.Ordinal) ? first : null;
            if ((arguments["FilterHashtable"] ?? positionalTable) is { } tableWord)
            {
                foreach (var table in ScriptExpressions.Enumerate(await ArgumentAsync(tableWord, to, blockNesting)))
                {
                    if (table is not PsObject { CollectionKind: PsCollectionKind.Dictionary } dictionary)
                    {
                        throw new StatementTerminatedException(ParameterError(command, $"Cannot bind parameter 'FilterHashtable'. Cannot convert the \"{PipelineVariables.Display(table)}\" value of type \"{ScriptExpressions.TypeName(table)}\" to type \"System.Collections.Hashtable\".",
                            "CannotConvertArgumentNoMessage"));
                    }

                    selections.Add(HashtableSelection(dictionary));
                }
            }
            else
            {
                // -FilterXPath narrows the logs' or providers' events (the System element's tests WEvtUtil's queries use).
                var xpath = (await Texts("FilterXPath")).FirstOrDefault() is { } text ? EventXPath.Parse(text, time) : _ => true;
                if (arguments["ProviderName"] is not null) selections.Add(([], await Texts("ProviderName"), xpath));
                else selections.Add((arguments["LogName"] is null ? ["*"] : await Texts("LogName"), [], xpath));
            }

            var found = 0L;
            var read = false;
            foreach (var (logPatterns, providers, filter) in selections)
            {
                var names = new List<string>();
                foreach (var pattern in logPatterns)
                {
                    var wildcard = VirtualFileSystem.Wildcard(pattern);
                    // The channels beside the classic logs hold no events here.
                    var matching = logs.Logs().Where(l => wildcard.IsMatch(l.Name)).Select(l => l.Name)
                        .Concat(EventLogs.Channels.Where(c => wildcard.IsMatch(c.Name)).Select(c => c.Name)).ToList();
                    if (matching.Count == 0)
                    {
                        await NoMatchingLogs(pattern);
                    }

                    names.AddRange(matching.Where(m => !names.Contains(m, StringComparer.OrdinalIgnoreCase)));
                }

                if (providers.Count > 0)
                {
                    // A provider's log: where its source is registered (a pattern: every matching source's).
                    foreach (var provider in providers)
                    {
                        var pattern = VirtualFileSystem.Wildcard(provider);
                        var providerLogs = logs.Logs().Where(l => logs.Entries(l.Name).Any(e => pattern.IsMatch(e.Source)) ||
                            logs.LogOfSource(provider) is { } own && own.Equals(l.Name, StringComparison.OrdinalIgnoreCase)).Select(l => l.Name).ToList();
                        if (providerLogs.Count == 0)
                        {
                            await Error($"There is not an event provider on the localhost computer that matches \"{provider}\".", "NoMatchingProvidersFound", ErrorCategory.ObjectNotFound, "System.Exception");
                        }

                        if (logPatterns.Count == 0) names.AddRange(providerLogs.Where(m => !names.Contains(m, StringComparer.OrdinalIgnoreCase)));
                    }
                }

                var providerPatterns = providers.Select(VirtualFileSystem.Wildcard).ToList();
                read |= names.Count > 0;
                foreach (var name in names)
                {
                    var entries = logs.Entries(name);
                    foreach (var entry in oldest ? entries.Reverse() : entries)
                    {
                        if (found >= maxEvents) return;
                        if (providerPatterns.Count > 0 && !providerPatterns.Any(p => p.IsMatch(entry.Source))) continue;
                        if (!filter(entry)) continue;
                        found++;
                        await Write(EventLogRecordObject(entry));
                    }
                }
            }

            // No log to read (each said so already) is no query, so no "no events" either.
            if (found == 0 && read)
            {
                await Error("No events were found that match the specified selection criteria.", "NoMatchingEventsFound", ErrorCategory.ObjectNotFound, "System.Exception");
            }
        }

        (List<string> Logs, List<string> Providers, Func<EventLogs.Entry, bool> Filter) HashtableSelection(PsObject table)
        {
            List<string> logNames = [], providers = [];
            var filters = new List<Func<EventLogs.Entry, bool>>();
            foreach (var (keyValue, value) in table.Entries)
            {
                var key = PipelineVariables.Display(keyValue);
                if (value.IsNil())
                {
                    throw new StatementTerminatedException(new ScriptedError($"A null value was encountered in the {key} hash table key. Null values are not permitted.",
                        $"NullNotAllowedInHashtable,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Exception") { Activity = command });
                }

                var values = ScriptExpressions.Enumerate(value).ToList();
                switch (key.ToLowerInvariant())
                {
                    case "logname":
                        logNames.AddRange(values.Select(PipelineVariables.Display));
                        break;
                    case "providername":
                        providers.AddRange(values.Select(PipelineVariables.Display));
                        break;
                    case "id":
                        {
                            var ids = values.Select(v => long.TryParse(PipelineVariables.Display(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1).ToHashSet();
                            filters.Add(e => ids.Contains(e.EventId & 0xFFFF));
                            break;
                        }

                    case "level":
                        {
                            var levels = values.Select(v => long.TryParse(PipelineVariables.Display(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1).ToHashSet();
                            filters.Add(e => levels.Contains(LevelOf(e.Type)));
                            break;
                        }

                    case "starttime" or "endtime":
                        {
                            var at = value.AsDateTime() ?? (DateTimeOffset.TryParse(PipelineVariables.Display(value), EnglishUnitedStates.Culture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
                                : throw new StatementTerminatedException(new ScriptedError($"The following value is not in a valid DateTime format: {PipelineVariables.Display(value)}.",
                                    $"DateTimeExpected,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Exception") { Activity = command }));
                            filters.Add(key.Equals("StartTime", StringComparison.OrdinalIgnoreCase) ? e => e.TimeGenerated >= at : e => e.TimeGenerated <= at);
                            break;
                        }

                    case "data":
                        {
                            var data = values.Select(PipelineVariables.Display).ToList();
                            filters.Add(e => e.ReplacementStrings.Any(s => data.Contains(s, StringComparer.OrdinalIgnoreCase)));
                            break;
                        }

                    case "keywords" or "userid" or "path" or "suppresshashfilter":
                        throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-WinEvent -FilterHashtable's {key} key is not emulated: give the command a rule"));
                    default:
                        // Another key names event data: classic entries have no named data, so nothing matches.
                        filters.Add(_ => false);
                        break;
                }
            }

            if (logNames.Count == 0 && providers.Count == 0)
            {
                throw new StatementTerminatedException(new ScriptedError("You must specify at least one Log, Provider or Path key-value pair.",
                    $"LogProviderOrPathNeeded,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Exception") { Activity = command });
            }

            return (logNames, providers, e => filters.All(f => f(e)));
        }

        StatementTerminatedException NumberError(string parameter, string text, string type) => new(ParameterError(command,
            $"Cannot bind parameter '{parameter}'. Cannot convert value \"{text}\" to type \"{type[..^2]}\". Error: \"Input string was not in a correct format.\"", "CannotConvertArgumentNoMessage"));
    }

    private static byte[] BytesOf(PsValue value) => value switch
    {
        PsPrimitive { Value: byte[] bytes } => bytes,
        _ => [.. ScriptExpressions.Enumerate(value).Select(v => byte.TryParse(PipelineVariables.Display(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) ? b : (byte)0)],
    };

    // EventLogRecord.Level of a classic entry's type (audits are Information's 0, their keywords saying which).
    private static int LevelOf(EventLogs.EntryType type) => type switch
    {
        EventLogs.EntryType.Error => 2,
        EventLogs.EntryType.Warning => 3,
        EventLogs.EntryType.Information => 4,
        _ => 0,
    };

    /// <summary>
    /// An entry as Get-EventLog writes it: an EventLogEntry whose type names PowerShell prefixes with its log, source and
    /// InstanceId (<c>System.Diagnostics.EventLogEntry#System/Service Control Manager/1073748860</c>; not with
    /// -AsBaseObject), its properties as .NET's class declares them and the EventID script property of 5.1's
    /// types.ps1xml (the id's low 16 bits). Category is "(n)": no source here has a category file.
    /// </summary>
    private PsObject EventLogEntryObject(EventLogs.Entry entry, bool asBaseObject)
    {
        var typeNames = asBaseObject
            ? EventLogEntryBaseTypeNames
            : [$"{EventLogEntryTypeName}#{entry.Log}/{entry.Source}/{entry.InstanceId.ToString(CultureInfo.InvariantCulture)}", $"{EventLogEntryTypeName}#{entry.Log}/{entry.Source}", .. EventLogEntryBaseTypeNames];
        var o = new PsObject(typeNames) { ToStringValue = EventLogEntryTypeName };
        var time = PsPrimitive.DateTime(entry.TimeGenerated);
        o.AdaptedProperties.AddRange(
        [
            new("MachineName", PsPrimitive.String(ComputerName.ToUpperInvariant())),
            new("Data", ScriptExpressions.ByteArray(entry.Data)),
            new("Index", PsPrimitive.Int32(entry.Index)),
            new("Category", PsPrimitive.String($"({entry.Category.ToString(CultureInfo.InvariantCulture)})")),
            new("CategoryNumber", PsPrimitive.Int16(entry.Category)),
            new("EntryType", PsObjects.Enum("System.Diagnostics.EventLogEntryType", entry.Type.ToString(), (int)entry.Type)),
            new("Message", PsPrimitive.String(entry.Message)),
            new("Source", PsPrimitive.String(entry.Source)),
            new("ReplacementStrings", PsObjects.List([.. entry.ReplacementStrings.Select(s => (PsValue)PsPrimitive.String(s))], ["System.String[]", "System.Array", "System.Object"])),
            new("InstanceId", PsPrimitive.Int64(entry.InstanceId)),
            new("TimeGenerated", time),
            new("TimeWritten", time),
            new("UserName", entry.UserName is { } user ? PsPrimitive.String(user) : PsNil.Instance),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
        o.With("EventID", entry.EventId & 0xFFFF);
        return o;
    }

    /// <summary>A log as Get-EventLog -List writes it (System.Diagnostics.EventLog); its Entries a collection with a Count.</summary>
    private static PsObject EventLogObject(EventLogs.LogInfo log)
    {
        var entries = new PsObject(["System.Diagnostics.EventLogEntryCollection", "System.Object"]) { ToStringValue = "System.Diagnostics.EventLogEntryCollection" };
        entries.AdaptedProperties.Add(new("Count", PsPrimitive.Int32(log.Count)));
        var o = new PsObject(["System.Diagnostics.EventLog", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = $"System.Diagnostics.EventLog ({log.Name})" };
        o.AdaptedProperties.AddRange(
        [
            new("EnableRaisingEvents", PsPrimitive.Boolean(false)),
            new("Entries", entries),
            new("Log", PsPrimitive.String(log.Name)),
            new("LogDisplayName", PsPrimitive.String(log.Name)),
            new("MachineName", PsPrimitive.String(".")),
            new("MaximumKilobytes", PsPrimitive.Int64(log.MaximumKilobytes)),
            new("MinimumRetentionDays", PsPrimitive.Int32(log.MinimumRetentionDays)),
            new("OverflowAction", PsObjects.Enum("System.Diagnostics.OverflowAction", log.OverflowAction, log.OverflowAction switch { "DoNotOverwrite" => -1, "OverwriteAsNeeded" => 0, _ => 1 })),
            new("Source", PsPrimitive.String(string.Empty)),
            new("SynchronizingObject", PsNil.Instance),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
        return o;
    }

    /// <summary>
    /// An entry as Get-WinEvent reads it from a classic log: an EventLogRecord (Id the event id, Qualifiers its high
    /// bits, Level from the entry type, the Classic keyword) with Get-WinEvent's Message note. Process, thread and
    /// provider ids are not kept by the emulator's logs (null).
    /// </summary>
    private PsObject EventLogRecordObject(EventLogs.Entry entry)
    {
        var o = new PsObject([EventLogRecordTypeName, "System.Diagnostics.Eventing.Reader.EventRecord", "System.Object"]) { ToStringValue = EventLogRecordTypeName };
        var keywords = entry.Type switch
        {
            EventLogs.EntryType.SuccessAudit => unchecked((long)0x8020000000000000),
            EventLogs.EntryType.FailureAudit => unchecked((long)0x8010000000000000),
            _ => ClassicKeywords,
        };
        var keywordName = entry.Type switch { EventLogs.EntryType.SuccessAudit => "Audit Success", EventLogs.EntryType.FailureAudit => "Audit Failure", _ => "Classic" };
        var level = LevelOf(entry.Type);
        o.AdaptedProperties.AddRange(
        [
            new("Id", PsPrimitive.Int32(entry.EventId & 0xFFFF)),
            new("Version", PsPrimitive.Byte(0)),
            new("Qualifiers", entry.Qualifiers == 0 ? PsNil.Instance : PsPrimitive.Int32(entry.Qualifiers)),
            new("Level", PsPrimitive.Byte((byte)level)),
            new("Task", PsPrimitive.Int32(entry.Category)),
            new("Opcode", PsNil.Instance),
            new("Keywords", PsPrimitive.Int64(keywords)),
            new("RecordId", PsPrimitive.Int64(entry.Index)),
            new("ProviderName", PsPrimitive.String(entry.Source)),
            new("ProviderId", PsNil.Instance),
            new("LogName", PsPrimitive.String(entry.Log)),
            new("ProcessId", PsNil.Instance),
            new("ThreadId", PsNil.Instance),
            new("MachineName", PsPrimitive.String(ComputerName.ToUpperInvariant())),
            new("UserId", PsNil.Instance),
            new("TimeCreated", PsPrimitive.DateTime(entry.TimeGenerated)),
            new("ActivityId", PsNil.Instance),
            new("RelatedActivityId", PsNil.Instance),
            new("ContainerLog", PsPrimitive.String(entry.Log)),
            new("MatchedQueryIds", PsObjects.List([], ["System.Int32[]", "System.Array", "System.Object"])),
            new("Bookmark", PsPrimitive.String("System.Diagnostics.Eventing.Reader.EventBookmark")),
            new("LevelDisplayName", PsPrimitive.String(level switch { 2 => "Error", 3 => "Warning", _ => "Information" })),
            new("OpcodeDisplayName", PsPrimitive.String("Info")),
            new("TaskDisplayName", entry.Category == 0 ? PsNil.Instance : PsPrimitive.String($"({entry.Category.ToString(CultureInfo.InvariantCulture)})")),
            new("KeywordsDisplayNames", PsObjects.List([PsPrimitive.String(keywordName)], ["System.Collections.ObjectModel.ReadOnlyCollection`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])),
            // Each replacement string an EventProperty (its Value; no text of its own in .NET Framework).
            new("Properties", PsObjects.List([.. entry.ReplacementStrings.Select(s => (PsValue)EventPropertyObject(s))], ["System.Collections.Generic.List`1[[System.Diagnostics.Eventing.Reader.EventProperty, System.Core, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])),
        ]);
        o.With("Message", entry.Message);
        return o;
    }

    private static PsObject EventPropertyObject(string value)
    {
        var o = new PsObject(["System.Diagnostics.Eventing.Reader.EventProperty", "System.Object"]) { ToStringValue = "System.Diagnostics.Eventing.Reader.EventProperty" };
        o.AdaptedProperties.Add(new("Value", PsPrimitive.String(value)));
        return o;
    }

    /// <summary>
    /// An EventLogRecord's methods scripts call: <c>ToXml()</c>, the event's XML as the event log service renders a
    /// classic entry's (its provider, EventID with Qualifiers, version, level, task, opcode, keywords in hex, creation time,
    /// record id, the execution's ids 0 (a classic entry keeps none), channel and computer, and its replacement strings as unnamed Data elements), and <c>FormatDescription()</c>, its
    /// message. Null for another object or method.
    /// </summary>
    private static PsValue? EventRecordMethod(PsObject record, string name, IReadOnlyList<PsValue> arguments)
    {
        if (record.TypeNames is not [EventLogRecordTypeName, ..] || arguments.Count != 0) return null;
        if (name.Equals("FormatDescription", StringComparison.OrdinalIgnoreCase)) return record["Message"] ?? PsNil.Instance;
        if (!name.Equals("ToXml", StringComparison.OrdinalIgnoreCase)) return null;
        string Text(string property) => record[property] is { } v && v is not PsNil ? PipelineVariables.Display(v) : string.Empty;
        static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;
        var keywords = record["Keywords"] is { } k && ScriptExpressions.AsNumberOrNull(k) is { } number ? unchecked((ulong)(long)number) : 0;
        var created = record["TimeCreated"]?.AsDateTime() ?? DateTimeOffset.UnixEpoch;
        var xml = new System.Text.StringBuilder("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>");
        xml.Append("<Provider Name='").Append(Escape(Text("ProviderName"))).Append("'/>");
        xml.Append(record["Qualifiers"] is { } q && q is not PsNil ? $"<EventID Qualifiers='{PipelineVariables.Display(q)}'>" : "<EventID>").Append(Text("Id")).Append("</EventID>");
        xml.Append("<Version>0</Version><Level>").Append(Text("Level")).Append("</Level><Task>").Append(Text("Task")).Append("</Task><Opcode>0</Opcode>");
        xml.Append("<Keywords>0x").Append(keywords.ToString("x", CultureInfo.InvariantCulture)).Append("</Keywords>");
        xml.Append("<TimeCreated SystemTime='").Append(created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture)).Append("00Z'/>");
        xml.Append("<EventRecordID>").Append(Text("RecordId")).Append("</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>");
        xml.Append("<Channel>").Append(Escape(Text("LogName"))).Append("</Channel><Computer>").Append(Escape(Text("MachineName"))).Append("</Computer><Security/></System>");
        xml.Append("<EventData>");
        foreach (var property in record["Properties"] is PsObject list ? list.Items : [])
        {
            var value = property is PsObject p && p["Value"] is { } v ? PipelineVariables.Display(v) : PipelineVariables.Display(property);
            xml.Append("<Data>").Append(Escape(value)).Append("</Data>");
        }

        return PsPrimitive.String(xml.Append("</EventData></Event>").ToString());
    }

    /// <summary>A channel that is no classic log as Get-WinEvent -ListLog writes it: Operational (Administrative for an /Admin one), Circular, empty.</summary>
    private static PsObject ChannelConfigurationObject(string name, int maxKb)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var admin = slash < 0 || name.EndsWith("/Admin", StringComparison.OrdinalIgnoreCase);
        return LogConfigurationObject(name, classic: false, admin, maxKb * 1024L, circular: true, slash < 0 ? string.Empty : name[..slash], []);
    }

    /// <summary>A classic log as Get-WinEvent -ListLog writes it (Circular when it overwrites as needed, else Retain).</summary>
    private static PsObject EventLogConfigurationObject(EventLogs.LogInfo log, IReadOnlyList<EventLogs.Entry> entries) =>
        LogConfigurationObject(log.Name, classic: true, admin: true, log.MaximumKilobytes * 1024L, log.OverflowAction == "OverwriteAsNeeded", string.Empty, entries);

    // A log's EventLogConfiguration with the cmdlet's notes (its file's size, times and record numbers from its entries).
    private static PsObject LogConfigurationObject(string name, bool classic, bool admin, long maxBytes, bool circular, string owner, IReadOnlyList<EventLogs.Entry> entries)
    {
        var o = new PsObject(["System.Diagnostics.Eventing.Reader.EventLogConfiguration", "System.Object"]) { ToStringValue = "System.Diagnostics.Eventing.Reader.EventLogConfiguration" };
        o.AdaptedProperties.AddRange(
        [
            new("LogName", PsPrimitive.String(name)),
            new("LogType", admin ? PsObjects.Enum("System.Diagnostics.Eventing.Reader.EventLogType", "Administrative", 0) : PsObjects.Enum("System.Diagnostics.Eventing.Reader.EventLogType", "Operational", 1)),
            new("LogIsolation", PsObjects.Enum("System.Diagnostics.Eventing.Reader.EventLogIsolation", "Application", 0)),
            new("IsEnabled", PsPrimitive.Boolean(true)),
            new("IsClassicLog", PsPrimitive.Boolean(classic)),
            new("LogFilePath", PsPrimitive.String($@"%SystemRoot%\System32\Winevt\Logs\{name.Replace("/", "%4", StringComparison.Ordinal)}.evtx")),
            new("MaximumSizeInBytes", PsPrimitive.Int64(maxBytes)),
            new("LogMode", circular ? PsObjects.Enum("System.Diagnostics.Eventing.Reader.EventLogMode", "Circular", 0) : PsObjects.Enum("System.Diagnostics.Eventing.Reader.EventLogMode", "Retain", 2)),
            new("OwningProviderName", PsPrimitive.String(owner)),
            new("ProviderNames", PsObjects.List([], ["System.String[]", "System.Array", "System.Object"])),
        ]);
        o.With("FileSize", PsPrimitive.Int64(69632L + entries.Count * 512L))
            .With("IsLogFull", PsPrimitive.Boolean(false))
            .With("LastAccessTime", entries.Count > 0 ? PsPrimitive.DateTime(entries[0].TimeGenerated) : PsNil.Instance)
            .With("LastWriteTime", entries.Count > 0 ? PsPrimitive.DateTime(entries[0].TimeGenerated) : PsNil.Instance)
            .With("OldestRecordNumber", entries.Count > 0 ? PsPrimitive.Int64(entries[^1].Index) : PsPrimitive.Int64(0))
            .With("RecordCount", PsPrimitive.Int64(entries.Count));
        return o;
    }
}

/// <summary>
/// The part of the event log's XPath 1.0 queries that Get-WinEvent -FilterXPath scripts use: <c>*</c>, or
/// <c>*[System[...]]</c> over EventID, Level, Task and EventRecordID comparisons, <c>Provider[@Name='x']</c>,
/// <c>TimeCreated[timediff(@SystemTime) &lt;= ms]</c> and <c>TimeCreated[@SystemTime &gt;= 'date']</c>, joined by
/// <c>and</c>, <c>or</c> and parentheses. Another query (EventData, functions, other elements) is a scenario error: the
/// emulator does not read it.
/// </summary>
internal static class EventXPath
{
    public static Func<EventLogs.Entry, bool> Parse(string xpath, TimeProvider time)
    {
        var tokens = Tokenize(xpath);
        var at = 0;
        string Peek() => at < tokens.Count ? tokens[at] : string.Empty;
        string Next() => at < tokens.Count ? tokens[at++] : throw NotEmulated(xpath);
        void Expect(string token)
        {
            if (!Next().Equals(token, StringComparison.OrdinalIgnoreCase)) throw NotEmulated(xpath);
        }

        // The path's step: any element, or Event.
        if (Next() is not ("*" or "Event")) throw NotEmulated(xpath);
        if (at == tokens.Count) return _ => true;
        Expect("[");
        Expect("System");
        Expect("[");
        var filter = Or();
        Expect("]");
        Expect("]");
        if (at != tokens.Count) throw NotEmulated(xpath);
        return filter;

        Func<EventLogs.Entry, bool> Or()
        {
            var left = And();
            while (Peek().Equals("or", StringComparison.OrdinalIgnoreCase))
            {
                at++;
                var (a, b) = (left, And());
                left = e => a(e) || b(e);
            }

            return left;
        }

        Func<EventLogs.Entry, bool> And()
        {
            var left = Primary();
            while (Peek().Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                at++;
                var (a, b) = (left, Primary());
                left = e => a(e) && b(e);
            }

            return left;
        }

        Func<EventLogs.Entry, bool> Primary()
        {
            var token = Next();
            if (token == "(")
            {
                var inner = Or();
                Expect(")");
                return inner;
            }

            switch (token)
            {
                case "EventID" or "Level" or "Task" or "EventRecordID":
                    {
                        var op = Next();
                        var number = long.TryParse(Next(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw NotEmulated(xpath);
                        Func<EventLogs.Entry, long> value = token switch
                        {
                            "EventID" => e => e.EventId & 0xFFFF,
                            "Level" => e => e.Type switch { EventLogs.EntryType.Error => 2, EventLogs.EntryType.Warning => 3, EventLogs.EntryType.Information => 4, _ => 0 },
                            "Task" => e => e.Category,
                            _ => e => e.Index,
                        };
                        var compare = Comparison(op, xpath);
                        return e => compare(value(e).CompareTo(number));
                    }

                case "Provider":
                    {
                        Expect("[");
                        Expect("@Name");
                        Expect("=");
                        var name = Unquote(Next(), xpath);
                        Expect("]");
                        return e => e.Source.Equals(name, StringComparison.OrdinalIgnoreCase);
                    }

                case "TimeCreated":
                    {
                        Expect("[");
                        Func<EventLogs.Entry, bool> test;
                        if (Peek() == "timediff")
                        {
                            at++;
                            Expect("(");
                            Expect("@SystemTime");
                            Expect(")");
                            var compare = Comparison(Next(), xpath);
                            var milliseconds = double.TryParse(Next(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : throw NotEmulated(xpath);
                            test = e => compare((time.GetUtcNow() - e.TimeGenerated).TotalMilliseconds.CompareTo(milliseconds));
                        }
                        else
                        {
                            Expect("@SystemTime");
                            var compare = Comparison(Next(), xpath);
                            var when = DateTimeOffset.TryParse(Unquote(Next(), xpath), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d)
                                ? d : throw NotEmulated(xpath);
                            test = e => compare(e.TimeGenerated.CompareTo(when));
                        }

                        Expect("]");
                        return test;
                    }

                default:
                    throw NotEmulated(xpath);
            }
        }
    }

    private static Func<int, bool> Comparison(string op, string xpath) => op switch
    {
        "=" => c => c == 0,
        "!=" => c => c != 0,
        "<" => c => c < 0,
        "<=" => c => c <= 0,
        ">" => c => c > 0,
        ">=" => c => c >= 0,
        _ => throw NotEmulated(xpath),
    };

    private static string Unquote(string token, string xpath) =>
        token.Length >= 2 && token[0] is '\'' or '"' && token[^1] == token[0] ? token[1..^1] : throw NotEmulated(xpath);

    private static List<string> Tokenize(string xpath)
    {
        var tokens = new List<string>();
        for (var i = 0; i < xpath.Length;)
        {
            var c = xpath[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '\'' or '"')
            {
                var end = xpath.IndexOf(c, i + 1);
                if (end < 0) throw NotEmulated(xpath);
                tokens.Add(xpath[i..(end + 1)]);
                i = end + 1;
                continue;
            }

            if (c is '<' or '>' or '!' && i + 1 < xpath.Length && xpath[i + 1] == '=')
            {
                tokens.Add(xpath.Substring(i, 2));
                i += 2;
                continue;
            }

            if (c is '[' or ']' or '(' or ')' or '=' or '<' or '>' or '*')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }

            var start = i;
            while (i < xpath.Length && (char.IsLetterOrDigit(xpath[i]) || xpath[i] is '@' or '.' or '-' or '_')) i++;
            if (i == start) throw NotEmulated(xpath);
            tokens.Add(xpath[start..i]);
        }

        return tokens;
    }

    private static ScriptExpressionException NotEmulated(string xpath) =>
        new(ScriptedError.ScenarioFault($"Get-WinEvent -FilterXPath \"{xpath}\" is a query the emulator does not read: give the command a rule"));
}

internal sealed partial class RunContext
{
    internal const string EventLogTypeName = "System.Diagnostics.EventLog";

    // The static members of System.Diagnostics.EventLog the emulator answers, with .NET's own spelling.
    private static readonly string[] EventLogStaticMembers = ["Exists", "SourceExists", "LogNameFromSourceName", "CreateEventSource", "DeleteEventSource", "Delete", "GetEventLogs", "WriteEntry"];

    /// <summary>
    /// [System.Diagnostics.EventLog]'s static members over the computer's logs, as setup scripts check and register
    /// their sources (Ansible's ConfigureRemotingForAnsible.ps1: <c>[System.Diagnostics.EventLog]::SourceExists($s)</c>):
    /// Exists, SourceExists, LogNameFromSourceName, CreateEventSource (source, log), DeleteEventSource, Delete,
    /// GetEventLogs and WriteEntry (an unregistered source is registered to Application first, as .NET does); the local
    /// computer only ('.', localhost or its name). Null for another member.
    /// </summary>
    private PsValue? EventLogStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is null || EventLogStaticMembers.FirstOrDefault(m => m.Equals(member, StringComparison.OrdinalIgnoreCase)) is not { } name) return null;
        var logs = Host.EventLogs ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[System.Diagnostics.EventLog]::{name} needs a computer's session"));
        string Text(int at) => PipelineVariables.Display(arguments[at]);
        ScriptExpressionException Failure(string message, Type exception) => new(ScriptedError.MethodInvocation(name, arguments.Count, message, exception));

        // The machine argument: the local computer only.
        void Local(int at)
        {
            if (arguments.Count <= at) return;
            var machine = Text(at);
            if (machine is "." or "" || machine.Equals("localhost", StringComparison.OrdinalIgnoreCase) || machine.Equals(ComputerName, StringComparison.OrdinalIgnoreCase)) return;
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[System.Diagnostics.EventLog]::{name} of computer '{machine}': another computer's logs are not emulated"));
        }

        switch (name, arguments.Count)
        {
            case ("Exists", 1 or 2):
                Local(1);
                return PsPrimitive.Boolean(logs.Find(Text(0)) is not null);
            case ("SourceExists", 1 or 2):
                Local(1);
                return PsPrimitive.Boolean(logs.LogOfSource(Text(0)) is not null);
            case ("LogNameFromSourceName", 2):
                Local(1);
                return PsPrimitive.String(logs.LogOfSource(Text(0)) ?? string.Empty);
            case ("CreateEventSource", 2 or 3):
            {
                Local(2);
                var source = Text(0);
                var log = Text(1).Length == 0 ? "Application" : Text(1);
                return logs.Register(log, source) switch
                {
                    EventLogs.RegisterResult.SourceExists => throw Failure($"Source {source} already exists on the local computer.", typeof(ArgumentException)),
                    EventLogs.RegisterResult.Full => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"CreateEventSource: the computer has {EventLogs.MaxLogs} logs or {EventLogs.MaxSources} sources already (the emulator's limit)")),
                    _ => PsNil.Instance,
                };
            }

            case ("DeleteEventSource", 1 or 2):
                Local(1);
                // .NET Framework's text (UNVERIFIED): the registry key it could not find the source under.
                return logs.RemoveSource(Text(0)) ? PsNil.Instance
                    : throw Failure($"The source '{Text(0)}' is not registered on machine '.', or you do not have write access to the HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog registry key.", typeof(ArgumentException));
            case ("Delete", 1 or 2):
                Local(1);
                return logs.RemoveLog(Text(0)) ? PsNil.Instance : throw Failure($"The event log '{Text(0)}' on computer '.' does not exist.", typeof(InvalidOperationException));
            case ("GetEventLogs", 0 or 1):
                Local(0);
                return PsObjects.List([.. logs.Logs().Select(l => (PsValue)EventLogObject(l))], ["System.Diagnostics.EventLog[]", "System.Array", "System.Object"]);
            case ("WriteEntry", >= 2 and <= 5):
            {
                var source = Text(0);
                var type = EventLogs.EntryType.Information;
                if (arguments.Count > 2 && !(Enum.TryParse(Text(2), ignoreCase: true, out type) && Enum.IsDefined(type)))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WriteEntry: '{Text(2)}' is not an EventLogEntryType (Error, Warning, Information, SuccessAudit, FailureAudit)"));
                }

                var id = arguments.Count > 3 ? ScriptExpressions.AsNumberOrNull(arguments[3]) : 0;
                var category = arguments.Count > 4 ? ScriptExpressions.AsNumberOrNull(arguments[4]) : 0;
                if (id is not (>= 0 and <= 65535)) throw Failure($"Invalid eventID value '{Text(3)}'. It must be in the range between '0' and '65535'.", typeof(ArgumentException));
                if (category is not (>= short.MinValue and <= short.MaxValue))
                {
                    throw new ScriptExpressionException(new ScriptedError(
                        $"Cannot convert argument \"category\", with value: \"{Text(4)}\", for \"WriteEntry\" to type \"System.Int16\": \"Cannot convert value \"{Text(4)}\" to type \"System.Int16\". Error: \"Value was either too large or too small for an Int16.\"\"",
                        "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
                }
                // .NET registers a source it does not know to Application before it writes.
                if (logs.LogOfSource(source) is null && logs.Register("Application", source) == EventLogs.RegisterResult.Full)
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WriteEntry: the computer has {EventLogs.MaxSources} sources already (the emulator's limit)"));
                }

                logs.Write(source, (long)id, type, (short)category, Text(1), [], null);
                return PsNil.Instance;
            }

            default:
                throw new ScriptExpressionException(ScriptedError.MethodCount(name, arguments.Count));
        }
    }
}
