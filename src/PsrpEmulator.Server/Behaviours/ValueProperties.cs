using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The properties PowerShell lists for the values the emulator keeps without a property list of their own: a
/// primitive, an enum (value__) and a Hashtable (its .NET properties, not its keys). A primitive's are in Windows
/// PowerShell 5.1's orders (.NET Framework: no DateTime Microsecond or Nanosecond). A PSObject's own order
/// (<c>.PSObject.Properties</c>, <c>Select-Object *</c>, <c>Format-List *</c>) is its extended members, instance ones
/// (Get-Date's DisplayHint note) before types.ps1xml's (DateTime's DateTime, Guid's Guid script properties), then the
/// .NET properties in reflection order. Format-List without names lists an object with no list view the other way round
/// (AssociationManager.ExpandAll: adapted, then extended). Numbers, Boolean and Char have no properties.
/// </summary>
internal static class ValueProperties
{
    /// <summary>The kinds of member a PSObject's property collection holds: the MemberType's name and number, and its PSPropertyInfo type.</summary>
    public static readonly (string Name, int Value, string InfoType) NoteProperty = ("NoteProperty", 8, "System.Management.Automation.PSNoteProperty");

    /// <inheritdoc cref="NoteProperty"/>
    public static readonly (string Name, int Value, string InfoType) DotNetProperty = ("Property", 4, "System.Management.Automation.PSProperty");

    /// <inheritdoc cref="NoteProperty"/>
    public static readonly (string Name, int Value, string InfoType) ScriptProperty = ("ScriptProperty", 16, "System.Management.Automation.PSScriptProperty");

    private static readonly string[] None = [];
    private static readonly string[] StringProperties = ["Length"];
    private static readonly string[] GuidProperties = ["Guid"];
    private static readonly string[] VersionProperties = ["Major", "Minor", "Build", "Revision", "MajorRevision", "MinorRevision"];

    private static readonly string[] DateProperties =
        ["Date", "Day", "DayOfWeek", "DayOfYear", "Hour", "Kind", "Millisecond", "Minute", "Month", "Second", "Ticks", "TimeOfDay", "Year"];

    private static readonly string[] DateScriptProperty = ["DateTime"];
    private static readonly string[] HintedDateExtended = ["DisplayHint", "DateTime"];

    // TimeSpan's declaration order, which is not its view's (Days, Hours, Minutes, Seconds, Milliseconds, Ticks, ...).
    private static readonly string[] TimeSpanProperties =
        ["Ticks", "Days", "Hours", "Milliseconds", "Minutes", "Seconds", "TotalDays", "TotalHours", "TotalMilliseconds", "TotalMinutes", "TotalSeconds"];

    private static readonly string[] EnumProperties = ["value__"];

    // System.Collections.Hashtable's .NET properties, in .NET Framework's order (a key is no property).
    private static readonly string[] HashtableProperties = ["IsReadOnly", "IsFixedSize", "IsSynchronized", "Keys", "Values", "SyncRoot", "Count"];

    // System.Array's: types.ps1xml's Count alias (extended), then the .NET properties in .NET Framework's order.
    private static readonly string[] ArrayProperties = ["Count", "Length", "LongLength", "Rank", "SyncRoot", "IsReadOnly", "IsFixedSize", "IsSynchronized"];

    /// <summary>
    /// The value's properties as its PSObject lists them, or null for a type whose properties the emulator does not
    /// model (Uri, byte[], ScriptBlock, XmlDocument, SecureString, SemanticVersion).
    /// </summary>
    public static IReadOnlyList<string>? Of(PsPrimitive value) => Split(value) is var (extended, adapted) ? Joined(extended, adapted) : null;

    /// <summary>Format-List's properties for the value without names (adapted first, then extended); null when not modelled.</summary>
    public static IReadOnlyList<string>? ForList(PsPrimitive value) => Split(value) is var (extended, adapted) ? Joined(adapted, extended) : null;

    private static string[] Joined(string[] first, string[] second) => first.Length == 0 ? second : second.Length == 0 ? first : [.. first, .. second];

    // The extended members (instance, then types.ps1xml's) and the .NET properties; null when not modelled.
    private static (string[] Extended, string[] Adapted)? Split(PsPrimitive value) => value.Type switch
    {
        PsPrimitiveType.String => (None, StringProperties),
        PsPrimitiveType.Guid => (GuidProperties, None),
        PsPrimitiveType.Version => (None, VersionProperties),
        PsPrimitiveType.Duration => (None, TimeSpanProperties),
        PsPrimitiveType.DateTime => (DateDisplayHints.Has(value) ? HintedDateExtended : DateScriptProperty, DateProperties),
        PsPrimitiveType.Char or PsPrimitiveType.Boolean or PsPrimitiveType.Byte or PsPrimitiveType.SByte or PsPrimitiveType.UInt16 or
            PsPrimitiveType.Int16 or PsPrimitiveType.UInt32 or PsPrimitiveType.Int32 or PsPrimitiveType.UInt64 or PsPrimitiveType.Int64 or
            PsPrimitiveType.Single or PsPrimitiveType.Double or PsPrimitiveType.Decimal => (None, None),
        _ => null,
    };

    /// <summary>Whether the object is an enum value (its number as BaseValue, System.Enum among its type names).</summary>
    public static bool IsEnum(PsObject value) =>
        value is { BaseValue: not null, CollectionKind: PsCollectionKind.None, TypeNames: { } names } && names.Contains("System.Enum");

    /// <summary>Whether the object is a Hashtable (not an [ordered] one, whose properties are not modelled).</summary>
    public static bool IsHashtable(PsObject value) =>
        value is { CollectionKind: PsCollectionKind.Dictionary, TypeNames: [PsObjects.HashtableTypeName, ..] or [ScriptExpressions.SyncHashtableTypeName, PsObjects.HashtableTypeName, ..] };

    /// <summary>Whether the object is an array (System.Array among its type names), not an ArrayList or a List.</summary>
    public static bool IsArray(PsObject value) =>
        value is { CollectionKind: PsCollectionKind.List, TypeNames: { } names } && names.Contains("System.Array");

    /// <summary>
    /// An enum's one property, the public field every enum has (value__, its number); a Hashtable's .NET properties; an
    /// array's (<c>,(1, 2) | Select-Object *</c>, <c>ConvertTo-Csv -InputObject (1, 2)</c>); null for other objects.
    /// </summary>
    public static IReadOnlyList<string>? Of(PsObject value) =>
        IsEnum(value) ? EnumProperties : IsHashtable(value) ? HashtableProperties : IsArray(value) ? ArrayProperties : OfNoted(value);

    // A primitive with notes (Get-Content's lines, Add-Member on a string): its notes, instance members first, then the
    // primitive's own (PSPath … ReadCount, Length); null when the primitive's are not modelled.
    private static string[]? OfNoted(PsObject value) =>
        value is { CollectionKind: PsCollectionKind.None, BaseValue: { } inner, ExtendedProperties.Count: > 0 } && Of(inner) is { } own
            ? [.. value.ExtendedProperties.Select(p => p.Name).Concat(own).Distinct(StringComparer.OrdinalIgnoreCase)]
            : null;

    /// <summary>How PowerShell's member collection calls a primitive's property: a note, a script property or a .NET one.</summary>
    public static (string Name, int Value, string InfoType) MemberType(PsPrimitive value, string property) => property switch
    {
        "DisplayHint" when value.Type == PsPrimitiveType.DateTime => NoteProperty,
        "DateTime" when value.Type == PsPrimitiveType.DateTime => ScriptProperty,
        "Guid" when value.Type == PsPrimitiveType.Guid => ScriptProperty,
        _ => DotNetProperty,
    };
}
