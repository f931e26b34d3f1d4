using System.Globalization;
using System.Xml;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>xs:duration as WS-Man uses it.</summary>
public static class XsDuration
{
    /// <summary>
    /// Parses any xs:duration form (<c>PT20S</c>, <c>PT180.000S</c>, <c>PT3M</c>, <c>P0DT0H1M2S</c>, <c>P1D</c>,
    /// <c>-PT1S</c>). Years and months use XmlConvert's approximation (365 and 30 days). A leading minus sign gives a
    /// negative value (callers reject it); a sign inside (<c>PT-1S</c>) is not xs:duration. Throws FormatException.
    /// </summary>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (OverflowException e)
        {
            throw new FormatException($"The xs:duration '{text}' is out of range.", e);
        }
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null) return false;
        try
        {
            value = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Seconds with exactly three decimals: <c>PT7200.000S</c> (IdleTimeOut, MaxIdleTimeOut, OperationTimeout).</summary>
    public static string FormatSeconds(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var ms = Math.Abs(value.Ticks / TimeSpan.TicksPerMillisecond);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}PT{ms / 1000}.{ms % 1000:000}S");
    }

    /// <summary>Days/hours/minutes/whole seconds: <c>P0DT0H1M2S</c> (ShellRunTime, ShellInactivity).</summary>
    public static string FormatDayTime(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var v = value.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{sign}P{v.Days}DT{v.Hours}H{v.Minutes}M{v.Seconds}S");
    }
}
