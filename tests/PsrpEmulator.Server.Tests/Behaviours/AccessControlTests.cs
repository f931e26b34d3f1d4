using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>NTFS permissions: Get-Acl, Set-Acl, the .NET ACL objects and icacls, on the computer's disk.</summary>
public class AccessControlTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static VirtualFileSystem Disk()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero)), 1 << 20);
        disk.CreateDirectory(@"C:\App");
        disk.Write(@"C:\App\f.txt", "f"u8, FileWriteMode.Create);
        return disk;
    }

    private static LocalAccounts Accounts() => new("TESTHOST01", ["psrp"]);

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> IcaclsAsync(string line, VirtualFileSystem disk, LocalAccounts? accounts = null)
    {
        var host = new FakeCommandLineHost { FileSystem = disk, LocalAccounts = accounts ?? Accounts(), Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    private static async Task<RecordingHost> PowerShellAsync(string script, VirtualFileSystem disk, LocalAccounts? accounts = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk, LocalAccounts = accounts ?? Accounts() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    [Test]
    public async Task Icacls_lists_the_entries_windows_gives_the_drive_and_its_windows_folder()
    {
        var disk = Disk();

        var (root, rootCode) = await IcaclsAsync(@"icacls C:\", disk);
        var (windows, _) = await IcaclsAsync(@"icacls c:\windows", disk);

        Assert.That(rootCode, Is.EqualTo(0));
        Assert.That(root.Stdout, Is.EqualTo(
            "C:\\ NT AUTHORITY\\SYSTEM:(OI)(CI)(F)\r\n" +
            "    BUILTIN\\Administrators:(OI)(CI)(F)\r\n" +
            "    BUILTIN\\Users:(OI)(CI)(RX)\r\n" +
            "    BUILTIN\\Users:(CI)(AD)\r\n" +
            "    BUILTIN\\Users:(CI)(IO)(WD)\r\n" +
            "    CREATOR OWNER:(OI)(CI)(IO)(F)\r\n" +
            "\r\n" +
            "Successfully processed 1 files; Failed processing 0 files\r\n"));
        Assert.That(windows.Stdout.Split("\r\n")[..9], Is.EqualTo(new[]
        {
            @"c:\windows NT SERVICE\TrustedInstaller:(F)",
            @"           NT SERVICE\TrustedInstaller:(CI)(IO)(F)",
            @"           NT AUTHORITY\SYSTEM:(M)",
            @"           NT AUTHORITY\SYSTEM:(OI)(CI)(IO)(F)",
            @"           BUILTIN\Administrators:(M)",
            @"           BUILTIN\Administrators:(OI)(CI)(IO)(F)",
            @"           BUILTIN\Users:(RX)",
            @"           BUILTIN\Users:(OI)(CI)(IO)(GR,GE)",
            @"           CREATOR OWNER:(OI)(CI)(IO)(F)",
        }));
    }

    [Test]
    public async Task A_folder_made_under_the_drive_inherits_as_on_windows_and_its_files_take_the_object_entries()
    {
        var (host, exitCode) = await IcaclsAsync(@"icacls C:\App /T", Disk());

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(host.Stdout, Is.EqualTo(
            "C:\\App NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\r\n" +
            "       BUILTIN\\Administrators:(I)(OI)(CI)(F)\r\n" +
            "       BUILTIN\\Users:(I)(OI)(CI)(RX)\r\n" +
            "       BUILTIN\\Users:(I)(CI)(AD)\r\n" +
            "       BUILTIN\\Users:(I)(CI)(WD)\r\n" +
            "       CREATOR OWNER:(I)(OI)(CI)(IO)(F)\r\n" +
            "\r\n" +
            "C:\\App\\f.txt NT AUTHORITY\\SYSTEM:(I)(F)\r\n" +
            "             BUILTIN\\Administrators:(I)(F)\r\n" +
            "             BUILTIN\\Users:(I)(RX)\r\n" +
            "\r\n" +
            "Successfully processed 2 files; Failed processing 0 files\r\n"));
    }

    /// <summary>Serverspec's owner check: <c>(Get-Item path).GetAccessControl().Owner</c>.</summary>
    [Test]
    public async Task An_items_GetAccessControl_is_what_Get_Acl_reads()
    {
        var host = await PowerShellAsync(@"(Get-Item C:\Windows).GetAccessControl().Owner; (Get-Item C:\App\f.txt).GetAccessControl('Owner').Sddl -eq (Get-Acl C:\App\f.txt).Sddl; (Get-Item C:\App).OpenRead()", Disk());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"NT SERVICE\TrustedInstaller", "True" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Method invocation failed because [System.IO.DirectoryInfo] does not contain a method named 'OpenRead'." }));
    }

    [Test]
    public async Task Get_Acl_shows_generic_rights_as_numbers_and_the_sddl_with_windows_aliases()
    {
        var host = await PowerShellAsync(@"$w = Get-Acl C:\Windows; $w.Owner; $w.Group; ($w.AccessToString -split ""`n"")[0..3]; (Get-Acl C:\App).Sddl; (Get-Acl C:\ProgramData).Sddl", Disk());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"NT SERVICE\TrustedInstaller", @"NT SERVICE\TrustedInstaller",
            @"NT SERVICE\TrustedInstaller Allow  FullControl", @"NT SERVICE\TrustedInstaller Allow  268435456",
            @"NT AUTHORITY\SYSTEM Allow  Modify, Synchronize", @"NT AUTHORITY\SYSTEM Allow  268435456",
            "O:BAG:" + Accounts().ComputerSid + "-513D:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;LC;;;BU)(A;CIID;DC;;;BU)(A;OICIIOID;GA;;;CO)",
            "O:SYG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIIO;GA;;;CO)(A;OICI;0x1200a9;;;BU)(A;CI;DCLCRPCR;;;BU)",
        }));
    }

    [Test]
    public async Task A_rule_added_and_written_with_Set_Acl_comes_first_and_passes_to_the_files()
    {
        var disk = Disk();
        var host = await PowerShellAsync("""
            $acl = Get-Acl C:\App
            $rule = New-Object System.Security.AccessControl.FileSystemAccessRule("psrp", "Modify", "ContainerInherit, ObjectInherit", "None", "Allow")
            $acl.AddAccessRule($rule)
            Set-Acl -Path C:\App -AclObject $acl
            $r = (Get-Acl C:\App\f.txt).Access[0]
            "$($r.IdentityReference) $($r.FileSystemRights) $($r.IsInherited) $($r.InheritanceFlags)"
            (Get-Acl C:\App).Access.Count
            """, disk);
        var (icacls, _) = await IcaclsAsync(@"icacls C:\App", disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"TESTHOST01\psrp Modify, Synchronize True None", "7" }));
        Assert.That(icacls.Stdout, Does.StartWith("C:\\App TESTHOST01\\psrp:(OI)(CI)(M)\r\n       NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\r\n"));
    }

    [Test]
    public async Task Protecting_an_acl_keeps_or_drops_the_inherited_entries_as_asked()
    {
        var disk = Disk();
        disk.CreateDirectory(@"C:\Other");
        var host = await PowerShellAsync("""
            $keep = Get-Acl C:\App; $keep.SetAccessRuleProtection($true, $true); $keep | Set-Acl C:\App
            $drop = Get-Acl C:\Other; $drop.SetAccessRuleProtection($true, $false)
            $drop.AddAccessRule([System.Security.AccessControl.FileSystemAccessRule]::new("Administrators", "FullControl", "Allow"))
            Set-Acl C:\Other $drop
            (Get-Acl C:\App).AreAccessRulesProtected; (Get-Acl C:\App).Access | Where-Object IsInherited | Measure-Object | ForEach-Object Count
            (Get-Acl C:\Other).AccessToString
            """, disk);
        var (icacls, _) = await IcaclsAsync(@"icacls C:\App\f.txt", disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "0", @"BUILTIN\Administrators Allow  FullControl" }));
        Assert.That(icacls.Stdout, Does.StartWith("C:\\App\\f.txt NT AUTHORITY\\SYSTEM:(I)(F)\r\n"), "the file inherits from the folder's own entries now");
    }

    [Test]
    public async Task Rules_are_set_removed_and_purged_by_account_as_dotnet_edits_them()
    {
        var host = await PowerShellAsync("""
            $acl = Get-Acl C:\App
            $acl.SetAccessRuleProtection($true, $false)
            $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule("Users", "Read", "Allow")))
            $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule("Users", "Write", "Allow")))
            $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule("Everyone", "Delete", "Deny")))
            $acl.AccessToString
            $acl.RemoveAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule("Users", "Write", "Allow")))
            $acl.AccessToString
            $acl.SetAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule("Users", "FullControl", "Allow")))
            $acl.PurgeAccessRules([System.Security.Principal.NTAccount]"Everyone")
            $acl.AccessToString
            """, Disk());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Everyone Deny  Delete\nBUILTIN\\Users Allow  Write, Read, Synchronize",
            "True",
            "Everyone Deny  Delete\nBUILTIN\\Users Allow  Read, Synchronize",
            @"BUILTIN\Users Allow  FullControl",
        }));
    }

    [Test]
    public async Task An_account_windows_cannot_name_fails_when_the_rule_is_added()
    {
        var host = await PowerShellAsync("""
            $rule = New-Object System.Security.AccessControl.FileSystemAccessRule("nobody", "Read", "Allow")
            $rule.IdentityReference.Value
            (Get-Acl C:\App).AddAccessRule($rule)
            """, Disk());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "nobody" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Exception calling \"AddAccessRule\" with \"1\" argument(s): \"Some or all identity references could not be translated.\"", "IdentityNotMappedException"),
        }));
    }

    [Test]
    public async Task Get_Acl_of_a_missing_path_is_its_path_not_found_error_and_the_others_are_read()
    {
        var host = await PowerShellAsync(@"Get-Acl C:\nope, C:\App | ForEach-Object { $_.Path }", Disk());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"Microsoft.PowerShell.Core\FileSystem::C:\App" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            (@"Cannot find path 'C:\nope' because it does not exist.", "GetAcl_PathNotFound_Exception,Microsoft.PowerShell.Commands.GetAclCommand"),
        }));
    }

    [Test]
    public async Task Get_Acl_of_a_registry_key_is_a_scenario_error_saying_it_is_not_emulated()
    {
        var host = await PowerShellAsync(@"Get-Acl HKLM:\Software; 'next'", Disk());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            (@"Get-Acl of a registry key ('HKLM:\Software') is not emulated: give the command a rule", "PsrpEmulator.ScenarioError"),
        }));
    }

    [Test]
    public async Task An_account_translates_to_its_sid_and_back()
    {
        var host = await PowerShellAsync("""
            ([System.Security.Principal.NTAccount]"Users").Translate([System.Security.Principal.SecurityIdentifier]).Value
            (New-Object System.Security.Principal.NTAccount("SYSTEM")).Translate([System.Security.Principal.SecurityIdentifier]).Value
            (Get-Acl C:\App).GetOwner([System.Security.Principal.SecurityIdentifier]).Value
            """, Disk());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "S-1-5-32-545", "S-1-5-18", "S-1-5-32-544" }));
    }

    [Test]
    public async Task Icacls_grants_replaces_removes_and_cuts_inheritance()
    {
        var disk = Disk();

        var (grant, grantCode) = await IcaclsAsync(@"icacls C:\App /grant Users:(OI)(CI)M /grant psrp:(RX,W)", disk);
        var (replace, _) = await IcaclsAsync(@"icacls C:\App /grant:r Users:R /Q", disk);
        var (remove, _) = await IcaclsAsync(@"icacls C:\App /remove psrp", disk);
        var (cut, _) = await IcaclsAsync(@"icacls C:\App /inheritance:r", disk);
        var (list, _) = await IcaclsAsync(@"icacls C:\App", disk);

        Assert.That((grant.Stdout, grantCode), Is.EqualTo(("processed file: C:\\App\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n", 0)));
        Assert.That(replace.Stdout, Is.EqualTo("Successfully processed 1 files; Failed processing 0 files\r\n"));
        Assert.That(remove.Stdout, Does.StartWith("processed file: C:\\App\r\n"));
        Assert.That(cut.Stdout, Does.StartWith("processed file: C:\\App\r\n"));
        Assert.That(list.Stdout, Is.EqualTo("C:\\App BUILTIN\\Users:(R)\r\n\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n"));
    }

    [TestCase(@"icacls C:\nope", "C:\\nope: The system cannot find the file specified.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", 2)]
    [TestCase(@"icacls C:\App /grant nobody:F", "nobody: No mapping between account names and security IDs was done.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n", 1332)]
    [TestCase(@"icacls C:\App /grant Users:Q", "Invalid parameter \"Users:Q\"\r\n", 87)]
    [TestCase(@"icacls C:\App /inheritance:x", "Invalid parameter \"/inheritance:x\"\r\n", 87)]
    public async Task What_icacls_cannot_do_is_said_with_its_exit_code(string line, string stdout, int code)
    {
        var disk = Disk();
        var (host, exitCode) = await IcaclsAsync(line, disk);

        Assert.That((host.Stdout, exitCode), Is.EqualTo((stdout, code)));
        Assert.That(disk.SecurityOf(@"C:\App")!.Value.Own, Is.Null, "nothing changed");
    }

    [Test]
    public async Task The_wire_carries_an_acl_to_depth_one_with_its_rules_as_their_text()
    {
        var host = await PowerShellAsync(@"Get-Acl C:\App", Disk());
        var acl = (PsObject)host.Outputs.Single();

        var written = (PsObject)RemotingDepth.Apply(acl, o => o.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames);

        Assert.That(written.TypeNames![0], Is.EqualTo("System.Security.AccessControl.DirectorySecurity"));
        Assert.That(written.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "AccessRightType", "AccessRuleType", "AuditRuleType", "AreAccessRulesProtected", "AreAuditRulesProtected", "AreAccessRulesCanonical", "AreAuditRulesCanonical",
        }));
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "CentralAccessPolicyId", "CentralAccessPolicyName", "Path", "Owner", "Group",
            "Access", "Sddl", "AccessToString", "AuditToString",
        }));
        var access = (PsObject)written["Access"]!;
        Assert.That(access.Items.Select(i => (i as PsPrimitive)?.Value), Is.All.EqualTo("System.Security.AccessControl.FileSystemAccessRule"));
        Assert.That(access.Items, Has.Count.EqualTo(6));
        Assert.That(((PsObject)written["PSDrive"]!)["Provider"], Is.EqualTo(PsPrimitive.String(@"Microsoft.PowerShell.Core\FileSystem")));
    }

    [TestCase(0x1F01FF, "FullControl", "F")]
    [TestCase(0x1301BF, "Modify, Synchronize", "M")]
    [TestCase(0x1200A9, "ReadAndExecute, Synchronize", "RX")]
    [TestCase(0x100001, "ReadData, Synchronize", "S,RD")]
    [TestCase(0x10000000, "268435456", "F")]
    [TestCase(unchecked((int)0xA0000000), "-1610612736", "GR,GE")]
    [TestCase(0x1201BF, "Write, ReadAndExecute, Synchronize", "RX,W")]
    [TestCase(0x116, "Write", "WD,AD,WEA,WA")]
    public void Rights_read_as_dotnet_framework_and_icacls_name_them(int rights, string text, string icacls)
    {
        Assert.That((FileAccessControl.RightsText(rights), FileAccessControl.IcaclsRights(rights)), Is.EqualTo((text, icacls)));
    }

    [Test]
    public async Task An_acl_set_from_sddl_or_imported_from_clixml_is_written_by_Set_Acl()
    {
        var disk = Disk();
        disk.CreateDirectory(@"C:\Other");

        var host = await PowerShellAsync("""
            $acl = Get-Acl C:\App
            $acl.SetSecurityDescriptorSddlForm('O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)')
            Set-Acl C:\App $acl
            (Get-Acl C:\App).AccessToString
            Get-Acl C:\Windows | Export-Clixml C:\acl.xml
            $imported = Import-Clixml C:\acl.xml
            $imported.SetAccessRuleProtection($true, $false)
            Set-Acl -Path C:\Other -AclObject $imported
            (Get-Acl C:\Other).Owner; (Get-Acl C:\Other).Access.Count
            $acl.SetSecurityDescriptorSddlForm('not sddl')
            """, disk);
        var (icacls, _) = await IcaclsAsync(@"icacls C:\App", disk);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "NT AUTHORITY\\SYSTEM Allow  FullControl\nBUILTIN\\Administrators Allow  FullControl\nBUILTIN\\Users Allow  ReadAndExecute, Synchronize",
            @"NT SERVICE\TrustedInstaller", "13",
        }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Exception calling \"SetSecurityDescriptorSddlForm\" with \"1\" argument(s): \"The SDDL form of a security descriptor object is invalid.\r\nParameter name: sddlForm\"",
        }));
        Assert.That(icacls.Stdout, Does.StartWith("C:\\App NT AUTHORITY\\SYSTEM:(OI)(CI)(F)\r\n"));
    }

    [Test]
    public void Windows_own_acls_read_back_from_their_sddl()
    {
        var disk = Disk();
        foreach (var path in new[] { @"C:\", @"C:\Windows", @"C:\ProgramData", @"C:\App" })
        {
            var view = FileAccessControl.View(disk, path, Accounts())!;

            var parsed = FileAccessControl.ParseSddl(FileAccessControl.Sddl(view), out var anyInherited);

            Assert.That(parsed, Is.Not.Null, path);
            Assert.That((parsed!.OwnerSid, parsed.GroupSid, parsed.Protected, anyInherited), Is.EqualTo((view.OwnerSid, view.GroupSid, view.Protected, path == @"C:\App")), path);
            Assert.That(parsed.Entries, Is.EqualTo(view.Entries), path);
        }
    }

    [Test]
    public async Task Icacls_saves_dacls_to_a_file_and_restores_them_below_a_folder()
    {
        var disk = Disk();
        var (before, _) = await IcaclsAsync(@"icacls C:\App /T", disk);

        var (saved, savedCode) = await IcaclsAsync(@"icacls C:\App /save C:\acl.txt /T", disk);
        await IcaclsAsync(@"icacls C:\App /inheritance:r /grant Users:F", disk);
        var (restored, restoredCode) = await IcaclsAsync(@"icacls C:\ /restore C:\acl.txt", disk);
        var (after, _) = await IcaclsAsync(@"icacls C:\App /T", disk);

        Assert.That((saved.Stdout, savedCode), Is.EqualTo(("processed file: C:\\App\r\nprocessed file: C:\\App\\f.txt\r\nSuccessfully processed 2 files; Failed processing 0 files\r\n", 0)));
        disk.Read(@"C:\acl.txt", out var content);
        Assert.That(System.Text.Encoding.Unicode.GetString(content), Does.StartWith("App\r\nD:AI(A;OICIID;FA;;;SY)"));
        Assert.That((restored.Stdout, restoredCode), Is.EqualTo(("processed file: C:\\App\r\nprocessed file: C:\\App\\f.txt\r\nSuccessfully processed 2 files; Failed processing 0 files\r\n", 0)));
        Assert.That(after.Stdout, Is.EqualTo(before.Stdout));
    }

    /// <summary>The idiom for a localized group's name (S-1-5-32-544 to Administrators), and the SID's other forms.</summary>
    [Test]
    public async Task A_SecurityIdentifier_is_made_from_its_text_an_alias_its_bytes_or_a_well_known_type_and_translates()
    {
        var host = await PowerShellAsync("""
            $sid = New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')
            $sid.Translate([System.Security.Principal.NTAccount]).Value
            ([System.Security.Principal.SecurityIdentifier]'SY').Value
            $bytes = New-Object byte[] $sid.BinaryLength
            $sid.GetBinaryForm($bytes, 0)
            $bytes -join ','
            [System.Security.Principal.SecurityIdentifier]::new($bytes, 0).Value
            (New-Object System.Security.Principal.SecurityIdentifier([System.Security.Principal.WellKnownSidType]::BuiltinUsersSid, $null)).Value
            $sid.IsWellKnown([System.Security.Principal.WellKnownSidType]::BuiltinAdministratorsSid)
            New-Object System.Security.Principal.SecurityIdentifier('S-1-x')
            [System.Security.Principal.SecurityIdentifier]::new('AccountAdministratorSid', $null)
            'after'
            """, Disk());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"BUILTIN\Administrators", "S-1-5-18", "1,2,0,0,0,0,0,5,32,0,0,0,32,2,0,0", "S-1-5-32-544", "S-1-5-32-545", "True", "after" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Exception calling \".ctor\" with \"1\" argument(s): \"Value was invalid.\r\nParameter name: sddlForm\"", "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand"),
            ("Exception calling \".ctor\" with \"2\" argument(s): \"The domainSid parameter must be specified for creating well-known SID of type AccountAdministratorSid.\r\nParameter name: domainSid\"", "ArgumentNullException"),
        }));
    }
}
