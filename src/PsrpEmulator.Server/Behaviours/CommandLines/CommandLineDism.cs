using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// dism.exe on the running system (<c>/online</c>) over its optional features (<see cref="DismFeatures"/>, the same
/// state Install-WindowsFeature changes): <c>/get-features [/format:table|list]</c>, <c>/get-featureinfo
/// /featurename:X</c> (InSpec's windows_feature falls back to it), <c>/enable-feature /featurename:X [/all]
/// [/norestart]</c> (Chef's windows_feature_dism, scripts' <c>DISM /Online /NoRestart /Enable-Feature</c>) and
/// <c>/disable-feature</c> (the feature and the ones under it). A feature whose parent is off needs /all (error 50); an
/// unknown one is error 0x800f080c; a change that needs a restart (Hyper-V, Containers) exits 3010. /english, /quiet,
/// /limitaccess, /source and the log options are taken. /image, packages, capabilities and cleanup are not emulated.
/// The texts are DISM's as remembered (UNVERIFIED: the table's rules, the progress bar, error 50's wording).
/// </summary>
internal sealed class DismScript(string verb, IReadOnlyList<string> featureNames, bool all, bool noRestart, bool quiet, string format) : ICommandLineScript
{
    private const string Banner = "\r\nDeployment Image Servicing and Management tool\r\nVersion: 10.0.17763.1\r\n\r\nImage Version: 10.0.17763.4974\r\n\r\n";
    private const string Completed = "The operation completed successfully.\r\n";
    private const string Log = "The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log\r\n";
    private const int RestartRequired = 3010;

    public string Description => "dism /" + verb;

    public static bool TryParse(string line, out DismScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count == 0 || !CommandLineText.IsProgram(tokens[0], "dism")) return false;
        string? verb = null;
        var names = new List<string>();
        bool online = false, all = false, noRestart = false, quiet = false;
        var format = "list";
        foreach (var token in tokens.Skip(1))
        {
            if (token.Length < 2 || token[0] is not ('/' or '-')) return false;
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? token[1..] : token[1..colon]).ToLowerInvariant();
            var value = colon < 0 ? string.Empty : token[(colon + 1)..].Trim('"');
            switch (name)
            {
                case "online": online = true; break;
                case "get-features" or "get-featureinfo" or "enable-feature" or "disable-feature" when verb is null: verb = name; break;
                case "featurename": names.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "all": all = true; break;
                case "norestart": noRestart = true; break;
                case "quiet": quiet = true; noRestart = true; break;
                case "format" when value.ToLowerInvariant() is "table" or "list": format = value.ToLowerInvariant(); break;
                case "english" or "limitaccess" or "source" or "loglevel" or "logpath" or "scratchdir": break;
                // /image, /get-packages, /add-capability, /cleanup-image...: not emulated.
                default: return false;
            }
        }

        if (!online || verb is null) return false;
        script = new DismScript(verb, names, all, noRestart, quiet, format);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.WindowsFeatures is not { } states)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("dism"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new StringBuilder(quiet ? string.Empty : Banner);
        int code;
        if (verb == "get-features")
        {
            code = GetFeatures(states, text);
        }
        else if (featureNames.Count == 0)
        {
            // A verb that needs a feature without one: DISM's error 87.
            text.Append("Error: 87\r\n\r\nThe ").Append(verb).Append(" option requires a /FeatureName.\r\n\r\n").Append(Log);
            code = 87;
        }
        else if (featureNames.FirstOrDefault(n => DismFeatures.Find(n) is null) is { } unknown)
        {
            text.Append("Error: 0x800f080c\r\n\r\nFeature name ").Append(unknown).Append(" is unknown.\r\nA Windows feature name was not recognized.\r\n")
                .Append("Use the /Get-Features option to find the name of the feature in the image and try the command again.\r\n\r\n").Append(Log);
            code = unchecked((int)0x800f080c);
        }
        else
        {
            var features = featureNames.Select(n => DismFeatures.Find(n)!).ToList();
            code = verb switch
            {
                "get-featureinfo" => FeatureInfo(states, features[0], text),
                "enable-feature" => Enable(states, features, text),
                _ => Disable(states, features, text),
            };
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return code;
    }

    private int GetFeatures(WindowsFeatureStates states, StringBuilder text)
    {
        text.Append("Features listing for package : Microsoft-Windows-ServerDatacenterEdition~31bf3856ad364e35~amd64~~10.0.17763.1\r\n\r\n");
        if (format == "table")
        {
            text.Append("------------------------------------------- | --------\r\nFeature Name                                | State   \r\n------------------------------------------- | --------\r\n");
            foreach (var feature in DismFeatures.All) text.Append(feature.Name.PadRight(43)).Append(" | ").Append(State(states, feature)).Append("\r\n");
            text.Append("\r\n");
        }
        else
        {
            foreach (var feature in DismFeatures.All) text.Append("Feature Name : ").Append(feature.Name).Append("\r\nState : ").Append(State(states, feature)).Append("\r\n\r\n");
        }

        text.Append(Completed);
        return 0;
    }

    private static string State(WindowsFeatureStates states, DismFeature feature) => states.IsEnabled(feature) ? "Enabled" : "Disabled";

    private static int FeatureInfo(WindowsFeatureStates states, DismFeature feature, StringBuilder text)
    {
        text.Append("Feature Information:\r\n\r\nFeature Name : ").Append(feature.Name).Append("\r\nDisplay Name : ").Append(feature.DisplayName)
            .Append("\r\nDescription : ").Append(feature.Description).Append("\r\nRestart Required : ").Append(DismFeatures.NeedsRestart(feature) ? "Required" : "Possible")
            .Append("\r\nState : ").Append(State(states, feature)).Append("\r\n\r\nCustom Properties:\r\n\r\n(No custom properties found)\r\n\r\n").Append(Completed);
        return 0;
    }

    private int Enable(WindowsFeatureStates states, List<DismFeature> features, StringBuilder text)
    {
        if (DismFeatures.ToEnable(states, features, all) is not { } enabling)
        {
            text.Append("Error: 50\r\n\r\nOne or several parent features are disabled so current feature can not be enabled.\r\n")
                .Append("On some occasions, a parent feature may not be enabled. Use /All to enable the parent features too.\r\n\r\n").Append(Log);
            return 50;
        }

        return Change(states, enabling, enable: true, "Enabling feature(s)", text);
    }

    private int Disable(WindowsFeatureStates states, List<DismFeature> features, StringBuilder text) =>
        Change(states, DismFeatures.ToDisable(features), enable: false, "Disabling feature(s)", text);

    private int Change(WindowsFeatureStates states, List<DismFeature> changing, bool enable, string title, StringBuilder text)
    {
        var restart = DismFeatures.Apply(states, changing, enable);
        if (!quiet) text.Append(title).Append("\r\n[==========================100.0%==========================]\r\n").Append(Completed);
        if (!restart) return 0;
        // With /NoRestart DISM leaves the restart to the caller; without, it asks, and a remote shell's stdin answers nothing.
        if (!quiet) text.Append(noRestart ? "Restart Windows to complete this operation.\r\n" : "Restart Windows to complete this operation.\r\nDo you want to restart the computer now? (Y/N)\r\n");
        return RestartRequired;
    }
}
