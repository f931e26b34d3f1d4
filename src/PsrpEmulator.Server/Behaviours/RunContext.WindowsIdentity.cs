using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The session's Windows identity, as scripts test whether they run elevated:
/// <c>([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)</c>
/// (Chocolatey's and many provisioning scripts' first line). The identity is the session's logon (<c>SERVER01\psrp</c>);
/// the user's groups are its local groups on the computer (<see cref="LocalAccounts"/>: the emulator's users are in
/// Administrators and Users; a user a session created and put in Remote Management Users only is no administrator),
/// and a remote session's token is not filtered by UAC, so an administrator who connects is an elevated one. The
/// identity's Groups are those groups' SIDs and the network logon's well-known ones (Everyone, NETWORK, Authenticated
/// Users, This Organization, Local account, NTLM Authentication; their order UNVERIFIED). AuthenticationType and
/// ImpersonationLevel are UNVERIFIED.
/// </summary>
internal sealed partial class RunContext
{
    // A user the computer's accounts do not know (a host without them): Administrators and Users, as the emulator's users.
    private static readonly string[] DefaultGroupSids = ["S-1-5-32-544", "S-1-5-32-545"];

    // The well-known groups of a local account's network logon token.
    private static readonly string[] NetworkLogonSids = ["S-1-1-0", "S-1-5-2", "S-1-5-11", "S-1-5-15", "S-1-5-113", "S-1-5-64-10"];

    private PsObject CurrentWindowsIdentity()
    {
        var user = host.EnvironmentVariable("USERNAME") ?? string.Empty;
        var name = host.EnvironmentVariable("USERDOMAIN") is { Length: > 0 } domain ? domain + "\\" + user : user;
        var groups = Host.LocalAccounts is { } accounts && accounts.FindUser(user) is { } account ? accounts.GroupSidsOf(account) : DefaultGroupSids;
        return new PsObject([ScriptExpressions.WindowsIdentityTypeName, "System.Security.Claims.ClaimsIdentity", "System.Object"]) { ToStringValue = ScriptExpressions.WindowsIdentityTypeName }
            .With("Groups", PsObjects.List([.. groups.Concat(NetworkLogonSids).Select(PsPrimitive.String)],
                ["System.Security.Principal.IdentityReferenceCollection", "System.Object"]))
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

    /// <summary>
    /// A WindowsPrincipal's <c>IsInRole(role)</c> (a WindowsBuiltInRole or its number, a group's name, BUILTIN\name or
    /// SID): whether the identity's Groups hold the group; null for another method or value.
    /// </summary>
    private PsValue? PrincipalMethod(PsValue value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (value is not PsObject { TypeNames: [ScriptExpressions.WindowsPrincipalTypeName, ..] } principal || !name.Equals("IsInRole", StringComparison.OrdinalIgnoreCase) || arguments.Count != 1) return null;
        var groups = (principal["Identity"] as PsObject)?["Groups"] is PsObject { Items: var items } ? items.Select(i => i.ToDisplayString()).ToHashSet(StringComparer.OrdinalIgnoreCase) : [.. DefaultGroupSids];
        var sid = RoleSid(arguments[0]);
        return PsPrimitive.Boolean(sid is not null && groups.Contains(sid));
    }

    // The SID a role names: a WindowsBuiltInRole (its value is the BUILTIN group's RID), a RID, a SID, or a group's name
    // (the computer's, else a BUILTIN one's; a user's name, "Administrator", is no role).
    private string? RoleSid(PsValue role)
    {
        if (role is PsObject { BaseValue.Value: int code }) return "S-1-5-32-" + code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = PipelineVariables.Display(role);
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)) return "S-1-5-32-" + text;
        if (text.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return text;
        var bare = text.StartsWith(@"BUILTIN\", StringComparison.OrdinalIgnoreCase) ? text[8..] : text;
        if (Host.LocalAccounts?.Resolve(text) is { ObjectClass: "Group" } group) return group.Sid;
        return bare.ToUpperInvariant() switch
        {
            "ADMINISTRATORS" => "S-1-5-32-544",
            "USERS" => "S-1-5-32-545",
            "GUESTS" => "S-1-5-32-546",
            "REMOTE MANAGEMENT USERS" => "S-1-5-32-580",
            _ => null,
        };
    }
}
