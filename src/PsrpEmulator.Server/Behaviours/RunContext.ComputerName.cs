using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Rename-Computer of the session's computer, as 5.1's RenameComputerCommand does it: the new name is Win32_ComputerSystem's
/// Rename (the pending ComputerName the registry keeps until a restart, as the WMI method writes it), then the warning
/// that a restart is needed, or with -Restart the restart. A name that is no host name is InvalidNewName, the running
/// name NewNameIsOldName (both non-terminating, ComputerResources' texts); -PassThru writes the RenameComputerChangeInfo
/// ("True:NEW:OLD"); -WhatIf as ShouldProcess on the computer's name. The virtual computers keep their names after the
/// restart. Another -ComputerName, and a NetBIOS name longer than 15 characters without -Force (5.1 asks to shorten
/// it), are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>
    /// Add-Computer -DomainName d -Credential c: the emulated computers reach no domain controller, so the join fails as
    /// a workgroup server that cannot find the domain fails it (5.1's FailToJoinDomainFromWorkgroup, non-terminating,
    /// ComputerResources' text with the Win32 error "The specified domain either does not exist or could not be
    /// contacted."). -WorkgroupName and another -ComputerName are scenario errors.
    /// </summary>
    private async ValueTask AddComputerAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Add-Computer";
        var computer = ComputerName.ToUpperInvariant();
        if (arguments["ComputerName"] is { } computerWord && PipelineVariables.Display(await ArgumentAsync(computerWord, to, blockNesting)) is var target && !IsThisComputer(target))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -ComputerName {target} is not emulated: join another computer from its own session"));
        }

        if (arguments.Has("WorkgroupName") && !arguments.Has("DomainName"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -WorkgroupName is not emulated (the computers stay in WORKGROUP): give the command a rule"));
        }

        var domain = arguments["DomainName"] is { } domainWord ? PipelineVariables.Display(await ArgumentAsync(domainWord, to, blockNesting)) : null;
        if (string.IsNullOrEmpty(domain))
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: DomainName Credential.", "MissingMandatoryParameter"));
        }

        if (arguments["Credential"] is not { } credentialWord)
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Credential.", "MissingMandatoryParameter"));
        }

        await ArgumentAsync(credentialWord, to, blockNesting);
        if (await WhatIfAsync(arguments, Command, computer)) return;
        await WriteErrorAsync(new ScriptedError(
            $"Computer '{computer}' failed to join domain '{domain}' from its current workgroup 'WORKGROUP' with following error message: The specified domain either does not exist or could not be contacted.",
            $"FailToJoinDomainFromWorkgroup,{CmdletClass(Command)}", ErrorCategory.OperationStopped, "System.InvalidOperationException", computer) { Activity = Command }, output);
    }

    private async ValueTask RenameComputerAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Rename-Computer";
        var computer = ComputerName.ToUpperInvariant();
        if (arguments["ComputerName"] is { } computerWord && PipelineVariables.Display(await ArgumentAsync(computerWord, to, blockNesting)) is var target && !IsThisComputer(target))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -ComputerName {target} is not emulated: rename another computer from its own session"));
        }

        var newName = arguments["NewName"] is { } nameWord && await ArgumentAsync(nameWord, to, blockNesting) is { } given and not PsNil ? PipelineVariables.Display(given) : null;
        if (string.IsNullOrEmpty(newName))
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: NewName.", "MissingMandatoryParameter"));
        }

        ScriptedError Skip(string message, string id) =>
            new(message, $"{id},{CmdletClass(Command)}", ErrorCategory.InvalidArgument, "System.InvalidOperationException", newName) { Activity = Command };
        if (!(newName.Length <= 63 && newName.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !newName.All(char.IsAsciiDigit)))
        {
            await WriteErrorAsync(Skip($"Skip computer '{computer}' with new name '{newName}' because the new name is not valid. The new computer name entered is not properly formatted. " +
                "Standard names may contain letters (a-z, A-Z), numbers (0-9), and hyphens (-), but no spaces or periods (.). The name may not consist entirely of digits, and may not be longer than 63 characters.", "InvalidNewName"), output);
            return;
        }

        if (await WhatIfAsync(arguments, Command, computer)) return;
        if (newName.Length > 15 && !arguments.Has("Force"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} of a name longer than 15 characters without -Force (Windows asks to shorten its NetBIOS name) is not emulated: give -Force"));
        }

        if (newName.Equals(computer, StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(Skip($"Skip computer '{computer}' with new name '{newName}' because the new name is the same as the current name.", "NewNameIsOldName"), output);
            return;
        }

        Host.Registry?.SetValue(VirtualRegistry.LocalMachine, null, PendingComputerNameKey, new RegistryValue("ComputerName", RegistryValueKind.String, newName.ToUpperInvariant()));
        if (arguments.Has("PassThru"))
        {
            var info = new PsObject(["Microsoft.PowerShell.Commands.RenameComputerChangeInfo", "System.Object"]) { ToStringValue = $"True:{newName}:{computer}" };
            info.AdaptedProperties.AddRange([new("HasSucceeded", PsPrimitive.Boolean(true)), new("NewComputerName", PsPrimitive.String(newName)), new("OldComputerName", PsPrimitive.String(computer))]);
            await output.WriteAsync(new PipelineOutput(info), cancellationToken);
        }

        if (!arguments.Has("Restart"))
        {
            await output.WriteAsync(new WarningRecordMessage($"The changes will take effect after you restart the computer {computer}."), cancellationToken);
            return;
        }

        if (Host.Power is not { } power) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -Restart needs a computer's session"));
        if (power.ScheduleRestart(TimeSpan.Zero)) Host.EventLogs?.RestartRequested(computer, EventLogUser(), @"C:\Windows\system32\wbem\wmiprvse.exe");
    }
}
