using System.Security.Cryptography.X509Certificates;

namespace PsrpEmulator.Server.Endpoint;

/// <summary>
/// Certificate authentication as WinRM's <c>winrm/config/service/certmapping</c>: a client certificate presented in
/// the TLS handshake of an HTTPS connection (with <c>Authorization: http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual</c>)
/// logs on as <see cref="User"/> when every given criterion matches. Windows matches the issuing CA's thumbprint and
/// the subject's UPN; here <see cref="Issuer"/> is the issuer's name (no chain is built) and
/// <see cref="Thumbprint"/> can name one certificate.
/// </summary>
public sealed class CertificateMapping
{
    /// <summary>SHA-1 thumbprint of the client certificate (hex, case and spaces ignored).</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The certificate's UPN (subject alternative name), e-mail or common name; <c>*</c> matches any.</summary>
    public string? Subject { get; set; }

    /// <summary>The issuer's common name or distinguished name.</summary>
    public string? Issuer { get; set; }

    /// <summary>A configured user (<c>Users</c>) the certificate logs on as.</summary>
    public string User { get; set; } = string.Empty;

    public bool Matches(X509Certificate2 certificate)
    {
        if (Thumbprint is { Length: > 0 } thumbprint &&
            !string.Equals(Normalize(thumbprint), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase)) return false;
        if (Subject is { Length: > 0 } subject && subject != "*" && !SubjectNames(certificate).Contains(subject, StringComparer.OrdinalIgnoreCase)) return false;
        if (Issuer is { Length: > 0 } issuer &&
            !string.Equals(issuer, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: true), StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(issuer, certificate.Issuer, StringComparison.OrdinalIgnoreCase)) return false;
        return Thumbprint is { Length: > 0 } || Subject is { Length: > 0 };
    }

    internal static string Normalize(string thumbprint) => thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal);

    private static IEnumerable<string> SubjectNames(X509Certificate2 certificate)
    {
        foreach (var type in new[] { X509NameType.UpnName, X509NameType.EmailName, X509NameType.SimpleName })
        {
            var name = certificate.GetNameInfo(type, forIssuer: false);
            if (!string.IsNullOrEmpty(name)) yield return name;
        }
    }
}
