namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// setx.exe: <c>setx NAME value</c> keeps the variable for the user's later processes, <c>/M</c> for the machine's
/// (<see cref="PersistentEnvironment"/>); the running process (and the rest of its line) does not see it, as on Windows.
/// setx keeps 1,024 characters at most and says so, the trap that cuts a long Path. <c>/K</c>, <c>/F</c>, <c>/S</c>
/// (a registry value, a file, another computer) are not emulated. The WARNING's stream is UNVERIFIED (stdout here).
/// </summary>
internal sealed class SetxCommandScript(string arguments) : ICommandLineScript
{
    private const int MaxValueLength = 1024;

    public string Description => "setx " + arguments;

    public static bool TryParse(string line, out SetxCommandScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!name.Equals("setx", StringComparison.OrdinalIgnoreCase) && !name.Equals("setx.exe", StringComparison.OrdinalIgnoreCase)) return false;
        script = new SetxCommandScript(line[name.Length..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var machine = false;
        var positional = new List<string>();
        foreach (var (value, _) in CommandLineText.Tokenize(arguments))
        {
            if (value.Length == 2 && value[0] is '/' or '-' && char.ToUpperInvariant(value[1]) == 'M')
            {
                machine = true;
                continue;
            }

            if (value.Length == 2 && value[0] is '/' or '-' && char.ToUpperInvariant(value[1]) is 'K' or 'F' or 'S' or 'U' or 'P' or 'A' or 'R' or 'X' or 'D')
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("setx " + value), cancellationToken).ConfigureAwait(false);
                return 1;
            }

            positional.Add(value);
        }

        if (positional.Count != 2 || positional[0].Length == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Invalid syntax.\r\nType \"SETX /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var (name, text) = (positional[0], positional[1]);
        var output = string.Empty;
        if (text.Length > MaxValueLength)
        {
            text = text[..MaxValueLength];
            output = $"WARNING: The data being saved is truncated to {MaxValueLength} characters.\r\n";
        }

        var profile = host.Environment.FirstOrDefault(v => v.Key.Equals("USERPROFILE", StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
        // setx keeps a value with a % (a reference left unexpanded, as ^% in cmd) as REG_EXPAND_SZ, any other as REG_SZ
        // (UNVERIFIED: from setx's documented behaviour as users report it, not checked against Windows here).
        if (host.PersistentEnvironment is not { } persistent || !persistent.Set(machine ? EnvironmentScope.Machine : EnvironmentScope.User, profile, name, text, expand: text.Contains('%', StringComparison.Ordinal)))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("setx"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, output + "\r\nSUCCESS: Specified value was saved.\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
