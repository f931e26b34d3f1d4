using System.Text;
using System.Threading.Channels;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's pipes: <c>ipconfig | findstr IPv4</c> runs the commands side by side, each one's stdout the next one's
/// stdin. The first reads the command's own stdin (what the client sends), every stderr goes to the command's
/// stderr, the last stdout to its stdout, and the exit code is the last command's, as cmd.exe gives it. A command that
/// ends before reading all its input leaves the writer's later output nowhere (Windows' writer gets a broken pipe).
/// </summary>
internal sealed class PipedCommandLineScript(IReadOnlyList<ICommandLineScript> stages) : ICommandLineScript
{
    // Chunks in flight between two commands before the writer waits (an anonymous pipe's buffer, in chunks).
    private const int PipeChunks = 64;

    public string Description => string.Join(" | ", stages.Select(s => s.Description));

    /// <summary>
    /// The commands of a line joined by single <c>|</c> outside double quotes (a <c>^</c> escapes the next character;
    /// <c>||</c> is chaining), each with the blanks before the next pipe (cmd's echo prints them); null when there is no pipe, or a side of one is empty (cmd's "The syntax of the
    /// command is incorrect." is then the rules' to give).
    /// </summary>
    public static List<string>? Split(string line)
    {
        if (!line.Contains('|', StringComparison.Ordinal)) return null;
        var result = new List<string>();
        var start = 0;
        // A parenthesized block is one command.
        foreach (var i in CommandLineText.TopLevelIndices(line))
        {
            if (line[i] != '|') continue;
            if (i + 1 < line.Length && line[i + 1] == '|') return null;
            result.Add(line[start..i].TrimStart());
            start = i + 1;
        }

        if (result.Count == 0) return null;
        result.Add(line[start..].TrimStart());
        return result.Any(r => r.Trim().Length == 0) ? null : result;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipes = new Pipe[stages.Count - 1];
        for (var i = 0; i < pipes.Length; i++) pipes[i] = new Pipe();
        var runs = new Task<int>[stages.Count];
        // The commands write to the line's console side by side: one write at a time reaches it.
        using var console = new SemaphoreSlim(1, 1);
        for (var i = 0; i < stages.Count; i++)
        {
            var stageHost = new StageHost(host, console, i > 0 ? pipes[i - 1] : null, i < pipes.Length ? pipes[i] : null);
            runs[i] = RunStageAsync(stages[i], stageHost, time, failed);
        }

        try
        {
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        catch
        {
            // A stage that failed cancelled the others: its own failure is the line's, not their cancellation.
            if (runs.FirstOrDefault(r => r.IsFaulted && r.Exception!.InnerException is not OperationCanceledException) is { } faulted) await faulted.ConfigureAwait(false);
            throw;
        }

        return await runs[^1].ConfigureAwait(false);
    }

    // Each stage runs inline up to its first real wait (a full or empty pipe, the clock), then the next starts: a line of
    // quick commands is done before the Command's response, as a single command is, so a Receive finds all of its output
    // (side by side on the thread pool, a Receive could take a first chunk while the line still ran).
    private static async Task<int> RunStageAsync(ICommandLineScript stage, StageHost host, TimeProvider time, CancellationTokenSource failed)
    {
        try
        {
            return await stage.RunAsync(host, time, failed.Token).ConfigureAwait(false);
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            // Its reader sees the end of input; its writer's later output goes nowhere.
            host.Output?.Writer.TryComplete();
            host.Input?.CloseReading();
        }
    }

    /// <summary>An anonymous pipe between two commands of the line.</summary>
    private sealed class Pipe
    {
        private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(PipeChunks) { SingleReader = true, SingleWriter = true });
        private volatile bool _readerGone;

        public ChannelWriter<byte[]> Writer => _chunks.Writer;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_readerGone || data.IsEmpty) return;
            // The writer may reuse its buffer once the write returns.
            await _chunks.Writer.WriteAsync(data.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
        {
            if (await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _chunks.Reader.TryRead(out var chunk)) return chunk;
            return null;
        }

        /// <summary>The reader ended: what is buffered is dropped and later writes go nowhere (a writer waiting on a full pipe goes on).</summary>
        public void CloseReading()
        {
            _readerGone = true;
            while (_chunks.Reader.TryRead(out _))
            {
            }
        }
    }

    /// <summary>The console of one command of the line: its stdin and stdout ends of the pipes, the rest the line's.</summary>
    private sealed class StageHost(ICommandLineHost inner, SemaphoreSlim console, Pipe? input, Pipe? output) : ForwardingCommandLineHost(inner)
    {
        public Pipe? Input => input;

        public Pipe? Output => output;

        public override ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) =>
            input is null ? Inner.ReadStdinAsync(cancellationToken) : input.ReadAsync(cancellationToken);

        public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            output is not null && stream == WinRsStreams.Stdout ? output.WriteAsync(data, cancellationToken) : WriteToConsoleAsync(stream, data, cancellationToken);

        // Each side of a pipe is a cmd.exe of its own: a set in it ends with it.
        public override void SetEnvironmentVariable(string name, string? value)
        {
        }

        private async ValueTask WriteToConsoleAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await console.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Inner.WriteAsync(stream, data, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                console.Release();
            }
        }
    }
}
