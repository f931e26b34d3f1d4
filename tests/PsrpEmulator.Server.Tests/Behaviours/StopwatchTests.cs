using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// System.Diagnostics.Stopwatch on the session's clock, as scripts time their waits: virtual time passes as Start-Sleep
/// waits, and the stopwatch reads it whenever it is read.
/// </summary>
public class StopwatchTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    // Runs the script, moving the clock a tenth of a second at a time while it waits (its Start-Sleeps).
    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        for (var step = 0; !run.IsCompleted && step < 10_000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        Assert.That(run.IsCompleted, Is.True, "the script ended within 1,000 virtual seconds");
        return (host, await run);
    }

    private static async Task<string> OutputOfAsync(string script)
    {
        var (host, outcome) = await RunAsync(script);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [Test]
    public async Task A_wait_loop_on_a_stopwatch_ends_when_its_time_has_passed()
    {
        var output = await OutputOfAsync("""
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $tries = 0
            while ($sw.Elapsed.TotalSeconds -lt 30) { $tries++; Start-Sleep -Seconds 5 }
            "tries $tries"
            $sw.Elapsed.TotalSeconds -ge 30
            """);

        Assert.That(output, Is.EqualTo("tries 6|True"));
    }

    [Test]
    public async Task Stop_keeps_the_elapsed_time_Start_goes_on_from_it_and_Reset_and_Restart_clear_it()
    {
        var output = await OutputOfAsync("""
            $sw = New-Object System.Diagnostics.Stopwatch
            $sw.IsRunning; $sw.ElapsedMilliseconds
            $sw.Start(); Start-Sleep -Seconds 2; $sw.Stop()
            $sw.IsRunning; $sw.ElapsedMilliseconds
            Start-Sleep -Seconds 3
            $sw.ElapsedMilliseconds
            $sw.Start(); Start-Sleep -Seconds 1
            $sw.Elapsed.TotalSeconds
            $sw.Restart(); $sw.ElapsedMilliseconds
            $sw.Reset(); $sw.IsRunning; $sw.Elapsed
            """);

        Assert.That(output, Is.EqualTo("False|0|False|2000|2000|3|0|False|00:00:00"));
    }

    [Test]
    public async Task The_stopwatch_type_answers_its_static_members_and_new()
    {
        var output = await OutputOfAsync("""
            [System.Diagnostics.Stopwatch]::Frequency
            [Diagnostics.Stopwatch]::IsHighResolution
            $a = [Diagnostics.Stopwatch]::GetTimestamp(); Start-Sleep -Seconds 1; ([Diagnostics.Stopwatch]::GetTimestamp() - $a) / [Diagnostics.Stopwatch]::Frequency
            $w = [Diagnostics.Stopwatch]::new(); $w.IsRunning
            "$($w.GetType().FullName)"
            """);

        Assert.That(output, Is.EqualTo("10000000|True|1|False|System.Diagnostics.Stopwatch"));
    }

    [Test]
    public async Task A_stopwatch_written_out_shows_its_time_as_it_was_read()
    {
        var (host, _) = await RunAsync("$sw = [Diagnostics.Stopwatch]::StartNew(); Start-Sleep -Seconds 4; $sw.Stop(); $sw");

        var watch = (PsObject)host.Outputs.Single();
        Assert.That(watch.TypeNames![0], Is.EqualTo("System.Diagnostics.Stopwatch"));
        Assert.That(watch["ElapsedMilliseconds"], Is.EqualTo(PsPrimitive.Int64(4000)));
        Assert.That(watch["IsRunning"], Is.EqualTo(PsPrimitive.Boolean(false)));
    }
}
