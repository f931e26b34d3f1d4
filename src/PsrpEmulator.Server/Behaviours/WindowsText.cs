using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A value's text as Windows PowerShell 5.1 makes it on the .NET Framework. Its Double.ToString() is "G15" and its
/// Single.ToString() "G7": <c>1/3</c> is 0.333333333333333 and <c>[Math]::PI</c> 3.14159265358979 on Windows, where
/// .NET Core's shortest round-trip text (what PowerShell 7 shows) is 0.3333333333333333. Scripts' output text
/// (Out-String, Write-Host, "$x", Export-Csv) is this; a value on the wire keeps every digit.
/// </summary>
internal static class WindowsText
{
    public static string ToWindowsText(this PsValue value) => value switch
    {
        PsPrimitive { Value: double d } => Double(d),
        PsPrimitive { Value: float f } => Single(f),
        PsObject { ToStringValue: null, BaseValue: PsPrimitive { Value: double or float } primitive } => primitive.ToWindowsText(),
        _ => value.ToDisplayString(),
    };

    public static string Double(double value) => value.ToString("G15", CultureInfo.InvariantCulture);

    public static string Single(float value) => value.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>
    /// A Double or Single formatted as the .NET Framework formats it (<c>-f</c>, <c>.ToString(format)</c>): no format
    /// or "G" is G15 (G7); "R" is G15 when that reads back as the same value, else G17 (G9); other formats are the same
    /// in both runtimes. Any other value: its own <see cref="IFormattable.ToString(string?, IFormatProvider?)"/>.
    /// </summary>
    public static string Format(IFormattable value, string? format, IFormatProvider provider) => value switch
    {
        double d => FormatFloating(d, format, provider, 15, 17, s => double.Parse(s, NumberStyles.Float, provider) == d),
        float f => FormatFloating(f, format, provider, 7, 9, s => float.Parse(s, NumberStyles.Float, provider) == f),
        _ => value.ToString(format, provider),
    };

    private static string FormatFloating(IFormattable value, string? format, IFormatProvider provider, int digits, int roundTripDigits, Func<string, bool> readsBack)
    {
        if (string.IsNullOrEmpty(format) || format is "G" or "g") return value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), provider);
        if (format is "R" or "r")
        {
            var shortText = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), provider);
            return readsBack(shortText) ? shortText : value.ToString("G" + roundTripDigits.ToString(CultureInfo.InvariantCulture), provider);
        }

        // N, F, P and C: the .NET Framework formats the double's 15 (a float's 7) significant digits, rounding that
        // digit string half away from zero ("{0:N1}" -f 2.25 is 2.3, "{0:N0}" -f 1234.5 is 1,235), where .NET Core rounds
        // the exact binary value half to even (2.2, 1,234). A decimal of those digits formats the Framework's way.
        if (format.Length <= 3 && format[0] is 'N' or 'n' or 'F' or 'f' or 'P' or 'p' or 'C' or 'c' && (format.Length == 1 || int.TryParse(format.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out _)) &&
            decimal.TryParse(value.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var framework))
        {
            return framework.ToString(format, provider);
        }

        return value.ToString(format, provider);
    }

    /// <summary>
    /// An exception's message as the .NET Framework words it: an ArgumentException names its parameter on a line of
    /// its own ("...\r\nParameter name: startIndex") where .NET Core appends " (Parameter 'startIndex')".
    /// </summary>
    public static string FrameworkMessage(Exception exception)
    {
        var message = exception.Message;
        if (exception is not ArgumentException { ParamName: { Length: > 0 } name }) return message;
        var suffix = $" (Parameter '{name}')";
        var at = message.IndexOf(suffix, StringComparison.Ordinal);
        if (at < 0) return message;
        var rest = message[(at + suffix.Length)..].Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return message[..at] + "\r\nParameter name: " + name + rest;
    }

    /// <summary>A value for .NET composite formatting (<c>-f</c>) that formats a Double or Single as the .NET Framework does.</summary>
    public static object ForComposite(object value) => value is double or float ? new FrameworkFormattable((IFormattable)value) : value;

    private sealed class FrameworkFormattable(IFormattable value) : IFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => Format(value, format, formatProvider ?? CultureInfo.CurrentCulture);

        public override string ToString() => ToString(null, CultureInfo.CurrentCulture);
    }
}
