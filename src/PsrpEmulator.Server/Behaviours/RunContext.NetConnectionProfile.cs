using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetConnection's <c>Get-NetConnectionProfile</c> and <c>Set-NetConnectionProfile -NetworkCategory Private|Public</c>
/// (by <c>-Name</c>, <c>-InterfaceAlias</c>, <c>-InterfaceIndex</c>, or the profiles piped from Get-NetConnectionProfile,
/// as Packer and Vagrant boxes make their network private before enabling WinRM): the Ethernet adapter's one profile,
/// "Network" (a network with a gateway, identified by it; "Unidentified network" without one, its connectivity
/// NoTraffic), Public until a command changes it, which
/// Get-NetIPConfiguration's NetProfile follows. A value that names no profile is the cmdletization's not-found error; a
/// category the enum has not is the binder's conversion error. DomainAuthenticated (Windows refuses to set it), -CimSession
/// and -AsJob are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly HashSet<string> NetConnectionProfileCommandNames = new(StringComparer.Ordinal) { "Get-NetConnectionProfile", "Set-NetConnectionProfile" };

    private const string ProfileClass = "MSFT_NetConnectionProfile";

    private async ValueTask RunNetConnectionProfileCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunNetConnectionProfileCommandAsync(command, a, to, o, blockNesting))) return;
        RefuseNotEmulated(command, arguments, "AsJob");
        // Reading needs no computer's settings (a fresh network's profile); changing it does.
        var settings = Host.NetworkSettings ?? (command == "Get-NetConnectionProfile" ? new NetworkSettings()
            : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session")));
        var ethernet = NetworkSettings.Interfaces[0];
        string? category = null;
        if (command == "Set-NetConnectionProfile" && await OptionalTextsAsync(arguments, "NetworkCategory", to, blockNesting) is [var wanted, ..])
        {
            category = wanted.Trim() switch
            {
                var p when p.Equals("Private", StringComparison.OrdinalIgnoreCase) || p == "1" => "Private",
                var p when p.Equals("Public", StringComparison.OrdinalIgnoreCase) || p == "0" => "Public",
                var p when p.Equals("DomainAuthenticated", StringComparison.OrdinalIgnoreCase) || p == "2" =>
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -NetworkCategory DomainAuthenticated is not emulated: Windows sets it only on a domain's network")),
                _ => throw new StatementTerminatedException(ParameterError(command,
                    $"Cannot process argument transformation on parameter 'NetworkCategory'. Cannot convert value \"{wanted}\" to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.NetConnectionProfile.NetworkCategory\". " +
                    $"Error: \"Unable to match the identifier name {wanted} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nPublic, Private, DomainAuthenticated\"",
                    "ParameterArgumentTransformationError")),
            };
        }

        // The filters: each value matches the one profile or names none (a pattern that matches none is nothing).
        var matches = true;
        foreach (var (parameter, actual) in new[] { ("Name", settings.ProfileName), ("InterfaceAlias", ethernet.Alias), ("InterfaceIndex", ethernet.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
        {
            if (await OptionalTextsAsync(arguments, parameter, to, blockNesting) is not { } values) continue;
            if (values.Any(v => VirtualFileSystem.Wildcard(v).IsMatch(actual))) continue;
            matches = false;
            foreach (var value in values.Where(v => !VirtualFileSystem.HasWildcard(v))) await WriteErrorAsync(CimNotFound(command, ProfileClass, parameter, value), output);
        }

        if (!matches) return;
        if (command == "Get-NetConnectionProfile")
        {
            if (await OptionalTextsAsync(arguments, "NetworkCategory", to, blockNesting) is { } categories && !categories.Any(c => c.Equals(settings.NetworkCategory, StringComparison.OrdinalIgnoreCase))) return;
            await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(ConnectionProfile(settings), WmiServerName())), cancellationToken);
            return;
        }

        if (category is not null && !await WhatIfAsync(arguments, "Set", $"{ProfileClass} (Name = \"{settings.ProfileName}\", InterfaceIndex = {ethernet.Index})")) settings.NetworkCategory = category;
        if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(ConnectionProfile(settings), WmiServerName())), cancellationToken);
    }

    /// <summary>The Ethernet adapter's connection profile, as Get-NetConnectionProfile and Get-NetIPConfiguration's NetProfile give it.</summary>
    internal static PsObject ConnectionProfile(NetworkSettings settings)
    {
        const string Prefix = "Microsoft.Management.Infrastructure.CimInstance#";
        var o = new PsObject([Prefix + "ROOT/StandardCimv2/" + ProfileClass, Prefix + ProfileClass, "Microsoft.Management.Infrastructure.CimInstance", "System.Object"])
        {
            ToStringValue = $"{ProfileClass} (InstanceID = \"{{5B1C7B3E-4A0D-4C1E-9C5E-2E4C1B0A7F31}}\")",
        };
        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(settings.ProfileName)),
            new("InterfaceAlias", PsPrimitive.String(NetworkSettings.Interfaces[0].Alias)),
            new("InterfaceIndex", PsPrimitive.UInt32((uint)NetworkSettings.Interfaces[0].Index)),
            new("NetworkCategory", PsPrimitive.String(settings.NetworkCategory)),
            // A gateway but no way on to the Internet (the emulated computers reach no other host): LocalNetwork (UNVERIFIED).
            new("IPv4Connectivity", PsPrimitive.String(settings.IPv4.DefaultGateway is null ? "NoTraffic" : "LocalNetwork")),
            new("IPv6Connectivity", PsPrimitive.String("NoTraffic")),
        ]);
        return o;
    }
}
