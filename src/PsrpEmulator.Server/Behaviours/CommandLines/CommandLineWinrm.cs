using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// winrm.cmd's reading commands over the computer's WinRM configuration (<see cref="WsManConfigEntry"/>, what the
/// WSMan: drive shows): <c>winrm get winrm/config</c> and its parts (<c>/client</c>, <c>/service</c>, <c>/winrs</c>,
/// <c>/service/auth</c>...), <c>winrm enumerate winrm/config/listener</c>, <c>winrm id</c> (the Identify answer this
/// endpoint gives) and <c>winrm quickconfig</c> on a computer remoting is already set up on; each in winrm's layout (a
/// resource's name, then its values four spaces in per level, <c>Name = value</c>, an empty value as its name alone).
/// Changing the configuration (<c>winrm set</c>, <c>create</c>, <c>delete</c>) and other computers' (<c>-r:</c>) are not
/// emulated.
/// </summary>
internal sealed class WinrmScript(string verb, string? resource) : ICommandLineScript
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
            _ => null,
        };
        if (verb is null) return false;
        var rest = tokens.Skip(2).Select(t => t.Value).ToList();
        var switches = rest.Where(t => t.StartsWith('-') || t.StartsWith('/')).ToList();
        // Another computer's configuration (-r:server), a selector set or a change: not these answers.
        if (switches.Any(s => !IsReadSwitch(s))) return false;
        script = new WinrmScript(verb, rest.FirstOrDefault(t => !t.StartsWith('-') && !t.StartsWith('/')));
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

        string? text = verb switch
        {
            "identify" => "IdentifyResponse\r\n    ProtocolVersion = http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\r\n    ProductVendor = Microsoft Corporation\r\n" +
                "    ProductVersion = OS: 10.0.17763 SP: 0.0 Stack: 3.0\r\n    SecurityProfiles\r\n" +
                "        SecurityProfileName = http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos\r\n\r\n",
            "quickconfig" => "WinRM service is already running on this machine.\r\nWinRM is already set up for remote management on this computer.\r\n",
            "get" => Get(entries, resource),
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

    // The configuration's parts winrm names by resource URI (winrm/config/winrs is the Shell container), and their names.
    private static (string Path, string Name)? Resource(string? resource)
    {
        var name = resource?.Trim().TrimEnd('/').ToLowerInvariant();
        return name switch
        {
            "winrm/config" => (string.Empty, "Config"),
            "winrm/config/client" => ("Client", "Client"),
            "winrm/config/client/auth" => (@"Client\Auth", "Auth"),
            "winrm/config/client/defaultports" => (@"Client\DefaultPorts", "DefaultPorts"),
            "winrm/config/service" => ("Service", "Service"),
            "winrm/config/service/auth" => (@"Service\Auth", "Auth"),
            "winrm/config/service/defaultports" => (@"Service\DefaultPorts", "DefaultPorts"),
            "winrm/config/winrs" => ("Shell", "Winrs"),
            _ => null,
        };
    }

    private static string? Get(IReadOnlyList<WsManConfigEntry> entries, string? resource)
    {
        if (Resource(resource) is not var (path, name)) return null;
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
            text.Append("    ListeningOn = 127.0.0.1, ::1, fe80::5efe:7f00:1%4\r\n\r\n");
        }

        return text.ToString();
    }
}
