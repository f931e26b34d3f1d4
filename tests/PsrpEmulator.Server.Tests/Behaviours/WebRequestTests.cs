using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Web requests from an emulated computer fail as an offline Windows Server fails them (.NET Framework's WebException
/// texts): Chocolatey's install.ps1, installers fetched with WebClient, cloud metadata queries with Invoke-RestMethod.
/// </summary>
public class WebRequestTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var disk = Default.NewFileSystem("Server01", TimeProvider.System, 1L << 30);
        disk.EnsureProfile(@"C:\Users\psrp");
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };
        host.Environment["TEMP"] = @"C:\Users\psrp\AppData\Local\Temp";
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(run.IsCompleted, Is.True, "the script waited where it should run straight through");
        await run;
        return host;
    }

    [Test]
    public async Task WebClient_downloads_fail_with_the_name_not_resolved_and_the_script_goes_on()
    {
        var host = await RunAsync("""
            $wc = New-Object System.Net.WebClient
            $wc.Headers.Add('User-Agent', 'provisioner')
            $wc.Credentials = [System.Net.CredentialCache]::DefaultCredentials
            $wc.Proxy.IsBypassed('https://community.chocolatey.org/install.ps1')
            iex ($wc.DownloadString('https://community.chocolatey.org/install.ps1'))
            'next'
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("WebException", "Exception calling \"DownloadString\" with \"1\" argument(s): \"The remote name could not be resolved: 'community.chocolatey.org'\""),
        }));
    }

    [Test]
    public async Task DownloadFile_of_a_loopback_port_nothing_listens_on_cannot_connect_and_writes_no_file()
    {
        var host = await RunAsync(@"try { (New-Object Net.WebClient).DownloadFile('http://127.0.0.1/app.msi', 'C:\app.msi') } catch { $_.FullyQualifiedErrorId }; Test-Path C:\app.msi; (New-Object Net.WebClient).DownloadData('http://localhost:8080/')");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "WebException", "False" }));
        Assert.That(host.Errors.Single().Message, Is.EqualTo("Exception calling \"DownloadData\" with \"1\" argument(s): \"Unable to connect to the remote server\""));
    }

    /// <summary>5.1's web cmdlets throw the WebException as a terminating error: -ErrorAction does not hide it, a try catches it.</summary>
    [Test]
    public async Task Invoke_WebRequest_of_an_unresolved_name_is_a_terminating_WebCmdletWebResponseException()
    {
        var host = await RunAsync("""
            Invoke-WebRequest https://example.com/a.zip -UseBasicParsing -OutFile C:\a.zip -ErrorAction SilentlyContinue
            'next'
            try { iwr example.com } catch { "caught: $($_.FullyQualifiedErrorId)" }
            Test-Path C:\a.zip
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "caught: WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand", "False" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand", "The remote name could not be resolved: 'example.com'"),
        }));
    }

    [TestCase("Invoke-RestMethod -Uri http://169.254.169.254/latest/meta-data/instance-id -TimeoutSec 2", "The operation has timed out")]
    [TestCase("Invoke-RestMethod -Headers @{ Metadata = 'true' } -Method GET -Uri 'http://169.254.169.254/metadata/instance?api-version=2021-02-01'", "Unable to connect to the remote server")]
    [TestCase("Add-Content C:\\Windows\\System32\\drivers\\etc\\hosts '127.0.0.1 repo.local'; irm http://repo.local/feed", "Unable to connect to the remote server")]
    public async Task Invoke_RestMethod_to_an_address_that_does_not_answer_cannot_connect_or_times_out(string script, string message)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand", message),
        }));
    }

    [Test]
    public async Task A_web_request_method_5_1_does_not_know_is_a_binding_error()
    {
        var host = await RunAsync("Invoke-WebRequest http://example.com -Method Fetch");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.InvokeWebRequestCommand"));
        Assert.That(host.Errors.Single().Message, Does.StartWith("Cannot bind parameter 'Method'. Cannot convert value \"Fetch\" to type \"Microsoft.PowerShell.Commands.WebRequestMethod\"."));
    }

    [Test]
    public async Task WebRequest_Create_fails_at_GetResponse()
    {
        var host = await RunAsync("$r = [System.Net.WebRequest]::Create('http://packages.internal/feed'); $r.Method; $r.GetResponse()");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "GET" }));
        Assert.That(host.Errors.Single().Message, Is.EqualTo("Exception calling \"GetResponse\" with \"0\" argument(s): \"The remote name could not be resolved: 'packages.internal'\""));
    }
}
