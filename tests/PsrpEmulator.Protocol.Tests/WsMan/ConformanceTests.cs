using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>Every envelope recorded from real Windows servers and real clients parses into the body type of its action.</summary>
public class ConformanceTests
{
    public static IEnumerable<TestCaseData> TrafficFiles()
    {
        var dir = SharedFixtures.FixturesDirectory;
        if (dir is null)
        {
            yield return new TestCaseData("(shared fixtures missing)").SetName("Real_traffic_fixtures_are_missing");
            yield break;
        }

        foreach (var file in Directory.GetFiles(Path.Combine(dir, "real-traffic"), "*.yml").Order(StringComparer.Ordinal))
        {
            yield return new TestCaseData(Path.GetFileName(file)).SetArgDisplayNames(Path.GetFileNameWithoutExtension(file));
        }
    }

    public static IEnumerable<TestCaseData> PwshRequests()
    {
        var dir = SharedFixtures.FixturesDirectory;
        var clients = dir is null ? null : Path.Combine(dir, "real-clients", "pwsh-7.6.9-linux");
        if (clients is null || !Directory.Exists(clients))
        {
            yield return new TestCaseData("(shared fixtures missing)").SetName("Pwsh_request_fixtures_are_missing");
            yield break;
        }

        foreach (var file in Directory.GetFiles(clients, "req*.raw", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(clients, file);
            yield return new TestCaseData(relative).SetArgDisplayNames(relative.Replace(Path.DirectorySeparatorChar, '/'));
        }
    }

    [TestCaseSource(nameof(TrafficFiles))]
    public void Every_request_and_response_recorded_from_Windows_parses_into_the_body_of_its_action(string fileName)
    {
        var dir = SharedFixtures.RequireFixtures();
        var messages = SharedFixtures.LoadTraffic(Path.Combine(dir, "real-traffic", fileName));
        Assert.That(messages, Is.Not.Empty);

        foreach (var m in messages)
        {
            var where = $"{m.File} #{m.Index}";
            if (IsInvalidRequest(m, out var error))
            {
                // Windows answered this request (OperationTimeout PT-1S) with a header fault; so must we.
                Assert.That(m.File, Is.EqualTo("test_psrp_is_alive_other_wsman_error.yml"), where + $" only one recorded request is invalid, got {error.Reason}: {error.Message}");
                Assert.That(error.Reason, Is.EqualTo(EnvelopeError.InvalidDuration), where);
                Assert.That(error.InHeader, Is.True, where);
                Assert.That(error.Element, Is.EqualTo("OperationTimeout"), where);
                var fault = ReadOrFail(m.Response!, where + " response");
                Assert.That(fault.Body, Is.InstanceOf<FaultBody>(), where);
                Assert.That(fault.Header.RelatesTo, Is.EqualTo(error.Header!.MessageId), where + " the header survives the error");
                continue;
            }

            var request = ReadOrFail(m.Request, where + " request");
            Assert.That(request.Body, Is.InstanceOf(ExpectedRequestBody(request)), where + " request body of " + request.Header.Action);
            Assert.That(request.Header.MessageId, Does.StartWith("uuid:"), where);

            if (m.Response is null) continue;
            var response = ReadOrFail(m.Response, where + " response");
            Assert.That(response.Header.RelatesTo, Is.EqualTo(request.Header.MessageId), where + " RelatesTo");
            Assert.That(response.Body, Is.InstanceOf(ExpectedResponseBody(request, response)), where + " response body of " + response.Header.Action);
            if (m.TransportError) Assert.That(response.Body, Is.InstanceOf<FaultBody>(), where + " HTTP 500 carries a fault");
        }
    }

    [TestCaseSource(nameof(PwshRequests))]
    public void Every_request_of_real_pwsh_7_6_9_parses_into_the_body_of_its_action(string relativePath)
    {
        var dir = SharedFixtures.RequireFixtures();
        var raw = File.ReadAllBytes(Path.Combine(dir, "real-clients", "pwsh-7.6.9-linux", relativePath));
        var envelope = WsManEnvelopeReader.Read(SharedFixtures.HttpBody(raw));

        Assert.That(envelope.Body, Is.InstanceOf(ExpectedRequestBody(envelope)), relativePath);
        Assert.That(envelope.Header.MaxEnvelopeSize, Is.EqualTo(512000));
        Assert.That(envelope.Header.OperationTimeout, Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(envelope.Header.Locale, Is.EqualTo("en-us"));
        Assert.That(envelope.Header.DataLocale, Is.EqualTo("en-us"));
        Assert.That(envelope.Header.ReplyTo, Is.EqualTo(WsManAddresses.Anonymous));
        Assert.That(envelope.Header.ResourceUri, Does.StartWith(WsManResourceUris.PowerShellPrefix));
    }

    [TestCaseSource(nameof(TrafficFiles))]
    public void Every_recorded_envelope_survives_a_read_write_read_round_trip(string fileName)
    {
        var dir = SharedFixtures.RequireFixtures();
        foreach (var m in SharedFixtures.LoadTraffic(Path.Combine(dir, "real-traffic", fileName)))
        {
            foreach (var xml in new[] { IsInvalidRequest(m, out _) ? null : m.Request, m.Response })
            {
                if (xml is null) continue;
                var first = WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(xml));
                var second = WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(first));
                EnvelopeAssert.AreEqual(second, first, $"{m.File} #{m.Index}");
            }
        }
    }

    /// <summary>True for the recorded requests Windows rejected because of their header (they must not parse).</summary>
    private static bool IsInvalidRequest(SharedFixtures.RecordedMessage m, out EnvelopeException error)
    {
        error = null!;
        if (!m.TransportError) return false;
        try
        {
            WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(m.Request));
            return false;
        }
        catch (EnvelopeException e)
        {
            error = e;
            return true;
        }
    }

    private static WsManEnvelope ReadOrFail(string xml, string where)
    {
        try
        {
            return WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(xml));
        }
        catch (EnvelopeException e)
        {
            Assert.Fail($"{where}: {e.Reason}: {e.Message}");
            throw;
        }
    }

    private static Type ExpectedRequestBody(WsManEnvelope request) => request.Header.Action switch
    {
        WsManActions.Create => typeof(ShellCreateBody),
        WsManActions.Delete or WsManActions.Get => typeof(EmptyBody),
        WsManActions.Command => typeof(CommandLineBody),
        WsManActions.Send => typeof(SendBody),
        WsManActions.Receive => typeof(ReceiveBody),
        WsManActions.Signal => typeof(SignalBody),
        WsManActions.Disconnect => typeof(DisconnectBody),
        WsManActions.Reconnect => request.Body is EmptyBody ? typeof(EmptyBody) : typeof(ReconnectBody),
        WsManActions.Connect => typeof(ConnectBody),
        WsManActions.Enumerate => typeof(EnumerateBody),
        WsManActions.Pull => typeof(PullBody),
        var other => throw new AssertionException("Unexpected request action " + other),
    };

    private static Type ExpectedResponseBody(WsManEnvelope request, WsManEnvelope response) => response.Header.Action switch
    {
        WsManActions.Fault or WsManActions.AddressingFault => typeof(FaultBody),
        WsManActions.CreateResponse => typeof(CreateResponseBody),
        WsManActions.DeleteResponse or WsManActions.DisconnectResponse or WsManActions.ReconnectResponse => typeof(EmptyBody),
        WsManActions.GetResponse => request.Header.ResourceUri == WsManResourceUris.Config ? typeof(ConfigBody) : typeof(ShellBody),
        WsManActions.CommandResponse => typeof(CommandResponseBody),
        WsManActions.SendResponse => typeof(SendResponseBody),
        WsManActions.ReceiveResponse => typeof(ReceiveResponseBody),
        WsManActions.SignalResponse => typeof(SignalResponseBody),
        WsManActions.ConnectResponse => typeof(ConnectResponseBody),
        WsManActions.EnumerateResponse or WsManActions.PullResponse => typeof(EnumerationResponseBody),
        var other => throw new AssertionException("Unexpected response action " + other),
    };
}
