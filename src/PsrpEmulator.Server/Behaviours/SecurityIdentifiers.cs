using System.Buffers.Binary;
using System.Globalization;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A SID's three forms as System.Security.Principal.SecurityIdentifier takes them: its SDDL text (S-1-5-32-544, or an
/// alias such as BA, as ConvertStringSidToSid reads one), and its binary form (revision, count of sub-authorities, the
/// six-byte big-endian identifier authority, then each sub-authority little-endian): what ADSI's objectSid holds.
/// </summary>
internal static class SecurityIdentifiers
{
    private const int MaxSubAuthorities = 15;

    /// <summary>The canonical SID of an SDDL form; null when .NET's constructor would refuse it ("Value was invalid.").</summary>
    public static string? Parse(string sddlForm)
    {
        var text = sddlForm.Trim();
        if (!text.StartsWith("S-", StringComparison.OrdinalIgnoreCase)) return text.Length == 2 ? FileAccessControl.SidOfSddl(text) : null;
        var parts = text.Split('-');
        // S-1-authority[-sub]...: revision 1 only, at most 15 sub-authorities.
        if (parts.Length < 3 || parts[1] != "1" || parts.Length - 3 > MaxSubAuthorities) return null;
        if (Authority(parts[2]) is not { } authority) return null;
        var subs = new uint[parts.Length - 3];
        for (var i = 0; i < subs.Length; i++)
        {
            if (!uint.TryParse(parts[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out subs[i])) return null;
        }

        return Format(authority, subs);
    }

    /// <summary>The SID's binary form (8 + 4 bytes per sub-authority).</summary>
    public static byte[] ToBinary(string sid)
    {
        var parts = sid.Split('-');
        var count = Math.Max(0, parts.Length - 3);
        var bytes = new byte[8 + 4 * count];
        bytes[0] = 1;
        bytes[1] = (byte)count;
        var authority = parts.Length > 2 ? Authority(parts[2]) ?? 0 : 0;
        for (var i = 0; i < 6; i++) bytes[2 + i] = (byte)(authority >> (8 * (5 - i)));
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8 + 4 * i), uint.TryParse(parts[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var sub) ? sub : 0);
        }

        return bytes;
    }

    /// <summary>The SID a binary form holds at the offset; null when the bytes are not one (.NET's "Value was invalid.").</summary>
    public static string? FromBinary(ReadOnlySpan<byte> bytes, int offset)
    {
        if (offset < 0 || offset + 8 > bytes.Length) return null;
        var form = bytes[offset..];
        int count = form[1];
        if (form[0] != 1 || count > MaxSubAuthorities || 8 + 4 * count > form.Length) return null;
        ulong authority = 0;
        for (var i = 0; i < 6; i++) authority = (authority << 8) | form[2 + i];
        var subs = new uint[count];
        for (var i = 0; i < count; i++) subs[i] = BinaryPrimitives.ReadUInt32LittleEndian(form[(8 + 4 * i)..]);
        return Format(authority, subs);
    }

    // The identifier authority: decimal, or 0x and hexadecimal; at most six bytes.
    private static ulong? Authority(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        return ulong.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 0xFFFF_FFFF_FFFF
            ? value : null;
    }

    // Windows writes an authority of 2^32 and more in hexadecimal (0x...), a smaller one in decimal.
    private static string Format(ulong authority, uint[] subs) =>
        "S-1-" + (authority >= 1UL << 32 ? "0x" + authority.ToString("X12", CultureInfo.InvariantCulture) : authority.ToString(CultureInfo.InvariantCulture)) +
        string.Concat(subs.Select(s => "-" + s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// new SecurityIdentifier(WellKnownSidKind, domainSid): the type's SID (an account's RID under the domain's SID for the
    /// Account* types, which need one); null for a type the emulator does not list.
    /// </summary>
    public static string? WellKnown(WellKnownSidKind type, string? domainSid) => type switch
    {
        WellKnownSidKind.NullSid => "S-1-0-0",
        WellKnownSidKind.WorldSid => "S-1-1-0",
        WellKnownSidKind.LocalSid => "S-1-2-0",
        WellKnownSidKind.CreatorOwnerSid => "S-1-3-0",
        WellKnownSidKind.CreatorGroupSid => "S-1-3-1",
        WellKnownSidKind.NTAuthoritySid => "S-1-5",
        WellKnownSidKind.DialupSid => "S-1-5-1",
        WellKnownSidKind.NetworkSid => "S-1-5-2",
        WellKnownSidKind.BatchSid => "S-1-5-3",
        WellKnownSidKind.InteractiveSid => "S-1-5-4",
        WellKnownSidKind.ServiceSid => "S-1-5-6",
        WellKnownSidKind.AnonymousSid => "S-1-5-7",
        WellKnownSidKind.ProxySid => "S-1-5-8",
        WellKnownSidKind.EnterpriseControllersSid => "S-1-5-9",
        WellKnownSidKind.SelfSid => "S-1-5-10",
        WellKnownSidKind.AuthenticatedUserSid => "S-1-5-11",
        WellKnownSidKind.RestrictedCodeSid => "S-1-5-12",
        WellKnownSidKind.TerminalServerSid => "S-1-5-13",
        WellKnownSidKind.RemoteLogonIdSid => "S-1-5-14",
        WellKnownSidKind.LocalSystemSid => "S-1-5-18",
        WellKnownSidKind.LocalServiceSid => "S-1-5-19",
        WellKnownSidKind.NetworkServiceSid => "S-1-5-20",
        WellKnownSidKind.BuiltinDomainSid => "S-1-5-32",
        WellKnownSidKind.BuiltinAdministratorsSid => "S-1-5-32-544",
        WellKnownSidKind.BuiltinUsersSid => "S-1-5-32-545",
        WellKnownSidKind.BuiltinGuestsSid => "S-1-5-32-546",
        WellKnownSidKind.BuiltinPowerUsersSid => "S-1-5-32-547",
        WellKnownSidKind.BuiltinAccountOperatorsSid => "S-1-5-32-548",
        WellKnownSidKind.BuiltinSystemOperatorsSid => "S-1-5-32-549",
        WellKnownSidKind.BuiltinPrintOperatorsSid => "S-1-5-32-550",
        WellKnownSidKind.BuiltinBackupOperatorsSid => "S-1-5-32-551",
        WellKnownSidKind.BuiltinReplicatorSid => "S-1-5-32-552",
        WellKnownSidKind.BuiltinPreWindows2000CompatibleAccessSid => "S-1-5-32-554",
        WellKnownSidKind.BuiltinRemoteDesktopUsersSid => "S-1-5-32-555",
        WellKnownSidKind.BuiltinNetworkConfigurationOperatorsSid => "S-1-5-32-556",
        WellKnownSidKind.BuiltinPerformanceMonitoringUsersSid => "S-1-5-32-558",
        WellKnownSidKind.BuiltinPerformanceLoggingUsersSid => "S-1-5-32-559",
        WellKnownSidKind.BuiltinAuthorizationAccessSid => "S-1-5-32-560",
        WellKnownSidKind.AccountAdministratorSid when domainSid is not null => domainSid + "-500",
        WellKnownSidKind.AccountGuestSid when domainSid is not null => domainSid + "-501",
        WellKnownSidKind.AccountKrbtgtSid when domainSid is not null => domainSid + "-502",
        WellKnownSidKind.AccountDomainAdminsSid when domainSid is not null => domainSid + "-512",
        WellKnownSidKind.AccountDomainUsersSid when domainSid is not null => domainSid + "-513",
        WellKnownSidKind.AccountDomainGuestsSid when domainSid is not null => domainSid + "-514",
        _ => null,
    };

    /// <summary>Whether the type is one of the Account* types, which .NET builds only under a domain's SID.</summary>
    public static bool NeedsDomain(WellKnownSidKind type) => type.ToString().StartsWith("Account", StringComparison.Ordinal);
}

/// <summary>
/// System.Security.Principal.WellKnownSidType as .NET Framework 4.x (Windows PowerShell's) has it: its names and values
/// (.NET's own type is Windows-only, and later ones add Win* names the Framework lacks).
/// </summary>
internal enum WellKnownSidKind
{
    NullSid = 0,
    WorldSid = 1,
    LocalSid = 2,
    CreatorOwnerSid = 3,
    CreatorGroupSid = 4,
    CreatorOwnerServerSid = 5,
    CreatorGroupServerSid = 6,
    NTAuthoritySid = 7,
    DialupSid = 8,
    NetworkSid = 9,
    BatchSid = 10,
    InteractiveSid = 11,
    ServiceSid = 12,
    AnonymousSid = 13,
    ProxySid = 14,
    EnterpriseControllersSid = 15,
    SelfSid = 16,
    AuthenticatedUserSid = 17,
    RestrictedCodeSid = 18,
    TerminalServerSid = 19,
    RemoteLogonIdSid = 20,
    LogonIdsSid = 21,
    LocalSystemSid = 22,
    LocalServiceSid = 23,
    NetworkServiceSid = 24,
    BuiltinDomainSid = 25,
    BuiltinAdministratorsSid = 26,
    BuiltinUsersSid = 27,
    BuiltinGuestsSid = 28,
    BuiltinPowerUsersSid = 29,
    BuiltinAccountOperatorsSid = 30,
    BuiltinSystemOperatorsSid = 31,
    BuiltinPrintOperatorsSid = 32,
    BuiltinBackupOperatorsSid = 33,
    BuiltinReplicatorSid = 34,
    BuiltinPreWindows2000CompatibleAccessSid = 35,
    BuiltinRemoteDesktopUsersSid = 36,
    BuiltinNetworkConfigurationOperatorsSid = 37,
    AccountAdministratorSid = 38,
    AccountGuestSid = 39,
    AccountKrbtgtSid = 40,
    AccountDomainAdminsSid = 41,
    AccountDomainUsersSid = 42,
    AccountDomainGuestsSid = 43,
    AccountComputersSid = 44,
    AccountControllersSid = 45,
    AccountCertAdminsSid = 46,
    AccountSchemaAdminsSid = 47,
    AccountEnterpriseAdminsSid = 48,
    AccountPolicyAdminsSid = 49,
    AccountRasAndIasServersSid = 50,
    NtlmAuthenticationSid = 51,
    DigestAuthenticationSid = 52,
    SChannelAuthenticationSid = 53,
    ThisOrganizationSid = 54,
    OtherOrganizationSid = 55,
    BuiltinIncomingForestTrustBuildersSid = 56,
    BuiltinPerformanceMonitoringUsersSid = 57,
    BuiltinPerformanceLoggingUsersSid = 58,
    BuiltinAuthorizationAccessSid = 59,
}
