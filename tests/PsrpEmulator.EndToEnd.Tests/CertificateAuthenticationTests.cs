using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Testing;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// Certificate authentication over HTTPS: the client finds -CertificateThumbprint in CurrentUser\My and presents it;
/// the emulator maps it to a user (WinRM's certmapping) by subject UPN or thumbprint.
/// </summary>
[NonParallelizable]
public class CertificateAuthenticationTests
{
    private EmulatorInstance _emulator = null!;
    private readonly List<X509Certificate2> _stored = [];

    private static readonly PSSessionOption Option = new() { SkipCACheck = true };

    private static X509Certificate2 CreateClientCertificate(string commonName, string upn)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUserPrincipalName(upn);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PFX so the private key is persisted with the store entry.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.PersistKeySet);
    }

    private X509Certificate2 StoreInCurrentUserMy(X509Certificate2 certificate)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(certificate);
        _stored.Add(certificate);
        return certificate;
    }

    private async Task StartAsync(params CertificateMapping[] mappings) =>
        _emulator = await EmulatorInstance.StartAsync(o =>
        {
            o.Users = ["admin01:P@ssw0rd-01"];
            o.CertificateMappings = [.. mappings];
        }, useHttps: true);

    [TearDown]
    public async Task StopAsync()
    {
        using (var store = new X509Store(StoreName.My, StoreLocation.CurrentUser))
        {
            store.Open(OpenFlags.ReadWrite);
            foreach (var certificate in _stored)
            {
                store.Remove(certificate);
                certificate.Dispose();
            }
        }

        _stored.Clear();

        if (_emulator is not null)
        {
            _emulator.WriteJournalIfFailed();
            await _emulator.DisposeAsync();
        }
    }

    private Task<PSSession> OpenAsync(PSRemotingClient client, string thumbprint) =>
        client.NewSessionAsync(RemoteTarget.FromUri(_emulator.WsManUri), PSCredential.FromCertificateThumbprint(thumbprint), sessionOption: Option);

    [Test]
    public async Task A_certificate_mapped_by_its_UPN_logs_on_as_the_mapped_user_and_runs_commands()
    {
        await StartAsync(new CertificateMapping { Subject = "admin01@domain01.example", User = "admin01" });
        var certificate = StoreInCurrentUserMy(CreateClientCertificate("Admin01", "admin01@domain01.example"));
        await using var client = new PSRemotingClient();

        var session = await OpenAsync(client, certificate.Thumbprint);
        var results = await client.InvokeAsync(session, "'by certificate'");

        Assert.That(results.OutputText, Is.EqualTo(new[] { "by certificate" }));
        Assert.That(_emulator.Journal.Snapshot().Select(j => j.User).Distinct(), Is.EqualTo(new[] { "admin01" }));
    }

    [Test]
    public async Task A_certificate_mapped_by_thumbprint_logs_on_and_an_unmapped_one_is_access_denied()
    {
        var mapped = StoreInCurrentUserMy(CreateClientCertificate("Mapped", "mapped@domain01.example"));
        var unmapped = StoreInCurrentUserMy(CreateClientCertificate("Stranger", "stranger@domain01.example"));
        await StartAsync(new CertificateMapping { Thumbprint = mapped.Thumbprint.ToLowerInvariant(), User = "admin01" });
        await using var client = new PSRemotingClient();

        var session = await OpenAsync(client, mapped.Thumbprint);
        var error = await Assert.ThrowsAsync<PSRemotingException>(() => OpenAsync(client, unmapped.Thumbprint));

        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("AccessDenied,PSSessionOpenFailed"));
        Assert.That(_emulator.Journal.Snapshot().Count(j => j.HttpStatus == 401), Is.EqualTo(1));
    }

    [Test]
    public async Task A_thumbprint_not_in_the_store_fails_before_anything_is_sent()
    {
        await StartAsync(new CertificateMapping { Subject = "*", User = "admin01" });
        await using var client = new PSRemotingClient();

        var error = await Assert.ThrowsAsync<PSRemotingException>(() => OpenAsync(client, "00112233445566778899AABBCCDDEEFF00112233"));

        Assert.That(error!.FullyQualifiedErrorId, Does.EndWith(",PSSessionOpenFailed"));
        Assert.That(error.Message, Does.Contain("00112233445566778899AABBCCDDEEFF00112233"));
        Assert.That(_emulator.Journal.Snapshot(), Is.Empty);
    }

    [Test]
    public async Task Basic_authentication_still_works_on_a_listener_that_asks_for_client_certificates()
    {
        await StartAsync(new CertificateMapping { Subject = "*", User = "admin01" });
        await using var client = new PSRemotingClient();

        var session = await client.NewSessionAsync(RemoteTarget.FromUri(_emulator.WsManUri), new PSCredential("admin01", "P@ssw0rd-01"), sessionOption: Option);

        Assert.That(session.State, Is.EqualTo(RunspaceState.Opened));
    }
}
