using PsrpEmulator.Client.Replay;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>The replay's comparison of one response with the recorded one, on its own.</summary>
public class ResponseComparerTests
{
    private const string Request =
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">" +
        "<s:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</wsa:Action></s:Header><s:Body/></s:Envelope>";

    private static string CreateResponse(string runTime, string inactivity) =>
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " +
        "xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse</a:Action></s:Header>" +
        $"<s:Body><rsp:Shell><rsp:State>Connected</rsp:State><rsp:ShellRunTime>{runTime}</rsp:ShellRunTime><rsp:ShellInactivity>{inactivity}</rsp:ShellInactivity></rsp:Shell></s:Body></s:Envelope>";

    private static List<string> Differences(string recorded, string now)
    {
        var message = new RecordedMessage(0, Request, recorded, null);
        return [.. ResponseComparer.Compare(ResponseShape.Parse(recorded, 200), ResponseShape.Parse(now, 200), [], message, texts: true)
            .Select(d => $"{d.Kind} {d.Subject}")];
    }

    /// <summary>A recording's clock ran inside and between requests; the replay's moves in its own steps.</summary>
    [TestCase("P0DT0H0M0S", "P0DT0H0M1S")]
    [TestCase("P0DT0H0M2S", "P0DT0H0M0S")]
    public void The_shell_s_run_time_and_inactivity_compare_within_two_seconds(string recorded, string now) =>
        Assert.That(Differences(CreateResponse(recorded, recorded), CreateResponse(now, now)), Is.Empty);

    [Test]
    public void Times_further_apart_or_not_durations_are_differences()
    {
        Assert.That(Differences(CreateResponse("P0DT0H0M0S", "P0DT0H0M0S"), CreateResponse("P0DT0H1M0S", "P0DT0H0M3S")),
            Is.EqualTo(new[] { "value Shell/ShellRunTime", "value Shell/ShellInactivity" }));
        Assert.That(Differences(CreateResponse("soon", "P0DT0H0M0S"), CreateResponse("later", "P0DT0H0M0S")), Is.EqualTo(new[] { "value Shell/ShellRunTime" }));
    }

    [Test]
    public void Other_values_compare_exactly() =>
        Assert.That(Differences(CreateResponse("P0DT0H0M0S", "P0DT0H0M0S"), CreateResponse("P0DT0H0M0S", "P0DT0H0M0S").Replace("Connected", "Disconnected", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "value Shell/State" }));
}
