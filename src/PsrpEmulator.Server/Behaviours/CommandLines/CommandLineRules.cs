using System.Buffers;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>Everything a running command-line step needs.</summary>
internal sealed class CommandLineContext(ICommandLineHost host, TimeProvider time, RunScope scope, CancellationToken cancellationToken)
{
    public ICommandLineHost Host => host;
    public TimeProvider Time => time;
    public RunScope Scope => scope;
    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>Stdin read past the line a <c>stdin: line</c> step took: the next stdin step reads it first.</summary>
    public ReadOnlyMemory<byte> PendingStdin { get; set; }

    /// <summary>The next stdin chunk: what a line read left over, else the next Send's; null at the end of stdin.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync()
    {
        if (!PendingStdin.IsEmpty)
        {
            var pending = PendingStdin;
            PendingStdin = ReadOnlyMemory<byte>.Empty;
            return pending;
        }

        return await host.ReadStdinAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal abstract class CommandLineStep
{
    public abstract ValueTask RunAsync(CommandLineContext context);
}

/// <summary><c>stdout:</c> / <c>stderr:</c>: one chunk of text, exactly as written (line ends included).</summary>
internal sealed class WriteStep(string stream, TextTemplate text) : CommandLineStep
{
    public string Stream => stream;

    public override ValueTask RunAsync(CommandLineContext context) =>
        context.Host.WriteTextAsync(stream, text.Evaluate(context.Scope), context.CancellationToken);
}

/// <summary><c>sleep:</c> seconds on the server's clock (an empty value waits not at all).</summary>
internal sealed class CommandLineSleepStep(TextTemplate seconds) : CommandLineStep
{
    public override async ValueTask RunAsync(CommandLineContext context)
    {
        var text = seconds.Evaluate(context.Scope);
        if (string.IsNullOrWhiteSpace(text)) return;
        var value = TextTemplate.ParseDouble(text, "sleep", seconds.Location);
        if (value < 0) throw new ScenarioRuntimeException($"{seconds.Location}: sleep '{text}' is negative");
        if (value > 0) await Shells.LongDelays.Delay(Shells.LongDelays.FromSeconds(value), context.Time, context.CancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// <c>stdin: echo</c>: every stdin chunk, written back to stdout as it arrives, until stdin ends. Like <c>more</c>,
/// the text is read in the shell's code page and written in it (a character split across two Sends is kept whole).
/// </summary>
internal sealed class EchoStdinStep : CommandLineStep
{
    public override async ValueTask RunAsync(CommandLineContext context)
    {
        var decoder = context.Host.Encoding.GetDecoder();
        while (await context.ReadStdinAsync().ConfigureAwait(false) is { } chunk)
        {
            await context.Host.WriteTextAsync(WinRsStreams.Stdout, Decode(decoder, chunk, flush: false), context.CancellationToken).ConfigureAwait(false);
        }

        await context.Host.WriteTextAsync(WinRsStreams.Stdout, Decode(decoder, ReadOnlyMemory<byte>.Empty, flush: true), context.CancellationToken).ConfigureAwait(false);
    }

    private static string Decode(System.Text.Decoder decoder, ReadOnlyMemory<byte> bytes, bool flush)
    {
        var chars = new char[decoder.GetCharCount(bytes.Span, flush)];
        var count = decoder.GetChars(bytes.Span, chars, flush);
        return new string(chars, 0, count);
    }
}

/// <summary>
/// <c>stdin: line</c>: waits for one line on stdin (a program's prompt answered, as <c>set /p</c> reads it) and binds
/// it, without its line end and in the shell's code page, to <c>{line}</c> for the steps after it. At the end of stdin
/// the line is what came (maybe empty). What came after the line end waits for the next stdin step. A line is at most
/// <see cref="MaxLineBytes"/>: a longer one is cut there.
/// </summary>
internal sealed class ReadLineStdinStep : CommandLineStep
{
    public const string LineName = "line";

    /// <summary>Bounds what one line may hold in the emulator (a client sending without line ends).</summary>
    public const int MaxLineBytes = 64 * 1024;

    public override async ValueTask RunAsync(CommandLineContext context)
    {
        var line = new ArrayBufferWriter<byte>();
        while (true)
        {
            if (await context.ReadStdinAsync().ConfigureAwait(false) is not { } chunk) break;
            var end = chunk.Span.IndexOf((byte)'\n');
            var take = end >= 0 ? end : chunk.Length;
            var room = MaxLineBytes - line.WrittenCount;
            if (take > room)
            {
                line.Write(chunk.Span[..room]);
                context.PendingStdin = chunk[room..];
                break;
            }

            line.Write(chunk.Span[..take]);
            if (end >= 0)
            {
                context.PendingStdin = chunk[(end + 1)..];
                break;
            }
        }

        var bytes = line.WrittenSpan;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        context.Scope.Push(LineName, context.Host.Encoding.GetString(bytes));
    }
}

/// <summary>One <c>cmd:</c> entry: a matcher (exact text or anchored regex, as for <c>behaviours:</c>), steps and an exit code.</summary>
internal sealed class CommandLineRule(BehaviourRule matcher, IReadOnlyList<CommandLineStep> steps, TextTemplate? exitCode)
{
    public string Name => matcher.Name;

    public IReadOnlyList<CommandLineStep> Steps => steps;

    public bool TryMatch(string commandLine, out IReadOnlyDictionary<string, string> captures) => matcher.TryMatch(commandLine, out captures);

    /// <summary>Whether the rule names exact lines (<c>match:</c>), not a pattern.</summary>
    public bool IsExact => matcher.Regex is null;

    public async Task<int> RunAsync(CommandLineContext context)
    {
        foreach (var step in steps) await step.RunAsync(context).ConfigureAwait(false);
        // No exit step, or one whose capture did not take part: exit code 0.
        if (exitCode is null || string.IsNullOrWhiteSpace(exitCode.Evaluate(context.Scope))) return 0;
        var value = exitCode.EvaluateInteger(context.Scope, "exit");
        return unchecked((int)value);
    }
}

/// <summary>A rule bound to the captures of the command line that matched it.</summary>
internal sealed class CommandLineBehaviour(CommandLineRule rule, IReadOnlyDictionary<string, string> captures) : ICommandLineScript
{
    /// <summary>
    /// Names every command-line rule may use besides its captures: the host's facts, and the Ethernet adapter's IPv4
    /// address, subnet mask and default gateway (empty when none), as ipconfig and systeminfo print them.
    /// </summary>
    public static readonly string[] FactNames = ["computername", "username", "logon", "cd", "ipv4address", "ipv4subnetmask", "ipv4gateway"];

    public CommandLineRule Rule => rule;

    public string Description => rule.Name;

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(captures, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in host.Facts) values.TryAdd(name, value);
        var ipv4 = host.NetworkSettings?.IPv4 ?? NetworkSettings.IPv4Configuration.Default;
        values.TryAdd("ipv4address", ipv4.Address);
        values.TryAdd("ipv4subnetmask", ipv4.SubnetMask);
        values.TryAdd("ipv4gateway", ipv4.DefaultGateway ?? string.Empty);
        try
        {
            return await rule.RunAsync(new CommandLineContext(host, time, new RunScope(values), cancellationToken)).ConfigureAwait(false);
        }
        catch (ScenarioRuntimeException e)
        {
            // A scenario mistake only visible at run time: reported on stderr as a failing program would.
            await host.WriteTextAsync(WinRsStreams.Stderr, e.Message + "\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }
    }
}
