using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>
/// The server side of one NTLM handshake (MS-NLMP 3.2.5): NEGOTIATE in, CHALLENGE out; AUTHENTICATE in, the
/// NTLMv2 response checked against the user's password, the session key recovered and the MIC checked.
/// </summary>
public sealed class NtlmAcceptor(string computerName, Func<string, string?> passwordOf, Func<DateTimeOffset> now)
{
    /// <summary>What the server always sets: NTLM, target info, always-sign, a server target.</summary>
    private const NtlmFlags Required = NtlmFlags.Ntlm | NtlmFlags.RequestTarget | NtlmFlags.AlwaysSign | NtlmFlags.TargetInfo | NtlmFlags.TargetTypeServer;

    /// <summary>What the server grants when the client asks for it.</summary>
    private const NtlmFlags Granted = NtlmFlags.Sign | NtlmFlags.Seal | NtlmFlags.ExtendedSessionSecurity | NtlmFlags.Version |
        NtlmFlags.Key128 | NtlmFlags.Key56 | NtlmFlags.KeyExchange | NtlmFlags.Identify;

    private NtlmNegotiateMessage? _negotiate;
    private NtlmChallengeMessage? _challenge;

    /// <summary>Set once the client's AUTHENTICATE was accepted.</summary>
    public NtlmSecurityContext? Context { get; private set; }

    /// <summary>The user name as the client sent it (without the domain).</summary>
    public string? UserName { get; private set; }

    public string? DomainName { get; private set; }

    /// <summary>Whether the AUTHENTICATE carried a MIC (then SPNEGO requires a mechListMIC too).</summary>
    public bool HadMic { get; private set; }

    /// <summary>
    /// The channel binding token of the TLS channel the handshake runs over (<see cref="ChannelBindings"/>); null
    /// outside TLS, where there is no channel to bind to and nothing is checked.
    /// </summary>
    public byte[]? ChannelBindingsHash { get; init; }

    /// <summary>How the client's channel binding token is checked against <see cref="ChannelBindingsHash"/>.</summary>
    public CbtHardeningLevel CbtHardeningLevel { get; init; } = CbtHardeningLevel.Relaxed;

    /// <summary>Answers a NEGOTIATE_MESSAGE with a CHALLENGE_MESSAGE.</summary>
    public byte[] Challenge(ReadOnlySpan<byte> negotiateToken, ReadOnlySpan<byte> serverChallenge = default)
    {
        if (_negotiate is not null) throw new NtlmException(NtlmError.UnexpectedMessage, "A second NEGOTIATE message in one handshake.");
        _negotiate = NtlmNegotiateMessage.Parse(negotiateToken);
        var asked = _negotiate.Flags;
        var flags = Required | (asked & Granted);
        // One character set: Unicode when offered, else OEM.
        flags |= (asked & NtlmFlags.Unicode) != 0 ? NtlmFlags.Unicode : NtlmFlags.Oem;
        // Extended session security replaces the LM session key.
        if ((asked & NtlmFlags.ExtendedSessionSecurity) == 0 && (asked & NtlmFlags.LmKey) != 0) flags |= NtlmFlags.LmKey;
        var challenge = serverChallenge.IsEmpty ? RandomNumberGenerator.GetBytes(8) : serverChallenge.ToArray();
        var name = computerName.ToUpperInvariant();
        var dns = computerName.ToLowerInvariant();
        // A workgroup computer names itself as its domain.
        var targetInfo = NtlmAvPairs.Write(
        [
            (NtlmAvId.NbDomainName, Encoding.Unicode.GetBytes(name)),
            (NtlmAvId.NbComputerName, Encoding.Unicode.GetBytes(name)),
            (NtlmAvId.DnsDomainName, Encoding.Unicode.GetBytes(dns)),
            (NtlmAvId.DnsComputerName, Encoding.Unicode.GetBytes(dns)),
            (NtlmAvId.Timestamp, BitConverterLittleEndian(now().ToFileTime())),
        ]);
        _challenge = NtlmChallengeMessage.Create(flags, challenge, name, targetInfo);
        return _challenge.Raw;
    }

    /// <summary>Checks an AUTHENTICATE_MESSAGE; throws <see cref="NtlmException"/> with the reason when refused.</summary>
    public void Authenticate(ReadOnlySpan<byte> authenticateToken)
    {
        if (_negotiate is null || _challenge is null || Context is not null)
        {
            throw new NtlmException(NtlmError.UnexpectedMessage, "An AUTHENTICATE message without a CHALLENGE before it.");
        }

        var message = NtlmAuthenticateMessage.Parse(authenticateToken);
        if (message.UserName.Length == 0 || (message.NtChallengeResponse.Length == 0 && message.LmChallengeResponse.Length <= 1))
        {
            throw new NtlmException(NtlmError.Anonymous, "Anonymous NTLM logons are not accepted.");
        }

        // An NTLMv2 response is NTProofStr (16) + a blob of at least 28 + 4 bytes; 24 bytes is NTLMv1.
        if (message.NtChallengeResponse.Length < 48)
        {
            throw new NtlmException(NtlmError.NtlmV1NotSupported, "Only NTLMv2 responses are accepted.");
        }

        // An unknown user costs the same work as a wrong password: the answer's timing does not tell users apart.
        var password = passwordOf(message.UserName);
        var responseKey = NtlmCrypto.NtowfV2(password ?? string.Empty, message.UserName, message.DomainName);
        var proof = message.NtChallengeResponse.AsSpan(0, 16);
        var blob = message.NtChallengeResponse.AsSpan(16);
        var matches = CryptographicOperations.FixedTimeEquals(NtlmCrypto.NtProof(responseKey, _challenge.ServerChallenge, blob), proof);
        if (password is null) throw new NtlmException(NtlmError.UnknownUser, $"Unknown user '{message.UserName}'.");
        if (!matches)
        {
            throw new NtlmException(NtlmError.WrongPassword, $"The NTLMv2 response for '{message.UserName}' does not match.");
        }

        var keyExchangeKey = NtlmCrypto.SessionBaseKey(responseKey, proof);
        var flags = message.Flags;
        var exportedSessionKey = (flags & NtlmFlags.KeyExchange) != 0 && (flags & (NtlmFlags.Sign | NtlmFlags.Seal)) != 0 && message.EncryptedRandomSessionKey.Length == 16
            ? Rc4.Encrypt(keyExchangeKey, message.EncryptedRandomSessionKey)
            : keyExchangeKey;

        // The client signals a MIC in the blob's MsvAvFlags (bit 0x2); then it must be right.
        var pairs = blob.Length < 28 ? new List<(NtlmAvId Id, byte[] Value)>() : NtlmAvPairs.Parse(blob[28..]);
        HadMic = HasMicFlag(pairs);
        if (HadMic)
        {
            if (message.MicOffset < 0) throw new NtlmException(NtlmError.BadMic, "The AUTHENTICATE message announces a MIC but has none.");
            var expected = NtlmCrypto.Mic(exportedSessionKey, _negotiate.Raw, _challenge.Raw, message.Raw, message.MicOffset);
            if (!CryptographicOperations.FixedTimeEquals(expected, message.Mic)) throw new NtlmException(NtlmError.BadMic, "The AUTHENTICATE message's MIC is wrong.");
        }

        // The blob is covered by NTProofStr, so its channel binding token cannot have been changed on the way.
        CheckChannelBindings(pairs);

        UserName = message.UserName;
        DomainName = message.DomainName;
        Context = new NtlmSecurityContext(exportedSessionKey, flags, isServer: true);
    }

    private static bool HasMicFlag(List<(NtlmAvId Id, byte[] Value)> pairs)
    {
        foreach (var (id, value) in pairs)
        {
            if (id == NtlmAvId.Flags && value.Length >= 4) return (BinaryPrimitives.ReadUInt32LittleEndian(value) & 0x2) != 0;
        }

        return false;
    }

    /// <summary>Extended Protection for Authentication, as WinRM's CbtHardeningLevel asks for it.</summary>
    private void CheckChannelBindings(List<(NtlmAvId Id, byte[] Value)> pairs)
    {
        if (CbtHardeningLevel == CbtHardeningLevel.None || ChannelBindingsHash is not { } expected) return;
        var sent = pairs.FirstOrDefault(p => p.Id == NtlmAvId.ChannelBindings).Value ?? [];
        if (ChannelBindings.IsUnbound(sent))
        {
            if (CbtHardeningLevel == CbtHardeningLevel.Strict)
            {
                throw new NtlmException(NtlmError.ChannelBindingsMissing, "The NTLMv2 response carries no channel binding token, and CbtHardeningLevel is Strict.");
            }

            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(sent, expected))
        {
            throw new NtlmException(NtlmError.ChannelBindingsMismatch, "The NTLMv2 response's channel binding token is not that of this TLS channel.");
        }
    }

    private static byte[] BitConverterLittleEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }
}

/// <summary>
/// The client side of one NTLM handshake: NEGOTIATE out; CHALLENGE in, AUTHENTICATE (NTLMv2, key exchange, MIC)
/// out. Used by the emulator's own client.
/// </summary>
public sealed class NtlmInitiator(string userName, string password, string domain, string workstation)
{
    public const NtlmFlags DefaultFlags = NtlmFlags.Unicode | NtlmFlags.RequestTarget | NtlmFlags.Sign | NtlmFlags.Seal | NtlmFlags.Ntlm |
        NtlmFlags.AlwaysSign | NtlmFlags.ExtendedSessionSecurity | NtlmFlags.Version | NtlmFlags.Key128 | NtlmFlags.KeyExchange | NtlmFlags.Key56;

    private NtlmNegotiateMessage? _negotiate;

    public NtlmSecurityContext? Context { get; private set; }

    /// <summary>
    /// The channel binding token of the TLS channel (<see cref="ChannelBindings"/>), sent in the AUTHENTICATE as
    /// Windows clients send it over HTTPS; null (outside TLS) sends the all-zero "unbound" token.
    /// </summary>
    public byte[]? ChannelBindingsHash { get; set; }

    /// <summary>Creates the NEGOTIATE_MESSAGE.</summary>
    public byte[] Negotiate(NtlmFlags flags = DefaultFlags)
    {
        _negotiate = NtlmNegotiateMessage.Create(flags);
        return _negotiate.Raw;
    }

    /// <summary>Answers the server's CHALLENGE_MESSAGE with an AUTHENTICATE_MESSAGE.</summary>
    public byte[] Authenticate(ReadOnlySpan<byte> challengeToken, DateTimeOffset now, ReadOnlySpan<byte> clientChallenge = default, ReadOnlySpan<byte> sessionKey = default)
    {
        if (_negotiate is null) throw new NtlmException(NtlmError.UnexpectedMessage, "A CHALLENGE before the NEGOTIATE was sent.");
        var challenge = NtlmChallengeMessage.Parse(challengeToken);
        var flags = challenge.Flags & _negotiate.Flags;
        if ((flags & NtlmFlags.ExtendedSessionSecurity) == 0 || (flags & NtlmFlags.Sign) == 0 || (challenge.Flags & NtlmFlags.TargetInfo) == 0 || challenge.TargetInfo.Length == 0)
        {
            throw new NtlmException(NtlmError.ChallengeNotAcceptable, "The server's CHALLENGE offers no NTLMv2 with extended session security and signing.");
        }

        flags |= challenge.Flags & (NtlmFlags.TargetTypeServer | NtlmFlags.TargetTypeDomain | NtlmFlags.TargetInfo);
        var pairs = NtlmAvPairs.Parse(challenge.TargetInfo);
        var time = pairs.FirstOrDefault(p => p.Id == NtlmAvId.Timestamp).Value is { Length: 8 } stamp
            ? BinaryPrimitives.ReadInt64LittleEndian(stamp)
            : now.ToFileTime();
        // A MIC follows (MsvAvFlags 0x2) and the channel binding token (all zeros outside TLS), as Windows clients send.
        pairs.RemoveAll(p => p.Id is NtlmAvId.Flags or NtlmAvId.ChannelBindings or NtlmAvId.TargetName);
        pairs.Add((NtlmAvId.Flags, [2, 0, 0, 0]));
        pairs.Add((NtlmAvId.ChannelBindings, ChannelBindingsHash is { Length: ChannelBindings.HashLength } token ? [.. token] : new byte[ChannelBindings.HashLength]));
        var cc = clientChallenge.IsEmpty ? RandomNumberGenerator.GetBytes(8) : clientChallenge.ToArray();
        var responseKey = NtlmCrypto.NtowfV2(password, userName, domain);
        var blob = NtlmCrypto.ClientBlob(time, cc, NtlmAvPairs.Write(pairs));
        var proof = NtlmCrypto.NtProof(responseKey, challenge.ServerChallenge, blob);
        byte[] nt = [.. proof, .. blob];
        var keyExchangeKey = NtlmCrypto.SessionBaseKey(responseKey, proof);
        byte[] exportedSessionKey;
        byte[] encryptedKey = [];
        if ((flags & NtlmFlags.KeyExchange) != 0)
        {
            exportedSessionKey = sessionKey.IsEmpty ? RandomNumberGenerator.GetBytes(16) : sessionKey.ToArray();
            encryptedKey = Rc4.Encrypt(keyExchangeKey, exportedSessionKey);
        }
        else
        {
            exportedSessionKey = keyExchangeKey;
        }

        // With a MIC the LMv2 response is all zeros (MS-NLMP 3.1.5.1.2).
        var authenticate = NtlmAuthenticateMessage.Create(flags, new byte[24], nt, domain, userName, workstation, encryptedKey);
        var mic = NtlmCrypto.Mic(exportedSessionKey, _negotiate.Raw, challenge.Raw, authenticate.Raw, authenticate.MicOffset);
        mic.CopyTo(authenticate.Raw.AsSpan(authenticate.MicOffset));
        Context = new NtlmSecurityContext(exportedSessionKey, flags, isServer: false);
        return authenticate.Raw;
    }
}
