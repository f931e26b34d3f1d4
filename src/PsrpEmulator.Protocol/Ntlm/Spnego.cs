using System.Formats.Asn1;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>SPNEGO's negState (RFC 4178 4.2.2).</summary>
public enum SpnegoNegState
{
    AcceptCompleted = 0,
    AcceptIncomplete = 1,
    Reject = 2,
    RequestMic = 3,
}

/// <summary>The first SPNEGO token (RFC 4178 4.2.1), wrapped in the GSS-API InitialContextToken.</summary>
public sealed class SpnegoNegTokenInit
{
    public required IReadOnlyList<string> MechTypes { get; init; }

    /// <summary>The DER encoding of the MechTypeList as sent: what the mechListMIC signs.</summary>
    public required byte[] MechTypesEncoded { get; init; }

    public byte[]? MechToken { get; init; }

    public byte[]? MechListMic { get; init; }

    public byte[] Write()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(Spnego.SpnegoOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteEncodedValue(MechTypesEncoded);
                }

                Spnego.WriteOctets(writer, 2, MechToken);
                Spnego.WriteOctets(writer, 3, MechListMic);
            }
        }

        return writer.Encode();
    }

    public static byte[] EncodeMechTypes(params string[] oids)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var oid in oids) writer.WriteObjectIdentifier(oid);
        }

        return writer.Encode();
    }
}

/// <summary>Every later SPNEGO token, both ways (RFC 4178 4.2.2).</summary>
public sealed class SpnegoNegTokenResp
{
    public SpnegoNegState? NegState { get; init; }

    public string? SupportedMech { get; init; }

    public byte[]? ResponseToken { get; init; }

    public byte[]? MechListMic { get; init; }

    public byte[] Write()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
        using (writer.PushSequence())
        {
            if (NegState is { } state)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))) writer.WriteEnumeratedValue(state);
            }

            if (SupportedMech is { } mech)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true))) writer.WriteObjectIdentifier(mech);
            }

            Spnego.WriteOctets(writer, 2, ResponseToken);
            Spnego.WriteOctets(writer, 3, MechListMic);
        }

        return writer.Encode();
    }
}

/// <summary>Reads SPNEGO tokens; a raw NTLMSSP token (what requests-ntlm sends under "Negotiate") is told apart.</summary>
public static class Spnego
{
    public const string SpnegoOid = "1.3.6.1.5.5.2";
    public const string NtlmOid = "1.3.6.1.4.1.311.2.2.10";
    public const string KerberosOid = "1.2.840.113554.1.2.2";
    public const string MsKerberosOid = "1.2.840.48018.1.2.2";

    public static bool IsRawNtlm(ReadOnlySpan<byte> token) => token.StartsWith("NTLMSSP\0"u8);

    /// <summary>Parses a NegTokenInit or NegTokenResp; throws <see cref="NtlmException"/> (MalformedSpnego) otherwise.</summary>
    public static object Parse(ReadOnlyMemory<byte> token)
    {
        try
        {
            var reader = new AsnReader(token, AsnEncodingRules.DER);
            var tag = reader.PeekTag();
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.Application, 0)))
            {
                var outer = reader.ReadSequence(new Asn1Tag(TagClass.Application, 0));
                reader.ThrowIfNotEmpty();
                if (outer.ReadObjectIdentifier() != SpnegoOid) throw new NtlmException(NtlmError.MalformedSpnego, "A GSS-API token that is not SPNEGO.");
                var init = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
                string[] mechTypes = [];
                byte[] encoded = [];
                byte[]? mechToken = null, mic = null;
                while (init.HasData)
                {
                    var field = ContextField(init.PeekTag());
                    var inner = init.ReadSequence(field);
                    switch (field.TagValue)
                    {
                        case 0:
                            encoded = inner.PeekEncodedValue().ToArray();
                            var list = inner.ReadSequence();
                            var oids = new List<string>();
                            while (list.HasData) oids.Add(list.ReadObjectIdentifier());
                            mechTypes = [.. oids];
                            break;
                        case 2:
                            mechToken = inner.ReadOctetString();
                            break;
                        case 3:
                            mic = inner.ReadOctetString();
                            break;
                    }
                }

                return new SpnegoNegTokenInit { MechTypes = mechTypes, MechTypesEncoded = encoded, MechToken = mechToken, MechListMic = mic };
            }

            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                var resp = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadSequence();
                reader.ThrowIfNotEmpty();
                SpnegoNegState? state = null;
                string? mech = null;
                byte[]? response = null, mic = null;
                while (resp.HasData)
                {
                    var field = ContextField(resp.PeekTag());
                    var inner = resp.ReadSequence(field);
                    switch (field.TagValue)
                    {
                        case 0:
                            state = inner.ReadEnumeratedValue<SpnegoNegState>();
                            break;
                        case 1:
                            mech = inner.ReadObjectIdentifier();
                            break;
                        case 2:
                            response = inner.ReadOctetString();
                            break;
                        case 3:
                            mic = inner.ReadOctetString();
                            break;
                    }
                }

                return new SpnegoNegTokenResp { NegState = state, SupportedMech = mech, ResponseToken = response, MechListMic = mic };
            }
        }
        catch (AsnContentException e)
        {
            throw new NtlmException(NtlmError.MalformedSpnego, "A malformed SPNEGO token: " + e.Message);
        }

        throw new NtlmException(NtlmError.MalformedSpnego, "Neither a SPNEGO NegTokenInit nor a NegTokenResp.");
    }

    /// <summary>Every NegTokenInit/NegTokenResp field is an explicit [n] wrapper; anything else is not SPNEGO (and not an argument error).</summary>
    private static Asn1Tag ContextField(Asn1Tag tag) =>
        tag is { TagClass: TagClass.ContextSpecific, IsConstructed: true }
            ? tag
            : throw new NtlmException(NtlmError.MalformedSpnego, "A SPNEGO field that is not a context-specific [n] wrapper.");

    internal static void WriteOctets(AsnWriter writer, int field, byte[]? value)
    {
        if (value is null) return;
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, field, isConstructed: true))) writer.WriteOctetString(value);
    }
}
