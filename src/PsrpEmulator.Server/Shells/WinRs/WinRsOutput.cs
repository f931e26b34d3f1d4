using System.Threading.Channels;

namespace PsrpEmulator.Server.Shells.WinRs;

/// <summary>A chunk a WinRS command wrote to stdout or stderr, with how much of it a Receive has taken.</summary>
internal sealed class WinRsChunk(string stream, ReadOnlyMemory<byte> data)
{
    public string Stream { get; } = stream;
    public ReadOnlyMemory<byte> Data { get; } = data;
    public int Sent { get; set; }
}

/// <summary>What one Receive takes: chunks in write order; Completed once the command exited and everything was taken.</summary>
internal sealed record WinRsBatch(IReadOnlyList<(string Stream, ReadOnlyMemory<byte> Data)> Chunks, bool Completed, int ExitCode);

/// <summary>
/// The stdout/stderr buffer of one WinRS command: a channel of chunks (bounded by the endpoint's buffer capacity:
/// Block waits when full, Drop discards), published to waiting Receives when the command pauses, as the PSRP
/// <see cref="OutputStream"/> does. Each chunk is sent as its own rsp:Stream, as Windows sends each pipe read.
/// </summary>
internal sealed class WinRsOutput
{
    private readonly Channel<WinRsChunk> _channel;
    private readonly ReceiveGate _gate = new();
    private WinRsChunk? _partial;
    private int _exitCode;

    public WinRsOutput(int? capacity)
    {
        _channel = capacity is { } c
            ? Channel.CreateBounded<WinRsChunk>(new BoundedChannelOptions(c) { FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<WinRsChunk>();
    }

    /// <summary>True once the command exited and a Receive took the last chunk with the end of the streams.</summary>
    public bool EndSent { get; private set; }

    public int BufferedCount => _channel.Reader.Count + (_partial is null ? 0 : 1);

    public bool TryWrite(WinRsChunk chunk) => _channel.Writer.TryWrite(chunk);

    public ValueTask WriteAsync(WinRsChunk chunk, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(chunk, cancellationToken);

    public bool TryDiscardOldest(out WinRsChunk? discarded)
    {
        var found = _channel.Reader.TryRead(out var chunk);
        discarded = chunk;
        return found;
    }

    /// <summary>The command exited: after what is buffered, Receive reports the end of the streams and the exit code.</summary>
    public void Complete(int exitCode)
    {
        _exitCode = exitCode;
        _channel.Writer.TryComplete();
        Publish();
    }

    /// <summary>
    /// A client connects to this command: when an earlier connection already took the end of the streams without
    /// ending the command (it disconnected before its Signal Terminate), the end and exit code are sent again, so the
    /// connecting client does not wait for them for ever. Output is never sent twice.
    /// </summary>
    public async Task ResumeForConnectingClientAsync()
    {
        await _gate.RunExclusiveAsync(() =>
        {
            if (EndSent && _partial is null) EndSent = false;
        }).ConfigureAwait(false);
        Publish();
    }

    /// <summary>Wakes a waiting Receive (writers publish when they pause, so a burst goes out in one response).</summary>
    public void Publish() => _gate.Publish();

    private bool HasPending() => _partial is not null || _channel.Reader.Count > 0 || (_channel.Reader.Completion.IsCompleted && !EndSent);

    /// <summary>Waits for published output or the exit until <paramref name="hold"/> ends; null when nothing came.</summary>
    public Task<WinRsBatch?> ReceiveAsync(int budget, CancellationToken hold) => _gate.ReceiveAsync(HasPending, () => Take(budget), hold);

    private WinRsBatch Take(int budget)
    {
        var chunks = new List<(string, ReadOnlyMemory<byte>)>();
        var used = 0;
        while (used < budget)
        {
            var chunk = _partial;
            if (chunk is null && !_channel.Reader.TryRead(out chunk)) break;
            var length = Math.Min(budget - used, chunk.Data.Length - chunk.Sent);
            chunks.Add((chunk.Stream, chunk.Data.Slice(chunk.Sent, length)));
            chunk.Sent += length;
            used += Math.Max(1, length);
            _partial = chunk.Sent < chunk.Data.Length ? chunk : null;
        }

        var completed = _partial is null && _channel.Reader.Count == 0 && _channel.Reader.Completion.IsCompleted;
        if (completed) EndSent = true;
        return new WinRsBatch(chunks, completed, _exitCode);
    }
}
