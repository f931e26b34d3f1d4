using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// winrm.cmd's reading commands over the computer's WinRM configuration (<see cref="WsManConfigEntry"/>, what the
/// WSMan: drive shows): <c>winrm get winrm/config</c> and its parts (<c>/client</c>, <c>/service</c>, <c>/winrs</c>,
/// <c>/service/auth</c>...), <c>winrm enumerate winrm/config/listener</c>, <c>winrm id</c> (the Identify answer this
/// endpoint gives) and <c>winrm quickconfig</c> on a computer remoting is already set up on; each in winrm's layout (a
/// resource's name, then its values four spaces in per level, <c>Name = value</c>, an empty value as its name alone).
/// Its changes, kept for the computer as the WSMan: drive's are (<see cref="WsManSettings"/>; read back, not acted on):
/// <c>winrm set winrm/config/service/auth @{Basic="true"}</c> (the resource's values printed after), <c>winrm create
/// winrm/config/Listener?Address=*+Transport=HTTPS @{Hostname="x";CertificateThumbprint="..."}</c> (ResourceCreated)
/// and <c>winrm delete winrm/config/Listener?Address=*+Transport=HTTPS</c>; a setting the resource has not, or a
/// listener that exists or does not, is a WSManFault on stderr with exit code 1 (the wording UNVERIFIED, its error
/// numbers not written). Other computers' configuration (<c>-r:</c>) is not emulated.
/// </summary>
internal sealed class WinrmScript(string verb, string? resource, string? values = null) : ICommandLineScript
{
    public string Description => $"winrm {verb}";

    public static bool TryParse(string line, out WinrmScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(CommandLineText.IsProgram(tokens[0].Value, "winrm") || CommandLineText.FileName(tokens[0].Value).Equals("winrm.cmd", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant() switch
        {
            "get" or "g" => "get",
            "enumerate" or "e" => "enumerate",
            "identify" or "id" => "identify",
            "quickconfig" or "qc" => "quickconfig",
            "set" or "s" => "set",
            "create" or "c" => "create",
            "delete" or "d" => "delete",
            _ => null,
        };
        if (verb is null) return false;
        var rest = tokens.Skip(2).Select(t => t.Value).ToList();
        var switches = rest.Where(t => t.StartsWith('-') || t.StartsWith('/')).ToList();
        // Another computer's configuration (-r:server), a selector set or a change: not these answers.
        if (switches.Any(s => !IsReadSwitch(s))) return false;
        var words = rest.Where(t => !t.StartsWith('-') && !t.StartsWith('/')).ToList();
        script = new WinrmScript(verb, words.FirstOrDefault(), words.Skip(1).FirstOrDefault(w => w.StartsWith("@{", StringComparison.Ordinal)));
        return true;
    }

    private static bool IsReadSwitch(string option) =>
        option.TrimStart('-', '/').ToLowerInvariant() is "q" or "quiet" or "force" or "format:pretty" or "format:text";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.WsManConfiguration is not { } entries)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("winrm " + verb), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (verb is "set" or "create" or "delete" && host.WsManSettings is { } settings)
        {
            var changed = Change(entries, settings, out var failure);
            if (changed is null && failure is not null)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, $"WSManFault\r\n    Message = {failure}\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            if (changed is not null)
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, changed, cancellationToken).ConfigureAwait(false);
                return 0;
            }
        }

        string? text = verb switch
        {
            "identify" => "IdentifyResponse\r\n    ProtocolVersion = http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\r\n    ProductVendor = Microsoft Corporation\r\n" +
                "    ProductVersion = OS: 10.0.17763 SP: 0.0 Stack: 3.0\r\n    SecurityProfiles\r\n" +
                "        SecurityProfileName = http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos\r\n\r\n",
            "quickconfig" => "WinRM service is already running on this machine.\r\nWinRM is already set up for remote management on this computer.\r\n",
            "get" => Get(entries, resource),
            "set" or "create" or "delete" => null,
            _ => resource?.TrimEnd('/').Equals("winrm/config/listener", StringComparison.OrdinalIgnoreCase) == true ? Listeners(entries) : null,
        };
        if (text is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor($"winrm {verb} {resource}".TrimEnd()), cancellationToken).ConfigureAwait(false);
            return 1;
        }


        await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // winrm/config/Listener?Address=*+Transport=HTTPS: the listener's selectors (null for another resource).
    private static (string Address, string Transport)? ListenerSelectors(string? resource)
    {
        if (resource?.IndexOf('?') is not (> 0 and var question) || !resource[..question].TrimEnd('/').Equals("winrm/config/listener", StringComparison.OrdinalIgnoreCase)) return null;
        string? address = null, transport = null;
        foreach (var pair in resource[(question + 1)..].Split('+'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) return null;
            var (key, value) = (pair[..equals], pair[(equals + 1)..]);
            if (key.Equals("Address", StringComparison.OrdinalIgnoreCase)) address = value;
            else if (key.Equals("Transport", StringComparison.OrdinalIgnoreCase)) transport = value.ToUpperInvariant();
            else return null;
        }

        return address is null || transport is not ("HTTP" or "HTTPS") ? null : (address, transport);
    }

    // @{Name="value";Other="value"} (cmd has taken the quotes off).
    private Dictionary<string, string> Values()
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Text.RegularExpressions.Match pair in System.Text.RegularExpressions.Regex.Matches(values ?? string.Empty, @"(\w+)\s*=\s*([^;}]*)", System.Text.RegularExpressions.RegexOptions.CultureInvariant))
        {
            found[pair.Groups[1].Value] = pair.Groups[2].Value.Trim();
        }

        return found;
    }

    /// <summary>winrm set, create, delete: the text to print, or null with the fault's message (a null message: not emulated).</summary>
    private string? Change(IReadOnlyList<WsManConfigEntry> entries, WsManSettings settings, out string? failure)
    {
        failure = null;
        var given = Values();
        if (ListenerSelectors(resource) is var (address, transport))
        {
            var listener = entries.FirstOrDefault(e => e.IsContainer && e.Parent.Equals("Listener", StringComparison.OrdinalIgnoreCase) &&
                e.Keys is { } keys && keys.Contains("Transport=" + transport, StringComparer.OrdinalIgnoreCase) && keys.Contains("Address=" + address, StringComparer.OrdinalIgnoreCase));
            switch (verb)
            {
                case "create":
                {
                    if (listener is not null)
                    {
                        failure = "The WS-Management service cannot create the resource because it already exists.";
                        return null;
                    }

                    string? Value(string key) => given.TryGetValue(key, out var v) ? v : null;
                    settings.AddListener(transport, address, Value("Port"), Value("Hostname"), Value("Enabled"), Value("URLPrefix"), Value("CertificateThumbprint"));
                    return "ResourceCreated\r\n    Address = http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous\r\n    ReferenceParameters\r\n" +
                        "        ResourceURI = http://schemas.microsoft.com/wbem/wsman/1/config/listener\r\n        SelectorSet\r\n" +
                        $"            Selector: Address = {address}, Transport = {transport}\r\n\r\n";
                }

                case "delete":
                    if (listener is null)
                    {
                        failure = "The service cannot find the resource identified by the resource URI and selectors.";
                        return null;
                    }

                    settings.Remove(listener.Path);
                    return string.Empty;
                default:
                {
                    if (listener is null)
                    {
                        failure = "The service cannot find the resource identified by the resource URI and selectors.";
                        return null;
                    }

                    foreach (var (key, value) in given)
                    {
                        if (!entries.Any(e => e.Path.Equals(listener.Path + "\\" + key, StringComparison.OrdinalIgnoreCase))) return Unknown(key, out failure);
                        settings.Set(listener.Path + "\\" + key, value);
                    }

                    var changed = settings.Apply(entries);
                    var text = new StringBuilder("Listener\r\n");
                    Render(changed, listener.Path, 1, text);
                    return text.Append("\r\n").ToString();
                }
            }
        }

        if (verb != "set" || WsManSettings.ConfigResource(resource) is not var (path, resourceName)) return null;
        foreach (var (key, value) in given)
        {
            var leaf = path.Length == 0 ? key : path + "\\" + key;
            var entry = entries.FirstOrDefault(e => !e.IsContainer && e.Path.Equals(leaf, StringComparison.OrdinalIgnoreCase));
            if (entry is null) return Unknown(key, out failure);
            settings.Set(entry.Path, entry.Value is "true" or "false" ? value.ToLowerInvariant() : value);
        }

        var result = new StringBuilder(resourceName).Append("\r\n");
        Render(settings.Apply(entries), path, 1, result);
        return result.Append("\r\n").ToString();

        static string? Unknown(string key, out string? failure)
        {
            failure = $"The WS-Management service cannot process the request because the XML is invalid: {key} is not a setting of the resource.";
            return null;
        }
    }

    private static string? Get(IReadOnlyList<WsManConfigEntry> entries, string? resource)
    {
        if (WsManSettings.ConfigResource(resource) is not var (path, name)) return null;
        var text = new StringBuilder(name).Append("\r\n");
        Render(entries, path, 1, text);
        return text.Append("\r\n").ToString();
    }

    // A container's values and containers, in the configuration's order; winrm/config holds neither the listeners, the
    // plugins nor the client certificates (resources of their own).
    private static void Render(IReadOnlyList<WsManConfigEntry> entries, string path, int depth, StringBuilder text)
    {
        foreach (var entry in entries.Where(e => e.Parent.Equals(path, StringComparison.OrdinalIgnoreCase)))
        {
            if (path.Length == 0 && entry.IsContainer && entry.Name is "Listener" or "Plugin" or "ClientCertificate") continue;
            var indent = new string(' ', 4 * depth);
            var name = path.Length == 0 && entry.Name == "Shell" ? "Winrs" : entry.Name;
            if (entry.IsContainer)
            {
                text.Append(indent).Append(name).Append("\r\n");
                Render(entries, entry.Path, depth + 1, text);
            }
            else
            {
                text.Append(indent).Append(name).Append(entry.Value!.Length == 0 ? string.Empty : " = " + entry.Value).Append("\r\n");
            }
        }
    }

    // winrm e winrm/config/listener: each listener's values and the addresses it listens on (the computer's loopback
    // and link-local ones, as its ipconfig shows; UNVERIFIED order).
    private static string Listeners(IReadOnlyList<WsManConfigEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var listener in entries.Where(e => e.IsContainer && e.Parent.Equals("Listener", StringComparison.OrdinalIgnoreCase)))
        {
            text.Append("Listener\r\n");
            Render(entries, listener.Path, 1, text);
            text.Append("    ListeningOn = 127.0.0.1, ::1, fe80::8d4c:2f6b:a91e:5c07%4\r\n\r\n");
        }

        return text.ToString();
    }
}
