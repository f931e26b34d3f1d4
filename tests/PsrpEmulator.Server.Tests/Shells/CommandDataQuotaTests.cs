using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// MaximumReceivedDataSizePerCommandMB (PowerShell's count of a command's data, chunk by chunk) and
/// MaximumReceivedObjectSizeMB.
/// </summary>
public class CommandDataQuotaTests
{
    private static readonly Guid Pool = Guid.NewGuid();
    private static readonly Guid PipelineId = Guid.NewGuid();

    [Test]
    public void Data_adding_up_to_exactly_the_maximum_is_accepted_and_one_more_byte_closes_the_command()
    {
        var first = InputFragment(1, "abc");
        var second = InputFragment(2, "defg");
        var pipeline = NewPipeline(maximum: first.Length + second.Length);

        pipeline.AcceptData(first, []);
        pipeline.AcceptData(second, []);

        var fault = Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(new byte[1], []))!;
        Assert.That(fault.Reason, Is.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded));
        Assert.That(fault.Arguments, Is.EqualTo(new object[] { first.Length + second.Length }), "the maximum in bytes, as PowerShell's message gives it");
    }

    [Test]
    public void The_chunk_that_passes_the_maximum_is_not_read_and_later_data_gets_the_same_fault()
    {
        var first = InputFragment(1, "first");
        var second = InputFragment(2, "second");
        var pipeline = NewPipeline(maximum: first.Length + second.Length - 1);
        pipeline.AcceptData(first, []);

        var fault = Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(second, []))!;

        Assert.That(fault.Reason, Is.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded));
        Assert.That(Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(new byte[1], []))!.Reason, Is.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded),
            "a closed command refuses even data that would fit");
        Assert.That(Assert.Throws<WsManFaultException>(pipeline.ThrowIfClosedByQuota)!.Reason, Is.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded));
    }

    [Test]
    public void Closing_the_command_ends_its_output_without_a_pipeline_state()
    {
        var first = InputFragment(1, "first");
        var pipeline = NewPipeline(maximum: 150);
        pipeline.AcceptData(first, []);
        var output = PsrpMessage.Create(PsrpDestination.Client, Pool, PipelineId, new PipelineOutput(PsPrimitive.String("out")));
        Assert.That(pipeline.Output.TryWrite(new OutboundMessage(1, PsrpMessageType.PipelineOutput, output.ToArray())), Is.True);

        Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(InputFragment(2, new string('x', 100)), []));

        var types = new MessageTypeList();
        var batch = pipeline.Output.TryReceiveNow(100_000, 100_000, types);
        Assert.That(batch, Is.Not.Null, "a waiting Receive wakes up");
        Assert.That(batch!.Completed, Is.True);
        Assert.That(types, Is.EqualTo(new[] { PsrpMessageType.PipelineOutput }), "what was buffered (the endpoint discards it), no PIPELINE_STATE");
        Assert.That(pipeline.Output.TryReceiveNow(100_000, 100_000, []), Is.Null, "then nothing more");
    }

    [Test]
    public void A_negative_maximum_means_unlimited()
    {
        var pipeline = NewPipeline(maximum: EndpointSettings.Bytes(-1));

        for (var i = 1; i <= 50; i++) pipeline.AcceptData(InputFragment((ulong)i, new string('x', 1000)), []);

        Assert.DoesNotThrow(pipeline.ThrowIfClosedByQuota);
        Assert.That(EndpointSettings.Bytes(-1), Is.EqualTo(-1));
        Assert.That(EndpointSettings.Bytes(50), Is.EqualTo(52_428_800), "MB as PowerShell converts them");
    }

    [Test]
    public void The_fault_is_the_PowerShell_plugins_managed_exception_with_PowerShells_text()
    {
        var body = WsManFaults.CreateBody(WsManFaultReason.ReceivedDataSizeExceeded, "Server01", 52_428_800L);

        Assert.That((body.Code, body.Subcode, body.WsManFaultCode), Is.EqualTo(("s:Receiver", "w:InternalError", (uint?)0x80540FA0)));
        Assert.That(body.Message, Is.EqualTo("The total data received from the remote client exceeded allowed maximum. Allowed maximum is 52428800."));
        Assert.That(body.Provider, Is.EqualTo(ProviderFault.PowerShellPlugin));
    }

    private static byte[] InputFragment(ulong objectId, string value)
    {
        var message = PsrpMessage.Create(PsrpDestination.Server, Pool, PipelineId, new PipelineInput(PsPrimitive.String(value)));
        var writer = new ArrayBufferWriter<byte>();
        FragmentCodec.WriteMessage(writer, objectId, message.ToArray(), 1_000_000);
        return writer.WrittenSpan.ToArray();
    }

    [Test]
    public void An_object_past_MaximumReceivedObjectSize_closes_the_command_with_its_size_as_PowerShell_counts_it()
    {
        var big = InputFragment(1, new string('x', 300));
        var pipeline = NewPipeline(maximum: 10_000, maximumObject: 200);

        var fault = Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(big, []))!;

        Assert.That(fault.Reason, Is.EqualTo(WsManFaultReason.ReceivedObjectSizeExceeded));
        Assert.That(fault.Arguments, Is.EqualTo(new object[] { (long)big.Length, 200 }), "one fragment: its header and blob; then the maximum");
        Assert.That(Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(InputFragment(2, "small"), []))!.Reason, Is.EqualTo(WsManFaultReason.ReceivedObjectSizeExceeded),
            "the command stays closed with that fault");
        Assert.That(pipeline.Output.TryReceiveNow(100_000, 100_000, [])!.Completed, Is.True);
    }

    [TestCase("Microsoft.PowerShell", "microsoft.powershell")]
    [TestCase("Microsoft.PowerShell32", "microsoft.powershell32")]
    [TestCase("ITTasks", "ITTasks")]
    public void The_fault_names_the_endpoints_plugin_as_WinRM_registers_it(string configuration, string provider)
    {
        var pipeline = new Pipeline(NewShell(maximum: 10, maximumObject: 10 << 20, configuration), Guid.NewGuid().ToString(), null);

        var fault = Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(InputFragment(1, "abc"), []))!;

        Assert.That(fault.Provider, Is.EqualTo(new ProviderFault(provider, @"C:\Windows\system32\pwrshplugin.dll")));
        Assert.That(Assert.Throws<WsManFaultException>(pipeline.ThrowIfClosedByQuota)!.Provider, Is.EqualTo(fault.Provider), "and keeps naming it");
    }

    [Test]
    public void A_maximum_object_size_of_0_lets_no_object_through_and_is_no_crash()
    {
        var input = InputFragment(1, "a");
        var pipeline = NewPipeline(maximum: 10_000, maximumObject: 0);

        var fault = Assert.Throws<WsManFaultException>(() => pipeline.AcceptData(input, []))!;

        Assert.That((fault.Reason, fault.Arguments), Is.EqualTo((WsManFaultReason.ReceivedObjectSizeExceeded, new object[] { (long)input.Length, 0 })));
    }

    [Test]
    public void An_object_past_MaximumReceivedObjectSize_in_the_pools_data_is_refused()
    {
        var shell = NewShell(maximum: 10_000, maximumObject: 200);
        var message = PsrpMessage.Create(PsrpDestination.Server, Pool, Guid.Empty, new PipelineInput(PsPrimitive.String(new string('x', 300))));
        var writer = new ArrayBufferWriter<byte>();
        FragmentCodec.WriteMessage(writer, 1, message.ToArray(), 100);

        var fault = Assert.Throws<WsManFaultException>(() => shell.AcceptPoolData(writer.WrittenMemory, []))!;

        Assert.That(fault.Reason, Is.EqualTo(WsManFaultReason.ReceivedObjectSizeExceeded));
        Assert.That(fault.Arguments[0], Is.InRange(201L, 200L + 100), "the fragments so far, headers counted, up to the one that passed it");
    }

    [Test]
    public void The_object_fault_is_the_PowerShell_plugins_managed_exception_with_PowerShells_text()
    {
        var body = WsManFaults.CreateBody(WsManFaultReason.ReceivedObjectSizeExceeded, "Server01", 10_485_781L, 10_485_760);

        Assert.That((body.Code, body.Subcode, body.WsManFaultCode, body.Provider), Is.EqualTo(("s:Receiver", "w:InternalError", (uint?)0x80540FA0, ProviderFault.PowerShellPlugin)));
        Assert.That(body.Message, Is.EqualTo("The current deserialized object size of the data received from the remote client computer exceeded the allowed maximum object size. " +
            "The current deserialized object size is 10485781. The allowed maximum object size is 10485760."));
    }

    private static Pipeline NewPipeline(int maximum, int maximumObject = 10 << 20) => new(NewShell(maximum, maximumObject), Guid.NewGuid().ToString(), null);

    private static Shell NewShell(int maximum, int maximumObject, string configuration = "Microsoft.PowerShell")
    {
        var services = new ShellServices(new EmulatorOptions(), BehaviourCatalog.LoadDefault(), TimeProvider.System, NullLogger.Instance, new Journal(100), ScenarioSettings.Empty);
        var endpoint = new EndpointSettings(configuration, OutputBufferMode.Block, 1000, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), maximum, maximumObject);
        return new Shell(services, "Server01", Guid.NewGuid().ToString(), null, "http://schemas.microsoft.com/powershell/Microsoft.PowerShell", endpoint, "psrp",
            null, TimeSpan.FromMinutes(10), OutputBufferMode.Block, null, null, null);
    }
}
