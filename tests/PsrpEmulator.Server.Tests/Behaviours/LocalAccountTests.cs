using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The LocalAccounts cmdlets over a computer's users and groups: what provisioning scripts do to make a service account
/// (New-LocalUser, Add-LocalGroupMember) and check it, with the module's objects, order and errors (its source's).
/// </summary>
public class LocalAccountTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, LocalAccounts? accounts = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts ?? new LocalAccounts("TESTHOST01", ["tester"]) };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script, LocalAccounts? accounts = null)
    {
        var (host, outcome) = await RunAsync(script, accounts);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("Get-LocalUser | ForEach-Object Name", "Administrator|DefaultAccount|Guest|tester|WDAGUtilityAccount")]
    [TestCase("Get-LocalUser | Where-Object Enabled | ForEach-Object Name", "Administrator|tester")]
    // Names piped in bind to -Name (Get-LocalGroupMember's to -Group), ValueFromPipeline.
    [TestCase("'Administrator', 'Guest' | Get-LocalUser | % { \"$($_.Name) $($_.Enabled)\" }; 'Administrators' | Get-LocalGroupMember | % Name; 'Users' | glg | % Name", "Administrator True|Guest False|TESTHOST01\\Administrator|TESTHOST01\\tester|Users")]
    // The SID is a SecurityIdentifier (its Value the text), as the LocalAccounts cmdlets give it.
    [TestCase("(Get-LocalUser Administrator).SID.GetType().FullName; (Get-LocalGroup Administrators).SID.Value; \"$((Get-LocalGroup Administrators).SID)\"", "System.Security.Principal.SecurityIdentifier|S-1-5-32-544|S-1-5-32-544")]
    [TestCase("(Get-LocalUser Administrator).SID.Value.EndsWith('-500'); (glu Guest).SID.Value.EndsWith('-501'); (Get-LocalUser tester).SID -like 'S-1-5-21-*-1000'", "True|True|True")]
    [TestCase("Get-LocalUser -Name Adm*, G* | ForEach-Object Name; @(Get-LocalUser nothing*).Count", "Administrator|Guest|0")]
    [TestCase("Get-LocalGroupMember -Group Administrators | ForEach-Object { $_.ObjectClass + ' ' + $_.Name + ' ' + $_.PrincipalSource }", @"User TESTHOST01\Administrator Local|User TESTHOST01\tester Local")]
    [TestCase("Get-LocalGroupMember Users | ForEach-Object Name", @"NT AUTHORITY\Authenticated Users|NT AUTHORITY\INTERACTIVE|TESTHOST01\tester")]
    [TestCase("(Get-LocalGroup Administrators).SID; (Get-LocalGroup -Name 'Remote Management Users').SID; @(Get-LocalGroup).Count", "S-1-5-32-544|S-1-5-32-580|24")]
    public async Task A_Windows_Server_2019s_accounts_are_there_with_the_emulators_users_as_administrators(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [Test]
    public async Task New_LocalUser_and_Add_LocalGroupMember_make_a_service_account_that_later_sessions_see()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var created = await OutputOfAsync(
            "$pw = ConvertTo-SecureString 'P@ssw0rd!' -AsPlainText -Force; " +
            "$u = New-LocalUser -Name svc_app -Password $pw -FullName 'App Service' -Description 'Runs the app' -PasswordNeverExpires; " +
            "$u.Name; $u.Enabled; $u.PasswordRequired; $u.PasswordExpires -eq $null; $u.PasswordLastSet.ToString('o'); " +
            "Add-LocalGroupMember -Group Administrators -Member svc_app", accounts);
        var seen = await OutputOfAsync(
            "Get-LocalGroupMember Administrators -Member svc_app | ForEach-Object Name; (Get-LocalUser svc_app).FullName; " +
            "@(Get-LocalGroupMember Users | Where-Object Name -like '*svc_app').Count", accounts);

        Assert.That(created, Is.EqualTo("svc_app|True|False|True|2026-11-30T10:00:00.0000000+00:00"));
        // NewLocalUserCommand puts the user in no group (net user /add puts it in Users).
        Assert.That(seen, Is.EqualTo(@"TESTHOST01\svc_app|App Service|0"));
    }

    [Test]
    public async Task A_new_users_password_expires_after_the_policys_42_days_unless_it_never_does()
    {
        var output = await OutputOfAsync("$u = New-LocalUser temp -Password (ConvertTo-SecureString 'x' -AsPlainText -Force); $u.PasswordExpires.ToString('yyyy-MM-dd'); $u.PasswordChangeableDate.ToString('yyyy-MM-dd')");

        Assert.That(output, Is.EqualTo("2027-01-11|2026-11-30"));
    }

    [Test]
    public async Task Its_objects_are_LocalAccounts_types_with_5_1s_properties()
    {
        var (host, _) = await RunAsync("Get-LocalUser Administrator; Get-LocalGroup Users; Get-LocalGroupMember Guests");

        var user = (PsObject)host.Outputs[0];
        Assert.That(user.TypeNames, Is.EqualTo(new[] { "Microsoft.PowerShell.Commands.LocalUser", "Microsoft.PowerShell.Commands.LocalPrincipal", "System.Object" }));
        Assert.That(user.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "AccountExpires", "Description", "Enabled", "FullName", "PasswordChangeableDate", "PasswordExpires", "UserMayChangePassword",
            "PasswordRequired", "PasswordLastSet", "LastLogon", "Name", "SID", "PrincipalSource", "ObjectClass",
        }));
        Assert.That(((PsObject)host.Outputs[1]).TypeNames![0], Is.EqualTo("Microsoft.PowerShell.Commands.LocalGroup"));
        var member = (PsObject)host.Outputs[2];
        Assert.That((member.TypeNames![0], member.ToDisplayString(), member["ObjectClass"].AsString()), Is.EqualTo(("Microsoft.PowerShell.Commands.LocalPrincipal", @"TESTHOST01\Guest", "User")));
    }

    [Test]
    public async Task Out_String_shows_LocalAccounts_tables()
    {
        var (host, _) = await RunAsync("Get-LocalUser | Out-String; Get-LocalGroupMember Administrators | Out-String");

        Assert.That(host.OutputTexts[0].Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0), Is.EqualTo(new[]
        {
            "Name               Enabled Description",
            "----               ------- -----------",
            "Administrator      True    Built-in account for administering the computer/domain",
            "DefaultAccount     False   A user account managed by the system.",
            "Guest              False   Built-in account for guest access to the computer/domain",
            "tester             True",
            "WDAGUtilityAccount False   A user account managed and used by the system for Windows Defender Application Guard scena...",
        }));
        Assert.That(host.OutputTexts[1].Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0), Is.EqualTo(new[]
        {
            "ObjectClass Name                     PrincipalSource",
            "----------- ----                     ---------------",
            @"User        TESTHOST01\Administrator Local",
            @"User        TESTHOST01\tester        Local",
        }));
    }

    [Test]
    public async Task The_modules_errors_carry_its_ids_categories_and_targets_and_the_script_goes_on()
    {
        var (host, _) = await RunAsync(
            "Get-LocalUser nobody; Get-LocalGroup nogroup; New-LocalUser Administrator -NoPassword; " +
            "Add-LocalGroupMember -Group Administrators -Member tester; Add-LocalGroupMember Administrators ghost; " +
            "Remove-LocalGroupMember Guests tester; Remove-LocalUser ghost; Add-LocalGroupMember nogroup tester; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.TargetName, e.Message)), Is.EqualTo(new[]
        {
            ("UserNotFound,Microsoft.PowerShell.Commands.GetLocalUserCommand", ErrorCategory.ObjectNotFound, (string?)"nobody", "User nobody was not found."),
            ("GroupNotFound,Microsoft.PowerShell.Commands.GetLocalGroupCommand", ErrorCategory.ObjectNotFound, "nogroup", "Group nogroup was not found."),
            ("UserExists,Microsoft.PowerShell.Commands.NewLocalUserCommand", ErrorCategory.ResourceExists, "Administrator", "User Administrator already exists."),
            ("MemberExists,Microsoft.PowerShell.Commands.AddLocalGroupMemberCommand", ErrorCategory.ResourceExists, "Administrators", @"TESTHOST01\tester is already a member of group Administrators."),
            ("PrincipalNotFound,Microsoft.PowerShell.Commands.AddLocalGroupMemberCommand", ErrorCategory.ObjectNotFound, "ghost", "Principal ghost was not found."),
            ("MemberNotFound,Microsoft.PowerShell.Commands.RemoveLocalGroupMemberCommand", ErrorCategory.ObjectNotFound, @"TESTHOST01\tester", @"Member TESTHOST01\tester was not found in group Guests."),
            ("UserNotFound,Microsoft.PowerShell.Commands.RemoveLocalUserCommand", ErrorCategory.ObjectNotFound, "ghost", "User ghost was not found."),
            ("GroupNotFound,Microsoft.PowerShell.Commands.AddLocalGroupMemberCommand", ErrorCategory.ObjectNotFound, "nogroup", "Group nogroup was not found."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("New-LocalUser abcdefghijklmnopqrstu -NoPassword",
        "Cannot validate argument on parameter 'Name'. The character length of the 21 argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"20\" characters, and then try the command again.")]
    [TestCase("New-LocalUser bob -Password 'plain'",
        "Cannot bind parameter 'Password'. Cannot convert the \"plain\" value of type \"System.String\" to type \"System.Security.SecureString\".")]
    [TestCase("New-LocalUser bob", "Cannot process command because of one or more missing mandatory parameters: Password.")]
    public async Task New_LocalUser_binds_its_parameters_as_PowerShell_does(string statement, string message)
    {
        var (host, _) = await RunAsync(statement + "; 'next'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { message }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Users_are_enabled_disabled_changed_and_removed_and_a_removed_user_leaves_its_groups()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var output = await OutputOfAsync(
            "New-LocalUser temp -NoPassword | Out-Null; Add-LocalGroupMember 'Remote Desktop Users' temp; Disable-LocalUser temp; (Get-LocalUser temp).Enabled; " +
            "Enable-LocalUser -Name temp; Set-LocalUser temp -Description 'changed' -PasswordNeverExpires $true; $u = Get-LocalUser temp; $u.Enabled; $u.Description; " +
            "Remove-LocalUser temp; @(Get-LocalGroupMember 'Remote Desktop Users').Count; @(Get-LocalUser temp -ErrorAction SilentlyContinue).Count", accounts);

        Assert.That(output, Is.EqualTo("False|True|changed|0|0"));
    }

    /// <summary>Accounts piped in are the cmdlets' -InputObject, or the group cmdlets' -Member.</summary>
    [Test]
    public async Task Accounts_piped_into_the_cmdlets_are_what_they_act_on()
    {
        var output = await OutputOfAsync(
            "New-LocalUser tmp -NoPassword | Add-LocalGroupMember -Group Administrators; (Get-LocalGroupMember Administrators).Name -join ','; " +
            "Get-LocalUser tmp | Disable-LocalUser; (Get-LocalUser tmp).Enabled; 'tmp' | Remove-LocalGroupMember -Group Administrators; " +
            "Get-LocalUser tmp | Remove-LocalUser -Confirm:$false; @(Get-LocalUser tmp -ErrorAction SilentlyContinue).Count; @(Get-LocalGroupMember Administrators).Count");

        Assert.That(output, Is.EqualTo(@"TESTHOST01\Administrator,TESTHOST01\tester,TESTHOST01\tmp|False|0|2"));
    }

    [Test]
    public async Task A_group_is_created_listed_before_the_builtin_ones_and_removed()
    {
        var output = await OutputOfAsync(
            "New-LocalGroup -Name AppAdmins -Description 'App admins' | ForEach-Object Name; (Get-LocalGroup)[0].Name; (Get-LocalGroup AppAdmins).SID -like 'S-1-5-21-*'; " +
            "Add-LocalGroupMember AppAdmins -Member tester, 'NT AUTHORITY\\SYSTEM'; Get-LocalGroupMember AppAdmins | ForEach-Object Name; Remove-LocalGroup AppAdmins; @(Get-LocalGroup App*).Count");

        Assert.That(output, Is.EqualTo(@"AppAdmins|AppAdmins|True|NT AUTHORITY\SYSTEM|TESTHOST01\tester|0"));
    }

    private static async Task<(string Stdout, string Stderr, int Code)> NetAsync(LocalAccounts accounts, string line)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, LocalAccounts = accounts, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    /// <summary>net user and net localgroup in a cmd shell: the same accounts, net's layout, messages and exit codes.</summary>
    [Test]
    public async Task Net_user_and_net_localgroup_list_and_change_the_same_accounts()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        const string done = "The command completed successfully.\r\n\r\n";
        const string rule = "-------------------------------------------------------------------------------\r\n";

        var list = await NetAsync(accounts, "net user");
        var added = await NetAsync(accounts, "net user deploy S3cret! /add /comment:\"CI deploy\"");
        var again = await NetAsync(accounts, "net user deploy other /add");
        var joined = await NetAsync(accounts, "net localgroup Administrators deploy /add");
        var twice = await NetAsync(accounts, "net localgroup administrators deploy /add");
        var members = await NetAsync(accounts, "net localgroup administrators");
        var nobody = await NetAsync(accounts, "net localgroup administrators ghost /add");
        var noGroup = await NetAsync(accounts, "net localgroup nogroup");
        var powershell = await OutputOfAsync("(Get-LocalUser deploy).Description; Get-LocalGroupMember Users -Member deploy | % Name", accounts);
        var deleted = await NetAsync(accounts, "net user deploy /delete");
        var gone = await NetAsync(accounts, "net user deploy");

        Assert.That(list, Is.EqualTo(("\r\nUser accounts for \\\\TESTHOST01\r\n\r\n" + rule +
            "Administrator            DefaultAccount           Guest                    \r\n" +
            "tester                   WDAGUtilityAccount       \r\n" + done, "", 0)));
        Assert.That(added, Is.EqualTo((done, "", 0)));
        Assert.That(again, Is.EqualTo(("", "The account already exists.\r\n\r\nMore help is available by typing NET HELPMSG 2224.\r\n\r\n", 2)));
        Assert.That(joined, Is.EqualTo((done, "", 0)));
        Assert.That(twice, Is.EqualTo(("", "System error 1378 has occurred.\r\n\r\nThe specified account name is already a member of the group.\r\n\r\n", 2)));
        Assert.That(members, Is.EqualTo(("Alias name     administrators\r\nComment        Administrators have complete and unrestricted access to the computer/domain\r\n\r\nMembers\r\n\r\n" + rule +
            "Administrator\r\ndeploy\r\ntester\r\n" + done, "", 0)));
        Assert.That(nobody, Is.EqualTo(("", "There is no such global user or group: ghost.\r\n\r\nMore help is available by typing NET HELPMSG 3783.\r\n\r\n", 2)));
        Assert.That(noGroup, Is.EqualTo(("", "System error 1376 has occurred.\r\n\r\nThe specified local group does not exist.\r\n\r\n", 2)));
        // NetUserAdd puts the user in Users.
        Assert.That(powershell, Is.EqualTo(@"CI deploy|TESTHOST01\deploy"));
        Assert.That(deleted, Is.EqualTo((done, "", 0)));
        Assert.That(gone, Is.EqualTo(("", "The user name could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2221.\r\n\r\n", 2)));
    }

    [Test]
    public async Task Net_user_of_one_user_shows_its_details_and_group_memberships()
    {
        var (stdout, _, code) = await NetAsync(new LocalAccounts("TESTHOST01", ["tester"]), "net user tester");

        var lines = stdout.Split("\r\n");
        Assert.That(code, Is.Zero);
        Assert.That(lines[0], Is.EqualTo("User name                    tester"));
        Assert.That(lines, Does.Contain("Account active               Yes"));
        Assert.That(lines, Does.Contain("Password last set            1/12/2026 9:38:00 AM"));
        Assert.That(lines, Does.Contain("Password expires             Never"));
        Assert.That(lines, Does.Contain("Local Group Memberships      *Administrators       *Users                "));
        Assert.That(lines, Does.Contain("Global Group memberships     *None                 "));
        Assert.That(stdout, Does.EndWith("The command completed successfully.\r\n\r\n"));
    }

    [Test]
    public async Task Windows_own_accounts_are_not_removed()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var (host, _) = await RunAsync("Remove-LocalUser Administrator; Remove-LocalGroup Administrators; @(Get-LocalUser Administrator).Count; @(Get-LocalGroup Administrators).Count", accounts);
        var net = await NetAsync(accounts, "net user Guest /delete");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("An unspecified error occurred.,Microsoft.PowerShell.Commands.RemoveLocalUserCommand", "The operation is not allowed for user Administrator."),
            ("An unspecified error occurred.,Microsoft.PowerShell.Commands.RemoveLocalGroupCommand", "The operation is not allowed for group Administrators."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "1" }));
        Assert.That(net, Is.EqualTo(("", "System error 1371 has occurred.\r\n\r\nCannot perform this operation on built-in accounts.\r\n\r\n", 2)));
    }

    /// <summary>A local account reaches a remote session as on Windows: enabled, with a password, and allowed by the default endpoint's groups.</summary>
    [Test]
    public async Task A_created_user_logs_on_remotely_only_enabled_with_a_password_and_in_an_allowed_group()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        await OutputOfAsync("New-LocalUser svc -Password (ConvertTo-SecureString 'pw-1' -AsPlainText -Force) | Out-Null; New-LocalUser blank -NoPassword | Out-Null; Add-LocalGroupMember Administrators blank", accounts);
        var notAllowed = accounts.LogonPassword("svc");
        await OutputOfAsync("Add-LocalGroupMember 'Remote Management Users' svc", accounts);
        var allowed = accounts.LogonPassword("SVC");
        await OutputOfAsync("Set-LocalUser svc -Password (ConvertTo-SecureString 'pw-2' -AsPlainText -Force)", accounts);
        var changed = accounts.LogonPassword("svc");
        await NetAsync(accounts, "net user svc pw-3");
        var byNet = accounts.LogonPassword("svc");
        await OutputOfAsync("Disable-LocalUser svc", accounts);

        Assert.That((notAllowed, allowed, changed, byNet), Is.EqualTo(((string?)null, "pw-1", "pw-2", "pw-3")));
        Assert.That(accounts.LogonPassword("svc"), Is.Null, "disabled");
        Assert.That(accounts.LogonPassword("blank"), Is.Null, "no password: the console only");
        Assert.That(accounts.LogonPassword("tester"), Is.Null, "the emulator's own users log on with the configuration's password");
        Assert.That(accounts.FindUser("svc")!.ToString(), Is.EqualTo("svc"), "the record's text shows no password");
    }

    /// <summary>WindowsPrincipal.IsInRole asks the session user's local groups: a user in Remote Management Users only is no administrator.</summary>
    [TestCase("tester", "True|True|False|True")]
    [TestCase("svc", "False|False|True|True")]
    public async Task IsInRole_follows_the_session_users_local_groups(string user, string expected)
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        await OutputOfAsync("New-LocalUser svc -NoPassword | Out-Null; Add-LocalGroupMember 'Remote Management Users' svc", accounts);
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts };
        host.Environment["USERNAME"] = user;

        await Default.Resolve(Behaviour.Script(
            "$id = [Security.Principal.WindowsIdentity]::GetCurrent(); $p = [Security.Principal.WindowsPrincipal]$id; " +
            "$p.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator); $p.IsInRole('BUILTIN\\Administrators'); $p.IsInRole('Remote Management Users'); " +
            "$id.Groups -contains 'S-1-5-11'")).RunTestAsync(host, new FakeTimeProvider(Now));

        Assert.That(host.Errors, Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>whoami /priv lists an elevated administrator's 24 privileges, all Enabled as in a network logon, another user's two.</summary>
    [TestCase("tester", 24)]
    [TestCase("svc", 2)]
    public async Task Whoami_priv_lists_the_token_s_privileges_enabled(string user, int count)
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        await OutputOfAsync("New-LocalUser svc -NoPassword | Out-Null", accounts);
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, LocalAccounts = accounts, Facts = new Dictionary<string, string> { ["username"] = user } };

        var code = await Default.ResolveCommandLine("whoami /priv").RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);

        var lines = host.Stdout.Split("\r\n");
        Assert.That(code, Is.Zero);
        Assert.That(lines[..4], Is.EqualTo(new[] { "", "PRIVILEGES INFORMATION", "----------------------", "" }));
        Assert.That(lines[4], Does.Match("^Privilege Name +Description +State$"));
        Assert.That(lines.Skip(6).Count(l => l.Length > 0), Is.EqualTo(count));
        Assert.That(lines.Skip(6).Where(l => l.Length > 0), Is.All.EndsWith(" Enabled"));
        Assert.That(lines.Any(l => l.StartsWith("SeDebugPrivilege ", StringComparison.Ordinal)), Is.EqualTo(count == 24));
        if (count == 24)
        {
            // The widest name and description set the columns, as whoami's rules show.
            Assert.That(lines[5], Is.EqualTo(new string('=', 41) + " " + new string('=', 66) + " ======="));
            Assert.That(lines[6], Is.EqualTo("SeIncreaseQuotaPrivilege".PadRight(41) + " " + "Adjust memory quotas for a process".PadRight(66) + " Enabled"));
        }
    }

    [Test]
    public async Task Whoami_user_and_all_write_their_sections_in_order()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = new FakeCommandLineHost
        {
            Encoding = System.Text.Encoding.ASCII, LocalAccounts = accounts, Facts = new Dictionary<string, string> { ["username"] = "tester" },
            Environment = [new("USERDOMAIN", "TESTHOST01"), new("USERNAME", "tester")],
        };
        var all = new FakeCommandLineHost { Encoding = host.Encoding, LocalAccounts = accounts, Facts = host.Facts, Environment = host.Environment };

        await Default.ResolveCommandLine("whoami /user").RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);
        await Default.ResolveCommandLine("whoami /all").RunAsync(all, new FakeTimeProvider(Now), CancellationToken.None);

        var sid = accounts.UserSid(accounts.FindUser("tester")!);
        var nameWidth = @"testhost01\tester".Length;
        Assert.That(host.Stdout, Is.EqualTo(
            "\r\nUSER INFORMATION\r\n----------------\r\n\r\n" +
            "User Name".PadRight(nameWidth) + " SID\r\n" + new string('=', nameWidth) + " " + new string('=', sid.Length) + "\r\n" +
            @"testhost01\tester " + sid + "\r\n"));
        var titles = all.Stdout.Split("\r\n").Where(l => l.EndsWith("INFORMATION", StringComparison.Ordinal)).ToList();
        Assert.That(titles, Is.EqualTo(new[] { "USER INFORMATION", "GROUP INFORMATION", "PRIVILEGES INFORMATION", "USER CLAIMS INFORMATION" }));
        Assert.That(all.Stdout, Does.StartWith(host.Stdout + "\r\n\r\nGROUP INFORMATION"));
        Assert.That(all.Stdout, Does.EndWith("User claims unknown.\r\n\r\nKerberos support for Dynamic Access Control on this device has been disabled.\r\n"));
    }

    [TestCase("net session", "There are no entries in the list.\r\n\r\n")]
    [TestCase("net use", "New connections will be remembered.\r\n\r\nThere are no entries in the list.\r\n\r\n")]
    public async Task Net_session_and_net_use_find_no_smb_session_or_mapped_drive(string line, string expected)
    {
        var host = new FakeCommandLineHost();

        var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);

        Assert.That((code, host.Stdout, host.Stderr), Is.EqualTo((0, expected, string.Empty)));
    }

    /// <summary>A remote logon is no terminal session: quser finds nobody signed in, as on a server nobody has signed in to.</summary>
    [TestCase("quser", "No User exists for *\r\n")]
    [TestCase("query user Admin01", "No User exists for Admin01\r\n")]
    [TestCase("quser.exe /server:TESTHOST01", "No User exists for *\r\n")]
    public async Task Quser_finds_no_terminal_session_user_on_a_computer_only_remoted_to(string line, string expected)
    {
        var host = new FakeCommandLineHost { Environment = [new("COMPUTERNAME", "TESTHOST01")] };

        var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);

        Assert.That((code, host.Stdout, host.Stderr), Is.EqualTo((1, string.Empty, expected)));
    }

    [Test]
    public async Task Quser_of_another_server_is_a_scenario_error()
    {
        var host = new FakeCommandLineHost { Environment = [new("COMPUTERNAME", "TESTHOST01")] };

        var code = await Default.ResolveCommandLine("quser /server:Server02").RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(host.Stderr, Does.Contain("does not emulate"));
    }

    /// <summary>whoami /groups lists the token's groups: an administrator's is High integrity (S-1-16-12288, what batch files look for), another's Medium.</summary>
    [TestCase("tester", true)]
    [TestCase("svc", false)]
    public async Task Whoami_groups_lists_the_users_groups_and_its_integrity_level(string user, bool administrator)
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        await OutputOfAsync("New-LocalUser svc -NoPassword | Out-Null; Add-LocalGroupMember 'Remote Management Users' svc", accounts);
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, LocalAccounts = accounts, Facts = new Dictionary<string, string> { ["cd"] = @"C:\", ["username"] = user } };

        var code = await Default.ResolveCommandLine("whoami /groups").RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);

        var lines = host.Stdout.Split("\r\n");
        Assert.That(code, Is.Zero);
        Assert.That(lines[1..4], Is.EqualTo(new[] { "GROUP INFORMATION", "-----------------", "" }));
        Assert.That(lines[4], Does.Match("^Group Name +Type +SID +Attributes$"));
        Assert.That(lines.Any(l => l.StartsWith(@"BUILTIN\Administrators ", StringComparison.Ordinal)), Is.EqualTo(administrator));
        Assert.That(lines.Any(l => l.StartsWith(@"BUILTIN\Remote Management Users ", StringComparison.Ordinal)), Is.EqualTo(!administrator));
        Assert.That(lines.Any(l => l.StartsWith(@"Mandatory Label\High Mandatory Level ", StringComparison.Ordinal) && l.EndsWith("S-1-16-12288", StringComparison.Ordinal)), Is.EqualTo(administrator));
        Assert.That(lines.Any(l => l.Contains("S-1-16-8192", StringComparison.Ordinal)), Is.EqualTo(!administrator));
        // Every row's SID starts where the header's does.
        var sidColumn = lines[4].IndexOf("SID", StringComparison.Ordinal);
        Assert.That(lines.Skip(6).Where(l => l.Length > 0).Select(l => l[sidColumn..(sidColumn + 4)]), Is.All.StartsWith("S-1-"));
    }

    /// <summary>whoami /fo csv is what scripts parse (ConvertFrom-Csv): the header line first, every value quoted; /nh drops it; LIST labels each value.</summary>
    [Test]
    public async Task Whoami_fo_csv_and_list_lay_the_section_out_and_nh_drops_the_header()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        async Task<(string Stdout, string Stderr, int Code)> Run(string line)
        {
            var host = new FakeCommandLineHost
            {
                Encoding = System.Text.Encoding.ASCII, LocalAccounts = accounts, Facts = new Dictionary<string, string> { ["username"] = "tester" },
                Environment = [new("USERDOMAIN", "TESTHOST01"), new("USERNAME", "tester")],
            };
            var code = await Default.ResolveCommandLine(line).RunAsync(host, new FakeTimeProvider(Now), CancellationToken.None);
            return (host.Stdout, host.Stderr, code);
        }

        var csv = await Run("whoami /groups /fo csv");
        var noHeader = await Run("whoami /groups /FO CSV /NH");
        var list = await Run("whoami /user /fo list");
        var listNoHeader = await Run("whoami /user /fo list /nh");

        var lines = csv.Stdout.Split("\r\n");
        Assert.That(lines[0], Is.EqualTo("\"Group Name\",\"Type\",\"SID\",\"Attributes\""));
        Assert.That(lines[1], Is.EqualTo("\"Everyone\",\"Well-known group\",\"S-1-1-0\",\"Mandatory group, Enabled by default, Enabled group\""));
        Assert.That(lines, Does.Contain("\"Mandatory Label\\High Mandatory Level\",\"Label\",\"S-1-16-12288\",\"\""));
        Assert.That(noHeader.Stdout, Is.EqualTo(csv.Stdout[(lines[0].Length + 2)..]));
        Assert.That(list.Stdout, Does.Match("^\r\nUSER INFORMATION\r\n-{16}\r\n\r\nUser Name: testhost01\\\\tester\r\nSID:       S-1-5-21-[0-9-]+\r\n$"));
        Assert.That(listNoHeader, Is.EqualTo(("", "ERROR: Invalid syntax. /NH option is valid only for TABLE and CSV formats.\r\nType \"WHOAMI /?\" for usage.\r\n", 1)));
    }

    [Test]
    public void The_computers_SID_is_made_from_its_name_and_the_same_on_every_start()
    {
        var first = new LocalAccounts("server01", []);
        var again = new LocalAccounts("SERVER01", []);
        var other = new LocalAccounts("SERVER02", []);

        Assert.That(first.ComputerSid, Does.Match(@"^S-1-5-21-\d+-\d+-\d+$"));
        Assert.That(again.ComputerSid, Is.EqualTo(first.ComputerSid));
        Assert.That(other.ComputerSid, Is.Not.EqualTo(first.ComputerSid));
    }
}
