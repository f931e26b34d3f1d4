using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The LocalAccounts cmdlets (Microsoft.PowerShell.LocalAccounts, 5.1's) over the computer's users and groups
/// (<see cref="LocalAccounts"/>): Get-/New-/Remove-/Enable-/Disable-/Set-LocalUser, Get-/New-/Remove-LocalGroup,
/// Get-/Add-/Remove-LocalGroupMember, with LocalUser, LocalGroup and LocalPrincipal objects as a 5.1 server serializes
/// them, and the module's errors (UserNotFound, MemberExists...: the exception's name without "Exception", its category,
/// the name as target); accounts piped in are their -InputObject or -Member (NamesInputStage). -SID, -WhatIf and
/// -Confirm (a prompt) are not emulated; -Confirm:$false is what they do anyway.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] LocalAccountCommands =
    [
        "Get-LocalUser", "New-LocalUser", "Remove-LocalUser", "Enable-LocalUser", "Disable-LocalUser", "Set-LocalUser",
        "Get-LocalGroup", "New-LocalGroup", "Remove-LocalGroup", "Get-LocalGroupMember", "Add-LocalGroupMember", "Remove-LocalGroupMember",
    ];

    private static readonly HashSet<string> LocalAccountCommandNames = new(LocalAccountCommands, StringComparer.Ordinal);

    private static readonly string[] LocalUserTypeNames = ["Microsoft.PowerShell.Commands.LocalUser", "Microsoft.PowerShell.Commands.LocalPrincipal", "System.Object"];
    private static readonly string[] LocalGroupTypeNames = ["Microsoft.PowerShell.Commands.LocalGroup", "Microsoft.PowerShell.Commands.LocalPrincipal", "System.Object"];
    private static readonly string[] LocalPrincipalTypeNames = ["Microsoft.PowerShell.Commands.LocalPrincipal", "System.Object"];

    private async ValueTask RunLocalAccountCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var accounts = Host.LocalAccounts ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        RefuseNotEmulated(command, arguments, "SID", "WhatIf", "Confirm");

        // -Group (a LocalGroup, or text: LocalGroup has a constructor of a name) and -InputObject (a LocalUser or
        // LocalGroup, whose text is its name) name the account as -Name does.
        async ValueTask<List<string>> Names(string parameter)
        {
            var given = arguments[parameter] ?? (parameter == "Name" ? arguments["Group"] ?? arguments["InputObject"] : null);
            if (given is not { } word)
            {
                throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {parameter}.", "MissingMandatoryParameter"));
            }

            return await ArgumentTextsAsync(word, to, blockNesting);
        }

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(value), cancellationToken);

        ValueTask Error(string exception, string message, ErrorCategory category, string target) =>
            WriteErrorAsync(new ScriptedError(message, $"{exception},{CmdletClass(command)}", category, $"Microsoft.PowerShell.Commands.{exception}Exception", target)
            {
                Activity = command,
            }, output);

        // SAM's STATUS_SPECIAL_ACCOUNT for a built-in account: an InvalidOperationException, which the module reports
        // under its "unspecified" id (UNVERIFIED: the mapping is not in the source's visible paths).
        ValueTask SpecialAccountAsync(string message) =>
            WriteErrorAsync(new ScriptedError(message, $"An unspecified error occurred.,{CmdletClass(command)}", ErrorCategory.NotSpecified, "System.InvalidOperationException")
            {
                Activity = command,
            }, output);

        switch (command)
        {
            case "Get-LocalUser":
                {
                    var users = accounts.Users();
                    if (arguments["Name"] is null)
                    {
                        foreach (var user in users) await Write(LocalUserObject(accounts, user));
                        return;
                    }

                    foreach (var name in await Names("Name"))
                    {
                        if (VirtualFileSystem.HasWildcard(name))
                        {
                            var pattern = VirtualFileSystem.Wildcard(name);
                            foreach (var user in users.Where(u => pattern.IsMatch(u.Name))) await Write(LocalUserObject(accounts, user));
                        }
                        else if (accounts.FindUser(name) is { } user) await Write(LocalUserObject(accounts, user));
                        else await Error("UserNotFound", $"User {name} was not found.", ErrorCategory.ObjectNotFound, name);
                    }

                    return;
                }

            case "Get-LocalGroup":
                {
                    var groups = accounts.Groups();
                    if (arguments["Name"] is null)
                    {
                        foreach (var group in groups) await Write(LocalGroupObject(group));
                        return;
                    }

                    foreach (var name in await Names("Name"))
                    {
                        if (VirtualFileSystem.HasWildcard(name))
                        {
                            var pattern = VirtualFileSystem.Wildcard(name);
                            foreach (var group in groups.Where(g => pattern.IsMatch(g.Name))) await Write(LocalGroupObject(group));
                        }
                        else if (accounts.FindGroup(name) is { } group) await Write(LocalGroupObject(group));
                        else await Error("GroupNotFound", $"Group {name} was not found.", ErrorCategory.ObjectNotFound, name);
                    }

                    return;
                }

            case "Get-LocalGroupMember":
                {
                    var name = (await Names("Name")).FirstOrDefault() ?? string.Empty;
                    if (accounts.FindGroup(name) is not { } group)
                    {
                        await Error("GroupNotFound", $"Group {name} was not found.", ErrorCategory.ObjectNotFound, name);
                        return;
                    }

                    var members = accounts.Members(group.Name) ?? [];
                    if (arguments["Member"] is null)
                    {
                        foreach (var member in members) await Write(LocalPrincipalObject(member));
                        return;
                    }

                    foreach (var wanted in await Names("Member"))
                    {
                        // A member's name is matched without the computer's prefix (Administrator, not NT AUTHORITY's INTERACTIVE).
                        var pattern = VirtualFileSystem.Wildcard(wanted);
                        var prefix = accounts.ComputerName + "\\";
                        var found = members.Where(m => pattern.IsMatch(m.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? m.Name[prefix.Length..] : m.Name)).ToList();
                        if (!VirtualFileSystem.HasWildcard(wanted)) found = found.Take(1).ToList();
                        foreach (var member in found) await Write(LocalPrincipalObject(member));
                        if (found.Count == 0 && !VirtualFileSystem.HasWildcard(wanted))
                        {
                            await Error("PrincipalNotFound", $"Principal {wanted} was not found.", ErrorCategory.ObjectNotFound, wanted);
                        }
                    }

                    return;
                }

            case "Add-LocalGroupMember" or "Remove-LocalGroupMember":
                {
                    var name = (await Names("Name")).FirstOrDefault() ?? string.Empty;
                    var wanted = await Names("Member");
                    if (accounts.FindGroup(name) is not { } group)
                    {
                        await Error("GroupNotFound", $"Group {name} was not found.", ErrorCategory.ObjectNotFound, name);
                        return;
                    }

                    var adding = command == "Add-LocalGroupMember";
                    foreach (var member in wanted)
                    {
                        if (accounts.Resolve(member) is not { } principal)
                        {
                            await Error("PrincipalNotFound", $"Principal {member} was not found.", ErrorCategory.ObjectNotFound, member);
                            continue;
                        }

                        // The errors name the account as LookupAccountName resolved it (SERVER01\bob); MemberExists's target
                        // is the group, MemberNotFound's the member.
                        if (adding && !accounts.AddMember(group.Name, principal))
                        {
                            await Error("MemberExists", $"{principal.Name} is already a member of group {group.Name}.", ErrorCategory.ResourceExists, group.Name);
                        }
                        else if (!adding && !accounts.RemoveMember(group.Name, principal))
                        {
                            await Error("MemberNotFound", $"Member {principal.Name} was not found in group {group.Name}.", ErrorCategory.ObjectNotFound, principal.Name);
                        }
                    }

                    return;
                }

            case "New-LocalUser":
                {
                    var name = (await Names("Name")).FirstOrDefault() ?? string.Empty;
                    var noPassword = arguments.Has("NoPassword");
                    if (!noPassword && arguments["Password"] is null)
                    {
                        throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Password.", "MissingMandatoryParameter"));
                    }

                    // Name's [ValidateLength(1, 20)].
                    if (name.Length is 0 or > LocalAccounts.MaxUserNameLength)
                    {
                        var reason = name.Length == 0
                            ? "The argument is null or empty. Provide an argument that is not null or empty, and then try the command again."
                            : $"The character length of the {name.Length} argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"{LocalAccounts.MaxUserNameLength}\" characters, and then try the command again.";
                        throw new StatementTerminatedException(ParameterError(command, $"Cannot validate argument on parameter 'Name'. {reason}", "ParameterArgumentValidationError"));
                    }

                    var newPassword = arguments["Password"] is { } passwordWord ? await PasswordAsync(command, passwordWord, to, blockNesting) : null;
                    if (!LocalAccounts.IsValidName(name))
                    {
                        await Error("InvalidName", $"The name {name} is invalid.", ErrorCategory.InvalidArgument, name);
                        return;
                    }

                    var description = arguments["Description"] is { } d ? PipelineVariables.Display(await ArgumentAsync(d, to, blockNesting)) : string.Empty;
                    var fullName = arguments["FullName"] is { } f ? PipelineVariables.Display(await ArgumentAsync(f, to, blockNesting)) : string.Empty;
                    var now = time.GetUtcNow();
                    if (!accounts.TryAddUser(name, u => u with
                    {
                        Description = description,
                        FullName = fullName,
                        Enabled = !arguments.Has("Disabled"),
                        PasswordLastSet = noPassword ? null : now,
                        // NewLocalUserCommand never sets PasswordRequired, and SetUserData writes its false: USER_PASSWORD_NOT_REQUIRED.
                        PasswordRequired = false,
                        PasswordNeverExpires = arguments.Has("PasswordNeverExpires"),
                        UserMayChangePassword = !arguments.Has("UserMayNotChangePassword"),
                        Password = newPassword,
                    }, out var user))
                    {
                        if (accounts.FindGroup(name) is not null && accounts.FindUser(name) is null) await Error("NameInUse", $"The name {name} is already in use.", ErrorCategory.InvalidArgument, name);
                        else await Error("UserExists", $"User {name} already exists.", ErrorCategory.ResourceExists, name);
                        return;
                    }

                    await Write(LocalUserObject(accounts, user));
                    return;
                }

            case "New-LocalGroup":
                {
                    var name = (await Names("Name")).FirstOrDefault() ?? string.Empty;
                    if (!LocalAccounts.IsValidName(name, 256))
                    {
                        await Error("InvalidName", $"The name {name} is invalid.", ErrorCategory.InvalidArgument, name);
                        return;
                    }

                    var description = arguments["Description"] is { } d ? PipelineVariables.Display(await ArgumentAsync(d, to, blockNesting)) : string.Empty;
                    if (!accounts.TryAddGroup(name, description, out var group))
                    {
                        if (accounts.FindUser(name) is not null) await Error("NameInUse", $"The name {name} is already in use.", ErrorCategory.InvalidArgument, name);
                        else await Error("GroupExists", $"Group {name} already exists.", ErrorCategory.ResourceExists, name);
                        return;
                    }

                    await Write(LocalGroupObject(group));
                    return;
                }

            case "Remove-LocalGroup":
                foreach (var name in await Names("Name"))
                {
                    if (accounts.FindGroup(name) is { } builtIn && LocalAccounts.IsBuiltIn(builtIn)) await SpecialAccountAsync($"The operation is not allowed for group {builtIn.Name}.");
                    else if (!accounts.RemoveGroup(name)) await Error("GroupNotFound", $"Group {name} was not found.", ErrorCategory.ObjectNotFound, name);
                }

                return;

            case "Remove-LocalUser":
                foreach (var name in await Names("Name"))
                {
                    if (accounts.FindUser(name) is { } builtIn && LocalAccounts.IsBuiltIn(builtIn)) await SpecialAccountAsync($"The operation is not allowed for user {builtIn.Name}.");
                    else if (!accounts.RemoveUser(name)) await Error("UserNotFound", $"User {name} was not found.", ErrorCategory.ObjectNotFound, name);
                }

                return;

            case "Enable-LocalUser" or "Disable-LocalUser":
                foreach (var name in await Names("Name"))
                {
                    var enabled = command == "Enable-LocalUser";
                    if (!accounts.TryUpdateUser(name, u => u with { Enabled = enabled }, out _)) await Error("UserNotFound", $"User {name} was not found.", ErrorCategory.ObjectNotFound, name);
                }

                return;

            default:
                {
                    // Set-LocalUser: the properties given, each as its parameter says.
                    var name = (await Names("Name")).FirstOrDefault() ?? string.Empty;
                    var newPassword = arguments["Password"] is { } passwordWord ? await PasswordAsync(command, passwordWord, to, blockNesting) : null;
                    string? description = arguments["Description"] is { } d ? PipelineVariables.Display(await ArgumentAsync(d, to, blockNesting)) : null;
                    string? fullName = arguments["FullName"] is { } f ? PipelineVariables.Display(await ArgumentAsync(f, to, blockNesting)) : null;
                    bool? neverExpires = arguments["PasswordNeverExpires"] is { } n ? ScriptExpressions.IsTrue(await ArgumentAsync(n, to, blockNesting)) : null;
                    bool? mayChange = arguments["UserMayChangePassword"] is { } m ? ScriptExpressions.IsTrue(await ArgumentAsync(m, to, blockNesting)) : null;
                    var now = time.GetUtcNow();
                    var password = newPassword is not null;
                    if (!accounts.TryUpdateUser(name, u => u with
                    {
                        Password = newPassword ?? u.Password,
                        Description = description ?? u.Description,
                        FullName = fullName ?? u.FullName,
                        PasswordNeverExpires = neverExpires ?? u.PasswordNeverExpires,
                        UserMayChangePassword = mayChange ?? u.UserMayChangePassword,
                        PasswordLastSet = password ? now : u.PasswordLastSet,
                        PasswordRequired = password || u.PasswordRequired,
                    }, out _))
                    {
                        await Error("UserNotFound", $"User {name} was not found.", ErrorCategory.ObjectNotFound, name);
                    }

                    return;
                }
        }
    }

    // -Password takes a SecureString (ConvertTo-SecureString, Read-Host -AsSecureString, one the client sent): its
    // text; other text is the binder's conversion error.
    private async ValueTask<string> PasswordAsync(string command, string word, IPipelineHost? to, int blockNesting)
    {
        const string parameter = "Password";
        var value = await ArgumentAsync(word, to, blockNesting);
        if (value is PsPrimitive { Type: PsPrimitiveType.SecureString }) return SecureText(value, command + " -Password");
        var shown = PipelineVariables.Display(value);
        var type = value is PsPrimitive { Type: PsPrimitiveType.String } ? "System.String" : (value as PsObject)?.TypeNames?.FirstOrDefault() ?? "System.Object";
        throw new StatementTerminatedException(ParameterError(command,
            $"Cannot bind parameter '{parameter}'. Cannot convert the \"{shown}\" value of type \"{type}\" to type \"System.Security.SecureString\".",
            "CannotConvertArgumentNoMessage"));
    }

    /// <summary>A LocalUser as a 5.1 server serializes it (SID as its text, PrincipalSource as its name).</summary>
    internal static PsObject LocalUserObject(LocalAccounts accounts, LocalAccounts.User user)
    {
        // A password is changeable once the policy's minimum age has passed since it was set.
        var expires = accounts.PasswordExpires(user);
        var o = new PsObject(LocalUserTypeNames) { ToStringValue = user.Name };
        o.AdaptedProperties.AddRange(
        [
            new("AccountExpires", Date(user.AccountExpires)),
            new("Description", PsPrimitive.String(user.Description)),
            new("Enabled", PsPrimitive.Boolean(user.Enabled)),
            new("FullName", PsPrimitive.String(user.FullName)),
            new("PasswordChangeableDate", Date(user.PasswordLastSet + accounts.Policy.MinimumPasswordAge)),
            new("PasswordExpires", Date(expires)),
            new("UserMayChangePassword", PsPrimitive.Boolean(user.UserMayChangePassword)),
            new("PasswordRequired", PsPrimitive.Boolean(user.PasswordRequired)),
            new("PasswordLastSet", Date(user.PasswordLastSet)),
            new("LastLogon", Date(user.LastLogon)),
            new("Name", PsPrimitive.String(user.Name)),
            new("SID", SecurityIdentifierObject(accounts.UserSid(user))),
            new("PrincipalSource", PsPrimitive.String("Local")),
            new("ObjectClass", PsPrimitive.String("User")),
        ]);
        return o;

        static PsValue Date(DateTimeOffset? value) => value is { } v ? PsPrimitive.DateTime(v) : PsNil.Instance;
    }

    internal static PsObject LocalGroupObject(LocalAccounts.Group group)
    {
        var o = new PsObject(LocalGroupTypeNames) { ToStringValue = group.Name };
        o.AdaptedProperties.AddRange(
        [
            new("Description", PsPrimitive.String(group.Description)),
            new("Name", PsPrimitive.String(group.Name)),
            new("SID", SecurityIdentifierObject(group.Sid)),
            new("PrincipalSource", PsPrimitive.String("Local")),
            new("ObjectClass", PsPrimitive.String("Group")),
        ]);
        return o;
    }

    internal static PsObject LocalPrincipalObject(LocalAccounts.Principal principal)
    {
        var o = new PsObject(LocalPrincipalTypeNames) { ToStringValue = principal.Name };
        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(principal.Name)),
            new("SID", SecurityIdentifierObject(principal.Sid)),
            new("PrincipalSource", PsPrimitive.String(principal.PrincipalSource)),
            new("ObjectClass", PsPrimitive.String(principal.ObjectClass)),
        ]);
        return o;
    }
}
