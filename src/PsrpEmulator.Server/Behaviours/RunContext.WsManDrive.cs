using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The WSMan: drive (Microsoft.WSMan.Management's WSMan provider), read-only: Test-Path, Get-Item and Get-ChildItem
/// (-Recurse, wildcards) of <c>WSMan:\localhost</c> and its containers, over the computer's WinRM configuration as
/// this emulator runs it (<see cref="WsManConfigEntry"/>), with WSManConfigLeafElement / WSManConfigContainerElement
/// objects as a 5.1 server serializes them and the provider's notes (PSPath, PSParentPath...). Changing it (Set-Item,
/// New-Item, Remove-Item: a listener, a quota) is not emulated: the emulator's settings come from its configuration.
/// </summary>
internal sealed partial class RunContext
{
    [GeneratedRegex(@"^['""]?wsman:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WsManDrive();

    private const string WsManProvider = @"Microsoft.WSMan.Management\WSMan";

    private static readonly string[] WsManLeafTypeNames = ["Microsoft.WSMan.Management.WSManConfigLeafElement", "Microsoft.WSMan.Management.WSManConfigElement", "System.Object"];
    private static readonly string[] WsManContainerTypeNames = ["Microsoft.WSMan.Management.WSManConfigContainerElement", "Microsoft.WSMan.Management.WSManConfigElement", "System.Object"];

    /// <summary>The type of Test-WSMan's answer: WS-Man's IdentifyResponse element, as the XML adapter shows it.</summary>
    internal const string IdentifyResponseTypeName = "System.Xml.XmlElement#http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd#IdentifyResponse";

    /// <summary>WS-Man Identify's ProductVersion of an authenticated request (the endpoint's own answer, Test-WSMan -Authentication).</summary>
    internal const string IdentifyProductVersion = "OS: 10.0.17763 SP: 0.0 Stack: 3.0";

    // An anonymous Identify's: WinRM hides the OS version.
    private const string AnonymousIdentifyProductVersion = "OS: 0.0.0 SP: 0.0 Stack: 3.0";

    /// <summary>
    /// Test-WSMan of this computer: WS-Man's Identify answer (wsmid, ProtocolVersion, ProductVendor, ProductVersion). Without
    /// <c>-Authentication</c> the request is anonymous and WinRM hides the OS version ("OS: 0.0.0 SP: 0.0 Stack: 3.0"), with
    /// it the version is the computer's, as the emulator's own Identify answers. Another computer is asked anonymously
    /// too: another of the emulator's computers whose firewall lets WinRM's port in answers the same; a name that does
    /// not resolve, or a computer that drops the connection, gets WinRM's "cannot complete the operation" fault
    /// (<see cref="TestWsManUnreachable"/>). Authenticating to another computer (a second hop), another port, HTTPS or
    /// another application are scenario errors.
    /// </summary>
    private async ValueTask TestWsManAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var authenticated = arguments["Authentication"] is { } word &&
            !PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)).Equals("None", StringComparison.OrdinalIgnoreCase);
        if (arguments["ComputerName"] is { } computerWord && PipelineVariables.Display(await ArgumentAsync(computerWord, to, blockNesting)) is { Length: > 0 } target &&
            !ReachesThisComputer(target))
        {
            if (authenticated || new[] { "Credential", "CertificateThumbprint", "Port", "UseSSL", "ApplicationName" }.FirstOrDefault(arguments.Has) is not null)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault("Test-WSMan -ComputerName of another computer is emulated only as the anonymous Identify (no -Authentication, -Credential, -CertificateThumbprint, -Port, -UseSSL or -ApplicationName): give the command a rule (match: its whole text)"));
            }

            if (ResolveForTcp(target, WinRmHttpPort) is not var (address, letsIn) || !(letsIn || ReachesThisComputer(address)))
            {
                await WriteErrorAsync(TestWsManUnreachable(target, ComputerName), output);
                return;
            }
        }

        var identify = new PsObject([IdentifyResponseTypeName, "System.Xml.XmlElement", "System.Xml.XmlLinkedNode", "System.Xml.XmlNode", "System.Object"])
        {
            ToStringValue = "IdentifyResponse",
        };
        identify.AdaptedProperties.Add(new PsProperty("wsmid", PsPrimitive.String("http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd")));
        identify.AdaptedProperties.Add(new PsProperty("ProtocolVersion", PsPrimitive.String("http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd")));
        identify.AdaptedProperties.Add(new PsProperty("ProductVendor", PsPrimitive.String("Microsoft Corporation")));
        identify.AdaptedProperties.Add(new PsProperty("ProductVersion", PsPrimitive.String(authenticated ? IdentifyProductVersion : AnonymousIdentifyProductVersion)));
        await output.WriteAsync(new PipelineOutput(identify), cancellationToken);
    }

    // WinRM's HTTP listener's port (its firewall rule WINRM-HTTP-In-TCP's).
    private const int WinRmHttpPort = 5985;

    /// <summary>
    /// Test-WSMan's error for a computer it cannot reach: the WinRM client session's fault XML (its Error, as OuterXml)
    /// in an InvalidOperationException, WsManError, the target the computer name given. Machine is the asking computer.
    /// </summary>
    private static ScriptedError TestWsManUnreachable(string target, string computer) => new(
        "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150859046\" Machine=\"" + System.Security.SecurityElement.Escape(computer) + "\"><f:Message>" +
        "WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. " +
        "By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet. </f:Message></f:WSManFault>",
        "WsManError,Microsoft.WSMan.Management.TestWSManCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException", target)
    { Activity = "Test-WSMan" };

    private static bool IsWsManDriveCommand(string command, StageArguments arguments) =>
        command is "Test-Path" or "Get-Item" or "Get-ChildItem" or "Set-Item" or "New-Item" or "Remove-Item" or "Clear-Item" &&
        (arguments["LiteralPath"] ?? arguments["Path"]) is { } word && WsManDrive().IsMatch(word);

    private async ValueTask WsManDriveAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var literal = arguments["LiteralPath"] is not null;
        foreach (var path in await ArgumentTextsAsync(arguments["LiteralPath"] ?? arguments["Path"], to, blockNesting))
        {
            if (command is not ("Test-Path" or "Get-Item" or "Get-ChildItem"))
            {
                if (Host.WsManSettings is not { } settings || command == "Clear-Item")
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                        $"{command} {path}: changing the WinRM configuration is not emulated (the emulator's settings are its configuration's): give the command a rule"));
                }

                await ChangeWsManAsync(command, path, settings, arguments, to, output, blockNesting);
                continue;
            }

            var entries = Host.WsManConfiguration ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {path}: the WSMan: drive needs a computer's session"));
            // WSMan:\localhost\Shell\IdleTimeout: the computer's part and the path below it.
            var parts = path[(path.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace('/', '\\').Split('\\', StringSplitOptions.RemoveEmptyEntries);
            var matched = new List<(string Path, WsManConfigEntry? Entry)>();
            if (parts.Length == 0)
            {
                matched.Add((string.Empty, null));
            }
            else if (!(literal ? parts[0].Equals("localhost", StringComparison.OrdinalIgnoreCase) : VirtualFileSystem.Wildcard(parts[0]).IsMatch("localhost")))
            {
                // WinRM's configuration of another computer (WSMan:\server02) needs Connect-WSMan.
                if (command == "Test-Path") await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(false)), cancellationToken);
                else if (literal || !VirtualFileSystem.HasWildcard(parts[0])) await WriteErrorAsync(PathNotFound(command, path), output);
                continue;
            }
            else if (parts.Length == 1)
            {
                matched.Add(("localhost", null));
            }
            else
            {
                var below = string.Join('\\', parts[1..]);
                var wild = !literal && VirtualFileSystem.HasWildcard(below);
                var pattern = wild ? VirtualFileSystem.Wildcard(below) : null;
                foreach (var entry in entries)
                {
                    if (pattern?.IsMatch(entry.Path) ?? entry.Path.Equals(below, StringComparison.OrdinalIgnoreCase)) matched.Add(("localhost\\" + entry.Path, entry));
                }

                if (matched.Count == 0 && !wild)
                {
                    if (command == "Test-Path") await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(false)), cancellationToken);
                    else await WriteErrorAsync(PathNotFound(command, path), output);
                    continue;
                }
            }

            if (command == "Test-Path")
            {
                await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(matched.Count > 0)), cancellationToken);
                continue;
            }

            foreach (var (itemPath, entry) in matched)
            {
                if (command == "Get-Item" || entry is { IsContainer: false })
                {
                    await output.WriteAsync(new PipelineOutput(WsManElement(itemPath, entry)), cancellationToken);
                    continue;
                }

                await WsManChildrenAsync(entries, itemPath, entry, arguments.Has("Recurse"), output);
            }
        }
    }

    // The TrustedHosts question of the WSMan provider (its resources' text).
    private const string TrustedHostsCaption = "WinRM Security Configuration.";
    private const string TrustedHostsQuery = "This command modifies the TrustedHosts list for the WinRM client. The computers in the TrustedHosts list might not be authenticated. " +
        "The client might send credential information to these computers. Are you sure that you want to modify this list?";

    /// <summary>
    /// A change of the WinRM configuration, kept for the computer (<see cref="WsManSettings"/>) and read back, not acted
    /// on: Set-Item of a value (a boolean as WinRM writes one, TrustedHosts with -Concatenate and, without -Force, the
    /// provider's question), New-Item of a listener (-Transport, -Address, -Port, -HostName, -CertificateThumbPrint:
    /// one of LocalMachine\My; Windows asks before it without -Force, here it does not), Remove-Item of a listener.
    /// </summary>
    private async ValueTask ChangeWsManAsync(string command, string path, WsManSettings settings, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var entries = Host.WsManConfiguration ?? [];
        var parts = path[(path.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace('/', '\\').Split('\\', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !parts[0].Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {path}: changing the WinRM configuration outside WSMan:\\localhost\\... is not emulated: give the command a rule"));
        }

        var below = string.Join('\\', parts[1..]);
        var entry = entries.FirstOrDefault(e => e.Path.Equals(below, StringComparison.OrdinalIgnoreCase));
        async ValueTask<string?> Text(string parameter) => arguments[parameter] is { } word ? PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)) : null;
        switch (command)
        {
            case "Set-Item":
            {
                if (entry is null)
                {
                    await WriteErrorAsync(PathNotFound(command, path), output);
                    return;
                }

                if (entry.IsContainer) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Set-Item {path}: setting a container is not emulated: give the command a rule"));
                var given = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : PsNil.Instance;
                // WinRM keeps text: a boolean as true or false.
                var value = given is PsPrimitive { Value: bool flag } ? (flag ? "true" : "false") : PipelineVariables.Display(given);
                if (entry.Path.Equals(TrustedHosts.Path, StringComparison.OrdinalIgnoreCase))
                {
                    if (arguments.Has("Concatenate") && entry.Value is { Length: > 0 } current) value = current + "," + value;
                    if (!arguments.Has("Force") && !await ShouldContinueAsync([PsPrimitive.String(TrustedHostsQuery), PsPrimitive.String(TrustedHostsCaption)])) return;
                }
                else if (entry.Value is "true" or "false" && value is not ("true" or "false"))
                {
                    value = value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" ? "true" : value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0" ? "false" : value;
                }

                settings.Set(entry.Path, value);
                return;
            }

            case "New-Item":
            {
                if (!below.Equals("Listener", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Item {path}: making WinRM configuration items other than listeners is not emulated: give the command a rule"));
                }

                var transport = (await Text("Transport"))?.ToUpperInvariant();
                var address = await Text("Address");
                if (transport is not ("HTTP" or "HTTPS") || address is null)
                {
                    throw new StatementTerminatedException(ParameterError(command, transport is null or "HTTP" or "HTTPS"
                        ? "Cannot process command because of one or more missing mandatory parameters: Address Transport."
                        : $"Cannot validate argument on parameter 'Transport'. The argument \"{transport}\" does not belong to the set \"HTTP,HTTPS\" specified by the ValidateSet attribute.",
                        transport is null or "HTTP" or "HTTPS" ? "MissingMandatoryParameter" : "ParameterArgumentValidationError"));
                }

                var thumbprint = (await Text("CertificateThumbPrint"))?.Replace(" ", string.Empty, StringComparison.Ordinal) ?? string.Empty;
                if (transport == "HTTPS" && (thumbprint.Length == 0 || Host.CertificateStores is { } stores && !stores.List("LocalMachine", "My").Any(c => c.Thumbprint.Equals(thumbprint, StringComparison.OrdinalIgnoreCase))))
                {
                    // WinRM needs a certificate of the computer's store with a private key (the message UNVERIFIED).
                    await WriteErrorAsync(new ScriptedError("Cannot create a WinRM listener on HTTPS because this machine does not have an appropriate certificate. To be used for SSL, a certificate must have a CN matching the hostname, be appropriate for Server Authentication, and not be expired, revoked, or self-signed.",
                        "System.InvalidOperationException,Microsoft.PowerShell.Commands.NewItemCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException") { Activity = command }, output);
                    return;
                }

                if (entries.Any(e => e.Path.Equals(@"Listener\" + WsManSettings.ListenerName(transport, address), StringComparison.OrdinalIgnoreCase)))
                {
                    await WriteErrorAsync(new ScriptedError("The WS-Management service cannot create the resource because it already exists.", "System.InvalidOperationException,Microsoft.PowerShell.Commands.NewItemCommand",
                        ErrorCategory.InvalidOperation, "System.InvalidOperationException") { Activity = command }, output);
                    return;
                }

                var made = settings.AddListener(transport, address, await Text("Port"), await Text("HostName"), await Text("Enabled"), await Text("URLPrefix"), thumbprint)
                    ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Item {path}: the emulator keeps at most a thousand added WinRM configuration items"));
                await output.WriteAsync(new PipelineOutput(WsManElement(@"localhost\" + made.Path, made)), cancellationToken);
                return;
            }

            default:
            {
                // Remove-Item of a listener (a plugin's or another container's removal is not emulated).
                if (entry is not { IsContainer: true } || !entry.Parent.Equals("Listener", StringComparison.OrdinalIgnoreCase))
                {
                    if (entry is null) await WriteErrorAsync(PathNotFound(command, path), output);
                    else throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Remove-Item {path}: removing WinRM configuration items other than listeners is not emulated: give the command a rule"));
                    return;
                }

                settings.Remove(entry.Path);
                return;
            }
        }
    }

    // A container's children in WinRM's order (with -Recurse each container's own after it).
    private async ValueTask WsManChildrenAsync(IReadOnlyList<WsManConfigEntry> entries, string itemPath, WsManConfigEntry? entry, bool recurse, IPipelineHost output)
    {
        if (itemPath.Length == 0)
        {
            await output.WriteAsync(new PipelineOutput(WsManElement("localhost", null)), cancellationToken);
            if (recurse) await WsManChildrenAsync(entries, "localhost", null, recurse, output);
            return;
        }

        var parent = entry?.Path ?? string.Empty;
        var children = entries.Where(e => e.Parent.Equals(parent, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var child in children) await output.WriteAsync(new PipelineOutput(WsManElement("localhost\\" + child.Path, child)), cancellationToken);
        if (!recurse) return;
        foreach (var child in children.Where(c => c.IsContainer)) await WsManChildrenAsync(entries, "localhost\\" + child.Path, child, recurse, output);
    }

    /// <summary>
    /// A configuration item as the WSMan provider writes it: a leaf's Value (text, as WinRM keeps every value), a
    /// container's Keys, and the provider's notes.
    /// </summary>
    private static PsObject WsManElement(string itemPath, WsManConfigEntry? entry)
    {
        var container = entry is null || entry.IsContainer;
        var name = itemPath[(itemPath.LastIndexOf('\\') + 1)..];
        var parent = itemPath.LastIndexOf('\\') is var slash and > 0 ? itemPath[..slash] : string.Empty;
        var type = container ? "Container" : "System.String";
        // The provider marks localhost (WSMan:\'s one item) and a plugin's initialization parameters for views of their own.
        string[] typeNames = container ? WsManContainerTypeNames : WsManLeafTypeNames;
        if (entry is null && itemPath == "localhost") typeNames = [typeNames[0] + "#ComputerLevel", .. typeNames];
        else if (entry is { IsContainer: false } && entry.Parent.EndsWith(@"\InitializationParameters", StringComparison.OrdinalIgnoreCase)) typeNames = [typeNames[0] + "#InitParams", .. typeNames];
        var o = new PsObject(typeNames) { ToStringValue = typeNames[^3] };
        if (container)
        {
            o.AdaptedProperties.Add(new("Keys", entry?.Keys is { } keys ? PsObjects.List([.. keys.Select(PsPrimitive.String)], ["System.String[]", "System.Array", "System.Object"]) : PsNil.Instance));
        }
        else
        {
            o.AdaptedProperties.Add(new("SourceOfValue", PsNil.Instance));
            o.AdaptedProperties.Add(new("Value", PsPrimitive.String(entry!.Value!)));
        }

        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(name)),
            new("Type", PsPrimitive.String(type)),
            new("TypeNameOfElement", PsPrimitive.String(type)),
        ]);
        o.With("PSPath", $@"{WsManProvider}::{itemPath}")
            .With("PSParentPath", $@"{WsManProvider}::{parent}")
            .With("PSChildName", name)
            .With("PSDrive", "WSMan")
            .With("PSProvider", WsManProvider)
            .With("PSIsContainer", container);
        return o;
    }
}

/// <summary>
/// Get-PSSessionConfiguration, as 5.1's script makes its objects: for each plugin of WSMan:\localhost\Plugin whose
/// Filename is pwrshplugin.dll (a PowerShell endpoint) and whose name matches, an object of type
/// PSSessionConfigurationCommands#PSSessionConfiguration with a note property per configuration value under the plugin
/// (the last of a name wins, sddl as SecurityDescriptorSddl) and types.ps1xml's Permission; a name without wildcards that
/// matches none is Write-Error's "No session configuration matches criteria".
/// </summary>
internal sealed partial class RunContext
{
    internal const string SessionConfigurationTypeName = "Microsoft.PowerShell.Commands.PSSessionConfigurationCommands#PSSessionConfiguration";

    // What types.ps1xml's Permission shows for the default endpoint's security descriptor.
    private const string DefaultEndpointPermission = @"NT AUTHORITY\INTERACTIVE AccessAllowed, BUILTIN\Administrators AccessAllowed, BUILTIN\Remote Management Users AccessAllowed";

    private async ValueTask GetPSSessionConfigurationAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var entries = Host.WsManConfiguration ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault("Get-PSSessionConfiguration needs a computer's session"));
        var names = arguments["Name"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : ["*"];
        var plugins = entries.Where(e => e.IsContainer && e.Parent.Equals("Plugin", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var filter in names)
        {
            var pattern = VirtualFileSystem.Wildcard(filter);
            var found = 0;
            foreach (var plugin in plugins.Where(p => pattern.IsMatch(p.Name)))
            {
                var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var order = new List<string>();
                foreach (var leaf in entries.Where(e => !e.IsContainer && e.Path.StartsWith(plugin.Path + "\\", StringComparison.OrdinalIgnoreCase)))
                {
                    if (!values.ContainsKey(leaf.Name)) order.Add(leaf.Name);
                    values[leaf.Name] = leaf.Value!;
                }

                if (!values.TryGetValue("Filename", out var file) || !file.Contains("pwrshplugin.dll", StringComparison.OrdinalIgnoreCase)) continue;
                found++;
                var configuration = new PsObject([SessionConfigurationTypeName, "System.Object"]) { ToStringValue = "System.Object" };
                foreach (var name in order) configuration.With(name.Equals("sddl", StringComparison.OrdinalIgnoreCase) ? "SecurityDescriptorSddl" : name, values[name]);
                configuration.With("Permission", DefaultEndpointPermission);
                await output.WriteAsync(new PipelineOutput(configuration), cancellationToken);
            }

            if (found == 0 && !VirtualFileSystem.HasWildcard(filter))
            {
                await WriteErrorAsync(new ScriptedError($"No session configuration matches criteria \"{filter}\".", "Microsoft.PowerShell.Commands.WriteErrorException",
                    ErrorCategory.NotSpecified, "Microsoft.PowerShell.Commands.WriteErrorException") { Activity = "Write-Error" }, output);
            }
        }
    }
}
