using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>The output streams of a WinRS command.</summary>
internal static class WinRsStreams
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
}

/// <summary>
/// What a running command-line behaviour writes to and reads from: the server's WinRS command. Writes complete
/// when the chunk is buffered (under BufferMode Block they wait while the buffer is full).
/// </summary>
internal interface ICommandLineHost
{
    /// <summary>How text becomes bytes on stdout and stderr (the shell's WINRS_CODEPAGE).</summary>
    Encoding Encoding { get; }

    /// <summary>The width of the process's console buffer, in columns.</summary>
    int ConsoleWidth => 120;

    /// <summary>An automatic variable of the computer's PowerShell (<c>$PSVersionTable</c>); null when there is none.</summary>
    PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => null;

    /// <summary>The process's environment variables, sorted by name (what <c>set</c> lists).</summary>
    IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    /// <summary>Facts a behaviour may print: <c>{computername}</c>, <c>{username}</c>, <c>{cd}</c>.</summary>
    IReadOnlyDictionary<string, string> Facts { get; }

    /// <summary>The disk of the shell's computer (cmd.exe's redirections, <c>type</c>, <c>del</c>...); null when there is none.</summary>
    VirtualFileSystem? FileSystem => null;

    /// <summary>The variables the computer keeps for its later processes (<c>setx</c>); null when the host has none.</summary>
    PersistentEnvironment? PersistentEnvironment => null;

    /// <summary>What commands changed of the computer's services; null when the host has none.</summary>
    ServiceStates? ServiceStates => null;

    /// <summary>The computer's local users and groups (net user, net localgroup); null when the host has none.</summary>
    LocalAccounts? LocalAccounts => null;

    /// <summary>The computer's firewall rules (netsh advfirewall firewall); null when the host has none.</summary>
    FirewallRules? FirewallRules => null;

    /// <summary>The computer's scheduled tasks (schtasks); null when the host has none.</summary>
    ScheduledTasks? ScheduledTasks => null;

    /// <summary>The computer's SMB shares (net share); null when the host has none.</summary>
    SmbShares? SmbShares => null;

    /// <summary>The computer's WMI classes as they are now (wmic reads them); null on a host without them.</summary>
    ComputerWmi? Wmi => null;

    /// <summary>The computer's certificate stores (powershell.exe's Cert: drive); null when the host has none.</summary>
    CertificateStores? CertificateStores => null;

    /// <summary>What scripts changed of the computer's WinRM configuration (winrm set); null when the host keeps none.</summary>
    WsManSettings? WsManSettings => null;

    /// <summary>The computer's classic event logs (powershell.exe's Get-EventLog; net start's service entries); null when the host has none.</summary>
    EventLogs? EventLogs => null;

    /// <summary>What commands changed of the computer's network (ipconfig /all); null when the host has none.</summary>
    NetworkSettings? NetworkSettings => null;

    /// <summary>The computer's WinRM configuration (winrm get winrm/config); null when the host has none.</summary>
    IReadOnlyList<WsManConfigEntry>? WsManConfiguration => null;

    /// <summary>The computer's registry (reg.exe); null when the host has none.</summary>
    VirtualRegistry? Registry => null;

    /// <summary>The computer's restart (shutdown /r); null when the host cannot restart one.</summary>
    IComputerPower? Power => null;

    /// <summary>The computer's Windows features; null when the host has none.</summary>
    WindowsFeatureStates? WindowsFeatures => null;

    /// <summary>Writes one chunk to <see cref="WinRsStreams.Stdout"/> or <see cref="WinRsStreams.Stderr"/>.</summary>
    ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The next chunk the client sent to stdin; null once stdin ended (Send with End="true").</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken);

    /// <summary>
    /// <c>set NAME=value</c> in the process (null: removed): the commands after it in the same line or batch file see
    /// it; on a host without a process of its own (a single command) it ends with the command.
    /// </summary>
    void SetEnvironmentVariable(string name, string? value)
    {
    }
}

/// <summary>
/// A console that passes everything to another (a redirection's, a pipe's, a process's): a wrapper overrides only what
/// it changes.
/// </summary>
internal abstract class ForwardingCommandLineHost(ICommandLineHost inner) : ICommandLineHost
{
    protected ICommandLineHost Inner => inner;

    public virtual Encoding Encoding => inner.Encoding;
    public virtual int ConsoleWidth => inner.ConsoleWidth;
    public virtual PsrpEmulator.Protocol.Clixml.PsValue? AutomaticVariable(string name) => inner.AutomaticVariable(name);
    public virtual IReadOnlyList<KeyValuePair<string, string>> Environment => inner.Environment;
    public virtual IReadOnlyDictionary<string, string> Facts => inner.Facts;
    public virtual VirtualFileSystem? FileSystem => inner.FileSystem;

    public virtual PersistentEnvironment? PersistentEnvironment => inner.PersistentEnvironment;

    public virtual ServiceStates? ServiceStates => inner.ServiceStates;

    public virtual LocalAccounts? LocalAccounts => inner.LocalAccounts;

    public virtual FirewallRules? FirewallRules => inner.FirewallRules;

    public virtual ScheduledTasks? ScheduledTasks => inner.ScheduledTasks;

    public virtual SmbShares? SmbShares => inner.SmbShares;

    public virtual ComputerWmi? Wmi => inner.Wmi;

    public virtual CertificateStores? CertificateStores => inner.CertificateStores;

    public virtual WsManSettings? WsManSettings => inner.WsManSettings;

    public virtual EventLogs? EventLogs => inner.EventLogs;

    public virtual NetworkSettings? NetworkSettings => inner.NetworkSettings;

    public virtual IReadOnlyList<WsManConfigEntry>? WsManConfiguration => inner.WsManConfiguration;

    public virtual VirtualRegistry? Registry => inner.Registry;

    public virtual IComputerPower? Power => inner.Power;

    public virtual WindowsFeatureStates? WindowsFeatures => inner.WindowsFeatures;
    public virtual ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => inner.WriteAsync(stream, data, cancellationToken);
    public virtual ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) => inner.ReadStdinAsync(cancellationToken);
    public virtual void SetEnvironmentVariable(string name, string? value) => inner.SetEnvironmentVariable(name, value);
}

/// <summary>A resolved command-line behaviour, ready to run once; the result is the process exit code.</summary>
internal interface ICommandLineScript
{
    /// <summary>Which rule (or built-in answer) this is, for logs.</summary>
    string Description { get; }

    /// <summary>Runs to the exit code; waits only through <paramref name="time"/>; cancellation throws.</summary>
    Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken);
}

internal static class CommandLineHostExtensions
{
    public static ValueTask WriteTextAsync(this ICommandLineHost host, string stream, string text, CancellationToken cancellationToken) =>
        text.Length == 0 ? ValueTask.CompletedTask : host.WriteAsync(stream, host.Encoding.GetBytes(text), cancellationToken);

    /// <summary>A variable of the process's environment (its name in any case); null when unset.</summary>
    public static string? EnvironmentVariable(this ICommandLineHost host, string name) =>
        host.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The process's user as the event log names one: <c>USERDOMAIN\USERNAME</c>.</summary>
    public static string LogonName(this ICommandLineHost host) => $"{host.EnvironmentVariable("USERDOMAIN")}\\{host.EnvironmentVariable("USERNAME")}";
}

/// <summary>
/// cmd.exe's answer to a command it cannot find: two lines on stderr, ERRORLEVEL and exit code 9009
/// (MSG_DIR_BAD_COMMAND_OR_FILE, what batch files test with "if errorlevel 9009" and builds report as "exited with code 9009").
/// </summary>
internal sealed class NotRecognizedScript(string name) : ICommandLineScript
{
    public string Name => name;

    public string Description => $"not recognized '{name}'";

    public static string MessageFor(string name) =>
        $"'{name}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, MessageFor(name), cancellationToken).ConfigureAwait(false);
        return ExitCode;
    }

    /// <summary>The exit code of a command cmd.exe cannot find.</summary>
    public const int ExitCode = 9009;
}

/// <summary>
/// A command Windows has (a program of System32, one of cmd.exe's own) that no rule answers: the emulator says on stderr
/// that it does not emulate it, exit code 1, where cmd.exe's "is not recognized" would be untrue of Windows.
/// </summary>
internal sealed class NotEmulatedCommandScript(string name) : ICommandLineScript
{
    public string Name => name;

    public string Description => $"not emulated '{name}'";

    public static string MessageFor(string name) =>
        $"{name} is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, MessageFor(name), cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// cmd.exe's <c>set</c> built-in: <c>set</c> lists the environment (<c>NAME=value</c> lines, sorted), <c>set P</c> the
/// variables whose names start with P (none: "Environment variable P not defined", exit 1), <c>set NAME=value</c>
/// prints nothing and sets the variable for the commands after it in the same line or batch file (the change ends
/// with the process: every WinRS command is a new cmd.exe).
/// </summary>
internal sealed class SetCommandScript(string argument) : ICommandLineScript
{
    public string Description => argument.Length == 0 ? "set" : "set " + argument;

    /// <summary>A <c>set</c> line (options such as /a and /p are not emulated: no match).</summary>
    public static bool TryParse(string line, out SetCommandScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !tokens[0].Value.Equals("set", StringComparison.OrdinalIgnoreCase) || line.Length > 3 && !char.IsWhiteSpace(line[3])) return false;
        var argument = line[3..].Trim();
        if (argument.StartsWith('/')) return false;
        // set "NAME=value": cmd.exe drops the quotes around the whole assignment.
        if (argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"') argument = argument[1..^1];
        script = new SetCommandScript(argument);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (argument.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
        {
            var value = argument[(equals + 1)..];
            host.SetEnvironmentVariable(argument[..equals], value.Length == 0 ? null : value);
            return 0;
        }

        if (argument.StartsWith('=')) return 0;
        var listed = host.Environment.Where(v => v.Key.StartsWith(argument, StringComparison.OrdinalIgnoreCase)).ToList();
        if (listed.Count == 0)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, $"Environment variable {argument} not defined\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, string.Concat(listed.Select(v => $"{v.Key}={v.Value}\r\n")), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>cmd.exe's answer to a line over 8191 characters (as it is or once expanded): one line on stderr, exit code 1.</summary>
internal sealed class CommandLineTooLongScript : ICommandLineScript
{
    public static readonly CommandLineTooLongScript Instance = new();

    public const string Message = "The command line is too long.\r\n";

    public string Description => "command line too long";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, Message, cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>An empty command line: nothing happens, exit code 0.</summary>
internal sealed class EmptyCommandLineScript : ICommandLineScript
{
    public static readonly EmptyCommandLineScript Instance = new();

    public string Description => "empty command line";

    public Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken) => Task.FromResult(0);
}
