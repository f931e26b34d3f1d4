using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>
/// What Write-Host writes (PowerShell 5 and later): the MessageData of an INFORMATION_RECORD tagged
/// <see cref="HostTag"/>, a <c>System.Management.Automation.HostInformationMessage</c> (WriteHostCommand.ProcessRecord).
/// </summary>
/// <remarks>
/// Serialized as PowerShell's remoting serializer writes it (the Fragmentor's context: depth 1, the record's property
/// bag not counted): type names {HostInformationMessage, System.Object}, ToString the message, and its properties in
/// declaration order as adapted properties (<c>&lt;Props&gt;</c>): Message, NoNewLine, ForegroundColor,
/// BackgroundColor. At that depth a colour (a <c>ConsoleColor?</c>) is written as its name, <c>&lt;S&gt;Green&lt;/S&gt;</c>,
/// not as an enum object; Nil when not set (Write-Host without a colour on a host that has none to give).
/// Reading also takes a colour as an enum object or a number.
/// </remarks>
public sealed record HostInformationMessage(string Message, bool? NoNewLine = false, ConsoleColor? ForegroundColor = null, ConsoleColor? BackgroundColor = null)
{
    public const string TypeName = "System.Management.Automation.HostInformationMessage";

    /// <summary>The tag that makes a host show an information record (Write-Host's).</summary>
    public const string HostTag = "PSHOST";

    /// <summary>The record's Source: the cmdlet's name, as Cmdlet.WriteInformation gives it outside a script file.</summary>
    public const string WriteHostSource = "Write-Host";

    public PsValue ToPsValue()
    {
        var o = new PsObject([TypeName, "System.Object"]) { ToStringValue = Message };
        o.AdaptedProperties.Add(new PsProperty("Message", PsPrimitive.String(Message)));
        o.AdaptedProperties.Add(new PsProperty("NoNewLine", NoNewLine is { } b ? PsPrimitive.Boolean(b) : PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("ForegroundColor", Color(ForegroundColor)));
        o.AdaptedProperties.Add(new PsProperty("BackgroundColor", Color(BackgroundColor)));
        return o;
    }

    private static PsValue Color(ConsoleColor? color) => color is { } c ? PsPrimitive.String(c.ToString()) : PsNil.Instance;

    /// <summary>
    /// The message when <paramref name="value"/> is one (live or deserialized type name, a string Message); null
    /// otherwise. Properties of the wrong type are read as absent: a host shows the record's text then.
    /// </summary>
    public static HostInformationMessage? TryRead(PsValue value)
    {
        if (value is not PsObject o || o.TypeNames is not { Count: > 0 } names ||
            !(names[0] == TypeName || names[0] == "Deserialized." + TypeName) ||
            o["Message"] is not PsPrimitive { Value: string message })
        {
            return null;
        }

        return new HostInformationMessage(
            message,
            o["NoNewLine"] is PsPrimitive { Value: bool noNewLine } ? noNewLine : null,
            ReadColor(o["ForegroundColor"]),
            ReadColor(o["BackgroundColor"]));
    }

    private static ConsoleColor? ReadColor(PsValue? value) => value switch
    {
        PsObject { BaseValue: PsPrimitive { Value: int i } } when Enum.IsDefined((ConsoleColor)i) => (ConsoleColor)i,
        PsPrimitive { Value: int i } when Enum.IsDefined((ConsoleColor)i) => (ConsoleColor)i,
        PsPrimitive { Value: string name } => ParseColor(name),
        _ => null,
    };

    /// <summary>A ConsoleColor by name (any case) or number; null when the text names none.</summary>
    public static ConsoleColor? ParseColor(string text) =>
        Enum.TryParse<ConsoleColor>(text.Trim(), ignoreCase: true, out var c) && Enum.IsDefined(c) ? c : null;
}
