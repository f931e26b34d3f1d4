using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// The runspace pool's own calls over HTTP (PowerShell's RunspacePool API, pypsrp's pool methods): GET_AVAILABLE_RUNSPACES,
/// SET_MAX/MIN_RUNSPACES and RESET_RUNSPACE_STATE, each a pool-level Send answered by RUNSPACE_AVAILABILITY with its call id.
/// </summary>
public class RunspacePoolCallTests : EmulatorTestBase
{
    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    [Test]
    public async Task Reset_runspace_state_clears_the_sessions_variables_in_a_pool_of_one_runspace()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.InvokeAsync("$kept = 'before'; function Get-Kept { 'f' }; Set-Location C:\\Windows");

        var reset = await pool.ResetRunspaceStateAsync();
        var after = await pool.InvokeAsync("\"[$kept]\"; (Get-Location).Path; try { Get-Kept } catch { 'no Get-Kept' }");

        Assert.That(reset, Is.True);
        Assert.That(after.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { "[]", @"C:\Users\psrp\Documents", "no Get-Kept" }));
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Where(e => e.Action == "Send").SelectMany(e => e.RequestMessages), Is.EqualTo(new[] { PsrpMessageType.ResetRunspaceState }));
        Assert.That(journal.Where(e => e.Action == "Receive" && e.CommandId is null).SelectMany(e => e.ResponseMessages), Does.Contain(PsrpMessageType.RunspaceAvailability));
    }

    [Test]
    public async Task A_pool_of_more_runspaces_refuses_the_reset_and_answers_its_size_calls()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var available = await pool.GetAvailableRunspacesAsync();
        var raised = await pool.SetMaxRunspacesAsync(3);
        var belowMin = await pool.SetMaxRunspacesAsync(0);
        var minTooHigh = await pool.SetMinRunspacesAsync(4);
        var reset = await pool.ResetRunspaceStateAsync();
        var nowAvailable = await pool.GetAvailableRunspacesAsync();

        Assert.That((available, raised, belowMin, minTooHigh, reset, nowAvailable), Is.EqualTo((1L, true, false, false, false, 3L)));
    }
}
