using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests.Disconnected;

/// <summary>
/// The disconnected-session operations as bare WS-Man requests, so the server's behaviour is tested on its own
/// wire terms (the session-level client API is tested separately).
/// </summary>
internal static class RawShellOperations
{
    public static WsManHeader Header(string action, string shellId, string resourceUri = WsManResourceUris.DefaultPowerShell, IReadOnlyList<WsManOption>? options = null) => new()
    {
        Action = action,
        ResourceUri = resourceUri,
        Selectors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId },
        Options = options ?? [],
    };

    public static Task DisconnectAsync(this WsManTransport transport, string shellId, TimeSpan? idleTimeout = null, string? bufferMode = null,
        string resourceUri = WsManResourceUris.DefaultPowerShell) =>
        transport.SendAsync(Header(WsManActions.Disconnect, shellId, resourceUri), new DisconnectBody(idleTimeout, bufferMode));

    public static Task ReconnectAsync(this WsManTransport transport, string shellId, string? commandId = null, string resourceUri = WsManResourceUris.DefaultPowerShell) =>
        transport.SendAsync(Header(WsManActions.Reconnect, shellId, resourceUri), new ReconnectBody(commandId, null));

    public static async Task<IReadOnlyList<ShellInfo>> EnumerateShellsAsync(this WsManTransport transport)
    {
        var header = new WsManHeader { Action = WsManActions.Enumerate, ResourceUri = WsManResourceUris.Shell };
        var response = (EnumerationResponseBody)(await transport.SendAsync(header, new EnumerateBody(true, 32000, null))).Body;
        return response.Shells;
    }

    public static async Task<IReadOnlyList<CommandInfo>> EnumerateCommandsAsync(this WsManTransport transport, string shellId)
    {
        var header = new WsManHeader { Action = WsManActions.Enumerate, ResourceUri = WsManResourceUris.ShellCommand };
        var filter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ShellId"] = shellId };
        var response = (EnumerationResponseBody)(await transport.SendAsync(header, new EnumerateBody(true, 32000, filter))).Body;
        return response.Commands;
    }

    public static async Task<ShellInfo> GetShellAsync(this WsManTransport transport, string shellId) =>
        ((ShellBody)(await transport.SendAsync(Header(WsManActions.Get, shellId, WsManResourceUris.Shell), EmptyBody.Instance)).Body).Shell;

    /// <summary>Connect from a new client: connectXml = SESSION_CAPABILITY + CONNECT_RUNSPACEPOOL; returns the messages of connectResponseXml.</summary>
    public static async Task<IReadOnlyList<PsrpMessage>> ConnectPoolAsync(this WsManTransport transport, string shellId, string? bufferMode = null)
    {
        var rpid = Guid.Parse(shellId);
        var xml = new System.Buffers.ArrayBufferWriter<byte>();
        FragmentCodec.WriteMessage(xml, 1, PsrpMessage.Create(PsrpDestination.Server, rpid, Guid.Empty, new SessionCapability("2.3", "2.0", "1.1.0.1")).ToArray(), 32768);
        FragmentCodec.WriteMessage(xml, 2, PsrpMessage.Create(PsrpDestination.Server, rpid, Guid.Empty, new ConnectRunspacePool(1, 1)).ToArray(), 32768);
        var header = Header(WsManActions.Connect, shellId, options: [new WsManOption("protocolversion", "2.3", MustComply: true)]);
        var response = (ConnectResponseBody)(await transport.SendAsync(header, new ConnectBody(null, bufferMode, xml.WrittenMemory))).Body;
        return new Defragmenter().Add(response.ConnectResponseXml!.Value);
    }

    public static Task ConnectCommandAsync(this WsManTransport transport, string shellId, string commandId) =>
        transport.SendAsync(Header(WsManActions.Connect, shellId), new ConnectBody(commandId, null, null));

    /// <summary>One Receive (pool when <paramref name="commandId"/> is null); TimedOut gives an empty result.</summary>
    public static async Task<(IReadOnlyList<PsrpMessage> Messages, bool Done)> ReceiveOnceAsync(this WsManTransport transport, string shellId, string? commandId, Defragmenter defragmenter, string resourceUri = WsManResourceUris.DefaultPowerShell)
    {
        try
        {
            var body = (ReceiveResponseBody)(await transport.SendAsync(Header(WsManActions.Receive, shellId, resourceUri), new ReceiveBody("stdout", commandId))).Body;
            var messages = body.Streams.SelectMany(s => defragmenter.Add(s.Data)).ToList();
            return (messages, body.CommandState?.State == WsManCommandStates.Done);
        }
        catch (WsManFaultException e) when (e.IsTimedOut)
        {
            return ([], false);
        }
    }

    /// <summary>Receives a command's output until CommandState Done; returns the output strings and the final state.</summary>
    public static async Task<(List<string> Output, PSInvocationState State)> ReceiveAllAsync(this WsManTransport transport, string shellId, string commandId, string resourceUri = WsManResourceUris.DefaultPowerShell)
    {
        var defragmenter = new Defragmenter();
        var output = new List<string>();
        var state = PSInvocationState.Running;
        for (var done = false; !done;)
        {
            var (messages, finished) = await transport.ReceiveOnceAsync(shellId, commandId, defragmenter, resourceUri);
            foreach (var message in messages)
            {
                if (message.MessageType == PsrpMessageType.PipelineOutput) output.Add(message.ReadData().ToDisplayString());
                if (message.MessageType == PsrpMessageType.PipelineState) state = PipelineStateMessage.FromPsValue(message.ReadData()).State;
            }

            done = finished;
        }

        return (output, state);
    }

    /// <summary>Starts a script without receiving anything (what -InDisconnectedSession does before it disconnects).</summary>
    public static Task<PowerShellPipeline> StartWithoutReceivingAsync(this RunspacePoolClient pool, string script) => pool.StartAsync(script);

    public static PsValue Text(string s) => PsPrimitive.String(s);
}
