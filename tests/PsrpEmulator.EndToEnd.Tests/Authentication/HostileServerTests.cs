using System.Net;
using System.Net.Sockets;
using System.Text;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.EndToEnd.Tests.Authentication;

/// <summary>The client against a hostile server's handshake answers: bounded reads, a transport error, no hang.</summary>
public class HostileServerTests
{
    /// <summary>Answers the first request with <paramref name="head"/> and then streams zeros (chunked or not) until the client goes away.</summary>
    private static async Task ServeAsync(TcpListener listener, string head, bool chunked, CancellationToken cancellationToken)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        var stream = client.GetStream();
        var request = new byte[16 * 1024];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(request, cancellationToken);
            if (read == 0) return;
            seen.Append(Encoding.ASCII.GetString(request, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        byte[] zeros = chunked ? [.. "10000\r\n"u8, .. new byte[0x10000], .. "\r\n"u8] : new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested) await stream.WriteAsync(zeros, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client stopped reading: what the test wants.
        }
    }

    [TestCase("Content-Length: 2000000000", false)]
    [TestCase("Transfer-Encoding: chunked", true)]
    public async Task A_huge_body_on_a_handshake_leg_is_a_transport_error_without_buffering_it(string framing, bool chunked)
    {
        var head = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n" + framing + "\r\n\r\n";
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = ServeAsync(listener, head, chunked, stop.Token);
        using var transport = new WsManTransport(new WsManClientOptions
        {
            ConnectionUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/wsman"),
            UserName = "psrp",
            Password = "psrp",
            Authentication = WsManAuthenticationMechanism.Negotiate,
            RobustConnection = false,
        });

        var open = RunspacePoolClient.OpenAsync(transport);

        Assert.That(await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(15))), Is.SameAs(open), "the client kept reading the body");
        var e = await Assert.ThrowsAsync<WsManTransportException>(() => open);
        Assert.That(e!.Message, Does.Contain("exceeds the maximum"));
        stop.Cancel();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
