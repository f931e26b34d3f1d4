using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// NetAdapter's <c>Get-NetAdapterBinding [-Name] [-ComponentID] [-DisplayName]</c> and <c>Enable-</c> /
/// <c>Disable-NetAdapterBinding -Name X [-ComponentID|-DisplayName] [-PassThru]</c> over the Ethernet adapter's bindings
/// (<see cref="NetworkSettings.Bindings"/>): what hardening scripts and templates change (IPv6 off with ms_tcpip6,
/// file sharing with ms_server) and InSpec's bridge resource reads (ms_bridge). Names, component ids and display names
/// take wildcards; an adapter name without one that matches none is the cmdletization's not-found error. The bindings'
/// other properties (BindName, InstanceID...) and piped bindings are not emulated; unbinding changes nothing else (the
/// adapter keeps its IPv6 addresses).
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly HashSet<string> NetAdapterBindingCommandNames = new(StringComparer.Ordinal)
    {
        "Get-NetAdapterBinding", "Enable-NetAdapterBinding", "Disable-NetAdapterBinding",
    };

    private const string BindingClass = "MSFT_NetAdapterBindingSettingData";

    private async ValueTask RunNetAdapterBindingCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunNetAdapterBindingCommandAsync(command, a, to, o, blockNesting))) return;
        RefuseNotEmulated(command, arguments, "InputObject", "AsJob", "IncludeHidden", "InterfaceDescription");
        var settings = Host.NetworkSettings ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        async ValueTask<List<string>?> Texts(string parameter) => await OptionalTextsAsync(arguments, parameter, to, blockNesting);
        var names = await Texts("Name");
        if (command != "Get-NetAdapterBinding" && names is null)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        const string Adapter = "Ethernet";
        foreach (var name in names ?? [])
        {
            if (!VirtualFileSystem.HasWildcard(name) && !name.Equals(Adapter, StringComparison.OrdinalIgnoreCase))
            {
                await WriteErrorAsync(new ScriptedError(
                    $"No MSFT_NetAdapterBindingSettingData objects found with property 'Name' equal to '{name}'.  Verify the value of the property and retry.",
                    $"CmdletizationQuery_NotFound_Name,{command}", ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Cmdletization.Cim.CimJobException", name) { Activity = command }, output);
            }
        }

        if (names is not null && !names.Any(n => VirtualFileSystem.Wildcard(n).IsMatch(Adapter))) return;
        var components = (await Texts("ComponentID"))?.Select(VirtualFileSystem.Wildcard).ToList();
        var displayNames = (await Texts("DisplayName"))?.Select(VirtualFileSystem.Wildcard).ToList();
        var chosen = NetworkSettings.Bindings.Where(b => (components is null || components.Any(c => c.IsMatch(b.ComponentId))) &&
            (displayNames is null || displayNames.Any(d => d.IsMatch(b.DisplayName)))).ToList();
        var enable = command == "Enable-NetAdapterBinding";
        foreach (var binding in chosen)
        {
            if (command != "Get-NetAdapterBinding")
            {
                if (await WhatIfAsync(arguments, command.Replace("-NetAdapterBinding", string.Empty, StringComparison.Ordinal), $"{binding.DisplayName} on {Adapter}")) continue;
                settings.SetBound(Adapter, binding, enable);
                if (!arguments.Has("PassThru")) continue;
            }

            await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(BindingObject(Adapter, binding, settings.IsBound(Adapter, binding)), WmiServerName())), cancellationToken);
        }
    }

    private static PsObject BindingObject(string adapter, NetworkSettings.Binding binding, bool enabled)
    {
        const string Prefix = "Microsoft.Management.Infrastructure.CimInstance#";
        var o = new PsObject(
        [
            Prefix + "ROOT/StandardCimv2/" + BindingClass, Prefix + "ROOT/StandardCimv2/MSFT_NetAdapterSettingData", Prefix + "ROOT/StandardCimv2/CIM_SettingData",
            Prefix + "ROOT/StandardCimv2/CIM_ManagedElement", Prefix + BindingClass, Prefix + "MSFT_NetAdapterSettingData", Prefix + "CIM_SettingData", Prefix + "CIM_ManagedElement",
            "Microsoft.Management.Infrastructure.CimInstance", "System.Object",
        ])
        {
            ToStringValue = $"{BindingClass} (InstanceID = \"{{5B1C7B3E-4A0D-4C1E-9C5E-2E4C1B0A7F31}}::{binding.ComponentId}\")",
        };
        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(adapter)),
            new("InterfaceAlias", PsPrimitive.String(adapter)),
            new("InterfaceDescription", PsPrimitive.String("Microsoft Hyper-V Network Adapter")),
            new("DisplayName", PsPrimitive.String(binding.DisplayName)),
            new("ComponentID", PsPrimitive.String(binding.ComponentId)),
            new("Enabled", PsPrimitive.Boolean(enabled)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
