using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The other in-box modules' functions' and cmdlets' parameters as a real Server 2019 has them
/// (module-command-parameters.tsv, from PSScriptAnalyzer's profile of that server): what Get-Command and
/// GET_COMMAND_METADATA report, and what the binder says of a name before the command runs.
/// </summary>
public class ModuleCommandParameterTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var host = new RecordingHost();
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 30, 0, TimeSpan.Zero)));
        return (host, outcome);
    }

    // The error's id: a written error's, else the failed pipeline's reason's.
    private static string ErrorIdOf(RecordingHost host, PipelineOutcome outcome) =>
        host.Errors.Select(e => e.FullyQualifiedErrorId).FirstOrDefault() ?? outcome.ErrorRecord?["FullyQualifiedErrorId"]?.ToDisplayString() ?? "(none)";

    [Test]
    public void Every_command_of_the_table_is_an_in_box_module_s_function_or_cmdlet_spelled_as_Windows_does()
    {
        var commands = CmdletParameters.ModuleCommands().Values.ToList();

        Assert.That((commands.Count(c => c.IsFunction), commands.Count(c => !c.IsFunction)), Is.EqualTo((121, 29)));
        Assert.That(commands.Where(c => WindowsCommands.FindModuleCommand(c.Name) is not { } command || command.IsFunction != c.IsFunction || command.Name != c.Name).Select(c => c.Name), Is.Empty);
        Assert.That(commands.Where(c => c.IsFunction && c.ClassName != c.Name).Select(c => c.Name), Is.Empty, "a function's errors end in its name");
        Assert.That(commands.Where(c => !c.IsFunction && !c.ClassName.Contains(".Commands.", StringComparison.Ordinal) && !c.ClassName.StartsWith("Microsoft.PowerShell.ScheduledJob.", StringComparison.Ordinal) &&
            !c.ClassName.StartsWith("Microsoft.BackgroundIntelligentTransfer.Management.", StringComparison.Ordinal)).Select(c => c.Name), Is.Empty, "a cmdlet's errors end in its class");
        Assert.That(commands.Where(c => CmdletParameters.Of(c.Name)?.FromModuleProfile != true).Select(c => c.Name), Is.Empty, "no name is in both tables");
    }

    [Test]
    public void A_CDXML_function_has_the_profile_s_parameters_in_order_with_their_sets_and_aliases()
    {
        var address = CmdletParameters.Of("Get-NetIPAddress")!;
        var ipAddress = address.Parameters[0];
        var family = address.Parameters.Single(p => p.Name == "AddressFamily");

        Assert.That(address.Own.Select(p => p.Name).Take(5), Is.EqualTo(new[] { "IPAddress", "InterfaceIndex", "InterfaceAlias", "AddressFamily", "Type" }));
        Assert.That(address.Own.Select(p => p.Name).TakeLast(3), Is.EqualTo(new[] { "CimSession", "ThrottleLimit", "AsJob" }));
        Assert.That(address.Parameters.Select(p => p.Name).Skip(address.Own.Count).First(), Is.EqualTo("Verbose"), "the common parameters follow the function's own");
        Assert.That((address.DefaultSet, address.SupportsShouldProcess, address.CmdletBinding), Is.EqualTo(("Query (cdxml)", false, true)));
        Assert.That((ipAddress.Aliases, ipAddress.Sets.Single()), Is.EqualTo((new[] { "LocalAddress" }, new CmdletParameterSet("Query (cdxml)", 0, false, false, true, false))));
        Assert.That(family.TypeName, Is.EqualTo("Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetIPAddress.AddressFamily[]"));
        Assert.That(address.Parameters.Single(p => p.Name == "CimSession").Aliases, Is.EqualTo(new[] { "Session" }));

        var setInterface = CmdletParameters.Of("Set-NetIPInterface")!;
        Assert.That(setInterface.SupportsShouldProcess, Is.True, "the profile lists -WhatIf and -Confirm");
        Assert.That(setInterface.Parameters.Select(p => p.Name).TakeLast(2), Is.EqualTo(new[] { "WhatIf", "Confirm" }));
        Assert.That(setInterface.Parameters.Single(p => p.Name == "InputObject").Sets.Single(), Is.EqualTo(new CmdletParameterSet("InputObject (cdxml)", null, true, true, false, false)));

        // A script function (NetTCPIP's Get-NetIPConfiguration) with sets of its own.
        var configuration = CmdletParameters.Of("Get-NetIPConfiguration")!;
        Assert.That((configuration.DefaultSet, configuration.SetNames), Is.EqualTo(("Alias", new[] { "Alias", "Index", "All" })));
        Assert.That(configuration.Parameters.Single(p => p.Name == "InterfaceIndex").Sets.Single(), Is.EqualTo(new CmdletParameterSet("Index", null, true, false, true, false)));
        Assert.That(configuration.Parameters.Single(p => p.Name == "CimSession").Aliases, Is.EqualTo(new[] { "PSComputerName", "ComputerName" }));
    }

    [TestCase("Get-NetIPAddress -Bogus 1", "NamedParameterNotFound,Get-NetIPAddress", "A parameter cannot be found that matches parameter name 'Bogus'.")]
    [TestCase("Get-NetAdapter -Name Ethernet -Bogus", "NamedParameterNotFound,Get-NetAdapter", "A parameter cannot be found that matches parameter name 'Bogus'.")]
    // -Inter begins InterfaceIndex, InterfaceAlias and InterfaceMetric (and more): the binder names them all.
    [TestCase("Get-NetIPInterface -Inter 4", "AmbiguousParameter,Get-NetIPInterface",
        "Parameter cannot be processed because the parameter name 'Inter' is ambiguous. Possible matches include: -InterfaceIndex -InterfaceAlias -InterfaceMetric.")]
    // A module cmdlet's errors end in its class.
    [TestCase("Get-WindowsFeature -Bogus x", "NamedParameterNotFound,Microsoft.Windows.ServerManager.Commands.GetWindowsFeatureCommand", "A parameter cannot be found that matches parameter name 'Bogus'.")]
    [TestCase("Get-WindowsCapability -Online -Bogus", "NamedParameterNotFound,Microsoft.Dism.Commands.GetWindowsCapabilityCommand", "A parameter cannot be found that matches parameter name 'Bogus'.")]
    [TestCase("Get-NetIPAddress -InterfaceIndex", "MissingArgument,Get-NetIPAddress", "Missing an argument for parameter 'InterfaceIndex'. Specify a parameter of type 'System.UInt32[]' and try again.")]
    // Parameters a later module has and a Server 2019's has not.
    [TestCase("Set-MpPreference -DisableOnAccessProtection $true", "NamedParameterNotFound,Set-MpPreference", "A parameter cannot be found that matches parameter name 'DisableOnAccessProtection'.")]
    [TestCase("Add-MpPreference -ExclusionIpAddress 10.0.0.1", "NamedParameterNotFound,Add-MpPreference", "A parameter cannot be found that matches parameter name 'ExclusionIpAddress'.")]
    [TestCase("Get-SmbConnection -ShareName x", "NamedParameterNotFound,Get-SmbConnection", "A parameter cannot be found that matches parameter name 'ShareName'.")]
    // Output properties, not parameters.
    [TestCase("Get-NetRoute -TypeOfRoute 3", "NamedParameterNotFound,Get-NetRoute", "A parameter cannot be found that matches parameter name 'TypeOfRoute'.")]
    [TestCase("Set-DnsClientGlobalSetting -UseSuffixSearchList $false", "NamedParameterNotFound,Set-DnsClientGlobalSetting", "A parameter cannot be found that matches parameter name 'UseSuffixSearchList'.")]
    // Named parameters given by position.
    [TestCase("Get-NetAdapterBinding Ethernet ms_tcpip6", "PositionalParameterNotFound,Get-NetAdapterBinding", "A positional parameter cannot be found that accepts argument 'ms_tcpip6'.")]
    [TestCase("Get-NetConnectionProfile Network", "PositionalParameterNotFound,Get-NetConnectionProfile", "A positional parameter cannot be found that accepts argument 'Network'.")]
    public async Task A_name_the_function_does_not_have_is_the_binder_s_error_before_it_runs(string script, string id, string message)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(ErrorIdOf(host, outcome), Is.EqualTo(id));
        Assert.That(host.Errors.Select(e => e.Message).Append(outcome.ErrorRecord?.ToDisplayString() ?? string.Empty), Has.Some.Contains(message));
    }

    /// <summary>
    /// A cmdlet of PowerShell's own without dynamic parameters refuses a name it has not before it runs, emulated or
    /// not; a provider cmdlet (IDynamicParameters) may take a provider's parameter the table lacks, which the emulator
    /// does not call a binding error.
    /// </summary>
    [TestCase("Start-Transcript -Bogus x", "NamedParameterNotFound,Microsoft.PowerShell.Commands.StartTranscriptCommand")]
    [TestCase("Get-Job -State Running -Bogus", "NamedParameterNotFound,Microsoft.PowerShell.Commands.GetJobCommand")]
    [TestCase("Export-Clixml -Path C:\\x.xml -Frob 1 | Out-Null", "NamedParameterNotFound,Microsoft.PowerShell.Commands.ExportClixmlCommand")]
    public async Task A_cmdlet_without_dynamic_parameters_refuses_a_name_it_has_not(string script, string id)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(ErrorIdOf(host, outcome), Is.EqualTo(id));
    }

    /// <summary>
    /// A statement the emulator does not run gets the binder's error only where the metadata is the cmdlet's whole
    /// truth: a provider cmdlet's unknown name may be a dynamic parameter of a provider other than the FileSystem's,
    /// whose the table has, so it falls through to the caller's error.
    /// </summary>
    [Test]
    public void A_provider_cmdlet_s_unknown_name_is_left_to_the_caller_where_a_plain_cmdlet_s_is_a_binding_error()
    {
        Assert.That(CmdletParameters.Of("Get-Item")!.AllParametersKnown, Is.False);
        Assert.That(CmdletParameters.Of("Export-Clixml")!.AllParametersKnown, Is.True);
        Assert.That(RunContext.MissingArgumentOf("Get-Item Cert:\\LocalMachine\\My -Frobnicate"), Is.Null);
        Assert.That(RunContext.MissingArgumentOf("Export-Clixml -Frobnicate")?.FullyQualifiedErrorId,
            Is.EqualTo("NamedParameterNotFound,Microsoft.PowerShell.Commands.ExportClixmlCommand"));
    }

    /// <summary>"Test-NetConnection host 443": the second word is -CommonTCPPort's (its ValidateSet refuses it), -Port is named.</summary>
    [Test]
    public async Task A_port_given_by_position_to_Test_NetConnection_is_refused_by_CommonTCPPort_s_set()
    {
        var (host, outcome) = await RunAsync("Test-NetConnection server02 443");

        Assert.That(ErrorIdOf(host, outcome), Is.EqualTo("ParameterArgumentValidationError,Test-NetConnection"));
        Assert.That(host.Errors.Select(e => e.Message).Append(outcome.ErrorRecord?.ToDisplayString() ?? string.Empty),
            Has.Some.Contains("Cannot validate argument on parameter 'CommonTCPPort'. The argument \"443\" does not belong to the set \"HTTP,RDP,SMB,WINRM\""));
    }

    [Test]
    public async Task A_parameter_the_function_has_and_the_emulator_does_not_bind_is_not_emulated_not_missing()
    {
        var (host, outcome) = await RunAsync("Get-NetFirewallRule -PolicyStoreSourceType Dynamic");

        Assert.That(ErrorIdOf(host, outcome), Does.Not.Contain("NamedParameterNotFound"));
        Assert.That(host.Errors.Select(e => e.Message).Append(outcome.ErrorRecord?.ToDisplayString() ?? string.Empty),
            Has.Some.Contains("Get-NetFirewallRule -PolicyStoreSourceType is not emulated"));
    }

    [Test]
    public async Task A_function_s_parameter_alias_binds_as_its_name()
    {
        var (host, outcome) = await RunAsync("$i = (Get-NetIPInterface -AddressFamily IPv4)[0]; (Get-NetIPInterface -ifIndex $i.ifIndex -AddressFamily IPv4).InterfaceAlias -eq $i.InterfaceAlias");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True" }));
    }

    [Test]
    public async Task Get_Command_gives_a_module_function_s_parameters_and_default_set()
    {
        var (host, outcome) = await RunAsync(
            "$c = Get-Command Get-NetFirewallRule; $c.CmdletBinding; $c.DefaultParameterSet; ($c.Parameters.Keys | Select-Object -First 3) -join ','; " +
            "$c.Parameters['Enabled'].ParameterType; $c.Parameters.ContainsKey('ErrorAction'); (Get-Command Get-BitLockerVolume).Parameters.Keys | Select-Object -First 1; " +
            "$i = Get-Command Install-WindowsFeature; $i.DefaultParameterSet; $i.Parameters['IncludeManagementTools'].SwitchParameter; $i.Parameters.ContainsKey('WhatIf')");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "GetAll", "Name,DisplayName,Description", "Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetSecurity.Enabled[]", "True", "MountPoint",
            "ComponentNamesAndRunningComputer", "True", "True",
        }));
    }

    [Test]
    public async Task GET_COMMAND_METADATA_gives_a_module_function_s_parameters()
    {
        var host = new RecordingHost();
        await new CommandMetadataScript(new GetCommandMetadata(["Get-NetIPAddress", "Get-StorageSubSystem", "Resolve-DnsName"], 2 | 8, [], []))
            .RunAsync(host, new FakeTimeProvider(), CancellationToken.None);

        var commands = host.Outputs.Skip(1).Cast<PsObject>().ToList();
        var address = (PsObject)commands.Single(c => c["Name"]!.ToDisplayString() == "Get-NetIPAddress")["Parameters"]!;
        var family = (PsObject)address.Entries.Single(e => e.Key.ToDisplayString() == "AddressFamily").Value;
        var unknown = (PsObject)commands.Single(c => c["Name"]!.ToDisplayString() == "Get-StorageSubSystem")["Parameters"]!;

        Assert.That(address.Entries.Select(e => e.Key.ToDisplayString()).Take(2), Is.EqualTo(new[] { "IPAddress", "InterfaceIndex" }));
        Assert.That(address.Entries.Select(e => e.Key.ToDisplayString()), Does.Contain("ErrorAction"));
        Assert.That(family["ParameterType"]!.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetIPAddress.AddressFamily[]"));
        Assert.That(unknown.Entries, Is.Empty, "a function the table lacks: its parameters are not known");
        var resolve = (PsObject)commands.Single(c => c["Name"]!.ToDisplayString() == "Resolve-DnsName")["Parameters"]!;
        Assert.That(resolve.Entries.Select(e => e.Key.ToDisplayString()).Take(3), Is.EqualTo(new[] { "Name", "Type", "Server" }), "a module cmdlet's own parameters first");
    }
}
