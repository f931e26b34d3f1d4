using System.Globalization;
using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>[ADSI]"WinNT://COMPUTER[/name[,user|group]]"</c>, the WinNT provider of ADSI that scripts of every Windows era use
/// for local accounts, over the computer's users and groups (<see cref="LocalAccounts"/>, what net user and the
/// LocalAccounts cmdlets see): the computer's <c>Children</c> (its users, then its groups; Windows lists its services
/// too: not emulated), <c>Create("User"|"Group", name)</c> then <c>SetPassword</c>, <c>Put</c> or property assignment and
/// <c>SetInfo()</c>, <c>Delete("User"|"Group", name)</c>; a user's WinNT schema properties (UserFlags' ADS_UF_* bits,
/// PasswordAge, the account policy's fields, objectSid's bytes...) and IADsUser's AccountDisabled; a group's
/// <c>Add(path)</c>, <c>Remove(path)</c>, <c>IsMember(path)</c>, <c>Members()</c> and a user's <c>Groups()</c>, which give
/// the native objects (System.__ComObject) that scripts read through <c>GetType().InvokeMember</c> or cast with [ADSI].
/// A directory property is a PropertyValueCollection of its one value (<c>{name}</c> in a table, <c>$u.Name[0]</c> the
/// value), SchemaClassName and Path plain text; <c>[ADSI]::Exists(path)</c>. Other computers and domains are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    internal const string DirectoryEntryTypeName = "System.DirectoryServices.DirectoryEntry";
    private static readonly string[] DirectoryEntryTypeNames = [DirectoryEntryTypeName, "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"];
    private static readonly string[] PropertyValueCollectionTypeNames = ["System.DirectoryServices.PropertyValueCollection", "System.Collections.CollectionBase", "System.Object"];

    private enum AdsiKind
    {
        Computer,
        User,
        Group,
    }

    /// <summary>What an entry stands for: its kind and account name, and whether SetInfo has yet to create it.</summary>
    private sealed class AdsiState(AdsiKind kind, string name, bool pending)
    {
        public AdsiKind Kind => kind;
        public string Name => name;
        public bool Pending { get; set; } = pending;
        public string? Password { get; set; }

        /// <summary>AccountDisabled as the entry was read: SetInfo applies the property only when a script changed it.</summary>
        public bool Disabled { get; init; }
    }

    private static readonly ConditionalWeakTable<PsObject, AdsiState> AdsiEntries = [];

    private LocalAccounts AdsiAccounts() =>
        Host.LocalAccounts ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault("[ADSI] needs a computer's session"));

    private string ComputerNameUpper => (Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty).ToUpperInvariant();

    /// <summary>[ADSI]"WinNT://...": the entry the path names.</summary>
    private PsObject AdsiEntry(string path)
    {
        const string Scheme = "WinNT://";
        if (!path.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[ADSI]\"{path}\": only the WinNT provider of this computer is emulated (LDAP and the others are not): give the command a rule"));
        }

        var rest = path[Scheme.Length..].TrimEnd('/');
        string? className = null;
        var comma = rest.LastIndexOf(',');
        if (comma >= 0)
        {
            className = rest[(comma + 1)..].Trim();
            rest = rest[..comma];
        }

        var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // WORKGROUP/SERVER01/name, as the entries' own paths are written: the workgroup goes.
        if (parts.Length == 3 && parts[0].Equals("WORKGROUP", StringComparison.OrdinalIgnoreCase)) parts = parts[1..];
        if (parts.Length is 0 or > 2 || !IsThisComputer(parts[0]))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[ADSI]\"{path}\": another computer or a domain is not emulated: give the command a rule"));
        }

        var accounts = AdsiAccounts();
        if (parts.Length == 1) return ComputerEntry();
        var name = parts[1];
        var wantsGroup = className?.Equals("group", StringComparison.OrdinalIgnoreCase) == true;
        var wantsUser = className?.Equals("user", StringComparison.OrdinalIgnoreCase) == true;
        if (!wantsGroup && accounts.FindUser(name) is { } user) return UserEntry(accounts, user);
        if (!wantsUser && accounts.FindGroup(name) is { } group) return GroupEntry(accounts, group);
        // The object is looked up when the entry is first used: its members then fail with the provider's error.
        throw new ScriptExpressionException(new ScriptedError(
            "The following exception occurred while retrieving member \"Name\": \"" + (wantsGroup ? "The group name could not be found." : "The user name could not be found.") + "\r\n\"",
            "CatchFromBaseGetMember", Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.ExtendedTypeSystemException"));
    }

    /// <summary>[ADSI]::Exists(path): whether the path names this computer or one of its accounts (the idiom for "is there a local user x").</summary>
    private bool AdsiExists(string path)
    {
        try
        {
            AdsiEntry(path);
            return true;
        }
        catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "CatchFromBaseGetMember")
        {
            return false;
        }
    }

    // IADsMembers as PowerShell enumerates it: the COM objects in a collection that unrolls in a pipeline.
    private static readonly string[] ComCollectionTypeNames = ["System.Object[]", "System.Array", "System.Object"];

    private static PsObject Collection(PsValue value) => PsObjects.List([value], PropertyValueCollectionTypeNames);

    private PsObject NewEntry(AdsiState state, string path, string schemaClass)
    {
        var o = new PsObject(DirectoryEntryTypeNames) { ToStringValue = DirectoryEntryTypeName };
        o.AdaptedProperties.Add(new PsProperty("Name", Collection(PsPrimitive.String(state.Kind == AdsiKind.Computer ? ComputerNameUpper : state.Name))));
        o.AdaptedProperties.Add(new PsProperty("Path", PsPrimitive.String(path)));
        o.AdaptedProperties.Add(new PsProperty("SchemaClassName", PsPrimitive.String(schemaClass)));
        AdsiEntries.AddOrUpdate(o, state);
        return o;
    }

    private PsObject ComputerEntry()
    {
        var o = NewEntry(new AdsiState(AdsiKind.Computer, ComputerNameUpper, pending: false), "WinNT://" + ComputerNameUpper, "Computer");
        var accounts = AdsiAccounts();
        var children = accounts.Users().Select(u => (PsValue)UserEntry(accounts, u)).Concat(accounts.Groups().Select(g => (PsValue)GroupEntry(accounts, g)));
        o.AdaptedProperties.Add(new PsProperty("Children", PsObjects.List([.. children], ["System.DirectoryServices.DirectoryEntries", "System.Object"])));
        return o;
    }

    /// <summary>
    /// A user: the WinNT schema's properties in the order Windows lists them (the account policy's fields the computer's
    /// <see cref="SecurityPolicy"/>), objectSid the SID's binary form. AccountDisabled and IsAccountLocked are IADsUser's, which PowerShell
    /// reads through InvokeGet: plain values, not collections.
    /// </summary>
    private PsObject UserEntry(LocalAccounts accounts, LocalAccounts.User user)
    {
        var o = NewEntry(new AdsiState(AdsiKind.User, user.Name, pending: false) { Disabled = !user.Enabled }, $"WinNT://WORKGROUP/{ComputerNameUpper}/{user.Name}", "User");
        var name = o.AdaptedProperties[0];
        o.AdaptedProperties.RemoveAt(0);
        var age = user.PasswordLastSet is { } set ? Math.Max(0, (int)(time.GetUtcNow() - set).TotalSeconds) : 0;
        Add("UserFlags", PsPrimitive.Int32(UserFlags(user)));
        Add("MaxStorage", PsPrimitive.Int32(-1));
        Add("PasswordAge", PsPrimitive.Int32(age));
        Add("PasswordExpired", PsPrimitive.Int32(0));
        Add("LoginHours", ScriptExpressions.ByteArray(AllHours));
        Add("FullName", PsPrimitive.String(user.FullName));
        Add("Description", PsPrimitive.String(user.Description));
        Add("BadPasswordAttempts", PsPrimitive.Int32(0));
        if (user.LastLogon is { } last) Add("LastLogin", PsPrimitive.DateTime(last));
        Add("HomeDirectory", PsPrimitive.String(string.Empty));
        Add("LoginScript", PsPrimitive.String(string.Empty));
        Add("Profile", PsPrimitive.String(string.Empty));
        Add("HomeDirDrive", PsPrimitive.String(string.Empty));
        Add("Parameters", PsPrimitive.String(string.Empty));
        Add("PrimaryGroupID", PsPrimitive.Int32(513));
        o.AdaptedProperties.Add(name);
        // The account policy's fields (seconds), as secedit and net accounts set them.
        var policy = accounts.Policy;
        Add("MinPasswordLength", PsPrimitive.Int32(policy.Access("MinimumPasswordLength")));
        Add("MaxPasswordAge", PsPrimitive.Int32(policy.MaximumPasswordAge is { } maximum ? (int)maximum.TotalSeconds : -1));
        Add("MinPasswordAge", PsPrimitive.Int32((int)policy.MinimumPasswordAge.TotalSeconds));
        Add("PasswordHistoryLength", PsPrimitive.Int32(policy.Access("PasswordHistorySize")));
        Add("AutoUnlockInterval", PsPrimitive.Int32(policy.Access("LockoutDuration") * 60));
        Add("LockoutObservationInterval", PsPrimitive.Int32(policy.Access("ResetLockoutCount") * 60));
        Add("MaxBadPasswordsAllowed", PsPrimitive.Int32(policy.Access("LockoutBadCount")));
        Add("objectSid", ScriptExpressions.ByteArray(SecurityIdentifiers.ToBinary(accounts.UserSid(user))));
        o.AdaptedProperties.Add(new PsProperty("AccountDisabled", PsPrimitive.Boolean(!user.Enabled)));
        o.AdaptedProperties.Add(new PsProperty("IsAccountLocked", PsPrimitive.Boolean(false)));
        return o;

        void Add(string property, PsValue value) => o.AdaptedProperties.Add(new PsProperty(property, Collection(value)));
    }

    // LoginHours: 21 bytes, one bit per hour of the week, every hour allowed.
    private static readonly byte[] AllHours = [.. Enumerable.Repeat((byte)0xFF, 21)];

    private PsObject GroupEntry(LocalAccounts accounts, LocalAccounts.Group group)
    {
        var o = NewEntry(new AdsiState(AdsiKind.Group, group.Name, pending: false), $"WinNT://WORKGROUP/{ComputerNameUpper}/{group.Name}", "Group");
        o.AdaptedProperties.Add(new PsProperty("Description", Collection(PsPrimitive.String(group.Description))));
        o.AdaptedProperties.Add(new PsProperty("groupType", Collection(PsPrimitive.Int32(4))));
        o.AdaptedProperties.Add(new PsProperty("objectSid", Collection(ScriptExpressions.ByteArray(SecurityIdentifiers.ToBinary(group.Sid)))));
        return o;
    }

    // ADS_UF flags: SCRIPT (0x1) and NORMAL_ACCOUNT (0x200) always, as SAM reports them for a local user.
    private static int UserFlags(LocalAccounts.User user) =>
        0x201 | (user.Enabled ? 0 : 0x2) | (user.PasswordRequired ? 0 : 0x20) | (user.UserMayChangePassword ? 0 : 0x40) | (user.PasswordNeverExpires ? 0x10000 : 0);

    // IADsUser's and IADsGroup's interface ids: PowerShell's names for the COM objects (System.__ComObject#{iid}).
    private const string IadsUserId = "3e37e320-17e2-11cf-abc4-02608c9e7553";
    private const string IadsGroupId = "27636b00-410f-11cf-b1ff-02608c9e7553";

    // Each COM object a group's Members() or a user's Groups() gave, with the entry it stands for.
    private static readonly ConditionalWeakTable<PsObject, PsObject> AdsiComObjects = [];

    /// <summary>
    /// The native ADSI object behind an entry, as Members() and Groups() give them: a System.__ComObject without
    /// properties of its own (UNVERIFIED: scripts read one through InvokeMember, or cast it with [ADSI]).
    /// </summary>
    private static PsObject AdsiComObject(PsObject entry)
    {
        var isGroup = entry["SchemaClassName"]?.ToDisplayString() == "Group";
        var com = new PsObject([$"{ComObjectTypeName}#{{{(isGroup ? IadsGroupId : IadsUserId)}}}", ComObjectTypeName, "System.MarshalByRefObject", "System.Object"])
        {
            ToStringValue = ComObjectTypeName,
        };
        AdsiComObjects.AddOrUpdate(com, entry);
        return com;
    }

    /// <summary>[ADSI]$value: an entry itself, or the entry of a COM object Members() or Groups() gave; null for another value.</summary>
    private static PsObject? AdsiEntryOf(PsValue? value) =>
        value is not PsObject o ? null : AdsiEntries.TryGetValue(o, out _) ? o : AdsiComObjects.TryGetValue(o, out var entry) ? entry : null;

    /// <summary>
    /// <c>$_.GetType().InvokeMember(name, 'GetProperty'|'SetProperty'|'InvokeMethod', $null, $_, $args)</c> on an ADSI COM
    /// object: IDispatch's property (Name, ADsPath, Class, and the schema's: the value, not a collection) or method.
    /// </summary>
    private PsValue? AdsiInvokeMember(PsObject type, string name, IReadOnlyList<PsValue> arguments)
    {
        if (type is not { TypeNames: [ScriptExpressions.RuntimeTypeName, ..], ToStringValue: ComObjectTypeName } || !name.Equals("InvokeMember", StringComparison.OrdinalIgnoreCase) ||
            arguments.Count < 4 || AdsiEntryOf(arguments[3]) is not { } entry)
        {
            return null;
        }

        var member = PipelineVariables.Display(arguments[0]);
        var flags = PipelineVariables.Display(arguments[1]);
        IReadOnlyList<PsValue> given = arguments.Count > 4 && !ScriptExpressions.IsNull(arguments[4]) ? [.. ScriptExpressions.Enumerate(arguments[4])] : [];
        if (flags.Contains("InvokeMethod", StringComparison.OrdinalIgnoreCase)) return AdsiMethod(entry, member, given);
        if (flags.Contains("SetProperty", StringComparison.OrdinalIgnoreCase) && given.Count == 1)
        {
            SetEntryProperty(entry, member, given[0]);
            return PsNil.Instance;
        }

        PsValue? value = member.ToUpperInvariant() switch
        {
            "ADSPATH" => entry["Path"],
            "CLASS" => entry["SchemaClassName"],
            "PARENT" => PsPrimitive.String("WinNT://WORKGROUP/" + ComputerNameUpper),
            _ => entry[member] is PsObject { CollectionKind: not PsCollectionKind.None } list ? (list.Items.Count == 1 ? list.Items[0] : list) : entry[member],
        };
        return value ?? throw new ScriptExpressionException(ScriptedError.MethodInvocation("InvokeMember", arguments.Count,
            "Unknown name. (Exception from HRESULT: 0x80020006 (DISP_E_UNKNOWNNAME))", typeof(System.Runtime.InteropServices.COMException)));
    }

    /// <summary>A method of a WinNT entry; null for another object.</summary>
    private PsValue? AdsiMethod(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        if (AdsiInvokeMember(target, name, arguments) is { } invoked) return invoked;
        if (!AdsiEntries.TryGetValue(target, out var state)) return null;
        // Invoke("Method", args...): the same method through IADs.
        if (name.Equals("Invoke", StringComparison.OrdinalIgnoreCase) && arguments.Count >= 1)
        {
            return AdsiMethod(target, PipelineVariables.Display(arguments[0]), [.. arguments.Skip(1)]);
        }

        // DirectoryEntry's InvokeGet("Property") / InvokeSet("Property", value): IADs's Get and Put.
        // A property the entry has not is ADSI's E_ADS_PROPERTY_NOT_FOUND.
        if (name.Equals("InvokeGet", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
        {
            return target[PipelineVariables.Display(arguments[0])] is null ? throw AdsiFailure(name, 1, "The directory property cannot be found in the cache.\r\n") : AdsiMethod(target, "Get", arguments);
        }

        if (name.Equals("InvokeSet", StringComparison.OrdinalIgnoreCase) && arguments.Count == 2) return AdsiMethod(target, "Put", arguments);

        var accounts = AdsiAccounts();
        string Arg(int i) => PipelineVariables.Display(arguments[i]);
        switch (state.Kind, name.ToUpperInvariant(), arguments.Count)
        {
            case (_, "GET", 1) when target[Arg(0)] is null:
                throw AdsiFailure(name, 1, "The directory property cannot be found in the cache.\r\n");
            case (_, "GET", 1):
                return target[Arg(0)] is PsObject { CollectionKind: not PsCollectionKind.None } list && list.Items.Count == 1 ? list.Items[0] : target[Arg(0)] ?? PsNil.Instance;
            case (_, "PUT", 2):
                SetEntryProperty(target, Arg(0), arguments[1]);
                return PsNil.Instance;
            case (AdsiKind.Computer, "CREATE", 2):
            {
                var kind = Arg(0).Equals("group", StringComparison.OrdinalIgnoreCase) ? AdsiKind.Group
                    : Arg(0).Equals("user", StringComparison.OrdinalIgnoreCase) ? AdsiKind.User
                    : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[ADSI] Create(\"{Arg(0)}\") is not emulated: only User and Group"));
                var entry = NewEntry(new AdsiState(kind, Arg(1), pending: true), $"WinNT://WORKGROUP/{ComputerNameUpper}/{Arg(1)}", kind == AdsiKind.User ? "User" : "Group");
                entry.AdaptedProperties.Add(new PsProperty("Description", Collection(PsPrimitive.String(string.Empty))));
                if (kind == AdsiKind.User)
                {
                    entry.AdaptedProperties.Add(new PsProperty("FullName", Collection(PsPrimitive.String(string.Empty))));
                    entry.AdaptedProperties.Add(new PsProperty("UserFlags", Collection(PsPrimitive.Int32(0x201))));
                }

                return entry;
            }

            case (AdsiKind.Computer, "DELETE", 2):
            {
                var removed = Arg(0).Equals("group", StringComparison.OrdinalIgnoreCase) ? accounts.RemoveGroup(Arg(1)) : accounts.RemoveUser(Arg(1));
                if (!removed) throw AdsiFailure(name, 2, Arg(0).Equals("group", StringComparison.OrdinalIgnoreCase) ? "The group name could not be found." : "The user name could not be found.");
                return PsNil.Instance;
            }

            case (AdsiKind.User, "SETPASSWORD", 1):
                if (state.Pending)
                {
                    state.Password = Arg(0);
                    return PsNil.Instance;
                }

                accounts.TryUpdateUser(state.Name, u => u with { Password = Arg(0), PasswordLastSet = time.GetUtcNow() }, out _);
                return PsNil.Instance;
            case (AdsiKind.User or AdsiKind.Group, "SETINFO", 0):
                CommitEntry(accounts, target, state);
                return PsNil.Instance;
            case (AdsiKind.Group, "ADD" or "REMOVE" or "ISMEMBER", 1):
            {
                var member = AdsiMember(accounts, Arg(0), name, arguments.Count);
                if (name.Equals("IsMember", StringComparison.OrdinalIgnoreCase))
                {
                    return PsPrimitive.Boolean(accounts.Members(state.Name)?.Any(m => m.Sid.Equals(member.Sid, StringComparison.OrdinalIgnoreCase)) == true);
                }

                if (name.Equals("Add", StringComparison.OrdinalIgnoreCase))
                {
                    if (!accounts.AddMember(state.Name, member)) throw AdsiFailure(name, 1, "The specified account name is already a member of the group.\r\n");
                }
                else if (!accounts.RemoveMember(state.Name, member))
                {
                    throw AdsiFailure(name, 1, "The specified account name is not a member of the group.\r\n");
                }

                return PsNil.Instance;
            }

            case (AdsiKind.Group, "MEMBERS", 0):
                return PsObjects.List([.. (accounts.Members(state.Name) ?? []).Select(m => AdsiComObject(MemberEntry(m)))], ComCollectionTypeNames);
            case (AdsiKind.User, "GROUPS", 0):
            {
                // The groups the user is in, as IADsMembers holds them.
                var groups = accounts.FindUser(state.Name) is { } user ? accounts.GroupSidsOf(user) : [];
                return PsObjects.List([.. accounts.Groups().Where(g => groups.Contains(g.Sid)).Select(g => AdsiComObject(GroupEntry(accounts, g)))], ComCollectionTypeNames);
            }
        }

        if (name is "GetType" or "ToString" or "Equals" or "GetHashCode") return null;
        throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[ADSI] {state.Kind}'s method {name} with {arguments.Count} argument(s) is not emulated: give the script's command a rule"));

        PsObject MemberEntry(LocalAccounts.Principal principal)
        {
            var bare = principal.Name[(principal.Name.IndexOf('\\') + 1)..];
            return principal.ObjectClass == "User" && accounts.FindUser(bare) is { } user ? UserEntry(accounts, user)
                : accounts.FindGroup(bare) is { } group ? GroupEntry(accounts, group)
                : NewEntry(new AdsiState(AdsiKind.User, bare, pending: false), "WinNT://" + principal.Name.Replace('\\', '/'), principal.ObjectClass);
        }
    }

    // A group's member path (WinNT://SERVER01/bob, WinNT://./bob,user, WinNT://NT AUTHORITY/INTERACTIVE): the account.
    private LocalAccounts.Principal AdsiMember(LocalAccounts accounts, string path, string method, int count)
    {
        var rest = path.StartsWith("WinNT://", StringComparison.OrdinalIgnoreCase) ? path[8..] : path;
        var comma = rest.LastIndexOf(',');
        if (comma >= 0) rest = rest[..comma];
        var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && parts[0].Equals("WORKGROUP", StringComparison.OrdinalIgnoreCase)) parts = parts[1..];
        var account = parts.Length switch
        {
            1 => parts[0],
            2 when IsThisComputer(parts[0]) => parts[1],
            2 => parts[0] + "\\" + parts[1],
            _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[ADSI] {method}(\"{path}\"): the path is not emulated")),
        };
        return accounts.Resolve(account) ?? throw AdsiFailure(method, count,
            parts.Length == 2 && !IsThisComputer(parts[0]) ? "The network path was not found.\r\n" : "The user name could not be found.\r\n");
    }

    private static void SetEntryProperty(PsObject entry, string name, PsValue value)
    {
        var existing = entry.AdaptedProperties.FindIndex(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        var property = new PsProperty(existing >= 0 ? entry.AdaptedProperties[existing].Name : name, Collection(value));
        if (existing >= 0) entry.AdaptedProperties[existing] = property;
        else entry.AdaptedProperties.Add(property);
    }

    // An entry's property now (a collection's one value, or what an assignment left), as text.
    private static string EntryText(PsObject entry, string name) =>
        entry[name] switch
        {
            null or PsNil => string.Empty,
            PsObject { CollectionKind: not PsCollectionKind.None } list => list.Items.Count == 0 ? string.Empty : PipelineVariables.Display(list.Items[0]),
            var value => PipelineVariables.Display(value),
        };

    // SetInfo: a created account is made (a user with its password, flags, names), an existing user takes its properties.
    private void CommitEntry(LocalAccounts accounts, PsObject entry, AdsiState state)
    {
        var description = EntryText(entry, "Description");
        if (state.Kind == AdsiKind.Group)
        {
            if (state.Pending && !accounts.TryAddGroup(state.Name, description, out _)) throw AdsiFailure("SetInfo", 0, "The account already exists.\r\n");
            state.Pending = false;
            return;
        }

        var flags = int.TryParse(EntryText(entry, "UserFlags"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given) ? given : 0x201;
        // $user.AccountDisabled = $true: IADsUser's property, kept in UserFlags' ACCOUNTDISABLE bit.
        if (bool.TryParse(EntryText(entry, "AccountDisabled"), out var disabled) && disabled != state.Disabled) flags = disabled ? flags | 0x2 : flags & ~0x2;
        LocalAccounts.User Apply(LocalAccounts.User user) => user with
        {
            Description = description,
            FullName = EntryText(entry, "FullName"),
            Enabled = (flags & 0x2) == 0,
            PasswordRequired = (flags & 0x20) == 0,
            UserMayChangePassword = (flags & 0x40) == 0,
            PasswordNeverExpires = (flags & 0x10000) != 0,
        };

        if (!state.Pending)
        {
            accounts.TryUpdateUser(state.Name, Apply, out _);
            return;
        }

        if (!LocalAccounts.IsValidName(state.Name)) throw AdsiFailure("SetInfo", 0, "The user name or group name parameter is invalid.\r\n");
        var password = state.Password;
        if (!accounts.TryAddUser(state.Name, u => Apply(u) with { Password = password, PasswordLastSet = password is null ? null : time.GetUtcNow() }, out _))
        {
            throw AdsiFailure("SetInfo", 0, "The account already exists.\r\n");
        }

        state.Pending = false;
    }

    // The COMException an ADSI call ends with, as PowerShell reports it (UNVERIFIED texts beyond Windows' messages).
    private static ScriptExpressionException AdsiFailure(string method, int count, string reason) =>
        new(ScriptedError.MethodInvocation(method, count, reason, typeof(System.Runtime.InteropServices.COMException)));
}
