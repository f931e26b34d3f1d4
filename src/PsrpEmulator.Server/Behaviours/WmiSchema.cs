using System.Collections.Frozen;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// WMI's schema of the classes the emulator seeds, as Microsoft's class pages give it (<see cref="WmiSchemaData"/>,
/// <see cref="WmiPropertyTypesData"/>): each class's superclass, its properties and their CIM types. It makes the
/// cmdlets' objects what a real computer's WMI makes: every property of the class (null when a scenario leaves it out),
/// typed as the class declares it; a ManagementObject's __SUPERCLASS, __DYNASTY, __DERIVATION and __PROPERTY_COUNT; a
/// CimInstance's type names and property order (the root class's properties first, each class's by name). A class the
/// schema does not know keeps the scenario's properties, typed by their text.
/// </summary>
internal static class WmiSchema
{
    private sealed record ClassInfo(string Name, string? Superclass, string[] Properties);

    private static readonly FrozenDictionary<string, ClassInfo> Classes =
        WmiSchemaData.Classes.ToFrozenDictionary(c => c.ClassName, c => new ClassInfo(c.ClassName, c.Superclass, c.Properties), StringComparer.OrdinalIgnoreCase);

    // Class name -> property name -> CIM type ("uint16", "string[]"...).
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Types = WmiPropertyTypesData.Classes.ToFrozenDictionary(
        c => c.ClassName,
        // "uint16 OSType", "string[] MUILanguages", "Win32_ComputerSystem ref Antecedent": the name is the last word.
        c => c.Properties.Where(p => p.Trim().Contains(' ', StringComparison.Ordinal)).ToFrozenDictionary(
            p => p.Trim()[(p.Trim().LastIndexOf(' ') + 1)..], p => p.Trim()[..p.Trim().LastIndexOf(' ')].Trim(), StringComparer.OrdinalIgnoreCase),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the schema knows the class.</summary>
    public static bool Knows(string className) => Classes.ContainsKey(className);

    /// <summary>The class's superclasses, nearest first (WMI's __DERIVATION); empty for a root class or one the schema does not know.</summary>
    public static IReadOnlyList<string> Derivation(string className)
    {
        var chain = new List<string>();
        for (var current = Classes.GetValueOrDefault(className); current?.Superclass is { } super && chain.Count < 16; current = Classes.GetValueOrDefault(super))
        {
            chain.Add(Classes.TryGetValue(super, out var known) ? known.Name : super);
        }

        return chain;
    }

    /// <summary>The class name as the schema spells it (WMI's __CLASS); the given name when it does not know the class.</summary>
    public static string Spelling(string className) => Classes.TryGetValue(className, out var known) ? known.Name : className;

    /// <summary>Every property of the class, as its page lists them; null when the schema does not know the class.</summary>
    public static IReadOnlyList<string>? Properties(string className) => Classes.TryGetValue(className, out var known) ? known.Properties : null;

    /// <summary>The CIM type the class declares the property with ("uint16", "string[]", "datetime"...); null when unknown.</summary>
    public static string? CimType(string className, string property) =>
        Types.TryGetValue(className, out var properties) && properties.TryGetValue(property, out var type) ? type : null;

    /// <summary>The class that declares the property (PropertyData.Origin): the highest of the derivation listing it; null when unknown.</summary>
    public static string? Origin(string className, string property)
    {
        if (!Classes.TryGetValue(className, out var leaf) || !leaf.Properties.Contains(property, StringComparer.OrdinalIgnoreCase)) return null;
        var origin = leaf.Name;
        foreach (var super in Derivation(className))
        {
            if (Classes.TryGetValue(super, out var known) && known.Properties.Contains(property, StringComparer.OrdinalIgnoreCase)) origin = known.Name;
        }

        return origin;
    }

    /// <summary>
    /// The items in a CimInstance's property order: the properties of the derivation's root class first, then each
    /// subclass's own, each class's by name (case ignored), as Get-CimInstance | Format-List * shows them; names the
    /// schema does not place last, in their order.
    /// </summary>
    public static List<T> CimOrder<T>(string className, IEnumerable<T> items, Func<T, string> name)
    {
        var list = items.ToList();
        if (!Classes.TryGetValue(className, out var leaf)) return list;
        var level = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var chain = new List<ClassInfo> { leaf };
        chain.AddRange(Derivation(className).Select(c => Classes.GetValueOrDefault(c)).OfType<ClassInfo>());
        // A property belongs to the highest class that declares it.
        for (var depth = chain.Count - 1; depth >= 0; depth--)
        {
            foreach (var property in chain[depth].Properties) level.TryAdd(property, chain.Count - 1 - depth);
        }

        return [.. list.Select((item, index) => (item, index))
            .OrderBy(x => level.TryGetValue(name(x.item), out var l) ? l : int.MaxValue)
            .ThenBy(x => level.ContainsKey(name(x.item)) ? name(x.item) : string.Empty, StringComparer.OrdinalIgnoreCase)
            .ThenBy(x => x.index)
            .Select(x => x.item)];
    }
}
