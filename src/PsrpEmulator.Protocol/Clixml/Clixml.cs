namespace PsrpEmulator.Protocol.Clixml;

/// <summary>Limits applied while reading CLIXML from the wire.</summary>
public sealed record ClixmlLimits
{
    public static readonly ClixmlLimits Default = new();

    /// <summary>
    /// Maximum element nesting depth. PowerShell's serializer and deserializer allow 49 levels of values below the top
    /// (<see cref="RemotingDepth.MaxDepthBelowTopLevel"/>), and a level takes up to three elements (Obj, DCT, En), so
    /// what a Windows endpoint may send, inside a message's own few levels, fits in 200.
    /// </summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Maximum number of Obj elements (including referenced ones) in one document.</summary>
    public int MaxObjects { get; init; } = 100_000;

    /// <summary>Maximum number of Ref elements in one document.</summary>
    public int MaxReferences { get; init; } = 100_000;

    /// <summary>Maximum input size in bytes (PowerShell's MaximumReceivedObjectSize default: 10 MiB).</summary>
    public int MaxDocumentBytes { get; init; } = 10 * 1024 * 1024;
}

/// <summary>Why a CLIXML document was rejected.</summary>
public enum ClixmlError
{
    MalformedXml,
    DtdProhibited,
    UnknownElement,
    InvalidPrimitiveValue,
    DepthLimitExceeded,
    ObjectLimitExceeded,
    ReferenceLimitExceeded,
    DocumentTooLarge,
    UnknownReference,
    UnknownTypeNameReference,
    Empty,
}

public sealed class ClixmlException(ClixmlError reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ClixmlError Reason { get; } = reason;
}
