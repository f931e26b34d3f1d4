using System.Security.Cryptography;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The identifiers a Windows computer has of its own, the same for a computer name in every run and different between
/// computers (InSpec's train reads one as the node's id): the SMBIOS UUID (Win32_ComputerSystemProduct's UUID, upper
/// case) and the MachineGuid of HKLM\SOFTWARE\Microsoft\Cryptography (lower case). A scenario's WMI values and registry
/// data write them as <c>{smbiosuuid}</c> and <c>{machineguid}</c>, beside <c>{computername}</c>.
/// </summary>
internal static class ComputerIdentity
{
    /// <summary>The computer's SMBIOS UUID.</summary>
    public static string SmbiosUuid(string computer) => NameGuid("smbios", computer).ToString("D").ToUpperInvariant();

    /// <summary>The computer's MachineGuid.</summary>
    public static string MachineGuid(string computer) => NameGuid("machineguid", computer).ToString("D");

    /// <summary>
    /// The text with the computer's templates replaced: {computername}, {smbiosuuid}, {machineguid}, and its Ethernet
    /// adapter's {ipv4address} and {ipv4subnetmask} (<paramref name="network"/>'s, else the default computer's) and
    /// {macaddress} (WMI's colons: 00:15:5D:0A:01:04).
    /// </summary>
    public static string Substitute(string text, string computer, NetworkSettings? network = null) =>
        !text.Contains('{', StringComparison.Ordinal) ? text : text
            .Replace("{computername}", computer.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase)
            .Replace("{smbiosuuid}", SmbiosUuid(computer), StringComparison.OrdinalIgnoreCase)
            .Replace("{machineguid}", MachineGuid(computer), StringComparison.OrdinalIgnoreCase)
            .Replace("{ipv4address}", (network?.IPv4 ?? NetworkSettings.IPv4Configuration.Default).Address, StringComparison.OrdinalIgnoreCase)
            .Replace("{ipv4subnetmask}", (network?.IPv4 ?? NetworkSettings.IPv4Configuration.Default).SubnetMask, StringComparison.OrdinalIgnoreCase)
            .Replace("{macaddress}", (network?.MacAddress ?? NetworkSettings.MacAddressOf(0)).Replace('-', ':'), StringComparison.OrdinalIgnoreCase);

    // A name-based GUID (RFC 4122 version 5 layout over SHA-1) of the computer's name, upper case, in a namespace of its use.
    private static Guid NameGuid(string use, string computer)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes(use + "/" + computer.ToUpperInvariant()), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
