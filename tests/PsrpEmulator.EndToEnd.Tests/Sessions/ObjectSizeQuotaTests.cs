using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>MaximumReceivedObjectSizeMB over HTTP: an object past it closes its command, or for pool data the shell.</summary>
public class ObjectSizeQuotaTests : SessionTestBase
{
    protected override void Configure(EmulatorOptions options) => options.MaximumReceivedObjectSizeMB = 1;

    [Test]
    public async Task An_input_object_past_the_maximum_fails_its_command_and_the_session_goes_on()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var pipeline = await AdvanceAsync(client.StartAsync(session, new RemoteScript("$input | ForEach-Object { $_.Length }")));

        var e = await Assert.ThrowsAsync<PSRemotingException>(() => AdvanceAsync(client.SendInputAsync(session, pipeline, PsPrimitive.String(new string('x', 1_200_000)))));

        Assert.That(e!.FullyQualifiedErrorId, Is.EqualTo("JobFailure"));
        Assert.That(e.Message, Does.Match(@"^Sending data to a remote command failed with the following error message: The current deserialized object size of the data received " +
            @"from the remote client computer exceeded the allowed maximum object size\. The current deserialized object size is \d+\. The allowed maximum object size is 1048576\. "));
        Assert.That(Emulator.Journal.Snapshot().Where(j => j.Action == "Send").Select(j => j.Fault), Has.Some.EqualTo(WsManFaultReason.ReceivedObjectSizeExceeded));
        Assert.That((await AdvanceAsync(client.InvokeAsync(session, "\"hello\""))).OutputText, Is.EqualTo(new[] { "hello" }));
    }

    [Test]
    public async Task A_pool_object_past_the_maximum_closes_the_shell()
    {
        using var transport = CreateTransport();
        await using var pool = await AdvanceAsync(RunspacePoolClient.OpenAsync(transport));
        var message = PsrpMessage.Create(PsrpDestination.Server, pool.Id, Guid.Empty, new PipelineInput(PsPrimitive.String(new string('x', 1_200_000))));
        var fragments = FragmentCodec.Split(7, message.ToArray(), 300_000);

        WsManFaultException? fault = null;
        foreach (var fragment in fragments)
        {
            try
            {
                await AdvanceAsync(transport.SendAsync(pool.ShellHeader(WsManActions.Send), new SendBody([new ShellStream("stdin", null, fragment)])));
            }
            catch (WsManFaultException f)
            {
                fault = f;
                break;
            }
        }

        Assert.That(fault, Is.Not.Null, "a Send of the object is refused");
        Assert.That((fault!.Code, fault.Subcode), Is.EqualTo((0x80540FA0u, "w:InternalError")));
        Assert.That(fault.Message, Does.StartWith("The current deserialized object size of the data received from the remote client computer exceeded the allowed maximum object size."));
        var after = await Assert.ThrowsAsync<WsManFaultException>(() => AdvanceAsync(transport.SendAsync(pool.ShellHeader(WsManActions.Send),
            new SendBody([new ShellStream("stdin", null, FragmentCodec.Split(8, message.ToArray()[..100], 1000)[0])]))));
        Assert.That(after!.Code, Is.EqualTo(WsManFaultException.ShellNotFound), "the shell is gone");
    }
}
