using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>The arrays of the output buffers' largest slabs: one length, kept up to a number of them.</summary>
public class SlabArrayPoolTests
{
    [Test]
    public void Returned_arrays_are_rented_again_newest_first_and_new_ones_have_the_pool_s_length()
    {
        var pool = new SlabArrayPool(1024, 2);
        var first = pool.Rent(1024);
        var second = pool.Rent(100);
        Assert.That(new[] { first.Length, second.Length }, Is.All.EqualTo(1024));
        Assert.That(second, Is.Not.SameAs(first));

        pool.Return(first);
        pool.Return(second);

        Assert.That(pool.Rent(1024), Is.SameAs(second));
        Assert.That(pool.Rent(1024), Is.SameAs(first));
        Assert.That(pool.Rent(1024), Is.Not.SameAs(first).And.Not.SameAs(second));
    }

    [Test]
    public void The_pool_keeps_no_more_than_its_capacity_and_no_array_of_another_length()
    {
        var pool = new SlabArrayPool(1024, 1);
        var kept = pool.Rent(1024);
        var dropped = pool.Rent(1024);
        pool.Return(kept);
        pool.Return(dropped);
        pool.Return(new byte[2048]);

        Assert.That(pool.Rent(1024), Is.SameAs(kept));
        var fresh = pool.Rent(1024);
        Assert.That(fresh, Is.Not.SameAs(dropped));
        Assert.That(pool.Rent(2048), Has.Length.EqualTo(2048));
    }
}
