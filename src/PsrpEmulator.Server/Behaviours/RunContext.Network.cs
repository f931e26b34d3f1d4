using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Test-Connection and Test-NetConnection (<c>tnc</c>) from the computer itself, as ping answers (see
/// <see cref="PingCommandScript"/>): loopback addresses, localhost and the computer's own name answer; another
/// address does not; another name is not found. Test-Connection writes a Win32_PingStatus per echo (a second apart on
/// the server's clock; <c>-Count</c>, 4 by default) or, with <c>-Quiet</c>, whether any came back; a target that does
/// not answer is 5.1's TestConnectionException. Test-NetConnection writes a TestNetConnectionResult (PingSucceeded;
/// with <c>-Port</c>, TcpTestSucceeded: the computer's listening ports, those netstat lists, 135, 445, 5985, 47001) and
/// its warnings, or a Boolean with <c>-InformationLevel Quiet</c>. The objects' type names and the warnings' texts
/// are UNVERIFIED.
/// </summary>
internal sealed partial class RunContext
{
    private string ComputerName => host.EnvironmentVariable("COMPUTERNAME") ?? "localhost";

    /// <summary>The computer's Ethernet adapter's IPv4 configuration (the default computer's on a host without network settings).</summary>
    private NetworkSettings.IPv4Configuration OwnIPv4 => Host.NetworkSettings?.IPv4 ?? NetworkSettings.IPv4Configuration.Default;

    /// <summary>
    /// A TCP connection from this computer to a resolved address: accepted (true) where something listens, refused
    /// (false), or unanswered (null). Another of the emulator's computers lets it in or drops it by its own firewall
    /// (<see cref="NetworkSettings.NeighbourAcceptsTcp"/>), whatever ping says; any other address that answers ping
    /// has the computers' listening ports, one that does not answers nothing.
    /// </summary>
    private bool? TcpAccepted(string address, int port, bool answers) =>
        Host.NetworkSettings is { } network && network.IsNeighbour(address) ? network.NeighbourAcceptsTcp(address, port)
        : answers ? ListeningSockets.TcpPorts.Contains(port) : null;

    /// <summary>Whether a -ComputerName value names the session's own computer ('.', localhost or its name).</summary>
    private bool IsThisComputer(string name) =>
        name == "." || name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.Equals(ComputerName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A name or address as this computer resolves it for a TCP connection (IPv4: the emulator's computers have no IPv6
    /// address), with whether another of the emulator's computers there lets <paramref name="port"/> in; null for a
    /// name that does not resolve.
    /// </summary>
    private (string Address, bool NeighbourLetsIn)? ResolveForTcp(string name, int port) =>
        CommandLines.PingCommandScript.Resolve(name, ComputerName, ipv4Only: true, disk: Host.FileSystem, ipv4: OwnIPv4, network: Host.NetworkSettings) is var (address, _, _)
            ? (address, Host.NetworkSettings?.NeighbourLetsIn(address, port) == true)
            : null;

    /// <summary>
    /// Whether a name or address reaches the session's own computer: <see cref="IsThisComputer"/>, a loopback address
    /// (127.x.x.x, ::1) or its own IPv4 address.
    /// </summary>
    private bool ReachesThisComputer(string name) =>
        IsThisComputer(name) || name == OwnIPv4.Address || System.Net.IPAddress.TryParse(name, out var address) && System.Net.IPAddress.IsLoopback(address);

    private async ValueTask TestConnectionAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (arguments["ComputerName"] is not { } targetWord)
        {
            throw new StatementTerminatedException(ParameterError("Test-Connection", "Cannot process command because of one or more missing mandatory parameters: ComputerName.", "MissingMandatoryParameter"));
        }

        var targets = ScriptExpressions.Enumerate(await ArgumentAsync(targetWord, to, blockNesting)).Select(PipelineVariables.Display).ToList();
        var count = arguments["Count"] is { } countWord && ScriptExpressions.AsNumber(await ArgumentAsync(countWord, to, blockNesting)) is { } n ? (int)Math.Clamp(n, 1, 1_000_000) : 4;
        var size = arguments["BufferSize"] is { } sizeWord && ScriptExpressions.AsNumber(await ArgumentAsync(sizeWord, to, blockNesting)) is { } b ? (int)Math.Clamp(b, 0, 65500) : 32;
        var quiet = arguments.Has("Quiet");
        var computer = ComputerName;
        foreach (var target in targets)
        {
            var resolved = PingCommandScript.Resolve(target, computer, disk: Host.FileSystem, ipv4: OwnIPv4, network: Host.NetworkSettings);
            if (resolved is not { Answers: true } answering)
            {
                // Each echo waits for its reply in vain (its timeout, as ping's 4 s) before the command gives up.
                if (resolved is not null) await (to ?? host).SleepAsync(TimeSpan.FromSeconds(4) * count, time, cancellationToken);
                if (quiet)
                {
                    await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(false)), cancellationToken);
                    continue;
                }

                var reason = resolved is null ? "No such host is known" : "Error due to lack of resources";
                await WriteErrorAsync(new ScriptedError($"Testing connection to computer '{target}' failed: {reason}", "TestConnectionException,Microsoft.PowerShell.Commands.TestConnectionCommand",
                    ErrorCategory.ResourceUnavailable, "System.Net.NetworkInformation.PingException", target) { Activity = "Test-Connection" }, output);
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                if (i > 0) await (to ?? host).SleepAsync(TimeSpan.FromSeconds(1), time, cancellationToken);
                if (quiet) continue;
                var v4 = answering.Address.Contains('.', StringComparison.Ordinal) ? answering.Address : answering.Address == "::1" ? "127.0.0.1" : OwnIPv4.Address;
                await output.WriteAsync(new PipelineOutput(new PsObject(["System.Management.ManagementObject#root\\cimv2\\Win32_PingStatus", "System.Management.ManagementObject",
                        "System.Management.ManagementBaseObject", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"])
                    { ToStringValue = $"\\\\{computer.ToUpperInvariant()}\\root\\cimv2:Win32_PingStatus.Address=\"{target}\"" }
                    .With("Source", computer.ToUpperInvariant())
                    .With("Destination", target)
                    .With("Address", target)
                    .With("ProtocolAddress", answering.Address)
                    .With("IPV4Address", v4)
                    .With("IPV6Address", answering.Address.Contains(':', StringComparison.Ordinal) ? answering.Address : string.Empty)
                    .With("BufferSize", PsPrimitive.UInt32((uint)size))
                    .With("ReplySize", PsPrimitive.UInt32((uint)size))
                    .With("ResponseTime", PsPrimitive.UInt32(0))
                    .With("StatusCode", PsPrimitive.UInt32(0))
                    .With("TimeToLive", PsPrimitive.UInt32(128))
                    .With("PSComputerName", computer.ToUpperInvariant())), cancellationToken);
            }

            if (quiet) await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(true)), cancellationToken);
        }
    }

    private async ValueTask TestNetConnectionAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var target = arguments["ComputerName"] is { } targetWord ? PipelineVariables.Display(await ArgumentAsync(targetWord, to, blockNesting)) : "internetbeacon.msedge.net";
        int? port = arguments["Port"] is { } portWord && ScriptExpressions.AsNumber(await ArgumentAsync(portWord, to, blockNesting)) is { } p ? (int)p : null;
        if (port is null && arguments["CommonTCPPort"] is { } commonWord)
        {
            port = PipelineVariables.Display(await ArgumentAsync(commonWord, to, blockNesting)).ToUpperInvariant() switch
            {
                "HTTP" => 80, "RDP" => 3389, "SMB" => 445, "WINRM" => 5985,
                var other => throw new StatementTerminatedException(ParameterError("Test-NetConnection", $"Cannot validate argument on parameter 'CommonTCPPort'. The argument \"{other}\" does not belong to the set \"HTTP,RDP,SMB,WINRM\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.", "ParameterArgumentValidationError", other)),
            };
        }

        var quiet = arguments["InformationLevel"] is { } levelWord && PipelineVariables.Display(await ArgumentAsync(levelWord, to, blockNesting)).Equals("Quiet", StringComparison.OrdinalIgnoreCase);
        var resolved = PingCommandScript.Resolve(target, ComputerName, ipv4Only: true, disk: Host.FileSystem, ipv4: OwnIPv4, network: Host.NetworkSettings);
        if (resolved is null)
        {
            await output.WriteAsync(new WarningRecordMessage($"Name resolution of {target} failed"), cancellationToken);
            if (quiet) await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(false)), cancellationToken);
            else await output.WriteAsync(new PipelineOutput(PsObjects.CustomObject().With("ComputerName", target).With("RemoteAddress", PsNil.Instance)
                .With("PingSucceeded", false).With("TcpTestSucceeded", false)), cancellationToken);
            return;
        }

        var (address, _, answers) = resolved.Value;
        // A loopback address leaves by the loopback pseudo-interface; any other (the computer's own too) by Ethernet.
        var loopback = System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address));
        var accepted = port is { } probed ? TcpAccepted(address, probed, answers) : null;
        var tcp = accepted == true;
        // The echo's timeout, then a connection nothing answers waits out its own.
        var dropped = port is not null && accepted is null;
        if (!answers || dropped) await (to ?? host).SleepAsync(TimeSpan.FromSeconds((answers ? 0 : 4) + (dropped ? 21 : 0)), time, cancellationToken);
        if (port is { } tried && !tcp) await output.WriteAsync(new WarningRecordMessage($"TCP connect to ({address} : {tried}) failed"), cancellationToken);
        if (!answers) await output.WriteAsync(new WarningRecordMessage($"Ping to {address} failed with status: TimedOut"), cancellationToken);
        if (quiet)
        {
            await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(port is null ? answers : tcp)), cancellationToken);
            return;
        }

        var result = new PsObject(["TestNetConnectionResult", "System.Object"]) { ToStringValue = "TestNetConnectionResult" }
            .With("ComputerName", target)
            .With("RemoteAddress", address)
            .With("InterfaceAlias", loopback ? "Loopback Pseudo-Interface 1" : "Ethernet")
            .With("SourceAddress", loopback ? "127.0.0.1" : OwnIPv4.Address)
            .With("PingSucceeded", answers)
            .With("PingReplyDetails (RTT)", answers ? "0 ms" : string.Empty);
        if (port is { } remote) result = result.With("RemotePort", remote).With("TcpTestSucceeded", tcp);
        await output.WriteAsync(new PipelineOutput(result), cancellationToken);
    }

    /// <summary>
    /// Restart-Computer of the computer itself (no -ComputerName, or ., localhost, its name): the restart begins at once
    /// (<see cref="IComputerPower"/>: the session goes with the computer's other shells). -Wait is 5.1's error for the local
    /// computer; another computer is not emulated; a restart already pending is RestartcomputerFailed.
    /// </summary>
    private async ValueTask RestartComputerAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var computer = ComputerName;
        var names = arguments["ComputerName"] is { } word ? ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)).Select(PipelineVariables.Display).ToList() : ["localhost"];
        foreach (var name in names)
        {
            if (!IsThisComputer(name))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Restart-Computer -ComputerName {name} is not emulated: another computer restarts from its own session (shutdown /r or Restart-Computer there)"));
            }

            if (arguments.Has("Wait"))
            {
                await WriteErrorAsync(new ScriptedError("Cannot wait for the local computer to restart. The local computer is ignored when the Wait parameter is specified.",
                    "CannotWaitLocalComputer,Microsoft.PowerShell.Commands.RestartComputerCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException", "localhost") { Activity = "Restart-Computer" }, output);
                continue;
            }

            if (await WhatIfAsync(arguments, "Enable the Remote shutdown access rights and restart the computer.", $"localhost ({computer.ToUpperInvariant()})")) continue;
            if (Host.Power is not { } power) throw new ScriptExpressionException(ScriptedError.ScenarioFault("Restart-Computer needs a computer's session"));
            if (power.ScheduleRestart(TimeSpan.Zero))
            {
                // Restart-Computer asks WMI's Win32Shutdown: the System log's 1074 names WMI's provider host (UNVERIFIED).
                Host.EventLogs?.RestartRequested(computer, EventLogUser(), @"C:\Windows\system32\wbem\wmiprvse.exe");
            }
            else
            {
                await WriteErrorAsync(new ScriptedError($"Failed to restart the computer {computer.ToUpperInvariant()} with the following error message: A system shutdown is in progress.",
                    "RestartcomputerFailed,Microsoft.PowerShell.Commands.RestartComputerCommand", ErrorCategory.OperationStopped, "System.InvalidOperationException", computer.ToUpperInvariant()) { Activity = "Restart-Computer" }, output);
            }
        }
    }
}
