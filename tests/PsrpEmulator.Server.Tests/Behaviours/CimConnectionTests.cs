using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The CIM cmdlets asked for another computer from inside a session: WinRM's client refuses a computer not in
/// TrustedHosts before connecting (0x803380e4, as a module's tests expect it of New-CimSession and Get-CimInstance), and
/// for one in it the name's resolution, the firewall and the double hop decide.
/// </summary>
public class CimConnectionTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string NotTrusted =
        "The WinRM client cannot process the request. If the authentication scheme is different from Kerberos, or if the client computer is not joined to a domain, " +
        "then HTTPS transport must be used or the destination machine must be added to the TrustedHosts configuration setting. Use winrm.cmd to configure TrustedHosts. " +
        "Note that computers in the TrustedHosts list might not be authenticated. You can get more information about that by running the following command: winrm help config.";

    // Server02 lets WinRM in, Server03 drops it; Nowhere does not resolve.
    private static async Task<RecordingHost> RunAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(time),
            WsManConfiguration = [new("Client", null), new(@"Client\TrustedHosts", string.Empty)],
            WsManSettings = new WsManSettings(),
            NetworkSettings = new NetworkSettings
            {
                Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" },
                NeighbourAllows = (address, protocol, port) => address == "10.0.0.5" && protocol == "TCP" && port == 5985,
            },
        };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task Get_CimInstance_of_a_computer_not_in_TrustedHosts_is_winrm_s_server_not_trusted_and_this_computer_still_answers()
    {
        var host = await RunAsync("Get-CimInstance Win32_OperatingSystem -ComputerName Server02, localhost | ForEach-Object PSComputerName; gcim Win32_BIOS -cn Nowhere; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "localhost", "after" }), "a name that does not resolve is refused the same, before any lookup");
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.TargetName)), Is.EqualTo(new[]
        {
            (NotTrusted, "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand", ErrorCategory.ConnectionError, @"root\cimv2:Win32_OperatingSystem"),
            (NotTrusted, "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand", ErrorCategory.ConnectionError, @"root\cimv2:Win32_BIOS"),
        }));
    }

    [Test]
    public async Task A_computer_in_TrustedHosts_is_the_double_hop_when_it_lets_winrm_in_and_unreachable_or_unresolved_otherwise()
    {
        var host = await RunAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value '*' -Force; foreach ($c in 'Server02', 'Server03', 'Nowhere') { Get-CimInstance Win32_BIOS -ComputerName $c }");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]), Is.EqualTo(new[] { "HRESULT 0x8009030e", "HRESULT 0x80338126", "HRESULT 0x803381b9" }));
        Assert.That(host.Errors[0].Message, Does.StartWith("WinRM cannot process the request. The following error with errorcode 0x8009030e occurred while using Negotiate authentication: A specified logon session does not exist."));
        Assert.That(host.Errors[0].Message, Does.EndWith("run the following command: winrm help config."), "WinRM's own text, without remoting's about_Remote_Troubleshooting");
        Assert.That(host.Errors[1].Message, Does.StartWith("WinRM cannot complete the operation. Verify that the specified computer name is valid"));
        Assert.That(host.Errors[2].Message, Is.EqualTo("The WinRM client cannot process the request because the server name cannot be resolved."));
    }

    [Test]
    public async Task New_CimSession_of_another_computer_tests_the_connection_and_makes_none_unless_told_to_skip_the_test()
    {
        var host = await RunAsync("New-CimSession -ComputerName Server02; @(Get-CimSession).Count; $s = New-CimSession Server02 -SkipTestConnection; $s.ComputerName; Get-CimInstance Win32_BIOS -CimSession $s");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "Server02" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.NewCimSessionCommand",
            "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand",
        }));
    }

    [Test]
    public async Task Invoke_CimMethod_and_Get_CimClass_of_another_computer_write_the_same_error_and_invoke_nothing()
    {
        var host = await RunAsync("Invoke-CimMethod -ComputerName Server02 -ClassName Win32_Process -MethodName Create -Arguments @{ CommandLine = 'notepad.exe' }; Get-CimClass Win32_BIOS -ComputerName Server02; @(Get-Process notepad -ErrorAction SilentlyContinue).Count");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand",
            "HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.GetCimClassCommand",
        }));
    }

    [Test]
    public async Task New_CimSession_with_credentials_to_a_trusted_computer_that_lets_winrm_in_is_left_to_the_scenario()
    {
        var host = await RunAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value 'Server02' -Force; New-CimSession -ComputerName Server02 -Credential $c");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }
}
