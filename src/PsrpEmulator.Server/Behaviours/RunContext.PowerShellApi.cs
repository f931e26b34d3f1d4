using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The in-process PowerShell API, as Windows PowerShell 5.1 scripts run work side by side with it
/// (<c>$ps = [powershell]::Create(); [void]$ps.AddScript({ param($n) ... }).AddArgument(5); $h = $ps.BeginInvoke(); $ps.EndInvoke($h)</c>,
/// a <c>[runspacefactory]::CreateRunspacePool(1, 4)</c>, a <c>[hashtable]::Synchronized(@{})</c> passed to each):
/// <list type="bullet">
/// <item>AddScript (dot-sourced into the runspace's global scope, or its own scope with useLocalScope), AddCommand,
/// AddArgument, AddParameter, AddParameters; the commands make one pipeline.</item>
/// <item>Invoke runs it and gives its output; BeginInvoke runs it at once until it first waits (so most have ended when a
/// script first looks at the handle's IsCompleted), one that waits going on in the background; EndInvoke waits for its end
/// and gives the output; Stop stops one that runs.</item>
/// <item>It runs in a runspace of its own: fresh variables (a Runspace's kept from one invocation to the next, with what
/// its SessionStateProxy.SetVariable set), the arguments passed as the objects themselves, so a synchronized table or an
/// object passed in is the caller's.</item>
/// <item>Its errors go to Streams.Error (HadErrors), its warnings, verbose, debug and information records to their
/// streams, not to the caller's; a terminating error is InvocationStateInfo's Reason, State Failed, and Invoke's
/// MethodInvocationException.</item>
/// </list>
/// <item>An InitialSessionState's variable and function entries (SessionStateVariableEntry, SessionStateFunctionEntry)
/// start each runspace a pool or CreateRunspace made from it.</item>
/// Not emulated: the state's other
/// entries, Stop of a running pipeline, AddStatement, Commands but for its Clear().
/// </summary>
internal sealed partial class RunContext
{
    internal const string PowerShellTypeName = "System.Management.Automation.PowerShell";
    internal const string RunspaceFactoryTypeName = "System.Management.Automation.Runspaces.RunspaceFactory";
    private const string RunspacePoolTypeName = "System.Management.Automation.Runspaces.RunspacePool";
    private const string LocalRunspaceTypeName = "System.Management.Automation.Runspaces.LocalRunspace";
    private const string AsyncResultTypeName = "System.Management.Automation.PowerShellAsyncResult";
    private const string SessionStateProxyTypeName = "System.Management.Automation.Runspaces.SessionStateProxy";
    private const string OutputCollectionTypeName = "System.Management.Automation.PSDataCollection`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]";
    private const string ArgumentVariablePrefix = "PsrpEmulatorPowerShellArgument";
    private const string PSCommandTypeName = "System.Management.Automation.PSCommand";
    internal const string InitialSessionStateTypeName = "System.Management.Automation.Runspaces.InitialSessionState";
    internal const string SessionStateVariableEntryTypeName = "System.Management.Automation.Runspaces.SessionStateVariableEntry";
    internal const string SessionStateFunctionEntryTypeName = "System.Management.Automation.Runspaces.SessionStateFunctionEntry";
    private const string EntryCollectionTypeName = "System.Management.Automation.Runspaces.InitialSessionStateEntryCollection`1";

    // An InitialSessionState's entries (variables and functions each runspace made from it starts with), by the state
    // and by its Variables and Commands collections.
    private sealed class InitialEntries
    {
        public List<(string Name, PsValue Value)> Variables { get; } = [];
        public List<(string Name, string Definition)> Functions { get; } = [];
    }

    private static readonly ConditionalWeakTable<PsObject, InitialEntries> InitialStates = [];

    // The runspaces whose session state has its InitialSessionState's entries already (a runspace keeps its state).
    private static readonly ConditionalWeakTable<PsObject, PsObject> AppliedInitialStates = [];

    // A command of the pipeline: a script (run dot-sourced unless in a local scope) or a command's name, with its arguments
    // (a name for a parameter, null for a positional argument).
    private sealed record PowerShellCommand(string Text, bool IsScript, bool LocalScope, List<(string? Name, PsValue Value)> Arguments);

    private static readonly ConditionalWeakTable<PsObject, List<PowerShellCommand>> PowerShellCommands = [];

    // A Runspace's (and its SessionStateProxy's) session state, kept from one invocation to the next.
    private static readonly ConditionalWeakTable<PsObject, PipelineVariables> RunspaceVariables = [];

    // An invocation begun with BeginInvoke, by its handle: its output, and the error that ended it, when it ends.
    private static readonly ConditionalWeakTable<PsObject, Task<(PsObject Output, PsObject? Failure)>> BegunInvocations = [];

    // The invocation an instance runs now, for its Stop().
    private static readonly ConditionalWeakTable<PsObject, BackgroundJob> RunningInvocations = [];

    /// <summary>A BeginInvoke handle's IsCompleted, read when a script reads it (the invocation may end after the handle went out); null for another object.</summary>
    internal static bool? BegunIsCompleted(PsObject handle) => BegunInvocations.TryGetValue(handle, out var run) ? run.IsCompleted : null;

    /// <summary>[powershell]::Create() and [runspacefactory]'s CreateRunspacePool and CreateRunspace; null for another member.</summary>
    private PsValue? PowerShellApiStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments) => (typeName, member.ToUpperInvariant(), arguments?.Count ?? -1) switch
    {
        (PowerShellTypeName, "CREATE", 0) => NewPowerShell(),
        (RunspaceFactoryTypeName, "CREATERUNSPACEPOOL", >= 0 and <= 4) => WithInitialState(NewRunspacePool([.. arguments!.Where(a => !IsInitialState(a))]), arguments!),
        (RunspaceFactoryTypeName, "CREATERUNSPACE", >= 0 and <= 2) => WithInitialState(NewRunspace(), arguments!),
        (InitialSessionStateTypeName, "CREATEDEFAULT" or "CREATEDEFAULT2" or "CREATE", 0) => NewInitialSessionState(),
        (SessionStateVariableEntryTypeName, "NEW", 2 or 3 or 4) => NewVariableEntry(arguments!),
        (SessionStateFunctionEntryTypeName, "NEW", 2 or 3) => NewFunctionEntry(arguments!),
        _ => null,
    };

    private static bool IsInitialState(PsValue value) => value is PsObject { TypeNames: [InitialSessionStateTypeName, ..] };

    // A pool or runspace made from an InitialSessionState starts each invocation with its entries.
    private static PsObject WithInitialState(PsObject made, IReadOnlyList<PsValue> arguments)
    {
        if (arguments.FirstOrDefault(IsInitialState) is PsObject state) made.With("InitialSessionState", state);
        return made;
    }

    private static PsObject NewInitialSessionState()
    {
        var entries = new InitialEntries();
        var variables = PsObjects.List([], [EntryCollectionTypeName + "[[" + SessionStateVariableEntryTypeName + ", System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]);
        var commands = PsObjects.List([], [EntryCollectionTypeName + "[[System.Management.Automation.Runspaces.SessionStateCommandEntry, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]);
        var state = new PsObject([InitialSessionStateTypeName, "System.Object"]) { ToStringValue = InitialSessionStateTypeName }
            .With("Variables", variables).With("Commands", commands)
            .With("LanguageMode", "FullLanguage").With("ApartmentState", "Unknown").With("ThreadOptions", "Default").With("UseFullLanguageModeInDebugger", false);
        InitialStates.Add(state, entries);
        InitialStates.Add(variables, entries);
        InitialStates.Add(commands, entries);
        return state;
    }

    // SessionStateVariableEntry(name, value, description[, options[, attributes]]).
    private static PsObject NewVariableEntry(IReadOnlyList<PsValue> arguments) =>
        new PsObject([SessionStateVariableEntryTypeName, "System.Management.Automation.Runspaces.ConstrainedSessionStateEntry", "System.Management.Automation.Runspaces.InitialSessionStateEntry", "System.Object"])
            { ToStringValue = SessionStateVariableEntryTypeName }
            .With("Name", PipelineVariables.Display(arguments[0])).With("Value", arguments[1])
            .With("Description", arguments.Count > 2 && arguments[2] is not PsNil ? PipelineVariables.Display(arguments[2]) : string.Empty)
            .With("Options", "None").With("Visibility", "Public");

    // SessionStateFunctionEntry(name, definition[, helpFile]).
    private static PsObject NewFunctionEntry(IReadOnlyList<PsValue> arguments) =>
        new PsObject([SessionStateFunctionEntryTypeName, "System.Management.Automation.Runspaces.SessionStateCommandEntry", "System.Management.Automation.Runspaces.ConstrainedSessionStateEntry", "System.Management.Automation.Runspaces.InitialSessionStateEntry", "System.Object"])
            { ToStringValue = SessionStateFunctionEntryTypeName }
            .With("Name", PipelineVariables.Display(arguments[0]))
            .With("Definition", arguments[1] is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block } ? block : PipelineVariables.Display(arguments[1]))
            .With("CommandType", "Function").With("Visibility", "Public");

    private static PsObject NewPowerShell()
    {
        var commands = new List<PowerShellCommand>();
        var commandsObject = new PsObject([PSCommandTypeName, "System.Object"]) { ToStringValue = PSCommandTypeName };
        var shell = new PsObject([PowerShellTypeName, "System.Object"]) { ToStringValue = PowerShellTypeName }
            .With("Commands", commandsObject)
            .With("Streams", NewStreams())
            .With("InstanceId", PsPrimitive.Guid(Guid.NewGuid()))
            .With("InvocationStateInfo", InvocationStateInfo("NotStarted", null))
            .With("IsNested", false)
            .With("HadErrors", false)
            .With("Runspace", PsNil.Instance)
            .With("RunspacePool", PsNil.Instance)
            .With("IsRunspaceOwner", false)
            .With("HistoryString", PsNil.Instance);
        PowerShellCommands.Add(shell, commands);
        PowerShellCommands.Add(commandsObject, commands);
        return shell;
    }

    private static PsObject NewStreams()
    {
        var streams = new PsObject(["System.Management.Automation.PSDataStreams", "System.Object"]) { ToStringValue = "System.Management.Automation.PSDataStreams" };
        foreach (var (name, record) in new[] { ("Error", "ErrorRecord"), ("Progress", "ProgressRecord"), ("Verbose", "VerboseRecord"), ("Debug", "DebugRecord"), ("Warning", "WarningRecord"), ("Information", "InformationRecord") })
        {
            streams.With(name, PsObjects.List([], [$"System.Management.Automation.PSDataCollection`1[[System.Management.Automation.{record}, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]));
        }

        return streams;
    }

    private static PsObject InvocationStateInfo(string state, PsValue? reason) =>
        new PsObject(["System.Management.Automation.PSInvocationStateInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.PSInvocationStateInfo" }
            .With("State", state).With("Reason", reason ?? PsNil.Instance);

    // A pool of (min, max) runspaces; the emulator runs each invocation in a runspace of its own whatever the pool.
    private static PsObject NewRunspacePool(IReadOnlyList<PsValue> arguments)
    {
        var max = arguments.Count >= 2 && ScriptExpressions.AsNumberOrNull(arguments[1]) is { } given ? (int)given : 1;
        var min = arguments.Count >= 1 && ScriptExpressions.AsNumberOrNull(arguments[0]) is { } least ? (int)least : 1;
        if (arguments.Count >= 2 && (min < 1 || max < min))
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation("CreateRunspacePool", arguments.Count,
                max < min ? "The maximum pool size cannot be less than 1 or the minimum pool size." : "The minimum pool size cannot be less than 1.\r\nParameter name: minRunspaces", typeof(ArgumentException)));
        }

        return new PsObject([RunspacePoolTypeName, "System.Object"]) { ToStringValue = RunspacePoolTypeName }
            .With("InstanceId", PsPrimitive.Guid(Guid.NewGuid()))
            .With("IsDisposed", false)
            .With("RunspacePoolStateInfo", StateInfo("System.Management.Automation.Runspaces.RunspacePoolStateInfo", "BeforeOpen"))
            .With("ApartmentState", "Unknown")
            .With("ThreadOptions", "Default")
            .With("CleanupInterval", PsPrimitive.Duration(TimeSpan.FromMinutes(15)))
            .With("MinRunspaces", min)
            .With("MaxRunspaces", max);
    }

    private PsObject NewRunspace()
    {
        var runspace = new PsObject([LocalRunspaceTypeName, "System.Management.Automation.Runspaces.RunspaceBase", "System.Management.Automation.Runspaces.Runspace", "System.Object"])
            { ToStringValue = "System.Management.Automation.Runspaces.LocalRunspace" };
        var proxy = new PsObject([SessionStateProxyTypeName, "System.Object"]) { ToStringValue = SessionStateProxyTypeName };
        var variables = new PipelineVariables(new RunspaceState(time), host);
        RunspaceVariables.Add(runspace, variables);
        RunspaceVariables.Add(proxy, variables);
        return runspace
            .With("InstanceId", PsPrimitive.Guid(Guid.NewGuid()))
            .With("RunspaceStateInfo", StateInfo("System.Management.Automation.Runspaces.RunspaceStateInfo", "BeforeOpen"))
            .With("RunspaceAvailability", "None")
            .With("ApartmentState", "Unknown")
            .With("ThreadOptions", "Default")
            .With("SessionStateProxy", proxy);
    }

    private static PsObject StateInfo(string typeName, string state) =>
        new PsObject([typeName, "System.Object"]) { ToStringValue = state }.With("State", state).With("Reason", PsNil.Instance);

    /// <summary>Whether an object of this type may be one of this class's (a PowerShell instance, pool, runspace, state...).</summary>
    private static bool IsPowerShellApiType(string typeName) =>
        typeName is PowerShellTypeName or PSCommandTypeName or RunspacePoolTypeName or LocalRunspaceTypeName or SessionStateProxyTypeName or InitialSessionStateTypeName ||
        typeName.StartsWith(EntryCollectionTypeName, StringComparison.Ordinal);

    /// <summary>
    /// A method of a PowerShell instance, runspace pool, runspace or SessionStateProxy this class made; null for another
    /// object or method.
    /// </summary>
    private async ValueTask<PsValue?> PowerShellApiMethodAsync(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        var method = name.ToUpperInvariant();
        switch (target.TypeNames)
        {
            case [PowerShellTypeName, ..] when PowerShellCommands.TryGetValue(target, out var commands):
                return await PowerShellMethodAsync(target, commands, name, method, arguments);
            case [var collection, ..] when collection.StartsWith(EntryCollectionTypeName, StringComparison.Ordinal) && InitialStates.TryGetValue(target, out var entries) && method == "ADD" && arguments.Count == 1:
                // $iss.Variables.Add($entry), $iss.Commands.Add($functionEntry).
                foreach (var entry in ScriptExpressions.Enumerate(arguments[0]).OfType<PsObject>())
                {
                    target.Items.Add(entry);
                    if (entry.TypeNames is [SessionStateVariableEntryTypeName, ..]) entries.Variables.Add((PipelineVariables.Display(entry["Name"] ?? PsNil.Instance), entry["Value"] ?? PsNil.Instance));
                    else if (entry.TypeNames is [SessionStateFunctionEntryTypeName, ..]) entries.Functions.Add((PipelineVariables.Display(entry["Name"] ?? PsNil.Instance), PipelineVariables.Display(entry["Definition"] ?? PsNil.Instance)));
                }

                return PsNil.Instance;
            case [InitialSessionStateTypeName, ..] when method == "IMPORTPSMODULE" && arguments.Count == 1:
                // The in-box modules load by themselves when a command of theirs is first used.
                return PsNil.Instance;
            case [PSCommandTypeName, ..] when PowerShellCommands.TryGetValue(target, out var listed) && method == "CLEAR" && arguments.Count == 0:
                // $ps.Commands.Clear(): the instance is ready for other commands (in the same runspace).
                listed.Clear();
                return PsNil.Instance;
            case [RunspacePoolTypeName, ..]:
                return (method, arguments.Count) switch
                {
                    ("OPEN", 0) => SetState(target, "RunspacePoolStateInfo", "System.Management.Automation.Runspaces.RunspacePoolStateInfo", "Opened"),
                    ("CLOSE" or "DISPOSE", 0) => SetState(target, "RunspacePoolStateInfo", "System.Management.Automation.Runspaces.RunspacePoolStateInfo", "Closed"),
                    ("GETMAXRUNSPACES", 0) => target["MaxRunspaces"],
                    ("GETMINRUNSPACES", 0) => target["MinRunspaces"],
                    ("GETAVAILABLERUNSPACES", 0) => target["MaxRunspaces"],
                    ("SETMAXRUNSPACES", 1) => SetPoolSize(target, "MaxRunspaces", arguments[0], least: ((PsPrimitive)target["MinRunspaces"]!).Value is int min ? min : 1),
                    ("SETMINRUNSPACES", 1) => SetPoolSize(target, "MinRunspaces", arguments[0], least: 1),
                    _ => null,
                };
            case [LocalRunspaceTypeName, ..]:
                return (method, arguments.Count) switch
                {
                    ("OPEN", 0) => SetState(target, "RunspaceStateInfo", "System.Management.Automation.Runspaces.RunspaceStateInfo", "Opened"),
                    ("CLOSE" or "DISPOSE", 0) => SetState(target, "RunspaceStateInfo", "System.Management.Automation.Runspaces.RunspaceStateInfo", "Closed"),
                    _ => null,
                };
            case [SessionStateProxyTypeName, ..] when RunspaceVariables.TryGetValue(target, out var variables):
                switch (method, arguments.Count)
                {
                    case ("SETVARIABLE", 2):
                        variables.SetLocal(PipelineVariables.Display(arguments[0]), arguments[1]);
                        return PsNil.Instance;
                    case ("GETVARIABLE", 1):
                        return variables.Get(PipelineVariables.Display(arguments[0])) ?? PsNil.Instance;
                    default:
                        return null;
                }

            default:
                return null;
        }

        // Open, Close, Dispose: the pool's or runspace's state now.
        static PsValue SetState(PsObject target, string property, string typeName, string state)
        {
            target.With(property, StateInfo(typeName, state));
            if (state == "Closed" && target["IsDisposed"] is not null) target.With("IsDisposed", true);
            return PsNil.Instance;
        }

        static PsValue SetPoolSize(PsObject pool, string property, PsValue size, int least)
        {
            var value = ScriptExpressions.AsNumberOrNull(size) is { } number ? (int)number : 0;
            if (value < least) return PsPrimitive.Boolean(false);
            pool.With(property, value);
            return PsPrimitive.Boolean(true);
        }
    }

    private async ValueTask<PsValue?> PowerShellMethodAsync(PsObject shell, List<PowerShellCommand> commands, string name, string method, IReadOnlyList<PsValue> arguments)
    {
        switch (method, arguments.Count)
        {
            case ("ADDSCRIPT", 1 or 2):
                var script = arguments[0] is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block } ? block : PipelineVariables.Display(arguments[0]);
                var local = arguments.Count == 2 && ScriptExpressions.IsTrue(arguments[1]);
                commands.Add(new PowerShellCommand(script, IsScript: true, local, []));
                return shell;
            case ("ADDCOMMAND", 1 or 2):
                commands.Add(new PowerShellCommand(PipelineVariables.Display(arguments[0]), IsScript: false, LocalScope: true, []));
                return shell;
            case ("ADDARGUMENT", 1):
                LastCommand(name).Arguments.Add((null, arguments[0]));
                return shell;
            case ("ADDPARAMETER", 1 or 2):
                LastCommand(name).Arguments.Add((PipelineVariables.Display(arguments[0]), arguments.Count == 2 ? arguments[1] : PsPrimitive.Boolean(true)));
                return shell;
            case ("ADDPARAMETERS", 1):
                var last = LastCommand(name);
                if (arguments[0] is PsObject { CollectionKind: PsCollectionKind.Dictionary } table) last.Arguments.AddRange(table.Entries.Select(e => ((string?)PipelineVariables.Display(e.Key), e.Value)));
                else last.Arguments.AddRange(ScriptExpressions.Enumerate(arguments[0]).Select(v => ((string?)null, v)));
                return shell;
            case ("INVOKE", 0):
                var (output, failure) = await InvokePowerShellAsync(shell, commands);
                return failure is null ? output : throw Ended("Invoke", 0, failure);
            case ("BEGININVOKE", 0):
            {
                // It runs at once, on until it first waits (most run to their end there); one that waits (a loop with
                // Start-Sleep until its caller sets a flag) goes on in the background, its handle's IsCompleted false until it ends.
                var run = InvokePowerShellAsync(shell, commands).AsTask();
                if (run.IsFaulted) await run;
                var handle = new PsObject([AsyncResultTypeName, "System.Object"]) { ToStringValue = AsyncResultTypeName }
                    .With("CompletedSynchronously", false).With("AsyncState", PsNil.Instance)
                    .With("AsyncWaitHandle", new PsObject(["System.Threading.ManualResetEvent", "System.Threading.EventWaitHandle", "System.Threading.WaitHandle", "System.Object"]) { ToStringValue = "System.Threading.ManualResetEvent" });
                BegunInvocations.Add(handle, run);
                return handle;
            }

            case ("ENDINVOKE", 1):
                if (arguments[0] is PsObject begunHandle && BegunInvocations.TryGetValue(begunHandle, out var begun))
                {
                    var (begunOutput, begunFailure) = await begun;
                    // One that Stop() stopped: PipelineStoppedException, as EndInvoke rethrows it.
                    if (shell["InvocationStateInfo"] is PsObject stateInfo && PipelineVariables.Display(stateInfo["State"] ?? PsNil.Instance) == "Stopped")
                    {
                        throw new ScriptExpressionException(ScriptedError.MethodInvocation("EndInvoke", 1, "The pipeline has been stopped.", "System.Management.Automation.PipelineStoppedException"));
                    }

                    return begunFailure is null ? begunOutput : throw Ended("EndInvoke", 1, begunFailure);
                }

                throw new ScriptExpressionException(ScriptedError.MethodInvocation("EndInvoke", 1,
                    arguments[0] is PsNil ? "Value cannot be null.\r\nParameter name: asyncResult" : "Argument passed to this method is not a valid IAsyncResult from BeginInvoke.\r\nParameter name: asyncResult",
                    typeof(ArgumentException)));
            case ("STOP" or "DISPOSE", 0):
                // Stops the invocation running in the background, if one is.
                if (RunningInvocations.TryGetValue(shell, out var running)) await running.Stop.CancelAsync();
                return PsNil.Instance;
            default:
                return null;
        }

        PowerShellCommand LastCommand(string call) => commands.Count > 0 ? commands[^1]
            : throw new ScriptExpressionException(ScriptedError.MethodInvocation(call, arguments.Count,
                "A command is required to add a parameter. A command must be added to the PowerShell instance before adding a parameter.", "System.InvalidOperationException"));

        // The error that ended the pipeline, as the method's MethodInvocationException.
        static ScriptExpressionException Ended(string call, int count, PsObject failure) =>
            new(ScriptedError.MethodInvocation(call, count, PsrpEmulator.Protocol.Psrp.ErrorRecords.Read(failure).Message, "System.Management.Automation.RuntimeException"));
    }

    /// <summary>
    /// Runs the instance's commands as one pipeline in a runspace of its own (its Runspace's when one is set) and gives
    /// its output, and the error that ended it when one did; its other streams go to the instance's Streams.
    /// </summary>
    private async ValueTask<(PsObject Output, PsObject? Failure)> InvokePowerShellAsync(PsObject shell, List<PowerShellCommand> commands)
    {
        if (commands.Count == 0)
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation("Invoke", 0, "No commands are specified.", "System.Management.Automation.PSInvalidOperationException"));
        }

        if (Depth >= MaxDepth) throw new ScenarioRuntimeException($"behaviours nest deeper than {MaxDepth} levels running a PowerShell instance");
        var runspace = shell["Runspace"] as PsObject;
        var variables = runspace is not null && RunspaceVariables.TryGetValue(runspace, out var kept) ? kept : new PipelineVariables(new RunspaceState(time), host);
        var text = new System.Text.StringBuilder();
        // An InitialSessionState's variables and functions (its pool's, or its runspace's before its first invocation).
        if ((runspace ?? shell["RunspacePool"] as PsObject) is { } made && made["InitialSessionState"] is PsObject state && InitialStates.TryGetValue(state, out var initial) &&
            (runspace is null || !AppliedInitialStates.TryGetValue(runspace, out _)))
        {
            foreach (var (name, value) in initial.Variables) variables.SetLocal(name, value);
            foreach (var (name, definition) in initial.Functions) text.Append("function ").Append(name).Append(" {").Append(definition).Append("}; ");
            if (runspace is not null) AppliedInitialStates.AddOrUpdate(runspace, state);
        }

        var prelude = text.Length;
        var argumentIndex = 0;
        foreach (var command in commands)
        {
            if (text.Length > prelude) text.Append(" | ");
            text.Append(command.IsScript ? (command.LocalScope ? "& {" : ". {") + command.Text + "}" : command.Text);
            foreach (var (parameter, value) in command.Arguments)
            {
                var variable = ArgumentVariablePrefix + argumentIndex++.ToString(System.Globalization.CultureInfo.InvariantCulture);
                variables.SetLocal(variable, value);
                text.Append(parameter is null ? $" ${variable}" : $" -{parameter.TrimStart('-')}:${variable}");
            }
        }

        // The output is captured as a job's is (its writes wait when it holds many; they are taken as they come).
        var capture = new BackgroundJob(0, "PowerShell", text.ToString(), time.GetUtcNow())
        {
            SessionEnvironment = host.EnvironmentVariable,
            SessionAutomaticVariables = variable => variable.Equals("PSSenderInfo", StringComparison.OrdinalIgnoreCase) ? null : host.AutomaticVariable(variable),
        };
        capture.FileSystem = host.FileSystem;
        shell.With("InvocationStateInfo", InvocationStateInfo("Running", null));
        // It ends when its caller's pipeline is stopped, its Stop() is called, or the session closes.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, capture.Stop.Token, scope.Variables.Runspace.Closed);
        var context = new RunContext(capture, time, variables.Stamping(ErrorRecords), new RunScope(new Dictionary<string, string>(), variables), stop.Token, Catalog, Depth + 1);
        RunningInvocations.AddOrUpdate(shell, capture);
        var run = StartJobStep.RunJobAsync(capture, context, text.ToString(), time, stop);

        var output = PsObjects.List([], [OutputCollectionTypeName, "System.Object"]);
        var streams = (PsObject)shell["Streams"]!;
        var errors = 0;
        PsObject? failure = null;
        var cursor = 0;
        try
        {
            while (true)
            {
                var finished = capture.IsFinished;
                var taken = capture.Take(keep: false, ref cursor, out var version);
                foreach (var record in taken)
                {
                    switch (record)
                    {
                        case PipelineOutput { Value: var value }:
                            output.Items.Add(value);
                            break;
                        case ErrorRecordMessage { Record: var error }:
                            ((PsObject)streams["Error"]!).Items.Add(error);
                            errors++;
                            failure = error;
                            break;
                        case var other when InformationalRecords.Of(other) is { } informational:
                            var stream = other switch { WarningRecordMessage => "Warning", VerboseRecordMessage => "Verbose", DebugRecordMessage => "Debug", _ => "Information" };
                            ((PsObject)streams[stream]!).Items.Add(informational);
                            break;
                    }

                    if (output.Items.Count > ScriptExpressions.MaxCollectionItems) throw new ScenarioRuntimeException($"a PowerShell instance's output is limited to {ScriptExpressions.MaxCollectionItems} objects in the emulator");
                }

                if (finished) break;
                await capture.WaitForChangeAsync(version, cancellationToken);
            }
        }
        catch
        {
            // The caller stopped, or the output outgrew the emulator's limit: the pipeline must not wait on writes nobody takes.
            await capture.Stop.CancelAsync();
            throw;
        }

        await run;
        var failed = capture.State == JobState.Failed;
        // The error that ended it is the invocation's Reason, not one of its stream's.
        if (failed && failure is not null && streams["Error"] is PsObject { Items: [.., var reason] } errorStream && ReferenceEquals(reason, failure)) errorStream.Items.RemoveAt(errorStream.Items.Count - 1);
        // A pipeline that failed reported its reason last (Finish), which is the error that ended it.
        // Its Reason is the exception that ended it (the error record's).
        shell.With("InvocationStateInfo", InvocationStateInfo(failed ? "Failed" : capture.State == JobState.Stopped ? "Stopped" : "Completed", failed ? failure?["Exception"] ?? failure : null));
        shell.With("HadErrors", errors > 0);
        return (output, failed ? failure : null);
    }
}
