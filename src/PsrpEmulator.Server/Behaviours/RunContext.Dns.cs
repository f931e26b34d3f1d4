using System.Net;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// DnsClient's Get-DnsClientServerAddress and Set-DnsClientServerAddress over the computer's network settings
/// (<see cref="NetworkSettings"/>): MSFT_DNSClientServerAddress instances per interface and family (IPv4's first),
/// <c>-ServerAddresses</c> setting each address's family's list, <c>-ResetServerAddresses</c>, and the cmdletization's
/// not-found error for an interface the computer has not. -Validate and -CimSession are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] DnsClientCommands = ["Get-DnsClientServerAddress", "Set-DnsClientServerAddress", "Resolve-DnsName", "Get-DnsClientCache", "Clear-DnsClientCache", "Get-DnsClient", "Set-DnsClient", "Get-DnsClientGlobalSetting", "Set-DnsClientGlobalSetting"];

    // Resolve-DnsName's record types the emulator answers (A_AAAA, its default, is both).
    private static readonly string[] DnsRecordTypes = ["A_AAAA", "A", "AAAA", "ALL", "ANY"];

    /// <summary>
    /// Resolve-DnsName as the computer resolves names without a DNS server that knows them: localhost (::1, 127.0.0.1)
    /// and the computer's own name (the link-local address ipconfig shows, and its Ethernet address), answered locally
    /// (Section Question, TTL 1200, as the hosts file and LLMNR answer), and a name the hosts file maps (its addresses,
    /// unless -NoHostsFile: <see cref="HostsFileNames"/>); any other name is DNS_ERROR_RCODE_NAME_ERROR, as
    /// ping finds no such host; another of the emulator's computers is the DNS server's A record (Section Answer). Record types A, AAAA, A_AAAA (default), ANY/ALL; others, an address (a PTR query),
    /// -Server and -CacheOnly are not emulated (the layout of the computer's own name's records UNVERIFIED).
    /// </summary>
    private async ValueTask ResolveDnsNameAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Resolve-DnsName";
        RefuseNotEmulated(Command, arguments, "Server", "CacheOnly", "DnssecOk", "DnssecCd", "TcpOnly");
        var names = await OptionalTextsAsync(arguments, "Name", to, blockNesting)
            ?? throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        var type = (await OptionalTextsAsync(arguments, "Type", to, blockNesting))?.FirstOrDefault() ?? "A_AAAA";
        if (!DnsRecordTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Resolve-DnsName -Type {type} is not emulated: give the command a rule"));
        }

        var computer = ComputerName;
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out _)) throw new ScriptExpressionException(ScriptedError.ScenarioFault("Resolve-DnsName of an address (a PTR query) is not emulated: give the command a rule"));
            var trimmed = name.TrimEnd('.');
            (string V6, string V4)? answer = trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? ("::1", "127.0.0.1")
                : trimmed.Equals(computer, StringComparison.OrdinalIgnoreCase) ? (CommandLines.PingCommandScript.LinkLocal.Split('%')[0], OwnIPv4.Address)
                : null;
            // A name the hosts file maps (unless -NoHostsFile): its addresses, A for IPv4 and AAAA for IPv6.
            var mapped = answer is null && !arguments.Has("NoHostsFile") ? HostsFileNames.Lookup(Host.FileSystem, trimmed) : [];
            if (mapped.Count > 0)
            {
                foreach (var address in mapped)
                {
                    var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
                    if (type.Equals(v6 ? "A" : "AAAA", StringComparison.OrdinalIgnoreCase)) continue;
                    await output.WriteAsync(new PipelineOutput(DnsRecord(trimmed, v6 ? "AAAA" : "A", address.ToString())), cancellationToken);
                }

                continue;
            }

            // Another of the emulator's computers: the DNS server's A record (its only one: no IPv6 address is registered),
            // through the DNS client's cache (its time to live what is left of the cached answer's).
            var asksA = !type.Equals("AAAA", StringComparison.OrdinalIgnoreCase);
            if (answer is null && Host.NetworkSettings?.ResolveNeighbour(trimmed, asksA, !type.Equals("A", StringComparison.OrdinalIgnoreCase)) is (_, var cached))
            {
                if (cached is { Data: { } neighbour })
                {
                    var ttl = cached.TimeToLive(Host.NetworkSettings.Clock.GetUtcNow());
                    await output.WriteAsync(new PipelineOutput(DnsRecord(trimmed, "A", neighbour, "Answer", ttl)), cancellationToken);
                }

                continue;
            }

            if (answer is not { } found)
            {
                await WriteErrorAsync(new ScriptedError($"{name} : DNS name does not exist", $"DNS_ERROR_RCODE_NAME_ERROR,{CmdletClass(Command)}", ErrorCategory.ResourceUnavailable,
                    "System.ComponentModel.Win32Exception", name) { Activity = Command }, output);
                continue;
            }

            var shown = trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? trimmed : computer.ToUpperInvariant();
            if (!type.Equals("A", StringComparison.OrdinalIgnoreCase)) await output.WriteAsync(new PipelineOutput(DnsRecord(shown, "AAAA", found.V6)), cancellationToken);
            if (!type.Equals("AAAA", StringComparison.OrdinalIgnoreCase)) await output.WriteAsync(new PipelineOutput(DnsRecord(shown, "A", found.V4)), cancellationToken);
        }
    }

    /// <summary>
    /// [System.Net.Dns]::GetHostAddresses(name), GetHostEntry(name) and GetHostByName(name) as the computer resolves
    /// names (Resolve-DnsName's answers: localhost ::1 and 127.0.0.1, the computer's own name its link-local address and
    /// 127.0.0.1; an address is itself): IPAddress objects, an IPHostEntry; another name is .NET's SocketException
    /// ("No such host is known"). Null for another member.
    /// </summary>
    private PsValue? DnsStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is not [var given]) return null;
        var method = member.ToUpperInvariant() switch { "GETHOSTADDRESSES" => "GetHostAddresses", "GETHOSTENTRY" => "GetHostEntry", "GETHOSTBYNAME" => "GetHostByName", _ => null };
        if (method is null) return null;
        var name = PipelineVariables.Display(given).Trim().TrimEnd('.');
        var computer = ComputerName;
        string[]? addresses = IPAddress.TryParse(name, out var literal) ? [literal.ToString()]
            : name.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? ["::1", "127.0.0.1"]
            : name.Equals(computer, StringComparison.OrdinalIgnoreCase) ? [CommandLines.PingCommandScript.LinkLocal, OwnIPv4.Address]
            : HostsFileNames.Lookup(Host.FileSystem, name) is { Count: > 0 } mapped ? [.. mapped.Select(a => a.ToString())]
            : Host.NetworkSettings?.ResolveNeighbour(name, askedIPv6: method != "GetHostByName") is ({ } neighbour, _) ? [neighbour]
            : null;
        if (addresses is null) throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, 1, "No such host is known", typeof(System.Net.Sockets.SocketException)));
        // GetHostByName is IPv4's only.
        if (method == "GetHostByName") addresses = [.. addresses.Where(a => !a.Contains(':', StringComparison.Ordinal))];
        var list = PsObjects.List([.. addresses.Select(a => (PsValue)IPAddressObject(a))], ["System.Net.IPAddress[]", "System.Array", "System.Object"]);
        if (method == "GetHostAddresses") return list;
        var entry = new PsObject(["System.Net.IPHostEntry", "System.Object"]) { ToStringValue = "System.Net.IPHostEntry" };
        // Windows names the computer for localhost and its own name (UNVERIFIED: an address's reverse lookup is not emulated).
        var hostName = literal is not null ? name : computer.ToUpperInvariant();
        entry.AdaptedProperties.AddRange(
        [
            new("HostName", PsPrimitive.String(hostName)),
            new("Aliases", PsObjects.List([], ["System.String[]", "System.Array", "System.Object"])),
            new("AddressList", list),
        ]);
        return entry;
    }

    /// <summary>A System.Net.IPAddress as .NET Framework's adapter shows it (Address only for IPv4, ScopeId only for IPv6).</summary>
    internal static PsObject IPAddressObject(string text)
    {
        var address = IPAddress.Parse(text);
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var o = new PsObject(["System.Net.IPAddress", "System.Object"]) { ToStringValue = address.ToString() };
        o.AdaptedProperties.AddRange(
        [
#pragma warning disable CS0618 // IPAddress.Address: .NET Framework shows it for an IPv4 address, as PowerShell 5.1 lists it.
            new("Address", v6 ? PsNil.Instance : PsPrimitive.Int64(address.Address)),
#pragma warning restore CS0618
            new("AddressFamily", PsObjects.Enum("System.Net.Sockets.AddressFamily", v6 ? "InterNetworkV6" : "InterNetwork", v6 ? 23 : 2)),
            new("ScopeId", v6 ? PsPrimitive.Int64(address.ScopeId) : PsNil.Instance),
            new("IsIPv6Multicast", PsPrimitive.Boolean(address.IsIPv6Multicast)),
            new("IsIPv6LinkLocal", PsPrimitive.Boolean(address.IsIPv6LinkLocal)),
            new("IsIPv6SiteLocal", PsPrimitive.Boolean(address.IsIPv6SiteLocal)),
            new("IsIPv6Teredo", PsPrimitive.Boolean(address.IsIPv6Teredo)),
            new("IsIPv4MappedToIPv6", PsPrimitive.Boolean(address.IsIPv4MappedToIPv6)),
            new("IPAddressToString", PsPrimitive.String(address.ToString())),
        ]);
        return o;
    }

    // A DnsRecord_A or DnsRecord_AAAA as DnsClient writes it: Section Question for a name the computer answers itself,
    // Answer for the DNS server's.
    private static PsObject DnsRecord(string name, string type, string address, string section = "Question", uint ttl = 1200)
    {
        var v6 = type == "AAAA";
        var o = new PsObject([$"Microsoft.DnsClient.Commands.DnsRecord_{type}", "Microsoft.DnsClient.Commands.DnsRecord", "System.Object"]) { ToStringValue = $"Microsoft.DnsClient.Commands.DnsRecord_{type}" };
        o.AdaptedProperties.AddRange(
        [
            new("Address", PsPrimitive.String(address)),
            new("IPAddress", PsPrimitive.String(address)),
            new("QueryType", PsObjects.Enum("Microsoft.DnsClient.Commands.RecordType", type, v6 ? 28 : 1)),
            new(v6 ? "IP6Address" : "IP4Address", PsPrimitive.String(address)),
            new("Name", PsPrimitive.String(name)),
            new("Type", PsObjects.Enum("Microsoft.DnsClient.Commands.RecordType", type, v6 ? 28 : 1)),
            new("CharacterSet", PsObjects.Enum("Microsoft.DnsClient.Commands.DNSCharset", "Unicode", 0)),
            new("Section", PsObjects.Enum("Microsoft.DnsClient.Commands.DNSSection", section, section == "Answer" ? 1 : 0)),
            new("DataLength", PsPrimitive.UInt16((ushort)(v6 ? 16 : 4))),
            new("TTL", PsPrimitive.UInt32(ttl)),
        ]);
        return o;
    }

    private static readonly HashSet<string> DnsClientCommandNames = new(DnsClientCommands, StringComparer.Ordinal);

    private async ValueTask RunDnsClientCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (command == "Resolve-DnsName")
        {
            await ResolveDnsNameAsync(arguments, to, output, blockNesting);
            return;
        }

        RefuseNotEmulated(command, arguments, "Validate", "CimSession", "AsJob", "WhatIf", "Confirm");
        if (command is "Get-DnsClientCache" or "Clear-DnsClientCache")
        {
            await DnsClientCacheAsync(command, arguments, to, output, blockNesting);
            return;
        }

        if (command is "Get-DnsClientGlobalSetting" or "Set-DnsClientGlobalSetting")
        {
            await DnsClientGlobalSettingAsync(command, arguments, to, output, blockNesting);
            return;
        }

        // A host without the computer's settings (a test's) reads a fresh computer's.
        var settings = Host.NetworkSettings ?? (command is "Get-DnsClientServerAddress" or "Get-DnsClient" ? new NetworkSettings() : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session")));
        ValueTask<List<string>?> Texts(string parameter) => OptionalTextsAsync(arguments, parameter, to, blockNesting);

        var cimClass = command.EndsWith("-DnsClient", StringComparison.Ordinal) ? "MSFT_DNSClient" : "MSFT_DNSClientServerAddress";
        ValueTask NotFound(string property, string value) => WriteErrorAsync(CimNotFound(command, cimClass, property, value), output);

        // The interfaces the call names (-InterfaceAlias names or patterns, -InterfaceIndex), else all of them.
        var interfaces = new List<NetworkSettings.Interface>();
        var aliases = await Texts("InterfaceAlias");
        var indexes = await Texts("InterfaceIndex");
        foreach (var alias in aliases ?? [])
        {
            var pattern = VirtualFileSystem.Wildcard(alias);
            var found = NetworkSettings.Interfaces.Where(i => pattern.IsMatch(i.Alias)).ToList();
            if (found.Count == 0 && !VirtualFileSystem.HasWildcard(alias)) await NotFound("InterfaceAlias", alias);
            interfaces.AddRange(found.Where(i => !interfaces.Contains(i)));
        }

        foreach (var index in indexes ?? [])
        {
            var found = NetworkSettings.Interfaces.Where(i => i.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) == index).ToList();
            if (found.Count == 0) await NotFound("InterfaceIndex", index);
            interfaces.AddRange(found.Where(i => !interfaces.Contains(i)));
        }

        // Set-DnsClient's piped MSFT_DNSClient instances (Get-DnsClient | Where-Object ... | Set-DnsClient): their interfaces'
        // indexes (the pipeline stage binds their InterfaceIndex).
        var piped = command == "Set-DnsClient" ? await Texts("InputObject") : null;
        foreach (var index in piped ?? [])
        {
            if (NetworkSettings.Interfaces.FirstOrDefault(i => i.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) == index.Trim()) is { } found && !interfaces.Contains(found)) interfaces.Add(found);
        }

        if (aliases is null && indexes is null && piped is null)
        {
            if (command is "Set-DnsClientServerAddress" or "Set-DnsClient")
            {
                throw new StatementTerminatedException(FunctionMissingParameter(command, "InterfaceIndex"));
            }

            interfaces.AddRange(NetworkSettings.Interfaces);
        }

        if (command is "Get-DnsClient" or "Set-DnsClient")
        {
            await DnsClientSettingsAsync(command, arguments, settings, interfaces, to, output, blockNesting);
            return;
        }

        if (command == "Get-DnsClientServerAddress")
        {
            var families = (await Texts("AddressFamily"))?.Select(f => f.ToUpperInvariant()).ToList();
            foreach (var @interface in interfaces)
            {
                foreach (var ipv6 in (bool[])[false, true])
                {
                    if (families is not null && !families.Contains(ipv6 ? "IPV6" : "IPV4")) continue;
                    await output.WriteAsync(new PipelineOutput(DnsServerAddressObject(@interface, ipv6, settings.DnsServers(@interface, ipv6))), cancellationToken);
                }
            }

            return;
        }

        if (arguments.Has("ResetServerAddresses"))
        {
            foreach (var @interface in interfaces) settings.ResetDnsServers(@interface);
            return;
        }

        var addresses = new List<IPAddress>();
        foreach (var text in (await Texts("ServerAddresses") ?? []).SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                // The DNS client refuses an address it cannot read (UNVERIFIED: the id and category).
                await WriteErrorAsync(new ScriptedError("The parameter is incorrect.", $"Windows System Error 87,{command}", ErrorCategory.InvalidArgument,
                    "Microsoft.Management.Infrastructure.CimException", "MSFT_DNSClientServerAddress") { Activity = command }, output);
                return;
            }

            addresses.Add(address);
        }

        foreach (var @interface in interfaces) settings.SetDnsServers(@interface, addresses);
    }

    /// <summary>
    /// Get-DnsClient: each interface's DNS client settings as MSFT_DNSClient instances; Set-DnsClient changes the
    /// named interfaces' -ConnectionSpecificSuffix (which ipconfig /all shows), -RegisterThisConnectionsAddress and
    /// -UseSuffixWhenRegistering (booleans: a string is the binder's refusal), -ResetConnectionSpecificSuffix, -PassThru.
    /// The suffix search list (DHCP's) stays empty.
    /// </summary>
    private async ValueTask DnsClientSettingsAsync(string command, StageArguments arguments, NetworkSettings settings, List<NetworkSettings.Interface> interfaces,
        IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (command == "Set-DnsClient")
        {
            var suffix = arguments["ConnectionSpecificSuffix"] is { } s ? PipelineVariables.Display(await ArgumentAsync(s, to, blockNesting)) : null;
            if (arguments.Has("ResetConnectionSpecificSuffix")) suffix = string.Empty;
            var register = await BooleanArgumentAsync(command, arguments, "RegisterThisConnectionsAddress", to, blockNesting);
            var useSuffix = await BooleanArgumentAsync(command, arguments, "UseSuffixWhenRegistering", to, blockNesting);
            foreach (var @interface in interfaces)
            {
                settings.SetDnsClient(@interface, c => new NetworkSettings.DnsClientSettings(suffix ?? c.ConnectionSpecificSuffix, register ?? c.RegisterThisConnectionsAddress, useSuffix ?? c.UseSuffixWhenRegistering));
            }

            if (!arguments.Has("PassThru")) return;
        }

        foreach (var @interface in interfaces) await output.WriteAsync(new PipelineOutput(DnsClientObject(@interface, settings.DnsClientOf(@interface))), cancellationToken);
    }

    /// <summary>
    /// Get-DnsClientGlobalSetting: the MSFT_DNSClientGlobalSetting instance (a list of UseSuffixSearchList,
    /// SuffixSearchList, UseDevolution, DevolutionLevel); Set-DnsClientGlobalSetting -SuffixSearchList (a list,
    /// or a comma-separated text; <c>@()</c> clears it), -UseSuffixSearchList, -UseDevolution, -DevolutionLevel,
    /// -PassThru. ipconfig /all lists the suffixes.
    /// </summary>
    private async ValueTask DnsClientGlobalSettingAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated(command, arguments, "ThrottleLimit");
        var settings = Host.NetworkSettings ?? (command == "Get-DnsClientGlobalSetting" ? new NetworkSettings() : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session")));
        if (command == "Set-DnsClientGlobalSetting")
        {
            var global = settings.DnsClientGlobal;
            if (arguments["SuffixSearchList"] is { } list)
            {
                var suffixes = ScriptExpressions.Enumerate(await ArgumentAsync(list, to, blockNesting))
                    .SelectMany(v => PipelineVariables.Display(v).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
                global = global with { SuffixSearchList = suffixes };
            }

            if (await BooleanArgumentAsync(command, arguments, "UseDevolution", to, blockNesting) is { } devolution) global = global with { UseDevolution = devolution };
            if (arguments["DevolutionLevel"] is { } level)
            {
                var value = await ArgumentAsync(level, to, blockNesting);
                if (ScriptExpressions.AsNumberOrNull(value) is not { } number || number < 0 || number > uint.MaxValue || number != Math.Floor(number))
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot process argument transformation on parameter 'DevolutionLevel'. Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.UInt32\".",
                        "ParameterArgumentTransformationError"));
                }

                global = global with { DevolutionLevel = (uint)number };
            }

            settings.DnsClientGlobal = global;
            if (!arguments.Has("PassThru")) return;
        }

        var now = settings.DnsClientGlobal;
        var o = StandardCimv2Instance("MSFT_DNSClientGlobalSetting", "MSFT_DNSClientGlobalSetting");
        o.AdaptedProperties.AddRange(
        [
            new("UseSuffixSearchList", PsPrimitive.Boolean(now.UseSuffixSearchList)),
            new("SuffixSearchList", PsObjects.List(now.SuffixSearchList.Select(s => (PsValue)PsPrimitive.String(s)), ScriptExpressions.StringArrayTypeNames)),
            new("UseDevolution", PsPrimitive.Boolean(now.UseDevolution)),
            new("DevolutionLevel", PsPrimitive.UInt32(now.DevolutionLevel)),
            new("PSComputerName", PsNil.Instance),
        ]);
        await output.WriteAsync(new PipelineOutput(o), cancellationToken);
    }

    // A [bool] parameter's value: a Boolean or a number; anything else is the binder's refusal (ScriptParameters.BooleanRefusal).
    private async ValueTask<bool?> BooleanArgumentAsync(string command, StageArguments arguments, string parameter, IPipelineHost? to, int blockNesting)
    {
        if (arguments[parameter] is not { } given) return null;
        var value = await ArgumentAsync(given, to, blockNesting);
        if (ScriptParameters.BooleanRefusal(parameter, value) is { } refusal) throw new StatementTerminatedException(ParameterError(command, refusal, "ParameterArgumentTransformationError"));
        return ScriptExpressions.IsTrue(value);
    }

    // An interface's MSFT_DNSClient (the key properties in its text: UNVERIFIED).
    private static PsObject DnsClientObject(NetworkSettings.Interface @interface, NetworkSettings.DnsClientSettings client)
    {
        const string Class = "MSFT_DNSClient";
        var o = StandardCimv2Instance(Class, $"{Class} (Name = \"{@interface.Index}\", CreationClassName = \"\", SystemCreationClassName = \"\", SystemName = \"\")");
        o.AdaptedProperties.AddRange(
        [
            new("InterfaceAlias", PsPrimitive.String(@interface.Alias)),
            new("InterfaceIndex", PsPrimitive.UInt32((uint)@interface.Index)),
            new("ConnectionSpecificSuffix", PsPrimitive.String(client.ConnectionSpecificSuffix)),
            new("ConnectionSpecificSuffixSearchList", PsObjects.List([], ScriptExpressions.StringArrayTypeNames)),
            new("RegisterThisConnectionsAddress", PsPrimitive.Boolean(client.RegisterThisConnectionsAddress)),
            new("UseSuffixWhenRegistering", PsPrimitive.Boolean(client.UseSuffixWhenRegistering)),
            new("ElementName", PsPrimitive.String(@interface.Alias)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    /// <summary>
    /// Get-DnsClientCache over the computer's DNS client cache (<see cref="DnsClientCache"/>): MSFT_DNSClientCache
    /// instances, -Entry (by position), -Name and -Data patterns, -Type, -Status and -Section by name or number; a value
    /// that is not a pattern and matches no record is the cmdletization's not-found error (UNVERIFIED for the
    /// enumerations'). Clear-DnsClientCache empties it. -TimeToLive and -DataLength filters are not emulated.
    /// </summary>
    private async ValueTask DnsClientCacheAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated(command, arguments, "ThrottleLimit", "TimeToLive", "DataLength");
        // A host without the computer's settings (a test's) has a fresh computer's empty cache.
        var settings = Host.NetworkSettings ?? new NetworkSettings();
        if (command == "Clear-DnsClientCache")
        {
            settings.DnsCache.Clear();
            return;
        }

        var now = settings.Clock.GetUtcNow();
        IEnumerable<DnsClientCache.Record> records = settings.DnsCache.Current(now);
        foreach (var (parameter, read) in new (string, Func<DnsClientCache.Record, string?>)[] { ("Entry", r => r.Entry), ("Name", r => r.Name), ("Data", r => r.Data) })
        {
            if (await OptionalTextsAsync(arguments, parameter, to, blockNesting) is not { } values) continue;
            var kept = records.Where(r => values.Any(v => VirtualFileSystem.Wildcard(v).IsMatch(read(r) ?? string.Empty))).ToList();
            foreach (var value in values.Where(v => !VirtualFileSystem.HasWildcard(v) && !kept.Exists(r => VirtualFileSystem.Wildcard(v).IsMatch(read(r) ?? string.Empty))))
            {
                await WriteErrorAsync(CimNotFound(command, "MSFT_DNSClientCache", parameter, value), output);
            }

            records = kept;
        }

        foreach (var (parameter, known) in DnsClientCache.Enumerations)
        {
            if (await OptionalTextsAsync(arguments, parameter, to, blockNesting) is not { } values) continue;
            var wanted = new List<(string Given, uint Value)>();
            foreach (var value in values)
            {
                var trimmed = value.Trim();
                if (known.FirstOrDefault(k => k.Name.Equals(trimmed, StringComparison.OrdinalIgnoreCase)) is { Name: not null } named) wanted.Add((value, named.Value));
                else if (uint.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)) wanted.Add((value, number));
                else
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot process argument transformation on parameter '{parameter}'. Cannot convert value \"{value}\" to type \"Microsoft.PowerShell.Cmdletization.GeneratedTypes.DnsClientCache.{parameter}\". " +
                        $"Error: \"Unable to match the identifier name {value} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", known.Select(k => k.Name))}\"",
                        "ParameterArgumentTransformationError"));
                }
            }

            uint? Of(DnsClientCache.Record r) => parameter switch
            {
                "Type" => r.Type,
                "Status" => r.Status,
                _ => r.Status == DnsClientCache.Success ? 1u : null,
            };
            var kept = records.Where(r => wanted.Exists(w => Of(r) == w.Value)).ToList();
            foreach (var (given, _) in wanted.Where(w => !kept.Exists(r => Of(r) == w.Value)))
            {
                await WriteErrorAsync(CimNotFound(command, "MSFT_DNSClientCache", parameter, given), output);
            }

            records = kept;
        }

        foreach (var record in records) await output.WriteAsync(new PipelineOutput(DnsCacheRecordObject(record, now)), cancellationToken);
    }

    /// <summary>
    /// One cached record as MSFT_DNSClientCache writes it: its numbers (Type, Status, Section) as the class has them,
    /// the view naming them; a "no records" answer has no section, time to live, length or data. The order of the
    /// properties after the class's own is CIM_ManagedElement's (UNVERIFIED).
    /// </summary>
    private static PsObject DnsCacheRecordObject(DnsClientCache.Record record, DateTimeOffset now)
    {
        const string Class = "MSFT_DNSClientCache";
        var found = record.Status == DnsClientCache.Success;
        var o = StandardCimv2Instance(Class, $"{Class} (Entry = \"{record.Entry}\", Name = \"{record.Name}\")");
        o.AdaptedProperties.AddRange(
        [
            new("Entry", PsPrimitive.String(record.Entry)),
            new("Name", PsPrimitive.String(record.Name)),
            new("Type", PsPrimitive.UInt16(record.Type)),
            new("Status", PsPrimitive.UInt32(record.Status)),
            new("Section", found ? PsPrimitive.Byte(1) : PsNil.Instance),
            new("TimeToLive", found ? PsPrimitive.UInt32(record.TimeToLive(now)) : PsNil.Instance),
            new("DataLength", record.DataLength is { } length ? PsPrimitive.UInt16(length) : PsNil.Instance),
            new("Data", record.Data is { } data ? PsPrimitive.String(data) : PsNil.Instance),
            new("Caption", PsNil.Instance),
            new("Description", PsNil.Instance),
            new("ElementName", PsNil.Instance),
            new("InstanceId", PsNil.Instance),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // An instance of a ROOT/StandardCimv2 class (DnsClient's) with its type names and its text.
    private static PsObject StandardCimv2Instance(string cimClass, string text) =>
        new(["Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/" + cimClass, "Microsoft.Management.Infrastructure.CimInstance#" + cimClass,
            "Microsoft.Management.Infrastructure.CimInstance", "System.Object"]) { ToStringValue = text };

    private static PsObject DnsServerAddressObject(NetworkSettings.Interface @interface, bool ipv6, IReadOnlyList<string> servers)
    {
        const string Class = "MSFT_DNSClientServerAddress";
        var o = StandardCimv2Instance(Class, $"{Class} (Name = \"{@interface.Index}\", CreationClassName = \"\", SystemCreationClassName = \"\", SystemName = \"{(ipv6 ? 23 : 2)}\")");
        o.AdaptedProperties.AddRange(
        [
            new("InterfaceAlias", PsPrimitive.String(@interface.Alias)),
            new("InterfaceIndex", PsPrimitive.UInt32((uint)@interface.Index)),
            new("AddressFamily", PsPrimitive.UInt16(ipv6 ? (ushort)23 : (ushort)2)),
            new("ServerAddresses", PsObjects.List(servers.Select(s => (PsValue)PsPrimitive.String(s)), ScriptExpressions.StringArrayTypeNames)),
            new("ElementName", PsPrimitive.String(@interface.Alias)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
