using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Acl and Set-Acl on the computer's disk (<see cref="FileAccessControl"/>), and the .NET objects scripts edit an ACL
/// with: a DirectorySecurity or FileSecurity as 5.1 writes it (its notes, Path, Owner, Group, Access, Sddl,
/// AccessToString, which the wire carries to depth 1: the rules as their text), its methods (AddAccessRule,
/// SetAccessRule, ResetAccessRule, RemoveAccessRule, RemoveAccessRuleAll, RemoveAccessRuleSpecific, PurgeAccessRules,
/// SetAccessRuleProtection, SetOwner, SetGroup, GetOwner, GetGroup, GetAccessRules, Get- and SetSecurityDescriptorSddlForm;
/// a deserialized ACL, from Import-Clixml or another session, is rebuilt from its Sddl as PowerShell rebuilds one),
/// FileSystemAccessRule (<c>New-Object</c> and <c>::new</c> with 3 or 5 arguments) and NTAccount (its Value and
/// Translate to a SecurityIdentifier). An account Windows cannot name fails where .NET translates it (adding the rule),
/// with IdentityNotMappedException. The edited object changes nothing until Set-Acl writes it: owner, group, protection
/// and its explicit rules (its inherited ones are the folders', as SetNamedSecurityInfo recomputes them). Audit rules
/// (SACLs), central access policies and registry keys' ACLs are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal const string FileSystemAccessRuleTypeName = "System.Security.AccessControl.FileSystemAccessRule";
    internal const string NTAccountTypeName = "System.Security.Principal.NTAccount";
    internal const string SecurityIdentifierTypeName = "System.Security.Principal.SecurityIdentifier";

    private static readonly string[] AccessRuleTypeNames =
        [FileSystemAccessRuleTypeName, "System.Security.AccessControl.AccessRule", "System.Security.AccessControl.AuthorizationRule", "System.Object"];

    private static readonly string[] RuleCollectionTypeNames =
        ["System.Security.AccessControl.AuthorizationRuleCollection", "System.Collections.ReadOnlyCollectionBase", "System.Object"];

    /// <summary>What an ACL object holds while a script edits it.</summary>
    private sealed class AclState
    {
        public required string Path;
        public required bool IsDirectory;
        public required string Owner;
        public required string Group;
        public bool Protected;
        public List<FileAccessEntry> Entries = [];
    }

    /// <summary>A rule as a script made it: the account as named (translated when it is added), and the entry.</summary>
    private sealed record RuleState(string Identity, FileAccessEntry Entry);

    private static readonly ConditionalWeakTable<PsObject, AclState> Acls = [];
    private static readonly ConditionalWeakTable<PsObject, RuleState> AccessRules = [];

    private LocalAccounts? Accounts => Host.LocalAccounts;

    // ---- objects ----

    /// <summary>An NTAccount: its text and Value the name (not looked up: .NET translates it when it is used).</summary>
    internal static PsObject NTAccountObject(string name)
    {
        var account = new PsObject([NTAccountTypeName, "System.Security.Principal.IdentityReference", "System.Object"]) { ToStringValue = name };
        account.AdaptedProperties.Add(new PsProperty("Value", PsPrimitive.String(name)));
        return account;
    }

    internal static PsObject SecurityIdentifierObject(string sid)
    {
        var identifier = new PsObject([SecurityIdentifierTypeName, "System.Security.Principal.IdentityReference", "System.Object"]) { ToStringValue = sid };
        var parts = sid.Split('-');
        identifier.AdaptedProperties.Add(new PsProperty("BinaryLength", PsPrimitive.Int32(8 + 4 * Math.Max(0, parts.Length - 3))));
        identifier.AdaptedProperties.Add(new PsProperty("AccountDomainSid", sid.StartsWith("S-1-5-21-", StringComparison.Ordinal) && parts.Length == 8
            ? SecurityIdentifierObjectWithoutDomain(string.Join('-', parts[..7])) : PsNil.Instance));
        identifier.AdaptedProperties.Add(new PsProperty("Value", PsPrimitive.String(sid)));
        return identifier;

        static PsObject SecurityIdentifierObjectWithoutDomain(string domain) =>
            new PsObject([SecurityIdentifierTypeName, "System.Security.Principal.IdentityReference", "System.Object"]) { ToStringValue = domain };
    }

    /// <summary>
    /// new SecurityIdentifier(sddlForm), (binaryForm, offset) or (WellKnownSidType, domainSid), by New-Object, ::new or a
    /// cast of a text: the SID, or .NET's ArgumentException as the constructor's MethodInvocationException.
    /// </summary>
    internal static PsObject NewSecurityIdentifier(IReadOnlyList<PsValue> arguments)
    {
        string? sid;
        string parameter;
        if (arguments is [var text] && text is not PsObject { CollectionKind: not PsCollectionKind.None })
        {
            parameter = "sddlForm";
            sid = SecurityIdentifiers.Parse(PipelineVariables.Display(text));
        }
        else if (arguments is [var first, var second] && first is not PsObject { CollectionKind: not PsCollectionKind.None })
        {
            // Not a byte[]: the first is a WellKnownSidType (its name converts to one).
            var type = WellKnownSidKindOf(first);
            var domain = ScriptExpressions.IsNull(second) ? null : SecurityIdentifiers.Parse(PipelineVariables.Display(second));
            if (SecurityIdentifiers.NeedsDomain(type) && domain is null)
            {
                throw CtorFailure(2, $"The domainSid parameter must be specified for creating well-known SID of type {type}.\r\nParameter name: domainSid", typeof(ArgumentNullException));
            }

            parameter = "sidType";
            sid = SecurityIdentifiers.WellKnown(type, domain);
        }
        else if (arguments is [var binary, var offset])
        {
            parameter = "binaryForm";
            sid = SecurityIdentifiers.FromBinary(ScriptExpressions.BytesOf(binary), ScriptExpressions.AsNumber(offset) is { } n ? (int)n : 0);
        }
        else
        {
            throw new ScriptExpressionException(ScriptedError.MethodCount("new", arguments.Count));
        }

        return sid is null ? throw CtorFailure(arguments.Count, $"Value was invalid.\r\nParameter name: {parameter}", typeof(ArgumentException)) : SecurityIdentifierObject(sid);

        static ScriptExpressionException CtorFailure(int count, string reason, Type exception) =>
            new(ScriptedError.MethodInvocation(".ctor", count, reason, exception));
    }

    // A [Security.Principal.WellKnownSidType] argument (the enum or its name); the enum's conversion error for another value.
    private static WellKnownSidKind WellKnownSidKindOf(PsValue value) =>
        Enum.Parse<WellKnownSidKind>(ScriptExpressions.EnumCast("System.Security.Principal.WellKnownSidType", value)!.ToDisplayString());

    // GetBinaryForm(byte[], offset) fills the script's array; IsAccountSid, IsWellKnown(type), Equals, CompareTo.
    private static PsValue? SecurityIdentifierMethod(string sid, string name, IReadOnlyList<PsValue> arguments)
    {
        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("GETBINARYFORM", 2):
            {
                var binary = SecurityIdentifiers.ToBinary(sid);
                var offset = ScriptExpressions.AsNumber(arguments[1]) is { } n ? (int)n : 0;
                if (arguments[0] is not PsObject { TypeNames: ["System.Byte[]", ..] } array)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 2, "Value cannot be null.\r\nParameter name: binaryForm", typeof(ArgumentNullException)));
                }

                if (offset < 0 || offset + binary.Length > array.Items.Count)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 2,
                        "Destination array is not long enough to copy all the required data. Check array length and offset.\r\nParameter name: binaryForm", typeof(ArgumentOutOfRangeException)));
                }

                for (var i = 0; i < binary.Length; i++) array.Items[offset + i] = PsPrimitive.Byte(binary[i]);
                return PsNil.Instance;
            }

            case ("ISACCOUNTSID", 0):
                // A SID of a machine's or a domain's accounts: S-1-5-21-x-y-z-rid.
                return PsPrimitive.Boolean(sid.StartsWith("S-1-5-21-", StringComparison.Ordinal) && sid.Split('-').Length >= 8);
            case ("ISWELLKNOWN", 1):
            {
                var type = WellKnownSidKindOf(arguments[0]);
                var parts = sid.Split('-');
                var domain = parts.Length == 8 ? string.Join('-', parts[..7]) : null;
                return PsPrimitive.Boolean(SecurityIdentifiers.WellKnown(type, domain) == sid);
            }

            case ("EQUALS", 1):
                return PsPrimitive.Boolean(arguments[0] is PsObject { TypeNames: [SecurityIdentifierTypeName, ..] } other && other.ToDisplayString() == sid);
            case ("COMPARETO", 1):
                return PsPrimitive.Int32(Math.Sign(string.CompareOrdinal(sid, arguments[0].ToDisplayString())));
            default:
                return null;
        }
    }

    private PsObject RuleObject(string identity, FileAccessEntry entry)
    {
        var (inheritance, inheritanceValue, propagation, propagationValue) = FileAccessControl.FlagTexts(entry.Inheritance);
        var rule = new PsObject(AccessRuleTypeNames) { ToStringValue = FileSystemAccessRuleTypeName };
        rule.AdaptedProperties.AddRange(
        [
            new("FileSystemRights", PsObjects.Enum("System.Security.AccessControl.FileSystemRights", FileAccessControl.RightsText(entry.Rights), entry.Rights)),
            new("AccessControlType", PsObjects.Enum("System.Security.AccessControl.AccessControlType", entry.Deny ? "Deny" : "Allow", entry.Deny ? 1 : 0)),
            new("IdentityReference", NTAccountObject(identity)),
            new("IsInherited", PsPrimitive.Boolean(entry.IsInherited)),
            new("InheritanceFlags", PsObjects.Enum("System.Security.AccessControl.InheritanceFlags", inheritance, inheritanceValue)),
            new("PropagationFlags", PsObjects.Enum("System.Security.AccessControl.PropagationFlags", propagation, propagationValue)),
        ]);
        AccessRules.AddOrUpdate(rule, new RuleState(identity, entry));
        return rule;
    }

    /// <summary>The DirectorySecurity or FileSecurity Get-Acl writes for an item.</summary>
    private PsObject AclObject(FileSecurityView view)
    {
        var provider = @"Microsoft.PowerShell.Core\FileSystem::";
        var typeName = view.IsDirectory ? "System.Security.AccessControl.DirectorySecurity" : "System.Security.AccessControl.FileSecurity";
        var acl = new PsObject([typeName, "System.Security.AccessControl.FileSystemSecurity", "System.Security.AccessControl.NativeObjectSecurity",
            "System.Security.AccessControl.CommonObjectSecurity", "System.Security.AccessControl.ObjectSecurity", "System.Object"]) { ToStringValue = typeName };
        acl.AdaptedProperties.AddRange(
        [
            new("AccessRightType", PsPrimitive.String("System.Security.AccessControl.FileSystemRights")),
            new("AccessRuleType", PsPrimitive.String(FileSystemAccessRuleTypeName)),
            new("AuditRuleType", PsPrimitive.String("System.Security.AccessControl.FileSystemAuditRule")),
            new("AreAccessRulesProtected", PsPrimitive.Boolean(view.Protected)),
            new("AreAuditRulesProtected", PsPrimitive.Boolean(false)),
            new("AreAccessRulesCanonical", PsPrimitive.Boolean(true)),
            new("AreAuditRulesCanonical", PsPrimitive.Boolean(true)),
        ]);
        var parent = VirtualFileSystem.ParentOf(view.Path);
        acl.With("PSPath", provider + view.Path)
            .With("PSParentPath", parent is null ? string.Empty : provider + parent)
            .With("PSChildName", parent is null ? view.Path : VirtualFileSystem.NameOf(view.Path))
            .With("PSDrive", FileSystemDriveObject())
            .With("PSProvider", FileSystemProviderObject((PsObject)acl["PSDrive"]!))
            .With("CentralAccessPolicyId", PsNil.Instance)
            .With("CentralAccessPolicyName", PsNil.Instance)
            .With("Path", provider + view.Path);
        var state = new AclState { Path = view.Path, IsDirectory = view.IsDirectory, Owner = view.OwnerSid, Group = view.GroupSid, Protected = view.Protected, Entries = [.. view.Entries] };
        Acls.AddOrUpdate(acl, state);
        return Refreshed(acl, state);
    }

    // The ACL object's properties as its state is now (Owner, Group, Access, Sddl, AccessToString, AreAccessRulesProtected).
    private PsObject Refreshed(PsObject acl, AclState state)
    {
        var accounts = Accounts;
        var rules = state.Entries.Select(e => RuleObject(FileAccessControl.NameOf(e.Sid, accounts), e)).ToList();
        var access = PsObjects.List(rules, RuleCollectionTypeNames);
        access.CollectionKind = PsCollectionKind.Enumerable;
        var index = acl.AdaptedProperties.FindIndex(p => p.Name == "AreAccessRulesProtected");
        if (index >= 0) acl.AdaptedProperties[index] = new PsProperty("AreAccessRulesProtected", PsPrimitive.Boolean(state.Protected));
        return acl.With("Owner", FileAccessControl.NameOf(state.Owner, accounts))
            .With("Group", FileAccessControl.NameOf(state.Group, accounts))
            .With("Access", access)
            .With("Sddl", FileAccessControl.Sddl(View(state)))
            .With("AccessToString", string.Join('\n', state.Entries.Select(e =>
                $"{FileAccessControl.NameOf(e.Sid, accounts)} {(e.Deny ? "Deny" : "Allow")}  {FileAccessControl.RightsText(e.Rights)}")))
            .With("AuditToString", string.Empty);
    }

    private static FileSecurityView View(AclState state) => new(state.Path, state.IsDirectory, state.Owner, state.Group, state.Protected, state.Entries);

    // The C: drive and the FileSystem provider as an ACL's PSDrive and PSProvider notes (their properties to depth 0: texts).
    private PsObject FileSystemDriveObject()
    {
        var location = CurrentDirectory;
        var space = Host.FileSystem is { } disk ? ((ulong)Math.Max(0, disk.Size - disk.FreeBytes), (ulong)disk.FreeBytes) : ((ulong, ulong)?)null;
        return DriveInfoObject("C", @"Microsoft.PowerShell.Core\FileSystem", @"C:\", string.Empty, location.Length > 3 ? location[3..] : string.Empty, space);
    }

    // The provider's Drives hold the item's own PSDrive (remoting writes a <Ref> to it, as a 5.1 export shows).
    private PsObject FileSystemProviderObject(PsObject drive) => ProviderInfoObject(@"Microsoft.PowerShell.Core\FileSystem", "Microsoft.PowerShell.Commands.FileSystemProvider",
        "System.Management.Automation.dll-Help.xml", "FileSystem", PsPrimitive.String("Microsoft.PowerShell.Core"), "Microsoft.PowerShell.Core", PsNil.Instance,
        "Filter, ShouldProcess, Credentials", host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\Default", drive);

    /// <summary>A PSDriveInfo as an item's PSDrive note: its properties, and Used and Free for a drive that has them (a 5.1 export shows them so).</summary>
    private static PsObject DriveInfoObject(string name, string provider, string root, string description, string currentLocation, (ulong Used, ulong Free)? space)
    {
        var drive = new PsObject(["System.Management.Automation.PSDriveInfo", "System.Object"]) { ToStringValue = name };
        var credential = new PsObject(["System.Management.Automation.PSCredential", "System.Object"]) { ToStringValue = "System.Management.Automation.PSCredential" };
        credential.AdaptedProperties.AddRange([new("UserName", PsNil.Instance), new("Password", PsNil.Instance)]);
        drive.AdaptedProperties.AddRange(
        [
            new("CurrentLocation", PsPrimitive.String(currentLocation)), new("Name", PsPrimitive.String(name)), new("Provider", PsPrimitive.String(provider)),
            new("Root", PsPrimitive.String(root)), new("Description", PsPrimitive.String(description)), new("MaximumSize", PsNil.Instance),
            new("Credential", credential), new("DisplayRoot", PsNil.Instance),
        ]);
        if (space is var (used, free)) drive.With("Used", PsPrimitive.UInt64(used)).With("Free", PsPrimitive.UInt64(free));
        return drive;
    }

    private static readonly string[] ProviderDrivesTypeNames =
        ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSDriveInfo, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];

    /// <summary>A ProviderInfo as an item's PSProvider note (its drives: the item's own), or as Get-PSProvider writes it.</summary>
    private static PsObject ProviderInfoObject(string provider, string implementingType, string helpFile, string name, PsValue snapIn, string moduleName, PsValue module, string capabilities, string home, params PsValue[] drives)
    {
        var info = new PsObject(["System.Management.Automation.ProviderInfo", "System.Object"]) { ToStringValue = provider };
        info.AdaptedProperties.AddRange(
        [
            new("ImplementingType", PsPrimitive.String(implementingType)), new("HelpFile", PsPrimitive.String(helpFile)), new("Name", PsPrimitive.String(name)),
            new("PSSnapIn", snapIn), new("ModuleName", PsPrimitive.String(moduleName)), new("Module", module), new("Description", PsPrimitive.String(string.Empty)),
            new("Capabilities", PsPrimitive.String(capabilities)), new("Home", PsPrimitive.String(home)),
            new("Drives", PsObjects.List(drives, ProviderDrivesTypeNames)),
        ]);
        return info;
    }

    // ---- Get-Acl, Set-Acl ----

    /// <summary>Get-Acl: each item's ACL object; a path naming nothing is GetAcl_PathNotFound_Exception (5.1's id), the others still read.</summary>
    private async ValueTask GetAclAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Get-Acl";
        var (words, literal) = piped.Count > 0 ? (PipedPaths(piped), true) : await PathWordsAsync(command, arguments, to, blockNesting, fallback: ".");
        foreach (var path in await AclPathsAsync(disk, command, words, literal, output))
        {
            if (FileAccessControl.View(disk, path, Accounts) is { } view)
            {
                var acl = AclObject(view);
                if (arguments.Has("Audit")) acl.With("Audit", PsObjects.List([], RuleCollectionTypeNames));
                await output.WriteAsync(new PipelineOutput(acl), cancellationToken);
            }
        }
    }

    // Paths piped in: an item's full name, else the value's text.
    private static List<string> PipedPaths(IReadOnlyList<PsValue> piped) =>
        [.. piped.Select(i => i is PsObject o && o["FullName"] is { } full ? PipelineVariables.Display(full) : PipelineVariables.Display(i))];

    // The items the words name; a word naming none is the security cmdlets' PathNotFound (no target, as theirs).
    private async ValueTask<List<string>> AclPathsAsync(VirtualFileSystem disk, string command, List<string> words, bool literal, IPipelineHost output)
    {
        foreach (var word in words)
        {
            if (word.StartsWith("HK", StringComparison.OrdinalIgnoreCase) && word.Contains(':', StringComparison.Ordinal) ||
                word.StartsWith("Registry::", StringComparison.OrdinalIgnoreCase) || word.StartsWith("Microsoft.PowerShell.Core\\Registry::", StringComparison.OrdinalIgnoreCase))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of a registry key ('{word}') is not emulated: give the command a rule"));
            }
        }

        var id = command == "Get-Acl" ? "GetAcl_PathNotFound_Exception" : "SetAcl_PathNotFound_Exception";
        return await ExistingPathsAsync(disk, command, words, literal, output, notFound: shown => new ScriptedError($"Cannot find path '{shown}' because it does not exist.",
            $"{id},{CmdletClass(command)}", ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException") { Activity = command });
    }

    /// <summary>
    /// Set-Acl: the ACL object's owner, group, protection and explicit rules written to each item (-Passthru writes the
    /// item's ACL as it is then). An object Get-Acl did not make (or $null) is the binder's error.
    /// </summary>
    private async ValueTask SetAclAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Set-Acl";
        PsValue? aclValue = arguments["AclObject"] is { } aclWord ? await ArgumentAsync(aclWord, to, blockNesting) : null;
        // $acl | Set-Acl -Path x: the ACL is the input; items piped with -AclObject are the paths.
        var pipedPaths = new List<PsValue>();
        foreach (var item in piped)
        {
            if (aclValue is null && item is PsObject o && Acls.TryGetValue(o, out _)) aclValue = item;
            else pipedPaths.Add(item);
        }

        if (aclValue is null || ScriptExpressions.IsNull(aclValue))
        {
            throw new StatementTerminatedException(new ScriptedError(
                arguments["AclObject"] is null ? "Cannot process command because of one or more missing mandatory parameters: AclObject." : "Cannot bind argument to parameter 'AclObject' because it is null.",
                arguments["AclObject"] is null ? $"MissingMandatoryParameter,{CmdletClass(command)}" : $"ParameterArgumentValidationErrorNullNotAllowed,{CmdletClass(command)}",
                arguments["AclObject"] is null ? ErrorCategory.InvalidArgument : ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException"));
        }

        if (aclValue is not PsObject aclObject || AclStateOf(aclObject) is not { } state)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of an object Get-Acl did not make ({PipelineVariables.Display(aclValue)}) is not emulated: give the command a rule"));
        }

        var (words, literal) = pipedPaths.Count > 0 ? (PipedPaths(pipedPaths), true) : await PathWordsAsync(command, arguments, to, blockNesting);
        foreach (var path in await AclPathsAsync(disk, command, words, literal, output))
        {
            if (await WhatIfAsync(arguments, "Set-Acl", path)) continue;
            var descriptor = new FileSecurityDescriptor(state.Owner, state.Group, state.Protected, [.. state.Entries.Where(e => !e.IsInherited)]);
            if (disk.SetSecurity(path, descriptor) != FileSystemFailure.None)
            {
                await WriteErrorAsync(new ScriptedError("Attempted to perform an unauthorized operation.", $"System.UnauthorizedAccessException,{CmdletClass(command)}",
                    ErrorCategory.PermissionDenied, "System.UnauthorizedAccessException", path) { Activity = command }, output);
                continue;
            }

            if (arguments.Has("Passthru") && FileAccessControl.View(disk, path, Accounts) is { } view) await output.WriteAsync(new PipelineOutput(AclObject(view)), cancellationToken);
        }
    }

    // ---- methods ----

    /// <summary>A FileSystemAccessRule from a constructor's arguments (identity, rights[, inheritance, propagation], type); null for another count.</summary>
    private PsObject? NewAccessRule(IReadOnlyList<PsValue> arguments, string method = "new")
    {
        if (arguments.Count is not (3 or 5)) return null;
        var identity = IdentityName(arguments[0]);
        var rights = RightsArgument(arguments[1], method, arguments.Count);
        var inheritance = arguments.Count == 5 ? FlagsArgument(arguments[2], "inheritanceFlags", method, "System.Security.AccessControl.InheritanceFlags", ["None", "ContainerInherit", "ObjectInherit"]) : 0;
        var propagation = arguments.Count == 5 ? FlagsArgument(arguments[3], "propagationFlags", method, "System.Security.AccessControl.PropagationFlags", ["None", "NoPropagateInherit", "InheritOnly"]) : 0;
        var type = PipelineVariables.Display(arguments[^1]).Trim();
        var deny = type.Equals("Deny", StringComparison.OrdinalIgnoreCase) || type == "1";
        if (!deny && !type.Equals("Allow", StringComparison.OrdinalIgnoreCase) && type != "0")
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments.Count, $"Cannot convert argument \"type\", with value: \"{type}\", for \"{method}\" to type \"System.Security.AccessControl.AccessControlType\"", typeof(ArgumentException)));
        }

        // .NET refuses inheritance flags without container inherit or object inherit's meaning only on propagation.
        if (inheritance == 0 && propagation != 0)
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments.Count, "No flags can be set.\r\nParameter name: propagationFlags", typeof(ArgumentException)));
        }

        if (rights == 0)
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments.Count, "The value of 'accessMask' must not be zero.\r\nParameter name: accessMask", typeof(ArgumentException)));
        }

        // An allow rule carries Synchronize, as FileSystemAccessRule's constructor adds it (a deny does not).
        if (!deny) rights |= FileAccessControl.Synchronize;
        return RuleObject(identity, new FileAccessEntry(FileAccessControl.SidOf(identity, Accounts) ?? string.Empty, rights, deny, FileAccessControl.FromFlags(inheritance, propagation)));
    }

    private static string IdentityName(PsValue value) =>
        value is PsObject { TypeNames: [NTAccountTypeName or SecurityIdentifierTypeName, ..] } account ? account.ToDisplayString() : PipelineVariables.Display(value);

    private static int RightsArgument(PsValue value, string method, int count)
    {
        if (value is PsObject { BaseValue: { Value: int number } }) return number;
        var text = PipelineVariables.Display(value);
        return FileAccessControl.ParseRights(text) ?? throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, count,
            $"Cannot convert argument \"fileSystemRights\", with value: \"{text}\", for \"{method}\" to type \"System.Security.AccessControl.FileSystemRights\"", typeof(ArgumentException)));
    }

    private static int FlagsArgument(PsValue value, string parameter, string method, string typeName, string[] names)
    {
        if (value is PsObject { BaseValue: { Value: int number } }) return number;
        var text = PipelineVariables.Display(value);
        if (int.TryParse(text, out var parsed)) return parsed;
        var flags = 0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var at = Array.FindIndex(names, n => n.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
            {
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, 5,
                    $"Cannot convert argument \"{parameter}\", with value: \"{text}\", for \"{method}\" to type \"{typeName}\"", typeof(ArgumentException)));
            }

            flags |= at == 0 ? 0 : 1 << (at - 1);
        }

        return flags;
    }

    /// <summary>A method of an ACL object, a rule's account (NTAccount.Translate) or a SecurityIdentifier's; null for another object or method.</summary>
    private PsValue? AccessControlMethod(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        if (target.TypeNames is [NTAccountTypeName, ..] && name.Equals("Translate", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
        {
            var wanted = arguments[0].ToDisplayString();
            var account = target.ToDisplayString();
            var sid = FileAccessControl.SidOf(account, Accounts) ?? throw IdentityNotMapped("Translate", 1);
            return wanted.EndsWith("SecurityIdentifier", StringComparison.OrdinalIgnoreCase) ? SecurityIdentifierObject(sid) : NTAccountObject(FileAccessControl.NameOf(sid, Accounts));
        }

        if (target.TypeNames is [SecurityIdentifierTypeName, ..] && name.Equals("Translate", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
        {
            var sid = target.ToDisplayString();
            var account = FileAccessControl.NameOf(sid, Accounts);
            if (account == sid) throw IdentityNotMapped("Translate", 1);
            return arguments[0].ToDisplayString().EndsWith("NTAccount", StringComparison.OrdinalIgnoreCase) ? NTAccountObject(account) : SecurityIdentifierObject(sid);
        }

        if (target.TypeNames is [SecurityIdentifierTypeName, ..] && SecurityIdentifierMethod(target.ToDisplayString(), name, arguments) is { } fromSid) return fromSid;
        if (AclStateOf(target) is not { } state) return null;
        var upper = name.ToUpperInvariant();
        switch (upper, arguments.Count)
        {
            case ("ADDACCESSRULE" or "SETACCESSRULE" or "RESETACCESSRULE" or "REMOVEACCESSRULE" or "REMOVEACCESSRULEALL" or "REMOVEACCESSRULESPECIFIC", 1):
            {
                if (arguments[0] is not PsObject ruleObject || !AccessRules.TryGetValue(ruleObject, out var rule))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 1, "Cannot convert argument \"rule\" to type \"System.Security.AccessControl.FileSystemAccessRule\"", typeof(ArgumentException)));
                }

                var sid = FileAccessControl.SidOf(rule.Identity, Accounts) ?? throw IdentityNotMapped(name, 1);
                var entry = rule.Entry with { Sid = sid, IsInherited = false };
                var result = EditRules(state, upper, entry);
                Refreshed(target, state);
                return upper == "REMOVEACCESSRULE" ? PsPrimitive.Boolean(result) : PsNil.Instance;
            }

            case ("PURGEACCESSRULES", 1):
            {
                var sid = FileAccessControl.SidOf(IdentityName(arguments[0]), Accounts) ?? throw IdentityNotMapped(name, 1);
                state.Entries.RemoveAll(e => !e.IsInherited && e.Sid == sid);
                Refreshed(target, state);
                return PsNil.Instance;
            }

            case ("SETACCESSRULEPROTECTION", 2):
            {
                var isProtected = ScriptExpressions.IsTrue(arguments[0]);
                var preserve = ScriptExpressions.IsTrue(arguments[1]);
                if (isProtected && !state.Protected)
                {
                    // The inherited rules become the item's own (kept) or go.
                    state.Entries = FileAccessControl.Canonical(preserve ? MergedAsExplicit(state.Entries) : state.Entries.Where(e => !e.IsInherited));
                }

                state.Protected = isProtected;
                Refreshed(target, state);
                return PsNil.Instance;
            }

            case ("SETOWNER" or "SETGROUP", 1):
            {
                var sid = FileAccessControl.SidOf(IdentityName(arguments[0]), Accounts) ?? throw IdentityNotMapped(name, 1);
                if (upper == "SETOWNER") state.Owner = sid;
                else state.Group = sid;
                Refreshed(target, state);
                return PsNil.Instance;
            }

            case ("GETOWNER" or "GETGROUP", 1):
            {
                var sid = upper == "GETOWNER" ? state.Owner : state.Group;
                return arguments[0].ToDisplayString().EndsWith("SecurityIdentifier", StringComparison.OrdinalIgnoreCase)
                    ? SecurityIdentifierObject(sid) : NTAccountObject(FileAccessControl.NameOf(sid, Accounts));
            }

            case ("GETACCESSRULES", 3):
            {
                var includeExplicit = ScriptExpressions.IsTrue(arguments[0]);
                var includeInherited = ScriptExpressions.IsTrue(arguments[1]);
                var bySid = arguments[2].ToDisplayString().EndsWith("SecurityIdentifier", StringComparison.OrdinalIgnoreCase);
                var rules = state.Entries.Where(e => e.IsInherited ? includeInherited : includeExplicit)
                    .Select(e => RuleObject(bySid ? e.Sid : FileAccessControl.NameOf(e.Sid, Accounts), e))
                    .Select(r => bySid ? WithIdentifier(r) : r).ToList();
                var collection = PsObjects.List(rules, RuleCollectionTypeNames);
                collection.CollectionKind = PsCollectionKind.Enumerable;
                return collection;
            }

            case ("GETSECURITYDESCRIPTORSDDLFORM", 1):
                return PsPrimitive.String(FileAccessControl.Sddl(View(state)));
            case ("SETSECURITYDESCRIPTORSDDLFORM", 1 or 2):
            {
                // The sections the SDDL has replace the object's (owner, group, DACL and its protection).
                var parsed = FileAccessControl.ParseSddl(arguments[0].ToDisplayString(), out _) ?? throw new ScriptExpressionException(ScriptedError.MethodInvocation(
                    name, arguments.Count, "The SDDL form of a security descriptor object is invalid.\r\nParameter name: sddlForm", typeof(ArgumentException)));
                if (parsed.OwnerSid is { } owner) state.Owner = owner;
                if (parsed.GroupSid is { } group) state.Group = group;
                state.Protected = parsed.Protected;
                state.Entries = FileAccessControl.Canonical(parsed.Entries);
                Refreshed(target, state);
                return PsNil.Instance;
            }

            case ("ACCESSRULEFACTORY", 6):
            {
                // (identity, accessMask, isInherited, inheritanceFlags, propagationFlags, type)
                var rule = NewAccessRule([arguments[0], arguments[1], arguments[3], arguments[4], arguments[5]], name)!;
                return rule;
            }

            default:
                return null;
        }

        static PsObject WithIdentifier(PsObject rule)
        {
            var at = rule.AdaptedProperties.FindIndex(p => p.Name == "IdentityReference");
            rule.AdaptedProperties[at] = new PsProperty("IdentityReference", SecurityIdentifierObject(rule.AdaptedProperties[at].Value.ToDisplayString()));
            return rule;
        }
    }

    /// <summary>
    /// The editable state of an ACL object: Get-Acl's, or a deserialized one (Import-Clixml, a client's argument, another
    /// session's output) rebuilt from its Sddl as PowerShell's DeserializingTypeConverter rebuilds a FileSystemSecurity
    /// (the deserializer leaves it its own type names); null for another object.
    /// </summary>
    private static AclState? AclStateOf(PsObject acl)
    {
        if (Acls.TryGetValue(acl, out var state)) return state;
        if (acl.TypeNames is not [var first, ..] ||
            !(first.StartsWith("Deserialized.System.Security.AccessControl.", StringComparison.Ordinal) || first.StartsWith("System.Security.AccessControl.", StringComparison.Ordinal)) ||
            acl["Sddl"].AsString() is not { } sddl || FileAccessControl.ParseSddl(sddl, out _) is not { } parsed)
        {
            return null;
        }

        var path = acl["Path"].AsString() is { } provider && provider.IndexOf("::", StringComparison.Ordinal) is var colons and >= 0 ? provider[(colons + 2)..] : string.Empty;
        state = new AclState
        {
            Path = path,
            IsDirectory = first.EndsWith("DirectorySecurity", StringComparison.Ordinal),
            Owner = parsed.OwnerSid ?? FileAccessControl.AdministratorsSid,
            Group = parsed.GroupSid ?? FileAccessControl.SystemSid,
            Protected = parsed.Protected,
            Entries = FileAccessControl.Canonical(parsed.Entries),
        };
        Acls.AddOrUpdate(acl, state);
        return state;
    }

    // .NET's translation failure of an account Windows cannot name, as the method call reports it.
    private static ScriptExpressionException IdentityNotMapped(string method, int count) => new(ScriptedError.MethodInvocation(
        method, count, "Some or all identity references could not be translated.", typeof(System.Security.Principal.IdentityNotMappedException)));

    // Inherited rules made explicit when protection keeps them (.NET's RemoveInheritedAces after copying them).
    private static IEnumerable<FileAccessEntry> MergedAsExplicit(IEnumerable<FileAccessEntry> entries) => entries.Select(e => e with { IsInherited = false });

    /// <summary>An edit of the ACL's explicit rules as CommonAcl makes it; RemoveAccessRule's result.</summary>
    private static bool EditRules(AclState state, string method, FileAccessEntry rule)
    {
        var entries = state.Entries;
        bool Same(FileAccessEntry e) => !e.IsInherited && e.Sid == rule.Sid && e.Deny == rule.Deny;
        switch (method)
        {
            case "ADDACCESSRULE":
            {
                // The same account, type and inheritance: one entry with both rights.
                var at = entries.FindIndex(e => Same(e) && e.Inheritance == rule.Inheritance);
                if (at >= 0) entries[at] = entries[at] with { Rights = entries[at].Rights | rule.Rights };
                else entries.Add(rule);
                break;
            }

            case "SETACCESSRULE":
                entries.RemoveAll(Same);
                entries.Add(rule);
                break;
            case "RESETACCESSRULE":
                entries.RemoveAll(e => !e.IsInherited && e.Sid == rule.Sid);
                entries.Add(rule);
                break;
            case "REMOVEACCESSRULE":
            {
                var removed = false;
                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    if (!Same(entries[i]) || entries[i].Inheritance != rule.Inheritance) continue;
                    var left = entries[i].Rights & ~(rule.Rights & ~(rule.Deny ? 0 : FileAccessControl.Synchronize));
                    // Synchronize goes with the last of the rights it came with.
                    if ((left & ~FileAccessControl.Synchronize) == 0) entries.RemoveAt(i);
                    else entries[i] = entries[i] with { Rights = left };
                    removed = true;
                }

                state.Entries = FileAccessControl.Canonical(entries);
                return removed;
            }

            case "REMOVEACCESSRULEALL":
                entries.RemoveAll(Same);
                break;
            case "REMOVEACCESSRULESPECIFIC":
                entries.RemoveAll(e => Same(e) && e.Inheritance == rule.Inheritance && e.Rights == rule.Rights);
                break;
        }

        state.Entries = FileAccessControl.Canonical(entries);
        return true;
    }
}
