using System.Management.Automation;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Interop.Tests;

/// <summary>
/// The key exchange against PowerShell's own PSRSACryptoServiceProvider (internal, reached by reflection): its client
/// takes our server's session key and our reading of its SecureStrings; our client takes its server's session key.
/// </summary>
public sealed class SessionKeyInteropTests
{
    private static readonly Type Provider = typeof(PSObject).Assembly.GetType("System.Management.Automation.Internal.PSRSACryptoServiceProvider", throwOnError: true)!;

    private static object Call(object target, string method, params object[] arguments) =>
        Provider.GetMethod(method, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.Invoke(target, arguments)!;

    private static IDisposable Create(string factory) =>
        (IDisposable)Provider.GetMethod(factory, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!.Invoke(null, [])!;

    [Test]
    public void PowerShell_s_client_takes_our_session_key_and_we_read_the_SecureStrings_it_encrypts()
    {
        using var client = Create("GetRSACryptoServiceProviderForClient");
        Call(client, "GenerateKeyPair");
        var publicKey = (string)Call(client, "GetPublicKeyAsBase64EncodedString");

        var sessionKey = RandomNumberGenerator.GetBytes(SessionKeys.SessionKeyLength);
        var wrapped = SessionKeys.WrapSessionKey(SessionKeys.ImportPublicKeyBlob(Convert.FromBase64String(publicKey)), sessionKey);
        Call(client, "ImportSessionKeyFromBase64EncodedString", Convert.ToBase64String(wrapped));

        var encrypted = (byte[])Call(client, "EncryptWithSessionKey", Encoding.Unicode.GetBytes("P@ssw0rd-01"));
        Assert.That(SessionKeys.DecryptSecureString(sessionKey, Convert.ToBase64String(encrypted)), Is.EqualTo("P@ssw0rd-01"));
        var ours = Convert.FromBase64String(SessionKeys.EncryptSecureString(sessionKey, "from the server"));
        Assert.That(Encoding.Unicode.GetString((byte[])Call(client, "DecryptWithSessionKey", ours)), Is.EqualTo("from the server"));
    }

    [Test]
    public void Our_client_takes_PowerShell_s_server_session_key()
    {
        using var rsa = RSA.Create(2048);
        using var server = Create("GetRSACryptoServiceProviderForServer");
        Call(server, "ImportPublicKeyFromBase64EncodedString", Convert.ToBase64String(SessionKeys.ExportPublicKeyBlob(rsa.ExportParameters(false))));
        Call(server, "GenerateSessionKey");
        var exported = (string)Call(server, "SafeExportSessionKey");

        var sessionKey = SessionKeys.UnwrapSessionKey(rsa, Convert.FromBase64String(exported));
        var encrypted = (byte[])Call(server, "EncryptWithSessionKey", Encoding.Unicode.GetBytes("secret"));
        Assert.That(SessionKeys.DecryptSecureString(sessionKey, Convert.ToBase64String(encrypted)), Is.EqualTo("secret"));
    }
}
