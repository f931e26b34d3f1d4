using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

public sealed class WsManIdsTests
{
    [Test]
    public void New_ids_are_upper_case_guids_as_WinRM_writes_them()
    {
        var guid = WsManIds.NewGuid();
        var uuid = WsManIds.NewUuid();

        Assert.That(guid, Does.Match("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"));
        Assert.That(uuid, Does.Match("^uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"));
        Assert.That(Guid.Parse(guid).ToString().ToUpperInvariant(), Is.EqualTo(guid));
        Assert.That(Enumerable.Range(0, 100).Select(_ => WsManIds.NewUuid()).Distinct().Count(), Is.EqualTo(100));
    }

    [Test]
    public void Upper_case_formatting_matches_ToString_ToUpperInvariant_for_every_hex_digit()
    {
        // Every nibble value in every position: a formatter that missed a digit or a position would differ here.
        for (var digit = 0; digit < 16; digit++)
        {
            var bytes = Enumerable.Repeat((byte)(digit * 0x11), 16).ToArray();
            var guid = new Guid(bytes);
            Assert.That(WsManIds.ToUpperString(guid), Is.EqualTo(guid.ToString().ToUpperInvariant()));
        }

        var random = Guid.NewGuid();
        Assert.That(WsManIds.ToUpperString(random), Is.EqualTo(random.ToString().ToUpperInvariant()));
    }

    [Test]
    public void New_guids_are_random_version_4_guids_never_repeated_across_batches()
    {
        // Well past one batch of random bytes (32 GUIDs), on two threads.
        var guids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 2, _ =>
        {
            for (var i = 0; i < 1000; i++) guids.Add(WsManIds.NewRandomGuid());
        });

        Assert.That(guids.Distinct().Count(), Is.EqualTo(2000));
        foreach (var guid in guids)
        {
            Assert.That(guid.Version, Is.EqualTo(4));
            Assert.That(guid.Variant & 0xC, Is.EqualTo(0x8), "RFC 4122 variant (10xx)");
        }

        Assert.That(guids, Does.Not.Contain(Guid.Empty));
    }
}
