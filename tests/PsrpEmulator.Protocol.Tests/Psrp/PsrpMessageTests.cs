using System.Security.Cryptography;
using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using static PsrpEmulator.Protocol.Tests.Psrp.PsrpTestVectors;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class PsrpMessageTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static string DataText(PsrpMessage m)
    {
        var span = m.Data.Span;
        if (span.StartsWith(Bom)) span = span[3..];
        return Encoding.UTF8.GetString(span);
    }

    [Test]
    public void Session_capability_test_vector_is_byte_exact()
    {
        var data = Encoding.UTF8.GetBytes(Vector98Clixml);
        Assert.That(data, Has.Length.EqualTo(159));
        var message = new PsrpMessage(PsrpDestination.Server, PsrpMessageType.SessionCapability, Vector98RunspacePoolId, Guid.Empty, data);
        Assert.That(message.Length, Is.EqualTo(199));

        var fragments = FragmentCodec.Split(1, message.ToArray(), 32768);
        Assert.That(fragments, Has.Count.EqualTo(1));
        Assert.That(fragments[0], Has.Length.EqualTo(220));
        Assert.That(Convert.ToHexString(fragments[0], 0, 61), Is.EqualTo(Vector98HeaderHex.ToUpperInvariant()));
        Assert.That(fragments[0][61..], Is.EqualTo(data));
    }

    [Test]
    public void Session_capability_test_vector_decodes()
    {
        var bytes = FromHex(Vector98HeaderHex).Concat(Encoding.UTF8.GetBytes(Vector98Clixml)).ToArray();
        var message = new Defragmenter().Add(bytes).Single();
        Assert.That(message.Destination, Is.EqualTo(PsrpDestination.Server));
        Assert.That(message.MessageType, Is.EqualTo(PsrpMessageType.SessionCapability));
        Assert.That(message.RunspacePoolId, Is.EqualTo(Vector98RunspacePoolId));
        Assert.That(message.PipelineId, Is.EqualTo(Guid.Empty));
        Assert.That(DataText(message), Is.EqualTo(Vector98Clixml));
    }

    [Test]
    public void Encode_gives_the_bytes_of_Create_after_the_headroom_asked_for()
    {
        var pool = Guid.NewGuid();
        var pipeline = Guid.NewGuid();
        var body = new PipelineOutput(PsPrimitive.String("obj 1 " + new string('x', 500)));
        var created = PsrpMessage.Create(PsrpDestination.Client, pool, pipeline, body).ToArray();

        Assert.That(PsrpMessage.Encode(PsrpDestination.Client, pool, pipeline, body), Is.EqualTo(created));
        var withRoom = PsrpMessage.Encode(PsrpDestination.Client, pool, pipeline, body, headroom: Fragment.HeaderLength);
        Assert.That(withRoom.AsSpan(0, Fragment.HeaderLength).ToArray(), Is.All.EqualTo((byte)0));
        Assert.That(withRoom.AsSpan(Fragment.HeaderLength).ToArray(), Is.EqualTo(created));
        Assert.That(PsrpMessage.Encode(PsrpDestination.Server, pool, pipeline, new EndOfPipelineInput(), headroom: 3).AsSpan(3).ToArray(),
            Is.EqualTo(PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new EndOfPipelineInput()).ToArray()));
    }

    [Test]
    public void Unknown_message_type_is_kept()
    {
        var bytes = new PsrpMessage(PsrpDestination.Client, (PsrpMessageType)0x00041012, Guid.NewGuid(), Guid.NewGuid(), new byte[] { 1 }).ToArray();
        var parsed = PsrpMessage.Parse(bytes);
        Assert.That((uint)parsed.MessageType, Is.EqualTo(0x00041012u));
        Assert.That(parsed.Data.ToArray(), Is.EqualTo(new byte[] { 1 }));
    }

    [TestCase(0u)]
    [TestCase(3u)]
    [TestCase(0x02000000u)]
    public void Message_with_an_invalid_destination_is_rejected(uint destination)
    {
        var bytes = new byte[40];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, destination);
        var ex = Assert.Throws<FragmentException>(() => PsrpMessage.Parse(bytes));
        Assert.That(ex!.Reason, Is.EqualTo(FragmentError.InvalidMessageHeader));
    }

    [Test]
    public void Message_shorter_than_40_bytes_is_rejected()
    {
        var ex = Assert.Throws<FragmentException>(() => PsrpMessage.Parse(new byte[39]));
        Assert.That(ex!.Reason, Is.EqualTo(FragmentError.MessageTooShort));
    }

    [Test]
    public void Guids_use_the_dotnet_byte_layout_and_round_trip()
    {
        var rpid = Guid.NewGuid();
        var pid = Guid.NewGuid();
        var bytes = new PsrpMessage(PsrpDestination.Server, PsrpMessageType.CreatePipeline, rpid, pid, new byte[] { 9, 8 }).ToArray();
        Assert.That(bytes[8..24], Is.EqualTo(rpid.ToByteArray()));
        Assert.That(bytes[24..40], Is.EqualTo(pid.ToByteArray()));
        var parsed = PsrpMessage.Parse(bytes);
        Assert.That((parsed.RunspacePoolId, parsed.PipelineId), Is.EqualTo((rpid, pid)));
    }

    [Test]
    public void End_of_pipeline_input_has_no_data()
    {
        var message = PsrpMessage.Create(PsrpDestination.Server, Guid.NewGuid(), Guid.NewGuid(), EndOfPipelineInput.Instance);
        Assert.That(message.MessageType, Is.EqualTo(PsrpMessageType.EndOfPipelineInput));
        Assert.That(message.Data.Length, Is.Zero);
        Assert.That(message.Length, Is.EqualTo(40));
    }

    [Test]
    public void Captured_creation_xml_decodes_to_capability_and_init_runspace_pool()
    {
        var messages = new Defragmenter().Add(Convert.FromBase64String(OpenRunspaceCreationXml));
        Assert.That(messages.Select(m => m.MessageType), Is.EqualTo(new[] { PsrpMessageType.SessionCapability, PsrpMessageType.InitRunspacePool }));
        Assert.That(messages.Select(m => m.Length), Is.EqualTo(new[] { 199, 765 }));
        Assert.That(messages.All(m => m.Destination == PsrpDestination.Server && m.RunspacePoolId == OpenRunspacePoolId && m.PipelineId == Guid.Empty), Is.True);
        Assert.That(DataText(messages[0]), Is.EqualTo(Vector98Clixml));
        Assert.That(messages[0].ToArray()[8..24], Is.EqualTo(Convert.FromHexString(OpenRunspaceShellId.ToString("N"))), "RPID bytes in GUID string order");
        Assert.That(DataText(messages[1]), Does.StartWith("<Obj RefId=\"0\"><MS><I32 N=\"MinRunspaces\">1</I32>"));
    }

    [Test]
    public void Captured_creation_xml_fragments_reencode_byte_exact()
    {
        var chunk = Convert.FromBase64String(OpenRunspaceCreationXml);
        var messages = new Defragmenter().Add(chunk);
        var reencoded = FragmentCodec.Split(1, messages[0].ToArray(), 32768).Concat(FragmentCodec.Split(2, messages[1].ToArray(), 32768)).SelectMany(b => b);
        Assert.That(reencoded.ToArray(), Is.EqualTo(chunk));
    }

    [Test]
    public void Captured_server_responses_decode()
    {
        var d = new Defragmenter();
        var capability = d.Add(Convert.FromBase64String(OpenRunspaceSessionCapabilityStream)).Single();
        Assert.That((capability.Destination, capability.MessageType, capability.Length), Is.EqualTo((PsrpDestination.Client, PsrpMessageType.SessionCapability, 202)));
        Assert.That(capability.RunspacePoolId, Is.EqualTo(Guid.Empty));
        Assert.That(capability.Data.Span.StartsWith(Bom), Is.True);

        var privateData = d.Add(Convert.FromBase64String(OpenRunspaceApplicationPrivateDataStream)).Single();
        Assert.That((privateData.MessageType, privateData.Length, privateData.RunspacePoolId), Is.EqualTo((PsrpMessageType.ApplicationPrivateData, 1197, OpenRunspacePoolId)));
        Assert.That(DataText(privateData), Does.Contain("<Version N=\"Value\">5.1.14393.2248</Version>"));

        var state = d.Add(Convert.FromBase64String(OpenRunspaceStateStream)).Single();
        Assert.That(state.MessageType, Is.EqualTo(PsrpMessageType.RunspacePoolState));
        Assert.That(DataText(state), Is.EqualTo("<Obj RefId=\"0\"><MS><I32 N=\"RunspaceState\">2</I32></MS></Obj>"));
    }

    [Test]
    public void Captured_runspace_availability_exchange_decodes()
    {
        var d = new Defragmenter();
        var get = d.Add(Convert.FromBase64String(SetRunspacesGetAvailableSend)).Single();
        Assert.That((get.Destination, get.MessageType, get.Length), Is.EqualTo((PsrpDestination.Server, PsrpMessageType.GetAvailableRunspaces, 89)));
        Assert.That(DataText(get), Is.EqualTo("<Obj RefId=\"0\"><MS><I64 N=\"ci\">0</I64></MS></Obj>"));
        Assert.That(d.Add(Convert.FromBase64String(SetRunspacesAvailabilityCountStream)).Single().MessageType, Is.EqualTo(PsrpMessageType.RunspaceAvailability));
        Assert.That(DataText(d.Add(Convert.FromBase64String(SetRunspacesSetMaxSend)).Single()), Does.Contain("<I64 N=\"CI\">1</I64>"));
        Assert.That(DataText(d.Add(Convert.FromBase64String(SetRunspacesAvailabilityBoolStream)).Single()), Does.Contain("<B N=\"SetMinMaxRunspacesResponse\">true</B>"));
    }

    [Test]
    public void Captured_last_fragment_of_the_large_output_has_the_expected_header()
    {
        var bytes = Convert.FromBase64String(FetchFileLastChunk);
        Assert.That(FragmentCodec.TryRead(bytes, 32768, out var f, out var consumed, out _), Is.True);
        Assert.That(consumed, Is.EqualTo(bytes.Length));
        Assert.That((f.ObjectId, f.FragmentId, f.IsStart, f.IsEnd, f.Blob.Length), Is.EqualTo((6UL, 10UL, false, true, 5916)));
        Assert.That(Encoding.ASCII.GetString(f.Blob.Span[^10..]), Is.EqualTo("MNCg0K</S>"));

        var message = FetchFileMessage();
        Assert.That(f.Blob.ToArray(), Is.EqualTo(message[^5916..]));
    }

    [Test]
    public void Large_output_splits_exactly_like_the_captured_eleven_fragments()
    {
        var message = FetchFileMessage();
        Assert.That(message, Has.Length.EqualTo(FetchFileMessageLength));
        var fragments = FragmentCodec.Split(FetchFileObjectId, message, FetchFileFragmentLength);
        Assert.That(fragments, Has.Count.EqualTo(11));
        var hashes = fragments.Select(f => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Convert.ToBase64String(f))))).ToArray();
        Assert.That(hashes, Is.EqualTo(FetchFileChunkBase64Sha256));
        Assert.That(Convert.ToBase64String(fragments[10]), Is.EqualTo(FetchFileLastChunk));
    }

    [Test]
    public void Large_output_reassembles_from_three_receive_responses()
    {
        var fragments = FragmentCodec.Split(FetchFileObjectId, FetchFileMessage(), FetchFileFragmentLength);
        var d = new Defragmenter();
        var results = new List<PsrpMessage>();
        var next = 0;
        foreach (var count in FetchFileFragmentsPerResponse)
        {
            for (var i = 0; i < count; i++) results.AddRange(d.Add(fragments[next++]));
            Assert.That(d.IsIdle, Is.EqualTo(next == fragments.Count));
        }

        var message = results.Single();
        Assert.That((message.Destination, message.MessageType, message.Length), Is.EqualTo((PsrpDestination.Client, PsrpMessageType.PipelineOutput, FetchFileMessageLength)));
        Assert.That((message.RunspacePoolId, message.PipelineId), Is.EqualTo((FetchFileRunspacePoolId, FetchFilePipelineId)));
        var text = DataText(message);
        var payload = Convert.FromBase64String(text[3..^4]);
        Assert.That(Convert.ToHexStringLower(SHA1.HashData(payload)), Is.EqualTo("70e3bea8cdb0d0c883bccff5228933d933b88a80"));
    }

    [Test]
    public void Create_uses_the_body_message_type()
    {
        // The CLIXML serializer is written elsewhere; only check what does not depend on it.
        IPsrpMessageBody body = new GetAvailableRunspaces(3);
        Assert.That(body.MessageType, Is.EqualTo(PsrpMessageType.GetAvailableRunspaces));
        Assert.That(body.ToPsValue(), Is.InstanceOf<PsObject>());
    }
}
