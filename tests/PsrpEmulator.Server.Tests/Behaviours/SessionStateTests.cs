using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Issue 4: variables and background jobs kept per runspace, script arguments and pipeline input.</summary>
public class SessionStateTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(RunspaceState runspace, string text, TimeProvider? time = null, IReadOnlyList<PipelineArgument>? arguments = null, params PsValue[] input)
    {
        var host = new RecordingHost(input) { Runspace = runspace };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, arguments ?? [])], NoInput: input.Length == 0);
        var outcome = await Default.Resolve(create).RunTestAsync(host, time ?? new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}");
        return host;
    }

    [Test]
    public async Task A_variable_set_in_one_pipeline_is_read_by_a_later_one_in_the_same_runspace()
    {
        var runspace = new RunspaceState();
        var set = await RunAsync(runspace, "$x = 5");
        Assert.That(set.Records, Is.Empty, "an assignment writes nothing");

        var read = await RunAsync(runspace, "$x");
        Assert.That(read.Outputs, Is.EqualTo(new[] { PsPrimitive.Int32(5) }));
    }

    [Test]
    public async Task A_background_job_sees_the_session_s_environment_and_its_records_carry_the_session_s_computer()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        await RunAsync(runspace, "$j = Start-Job { $env:COMPUTERNAME; Write-Host \"on $env:USERNAME\" }", time);

        var received = await RunAsync(runspace, "Receive-Job $j -Wait", time);

        Assert.That(received.OutputTexts, Is.EqualTo(new[] { "TESTHOST01" }), "a job's process inherits the session process's environment");
        var record = received.Records.OfType<InformationRecordMessage>().Single();
        Assert.That((record.Computer, record.User, HostInformationMessage.TryRead(record.MessageData)?.Message), Is.EqualTo(("TESTHOST01", "tester", "on tester")));
    }

    [Test]
    public async Task A_background_job_inherits_the_environment_variables_the_session_set_as_they_were_when_it_started()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        await RunAsync(runspace, "$env:STAGE = 'blue'; $env:TEMP = $null; $j = Start-Job { \"stage $env:STAGE, temp [$env:TEMP], on $env:COMPUTERNAME\" }; $env:STAGE = 'green'", time);

        var received = await RunAsync(runspace, "Receive-Job $j -Wait", time);

        Assert.That(received.OutputTexts, Is.EqualTo(new[] { "stage blue, temp [], on TESTHOST01" }));
    }

    [Test]
    public async Task A_command_piped_to_the_job_cmdlets_gives_them_its_jobs()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);

        var received = await RunAsync(runspace, "Start-Job { 'one' } | Wait-Job | Receive-Job", time);
        var autoRemoved = await RunAsync(runspace, "Start-Job { 'two' } | Receive-Job -Wait -AutoRemoveJob", time);
        await RunAsync(runspace, "Get-Job | Remove-Job", time);
        var none = await RunAsync(runspace, "Get-Job | Remove-Job; Get-Job", time);

        Assert.That(received.OutputTexts, Is.EqualTo(new[] { "one" }));
        Assert.That(autoRemoved.OutputTexts, Is.EqualTo(new[] { "two" }));
        Assert.That(none.Records, Is.Empty, "every job was removed, and a Get-Job of none pipes nothing");
        Assert.That((await RunAsync(runspace, "$PsrpEmulatorPipedJobs -eq $null", time)).OutputTexts, Is.EqualTo(new[] { "True" }), "the piped jobs are not left in a variable");
    }

    [Test]
    public async Task Job_cmdlets_in_the_middle_of_a_pipeline_pass_their_objects_on()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);

        var sorted = await RunAsync(runspace, "$jobs = 1..2 | ForEach-Object { Start-Job { param($i) $i * 10 } -ArgumentList $_ }; ($jobs | Wait-Job | Receive-Job | Sort-Object -Descending) -join ','", time);
        var quiet = await RunAsync(runspace, "$j = Start-Job { 'd' }; Get-Job | Wait-Job | Out-Null; Receive-Job $j", time);
        var counted = await RunAsync(runspace, "(Get-Job | Wait-Job | Measure-Object).Count; Get-Job | Remove-Job; @(Get-Job | Wait-Job | Select-Object -First 1).Count", time);

        Assert.That(sorted.OutputTexts, Is.EqualTo(new[] { "20,10" }));
        Assert.That(quiet.OutputTexts, Is.EqualTo(new[] { "d" }));
        Assert.That(counted.OutputTexts, Is.EqualTo(new[] { "3", "0" }));
        Assert.That(sorted.Errors.Concat(quiet.Errors).Concat(counted.Errors), Is.Empty);
    }

    [Test]
    public async Task Wait_Job_Timeout_gives_up_after_its_seconds_on_the_sessions_clock_and_writes_nothing()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        var host = new RecordingHost { Runspace = runspace };
        var run = Default.Resolve(Behaviour.Script("$j = Start-Job { Start-Sleep 100; 'late' }; 'waiting'; $r = Wait-Job $j -Timeout 5; \"[$r]\"; $j.State; (Start-Job { 'soon' } | Wait-Job -Timeout 5).State"))
            .RunTestAsync(host, time);

        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 1, "the script waits for the job");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(run.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));
        await run;

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "waiting", "[]", "Running", "Completed" }));
        Assert.That(host.Errors, Is.Empty);
    }

    [Test]
    public async Task A_jobs_using_variables_are_the_callers_values_when_it_starts()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);

        var host = await RunAsync(runspace, "$v = 7; $name = 'web'; $j = Start-Job { \"using=$using:v $($using:name.ToUpper()) ${using:v}\" }; $v = 8; Receive-Job $j -Wait", time);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "using=7 WEB 7" }));
    }

    [Test]
    public async Task Start_Job_ArgumentList_binds_the_arguments_to_the_blocks_parameters()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        await RunAsync(runspace, "$n = 4", time);

        var doubled = await RunAsync(runspace, "$j = Start-Job { param($x) $x * 2 } -ArgumentList 4; Receive-Job $j -Wait", time);
        var joined = await RunAsync(runspace, "Start-Job -ScriptBlock { \"$($args[0])-$($args[1])\" } -ArgumentList 'a', 'b' | Receive-Job -Wait", time);
        var variable = await RunAsync(runspace, "Start-Job { param($x) $x + 1 } -ArgumentList $n -Name Adder | Receive-Job -Wait; (Get-Job -Name Adder).Name", time);

        Assert.That(doubled.OutputTexts, Is.EqualTo(new[] { "8" }));
        Assert.That(joined.OutputTexts, Is.EqualTo(new[] { "a-b" }));
        Assert.That(variable.OutputTexts, Is.EqualTo(new[] { "5", "Adder" }));
    }

    /// <summary>
    /// -ArgumentList is read in command mode (a bare word is a string, commas make an array), and the job is still its
    /// block's: its Command is the block's text, not the call the emulator runs it by.
    /// </summary>
    [Test]
    public async Task Start_Job_ArgumentList_reads_bare_words_as_strings_and_the_job_keeps_its_blocks_text()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);

        var host = await RunAsync(runspace, "$j = Start-Job { param($p) \"path=$p\" } -ArgumentList C:\\Windows\\Temp; Receive-Job $j -Wait; $j.Command; " +
            "Start-Job { $args.Count; $args[0].GetType().Name } -ArgumentList a, 2 | Receive-Job -Wait", time);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "path=C:\\Windows\\Temp", " param($p) \"path=$p\" ", "2", "String" }));
    }

    [Test]
    public async Task Variables_are_not_shared_between_runspaces()
    {
        var first = new RunspaceState();
        await RunAsync(first, "$x = 'first'");
        var other = await RunAsync(new RunspaceState(), "$x");
        Assert.That(other.Outputs, Is.EqualTo(new[] { PsNil.Instance }), "an unset variable is $null");
        Assert.That((await RunAsync(first, "$x")).OutputTexts, Is.EqualTo(new[] { "first" }));
    }

    [Test]
    public async Task A_script_no_rule_matches_whole_runs_statement_by_statement()
    {
        var host = await RunAsync(new RunspaceState(), "$x = 6*7; \"x is $x\"; $y = 1..3; $y");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "x is 42", "1", "2", "3" }));
    }

    [Test]
    public async Task An_assignment_takes_the_output_of_its_command_and_an_array_for_several_objects()
    {
        var runspace = new RunspaceState();
        await RunAsync(runspace, "$p = Get-Process");
        Assert.That((await RunAsync(runspace, "$p.Name")).OutputTexts, Is.EqualTo(new[] { "csrss", "csrss", "dwm", "fontdrvhost", "fontdrvhost", "Idle", "LogonUI", "lsass", "msdtc", "MsMpEng", "NisSrv", "Registry", "services", "SgrmBroker", "smss", "svchost", "svchost", "System", "wininit", "winlogon", "WmiPrvSE", "wsmprovhost" }));
    }

    [Test]
    public async Task Param_block_names_get_the_positional_arguments()
    {
        var host = await RunAsync(new RunspaceState(), "param($n) \"Hello $n\"", arguments: [new PipelineArgument(null, PsPrimitive.String("World"))]);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Hello World" }));
    }

    [Test]
    public async Task Arguments_left_over_from_the_param_block_are_args_and_defaults_fill_missing_ones()
    {
        var runspace = new RunspaceState();
        var host = await RunAsync(runspace, "param([Parameter(Mandatory)][string]$a, [int]$b = 7) \"$a $b\"; $args",
            arguments: [new PipelineArgument(null, PsPrimitive.String("one"))]);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "one 7" }), "$args is empty: nothing is written for it");

        var rest = await RunAsync(runspace, "param($a) $args", arguments:
            [new PipelineArgument(null, PsPrimitive.Int32(1)), new PipelineArgument(null, PsPrimitive.Int32(2)), new PipelineArgument(null, PsPrimitive.Int32(3))]);
        Assert.That(rest.Outputs, Is.EqualTo(new[] { PsPrimitive.Int32(2), PsPrimitive.Int32(3) }));
        Assert.That((await RunAsync(runspace, "$a")).Outputs, Is.EqualTo(new[] { PsNil.Instance }), "parameters belong to their pipeline");
    }

    [Test]
    public async Task Input_is_seen_as_dollar_input_and_as_dollar_underscore_in_ForEach_Object()
    {
        var input = new PsValue[] { PsPrimitive.Int32(1), PsPrimitive.Int32(2), PsPrimitive.Int32(3) };
        var doubled = await RunAsync(new RunspaceState(), "$input | ForEach-Object { $_ * 2 }", input: input);
        Assert.That(doubled.Outputs, Is.EqualTo(new[] { PsPrimitive.Int32(2), PsPrimitive.Int32(4), PsPrimitive.Int32(6) }));

        // What PowerShell sends for `1..3 | Invoke-Command { ForEach-Object { "Item $_" } }`.
        var items = await RunAsync(new RunspaceState(), "$input |ForEach-Object { \"Item $_\" }", input: input);
        Assert.That(items.OutputTexts, Is.EqualTo(new[] { "Item 1", "Item 2", "Item 3" }));

        var echoed = await RunAsync(new RunspaceState(), "$input", input: [PsPrimitive.String("a")]);
        Assert.That(echoed.OutputTexts, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task A_background_job_runs_on_the_virtual_clock_and_Receive_Job_takes_what_it_wrote_so_far()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        var started = await RunAsync(runspace, "$j = Start-Job { 1..3 | ForEach-Object { \"Return $_\"; Start-Sleep 30 } }", time);
        Assert.That(started.Records, Is.Empty, "the job went into $j");

        var first = await RunAsync(runspace, "Receive-Job $j", time);
        Assert.That(first.OutputTexts, Is.EqualTo(new[] { "Return 1" }));

        time.Advance(TimeSpan.FromSeconds(30));
        await Behaviour.EventuallyAsync(() => runspace.Jobs[0].HasMoreData, "Return 2 was written");
        var second = await RunAsync(runspace, "Receive-Job -Id 1 -Keep", time);
        Assert.That(second.OutputTexts, Is.EqualTo(new[] { "Return 2" }), "Return 1 was received without -Keep: gone");
        Assert.That((await RunAsync(runspace, "Receive-Job -Name Job1 -Keep", time)).OutputTexts, Is.EqualTo(new[] { "Return 2" }), "-Keep kept it");

        var state = await RunAsync(runspace, "$j.State", time);
        Assert.That(state.OutputTexts, Is.EqualTo(new[] { "Running" }));

        time.Advance(TimeSpan.FromSeconds(30));
        await Behaviour.EventuallyAsync(() => runspace.Jobs[0].ResultCount == 2, "Return 3 was written");
        time.Advance(TimeSpan.FromSeconds(30));
        await Behaviour.EventuallyAsync(() => runspace.Jobs[0].IsFinished, "the job finished");
        var rest = await RunAsync(runspace, "Receive-Job $j", time);
        Assert.That(rest.OutputTexts, Is.EqualTo(new[] { "Return 2", "Return 3" }));
        Assert.That((await RunAsync(runspace, "$j.State", time)).OutputTexts, Is.EqualTo(new[] { "Completed" }));
        Assert.That((await RunAsync(runspace, "Receive-Job $j", time)).Records, Is.Empty, "nothing left");
    }

    [Test]
    public async Task Receive_Job_Wait_waits_for_the_job_to_finish_on_the_virtual_clock()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        await RunAsync(runspace, "$j = Start-Job -ScriptBlock { 1..2 | % { \"Part $_\"; Start-Sleep 10 } }", time);

        var host = new RecordingHost { Runspace = runspace };
        var run = Default.Resolve(Behaviour.Script("Receive-Job $j -Wait")).RunTestAsync(host, time);
        Assert.That(run.IsCompleted, Is.False, "the job is still running");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Part 1" }), "results are written as they come");
        time.Advance(TimeSpan.FromSeconds(10));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 2, "Part 2 was received");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That((await run.WaitAsync(TimeSpan.FromSeconds(5))).State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Part 1", "Part 2" }));
    }

    [Test]
    public async Task Start_Job_writes_the_job_and_Get_Job_lists_the_jobs_with_PowerShell_ids()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        var started = await RunAsync(runspace, "Start-Job { Start-Sleep 60 }", time);
        var job = (PsObject)started.Outputs.Single();
        Assert.That(job.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.PSRemotingJob", "System.Management.Automation.Job", "System.Object" }));
        Assert.That(job["Id"], Is.EqualTo(PsPrimitive.Int32(1)));
        Assert.That(job["Name"], Is.EqualTo(PsPrimitive.String("Job1")));
        Assert.That(job["PSJobTypeName"], Is.EqualTo(PsPrimitive.String("BackgroundJob")));
        Assert.That(job["State"]!.ToDisplayString(), Is.EqualTo("Running"));
        Assert.That(job["Location"], Is.EqualTo(PsPrimitive.String("localhost")));
        Assert.That(job["Command"], Is.EqualTo(PsPrimitive.String(" Start-Sleep 60 ")));

        await RunAsync(runspace, "Start-Job -Name Second { 'done' }", time);
        var list = await RunAsync(runspace, "Get-Job", time);
        var jobs = list.Outputs.Cast<PsObject>().ToList();
        Assert.That(jobs.Select(j => j["Id"]!.ToDisplayString()), Is.EqualTo(new[] { "1", "3" }), "each Start-Job also takes an Id for its child job");
        Assert.That(jobs.Select(j => j["Name"]!.ToDisplayString()), Is.EqualTo(new[] { "Job1", "Second" }));
        Assert.That(jobs.Select(j => j["State"]!.ToDisplayString()), Is.EqualTo(new[] { "Running", "Completed" }));
        Assert.That(jobs.Select(j => j["HasMoreData"]), Is.EqualTo(new[] { PsPrimitive.Boolean(false), PsPrimitive.Boolean(true) }));
    }

    /// <summary>-Name "deploy-$server": the name the string expands to, for Start-Job and for the job cmdlets that find it; single quotes keep it.</summary>
    [Test]
    public async Task A_job_name_in_double_quotes_is_what_the_string_expands_to()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        var host = await RunAsync(runspace, "$i = 3; (Start-Job -Name \"job-$i\" { 'ran' }).Name; (Start-Job -Name 'lit-$i' { 1 }).Name; Wait-Job -Name \"job-$i\" | Receive-Job", time);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "job-3", "lit-$i", "ran" }));
    }

    [Test]
    public async Task Receive_Job_for_an_unknown_id_or_name_writes_PowerShell_s_error()
    {
        var runspace = new RunspaceState();
        var host = await RunAsync(runspace, "Receive-Job -Id 7");
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("JobWithSpecifiedSessionNotFound,Microsoft.PowerShell.Commands.ReceiveJobCommand"));
        Assert.That(host.Errors.Single().Message, Does.StartWith("The command cannot find a job with the job ID 7."));
        var byName = await RunAsync(runspace, "Receive-Job -Name Nope");
        Assert.That(byName.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("JobWithSpecifiedNameNotFound,Microsoft.PowerShell.Commands.ReceiveJobCommand"));
    }

    [Test]
    public async Task Jobs_belong_to_their_runspace_and_stop_when_it_closes()
    {
        var time = new FakeTimeProvider();
        var runspace = new RunspaceState(time);
        await RunAsync(runspace, "$j = Start-Job { Start-Sleep 3600 }", time);
        Assert.That((await RunAsync(new RunspaceState(time), "Get-Job", time)).Records, Is.Empty);

        runspace.Close();
        await Behaviour.EventuallyAsync(() => runspace.Jobs[0].IsFinished, "the job stopped");
        Assert.That(runspace.Jobs[0].State, Is.EqualTo(JobState.Stopped));
    }

    [Test]
    public async Task A_failing_job_is_Failed_and_Receive_Job_writes_its_reason()
    {
        var runspace = new RunspaceState();
        await RunAsync(runspace, "$j = Start-Job { throw 'boom' }");
        Assert.That((await RunAsync(runspace, "$j.State")).OutputTexts, Is.EqualTo(new[] { "Failed" }));
        var received = await RunAsync(runspace, "Receive-Job $j");
        Assert.That(received.Errors.Single().Message, Is.EqualTo("boom"));
    }

    [Test]
    public async Task A_job_holds_at_most_MaxResults_and_goes_on_when_Receive_Job_takes_them()
    {
        var runspace = new RunspaceState(new FakeTimeProvider());
        await RunAsync(runspace, "$j = Start-Job { 1..15000 }");
        var job = runspace.Jobs.Single();
        // The loop runs inline only for a time slice of real time: on a loaded machine it may hand its thread back
        // before it has filled the job, so wait for it to get there (it must stop there, not go on).
        await Behaviour.EventuallyAsync(() => job.ResultCount >= BackgroundJob.MaxResults, "the job filled up");
        Assert.That((job.ResultCount, job.State), Is.EqualTo((BackgroundJob.MaxResults, JobState.Running)), "the job waits for room");

        var first = await RunAsync(runspace, "Receive-Job $j");
        Assert.That(first.Outputs, Has.Count.EqualTo(BackgroundJob.MaxResults));
        await Behaviour.EventuallyAsync(() => job.IsFinished, "the job went on and finished");
        var rest = await RunAsync(runspace, "Receive-Job $j");
        Assert.That(rest.OutputTexts, Has.Count.EqualTo(5000));
        Assert.That(rest.OutputTexts[^1], Is.EqualTo("15000"));
    }

    [Test]
    public async Task A_range_piped_to_ForEach_Object_runs_its_body_statements_with_dollar_underscore()
    {
        var runspace = new RunspaceState();
        var host = await RunAsync(runspace, "1..3 | ForEach-Object { $_ * 2 }");
        Assert.That(host.Outputs, Is.EqualTo(new[] { PsPrimitive.Int32(2), PsPrimitive.Int32(4), PsPrimitive.Int32(6) }));

        await RunAsync(runspace, "$name = 'srv'");
        var mixed = await RunAsync(runspace, "1..2 | % { \"$name-$_\"; $_ + 10 }");
        Assert.That(mixed.OutputTexts, Is.EqualTo(new[] { "srv-1", "11", "srv-2", "12" }));
    }

    /// <summary>
    /// A loop with no wait in it runs inline only for a moment: the request that started it gets its answer, the
    /// rest runs on the thread pool, and stopping the pipeline ends it.
    /// </summary>
    [TestCase("1..999999999 | ForEach-Object { $x = $_ }")]
    [TestCase("$j = Start-Job { 1..999999999 | ForEach-Object { $x = $_ } }")]
    public async Task A_long_loop_without_waits_hands_back_the_thread_and_stops_when_told(string text)
    {
        var runspace = new RunspaceState();
        var host = new RecordingHost([]) { Runspace = runspace };
        using var stop = new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.StartNew();

        var run = Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider(), stop.Token);

        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the loop ran inline");
        stop.Cancel();
        runspace.Close();
        Assert.That(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))), Is.SameAs(run), "the loop did not stop");
        foreach (var job in runspace.Jobs)
        {
            for (var i = 0; i < 100 && !job.IsFinished; i++) await Task.Delay(100);
            Assert.That(job.State, Is.EqualTo(JobState.Stopped));
        }
    }

    [Test]
    public async Task An_assignment_of_more_objects_than_the_emulator_keeps_fails_the_pipeline_with_an_error_record()
    {
        var runspace = new RunspaceState();
        var host = new RecordingHost([]) { Runspace = runspace };

        var outcome = await Default.Resolve(Behaviour.Script("$x = 1..999999999 | ForEach-Object { $_ }")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Does.Contain(CapturingHost.MaxValues.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(runspace.TryGetVariable("x", out _), Is.False);
        await RunAsync(runspace, "$y = 1..1000 | ForEach-Object { $_ }");
        Assert.That(runspace.TryGetVariable("y", out var y) && y is PsObject { Items.Count: 1000 }, Is.True);
    }
}
