using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>Long base64 runs are decoded from the raw bytes; everything else reads as before.</summary>
public sealed class LargeBase64EnvelopeTests
{
    private static byte[] Data(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void Large_and_small_streams_round_trip()
    {
        var streams = new List<ShellStream>
        {
            new("stdout", "CMD", Data(300_000, 1)),
            new("stdout", "CMD", Data(10, 2)),
            new("stdout", "CMD", Data(5_000, 3), End: true),
            new("stdout", "CMD", ReadOnlyMemory<byte>.Empty),
        };
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(streams, new CommandState("CMD", WsManCommandStates.Done, 0)));

        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(read.Streams, Has.Count.EqualTo(4));
        for (var i = 0; i < 4; i++)
        {
            Assert.That(read.Streams[i].Data.ToArray(), Is.EqualTo(streams[i].Data.ToArray()), $"stream {i}");
            Assert.That(read.Streams[i].End, Is.EqualTo(streams[i].End));
        }

        Assert.That(read.CommandState!.State, Is.EqualTo(WsManCommandStates.Done));
    }

    [Test]
    public void Many_small_streams_of_one_object_each_round_trip()
    {
        // One ~100-byte object per fragment, per stream: about 200 base64 characters each, as Windows sends them.
        var streams = Enumerable.Range(0, 500).Select(i => new ShellStream("stdout", "CMD", Data(120 + (i % 50), i))).ToList();
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(streams, null));

        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(read.Streams.Select(s => s.Data.ToArray()), Is.EqualTo(streams.Select(s => s.Data.ToArray())));
    }

    [Test]
    public void A_small_response_keeps_its_decoded_streams_in_an_array_of_about_their_size()
    {
        // Two small fragments (a small Receive): both decode into one shared array sized to them, not a 32 KB chunk.
        var streams = new List<ShellStream> { new("stdout", "CMD", Data(300, 1)), new("stdout", "CMD", Data(200, 2)) };
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(streams, null));

        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(read.Streams.Select(s => s.Data.ToArray()), Is.EqualTo(streams.Select(s => s.Data.ToArray())));
        foreach (var stream in read.Streams)
        {
            Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(stream.Data, out var segment), Is.True);
            Assert.That(segment.Array!.Length, Is.LessThan(1024));
        }
    }

    [Test]
    public void Consecutive_streams_with_changing_names_ids_and_end_read_as_written()
    {
        var streams = new List<ShellStream>
        {
            new("stdout", "CMD-1", Data(100, 1)),
            new("stdout", "CMD-1", Data(100, 2)),
            new("pr", "CMD-1", Data(100, 3)),
            new("pr", null, Data(100, 4)),
            new("stdout", "CMD-2", Data(100, 5), End: true),
            new("stdout", "CMD-2", Data(10, 6)), // too short to be a run: ends the group
            new("stdout", "CMD-2", Data(100, 7)),
            new("stdout", "CMD-2", Data(100, 8)),
        };
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(streams, new CommandState("CMD-2", WsManCommandStates.Done, 0)));

        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(read.Streams.Select(s => (s.Name, s.CommandId, s.End, Convert.ToBase64String(s.Data.Span))),
            Is.EqualTo(streams.Select(s => (s.Name, s.CommandId, s.End, Convert.ToBase64String(s.Data.Span)))));
        Assert.That(read.CommandState!.State, Is.EqualTo(WsManCommandStates.Done));
    }

    [Test]
    public void A_stream_redeclaring_its_prefix_is_read_in_its_own_namespace()
    {
        // The first element binds rsp to another namespace for itself only: its siblings are shell streams, it is not.
        var a = Convert.ToBase64String(Data(100, 1));
        var b = Convert.ToBase64String(Data(100, 2));
        var xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\">" +
            "<s:Header /><s:Body><rsp:ReceiveResponse>" +
            $"<rsp:Stream xmlns:rsp=\"urn:other\" Name=\"stdout\">{a}</rsp:Stream><rsp:Stream Name=\"stdout\">{b}</rsp:Stream>" +
            "</rsp:ReceiveResponse></s:Body></s:Envelope>";

        var read = (ReceiveResponseBody)WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(xml)).Body;

        Assert.That(read.Streams.Select(s => Convert.ToBase64String(s.Data.Span)), Is.EqualTo(new[] { b }));
    }

    [Test]
    public void Streams_with_a_bad_member_report_invalid_base64()
    {
        var xml = System.Text.Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(new WsManEnvelope(
            new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody([new ShellStream("stdout", "C", Data(100, 1)), new ShellStream("stdout", "C", Data(100, 2)), new ShellStream("stdout", "C", Data(100, 3))], null))));
        var second = xml.IndexOf("</rsp:Stream><rsp:Stream", StringComparison.Ordinal) + 90; // inside the second stream's data
        var broken = xml[..second] + "A=A" + xml[(second + 3)..];

        var e = Assert.Throws<EnvelopeException>(() => WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(broken)));
        Assert.That(e!.Reason, Is.EqualTo(EnvelopeError.InvalidBase64));
    }

    [Test]
    public void Streams_inside_a_CDATA_section_stay_text()
    {
        var a = Convert.ToBase64String(Data(100, 1));
        var inner = $"<rsp:Stream Name=\"x\">{a}</rsp:Stream><rsp:Stream Name=\"x\">{a}</rsp:Stream><rsp:Stream Name=\"x\">{a}";
        var xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:rsp=\"http://schemas.microsoft.com/wbem/wsman/1/windows/shell\">" +
            "<s:Header /><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text xml:lang=\"en-US\"><![CDATA[" + inner + "]]></s:Text></s:Reason></s:Fault></s:Body></s:Envelope>";

        var fault = (FaultBody)WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(xml)).Body;

        Assert.That(fault.Reason, Is.EqualTo(inner));
    }

    [Test]
    public void A_base64_looking_fault_message_is_read_as_text()
    {
        var message = new string('Q', 100);
        var xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\"><s:Body><s:Fault>" +
            "<s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text xml:lang=\"en-US\">" + message + "</s:Text></s:Reason>" +
            "<s:Detail><f:WSManFault Code=\"5\" Machine=\"m\"><f:Message>" + message + "</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>";

        var fault = (FaultBody)WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(xml)).Body;

        Assert.That(fault.Reason, Is.EqualTo(message));
        Assert.That(fault.Message, Is.EqualTo(message));
    }

    [Test]
    public void A_long_base64_looking_text_elsewhere_is_read_as_text()
    {
        var command = new string('A', 3000) + "==";
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.Command, MessageId = "uuid:2", ResourceUri = WsManResourceUris.DefaultPowerShell },
            new CommandLineBody("CMD", command, Data(4000, 4)));

        var read = (CommandLineBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(read.Command, Is.EqualTo(command));
        Assert.That(read.Arguments!.Value.ToArray(), Is.EqualTo(Data(4000, 4)));
    }

    [Test]
    public void Invalid_long_base64_is_still_reported_as_invalid_base64()
    {
        var xml = System.Text.Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(new WsManEnvelope(
            new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody([new ShellStream("stdout", null, Data(3000, 5))], null))));
        var start = xml.IndexOf("Name=\"stdout\">", StringComparison.Ordinal) + 14;
        var broken = xml[..(start + 100)] + "A=A" + xml[(start + 103)..];

        var e = Assert.Throws<EnvelopeException>(() => WsManEnvelopeReader.Read(System.Text.Encoding.UTF8.GetBytes(broken)));
        Assert.That(e!.Reason, Is.EqualTo(EnvelopeError.InvalidBase64));
        Assert.That(e.Header?.MessageId, Is.EqualTo("uuid:2"));
    }
}
