using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>
/// The reader's shortcuts (base64 runs and groups of rsp:Stream elements read from the raw bytes) must agree with the
/// plain XmlReader on every input: the same envelope, or an <see cref="EnvelopeException"/> of the same kind. Seeded
/// mutations of a Windows-form ReceiveResponse with many small streams probe the edges (tags, attributes, separators,
/// base64 alphabet, truncation).
/// </summary>
public sealed class EnvelopeShortcutDifferentialTests
{
    private static byte[] Sample(int count = 40)
    {
        var random = new Random(7);
        var streams = Enumerable.Range(0, count).Select(i =>
        {
            var data = new byte[60 + (i % 30)];
            random.NextBytes(data);
            return new ShellStream(i % 7 == 6 ? "stderr" : "stdout", "9A1C2C1D-6A5B-4D43-8B4B-0E4C3B2D1A00", data, End: i == count - 1);
        }).ToList();
        var envelope = new WsManEnvelope(new WsManHeader { Action = WsManActions.ReceiveResponse, RelatesTo = "uuid:1", MessageId = "uuid:2" },
            new ReceiveResponseBody(streams, new CommandState("9A1C2C1D-6A5B-4D43-8B4B-0E4C3B2D1A00", WsManCommandStates.Done, 0)));
        return WsManEnvelopeWriter.Write(envelope);
    }

    private static readonly byte[] Interesting = Encoding.ASCII.GetBytes("<>/\"'=&;# \r\nAZaz09+/=:-_.{}rsp:StreamNameCommandIdEnd![CDATA[");

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            // Mostly around the stream elements: that is where the shortcuts read raw bytes.
            var at = random.Next(bytes.Count);
            var pick = Interesting[random.Next(Interesting.Length)];
            switch (random.Next(4))
            {
                case 0: bytes[at] = pick; break;
                case 1: bytes.Insert(at, pick); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at)); break;
            }
        }

        return [.. bytes];
    }

    /// <summary>
    /// What the reader makes of <paramref name="input"/>; <paramref name="pooled"/> reads it as the client transport
    /// does (<see cref="WsManEnvelopeReader.ReadPooled"/>: a ShellStreamList, whose data alone, <see
    /// cref="ShellStreamList.DataAt"/>, must be each stream's data too), then gives its buffers back.
    /// </summary>
    private static string Outcome(byte[] input, bool shortcuts, bool pooled = false)
    {
        try
        {
            // Pooled, the input is read in place, as the transport's response body is.
            var envelope = WsManEnvelopeReader.Read(input, null, shortcuts, pooled, whole: pooled ? input : null);
            var sb = new StringBuilder(envelope.Header.Action).Append('|').Append(envelope.Body.GetType().Name);
            if (envelope.Body is ReceiveResponseBody body)
            {
                var list = body.Streams as ShellStreamList;
                if (pooled != list is not null) return "pooled " + pooled + " but the streams are a " + body.Streams.GetType().Name;
                for (var i = 0; i < body.Streams.Count; i++)
                {
                    var s = body.Streams[i];
                    sb.Append('|').Append(s.Name).Append(',').Append(s.CommandId).Append(',').Append(s.End).Append(',').Append(Convert.ToHexString(s.Data.Span));
                    if (list is not null && !list.DataAt(i).Span.SequenceEqual(s.Data.Span)) sb.Append(",DataAt differs");
                }

                sb.Append('|').Append(body.CommandState?.State).Append(',').Append(body.CommandState?.ExitCode);
                list?.Return();
            }

            return sb.ToString();
        }
        catch (EnvelopeException e)
        {
            return "error " + e.Reason + ": " + e.Message;
        }
    }

    [Test]
    public void The_unmutated_sample_takes_the_shortcuts_and_reads_as_the_plain_reader_reads_it()
    {
        var sample = Sample();
        Assert.That(Outcome(sample, shortcuts: true), Is.EqualTo(Outcome(sample, shortcuts: false)));
        Assert.That(Outcome(sample, shortcuts: true, pooled: true), Is.EqualTo(Outcome(sample, shortcuts: false)));
        Assert.That(Outcome(sample, shortcuts: false, pooled: true), Is.EqualTo(Outcome(sample, shortcuts: false)));
        Assert.That(Outcome(sample, shortcuts: true), Does.Not.StartWith("error"));
    }

    [Test]
    public void A_response_of_more_streams_than_the_first_runs_array_holds_reads_as_the_plain_reader_reads_it()
    {
        // 300 runs: the pooled array of runs is replaced by larger ones on the way (it starts with room for 64).
        var sample = Sample(300);
        var fast = Outcome(sample, shortcuts: true);
        Assert.That(fast, Is.EqualTo(Outcome(sample, shortcuts: false)));
        Assert.That(Outcome(sample, shortcuts: true, pooled: true), Is.EqualTo(fast));
        Assert.That(fast.Split('|'), Has.Length.EqualTo(2 + 300 + 1));
    }

    [Test]
    public void Mutated_responses_read_the_same_with_and_without_the_shortcuts([Range(0, 7)] int batch)
    {
        var sample = Sample();
        var random = new Random(Fuzz.Seed(1000) + batch);
        for (var i = 0; i < Fuzz.Runs(400); i++)
        {
            var input = Mutate(sample, random);
            string plain = Outcome(input, shortcuts: false), fast;
            try
            {
                fast = Outcome(input, shortcuts: true);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {batch}/{i}: the shortcut path threw {e.GetType().Name}: {e.Message}");
                return;
            }

            if (fast != plain) Assert.Fail($"case {batch}/{i}: shortcut and plain reader disagree.\nplain: {Trim(plain)}\nfast:  {Trim(fast)}\ninput: {Encoding.UTF8.GetString(input)}");
            var pooled = Outcome(input, shortcuts: true, pooled: true);
            if (pooled != plain)
            {
                Assert.Fail($"case {batch}/{i}: the pooled read and the plain reader disagree.\nplain:  {Trim(plain)}\npooled: {Trim(pooled)}\ninput: {Encoding.UTF8.GetString(input)}");
            }
        }
    }

    private static string Trim(string s) => s.Length > 400 ? s[..400] + "…" : s;

    /// <summary>The runs as found by the plain scan (each text between '&gt;' and '&lt;' looked at on its own): what <c>Base64Runs.Find</c> must find.</summary>
    private static List<(int, int)> PlainRuns(byte[] xml)
    {
        var runs = new List<(int, int)>();
        if (xml.Length < 128 || Array.IndexOf(xml, (byte)'#') >= 0 || xml.AsSpan().IndexOf("<![CDATA["u8) >= 0) return runs;
        var alphabet = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);
        var pos = 0;
        while (true)
        {
            var gt = xml.AsSpan(pos).IndexOf((byte)'>');
            if (gt < 0) break;
            var start = pos + gt + 1;
            var lt = xml.AsSpan(start).IndexOf((byte)'<');
            if (lt < 0) break;
            if (lt >= 64 && xml.AsSpan(start, lt).IndexOfAnyExcept(alphabet) < 0) runs.Add((start, lt));
            pos = start + lt;
        }

        return runs;
    }

    private static List<(int, int)> FoundRuns(byte[] xml)
    {
        var found = WsManEnvelopeReader.Base64Runs.Find(xml);
        var runs = Enumerable.Range(0, found?.Count ?? 0).Select(i => found![i]).ToList();
        found?.Return();
        return runs;
    }

    [Test]
    public void The_runs_found_by_skipping_repeated_separators_are_the_runs_of_the_plain_scan([Range(0, 3)] int batch)
    {
        // Repeated separators are skipped by comparing them with the last one: mutations that change one separator,
        // or a run next to it, must not make the scan skip what it would have looked at.
        var sample = Sample(120);
        Assert.That(FoundRuns(sample), Is.EqualTo(PlainRuns(sample)));
        Assert.That(FoundRuns(sample), Has.Count.EqualTo(120));
        var random = new Random(2000 + batch);
        for (var i = 0; i < Fuzz.Runs(400); i++)
        {
            var input = Mutate(sample, random);
            var plain = PlainRuns(input);
            var found = FoundRuns(input);
            if (!found.SequenceEqual(plain)) Assert.Fail($"case {batch}/{i}: found {found.Count} runs, the plain scan {plain.Count}; first difference at {found.Zip(plain).TakeWhile(p => p.First == p.Second).Count()}");
        }
    }

    [Test]
    public void A_run_is_marked_as_repeating_the_gap_only_when_the_bytes_before_it_are_those_between_the_two_runs_before_it([Range(0, 3)] int batch)
    {
        // The group reader skips comparing a separator so marked (it was checked as the one before): a wrong mark would
        // let a changed separator through unchecked.
        var sample = Sample(120);
        var random = new Random(3000 + batch);
        var marked = 0;
        for (var i = 0; i < 300; i++)
        {
            var input = i == 0 ? sample : Mutate(sample, random);
            var found = WsManEnvelopeReader.Base64Runs.Find(input);
            if (found is null) continue;
            for (var k = 0; k < found.Count; k++)
            {
                var repeats = k >= 2 && Gap(input, found[k - 1], found[k]).SequenceEqual(Gap(input, found[k - 2], found[k - 1]));
                if (found.RepeatsGap(k)) marked++;
                if (found.RepeatsGap(k) && !repeats) Assert.Fail($"case {batch}/{i}: run {k} is marked as repeating the gap before it, but its separator differs.");
            }

            found.Return();
        }

        Assert.That(marked, Is.GreaterThan(100 * 118), "the scan marks the repeated separators of the samples");
    }

    private static ReadOnlySpan<byte> Gap(byte[] xml, (int Start, int Length) before, (int Start, int Length) after) =>
        xml.AsSpan((before.Start + before.Length)..after.Start);

    [TestCase("#")]
    [TestCase("<![CDATA[x]]>")]
    public void A_marker_character_or_a_CDATA_section_anywhere_stops_the_runs_as_the_plain_scan_does(string inserted)
    {
        // The scan looks for these only in the bytes it does not skip: anywhere (in a separator, before the first or
        // after the last run, in a run) they must still be seen.
        var sample = Sample(60);
        var bytes = Encoding.ASCII.GetBytes(inserted);
        for (var at = 0; at <= sample.Length; at += 5)
        {
            var input = sample[..at].Concat(bytes).Concat(sample[at..]).ToArray();
            Assert.That(FoundRuns(input), Is.Empty, $"inserted at {at}");
            Assert.That(PlainRuns(input), Is.Empty);
        }
    }
}
