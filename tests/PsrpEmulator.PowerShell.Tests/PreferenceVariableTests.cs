namespace PsrpEmulator.PowerShell.Tests;

/// <summary>$PSSessionConfigurationName and $PSSessionApplicationName: the defaults of New-PSSession and Invoke-Command only.</summary>
public class PreferenceVariableTests : HostedEngineTestBase
{
    [Test]
    public async Task PSSessionConfigurationName_is_the_endpoint_New_PSSession_and_Invoke_Command_use_when_none_is_given()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, """
            $PSSessionConfigurationName = 'ITTasks'
            (New-PSSession -ComputerName Server01).ConfigurationName
            Invoke-Command -ComputerName Server01 { 'ran' }
            (New-PSSession -ComputerName Server01 -ConfigurationName Microsoft.PowerShell).ConfigurationName
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "ITTasks", "ran", "Microsoft.PowerShell" }));
        var creates = Emulator.Journal.Snapshot().Where(e => e.Action == "Create").Select(e => e.ResourceUri).ToList();
        Assert.That(creates, Is.EqualTo(new[]
        {
            "http://schemas.microsoft.com/powershell/ITTasks", "http://schemas.microsoft.com/powershell/ITTasks", "http://schemas.microsoft.com/powershell/Microsoft.PowerShell",
        }));
    }

    [Test]
    public async Task PSSessionConfigurationName_does_not_narrow_Get_PSSession_ComputerName()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$null = New-PSSession -ComputerName Server01 -ConfigurationName ITTasks -Name A; $null = New-PSSession -ComputerName Server01 -Name B");

        var result = await RunAsync(host, "$PSSessionConfigurationName = 'ITTasks'; Get-PSSession -ComputerName Server01 | Sort-Object Name | ForEach-Object Name");

        Assert.That(Lines(result), Is.EqualTo(new[] { "A", "B" }), "Get-PSSession reads the variable only for an explicit empty -ConfigurationName");
    }

    [Test]
    public async Task PSSessionApplicationName_is_the_URL_path_for_ComputerName()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$PSSessionApplicationName = 'custom'; New-PSSession -ComputerName Server01");

        Assert.That(result.Errors, Has.Count.EqualTo(1));
        Assert.That(result.Errors[0].Exception.Message, Does.Contain("Server01"));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Create"), Is.Empty, "nothing is served at /custom");
        var fine = await RunAsync(host, "$PSSessionApplicationName = 'wsman'; (New-PSSession -ComputerName Server01).State");
        Assert.That(Lines(fine), Is.EqualTo(new[] { "Opened" }));
    }
}
