using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetTCPIP's Get-NetTCPConnection over the computer's listening sockets, those netstat lists (135 by svchost, 445, 5985
/// and 47001 by System, on 0.0.0.0 and ::): MSFT_NetTCPConnection instances (State Listen, the owning process netstat
/// -ano shows, CreationTime the last boot) chosen by -LocalAddress and -RemoteAddress (wildcards), -LocalPort,
/// -RemotePort, -State and -OwningProcess, in the module's table. A query that finds nothing is the cmdletization's
/// CmdletizationQuery_NotFound with its WHERE clause, as a query of ports, addresses or a process makes it (UNVERIFIED
/// for -State alone, which writes nothing); the listing's order and the table's widths are UNVERIFIED. The WinRM
/// connections of the emulator's clients are not listed (netstat lists none either).
/// </summary>
internal sealed partial class RunContext
{
    // MSFT_NetTCPConnection's State values (TCP_CONNECTION_STATE).
    private static readonly string[] TcpStates = ["", "Closed", "Listen", "SynSent", "SynReceived", "Established", "FinWait1", "FinWait2", "CloseWait", "Closing", "LastAck", "TimeWait", "DeleteTCB"];

    private async ValueTask GetNetTcpConnectionAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync("Get-NetTCPConnection", arguments, to, output, blockNesting, (a, o) => GetNetTcpConnectionAsync(a, to, o, blockNesting))) return;
        const string Command = "Get-NetTCPConnection";
        RefuseNotEmulated(Command, arguments, "AsJob", "AppliedSetting", "CreationTime", "OffloadState");
        async ValueTask<List<string>?> Texts(string parameter) => await OptionalTextsAsync(arguments, parameter, to, blockNesting);

        // Every listener: :: before 0.0.0.0, ports from the highest, as Windows lists them (UNVERIFIED).
        var boot = Host.Power?.LastBoot ?? EventLogs.DefaultBoot;
        var listeners = new[] { "::", "0.0.0.0" }.SelectMany(address => ListeningSockets.TcpPorts.OrderDescending().Select(port => (Address: address, Port: port, Process: ListeningSockets.TcpOwner(port)))).ToList();

        var where = new List<string>();
        var strict = false;
        var chosen = listeners.AsEnumerable();
        foreach (var parameter in new[] { "LocalAddress", "RemoteAddress" })
        {
            if (await Texts(parameter) is not { } patterns) continue;
            strict |= patterns.Any(p => !VirtualFileSystem.HasWildcard(p));
            var regexes = patterns.Select(VirtualFileSystem.Wildcard).ToList();
            // A listener's remote address is its local one's family's any-address (0.0.0.0, ::), as the local one is.
            chosen = chosen.Where(l => regexes.Any(r => r.IsMatch(l.Address)));
            where.Add("(" + string.Join(" OR ", patterns.Select(p => $"({parameter} LIKE '{p.Replace("*", "%", StringComparison.Ordinal).Replace("?", "_", StringComparison.Ordinal)}')")) + ")");
        }

        foreach (var parameter in new[] { "LocalPort", "RemotePort", "OwningProcess" })
        {
            if (await Texts(parameter) is not { } values) continue;
            var numbers = new List<long>();
            foreach (var value in values)
            {
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < 0 || parameter != "OwningProcess" && number > ushort.MaxValue)
                {
                    var type = parameter == "OwningProcess" ? "System.UInt32" : "System.UInt16";
                    throw new StatementTerminatedException(ParameterError(Command, $"Cannot process argument transformation on parameter '{parameter}'. Cannot convert value \"{value}\" to type \"{type}[]\". Error: \"Cannot convert value \"{value}\" to type \"{type}\". Error: \"Input string was not in a correct format.\"\"",
                        "ParameterArgumentTransformationError"));
                }

                numbers.Add(number);
            }

            strict = true;
            chosen = parameter switch
            {
                "LocalPort" => chosen.Where(l => numbers.Contains(l.Port)),
                "RemotePort" => chosen.Where(_ => numbers.Contains(0)),
                _ => chosen.Where(l => numbers.Contains(l.Process)),
            };
            where.Add("(" + string.Join(" OR ", numbers.Select(n => $"({parameter} = {n.ToString(CultureInfo.InvariantCulture)})")) + ")");
        }

        if (await Texts("State") is { } states)
        {
            var known = new List<int>();
            foreach (var state in states)
            {
                var index = Array.FindIndex(TcpStates, s => s.Length > 0 && s.Equals(state, StringComparison.OrdinalIgnoreCase));
                if (index < 0 && !state.Equals("Bound", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StatementTerminatedException(EnumParameterError(Command, "State", state, "Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetTCPConnection.State",
                        [.. TcpStates.Where(s => s.Length > 0), "Bound"]));
                }

                known.Add(index < 0 ? 100 : index);
            }

            chosen = chosen.Where(_ => known.Contains(2));
            where.Add("(" + string.Join(" OR ", known.Select(k => $"(State = {k.ToString(CultureInfo.InvariantCulture)})")) + ")");
        }

        var found = chosen.ToList();
        if (found.Count == 0 && strict)
        {
            await WriteErrorAsync(CimQueryNotFound(Command, "MSFT_NetTCPConnection", where), output);
            return;
        }

        foreach (var (address, port, process) in found) await output.WriteAsync(new PipelineOutput(TcpConnectionObject(address, port, process, boot)), cancellationToken);
    }

    private static PsObject TcpConnectionObject(string address, int port, int process, DateTimeOffset created)
    {
        const string Prefix = "Microsoft.Management.Infrastructure.CimInstance#";
        var o = new PsObject(
        [
            Prefix + "ROOT/StandardCimv2/MSFT_NetTCPConnection", Prefix + "ROOT/StandardCimv2/MSFT_NetTransportConnection", Prefix + "ROOT/StandardCimv2/CIM_ProtocolEndpoint",
            Prefix + "ROOT/StandardCimv2/CIM_ServiceAccessPoint", Prefix + "ROOT/StandardCimv2/CIM_EnabledLogicalElement", Prefix + "ROOT/StandardCimv2/CIM_LogicalElement",
            Prefix + "ROOT/StandardCimv2/CIM_ManagedSystemElement", Prefix + "ROOT/StandardCimv2/CIM_ManagedElement", Prefix + "MSFT_NetTCPConnection", Prefix + "MSFT_NetTransportConnection",
            Prefix + "CIM_ProtocolEndpoint", Prefix + "CIM_ServiceAccessPoint", Prefix + "CIM_EnabledLogicalElement", Prefix + "CIM_LogicalElement", Prefix + "CIM_ManagedSystemElement",
            Prefix + "CIM_ManagedElement", "Microsoft.Management.Infrastructure.CimInstance", "System.Object",
        ])
        {
            ToStringValue = "MSFT_NetTCPConnection (CreationClassName = \"\", Name = \"\", SystemCreationClassName = \"\", SystemName = \"\")",
        };
        o.AdaptedProperties.AddRange(
        [
            new("State", PsPrimitive.String("Listen")),
            new("AppliedSetting", PsNil.Instance),
            new("OwningProcess", PsPrimitive.UInt32((uint)process)),
            new("CreationTime", PsPrimitive.DateTime(created)),
            new("OffloadState", PsPrimitive.String("InHost")),
            new("LocalAddress", PsPrimitive.String(address)),
            new("LocalPort", PsPrimitive.UInt16((ushort)port)),
            new("RemoteAddress", PsPrimitive.String(address)),
            new("RemotePort", PsPrimitive.UInt16(0)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
