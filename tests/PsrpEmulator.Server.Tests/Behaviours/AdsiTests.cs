using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>[ADSI]"WinNT://..." over the computer's local accounts: what provisioning scripts and audits do with it.</summary>
public class AdsiTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, LocalAccounts Accounts)> RunAsync(string script)
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)));
        return (host, accounts);
    }

    [Test]
    public async Task The_computer_s_children_are_its_users_and_groups_with_their_flags()
    {
        var (host, _) = await RunAsync("$adsi = [ADSI]\"WinNT://$env:COMPUTERNAME\"; $adsi.Children | where {$_.SchemaClassName -eq 'user'} | % { \"$($_.Name) $($_.UserFlags)\" }; " +
            "($adsi.Children | where {$_.SchemaClassName -eq 'group' -and $_.Name -eq 'Administrators'}).Path; $adsi.Name[0]; ([ADSI]'WinNT://./Guest,user').Name[0]");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Does.Contain("Administrator 66049"), "SCRIPT, NORMAL_ACCOUNT and DONT_EXPIRE_PASSWD");
        Assert.That(host.OutputTexts, Does.Contain("WinNT://WORKGROUP/TESTHOST01/Administrators"));
        Assert.That(host.OutputTexts.TakeLast(2), Is.EqualTo(new[] { "TESTHOST01", "Guest" }));
    }

    /// <summary>
    /// The inventory idioms: the members through psbase.Invoke('Members'), each COM object's name by InvokeMember or by
    /// [ADSI]$_.InvokeGet('Name'); InvokeSet and SetInfo change an account; a property the entry has not is ADSI's error.
    /// </summary>
    [Test]
    public async Task Members_through_psbase_and_InvokeGet_and_InvokeSet_read_and_change_the_accounts()
    {
        var (host, accounts) = await RunAsync(
            "$g = [ADSI]\"WinNT://$env:COMPUTERNAME/Administrators,group\"; $g.psbase.Invoke('Members') | % { $_.GetType().InvokeMember('Name', 'GetProperty', $null, $_, $null) }; " +
            "@($g.Invoke('Members')) | % { ([ADSI]$_).InvokeGet('Name') }; $u = [ADSI]'WinNT://./tester,user'; $u.InvokeSet('Description', 'CI account'); $u.SetInfo(); " +
            "try { $u.InvokeGet('Nope') } catch { $_.FullyQualifiedErrorId }; try { $u.Get('Nope') } catch { $_.FullyQualifiedErrorId }; $g.psbase.Path");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Administrator", "tester", "Administrator", "tester", "COMException", "COMException", "WinNT://WORKGROUP/TESTHOST01/Administrators",
        }));
        Assert.That(accounts.FindUser("tester")!.Description, Is.EqualTo("CI account"));
    }

    /// <summary>The Packer-template way to make a user: Create, SetPassword, SetInfo, flags, then join Administrators.</summary>
    [Test]
    public async Task A_created_user_joins_the_accounts_and_a_group_with_its_flags_and_description()
    {
        var (host, accounts) = await RunAsync(
            "$c = [ADSI]\"WinNT://$env:COMPUTERNAME\"; $u = $c.Create('User', 'deploy'); $u.SetPassword('P@ssw0rd!'); $u.SetInfo(); " +
            "$u.Description = 'Deploy account'; $u.UserFlags = 65536 + 513; $u.SetInfo(); " +
            "$g = [ADSI]\"WinNT://$env:COMPUTERNAME/Administrators,group\"; $g.Add(\"WinNT://$env:COMPUTERNAME/deploy\"); $g.IsMember('WinNT://./deploy'); " +
            "$g.Members() | % { $_.GetType().InvokeMember('Name', 'GetProperty', $null, $_, $null) }; $g.Add('WinNT://./deploy'); 'after'");

        var user = accounts.FindUser("deploy");
        Assert.That((user?.Description, user?.PasswordNeverExpires, user?.Password), Is.EqualTo(("Deploy account", (bool?)true, "P@ssw0rd!")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "Administrator", "deploy", "tester", "after" }), "the logon user is an administrator too");
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Exception calling \"Add\" with \"1\" argument(s): \"The specified account name is already a member of the group.\r\n\"" }));
    }

    [Test]
    public async Task Delete_removes_an_account_and_another_computer_or_provider_is_a_scenario_error()
    {
        var (host, accounts) = await RunAsync("net user temp P@ss1234 /add | Out-Null; [ADSI]::Exists('WinNT://./temp'); ([ADSI]'WinNT://.').Delete('User', 'temp'); " +
            "[ADSI]::Exists(\"WinNT://$env:COMPUTERNAME/temp,user\"); [ADSI]'WinNT://OTHER/x,user'; [ADSI]'LDAP://dc=corp'; 'after'");

        Assert.That(accounts.FindUser("temp"), Is.Null);
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError", "PsrpEmulator.ScenarioError" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "False", "after" }), "[ADSI]::Exists before and after the Delete");
    }

    /// <summary>InSpec's users resource on Windows: the schema's properties, objectSid's bytes, IADsUser's AccountDisabled, Groups().</summary>
    [Test]
    public async Task A_user_entry_has_the_schema_s_properties_its_binary_sid_and_its_groups_as_com_objects()
    {
        var (host, accounts) = await RunAsync(
            "$u = [ADSI]'WinNT://./Guest,user'; (New-Object System.Security.Principal.SecurityIdentifier($u.objectSid[0], 0)).Value; $u.objectSid[0].GetType().FullName; " +
            "$u.AccountDisabled[0]; $u.MaxPasswordAge[0] / 86400; $u.MinPasswordLength[0]; $u.PrimaryGroupID[0]; '[' + $u.HomeDirectory[0] + ']'; " +
            "@($u.Groups() | % { $_.GetType().InvokeMember('Name', 'GetProperty', $null, $_, $null) }) -join ','; " +
            "$g = @(([ADSI]'WinNT://./Administrators,group').Invoke('Members'))[0]; [string]$g; ([ADSI]$g).Path; $g.GetType().InvokeMember('Nope', 'GetProperty', $null, $g, $null)");

        var guest = accounts.FindUser("Guest")!;
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            accounts.UserSid(guest), "System.Byte[]", "True", "42", "0", "513", "[]", "Guests", "System.__ComObject", "WinNT://WORKGROUP/TESTHOST01/Administrator",
        }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Exception calling \"InvokeMember\" with \"5\" argument(s): \"Unknown name. (Exception from HRESULT: 0x80020006 (DISP_E_UNKNOWNNAME))\"",
        }));
    }

    [Test]
    public async Task AccountDisabled_set_through_the_entry_disables_the_user_and_a_changed_UserFlags_is_kept()
    {
        var (host, accounts) = await RunAsync(
            "net user temp P@ss1234 /add | Out-Null; $u = [ADSI]'WinNT://./temp,user'; $u.AccountDisabled = $true; $u.SetInfo(); " +
            "net user keep P@ss1234 /add | Out-Null; $k = [ADSI]'WinNT://./keep,user'; $k.UserFlags = $k.UserFlags[0] -bor 2; $k.SetInfo(); 'done'");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That((accounts.FindUser("temp")?.Enabled, accounts.FindUser("keep")?.Enabled), Is.EqualTo(((bool?)false, (bool?)false)),
            "AccountDisabled as read (False) does not undo the ACCOUNTDISABLE bit set through UserFlags");
    }

    /// <summary>InSpec's group resource and inventory scripts: Win32_UserAccount and Win32_Group are the local accounts, as they change.</summary>
    [Test]
    public async Task Wmi_s_user_and_group_classes_are_the_computer_s_accounts_as_they_are_now()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts, Wmi = new ComputerWmi(Default, "TESTHOST01", null, null, null) { Accounts = accounts } };
        await Default.Resolve(Behaviour.Script(
            "net user temp P@ss1234 /add | Out-Null; net user temp /active:no | Out-Null; " +
            "Get-WmiObject Win32_UserAccount -Filter \"Name='temp'\" | % { \"$($_.Caption) $($_.Disabled) $($_.Status) $($_.SID -like 'S-1-5-21-*-1001')\" }; " +
            "(Get-CimInstance Win32_Group -Filter \"Name='Administrators'\").SID; " +
            "@(Get-WmiObject Win32_Group | Select-Object -Property Caption, Domain, Name, SID, LocalAccount)[1].Caption"))
            .RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"TESTHOST01\temp True Degraded True", "S-1-5-32-544", @"TESTHOST01\Administrators" }));
    }

    /// <summary>Serverspec's belongs_to_group: Win32_GroupUser filtered by the references to the group and the user.</summary>
    [Test]
    public async Task Win32_GroupUser_links_each_group_with_its_members_and_matches_a_filter_of_relative_references()
    {
        var accounts = new LocalAccounts("TESTHOST01", ["tester"]);
        var host = new RecordingHost { Runspace = new RunspaceState(), LocalAccounts = accounts, Wmi = new ComputerWmi(Default, "TESTHOST01", null, null, null) { Accounts = accounts } };
        await Default.Resolve(Behaviour.Script("""
            $g = Get-WmiObject Win32_GroupUser -Filter "GroupComponent = 'Win32_Group.Domain=`"TESTHOST01`",Name=`"Administrators`"' and PartComponent = 'Win32_UserAccount.Domain=`"TESTHOST01`",Name=`"Administrator`"'"
            @($g).Count; $g.GroupComponent; $g.PartComponent
            @(Get-WmiObject Win32_GroupUser -Filter "GroupComponent = 'Win32_Group.Domain=`"TESTHOST01`",Name=`"Guests`"' and PartComponent = 'Win32_UserAccount.Domain=`"TESTHOST01`",Name=`"Administrator`"'").Count
            (Get-WmiObject Win32_GroupUser | Where-Object GroupComponent -like '*Name="Users"').PartComponent
            """)).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1", @"\\TESTHOST01\root\cimv2:Win32_Group.Domain=""TESTHOST01"",Name=""Administrators""", @"\\TESTHOST01\root\cimv2:Win32_UserAccount.Domain=""TESTHOST01"",Name=""Administrator""",
            "0",
            @"\\TESTHOST01\root\cimv2:Win32_SystemAccount.Domain=""TESTHOST01"",Name=""Authenticated Users""",
            @"\\TESTHOST01\root\cimv2:Win32_SystemAccount.Domain=""TESTHOST01"",Name=""INTERACTIVE""",
            @"\\TESTHOST01\root\cimv2:Win32_UserAccount.Domain=""TESTHOST01"",Name=""tester""",
        }));
    }
}
