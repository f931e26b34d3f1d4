using System.Buffers;
using PsrpEmulator.Server.Endpoint;

namespace PsrpEmulator.Server.Tests.Endpoint;

public class ResponseCacheTests
{
    private static PooledBufferWriter Written(int length, byte fill)
    {
        var output = new PooledBufferWriter(length);
        output.GetSpan(length)[..length].Fill(fill);
        output.Advance(length);
        return output;
    }

    [Test]
    public void A_retransmission_gets_the_stored_response_byte_for_byte()
    {
        var cache = new ResponseCache();
        using (var output = Written(100_000, 7))
        using (cache.Store("op-1", 200, output))
        {
        }

        Assert.That(cache.TryGet("OP-1", out var status, out var lease), Is.True);
        using (lease)
        {
            Assert.That(status, Is.EqualTo(200));
            Assert.That(lease.Body.ToArray(), Is.EqualTo(Enumerable.Repeat((byte)7, 100_000).ToArray()));
        }
    }

    [Test]
    public void A_large_response_is_kept_in_its_own_buffer_not_copied()
    {
        var cache = new ResponseCache();
        using var output = Written(100_000, 1);
        var before = output.WrittenMemory;

        using var lease = cache.Store("op", 200, output);

        Assert.That(lease.Body.Span.Overlaps(before.Span), Is.True);
        Assert.That(output.WrittenCount, Is.Zero, "the writer handed its buffer over");
    }

    [Test]
    public void A_small_response_is_copied_to_its_exact_size()
    {
        var cache = new ResponseCache();
        using var output = Written(2_000, 1);

        using var lease = cache.Store("op", 200, output);

        Assert.That(lease.Body.Span.Overlaps(output.WrittenSpan), Is.False);
        Assert.That(cache.HeldBytes, Is.EqualTo(2_000));
    }

    [Test]
    public void The_oldest_operations_are_forgotten_past_the_byte_bound_counting_the_buffers_held()
    {
        var cache = new ResponseCache(capacity: 1024, maxBytes: 300_000);
        for (var i = 0; i < 4; i++)
        {
            using var output = Written(100_000, (byte)i);
            using var _ = cache.Store($"op-{i}", 200, output);
        }

        // Each response of 100,000 bytes holds a pooled buffer of 131,072: two fit under 300,000.
        Assert.That(cache.HeldBytes, Is.LessThanOrEqualTo(300_000));
        Assert.That(cache.TryGet("op-0", out _, out _), Is.False);
        Assert.That(cache.TryGet("op-1", out _, out _), Is.False);
        Assert.That(cache.TryGet("op-3", out _, out var last), Is.True);
        last.Dispose();
    }

    [Test]
    public void A_response_being_sent_keeps_its_bytes_when_the_cache_forgets_it_meanwhile()
    {
        var cache = new ResponseCache(capacity: 1);
        using (var output = Written(100_000, 5))
        using (cache.Store("op-a", 200, output))
        {
        }

        Assert.That(cache.TryGet("op-a", out _, out var sending), Is.True);
        using (var output = Written(100_000, 6))
        using (cache.Store("op-b", 200, output))
        {
        }

        Assert.That(cache.TryGet("op-a", out _, out _), Is.False, "evicted");
        // Had the evicted buffer gone back to the pool, these rents would get it and overwrite it.
        var rented = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            var array = ArrayPool<byte>.Shared.Rent(100_000);
            array.AsSpan().Fill(0xFF);
            rented.Add(array);
        }

        Assert.That(sending.Body.ToArray(), Is.EqualTo(Enumerable.Repeat((byte)5, 100_000).ToArray()));
        sending.Dispose();
        foreach (var array in rented) ArrayPool<byte>.Shared.Return(array);
    }

    [Test]
    public void Storing_an_operation_again_replaces_its_response()
    {
        var cache = new ResponseCache();
        using (var output = Written(50_000, 1))
        using (cache.Store("op", 200, output))
        {
        }

        using (var output = Written(60, 2))
        using (cache.Store("op", 500, output))
        {
        }

        Assert.That(cache.TryGet("op", out var status, out var lease), Is.True);
        using (lease)
        {
            Assert.That(status, Is.EqualTo(500));
            Assert.That(lease.Body.ToArray(), Is.EqualTo(Enumerable.Repeat((byte)2, 60).ToArray()));
        }

        Assert.That(cache.Count, Is.EqualTo(1));
        Assert.That(cache.HeldBytes, Is.EqualTo(60));
    }
}
