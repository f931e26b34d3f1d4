using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Start-Service, Stop-Service, Restart-Service, Set-Service (<c>sasv</c>, <c>spsv</c>), Suspend-Service and Resume-Service
/// (RunContext.ServiceControl) on the services
/// <c>Get-Service</c> lists (the scenario's rules, the default's fifteen): by <c>-Name</c> (wildcards),
/// <c>-DisplayName</c>, <c>-InputObject</c> or piped ServiceControllers and names. The change is the computer's
/// (<see cref="ServiceStates"/>): a later Get-Service, Win32_Service, in any session, sees it where the objects follow
/// it (<c>{ $service: ... }</c>, as the default ones do). A Disabled service does not start (5.1's CouldNotStartService);
/// a name no service has is NoServiceFoundForGivenName; -WhatIf and -Confirm as ShouldProcess asks; -PassThru writes the
/// service as Get-Service now lists it. Stopping WinRM ends the computer's sessions once the statement is done
/// (ComputerRestarts.ServiceStopped).
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly HashSet<string> ServiceCommandNames = new(StringComparer.Ordinal) { "Get-Service", "Start-Service", "Stop-Service", "Restart-Service", "Set-Service", "Suspend-Service", "Resume-Service" };

    private async ValueTask RunServiceCommandAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (command == "Get-Service" && piped.Count == 0 && arguments["InputObject"] is null && await OtherComputersOnlyAsync(arguments, to, blockNesting) is { } others)
        {
            await ServicesOfOtherComputersAsync(arguments, others, to, output, blockNesting);
            return;
        }

        await RefuseOtherComputerAsync(command, arguments, to, blockNesting);
        var targets = await SelectServicesAsync(command, arguments, piped, to, output, blockNesting);
        if (command == "Get-Service")
        {
            await WriteServicesAsync(arguments, targets, to, output, blockNesting);
            return;
        }

        if (command is "Suspend-Service" or "Resume-Service")
        {
            await PauseOrContinueServicesAsync(command, arguments, targets, output, blockNesting);
            return;
        }

        var states = Host.ServiceStates ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));

        var startupType = arguments["StartupType"] is { } typeWord ? StartupType(PipelineVariables.Display(await ArgumentAsync(typeWord, to, blockNesting))) : null;
        var wantedStatus = arguments["Status"] is { } statusWord ? PipelineVariables.Display(await ArgumentAsync(statusWord, to, blockNesting)) : null;
        if (wantedStatus is not null && !(wantedStatus.Equals("Running", StringComparison.OrdinalIgnoreCase) || wantedStatus.Equals("Stopped", StringComparison.OrdinalIgnoreCase) || wantedStatus.Equals("Paused", StringComparison.OrdinalIgnoreCase)))
        {
            throw new StatementTerminatedException(ParameterError(command, $"Cannot validate argument on parameter 'Status'. The argument \"{wantedStatus}\" does not belong to the set \"Running,Stopped,Paused\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                "ParameterArgumentValidationError", wantedStatus));
        }

        foreach (var service in targets)
        {
            var name = Name(service);
            var display = service["DisplayName"] is { } shown ? PipelineVariables.Display(shown) : name;
            if (await WhatIfAsync(arguments, command, $"{display} ({name})")) continue;
            var status = states.Status(name) ?? (service["Status"] is { } s ? PipelineVariables.Display(s) : "Stopped");
            var startType = states.StartType(name) ?? (service["StartType"] is { } t ? PipelineVariables.Display(t) : "Manual");
            if (command == "Set-Service" && startupType is not null)
            {
                states.SetStartType(name, startupType);
                startType = startupType;
            }

            if (command == "Set-Service" && (arguments["DisplayName"] is not null || arguments["Description"] is not null))
            {
                // A new display name and description (ChangeServiceConfig / ChangeServiceConfig2), which Get-Service,
                // Win32_Service, sc and the registry then show.
                var newName = arguments["DisplayName"] is { } n ? PipelineVariables.Display(await ArgumentAsync(n, to, blockNesting)) : null;
                var newDescription = arguments["Description"] is { } d ? PipelineVariables.Display(await ArgumentAsync(d, to, blockNesting)) : null;
                if (!Services.TryReconfigure(name, s => s with { DisplayName = newName ?? s.DisplayName, Description = newDescription ?? s.Description }))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Set-Service -DisplayName / -Description of {name}, a service the scenario's rules list without a services: entry, is not emulated: give the command a rule (match: its whole text)"));
                }
            }

            var start = command is "Start-Service" or "Restart-Service" || command == "Set-Service" && wantedStatus?.Equals("Running", StringComparison.OrdinalIgnoreCase) == true;
            var stop = command is "Stop-Service" or "Restart-Service" || command == "Set-Service" && wantedStatus?.Equals("Stopped", StringComparison.OrdinalIgnoreCase) == true;
            if (stop && status.Equals("Running", StringComparison.OrdinalIgnoreCase) && service["CanStop"] is { } canStop && !ScriptExpressions.IsTrue(canStop))
            {
                // ServiceController.Stop fails on a service that does not accept the stop control (RPC, the firewall,
                // the Task Scheduler...): StopServiceCommand's error, and the next service.
                await WriteErrorAsync(new ScriptedError($"Service '{display} ({name})' cannot be stopped due to the following error: Cannot stop {name} service on computer '.'.",
                    $"CouldNotStopService,{CmdletClass(command)}", ErrorCategory.CloseError, "Microsoft.PowerShell.Commands.ServiceCommandException", "System.ServiceProcess.ServiceController")
                { Activity = command, InnerExceptionType = "System.InvalidOperationException", TargetType = "ServiceController", ExceptionProperties = ServiceNameOf(name) }, output);
                continue;
            }

            // DoStopService's list: the running dependents it stopped, then the service; Stop-Service -PassThru writes
            // them all, and Restart-Service starts them all again (the dependents too).
            List<ServiceDefinition> stoppedDependents = [];
            if (stop && !status.Equals("Stopped", StringComparison.OrdinalIgnoreCase) && RunningDependents(name) is { Count: > 0 } dependents)
            {
                // ServiceController.Stop would stop the services that depend on this one: StopServiceCommand refuses
                // without -Force (ServiceHasDependentServices), and with it stops them first.
                if (!arguments.Has("Force"))
                {
                    await WriteErrorAsync(new ScriptedError($"Cannot stop service '{display} ({name})' because it has dependent services. It can only be stopped if the Force flag is set.",
                        $"ServiceHasDependentServices,{CmdletClass(command)}", ErrorCategory.InvalidOperation, "Microsoft.PowerShell.Commands.ServiceCommandException", "System.ServiceProcess.ServiceController")
                    { Activity = command, TargetType = "ServiceController", ExceptionProperties = ServiceNameOf(name) }, output);
                    continue;
                }

                foreach (var dependent in dependents) states.SetStatus(dependent.Name, "Stopped", dependent.DisplayName);
                stoppedDependents = dependents;
            }

            // A change of state is the System log's entry (a service already stopped writes none).
            if (stop) states.SetStatus(name, "Stopped", status.Equals("Stopped", StringComparison.OrdinalIgnoreCase) ? null : display);
            if (start)
            {
                // A running service is left alone (unless it was just stopped to restart).
                var running = status.Equals("Running", StringComparison.OrdinalIgnoreCase) && !stop;
                if (startType.Equals("Disabled", StringComparison.OrdinalIgnoreCase) && !running)
                {
                    // ServiceController.Start fails on a disabled service: the command's error, and the next service.
                    await WriteErrorAsync(new ScriptedError($"Service '{display} ({name})' cannot be started due to the following error: Cannot start service {name} on computer '.'.",
                        $"CouldNotStartService,{CmdletClass(command)}", ErrorCategory.OpenError, "Microsoft.PowerShell.Commands.ServiceCommandException", "System.ServiceProcess.ServiceController")
                    { Activity = command, InnerExceptionType = "System.InvalidOperationException", TargetType = "ServiceController", ExceptionProperties = ServiceNameOf(name) }, output);
                    continue;
                }

                // The Service Control Manager starts the services it depends on first; one that cannot start (disabled)
                // fails the start (ERROR_SERVICE_DEPENDENCY_FAIL, the same message outside).
                var needed = running ? [] : StoppedDependencies(name);
                if (needed.Any(n => Services.CurrentStartType(n).Equals("Disabled", StringComparison.OrdinalIgnoreCase)))
                {
                    await WriteErrorAsync(new ScriptedError($"Service '{display} ({name})' cannot be started due to the following error: Cannot start service {name} on computer '.'.",
                        $"CouldNotStartService,{CmdletClass(command)}", ErrorCategory.OpenError, "Microsoft.PowerShell.Commands.ServiceCommandException", "System.ServiceProcess.ServiceController")
                    { Activity = command, InnerExceptionType = "System.InvalidOperationException", TargetType = "ServiceController", ExceptionProperties = ServiceNameOf(name) }, output);
                    continue;
                }
                foreach (var dependency in needed) states.SetStatus(dependency.Name, "Running", dependency.DisplayName);

                states.SetStatus(name, "Running", running ? null : display);
                if (command == "Restart-Service") foreach (var dependent in stoppedDependents) states.SetStatus(dependent.Name, "Running", dependent.DisplayName);
            }

            if (wantedStatus?.Equals("Paused", StringComparison.OrdinalIgnoreCase) == true) states.SetStatus(name, "Paused", display);
            if (arguments.Has("PassThru"))
            {
                foreach (var written in command is "Stop-Service" or "Restart-Service" ? [.. stoppedDependents.Select(d => d.Name), name] : new[] { name })
                {
                    foreach (var now in ScriptExpressions.Enumerate(await CaptureAsync("Get-Service -Name '" + written.Replace("'", "''", StringComparison.Ordinal) + "'", null, blockNesting + 1)))
                    {
                        await output.WriteAsync(new PipelineOutput(now), cancellationToken);
                    }
                }
            }
        }

    }

    /// <summary>The services that depend on <paramref name="name"/>, directly or through others, that are not stopped: those depending on them first.</summary>
    private List<ServiceDefinition> RunningDependents(string name)
    {
        var services = Services;
        var found = new List<ServiceDefinition>();
        void Visit(string of)
        {
            foreach (var dependent in services.DependentsOf(of))
            {
                if (found.Contains(dependent) || services.CurrentStatus(dependent).Equals("Stopped", StringComparison.OrdinalIgnoreCase)) continue;
                Visit(dependent.Name);
                found.Add(dependent);
            }
        }

        Visit(name);
        return found;
    }

    /// <summary>The services <paramref name="name"/> needs, directly or through others, that are stopped: those they need first (drivers aside).</summary>
    private List<ServiceDefinition> StoppedDependencies(string name)
    {
        var services = Services;
        var found = new List<ServiceDefinition>();
        void Visit(string of, int depth)
        {
            if (depth > 32 || services.Find(of) is not { } service) return;
            foreach (var needed in service.DependsOn.Select(services.Find).OfType<ServiceDefinition>())
            {
                if (needed.IsDriver || found.Contains(needed) || !services.CurrentStatus(needed).Equals("Stopped", StringComparison.OrdinalIgnoreCase)) continue;
                Visit(needed.Name, depth + 1);
                found.Add(needed);
            }
        }

        Visit(name, 0);
        return found;
    }

    /// <summary>
    /// New-Service: installs a service on the computer (<see cref="ServiceStates.TryInstall"/>), stopped, Automatic unless
    /// -StartupType says otherwise (5.1's default), LocalSystem unless -Credential names an account; writes its
    /// ServiceController. A name or display name a service has already is NewServiceCommand's CouldNotNewService with
    /// the Win32 error's text (1073 / 1078; without a final period, UNVERIFIED).
    /// </summary>
    private async ValueTask NewServiceAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "New-Service";
        var states = Host.ServiceStates ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} needs a computer's session"));
        async ValueTask<string?> Text(string parameter) => arguments[parameter] is { } word && await ArgumentAsync(word, to, blockNesting) is { } value and not PsNil ? PipelineVariables.Display(value) : null;
        var name = await Text("Name") ?? throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Name BinaryPathName.", "MissingMandatoryParameter"));
        var path = await Text("BinaryPathName") ?? throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: BinaryPathName.", "MissingMandatoryParameter"));
        var display = await Text("DisplayName") ?? name;
        var startType = await Text("StartupType") is { } given ? StartupType(given) : "Automatic";
        var dependsOn = arguments["DependsOn"] is { } dependsWord ? ScriptExpressions.Enumerate(await ArgumentAsync(dependsWord, to, blockNesting)).Select(PipelineVariables.Display).ToList() : [];
        var account = arguments["Credential"] is { } credentialWord && await ArgumentAsync(credentialWord, to, blockNesting) is PsObject { } credential && credential["UserName"] is { } user
            ? PipelineVariables.Display(user)
            : "LocalSystem";
        if (await WhatIfAsync(arguments, Command, $"{display} ({name})")) return;

        var existing = ScriptExpressions.Enumerate(await CaptureAsync("Get-Service", null, blockNesting + 1)).OfType<PsObject>().ToList();
        string? failure = null;
        if (existing.Any(s => s["Name"] is { } n && PipelineVariables.Display(n).Equals(name, StringComparison.OrdinalIgnoreCase))) failure = "The specified service already exists";
        else if (existing.Any(s => s["DisplayName"] is { } d && PipelineVariables.Display(d).Equals(display, StringComparison.OrdinalIgnoreCase)) ||
                 !states.TryInstall(new ServiceDefinition(name, display, path, startType, await Text("Description") ?? string.Empty, dependsOn, account)))
        {
            failure = states.FindInstalled(name) is not null ? "The specified service already exists" : "The name is already in use as either a service name or a service display name";
        }

        if (failure is not null)
        {
            await WriteErrorAsync(new ScriptedError($"Service '{display} ({name})' cannot be created due to the following error: {failure}", $"CouldNotNewService,{CmdletClass(Command)}",
                ErrorCategory.PermissionDenied, "Microsoft.PowerShell.Commands.ServiceCommandException", name) { Activity = Command, InnerExceptionType = "System.ComponentModel.Win32Exception" }, output);
            return;
        }

        await output.WriteAsync(new PipelineOutput(ServicesValueTemplate.ServiceController(states.FindInstalled(name)!, Services)), cancellationToken);
    }

    /// <summary>A service command's NoServiceFoundForGivenName for a name no service has.</summary>
    private static ScriptedError NoServiceFound(string command, string name) => new($"Cannot find any service with service name '{name}'.", $"NoServiceFoundForGivenName,{CmdletClass(command)}",
        ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Commands.ServiceCommandException", name) { Activity = command, ExceptionProperties = ServiceNameOf(name) };

    /// <summary>
    /// Get-Service -ComputerName of other computers only, from inside a session: their Service Control Managers are
    /// out of reach (one that does not resolve is no RPC server; another of the emulator's computers refuses the
    /// session's anonymous connection, the double hop). 5.1's cmdlet asks for each service named without wildcards on its
    /// own and takes a failure for "no such service" (NoServiceFoundForGivenName, written and gone on from); listing the
    /// services (no name, a wildcard, -DisplayName) lets ServiceController's InvalidOperationException out: "Cannot open
    /// Service Control Manager on computer 'X'. This operation might require other privileges.", the statement's error.
    /// </summary>
    private async ValueTask ServicesOfOtherComputersAsync(StageArguments arguments, List<string> computers, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        ScriptedError CannotOpen() => new($"Cannot open Service Control Manager on computer '{computers[0]}'. This operation might require other privileges.",
            "System.InvalidOperationException,Microsoft.PowerShell.Commands.GetServiceCommand", ErrorCategory.NotSpecified, "System.InvalidOperationException") { Activity = "Get-Service" };

        if (arguments["Name"] is not { } nameWord || arguments["DisplayName"] is not null) throw new StatementTerminatedException(CannotOpen());
        foreach (var name in ScriptExpressions.Enumerate(await ArgumentAsync(nameWord, to, blockNesting)).Select(PipelineVariables.Display))
        {
            if (VirtualFileSystem.HasWildcard(name)) throw new StatementTerminatedException(CannotOpen());
            await WriteErrorAsync(NoServiceFound("Get-Service", name), output);
        }
    }

    /// <summary>
    /// The services a service cmdlet names, as MultipleServiceCommandBase chooses them: by -Name (wildcards; a plain name
    /// no service has is NoServiceFoundForGivenName), -DisplayName (NoServiceFoundForGivenDisplayName), -InputObject or
    /// piped ServiceControllers and names, each once, then -Include and -Exclude (wildcards, on the display name when
    /// chosen by it); none of them chooses every service. Sorted by name, as the cmdlets sort what they found.
    /// </summary>
    private async ValueTask<List<PsObject>> SelectServicesAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var services = ScriptExpressions.Enumerate(await CaptureAsync("Get-Service", null, blockNesting + 1)).OfType<PsObject>().Where(s => s["Name"] is not null).ToList();
        var targets = new List<PsObject>();
        void Add(PsObject service)
        {
            if (!targets.Any(t => Name(t).Equals(Name(service), StringComparison.OrdinalIgnoreCase))) targets.Add(service);
        }

        async ValueTask ByAsync(string parameter, string property, string what)
        {
            if (arguments[parameter] is not { } word) return;
            foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)))
            {
                if (value is PsObject { } given && given["Name"] is not null)
                {
                    Add(services.FirstOrDefault(s => Name(s).Equals(Name(given), StringComparison.OrdinalIgnoreCase)) ?? given);
                    continue;
                }

                var pattern = PipelineVariables.Display(value);
                // Set-Service opens the one service named (no wildcards): ServiceController's InvalidOperationException.
                var wildcard = VirtualFileSystem.HasWildcard(pattern) && command != "Set-Service" ? VirtualFileSystem.Wildcard(pattern) : null;
                var matched = services.Where(s => s[property] is { } p && (wildcard?.IsMatch(PipelineVariables.Display(p)) ?? PipelineVariables.Display(p).Equals(pattern, StringComparison.OrdinalIgnoreCase))).ToList();
                if (matched.Count == 0 && command == "Set-Service")
                {
                    await WriteErrorAsync(new ScriptedError($"Service {pattern} was not found on computer '.'.", $"InvalidOperationException,{CmdletClass(command)}",
                        ErrorCategory.ObjectNotFound, "System.InvalidOperationException", ".") { Activity = command }, output);
                }
                else if (matched.Count == 0 && wildcard is null)
                {
                    await WriteErrorAsync(new ScriptedError($"Cannot find any service with {what} '{pattern}'.", $"NoServiceFoundForGiven{parameter},{CmdletClass(command)}",
                        ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Commands.ServiceCommandException", pattern) { Activity = command, ExceptionProperties = ServiceNameOf(parameter == "DisplayName" ? string.Empty : pattern) }, output);
                }

                foreach (var service in matched) Add(service);
            }
        }

        await ByAsync("Name", "Name", "service name");
        if (command != "Set-Service") await ByAsync("DisplayName", "DisplayName", "display name");
        await ByAsync("InputObject", "Name", "service name");
        foreach (var item in piped)
        {
            if (item is PsObject { } given && given["Name"] is not null) Add(services.FirstOrDefault(s => Name(s).Equals(Name(given), StringComparison.OrdinalIgnoreCase)) ?? given);
            else if (item is not PsNil)
            {
                var name = PipelineVariables.Display(item);
                if (services.FirstOrDefault(s => Name(s).Equals(name, StringComparison.OrdinalIgnoreCase)) is { } found) Add(found);
                else await WriteErrorAsync(NoServiceFound(command, name), output);
            }
        }

        var chosen = arguments["Name"] is not null || arguments["DisplayName"] is not null && command != "Set-Service" || arguments["InputObject"] is not null || piped.Count > 0;
        if (!chosen && command == "Get-Service") targets.AddRange(services);

        // -Include and -Exclude narrow the services chosen (wildcards).
        var property = arguments["DisplayName"] is not null && command != "Set-Service" ? "DisplayName" : "Name";
        foreach (var (parameter, keep) in new[] { ("Include", true), ("Exclude", false) })
        {
            if (arguments[parameter] is not { } filterWord) continue;
            var patterns = ScriptExpressions.Enumerate(await ArgumentAsync(filterWord, to, blockNesting)).Select(v => VirtualFileSystem.Wildcard(PipelineVariables.Display(v))).ToList();
            targets.RemoveAll(t => patterns.Any(p => t[property] is { } value && p.IsMatch(PipelineVariables.Display(value))) != keep);
        }

        targets.Sort((x, y) => string.Compare(Name(x), Name(y), StringComparison.OrdinalIgnoreCase));
        return targets;
    }

    /// <summary>
    /// Get-Service's output: each service (MachineName the -ComputerName given, as ServiceController(name, computer)
    /// has it), or with -DependentServices / -RequiredServices the services depending on it and those it needs.
    /// </summary>
    private async ValueTask WriteServicesAsync(StageArguments arguments, List<PsObject> services, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var computer = arguments["ComputerName"] is { } computerWord
            ? ScriptExpressions.Enumerate(await ArgumentAsync(computerWord, to, blockNesting)).Select(PipelineVariables.Display).FirstOrDefault()
            : null;
        var dependents = arguments.Has("DependentServices") || arguments.Has("DS");
        var required = arguments.Has("RequiredServices") || arguments.Has("SDO") || arguments.Has("ServicesDependedOn");
        foreach (var service in services)
        {
            if (!dependents && !required)
            {
                var written = computer is null || service["MachineName"] is null ? service : ((PsObject)ScriptExpressions.DeepCopy(service)).With("MachineName", PsPrimitive.String(computer));
                await output.WriteAsync(new PipelineOutput(written), cancellationToken);
                continue;
            }

            foreach (var (wanted, property) in new[] { (dependents, "DependentServices"), (required, "ServicesDependedOn") })
            {
                if (!wanted) continue;
                foreach (var related in ScriptExpressions.Enumerate(service[property] ?? PsNil.Instance).Where(v => v is not PsNil))
                {
                    await output.WriteAsync(new PipelineOutput(related), cancellationToken);
                }
            }
        }
    }

    // ServiceCommandException's ServiceName (empty for a display name no service has, as WriteNonTerminatingError gives it).
    private static PsProperty[] ServiceNameOf(string name) => [new("ServiceName", PsPrimitive.String(name))];

    private static string Name(PsObject service) => PipelineVariables.Display(service["Name"]!);

    private static string StartupType(string given) => given.ToUpperInvariant() switch
    {
        "AUTOMATIC" or "AUTO" => "Automatic",
        "MANUAL" => "Manual",
        "DISABLED" => "Disabled",
        _ => throw new StatementTerminatedException(ParameterError("Set-Service",
            $"Cannot bind parameter 'StartupType'. Cannot convert value \"{given}\" to type \"System.ServiceProcess.ServiceStartMode\". Error: \"Unable to match the identifier name {given} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nBoot, System, Automatic, Manual, Disabled\"",
            "CannotConvertArgumentNoMessage", given)),
    };

    /// <summary>
    /// A command after a pipe that takes what is piped whole (<c>Get-Service Spooler | Start-Service</c>,
    /// <c>Get-Process app | Stop-Process</c>): the items, at the end of the input; with none, a command that needs input
    /// does not run (PowerShell calls no ProcessRecord).
    /// </summary>
    private sealed class HeldInputStage(string command, Func<IReadOnlyList<PsValue>, IPipelineHost, ValueTask> run, IPipelineHost output, bool needsInput) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, command);
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            if (_items.Count > 0 || !needsInput) await run(_items, new EmittingHost(output, Emit));
            await EndNext();
        }
    }
}

/// <summary>
/// A ServiceController's methods as deployment scripts call them on Get-Service's objects: <c>WaitForStatus(status[,
/// timeout])</c> (returns once the computer's service is in that status; otherwise waits out the timeout on the session's
/// clock and throws .NET's System.ServiceProcess.TimeoutException, or without one waits until the pipeline is stopped,
/// as .NET does), <c>Refresh()</c> (the object's Status as the service's now), <c>Start()</c>, <c>Stop()</c>,
/// <c>Pause()</c> and <c>Continue()</c> (as Start-Service, Stop-Service, Suspend-Service and Resume-Service change the
/// computer's service, with ServiceController's exceptions).
/// </summary>
internal sealed partial class RunContext
{
    private const string ServiceControllerTypeName = "System.ServiceProcess.ServiceController";

    // ServiceControllerStatus by number, as a script may give it ([ServiceProcess.ServiceControllerStatus]4).
    private static readonly string[] ServiceStatusNames = ["", "Stopped", "StartPending", "StopPending", "Running", "ContinuePending", "PausePending", "Paused"];

    private async ValueTask<PsValue?> ServiceControllerMethodAsync(PsObject service, string method, IReadOnlyList<PsValue> arguments)
    {
        if (service.TypeNames is not [ServiceControllerTypeName, ..] || service["Name"] is not { } nameValue || Host.ServiceStates is not { } states) return null;
        var name = PipelineVariables.Display(nameValue);
        string Current() => states.Status(name) ?? (service["Status"] is { } s ? PipelineVariables.Display(s) : "Stopped");
        switch (method.ToUpperInvariant())
        {
            case "WAITFORSTATUS" when arguments.Count is 1 or 2:
            {
                var wanted = PipelineVariables.Display(arguments[0]);
                if (int.TryParse(wanted, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 8) wanted = ServiceStatusNames[number];
                if (!ServiceStatusNames.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("WaitForStatus", arguments.Count,
                        $"Cannot convert argument \"desiredStatus\", with value: \"{wanted}\", for \"WaitForStatus\" to type \"System.ServiceProcess.ServiceControllerStatus\"", typeof(InvalidCastException)));
                }

                // WaitForStatus refreshes the object as it polls: its Status is the service's now.
                if (Current().Equals(wanted, StringComparison.OrdinalIgnoreCase)) return RefreshStatus(service, Current());
                var timeout = arguments.Count == 2 ? TimeSpanArgument(arguments[1]) : Timeout.InfiniteTimeSpan;
                // The computer's services change only by commands, none of which runs while this one waits.
                await Task.Delay(timeout, time, cancellationToken);
                throw new ScriptExpressionException(new ScriptedError(
                    $"Exception calling \"WaitForStatus\" with \"{arguments.Count}\" argument(s): \"Time out has expired and the operation has not been completed.\"",
                    "TimeoutException", ErrorCategory.NotSpecified, "System.Management.Automation.MethodInvocationException")
                {
                    InnerExceptionType = "System.ServiceProcess.TimeoutException",
                });
            }

            case "REFRESH" when arguments.Count == 0:
                return RefreshStatus(service, Current());

            case "START" when arguments.Count == 0:
                if (Current().Equals("Running", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ServiceControllerFailure("Start", $"An instance of the service is already running."));
                }

                if ((states.StartType(name) ?? (service["StartType"] is { } t ? PipelineVariables.Display(t) : "Manual")).Equals("Disabled", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ServiceControllerFailure("Start", $"Cannot start service {name} on computer '.'."));
                }

                // The Service Control Manager starts the stopped services it needs first (a disabled one fails the start).
                var needed = StoppedDependencies(name);
                if (needed.Any(n => Services.CurrentStartType(n).Equals("Disabled", StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ScriptExpressionException(ServiceControllerFailure("Start", $"Cannot start service {name} on computer '.'."));
                }

                foreach (var dependency in needed) states.SetStatus(dependency.Name, "Running", dependency.DisplayName);
                states.SetStatus(name, "Running", service["DisplayName"] is { } shownStart ? PipelineVariables.Display(shownStart) : name);
                return PsNil.AutomationNull;

            case "STOP" when arguments.Count == 0:
                if (!Current().Equals("Running", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ServiceControllerFailure("Stop", $"Cannot stop {name} service on computer '.'."));
                }

                if ((await CaptureAsync("Get-Service -Name '" + name.Replace("'", "''", StringComparison.Ordinal) + "'", null, 1)) is PsObject live &&
                    live["CanStop"] is { } canStop && !ScriptExpressions.IsTrue(canStop))
                {
                    throw new ScriptExpressionException(ServiceControllerFailure("Stop", $"Cannot stop {name} service on computer '.'."));
                }

                // ServiceController.Stop stops the running services that depend on this one first.
                foreach (var dependent in RunningDependents(name)) states.SetStatus(dependent.Name, "Stopped", dependent.DisplayName);
                states.SetStatus(name, "Stopped", service["DisplayName"] is { } shownStop ? PipelineVariables.Display(shownStop) : name);
                return PsNil.AutomationNull;

            case "PAUSE" or "CONTINUE" when arguments.Count == 0:
            {
                // ControlService's refusal (a stopped service, one that does not accept pause and continue) is
                // ServiceController's InvalidOperationException.
                var pausing = method.Equals("Pause", StringComparison.OrdinalIgnoreCase);
                var outcome = ControlService(name, pausing ? ServiceControl.Pause : ServiceControl.Continue, stopDependents: false);
                if (outcome is ServiceControlOutcome.NotActive or ServiceControlOutcome.ControlNotAccepted)
                {
                    throw new ScriptExpressionException(ServiceControllerFailure(pausing ? "Pause" : "Continue", $"Cannot {(pausing ? "pause" : "resume")} {name} service on computer '.'."));
                }

                return PsNil.AutomationNull;
            }

            default:
                return null;
        }
    }

    // The object's Status as the service's now (ServiceController.Refresh).
    private static PsNil RefreshStatus(PsObject service, string now)
    {
        var status = Array.IndexOf(ServiceStatusNames, ServiceStatusNames.FirstOrDefault(n => n.Equals(now, StringComparison.OrdinalIgnoreCase)) ?? "Stopped");
        // In its place: the object's properties keep .NET's order (Format-List *, the wire).
        var fresh = new PsProperty("Status", PsObjects.Enum(["System.ServiceProcess.ServiceControllerStatus", "System.Enum", "System.ValueType", "System.Object"], ServiceStatusNames[status], status));
        var index = service.AdaptedProperties.FindIndex(p => p.Name.Equals("Status", StringComparison.OrdinalIgnoreCase));
        if (index >= 0) service.AdaptedProperties[index] = fresh;
        else service.AdaptedProperties.Add(fresh);
        return PsNil.AutomationNull;
    }

    // ServiceController's InvalidOperationException, as PowerShell reports a method that threw it.
    private static ScriptedError ServiceControllerFailure(string method, string reason) =>
        ScriptedError.MethodInvocation(method, 0, reason, typeof(InvalidOperationException));

    // A timeout argument: a TimeSpan, or text as [TimeSpan] reads it ('00:00:30').
    private static TimeSpan TimeSpanArgument(PsValue value) =>
        value is PsPrimitive { Value: TimeSpan span } ? span
        : TimeSpan.TryParse(PipelineVariables.Display(value), CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero ? parsed
        : throw new ScriptExpressionException(ScriptedError.MethodInvocation("WaitForStatus", 2,
            $"Cannot convert argument \"timeout\", with value: \"{PipelineVariables.Display(value)}\", for \"WaitForStatus\" to type \"System.TimeSpan\"", typeof(InvalidCastException)));
}
