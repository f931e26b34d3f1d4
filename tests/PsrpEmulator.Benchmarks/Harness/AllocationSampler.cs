using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace PsrpEmulator.Benchmarks.Harness;

/// <summary>
/// The runtime's sampled allocation events (one about every 100 KB allocated) by type name, for finding what a
/// measured leg allocates (PSRP_BENCH_ALLOC=1).
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _on;

    public static readonly bool Enabled = Environment.GetEnvironmentVariable("PSRP_BENCH_ALLOC") == "1";

    // PSRP_BENCH_ALLOC_SIZES=1: types split by the size of the sampled object, rounded up to a power of two (an
    // array's header counts: a 32 KB slab shows as ~65536).
    private static readonly bool Sizes = Environment.GetEnvironmentVariable("PSRP_BENCH_ALLOC_SIZES") == "1";

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // GC keyword (0x1) at Verbose level carries GCAllocationTick.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var index = e.PayloadNames!.IndexOf("TypeName");
        var amountIndex = e.PayloadNames.IndexOf("AllocationAmount");
        if (index < 0 || amountIndex < 0) return;
        var name = e.Payload[index] as string ?? "?";
        var sizeIndex = e.PayloadNames.IndexOf("ObjectSize");
        if (Sizes && sizeIndex >= 0) name += " size~" + System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Convert.ToInt64(e.Payload[sizeIndex], System.Globalization.CultureInfo.InvariantCulture));
        // AllocationKind: 0 small object heap, 1 large object heap (what makes gen2 collections), 2 pinned.
        var kindIndex = e.PayloadNames.IndexOf("AllocationKind");
        if (kindIndex >= 0 && Convert.ToInt32(e.Payload[kindIndex], System.Globalization.CultureInfo.InvariantCulture) is var kind and not 0) name += kind == 1 ? " [LOH]" : " [POH]";
        _bytes.AddOrUpdate(name, Convert.ToInt64(e.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture), (_, v) => v + Convert.ToInt64(e.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Start()
    {
        _bytes.Clear();
        _on = true;
    }

    /// <summary>The sampled bytes by type, largest first, per <paramref name="operations"/>.</summary>
    public string Stop(int operations, int top = 25)
    {
        _on = false;
        return string.Join(Environment.NewLine, _bytes.OrderByDescending(p => p.Value).Take(top)
            .Select(p => FormattableString.Invariant($"  {p.Value / (double)operations,8:F1} B  {p.Key}")));
    }
}
