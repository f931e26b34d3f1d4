using System.Net.Http.Headers;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Seeded byte changes in the envelopes the client sends for every PowerShell operation (Create, Command, Send,
/// Receive, Signal, Disconnect, Reconnect, Connect, Enumerate, Pull, Delete), posted to a live emulator: each gets
/// WinRM's answer or fault, never the InternalError of an exception the endpoint did not expect.
/// </summary>
public sealed class MutatedWsManRequestTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.MaxReceiveHold = TimeSpan.FromMilliseconds(10);
        options.MaxShellsPerUser = 10_000;
    }

    /// <summary>Keeps a copy of every request body the client sends.</summary>
    private sealed class RecordingHandler(List<byte[]> requests) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null) requests.Add(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static readonly byte[] Noise = "<>\"&/=:#09aZ_- \u0001\u00ff"u8.ToArray();

    [Test]
    public async Task Mutated_envelopes_of_every_powershell_operation_get_winrm_answers_and_no_internal_error()
    {
        // What a client sends through a session's life, recorded.
        var requests = new List<byte[]>();
        using (var transport = new WsManTransport(new WsManClientOptions
        {
            ConnectionUri = Emulator.WsManUri,
            UserName = "psrp",
            Password = "psrp",
            OperationTimeout = TimeSpan.FromSeconds(1),
        }, new RecordingHandler(requests)))
        {
            var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { IdleTimeout = TimeSpan.FromMinutes(5), BufferMode = "Block", Name = "Fuzz" });
            await pool.InvokeAsync("$input | ForEach-Object { $_ }", [PsPrimitive.String("in"), PsPrimitive.Int32(2)]);
            var running = await pool.StartAsync("Write-Output 'a'; Start-Sleep -Seconds 600");
            await pool.DisconnectAsync(TimeSpan.FromMinutes(10), "Drop");
            await pool.ReconnectAsync();
            await pool.DisconnectAsync();
            await RunspacePoolClient.GetShellsAsync(transport);
            await RunspacePoolClient.GetCommandsAsync(transport, pool.ShellId);
            var connected = await RunspacePoolClient.ConnectAsync(transport, pool.ShellId, pool.ResourceUri);
            await connected.ConnectCommandAsync(running.CommandId);
            // A second runspace, or 'second' would wait for the sleeping command (PowerShell's RunspacePool queues it).
            await connected.SetMaxRunspacesAsync(2);
            await connected.InvokeAsync("'second'");
            await connected.CloseAsync();
        }

        var actions = requests.Select(r => WsManEnvelopeReader.Read(r).Header.Action ?? "").Select(a => a[(a.LastIndexOf('/') + 1)..]).Distinct().ToList();
        Assert.That(actions, Is.SupersetOf(new[] { "Create", "Command", "Send", "Receive", "Signal", "Disconnect", "Reconnect", "Connect", "Enumerate", "Delete" }));

        // A shell for the mutated requests to find: every recorded request names the same one.
        using var owner = new WsManTransport(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp", OperationTimeout = TimeSpan.FromSeconds(1) });
        var journalBefore = Emulator.Journal.Snapshot().Count;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("psrp:psrp"u8));
        var random = new Random(Fuzz.Seed(9985));
        for (var i = 0; i < Fuzz.Runs(1500); i++)
        {
            if (i % 60 == 0)
            {
                // Replay the session's own Create (same ShellId) so that later requests meet a live shell again.
                using var create = new ByteArrayContent(requests[0]);
                create.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
                using var created = await http.PostAsync(Emulator.WsManUri, create);
            }

            var bytes = requests[random.Next(requests.Count)].ToArray();
            for (var n = random.Next(1, 4); n > 0; n--) bytes[random.Next(bytes.Length)] = Noise[random.Next(Noise.Length)];
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
            using var response = await http.PostAsync(Emulator.WsManUri, content);
            await response.Content.ReadAsByteArrayAsync();
        }

        var journal = Emulator.Journal.Snapshot().Skip(journalBefore).ToList();
        Assert.That(journal.Count(e => e.Fault is not null), Is.GreaterThan(0).And.LessThan(journal.Count), "some mutations are refused, some still run");
        Assert.That(journal.Where(e => e.Fault == WsManFaultReason.InternalError).Select(e => e.ToString()), Is.Empty);

        // Still a working endpoint.
        var pool2 = await RunspacePoolClient.OpenAsync(owner);
        Assert.That(Outputs(await pool2.InvokeAsync("'still here'")), Is.EqualTo(new[] { "still here" }));
        await pool2.CloseAsync();
    }
}
