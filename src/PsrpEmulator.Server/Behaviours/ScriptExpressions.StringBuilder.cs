using System.Runtime.CompilerServices;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.Text.StringBuilder, as scripts build text with it (<c>$sb = New-Object Text.StringBuilder;
/// [void]$sb.AppendLine("x"); $sb.ToString()</c>): <c>New-Object</c> and <c>::new()</c> (empty, a string, a capacity),
/// Append, AppendLine (CRLF, as on Windows), AppendFormat, Insert, Remove, Replace, Clear and ToString; each of the
/// changing methods returns the builder itself, which a script that does not discard it writes (5.1 shows its
/// <c>Capacity MaxCapacity Length</c> table). Its text is what <c>"$sb"</c> and <c>-join</c> give.
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string StringBuilderTypeName = "System.Text.StringBuilder";

    private static readonly string[] StringBuilderTypeNames = [StringBuilderTypeName, "System.Object"];

    private static readonly ConditionalWeakTable<PsObject, StringBuilder> StringBuilders = [];

    /// <summary>A builder of <c>new StringBuilder(arguments)</c>: (), (string), (int capacity), (string, int), (int, int); null for other arguments.</summary>
    internal static PsObject? NewStringBuilder(IReadOnlyList<PsValue> arguments)
    {
        StringBuilder? builder = arguments switch
        {
            [] => new StringBuilder(),
            [PsPrimitive { Value: int or long or short or byte } capacity] => new StringBuilder(Capacity(capacity)),
            [var value] => new StringBuilder(Text(value)),
            [PsPrimitive { Value: int or long or short or byte } capacity, PsPrimitive { Value: int or long or short or byte } maximum] => new StringBuilder(Capacity(capacity), Capacity(maximum)),
            [var value, PsPrimitive { Value: int or long or short or byte } capacity] => new StringBuilder(Text(value), Capacity(capacity)),
            _ => null,
        };
        if (builder is null) return null;
        var created = new PsObject(StringBuilderTypeNames);
        StringBuilders.Add(created, builder);
        return Refreshed(created, builder);

        // A capacity the emulator grants: what the script asks, up to the text it lets a builder hold.
        static int Capacity(PsPrimitive number)
        {
            var asked = Convert.ToInt64(number.Value, System.Globalization.CultureInfo.InvariantCulture);
            if (asked < 0) throw new ArgumentOutOfRangeException("capacity", "'capacity' must be greater than zero.");
            return (int)Math.Min(asked, MaxArithmeticLength);
        }
    }

    /// <summary>Whether the value is a builder this class made.</summary>
    internal static bool IsStringBuilder(PsValue? value) => value is PsObject builder && StringBuilders.TryGetValue(builder, out _);

    // Its properties and text as they are now (what the object shows when written, read or serialized).
    private static PsObject Refreshed(PsObject created, StringBuilder builder)
    {
        created.ToStringValue = builder.ToString();
        return created
            .With("Capacity", PsPrimitive.Int32(builder.Capacity))
            .With("MaxCapacity", PsPrimitive.Int32(builder.MaxCapacity))
            .With("Length", PsPrimitive.Int32(builder.Length));
    }

    /// <summary>
    /// <c>$sb.Length = n</c> (cuts the text, or pads it with NUL characters) and <c>$sb.Capacity = n</c> on a builder;
    /// false for another object or property.
    /// </summary>
    private static bool SetStringBuilderMember(PsObject created, string name, PsValue value)
    {
        if (!StringBuilders.TryGetValue(created, out var builder)) return false;
        var number = AsNumber(value) ?? throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(value)));
        var wanted = checked((int)Math.Round(number, MidpointRounding.ToEven));
        if (name.Equals("Length", StringComparison.OrdinalIgnoreCase))
        {
            if (wanted < 0) throw new ArgumentOutOfRangeException("value", "Length cannot be less than zero.");
            if (wanted > MaxArithmeticLength) throw TooLarge();
            builder.Length = wanted;
        }
        else if (name.Equals("Capacity", StringComparison.OrdinalIgnoreCase))
        {
            builder.Capacity = Math.Min(wanted, MaxArithmeticLength);
        }
        else
        {
            return false;
        }

        Refreshed(created, builder);
        return true;
    }

    /// <summary>A builder's method; null for another object or a method the emulator does not know.</summary>
    private static PsValue? StringBuilderMethod(PsObject created, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!StringBuilders.TryGetValue(created, out var builder)) return null;
        int Int(int i) => AsNumber(arguments[i]) is { } n ? checked((int)n) : throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(arguments[i])));
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("APPEND", 1):
                builder.Append(Text(arguments[0]));
                break;
            case ("APPEND", 3):
                // Append(string, startIndex, count); Append(char, repeatCount) is the two-argument form.
                builder.Append(Text(arguments[0]), Int(1), Int(2));
                break;
            case ("APPEND", 2):
                builder.Append(Text(arguments[0]).FirstOrDefault(), Int(1));
                break;
            case ("APPENDLINE", 0):
                builder.Append("\r\n");
                break;
            case ("APPENDLINE", 1):
                builder.Append(Text(arguments[0])).Append("\r\n");
                break;
            case ("APPENDFORMAT", >= 2):
                builder.Append(Text(Format(arguments[0], PsObjects.List([.. arguments.Skip(1)], ListValueTemplate.ArrayTypeNames))));
                break;
            case ("INSERT", 2):
                builder.Insert(Int(0), Text(arguments[1]));
                break;
            case ("REMOVE", 2):
                builder.Remove(Int(0), Int(1));
                break;
            case ("REPLACE", 2):
                var old = Text(arguments[0]);
                if (old.Length == 0) throw new ArgumentException("String cannot be of zero length.\r\nParameter name: oldValue");
                builder.Replace(old, Text(arguments[1]));
                break;
            case ("CLEAR", 0):
                builder.Clear();
                break;
            case ("TOSTRING", 0):
                return PsPrimitive.String(builder.ToString());
            case ("TOSTRING", 2):
                return PsPrimitive.String(builder.ToString(Int(0), Int(1)));
            case ("ENSURECAPACITY", 1):
                var capacity = builder.EnsureCapacity(Math.Min(Int(0), MaxArithmeticLength));
                Refreshed(created, builder);
                return PsPrimitive.Int32(capacity);
            case ("APPEND" or "APPENDLINE" or "INSERT" or "REMOVE" or "REPLACE" or "CLEAR" or "ENSURECAPACITY", var count):
                throw new ScriptExpressionException(ScriptedError.MethodCount(name, count));
            default:
                return null;
        }

        if (builder.Length > MaxArithmeticLength)
        {
            builder.Clear();
            throw TooLarge();
        }

        return Refreshed(created, builder);
    }
}
