using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The members Add-Member adds that are not values: a ScriptMethod (<c>$o.Double()</c> runs its block with
/// <c>$this</c> the object and the call's arguments), a ScriptProperty (reading it runs its getter block, assigning it its
/// setter block with the value as the argument) and an AliasProperty (another member's value under a second name). They
/// belong to the object itself, as PowerShell's instance members do. On the wire, and to ConvertTo-Json and
/// Export-Csv, a script or alias property is its value now (RunContext.WithScriptPropertyValuesAsync); a deserialized
/// copy has none of the members themselves.
/// </summary>
internal static class ScriptMembers
{
    internal enum Kind
    {
        Method,
        Property,
        Alias,
    }

    /// <summary>
    /// One such member: its name, kind, block (getter), setter block, or the member an alias names. Position: where it
    /// stands among the object's extended properties (the note properties and the script and alias properties added
    /// before it), as PowerShell's member collection lists it to the serializer, ConvertTo-Json and Export-Csv.
    /// </summary>
    internal sealed record Member(string Name, Kind Kind, string Body, string? Setter = null)
    {
        public int Position { get; init; }
    }

    private static readonly ConditionalWeakTable<PsObject, List<Member>> Members = [];

    // Whether any object ever got one: the readers' lookups are skipped until then.
    private static volatile bool _any;

    public static bool Any => _any;

    public static void Add(PsObject target, Member member)
    {
        var list = Members.GetOrCreateValue(target);
        lock (list)
        {
            list.RemoveAll(m => m.Name.Equals(member.Name, StringComparison.OrdinalIgnoreCase));
            list.Add(member with { Position = target.ExtendedProperties.Count + list.Count(m => m.Kind is Kind.Property or Kind.Alias) });
        }

        _any = true;
    }

    /// <summary>The object's member of that name and kind; null when it has none.</summary>
    public static Member? Find(PsValue? value, string name, Kind kind)
    {
        if (!_any || value is not PsObject target || !Members.TryGetValue(target, out var list)) return null;
        lock (list)
        {
            return list.FirstOrDefault(m => m.Kind == kind && m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Whether the object has a member of that name of any kind.</summary>
    public static bool Has(PsObject target, string name)
    {
        if (!_any || !Members.TryGetValue(target, out var list)) return false;
        lock (list)
        {
            return list.Exists(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The object's script and alias properties, in the order they were added.</summary>
    public static IReadOnlyList<Member> Properties(PsObject target)
    {
        if (!_any || !Members.TryGetValue(target, out var list)) return [];
        lock (list)
        {
            return [.. list.Where(m => m.Kind is Kind.Property or Kind.Alias)];
        }
    }

    /// <summary>All the object's such members, in the order they were added.</summary>
    public static IReadOnlyList<Member> All(PsObject target)
    {
        if (!_any || !Members.TryGetValue(target, out var list)) return [];
        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>
    /// The member as its PSMemberInfo.ToString writes it (Get-Member's Definition, a PSPropertyInfo's text): an alias
    /// "c = a", a script method "System.Object m();", a script property "System.Object b {get= $this.a ;set=...;}" (its
    /// blocks' text).
    /// </summary>
    public static string Definition(Member member) => member.Kind switch
    {
        Kind.Alias => $"{member.Name} = {member.Body}",
        Kind.Method => $"System.Object {member.Name}();",
        _ => $"System.Object {member.Name} {{get={member.Body};{(member.Setter is null ? string.Empty : "set=" + member.Setter + ";")}}}",
    };

    // The PSScriptProperty objects $o.PSObject.Properties lists, each with the object and member it stands for: its
    // Value is read through the getter when a script reads it.
    private static readonly ConditionalWeakTable<PsObject, Tuple<PsObject, Member>> PropertyInfos = [];

    /// <summary>Notes that <paramref name="info"/> is the PSScriptProperty of <paramref name="owner"/>'s <paramref name="member"/>.</summary>
    public static void AddPropertyInfo(PsObject info, PsObject owner, Member member) => PropertyInfos.AddOrUpdate(info, Tuple.Create(owner, member));

    /// <summary>The object and script property a PSScriptProperty from <c>$o.PSObject.Properties</c> stands for; null for any other value.</summary>
    public static (PsObject Owner, Member Member)? PropertyInfoOf(PsValue? value) =>
        _any && value is PsObject info && PropertyInfos.TryGetValue(info, out var link) ? (link.Item1, link.Item2) : null;

    /// <summary>Whether the object has a script or alias property (a value to read; a script method is none).</summary>
    public static bool HasProperties(PsValue? value)
    {
        if (!_any || value is not PsObject target || !Members.TryGetValue(target, out var list)) return false;
        lock (list)
        {
            return list.Exists(m => m.Kind is Kind.Property or Kind.Alias);
        }
    }

    /// <summary>
    /// Whether the value or an object it holds (a property's value, an item, an entry's key or value), down to
    /// <paramref name="depth"/> levels below it, has a script or alias property: the serializer and ConvertTo-Json read
    /// a nested object's members as they read the top one's. Each object is looked at once (a graph that refers to
    /// itself ends).
    /// </summary>
    public static bool HasPropertiesWithin(PsValue? value, int depth)
    {
        if (!_any || value is not PsObject target) return false;
        if (HasProperties(target)) return true;
        if (depth <= 0 || !HasChildObjects(target)) return false;
        var seen = new HashSet<PsObject>(ReferenceEqualityComparer.Instance) { target };
        return ChildrenHaveProperties(target, depth - 1, seen);

        static bool Within(PsValue value, int depth, HashSet<PsObject> seen) =>
            value is PsObject o && seen.Add(o) && (HasProperties(o) || (depth > 0 && ChildrenHaveProperties(o, depth - 1, seen)));

        static bool ChildrenHaveProperties(PsObject o, int depth, HashSet<PsObject> seen)
        {
            foreach (var p in o.ExtendedProperties) if (Within(p.Value, depth, seen)) return true;
            foreach (var p in o.AdaptedProperties) if (Within(p.Value, depth, seen)) return true;
            foreach (var item in o.Items) if (Within(item, depth, seen)) return true;
            foreach (var (key, entry) in o.Entries) if (Within(key, depth, seen) || Within(entry, depth, seen)) return true;
            return false;
        }
    }

    // Whether the object holds another object at all (most written objects hold only primitives: no set is made for them).
    private static bool HasChildObjects(PsObject o)
    {
        foreach (var p in o.ExtendedProperties) if (p.Value is PsObject) return true;
        foreach (var p in o.AdaptedProperties) if (p.Value is PsObject) return true;
        foreach (var item in o.Items) if (item is PsObject) return true;
        foreach (var (key, entry) in o.Entries) if (key is PsObject || entry is PsObject) return true;
        return false;
    }

    /// <summary>Whether reading the value's members may run a script: it has such members, or it is a listed PSScriptProperty.</summary>
    public static bool ReadsThroughScript(PsValue? value) => HasAny(value) || PropertyInfoOf(value) is not null;

    /// <summary>Whether the object has any such member.</summary>
    public static bool HasAny(PsValue? value) => _any && value is PsObject target && Members.TryGetValue(target, out var list) && list.Count > 0;
}
