using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-WmiObject and Get-CimInstance of the computer's WMI classes when no rule answers: -Filter, -Query, their objects.</summary>
public class WmiObjectTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, ServiceStates? services = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Wmi = new ComputerWmi(Default, "Server01", services, null, null), ServiceStates = services };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)));
        return (host, outcome);
    }

    [TestCase("Get-WmiObject -Class Win32_Process -Filter \"Name = 'svchost.exe'\" | Select-Object -ExpandProperty ProcessId", "1868")]
    [TestCase("(Get-WmiObject Win32_Process -Filter \"Name = 'app.exe'\") -eq $null", "True")]
    [TestCase("gwmi -Query \"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = TRUE\" | % MACAddress", "00:15:5D:0A:01:04")]
    [TestCase("(Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE').IPAddress -join ','", "127.0.0.1,fe80::5efe:7f00:1")]
    [TestCase("$a = Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'Index = 1'; $a.__CLASS; $a.IPEnabled.GetType().Name; $a.Index.GetType().Name; \"$a\"",
        "Win32_NetworkAdapterConfiguration|Boolean|UInt32|\\\\TESTHOST01\\root\\cimv2:Win32_NetworkAdapterConfiguration.Index=\"1\"")]
    [TestCase("$c = Get-CimInstance Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE'; \"$c\"; $c.DHCPEnabled", "Win32_NetworkAdapterConfiguration (Index = \"1\")|False")]
    [TestCase("(Get-WmiObject -Query 'SELECT Name FROM Win32_Process WHERE ProcessId = 4').Name", "System")]
    public async Task Get_WmiObject_reads_the_computer_s_WMI_classes(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_class_the_computer_has_not_and_another_namespace_are_scenario_errors()
    {
        var (host, _) = await RunAsync("Get-WmiObject Win32_Bogus; Get-WmiObject -Namespace root\\virtualization\\v2 -Class Msvm_ComputerSystem; 'after'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError", "PsrpEmulator.ScenarioError" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }
}
