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

    /// <summary>
    /// The SOAP header when it could be read (so a server can still answer with <c>a:RelatesTo</c>): set when the
    /// error is in or after the body; for a bad header value the whole header is read first and the bad field is left
    /// unset; null when the envelope broke before its header was complete (too large, DTD, malformed, not an envelope).
    /// </summary>
    public WsManHeader? Header { get; init; }

    /// <summary>The local name of the element whose content was rejected, when known (e.g. <c>OperationTimeout</c>).</summary>
    public string? Element { get; init; }

    /// <summary>True when the rejected element is a SOAP header (a header fault rather than a schema fault).</summary>
    public bool InHeader { get; init; }
}

public sealed record EnvelopeLimits
{
    public static readonly EnvelopeLimits Default = new();
    public int MaxEnvelopeBytes { get; init; } = 500 * 1024;
    public int MaxDepth { get; init; } = 32;
}
