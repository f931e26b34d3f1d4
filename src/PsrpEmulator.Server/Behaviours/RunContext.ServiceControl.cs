using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A control the Service Control Manager sends a service (StartService / ControlService).</summary>
internal enum ServiceControl
{
    Start,
    Stop,
    Pause,
    Continue,
}

/// <summary>
/// How the Service Control Manager answered a control, as the Win32 error it would give (the callers map it: WMI's
/// ReturnValue, ServiceController's exception, the cmdlets' errors).
/// </summary>
internal enum ServiceControlOutcome
{
    Done,
    /// <summary>ERROR_SERVICE_ALREADY_RUNNING (1056).</summary>
    AlreadyRunning,
    /// <summary>ERROR_SERVICE_NOT_ACTIVE (1062): a stop, pause or continue of a stopped service.</summary>
    NotActive,
    /// <summary>ERROR_SERVICE_DISABLED (1058).</summary>
    Disabled,
    /// <summary>ERROR_SERVICE_DEPENDENCY_FAIL (1068): a service it needs is disabled.</summary>
    DependencyFailed,
    /// <summary>ERROR_INVALID_SERVICE_CONTROL (1052): the service does not accept the control (stop, pause/continue).</summary>
    ControlNotAccepted,
    /// <summary>ERROR_DEPENDENT_SERVICES_RUNNING (1051): a stop while services that depend on it run.</summary>
    DependentsRunning,
    /// <summary>A pause of a paused service (WMI's own answer; the Service Control Manager passes it on).</summary>
    AlreadyPaused,
}

/// <summary>
/// The Service Control Manager's rules for one control of one of the computer's services, shared by Suspend-Service,
/// Resume-Service, ServiceController.Pause()/Continue() and Win32_Service's StartService, StopService, PauseService and
/// ResumeService: a start runs the stopped services it needs first, a stop with <c>stopDependents</c> stops the running
/// ones that depend on it first (ServiceController.Stop), without it refuses (ControlService). A service only a rule lists
/// (no <c>services:</c> entry) accepts stop, not pause.
/// </summary>
internal sealed partial class RunContext
{
    private ServiceControlOutcome ControlService(string name, ServiceControl control, bool stopDependents)
    {
        var states = Host.ServiceStates ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault("A service control needs a computer's session"));
        var services = Services;
        var service = services.Find(name);
        var display = service?.DisplayName ?? name;
        var status = service is null ? states.Status(name) ?? "Stopped" : services.CurrentStatus(service);
        var stopped = status.Equals("Stopped", StringComparison.OrdinalIgnoreCase);
        switch (control)
        {
            case ServiceControl.Start:
                if (!stopped) return ServiceControlOutcome.AlreadyRunning;
                if ((service is null ? states.StartType(name) ?? "Manual" : services.CurrentStartType(service)).Equals("Disabled", StringComparison.OrdinalIgnoreCase)) return ServiceControlOutcome.Disabled;
                var needed = StoppedDependencies(name);
                if (needed.Any(n => services.CurrentStartType(n).Equals("Disabled", StringComparison.OrdinalIgnoreCase))) return ServiceControlOutcome.DependencyFailed;
                foreach (var dependency in needed) states.SetStatus(dependency.Name, "Running", dependency.DisplayName);
                states.SetStatus(name, "Running", display);
                return ServiceControlOutcome.Done;
            case ServiceControl.Stop:
                if (stopped) return ServiceControlOutcome.NotActive;
                if (service is { AcceptsStop: false }) return ServiceControlOutcome.ControlNotAccepted;
                var dependents = RunningDependents(name);
                if (dependents.Count > 0 && !stopDependents) return ServiceControlOutcome.DependentsRunning;
                foreach (var dependent in dependents) states.SetStatus(dependent.Name, "Stopped", dependent.DisplayName);
                states.SetStatus(name, "Stopped", display);
                return ServiceControlOutcome.Done;
            default:
                if (stopped) return ServiceControlOutcome.NotActive;
                if (service is not { AcceptsPauseAndContinue: true }) return ServiceControlOutcome.ControlNotAccepted;
                var paused = status.Equals("Paused", StringComparison.OrdinalIgnoreCase);
                if (control == ServiceControl.Pause && paused) return ServiceControlOutcome.AlreadyPaused;
                // A continue of a running service changes nothing (and logs nothing).
                if (control == ServiceControl.Pause || paused) states.SetStatus(name, control == ServiceControl.Pause ? "Paused" : "Running", display);
                return ServiceControlOutcome.Done;
        }
    }

    /// <summary>
    /// Win32_Service's ReturnValue for an outcome (the class's documented codes: 5 is "the service's state is stopped or
    /// start pending", which a stop, pause or continue of a stopped service gets; 24 "Service Already Paused").
    /// </summary>
    private static uint WmiServiceReturnValue(ServiceControlOutcome outcome) => outcome switch
    {
        ServiceControlOutcome.Done => 0,
        ServiceControlOutcome.DependentsRunning => 3,
        ServiceControlOutcome.ControlNotAccepted => 4,
        ServiceControlOutcome.NotActive => 5,
        ServiceControlOutcome.AlreadyRunning => 10,
        ServiceControlOutcome.DependencyFailed => 13,
        ServiceControlOutcome.Disabled => 14,
        ServiceControlOutcome.AlreadyPaused => 24,
        _ => 8,
    };

    /// <summary>
    /// Suspend-Service and Resume-Service as ServiceOperationBaseCommand.DoPauseService / DoResumeService write them: a
    /// stopped service is "not currently running", one that does not accept pause and continue "does not support being
    /// suspended or resumed", each followed by the generic error with ServiceController's message (5.1 writes both).
    /// </summary>
    private async ValueTask PauseOrContinueServicesAsync(string command, StageArguments arguments, IReadOnlyList<PsObject> targets, IPipelineHost output, int blockNesting)
    {
        var pause = command == "Suspend-Service";
        var (verb, controlVerb) = pause ? ("suspended", "pause") : ("resumed", "resume");
        foreach (var service in targets)
        {
            var name = Name(service);
            var display = service["DisplayName"] is { } shown ? PipelineVariables.Display(shown) : name;
            if (await WhatIfAsync(arguments, command, $"{display} ({name})")) continue;
            var outcome = ControlService(name, pause ? ServiceControl.Pause : ServiceControl.Continue, stopDependents: false);
            if (outcome is ServiceControlOutcome.Done or ServiceControlOutcome.AlreadyPaused)
            {
                if (arguments.Has("PassThru"))
                {
                    foreach (var now in ScriptExpressions.Enumerate(await CaptureAsync("Get-Service -Name '" + name.Replace("'", "''", StringComparison.Ordinal) + "'", null, blockNesting + 1)))
                    {
                        await output.WriteAsync(new PipelineOutput(now), cancellationToken);
                    }
                }

                continue;
            }

            var prefix = pause ? "CouldNotSuspendService" : "CouldNotResumeService";
            ScriptedError Error(string message, string id) =>
                new(message, $"{id},{CmdletClass(command)}", ErrorCategory.CloseError, "Microsoft.PowerShell.Commands.ServiceCommandException", ServiceControllerTypeName)
                { Activity = command, InnerExceptionType = "System.InvalidOperationException", TargetType = "ServiceController", ExceptionProperties = ServiceNameOf(name) };
            await WriteErrorAsync(outcome == ServiceControlOutcome.NotActive
                ? Error($"Service '{display} ({name})' cannot be {verb} because it is not currently running.", prefix + "NotRunning")
                : Error($"Service '{display} ({name})' cannot be {verb} because the service does not support being suspended or resumed.", prefix + "NotSupported"), output);
            await WriteErrorAsync(Error($"Service '{display} ({name})' cannot be {verb} due to the following error: Cannot {controlVerb} {name} service on computer '.'.", prefix), output);
        }
    }
}
