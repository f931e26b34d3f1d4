using System.Buffers.Binary;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

public enum PsrpDestination : uint
{
    Client = 0x1,
    Server = 0x2,
}

/// <summary>PSRP message types (MS-PSRP 2.2.1).</summary>
public enum PsrpMessageType : uint
{
    SessionCapability = 0x00010002,
    InitRunspacePool = 0x00010004,
    PublicKey = 0x00010005,
    EncryptedSessionKey = 0x00010006,
    PublicKeyRequest = 0x00010007,
    ConnectRunspacePool = 0x00010008,
    SetMaxRunspaces = 0x00021002,
    SetMinRunspaces = 0x00021003,
    RunspaceAvailability = 0x00021004,
    RunspacePoolState = 0x00021005,
    CreatePipeline = 0x00021006,
    GetAvailableRunspaces = 0x00021007,
    UserEvent = 0x00021008,
    ApplicationPrivateData = 0x00021009,
    GetCommandMetadata = 0x0002100A,
    RunspacePoolInitData = 0x0002100B,
    ResetRunspaceState = 0x0002100C,
    RunspacePoolHostCall = 0x00021100,
    RunspacePoolHostResponse = 0x00021101,
    PipelineInput = 0x00041002,
    EndOfPipelineInput = 0x00041003,
    PipelineOutput = 0x00041004,
    ErrorRecord = 0x00041005,
    PipelineState = 0x00041006,
    DebugRecord = 0x00041007,
    VerboseRecord = 0x00041008,
    WarningRecord = 0x00041009,
    ProgressRecord = 0x00041010,
    InformationRecord = 0x00041011,
    PipelineHostCall = 0x00041100,
    PipelineHostResponse = 0x00041101,
}

/// <summary>
/// A whole PSRP message (MS-PSRP 2.2.1): little-endian destination and type, RPID and PID in .NET GUID byte
/// layout, then UTF-8 CLIXML data (a BOM is allowed).
/// </summary>
public sealed class PsrpMessage(PsrpDestination destination, PsrpMessageType messageType, Guid runspacePoolId, Guid pipelineId, ReadOnlyMemory<byte> data)
{
    public const int HeaderLength = 40;

    public PsrpDestination Destination { get; } = destination;
    public PsrpMessageType MessageType { get; } = messageType;
    public Guid RunspacePoolId { get; } = runspacePoolId;
    public Guid PipelineId { get; } = pipelineId;

    /// <summary>The CLIXML payload bytes as sent (possibly with a UTF-8 BOM).</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    public int Length => HeaderLength + Data.Length;

    /// <summary>Parses a complete message; throws <see cref="FragmentException"/> (MessageTooShort, InvalidMessageHeader).</summary>
    /// <remarks>
    /// Unknown message types are kept (the receiver decides what to do with them); only the destination is
    /// validated. <see cref="Data"/> is a slice of <paramref name="message"/> (no copy).
    /// </remarks>
    public static PsrpMessage Parse(ReadOnlyMemory<byte> message)
    {
        var header = PsrpMessageHeader.Parse(message.Span);
        return new PsrpMessage(header.Destination, header.MessageType, header.RunspacePoolId, header.PipelineId, message[HeaderLength..]);
    }

    /// <summary>Writes header and data; <paramref name="destination"/> must hold <see cref="Length"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the message needs {Length}.", nameof(destination));
        }

        WriteHeader(destination, Destination, MessageType, RunspacePoolId, PipelineId);
        Data.Span.CopyTo(destination[HeaderLength..]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Deserializes <see cref="Data"/> (BOM tolerant).</summary>
    public PsValue ReadData(ClixmlLimits? limits = null) => ClixmlDeserializer.Deserialize(Data.Span, limits);

    /// <summary>
    /// The bytes of the message <see cref="Create"/> builds (what its <see cref="ToArray"/> returns), serialized
    /// straight after the header into one array: one allocation per message on the output path.
    /// </summary>
    /// <remarks>
    /// <paramref name="headroom"/> bytes (zero) come first, before the message: room for a fragment header, so
    /// that a message sent as one fragment needs no copy.
    /// </remarks>
    public static byte[] Encode(PsrpDestination destination, Guid runspacePoolId, Guid pipelineId, IPsrpMessageBody body, bool writeBom = true, int headroom = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headroom, 64);
        Span<byte> prefix = stackalloc byte[headroom + HeaderLength];
        prefix.Clear();
        WriteHeader(prefix[headroom..], destination, body.MessageType, runspacePoolId, pipelineId);
        if (body is EndOfPipelineInput) return prefix.ToArray();
        return ClixmlSerializer.Serialize(body.ToPsValue(), writeBom, prefix);
    }

    /// <summary>
    /// As <see cref="Encode"/> for a PIPELINE_OUTPUT of the string <paramref name="pieces"/> make together, without
    /// making that string; null when the pieces need CLIXML escaping (see <see cref="ClixmlSerializer.SerializeString"/>).
    /// </summary>
    public static byte[]? EncodeStringOutput(PsrpDestination destination, Guid runspacePoolId, Guid pipelineId, ReadOnlySpan<string?> pieces, bool writeBom = true, int headroom = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headroom, 64);
        Span<byte> prefix = stackalloc byte[headroom + HeaderLength];
        prefix.Clear();
        WriteHeader(prefix[headroom..], destination, PsrpMessageType.PipelineOutput, runspacePoolId, pipelineId);
        return ClixmlSerializer.SerializeString(pieces, writeBom, prefix);
    }

    /// <summary>
    /// The length of the message <see cref="EncodeStringOutput"/> makes of <paramref name="pieces"/> when
    /// <see cref="WriteStringOutput"/> can write it straight into a buffer (every piece printable text that CLIXML
    /// carries as it is); -1 otherwise (then use <see cref="EncodeStringOutput"/>).
    /// </summary>
    public static int StringOutputLength(ReadOnlySpan<string?> pieces, bool writeBom = true) => StringOutputLength(pieces, 0, writeBom);

    /// <summary>
    /// As <see cref="StringOutputLength(ReadOnlySpan{string?}, bool)"/>, taking the pieces whose bit is set in
    /// <paramref name="verbatimPieces"/> (bit i for piece i, the first 64) as known to be text CLIXML carries as it is
    /// (<see cref="ClixmlString.IsVerbatim"/>, e.g. a template's literal text checked once): only the others are looked
    /// at. <see cref="WriteStringOutput"/> still checks every piece as it copies it.
    /// </summary>
    public static int StringOutputLength(ReadOnlySpan<string?> pieces, ulong verbatimPieces, bool writeBom = true)
    {
        var data = ClixmlSerializer.VerbatimStringLength(pieces, verbatimPieces, writeBom);
        return data < 0 ? -1 : HeaderLength + data;
    }

    /// <summary>
    /// Writes the bytes <see cref="EncodeStringOutput"/> would return (without headroom) into <paramref name="into"/>,
    /// which holds exactly <see cref="StringOutputLength"/> bytes (not -1): no array of the message's own.
    /// </summary>
    /// <remarks>
    /// The pieces are checked while they are copied (one pass over the text: the caller has just measured them with
    /// <see cref="StringOutputLength"/>); when one needs escaping after all, the <see cref="ArgumentException"/> leaves
    /// <paramref name="into"/> partly written.
    /// </remarks>
    public static void WriteStringOutput(Span<byte> into, PsrpDestination destination, Guid runspacePoolId, Guid pipelineId, ReadOnlySpan<string?> pieces, bool writeBom = true)
    {
        var text = 0;
        foreach (var piece in pieces) text += piece?.Length ?? 0;
        var length = HeaderLength + ClixmlSerializer.VerbatimStringLength(text, writeBom);
        if (into.Length != length)
        {
            if (StringOutputLength(pieces, writeBom) < 0) throw NeedsEscaping();
            throw new ArgumentException($"The message is {length} bytes; the destination holds {into.Length}.", nameof(into));
        }

        WriteHeader(into, destination, PsrpMessageType.PipelineOutput, runspacePoolId, pipelineId);
        if (!ClixmlSerializer.TryWriteVerbatimString(into[HeaderLength..], pieces, writeBom)) throw NeedsEscaping();

        static ArgumentException NeedsEscaping() => new("The pieces need CLIXML escaping: use EncodeStringOutput.", nameof(pieces));
    }

    // The 40-byte header alone (no message object for it: the output path writes one per object).
    private static void WriteHeader(Span<byte> into, PsrpDestination destination, PsrpMessageType messageType, Guid runspacePoolId, Guid pipelineId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(into, (uint)destination);
        BinaryPrimitives.WriteUInt32LittleEndian(into[4..], (uint)messageType);
        runspacePoolId.TryWriteBytes(into.Slice(8, 16));
        pipelineId.TryWriteBytes(into.Slice(24, 16));
    }

    /// <summary>Builds a message from a typed body. PowerShell writes a UTF-8 BOM; pypsrp does not.</summary>
    /// <remarks>
    /// <see cref="EndOfPipelineInput"/> is special: END_OF_PIPELINE_INPUT carries no data at all (0 bytes, no BOM),
    /// so it never goes through the serializer.
    /// </remarks>
    public static PsrpMessage Create(PsrpDestination destination, Guid runspacePoolId, Guid pipelineId, IPsrpMessageBody body, bool writeBom = true)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body is EndOfPipelineInput) return new(destination, body.MessageType, runspacePoolId, pipelineId, ReadOnlyMemory<byte>.Empty);
        return new(destination, body.MessageType, runspacePoolId, pipelineId, ClixmlSerializer.Serialize(body.ToPsValue(), writeBom));
    }
}

/// <summary>
/// The 40-byte header of a PSRP message, read without making a <see cref="PsrpMessage"/>: what a defragmenter lends
/// with the payload of each message it completes (one object fewer per message on a client's output path).
/// </summary>
public readonly record struct PsrpMessageHeader(PsrpDestination Destination, PsrpMessageType MessageType, Guid RunspacePoolId, Guid PipelineId)
{
    /// <summary>The header of a complete message; throws <see cref="FragmentException"/> (MessageTooShort, InvalidMessageHeader) as <see cref="PsrpMessage.Parse"/> does.</summary>
    public static PsrpMessageHeader Parse(ReadOnlySpan<byte> message)
    {
        if (TryParse(message, out var header)) return header;
        if (message.Length < PsrpMessage.HeaderLength)
        {
            throw new FragmentException(FragmentError.MessageTooShort,
                $"A PSRP message is {message.Length} byte(s) long; the message header alone is {PsrpMessage.HeaderLength} bytes.");
        }

        throw new FragmentException(FragmentError.InvalidMessageHeader,
            $"PSRP message destination 0x{BinaryPrimitives.ReadUInt32LittleEndian(message):x8} is neither Client (1) nor Server (2).");
    }

    /// <summary>As <see cref="Parse"/>, false where it throws (the caller then lets <see cref="Parse"/> report why).</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out PsrpMessageHeader header)
    {
        header = default;
        if (message.Length < PsrpMessage.HeaderLength) return false;
        var destination = BinaryPrimitives.ReadUInt32LittleEndian(message);
        if (destination is not ((uint)PsrpDestination.Client or (uint)PsrpDestination.Server)) return false;
        header = new PsrpMessageHeader((PsrpDestination)destination, (PsrpMessageType)BinaryPrimitives.ReadUInt32LittleEndian(message[4..]),
            new Guid(message.Slice(8, 16)), new Guid(message.Slice(24, 16)));
        return true;
    }
}

/// <summary>
/// A message lent by a defragmenter as it completes: <paramref name="data"/> is its CLIXML payload (possibly with a
/// UTF-8 BOM), valid only during the call (the bytes are the chunk's or a pooled buffer's).
/// </summary>
public delegate void LentPsrpMessage(in PsrpMessageHeader header, ReadOnlyMemory<byte> data);

/// <summary>A typed PSRP message payload. Each implementation also has a static <c>FromPsValue(PsValue)</c>.</summary>
public interface IPsrpMessageBody
{
    PsrpMessageType MessageType { get; }

    PsValue ToPsValue();
}

/// <summary>The wire values of RunspacePoolState (.NET enum as cast by PowerShell).</summary>
public enum RunspacePoolState
{
    BeforeOpen = 0,
    Opening = 1,
    Opened = 2,
    Closed = 3,
    Closing = 4,
    Broken = 5,
    Disconnecting = 6,
    Disconnected = 7,
    Connecting = 8,
}

/// <summary>System.Management.Automation.JobState, as a serialized job's State carries it.</summary>
public enum JobState
{
    NotStarted = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Stopped = 4,
    Blocked = 5,
    Suspended = 6,
    Disconnected = 7,
    Suspending = 8,
    Stopping = 9,
    AtBreakpoint = 10,
}

/// <summary>PSInvocationState, the PipelineState values on the wire.</summary>
public enum PSInvocationState
{
    NotStarted = 0,
    Running = 1,
    Stopping = 2,
    Stopped = 3,
    Completed = 4,
    Failed = 5,
    Disconnected = 6,
}
