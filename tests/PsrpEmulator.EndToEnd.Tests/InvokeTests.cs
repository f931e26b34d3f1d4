using PsrpEmulator.Client.Psrp;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests;

public class InvokeTests : EmulatorTestBase
{
    [Test]
    public async Task Invoking_a_string_literal_outputs_its_text_and_completes()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("\"hello\"");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "hello" }));
        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
    }

    /// <summary>
    /// Write-Host without a colour writes the host's current colours, which the server's host takes from the default
    /// data of the HostInfo the client sent (its pipelines use the pool's host); a colour parameter wins; a client
    /// without a host gets none. As PowerShell's remoting serializer writes them, the colours are names, or the number
    /// for a value that is no ConsoleColor (pwsh on Linux sends -1).
    /// </summary>
    [Test]
    public async Task Write_Host_without_a_colour_writes_the_colours_of_the_host_the_client_described()
    {
        static async Task<List<PsrpEmulator.Protocol.Clixml.PsObject>> WriteHostAsync(WsManTransport transport, RunspacePoolOptions? options)
        {
            await using var pool = await RunspacePoolClient.OpenAsync(transport, options);
            var events = await pool.InvokeAsync("Write-Host plain; Write-Host red -ForegroundColor Red");
            Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
            return [.. events.OfType<InformationEvent>().Select(e => (PsrpEmulator.Protocol.Clixml.PsObject)e.Record.MessageData)];
        }

        static (string?, string?) Colours(PsrpEmulator.Protocol.Clixml.PsObject message) =>
            (message["ForegroundColor"]?.ToDisplayString() is { Length: > 0 } f ? f : null, message["BackgroundColor"]?.ToDisplayString() is { Length: > 0 } b ? b : null);

        using var transport = CreateTransport();
        var console = await WriteHostAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.WithConsoleColors((int)ConsoleColor.Gray, (int)ConsoleColor.DarkBlue) });
        Assert.That(console.Select(Colours), Is.EqualTo(new[] { ("Gray", "DarkBlue"), ("Red", "DarkBlue") }));

        var linux = await WriteHostAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.WithConsoleColors(-1, -1) });
        Assert.That(linux.Select(Colours), Is.EqualTo(new[] { ("-1", "-1"), ("Red", "-1") }));

        var noHost = await WriteHostAsync(transport, null);
        Assert.That(noHost.Select(Colours), Is.EqualTo(new[] { ((string?)null, (string?)null), ("Red", null) }));
    }

    [Test]
    public async Task Error_keeps_the_sessions_error_records_most_recent_first_as_PowerShell_does()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var fresh = await pool.InvokeAsync("$Error.Count; $Error.Clear(); $Error.Count");
        Assert.That(Outputs(fresh), Is.EqualTo(new[] { "0", "0" }));
        Assert.That(fresh.OfType<ErrorEvent>(), Is.Empty);

        // Written, hidden by SilentlyContinue and caught records are kept; Ignore keeps none.
        var events = await pool.InvokeAsync("Get-Nothing; Write-Error 'hidden' -ErrorAction SilentlyContinue; Write-Error 'ignored' -ErrorAction Ignore; " +
            "try { throw 'caught' } catch { }; $Error.Count; $Error | ForEach-Object { $_.Exception.Message.Substring(0, 6) }");
        Assert.That(Outputs(events), Is.EqualTo(new[] { "3", "caught", "hidden", "The te" }));

        // A pipeline that failed leaves its reason for the next one; $Error.Clear() empties it.
        await pool.InvokeAsync("throw 'boom'");
        var after = await pool.InvokeAsync("$Error[0].Exception.Message; $Error.Count; $Error.Clear(); $Error.Count");
        Assert.That(Outputs(after), Is.EqualTo(new[] { "boom", "4", "0" }));
    }

    [Test]
    public async Task Preference_variables_read_their_remote_session_defaults_until_set()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$ErrorActionPreference; $WarningPreference; $VerbosePreference; $DebugPreference; $InformationPreference; $ProgressPreference; " +
            "$ConfirmPreference; $WhatIfPreference; $MaximumErrorCount; $ErrorActionPreference = 'Stop'; $ErrorActionPreference");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "Continue", "Continue", "SilentlyContinue", "SilentlyContinue", "SilentlyContinue", "Continue", "High", "False", "256", "Stop" }));
    }

    [Test]
    public async Task PID_is_the_shells_process_Host_the_remote_sessions_ServerRemoteHost_and_the_environment_the_computers()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$PID; $host.Name; $host.Version.ToString(); [Environment]::GetEnvironmentVariable('COMPUTERNAME'); " +
            "$p = Get-Process -Id $PID; $p.Name; $p.Id -eq $PID");

        var shell = (await transport.EnumerateShellsAsync()).Single(s => s.ShellId == pool.ShellId);
        Assert.That(Outputs(events), Is.EqualTo(new[]
        {
            shell.ProcessId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "ServerRemoteHost", "1.0.0.0", "SERVER01", "wsmprovhost", "True",
        }));
    }

    /// <summary>$ExecutionContext.InvokeCommand: ExpandString in the caller's scope, InvokeScript's output collection.</summary>
    [Test]
    public async Task ExecutionContext_InvokeCommand_expands_strings_and_invokes_scripts()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$name = 'World'; $ExecutionContext.InvokeCommand.ExpandString('Hello $name, $(1 + 1)'); ($ExecutionContext.InvokeCommand.InvokeScript('2 * 3; \"x\"')) -join ','");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "Hello World, 2", "6,x" }));
    }

    [Test]
    public async Task A_remote_sessions_automatic_variables_name_its_user_home_culture_and_language_as_Windows_does()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$HOME; $PSHOME; $PSCulture; $PSUICulture; [bool]$PSSenderInfo; $PSSenderInfo.ConnectedUser; $PSSenderInfo.UserInfo.Identity.Name; " +
            "$PSSenderInfo.ConfigurationName; $ExecutionContext.SessionState.LanguageMode; $ExecutionContext.Host.Name; $MaximumHistoryCount; $PSSessionApplicationName; $ErrorView; $MaximumVariableCount; " +
            "Start-Job { [bool]$PSSenderInfo } | Receive-Job -Wait; $PSSenderInfo.ConnectionString");

        var outputs = Outputs(events).ToList();
        Assert.That(outputs[^1], Does.StartWith("http://127.0.0.1:").And.Contain("/wsman"), "the URL the client connected to");
        Assert.That(outputs[..^1], Is.EqualTo(new[]
        {
            "C:\\Users\\psrp", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", "en-US", "en-US", "True", "SERVER01\\psrp", "SERVER01\\psrp",
            "Microsoft.PowerShell", "FullLanguage", "ServerRemoteHost", "4096", "wsman", "NormalView", "4096", "False",
        }));
    }

    [Test]
    public async Task Out_String_fits_its_text_to_the_client_hosts_buffer_width_less_one_else_120_columns()
    {
        static async Task<string> OutStringAsync(WsManTransport transport, RunspacePoolOptions? options)
        {
            await using var pool = await RunspacePoolClient.OpenAsync(transport, options);
            var events = await pool.InvokeAsync("Get-Service WinRM | Select-Object Name, @{ n = 'Description'; e = { 'x' * 200 } } | Out-String");
            Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
            return Outputs(events).Single();
        }

        using var transport = CreateTransport();
        var narrow = await OutStringAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.WithConsoleColors(7, 0, bufferWidth: 60) });
        var noHost = await OutStringAsync(transport, null);

        // Name is 5 wide; the description takes the rest of the line and is cut with "...".
        Assert.That(narrow.Split("\r\n")[3], Is.EqualTo("WinRM " + new string('x', 50) + "..."));
        Assert.That(noHost.Split("\r\n")[3], Is.EqualTo("WinRM " + new string('x', 111) + "..."));
    }

    [Test]
    public async Task A_list_that_holds_itself_is_sent_with_a_reference_and_read_back()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$l = [System.Collections.ArrayList]::new(); [void]$l.Add($l); $l; 'after'");

        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
        var list = (PsrpEmulator.Protocol.Clixml.PsObject)events.OfType<OutputEvent>().First().Value;
        Assert.That(list.Items.Single(), Is.SameAs(list), "the CLIXML <Ref> makes the same object again");
        Assert.That(Outputs(events)[^1], Is.EqualTo("after"));
    }

    [TestCase("& { 'one'; 'two' }")]
    [TestCase(". {\n  'one'\n  'two'\n}")]
    [TestCase("& { & { 'one'; 'two' } }")]
    public async Task A_script_that_invokes_a_script_block_whole_runs_its_statements(string script)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(script);

        Assert.That(Outputs(events), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
    }

    /// <summary>Client text: nesting far past what is unwrapped must neither exhaust the stack nor take quadratic time.</summary>
    [TestCase("& { ", " }")]
    [TestCase("& { 'x'; ", " }")]
    public async Task Script_blocks_nested_thousands_deep_end_with_an_error_record_not_a_crash(string open, string close)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var script = string.Concat(Enumerable.Repeat(open, 20_000)) + "'inner'" + string.Concat(Enumerable.Repeat(close, 20_000));

        var events = await pool.InvokeAsync(script);

        Assert.That(events.OfType<ErrorEvent>().Select(e => e.Error.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
        var again = await pool.InvokeAsync("& { & { 'still here' } }");
        Assert.That(Outputs(again), Is.EqualTo(new[] { "still here" }));
    }

    /// <summary>
    /// $PSVersionTable is the endpoint's: the entries its APPLICATION_PRIVATE_DATA gave the client, as the variable's
    /// own type (a PSVersionHashTable); keys read as properties and a Version's parts as numbers, as in PowerShell.
    /// </summary>
    [Test]
    public async Task PSVersionTable_is_the_table_the_endpoint_reported_when_the_pool_opened()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("$PSVersionTable; $PSVersionTable.PSVersion; if ($PSVersionTable.PSVersion.Major -ge 5) { 'five or later' }; $PSEdition; $PSVersionTable['psedition']");

        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
        var values = events.OfType<OutputEvent>().Select(e => e.Value).ToList();
        var table = (PsrpEmulator.Protocol.Clixml.PsObject)values[0];
        Assert.That(table.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.PSVersionHashTable", "System.Collections.Hashtable", "System.Object" }));
        var reported = (PsrpEmulator.Protocol.Clixml.PsObject)PsrpObjects.GetEntry(pool.ApplicationPrivateData!, "PSVersionTable")!;
        // The same entries; in the order 5.1 enumerates its own table (BuildVersion before CLRVersion), which the
        // pool's copy, another Hashtable, does not keep.
        Assert.That(table.Entries.Select(e => (e.Key.ToDisplayString(), e.Value.ToDisplayString())),
            Is.EquivalentTo(reported.Entries.Select(e => (e.Key.ToDisplayString(), e.Value.ToDisplayString()))));
        Assert.That(table.Entries.Select(e => e.Key.ToDisplayString()).Skip(3).Take(2), Is.EqualTo(new[] { "BuildVersion", "CLRVersion" }));
        Assert.That(values[1], Is.EqualTo(PsrpEmulator.Protocol.Clixml.PsPrimitive.Version("5.1.17763.1")));
        Assert.That(values.Skip(2).Select(v => v.ToDisplayString()), Is.EqualTo(new[] { "five or later", "Desktop", "Desktop" }));
    }

    /// <summary>In a catch block $_ is the serialized ErrorRecord PowerShell would hand it: its Exception, its text.</summary>
    [Test]
    public async Task A_catch_block_reads_the_error_record_of_what_was_thrown()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("try { throw 'disk full' } catch { $_.Exception.Message; \"caught: $_\" }");

        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
        Assert.That(Outputs(events), Is.EqualTo(new[] { "disk full", "caught: disk full" }));
    }

    [Test]
    public async Task A_return_of_a_return_thousands_deep_ends_the_script_without_a_crash()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(string.Concat(Enumerable.Repeat("return ", 20_000)) + "'inner'");

        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
        Assert.That(Outputs(await pool.InvokeAsync("return 'still here'")), Is.EqualTo(new[] { "still here" }));
    }

    [TestCase("exit")]
    [TestCase("return")]
    public async Task A_script_that_is_only_exit_or_return_completes_without_an_error(string script)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(script);

        Assert.That(events, Is.EqualTo(new[] { new StateEvent(PSInvocationState.Completed, null) }));
    }

    [TestCase("'one'; exit; 'two'")]
    [TestCase("'one'\nexit 3\n'two'")]
    [TestCase("& { 'one'; exit $LASTEXITCODE; 'two' }")]
    public async Task Exit_ends_a_remote_script_as_completed_without_an_error(string script)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(script);

        Assert.That(Outputs(events), Is.EqualTo(new[] { "one" }));
        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
    }

    /// <summary>return (a keyword) ends the script, the invoked script block or the ForEach-Object body it is in.</summary>
    [TestCase("'one'; return; 'two'", new[] { "one" })]
    [TestCase("return 'value'; 'never'", new[] { "value" })]
    [TestCase("& { 'a'; return; 'b' }; 'c'", new[] { "a", "c" })]
    [TestCase("1..3 | ForEach-Object { 'x'; return; 'y' }; 'after'", new[] { "x", "x", "x", "after" })]
    public async Task Return_ends_what_it_is_in_without_an_error(string script, string[] expected)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(script);

        Assert.That(Outputs(events), Is.EqualTo(expected));
        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
        Assert.That(events[^1], Is.EqualTo(new StateEvent(PSInvocationState.Completed, null)));
    }

    [Test]
    public async Task An_unknown_command_in_an_invoked_script_block_is_reported_by_its_own_name()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("'before'; & { Get-Frobnicator }");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "before" }));
        Assert.That(events.OfType<ErrorEvent>().Single().Error.Message, Does.StartWith("The term 'Get-Frobnicator' is not recognized"));
    }

    [Test]
    public async Task A_caught_error_carries_the_place_it_was_raised_as_on_the_wire()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("'a'\ntry {\n  Get-Frobnicator\n} catch {\n  \"$($_.InvocationInfo.ScriptLineNumber):$($_.InvocationInfo.OffsetInLine)\"; $_.ScriptStackTrace\n}");

        Assert.That(Outputs(events), Is.EqualTo(new[] { "a", "3:3", "at <ScriptBlock>, <No file>: line 3" }));
    }

    [Test]
    public async Task Opening_a_pool_negotiates_capability_and_reports_the_shell()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { Name = "Session1" });

        Assert.That(pool.State, Is.EqualTo(RunspacePoolState.Opened));
        Assert.That(pool.ServerCapability!.ProtocolVersion, Is.EqualTo("2.3"));
        Assert.That(pool.Shell!.ShellId, Is.EqualTo(pool.ShellId));
        Assert.That(pool.Shell.Name, Is.EqualTo("Session1"));
        Assert.That(pool.Shell.State, Is.EqualTo("Connected"));
        Assert.That(pool.Shell.IdleTimeOut, Is.EqualTo(TimeSpan.FromSeconds(7200)));
        Assert.That(pool.ApplicationPrivateData, Is.Not.Null);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Opening_answers_the_pool_state_in_a_second_Receive_as_Windows_unless_configured_otherwise(bool separate)
    {
        if (!separate) await RestartEmulatorAsync(o => o.SeparateRunspacePoolState = false);
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        Assert.That(pool.State, Is.EqualTo(RunspacePoolState.Opened));
        var receives = Emulator.Journal.Snapshot().Where(e => e.Action == "Receive").Select(e => e.ResponseMessages).ToList();
        PsrpMessageType[] capability = [PsrpMessageType.SessionCapability, PsrpMessageType.ApplicationPrivateData];
        PsrpMessageType[][] expected = separate
            ? [capability, [PsrpMessageType.RunspacePoolState]]
            : [[.. capability, PsrpMessageType.RunspacePoolState]];
        Assert.That(receives, Is.EqualTo(expected));
    }

    [Test]
    public async Task Two_pipelines_run_one_after_the_other_on_one_pool()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var first = await pool.InvokeAsync("'one'");
        var second = await pool.InvokeAsync("'two'");

        Assert.That(Outputs(first), Is.EqualTo(new[] { "one" }));
        Assert.That(Outputs(second), Is.EqualTo(new[] { "two" }));
    }

    [Test]
    public async Task Unknown_script_gets_a_command_not_found_error_and_completes()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync("Get-NoSuchThing -Force");

        var error = events.OfType<ErrorEvent>().Single();
        Assert.That(error.Error.FullyQualifiedErrorId, Does.StartWith("CommandNotFoundException"));
        Assert.That(error.Error.Message, Does.Contain("'Get-NoSuchThing'"));
        Assert.That(events[^1], Is.TypeOf<StateEvent>().With.Property(nameof(StateEvent.State)).EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task A_closed_pool_answers_later_requests_with_shell_not_found()
    {
        using var transport = CreateTransport();
        var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.CloseAsync();

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => transport.SendAsync(pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", null)));

        Assert.That(fault!.Code, Is.EqualTo(WsManFaultException.ShellNotFound));
        Assert.That(fault.Subcode, Is.EqualTo("w:InvalidSelectors"));
        Assert.That(fault.HttpStatus, Is.EqualTo(500));
    }

    [Test]
    public async Task Receive_for_an_unknown_command_returns_invalid_selectors()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() =>
            transport.SendAsync(pool.ShellHeader(WsManActions.Receive), new ReceiveBody("stdout", Guid.NewGuid().ToString().ToUpperInvariant())));

        Assert.That(fault!.Code, Is.EqualTo(2150858843u));
        Assert.That(fault.Fault.Message, Does.Contain("command identifier"));
    }

    [Test]
    public async Task Wrong_password_is_refused_with_http_401()
    {
        using var transport = CreateTransport(password: "wrong");

        var e = await Assert.ThrowsAsync<WsManTransportException>(() => RunspacePoolClient.OpenAsync(transport));

        Assert.That(e!.HttpStatus, Is.EqualTo(401));
        Assert.That(Emulator.Journal.Snapshot().Select(j => j.HttpStatus), Does.Contain(401));
    }

    [Test]
    public async Task Another_user_cannot_touch_a_shell_it_does_not_own()
    {
        using var owner = CreateTransport("alice", "a");
        using var other = CreateTransport("bob", "b");
        await using var pool = await RunspacePoolClient.OpenAsync(owner);

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => other.SendAsync(pool.ShellHeader(WsManActions.Delete), EmptyBody.Instance));

        Assert.That(fault!.Subcode, Is.EqualTo("w:AccessDenied"));
        Assert.That(fault.Code, Is.EqualTo(5u));
    }

    [TestCase(@"Domain01\Admin01")]
    [TestCase("Admin01")]
    [TestCase("admin01@domain01.example")]
    public async Task A_domain_user_signs_in_with_or_without_its_domain(string login)
    {
        using var transport = CreateTransport(login, "P@ss");
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        Assert.That(pool.Shell!.Owner, Is.EqualTo("Admin01").IgnoreCase);
    }

    [Test]
    public async Task Input_objects_are_sent_and_echoed_by_a_scripted_behaviour()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("$input | Echo-Input", [Protocol.Clixml.PsPrimitive.String("a"), Protocol.Clixml.PsPrimitive.Int32(2)]);
        var events = await ReadAllAsync(pipeline);

        Assert.That(Outputs(events), Is.EqualTo(new[] { "a", "2" }));
    }

    protected override void Configure(Server.Hosting.EmulatorOptions options) => options.Users = ["psrp:psrp", "alice:a", "bob:b", @"Domain01\Admin01:P@ss"];

    protected override string? ScenarioYaml => """
        behaviours:
          - match: "$input | Echo-Input"
            steps:
              - input: echo
        """;

    [Test]
    public async Task The_journal_records_actions_and_psrp_messages_without_credentials()
    {
        using var transport = CreateTransport();
        await using (var pool = await RunspacePoolClient.OpenAsync(transport))
        {
            await pool.InvokeAsync("'x'");
        }

        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Select(e => e.Action), Does.Contain("Create").And.Contain("Command").And.Contain("Receive").And.Contain("Signal").And.Contain("Delete"));
        var create = journal.First(e => e.Action == "Create");
        Assert.That(create.RequestMessages, Is.EqualTo(new[] { PsrpMessageType.SessionCapability, PsrpMessageType.InitRunspacePool }));
        Assert.That(journal.SelectMany(e => e.ResponseMessages), Does.Contain(PsrpMessageType.PipelineOutput));
        Assert.That(string.Join("\n", journal), Does.Not.Contain("psrp:psrp").And.Not.Contain("cHNycDpwc3Jw"));
    }
}
