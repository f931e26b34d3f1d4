using System.Buffers;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// Streaming CLIXML writer. Writes the single element a PSRP message carries (for example
/// <c>&lt;Obj RefId="0"&gt;…&lt;/Obj&gt;</c> or <c>&lt;S&gt;a&lt;/S&gt;</c>): UTF-8, no XML declaration, no
/// whitespace; Obj and TN RefIds are separate counters starting at 0 for each call; a PsObject instance met
/// again is written as <c>&lt;Ref RefId="n" /&gt;</c>; a type-name list met again as <c>&lt;TNRef&gt;</c>.
/// </summary>
public static class ClixmlSerializer
{
    public static byte[] Serialize(PsValue value, bool writeBom = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(buffer, value, writeBom);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Serialize(IBufferWriter<byte> output, PsValue value, bool writeBom = false)
        => throw new NotImplementedException();

    public static string SerializeToString(PsValue value)
        => System.Text.Encoding.UTF8.GetString(Serialize(value));
}

/// <summary>
/// Streaming CLIXML reader (<c>XmlReader</c>, DTD prohibited, no resolver). Accepts an optional UTF-8 BOM and
/// either a bare element or an <c>&lt;Objs&gt;</c> document (then returns the first child). Ref elements resolve
/// to the same <see cref="PsObject"/> instance. Throws <see cref="ClixmlException"/> with a reason.
/// </summary>
public static class ClixmlDeserializer
{
    public static PsValue Deserialize(ReadOnlySpan<byte> utf8, ClixmlLimits? limits = null)
        => throw new NotImplementedException();

    public static PsValue Deserialize(string xml, ClixmlLimits? limits = null)
        => Deserialize(System.Text.Encoding.UTF8.GetBytes(xml), limits);
}

/// <summary>The <c>_xHHHH_</c> escaping of strings and property names (MS-PSRP 2.2.5.3.2).</summary>
public static class ClixmlString
{
    public static string Encode(string value) => throw new NotImplementedException();

    public static string Decode(string value) => throw new NotImplementedException();
}
