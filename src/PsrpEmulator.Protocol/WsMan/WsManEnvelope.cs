using System.Buffers;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>A parsed (or to-be-written) SOAP envelope.</summary>
public sealed record WsManEnvelope(WsManHeader Header, WsManBody Body);

/// <summary>Why an envelope was rejected by the reader.</summary>
public enum EnvelopeError
{
    MalformedXml,
    DtdProhibited,
    NotAnEnvelope,
    TooLarge,
    TooDeep,
    InvalidHeaderValue,
    InvalidDuration,
    InvalidBase64,
    UnknownBody,
    InvalidBody,
}

public sealed class EnvelopeException(EnvelopeError reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public EnvelopeError Reason { get; } = reason;
}

public sealed record EnvelopeLimits
{
    public static readonly EnvelopeLimits Default = new();
    public int MaxEnvelopeBytes { get; init; } = 500 * 1024;
    public int MaxDepth { get; init; } = 32;
}

/// <summary>Streaming envelope reader (XmlReader, DTD prohibited, no resolver, size and depth limits).</summary>
public static class WsManEnvelopeReader
{
    public static WsManEnvelope Read(ReadOnlySpan<byte> utf8, EnvelopeLimits? limits = null) => throw new NotImplementedException();
}

/// <summary>
/// Streaming envelope writer (XmlWriter). Uses Windows' prefixes (s, a, x, w, rsp, p, n, f, cfg, wsmid), puts
/// <c>xml:lang="en-US"</c> on responses, writes only header fields that are set.
/// </summary>
public static class WsManEnvelopeWriter
{
    public static void Write(IBufferWriter<byte> output, WsManEnvelope envelope) => throw new NotImplementedException();

    public static byte[] Write(WsManEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, envelope);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>xs:duration as WS-Man uses it.</summary>
public static class XsDuration
{
    /// <summary>Parses any xs:duration form (<c>PT20S</c>, <c>PT180.000S</c>, <c>PT3M</c>, <c>P0DT0H1M2S</c>). Throws FormatException.</summary>
    public static TimeSpan Parse(string text) => throw new NotImplementedException();

    public static bool TryParse(string? text, out TimeSpan value) => throw new NotImplementedException();

    /// <summary>Seconds with exactly three decimals: <c>PT7200.000S</c> (IdleTimeOut, MaxIdleTimeOut, OperationTimeout).</summary>
    public static string FormatSeconds(TimeSpan value) => throw new NotImplementedException();

    /// <summary>Days/hours/minutes/seconds: <c>P0DT0H1M2S</c> (ShellRunTime, ShellInactivity).</summary>
    public static string FormatDayTime(TimeSpan value) => throw new NotImplementedException();
}
