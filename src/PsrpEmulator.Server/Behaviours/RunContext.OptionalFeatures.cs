using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The Dism module's <c>Get-WindowsOptionalFeature -Online [-FeatureName X]</c>, <c>Enable-WindowsOptionalFeature
/// -Online -FeatureName X [-All] [-NoRestart]</c> and <c>Disable-WindowsOptionalFeature</c> (Ansible's
/// win_optional_feature, DSC's WindowsOptionalFeature) over the optional features dism.exe lists (<see
/// cref="DismFeatures"/>, the state Install-WindowsFeature changes too): a feature's AdvancedFeatureObject (State
/// Enabled/Disabled, RestartRequired), all of them as BasicFeatureObjects, an ImageObject with RestartNeeded after a
/// change. A disabled parent without -All and an unknown name are the module's errors (as dism.exe's texts). -Path (an
/// offline image), packages and sources are not emulated; without -NoRestart a needed restart is not asked for.
/// FeatureState's numbers follow DISM's DismPackageFeatureState (UNVERIFIED for the module's enum).
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly HashSet<string> OptionalFeatureCommandNames = new(StringComparer.Ordinal)
    {
        "Get-WindowsOptionalFeature", "Enable-WindowsOptionalFeature", "Disable-WindowsOptionalFeature",
    };

    private async ValueTask RunOptionalFeatureCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var states = Host.WindowsFeatures ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        RefuseNotEmulated(command, arguments, "Path", "PackageName", "PackagePath", "Source", "WindowsDirectory", "SystemDrive");
        if (!arguments.Has("Online"))
        {
            throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        }

        var names = arguments["FeatureName"] is { } nameWord ? ScriptExpressions.Enumerate(await ArgumentAsync(nameWord, to, blockNesting)).Select(PipelineVariables.Display).ToList() : [];
        var verb = command[..command.IndexOf('-', StringComparison.Ordinal)];
        if (command == "Get-WindowsOptionalFeature" && names.Count == 0)
        {
            foreach (var feature in DismFeatures.All)
            {
                await output.WriteAsync(new PipelineOutput(new PsObject(["Microsoft.Dism.Commands.BasicFeatureObject", "System.Object"]) { ToStringValue = "Microsoft.Dism.Commands.BasicFeatureObject" }
                    .With("FeatureName", feature.Name).With("State", StateValue(states.IsEnabled(feature)))), cancellationToken);
            }

            return;
        }

        if (names.Count == 0)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: FeatureName.", "MissingMandatoryParameter"));
        }

        var features = new List<DismFeature>();
        foreach (var name in names)
        {
            features.Add(DismFeatures.Find(name) ?? throw new StatementTerminatedException(DismError(verb, $"Feature name {name} is unknown.", "System.Runtime.InteropServices.COMException")));
        }

        if (command == "Get-WindowsOptionalFeature")
        {
            foreach (var feature in features) await output.WriteAsync(new PipelineOutput(AdvancedFeatureObject(feature, states)), cancellationToken);
            return;
        }

        var enable = verb == "Enable";
        var changing = enable
            ? DismFeatures.ToEnable(states, features, arguments.Has("All"))
                ?? throw new StatementTerminatedException(DismError(verb, "One or several parent features are disabled so current feature can not be enabled.", "System.Runtime.InteropServices.COMException"))
            : DismFeatures.ToDisable(features);
        var restart = DismFeatures.Apply(states, changing, enable);
        await output.WriteAsync(new PipelineOutput(new PsObject(["Microsoft.Dism.Commands.ImageObject", "System.Object"]) { ToStringValue = "Microsoft.Dism.Commands.ImageObject" }
            .With("Path", PsNil.Instance).With("Online", true).With("RestartNeeded", restart)
            .With("LogPath", @"C:\Windows\Logs\DISM\dism.log").With("ScratchDirectory", PsNil.Instance).With("LogLevel", LogLevel())), cancellationToken);
    }

    private static PsObject AdvancedFeatureObject(DismFeature feature, WindowsFeatureStates states) =>
        new PsObject(["Microsoft.Dism.Commands.AdvancedFeatureObject", "Microsoft.Dism.Commands.BasicFeatureObject", "System.Object"]) { ToStringValue = "Microsoft.Dism.Commands.AdvancedFeatureObject" }
            .With("FeatureName", feature.Name)
            .With("DisplayName", feature.DisplayName)
            .With("Description", feature.Description)
            .With("RestartRequired", PsObjects.Enum("Microsoft.Dism.Commands.RestartType", DismFeatures.NeedsRestart(feature) ? "Required" : "Possible", DismFeatures.NeedsRestart(feature) ? 2 : 1))
            .With("State", StateValue(states.IsEnabled(feature)))
            .With("CustomProperties", PsObjects.List([], ["System.Object[]", "System.Array", "System.Object"]))
            .With("Online", true)
            .With("Path", PsNil.Instance)
            .With("RestartNeeded", false)
            .With("LogPath", @"C:\Windows\Logs\DISM\dism.log")
            .With("ScratchDirectory", PsNil.Instance)
            .With("LogLevel", LogLevel());

    // FeatureState as DISM numbers its states: Staged (Disabled) 2, Installed (Enabled) 4.
    private static PsObject StateValue(bool enabled) => PsObjects.Enum("Microsoft.Dism.Commands.FeatureState", enabled ? "Enabled" : "Disabled", enabled ? 4 : 2);

    private static PsObject LogLevel() => PsObjects.Enum("Microsoft.Dism.Commands.LogLevel", "WarningsInfo", 3);

    private static ScriptedError DismError(string verb, string message, string exception) =>
        new(message, $"Microsoft.Dism.Commands.{verb}WindowsOptionalFeatureCommand", ErrorCategory.NotSpecified, exception);
}
