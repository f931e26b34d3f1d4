using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>
/// Seeded mutations of valid WinRS envelopes (Create with environment, Command with arguments, Send, Receive,
/// Signal): the reader either reads them or refuses them with an <see cref="EnvelopeException"/> (a SOAP fault),
/// never another exception (a 500 with an InternalError fault).
/// </summary>
public class MutatedWinRsEnvelopeTests
{
    private static WsManHeader Header(string action) => new()
    {
        Action = action,
        To = "http://host:5985/wsman",
        MessageId = "uuid:F249DBE7-0E83-4F39-AE4A-28324CF61227",
        ReplyTo = WsManAddresses.Anonymous,
        ResourceUri = WsManResourceUris.CmdShell,
        Selectors = new Dictionary<string, string> { ["ShellId"] = "0D9A2F5B-7C41-4E0B-9B55-2B2E0E8B9D11" },
        Options = [new WsManOption("WINRS_NOPROFILE", "FALSE"), new WsManOption("WINRS_CODEPAGE", "65001")],
        MaxEnvelopeSize = 153600,
        OperationTimeout = TimeSpan.FromSeconds(20),
    };

    private static IEnumerable<byte[]> Valid()
    {
        yield return WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Create), new ShellCreateBody(null, null, "stdin", "stdout stderr", null, null, null)
        {
            Environment = [new("PATH", "%PATH%;C:\\tools"), new("X", "é€")],
            WorkingDirectory = "C:\\Users\\psrp",
        }));
        yield return WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Command), new CommandLineBody(null, "cmd", null) { TextArguments = ["/c", "echo %X%"] }));
        yield return WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Send), new SendBody([new ShellStream("stdin", "C1", "dir\r\n"u8.ToArray(), End: true)])));
        yield return WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Receive), new ReceiveBody("stdout stderr", "C1")));
        yield return WsManEnvelopeWriter.Write(new WsManEnvelope(Header(WsManActions.Signal), new SignalBody("C1", WsManSignalCodes.CtrlC)));
    }

    [Test]
    public void Mutated_winrs_envelopes_are_read_or_refused_with_an_envelope_exception()
    {
        var random = new Random(5985);
        var valid = Valid().ToList();
        var read = 0;
        for (var i = 0; i < 4000; i++)
        {
            var mutated = Mutate(random, valid[i % valid.Count]);
            try
            {
                WsManEnvelopeReader.Read(mutated, new EnvelopeLimits { MaxEnvelopeBytes = 153600 });
                read++;
            }
            catch (EnvelopeException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for {Encoding.UTF8.GetString(mutated)}: {e}");
            }
        }

        // Some mutations land in text and still read: the loop exercised both paths.
        Assert.That(read, Is.GreaterThan(0).And.LessThan(4000));
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToList();
        for (var n = random.Next(1, 3); n > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                case 2:
                    // A structural character where text was.
                    bytes[at] = "<>&\"'=/%:"u8[random.Next(9)];
                    break;
                case 3:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "<x>", 1 => "</", _ => "&#0;" }));
                    break;
                default:
                    // A digit or a letter in an attribute or element value.
                    bytes[at] = (byte)(random.Next(2) == 0 ? '9' : 'Z');
                    break;
            }
        }

        return [.. bytes];
    }
}
