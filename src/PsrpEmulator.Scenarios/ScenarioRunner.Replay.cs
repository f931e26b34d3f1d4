using System.Diagnostics;
using System.Text;
using PsrpEmulator.Client.Replay;
using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.Scenarios;

public sealed partial class ScenarioRunner
{
    /// <summary>The differences a failed replay step lists (the rest are counted).</summary>
    private const int ReplayDifferencesShown = 20;

    /// <summary>
    /// A <c>replay:</c> step: the recording's requests in order over a Basic client of the world's user, on a thread
    /// of its own while the clock moves as for a WinRS client (a held Receive lets virtual time pass); it passes when
    /// every response is as recorded.
    /// </summary>
    private StepResult RunReplay(ReplayStep step, Stopwatch watch)
    {
        var journalBefore = LastSequence();
        var start = Time.GetUtcNow();
        RecordedExchange recording;
        try
        {
            recording = RecordedExchange.Parse(Path.GetFileName(step.File), File.ReadAllText(step.File));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new StepResult(step, false, $"{step.Position}: the recording cannot be read: {e.Message}", string.Empty, [], [], TimeSpan.Zero, watch.Elapsed);
        }

        var computer = step.Computer ?? _scenario.World.Computers[0];
        if (!_scenario.World.Computers.Contains(computer, StringComparer.OrdinalIgnoreCase))
        {
            return new StepResult(step, false, $"{step.Position}: '{computer}' is not one of the world's computers", string.Empty, [], [], TimeSpan.Zero, watch.Elapsed);
        }

        // Nothing is retransmitted: each recorded request goes out once.
        using var transport = new WsManTransport(ClientOptions(computer, robust: false))
        {
            Activity = _clients.Track,
        };

        ReplayReport? report = null;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                report = Replayer.ReplayAsync(recording, transport, step.CompareMessages).GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "scenario replay",
        };
        thread.Start();
        DriveClock(done.Task, thread, start);
        done.Task.GetAwaiter().GetResult();

        var elapsed = Time.GetUtcNow() - start;
        var entries = Journal.Snapshot().Where(e => e.Sequence > journalBefore).ToList();
        var lines = report!.Requests
            .SelectMany(r => r.Error is { } error ? [$"#{r.Index} {r.Action}: not compared: {error}"] : r.Differences.Select(d => $"#{r.Index} {r.Action}: {d}"))
            .ToList();
        var summary = $"{report.Name}: {report.Requests.Count} of {report.Recorded} requests replayed, {report.Requests.Count(r => r.Differences.Count > 0)} with differences";
        var text = new StringBuilder().AppendLine(summary);
        foreach (var line in lines) text.AppendLine(line);
        string? failure = null;
        if (!report.Identical)
        {
            var shown = string.Join(Environment.NewLine, lines.Take(ReplayDifferencesShown));
            var more = lines.Count > ReplayDifferencesShown ? $"{Environment.NewLine}... and {lines.Count - ReplayDifferencesShown} more" : string.Empty;
            failure = $"{step.Position}: {summary}:{Environment.NewLine}{shown}{more}";
        }

        return new StepResult(step, failure is null, failure, text.ToString(), [], [], elapsed, watch.Elapsed) { Requests = entries };
    }
}
