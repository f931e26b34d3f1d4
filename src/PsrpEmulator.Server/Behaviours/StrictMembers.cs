using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Set-StrictMode's member and index rules: from version 2 reading a property an object does not have is
/// PropertyNotFoundStrict (not $null), a scalar's Count and Length included (5.1 has no intrinsic Count under strict
/// mode), and any property of $null (PSGetMemberBinder.PropertyDoesntExist, where a null base lands before any member
/// lookup), a hashtable's missing key read as a property, and an item's in member enumeration (an empty list's too);
/// from version 3 an array index past either end is IndexOutOfRangeException (not $null). Where the emulator cannot
/// know an object's members whole (a .NET type outside <see cref="DotNetMembers"/>) it stays lenient and gives $null as
/// without strict mode.
/// </summary>
internal static class StrictMembers
{
    // Members every PSObject has without its type: the intrinsic member sets and type names.
    private static readonly string[] Intrinsic = ["psobject", "psbase", "psadapted", "psextended", "pstypenames"];

    public static ScriptedError PropertyNotFound(string name) => new(
        $"The property '{name}' cannot be found on this object. Verify that the property exists.", "PropertyNotFoundStrict",
        ErrorCategory.NotSpecified, "System.Management.Automation.PropertyNotFoundException");

    public static ScriptedError IndexOutOfRange() => new(
        "Index was outside the bounds of the array.", "System.IndexOutOfRangeException", ErrorCategory.OperationStopped, "System.IndexOutOfRangeException");

    /// <summary>
    /// Reads a member as strict mode <paramref name="version"/> allows: the value read, or the PropertyNotFoundStrict error
    /// when the owner has no such member (a scalar's intrinsic Count or Length included).
    /// </summary>
    public static PsValue Checked(PsValue owner, string name, PsValue read, int version)
    {
        if (version < 2) return read;
        if (owner is PsObject { CollectionKind: PsCollectionKind.List } collection && IsEnumerated(collection, name))
        {
            // Member enumeration (EnumerableOps.PropertyGetter): each item is read without strict mode's leniency, so
            // one item without the property is the item's PropertyNotFoundStrict; no item at all is the getter's own
            // RuntimeException of that id.
            if (collection.Items.Count == 0)
            {
                throw new ScriptExpressionException(new ScriptedError(PropertyNotFound(name).Message, "PropertyNotFoundStrict", ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
            }

            return collection.Items.Exists(i => IsMissing(i, name)) ? throw new ScriptExpressionException(PropertyNotFound(name)) : read;
        }

        return (read is PsNil || IsIntrinsicSize(name)) && IsMissing(owner, name)
            ? throw new ScriptExpressionException(PropertyNotFound(name))
            : read;
    }

    // Whether reading the member of a list enumerates its items: the list's .NET type is known and has no such member
    // (an array's is Object[]'s, whatever its element type), nor the list a member of its own.
    private static bool IsEnumerated(PsObject collection, string name)
    {
        if (Intrinsic.Contains(name, StringComparer.OrdinalIgnoreCase) || collection[name] is not null ||
            ScriptMembers.Has(collection, name))
        {
            return false;
        }

        var names = collection.TypeNames ?? [];
        var members = DotNetMembers.OfFirst(names) ?? (names.Contains("System.Array") ? DotNetMembers.OfFirst(["System.Object[]"]) : null);
        // A list type outside the member table (a List[string], a Collection[psobject]) has at least what .NET's list
        // types have; any other name enumerates its items.
        return members is not null ? !HasNamed(members, name) : !ListMembers.Contains(name);
    }

    // The public members of .NET's list types (List`1, Collection`1, ArrayList and their interfaces).
    private static readonly HashSet<string> ListMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        "Count", "Capacity", "Item", "IsReadOnly", "IsFixedSize", "IsSynchronized", "SyncRoot",
        "Add", "AddRange", "AsReadOnly", "BinarySearch", "Clear", "Clone", "Contains", "ConvertAll", "CopyTo", "Exists", "Find",
        "FindAll", "FindIndex", "FindLast", "FindLastIndex", "ForEach", "GetEnumerator", "GetRange", "IndexOf", "Insert",
        "InsertRange", "LastIndexOf", "Remove", "RemoveAll", "RemoveAt", "RemoveRange", "Reverse", "SetRange", "Sort", "ToArray",
        "TrimExcess", "TrueForAll", "Equals", "GetHashCode", "GetType", "ToString", "Where",
    };

    private static bool IsIntrinsicSize(string name) =>
        name.Equals("Count", StringComparison.OrdinalIgnoreCase) || name.Equals("Length", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="owner"/> surely has no member <paramref name="name"/> (a property, a method, a note).</summary>
    public static bool IsMissing(PsValue owner, string name)
    {
        if (Intrinsic.Contains(name, StringComparer.OrdinalIgnoreCase)) return false;
        switch (owner)
        {
            case PsNil:
                return true;
            case PsPrimitive primitive:
                return DotNetMembers.TypeNamesOf(primitive) is var types && DotNetMembers.OfFirst(types) is { } members &&
                    !HasNamed(members, name) && !ExtendedTypeMembers.Has(types, name) &&
                    !(name.Equals("DisplayHint", StringComparison.OrdinalIgnoreCase) && DateDisplayHints.Of(primitive) is not null);
            // A dictionary's key reads as a property; without one, PSGetMemberBinder falls back to PropertyDoesntExist
            // as for any object, so a missing key is PropertyNotFoundStrict (an index, $h['k'], stays $null).
            case PsObject { CollectionKind: PsCollectionKind.Dictionary } table when TableKeys.Find(table, PsPrimitive.String(name)) >= 0:
                return false;
            case PsObject { CollectionKind: not PsCollectionKind.None and not PsCollectionKind.Dictionary }:
                return false;
            case PsObject o when XmlNodes.TryGet(o, out _):
                return false;
            case PsObject o:
                if (o[name] is not null) return false;
                if (ScriptMembers.Has(o, name)) return false;
                if (PipelineVariables.IsCustomObject(o)) return !ObjectMethods.Contains(name, StringComparer.OrdinalIgnoreCase);
                if (o.BaseValue is { } inner) return IsMissing(inner, name);
                var names = o.TypeNames ?? [];
                // A dictionary of a type outside the member table ($PSBoundParameters, a Dictionary[string,int], a
                // deserialized hashtable) has at least what every dictionary type has; a key it lacks is missing.
                if (DotNetMembers.OfFirst(names) is not { } dotNet) return o.CollectionKind == PsCollectionKind.Dictionary && !DictionaryMembers.Contains(name);
                return !HasNamed(dotNet, name) && !ExtendedTypeMembers.Has(names, name);
            default:
                return false;
        }
    }

    // The public members of .NET's dictionary types (Hashtable, Dictionary`2, OrderedDictionary and their interfaces).
    private static readonly HashSet<string> DictionaryMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        "Count", "Keys", "Values", "Comparer", "IsReadOnly", "IsFixedSize", "IsSynchronized", "SyncRoot", "Item",
        "Add", "Clear", "Clone", "Contains", "ContainsKey", "ContainsValue", "CopyTo", "GetEnumerator", "GetObjectData", "OnDeserialization",
        "Remove", "TryGetValue", "TryAdd", "Equals", "GetHashCode", "GetType", "ToString", "AsReadOnly", "Insert", "RemoveAt",
    };

    /// <summary>
    /// The PSMethod of a method an object's .NET type has (<see cref="DotNetMembers"/>) and the object no property of
    /// that name; null otherwise.
    /// </summary>
    public static PsObject? MethodReference(PsValue owner, string name)
    {
        if (owner is PsObject own && (PipelineVariables.IsCustomObject(own) ||
            own[name] is not null))
        {
            return null;
        }

        var typeNames = DotNetMembers.TypeNamesOf(owner);
        return ExtendedTypeMembers.Has(typeNames, name) ? null : DotNetMembers.MethodOf(DotNetMembers.OfFirst(typeNames), name, isInstance: true);
    }

    /// <summary>Whether an index reads past the end of an array (a negative one counting from the end).</summary>
    public static bool IsOutOfRange(PsValue container, PsValue index) =>
        container is PsObject { CollectionKind: PsCollectionKind.List } list &&
        index is PsPrimitive { Value: int or long } number && Convert.ToInt64(number.Value, System.Globalization.CultureInfo.InvariantCulture) is var i &&
        (i >= list.Items.Count || i < -list.Items.Count);

    private static readonly string[] ObjectMethods = ["Equals", "GetHashCode", "GetType", "ToString"];

    private static bool HasNamed(IReadOnlyList<DotNetMembers.Member> members, string name) =>
        members.Any(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
