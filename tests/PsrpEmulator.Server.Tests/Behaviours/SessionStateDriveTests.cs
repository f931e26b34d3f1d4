using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The Function:, Variable: and Alias: drives under the item cmdlets, <c>$function:name</c> / <c>$alias:name</c> /
/// <c>$variable:name</c>, braced variable names (<c>${x}</c>), Get-Variable's listing, and dot-sourcing with arguments.
/// Expected values are what PowerShell 7.6.9 printed for the same scripts (run here on Linux), except where a test says
/// Windows differs (the drive letters' functions, the path separator).
/// </summary>
public class SessionStateDriveTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return string.Join("|", host.OutputTexts);
    }

    [Test]
    public async Task Get_Verb_lists_5_1_s_98_approved_verbs_by_group_and_name()
    {
        Assert.That(await OutputOfAsync("$v = Get-Verb; $v.Count; $v[0].Verb + ' ' + $v[0].Group; $v[-1].Verb + ' ' + $v[-1].Group; ($v | Group-Object Group | % { \"$($_.Name)=$($_.Count)\" }) -join ','"),
            Is.EqualTo("98|Add Common|Use Other|Common=34,Data=24,Lifecycle=20,Diagnostic=7,Communications=6,Security=6,Other=1"));
        Assert.That(await OutputOfAsync("(Get-Verb Un*, Use).Verb -join ','; $null -eq (Get-Verb Build); (Get-Verb Get).PSObject.TypeNames[0]"),
            Is.EqualTo("Undo,Unlock,Unpublish,Uninstall,Unregister,Unblock,Unprotect,Use|True|Selected.Microsoft.PowerShell.Commands.MemberDefinition"));
    }

    [Test]
    public async Task Get_PSProvider_lists_the_session_s_providers_in_5_1_s_table_with_their_drives()
    {
        var table = await OutputOfAsync("Get-PSProvider | Out-String");

        var lines = table.Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.That(lines[0], Is.EqualTo("Name                 Capabilities                                      Drives"));
        Assert.That(lines.Skip(2).Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "Registry", "Alias", "Environment", "FileSystem", "Function", "Variable", "Certificate", "WSMan" }));
        Assert.That(lines[2], Is.EqualTo("Registry             ShouldProcess, Transactions                       {HKLM, HKCU}"));
        Assert.That(lines[5], Is.EqualTo("FileSystem           Filter, ShouldProcess, Credentials                {C}"));
        Assert.That(await OutputOfAsync("$p = Get-PSProvider -PSProvider *Sys*; $p.Name; $p.ImplementingType; $p.Home; (Get-PSProvider Registry).Drives.Root -join ','"),
            Is.EqualTo("FileSystem|Microsoft.PowerShell.Commands.FileSystemProvider|C:\\Users\\Default|HKEY_LOCAL_MACHINE,HKEY_CURRENT_USER"));

        var (host, _) = await RunAsync("Get-PSProvider Nope; 'after'");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("ProviderNotFound,Microsoft.PowerShell.Commands.GetPSProviderCommand", "Cannot find a provider with the name 'Nope'.") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [TestCase(". { param($x) $y = $x + 1 } 5; \"x=$x y=$y\"", "x=5 y=6")]
    [TestCase(". { \"in: $args\" } 7; \"[$args]\"", "in: 7|[]")]
    [TestCase("function f { . { param($p) } 3; $p }; f; \"[$p]\"", "3|[]")]
    [TestCase("function lib { param($n) function helper { \"helper $n\" } }; . lib 4; helper", "helper 4")]
    [TestCase("$a = 1; & { param($a) $a } 2; $a", "2|1")]
    public async Task Dot_sourcing_with_arguments_binds_them_in_the_caller_s_scope_and_keeps_what_it_defines(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("${x} = 5; ${x}; ${x}.GetType().Name; \"${x}abc\"", "5|Int32|5abc")]
    [TestCase("$e = ${env:COMPUTERNAME}; $e -eq $env:COMPUTERNAME; $e.Length -gt 0; ${global:n} = 2; $n", "True|True|2")]
    [TestCase("$v = 3; Write-Output ${v}; ${variable:v}; $variable:v", "3|3|3")]
    [TestCase("'${x}'", "${x}")]
    public async Task A_braced_variable_name_is_the_same_variable(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("function f1 { \"one\" }; & $function:f1; $function:f1 -is [scriptblock]; (\"[\" + ${function:f1} + \"]\").Replace(' ', '')", "one|True|[\"one\"]")]
    [TestCase("function Get-Thing { 'thing' }; & ${function:Get-Thing}", "thing")]
    [TestCase("$alias:gci; $alias:nope -eq $null", "Get-ChildItem|True")]
    public async Task A_drive_qualified_variable_reads_the_function_or_alias(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("function f1 { 'one' }; Test-Path function:f1; Test-Path function:\\f1; Test-Path Function:nope; Test-Path function:", "True|True|False|True")]
    [TestCase("function f1 { 'one' }; (Get-Item function:f1).Name; (Get-ChildItem function:f1).CommandType; (Get-Item function:f1).ScriptBlock; Get-Content function:f1",
        "f1|Function|'one'|'one'")]
    [TestCase("function f1 { 'one' }; Remove-Item function:f1; Test-Path function:f1", "False")]
    [TestCase("Set-Item function:global:g2 -Value { 'two' }; g2; New-Item -Path function: -Name h3 -Value \"'three'\" | ForEach-Object Name; h3", "two|h3|three")]
    [TestCase("function outer { function inner { 2 }; (Get-ChildItem function:inner).Name; Test-Path function:\\inner }; outer; Test-Path function:inner", "inner|True|False")]
    [TestCase("(Get-ChildItem function:).Name -contains 'prompt'; Test-Path function:TabExpansion2; (Get-ChildItem function:cd*).Name", "True|True|cd..|cd\\")]
    public async Task The_function_drive_holds_the_functions_the_scope_sees(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task The_function_drive_lists_windows_built_in_functions_with_the_session_s_in_name_order()
    {
        // Windows PowerShell 5.1 has a function for each drive letter (Linux PowerShell has none).
        var names = (await OutputOfAsync("function zeta { }; function alpha { }; (Get-ChildItem function:).Name")).Split('|');

        Assert.That(names, Does.Contain("C:").And.Contain("alpha").And.Contain("zeta").And.Contain("mkdir"));
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.CurrentCultureIgnoreCase));
        Assert.That(await OutputOfAsync("(Get-Item function:C:).Definition; Get-Content function:Pause"),
            Is.EqualTo("Set-Location $MyInvocation.MyCommand.Name|$null = Read-Host 'Press Enter to continue...'"));
    }

    [TestCase("$abc = 1; $abd = 2; (Get-ChildItem variable:ab*).Name; Get-Content variable:abc; (Get-Item variable:abd).Value", "abc|abd|1|2")]
    [TestCase("$abc = 1; Remove-Item variable:abc; Test-Path variable:abc", "False")]
    [TestCase("Set-Item variable:q -Value 9; $q; New-Item variable:r -Value 3 | ForEach-Object Name; $r", "9|r|3")]
    [TestCase("Test-Path variable:global:ErrorActionPreference; Test-Path variable:nope", "True|False")]
    [TestCase("(Get-ChildItem alias:gci).Definition; Test-Path alias:dir; (Get-Item alias:gci).ResolvedCommandName; Get-Content alias:dir", "Get-ChildItem|True|Get-ChildItem|Get-ChildItem")]
    public async Task The_variable_and_alias_drives_hold_the_variables_and_aliases(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_drive_item_carries_the_provider_s_notes()
    {
        var (host, _) = await RunAsync("function f1 { 'one' }; Get-Item function:f1");

        var item = (PsObject)host.Outputs.Single();
        Assert.That(item.TypeNames?[0], Is.EqualTo("System.Management.Automation.FunctionInfo"));
        Assert.That(item["PSPath"]?.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Core\\Function::f1"));
        Assert.That(item["PSProvider"]?.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Core\\Function"));
        Assert.That(item["PSIsContainer"]?.ToDisplayString(), Is.EqualTo("False"));
    }

    [TestCase("Get-Item variable:nope", "Cannot find path 'Variable:\\nope' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand")]
    [TestCase("Get-Content function:\\nope", "Cannot find path 'Function:\\nope' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand")]
    [TestCase("Remove-Item alias:nope", "Cannot find path 'Alias:\\nope' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.RemoveItemCommand")]
    [TestCase("Get-Item env:nope", "Cannot find path 'Env:\\nope' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand")]
    [TestCase("Get-ChildItem env:nope", "Cannot find path 'nope' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand")]
    [TestCase("$a = 1; $b = 2; Remove-Variable a, nope, b; Test-Path variable:a; Test-Path variable:b", "Cannot find a variable with the name 'nope'.", "VariableNotFound,Microsoft.PowerShell.Commands.RemoveVariableCommand")]
    [TestCase("New-Item variable:q -Value 3; New-Item variable:q -Value 4", "The item at path 'q' already exists.", "NewItemAlreadyExists,Microsoft.PowerShell.Commands.NewItemCommand")]
    public async Task A_missing_or_existing_item_is_the_provider_s_error_and_the_script_goes_on(string statement, string message, string id)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { (message, id) }));
        Assert.That(host.OutputTexts[^1], Is.EqualTo("next"));
        Assert.That(host.OutputTexts.Where(t => t is "True"), Is.Empty, "the statement removed or found nothing it should not have");
    }

    [TestCase("$abc = 1; $abd = 2; Get-Variable ab* | ForEach-Object Name; Get-Variable ab* -ValueOnly; @(Get-Variable zz*).Count", "abc|abd|1|2|0")]
    [TestCase("$c = 3; $d = 4; (Get-Variable c, d).Value", "3|4")]
    [TestCase("$x = 1; @(Get-Variable | Where-Object Name -eq 'x').Count; (Get-Variable | Where-Object Name -eq 'true').Value", "1|True")]
    public async Task Get_Variable_without_a_name_or_with_wildcards_lists_the_variables(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Get-PSDrive | ForEach-Object Name", "Alias|C|Cert|Env|Function|HKCU|HKLM|Variable|WSMan")]
    [TestCase("$c = Get-PSDrive C; $c.Used; $c.Used + $c.Free; $c.Root; $c.Provider; $c.GetType().Name", "3183|16777216|C:\\|Microsoft.PowerShell.Core\\FileSystem|PSDriveInfo")]
    [TestCase("Set-Content C:\\big.txt ('x' * 1000) -NoNewline; (gdr C).Used; Set-Location C:\\Windows; (Get-PSDrive -Name C:).CurrentLocation", "4183|Windows")]
    [TestCase("Get-PSDrive -PSProvider FileSystem | % Name; Get-PSDrive -PSProvider Microsoft.PowerShell.Core\\Registry | % Name; Get-PSDrive H* | % Root; (Get-PSDrive Env).Used -eq $null", "C|HKCU|HKLM|HKEY_CURRENT_USER|HKEY_LOCAL_MACHINE|True")]
    public async Task Get_PSDrive_writes_the_session_s_drives_with_the_disk_s_use(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Get-PSDrive Q", "Cannot find drive. A drive with the name 'Q' does not exist.")]
    [TestCase("Get-PSDrive -PSProvider Nope", "Cannot find a provider with the name 'Nope'.")]
    public async Task Get_PSDrive_of_a_drive_or_provider_the_session_has_not_is_its_error_and_the_script_goes_on(string statement, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { (message, "GetLocationNoMatchingDrive,Microsoft.PowerShell.Commands.GetPSDriveCommand") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Get_PSDrive_and_Get_Variable_show_as_Windows_PowerShell_5_1_s_tables()
    {
        var (host, _) = await RunAsync("Get-PSDrive C, Env | Out-String; $a = 1; Get-Variable a | Out-String");
        var lines = string.Join("\r\n", host.OutputTexts).Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

        // PowerShellCore.format.ps1xml's "drive" view (Name 10, Used/Free 13 right-aligned, Provider 13, Root 35,
        // CurrentLocation right-aligned) and its PSVariable view (Name 30, Value).
        Assert.That(lines[0], Is.EqualTo("Name           Used (GB)     Free (GB) Provider      Root                                                CurrentLocation"));
        Assert.That(lines[2], Does.Match(@"^C\s{19}0\.00 {10}0\.02 FileSystem    C:\\ +Users\\Default\\Documents$"));
        Assert.That(lines[3], Is.EqualTo("Env                                    Environment"));
        Assert.That(lines[4], Is.EqualTo("Name                           Value"));
        Assert.That(lines[6], Is.EqualTo("a                              1"));
    }

    /// <summary>
    /// The Cert: and WSMan: drives are a computer's (a host without one says so), and the WSMan: drive is not changed:
    /// the scenario error says so, not a missing path.
    /// </summary>
    [TestCase("Get-Item WSMan:\\localhost\\MaxEnvelopeSizekb", "Get-Item WSMan:\\localhost\\MaxEnvelopeSizekb: the WSMan: drive needs a computer's session")]
    [TestCase("Get-ChildItem Cert:\\LocalMachine\\My", "Get-ChildItem Cert:\\LocalMachine\\My: the Cert: drive needs a computer's session")]
    [TestCase("Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value '*'", "Set-Item WSMan:\\localhost\\Client\\TrustedHosts: changing the WinRM configuration is not emulated (the emulator's settings are its configuration's): give the command a rule")]
    public async Task A_drive_without_a_computer_or_a_change_it_does_not_take_is_the_scenario_error(string statement, string message)
    {
        var (host, _) = await RunAsync(statement);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("PsrpEmulator.ScenarioError", message) }));
    }
}
