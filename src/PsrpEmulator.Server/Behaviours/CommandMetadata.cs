using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// GET_COMMAND_METADATA's pipeline, as Windows PowerShell's server runs it (ServerRunspacePoolDriver.HandleGetCommandMetadata:
/// <c>Get-Command $names -CommandType $types | Measure-Object | Select-Object Count</c>, then <c>Get-Command ... |
/// Select-Object Name, Namespace, HelpUri, CommandType, ResolvedCommandName, OutputType, Parameters</c>): a count, then
/// one object per command. The commands are the session's functions (their param blocks' parameters), those of the
/// in-box modules a Server 2019 has, as Get-Command finds them in a script (a cmdlet's parameters from
/// cmdlet-parameters.tsv, else the common ones only; a module function's from module-command-parameters.tsv, else
/// none), and 5.1's default aliases (ResolvedCommandName, the parameters of what they stand for). <c>-Namespace</c>
/// (modules) is not emulated.
/// </summary>
internal sealed partial class CommandMetadataScript(GetCommandMetadata request) : IBehaviourScript
{
    private const int AliasType = 1, FunctionType = 2, CmdletType = 8;

    private static readonly string[] CountTypeNames = ["Selected.Microsoft.PowerShell.Commands.GenericMeasureInfo", "System.Management.Automation.PSCustomObject", "System.Object"];
    private static readonly string[] OutputTypeTypeNames =
        ["System.Collections.ObjectModel.ReadOnlyCollection`1[[System.Management.Automation.PSTypeName, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];
    private static readonly string[] ParametersTypeNames =
        ["System.Collections.Generic.Dictionary`2[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089],[System.Management.Automation.ParameterMetadata, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];
    private static readonly string[] AliasesTypeNames =
        ["System.Collections.ObjectModel.Collection`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"];

    public async Task<PipelineOutcome> RunAsync(IPipelineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var patterns = request.Names.Select(n => VirtualFileSystem.Wildcard(n)).ToList();
        var found = new List<(string Name, int Type, IReadOnlyList<CmdletParameter> Parameters)>();
        if ((request.CommandType & FunctionType) != 0 && host.ExistingRunspace is { } runspace)
        {
            foreach (var (variable, body) in runspace.VariablesStartingWith("function:"))
            {
                var name = variable["function:".Length..];
                if (!patterns.Any(p => p.IsMatch(name))) continue;
                found.Add((name, FunctionType, FunctionParameters(body.ToDisplayString(), withShouldProcess: false)));
            }
        }

        if ((request.CommandType & AliasType) != 0)
        {
            foreach (var (alias, target) in WindowsCommands.Aliases)
            {
                if (!patterns.Any(p => p.IsMatch(alias))) continue;
                found.Add((alias, AliasType, ModuleCommandParametersOf(target, WindowsCommands.FindModuleCommand(target) is not { IsFunction: false })));
            }
        }

        foreach (var (name, isFunction, _, _) in WindowsCommands.ModuleCommands)
        {
            var type = isFunction ? FunctionType : CmdletType;
            if ((request.CommandType & type) == 0 || !patterns.Any(p => p.IsMatch(name)) || found.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) continue;
            found.Add((name, type, ModuleCommandParametersOf(name, isFunction)));
        }

        // Get-Command's order: by command type, then by name.
        found.Sort((a, b) => a.Type != b.Type ? a.Type.CompareTo(b.Type) : StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        await host.WriteAsync(new PipelineOutput(new PsObject(CountTypeNames).With("Count", found.Count)), cancellationToken).ConfigureAwait(false);
        foreach (var (name, type, parameters) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await host.WriteAsync(new PipelineOutput(CommandObject(name, type, parameters, type == AliasType ? WindowsCommands.AliasTarget(name) : null)), cancellationToken).ConfigureAwait(false);
        }

        return PipelineOutcome.Completed;
    }

    /// <summary>
    /// A script's or function's Parameters as its CommandInfo has them: the param block's parameters in order, then the
    /// common parameters when the block makes it advanced (<c>(Get-Command .\task.ps1).Parameters.Keys</c>).
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\[\s*CmdletBinding\s*\([^)]*\bSupportsShouldProcess\b(?!\s*=\s*\$false)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SupportsShouldProcess();

    internal static PsObject ParametersOf(string scriptText) => ParametersObject(FunctionParameters(scriptText, withShouldProcess: true));

    // A param block's parameters in order, then the common ones when it is advanced, then (withShouldProcess)
    // -WhatIf and -Confirm when [CmdletBinding(SupportsShouldProcess)] adds them.
    private static IReadOnlyList<CmdletParameter> FunctionParameters(string scriptText, bool withShouldProcess)
    {
        var declared = ScriptParameters.Declared(scriptText, out var advanced);
        IEnumerable<CmdletParameter> parameters = declared.Select(d => new CmdletParameter(d.Name, d.TypeFullName, SyntaxTypeOf(d.TypeFullName), [], []));
        if (advanced) parameters = parameters.Concat(CmdletDefinition.CommonParameters);
        if (withShouldProcess && advanced && SupportsShouldProcess().IsMatch(scriptText)) parameters = parameters.Concat(CmdletDefinition.ShouldProcessParameters);
        return [.. parameters];
    }

    /// <summary>
    /// A function's parameters as its FunctionInfo compiles them, for its syntax: each in order, the ones that are not
    /// switches positional from 0 (PositionalBinding), none mandatory, the common ones when it is advanced and -WhatIf /
    /// -Confirm with SupportsShouldProcess. Null for a param block with [Parameter()] attributes (their positions,
    /// sets and mandatory flags are not read here).
    /// </summary>
    internal static CmdletDefinition? FunctionDefinition(string name, string scriptText)
    {
        if (scriptText.Contains("[Parameter", StringComparison.OrdinalIgnoreCase)) return null;
        var declared = ScriptParameters.Declared(scriptText, out var advanced);
        var position = 0;
        var parameters = declared.Select(d =>
        {
            var isSwitch = d.TypeFullName == "System.Management.Automation.SwitchParameter";
            var set = new CmdletParameterSet(CmdletParameter.AllParameterSets, isSwitch ? null : position++, false, false, false, false);
            return new CmdletParameter(d.Name, d.TypeFullName, SyntaxTypeOf(d.TypeFullName), [], [set]);
        }).ToList();
        return new CmdletDefinition(name, string.Empty, string.Empty, advanced && SupportsShouldProcess().IsMatch(scriptText), false, false, parameters, withCommonParameters: advanced);
    }

    // A type as a syntax shows it: the name the cmdlet table writes for it (5.1's accelerators), else its last name.
    private static string SyntaxTypeOf(string typeName) => typeName switch
    {
        "System.Object" => "Object",
        "System.String" => "string", "System.String[]" => "string[]", "System.Int32" => "int", "System.Int32[]" => "int[]", "System.Int64" => "long",
        "System.Boolean" => "bool", "System.DateTime" => "datetime", "System.Double" => "double", "System.Collections.Hashtable" => "hashtable",
        "System.Management.Automation.PSCredential" => "pscredential", "System.Management.Automation.ScriptBlock" => "scriptblock",
        "System.Management.Automation.PSObject" => "psobject", "System.Object[]" => "Object[]",
        _ => typeName[(typeName.LastIndexOf('.') + 1)..],
    };

    /// <summary>
    /// A cmdlet's parameters as GET_COMMAND_METADATA and CmdletInfo.Parameters have them: from the table of 5.1's
    /// cmdlets, else (a cmdlet the table lacks) the common parameters only.
    /// </summary>
    internal static IReadOnlyList<CmdletParameter> CmdletParametersOf(string cmdlet) => CmdletParameters.Of(cmdlet)?.Parameters ?? CmdletDefinition.CommonParameters;

    /// <summary>
    /// An in-box module command's parameters: a cmdlet's (<see cref="CmdletParametersOf"/>), a function's from the
    /// module functions' table, else none (a function the table lacks: its parameters are not known).
    /// </summary>
    private static IReadOnlyList<CmdletParameter> ModuleCommandParametersOf(string name, bool isFunction) =>
        isFunction ? CmdletParameters.Of(name) is { IsFunction: true } function ? function.Parameters : [] : CmdletParametersOf(name);

    internal static PsObject ParametersObject(IReadOnlyList<CmdletParameter> parameters) =>
        PsObjects.Dictionary([.. parameters.Select(p => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(p.Name), ParameterObject(p)))], ParametersTypeNames);

    private static PsObject CommandObject(string name, int type, IReadOnlyList<CmdletParameter> parameters, string? resolvedName)
    {
        var info = type switch { FunctionType => "FunctionInfo", AliasType => "AliasInfo", _ => "CmdletInfo" };
        return new PsObject([$"Selected.System.Management.Automation.{info}", "System.Management.Automation.PSCustomObject", "System.Object"])
            .With("Name", name)
            .With("Namespace", PsNil.Instance)
            .With("HelpUri", string.Empty)
            .With("CommandType", PsObjects.Enum("System.Management.Automation.CommandTypes", type switch { FunctionType => "Function", AliasType => "Alias", _ => "Cmdlet" }, type))
            .With("ResolvedCommandName", resolvedName is null ? PsNil.Instance : PsPrimitive.String(resolvedName))
            .With("OutputType", PsObjects.List([], OutputTypeTypeNames))
            .With("Parameters", ParametersObject(parameters));
    }

    private static PsObject ParameterObject(CmdletParameter parameter)
    {
        var o = new PsObject(["System.Management.Automation.ParameterMetadata", "System.Object"]) { ToStringValue = "System.Management.Automation.ParameterMetadata" };
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(parameter.Name)));
        o.AdaptedProperties.Add(new PsProperty("ParameterType", PsPrimitive.String(parameter.TypeName)));
        o.AdaptedProperties.Add(new PsProperty("Aliases", PsObjects.List([.. parameter.Aliases.Select(a => (PsValue)PsPrimitive.String(a))], AliasesTypeNames)));
        o.AdaptedProperties.Add(new PsProperty("IsDynamic", PsPrimitive.Boolean(parameter.IsDynamic)));
        o.AdaptedProperties.Add(new PsProperty("SwitchParameter", PsPrimitive.Boolean(parameter.IsSwitch)));
        return o;
    }
}
