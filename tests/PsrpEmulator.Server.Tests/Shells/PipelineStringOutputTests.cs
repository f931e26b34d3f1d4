using Microsoft.Extensions.Logging.Abstractions;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;
using PsrpEmulator.Server.Shells;
using PsrpEmulator.Server.Tests.Behaviours;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>
/// An output step's string template reaches the pipeline as pieces, which the pipeline writes straight into its
/// buffer when CLIXML carries them as they are (the literal pieces known so since the template was read, the others
/// looked at each time). Whatever the pieces hold, the buffered messages must be exactly those of the strings made whole.
/// </summary>
public class PipelineStringOutputTests
{
    private static readonly string Long = string.Concat(Enumerable.Repeat("0123456789 ", 1000));

    private static readonly string Yaml = $$$"""
        behaviours:
          - regex: '(?<cmd>go)(?: (?<arg>.*))?'
            steps:
              - loop:
                  from: -3
                  to: 3
                  steps:
                    - output: "obj {_} plain padding text, long enough for the copy's vector blocks and their overlapping tail"
                    - output: "under_score {_}"
                    - output: "a longer name_x0041_ here {_}"
                    - output: "a_x0041_ {_}"
                    - output: "<tag> & {_}"
                    - output: "Grüße {_} 日本 😀"
                    - output: "{arg}"
                    - output: "{_}{arg}{_}"
                    - output: "{_}"
                    - output: "{arg} and {arg}"
                    - output: "{_ * _ - _}x{{"
                    - loop:
                        var: inner
                        from: 1
                        to: 2
                        steps: [ { output: "{_}-{inner}-{arg}" } ]
              - loop: { from: 9223372036854775805, to: 9223372036854775807, steps: [ { output: "big {_}" } ] }
              - loop: { from: -9223372036854775806, to: -9223372036854775808, steps: [ { output: "small {_}" } ] }
              - loop: { from: 1, to: 2, steps: [ { output: "{{{Long}}} {_}" }, { output: "{{{Long}}} {_} <" } ] }
        """;

    [TestCase("go")]
    [TestCase("go plain words")]
    [TestCase("go x_x0041_<é>&")]
    [TestCase("go surrogates \U0001F600 and a lone \uD800 one")]
    [TestCase("go tab\tand\u007fdelete")]
    public async Task A_behaviour_s_string_outputs_are_buffered_as_the_messages_of_the_whole_strings(string command)
    {
        var catalog = BehaviourCatalog.Parse(Yaml);
        // The reference: a host that takes each string made whole (the interface's default), encoded as any record is.
        var (reference, referenceOutcome) = await catalog.RunScriptAsync(command);
        Assert.That(referenceOutcome.State, Is.EqualTo(PSInvocationState.Completed));
        var expected = reference.Records.Select(r => PsrpMessage.Encode(PsrpDestination.Client, Guid.Empty, Guid.Empty, r)).ToList();
        Assert.That(expected, Has.Count.EqualTo(7 * 13 + 3 + 3 + 4));

        var pipeline = NewPipeline(catalog);
        var outcome = await catalog.Resolve(Behaviour.Script(command)).RunTestAsync(pipeline, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => TestErrors.Read(outcome.ErrorRecord!).Message);
        var actual = Buffered(pipeline);
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]), $"message {i}: {reference.OutputTexts[i]}");
        }
    }

    [Test]
    public void A_template_knows_which_of_its_literal_pieces_need_no_escaping()
    {
        var names = NameScope.ForCaptures(["arg"]).WithLoopVariable("i");
        var template = TextTemplate.Parse("obj {_} a_b {arg} <c> {i} plain", names, "test", m => new InvalidOperationException(m));
        var scope = new RunScope(new Dictionary<string, string> { ["arg"] = "x" });
        scope.Push("i", "7");
        var pieces = new string?[template.PieceCount];

        var verbatim = template.EvaluatePieces(scope, pieces);

        Assert.That(pieces, Is.EqualTo(new[] { "obj ", "7", " a_b ", "x", " <c> ", "7", " plain" }));
        // "obj " and " plain" only: the placeholders' values are looked at when written, the others need escaping.
        Assert.That(verbatim, Is.EqualTo((1UL << 0) | (1UL << 6)));
    }

    private static Pipeline NewPipeline(BehaviourCatalog catalog)
    {
        var services = new ShellServices(new EmulatorOptions(), catalog, TimeProvider.System, NullLogger.Instance, new Journal(100), ScenarioSettings.Empty);
        var endpoint = new EndpointSettings("Microsoft.PowerShell", OutputBufferMode.Block, 100_000, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
        var shell = new Shell(services, "Server01", Guid.NewGuid().ToString(), null, "http://schemas.microsoft.com/powershell/Microsoft.PowerShell", endpoint, "psrp",
            null, TimeSpan.FromMinutes(10), OutputBufferMode.Block, null, null, null);
        return new Pipeline(shell, Guid.NewGuid().ToString(), null);
    }

    // The messages in the buffer, in order (each small enough to travel as one fragment).
    private static List<byte[]> Buffered(Pipeline pipeline)
    {
        var messages = new List<byte[]>();
        while (pipeline.Output.TryReceiveNow(10_000_000, 10_000_000, []) is { } batch)
        {
            // Each element as sent (a run of a slab's messages split at their fragments' headers).
            foreach (var fragment in new Protocol.WsMan.ShellStreamBatch("stdout", null, batch.Fragments, batch.Count))
            {
                var bytes = fragment.Header.ToArray().Concat(fragment.Data.ToArray()).ToArray();
                Assert.That(FragmentCodec.TryRead(bytes, bytes.Length, out var parsed, out var consumed, out var error), Is.True, error.ToString());
                Assert.That((parsed.IsStart, parsed.IsEnd, consumed), Is.EqualTo((true, true, bytes.Length)), "one fragment per message");
                messages.Add(parsed.Blob.ToArray());
            }
        }

        return messages;
    }
}
