using PsrpEmulator.Scenarios;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>
/// Seeded edits of the repository's scenario files and the default scenario (lines dropped, moved or repeated,
/// indentation changed, values of the wrong kind, stray characters): each parses, or fails with a
/// <see cref="ScenarioFormatException"/> naming the file, never with an exception the parser did not expect.
/// </summary>
public sealed class MutatedScenarioFileTests
{
    private static readonly string[] Values =
    [
        "", "-1", "0", "99999999999999999999", "1.5", "true", "null", "~", "[]", "{}", "[a, [b]]", "{x: {y: z}}", "\"unterminated", "'", "*alias", "&anchor x",
        "PT-1S", "P99999999DT", "00:00:-5", "-00:01:00", "10000:00:00", "Block", "Drop", "Server99", "\"{unclosed\"", "\"{_}\"", "\"$\"", "|", ">", "!!binary AAAA", "!custom x",
    ];

    private static string Mutate(string yaml, Random random)
    {
        var lines = yaml.Split('\n').ToList();
        for (var rounds = random.Next(1, 4); rounds > 0 && lines.Count > 1; rounds--)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(7))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(random.Next(lines.Count), lines[at]);
                    break;
                case 2:
                    // Indentation changed by one or two levels.
                    lines[at] = random.Next(2) == 0 ? "  " + lines[at] : lines[at].TrimStart().PadLeft(lines[at].TrimStart().Length + random.Next(0, 3));
                    break;
                case 3:
                {
                    // A value replaced by one of another kind.
                    var colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                    if (colon >= 0) lines[at] = lines[at][..(colon + 2)] + Values[random.Next(Values.Length)];
                    break;
                }

                case 4:
                {
                    // A list item's value replaced.
                    var dash = lines[at].IndexOf("- ", StringComparison.Ordinal);
                    if (dash >= 0) lines[at] = lines[at][..(dash + 2)] + Values[random.Next(Values.Length)];
                    break;
                }

                case 5:
                    (lines[at], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], lines[at]);
                    break;
                default:
                {
                    var chars = lines[at].ToCharArray();
                    if (chars.Length > 0) chars[random.Next(chars.Length)] = ":-[]{}#&*!|>'\"%@`\t"[random.Next(18)];
                    lines[at] = new string(chars);
                    break;
                }
            }
        }

        return string.Join('\n', lines);
    }

    [Test]
    public void Mutated_scenario_files_parse_or_fail_with_a_scenario_format_error()
    {
        var root = ScenarioFileTests.RepositoryRoot;
        var files = Directory.GetFiles(Path.Combine(root, "scenarios"), "*.yaml", SearchOption.AllDirectories)
            .Append(Path.Combine(root, "src", "PsrpEmulator.Server", "Behaviours", "default-scenario.yaml"))
            .Select(f => (Path: f, Text: File.ReadAllText(f)))
            .ToList();
        var random = new Random(Fuzz.Seed(12985));
        var runs = Fuzz.Runs(1_500);
        var problems = new List<string>();
        int parsed = 0, refused = 0;
        for (var i = 0; i < runs && problems.Count < 5; i++)
        {
            var (path, text) = files[random.Next(files.Count)];
            var mutated = Mutate(text, random);
            try
            {
                // The default scenario has behaviours only: read as the emulator reads it.
                if (path.EndsWith("default-scenario.yaml", StringComparison.Ordinal)) _ = Server.Behaviours.BehaviourCatalog.Parse(mutated, "default-scenario.yaml");
                else _ = ScenarioParser.Parse(mutated, "mutated.yaml");
                parsed++;
            }
            catch (ScenarioFormatException e) when (e.Message.StartsWith("mutated.yaml", StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Server.Behaviours.BehaviourLoadException e) when (e.Message.Contains("default-scenario.yaml", StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Exception e)
            {
                problems.Add($"{Path.GetFileName(path)}: {e}{Environment.NewLine}{mutated}");
            }
        }

        Assert.That(problems, Is.Empty);
        Assert.That(parsed, Is.GreaterThan(runs / 10), "edits that still parse");
        Assert.That(refused, Is.GreaterThan(runs / 10), "edits refused");
    }
}
