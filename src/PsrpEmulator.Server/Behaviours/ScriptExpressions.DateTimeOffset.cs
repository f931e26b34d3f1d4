using System.Globalization;
using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.DateTimeOffset as scripts use it for Unix times (<c>[DateTimeOffset]::UtcNow.ToUnixTimeSeconds()</c>,
/// <c>[DateTimeOffset]::FromUnixTimeSeconds($t).UtcDateTime</c>, <c>([DateTimeOffset](Get-Date)).ToUnixTimeMilliseconds()</c>):
/// Now and UtcNow on the session's clock (the server's zone is UTC, so both have offset +00:00), FromUnixTimeSeconds,
/// FromUnixTimeMilliseconds, Parse, MinValue, MaxValue, a cast from a date or a string, <c>::new(date)</c>; its
/// properties as .NET's (DateTime, UtcDateTime, LocalDateTime, Offset, Ticks, the date's parts) and the methods
/// ToUnixTimeSeconds, ToUnixTimeMilliseconds, ToString, ToUniversalTime, ToLocalTime and the Add methods.
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string DateTimeOffsetTypeName = "System.DateTimeOffset";

    private static readonly string[] DateTimeOffsetTypeNames = [DateTimeOffsetTypeName, "System.ValueType", "System.Object"];

    private static readonly ConditionalWeakTable<PsObject, StrongBox<DateTimeOffset>> DateTimeOffsets = [];

    /// <summary>A DateTimeOffset as PowerShell shows one: its text "12/3/2026 4:46:40 PM +00:00" (en-US) and .NET's properties.</summary>
    internal static PsObject DateTimeOffsetObject(DateTimeOffset value)
    {
        var culture = EnglishUnitedStates.Culture;
        var created = new PsObject(DateTimeOffsetTypeNames) { ToStringValue = value.ToString(culture) };
        DateTimeOffsets.Add(created, new StrongBox<DateTimeOffset>(value));
        var clock = new DateTimeOffset(value.DateTime, TimeSpan.Zero);
        var utc = value.ToUniversalTime();
        return created
            .With("DateTime", PsPrimitive.DateTime(clock, DateTimeKind.Unspecified))
            .With("UtcDateTime", PsPrimitive.DateTime(utc, DateTimeKind.Utc))
            .With("LocalDateTime", PsPrimitive.DateTime(utc, DateTimeKind.Local))
            .With("Date", PsPrimitive.DateTime(new DateTimeOffset(value.Date, TimeSpan.Zero), DateTimeKind.Unspecified))
            .With("Day", value.Day)
            .With("DayOfWeek", PsObjects.Enum(["System.DayOfWeek", "System.Enum", "System.ValueType", "System.Object"], value.DayOfWeek.ToString(), (int)value.DayOfWeek))
            .With("DayOfYear", value.DayOfYear)
            .With("Hour", value.Hour)
            .With("Millisecond", value.Millisecond)
            .With("Minute", value.Minute)
            .With("Month", value.Month)
            .With("Offset", PsPrimitive.Duration(value.Offset))
            .With("Second", value.Second)
            .With("Ticks", PsPrimitive.Int64(value.Ticks))
            .With("UtcTicks", PsPrimitive.Int64(value.UtcTicks))
            .With("TimeOfDay", PsPrimitive.Duration(value.TimeOfDay))
            .With("Year", value.Year);
    }

    /// <summary>The instant of a DateTimeOffset this class made; null for another value.</summary>
    internal static DateTimeOffset? AsDateTimeOffset(PsValue? value) =>
        value is PsObject created && DateTimeOffsets.TryGetValue(created, out var box) ? box.Value : null;

    /// <summary>[DateTimeOffset]'s static members; null for another.</summary>
    private static PsValue? DateTimeOffsetStaticMember(string member, IReadOnlyList<PsValue>? arguments, DateTimeOffset now)
    {
        long Long(int i) => AsNumber(arguments![i]) is { } n ? checked((long)n) : throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(arguments[i])));
        return (member.ToUpperInvariant(), arguments?.Count ?? -1) switch
        {
            ("NOW" or "UTCNOW", -1) => DateTimeOffsetObject(now.ToUniversalTime()),
            ("MINVALUE", -1) => DateTimeOffsetObject(DateTimeOffset.MinValue),
            ("MAXVALUE", -1) => DateTimeOffsetObject(DateTimeOffset.MaxValue),
            ("FROMUNIXTIMESECONDS", 1) => DateTimeOffsetObject(DateTimeOffset.FromUnixTimeSeconds(Long(0))),
            ("FROMUNIXTIMEMILLISECONDS", 1) => DateTimeOffsetObject(DateTimeOffset.FromUnixTimeMilliseconds(Long(0))),
            ("PARSE", 1) => DateTimeOffsetObject(DateTimeOffset.Parse(Text(arguments![0]), EnglishUnitedStates.Culture, DateTimeStyles.AssumeUniversal)),
            ("NEW", 1) => ToDateTimeOffset(arguments![0]),
            _ => null,
        };
    }

    // A cast's or constructor's DateTimeOffset: of itself, a date (its instant: the server's zone is UTC), ticks or a string.
    private static PsObject ToDateTimeOffset(PsValue? value)
    {
        if (AsDateTimeOffset(value) is { } same) return DateTimeOffsetObject(same);
        if (value is PsPrimitive { Value: DateTimeOffset date }) return DateTimeOffsetObject(date.ToUniversalTime());
        if (value is PsPrimitive { Value: long or int } ticks) return DateTimeOffsetObject(new DateTimeOffset(Convert.ToInt64(ticks.Value, CultureInfo.InvariantCulture), TimeSpan.Zero));
        var text = Text(value);
        if (DateTimeOffset.TryParse(text, EnglishUnitedStates.Culture, DateTimeStyles.AssumeUniversal, out var parsed)) return DateTimeOffsetObject(parsed);
        throw new ScriptExpressionException(new ScriptedError(
            $"Cannot convert value \"{text}\" to type \"System.DateTimeOffset\". Error: \"String was not recognized as a valid DateTime.\"",
            "InvalidCastParseTargetInvocation", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
    }

    /// <summary>A DateTimeOffset's method; null for another object or method.</summary>
    private static PsValue? DateTimeOffsetMethod(PsObject created, string name, IReadOnlyList<PsValue> arguments)
    {
        if (AsDateTimeOffset(created) is not { } value) return null;
        double Amount() => arguments[0] is PsNil ? 0 : AsNumber(arguments[0]) ?? throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(arguments[0])));
        return (name.ToUpperInvariant(), arguments.Count) switch
        {
            ("TOUNIXTIMESECONDS", 0) => PsPrimitive.Int64(value.ToUnixTimeSeconds()),
            ("TOUNIXTIMEMILLISECONDS", 0) => PsPrimitive.Int64(value.ToUnixTimeMilliseconds()),
            ("TOSTRING", 0) => PsPrimitive.String(value.ToString(EnglishUnitedStates.Culture)),
            ("TOSTRING", 1) => PsPrimitive.String(value.ToString(Text(arguments[0]), EnglishUnitedStates.Culture)),
            ("TOUNIVERSALTIME" or "TOLOCALTIME", 0) => DateTimeOffsetObject(value.ToUniversalTime()),
            ("ADDYEARS", 1) => DateTimeOffsetObject(value.AddYears(checked((int)Amount()))),
            ("ADDMONTHS", 1) => DateTimeOffsetObject(value.AddMonths(checked((int)Amount()))),
            ("ADDDAYS", 1) => DateTimeOffsetObject(value.AddDays(Amount())),
            ("ADDHOURS", 1) => DateTimeOffsetObject(value.AddHours(Amount())),
            ("ADDMINUTES", 1) => DateTimeOffsetObject(value.AddMinutes(Amount())),
            ("ADDSECONDS", 1) => DateTimeOffsetObject(value.AddSeconds(Amount())),
            ("ADDMILLISECONDS", 1) => DateTimeOffsetObject(value.AddMilliseconds(Amount())),
            ("ADD", 1) when arguments[0] is PsPrimitive { Value: TimeSpan span } => DateTimeOffsetObject(value + span),
            ("COMPARETO", 1) when AsDateTimeOffset(arguments[0]) is { } other => PsPrimitive.Int32(value.CompareTo(other)),
            ("EQUALS", 1) => PsPrimitive.Boolean(AsDateTimeOffset(arguments[0]) is { } other && other == value),
            _ => null,
        };
    }
}
