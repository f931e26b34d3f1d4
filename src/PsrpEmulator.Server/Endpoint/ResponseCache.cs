using System.Buffers;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// Robust connections (MS-WSMV 3.1.4.1.39): the last response of each operation (<c>p:OperationID</c>) is kept, so
/// a retransmission (the same OperationID with mustUnderstand="true") gets the cached response instead of being
/// processed again — a Receive whose response was lost is recovered without loss or duplication.
/// </summary>
/// <remarks>
/// A large response is kept in the pooled buffer it was written into (no copy of every response): the buffer goes
/// back to the pool once the cache has let it go and no write is sending it any more. The byte bound counts the
/// memory held (a pooled buffer's whole length), so it bounds memory as before.
/// </remarks>
internal sealed class ResponseCache(int capacity = 1024, long maxBytes = 64L * 1024 * 1024)
{
    /// <summary>Below this a response is copied to an array of its size (a pooled buffer may be twice as long).</summary>
    internal const int KeepBufferFrom = 8 * 1024;

    private long _bytes;
    private readonly Dictionary<string, (int Status, CachedResponse Response)> _responses = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Bytes held (for tests and diagnostics).</summary>
    internal long HeldBytes
    {
        get
        {
            lock (_lock) return _bytes;
        }
    }

    internal int Count
    {
        get
        {
            lock (_lock) return _responses.Count;
        }
    }

    /// <summary>The cached response of <paramref name="operationId"/>, leased: dispose the lease once it is sent.</summary>
    public bool TryGet(string operationId, out int status, out ResponseLease lease)
    {
        lock (_lock)
        {
            // Leased under the lock: an eviction cannot return the buffer between the look-up and the lease.
            if (_responses.TryGetValue(operationId, out var cached))
            {
                cached.Response.Acquire();
                status = cached.Status;
                lease = new ResponseLease(cached.Response);
                return true;
            }
        }

        status = 0;
        lease = default;
        return false;
    }

    /// <summary>
    /// Keeps the response written into <paramref name="output"/> for retransmissions of the operation and returns it,
    /// leased (dispose the lease once it is sent). A large response takes over <paramref name="output"/>'s buffer.
    /// </summary>
    public ResponseLease Store(string operationId, int status, PooledBufferWriter output)
    {
        CachedResponse response;
        var written = output.WrittenCount;
        if (written >= KeepBufferFrom && output.Capacity <= 2L * written)
        {
            response = new CachedResponse(output.Detach(), written, pooled: true);
        }
        else
        {
            response = new CachedResponse(output.WrittenSpan.ToArray(), written, pooled: false);
        }

        // The cache's reference and the caller's lease.
        response.Acquire();
        lock (_lock)
        {
            if (_responses.TryGetValue(operationId, out var previous))
            {
                _bytes -= previous.Response.HeldBytes;
                previous.Response.Release();
            }
            else
            {
                _order.Enqueue(operationId);
            }

            _responses[operationId] = (status, response);
            _bytes += response.HeldBytes;
            // Bounded by count and by bytes: the oldest operations are forgotten first.
            while (_order.Count > capacity || (_bytes > maxBytes && _order.Count > 1))
            {
                if (_responses.Remove(_order.Dequeue(), out var evicted))
                {
                    _bytes -= evicted.Response.HeldBytes;
                    evicted.Response.Release();
                }
            }
        }

        return new ResponseLease(response);
    }

    public void Clear()
    {
        lock (_lock)
        {
            foreach (var (_, response) in _responses.Values) response.Release();
            _responses.Clear();
            _order.Clear();
            _bytes = 0;
        }
    }
}

/// <summary>A kept response body; a pooled buffer is returned when the last reference (cache or sender) is released.</summary>
/// <remarks>
/// References are taken only while the cache still holds its own (in <see cref="ResponseCache.Store"/>, and in
/// <see cref="ResponseCache.TryGet"/> under the cache's lock), so a count that reached 0 never rises again.
/// </remarks>
internal sealed class CachedResponse(byte[] buffer, int length, bool pooled)
{
    // The cache's reference, and one per write sending the response.
    private int _references = 1;

    public ReadOnlyMemory<byte> Body => buffer.AsMemory(0, length);

    public int HeldBytes => buffer.Length;

    public void Acquire() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0 && pooled) ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>One sender's reference to a cached response.</summary>
internal readonly struct ResponseLease(CachedResponse? response) : IDisposable
{
    public ReadOnlyMemory<byte> Body => response?.Body ?? ReadOnlyMemory<byte>.Empty;

    public bool IsEmpty => response is null;

    public void Dispose() => response?.Release();
}
