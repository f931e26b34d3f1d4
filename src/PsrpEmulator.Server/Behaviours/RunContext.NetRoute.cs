using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetTCPIP's Get-NetRoute over the computer's routing table as Windows builds it from the Ethernet adapter's static
/// IPv4 configuration (<see cref="NetworkSettings.IPv4"/>) and the loopback pseudo-interface: the broadcast and
/// multicast routes of both, the adapter's subnet, address and subnet broadcast routes, loopback's 127.0.0.0/8 ones,
/// the default route 0.0.0.0/0 through the gateway (RouteMetric 0, Protocol NetMgmt) when there is one, then IPv6's
/// ff00::/8, the link-local ones and ::1. -AddressFamily, -InterfaceIndex, -InterfaceAlias, -DestinationPrefix and
/// -NextHop (wildcards for the texts) choose; a query that finds nothing is the cmdletization's CmdletizationQuery_NotFound
/// with its WHERE clause. MSFT_NetRoute instances in the module's table; the order, the interface metrics (15 for the
/// 10 Gbps adapter, 75 for loopback) and the table's widths are UNVERIFIED.
/// </summary>
internal sealed partial class RunContext
{
    private async ValueTask GetNetRouteAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync("Get-NetRoute", arguments, to, output, blockNesting, (a, o) => GetNetRouteAsync(a, to, o, blockNesting))) return;
        const string Command = "Get-NetRoute";
        RefuseNotEmulated(Command, arguments, "AsJob", "PolicyStore", "IncludeAllCompartments", "CompartmentId", "RouteMetric", "Protocol", "ValidLifetime", "PreferredLifetime");
        async ValueTask<List<string>?> Texts(string parameter) => await OptionalTextsAsync(arguments, parameter, to, blockNesting);
        var chosen = (Host.NetworkSettings ?? new NetworkSettings()).Routes().AsEnumerable();
        var where = new List<string>();
        var strict = false;

        if (await AddressFamiliesAsync(Command, arguments, "NetRoute", to, blockNesting) is { } wanted)
        {
            chosen = chosen.Where(r => wanted.Contains(r.IPv6));
            where.Add("(" + string.Join(" OR ", wanted.Distinct().Select(v6 => $"(AddressFamily = {(v6 ? 23 : 2)})")) + ")");
        }

        if (await Texts("InterfaceIndex") is { } indexes)
        {
            var numbers = new List<long>();
            foreach (var index in indexes)
            {
                if (!long.TryParse(index, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number is < 0 or > uint.MaxValue)
                {
                    throw new StatementTerminatedException(ParameterError(Command, $"Cannot process argument transformation on parameter 'InterfaceIndex'. Cannot convert value \"{index}\" to type \"System.UInt32[]\". Error: \"Cannot convert value \"{index}\" to type \"System.UInt32\". Error: \"Input string was not in a correct format.\"\"",
                        "ParameterArgumentTransformationError"));
                }

                numbers.Add(number);
            }

            strict = true;
            chosen = chosen.Where(r => numbers.Contains(r.InterfaceIndex));
            where.Add("(" + string.Join(" OR ", numbers.Select(n => $"(InterfaceIndex = {n.ToString(CultureInfo.InvariantCulture)})")) + ")");
        }

        foreach (var parameter in new[] { "InterfaceAlias", "DestinationPrefix", "NextHop" })
        {
            if (await Texts(parameter) is not { } patterns) continue;
            strict |= patterns.Any(p => !VirtualFileSystem.HasWildcard(p));
            var regexes = patterns.Select(VirtualFileSystem.Wildcard).ToList();
            chosen = chosen.Where(r => regexes.Any(x => x.IsMatch(parameter switch { "InterfaceAlias" => r.InterfaceAlias, "DestinationPrefix" => r.DestinationPrefix, _ => r.NextHop })));
            where.Add("(" + string.Join(" OR ", patterns.Select(p => $"({parameter} LIKE '{p.Replace("*", "%", StringComparison.Ordinal).Replace("?", "_", StringComparison.Ordinal)}')")) + ")");
        }

        var found = chosen.ToList();
        if (found.Count == 0 && strict)
        {
            await WriteErrorAsync(CimQueryNotFound(Command, "MSFT_NetRoute", where), output);
            return;
        }

        foreach (var route in found) await output.WriteAsync(new PipelineOutput(RouteObject(route)), cancellationToken);
    }

    private static PsObject RouteObject(NetworkSettings.Route route)
    {
        const string Prefix = "Microsoft.Management.Infrastructure.CimInstance#";
        var o = new PsObject(
        [
            Prefix + "ROOT/StandardCimv2/MSFT_NetRoute", Prefix + "ROOT/StandardCimv2/CIM_NextHopRoute", Prefix + "ROOT/StandardCimv2/CIM_ManagedElement",
            Prefix + "MSFT_NetRoute", Prefix + "CIM_NextHopRoute", Prefix + "CIM_ManagedElement", "Microsoft.Management.Infrastructure.CimInstance", "System.Object",
        ])
        {
            ToStringValue = $"MSFT_NetRoute (InstanceID = \"{route.DestinationPrefix}|{route.InterfaceIndex}|{route.NextHop}\")",
        };
        var forever = PsPrimitive.Duration(TimeSpan.MaxValue);
        o.AdaptedProperties.AddRange(
        [
            new("ifIndex", PsPrimitive.UInt32((uint)route.InterfaceIndex)),
            new("DestinationPrefix", PsPrimitive.String(route.DestinationPrefix)),
            new("NextHop", PsPrimitive.String(route.NextHop)),
            new("RouteMetric", PsPrimitive.UInt16((ushort)route.RouteMetric)),
            new("InterfaceMetric", PsPrimitive.UInt32((uint)route.InterfaceMetric)),
            new("ifMetric", PsPrimitive.UInt32((uint)route.InterfaceMetric)),
            new("PolicyStore", PsPrimitive.String("ActiveStore")),
            new("AddressFamily", PsPrimitive.String(route.IPv6 ? "IPv6" : "IPv4")),
            new("InterfaceAlias", PsPrimitive.String(route.InterfaceAlias)),
            new("InterfaceIndex", PsPrimitive.UInt32((uint)route.InterfaceIndex)),
            new("Protocol", PsPrimitive.String(route.Protocol)),
            new("Publish", PsPrimitive.String("No")),
            new("Store", PsPrimitive.String("ActiveStore")),
            new("TypeOfRoute", PsPrimitive.UInt16(3)),
            new("IsStatic", PsNil.Instance),
            new("AdminDistance", PsNil.Instance),
            new("CompartmentId", PsPrimitive.UInt32(1)),
            new("ValidLifetime", forever),
            new("PreferredLifetime", forever),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
