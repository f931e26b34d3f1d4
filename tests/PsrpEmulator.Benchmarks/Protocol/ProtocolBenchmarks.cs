using System.Buffers;
using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Benchmarks.Protocol;

/// <summary>
/// Benchmark 2a: fragmenting and defragmenting one message, against a plain copy of the same bytes (baseline), so
/// the ratio says how close the codec is to memory bandwidth.
/// </summary>
[MemoryDiagnoser]
public class FragmentBenchmarks
{
    private byte[] _message = null!;
    private byte[] _chunk = null!;
    private byte[] _copyTarget = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);

    /// <summary>Large: the 333 KB fetch-file message in 32 KB fragments; Small: the 199-byte 9.8 vector.</summary>
    [Params("Large", "Small")]
    public string Message { get; set; } = "Large";

    [GlobalSetup]
    public void Setup()
    {
        _message = Message == "Large" ? ProtocolData.LargeMessage() : ProtocolData.SmallMessage();
        _chunk = ProtocolData.Fragments(_message, 32 * 1024);
        _copyTarget = new byte[_chunk.Length];
    }

    /// <summary>Bytes one operation moves (for bytes/s).</summary>
    public int Bytes => _chunk.Length;

    [Benchmark(Baseline = true)]
    public int Copy()
    {
        _chunk.CopyTo(_copyTarget, 0);
        return _copyTarget.Length;
    }

    [Benchmark]
    public int Fragment()
    {
        _output.ResetWrittenCount();
        FragmentCodec.WriteMessage(_output, 6, _message, 32 * 1024);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Defragment() => new Defragmenter().Add(_chunk)[0].Data.Length;
}

/// <summary>
/// Benchmark 2b: writing and reading a ReceiveResponse envelope carrying <see cref="PayloadBytes"/> bytes of
/// fragments, against span-based base64 of the same bytes (baseline): the unavoidable work of the envelope.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private WsManEnvelope _envelope = null!;
    private byte[] _xml = null!;
    private byte[] _payload = null!;
    private byte[] _base64 = null!;
    private byte[] _decoded = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);

    /// <summary>200 B: a small Receive; 368,640 B: a full ~512 KB envelope.</summary>
    [Params(200, 368_640)]
    public int PayloadBytes { get; set; } = 200;

    [GlobalSetup]
    public void Setup()
    {
        _envelope = ProtocolData.ReceiveResponse(PayloadBytes);
        _xml = WsManEnvelopeWriter.Write(_envelope);
        _payload = new byte[PayloadBytes];
        _base64 = new byte[Base64.GetMaxEncodedToUtf8Length(PayloadBytes)];
        _decoded = new byte[PayloadBytes];
        Base64.EncodeToUtf8(_payload, _base64, out _, out _);
    }

    /// <summary>Envelope bytes (for bytes/s).</summary>
    public int Bytes => _xml.Length;

    [Benchmark(Baseline = true)]
    public int Base64Encode()
    {
        var data = ((ReceiveResponseBody)_envelope.Body).Streams;
        var total = 0;
        foreach (var s in data)
        {
            Base64.EncodeToUtf8(s.Data.Span, _base64.AsSpan(total), out _, out var written);
            total += written;
        }

        return total;
    }

    [Benchmark]
    public int Base64Decode()
    {
        Base64.DecodeFromUtf8(_base64, _decoded, out _, out var written);
        return written;
    }

    [Benchmark]
    public int Write()
    {
        _output.ResetWrittenCount();
        WsManEnvelopeWriter.Write(_output, _envelope);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Read() => ((ReceiveResponseBody)WsManEnvelopeReader.Read(_xml).Body).Streams.Count;
}
