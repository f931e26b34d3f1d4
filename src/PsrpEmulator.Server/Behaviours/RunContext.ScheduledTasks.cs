using System.Globalization;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The ScheduledTasks module's cmdlets over the computer's task library (<see cref="ScheduledTasks"/>): the
/// New-ScheduledTaskAction / -Trigger / -Principal / -SettingsSet objects a script builds, Register-ScheduledTask
/// (-Force replaces), Get-, Unregister-, Enable-, Disable-, Start-ScheduledTask and Get-ScheduledTaskInfo, with the
/// module's CIM instances (MSFT_ScheduledTask in its table) and errors (the cmdletization's not-found error for a name
/// no task has, HRESULT 0x800700b7 for a task that exists). Tasks piped in are their -InputObject. Start-ScheduledTask
/// runs the actions now (RunContext.TaskScheduler: the task is Running for a second, then Ready with their exit code;
/// an action the emulator does not emulate, such as Windows' own tasks' programs, is recorded as run with result 0);
/// Unregister-ScheduledTask asks for confirmation without -Confirm:$false
/// (ConfirmImpact High). Export-ScheduledTask prints a task's XML and Register-ScheduledTask -Xml registers one
/// (<see cref="ScheduledTaskXml"/>); -CimSession and the other triggers' settings are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] ScheduledTaskCommands =
    [
        "New-ScheduledTaskAction", "New-ScheduledTaskTrigger", "New-ScheduledTaskPrincipal", "New-ScheduledTaskSettingsSet", "Register-ScheduledTask",
        "Get-ScheduledTask", "Unregister-ScheduledTask", "Enable-ScheduledTask", "Disable-ScheduledTask", "Start-ScheduledTask", "Get-ScheduledTaskInfo",
        "Export-ScheduledTask",
    ];

    private static readonly HashSet<string> ScheduledTaskCommandNames = new(ScheduledTaskCommands, StringComparer.Ordinal);

    // The value commands whose ConfirmImpact is High: they ask before a change unless -Confirm:$false ($ConfirmPreference High).
    private static readonly HashSet<string> HighImpactCommands = new(StringComparer.Ordinal)
    {
        "Unregister-ScheduledTask", "Set-SmbShare", "Remove-SmbShare", "Grant-SmbShareAccess", "Revoke-SmbShareAccess", "Block-SmbShareAccess", "Unblock-SmbShareAccess",
        "Set-SmbServerConfiguration", "Set-SmbClientConfiguration",
    };

    // The module's switches (Force and PassThru are every command's).
    private static readonly HashSet<string> ScheduledTaskSwitches = new(StringComparer.Ordinal)
    {
        "AtStartup", "AtLogOn", "Once", "Daily", "Weekly", "AllowStartIfOnBatteries", "DontStopIfGoingOnBatteries", "StartWhenAvailable", "Hidden", "Disable",
        "RunOnlyIfNetworkAvailable", "WakeToRun", "DontStopOnIdleEnd",
    };

    private const string TaskSchedulerNamespace = "Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/";

    private static string[] TaskTypeNames(string cimClass) =>
        [TaskSchedulerNamespace + cimClass, "Microsoft.Management.Infrastructure.CimInstance#" + cimClass, "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];

    // The triggers New-ScheduledTaskTrigger makes, by switch.
    private static readonly (string Switch, string Kind, string CimClass)[] TriggerKinds =
        [("AtStartup", "Boot", "MSFT_TaskBootTrigger"), ("AtLogOn", "Logon", "MSFT_TaskLogonTrigger"), ("Once", "Time", "MSFT_TaskTimeTrigger"), ("Daily", "Daily", "MSFT_TaskDailyTrigger")];

    private async ValueTask RunScheduledTaskCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunScheduledTaskCommandAsync(command, a, to, o, blockNesting))) return;
        RefuseNotEmulated(command, arguments, "AsJob", "WhatIf", "InputObjectXml");

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(value, WmiServerName())), cancellationToken);

        async ValueTask<string?> Text(string parameter) => (await OptionalTextsAsync(arguments, parameter, to, blockNesting))?.FirstOrDefault();

        async ValueTask<PsValue?> Value(string parameter) => arguments[parameter] is { } word ? await ArgumentAsync(word, to, blockNesting) : null;

        ScriptedError Missing(string parameter) => FunctionMissingParameter(command, parameter);

        switch (command)
        {
            case "New-ScheduledTaskAction":
                {
                    var execute = await Text("Execute") ?? throw new StatementTerminatedException(Missing("Execute"));
                    await Write(TaskActionObject(new ScheduledTasks.ExecAction(execute, await Text("Argument"), await Text("WorkingDirectory"))));
                    return;
                }

            case "New-ScheduledTaskTrigger":
                {
                    var kind = TriggerKinds.FirstOrDefault(k => arguments.Has(k.Switch));
                    if (kind.Kind is null || arguments.Has("Weekly")) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of that schedule is not emulated: give the command a rule"));
                    DateTimeOffset? at = null;
                    if (kind.Kind is "Time" or "Daily")
                    {
                        at = (await Value("At"))?.AsDateTime() ?? ParseTime(await Text("At")) ?? throw new StatementTerminatedException(Missing("At"));
                    }

                    await Write(TaskTriggerObject(new ScheduledTasks.Trigger(kind.Kind, at, await Text("User"))));
                    return;
                }

            case "New-ScheduledTaskPrincipal":
                {
                    var user = await Text("UserId") ?? await Text("GroupId") ?? throw new StatementTerminatedException(Missing("UserId"));
                    var task = new ScheduledTasks.ScheduledTask(@"\", string.Empty) { UserId = user, LogonType = await Text("LogonType") ?? (arguments.Has("GroupId") ? "Group" : "Interactive"), RunLevel = await Text("RunLevel") ?? "Limited" };
                    await Write(TaskPrincipalObject(task));
                    return;
                }

            case "New-ScheduledTaskSettingsSet":
                {
                    async ValueTask<string?> Duration(string parameter) => await Value(parameter) is { } given && given is not PsNil
                        ? System.Xml.XmlConvert.ToString((TimeSpan)((PsPrimitive)ScriptExpressions.Cast(given, ScriptExpressions.ResolveType("timespan")!)).Value)
                        : null;
                    async ValueTask<int?> Number(string parameter) => await Value(parameter) is { } given && ScriptExpressions.AsNumberOrNull(given) is { } n ? (int)n : null;
                    var multiple = await Text("MultipleInstances");
                    if (multiple is not null && Array.Find(["Parallel", "Queue", "IgnoreNew", "StopExisting"], m => m.Equals(multiple, StringComparison.OrdinalIgnoreCase)) is { } known) multiple = known;
                    var settings = new ScheduledTasks.TaskSettings
                    {
                        ExecutionTimeLimit = await Duration("ExecutionTimeLimit") ?? "PT72H",
                        StartWhenAvailable = arguments.Has("StartWhenAvailable"),
                        Hidden = arguments.Has("Hidden"),
                        DisallowStartIfOnBatteries = !arguments.Has("AllowStartIfOnBatteries"),
                        StopIfGoingOnBatteries = !arguments.Has("DontStopIfGoingOnBatteries"),
                        Enabled = !arguments.Has("Disable"),
                        MultipleInstances = multiple ?? "IgnoreNew",
                        Priority = await Number("Priority") ?? 7,
                        RestartCount = await Number("RestartCount") ?? 0,
                        RestartInterval = await Duration("RestartInterval"),
                        RunOnlyIfNetworkAvailable = arguments.Has("RunOnlyIfNetworkAvailable"),
                        WakeToRun = arguments.Has("WakeToRun"),
                        StopOnIdleEnd = !arguments.Has("DontStopOnIdleEnd"),
                    };
                    await Write(TaskSettingsObject(settings));
                    return;
                }
        }

        var tasks = Host.ScheduledTasks ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        var path = await Text("TaskPath") is { } givenPath ? ScheduledTasks.NormalizePath(givenPath) : null;

        if (command == "Register-ScheduledTask" && arguments["Xml"] is not null)
        {
            // -Xml: the definition Export-ScheduledTask (or schtasks /query /xml) printed, under -TaskName in -TaskPath.
            var name = await Text("TaskName") ?? throw new StatementTerminatedException(Missing("TaskName"));
            ScheduledTasks.ScheduledTask task;
            try
            {
                task = ScheduledTaskXml.Read(await Text("Xml") ?? string.Empty, path ?? @"\", name, UserOfSid);
            }
            catch (ScheduledTaskXml.TaskXmlException e)
            {
                await WriteErrorAsync(new ScriptedError("The task XML is malformed.\r\n" + e.Message, $"HRESULT 0x8004131a,{command}",
                    ErrorCategory.NotSpecified, "Microsoft.Management.Infrastructure.CimException", "MSFT_ScheduledTask") { Activity = command }, output);
                return;
            }

            if (await Text("User") is { } user) task = task with { UserId = user, LogonType = arguments.Has("Password") ? "Password" : task.LogonType };
            if (!tasks.TryRegister(task, arguments.Has("Force")))
            {
                await WriteErrorAsync(new ScriptedError("Cannot create a file when that file already exists.", $"HRESULT 0x800700b7,{command}", ErrorCategory.ResourceExists,
                    "Microsoft.Management.Infrastructure.CimException", "MSFT_ScheduledTask")
                {
                    Activity = command,
                }, output);
                return;
            }

            await Write(ScheduledTaskObject(task, Time.GetUtcNow()));
            return;
        }

        if (command == "Register-ScheduledTask")
        {
            var name = await Text("TaskName") ?? throw new StatementTerminatedException(Missing("TaskName"));
            var actions = Objects(await Value("Action")).Select(ActionOf).OfType<ScheduledTasks.ExecAction>().ToList();
            if (actions.Count == 0) throw new StatementTerminatedException(Missing("Action"));
            var task = new ScheduledTasks.ScheduledTask(path ?? @"\", name)
            {
                Actions = actions,
                Triggers = [.. Objects(await Value("Trigger")).Select(TriggerOf).OfType<ScheduledTasks.Trigger>()],
                Description = await Text("Description") ?? string.Empty,
                Author = Host.EnvironmentVariable("USERDOMAIN") is { } domain && Host.EnvironmentVariable("USERNAME") is { } author ? domain + "\\" + author : null,
            };
            if (Objects(await Value("Principal")).FirstOrDefault() is PsObject principal)
            {
                task = task with
                {
                    UserId = principal["UserId"]?.ToWindowsText() ?? task.UserId,
                    LogonType = principal["LogonType"]?.ToWindowsText() ?? task.LogonType,
                    RunLevel = principal["RunLevel"]?.ToWindowsText() ?? task.RunLevel,
                };
            }
            else
            {
                var user = await Text("User");
                task = task with
                {
                    UserId = user ?? Host.EnvironmentVariable("USERNAME") ?? "SYSTEM",
                    LogonType = user is null or "SYSTEM" or "NT AUTHORITY\\SYSTEM" ? (user is null ? "Interactive" : "ServiceAccount") : arguments.Has("Password") ? "Password" : "Interactive",
                    RunLevel = await Text("RunLevel") ?? "Limited",
                };
            }

            if (Objects(await Value("Settings")).FirstOrDefault() is PsObject { } settings)
            {
                var kept = SettingsOf(settings);
                task = task with { Settings = kept, Enabled = kept.Enabled };
            }
            if (!tasks.TryRegister(task, arguments.Has("Force")))
            {
                await WriteErrorAsync(new ScriptedError("Cannot create a file when that file already exists.", $"HRESULT 0x800700b7,{command}", ErrorCategory.ResourceExists,
                    "Microsoft.Management.Infrastructure.CimException", "MSFT_ScheduledTask")
                {
                    Activity = command,
                }, output);
                return;
            }

            await Write(ScheduledTaskObject(task, Time.GetUtcNow()));
            return;
        }

        // The tasks the call names: -TaskName (names or patterns) in -TaskPath, or tasks piped in (-InputObject).
        var chosen = new List<ScheduledTasks.ScheduledTask>();
        var names = arguments["TaskName"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : null;
        if (arguments["InputObject"] is { } inputWord)
        {
            foreach (var text in await ArgumentTextsAsync(inputWord, to, blockNesting))
            {
                if (TaskKeyText().Match(text) is { Success: true } key && tasks.Find(key.Groups["name"].Value, key.Groups["path"].Value) is { } piped) chosen.Add(piped);
            }
        }
        else if (names is null)
        {
            if (command != "Get-ScheduledTask") throw new StatementTerminatedException(Missing("TaskName"));
            chosen.AddRange(tasks.All().Where(t => path is null || VirtualFileSystem.Wildcard(path).IsMatch(t.Path)));
            // A folder no task is in (no pattern): the cmdletization's not-found error naming -TaskPath.
            if (chosen.Count == 0 && path is not null && !VirtualFileSystem.HasWildcard(path))
            {
                await WriteErrorAsync(CimNotFound(command, "MSFT_ScheduledTask", "TaskPath", path), output);
            }
        }
        else
        {
            foreach (var name in names)
            {
                var pattern = VirtualFileSystem.Wildcard(name);
                var found = tasks.All().Where(t => pattern.IsMatch(t.Name) && (path is null || VirtualFileSystem.Wildcard(path).IsMatch(t.Path))).ToList();
                if (found.Count == 0 && !VirtualFileSystem.HasWildcard(name))
                {
                    await WriteErrorAsync(CimNotFound(command, "MSFT_ScheduledTask", "TaskName", name), output);
                }

                chosen.AddRange(found.Where(t => !chosen.Contains(t)));
            }
        }

        foreach (var task in chosen)
        {
            switch (command)
            {
                case "Get-ScheduledTask":
                    await Write(ScheduledTaskObject(task, Time.GetUtcNow()));
                    break;
                case "Get-ScheduledTaskInfo":
                    await Write(TaskInfoObject(task, Time.GetUtcNow()));
                    break;
                case "Export-ScheduledTask":
                    await Write(PsPrimitive.String(ScheduledTaskXml.Write(task, SidOfUser)));
                    break;
                case "Unregister-ScheduledTask":
                    // ConfirmImpact High: scripts pass -Confirm:$false (the operation's name and target texts are UNVERIFIED).
                    if (await ShouldProcessHighImpactAsync(arguments, "Delete", ScheduledTaskText(task))) tasks.Remove(task);
                    break;
                case "Start-ScheduledTask":
                    // Its actions run now, as the Task Scheduler's COM Run runs them (RunContext.TaskScheduler).
                    await RunTaskActionsAsync(tasks, task, refuseNotEmulated: false);
                    break;
                default:
                    if (tasks.Update(task, t => t with { Enabled = command == "Enable-ScheduledTask" }) is { } changed) await Write(ScheduledTaskObject(changed, Time.GetUtcNow()));
                    break;
            }
        }
    }

    private string? SidOfUser(string user) => ScheduledTaskXml.SidOfUser(Host.LocalAccounts, Host.EnvironmentVariable("COMPUTERNAME"), user);

    private string? UserOfSid(string sid) => ScheduledTaskXml.UserOfSid(Host.LocalAccounts, sid);

    // A task piped in is its instance's text: MSFT_ScheduledTask (TaskName = "x", TaskPath = "\").
    [GeneratedRegex("""^MSFT_ScheduledTask \(TaskName = "(?<name>[^"]*)", TaskPath = "(?<path>[^"]*)"\)$""", RegexOptions.CultureInvariant)]
    private static partial Regex TaskKeyText();

    private static IEnumerable<PsValue> Objects(PsValue? value) =>
        value is PsObject { CollectionKind: not PsCollectionKind.None } list ? list.Items : value is null or PsNil ? [] : [value];

    private static ScheduledTasks.ExecAction? ActionOf(PsValue value) =>
        value is PsObject o && o["Execute"] is { } execute && !execute.IsNil()
            ? new ScheduledTasks.ExecAction(execute.ToWindowsText(), o["Arguments"] is { } a && !a.IsNil() ? a.ToWindowsText() : null, o["WorkingDirectory"] is { } w && !w.IsNil() ? w.ToWindowsText() : null)
            : null;

    private static ScheduledTasks.Trigger? TriggerOf(PsValue value)
    {
        if (value is not PsObject { TypeNames: [var first, ..] } o) return null;
        var cimClass = first[(first.LastIndexOf('/') + 1)..];
        var kind = TriggerKinds.FirstOrDefault(k => k.CimClass == cimClass).Kind;
        if (kind is null) return null;
        var start = o["StartBoundary"] is { } s && DateTimeOffset.TryParse(s.ToWindowsText(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
        return new ScheduledTasks.Trigger(kind, start, o["UserId"] is { } u && !u.IsNil() ? u.ToWindowsText() : null);
    }

    // -At's text as PowerShell converts it to a DateTime ("3am", "03:00", "2026-12-01 03:00").
    private DateTimeOffset? ParseTime(string? text)
    {
        if (text is null) return null;
        var compact = Regex.Replace(text.Trim(), @"(?i)^(\d{1,2})\s*(am|pm)$", "$1:00 $2");
        if (!DateTime.TryParse(compact, EnglishUnitedStates.Culture, DateTimeStyles.None, out var when)) return null;
        // A time alone is today's, on the computer's clock.
        var dated = text.Contains('-', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal);
        return new DateTimeOffset(DateTime.SpecifyKind(dated ? when : Time.GetUtcNow().UtcDateTime.Date + when.TimeOfDay, DateTimeKind.Unspecified), TimeSpan.Zero);
    }

    private static string Boundary(DateTimeOffset? when) => when is { } w ? w.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) : string.Empty;

    internal static PsObject TaskActionObject(ScheduledTasks.ExecAction action)
    {
        var o = new PsObject(TaskTypeNames("MSFT_TaskExecAction")) { ToStringValue = "MSFT_TaskExecAction" };
        o.AdaptedProperties.AddRange(
        [
            new("Id", PsNil.Instance),
            new("Arguments", action.Arguments is { } a ? PsPrimitive.String(a) : PsNil.Instance),
            new("Execute", PsPrimitive.String(action.Execute)),
            new("WorkingDirectory", action.WorkingDirectory is { } w ? PsPrimitive.String(w) : PsNil.Instance),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    internal static PsObject TaskTriggerObject(ScheduledTasks.Trigger trigger)
    {
        var cimClass = TriggerKinds.First(k => k.Kind == trigger.Kind).CimClass;
        var o = new PsObject(TaskTypeNames(cimClass)) { ToStringValue = cimClass };
        o.AdaptedProperties.AddRange(
        [
            new("Enabled", PsPrimitive.Boolean(true)),
            new("EndBoundary", PsNil.Instance),
            new("ExecutionTimeLimit", PsNil.Instance),
            new("Id", PsNil.Instance),
            new("Repetition", PsNil.Instance),
            new("StartBoundary", trigger.StartBoundary is { } start ? PsPrimitive.String(Boundary(start)) : PsNil.Instance),
        ]);
        switch (trigger.Kind)
        {
            case "Boot":
                o.AdaptedProperties.Add(new("Delay", PsNil.Instance));
                break;
            case "Logon":
                o.AdaptedProperties.Add(new("Delay", PsNil.Instance));
                o.AdaptedProperties.Add(new("UserId", trigger.UserId is { } u ? PsPrimitive.String(u) : PsNil.Instance));
                break;
            case "Daily":
                o.AdaptedProperties.Add(new("DaysInterval", PsPrimitive.Int16(1)));
                o.AdaptedProperties.Add(new("RandomDelay", PsNil.Instance));
                break;
            default:
                o.AdaptedProperties.Add(new("RandomDelay", PsNil.Instance));
                break;
        }

        o.AdaptedProperties.Add(new("PSComputerName", PsNil.Instance));
        return o;
    }

    private static PsObject TaskPrincipalObject(ScheduledTasks.ScheduledTask task)
    {
        var o = new PsObject(TaskTypeNames("MSFT_TaskPrincipal2")) { ToStringValue = "MSFT_TaskPrincipal2" };
        o.AdaptedProperties.AddRange(
        [
            new("DisplayName", PsNil.Instance),
            new("GroupId", task.LogonType == "Group" ? PsPrimitive.String(task.UserId) : PsNil.Instance),
            new("Id", PsPrimitive.String("Author")),
            new("LogonType", PsPrimitive.String(task.LogonType)),
            new("RunLevel", PsPrimitive.String(task.RunLevel)),
            new("UserId", task.LogonType == "Group" ? PsNil.Instance : PsPrimitive.String(task.UserId)),
            new("ProcessTokenSidType", PsPrimitive.String("Default")),
            new("RequiredPrivilege", PsNil.Instance),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // A task's instance text (its CIM key), which a task piped in is read back from (TaskKeyText).
    private static string ScheduledTaskText(ScheduledTasks.ScheduledTask task) => $"MSFT_ScheduledTask (TaskName = \"{task.Name}\", TaskPath = \"{task.Path}\")";

    // Its State at now: Running while a run started by Start-ScheduledTask or COM's Run counts as running.
    internal static PsObject ScheduledTaskObject(ScheduledTasks.ScheduledTask task, DateTimeOffset now)
    {
        var o = new PsObject(TaskTypeNames("MSFT_ScheduledTask")) { ToStringValue = ScheduledTaskText(task) };
        o.AdaptedProperties.AddRange(
        [
            new("Actions", PsObjects.List(task.Actions.Select(a => (PsValue)TaskActionObject(a)), ["Microsoft.Management.Infrastructure.CimInstance[]", "System.Array", "System.Object"])),
            new("Author", task.Author is { } author ? PsPrimitive.String(author) : PsNil.Instance),
            new("Date", PsNil.Instance),
            new("Description", task.Description.Length > 0 ? PsPrimitive.String(task.Description) : PsNil.Instance),
            new("Documentation", PsNil.Instance),
            new("Principal", TaskPrincipalObject(task)),
            new("SecurityDescriptor", PsNil.Instance),
            new("Settings", TaskSettingsObject(task.Settings)),
            new("Source", PsNil.Instance),
            new("State", PsPrimitive.String(!task.Enabled ? "Disabled" : task.RunningUntil is { } until && now < until ? "Running" : "Ready")),
            new("TaskName", PsPrimitive.String(task.Name)),
            new("TaskPath", PsPrimitive.String(task.Path)),
            new("Triggers", PsObjects.List(task.Triggers.Select(t => (PsValue)TaskTriggerObject(t)), ["Microsoft.Management.Infrastructure.CimInstance[]", "System.Array", "System.Object"])),
            new("URI", PsPrimitive.String(task.FullName)),
            new("Version", PsNil.Instance),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    /// <summary>A task's settings as MSFT_TaskSettings3 shows them (New-ScheduledTaskSettingsSet's object, a task's Settings).</summary>
    private static PsObject TaskSettingsObject(ScheduledTasks.TaskSettings settings)
    {
        var o = new PsObject(TaskTypeNames("MSFT_TaskSettings3")) { ToStringValue = "MSFT_TaskSettings3" };
        o.AdaptedProperties.AddRange(
        [
            new("AllowDemandStart", PsPrimitive.Boolean(true)),
            new("AllowHardTerminate", PsPrimitive.Boolean(true)),
            new("Compatibility", PsPrimitive.String("Vista")),
            new("DeleteExpiredTaskAfter", PsNil.Instance),
            new("DisallowStartIfOnBatteries", PsPrimitive.Boolean(settings.DisallowStartIfOnBatteries)),
            new("DisallowStartOnRemoteAppSession", PsPrimitive.Boolean(false)),
            new("Enabled", PsPrimitive.Boolean(settings.Enabled)),
            new("ExecutionTimeLimit", PsPrimitive.String(settings.ExecutionTimeLimit)),
            new("Hidden", PsPrimitive.Boolean(settings.Hidden)),
            new("MultipleInstances", PsPrimitive.String(settings.MultipleInstances)),
            new("Priority", PsPrimitive.Int32(settings.Priority)),
            new("RestartCount", PsPrimitive.Int32(settings.RestartCount)),
            new("RestartInterval", settings.RestartInterval is { } interval ? PsPrimitive.String(interval) : PsNil.Instance),
            new("RunOnlyIfIdle", PsPrimitive.Boolean(false)),
            new("RunOnlyIfNetworkAvailable", PsPrimitive.Boolean(settings.RunOnlyIfNetworkAvailable)),
            new("StartWhenAvailable", PsPrimitive.Boolean(settings.StartWhenAvailable)),
            new("StopIfGoingOnBatteries", PsPrimitive.Boolean(settings.StopIfGoingOnBatteries)),
            new("Volatile", PsPrimitive.Boolean(false)),
            new("WakeToRun", PsPrimitive.Boolean(settings.WakeToRun)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // The settings an MSFT_TaskSettings object given to Register-ScheduledTask holds (a missing property its default).
    private static ScheduledTasks.TaskSettings SettingsOf(PsObject settings)
    {
        var defaults = new ScheduledTasks.TaskSettings();
        bool Flag(string name, bool fallback) => settings[name] is PsPrimitive { Value: bool b } ? b : fallback;
        string? Text(string name) => settings[name] is PsPrimitive { Value: string t } ? t : null;
        int Number(string name, int fallback) => ScriptExpressions.AsNumberOrNull(settings[name]) is { } n ? (int)n : fallback;
        return new ScheduledTasks.TaskSettings
        {
            ExecutionTimeLimit = Text("ExecutionTimeLimit") ?? defaults.ExecutionTimeLimit,
            StartWhenAvailable = Flag("StartWhenAvailable", defaults.StartWhenAvailable),
            Hidden = Flag("Hidden", defaults.Hidden),
            DisallowStartIfOnBatteries = Flag("DisallowStartIfOnBatteries", defaults.DisallowStartIfOnBatteries),
            StopIfGoingOnBatteries = Flag("StopIfGoingOnBatteries", defaults.StopIfGoingOnBatteries),
            Enabled = Flag("Enabled", defaults.Enabled),
            MultipleInstances = Text("MultipleInstances") ?? defaults.MultipleInstances,
            Priority = Number("Priority", defaults.Priority),
            RestartCount = Number("RestartCount", defaults.RestartCount),
            RestartInterval = Text("RestartInterval"),
            RunOnlyIfNetworkAvailable = Flag("RunOnlyIfNetworkAvailable", defaults.RunOnlyIfNetworkAvailable),
            WakeToRun = Flag("WakeToRun", defaults.WakeToRun),
        };
    }

    /// <summary>
    /// When the Task Scheduler runs the task next: an enabled task's earliest trigger time after now (a one-time
    /// trigger's start while it is ahead, a daily one's next occurrence of its time); none for boot and logon triggers.
    /// </summary>
    internal static DateTimeOffset? NextRunTime(ScheduledTasks.ScheduledTask task, DateTimeOffset now)
    {
        if (!task.Enabled) return null;
        DateTimeOffset? next = null;
        foreach (var trigger in task.Triggers)
        {
            DateTimeOffset? at = trigger.Kind switch
            {
                "Time" when trigger.StartBoundary is { } start && start > now => start,
                "Daily" when trigger.StartBoundary is { } start => start > now ? start : start.AddDays(Math.Floor((now - start).TotalDays) + 1),
                _ => null,
            };
            if (at is { } candidate && (next is null || candidate < next)) next = candidate;
        }

        return next;
    }

    private static PsObject TaskInfoObject(ScheduledTasks.ScheduledTask task, DateTimeOffset now)
    {
        var o = new PsObject(TaskTypeNames("MSFT_TaskDynamicInfo")) { ToStringValue = "MSFT_TaskDynamicInfo" };
        o.AdaptedProperties.AddRange(
        [
            new("LastRunTime", task.LastRunTime is { } last ? PsPrimitive.DateTime(last) : PsNil.Instance),
            new("LastTaskResult", PsPrimitive.UInt32((uint)task.LastTaskResult)),
            new("NextRunTime", NextRunTime(task, now) is { } next ? PsPrimitive.DateTime(next) : PsNil.Instance),
            new("NumberOfMissedRuns", PsPrimitive.UInt32(0)),
            new("TaskName", PsPrimitive.String(task.Name)),
            new("TaskPath", PsPrimitive.String(task.Path)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
