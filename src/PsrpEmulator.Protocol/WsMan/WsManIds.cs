namespace PsrpEmulator.Protocol.WsMan;

/// <summary>New identifiers as WinRM writes them: upper-case GUIDs, message ids with the <c>uuid:</c> prefix.</summary>
public static class WsManIds
{
    /// <summary>A new GUID in upper case (<c>ToString().ToUpperInvariant()</c>, made as one string).</summary>
    public static string NewGuid() => string.Create(36, Guid.NewGuid(), static (span, guid) => Format(span, guid));

    /// <summary>A new <c>uuid:GUID</c> (upper case): a MessageID, OperationID or SessionId.</summary>
    public static string NewUuid() => string.Create(41, Guid.NewGuid(), static (span, guid) =>
    {
        "uuid:".CopyTo(span);
        Format(span[5..], guid);
    });

    private static void Format(Span<char> span, Guid guid)
    {
        guid.TryFormat(span, out _, "D");
        for (var i = 0; i < span.Length; i++)
        {
            // "D" writes lower-case hex digits.
            if (span[i] is >= 'a' and <= 'f') span[i] = (char)(span[i] - ('a' - 'A'));
        }
    }
}
