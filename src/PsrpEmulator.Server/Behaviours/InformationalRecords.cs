using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The records of the warning, verbose, debug and information streams as objects, which a redirection merging them into
/// the output (<c>3&gt;&amp;1</c>, <c>4&gt;&amp;1</c>, <c>5&gt;&amp;1</c>, <c>6&gt;&amp;1</c>, <c>*&gt;&amp;1</c>) or to
/// a file puts there: a WarningRecord (an InformationalRecord) with its Message and FullyQualifiedWarningId, a
/// VerboseRecord or DebugRecord with its Message, an InformationRecord with its MessageData and the message's details.
/// Their text is the message. Their InvocationInfo and PipelineIterationInfo are not emulated.
/// </summary>
internal static class InformationalRecords
{
    public const string WarningTypeName = "System.Management.Automation.WarningRecord";
    public const string VerboseTypeName = "System.Management.Automation.VerboseRecord";
    public const string DebugTypeName = "System.Management.Automation.DebugRecord";
    public const string InformationTypeName = "System.Management.Automation.InformationRecord";
    private const string InformationalTypeName = "System.Management.Automation.InformationalRecord";

    /// <summary>The record a message of the warning, verbose or debug stream is, or the information stream's; null for any other message.</summary>
    public static PsObject? Of(IPsrpMessageBody record) => record switch
    {
        WarningRecordMessage w => Informational(WarningTypeName, w.Message).With("FullyQualifiedWarningId", PsPrimitive.String(string.Empty)),
        VerboseRecordMessage v => Informational(VerboseTypeName, v.Message),
        DebugRecordMessage d => Informational(DebugTypeName, d.Message),
        InformationRecordMessage i => Information(i),
        _ => null,
    };

    /// <summary>
    /// A warning, verbose or debug record as PowerShell's serializer writes one in the output (InformationalRecord's
    /// ToPSObjectForRemoting: its message as the InformationalRecord_Message note, no InvocationInfo), which a client reads
    /// back as a Deserialized.WarningRecord whose text is the message; null for any other value.
    /// </summary>
    public static PsObject? ForWire(PsValue value) =>
        value is PsObject { TypeNames: [_, InformationalTypeName, ..] } record && record["Message"] is { } message
            ? new PsObject(record.TypeNames) { ToStringValue = record.ToStringValue }
                .With("InformationalRecord_Message", message)
                .With("InformationalRecord_SerializeInvocationInfo", false)
            : null;

    private static PsObject Informational(string typeName, string message) =>
        new PsObject([typeName, InformationalTypeName, "System.Object"]) { ToStringValue = message }.With("Message", PsPrimitive.String(message));

    // Its properties are .NET ones (the serializer's Props, as PowerShell's writes an InformationRecord in the output).
    private static PsObject Information(InformationRecordMessage i)
    {
        var record = new PsObject([InformationTypeName, "System.Object"]) { ToStringValue = PipelineVariables.Display(i.MessageData) };
        record.AdaptedProperties.AddRange(
        [
            new("MessageData", i.MessageData),
            new("Source", PsPrimitive.String(i.Source)),
            new("TimeGenerated", PsPrimitive.DateTime(i.TimeGenerated)),
            new("Tags", PsObjects.List([.. i.Tags.Select(t => (PsValue)PsPrimitive.String(t))], ["System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])),
            new("User", PsPrimitive.String(i.User)),
            new("Computer", PsPrimitive.String(i.Computer)),
            new("ProcessId", PsPrimitive.UInt32(i.ProcessId)),
        ]);
        return record;
    }
}
