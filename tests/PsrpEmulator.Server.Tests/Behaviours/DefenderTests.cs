using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Windows Defender's preferences, as image builds turn real-time monitoring off and exclude build folders: kept in the
/// computer's registry where Defender keeps them, so Get-MpPreference, Get-MpComputerStatus and reg.exe agree.
/// </summary>
public class DefenderTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, VirtualRegistry registry, ServiceStates? states = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, ServiceStates = states ?? new ServiceStates() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task Turning_real_time_monitoring_off_shows_in_the_preferences_the_status_and_the_registry()
    {
        var registry = Default.NewRegistry("Server01");
        var before = await RunAsync("(Get-MpPreference).DisableRealtimeMonitoring; (Get-MpComputerStatus).RealTimeProtectionEnabled; $null -eq (Get-MpPreference).ExclusionPath", registry);

        var after = await RunAsync("""
            Set-MpPreference -DisableRealtimeMonitoring $true -MAPSReporting Disabled
            Add-MpPreference -ExclusionPath C:\build, C:\agent -ExclusionExtension .log
            Remove-MpPreference -ExclusionPath C:\agent
            $p = Get-MpPreference
            $p.DisableRealtimeMonitoring; $p.MAPSReporting; $p.ExclusionPath; $p.ExclusionExtension
            (Get-MpComputerStatus).RealTimeProtectionEnabled
            (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection').DisableRealtimeMonitoring
            """, registry);

        Assert.That(before.OutputTexts, Is.EqualTo(new[] { "False", "True", "True" }));
        Assert.That(after.Errors, Is.Empty);
        Assert.That(after.OutputTexts, Is.EqualTo(new[] { "True", "0", @"C:\build", ".log", "False", "1" }));
    }

    [Test]
    public async Task A_stopped_WinDefend_service_is_no_antivirus_and_an_unknown_enum_name_is_a_binding_error()
    {
        var states = new ServiceStates();
        states.SetStatus("WinDefend", "Stopped");
        var host = await RunAsync("(Get-MpComputerStatus).AMServiceEnabled; Set-MpPreference -MAPSReporting Fancy; 'next'", Default.NewRegistry("Server01"), states);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "next" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CannotConvertArgumentNoMessage,Set-MpPreference" }));
    }
}
