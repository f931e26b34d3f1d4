namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's DNS client cache (the DNS Client service's resolver cache): the answers its resolutions of the
/// emulator's other computers got from the DNS server, each kept for its time to live on the computer's clock.
/// Resolve-DnsName, ping, Test-Connection, Test-NetConnection and [Net.Dns] put them here; Get-DnsClientCache and
/// <c>ipconfig /displaydns</c> read it; Clear-DnsClientCache and <c>ipconfig /flushdns</c> empty it. Names the computer
/// answers itself (localhost, its own name) are not cached, as on Windows; the hosts file's names, which Windows loads
/// into the cache too, are not emulated here. Bounded: one A record and one "no records" AAAA answer per neighbour.
/// Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class DnsClientCache
{
    /// <summary>DNS_RECORD's type numbers the cache holds.</summary>
    public const ushort TypeA = 1, TypeAaaa = 28;

    /// <summary>A record's status: found (ERROR_SUCCESS), the name does not exist, or the name has no records of the type.</summary>
    public const uint Success = 0, NotExist = 9003, NoRecords = 9501;

    /// <summary>
    /// MSFT_DNSClientCache's enumerations as DnsClient names their numbers (its cmdletization's parameters, its table's
    /// columns): record types, statuses, sections.
    /// </summary>
    public static readonly (string Property, (string Name, uint Value)[] Values)[] Enumerations =
    [
        ("Type", [("A", TypeA), ("NS", 2), ("CNAME", 5), ("SOA", 6), ("PTR", 12), ("MX", 15), ("AAAA", TypeAaaa), ("SRV", 33)]),
        ("Status", [("Success", Success), ("NotExist", NotExist), ("NoRecords", NoRecords)]),
        ("Section", [("Answer", 1), ("Authority", 2), ("Additional", 3)]),
    ];

    /// <summary>The name of <paramref name="value"/> in the enumeration of <paramref name="property"/> (Type, Status, Section); null when it has none.</summary>
    public static string? NameOf(string property, uint value) =>
        Enumerations.First(e => e.Property == property).Values.FirstOrDefault(v => v.Value == value).Name;

    /// <summary>
    /// The time to live the emulator's DNS server gives its A records (Resolve-DnsName's TTL). UNVERIFIED, a domain
    /// controller's default for its hosts' records.
    /// </summary>
    public static readonly TimeSpan AnswerTimeToLive = TimeSpan.FromSeconds(1200);

    /// <summary>How long a "no records" answer is kept: the DNS client's MaxNegativeCacheTtl default, 900 s.</summary>
    public static readonly TimeSpan NegativeTimeToLive = TimeSpan.FromSeconds(900);

    /// <summary>One cached record: the name asked for (Entry), the record's name, type, status, when it expires and its data (an address).</summary>
    public sealed record Record(string Entry, string Name, ushort Type, uint Status, DateTimeOffset Expires, string? Data)
    {
        /// <summary>The record data's length in bytes: 4 for an A record's address, 16 for an AAAA's; none for a "no records" answer.</summary>
        public ushort? DataLength => Status != Success ? null : Type == TypeAaaa ? (ushort)16 : (ushort)4;

        /// <summary>Whole seconds left to live at <paramref name="now"/>.</summary>
        public uint TimeToLive(DateTimeOffset now) => (uint)Math.Max(0, Math.Ceiling((Expires - now).TotalSeconds));
    }

    private readonly Lock _gate = new();
    private readonly List<Record> _records = [];

    /// <summary>
    /// A neighbour's name resolved to <paramref name="address"/> at <paramref name="now"/>: with <paramref name="askedIPv4"/>
    /// its A record, with <paramref name="askedIPv6"/> the AAAA query's "no records" (the DNS server registers no IPv6
    /// address), each kept until its time to live runs out. An answer still cached stays as it is (the client answers
    /// from it). Returns the A record, or null when not asked for.
    /// </summary>
    public Record? Resolved(string name, string address, bool askedIPv4, bool askedIPv6, DateTimeOffset now)
    {
        lock (_gate)
        {
            _records.RemoveAll(r => r.Expires <= now);
            if (askedIPv6) Keep(new Record(name, string.Empty, TypeAaaa, NoRecords, now + NegativeTimeToLive, null));
            return askedIPv4 ? Keep(new Record(name, name, TypeA, Success, now + AnswerTimeToLive, address)) : null;
        }
    }

    // The record of the same entry and type already cached, else the new one, added.
    private Record Keep(Record record)
    {
        if (_records.Find(r => r.Type == record.Type && r.Entry.Equals(record.Entry, StringComparison.OrdinalIgnoreCase)) is { } cached) return cached;
        _records.Add(record);
        return record;
    }

    /// <summary>The records still alive at <paramref name="now"/>, in the order they came.</summary>
    public IReadOnlyList<Record> Current(DateTimeOffset now)
    {
        lock (_gate)
        {
            _records.RemoveAll(r => r.Expires <= now);
            return [.. _records];
        }
    }

    /// <summary>Empties the cache (Clear-DnsClientCache, <c>ipconfig /flushdns</c>).</summary>
    public void Clear()
    {
        lock (_gate) _records.Clear();
    }
}
