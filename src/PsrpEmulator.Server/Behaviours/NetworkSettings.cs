using System.Net;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What commands change of one computer's network: its interfaces' DNS servers (Set-DnsClientServerAddress), which
/// Get-DnsClientServerAddress, Get-NetIPConfiguration and <c>ipconfig /all</c> show. The computer's two interfaces are
/// the adapter (Ethernet, ifIndex 4) and the loopback pseudo-interface (ifIndex 1), as Get-NetAdapter and
/// Get-NetIPAddress list them; each starts without IPv4 DNS servers and with the three fec0 site-local ones Windows
/// lists for IPv6 when none is configured. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class NetworkSettings
{
    /// <summary>An interface: its alias and index.</summary>
    public sealed record Interface(string Alias, int Index);

    public static readonly IReadOnlyList<Interface> Interfaces = [new("Ethernet", 4), new("Loopback Pseudo-Interface 1", 1)];

    /// <summary>The Ethernet network's category (Set-NetConnectionProfile): Public, as Windows makes a network without a gateway, or Private.</summary>
    public string NetworkCategory { get; set; } = "Public";

    /// <summary>The IPv6 DNS servers Windows lists for an interface that has none configured.</summary>
    public static readonly IReadOnlyList<string> DefaultIPv6Servers = ["fec0:0:0:ffff::1", "fec0:0:0:ffff::2", "fec0:0:0:ffff::3"];

    /// <summary>A protocol or service an adapter binds (NetAdapterBinding): its component id, name, and whether a fresh server binds it.</summary>
    public sealed record Binding(string ComponentId, string DisplayName, bool EnabledByDefault);

    /// <summary>The Ethernet adapter's bindings on a fresh Windows Server 2019, in the order Get-NetAdapterBinding lists them (UNVERIFIED order).</summary>
    public static readonly IReadOnlyList<Binding> Bindings =
    [
        new("ms_bridge", "Bridge Driver", false),
        new("ms_msclient", "Client for Microsoft Networks", true),
        new("ms_pacer", "QoS Packet Scheduler", true),
        new("ms_server", "File and Printer Sharing for Microsoft Networks", true),
        new("ms_tcpip6", "Internet Protocol Version 6 (TCP/IPv6)", true),
        new("ms_tcpip", "Internet Protocol Version 4 (TCP/IPv4)", true),
        new("ms_lltdio", "Link-Layer Topology Discovery Mapper I/O Driver", true),
        new("ms_implat", "Microsoft Network Adapter Multiplexor Protocol", false),
        new("ms_lldp", "Microsoft LLDP Protocol Driver", true),
        new("ms_rspndr", "Link-Layer Topology Discovery Responder", true),
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<(int Index, bool IPv6), IReadOnlyList<string>> _servers = [];
    private readonly Dictionary<(string Adapter, string ComponentId), bool> _bindings = [];

    /// <summary>Whether the adapter binds the component now (Enable-/Disable-NetAdapterBinding change it).</summary>
    public bool IsBound(string adapter, Binding binding)
    {
        lock (_gate) return _bindings.TryGetValue((adapter.ToUpperInvariant(), binding.ComponentId), out var bound) ? bound : binding.EnabledByDefault;
    }

    /// <summary>Binds or unbinds the component on the adapter.</summary>
    public void SetBound(string adapter, Binding binding, bool bound)
    {
        lock (_gate) _bindings[(adapter.ToUpperInvariant(), binding.ComponentId)] = bound;
    }

    /// <summary>An interface's DNS servers of one family (the configured ones, else the defaults).</summary>
    public IReadOnlyList<string> DnsServers(Interface @interface, bool ipv6)
    {
        lock (_gate) return _servers.TryGetValue((@interface.Index, ipv6), out var servers) ? servers : ipv6 ? DefaultIPv6Servers : [];
    }

    /// <summary>Sets an interface's DNS servers: each address to its family's list (a family none is given for is unchanged).</summary>
    public void SetDnsServers(Interface @interface, IReadOnlyList<IPAddress> addresses)
    {
        lock (_gate)
        {
            var v4 = addresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).Select(a => a.ToString()).ToList();
            var v6 = addresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6).Select(a => a.ToString()).ToList();
            if (v4.Count > 0) _servers[(@interface.Index, false)] = v4;
            if (v6.Count > 0) _servers[(@interface.Index, true)] = v6;
        }
    }

    /// <summary>-ResetServerAddresses: back to none for IPv4 and the defaults for IPv6.</summary>
    public void ResetDnsServers(Interface @interface)
    {
        lock (_gate)
        {
            _servers.Remove((@interface.Index, false));
            _servers.Remove((@interface.Index, true));
        }
    }

    /// <summary>
    /// The IPv6 DNS servers ipconfig /all and Get-NetIPConfiguration list beside <paramref name="ipv4"/> ones: none when
    /// they are only the fec0 defaults and there is an IPv4 server (UNVERIFIED: Windows' choice between them).
    /// </summary>
    public static IReadOnlyList<string> ShownIPv6Servers(IReadOnlyList<string> ipv4, IReadOnlyList<string> ipv6) =>
        ipv4.Count > 0 && ipv6.SequenceEqual(DefaultIPv6Servers, StringComparer.OrdinalIgnoreCase) ? [] : ipv6;

    /// <summary>The DNS servers ipconfig /all lists for an interface: its IPv6 ones (<see cref="ShownIPv6Servers"/>), then its IPv4 ones.</summary>
    public IReadOnlyList<string> ShownDnsServers(Interface @interface)
    {
        var v4 = DnsServers(@interface, ipv6: false);
        return [.. ShownIPv6Servers(v4, DnsServers(@interface, ipv6: true)), .. v4];
    }
}
