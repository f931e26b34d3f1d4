using System.Collections.Concurrent;
using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells.WinRs;

/// <summary>
/// What makes a <see cref="Shell"/> a WinRS cmd shell: its Create options (environment, working directory, code
/// page, profile) and its commands. The shell keeps the WinRM-level machinery (owner, idle timeout, connection
/// state, buffer mode); its PSRP pool is never opened.
/// </summary>
internal sealed class WinRsContext
{
    private readonly ConcurrentDictionary<string, WinRsCommand> _commands = new(StringComparer.OrdinalIgnoreCase);

    public WinRsContext(IReadOnlyList<KeyValuePair<string, string>> environment, string workingDirectory, int codePage, bool noProfile, string computerName, string userName, int consoleWidth = 120,
        PsrpEmulator.Server.Behaviours.PersistentEnvironment? persistent = null)
    {
        ConsoleWidth = consoleWidth;
        Environment = new WinRsEnvironment(computerName, userName, environment, persistent);
        WorkingDirectory = workingDirectory;
        CodePage = codePage;
        NoProfile = noProfile;
        Encoding = WinRsCodePages.TryGet(codePage) ?? throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"WINRS_CODEPAGE {codePage} is not a valid code page.");
        Facts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["computername"] = computerName.ToUpperInvariant(),
            ["username"] = userName,
            // As whoami prints the logon: domain\user (the computer's name for a local account), in lower case.
            ["logon"] = WinRsEnvironment.WhoAmI(userName, computerName),
            ["cd"] = workingDirectory,
        };
    }

    /// <summary>The environment of every process of the shell (Windows' variables and the Create's).</summary>
    public WinRsEnvironment Environment { get; }

    public string WorkingDirectory { get; }

    /// <summary>The console buffer width of the shell's processes (the emulator's WinRsConsoleWidth).</summary>
    public int ConsoleWidth { get; }

    /// <summary>WINRS_CODEPAGE, or the emulator's default: the console code page of the shell's processes.</summary>
    public int CodePage { get; }

    public bool NoProfile { get; }

    /// <summary>How the shell's processes write stdout/stderr text and read stdin (<see cref="CodePage"/>).</summary>
    public Encoding Encoding { get; }

    public IReadOnlyDictionary<string, string> Facts { get; }

    public IReadOnlyCollection<WinRsCommand> Commands => (IReadOnlyCollection<WinRsCommand>)_commands.Values;

    public WinRsCommand Add(WinRsCommand command, int maxConcurrent)
    {
        if (_commands.Values.Count(c => c.State == WinRsCommandState.Running) >= maxConcurrent)
        {
            throw new WsManFaultException(WsManFaultReason.MaxCommandsPerShellExceeded);
        }

        if (!_commands.TryAdd(command.CommandId, command))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidParameter, $"The command {command.CommandId} already exists.");
        }

        return command;
    }

    /// <summary>The command with this id; WinRM's InvalidSelectors fault otherwise.</summary>
    public WinRsCommand Get(string shellId, string commandId) =>
        _commands.TryGetValue(commandId, out var command) && command.State != WinRsCommandState.Closed
            ? command
            : throw new WsManFaultException(WsManFaultReason.CommandNotFound, shellId);

    public void Remove(WinRsCommand command) => _commands.TryRemove(new KeyValuePair<string, WinRsCommand>(command.CommandId, command));

    /// <summary>Shell deletion or expiry: every process ends.</summary>
    public void TerminateAll()
    {
        foreach (var command in _commands.Values) command.Terminate();
        _commands.Clear();
    }

    public IReadOnlyList<CommandInfo> ToCommandInfos() =>
        [.. _commands.Values.Where(c => c.State != WinRsCommandState.Closed)
            .Select(c => new CommandInfo(c.CommandId, c.CommandLine, c.State == WinRsCommandState.Running ? "Running" : "Done"))];
}
