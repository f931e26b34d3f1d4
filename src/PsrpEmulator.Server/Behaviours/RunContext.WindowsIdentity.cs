using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The session's Windows identity, as scripts test whether they run elevated:
/// <c>([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)</c>
/// (Chocolatey's and many provisioning scripts' first line). The identity is the session's logon (<c>SERVER01\psrp</c>);
/// the user is in Administrators and Users: Windows' default session configuration admits only the Administrators
/// group (and Remote Management Users, which the emulator does not model), and a remote session's token is not
/// filtered by UAC, so a user who can connect is an elevated administrator. AuthenticationType and ImpersonationLevel
/// are UNVERIFIED.
/// </summary>
internal sealed partial class RunContext
{
    // The BUILTIN groups a remoting user is in: Administrators (544) and Users (545), by WindowsBuiltInRole and by name.
    private static readonly HashSet<string> MemberRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        "Administrator", "User", "Administrators", "Users", @"BUILTIN\Administrators", @"BUILTIN\Users", "544", "545", "S-1-5-32-544", "S-1-5-32-545",
    };

    private PsObject CurrentWindowsIdentity()
    {
        var user = host.EnvironmentVariable("USERNAME") ?? string.Empty;
        var name = host.EnvironmentVariable("USERDOMAIN") is { Length: > 0 } domain ? domain + "\\" + user : user;
        return new PsObject([ScriptExpressions.WindowsIdentityTypeName, "System.Security.Claims.ClaimsIdentity", "System.Object"]) { ToStringValue = ScriptExpressions.WindowsIdentityTypeName }
            .With("AuthenticationType", "NTLM")
            .With("ImpersonationLevel", PsObjects.Enum("System.Security.Principal.TokenImpersonationLevel", "None", 0))
            .With("IsAuthenticated", PsPrimitive.Boolean(true))
            .With("IsGuest", PsPrimitive.Boolean(false))
            .With("IsSystem", PsPrimitive.Boolean(false))
            .With("IsAnonymous", PsPrimitive.Boolean(false))
            .With("Name", name);
    }

    /// <summary><c>[Security.Principal.WindowsIdentity]::GetCurrent()</c> and <c>[Security.Principal.WindowsPrincipal]::new($identity)</c>; null for another member.</summary>
    private PsValue? WindowsIdentityStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments) => (typeName, member.ToUpperInvariant(), arguments?.Count ?? -1) switch
    {
        (ScriptExpressions.WindowsIdentityTypeName, "GETCURRENT", 0 or 1) => CurrentWindowsIdentity(),
        (ScriptExpressions.WindowsPrincipalTypeName, "NEW", 1) => ScriptExpressions.WindowsPrincipal(arguments![0]),
        _ => null,
    };

    /// <summary>A WindowsPrincipal's <c>IsInRole(role)</c> (a WindowsBuiltInRole, its number, a group's name or SID); null for another method or value.</summary>
    private static PsValue? PrincipalMethod(PsValue value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (value is not PsObject { TypeNames: [ScriptExpressions.WindowsPrincipalTypeName, ..] } || !name.Equals("IsInRole", StringComparison.OrdinalIgnoreCase) || arguments.Count != 1) return null;
        // A WindowsBuiltInRole is an enum: its name (Administrator) and its number (544) both name the group.
        if (arguments[0] is PsObject { BaseValue.Value: int code, ToStringValue: { } enumName })
        {
            return PsPrimitive.Boolean(MemberRoles.Contains(enumName) || MemberRoles.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return PsPrimitive.Boolean(MemberRoles.Contains(PipelineVariables.Display(arguments[0])));
    }
}
