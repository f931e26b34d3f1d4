using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// .NET static properties scripts set, kept for the session's process: <c>[Net.ServicePointManager]</c>'s
/// SecurityProtocol (the SecurityProtocolType enum, from a value, a number or names: <c>-bor 3072</c>, <c>'Tls12'</c>;
/// Windows PowerShell 5.1 starts with <c>Ssl3, Tls</c> where SchUseStrongCrypto is not set, UNVERIFIED for every build),
/// ServerCertificateValidationCallback, Expect100Continue, DefaultConnectionLimit and CheckCertificateRevocationList, as
/// bootstrap scripts set them before they download; <c>[Console]</c>'s InputEncoding and OutputEncoding (what they
/// hold; programs' output is still decoded in the OEM code page). Setting another type's property is a scenario error.
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

    /// <summary>
    /// [Console]'s InputEncoding and OutputEncoding: a remote session's process has the OEM code page, 437 (the code page
    /// it decodes programs' output in), as Puppet Bolt's wrapper reads before it sets UTF-8 without a BOM.
    /// </summary>
    internal static readonly Dictionary<string, Func<PsValue>> ConsoleDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["InputEncoding"] = ScriptExpressions.OemEncodingObject,
        ["OutputEncoding"] = ScriptExpressions.OemEncodingObject,
    };

    internal const string ConsoleTypeName = "System.Console";

    /// <summary>A ServicePointManager property as the session's process has it now; null for another member.</summary>
    private PsValue? ServicePointManagerProperty(string member) => KeptStaticProperty(ScriptExpressions.ServicePointManagerTypeName, member);

    /// <summary>A static property the emulator keeps (ServicePointManager's, Console's encodings) as the session's process has it now; null for another.</summary>
    private PsValue? KeptStaticProperty(string typeName, string member)
    {
        var defaults = typeName == ScriptExpressions.ServicePointManagerTypeName ? ServicePointManagerDefaults : typeName == ConsoleTypeName ? ConsoleDefaults : null;
        if (defaults is null || !defaults.TryGetValue(member, out var initial)) return null;
        return scope.Variables.Runspace.StaticProperties.TryGetValue(typeName + "::" + member, out var set) ? set : initial();
    }

    /// <summary><c>[Type]::Member = value</c> (<c>+=</c>, <c>-=</c>): the property set, converted to its type.</summary>
    private async ValueTask SetStaticPropertyAsync(string typeText, string member, string op, string valueText, IPipelineHost? to, int blockNesting)
    {
        if (await SetClassStaticPropertyAsync(typeText, member, op, valueText, to, blockNesting)) return;
        if (ScriptExpressions.ResolveType(typeText) is not { } type)
        {
            throw new ScriptExpressionException(ScriptedError.NotAnswered($"[{typeText}]::{member}"));
        }

        if (type.FullName == ConsoleTypeName && ConsoleDefaults.ContainsKey(member) && op == "=")
        {
            // An Encoding the script made ([Text.Encoding]::UTF8, New-Object System.Text.UTF8Encoding $false): kept as given.
            var encoding = await EvaluateAsync(valueText, to, blockNesting + 1);
            if (encoding is not PsObject { TypeNames: var names } || names?.Contains(ScriptExpressions.EncodingTypeName) != true)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Setting [{type.FullName}]::{member} to what is no Encoding is not emulated: give the statement a rule (match: its whole text)"));
            }

            scope.Variables.Runspace.StaticProperties[ConsoleTypeName + "::" + ConsoleDefaults.Keys.First(k => k.Equals(member, StringComparison.OrdinalIgnoreCase))] = encoding;
            return;
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
