using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A hashtable's keys as PowerShell's <c>@{}</c> compares them (a Hashtable with a case-insensitive string comparer):
/// strings without regard to case, other values by type and value (<c>1</c>, <c>'1'</c> and <c>1L</c> are three
/// keys), objects by identity. Large tables are looked up through a hash index kept beside their entries, which keep
/// PowerShell's insertion order for enumeration and serialization.
/// </summary>
internal static class TableKeys
{
    private const string SortedDictionaryTypeName = "System.Collections.Generic.SortedDictionary`2";

    /// <summary>Up to this many entries a table is searched one by one (no index to build or keep).</summary>
    private const int IndexFrom = 16;

    private sealed class Index(Dictionary<PsValue, int> positions, int count)
    {
        public Dictionary<PsValue, int> Positions { get; } = positions;

        /// <summary>The entry count the index was built or kept for: entries added behind its back make it stale.</summary>
        public int Count { get; set; } = count;
    }

    private static readonly ConditionalWeakTable<List<KeyValuePair<PsValue, PsValue>>, Index> Indexes = [];

    public static readonly IEqualityComparer<PsValue> Comparer = new KeyComparer(StringComparer.OrdinalIgnoreCase);

    /// <summary>A generic Dictionary's default comparer: strings with case (ordinal), other keys as <see cref="Comparer"/>.</summary>
    public static readonly IEqualityComparer<PsValue> CaseSensitiveComparer = new KeyComparer(StringComparer.Ordinal);

    /// <summary>The comparer of the table's keys: a generic dictionary's (Dictionary[string,T] the script made) and a SortedList's with case, a hashtable's without.</summary>
    public static IEqualityComparer<PsValue> ComparerOf(PsObject table) =>
        Comparers.TryGetValue(table, out var given) ? given
        : table.TypeNames is [var first, ..] && (first.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) || first == ScriptExpressions.SortedListTypeName || ScriptExpressions.IsConcurrentDictionary(table)) ? CaseSensitiveComparer : Comparer;

    // What kind of value a key is, for whether two keys compare: a primitive's type, or an object.
    private static int KeyKind(PsValue key) => key is PsPrimitive primitive ? (int)primitive.Type : -1;

    // The comparers tables and sets were made with ([StringComparer]::OrdinalIgnoreCase given to a constructor).
    private static readonly ConditionalWeakTable<PsObject, IEqualityComparer<PsValue>> Comparers = [];

    /// <summary>The table's (or a HashSet's) keys compare with this comparer from now on: the one its constructor was given.</summary>
    public static void UseComparer(PsObject table, IEqualityComparer<PsValue> comparer) => Comparers.AddOrUpdate(table, comparer);

    /// <summary>Where <paramref name="key"/> is among the table's entries; -1 when absent.</summary>
    public static int Find(PsObject table, PsValue? key)
    {
        // A table two runspaces share (a PowerShell instance running in the background beside its caller) is read and
        // changed under its entries' lock: its index is a Dictionary, which concurrent writers would corrupt.
        lock (table.Entries) return FindLocked(table, key);
    }

    private static int FindLocked(PsObject table, PsValue? key)
    {
        var entries = table.Entries;
        key ??= PsNil.Instance;
        var comparer = ComparerOf(table);
        // A Hashtable's integer keys are found through its buckets; the others among the entries before them.
        if (HashtableOrder.Lookup(table, key, comparer, out var searched) is { } known) return known;
        if (searched <= IndexFrom)
        {
            for (var i = 0; i < searched; i++)
            {
                if (comparer.Equals(entries[i].Key, key)) return i;
            }

            return -1;
        }

        return IndexOf(entries, comparer, searched).Positions.TryGetValue(key, out var at) ? at : -1;
    }

    /// <summary>Adds an entry whose key is not in the table yet (at the end, or where a Hashtable enumerates it: <see cref="HashtableOrder"/>).</summary>
    public static void Add(PsObject table, PsValue key, PsValue value)
    {
        lock (table.Entries) AddLocked(table, key, value);
    }

    private static void AddLocked(PsObject table, PsValue key, PsValue value)
    {
        var entries = table.Entries;
        if (table.TypeNames is [var first, ..] && (first.StartsWith(SortedDictionaryTypeName, StringComparison.Ordinal) || first == ScriptExpressions.SortedListTypeName))
        {
            // A SortedDictionary or SortedList keeps its keys in order (the key type's default comparer: text in Windows'
            // order). A SortedList's keys of two types do not compare: Array.BinarySearch's InvalidOperationException.
            if (entries.Count > 0 && KeyKind(entries[0].Key) != KeyKind(key)) throw new InvalidOperationException("Failed to compare two elements in the array.");
            var place = entries.FindIndex(e => ScriptExpressions.DefaultComparer.Compare(e.Key, key) > 0);
            InsertLocked(table, place < 0 ? entries.Count : place, key, value);
            return;
        }

        var at = HashtableOrder.Add(table, key, value);
        if (at < 0)
        {
            entries.Add(new(key, value));
            at = entries.Count - 1;
        }
        else if (HashtableOrder.KnownHash(key) is not null)
        {
            // Placed by its bucket, after the keys the index covers: found through the buckets.
            return;
        }

        // A key added in order goes just after the ones the index covers (the end, or before a Hashtable's placed keys).
        if (Indexes.TryGetValue(entries, out var index) && index.Count == at)
        {
            index.Positions.TryAdd(key, at);
            index.Count = at + 1;
        }
    }

    /// <summary>Inserts an entry whose key is not in the table yet at <paramref name="at"/> (an ordered dictionary's Insert; the index is rebuilt when next needed).</summary>
    public static void Insert(PsObject table, int at, PsValue key, PsValue value)
    {
        lock (table.Entries) InsertLocked(table, at, key, value);
    }

    private static void InsertLocked(PsObject table, int at, PsValue key, PsValue value)
    {
        table.Entries.Insert(at, new(key, value));
        Indexes.Remove(table.Entries);
    }

    /// <summary>Removes the entry at <paramref name="at"/> (the later entries move up: the index is rebuilt when next needed).</summary>
    public static void RemoveAt(PsObject table, int at)
    {
        lock (table.Entries)
        {
            HashtableOrder.Removing(table, at);
            table.Entries.RemoveAt(at);
            Indexes.Remove(table.Entries);
        }
    }

    public static void Clear(PsObject table)
    {
        lock (table.Entries)
        {
            HashtableOrder.Clearing(table);
            table.Entries.Clear();
            Indexes.Remove(table.Entries);
        }
    }

    /// <summary>Drops the table's index (its entries were reordered).</summary>
    public static void ForgetIndex(PsObject table) => Indexes.Remove(table.Entries);

    // The index of the first `length` entries (all of them, or a Hashtable's keys added in order).
    private static Index IndexOf(List<KeyValuePair<PsValue, PsValue>> entries, IEqualityComparer<PsValue> comparer, int length)
    {
        if (Indexes.TryGetValue(entries, out var index) && index.Count == length && ReferenceEquals(index.Positions.Comparer, comparer)) return index;
        var positions = new Dictionary<PsValue, int>(length, comparer);
        // The first of equal keys wins, as a linear search finds it.
        for (var i = 0; i < length; i++) positions.TryAdd(entries[i].Key, i);
        index = new Index(positions, length);
        Indexes.AddOrUpdate(entries, index);
        return index;
    }

    private sealed class KeyComparer(StringComparer strings) : IEqualityComparer<PsValue>
    {
        // An enum or a wrapped value is its base value, as PSObject.Equals compares base objects.
        private static PsValue Unwrap(PsValue value) => value is PsObject { BaseValue: { } b } ? b : value;

        public bool Equals(PsValue? x, PsValue? y)
        {
            if (x is null || y is null) return ReferenceEquals(x, y);
            x = Unwrap(x);
            y = Unwrap(y);
            return (x, y) switch
            {
                (PsNil, PsNil) => true,
                (PsPrimitive { Value: string a }, PsPrimitive { Value: string b }) => strings.Equals(a, b),
                (PsPrimitive { Value: byte[] a }, PsPrimitive { Value: byte[] b }) => ReferenceEquals(a, b),
                (PsPrimitive a, PsPrimitive b) => a.Type == b.Type && a.Value.Equals(b.Value),
                _ => ReferenceEquals(x, y),
            };
        }

        public int GetHashCode(PsValue value) => Unwrap(value) switch
        {
            PsNil => 0,
            PsPrimitive { Value: string s } => strings.GetHashCode(s),
            PsPrimitive { Value: byte[] bytes } => RuntimeHelpers.GetHashCode(bytes),
            PsPrimitive p => HashCode.Combine(p.Type, p.Value),
            var other => RuntimeHelpers.GetHashCode(other),
        };
    }
}
