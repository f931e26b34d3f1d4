using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Tests.Diagnostics;

public class RecordingScrubberTests
{
    private static readonly Guid Pool = Guid.Parse("6b9c1a2e-7f3d-4e11-9a0b-3c2d1e0f4a5b");
    private static readonly Guid PipelineId = Guid.Parse("d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70");

    // One information record (its time and the pipeline id in its CLIXML too), in two fragments of one message.
    private static string Fragments()
    {
        var record = new InformationRecordMessage(PsPrimitive.String($"about {PipelineId}"), "Write-Information",
            new DateTimeOffset(2026, 11, 30, 2, 20, 1, 123, TimeSpan.Zero), [], "SERVER01\\psrp", "SERVER01", 1001);
        var message = PsrpMessage.Encode(PsrpDestination.Client, Pool, PipelineId, record);
        return Convert.ToBase64String([.. FragmentCodec.Split(7, message, 200).SelectMany(f => f)]);
    }

    private static string Recording(string request, string response)
    {
        var text = new StringBuilder("# recorded\nmessages:\n# 0 Receive (SERVER01)\n- request: ");
        TrafficRecorder.AppendDoubleQuoted(text, request);
        text.Append("\n  response: ");
        TrafficRecorder.AppendDoubleQuoted(text, response);
        return text.Append('\n').ToString();
    }

    private static PsrpMessage Reassemble(string base64)
    {
        var bytes = (ReadOnlyMemory<byte>)Convert.FromBase64String(base64);
        var blob = new List<byte>();
        while (bytes.Length > 0)
        {
            Assert.That(FragmentCodec.TryRead(bytes, int.MaxValue, out var fragment, out var consumed, out var error), Is.True, error.ToString());
            blob.AddRange(fragment.Blob.Span);
            bytes = bytes[consumed..];
        }

        return PsrpMessage.Parse(blob.ToArray());
    }

    [Test]
    public void A_GUID_gets_one_number_in_envelope_text_fragment_headers_and_CLIXML_and_times_become_2000()
    {
        var request = $"<s:Envelope><w:Selector Name=\"ShellId\">{Pool.ToString().ToUpperInvariant()}</w:Selector><a:MessageID>uuid:00000000-0000-0000-0000-000000000000</a:MessageID></s:Envelope>";
        var response = $"<s:Envelope><rsp:ReceiveResponse><rsp:Stream Name=\"stdout\" CommandId=\"{PipelineId.ToString().ToUpperInvariant()}\">{Fragments()}</rsp:Stream></rsp:ReceiveResponse></s:Envelope>";

        var scrubbed = RecordingScrubber.Scrub(Recording(request, response));

        var lines = scrubbed.Split('\n');
        Assert.That(lines[..3], Is.EqualTo(new[] { "# recorded", "messages:", "# 0 Receive (SERVER01)" }), "other lines are kept");
        Assert.That(scrubbed, Does.Contain("ShellId\\\">00000000-0000-4000-8000-000000000001<"));
        Assert.That(scrubbed, Does.Contain("uuid:00000000-0000-0000-0000-000000000000"), "the all-zero GUID means something");
        Assert.That(scrubbed, Does.Contain("CommandId=\\\"00000000-0000-4000-8000-000000000002\\\""));
        var stream = System.Text.RegularExpressions.Regex.Match(scrubbed, "CommandId=[^>]*>([A-Za-z0-9+/=]+)<").Groups[1].Value;
        var message = Reassemble(stream);
        Assert.That(message.RunspacePoolId, Is.EqualTo(Guid.Parse("00000000-0000-4000-8000-000000000001")));
        Assert.That(message.PipelineId, Is.EqualTo(Guid.Parse("00000000-0000-4000-8000-000000000002")));
        var clixml = Encoding.UTF8.GetString(message.Data.Span);
        Assert.That(clixml, Does.Contain("about 00000000-0000-4000-8000-000000000002"));
        Assert.That(clixml, Does.Contain(">2000-01-01T00:00:00.").And.Not.Contain("2026"));
    }

    [Test]
    public void Scrubbing_twice_changes_nothing_more_and_a_program_s_text_without_ids_is_kept()
    {
        var programOutput = Convert.ToBase64String(Encoding.ASCII.GetBytes("hello world\r\n"));
        var recording = Recording($"<s:Envelope><a:MessageID>uuid:{Guid.NewGuid()}</a:MessageID></s:Envelope>",
            $"<s:Envelope><rsp:Stream Name=\"stdout\">{programOutput}</rsp:Stream><rsp:Stream Name=\"pr\">{Fragments()}</rsp:Stream></s:Envelope>");

        var once = RecordingScrubber.Scrub(recording);

        Assert.That(RecordingScrubber.Scrub(once), Is.EqualTo(once));
        Assert.That(once, Does.Contain(programOutput));
    }
}
