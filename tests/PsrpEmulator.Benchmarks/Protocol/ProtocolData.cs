using System.Buffers;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.Tests.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Benchmarks.Protocol;

/// <summary>Data of benchmark 2, built from the protocol tests' vectors (<see cref="PsrpTestVectors"/>).</summary>
public static class ProtocolData
{
    /// <summary>The captured 333,386-byte PIPELINE_OUTPUT of test_client_fetch_file.yml.</summary>
    public static byte[] LargeMessage() => PsrpTestVectors.FetchFileMessage();

    /// <summary>The 9.8 SESSION_CAPABILITY message (199 bytes).</summary>
    public static byte[] SmallMessage() => new PsrpMessage(PsrpDestination.Server, PsrpMessageType.SessionCapability,
        PsrpTestVectors.Vector98RunspacePoolId, Guid.Empty, System.Text.Encoding.UTF8.GetBytes(PsrpTestVectors.Vector98Clixml)).ToArray();

    /// <summary>The fragments of <paramref name="message"/> as one stream chunk.</summary>
    public static byte[] Fragments(byte[] message, int maxFragment)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 1024);
        FragmentCodec.WriteMessage(buffer, 6, message, maxFragment);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A ReceiveResponse envelope (as the server writes it) whose streams carry <paramref name="payloadBytes"/> bytes of fragments.</summary>
    public static WsManEnvelope ReceiveResponse(int payloadBytes, int maxFragment = 32 * 1024)
    {
        var message = LargeMessage();
        var payload = new byte[payloadBytes];
        for (var i = 0; i < payload.Length; i += message.Length) message.AsSpan(0, Math.Min(message.Length, payload.Length - i)).CopyTo(payload.AsSpan(i));
        var streams = new List<ShellStream>();
        for (var offset = 0; offset < payload.Length; offset += maxFragment)
        {
            streams.Add(new ShellStream("stdout", "13E829FC-384D-41C8-88BF-933C03FC2C53", payload.AsMemory(offset, Math.Min(maxFragment, payload.Length - offset))));
        }

        var header = new WsManHeader
        {
            Action = WsManActions.ReceiveResponse,
            MessageId = "uuid:0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
            To = WsManAddresses.Anonymous,
            RelatesTo = "uuid:F9E8D7C6-B5A4-9382-7160-5F4E3D2C1B0A",
            OperationId = "uuid:11111111-2222-3333-4444-555555555555",
        };
        return new WsManEnvelope(header, new ReceiveResponseBody(streams, null));
    }
}
