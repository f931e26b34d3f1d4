using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetTCPIP's Get-NetIPInterface over the computer's two interfaces (<see cref="NetworkSettings.Interfaces"/>), IPv6's
/// first as Windows lists them: the Ethernet adapter (MTU 1500, metric 15, DHCP off for its static IPv4 address and on
/// for IPv6) and the loopback pseudo-interface (MTU 4294967295, metric 75), each Connected, in the module's table.
/// -InterfaceAlias (patterns), -InterfaceIndex and -AddressFamily choose; an alias or index the computer has not is the
/// cmdletization's not-found error. The metrics agree with Get-NetRoute's and route print's. Set-NetIPInterface is not
/// emulated. UNVERIFIED: the order and the table's widths.
/// </summary>
internal sealed partial class RunContext
{
    private async ValueTask GetNetIPInterfaceAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync("Get-NetIPInterface", arguments, to, output, blockNesting, (a, o) => GetNetIPInterfaceAsync(a, to, o, blockNesting))) return;
        const string Command = "Get-NetIPInterface";
        RefuseNotEmulated(Command, arguments, "AsJob", "PolicyStore", "IncludeAllCompartments", "CompartmentId", "ConnectionState", "Dhcp", "InterfaceMetric",
            "NlMtuBytes", "Forwarding", "AutomaticMetric", "RouterDiscovery");
        var rows = new[] { true, false }.SelectMany(ipv6 => NetworkSettings.Interfaces.Select(i => (Interface: i, IPv6: ipv6))).AsEnumerable();

        if (await AddressFamiliesAsync(Command, arguments, "NetIPInterface", to, blockNesting) is { } wanted)
        {
            rows = rows.Where(r => wanted.Contains(r.IPv6));
        }

        if (await OptionalTextsAsync(arguments, "InterfaceAlias", to, blockNesting) is { } aliases)
        {
            foreach (var alias in aliases.Where(a => !VirtualFileSystem.HasWildcard(a) && !NetworkSettings.Interfaces.Any(i => i.Alias.Equals(a, StringComparison.OrdinalIgnoreCase))))
            {
                await WriteErrorAsync(CimNotFound(Command, "MSFT_NetIPInterface", "InterfaceAlias", alias), output);
            }

            var patterns = aliases.Select(VirtualFileSystem.Wildcard).ToList();
            rows = rows.Where(r => patterns.Any(p => p.IsMatch(r.Interface.Alias)));
        }

        if (await OptionalTextsAsync(arguments, "InterfaceIndex", to, blockNesting) is { } indexes)
        {
            foreach (var index in indexes.Where(x => !NetworkSettings.Interfaces.Any(i => i.Index.ToString(CultureInfo.InvariantCulture) == x.Trim())))
            {
                await WriteErrorAsync(CimNotFound(Command, "MSFT_NetIPInterface", "InterfaceIndex", index), output);
            }

            rows = rows.Where(r => indexes.Any(x => x.Trim() == r.Interface.Index.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (@interface, ipv6) in rows.ToList()) await output.WriteAsync(new PipelineOutput(IPInterfaceObject(@interface, ipv6)), cancellationToken);
    }

    private static PsObject IPInterfaceObject(NetworkSettings.Interface @interface, bool ipv6)
    {
        const string Prefix = "Microsoft.Management.Infrastructure.CimInstance#";
        var ethernet = @interface.Index == NetworkSettings.Interfaces[0].Index;
        var o = new PsObject(
        [
            Prefix + "ROOT/StandardCimv2/MSFT_NetIPInterface", Prefix + "ROOT/StandardCimv2/CIM_IPProtocolEndpoint", Prefix + "ROOT/StandardCimv2/CIM_ProtocolEndpoint",
            Prefix + "ROOT/StandardCimv2/CIM_ServiceAccessPoint", Prefix + "ROOT/StandardCimv2/CIM_EnabledLogicalElement", Prefix + "ROOT/StandardCimv2/CIM_LogicalElement",
            Prefix + "ROOT/StandardCimv2/CIM_ManagedSystemElement", Prefix + "MSFT_NetIPInterface", Prefix + "CIM_IPProtocolEndpoint", Prefix + "CIM_ProtocolEndpoint",
            Prefix + "CIM_ServiceAccessPoint", Prefix + "CIM_EnabledLogicalElement", Prefix + "CIM_LogicalElement", Prefix + "CIM_ManagedSystemElement",
            "Microsoft.Management.Infrastructure.CimInstance", "System.Object",
        ])
        {
            ToStringValue = "MSFT_NetIPInterface (Name = \"\", CreationClassName = \"\", SystemCreationClassName = \"\", SystemName = \"\")",
        };
        o.AdaptedProperties.AddRange(
        [
            new("ifIndex", PsPrimitive.UInt32((uint)@interface.Index)),
            new("InterfaceAlias", PsPrimitive.String(@interface.Alias)),
            new("InterfaceIndex", PsPrimitive.UInt32((uint)@interface.Index)),
            new("AddressFamily", PsPrimitive.String(ipv6 ? "IPv6" : "IPv4")),
            new("NlMtu", PsPrimitive.UInt32(ethernet ? 1500u : uint.MaxValue)),
            new("InterfaceMetric", PsPrimitive.UInt32((uint)NetworkSettings.MetricOf(@interface.Index))),
            new("AutomaticMetric", PsPrimitive.String("Enabled")),
            // The adapter's IPv4 address is static; IPv6's stateful configuration stays on.
            new("Dhcp", PsPrimitive.String(ethernet && ipv6 ? "Enabled" : "Disabled")),
            new("ConnectionState", PsPrimitive.String("Connected")),
            new("Forwarding", PsPrimitive.String("Disabled")),
            new("RouterDiscovery", PsPrimitive.String(ethernet && ipv6 ? "Enabled" : "Disabled")),
            new("PolicyStore", PsPrimitive.String("ActiveStore")),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
