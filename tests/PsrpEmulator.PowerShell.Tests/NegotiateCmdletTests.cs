using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// The cmdlets' -Authentication Negotiate against an emulator configured like a default Windows WinRM service:
/// Negotiate only and AllowUnencrypted=false, so only NTLM-sealed traffic over HTTP gets in.
/// </summary>
public class NegotiateCmdletTests : HostedEngineTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.Authentication = [WsManAuthScheme.Negotiate];
        options.AllowUnencrypted = false;
    }

    [Test]
    public async Task New_PSSession_with_Authentication_Negotiate_runs_commands_over_sealed_http()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$s = New-PSSession -ComputerName Server01 -Authentication Negotiate; Invoke-Command -Session $s { 'sealed' }; $s | Remove-PSSession");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "sealed" }));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.Action), Has.None.EqualTo("(unencrypted)"));
    }

    [Test]
    public async Task Invoke_Command_with_Authentication_Basic_is_refused_by_a_negotiate_only_server()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 -Authentication Basic { 'never' }");

        Assert.That(Lines(result), Is.Empty);
        Assert.That(result.Errors, Has.Count.EqualTo(1));
        Assert.That(result.Errors[0].ToString(), Does.Contain("Access is denied"));
    }

    [Test]
    public async Task Get_PSSession_ComputerName_with_Authentication_Negotiate_queries_over_sealed_http()
    {
        // A fresh host: the first thing it does is the query (nothing authenticated before it with Negotiate).
        var opener = await NewHostAsync();
        var opened = await RunAsync(opener, "$s = New-PSSession -ComputerName Server01 -Name Sealed -Authentication Negotiate; $s | Disconnect-PSSession | Out-Null");
        Assert.That(opened.Errors, Is.Empty, string.Join("\n", opened.Errors));

        var host = await NewHostAsync();
        var result = await RunAsync(host, "Get-PSSession -ComputerName Server01 -Authentication Negotiate | ForEach-Object { $_.Name + ' ' + $_.State }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Sealed Disconnected" }));
    }

    [Test]
    public async Task Invoke_Command_InDisconnectedSession_with_Authentication_Negotiate_starts_over_sealed_http()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 -Authentication Negotiate -InDisconnectedSession -SessionName Later { 'later' } | ForEach-Object { $_.Name + ' ' + $_.State }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Later Disconnected" }));
    }
}
