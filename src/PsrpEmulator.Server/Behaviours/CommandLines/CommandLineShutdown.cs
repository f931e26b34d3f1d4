using System.Globalization;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// shutdown.exe's restart, as Packer's windows-restart provisioner runs it (<c>shutdown /r /f /t 0 /c "Packer
/// Restart"</c>): <c>/r</c> restarts the computer after <c>/t</c> seconds (30 by default) on the server's clock
/// (<see cref="IComputerPower"/>), printing nothing; <c>/a</c> cancels a pending one. A second restart while one is
/// pending is Windows' error 1190; <c>/a</c> with none pending 1116 (the message and exit code are the error's number).
/// <c>/s</c>, <c>/p</c>, <c>/h</c>, <c>/l</c> (turning off, hibernating, logging off) are not emulated.
/// </summary>
internal sealed class ShutdownCommandScript(string arguments) : ICommandLineScript
{
    public string Description => "shutdown " + arguments;

    public static bool TryParse(string line, out ShutdownCommandScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!name.Equals("shutdown", StringComparison.OrdinalIgnoreCase) && !name.Equals("shutdown.exe", StringComparison.OrdinalIgnoreCase)) return false;
        script = new ShutdownCommandScript(line[name.Length..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var words = CommandLineText.Tokenize(arguments).Select(t => t.Value).ToList();
        var (restart, abort) = (false, false);
        var delay = TimeSpan.FromSeconds(30);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].ToLowerInvariant().Replace('-', '/');
            switch (word)
            {
                case "/r" or "/g":
                    restart = true;
                    break;
                case "/a":
                    abort = true;
                    break;
                case "/f" or "/o":
                    break;
                case "/t" when i + 1 < words.Count && int.TryParse(words[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 315_360_000:
                    delay = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "/c" or "/d" when i + 1 < words.Count:
                    i++;
                    break;
                default:
                    return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        if (host.Power is not { } power || restart == abort) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        if (abort)
        {
            if (power.AbortRestart()) return 0;
            await host.WriteTextAsync(WinRsStreams.Stderr, "Unable to abort the system shutdown because no shutdown was in progress.(1116)\r\n", cancellationToken).ConfigureAwait(false);
            return 1116;
        }

        if (power.ScheduleRestart(delay))
        {
            host.EventLogs?.RestartRequested(host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty, host.LogonName(), @"C:\Windows\system32\shutdown.exe");
            return 0;
        }

        await host.WriteTextAsync(WinRsStreams.Stderr, "A system shutdown has already been scheduled.(1190)\r\n", cancellationToken).ConfigureAwait(false);
        return 1190;
    }

    private async Task<int> NotEmulatedAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(("shutdown " + arguments).Trim()), cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
