namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A table the emulator embeds and a test generates: the test fails where they differ, or (its environment variable
/// set to 1) writes the generated text over the table for review.
/// </summary>
internal static class GeneratedTable
{
    public static void AssertEmbeddedMatches(string generated, string embedded, string tablePath, string regenerateVariable, string sources)
    {
        var name = Path.GetFileName(tablePath);
        if (Environment.GetEnvironmentVariable(regenerateVariable) == "1")
        {
            File.WriteAllText(tablePath, generated);
            Assert.Warn($"regenerated {tablePath}: rebuild and review the diff");
            return;
        }

        var expected = generated.Split('\n');
        var actual = embedded.Split('\n');
        var firstDifference = expected.Zip(actual).Select((pair, i) => (pair, i)).FirstOrDefault(x => x.pair.First != x.pair.Second);
        Assert.That(actual, Has.Length.EqualTo(expected.Length).And.EqualTo(expected),
            $"{name} differs from {sources} (line {firstDifference.i + 1}: '{firstDifference.pair.Second}' where '{firstDifference.pair.First}')");
    }
}
