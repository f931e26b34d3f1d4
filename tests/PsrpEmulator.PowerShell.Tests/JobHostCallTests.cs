namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// A remote job's host calls (Write-Host's text, $Host.UI, Read-Host, the host's warning lines) wait in the job's
/// results and run on the host of the Receive-Job that reads them, as PowerShell's remoting jobs run their
/// ClientMethodExecutors; a prompt keeps the job Blocked until then.
/// </summary>
public class JobHostCallTests : HostedEngineTestBase
{
    [Test]
    public async Task A_job_s_host_output_shows_when_Receive_Job_reads_it_once_in_order_with_its_output()
    {
        var host = await NewHostAsync();
        var started = await RunAsync(host, "$s = New-PSSession -ComputerName Server01; " +
            "$j = Invoke-Command -Session $s { 'a'; $Host.UI.WriteLine('direct'); Write-Host 'hosted'; Write-Warning 'careful'; 'b' } -AsJob; $null = Wait-Job $j");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));
        Assert.That(started.HostText, Is.Empty, "nothing shows before Receive-Job");

        var received = await RunAsync(host, "Receive-Job $j -WarningVariable w -InformationVariable i | Out-Host; \"warnings: $($w.Count)\"; \"information: $($i.Count) $($i[0].Tags -join ',')\"");

        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(received.HostText, Is.EqualTo("a\ndirect\nhosted\nWARNING: careful\nb\nwarnings: 1\ninformation: 1 PSHOST,FORWARDED\n"));
        var again = await RunAsync(host, "Receive-Job $j; $j.HasMoreData");
        Assert.That(again.HostText, Is.EqualTo("False\n"), "Receive-Job took the host calls with the rest");
    }

    [Test]
    public async Task A_job_waiting_for_Read_Host_is_Blocked_until_Receive_Job_asks_the_host()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; $j = Invoke-Command -Session $s { 'first'; Read-Host 'Your name'; 'last' } -AsJob");
        await WaitForStateAsync(host, "Blocked");
        Assert.That(Lines(await RunAsync(host, "$j.ChildJobs[0].State")), Is.EqualTo(new[] { "Blocked" }));

        host.Host.Type("Ada");
        var received = await RunAsync(host, "Receive-Job $j -Wait | Out-Host; $j.State");

        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(received.HostText, Is.EqualTo("first\nYour name: Ada\nAda\nlast\nCompleted\n"));
    }

    [Test]
    public async Task Stop_Job_stops_a_job_that_waits_for_its_prompt()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; $j = Invoke-Command -Session $s { Read-Host 'Never answered'; 'after' } -AsJob");
        await WaitForStateAsync(host, "Blocked");

        var stopped = await RunAsync(host, "Stop-Job $j; $j.State; Invoke-Command -Session $s { 'session still works' }");

        Assert.That(stopped.Errors, Is.Empty, string.Join("\n", stopped.Errors));
        Assert.That(Lines(stopped), Is.EqualTo(new[] { "Stopped", "session still works" }));
    }

    [Test]
    public async Task Receive_PSSession_of_a_disconnected_job_runs_the_prompt_it_reaches_on_its_own_host()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; " +
            "$j = Invoke-Command -Session $s { 'first'; Start-Sleep -Seconds 5; $n = Read-Host 'Server to patch'; \"patching $n\" } -AsJob; $null = $s | Disconnect-PSSession");
        Assert.That(Lines(await RunAsync(host, "$j.State")), Is.EqualTo(new[] { "Disconnected" }));

        host.Host.Type("Server02");
        var received = await RunAsync(host, "Receive-PSSession -Session $s -OutTarget Host | Out-Host; $j.State");

        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(received.HostText, Is.EqualTo("first\nServer to patch: Server02\npatching Server02\nCompleted\n"));
    }

    [Test]
    public async Task A_prompt_a_job_waited_on_when_its_session_disconnected_is_answered_after_Receive_PSSession_reconnects_it()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; $j = Invoke-Command -Session $s { $n = Read-Host 'Asked before'; \"got $n\" } -AsJob");
        await WaitForStateAsync(host, "Blocked");

        var disconnected = await RunAsync(host, "$s | Disconnect-PSSession | ForEach-Object State; $j.State");
        Assert.That(disconnected.Errors, Is.Empty, string.Join("\n", disconnected.Errors));
        Assert.That(Lines(disconnected), Is.EqualTo(new[] { "Disconnected", "Disconnected" }));

        host.Host.Type("Ada");
        var received = await RunAsync(host, "Receive-PSSession -Session $s -OutTarget Host | Out-Host; $j.State");

        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(received.HostText, Is.EqualTo("Asked before: Ada\ngot Ada\nCompleted\n"));
    }

    [Test]
    public async Task A_prompt_answered_while_the_job_is_disconnected_reaches_the_command_once_the_job_reconnects()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; $j = Invoke-Command -Session $s { $n = Read-Host 'Asked'; \"got $n\" } -AsJob");
        await WaitForStateAsync(host, "Blocked");
        await RunAsync(host, "$null = $s | Disconnect-PSSession");

        host.Host.Type("Ada");
        var answered = await RunAsync(host, "Receive-Job $j; $j.State");
        Assert.That(answered.HostText, Is.EqualTo("Asked: Ada\nDisconnected\n"));

        var resumed = await RunAsync(host, "$null = Receive-PSSession -Session $s; $null = Wait-Job $j; Receive-Job $j; $j.State");
        Assert.That(resumed.Errors, Is.Empty, string.Join("\n", resumed.Errors));
        Assert.That(Lines(resumed), Is.EqualTo(new[] { "got Ada", "Completed" }));
    }

    private async Task WaitForStateAsync(PsrpEmulator.PowerShell.Hosting.ClientHost host, string state)
    {
        for (var i = 0; i < 200; i++)
        {
            if (Lines(await RunAsync(host, "$j.State")).SequenceEqual([state])) return;
        }

        Assert.Fail($"The job never became {state}: {string.Join(",", Lines(await RunAsync(host, "$j.State")))}");
    }
}
