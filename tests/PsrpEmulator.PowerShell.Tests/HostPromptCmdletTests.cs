namespace PsrpEmulator.PowerShell.Tests;

/// <summary>Read-Host on the endpoint prompts on the local PowerShell host of the cmdlet that receives the command's results.</summary>
public class HostPromptCmdletTests : HostedEngineTestBase
{
    [Test]
    public async Task Read_Host_in_Invoke_Command_prompts_on_the_local_host_in_order_with_the_output()
    {
        var host = await NewHostAsync();
        host.Host.Type("Ada", "fine");
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { 'first'; $n = Read-Host 'Your name'; \"Hello $n\"; Read-Host }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "first", "Hello Ada", "fine" }));
        Assert.That(result.HostText, Does.Contain("Your name: Ada\n").And.Contain("fine\n"));
    }

    [Test]
    public async Task A_prompt_of_a_disconnected_command_is_answered_by_the_host_that_receives_it()
    {
        var first = await NewHostAsync("first");
        var started = await RunAsync(first, "Invoke-Command -ComputerName Server01 -InDisconnectedSession -SessionName Asking { 'started'; Read-Host 'Server to patch' } | Out-Null");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));

        var second = await NewHostAsync("second");
        second.Host.Type("Server02");
        var received = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Asking");

        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(Lines(received), Is.EqualTo(new[] { "started", "Server02" }));
        Assert.That(received.HostText, Does.Contain("Server to patch: Server02"));
    }

    [Test]
    public async Task A_host_that_cannot_prompt_fails_Read_Host_on_the_endpoint_with_the_host_s_message()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { try { Read-Host 'x' } catch { \"caught: $($_.Exception.Message)\" } }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "caught: The hosted engine does not answer prompts." }));
    }

    [Test]
    public async Task Get_Credential_on_the_endpoint_prompts_the_local_host_and_its_password_comes_back_a_SecureString()
    {
        var host = await NewHostAsync(credentialPrompt: (user, _) => new System.Management.Automation.PSCredential(user ?? "nobody",
            new System.Net.NetworkCredential(string.Empty, "P@ssw0rd-01").SecurePassword));
        var result = await RunAsync(host, "$s = New-PSSession -ComputerName Server01; " +
            "$c = Invoke-Command -Session $s { $c = Get-Credential 'Domain01\\Admin01'; $c.Password.GetType().Name; $c }; " +
            "$c[0]; $c[1].UserName; $c[1].Password.GetType().Name; [System.Net.NetworkCredential]::new('', $c[1].Password).Password");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "SecureString", "Domain01\\Admin01", "SecureString", "P@ssw0rd-01" }));
    }

    [Test]
    public async Task WhatIf_on_the_endpoint_shows_its_What_if_line_on_the_local_host()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name) " +
            "if ($PSCmdlet.ShouldProcess($Name)) { 'removed' } }; 'before'; Remove-Thing db01 -WhatIf; 'after' }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "before", "after" }));
        Assert.That(result.HostText, Does.Contain("What if: Performing the operation \"Remove-Thing\" on target \"db01\".\n"));
    }

    [Test]
    public async Task Confirm_on_the_endpoint_asks_the_local_host_s_PromptForChoice()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name) " +
            "if ($PSCmdlet.ShouldProcess($Name)) { \"removed $Name\" } }; Remove-Thing db01 -Confirm }");

        // The hosted engine's PromptForChoice shows the caption and message and takes the default choice (Yes).
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "removed db01" }));
        Assert.That(result.HostText, Does.Contain("Confirm\nAre you sure you want to perform this action?\r\nPerforming the operation \"Remove-Thing\" on target \"db01\"."));
    }

    [Test]
    public async Task A_missing_mandatory_parameter_on_the_endpoint_is_asked_on_the_local_host()
    {
        var host = await NewHostAsync();
        host.Host.Type("Ada");
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { function Greet { param([Parameter(Mandatory)][string]$Name) \"Hello $Name\" }; Greet }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Hello Ada" }));
        Assert.That(result.HostText, Does.Contain("Name: Ada"));
    }
}
