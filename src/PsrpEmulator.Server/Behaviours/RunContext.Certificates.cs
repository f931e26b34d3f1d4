using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The Cert: drive (the Certificate provider) over the computer's stores (<see cref="CertificateStores"/>): Test-Path,
/// Get-Item and Get-ChildItem of <c>Cert:\</c> (the locations), <c>Cert:\LocalMachine</c> (its stores),
/// <c>Cert:\LocalMachine\My</c> (its certificates; <c>-Recurse</c>, wildcards, the provider's <c>-DnsName</c>,
/// <c>-SSLServerAuthentication</c>, <c>-CodeSigningCert</c>, <c>-DocumentEncryptionCert</c>, <c>-Eku</c> and
/// <c>-ExpiringInDays</c>) and a certificate by thumbprint, and Remove-Item of one;
/// with the PKI module's New-SelfSignedCertificate (<c>-DnsName</c>, <c>-Subject</c>, <c>-CertStoreLocation</c>,
/// <c>-FriendlyName</c>, <c>-NotAfter</c>), Export-Certificate (DER) and Import-Certificate (DER or PEM). A certificate
/// is the X509Certificate2 5.1 writes: in the session every property (Thumbprint, Subject, NotAfter, DnsNameList,
/// EnhancedKeyUsageList...), on the wire its RawData and the provider's notes only (types.ps1xml's SpecificProperties),
/// from which PowerShell rebuilds it. Other stores' edits (Move-Item, New-Item of a store), PFX files and certificate
/// requests are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal const string X509Certificate2TypeName = "System.Security.Cryptography.X509Certificates.X509Certificate2";

    private static readonly string[] CertificateTypeNames = [X509Certificate2TypeName, "System.Security.Cryptography.X509Certificates.X509Certificate", "System.Object"];

    private const string CertificateProvider = @"Microsoft.PowerShell.Security\Certificate";

    [GeneratedRegex(@"^['""]?(?:Microsoft\.PowerShell\.Security\\)?(?:Certificate::|Cert:)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CertificateDrive();

    internal static readonly string[] CertificateCommands = ["New-SelfSignedCertificate", "Export-Certificate", "Import-Certificate"];

    private static readonly HashSet<string> CertificateCommandNames = new(CertificateCommands, StringComparer.Ordinal);

    private static bool IsCertificateDriveCommand(string command, StageArguments arguments) =>
        command is "Test-Path" or "Get-Item" or "Get-ChildItem" or "Remove-Item" &&
        (arguments["LiteralPath"] ?? arguments["Path"]) is { } word && CertificateDrive().IsMatch(word);

    /// <summary>A path on the drive, as typed after it: the location, store and thumbprint given (null past what it names).</summary>
    private sealed record CertificatePath(string? Location, string? Store, string? Thumbprint);

    private static CertificatePath? ParseCertificatePath(string path)
    {
        var match = CertificateDrive().Match(path);
        var rest = path[match.Length..].Trim('\'', '"').Replace('/', '\\').Trim('\\');
        var parts = rest.Length == 0 ? [] : rest.Split('\\');
        return parts.Length > 3 ? null : new CertificatePath(parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1), parts.ElementAtOrDefault(2));
    }

    private async ValueTask CertificateDriveAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var stores = Host.CertificateStores ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {arguments["LiteralPath"] ?? arguments["Path"]}: the Cert: drive needs a computer's session"));
        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(value), cancellationToken);
        var recurse = arguments.Has("Recurse");
        var dnsName = arguments["DnsName"] is { } dnsWord ? PipelineVariables.Display(await ArgumentAsync(dnsWord, to, blockNesting)) : null;
        var expiringInDays = arguments["ExpiringInDays"] is { } daysWord && ScriptExpressions.AsNumberOrNull(await ArgumentAsync(daysWord, to, blockNesting)) is { } days ? days : (double?)null;
        var serverAuthentication = arguments.Has("SSLServerAuthentication");
        var codeSigning = arguments.Has("CodeSigningCert");
        var documentEncryption = arguments.Has("DocumentEncryptionCert");
        // -Eku: the usages' names or OIDs, each as a pattern; a certificate must have them all.
        var usages = arguments["Eku"] is { } ekuWord ? await ArgumentTextsAsync(ekuWord, to, blockNesting) : [];

        // The provider's filters of Get-ChildItem (certificates only).
        var filtered = dnsName is not null || expiringInDays is not null || serverAuthentication || codeSigning || documentEncryption || usages.Count > 0;
        bool Chosen(CertificateStores.Stored certificate)
        {
            // Without a filter every certificate is chosen, and none is parsed for it (CertificateObject parses it).
            if (!filtered) return true;
            using var parsed = X509CertificateLoader.LoadCertificate(certificate.RawData);
            if (dnsName is not null && !DnsNames(parsed).Any(n => VirtualFileSystem.Wildcard(dnsName).IsMatch(n))) return false;
            var has = Usages(parsed);
            if (serverAuthentication && !has.Any(u => u.Oid == "1.3.6.1.5.5.7.3.1")) return false;
            if (codeSigning && !has.Any(u => u.Oid == "1.3.6.1.5.5.7.3.3")) return false;
            if (documentEncryption && !has.Any(u => u.Oid == "1.3.6.1.4.1.311.80.1")) return false;
            if (!usages.TrueForAll(wanted => has.Any(u => VirtualFileSystem.Wildcard(wanted).IsMatch(u.Name) || VirtualFileSystem.Wildcard(wanted).IsMatch(u.Oid)))) return false;
            return expiringInDays is not { } within || (parsed.NotAfter.ToUniversalTime() > Time.GetUtcNow().UtcDateTime && parsed.NotAfter.ToUniversalTime() <= Time.GetUtcNow().UtcDateTime.AddDays(within));
        }

        foreach (var given in await ArgumentTextsAsync(arguments["LiteralPath"] ?? arguments["Path"], to, blockNesting))
        {
            var path = ParseCertificatePath(given);
            var location = path?.Location is { } l ? CertificateStores.Location(l) : null;
            var store = location is not null && path!.Store is { } s ? CertificateStores.Store(location, s) : null;
            var pattern = path?.Thumbprint is { } t ? VirtualFileSystem.Wildcard(t) : null;
            var certificates = store is null ? [] : stores.List(location!, store).Where(c => pattern is null || pattern.IsMatch(c.Thumbprint)).ToList();
            var exists = path is not null && (path.Location is null || location is not null && (path.Store is null || store is not null && (path.Thumbprint is null || certificates.Count > 0)));
            if (command == "Test-Path")
            {
                await Write(PsPrimitive.Boolean(exists));
                continue;
            }

            if (!exists)
            {
                await WriteErrorAsync(PathNotFound(command, given.Trim('\'', '"')), output);
                continue;
            }

            var typedLocation = path!.Location ?? string.Empty;
            var typedStore = path.Store ?? string.Empty;
            switch (command)
            {
                case "Remove-Item":
                    if (path.Thumbprint is null) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Remove-Item {given}: removing a certificate store is not emulated: give the command a rule"));
                    foreach (var certificate in certificates)
                    {
                        if (await WhatIfAsync(arguments, "Remove certificate", $"Item: {CertificateProvider}::{typedLocation}\\{typedStore}\\{certificate.Thumbprint}")) continue;
                        stores.Remove(location!, store!, certificate.Thumbprint);
                    }

                    break;
                case "Get-Item":
                    if (path.Location is null) await Write(CertificateRootObject());
                    else if (path.Store is null) await Write(StoreLocationObject(location!, typedLocation));
                    else if (path.Thumbprint is null) await Write(StoreObject(location!, store!, typedLocation, typedStore));
                    else foreach (var certificate in certificates) await Write(CertificateObject(certificate, typedLocation, typedStore));
                    break;
                default:
                    // Get-ChildItem: a level's children (a certificate is its own), the levels below with -Recurse.
                    if (path.Thumbprint is not null)
                    {
                        foreach (var certificate in certificates.Where(Chosen)) await Write(CertificateObject(certificate, typedLocation, typedStore));
                        break;
                    }

                    foreach (var (atLocation, shownLocation) in path.Location is null ? CertificateStores.Locations.Select(x => (x, x)) : [(location!, typedLocation)])
                    {
                        if (path.Location is null)
                        {
                            await Write(StoreLocationObject(atLocation, shownLocation));
                            if (!recurse) continue;
                        }

                        foreach (var (atStore, shownStore) in path.Store is null ? CertificateStores.Stores(atLocation).Select(x => (x, x)) : [(store!, typedStore)])
                        {
                            if (path.Store is null) await Write(StoreObject(atLocation, atStore, shownLocation, shownStore));
                            if (path.Store is null && !recurse) continue;
                            foreach (var certificate in stores.List(atLocation, atStore).Where(Chosen)) await Write(CertificateObject(certificate, shownLocation, shownStore));
                        }
                    }

                    break;
            }
        }
    }

    private async ValueTask RunCertificateCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var stores = Host.CertificateStores ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        ValueTask<List<string>?> Texts(string parameter) => OptionalTextsAsync(arguments, parameter, to, blockNesting);

        // -CertStoreLocation: a store of the drive (Cert:\LocalMachine\My).
        async ValueTask<(string Location, string Store, string TypedLocation, string TypedStore)> StoreOf(string? fallback)
        {
            var given = (await Texts("CertStoreLocation"))?.LastOrDefault() ?? fallback ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "CertStoreLocation"));
            if (ParseCertificatePath(given) is { Location: { } l, Store: { } s, Thumbprint: null } && CertificateStores.Location(l) is { } location && CertificateStores.Store(location, s) is { } store)
            {
                return (location, store, l, s);
            }

            throw new StatementTerminatedException(new ScriptedError($"Cannot find path '{given}' because it does not exist.", $"PathNotFound,{command}",
                ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", given) { Activity = command });
        }

        switch (command)
        {
            case "New-SelfSignedCertificate":
            {
                RefuseNotEmulated(command, arguments, "CloneCert", "Signer", "TextExtension", "Type", "KeyAlgorithm", "KeyLength", "Provider", "Container", "Pin", "Reader", "SmimeCapabilities");
                var names = (await Texts("DnsName"))?.SelectMany(n => n.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList() ?? [];
                var subject = (await Texts("Subject"))?.LastOrDefault() is { } given ? (given.Contains('=', StringComparison.Ordinal) ? given : "CN=" + given) : names.Count > 0 ? "CN=" + names[0] : null;
                if (subject is null)
                {
                    throw new StatementTerminatedException(new ScriptedError("At least one of the parameters Subject, DnsName or CloneCert must be specified.", $"System.ArgumentException,{command}",
                        ErrorCategory.InvalidArgument, "System.ArgumentException") { Activity = command });
                }

                var (location, store, typedLocation, typedStore) = await StoreOf(@"Cert:\LocalMachine\My");
                DateTimeOffset? notAfter = (await Texts("NotAfter"))?.LastOrDefault() is { } after && DateTimeOffset.TryParse(after, EnglishUnitedStates.Culture, System.Globalization.DateTimeStyles.AssumeUniversal, out var until) ? until : null;
                byte[] raw;
                try
                {
                    raw = CertificateStores.NewSelfSigned(subject, names, Time.GetUtcNow(), notAfter);
                }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    throw new StatementTerminatedException(new ScriptedError(e.Message, $"System.ArgumentException,{command}", ErrorCategory.InvalidArgument, "System.ArgumentException") { Activity = command });
                }

                var stored = new CertificateStores.Stored(raw, (await Texts("FriendlyName"))?.LastOrDefault() ?? string.Empty, HasPrivateKey: true);
                stores.Add(location, store, stored);
                await output.WriteAsync(new PipelineOutput(CertificateObject(stored, typedLocation, typedStore)), cancellationToken);
                return;
            }

            case "Export-Certificate":
            {
                RefuseNotEmulated(command, arguments, "NoClobber", "Force");
                if ((await Texts("Type"))?.LastOrDefault() is { } type && !type.Equals("CERT", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Export-Certificate -Type {type} is not emulated (CERT is): give the command a rule"));
                }

                var certificate = arguments["Cert"] is { } certWord ? await ArgumentAsync(certWord, to, blockNesting) : throw new StatementTerminatedException(FunctionMissingParameter(command, "Cert"));
                var file = (await Texts("FilePath"))?.LastOrDefault() ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "FilePath"));
                if (certificate is not PsObject { TypeNames: [X509Certificate2TypeName, ..] } cert || ScriptExpressions.ByteArrayOf(cert["RawData"]) is not { } raw)
                {
                    throw new StatementTerminatedException(ParameterError(command, "Cannot bind parameter 'Cert'. The value is not a certificate.", "CannotConvertArgumentNoMessage"));
                }

                var disk = Disk(command);
                var full = VirtualFileSystem.FullPath(file, CurrentDirectory, out _) ?? file;
                if (disk.Write(full, raw, FileWriteMode.Create) is not FileSystemFailure.None and var failure)
                {
                    await WriteErrorAsync(IoError(command, "ExportCertificate", failure, full), output);
                    return;
                }

                await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(full)!, nameText: false)), cancellationToken);
                return;
            }

            default:
            {
                // Import-Certificate -FilePath x -CertStoreLocation Cert:\LocalMachine\Root.
                var file = (await Texts("FilePath"))?.LastOrDefault() ?? throw new StatementTerminatedException(FunctionMissingParameter(command, "FilePath"));
                var (location, store, typedLocation, typedStore) = await StoreOf(null);
                var disk = Disk(command);
                var full = VirtualFileSystem.FullPath(file, CurrentDirectory, out _) ?? file;
                if (disk.Read(full, out var content) is not FileSystemFailure.None)
                {
                    await WriteErrorAsync(PathNotFound(command, full), output);
                    return;
                }

                byte[] raw;
                try
                {
                    using var parsed = X509CertificateLoader.LoadCertificate(PemBody(content) ?? content);
                    raw = parsed.RawData;
                }
                catch (CryptographicException)
                {
                    await WriteErrorAsync(new ScriptedError("Cannot find the requested object. 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)", $"System.Runtime.InteropServices.COMException,{command}",
                        ErrorCategory.NotSpecified, "System.Runtime.InteropServices.COMException") { Activity = command }, output);
                    return;
                }

                var stored = new CertificateStores.Stored(raw, string.Empty, HasPrivateKey: false);
                stores.Add(location, store, stored);
                await output.WriteAsync(new PipelineOutput(CertificateObject(stored, typedLocation, typedStore)), cancellationToken);
                return;
            }
        }
    }

    // A PEM file's DER (-----BEGIN CERTIFICATE----- base64 -----END...); null for anything else.
    private static byte[]? PemBody(byte[] content)
    {
        var text = Encoding.ASCII.GetString(content);
        var begin = text.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = text.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
        if (begin < 0 || end < begin) return null;
        try
        {
            return Convert.FromBase64String(text[(begin + 27)..end]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // ---- objects ----

    private static List<string> DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];

    // The enhanced key usages with the names Windows gives them.
    private static List<(string Name, string Oid)> Usages(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => (o.Value switch
        {
            "1.3.6.1.5.5.7.3.1" => "Server Authentication",
            "1.3.6.1.5.5.7.3.2" => "Client Authentication",
            "1.3.6.1.5.5.7.3.3" => "Code Signing",
            "1.3.6.1.5.5.7.3.4" => "Secure Email",
            "1.3.6.1.5.5.7.3.8" => "Time Stamping",
            _ => o.FriendlyName ?? string.Empty,
        }, o.Value ?? string.Empty))];

    /// <summary>
    /// An X509Certificate2 as the provider writes it: its notes (PSPath on the path as typed), the type table's members,
    /// then the .NET properties in 5.1's order; its text .NET Framework's X509Certificate.ToString().
    /// </summary>
    private PsObject CertificateObject(CertificateStores.Stored stored, string typedLocation, string typedStore)
    {
        using var parsed = X509CertificateLoader.LoadCertificate(stored.RawData);
        var culture = EnglishUnitedStates.Culture;
        var notBefore = new DateTimeOffset(parsed.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(parsed.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var text = $"[Subject]\r\n  {parsed.Subject}\r\n\r\n[Issuer]\r\n  {parsed.Issuer}\r\n\r\n[Serial Number]\r\n  {parsed.SerialNumber}\r\n\r\n" +
            $"[Not Before]\r\n  {notBefore.DateTime.ToString(culture)}\r\n\r\n[Not After]\r\n  {notAfter.DateTime.ToString(culture)}\r\n\r\n[Thumbprint]\r\n  {stored.Thumbprint}\r\n";
        var parent = $"{CertificateProvider}::{typedLocation}\\{typedStore}";
        var o = new PsObject(CertificateTypeNames) { ToStringValue = text }
            .With("PSPath", parent + "\\" + stored.Thumbprint)
            .With("PSParentPath", parent)
            .With("PSChildName", stored.Thumbprint)
            .With("PSDrive", CertificateDriveObject())
            .With("PSProvider", CertificateProviderObject())
            .With("PSIsContainer", false)
            .With("EnhancedKeyUsageList", PsObjects.List([.. Usages(parsed).Select(u => (PsValue)UsageObject(u.Name, u.Oid))],
                ["System.Collections.Generic.List`1[[Microsoft.CertificateServices.Commands.EnhancedKeyUsageRepresentation, Microsoft.CertificateServices.Commands, Version=10.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]))
            .With("DnsNameList", PsObjects.List([.. DnsNames(parsed).Select(n => (PsValue)DnsNameObject(n))],
                ["System.Collections.Generic.List`1[[Microsoft.CertificateServices.Commands.DnsNameRepresentation, Microsoft.CertificateServices.Commands, Version=10.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]))
            .With("SendAsTrustedIssuer", false)
            .With("EnrollmentPolicyEndPoint", EnrollmentEndPoint())
            .With("EnrollmentServerEndPoint", EnrollmentEndPoint())
            .With("PolicyId", PsNil.Instance);
        o.AdaptedProperties.AddRange(
        [
            new("Archived", PsPrimitive.Boolean(false)),
            new("Extensions", PsObjects.List([.. parsed.Extensions.Select(e => (PsValue)PsPrimitive.String(e.GetType().FullName!))],
                ["System.Security.Cryptography.X509Certificates.X509ExtensionCollection", "System.Object"])),
            new("FriendlyName", PsPrimitive.String(stored.FriendlyName)),
            new("IssuerName", DistinguishedNameObject(parsed.IssuerName)),
            new("NotAfter", PsPrimitive.DateTime(notAfter)),
            new("NotBefore", PsPrimitive.DateTime(notBefore)),
            new("HasPrivateKey", PsPrimitive.Boolean(stored.HasPrivateKey)),
            new("PrivateKey", stored.HasPrivateKey ? new PsObject(["System.Security.Cryptography.RSACryptoServiceProvider", "System.Object"]) { ToStringValue = "System.Security.Cryptography.RSACryptoServiceProvider" } : PsNil.Instance),
            new("PublicKey", new PsObject(["System.Security.Cryptography.X509Certificates.PublicKey", "System.Object"]) { ToStringValue = "System.Security.Cryptography.X509Certificates.PublicKey" }),
            new("RawData", ScriptExpressions.ByteArray(stored.RawData)),
            new("SerialNumber", PsPrimitive.String(parsed.SerialNumber)),
            new("SubjectName", DistinguishedNameObject(parsed.SubjectName)),
            new("SignatureAlgorithm", OidObject(parsed.SignatureAlgorithm)),
            new("Thumbprint", PsPrimitive.String(stored.Thumbprint)),
            new("Version", PsPrimitive.Int32(parsed.Version)),
            new("Handle", PsPrimitive.Int64(0)),
            new("Issuer", PsPrimitive.String(parsed.Issuer)),
            new("Subject", PsPrimitive.String(parsed.Subject)),
        ]);
        return o;

        static PsObject EnrollmentEndPoint()
        {
            var endPoint = new PsObject(["Microsoft.CertificateServices.Commands.EnrollmentEndPointProperty", "System.Object"]) { ToStringValue = "Microsoft.CertificateServices.Commands.EnrollmentEndPointProperty" };
            endPoint.AdaptedProperties.AddRange([new("FriendlyName", PsNil.Instance), new("Url", PsNil.Instance)]);
            return endPoint;
        }
    }

    // An enhanced key usage of EnhancedKeyUsageList: its FriendlyName and ObjectId, its text "Name (OID)".
    private static PsObject UsageObject(string name, string oid)
    {
        var o = new PsObject(["Microsoft.CertificateServices.Commands.EnhancedKeyUsageRepresentation", "System.ValueType", "System.Object"])
        {
            ToStringValue = name.Length == 0 ? oid : $"{name} ({oid})",
        };
        o.AdaptedProperties.AddRange([new("FriendlyName", PsPrimitive.String(name)), new("ObjectId", PsPrimitive.String(oid))]);
        return o;
    }

    // A name of DnsNameList: its Punycode and Unicode forms, its text the name (both forms when they differ).
    private static PsObject DnsNameObject(string name)
    {
        var unicode = name;
        try
        {
            unicode = new System.Globalization.IdnMapping().GetUnicode(name);
        }
        catch (ArgumentException)
        {
            // Not a name IDNA can read: both forms are the text as given.
        }

        var o = new PsObject(["Microsoft.CertificateServices.Commands.DnsNameRepresentation", "System.ValueType", "System.Object"])
        {
            ToStringValue = unicode == name ? name : $"{unicode} ({name})",
        };
        o.AdaptedProperties.AddRange([new("Punycode", PsPrimitive.String(name)), new("Unicode", PsPrimitive.String(unicode))]);
        return o;
    }

    private static PsObject DistinguishedNameObject(X500DistinguishedName name)
    {
        var o = new PsObject(["System.Security.Cryptography.X509Certificates.X500DistinguishedName", "System.Security.Cryptography.AsnEncodedData", "System.Object"])
        {
            ToStringValue = "System.Security.Cryptography.X509Certificates.X500DistinguishedName",
        };
        o.AdaptedProperties.AddRange([new("Name", PsPrimitive.String(name.Name)), new("Oid", PsNil.Instance), new("RawData", ScriptExpressions.ByteArray(name.RawData))]);
        return o;
    }

    private static PsObject OidObject(Oid oid)
    {
        var name = oid.Value switch { "1.2.840.113549.1.1.11" => "sha256RSA", "1.2.840.113549.1.1.5" => "sha1RSA", "1.2.840.10045.4.3.2" => "sha256ECDSA", _ => oid.FriendlyName };
        var o = new PsObject(["System.Security.Cryptography.Oid", "System.Object"]) { ToStringValue = "System.Security.Cryptography.Oid" };
        o.AdaptedProperties.AddRange([new("Value", PsPrimitive.String(oid.Value ?? string.Empty)), new("FriendlyName", name is null ? PsNil.Instance : PsPrimitive.String(name))]);
        return o;
    }

    // The drive and the provider as an item's PSDrive and PSProvider notes (a 5.1 export of a certificate shows them so).
    private static PsObject CertificateDriveObject() => DriveInfoObject("Cert", CertificateProvider, "\\", "X509 Certificate Provider", string.Empty, null);

    private static PsObject CertificateProviderObject() => ProviderInfoObject(CertificateProvider, "Microsoft.PowerShell.Commands.CertificateProvider",
        "Microsoft.PowerShell.Security.dll-Help.xml", "Certificate", PsNil.Instance, "Microsoft.PowerShell.Security", PsPrimitive.String("Microsoft.PowerShell.Security"), "ShouldProcess", string.Empty, PsPrimitive.String("Cert"));

    // Cert:\ itself (Get-Item Cert:\): the provider's root container.
    private static PsObject CertificateRootObject() =>
        new PsObject(["Microsoft.PowerShell.Commands.X509StoreLocation", "System.Object"]) { ToStringValue = "Microsoft.PowerShell.Commands.X509StoreLocation" }
            .With("PSPath", CertificateProvider + "::")
            .With("PSChildName", string.Empty)
            .With("PSIsContainer", true);

    private static PsObject StoreLocationObject(string location, string typed)
    {
        var names = PsObjects.Dictionary([.. CertificateStores.Stores(location).Select(s => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(s), PsPrimitive.Boolean(true)))]);
        var o = new PsObject(["Microsoft.PowerShell.Commands.X509StoreLocation", "System.Object"]) { ToStringValue = "Microsoft.PowerShell.Commands.X509StoreLocation" }
            .With("PSPath", $"{CertificateProvider}::{typed}")
            .With("PSParentPath", string.Empty)
            .With("PSChildName", typed)
            .With("PSDrive", CertificateDriveObject())
            .With("PSProvider", CertificateProviderObject())
            .With("PSIsContainer", true);
        o.AdaptedProperties.AddRange([new("Location", PsObjects.Enum("System.Security.Cryptography.X509Certificates.StoreLocation", location, location == "CurrentUser" ? 1 : 2)), new("StoreNames", names)]);
        return o;
    }

    private static PsObject StoreObject(string location, string store, string typedLocation, string typedStore)
    {
        var o = new PsObject(["System.Security.Cryptography.X509Certificates.X509Store", "System.Object"]) { ToStringValue = "System.Security.Cryptography.X509Certificates.X509Store" }
            .With("PSPath", $"{CertificateProvider}::{typedLocation}\\{typedStore}")
            .With("PSParentPath", $"{CertificateProvider}::{typedLocation}")
            .With("PSChildName", typedStore)
            .With("PSDrive", CertificateDriveObject())
            .With("PSProvider", CertificateProviderObject())
            .With("PSIsContainer", true);
        o.AdaptedProperties.AddRange(
        [
            new("StoreHandle", PsPrimitive.Int64(0)),
            new("Location", PsObjects.Enum("System.Security.Cryptography.X509Certificates.StoreLocation", location, location == "CurrentUser" ? 1 : 2)),
            new("Name", PsPrimitive.String(store)),
        ]);
        return o;
    }
}
