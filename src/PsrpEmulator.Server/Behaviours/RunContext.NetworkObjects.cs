using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The .NET network objects scripts test reachability with, from the computer itself and as ping and Test-NetConnection
/// answer (<see cref="PingCommandScript.Resolve"/>): <c>System.Net.NetworkInformation.Ping</c>'s <c>Send(host[,
/// timeout...])</c> (a PingReply: Success from a loopback address, localhost or the computer's own name, TimedOut from
/// another address, at once rather than after the timeout; another name .NET's PingException), and
/// <c>System.Net.Sockets.TcpClient</c>'s <c>Connect(host, port)</c>, <c>BeginConnect</c> with its
/// <c>AsyncWaitHandle.WaitOne(...)</c>, <c>EndConnect</c>, <c>Connected</c>, <c>Close</c> and <c>Dispose</c> (a port the
/// computer listens on connects; another is refused, as Windows refuses it; another address does not answer). Nothing
/// is sent; streams (<c>GetStream</c>) and UdpClient are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal const string PingTypeName = "System.Net.NetworkInformation.Ping";
    internal const string TcpClientTypeName = "System.Net.Sockets.TcpClient";

    private sealed class TcpClientState
    {
        public bool Connected;
        public string? Failure;
        public bool TimedOut;
    }

    private static readonly ConditionalWeakTable<PsObject, TcpClientState> TcpClients = [];

    // A BeginConnect's result: the client it connects and whether its wait ends before the timeout.
    private static readonly ConditionalWeakTable<PsObject, TcpClientState> ConnectResults = [];

    private static PsObject NewPing() =>
        new(["System.Net.NetworkInformation.Ping", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = PingTypeName };

    private PsObject NewTcpClient(IReadOnlyList<PsValue> arguments)
    {
        var client = new PsObject([TcpClientTypeName, "System.Object"]) { ToStringValue = TcpClientTypeName };
        var state = new TcpClientState();
        TcpClients.AddOrUpdate(client, state);
        Refresh(client, state);
        // new TcpClient(host, port) connects at once.
        if (arguments.Count == 2) Connect(client, state, ".ctor", arguments);
        return client;
    }

    private static void Refresh(PsObject client, TcpClientState state)
    {
        client.AdaptedProperties.Clear();
        client.AdaptedProperties.AddRange(
        [
            new("Client", PsNil.Instance),
            new("Available", PsPrimitive.Int32(0)),
            new("Connected", PsPrimitive.Boolean(state.Connected)),
            new("ExclusiveAddressUse", PsPrimitive.Boolean(false)),
            new("ReceiveBufferSize", PsPrimitive.Int32(65536)),
            new("SendBufferSize", PsPrimitive.Int32(65536)),
            new("ReceiveTimeout", PsPrimitive.Int32(0)),
            new("SendTimeout", PsPrimitive.Int32(0)),
            new("LingerState", PsNil.Instance),
            new("NoDelay", PsPrimitive.Boolean(false)),
        ]);
    }

    // Where a connection to host:port from this computer goes: connected, refused, unanswered, or no such host.
    private void Attempt(TcpClientState state, string host, int port)
    {
        state.Connected = false;
        state.TimedOut = false;
        state.Failure = null;
        if (PingCommandScript.Resolve(host, ComputerName, ipv4Only: true, ipv4: OwnIPv4, network: Host.NetworkSettings) is not var (address, _, answers))
        {
            state.Failure = "No such host is known";
            return;
        }

        var accepted = TcpAccepted(address, port, answers);
        if (accepted is null)
        {
            state.TimedOut = true;
            state.Failure = $"A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond {address}:{port}";
            return;
        }

        if (accepted == true) state.Connected = true;
        else state.Failure = $"No connection could be made because the target machine actively refused it {address}:{port}";
    }

    private void Connect(PsObject client, TcpClientState state, string method, IReadOnlyList<PsValue> arguments)
    {
        var port = ScriptExpressions.AsNumberOrNull(arguments[1]) is { } n and >= 0 and <= 65535 ? (int)n
            : throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments.Count, "Specified argument was out of the range of valid values.\r\nParameter name: port", typeof(ArgumentOutOfRangeException)));
        Attempt(state, PipelineVariables.Display(arguments[0]), port);
        Refresh(client, state);
        if (state.Failure is { } failure) throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments.Count, failure, typeof(System.Net.Sockets.SocketException)));
    }

    /// <summary>A method of a Ping, a TcpClient or a BeginConnect's result; null for another object or method.</summary>
    private PsValue? NetworkObjectMethod(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        if (target.TypeNames is [PingTypeName, ..])
        {
            if (name.Equals("Dispose", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0) return PsNil.Instance;
            if (!name.Equals("Send", StringComparison.OrdinalIgnoreCase) || arguments.Count is < 1 or > 4) return null;
            var host = PipelineVariables.Display(arguments[0]);
            if (PingCommandScript.Resolve(host, ComputerName, ipv4: OwnIPv4, network: Host.NetworkSettings) is not var (address, _, answers))
            {
                throw new ScriptExpressionException(ScriptedError.MethodInvocation("Send", arguments.Count, "An exception occurred during a Ping request.", typeof(System.Net.NetworkInformation.PingException)));
            }

            return PingReply(address, answers);
        }

        if (TcpClients.TryGetValue(target, out var state))
        {
            switch (name.ToUpperInvariant(), arguments.Count)
            {
                case ("CONNECT", 2):
                    Connect(target, state, "Connect", arguments);
                    return PsNil.Instance;
                case ("BEGINCONNECT", 4):
                {
                    var port = ScriptExpressions.AsNumberOrNull(arguments[1]) is { } n and >= 0 and <= 65535 ? (int)n : -1;
                    Attempt(state, PipelineVariables.Display(arguments[0]), port);
                    Refresh(target, state);
                    var wait = new PsObject(["System.Threading.ManualResetEvent", "System.Threading.EventWaitHandle", "System.Threading.WaitHandle", "System.MarshalByRefObject", "System.Object"])
                    {
                        ToStringValue = "System.Threading.ManualResetEvent",
                    };
                    ConnectResults.AddOrUpdate(wait, state);
                    var result = new PsObject(["System.Net.Sockets.Socket+MultipleAddressConnectAsyncResult", "System.Net.ContextAwareResult", "System.Net.LazyAsyncResult", "System.Object"])
                    {
                        ToStringValue = "System.Net.Sockets.Socket+MultipleAddressConnectAsyncResult",
                    };
                    result.AdaptedProperties.AddRange(
                    [
                        new("AsyncState", PsNil.Instance), new("CompletedSynchronously", PsPrimitive.Boolean(false)),
                        new("IsCompleted", PsPrimitive.Boolean(!state.TimedOut)), new("AsyncWaitHandle", wait),
                    ]);
                    ConnectResults.AddOrUpdate(result, state);
                    return result;
                }

                case ("ENDCONNECT", 1):
                    return state.Failure is { } failure
                        ? throw new ScriptExpressionException(ScriptedError.MethodInvocation("EndConnect", 1, failure, typeof(System.Net.Sockets.SocketException)))
                        : PsNil.Instance;
                case ("CLOSE" or "DISPOSE", 0):
                    state.Connected = false;
                    Refresh(target, state);
                    return PsNil.Instance;
                case ("GETSTREAM", 0):
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault("TcpClient.GetStream(): a connection's stream is not emulated (nothing is sent): give the script's command a rule"));
                default:
                    return null;
            }
        }

        // A BeginConnect's wait: it ends (true) unless the address never answers (false, at once rather than after the timeout).
        if (ConnectResults.TryGetValue(target, out var waited) && name.Equals("WaitOne", StringComparison.OrdinalIgnoreCase) && arguments.Count <= 2)
        {
            return PsPrimitive.Boolean(!waited.TimedOut);
        }

        return null;
    }

    // A PingReply: Success with the address and a round trip under a millisecond, or TimedOut without options.
    private static PsObject PingReply(string address, bool answers)
    {
        var reply = new PsObject(["System.Net.NetworkInformation.PingReply", "System.Object"]) { ToStringValue = "System.Net.NetworkInformation.PingReply" };
        var options = new PsObject(["System.Net.NetworkInformation.PingOptions", "System.Object"]) { ToStringValue = "System.Net.NetworkInformation.PingOptions" };
        options.AdaptedProperties.AddRange([new("Ttl", PsPrimitive.Int32(128)), new("DontFragment", PsPrimitive.Boolean(false))]);
        reply.AdaptedProperties.AddRange(
        [
            new("Status", PsObjects.Enum("System.Net.NetworkInformation.IPStatus", answers ? "Success" : "TimedOut", answers ? 0 : 11010)),
            new("Address", IPAddressObject(address)),
            new("RoundtripTime", PsPrimitive.Int64(0)),
            new("Options", answers ? options : PsNil.Instance),
            new("Buffer", ScriptExpressions.ByteArray(answers ? "abcdefghijklmnopqrstuvwabcdefghi"u8.ToArray() : [])),
        ]);
        return reply;
    }
}
