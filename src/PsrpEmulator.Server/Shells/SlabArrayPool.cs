using System.Buffers;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// Arrays of one length for the output buffers' largest slabs, shared by all buffers and kept up to
/// <paramref name="capacity"/> of them. Unlike <see cref="ArrayPool{T}.Create(int, int)"/>'s pool it does not zero
/// the arrays it makes (a slab's bytes are only ever sent after they are written), and unlike the shared pool it keeps
/// more than a few dozen (a buffer running ahead of its Receives holds hundreds).
/// </summary>
internal sealed class SlabArrayPool(int length, int capacity) : ArrayPool<byte>
{
    private readonly byte[]?[] _free = new byte[capacity][];
    private readonly Lock _lock = new();
    private int _count;

    public override byte[] Rent(int minimumLength)
    {
        if (minimumLength <= length)
        {
            lock (_lock)
            {
                if (_count > 0)
                {
                    var array = _free[--_count]!;
                    _free[_count] = null;
                    return array;
                }
            }
        }

        return GC.AllocateUninitializedArray<byte>(Math.Max(minimumLength, length));
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length != length) return;
        if (clearArray) Array.Clear(array);
        lock (_lock)
        {
            if (_count < _free.Length) _free[_count++] = array;
        }
    }
}
