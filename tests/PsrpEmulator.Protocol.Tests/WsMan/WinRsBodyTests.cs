using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>The WinRS (cmd shell) parts of the bodies: environment, working directory, plugin faults.</summary>
public class WinRsBodyTests
{
    private static WsManHeader CmdHeader(string action) => new()
    {
        Action = action,
        To = "http://host:5985/wsman",
        MessageId = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = WsManResourceUris.CmdShell,
        Options = [new WsManOption("WINRS_NOPROFILE", "FALSE"), new WsManOption("WINRS_CODEPAGE", "437")],
    };

    [Test]
    public void A_cmd_shell_create_with_environment_and_working_directory_round_trips()
    {
        var body = new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)
        {
            Environment = [new("PATH", "%PATH%;C:\\tools"), new("CYGWIN", "nontsec codepage:utf8")],
            WorkingDirectory = "C:\\Users\\psrp",
        };

        var read = (ShellCreateBody)WsManEnvelopeReader.Read(WsManEnvelopeWriter.Write(new WsManEnvelope(CmdHeader(WsManActions.Create), body))).Body;

        Assert.That(read.Environment, Is.EqualTo(body.Environment));
        Assert.That(read.WorkingDirectory, Is.EqualTo("C:\\Users\\psrp"));
        Assert.That(read.InputStreams, Is.EqualTo("stdin"));
        Assert.That(read.OutputStreams, Is.EqualTo("stdout stderr"));
    }

    [Test]
    public void The_create_body_pywinrm_sends_is_read_with_its_environment()
    {
        // pywinrm 0.3.0 (protocol.open_shell) writes the streams first, then WorkingDirectory and Environment.
        const string xml = """
            <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">
            <env:Header><a:Action mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>
            <w:ResourceURI mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>
            <a:MessageID>uuid:1</a:MessageID>
            <w:OptionSet><w:Option Name="WINRS_NOPROFILE">FALSE</w:Option><w:Option Name="WINRS_CODEPAGE">437</w:Option></w:OptionSet></env:Header>
            <env:Body><rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>
            <rsp:WorkingDirectory>C:\temp</rsp:WorkingDirectory><rsp:Environment><rsp:Variable Name="FOO">bar baz</rsp:Variable></rsp:Environment></rsp:Shell></env:Body></env:Envelope>
            """;

        var envelope = WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(xml));

        var body = (ShellCreateBody)envelope.Body;
        Assert.That(body.Environment, Is.EqualTo(new[] { new KeyValuePair<string, string>("FOO", "bar baz") }));
        Assert.That(body.WorkingDirectory, Is.EqualTo("C:\\temp"));
        Assert.That(envelope.Header.Option("WINRS_CODEPAGE"), Is.EqualTo("437"));
    }

    [Test]
    public void A_recorded_cmd_plugin_fault_is_read_with_its_provider()
    {
        const string xml = """
            <s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</a:Action><a:MessageID>uuid:1</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>uuid:2</a:RelatesTo></s:Header><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidParameter</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">The parameter is incorrect. </s:Text></s:Reason><s:Detail><w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue</w:FaultDetail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="87" Machine="127.0.0.1"><f:Message><f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\system32\winrscmd.dll">The parameter is incorrect. </f:ProviderFault></f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>
            """;

        var fault = (FaultBody)WsManEnvelopeReader.Read(Encoding.UTF8.GetBytes(xml)).Body;

        Assert.That(fault.WsManFaultCode, Is.EqualTo(87u));
        Assert.That(fault.Message, Is.EqualTo("The parameter is incorrect. "));
        Assert.That(fault.Provider, Is.EqualTo(ProviderFault.CmdShell));
        Assert.That(fault, Is.EqualTo(WsManFaults.CreateBody(WsManFaultReason.CmdCommandIdRequired, "127.0.0.1")));
    }

    [TestCase(WsManFaultReason.CmdCommandIdRequired, 87u, "w:InvalidParameter")]
    [TestCase(WsManFaultReason.CmdFileNotFound, 2147942402u, "w:InternalError")]
    public void A_cmd_plugin_fault_is_written_with_a_provider_fault_and_read_back(WsManFaultReason reason, uint code, string subcode)
    {
        var body = WsManFaults.CreateBody(reason, "host");
        var header = new WsManHeader { Action = WsManActions.Fault, MessageId = "uuid:1", RelatesTo = "uuid:2", To = WsManAddresses.Anonymous };

        var bytes = WsManEnvelopeWriter.Write(new WsManEnvelope(header, body));
        var read = (FaultBody)WsManEnvelopeReader.Read(bytes).Body;

        Assert.That(Encoding.UTF8.GetString(bytes), Does.Contain("<f:ProviderFault provider=\"Shell cmd plugin\" path=\"%systemroot%\\system32\\winrscmd.dll\">"));
        Assert.That(read, Is.EqualTo(body));
        Assert.That(read.WsManFaultCode, Is.EqualTo(code));
        Assert.That(read.Subcode, Is.EqualTo(subcode));
    }
}
