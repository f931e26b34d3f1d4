using System.Buffers.Binary;
using System.Text;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>Shared layout of the three NTLMSSP messages: signature, type, and (length, max length, offset) fields.</summary>
internal static class NtlmWire
{
    public static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    /// <summary>Windows Server 2019 (10.0.17763), NTLM revision 15: what the emulated computer reports.</summary>
    public static ReadOnlySpan<byte> WindowsVersion => [10, 0, 0x63, 0x45, 0, 0, 0, 15];

    public static void CheckHeader(ReadOnlySpan<byte> message, int type, int minimumLength)
    {
        // A well-formed message of another type came out of order (an AUTHENTICATE where a NEGOTIATE starts a handshake).
        if (message.Length >= 12 && message[..8].SequenceEqual(Signature) && BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) is var sent and >= 1 and <= 3 && sent != type)
        {
            throw new NtlmException(NtlmError.UnexpectedMessage, $"An NTLM message of type {sent} where type {type} was expected (NTLM authenticates one connection: the legs of a handshake must share it).");
        }

        if (message.Length < minimumLength || !message[..8].SequenceEqual(Signature) ||
            BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) != type)
        {
            throw new NtlmException(NtlmError.MalformedMessage, $"Not an NTLM message of type {type}.");
        }
    }

    /// <summary>The bytes a (length, max length, offset) field points at; an error when outside the message.</summary>
    public static byte[] Field(ReadOnlySpan<byte> message, int at, out int offset)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(message[at..]);
        offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(message[(at + 4)..]);
        if (length == 0) return [];
        if (offset < 0 || (long)offset + length > message.Length)
        {
            throw new NtlmException(NtlmError.MalformedMessage, "An NTLM message field points outside the message.");
        }

        return message.Slice(offset, length).ToArray();
    }

    public static string Text(byte[] bytes, NtlmFlags flags) =>
        (flags & NtlmFlags.Unicode) != 0 ? Encoding.Unicode.GetString(bytes) : Encoding.ASCII.GetString(bytes);

    public static byte[] Bytes(string? text, NtlmFlags flags) =>
        string.IsNullOrEmpty(text) ? [] : (flags & NtlmFlags.Unicode) != 0 ? Encoding.Unicode.GetBytes(text) : Encoding.ASCII.GetBytes(text);

    /// <summary>Writes a field header at <paramref name="at"/> and its bytes at the end of the payload.</summary>
    public static void Put(byte[] message, int at, ReadOnlySpan<byte> value, ref int payload)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(at), (ushort)value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(at + 2), (ushort)value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(at + 4), (uint)payload);
        value.CopyTo(message.AsSpan(payload));
        payload += value.Length;
    }
}

/// <summary>NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1): the client's offer of flags.</summary>
public sealed class NtlmNegotiateMessage
{
    public required NtlmFlags Flags { get; init; }

    /// <summary>The message as sent: the MIC covers it byte for byte.</summary>
    public required byte[] Raw { get; init; }

    public static NtlmNegotiateMessage Parse(ReadOnlySpan<byte> message)
    {
        // Old clients send only signature, type and flags (16 bytes); the domain and workstation fields are optional.
        NtlmWire.CheckHeader(message, 1, 16);
        return new NtlmNegotiateMessage { Flags = (NtlmFlags)BinaryPrimitives.ReadUInt32LittleEndian(message[12..]), Raw = message.ToArray() };
    }

    public static NtlmNegotiateMessage Create(NtlmFlags flags)
    {
        var raw = new byte[40];
        NtlmWire.Signature.CopyTo(raw);
        raw[8] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(12), (uint)(flags | NtlmFlags.Version));
        var payload = raw.Length;
        NtlmWire.Put(raw, 16, [], ref payload);
        NtlmWire.Put(raw, 24, [], ref payload);
        NtlmWire.WindowsVersion.CopyTo(raw.AsSpan(32));
        return new NtlmNegotiateMessage { Flags = flags | NtlmFlags.Version, Raw = raw };
    }
}

/// <summary>CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2): the server's flags, 8-byte challenge and target information.</summary>
public sealed class NtlmChallengeMessage
{
    public required NtlmFlags Flags { get; init; }

    public required byte[] ServerChallenge { get; init; }

    public string TargetName { get; init; } = string.Empty;

    /// <summary>The AV_PAIR list, raw (it goes into the NTLMv2 response as is).</summary>
    public byte[] TargetInfo { get; init; } = [];

    public required byte[] Raw { get; init; }

    public static NtlmChallengeMessage Parse(ReadOnlySpan<byte> message)
    {
        NtlmWire.CheckHeader(message, 2, 48);
        var flags = (NtlmFlags)BinaryPrimitives.ReadUInt32LittleEndian(message[20..]);
        return new NtlmChallengeMessage
        {
            Flags = flags,
            ServerChallenge = message.Slice(24, 8).ToArray(),
            TargetName = NtlmWire.Text(NtlmWire.Field(message, 12, out _), flags),
            TargetInfo = NtlmWire.Field(message, 40, out _),
            Raw = message.ToArray(),
        };
    }

    public static NtlmChallengeMessage Create(NtlmFlags flags, ReadOnlySpan<byte> serverChallenge, string targetName, byte[] targetInfo)
    {
        var name = NtlmWire.Bytes(targetName, flags);
        var raw = new byte[56 + name.Length + targetInfo.Length];
        NtlmWire.Signature.CopyTo(raw);
        raw[8] = 2;
        var payload = 56;
        NtlmWire.Put(raw, 12, name, ref payload);
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(20), (uint)flags);
        serverChallenge.CopyTo(raw.AsSpan(24));
        NtlmWire.Put(raw, 40, targetInfo, ref payload);
        NtlmWire.WindowsVersion.CopyTo(raw.AsSpan(48));
        return new NtlmChallengeMessage { Flags = flags, ServerChallenge = serverChallenge.ToArray(), TargetName = targetName, TargetInfo = targetInfo, Raw = raw };
    }
}

/// <summary>AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3): the responses, names, encrypted session key and MIC.</summary>
public sealed class NtlmAuthenticateMessage
{
    public required NtlmFlags Flags { get; init; }

    public byte[] LmChallengeResponse { get; init; } = [];

    public byte[] NtChallengeResponse { get; init; } = [];

    public string DomainName { get; init; } = string.Empty;

    public string UserName { get; init; } = string.Empty;

    public string Workstation { get; init; } = string.Empty;

    public byte[] EncryptedRandomSessionKey { get; init; } = [];

    /// <summary>Where the 16-byte MIC sits in <see cref="Raw"/>, or -1 when the message has no room for one.</summary>
    public int MicOffset { get; init; } = -1;

    public required byte[] Raw { get; init; }

    public ReadOnlySpan<byte> Mic => MicOffset < 0 ? [] : Raw.AsSpan(MicOffset, 16);

    public static NtlmAuthenticateMessage Parse(ReadOnlySpan<byte> message)
    {
        NtlmWire.CheckHeader(message, 3, 64);
        var flags = (NtlmFlags)BinaryPrimitives.ReadUInt32LittleEndian(message[60..]);
        var lm = NtlmWire.Field(message, 12, out var lmOffset);
        var nt = NtlmWire.Field(message, 20, out var ntOffset);
        var domain = NtlmWire.Field(message, 28, out var domainOffset);
        var user = NtlmWire.Field(message, 36, out var userOffset);
        var workstation = NtlmWire.Field(message, 44, out var workstationOffset);
        var key = NtlmWire.Field(message, 52, out var keyOffset);
        // The payload starts after the fixed part: at 88 when Version (64..72) and MIC (72..88) are there.
        var payloadStart = new[] { lm.Length > 0 ? lmOffset : int.MaxValue, nt.Length > 0 ? ntOffset : int.MaxValue, domain.Length > 0 ? domainOffset : int.MaxValue,
            user.Length > 0 ? userOffset : int.MaxValue, workstation.Length > 0 ? workstationOffset : int.MaxValue, key.Length > 0 ? keyOffset : int.MaxValue }.Min();
        return new NtlmAuthenticateMessage
        {
            Flags = flags,
            LmChallengeResponse = lm,
            NtChallengeResponse = nt,
            DomainName = NtlmWire.Text(domain, flags),
            UserName = NtlmWire.Text(user, flags),
            Workstation = NtlmWire.Text(workstation, flags),
            EncryptedRandomSessionKey = key,
            MicOffset = payloadStart >= 88 && message.Length >= 88 ? 72 : -1,
            Raw = message.ToArray(),
        };
    }

    /// <summary>Builds the message with a zero MIC (the MIC is computed over it and then filled in).</summary>
    public static NtlmAuthenticateMessage Create(NtlmFlags flags, byte[] lm, byte[] nt, string domain, string user, string workstation, byte[] encryptedKey)
    {
        var domainBytes = NtlmWire.Bytes(domain, flags);
        var userBytes = NtlmWire.Bytes(user, flags);
        var workstationBytes = NtlmWire.Bytes(workstation, flags);
        var raw = new byte[88 + lm.Length + nt.Length + domainBytes.Length + userBytes.Length + workstationBytes.Length + encryptedKey.Length];
        NtlmWire.Signature.CopyTo(raw);
        raw[8] = 3;
        var payload = 88;
        NtlmWire.Put(raw, 28, domainBytes, ref payload);
        NtlmWire.Put(raw, 36, userBytes, ref payload);
        NtlmWire.Put(raw, 44, workstationBytes, ref payload);
        NtlmWire.Put(raw, 12, lm, ref payload);
        NtlmWire.Put(raw, 20, nt, ref payload);
        NtlmWire.Put(raw, 52, encryptedKey, ref payload);
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(60), (uint)flags);
        NtlmWire.WindowsVersion.CopyTo(raw.AsSpan(64));
        return new NtlmAuthenticateMessage
        {
            Flags = flags, LmChallengeResponse = lm, NtChallengeResponse = nt, DomainName = domain, UserName = user,
            Workstation = workstation, EncryptedRandomSessionKey = encryptedKey, MicOffset = 72, Raw = raw,
        };
    }
}

/// <summary>An AV_PAIR list (MS-NLMP 2.2.2.1), read and written in order.</summary>
public static class NtlmAvPairs
{
    public static List<(NtlmAvId Id, byte[] Value)> Parse(ReadOnlySpan<byte> list)
    {
        var pairs = new List<(NtlmAvId, byte[])>();
        while (list.Length >= 4)
        {
            var id = (NtlmAvId)BinaryPrimitives.ReadUInt16LittleEndian(list);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(list[2..]);
            if (id == NtlmAvId.Eol) return pairs;
            if (list.Length < 4 + length) throw new NtlmException(NtlmError.MalformedMessage, "An AV_PAIR runs past the end of its list.");
            pairs.Add((id, list.Slice(4, length).ToArray()));
            list = list[(4 + length)..];
        }

        throw new NtlmException(NtlmError.MalformedMessage, "An AV_PAIR list has no MsvAvEOL.");
    }

    public static byte[] Write(IEnumerable<(NtlmAvId Id, byte[] Value)> pairs)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[4];
        foreach (var (id, value) in pairs.Append((NtlmAvId.Eol, Array.Empty<byte>())))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)id);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)value.Length);
            stream.Write(header);
            stream.Write(value);
        }

        return stream.ToArray();
    }
}
