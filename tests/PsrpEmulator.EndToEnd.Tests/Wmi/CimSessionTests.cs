using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Wmi;

/// <summary>A CDXML cmdlet's -CimSession reads this computer through the session: its objects name the session's computer.</summary>
public class CimSessionTests : EmulatorTestBase
{
    [Test]
    public async Task A_cdxml_cmdlet_s_objects_through_a_cim_session_carry_its_computer_and_show_it()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync(new CreatePipeline([new PipelineCommand(
            "$s = New-CimSession -ComputerName localhost; Get-SmbShare -CimSession $s | Select-Object -First 1; Get-SmbShare | Select-Object -First 1", IsScript: true, [])], NoInput: true));
        var outputs = new List<PsObject>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent { Value: PsObject o }) outputs.Add(o);
        }

        Assert.That(outputs.Select(o => o["Name"]?.ToDisplayString()), Is.EqualTo(new[] { "ADMIN$", "ADMIN$" }));
        Assert.That(outputs[0]["PSComputerName"]?.ToDisplayString(), Is.EqualTo("localhost"));
        Assert.That(outputs[0]["PSShowComputerName"], Is.EqualTo(PsPrimitive.Boolean(true)));
        Assert.That(outputs[1]["PSComputerName"], Is.InstanceOf<PsNil>(), "without the session the share is the local computer's, no computer named");
        Assert.That(outputs[1]["PSShowComputerName"], Is.Null);
    }
}
