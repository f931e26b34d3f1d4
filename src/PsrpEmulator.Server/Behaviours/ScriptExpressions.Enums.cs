using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

internal static partial class ScriptExpressions
{
    /// <summary>
    /// The methods of an enum's value (System.Enum's: ToString with a format, HasFlag, Equals, CompareTo, GetHashCode,
    /// GetTypeCode) and of an enum's type object (GetEnumNames, GetEnumValues, GetEnumName, IsEnumDefined,
    /// GetEnumUnderlyingType), for the enums the emulator knows and the session's own; null for anything else.
    /// </summary>
    private static PsValue? EnumMethod(PsObject value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (value is { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } typeName } && TryGetEnumType(typeName, out var ofType))
        {
            return (name.ToUpperInvariant(), arguments.Count) switch
            {
                ("GETENUMNAMES", 0) => EnumNames(ofType),
                ("GETENUMVALUES", 0) => EnumValues(ofType),
                ("GETENUMNAME", 1) => EnumValue(ofType, arguments[0]) is { } named && Enum.IsDefined(ofType, named) ? PsPrimitive.String(named.ToString()!) : PsNil.Instance,
                ("ISENUMDEFINED", 1) => PsPrimitive.Boolean(AsNumber(arguments[0]) is { } number
                    ? number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue && Enum.IsDefined(ofType, (int)number)
                    : Enum.GetNames(ofType).Contains(Text(arguments[0]), StringComparer.Ordinal)),
                ("GETENUMUNDERLYINGTYPE", 0) => TypeObject("System.Int32"),
                _ => null,
            };
        }

        if (value is not { TypeNames: [var enumName, ..], BaseValue.Value: int number2 } || !TryGetEnumType(enumName, out var type)) return null;
        var member = Enum.ToObject(type, number2);
        return (name.ToUpperInvariant(), arguments.Count) switch
        {
            // G, D, X and F, as .NET formats an Int32 enum ("X" is eight hex digits).
            ("TOSTRING", 1) when Text(arguments[0]) is var format && (format.Length == 0 || format is [('G' or 'g' or 'D' or 'd' or 'X' or 'x' or 'F' or 'f')]) =>
                PsPrimitive.String(((Enum)member).ToString(format.Length == 0 ? "G" : format)),
            ("TOSTRING", 1) => throw new ScriptExpressionException(ScriptedError.MethodInvocation("ToString", 1, "Format String can be only \"G\", \"g\", \"X\", \"x\", \"F\", \"f\", \"D\" or \"d\".", typeof(FormatException))),
            ("HASFLAG", 1) when EnumValue(type, arguments[0]) is { } flag => PsPrimitive.Boolean(((Enum)member).HasFlag((Enum)flag)),
            ("EQUALS", 1) => PsPrimitive.Boolean(arguments[0] is PsObject { TypeNames: [var other, ..], BaseValue.Value: int otherNumber } &&
                other.Equals(enumName, StringComparison.OrdinalIgnoreCase) && otherNumber == number2),
            ("COMPARETO", 1) when EnumValue(type, arguments[0]) is { } compared => PsPrimitive.Int32(number2.CompareTo(Convert.ToInt32(compared, CultureInfo.InvariantCulture))),
            ("GETHASHCODE", 0) => PsPrimitive.Int32(number2),
            ("GETTYPECODE", 0) => PsObjects.Enum("System.TypeCode", "Int32", (int)TypeCode.Int32),
            _ => null,
        };
    }

    // An enum's names (string[]) and its values (an array of the enum), in the order .NET lists them: [enum]::GetNames /
    // GetValues and the type's GetEnumNames() / GetEnumValues().
    private static PsObject EnumNames(Type type) =>
        PsObjects.List([.. Enum.GetNames(type).Select(n => (PsValue)PsPrimitive.String(n))], ["System.String[]", "System.Array", "System.Object"]);

    private static PsObject EnumValues(Type type) =>
        PsObjects.List([.. Enum.GetNames(type).Select(n => (PsValue)EnumMember(EnumTypeName(type), n)!)], [EnumTypeName(type) + "[]", "System.Array", "System.Object"]);
}
