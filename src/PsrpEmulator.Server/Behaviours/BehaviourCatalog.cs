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
        // Statements are joined with "; ", commands with " | "; a command that is not a script carries its parameters,
        // rendered as they would be typed. With several statements PowerShell sends all of them as ExtraCmds (Cmds then
        // repeats the first, for older servers).
        // One statement of one command (almost every pipeline): its text, without the joins' enumerators.
        if (pipeline.ExtraStatements.Count == 0 && pipeline.Commands is [var only]) return RenderCommand(only).Trim();
        IEnumerable<IReadOnlyList<PipelineCommand>> all = pipeline.ExtraStatements.Count > 0 ? pipeline.ExtraStatements : [pipeline.Commands];
        var statements = all
            .Select(statement => string.Join(" | ", statement.Select(RenderCommand)))
            .Where(text => text.Length > 0);
        return string.Join("; ", statements).Trim();
    }

    internal static string RenderCommand(PipelineCommand command)
    {
        var text = command.Command.Trim();
        if (command.IsScript || command.Arguments.Count == 0) return text;
        var builder = new System.Text.StringBuilder(text);
        foreach (var argument in command.Arguments)
        {
            if (argument.Name is { Length: > 0 } name) builder.Append(" -").Append(name.TrimStart('-'));
            if (argument.Value is PsrpEmulator.Protocol.Clixml.PsNil) continue;
            if (argument.Value is PsrpEmulator.Protocol.Clixml.PsPrimitive { Type: PsrpEmulator.Protocol.Clixml.PsPrimitiveType.ScriptBlock, Value: string block })
            {
                // A script block (Where-Object's FilterScript, ForEach-Object's Process) as it would be typed.
                builder.Append(" { ").Append(block.Trim()).Append(" }");
                continue;
            }

            if (argument.Value is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: bool flag } && argument.Name is not null)
            {
                // A switch: -Force, or -Force:$false.
                if (!flag) builder.Append(":$false");
                continue;
            }

            // As it would be typed: a plain word (a name, a path, a number) bare, anything else single-quoted, so a value's
            // ';', '$(...)' or quotes are text to the rules, never code.
            var value = argument.Value.ToDisplayString();
            builder.Append(' ').Append(IsPlainWord(value) || argument.Value is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: int or long or double or decimal or byte or short }
                ? value
                : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'");
        }

        return builder.ToString();
    }
}
