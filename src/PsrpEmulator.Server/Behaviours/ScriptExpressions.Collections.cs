using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.StringComparer's comparers (<c>[StringComparer]::OrdinalIgnoreCase</c>) and the constructors of the generic
/// collections that take arguments: a capacity, a collection of the element type, a comparer (a HashSet's or a
/// Dictionary's of strings), as .NET's overloads take them and PowerShell picks them.
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string StringComparerTypeName = "System.StringComparer";

    // Each comparer object, with whether it ignores case and whether it is ordinal.
    private static readonly ConditionalWeakTable<PsObject, StringComparerKind> StringComparers = [];

    private sealed record StringComparerKind(bool IgnoreCase, bool Ordinal);

    /// <summary>
    /// StringComparer's static properties: Ordinal and OrdinalIgnoreCase are .NET Framework's System.OrdinalComparer,
    /// the culture ones System.CultureAwareComparer (its text is its type's name); null for another member.
    /// </summary>
    private static PsObject? StringComparerStaticMember(string member)
    {
        (bool IgnoreCase, bool Ordinal)? kind = member.ToUpperInvariant() switch
        {
            "ORDINAL" => (false, true),
            "ORDINALIGNORECASE" => (true, true),
            "INVARIANTCULTURE" or "CURRENTCULTURE" => (false, false),
            "INVARIANTCULTUREIGNORECASE" or "CURRENTCULTUREIGNORECASE" => (true, false),
            _ => null,
        };
        if (kind is not var (ignoreCase, ordinal)) return null;
        var typeName = ordinal ? "System.OrdinalComparer" : "System.CultureAwareComparer";
        var comparer = new PsObject([typeName, StringComparerTypeName, "System.Object"]) { ToStringValue = typeName };
        StringComparers.Add(comparer, new StringComparerKind(ignoreCase, ordinal));
        return comparer;
    }

    /// <summary>The key comparer a StringComparer object stands for; null for any other value.</summary>
    internal static IEqualityComparer<PsValue>? KeyComparerOf(PsValue? value) =>
        value is PsObject comparer && StringComparers.TryGetValue(comparer, out var kind) ? kind.IgnoreCase ? TableKeys.Comparer : TableKeys.CaseSensitiveComparer : null;

    // A StringComparer's Equals(x, y) and Compare(x, y) (ordinal ones by code, culture ones in Windows' order); null for another method.
    private static PsValue? StringComparerMethod(PsObject comparer, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!StringComparers.TryGetValue(comparer, out var kind) || arguments.Count != 2) return null;
        string? Arg(int i) => IsNull(arguments[i]) ? null : Text(arguments[i]);
        var (x, y) = (Arg(0), Arg(1));
        return name.ToUpperInvariant() switch
        {
            "EQUALS" => PsPrimitive.Boolean(x is null || y is null ? x == y : (kind.Ordinal
                ? string.Equals(x, y, kind.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                : WindowsCollation.Compare(x, y, kind.IgnoreCase) == 0)),
            "COMPARE" => PsPrimitive.Int32(x is null || y is null ? (x is null ? (y is null ? 0 : -1) : 1)
                : kind.Ordinal ? (kind.IgnoreCase ? string.Compare(x, y, StringComparison.OrdinalIgnoreCase) : string.CompareOrdinal(x, y))
                : WindowsCollation.Compare(x, y, kind.IgnoreCase)),
            _ => null,
        };
    }

    /// <summary>
    /// <c>::new(...)</c> of a generic List, HashSet, Queue, Stack or Dictionary with arguments: a capacity (a number, or
    /// text that is one), a collection of the element type (<c>[string[]]</c>, another List[string]; an object[] is no
    /// IEnumerable of T, so no overload takes it), a comparer for a HashSet's or Dictionary's strings, or a collection and
    /// a comparer; anything else is PowerShell's MethodCountCouldNotFindBest, named <paramref name="method"/> (New-Object
    /// names the type: List`1).
    /// </summary>
    internal static PsObject NewGenericCollection(KnownType type, IReadOnlyList<PsValue> arguments, string method = "new")
    {
        var comparer = arguments.Count > 0 ? KeyComparerOf(arguments[^1]) : null;
        var rest = comparer is null ? arguments : arguments.Take(arguments.Count - 1).ToList();
        var keyType = type.IsGenericDictionary ? type.KeyType : type.ElementType;
        if (comparer is not null && (!(type.IsHashSet || type.IsGenericDictionary) || keyType != "System.String")) throw new ScriptExpressionException(ScriptedError.MethodCount(method, arguments.Count));
        List<PsValue> items = [];
        if (rest is [var only])
        {
            if (CapacityOf(only) is { } capacity)
            {
                if (capacity < 0) throw new ScriptExpressionException(ScriptedError.MethodInvocation(".ctor", arguments.Count, "Non-negative number required.\r\nParameter name: capacity", typeof(ArgumentOutOfRangeException)));
            }
            else if (!type.IsGenericDictionary && IsEnumerableOf(only, type.ElementType!))
            {
                var element = ResolveType(type.ElementType!)!;
                items = [.. Enumerate(only).Select(item => Cast(item, element))];
                if (items.Count > MaxCollectionItems) throw CollectionTooLarge();
            }
            else
            {
                throw new ScriptExpressionException(ScriptedError.MethodCount(method, arguments.Count));
            }
        }
        else if (rest.Count > 1)
        {
            throw new ScriptExpressionException(ScriptedError.MethodCount(method, arguments.Count));
        }

        PsObject made;
        if (type.IsGenericDictionary)
        {
            made = type.NewDictionary();
        }
        else if (type.QueueOrStack != PsCollectionKind.None)
        {
            made = type.NewQueueOrStack();
            // A stack made of a collection pushed each item in turn: the last on top, enumerated first.
            if (type.QueueOrStack == PsCollectionKind.Stack) items.Reverse();
            made.Items.AddRange(items);
        }
        else if (type.IsHashSet)
        {
            var distinct = new List<PsValue>(items.Count);
            var equality = comparer ?? TableKeys.CaseSensitiveComparer;
            foreach (var item in items)
            {
                if (!distinct.Exists(kept => equality.Equals(kept, item))) distinct.Add(item);
            }

            // A SortedSet's in the default comparer's order.
            if (type.FullName == SortedSetTypeName) distinct = [.. distinct.Order(DefaultComparer)];
            made = PsObjects.List(distinct, type.ObjectTypeNames);
        }
        else
        {
            made = PsObjects.List(items, type.ObjectTypeNames);
        }

        if (comparer is not null) TableKeys.UseComparer(made, comparer);
        return made;

        // A capacity: a number, or text that converts to one (PowerShell tries the Int32 overload first).
        static int? CapacityOf(PsValue value) =>
            PrimitiveOf(value) is { } primitive && (IsNumeric(primitive) || primitive.Value is string text && int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
                ? (int)AsNumber(primitive)!.Value
                : null;
    }

    /// <summary>A Hashtable made with a comparer (<c>[hashtable]::new([StringComparer]::Ordinal)</c>: its keys with case) or a capacity; null for other arguments.</summary>
    internal static PsObject? NewHashtable(IReadOnlyList<PsValue> arguments)
    {
        if (arguments is not [var only]) return null;
        var table = PsObjects.Dictionary([]);
        if (KeyComparerOf(only) is { } comparer)
        {
            TableKeys.UseComparer(table, comparer);
            return table;
        }

        return PrimitiveOf(only) is { } capacity && IsNumeric(capacity) ? table : null;
    }

    /// <summary>A SortedList of <paramref name="entries"/>, each added in turn (in its keys' order).</summary>
    internal static PsObject NewSortedList(IEnumerable<KeyValuePair<PsValue, PsValue>> entries)
    {
        var list = PsObjects.Dictionary([], [SortedListTypeName, "System.Object"]);
        list.ToStringValue = SortedListTypeName;
        foreach (var (key, value) in entries)
        {
            if (list.Entries.Count >= MaxTableEntries) throw TableTooLarge();
            try
            {
                if (TableKeys.Find(list, key) is var existing and >= 0) throw KeyAlreadyAdded(list.Entries[existing].Key, key);
                TableKeys.Add(list, key, value);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(".ctor", 1, e.Message, e.GetType()));
            }
        }

        return list;
    }

    // SortedList's own methods, by position (GetByIndex, GetKey, IndexOfKey, IndexOfValue, SetByIndex, RemoveAt); null for another.
    private static PsValue? SortedListMethod(PsObject list, string name, IReadOnlyList<PsValue> arguments)
    {
        var entries = list.Entries;
        int Index()
        {
            var at = AsNumber(arguments[0]) is { } n ? (int)n : -1;
            return at >= 0 && at < entries.Count ? at : throw new ArgumentOutOfRangeException("index", "Index was out of range. Must be non-negative and less than the size of the collection.");
        }

        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("GETBYINDEX", 1):
                return entries[Index()].Value;
            case ("GETKEY", 1):
                return entries[Index()].Key;
            case ("INDEXOFKEY", 1):
                return PsPrimitive.Int32(TableKeys.Find(list, arguments[0]));
            case ("INDEXOFVALUE", 1):
                return PsPrimitive.Int32(entries.FindIndex(e => ScalarEquals(e.Value, arguments[0], caseSensitive: true)));
            case ("SETBYINDEX", 2):
                var set = Index();
                entries[set] = new(entries[set].Key, arguments[1]);
                return PsNil.Instance;
            case ("REMOVEAT", 1):
                TableKeys.RemoveAt(list, Index());
                return PsNil.Instance;
            default:
                return null;
        }
    }

    // Whether the value is an IEnumerable of the element type to .NET: an array or generic collection of exactly that
    // type (object[] only for object).
    private static bool IsEnumerableOf(PsValue value, string elementScriptName)
    {
        if (value is not PsObject { CollectionKind: not PsCollectionKind.None and not PsCollectionKind.Dictionary, TypeNames: [var first, ..] }) return false;
        var element = ResolveType(elementScriptName);
        if (element is null) return false;
        if (first == element.RuntimeName + "[]" || first == element.FullName + "[]") return true;
        if (element.FullName == "System.Object" && first.EndsWith("[]", StringComparison.Ordinal)) return true;
        return first.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) && GenericTypeArguments(first) is [var argument] &&
               ResolveType(argument)?.RuntimeName == element.RuntimeName;
    }

    // A number of any of .NET's types.
    private static bool IsNumeric(PsPrimitive primitive) =>
        primitive.Type == PsPrimitiveType.Decimal || IsDotNetPrimitive(primitive) && primitive.Type is not (PsPrimitiveType.Boolean or PsPrimitiveType.Char);
}
