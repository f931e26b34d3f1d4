namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's ScheduledTask Scheduler library, as the ScheduledTasks cmdlets (Register-, Get-, Unregister-, Enable-,
/// Disable-, Start-ScheduledTask, Get-ScheduledTaskInfo) and <c>schtasks</c> see and change it: the tasks a script
/// registers (their actions, triggers, principal and state) and a few of Windows' own under \Microsoft\Windows\
/// (UNVERIFIED: a real Windows Server 2019 has about 150). Start-ScheduledTask and schtasks /run record a run
/// (LastRunTime, result 0) without running its action; the COM API's Run (RunContext.TaskScheduler) runs it. Thread-safe:
/// the computer's sessions share it.
/// </summary>
public sealed class ScheduledTasks
{
    /// <summary>An action: a program, its arguments and working folder.</summary>
    public sealed record ExecAction(string Execute, string? Arguments, string? WorkingDirectory);

    /// <summary>A running action's process: its id, image file name (powershell.exe), command line and start.</summary>
    public sealed record TaskProcess(int Id, string Image, string CommandLine, DateTimeOffset Started);

    /// <summary>A trigger: its kind (Boot, Logon, Time, Daily) and, for the time ones, when it starts.</summary>
    public sealed record Trigger(string Kind, DateTimeOffset? StartBoundary = null, string? UserId = null);

    /// <summary>
    /// A task's settings (MSFT_TaskSettings3) as New-ScheduledTaskSettingsSet makes them: ExecutionTimeLimit as the
    /// XML duration the module writes (PT72H by default), the switches it has.
    /// </summary>
    public sealed record TaskSettings
    {
        public string ExecutionTimeLimit { get; init; } = "PT72H";
        public bool StartWhenAvailable { get; init; }
        public bool Hidden { get; init; }
        public bool DisallowStartIfOnBatteries { get; init; } = true;
        public bool StopIfGoingOnBatteries { get; init; } = true;
        public bool Enabled { get; init; } = true;
        public string MultipleInstances { get; init; } = "IgnoreNew";
        public int Priority { get; init; } = 7;
        public int RestartCount { get; init; }
        public string? RestartInterval { get; init; }
        public bool RunOnlyIfNetworkAvailable { get; init; }
        public bool WakeToRun { get; init; }
        public bool StopOnIdleEnd { get; init; } = true;
    }

    /// <summary>A registered task.</summary>
    public sealed record ScheduledTask(string Path, string Name)
    {
        public bool Enabled { get; init; } = true;
        public TaskSettings Settings { get; init; } = new();
        public string Description { get; init; } = string.Empty;
        public string? Author { get; init; }
        public IReadOnlyList<ExecAction> Actions { get; init; } = [];
        public IReadOnlyList<Trigger> Triggers { get; init; } = [];
        public string UserId { get; init; } = "SYSTEM";
        public string LogonType { get; init; } = "ServiceAccount";
        public string RunLevel { get; init; } = "Limited";
        public DateTimeOffset? LastRunTime { get; init; }

        /// <summary>The last run's result; 267011 (0x41303, SCHED_S_TASK_HAS_NOT_RUN) before any.</summary>
        public int LastTaskResult { get; init; } = 267011;

        /// <summary>Until when the task's last run counts as running (the Task Scheduler's COM API runs an action, RunContext.TaskScheduler).</summary>
        public DateTimeOffset? RunningUntil { get; init; }

        /// <summary>The program its running action shows as (Get-Process, Win32_Process) while <see cref="RunningUntil"/> has not passed.</summary>
        public TaskProcess? RunningProcess { get; init; }

        public string FullName => Path + Name;
    }

    // A script that loops over made-up tasks cannot grow the library without bound.
    private const int MaxTasks = 10_000;

    private readonly Lock _gate = new();
    private readonly List<ScheduledTask> _tasks =
    [
        new(@"\Microsoft\Windows\Defrag\", "ScheduledDefrag")
        {
            Description = "This task optimizes local storage drives.", Author = "Microsoft Corporation",
            Actions = [new(@"%windir%\system32\defrag.exe", "-c -h -o -$", null)], RunLevel = "Highest",
        },
        new(@"\Microsoft\Windows\Server Manager\", "ServerManager")
        {
            Description = "ScheduledTask for launching Initial Configuration Tasks or Server Manager at logon.", Author = "Microsoft Corporation",
            Actions = [new(@"%windir%\system32\ServerManagerLauncher.exe", null, null)], Triggers = [new("Logon")], UserId = "Users", LogonType = "Group",
        },
        new(@"\Microsoft\Windows\Time Synchronization\", "SynchronizeTime")
        {
            Description = "Maintains date and time synchronization on all clients and servers in the network.", Author = "Microsoft Corporation",
            Actions = [new(@"%windir%\system32\sc.exe", "start w32time task_started", null)], UserId = "LOCAL SERVICE",
        },
    ];

    /// <summary>Every task, by folder then name (as the library enumerates them).</summary>
    public IReadOnlyList<ScheduledTask> All()
    {
        lock (_gate) return [.. _tasks.OrderBy(t => t.Path, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A task by name, in <paramref name="path"/> (null: any folder, the root's first).</summary>
    public ScheduledTask? Find(string name, string? path = null)
    {
        lock (_gate)
        {
            return _tasks.Where(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase) && (path is null || string.Equals(t.Path, path, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(t => t.Path.Length).FirstOrDefault();
        }
    }

    /// <summary>Registers a task; with <paramref name="replace"/> one of the same name and folder is replaced. False when it exists (or the library is full).</summary>
    public bool TryRegister(ScheduledTask task, bool replace)
    {
        lock (_gate)
        {
            var index = _tasks.FindIndex(t => string.Equals(t.FullName, task.FullName, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                if (!replace) return false;
                _tasks[index] = task;
                return true;
            }

            if (_tasks.Count >= MaxTasks) return false;
            _tasks.Add(task);
            return true;
        }
    }

    public ScheduledTask? Update(ScheduledTask task, Func<ScheduledTask, ScheduledTask> change)
    {
        lock (_gate)
        {
            var index = _tasks.FindIndex(t => string.Equals(t.FullName, task.FullName, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return null;
            return _tasks[index] = change(_tasks[index]) with { Path = _tasks[index].Path, Name = _tasks[index].Name };
        }
    }

    public bool Remove(ScheduledTask task)
    {
        lock (_gate) return _tasks.RemoveAll(t => string.Equals(t.FullName, task.FullName, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    /// <summary>A folder path as the library writes it: starting and ending with a backslash.</summary>
    public static string NormalizePath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return @"\";
        var p = path.Replace('/', '\\');
        if (!p.StartsWith('\\')) p = @"\" + p;
        if (!p.EndsWith('\\')) p += @"\";
        return p;
    }
}
