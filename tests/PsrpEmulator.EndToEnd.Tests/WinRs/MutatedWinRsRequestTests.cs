using System.Net.Http.Headers;
using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests.WinRs;

/// <summary>
/// Seeded mutations of WinRS requests against a live cmd shell over HTTP: each gets WinRM's fault or answer, never
/// the InternalError of an exception the endpoint did not expect.
/// </summary>
public class MutatedWinRsRequestTests : EmulatorTestBase
{
    private static WsManHeader Header(string action, string? shellId) => new()
    {
        Action = action,
        To = "http://127.0.0.1/wsman",
        MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = WsManResourceUris.CmdShell,
        Selectors = shellId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ShellId"] = shellId },
        Options = [new WsManOption("WINRS_NOPROFILE", "FALSE"), new WsManOption("WINRS_CODEPAGE", "65001"), new WsManOption("WINRS_SKIP_CMD_SHELL", "FALSE")],
        MaxEnvelopeSize = 153600,
        OperationTimeout = TimeSpan.FromSeconds(1),
    };

    [Test]
    public async Task Mutated_winrs_requests_get_winrm_answers_and_no_internal_error()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("psrp:psrp"u8));
        async Task<byte[]> PostAsync(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
            using var response = await http.PostAsync(Emulator.WsManUri, content);
            return await response.Content.ReadAsByteArrayAsync();
        }

        var created = WsManEnvelopeReader.Read(await PostAsync(WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Create, null),
            new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null) { Environment = [new("X", new string('x', 100))] }))));
        var shellId = ((CreateResponseBody)created.Body).ResourceCreated.Selectors["ShellId"];
        var commandId = ((CommandResponseBody)WsManEnvelopeReader.Read(await PostAsync(WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Command, shellId),
            new CommandLineBody(null, "more", null))))).Body).CommandId;
        byte[][] valid =
        [
            WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Create, null), new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)
            {
                Environment = [new("A", "%B%")],
                WorkingDirectory = "C:\\x",
            })),
            WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Command, shellId), new CommandLineBody(null, "cmd", null) { TextArguments = ["/c", "echo %X:~1,5% %X:x=yy%"] })),
            WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, "é\r\n"u8.ToArray())]))),
            WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Signal, shellId), new SignalBody(commandId, WsManSignalCodes.Terminate))),
        ];
        var random = new Random(Fuzz.Seed(5986));

        for (var i = 0; i < Fuzz.Runs(400); i++)
        {
            var bytes = valid[i % valid.Length].ToArray();
            for (var n = random.Next(1, 3); n > 0; n--) bytes[random.Next(bytes.Length)] = random.Next(3) switch { 0 => (byte)'%', 1 => (byte)'9', _ => (byte)random.Next(32, 127) };
            await PostAsync(bytes);
        }

        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Count(e => e.Fault is not null), Is.GreaterThan(0).And.LessThan(journal.Count), "some mutations are refused, some still run");
        var internalErrors = journal.Where(e => e.Fault == WsManFaultReason.InternalError).ToList();
        Assert.That(internalErrors.Select(e => $"{e.Action} {e.CommandId}"), Is.Empty);
    }
}
