using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.DateTime's Kind in scripts. The emulated computers' zone is UTC, so a date's Kind changes no time, only the
/// zone its text shows and what a client makes of it: Get-Date and [datetime]::Now are Local (<c>o</c>, <c>K</c> and
/// <c>zzz</c> write +00:00), [datetime]::UtcNow and ToUniversalTime Utc (<c>o</c> and <c>K</c> write Z), a parsed text
/// without a zone Unspecified (<c>o</c> writes none, <c>K</c> nothing). The emulator's own machine's zone never shows.
/// </summary>
internal static class DateKinds
{
    private static readonly string[] KindTypeNames = ["System.DateTimeKind", "System.Enum", "System.ValueType", "System.Object"];

    /// <summary>The date moved in time, its Kind kept (DateTime's Add* methods).</summary>
    public static PsPrimitive With(PsPrimitive date, DateTimeOffset value) => PsPrimitive.DateTime(value, date.DateKind);

    /// <summary>Its DateTimeKind enum value (<c>$date.Kind</c>).</summary>
    public static PsObject KindValue(DateTimeKind kind) => PsObjects.Enum(KindTypeNames, kind.ToString(), (int)kind);

    /// <summary>
    /// The Kind a text parsed to a DateTime has (DateTime.Parse): Local when the text gives a zone (the time converted
    /// to local, which is UTC here), else Unspecified.
    /// </summary>
    public static DateTimeKind ParsedKind(string text, IFormatProvider culture) =>
        DateTime.TryParse(text, culture, DateTimeStyles.RoundtripKind | DateTimeStyles.AllowWhiteSpaces, out var parsed) && parsed.Kind != DateTimeKind.Unspecified
            ? DateTimeKind.Local
            : DateTimeKind.Unspecified;

    /// <summary>
    /// A date .NET parsed with AdjustToUniversal (a text with a zone gives a Utc DateTime, one without an Unspecified
    /// one): DateTime.Parse's Kind, Local for a zone, else Unspecified.
    /// </summary>
    public static PsPrimitive Parsed(DateTime adjusted) => PsPrimitive.DateTime(
        new DateTimeOffset(DateTime.SpecifyKind(adjusted, DateTimeKind.Unspecified), TimeSpan.Zero),
        adjusted.Kind == DateTimeKind.Unspecified ? DateTimeKind.Unspecified : DateTimeKind.Local);

    /// <summary>The date's text in a .NET format (null: the general "G"), as its DateTime writes it on a computer in UTC.</summary>
    public static string Format(PsPrimitive date, string? format, IFormatProvider culture)
    {
        var value = ((DateTimeOffset)date.Value).ToOffset(TimeSpan.Zero);
        var writesZone = format is "o" or "O" || format is { Length: > 1 } && (format.Contains('z', StringComparison.Ordinal) || format.Contains('K', StringComparison.Ordinal));
        return date.DateKind switch
        {
            // A Utc DateTime writes Z for o and K and +00:00 for zzz whatever the machine's zone.
            DateTimeKind.Utc => DateTime.SpecifyKind(value.UtcDateTime, DateTimeKind.Utc).ToString(format, culture),
            // A Local one writes the computer's offset (+00:00); an Unspecified one that offset for zzz only.
            DateTimeKind.Local when writesZone => value.ToString(format, culture),
            DateTimeKind.Unspecified when writesZone && format!.Contains('z', StringComparison.Ordinal) && !format.Contains('K', StringComparison.Ordinal) => value.ToString(format, culture),
            _ => DateTime.SpecifyKind(value.DateTime, DateTimeKind.Unspecified).ToString(format, culture),
        };
    }

    /// <summary>A date for composite formatting (<c>"{0:o}" -f $date</c>), written as <see cref="Format"/> writes it.</summary>
    public static IFormattable Formattable(PsPrimitive date) => new DateFormattable(date);

    private sealed class DateFormattable(PsPrimitive date) : IFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => Format(date, format, formatProvider ?? CultureInfo.CurrentCulture);

        public override string ToString() => ToString(null, CultureInfo.CurrentCulture);
    }
}
