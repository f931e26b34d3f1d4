using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Seeded random scripts from PowerShell's pieces (quotes, braces, pipes, ranges, assignments, jobs) through the
/// default behaviours: each ends with an outcome (an error record at worst), never an exception or a hang.
/// </summary>
public class RandomScriptTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly string[] Pieces =
    [
        "$x", "$y", "$_", "$input", "=", " = ", "|", " | ", "{", "}", "(", ")", "[", "]", "'", "\"", "`", ";", "\n", "#", "@(", "@{", " ",
        "1..3", "5..1", "-2..2", "ForEach-Object", "%", "Start-Job", "Receive-Job", "Get-Job", "-Wait", "-Keep", "Write-Output", "Write-Error",
        "'text'", "\"a $x b\"", "$_ * 2", "$_ + 1", "param($a)", "$args", "Start-Sleep 1", "Get-Date", "$true", "$null", "hostname", "42", "-1",
    ];

    [Test]
    public async Task Random_scripts_end_with_an_outcome_and_never_an_exception()
    {
        var random = new Random(20261128);
        for (var i = 0; i < 1500; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var runspace = new RunspaceState();
            var host = new RecordingHost([]) { Runspace = runspace };
            // Sleeps wait on a clock nobody moves: cancelling is how those end.
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider(), stop.Token);
                Assert.That(outcome.State, Is.AnyOf(PSInvocationState.Completed, PSInvocationState.Failed, PSInvocationState.Stopped), text);
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for script <<{text}>>: {e}");
            }
            finally
            {
                runspace.Close();
            }
        }
    }
}
