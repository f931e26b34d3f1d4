using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

public class ProviderFaultTests
{
    [Test]
    public void The_shell_providers_fault_nests_a_second_wsman_fault_and_reads_back()
    {
        var body = WsManFaults.CreateBody(WsManFaultReason.ShellNotFoundByGet, "SERVER01");
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.Fault, RelatesTo = "uuid:1" }, body);

        var xml = System.Text.Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(envelope));
        var read = (FaultBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(envelope)).Body;

        Assert.That(xml, Does.Contain("<f:ProviderFault provider=\"Shell provider\" path=\"%systemroot%\\system32\\WsmSvc.dll\"><f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858843\" Machine=\"SERVER01\"><f:Message>"));
        Assert.That(read.Provider, Is.EqualTo(ProviderFault.ShellProvider));
        Assert.That(read.Message, Is.EqualTo("The WS-Management service cannot process the request because the request contained invalid selectors for the resource. "));
    }
}
