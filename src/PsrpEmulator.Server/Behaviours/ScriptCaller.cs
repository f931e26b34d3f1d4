using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The script command (a function, or a script file) whose <c>$MyInvocation</c> an error record took: Write-Error sets
/// its record's InvocationInfo to its caller's (WriteErrorCommand), so inside a function the record names the function
/// (MyCommand, its place the function's call) and ErrorRecord.FullyQualifiedErrorId ends in its name
/// ("Microsoft.PowerShell.Commands.WriteErrorException,Get-Thing").
/// </summary>
/// <param name="InvocationName">The name it was called by (an alias, <c>&amp;</c> for a script called with the call operator).</param>
/// <param name="Command">Its CommandInfo, as its <c>$MyInvocation.MyCommand</c> (a FunctionInfo, an ExternalScriptInfo).</param>
internal sealed record ScriptCaller(string Name, CommandTypes CommandType, string Definition, string InvocationName, PsObject Command)
{
    // The caller of each record a function's Write-Error made, for the shell to place it where it is written: the record
    // travels as PowerShell's serialized object, which has no room for it, and the table lets it go with the record.
    private static readonly ConditionalWeakTable<PsObject, ScriptCaller> s_records = new();

    /// <summary>The script command <c>$MyInvocation</c> names (null at a script's top level, where MyCommand has no name).</summary>
    public static ScriptCaller? FromInvocation(PsValue? invocation)
    {
        if (invocation is not PsObject info || info["MyCommand"] is not PsObject command || command["Name"] is not { } name ||
            name.ToDisplayString() is not { Length: > 0 } commandName)
        {
            return null;
        }

        var type = command.TypeNames is [var first, ..] && first == "System.Management.Automation.ExternalScriptInfo" ? CommandTypes.ExternalScript : CommandTypes.Function;
        return new(commandName, type, command["Definition"]?.ToDisplayString() ?? string.Empty,
            info["InvocationName"]?.ToDisplayString() is { Length: > 0 } invoked ? invoked : commandName, command);
    }

    /// <summary>Remembers that <paramref name="record"/> took <paramref name="caller"/>'s InvocationInfo.</summary>
    public static void Remember(PsObject record, ScriptCaller caller) => s_records.AddOrUpdate(record, caller);

    /// <summary>The caller whose InvocationInfo <paramref name="record"/> took, if a script command's.</summary>
    public static ScriptCaller? Of(PsObject record) => s_records.TryGetValue(record, out var caller) ? caller : null;
}
