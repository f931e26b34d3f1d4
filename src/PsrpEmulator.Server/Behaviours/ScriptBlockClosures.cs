using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The script blocks <c>GetNewClosure()</c> made and the variables each captured: PowerShell binds such a block to a
/// dynamic module whose scope holds copies of the variables of the scope that made it, so that invoking it reads
/// those (not the caller's), then the session's.
/// </summary>
internal static class ScriptBlockClosures
{
    private static readonly ConditionalWeakTable<PsPrimitive, Dictionary<string, PsValue>> Scopes = [];

    /// <summary>A new script block of <paramref name="body"/> bound to <paramref name="captured"/> (its module's scope).</summary>
    public static PsPrimitive Make(string body, Dictionary<string, PsValue> captured)
    {
        var block = PsPrimitive.ScriptBlock(body);
        Scopes.Add(block, captured);
        return block;
    }

    /// <summary>The scope the closure <paramref name="value"/> is bound to; null for any other value.</summary>
    public static Dictionary<string, PsValue>? ScopeOf(PsValue? value) =>
        value is PsPrimitive { Type: PsPrimitiveType.ScriptBlock } block && Scopes.TryGetValue(block, out var scope) ? scope : null;
}
