using System.Collections;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Diagnostics;

/// <summary>
/// The PSRP message types of a request or response, as the journal keeps them: in runs of one type. A Receive of
/// small objects carries about 1,500 outputs; kept one by one they took 4-8 KB per journal entry (80 MB in a full
/// journal of such Receives), as runs a few bytes.
/// </summary>
public sealed class MessageTypeList : IReadOnlyList<PsrpMessageType>
{
    private (PsrpMessageType Type, int Count)[] _runs = [];
    private int _runCount;

    public int Count { get; private set; }

    public PsrpMessageType this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            for (var i = 0; i < _runCount; i++)
            {
                if (index < _runs[i].Count) return _runs[i].Type;
                index -= _runs[i].Count;
            }

            throw new InvalidOperationException("The runs do not add up to the count.");
        }
    }

    public void Add(PsrpMessageType type) => Add(type, 1);

    /// <summary><paramref name="count"/> messages of <paramref name="type"/> in a row.</summary>
    public void Add(PsrpMessageType type, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return;
        if (_runCount > 0 && _runs[_runCount - 1].Type == type)
        {
            _runs[_runCount - 1].Count += count;
        }
        else
        {
            if (_runCount == _runs.Length) Array.Resize(ref _runs, Math.Max(4, _runs.Length * 2));
            _runs[_runCount++] = (type, count);
        }

        Count += count;
    }

    public void AddRange(IEnumerable<PsrpMessageType> types)
    {
        foreach (var type in types) Add(type);
    }

    public IEnumerator<PsrpMessageType> GetEnumerator()
    {
        for (var i = 0; i < _runCount; i++)
        {
            var (type, count) = _runs[i];
            for (var k = 0; k < count; k++) yield return type;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
