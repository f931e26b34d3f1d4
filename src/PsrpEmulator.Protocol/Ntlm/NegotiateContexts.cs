namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>
/// The server side of HTTP Negotiate over NTLM: SPNEGO-wrapped (Windows and .NET clients) or raw NTLMSSP tokens
/// (requests-ntlm sends those under "Negotiate" too, and Windows accepts them); answers in the client's form.
/// </summary>
public sealed class NegotiateAcceptor(NtlmAcceptor ntlm)
{
    private byte[]? _mechTypes;
    private bool _challenged;
    private bool _micRequired;

    /// <summary>Null until the first token; then whether the client speaks SPNEGO (else raw NTLM).</summary>
    public bool? UsesSpnego { get; private set; }

    public bool IsCompleted { get; private set; }

    public NtlmAcceptor Ntlm => ntlm;

    public NtlmSecurityContext? Context => IsCompleted ? ntlm.Context : null;

    /// <summary>Takes the client's token and returns the token to send back (null when there is none).</summary>
    public byte[]? Step(byte[] token)
    {
        if (IsCompleted) throw new NtlmException(NtlmError.UnexpectedMessage, "The handshake is already complete.");
        UsesSpnego ??= !Spnego.IsRawNtlm(token);
        if (UsesSpnego == false)
        {
            if (!Spnego.IsRawNtlm(token)) throw new NtlmException(NtlmError.MalformedMessage, "A SPNEGO token in a raw NTLM handshake.");
            if (!_challenged)
            {
                _challenged = true;
                return ntlm.Challenge(token);
            }

            ntlm.Authenticate(token);
            IsCompleted = true;
            return null;
        }

        switch (Spnego.Parse(token))
        {
            case SpnegoNegTokenInit init when _mechTypes is null:
                if (!init.MechTypes.Contains(Spnego.NtlmOid)) throw new NtlmException(NtlmError.NoCommonMechanism, "The client offers no NTLM.");
                _mechTypes = init.MechTypesEncoded;
                if (init.MechToken is { } optimistic && init.MechTypes[0] == Spnego.NtlmOid)
                {
                    _challenged = true;
                    return new SpnegoNegTokenResp { NegState = SpnegoNegState.AcceptIncomplete, SupportedMech = Spnego.NtlmOid, ResponseToken = ntlm.Challenge(optimistic) }.Write();
                }

                // The client's first choice (Kerberos) is not spoken here: NTLM instead, and then the mechListMIC is a must.
                _micRequired = true;
                return new SpnegoNegTokenResp { NegState = SpnegoNegState.RequestMic, SupportedMech = Spnego.NtlmOid }.Write();
            case SpnegoNegTokenResp resp when _mechTypes is not null && resp.ResponseToken is { } inner:
                if (!_challenged)
                {
                    _challenged = true;
                    return new SpnegoNegTokenResp { NegState = SpnegoNegState.AcceptIncomplete, ResponseToken = ntlm.Challenge(inner) }.Write();
                }

                ntlm.Authenticate(inner);
                byte[]? mic = null;
                if (resp.MechListMic is { } clientMic)
                {
                    if (!ntlm.Context!.VerifyMic(_mechTypes, clientMic)) throw new NtlmException(NtlmError.BadMechListMic, "The SPNEGO mechListMIC is wrong.");
                    ntlm.Context.ResetIncomingSealing();
                    mic = ntlm.Context.GetMic(_mechTypes);
                    ntlm.Context.ResetOutgoingSealing();
                }
                else if (_micRequired || ntlm.HadMic)
                {
                    throw new NtlmException(NtlmError.BadMechListMic, "The SPNEGO mechListMIC is missing.");
                }

                IsCompleted = true;
                return new SpnegoNegTokenResp { NegState = SpnegoNegState.AcceptCompleted, MechListMic = mic }.Write();
            default:
                throw new NtlmException(NtlmError.UnexpectedMessage, "A SPNEGO token out of order.");
        }
    }
}

/// <summary>The client side of HTTP Negotiate or NTLM: SPNEGO-wrapped or raw NTLMSSP tokens.</summary>
public sealed class NegotiateInitiator(NtlmInitiator ntlm, bool spnego, TimeProvider time)
{
    private static readonly byte[] MechTypes = SpnegoNegTokenInit.EncodeMechTypes(Spnego.NtlmOid);
    private bool _micSent;

    public bool IsSpnego => spnego;

    public NtlmSecurityContext? Context => ntlm.Context;

    /// <summary>The first token: NEGOTIATE, in a NegTokenInit when speaking SPNEGO.</summary>
    public byte[] Initial()
    {
        var negotiate = ntlm.Negotiate();
        return spnego ? new SpnegoNegTokenInit { MechTypes = [Spnego.NtlmOid], MechTypesEncoded = MechTypes, MechToken = negotiate }.Write() : negotiate;
    }

    /// <summary>Answers the server's challenge token with the AUTHENTICATE token (and the mechListMIC with SPNEGO).</summary>
    public byte[] Step(byte[] serverToken)
    {
        if (!spnego) return ntlm.Authenticate(serverToken, time.GetUtcNow());
        if (Spnego.Parse(serverToken) is not SpnegoNegTokenResp { ResponseToken: { } challenge } resp || resp.NegState is SpnegoNegState.Reject)
        {
            throw new NtlmException(NtlmError.MalformedSpnego, "The server's SPNEGO answer carries no NTLM challenge.");
        }

        if (resp.SupportedMech is { } mech && mech != Spnego.NtlmOid) throw new NtlmException(NtlmError.NoCommonMechanism, $"The server chose {mech}, not NTLM.");
        var authenticate = ntlm.Authenticate(challenge, time.GetUtcNow());
        _micSent = true;
        var mic = ntlm.Context!.GetMic(MechTypes);
        ntlm.Context.ResetOutgoingSealing();
        return new SpnegoNegTokenResp { ResponseToken = authenticate, MechListMic = mic }.Write();
    }

    /// <summary>Takes the server's last token (SPNEGO accept-completed with its mechListMIC) and finishes the context.</summary>
    public void Complete(byte[]? serverToken)
    {
        if (!spnego || serverToken is null || !_micSent) return;
        if (Spnego.Parse(serverToken) is not SpnegoNegTokenResp { NegState: SpnegoNegState.AcceptCompleted } resp)
        {
            throw new NtlmException(NtlmError.MalformedSpnego, "The server did not complete the SPNEGO exchange.");
        }

        if (resp.MechListMic is { } mic)
        {
            if (!ntlm.Context!.VerifyMic(MechTypes, mic)) throw new NtlmException(NtlmError.BadMechListMic, "The server's SPNEGO mechListMIC is wrong.");
            ntlm.Context.ResetIncomingSealing();
        }
    }
}
