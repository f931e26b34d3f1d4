using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's firewall rules as provisioning scripts change them: NetSecurity's cmdlets and netsh advfirewall
/// firewall over one store, so a rule one adds the other sees.
/// </summary>
public class FirewallRuleTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, FirewallRules rules)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FirewallRules = rules };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script, FirewallRules rules)
    {
        var (host, outcome) = await RunAsync(script, rules);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return string.Join("|", host.OutputTexts);
    }

    private static async Task<(string Stdout, int ExitCode)> NetshAsync(string line, FirewallRules rules)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, FirewallRules = rules };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        Assert.That(host.Stderr, Is.Empty);
        return (host.Stdout, code);
    }

    [TestCase("(Get-NetFirewallRule -DisplayGroup 'Windows Remote Management').Name -join ','", "WINRM-HTTP-In-TCP,WINRM-HTTP-In-TCP-PUBLIC")]
    [TestCase("$r = Get-NetFirewallRule -Name WINRM-HTTP-In-TCP-PUBLIC; $r.Enabled; $r.Profile; $r.Direction; $r.Action; ($r | Get-NetFirewallPortFilter).LocalPort",
        "True|Public|Inbound|Allow|5985")]
    [TestCase("(Get-NetFirewallRule -Enabled True | ForEach-Object Name) -join ','", "WINRM-HTTP-In-TCP,WINRM-HTTP-In-TCP-PUBLIC,FPS-SMB-In-TCP")]
    [TestCase("(Get-NetFirewallRule -DisplayGroup 'Windows Management Instrumentation (WMI)' | ForEach-Object { $_.Name + ':' + $_.Enabled }) -join ','",
        "WMI-RPCSS-In-TCP:False,WMI-WINMGMT-In-TCP:False,WMI-WINMGMT-In-TCP-ASYNC:False,WMI-WINMGMT-Out-TCP:False")]
    [TestCase("@(Get-NetFirewallRule -DisplayName 'Nothing like it*').Count; (Get-NetFirewallRule -Name RemoteDesktop-UserMode*).Count", "0|2")]
    [TestCase("(Get-NetFirewallRule -Name WINRM-HTTP-In-TCP).PSObject.TypeNames[0]", "Microsoft.Management.Infrastructure.CimInstance#root/standardcimv2/MSFT_NetFirewallRule")]
    [TestCase("Set-NetFirewallRule -Name:RemoteDesktop-UserMode-In-TCP -Enabled:$true; (Get-NetFirewallRule -Name RemoteDesktop-UserMode-In-TCP).Enabled", "True")]
    public async Task A_fresh_computer_has_WinRMs_rules_enabled_and_Remote_Desktops_disabled_and_a_parameter_takes_its_value_after_a_colon(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script, new FirewallRules()), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_rule_a_script_adds_is_there_for_later_sessions_with_its_port_filter_and_can_be_removed()
    {
        var rules = new FirewallRules();

        var made = await OutputOfAsync(
            "$r = New-NetFirewallRule -DisplayName 'Web 8080' -Direction Inbound -Protocol TCP -LocalPort 8080,8443 -Action Allow -Profile Domain,Private; " +
            "$r.Name -match '^\\{[0-9a-f-]{36}\\}$'; $r.Enabled; $r.Profile", rules);
        var later = await OutputOfAsync("(Get-NetFirewallRule -DisplayName 'Web 8080' | Get-NetFirewallPortFilter).LocalPort -join ','; " +
            "Get-NetFirewallRule -DisplayName 'Web*' | Remove-NetFirewallRule; @(Get-NetFirewallRule -DisplayName 'Web*').Count", rules);

        Assert.That(made, Is.EqualTo("True|True|Domain, Private"));
        Assert.That(later, Is.EqualTo("8080,8443|0"));
        Assert.That(rules.All(), Has.Count.EqualTo(new FirewallRules().All().Count));
    }

    [Test]
    public async Task Enabling_a_group_setting_a_rule_and_disabling_piped_rules_change_the_store()
    {
        var rules = new FirewallRules();

        var output = await OutputOfAsync(
            "Enable-NetFirewallRule -DisplayGroup 'Remote Desktop'; Set-NetFirewallRule -Name WINRM-HTTP-In-TCP-PUBLIC -RemoteAddress Any -PassThru | ForEach-Object Name; " +
            "Get-NetFirewallRule -Name FPS-ICMP4* | Disable-NetFirewallRule -PassThru | ForEach-Object Enabled; " +
            "Enable-NetFirewallRule -DisplayGroup 'Windows Management Instrumentation (WMI)' -PassThru | ForEach-Object Enabled", rules);

        Assert.That(output, Is.EqualTo("WINRM-HTTP-In-TCP-PUBLIC|False|True|True|True|True"));
        Assert.That(rules.All().Where(r => r.DisplayGroup == "Remote Desktop").Select(r => r.Enabled), Is.All.True);
        Assert.That(rules.Find("WINRM-HTTP-In-TCP-PUBLIC")!.RemoteAddress, Is.EqualTo("Any"));
    }

    [Test]
    public async Task Names_no_rule_has_a_taken_name_and_a_bad_enum_value_are_the_modules_errors()
    {
        var (host, _) = await RunAsync(
            "Get-NetFirewallRule -Name nope; Remove-NetFirewallRule -DisplayName ghost; New-NetFirewallRule -Name WINRM-HTTP-In-TCP -DisplayName again; " +
            "try { New-NetFirewallRule -DisplayName x -Direction Sideways } catch { $_.FullyQualifiedErrorId; $_.ToString().Contains(\"try again:`r`nInbound, Outbound\") }; 'went on'", new FirewallRules());

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)), Is.EqualTo(new[]
        {
            ("CmdletizationQuery_NotFound_InstanceID,Get-NetFirewallRule", ErrorCategory.ObjectNotFound,
                "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to 'nope'.  Verify the value of the property and retry."),
            ("CmdletizationQuery_NotFound_DisplayName,Remove-NetFirewallRule", ErrorCategory.ObjectNotFound,
                "No MSFT_NetFirewallRule objects found with property 'DisplayName' equal to 'ghost'.  Verify the value of the property and retry."),
            ("Windows System Error 183,New-NetFirewallRule", ErrorCategory.ResourceExists, "Cannot create a file when that file already exists."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ParameterArgumentTransformationError,New-NetFirewallRule", "True", "went on" }));
    }

    [Test]
    public async Task The_rules_are_laid_out_as_NetSecuritys_lists()
    {
        var text = await OutputOfAsync("Get-NetFirewallRule -Name WINRM-HTTP-In-TCP | Out-String; Get-NetFirewallRule -Name WINRM-HTTP-In-TCP | Get-NetFirewallPortFilter | Out-String", new FirewallRules());

        Assert.That(text, Does.Contain(
            "Name                  : WINRM-HTTP-In-TCP\r\nDisplayName           : Windows Remote Management (HTTP-In)\r\n" +
            "Description           : Inbound rule for Windows Remote Management via WS-Management. [TCP 5985]\r\nDisplayGroup          : Windows Remote Management\r\n" +
            "Group                 : @FirewallAPI.dll,-35002\r\nEnabled               : True\r\nProfile               : Domain, Private\r\nPlatform              : {}\r\n" +
            "Direction             : Inbound\r\nAction                : Allow\r\nEdgeTraversalPolicy   : Block\r\nLooseSourceMapping    : False\r\n" +
            "LocalOnlyMapping      : False\r\nOwner                 : \r\nPrimaryStatus         : OK\r\n" +
            "Status                : The rule was parsed successfully from the store. (65536)\r\nEnforcementStatus     : NotApplicable\r\n" +
            "PolicyStoreSource     : PersistentStore\r\nPolicyStoreSourceType : Local\r\n"));
        Assert.That(text, Does.Contain("Protocol      : TCP\r\nLocalPort     : 5985\r\nRemotePort    : Any\r\nIcmpType      : Any\r\nDynamicTarget : Any\r\n"));
    }

    /// <summary>Ansible's ConfigureRemotingForAnsible.ps1: show the rule, add it when show printed under five lines.</summary>
    [Test]
    public async Task Netsh_adds_a_rule_that_show_then_prints_and_the_cmdlets_see()
    {
        var rules = new FirewallRules();

        var before = await NetshAsync("netsh advfirewall firewall show rule name=\"Allow WinRM HTTPS\"", rules);
        var add = await NetshAsync("netsh advfirewall firewall add rule profile=any name=\"Allow WinRM HTTPS\" dir=in localport=5986 protocol=TCP action=allow", rules);
        var after = await NetshAsync("netsh advfirewall firewall show rule name=\"Allow WinRM HTTPS\"", rules);
        var seen = await OutputOfAsync("$r = Get-NetFirewallRule -DisplayName 'Allow WinRM HTTPS'; $r.Profile; ($r | Get-NetFirewallPortFilter).LocalPort", rules);

        Assert.That(before, Is.EqualTo(("No rules match the specified criteria.\r\n", 1)));
        Assert.That(add, Is.EqualTo(("Ok.\r\n\r\n", 0)));
        Assert.That(after.Stdout, Is.EqualTo(
            "\r\nRule Name:                            Allow WinRM HTTPS\r\n" + new string('-', 70) + "\r\n" +
            "Enabled:                              Yes\r\nDirection:                            In\r\nProfiles:                             Domain,Private,Public\r\n" +
            "Grouping:                             \r\nLocalIP:                              Any\r\nRemoteIP:                             Any\r\n" +
            "Protocol:                             TCP\r\nLocalPort:                            5986\r\nRemotePort:                           Any\r\n" +
            "Edge traversal:                       No\r\nAction:                               Allow\r\nOk.\r\n\r\n"));
        Assert.That(after.ExitCode, Is.EqualTo(0));
        Assert.That(seen, Is.EqualTo("Any|5986"));
    }

    [Test]
    public async Task Netsh_sets_a_group_and_deletes_by_name_saying_how_many_rules_it_changed()
    {
        var rules = new FirewallRules();

        var set = await NetshAsync("netsh advfirewall firewall set rule group=\"remote desktop\" new enable=Yes", rules);
        var delete = await NetshAsync("netsh advfirewall firewall delete rule name=\"Windows Remote Management (HTTP-In)\" profile=public", rules);
        var again = await NetshAsync("netsh advfirewall firewall delete rule name=\"Windows Remote Management (HTTP-In)\" profile=public", rules);

        Assert.That(set, Is.EqualTo(("\r\nUpdated 3 rule(s).\r\nOk.\r\n\r\n", 0)));
        Assert.That(rules.All().Where(r => r.DisplayGroup == "Remote Desktop").Select(r => r.Enabled), Is.All.True);
        Assert.That(delete, Is.EqualTo(("\r\nDeleted 1 rule(s).\r\nOk.\r\n\r\n", 0)));
        Assert.That(rules.All().Select(r => r.Name), Does.Contain("WINRM-HTTP-In-TCP").And.Not.Contain("WINRM-HTTP-In-TCP-PUBLIC"));
        Assert.That(again, Is.EqualTo(("\r\nNo rules match the specified criteria.\r\n\r\n", 1)));
    }

    [Test]
    public async Task Turning_the_profiles_off_and_one_back_on_shows_in_both_the_cmdlets_and_netsh()
    {
        var rules = new FirewallRules();

        var cmdlets = await OutputOfAsync(
            "Set-NetFirewallProfile -Profile Domain,Public,Private -Enabled False; Get-NetFirewallProfile -Name Public | Set-NetFirewallProfile -Enabled True; " +
            "Get-NetFirewallProfile | ForEach-Object { $_.Name + '=' + $_.Enabled }", rules);
        var netsh = await NetshAsync("netsh advfirewall show allprofiles state", rules);
        var off = await NetshAsync("netsh advfirewall set currentprofile state off", rules);

        Assert.That(cmdlets, Is.EqualTo("Domain=False|Private=False|Public=True"));
        Assert.That(netsh, Is.EqualTo((
            "\r\nDomain Profile Settings: \r\n" + new string('-', 70) + "\r\nState                                 OFF\r\n" +
            "\r\nPrivate Profile Settings: \r\n" + new string('-', 70) + "\r\nState                                 OFF\r\n" +
            "\r\nPublic Profile Settings: \r\n" + new string('-', 70) + "\r\nState                                 ON\r\nOk.\r\n\r\n", 0)));
        Assert.That(off, Is.EqualTo(("Ok.\r\n\r\n", 0)));
        Assert.That(FirewallRules.Profiles.Select(rules.IsProfileEnabled), Is.All.False);
    }

    [Test]
    public async Task A_profile_no_firewall_has_is_the_not_found_error_and_a_value_no_enum_has_is_a_transformation_error()
    {
        var rules = new FirewallRules();
        var (host, _) = await RunAsync("Get-NetFirewallProfile -Name Work; Set-NetFirewallProfile -Name Public -DefaultInboundAction Maybe -Enabled False", rules);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CmdletizationQuery_NotFound_Name,Get-NetFirewallProfile", "ParameterArgumentTransformationError,Set-NetFirewallProfile" }));
        Assert.That(host.Errors[1].Message, Does.Contain("to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetSecurity.Action\""));
        Assert.That(rules.IsProfileEnabled("Public"), Is.True, "a wrong value changes nothing");
    }

    /// <summary>Hardening baselines set the default actions and logging of every profile; the cmdlets and netsh see the same.</summary>
    [Test]
    public async Task Default_actions_and_logging_set_on_all_profiles_show_in_the_cmdlets_and_netsh()
    {
        var rules = new FirewallRules();

        var cmdlets = await OutputOfAsync(
            "Set-NetFirewallProfile -All -Enabled True -DefaultInboundAction Block -DefaultOutboundAction Block -LogAllowed True -LogBlocked True -LogMaxSizeKilobytes 16384; " +
            "Get-NetFirewallProfile -Name Private | ForEach-Object { \"$($_.DefaultInboundAction) $($_.DefaultOutboundAction) $($_.LogBlocked) $($_.LogMaxSizeKilobytes) $($_.AllowInboundRules)\" }", rules);
        var netsh = await NetshAsync("netsh advfirewall show privateprofile", rules);

        Assert.That(cmdlets, Is.EqualTo("Block Block True 16384 NotConfigured"));
        Assert.That(netsh.Stdout, Does.Contain("Firewall Policy                       BlockInbound,BlockOutbound\r\n"));
        Assert.That(netsh.Stdout, Does.Contain("LogDroppedConnections                 Enable\r\n").And.Contain("MaxFileSize                           16384\r\n"));
    }
}
