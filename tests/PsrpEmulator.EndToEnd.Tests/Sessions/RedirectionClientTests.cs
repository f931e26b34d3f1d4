using System.Net;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>Redirection rules of the client that need no real server (the scenarios under scenarios/redirection run the rest end to end).</summary>
public class RedirectionClientTests
{
    private sealed class RedirectingHandler(string location) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request.RequestUri!);
            var response = new HttpResponseMessage(HttpStatusCode.Redirect);
            response.Headers.TryAddWithoutValidation("Location", location);
            return Task.FromResult(response);
        }
    }

    private static (PSRemotingClient Client, RedirectingHandler Handler, List<string> Warnings) ClientRedirectingTo(string location)
    {
        var handler = new RedirectingHandler(location);
        var warnings = new List<string>();
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TransportFactory = options => new WsManTransport(options, handler),
            Warning = warnings.Add,
        });
        return (client, handler, warnings);
    }

    [Test]
    public async Task An_https_connection_redirected_to_http_is_refused_without_sending_anything_in_clear()
    {
        var (client, handler, warnings) = ClientRedirectingTo("http://pod01.example.com/powershell");
        await using var _ = client;

        var error = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.NewSessionAsync(RemoteTarget.FromUri(new Uri("https://outlook.example.com/powershell")), new PSCredential("u", "p"), allowRedirection: true));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("RedirectedURIInsecure,PSSessionOpenFailed"));
        Assert.That(error.Message, Does.Contain("\"http://pod01.example.com/powershell\""));
        Assert.That(handler.Requests.Select(r => r.Scheme), Is.All.EqualTo("https"));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public async Task An_https_connection_redirected_to_https_is_followed_with_a_warning()
    {
        var (client, handler, warnings) = ClientRedirectingTo("https://pod01.example.com/powershell");
        await using var _ = client;
        var option = new PSSessionOption { MaximumConnectionRedirectionCount = 1 };

        var error = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.NewSessionAsync(RemoteTarget.FromUri(new Uri("https://outlook.example.com/powershell")), new PSCredential("u", "p"), sessionOption: option, allowRedirection: true));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("RedirectInformationRequired,PSSessionOpenFailed"));
        Assert.That(handler.Requests.Select(r => r.Host), Is.EqualTo(new[] { "outlook.example.com", "pod01.example.com" }));
        Assert.That(warnings, Is.EqualTo(new[] { "Your connection has been redirected to the following URI: \"https://pod01.example.com/powershell\"" }));
    }

    [Test]
    public async Task A_session_query_redirected_without_AllowRedirection_is_RedirectInformationRequired_and_nothing_follows()
    {
        var (client, handler, warnings) = ClientRedirectingTo("http://pod01.example.com/wsman");
        await using var _ = client;

        var error = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.GetRemoteSessionsAsync(RemoteTarget.FromUri(new Uri("http://outlook.example.com/wsman")), new PSCredential("u", "p")));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("RedirectInformationRequired,RemotePSSessionQueryFailed"));
        Assert.That(error.Message, Does.StartWith("The remote session query failed for outlook.example.com with the following error message:"));
        Assert.That(error.Message, Does.Contain("Redirect location reported: http://pod01.example.com/wsman."));
        Assert.That(handler.Requests.Select(r => r.Host), Is.EqualTo(new[] { "outlook.example.com" }));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public async Task A_receive_query_with_AllowRedirection_follows_up_to_the_option_count_then_fails()
    {
        var (client, handler, warnings) = ClientRedirectingTo("http://pod01.example.com/wsman");
        await using var _ = client;
        var option = new PSSessionOption { MaximumConnectionRedirectionCount = 2 };

        var error = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.ReceiveAsync(RemoteTarget.FromUri(new Uri("http://outlook.example.com/wsman")), new PSCredential("u", "p"), name: "Task",
                sessionOption: option, allowRedirection: true));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("RedirectInformationRequired,ReceivePSSessionQueryForSessionFailed"));
        Assert.That(handler.Requests.Select(r => r.Host), Is.EqualTo(new[] { "outlook.example.com", "pod01.example.com", "pod01.example.com" }));
        Assert.That(warnings, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_session_query_redirected_from_https_to_http_is_refused()
    {
        var (client, handler, _) = ClientRedirectingTo("http://pod01.example.com/wsman");
        await using var __ = client;

        var error = await Assert.ThrowsAsync<PSRemotingException>(() =>
            client.ConnectAsync(RemoteTarget.FromUri(new Uri("https://outlook.example.com/wsman")), new PSCredential("u", "p"), name: "Task", allowRedirection: true));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("RedirectedURIInsecure,RemotePSSessionQueryFailed"));
        Assert.That(handler.Requests.Select(r => r.Scheme), Is.All.EqualTo("https"));
    }
}
