using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's local security policy as baselines read and harden it: secedit's export (InSpec's security_policy),
/// secedit /configure of an edited template (Ansible's win_security_policy), net accounts, and what ADSI reports.
/// </summary>
public class SecurityPolicyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> PowerShellAsync(string script, LocalAccounts accounts, VirtualFileSystem? disk = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts, FileSystem = disk ?? new VirtualFileSystem(TimeProvider.System, 1 << 20) };
        host.FileSystem!.CreateDirectory(@"C:\Users");
        host.FileSystem.CreateDirectory(@"C:\Users\tester");
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)));
        return host;
    }

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> CmdAsync(string line, LocalAccounts accounts)
    {
        var host = new FakeCommandLineHost { LocalAccounts = accounts, FileSystem = new VirtualFileSystem(TimeProvider.System, 1 << 20), Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    /// <summary>InSpec's security_policy: secedit /export to a file, Get-Content, then its INI's keys.</summary>
    [Test]
    public async Task Secedit_exports_the_policy_as_a_unicode_template_with_the_rights_as_sids()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = await PowerShellAsync("Set-Location C:\\Users; secedit /export /cfg win_secpol-42.cfg | Out-Null; $LASTEXITCODE; " +
            "$lines = Get-Content win_secpol-42.cfg; $lines[0]; $lines | ? { $_ -match '^(MaximumPasswordAge|PasswordComplexity|SeNetworkLogonRight|SeDenyNetworkLogonRight|signature|LockoutDuration) ' -or $_ -like '*\\NoLMHash=*' }; " +
            "[IO.File]::ReadAllBytes('C:\\Users\\win_secpol-42.cfg')[0..1] -join ','", accounts);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "0", "[Unicode]", "MaximumPasswordAge = 42", "PasswordComplexity = 1", @"MACHINE\System\CurrentControlSet\Control\Lsa\NoLMHash=4,1",
            "SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544,*S-1-5-32-545,*S-1-5-32-551", "SeDenyNetworkLogonRight = Guest", "255,254",
        }), "no lockout: LockoutDuration is left out; the computer's Guest by name; a UTF-16 BOM");
    }

    /// <summary>Ansible's win_security_policy: export, edit the INI, configure it; then net accounts, ADSI and a new export.</summary>
    [Test]
    public async Task Secedit_configure_applies_a_template_s_account_policy_rights_and_registry_values()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = await PowerShellAsync("""
            Set-Content -Path C:\hardening.inf -Value @(
              '[Unicode]', 'Unicode=yes', '[System Access]', 'MinimumPasswordLength = 14', 'LockoutBadCount = 5', 'MaximumPasswordAge = 60',
              '[Privilege Rights]', 'SeDenyNetworkLogonRight = *S-1-5-32-546,tester', 'SeBackupPrivilege =',
              '[Registry Values]', 'MACHINE\System\CurrentControlSet\Control\Lsa\NoLMHash=4,0', 'MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\LegalNoticeCaption=1,"Authorized use only"',
              '[Version]', 'signature="$CHICAGO$"', 'Revision=1')
            secedit /configure /db C:\Windows\Temp\hardening.sdb /cfg C:\hardening.inf /quiet | Out-Null
            $LASTEXITCODE
            net accounts | Select-String 'password length|threshold|Maximum'
            ([ADSI]'WinNT://./tester,user').MinPasswordLength[0]
            (Get-ItemProperty HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System).LegalNoticeCaption
            secedit /export /cfg C:\after.inf /areas USER_RIGHTS SECURITYPOLICY | Out-Null
            Get-Content C:\after.inf | ? { $_ -match '^(LockoutDuration|SeDenyNetworkLogonRight|SeBackupPrivilege) ' -or $_ -like '*\NoLMHash=*' }
            Test-Path C:\Windows\Temp\hardening.sdb
            """, accounts);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts.Select(t => System.Text.RegularExpressions.Regex.Replace(t, " {2,}", " ")), Is.EqualTo(new[]
        {
            "0", "Maximum password age (days): 60", "Minimum password length: 14", "Lockout threshold: 5", "14", "Authorized use only",
            "LockoutDuration = 30", @"MACHINE\System\CurrentControlSet\Control\Lsa\NoLMHash=4,0", "SeDenyNetworkLogonRight = *S-1-5-32-546,tester", "True",
        }), "a right given no accounts is no one's (SeBackupPrivilege is left out)");
        Assert.That(accounts.Policy.Access("MinimumPasswordLength"), Is.EqualTo(14));
    }

    [Test]
    public async Task Net_accounts_sets_the_account_policy_and_refuses_a_value_out_of_range()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var (set, setCode) = await CmdAsync("net accounts /minpwlen:12 /maxpwage:unlimited /uniquepw:24", accounts);
        var (shown, _) = await CmdAsync("net accounts", accounts);
        var (outOfRange, outOfRangeCode) = await CmdAsync("net accounts /minpwlen:15 /uniquepw:3", accounts);
        var (unknown, unknownCode) = await CmdAsync("net accounts /bogus:1", accounts);

        Assert.That((set.Stdout, setCode), Is.EqualTo(("The command completed successfully.\r\n\r\n", 0)));
        Assert.That(shown.Stdout, Does.Contain("Maximum password age (days):                          Unlimited\r\n"));
        Assert.That(shown.Stdout, Does.Contain("Minimum password length:                              12\r\n"));
        Assert.That(shown.Stdout, Does.Contain("Length of password history maintained:                24\r\n"));
        Assert.That((outOfRange.Stderr, outOfRangeCode), Is.EqualTo(("System error 87 has occurred.\r\n\r\nThe parameter is incorrect.\r\n\r\n", 2)));
        Assert.That(accounts.Policy.Access("PasswordHistorySize"), Is.EqualTo(24), "a refused line changes nothing");
        Assert.That((unknown.Stderr, unknownCode), Is.EqualTo(("The syntax of this command is:\r\n\r\nNET ACCOUNTS\r\n[/FORCELOGOFF:{minutes | NO}] [/MINPWLEN:length]\r\n              [/MAXPWAGE:{days | UNLIMITED}] [/MINPWAGE:days]\r\n              [/UNIQUEPW:number] [/DOMAIN]\r\n\r\n", 1)));
        Assert.That(accounts.PasswordExpires(accounts.FindUser("WDAGUtilityAccount")!), Is.Null, "passwords no longer expire");
    }

    [Test]
    public async Task Secedit_refuses_a_template_without_its_signature_and_a_line_without_cfg()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.Write(@"C:\bad.inf", Encoding.ASCII.GetBytes("[System Access]\r\nMinimumPasswordLength = 9\r\n"), FileWriteMode.Create);
        var host = new FakeCommandLineHost { LocalAccounts = accounts, FileSystem = disk, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var bad = await Default.ResolveCommandLine(@"secedit /configure /db x.sdb /cfg C:\bad.inf").RunAsync(host, TimeProvider.System, CancellationToken.None);
        var missing = await Default.ResolveCommandLine("secedit /export").RunAsync(host, TimeProvider.System, CancellationToken.None);
        var analyze = await Default.ResolveCommandLine("secedit /analyze /db x.sdb").RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That((bad, missing, analyze), Is.EqualTo((1, 87, 1)));
        Assert.That(host.Stdout, Does.Contain("Task failed. The template C:\\bad.inf is not a valid security template"));
        Assert.That(host.Stderr, Does.Contain("secedit is a command Windows has that the emulator does not emulate"), "a verb the emulator does not emulate says so");
        Assert.That(accounts.Policy.Access("MinimumPasswordLength"), Is.EqualTo(0));
    }

    /// <summary>InSpec's audit_policy: <c>Auditpol /get /subcategory:'NAME' /r</c>, the fifth CSV field; a CIS baseline's /set.</summary>
    [Test]
    public async Task Auditpol_gets_a_subcategory_as_csv_and_set_changes_what_get_lists()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = await PowerShellAsync("Auditpol /get /subcategory:'Logon' /r; auditpol /set /category:\"Detailed Tracking\" /success:enable | Out-Null; " +
            "auditpol /set /subcategory:\"Process Creation\" /failure:enable; auditpol /get /subcategory:\"Process Creation,System Integrity\"; " +
            "auditpol /get /subcategory:Nope; $LASTEXITCODE", accounts);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting",
            "TESTHOST01,System,Logon,{0CCE9215-69AE-11D9-BED3-505054503030},Success and Failure,", string.Empty,
            "The command was successfully executed.",
            "System audit policy", "Category/Subcategory                      Setting", "System", "  System Integrity                        Success and Failure",
            "Detailed Tracking", "  Process Creation                        Success and Failure",
            "Error 0x00000057 occurred:", "The parameter is incorrect.", string.Empty, "87",
        }), "auditpol lists in its own order (System before Detailed Tracking), whatever the order of the names");
        var creation = SecurityPolicy.AuditSubcategories.Single(c => c.Name == "Process Creation");
        var termination = SecurityPolicy.AuditSubcategories.Single(c => c.Name == "Process Termination");
        Assert.That((accounts.Policy.SubcategoryAudit(creation), accounts.Policy.SubcategoryAudit(termination)), Is.EqualTo((3, 1)));
    }

    /// <summary>security_policy(translate_sid: true): each right's SIDs translated to names, those of the services' accounts too.</summary>
    [Test]
    public async Task The_default_rights_accounts_translate_to_their_names()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = await PowerShellAsync(
            "'S-1-5-80-0', 'S-1-5-90-0', 'S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420', 'S-1-5-32-555' | ForEach-Object { " +
            "(New-Object System.Security.Principal.SecurityIdentifier(\"$_\")).Translate( [System.Security.Principal.NTAccount]).Value }", accounts);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"NT SERVICE\ALL SERVICES", @"Window Manager\Window Manager Group", @"NT SERVICE\WdiServiceHost", @"BUILTIN\Remote Desktop Users" }));
    }
}
