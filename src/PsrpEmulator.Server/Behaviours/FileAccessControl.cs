using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>An access control entry's inheritance bits, as its header holds them (SDDL's OI, CI, NP, IO).</summary>
[Flags]
public enum AceInheritance
{
    None = 0,
    ObjectInherit = 1,
    ContainerInherit = 2,
    NoPropagateInherit = 4,
    InheritOnly = 8,
}

/// <summary>One access control entry of a file or folder: whose (a SID), what rights, allowed or denied, how it passes down.</summary>
public sealed record FileAccessEntry(string Sid, int Rights, bool Deny, AceInheritance Inheritance, bool IsInherited = false);

/// <summary>
/// What an item's security descriptor holds of its own: owner and group (null: the item's creator's, see
/// <see cref="FileAccessControl.DefaultOwner"/>), whether inheritance is off (protected), and its explicit entries.
/// </summary>
public sealed record FileSecurityDescriptor(string? OwnerSid, string? GroupSid, bool Protected, IReadOnlyList<FileAccessEntry> Entries);

/// <summary>An item's security as Get-Acl and icacls read it: owner, group, protection and every entry (explicit first, then inherited).</summary>
public sealed record FileSecurityView(string Path, bool IsDirectory, string OwnerSid, string GroupSid, bool Protected, IReadOnlyList<FileAccessEntry> Entries);

/// <summary>
/// NTFS permissions of the computer's disk, as a Windows Server 2019 has them: the protected ACLs of C:\, Windows,
/// Program Files, ProgramData, Users and the profiles (their entries as icacls lists them on Windows; the owners and
/// groups of Users, ProgramData and the profiles UNVERIFIED), and everything else inheriting as CreatePrivateObjectSecurity
/// makes it: an entry that passes to a folder keeps its flags (without IO, with NP none), one that passes to a file has
/// none; generic rights are mapped to the file ones on the item and kept generic in an inherit-only copy; CREATOR
/// OWNER's entry gives the item's owner its rights unless another inherited entry already does (a folder an
/// administrator makes under C:\ shows none, as on Windows). Inherited entries are worked out when read, so an
/// item made later, or a parent's change, is seen at once (Windows propagates on write; the result is the same).
/// Access is not checked against these entries: the emulator's users are administrators.
/// </summary>
public static partial class FileAccessControl
{
    public const string TrustedInstallerSid = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
    public const string SystemSid = "S-1-5-18", AdministratorsSid = "S-1-5-32-544", UsersSid = "S-1-5-32-545", CreatorOwnerSid = "S-1-3-0";
    public const string EveryoneSid = "S-1-1-0", AllApplicationPackagesSid = "S-1-15-2-1", AllRestrictedApplicationPackagesSid = "S-1-15-2-2";

    // FileSystemRights' sets and the generic rights (winnt.h).
    public const int FullControl = 0x1F01FF, Modify = 0x1301BF, ReadAndExecute = 0x1200A9, Read = 0x120089, Write = 0x100116;
    public const int Delete = 0x10000, Synchronize = 0x100000, AppendData = 4, WriteData = 2;
    public const int GenericAll = 0x10000000, GenericExecute = 0x20000000, GenericWrite = 0x40000000, GenericRead = unchecked((int)0x80000000);

    private const AceInheritance Both = AceInheritance.ObjectInherit | AceInheritance.ContainerInherit;
    private const AceInheritance BothInheritOnly = Both | AceInheritance.InheritOnly;

    /// <summary>The accounts Windows names without the computer's users and groups: name, SID, SDDL alias.</summary>
    private static readonly (string Name, string Sid, string? Alias)[] WellKnown =
    [
        ("Everyone", EveryoneSid, "WD"),
        ("CREATOR OWNER", CreatorOwnerSid, "CO"),
        ("CREATOR GROUP", "S-1-3-1", "CG"),
        (@"NT AUTHORITY\NETWORK", "S-1-5-2", "NU"),
        (@"NT AUTHORITY\INTERACTIVE", "S-1-5-4", "IU"),
        (@"NT AUTHORITY\SERVICE", "S-1-5-6", "SU"),
        (@"NT AUTHORITY\ANONYMOUS LOGON", "S-1-5-7", "AN"),
        (@"NT AUTHORITY\Authenticated Users", "S-1-5-11", "AU"),
        (@"NT AUTHORITY\SYSTEM", SystemSid, "SY"),
        (@"NT AUTHORITY\LOCAL SERVICE", "S-1-5-19", "LS"),
        (@"NT AUTHORITY\NETWORK SERVICE", "S-1-5-20", "NS"),
        (@"NT SERVICE\TrustedInstaller", TrustedInstallerSid, null),
        // The services' accounts the local security policy's default user rights name (secedit's *S-1-5-80-0...).
        (@"NT SERVICE\ALL SERVICES", "S-1-5-80-0", null),
        (@"NT SERVICE\WdiServiceHost", "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420", null),
        (@"Window Manager\Window Manager Group", "S-1-5-90-0", null),
        (@"APPLICATION PACKAGE AUTHORITY\ALL APPLICATION PACKAGES", AllApplicationPackagesSid, "AC"),
        (@"APPLICATION PACKAGE AUTHORITY\ALL RESTRICTED APPLICATION PACKAGES", AllRestrictedApplicationPackagesSid, null),
    ];

    // SDDL's aliases of the built-in groups (sddl.h).
    private static readonly Dictionary<string, string> BuiltInAliases = new(StringComparer.Ordinal)
    {
        [AdministratorsSid] = "BA", [UsersSid] = "BU", ["S-1-5-32-546"] = "BG", ["S-1-5-32-547"] = "PU", ["S-1-5-32-551"] = "BO",
        ["S-1-5-32-555"] = "RD", ["S-1-5-32-556"] = "NO", ["S-1-5-32-558"] = "MU", ["S-1-5-32-559"] = "LU", ["S-1-5-32-568"] = "IS",
        ["S-1-5-32-569"] = "CY", ["S-1-5-32-573"] = "ER", ["S-1-5-32-579"] = "AA", ["S-1-5-32-580"] = "RM", ["S-1-5-32-562"] = "CD",
    };

    /// <summary>The SID an account name stands for (a computer's user or group, a built-in group, a well-known account, or a SID); null for none.</summary>
    public static string? SidOf(string name, LocalAccounts? accounts)
    {
        name = name.Trim();
        if (name.Length == 0) return null;
        if (name.StartsWith("*S-1-", StringComparison.OrdinalIgnoreCase)) name = name[1..];
        foreach (var (known, sid, _) in WellKnown)
        {
            var bare = known[(known.IndexOf('\\') + 1)..];
            if (known.Equals(name, StringComparison.OrdinalIgnoreCase) || bare.Equals(name, StringComparison.OrdinalIgnoreCase) ||
                sid.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return sid;
            }
        }

        if (accounts?.Resolve(name) is { } principal) return principal.Sid;
        if (name.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return name.ToUpperInvariant();
        return null;
    }

    /// <summary>The account's name as LookupAccountSid gives it (<c>BUILTIN\Users</c>); a SID no account has stays a SID.</summary>
    public static string NameOf(string sid, LocalAccounts? accounts)
    {
        foreach (var (name, known, _) in WellKnown) if (known == sid) return name;
        if (accounts is not null)
        {
            if (accounts.Resolve(sid) is { } principal) return principal.Name;
            // The computer's "None" group, every local account's primary group (the group of what they make).
            if (sid == NoneGroupSid(accounts)) return accounts.ComputerName + @"\None";
        }

        return sid;
    }

    /// <summary>The computer's None group (RID 513), the primary group of its local accounts.</summary>
    public static string NoneGroupSid(LocalAccounts accounts) => accounts.ComputerSid + "-513";

    /// <summary>
    /// Who owns an item that was never given an owner: TrustedInstaller what Windows installed (its own folders and
    /// files under Windows and Program Files), else the Administrators group (the default owner of what an
    /// administrator makes); the group TrustedInstaller's or the computer's None group.
    /// </summary>
    public static (string Owner, string Group) DefaultOwner(string fullPath, bool installed, LocalAccounts? accounts)
    {
        if (fullPath.Length <= 3 || installed && (Under(fullPath, @"C:\Windows") || Under(fullPath, @"C:\Program Files") || Under(fullPath, @"C:\Program Files (x86)")))
        {
            return (TrustedInstallerSid, TrustedInstallerSid);
        }

        if (installed && (fullPath.Equals(@"C:\Users", StringComparison.OrdinalIgnoreCase) || fullPath.Equals(@"C:\ProgramData", StringComparison.OrdinalIgnoreCase)) ||
            ProfileUser(fullPath, accounts) is not null)
        {
            return (SystemSid, SystemSid);
        }

        return (AdministratorsSid, accounts is null ? SystemSid : NoneGroupSid(accounts));
    }

    private static bool Under(string path, string folder) =>
        path.Equals(folder, StringComparison.OrdinalIgnoreCase) || path.StartsWith(folder + "\\", StringComparison.OrdinalIgnoreCase);

    // The user whose profile folder the path is (C:\Users\name of a user of the computer).
    private static LocalAccounts.User? ProfileUser(string fullPath, LocalAccounts? accounts) =>
        accounts is not null && VirtualFileSystem.ParentOf(fullPath) is { } parent && parent.Equals(@"C:\Users", StringComparison.OrdinalIgnoreCase)
            ? accounts.FindUser(VirtualFileSystem.NameOf(fullPath))
            : null;

    /// <summary>The protected ACL Windows gives its own folders (a fresh Windows Server 2019's); null for an item that inherits.</summary>
    public static FileSecurityDescriptor? Seeded(string fullPath, LocalAccounts? accounts)
    {
        var (owner, group) = DefaultOwner(fullPath, installed: true, accounts);
        if (fullPath.Length <= 3)
        {
            return new(owner, group, true,
            [
                new(SystemSid, FullControl, false, Both),
                new(AdministratorsSid, FullControl, false, Both),
                new(UsersSid, ReadAndExecute, false, Both),
                new(UsersSid, AppendData, false, AceInheritance.ContainerInherit),
                new(UsersSid, WriteData, false, AceInheritance.ContainerInherit | AceInheritance.InheritOnly),
                new(CreatorOwnerSid, GenericAll, false, BothInheritOnly),
            ]);
        }

        if (fullPath.Equals(@"C:\Windows", StringComparison.OrdinalIgnoreCase) || fullPath.Equals(@"C:\Windows\System32", StringComparison.OrdinalIgnoreCase) ||
            fullPath.Equals(@"C:\Windows\SysWOW64", StringComparison.OrdinalIgnoreCase) || fullPath.Equals(@"C:\Program Files", StringComparison.OrdinalIgnoreCase) ||
            fullPath.Equals(@"C:\Program Files (x86)", StringComparison.OrdinalIgnoreCase))
        {
            const int GenericReadExecute = GenericRead | GenericExecute;
            return new(owner, group, true,
            [
                new(TrustedInstallerSid, FullControl, false, AceInheritance.None),
                new(TrustedInstallerSid, GenericAll, false, AceInheritance.ContainerInherit | AceInheritance.InheritOnly),
                new(SystemSid, Modify, false, AceInheritance.None),
                new(SystemSid, GenericAll, false, BothInheritOnly),
                new(AdministratorsSid, Modify, false, AceInheritance.None),
                new(AdministratorsSid, GenericAll, false, BothInheritOnly),
                new(UsersSid, ReadAndExecute, false, AceInheritance.None),
                new(UsersSid, GenericReadExecute, false, BothInheritOnly),
                new(CreatorOwnerSid, GenericAll, false, BothInheritOnly),
                new(AllApplicationPackagesSid, ReadAndExecute, false, AceInheritance.None),
                new(AllApplicationPackagesSid, GenericReadExecute, false, BothInheritOnly),
                new(AllRestrictedApplicationPackagesSid, ReadAndExecute, false, AceInheritance.None),
                new(AllRestrictedApplicationPackagesSid, GenericReadExecute, false, BothInheritOnly),
            ]);
        }

        if (fullPath.Equals(@"C:\ProgramData", StringComparison.OrdinalIgnoreCase))
        {
            return new(owner, group, true,
            [
                new(SystemSid, FullControl, false, Both),
                new(AdministratorsSid, FullControl, false, Both),
                new(CreatorOwnerSid, GenericAll, false, BothInheritOnly),
                new(UsersSid, ReadAndExecute, false, Both),
                // WD, AD, WEA, WA: Users may make folders and files of their own.
                new(UsersSid, 0x116, false, AceInheritance.ContainerInherit),
            ]);
        }

        if (fullPath.Equals(@"C:\Users", StringComparison.OrdinalIgnoreCase))
        {
            return new(owner, group, true,
            [
                new(SystemSid, FullControl, false, Both),
                new(AdministratorsSid, FullControl, false, Both),
                new(UsersSid, ReadAndExecute, false, AceInheritance.None),
                new(UsersSid, GenericRead | GenericExecute, false, BothInheritOnly),
                new(EveryoneSid, ReadAndExecute, false, AceInheritance.None),
                new(EveryoneSid, GenericRead | GenericExecute, false, BothInheritOnly),
            ]);
        }

        if (ProfileUser(fullPath, accounts) is { } user)
        {
            return new(owner, group, true,
            [
                new(SystemSid, FullControl, false, Both),
                new(AdministratorsSid, FullControl, false, Both),
                new(accounts!.UserSid(user), FullControl, false, Both),
            ]);
        }

        return null;
    }

    /// <summary>
    /// An item's security as Windows reads it: its own entries (or the ones Windows gave it), then what it inherits
    /// from its folders unless protected; null when nothing is at the path.
    /// </summary>
    public static FileSecurityView? View(VirtualFileSystem disk, string fullPath, LocalAccounts? accounts)
    {
        // C:\, then each folder down to the item.
        var chain = new List<string>();
        for (var at = fullPath; at is not null; at = VirtualFileSystem.ParentOf(at)) chain.Insert(0, at);
        FileSecurityView? view = null;
        foreach (var path in chain)
        {
            if (disk.SecurityOf(path) is not var (own, isDirectory, installed)) return null;
            var descriptor = own ?? Seeded(path, accounts);
            var (owner, group) = DefaultOwner(path, installed, accounts);
            owner = descriptor?.OwnerSid ?? owner;
            group = descriptor?.GroupSid ?? group;
            var isProtected = descriptor?.Protected ?? false;
            var entries = new List<FileAccessEntry>(descriptor?.Entries.Select(e => e with { IsInherited = false }) ?? []);
            if (!isProtected && view is not null) entries.AddRange(Inherit(view.Entries, isDirectory, owner));
            view = new FileSecurityView(path, isDirectory, owner, group, isProtected, entries);
        }

        return view;
    }

    /// <summary>
    /// The entries a child inherits from its parent's (all of them, explicit and inherited, in order), as
    /// CreatePrivateObjectSecurity makes them for a folder or a file owned by <paramref name="ownerSid"/>.
    /// </summary>
    public static List<FileAccessEntry> Inherit(IReadOnlyList<FileAccessEntry> parent, bool childIsDirectory, string ownerSid)
    {
        var inherited = new List<FileAccessEntry>();
        var creatorRights = new List<(int Rights, bool Deny)>();
        foreach (var entry in parent)
        {
            var flags = entry.Inheritance;
            var objectInherit = (flags & AceInheritance.ObjectInherit) != 0;
            var containerInherit = (flags & AceInheritance.ContainerInherit) != 0;
            var noPropagate = (flags & AceInheritance.NoPropagateInherit) != 0;
            var creator = entry.Sid == CreatorOwnerSid;
            var mapped = MapGeneric(entry.Rights);
            if (!childIsDirectory)
            {
                if (!objectInherit) continue;
                if (creator) creatorRights.Add((mapped, entry.Deny));
                else inherited.Add(entry with { Rights = mapped, Inheritance = AceInheritance.None, IsInherited = true });
                continue;
            }

            if (containerInherit)
            {
                var passesOn = noPropagate ? AceInheritance.None : flags & Both;
                if (creator || mapped != entry.Rights)
                {
                    // Effective on the folder with file rights (the creator's as the owner's), and, to pass down, an
                    // inherit-only copy as it was.
                    if (creator) creatorRights.Add((mapped, entry.Deny));
                    else inherited.Add(entry with { Rights = mapped, Inheritance = AceInheritance.None, IsInherited = true });
                    if (passesOn != AceInheritance.None) inherited.Add(entry with { Inheritance = passesOn | AceInheritance.InheritOnly, IsInherited = true });
                }
                else
                {
                    inherited.Add(entry with { Inheritance = passesOn, IsInherited = true });
                }
            }
            else if (objectInherit && !noPropagate)
            {
                // For the folder's files only: kept inherit-only.
                inherited.Add(entry with { Inheritance = AceInheritance.ObjectInherit | AceInheritance.InheritOnly, IsInherited = true });
            }
        }

        // CREATOR OWNER's rights go to the owner, unless an inherited entry effective on the item already gives them.
        foreach (var (rights, deny) in creatorRights)
        {
            var covered = inherited.Any(e => e.Sid == ownerSid && e.Deny == deny && (e.Inheritance & AceInheritance.InheritOnly) == 0 && (e.Rights & rights) == rights);
            if (!covered) inherited.Insert(0, new FileAccessEntry(ownerSid, rights, deny, AceInheritance.None, IsInherited: true));
        }

        return inherited;
    }

    /// <summary>Generic rights as the file system maps them (FILE_GENERIC_READ, _WRITE, _EXECUTE, FILE_ALL_ACCESS).</summary>
    public static int MapGeneric(int rights)
    {
        if ((rights & (GenericAll | GenericExecute | GenericWrite | GenericRead)) == 0) return rights;
        var mapped = rights & ~(GenericAll | GenericExecute | GenericWrite | GenericRead);
        if ((rights & GenericRead) != 0) mapped |= Read;
        if ((rights & GenericWrite) != 0) mapped |= 0x120116;
        if ((rights & GenericExecute) != 0) mapped |= 0x1200A0;
        if ((rights & GenericAll) != 0) mapped |= FullControl;
        return mapped;
    }

    /// <summary>
    /// The entries in the order Windows keeps a canonical ACL: explicit denies, explicit allows, then the inherited
    /// ones as they came (what .NET's CommonAcl writes after an edit).
    /// </summary>
    public static List<FileAccessEntry> Canonical(IEnumerable<FileAccessEntry> entries)
    {
        var all = entries.ToList();
        return [.. all.Where(e => !e.IsInherited && e.Deny), .. all.Where(e => !e.IsInherited && !e.Deny), .. all.Where(e => e.IsInherited)];
    }

    // ---- texts ----

    // FileSystemRights' names as .NET Framework's Enum.ToString finds them, highest value first (of names sharing a value,
    // the one 5.1 shows: ReadData, CreateFiles, AppendData, ExecuteFile).
    private static readonly (int Value, string Name)[] RightsNames =
    [
        (FullControl, "FullControl"), (Synchronize, "Synchronize"), (0x80000, "TakeOwnership"), (0x40000, "ChangePermissions"),
        (0x301BF, "Modify"), (0x200A9, "ReadAndExecute"), (0x20089, "Read"), (0x20000, "ReadPermissions"), (Delete, "Delete"),
        (0x116, "Write"), (0x100, "WriteAttributes"), (0x80, "ReadAttributes"), (0x40, "DeleteSubdirectoriesAndFiles"),
        (0x20, "ExecuteFile"), (0x10, "WriteExtendedAttributes"), (8, "ReadExtendedAttributes"), (AppendData, "AppendData"),
        (WriteData, "CreateFiles"), (1, "ReadData"),
    ];

    /// <summary>A FileSystemRights value's text as 5.1 shows it ("Modify, Synchronize"; a value with bits no name has, such as a generic right, its number).</summary>
    public static string RightsText(int rights)
    {
        if (rights == 0) return "0";
        var left = rights;
        var names = new List<string>();
        foreach (var (value, name) in RightsNames)
        {
            if ((left & value) != value) continue;
            left &= ~value;
            names.Insert(0, name);
        }

        return left != 0 ? rights.ToString(CultureInfo.InvariantCulture) : string.Join(", ", names);
    }

    /// <summary>Parses FileSystemRights' names ("Modify", "Read, Write") or a number; null when a name is none of them.</summary>
    public static int? ParseRights(string text)
    {
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number is >= int.MinValue and <= uint.MaxValue) return unchecked((int)number);
        var rights = 0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            // The names shown, then those sharing their values (ListDirectory is ReadData...).
            var at = Array.FindIndex(RightsNames, r => r.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            var found = at >= 0 ? RightsNames[at].Value : part.ToUpperInvariant() switch
            {
                "LISTDIRECTORY" => 1,
                "WRITEDATA" => WriteData,
                "CREATEDIRECTORIES" => AppendData,
                "TRAVERSE" => 0x20,
                _ => (int?)null,
            };
            if (found is not { } value) return null;
            rights |= value;
        }

        return rights;
    }

    /// <summary>An entry's inheritance as .NET's InheritanceFlags and PropagationFlags name them.</summary>
    public static (string Inheritance, int InheritanceValue, string Propagation, int PropagationValue) FlagTexts(AceInheritance flags)
    {
        var inheritance = ((flags & AceInheritance.ContainerInherit) != 0 ? 1 : 0) | ((flags & AceInheritance.ObjectInherit) != 0 ? 2 : 0);
        var propagation = ((flags & AceInheritance.NoPropagateInherit) != 0 ? 1 : 0) | ((flags & AceInheritance.InheritOnly) != 0 ? 2 : 0);
        return (inheritance switch { 0 => "None", 1 => "ContainerInherit", 2 => "ObjectInherit", _ => "ContainerInherit, ObjectInherit" }, inheritance,
            propagation switch { 0 => "None", 1 => "NoPropagateInherit", 2 => "InheritOnly", _ => "NoPropagateInherit, InheritOnly" }, propagation);
    }

    /// <summary>Flags from .NET's InheritanceFlags (ContainerInherit 1, ObjectInherit 2) and PropagationFlags (NoPropagateInherit 1, InheritOnly 2).</summary>
    public static AceInheritance FromFlags(int inheritance, int propagation) =>
        ((inheritance & 1) != 0 ? AceInheritance.ContainerInherit : 0) | ((inheritance & 2) != 0 ? AceInheritance.ObjectInherit : 0) |
        ((propagation & 1) != 0 ? AceInheritance.NoPropagateInherit : 0) | ((propagation & 2) != 0 ? AceInheritance.InheritOnly : 0);

    // icacls' simple rights, tried whole first.
    private static readonly (int Value, string Code)[] IcaclsSimple =
    [
        (FullControl, "F"), (Modify, "M"), (ReadAndExecute, "RX"), (Read, "R"), (Write, "W"), (Delete, "D"),
    ];

    // icacls' specific rights, in the order it lists them.
    private static readonly (int Value, string Code)[] IcaclsSpecific =
    [
        (Delete, "DE"), (0x20000, "RC"), (0x40000, "WDAC"), (0x80000, "WO"), (Synchronize, "S"), (0x1000000, "AS"), (0x2000000, "MA"),
        (GenericRead, "GR"), (GenericWrite, "GW"), (GenericExecute, "GE"), (GenericAll, "GA"),
        (1, "RD"), (WriteData, "WD"), (AppendData, "AD"), (8, "REA"), (0x10, "WEA"), (0x20, "X"), (0x40, "DC"), (0x80, "RA"), (0x100, "WA"),
    ];

    /// <summary>
    /// An entry's rights as icacls shows them: a simple right (F, M, RX, R, W, D; GENERIC_ALL shows as F), else
    /// the specific ones (GR,GE; WD,AD,WEA,WA), N for none. The order of a mixed list is UNVERIFIED.
    /// </summary>
    public static string IcaclsRights(int rights)
    {
        if (rights == 0) return "N";
        if (rights == GenericAll) return "F";
        foreach (var (value, code) in IcaclsSimple) if (rights == value) return code;
        var codes = new List<string>();
        var left = rights;
        foreach (var (value, code) in IcaclsSimple.Skip(1).SkipLast(1))
        {
            if ((left & value) != value) continue;
            codes.Add(code);
            left &= ~value | Synchronize;
        }

        if (codes.Count > 0) left &= ~Synchronize;
        foreach (var (value, code) in IcaclsSpecific)
        {
            if ((left & value) == 0) continue;
            codes.Add(code);
            left &= ~value;
        }

        return string.Join(',', codes);
    }

    /// <summary>One entry as an icacls line shows it after the account: (I)(OI)(CI)(NP)(IO), (DENY), then the rights, each in parentheses.</summary>
    public static string IcaclsEntry(FileAccessEntry entry)
    {
        var text = new StringBuilder();
        if (entry.IsInherited) text.Append("(I)");
        if ((entry.Inheritance & AceInheritance.ObjectInherit) != 0) text.Append("(OI)");
        if ((entry.Inheritance & AceInheritance.ContainerInherit) != 0) text.Append("(CI)");
        if ((entry.Inheritance & AceInheritance.NoPropagateInherit) != 0) text.Append("(NP)");
        if ((entry.Inheritance & AceInheritance.InheritOnly) != 0) text.Append("(IO)");
        if (entry.Deny) text.Append("(DENY)");
        return text.Append('(').Append(IcaclsRights(entry.Rights)).Append(')').ToString();
    }

    /// <summary>The descriptor in SDDL, as GetSecurityDescriptorSddlForm(All) writes it: O: G: D:[P]AI and each entry.</summary>
    public static string Sddl(FileSecurityView view) =>
        "O:" + SddlSid(view.OwnerSid) + "G:" + SddlSid(view.GroupSid) + "D:" + (view.Protected ? "PAI" : "AI") + SddlEntries(view.Entries);

    /// <summary>Entries in SDDL: (A or D;flags;rights;;;account) each.</summary>
    public static string SddlEntries(IEnumerable<FileAccessEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append('(').Append(entry.Deny ? 'D' : 'A').Append(';');
            if ((entry.Inheritance & AceInheritance.ObjectInherit) != 0) text.Append("OI");
            if ((entry.Inheritance & AceInheritance.ContainerInherit) != 0) text.Append("CI");
            if ((entry.Inheritance & AceInheritance.NoPropagateInherit) != 0) text.Append("NP");
            if ((entry.Inheritance & AceInheritance.InheritOnly) != 0) text.Append("IO");
            if (entry.IsInherited) text.Append("ID");
            text.Append(';').Append(SddlRights(entry.Rights)).Append(";;;").Append(SddlSid(entry.Sid)).Append(')');
        }

        return text.ToString();
    }

    /// <summary>
    /// A descriptor read from SDDL (SetSecurityDescriptorSddlForm, a deserialized ACL's Sddl): owner and group when
    /// given, protection (D:P), and the entries (A or D; OI CI NP IO ID; FA, GA, DC... or a hexadecimal mask; an alias or
    /// a SID); null for text SDDL cannot read, or an account no SID names.
    /// </summary>
    public static FileSecurityDescriptor? ParseSddl(string sddl, out bool anyInherited)
    {
        anyInherited = false;
        var match = SddlSections().Match(sddl.Trim());
        if (!match.Success) return null;
        string? owner = null, group = null;
        if (match.Groups["o"].Success && (owner = SidOfSddl(match.Groups["o"].Value)) is null) return null;
        if (match.Groups["g"].Success && (group = SidOfSddl(match.Groups["g"].Value)) is null) return null;
        var isProtected = match.Groups["dflags"].Value.Contains('P', StringComparison.OrdinalIgnoreCase);
        var entries = new List<FileAccessEntry>();
        foreach (System.Text.RegularExpressions.Capture ace in match.Groups["ace"].Captures)
        {
            var fields = ace.Value.Split(';');
            if (fields.Length < 6 || fields[0].ToUpperInvariant() is not ("A" or "D") || fields[1].Length % 2 != 0) return null;
            var inheritance = AceInheritance.None;
            var inherited = false;
            for (var i = 0; i < fields[1].Length; i += 2)
            {
                switch (fields[1].Substring(i, 2).ToUpperInvariant())
                {
                    case "OI": inheritance |= AceInheritance.ObjectInherit; break;
                    case "CI": inheritance |= AceInheritance.ContainerInherit; break;
                    case "NP": inheritance |= AceInheritance.NoPropagateInherit; break;
                    case "IO": inheritance |= AceInheritance.InheritOnly; break;
                    case "ID": inherited = true; break;
                    default: return null;
                }
            }

            if (ParseSddlRights(fields[2]) is not { } rights || SidOfSddl(fields[5]) is not { } sid) return null;
            anyInherited |= inherited;
            entries.Add(new FileAccessEntry(sid, rights, fields[0].Equals("D", StringComparison.OrdinalIgnoreCase), inheritance, inherited));
        }

        return new FileSecurityDescriptor(owner, group, isProtected, entries);
    }

    // O:owner G:group D:flags(ace)(ace)... S:... (the audit part read and left out).
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:O:(?<o>[^:()]+?)(?=G:|D:|S:|$))?(?:G:(?<g>[^:()]+?)(?=D:|S:|$))?(?:D:(?<dflags>[A-Za-z]*)(?:\((?<ace>[^()]*)\))*)?(?:S:.*)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SddlSections();

    internal static string? SidOfSddl(string text)
    {
        text = text.Trim();
        if (text.StartsWith("S-1-", StringComparison.OrdinalIgnoreCase)) return text.ToUpperInvariant();
        foreach (var (_, sid, alias) in WellKnown) if (alias is not null && alias.Equals(text, StringComparison.OrdinalIgnoreCase)) return sid;
        foreach (var (sid, alias) in BuiltInAliases) if (alias.Equals(text, StringComparison.OrdinalIgnoreCase)) return sid;
        return null;
    }

    private static int? ParseSddlRights(string text)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text[2..], System.Globalization.NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask) ? unchecked((int)mask) : null;
        }

        var rights = 0;
        for (var i = 0; i < text.Length; i += 2)
        {
            if (i + 2 > text.Length) return null;
            var alias = text.Substring(i, 2).ToUpperInvariant();
            int? value = alias switch
            {
                "FA" => FullControl,
                "FR" => 0x120089,
                "FW" => 0x120116,
                "FX" => 0x1200A0,
                _ => SddlRightAliases.FirstOrDefault(a => a.Alias == alias) is { Alias: not null } found ? unchecked((int)found.Bit) : null,
            };
            if (value is not { } v) return null;
            rights |= v;
        }

        return text.Length == 0 ? null : rights;
    }

    /// <summary>An account in SDDL: its alias (SY, BA, WD...) or its SID.</summary>
    public static string SddlSid(string sid)
    {
        foreach (var (_, known, alias) in WellKnown) if (known == sid && alias is not null) return alias;
        return BuiltInAliases.TryGetValue(sid, out var builtIn) ? builtIn : sid;
    }

    // SDDL's rights aliases, lowest bit first, the order Windows writes them in (ProgramData's "DCLCRPCR", "SDGXGWGR").
    private static readonly (uint Bit, string Alias)[] SddlRightAliases =
    [
        (0x1, "CC"), (0x2, "DC"), (0x4, "LC"), (0x8, "SW"), (0x10, "RP"), (0x20, "WP"), (0x40, "DT"), (0x80, "LO"), (0x100, "CR"),
        (0x10000, "SD"), (0x20000, "RC"), (0x40000, "WD"), (0x80000, "WO"),
        (0x10000000, "GA"), (0x20000000, "GX"), (0x40000000, "GW"), (0x80000000, "GR"),
    ];

    // A mask as SDDL writes it: the file aliases whole (FA, FR, FW, FX), else its bits' aliases, else (a bit with none,
    // Synchronize among them) hexadecimal.
    private static string SddlRights(int rights)
    {
        switch (rights)
        {
            case FullControl: return "FA";
            case 0x120089: return "FR";
            case 0x120116: return "FW";
            case 0x1200A0: return "FX";
        }

        var mask = unchecked((uint)rights);
        var text = new StringBuilder();
        foreach (var (bit, alias) in SddlRightAliases)
        {
            if ((mask & bit) == 0) continue;
            text.Append(alias);
            mask &= ~bit;
        }

        return mask == 0 && text.Length > 0 ? text.ToString() : "0x" + unchecked((uint)rights).ToString("x", CultureInfo.InvariantCulture);
    }
}
