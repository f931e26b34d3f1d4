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

    /// <summary>Empty stores.</summary>
    public CertificateStores()
    {
    }

    /// <summary>Stores holding a scenario's <c>certificates:</c> from the start.</summary>
    internal CertificateStores(IEnumerable<CertificateSeed> seeds)
    {
        foreach (var seed in seeds) Add(seed.Location, seed.Store, seed.Certificate);
    }

    /// <summary>The location's name as the provider writes it (LocalMachine), or null for none.</summary>
    public static string? Location(string name) => Locations.FirstOrDefault(l => l.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The location's stores, in the provider's order.</summary>
    public static IReadOnlyList<string> Stores(string location) => StoreNames.GetValueOrDefault(location) ?? [];

    /// <summary>The store's name as the provider writes it (My, Root), or null for a store the location has not.</summary>
    public static string? Store(string location, string name) => Stores(location).FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The store's certificates, in the order they were added. A user's store other than My also shows the machine's
    /// store of that name after its own (Windows' logical stores: a root the machine trusts, every user trusts).
    /// </summary>
    public IReadOnlyList<Stored> List(string location, string store)
    {
        lock (_gate)
        {
            var own = _stores.TryGetValue(Key(location, store), out var list) ? list : [];
            if (!IsInherited(location, store) || !_stores.TryGetValue(Key("LocalMachine", store), out var machine)) return [.. own];
            return [.. own, .. machine.Where(m => !own.Exists(c => c.Thumbprint == m.Thumbprint))];
        }
    }

    /// <summary>Whether the user's store shows the machine's store of its name too (every store both have but My).</summary>
    public static bool IsInherited(string location, string store) =>
        location == "CurrentUser" && !store.Equals("My", StringComparison.OrdinalIgnoreCase) && Store("LocalMachine", store) is not null;

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

    /// <summary>
    /// Removes a certificate by thumbprint; false when the store has none of it. A user's store removes a certificate
    /// it shows from the machine's store from there (the session is an administrator's, as a remote session is).
    /// </summary>
    public bool Remove(string location, string store, string thumbprint)
    {
        lock (_gate)
        {
            bool RemoveFrom(string at) => _stores.TryGetValue(Key(at, store), out var list) && list.RemoveAll(c => c.Thumbprint.Equals(thumbprint, StringComparison.OrdinalIgnoreCase)) > 0;
            return RemoveFrom(location) || IsInherited(location, store) && RemoveFrom("LocalMachine");
        }
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
        // Sixteen bytes, positive and without a leading zero byte (which the encoding would drop): always 32 hex digits.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)(serial[0] % 0x7F + 1);
        using var certificate = request.Create(new X500DistinguishedName(subject), X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), start, notAfter ?? start.AddYears(1), serial);
        return certificate.RawData;
    }

    /// <summary>
    /// A stand-in certificate a scenario names by subject (<c>certificates:</c>): self-signed, RSA 2048 with SHA-256, a
    /// certification authority's basic constraints, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>,
    /// with the DNS names as its SubjectAlternativeName (and Server and Client Authentication) when it has any. The same
    /// arguments give the same bytes every run: one key for every stand-in, PKCS#1 v1.5 signatures (deterministic) and a
    /// serial number from <paramref name="salt"/> and the subject.
    /// </summary>
    internal static byte[] StandIn(string subject, IReadOnlyList<string> dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter, string salt)
    {
        using var key = RSA.Create();
        key.ImportFromPem(StandInKey);
        var name = new X500DistinguishedName(subject);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (dnsNames.Count > 0)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            var names = new SubjectAlternativeNameBuilder();
            foreach (var dnsName in dnsNames) names.AddDnsName(dnsName);
            request.CertificateExtensions.Add(names.Build());
        }
        else
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: false));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var serial = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(salt + "\n" + name.Name))[..16];
        serial[0] &= 0x7F;
        using var certificate = request.Create(name, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
        return certificate.RawData;
    }

    // The stand-ins' key: made for the emulator and published with it, so it secures nothing (a stand-in's private key
    // is never used or shown; it only signs the stand-ins so that their bytes are the same every run).
    private const string StandInKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDAhChtTNLJc2Hz
        7o3Zj77m9nZU8g7K4tIa9XB/8Atu9M56pEFYUAatG/4nTEmD7qijHksobRNYgdAY
        pa621Zy724g5XDFMGgEGPmP3TYuyrDdSXChHPKFgxeMpOlmLUgCAIBnK86Odh/tA
        abqpyvKOJYIcBUQRRcry2SKRcK/Ad3VJbVkCHorJ0UZELBmj57Dr2a2T/kxHVt+F
        J5ppUCToBaTR+CFL2ygnQ8KyhX+uEqDMzvSTf1HolWAmJBWBYPyVIskzhQNb3gzA
        yF/kDw+8vx2qDLdQ9z72f4NqLsqVYZXMTd5RtToHbuqtQA9vaCvWR0gOcWRVKQr9
        rPP/3GzbAgMBAAECggEAEs7WhEHKdhPnsJp7ET48kE6T0PNfrpfqSZKg+F7N6dEm
        Ovprx+JJmgVEweIaFzbsaBiVjyWDi6oNrTAX7uoqSHrHcZMoMx8h6nzol0iO1ViD
        LxtXHrPgWuv6Ur94mrva1f73hh8Mul8xP2G/nXGjsMTJU/jPuuruoOXFvXUc4S30
        RKw7Mud/2uJtKPwOui2QUQLDfQ4gyw1S3637ymLDt4B5a3KvH2kZxCPda4KiuQe4
        qd4XquDAMf+RWf2bq1VI80tzRwd6eL29ceBtkloadae25AKtDesNvGGQFZNK3VDS
        fls5IMIA89H5erXFJSw6TAvLbq5tt7xYpJBKuPM6AQKBgQD0ul2NbcowIBMozv0G
        IM6tLWJyJQ6dPbSOBa76/tXnY0ch8HMOb9qHleZcLicqvGDIzpdSn1ZI2VlFt6LI
        6rudS+5xJxtD+t1zKcw6geVvn9vzhwMvaW+mPKbyeGTvdCqwxeE4UY6TSzCVyNW+
        treBXtX4xKC7CXnIgf+qxF5kYQKBgQDJYiddJ0Dx+KiTWijnVZyX5jglKBMPza5X
        zUVpc0c+fn/H0LkAplzO88PonwWWDORr69JHtmjHe8kjHMR1R9BiCPLUDsFUv3YQ
        RpH46t2EnSxyEIdovzjesVge//DctGtA92AWbzuWZwq6UOFPwDSUK+x6sPN1H8fE
        hp8iQ/9auwKBgQCBYPFKbquAa8SVQ3CCx99bsG2mOK8UM+X7W0fZi9Xb4SFe8PZy
        wHGAUqAZRZERR8vG/WkElhYQp09Jyz51B5uuGdFx4qHIe5yNYKCGoduA+rtWcJ8f
        dpc/BDuiXkHGUdyr3cEme/9rIUoLNcTCcWhsLY3jWVg76VOHzCo0xmG8oQKBgQCW
        6linhZg0/WyPaJyIqG6+osdmiP6n9DJ4GBuxZ7N3UOM/gdpycznP2XvyIuHTzfuM
        KOCf30HsZIaaKp/LaDLwlNYtNpWJhiXbEpen25KAJC0/mcVwKQVcVbi9Gn6NVyOd
        PwUiKt+T2cp/T8dZtadxdu00ENGR72wMifpNenmtqwKBgG9f/l5M16aZKKCwuHFz
        GSmpBZko7Isg/LDMFjFBryZFaIoI6LVofQXTRCk3DCZHvIl1Eo0SLZNJwiFiO/ny
        rCHIvO7QnYrVV0fqbgmfbOQ+4PC+bSX87vQIK1A+GFXor+B23/0UzsG7+Kx5f1Fd
        rFcYyqyf1taPh0VfboZmZhc3
        -----END PRIVATE KEY-----
        """;
}
