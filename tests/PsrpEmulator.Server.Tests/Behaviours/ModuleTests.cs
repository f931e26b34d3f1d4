using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Get-Module, Import-Module and Remove-Module by name: what provisioning scripts test before they install a module
/// (<c>if (-not (Get-Module -ListAvailable -Name X))</c>), and the session's imported modules.
/// </summary>
public class ModuleTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, RunspaceState? runspace = null)
    {
        var host = new RecordingHost { Runspace = runspace ?? new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    [TestCase("if (Get-Module -ListAvailable -Name PowerShellGet) { 'has' } else { 'has not' }", "has")]
    [TestCase("if (-not (Get-Module -ListAvailable -Name SqlServer)) { 'install it' }; @(Get-Module -ListAvailable Az.*).Count", "install it|0")]
    [TestCase("$m = Get-Module -ListAvailable PowerShellGet; $m.Version.ToString(); $m.ModuleBase; $m.Path; $m.ModuleType; $m.Guid.ToString()",
        @"1.0.0.1|C:\Program Files\WindowsPowerShell\Modules\PowerShellGet\1.0.0.1|C:\Program Files\WindowsPowerShell\Modules\PowerShellGet\1.0.0.1\PowerShellGet.psd1|Script|1d73a601-4a6c-43c5-ba3f-619b18bbb404")]
    [TestCase("$m = gmo -ListAvailable microsoft.powershell.management; $m.Name; $m.Path; $m.ExportedCommands.ContainsKey('Get-Service'); $m.ExportedCommands.ContainsKey('Get-Date')",
        @"Microsoft.PowerShell.Management|C:\Windows\system32\WindowsPowerShell\v1.0\Modules\Microsoft.PowerShell.Management\Microsoft.PowerShell.Management.psd1|True|False")]
    [TestCase("(Get-Module -ListAvailable -Name NetTCPIP, DnsClient | Select-Object -ExpandProperty Name) -join ','", "DnsClient,NetTCPIP")]
    public async Task Get_Module_ListAvailable_finds_the_modules_a_Windows_Server_2019_has(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>GetModule walks $env:PSModulePath's folders in order (Program Files', then System32's), each by name.</summary>
    [Test]
    public async Task ListAvailable_goes_folder_by_folder_in_PSModulePath_order()
    {
        var (host, _) = await RunAsync("Get-Module -ListAvailable P* | ForEach-Object Name");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "PackageManagement", "Pester", "PowerShellGet", "PSReadline",
            "PcsvDevice", "PersistentMemory", "PKI", "PlatformIdentifier", "PnpDevice", "PrintManagement", "ProcessMitigations", "PSDesiredStateConfiguration",
            "PSDiagnostics", "PSScheduledJob", "PSWorkflow", "PSWorkflowUtility",
        }));
    }

    [Test]
    public void Each_module_folder_lists_its_modules_by_name_and_every_command_module_is_there_at_its_version()
    {
        foreach (var inProgramFiles in new[] { true, false })
        {
            var names = WindowsModules.All.Where(m => m.InProgramFiles == inProgramFiles).Select(m => m.Name).ToList();
            Assert.That(names, Is.EqualTo(names.Order(StringComparer.OrdinalIgnoreCase).ToList()));
        }

        Assert.That(WindowsModules.All.Take(5).All(m => m.InProgramFiles), Is.True, "Program Files' folder comes first in $env:PSModulePath");
        foreach (var command in WindowsCommands.ModuleCommands.Where(c => c.Module is not null and not "Microsoft.PowerShell.Core"))
        {
            var module = WindowsModules.Find(command.Module!);
            Assert.That(module, Is.Not.Null, command.Module);
            Assert.That(module!.Version, Is.EqualTo(command.Version), command.Module);
        }
    }

    /// <summary>-ListAvailable's objects are ModuleInfoGrouping PSModuleInfos, their tables as 5.1 serializes them at depth 1.</summary>
    [Test]
    public async Task A_listed_module_is_a_ModuleInfoGrouping_with_its_exported_commands_as_a_table_of_names()
    {
        var (host, _) = await RunAsync("Get-Module -ListAvailable Microsoft.PowerShell.Archive");

        var module = (PsObject)host.Outputs.Single();
        Assert.That(module.TypeNames, Is.EqualTo(new[] { "ModuleInfoGrouping", "System.Management.Automation.PSModuleInfo", "System.Object" }));
        Assert.That(module.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Archive"));
        Assert.That(module["Version"], Is.EqualTo(PsPrimitive.Version("1.0.1.0")));
        Assert.That(module["ModuleType"].AsString(), Is.EqualTo("Manifest"));
        Assert.That(module["Guid"].AsGuid(), Is.EqualTo(Guid.Parse("eb74e8da-9ae2-482a-a648-e96550fb8733")));
        Assert.That(module["SessionState"], Is.InstanceOf<PsNil>());
        var commands = (PsObject)module["ExportedCommands"]!;
        Assert.That(commands.CollectionKind, Is.EqualTo(PsCollectionKind.Dictionary));
        Assert.That(commands.Entries.Select(e => (e.Key.AsString(), e.Value.AsString())), Is.EqualTo(new[]
        {
            ("Compress-Archive", "Compress-Archive"), ("Expand-Archive", "Expand-Archive"),
        }));
        Assert.That(((PsObject)module["ExportedFunctions"]!).Entries, Has.Count.EqualTo(2));
        Assert.That(((PsObject)module["ExportedCmdlets"]!).Entries, Is.Empty);
    }

    /// <summary>5.1's ModuleInfoGrouping view: the Module table, grouped by module folder under a "Directory:" line.</summary>
    [Test]
    public async Task Out_String_shows_5_1s_module_table_grouped_by_folder()
    {
        var (host, _) = await RunAsync("Get-Module -ListAvailable PSReadline, Pester, NetTCPIP | Out-String");

        var lines = host.OutputTexts.Single().Split("\r\n").Select(l => l.TrimEnd());
        Assert.That(lines, Is.EqualTo(new[]
        {
            "",
            "",
            @"    Directory: C:\Program Files\WindowsPowerShell\Modules",
            "",
            "",
            "ModuleType Version    Name                                ExportedCommands",
            "---------- -------    ----                                ----------------",
            "Script     3.4.0      Pester                              {Describe, Context, It, Should...}",
            "Script     2.0.0      PSReadline                          {Get-PSReadLineKeyHandler, Set-PSReadLineKeyHandler, Remove...",
            "",
            "",
            @"    Directory: C:\Windows\system32\WindowsPowerShell\v1.0\Modules",
            "",
            "",
            "ModuleType Version    Name                                ExportedCommands",
            "---------- -------    ----                                ----------------",
            "Manifest   1.0.0.0    NetTCPIP                            {Get-NetIPAddress, Get-NetIPInterface, Get-NetIPv4Protocol,...",
            "",
            "",
            "",
        }));
    }

    [Test]
    public async Task Get_Module_lists_the_modules_the_session_imported_by_name_across_pipelines()
    {
        var runspace = new RunspaceState();
        var (first, _) = await RunAsync("@(Get-Module).Count; Import-Module NetTCPIP, Microsoft.PowerShell.Archive; ipmo NetTCPIP", runspace);
        var (second, _) = await RunAsync("Get-Module | ForEach-Object Name; (Get-Module Net*).ExportedCommands.Count; (Get-Module NetTCPIP).SessionState -ne $null", runspace);

        Assert.That(first.OutputTexts, Is.EqualTo(new[] { "0" }));
        Assert.That(second.Errors, Is.Empty);
        Assert.That(second.OutputTexts, Is.EqualTo(new[] { "Microsoft.PowerShell.Archive", "NetTCPIP", "34", "True" }));
    }

    /// <summary>A module's command loads the module on first use (autoloading): Get-Module lists it after, as on Windows.</summary>
    [TestCase("Get-Service WinRM | Out-Null; (Get-Module).Name", "Microsoft.PowerShell.Management")]
    [TestCase("$d = Get-Date; gsv WinRM | Select-Object -First 1 | Out-Null; (Get-Module).Name -join ','", "Microsoft.PowerShell.Management,Microsoft.PowerShell.Utility")]
    [TestCase("Out-Null; ForEach-Object { }; 'text'; @(Get-Module).Count", "text|0")]
    [TestCase("Get-Command Get-Net* | Out-Null; @(Get-Module).Count; Get-Command Get-NetAdapter | Out-Null; (Get-Module).Name", "0|NetAdapter")]
    [TestCase("if (Get-Command New-NetFirewallRule -ErrorAction SilentlyContinue) { (Get-Module).Name }", "NetSecurity")]
    public async Task A_modules_command_loads_the_module_on_first_use(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task Modules_piped_into_Import_Module_and_Remove_Module_are_their_names()
    {
        var (host, outcome) = await RunAsync("Get-Module -ListAvailable PowerShellGet, NetTCPIP | Import-Module; (Get-Module).Name -join ','; Get-Module Net* | Remove-Module; (Get-Module).Name -join ','");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "NetTCPIP,PowerShellGet", "PowerShellGet" }));
    }

    [Test]
    public async Task Import_Module_PassThru_writes_the_module_it_imported()
    {
        var (host, outcome) = await RunAsync("$m = Import-Module ServerManager -PassThru; $m.Name; $m.Version.ToString(); $m.PSObject.TypeNames[0]; Import-Module Pester -PassThru | Out-Null");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ServerManager", "2.0.0.0", "System.Management.Automation.PSModuleInfo" }));
    }

    [Test]
    public async Task Remove_Module_removes_the_sessions_modules_and_of_none_is_RemoveModuleCommands_error()
    {
        var (host, outcome) = await RunAsync("Import-Module Storage, SmbShare; Remove-Module Stor*; Get-Module | % Name; Remove-Module Storage; rmo SmbShare; @(Get-Module).Count");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "SmbShare", "0" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)), Is.EqualTo(new[]
        {
            ("Modules_NoModulesRemoved,Microsoft.PowerShell.Commands.RemoveModuleCommand", ErrorCategory.ResourceUnavailable,
                "No modules were removed. Verify that the specification of modules to remove is correct and those modules exist in the runspace."),
        }));
    }

    [TestCase(@"Get-Module -ListAvailable C:\Modules\Mine", @"Get-Module of a module file ('C:\Modules\Mine') is not emulated: give the command a rule")]
    [TestCase(@"Import-Module .\tools.psm1", @"Import-Module of a module file ('.\tools.psm1') is not emulated: give the command a rule")]
    [TestCase("Get-Module -ListAvailable -PSSession $s", "Get-Module -PSSession is not emulated: give the command a rule")]
    public async Task A_module_file_or_another_sessions_modules_are_the_scenario_error(string statement, string message)
    {
        var (host, _) = await RunAsync(statement);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("PsrpEmulator.ScenarioError", message) }));
    }

    /// <summary>
    /// The in-box modules' exports are whole: as many cmdlets and functions as the compatibility profile of a real
    /// Windows Server 2019 counts for each module whose counts it shows, every one in a module the computer has.
    /// </summary>
    [Test]
    public void The_in_box_modules_export_as_many_cmdlets_and_functions_as_a_real_Server_2019_s()
    {
        var profile = new Dictionary<string, (int Cmdlets, int Functions)>
        {
            ["AppBackgroundTask"] = (3, 3), ["AppLocker"] = (5, 0), ["Appx"] = (13, 2), ["BestPractices"] = (4, 0), ["BitsTransfer"] = (8, 0), ["ConfigCI"] = (16, 0),
            ["DirectAccessClientComponents"] = (0, 11), ["DnsClient"] = (1, 16), ["International"] = (18, 0), ["iSCSI"] = (0, 13), ["Kds"] = (6, 0),
            ["Microsoft.PowerShell.ODataUtils"] = (0, 1), ["MMAgent"] = (0, 5), ["NetConnection"] = (0, 2), ["NetDiagnostics"] = (0, 1), ["NetLbfo"] = (0, 13),
            ["NetNat"] = (0, 13), ["NetSwitchTeam"] = (0, 7), ["NetworkConnectivityStatus"] = (0, 4), ["NetworkSwitchManager"] = (0, 19), ["PKI"] = (17, 0),
            ["PlatformIdentifier"] = (0, 1), ["PnpDevice"] = (0, 4), ["ProcessMitigations"] = (3, 0), ["PSDiagnostics"] = (0, 10), ["PSScheduledJob"] = (16, 0),
            ["PSWorkflow"] = (1, 1), ["ScheduledTasks"] = (0, 19), ["SecureBoot"] = (5, 0), ["SecurityCmdlets"] = (4, 0), ["ServerCore"] = (0, 2),
            ["ServerManagerTasks"] = (0, 11), ["SmbWitness"] = (0, 2), ["StartLayout"] = (3, 1), ["TLS"] = (10, 0), ["TroubleshootingPack"] = (2, 0),
            ["TrustedPlatformModule"] = (11, 0), ["UserAccessLogging"] = (0, 14), ["Whea"] = (2, 0), ["WindowsDeveloperLicense"] = (3, 0),
            ["WindowsErrorReporting"] = (3, 0), ["WindowsSearch"] = (2, 0), ["WindowsUpdate"] = (0, 1),
            ["Microsoft.PowerShell.Security"] = (15, 0), ["Microsoft.PowerShell.Diagnostics"] = (5, 0), ["Microsoft.WSMan.Management"] = (13, 0),
            ["Microsoft.PowerShell.Host"] = (2, 0), ["Microsoft.PowerShell.LocalAccounts"] = (15, 0), ["Microsoft.PowerShell.Archive"] = (0, 2),
            ["AppvClient"] = (31, 2), ["DeliveryOptimization"] = (11, 0), ["IscsiTarget"] = (24, 2), ["NFS"] = (10, 32), ["PersistentMemory"] = (6, 0),
            ["RemoteDesktop"] = (0, 79), ["StorageBusCache"] = (0, 13), ["UEV"] = (25, 0), ["WindowsUpdateProvider"] = (0, 6),
        };

        Assert.That(InBoxModuleExports.Commands.Select(c => c.Module).Distinct().Where(m => WindowsModules.Find(m) is null), Is.Empty, "modules the computer has not");
        Assert.That(InBoxModuleExports.Commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "a command in two modules");
        foreach (var (module, (cmdlets, functions)) in profile)
        {
            var exported = WindowsCommands.ModuleCommands.Where(c => c.Module == module).ToList();
            Assert.That((exported.Count(c => !c.IsFunction), exported.Count(c => c.IsFunction)), Is.EqualTo((cmdlets, functions)), module);
        }
    }

    /// <summary>
    /// A command of an in-box module the emulator does not emulate is Windows' (Get-Command finds it in its module, and
    /// running it is the scenario error), where it was "not recognized"; modules Windows 10 has and a Server 2019 has not are gone.
    /// </summary>
    [Test]
    public async Task An_in_box_module_s_every_command_is_known_and_Windows_10_s_modules_are_not_there()
    {
        var (host, outcome) = await RunAsync("(Get-Command Get-StorageSubSystem).Source; (Get-Command Get-NetLbfoTeam).CommandType; (Get-Command -Module iSCSI).Count; " +
            "(Get-Command Resolve-DnsName).CommandType; [bool](Get-Module -ListAvailable AssignedAccess); (Get-Module -ListAvailable ProcessMitigations).Version.ToString(); Get-StorageSubSystem");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Storage", "Function", "13", "Cmdlet", "False", "1.0.11" }));
        var failure = outcome.ErrorRecord?.ToDisplayString() ?? string.Join("; ", host.Errors.Select(e => e.Message));
        Assert.That(failure, Does.StartWith("Get-StorageSubSystem is a command Windows has that the emulator does not emulate"));
    }
}
