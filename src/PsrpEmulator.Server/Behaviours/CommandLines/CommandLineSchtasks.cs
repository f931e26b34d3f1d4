using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// schtasks.exe over the computer's task library (<see cref="ScheduledTasks"/>, what the ScheduledTasks cmdlets see):
/// <c>/create</c> (<c>/tn</c>, <c>/tr</c>, <c>/sc ONSTART|ONLOGON|ONCE|DAILY</c>, <c>/st</c>, <c>/ru</c>, <c>/rl</c>,
/// <c>/f</c>; or <c>/xml FILE</c>, a task's XML), <c>/query</c> (all, or <c>/tn</c>; <c>/fo TABLE|LIST|CSV</c>, <c>/v</c>, <c>/nh</c>; <c>/tn X /xml</c> its
/// XML, <see cref="ScheduledTaskXml"/>), <c>/delete /tn ... /f</c>, <c>/run</c> (the actions
/// run now, as Start-ScheduledTask runs them: <see cref="ScheduledTaskRunner"/>) and <c>/change /enable|/disable</c>, with schtasks' SUCCESS lines and its errors on
/// stderr with exit code 1 ("ERROR: The system cannot find the file specified." for a task it has not). What would ask
/// on the console (replacing without <c>/f</c>, deleting without it), other schedules, <c>/query /xml</c> without <c>/tn</c>, <c>/v</c> as a table and other
/// computers (<c>/s</c>) get the emulator's not-emulated message. Layouts from Windows Server 2019 (UNVERIFIED widths).
/// </summary>
internal sealed class SchtasksScript(BehaviourCatalog catalog, string verb, IReadOnlyDictionary<string, string?> options) : ICommandLineScript
{
    public string Description => "schtasks " + verb;

    private static readonly HashSet<string> Verbs = new(StringComparer.OrdinalIgnoreCase) { "/create", "/query", "/delete", "/run", "/change" };

    // The options that take a value (the others are switches).
    private static readonly HashSet<string> ValueOptions = new(StringComparer.OrdinalIgnoreCase) { "/tn", "/tr", "/sc", "/st", "/sd", "/ru", "/rp", "/rl", "/fo", "/mo", "/d", "/delay" };

    public static bool TryParse(BehaviourCatalog catalog, string line, out SchtasksScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count == 0 || !CommandLineText.IsProgram(tokens[0], "schtasks")) return false;
        var verb = tokens.Count > 1 && Verbs.Contains(tokens[1]) ? tokens[1].ToLowerInvariant() : tokens.Count == 1 ? "/query" : null;
        if (verb is null) return false;
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 2; i < tokens.Count; i++)
        {
            var option = tokens[i].Replace('-', '/');
            if (!option.StartsWith('/')) return false;
            // /xml takes a file (/create) or an optional type (/query /xml ONE).
            if (option.Equals("/xml", StringComparison.OrdinalIgnoreCase) && i + 1 < tokens.Count && !tokens[i + 1].StartsWith('/') && !tokens[i + 1].StartsWith('-'))
            {
                options[option] = tokens[++i];
            }
            else if (ValueOptions.Contains(option))
            {
                if (i + 1 >= tokens.Count) return false;
                options[option] = tokens[++i];
            }
            else
            {
                options[option] = null;
            }
        }

        script = new SchtasksScript(catalog, verb, options);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.ScheduledTasks is not { } tasks || options.ContainsKey("/s") || (options.ContainsKey("/xml") && verb is not ("/query" or "/create")) || (options.ContainsKey("/v") && verb != "/query"))
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        string? Option(string name) => options.TryGetValue(name, out var value) ? value : null;
        var (path, name) = Split(Option("/tn"));

        if (verb == "/query")
        {
            if (name is not null && tasks.Find(name, path) is not { } one) return await ErrorAsync(host, "ERROR: The system cannot find the file specified.", cancellationToken).ConfigureAwait(false);
            var shown = name is null ? tasks.All() : [tasks.Find(name, path)!];
            if (options.ContainsKey("/xml"))
            {
                // One task's definition (all of them, in schtasks' <Tasks> wrapper, is not emulated).
                if (name is null) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                var xml = ScheduledTaskXml.Write(shown[0], user => ScheduledTaskXml.SidOfUser(host.LocalAccounts, host.Facts.GetValueOrDefault("computername"), user));
                await host.WriteTextAsync(WinRsStreams.Stdout, xml + "\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            }

            var format = Option("/fo")?.ToUpperInvariant() ?? "TABLE";
            // /v as a table (every field in columns as wide as a console line) is not emulated.
            if (format is not ("LIST" or "TABLE" or "CSV") || (format == "LIST" && options.ContainsKey("/nh")) || (format == "TABLE" && options.ContainsKey("/v")))
            {
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }

            var text = QueryText(shown, format, options.ContainsKey("/v"), !options.ContainsKey("/nh"), host.Facts.GetValueOrDefault("computername") ?? string.Empty, time.GetUtcNow());
            await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (name is null) return await ErrorAsync(host, $"ERROR: Invalid syntax. Mandatory option 'tn' is missing.\r\nType \"SCHTASKS {verb.ToUpperInvariant()} /?\" for usage.", cancellationToken).ConfigureAwait(false);

        if (verb == "/create" && options.ContainsKey("/xml"))
        {
            // /xml FILE: the definition a /query /xml (or Export-ScheduledTask) wrote, under /tn.
            var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
            var file = Option("/xml") is { } given && host.FileSystem is { } disk ? VirtualFileSystem.FullPath(given.Replace('/', '\\'), cd, out _) : null;
            if (file is null || host.FileSystem!.Get(file) is not { IsDirectory: false } || host.FileSystem.Read(file, out var bytes) != FileSystemFailure.None)
            {
                return await ErrorAsync(host, "ERROR: The system cannot find the file specified.", cancellationToken).ConfigureAwait(false);
            }

            if (tasks.Find(name, path ?? @"\") is not null && !options.ContainsKey("/f")) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            ScheduledTasks.ScheduledTask defined;
            try
            {
                defined = ScheduledTaskXml.Read(RunContext.DecodeText(bytes, Encoding.UTF8), path ?? @"\", name, sid => ScheduledTaskXml.UserOfSid(host.LocalAccounts, sid));
            }
            catch (ScheduledTaskXml.TaskXmlException e)
            {
                return await ErrorAsync(host, "ERROR: The task XML is malformed.\r\n" + e.Message, cancellationToken).ConfigureAwait(false);
            }

            if (Option("/ru") is { } runAs) defined = defined with { UserId = runAs, LogonType = options.ContainsKey("/rp") ? "Password" : defined.LogonType };
            tasks.TryRegister(defined, replace: true);
            await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: The scheduled task \"{name}\" has successfully been created.\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (verb == "/create")
        {
            if (Option("/sc") is not { } schedule) return await ErrorAsync(host, "ERROR: Invalid syntax. Mandatory option 'sc' is missing.\r\nType \"SCHTASKS /CREATE /?\" for usage.", cancellationToken).ConfigureAwait(false);
            if (Option("/tr") is not { } run) return await ErrorAsync(host, "ERROR: Invalid syntax. Mandatory option 'tr' is missing.\r\nType \"SCHTASKS /CREATE /?\" for usage.", cancellationToken).ConfigureAwait(false);
            var kind = schedule.ToUpperInvariant() switch { "ONSTART" => "Boot", "ONLOGON" => "Logon", "ONCE" => "Time", "DAILY" => "Daily", _ => null };
            if (kind is null || tasks.Find(name, path ?? @"\") is not null && !options.ContainsKey("/f")) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            DateTimeOffset? start = null;
            if (kind is "Time" or "Daily")
            {
                if (Option("/st") is not { } at || !TimeSpan.TryParseExact(at, ["hh\\:mm", "h\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out var timeOfDay))
                {
                    return await ErrorAsync(host, "ERROR: Invalid Start Time.", cancellationToken).ConfigureAwait(false);
                }

                start = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date + timeOfDay, TimeSpan.Zero);
            }

            // /tr's program is its first word (quoted when it has spaces), its arguments the rest.
            var (execute, arguments) = SplitCommand(run);
            var user = Option("/ru");
            var system = user is null || user.Equals("SYSTEM", StringComparison.OrdinalIgnoreCase) || user.Equals(@"NT AUTHORITY\SYSTEM", StringComparison.OrdinalIgnoreCase);
            var task = new ScheduledTasks.ScheduledTask(path ?? @"\", name)
            {
                Actions = [new ScheduledTasks.ExecAction(execute, arguments, null)],
                Triggers = [new ScheduledTasks.Trigger(kind, start)],
                UserId = system ? "SYSTEM" : user!,
                LogonType = system ? "ServiceAccount" : options.ContainsKey("/rp") ? "Password" : "InteractiveOrPassword",
                RunLevel = Option("/rl")?.Equals("highest", StringComparison.OrdinalIgnoreCase) == true ? "Highest" : "Limited",
            };
            tasks.TryRegister(task, replace: true);
            await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: The scheduled task \"{name}\" has successfully been created.\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (tasks.Find(name, path) is not { } found) return await ErrorAsync(host, "ERROR: The system cannot find the file specified.", cancellationToken).ConfigureAwait(false);
        switch (verb)
        {
            case "/delete":
                if (!options.ContainsKey("/f")) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                tasks.Remove(found);
                await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: The scheduled task \"{name}\" was successfully deleted.\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "/run":
                // The actions run now, as Start-ScheduledTask runs them; what they write goes where their own
                // redirections say (schtasks prints only its line), a program the emulator does not emulate counts as run.
                // A disabled task's do not (UNVERIFIED: schtasks' answer for one; COM's Run refuses it).
                if (found.Enabled) await ScheduledTaskRunner.RunAsync(catalog, tasks, found, host.EnvironmentVariable, host.Facts.GetValueOrDefault("cd") ?? @"C:\",
                    workingDirectory => new TaskActionHost(host, workingDirectory), _ => { }, time, cancellationToken).ConfigureAwait(false);
                await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: Attempted to run the scheduled task \"{name}\".\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            default:
                var enable = options.ContainsKey("/enable");
                if (enable == options.ContainsKey("/disable")) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                tasks.Update(found, t => t with { Enabled = enable });
                await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: The parameters of scheduled task \"{name}\" have been changed.\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
        }
    }

    // /tn's folder and name (\Folder\Name; a name alone is in the root, where schtasks looks it up first).
    private static (string? Path, string? Name) Split(string? taskName)
    {
        if (taskName is null) return (null, null);
        var slash = taskName.LastIndexOf('\\');
        return slash < 0 ? (null, taskName) : (ScheduledTasks.NormalizePath(taskName[..slash]), taskName[(slash + 1)..]);
    }

    private static (string Execute, string? Arguments) SplitCommand(string run)
    {
        var trimmed = run.Trim();
        if (trimmed.StartsWith('"') && trimmed.IndexOf('"', 1) is var close and > 0)
        {
            var rest = trimmed[(close + 1)..].Trim();
            return (trimmed[1..close], rest.Length > 0 ? rest : null);
        }

        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (trimmed, null) : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    private static async Task<int> ErrorAsync(ICommandLineHost host, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message + "\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }

    // schtasks /query /v's fields, in its order (LIST pads the labels to the longest).
    private static readonly string[] VerboseFields =
    [
        "HostName", "TaskName", "Next Run Time", "Status", "Logon Mode", "Last Run Time", "Last Result", "Author", "Task To Run", "Start In", "Comment",
        "Scheduled Task State", "Idle Time", "Power Management", "Run As User", "Delete Task If Not Rescheduled", "Stop Task If Runs X Hours and X Mins",
        "Schedule", "Schedule Type", "Start Time", "Start Date", "End Date", "Days", "Months", "Repeat: Every", "Repeat: Until: Time",
        "Repeat: Until: Duration", "Repeat: Stop If Still Running",
    ];

    /// <summary>
    /// schtasks /query's text: TABLE (a folder's tasks under its name), LIST or CSV (the full name; CSV's header before
    /// each folder's rows unless /nh); /v every field, a row per trigger (InSpec's windows_task reads /v /fo csv). The
    /// fields the emulator has no model of are a new task's defaults (UNVERIFIED: Idle Time, Power Management).
    /// </summary>
    private static string QueryText(IReadOnlyList<ScheduledTasks.ScheduledTask> shown, string format, bool verbose, bool headers, string hostName, DateTimeOffset now)
    {
        var text = new StringBuilder();
        static string Csv(IEnumerable<string> values) => string.Join(',', values.Select(v => "\"" + v + "\"")) + "\r\n";
        foreach (var folder in shown.GroupBy(t => t.Path, StringComparer.OrdinalIgnoreCase))
        {
            if (format != "CSV") text.Append("\r\nFolder: ").Append(folder.Key.Length > 1 ? folder.Key.TrimEnd('\\') : folder.Key).Append("\r\n");
            var names = verbose ? VerboseFields : ["TaskName", "Next Run Time", "Status"];
            if (format == "CSV" && headers) text.Append(Csv(names));
            if (format == "TABLE" && headers && !verbose)
            {
                text.Append("TaskName                                 Next Run Time          Status         \r\n");
                text.Append("======================================== ====================== ===============\r\n");
            }

            foreach (var task in folder)
            {
                foreach (var row in Rows(task, verbose, hostName, now))
                {
                    switch (format)
                    {
                        case "CSV":
                            text.Append(Csv(names.Select(n => row[n])));
                            break;
                        case "LIST":
                            var width = verbose ? 38 : 15;
                            foreach (var name in names) text.Append((name + ":").PadRight(width)).Append(row[name]).Append("\r\n");
                            text.Append("\r\n");
                            break;
                        default:
                            text.Append(task.Name.PadRight(40)).Append(' ').Append(row["Next Run Time"].PadRight(22)).Append(' ').Append(row["Status"].PadRight(15)).Append("\r\n");
                            break;
                    }
                }
            }
        }

        return text.ToString();
    }

    // A task's fields: one set per trigger with /v (an on-demand task one), en-US dates as schtasks writes them.
    private static IEnumerable<Dictionary<string, string>> Rows(ScheduledTasks.ScheduledTask task, bool verbose, string hostName, DateTimeOffset now)
    {
        var culture = EnglishUnitedStates.Culture;
        var running = task.RunningUntil is { } until && until > now;
        var common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HostName"] = hostName,
            ["TaskName"] = task.FullName,
            ["Next Run Time"] = "N/A",
            ["Status"] = !task.Enabled ? "Disabled" : running ? "Running" : "Ready",
        };
        if (!verbose)
        {
            yield return common;
            yield break;
        }

        common["Logon Mode"] = task.LogonType switch
        {
            "Password" or "S4U" => "Background only",
            "Interactive" or "InteractiveToken" or "Group" => "Interactive only",
            _ => "Interactive/Background",
        };
        // A task that never ran shows Task Scheduler's zero date.
        common["Last Run Time"] = (task.LastRunTime ?? new DateTimeOffset(1999, 11, 30, 0, 0, 0, TimeSpan.Zero)).ToString("M/d/yyyy h:mm:ss tt", culture);
        common["Last Result"] = task.LastTaskResult.ToString(CultureInfo.InvariantCulture);
        common["Author"] = string.IsNullOrEmpty(task.Author) ? "N/A" : task.Author;
        common["Task To Run"] = task.Actions switch
        {
            [] => "N/A",
            [var one] => one.Arguments is { Length: > 0 } arguments ? one.Execute + " " + arguments : one.Execute,
            _ => "Multiple actions",
        };
        common["Start In"] = task.Actions is [{ WorkingDirectory: { Length: > 0 } directory }] ? directory : "N/A";
        common["Comment"] = task.Description.Length > 0 ? task.Description : "N/A";
        common["Scheduled Task State"] = task.Enabled ? "Enabled" : "Disabled";
        common["Idle Time"] = "Disabled";
        common["Power Management"] = "Stop On Battery Mode, No Start On Batteries";
        common["Run As User"] = task.UserId;
        common["Delete Task If Not Rescheduled"] = "Disabled";
        common["Stop Task If Runs X Hours and X Mins"] = "72:00:00";
        common["Schedule"] = "Scheduling data is not available in this format.";
        var triggers = task.Triggers.Count == 0 ? [null] : task.Triggers.Cast<ScheduledTasks.Trigger?>();
        foreach (var trigger in triggers)
        {
            var row = new Dictionary<string, string>(common, StringComparer.Ordinal);
            var start = trigger?.StartBoundary;
            row["Schedule Type"] = trigger?.Kind.ToUpperInvariant() switch
            {
                null => "On demand only",
                "BOOT" or "ONSTART" or "STARTUP" => "At system start up",
                "LOGON" or "ONLOGON" => "At logon time",
                "ONCE" or "TIME" => "One Time Only",
                "DAILY" => "Daily ",
                "WEEKLY" => "Weekly",
                _ => trigger.Kind,
            };
            row["Start Time"] = start?.ToString("h:mm:ss tt", culture) ?? "N/A";
            row["Start Date"] = start?.ToString("M/d/yyyy", culture) ?? "N/A";
            row["End Date"] = "N/A";
            row["Days"] = trigger?.Kind.Equals("Daily", StringComparison.OrdinalIgnoreCase) == true ? "Every 1 day(s)" : "N/A";
            row["Months"] = "N/A";
            row["Repeat: Every"] = "N/A";
            row["Repeat: Until: Time"] = "N/A";
            row["Repeat: Until: Duration"] = "N/A";
            row["Repeat: Stop If Still Running"] = "N/A";
            yield return row;
        }
    }

    private Task<int> NotEmulatedAsync(ICommandLineHost host, CancellationToken cancellationToken) =>
        new NotEmulatedCommandScript("schtasks").RunAsync(host, TimeProvider.System, cancellationToken);
}

/// <summary>The console of a task's action: no stdin, its output nowhere (a task has no console), in its working directory.</summary>
internal sealed class TaskActionHost(ICommandLineHost inner, string? workingDirectory) : ForwardingCommandLineHost(inner)
{
    private readonly IReadOnlyDictionary<string, string> _facts = workingDirectory is null
        ? inner.Facts
        : new Dictionary<string, string>(inner.Facts, StringComparer.OrdinalIgnoreCase) { ["cd"] = workingDirectory };

    public override IReadOnlyDictionary<string, string> Facts => _facts;

    public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);

    // The task's process has its own environment, gone when it ends: a set in it does not reach the caller's.
    public override void SetEnvironmentVariable(string name, string? value)
    {
    }
}
