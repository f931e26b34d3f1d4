using System.Text;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Tests;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Random sequences of the disconnected-session operations (Invoke-Command -AsJob, Disconnect-PSSession,
/// Receive-PSSession from the first client and from new ones, Get-PSSession as the owner and as another user,
/// Remove-PSSession, idle time passing and expiring) against a small model of who holds the session. Each operation
/// the model allows must succeed, each it forbids must fail with a PowerShell error (never another exception), and
/// the numbered output every client collected must never repeat or go backwards; in Block mode, when the session was
/// neither removed nor expired, all of it arrives. The server must answer no request with an internal error.
/// A failure prints the seed and the operations; <c>PSRP_FUZZ_SEED</c> / <c>PSRP_FUZZ_RUNS</c> run other sequences.
/// </summary>
public class DisconnectedSessionModelTests : SessionTestBase
{
    private static readonly PSCredential Other = new("other", "other");

    /// <summary>A small output buffer, so that Block mode holds the pipeline back and Drop mode drops.</summary>
    protected override void Configure(EmulatorOptions options)
    {
        options.OutputBufferCapacity = 4;
        options.Users = ["psrp:psrp", "other:other"];
    }

    [TestCase(OutputBufferingMode.Block, 7100)]
    [TestCase(OutputBufferingMode.Drop, 7200)]
    public async Task Random_disconnect_and_receive_sequences_never_repeat_reorder_or_lose_output(OutputBufferingMode mode, int fixedSeed)
    {
        var seed = Fuzz.Seed(fixedSeed);
        var runs = Fuzz.Runs(6);
        for (var run = 0; run < runs; run++)
        {
            var sequence = new Sequence(this, mode, new Random(seed + run), $"S{seed + run}");
            try
            {
                await sequence.RunAsync();
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed + run} ({mode}): {e.Message}\n{sequence.Log}\n{e}");
            }
        }

        var internalErrors = Emulator.Journal.Snapshot().Where(e => e.Fault == WsManFaultReason.InternalError || e.HttpStatus >= 500 && e.Fault is null).ToList();
        Assert.That(internalErrors, Is.Empty, string.Join("\n", internalErrors));
    }

    private enum Holder { None, A, B }

    /// <summary>One session, one numbered command, a dozen random operations, then a drain and the checks.</summary>
    private sealed class Sequence(DisconnectedSessionModelTests test, OutputBufferingMode mode, Random random, string name)
    {
        private readonly StringBuilder _log = new();
        private readonly List<PSRemotingJob> _jobs = [];
        private readonly List<int> _collected = [];
        private PSRemotingClient _a = null!;
        private PSSession _aSession = null!;
        private PSRemotingClient? _b;
        private PSSession? _bSession;
        private Holder _holder = Holder.A;
        private bool _gone;
        private bool _lost;
        private bool _everDisconnected;
        private bool _stopped;
        private PSRemotingJob? _holderJob;
        private TimeSpan _idle;
        private TimeSpan _disconnectedFor;
        private int _count;

        public string Log => _log.ToString();

        // PSRP_MODEL_LOG=1 prints each operation as it starts (a sequence that hangs shows where).
        private static readonly bool Live = Environment.GetEnvironmentVariable("PSRP_MODEL_LOG") is not null;

        private void Note(string line)
        {
            _log.AppendLine(line);
            if (Live) TestContext.Progress.WriteLine(line);
        }

        public async Task RunAsync()
        {
            _count = random.Next(3, 25);
            var sleep = random.Next(3) switch { 0 => 0, 1 => 300, _ => 1500 };
            var script = $"1..{_count} | ForEach-Object {{ \"n$_\"; Start-Sleep -Milliseconds {sleep} }}";
            Note($"{name}: {mode}, {script}");

            _a = test.NewClient();
            var option = Option with { OutputBufferingMode = mode, IdleTimeout = TimeSpan.FromSeconds(random.Next(60, 300)) };
            if (random.Next(3) == 0)
            {
                // Invoke-Command -InDisconnectedSession: no job until a Receive-PSSession makes one.
                Note("Invoke-Command -InDisconnectedSession");
                _aSession = await Quick(_a.InvokeInDisconnectedSessionAsync(test.Target, Credential, script, name, sessionOption: option));
                (_holder, _idle, _everDisconnected) = (Holder.None, option.IdleTimeout!.Value, true);
            }
            else
            {
                _aSession = await Quick(_a.NewSessionAsync(test.Target, Credential, name: name, sessionOption: option));
                Track(await Quick(_a.InvokeAsJobAsync(_aSession, script)));
            }

            for (var step = 0; step < 14 && !_gone; step++)
            {
                await StepAsync(random.Next(12));
            }

            await DrainAsync();
            Check();
        }

        private async Task StepAsync(int choice)
        {
            switch (choice)
            {
                case 0:
                case 1:
                    Note("advance a little");
                    await AdvanceAsync(TimeSpan.FromMilliseconds(random.Next(100, 3000)));
                    break;
                case 2:
                    if (_holder == Holder.None) break;
                    Note($"Disconnect-PSSession by {_holder}");
                    _idle = TimeSpan.FromSeconds(random.Next(60, 300));
                    var (client, session) = _holder == Holder.A ? (_a, _aSession) : (_b!, _bSession!);
                    await Quick(client.DisconnectAsync(session, (int)_idle.TotalSeconds));
                    _holder = Holder.None;
                    _everDisconnected = true;
                    _disconnectedFor = TimeSpan.Zero;
                    break;
                case 3:
                    if (_holder == Holder.A) break;
                    Note($"Receive-PSSession -Session (A) while held by {_holder}");
                    await ExpectAsync(_holder == Holder.None, async () =>
                    {
                        var result = await Quick(_a.ReceiveAsync(_aSession, OutTarget.Job));
                        Assert.That(result.Job, Is.Not.Null);
                        Track(result.Job!);
                        _holder = Holder.A;
                    });
                    break;
                case 4:
                    if (_holder == Holder.B) break;
                    Note($"Receive-PSSession -ComputerName -Name (a new client B) while held by {_holder}");
                    var b = test.NewClient();
                    var found = await Quick(b.FindSessionsToReceiveAsync(test.Target, Credential, name: name, sessionOption: Option));
                    Assert.That(found, Has.Count.EqualTo(1), "the owner's query finds the session");
                    await ExpectAsync(_holder == Holder.None, async () =>
                    {
                        var result = await Quick(b.ReceiveQueriedAsync(found[0], OutTarget.Job));
                        Assert.That(result.Job, Is.Not.Null);
                        Track(result.Job!);
                        (_b, _bSession, _holder) = (b, result.Session, Holder.B);
                    });
                    break;
                case 5:
                    Note($"Get-PSSession -ComputerName while held by {_holder}");
                    var listed = (await Quick(test.NewClient().GetRemoteSessionsAsync(test.Target, Credential, sessionOption: Option))).Where(s => s.Name == name).ToList();
                    Assert.That(listed, Has.Count.EqualTo(1));
                    Assert.That(listed[0].State, Is.EqualTo(RunspaceState.Disconnected));
                    Assert.That(listed[0].Availability, Is.EqualTo(_holder == Holder.None ? RunspaceAvailability.None : RunspaceAvailability.Busy));
                    var others = await Quick(test.NewClient().GetRemoteSessionsAsync(test.Target, Other, sessionOption: Option));
                    Assert.That(others.Select(s => s.Name), Does.Not.Contain(name), "another user never sees the session");
                    break;
                case 6:
                    if (_holder != Holder.None) break;
                    Note("the idle timeout passes");
                    await AdvanceAsync(_idle - _disconnectedFor + TimeSpan.FromSeconds(30));
                    _gone = _lost = true;
                    Assert.That(await Quick(test.NewClient().FindSessionsToReceiveAsync(test.Target, Credential, name: name, sessionOption: Option)), Is.Empty,
                        "an expired session is not listed");
                    await ExpectAsync(false, () => Quick(_a.ReceiveAsync(_aSession, OutTarget.Job)));
                    break;
                case 7:
                    Note("Receive-Job of every job");
                    CollectAll();
                    break;
                case 8:
                    if (_holder == Holder.None) break;
                    Note($"Disconnect-PSSession by {_holder} racing Receive-PSSession -ComputerName -Name from a new client B");
                    await RaceAsync();
                    break;
                case 9:
                    if (_holder != Holder.None) break;
                    Note("two new clients race to Receive-PSSession -ComputerName -Name");
                    await RaceTwoReceiversAsync();
                    break;
                case 10:
                    if (_holder == Holder.None || _holderJob is null || random.Next(2) != 0) break;
                    Note($"Stop-Job of {_holder}'s job ({_holderJob.State})");
                    await Quick(_holderJob.StopAsync());
                    Assert.That(_holderJob.IsFinished, Is.True, "a stopped job has ended");
                    _stopped = true;
                    break;
                default:
                    if (_holder == Holder.None || random.Next(3) != 0) break;
                    Note($"Remove-PSSession by {_holder}");
                    await Quick(_holder == Holder.A ? _a.RemoveAsync(_aSession) : _b!.RemoveAsync(_bSession!));
                    _gone = _lost = true;
                    break;
            }
        }

        /// <summary>
        /// The holder disconnects while a new client tries to receive: the server takes them in some order, so the new
        /// client either connects after the disconnect or is refused before it; nothing is delivered twice either way.
        /// </summary>
        private async Task RaceAsync()
        {
            _idle = TimeSpan.FromSeconds(random.Next(60, 300));
            var (client, session) = _holder == Holder.A ? (_a, _aSession) : (_b!, _bSession!);
            var racer = test.NewClient();
            var disconnect = client.DisconnectAsync(session, (int)_idle.TotalSeconds);
            var receive = TryReceiveAsync(racer);
            await Quick(disconnect);
            var won = await Quick(receive);
            _everDisconnected = true;
            if (won is null)
            {
                _holder = Holder.None;
                _disconnectedFor = TimeSpan.Zero;
                return;
            }

            Note("  B connected after the disconnect");
            Track(won.Job!);
            (_b, _bSession, _holder) = (racer, won.Session, Holder.B);
        }

        /// <summary>Two clients connect to the disconnected session at once: exactly one gets it, the other a PowerShell error.</summary>
        private async Task RaceTwoReceiversAsync()
        {
            var (first, second) = (test.NewClient(), test.NewClient());
            var results = await Quick(Task.WhenAll(TryReceiveAsync(first), TryReceiveAsync(second)));
            Assert.That(results.Count(r => r is not null), Is.EqualTo(1), "exactly one client connects");
            var won = results.Single(r => r is not null)!;
            Note($"  client {(results[0] is null ? "2" : "1")} connected");
            Track(won.Job!);
            (_b, _bSession, _holder) = (results[0] is null ? second : first, won.Session, Holder.B);
        }

        private async Task<ReceivePSSessionResult?> TryReceiveAsync(PSRemotingClient client)
        {
            var found = await client.FindSessionsToReceiveAsync(test.Target, Credential, name: name, sessionOption: Option);
            Assert.That(found, Has.Count.EqualTo(1), "the owner's query finds the session");
            try
            {
                var result = await client.ReceiveQueriedAsync(found[0], OutTarget.Job);
                Assert.That(result.Job, Is.Not.Null);
                return result;
            }
            catch (PSRemotingException e)
            {
                Note($"  B refused: {e.FullyQualifiedErrorId}: {e.Message}");
                return null;
            }
        }

        /// <summary>Whoever can gets the rest: the holder's job runs to its end, or a new client receives to its host.</summary>
        private async Task DrainAsync()
        {
            if (!_gone && _holder == Holder.None)
            {
                Note("drain: Receive-PSSession -ComputerName -Name (a new client C, to the host)");
                var c = test.NewClient();
                var result = await Finished(c.ReceiveAsync(test.Target, Credential, name: name, sessionOption: Option));
                Assert.That(result?.Results, Is.Not.Null);
                Take(result!.Results!.OutputText, "C");
                await Quick(c.RemoveAsync(result.Session));
            }
            else if (!_gone)
            {
                Note($"drain: {_holder}'s job to its end");
                var job = _holderJob!;
                await Finished(job.WaitAsync(force: true));
                CollectAll();
                await Quick(_holder == Holder.A ? _a.RemoveAsync(_aSession) : _b!.RemoveAsync(_bSession!));
            }

            CollectAll();
            _gone = true;
        }

        private void Check()
        {
            Note($"collected {string.Join(",", _collected)}");
            Assert.That(_collected, Is.Unique, "no output arrives twice");
            Assert.That(_collected, Is.All.InRange(1, _count));
            // Drop discards only while no client is connected (MS-WSMV 2.2.5.10).
            if (!_lost && !_stopped && (mode == OutputBufferingMode.Block || !_everDisconnected))
            {
                Assert.That(_collected.Order(), Is.EqualTo(Enumerable.Range(1, _count)), "nothing is lost");
            }
        }

        /// <summary>The job of the client that now holds the session.</summary>
        private void Track(PSRemotingJob job)
        {
            _holderJob = job;
            if (!_jobs.Contains(job)) _jobs.Add(job);
        }

        private void CollectAll()
        {
            foreach (var job in _jobs)
            {
                Take(job.ReceiveJob().OutputText, $"job {job.Id}");
            }
        }

        /// <summary>Each batch, as each job's whole output, comes in increasing order.</summary>
        private void Take(string[] outputs, string who)
        {
            var numbers = outputs.Select(o => int.Parse(o.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            if (numbers.Count > 0) Note($"  {who}: {string.Join(",", numbers)}");
            for (var i = 1; i < numbers.Count; i++)
            {
                Assert.That(numbers[i], Is.GreaterThan(numbers[i - 1]), $"{who}'s output in order");
            }

            _collected.AddRange(numbers);
        }

        private async Task ExpectAsync(bool allowed, Func<Task> operation)
        {
            try
            {
                await operation();
            }
            catch (PSRemotingException e) when (!allowed)
            {
                Note($"  refused: {e.FullyQualifiedErrorId}: {e.Message}");
                return;
            }

            if (!allowed) Assert.Fail("the model expected this operation to fail");
        }

        private async Task AdvanceAsync(TimeSpan span)
        {
            var step = TimeSpan.FromMilliseconds(500);
            for (var left = span; left > TimeSpan.Zero; left -= step)
            {
                test.Clock!.Advance(left < step ? left : step);
                await Task.Delay(2);
            }

            if (_holder == Holder.None) _disconnectedFor += span;
        }

        /// <summary>
        /// Virtual time moves until the operation is done: the script has at most 25 lines of 1.5 s, so an hour is
        /// far more than it needs; an operation still waiting then never ends.
        /// </summary>
        private async Task<T> Finished<T>(Task<T> task)
        {
            for (var i = 0; i < 36_000 && !task.IsCompleted; i++)
            {
                await Task.WhenAny(task, Task.Delay(2));
                if (!task.IsCompleted) test.Clock!.Advance(TimeSpan.FromMilliseconds(100));
            }

            Assert.That(task.IsCompleted, Is.True, "the operation never ended");
            return await task;
        }

        private Task Finished(Task task) => Finished(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));

        /// <summary>An operation that needs no virtual time: it must finish within seconds of real time.</summary>
        private static async Task<T> Quick<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(15));

        private static async Task Quick(Task task) => await task.WaitAsync(TimeSpan.FromSeconds(15));
    }
}
