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

    /// <summary>Facts a behaviour may print: <c>{computername}</c>, <c>{username}</c>, <c>{cd}</c>.</summary>
    IReadOnlyDictionary<string, string> Facts { get; }

    /// <summary>Writes one chunk to <see cref="WinRsStreams.Stdout"/> or <see cref="WinRsStreams.Stderr"/>.</summary>
    ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The next chunk the client sent to stdin; null once stdin ended (Send with End="true").</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken);
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
}

/// <summary>cmd.exe's answer to a command it cannot find: two lines on stderr, exit code 1.</summary>
internal sealed class NotRecognizedScript(string name) : ICommandLineScript
{
    public string Name => name;

    public string Description => $"not recognized '{name}'";

    public static string MessageFor(string name) =>
        $"'{name}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n";

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, MessageFor(name), cancellationToken).ConfigureAwait(false);
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
