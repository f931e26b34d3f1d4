using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>route print</c> (<c>-4</c>, <c>-6</c>, before or after <c>print</c>) in Windows' layout over the computer's routing
/// table (<see cref="NetworkSettings.Routes"/>, what Get-NetRoute lists): the interface list, the IPv4 routes with their
/// netmask, gateway ("On-link" for a route without a next hop), interface address and metric (the route's and the
/// interface's together), the persistent default route of a static gateway, then the IPv6 routes. Adding, changing and
/// deleting routes are not emulated (the line is the scenario error of a command the emulator does not know as written).
/// The rows' order and the interface list's loopback name are as remembered (UNVERIFIED).
/// </summary>
internal sealed class RoutePrintScript(bool ipv4, bool ipv6) : ICommandLineScript
{
    private const string Rule = "===========================================================================\r\n";

    public string Description => "route print";

    public static bool TryParse(string line, out RoutePrintScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count is < 2 or > 3 || !CommandLineText.IsProgram(tokens[0], "route")) return false;
        var rest = tokens.Skip(1).Select(t => t.ToLowerInvariant()).ToList();
        if (!rest.Remove("print")) return false;
        if (rest is [] or ["-4"] or ["-6"])
        {
            script = new RoutePrintScript(rest is not ["-6"], rest is not ["-4"]);
            return true;
        }

        return false;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = host.NetworkSettings ?? new NetworkSettings();
        var routes = settings.Routes();
        var address = settings.IPv4.Address;
        var text = new StringBuilder(Rule);
        text.Append("Interface List\r\n");
        text.Append("  4...").Append(settings.MacAddress.Replace('-', ' ').ToLowerInvariant()).Append(" ......Microsoft Hyper-V Network Adapter\r\n");
        text.Append("  1...........................Software Loopback Interface 1\r\n");
        text.Append(Rule);
        if (ipv4)
        {
            text.Append("\r\nIPv4 Route Table\r\n").Append(Rule).Append("Active Routes:\r\n");
            text.Append("Network Destination        Netmask          Gateway       Interface  Metric\r\n");
            var rows = routes.Where(r => !r.IPv6)
                .Select(r => (Route: r, Destination: r.DestinationPrefix.Split('/')[0], Prefix: int.Parse(r.DestinationPrefix.Split('/')[1], CultureInfo.InvariantCulture)))
                .OrderBy(r => NetworkSettings.ToNumber(r.Destination)).ThenBy(r => r.Route.InterfaceIndex == NetworkSettings.Interfaces[0].Index ? 1 : 0);
            foreach (var (route, destination, prefix) in rows)
            {
                var loopback = route.InterfaceIndex != NetworkSettings.Interfaces[0].Index;
                var gateway = route.NextHop == "0.0.0.0" ? "On-link" : route.NextHop;
                text.Append(CultureInfo.InvariantCulture, $"{destination,17}{NetworkSettings.IPv4Configuration.MaskOf(prefix),17}{gateway,17}{(loopback ? "127.0.0.1" : address),17}{route.RouteMetric + route.InterfaceMetric,7}\r\n");
            }

            text.Append(Rule).Append("Persistent Routes:\r\n");
            if (settings.IPv4.DefaultGateway is { } persistent)
            {
                text.Append("  Network Address          Netmask  Gateway Address  Metric\r\n");
                text.Append(CultureInfo.InvariantCulture, $"{"0.0.0.0",17}{"0.0.0.0",17}{persistent,17}  Default\r\n");
            }
            else
            {
                text.Append("  None\r\n");
            }

            text.Append(Rule);
        }

        if (ipv6)
        {
            text.Append("\r\nIPv6 Route Table\r\n").Append(Rule).Append("Active Routes:\r\n");
            text.Append(" If Metric Network Destination      Gateway\r\n");
            foreach (var route in routes.Where(r => r.IPv6).OrderBy(r => r.DestinationPrefix, StringComparer.Ordinal).ThenBy(r => r.InterfaceIndex))
            {
                text.Append(CultureInfo.InvariantCulture, $"{route.InterfaceIndex,3}{route.RouteMetric + route.InterfaceMetric,7} {route.DestinationPrefix,-24} {(route.NextHop == "::" ? "On-link" : route.NextHop)}\r\n");
            }

            text.Append(Rule).Append("Persistent Routes:\r\n  None\r\n");
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
