using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>
/// Replays the requests pypsrp sent to real Windows servers (shared/fixtures/real-traffic) against the emulator over
/// HTTP, in order, with the server-assigned ids substituted, and checks that every response has the recorded HTTP
/// status class, fault codes, body elements, streams, command state and PSRP messages in the recorded order.
/// Accepted differences are in <see cref="ConformanceFixtures.Tolerated"/>; emulator bugs are known issues there.
/// </summary>
public class RecordedTrafficConformanceTests : EmulatorTestBase
{
    private static readonly TimeSpan ResponseDeadline = TimeSpan.FromSeconds(15);

    private HttpClient _http = null!;

    protected override bool UseVirtualTime => true;

    protected override string? ScenarioYaml => CurrentFixture?.Scenario;

    private static ConformanceFixture? CurrentFixture =>
        TestContext.CurrentContext.Test.Arguments is [ConformanceFixture fixture, ..] ? fixture : null;

    /// <summary>The fixtures; known issues are ignored unless CONFORMANCE_RUN_KNOWN_ISSUES=1 (to see whether one is fixed).</summary>
    public static IEnumerable<TestCaseData> Fixtures() =>
        ConformanceFixtures.All.Select(f => f.KnownIssue is null || Environment.GetEnvironmentVariable("CONFORMANCE_RUN_KNOWN_ISSUES") == "1"
            ? new TestCaseData(f)
            : new TestCaseData(f).Ignore(f.KnownIssue));

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

    [TestCaseSource(nameof(Fixtures))]
    public async Task Recorded_exchange_replays_with_matching_responses(ConformanceFixture fixture)
    {
        var folder = RecordedExchange.FindFolder();
        if (folder is null)
        {
            Assert.Ignore($"{RecordedExchange.RelativeFolder} was not found above {AppContext.BaseDirectory}; the recorded traffic lives outside the repository.");
        }

        var exchange = RecordedExchange.Load(folder, fixture.Name);
        // Recorded server-assigned ShellId / CommandId -> the one the emulator returned.
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var tolerated = new List<string>();

        foreach (var message in exchange.Messages)
        {
            var request = Substitute(message.Request, ids);
            var recorded = ResponseShape.Parse(message.Response, message.TransportErrorCode ?? 200);
            var actual = await SendAsync(request, message, recorded);
            if (actual is null)
            {
                problems.Add($"{fixture.Name} request #{message.Index} ({message.ActionName}): no response within {ResponseDeadline.TotalSeconds} s (virtual clock advanced to the recorded OperationTimeout)");
                break;
            }

            Learn(ids, recorded.CreatedShellId, actual.CreatedShellId);
            Learn(ids, recorded.CreatedCommandId, actual.CreatedCommandId);

            foreach (var difference in Compare(recorded, actual, ids, message))
            {
                var tolerance = ConformanceFixtures.Tolerated.FirstOrDefault(t => t.Covers(fixture.Name, message.Index, difference));
                var line = $"{fixture.Name} request #{message.Index} ({message.ActionName}): {difference}";
                if (tolerance is null) problems.Add(line);
                else tolerated.Add($"{line} [tolerated: {tolerance.Reason}]");
            }
        }

        foreach (var line in tolerated) TestContext.Out.WriteLine(line);
        Assert.That(problems, Is.Empty, () =>
            $"The emulator's responses differ from those recorded from Windows in {fixture.Name}.yml " +
            "(later differences may follow from the first):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    private static void Learn(Dictionary<string, string> ids, string? recorded, string? ours)
    {
        if (recorded is { Length: > 0 } && ours is { Length: > 0 }) ids[recorded] = ours;
    }

    private static string Substitute(string request, Dictionary<string, string> ids)
    {
        foreach (var (recorded, ours) in ids)
        {
            if (!string.Equals(recorded, ours, StringComparison.OrdinalIgnoreCase)) request = request.Replace(recorded, ours, StringComparison.OrdinalIgnoreCase);
        }

        return request;
    }

    /// <summary>Posts one request; moves the virtual clock while a Receive waits. Null when no response came.</summary>
    /// <remarks>
    /// Time moves in 1 s steps even where Windows answered TimedOut (rather than one jump of OperationTimeout), so
    /// that output a behaviour produces inside the window is seen by the waiting Receive as it would be in real
    /// time: one jump fires the behaviour's timer and the hold's timer together and the hold wins.
    /// </remarks>
    private async Task<ResponseShape?> SendAsync(string xml, RecordedMessage message, ResponseShape recorded)
    {
        var task = PostAsync(xml);
        if (message.ActionName == "Receive")
        {
            var operationTimeout = message.OperationTimeout ?? TimeSpan.FromSeconds(60);
            // Let the Receive reach its wait before time moves: an immediate answer needs no time to pass, and a
            // hold that starts after the first step would end a step late.
            await Task.WhenAny(task, Task.Delay(recorded.WsManFaultCode == TimedOutCode ? 100 : 20));
            var steps = (int)Math.Ceiling(operationTimeout.TotalSeconds) + 5;
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

    private async Task<ResponseShape> PostAsync(string xml)
    {
        using var content = new StringContent(xml, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
        using var response = await _http.PostAsync(Emulator.WsManUri, content);
        var text = await response.Content.ReadAsStringAsync();
        return ResponseShape.Parse(text, (int)response.StatusCode);
    }

    private static IEnumerable<Difference> Compare(ResponseShape recorded, ResponseShape actual, Dictionary<string, string> ids, RecordedMessage message)
    {
        // A recorded fault is an HTTP 500 even where the fixture lost the transport_error key (tolerated separately).
        if (recorded.HttpStatus / 100 != actual.HttpStatus / 100)
        {
            yield return new Difference("http status", "status", recorded.HttpStatus.ToString(), actual.HttpStatus.ToString());
        }

        var expectedRelatesTo = message.RequestXml.Root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageID")?.Value.Trim();
        if (!string.Equals(actual.RelatesTo, expectedRelatesTo, StringComparison.Ordinal))
        {
            yield return new Difference("header", "a:RelatesTo", expectedRelatesTo ?? "(none)", actual.RelatesTo ?? "(none)");
        }

        if (recorded.IsFault || actual.IsFault)
        {
            if (recorded.FaultCode != actual.FaultCode) yield return new Difference("fault", "s:Code", Show(recorded.FaultCode), Show(actual.FaultCode));
            if (recorded.FaultSubcode != actual.FaultSubcode) yield return new Difference("fault", "s:Subcode", Show(recorded.FaultSubcode), Show(actual.FaultSubcode));
            if (recorded.WsManFaultCode != actual.WsManFaultCode) yield return new Difference("fault", "WSManFault Code", Show(recorded.WsManFaultCode), Show(actual.WsManFaultCode));
        }

        foreach (var path in recorded.ElementPaths.Except(actual.ElementPaths))
        {
            yield return new Difference("missing element", path, "present", "absent");
        }

        foreach (var path in actual.ElementPaths.Except(recorded.ElementPaths))
        {
            yield return new Difference("extra element", path, "absent", "present");
        }

        var expectedStreams = recorded.Streams.Select(s => $"{s.Name}{(s.CommandId is null ? string.Empty : " CommandId=" + Map(ids, s.CommandId))}").ToList();
        var actualStreams = actual.Streams.Select(s => $"{s.Name}{(s.CommandId is null ? string.Empty : " CommandId=" + s.CommandId)}").ToList();
        if (!expectedStreams.SequenceEqual(actualStreams, StringComparer.OrdinalIgnoreCase))
        {
            yield return new Difference("streams", "rsp:Stream", List(expectedStreams), List(actualStreams));
        }

        var expectedState = recorded.CommandState is null ? null : $"{recorded.CommandState} CommandId={Map(ids, recorded.CommandStateCommandId)}";
        var actualState = actual.CommandState is null ? null : $"{actual.CommandState} CommandId={actual.CommandStateCommandId}";
        if (!string.Equals(expectedState, actualState, StringComparison.OrdinalIgnoreCase))
        {
            yield return new Difference("command state", "rsp:CommandState", Show(expectedState), Show(actualState));
        }

        if (!recorded.PsrpMessages.SequenceEqual(actual.PsrpMessages))
        {
            yield return new Difference("psrp messages", "start fragments", List(recorded.PsrpMessages), List(actual.PsrpMessages));
        }
    }

    private static string Map(Dictionary<string, string> ids, string? id) => id is not null && ids.TryGetValue(id, out var ours) ? ours : id ?? string.Empty;

    private static string Show(string? value) => value ?? "(none)";

    private static string List(IReadOnlyCollection<string> items) => "[" + string.Join(", ", items) + "]";
}
