using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Diagnostics;

/// <summary>One WS-Man exchange as the emulator saw it. Never holds credentials.</summary>
public sealed record JournalEntry(
    long Sequence,
    DateTimeOffset Time,
    string? User,
    string Action,
    string? ResourceUri,
    string? ShellId,
    string? CommandId,
    IReadOnlyList<PsrpMessageType> RequestMessages,
    IReadOnlyList<PsrpMessageType> ResponseMessages,
    int HttpStatus,
    WsManFaultReason? Fault)
{
    /// <summary>The virtual computer addressed.</summary>
    public string? Computer { get; init; }

    /// <summary>The injected fault or redirect applied to this request, if any.</summary>
    public string? Injected { get; init; }

    /// <summary>
    /// Why presented credentials were refused (a <c>(refused)</c> entry): WrongCredentials, SchemeNotOffered,
    /// BasicNeedsAllowUnencrypted, MalformedToken, NoCertificateMapping, or the NTLM reason (WrongPassword,
    /// UnknownUser, BadMic, UnexpectedMessage, ChannelBindingsMismatch, ChannelBindingsMissing...).
    /// </summary>
    public string? Refusal { get; init; }

    public override string ToString()
    {
        var fault = (Fault is null ? string.Empty : $" FAULT {Fault}") + (Injected is null ? string.Empty : $" INJECTED {Injected}") +
            (Refusal is null ? string.Empty : $" REFUSED {Refusal}");
        var req = RequestMessages.Count == 0 ? string.Empty : " >" + string.Join(',', RequestMessages);
        var resp = ResponseMessages.Count == 0 ? string.Empty : " <" + string.Join(',', ResponseMessages);
        return $"#{Sequence} {Time:HH:mm:ss.fff} {Computer ?? "-"} {User ?? "-"} {Action} shell={ShellId ?? "-"} cmd={CommandId ?? "-"}{req}{resp} http={HttpStatus}{fault}";
    }
}

/// <summary>A bounded in-memory journal of every request and response, queryable by tests and scenarios.</summary>
public sealed class Journal(int capacity)
{
    private readonly Queue<JournalEntry> _entries = new();
    private readonly Lock _lock = new();
    private long _sequence;

    public int Capacity { get; } = capacity;

    public void Add(Func<long, JournalEntry> create)
    {
        lock (_lock)
        {
            var entry = create(++_sequence);
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity) _entries.Dequeue();
        }
    }

    public IReadOnlyList<JournalEntry> Snapshot()
    {
        lock (_lock) return [.. _entries];
    }

    /// <summary>The sequence number of the last entry added (0 before the first).</summary>
    public long LastSequence
    {
        get
        {
            lock (_lock) return _sequence;
        }
    }

    /// <summary>The entries added after the one numbered <paramref name="sequence"/>, oldest first (those still kept).</summary>
    public IReadOnlyList<JournalEntry> After(long sequence)
    {
        lock (_lock)
        {
            if (_sequence <= sequence) return [];
            var list = new List<JournalEntry>((int)Math.Min(_sequence - sequence, _entries.Count));
            foreach (var entry in _entries)
            {
                if (entry.Sequence > sequence) list.Add(entry);
            }

            return list;
        }
    }

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }

    public void WriteTo(TextWriter writer)
    {
        foreach (var entry in Snapshot()) writer.WriteLine(entry.ToString());
    }
}
