using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Client.Replay;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>
/// Replays the requests pypsrp sent to real Windows servers (shared/fixtures/real-traffic) against the emulator over
/// HTTP, in order, with the server-assigned ids substituted, and checks that every response has the recorded HTTP
/// status class, fault codes, body elements, streams, command state and PSRP messages in the recorded order.
/// Accepted differences are in <see cref="ConformanceFixtures.Tolerated"/>; emulator bugs are the known issues of
/// <see cref="ConformanceFixtures.All"/>: a whole fixture's (an ignored case) or single requests' (reported, not
/// failed, the rest of the fixture still checked); CONFORMANCE_RUN_KNOWN_ISSUES=1 fails on both.
/// Requests keep their recorded wsmv:SessionId (the emulator's notion of "same client" for Reconnect versus
/// Connect); virtual time passes where the fixture's AdvanceBefore says, and while Receives wait. Enumeration
/// items (rsp:Shell, rsp:Command) are matched by id and compared field by field.
/// </summary>
public partial class RecordedTrafficConformanceTests : EmulatorTestBase
{
    private static readonly TimeSpan ResponseDeadline = TimeSpan.FromSeconds(15);

    private HttpClient _http = null!;

    protected override bool UseVirtualTime => true;

    protected override string? ScenarioYaml => CurrentFixture?.Scenario;

    private static ConformanceFixture? CurrentFixture =>
        TestContext.CurrentContext.Test.Arguments is [ConformanceFixture fixture, ..] ? fixture : null;

    /// <summary>The fixtures; known issues are ignored unless CONFORMANCE_RUN_KNOWN_ISSUES=1 (to see whether one is fixed).</summary>
    public static IEnumerable<TestCaseData> Fixtures() => Cases(f => f.KnownIssue);

    /// <summary>The same fixtures for the value comparison, with its own known issues.</summary>
    public static IEnumerable<TestCaseData> ValueFixtures() => Cases(f => f.KnownValueIssue);

    /// <summary>Third-party clients' recordings against the emulator (fixtures/third-party-clients).</summary>
    public static IEnumerable<TestCaseData> ThirdPartyFixtures() => Cases(f => f.KnownIssue, ConformanceFixtures.ThirdParty);

    private static IEnumerable<TestCaseData> Cases(Func<ConformanceFixture, string?> knownIssue, IReadOnlyList<ConformanceFixture>? fixtures = null) =>
        (fixtures ?? ConformanceFixtures.All).Select(f => knownIssue(f) is not { } issue || Environment.GetEnvironmentVariable("CONFORMANCE_RUN_KNOWN_ISSUES") == "1"
            ? new TestCaseData(f)
            : new TestCaseData(f).Ignore(issue));

    protected override void Configure(EmulatorOptions options)
    {
        // The recorded OperationTimeout governs how long a Receive waits, as on Windows.
        options.MaxReceiveHold = TimeSpan.FromHours(1);
        CurrentFixture?.Configure?.Invoke(options);
    }

    [SetUp]
    public void CreateHttpClient()
    {
        _http = new HttpClient { Timeout = ResponseDeadline * 2 };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("psrp:psrp")));

        // IOptions<EmulatorOptions> is built on first use, which would otherwise be a request on a server thread
        // where TestContext no longer names this case: build it now, so Configure sees the fixture.
        Assert.That(Emulator.Options.MaxReceiveHold, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [TearDown]
    public void DisposeHttpClient() => _http.Dispose();

    private string? _lastResponseText;

    /// <summary>HTTP status class, actions, fault codes, body elements and their order, streams, CommandState, PSRP messages.</summary>
    [TestCaseSource(nameof(Fixtures))]
    public Task Recorded_exchange_replays_with_matching_responses(ConformanceFixture fixture) =>
        ReplayAsync(fixture, values: false, "responses");

    /// <summary>The text of the leaf elements both responses have: fault reasons and messages, shell fields, config limits.</summary>
    [TestCaseSource(nameof(ValueFixtures))]
    public Task Recorded_exchange_replays_with_matching_texts_and_values(ConformanceFixture fixture) =>
        ReplayAsync(fixture, values: true, "element texts");

    /// <summary>
    /// The requests a third-party client sent (pypsrp's PSRP, Ruby's WinRM gem), replayed: the emulator still answers
    /// them as it did when they were recorded, shape and texts (the clients themselves cannot run in CI).
    /// </summary>
    [TestCaseSource(nameof(ThirdPartyFixtures))]
    public Task Third_party_client_recording_replays_with_matching_responses(ConformanceFixture fixture) =>
        ReplayAsync(fixture, values: null, "responses and element texts");

    /// <param name="values">True: compare element texts only; false: everything else; null: both.</param>
    private async Task ReplayAsync(ConformanceFixture fixture, bool? values, string what)
    {
        var folder = FixtureFolders.Find(fixture.Folder);
        if (folder is null && fixture.RecordedFromEmulator)
        {
            Assert.Fail($"{fixture.Folder} was not found above {AppContext.BaseDirectory}: it is part of the repository.");
        }

        if (folder is null)
        {
            Assert.Ignore($"{FixtureFolders.RealTraffic} was not found above {AppContext.BaseDirectory}; the recorded traffic lives outside the repository.");
        }

        await ReplayAsync(fixture, RecordedExchange.Load(folder, fixture.Name), values, what, fixture.RecordedFromEmulator ? Path.Combine(folder, fixture.Name + ".yml") : null);
    }

    private async Task ReplayAsync(ConformanceFixture fixture, RecordedExchange exchange, bool? values, string what, string? recordingPath = null)
    {
        // CONFORMANCE_REWRITE_BODIES=1 writes the emulator's new answer into a recording made from the emulator, where
        // it differs: only the SOAP Body of those responses (the headers' scrubbed ids and times stay), for a client
        // whose sources are not at hand to re-record with (record/record.sh). The diff is reviewed like code.
        var rewrite = recordingPath is not null && Environment.GetEnvironmentVariable("CONFORMANCE_REWRITE_BODIES") == "1";
        var rewritten = new Dictionary<int, string>();
        var runKnownIssues = Environment.GetEnvironmentVariable("CONFORMANCE_RUN_KNOWN_ISSUES") == "1";
        var knownIssues = (fixture.KnownRequestIssues ?? []).Where(k => values is null || k.Values == values).ToDictionary(k => k.Request);
        var known = new List<string>();
        var knownSeen = new HashSet<int>();
        // Recorded server-assigned ShellId / CommandId -> the one the emulator returned.
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var tolerated = new List<string>();

        foreach (var message in exchange.Messages)
        {
            if (fixture.AdvanceBefore is { } advances && advances.TryGetValue(message.Index, out var elapsed))
            {
                await AdvanceClockAsync(elapsed);
            }

            var request = Replayer.Substitute(message.Request, ids);
            var recorded = ResponseShape.Parse(message.Response, message.TransportErrorCode ?? 200);
            var actual = await SendAsync(request, message, recorded);
            if (actual is null)
            {
                var line = $"{fixture.Name} request #{message.Index} ({message.ActionName}): no response within {ResponseDeadline.TotalSeconds} s (virtual clock advanced to the recorded OperationTimeout)";
                if (!runKnownIssues && knownIssues.TryGetValue(message.Index, out var issue))
                {
                    known.Add($"{line} [known issue: {issue.Issue}]");
                    knownSeen.Add(message.Index);
                }
                else
                {
                    problems.Add(line);
                }

                break;
            }

            Replayer.Learn(ids, recorded.CreatedShellId, actual.CreatedShellId);
            Replayer.Learn(ids, recorded.CreatedCommandId, actual.CreatedCommandId);

            foreach (var difference in ResponseComparer.Compare(recorded, actual, ids, message, fixture.RecordedFromEmulator).Where(d => values is null || (d.Kind == ResponseComparer.ValueKind) == values))
            {
                var tolerance = ConformanceFixtures.Tolerated.FirstOrDefault(t => t.Covers(fixture.Name, message.Index, difference));
                var line = $"{fixture.Name} request #{message.Index} ({message.ActionName}): {difference}";
                if (tolerance is not null)
                {
                    tolerated.Add($"{line} [tolerated: {tolerance.Reason}]");
                }
                else if (!runKnownIssues && knownIssues.TryGetValue(message.Index, out var issue))
                {
                    known.Add($"{line} [known issue: {issue.Issue}]");
                    knownSeen.Add(message.Index);
                }
                else
                {
                    problems.Add(line);
                    if (rewrite && _lastResponseText is { } live) rewritten[message.Index] = RecordingRewriter.RewriteBody(message.Response, live, ids);
                }
            }
        }

        if (rewrite && rewritten.Count > 0)
        {
            RecordingRewriter.RewriteResponses(recordingPath!, rewritten);
            Assert.Warn($"rewrote the bodies of {rewritten.Count} responses in {recordingPath}: review the diff");
            return;
        }

        foreach (var line in tolerated) TestContext.Out.WriteLine(line);
        foreach (var line in known) TestContext.Out.WriteLine(line);
        foreach (var index in knownIssues.Keys.Where(i => !runKnownIssues && !knownSeen.Contains(i)))
        {
            TestContext.Out.WriteLine($"{fixture.Name} request #{index}: the known issue listed for it did not show; remove it if it is fixed: {knownIssues[index].Issue}");
        }

        Assert.That(problems, Is.Empty, () =>
            $"The emulator's {what} differ from those recorded {(fixture.RecordedFromEmulator ? "from the emulator" : "from Windows")} in {fixture.Name}.yml " +
            "(later differences may follow from the first):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }


    /// <summary>Posts one request; moves the virtual clock while a Receive waits. Null when no response came.</summary>
    /// <remarks>
    /// Time moves in 1 s steps even where Windows answered TimedOut (rather than one jump of OperationTimeout), so
    /// that output a behaviour produces inside the window is seen by the waiting Receive as it would be in real
    /// time: one jump fires the behaviour's timer and the hold's timer together and the hold wins. The response
    /// itself is awaited in real time (up to <see cref="ResponseDeadline"/>).
    /// </remarks>
    private async Task<ResponseShape?> SendAsync(string xml, RecordedMessage message, ResponseShape recorded)
    {
        var task = PostAsync(xml);
        if (message.ActionName == "Receive")
        {
            var operationTimeout = message.OperationTimeout ?? TimeSpan.FromSeconds(60);
            // Let the Receive reach its wait before time moves: an immediate answer needs no time to pass, and a
            // hold that starts after the first step would end a step late.
            var timedOut = recorded.WsManFaultCode == TimedOutCode;
            await Task.WhenAny(task, Task.Delay(timedOut ? 100 : 20));
            // Where Windows timed out, exactly OperationTimeout passes (more would shift every later Receive);
            // elsewhere time moves on until the answer comes, a little past the OperationTimeout at most.
            var seconds = (int)Math.Ceiling(operationTimeout.TotalSeconds);
            var steps = timedOut ? seconds : seconds + 5;
            for (var i = 0; i < steps && !task.IsCompleted; i++)
            {
                Clock!.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(task, Task.Delay(5));
            }
        }

        await Task.WhenAny(task, Task.Delay(ResponseDeadline));
        return task.IsCompleted ? await task : null;
    }

    private const string TimedOutCode = "2150858793";

    /// <summary>Time passing between requests: whole seconds, one at a time, so each heartbeat beat sees its second.</summary>
    private async Task AdvanceClockAsync(TimeSpan elapsed)
    {
        for (var left = elapsed; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
        {
            Clock!.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            // Let work the beat or a behaviour's timer started (output, state changes) run before time moves on.
            await Task.Delay(1);
        }
    }

    private async Task<ResponseShape> PostAsync(string xml)
    {
        using var content = new StringContent(xml, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var response = await _http.PostAsync(Emulator.WsManUri, content);
        var text = await response.Content.ReadAsStringAsync();
        _lastResponseText = text;
        return ResponseShape.Parse(text, (int)response.StatusCode);
    }

}
