using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>dism /online over the computer's optional features, the same state Install-WindowsFeature changes.</summary>
public class DismTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(string Stdout, string Stderr, int Code)> DismAsync(string line, WindowsFeatureStates states)
    {
        var host = new FakeCommandLineHost { WindowsFeatures = states };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host.Stdout, host.Stderr, code);
    }

    /// <summary>Chef's windows_feature_dism and scripts: enable with /All, then the table and Server Manager agree.</summary>
    [Test]
    public async Task Enable_feature_needs_all_for_a_disabled_parent_and_is_what_server_manager_sees()
    {
        var states = new WindowsFeatureStates();

        var refused = await DismAsync("dism /online /enable-feature /featurename:IIS-WebServer /norestart", states);
        var enabled = await DismAsync("DISM.exe /Online /NoRestart /Enable-Feature /FeatureName:IIS-WebServer /All /English", states);
        var table = await DismAsync("dism /online /get-features /format:table /english", states);

        Assert.That((refused.Code, refused.Stdout), Is.EqualTo((50, Banner + "Error: 50\r\n\r\nOne or several parent features are disabled so current feature can not be enabled.\r\n" +
            "On some occasions, a parent feature may not be enabled. Use /All to enable the parent features too.\r\n\r\nThe DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log\r\n")));
        Assert.That((enabled.Code, enabled.Stdout), Is.EqualTo((0, Banner + "Enabling feature(s)\r\n[==========================100.0%==========================]\r\nThe operation completed successfully.\r\n")));
        Assert.That(states.IsInstalled(WindowsFeatureStates.Find("Web-Server")!) && states.IsInstalled(WindowsFeatureStates.Find("Web-WebServer")!), Is.True);
        Assert.That(states.IsInstalled(WindowsFeatureStates.Find("Web-Common-Http")!), Is.False, "DISM enables the feature and its parents, not its children");
        Assert.That(table.Stdout, Does.Contain("IIS-WebServerRole                           | Enabled\r\nIIS-WebServer                               | Enabled\r\nIIS-CommonHttpFeatures                      | Disabled\r\n"));
        Assert.That(table.Stdout, Does.Contain("NetFx4                                      | Enabled\r\n"), "a fresh server's .NET 4.7");
    }

    /// <summary>Features piped into Install-WindowsFeature are installed together: one result naming them all.</summary>
    [Test]
    public async Task Features_piped_into_Install_WindowsFeature_are_installed_in_one_operation()
    {
        var states = new WindowsFeatureStates();
        var host = new RecordingHost { Runspace = new RunspaceState(), WindowsFeatures = states };

        await Default.Resolve(Behaviour.Script("$r = Get-WindowsFeature Telnet-Client, SNMP-Service | Install-WindowsFeature; @($r).Count; $r.Success; $r.FeatureResult.Count; 'Telnet-Client' | Uninstall-WindowsFeature | % Success"))
            .RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "True", "2", "True" }));
        Assert.That((states.IsInstalled(WindowsFeatureStates.Find("SNMP-Service")!), states.IsInstalled(WindowsFeatureStates.Find("Telnet-Client")!)), Is.EqualTo((true, false)));
    }

    /// <summary>InSpec's windows_feature falls back to get-featureinfo: exit code 0 and the Feature Name and Description lines.</summary>
    [Test]
    public async Task Get_featureinfo_describes_a_feature_and_an_unknown_one_is_0x800f080c()
    {
        var states = new WindowsFeatureStates();

        var info = await DismAsync("dism /online /get-featureinfo /featurename:SMB1Protocol", states);
        var unknown = await DismAsync("dism /online /get-featureinfo /featurename:Nope", states);
        var disabled = await DismAsync("dism /online /disable-feature /featurename:NetFx4ServerFeatures /quiet", states);

        Assert.That(info.Code, Is.EqualTo(0));
        Assert.That(info.Stdout, Does.Contain("Feature Name : SMB1Protocol\r\nDisplay Name : SMB 1.0/CIFS File Sharing Support\r\nDescription : Support for the SMB 1.0/CIFS"));
        Assert.That(info.Stdout, Does.Contain("State : Disabled\r\n"));
        Assert.That(unknown.Code, Is.EqualTo(unchecked((int)0x800f080c)));
        Assert.That(unknown.Stdout, Does.Contain("Error: 0x800f080c\r\n\r\nFeature name Nope is unknown.\r\n"));
        Assert.That((disabled.Code, disabled.Stdout), Is.EqualTo((0, string.Empty)), "/quiet writes nothing");
        Assert.That(states.IsInstalled(WindowsFeatureStates.Find("NET-WCF-TCP-PortSharing45")!), Is.False, "a feature goes with the ones under it");
    }

    [TestCase("dism /online /enable-feature /featurename:Containers /all /norestart", 3010, "Restart Windows to complete this operation.\r\n")]
    [TestCase("dism /online /enable-feature /featurename:Microsoft-Hyper-V /all", 3010, "Do you want to restart the computer now? (Y/N)\r\n")]
    public async Task A_feature_that_needs_a_restart_exits_3010(string line, int code, string ending)
    {
        var result = await DismAsync(line, new WindowsFeatureStates());

        Assert.That(result.Code, Is.EqualTo(code));
        Assert.That(result.Stdout, Does.EndWith(ending));
    }

    [TestCase("dism /image:C:\\mount /get-features")]
    [TestCase("dism /online /get-packages")]
    [TestCase("dism /online /cleanup-image /restorehealth")]
    public async Task Offline_images_packages_and_cleanup_are_not_emulated(string line)
    {
        var result = await DismAsync(line, new WindowsFeatureStates());

        Assert.That((result.Code, result.Stderr), Is.EqualTo((1, "dism is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n")));
    }

    /// <summary>Ansible's win_optional_feature: Get-, then Enable-WindowsOptionalFeature -Online -NoRestart, reading RestartNeeded.</summary>
    [Test]
    public async Task The_dism_cmdlets_read_and_change_the_same_features()
    {
        var states = new WindowsFeatureStates();
        var host = new RecordingHost { Runspace = new RunspaceState(), WindowsFeatures = states };
        await Default.Resolve(Behaviour.Script(
            "$f = Get-WindowsOptionalFeature -Online -FeatureName IIS-WebServer; \"$($f.State) $($f.RestartRequired) $($f.State -notlike 'Enabled*')\"; " +
            "Enable-WindowsOptionalFeature -Online -FeatureName IIS-WebServer -NoRestart; " +
            "(Enable-WindowsOptionalFeature -Online -FeatureName IIS-WebServer -All -NoRestart).RestartNeeded; " +
            "(Enable-WindowsOptionalFeature -Online -FeatureName Containers -NoRestart).RestartNeeded; " +
            "(Get-WindowsFeature Web-WebServer).Installed; Disable-WindowsOptionalFeature -Online -FeatureName IIS-WebServerRole -NoRestart | Out-Null; " +
            "@(Get-WindowsOptionalFeature -Online | Where-Object FeatureName -like 'IIS-*' | Where-Object State -eq Enabled).Count; " +
            "Get-WindowsOptionalFeature -Online -FeatureName Nope; Get-WindowsOptionalFeature -FeatureName TelnetClient"))
            .RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Disabled Possible True", "False", "True", "True", "0" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("Microsoft.Dism.Commands.EnableWindowsOptionalFeatureCommand", "One or several parent features are disabled so current feature can not be enabled."),
            ("Microsoft.Dism.Commands.GetWindowsOptionalFeatureCommand", "Feature name Nope is unknown."),
            ("AmbiguousParameterSet,Microsoft.Dism.Commands.GetWindowsOptionalFeatureCommand", "Parameter set cannot be resolved using the specified named parameters."),
        }));
    }

    /// <summary>dev-sec's smb-101 matches "Disabled" in the text of Get-WindowsOptionalFeature piped to Where-Object.</summary>
    [Test]
    public async Task The_dism_cmdlets_objects_show_as_the_modules_lists()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), WindowsFeatures = new WindowsFeatureStates() };
        await Default.Resolve(Behaviour.Script(
            "Get-WindowsOptionalFeature -Online | where FeatureName -eq SMB1Protocol | Out-String; " +
            "Get-WindowsOptionalFeature -Online -FeatureName SMB1Protocol | Out-String; " +
            "Enable-WindowsOptionalFeature -Online -FeatureName TelnetClient -NoRestart | Out-String"))
            .RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "\r\n\r\nFeatureName : SMB1Protocol\r\nState       : Disabled\r\n\r\n\r\n\r\n",
            "\r\n\r\nFeatureName      : SMB1Protocol\r\nDisplayName      : SMB 1.0/CIFS File Sharing Support\r\n" +
                "Description      : Support for the SMB 1.0/CIFS file sharing protocol, and the Computer Browser protocol.\r\n" +
                "RestartRequired  : Possible\r\nState            : Disabled\r\nCustomProperties : {}\r\n\r\n\r\n\r\n",
            "\r\n\r\nPath          : \r\nOnline        : True\r\nRestartNeeded : False\r\n\r\n\r\n\r\n",
        }));
    }

    private const string Banner = "\r\nDeployment Image Servicing and Management tool\r\nVersion: 10.0.17763.1\r\n\r\nImage Version: 10.0.17763.4974\r\n\r\n";
}
