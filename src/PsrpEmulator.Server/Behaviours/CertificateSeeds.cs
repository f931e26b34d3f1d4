using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A certificate a scenario puts in a computer's store before any session starts.</summary>
internal sealed record CertificateSeed(string Location, string Store, CertificateStores.Stored Certificate, string? Computer);

/// <summary>
/// Reads the <c>certificates:</c> section of a scenario: certificates the computers' stores hold from the start, each
/// with <c>store:</c> (<c>LocalMachine\Root</c>, <c>Cert:\LocalMachine\My</c>...) and either <c>pem:</c> (a real
/// certificate, PEM or base64 DER: its bytes and thumbprint are the certificate's) or <c>subject:</c> (a stand-in the
/// emulator makes: self-signed, with <c>notBefore:</c>, <c>notAfter:</c> and <c>dnsName:</c> (comma-separated names,
/// its SubjectAlternativeName with Server and Client Authentication)); with <c>friendlyName:</c>,
/// <c>privateKey:</c> (true: the store has its key, as for a certificate New-SelfSignedCertificate made) and
/// <c>computer:</c> (that computer only). A stand-in is the same bytes every run (one key, a serial from its subject
/// and store), so its thumbprint can be written in a test; it is not the real certificate of that name.
/// Complaints name the file, line and column.
/// </summary>
internal static class CertificateSeedParser
{
    private static readonly string[] Keys = ["store", "pem", "subject", "notBefore", "notAfter", "dnsName", "friendlyName", "privateKey", "computer"];

    // A scenario cannot make the loader spend long: no more certificates than a store holds, no larger certificate than 64 KB.
    private const int MaxCertificates = 1_000;
    private const int MaxCertificateBytes = 64 * 1024;

    public static List<CertificateSeed> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "certificates") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'certificates:' is a list of certificates, each with 'store:' and 'subject:' or 'pem:'");
        if (items.Children.Count > MaxCertificates) throw Error(source, value, $"'certificates:' lists at most {MaxCertificates} certificates");
        return [.. items.Children.Select(item => Read(source, item))];
    }

    private static CertificateSeed Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "a certificate is a mapping with 'store:' and 'subject:' or 'pem:'");
        var fields = YamlText.ScalarFields(source, map, Keys, "certificate");

        string? Field(string name) => fields.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.Value) ? v.Value : null;

        var storeText = Field("store") ?? throw Error(source, map, @"a certificate needs 'store:' (a store such as LocalMachine\Root or Cert:\LocalMachine\My)");
        var parts = storeText.Replace('/', '\\').Trim('\\').Split('\\');
        if (parts.Length == 3 && parts[0].Equals("Cert:", StringComparison.OrdinalIgnoreCase)) parts = parts[1..];
        var location = parts.Length == 2 ? CertificateStores.Location(parts[0]) : null;
        var store = location is null ? null : CertificateStores.Store(location, parts[1]);
        if (store is null)
        {
            throw Error(source, fields["store"], $@"'{storeText}' is not a store: a location (CurrentUser, LocalMachine) and one of its stores, such as LocalMachine\Root");
        }

        var pem = Field("pem");
        var subject = Field("subject");
        if ((pem is null) == (subject is null)) throw Error(source, map, "a certificate has 'subject:' (a stand-in the emulator makes) or 'pem:' (a real certificate), one of them");

        var privateKey = false;
        if (fields.TryGetValue("privateKey", out var keyNode) && !bool.TryParse(keyNode.Value, out privateKey)) throw Error(source, keyNode, "'privateKey' is true or false");

        byte[] raw;
        if (pem is not null)
        {
            foreach (var name in (string[])["notBefore", "notAfter", "dnsName"])
            {
                if (fields.ContainsKey(name)) throw Error(source, fields[name], $"'{name}' is for a stand-in ('subject:'): a 'pem:' certificate has its own");
            }

            raw = ReadPem(pem) ?? throw Error(source, fields["pem"], "'pem' is a certificate: PEM (-----BEGIN CERTIFICATE-----) or base64 DER, at most 64 KB");
        }
        else
        {
            DateTimeOffset? Date(string name) => fields.TryGetValue(name, out var n)
                ? ScalarTags.ParseDateTime(n.Value ?? string.Empty) ?? throw Error(source, n, $"'{name}' is a date and time (2011-03-22T22:05:28Z)")
                : null;

            var notBefore = Date("notBefore") ?? new DateTimeOffset(2018, 9, 15, 0, 0, 0, TimeSpan.Zero);
            var notAfter = Date("notAfter") ?? notBefore.AddYears(25);
            if (notAfter <= notBefore) throw Error(source, fields.TryGetValue("notAfter", out var afterNode) ? afterNode : map, "'notAfter' comes after 'notBefore'");
            var names = Field("dnsName")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
            try
            {
                raw = CertificateStores.StandIn(subject!, names, notBefore, notAfter, location! + "\\" + store);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw Error(source, fields["subject"], $"'{subject}' is not a distinguished name (CN=Name, O=Organization, C=US): {e.Message}");
            }
        }

        return new CertificateSeed(location!, store, new CertificateStores.Stored(raw, Field("friendlyName") ?? string.Empty, privateKey), Field("computer"));
    }

    // The DER of a PEM certificate or of base64 text; null when it is neither, or is not a certificate .NET can read.
    private static byte[]? ReadPem(string text)
    {
        if (text.Length > MaxCertificateBytes * 2) return null;
        byte[] raw;
        try
        {
            var body = text.Contains("-----BEGIN", StringComparison.Ordinal)
                ? PemEncoding.TryFind(text, out var fields) && text[fields.Label].Equals("CERTIFICATE", StringComparison.Ordinal) ? text[fields.Base64Data] : null
                : text;
            if (body is null) return null;
            raw = Convert.FromBase64String(new StringBuilder(body).Replace("\r", null).Replace("\n", null).Replace(" ", null).ToString());
            if (raw.Length > MaxCertificateBytes) return null;
            using var certificate = X509CertificateLoader.LoadCertificate(raw);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }

        return raw;
    }

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}
