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

    private static string WmiResponse(params (string Name, string Started)[] processes) =>
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " +
        "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>" +
        "<a:Action>http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse</a:Action></s:Header><s:Body><n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:Items>" +
        string.Concat(processes.Select(p => "<p:Win32_Process xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process\">" +
            $"<p:Name>{p.Name}</p:Name><p:CreationDate><cim:Datetime xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\">{p.Started}</cim:Datetime></p:CreationDate></p:Win32_Process>")) +
        "</w:Items><w:EndOfSequence/></n:EnumerateResponse></s:Body></s:Envelope>";

    /// <summary>WMI instances have no id: they match by their place among their class's items; their times are the recording host's.</summary>
    [Test]
    public void WMI_instances_match_by_place_and_their_times_are_the_recording_hosts()
    {
        var recorded = WmiResponse(("System", "2000-01-01T00:00:00Z"), ("svchost.exe", "2000-01-01T00:00:00Z"), ("extra.exe", "2000-01-01T00:00:00Z"));

        Assert.That(Differences(recorded, WmiResponse(("System", "2026-01-12T09:35:00Z"), ("svchost.exe", "2026-01-12T09:36:00.5+01:00"), ("extra.exe", "2026-01-12T09:35:00Z"))), Is.Empty);
        Assert.That(Differences(recorded, WmiResponse(("System", "2026-01-12T09:35:00Z"), ("lsass.exe", "soon"))), Is.EqualTo(new[]
        {
            "missing item Items/Win32_Process",
            "value Items/Win32_Process/Name",
            "value Items/Win32_Process/CreationDate",
        }));
    }
}
