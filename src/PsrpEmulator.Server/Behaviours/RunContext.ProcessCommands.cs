using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Process with its parameters, Stop-Process and Wait-Process (<c>gps</c>, <c>ps</c>, <c>spps</c>, <c>kill</c>), over
/// the processes a bare <c>Get-Process</c> lists (the default scenario's rule: Idle, System, svchost, the session's own
/// wsmprovhost; a scenario's rule for <c>Get-Process</c> lists its own), as ProcessBaseCommand chooses them: <c>-Name</c>
/// patterns (a name without wildcards that none matches is NoProcessFoundForGivenName), <c>-Id</c> (NoProcessFoundForGivenId),
/// <c>-InputObject</c> or piped Process objects; the chosen ones sorted by name, then id. Scripts check whether a program
/// runs with them (<c>Get-Process app -ErrorAction SilentlyContinue</c>, <c>Stop-Process -Name app -Force</c>).
/// The emulated computers' processes do not end: Stop-Process of Idle or System is Windows' "Access is denied", of another
/// process (the session's own among them) a scenario error; Wait-Process waits until the pipeline is stopped or its
/// <c>-Timeout</c> passes (ProcessNotTerminated), Idle and itself its errors.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly HashSet<string> ProcessCommandNames = new(StringComparer.Ordinal) { "Get-Process", "Stop-Process", "Wait-Process" };

    private const string ProcessCommandException = "Microsoft.PowerShell.Commands.ProcessCommandException";

    /// <summary>The -ComputerName values when every one names another computer; null when there is none or one is this computer.</summary>
    private async ValueTask<List<string>?> OtherComputersOnlyAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["ComputerName"] is not { } word) return null;
        var computers = ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)).Select(PipelineVariables.Display).ToList();
        return computers.Count > 0 && computers.All(c => c.Length > 0 && !ReachesThisComputer(c)) ? computers : null;
    }

    /// <summary>-ComputerName of a computer other than this one ("." and localhost are this one): a scenario error.</summary>
    private async ValueTask RefuseOtherComputerAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["ComputerName"] is not { } computerWord) return;
        var local = Host.EnvironmentVariable("COMPUTERNAME");
        foreach (var computer in ScriptExpressions.Enumerate(await ArgumentAsync(computerWord, to, blockNesting)).Select(PipelineVariables.Display))
        {
            if (!(computer == "." || computer.Equals("localhost", StringComparison.OrdinalIgnoreCase) || computer.Equals(local, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -ComputerName of another computer is not emulated: give the command a rule (match: its whole text)"));
            }
        }
    }

    private async ValueTask RunProcessCommandAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        foreach (var unsupported in new[] { "Module" })
        {
            if (arguments.Has(unsupported)) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -{unsupported} is not emulated: give the command a rule (match: its whole text)"));
        }

        await RefuseOtherComputerAsync(command, arguments, to, blockNesting);
        // With the programs of scheduled tasks running now (RunContext.TaskScheduler).
        var all = ScriptExpressions.Enumerate(await CaptureAsync("Get-Process", null, blockNesting + 1)).OfType<PsObject>().Where(p => ProcessId(p) is not null)
            .Concat(RunningTaskProcesses()).ToList();
        var chosen = new List<PsObject>();
        void Add(PsObject process)
        {
            if (!chosen.Any(c => ProcessId(c) == ProcessId(process) && ProcessName(c).Equals(ProcessName(process), StringComparison.OrdinalIgnoreCase))) chosen.Add(process);
        }

        var byName = arguments["Name"] ?? arguments["ProcessName"];
        var byId = arguments["Id"] ?? arguments["PID"] ?? arguments["ProcessId"];
        var byInput = arguments["InputObject"];
        if (byName is null && byId is null && byInput is null && piped.Count == 0)
        {
            if (command != "Get-Process")
            {
                throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {(command == "Stop-Process" ? "Id" : "Name")}.", "MissingMandatoryParameter"));
            }

            chosen.AddRange(all);
        }

        if (byName is not null)
        {
            foreach (var pattern in ScriptExpressions.Enumerate(await ArgumentAsync(byName, to, blockNesting)).Select(PipelineVariables.Display))
            {
                var wildcard = VirtualFileSystem.Wildcard(pattern);
                var found = all.Where(p => wildcard.IsMatch(ProcessName(p))).ToList();
                if (found.Count == 0 && !VirtualFileSystem.HasWildcard(pattern))
                {
                    await WriteErrorAsync(new ScriptedError($"Cannot find a process with the name \"{pattern}\". Verify the process name and call the cmdlet again.",
                        $"NoProcessFoundForGivenName,{CmdletClass(command)}", ErrorCategory.ObjectNotFound, ProcessCommandException, pattern) { Activity = command, TargetType = "String" }, output);
                }

                foreach (var process in found) Add(process);
            }
        }

        if (byId is not null)
        {
            foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(byId, to, blockNesting)))
            {
                if (ScriptExpressions.AsNumberOrNull(value) is not { } number || number != Math.Floor(number) || number is < int.MinValue or > int.MaxValue)
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot bind parameter 'Id'. Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
                        "CannotConvertArgumentNoMessage"));
                }

                var id = (int)number;
                if (all.FirstOrDefault(p => ProcessId(p) == id) is { } process)
                {
                    Add(process);
                    continue;
                }

                await WriteErrorAsync(new ScriptedError($"Cannot find a process with the process identifier {id}.", $"NoProcessFoundForGivenId,{CmdletClass(command)}",
                    ErrorCategory.ObjectNotFound, ProcessCommandException, id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    { Activity = command, TargetType = "Int32", TargetObject = PsPrimitive.Int32(id) }, output);
            }
        }

        var inputs = new List<PsValue>(piped);
        if (byInput is not null) inputs.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(byInput, to, blockNesting)));
        foreach (var item in inputs)
        {
            if (item is PsObject given && ProcessId(given) is { } id)
            {
                // The process as it is now (ProcessBaseCommand refreshes it), or as given when the list has it no more.
                Add(all.FirstOrDefault(p => ProcessId(p) == id) ?? given);
                continue;
            }

            throw new StatementTerminatedException(ParameterError(command,
                $"The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.",
                "InputObjectNotBound", PipelineVariables.Display(item)));
        }

        chosen.Sort((x, y) => string.Compare(ProcessName(x), ProcessName(y), StringComparison.OrdinalIgnoreCase) is var byNameOrder and not 0 ? byNameOrder : ProcessId(x)!.Value.CompareTo(ProcessId(y)!.Value));
        switch (command)
        {
            case "Get-Process" when arguments.Has("FileVersionInfo"):
                foreach (var process in chosen)
                {
                    // The version resource of the process's main module: none for Idle, System and Registry, and a protected
                    // process's cannot be opened (GetProcessCommand's CouldnotEnumerateFileVer, PermissionDenied).
                    if (process["Path"] is PsPrimitive { Value: string { Length: > 0 } path } && WindowsProcesses.Find(ProcessId(process)!.Value) is not { Protected: true })
                    {
                        var name = path[(path.LastIndexOf('\\') + 1)..];
                        await output.WriteAsync(new PipelineOutput(FileVersionInfoObject(path, name, windows: process["FileVersion"] is PsPrimitive)), cancellationToken);
                        continue;
                    }

                    await WriteErrorAsync(new ScriptedError($"Cannot enumerate the file version information of the \"{ProcessName(process)}\" process.",
                        "CouldnotEnumerateFileVer,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.PermissionDenied, ProcessCommandException, process.ToStringValue)
                        { Activity = "Get-Process", InnerExceptionType = "System.ComponentModel.Win32Exception", TargetObject = process }, output);
                }

                break;
            case "Get-Process":
                var withUserName = arguments.Has("IncludeUserName");
                foreach (var process in chosen) await output.WriteAsync(new PipelineOutput(withUserName ? WithUserName(process) : process), cancellationToken);
                break;
            case "Stop-Process":
                await StopProcessesAsync(arguments, chosen, output);
                break;
            default:
                await WaitProcessesAsync(arguments, chosen, to, output, blockNesting);
                break;
        }
    }

    private async ValueTask StopProcessesAsync(StageArguments arguments, List<PsObject> chosen, IPipelineHost output)
    {
        foreach (var process in chosen)
        {
            var name = ProcessName(process);
            var id = ProcessId(process)!.Value;
            if (await WhatIfAsync(arguments, "Stop-Process", $"{name} ({id})")) continue;
            if (process["HasExited"] is PsPrimitive { Value: true })
            {
                if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(process), cancellationToken);
                continue;
            }

            switch (EndProcess(id))
            {
                case ProcessEnd.Ended:
                    if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(process), cancellationToken);
                    continue;
                case ProcessEnd.AccessDenied:
                    // Process.Kill's Win32Exception.
                    await WriteErrorAsync(new ScriptedError($"Cannot stop process \"{name} ({id})\" because of the following error: Access is denied",
                        "CouldNotStopProcess,Microsoft.PowerShell.Commands.StopProcessCommand", ErrorCategory.CloseError, ProcessCommandException, process.ToStringValue)
                        { Activity = "Stop-Process", InnerExceptionType = "System.ComponentModel.Win32Exception", TargetObject = process }, output);
                    continue;
            }

            var what = Host.AutomaticVariable("PID") is PsPrimitive { Value: int own } && own == id ? "the session's own process (it would end the session)" : $"process \"{name} ({id})\"";
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Stop-Process of {what} is not emulated: the emulated computers' processes do not end; give the command a rule (match: its whole text)"));
        }
    }

    private enum ProcessEnd
    {
        Ended,
        AccessDenied,
        NotEmulated,
    }

    /// <summary>
    /// Ends a process as TerminateProcess would: the process of services (not a critical one) ends and the Service
    /// Control Manager finds them stopped (as after a crash; no System log entry here, UNVERIFIED: 7034, and no recovery
    /// action runs); Windows protects the Idle and System processes and the protected services' (Defender's): access
    /// denied, as it protects smss, csrss, wininit and services (PPL). The emulated computers' other processes do not end
    /// (the caller's scenario error).
    /// </summary>
    private ProcessEnd EndProcess(int id)
    {
        var hosting = id == ListeningSockets.ServiceHostId ? null : ServiceProcesses.Running(Services).FirstOrDefault(h => h.Id == id);
        if (hosting is not null && !ServiceProcesses.IsCritical(hosting.Name) && !ServiceProcesses.IsProtected(hosting.Name) && Host.ServiceStates is { } states)
        {
            foreach (var service in hosting.Services) states.SetStatus(service.Name, "Stopped");
            return ProcessEnd.Ended;
        }

        if (id is 0 or 4 || hosting is not null && ServiceProcesses.IsProtected(hosting.Name) || WindowsProcesses.Find(id) is { Protected: true }) return ProcessEnd.AccessDenied;
        return ProcessEnd.NotEmulated;
    }

    private async ValueTask WaitProcessesAsync(StageArguments arguments, List<PsObject> chosen, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        int? timeout = null;
        if ((arguments["Timeout"] ?? arguments["TimeoutSec"]) is { } timeoutWord)
        {
            var value = await ArgumentAsync(timeoutWord, to, blockNesting);
            if (ScriptExpressions.AsNumberOrNull(value) is not { } seconds || seconds != Math.Floor(seconds))
            {
                throw new StatementTerminatedException(ParameterError("Wait-Process",
                    $"Cannot bind parameter 'Timeout'. Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
                    "CannotConvertArgumentNoMessage"));
            }

            if (seconds is < 0 or > 32767)
            {
                throw new StatementTerminatedException(ParameterError("Wait-Process",
                    $"Cannot validate argument on parameter 'Timeout'. The {seconds} argument is {(seconds < 0 ? "less than the minimum allowed range of 0" : "greater than the maximum allowed range of 32767")}. Supply an argument that is {(seconds < 0 ? "greater than or equal to 0" : "less than or equal to 32767")} and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            timeout = (int)seconds;
        }

        var own = Host.AutomaticVariable("PID") is PsPrimitive { Value: int pid } ? pid : (int?)null;
        var waited = new List<PsObject>();
        foreach (var process in chosen)
        {
            var id = ProcessId(process)!.Value;
            if (id == 0 || id == own)
            {
                var (message, errorId) = id == 0
                    ? ("This command stopped operation because it cannot wait on 'System Idle' process. Specify another process and Run your command again.", "WaitOnIdleProcess")
                    : ("This command stopped operation because it cannot wait on itself. Specify another process and Run your command again.", "WaitOnItself");
                await WriteErrorAsync(new ScriptedError(message, $"{errorId},Microsoft.PowerShell.Commands.WaitProcessCommand", ErrorCategory.ObjectNotFound, ProcessCommandException, process.ToStringValue)
                    { Activity = "Wait-Process", TargetObject = process }, output);
                continue;
            }

            if (process["HasExited"] is not PsPrimitive { Value: true }) waited.Add(process);
        }

        if (waited.Count == 0) return;

        // None of them ends: the wait lasts until the timeout, or until the pipeline is stopped.
        await Task.Delay(timeout is { } seconds2 ? TimeSpan.FromSeconds(seconds2) : Timeout.InfiniteTimeSpan, time, cancellationToken);
        foreach (var process in waited)
        {
            await WriteErrorAsync(new ScriptedError($"This command stopped operation because process \"{ProcessName(process)} ({ProcessId(process)})\" is not stopped in the specified time-out.",
                "ProcessNotTerminated,Microsoft.PowerShell.Commands.WaitProcessCommand", ErrorCategory.CloseError, "System.TimeoutException", process.ToStringValue)
                { Activity = "Wait-Process", TargetObject = process }, output);
        }
    }

    // Get-Process -IncludeUserName: the process with its owner (GetProcessCommand.AddUserNameToProcess).
    private PsObject WithUserName(PsObject process)
    {
        var userName = process["UserName"] is { } given and not PsNil ? given
            : ProcessOwner(ProcessId(process) ?? -1, ProcessName(process)) is { } owner ? PsPrimitive.String(owner) : PsNil.Instance;
        var copy = (PsObject)ScriptExpressions.DeepCopy(process);
        copy.TypeNames = ["System.Diagnostics.Process#IncludeUserName", .. copy.TypeNames ?? []];
        return copy.With("UserName", userName);
    }

    /// <summary>
    /// The account a process of the computer runs as (DOMAIN\user): System's is SYSTEM, the session's own process its
    /// user's, svchost's NETWORK SERVICE (the default computer's one service host); null for Idle and a scenario's own.
    /// </summary>
    private string? ProcessOwner(int id, string name) => id switch
    {
        0 => null,
        4 => @"NT AUTHORITY\SYSTEM",
        _ when Host.AutomaticVariable("PID") is PsPrimitive { Value: int own } && own == id => $"{Host.EnvironmentVariable("USERDOMAIN")}\\{Host.EnvironmentVariable("USERNAME")}",
        ListeningSockets.ServiceHostId when name.Equals("svchost", StringComparison.OrdinalIgnoreCase) => @"NT AUTHORITY\NETWORK SERVICE",
        _ when WindowsProcesses.Find(id) is { } windows && windows.Name.Equals(name, StringComparison.OrdinalIgnoreCase) => windows.Owner,
        // A process running services runs as their account (the first's, by name).
        _ when ServiceProcesses.Running(Services).FirstOrDefault(h => h.Id == id) is { } hosting => hosting.Account(Host.EnvironmentVariable("COMPUTERNAME")),
        _ => null,
    };

    private static int? ProcessId(PsObject process) => process["Id"] is { } id && ScriptExpressions.AsNumberOrNull(id) is { } n ? (int)n : null;

    private static string ProcessName(PsObject process) => (process["ProcessName"] ?? process["Name"]) is { } name ? PipelineVariables.Display(name) : string.Empty;
}
