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
}
