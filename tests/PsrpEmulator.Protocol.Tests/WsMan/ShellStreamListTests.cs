using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>The pooled streams of a ReceiveResponse (<see cref="WsManEnvelopeReader.ReadPooled"/>), as the client transport reads them.</summary>
public sealed class ShellStreamListTests
{
    private const string CommandId = "9A1C2C1D-6A5B-4D43-8B4B-0E4C3B2D1A00";

    private static byte[] Response(int streams, byte seed, int dataLength = 120)
    {
        var list = Enumerable.Range(0, streams).Select(i =>
            new ShellStream("stdout", CommandId, Enumerable.Range(0, dataLength + (i % 5)).Select(b => (byte)(b * 7 + i + seed)).ToArray(), End: false)).ToList();
        return WsManEnvelopeWriter.Write(new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(list, new CommandState(CommandId, WsManCommandStates.Running, null))));
    }

    private static List<byte[]> Data(IReadOnlyList<ShellStream> streams) => streams.Select(s => s.Data.ToArray()).ToList();

    [Test]
    public void A_pooled_read_gives_the_streams_and_data_of_a_plain_read()
    {
        var bytes = Response(500, 1);
        var plain = (ReceiveResponseBody)WsManEnvelopeReader.Read(bytes).Body;
        var pooled = (ReceiveResponseBody)WsManEnvelopeReader.ReadPooled(bytes).Body;

        var list = pooled.Streams as ShellStreamList;
        Assert.That(list, Is.Not.Null);
        Assert.That(list!.Count, Is.EqualTo(500));
        Assert.That(Data(list), Is.EqualTo(Data(plain.Streams)));
        Assert.That(Enumerable.Range(0, list.Count).Select(i => list.DataAt(i).ToArray()), Is.EqualTo(Data(plain.Streams)));
        Assert.That(list.Select(s => (s.Name, s.CommandId, s.End)), Is.EqualTo(plain.Streams.Select(s => (s.Name, s.CommandId, s.End))));
        Assert.That(pooled.CommandState, Is.EqualTo(plain.CommandState));
    }

    [Test]
    public void Buffers_given_back_and_reused_by_the_next_pooled_read_leave_that_read_correct()
    {
        // The second response is read into the buffers the first gave back: its data must be its own.
        var first = (ReceiveResponseBody)WsManEnvelopeReader.ReadPooled(Response(300, 1)).Body;
        ((ShellStreamList)first.Streams).Return();
        var secondBytes = Response(300, 99);

        var second = (ShellStreamList)((ReceiveResponseBody)WsManEnvelopeReader.ReadPooled(secondBytes).Body).Streams;

        var expected = Data(((ReceiveResponseBody)WsManEnvelopeReader.Read(secondBytes).Body).Streams);
        Assert.That(Enumerable.Range(0, second.Count).Select(i => second.DataAt(i).ToArray()), Is.EqualTo(expected));
        second.Return();
    }

    [Test]
    public void A_list_given_back_refuses_to_be_read_and_may_be_given_back_again()
    {
        var list = (ShellStreamList)((ReceiveResponseBody)WsManEnvelopeReader.ReadPooled(Response(3, 1)).Body).Streams;

        list.Return();

        Assert.Throws<ObjectDisposedException>(() => _ = list.Count);
        Assert.Throws<ObjectDisposedException>(() => list.DataAt(0));
        Assert.Throws<ObjectDisposedException>(() => _ = list[0]);
        Assert.DoesNotThrow(list.Return);
    }

    [Test]
    public void Large_stream_data_outside_the_shared_chunks_reads_the_same_pooled()
    {
        // Streams above a quarter chunk get buffers of their own (rented, when pooled).
        var bytes = Response(3, 5, dataLength: 20_000);
        var pooled = (ShellStreamList)((ReceiveResponseBody)WsManEnvelopeReader.ReadPooled(bytes).Body).Streams;

        Assert.That(Enumerable.Range(0, 3).Select(i => pooled.DataAt(i).ToArray()), Is.EqualTo(Data(((ReceiveResponseBody)WsManEnvelopeReader.Read(bytes).Body).Streams)));
        pooled.Return();
    }

    [Test]
    public void Only_a_ReceiveResponse_is_read_into_a_pooled_list()
    {
        var send = WsManEnvelopeWriter.Write(new WsManEnvelope(new WsManHeader { Action = WsManActions.Send, MessageId = "uuid:2" },
            new SendBody([new ShellStream("stdin", CommandId, new byte[] { 1, 2, 3 })])));

        var body = (SendBody)WsManEnvelopeReader.ReadPooled(send).Body;

        Assert.That(body.Streams, Is.Not.InstanceOf<ShellStreamList>());
        Assert.That(body.Streams[0].Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }
}
