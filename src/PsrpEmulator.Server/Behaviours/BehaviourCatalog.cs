using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

public sealed partial class BehaviourCatalog
{
    /// <summary>The manifest name of the embedded default scenario.</summary>
    public const string DefaultResourceName = "PsrpEmulator.Server.default-scenario.yaml";

    private static readonly Lazy<BehaviourCatalog> DefaultCatalog = new(() => Parse(ReadDefaultYaml(), "default-scenario.yaml"));

    private readonly IReadOnlyList<BehaviourRule> rules;

    private BehaviourCatalog(IReadOnlyList<BehaviourRule> rules) => this.rules = rules;

    /// <summary>A catalog without rules: every command gets PowerShell's unknown-command answer.</summary>
    public static BehaviourCatalog Empty { get; } = new([]);

    /// <summary>The rules in match order (for tests and diagnostics).</summary>
    internal IReadOnlyList<BehaviourRule> Rules => rules;

    /// <summary>How many rules the catalog holds (for start-up logs).</summary>
    public int Count => rules.Count;

    /// <summary>The rules' names (the <c>name:</c> field, or a generated one naming the source line), in match order.</summary>
    public IReadOnlyList<string> RuleNames => rules.Select(r => r.Name).ToList();

    /// <summary>Reads and parses a scenario file; errors name <paramref name="path"/>.</summary>
    public static BehaviourCatalog LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BehaviourLoadException($"{path}: cannot read the scenario file: {e.Message}", e) { SourceName = path };
        }

        return Parse(yaml, path);
    }

    /// <summary>The embedded default scenario's YAML text.</summary>
    public static string ReadDefaultYaml()
    {
        using var stream = typeof(BehaviourCatalog).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The text rules are matched against: each command's text joined with " | ", trimmed.</summary>
    public static string GetCommandText(CreatePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return string.Join(" | ", pipeline.Commands.Select(c => c.Command.Trim())).Trim();
    }
}
