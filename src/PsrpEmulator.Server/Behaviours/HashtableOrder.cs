using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The order a .NET Framework <c>System.Collections.Hashtable</c> enumerates its keys in, kept in a table's entries:
/// PowerShell's <c>@{}</c>, <c>$Matches</c> and Group-Object's <c>-AsHashTable</c> are Hashtables, which enumerate
/// from their last bucket to their first, so <c>@{1='a';2='b';3='c'}</c> shows 3, 2, 1 and <c>$Matches</c> its
/// numbered groups last to first, group 0 at the end. A key's bucket follows from its hash: an integer's, a char's, a
/// Boolean's and a double's are fixed by .NET (Int32.GetHashCode is the value), so for them the buckets are
/// simulated exactly (Hashtable's double hashing, its growth to the next prime past twice the size at 72% load, a
/// removed key's slot kept while it had a collision). A string's hash is the culture's sort-key hash (Windows NLS),
/// which the emulator cannot know: strings and other keys come first, in the order they were added, which is where
/// a string's random bucket most often falls ahead of small integers.
/// </summary>
/// <remarks>
/// The entries keep that order after each change: the keys whose bucket is not known, in insertion order, then the
/// known ones from the last bucket to the first. Only a table whose first type name is Hashtable is kept so (an
/// OrderedDictionary or a generic Dictionary enumerates in insertion order, as the emulator keeps any table).
/// </remarks>
internal static class HashtableOrder
{
    public const string HashtableTypeName = "System.Collections.Hashtable";

    private const uint HashPrime = 101;

    private static readonly ConditionalWeakTable<List<KeyValuePair<PsValue, PsValue>>, Buckets> States = [];

    /// <summary>A Hashtable whose entries this order applies to (not an OrderedDictionary, a generic Dictionary or a custom object).</summary>
    public static bool Applies(PsObject table) =>
        table.CollectionKind == PsCollectionKind.Dictionary && table.TypeNames is [HashtableTypeName, ..] or [ScriptExpressions.SyncHashtableTypeName, HashtableTypeName, ..];

    /// <summary>The hash .NET Framework gives <paramref name="key"/> (an Int32 its value, an Int64 its halves xor'ed, ...); null where it is not known here (strings: the culture's sort key hash).</summary>
    public static int? KnownHash(PsValue key) => (key is PsObject { BaseValue: { } b } ? b : key) switch
    {
        PsPrimitive { Value: int i } => i,
        PsPrimitive { Value: long l } => unchecked((int)l ^ (int)(l >> 32)),
        PsPrimitive { Value: uint u } => unchecked((int)u),
        PsPrimitive { Value: ulong u } => unchecked((int)u ^ (int)(u >> 32)),
        PsPrimitive { Value: short s } => unchecked((ushort)s | (s << 16)),
        PsPrimitive { Value: ushort u } => u,
        PsPrimitive { Value: byte b8 } => b8,
        PsPrimitive { Value: sbyte s } => unchecked(s ^ (s << 8)),
        PsPrimitive { Value: char c } => c | (c << 16),
        PsPrimitive { Value: bool f } => f ? 1 : 0,
        // 0 and -0 hash alike; otherwise the bits' halves xor'ed (.NET Framework's Double.GetHashCode).
        PsPrimitive { Value: double d } => d == 0 ? 0 : unchecked((int)BitConverter.DoubleToInt64Bits(d) ^ (int)(BitConverter.DoubleToInt64Bits(d) >> 32)),
        PsPrimitive { Value: float f } => f == 0 ? 0 : BitConverter.SingleToInt32Bits(f),
        _ => null,
    };

    /// <summary>
    /// Puts the table's entries in its Hashtable's order as if its entries had been added in their current order to
    /// a Hashtable made for <paramref name="capacity"/> (a literal's is its number of pairs, <c>@{}</c>'s 0); the
    /// simulated buckets are kept for later changes. A table with no key of known hash is left as it is.
    /// </summary>
    public static void Arrange(PsObject table, int capacity)
    {
        var entries = table.Entries;
        States.Remove(entries);
        TableKeys.ForgetIndex(table);
        if (!Applies(table) || !entries.Exists(e => KnownHash(e.Key) is not null)) return;
        var buckets = new Buckets(capacity);
        foreach (var (key, _) in entries) buckets.Insert(key, KnownHash(key));
        States.Add(entries, buckets);
        // The keys of unknown hash first, in order; then the others, placed by bucket.
        var known = entries.FindAll(e => KnownHash(e.Key) is not null);
        entries.RemoveAll(e => KnownHash(e.Key) is not null);
        entries.AddRange(known);
        Rewrite(entries, buckets);
    }

    /// <summary>Starts the simulated buckets of a new, empty table made for <paramref name="capacity"/> entries (a literal's with a key that may be a number).</summary>
    public static void Reserve(PsObject table, int capacity)
    {
        if (Applies(table) && table.Entries.Count == 0) States.AddOrUpdate(table.Entries, new Buckets(capacity));
    }

    /// <summary>
    /// Where <paramref name="key"/>'s entry is when the simulated buckets can tell (a key of known hash: its place, -1
    /// when absent); null when the caller searches the first <paramref name="searched"/> entries (the keys added in
    /// order, or all of a table that keeps no buckets).
    /// </summary>
    public static int? Lookup(PsObject table, PsValue key, IEqualityComparer<PsValue> comparer, out int searched)
    {
        var entries = table.Entries;
        searched = entries.Count;
        if (!States.TryGetValue(entries, out var buckets)) return null;
        var front = entries.Count - buckets.Known;
        if (KnownHash(key) is not { } hash)
        {
            searched = front;
            return null;
        }

        if (buckets.Find(key, hash, comparer) is not (var bucket and >= 0)) return -1;
        var at = front + buckets.OccupiedAbove(bucket);
        // Entries changed behind the buckets' back: the caller searches them all.
        return at < entries.Count && comparer.Equals(entries[at].Key, key) ? at : null;
    }

    /// <summary>Adds an entry whose key is not in the table yet where the Hashtable enumerates it: its place; -1 when the table keeps no order (the caller appends).</summary>
    public static int Add(PsObject table, PsValue key, PsValue value)
    {
        var entries = table.Entries;
        var hash = KnownHash(key);
        if (!States.TryGetValue(entries, out var buckets))
        {
            if (hash is null || !Applies(table)) return -1;
            Arrange(table, 0);
            if (!States.TryGetValue(entries, out buckets))
            {
                buckets = new Buckets(0);
                foreach (var _ in entries) buckets.Insert(null, null);
                States.Add(entries, buckets);
            }
        }

        if (buckets.Known > entries.Count)
        {
            // Entries removed behind the buckets' back: simulate again from what the table holds.
            Arrange(table, 0);
            if (!States.TryGetValue(entries, out buckets)) return -1;
        }

        var front = entries.Count - buckets.Known;
        var (bucket, moved) = buckets.Insert(key, hash);
        var at = Math.Clamp(bucket < 0 ? front : front + buckets.OccupiedAbove(bucket), 0, entries.Count);
        entries.Insert(at, new(key, value));
        if (moved) Rewrite(entries, buckets);
        return at;
    }

    /// <summary>Removes the entry at <paramref name="at"/> from the simulated buckets too (the caller removes it from the entries).</summary>
    public static void Removing(PsObject table, int at)
    {
        if (States.TryGetValue(table.Entries, out var buckets)) buckets.Remove(table.Entries[at].Key, KnownHash(table.Entries[at].Key));
    }

    /// <summary>Empties the simulated buckets (a Hashtable's Clear keeps its size).</summary>
    public static void Clearing(PsObject table)
    {
        if (States.TryGetValue(table.Entries, out var buckets)) buckets.Clear();
    }

    // The known keys' entries rewritten from the last bucket to the first, after the others.
    private static void Rewrite(List<KeyValuePair<PsValue, PsValue>> entries, Buckets buckets)
    {
        var front = entries.Count - buckets.Known;
        var values = new Dictionary<PsValue, PsValue>(buckets.Known, TableKeys.Comparer);
        for (var i = front; i < entries.Count; i++) values.TryAdd(entries[i].Key, entries[i].Value);
        List<KeyValuePair<PsValue, PsValue>> ordered = [.. buckets.KeysFromLast().Where(values.ContainsKey).Select(key => new KeyValuePair<PsValue, PsValue>(key, values[key]))];
        // Entries changed behind the buckets' back keep their order (a lookup then searches them all).
        if (ordered.Count != entries.Count - front) return;
        for (var i = 0; i < ordered.Count; i++) entries[front + i] = ordered[i];
    }

    /// <summary>A .NET Framework Hashtable's bucket array, for the keys of known hash (the others only count toward its growth).</summary>
    private sealed class Buckets
    {
        private const float LoadFactor = 0.72f;

        private PsValue?[] _keys;
        private bool[] _removed = [];
        private uint[] _hashes;
        private bool[] _collided;
        private int[] _tree; // a Fenwick tree of the occupied buckets, for an entry's place
        private int _loadsize;
        private int _count;
        private int _occupancy;

        public Buckets(int capacity)
        {
            var rawsize = capacity / LoadFactor;
            var size = rawsize > 3 ? Primes.GetPrime((int)rawsize) : 3;
            (_keys, _removed, _hashes, _collided, _tree) = (new PsValue?[size], new bool[size], new uint[size], new bool[size], new int[size + 1]);
            _loadsize = (int)(LoadFactor * size);
        }

        /// <summary>The keys of known hash the table holds.</summary>
        public int Known { get; private set; }

        /// <summary>Hashtable.Insert of a new key: its bucket (-1 for a key of unknown hash, which only counts) and whether the table grew or was rehashed, moving the others.</summary>
        public (int Bucket, bool Moved) Insert(PsValue? key, int? hash)
        {
            var moved = false;
            if (_count >= _loadsize)
            {
                Rehash(Primes.ExpandPrime(_keys.Length));
                moved = true;
            }
            else if (_occupancy > _loadsize && _count > 100)
            {
                Rehash(_keys.Length);
                moved = true;
            }

            _count++;
            if (key is null || hash is null) return (-1, moved);
            var (seed, increment) = Seed(hash.Value, _keys.Length);
            var bucket = (int)(seed % (uint)_keys.Length);
            var emptySlot = -1;
            for (var tries = 0; tries < _keys.Length; tries++)
            {
                if (emptySlot == -1 && _removed[bucket] && _collided[bucket]) emptySlot = bucket;
                if (_keys[bucket] is null && (!_removed[bucket] || !_collided[bucket]))
                {
                    Put(emptySlot != -1 ? emptySlot : bucket, key, seed);
                    return (emptySlot != -1 ? emptySlot : bucket, moved);
                }

                if (emptySlot == -1 && !_collided[bucket])
                {
                    _collided[bucket] = true;
                    _occupancy++;
                }

                bucket = (int)(((long)bucket + increment) % (uint)_keys.Length);
            }

            Put(emptySlot, key, seed);
            return (emptySlot, moved);
        }

        public int Find(PsValue key, int hash, IEqualityComparer<PsValue> comparer)
        {
            var (seed, increment) = Seed(hash, _keys.Length);
            var bucket = (int)(seed % (uint)_keys.Length);
            for (var tries = 0; tries < _keys.Length; tries++)
            {
                if (_keys[bucket] is { } held && _hashes[bucket] == seed && comparer.Equals(held, key)) return bucket;
                if (!_collided[bucket]) return -1;
                bucket = (int)(((long)bucket + increment) % (uint)_keys.Length);
            }

            return -1;
        }

        public void Remove(PsValue key, int? hash)
        {
            _count--;
            if (hash is null || Find(key, hash.Value, TableKeys.Comparer) is not (var bucket and >= 0)) return;
            _keys[bucket] = null;
            _removed[bucket] = _collided[bucket];
            Known--;
            Update(bucket, -1);
        }

        public void Clear()
        {
            Array.Clear(_keys);
            Array.Clear(_removed);
            Array.Clear(_collided);
            Array.Clear(_tree);
            _count = _occupancy = Known = 0;
        }

        /// <summary>How many buckets after <paramref name="bucket"/> hold a key (they enumerate before it).</summary>
        public int OccupiedAbove(int bucket) => Known - Prefix(bucket);

        public IEnumerable<PsValue> KeysFromLast()
        {
            for (var i = _keys.Length - 1; i >= 0; i--)
            {
                if (_keys[i] is { } key) yield return key;
            }
        }

        private static (uint Seed, uint Increment) Seed(int hash, int size)
        {
            var seed = (uint)hash & 0x7FFFFFFF;
            return (seed, unchecked(1 + (seed * HashPrime % ((uint)size - 1))));
        }

        private void Put(int bucket, PsValue key, uint seed)
        {
            _keys[bucket] = key;
            _removed[bucket] = false;
            _hashes[bucket] = seed;
            Known++;
            Update(bucket, 1);
        }

        // Hashtable.rehash: the keys put again from the first bucket to the last into a new array (collision bits cleared).
        private void Rehash(int size)
        {
            var (oldKeys, oldHashes) = (_keys, _hashes);
            (_keys, _removed, _hashes, _collided, _tree) = (new PsValue?[size], new bool[size], new uint[size], new bool[size], new int[size + 1]);
            _occupancy = 0;
            Known = 0;
            for (var i = 0; i < oldKeys.Length; i++)
            {
                if (oldKeys[i] is not { } key) continue;
                var seed = oldHashes[i];
                var increment = unchecked(1 + (seed * HashPrime % ((uint)size - 1)));
                var bucket = (int)(seed % (uint)size);
                while (_keys[bucket] is not null)
                {
                    if (!_collided[bucket])
                    {
                        _collided[bucket] = true;
                        _occupancy++;
                    }

                    bucket = (int)(((long)bucket + increment) % (uint)size);
                }

                Put(bucket, key, seed);
            }

            _loadsize = (int)(LoadFactor * size);
        }

        private void Update(int bucket, int delta)
        {
            for (var i = bucket + 1; i < _tree.Length; i += i & -i) _tree[i] += delta;
        }

        // Occupied buckets 0..bucket.
        private int Prefix(int bucket)
        {
            var sum = 0;
            for (var i = bucket + 1; i > 0; i -= i & -i) sum += _tree[i];
            return sum;
        }
    }

    /// <summary>.NET Framework's HashHelpers: the primes a Hashtable's size is taken from.</summary>
    private static class Primes
    {
        private static readonly int[] Table =
        [
            3, 7, 11, 17, 23, 29, 37, 47, 59, 71, 89, 107, 131, 163, 197, 239, 293, 353, 431, 521, 631, 761, 919,
            1103, 1327, 1597, 1931, 2333, 2801, 3371, 4049, 4861, 5839, 7013, 8419, 10103, 12143, 14591,
            17519, 21023, 25229, 30293, 36353, 43627, 52361, 62851, 75431, 90523, 108631, 130363, 156437,
            187751, 225307, 270371, 324449, 389357, 467237, 560689, 672827, 807403, 968897, 1162687, 1395263,
            1674319, 2009191, 2411033, 2893249, 3471899, 4166287, 4999559, 5999471, 7199369,
        ];

        public static int GetPrime(int min)
        {
            foreach (var prime in Table)
            {
                if (prime >= min) return prime;
            }

            for (var i = min | 1; i < int.MaxValue; i += 2)
            {
                if (IsPrime(i) && (i - 1) % HashPrime != 0) return i;
            }

            return min;
        }

        public static int ExpandPrime(int oldSize) => GetPrime(2 * oldSize);

        private static bool IsPrime(int candidate)
        {
            if ((candidate & 1) == 0) return candidate == 2;
            var limit = (int)Math.Sqrt(candidate);
            for (var divisor = 3; divisor <= limit; divisor += 2)
            {
                if (candidate % divisor == 0) return false;
            }

            return true;
        }
    }
}
