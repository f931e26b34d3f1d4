using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// MaximumReceivedDataSizePerCommandMB over HTTP: input past it closes the command as the PowerShell plugin does,
/// and the runspace pool goes on.
/// </summary>
public class CommandDataQuotaClientTests : SessionTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.MaximumReceivedDataSizePerCommandMB = 1;
        options.Endpoints["ITTasks"] = new EndpointOptions();
    }

    private static readonly PsValue Big = PsPrimitive.String(new string('x', 300_000));

    [Test]
    public async Task Input_past_the_maximum_gets_the_PowerShell_plugin_fault_and_the_session_goes_on()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var pipeline = await AdvanceAsync(client.StartAsync(session, new RemoteScript("$input | ForEach-Object { $_.Length }")));
        for (var i = 0; i < 3; i++) await AdvanceAsync(client.SendInputAsync(session, pipeline, Big));

        var e = await Assert.ThrowsAsync<PSRemotingException>(() => AdvanceAsync(client.SendInputAsync(session, pipeline, Big)));

        Assert.That(e!.Message, Is.EqualTo("Sending data to a remote command failed with the following error message: The total data received from the remote client " +
            "exceeded allowed maximum. Allowed maximum is 1048576. For more information, see the about_Remote_Troubleshooting Help topic."));
        Assert.That((e.FullyQualifiedErrorId, e.Category), Is.EqualTo(("JobFailure", ErrorCategory.OperationStopped)));
        var fault = (WsManFaultException)e.InnerException!;
        Assert.That((fault.Code, fault.Subcode), Is.EqualTo((0x80540FA0u, "w:InternalError")));
        Assert.That(fault.Fault.Provider?.Provider, Is.EqualTo("microsoft.powershell"));
        Assert.That(pipeline.State, Is.EqualTo(PSInvocationState.Failed), "the pipeline failed; the session did not");
        var sends = Emulator.Journal.Snapshot().Where(j => j.Action == "Send").ToList();
        Assert.That(sends.Take(sends.Count - 1).Select(j => j.Fault), Is.All.Null, "the input before it was taken");
        Assert.That(sends[^1].Fault, Is.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded));

        Assert.That(Emulator.Journal.Snapshot().Last(j => j.CommandId == pipeline.CommandId).Action, Is.EqualTo("Signal"), "the client closed the command");

        var result = await AdvanceAsync(client.InvokeAsync(session, "\"hello\""));
        Assert.That(result.OutputText, Is.EqualTo(new[] { "hello" }), "only the command was closed");
    }

    [Test]
    public async Task The_fault_of_a_custom_endpoint_names_its_plugin()
    {
        var client = NewClient();
        var session = await AdvanceAsync(client.NewSessionAsync(Target, Credential, "ITTasks", sessionOption: Option));
        var pipeline = await AdvanceAsync(client.StartAsync(session, new RemoteScript("$input | ForEach-Object { $_.Length }")));
        for (var i = 0; i < 3; i++) await AdvanceAsync(client.SendInputAsync(session, pipeline, Big));

        var e = await Assert.ThrowsAsync<PSRemotingException>(() => AdvanceAsync(client.SendInputAsync(session, pipeline, Big)));

        Assert.That(((WsManFaultException)e!.InnerException!).Fault.Provider?.Provider, Is.EqualTo("ITTasks"));
    }

    [Test]
    public async Task A_Receive_waiting_on_the_command_gets_the_fault_and_the_client_then_terminates_the_command()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var pipeline = await AdvanceAsync(client.StartAsync(session, new RemoteScript("$input | ForEach-Object { $_.Length }")));
        var reading = client.ReadStreamingAsync(session, pipeline, _ => { });
        for (var i = 0; i < 3; i++) await AdvanceAsync(client.SendInputAsync(session, pipeline, Big));

        await Assert.ThrowsAsync<PSRemotingException>(() => AdvanceAsync(client.SendInputAsync(session, pipeline, Big)));
        var e = await Assert.CatchAsync(() => AdvanceAsync(reading));

        Assert.That(e!.Message, Does.Contain("The total data received from the remote client exceeded allowed maximum."));
        var requests = Emulator.Journal.Snapshot().Where(j => j.CommandId == pipeline.CommandId).ToList();
        Assert.That(requests.Where(j => j.Action == "Receive").Select(j => j.Fault), Has.Some.EqualTo(WsManFaultReason.ReceivedDataSizeExceeded),
            "the Receive waiting when the command closed");
        Assert.That(requests.SelectMany(j => j.ResponseMessages), Has.None.EqualTo(PsrpMessageType.PipelineState));
        Assert.That(requests.Where(j => j.Action == "Signal").Select(j => j.Fault), Is.EqualTo(new WsManFaultReason?[] { null }),
            "closing the failed command terminates it, as WSManCloseCommand does");
    }
}
