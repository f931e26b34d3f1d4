using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The properties PowerShell lists for a primitive value (<c>"abc" | Select-Object *</c>, <c>Format-List *</c>,
/// <c>.PSObject.Properties</c>), in the order Windows PowerShell 5.1 on .NET Framework lists them: instance members
/// first (Get-Date's DisplayHint note), then types.ps1xml's (DateTime's DateTime script property), then the .NET
/// properties in reflection order. Numbers, Boolean and Char have none.
/// </summary>
internal static class PrimitiveProperties
{
    private static readonly string[] None = [];
    private static readonly string[] StringProperties = ["Length"];
    private static readonly string[] GuidProperties = ["Guid"];
    private static readonly string[] VersionProperties = ["Major", "Minor", "Build", "Revision", "MajorRevision", "MinorRevision"];

    // .NET Framework's DateTime has no Microsecond or Nanosecond (PowerShell 7 on .NET 7+ lists them after Millisecond).
    private static readonly string[] DateProperties =
        ["DateTime", "Date", "Day", "DayOfWeek", "DayOfYear", "Hour", "Kind", "Millisecond", "Minute", "Month", "Second", "Ticks", "TimeOfDay", "Year"];

    private static readonly string[] HintedDateProperties = ["DisplayHint", .. DateProperties];

    // TimeSpan's declaration order, which is not its view's (Days, Hours, Minutes, Seconds, Milliseconds, Ticks, ...).
    private static readonly string[] TimeSpanProperties =
        ["Ticks", "Days", "Hours", "Milliseconds", "Minutes", "Seconds", "TotalDays", "TotalHours", "TotalMilliseconds", "TotalMinutes", "TotalSeconds"];

    /// <summary>
    /// The value's property names, or null for a type whose properties the emulator does not model (Uri, byte[],
    /// ScriptBlock, XmlDocument, SecureString, SemanticVersion).
    /// </summary>
    public static IReadOnlyList<string>? Of(PsPrimitive value) => value.Type switch
    {
        PsPrimitiveType.String => StringProperties,
        PsPrimitiveType.Guid => GuidProperties,
        PsPrimitiveType.Version => VersionProperties,
        PsPrimitiveType.Duration => TimeSpanProperties,
        PsPrimitiveType.DateTime => DateDisplayHints.Has(value) ? HintedDateProperties : DateProperties,
        PsPrimitiveType.Char or PsPrimitiveType.Boolean or PsPrimitiveType.Byte or PsPrimitiveType.SByte or PsPrimitiveType.UInt16 or
            PsPrimitiveType.Int16 or PsPrimitiveType.UInt32 or PsPrimitiveType.Int32 or PsPrimitiveType.UInt64 or PsPrimitiveType.Int64 or
            PsPrimitiveType.Single or PsPrimitiveType.Double or PsPrimitiveType.Decimal => None,
        _ => null,
    };

    /// <summary>How PowerShell's member collection calls the property: a note, a script property or a .NET one.</summary>
    public static (string Name, int Value, string InfoType) MemberType(PsPrimitive value, string property) => property switch
    {
        "DisplayHint" when value.Type == PsPrimitiveType.DateTime => ("NoteProperty", 2, "System.Management.Automation.PSNoteProperty"),
        "DateTime" when value.Type == PsPrimitiveType.DateTime => ("ScriptProperty", 16, "System.Management.Automation.PSScriptProperty"),
        _ => ("Property", 4, "System.Management.Automation.PSProperty"),
    };
}
