using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Psrp;

/// <summary>
/// SecureStrings a caller hands the client as text (<see cref="Create"/>): when a script's arguments, <c>$using:</c>
/// values or input hold one, <see cref="RunspacePoolClient.StartAsync(RemoteScript, CancellationToken)"/> exchanges the
/// session key first and sends each encrypted with it, as PowerShell's client serializes a SecureString for a remote
/// session. Each pool gets its own encryption (a value sent to several sessions is copied, never changed).
/// </summary>
public static class PlainSecureStrings
{
    // Not base64 (the ':'): no encrypted SecureString looks like it.
    private const string Marker = "plain:";

    /// <summary>A SecureString of <paramref name="text"/>, to be encrypted with the session key when sent.</summary>
    public static PsPrimitive Create(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PsPrimitive.SecureString(Marker + Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(text)));
    }

    /// <summary>Whether a value holds a SecureString made by <see cref="Create"/>.</summary>
    public static bool Contains(PsValue? value, int depth = 0) => value switch
    {
        PsPrimitive { Type: PsPrimitiveType.SecureString, Value: string text } => text.StartsWith(Marker, StringComparison.Ordinal),
        PsObject o when depth < 64 => o.AdaptedProperties.Any(p => Contains(p.Value, depth + 1)) || o.ExtendedProperties.Any(p => Contains(p.Value, depth + 1)) ||
            o.Items.Any(i => Contains(i, depth + 1)) || o.Entries.Any(e => Contains(e.Key, depth + 1) || Contains(e.Value, depth + 1)),
        _ => false,
    };

    /// <summary>
    /// The value with each SecureString of <see cref="Create"/> encrypted with <paramref name="sessionKey"/>: a copy of
    /// what holds one, the same instance for anything else.
    /// </summary>
    public static PsValue Encrypt(PsValue value, ReadOnlySpan<byte> sessionKey) => Encrypt(value, sessionKey.ToArray(), 0);

    private static PsValue Encrypt(PsValue value, byte[] key, int depth)
    {
        if (!Contains(value, depth)) return value;
        if (value is PsPrimitive { Value: string text })
        {
            return PsPrimitive.SecureString(SessionKeys.EncryptSecureString(key, System.Text.Encoding.Unicode.GetString(Convert.FromBase64String(text[Marker.Length..]))));
        }

        var o = (PsObject)value;
        var copy = new PsObject(o.TypeNames) { ToStringValue = o.ToStringValue, BaseValue = o.BaseValue, CollectionKind = o.CollectionKind };
        foreach (var p in o.AdaptedProperties) copy.AdaptedProperties.Add(p with { Value = Encrypt(p.Value, key, depth + 1) });
        foreach (var p in o.ExtendedProperties) copy.ExtendedProperties.Add(p with { Value = Encrypt(p.Value, key, depth + 1) });
        foreach (var i in o.Items) copy.Items.Add(Encrypt(i, key, depth + 1));
        foreach (var e in o.Entries) copy.Entries.Add(new(Encrypt(e.Key, key, depth + 1), Encrypt(e.Value, key, depth + 1)));
        return copy;
    }
}
