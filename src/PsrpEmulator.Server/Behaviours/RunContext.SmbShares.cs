using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The SmbShare module's cmdlets over the computer's shares (<see cref="SmbShares"/>): Get-SmbShare (by name or pattern;
/// a name no share has is the cmdletization's not-found error), New-SmbShare (a folder of the disk; -FullAccess,
/// -ChangeAccess, -ReadAccess, -NoAccess, else Everyone Read; -Description, -FolderEnumerationMode, -CachingMode,
/// -ConcurrentUserLimit, -EncryptData, -Temporary), Set-SmbShare, Remove-SmbShare, Get-SmbShareAccess and Grant-, Revoke-,
/// Block- and Unblock-SmbShareAccess, with MSFT_SmbShare and MSFT_SmbShareAccessControlEntry CIM instances. The
/// changing ones ask first ("Performing operation 'Remove-Share' on Target '*,Data'.": the provider's own wording,
/// UNVERIFIED for the others) unless -Force or -Confirm:$false. The provider's failures are Windows' system errors
/// ("The name has already been shared.", 2118; a missing folder 2; an account Windows cannot name 1332) as CimExceptions.
/// Shares piped in are their names. Scoped shares, -CimSession and -AsJob are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] SmbShareCommands =
    [
        "Get-SmbShare", "New-SmbShare", "Set-SmbShare", "Remove-SmbShare", "Get-SmbShareAccess", "Grant-SmbShareAccess", "Revoke-SmbShareAccess",
        "Block-SmbShareAccess", "Unblock-SmbShareAccess",
    ];

    private static readonly HashSet<string> SmbShareCommandNames = new(SmbShareCommands, StringComparer.Ordinal);

    private const string SmbNamespace = "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/";

    private static string[] SmbTypeNames(string cimClass) =>
        [SmbNamespace + cimClass, "Microsoft.Management.Infrastructure.CimInstance#" + cimClass, "Microsoft.Management.Infrastructure.CimInstance", "System.Object"];

    // Share rights as the share's security descriptor holds them.
    private static int ShareRightsMask(string right) => right switch
    {
        "Full" => FileAccessControl.FullControl,
        "Change" => FileAccessControl.Modify,
        _ => FileAccessControl.ReadAndExecute,
    };

    private async ValueTask RunSmbShareCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunSmbShareCommandAsync(command, a, to, o, blockNesting))) return;
        var shares = Host.SmbShares ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        RefuseNotEmulated(command, arguments, "AsJob", "ScopeName", "SecurityDescriptor", "ContinuouslyAvailable", "CATimeout", "WhatIf");

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(value, WmiServerName())), cancellationToken);

        ValueTask<List<string>?> Texts(string parameter) => OptionalTextsAsync(arguments, parameter, to, blockNesting);

        // The SMB provider enumerates shares by name (Get-SmbShare: ADMIN$, C$, IPC$, then the others among them), where
        // net share lists them as the server made them.
        List<SmbShares.Share> SortedShares() => [.. shares.List().OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];

        // The shares the call names (-Name, or shares piped in as -InputObject): a name no share has is the not-found
        // error; a pattern that matches none is nothing. Null: the call names none.
        async ValueTask<List<SmbShares.Share>?> Named()
        {
            var names = await Texts("Name") ?? (await Texts("InputObject"))?.Select(ShareNameOf).ToList();
            if (names is null) return null;
            var all = SortedShares();
            var chosen = new List<SmbShares.Share>();
            foreach (var name in names)
            {
                var pattern = VirtualFileSystem.Wildcard(name);
                var found = all.Where(s => pattern.IsMatch(s.Name)).ToList();
                if (found.Count == 0 && !VirtualFileSystem.HasWildcard(name)) await WriteErrorAsync(CimNotFound(command, "MSFT_SmbShare", "Name", name), output);
                chosen.AddRange(found.Where(s => !chosen.Contains(s)));
            }

            return chosen;
        }

        // The accounts a parameter names, as Windows names them; one it cannot name is the provider's error (null).
        async ValueTask<List<string>?> AccountNames(string parameter)
        {
            var names = new List<string>();
            foreach (var given in (await Texts(parameter) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            {
                if (FileAccessControl.SidOf(given, Accounts) is not { } sid)
                {
                    await WriteErrorAsync(SmbSystemError(command, 1332, "No mapping between account names and security IDs was done."), output);
                    return null;
                }

                names.Add(FileAccessControl.NameOf(sid, Accounts));
            }

            return names;
        }

        async ValueTask<string?> Choice(string parameter, string[] names)
        {
            if (await Texts(parameter) is not [.., var value]) return null;
            return names.FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? throw new StatementTerminatedException(new ScriptedError(
                $"Cannot process argument transformation on parameter '{parameter}'. Cannot convert value \"{value}\" to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.SmbShare.{parameter}\". " +
                $"Error: \"Unable to match the identifier name {value} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", names)}\"",
                $"ParameterArgumentTransformationError,{command}", ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingArgumentTransformationException") { Activity = command });
        }

        // A [bool] parameter's value ($true, $false, 1, 0).
        async ValueTask<bool?> Flag(string parameter) =>
            await Texts(parameter) is [.., var value] ? bool.TryParse(value.TrimStart('$'), out var flag) ? flag : value != "0" : null;

        // The changing cmdlets ask first unless -Force (or -Confirm:$false).
        async ValueTask<bool> Confirmed(string operation, SmbShares.Share share) =>
            arguments.Has("Force") || await ShouldProcessHighImpactAsync(arguments, operation, $"*,{share.Name}", providerWording: true);

        switch (command)
        {
            case "Get-SmbShare":
            {
                foreach (var share in await Named() ?? SortedShares())
                {
                    if (await Flag("Special") is { } special && share.Special != special) continue;
                    await Write(ShareObject(share));
                }

                return;
            }

            case "New-SmbShare":
            {
                var name = (await Texts("Name"))?.LastOrDefault() ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "Name"));
                if (name.Length == 0)
                {
                    throw new StatementTerminatedException(new ScriptedError("Cannot validate argument on parameter 'Name'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.",
                        $"ParameterArgumentValidationError,{command}", ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException") { Activity = command });
                }

                if (!SmbShares.IsValidName(name))
                {
                    await WriteErrorAsync(SmbSystemError(command, 123, "The filename, directory name, or volume label syntax is incorrect."), output);
                    return;
                }

                var given = (await Texts("Path"))?.LastOrDefault() ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "Path"));
                var disk = Disk(command);
                var path = VirtualFileSystem.FullPath(given, CurrentDirectory, out _);
                if (path is null || disk.Get(path) is not { IsDirectory: true })
                {
                    await WriteErrorAsync(SmbSystemError(command, 2, "The system cannot find the file specified."), output);
                    return;
                }

                var permissions = new List<SmbShares.Access>();
                foreach (var (parameter, right, deny) in new[] { ("NoAccess", "Full", true), ("FullAccess", "Full", false), ("ChangeAccess", "Change", false), ("ReadAccess", "Read", false) })
                {
                    if (await AccountNames(parameter) is not { } accounts) return;
                    permissions.AddRange(accounts.Select(a => new SmbShares.Access(a, deny, right)));
                }

                // No permission given: Everyone may read, as NetShareAdd's default.
                if (permissions.Count == 0) permissions.Add(new SmbShares.Access("Everyone", false, "Read"));
                var share = new SmbShares.Share(name, path, (await Texts("Description"))?.LastOrDefault() ?? string.Empty)
                {
                    Permissions = permissions,
                    Temporary = await Flag("Temporary") ?? false,
                    EncryptData = await Flag("EncryptData") ?? false,
                    ConcurrentUserLimit = uint.TryParse((await Texts("ConcurrentUserLimit"))?.LastOrDefault(), out var limit) ? limit : 0,
                    FolderEnumerationMode = await Choice("FolderEnumerationMode", ["AccessBased", "Unrestricted"]) ?? "Unrestricted",
                    CachingMode = await Choice("CachingMode", ["None", "Manual", "Programs", "Documents", "BranchCache"]) ?? "Manual",
                };
                if (!shares.TryAdd(share))
                {
                    await WriteErrorAsync(SmbSystemError(command, 2118, "The name has already been shared."), output);
                    return;
                }

                await Write(ShareObject(share));
                return;
            }

            case "Get-SmbShareAccess":
            {
                foreach (var share in await Named() ?? SortedShares())
                {
                    foreach (var access in share.Permissions) await Write(ShareAccessObject(share, access));
                }

                return;
            }
        }

        // The commands that change a share: one named (or piped in).
        var chosen = await Named() ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "Name"));
        foreach (var share in chosen)
        {
            switch (command)
            {
                case "Remove-SmbShare":
                    if (await Confirmed("Remove-Share", share)) shares.Remove(share.Name);
                    break;
                case "Set-SmbShare":
                {
                    var description = (await Texts("Description"))?.LastOrDefault();
                    var enumeration = await Choice("FolderEnumerationMode", ["AccessBased", "Unrestricted"]);
                    var caching = await Choice("CachingMode", ["None", "Manual", "Programs", "Documents", "BranchCache"]);
                    var encrypt = await Flag("EncryptData");
                    var limit = uint.TryParse((await Texts("ConcurrentUserLimit"))?.LastOrDefault(), out var users) ? users : (uint?)null;
                    if (!await Confirmed("Modify", share)) break;
                    var changed = shares.Update(share.Name, s => s with
                    {
                        Description = description ?? s.Description,
                        FolderEnumerationMode = enumeration ?? s.FolderEnumerationMode,
                        CachingMode = caching ?? s.CachingMode,
                        EncryptData = encrypt ?? s.EncryptData,
                        ConcurrentUserLimit = limit ?? s.ConcurrentUserLimit,
                    });
                    if (changed is not null && arguments.Has("PassThru")) await Write(ShareObject(changed));
                    break;
                }

                default:
                {
                    // Grant, Revoke, Block, Unblock: the account's entries of the share, then the share's permissions written.
                    if (await AccountNames("AccountName") is not { Count: > 0 } accounts)
                    {
                        if (arguments["AccountName"] is null) throw new StatementTerminatedException(FunctionMissingParameter(command, "AccountName"));
                        return;
                    }

                    var right = command == "Grant-SmbShareAccess"
                        ? await Choice("AccessRight", ["Full", "Change", "Read", "Custom"]) ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "AccessRight"))
                        : "Full";
                    if (!await Confirmed("Modify", share)) break;
                    var changed = shares.Update(share.Name, s => s with
                    {
                        Permissions = accounts.Aggregate(s.Permissions, (permissions, account) => SmbShares.WithAccess(permissions, account, right,
                            deny: command is "Block-SmbShareAccess" or "Unblock-SmbShareAccess", remove: command is "Revoke-SmbShareAccess" or "Unblock-SmbShareAccess")),
                    });
                    foreach (var access in changed?.Permissions ?? []) await Write(ShareAccessObject(changed!, access));
                    break;
                }
            }
        }
    }

    // A share piped in is its instance's text: MSFT_SmbShare (Name = "Data", ScopeName = "*").
    [GeneratedRegex("""^MSFT_SmbShare \(Name = "(?<name>[^"]*)", ScopeName = "[^"]*"\)$""", RegexOptions.CultureInvariant)]
    private static partial Regex ShareKeyText();

    private static string ShareNameOf(string given) => ShareKeyText().Match(given) is { Success: true } key ? key.Groups["name"].Value : given;

    /// <summary>The provider's failure, as the cmdletization reports a CimException with Windows' error code.</summary>
    private static ScriptedError SmbSystemError(string command, int code, string message) => new(
        message, $"Windows System Error {code},{command}", ErrorCategory.NotSpecified, "Microsoft.Management.Infrastructure.CimException")
    {
        Activity = command,
    };

    /// <summary>An MSFT_SmbShare as the module writes it (the types file's display values for its enums).</summary>
    private PsObject ShareObject(SmbShares.Share share)
    {
        var o = new PsObject(SmbTypeNames("MSFT_SmbShare")) { ToStringValue = $"MSFT_SmbShare (Name = \"{share.Name}\", ScopeName = \"*\")" };
        o.AdaptedProperties.AddRange(
        [
            new("ShareState", PsPrimitive.String("Online")),
            new("AvailabilityType", PsPrimitive.String("NonClustered")),
            new("ShareType", PsPrimitive.String(share.ShareType)),
            new("FolderEnumerationMode", PsPrimitive.String(share.FolderEnumerationMode)),
            new("CachingMode", PsPrimitive.String(share.ShareType == "FileSystemDirectory" ? share.CachingMode : "None")),
            new("SmbInstance", PsPrimitive.String("Default")),
            new("CATimeout", PsPrimitive.UInt32(0)),
            new("ConcurrentUserLimit", PsPrimitive.UInt32(share.ConcurrentUserLimit)),
            new("ContinuouslyAvailable", PsPrimitive.Boolean(false)),
            new("CurrentUsers", PsPrimitive.UInt32(0)),
            new("Description", PsPrimitive.String(share.Description)),
            new("EncryptData", PsPrimitive.Boolean(share.EncryptData)),
            new("Name", PsPrimitive.String(share.Name)),
            new("Path", PsPrimitive.String(share.Path)),
            new("Scoped", PsPrimitive.Boolean(false)),
            new("ScopeName", PsPrimitive.String("*")),
            new("SecurityDescriptor", PsPrimitive.String(ShareSddl(share))),
            new("ShadowCopy", PsPrimitive.Boolean(false)),
            new("Special", PsPrimitive.Boolean(share.Special)),
            new("Temporary", PsPrimitive.Boolean(share.Temporary)),
            new("Volume", share.Path.Length > 0 ? PsPrimitive.String(SystemVolume) : PsNil.Instance),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // The share's permissions as its security descriptor's SDDL (the administrative shares' owner SYSTEM, the others' Administrators).
    private string ShareSddl(SmbShares.Share share)
    {
        var owner = share.Special ? "SY" : "BA";
        var entries = share.Permissions.Select(p => new FileAccessEntry(FileAccessControl.SidOf(p.AccountName, Accounts) ?? p.AccountName, ShareRightsMask(p.Right), p.Deny, AceInheritance.None));
        return $"O:{owner}G:{owner}D:" + FileAccessControl.SddlEntries(entries);
    }

    private static PsObject ShareAccessObject(SmbShares.Share share, SmbShares.Access access)
    {
        var o = new PsObject(SmbTypeNames("MSFT_SmbShareAccessControlEntry"))
        {
            ToStringValue = $"MSFT_SmbShareAccessControlEntry (Name = \"{share.Name}\", ScopeName = \"*\", AccountName = \"{access.AccountName}\")",
        };
        o.AdaptedProperties.AddRange(
        [
            new("AccessControlType", PsPrimitive.String(access.Deny ? "Deny" : "Allow")),
            new("AccessRight", PsPrimitive.String(access.Right)),
            new("AccountName", PsPrimitive.String(access.AccountName)),
            new("Name", PsPrimitive.String(share.Name)),
            new("ScopeName", PsPrimitive.String("*")),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
