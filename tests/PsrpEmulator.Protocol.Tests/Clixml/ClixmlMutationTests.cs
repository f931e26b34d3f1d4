using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Clixml;

/// <summary>
/// Seeded mutations of CLIXML documents (PSRP payloads and the fast path's own cases): the byte-level fast path and the
/// plain-string path either give up or build exactly what the XmlReader path builds, never accept what that path
/// refuses, and no path fails with anything but a <see cref="ClixmlException"/>.
/// </summary>
public sealed partial class ClixmlMutationTests
{
    private static IEnumerable<string> Seeds()
    {
        foreach (var document in ClixmlFastPathTests.Documents) yield return document;
        PsObject Nested(int depth) => depth == 0
            ? PsObjects.CustomObject().With("Leaf", "x & <y> _x000A_ é")
            : PsObjects.CustomObject().With("Name", "n" + depth).With("Child", Nested(depth - 1)).With("Count", depth).With("Big", PsPrimitive.Int64(long.MinValue));
        IEnumerable<IPsrpMessageBody> bodies =
        [
            new SessionCapability("2.3", "2.0", "1.1.0.1"),
            new InitRunspacePool(1, 4, HostInfo: HostInfoData.WithConsoleColors(7, 0)),
            new CreatePipeline(
            [
                new PipelineCommand("Write-Output", IsScript: false,
                [
                    new PipelineArgument("InputObject", PsObjects.List([PsPrimitive.Int32(1), PsPrimitive.String("two"), Nested(3), PsPrimitive.Double(1.5), PsPrimitive.DateTime(DateTimeOffset.UnixEpoch)])),
                    new PipelineArgument(null, PsObjects.Dictionary([new(PsPrimitive.String("k"), PsPrimitive.Guid(Guid.Empty)), new(PsPrimitive.Int32(2), PsNil.Instance)])),
                ]),
            ], NoInput: false, AddToHistory: true),
            new PipelineOutput(Nested(4)),
            new PipelineStateMessage(PSInvocationState.Completed),
            new RunspacePoolStateMessage(RunspacePoolState.Opened),
            new ProgressRecordMessage("Activity", 1, "Status", "Op", PercentComplete: 50),
            new WarningRecordMessage("careful <now>"),
        ];
        foreach (var body in bodies) yield return Encoding.UTF8.GetString(ClixmlSerializer.Serialize(body.ToPsValue()));
    }

    private static readonly string[] Tags =
    [
        "S", "I32", "I64", "U8", "U16", "U32", "U64", "By", "SB", "I16", "Db", "Sg", "D", "B", "C", "DT", "TS", "G", "URI", "Version", "XD", "SBK", "SS", "PR", "BA",
        "Nil", "Obj", "Ref", "TN", "TNRef", "T", "ToString", "MS", "Props", "LST", "DCT", "IE", "QUE", "STK", "En", "Key", "Value", "Objs",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "-1", "0", "+5", " 7 ", "2147483648", "-9223372036854775809", "99999999999999999999999", "NaN", "-0", "1e400", "1.5e-400", "Infinity",
        "P9999999DT99H", "PT-1S", "-P1D", "9999-12-31T23:59:59.9999999+14:00", "0001-01-01T00:00:00-14:00", "not-a-guid", "{00000000-0000-0000-0000-000000000000}",
        "_x0000_", "_xD800_", "_xDFFF__xD800_", "_x00410042_", "_X0041_", "AAAA=", "A===", "====", "%", "1.2.3.4.5", "1.2", "65535", "65536", "true", "True", "yes", "\u00e9",
        "&amp;", "&#x10FFFF;", "&#xD800;", "&#65;", "&lt;S&gt;",
    ];

    private static readonly byte[] Noise = "<>\"'&/=;#0123456789aZ_xX- \t\n\r\u0001\u00ff"u8.ToArray();

    [GeneratedRegex("<(/?)([A-Za-z]+)")]
    private static partial Regex TagPattern();

    [GeneratedRegex("(RefId|N)=\"[^\"]*\"")]
    private static partial Regex AttributePattern();

    [GeneratedRegex(">([^<]*)<")]
    private static partial Regex TextPattern();

    private static byte[] Mutate(string text, Random random)
    {
        for (var rounds = random.Next(1, 3); rounds > 0; rounds--)
        {
            switch (random.Next(7))
            {
                case 0:
                {
                    var tags = TagPattern().Matches(text);
                    if (tags.Count == 0) break;
                    var tag = tags[random.Next(tags.Count)].Groups[2];
                    text = string.Concat(text.AsSpan(0, tag.Index), Tags[random.Next(Tags.Length)], text.AsSpan(tag.Index + tag.Length));
                    break;
                }

                case 1:
                {
                    var attributes = AttributePattern().Matches(text);
                    if (attributes.Count == 0) break;
                    var attribute = attributes[random.Next(attributes.Count)];
                    var value = random.Next(5) switch { 0 => "-1", 1 => "999999999999", 2 => "", 3 => "Key", _ => random.Next(0, 6).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    text = string.Concat(text.AsSpan(0, attribute.Index), $"{attribute.Groups[1].Value}=\"{value}\"", text.AsSpan(attribute.Index + attribute.Length));
                    break;
                }

                case 2:
                {
                    var texts = TextPattern().Matches(text);
                    if (texts.Count == 0) break;
                    var t = texts[random.Next(texts.Count)].Groups[1];
                    text = string.Concat(text.AsSpan(0, t.Index), Texts[random.Next(Texts.Length)], text.AsSpan(t.Index + t.Length));
                    break;
                }

                case 3:
                {
                    var start = random.Next(text.Length + 1);
                    text = text.Remove(start, Math.Min(text.Length - start, random.Next(1, 30)));
                    break;
                }

                case 4:
                {
                    var start = random.Next(text.Length + 1);
                    text = text.Insert(start, text.Substring(start, Math.Min(text.Length - start, random.Next(1, 80))));
                    break;
                }

                case 5:
                {
                    // An attribute added, removed or doubled.
                    var tags = TagPattern().Matches(text);
                    if (tags.Count == 0) break;
                    var at = tags[random.Next(tags.Count)];
                    if (at.Groups[1].Length > 0) break;
                    var insertAt = at.Index + at.Length;
                    text = text.Insert(insertAt, random.Next(3) switch { 0 => " RefId=\"0\"", 1 => " N=\"Key\"", _ => " N=\"x\" N=\"y\"" });
                    break;
                }

                default:
                {
                    var chars = text.ToCharArray();
                    if (chars.Length == 0) break;
                    chars[random.Next(chars.Length)] = (char)Noise[random.Next(Noise.Length)];
                    text = new string(chars);
                    break;
                }
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    [Test]
    public void Mutated_documents_are_read_alike_by_the_fast_path_and_the_xmlreader_path_or_refused_with_clixml_errors()
    {
        var seeds = Seeds().ToList();
        var random = new Random(Fuzz.Seed(11985));
        var runs = Fuzz.Runs(20_000);
        var problems = new List<string>();
        int fastTook = 0, refused = 0;
        for (var i = 0; i < runs && problems.Count < 10; i++)
        {
            var utf8 = Mutate(seeds[random.Next(seeds.Count)], random);
            PsValue? slow = null;
            Exception? slowError = null;
            try
            {
                slow = ClixmlReaderCore.ReadWithXmlReader(utf8, ClixmlLimits.Default);
            }
            catch (Exception e)
            {
                slowError = e;
            }

            bool took;
            PsValue? fast;
            try
            {
                took = ClixmlFastReader.TryRead(utf8, ClixmlLimits.Default, out fast);
            }
            catch (Exception e)
            {
                problems.Add($"fast path threw {e.GetType().Name} ({e.Message}) on {Encoding.UTF8.GetString(utf8)}");
                continue;
            }

            if (slowError is not null and not ClixmlException)
            {
                problems.Add($"XmlReader path threw {slowError.GetType().Name} ({slowError.Message}) on {Encoding.UTF8.GetString(utf8)}");
                continue;
            }

            if (ClixmlReaderCore.TryReadPlainString(utf8, ClixmlLimits.Default) is { } plain &&
                (slowError is not null || Encoding.UTF8.GetString(ClixmlSerializer.Serialize(plain)) != Encoding.UTF8.GetString(ClixmlSerializer.Serialize(slow!))))
            {
                problems.Add($"plain-string path read {plain.Value} where the XmlReader path {(slowError is null ? "read otherwise" : "refused")}: {Encoding.UTF8.GetString(utf8)}");
                continue;
            }

            if (slowError is not null) refused++;
            if (!took) continue;
            fastTook++;
            if (slowError is not null)
            {
                problems.Add($"fast path accepted what the XmlReader path refuses ({slowError.Message}): {Encoding.UTF8.GetString(utf8)}");
                continue;
            }

            var fastXml = Encoding.UTF8.GetString(ClixmlSerializer.Serialize(fast!));
            var slowXml = Encoding.UTF8.GetString(ClixmlSerializer.Serialize(slow!));
            if (fastXml != slowXml) problems.Add($"fast path read {fastXml} where the XmlReader path read {slowXml}, from {Encoding.UTF8.GetString(utf8)}");
        }

        Assert.That(problems, Is.Empty);
        // A twentieth of the runs each (1,000 of the fixed 20,000), so that a shorter campaign (PSRP_FUZZ_RUNS) still checks it.
        Assert.That(fastTook, Is.GreaterThan(runs / 20), "mutations the fast path still reads");
        Assert.That(refused, Is.GreaterThan(runs / 20), "mutations refused");
    }
}
