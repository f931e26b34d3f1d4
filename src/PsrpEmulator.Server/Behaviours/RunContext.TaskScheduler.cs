using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The Task Scheduler's COM API (<c>New-Object -ComObject Schedule.Service</c>) as the elevated-command wrappers of
/// Packer, winrm-elevated (Vagrant, Test Kitchen) and packer-plugin-windows-update drive it, over the computer's task
/// library (<see cref="ScheduledTasks"/>, what Get-ScheduledTask and schtasks see): <c>Connect()</c>, <c>NewTask(0)</c>
/// (a definition whose <c>XmlText</c> the script sets), <c>GetFolder(path)</c>, the folder's
/// <c>RegisterTaskDefinition(name, definition, flags, user, password, logonType, sddl)</c> (the task XML's Exec action,
/// principal and description; flag 4, update, replaces), <c>GetTask(path)</c> and <c>DeleteTask(name, 0)</c>, and the
/// registered task's <c>Run(params)</c>, <c>State</c> and <c>LastTaskResult</c>. <c>Run</c> runs the action at once as
/// the computer's command line (<c>cmd /c script &gt; log 2&gt;&amp;1</c>: its output goes where its redirections say;
/// %VARIABLES% expanded from the session's environment), records the run and its exit code, and the task is Running (4)
/// for a second on the server's clock, as the process would be on Windows, then Ready (3), so the wrappers' two polling
/// loops (wait for 4, then read the log until 3) end at once; meanwhile the program the line starts is a process
/// (Get-Process, Win32_Process), whose HasExited turns True when the second is over (winrm-elevated's newest wrapper waits
/// on it). Running waits for nothing the task does. Other COM
/// classes, the definition's object model (<c>$t.Actions.Create(0)</c>) and other members are scenario errors;
/// UNVERIFIED: the COM objects' type names and the exact running time.
/// </summary>
internal sealed partial class RunContext
{
    private const string ComObjectTypeName = "System.__ComObject";
    private const string TaskXmlNamespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";
    private const int TaskStateReady = 3, TaskStateRunning = 4, TaskStateDisabled = 1;

    // SCHED_S_TASK_RUNNING: LastTaskResult while the task runs.
    private const int TaskRunningResult = 267009;

    // How long a run counts as running after its action ended (a process's start and end on Windows).

    private enum ComKind
    {
        TaskService,
        TaskDefinition,
        TaskFolder,
        RegisteredTask,
        RunningTask,

        // WSH's objects (RunContext.WScriptShell), after the Task Scheduler's.
        WshShell,
        WshEnvironment,
        WshSpecialFolders,
        WshShortcut,
        WshUrlShortcut,
        WshScriptExec,
        WshTextStream,
    }

    /// <summary>What a COM object the emulator made stands for: its kind, its folder or task, and the library.</summary>
    private sealed record ComState(ComKind Kind, ScheduledTasks? Library, TimeProvider Clock, string Path = @"\", string? TaskName = null);

    private static readonly ConditionalWeakTable<PsObject, ComState> ComObjects = [];

    /// <summary>New-Object -ComObject: Schedule.Service, WScript.Shell; another ProgID is a scenario error.</summary>
    private PsObject NewComObject(string progId)
    {
        if (progId.Trim().ToUpperInvariant() is "WSCRIPT.SHELL" or "WSCRIPT.SHELL.1") return NewWshShell();
        if (!progId.Trim().Equals("Schedule.Service", StringComparison.OrdinalIgnoreCase) && !progId.Trim().Equals("Schedule.Service.1", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Object -ComObject {progId.Trim()} is not emulated: give the command a rule"));
        }

        return ComObject(new ComState(ComKind.TaskService, Host.ScheduledTasks, time), "2faba4c7-4da9-4013-9697-20cc3fd40f85")
            .With("Connected", false)
            .With("TargetServer", PsNil.Instance)
            .With("HighestVersion", PsPrimitive.UInt32(65540));
    }

    private static PsObject ComObject(ComState state, string interfaceId)
    {
        var o = new PsObject([$"{ComObjectTypeName}#{{{interfaceId}}}", ComObjectTypeName, "System.MarshalByRefObject", "System.Object"]) { ToStringValue = ComObjectTypeName };
        ComObjects.Add(o, state);
        return o;
    }

    /// <summary>A method of a COM object the emulator made (the Task Scheduler's, WSH's); null for another object.</summary>
    private async ValueTask<PsValue?> ComObjectMethodAsync(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!ComObjects.TryGetValue(target, out var state)) return null;
        if (state.Kind is >= ComKind.WshShell) return await WshMethodAsync(target, state, name, arguments);
        var method = name.ToUpperInvariant();
        switch (state.Kind, method)
        {
            case (ComKind.TaskService, "CONNECT") when arguments.Count <= 4:
                if (arguments.Count > 0 && arguments[0] is not PsNil && PipelineVariables.Display(arguments[0]) is { Length: > 0 } server &&
                    !CommandLineText.IsThisComputer(server, Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Schedule.Service's Connect to {server}: another computer's Task Scheduler is not emulated"));
                }

                target.With("Connected", true).With("TargetServer", (Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty).ToUpperInvariant());
                return PsNil.Instance;
            case (ComKind.TaskService, "NEWTASK") when arguments.Count == 1:
                return ComObject(state with { Kind = ComKind.TaskDefinition }, "f5bc8fc5-536d-4f77-b852-fbc1356fdeb6").With("XmlText", string.Empty);
            case (ComKind.TaskService or ComKind.TaskFolder, "GETFOLDER") when arguments.Count == 1:
                var folder = ScheduledTasks.NormalizePath(state.Kind == ComKind.TaskFolder ? state.Path + PipelineVariables.Display(arguments[0]).TrimStart('\\') : PipelineVariables.Display(arguments[0]));
                return ComObject(state with { Kind = ComKind.TaskFolder, Path = folder }, "8cfac062-a080-4c15-9a88-aa7c2af80dfc")
                    .With("Name", folder == @"\" ? @"\" : folder.TrimEnd('\\')[(folder.TrimEnd('\\').LastIndexOf('\\') + 1)..])
                    .With("Path", folder == @"\" ? @"\" : folder.TrimEnd('\\'));
            case (ComKind.TaskFolder, "REGISTERTASKDEFINITION") when arguments.Count == 7:
                return RegisterTaskDefinition(state, name, arguments);
            case (ComKind.TaskFolder, "GETTASK") when arguments.Count == 1:
            {
                var (path, taskName) = TaskPathOf(state.Path, PipelineVariables.Display(arguments[0]));
                if (Library(state).Find(taskName, path) is null) throw ComError(name, arguments.Count, "The system cannot find the file specified. (Exception from HRESULT: 0x80070002)");
                return RegisteredTaskObject(state, path, taskName);
            }

            case (ComKind.TaskFolder, "DELETETASK") when arguments.Count == 2:
            {
                var (path, taskName) = TaskPathOf(state.Path, PipelineVariables.Display(arguments[0]));
                if (Library(state).Find(taskName, path) is not { } task) throw ComError(name, arguments.Count, "The system cannot find the file specified. (Exception from HRESULT: 0x80070002)");
                Library(state).Remove(task);
                return PsNil.Instance;
            }

            case (ComKind.RegisteredTask, "RUN" or "RUNEX"):
                return await RunScheduledTaskAsync(state, name, arguments.Count);
            case (ComKind.RegisteredTask, "STOP") when arguments.Count == 1:
                Library(state).Update(Library(state).Find(state.TaskName!, state.Path)!, t => t with { RunningUntil = null });
                return PsNil.Instance;
            default:
                throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    $"The Task Scheduler's {state.Kind} method {name} (with {arguments.Count} argument(s)) is not emulated: give the script a rule"));
        }
    }

    private static ScheduledTasks Library(ComState state) =>
        state.Library ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault("this computer has no task library in the emulator"));

    private static ScriptExpressionException ComError(string method, int count, string message) =>
        new(ScriptedError.MethodInvocation(method, count, message, typeof(System.Runtime.InteropServices.COMException)));

    // "\name", "name" or "\folder\name" relative to a folder: the task's folder path and name.
    private static (string Path, string Name) TaskPathOf(string folder, string given)
    {
        var full = given.StartsWith('\\') ? given : folder + given;
        var slash = full.LastIndexOf('\\');
        return (ScheduledTasks.NormalizePath(full[..(slash + 1)]), full[(slash + 1)..]);
    }

    private PsValue RegisterTaskDefinition(ComState folder, string method, IReadOnlyList<PsValue> arguments)
    {
        var (path, taskName) = TaskPathOf(folder.Path, PipelineVariables.Display(arguments[0]));
        if (arguments[1] is not PsObject definition || definition["XmlText"] is not { } xmlValue)
        {
            throw ComError(method, arguments.Count, "The parameter is incorrect. (Exception from HRESULT: 0x80070057 (E_INVALIDARG))");
        }

        var (action, userId, logonType, runLevel, description) = ReadTaskXml(PipelineVariables.Display(xmlValue), method, arguments.Count);
        var flags = ScriptExpressions.AsNumberOrNull(arguments[2]) is { } n ? (int)n : 0;
        var user = arguments[3] is PsNil || PipelineVariables.Display(arguments[3]).Length == 0 ? userId ?? LogonOfSession() : PipelineVariables.Display(arguments[3]);
        var library = Library(folder);
        var task = new ScheduledTasks.ScheduledTask(path, taskName)
        {
            Actions = [action], UserId = user, Description = description ?? string.Empty, RunLevel = runLevel, LogonType = logonType ?? "Password",
            Author = LogonOfSession(),
        };
        // TASK_UPDATE (4) replaces a task of that name; TASK_CREATE alone refuses one.
        if (!library.TryRegister(task, replace: (flags & 4) != 0))
        {
            throw ComError(method, arguments.Count, "Cannot create a file when that file already exists. (Exception from HRESULT: 0x800700B7)");
        }

        return RegisteredTaskObject(folder, path, taskName);
    }

    // The task XML's first Exec action, principal and description (read as the Task Scheduler reads it: no DTD).
    private static (ScheduledTasks.ExecAction Action, string? UserId, string? LogonType, string RunLevel, string? Description) ReadTaskXml(string xml, string method, int count)
    {
        string? command = null, arguments = null, directory = null, userId = null, logonType = null, description = null;
        var runLevel = "Limited";
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1 << 20 };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                // ReadElementContentAsString moves past the element: the next node is read only when none was taken.
                if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != TaskXmlNamespace || reader.IsEmptyElement ||
                    reader.LocalName is not ("Command" or "Arguments" or "WorkingDirectory" or "UserId" or "LogonType" or "RunLevel" or "Description"))
                {
                    reader.Read();
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "Command" when command is null: command = reader.ReadElementContentAsString().Trim(); break;
                    case "Arguments" when arguments is null: arguments = reader.ReadElementContentAsString(); break;
                    case "WorkingDirectory" when directory is null: directory = reader.ReadElementContentAsString().Trim(); break;
                    case "UserId" when userId is null: userId = reader.ReadElementContentAsString().Trim(); break;
                    case "LogonType" when logonType is null: logonType = reader.ReadElementContentAsString().Trim(); break;
                    case "RunLevel": runLevel = reader.ReadElementContentAsString().Trim() == "HighestAvailable" ? "Highest" : "Limited"; break;
                    case "Description" when description is null: description = reader.ReadElementContentAsString(); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (XmlException e)
        {
            throw ComError(method, count, $"(1,1)::ERROR: incorrectly formatted XML: {e.Message}");
        }

        if (command is not { Length: > 0 })
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("a task definition without an Exec action (COM handlers, e-mail) is not emulated: give the script a rule"));
        }

        return (new ScheduledTasks.ExecAction(command, arguments, directory), userId, logonType, runLevel, description);
    }

    private PsObject RegisteredTaskObject(ComState folder, string path, string taskName) =>
        ComObject(folder with { Kind = ComKind.RegisteredTask, Path = path, TaskName = taskName }, "9c86f320-dee3-4dd1-b972-a303f26b061e")
            .With("Name", taskName)
            .With("Path", path + taskName);

    // COM's Run: the task's actions now (an action the emulator does not emulate is a scenario error), then a running object.
    private async ValueTask<PsValue> RunScheduledTaskAsync(ComState state, string method, int count)
    {
        var library = Library(state);
        if (library.Find(state.TaskName!, state.Path) is not { } task) throw ComError(method, count, "The system cannot find the file specified. (Exception from HRESULT: 0x80070002)");
        if (!task.Enabled) throw ComError(method, count, "The task is disabled. (Exception from HRESULT: 0x80041326)");
        await RunTaskActionsAsync(library, task, refuseNotEmulated: true);
        return ComObject(state with { Kind = ComKind.RunningTask }, "653758fb-7b9a-4f1e-a471-beeb8e9b834e").With("Name", task.Name).With("Path", task.FullName);
    }

    // A task's actions now (ScheduledTaskRunner); an action the emulator does not emulate is a scenario error when
    // refuseNotEmulated (COM's Run), else counted as run with result 0 (Start-ScheduledTask).
    private async ValueTask RunTaskActionsAsync(ScheduledTasks library, ScheduledTasks.ScheduledTask task, bool refuseNotEmulated) =>
        await ScheduledTaskRunner.RunAsync(Catalog, library, task, scope.Variables.EnvironmentVariable, CurrentDirectory,
            workingDirectory => new StartedProcessHost(new NativeCommandHost(this, host, null), Host.FileSystem, null, null, workingDirectory),
            name =>
            {
                if (refuseNotEmulated) throw new ScriptExpressionException(ScriptedError.ScenarioFault(NotEmulatedCommandScript.MessageFor(name).TrimEnd()));
            },
            time, cancellationToken).ConfigureAwait(false);

    // The processes of the computer's scheduled tasks running now (Get-Process and Win32_Process list them too).
    private IEnumerable<PsObject> RunningTaskProcesses()
    {
        if (Host.ScheduledTasks is not { } tasks) yield break;
        var now = time.GetUtcNow();
        foreach (var task in tasks.All())
        {
            if (task is not { RunningProcess: { } process, RunningUntil: { } until } || now >= until) continue;
            var name = System.IO.Path.GetFileNameWithoutExtension(process.Image);
            var path = WindowsCommands.ProgramOfPath(@"C:\Windows\System32\" + process.Image) is not null ? @"C:\Windows\System32\" + process.Image
                : process.Image == "powershell.exe" ? @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" : null;
            var o = ProcessObject(name, process.Id, process.Started, exitCode: null).With("CommandLine", process.CommandLine);
            if (path is not null) o.With("Path", path);
            TaskProcesses.AddOrUpdate(o, new RunWindow(until, time));
            yield return o;
        }
    }

    /// <summary>Until when a running task's process object runs, on which clock.</summary>
    private sealed record RunWindow(DateTimeOffset Until, TimeProvider Clock);

    private static readonly ConditionalWeakTable<PsObject, RunWindow> TaskProcesses = [];

    /// <summary>A running task's process's HasExited, read now (a waiting loop sees it end); null for another object or property.</summary>
    internal static PsValue? TaskProcessProperty(PsObject process, string property) =>
        property.Equals("HasExited", StringComparison.OrdinalIgnoreCase) && TaskProcesses.TryGetValue(process, out var run)
            ? PsPrimitive.Boolean(run.Clock.GetUtcNow() >= run.Until)
            : null;

    /// <summary>A registered task's live property (State, LastTaskResult, LastRunTime, Enabled) read now; null for another object or property.</summary>
    internal static PsValue? TaskSchedulerProperty(PsObject target, string property)
    {
        if (!ComObjects.TryGetValue(target, out var state) || state.Kind != ComKind.RegisteredTask || state.Library?.Find(state.TaskName!, state.Path) is not { } task) return null;
        var running = task.RunningUntil is { } until && state.Clock.GetUtcNow() < until;
        return property.ToUpperInvariant() switch
        {
            "STATE" => PsPrimitive.Int32(!task.Enabled ? TaskStateDisabled : running ? TaskStateRunning : TaskStateReady),
            "LASTTASKRESULT" => PsPrimitive.Int32(running ? TaskRunningResult : task.LastTaskResult),
            "LASTRUNTIME" => task.LastRunTime is { } ran ? PsPrimitive.DateTime(ran) : PsPrimitive.DateTime(new DateTimeOffset(1899, 12, 30, 0, 0, 0, TimeSpan.Zero)),
            "ENABLED" => PsPrimitive.Boolean(task.Enabled),
            _ => null,
        };
    }

    // The session's logon as the Task Scheduler names a user (DOMAIN\user).
    private string LogonOfSession() => $"{Host.EnvironmentVariable("USERDOMAIN")}\\{Host.EnvironmentVariable("USERNAME")}";

    /// <summary>[Runtime.InteropServices.Marshal]::ReleaseComObject of an object the emulator made: its count of references left, 0.</summary>
    private static PsValue? ReleaseComObject(IReadOnlyList<PsValue>? arguments) =>
        arguments is [PsObject o] && ComObjects.TryGetValue(o, out _) ? PsPrimitive.Int32(0) : null;
}
