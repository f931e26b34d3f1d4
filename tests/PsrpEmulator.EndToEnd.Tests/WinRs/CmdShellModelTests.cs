using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Tests;

namespace PsrpEmulator.EndToEnd.Tests.WinRs;

/// <summary>
/// Random sequences of a WinRS cmd shell's disconnect operations from two clients (Receive, Disconnect with Block or
/// Drop, Reconnect by the client that disconnected, Connect by the other, enumeration by another user, idle time
/// passing and expiring) against a model of who holds the shell, as pywinrm- or winrs-style clients drive it. What
/// the model allows must succeed and what it forbids must fail with a WS-Man fault; the numbered lines received
/// never repeat or go backwards, and nothing is lost in Block mode or while a client is connected. A failure prints
/// the seed and the operations; <c>PSRP_FUZZ_SEED</c> / <c>PSRP_FUZZ_RUNS</c> run other sequences.
/// </summary>
public partial class CmdShellModelTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    protected override void Configure(EmulatorOptions options)
    {
        options.OutputBufferCapacity = 3;
        options.Users = ["psrp:psrp", "other:other"];
    }

    [TestCase("Block", 7300)]
    [TestCase("Drop", 7400)]
    public async Task Random_cmd_shell_disconnect_sequences_never_repeat_reorder_or_lose_output(string bufferMode, int fixedSeed)
    {
        var seed = Fuzz.Seed(fixedSeed);
        var runs = Fuzz.Runs(6);
        for (var run = 0; run < runs; run++)
        {
            var sequence = new Sequence(this, bufferMode, new Random(seed + run));
            try
            {
                await sequence.RunAsync();
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed + run} ({bufferMode}): {e.Message}\n{sequence.Log}\n{e}");
            }
            finally
            {
                sequence.Dispose();
            }
        }

        var internalErrors = Emulator.Journal.Snapshot().Where(e => e.HttpStatus >= 500 && e.Fault is null).ToList();
        Assert.That(internalErrors, Is.Empty, string.Join("\n", internalErrors));
    }

    private sealed partial class Sequence(CmdShellModelTests test, string bufferMode, Random random) : IDisposable
    {
        private readonly StringBuilder _log = new();
        private readonly List<int> _received = [];
        private readonly WsManTransport[] _clients = [test.CreateTransport(), test.CreateTransport()];
        private string _shellId = null!;
        private string _commandId = null!;
        private int _count;
        private int? _holder = 0; // which client is connected; null while disconnected
        private int _disconnectedBy;
        private bool _done;
        private bool _lost;
        private bool _everDisconnected;
        private bool _interrupted;
        private int? _exitCode;
        private TimeSpan _idle;
        private TimeSpan _disconnectedFor;

        public string Log => _log.ToString();

        public void Dispose()
        {
            foreach (var client in _clients) client.Dispose();
        }

        public async Task RunAsync()
        {
            _count = random.Next(3, 20);
            // A line, then (ping's 1 s between echoes, on the server's clock) a pause or none.
            var line = $"for /l %i in (1,1,{_count}) do @(echo line%i& ping -n {random.Next(1, 3)} 127.0.0.1 >nul)";
            Note($"{bufferMode}, {line}");
            var create = await Quick(_clients[0].SendAsync(Header(WsManActions.Create), new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)));
            _shellId = ((CreateResponseBody)create.Body).ResourceCreated.Selectors["ShellId"];
            var command = await Quick(_clients[0].SendAsync(Header(WsManActions.Command, _shellId), new CommandLineBody(null, line, null)));
            _commandId = ((CommandResponseBody)command.Body).CommandId;

            for (var step = 0; step < 14 && !_lost; step++)
            {
                await StepAsync(random.Next(9));
            }

            if (!_lost)
            {
                Note("drain");
                if (_holder is null) await ConnectAsync(1 - _disconnectedBy, allowed: true);
                for (var i = 0; i < 100 && !_done; i++) await ReceiveAsync();
                Assert.That(_done, Is.True, "the command ended");
                await Quick(_clients[_holder!.Value].SendAsync(Header(WsManActions.Delete, _shellId), EmptyBody.Instance));
            }

            Note($"received {string.Join(",", _received)}");
            for (var i = 1; i < _received.Count; i++) Assert.That(_received[i], Is.GreaterThan(_received[i - 1]), "no line twice or out of order");
            if (!_lost && !_interrupted && (bufferMode == "Block" || !_everDisconnected))
            {
                Assert.That(_received, Is.EqualTo(Enumerable.Range(1, _count)), "nothing is lost");
                Assert.That(_exitCode, Is.Zero);
            }

            // ctrl_c ends cmd with STATUS_CONTROL_C_EXIT unless the line had ended already (then all of it came, in Block mode).
            if (!_lost && _interrupted)
            {
                Assert.That(_exitCode, Is.EqualTo(unchecked((int)0xC000013A)).Or.Zero);
                if (_exitCode == 0 && bufferMode == "Block") Assert.That(_received, Is.EqualTo(Enumerable.Range(1, _count)), "a line that ended gave all its output");
            }
        }

        private async Task StepAsync(int choice)
        {
            var other = random.Next(2);
            switch (choice)
            {
                case 0:
                    if (_holder is null || _done) break;
                    await ReceiveAsync();
                    break;
                case 1:
                    Note("advance a little");
                    await AdvanceAsync(TimeSpan.FromMilliseconds(random.Next(100, 3000)));
                    break;
                case 2:
                    if (_holder is not { } holder) break;
                    _idle = TimeSpan.FromSeconds(random.Next(60, 300));
                    Note($"client {holder} disconnects");
                    await Quick(_clients[holder].SendAsync(Header(WsManActions.Disconnect, _shellId), new DisconnectBody(_idle, bufferMode)));
                    (_holder, _disconnectedBy, _disconnectedFor, _everDisconnected) = (null, holder, TimeSpan.Zero, true);
                    break;
                case 3:
                    Note($"client {other} reconnects (held by {Holder}, disconnected by {_disconnectedBy})");
                    await ReconnectAsync(other, allowed: _holder is null && other == _disconnectedBy || _holder == other);
                    break;
                case 4:
                    Note($"client {other} connects (held by {Holder})");
                    await ConnectAsync(other, allowed: _holder is null);
                    break;
                case 5:
                    Note("another user enumerates");
                    using (var stranger = test.CreateTransport(user: "other", password: "other"))
                    {
                        Assert.That((await Quick(stranger.EnumerateShellsAsync())).Select(s => s.ShellId), Does.Not.Contain(_shellId));
                    }

                    var listed = (await Quick(_clients[other].EnumerateShellsAsync())).Single(s => s.ShellId == _shellId);
                    Assert.That(listed.State, Is.EqualTo(_holder is null ? "Disconnected" : "Connected"));
                    break;
                case 6:
                    if (_holder is not null) break;
                    Note("the idle timeout passes");
                    await AdvanceAsync(_idle - _disconnectedFor + TimeSpan.FromSeconds(30));
                    _lost = true;
                    var gone = await Fault(_clients[_disconnectedBy].SendAsync(Header(WsManActions.Reconnect, _shellId), new ReconnectBody(null, null)));
                    Assert.That(gone.Code, Is.EqualTo(2150858843u), "an expired shell is gone");
                    break;
                case 7:
                    if (_holder is not { } signaller || _done || _interrupted || random.Next(2) != 0) break;
                    Note($"client {signaller} sends ctrl_c");
                    await Quick(_clients[signaller].SendAsync(Header(WsManActions.Signal, _shellId), new SignalBody(_commandId, WsManSignalCodes.CtrlC)));
                    _interrupted = true;
                    break;
                default:
                    if (_holder is not { } owner || random.Next(3) != 0) break;
                    Note($"client {owner} deletes the shell");
                    await Quick(_clients[owner].SendAsync(Header(WsManActions.Delete, _shellId), EmptyBody.Instance));
                    _lost = true;
                    break;
            }
        }

        private string Holder => _holder?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nobody";

        private async Task ReceiveAsync()
        {
            var response = (ReceiveResponseBody)(await Finished(_clients[_holder!.Value].SendAsync(Header(WsManActions.Receive, _shellId),
                new ReceiveBody("stdout stderr", _commandId)), allowTimeout: true))?.Body!;
            if (response is null) return;
            var text = string.Concat(response.Streams.Where(s => s.Name == "stdout").Select(s => Encoding.ASCII.GetString(s.Data.Span)));
            var numbers = LineNumber().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var stderr = string.Concat(response.Streams.Where(s => s.Name == "stderr").Select(s => Encoding.ASCII.GetString(s.Data.Span)));
            Note($"client {_holder} receives {string.Join(",", numbers)}{(response.CommandState?.State == WsManCommandStates.Done ? " and the end" : "")}");
            Assert.That(stderr, Is.Empty, "the line runs without errors");
            _received.AddRange(numbers);
            if (response.CommandState?.State == WsManCommandStates.Done) (_done, _exitCode) = (true, response.CommandState.ExitCode);
        }

        private async Task ReconnectAsync(int client, bool allowed)
        {
            if (!allowed)
            {
                await Fault(_clients[client].SendAsync(Header(WsManActions.Reconnect, _shellId), new ReconnectBody(null, null)));
                return;
            }

            await Quick(_clients[client].SendAsync(Header(WsManActions.Reconnect, _shellId), new ReconnectBody(null, null)));
            await Quick(_clients[client].SendAsync(Header(WsManActions.Reconnect, _shellId), new ReconnectBody(_commandId, null)));
            _holder = client;
        }

        private async Task ConnectAsync(int client, bool allowed)
        {
            if (!allowed)
            {
                await Fault(_clients[client].SendAsync(Header(WsManActions.Connect, _shellId), new ConnectBody(null, null, null)));
                return;
            }

            await Quick(_clients[client].SendAsync(Header(WsManActions.Connect, _shellId), new ConnectBody(null, null, null)));
            await Quick(_clients[client].SendAsync(Header(WsManActions.Connect, _shellId), new ConnectBody(_commandId, null, null)));
            _holder = client;
        }

        private async Task<WsManFaultException> Fault(Task task)
        {
            try
            {
                await Quick(task);
            }
            catch (WsManFaultException e)
            {
                Note($"  refused: {e.Code} {e.Message}");
                return e;
            }

            Assert.Fail("the model expected a fault");
            return null!;
        }

        /// <summary>A Receive waits for output in virtual time: the clock moves until it is answered (a TimedOut fault is an empty answer).</summary>
        private async Task<WsManEnvelope?> Finished(Task<WsManEnvelope> task, bool allowTimeout)
        {
            for (var i = 0; i < 6_000 && !task.IsCompleted; i++)
            {
                await Task.WhenAny(task, Task.Delay(2));
                if (!task.IsCompleted) await AdvanceAsync(TimeSpan.FromMilliseconds(100));
            }

            Assert.That(task.IsCompleted, Is.True, "the Receive was never answered");
            try
            {
                return await task;
            }
            catch (WsManFaultException e) when (allowTimeout && e.Code == WsManFaultException.TimedOut)
            {
                return null;
            }
        }

        private async Task AdvanceAsync(TimeSpan span)
        {
            var step = TimeSpan.FromMilliseconds(500);
            for (var left = span; left > TimeSpan.Zero; left -= step)
            {
                test.Clock!.Advance(left < step ? left : step);
                await Task.Delay(2);
            }

            if (_holder is null) _disconnectedFor += span;
        }

        private void Note(string line) => _log.AppendLine(line);

        private static WsManHeader Header(string action, string? shellId = null) => new()
        {
            Action = action,
            ResourceUri = WsManResourceUris.CmdShell,
            Selectors = shellId is null ? new Dictionary<string, string>() : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId },
            OperationTimeout = TimeSpan.FromSeconds(20),
        };

        private static async Task<T> Quick<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(15));

        private static async Task Quick(Task task) => await task.WaitAsync(TimeSpan.FromSeconds(15));

        [GeneratedRegex(@"line(\d+)\r\n")]
        private static partial Regex LineNumber();
    }
}
