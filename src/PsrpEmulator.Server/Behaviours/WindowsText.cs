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
}
