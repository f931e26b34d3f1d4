using System.Text;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>An envelope's bytes as text, for those who keep or show it whole (a recording, a replay).</summary>
public static class EnvelopeText
{
    /// <summary>UTF-16 when the bytes start with a byte order mark saying so (WinRM takes both), else UTF-8 (a UTF-8 mark dropped).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xFE, ..] => Encoding.Unicode.GetString(bytes[2..]),
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetString(bytes[2..]),
        [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8.GetString(bytes[3..]),
        _ => Encoding.UTF8.GetString(bytes),
    };
}
