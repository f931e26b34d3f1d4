namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's <c>cd</c> / <c>chdir</c> with a path (<c>/d</c> accepted), <c>pushd path</c> and <c>popd</c>: the current
/// directory of the process (a chained line, a batch file) for the commands after it. A path that is not a folder is
/// "The system cannot find the path specified.", exit code 1. A single WinRS command is a cmd.exe of its own, so there
/// it changes nothing after it.
/// </summary>
internal sealed class DirectoryCommandScript(string command, string argument) : ICommandLineScript
{
    public string Description => command + " " + argument;

    public static bool TryParse(string line, out DirectoryCommandScript script)
    {
        script = null!;
        var word = CommandLineText.FirstWord(line).ToLowerInvariant();
        if (word is not ("cd" or "chdir" or "pushd" or "popd")) return false;
        var argument = line.Length > word.Length ? line[word.Length..].Trim() : string.Empty;
        // A bare cd prints the directory (the cmd rule's); cd.. and cd\ are cd with a path.
        if (word is "cd" or "chdir" && argument.Length == 0) return false;
        if (argument.StartsWith("/d ", StringComparison.OrdinalIgnoreCase)) argument = argument[3..].Trim();
        script = new DirectoryCommandScript(word, argument.Trim('"'));
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var process = host as ProcessEnvironmentHost;
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        if (command == "popd")
        {
            if (process is not null && process.DirectoryStack.TryPop(out var previous)) process.SetCurrentDirectory(previous);
            return 0;
        }

        if (command == "pushd" && argument.Length == 0) return 0;
        var path = VirtualFileSystem.FullPath(argument.Replace('/', '\\'), cd, out _);
        if (path is null || host.FileSystem?.Get(path) is not { IsDirectory: true })
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the path specified.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (process is null) return 0;
        if (command == "pushd") process.DirectoryStack.Push(cd);
        process.SetCurrentDirectory(host.FileSystem!.Get(path)!.FullName);
        return 0;
    }
}
