using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The hidden properties of objects of the session's classes (<c>hidden [int]$h</c>): PowerShell's PSObject.Properties,
/// Select-Object *, formatting and CSV leave them out (the member's IsHidden), while a name still reaches them
/// (<c>$o.h</c>, <c>.PSObject.Properties['h']</c>) and the serializer sends them (a .NET property to its adapter). The
/// emulator's objects carry no member flags: the names are noted beside each such object, weakly.
/// </summary>
internal static class HiddenProperties
{
    private static readonly ConditionalWeakTable<PsObject, string[]> Names = new();

    /// <summary>The object's properties named so are hidden.</summary>
    public static void Hide(PsObject instance, string[] names) => Names.AddOrUpdate(instance, names);

    /// <summary>Whether the object's property of that name is a hidden one.</summary>
    public static bool IsHidden(PsObject instance, string name)
    {
        if (!Names.TryGetValue(instance, out var names)) return false;
        foreach (var hidden in names)
        {
            if (hidden.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    /// <summary>Whether the object has hidden properties at all.</summary>
    public static bool Any(PsObject instance) => Names.TryGetValue(instance, out _);
}
