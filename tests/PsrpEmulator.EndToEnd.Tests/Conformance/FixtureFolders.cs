namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>Where the recorded fixtures are: pypsrp's recordings from Windows (outside the repository) and this repository's.</summary>
public static class FixtureFolders
{
    /// <summary>pypsrp's recordings from real Windows servers, in ../shared (another project's data).</summary>
    public const string RealTraffic = "shared/fixtures/real-traffic";

    /// <summary>This repository's recordings of third-party clients (pypsrp, Ruby's WinRM gem) against the emulator.</summary>
    public const string ThirdParty = "fixtures/third-party-clients";

    /// <summary>
    /// The folder, found by walking up from the test binaries (CI: <c>&lt;clone&gt;/</c> with <c>../shared</c> beside
    /// it; locally <c>/work/&lt;worktree&gt;</c> and <c>/work/shared</c>); null when absent.
    /// </summary>
    public static string? Find(string relativeFolder = RealTraffic)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativeFolder);
            if (Directory.Exists(candidate)) return candidate;
        }

        return null;
    }
}
