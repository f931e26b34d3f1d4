using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsrpEmulator.Server.Hosting;

/// <summary>The HTTPS listener's certificate: loaded from a PFX file, or generated self-signed at start.</summary>
public sealed class EmulatorCertificate(X509Certificate2 certificate, bool generated)
{
    public X509Certificate2 Certificate { get; } = certificate;

    public bool Generated { get; } = generated;

    public string Thumbprint => Certificate.Thumbprint;

    public static EmulatorCertificate Load(EmulatorOptions options)
    {
        if (options.CertificateFile is { Length: > 0 } file)
        {
            return new EmulatorCertificate(X509CertificateLoader.LoadPkcs12FromFile(file, options.CertificatePassword), generated: false);
        }

        return new EmulatorCertificate(CreateSelfSigned(options.EffectiveComputers), generated: true);
    }

    /// <summary>RSA 2048, server-auth EKU, SAN localhost, 127.0.0.1, ::1 and every virtual computer's name; valid one year.</summary>
    public static X509Certificate2 CreateSelfSigned(IEnumerable<string> names)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PsrpEmulator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        foreach (var name in names) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
