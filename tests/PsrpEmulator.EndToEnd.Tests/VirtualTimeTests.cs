using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

public class VirtualTimeTests : EmulatorTestBase
{
    protected override bool UseVirtualTime => true;

    [Test]
    public async Task Documented_loop_with_sleeps_streams_output_as_virtual_time_passes()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("1..3 | ForEach-Object { \"Output$_\"; Start-Sleep -Seconds 60 }");
        var events = await AdvanceUntilAsync(ReadAllAsync(pipeline), TimeSpan.FromSeconds(1));

        Assert.That(Outputs(events), Is.EqualTo(new[] { "Output1", "Output2", "Output3" }));
        Assert.That(pipeline.State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task Receive_with_nothing_to_say_times_out_and_the_client_asks_again()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var pipeline = await pool.StartAsync("1..2 | % { \"t$_\"; sleep 30 }");
        var events = await AdvanceUntilAsync(ReadAllAsync(pipeline), TimeSpan.FromSeconds(1));

        Assert.That(Outputs(events), Is.EqualTo(new[] { "t1", "t2" }));
        Assert.That(Emulator.Journal.Snapshot().Count(e => e.Fault == Protocol.WsMan.WsManFaultReason.OperationTimedOut), Is.GreaterThan(0));
    }

    [Test]
    public async Task Ctrl_c_stops_a_sleeping_pipeline_which_reports_stopped()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var pipeline = await pool.StartAsync("1..100 | ForEach-Object { \"n$_\"; Start-Sleep 3600 }");

        await pipeline.StopAsync();
        var events = await AdvanceUntilAsync(ReadAllAsync(pipeline), TimeSpan.FromSeconds(1));

        var state = (StateEvent)events[^1];
        Assert.That(state.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(state.Reason!.FullyQualifiedErrorId, Is.EqualTo("PipelineStopped"));
        Assert.That(Outputs(events), Is.EqualTo(new[] { "n1" }));
    }

    // Windows PowerShell binds Start-Sleep -Seconds as an Int32 of 0 to 2147483: a larger number is refused before
    // anything sleeps (an error record; the script goes on and completes).
    [TestCase("Start-Sleep 2147484", "Cannot validate argument on parameter 'Seconds'. The 2147484 argument is greater than the maximum allowed range of 2147483. Supply an argument that is less than or equal to 2147483 and then try the command again.",
        "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.StartSleepCommand", ErrorCategory.InvalidData)]
    [TestCase("Start-Sleep 2147480000", "Cannot validate argument on parameter 'Seconds'. The 2147480000 argument is greater than the maximum allowed range of 2147483. Supply an argument that is less than or equal to 2147483 and then try the command again.",
        "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.StartSleepCommand", ErrorCategory.InvalidData)]
    [TestCase("sleep 2147483648", "Cannot bind parameter 'Seconds'. Cannot convert value \"2147483648\" to type \"System.Int32\". Error: \"Value was either too large or too small for an Int32.\"",
        "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.StartSleepCommand", ErrorCategory.InvalidArgument)]
    [TestCase("Start-Sleep -Seconds 99999999999", "Cannot bind parameter 'Seconds'. Cannot convert value \"99999999999\" to type \"System.Int32\". Error: \"Value was either too large or too small for an Int32.\"",
        "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.StartSleepCommand", ErrorCategory.InvalidArgument)]
    public async Task Start_Sleep_past_its_range_is_refused_as_windows_powershell_binds_it(string script, string message, string errorId, ErrorCategory category)
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await ReadAllAsync(await pool.StartAsync(script));

        var error = events.OfType<ErrorEvent>().Single().Error;
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category), Is.EqualTo((message, errorId, category)));
        Assert.That(((StateEvent)events[^1]).State, Is.EqualTo(PSInvocationState.Completed));
    }
}
