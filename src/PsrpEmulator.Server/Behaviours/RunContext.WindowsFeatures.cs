using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Server Manager's cmdlets on the computer's Windows features (<see cref="WindowsFeatureStates"/>):
/// <c>Get-WindowsFeature [names]</c> writes Feature objects (Name, DisplayName, Installed, InstallState, FeatureType,
/// Depth, Parent...; a name that matches nothing writes nothing); <c>Install-WindowsFeature</c> (<c>Add-WindowsFeature</c>)
/// installs a feature with its parents and its default sub-features (<c>-IncludeAllSubFeature</c>: all of them;
/// <c>-IncludeManagementTools</c>: its tools too) and writes a FeatureOperationResult (Success, RestartNeeded, ExitCode
/// Success / SuccessRestartRequired / NoChangeNeeded, FeatureResult); <c>Uninstall-WindowsFeature</c>
/// (<c>Remove-WindowsFeature</c>) removes a feature and what is below it. A name Server Manager has not is its
/// NameDoesNotExist error; <c>-Restart</c> restarts the computer when the change needs it; <c>-WhatIf</c> changes nothing.
/// The services a role brings (W3SVC for IIS) are there while it is installed (<see cref="ServiceDefinition.Feature"/>),
/// its files as <see cref="WindowsFeatureFiles"/> puts them.
/// </summary>
internal sealed partial class RunContext
{
    private static readonly string[] FeatureTypeNames = ["Microsoft.Windows.ServerManager.Commands.Feature", "System.Object"];

    internal static readonly HashSet<string> FeatureCommandNames = new(StringComparer.Ordinal) { "Get-WindowsFeature", "Install-WindowsFeature", "Uninstall-WindowsFeature" };

    private async ValueTask RunFeatureCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var states = Host.WindowsFeatures ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        var names = arguments["Name"] is { } nameWord ? ScriptExpressions.Enumerate(await ArgumentAsync(nameWord, to, blockNesting)).Select(PipelineVariables.Display).ToList() : [];
        if (command == "Get-WindowsFeature")
        {
            var patterns = names.Count == 0 ? null : names.Select(VirtualFileSystem.Wildcard).ToList();
            foreach (var feature in WindowsFeatureStates.All.Where(f => patterns is null || patterns.Any(p => p.IsMatch(f.Name))))
            {
                await output.WriteAsync(new PipelineOutput(FeatureObject(feature, states)), cancellationToken);
            }

            return;
        }

        if (names.Count == 0)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        var install = command == "Install-WindowsFeature";
        var chosen = new List<WindowsFeature>();
        foreach (var name in names)
        {
            if (WindowsFeatureStates.Find(name) is not { } feature)
            {
                throw new StatementTerminatedException(new ScriptedError(
                    $"ArgumentNotValid: The role, role service, or feature name is not valid: '{name}'. The name was not found.",
                    $"NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.{(install ? "AddWindowsFeatureCommand" : "RemoveWindowsFeatureCommand")}",
                    ErrorCategory.InvalidArgument, "System.Exception", name));
            }

            chosen.Add(feature);
        }

        // What the change touches: an install, the features with their parents and sub-features; a removal, what is below them.
        var changed = new List<WindowsFeature>();
        void Visit(WindowsFeature feature)
        {
            if (changed.Contains(feature) || states.IsInstalled(feature) == install) return;
            changed.Add(feature);
        }

        foreach (var feature in chosen)
        {
            if (install)
            {
                foreach (var parent in WindowsFeatureStates.Ancestors(feature)) Visit(parent);
            }

            Visit(feature);
            var pending = new Stack<WindowsFeature>(WindowsFeatureStates.Children(feature));
            while (pending.Count > 0)
            {
                var child = pending.Pop();
                // -IncludeManagementTools adds the role's default tools (IIS's console), not every tool under it.
                var included = !install || arguments.Has("IncludeAllSubFeature") || child.Default || (child.ManagementTool && arguments.Has("IncludeManagementTools") && !child.OptionalTool);
                if (!included) continue;
                Visit(child);
                foreach (var grandchild in WindowsFeatureStates.Children(child)) pending.Push(grandchild);
            }
        }

        if (await WhatIfAsync(arguments, install ? "Install-WindowsFeature" : "Uninstall-WindowsFeature", string.Join(", ", chosen.Select(f => f.DisplayName)))) return;
        foreach (var feature in changed) states.Set(feature, install);
        // Removing a role, and installing one that asks for it (Hyper-V, Containers), needs a restart (UNVERIFIED for removals).
        var restart = changed.Count > 0 && (!install || changed.Any(f => f.NeedsRestart));
        var results = changed.OrderBy(WindowsFeatureStates.Id).Select(f => new PsObject(["Microsoft.Windows.ServerManager.Commands.FeatureResult", "System.Object"]) { ToStringValue = f.DisplayName }
            .With("DisplayName", f.DisplayName).With("Name", f.Name).With("Id", WindowsFeatureStates.Id(f))
            .With("RestartNeeded", restart).With("SkipReason", "NotSkipped").With("Success", true)).Cast<PsValue>().ToList();
        var exitCode = changed.Count == 0 ? ("NoChangeNeeded", 1003) : restart ? ("SuccessRestartRequired", 3010) : ("Success", 0);
        var result = new PsObject(["Microsoft.Windows.ServerManager.Commands.FeatureOperationResult", "System.Object"]) { ToStringValue = "Microsoft.Windows.ServerManager.Commands.FeatureOperationResult" }
            .With("Success", true)
            .With("RestartNeeded", PsObjects.Enum(["Microsoft.Windows.ServerManager.Commands.RestartState", "System.Enum", "System.ValueType", "System.Object"], restart ? "Yes" : "No", restart ? 1 : 0))
            .With("FeatureResult", PsObjects.List(results, ["Microsoft.Windows.ServerManager.Commands.FeatureResult[]", "System.Array", "System.Object"]))
            .With("ExitCode", PsObjects.Enum(["Microsoft.Windows.ServerManager.Commands.FeatureOperationExitCode", "System.Enum", "System.ValueType", "System.Object"], exitCode.Item1, exitCode.Item2));
        await output.WriteAsync(new PipelineOutput(result), cancellationToken);
        if (restart && arguments.Has("Restart")) Host.Power?.ScheduleRestart(TimeSpan.Zero);
    }

    private static PsObject FeatureObject(WindowsFeature feature, WindowsFeatureStates states)
    {
        var installed = states.IsInstalled(feature);
        var path = WindowsFeatureStates.Ancestors(feature).Reverse().Select(a => a.DisplayName).Append(feature.DisplayName);
        return new PsObject(FeatureTypeNames) { ToStringValue = feature.DisplayName }
            .With("Name", feature.Name)
            .With("DisplayName", feature.DisplayName)
            .With("Description", string.Empty)
            .With("Installed", installed)
            .With("InstallState", PsObjects.Enum(["Microsoft.Windows.ServerManager.Commands.InstallState", "System.Enum", "System.ValueType", "System.Object"], installed ? "Installed" : "Available", installed ? 1 : 0))
            .With("FeatureType", feature.FeatureType)
            .With("Path", string.Join('\\', path))
            .With("Depth", WindowsFeatureStates.Depth(feature))
            .With("Parent", feature.Parent is null ? PsNil.Instance : PsPrimitive.String(feature.Parent))
            .With("SubFeatures", PsObjects.List([.. WindowsFeatureStates.Children(feature).Select(c => (PsValue)PsPrimitive.String(c.Name))], ["System.String[]", "System.Array", "System.Object"]));
    }
}
