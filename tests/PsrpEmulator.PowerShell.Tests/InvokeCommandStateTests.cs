namespace PsrpEmulator.PowerShell.Tests;

/// <summary>Issue 4 through the module: -ArgumentList, piped input, variables and background jobs in a remote session.</summary>
public class InvokeCommandStateTests : HostedEngineTestBase
{
    [Test]
    public async Task ArgumentList_binds_to_the_script_block_s_param_block()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "$s = New-PSSession -ComputerName Server01; Invoke-Command -Session $s -ScriptBlock { param($n) \"Hello $n\" } -ArgumentList World");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Hello World" }));
    }

    /// <summary>
    /// A credential passed with -ArgumentList, piped in or read through <c>$using:</c>: its password goes encrypted with the
    /// session key the module exchanges first, as PowerShell's remoting sends a SecureString, and the remote script reads it.
    /// </summary>
    [Test]
    public async Task A_credential_passed_to_a_remote_script_arrives_readable_with_the_session_key()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "$c = [pscredential]::new('CONTOSO\\deploy', (ConvertTo-SecureString 'S3cret!' -AsPlainText -Force)); $s = New-PSSession -ComputerName Server01; " +
            "Invoke-Command -Session $s { param($c) $c.GetNetworkCredential().Password } -ArgumentList $c; " +
            "$c | Invoke-Command -Session $s { $input | ForEach-Object { $_.GetNetworkCredential().Domain } }; " +
            "Invoke-Command -Session $s { $using:c.UserName }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "S3cret!", "CONTOSO", "CONTOSO\\deploy" }));
    }

    /// <summary>
    /// A SecureString the remote script outputs comes back readable: the module exchanges the session key as it reads
    /// it, as PowerShell's client does, and the server sends the key it encrypted the value with.
    /// </summary>
    [Test]
    public async Task A_SecureString_made_remotely_comes_back_readable()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "$s = New-PSSession -ComputerName Server01; " +
            "$secure = Invoke-Command -Session $s { ConvertTo-SecureString 'made remotely' -AsPlainText -Force }; " +
            "$secure.GetType().FullName; [pscredential]::new('u', $secure).GetNetworkCredential().Password");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "System.Security.SecureString", "made remotely" }));
    }

    /// <summary>
    /// <c>$using:</c> values go as PowerShell 5 and later send them to a PSv5 endpoint: the parameter <c>--%</c>, a
    /// Hashtable keyed by each expression's text (PowerShell's own key function, called here by reflection, gives the
    /// same keys); the emulator reads them where the script uses them.
    /// </summary>
    [Test]
    public async Task Using_variables_reach_the_remote_script_keyed_as_PowerShell_keys_them()
    {
        var host = await NewHostAsync();
        var result = await RunAsync(host, "$name = 'World'; $list = 'a', 'b', 'c'; $s = New-PSSession -ComputerName Server01; " +
            "Invoke-Command -Session $s { \"Hello $using:name\"; $using:NAME.Length; $using:list[1]; $using:list.Count }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Hello World", "5", "b", "3" }));

        var keyOf = typeof(System.Management.Automation.PSObject).Assembly.GetType("System.Management.Automation.PsUtils")!
            .GetMethod("GetUsingExpressionKey", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var block = System.Management.Automation.ScriptBlock.Create("$using:Name; $using:list[1]");
        var usings = block.Ast.FindAll(a => a is System.Management.Automation.Language.UsingExpressionAst, true)
            .Cast<System.Management.Automation.Language.UsingExpressionAst>().ToList();
        Assert.That(usings.Select(u => PsrpEmulator.Client.Psrp.RemoteScript.UsingKey(u.ToString(), u.SubExpression is System.Management.Automation.Language.VariableExpressionAst)),
            Is.EqualTo(usings.Select(u => (string)keyOf.Invoke(null, [u])!)));
    }

    [Test]
    public async Task A_using_variable_not_set_locally_is_PowerShells_UsingVariableIsUndefined_and_nothing_is_sent()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        var commandsBefore = Emulator.Journal.Snapshot().Count(e => e.Action == "Command");

        var result = await RunAsync(host, "Invoke-Command -Session $s { $using:neverSet }");

        Assert.That(result.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "UsingVariableIsUndefined,Microsoft.PowerShell.Commands.InvokeCommandCommand" }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo("The value of the using variable '$using:neverSet' cannot be retrieved because it has not been set in the local session."));
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "Command"), Is.EqualTo(commandsBefore));
    }

    /// <summary>
    /// Output and errors come out interleaved as the remote command wrote them: from Invoke-Command, from Receive-Job
    /// of an -AsJob job (PowerShell's remoting child jobs keep one ordered results collection), and from
    /// Receive-PSSession of a disconnected command.
    /// </summary>
    [Test]
    public async Task Output_and_errors_keep_the_order_the_remote_command_wrote_them_in()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        const string Mixed = "{ 'a'; Write-Error 'e1'; 'b'; Write-Error 'e2'; 'c' }";
        // Errors merged into the output and named there (the host's result keeps errors apart from the output).
        const string Named = " 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { \"error $_\" } else { \"$_\" } }";
        static string[] Order(PsrpEmulator.PowerShell.Hosting.ScriptResult result) => [.. result.Output.Select(o => o.ToString())];
        string[] expected = ["a", "error e1", "b", "error e2", "c"];

        var direct = await RunAsync(host, $"Invoke-Command -Session $s {Mixed}" + Named);
        Assert.That(Order(direct), Is.EqualTo(expected), "Invoke-Command");

        var job = await RunAsync(host, $"$j = Invoke-Command -Session $s {Mixed} -AsJob; $null = Wait-Job $j; Receive-Job $j -Keep" + Named);
        Assert.That(Order(job), Is.EqualTo(expected), "Receive-Job -Keep");
        var drained = await RunAsync(host, "Receive-Job $j" + Named + "; 'more: ' + $j.HasMoreData; @(Receive-Job $j).Count");
        Assert.That(Order(drained), Is.EqualTo(expected.Concat(["more: False", "0"])), "Receive-Job, then nothing more");

        await RunAsync(host, $"$null = Invoke-Command -ComputerName Server01 -InDisconnectedSession -SessionName Mixed {Mixed}");
        var receive = await RunAsync(await NewHostAsync("second"), "Receive-PSSession -ComputerName Server01 -Name Mixed" + Named);
        Assert.That(Order(receive), Is.EqualTo(expected), "Receive-PSSession to the host");
    }

    [Test]
    public async Task Piped_input_is_the_remote_script_s_input()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var doubled = await RunAsync(host, "1..3 | Invoke-Command -Session $s { $input | ForEach-Object { $_ * 2 } }");
        Assert.That(doubled.Errors, Is.Empty, string.Join("\n", doubled.Errors));
        Assert.That(doubled.Output.Select(o => o.BaseObject), Is.EqualTo(new object[] { 2, 4, 6 }));

        // A pipeline that starts with a command gets "$input |" in front, as PowerShell sends it.
        var items = await RunAsync(host, "'a', 'b' | Invoke-Command -Session $s { ForEach-Object { \"Item $_\" } }");
        Assert.That(Lines(items), Is.EqualTo(new[] { "Item a", "Item b" }));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Command").Select(e => e.RequestMessages.Count), Is.All.EqualTo(1));
    }

    [Test]
    public async Task A_variable_set_by_one_Invoke_Command_is_there_for_the_next_in_the_same_session_only()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01; $t = New-PSSession -ComputerName Server01");

        var set = await RunAsync(host, "Invoke-Command -Session $s { $x = 5 }");
        Assert.That(set.Output, Is.Empty);
        var same = await RunAsync(host, "Invoke-Command -Session $s { $x }");
        Assert.That(same.Output.Select(o => o.BaseObject), Is.EqualTo(new object[] { 5 }));
        var other = await RunAsync(host, "Invoke-Command -Session $t { \"x is '$x'\" }");
        Assert.That(Lines(other), Is.EqualTo(new[] { "x is ''" }));
    }

    [Test]
    public async Task A_remote_Start_Job_is_listed_by_a_remote_Get_Job_and_its_results_come_back_with_Receive_Job()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var started = await RunAsync(host, "Invoke-Command -Session $s { Start-Job { 'Return 1'; Start-Sleep 30; 'Return 2' } }");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));
        var job = started.Output.Single();
        Assert.That(job.TypeNames[0], Is.EqualTo("Deserialized.System.Management.Automation.PSRemotingJob"));
        Assert.That(job.Properties["Name"].Value, Is.EqualTo("Job1"));
        Assert.That(job.Properties["State"].Value?.ToString(), Is.EqualTo("Running"));

        var table = await RunAsync(host, "Invoke-Command -Session $s { Get-Job } | Out-String");
        Assert.That(table.Output.Single().ToString(), Does.Match(@"Id\s+Name\s+PSJobTypeName\s+State\s+HasMoreData\s+Location"), "PowerShell's job table (Command is cut by the host's width)");
        Assert.That(table.Output.Single().ToString(), Does.Match(@"1\s+Job1\s+BackgroundJob\s+Running\s+True\s+localhost"));

        var waited = await RunAsync(host, "Invoke-Command -Session $s { Receive-Job -Id 1 -Wait }");
        Assert.That(Lines(waited), Is.EqualTo(new[] { "Return 1", "Return 2" }));
        var after = await RunAsync(host, "Invoke-Command -Session $s { Get-Job -Name Job1 }");
        Assert.That(after.Output.Single().Properties["State"].Value?.ToString(), Is.EqualTo("Completed"));
        Assert.That(after.Output.Single().Properties["HasMoreData"].Value, Is.EqualTo(false), "Receive-Job took everything");
    }

    [Test]
    public async Task ArgumentList_and_input_go_with_AsJob_and_with_a_temporary_ComputerName_session_too()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var job = await RunAsync(host, "$j = Invoke-Command -Session $s { param($a, $b) \"$a and $b\" } -ArgumentList 1, two -AsJob; $null = Wait-Job $j; Receive-Job $j");
        Assert.That(job.Errors, Is.Empty, string.Join("\n", job.Errors));
        Assert.That(Lines(job), Is.EqualTo(new[] { "1 and two" }));

        var piped = await RunAsync(host, "'x', 'y' | Invoke-Command -ComputerName Server01 { $input }");
        Assert.That(piped.Errors, Is.Empty, string.Join("\n", piped.Errors));
        Assert.That(Lines(piped), Is.EqualTo(new[] { "x", "y" }));
    }

    [Test]
    public async Task Piped_input_is_sent_object_by_object_after_the_command_starts_and_ended_at_the_end()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        var last = Emulator.Journal.Snapshot()[^1].Sequence;

        var result = await RunAsync(host, "'a', 'b' | Invoke-Command -Session $s { $input }");

        Assert.That(Lines(result), Is.EqualTo(new[] { "a", "b" }));
        var sent = Emulator.Journal.Snapshot().Where(e => e.Sequence > last && e.Action is "Command" or "Send")
            .Select(e => $"{e.Action}:{string.Join(",", e.RequestMessages)}");
        Assert.That(sent, Is.EqualTo(new[] { "Command:CreatePipeline", "Send:PipelineInput", "Send:PipelineInput", "Send:EndOfPipelineInput" }));
    }

    [Test]
    public async Task Without_any_piped_object_the_remote_command_does_not_run()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        var last = Emulator.Journal.Snapshot()[^1].Sequence;

        var result = await RunAsync(host, "@() | Invoke-Command -Session $s { 'ran' }");

        Assert.That(result.Output, Is.Empty);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Sequence > last && e.Action == "Command"), Is.Empty);
    }
}
