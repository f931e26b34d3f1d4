using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The Cert: drive and the PKI cmdlets over one computer's certificate stores.</summary>
public class CertificateTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static async Task<RecordingHost> PowerShellAsync(string script, CertificateStores stores, VirtualFileSystem? disk = null)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), CertificateStores = stores, FileSystem = disk ?? new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20) };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        return host;
    }

    [Test]
    public async Task A_self_signed_certificate_is_a_real_one_with_windows_defaults()
    {
        var stores = new CertificateStores();

        var host = await PowerShellAsync("""
            $c = New-SelfSignedCertificate -DnsName web01, web01.contoso.com -CertStoreLocation Cert:\LocalMachine\My -FriendlyName WinRM
            $c.Subject; $c.Issuer; $c.DnsNameList; $c.EnhancedKeyUsageList; $c.HasPrivateKey; $c.FriendlyName; $c.SignatureAlgorithm.FriendlyName; $c.Version
            $c.NotBefore.ToString('o'); $c.NotAfter.ToString('o')
            $c.Thumbprint -match '^[0-9A-F]{40}$'
            $c.PSParentPath
            """, stores);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "CN=web01", "CN=web01", "web01", "web01.contoso.com", "Client Authentication (1.3.6.1.5.5.7.3.2)", "Server Authentication (1.3.6.1.5.5.7.3.1)",
            "True", "WinRM", "sha256RSA", "3", "2026-12-01T07:50:00.0000000+00:00", "2027-12-01T07:50:00.0000000+00:00", "True",
            @"Microsoft.PowerShell.Security\Certificate::LocalMachine\My",
        }));
        var stored = stores.List("LocalMachine", "My").Single();
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(stored.RawData);
        Assert.That(certificate.Thumbprint, Is.EqualTo(stored.Thumbprint));
    }

    [Test]
    public async Task The_drive_lists_locations_stores_and_certificates_and_tests_their_paths()
    {
        var stores = new CertificateStores();

        var host = await PowerShellAsync("""
            $t = (New-SelfSignedCertificate -Subject 'CN=app' -CertStoreLocation Cert:\LocalMachine\My).Thumbprint
            (Get-ChildItem Cert:\).Count
            (Get-ChildItem Cert:\LocalMachine).Count
            (Get-ChildItem Cert:\LocalMachine\My | Where-Object Thumbprint -eq $t).Subject
            (Get-ChildItem Cert:\LocalMachine -Recurse).Count
            (Get-ChildItem Cert:\ -Recurse).Count
            (Get-ChildItem Cert:\LocalMachine\Root).Count
            Test-Path "Cert:\LocalMachine\My\$t"; Test-Path Cert:\LocalMachine\My\0000; Test-Path Cert:\LocalMachine\Nope; Test-Path Cert:\Nowhere
            (Get-Item "Cert:\LocalMachine\My\$t").Thumbprint -eq $t
            (Get-Item Cert:\LocalMachine\My).Name
            Get-Item Cert:\LocalMachine\My\0000
            'next'
            """, stores);

        // Cert:\ -Recurse: each location, its stores and their certificates (2 + 13 + 15 + 1).
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "15", "CN=app", "16", "31", "0", "True", "False", "False", "False", "True", "My", "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", @"Cannot find path 'Cert:\LocalMachine\My\0000' because it does not exist."),
        }));
    }

    [Test]
    public async Task The_providers_filters_choose_certificates_by_name_usage_and_expiry()
    {
        var host = await PowerShellAsync("""
            New-SelfSignedCertificate -DnsName web01.contoso.com -CertStoreLocation Cert:\LocalMachine\My | Out-Null
            New-SelfSignedCertificate -DnsName soon.contoso.com -CertStoreLocation Cert:\LocalMachine\My -NotAfter '2026-12-20' | Out-Null
            (Get-ChildItem Cert:\LocalMachine\My -DnsName 'web*').Subject
            (Get-ChildItem Cert:\LocalMachine\My -ExpiringInDays 30).Subject
            (Get-ChildItem Cert:\LocalMachine\My -SSLServerAuthentication).Count
            @(Get-ChildItem Cert:\LocalMachine\My -CodeSigningCert).Count
            @(Get-ChildItem Cert:\LocalMachine\My -Eku 'Client Auth*', '1.3.6.1.5.5.7.3.1').Count
            @(Get-ChildItem Cert:\LocalMachine\My -Eku 'Code Signing').Count
            """, new CertificateStores());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "CN=web01.contoso.com", "CN=soon.contoso.com", "2", "0", "2", "0" }));
    }

    [Test]
    public async Task A_certificate_exported_and_imported_keeps_its_thumbprint_without_its_key_and_piped_ones_are_removed()
    {
        var stores = new CertificateStores();
        var disk = new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20);

        var host = await PowerShellAsync("""
            $c = New-SelfSignedCertificate -DnsName web01 -CertStoreLocation Cert:\LocalMachine\My
            (Export-Certificate -Cert $c -FilePath C:\web01.cer).Name
            $i = Import-Certificate -FilePath C:\web01.cer -CertStoreLocation Cert:\LocalMachine\Root
            $i.Thumbprint -eq $c.Thumbprint; $i.HasPrivateKey
            "-----BEGIN CERTIFICATE-----`r`n$([Convert]::ToBase64String($c.RawData))`r`n-----END CERTIFICATE-----" | Set-Content C:\web01.pem
            (Import-Certificate -FilePath C:\web01.pem -CertStoreLocation Cert:\CurrentUser\Root).Thumbprint -eq $c.Thumbprint
            'not a certificate' | Set-Content C:\bad.cer
            Import-Certificate -FilePath C:\bad.cer -CertStoreLocation Cert:\LocalMachine\Root
            Get-ChildItem Cert:\LocalMachine\My | Remove-Item
            (Get-ChildItem Cert:\LocalMachine\My).Count; (Get-ChildItem Cert:\LocalMachine\Root).Count
            """, stores, disk);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "web01.cer", "True", "False", "True", "0", "1" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "System.Runtime.InteropServices.COMException,Import-Certificate" }));
    }

    [Test]
    public async Task A_certificate_s_raw_data_is_an_array_of_bytes()
    {
        var host = await PowerShellAsync(@"$c = New-SelfSignedCertificate -DnsName web01 -CertStoreLocation Cert:\LocalMachine\My; $c.RawData.Length -gt 100; $c.RawData[0]; $c.RawData.GetType().FullName", new CertificateStores());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "48", "System.Byte[]" }), "a DER certificate begins with a SEQUENCE (0x30)");
    }

    [Test]
    public async Task A_certificate_goes_on_the_wire_as_its_raw_data_and_the_providers_notes()
    {
        var host = await PowerShellAsync(@"New-SelfSignedCertificate -DnsName web01 -CertStoreLocation Cert:\LocalMachine\My", new CertificateStores());
        var certificate = (PsObject)host.Outputs.Single();

        var written = (PsObject)RemotingDepth.Apply(certificate, o => o.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames);

        Assert.That(written.TypeNames, Is.EqualTo(new[] { "System.Security.Cryptography.X509Certificates.X509Certificate2", "System.Security.Cryptography.X509Certificates.X509Certificate", "System.Object" }));
        Assert.That(written.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[] { "RawData" }));
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "PSIsContainer" }));
        Assert.That(written.ToStringValue, Does.Match(@"^\[Subject\]\r\n  CN=web01\r\n\r\n\[Issuer\]\r\n  CN=web01\r\n\r\n\[Serial Number\]\r\n  [0-9A-F]{32}\r\n\r\n" +
            @"\[Not Before\]\r\n  12/1/2026 7:50:00 AM\r\n\r\n\[Not After\]\r\n  12/1/2027 7:50:00 AM\r\n\r\n\[Thumbprint\]\r\n  [0-9A-F]{40}\r\n$"));
        Assert.That(certificate.AdaptedProperties.Select(p => p.Name), Does.Contain("Thumbprint"), "the session keeps every property");
    }

    [TestCase("New-SelfSignedCertificate -CertStoreLocation Cert:\\LocalMachine\\My", "System.ArgumentException,New-SelfSignedCertificate")]
    [TestCase("New-SelfSignedCertificate -DnsName x -CertStoreLocation Cert:\\LocalMachine\\Nope", "PathNotFound,New-SelfSignedCertificate")]
    public async Task A_certificate_that_cannot_be_made_is_an_error_and_nothing_is_stored(string statement, string id)
    {
        var stores = new CertificateStores();

        var host = await PowerShellAsync(statement + "; 'next'", stores);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(stores.List("LocalMachine", "My"), Is.Empty);
    }

    [Test]
    public async Task A_scenario_puts_stand_ins_and_real_certificates_in_stores_and_a_stand_in_is_the_same_every_run()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        using var real = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=build.contoso.com", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
        var pem = real.ExportCertificatePem().Replace("\n", "\n      ", StringComparison.Ordinal);
        var yaml = $"""
            certificates:
              - store: 'Cert:\LocalMachine\My'
                subject: 'CN=web01.contoso.com'
                dnsName: 'web01.contoso.com, web01'
                friendlyName: WinRM HTTPS
                privateKey: true
                notBefore: 2026-06-01T00:00:00Z
                notAfter: 2027-06-01T00:00:00Z
              - store: 'LocalMachine\Root'
                pem: |
                  {pem}
              - store: 'CurrentUser\My'
                subject: 'CN=elsewhere'
                computer: Server02
            """;
        var stores = BehaviourCatalog.Parse(yaml, "test.yaml").NewCertificateStores("Server01");

        var host = await PowerShellAsync("""
            $w = Get-ChildItem Cert:\LocalMachine\My
            $w.Subject; $w.FriendlyName; $w.HasPrivateKey; $w.DnsNameList -join ','; ($w.EnhancedKeyUsageList | ForEach-Object FriendlyName) -join ','
            $w.NotBefore.ToString('o'); $w.NotAfter.ToString('o')
            (Get-ChildItem Cert:\LocalMachine\Root).Thumbprint
            (Get-ChildItem Cert:\CurrentUser\My).Count
            """, stores);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "CN=web01.contoso.com", "WinRM HTTPS", "True", "web01.contoso.com,web01", "Client Authentication,Server Authentication",
            "2026-06-01T00:00:00.0000000+00:00", "2027-06-01T00:00:00.0000000+00:00", real.Thumbprint, "0",
        }));
        var again = BehaviourCatalog.Parse(yaml, "test.yaml").NewCertificateStores("Server01");
        Assert.That(again.List("LocalMachine", "My").Single().Thumbprint, Is.EqualTo(stores.List("LocalMachine", "My").Single().Thumbprint), "a stand-in's bytes do not change");
        Assert.That(BehaviourCatalog.Parse(yaml, "test.yaml").NewCertificateStores("Server02").List("CurrentUser", "My").Single().RawData,
            Is.Not.Empty, "computer: seeds that computer's stores");
    }

    [Test]
    public async Task A_users_root_store_shows_the_machines_roots_and_removing_one_there_removes_it_from_the_machine()
    {
        var stores = BehaviourCatalog.Parse("""
            certificates:
              - { store: 'LocalMachine\Root', subject: 'CN=Machine Root' }
              - { store: 'CurrentUser\Root', subject: 'CN=User Root' }
              - { store: 'LocalMachine\My', subject: 'CN=Machine Only' }
            """, "test.yaml").NewCertificateStores("Server01");

        var host = await PowerShellAsync("""
            (Get-ChildItem Cert:\CurrentUser\Root).Subject -join ';'
            (Get-ChildItem Cert:\LocalMachine\Root).Subject -join ';'
            (Get-ChildItem Cert:\CurrentUser\My).Count
            Get-ChildItem Cert:\CurrentUser\Root | Where-Object Subject -eq 'CN=Machine Root' | Remove-Item
            (Get-ChildItem Cert:\LocalMachine\Root).Count
            """, stores);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "CN=User Root;CN=Machine Root", "CN=Machine Root", "0", "0" }));
    }

    [Test]
    public async Task The_default_machine_trusts_stand_ins_for_windows_roots_by_their_subjects()
    {
        var stores = Default.NewCertificateStores("Server01");

        var host = await PowerShellAsync("""
            $roots = Get-ChildItem Cert:\LocalMachine\Root
            ($roots | Where-Object Subject -like 'CN=Microsoft Root*').FriendlyName
            ($roots | Where-Object Subject -like '*Thawte Timestamping CA*').NotAfter.Year
            (Get-ChildItem Cert:\LocalMachine\My).Count
            """, stores);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Microsoft Root Certificate Authority 2011", "Microsoft Root Authority", "Microsoft Root Certificate Authority", "Microsoft Root Certificate Authority 2010", "2020", "0",
        }));
    }

    [Test]
    public async Task Out_Default_lists_locations_stores_and_the_certificates_after_them_with_the_providers_list_view()
    {
        var stores = BehaviourCatalog.Parse("""
            certificates:
              - { store: 'LocalMachine\Root', subject: 'CN=Contoso Root', friendlyName: Contoso, notBefore: 2020-01-01T00:00:00Z, notAfter: 2040-01-01T00:00:00Z }
            """, "test.yaml").NewCertificateStores("Server01");
        var thumbprint = stores.List("LocalMachine", "Root").Single().Thumbprint;

        var host = await PowerShellAsync("""
            Get-ChildItem Cert:\LocalMachine -Recurse | Select-Object -First 5 | Out-String
            Get-ChildItem Cert:\LocalMachine\Root | Out-String
            """, stores);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts[0], Is.EqualTo(
            "\r\n\r\nName : TrustedPublisher\r\n\r\nName : ClientAuthIssuer\r\n\r\nName : Remote Desktop\r\n\r\nName : Root\r\n\r\n" +
            "Subject      : CN=Contoso Root\r\nIssuer       : CN=Contoso Root\r\nThumbprint   : " + thumbprint + "\r\nFriendlyName : Contoso\r\n" +
            "NotBefore    : 1/1/2020 12:00:00 AM\r\nNotAfter     : 1/1/2040 12:00:00 AM\r\n" +
            "Extensions   : {System.Security.Cryptography.Oid, System.Security.Cryptography.Oid, System.Security.Cryptography.Oid}\r\n\r\n\r\n\r\n"));
        Assert.That(host.OutputTexts[1], Does.StartWith("\r\n\r\n   PSParentPath: Microsoft.PowerShell.Security\\Certificate::LocalMachine\\Root\r\n\r\nThumbprint                                Subject"));
    }

    [TestCase("certificates: { store: x }", "'certificates:' is a list of certificates")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'CN=a', colour: red }", "unknown certificate key 'colour'")]
    [TestCase("certificates:\n  - { subject: 'CN=a' }", "a certificate needs 'store:'")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Nope', subject: 'CN=a' }", "is not a store")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root' }", "'subject:' (a stand-in the emulator makes) or 'pem:'")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'CN=a', pem: 'AAAA' }", "'subject:' (a stand-in the emulator makes) or 'pem:'")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', pem: 'bm90IGEgY2VydA==' }", "'pem' is a certificate")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', pem: 'AAAA', notAfter: 2030-01-01T00:00:00Z }", "'notAfter' is for a stand-in")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'CN=a', notBefore: 2030-01-01T00:00:00Z, notAfter: 2020-01-01T00:00:00Z }", "'notAfter' comes after 'notBefore'")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'CN=a', notAfter: soon }", "'notAfter' is a date and time")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'CN=a', privateKey: maybe }", "'privateKey' is true or false")]
    [TestCase("certificates:\n  - { store: 'LocalMachine\\Root', subject: 'no equals sign' }", "is not a distinguished name")]
    public void A_wrong_certificate_is_a_load_error_naming_its_place(string yaml, string complaint)
    {
        var error = Assert.Throws<BehaviourLoadException>(() => CertificateSeedParser.Parse(yaml, "bad.yaml"));
        Assert.That(error!.Message, Does.StartWith("bad.yaml, line ").And.Contain(complaint));
    }
}
