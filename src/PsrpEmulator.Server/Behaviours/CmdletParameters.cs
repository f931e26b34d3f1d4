using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>One parameter set a parameter is in, with what it is there (ParameterAttribute's values).</summary>
internal sealed record CmdletParameterSet(string Name, int? Position, bool Mandatory, bool FromPipeline, bool FromPipelineByPropertyName, bool FromRemainingArguments);

/// <summary>A cmdlet's parameter as its compiled metadata has it.</summary>
internal sealed record CmdletParameter(string Name, string TypeName, string SyntaxType, IReadOnlyList<string> Aliases, IReadOnlyList<CmdletParameterSet> Sets, bool IsDynamic = false)
{
    public const string AllParameterSets = "__AllParameterSets";

    public bool IsSwitch => TypeName == "System.Management.Automation.SwitchParameter";

    /// <summary>What the parameter is in a set: its entry for that set, else its entry for all sets; null when not in it.</summary>
    public CmdletParameterSet? In(string set) =>
        Sets.FirstOrDefault(s => s.Name.Equals(set, StringComparison.OrdinalIgnoreCase)) ?? Sets.FirstOrDefault(s => s.Name == AllParameterSets);
}

/// <summary>
/// A cmdlet of Windows PowerShell 5.1 with its parameters: its own in binding order, then the common parameters, then
/// those SupportsShouldProcess (-WhatIf, -Confirm), SupportsPaging (-IncludeTotalCount, -Skip, -First) and
/// SupportsTransactions (-UseTransaction) add, as CommandProcessor's MergedCommandParameterMetadata orders them.
/// The FileSystem provider's dynamic parameters (Get-ChildItem's -File) come last, as a session in its home folder has them.
/// </summary>
internal sealed class CmdletDefinition
{
    // The common parameters (5.1's CommonParameters class, in its order) and the optional ones.
    private static readonly CmdletParameter[] Common =
    [
        Named("Verbose", "System.Management.Automation.SwitchParameter", "switch", "vb"), Named("Debug", "System.Management.Automation.SwitchParameter", "switch", "db"),
        Named("ErrorAction", "System.Management.Automation.ActionPreference", "ActionPreference", "ea"),
        Named("WarningAction", "System.Management.Automation.ActionPreference", "ActionPreference", "wa"),
        Named("InformationAction", "System.Management.Automation.ActionPreference", "ActionPreference", "infa"),
        Named("ErrorVariable", "System.String", "string", "ev"), Named("WarningVariable", "System.String", "string", "wv"),
        Named("InformationVariable", "System.String", "string", "iv"), Named("OutVariable", "System.String", "string", "ov"),
        Named("OutBuffer", "System.Int32", "int", "ob"), Named("PipelineVariable", "System.String", "string", "pv"),
    ];

    private static readonly CmdletParameter[] ShouldProcess =
        [Named("WhatIf", "System.Management.Automation.SwitchParameter", "switch", "wi"), Named("Confirm", "System.Management.Automation.SwitchParameter", "switch", "cf")];

    private static readonly CmdletParameter[] Paging =
        [Named("IncludeTotalCount", "System.Management.Automation.SwitchParameter", "switch", null), Named("Skip", "System.UInt64", "uint64", null), Named("First", "System.UInt64", "uint64", null)];

    private static readonly CmdletParameter[] Transactions = [Named("UseTransaction", "System.Management.Automation.SwitchParameter", "switch", "usetx")];

    public CmdletDefinition(string name, string className, string defaultSet, bool supportsShouldProcess, bool supportsPaging, bool supportsTransactions, IReadOnlyList<CmdletParameter> own,
        bool withCommonParameters = true)
    {
        Name = name;
        ClassName = className;
        DefaultSet = defaultSet;
        SupportsShouldProcess = supportsShouldProcess;
        CmdletBinding = withCommonParameters;
        Own = own;
        // A provider's dynamic parameters come after all the static ones.
        Parameters = [.. own.Where(p => !p.IsDynamic), .. withCommonParameters ? Common : [], .. supportsShouldProcess ? ShouldProcess : [], .. supportsPaging ? Paging : [], .. supportsTransactions ? Transactions : [], .. own.Where(p => p.IsDynamic)];
        // GenerateParameterSetMappingFromMetadata: the default set first, then each set as the parameters name it.
        var sets = new List<string>();
        if (defaultSet.Length > 0) sets.Add(defaultSet);
        foreach (var set in Parameters.SelectMany(p => p.Sets).Select(s => s.Name))
        {
            if (set != CmdletParameter.AllParameterSets && !sets.Contains(set, StringComparer.OrdinalIgnoreCase)) sets.Add(set);
        }

        SetNames = sets.Count == 0 ? [CmdletParameter.AllParameterSets] : sets;
    }

    public string Name { get; }

    /// <summary>An in-box module's function (CDXML or script), not a cmdlet: its "class" is its own name, which its error ids end in.</summary>
    public bool IsFunction { get; init; }

    /// <summary>
    /// Its parameters are all known: a name none of them has is NamedParameterNotFound. Not so for a cmdlet with
    /// dynamic parameters (IDynamicParameters: the provider cmdlets), whose provider's the table may lack.
    /// </summary>
    public bool AllParametersKnown { get; init; }

    /// <summary>
    /// From the other in-box modules' table (module-command-parameters.tsv, a real server's profile): its parameters,
    /// not its sets' syntax (the profile has no PSTypeName, nor a parameter's position in all sets).
    /// </summary>
    public bool FromModuleProfile { get; init; }

    /// <summary>The cmdlet's .NET class (Microsoft.PowerShell.Commands.GetProcessCommand), which its error ids end in.</summary>
    public string ClassName { get; }

    public string DefaultSet { get; }

    public bool SupportsShouldProcess { get; }

    /// <summary>It has the common parameters: every cmdlet, and an advanced function ([CmdletBinding()], FunctionInfo.CmdletBinding).</summary>
    public bool CmdletBinding { get; }

    /// <summary>The cmdlet's own parameters (its dynamic ones last), without the common ones.</summary>
    public IReadOnlyList<CmdletParameter> Own { get; }

    /// <summary>All its parameters in binding order (CommandInfo.Parameters' keys).</summary>
    public IReadOnlyList<CmdletParameter> Parameters { get; }

    /// <summary>Its parameter sets in CommandInfo.ParameterSets' order; a cmdlet without named sets has __AllParameterSets.</summary>
    public IReadOnlyList<string> SetNames { get; }

    /// <summary>The common parameters every cmdlet and advanced function has, with their aliases, in 5.1's order.</summary>
    public static IReadOnlyList<CmdletParameter> CommonParameters => Common;

    /// <summary>-WhatIf and -Confirm, which SupportsShouldProcess adds.</summary>
    public static IReadOnlyList<CmdletParameter> ShouldProcessParameters => ShouldProcess;

    /// <summary>
    /// The parameters a typed name binds to, as the binder looks them up: the one whose name or alias it is, else all
    /// whose name or alias it begins (MergedCommandParameterMetadata.GetMatchingParameter; several: AmbiguousParameter).
    /// </summary>
    public IReadOnlyList<CmdletParameter> Matching(string typed)
    {
        static bool Named(CmdletParameter p, Func<string, bool> test) => test(p.Name) || p.Aliases.Any(test);
        var exact = Parameters.Where(p => Named(p, n => n.Equals(typed, StringComparison.OrdinalIgnoreCase))).ToList();
        return exact.Count > 0 ? exact : [.. Parameters.Where(p => Named(p, n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))];
    }

    public static bool IsCommonParameter(string name) => Common.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The parameters of a set in binding order, each with what it is in that set.</summary>
    public IEnumerable<(CmdletParameter Parameter, CmdletParameterSet Set)> ParametersIn(string set) =>
        Parameters.Select(p => (p, set == CmdletParameter.AllParameterSets ? p.Sets.FirstOrDefault() : p.In(set))).Where(x => x.Item2 is not null).Select(x => (x.p, x.Item2!));

    /// <summary>
    /// A set as CommandParameterSetInfo.ToString writes it: the positional parameters by position, then the mandatory
    /// named ones, then the optional named ones, the common parameters as "[&lt;CommonParameters&gt;]".
    /// </summary>
    public string SetSyntax(string set)
    {
        var positional = new SortedDictionary<int, CmdletParameter>();
        var mandatory = new List<CmdletParameter>();
        var optional = new List<CmdletParameter>();
        var inSet = ParametersIn(set).ToList();
        foreach (var (parameter, entry) in inSet)
        {
            if (entry.Position is { } position) positional[position] = parameter;
            else if (entry.Mandatory) mandatory.Add(parameter);
            else if (!IsCommonParameter(parameter.Name)) optional.Add(parameter);
        }

        var text = new StringBuilder();
        foreach (var parameter in positional.Values.Concat(mandatory).Concat(optional))
        {
            if (text.Length > 0) text.Append(' ');
            var entry = inSet.First(x => x.Parameter == parameter).Set;
            if (parameter.IsSwitch) text.Append(entry.Mandatory ? "-" + parameter.Name : "[-" + parameter.Name + "]");
            else
            {
                var name = entry.Position is null ? "-" + parameter.Name : "[-" + parameter.Name + "]";
                var typed = name + " <" + parameter.SyntaxType + ">";
                text.Append(entry.Mandatory ? typed : "[" + typed + "]");
            }
        }

        if (inSet.Count(x => IsCommonParameter(x.Parameter.Name)) == Common.Length) text.Append(text.Length > 0 ? " " : string.Empty).Append("[<CommonParameters>]");
        return text.ToString();
    }

    /// <summary>CmdletInfo.Syntax (Get-Command -Syntax): each set on a line of its own after an empty one.</summary>
    public string Syntax
    {
        get
        {
            var text = new StringBuilder();
            foreach (var set in SetNames) text.Append("\r\n").Append(Name).Append(' ').Append(SetSyntax(set)).Append("\r\n");
            return text.ToString();
        }
    }

    /// <summary>CmdletInfo.Definition: the sets' syntax, one per line.</summary>
    public string Definition => string.Join("\r\n", SetNames.Select(s => Name + " " + SetSyntax(s))) + "\r\n";

    private static CmdletParameter Named(string name, string type, string syntaxType, string? alias) =>
        new(name, type, syntaxType, alias is null ? [] : [alias], [new CmdletParameterSet(CmdletParameter.AllParameterSets, null, false, false, false, false)]);
}

/// <summary>
/// The parameters of Windows PowerShell 5.1's cmdlets (cmdlet-parameters.tsv, generated by a Server test from PowerShell's
/// assemblies with 5.1's differences), read once.
/// </summary>
internal static class CmdletParameters
{
    private static readonly Lazy<Dictionary<string, CmdletDefinition>> Table = new(() =>
    {
        var table = Parse(new StringReader(EmbeddedText()));
        // The other in-box modules' commands the emulator answers or names (module-command-parameters.tsv).
        foreach (var (name, command) in ModuleCommands()) table.TryAdd(name, command);
        return table;
    });

    private const string ModuleCommandsResource = "PsrpEmulator.Server.module-command-parameters.tsv";

    /// <summary>The cmdlet, or the in-box module's function, of that name (not an alias), or null when the tables have none.</summary>
    public static CmdletDefinition? Of(string name) => Table.Value.GetValueOrDefault(name);

    internal static string EmbeddedText(string resource = "PsrpEmulator.Server.cmdlet-parameters.tsv")
    {
        using var stream = typeof(CmdletParameters).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The other in-box modules' table (module-command-parameters.tsv) alone: functions and cmdlets whose parameters
    /// are all there (the profile they come from lists every static one, and they have no provider's dynamic ones).
    /// </summary>
    internal static Dictionary<string, CmdletDefinition> ModuleCommands() => Parse(new StringReader(EmbeddedText(ModuleCommandsResource)), fromModuleProfile: true);

    internal static Dictionary<string, CmdletDefinition> Parse(TextReader reader, bool fromModuleProfile = false)
    {
        var table = new Dictionary<string, CmdletDefinition>(StringComparer.OrdinalIgnoreCase);
        string[]? header = null;
        var parameters = new List<CmdletParameter>();
        var number = 0;
        void Finish()
        {
            if (header is null) return;
            var flags = header[3];
            table[header[0][1..^1]] = new CmdletDefinition(header[0][1..^1], header[1], header[2], flags.Contains('S'), flags.Contains('P'), flags.Contains('T'), [.. parameters],
                withCommonParameters: !flags.Contains('N')) { IsFunction = flags.Contains('F'), AllParametersKnown = !flags.Contains('Y'), FromModuleProfile = fromModuleProfile };
            parameters.Clear();
        }

        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split('\t');
            if (line[0] == '[')
            {
                if (fields.Length != 4 || fields[0][^1] != ']') throw new InvalidDataException($"cmdlet-parameters.tsv line {number}: a cmdlet's line has 4 fields");
                Finish();
                header = fields;
                continue;
            }

            if (header is null || fields.Length != 6) throw new InvalidDataException($"cmdlet-parameters.tsv line {number}: a parameter's line has 6 fields, after a cmdlet's");
            var sets = fields[4].Split(';').Select(s => s.Split('@')).Select(s => s.Length == 3
                ? new CmdletParameterSet(s[0], s[1].Length == 0 ? null : int.Parse(s[1], CultureInfo.InvariantCulture), s[2].Contains('M'), s[2].Contains('V'), s[2].Contains('B'), s[2].Contains('R'))
                : throw new InvalidDataException($"cmdlet-parameters.tsv line {number}: a parameter set is name@position@flags")).ToList();
            parameters.Add(new CmdletParameter(fields[0], fields[1], fields[2], fields[3].Length == 0 ? [] : fields[3].Split(','), sets, fields[5] == "D"));
        }

        Finish();
        return table;
    }
}
