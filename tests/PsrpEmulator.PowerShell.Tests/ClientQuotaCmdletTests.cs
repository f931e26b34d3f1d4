namespace PsrpEmulator.PowerShell.Tests;

/// <summary>A PSSessionOption's MaximumReceivedDataSizePerCommand and MaximumReceivedObjectSize (bytes) reach the client.</summary>
public class ClientQuotaCmdletTests : HostedEngineTestBase
{
    [Test]
    public async Task Output_past_MaximumReceivedDataSizePerCommand_fails_the_command_with_JobFailure()
    {
        var host = await NewHostAsync();
        var opened = await RunAsync(host, "$o = New-PSSessionOption; $o.MaximumReceivedDataSizePerCommand = 1MB; $o.OperationTimeout = [TimeSpan]::FromSeconds(20); $s = New-PSSession -ComputerName Server01 -SessionOption $o");
        Assert.That(opened.Errors, Is.Empty, string.Join("\n", opened.Errors));

        var result = await RunAsync(host, "Invoke-Command -Session $s { 1..20000 } | Measure-Object | ForEach-Object Count");

        var error = result.Errors.Single();
        Assert.That(error.FullyQualifiedErrorId, Does.StartWith("JobFailure"));
        Assert.That(error.Exception.Message, Is.EqualTo("The total data received from the remote server exceeded the allowed maximum. The allowed maximum is 1048576."));
        Assert.That((int)result.Output.Single().BaseObject, Is.InRange(1, 19_999), "the output before the response that passed it");

        var after = await RunAsync(host, "(Invoke-Command -Session $s { 1..3 }).Count; (New-PSSessionOption).MaximumReceivedObjectSize");
        Assert.That(Lines(after), Is.EqualTo(new[] { "3", (200 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) }), "the session goes on; PowerShell's default object size");
    }
}
