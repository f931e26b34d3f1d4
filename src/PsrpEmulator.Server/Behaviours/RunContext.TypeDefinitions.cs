using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

internal sealed partial class RunContext
{
    // The enum definition the statement is, if it is one; a definition PowerShell's parser refuses fails the script.
    private static Statements.EnumStatement? ParsedEnum(string text)
    {
        try
        {
            return Statements.ParseEnum(text);
        }
        catch (ScriptParseException e)
        {
            throw new PipelineTerminatedException(PSInvocationState.Failed, e.Error);
        }
    }

    // The definition for the syntax check ahead of the run: its parse errors are the check's; an attribute the
    // emulator does not emulate is the run's to report, when it gets there.
    private static Statements.EnumStatement? CheckedEnum(string text)
    {
        try
        {
            return Statements.ParseEnum(text);
        }
        catch (ScenarioRuntimeException)
        {
            return null;
        }
    }

    private const string EnumeratorValueMustBeConstant = "Enumerator value must be a constant value.";

    /// <summary>
    /// Defines the enum in the session, as Windows PowerShell 5.1's DefineEnumHelper does: Int32 underneath, each
    /// member's value its constant expression's (converted to Int32) or the previous member's plus one, starting at 0.
    /// </summary>
    private async ValueTask DefineEnumAsync(Statements.EnumStatement definition, IPipelineHost? to, int blockNesting)
    {
        var members = new List<(string Name, int Value)>(definition.Members.Count);
        var next = 0;
        var pastMaximum = false;
        foreach (var (name, valueText) in definition.Members)
        {
            if (valueText is not null)
            {
                if (!Statements.IsConstantExpression(valueText)) throw EnumParseError(EnumeratorValueMustBeConstant, "EnumeratorValueMustBeConstant");
                next = EnumeratorValue(await EvaluateAsync(valueText, to, blockNesting + 1));
            }
            else if (pastMaximum)
            {
                throw EnumParseError("Enumerator value is too large for a System.Int32.", "EnumeratorValueTooLarge");
            }

            members.Add((name, next));
            pastMaximum = next == int.MaxValue;
            if (!pastMaximum) next++;
        }

        ScriptTypes.Current = scope.Variables.Runspace.EnsureTypes();
        ScriptTypes.Current.Define(new ScriptTypes.EnumDefinition(definition.Name, definition.Flags, members));
    }

    // A member's value as LanguagePrimitives converts it to Int32: a number in range (a fraction rounded to even), an
    // enum's value, text of a number; a number out of range is too large, anything else cannot be converted.
    private static int EnumeratorValue(Protocol.Clixml.PsValue value)
    {
        if (ScriptExpressions.AsNumber(value) is { } number && !double.IsNaN(number))
        {
            var rounded = Math.Round(number, MidpointRounding.ToEven);
            if (rounded is >= int.MinValue and <= int.MaxValue) return (int)rounded;
            throw EnumParseError("Enumerator value is too large for a System.Int32.", "EnumeratorValueTooLarge");
        }

        throw EnumParseError("Cannot convert value to type System.Int32.", "CannotConvertValue");
    }

    private static PipelineTerminatedException EnumParseError(string message, string id) =>
        new(PSInvocationState.Failed, ScriptedError.ParseError(message, id));
}
