using System.Net;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What commands change of one computer's network: its interfaces' DNS servers (Set-DnsClientServerAddress), which
/// Get-DnsClientServerAddress, Get-NetIPConfiguration and <c>ipconfig /all</c> show. The computer's two interfaces are
/// the adapter (Ethernet, ifIndex 4) and the loopback pseudo-interface (ifIndex 1), as Get-NetAdapter and
/// Get-NetIPAddress list them; each starts without IPv4 DNS servers and with the three fec0 site-local ones Windows
/// lists for IPv6 when none is configured. The adapter's IPv4 configuration is static (<see cref="IPv4"/>: its address,
/// gateway and DNS servers, ipconfig's "DHCP Enabled: No"). Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class NetworkSettings(NetworkSettings.IPv4Configuration? ipv4 = null, int adapterNumber = 0)
{
    /// <summary>
    /// The Ethernet adapter's MAC address, dashed as Get-NetAdapter and ipconfig write it: a Hyper-V address
    /// (00-15-5D-...), 00-15-5D-0A-01-04 for the first computer and one more for each next one, so computers differ.
    /// </summary>
    public string MacAddress { get; } = MacAddressOf(adapterNumber);

    /// <summary>
    /// The emulator's other virtual computers, by name: their IPv4 addresses. They share the network (10.0.0.4, 10.0.0.5...
    /// by default) and its DNS server knows their names, as a domain's does: ping, Test-Connection, Test-NetConnection,
    /// Resolve-DnsName and [Net.Dns] reach them from this computer.
    /// </summary>
    public IReadOnlyDictionary<string, string> Neighbours { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether the neighbour at an address lets a packet in through its firewall: (address, "TCP" or "ICMPv4", port or
    /// ICMP type). Null: none does (a fresh Windows Server's firewall drops echo requests, so pings to it time out).
    /// </summary>
    public Func<string, string, int, bool>? NeighbourAllows { get; init; }

    /// <summary>The computer's clock: how long the DNS client cache keeps an answer.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The DNS client's cache of the DNS server's answers (Get-DnsClientCache, <c>ipconfig /displaydns</c>).</summary>
    public DnsClientCache DnsCache { get; } = new();

    /// <summary>
    /// A neighbour's address by name, as the computer's DNS client gets it from the DNS server, keeping the answers to
    /// the queries asked in its cache (the A record; the AAAA query's "no records"); with the A record when asked for
    /// it. Null for a name no neighbour has.
    /// </summary>
    public (string Address, DnsClientCache.Record? A)? ResolveNeighbour(string name, bool askedIPv4 = true, bool askedIPv6 = true) =>
        Neighbours.TryGetValue(name, out var address) ? (address, DnsCache.Resolved(name, address, askedIPv4, askedIPv6, Clock.GetUtcNow())) : null;

    /// <summary>Whether <paramref name="address"/> is a neighbour's.</summary>
    public bool IsNeighbour(string address) => Neighbours.Values.Contains(address);

    /// <summary>Whether the neighbour at <paramref name="address"/> answers an echo request (its firewall's FPS-ICMP4-ERQ-In rule, off by default).</summary>
    public bool NeighbourAnswersEcho(string address) => IsNeighbour(address) && NeighbourAllows?.Invoke(address, "ICMPv4", 8) == true;

    /// <summary>
    /// A TCP connection to a neighbour's port: accepted when its firewall lets it in and something listens there (the
    /// computers' listening ports, <see cref="ListeningSockets"/>), refused when let in to a port nothing listens on,
    /// unanswered (null) when the firewall drops it.
    /// </summary>
    public bool? NeighbourAcceptsTcp(string address, int port) =>
        NeighbourAllows?.Invoke(address, "TCP", port) == true ? ListeningSockets.TcpPorts.Contains(port) : null;

    /// <summary>Whether <paramref name="address"/> is a neighbour's whose firewall lets a connection to <paramref name="port"/> in to a listener.</summary>
    public bool NeighbourLetsIn(string address, int port) => IsNeighbour(address) && NeighbourAcceptsTcp(address, port) == true;

    /// <summary>The n-th computer's adapter's MAC address (0: the default computer's).</summary>
    public static string MacAddressOf(int number)
    {
        var value = 0x0104 + Math.Clamp(number, 0, 0xFEFB);
        return $"00-15-5D-0A-{value >> 8:X2}-{value & 0xFF:X2}";
    }

    /// <summary>
    /// The Ethernet adapter's static IPv4 configuration: its address and prefix length, its default gateway (null: none)
    /// and the DNS servers it starts with. A fresh Windows server on a private network has one, as a Hyper-V or cloud VM
    /// does; the emulator's computers get 10.0.0.4, 10.0.0.5, ... (<see cref="ForComputer"/>) unless configured.
    /// </summary>
    public sealed record IPv4Configuration(string Address, int PrefixLength, string? DefaultGateway, IReadOnlyList<string> DnsServers)
    {
        /// <summary>The first computer's: 10.0.0.4/24, gateway and DNS server 10.0.0.1.</summary>
        public static IPv4Configuration Default { get; } = ForComputer(0);

        /// <summary>The subnet mask of the prefix length (255.255.255.0 for 24).</summary>
        public string SubnetMask => MaskOf(PrefixLength);

        /// <summary>The IPv4 mask of a prefix length, dotted (255.255.240.0 for 20).</summary>
        public static string MaskOf(int prefixLength) => Dotted(prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength));

        /// <summary>The n-th computer's (0 the default computer's): 10.0.k.(4 + m) of 10.0.k.0/24 with gateway and DNS 10.0.k.1, for n = 250k + m.</summary>
        public static IPv4Configuration ForComputer(int index)
        {
            var (subnet, host) = Math.DivRem(Math.Max(index, 0), 250);
            var gateway = $"10.0.{subnet % 256}.1";
            return new($"10.0.{subnet % 256}.{host + 4}", 24, gateway, [gateway]);
        }

        /// <summary>
        /// A configured one: <paramref name="address"/> as "A.B.C.D/prefix" (a bare address is /24); the gateway
        /// (empty: none; null: none); the DNS servers (null: the gateway's). Null with a reason when a value is no IPv4 address.
        /// </summary>
        public static IPv4Configuration? TryParse(string address, string? gateway, IReadOnlyList<string>? dnsServers, out string? problem)
        {
            problem = null;
            var slash = address.IndexOf('/', StringComparison.Ordinal);
            var prefix = 24;
            if (!IsIPv4(slash < 0 ? address : address[..slash]) ||
                (slash >= 0 && (!int.TryParse(address[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix is < 1 or > 32)))
            {
                problem = $"'{address}' is no IPv4 address with an optional prefix length (10.0.0.5/24)";
                return null;
            }

            gateway = string.IsNullOrWhiteSpace(gateway) ? null : gateway.Trim();
            if (gateway is not null && !IsIPv4(gateway))
            {
                problem = $"default gateway '{gateway}' is no IPv4 address";
                return null;
            }

            if (dnsServers?.FirstOrDefault(d => !IsIPv4(d)) is { } bad)
            {
                problem = $"DNS server '{bad}' is no IPv4 address";
                return null;
            }

            return new(IPAddress.Parse(slash < 0 ? address : address[..slash]).ToString(), prefix, gateway,
                dnsServers is null ? (gateway is null ? [] : [gateway]) : [.. dnsServers.Select(d => IPAddress.Parse(d).ToString())]);
        }

        private static bool IsIPv4(string text) =>
            IPAddress.TryParse(text, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;
    }

    /// <summary>The Ethernet adapter's IPv4 configuration.</summary>
    public IPv4Configuration IPv4 { get; } = ipv4 ?? IPv4Configuration.Default;

    /// <summary>An interface: its alias and index.</summary>
    public sealed record Interface(string Alias, int Index);

    public static readonly IReadOnlyList<Interface> Interfaces = [new("Ethernet", 4), new("Loopback Pseudo-Interface 1", 1)];

    /// <summary>The Ethernet network's profile name: "Network" (Windows names the first network it identifies by its gateway so), or "Unidentified network" without a gateway.</summary>
    public string ProfileName => IPv4.DefaultGateway is null ? "Unidentified network" : "Network";

    /// <summary>The Ethernet network's category (Set-NetConnectionProfile): Public, as Windows makes a new network on a server, or Private.</summary>
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

    /// <summary>
    /// An interface's DNS client settings (MSFT_DNSClient): its connection-specific suffix, whether it registers its
    /// addresses in DNS (Windows' default) and whether with the suffix (not by default).
    /// </summary>
    public sealed record DnsClientSettings(string ConnectionSpecificSuffix, bool RegisterThisConnectionsAddress, bool UseSuffixWhenRegistering)
    {
        /// <summary>A fresh interface's: no suffix, registering its addresses without one.</summary>
        public static DnsClientSettings Default { get; } = new(string.Empty, true, false);
    }

    private readonly Dictionary<int, DnsClientSettings> _dnsClients = [];

    /// <summary>An interface's DNS client settings now (Set-DnsClient changes them).</summary>
    public DnsClientSettings DnsClientOf(Interface @interface)
    {
        lock (_gate) return _dnsClients.GetValueOrDefault(@interface.Index) ?? DnsClientSettings.Default;
    }

    /// <summary>Changes an interface's DNS client settings.</summary>
    public void SetDnsClient(Interface @interface, Func<DnsClientSettings, DnsClientSettings> change)
    {
        lock (_gate) _dnsClients[@interface.Index] = change(_dnsClients.GetValueOrDefault(@interface.Index) ?? DnsClientSettings.Default);
    }

    /// <summary>
    /// The DNS client's global settings (MSFT_DNSClientGlobalSetting): the suffix search list (none on a fresh computer),
    /// whether it is used, devolution and its level.
    /// </summary>
    public sealed record DnsClientGlobalSettings(IReadOnlyList<string> SuffixSearchList, bool UseSuffixSearchList, bool UseDevolution, uint DevolutionLevel)
    {
        /// <summary>A fresh computer's: no list, devolution on at level 0.</summary>
        public static DnsClientGlobalSettings Default { get; } = new([], true, true, 0);
    }

    private DnsClientGlobalSettings _dnsGlobal = DnsClientGlobalSettings.Default;

    /// <summary>The DNS client's global settings now (Set-DnsClientGlobalSetting changes them).</summary>
    public DnsClientGlobalSettings DnsClientGlobal
    {
        get { lock (_gate) return _dnsGlobal; }
        set { lock (_gate) _dnsGlobal = value; }
    }

    /// <summary>
    /// The suffixes the resolver appends to a single-label name, as ipconfig /all lists them: the global list when
    /// one is set, else the interfaces' connection-specific suffixes (the computer has no primary DNS suffix).
    /// </summary>
    public IReadOnlyList<string> EffectiveSuffixSearchList()
    {
        lock (_gate)
        {
            if (_dnsGlobal.SuffixSearchList.Count > 0) return _dnsGlobal.SuffixSearchList;
            return [.. Interfaces.Select(i => (_dnsClients.GetValueOrDefault(i.Index) ?? DnsClientSettings.Default).ConnectionSpecificSuffix).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>An interface's DNS servers of one family (the configured ones, else the defaults).</summary>
    public IReadOnlyList<string> DnsServers(Interface @interface, bool ipv6)
    {
        lock (_gate)
        {
            return _servers.TryGetValue((@interface.Index, ipv6), out var servers) ? servers
                : ipv6 ? DefaultIPv6Servers
                : @interface.Index == Interfaces[0].Index ? IPv4.DnsServers : [];
        }
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

    /// <summary>-ResetServerAddresses: none for IPv4 (a static configuration has no DHCP to ask) and the defaults for IPv6.</summary>
    public void ResetDnsServers(Interface @interface)
    {
        lock (_gate)
        {
            _servers[(@interface.Index, false)] = [];
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

    /// <summary>A route of the computer's routing table: its interface, destination prefix, next hop (0.0.0.0 or :: on-link), route metric and origin.</summary>
    public sealed record Route(int InterfaceIndex, string DestinationPrefix, string NextHop, int RouteMetric, string Protocol)
    {
        public bool IPv6 => DestinationPrefix.Contains(':', StringComparison.Ordinal);

        public string InterfaceAlias => NetworkSettings.Interfaces.First(i => i.Index == InterfaceIndex).Alias;

        /// <summary>The interface's metric (<see cref="MetricOf"/>).</summary>
        public int InterfaceMetric => MetricOf(InterfaceIndex);
    }

    /// <summary>
    /// The routing table Windows builds from the adapter's IPv4 configuration and the loopback pseudo-interface, in the
    /// order Get-NetRoute lists it: broadcast and multicast routes of both, the subnet's broadcast, host and network
    /// routes, loopback's, the default route through the gateway (RouteMetric 0, NetMgmt), then IPv6's.
    /// </summary>
    public IReadOnlyList<Route> Routes()
    {
        var ipv4 = IPv4;
        const int Ethernet = 4, Loopback = 1;
        var address = ToNumber(ipv4.Address);
        var mask = ipv4.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - ipv4.PrefixLength);
        var subnet = $"{Dotted(address & mask)}/{ipv4.PrefixLength}";
        var broadcast = Dotted(address | ~mask);
        var routes = new List<Route>
        {
            new(Ethernet, "255.255.255.255/32", "0.0.0.0", 256, "Local"),
            new(Loopback, "255.255.255.255/32", "0.0.0.0", 256, "Local"),
            new(Ethernet, "224.0.0.0/4", "0.0.0.0", 256, "Local"),
            new(Loopback, "224.0.0.0/4", "0.0.0.0", 256, "Local"),
        };
        if (ipv4.PrefixLength < 32) routes.Add(new(Ethernet, broadcast + "/32", "0.0.0.0", 256, "Local"));
        routes.Add(new(Ethernet, ipv4.Address + "/32", "0.0.0.0", 256, "Local"));
        if (ipv4.PrefixLength < 32) routes.Add(new(Ethernet, subnet, "0.0.0.0", 256, "Local"));
        routes.AddRange(
        [
            new(Loopback, "127.255.255.255/32", "0.0.0.0", 256, "Local"),
            new(Loopback, "127.0.0.1/32", "0.0.0.0", 256, "Local"),
            new(Loopback, "127.0.0.0/8", "0.0.0.0", 256, "Local"),
        ]);
        if (ipv4.DefaultGateway is { } gateway) routes.Add(new(Ethernet, "0.0.0.0/0", gateway, 0, "NetMgmt"));
        routes.AddRange(
        [
            new(Ethernet, "ff00::/8", "::", 256, "Local"),
            new(Loopback, "ff00::/8", "::", 256, "Local"),
            new(Ethernet, Behaviours.CommandLines.PingCommandScript.LinkLocal.Split('%')[0] + "/128", "::", 256, "Local"),
            new(Ethernet, "fe80::/64", "::", 256, "Local"),
            new(Loopback, "::1/128", "::", 256, "Local"),
        ]);
        return routes;
    }

    /// <summary>An interface's automatic metric: 15 for the 10 Gbps adapter, 75 for loopback (UNVERIFIED).</summary>
    public static int MetricOf(int interfaceIndex) => interfaceIndex == Interfaces[0].Index ? 15 : 75;

    /// <summary>An IPv4 address as a number, its first byte highest (for masks and ordering).</summary>
    internal static uint ToNumber(string address)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    /// <summary>A number as a dotted IPv4 address.</summary>
    internal static string Dotted(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
}
