using System.Globalization;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// en-US, a Windows server's usual culture, as Windows PowerShell 5.1 (on .NET Framework) formats with it: what
/// PowerShell formats in the current culture (<c>-f</c>, <c>.ToString(format)</c>, Get-Date -Format, the formatter's
/// tables) comes out as on such a server. The emulator runs without ICU's culture data (InvariantGlobalization), so
/// this is the invariant culture with en-US's patterns and symbols; names of days and months are the same in both.
/// </summary>
internal static class EnglishUnitedStates
{
    public static CultureInfo Culture { get; } = Create();

    private static CultureInfo Create()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        var numbers = culture.NumberFormat;
        numbers.CurrencySymbol = "$";
        numbers.CurrencyPositivePattern = 0; // $n
        numbers.CurrencyNegativePattern = 0; // ($n), .NET Framework's en-US
        // Windows' own (NLS) en-US data puts a space before the percent sign (.NET on ICU does not).
        numbers.PercentPositivePattern = 0; // n %
        numbers.PercentNegativePattern = 0; // -n %
        var dates = culture.DateTimeFormat;
        dates.ShortDatePattern = "M/d/yyyy";
        dates.LongDatePattern = "dddd, MMMM d, yyyy";
        dates.ShortTimePattern = "h:mm tt";
        dates.LongTimePattern = "h:mm:ss tt";
        dates.FullDateTimePattern = "dddd, MMMM d, yyyy h:mm:ss tt";
        dates.MonthDayPattern = "MMMM d";
        dates.YearMonthPattern = "MMMM yyyy";
        dates.AMDesignator = "AM";
        dates.PMDesignator = "PM";
        return CultureInfo.ReadOnly(culture);
    }
}
