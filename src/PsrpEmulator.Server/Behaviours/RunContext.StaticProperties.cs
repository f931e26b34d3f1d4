using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// .NET static properties scripts set, kept for the session's process: <c>[Net.ServicePointManager]</c>'s
/// SecurityProtocol (the SecurityProtocolType enum, from a value, a number or names: <c>-bor 3072</c>, <c>'Tls12'</c>;
/// Windows PowerShell 5.1 starts with <c>Ssl3, Tls</c> where SchUseStrongCrypto is not set, UNVERIFIED for every build),
/// ServerCertificateValidationCallback, Expect100Continue, DefaultConnectionLimit and CheckCertificateRevocationList, as
/// bootstrap scripts set them before they download. Setting another type's property is a scenario error.
/// </summary>
internal sealed partial class RunContext
{
    private const string SecurityProtocolTypeName = "System.Net.SecurityProtocolType";

    /// <summary>ServicePointManager's properties the emulator keeps, and what a new session's process has.</summary>
    internal static readonly Dictionary<string, Func<PsValue>> ServicePointManagerDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SecurityProtocol"] = () => ScriptExpressions.EnumCast(SecurityProtocolTypeName, PsPrimitive.String("Ssl3, Tls"))!,
        ["ServerCertificateValidationCallback"] = () => PsNil.Instance,
        ["Expect100Continue"] = () => PsPrimitive.Boolean(true),
        ["DefaultConnectionLimit"] = () => PsPrimitive.Int32(2),
        ["CheckCertificateRevocationList"] = () => PsPrimitive.Boolean(false),
    };

    /// <summary>A ServicePointManager property as the session's process has it now; null for another member.</summary>
    private PsValue? ServicePointManagerProperty(string member)
    {
        if (!ServicePointManagerDefaults.TryGetValue(member, out var initial)) return null;
        return scope.Variables.Runspace.StaticProperties.TryGetValue(ScriptExpressions.ServicePointManagerTypeName + "::" + member, out var set) ? set : initial();
    }

    /// <summary><c>[Type]::Member = value</c> (<c>+=</c>, <c>-=</c>): the property set, converted to its type.</summary>
    private async ValueTask SetStaticPropertyAsync(string typeText, string member, string op, string valueText, IPipelineHost? to, int blockNesting)
    {
        if (ScriptExpressions.ResolveType(typeText) is not { } type)
        {
            throw new ScriptExpressionException(ScriptedError.NotAnswered($"[{typeText}]::{member}"));
        }

        if (type.FullName != ScriptExpressions.ServicePointManagerTypeName || ServicePointManagerProperty(member) is not { } current)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Setting [{type.FullName}]::{member} is not emulated: give the statement a rule (match: its whole text)"));
        }

        var value = await EvaluateAsync(valueText, to, blockNesting + 1);
        if (op != "=") value = ScriptExpressions.Arithmetic(current, op[..1], value);
        var name = ServicePointManagerDefaults.Keys.First(k => k.Equals(member, StringComparison.OrdinalIgnoreCase));
        value = name switch
        {
            "SecurityProtocol" => ScriptExpressions.EnumCast(SecurityProtocolTypeName, value)!,
            "Expect100Continue" or "CheckCertificateRevocationList" => PsPrimitive.Boolean(ScriptExpressions.IsTrue(value)),
            "DefaultConnectionLimit" => ScriptExpressions.Cast(value, ScriptExpressions.ResolveType("int")!),
            _ => value,
        };
        scope.Variables.Runspace.StaticProperties[ScriptExpressions.ServicePointManagerTypeName + "::" + name] = value;
    }
}
