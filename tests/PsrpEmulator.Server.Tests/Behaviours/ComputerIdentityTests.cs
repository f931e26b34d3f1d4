using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>A computer's own identifiers: the same for a name in every run, different between computers (InSpec's node id).</summary>
public class ComputerIdentityTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    [Test]
    public void The_smbios_uuid_and_machine_guid_follow_the_computer_name_not_its_case()
    {
        Assert.That(ComputerIdentity.SmbiosUuid("Server01"), Is.EqualTo(ComputerIdentity.SmbiosUuid("SERVER01")));
        Assert.That(ComputerIdentity.SmbiosUuid("Server01"), Is.Not.EqualTo(ComputerIdentity.SmbiosUuid("Server02")));
        Assert.That(ComputerIdentity.SmbiosUuid("Server01"), Does.Match("^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$"));
        Assert.That(ComputerIdentity.MachineGuid("Server01"), Does.Match("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        Assert.That(ComputerIdentity.MachineGuid("Server01"), Is.Not.EqualTo(ComputerIdentity.SmbiosUuid("Server01").ToLowerInvariant()));
    }

    /// <summary>InSpec's train reads the node's id from Win32_ComputerSystemProduct's UUID, else the registry's MachineGuid.</summary>
    [Test]
    public async Task Wmi_and_the_registry_give_each_computer_its_own_identifiers()
    {
        async Task<IReadOnlyList<string>> OnAsync(string computer)
        {
            var host = new RecordingHost { Wmi = new ComputerWmi(Default, computer, null, null, null), Registry = Default.NewRegistry(computer) };
            await Default.Resolve(Behaviour.Script("(Get-CimInstance -Class Win32_ComputerSystemProduct).UUID; " +
                "(Get-ItemProperty 'Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography' -Name MachineGuid).MachineGuid"))
                .RunTestAsync(host, new FakeTimeProvider());
            return host.OutputTexts;
        }

        var first = await OnAsync("Server01");
        var second = await OnAsync("Server02");

        Assert.That(first, Is.EqualTo(new[] { ComputerIdentity.SmbiosUuid("Server01"), ComputerIdentity.MachineGuid("Server01") }));
        Assert.That(second, Is.EqualTo(new[] { ComputerIdentity.SmbiosUuid("Server02"), ComputerIdentity.MachineGuid("Server02") }));
    }
}
