using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PsrpEmulator.PowerShell.Hosting;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Testing;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>New-PSSession / Invoke-Command -CertificateThumbprint over HTTPS: the certificate comes from CurrentUser\My.</summary>
[NonParallelizable]
public class CertificateThumbprintTests
{
    private EmulatorInstance _emulator = null!;
    private ClientHost _host = null!;
    private X509Certificate2 _certificate = null!;

    [SetUp]
    public async Task StartAsync()
    {
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Admin01", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.PersistKeySet);
        }

        using (var store = new X509Store(StoreName.My, StoreLocation.CurrentUser))
        {
            store.Open(OpenFlags.ReadWrite);
            store.Add(_certificate);
        }

        _emulator = await EmulatorInstance.StartAsync(o =>
        {
            o.Users = ["admin01:P@ssw0rd-01"];
            o.CertificateMappings = [new CertificateMapping { Subject = "Admin01", User = "admin01" }];
        }, useHttps: true);
        _host = new ClientHost(new ClientHostOptions { Name = "client" });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        _emulator.WriteJournalIfFailed();
        await _emulator.DisposeAsync();
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Remove(_certificate);
        _certificate.Dispose();
    }

    [Test]
    public async Task New_PSSession_and_Invoke_Command_authenticate_with_the_certificate_of_the_thumbprint()
    {
        var option = "(New-PSSessionOption -SkipCACheck -SkipCNCheck)";
        var result = await _host.RunAsync(
            $"$s = New-PSSession -ConnectionUri {_emulator.WsManUri} -CertificateThumbprint {_certificate.Thumbprint} -SessionOption {option}; " +
            "Invoke-Command -Session $s { 'by certificate' }; " +
            $"Invoke-Command -ConnectionUri {_emulator.WsManUri} -CertificateThumbprint {_certificate.Thumbprint} -SessionOption {option} {{ 'again' }}");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(result.Output.Select(o => o.ToString()), Is.EqualTo(new[] { "by certificate", "again" }));
        Assert.That(_emulator.Journal.Snapshot().Select(j => j.User).Distinct(), Is.EqualTo(new[] { "admin01" }));
    }

    [Test]
    public async Task An_unknown_thumbprint_is_an_open_error_naming_it()
    {
        var result = await _host.RunAsync($"New-PSSession -ConnectionUri {_emulator.WsManUri} -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -SessionOption (New-PSSessionOption -SkipCACheck)");

        Assert.That(result.Errors.Single().FullyQualifiedErrorId, Does.EndWith("PSSessionOpenFailed,Microsoft.PowerShell.Commands.NewPSSessionCommand"));
        Assert.That(result.Errors.Single().ToString(), Does.Contain("00112233445566778899AABBCCDDEEFF00112233"));
        Assert.That(_emulator.Journal.Snapshot(), Is.Empty);
    }
}
