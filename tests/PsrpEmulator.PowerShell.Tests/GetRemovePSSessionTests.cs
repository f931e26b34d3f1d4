using PsrpEmulator.PowerShell.Hosting;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// Get-PSSession's match errors on a server query (PowerShell's QueryRunspaces.GetDisconnectedSessions) and
/// Remove-PSSession's connect-before-remove (PowerShell's RemovePSSessionCommand).
/// </summary>
public class GetRemovePSSessionTests : HostedEngineTestBase
{
    private const string Get = ",Microsoft.PowerShell.Commands.GetPSSessionCommand";
    private const string Remove = ",Microsoft.PowerShell.Commands.RemovePSSessionCommand";

    private static string[] ErrorIds(ScriptResult result) => [.. result.Errors.Select(e => e.FullyQualifiedErrorId)];

    private string[] ActionsSince(int count) => [.. Emulator.Journal.Snapshot().Skip(count).Select(e => e.Action)];

    private async Task<ClientHost> HostWithOpenSessionAsync(string name)
    {
        var host = await NewHostAsync("owner");
        var opened = await RunAsync(host, $"$s = New-PSSession -ComputerName Server01 -Name {name}");
        Assert.That(opened.Errors, Is.Empty, string.Join("\n", opened.Errors));
        return host;
    }

    [Test]
    public async Task Get_PSSession_ComputerName_writes_PSSessionNameMatchFail_for_each_name_no_queried_session_matches()
    {
        await HostWithOpenSessionAsync("Real");
        var other = await NewHostAsync("other");

        var result = await RunAsync(other, "Get-PSSession -ComputerName Server01 -Name Real, Nope, No* | ForEach-Object Name");

        Assert.That(Lines(result), Is.EqualTo(new[] { "Real" }));
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "PSSessionNameMatchFail" + Get, "PSSessionNameMatchFail" + Get }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo("The command cannot find a PSSession that has the name \"Nope\"."));
        Assert.That(result.Errors[0].CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.InvalidOperation));
        Assert.That(result.Errors[0].TargetObject, Is.EqualTo("Nope"));
        Assert.That(result.Errors[1].Exception.Message, Does.Contain("\"No*\""), "wildcards are not exempt on a query");
    }

    [Test]
    public async Task Get_PSSession_ComputerName_writes_PSSessionIdMatchFail_for_an_InstanceId_no_queried_session_has()
    {
        var owner = await HostWithOpenSessionAsync("Real");
        var id = Lines(await RunAsync(owner, "$s.InstanceId"))[0];
        var missing = Guid.NewGuid();
        var other = await NewHostAsync("other");

        var result = await RunAsync(other, $"Get-PSSession -ComputerName Server01 -InstanceId {id}, {missing} | ForEach-Object Name");

        Assert.That(Lines(result), Is.EqualTo(new[] { "Real" }));
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "PSSessionIdMatchFail" + Get }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo($"The command cannot find a PSSession with an InstanceId value of \"{missing}\"."));
        Assert.That(result.Errors[0].TargetObject, Is.EqualTo(missing));
    }

    [Test]
    public async Task Get_PSSession_ComputerName_writes_no_match_error_when_the_query_found_no_session_at_all()
    {
        await HostWithOpenSessionAsync("Real");
        var other = await NewHostAsync("other");

        // Server02 has no session; on Server01 the -State filter leaves none (another client's session is Disconnected here).
        var result = await RunAsync(other, "Get-PSSession -ComputerName Server02 -Name Nope; Get-PSSession -ComputerName Server01 -Name Real -State Opened");

        Assert.That(result.Output, Is.Empty);
        Assert.That(result.Errors, Is.Empty);
    }

    [Test]
    public async Task Get_PSSession_matches_names_against_the_sessions_of_all_queried_computers_together()
    {
        await HostWithOpenSessionAsync("OnlyOn01");
        var other = await NewHostAsync("other");

        var result = await RunAsync(other, "Get-PSSession -ComputerName Server02, Server01 -Name OnlyOn01 | ForEach-Object ComputerName");

        Assert.That(result.Errors, Is.Empty, "Server02 has no OnlyOn01, but the name matched one of the queried sessions");
        Assert.That(Lines(result), Is.EqualTo(new[] { "Server01" }));
    }

    [Test]
    public async Task Get_PSSession_with_a_CertificateThumbprint_not_in_the_store_fails_as_a_query_and_with_a_Credential_is_a_binding_error()
    {
        var host = await NewHostAsync();
        const string thumbprint = "0123456789ABCDEF0123456789ABCDEF01234567";

        var alone = await RunAsync(host, $"Get-PSSession -ComputerName Server01 -CertificateThumbprint {thumbprint}");
        Assert.That(ErrorIds(alone), Is.EqualTo(new[] { "CannotConnect,RemotePSSessionQueryFailed" + Get }));
        Assert.That(alone.Errors[0].Exception.Message, Does.StartWith("The remote session query failed for Server01 with the following error message: The WinRM client cannot process the request."));
        Assert.That(alone.Errors[0].Exception.Message, Does.Contain(thumbprint));

        var both = await RunAsync(host, $"Get-PSSession -ComputerName Server01 -Credential ([pscredential]::new('psrp', (ConvertTo-SecureString 'psrp' -AsPlainText -Force))) -CertificateThumbprint {thumbprint}");
        Assert.That(ErrorIds(both), Is.EqualTo(new[] { "ParameterBindingFailed" + Get }));
        Assert.That(Emulator.Journal.Snapshot(), Is.Empty);
    }

    [Test]
    public async Task Remove_PSSession_of_a_session_seen_in_a_query_connects_it_then_deletes_it_on_the_server()
    {
        var first = await NewHostAsync("first");
        await RunAsync(first, $"$null = Invoke-Command -ComputerName Server01 -InDisconnectedSession -SessionName Gone {{ {FiveSlowLines} }}");
        var second = await NewHostAsync("second");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(second, "Get-PSSession -ComputerName Server01 -Name Gone | Remove-PSSession");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        var actions = ActionsSince(before).Where(a => a is not ("Enumerate" or "Pull" or "Receive")).ToList();
        Assert.That(actions, Is.EqualTo(new[] { "Connect", "Delete" }));
        Assert.That(Lines(await RunAsync(await NewHostAsync("third"), "@(Get-PSSession -ComputerName Server01).Count")), Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public async Task Remove_PSSession_of_a_session_another_client_holds_writes_RemoveSessionCannotConnectToServer_and_leaves_it_on_the_server()
    {
        var owner = await HostWithOpenSessionAsync("Held");
        var other = await NewHostAsync("other");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(other, "Get-PSSession -ComputerName Server01 -Name Held | Remove-PSSession");

        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "RemoveSessionCannotConnectToServer" + Remove }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo(
            "Remote session Held could not be connected and could not be removed from the server. The client remote session object will be removed from the server, " +
            "but the state of the remote session on the server is unknown."));
        Assert.That(ActionsSince(before), Does.Not.Contain("Delete").And.Not.Contain("Connect"));
        Assert.That(Lines(await RunAsync(owner, "Invoke-Command -Session $s { 'still here' }")), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    public async Task Remove_PSSession_of_a_session_this_client_disconnected_reconnects_then_deletes_it()
    {
        var host = await HostWithOpenSessionAsync("Mine");
        await RunAsync(host, "$null = $s | Disconnect-PSSession");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Remove-PSSession $s; @(Get-PSSession).Count");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "0" }));
        Assert.That(ActionsSince(before).Where(a => a is "Reconnect" or "Connect" or "Delete"), Is.EqualTo(new[] { "Reconnect", "Delete" }));
    }

    [Test]
    public async Task Remove_PSSession_WhatIf_names_the_computer_and_sends_nothing()
    {
        var host = await HostWithOpenSessionAsync("Kept");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Remove-PSSession $s -WhatIf; $s.State");

        Assert.That(result.HostText, Does.Contain("What if: Performing the operation \"Remove\" on target \"Server01\"."));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Opened" }));
        Assert.That(ActionsSince(before), Is.Empty);
    }
}
