using System.Buffers;
using System.Collections;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// The streams of an <c>rsp:ReceiveResponse</c> read by <see cref="WsManEnvelopeReader.ReadPooled"/>: one struct
/// entry per <c>rsp:Stream</c> rather than a <see cref="ShellStream"/> object each (a response of small objects
/// carries thousands), entries and decoded data in pooled buffers. Read as a list, it makes the
/// <see cref="ShellStream"/> asked for; a caller that only needs the data reads <see cref="DataAt"/>.
/// </summary>
/// <remarks>
/// A caller that has decoded every stream gives the buffers back with <see cref="Return"/> (a client turning output
/// into events at once); after that the list throws, and data taken from it before must not be read. Buffers not
/// given back are simply collected.
/// </remarks>
public sealed class ShellStreamList : IReadOnlyList<ShellStream>
{
    private Entry[] _entries = ArrayPool<Entry>.Shared.Rent(16);
    private int _count;
    private List<byte[]>? _rented;
    private bool _returned;

    internal ShellStreamList()
    {
    }

    private readonly record struct Entry(string Name, string? CommandId, ReadOnlyMemory<byte> Data, bool End);

    public int Count
    {
        get
        {
            ThrowIfReturned();
            return _count;
        }
    }

    public ShellStream this[int index]
    {
        get
        {
            var e = At(index);
            return new ShellStream(e.Name, e.CommandId, e.Data, e.End);
        }
    }

    /// <summary>The decoded data of stream <paramref name="index"/>, without making a <see cref="ShellStream"/>.</summary>
    public ReadOnlyMemory<byte> DataAt(int index) => At(index).Data;

    public IEnumerator<ShellStream> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Gives the pooled buffers back; the list and every slice of its data are then unusable.</summary>
    public void Return()
    {
        if (_returned) return;
        _returned = true;
        // The pool must not keep the names alive.
        Array.Clear(_entries, 0, _count);
        ArrayPool<Entry>.Shared.Return(_entries);
        _entries = [];
        _count = 0;
        if (_rented is not null)
        {
            foreach (var buffer in _rented) ArrayPool<byte>.Shared.Return(buffer);
            _rented = null;
        }
    }

    internal void Add(string name, string? commandId, ReadOnlyMemory<byte> data, bool end)
    {
        if (_count == _entries.Length) Grow(_count + 1);
        _entries[_count++] = new Entry(name, commandId, data, end);
    }

    /// <summary>Room for <paramref name="more"/> entries (a group of streams whose size is known): one growth, not doubling.</summary>
    internal void EnsureRoom(int more)
    {
        if (_count + more > _entries.Length) Grow(_count + more);
    }

    /// <summary>A pooled buffer of at least <paramref name="size"/> bytes for stream data (given back by <see cref="Return"/>).</summary>
    internal byte[] RentBuffer(int size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        (_rented ??= []).Add(buffer);
        return buffer;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<Entry>.Shared.Rent(Math.Max(needed, _entries.Length * 2));
        _entries.AsSpan(0, _count).CopyTo(larger);
        Array.Clear(_entries, 0, _count);
        ArrayPool<Entry>.Shared.Return(_entries);
        _entries = larger;
    }

    private ref readonly Entry At(int index)
    {
        ThrowIfReturned();
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
        return ref _entries[index];
    }

    private void ThrowIfReturned() => ObjectDisposedException.ThrowIf(_returned, this);
}
