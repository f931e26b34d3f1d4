using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-Command (gcm) in scripts: what provisioning scripts test for a command with, and its objects.</summary>
public class GetCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var host = new RecordingHost();
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero)));
        return (host, outcome);
    }

    [TestCase("if (Get-Command Get-Service -ErrorAction SilentlyContinue) { 'has' } else { 'has not' }", "has")]
    [TestCase("if (Get-Command choco -ErrorAction SilentlyContinue) { 'has' } else { 'has not' }", "has not")]
    [TestCase("if (Get-Command Install-WindowsFeature -ErrorAction SilentlyContinue) { 'server' }", "server")]
    [TestCase("(Get-Command Get-Service).Source; (gcm Get-Date).Version.ToString(); (Get-Command Get-Service).CommandType", "Microsoft.PowerShell.Management|3.1.0.0|Cmdlet")]
    // Six of 5.1's Utility commands are the module's script functions (cmdlets only since PowerShell 6).
    [TestCase("(Get-Command Get-FileHash).CommandType; (gcm New-Guid).CommandType; (gcm New-Guid).Source; (gcm Get-Date).CommandType", "Function|Function|Microsoft.PowerShell.Utility|Cmdlet")]
    [TestCase("function Test-Me { 'x' }; (Get-Command Test-Me).CommandType; (Get-Command Test-Me -CommandType Cmdlet -ErrorAction SilentlyContinue) -eq $null", "Function|True")]
    // A program is its file as the disk spells it (PING.EXE, HOSTNAME.EXE), with the extension PATHEXT finds it by.
    [TestCase("(Get-Command ping).Source; (Get-Command ipconfig.exe).Name; (Get-Command hostname).Name; (Get-Command winrm).Name; (Get-Command tree).Name; (Get-Command tree.com).Name",
        @"C:\Windows\system32\PING.EXE|ipconfig.exe|HOSTNAME.EXE|winrm.cmd|tree.com|tree.com")]
    // Windows has more programs than the emulator runs: those are known (their Get-Command, a scenario error to run), not "not recognized".
    [TestCase("(Get-Command driverquery).Source; (Get-Command winrs.exe).Name; try { driverquery } catch { $_.FullyQualifiedErrorId }; try { vssadmin list shadows } catch { $_.FullyQualifiedErrorId }",
        @"C:\Windows\system32\driverquery.exe|winrs.exe|PsrpEmulator.ScenarioError|PsrpEmulator.ScenarioError")]
    // Every program a real Server 2019's PATH has, as its disk spells it (fltMC.exe; slmgr is slmgr.vbs by PATHEXT); help
    // stays PowerShell's function; wbadmin.exe is Windows Server Backup's, not on a fresh server, where wbadmin finds the snap-in.
    [TestCase("(Get-Command fltmc).Name; (Get-Command slmgr).Name; (Get-Command mbr2gpt).Name; (Get-Command help).CommandType; try { calc } catch { $_.FullyQualifiedErrorId }; " +
        "(Get-Command wbadmin).Name; try { wbadmin.exe } catch { $_.FullyQualifiedErrorId }; (Get-Command mofcomp).Source",
        @"fltMC.exe|slmgr.vbs|MBR2GPT.EXE|Function|PsrpEmulator.ScenarioError|wbadmin.msc|CommandNotFoundException|C:\Windows\System32\Wbem\mofcomp.exe")]
    // Build 1809's OpenSSH client: its folder is on the machine's PATH, ssh.exe in it.
    [TestCase("(Get-Command ssh).Source; (Get-Command ssh-keygen.exe).Name", @"C:\Windows\System32\OpenSSH\ssh.exe|ssh-keygen.exe")]
    [TestCase("(Get-Command Get-Servic* | Measure-Object).Count; Get-Command *-Archive | % Name; Get-Command Nothing-Like* | Measure-Object | % Count", "1|Compress-Archive|Expand-Archive|0")]
    [TestCase("Get-Command -Module Microsoft.PowerShell.Security -Name *-Acl | % Name", "Get-Acl|Set-Acl")]
    // The International module is a Windows Server's too: its system locale is the en-US culture; the rest are known, not emulated.
    [TestCase("(Get-Command Get-WinSystemLocale).Source; (Get-Command Set-Culture).CommandType; $l = Get-WinSystemLocale; $l.Name; $l.LCID; $l.GetType().FullName",
        "International|Cmdlet|en-US|1033|System.Globalization.CultureInfo")]
    [TestCase("try { Get-WinUserLanguageList } catch { $_.FullyQualifiedErrorId }; Get-Command -Module International -Name Get-WinHome* | % Name", "PsrpEmulator.ScenarioError|Get-WinHomeLocation")]
    [TestCase("(Get-Command Start-BitsTransfer).Source; (Get-Command -Module BitsTransfer | Measure-Object).Count", "BitsTransfer|8")]
    // More in-box modules: the TPM, Secure Boot, Plug and Play, DSC and Pester commands are known (scenario errors when called), not "not recognized".
    [TestCase("(gcm Get-Tpm).Source; (gcm Get-Tpm).CommandType; (gcm Confirm-SecureBootUEFI).Source; (gcm Get-PnpDevice).CommandType; (gcm Start-DscConfiguration).CommandType; " +
        "(gcm Get-DscConfiguration).CommandType; (gcm Invoke-Pester).Version.ToString(); (Get-Command -Module Pester | Select-Object -First 4 | % Name) -join ','; " +
        "try { Get-Tpm } catch { $_.FullyQualifiedErrorId }; try { Get-Tmp } catch { $_.FullyQualifiedErrorId }",
        "TrustedPlatformModule|Cmdlet|SecureBoot|Function|Cmdlet|Function|3.4.0|AfterAll,AfterEach,Assert-MockCalled,Assert-VerifiableMocks|PsrpEmulator.ScenarioError|CommandNotFoundException")]
    [TestCase("function W { [CmdletBinding(SupportsShouldProcess)] param($A) }; function P { [CmdletBinding()] param($A) }; $w = (Get-Command W).Parameters; $w.ContainsKey('WhatIf'); $w.ContainsKey('Confirm'); (Get-Command P).Parameters.ContainsKey('WhatIf')", "True|True|False")]
    public async Task Get_Command_finds_what_Windows_has(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// A program is found in PATH's folders on the computer's disk, its path written as PATH writes the folder: Vagrant's
    /// "which powershell" prints C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe, cmd is in system32.
    /// </summary>
    [Test]
    public async Task Get_Command_finds_a_program_in_the_folders_of_path()
    {
        var host = new RecordingHost();
        host.Environment["PATH"] = @"C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\";
        await Default.Resolve(Behaviour.Script("(Get-Command powershell).Definition; (Get-Command cmd.exe).Path; (Get-Command powershell.exe).Source"))
            .RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero)));

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"C:\Windows\system32\cmd.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
        }));
    }

    /// <summary>
    /// Puppet Bolt's task runner: a script file's ExternalScriptInfo (its parameters chosen from the task's arguments,
    /// its script block), the script called by the call operator with a parenthesized path, splatting a $private: table.
    /// </summary>
    [Test]
    public async Task Get_Command_of_a_script_file_gives_its_parameters_and_script_block_as_Bolt_runs_tasks()
    {
        var (host, outcome) = await RunAsync("""
            $dir = Join-Path 'C:\' 'bolt'
            New-Item -ItemType Directory -Path $dir -Force | Out-Null
            Set-Content (Join-Path $dir 'task.ps1') '[CmdletBinding()] param([string]$message, [int]$count = 1) "got $message x$count"'
            $info = Get-Command (Join-Path $dir 'task.ps1')
            $info.CommandType; $info.Name; $info.Source -eq (Join-Path $dir 'task.ps1')
            $allowedArgs = $info.Parameters.Keys
            ($allowedArgs | Select-Object -First 3) -join ','
            $private:taskArgs = @{}
            $arguments = @{ message = 'hi'; other = 'x' }
            $arguments.Keys | ? { $allowedArgs -contains $_ } | % { $private:taskArgs[$_] = $arguments[$_] }
            & (Join-Path $dir 'task.ps1') @taskArgs
            $invokeArgs = @{ ScriptBlock = $info.ScriptBlock; ArgumentList = @('there') }
            Invoke-Command @invokeArgs
            """);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty, string.Join("|", host.OutputTexts));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ExternalScript", "task.ps1", "True", "message,count,Verbose", "got hi x1", "got there x1" }));
    }

    /// <summary>
    /// Get-Command -Syntax writes CmdletInfo.Syntax: each parameter set after an empty line, the positional parameters
    /// first by position, then the mandatory named, then the optional named, -WhatIf/-Confirm, the common ones as one
    /// "[&lt;CommonParameters&gt;]" (CommandParameterSetInfo.ToString), the default set first.
    /// </summary>
    [Test]
    public async Task Get_Command_Syntax_writes_the_cmdlet_s_parameter_sets_as_5_1_does()
    {
        var (host, outcome) = await RunAsync("Get-Command Stop-Service -Syntax; Get-Command gsv -Syntax");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "\r\nStop-Service [-InputObject] <ServiceController[]> [-Force] [-NoWait] [-PassThru] [-Include <string[]>] [-Exclude <string[]>] [-WhatIf] [-Confirm] [<CommonParameters>]\r\n" +
            "\r\nStop-Service [-Name] <string[]> [-Force] [-NoWait] [-PassThru] [-Include <string[]>] [-Exclude <string[]>] [-WhatIf] [-Confirm] [<CommonParameters>]\r\n" +
            "\r\nStop-Service -DisplayName <string[]> [-Force] [-NoWait] [-PassThru] [-Include <string[]>] [-Exclude <string[]>] [-WhatIf] [-Confirm] [<CommonParameters>]\r\n",
            // An alias's syntax is its definition (5.1's CommandInfo.Syntax where AliasInfo does not override it).
            "Get-Service",
        }));
    }

    // Reflection's order: the cmdlet class's own properties, then its base class's (ServiceOperationBaseCommand).
    [TestCase("(Get-Command Stop-Service).Parameters.Keys -join ','", "Force,NoWait,Name,InputObject,PassThru,DisplayName,Include,Exclude,Verbose,Debug,ErrorAction,WarningAction,InformationAction,ErrorVariable,WarningVariable,InformationVariable,OutVariable,OutBuffer,PipelineVariable,WhatIf,Confirm")]
    [TestCase("$c = Get-Command Stop-Service; $c.DefaultParameterSet; $c.ParameterSets.Name -join ','; ($c.ParameterSets | ? IsDefault).Name; $c.ImplementingType", "InputObject|InputObject,Default,DisplayName|InputObject|Microsoft.PowerShell.Commands.StopServiceCommand")]
    [TestCase("$p = (Get-Command Stop-Service).ParameterSets[1].Parameters | ? Name -eq 'Name'; $p.Position; $p.IsMandatory; $p.ValueFromPipeline; $p.ParameterType; $p.Aliases -join ','", "0|True|True|System.String[]|ServiceName")]
    [TestCase("(Get-Command Get-ChildItem).Parameters['Recurse'].Aliases -join ','; (Get-Command Get-ChildItem).Parameters['Recurse'].SwitchParameter", "s,r|True")]
    [TestCase("((Get-Command Stop-Service).Definition -split \"`r`n\")[2]", "Stop-Service -DisplayName <string[]> [-Force] [-NoWait] [-PassThru] [-Include <string[]>] [-Exclude <string[]>] [-WhatIf] [-Confirm] [<CommonParameters>]")]
    [TestCase("Get-Command -Verb Restart -Noun Serv* | % Name; (Get-Command -Noun Service -Module Microsoft.PowerShell.Management).Count", "Restart-Service|8")]
    public async Task A_cmdlet_s_CmdletInfo_has_its_parameters_and_parameter_sets(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>A cmdlet only Windows PowerShell has, and the FileSystem provider's dynamic parameters after UseTransaction.</summary>
    [Test]
    public async Task Get_Command_Syntax_of_5_1_s_own_cmdlets_and_of_a_provider_cmdlet()
    {
        var (host, _) = await RunAsync("Get-Command Test-Connection -Syntax; Get-Command Get-ChildItem -Syntax");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "\r\nTest-Connection [-ComputerName] <string[]> [-AsJob] [-DcomAuthentication <AuthenticationLevel>] [-WsmanAuthentication <string>] [-Protocol <string>] [-BufferSize <int>] [-Count <int>] [-Impersonation <ImpersonationLevel>] [-ThrottleLimit <int>] [-TimeToLive <int>] [-Delay <int>] [<CommonParameters>]\r\n" +
            "\r\nTest-Connection [-ComputerName] <string[]> [-Source] <string[]> [-AsJob] [-DcomAuthentication <AuthenticationLevel>] [-WsmanAuthentication <string>] [-Protocol <string>] [-BufferSize <int>] [-Count <int>] [-Credential <pscredential>] [-Impersonation <ImpersonationLevel>] [-ThrottleLimit <int>] [-TimeToLive <int>] [-Delay <int>] [<CommonParameters>]\r\n" +
            "\r\nTest-Connection [-ComputerName] <string[]> [-DcomAuthentication <AuthenticationLevel>] [-WsmanAuthentication <string>] [-Protocol <string>] [-BufferSize <int>] [-Count <int>] [-Impersonation <ImpersonationLevel>] [-TimeToLive <int>] [-Delay <int>] [-Quiet] [<CommonParameters>]\r\n",
            "\r\nGet-ChildItem [[-Path] <string[]>] [[-Filter] <string>] [-Include <string[]>] [-Exclude <string[]>] [-Recurse] [-Depth <uint32>] [-Force] [-Name] [-UseTransaction] [-Attributes <FlagsExpression[FileAttributes]>] [-Directory] [-File] [-Hidden] [-ReadOnly] [-System] [<CommonParameters>]\r\n" +
            "\r\nGet-ChildItem [[-Filter] <string>] -LiteralPath <string[]> [-Include <string[]>] [-Exclude <string[]>] [-Recurse] [-Depth <uint32>] [-Force] [-Name] [-UseTransaction] [-Attributes <FlagsExpression[FileAttributes]>] [-Directory] [-File] [-Hidden] [-ReadOnly] [-System] [<CommonParameters>]\r\n",
        }));
    }

    /// <summary>A cmdlet's parameter aliases bind as its names do (5.1's metadata), and what 5.1 lacks is not a parameter.</summary>
    [TestCase("Write-Host -Message 'hi' -NoNewline; 'x'", "x")]
    [TestCase("(Get-Process -ProcessName svchost | Select-Object -First 1).ProcessName", "svchost")]
    [TestCase("Get-PSDrive -LiteralName C | % Name", "C")]
    // A switch of 5.1's metadata binds no value, and -Switch:$false is the switch not given.
    [TestCase("(Test-Connection localhost -Count 1 -Quiet:$false).GetType().Name; Test-Connection localhost -Count 1 -Quiet", "ManagementObject|True")]
    public async Task A_parameter_alias_binds_as_its_name(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    // 5.1 has no -Not: the name is a prefix of -NotLike, -NotMatch, -NotContains and -NotIn.
    [TestCase("1, 0 | Where-Object { $_ } -Not", "AmbiguousParameter,Microsoft.PowerShell.Commands.WhereObjectCommand")]
    [TestCase("Get-Credential -Title x", "NamedParameterNotFound,Microsoft.PowerShell.Commands.GetCredentialCommand")]
    [TestCase("New-WSManInstance winrm/config/listener -SelectorSet @{Address='*';Transport='HTTP'} -Enumerate", "NamedParameterNotFound,Microsoft.WSMan.Management.NewWSManInstanceCommand")]
    // Positional arguments bind as 5.1's metadata places them: Out-Null's InputObject and Get-CimInstance's -Filter are named.
    [TestCase("Out-Null 'x'", "PositionalParameterNotFound,Microsoft.PowerShell.Commands.OutNullCommand")]
    [TestCase("Get-CimInstance Win32_Service \"Name='WinRM'\"", "PositionalParameterNotFound,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand")]
    public async Task A_parameter_only_PowerShell_7_or_another_cmdlet_has_is_a_binding_error(string script, string id)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId).Append(outcome.ErrorRecord?.ToDisplayString() ?? string.Empty), Has.Some.Contains(id));
    }

    /// <summary>A session function's syntax: its parameters in order, positional unless switches, the common ones when advanced.</summary>
    [TestCase("function Copy-Log { param([string]$Source, [int]$Days, [switch]$Force, $Tag) }; Get-Command Copy-Log -Syntax",
        "\r\nCopy-Log [[-Source] <string>] [[-Days] <int>] [[-Tag] <Object>] [-Force]\r\n")]
    [TestCase("function Set-Thing { [CmdletBinding(SupportsShouldProcess)] param([string]$Name) }; Get-Command Set-Thing -Syntax",
        "\r\nSet-Thing [[-Name] <string>] [-WhatIf] [-Confirm] [<CommonParameters>]\r\n")]
    [TestCase("(Get-Command gsv).Parameters.ContainsKey('DisplayName')", "True")]
    public async Task Get_Command_Syntax_of_a_function_and_an_alias_s_parameters(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Get-Command Get-Service -ParameterName Name")]
    [TestCase("function f { param([Parameter(Mandatory)]$x) }; Get-Command f -Syntax")]
    public async Task What_Get_Command_does_not_emulate_is_a_scenario_error(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId).Append(outcome.ErrorRecord?.ToDisplayString() ?? string.Empty), Has.Some.Contains("PsrpEmulator.ScenarioError"));
    }

    [Test]
    public async Task A_command_nothing_has_is_Get_Commands_CommandNotFoundException_and_the_script_goes_on()
    {
        var (host, _) = await RunAsync("Get-Command choco; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.TargetName, e.Message)), Is.EqualTo(new[]
        {
            ("CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand", ErrorCategory.ObjectNotFound, (string?)"choco",
                "The term 'choco' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>5.1's CommandInfo view: CommandType 15, Name 50, Version 10, then Source, lines as wide as the remote host's 120 columns.</summary>
    [Test]
    public async Task Its_objects_are_CommandInfos_Out_String_shows_in_5_1s_table()
    {
        var (host, _) = await RunAsync("Get-Command Get-Service, Write-Output | Out-String");

        string[] lines =
        [
            "CommandType     Name                                               Version    Source",
            "-----------     ----                                               -------    ------",
            "Cmdlet          Get-Service                                        3.1.0.0    Microsoft.PowerShell.Management",
            "Cmdlet          Write-Output                                       3.1.0.0    Microsoft.PowerShell.Utility",
        ];
        Assert.That(host.OutputTexts.Single(), Is.EqualTo("\r\n" + string.Concat(lines.Select(l => l.PadRight(120) + "\r\n")) + "\r\n\r\n"));
    }

    [TestCase("Import-Module ServerManager; Import-Module -Name NetTCPIP, Pester -Force -Verbose; ipmo Microsoft.PowerShell.Archive; 'loaded'", "loaded")]
    public async Task Import_Module_of_a_module_Windows_has_loads_silently(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That((outcome.State, host.Errors.Count, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, 0, expected)));
    }

    [Test]
    public async Task Import_Module_of_a_module_Windows_has_not_is_ModuleNotFound_and_the_script_goes_on()
    {
        var (host, _) = await RunAsync("Import-Module WebAdministration; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.TargetName, e.Message)), Is.EqualTo(new[]
        {
            ("Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand", ErrorCategory.ResourceUnavailable, (string?)"WebAdministration",
                "The specified module 'WebAdministration' was not loaded because no valid module file was found in any module directory."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("(Get-Command gci).ResolvedCommandName; (gcm dir).CommandType; (Get-Command where).Definition", "Get-ChildItem|Alias|Where-Object")]
    [TestCase("Get-Command -CommandType Alias -Name g?v | % Name; (Get-Command gsv -CommandType Cmdlet -ErrorAction SilentlyContinue) -eq $null", "gpv|gsv|True")]
    [TestCase("Get-Command -Module Microsoft.PowerShell.Management -Name gci -ErrorAction SilentlyContinue | Measure-Object | % Count", "0")]
    public async Task A_default_alias_is_an_AliasInfo_for_the_command_it_stands_for(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>5.1's CommandInfo view shows an alias as "name -> command", with no version or source.</summary>
    [Test]
    public async Task An_alias_shows_as_name_arrow_command_in_the_table()
    {
        var (host, _) = await RunAsync("Get-Command gci | Out-String");

        var lines = string.Concat(host.OutputTexts).Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "CommandType     Name                                               Version    Source",
            "-----------     ----                                               -------    ------",
            "Alias           gci -> Get-ChildItem",
        }));
    }
}
