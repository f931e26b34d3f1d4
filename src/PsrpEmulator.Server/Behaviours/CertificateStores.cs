using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// One computer's certificate stores, as the Certificate provider (the Cert: drive) and the PKI cmdlets see them: the
/// LocalMachine and CurrentUser locations with Windows Server 2019's store names. A fresh computer's stores are empty:
/// Windows' own root and intermediate certificates are not emulated (their bytes are Microsoft's and the CAs'), so a
/// script looking for one of them finds nothing. Certificates are real X.509 (DER): New-SelfSignedCertificate makes
/// them with .NET, so a client rehydrates them as PowerShell does. Thread-safe: the computer's sessions share it.
/// </summary>
public sealed class CertificateStores
{
    /// <summary>A certificate in a store: its DER bytes, the friendly name the store keeps, and whether its key is there.</summary>
    public sealed record Stored(byte[] RawData, string FriendlyName, bool HasPrivateKey)
    {
        /// <summary>SHA-1 of the DER, in upper-case hex, as Windows names a certificate.</summary>
        public string Thumbprint { get; } = Convert.ToHexString(SHA1.HashData(RawData));
    }

    /// <summary>The store locations, in the provider's order.</summary>
    public static readonly string[] Locations = ["CurrentUser", "LocalMachine"];

    // Each location's stores as Windows Server 2019 lists them (UNVERIFIED: the lists are as remembered).
    private static readonly Dictionary<string, string[]> StoreNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CurrentUser"] = ["TrustedPublisher", "ClientAuthIssuer", "Root", "UserDS", "CA", "ACRS", "REQUEST", "AuthRoot", "TrustedPeople", "My", "SmartCardRoot", "Trust", "Disallowed"],
        ["LocalMachine"] = ["TrustedPublisher", "ClientAuthIssuer", "Remote Desktop", "Root", "TrustedDevices", "WebHosting", "CA", "WindowsServerUpdateServices", "REQUEST", "AuthRoot", "TrustedPeople", "My", "SmartCardRoot", "Trust", "Disallowed"],
    };

    // A script that loops over made-up certificates cannot grow a store without bound.
    private const int MaxPerStore = 1_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Stored>> _stores = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The location's name as the provider writes it (LocalMachine), or null for none.</summary>
    public static string? Location(string name) => Locations.FirstOrDefault(l => l.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The location's stores, in the provider's order.</summary>
    public static IReadOnlyList<string> Stores(string location) => StoreNames.GetValueOrDefault(location) ?? [];

    /// <summary>The store's name as the provider writes it (My, Root), or null for a store the location has not.</summary>
    public static string? Store(string location, string name) => Stores(location).FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The store's certificates, in the order they were added.</summary>
    public IReadOnlyList<Stored> List(string location, string store)
    {
        lock (_gate) return _stores.TryGetValue(Key(location, store), out var list) ? [.. list] : [];
    }

    /// <summary>Adds a certificate (one with the same thumbprint is replaced, as the store keeps one of each); false when the store is full.</summary>
    public bool Add(string location, string store, Stored certificate)
    {
        lock (_gate)
        {
            if (!_stores.TryGetValue(Key(location, store), out var list)) _stores[Key(location, store)] = list = [];
            var at = list.FindIndex(c => c.Thumbprint == certificate.Thumbprint);
            if (at >= 0)
            {
                list[at] = certificate;
                return true;
            }

            if (list.Count >= MaxPerStore) return false;
            list.Add(certificate);
            return true;
        }
    }

    /// <summary>Removes a certificate by thumbprint; false when the store has none of it.</summary>
    public bool Remove(string location, string store, string thumbprint)
    {
        lock (_gate) return _stores.TryGetValue(Key(location, store), out var list) && list.RemoveAll(c => c.Thumbprint.Equals(thumbprint, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    private static string Key(string location, string store) => location + "\\" + store;

    /// <summary>
    /// A self-signed certificate as New-SelfSignedCertificate makes one by default: RSA 2048 with SHA-256, the first DNS
    /// name as CN (or the subject given), the names as its SubjectAlternativeName, Client and Server Authentication,
    /// Digital Signature and Key Encipherment, valid from ten minutes before now for a year (the start's offset UNVERIFIED).
    /// </summary>
    public static byte[] NewSelfSigned(string subject, IReadOnlyList<string> dnsNames, DateTimeOffset now, DateTimeOffset? notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        if (dnsNames.Count > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames) names.AddDnsName(name);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var start = now.AddMinutes(-10);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(new X500DistinguishedName(subject), X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), start, notAfter ?? start.AddYears(1), serial);
        return certificate.RawData;
    }
}
