using System.Globalization;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's small internal commands that tell the state of things: <c>date /t</c> ("Wed 12/02/2026 ", as %DATE%
/// with cmd's trailing blank), <c>time /t</c> ("06:56 AM"), <c>vol [C:]</c> (the disk's label and serial number, as
/// dir's first lines; another drive "The system cannot find the path specified."), <c>path</c> alone (PATH=...) and
/// <c>title</c> (nothing to show), <c>cls</c> (a form feed: its output is a pipe) and <c>setlocal</c>/<c>endlocal</c>
/// typed outside a batch file (they do nothing there). The computers keep UTC.
/// UNVERIFIED: date /t's trailing blank and time /t's leading zero. <c>date</c>/<c>time</c> without /t (they ask for a
/// new one) and <c>path</c> with a value are not emulated.
/// </summary>
internal sealed class CmdInfoScript(string name, IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => (name + " " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out CmdInfoScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0) return false;
        var name = tokens[0].Value.ToLowerInvariant();
        var arguments = tokens.Skip(1).Select(t => t.Value).ToList();
        var known = name switch
        {
            "date" or "time" => arguments is [var t] && t.Equals("/t", StringComparison.OrdinalIgnoreCase),
            "vol" => arguments.Count <= 1,
            "path" => arguments.Count == 0,
            "title" => true,
            "cls" => true,
            // Outside a batch file they do nothing (cmd /v:on is how a command line gets delayed expansion).
            "setlocal" or "endlocal" => true,
            _ => false,
        };
        if (!known) return false;
        script = new CmdInfoScript(name, arguments);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (name)
        {
            case "date":
                await host.WriteTextAsync(WinRsStreams.Stdout, now.ToString("ddd MM/dd/yyyy", CultureInfo.InvariantCulture) + " \r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "time":
                await host.WriteTextAsync(WinRsStreams.Stdout, now.ToString("hh:mm tt", CultureInfo.InvariantCulture) + "\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "vol":
                var drive = arguments.Count == 0 ? "C:" : arguments[0].TrimEnd('\\');
                if (!drive.Equals("C:", StringComparison.OrdinalIgnoreCase))
                {
                    await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
                    return 1;
                }

                await host.WriteTextAsync(WinRsStreams.Stdout, FileCommandScript.VolumeLines[..^2], cancellationToken).ConfigureAwait(false);
                return 0;
            case "cls":
                // No console to clear: cmd writes a form feed to the pipe (the character batch files take with
                // `for /f %%a in ('cls') do set FF=%%a`).
                await host.WriteTextAsync(WinRsStreams.Stdout, "\f", cancellationToken).ConfigureAwait(false);
                return 0;
            case "path":
                await host.WriteTextAsync(WinRsStreams.Stdout, "PATH=" + (host.EnvironmentVariable("PATH") ?? string.Empty) + "\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            default:
                return 0;
        }
    }
}
