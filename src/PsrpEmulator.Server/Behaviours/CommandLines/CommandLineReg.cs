using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// reg.exe's <c>query</c> of a key the computer's PowerShell answers with Get-ItemProperty (the default rules have
/// Windows NT\CurrentVersion): <c>reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" [/v Name]</c> prints the
/// key's full name and its values (a text as REG_SZ, a number as REG_DWORD in hex), as batch files read the Windows
/// version. A value the key has not is reg's "ERROR: The system was unable to find the specified registry key or value."
/// (exit code 1); a key no rule answers, and reg's other commands, are not emulated.
/// </summary>
internal sealed class RegQueryScript(BehaviourCatalog catalog, string key, string? value) : ICommandLineScript
{
    public string Description => "reg query " + key;

    public static bool TryParse(BehaviourCatalog catalog, string line, out RegQueryScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 3 || !(tokens[0].Value.Equals("reg", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("reg.exe", StringComparison.OrdinalIgnoreCase)) ||
            !tokens[1].Value.Equals("query", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string? value = null;
        if (tokens.Count == 5 && tokens[3].Value.Equals("/v", StringComparison.OrdinalIgnoreCase)) value = tokens[4].Value;
        else if (tokens.Count != 3) return false;
        script = new RegQueryScript(catalog, tokens[2].Value, value);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        // HKLM\x and HKEY_LOCAL_MACHINE\x are one key; PowerShell names it HKLM:\x.
        var (root, path) = SplitRoot(key.TrimEnd('\\'));
        if (root is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Invalid key name.\r\nType \"REG QUERY /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var items = await ComputerPowerShell.ObjectsAsync(catalog, host, time, cancellationToken,
            $"Get-ItemProperty '{(root == "HKEY_LOCAL_MACHINE" ? "HKLM" : "HKCU")}:\\{path.Replace("'", "''", StringComparison.Ordinal)}'").ConfigureAwait(false);
        if (items.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("reg query " + key), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var values = items[0].ExtendedProperties.Concat(items[0].AdaptedProperties).Where(p => !p.Name.StartsWith("PS", StringComparison.Ordinal) && (value is null || p.Name.Equals(value, StringComparison.OrdinalIgnoreCase))).ToList();
        if (value is not null && values.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: The system was unable to find the specified registry key or value.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new System.Text.StringBuilder("\r\n").Append(root).Append('\\').Append(path).Append("\r\n");
        foreach (var property in values)
        {
            var (type, shown) = property.Value is PsPrimitive { Value: int number }
                ? ("REG_DWORD", "0x" + number.ToString("x", CultureInfo.InvariantCulture))
                : ("REG_SZ", PipelineVariables.Display(property.Value));
            text.Append("    ").Append(property.Name).Append("    ").Append(type).Append("    ").Append(shown).Append("\r\n");
        }

        text.Append("\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static (string? Root, string Path) SplitRoot(string name)
    {
        var slash = name.IndexOf('\\');
        var first = slash < 0 ? name : name[..slash];
        var rest = slash < 0 ? string.Empty : name[(slash + 1)..];
        return first.ToUpperInvariant() switch
        {
            "HKLM" or "HKEY_LOCAL_MACHINE" => ("HKEY_LOCAL_MACHINE", rest),
            "HKCU" or "HKEY_CURRENT_USER" => ("HKEY_CURRENT_USER", rest),
            _ => (null, rest),
        };
    }
}
