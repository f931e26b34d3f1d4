using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>SMB shares: the SmbShare module's cmdlets and net share over one computer's shares.</summary>
public class SmbShareTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static VirtualFileSystem Disk()
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero)), 1 << 20);
        disk.CreateDirectory(@"C:\Data");
        return disk;
    }

    private static async Task<RecordingHost> PowerShellAsync(string script, SmbShares shares, Func<PipelineHostCall, PipelineHostResponse>? ui = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = Disk(), SmbShares = shares, LocalAccounts = new LocalAccounts("TESTHOST01", ["psrp"]), HostUI = ui };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    private static async Task<(string Stdout, string Stderr, int ExitCode)> NetAsync(string line, SmbShares shares)
    {
        var host = new FakeCommandLineHost { FileSystem = Disk(), SmbShares = shares, LocalAccounts = new LocalAccounts("TESTHOST01", ["psrp"]), Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host.Stdout, host.Stderr, code);
    }

    /// <summary>Get-SmbShare lists the shares by name (ADMIN$, C$, IPC$), as real servers' output shows.</summary>
    [Test]
    public async Task A_fresh_computer_has_its_administrative_shares()
    {
        var host = await PowerShellAsync("Get-SmbShare | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Name, $_.Path, $_.Description, $_.Special }; (Get-SmbShare C$).SecurityDescriptor", new SmbShares());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"ADMIN$|C:\Windows|Remote Admin|True", @"C$|C:\|Default share|True", "IPC$||Remote IPC|True", "O:SYG:SYD:(A;;FA;;;BA)(A;;FA;;;BO)(A;;FA;;;IU)",
        }));
    }

    [Test]
    public async Task A_new_share_keeps_its_permissions_and_one_without_any_lets_everyone_read()
    {
        var shares = new SmbShares();

        var host = await PowerShellAsync("""
            New-SmbShare -Name Data -Path C:\Data -FullAccess Administrators -ReadAccess Users, psrp -Description 'Team data' | ForEach-Object { "$($_.Name) $($_.Path) $($_.Description)" }
            Get-SmbShareAccess -Name Data | ForEach-Object { "$($_.AccountName) $($_.AccessControlType) $($_.AccessRight)" }
            New-SmbShare Open C:\Data | Out-Null
            (Get-SmbShareAccess Open).AccountName
            """, shares);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"Data C:\Data Team data", @"BUILTIN\Administrators Allow Full", @"BUILTIN\Users Allow Read", @"TESTHOST01\psrp Allow Read", "Everyone",
        }));
    }

    [Test]
    public async Task What_the_provider_refuses_is_its_windows_system_error_and_a_missing_name_the_cmdletizations()
    {
        var shares = new SmbShares();

        var host = await PowerShellAsync("""
            New-SmbShare Data C:\Data | Out-Null
            New-SmbShare Data C:\Data
            New-SmbShare Other C:\Nope
            New-SmbShare Third C:\Data -FullAccess nobody
            New-SmbShare 'a/b' C:\Data
            New-SmbShare '' C:\Data
            Get-SmbShare Nope
            Get-SmbShare No*
            'next'
            """, shares);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("Windows System Error 2118,New-SmbShare", "The name has already been shared."),
            ("Windows System Error 2,New-SmbShare", "The system cannot find the file specified."),
            ("Windows System Error 1332,New-SmbShare", "No mapping between account names and security IDs was done."),
            ("Windows System Error 123,New-SmbShare", "The filename, directory name, or volume label syntax is incorrect."),
            ("ParameterArgumentValidationError,New-SmbShare", "Cannot validate argument on parameter 'Name'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again."),
            ("CmdletizationQuery_NotFound_Name,Get-SmbShare", "No MSFT_SmbShare objects found with property 'Name' equal to 'Nope'.  Verify the value of the property and retry."),
        }));
        Assert.That(shares.List().Select(s => s.Name), Is.EqualTo(new[] { "C$", "IPC$", "ADMIN$", "Data" }));
    }

    [Test]
    public async Task Share_permissions_are_granted_replaced_blocked_and_revoked_by_account()
    {
        var shares = new SmbShares();

        var host = await PowerShellAsync("""
            New-SmbShare Data C:\Data -ReadAccess Users | Out-Null
            Grant-SmbShareAccess -Name Data -AccountName Users -AccessRight Change -Force | Out-Null
            Block-SmbShareAccess -Name Data -AccountName Guests -Force | Out-Null
            Grant-SmbShareAccess Data -AccountName Administrators -AccessRight Full -Force | ForEach-Object { "$($_.AccountName) $($_.AccessControlType) $($_.AccessRight)" }
            Revoke-SmbShareAccess Data -AccountName Users -Force | Out-Null
            (Get-SmbShare Data).SecurityDescriptor
            """, shares);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"BUILTIN\Guests Deny Full", @"BUILTIN\Users Allow Change", @"BUILTIN\Administrators Allow Full",
            "O:BAG:BAD:(D;;FA;;;BG)(A;;FA;;;BA)",
        }));
    }

    [TestCase("Remove-SmbShare -Name Data", new[] { 2 }, 1, true)]
    [TestCase("Remove-SmbShare -Name Data", new[] { 0 }, 1, false)]
    [TestCase("Remove-SmbShare -Name Data -Force", new int[0], 0, false)]
    [TestCase("Remove-SmbShare -Name Data -Confirm:$false", new int[0], 0, false)]
    [TestCase("Get-SmbShare Data | Remove-SmbShare -Force", new int[0], 0, false)]
    public async Task Removing_a_share_asks_the_host_in_the_providers_words_unless_forced(string statement, int[] answers, int prompts, bool kept)
    {
        var shares = new SmbShares();
        var next = 0;

        var host = await PowerShellAsync("New-SmbShare Data C:\\Data | Out-Null; " + statement, shares,
            call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(answers[next++]) : null));

        Assert.That(host.Errors, Is.Empty);
        var asked = host.HostCalls.Where(c => c.MethodId == RemoteHostMethodId.PromptForChoice).ToList();
        Assert.That(asked, Has.Count.EqualTo(prompts));
        if (prompts > 0) Assert.That(asked[0].Parameters[1].ToDisplayString(), Is.EqualTo("Are you sure you want to perform this action?\r\nPerforming operation 'Remove-Share' on Target '*,Data'."));
        Assert.That(shares.Find("Data") is not null, Is.EqualTo(kept));
    }

    [Test]
    public async Task Net_share_lists_makes_shows_and_deletes_the_shares_the_cmdlets_see()
    {
        var shares = new SmbShares();

        var made = await NetAsync(@"net share Data=C:\Data /GRANT:Users,CHANGE /REMARK:""Team data""", shares);
        var list = await NetAsync("net share", shares);
        var shown = await NetAsync("net share Data", shares);
        var host = await PowerShellAsync("Get-SmbShareAccess Data | ForEach-Object { \"$($_.AccountName) $($_.AccessRight)\" }; (Get-SmbShare Data).Description", shares);
        var deleted = await NetAsync("net share Data /delete", shares);
        var again = await NetAsync("net share Data /delete", shares);

        Assert.That(made, Is.EqualTo(("Data was shared successfully.\r\n\r\n", "", 0)));
        Assert.That(list.Stdout, Is.EqualTo(
            "\r\nShare name   Resource                        Remark\r\n\r\n" +
            "-------------------------------------------------------------------------------\r\n" +
            "C$           C:\\                             Default share\r\n" +
            "IPC$                                         Remote IPC\r\n" +
            "ADMIN$       C:\\Windows                      Remote Admin\r\n" +
            "Data         C:\\Data                         Team data\r\n" +
            "The command completed successfully.\r\n\r\n"));
        Assert.That(shown.Stdout, Does.Contain("Permission        BUILTIN\\Users, CHANGE\r\n"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"BUILTIN\Users Change", "Team data" }));
        Assert.That(deleted, Is.EqualTo(("Data was deleted successfully.\r\n\r\n", "", 0)));
        Assert.That(again, Is.EqualTo(("", "This shared resource does not exist.\r\n\r\nMore help is available by typing NET HELPMSG 2310.\r\n\r\n", 2)));
    }

    [TestCase(@"net share Data=C:\Nope", "System error 2116 has occurred.\r\n\r\nThe device or directory does not exist.\r\n\r\n", 2)]
    [TestCase(@"net share a:b=C:\Data", "System error 123 has occurred.\r\n\r\nThe filename, directory name, or volume label syntax is incorrect.\r\n\r\n", 2)]
    [TestCase(@"net share C$=C:\Data", "System error 2118 has occurred.\r\n\r\nThe name has already been shared.\r\n\r\n", 2)]
    [TestCase(@"net share Data=C:\Data /GRANT:nobody,FULL", "System error 1332 has occurred.\r\n\r\nNo mapping between account names and security IDs was done.\r\n\r\n", 2)]
    public async Task What_net_share_cannot_do_is_its_system_error(string line, string stderr, int code)
    {
        var shares = new SmbShares();

        var result = await NetAsync(line, shares);

        Assert.That(result, Is.EqualTo(("", stderr, code)));
        Assert.That(shares.List(), Has.Count.EqualTo(3));
    }
}
