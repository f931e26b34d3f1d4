namespace PsrpEmulator.Protocol.WsMan;

/// <summary>An option of <c>w:OptionSet</c>.</summary>
public sealed record WsManOption(string Name, string Value, bool MustComply = false);

/// <summary>The SOAP header fields WS-Man uses (requests and responses).</summary>
public sealed record WsManHeader
{
    public string? Action { get; init; }
    public string? To { get; init; }
    /// <summary>With its <c>uuid:</c> prefix, as on the wire.</summary>
    public string? MessageId { get; init; }
    public string? RelatesTo { get; init; }
    public string? ReplyTo { get; init; }
    public string? ResourceUri { get; init; }
    public IReadOnlyDictionary<string, string> Selectors { get; init; } = EmptySelectors;
    public IReadOnlyList<WsManOption> Options { get; init; } = [];
    /// <summary>Parsed w:OperationTimeout; null when absent.</summary>
    public TimeSpan? OperationTimeout { get; init; }
    /// <summary>w:MaxEnvelopeSize in bytes; null when absent.</summary>
    public int? MaxEnvelopeSize { get; init; }
    public string? Locale { get; init; }
    public string? DataLocale { get; init; }
    public string? SessionId { get; init; }
    public string? OperationId { get; init; }
    public bool OperationIdMustUnderstand { get; init; }
    public long? SequenceId { get; init; }
    /// <summary>rsp:CompressionType, if present.</summary>
    public string? CompressionType { get; init; }

    public string? Selector(string name) => Selectors.TryGetValue(name, out var v) ? v : null;

    public string? Option(string name)
    {
        foreach (var o in Options)
        {
            if (string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)) return o.Value;
        }

        return null;
    }

    internal static readonly IReadOnlyDictionary<string, string> EmptySelectors =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
