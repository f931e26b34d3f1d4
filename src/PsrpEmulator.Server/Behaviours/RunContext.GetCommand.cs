using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Command (gcm): the session's functions, the commands of the modules Windows has (WindowsCommands: Source and
/// Version), and the programs of System32, as CommandInfo objects in 5.1's table (CommandType, Name, Version, Source).
/// A name nothing has is CommandNotFoundException, written and gone on from (so <c>if (Get-Command x -ErrorAction
/// SilentlyContinue)</c> tests for a command as on Windows); a pattern that matches nothing is no error. Windows PowerShell
/// 5.1's default aliases are AliasInfo objects ("gci -> Get-ChildItem").
/// </summary>
internal sealed partial class RunContext
{
    private const int AliasCommandType = 1, FunctionCommandType = 2, CmdletCommandType = 8, ExternalScriptCommandType = 16, ApplicationCommandType = 32, AllCommandTypes = 0x1FF;

    private static readonly string[] CommandInfoTypeNames = ["System.Management.Automation.CommandInfo", "System.Object"];

    private async ValueTask GetCommandAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var names = arguments["Name"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : ["*"];
        var types = arguments["CommandType"] is { } typeWord ? CommandTypesOf(await ArgumentTextsAsync(typeWord, to, blockNesting)) : AllCommandTypes;
        var modules = arguments["Module"] is { } moduleWord ? await ArgumentTextsAsync(moduleWord, to, blockNesting) : null;
        // -Verb and -Noun: the commands whose verb and noun match (by wildcard), as Get-Command's CommandSearcher filters them.
        var verbs = arguments["Verb"] is { } verbWord ? (await ArgumentTextsAsync(verbWord, to, blockNesting)).Select(v => VirtualFileSystem.Wildcard(v)).ToList() : null;
        var nouns = arguments["Noun"] is { } nounWord ? (await ArgumentTextsAsync(nounWord, to, blockNesting)).Select(v => VirtualFileSystem.Wildcard(v)).ToList() : null;
        if ((verbs ?? nouns) is not null) names = arguments["Name"] is null ? ["*-*"] : names;
        foreach (var unsupported in new[] { "ParameterName", "ParameterType", "ShowCommandInfo", "ArgumentList", "FullyQualifiedModule" })
        {
            if (arguments.Has(unsupported)) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-Command -{unsupported} is not emulated: give the command a rule"));
        }

        foreach (var name in names)
        {
            var wildcard = VirtualFileSystem.HasWildcard(name);
            var pattern = VirtualFileSystem.Wildcard(name);
            var found = new List<PsObject>();
            var sessionFunctions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (variable, body) in scope.Variables.VisibleFunctions())
            {
                var functionName = variable["function:".Length..];
                sessionFunctions.Add(functionName);
                if ((types & FunctionCommandType) != 0 && modules is null && pattern.IsMatch(functionName) && body is not PsNil)
                {
                    // A function's parameters and script block, as a script's (the session's functions are scripts' text).
                    found.Add(FunctionInfoObject(functionName, body.ToDisplayString()));
                }
            }

            // 5.1's built-in functions whose text is known (C:, cd.., Clear-Host...), unless the session removed or redefined them.
            foreach (var (builtIn, definition) in BuiltInFunctions)
            {
                if ((types & FunctionCommandType) != 0 && modules is null && definition.Length > 0 && !sessionFunctions.Contains(builtIn) && pattern.IsMatch(builtIn))
                {
                    found.Add(FunctionInfoObject(builtIn, definition));
                }
            }

            // The default aliases belong to no module.
            if ((types & AliasCommandType) != 0 && modules is null)
            {
                foreach (var (alias, target) in WindowsCommands.Aliases)
                {
                    if (pattern.IsMatch(alias)) found.Add(CommandInfoObject(alias, AliasCommandType, null, null, target));
                }
            }

            foreach (var command in WindowsCommands.ModuleCommands)
            {
                var type = command.IsFunction ? FunctionCommandType : CmdletCommandType;
                if ((types & type) == 0 || !pattern.IsMatch(command.Name) || found.Any(f => f.ToStringValue!.Equals(command.Name, StringComparison.OrdinalIgnoreCase))) continue;
                if (modules is not null && !modules.Any(m => command.Module is { } module && VirtualFileSystem.Wildcard(m).IsMatch(module))) continue;
                found.Add(CommandInfoObject(command.Name, type, command.Module, command.Version, null));
            }

            // A script file by its path (Get-Command .\task.ps1): its ExternalScriptInfo, with its parameters and script block.
            if (!wildcard && (types & ExternalScriptCommandType) != 0 && modules is null && name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) &&
                Host.FileSystem is { } disk && VirtualFileSystem.FullPath(name, CurrentDirectory, out _) is { } scriptPath &&
                disk.Get(scriptPath) is { IsDirectory: false } script && disk.Read(scriptPath, out var scriptBytes) == FileSystemFailure.None)
            {
                found.Add(ExternalScriptInfoObject(script, DecodeText(scriptBytes, Ansi)));
            }

            // Programs are found by their name (Get-Command * would list the whole PATH: not emulated), or by their path.
            if (!wildcard && found.Count == 0 && (types & ApplicationCommandType) != 0 && modules is null && ApplicationInfoOf(name) is { } application)
            {
                found.Add(application);
            }

            if (found.Count == 0 && !wildcard && WindowsCommands.Has(name) && WindowsCommands.FindModuleCommand(name) is null && WindowsCommands.ProgramFile(name) is null &&
                WindowsCommands.AliasTarget(name) is null)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-Command of '{name}' is not emulated: give the command a rule"));
            }

            if (found.Count == 0 && !wildcard)
            {
                await WriteErrorAsync(new ScriptedError(
                    $"The term '{name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
                    "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand", ErrorCategory.ObjectNotFound, "System.Management.Automation.CommandNotFoundException", name)
                {
                    Activity = "Get-Command",
                }, output);
                continue;
            }

            // A module command asked for by its name loads its module, as PowerShell's command discovery does (a
            // pattern only reads the module analysis cache).
            if (!wildcard && found.Count > 0) NoteModuleCommand(name);

            if (verbs is not null || nouns is not null)
            {
                found.RemoveAll(f => f.ToStringValue is not { } commandName || commandName.IndexOf('-', StringComparison.Ordinal) is not (> 0 and var dash) ||
                    verbs?.Any(v => v.IsMatch(commandName[..dash])) == false || nouns?.Any(n => n.IsMatch(commandName[(dash + 1)..])) == false);
            }

            // Get-Command's order: by command type, then by name.
            foreach (var info in found.OrderBy(f => ((PsObject)f["CommandType"]!).BaseValue!.Value).ThenBy(f => f.ToStringValue, StringComparer.OrdinalIgnoreCase))
            {
                await output.WriteAsync(new PipelineOutput(arguments.Has("Syntax") ? PsPrimitive.String(SyntaxOf(info)) : info), cancellationToken);
            }
        }
    }

    /// <summary>
    /// What Get-Command -Syntax writes for a command: a cmdlet's CmdletInfo.Syntax (each parameter set after an empty
    /// line), an alias's definition (5.1's CommandInfo.Syntax is the Definition where a command type does not override it).
    /// </summary>
    private static string SyntaxOf(PsObject info)
    {
        var name = info.ToStringValue!;
        return ((PsObject)info["CommandType"]!).BaseValue!.Value switch
        {
            CmdletCommandType when CmdletParameters.Of(name) is { FromModuleProfile: false } cmdlet => cmdlet.Syntax,
            // A session function's syntax, as its FunctionInfo has it (one set of its param block).
            FunctionCommandType when info["ScriptBlock"] is PsPrimitive { Value: string body } && CommandMetadataScript.FunctionDefinition(name, body) is { } function => function.Syntax,
            AliasCommandType => info["Definition"] is PsPrimitive { Value: string definition } ? definition : name,
            ApplicationCommandType => info["Definition"] is PsPrimitive { Value: string path } ? path : name,
            _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-Command -Syntax of '{name}' is not emulated: give the command a rule")),
        };
    }

    // -CommandType's names (Cmdlet, Function, Alias, Application, All...; several joined by commas) as a mask.
    private static int CommandTypesOf(IEnumerable<string> names)
    {
        var mask = 0;
        foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            mask |= name.ToUpperInvariant() switch
            {
                "ALIAS" => AliasCommandType,
                "FUNCTION" => FunctionCommandType,
                "FILTER" => 4,
                "CMDLET" => CmdletCommandType,
                "EXTERNALSCRIPT" => 16,
                "APPLICATION" => ApplicationCommandType,
                "SCRIPT" => 64,
                "WORKFLOW" => 128,
                "CONFIGURATION" => 256,
                "ALL" => AllCommandTypes,
                _ => throw new StatementTerminatedException(EnumParameterError("Get-Command", "CommandType", name, "System.Management.Automation.CommandTypes",
                    ["Alias", "Function", "Filter", "Cmdlet", "ExternalScript", "Application", "Script", "Workflow", "Configuration", "All"])),
            };
        }

        return mask;
    }

    /// <summary>
    /// The ApplicationInfo of a program named by its name (found on the PATH, <c>cmd</c>: <c>cmd.exe</c>) or by its path
    /// on the computer's disk; null for a name that is no program.
    /// </summary>
    private PsObject? ApplicationInfoOf(string name)
    {
        if (WindowsCommands.ProgramFile(name) is { } file)
        {
            var path = ProgramOnPath(file) ?? WindowsPrograms.Folder(file) + "\\" + file;
            return CommandInfoObject(file, ApplicationCommandType, path, "10.0.17763.1", path);
        }

        return WindowsCommands.ProgramOfPath(name) is not null &&
            Host.FileSystem?.Get(VirtualFileSystem.FullPath(name, CurrentDirectory, out _) ?? name) is { IsDirectory: false } image
            ? CommandInfoObject(image.Name, ApplicationCommandType, image.FullName, "10.0.17763.1", image.FullName)
            : null;
    }

    // An ExternalScriptInfo: named by its file name, its path as Source and Definition, its text as ScriptBlock and
    // ScriptContents (UNVERIFIED: the Version 5.1 shows for a script without #requires, 0.0 here).
    private static PsObject ExternalScriptInfoObject(FileSystemItem script, string text) =>
        new PsObject(["System.Management.Automation.ExternalScriptInfo", .. CommandInfoTypeNames]) { ToStringValue = script.FullName }
            .With("CommandType", PsObjects.Enum("System.Management.Automation.CommandTypes", "ExternalScript", ExternalScriptCommandType))
            .With("Name", script.Name)
            .With("Version", PsPrimitive.Version("0.0"))
            .With("Source", script.FullName)
            .With("ModuleName", string.Empty)
            .With("Definition", script.FullName)
            .With("Path", script.FullName)
            .With("Extension", ".ps1")
            .With("ScriptBlock", PsPrimitive.ScriptBlock(Statements.Code(text)))
            .With("ScriptContents", text)
            .With("Parameters", CommandMetadataScript.ParametersOf(Statements.Code(text)))
            .With("Visibility", PsObjects.Enum("System.Management.Automation.SessionStateEntryVisibility", "Public", 0));

    // A CommandInfo as Get-Command writes it (its text the command's name, as CommandInfo.ToString gives).
    private static PsObject CommandInfoObject(string name, int type, string? source, string? version, string? definition)
    {
        var (typeName, typeText) = type switch
        {
            AliasCommandType => ("System.Management.Automation.AliasInfo", "Alias"),
            FunctionCommandType => ("System.Management.Automation.FunctionInfo", "Function"),
            ApplicationCommandType => ("System.Management.Automation.ApplicationInfo", "Application"),
            _ => ("System.Management.Automation.CmdletInfo", "Cmdlet"),
        };
        var info = new PsObject([typeName, .. CommandInfoTypeNames]) { ToStringValue = name }
            .With("CommandType", PsObjects.Enum("System.Management.Automation.CommandTypes", typeText, type))
            .With("Name", name)
            .With("Version", version is null ? PsNil.Instance : PsPrimitive.Version(version))
            .With("Source", source ?? string.Empty)
            .With("ModuleName", type == ApplicationCommandType ? string.Empty : source ?? string.Empty)
            .With("Definition", definition ?? (type == CmdletCommandType ? name : string.Empty))
            .With("Visibility", PsObjects.Enum("System.Management.Automation.SessionStateEntryVisibility", "Public", 0));
        if (type == CmdletCommandType && name.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
        {
            info.With("Verb", name[..dash]).With("Noun", name[(dash + 1)..]);
        }

        // A cmdlet the table knows: its Definition is its syntax, and its parameters and sets are there to read.
        if (type == CmdletCommandType && CmdletParameters.Of(name) is { FromModuleProfile: false } cmdlet)
        {
            info.With("Definition", cmdlet.Definition)
                .With("DefaultParameterSet", cmdlet.DefaultSet.Length == 0 ? PsNil.Instance : PsPrimitive.String(cmdlet.DefaultSet))
                .With("ImplementingType", cmdlet.ClassName)
                .With("Parameters", CommandMetadataScript.ParametersObject(CommandMetadataScript.CmdletParametersOf(name)))
                .With("ParameterSets", PsObjects.List([.. cmdlet.SetNames.Select(set => (PsValue)ParameterSetInfoObject(cmdlet, set))], ParameterSetListTypeNames));
        }

        // Another in-box module's function or cmdlet the module table knows: its parameters and default set (its sets'
        // syntax is not given: the profile behind the table has no PSTypeName of a CDXML function's CimInstance
        // parameters, which the syntax shows, nor the position of a parameter in all sets).
        if (type is FunctionCommandType or CmdletCommandType && source is not null && CmdletParameters.Of(name) is { FromModuleProfile: true } command &&
            command.IsFunction == (type == FunctionCommandType))
        {
            if (type == FunctionCommandType) info.With("CmdletBinding", command.CmdletBinding);
            info.With("DefaultParameterSet", command.DefaultSet.Length == 0 ? PsNil.Instance : PsPrimitive.String(command.DefaultSet))
                .With("Parameters", CommandMetadataScript.ParametersObject(command.Parameters));
        }

        if (type == ApplicationCommandType) info.With("Path", source!).With("Extension", ".exe");
        // An alias shows as "gci -> Get-ChildItem" (5.1's view), and resolves to the command it stands for.
        if (type == AliasCommandType) info.With("DisplayName", $"{name} -> {definition}").With("ResolvedCommandName", definition!).With("ReferencedCommand", definition!);
        // An alias of a cmdlet has the cmdlet's parameters (AliasInfo.Parameters is its resolved command's).
        if (type == AliasCommandType && definition is not null && CmdletParameters.Of(definition) is not null)
        {
            info.With("Parameters", CommandMetadataScript.ParametersObject(CommandMetadataScript.CmdletParametersOf(definition)));
        }
        return info;
    }

    private static readonly string[] ParameterSetListTypeNames =
        ["System.Collections.ObjectModel.ReadOnlyCollection`1[[System.Management.Automation.CommandParameterSetInfo, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];

    private static readonly string[] ParameterInfoListTypeNames =
        ["System.Collections.ObjectModel.ReadOnlyCollection`1[[System.Management.Automation.CommandParameterInfo, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];

    // A CommandParameterSetInfo: its name, whether it is the default, its parameters (CommandParameterInfo, Position
    // int.MinValue for a named one), its text the set's syntax (CommandParameterSetInfo.ToString).
    private static PsObject ParameterSetInfoObject(CmdletDefinition cmdlet, string set) =>
        new PsObject(["System.Management.Automation.CommandParameterSetInfo", "System.Object"]) { ToStringValue = cmdlet.SetSyntax(set) }
            .With("Name", set)
            .With("IsDefault", set.Equals(cmdlet.DefaultSet, StringComparison.OrdinalIgnoreCase) || cmdlet.SetNames.Count == 1 && set == CmdletParameter.AllParameterSets)
            .With("Parameters", PsObjects.List([.. cmdlet.ParametersIn(set).Select(p => (PsValue)new PsObject(["System.Management.Automation.CommandParameterInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.CommandParameterInfo" }
                .With("Name", p.Parameter.Name)
                .With("ParameterType", p.Parameter.TypeName)
                .With("IsMandatory", p.Set.Mandatory)
                .With("IsDynamic", p.Parameter.IsDynamic)
                .With("Position", p.Set.Position ?? int.MinValue)
                .With("ValueFromPipeline", p.Set.FromPipeline)
                .With("ValueFromPipelineByPropertyName", p.Set.FromPipelineByPropertyName)
                .With("ValueFromRemainingArguments", p.Set.FromRemainingArguments)
                .With("HelpMessage", PsNil.Instance)
                .With("Aliases", PsObjects.List([.. p.Parameter.Aliases.Select(a => (PsValue)PsPrimitive.String(a))], ["System.Collections.ObjectModel.ReadOnlyCollection`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])))],
                ParameterInfoListTypeNames));

    // Where a program is on the computer's disk, by the folders of PATH in order, as Get-Command finds an application
    // (powershell.exe in C:\Windows\System32\WindowsPowerShell\v1.0, the folder written as PATH writes it); null when none has it.
    private string? ProgramOnPath(string file)
    {
        if (Host.FileSystem is not { } disk) return null;
        foreach (var entry in (scope.Variables.EnvironmentVariable("PATH") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var folder = entry.TrimEnd('\\');
            if (folder.Length == 0 || VirtualFileSystem.FullPath(folder + "\\" + file, CurrentDirectory, out _) is not { } full) continue;
            if (disk.Get(full) is { IsDirectory: false } found) return folder + "\\" + found.Name;
        }

        return null;
    }

    // A function's CommandInfo: its definition, script block and parameters, as a script's.
    private static PsObject FunctionInfoObject(string name, string definition) =>
        CommandInfoObject(name, FunctionCommandType, null, null, definition)
            .With("ScriptBlock", PsPrimitive.ScriptBlock(definition))
            .With("Parameters", CommandMetadataScript.ParametersOf(definition));
}
