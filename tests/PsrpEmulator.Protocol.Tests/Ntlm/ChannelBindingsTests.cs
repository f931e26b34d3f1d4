using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication.ExtendedProtection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PsrpEmulator.Protocol.Ntlm;

namespace PsrpEmulator.Protocol.Tests.Ntlm;

/// <summary>
/// Extended Protection for Authentication (WinRM's CbtHardeningLevel): the channel binding token in an NTLMv2
/// response against the TLS channel's, with .NET's managed NTLM (an implementation nobody here wrote, given the
/// binding of a real TLS connection) and this project's initiator.
/// </summary>
[NonParallelizable]
public class ChannelBindingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    static ChannelBindingsTests() => AppContext.SetSwitch("System.Net.Security.UseManagedNtlm", true);

    private static NtlmAcceptor Acceptor(byte[]? channelBindings, CbtHardeningLevel level) =>
        new("SERVER01", user => user.Equals("psrp", StringComparison.OrdinalIgnoreCase) ? "secret" : null, () => Now)
        {
            ChannelBindingsHash = channelBindings,
            CbtHardeningLevel = level,
        };

    private static X509Certificate2 Certificate(string signature)
    {
        var name = new X500DistinguishedName("CN=localhost");
        CertificateRequest request;
        if (signature.StartsWith("ECDSA", StringComparison.Ordinal))
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            request = new CertificateRequest(name, ecdsa, new HashAlgorithmName(signature["ECDSA-".Length..]));
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        }

        using var rsa = RSA.Create(2048);
        if (signature == "RSA-SHA1")
        {
            // CertificateRequest signs with SHA-2 only; RFC 5929 names SHA-1 certificates, which older servers still have.
            request = new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return request.Create(name, new Sha1RsaSignature(rsa), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1]);
        }

        request = new CertificateRequest(name, rsa, new HashAlgorithmName(signature["RSA-".Length..]), RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>sha1WithRSAEncryption (1.2.840.113549.1.1.5).</summary>
    private sealed class Sha1RsaSignature(RSA key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
            [0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05, 0x05, 0x00];

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);

        protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
    }

    /// <summary>A real TLS connection on loopback whose server presents <paramref name="certificate"/>.</summary>
    private sealed class TlsPair : IAsyncDisposable
    {
        private readonly TcpClient _client = new();
        private TcpClient? _server;
        private SslStream? _serverStream;

        public SslStream Client { get; private set; } = null!;

        public static async Task<TlsPair> ConnectAsync(X509Certificate2 certificate)
        {
            var pair = new TlsPair();
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var accept = listener.AcceptTcpClientAsync();
            await pair._client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            pair._server = await accept;
            pair._serverStream = new SslStream(pair._server.GetStream());
            pair.Client = new SslStream(pair._client.GetStream(), false, (_, _, _, _) => true);
            await Task.WhenAll(
                pair._serverStream.AuthenticateAsServerAsync(certificate),
                pair.Client.AuthenticateAsClientAsync("localhost"));
            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            if (_serverStream is not null) await _serverStream.DisposeAsync();
            _server?.Dispose();
            _client.Dispose();
        }
    }

    /// <summary>.NET's managed NTLM client through a whole handshake with the acceptor; returns the acceptor's refusal, if any.</summary>
    private static NtlmException? DotnetHandshake(ChannelBinding? binding, NtlmAcceptor acceptor)
    {
        using var client = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
        {
            Package = "NTLM",
            Credential = new NetworkCredential("psrp", "secret", "DOMAIN01"),
            TargetName = "HTTP/localhost",
            Binding = binding,
        });
        var negotiate = client.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out var status);
        Assert.That(status, Is.EqualTo(NegotiateAuthenticationStatusCode.ContinueNeeded));
        var authenticate = client.GetOutgoingBlob(acceptor.Challenge(negotiate), out status);
        Assert.That(status, Is.EqualTo(NegotiateAuthenticationStatusCode.Completed));
        try
        {
            acceptor.Authenticate(authenticate);
            return null;
        }
        catch (NtlmException e)
        {
            return e;
        }
    }

    [TestCase("RSA-SHA256")]
    [TestCase("RSA-SHA384")]
    [TestCase("RSA-SHA512")]
    [TestCase("ECDSA-SHA384")]
    public async Task Dotnets_token_for_a_real_TLS_channel_is_the_one_the_acceptor_computes_from_the_server_certificate(string signature)
    {
        using var certificate = Certificate(signature);
        await using var tls = await TlsPair.ConnectAsync(certificate);
        using var binding = tls.Client.TransportContext.GetChannelBinding(ChannelBindingKind.Endpoint);
        Assert.That(binding, Is.Not.Null);
        var acceptor = Acceptor(ChannelBindings.ForServerCertificate(certificate), CbtHardeningLevel.Strict);

        Assert.That(DotnetHandshake(binding, acceptor), Is.Null);
        Assert.That(acceptor.Context, Is.Not.Null);
        Assert.That(acceptor.UserName, Is.EqualTo("psrp"));
    }

    [TestCase(CbtHardeningLevel.Relaxed)]
    [TestCase(CbtHardeningLevel.Strict)]
    public async Task A_token_bound_to_another_certificate_is_refused_as_a_relayed_logon(CbtHardeningLevel level)
    {
        // The client's TLS channel ends at a relay presenting its own certificate; the server's is another.
        using var relay = Certificate("RSA-SHA256");
        using var server = Certificate("RSA-SHA256");
        await using var tls = await TlsPair.ConnectAsync(relay);
        using var binding = tls.Client.TransportContext.GetChannelBinding(ChannelBindingKind.Endpoint);
        var acceptor = Acceptor(ChannelBindings.ForServerCertificate(server), level);

        var refused = DotnetHandshake(binding, acceptor);

        Assert.That(refused?.Reason, Is.EqualTo(NtlmError.ChannelBindingsMismatch));
        Assert.That(acceptor.Context, Is.Null);
    }

    [Test]
    public async Task With_CbtHardeningLevel_None_a_token_for_another_channel_is_not_checked()
    {
        using var relay = Certificate("RSA-SHA256");
        using var server = Certificate("RSA-SHA256");
        await using var tls = await TlsPair.ConnectAsync(relay);
        using var binding = tls.Client.TransportContext.GetChannelBinding(ChannelBindingKind.Endpoint);

        Assert.That(DotnetHandshake(binding, Acceptor(ChannelBindings.ForServerCertificate(server), CbtHardeningLevel.None)), Is.Null);
    }

    [TestCase(CbtHardeningLevel.None, null)]
    [TestCase(CbtHardeningLevel.Relaxed, null)]
    [TestCase(CbtHardeningLevel.Strict, NtlmError.ChannelBindingsMissing)]
    public void A_client_that_sends_no_token_is_refused_only_by_Strict(CbtHardeningLevel level, NtlmError? expected)
    {
        using var certificate = Certificate("RSA-SHA256");

        var refused = DotnetHandshake(binding: null, Acceptor(ChannelBindings.ForServerCertificate(certificate), level));

        Assert.That(refused?.Reason, Is.EqualTo(expected));
    }

    [Test]
    public void Outside_TLS_there_is_no_channel_and_Strict_checks_nothing()
    {
        Assert.That(DotnetHandshake(binding: null, Acceptor(channelBindings: null, CbtHardeningLevel.Strict)), Is.Null);
    }

    [TestCase(CbtHardeningLevel.Relaxed)]
    [TestCase(CbtHardeningLevel.Strict)]
    public void This_projects_initiator_sends_the_token_it_is_given_and_zeros_without_one(CbtHardeningLevel level)
    {
        using var certificate = Certificate("RSA-SHA256");
        var expected = ChannelBindings.ForServerCertificate(certificate);

        NtlmException? Run(byte[]? token)
        {
            var acceptor = Acceptor(expected, level);
            var initiator = new NtlmInitiator("psrp", "secret", "DOMAIN01", "CLIENT") { ChannelBindingsHash = token };
            var challenge = acceptor.Challenge(initiator.Negotiate());
            try
            {
                acceptor.Authenticate(initiator.Authenticate(challenge, Now));
                return null;
            }
            catch (NtlmException e)
            {
                return e;
            }
        }

        Assert.That(Run(expected), Is.Null);
        Assert.That(Run(null)?.Reason, Is.EqualTo(level == CbtHardeningLevel.Strict ? NtlmError.ChannelBindingsMissing : (NtlmError?)null));
        Assert.That(Run(ChannelBindings.ForServerCertificate(Certificate("RSA-SHA384")))?.Reason, Is.EqualTo(NtlmError.ChannelBindingsMismatch));
    }

    [Test]
    public void The_end_point_binding_hashes_the_certificate_by_its_signature_hash_with_SHA1_raised_to_SHA256()
    {
        using var sha1 = Certificate("RSA-SHA1");
        using var sha384 = Certificate("RSA-SHA384");
        using var sha512 = Certificate("ECDSA-SHA512");

        Assert.That(sha1.SignatureAlgorithm.FriendlyName, Is.EqualTo("sha1RSA"));
        Assert.That(ChannelBindings.TlsServerEndPoint(sha1), Is.EqualTo("tls-server-end-point:"u8.ToArray().Concat(SHA256.HashData(sha1.RawData))));
        Assert.That(ChannelBindings.TlsServerEndPoint(sha384), Is.EqualTo("tls-server-end-point:"u8.ToArray().Concat(SHA384.HashData(sha384.RawData))));
        Assert.That(ChannelBindings.TlsServerEndPoint(sha512), Is.EqualTo("tls-server-end-point:"u8.ToArray().Concat(SHA512.HashData(sha512.RawData))));
    }
}
