namespace PsrpEmulator.PowerShell.Tests;

public class RemotingCmdletTests : HostedEngineTestBase
{
    /// <summary>Get-Help -Online opens PowerShell's own pages: the cmdlets carry PowerShell 7.6's HelpUri links.</summary>
    [Test]
    public async Task The_cmdlets_link_to_PowerShell_s_own_help_pages()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "'New-PSSession', 'Get-PSSession', 'Connect-PSSession', 'Disconnect-PSSession', 'Receive-PSSession', 'Remove-PSSession', 'Invoke-Command' | " +
            "ForEach-Object { $c = Get-Command $_; '{0} {1}' -f $c.Name, $c.HelpUri }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[]
        {
            "New-PSSession https://go.microsoft.com/fwlink/?LinkID=2096484",
            "Get-PSSession https://go.microsoft.com/fwlink/?LinkID=2096697",
            "Connect-PSSession https://go.microsoft.com/fwlink/?LinkID=2096694",
            "Disconnect-PSSession https://go.microsoft.com/fwlink/?LinkID=2096576",
            "Receive-PSSession https://go.microsoft.com/fwlink/?LinkID=2096800",
            "Remove-PSSession https://go.microsoft.com/fwlink/?LinkID=2096963",
            "Invoke-Command https://go.microsoft.com/fwlink/?LinkID=2096789",
        }));
    }

    [Test]
    public async Task New_PSSession_Invoke_Command_and_Remove_PSSession_run_a_command_on_a_named_computer()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$s = New-PSSession -ComputerName Server01 -Name T1; Invoke-Command -Session $s { 'hello' }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "hello" }));
        var hello = result.Output[0];
        Assert.That(hello.Properties["PSComputerName"].Value, Is.EqualTo("Server01"));
        Assert.That(hello.Properties["PSShowComputerName"].Value, Is.EqualTo(true));
        Assert.That(hello.Properties["RunspaceId"].Value?.ToString(), Is.EqualTo((await RunAsync(host, "$s.InstanceId")).Output[0].ToString()));
        Assert.That(Emulator.Journal.Snapshot().First(e => e.Action == "Create").Computer, Is.EqualTo("Server01"));

        var removed = await RunAsync(host, "Remove-PSSession $s; @(Get-PSSession).Count; $s.State");
        Assert.That(Lines(removed), Is.EqualTo(new[] { "0", "Closed" }));
    }

    /// <summary>
    /// PowerShell shows a remote error as the remote computer reported it: "+ CategoryInfo : ObjectNotFound:
    /// (Get-Nothing:String) [], CommandNotFoundException" and "+ FullyQualifiedErrorId : CommandNotFoundException",
    /// not stamped with Invoke-Command's invocation.
    /// </summary>
    [TestCase("Invoke-Command -ComputerName Server01 { Get-Nothing }")]
    [TestCase("$s = New-PSSession -ComputerName Server01; Invoke-Command -Session $s { Get-Nothing }")]
    [TestCase("$j = Invoke-Command -ComputerName Server01 { Get-Nothing } -AsJob; $j | Wait-Job | Receive-Job")]
    [TestCase("$s = Invoke-Command -ComputerName Server01 { Get-Nothing } -InDisconnectedSession; Receive-PSSession -Session $s")]
    public async Task A_remote_error_keeps_its_own_error_id_and_category_text(string script)
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, script);

        var error = result.Errors.Single();
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
        Assert.That(error.CategoryInfo.ToString(), Is.EqualTo("ObjectNotFound: (Get-Nothing:String) [], CommandNotFoundException"));
        Assert.That(error.InvocationInfo, Is.Null);
        Assert.That(error.ScriptStackTrace, Is.EqualTo("at <ScriptBlock>, <No file>: line 1"), "the remote script's stack trace, as the server sent it");
        Assert.That(((System.Management.Automation.Runspaces.RemotingErrorRecord)error).OriginInfo.PSComputerName, Is.EqualTo("Server01"));
        Assert.That(error.Exception, Is.InstanceOf<System.Management.Automation.RemoteException>());
    }

    /// <summary>
    /// Write-Host on the remote computer shows on this host (without a new line when asked) and is not output: the
    /// server calls this host (Write2, WriteLine3), and the PSHOST information record, whose MessageData is a live
    /// HostInformationMessage with the colours, is tagged FORWARDED so that it is not shown twice, as PowerShell's
    /// PSRemotingChildJob tags it.
    /// </summary>
    [TestCase("Invoke-Command -ComputerName Server01 { Write-Host 'a' -NoNewline -ForegroundColor Green } -InformationVariable iv; Invoke-Command -ComputerName Server01 { Write-Host b }")]
    [TestCase("$s = Invoke-Command -ComputerName Server01 { Write-Host 'a' -NoNewline -ForegroundColor Green } -InDisconnectedSession; Receive-PSSession -Session $s -InformationVariable iv; Invoke-Command -Session $s { Write-Host b }")]
    public async Task Remote_Write_Host_shows_on_the_host_and_is_not_output(string script)
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, script);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(result.Output, Is.Empty);
        Assert.That(result.HostText, Does.Contain("ab\n"));
        var data = await RunAsync(host, "$m = $iv[0].MessageData; $m.GetType().FullName; $m.Message; $m.NoNewLine; $m.ForegroundColor; $m.BackgroundColor; $iv[0].Tags -join ','; $iv[0].Source; $iv[0].Computer; $iv[0].User");
        // The background is the client host's (this test host's Black): New-PSSession sent its RawUI in the HostInfo,
        // as PowerShell does. The remote record's origin: the virtual computer and the session's logon.
        Assert.That(Lines(data), Is.EqualTo(new[] { "System.Management.Automation.HostInformationMessage", "a", "True", "Green", "Black", "PSHOST,FORWARDED", "Write-Host", "SERVER01", "SERVER01\\psrp" }));
        Assert.That(result.HostText.Split("ab").Length, Is.EqualTo(2), "shown once");
    }

    /// <summary>
    /// A remote warning, verbose or debug message shows once, through the host call the server makes for it; the
    /// record only fills -WarningVariable: a redirection does not take it, as in PowerShell (PSStreamObject's
    /// WarningRecord; PowerShell issues 13562 and 3354).
    /// </summary>
    [TestCase("Invoke-Command -ComputerName Server01 { Write-Warning 'w1'; Write-Verbose 'v1' -Verbose; $DebugPreference = 'Continue'; Write-Debug 'd1'; 'out' } -WarningVariable wv *>&1")]
    [TestCase("$s = Invoke-Command -ComputerName Server01 { Write-Warning 'w1'; Write-Verbose 'v1' -Verbose; $DebugPreference = 'Continue'; Write-Debug 'd1'; 'out' } -InDisconnectedSession; Receive-PSSession -Session $s -WarningVariable wv *>&1")]
    public async Task Remote_warning_verbose_and_debug_messages_show_once_through_host_calls_and_are_not_redirected(string script)
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, script);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "out" }));
        foreach (var shown in new[] { "WARNING: w1\n", "VERBOSE: v1\n", "DEBUG: d1\n" })
        {
            Assert.That(result.HostText.Split(shown).Length, Is.EqualTo(2), $"'{shown.TrimEnd()}' shown once in: {result.HostText}");
        }

        Assert.That(Lines(await RunAsync(host, "$wv.Count; $wv[0].Message")), Is.EqualTo(new[] { "1", "w1" }));
    }

    /// <summary>
    /// A remote script's $Host.UI.RawUI settings are made on this host, as PowerShell's client runs the server's void
    /// host calls (SetWindowTitle, SetForegroundColor, SetBufferSize...) on its own host's raw UI.
    /// </summary>
    [Test]
    public async Task A_remote_script_s_RawUI_settings_are_made_on_this_host()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, """
            Invoke-Command -ComputerName Server01 {
                $r = $host.UI.RawUI; $r.WindowTitle = 'remote title'; $r.ForegroundColor = 'Green'; $r.CursorSize = 50
                $b = $r.BufferSize; $b.Width = 100; $r.BufferSize = $b; $c = $r.CursorPosition; $c.X = 3; $c.Y = 4; $r.CursorPosition = $c
            }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        var raw = await RunAsync(host, "$r = $host.UI.RawUI; $r.WindowTitle; $r.ForegroundColor; $r.CursorSize; \"$($r.BufferSize.Width)x$($r.BufferSize.Height)\"; \"$($r.CursorPosition.X),$($r.CursorPosition.Y)\"");
        Assert.That(Lines(raw), Is.EqualTo(new[] { "remote title", "Green", "50", "100x9999", "3,4" }));
    }

    /// <summary>
    /// Arguments arrive as the script expects them: a hashtable splats, a Get-Date (sent with its DisplayHint note)
    /// takes part in date arithmetic, a custom object's list property indexes.
    /// </summary>
    [Test]
    public async Task Arguments_from_this_session_work_in_the_remote_script_as_values_of_their_types()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, """
            $p = @{ Path = 'C:\Windows'; Filter = 'win.ini' }
            Invoke-Command -ComputerName Server01 -ArgumentList $p, (Get-Date '2020-01-02T03:04:05Z'), ([pscustomobject]@{ L = @(1, 2) }) -ScriptBlock {
                param($h, $d, $o)
                (Get-ChildItem @h).Name; ($d.AddDays(1) - $d).TotalHours; $o.L[1]
            }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "win.ini", "24", "2" }));
    }

    /// <summary>Remote progress shows on this host through the server's WriteProgress host call (source id 0, as Write-Progress passes it).</summary>
    [Test]
    public async Task Remote_progress_shows_on_the_host_through_the_host_call()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { Write-Progress -Activity 'copy' -Status 'half' -PercentComplete 50; 'done' }");

        Assert.That(Lines(result), Is.EqualTo(new[] { "done" }));
        var (sourceId, record) = host.Host.Progress.Single();
        Assert.That((sourceId, record.Activity, record.StatusDescription, record.PercentComplete), Is.EqualTo((0L, "copy", "half", 50)));
    }

    /// <summary>
    /// Windows sends a CimInstance with its class metadata, from which PowerShell's deserializer rehydrates a live
    /// CimInstance through the MI library; off Windows that library is missing (DllNotFoundException: libmi) and the
    /// pipeline would fail. The client keeps the deserialized property bag, without the metadata notes, as PSWSMan does.
    /// </summary>
    [Test]
    public async Task A_remote_CimInstance_arrives_as_a_deserialized_property_bag_without_its_class_metadata()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$p = Invoke-Command -ComputerName Server01 { Get-CimInstance Win32_Process -Filter \"ProcessId = $PID\"; Get-CimInstance Win32_Process | Select-Object -First 2 }; " +
            "$p[0].PSTypeNames[0]; $p[0].Name; $p[0].ProcessId.GetType().Name; $p[0].PSComputerName; " +
            "@($p | ForEach-Object { $_.PSObject.Properties.Name } | Where-Object { $_ -like '__*Metadata' }).Count; $p.Count");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[]
        {
            "Deserialized.Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Process", "wsmprovhost.exe", "UInt32", "Server01", "0", "3",
        }));
    }

    /// <summary>
    /// A remote Get-CimClass reaches real PowerShell as a deserialized CimClass, cut at the serializer's depth of one:
    /// its name and superclass's, and its methods and properties as lists of their names, which scripts compare.
    /// </summary>
    [Test]
    public async Task A_remote_CimClass_arrives_deserialized_with_its_methods_and_properties_by_name()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$c = Invoke-Command -ComputerName Server01 { Get-CimClass Win32_Process }; $c.PSTypeNames[0]; $c.CimClassName; $c.CimSuperClassName; " +
            "$c.CimClassMethods -join ','; $c.CimClassProperties -contains 'CommandLine'; \"$($c.CimSuperClass)\"; " +
            // Every class the emulator knows, and Get-WmiObject -List's ManagementClass objects, cross the wire whole.
            "$all = Invoke-Command -ComputerName Server01 { Get-CimClass; Get-WmiObject -List }; " +
            "($all | Where-Object { $_.PSTypeNames[0] -eq 'Deserialized.Microsoft.Management.Infrastructure.CimClass' }).Count -eq ($all | Where-Object { $_.PSTypeNames[0] -like 'Deserialized.System.Management.ManagementClass*' }).Count; " +
            "$all.Count -gt 120");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[]
        {
            "Deserialized.Microsoft.Management.Infrastructure.CimClass", "Win32_Process", "CIM_Process",
            "Create,Terminate,GetOwner,GetOwnerSid,SetPriority,AttachDebugger,GetAvailableVirtualSize", "True", "ROOT/cimv2:CIM_Process", "True", "True",
        }));
    }

    [Test]
    public async Task Invoke_Command_writes_each_remote_object_as_it_arrives()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        // The clock stands still: line1 is written, then the remote script sleeps. PowerShell shows line1 already.
        var running = host.RunAsync("Invoke-Command -Session $s { " + FiveSlowLines + " } | Out-Host");
        for (var i = 0; i < 500 && !host.Host.Text.Contains("line1", StringComparison.Ordinal); i++) await Task.Delay(10);

        Assert.That(host.Host.Text, Does.Contain("line1").And.Not.Contain("line2"));
        Assert.That(running.IsCompleted, Is.False);
        for (var i = 0; i < 20_000 && !running.IsCompleted; i++)
        {
            await Task.WhenAny(running, Task.Delay(5));
            if (!running.IsCompleted) Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        var result = await running;
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.HostText, Does.Contain("line1").And.Contain("line5"));
    }

    [Test]
    public async Task A_second_host_finds_an_InDisconnectedSession_command_and_receives_all_of_its_output()
    {
        var first = await NewHostAsync("first");
        var started = await RunAsync(first, $"Invoke-Command -ComputerName Server01 -InDisconnectedSession -SessionName ITTask {{ {FiveSlowLines} }}");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));

        var second = await NewHostAsync("second");
        var found = await RunAsync(second, "Get-PSSession -ComputerName Server01 | Select-Object Name, State, Availability | ForEach-Object { \"$($_.Name) $($_.State) $($_.Availability)\" }");
        Assert.That(Lines(found), Is.EqualTo(new[] { "ITTask Disconnected None" }));

        var received = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name ITTask");
        Assert.That(received.Errors, Is.Empty, string.Join("\n", received.Errors));
        Assert.That(Lines(received), Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
        Assert.That(received.HostText, Does.Contain("line5"));
        Assert.That(Lines(await RunAsync(second, "(Get-PSSession).State")), Is.EqualTo(new[] { "Opened" }));
    }

    [Test]
    public async Task Disconnect_PSSession_and_Connect_PSSession_move_the_session_between_Disconnected_and_Opened()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server02 -Name Test");

        var disconnected = await RunAsync(host, "$s | Disconnect-PSSession | ForEach-Object { \"$($_.State) $($_.Availability)\" }");
        Assert.That(Lines(disconnected), Is.EqualTo(new[] { "Disconnected None" }));

        var other = await NewHostAsync("other");
        var seen = await RunAsync(other, "Get-PSSession -ComputerName Server02 -Name Test | ForEach-Object { \"$($_.ComputerName) $($_.State) $($_.Availability)\" }");
        Assert.That(Lines(seen), Is.EqualTo(new[] { "Server02 Disconnected None" }));

        var connected = await RunAsync(host, "Connect-PSSession -Session $s | ForEach-Object { \"$($_.State) $($_.Availability)\" }; Invoke-Command $s { 'again' }");
        Assert.That(Lines(connected), Is.EqualTo(new[] { "Opened Available", "again" }));
        var busy = await RunAsync(other, "Get-PSSession -ComputerName Server02 -Name Test | ForEach-Object { \"$($_.State) $($_.Availability)\" }");
        Assert.That(Lines(busy), Is.EqualTo(new[] { "Disconnected Busy" }));
    }

    [Test]
    public async Task Invoke_Command_AsJob_gives_a_RemoteJob_that_the_built_in_job_cmdlets_handle()
    {
        var host = await NewHostAsync();
        await RunAsync(host, $"$s = New-PSSession -ComputerName Server01 -Name Test; $j = Invoke-Command -Session $s {{ {FiveSlowLines} }} -AsJob");

        var job = await RunAsync(host, "Get-Job | ForEach-Object { \"$($_.PSJobTypeName) $($_.Location) $($_.ChildJobs.Count)\" }");
        Assert.That(Lines(job), Is.EqualTo(new[] { "RemoteJob Server01 1" }));

        var received = await RunAsync(host, "$null = Wait-Job $j; Receive-Job $j");
        Assert.That(Lines(received), Is.EqualTo(new[] { "line1", "line2", "line3", "line4", "line5" }));
        Assert.That(received.Output[0].Properties["PSComputerName"].Value, Is.EqualTo("Server01"));

        var after = await RunAsync(host, "\"$($j.State) $($j.HasMoreData)\"; Remove-Job $j; @(Get-Job).Count");
        Assert.That(Lines(after), Is.EqualTo(new[] { "Completed False", "0" }));
    }

    [Test]
    public async Task Disconnecting_a_session_makes_its_job_Disconnected_and_Receive_PSSession_resumes_the_same_job()
    {
        var host = await NewHostAsync();
        await RunAsync(host, $"$s = New-PSSession -ComputerName Server01 -Name Test; $j = Invoke-Command -Session $s {{ {FiveSlowLines} }} -AsJob");
        await RunAsync(host, "$null = $s | Disconnect-PSSession");

        Assert.That(Lines(await RunAsync(host, "$j.State")), Is.EqualTo(new[] { "Disconnected" }));
        var resumed = await RunAsync(host, "$j2 = Receive-PSSession -Session $s; [object]::ReferenceEquals($j, $j2); $null = Wait-Job $j; $j.State");
        Assert.That(Lines(resumed), Is.EqualTo(new[] { "True", "Completed" }));
        var all = await RunAsync(host, "Receive-Job $j");
        Assert.That(Lines(all), Has.Length.EqualTo(5));
    }

    [Test]
    public async Task Sessions_display_with_PowerShell_7_6_s_eight_columns()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$null = New-PSSession -ComputerName Server01 -Name AD");

        var text = string.Join("\n", Lines(await RunAsync(host, "Get-PSSession | Out-String -Width 120")));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.That(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "Id", "Name", "Transport", "ComputerName", "ComputerType", "State", "ConfigurationName", "Availability" }));
        Assert.That(lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "1", "AD", "WSMan", "Server01", "RemoteMachine", "Opened", "Microsoft.PowerShell", "Available" }));
    }

    [Test]
    public async Task Errors_carry_PowerShell_fully_qualified_error_ids()
    {
        var host = await NewHostAsync();

        var badId = await RunAsync(host, "Receive-PSSession -Id 42");
        Assert.That(badId.Errors.Select(e => e.FullyQualifiedErrorId),
            Is.EqualTo(new[] { "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.ReceivePSSessionCommand" }));
        Assert.That(badId.Errors[0].Exception.Message, Is.EqualTo("The remote session with the session ID 42 is not available."));
        Assert.That(badId.Errors[0].CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.InvalidArgument));

        var shortIdle = await RunAsync(host, "$s = New-PSSession -ComputerName Server01 -Name Session1; Disconnect-PSSession $s -IdleTimeoutSec 30");
        Assert.That(shortIdle.Errors.Select(e => e.FullyQualifiedErrorId),
            Is.EqualTo(new[] { "CannotDisconnectSessionWithInvalidIdleTimeout,Microsoft.PowerShell.Commands.DisconnectPSSessionCommand" }));
        Assert.That(shortIdle.Errors[0].CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.InvalidArgument));
        Assert.That(Emulator.Journal.Snapshot().Any(e => e.Action.EndsWith("Disconnect", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task Connect_PSSession_does_not_read_the_PSSessionOption_preference_only_its_SessionOption()
    {
        await using var https = await Testing.EmulatorInstance.StartAsync(options => options.ComputerName = "Server01", Clock, useHttps: true);
        var hosts = $"Server01={https.WsManUri.Host}:{https.WsManUri.Port}";
        const string options = "$o = New-PSSessionOption -SkipCACheck -SkipCNCheck; $o.OperationTimeout = [timespan]::FromSeconds(20)";
        var first = await NewHostAsync("first", hosts: hosts);
        var started = await RunAsync(first, $"{options}; $null = Invoke-Command -ComputerName Server01 -UseSSL -SessionOption $o -InDisconnectedSession -SessionName Tls {{ 'hello' }}");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));
        var second = await NewHostAsync("second", hosts: hosts);
        await RunAsync(second, options);

        // The self-signed certificate is accepted by $PSSessionOption's SkipCACheck/SkipCNCheck, but Connect-PSSession ignores it.
        var preference = await RunAsync(second, "$PSSessionOption.SkipCACheck = $true; $PSSessionOption.SkipCNCheck = $true; Connect-PSSession -ComputerName Server01 -Name Tls -UseSSL");
        Assert.That(preference.Output, Is.Empty);
        Assert.That(preference.Errors.Select(e => e.FullyQualifiedErrorId).ToArray(), Has.Length.EqualTo(1).And.All.StartWith("12175,"));

        var connected = await RunAsync(second, "Connect-PSSession -ComputerName Server01 -Name Tls -UseSSL -SessionOption $o | ForEach-Object { \"$($_.Name) $($_.State)\" }");
        Assert.That(connected.Errors, Is.Empty, string.Join("\n", connected.Errors));
        Assert.That(Lines(connected), Is.EqualTo(new[] { "Tls Opened" }));
    }
}
