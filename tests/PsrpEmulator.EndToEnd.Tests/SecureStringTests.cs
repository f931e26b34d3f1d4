using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// A credential a client passes to a remote script: its password travels as a SecureString encrypted with the session
/// key the client exchanged (PUBLIC_KEY / ENCRYPTED_SESSION_KEY), and the script reads it as Windows PowerShell does.
/// </summary>
public class SecureStringTests : EmulatorTestBase
{
    [Test]
    public async Task A_credential_argument_encrypted_with_the_session_key_is_read_by_GetNetworkCredential()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var key = await pool.GetSessionKeyAsync();
        var credential = new PsObject(["System.Management.Automation.PSCredential", "System.Object"])
            .With("UserName", @"CONTOSO\deploy")
            .With("Password", PsPrimitive.SecureString(SessionKeys.EncryptSecureString(key, "S3cret!")));
        var create = new CreatePipeline([new PipelineCommand(
            "param($c) $n = $c.GetNetworkCredential(); $n.Domain; $n.UserName; $n.Password; [Runtime.InteropServices.Marshal]::PtrToStringAuto([Runtime.InteropServices.Marshal]::SecureStringToBSTR($c.Password))",
            IsScript: true, [new PipelineArgument(null, credential)])], NoInput: true);

        var pipeline = await pool.StartAsync(create);
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);

        Assert.That(Outputs(events), Is.EqualTo(new[] { "CONTOSO", "deploy", "S3cret!", "S3cret!" }));
    }

    /// <summary>
    /// A SecureString handed to the library as text (PlainSecureStrings) is sent encrypted with each session's own key,
    /// exchanged first; the caller's value is copied, not changed, so it can go to another session too.
    /// </summary>
    [Test]
    public async Task A_plain_SecureString_argument_is_encrypted_for_each_session_it_goes_to()
    {
        var credential = new PsObject(["System.Management.Automation.PSCredential", "System.Object"])
            .With("UserName", "u")
            .With("Password", PlainSecureStrings.Create("per session"));
        var script = new RemoteScript("param($c) $c.GetNetworkCredential().Password") { Arguments = [credential] };

        var outputs = new List<string>();
        for (var session = 0; session < 2; session++)
        {
            using var transport = CreateTransport();
            await using var pool = await RunspacePoolClient.OpenAsync(transport);
            var pipeline = await pool.StartAsync(script);
            var events = new List<PipelineEvent>();
            await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
            outputs.AddRange(Outputs(events));
            Assert.That(pool.SessionKey, Is.Not.Null, "the key was exchanged before the argument went");
        }

        Assert.That(outputs, Is.EqualTo(new[] { "per session", "per session" }));
        Assert.That(PlainSecureStrings.Contains(credential), Is.True, "the caller's value is left as it was");
    }

    [Test]
    public async Task A_SecureString_the_session_makes_goes_back_to_the_client_readable_with_the_session_key()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var key = await pool.GetSessionKeyAsync();

        var events = await pool.InvokeAsync("ConvertTo-SecureString 'made here' -AsPlainText -Force");

        var secure = events.OfType<OutputEvent>().Select(o => o.Value).OfType<PsPrimitive>().Single();
        Assert.That(secure.Type, Is.EqualTo(PsPrimitiveType.SecureString));
        Assert.That(SessionKeys.DecryptSecureString(key, (string)secure.Value), Is.EqualTo("made here"));
    }

    /// <summary>
    /// The session encrypts a SecureString it outputs before the client has exchanged a key (Windows PowerShell's
    /// server makes the session key then, GenerateSessionKey), and the client runs the exchange as it reads the value,
    /// as PowerShell's deserializer does: the key it gets is the one the value was encrypted with.
    /// </summary>
    [Test]
    public async Task A_SecureString_output_before_any_key_exchange_is_read_with_the_key_the_client_then_exchanges()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        Assert.That(pool.SessionKey, Is.Null);

        var events = await pool.InvokeAsync("ConvertTo-SecureString 'made first' -AsPlainText -Force; 'after'");

        var outputs = events.OfType<OutputEvent>().Select(o => o.Value).ToList();
        Assert.That(outputs, Has.Count.EqualTo(2));
        var secure = (PsPrimitive)outputs[0];
        Assert.That(secure.Type, Is.EqualTo(PsPrimitiveType.SecureString));
        Assert.That(pool.SessionKey, Is.Not.Null, "the client exchanged a key on reading the SecureString");
        Assert.That(SessionKeys.DecryptSecureString(pool.SessionKey!, (string)secure.Value), Is.EqualTo("made first"));
        Assert.That(outputs[1], Is.EqualTo(PsPrimitive.String("after")));
    }

    [Test]
    public async Task Output_without_a_SecureString_exchanges_no_key()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        await pool.InvokeAsync("'<SS>'; 'SS'");

        Assert.That(pool.SessionKey, Is.Null);
    }
}
