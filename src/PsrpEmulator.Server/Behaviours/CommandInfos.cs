using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// An error record as the session holds it (<c>$_</c> in a catch, <c>$Error</c>): its InvocationInfo's MyCommand is the
/// command's CommandInfo (<c>$Error[0].InvocationInfo.MyCommand.Name</c>), where the wire carries its name as text.
/// </summary>
internal static class CommandInfos
{
    /// <summary>
    /// The record with MyCommand a CmdletInfo (or FunctionInfo) of the in-box command it names, or of the function or
    /// script file it took its InvocationInfo from (<paramref name="caller"/>, else the one remembered for it); a copy,
    /// so the record the wire carries keeps its text. Unchanged when MyCommand is no name the emulator knows.
    /// </summary>
    public static PsObject WithCommandInfo(PsObject record, ScriptCaller? caller = null)
    {
        if (record["InvocationInfo"] is not PsObject invocation || invocation["MyCommand"] is not PsPrimitive { Value: string name }) return record;
        caller ??= ScriptCaller.Of(record);
        PsObject command;
        if (caller is not null && caller.Name == name)
        {
            // A function's or script file's own record: the FunctionInfo (or ExternalScriptInfo) its $MyInvocation has.
            command = caller.Command;
        }
        else if (WindowsCommands.FindModuleCommand(name) is { } known)
        {
            var dash = known.Name.IndexOf('-', StringComparison.Ordinal);
            command = new PsObject([known.IsFunction ? "System.Management.Automation.FunctionInfo" : "System.Management.Automation.CmdletInfo", "System.Management.Automation.CommandInfo", "System.Object"])
                {
                    ToStringValue = known.Name,
                }
                .With("Name", known.Name)
                .With("CommandType", PsObjects.Enum(["System.Management.Automation.CommandTypes", "System.Enum", "System.ValueType", "System.Object"], known.IsFunction ? "Function" : "Cmdlet", known.IsFunction ? 2 : 8))
                .With("Source", known.Module ?? string.Empty)
                .With("ModuleName", known.Module ?? string.Empty)
                .With("Verb", dash > 0 ? known.Name[..dash] : string.Empty)
                .With("Noun", dash > 0 ? known.Name[(dash + 1)..] : string.Empty);
        }
        else
        {
            return record;
        }

        var invocationCopy = invocation.ShallowCopy();
        Replace(invocationCopy, "MyCommand", command);
        var copy = record.ShallowCopy();
        Replace(copy, "InvocationInfo", invocationCopy);
        if (caller is not null) ScriptCaller.Remember(copy, caller);
        return copy;

        static void Replace(PsObject owner, string property, PsValue value)
        {
            foreach (var properties in (List<PsProperty>[])[owner.AdaptedProperties, owner.ExtendedProperties])
            {
                for (var i = 0; i < properties.Count; i++)
                {
                    if (properties[i].Name == property) properties[i] = new PsProperty(property, value);
                }
            }
        }
    }
}
