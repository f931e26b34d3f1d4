using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Changes of a computer's WinRM configuration through the WSMan: drive: kept, read back, not acted on.</summary>
public class WsManSettingsTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    // A few items of the configuration, in WinRM's order.
    private static readonly WsManConfigEntry[] Configuration =
    [
        new("MaxEnvelopeSizekb", "500"), new("Client", null), new(@"Client\TrustedHosts", string.Empty), new("Service", null), new(@"Service\Auth", null),
        new(@"Service\Auth\Basic", "false"), new("Listener", null), new(@"Listener\Listener_1084132640", null, ["Transport=HTTP", "Address=*"]),
        new(@"Listener\Listener_1084132640\Port", "5985"), new("Plugin", null),
    ];

    private static async Task<RecordingHost> RunAsync(string script, WsManSettings settings, CertificateStores? stores = null, Func<PipelineHostCall, PipelineHostResponse>? ui = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), WsManConfiguration = Configuration, WsManSettings = settings, CertificateStores = stores ?? new CertificateStores(), HostUI = ui };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)));
        return host;
    }

    [Test]
    public async Task An_https_listener_made_with_a_certificate_of_the_store_is_listed_after_the_http_one_and_removed()
    {
        var settings = new WsManSettings();

        var host = await RunAsync("""
            $c = New-SelfSignedCertificate -DnsName server01 -CertStoreLocation Cert:\LocalMachine\My
            $l = New-Item -Path WSMan:\localhost\Listener -Transport HTTPS -Address * -CertificateThumbPrint $c.Thumbprint -Force
            $l.Name; $l.Keys
            (Get-ChildItem WSMan:\localhost\Listener).Name
            (Get-Item WSMan:\localhost\Listener\Listener_1305953032\Port).Value
            (Get-Item WSMan:\localhost\Listener\Listener_1305953032\CertificateThumbprint).Value -eq $c.Thumbprint
            Remove-Item WSMan:\localhost\Listener\Listener_1305953032 -Recurse
            (Get-ChildItem WSMan:\localhost\Listener).Name
            """, settings);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Listener_1305953032", "Transport=HTTPS", "Address=*", "Listener_1084132640", "Listener_1305953032", "5986", "True", "Listener_1084132640",
        }));
    }

    [Test]
    public async Task An_https_listener_needs_a_certificate_of_the_computer_and_a_taken_one_is_refused()
    {
        var host = await RunAsync("""
            New-Item -Path WSMan:\localhost\Listener -Transport HTTPS -Address * -CertificateThumbPrint 0123456789ABCDEF0123456789ABCDEF01234567 -Force
            New-Item -Path WSMan:\localhost\Listener -Transport HTTP -Address * -Force
            'next'
            """, new WsManSettings());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Cannot create a WinRM listener on HTTPS because this machine does not have an appropriate certificate. To be used for SSL, a certificate must have a CN matching the hostname, be appropriate for Server Authentication, and not be expired, revoked, or self-signed.",
            "The WS-Management service cannot create the resource because it already exists.",
        }));
    }

    [Test]
    public async Task Values_are_set_as_winrm_keeps_them_and_a_missing_one_is_path_not_found()
    {
        var host = await RunAsync("""
            Set-Item WSMan:\localhost\Service\Auth\Basic $true
            (Get-Item WSMan:\localhost\Service\Auth\Basic).Value
            Set-Item WSMan:\localhost\MaxEnvelopeSizekb -Value 8192
            (Get-Item WSMan:\localhost\MaxEnvelopeSizekb).Value
            Set-Item WSMan:\localhost\Service\Nope 1
            """, new WsManSettings());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "true", "8192" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PathNotFound,Microsoft.PowerShell.Commands.SetItemCommand" }));
    }

    [TestCase("Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value 'a,b' -Force; Set-Item WSMan:\\localhost\\Client\\TrustedHosts c -Concatenate -Force", new int[0], 0, "a,b,c")]
    [TestCase("Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value '*'", new[] { 0 }, 1, "*")]
    [TestCase("Set-Item WSMan:\\localhost\\Client\\TrustedHosts -Value '*'", new[] { 1 }, 1, "")]
    public async Task TrustedHosts_asks_the_providers_question_unless_forced(string statement, int[] answers, int prompts, string value)
    {
        var next = 0;
        var host = await RunAsync(statement + "; (Get-Item WSMan:\\localhost\\Client\\TrustedHosts).Value", new WsManSettings(), ui:
            call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(answers[next++]) : null));

        Assert.That(host.Errors, Is.Empty);
        var asked = host.HostCalls.Where(c => c.MethodId == RemoteHostMethodId.PromptForChoice).ToList();
        Assert.That(asked, Has.Count.EqualTo(prompts));
        if (prompts > 0) Assert.That(asked[0].Parameters[0].ToDisplayString(), Is.EqualTo("WinRM Security Configuration."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { value }));
    }

    private static async Task<(string Stdout, string Stderr, int ExitCode)> WinrmAsync(string line, WsManSettings settings)
    {
        var host = new FakeCommandLineHost { WsManConfiguration = Configuration, WsManSettings = settings };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    [Test]
    public async Task Winrm_set_create_and_delete_change_what_the_drive_and_winrm_get_show()
    {
        var settings = new WsManSettings();

        var set = await WinrmAsync("winrm set winrm/config/service/auth @{Basic=\"true\"}", settings);
        var created = await WinrmAsync("winrm create winrm/config/Listener?Address=*+Transport=HTTPS @{Hostname=\"web01\";CertificateThumbprint=\"AB CD\"}", settings);
        var again = await WinrmAsync("winrm create winrm/config/Listener?Address=*+Transport=HTTPS @{Hostname=\"web01\"}", settings);
        var host = await RunAsync(@"(Get-Item WSMan:\localhost\Listener\Listener_1305953032\Hostname).Value; (Get-Item WSMan:\localhost\Listener\Listener_1305953032\CertificateThumbprint).Value", settings);
        var deleted = await WinrmAsync("winrm delete winrm/config/Listener?Address=*+Transport=HTTPS", settings);
        var gone = await WinrmAsync("winrm delete winrm/config/Listener?Address=*+Transport=HTTPS", settings);
        var unknown = await WinrmAsync("winrm set winrm/config/service/auth @{Nope=\"true\"}", settings);

        Assert.That(set, Is.EqualTo(("Auth\r\n    Basic = true\r\n\r\n", "", 0)));
        Assert.That(created.Stdout, Does.EndWith("            Selector: Address = *, Transport = HTTPS\r\n\r\n"));
        Assert.That(again, Is.EqualTo(("", "WSManFault\r\n    Message = The WS-Management service cannot create the resource because it already exists.\r\n\r\n", 1)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "web01", "ABCD" }));
        Assert.That((deleted.Stdout, deleted.ExitCode), Is.EqualTo(("", 0)));
        Assert.That(gone.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(settings.Apply(Configuration).Count(e => e.Path.StartsWith(@"Listener\Listener_1305953032", StringComparison.Ordinal)), Is.EqualTo(0));
    }

    /// <summary>Ansible's ConfigureRemotingForAnsible.ps1: New-WSManInstance of the HTTPS listener with hashtables of selectors and values.</summary>
    [Test]
    public async Task The_wsman_instance_cmdlets_make_read_change_and_remove_a_listener_and_change_the_service()
    {
        var settings = new WsManSettings();

        var host = await RunAsync("""
            $c = New-SelfSignedCertificate -DnsName server01 -CertStoreLocation Cert:\LocalMachine\My
            $made = New-WSManInstance -ResourceURI 'winrm/config/Listener' -SelectorSet @{Transport='HTTPS'; Address='*'} -ValueSet @{Hostname='server01'; CertificateThumbprint=$c.Thumbprint}
            $made.Address; $made.ReferenceParameters.ResourceURI
            $l = Get-WSManInstance winrm/config/listener -SelectorSet @{Address='*';Transport='HTTPS'}
            "$($l.Transport) $($l.Port) $($l.Hostname) $($l.CertificateThumbprint -eq $c.Thumbprint)"
            (Get-WSManInstance -ResourceURI winrm/config/listener -Enumerate).Port -join ','
            (Set-WSManInstance winrm/config/listener -SelectorSet @{Address='*';Transport='HTTPS'} -ValueSet @{Port='8443'}).Port
            (Set-WSManInstance -ResourceURI winrm/config/service/auth -ValueSet @{Basic=$true}).Basic
            (Get-Item WSMan:\localhost\Service\Auth\Basic).Value
            New-WSManInstance winrm/config/Listener -SelectorSet @{Transport='HTTPS'; Address='*'} -ValueSet @{Hostname='x'; CertificateThumbprint=$c.Thumbprint}
            Remove-WSManInstance -ResourceURI winrm/config/Listener -SelectorSet @{Transport='HTTPS'; Address='*'}
            (Get-ChildItem WSMan:\localhost\Listener).Name
            Get-WSManInstance winrm/config/listener -SelectorSet @{Address='*';Transport='HTTPS'}
            Set-WSManInstance winrm/config/service -ValueSet @{Colour='red'}
            """, settings);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous", "http://schemas.microsoft.com/wbem/wsman/1/config/listener",
            "HTTPS 5986 server01 True", "5985,5986", "8443", "true", "true", "Listener_1084132640",
        }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("System.InvalidOperationException,Microsoft.WSMan.Management.NewWSManInstanceCommand", "The WS-Management service cannot create the resource because it already exists."),
            ("System.InvalidOperationException,Microsoft.WSMan.Management.GetWSManInstanceCommand", "The service cannot find the resource identified by the resource URI and selectors."),
            ("System.InvalidOperationException,Microsoft.WSMan.Management.SetWSManInstanceCommand", "The WS-Management service cannot process the request because the XML is invalid: Colour is not a setting of the resource."),
        }));
    }

    [Test]
    public async Task An_https_listener_needs_a_certificate_of_the_machine_store_and_other_resources_are_a_scenario_error()
    {
        var host = await RunAsync("""
            New-WSManInstance winrm/config/Listener -SelectorSet @{Transport='HTTPS'; Address='*'} -ValueSet @{Hostname='x'; CertificateThumbprint='00FF'}
            (Get-ChildItem WSMan:\localhost\Listener).Count
            Get-WSManInstance wmicimv2/Win32_Service -SelectorSet @{Name='WinRM'}
            """, new WsManSettings());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "System.InvalidOperationException,Microsoft.WSMan.Management.NewWSManInstanceCommand", "PsrpEmulator.ScenarioError",
        }));
    }
}
