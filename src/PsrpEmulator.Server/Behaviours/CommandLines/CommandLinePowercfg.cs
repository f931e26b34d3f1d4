using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// powercfg as image builders run it: <c>/list</c> (<c>-l</c>) and <c>/getactivescheme</c> (Windows Server 2019's three
/// plans, Balanced active until changed), <c>/setactive</c> (<c>-s</c>) a plan's GUID or alias (SCHEME_MIN High
/// performance, SCHEME_MAX Power saver, SCHEME_BALANCED), which the registry's PowerSchemes ActivePowerScheme keeps
/// for the computer, <c>/change</c> (<c>-x</c>) of a monitor, disk, standby or hibernate timeout and
/// <c>/hibernate off</c> (<c>-h off</c>), which print nothing. UNVERIFIED: /list's leading blank line, the text and
/// exit code of an unknown plan. Other options (/query, /energy, /hibernate on...) are not emulated.
/// </summary>
internal sealed class PowercfgScript(string[] words) : ICommandLineScript
{
    private const string SchemesKey = @"SYSTEM\CurrentControlSet\Control\Power\User\PowerSchemes";
    private const string Balanced = "381b4222-f694-41f0-9685-ff5bb260df2e";

    private static readonly (string Guid, string Name, string Alias)[] Schemes =
    [
        (Balanced, "Balanced", "SCHEME_BALANCED"),
        ("8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c", "High performance", "SCHEME_MIN"),
        ("a1841308-3541-4fab-bc81-f71556f20b4a", "Power saver", "SCHEME_MAX"),
    ];

    private static readonly string[] Timeouts =
    [
        "monitor-timeout-ac", "monitor-timeout-dc", "disk-timeout-ac", "disk-timeout-dc", "standby-timeout-ac", "standby-timeout-dc",
        "hibernate-timeout-ac", "hibernate-timeout-dc",
    ];

    public string Description => "powercfg " + string.Join(' ', words);

    public static bool TryParse(string line, out PowercfgScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !CommandLineText.IsProgram(tokens[0].Value, "powercfg")) return false;
        var words = tokens.Skip(1).Select(t => t.Value).ToArray();
        var option = Option(words[0]);
        var known = option switch
        {
            "list" or "l" or "getactivescheme" => words.Length == 1,
            "setactive" or "s" => words.Length == 2,
            "change" or "x" => words.Length == 3 && Timeouts.Contains(Option(words[1])) && uint.TryParse(words[2], out _),
            "hibernate" or "h" => words.Length == 2 && words[1].Equals("off", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        if (!known) return false;
        script = new PowercfgScript(words);
        return true;
    }

    // "/list", "-LIST": list (powercfg takes either prefix, any case).
    private static string Option(string word) => word.TrimStart('/', '-').ToLowerInvariant();

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var active = host.Registry?.Get(VirtualRegistry.LocalMachine, null, SchemesKey)?.Values
            .FirstOrDefault(v => v.Name.Equals("ActivePowerScheme", StringComparison.OrdinalIgnoreCase))?.Data as string ?? Balanced;
        switch (Option(words[0]))
        {
            case "list" or "l":
                var list = "\r\nExisting Power Schemes (* Active)\r\n-----------------------------------\r\n" + string.Concat(Schemes.Select(s =>
                    $"Power Scheme GUID: {s.Guid}  ({s.Name}){(s.Guid.Equals(active, StringComparison.OrdinalIgnoreCase) ? " *" : string.Empty)}\r\n"));
                await host.WriteTextAsync(WinRsStreams.Stdout, list, cancellationToken).ConfigureAwait(false);
                return 0;
            case "getactivescheme":
                var current = Schemes.FirstOrDefault(s => s.Guid.Equals(active, StringComparison.OrdinalIgnoreCase));
                await host.WriteTextAsync(WinRsStreams.Stdout, $"Power Scheme GUID: {active}  ({current.Name ?? "Balanced"})\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "setactive" or "s":
                var wanted = words[1].Trim('{', '}');
                if (Schemes.FirstOrDefault(s => s.Guid.Equals(wanted, StringComparison.OrdinalIgnoreCase) || s.Alias.Equals(wanted, StringComparison.OrdinalIgnoreCase)) is not { Guid: not null } scheme)
                {
                    await host.WriteTextAsync(WinRsStreams.Stdout, "Unable to perform operation. An invalid parameter was passed to a function or one or more parameters conflict.\r\n", cancellationToken).ConfigureAwait(false);
                    return 1;
                }

                if (host.Registry is { } registry)
                {
                    registry.CreateKey(VirtualRegistry.LocalMachine, null, SchemesKey, createParents: true);
                    registry.SetValue(VirtualRegistry.LocalMachine, null, SchemesKey, new RegistryValue("ActivePowerScheme", RegistryValueKind.String, scheme.Guid));
                }

                return 0;
            default:
                return 0;
        }
    }
}
