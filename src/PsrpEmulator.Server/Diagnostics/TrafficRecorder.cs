using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Diagnostics;

/// <summary>
/// Writes every request answered with an envelope, and that envelope, to a YAML file in the layout of pypsrp's
/// recorded fixtures (<c>messages:</c>, a list of <c>request:</c> / <c>response:</c>, <c>transport_error:</c> for a
/// fault's HTTP 500): what a client sent and what it got, after NTLM message encryption was taken off, which a
/// network capture cannot show. The same layout is what the conformance tests replay.
/// </summary>
/// <remarks>
/// Exchanges are written in the order their responses were sent (a Receive held while a Send went by comes after
/// it). The endpoint only queues the two texts; one background writer appends and flushes them, so a slow disk
/// never holds a request. Bodies are written as they were: a recording is as secret as the traffic (credentials in
/// HTTP headers are never in it). A write that fails ends the recording with one logged error, never the request.
/// </remarks>
internal sealed class TrafficRecorder : IAsyncDisposable
{
    private readonly Channel<Exchange> _exchanges = Channel.CreateUnbounded<Exchange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly Task _writer;

    public TrafficRecorder(string path, ILogger logger)
    {
        _path = path;
        _logger = logger;
        // Created now: a path that cannot be written fails the start, not the first request.
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot write the record file '{path}': {e.Message}", e);
        }

        _writer = WriteAllAsync(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
    }

    /// <summary>Queues one exchange: the request envelope as received (decrypted) and the response envelope as sent.</summary>
    public void Record(ReadOnlySpan<byte> request, ReadOnlySpan<byte> response, int status, string computer, string action)
    {
        _exchanges.Writer.TryWrite(new Exchange(EnvelopeText.Decode(request), EnvelopeText.Decode(response), status, computer, action));
    }

    private async Task WriteAllAsync(StreamWriter writer)
    {
        // Off the constructor's thread: the first await below is the channel's.
        await Task.Yield();
        var failed = false;
        var number = 0;
        try
        {
            await WriteEveryExchangeAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The last flush, as the file closes at shutdown (a full disk): logged once, never the host's stop.
            if (!failed) Fail(e);
        }

        async Task WriteEveryExchangeAsync()
        {
            await using (writer.ConfigureAwait(false))
            {
                try
                {
                    await writer.WriteAsync("# Recorded by psrp-emulator: requests as received (decrypted) and the responses sent, in the order sent.\nmessages:\n").ConfigureAwait(false);
                    await writer.FlushAsync().ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    failed = Fail(e);
                }

                while (await _exchanges.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    while (_exchanges.Reader.TryRead(out var exchange))
                    {
                        if (failed) continue;
                        try
                        {
                            await writer.WriteAsync(Format(number++, exchange)).ConfigureAwait(false);
                        }
                        catch (IOException e)
                        {
                            failed = Fail(e);
                        }
                    }

                    if (failed) continue;
                    try
                    {
                        await writer.FlushAsync().ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        failed = Fail(e);
                    }
                }
            }
        }
    }

    private bool Fail(IOException e)
    {
        Log.RecordingFailed(_logger, e, _path);
        return true;
    }

    /// <summary>One list item; a comment line gives its index (the replay's request number) and says which computer answered which action.</summary>
    internal static string Format(int number, Exchange exchange)
    {
        var text = new StringBuilder(exchange.Request.Length + exchange.Response.Length + 128);
        text.Append("# ").Append(number).Append(' ');
        AppendCommentText(text, exchange.Action);
        text.Append(" (");
        AppendCommentText(text, exchange.Computer);
        text.Append(')').Append('\n');
        text.Append("- request: ");
        AppendDoubleQuoted(text, exchange.Request);
        text.Append("\n  response: ");
        AppendDoubleQuoted(text, exchange.Response);
        text.Append('\n');
        if (exchange.Status != 200) text.Append("  transport_error: {protocol: http, code: ").Append(exchange.Status).Append("}\n");
        return text.ToString();
    }

    /// <summary>
    /// Text the client chose (an action URI's last segment) in a comment line: what would end the line or the comment
    /// (a line break, any control character) becomes '?', and it is cut at 100 characters.
    /// </summary>
    private static void AppendCommentText(StringBuilder text, string value)
    {
        var shown = value.Length > 100 ? value[..100] : value;
        foreach (var c in shown) text.Append(char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c) ? '?' : c);
    }

    /// <summary>
    /// A YAML double-quoted scalar on one line: every line break, control character and character YAML would read
    /// as a break or a mark (NEL, LS, PS, BOM, lone surrogates) escaped, so the text reads back exactly.
    /// </summary>
    internal static void AppendDoubleQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (c < 0x20 || c is >= '\u007F' and <= '\u009F' or '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF' || char.IsSurrogate(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    /// <summary>Writes what is queued and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _exchanges.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    internal readonly record struct Exchange(string Request, string Response, int Status, string Computer, string Action);
}

/// <summary>The recorder when <c>RecordFile</c> is set (null otherwise); the container disposes it at shutdown, which writes what is queued.</summary>
internal sealed class RecorderHolder(TrafficRecorder? recorder) : IAsyncDisposable
{
    public TrafficRecorder? Recorder { get; } = recorder;

    public ValueTask DisposeAsync() => Recorder?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Makes the recorder when the host starts, so a record file that cannot be created fails the start.</summary>
internal sealed class RecorderStart(RecorderHolder holder) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the holder (this service's argument) made the recorder: nothing else to do.
        GC.KeepAlive(holder);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
