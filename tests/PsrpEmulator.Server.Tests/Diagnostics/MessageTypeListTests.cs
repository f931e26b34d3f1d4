using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Diagnostics;

namespace PsrpEmulator.Server.Tests.Diagnostics;

public class MessageTypeListTests
{
    [Test]
    public void Messages_read_back_one_by_one_in_the_order_they_were_added()
    {
        var list = new MessageTypeList();
        list.Add(PsrpMessageType.PipelineOutput, 1500);
        list.Add(PsrpMessageType.ErrorRecord);
        list.Add(PsrpMessageType.PipelineOutput);
        list.AddRange([PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineState]);

        PsrpMessageType[] expected =
        [
            .. Enumerable.Repeat(PsrpMessageType.PipelineOutput, 1500), PsrpMessageType.ErrorRecord,
            PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineOutput, PsrpMessageType.PipelineState,
        ];
        Assert.That(list, Is.EqualTo(expected));
        Assert.That(list, Has.Count.EqualTo(1504));
        Assert.That(Enumerable.Range(0, list.Count).Select(i => list[i]), Is.EqualTo(expected));
    }

    [Test]
    public void A_count_of_zero_adds_nothing_and_a_negative_one_or_an_index_outside_is_refused()
    {
        var list = new MessageTypeList();
        list.Add(PsrpMessageType.PipelineOutput, 0);

        Assert.That(list, Is.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Add(PsrpMessageType.PipelineOutput, -1));
        list.Add(PsrpMessageType.PipelineState);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[-1]);
    }
}
