using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Microsoft.WSMan.Management's instance cmdlets over the computer's WinRM configuration, the same the WSMan: drive and
/// <c>winrm get|set|create|delete</c> read and change: Get-WSManInstance (a resource, or <c>-Enumerate</c> of the
/// listeners), New-WSManInstance and Remove-WSManInstance of a listener (<c>winrm/config/Listener</c> with
/// <c>-SelectorSet @{Address='*'; Transport='HTTPS'}</c> and <c>-ValueSet @{Hostname=...; CertificateThumbprint=...}</c>,
/// as Ansible's ConfigureRemotingForAnsible.ps1 makes its HTTPS listener), and Set-WSManInstance of a listener or of
/// <c>winrm/config</c>, <c>/service</c>, <c>/service/auth</c>, <c>/client</c>, <c>/client/auth</c>, <c>/winrs</c>. The
/// answers are XmlElements as the XML adapter shows WinRM's: their namespace prefixes' notes, then the values. Another
/// computer, another resource (WMI's, a plugin's), -FilePath and -Fragment are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] WsManInstanceCommands = ["Get-WSManInstance", "New-WSManInstance", "Set-WSManInstance", "Remove-WSManInstance"];

    // A method, not a field: the value commands' table (another file's static field) reads it while the class starts.
    // Each cmdlet's own parameters (5.1's Microsoft.WSMan.Management): only Get- enumerates and filters, only Get-,
    // New- and Set- take -ValueSet/-FilePath, only Get- and Set- take -Fragment/-Dialect.
    private static string[] WsManInstanceParameters(string command)
    {
        string[] shared = ["ResourceURI", "SelectorSet", "ComputerName", "ConnectionURI", "Credential", "Authentication", "UseSSL", "Port", "ApplicationName",
            "OptionSet", "SessionOption", "CertificateThumbprint"];
        return command switch
        {
            "Get-WSManInstance" => [.. shared, "Enumerate", "Fragment", "Dialect", "Filter", "ReturnType", "Shallow", "BasePropertiesOnly", "Associations"],
            "New-WSManInstance" => [.. shared, "ValueSet", "FilePath"],
            "Set-WSManInstance" => [.. shared, "ValueSet", "FilePath", "Fragment", "Dialect"],
            _ => shared,
        };
    }

    private const string ConfigNamespace = WsManSettings.ConfigNamespace;

    private async ValueTask RunWsManInstanceAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated(command, arguments, "ConnectionURI", "FilePath", "Fragment", "Dialect", "Filter", "Associations");
        await RefuseOtherComputerAsync(command, arguments, to, blockNesting);
        if (Host.WsManSettings is not { } settings || Host.WsManConfiguration is not { } entries)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command}: the computer's WinRM configuration needs a computer's session"));
        }

        var uri = arguments["ResourceURI"] is { } uriWord ? PipelineVariables.Display(await ArgumentAsync(uriWord, to, blockNesting)) : null;
        if (uri is null) throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: ResourceURI.", "MissingMandatoryParameter"));
        if ((WsManSettings.IsListenerResource(uri) ? ("Listener", "Listener") : WsManSettings.ConfigResource(uri)) is not var (path, name))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {uri}: a resource other than WinRM's configuration and listeners is not emulated: give the command a rule"));
        }

        var selectors = await HashtableArgumentAsync(arguments, "SelectorSet", to, blockNesting);
        var values = await HashtableArgumentAsync(arguments, "ValueSet", to, blockNesting);
        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(value), cancellationToken);

        if (path != "Listener")
        {
            if (command is "New-WSManInstance" or "Remove-WSManInstance" || arguments.Has("Enumerate"))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {uri}: only a listener is made, removed or enumerated: give the command a rule"));
            }

            if (command == "Set-WSManInstance")
            {
                foreach (var (key, value) in values)
                {
                    var leaf = path.Length == 0 ? key : path + "\\" + key;
                    var entry = entries.FirstOrDefault(e => !e.IsContainer && e.Path.Equals(leaf, StringComparison.OrdinalIgnoreCase));
                    if (entry is null)
                    {
                        await WriteErrorAsync(WsManFault(command, $"The WS-Management service cannot process the request because the XML is invalid: {key} is not a setting of the resource."), output);
                        return;
                    }

                    settings.Set(entry.Path, entry.Value is "true" or "false" ? value.ToLowerInvariant() : value);
                }

                // The host's configuration is the settings laid over the computer's: read it again.
                entries = Host.WsManConfiguration ?? entries;
            }

            await Write(ConfigElement(entries, path, name));
            return;
        }

        // The listeners: by Address and Transport.
        var listeners = entries.Where(e => e.IsContainer && e.Parent.Equals("Listener", StringComparison.OrdinalIgnoreCase)).ToList();
        if (command == "Get-WSManInstance" && arguments.Has("Enumerate"))
        {
            foreach (var listener in listeners) await Write(ListenerElement(entries, listener));
            return;
        }

        var address = selectors.GetValueOrDefault("Address");
        var transport = selectors.GetValueOrDefault("Transport")?.ToUpperInvariant();
        if (address is null || transport is null)
        {
            await WriteErrorAsync(WsManFault(command, "The WS-Management service cannot process the request because the request contained invalid selectors for the resource."), output);
            return;
        }

        var found = listeners.FirstOrDefault(e => e.Keys is { } keys && keys.Contains("Transport=" + transport, StringComparer.OrdinalIgnoreCase) && keys.Contains("Address=" + address, StringComparer.OrdinalIgnoreCase));
        switch (command)
        {
            case "New-WSManInstance":
            {
                if (found is not null)
                {
                    await WriteErrorAsync(WsManFault(command, "The WS-Management service cannot create the resource because it already exists."), output);
                    return;
                }

                if (transport is not ("HTTP" or "HTTPS"))
                {
                    await WriteErrorAsync(WsManFault(command, "The WS-Management service cannot process the request because the request contained invalid selectors for the resource."), output);
                    return;
                }

                var thumbprint = values.GetValueOrDefault("CertificateThumbprint")?.Replace(" ", string.Empty, StringComparison.Ordinal) ?? string.Empty;
                if (transport == "HTTPS" && (thumbprint.Length == 0 || Host.CertificateStores is { } stores && !stores.List("LocalMachine", "My").Any(c => c.Thumbprint.Equals(thumbprint, StringComparison.OrdinalIgnoreCase))))
                {
                    // The text WinRM gives for a thumbprint it cannot find (UNVERIFIED).
                    await WriteErrorAsync(WsManFault(command, "The WinRM client cannot process the request. The certificate structure was incomplete. Change the certificate structure and try the request again."), output);
                    return;
                }

                _ = settings.AddListener(transport, address, values.GetValueOrDefault("Port"), values.GetValueOrDefault("Hostname"), values.GetValueOrDefault("Enabled"),
                        values.GetValueOrDefault("URLPrefix"), thumbprint)
                    ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command}: the emulator keeps at most a thousand added WinRM configuration items"));
                await Write(ResourceCreatedElement());
                return;
            }

            case "Remove-WSManInstance" when found is not null:
                settings.Remove(found.Path);
                return;
            case "Set-WSManInstance" when found is not null:
                foreach (var (key, value) in values)
                {
                    if (!entries.Any(e => e.Path.Equals(found.Path + "\\" + key, StringComparison.OrdinalIgnoreCase)))
                    {
                        await WriteErrorAsync(WsManFault(command, $"The WS-Management service cannot process the request because the XML is invalid: {key} is not a setting of the resource."), output);
                        return;
                    }

                    settings.Set(found.Path + "\\" + key, value);
                }

                await Write(ListenerElement(Host.WsManConfiguration ?? entries, found));
                return;
            case "Get-WSManInstance" when found is not null:
                await Write(ListenerElement(entries, found));
                return;
            default:
                await WriteErrorAsync(WsManFault(command, "The service cannot find the resource identified by the resource URI and selectors."), output);
                return;
        }
    }

    // A hashtable parameter's entries as text (WinRM keeps text: a boolean as true or false); empty when not given.
    private async ValueTask<Dictionary<string, string>> HashtableArgumentAsync(StageArguments arguments, string parameter, IPipelineHost? to, int blockNesting)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (arguments[parameter] is not { } word) return found;
        if (await ArgumentAsync(word, to, blockNesting) is not PsObject { Entries: { Count: > 0 } pairs })
        {
            return found;
        }

        foreach (var (key, value) in pairs)
        {
            found[PipelineVariables.Display(key)] = value is PsPrimitive { Value: bool flag } ? (flag ? "true" : "false") : PipelineVariables.Display(value);
        }

        return found;
    }

    // A WS-Man fault as the cmdlets write it: an InvalidOperationException with WinRM's message.
    private static ScriptedError WsManFault(string command, string message) =>
        new(message, $"System.InvalidOperationException,Microsoft.WSMan.Management.{command.Replace("-", string.Empty, StringComparison.Ordinal)}Command",
            ErrorCategory.InvalidOperation, "System.InvalidOperationException") { Activity = command };

    private static PsObject XmlElementObject(string namespaceUri, string name) =>
        new([$"System.Xml.XmlElement#{namespaceUri}#{name}", "System.Xml.XmlElement", "System.Xml.XmlLinkedNode", "System.Xml.XmlNode", "System.Object"]) { ToStringValue = name };

    // New-WSManInstance's answer: WS-Transfer's ResourceCreated, the endpoint reference of what was made.
    private static PsObject ResourceCreatedElement()
    {
        var o = XmlElementObject("http://schemas.xmlsoap.org/ws/2004/09/transfer", "ResourceCreated");
        var parameters = XmlElementObject("http://schemas.xmlsoap.org/ws/2004/08/addressing", "ReferenceParameters");
        parameters.AdaptedProperties.Add(new("ResourceURI", PsPrimitive.String(ConfigNamespace + "/listener")));
        o.AdaptedProperties.AddRange(
        [
            new("wxf", PsPrimitive.String("http://schemas.xmlsoap.org/ws/2004/09/transfer")),
            new("a", PsPrimitive.String("http://schemas.xmlsoap.org/ws/2004/08/addressing")),
            new("w", PsPrimitive.String("http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd")),
            new("lang", PsPrimitive.String("en-US")),
            new("Address", PsPrimitive.String("http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous")),
            new("ReferenceParameters", parameters),
        ]);
        return o;
    }

    // A listener as WinRM answers Get: its values, then ListeningOn (the computer's addresses for *).
    private PsObject ListenerElement(IReadOnlyList<WsManConfigEntry> entries, WsManConfigEntry listener)
    {
        var o = XmlElementObject(ConfigNamespace + "/listener", "Listener");
        o.AdaptedProperties.AddRange([new("cfg", PsPrimitive.String(ConfigNamespace + "/listener")), new("xsi", PsPrimitive.String("http://www.w3.org/2001/XMLSchema-instance")), new("lang", PsPrimitive.String("en-US"))]);
        foreach (var value in entries.Where(e => !e.IsContainer && e.Parent.Equals(listener.Path, StringComparison.OrdinalIgnoreCase)))
        {
            o.AdaptedProperties.Add(new(value.Name, PsPrimitive.String(value.Value ?? string.Empty)));
        }

        o.AdaptedProperties.Add(new("ListeningOn", PsObjects.List([PsPrimitive.String("127.0.0.1"), PsPrimitive.String("::1")], ["System.Object[]", "System.Array", "System.Object"])));
        return o;
    }

    // A configuration container as WinRM answers Get: its values, its containers as elements of their own.
    private static PsObject ConfigElement(IReadOnlyList<WsManConfigEntry> entries, string path, string name)
    {
        var o = XmlElementObject(ConfigNamespace + (path.Length == 0 ? string.Empty : "/" + path.Replace('\\', '/').ToLowerInvariant().Replace("shell", "winrs", StringComparison.Ordinal)), name);
        o.AdaptedProperties.AddRange([new("cfg", PsPrimitive.String(ConfigNamespace)), new("lang", PsPrimitive.String("en-US"))]);
        foreach (var entry in entries.Where(e => e.Parent.Equals(path, StringComparison.OrdinalIgnoreCase)))
        {
            if (path.Length == 0 && entry.IsContainer && entry.Name is "Listener" or "Plugin" or "ClientCertificate") continue;
            var shown = path.Length == 0 && entry.Name == "Shell" ? "Winrs" : entry.Name;
            o.AdaptedProperties.Add(new(shown, entry.IsContainer ? ConfigElement(entries, entry.Path, shown) : PsPrimitive.String(entry.Value ?? string.Empty)));
        }

        return o;
    }
}
