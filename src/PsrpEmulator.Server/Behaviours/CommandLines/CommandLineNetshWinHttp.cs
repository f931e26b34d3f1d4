using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>netsh winhttp show proxy</c>, <c>set proxy</c> and <c>reset proxy</c>: the computer's WinHTTP proxy, which
/// provisioning scripts set behind a corporate proxy and diagnostics print. It lives where Windows keeps it, the
/// <c>WinHttpSettings</c> binary value of HKLM's <c>...\Internet Settings\Connections</c>: a DWORD 0x18, a DWORD 0, the
/// flags (1 direct, 3 with a proxy), then the proxy and the bypass list each as a DWORD length and its ANSI text. The
/// direct access value (<c>1800000000000000010000000000000000000000</c>) is Microsoft's documented one; the layout
/// with a proxy follows published decoders (UNVERIFIED: the first two DWORDs once a proxy is set). A computer without
/// the value has direct access. The answers are netsh's as users quote them ("Current WinHTTP proxy settings:",
/// "Direct access (no proxy server).", "Proxy Server(s) :  host:port", "Bypass List     :  (none)"). <c>set proxy</c>
/// takes the proxy and the bypass list by position or as <c>proxy-server=</c> and <c>bypass-list=</c>; <c>import
/// proxy source=ie</c> and any other form are not emulated.
/// </summary>
internal sealed class NetshWinHttpScript(string verb, string? proxy, string? bypass) : ICommandLineScript
{
    internal const string ConnectionsKey = @"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections";

    internal const string ValueName = "WinHttpSettings";

    public string Description => $"netsh winhttp {verb} proxy";

    public static bool TryParse(string line, out NetshWinHttpScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count < 4 || !CommandLineText.IsProgram(tokens[0], "netsh") || !tokens[1].Equals("winhttp", StringComparison.OrdinalIgnoreCase) ||
            !tokens[3].Equals("proxy", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var verb = tokens[2].ToLowerInvariant();
        if (verb is "show" or "reset")
        {
            if (tokens.Count != 4) return false;
            script = new NetshWinHttpScript(verb, null, null);
            return true;
        }

        if (verb != "set" || tokens.Count is < 5 or > 6) return false;
        string? proxy = null, bypass = null;
        for (var i = 4; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? token[..equals].ToLowerInvariant() : i == 4 ? "proxy-server" : "bypass-list";
            var value = equals > 0 ? token[(equals + 1)..] : token;
            if (key == "proxy-server" && proxy is null) proxy = value;
            else if (key == "bypass-list" && bypass is null) bypass = value;
            else return false;
        }

        if (string.IsNullOrEmpty(proxy)) return false;
        script = new NetshWinHttpScript(verb, proxy, bypass);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.Registry is not { } registry)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("netsh"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (verb != "show")
        {
            registry.CreateKey(VirtualRegistry.LocalMachine, null, ConnectionsKey, createParents: true);
            registry.SetValue(VirtualRegistry.LocalMachine, null, ConnectionsKey, new RegistryValue(ValueName, RegistryValueKind.Binary, Encode(proxy, bypass)));
        }

        var settings = registry.Get(VirtualRegistry.LocalMachine, null, ConnectionsKey)?.Values
            .FirstOrDefault(v => v.Name.Equals(ValueName, StringComparison.OrdinalIgnoreCase))?.Data as byte[];
        var (shownProxy, shownBypass) = Decode(settings);
        var text = new StringBuilder("\r\nCurrent WinHTTP proxy settings:\r\n\r\n");
        if (shownProxy is null)
        {
            text.Append("    Direct access (no proxy server).\r\n\r\n");
        }
        else
        {
            text.Append("    Proxy Server(s) :  ").Append(shownProxy).Append("\r\n")
                .Append("    Bypass List     :  ").Append(string.IsNullOrEmpty(shownBypass) ? "(none)" : shownBypass).Append("\r\n\r\n");
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The WinHttpSettings value for a proxy and bypass list; direct access without a proxy.</summary>
    internal static byte[] Encode(string? proxy, string? bypass)
    {
        var proxyBytes = Encoding.Latin1.GetBytes(proxy ?? string.Empty);
        var bypassBytes = Encoding.Latin1.GetBytes(bypass ?? string.Empty);
        var data = new byte[20 + proxyBytes.Length + bypassBytes.Length];
        BitConverter.TryWriteBytes(data.AsSpan(0), 0x18);
        BitConverter.TryWriteBytes(data.AsSpan(8), proxy is null ? 1 : 3);
        BitConverter.TryWriteBytes(data.AsSpan(12), proxyBytes.Length);
        proxyBytes.CopyTo(data, 16);
        BitConverter.TryWriteBytes(data.AsSpan(16 + proxyBytes.Length), bypassBytes.Length);
        bypassBytes.CopyTo(data, 20 + proxyBytes.Length);
        return data;
    }

    /// <summary>The proxy and bypass list a WinHttpSettings value holds; no proxy for direct access or a value it cannot read.</summary>
    internal static (string? Proxy, string? Bypass) Decode(byte[]? data)
    {
        if (data is not { Length: >= 16 } || (BitConverter.ToInt32(data, 8) & 2) == 0) return (null, null);
        var proxyLength = BitConverter.ToInt32(data, 12);
        if (proxyLength <= 0 || 16L + proxyLength > data.Length) return (null, null);
        var proxy = Encoding.Latin1.GetString(data, 16, proxyLength);
        var at = 16 + proxyLength;
        if (at + 4 > data.Length) return (proxy, null);
        var bypassLength = BitConverter.ToInt32(data, at);
        return (proxy, bypassLength > 0 && at + 4L + bypassLength <= data.Length ? Encoding.Latin1.GetString(data, at + 4, bypassLength) : null);
    }
}
