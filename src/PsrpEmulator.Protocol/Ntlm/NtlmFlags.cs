namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>NegotiateFlags (MS-NLMP 2.2.2.5).</summary>
[Flags]
public enum NtlmFlags : uint
{
    None = 0,
    Unicode = 0x00000001,
    Oem = 0x00000002,
    RequestTarget = 0x00000004,
    Sign = 0x00000010,
    Seal = 0x00000020,
    Datagram = 0x00000040,
    LmKey = 0x00000080,
    Ntlm = 0x00000200,
    Anonymous = 0x00000800,
    OemDomainSupplied = 0x00001000,
    OemWorkstationSupplied = 0x00002000,
    AlwaysSign = 0x00008000,
    TargetTypeDomain = 0x00010000,
    TargetTypeServer = 0x00020000,
    ExtendedSessionSecurity = 0x00080000,
    Identify = 0x00100000,
    RequestNonNtSessionKey = 0x00400000,
    TargetInfo = 0x00800000,
    Version = 0x02000000,
    Key128 = 0x20000000,
    KeyExchange = 0x40000000,
    Key56 = 0x80000000,
}

/// <summary>AV_PAIR AvId (MS-NLMP 2.2.2.1).</summary>
public enum NtlmAvId : ushort
{
    Eol = 0,
    NbComputerName = 1,
    NbDomainName = 2,
    DnsComputerName = 3,
    DnsDomainName = 4,
    DnsTreeName = 5,
    Flags = 6,
    Timestamp = 7,
    SingleHost = 8,
    TargetName = 9,
    ChannelBindings = 10,
}

/// <summary>Why an NTLM or SPNEGO token, or a sealed message, was refused.</summary>
public enum NtlmError
{
    /// <summary>Not an NTLMSSP message, the wrong message type, or a field outside the message.</summary>
    MalformedMessage,
    /// <summary>The message came out of order (an AUTHENTICATE before a NEGOTIATE...).</summary>
    UnexpectedMessage,
    /// <summary>A SPNEGO token that is not valid DER, or offers no mechanism this side speaks.</summary>
    MalformedSpnego,
    /// <summary>Neither NTLM nor Kerberos-then-NTLM: no mechanism in common.</summary>
    NoCommonMechanism,
    /// <summary>An LM or NTLMv1 response: only NTLMv2 is accepted.</summary>
    NtlmV1NotSupported,
    /// <summary>Anonymous authentication (empty user or responses).</summary>
    Anonymous,
    /// <summary>The user is not known.</summary>
    UnknownUser,
    /// <summary>The NTLMv2 response does not match the user's password.</summary>
    WrongPassword,
    /// <summary>The AUTHENTICATE message's MIC is wrong (the handshake was tampered with).</summary>
    BadMic,
    /// <summary>The SPNEGO mechListMIC is wrong.</summary>
    BadMechListMic,
    /// <summary>A sealed message whose signature does not match: tampered, out of order, or another context's.</summary>
    BadSignature,
    /// <summary>A multipart/encrypted body not in WinRM's layout (boundaries, OriginalContent, lengths).</summary>
    MalformedEncryptedBody,
    /// <summary>The CHALLENGE lacks what the client needs (NTLMv2 target info, signing or sealing).</summary>
    ChallengeNotAcceptable,
    /// <summary>The NTLMv2 response's channel binding token is not that of the TLS channel it came over.</summary>
    ChannelBindingsMismatch,
    /// <summary>No channel binding token, where CbtHardeningLevel Strict requires one.</summary>
    ChannelBindingsMissing,
}

/// <summary>A refused NTLM or SPNEGO token or sealed message.</summary>
public sealed class NtlmException(NtlmError reason, string message) : Exception(message)
{
    public NtlmError Reason { get; } = reason;
}
