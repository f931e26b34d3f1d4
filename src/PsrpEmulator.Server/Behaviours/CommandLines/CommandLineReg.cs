using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// reg.exe's <c>query</c>, <c>add</c> and <c>delete</c> on the computer's registry (<see cref="VirtualRegistry"/>, which
/// PowerShell's registry cmdlets share), for HKLM and HKCU (HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER):
/// <list type="bullet">
/// <item><c>reg query KEY [/v NAME | /ve] [/s]</c>: the key's full name, its values (<c>NAME    REG_SZ    data</c>: a
/// DWORD and QWORD in 0x hex, a MULTI_SZ's strings joined by \0, BINARY in hex digits, EXPAND_SZ as stored), then its
/// subkeys' names (/s: their contents, each key a block);</item>
/// <item><c>reg add KEY [/v NAME | /ve] [/t REG_SZ|REG_EXPAND_SZ|REG_DWORD|REG_QWORD|REG_MULTI_SZ|REG_BINARY] [/s SEP] [/d DATA] [/f]</c>:
/// makes the key (and those above it) and sets the value;</item>
/// <item><c>reg delete KEY [/v NAME | /ve | /va] [/f]</c>: deletes the key with its subkeys, or values.</item>
/// </list>
/// Without /f, overwriting or deleting asks on stdin ("(Yes/No)?"; the prompt texts are UNVERIFIED); an answer other
/// than y or yes, or the end of stdin, cancels. A missing key or value is reg's "ERROR: The system was unable to find
/// the specified registry key or value." (exit code 1); bad syntax "ERROR: Invalid syntax." (1). Other hives, remote
/// keys and reg's other operations (copy, save, export, import...) say they are not emulated.
/// </summary>
internal sealed class RegCommandScript(string operation, RegistryPath key, IReadOnlyDictionary<string, string?> switches) : ICommandLineScript
{
    public string Description => $"reg {operation} {key.FullName}";

    private const string Success = "The operation completed successfully.\r\n";
    private const string NotFound = "ERROR: The system was unable to find the specified registry key or value.\r\n";

    private static readonly string[] Operations = ["query", "add", "delete"];

    /// <summary>Each operation's switches: those that take a value, and the flags.</summary>
    private static readonly Dictionary<string, (string[] Valued, string[] Flags)> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["query"] = (["/v"], ["/ve", "/s"]),
        ["add"] = (["/v", "/t", "/s", "/d"], ["/ve", "/f"]),
        ["delete"] = (["/v"], ["/ve", "/va", "/f"]),
    };

    /// <summary>
    /// A reg command line: this script, a syntax error's script, or false for a line that is not reg's or an operation
    /// not emulated (the caller says so).
    /// </summary>
    public static bool TryParse(string line, out ICommandLineScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("reg", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("reg.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var operation = tokens[1].Value.ToLowerInvariant();
        if (!Operations.Contains(operation)) return false;
        var syntax = new RegSyntaxErrorScript(operation);
        script = syntax;
        if (tokens.Count < 3) return true;
        var keyName = tokens[2].Value;
        if (keyName.StartsWith(@"\\", StringComparison.Ordinal)) return false; // another computer's registry
        if (RegistryPath.Parse(keyName, slashSeparates: false) is not { } key || keyName.Contains(':', StringComparison.Ordinal) || keyName.StartsWith("Registry", StringComparison.OrdinalIgnoreCase))
        {
            // HKCR, HKU, HKCC: real hives the emulator has not.
            var root = keyName.Split('\\')[0].ToUpperInvariant();
            if (root is "HKCR" or "HKU" or "HKCC" or "HKEY_CLASSES_ROOT" or "HKEY_USERS" or "HKEY_CURRENT_CONFIG") return false;
            script = new RegSyntaxErrorScript(operation, $"ERROR: Invalid key name.\r\nType \"REG {operation.ToUpperInvariant()} /?\" for usage.\r\n");
            return true;
        }

        var (valued, flags) = Switches[operation];
        var switches = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 3; i < tokens.Count; i++)
        {
            var word = tokens[i].Value;
            var name = word.Length > 1 && word[0] == '-' ? "/" + word[1..] : word;
            if (switches.ContainsKey(name)) return true;
            if (valued.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (++i >= tokens.Count) return true;
                switches[name] = tokens[i].Value;
            }
            else if (flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                switches[name] = null;
            }
            else
            {
                return true;
            }
        }

        // /v, /ve and /va choose one value (or all): at most one of them.
        if (new[] { "/v", "/ve", "/va" }.Count(switches.ContainsKey) > 1) return true;
        script = new RegCommandScript(operation, key, switches);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.Registry is not { } registry)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("reg"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        // HKCU is the user's hive, the one PowerShell's HKCU: of the same user is (by the process's USERPROFILE).
        var user = host.Environment.FirstOrDefault(v => v.Key.Equals("USERPROFILE", StringComparison.OrdinalIgnoreCase)).Value;
        return operation switch
        {
            "query" => await QueryAsync(host, registry, user, cancellationToken).ConfigureAwait(false),
            "add" => await AddAsync(host, registry, user, cancellationToken).ConfigureAwait(false),
            _ => await DeleteAsync(host, registry, user, cancellationToken).ConfigureAwait(false),
        };
    }

    private string? ValueName => switches.ContainsKey("/ve") ? string.Empty : switches.GetValueOrDefault("/v");

    private async Task<int> QueryAsync(ICommandLineHost host, VirtualRegistry registry, string? user, CancellationToken cancellationToken)
    {
        if (registry.Get(key.Hive, user, key.Path) is not { } found)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotFound, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var text = new StringBuilder();
        if (ValueName is { } valueName)
        {
            var value = found.Values.FirstOrDefault(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase));
            if (value is null && valueName.Length > 0)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, NotFound, cancellationToken).ConfigureAwait(false);
                return 1;
            }

            // /ve on a key whose default value is not set: reg's "(value not set)".
            text.Append("\r\n").Append(found.Name).Append("\r\n");
            text.Append(value is null ? "    (Default)    REG_SZ    (value not set)\r\n" : Line(value));
            text.Append("\r\n");
        }
        else
        {
            Block(registry, user, found, switches.ContainsKey("/s"), text, 0);
            if (switches.ContainsKey("/s")) text.Append("\r\n");
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // A key's block: a blank line, its name, its values; then its subkeys, by name or (/s) each as a block of its own.
    private static void Block(VirtualRegistry registry, string? user, RegistryKeySnapshot key, bool recurse, StringBuilder text, int depth)
    {
        text.Append("\r\n").Append(key.Name).Append("\r\n");
        foreach (var value in key.Values) text.Append(Line(value));
        if (!recurse)
        {
            text.Append("\r\n");
            foreach (var sub in key.SubKeys) text.Append(key.Name).Append('\\').Append(sub).Append("\r\n");
            return;
        }

        if (depth >= 64) return;
        foreach (var sub in key.SubKeys)
        {
            var path = RegistryPath.Parse(key.Name + "\\" + sub, slashSeparates: false)!;
            if (registry.Get(path.Hive, user, path.Path) is { } child) Block(registry, user, child, recurse, text, depth + 1);
        }
    }

    private static string Line(RegistryValue value) =>
        $"    {(value.Name.Length == 0 ? "(Default)" : value.Name)}    {TypeName(value.Kind)}    {Data(value)}\r\n";

    private static string TypeName(RegistryValueKind kind) => kind switch
    {
        RegistryValueKind.String => "REG_SZ",
        RegistryValueKind.ExpandString => "REG_EXPAND_SZ",
        RegistryValueKind.DWord => "REG_DWORD",
        RegistryValueKind.QWord => "REG_QWORD",
        RegistryValueKind.MultiString => "REG_MULTI_SZ",
        _ => "REG_BINARY",
    };

    private static string Data(RegistryValue value) => value.Data switch
    {
        int number => "0x" + ((uint)number).ToString("x", CultureInfo.InvariantCulture),
        long number => "0x" + ((ulong)number).ToString("x", CultureInfo.InvariantCulture),
        string[] texts => string.Join(@"\0", texts),
        byte[] bytes => Convert.ToHexString(bytes),
        var other => other.ToString() ?? string.Empty,
    };

    private async Task<int> AddAsync(ICommandLineHost host, VirtualRegistry registry, string? user, CancellationToken cancellationToken)
    {
        var type = switches.GetValueOrDefault("/t") ?? "REG_SZ";
        var data = switches.GetValueOrDefault("/d") ?? string.Empty;
        RegistryValue? value = null;
        if (ValueName is { } valueName)
        {
            value = Parse(valueName, type.ToUpperInvariant(), data, switches.GetValueOrDefault("/s") ?? @"\0");
            if (value is null)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Invalid syntax.\r\nType \"REG ADD /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            // Overwriting a value asks first, unless /f.
            var existing = registry.Get(key.Hive, user, key.Path)?.Values.Any(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase)) == true;
            if (existing && !switches.ContainsKey("/f") &&
                !await AskAsync(host, $"Value {(valueName.Length == 0 ? "(Default)" : valueName)} exists, overwrite(Yes/No)? ", cancellationToken).ConfigureAwait(false))
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, "The operation was canceled by the user.\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            }
        }

        var failure = registry.CreateKey(key.Hive, user, key.Path, createParents: true);
        if (failure == RegistryFailure.None || failure == RegistryFailure.KeyExists) failure = value is null ? RegistryFailure.None : registry.SetValue(key.Hive, user, key.Path, value);
        if (failure == RegistryFailure.TooLarge)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: The emulator's registry of this computer is full.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, Success, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>/d's text as a value of type /t; null when the type is unknown or the data is no number of it.</summary>
    private static RegistryValue? Parse(string name, string type, string data, string separator)
    {
        switch (type)
        {
            case "REG_SZ":
                return new(name, RegistryValueKind.String, data);
            case "REG_EXPAND_SZ":
                return new(name, RegistryValueKind.ExpandString, data);
            case "REG_MULTI_SZ":
                return new(name, RegistryValueKind.MultiString, data.Length == 0 ? [] : data.Split(separator.Length == 0 ? @"\0" : separator));
            case "REG_BINARY":
                if (data.Length % 2 == 1) data = "0" + data;
                try
                {
                    return new(name, RegistryValueKind.Binary, Convert.FromHexString(data));
                }
                catch (FormatException)
                {
                    return null;
                }

            case "REG_DWORD" or "REG_QWORD":
                var dword = type == "REG_DWORD";
                ulong number;
                if (data.Length == 0) number = 0;
                else if (data.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? !ulong.TryParse(data.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number)
                    : !ulong.TryParse(data, NumberStyles.None, CultureInfo.InvariantCulture, out number))
                {
                    return null;
                }

                if (dword && number > uint.MaxValue) return null;
                return dword ? new(name, RegistryValueKind.DWord, unchecked((int)(uint)number)) : new(name, RegistryValueKind.QWord, unchecked((long)number));
            default:
                return null;
        }
    }

    private async Task<int> DeleteAsync(ICommandLineHost host, VirtualRegistry registry, string? user, CancellationToken cancellationToken)
    {
        var force = switches.ContainsKey("/f");
        if (registry.Get(key.Hive, user, key.Path) is not { } found)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotFound, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (ValueName is { } valueName)
        {
            if (!found.Values.Any(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase)))
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, NotFound, cancellationToken).ConfigureAwait(false);
                return 1;
            }

            if (!force && !await AskAsync(host, $"Delete the registry value {(valueName.Length == 0 ? "(Default)" : valueName)} (Yes/No)? ", cancellationToken).ConfigureAwait(false)) return 0;
            registry.DeleteValue(key.Hive, user, key.Path, valueName);
        }
        else if (switches.ContainsKey("/va"))
        {
            if (!force && !await AskAsync(host, $"Delete all values under the registry key {found.Name} (Yes/No)? ", cancellationToken).ConfigureAwait(false)) return 0;
            foreach (var value in found.Values) registry.DeleteValue(key.Hive, user, key.Path, value.Name);
        }
        else
        {
            if (key.Path.Length == 0)
            {
                // A hive itself cannot be deleted.
                await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Access is denied.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            if (!force && !await AskAsync(host, $"Permanently delete the registry key {found.Name} (Yes/No)? ", cancellationToken).ConfigureAwait(false)) return 0;
            registry.DeleteKey(key.Hive, user, key.Path, recurse: true);
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, Success, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // reg's (Yes/No) question on stdout, its answer a line of stdin: y or yes goes on.
    private static async Task<bool> AskAsync(ICommandLineHost host, string question, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, question, cancellationToken).ConfigureAwait(false);
        var answer = (await SetPromptScript.ReadLineAsync(host, cancellationToken).ConfigureAwait(false))?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>reg's answer to a command line it cannot read: "ERROR: Invalid syntax." and the usage hint (exit code 1).</summary>
internal sealed class RegSyntaxErrorScript(string operation, string? message = null) : ICommandLineScript
{
    public string Description => $"reg {operation}: invalid syntax";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message ?? $"ERROR: Invalid syntax.\r\nType \"REG {operation.ToUpperInvariant()} /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
