namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// Robust connections (MS-WSMV 3.1.4.1.39): the last response of each operation (<c>p:OperationID</c>) is kept, so
/// a retransmission (the same OperationID with mustUnderstand="true") gets the cached response instead of being
/// processed again — a Receive whose response was lost is recovered without loss or duplication.
/// </summary>
internal sealed class ResponseCache(int capacity = 1024, long maxBytes = 64L * 1024 * 1024)
{
    private long _bytes;
    private readonly Dictionary<string, (int Status, byte[] Body)> _responses = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    public bool TryGet(string operationId, out int status, out byte[] body)
    {
        lock (_lock)
        {
            if (_responses.TryGetValue(operationId, out var cached))
            {
                (status, body) = cached;
                return true;
            }
        }

        status = 0;
        body = [];
        return false;
    }

    /// <summary>Keeps a copy of <paramref name="body"/> for retransmissions of the operation and returns it.</summary>
    public byte[] Store(string operationId, int status, ReadOnlySpan<byte> body)
    {
        var copy = body.ToArray();
        lock (_lock)
        {
            if (_responses.TryGetValue(operationId, out var previous)) _bytes -= previous.Body.Length;
            else _order.Enqueue(operationId);
            _responses[operationId] = (status, copy);
            _bytes += body.Length;
            // Bounded by count and by bytes: the oldest operations are forgotten first.
            while (_order.Count > capacity || (_bytes > maxBytes && _order.Count > 1))
            {
                if (_responses.Remove(_order.Dequeue(), out var evicted)) _bytes -= evicted.Body.Length;
            }
        }

        return copy;
    }

    public void Clear()
    {
        lock (_lock)
        {
            _responses.Clear();
            _order.Clear();
            _bytes = 0;
        }
    }
}
