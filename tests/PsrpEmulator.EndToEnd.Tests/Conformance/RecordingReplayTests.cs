using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Replay;
using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

public partial class RecordedTrafficConformanceTests
{
    private const string UnknownShellReceive = """
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header><a:To>http://127.0.0.1/wsman</a:To><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize><a:MessageID>uuid:3C0D4C8E-2C8A-4E61-9D3B-2A8F2F0E6B11</a:MessageID><w:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/powershell/Microsoft.PowerShell</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">0D1A2B3C-4D5E-4F60-8172-839405A6B7C8</w:Selector></w:SelectorSet><w:OperationTimeout>PT20S</w:OperationTimeout></s:Header><s:Body><rsp:Receive><rsp:DesiredStream>stdout</rsp:DesiredStream></rsp:Receive></s:Body></s:Envelope>
        """;

    /// <summary>
    /// What <c>--record</c> (RecordFile) writes is what this replay reads: a client's session over NTLM with message
    /// encryption is in the file as plain envelopes, a fault with its HTTP 500, and the whole file replays against a
    /// fresh emulator with the same responses.
    /// </summary>
    [Test]
    public async Task A_recording_made_over_encrypted_NTLM_replays_against_a_fresh_emulator()
    {
        var folder = Directory.CreateTempSubdirectory("psrp-record-");
        try
        {
            var file = Path.Combine(folder.FullName, "recording.yml");
            await RestartEmulatorAsync(o =>
            {
                Configure(o);
                o.RecordFile = file;
            });

            using (var transport = new WsManTransport(new WsManClientOptions
            {
                ConnectionUri = Emulator.WsManUri,
                UserName = "psrp",
                Password = "psrp",
                Authentication = WsManAuthenticationMechanism.Negotiate,
                TimeProvider = Clock!,
            }))
            {
                await using var pool = await RunspacePoolClient.OpenAsync(transport);
                var events = await pool.InvokeAsync("\"hello\"; Write-Warning careful");
                Assert.That(Outputs(events), Is.EqualTo(new[] { "hello" }));
            }

            var fault = await PostAsync(UnknownShellReceive);
            Assert.That(fault.HttpStatus, Is.EqualTo(500));
            var journaled = Emulator.Journal.Snapshot().Count(e => !e.Action.StartsWith('('));

            // Stopping the emulator writes what is queued and closes the file.
            await RestartEmulatorAsync(Configure);
            var recording = RecordedExchange.Load(folder.FullName, "recording");

            Assert.That(recording.Messages, Has.Count.EqualTo(journaled), "one recorded exchange per request answered with an envelope");
            Assert.That(recording.Messages.Select(m => m.ActionName).First(), Is.EqualTo("Create"));
            Assert.That(recording.Messages.Select(m => m.RequestXml.Root!.Name.LocalName), Is.All.EqualTo("Envelope"), "requests are recorded decrypted");
            Assert.That(recording.Messages[^1].TransportErrorCode, Is.EqualTo(500));
            Assert.That(recording.Messages.SkipLast(1).Select(m => m.TransportErrorCode), Is.All.Null);
            Assert.That(recording.Messages[^1].Response, Does.Contain("2150858843"));

            await ReplayAsync(new ConformanceFixture("recording"), recording, values: null, "responses and element texts");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The replay users run (<c>psrp-emulator replay</c>, <see cref="Replayer"/>) goes through the client transport:
    /// Ruby's gem's NTLM session, recorded decrypted, replays over NTLM with message encryption as recorded; against
    /// an emulator set up otherwise (the pool's state in the first Receive) the report names the requests that differ.
    /// </summary>
    [Test]
    public async Task A_recording_replayed_through_the_client_transport_reports_where_responses_differ()
    {
        var folder = FixtureFolders.Find(FixtureFolders.ThirdParty);
        Assert.That(folder, Is.Not.Null);
        var recording = RecordedExchange.Load(folder!, "ruby-winrm/negotiate_encrypted");
        await RestartEmulatorAsync(o => o.MaxReceiveHold = TimeSpan.FromHours(1));
        using var transport = new WsManTransport(new WsManClientOptions
        {
            ConnectionUri = Emulator.WsManUri,
            UserName = "psrp",
            Password = "psrp",
            Authentication = WsManAuthenticationMechanism.Negotiate,
            TimeProvider = Clock!,
        });

        // Time passes while a Receive waits for what the recording's got after its OperationTimeout.
        var same = await AdvanceUntilAsync(Replayer.ReplayAsync(recording, transport, compareMessages: true), TimeSpan.FromSeconds(1));

        Assert.That(same.Requests.SelectMany(r => r.Differences.Select(d => $"#{r.Index} {r.Action}: {d}")), Is.Empty);
        Assert.That((same.Identical, same.Requests.Count), Is.EqualTo((true, recording.Messages.Count)));

        var pool = RecordedExchange.Load(folder!, "pypsrp/pool_streams");
        await RestartEmulatorAsync(o => o.SeparateRunspacePoolState = false);
        using var basic = CreateTransport();
        var other = await AdvanceUntilAsync(Replayer.ReplayAsync(pool, basic, compareMessages: false), TimeSpan.FromSeconds(1));

        Assert.That(other.Identical, Is.False);
        Assert.That(other.Requests[1].Differences.Select(d => d.Kind), Does.Contain("psrp messages"), "the first Receive carries the pool's state too");
        Assert.That(other.Requests[0].Differences, Is.Empty);
    }

    /// <summary>Every recording in fixtures/third-party-clients is replayed: none is added without being listed.</summary>
    [Test]
    public void Every_third_party_recording_in_the_repository_is_replayed()
    {
        var folder = FixtureFolders.Find(FixtureFolders.ThirdParty);
        Assert.That(folder, Is.Not.Null, $"{FixtureFolders.ThirdParty} is part of the repository");
        var files = Directory.EnumerateFiles(folder!, "*.yml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder!, f)[..^4].Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.That(files, Is.EqualTo(ConformanceFixtures.ThirdParty.Select(f => f.Name).Order(StringComparer.Ordinal)));
    }
}
