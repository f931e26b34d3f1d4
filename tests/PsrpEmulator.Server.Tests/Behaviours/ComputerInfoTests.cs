using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-ComputerInfo: the values the registry, the CIM classes and systeminfo give, its uptime from the last boot.</summary>
public class ComputerInfoTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<string> OutputOfAsync(string script, FakeTimeProvider time)
    {
        // The session's clock is the run's, as in a shell.
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return string.Join("|", host.OutputTexts);
    }

    [Test]
    public async Task Get_ComputerInfo_agrees_with_the_registry_and_the_CIM_classes_and_counts_uptime_from_the_last_boot_to_its_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));

        var output = await OutputOfAsync(
            "$i = Get-ComputerInfo; $r = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'; $os = Get-CimInstance Win32_OperatingSystem; " +
            "$i.WindowsVersion -eq $r.ReleaseId; $i.WindowsProductName -eq $r.ProductName; $i.OsName -eq $os.Caption; $i.OsVersion -eq $os.Version; " +
            "$i.CsName; [math]::Abs(($i.OsLocalDateTime - $i.OsLastBootUpTime - $i.OsUptime).TotalSeconds) -lt 5; $i.OsUptime.TotalDays -gt 0; " +
            "$i.PSObject.TypeNames[0]; $null -eq $PsrpEmulatorUptime", time);

        Assert.That(output, Is.EqualTo("True|True|True|True|TESTHOST01|True|True|Microsoft.PowerShell.Commands.ComputerInfo|True"));
    }

    [Test]
    public async Task Property_picks_properties_by_name_or_pattern()
    {
        var output = await OutputOfAsync("Get-ComputerInfo -Property OsName, CsDomain | ForEach-Object { $_.OsName + ';' + $_.CsDomain }; (gin Windows*Id).PSObject.Properties.Name -join ','", new FakeTimeProvider());

        Assert.That(output, Is.EqualTo("Microsoft Windows Server 2019 Datacenter;WORKGROUP|WindowsEditionId,WindowsProductId"));
    }
}
