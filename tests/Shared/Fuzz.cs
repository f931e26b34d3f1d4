namespace PsrpEmulator.Tests;

/// <summary>
/// The seeded mutation tests' seed and length: fixed in CI, so that a failure repeats; <c>PSRP_FUZZ_SEED</c> and
/// <c>PSRP_FUZZ_RUNS</c> start a longer or different campaign locally. One file, linked into each test project that
/// has such tests.
/// </summary>
internal static class Fuzz
{
    public static int Seed(int fixedSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("PSRP_FUZZ_SEED"), out var seed) ? seed : fixedSeed;

    public static int Runs(int fixedRuns) =>
        int.TryParse(Environment.GetEnvironmentVariable("PSRP_FUZZ_RUNS"), out var runs) && runs > 0 ? runs : fixedRuns;
}
