namespace PsrpEmulator.Protocol.Clixml;

/// <summary>Limits applied while reading CLIXML from the wire.</summary>
public sealed record ClixmlLimits
{
    public static readonly ClixmlLimits Default = new();

    /// <summary>Maximum element nesting depth.</summary>
    public int MaxDepth { get; init; } = 64;

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
