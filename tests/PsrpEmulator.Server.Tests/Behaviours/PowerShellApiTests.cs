using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The in-process PowerShell API 5.1 scripts run work side by side with ([powershell]::Create(), runspace pools, a
/// synchronized table passed to each): each expectation is what pwsh 7.6.9 printed for the same script, side by side.
/// </summary>
public class PowerShellApiTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = Default.NewFileSystem("Server01", TimeProvider.System, 1L << 30) };
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(run.IsCompleted, Is.True, "the script waited where it should run straight through");
        await run;
        return host;
    }

    [TestCase(@"$ps = [powershell]::Create(); [void]$ps.AddScript({ param($x) $x * 2 }).AddArgument(21); $r = $ps.Invoke(); $r; $ps.HadErrors; $ps.InvocationStateInfo.State; $ps.Dispose()",
        "42|False|Completed")]
    // Runs in a runspace of its own: the caller's variables and functions are not its, nor its the caller's.
    [TestCase(@"$x = 'outer'; [powershell]::Create().AddScript({ ""[$x]""; function f { 'in f' }; f }).Invoke(); @(Get-Command f -ErrorAction SilentlyContinue).Count",
        "[]|in f|0")]
    [TestCase(@"[powershell]::Create().AddScript({ param($a, $b) ""$a-$b"" }).AddParameters(@{ a = 1; b = 2 }).Invoke(); [powershell]::Create().AddScript({ ""$args"" }).AddParameters(@(7, 8)).Invoke()",
        "1-2|7 8")]
    [TestCase(@"[powershell]::Create().AddCommand('Get-Date').AddParameter('Year', 2001).AddParameter('Format', 'yyyy').Invoke(); $m = [powershell]::Create().AddScript({ 1..3 }).AddCommand('Measure-Object').Invoke(); $m.Count; $m[0].Count",
        "2001|1|3")]
    // Its errors, warnings and verbose records are its streams', not the caller's.
    [TestCase(@"$ps = [powershell]::Create().AddScript({ Write-Error 'oops'; Write-Warning 'careful'; Write-Verbose 'v' -Verbose; 'after' }); $ps.Invoke(); $ps.HadErrors; $ps.Streams.Error.Count; ""$($ps.Streams.Error[0])""; ""$($ps.Streams.Warning[0])""; $ps.Streams.Verbose.Count",
        "after|True|1|oops|careful|1")]
    // A terminating error: Invoke's MethodInvocationException, State Failed with the exception as the Reason.
    [TestCase(@"$ps = [powershell]::Create().AddScript({ throw 'boom' }); try { $ps.Invoke() } catch { ""$_"" }; $ps.InvocationStateInfo.State; $ps.InvocationStateInfo.Reason.Message; $ps.Streams.Error.Count",
        "Exception calling \"Invoke\" with \"0\" argument(s): \"boom\"|Failed|boom|0")]
    [TestCase(@"$ps = [powershell]::Create(); try { $ps.Invoke() } catch { ""$_"" }; try { $ps.AddArgument(1) } catch { ""$_"" }",
        "Exception calling \"Invoke\" with \"0\" argument(s): \"No commands are specified.\"|Exception calling \"AddArgument\" with \"1\" argument(s): \"A command is required to add a parameter. A command must be added to the PowerShell instance before adding a parameter.\"")]
    // A Runspace keeps its session state from one invocation to the next, with what SessionStateProxy.SetVariable set.
    [TestCase(@"$rs = [runspacefactory]::CreateRunspace(); $rs.Open(); $rs.SessionStateProxy.SetVariable('greet', 'hi'); $ps = [powershell]::Create(); $ps.Runspace = $rs; [void]$ps.AddScript('$greet; $kept = 5'); $ps.Invoke(); $ps.Commands.Clear(); [void]$ps.AddScript('$kept'); $ps.Invoke(); $rs.Close(); $rs.RunspaceStateInfo.State",
        "hi|5|Closed")]
    // An InitialSessionState's variable and function entries start each runspace of a pool made from it.
    [TestCase(@"$sync = [hashtable]::Synchronized(@{ n = 0 }); $iss = [initialsessionstate]::CreateDefault(); $iss.Variables.Add((New-Object System.Management.Automation.Runspaces.SessionStateVariableEntry -ArgumentList 'sync', $sync, $null)); $iss.Commands.Add([System.Management.Automation.Runspaces.SessionStateFunctionEntry]::new('Get-Twice', 'param($v) $v * 2')); $pool = [runspacefactory]::CreateRunspacePool(1, 2, $iss, $Host); $pool.Open(); $ps = [powershell]::Create(); $ps.RunspacePool = $pool; [void]$ps.AddScript({ $sync.n = Get-Twice 21; 'ok' }); $ps.Invoke(); $sync.n; $e = [System.Management.Automation.Runspaces.SessionStateVariableEntry]::new('x', 5, 'desc'); $e.Name; $e.Value; $e.Description",
        "ok|42|x|5|desc")]
    public async Task A_PowerShell_instance_runs_its_commands_in_a_runspace_of_its_own(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts) + string.Join("|", host.Errors.Select(e => e.Message)), Is.EqualTo(expected));
    }

    /// <summary>
    /// An invocation that waits (a loop until its caller sets a flag) goes on in the background after BeginInvoke: its
    /// handle is not IsCompleted until it ends, EndInvoke waits for its end, Stop() stops one that never would (its EndInvoke
    /// then PipelineStoppedException; pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task An_invocation_that_waits_goes_on_in_the_background_until_its_caller_lets_it_end()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = Default.NewFileSystem("Server01", TimeProvider.System, 1L << 30) };
        var clock = new FakeTimeProvider();

        var run = Default.Resolve(Behaviour.Script("""
            $sync = [hashtable]::Synchronized(@{ stop = $false })
            $ps = [powershell]::Create().AddScript({ param($s) while (-not $s.stop) { Start-Sleep -Milliseconds 100 }; 'stopped' }).AddArgument($sync)
            $h = $ps.BeginInvoke()
            $h.IsCompleted
            Start-Sleep -Milliseconds 500
            $sync.stop = $true
            $ps.EndInvoke($h)
            $h.IsCompleted
            $forever = [powershell]::Create().AddScript({ while ($true) { Start-Sleep -Milliseconds 100 } })
            $f = $forever.BeginInvoke()
            Start-Sleep -Milliseconds 300
            $forever.Stop()
            try { $forever.EndInvoke($f) } catch { "$_" }
            $f.IsCompleted
            $forever.InvocationStateInfo.State
            """)).RunTestAsync(host, clock);
        // The clock moves as the scripts sleep on it.
        for (var step = 0; step < 2_000 && !run.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "stopped", "True", "Exception calling \"EndInvoke\" with \"1\" argument(s): \"The pipeline has been stopped.\"", "True", "Stopped" }));
    }

    /// <summary>More output than a job holds before its writes wait: taken as it comes, none lost, no wait forever.</summary>
    [Test]
    public async Task An_invocation_s_output_beyond_a_job_s_buffer_is_all_taken()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = Default.NewFileSystem("Server01", TimeProvider.System, 1L << 30) };

        await Default.Resolve(Behaviour.Script("$r = [powershell]::Create().AddScript({ 1..25000 }).Invoke(); $r.Count; $r[-1]")).RunTestAsync(host, new FakeTimeProvider())
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "25000", "25000" }));
    }

    /// <summary>
    /// The runspace-pool idiom: BeginInvoke for each item with a synchronized table as an argument, wait on the handles'
    /// IsCompleted, EndInvoke each; the table is the caller's own object.
    /// </summary>
    [Test]
    public async Task BeginInvoke_and_EndInvoke_over_a_pool_share_a_synchronized_table_with_the_caller()
    {
        var host = await RunAsync("""
            $pool = [runspacefactory]::CreateRunspacePool(1, 4); $pool.Open()
            $sync = [hashtable]::Synchronized(@{})
            $jobs = foreach ($i in 1..3) {
                $p = [powershell]::Create(); $p.RunspacePool = $pool
                [void]$p.AddScript({ param($s, $n) $s[$n] = $n * 10; "done $n" }).AddArgument($sync).AddArgument($i)
                [pscustomobject]@{ P = $p; H = $p.BeginInvoke() }
            }
            while ($jobs.H.IsCompleted -contains $false) { Start-Sleep -Milliseconds 100 }
            foreach ($j in $jobs) { $j.P.EndInvoke($j.H); $j.P.Dispose() }
            ($sync.Keys | Sort-Object) -join ','
            $sync[2]
            $pool.Close(); $pool.RunspacePoolStateInfo.State
            try { [powershell]::Create().EndInvoke($null) } catch { $_.FullyQualifiedErrorId }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "done 1", "done 2", "done 3", "1,2,3", "20", "Closed", "ArgumentException" }));
    }
}
