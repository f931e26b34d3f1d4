using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>Invoke-Command with piped input past the endpoint's MaximumReceivedDataSizePerCommandMB.</summary>
public class CommandDataQuotaCmdletTests : HostedEngineTestBase
{
    protected override void Configure(EmulatorOptions options) => options.MaximumReceivedDataSizePerCommandMB = 1;

    [Test]
    public async Task Input_past_the_maximum_fails_the_command_with_PowerShells_JobFailure_error_and_the_session_stays_open()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var result = await RunAsync(host, "1..5 | ForEach-Object { 'x' * 300000 } | Invoke-Command -Session $s { $input | ForEach-Object { $_.Length } }");

        var error = result.Errors.Single();
        // As PowerShell writes a job's errors: without the cmdlet's name after the id.
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("JobFailure"));
        Assert.That(error, Is.InstanceOf<System.Management.Automation.Runspaces.RemotingErrorRecord>());
        Assert.That(((System.Management.Automation.Runspaces.RemotingErrorRecord)error).OriginInfo.PSComputerName, Is.EqualTo("Server01"));
        Assert.That(error.CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.OperationStopped));
        Assert.That(error.Exception, Is.InstanceOf<System.Management.Automation.Remoting.PSRemotingTransportException>());
        Assert.That(error.Exception.Message, Is.EqualTo("Sending data to a remote command failed with the following error message: The total data received from the remote client " +
            "exceeded allowed maximum. Allowed maximum is 1048576. For more information, see the about_Remote_Troubleshooting Help topic."));
        // Output of the input taken, as far as a Receive had collected it before the command closed (what was still
        // buffered is lost, as on Windows); nothing for the input that was dropped.
        Assert.That(Lines(result), Has.Length.LessThanOrEqualTo(3).And.All.EqualTo("300000"));

        var after = await RunAsync(host, "Invoke-Command -Session $s { 'still here' }; $s.State");
        Assert.That(Lines(after), Is.EqualTo(new[] { "still here", "Opened" }));
    }
}
