using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Date's DisplayHint. GetDateCommand wraps the DateTime it writes in a PSObject with a DisplayHint note
/// (Microsoft.PowerShell.Commands.DisplayHintType: Date, Time or DateTime), so the note goes wherever that object goes
/// (a variable, a list, a property holding it, the wire: <c>&lt;Obj&gt;&lt;DT&gt;…&lt;/DT&gt;&lt;MS&gt;&lt;Obj N="DisplayHint"&gt;</c>)
/// and not to a date made from it (<c>$d.AddDays(1)</c>, <c>$d.Date</c>). The types.ps1xml DateTime script property
/// reads it: the long date, the long time, or both. The emulator's DateTime is a <see cref="PsPrimitive"/>, so the note
/// is kept beside that instance, as PowerShell keeps the instance members of an object it did not wrap.
/// </summary>
internal static class DateDisplayHints
{
    private static readonly string[] TypeNames = ["Microsoft.PowerShell.Commands.DisplayHintType", "System.Enum", "System.ValueType", "System.Object"];

    /// <summary>DisplayHintType's names, by value.</summary>
    public static readonly string[] Names = ["Date", "Time", "DateTime"];

    private static readonly ConditionalWeakTable<PsPrimitive, StrongBox<int>> Hints = [];

    /// <summary><paramref name="date"/> with the note, as Get-Date writes it.</summary>
    public static PsPrimitive With(PsPrimitive date, int hint)
    {
        Hints.AddOrUpdate(date, new StrongBox<int>(hint));
        return date;
    }

    /// <summary>The DisplayHint enum of a date Get-Date wrote, else null.</summary>
    public static PsObject? Of(PsValue? value) => value is PsPrimitive date && Hints.TryGetValue(date, out var hint) ? Enum(hint.Value) : null;

    /// <summary>Whether Get-Date wrote this date (it has the note).</summary>
    public static bool Has(PsPrimitive date) => Hints.TryGetValue(date, out _);

    private static PsObject Enum(int hint) => PsObjects.Enum(TypeNames, Names[hint], hint);

    /// <summary>DisplayHintType's value of a name (any case) or a number, as PowerShell converts one, else null.</summary>
    public static int? Parse(string name)
    {
        name = name.Trim();
        if (int.TryParse(name, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)) return number >= 0 && number < Names.Length ? number : null;
        return Array.FindIndex(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? i : null;
    }

    /// <summary>
    /// The DateTime script property: <c>$this.DisplayHint</c> Date gives the long date, Time the long time, anything
    /// else (no note) both, in en-US.
    /// </summary>
    public static string DateTimeText(PsPrimitive date)
    {
        var value = ((DateTimeOffset)date.Value).ToOffset(TimeSpan.Zero);
        return (Hints.TryGetValue(date, out var hint) ? hint.Value : 2) switch
        {
            0 => value.ToString("dddd, MMMM d, yyyy", EnglishUnitedStates.Culture),
            1 => value.ToString("h:mm:ss tt", EnglishUnitedStates.Culture),
            _ => value.ToString("dddd, MMMM d, yyyy h:mm:ss tt", EnglishUnitedStates.Culture),
        };
    }

    /// <summary>
    /// A date as the serializer writes the object Get-Date wrote: the DateTime with its note (a date without one is
    /// null: written as it is).
    /// </summary>
    public static PsObject? ForWire(PsPrimitive date) => Of(date) is { } hint ? new PsObject { BaseValue = date }.With("DisplayHint", hint) : null;
}
